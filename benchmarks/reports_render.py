"""How long building reports and charts takes, beside scoring the same person (the baseline).

    .venv/bin/python benchmarks/reports_render.py

Uses the bundled RBI when it exists, otherwise the test instrument with the RBI's ids. Each
figure is the median over interleaved rounds, in microseconds per call.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reports.conftest import make_answers, make_test_instrument
from twofold.core import bundled_instruments, couple_of, load_instrument, profile_person
from twofold.reports import (
    balance_map,
    couple_report,
    facet_chart,
    individual_report,
    map_point,
)


def per_call(fns: list[Callable[[], object]], calls: int = 40, rounds: int = 25) -> list[float]:
    """Median microseconds per call of each function, measured in interleaved rounds.

    Interleaving puts every function under the same background load, so the figures stay
    comparable with the baseline even on a busy machine.
    """
    for fn in fns:
        fn()  # warm up (content loading, caches)
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            times[k].append((time.perf_counter() - start) / calls)
    return [statistics.median(t) * 1e6 for t in times]


def main() -> None:
    name = "rbi" if "rbi" in bundled_instruments() else "rbi-test"
    inst = load_instrument("rbi") if name == "rbi" else make_test_instrument()
    a = make_answers(inst, {"HD": 6, "UD": 3, "HI": 5, "UI": 2}, views={"HD": 5}, outcomes=5)
    b = make_answers(inst, {"HD": 3, "UD": 6, "HI": 3, "UI": 5}, views={"HD": 4}, outcomes=4)
    pa, pb, couple = couple_of(inst, a, b)
    rows = [
        ("baseline: profile_person (score one person)", lambda: profile_person(inst, a)),
        ("baseline: couple_of (score two people + couple)", lambda: couple_of(inst, a, b)),
        ("balance_map, one person", lambda: balance_map([map_point(pa, "You")], inst, "en")),
        ("facet_chart, 4 facets", lambda: facet_chart(pa, inst, "en")),
        ("facet_chart, 16 sub-facets", lambda: facet_chart(pa, inst, "en", subfacets=True)),
        ("individual_report (3 charts + texts)", lambda: individual_report(pa, "es")),
        (
            "couple_report (map + texts)",
            lambda: couple_report(
                pa, pb, couple, "es", me_is_a=True, my_name="Ana", partner_name="Ben"
            ),
        ),
    ]
    print(f"instrument: {name}; Python {sys.version.split()[0]}")
    for (label, _), micro in zip(rows, per_call([fn for _, fn in rows]), strict=True):
        print(f"{label:<50} {micro:>9.0f} µs")


if __name__ == "__main__":
    main()
