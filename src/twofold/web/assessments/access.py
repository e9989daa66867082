"""Who may act on an assessment: only the person who answers it.

Assessment URLs carry no id: they always act on the signed-in person's own open or latest
finished assessment, so nobody can reach another person's answers by editing a link. The same
holds for check-ins and the page of change over time: they read only the signed-in person's own
assessments, and a partner has no way to reach them.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from twofold.web.accounts.access import signed_in_user
from twofold.web.assessments.models import Assessment
from twofold.web.assessments.selectors import assessment_latest_complete, assessment_open


def own_open_assessment(
    request: HttpRequest, kind: str = Assessment.Kind.FULL
) -> Assessment | None:
    """The person's open questionnaire (or, with ``kind="checkin"``, open check-in)."""
    return assessment_open(user=signed_in_user(request), kind=kind)


def own_finished_assessment(request: HttpRequest) -> Assessment:
    """The person's latest finished assessment; 404 when they have not finished one."""
    assessment = assessment_latest_complete(user=signed_in_user(request))
    if assessment is None:
        raise Http404
    return assessment
