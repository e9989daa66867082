"""Laying out HTML on A4: a real PDF, self-contained, that fetches nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from twofold.core import Instrument, profile_person
from twofold.reports import balance_map, facet_chart, individual_report, map_point
from twofold.reports.pdf import pdf_from_html

from .conftest import Answers


def _document(body: str, *, lang: str = "en", title: str = "A report") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{body}</body></html>"
    )


def _read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def test_it_makes_an_a4_pdf_with_the_documents_title_and_language() -> None:
    pdf = pdf_from_html(_document("<p>Dónde estás</p>", lang="es", title="Tus resultados"))
    reader = _read(pdf)
    assert reader.metadata is not None
    assert reader.metadata.title == "Tus resultados"
    assert reader.trailer["/Root"]["/Lang"] == "es"
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # mm
    assert "Dónde estás" in reader.pages[0].extract_text()


def test_it_numbers_the_pages() -> None:
    pdf = pdf_from_html(_document("<p>One</p><p style='break-before: page'>Two</p>"))
    reader = _read(pdf)
    assert len(reader.pages) == 2
    assert "1 / 2" in reader.pages[0].extract_text()
    assert "2 / 2" in reader.pages[1].extract_text()


def test_the_report_charts_keep_their_words_in_the_pdf(
    rbi_test: Instrument, answers: Answers
) -> None:
    person = profile_person(rbi_test, answers(rbi_test, {"HD": 6, "UD": 2, "HI": 6, "UI": 2}))
    report = individual_report(person, "en")
    assert report.region is not None
    chart = balance_map([map_point(person, "Ana")], rbi_test, "en")
    facets = facet_chart(person, rbi_test, "en")
    pdf = pdf_from_html(_document(chart.svg + facets.svg + f"<p>{report.region.label}</p>"))
    text = " ".join(page.extract_text() for page in _read(pdf).pages)
    assert "Ana" in text  # the marker's name, drawn as text in the SVG
    assert report.region.label in text
    for reading in report.facets:
        assert reading.label in text


def test_it_fetches_nothing_a_document_points_to(tmp_path: Path) -> None:
    leak = tmp_path / "leak.css"
    leak.write_text('body::after { content: "LEAKED FROM DISK"; }', encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("LEAKED FILE", encoding="utf-8")
    body = (
        f'<link rel="stylesheet" href="{leak.as_uri()}">'
        f'<p>Visible</p><object data="{secret.as_uri()}" type="text/plain"></object>'
        f'<img src="{secret.as_uri()}" alt="">'
    )
    text = _read(pdf_from_html(_document(body))).pages[0].extract_text()
    assert "Visible" in text
    assert "LEAKED" not in text


def test_anything_but_text_is_refused_with_a_clear_message() -> None:
    with pytest.raises(TypeError, match="html must be a str"):
        pdf_from_html(b"<p>bytes</p>")  # type: ignore[arg-type]
