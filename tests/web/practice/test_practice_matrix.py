"""Every practice URL × every kind of person, with real objects (the client couple Tomás
follows, his consent link, a practice invitation), on top of tests/web/test_access_matrix.py.

Roles: anon, partner_a, partner_b, outsider, ``therapist`` (the practitioner with both
partners' consent), ``vera`` (a practitioner of the practice the couple never consented to),
``ole`` (another practitioner of the practice), ``admin`` (the practice admin) and ``staff``
(the site's admin).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.web.conftest import log_in_with_second_factor
from tests.web.practice.conftest import PracticeWorld, client_for
from twofold.web.accounts.models import User
from twofold.web.practice.services import practice_invite_create

ROLES = ("anon", "partner_a", "partner_b", "outsider", "therapist", "vera", "ole", "admin", "staff")
Row = dict[str, int | str]


def row(default: int | str, **overrides: int | str) -> Row:
    return {"anon": "login", **dict.fromkeys(ROLES[1:], default), **overrides}


PRACTITIONERS = {"therapist": 200, "vera": 200, "ole": 200}

# (name, how to build its URL from the world) -> what a GET returns to each role.
GET: dict[str, tuple[Callable[[PracticeWorld, str], str], Row]] = {
    "dashboard": (lambda w, t: reverse("practice:dashboard"), row(403, **PRACTITIONERS)),
    "client": (
        lambda w, t: reverse("practice:client", args=[w.client.pk]),
        row(404, therapist=200),
    ),
    "client_without_consent": (
        lambda w, t: reverse("practice:client", args=[w.no_consent.pk]),
        row(404, vera=200),
    ),
    "members": (
        lambda w, t: reverse("practice:members", args=[w.practice.pk]),
        row(404, admin=200, staff=200),
    ),
    "join": (lambda w, t: reverse("practice:join", args=[t]), row(200)),
    "consent": (lambda w, t: reverse("practice:consent", args=[w.client_token]), row(200)),
    "access": (lambda w, t: reverse("practice:access"), row(200)),
    "withdraw": (lambda w, t: reverse("practice:withdraw", args=[w.client.pk]), row(405)),
    "client_new": (lambda w, t: reverse("practice:client_new"), row(405)),
}
POST: dict[str, tuple[Callable[[PracticeWorld, str], str], Row]] = {
    "withdraw": (
        lambda w, t: reverse("practice:withdraw", args=[w.client.pk]),
        row(404, partner_a=302, partner_b=302),
    ),
    "client_new": (
        lambda w, t: reverse("practice:client_new"),
        row(403, therapist=302, vera=302, ole=302),
    ),
}


@pytest.fixture
def clients(
    practice_world: PracticeWorld,
    couple: tuple[User, User],
    outsider: User,
    site_admin: tuple[User, str],
) -> dict[str, HttpClient]:
    w = practice_world
    return {
        "anon": client_for(None),
        "partner_a": client_for(couple[0]),
        "partner_b": client_for(couple[1]),
        "outsider": client_for(outsider),
        "therapist": w.login("therapist"),
        "vera": w.login("vera"),
        "ole": w.login("ole"),
        "admin": w.login("admin"),
        "staff": log_in_with_second_factor(*site_admin),
    }


def _outcome(response: object) -> int | str:
    status = response.status_code  # type: ignore[attr-defined]
    if status == 302 and response.url.startswith(reverse("account_login")):  # type: ignore[attr-defined]
        return "login"
    return int(status)


@pytest.mark.slow
def test_every_practice_page_for_every_person(
    practice_world: PracticeWorld, clients: dict[str, HttpClient]
) -> None:
    w = practice_world
    _inv, token = practice_invite_create(
        practice=w.practice, by=w.admin, email="new@example.org", role="practitioner"
    )
    failures = []
    for name, (url_of, expected) in GET.items():
        got = {role: _outcome(clients[role].get(url_of(w, token))) for role in ROLES}
        if got != expected:
            failures.append(f"GET {name}: {got} != {expected}")
    for name, (url_of, expected) in POST.items():
        got = {}
        for role in ROLES:
            got[role] = _outcome(clients[role].post(url_of(w, token), {"label": "X"}))
        if got != expected:
            failures.append(f"POST {name}: {got} != {expected}")
    assert not failures, "\n".join(failures)


def test_every_practice_url_is_in_this_matrix() -> None:
    from tests.web.test_access_matrix import url_names

    names = {n.split(":", 1)[1] for n in url_names() if n.startswith("practice:")}
    assert names <= set(GET)
