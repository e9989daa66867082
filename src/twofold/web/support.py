"""The Support page: help for everyone, whatever they answered (model §6, access.md).

Help never depends on disclosing: every page links here, signed in or not, and the page is
the same for everyone. The helplines are deployment data (``helplines.yaml``, one list per
country, chosen with ``TWOFOLD_SUPPORT_COUNTRY``); a country without entries gets the generic
wording of :func:`twofold.reports.support_resources` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from twofold.reports import support_resources

__all__ = ["Helpline", "helplines", "quick_exit", "support"]

HELPLINES = Path(__file__).with_name("helplines.yaml")


@dataclass(frozen=True)
class Helpline:
    name: str
    what: str
    phone: str
    text: str
    chat: str
    hours: str


@cache
def _load(path: Path) -> dict[str, list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    countries = data.get("countries") or {}
    if not isinstance(countries, dict):
        raise ValueError(f"{path}: 'countries' must map country codes to lists of services")
    return countries


def _words(value: object, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "")
    return "" if value is None else str(value)


def helplines(country: str, lang: str, *, path: Path = HELPLINES) -> list[Helpline]:
    """The services listed for ``country`` in ``lang``; empty when none are (generic fallback)."""
    return [
        Helpline(
            name=_words(entry.get("name"), lang),
            what=_words(entry.get("what"), lang),
            phone=_words(entry.get("phone"), lang),
            text=_words(entry.get("text"), lang),
            chat=_words(entry.get("chat"), lang),
            hours=_words(entry.get("hours"), lang),
        )
        for entry in _load(path).get(country.upper(), [])
    ]


def support(request: HttpRequest) -> HttpResponse:
    """The same page for everyone: anonymous, signed in, flagged or not."""
    lang = translation.get_language() or "en"
    lang = "es" if lang.startswith("es") else "en"
    return render(
        request,
        "support/support.html",
        {
            "helplines": helplines(settings.TWOFOLD_SUPPORT_COUNTRY, lang),
            "resources": support_resources(lang),
        },
    )


def quick_exit(request: HttpRequest) -> dict[str, str]:
    """Template context for every page: where the quick-exit button leaves to."""
    return {"quick_exit_url": settings.TWOFOLD_QUICK_EXIT_URL}
