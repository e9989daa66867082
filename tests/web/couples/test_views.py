"""Couple pages: the invitation link, by copy or by email, and joining through it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tests.web.conftest import PASSWORD, Finish, client_for
from twofold.core import Instrument
from twofold.web.accounts.models import User
from twofold.web.couples.selectors import membership_active

pytestmark = pytest.mark.django_db


def _invite(user: User, email: str = "") -> tuple[Client, str]:
    client = client_for(user)
    client.post("/couple/create/")
    client.post("/couple/invite/", {"email": email})
    page = client.get("/couple/")
    link = page.content.decode().split(
        'id="invite-link" class="copy" type="text" readonly value="'
    )[1]
    return client, link.split('"')[0]


def test_the_invitation_link_is_shown_to_copy(partner_a: User) -> None:
    _, link = _invite(partner_a)
    assert link.startswith("http://testserver/couple/join/")


def test_the_invitation_can_be_emailed(partner_a: User) -> None:
    _, link = _invite(partner_a, email="bruno@example.org")
    (message,) = mail.outbox
    assert message.to == ["bruno@example.org"]
    assert link in str(message.body)
    assert "Ana" in message.subject


def test_the_partner_joins_through_the_link(partner_a: User, partner_b: User) -> None:
    _, link = _invite(partner_a)
    path = link.removeprefix("http://testserver")
    bruno = client_for(partner_b)
    page = bruno.get(path)
    assert "Ana invites you" in page.content.decode() or "Ana te invita" in page.content.decode()
    assert bruno.post(path, {"confirm": "on"}).url == "/couple/"
    assert membership_active(user=partner_b) is not None
    assert Client().get(path).status_code == 404  # used: nobody else can use it


def test_a_visitor_with_the_link_is_brought_back_to_it_after_logging_in(
    partner_a: User, partner_b: User
) -> None:
    _, link = _invite(partner_a)
    path = link.removeprefix("http://testserver")
    visitor = Client()
    assert visitor.get(path).status_code == 200
    response = visitor.post("/accounts/login/", {"login": partner_b.email, "password": PASSWORD})
    assert response.url == path


def test_leaving_needs_the_confirmation_box(couple: tuple[User, User]) -> None:
    partner_a, _ = couple
    client = client_for(partner_a)
    client.post("/couple/leave/", {})
    assert membership_active(user=partner_a) is not None
    client.post("/couple/leave/", {"confirm": "on"})
    assert membership_active(user=partner_a) is None


def test_the_couple_report_never_shows_an_item_or_an_answer(
    couple: tuple[User, User], finish: Finish, instrument: Instrument
) -> None:
    from twofold.web.couples.services import couple_sharing_set

    for person in couple:
        finish(person)
        couple_sharing_set(user=person, share=True)
    for person in couple:
        page = client_for(person).get("/couple/report/").content.decode()
        assert "<svg" in page  # the report is open
        for item in instrument.items:
            for lang in ("en", "es"):
                assert item.text_in(lang) not in page, item.id
