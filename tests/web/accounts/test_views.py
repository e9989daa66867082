"""Accounts: signing up with a name and a language, switching language, deleting everything."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from tests.web.conftest import PASSWORD, Finish, client_for
from twofold.web.accounts.models import User
from twofold.web.couples.selectors import couple_report_for
from twofold.web.couples.services import couple_sharing_set

pytestmark = pytest.mark.django_db


def test_the_confirmation_email_speaks_the_language_chosen_at_sign_up_not_the_pages() -> None:
    english_page = Client(HTTP_ACCEPT_LANGUAGE="en")
    english_page.post(
        "/accounts/signup/",
        {
            "email": "nuria@example.org",
            "display_name": "Nuria",
            "language": "es",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    (message,) = mail.outbox
    with translation.override("es"):
        spanish = render_to_string("account/email/email_confirmation_signup_subject.txt").strip()
    with translation.override("en"):
        english = render_to_string("account/email/email_confirmation_signup_subject.txt").strip()
    assert spanish != english
    assert spanish in message.subject


def test_signing_up_asks_for_email_verification_and_keeps_name_and_language() -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "display_name": "Nuria",
            "language": "es",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="new@example.org")
    assert (user.display_name, user.language) == ("Nuria", "es")
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    (message,) = mail.outbox
    assert re.search(r"/accounts/confirm-email/\S+/", str(message.body))
    # Not verified yet: logging in is refused until the link is followed.
    login = Client().post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert login.status_code == 302
    assert login.url == "/accounts/confirm-email/"


def test_passwords_are_hashed_with_argon2_outside_tests() -> None:
    from twofold.web.config import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_person_switches_language_for_every_device(partner_a: User) -> None:
    client = client_for(partner_a)
    response = client.post("/account/language/", {"language": "es", "next": "/couple/"})
    assert response.url == "/couple/"
    partner_a.refresh_from_db()
    assert partner_a.language == "es"
    assert "Espacio de pareja" in client_for(partner_a).get("/couple/").content.decode()


def test_a_language_switch_never_redirects_off_site(partner_a: User) -> None:
    response = client_for(partner_a).post(
        "/account/language/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_an_unknown_language_is_a_400(partner_a: User) -> None:
    assert client_for(partner_a).post("/account/language/", {"language": "xx"}).status_code == 400


def test_deleting_the_account_needs_the_password_again_then_removes_everything(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    for person in couple:
        finish(person)
        couple_sharing_set(user=person, share=True)
    client = Client()
    assert client.get("/account/delete/").status_code == 302  # not signed in
    client.post("/accounts/login/", {"login": partner_b.email, "password": PASSWORD})
    asked = client.get("/account/delete/")
    assert asked.url.startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get("/account/delete/").status_code == 200
    assert client.post("/account/delete/", {}).status_code == 200  # the box is not ticked
    response = client.post("/account/delete/", {"confirm": "on"})
    assert response.url == "/"
    assert not User.objects.filter(pk=partner_b.pk).exists()
    assert couple_report_for(user=partner_a).state == "no_couple"


def test_a_password_reset_email_is_sent(partner_a: User) -> None:
    response = Client().post("/accounts/password/reset/", {"email": partner_a.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "/accounts/password/reset/key/" in str(message.body)


def test_failed_logins_are_throttled(settings: object, partner_a: User) -> None:
    from django.core.cache import cache

    from twofold.web.config import base

    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS  # type: ignore[attr-defined]
    cache.clear()
    client = Client()
    pages = [
        client.post("/accounts/login/", {"login": partner_a.email, "password": "wrong"})
        for _ in range(6)
    ]
    assert "There have been too many tries" not in pages[0].content.decode()
    assert "There have been too many tries" in pages[-1].content.decode()
    # Even the right password is refused while the limit lasts.
    right = client.post("/accounts/login/", {"login": partner_a.email, "password": PASSWORD})
    assert right.status_code == 200
    assert "_auth_user_id" not in client.session
    cache.clear()
