"""The demo couple of ``make run``: both finished and share, and both checked in a few times."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from tests.web.conftest import client_for
from twofold.web.accounts.models import User
from twofold.web.assessments.selectors import assessment_latest_complete, checkins_finished
from twofold.web.couples.selectors import couple_report_for
from twofold.web.demo import DEMO_CHECKINS, demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_people_have_weeks_of_check_ins_after_their_questionnaire() -> None:
    demo_load()
    for email, levels in DEMO_CHECKINS.items():
        person = User.objects.get(email=email)
        checkins = checkins_finished(user=person)
        assert len(checkins) == len(levels)
        full = assessment_latest_complete(user=person)
        assert full is not None
        moments = [full.completed_at, *(c.completed_at for c in checkins)]
        gaps = [b - a for a, b in itertools.pairwise(moments)]  # type: ignore[operator]
        assert all(gap == timedelta(weeks=1) for gap in gaps)
    ana = User.objects.get(email="ana@demo.twofold.invalid")
    assert couple_report_for(user=ana).state == "open"
    html = client_for(ana).get("/assessment/change/").content.decode()
    assert html.count("Changed for the better") >= 1


def test_loading_the_demo_again_adds_no_check_in() -> None:
    demo_load()
    demo_load()
    ana = User.objects.get(email="ana@demo.twofold.invalid")
    assert len(checkins_finished(user=ana)) == len(DEMO_CHECKINS[ana.email])
