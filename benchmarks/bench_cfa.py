#!/usr/bin/env python3
"""CFA speed beside lavaan, measured in the same run.

Per-call median over repeats, inside each process after a warm-up call (interpreter start-up,
imports and the first call excluded), for:

1. the Holzinger-Swineford three-factor CFA (301 x 9), ML and MLR;
2. an RBI-sized CFA: four facets x 12 items, 2,000 simulated people (seeded), ML and MLR.

Twofold's ``CFA(...).fit`` always computes everything lavaan's ``summary(fit,
fit.measures=TRUE, standardized=TRUE)`` shows (estimates, SEs, the baseline model and every fit
index, the standardised solution with delta-method SEs), so it is compared both with lavaan's
bare ``cfa()`` and with ``cfa()`` + ``fitMeasures()`` + ``standardizedSolution()``.

lavaan runs in ``Rscript`` (R and lavaan from Debian: ``apt-get install r-base-core
r-cran-lavaan r-cran-jsonlite``). Without R, the lavaan figures for 1. come from the workplace
file ``reference/timings/cfa_hs_timings.json`` and the script says so.

    .venv/bin/python benchmarks/bench_cfa.py [--repeats 50] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
HS = HERE.parent / "tests" / "fixtures" / "sem" / "lavaan_HolzingerSwineford1939.csv"
SHARED_TIMINGS = Path("/work/shared/reference/timings/cfa_hs_timings.json")
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"

R_SCRIPT = r"""
suppressPackageStartupMessages({ library(lavaan); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1]); model <- readLines(args[2]); reps <- as.integer(args[3])
model <- paste(model, collapse = "\n")
per_call <- function(f) {
  f()  # warm-up
  t <- numeric(reps)
  for (i in seq_len(reps)) { s <- Sys.time(); f(); t[i] <- as.numeric(Sys.time() - s, units = "secs") }
  median(t)
}
full <- function(est) function() { fit <- cfa(model, data = data, estimator = est)
  fitMeasures(fit); standardizedSolution(fit) }
out <- list(
  ML = per_call(function() cfa(model, data = data)),
  ML_full = per_call(full("ML")),
  MLR = per_call(function() cfa(model, data = data, estimator = "MLR")),
  MLR_full = per_call(full("MLR")),
  lavaan = as.character(packageVersion("lavaan")), R = R.version.string)
cat(toJSON(out, auto_unbox = TRUE, digits = NA))
"""


def rbi_data(n: int, seed: int = 1) -> tuple[str, pd.DataFrame]:
    """Keyed answers (1..7) from four correlated facets, twelve items each, loadings .7."""
    from twofold.core import instrument_model, load_instrument

    design = instrument_model(load_instrument("rbi"))
    rng = np.random.default_rng(seed)
    corr = np.array(
        [[1, -0.3, 0.4, -0.4], [-0.3, 1, -0.3, 0.3], [0.4, -0.3, 1, -0.2], [-0.4, 0.3, -0.2, 1]]
    )
    factors = rng.multivariate_normal(np.zeros(4), corr, size=n)
    columns = {}
    for k, facet in enumerate(design.factors):
        for item in design.instrument.scale(facet).items:
            latent = 0.7 * factors[:, k] + rng.normal(scale=np.sqrt(1 - 0.49), size=n)
            columns[item] = np.clip(np.round(4 + 1.3 * latent), 1, 7)
    return design.syntax, pd.DataFrame(columns)


def time_twofold(model: str, data: pd.DataFrame, estimator: str, repeats: int) -> float:
    from twofold.core import CFA

    CFA(model, estimator=estimator).fit(data)  # warm-up  # type: ignore[arg-type]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        CFA(model, estimator=estimator).fit(data)  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_lavaan(csv: Path, model: str, repeats: int, tmp: Path) -> dict[str, object] | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    script, model_file = tmp / "bench.R", tmp / f"{csv.stem}.lav"
    script.write_text(R_SCRIPT)
    model_file.write_text(model)
    proc = subprocess.run(
        [rscript, str(script), str(csv), str(model_file), str(repeats)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--rbi-rows", type=int, default=2000)
    ap.add_argument("--rbi-repeats", type=int, default=5, help="lavaan's MLR takes seconds here")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    a = ap.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; python {sys.version.split()[0]}"
    )
    figures: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        hs = pd.read_csv(HS)
        syntax, rbi = rbi_data(a.rbi_rows)
        rbi_csv = tmp / "rbi_keyed.csv"
        rbi.to_csv(rbi_csv, index=False)
        jobs = {
            "Holzinger-Swineford (301 x 9, 3 factors)": (HS_MODEL, hs, HS, a.repeats),
            f"RBI-sized ({a.rbi_rows} x 48, 4 factors)": (
                syntax, rbi, rbi_csv, a.rbi_repeats,
            ),
        }  # fmt: skip
        for name, (model, data, csv, repeats) in jobs.items():
            ours = {est: time_twofold(model, data, est, repeats) for est in ("ML", "MLR")}
            lavaan = time_lavaan(csv, model, repeats, tmp)
            source = "measured in this run"
            if lavaan is None and csv == HS and SHARED_TIMINGS.exists():
                shared = json.loads(SHARED_TIMINGS.read_text())["timings"]
                lavaan = {
                    "ML": shared["cfa_fit_ML"]["per_call_median_s"],
                    "ML_full": shared["cfa_fit_plus_fitMeasures_plus_std"]["per_call_median_s"],
                    "MLR": shared["cfa_fit_MLR"]["per_call_median_s"],
                }
                source = f"from {SHARED_TIMINGS} (R not installed)"
            figures[name] = {
                "repeats": repeats,
                "twofold": ours,
                "lavaan": lavaan,
                "lavaan_source": source,
            }
            print(f"\n{name}, per-call median of {repeats} (lavaan {source}):")
            for est in ("ML", "MLR"):
                line = f"  {est:4s} twofold {ours[est] * 1e3:8.2f} ms"
                if lavaan is not None:
                    bare = float(lavaan[est])  # type: ignore[arg-type]
                    line += f" | lavaan cfa() {bare * 1e3:8.2f} ms ({bare / ours[est]:.1f}x)"
                    if f"{est}_full" in lavaan:
                        full = float(lavaan[f"{est}_full"])  # type: ignore[arg-type]
                        line += (
                            f" | + fitMeasures + std {full * 1e3:8.2f} ms ({full / ours[est]:.1f}x)"
                        )
                print(line)
    print(f"\nload at the end: {os.getloadavg()[0]:.2f}")
    if a.json:
        a.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
