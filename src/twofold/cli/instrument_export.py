"""``twofold instrument export``: an instrument as a REDCap dictionary, FHIR Questionnaire or codebook."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twofold.cli.app import err_console, instrument_app
from twofold.errors import UserError

if TYPE_CHECKING:
    from twofold.core import Instrument

__all__ = ["export"]

_SUFFIXES = {"redcap": (".csv",), "fhir": (".json",), "codebook": (".csv", ".xlsx", ".md")}


@instrument_app.command()
def export(
    name: Annotated[str, typer.Argument(help="Bundled id (e.g. rbi) or a YAML file.")],
    fmt: Annotated[str, typer.Option("--format", help="redcap, fhir or codebook.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of labels (REDCap, FHIR).")] = "en",
    form: Annotated[
        str | None, typer.Option("--form", help="Only these forms, e.g. 'self,outcomes'.")
    ] = None,
) -> None:
    """Write NAME as a REDCap data dictionary (.csv), a FHIR R4 Questionnaire (.json) or a codebook (.csv, .xlsx, .md)."""
    # Heavy imports stay here, so that `twofold --help` starts without them.
    import pyarrow as pa

    from twofold.cli.common import parse_forms
    from twofold.core import load_instrument
    from twofold.exports.dictionaries import (
        codebook_rows,
        fhir_questionnaire,
        redcap_dictionary,
    )
    from twofold.tables import AtomicWriter

    if fmt not in _SUFFIXES:
        raise UserError(f"--format {fmt!r}: use redcap, fhir or codebook")
    suffix = out.suffix.lower()
    if suffix not in _SUFFIXES[fmt]:
        raise UserError(f"{out.name}: a {fmt} export is written as {' or '.join(_SUFFIXES[fmt])}")
    if not out.parent.exists():
        raise UserError(f"{out}: the folder {out.parent} does not exist")
    inst = load_instrument(name)
    if lang not in inst.languages:
        raise UserError(
            f"--lang {lang!r}: instrument {inst.id!r} is written in {', '.join(inst.languages)}"
        )
    forms = parse_forms(form)
    if fmt == "redcap":
        _write_text(out, redcap_dictionary(inst, lang, forms))
    elif fmt == "fhir":
        _write_text(out, fhir_questionnaire(inst, lang, forms).model_dump_json(indent=2) + "\n")
    elif suffix == ".md":
        _write_text(out, _markdown(inst, codebook_rows(inst, forms)))
    else:
        rows = codebook_rows(inst, forms)
        with AtomicWriter(out) as writer:
            writer.write(pa.RecordBatch.from_pylist(rows))
    err_console.print(f"{inst.id} {inst.version} as {fmt} -> {out}")


def _write_text(path: Path, text: str) -> None:
    """Write beside the target, then rename: no half-written file on any failure."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _markdown(inst: Instrument, rows: list[dict[str, str]]) -> str:
    from twofold.core.instrument import localized

    lines = [f"# Codebook: {localized(inst.title, 'en')} ({inst.id} {inst.version})", ""]
    lines.append(f"{len(rows)} items; languages: {', '.join(inst.languages)}.")
    lines.append("")
    lines.append("## Scores")
    lines.append("")
    lines.append("| score | label | items |")
    lines.append("| --- | --- | --- |")
    for s in inst.scales:
        lines.append(f"| {s.id} | {localized(s.label, 'en')} | {len(s.keys)} |")
    lines.append("")
    lines.append("## Items")
    lines.append("")
    columns = list(rows[0])
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + " --- |" * len(columns))
    for row in rows:
        lines.append("| " + " | ".join(row[c].replace("|", "\\|") for c in columns) + " |")
    return "\n".join(lines) + "\n"
