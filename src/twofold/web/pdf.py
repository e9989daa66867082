"""PDF copies of the report pages, shared by the apps: the same content, laid out on A4.

A view decides who may have the PDF (with the same access helper as its page) and builds the
same context as its page; this module wraps that content in a printable document — whose
report, which questionnaire and version, when it was made, what the scores can and cannot say
— and has :func:`twofold.reports.pdf.pdf_from_html` lay it out. A PDF takes up to about a
second to make (``benchmarks/README.md``), so nothing here runs unless a PDF is asked for,
and one person may have at most ``TWOFOLD_PDFS_PER_MINUTE`` (10) a minute: beyond that, a
"too many" page (429) instead of a PDF, so no one can keep the server's few threads busy.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from twofold.core import Instrument
from twofold.reports.pdf import pdf_from_html
from twofold.web.accounts.models import User
from twofold.web.instrument import current_instrument

__all__ = ["pdf_response", "report_document"]


def report_document(
    template: str,
    context: dict[str, Any],
    *,
    lang: str,
    name: str,
    instrument: Instrument,
) -> str:
    """The whole HTML document of a PDF: ``template`` (extending ``reports/pdf/document.html``)
    worded in ``lang``, for ``name``, naming ``instrument`` and its version, dated today."""
    document = {
        **context,
        "lang": lang,
        "name": name,
        "made_at": timezone.now(),
        "instrument_title": instrument.title.get(lang) or instrument.title.get("en", instrument.id),
        "instrument_version": instrument.version,
    }
    with translation.override(lang):
        return render_to_string(template, document)


def pdf_allowed(user: User) -> bool:
    """Count one PDF for ``user`` in this minute; False past the limit.

    A fixed one-minute window in the shared cache (the database cache: every worker and server
    counts together)."""
    key = f"twofold:pdfs:{user.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        made = cache.incr(key)
    except ValueError:  # the entry expired between add and incr: a new window
        return True
    return bool(made <= settings.TWOFOLD_PDFS_PER_MINUTE)


def pdf_response(
    request: HttpRequest, *, template: str, context: dict[str, Any], viewer: User, filename: str
) -> HttpResponse:
    """Render ``template`` to a PDF download for ``viewer``, in their language.

    Worded in the viewer's language whatever the request's, as the report inside it is. Past
    the viewer's limit of PDFs a minute, the "too many" page (status 429) instead.
    """
    if not pdf_allowed(viewer):
        return render(request, "429.html", {"reason": "pdf"}, status=429)
    html = report_document(
        template, context, lang=viewer.language, name=viewer.name, instrument=current_instrument()
    )
    response = HttpResponse(pdf_from_html(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A report is private: no shared cache may keep it, and the browser keeps no copy it did
    # not save on purpose.
    response["Cache-Control"] = "private, no-store"
    return response
