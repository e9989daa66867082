"""``twofold analyze apim`` and ``twofold analyze agreement``: dyadic models and partner agreement.

Both read one data file (CSV, Parquet, XLSX, JSON) and print a Rich table, or every number as
JSON with ``--json`` (field names in ``docs/analysis/dyadic.md``).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twofold.cli.app import analyze_app, console
from twofold.errors import UserError

if TYPE_CHECKING:  # pandas and SciPy load when a command runs, not when the CLI starts
    import pandas as pd

    from twofold.core.agreement import Kappa
    from twofold.core.dyadic import (
        APIM,
        GLSAPIM,
        BootstrapInterval,
        Estimate,
        LikelihoodRatioTest,
    )

__all__ = ["agreement", "apim"]

DelimiterOpt = Annotated[
    str | None, typer.Option("--delimiter", help="CSV delimiter (default: detected).")
]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Text encoding of CSV/JSON input.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print every number as JSON.")]
ConfidenceOpt = Annotated[
    float, typer.Option("--confidence", min=0.5, max=0.999, help="Level of the intervals.")
]


def _read(file: Path, columns: list[str], delimiter: str | None, encoding: str) -> pd.DataFrame:
    from twofold.tables import read_frame

    frame: pd.DataFrame = read_frame(file, delimiter=delimiter, encoding=encoding)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns[:30]))
        raise UserError(
            f"{file.name}: no column {', '.join(map(repr, missing))} (the file has: {have})"
        )
    return frame


def _numeric(frame: pd.DataFrame, column: str, file: Path) -> pd.Series:
    """The column as float64; cells that are not numbers are an error naming their rows."""
    import numpy as np
    import pandas as pd

    values = frame[column]
    if pd.api.types.is_bool_dtype(values):
        raise UserError(f"{file.name}: column {column!r} holds true/false, not numbers")
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(np.float64)
    text = values.astype("string").str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = np.flatnonzero((numbers.isna() & text.notna() & (text != "")).to_numpy())
    if bad.size:
        problems = [
            f"row {i + 1}, column {column!r}: {values.iloc[int(i)]!r} is not a number"
            for i in bad[:10]
        ]
        if bad.size > 10:
            problems.append(f"... and {bad.size - 10} more")
        raise UserError(f"{file.name}: column {column!r} must hold numbers", problems)
    return numbers.astype(np.float64)


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null, NumPy scalars plain numbers."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _print_json(payload: dict[str, Any]) -> None:
    # plain text, not Rich: a terminal's width must never wrap machine-readable output
    sys.stdout.write(json.dumps(_clean(payload), allow_nan=False, indent=2) + "\n")


def _num(value: float, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:.{digits}f}"


def _p(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return "<.001" if value < 0.001 else f"{value:.3f}"


def _effect_json(e: Estimate) -> dict[str, Any]:
    return {
        "estimate": e.estimate,
        "se": e.se,
        "statistic": e.statistic,
        "statistic_kind": "z" if e.df is None else "t",
        "df": e.df,
        "p": e.p,
        "ci_lower": e.ci_lower,
        "ci_upper": e.ci_upper,
    }


def _labels(distinguishable: bool, roles: tuple[str, str]) -> dict[str, str]:
    """Short names of each effect, naming the members by role ("partner (a -> b)": a's x, b's y)."""
    r1, r2 = roles
    if not distinguishable:
        return {"actor": "actor", "partner": "partner", "k": "k"}
    return {
        "actor_1": f"actor ({r1})",
        "actor_2": f"actor ({r2})",
        "partner_21": f"partner ({r2} -> {r1})",
        "partner_12": f"partner ({r1} -> {r2})",
        "k_1": f"k ({r1})",
        "k_2": f"k ({r2})",
    }


def _role_names(role: str | None, wide: pd.DataFrame) -> tuple[str, str]:
    import numpy as np

    if role is None:
        return ("member 1", "member 2")
    names = []
    for m in (1, 2):
        value = wide[f"{role}_{m}"].iloc[0]
        text = _fmt_cat(value)
        # a bare number says little: "gender -1" reads better than "-1"
        names.append(f"{role} {text}" if isinstance(value, int | float | np.number) else text)
    return names[0], names[1]


def _test_label(test: LikelihoodRatioTest) -> str:
    if test.full == "saturated":
        return "all equal across roles (Olsen-Kenny model vs saturated)"
    if test.restricted == "APIM('equal')":
        return "equal actor and partner effects across roles"
    return "indistinguishable vs two-intercept model (ML): intercepts, effects, residual variances"


@analyze_app.command()
def apim(
    file: Annotated[Path, typer.Argument(help="One row per person: CSV, Parquet, XLSX or JSON.")],
    dyad: Annotated[str, typer.Option("--dyad", help="Column holding the dyad (couple) id.")],
    x: Annotated[str, typer.Option("--x", help="Predictor column (each person's own x).")],
    y: Annotated[str, typer.Option("--y", help="Outcome column (each person's own y).")],
    role: Annotated[
        str | None,
        typer.Option(
            "--role", help="Column telling the members apart (e.g. gender); needs two values."
        ),
    ] = None,
    indistinguishable: Annotated[
        bool,
        typer.Option(
            "--indistinguishable", help="Treat members as exchangeable (equal effects, means...)."
        ),
    ] = False,
    method: Annotated[
        str, typer.Option("--method", help="sem (lavaan's SEM, ML) or gls (nlme's gls).")
    ] = "sem",
    ml: Annotated[
        bool, typer.Option("--ml/--reml", help="Estimator of the gls model (default REML).")
    ] = False,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", min=0, help="Resamples of dyads for k's interval.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 1,
    confidence: ConfidenceOpt = 0.95,
    as_json: JsonOpt = False,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Actor-partner interdependence model: how each partner's x goes with their own y
    (actor effect) and with the other partner's y (partner effect)."""
    import numpy as np

    from twofold.core.dyadic import APIM, GLSAPIM, distinguishability_tests, to_dyad

    if method not in ("sem", "gls"):
        raise UserError(f"--method must be sem or gls, not {method!r}")
    if role is None and not indistinguishable:
        raise UserError(
            "--role is needed to tell the members apart (e.g. --role gender); "
            "add --indistinguishable if they cannot be told apart"
        )
    if len({dyad, x, y, *([role] if role else [])}) < (4 if role else 3):
        raise UserError("--dyad, --role, --x and --y must name different columns")
    columns = [dyad, x, y, *([role] if role else [])]
    frame = _read(file, columns, delimiter, encoding)
    frame = frame.assign(**{x: _numeric(frame, x, file), y: _numeric(frame, y, file)})
    wide = to_dyad(frame, dyad=dyad, role=role, variables=[x, y])
    roles = _role_names(role, wide)
    raw_roles = (wide[f"{role}_1"].iloc[0], wide[f"{role}_2"].iloc[0]) if role else (None, None)
    xs = wide[[f"{x}_1", f"{x}_2"]].to_numpy(dtype=np.float64)
    ys = wide[[f"{y}_1", f"{y}_2"]].to_numpy(dtype=np.float64)
    distinguishable = not indistinguishable
    common: dict[str, Any] = {
        "confidence": confidence,
        "n_bootstrap": bootstrap,
        "random_state": seed,
    }
    model: APIM | GLSAPIM
    if method == "sem":
        model = APIM("distinguishable" if distinguishable else "indistinguishable", **common)
    else:
        model = GLSAPIM(
            "distinguishable" if distinguishable else "indistinguishable",
            method="ML" if ml else "REML",
            **common,
        )
    model.fit(xs, ys)
    tests = distinguishability_tests(xs, ys, method=method) if role is not None else ()  # type: ignore[arg-type]
    if as_json:
        _print_json(_apim_json(model, method, tests, raw_roles, dyad, role, x, y, distinguishable))
        return
    _apim_table(model, method, tests, roles, x, y, distinguishable, role is not None)


def _apim_json(
    model: APIM | GLSAPIM,
    method: str,
    tests: tuple[LikelihoodRatioTest, ...],
    roles: tuple[Any, Any],
    dyad: str,
    role: str | None,
    x: str,
    y: str,
    distinguishable: bool,
) -> dict[str, Any]:
    from twofold.core.dyadic import GLSAPIM

    k_names = [n for n in model.estimates_ if n.startswith("k")]
    return {
        "model": {
            "method": method,
            "estimator": model.method if isinstance(model, GLSAPIM) else "ML",
            "distinguishable": distinguishable,
            "dyad": dyad,
            "role": role,
            "x": x,
            "y": y,
            "member_1": roles[0],
            "member_2": roles[1],
        },
        "n_dyads": model.n_dyads_,
        "n_dropped": model.n_dropped_,
        "confidence": model.confidence,
        "effects": {name: _effect_json(e) for name, e in model.estimates_.items()},
        "k": {
            name: {
                **_effect_json(model.estimates_[name]),
                "bootstrap": _boot_json(model.k_bootstrap_.get(name)),
            }
            for name in k_names
        },
        "fit": asdict(model.fit_),
        "distinguishability": [
            {
                "test": _test_label(t),
                "restricted": t.restricted,
                "full": t.full,
                "chisq": t.chisq,
                "df": t.df,
                "p": t.p,
            }
            for t in tests
        ],
    }


def _boot_json(b: BootstrapInterval | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {
        "ci_lower": b.ci_lower,
        "ci_upper": b.ci_upper,
        "level": b.level,
        "n_boot": b.n_boot,
        "n_failed": b.n_failed,
        "seed": b.seed,
        "method": "percentile",
    }


def _apim_table(
    model: APIM | GLSAPIM,
    method: str,
    tests: tuple[LikelihoodRatioTest, ...],
    roles: tuple[str, str],
    x: str,
    y: str,
    distinguishable: bool,
    has_roles: bool,
) -> None:
    from rich.table import Table

    from twofold.core.dyadic import APIM, GLSAPIM

    kind = "distinguishable" if distinguishable else "indistinguishable"
    if isinstance(model, GLSAPIM):
        how = f"multilevel (gls, {model.method}, compound symmetry)"
    else:
        how = "SEM (ML)"
    dropped = f", {model.n_dropped_} incomplete left out" if model.n_dropped_ else ""
    console.print(
        f"[bold]APIM[/] of {y} on {x}: {kind} dyads, {how}; {model.n_dyads_} dyads{dropped}"
    )
    level = f"{model.confidence:.0%}"
    stat = "t" if isinstance(model, GLSAPIM) else "z"
    labels = _labels(distinguishable, roles)
    table = Table(title="Actor and partner effects")
    for col in ("effect", "estimate", "se", stat, "p", f"{level} CI"):
        table.add_column(col, justify="left" if col == "effect" else "right")
    shown = [n for n in model.estimates_ if n.startswith(("actor", "partner"))]
    shown = [n for n in shown if not n.endswith("_diff")]
    for name in shown:
        e = model.estimates_[name]
        table.add_row(
            labels.get(name, name),
            _num(e.estimate),
            _num(e.se),
            _num(e.statistic, 2),
            _p(e.p),
            f"[{_num(e.ci_lower)}, {_num(e.ci_upper)}]",
        )
    console.print(table)
    console.print(f"[dim]actor: own {x} with own {y}; partner (a -> b): a's {x} with b's {y}[/]")

    ktable = Table(title="k = partner / actor")
    for col in ("", "k", "se (delta)", f"{level} CI (delta)", f"{level} CI (bootstrap)"):
        ktable.add_column(col, justify="left" if not col else "right")
    for name in (n for n in model.estimates_ if n.startswith("k")):
        e = model.estimates_[name]
        b = model.k_bootstrap_.get(name)
        boot = f"[{_num(b.ci_lower)}, {_num(b.ci_upper)}]" if b else "-"
        ktable.add_row(
            labels.get(name, name),
            _num(e.estimate),
            _num(e.se),
            f"[{_num(e.ci_lower)}, {_num(e.ci_upper)}]",
            boot,
        )
    console.print(ktable)
    console.print("[dim]k = 1: the partner's x counts as much as one's own; k = 0: not at all[/]")
    boots = list(model.k_bootstrap_.values())
    if boots:
        failed = sum(b.n_failed for b in boots)
        note = f"; {failed} resample(s) could not be fitted" if failed else ""
        console.print(
            f"bootstrap: {boots[0].n_boot} resamples of dyads, percentile interval, "
            f"seed {boots[0].seed}{note}"
        )

    if isinstance(model, APIM):
        sem_fit = model.fit_
        if sem_fit.df == 0:
            console.print("fit: the model is saturated (chi-square 0 on 0 df); nothing to test")
        else:
            console.print(
                f"fit: chi-square {sem_fit.chisq:.3f} on {sem_fit.df} df, p {_p(sem_fit.pvalue)}; "
                f"RMSEA {sem_fit.rmsea:.3f}, CFI {sem_fit.cfi:.3f}, SRMR {sem_fit.srmr:.3f}"
            )
        console.print(
            f"log-likelihood {sem_fit.logl:.3f}, AIC {sem_fit.aic:.2f}, BIC {sem_fit.bic:.2f}"
        )
    else:
        gls_fit = model.fit_
        ratio = (
            f", SD ratio {roles[1]}/{roles[0]} {gls_fit.sigma_ratio:.3f}" if distinguishable else ""
        )
        console.print(
            f"residual SD {gls_fit.sigma:.3f}, within-dyad residual correlation "
            f"{gls_fit.rho:.3f}{ratio}; {gls_fit.method} log-likelihood {gls_fit.logl:.3f}, "
            f"AIC {gls_fit.aic:.2f}, BIC {gls_fit.bic:.2f}"
        )
    if tests:
        console.print("[bold]Do the roles make a difference?[/] (likelihood-ratio tests)")
        for t in tests:
            console.print(f"  {_test_label(t)}: chi-square {t.chisq:.3f} on {t.df} df, p {_p(t.p)}")
    elif not has_roles:
        console.print(
            "no --role given: members are numbered as listed, so no test of distinguishability"
        )


@analyze_app.command()
def agreement(
    file: Annotated[
        Path, typer.Argument(help="One row per pair of answers: CSV, Parquet, XLSX or JSON.")
    ],
    a: Annotated[str, typer.Option("--a", help="Column with the first partner's answers.")],
    b: Annotated[str, typer.Option("--b", help="Column with the second partner's answers.")],
    weights: Annotated[
        str,
        typer.Option("--weights", help="Kappa weights: none, linear or quadratic."),
    ] = "none",
    categories: Annotated[
        str | None,
        typer.Option(
            "--categories",
            help="All answer categories in order, comma-separated (default: those seen).",
        ),
    ] = None,
    confidence: ConfidenceOpt = 0.95,
    as_json: JsonOpt = False,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """How far two partners agree: Cohen's kappa, and intraclass correlations for numbers."""
    import numpy as np

    from twofold.core.agreement import anova_icc, cohen_kappa, pairwise_icc

    if weights not in ("none", "linear", "quadratic"):
        raise UserError(f"--weights must be none, linear or quadratic, not {weights!r}")
    if a == b:
        raise UserError("--a and --b must name two different columns")
    import pandas as pd

    frame = _read(file, [a, b], delimiter, encoding)
    va, vb = frame[a], frame[b]
    numeric = pd.api.types.is_numeric_dtype(va) and pd.api.types.is_numeric_dtype(vb)
    numeric = numeric and not (pd.api.types.is_bool_dtype(va) or pd.api.types.is_bool_dtype(vb))
    cats: list[Any] | None = None
    if categories is not None:
        cats = [c.strip() for c in categories.split(",") if c.strip()]
        if numeric:
            try:
                cats = [float(c) for c in cats]
            except ValueError:
                raise UserError(
                    f"--categories: the answers are numbers, but {categories!r} is not a "
                    "list of numbers"
                ) from None
    if not numeric:
        va, vb = va.astype("string").str.strip(), vb.astype("string").str.strip()
        va, vb = va.mask(va == ""), vb.mask(vb == "")
        va, vb = (
            va.astype(object).where(va.notna(), None),
            vb.astype(object).where(vb.notna(), None),
        )
    try:
        kappa = cohen_kappa(
            va.to_numpy(),
            vb.to_numpy(),
            weights=weights,  # type: ignore[arg-type]
            categories=cats,
            confidence=confidence,
        )
    except (ValueError, TypeError) as exc:
        raise UserError(f"{file.name}: {exc}") from None
    iccs: dict[str, Any] = {}
    icc_note = None
    if numeric:
        pairs = np.column_stack([va.to_numpy(np.float64), vb.to_numpy(np.float64)])
        try:
            iccs = {
                "pairwise": asdict(pairwise_icc(pairs)),
                "anova": asdict(anova_icc(pairs, confidence=confidence)),
            }
        except ValueError as exc:
            icc_note = str(exc)
    else:
        icc_note = "the answers are not numbers"
    if as_json:
        _print_json(
            {
                "a": a,
                "b": b,
                "kappa": _kappa_json(kappa),
                "icc": iccs or None,
                "icc_note": icc_note,
            }
        )
        return
    _agreement_table(kappa, iccs, icc_note, a, b)


def _kappa_json(k: Kappa) -> dict[str, Any]:
    out = asdict(k)
    out["categories"] = list(k.categories)
    out["table"] = k.table.tolist()
    out["se_method"] = "Fleiss, Cohen & Everitt (1969) large-sample SE, as vcd::Kappa"
    return out


def _agreement_table(k: Kappa, iccs: dict[str, Any], icc_note: str | None, a: str, b: str) -> None:
    from rich.table import Table

    cats = [_fmt_cat(c) for c in k.categories]
    dropped = f" ({k.n_dropped} with a missing answer left out)" if k.n_dropped else ""
    console.print(f"[bold]Agreement[/] between {a} and {b}: {k.n} pairs{dropped}")
    console.print(f"answers of {a} (rows) and {b} (columns):")
    cross = Table()
    cross.add_column("")
    for c in cats:
        cross.add_column(c, justify="right")
    for c, row in zip(cats, k.table.tolist(), strict=True):
        cross.add_row(c, *(str(v) for v in row))
    console.print(cross)
    level = f"{k.level:.0%}"
    name = {"none": "unweighted", "linear": "linear", "quadratic": "quadratic"}
    table = Table(title="Cohen's kappa")
    for col in ("", "kappa", "se", "z", "p", f"{level} CI", "agreement", "by chance"):
        table.add_column(col, justify="left" if not col else "right")
    table.add_row(
        name[k.weights],
        _num(k.kappa),
        _num(k.se),
        _num(k.z, 2),
        _p(k.p),
        f"[{_num(k.ci_lower)}, {_num(k.ci_upper)}]",
        _num(k.observed),
        _num(k.expected),
    )
    console.print(table)
    console.print("se: large-sample SE of Fleiss, Cohen & Everitt (1969), as vcd::Kappa")
    if iccs:
        pw, an = iccs["pairwise"], iccs["anova"]
        console.print(
            f"pairwise (double-entry) ICC {pw['r']:.3f} (z {pw['z']:.2f}, p {_p(pw['p'])}); "
            f"ANOVA ICC(1) {an['icc']:.3f} [{_num(an['ci_lower'])}, {_num(an['ci_upper'])}] "
            f"(F {an['f']:.2f} on {an['df1']}, {an['df2']} df, p {_p(an['p'])})"
        )
    elif icc_note:
        console.print(f"no intraclass correlation: {icc_note}")


def _fmt_cat(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
