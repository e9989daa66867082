#!/usr/bin/env python3
"""Reliability speed on bfi (2800 x 25), Twofold beside R's psych measured in the same run.

Four tasks, each timed per call after one warm-up call, inside the running process (interpreter
and R start-up excluded), median over ``--reps`` calls:

1. ``alpha`` on the five bfi scales (keys reversed; item analysis and intervals included);
2. ``omega`` on the five scales with 3 factors each;
3. ``omega`` on all 25 items with 5 factors;
4. scale statistics and intercorrelations (``scale_correlations``; psych's ``scoreItems``).

R runs ``benchmarks/bench_reliability.R`` (psych 2.2.9 from Debian's packages) with the same
data and repetitions. R and Python alternate ``--rounds`` times so that both meet the same
machine load; medians are over all rounds. Without Rscript, the R figures are read from
``--r-timings`` (the reference set's ``bfi_timings.json``) and the output says so.

    .venv/bin/python benchmarks/bench_reliability.py [--reps 20] [--rounds 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from twofold.core import alpha, omega, scale_correlations

HERE = Path(__file__).resolve().parent
BFI = HERE.parent / "tests" / "fixtures" / "bfi"
TASKS = ("alpha_5_scales", "omega_5_scales_nf3", "omega_25_items_nf5", "scoreItems_none")
# names of the same tasks in the reference set's bfi_timings.json
REFERENCE_NAMES = {
    "alpha_5_scales": "alpha_all5_scales",
    "omega_5_scales_nf3": "omega_all5_scales_nf3",
    "omega_25_items_nf5": "omega_25items_nf5",
    "scoreItems_none": "scoreItems_none",
}


def python_tasks() -> dict[str, Callable[[], object]]:
    frame = pd.read_csv(BFI / "psych_bfi.csv")
    items = frame.iloc[:, 1:26]
    keys_table = pd.read_csv(BFI / "psych_bfi.keys.csv")
    keys = {scale: [k for k in keys_table[scale] if isinstance(k, str)] for scale in keys_table}
    scales = [
        ([k.lstrip("-") for k in refs], [-1 if k.startswith("-") else 1 for k in refs])
        for refs in keys.values()
    ]

    def alpha_5() -> None:
        for names, signs in scales:
            alpha(items[names], keys=signs, min=1, max=6)

    def omega_5() -> None:
        for names, _ in scales:
            omega(items[names], 3)

    def omega_25() -> None:
        omega(items, 5)

    def score_items() -> None:
        scale_correlations(items, keys)

    return dict(zip(TASKS, (alpha_5, omega_5, omega_25, score_items), strict=True))


def time_python(reps: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for name, task in python_tasks().items():
        task()  # warm-up
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            task()
            times.append(time.perf_counter() - start)
        out[name] = times
    return out


def time_r(reps: int) -> tuple[dict[str, list[float]], dict[str, str]]:
    done = subprocess.run(
        [
            "Rscript",
            str(HERE / "bench_reliability.R"),
            str(BFI / "psych_bfi.csv"),
            str(BFI / "psych_bfi.keys.csv"),
            str(reps),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(done.stdout)
    versions = data.pop("versions")
    return {k: [float(x) for x in v] for k, v in data.items()}, versions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--r-timings",
        type=Path,
        default=Path("/work/shared/reference/timings/bfi_timings.json"),
        help="R figures to use when Rscript is not installed",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    ours: dict[str, list[float]] = {t: [] for t in TASKS}
    theirs: dict[str, list[float]] = {t: [] for t in TASKS}
    r_source = "measured in this run (Rscript benchmarks/bench_reliability.R)"
    versions: dict[str, str] = {}
    have_r = shutil.which("Rscript") is not None
    for _ in range(args.rounds):
        if have_r:
            r_times, versions = time_r(args.reps)
            for t in TASKS:
                theirs[t] += r_times[t]
        for t, times in time_python(args.reps).items():
            ours[t] += times
    if not have_r:
        reference = json.loads(args.r_timings.read_text())["timings"]
        for t in TASKS:
            theirs[t] = [reference[REFERENCE_NAMES[t]]["per_call_median_s"]]
        r_source = f"read from {args.r_timings} (Rscript not installed)"
        versions = json.loads(args.r_timings.read_text())["versions"]

    load = os.getloadavg()
    rows = []
    for t in TASKS:
        py, r = statistics.median(ours[t]), statistics.median(theirs[t])
        rows.append({"task": t, "twofold_s": py, "r_psych_s": r, "speedup": r / py})
    if args.json:
        print(
            json.dumps(
                {
                    "reps": args.reps,
                    "rounds": args.rounds,
                    "r_source": r_source,
                    "r_versions": versions,
                    "load_average": load,
                    "results": rows,
                },
                indent=2,
            )
        )
        return
    print(f"bfi 2800 x 25; median per call over {args.reps} calls x {args.rounds} rounds")
    print(f"R: {r_source}; {versions.get('R', '')}, psych {versions.get('psych', '')}")
    print(f"load average at the end (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'task':<22}{'twofold':>12}{'R psych':>12}{'speed-up':>10}")
    for row in rows:
        print(
            f"{row['task']:<22}{row['twofold_s'] * 1e3:>10.1f}ms{row['r_psych_s'] * 1e3:>10.1f}ms"
            f"{row['speedup']:>9.1f}x"
        )


if __name__ == "__main__":
    main()
