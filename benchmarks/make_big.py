#!/usr/bin/env python3
# Copied unchanged (but for this line) from the workplace reference set (shared/reference/make_big.py).
"""Write a large synthetic Likert data set for scoring benchmarks.

Same design as r/06_big_gen.R: correlated latent traits (r = .3), loadings .65, categories cut
at normal quantiles, the last quarter of each scale's items reverse-keyed, ~2% of cells missing
completely at random. Deterministic for a given seed. Needs numpy; pyarrow for Parquet.

    python make_big.py out.parquet --rows 1000000
    python make_big.py out.csv --rows 100000 --levels 7
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np


def generate(rows: int, scales: int, per_scale: int, levels: int, missing: float, seed: int):
    rng = np.random.default_rng(seed)
    corr = np.full((scales, scales), 0.3) + np.eye(scales) * 0.7
    traits = rng.standard_normal((rows, scales)) @ np.linalg.cholesky(corr).T
    load = 0.65
    qs = np.linspace(0, 1, levels + 1)[1:-1]
    cuts = np.quantile(rng.standard_normal(200_000), qs)
    n_rev = max(1, per_scale // 4)
    names, keys = [], {}
    cols = []
    for s in range(scales):
        scale = f"S{s + 1}"
        keys[scale] = []
        for i in range(per_scale):
            name = f"{scale}_{i + 1:02d}"
            reverse = i >= per_scale - n_rev
            latent = load * traits[:, s] + np.sqrt(1 - load**2) * rng.standard_normal(rows)
            resp = np.searchsorted(cuts, latent).astype(np.int8) + 1
            if reverse:
                resp = (levels + 1 - resp).astype(np.int8)
            names.append(name)
            keys[scale].append(("-" if reverse else "") + name)
            cols.append(resp)
    data = np.column_stack(cols)
    mask = rng.random(data.shape) < missing
    return names, keys, data, mask


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("out", help="output file: .parquet or .csv")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--scales", type=int, default=4)
    ap.add_argument("--per-scale", type=int, default=12)
    ap.add_argument("--levels", type=int, default=5)
    ap.add_argument("--missing", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    names, keys, data, mask = generate(a.rows, a.scales, a.per_scale, a.levels, a.missing, a.seed)
    if a.out.endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrays = [
            pa.array(data[:, j], mask=mask[:, j], type=pa.int8()) for j in range(data.shape[1])
        ]
        ids = pa.array(np.arange(1, a.rows + 1, dtype=np.int64))
        pq.write_table(pa.Table.from_arrays([ids, *arrays], names=["id", *names]), a.out)
    else:
        with open(a.out, "w") as f:
            f.write(",".join(["id", *names]) + "\n")
            text = data.astype(str).astype(object)
            text[mask] = ""
            for i in range(a.rows):
                f.write(f"{i + 1}," + ",".join(text[i]) + "\n")
    with open(a.out.rsplit(".", 1)[0] + "_keys.json", "w") as f:
        json.dump(keys, f, indent=1)
    print(
        f"wrote {a.out}: {a.rows} rows x {len(names)} items, {mask.mean():.4%} missing",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
