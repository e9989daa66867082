#!/usr/bin/env python3
"""Write synthetic answers shaped like an instrument (its item ids, ranges and keying).

Each top-level scale gets a latent trait (traits correlate .3); an item loads .65 on the trait
of the first top-level scale that contains it, is cut into its response range at normal
quantiles, reversed when reverse-keyed, and ~2% of cells are missing at random. Items in no
scale (safety items) get their lowest answer most of the time. Deterministic for a seed.

    python benchmarks/make_instrument_data.py benchmarks/data/rbi.parquet --rows 1000000
    python benchmarks/make_instrument_data.py out.csv --instrument path/to.yaml --rows 1000
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from twofold.core import Instrument, load_instrument


def top_level_scales(inst: Instrument) -> list[str]:
    children = {c for s in inst.scales for c in s.children}
    return [s.id for s in inst.scales if s.id not in children]


def generate(inst: Instrument, rows: int, missing: float, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    tops = top_level_scales(inst)
    k = len(tops)
    corr = np.full((k, k), 0.3) + np.eye(k) * 0.7
    traits = rng.standard_normal((rows, k)) @ np.linalg.cholesky(corr).T
    home: dict[str, int] = {}
    for t, sid in enumerate(tops):
        for item in inst.scale(sid).items:
            home.setdefault(item, t)
    safety = set(inst.safety.items) if inst.safety else set()
    columns: dict[str, np.ndarray] = {}
    for item in inst.items:
        lo, hi = item.scale.min, item.scale.max
        levels = hi - lo + 1
        if item.id in safety or item.id not in home:
            values = np.where(rng.random(rows) < 0.97, lo, rng.integers(lo, hi + 1, rows))
        else:
            latent = 0.65 * traits[:, home[item.id]] + np.sqrt(1 - 0.65**2) * rng.standard_normal(
                rows
            )
            cuts = np.quantile(rng.standard_normal(100_000), np.linspace(0, 1, levels + 1)[1:-1])
            values = np.searchsorted(cuts, latent) + lo
            if item.reverse:
                values = lo + hi - values
        columns[item.id] = values.astype(np.int8)
    mask = rng.random((rows, len(inst.items))) < missing
    for j, item in enumerate(inst.items):
        col = columns[item.id].astype(np.float64)
        col[mask[:, j]] = np.nan
        columns[item.id] = col
    return columns


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("out", help="output file: .parquet or .csv")
    ap.add_argument("--instrument", default="rbi")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--missing", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    inst = load_instrument(a.instrument)
    columns = generate(inst, a.rows, a.missing, a.seed)
    arrays = {"id": pa.array(np.arange(1, a.rows + 1, dtype=np.int64))}
    for name, col in columns.items():
        nan = np.isnan(col)
        arrays[name] = pa.array(np.nan_to_num(col).astype(np.int8), mask=nan, type=pa.int8())
    table = pa.table(arrays)
    if a.out.endswith(".parquet"):
        pq.write_table(table, a.out)
    else:
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, a.out)
    print(f"wrote {a.out}: {a.rows} rows x {len(columns)} items of {inst.id}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
