"""Couple pages: the invitation link, by copy or by email, joining through it, and the log of
who has seen the couple report."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests.web.conftest import PASSWORD, Finish, client_for
from twofold.core import Instrument
from twofold.web.accounts.models import User
from twofold.web.couples.models import ViewRecord
from twofold.web.couples.selectors import couple_report_for, membership_active
from twofold.web.couples.services import couple_sharing_set

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


def test_an_invalid_email_shows_the_couple_space_again_with_the_error(partner_a: User) -> None:
    client = client_for(partner_a)
    client.post("/couple/create/")
    page = client.post("/couple/invite/", {"email": "not an address"})
    html = page.content.decode()
    assert page.status_code == 400
    assert 'value="not an address"' in html
    assert 'class="errorlist' in html
    assert "/couple/create/" not in html  # the space exists: no "create a space" form
    assert mail.outbox == []


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


def _log(person: User) -> str:
    """The person's view-log page, without what differs between any two requests or runs."""
    html = client_for(person).get("/couple/log/").content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"<time [^>]*>[^<]*</time>", "<time/>", html)


def test_each_time_the_open_report_is_shown_both_partners_see_it_in_the_log(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    for person in couple:
        finish(person)
        couple_sharing_set(user=person, share=True)
    for person in (partner_a, partner_b, partner_a):
        assert client_for(person).get("/couple/report/").status_code == 200
    assert ViewRecord.objects.count() == 3
    ana_sees = _log(partner_a)
    assert ana_sees.count("<td>You</td>") == 2
    assert ana_sees.count("<td>Bruno</td>") == 1
    assert "In all: 3." in ana_sees
    bruno_sees = _log(partner_b)  # in Spanish
    assert bruno_sees.count("<td>Ana</td>") == 2
    assert bruno_sees.count("<td>Tú</td>") == 1


def test_a_report_that_is_not_open_is_not_logged(couple: tuple[User, User], finish: Finish) -> None:
    partner_a, partner_b = couple
    client_for(partner_a).get("/couple/report/")  # Ana has not finished
    finish(partner_a)
    client_for(partner_a).get("/couple/report/")  # Ana does not share yet
    couple_sharing_set(user=partner_a, share=True)
    client_for(partner_a).get("/couple/report/")  # Bruno has not finished
    client_for(partner_b).get("/couple/report/")
    assert not ViewRecord.objects.exists()
    assert "Nobody has seen your couple report yet." in _log(partner_a)


def _world(partner_a: User, partner_b: User, finish: Finish, *, closed_by: str) -> dict[str, str]:
    """Both finish, share and look; then Bruno closes the report, and both look again."""
    for person in (partner_a, partner_b):
        finish(person)
        couple_sharing_set(user=person, share=True)
    for person in (partner_a, partner_b):
        client_for(person).get("/couple/report/")
    if closed_by == "safety":
        finish(partner_b, safety=3)  # a second questionnaire, with a positive safety answer
    else:
        couple_sharing_set(user=partner_b, share=False)
    for _ in range(3):
        for person in (partner_a, partner_b):
            client_for(person).get("/couple/report/")
    return {"ana": _log(partner_a), "bruno": _log(partner_b)}


def test_the_log_reads_the_same_whether_the_partner_gave_a_safety_answer_or_stopped_sharing(
    partner_a: User, partner_b: User, finish: Finish
) -> None:
    from tests.web.conftest import make_person
    from twofold.web.couples.services import (
        couple_create,
        couple_invite_accept,
        couple_invite_create,
        couple_leave,
    )

    couple_create(user=partner_a)
    couple_invite_accept(user=partner_b, token=couple_invite_create(user=partner_a)[1])
    safety = _world(partner_a, partner_b, finish, closed_by="safety")
    assert couple_report_for(user=partner_b).state == "me_safety"
    safety_rows = ViewRecord.objects.count()

    # The same two people in a new space: Bruno stops sharing instead.
    couple_leave(user=partner_a)
    bruno = make_person("bruno2@example.org", "Bruno", language="es")
    couple_create(user=partner_a)
    couple_invite_accept(user=bruno, token=couple_invite_create(user=partner_a)[1])
    ana_space = membership_active(user=partner_a)
    not_shared = _world(partner_a, bruno, finish, closed_by="not_sharing")
    assert couple_report_for(user=bruno).state == "me_not_sharing"

    assert ViewRecord.objects.filter(couple=ana_space.couple).count() == safety_rows == 2
    assert safety == not_shared
