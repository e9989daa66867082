"""Two-factor authentication: anyone may turn it on, staff and practitioners are asked to, and
superusers must. Codes are computed by pyotp from the secret the page shows, as a phone would."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache
from django.test import Client

from tests.web.conftest import (
    PASSWORD,
    log_in_with_second_factor,
    make_person,
    totp_code,
    turn_on_authenticator_app,
)
from twofold.web.accounts.models import User
from twofold.web.accounts.selectors import user_has_second_factor, user_mfa_policy

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


def log_in_with_password(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def confirm_password(client: Client) -> None:
    """Changing a second factor asks for the password again first, as allauth does."""
    asked = client.get(ACTIVATE)
    assert asked.url.startswith("/accounts/reauthenticate/"), asked
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302


def shown_secret(html: str) -> str:
    match = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html) or re.search(
        r'value="([A-Z2-7]+)"[^>]*id="authenticator_secret"', html
    )
    assert match, html
    return match.group(1)


def turn_on_through_the_pages(client: Client) -> str:
    """Confirm the password, open the set-up page, read the secret, send the app's code."""
    confirm_password(client)
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = shown_secret(page.content.decode())
    done = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert done.status_code == 302, done.content.decode()
    return secret


def test_a_person_turns_on_an_authenticator_app_with_a_code_from_it(partner_a: User) -> None:
    client = log_in_with_password(partner_a)
    assert not user_has_second_factor(user=partner_a)
    secret = turn_on_through_the_pages(client)
    assert user_has_second_factor(user=partner_a)
    types = set(Authenticator.objects.filter(user=partner_a).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    # The secret is kept encrypted: a copy of the database does not give the codes away.
    stored = Authenticator.objects.get(user=partner_a, type=Authenticator.Type.TOTP).data
    assert secret not in str(stored)


def test_a_wrong_code_does_not_turn_it_on(partner_a: User) -> None:
    client = log_in_with_password(partner_a)
    confirm_password(client)
    page = client.get(ACTIVATE)
    secret = shown_secret(page.content.decode())
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post(ACTIVATE, {"code": wrong})
    assert response.status_code == 200
    assert not user_has_second_factor(user=partner_a)


def test_logging_in_then_asks_for_a_code_before_letting_the_person_in(partner_a: User) -> None:
    secret = turn_on_through_the_pages(log_in_with_password(partner_a))
    cache.clear()
    client = Client()
    asked = client.post("/accounts/login/", {"login": partner_a.email, "password": PASSWORD})
    assert asked.url == AUTHENTICATE
    assert "_auth_user_id" not in client.session  # not in yet
    assert client.get("/couple/").status_code == 302  # still a visitor
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    assert client.post(AUTHENTICATE, {"code": wrong}).status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.post(AUTHENTICATE, {"code": totp_code(secret)}).status_code == 302
    assert client.session["_auth_user_id"] == str(partner_a.pk)
    assert client.get("/couple/").status_code == 200


def test_a_code_is_accepted_once(partner_a: User) -> None:
    secret = turn_on_authenticator_app(partner_a)
    cache.clear()
    if time.time() % 30 > 25:  # both logins must fall in one 30-second window
        time.sleep(30 - time.time() % 30 + 0.1)
    code = totp_code(secret)
    for person in ("first", "replay"):
        client = Client()
        client.post("/accounts/login/", {"login": partner_a.email, "password": PASSWORD})
        response = client.post(AUTHENTICATE, {"code": code})
        assert pyotp.TOTP(secret).verify(code)  # still the current code
        if person == "first":
            assert client.session["_auth_user_id"] == str(partner_a.pk)
        else:
            assert response.status_code == 200
            assert "_auth_user_id" not in client.session


def test_a_recovery_code_lets_the_person_in_once(partner_a: User) -> None:
    turn_on_authenticator_app(partner_a)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=partner_a, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(codes) == 10
    first = Client()
    first.post("/accounts/login/", {"login": partner_a.email, "password": PASSWORD})
    assert first.post(AUTHENTICATE, {"code": codes[0]}).status_code == 302
    assert first.session["_auth_user_id"] == str(partner_a.pk)
    again = Client()
    again.post("/accounts/login/", {"login": partner_a.email, "password": PASSWORD})
    assert again.post(AUTHENTICATE, {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in again.session


def test_the_recovery_codes_are_shown_after_turning_it_on(partner_a: User) -> None:
    client = log_in_with_password(partner_a)
    confirm_password(client)
    page = client.get(ACTIVATE)
    secret = shown_secret(page.content.decode())
    done = client.post(ACTIVATE, {"code": totp_code(secret)}, follow=True)
    html = done.content.decode()
    codes = RecoveryCodes(
        Authenticator.objects.get(user=partner_a, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert all(code in html for code in codes)


def superuser(email: str = "sol@example.org", name: str = "Sol") -> User:
    person = make_person(email, name)
    person.is_staff = person.is_superuser = True
    person.save(update_fields=["is_staff", "is_superuser"])
    return person


def test_who_must_who_is_asked_and_who_may(partner_a: User, settings: object) -> None:
    settings.TWOFOLD_MFA_REQUIRED_FOR = ["superusers"]  # type: ignore[attr-defined]
    sol = superuser()
    tomas = make_person("tomas@example.org", "Tomás")
    tomas.is_practitioner = True
    tomas.save(update_fields=["is_practitioner"])
    assert user_mfa_policy(user=sol) == "required"
    assert user_mfa_policy(user=tomas) == "recommended"
    assert user_mfa_policy(user=partner_a) == "optional"
    settings.TWOFOLD_MFA_REQUIRED_FOR = ["practitioners"]  # type: ignore[attr-defined]
    assert user_mfa_policy(user=tomas) == "required"
    settings.TWOFOLD_MFA_REQUIRED_FOR = []  # type: ignore[attr-defined]
    assert user_mfa_policy(user=sol) == "required"  # superusers can never be let off


def test_a_superuser_without_a_second_factor_is_sent_to_set_one_up_before_anything_else() -> None:
    sol = superuser()
    client = log_in_with_password(sol)
    for path in ("/", "/couple/", "/account/settings/", "/assessment/", "/couple/report/"):
        response = client.get(path)
        assert (response.status_code, response.url) == (302, ACTIVATE), path
    page = client.get("/", follow=True)
    assert "must use two-factor authentication" in page.content.decode()
    assert client.get("/accounts/logout/").status_code == 200  # may still leave
    turn_on_through_the_pages(client)
    assert client.get("/couple/").status_code == 200


def test_a_practitioner_is_asked_on_the_settings_page_but_not_stopped(settings: object) -> None:
    settings.TWOFOLD_MFA_REQUIRED_FOR = ["superusers"]  # type: ignore[attr-defined]
    tomas = make_person("tomas@example.org", "Tomás")
    tomas.is_practitioner = True
    tomas.save(update_fields=["is_practitioner"])
    client = log_in_with_password(tomas)
    assert client.get("/couple/").status_code == 200
    assert "please turn it on" in client.get("/account/settings/").content.decode()


def test_a_practitioner_is_stopped_by_default() -> None:
    tomas = make_person("tomas@example.org", "Tomás")
    tomas.is_practitioner = True
    tomas.save(update_fields=["is_practitioner"])
    assert log_in_with_password(tomas).get("/couple/").url == ACTIVATE


def test_a_superuser_cannot_turn_off_the_only_second_factor(
    site_admin: tuple[User, str],
) -> None:
    rosa, secret = site_admin
    client = log_in_with_second_factor(rosa, secret)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/2fa/totp/deactivate/", {})
    assert response.status_code == 200
    assert "it cannot be turned off" in response.content.decode()
    assert user_has_second_factor(user=rosa)


def test_a_partner_can_turn_it_off_again(partner_a: User) -> None:
    client = log_in_with_password(partner_a)
    turn_on_through_the_pages(client)
    response = client.post("/accounts/2fa/totp/deactivate/", {})
    assert response.status_code == 302
    assert not user_has_second_factor(user=partner_a)


def test_a_new_secret_key_with_the_old_one_as_fallback_keeps_authenticator_apps_working(
    partner_a: User, settings: object
) -> None:
    secret = turn_on_authenticator_app(partner_a)
    old = settings.SECRET_KEY  # type: ignore[attr-defined]
    settings.SECRET_KEY = "a brand new key " * 4  # type: ignore[attr-defined]
    settings.SECRET_KEY_FALLBACKS = [old]  # type: ignore[attr-defined]
    log_in_with_second_factor(partner_a, secret)
    settings.SECRET_KEY_FALLBACKS = []  # type: ignore[attr-defined]
    cache.clear()
    client = Client()
    client.post("/accounts/login/", {"login": partner_a.email, "password": PASSWORD})
    # Without the old key the secret cannot be read: the code is refused, saying why.
    response = client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert response.status_code == 200
    assert "cannot be checked at the moment" in response.content.decode()
    assert "_auth_user_id" not in client.session
