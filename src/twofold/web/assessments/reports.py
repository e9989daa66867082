"""Turn an assessment and the core's profile into what the templates show.

Reports of their own (wording, charts) come from :mod:`twofold.reports` when it is installed;
until then this module lists the core's values plainly. Nothing here computes a score.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from twofold.core import Instrument
from twofold.core.profiles import PersonProfile
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Assessment
from twofold.web.assessments.selectors import (
    Step,
    assessment_answers,
    assessment_profile,
    assessment_progress,
)
from twofold.web.couples.selectors import couple_report_for, membership_active
from twofold.web.instrument import current_instrument


def step_context(
    request: HttpRequest, assessment: Assessment, steps: list[Step], n: int
) -> dict[str, Any]:
    instrument = current_instrument()
    lang = request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "en"
    current = steps[n - 1]
    answers = assessment_answers(assessment=assessment)
    answered, total = assessment_progress(assessment=assessment, answered=None)
    items = []
    for item_id in current.items:
        item = instrument.item(item_id)
        items.append(
            {
                "id": item_id,
                "text": item.text_in(lang),
                "value": answers.get(item_id),
                "choices": [
                    (v, item.scale.label(v, lang))
                    for v in range(item.scale.min, item.scale.max + 1)
                ],
            }
        )
    form = instrument.form(current.form_id) if current.form_id else None
    unanswered_steps = [
        k
        for k, s in enumerate(steps, start=1)
        if s.kind == "items" and any(i not in answers for i in s.items)
    ]
    return {
        "assessment": assessment,
        "step": current,
        "n": n,
        "count": len(steps),
        "items": items,
        "form_label": _text(form.label, lang) if form else "",
        "instructions": _text(form.instructions, lang) if form and form.instructions else "",
        "answered": answered,
        "total": total,
        "previous_url": reverse("assessments:step", args=[n - 1]) if n > 1 else None,
        "unanswered_steps": unanswered_steps,
    }


def _text(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()))


def _score_rows(
    profile: PersonProfile, instrument: Instrument, ids: list[str], lang: str
) -> list[dict[str, Any]]:
    rows = []
    for sid in ids:
        value = profile.scores.get(sid)
        interval = profile.intervals.get(sid)
        rows.append(
            {
                "id": sid,
                "label": instrument.label(sid, lang),
                "value": value,
                "lower": interval[0] if interval else None,
                "upper": interval[1] if interval else None,
            }
        )
    return rows


def individual_report_context(
    request: HttpRequest, assessment: Assessment, *, viewer: User
) -> dict[str, Any]:
    instrument = current_instrument()
    lang = viewer.language
    profile = assessment_profile(assessment=assessment)
    facets = list(instrument.profile)
    subfacets: list[str] = []
    for facet in facets:
        try:
            subfacets.extend(instrument.scale(facet).children)
        except KeyError:
            continue
    outcome_items = (
        set(instrument.form("outcomes").items)
        if "outcomes" in {f.id for f in instrument.forms}
        else set()
    )
    outcomes = [s.id for s in instrument.scales if s.items and set(s.items) <= outcome_items]
    axes = [instrument.regions.x, instrument.regions.y] if instrument.regions else []
    regions = instrument.regions.regions if instrument.regions else ()
    membership = membership_active(user=viewer)
    access = couple_report_for(user=viewer) if membership else None
    return {
        "assessment": assessment,
        "profile": profile,
        "region_label": next((_text(r.label, lang) for r in regions if r.id == profile.region), ""),
        "region_probabilities": [
            {"label": _text(r.label, lang), "p": profile.region_probabilities.get(r.id, 0.0)}
            for r in regions
        ],
        "axes": _score_rows(profile, instrument, axes, lang),
        "facets": _score_rows(profile, instrument, facets, lang),
        "subfacets": _score_rows(profile, instrument, subfacets, lang),
        "outcomes": _score_rows(profile, instrument, outcomes, lang),
        "provisional": instrument.norms_provisional,
        "safety": profile.safety is True,
        "membership": membership,
        "couple_state": access.state if access else None,
    }
