"""The Django admin's door: staff only, a second factor proved in this session, a private path."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from tests.web.conftest import (
    PASSWORD,
    client_for,
    make_person,
    totp_code,
    turn_on_authenticator_app,
)
from twofold.web.accounts.admin_site import admin_path
from twofold.web.accounts.models import User

pytestmark = pytest.mark.django_db


def staff_member(email: str = "sam@example.org", name: str = "Sam") -> User:
    person = make_person(email, name)
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    return person


def test_the_admin_path_cannot_be_guessed_by_default_and_can_be_chosen(settings: object) -> None:
    derived = admin_path()
    assert derived.startswith("admin-")
    assert len(derived) > 20
    assert reverse("admin:index") == "/" + derived
    settings.SECRET_KEY = "another key, another path"  # type: ignore[attr-defined]
    assert admin_path() != derived
    settings.TWOFOLD_ADMIN_PATH = "staff-only/"  # type: ignore[attr-defined]
    assert admin_path() == "staff-only/"


@pytest.mark.parametrize("path", ["/admin/", "admin", "../admin/", "a b/"])
def test_a_bad_admin_path_stops_the_server_naming_the_variable(settings: object, path: str) -> None:
    settings.TWOFOLD_ADMIN_PATH = path  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match="TWOFOLD_ADMIN_PATH"):
        admin_path()


def test_a_visitor_is_sent_to_the_sites_login_and_back(partner_a: User) -> None:
    index = reverse("admin:index")
    response = Client().get(index, follow=True)
    assert response.redirect_chain[-1][0] == f"/accounts/login/?next={index.replace('/', '%2F')}"


def test_a_partner_finds_nothing_there(partner_a: User) -> None:
    client = client_for(partner_a)
    for name in ("admin:index", "admin:login", "admin:accounts_user_changelist"):
        assert client.get(reverse(name)).status_code == 404, name


def test_staff_without_a_second_factor_are_sent_to_set_one_up() -> None:
    sam = staff_member()
    response = client_for(sam).get(reverse("admin:index"))
    assert response.url == "/accounts/2fa/totp/activate/"


def test_staff_whose_session_has_not_used_the_second_factor_are_asked_for_a_code() -> None:
    sam = staff_member()
    secret = turn_on_authenticator_app(sam)
    client = client_for(sam)  # signed in without a code (as before turning it on)
    index = reverse("admin:index")
    asked = client.get(index)
    assert asked.url.startswith("/accounts/2fa/reauthenticate/")
    assert client.get(index).status_code == 302  # still not in
    done = client.post(asked.url, {"code": totp_code(secret)})
    assert done.url == index
    assert client.get(index).status_code == 200


def test_staff_who_logged_in_with_their_second_factor_go_straight_in(
    site_admin: tuple[User, str],
) -> None:
    from tests.web.conftest import log_in_with_second_factor

    rosa, secret = site_admin
    client = log_in_with_second_factor(rosa, secret)
    assert client.get(reverse("admin:index")).status_code == 200
    # The admin's own login page just sends her on.
    assert client.get(reverse("admin:login")).url == reverse("admin:index")


def test_the_admins_login_form_is_never_used_to_sign_in(site_admin: tuple[User, str]) -> None:
    rosa, _ = site_admin
    client = Client()
    response = client.post(reverse("admin:login"), {"username": rosa.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
