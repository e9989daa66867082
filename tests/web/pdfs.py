"""Read what a PDF says (pypdf), as one line of words: line breaks of the layout don't count."""

from __future__ import annotations

import io

import pypdf


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), content[:40]
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def words(text: str) -> str:
    """The same spacing as :func:`pdf_text`, for a sentence to look for in it."""
    return " ".join(text.split())
