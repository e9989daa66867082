"""The words of the change-over-time page, from ``content/change.yaml``, checked on first use.

Checked like the other report content (:mod:`twofold.reports.texts`): every phrase in every
language of :data:`~twofold.reports.texts.LANGUAGES`, only the placeholders its sentence is
given, none missing, none unused. Kept apart from ``phrases.yaml`` so the change page's words
sit together.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from twofold.reports.texts import (
    LANGUAGES,
    ContentError,
    Text,
    _parse,
    _read,
    _Spec,
    fill,
    language,
    placeholders,
)

__all__ = ["PHRASES", "change_text"]

PHRASES: dict[str, frozenset[str]] = {
    key: frozenset(names)
    for key, names in {
        "kind_questionnaire": (),
        "kind_checkin": (),
        "verdict_better": (),
        "verdict_worse": (),
        "verdict_none": (),
        "verdict_too_few": (),
        "verdict_unknown": (),
        "change_up": ("first", "first_date", "latest", "latest_date"),
        "change_down": ("first", "first_date", "latest", "latest_date"),
        "change_none": ("first", "first_date", "latest", "latest_date"),
        "change_needed": ("needed",),
        "healthier_more": (),
        "healthier_less": (),
        "change_too_few": (),
        "change_unknown": (),
        "note_ranges": (),
        "note_like_with_like": ("n", "m"),
        "note_reliable": ("z",),
        "note_not_why": (),
        "note_week": (),
        "chart_title": ("facet",),
        "chart_desc_intro": ("facet", "n", "low", "high", "neutral"),
        "chart_desc_shown": ("shown", "n"),
        "chart_desc_point": ("k", "date", "kind", "value", "interval"),
        "chart_desc_point_full": (
            "k",
            "date",
            "kind",
            "value",
            "interval",
            "full",
            "full_interval",
        ),
        "chart_desc_point_missing": ("k", "date", "kind"),
        "legend_checkin": (),
        "legend_full": (),
        "axis_occasion": (),
        "table_caption": ("facet",),
        "col_occasion": (),
        "col_date": (),
        "col_kind": (),
        "col_checkin": (),
        "col_full": (),
        "score_with_range": ("value", "low", "high"),
    }.items()
}


class _ChangeFile(_Spec):
    phrases: dict[str, Text]


@cache
def _phrases() -> Mapping[str, Text]:
    """Load and check ``change.yaml``; raise :class:`ContentError` listing every problem."""
    problems: list[str] = []
    parsed = _parse(_ChangeFile, "change.yaml", _read("change.yaml"), problems)
    if parsed is None:
        raise ContentError("change.yaml", problems)
    phrases: dict[str, Text] = parsed.phrases
    for key, node in phrases.items():
        allowed = PHRASES.get(key)
        if allowed is None:
            problems.append(f"phrase {key!r} is not used (misspelt?)")
            continue
        for lang in LANGUAGES:
            text = node.get(lang, "")
            if not text.strip():
                problems.append(f"phrase {key!r}: text missing for language {lang}")
                continue
            unknown = sorted(placeholders(text) - allowed)
            if unknown:
                problems.append(f"phrase {key!r} ({lang}): unknown placeholder(s) {unknown}")
        extra = sorted(set(node) - set(LANGUAGES))
        if extra:
            problems.append(f"phrase {key!r}: language(s) {', '.join(extra)} not supported")
    problems += [f"phrase {key!r} is missing" for key in sorted(set(PHRASES) - set(phrases))]
    if problems:
        raise ContentError("change.yaml", problems)
    return phrases


def change_text(key: str, lang: str, **values: object) -> str:
    """The phrase ``key`` of the change page in ``lang``, placeholders filled in."""
    return fill(_phrases()[key][language(lang)], values)
