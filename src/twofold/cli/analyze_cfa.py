"""``twofold analyze cfa``: confirmatory factor analysis of a data file.

The model is lavaan syntax (a file or the text itself) or an instrument's facets (``--model
rbi``, or an instrument YAML file): one factor per facet, measured by its items on one form,
with reverse-keyed items reversed first. The core fits it; this module only prints.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from twofold.cli.app import analyze_app, console
from twofold.errors import UserError

__all__ = ["cfa"]

_OPERATORS = ("=~", "~")


@analyze_app.command("cfa")
def cfa(
    file: Annotated[Path, typer.Argument(help="Data: CSV, Parquet, XLSX, JSON or JSON lines.")],
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="lavaan syntax, a file holding it, or an instrument whose facets to model "
            "(rbi, or a YAML definition).",
        ),
    ],
    estimator: Annotated[
        str, typer.Option("--estimator", help="ML, or MLR for robust errors and fit indices.")
    ] = "ML",
    std_lv: Annotated[
        bool,
        typer.Option("--std-lv", help="Fix factor variances to 1 instead of first loadings."),
    ] = False,
    form: Annotated[
        str, typer.Option("--form", help="With an instrument: the form whose items to model.")
    ] = "self",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every number as JSON instead of tables.")
    ] = False,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", help="CSV delimiter (default: detected).")
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="Text encoding of CSV/JSON input.")
    ] = "utf-8",
) -> None:
    """Fit a CFA (lavaan's cfa()) and report fit indices, loadings and all estimates."""
    from twofold.core import bundled_instruments, load_instrument
    from twofold.core.cfa import CFA, InstrumentModel, instrument_model
    from twofold.tables import read_frame

    estimator = estimator.upper()
    if estimator not in ("ML", "MLR"):
        raise UserError(f"--estimator must be ML or MLR, not {estimator!r}")
    source = _model_source(model)
    frame = read_frame(file, delimiter=delimiter, encoding=encoding)
    design: InstrumentModel | None = None
    if isinstance(source, Path) or source in bundled_instruments():
        design = instrument_model(load_instrument(source), form=form)
        syntax, data = design.syntax, design.keyed(frame)
    else:
        syntax, data = source, frame
    fitted = CFA(syntax, estimator=estimator, std_lv=std_lv).fit(data)  # type: ignore[arg-type]
    if as_json:
        sys.stdout.write(json.dumps(_payload(file, fitted, design), indent=2) + "\n")
    else:
        _print(file, fitted, design)


def _model_source(model: str) -> str | Path:
    """An instrument id, an instrument file (Path), or model syntax (str)."""
    from twofold.core import bundled_instruments

    if model in bundled_instruments():
        return model
    path = Path(model)
    if "\n" not in model and path.suffix.lower() in (".yaml", ".yml"):
        if not path.is_file():
            raise UserError(f"--model: no such instrument file {model!r}")
        return path
    if "\n" not in model and path.is_file():
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"--model: cannot read {model!r} ({exc})") from None
    if not any(op in model for op in _OPERATORS):
        known = ", ".join(bundled_instruments())
        raise UserError(
            f"--model: {model!r} is not a file, a bundled instrument ({known}) or model "
            "syntax (e.g. 'f =~ x1 + x2 + x3')"
        )
    return model


# ------------------------------------------------------------------------------------------
# JSON
# ------------------------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _payload(file: Path, fitted: Any, design: Any) -> dict[str, Any]:
    result = fitted.result_
    instrument = None
    if design is not None:
        instrument = {
            "id": design.instrument.id,
            "version": design.instrument.version,
            "form": design.form,
            "factors": list(design.factors),
            "reversed_items": list(design.reversed),
        }
    payload = {
        "file": file.name,
        "model": fitted.model,
        "estimator": result.estimator,
        "std_lv": bool(fitted.std_lv),
        "instrument": instrument,
        "nobs": result.nobs,
        "rows_dropped": result.n_dropped,
        "converged": result.converged,
        "iterations": result.n_iter,
        "fit": result.fit.as_dict(),
        "parameters": [asdict(p) for p in result.parameters],
        "r2": dict(result.r2),
        "notes": list(result.notes),
    }
    cleaned: dict[str, Any] = _clean(payload)
    return cleaned


# ------------------------------------------------------------------------------------------
# Tables
# ------------------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return ""
    return "<.001" if value < 0.001 else f"{value:.3f}".lstrip("0")


def _chisq(x2: float | None, df: int | None, p: float | None) -> str:
    if x2 is None:
        return ""
    shown = "< .001" if p is not None and p < 0.001 else f"= {_p(p)}"
    return f"{x2:.3f} (df {df}, p {shown})"


def _interval(value: float | None, lo: float | None, hi: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f} [{_num(lo)}, {_num(hi)}]"


def _print(file: Path, fitted: Any, design: Any) -> None:
    from rich.table import Table

    result = fitted.result_
    fit = result.fit
    dropped = f" ({result.n_dropped} dropped for a missing value)" if result.n_dropped else ""
    console.print(
        f"[bold]CFA of {file.name}[/]: {result.estimator}, {result.nobs} rows used{dropped}, "
        f"converged in {result.n_iter} iterations."
    )
    if design is not None:
        console.print(
            f"Model: {design.instrument.id}'s facets {', '.join(design.factors)} from its "
            f"{design.form + '-form' if design.form else 'listed'} items; "
            f"{len(design.reversed)} reverse-keyed item(s) "
            "reversed before fitting."
        )
    robust = fit.chisq_scaled is not None

    table = Table(title="Fit")
    table.add_column("measure")
    table.add_column("value", justify="right")
    if robust:
        table.add_column("robust (MLR)", justify="right")
    rows: list[tuple[str, str, str]] = [
        (
            "chi-square",
            _chisq(fit.chisq, fit.df, fit.pvalue),
            _chisq(fit.chisq_scaled, fit.df, fit.pvalue_scaled)
            + (f", scaling {fit.scaling_factor:.3f}" if robust else ""),
        ),
        ("CFI", _num(fit.cfi), _num(fit.cfi_robust)),
        ("TLI", _num(fit.tli), _num(fit.tli_robust)),
        (
            "RMSEA [90% CI]",
            _interval(fit.rmsea, fit.rmsea_ci_lower, fit.rmsea_ci_upper),
            _interval(fit.rmsea_robust, fit.rmsea_ci_lower_robust, fit.rmsea_ci_upper_robust),
        ),
        ("p(RMSEA <= .05)", _p(fit.rmsea_pvalue), _p(fit.rmsea_pvalue_robust)),
        ("SRMR", _num(fit.srmr), ""),
        ("log-likelihood", _num(fit.logl, 2), ""),
        ("AIC", _num(fit.aic, 2), ""),
        ("BIC", _num(fit.bic, 2), ""),
        ("BIC (n-adjusted)", _num(fit.bic2, 2), ""),
        ("free parameters", str(fit.npar), ""),
    ]
    for name, value, extra in rows:
        table.add_row(name, value, *([extra] if robust else []))
    console.print(table)

    table = Table(title="Loadings")
    for column in ("factor", "indicator", "estimate", "SE", "z", "p", "std.all", "R²"):
        table.add_column(column, justify="left" if column in ("factor", "indicator") else "right")
    for p in result.parameters:
        if p.op == "=~":
            table.add_row(
                p.lhs, p.rhs, _num(p.est), _num(p.se) if p.free else "fixed", _num(p.z, 2),
                _p(p.pvalue), _num(p.std_all), _num(result.r2.get(p.rhs)),
            )  # fmt: skip
    console.print(table)

    others = [p for p in result.parameters if p.op != "=~"]
    if others:
        table = Table(title="Variances, covariances and other parameters")
        for column in ("parameter", "estimate", "SE", "z", "p", "std.all"):
            table.add_column(column, justify="left" if column == "parameter" else "right")
        for p in others:
            name = f"{p.lhs} ~ 1" if p.op == "~1" else f"{p.lhs} {p.op} {p.rhs}"
            se = _num(p.se) if p.free or p.op == ":=" else ("sample" if p.exo else "fixed")
            table.add_row(name, _num(p.est), se, _num(p.z, 2), _p(p.pvalue), _num(p.std_all))
        console.print(table)
    for note in result.notes:
        console.print(f"[yellow]note:[/] {note}")
