"""When a couple report opens, and that a safety answer never shows through to the partner."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import SAFETY_CLOSES, Finish, client_for, safety_answer_or_not_shared
from twofold.web.accounts.models import User
from twofold.web.couples.selectors import couple_report_for
from twofold.web.couples.services import couple_create, couple_leave, couple_sharing_set

pytestmark = pytest.mark.django_db


def test_a_person_outside_any_couple_has_no_couple_report(outsider: User) -> None:
    assert couple_report_for(user=outsider).state == "no_couple"


def test_a_couple_space_without_a_partner_has_no_report(partner_a: User) -> None:
    couple_create(user=partner_a)
    assert couple_report_for(user=partner_a).state == "no_partner"


def test_the_report_waits_until_i_have_finished(couple: tuple[User, User]) -> None:
    partner_a, _ = couple
    assert couple_report_for(user=partner_a).state == "me_not_finished"


def test_the_report_opens_only_when_both_finished_and_both_share(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    finish(partner_a)
    assert couple_report_for(user=partner_a).state == "me_not_sharing"
    couple_sharing_set(user=partner_a, share=True)
    assert couple_report_for(user=partner_a).state == "waiting"
    finish(partner_b)
    assert couple_report_for(user=partner_a).state == "waiting"
    assert couple_report_for(user=partner_b).state == "me_not_sharing"
    couple_sharing_set(user=partner_b, share=True)
    for person in (partner_a, partner_b):
        access = couple_report_for(user=person)
        assert access.state == "open"
        assert access.my_answers
        assert access.partner_answers


def test_withdrawing_consent_closes_the_report_again(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    for person in couple:
        finish(person)
        couple_sharing_set(user=person, share=True)
    couple_sharing_set(user=partner_b, share=False)
    assert couple_report_for(user=partner_a).state == "waiting"
    assert couple_report_for(user=partner_b).state == "me_not_sharing"


def test_leaving_stops_all_sharing_at_once(couple: tuple[User, User], finish: Finish) -> None:
    partner_a, partner_b = couple
    for person in couple:
        finish(person)
        couple_sharing_set(user=person, share=True)
    couple_leave(user=partner_b)
    assert couple_report_for(user=partner_a).state == "no_couple"
    assert couple_report_for(user=partner_b).state == "no_couple"


def test_a_positive_safety_answer_withholds_the_report_from_both(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    finish(partner_a)
    finish(partner_b, safety=3)
    for person in couple:
        couple_sharing_set(user=person, share=True)
    assert couple_report_for(user=partner_b).state == "me_safety"
    assert couple_report_for(user=partner_a).state == "waiting"


def _page(client_user: User, url: str) -> tuple[int, str]:
    response = client_for(client_user).get(url)
    html = response.content.decode()
    # Per-request secrets differ between any two responses; nothing else may.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return response.status_code, html


SHARED_PAGES = ["/", "/couple/", "/couple/report/", "/assessment/results/", "/assessment/"]


@pytest.mark.parametrize("how", SAFETY_CLOSES)
@pytest.mark.parametrize("b_state", ["not_finished", "finished_not_sharing"])
def test_the_partner_of_someone_with_a_safety_answer_sees_exactly_what_not_sharing_shows(
    partner_a: User, partner_b: User, finish: Finish, b_state: str, how: str
) -> None:
    flagged, not_shared = safety_answer_or_not_shared(
        partner_a,
        partner_b,
        finish,
        b_state,
        look=lambda ana: {url: _page(ana, url) for url in SHARED_PAGES},
        how=how,
    )

    for url in SHARED_PAGES:
        assert flagged[url][0] == not_shared[url][0], url
        assert flagged[url][1] == not_shared[url][1], url


def test_the_person_with_a_safety_answer_sees_support_resources_on_both_report_pages(
    couple: tuple[User, User], finish: Finish
) -> None:
    from twofold.reports import support_resources

    partner_a, partner_b = couple
    finish(partner_a)
    finish(partner_b, safety=2)
    couple_sharing_set(user=partner_b, share=True)
    resources = support_resources("es")  # Bruno reads Spanish
    assert resources
    for url in ("/assessment/results/", "/couple/report/"):
        html = client_for(partner_b).get(url).content.decode()
        for resource in resources:
            assert resource.title in html, url
    html_a = client_for(partner_a).get("/assessment/results/").content.decode()
    assert all(r.title not in html_a for r in support_resources("en"))
