"""``twofold analyze reliability`` and ``twofold analyze norms``.

Both read a response file, validate the answers against the instrument (or psych-style keys)
exactly as ``twofold score`` does, call the core (:mod:`twofold.core.reliability`,
:mod:`twofold.core.norms`) and print Rich tables, or with ``--json`` every number under the
field names documented in ``docs/analysis/reliability.md``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twofold.cli.app import analyze_app, console, err_console
from twofold.cli.common import parse_forms, resolve_instrument
from twofold.cli.options import NORMS_MIN_FINAL_N, NORMS_PERCENTILES
from twofold.cli.score import (
    DelimiterOpt,
    EncodingOpt,
    FormOpt,
    InstrumentOpt,
    KeysOpt,
    MaxOpt,
    MinAnsweredOpt,
    MinOpt,
)
from twofold.errors import UserError

if TYPE_CHECKING:  # loaded when a command runs, not when the command line starts
    import pandas as pd

    from twofold.core import Instrument
    from twofold.core.instrument import Scale
    from twofold.core.reliability import Alpha, Omega, ScaleCorrelations
    from twofold.core.responses import Responses

__all__ = ["norms", "reliability"]

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print every number as JSON (field names in the docs).")
]


def _read_responses(
    file: Path, inst: Instrument, delimiter: str | None, encoding: str
) -> Responses:
    from twofold.pipeline import responses_from_batch
    from twofold.tables import read_table

    table = read_table(
        file, float_columns=set(inst.item_ids), delimiter=delimiter, encoding=encoding
    )
    if table.num_rows == 0:
        raise UserError(f"{file.name}: the file has a header but no rows")
    return responses_from_batch(inst, table)


def _frame(responses: Responses) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(responses.to_float(), columns=list(responses.items))


def _scales(inst: Instrument, from_keys: bool) -> tuple[list[Scale], list[str]]:
    """Scales with at least two items; one-item scales are an error with keys, else a note."""
    keep: list[Scale] = []
    notes: list[str] = []
    for s in inst.scales:
        if len(s.keys) >= 2:
            keep.append(s)
        elif from_keys:
            raise UserError(
                f"scale {s.id!r} has one item ({s.items[0]}); reliability needs at least two"
            )
        else:
            notes.append(f"scale {s.id} has one item: it has no internal-consistency reliability")
    if not keep:
        raise UserError(f"instrument {inst.id!r} has no scale with two or more items")
    return keep, notes


def _missing(value: str) -> str:
    if value not in ("pairwise", "listwise"):
        raise typer.BadParameter("use pairwise or listwise", param_hint="--missing")
    return value


@analyze_app.command()
def reliability(
    file: Annotated[
        Path, typer.Argument(help="Responses: CSV, Parquet, XLSX, JSON or JSON lines.")
    ],
    instrument: InstrumentOpt = None,
    keys: KeysOpt = None,
    low: MinOpt = None,
    high: MaxOpt = None,
    form: FormOpt = None,
    missing: Annotated[
        str,
        typer.Option(
            "--missing", help="'pairwise' (each covariance from who answered both) or 'listwise'."
        ),
    ] = "pairwise",
    with_omega: Annotated[
        bool, typer.Option("--omega/--no-omega", help="Also compute McDonald's omega per scale.")
    ] = True,
    nfactors: Annotated[
        int, typer.Option("--nfactors", min=2, help="Group factors for omega (psych: 3).")
    ] = 3,
    as_json: JsonOpt = False,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Alpha, G6, item analysis, omega and scale intercorrelations for every scale."""
    from twofold.core.reliability import alpha, omega, scale_correlations
    from twofold.pipeline import select_items

    how = _missing(missing)
    inst = select_items(resolve_instrument(instrument, keys, low, high), parse_forms(form))
    scales, notes = _scales(inst, from_keys=keys is not None)
    responses = _read_responses(file, inst, delimiter, encoding)
    frame = _frame(responses)

    alphas: dict[str, Alpha] = {}
    omegas: dict[str, Omega | None] = {}
    omega_notes: dict[str, str] = {}
    for s in scales:
        items = list(s.items)
        try:
            alphas[s.id] = alpha(
                frame[items],
                keys=[sign for _, sign in s.keys],
                min=s.min,
                max=s.max,
                missing=how,  # type: ignore[arg-type]
            )
        except ValueError as exc:
            raise UserError(f"{file.name}, scale {s.id!r}: {exc}") from None
        omegas[s.id] = None
        if not with_omega:
            continue
        if len(items) <= nfactors:
            omega_notes[s.id] = (
                f"omega with {nfactors} group factors needs more than {nfactors} items"
            )
            continue
        try:
            omegas[s.id] = omega(frame[items], nfactors, missing=how)  # type: ignore[arg-type]
        except ValueError as exc:
            raise UserError(f"{file.name}, scale {s.id!r}: {exc}") from None

    correlations: ScaleCorrelations | None = None
    if len(scales) >= 2:
        try:
            correlations = scale_correlations(
                frame,
                {s.id: list(s.keys) for s in scales},
                missing=how,  # type: ignore[arg-type]
            )
        except ValueError as exc:
            raise UserError(f"{file.name}: {exc}") from None

    if as_json:
        report = {
            "file": file.name,
            "instrument": inst.id,
            "n_rows": responses.n_people,
            "missing": how,
            "nfactors": nfactors if with_omega else None,
            "scales": {
                sid: {
                    "alpha": a.to_dict(),
                    "omega": None if omegas[sid] is None else omegas[sid].to_dict(),  # type: ignore[union-attr]
                    "omega_note": omega_notes.get(sid),
                }
                for sid, a in alphas.items()
            },
            "scale_correlations": None if correlations is None else correlations.to_dict(),
            "notes": notes,
        }
        sys.stdout.write(json.dumps(report, indent=2, allow_nan=False) + "\n")
        return
    _print_reliability(file, inst, responses.n_people, how, alphas, omegas, omega_notes)
    if correlations is not None:
        _print_correlations(correlations)
    said: dict[str, list[str]] = {}
    for sid, o in omegas.items():
        for warning in o.warnings if o is not None else ():
            said.setdefault(warning, []).append(sid)
    for sid, why in omega_notes.items():
        said.setdefault(why, []).append(sid)
    notes += [f"omega of {', '.join(sids)}: {text}" for text, sids in said.items()]
    for note in notes:
        console.print(f"[yellow]note:[/] {note}")


def _num(x: float | None, digits: int = 2) -> str:
    if x is None or x != x:
        return "-"
    return f"{x:.{digits}f}"


def _print_reliability(
    file: Path,
    inst: Instrument,
    n_rows: int,
    how: str,
    alphas: dict[str, Alpha],
    omegas: dict[str, Omega | None],
    omega_notes: dict[str, str],
) -> None:
    from rich import box
    from rich.table import Table

    level = next(iter(alphas.values())).level
    table = Table(
        title=f"Reliability: {file.name}, {inst.id}, {n_rows:,} rows, {how} missing",
        box=box.SIMPLE_HEAD,
    )
    width = max(len(sid) for sid in alphas)
    table.add_column("scale", min_width=width)
    for name in ("n", "alpha", f"{level:.0%} CI", "std", "G6"):
        table.add_column(name, justify="right")
    show_omega = any(o is not None for o in omegas.values()) or bool(omega_notes)
    if show_omega:
        table.add_column("omega h", justify="right")
        table.add_column("omega t", justify="right")
    for sid, a in alphas.items():
        row = [
            sid,
            f"{a.n_obs:,}",
            _num(a.raw),
            f"{_num(a.feldt[0])}-{_num(a.feldt[1])}",
            _num(a.std),
            _num(a.g6),
        ]
        if show_omega:
            o = omegas[sid]
            mark = "*" if o is not None and o.heywood else ""
            row += [
                _num(o.omega_h) + mark if o else "-",
                _num(o.omega_total) if o else "-",
            ]
        table.add_row(*row)
    captions = ["CI: Feldt's; std: alpha of standardised items; G6: Guttman's lambda 6"]
    if any(o is not None and o.heywood for o in omegas.values()):
        captions.append("* Heywood case: read omega h with care (see notes)")
    table.caption = "\n".join(captions)
    console.print(table)

    inter = Table(title="Inter-item correlations", box=box.SIMPLE_HEAD)
    inter.add_column("scale", min_width=width)
    for name in ("items", "mean r", "median r", "signal/noise"):
        inter.add_column(name, justify="right")
    for sid, a in alphas.items():
        inter.add_row(
            sid, str(len(a.items)), _num(a.average_r), _num(a.median_r), _num(a.signal_noise)
        )
    console.print(inter)
    for sid, a in alphas.items():
        view = Table(title=f"Items of {sid}")
        view.add_column("item")
        for name in (
            "key",
            "n",
            "mean",
            "sd",
            "r drop",
            "r cor",
            "alpha if dropped",
            "std alpha if dropped",
        ):
            view.add_column(name, justify="right")
        for record in a.to_dict()["item_stats"]:
            view.add_row(
                str(record["item"]),
                "-" if record["key"] < 0 else "+",
                f"{record['n']:,}",
                _num(record["mean"]),
                _num(record["sd"]),
                _num(record["r_drop"]),
                _num(record["r_cor"]),
                _num(record["alpha_drop_raw"]),
                _num(record["alpha_drop_std"]),
            )
        console.print(view)


def _print_correlations(sc: ScaleCorrelations) -> None:
    from rich import box
    from rich.table import Table

    table = Table(
        title="Scale intercorrelations",
        caption="below the diagonal: r; on it: alpha; above it: r corrected for unreliability",
        box=box.SIMPLE_HEAD,
    )
    labels = [f"{i}. {sid}" for i, sid in enumerate(sc.scales, start=1)]
    table.add_column("", min_width=max(len(label) for label in labels))
    for i in range(1, len(sc.scales) + 1):
        table.add_column(str(i), justify="right")
    values = sc.corrected.to_numpy()
    for i, label in enumerate(labels):
        table.add_row(label, *(_num(float(v)) for v in values[i]))
    console.print(table)


# --------------------------------------------------------------------------------------------
# norms
# --------------------------------------------------------------------------------------------


def _definition_path(name: str) -> Path:
    from twofold.core import bundled_instruments

    bundled = bundled_instruments()
    return bundled[name] if name in bundled else Path(name)


def _percentiles(text: str) -> list[float]:
    try:
        values = [float(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise UserError(
            f"--percentiles: {text!r} is not a comma-separated list of numbers"
        ) from None
    if not values:
        raise UserError("--percentiles needs at least one value")
    return values


@analyze_app.command()
def norms(
    file: Annotated[Path, typer.Argument(help="Responses of the norm sample.")],
    instrument: Annotated[
        str, typer.Option("--instrument", "-i", help="Bundled instrument id or a YAML file.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The new definition (.yaml) with the norms.")
    ],
    sample: Annotated[
        str | None,
        typer.Option(
            "--sample", help="Name of the sample, written into the norms (default: FILE)."
        ),
    ] = None,
    form: FormOpt = None,
    min_answered: MinAnsweredOpt = None,
    min_n: Annotated[
        int,
        typer.Option(
            "--min-n", min=2, help="Fewest people per score for final (non-provisional) norms."
        ),
    ] = NORMS_MIN_FINAL_N,
    provisional: Annotated[
        bool, typer.Option("--provisional", help="Label the norms provisional whatever the size.")
    ] = False,
    percentiles: Annotated[
        str, typer.Option("--percentiles", help="Percentiles to tabulate, comma-separated.")
    ] = ",".join(f"{p:g}" for p in NORMS_PERCENTILES),
    as_json: JsonOpt = False,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Build norms (mean, SD, reliability, percentiles) from FILE into a copy of the definition."""
    from rich import box
    from rich.table import Table

    from twofold.core import load_instrument
    from twofold.core.norms import build_norms, with_norms
    from twofold.pipeline import select_items

    if out.suffix.lower() not in (".yaml", ".yml"):
        raise UserError(f"--out {out}: the new definition must be a .yaml file")
    source = _definition_path(instrument)
    base = load_instrument(instrument)
    if source.exists() and out.exists() and out.resolve() == source.resolve():
        raise UserError(
            f"--out {out}: write the normed definition to a new file, not over its source"
        )
    if not out.parent.exists():
        raise UserError(f"--out {out}: the folder {out.parent} does not exist")
    inst = select_items(base, parse_forms(form))
    responses = _read_responses(file, inst, delimiter, encoding)
    try:
        built = build_norms(
            inst,
            responses,
            sample=sample or file.name,
            percentiles=_percentiles(percentiles),
            min_n=min_n,
            provisional=provisional,
            min_answered=min_answered,
        )
    except ValueError as exc:
        raise UserError(f"{file.name}: {exc}") from None
    text = with_norms(source.read_text(encoding="utf-8"), built.norms, source=out.name)
    _write_text(out, text)

    if as_json:
        report: dict[str, Any] = {"file": file.name, "instrument": base.id, "out": str(out)}
        report.update(built.to_dict())
        sys.stdout.write(json.dumps(report, indent=2, allow_nan=False) + "\n")
        return
    status = "PROVISIONAL" if built.norms.provisional else "final"
    table = Table(
        title=f"Norms from {built.norms.sample} ({status}), {built.n_people:,} rows",
        caption="rel.: reliability; SEM: standard error of measurement",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("score", min_width=max(len(sid) for sid in built.norms.scores))
    for name in ("n", "mean", "SD", "rel.", "SEM", "5th", "median", "95th"):
        table.add_column(name, justify="right")
    for sid, norm in built.norms.scores.items():
        pct = dict(norm.percentiles)
        table.add_row(
            sid,
            f"{norm.n:,}",
            _num(norm.mean),
            _num(norm.sd),
            _num(norm.reliability),
            _num(norm.sem),
            _num(pct.get(5.0)),
            _num(pct.get(50.0)),
            _num(pct.get(95.0)),
        )
    console.print(table)
    for sid, why in built.skipped.items():
        console.print(f"[yellow]no norm for {sid}:[/] {why}")
    if built.norms.note:
        console.print(built.norms.note)
    err_console.print(f"wrote {out}")


def _write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: the file appears whole or not at all."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
