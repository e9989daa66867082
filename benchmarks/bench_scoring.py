#!/usr/bin/env python3
"""Scoring speed and memory, each figure beside a baseline measured in the same run.

1. In memory, 1M people: all RBI scores, intervals, regions and region probabilities
   (``twofold.core.profile``) versus a plain NumPy baseline (reverse, ``np.nanmean`` per scale,
   answered counts for the minimum-answered rule).
2. End to end, Parquet in -> Parquet out, 1M people, each run in a fresh process (so peak RSS is
   its own): ``twofold.pipeline.score_file`` versus the obvious pandas way (``read_parquet``,
   reverse, ``mean(axis=1)`` per scale, ``to_parquet``), for the RBI and for the make_big keys.
   Time is measured inside the process from reading to the written file (interpreter start-up
   and library imports excluded, for both ways alike); the ``twofold score`` command's whole
   wall time, imports included, is reported too.

    .venv/bin/python benchmarks/bench_scoring.py            # creates benchmarks/data/ if needed
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PY = sys.executable


def ensure_data(rows: int) -> tuple[Path, Path, Path]:
    DATA.mkdir(exist_ok=True)
    big = DATA / f"big_{rows}.parquet"
    keys = DATA / f"big_{rows}_keys.json"
    rbi = DATA / f"rbi_{rows}.parquet"
    if not big.exists():
        subprocess.run([PY, HERE / "make_big.py", big, "--rows", str(rows)], check=True)
    if not rbi.exists():
        subprocess.run([PY, HERE / "make_instrument_data.py", rbi, "--rows", str(rows)], check=True)
    return big, keys, rbi


# ---- 1. in memory ---------------------------------------------------------------------------


def in_memory(rbi_path: Path, repeats: int) -> dict[str, object]:
    import numpy as np
    import pyarrow.parquet as pq

    from twofold.core import load_instrument, profile
    from twofold.pipeline import responses_from_batch

    rbi = load_instrument("rbi")
    table = pq.read_table(rbi_path)
    responses = responses_from_batch(rbi, table)
    floats = responses.to_float()  # person-major float matrix with NaN, for the baseline
    del table

    def baseline() -> None:
        for scale in rbi.scales:
            cols = [responses.position(i) for i, _ in scale.keys]
            block = floats[:, cols]
            rev = [k for k, (_, sign) in enumerate(scale.keys) if sign < 0]
            block[:, rev] = scale.min + scale.max - block[:, rev]
            counts = (~np.isnan(block)).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                means = np.nansum(block, axis=1) / counts  # np.nanmean, without its warnings
            means[counts < np.ceil(scale.min_answered * len(cols))] = np.nan

    def ours() -> None:
        profile(rbi, responses)

    def clock(f: Callable[[], None]) -> float:
        start = time.perf_counter()
        f()
        return time.perf_counter() - start

    ours()
    baseline()  # warm up both
    # Alternated, so drift in the machine's load hits both alike; the baseline streams a
    # 600 MB float matrix through the caches before each of ours, as other work would.
    t_ours, t_base = [], []
    for _ in range(repeats):
        t_ours.append(clock(ours))
        t_base.append(clock(baseline))
    # Then each back to back (its own data warm in the caches), in the same run.
    alone_ours = [clock(ours) for _ in range(repeats)]
    alone_base = [clock(baseline) for _ in range(repeats)]
    prof = profile(rbi, responses)
    return {
        "rows": responses.n_people,
        "scores": len(prof.scores.score_ids),
        "intervals": len(prof.interval_ids),
        "regions": len(prof.region_ids),
        "twofold_profile_s": statistics.median(t_ours),
        "numpy_means_only_s": statistics.median(t_base),
        "twofold_profile_back_to_back_s": statistics.median(alone_ours),
        "numpy_means_only_back_to_back_s": statistics.median(alone_base),
    }


# ---- 2. end to end, one process per run ----------------------------------------------------

CHILD = r"""
import json, sys, time
mode, src, out, keys = sys.argv[1:5]
# Libraries are imported before the clock starts, for both ways alike (the figure is the work).
import numpy as np, pandas as pd, pyarrow.parquet, scipy.special
start = time.perf_counter()
if mode.startswith("twofold"):
    from twofold.core import instrument_from_keys, load_instrument, load_keys
    from twofold.pipeline import score_file
    inst = load_instrument("rbi") if mode == "twofold-rbi" else instrument_from_keys(load_keys(keys), min=1, max=5)
    start = time.perf_counter()
    score_file(src, out, inst)
else:
    from twofold.core import load_instrument, load_keys
    if mode == "pandas-rbi":
        inst = load_instrument("rbi")
        scales = {s.id: [("-" if sign < 0 else "") + i for i, sign in s.keys] for s in inst.scales}
        lo, hi = 1, 7
    else:
        scales = load_keys(keys)
        lo, hi = 1, 5
    start = time.perf_counter()
    df = pd.read_parquet(src)
    scores = pd.DataFrame({"id": df["id"]})
    for name, refs in scales.items():
        items = [r.lstrip("-") for r in refs]
        block = df[items].astype("float64")
        rev = [r.lstrip("-") for r in refs if r.startswith("-")]
        block[rev] = (lo + hi) - block[rev]
        scores[name] = block.mean(axis=1)
    scores.to_parquet(out)
elapsed = time.perf_counter() - start
# VmHWM is this process's own peak (ru_maxrss would include the parent's, inherited at fork)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"seconds": elapsed, "peak_rss_mb": hwm / 1024}))
"""


def run_child(mode: str, src: Path, keys: Path) -> dict[str, float]:
    out = DATA / f"out_{mode}.parquet"
    proc = subprocess.run(
        [PY, "-c", CHILD, mode, str(src), str(out), str(keys)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    out.unlink(missing_ok=True)
    return result


def cli_wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def end_to_end(big: Path, keys: Path, rbi: Path, repeats: int) -> dict[str, dict[str, float]]:
    modes = {
        "twofold-rbi": rbi,
        "pandas-rbi": rbi,
        "twofold-keys": big,
        "pandas-keys": big,
    }
    runs: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
    for _ in range(repeats):  # interleaved, so drift hits every mode alike
        for mode, src in modes.items():
            runs[mode].append(run_child(mode, src, keys))
    summary = {
        mode: {
            "median_s": statistics.median(r["seconds"] for r in rs),
            "min_s": min(r["seconds"] for r in rs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
        }
        for mode, rs in runs.items()
    }
    twofold = str(Path(PY).with_name("twofold"))
    out = DATA / "out_cli.parquet"
    walls = [cli_wall([twofold, "score", str(rbi), "--out", str(out)]) for _ in range(repeats)]
    summary["twofold score (CLI, rbi, whole process)"] = {"median_s": statistics.median(walls)}
    out.unlink(missing_ok=True)
    return summary


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--in-memory-only", action="store_true", help="skip the end-to-end part")
    a = ap.parse_args()
    big, keys, rbi = ensure_data(a.rows)
    print(
        f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; load {os.getloadavg()}"
    )
    if not a.in_memory_only:
        e2e = end_to_end(big, keys, rbi, a.repeats)
        print("\nEnd to end, Parquet -> Parquet (median of", a.repeats, "fresh processes):")
        for mode, fig in e2e.items():
            print(f"  {mode:45s} " + "  ".join(f"{k}={v:.3f}" for k, v in fig.items()))
        for kind in ("rbi", "keys"):
            speedup = e2e[f"pandas-{kind}"]["median_s"] / e2e[f"twofold-{kind}"]["median_s"]
            print(f"  {kind}: twofold is {speedup:.1f}x faster than the pandas way")
    mem = in_memory(rbi, a.repeats)
    print("\nIn memory (median of", a.repeats, "runs):")
    print(json.dumps(mem, indent=1))
    ratio = mem["numpy_means_only_s"] / mem["twofold_profile_s"]  # type: ignore[operator]
    print(f"  twofold profile is {ratio:.1f}x the speed of the NumPy means-only baseline")
    ratio = mem["numpy_means_only_back_to_back_s"] / mem["twofold_profile_back_to_back_s"]  # type: ignore[operator]
    print(f"  back to back: {ratio:.1f}x")
    print(f"load at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
