"""``twofold report``: one scored person's own report as a PDF, as the web app makes it.

The same texts, charts and A4 layout as the results page's PDF: Django renders the web app's
templates (no database is opened) and :func:`twofold.reports.pdf.pdf_from_html` lays them out.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twofold.cli.app import app, err_console
from twofold.cli.common import parse_forms, resolve_instrument
from twofold.cli.score import DelimiterOpt, EncodingOpt, FormOpt, InstrumentOpt
from twofold.errors import UserError

if TYPE_CHECKING:
    from twofold.core import Instrument
    from twofold.reports import IndividualReport

__all__ = ["report"]


@app.command()
def report(
    file: Annotated[
        Path, typer.Argument(help="Responses: CSV, Parquet, XLSX, JSON or JSON lines.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The PDF to write.")],
    person: Annotated[
        str | None,
        typer.Option("--person", help="The person's id (needed when FILE has several rows)."),
    ] = None,
    id_column: Annotated[str, typer.Option("--id", help="Column holding person ids.")] = "id",
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: en or es.")] = "en",
    name: Annotated[
        str | None,
        typer.Option("--name", help="Name printed on the report (default: --person, if given)."),
    ] = None,
    instrument: InstrumentOpt = None,
    form: FormOpt = None,
    delimiter: DelimiterOpt = None,
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Write one person's own report as a PDF (scores, map, feedback; en or es).

    The report speaks to the person it is about, as on the web: hand it to them. When their
    safety answers raised a concern it carries the support resources, as their own page does.
    """
    from twofold.pipeline import ScoreOptions, person_profile, select_items
    from twofold.reports import LANGUAGES, check_instrument, individual_report

    if lang not in LANGUAGES:
        raise UserError(f"--lang: {lang!r} is not one of {', '.join(LANGUAGES)}")
    if out.suffix.lower() != ".pdf":
        raise UserError(f"--out: {out.name!r} should end in .pdf")
    inst = select_items(resolve_instrument(instrument, None, None, None), parse_forms(form))
    problems = check_instrument(inst)
    if problems:
        raise UserError(f"instrument {inst.id!r} cannot be reported on", problems)
    options = ScoreOptions(delimiter=delimiter, encoding=encoding)
    profile = person_profile(file, inst, id_column=id_column, person=person, options=options)
    shown_name = name if name is not None else (person or "")
    pdf = _render(individual_report(profile, lang), inst, lang=lang, name=shown_name)
    _write_atomically(out, pdf)
    err_console.print(f"report of {shown_name or file.name} ({lang}) -> {out}")


def _render(report: IndividualReport, instrument: Instrument, *, lang: str, name: str) -> bytes:
    """The web app's own templates, rendered without a request or a database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twofold.web.config.base")
    import django

    django.setup()
    from django.template.loader import render_to_string
    from django.utils import translation

    from twofold.reports.pdf import pdf_from_html
    from twofold.web.pdf import report_document

    with translation.override(lang):
        body = render_to_string("assessments/report_body.html", {"report": report})
    html = report_document(
        "reports/pdf/individual.html",
        {"report_html": body},
        lang=lang,
        name=name,
        instrument=instrument,
    )
    return pdf_from_html(html)


def _write_atomically(out: Path, data: bytes) -> None:
    """Write ``out`` whole or not at all: a temporary file beside it, then renamed."""
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"--out: the folder {str(folder)!r} does not exist")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
