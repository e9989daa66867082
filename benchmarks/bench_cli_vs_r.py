"""Whole commands beside the matching `Rscript` call: start-up, reading the file, the analysis, output.

Issue 13 §6 asks that every analysis command take no longer, as a whole process, than the
`Rscript` call a researcher would run instead for the same analysis. Each pair runs as fresh
processes, alternated (R, then Twofold, repeated) so the machine's load falls on both alike; the
medians and their ratio are printed (ratio < 1: Twofold is faster). Both print their
human-readable tables.

| task | Twofold | R |
|---|---|---|
| reliability | `analyze reliability bfi.csv --keys …` (alpha, omega with 3 group factors, item statistics, scale correlations for the five bfi scales) | psych `alpha`, `omega(nfactors=3)` per scale and `scoreItems` |
| cfa | `analyze cfa HS.csv --model …` | lavaan `cfa()` + `summary(fit.measures=TRUE, standardized=TRUE)` |
| apim | `analyze apim acitelli.csv … --bootstrap 0` | lavaan's distinguishable APIM `sem()` with `summary()` |
| agreement | `analyze agreement sexualfun.csv --a Husband --b Wife` | psych `cohen.kappa` and `ICC` |

Needs `Rscript` with psych, GPArotation and lavaan (Debian: r-cran-psych r-cran-gparotation
r-cran-lavaan). Run from the repository root:

    .venv/bin/python benchmarks/bench_cli_vs_r.py [--rounds 7] [--only cfa,apim]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
TWOFOLD = str(Path(sys.executable).parent / "twofold")
BFI = FIX / "bfi" / "psych_bfi.csv"
KEYS = FIX / "bfi" / "psych_bfi.keys.csv"
HS = FIX / "sem" / "lavaan_HolzingerSwineford1939.csv"
ACITELLI = FIX / "data" / "acitelli_individual.csv"
KAPPA = FIX / "data" / "vcd_SexualFun_expanded_codes1to4.csv"
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"

R_RELIABILITY = f"""
suppressPackageStartupMessages({{library(psych); library(GPArotation)}})
d <- read.csv("{BFI}"); items <- d[, 2:26]; keys <- psych::bfi.keys
for (sc in names(keys)) {{
  k <- keys[[sc]]; nm <- sub("^-", "", k)
  print(alpha(items[, nm], keys = sub("^-", "", k[grepl("^-", k)]), warnings = FALSE))
  print(suppressWarnings(suppressMessages(omega(items[, nm], nfactors = 3, plot = FALSE))))
}}
print(scoreItems(keys, items, impute = "none"))
"""

R_CFA = f"""
suppressPackageStartupMessages(library(lavaan))
d <- read.csv("{HS}")
fit <- cfa('{HS_MODEL}', data = d)
summary(fit, fit.measures = TRUE, standardized = TRUE)
"""

R_APIM = f"""
suppressPackageStartupMessages(library(lavaan))
d <- read.csv("{ACITELLI}")
w <- d[d$gender == -1, ]; h <- d[d$gender == 1, ]
dy <- merge(w, h, by = "cuplid", suffixes = c("_w", "_h"))
m <- '
satisfaction_w ~ a_w*tension_w + p_hw*tension_h
satisfaction_h ~ a_h*tension_h + p_wh*tension_w
tension_w ~~ tension_h
satisfaction_w ~~ satisfaction_h
'
fit <- sem(m, data = dy)
summary(fit, ci = TRUE)
"""

R_AGREEMENT = f"""
suppressPackageStartupMessages(library(psych))
d <- read.csv("{KAPPA}")
print(cohen.kappa(d[, c("Husband", "Wife")]))
print(ICC(d[, c("Husband", "Wife")], lmer = FALSE))
"""

TASKS: dict[str, tuple[list[str], str]] = {
    "reliability": (
        ["analyze", "reliability", str(BFI), "--keys", str(KEYS), "--min", "1", "--max", "6"],
        R_RELIABILITY,
    ),
    "cfa": (["analyze", "cfa", str(HS), "--model", HS_MODEL], R_CFA),
    "apim": (
        [
            "analyze",
            "apim",
            str(ACITELLI),
            "--dyad",
            "cuplid",
            "--role",
            "gender",
            "--x",
            "tension",
            "--y",
            "satisfaction",
            "--bootstrap",
            "0",
        ],
        R_APIM,
    ),
    "agreement": (
        ["analyze", "agreement", str(KAPPA), "--a", "Husband", "--b", "Wife"],
        R_AGREEMENT,
    ),
}


def _once(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--only", default=",".join(TASKS), help="comma-separated task names")
    args = parser.parse_args()
    rscript = shutil.which("Rscript")
    if rscript is None:
        sys.exit(
            "Rscript is not installed: this benchmark compares with R and cannot run without it"
        )
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    print(f"{'task':<12} {'Twofold':>9} {'Rscript':>9} {'ratio':>6}   (medians of {args.rounds})")
    for name in names:
        ours_cmd, r_code = TASKS[name]
        ours_cmd = [TWOFOLD, *ours_cmd]
        r_cmd = [rscript, "-e", r_code]
        _once(ours_cmd), _once(r_cmd)  # warm the file cache and check both run
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(args.rounds):
            theirs.append(_once(r_cmd))
            ours.append(_once(ours_cmd))
        o, r = statistics.median(ours), statistics.median(theirs)
        print(f"{name:<12} {o * 1000:>7.0f}ms {r * 1000:>7.0f}ms {o / r:>6.2f}")


if __name__ == "__main__":
    main()
