"""Model §6 in the browser: a positive safety answer is seen by its author alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Finish, make_person
from tests.web.e2e.conftest import Person
from tests.web.e2e.flows import answer_questionnaire, log_in, share_results
from twofold.web.couples.services import couple_create, couple_invite_accept, couple_invite_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_safety_answer_shows_support_privately_and_the_partner_sees_only_not_shared(
    people: dict[str, Person], finish: Finish
) -> None:
    ana_user = make_person("ana@example.org", "Ana")
    bruno_user = make_person("bruno@example.org", "Bruno")
    couple_create(user=ana_user)
    couple_invite_accept(user=bruno_user, token=couple_invite_create(user=ana_user)[1])
    finish(ana_user)
    ana, bruno = people["a"], people["b"]
    log_in(ana, email="ana@example.org")
    share_results(ana)
    ana.goto("/couple/report/")
    waiting = ana.page.locator("main").inner_text()
    before = {}
    for path in ("/", "/couple/", "/assessment/results/"):
        ana.goto(path)
        before[path] = ana.page.locator("main").inner_text()

    log_in(bruno, email="bruno@example.org")
    answer_questionnaire(bruno, safety=3)
    expect(bruno.page.locator(".support")).to_be_visible()
    share_results(bruno)
    expect(bruno.page.locator(".support")).to_be_visible()
    expect(bruno.page.locator("main")).to_contain_text("does not open a couple report")

    ana.goto("/couple/report/")
    ana.axe()
    assert ana.page.locator("main").inner_text() == waiting
    expect(ana.page.locator(".support")).to_have_count(0)
    for path, text in before.items():
        ana.goto(path)
        assert ana.page.locator("main").inner_text() == text, path
        expect(ana.page.locator(".support")).to_have_count(0)
