"""``twofold score`` and ``twofold couple``: score response files."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from twofold.cli.app import app, console, err_console
from twofold.cli.common import parse_forms, resolve_instrument

__all__ = ["couple", "score"]

InstrumentOpt = Annotated[
    str | None,
    typer.Option("--instrument", "-i", help="Bundled instrument id (default: rbi) or a YAML file."),
]
KeysOpt = Annotated[
    Path | None,
    typer.Option(
        "--keys", help="psych-style keys: CSV with a column per scale, or JSON; '-' reverses."
    ),
]
MinOpt = Annotated[int | None, typer.Option("--min", help="Lowest answer (with --keys).")]
MaxOpt = Annotated[int | None, typer.Option("--max", help="Highest answer (with --keys).")]
FormOpt = Annotated[
    str | None,
    typer.Option("--form", help="Score only these forms' items, e.g. 'self' or 'self,outcomes'."),
]
MinAnsweredOpt = Annotated[
    float | None,
    typer.Option(
        "--min-answered",
        min=0.0,
        max=1.0,
        help="Share of a scale's items that must be answered (0..1; 0 = any item, as psych).",
    ),
]
ImputeOpt = Annotated[
    str,
    typer.Option(
        "--impute", help="Fill unanswered items with the item 'mean' or 'median', or 'none'."
    ),
]
IdOpt = Annotated[
    str | None, typer.Option("--id", help="Person id column; checked for duplicates.")
]
DelimiterOpt = Annotated[
    str | None, typer.Option("--delimiter", help="CSV delimiter (default: detected).")
]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Text encoding of CSV/JSON input.")]


def _impute(value: str) -> str:
    if value not in ("none", "mean", "median"):
        raise typer.BadParameter("use none, mean or median", param_hint="--impute")
    return value


@app.command()
def score(
    file: Annotated[
        Path, typer.Argument(help="Responses: CSV, Parquet, XLSX, JSON or JSON lines.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Output file (type from its extension); CSV to stdout if omitted."
        ),
    ] = None,
    instrument: InstrumentOpt = None,
    keys: KeysOpt = None,
    low: MinOpt = None,
    high: MaxOpt = None,
    form: FormOpt = None,
    min_answered: MinAnsweredOpt = None,
    impute: ImputeOpt = "none",
    id_column: IdOpt = None,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
    intervals: Annotated[
        bool,
        typer.Option(
            help="Also write the 95% interval of each normed score (the score ± a margin that "
            "is the same for everyone: `twofold instrument show` lists each SEM)."
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="'process' (this process) or 'dask': FILE is then a glob or folder of Parquet "
            "files and --out a new folder of Parquet parts.",
        ),
    ] = "process",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address (with --engine dask; default: a local cluster).",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option("--workers", min=1, max=64, help="Local Dask workers (with --engine dask)."),
    ] = 2,
) -> None:
    """Score every person in FILE: scales, composites, regions, flags (intervals on request)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from twofold.pipeline import ScoreOptions, score_file, select_items
    from twofold.tables import file_format, row_count_hint

    inst = select_items(resolve_instrument(instrument, keys, low, high), parse_forms(form))
    options = ScoreOptions(
        min_answered=min_answered,
        impute=_impute(impute),  # type: ignore[arg-type]
        id_column=id_column,
        delimiter=delimiter,
        encoding=encoding,
        intervals=intervals,
    )
    if engine not in ("process", "dask"):
        raise typer.BadParameter("use process or dask", param_hint="--engine")
    if engine == "dask":
        _score_dask(file, out, inst, options, scheduler=scheduler, workers=workers)
        return
    if scheduler is not None:
        raise typer.BadParameter("only with --engine dask", param_hint="--scheduler")
    if out is None:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "scores.csv"
            score_file(file, target, inst, options)
            sys.stdout.write(target.read_text(encoding="utf-8"))
        return
    file_format(out)
    total = row_count_hint(file)
    with Progress(
        TextColumn("scoring"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("score", total=total)
        rows = score_file(file, out, inst, options, progress=lambda n: bar.advance(task, n))
    err_console.print(f"scored {rows:,} people with {inst.id} -> {out}")


def _score_dask(
    file: Path, out: Path | None, inst: Any, options: Any, *, scheduler: str | None, workers: int
) -> None:
    from twofold.dask_scoring import score_files_dask

    if out is None:
        raise typer.BadParameter("--engine dask needs --out: a new folder", param_hint="--out")
    err_console.print(f"scoring on Dask ({scheduler or f'a local cluster of {workers} workers'})")
    rows = score_files_dask(file, out, inst, options, scheduler=scheduler, workers=workers)
    err_console.print(f"scored {rows:,} people with {inst.id} -> {out}/")


@app.command()
def couple(
    file: Annotated[Path, typer.Argument(help="Responses with two rows per couple.")],
    couple_col: Annotated[str, typer.Option("--couple-col", help="Column holding the couple id.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output file; a table on screen if omitted.")
    ] = None,
    instrument: InstrumentOpt = None,
    form: FormOpt = None,
    min_answered: MinAnsweredOpt = None,
    id_column: IdOpt = None,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """One row per couple: both regions, the pattern, map distance, similarity, understanding."""
    from rich.table import Table

    from twofold.pipeline import ScoreOptions, couple_table, select_items
    from twofold.tables import AtomicWriter

    inst = select_items(resolve_instrument(instrument, None, None, None), parse_forms(form))
    options = ScoreOptions(
        min_answered=min_answered, id_column=id_column, delimiter=delimiter, encoding=encoding
    )
    table, _ = couple_table(file, inst, couple_col, options)
    if out is not None:
        with AtomicWriter(out) as writer:
            for batch in table.to_batches():
                writer.write(batch)
        err_console.print(f"{table.num_rows:,} couples -> {out}")
        return
    view = Table(title=f"{table.num_rows} couple(s)")
    for name in table.schema.names:
        view.add_column(name)
    for row in table.slice(0, 50).to_pylist():
        view.add_row(
            *(
                f"{v:.2f}" if isinstance(v, float) else ("" if v is None else str(v))
                for v in row.values()
            )
        )
    console.print(view)
    if table.num_rows > 50:
        err_console.print(f"(first 50 of {table.num_rows}; use --out for all)")


@app.command()
def change(
    before: Annotated[Path, typer.Argument(help="Responses at the first occasion.")],
    after: Annotated[Path, typer.Argument(help="Responses at the second occasion.")],
    id_column: Annotated[
        str, typer.Option("--id", help="Person id column, present in both files.")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output file; a summary on screen if omitted."),
    ] = None,
    instrument: InstrumentOpt = None,
    form: FormOpt = None,
    min_answered: MinAnsweredOpt = None,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Reliable change (Jacobson & Truax) per person between two occasions, e.g. check-ins."""
    from rich.table import Table

    from twofold.pipeline import ScoreOptions, change_table, select_items
    from twofold.tables import AtomicWriter

    inst = select_items(resolve_instrument(instrument, None, None, None), parse_forms(form))
    options = ScoreOptions(min_answered=min_answered, delimiter=delimiter, encoding=encoding)
    table = change_table(before, after, inst, id_column, options)
    if out is not None:
        with AtomicWriter(out) as writer:
            for batch in table.to_batches():
                writer.write(batch)
        err_console.print(f"{table.num_rows:,} people in both files -> {out}")
        return
    view = Table(title=f"Reliable change, {table.num_rows} people in both files")
    view.add_column("score")
    view.add_column("reliably up", justify="right")
    view.add_column("reliably down", justify="right")
    view.add_column("no reliable change", justify="right")
    for name in table.schema.names:
        if name.endswith("_change"):
            values = [v for v in table.column(name).to_pylist() if v is not None]
            view.add_row(
                name.removesuffix("_change"),
                str(values.count(1)),
                str(values.count(-1)),
                str(values.count(0)),
            )
    console.print(view)
