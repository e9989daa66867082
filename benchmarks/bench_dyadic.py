#!/usr/bin/env python3
"""APIM speed: Twofold against lavaan and nlme on the same data in the same run.

1. The 500 simulated couples of the reference data (``tests/fixtures/data/apim_sim_*.csv``):
   SEM distinguishable, SEM indistinguishable (Olsen-Kenny), gls REML with compound symmetry,
   gls two-intercept REML. Per-call median over repeats, warm (one call first), inside the
   process: interpreter start-up, imports and reading the CSV are excluded on both sides. R
   runs ``benchmarks/r/bench_apim.R`` (same models, same timing rule) in a subprocess. Without
   R the R figures come from ``benchmarks/r/apim_sim_timings_reference.json`` (measured on this
   kind of machine, reported as such). Twofold's general SEM engine (``twofold.core.sem``,
   iterative) is timed on the same lavaan syntax for context.
2. 100,000 simulated couples, one row per person (200,000 rows): reshape to one row per dyad
   and fit each model; also a 1,000-resample bootstrap of k, and the whole ``twofold analyze
   apim`` command on a CSV of those people (wall time of a fresh process: start-up, reading,
   the model, the distinguishability tests). R is timed on the same data (lavaan always;
   nlme's gls only with ``--r-gls-big``: one call after a warm-up takes minutes). The command
   runs with Python's bytecode cache allowed (one warm-up run writes it).

    .venv/bin/python benchmarks/bench_dyadic.py                # writes benchmarks/out/
    .venv/bin/python benchmarks/bench_dyadic.py --no-r         # Twofold only
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twofold.core.dyadic import APIM, GLSAPIM, to_dyad
from twofold.core.sem import fit_sem

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
DATA = ROOT / "tests" / "fixtures" / "data"
R_SCRIPT = HERE / "r" / "bench_apim.R"
R_REFERENCE = HERE / "r" / "apim_sim_timings_reference.json"

DIST = "Y_1 ~ a1*X_1 + p21*X_2\nY_2 ~ a2*X_2 + p12*X_1\nY_1 ~~ Y_2\nk1 := p21/a1\nk2 := p12/a2"
INDIST = """Y_1 ~ a*X_1 + p*X_2
Y_2 ~ a*X_2 + p*X_1
X_1 ~ mx*1 ; X_2 ~ mx*1
X_1 ~~ vx*X_1 ; X_2 ~~ vx*X_2 ; X_1 ~~ X_2
Y_1 ~ iy*1 ; Y_2 ~ iy*1
Y_1 ~~ vy*Y_1 ; Y_2 ~~ vy*Y_2 ; Y_1 ~~ Y_2
k := p/a"""

TASKS = {  # our name -> (R's name, what it is)
    "sem_distinguishable": ("lavaan_distinguishable", "SEM, distinguishable"),
    "sem_indistinguishable": ("lavaan_indistinguishable", "SEM, indistinguishable (Olsen-Kenny)"),
    "gls_indist_reml": ("gls_indist_REML", "gls REML, compound symmetry"),
    "gls_two_intercept_reml": ("gls_two_intercept_REML", "gls REML, two-intercept"),
}


def per_call(fn: Callable[[], object], reps: int) -> dict[str, float]:
    fn()  # warm up
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"median_s": statistics.median(times), "min_s": min(times), "reps": reps}


def run_r(wide: Path, pairwise: Path, reps: int, gls: bool) -> dict[str, Any] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        cmd = ["Rscript", str(R_SCRIPT), str(wide), str(pairwise), str(reps), str(out)]
        if not gls:
            cmd.append("nogls")
        subprocess.run(cmd, check=True)
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def simulate(n: int, seed: int) -> pd.DataFrame:
    """The reference design (actor .4, partner .2, r_x = r_e = .3) in individual layout."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2)) @ np.linalg.cholesky([[1.0, 0.3], [0.3, 1.0]]).T
    e = rng.normal(size=(n, 2)) @ np.linalg.cholesky(np.array([[1.0, 0.3], [0.3, 1.0]]) * 0.75).T
    y = 1.0 + 0.4 * x + 0.2 * x[:, ::-1] + e
    return pd.DataFrame(
        {
            "couple": np.repeat(np.arange(1, n + 1), 2),
            "role": np.tile(["wife", "husband"], n),
            "x": x.ravel(),
            "y": y.ravel(),
        }
    )


def small(reps: int, r_reps: int, use_r: bool) -> dict[str, Any]:
    wide = pd.read_csv(DATA / "apim_sim_dyad_wide.csv")
    x, y = wide[["X_1", "X_2"]], wide[["Y_1", "Y_2"]]
    ours = {
        "sem_distinguishable": per_call(lambda: APIM("distinguishable").fit(x, y), reps),
        "sem_indistinguishable": per_call(lambda: APIM("indistinguishable").fit(x, y), reps),
        "gls_indist_reml": per_call(lambda: GLSAPIM("indistinguishable").fit(x, y), reps),
        "gls_two_intercept_reml": per_call(lambda: GLSAPIM("distinguishable").fit(x, y), reps),
    }
    general = {
        "sem_distinguishable": per_call(lambda: fit_sem(DIST, wide, meanstructure=True), 30),
        "sem_indistinguishable": per_call(
            lambda: fit_sem(INDIST, wide, meanstructure=True, fixed_x=False), 30
        ),
    }
    r = run_r(DATA / "apim_sim_dyad_wide.csv", DATA / "apim_sim_pairwise.csv", r_reps, True)
    source = "measured in this run"
    if r is None or not use_r:
        ref = json.loads(R_REFERENCE.read_text())["timings"]
        r = {
            "lavaan_distinguishable": {
                "median_s": ref["lavaan_apim_distinguishable"]["per_call_median_s"]
            },
            "lavaan_indistinguishable": {
                "median_s": ref["lavaan_apim_indist_OlsenKenny"]["per_call_median_s"]
            },
            "gls_indist_REML": {"median_s": ref["gls_indist_REML"]["per_call_median_s"]},
            "gls_two_intercept_REML": {
                "median_s": ref["gls_two_intercept_REML"]["per_call_median_s"]
            },
        }
        source = f"from {R_REFERENCE.name} (not measured in this run)"
    return {"twofold": ours, "twofold_general_sem": general, "r": r, "r_source": source}


def big(n: int, reps: int, use_r: bool, r_gls: bool) -> dict[str, Any]:
    people = simulate(n, 20240607)
    to_wide = lambda: to_dyad(people, dyad="couple", role="role", variables=["x", "y"])  # noqa: E731
    wide = to_wide()
    x = wide[["x_1", "x_2"]].to_numpy()
    y = wide[["y_1", "y_2"]].to_numpy()

    def end_to_end(model: Callable[[], APIM | GLSAPIM]) -> Callable[[], object]:
        def run() -> object:
            w = to_wide()
            return model().fit(w[["x_1", "x_2"]].to_numpy(), w[["y_1", "y_2"]].to_numpy())

        return run

    ours = {
        "reshape_to_dyad": per_call(to_wide, reps),
        "sem_distinguishable": per_call(lambda: APIM("distinguishable").fit(x, y), reps),
        "sem_indistinguishable": per_call(lambda: APIM("indistinguishable").fit(x, y), reps),
        "gls_indist_reml": per_call(lambda: GLSAPIM("indistinguishable").fit(x, y), reps),
        "gls_two_intercept_reml": per_call(lambda: GLSAPIM("distinguishable").fit(x, y), reps),
        "reshape_and_sem_distinguishable": per_call(
            end_to_end(lambda: APIM("distinguishable")), reps
        ),
        "reshape_and_gls_indist_reml": per_call(end_to_end(lambda: GLSAPIM()), reps),
        "sem_distinguishable_bootstrap_1000": per_call(
            lambda: APIM("distinguishable", n_bootstrap=1000, random_state=1).fit(x, y), 3
        ),
    }
    # the whole command, file in -> JSON out, start-up included (wall time of a fresh process)
    OUT.mkdir(exist_ok=True)
    people_csv = OUT / f"apim_{n}_people.csv"
    people.to_csv(people_csv, index=False)
    command = [
        str(Path(sys.executable).with_name("twofold")),
        "analyze",
        "apim",
        str(people_csv),
        "--dyad",
        "couple",
        "--role",
        "role",
        "--x",
        "x",
        "--y",
        "y",
        "--json",
    ]
    # as installed for a user: Python keeps compiled bytecode (this machine's environment
    # sets PYTHONDONTWRITEBYTECODE, which makes every start compile pandas from source)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([*command, "--bootstrap", "0"], check=True, stdout=subprocess.DEVNULL, env=env)
    walls = {}
    for label, extra in (
        ("cli_sem_no_bootstrap", ["--bootstrap", "0"]),
        ("cli_sem_bootstrap_1000", []),
    ):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(command + extra, check=True, stdout=subprocess.DEVNULL, env=env)
            times.append(time.perf_counter() - start)
        walls[label] = {"median_s": statistics.median(times), "min_s": min(times), "reps": 3}
    ours.update(walls)
    r = None
    if use_r and shutil.which("Rscript"):
        OUT.mkdir(exist_ok=True)
        wide_csv, pair_csv = OUT / f"apim_{n}_wide.csv", OUT / f"apim_{n}_pairwise.csv"
        pd.DataFrame(
            {"dyad": wide["couple"], "X_1": x[:, 0], "X_2": x[:, 1], "Y_1": y[:, 0], "Y_2": y[:, 1]}
        ).to_csv(wide_csv, index=False)
        pd.DataFrame(
            {
                "dyad": np.repeat(wide["couple"].to_numpy(), 2),
                "member": np.tile([1, 2], n),
                "X_A": x.ravel(),
                "X_P": x[:, ::-1].ravel(),
                "Y_A": y.ravel(),
                "Y_P": y[:, ::-1].ravel(),
            }
        ).to_csv(pair_csv, index=False)
        r = run_r(wide_csv, pair_csv, 1 if r_gls else 3, r_gls)
    return {"n_dyads": n, "twofold": ours, "r": r}


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200, help="Twofold repeats (500 couples)")
    parser.add_argument("--r-reps", type=int, default=30, help="R repeats (500 couples)")
    parser.add_argument("--couples", type=int, default=100_000)
    parser.add_argument("--no-r", action="store_true", help="do not run R")
    parser.add_argument("--r-gls-big", action="store_true", help="also time nlme on the big data")
    args = parser.parse_args()

    result = {
        "small": small(args.reps, args.r_reps, not args.no_r),
        "big": big(args.couples, 5, not args.no_r, args.r_gls_big),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_dyadic.json").write_text(json.dumps(result, indent=2))

    s = result["small"]
    print(f"\n500 couples, per-call median (R {s['r_source']})\n")
    print("| model | Twofold | R | R / Twofold | general SEM engine |")
    print("|---|---|---|---|---|")
    for name, (r_name, label) in TASKS.items():
        ours = s["twofold"][name]["median_s"]
        theirs = s["r"][r_name]["median_s"]
        general = s["twofold_general_sem"].get(name, {}).get("median_s")
        print(f"| {label} | {ms(ours)} | {ms(theirs)} | {theirs / ours:.0f}x | {ms(general)} |")

    b = result["big"]
    print(f"\n{b['n_dyads']:,} couples (one row per person in, reshaped), per-call median\n")
    print("| step | Twofold | R |")
    print("|---|---|---|")
    r_big = b["r"] or {}
    for name, stats in b["twofold"].items():
        r_name = TASKS.get(name, ("", ""))[0]
        theirs = r_big.get(r_name, {}).get("median_s") if r_name else None
        print(f"| {name} | {ms(stats['median_s'])} | {ms(theirs)} |")
    print(f"\nwritten: {OUT / 'bench_dyadic.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
