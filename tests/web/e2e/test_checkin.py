"""A check-in in the browser, and the private page of change over time it leads to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.web.conftest import Finish, make_person
from tests.web.e2e.conftest import Person
from tests.web.e2e.flows import log_in, take_checkin
from twofold.web.couples.services import (
    couple_create,
    couple_invite_accept,
    couple_invite_create,
    couple_sharing_set,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_check_in_leads_to_the_change_page_and_the_partner_sees_only_not_shared(
    people: dict[str, Person], finish: Finish
) -> None:
    ana_user = make_person("ana@example.org", "Ana")
    bruno_user = make_person("bruno@example.org", "Bruno")
    couple_create(user=ana_user)
    couple_invite_accept(user=bruno_user, token=couple_invite_create(user=ana_user)[1])
    for person in (ana_user, bruno_user):
        finish(person, level=3, at=timezone.now() - timedelta(days=7))
        couple_sharing_set(user=person, share=True)
    ana, bruno = people["a"], people["b"]
    log_in(bruno, email="bruno@example.org")
    bruno.goto("/couple/report/")
    expect(bruno.page.locator("main h2").first).to_be_visible()  # the report is open

    log_in(ana, email="ana@example.org")
    take_checkin(ana, level=7, safety=2)

    page = ana.page
    ana.axe()
    expect(page.locator("h1")).to_have_text("Change over time")
    expect(page.locator("main svg[role=img]")).to_have_count(4)
    expect(page.locator("main .verdict")).to_have_count(4)
    expect(page.locator("main")).to_contain_text("Changed for the")
    expect(page.locator(".support")).to_be_visible()  # her safety answer, for her alone
    page.locator("main details summary").first.click()
    expect(page.locator("main table").first).to_contain_text("check-in")
    # the next check-in waits a day
    expect(page.locator("main")).to_contain_text("The next check-in opens in")

    # Her safety answer closes the couple report; Bruno reads what not sharing shows.
    bruno.goto("/couple/report/")
    bruno.axe()
    expect(bruno.page.locator("main")).to_contain_text(
        "You have chosen to share. The couple report opens when Ana has also finished"
    )
    expect(bruno.page.locator("main")).not_to_contain_text("check-in")
    bruno.goto("/assessment/change/")
    expect(bruno.page.locator(".support")).to_have_count(0)
    expect(bruno.page.locator("main")).to_contain_text("So far there is one occasion")
