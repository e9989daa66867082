"""Turn a person's questionnaire and check-ins into what the check-in and change pages show.

The scores come from the core and the words and charts from :mod:`twofold.reports.change`;
this module only gathers the person's own finished occasions and writes their dates in the
person's language. Nothing here reads another person's rows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format

from twofold.reports.change import ChangeReport, Occasion, change_report, checkin_scales
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Assessment
from twofold.web.assessments.selectors import (
    assessment_open,
    assessment_profiles,
    assessment_progress,
    checkin_opens_at,
    checkins_finished,
    occasions_finished,
    safety_decision,
)
from twofold.web.instrument import current_instrument

__all__ = ["change_context", "change_of", "checkin_start_context"]


def _date(assessment: Assessment, lang: str) -> str:
    assert assessment.completed_at is not None
    with translation.override(lang):
        return date_format(timezone.localtime(assessment.completed_at), "DATE_FORMAT")


def change_of(*, user: User, lang: str) -> ChangeReport | None:
    """The person's change report in ``lang``; None before they finish the questionnaire."""
    finished = occasions_finished(user=user)
    occasions = [
        Occasion(
            date=_date(a, lang),
            kind="checkin" if a.kind == Assessment.Kind.CHECKIN else "questionnaire",
            person=person,
        )
        for a, person in zip(finished, assessment_profiles(assessments=finished), strict=True)
    ]
    if occasions:
        # The support resources follow the one safety rule, not the latest occasion's own flag.
        concern = safety_decision(user=user).concern
        occasions[-1] = replace(occasions[-1], person=replace(occasions[-1].person, safety=concern))
    instrument = current_instrument()
    if not checkin_scales(instrument) or not any(o.kind == "questionnaire" for o in occasions):
        return None
    return change_report(occasions, instrument, lang)


def checkin_start_context(*, user: User) -> dict[str, Any]:
    """What the check-in's front page needs: the open one, or whether and when one may begin."""
    open_checkin = assessment_open(user=user, kind=Assessment.Kind.CHECKIN)
    opens_at = checkin_opens_at(user=user)
    return {
        "open_checkin": open_checkin,
        "progress": assessment_progress(assessment=open_checkin) if open_checkin else None,
        "finished_questionnaire": opens_at is not None,
        "can_begin": opens_at is not None and opens_at <= timezone.now(),
        "opens_at": opens_at,
        "checkins": len(checkins_finished(user=user)),
    }


def change_context(*, user: User) -> dict[str, Any]:
    return {"report": change_of(user=user, lang=user.language), **checkin_start_context(user=user)}
