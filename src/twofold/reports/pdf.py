"""Turn a report's HTML into a printable A4 PDF with WeasyPrint. Never imports Django.

The HTML is the same content the web pages show (text from :mod:`twofold.reports`, the same
inline SVG charts), wrapped by the caller in a document that says whose report it is and when
it was made. Here it is laid out on A4 with the print stylesheet ``print.css`` beside this
module.

Nothing is fetched while rendering: the document is self-contained (inline SVG, the stylesheet
given as a string), and the fetcher refuses every URL, so no text in a report (a name, say)
could make the server read a file or call out to the network. WeasyPrint is imported on the
first PDF, not with the package: its import takes about a second, which the command line and
the web pages that never make a PDF should not pay.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

__all__ = ["PRINT_CSS", "pdf_from_html"]

PRINT_CSS = "print.css"


@cache
def _stylesheet() -> Any:
    from weasyprint import CSS

    return CSS(string=files("twofold.reports").joinpath(PRINT_CSS).read_text(encoding="utf-8"))


def pdf_from_html(html: str) -> bytes:
    """Lay out a whole HTML document on A4 pages and return the PDF.

    The document's ``<html lang>`` and ``<title>`` become the PDF's language and title, and
    the PDF is tagged (its structure is there for screen readers and for copying text).

    Examples
    --------
    >>> pdf = pdf_from_html("<!DOCTYPE html><html lang='en'><title>T</title><p>Hi</p></html>")
    >>> pdf[:5]
    b'%PDF-'
    """
    if not isinstance(html, str):
        raise TypeError(f"html must be a str, not {type(html).__name__}")
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    refuse_all = URLFetcher(allowed_protocols=frozenset())
    document = HTML(string=html, url_fetcher=refuse_all, media_type="print")
    pdf = document.write_pdf(stylesheets=[_stylesheet()], pdf_tags=True)
    assert isinstance(pdf, bytes)
    return pdf
