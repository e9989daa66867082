"""The one safety rule (``safety_decision``): three states, the same work whatever the state."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.conftest import SAFETY_CLOSES, Finish, client_for, close_by_safety
from twofold.reports import support_resources
from twofold.web.accounts.models import User
from twofold.web.assessments.selectors import safety_decision
from twofold.web.assessments.services import answer_save, assessment_start
from twofold.web.couples.selectors import couple_report_for
from twofold.web.couples.services import couple_sharing_set
from twofold.web.instrument import current_instrument

pytestmark = pytest.mark.django_db

EXPECTED = {
    "questionnaire": "concern",
    "not_answered": "not_answered",
    "retake": "concern",
    "checkin": "concern",
    "checkin_unfinished": "concern",
}


def _shape(sql: str) -> str:
    """A statement without its values (numbers, quoted strings)."""
    return re.sub(r"'[^']*'", "S", re.sub(r"\b\d+(\.\d+)?\b", "N", sql))


def _queries(run: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        run()
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("how", SAFETY_CLOSES)
def test_each_way_of_closing_gives_its_state(partner_b: User, finish: Finish, how: str) -> None:
    close_by_safety(partner_b, finish, how)
    assert safety_decision(user=partner_b).state == EXPECTED[how]


def test_all_never_is_no_concern_and_nothing_yet_is_not_answered(
    partner_a: User, partner_b: User, finish: Finish
) -> None:
    assert safety_decision(user=partner_a).state == "not_answered"
    finish(partner_b)
    assert safety_decision(user=partner_b).state == "no_concern"


def test_a_positive_answer_before_the_first_questionnaire_is_finished_counts(
    partner_a: User,
) -> None:
    rule = current_instrument().safety
    assert rule is not None
    answer_save(assessment=assessment_start(user=partner_a), item_id=rule.items[0], value=2)
    assert safety_decision(user=partner_a).state == "concern"


def test_a_new_questionnaire_answered_never_ends_an_earlier_concern(
    partner_a: User, finish: Finish
) -> None:
    finish(partner_a, safety=3)
    finish(partner_a)
    assert safety_decision(user=partner_a).state == "no_concern"


def test_the_decision_runs_the_same_queries_in_every_state(
    outsider: User, partner_a: User, partner_b: User, finish: Finish
) -> None:
    finish(partner_a)  # no concern
    states = {"nothing yet": _queries(lambda: safety_decision(user=outsider))}
    states["no concern"] = _queries(lambda: safety_decision(user=partner_a))
    close_by_safety(partner_b, finish, "questionnaire")
    states["concern"] = _queries(lambda: safety_decision(user=partner_b))
    for how in ("not_answered", "retake", "checkin_unfinished"):
        person = User.objects.create_user(email=f"{how}@example.org", password="x y z 1 2 3")
        close_by_safety(person, finish, how)
        states[how] = _queries(lambda p=person: safety_decision(user=p))  # type: ignore[misc]
    counts = {state: len(sql) for state, sql in states.items()}
    assert len(set(counts.values())) == 1, counts
    # The same statements, too, once the ids and times are taken out.
    shapes = {state: [_shape(q) for q in sql] for state, sql in states.items()}
    distinct = {tuple(s) for s in shapes.values()}
    assert len(distinct) == 1, "\n".join("\n".join(d) for d in distinct)


@pytest.mark.parametrize("how", SAFETY_CLOSES)
def test_the_partner_view_costs_the_same_queries_as_not_sharing(
    couple: tuple[User, User], finish: Finish, how: str
) -> None:
    partner_a, partner_b = couple
    finish(partner_a)
    couple_sharing_set(user=partner_a, share=True)
    finish(partner_b)  # finished, not sharing yet
    not_sharing = len(_queries(lambda: couple_report_for(user=partner_a)))
    close_by_safety(partner_b, finish, how)
    couple_sharing_set(user=partner_b, share=True)
    assert couple_report_for(user=partner_a).state == "waiting"
    assert len(_queries(lambda: couple_report_for(user=partner_a))) == not_sharing


@pytest.mark.parametrize("how", ["retake", "checkin", "checkin_unfinished"])
def test_a_later_positive_answer_shows_resources_on_results_and_change_pages(
    partner_b: User, finish: Finish, how: str
) -> None:
    close_by_safety(partner_b, finish, how)
    titles = [r.title for r in support_resources(partner_b.language)]
    for url in ("/assessment/results/", "/assessment/change/"):
        html = client_for(partner_b).get(url).content.decode()
        assert all(t in html for t in titles), (how, url)


def test_skipped_safety_items_show_no_resources_but_keep_the_couple_report_closed(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    finish(partner_a)
    close_by_safety(partner_b, finish, "not_answered")
    for person in couple:
        couple_sharing_set(user=person, share=True)
    titles = [r.title for r in support_resources(partner_b.language)]
    html = client_for(partner_b).get("/assessment/results/").content.decode()
    assert not any(t in html for t in titles)
    assert couple_report_for(user=partner_b).state == "me_safety_unanswered"
    assert couple_report_for(user=partner_a).state == "waiting"
    page = client_for(partner_b).get("/couple/report/").content.decode()
    assert 'href="/support/"' in page
