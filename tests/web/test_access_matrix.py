"""Every URL, requested by partner A, partner B, an outsider and an anonymous visitor.

The URLs come from the URLconf itself, so a new URL without a row in the table below fails the
test: nobody can add a page and forget to decide who may see it. The world: Ana and Bruno share a
couple space, both finished and both share (the couple report is open); Olga finished her own
questionnaire and belongs to no couple. "login" means a redirect to the login page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.web.conftest import Finish, client_for
from twofold.web.accounts.models import User
from twofold.web.couples.models import Invitation
from twofold.web.couples.selectors import token_hash
from twofold.web.couples.services import couple_sharing_set

pytestmark = pytest.mark.django_db

ROLES = ("anon", "partner_a", "partner_b", "outsider")
USED_TOKEN = "used-invitation-token"

ALL = {"anon": 200, "partner_a": 200, "partner_b": 200, "outsider": 200}
SIGNED_IN = {"anon": "login", "partner_a": 200, "partner_b": 200, "outsider": 200}
MEMBERS = {"anon": "login", "partner_a": 200, "partner_b": 200, "outsider": 403}
ANON_ONLY = {"anon": 200, "partner_a": 302, "partner_b": 302, "outsider": 302}
POST_ONLY = {"anon": "login", "partner_a": 405, "partner_b": 405, "outsider": 405}
NOWHERE = {"anon": 404, "partner_a": 404, "partner_b": 404, "outsider": 404}

# What a GET returns for each role. Allauth's pages are listed too: they are ours to secure.
GET: dict[str, dict[str, int | str]] = {
    "home": ALL,
    "healthz": ALL,
    "account_login": ANON_ONLY,
    "account_signup": ANON_ONLY,
    "account_logout": {"anon": 302, "partner_a": 200, "partner_b": 200, "outsider": 200},
    "account_inactive": ALL,
    "account_reauthenticate": SIGNED_IN,
    "account_request_reauthentication_code": SIGNED_IN,
    "account_confirm_reauthentication_code": {
        **SIGNED_IN,
        "partner_a": 302,
        "partner_b": 302,
        "outsider": 302,
    },
    "account_email": SIGNED_IN,
    "account_email_verification_sent": ALL,
    "account_change_password": SIGNED_IN,
    "account_set_password": {"anon": "login", "partner_a": 302, "partner_b": 302, "outsider": 302},
    "account_reset_password": ALL,
    "account_confirm_login_code": {
        "anon": "login",
        "partner_a": 302,
        "partner_b": 302,
        "outsider": 302,
    },
    "account_confirm_email": ALL,  # allauth answers a bad key with a page saying so
    "account_reset_password_from_key_done": ALL,
    "account_reset_password_from_key": ALL,
    "account_reset_password_done": ALL,
    "accounts:settings": SIGNED_IN,
    "accounts:delete": {"anon": "login", "partner_a": 302, "partner_b": 302, "outsider": 302},
    "accounts:language": {"anon": 405, "partner_a": 405, "partner_b": 405, "outsider": 405},
    "couples:space": SIGNED_IN,
    "couples:create": POST_ONLY,
    "couples:invite": POST_ONLY,
    "couples:join": NOWHERE,
    "couples:leave": POST_ONLY,
    "couples:sharing": POST_ONLY,
    "couples:report": MEMBERS,
    "assessments:start": SIGNED_IN,
    "assessments:step": {"anon": "login", "partner_a": 302, "partner_b": 302, "outsider": 302},
    "assessments:answer": POST_ONLY,
    "assessments:finish": POST_ONLY,
    "assessments:results": SIGNED_IN,
}

# What an empty POST returns: nothing changes, and no one outside the couple gets further
# than a refusal.
POST: dict[str, dict[str, int | str]] = {
    "couples:invite": {"anon": "login", "partner_a": 302, "partner_b": 302, "outsider": 403},
    "couples:leave": {"anon": "login", "partner_a": 302, "partner_b": 302, "outsider": 403},
    "couples:sharing": {"anon": "login", "partner_a": 400, "partner_b": 400, "outsider": 403},
    "couples:report": MEMBERS,
    "assessments:answer": {"anon": "login", "partner_a": 400, "partner_b": 400, "outsider": 400},
}

SAMPLE_KWARGS = {"n": 1, "token": USED_TOKEN, "key": "not-a-key", "uidb36": "1"}


def _walk(patterns: list[URLPattern | URLResolver], ns: str = "") -> Iterator[URLPattern | str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p.url_patterns, inner)
        else:
            yield f"{ns}{p.name}"


def url_names() -> list[str]:
    return list(_walk(get_resolver().url_patterns))


def _url(name: str) -> str:
    for keys in ((), ("n",), ("token",), ("key",), ("uidb36", "key")):
        candidate = {k: SAMPLE_KWARGS[k] for k in keys}
        try:
            return reverse(name, kwargs=candidate)
        except Exception:
            continue
    raise AssertionError(f"cannot build a URL for {name!r}: add its arguments to SAMPLE_KWARGS")


@pytest.fixture
def world(couple: tuple[User, User], outsider: User, finish: Finish) -> dict[str, Client]:
    partner_a, partner_b = couple
    for person in (partner_a, partner_b):
        finish(person)
        couple_sharing_set(user=person, share=True)
    finish(outsider)
    Invitation.objects.filter(couple__memberships__user=partner_a).update(
        token_hash=token_hash(USED_TOKEN)
    )
    return {
        "anon": client_for(None),
        "partner_a": client_for(partner_a),
        "partner_b": client_for(partner_b),
        "outsider": client_for(outsider),
    }


def _outcome(response: object) -> int | str:
    status = response.status_code  # type: ignore[attr-defined]
    if status == 302 and response.url.startswith(reverse("account_login")):  # type: ignore[attr-defined]
        return "login"
    return int(status)


def test_every_url_in_the_urlconf_has_a_decision() -> None:
    assert sorted(url_names()) == sorted(GET)


def test_every_post_row_names_a_real_url() -> None:
    assert set(POST) <= set(url_names())


@pytest.mark.parametrize("name", sorted(GET))
def test_only_the_allowed_people_get_each_page(name: str, world: dict[str, Client]) -> None:
    url = _url(name)
    got = {role: _outcome(world[role].get(url)) for role in ROLES}
    assert got == GET[name], url


@pytest.mark.parametrize("name", sorted(POST))
def test_only_the_allowed_people_can_post_to_each_action(
    name: str, world: dict[str, Client]
) -> None:
    url = _url(name)
    got = {role: _outcome(world[role].post(url, {})) for role in ROLES}
    assert got == POST[name], url


@pytest.mark.parametrize("name", sorted(GET))
def test_no_page_shows_the_couple_to_an_outsider_or_a_visitor(
    name: str, world: dict[str, Client]
) -> None:
    url = _url(name)
    for role in ("anon", "outsider"):
        html = world[role].get(url, follow=True).content.decode()
        for secret in ("Ana", "Bruno", "ana@example.org", "bruno@example.org"):
            assert secret not in html, (role, url, secret)
