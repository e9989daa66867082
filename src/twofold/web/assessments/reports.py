"""Turn an assessment and the core's profile into what the templates show.

The wording and the charts come from :mod:`twofold.reports`; the scores from the core. Nothing
here computes a score or writes a sentence about one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from twofold.reports import individual_report
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Assessment
from twofold.web.assessments.selectors import (
    Step,
    assessment_answers,
    assessment_profile,
    assessment_progress,
    safety_decision,
)
from twofold.web.couples.selectors import membership_active
from twofold.web.instrument import current_instrument


def step_context(
    request: HttpRequest, assessment: Assessment, steps: list[Step], n: int
) -> dict[str, Any]:
    instrument = current_instrument()
    lang = request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "en"
    current = steps[n - 1]
    answers = assessment_answers(assessment=assessment)
    answered, total = assessment_progress(assessment=assessment, answered=None)
    # The number each answer was stored with: the page counts on from it (answers.js).
    seqs = dict(assessment.answers.filter(item_id__in=current.items).values_list("item_id", "seq"))
    items = []
    for item_id in current.items:
        item = instrument.item(item_id)
        items.append(
            {
                "id": item_id,
                "text": item.text_in(lang),
                "value": answers.get(item_id),
                "seq": seqs.get(item_id, 0),
                "choices": [
                    (v, item.scale.label(v, lang))
                    for v in range(item.scale.min, item.scale.max + 1)
                ],
            }
        )
    form = instrument.form(current.form_id) if current.form_id else None
    urls = step_urls(assessment)
    unanswered_steps = [
        (k, reverse(urls["step"], args=[k]))
        for k, s in enumerate(steps, start=1)
        if s.kind == "items" and any(i not in answers for i in s.items)
    ]
    return {
        "assessment": assessment,
        "is_checkin": assessment.kind == Assessment.Kind.CHECKIN,
        "answer_url": reverse(urls["answer"]),
        "finish_url": reverse(urls["finish"]),
        "step": current,
        "n": n,
        "count": len(steps),
        "items": items,
        "form_label": _text(form.label, lang) if form else "",
        "instructions": _text(form.instructions, lang) if form and form.instructions else "",
        "answered": answered,
        "total": total,
        "previous_url": reverse(urls["step"], args=[n - 1]) if n > 1 else None,
        "unanswered_steps": unanswered_steps,
    }


def step_urls(assessment: Assessment) -> dict[str, str]:
    """The names of the URLs that answer, page through and finish this kind of assessment."""
    if assessment.kind == Assessment.Kind.CHECKIN:
        return {
            "start": "assessments:checkin",
            "step": "assessments:checkin_step",
            "answer": "assessments:checkin_answer",
            "finish": "assessments:checkin_finish",
        }
    return {
        "start": "assessments:start",
        "step": "assessments:step",
        "answer": "assessments:answer",
        "finish": "assessments:finish",
    }


def _text(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()))


# A finished assessment never changes, so its report, once rendered in a language, is kept
# (per process, least recently used first out). The key holds the finishing time and the
# instrument version, so a new assessment or a new wording never meets an old page.
_REPORT_CACHE: OrderedDict[tuple[object, ...], str] = OrderedDict()
_REPORT_CACHE_SIZE = 256
_REPORT_LOCK = threading.Lock()


def report_html(assessment: Assessment, lang: str, *, concern: bool) -> str:
    """The body of the person's own report, worded and charted by :mod:`twofold.reports`.

    ``concern`` is :func:`safety_decision`'s, never the questionnaire's own flag, so a positive
    answer anywhere (a later check-in, an unfinished retake) shows the support resources too.
    The PDF passes False always: a file the person keeps never reveals a safety answer.
    """
    if assessment.completed_at is None:
        raise ValueError("only a finished assessment has a report")
    instrument = current_instrument()
    key = (
        assessment.pk,
        assessment.completed_at,
        lang,
        instrument.id,
        instrument.version,
        concern,
    )
    with _REPORT_LOCK:
        if key in _REPORT_CACHE:
            _REPORT_CACHE.move_to_end(key)
            return _REPORT_CACHE[key]
    profile = replace(assessment_profile(assessment=assessment), safety=concern)
    report = individual_report(profile, lang)
    html = render_to_string("assessments/report_body.html", {"report": report})
    with _REPORT_LOCK:
        _REPORT_CACHE[key] = html
        while len(_REPORT_CACHE) > _REPORT_CACHE_SIZE:
            _REPORT_CACHE.popitem(last=False)
    return html


def individual_report_context(
    request: HttpRequest, assessment: Assessment, *, viewer: User
) -> dict[str, Any]:
    membership = membership_active(user=viewer)
    concern = safety_decision(user=viewer).concern
    return {
        "assessment": assessment,
        "report_html": report_html(assessment, viewer.language, concern=concern),
        "membership": membership,
    }
