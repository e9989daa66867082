"""Every URL, requested by partner A, partner B, an outsider, the site's admin and a visitor.

The URLs come from the URLconf itself, so a new URL without a row in the table below fails the
test: nobody can add a page and forget to decide who may see it. The world: Ana and Bruno share a
couple space, both finished and both share (the couple report is open), Ana took a check-in
yesterday and has another open; Olga finished her own
questionnaire and belongs to no couple; Rosa runs the site (a superuser who logged in with her
password and a code from her authenticator app) and has not answered. "login" means a redirect
to the login page.

The Django admin is a 404 to everyone but staff, and sends visitors to the login page by way of
its own (hence their 302). Objects in admin URLs are missing ones: the rows say who gets past the
door, not what a page shows (``tests/web/accounts/test_admin.py`` does that).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.web.conftest import CheckIn, Finish, client_for, log_in_with_second_factor
from tests.web.pdfs import pdf_text
from twofold.web.accounts.models import User
from twofold.web.assessments.services import checkin_start
from twofold.web.couples.models import Invitation
from twofold.web.couples.selectors import token_hash
from twofold.web.couples.services import couple_sharing_set

pytestmark = pytest.mark.django_db

ROLES = ("anon", "partner_a", "partner_b", "outsider", "admin")
USED_TOKEN = "used-invitation-token"
MISSING = "999999999"

Row = dict[str, int | str]
ALL: Row = {"anon": 200, "partner_a": 200, "partner_b": 200, "outsider": 200, "admin": 200}
SIGNED_IN: Row = {
    "anon": "login",
    "partner_a": 200,
    "partner_b": 200,
    "outsider": 200,
    "admin": 200,
}
MEMBERS: Row = {"anon": "login", "partner_a": 200, "partner_b": 200, "outsider": 403, "admin": 403}
ANON_ONLY: Row = {"anon": 200, "partner_a": 302, "partner_b": 302, "outsider": 302, "admin": 302}
POST_ONLY: Row = {
    "anon": "login",
    "partner_a": 405,
    "partner_b": 405,
    "outsider": 405,
    "admin": 405,
}
NOWHERE: Row = {"anon": 404, "partner_a": 404, "partner_b": 404, "outsider": 404, "admin": 404}
SIGNED_IN_302: Row = {
    "anon": "login",
    "partner_a": 302,
    "partner_b": 302,
    "outsider": 302,
    "admin": 302,
}
# Second-factor pages about an authenticator or codes the partners do not have: 404 for them.
ADMIN_HAS_ONE: Row = {
    "anon": "login",
    "partner_a": 404,
    "partner_b": 404,
    "outsider": 404,
    "admin": 302,
}
STAFF: Row = {"anon": 302, "partner_a": 404, "partner_b": 404, "outsider": 404, "admin": 200}


def staff(admin: int) -> Row:
    return {**STAFF, "admin": admin}


# Each registered model's admin pages; with a missing object, the admin sends staff back (302).
ADMIN_MODELS = {
    "accounts_user": {"add": 403},  # accounts come from signing up
    "account_emailaddress": {},
    "mfa_authenticator": {"add": 403},  # a second factor is made on its owner's phone
    "couples_viewrecord": {"add": 403, "delete": 403},  # written by the app alone, kept
    # The task queue's results, read-only (django-tasks-db's own admin).
    "django_tasks_database_dbtaskresult": {"add": 403, "delete": 403},
    "practice_practice": {},  # staff create practices (tests/web/practice/ has the rest)
}
ADMIN_PAGES: dict[str, Row] = {
    f"admin:{model}_{page}": staff(
        overrides.get(page, {"changelist": 200, "add": 200}.get(page, 302))
    )
    for model, overrides in ADMIN_MODELS.items()
    for page in ("changelist", "add", "change", "delete", "history")
}

# What a GET returns for each role. Allauth's pages are listed too: they are ours to secure.
GET: dict[str, dict[str, int | str]] = {
    "home": ALL,
    # The practice app, for these five (tests/web/practice/test_practice_matrix.py has the
    # practitioners, the practice admin and staff with real objects).
    "practice:dashboard": {**MEMBERS, "partner_a": 403, "partner_b": 403},
    "practice:client_new": POST_ONLY,
    "practice:client": {**NOWHERE, "anon": "login"},
    "practice:members": {**NOWHERE, "anon": "login"},
    "practice:join": {**NOWHERE, "anon": "login"},
    "practice:consent": {**NOWHERE, "anon": "login"},
    "practice:access": SIGNED_IN,
    "practice:withdraw": POST_ONLY,
    "healthz": ALL,
    "support": ALL,  # help never depends on disclosing, nor on signing in
    "account_login": ANON_ONLY,
    "account_signup": ANON_ONLY,
    "account_logout": {**SIGNED_IN, "anon": 302},
    "account_inactive": ALL,
    "account_reauthenticate": SIGNED_IN,
    "account_request_reauthentication_code": SIGNED_IN,
    "account_confirm_reauthentication_code": SIGNED_IN_302,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": ALL,
    "account_change_password": SIGNED_IN,
    "account_set_password": SIGNED_IN_302,
    "account_reset_password": ALL,
    "account_confirm_login_code": SIGNED_IN_302,
    "account_confirm_email": ALL,  # allauth answers a bad key with a page saying so
    "account_reset_password_from_key_done": ALL,
    "account_reset_password_from_key": ALL,
    "account_reset_password_done": ALL,
    "accounts:settings": SIGNED_IN,
    "accounts:delete": SIGNED_IN_302,  # the password again first
    "accounts:export_json": SIGNED_IN_302,  # the password again first
    "accounts:export_csv": SIGNED_IN_302,
    "accounts:language": {**POST_ONLY, "anon": 405},
    "couples:space": SIGNED_IN,
    "couples:create": POST_ONLY,
    "couples:invite": POST_ONLY,
    "couples:join": NOWHERE,
    "couples:leave": POST_ONLY,
    "couples:sharing": POST_ONLY,
    "couples:report": MEMBERS,
    "couples:report_pdf": MEMBERS,  # the report is open in this world: a PDF to both
    "couples:view_log": MEMBERS,
    "assessments:start": SIGNED_IN,
    "assessments:step": SIGNED_IN_302,
    "assessments:answer": POST_ONLY,
    "assessments:finish": POST_ONLY,
    "assessments:results": {**SIGNED_IN, "admin": 404},  # Rosa has not answered
    # Check-ins: Ana has one open; each page acts on the signed-in person's own.
    "assessments:checkin": SIGNED_IN,
    "assessments:checkin_step": {**SIGNED_IN_302, "partner_a": 200},
    "assessments:checkin_answer": POST_ONLY,
    "assessments:checkin_finish": POST_ONLY,
    "assessments:change": {**SIGNED_IN, "admin": 404},  # after the questionnaire only
    "assessments:results_pdf": {**SIGNED_IN, "admin": 404},
    # Two-factor authentication (allauth.mfa). Setting up or showing codes asks for the
    # password again first (302); the login step is only reachable in the middle of a login.
    "mfa_index": SIGNED_IN,
    "mfa_activate_totp": SIGNED_IN_302,
    "mfa_authenticate": SIGNED_IN_302,
    "mfa_reauthenticate": {**SIGNED_IN_302, "admin": 200},
    "mfa_deactivate_totp": ADMIN_HAS_ONE,
    "mfa_view_recovery_codes": ADMIN_HAS_ONE,
    "mfa_download_recovery_codes": ADMIN_HAS_ONE,
    "mfa_generate_recovery_codes": SIGNED_IN_302,
    # The Django admin.
    "admin:index": STAFF,
    "admin:login": {**STAFF, "anon": "login", "admin": 302},
    "admin:logout": staff(405),  # logging out is a POST
    "admin:password_change": STAFF,
    "admin:password_change_done": STAFF,
    "admin:jsi18n": STAFF,
    "admin:app_list": STAFF,
    "admin:autocomplete": staff(403),  # without a field to complete
    "admin:view_on_site": staff(404),
    "admin:auth_user_password_change": staff(404),
    **ADMIN_PAGES,
}

# What an empty POST returns: nothing changes, and no one outside the couple gets further
# than a refusal.
POST: dict[str, dict[str, int | str]] = {
    "practice:client_new": {**MEMBERS, "partner_a": 403, "partner_b": 403},
    "practice:withdraw": {**NOWHERE, "anon": "login"},
    "couples:invite": {
        "anon": "login",
        "partner_a": 302,
        "partner_b": 302,
        "outsider": 403,
        "admin": 403,
    },
    "couples:leave": {
        "anon": "login",
        "partner_a": 302,
        "partner_b": 302,
        "outsider": 403,
        "admin": 403,
    },
    "couples:sharing": {
        "anon": "login",
        "partner_a": 400,
        "partner_b": 400,
        "outsider": 403,
        "admin": 403,
    },
    "couples:report": MEMBERS,
    # A PDF is only read: a POST is refused before anything else is looked at.
    "couples:report_pdf": POST_ONLY,
    "assessments:results_pdf": POST_ONLY,
    "assessments:answer": {
        **POST_ONLY,
        "partner_a": 400,
        "partner_b": 400,
        "outsider": 400,
        "admin": 400,
    },
    "assessments:checkin_answer": {
        **POST_ONLY,
        "partner_a": 400,
        "partner_b": 400,
        "outsider": 400,
        "admin": 400,
    },
    # Ana's open check-in has too few answers: back to its first open page; the others have
    # none open and land on their change page.
    "assessments:checkin_finish": SIGNED_IN_302,
    "admin:logout": STAFF,  # the "logged out" page
}

SAMPLE_KWARGS = {
    "n": 1,
    "token": USED_TOKEN,
    "key": "not-a-key",
    "uidb36": "1",
    "object_id": MISSING,
    "id": MISSING,
    "practice_id": MISSING,
    "client_id": MISSING,
    "app_label": "accounts",
    "content_type_id": "1",
}


def _walk(patterns: list[URLPattern | URLResolver], ns: str = "") -> Iterator[URLPattern | str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p.url_patterns, inner)
        else:
            yield f"{ns}{p.name}" if p.name else f"{ns}<unnamed {p.pattern}>"


def url_names() -> list[str]:
    return [name for name in _walk(get_resolver().url_patterns) if "<unnamed" not in name]


def unnamed_urls() -> list[str]:
    return [name for name in _walk(get_resolver().url_patterns) if "<unnamed" in name]


def _url(name: str) -> str:
    for keys in (
        (),
        ("n",),
        ("token",),
        ("key",),
        ("uidb36", "key"),
        ("object_id",),
        ("id",),
        ("practice_id",),
        ("client_id",),
        ("app_label",),
        ("content_type_id", "object_id"),
    ):
        candidate = {k: SAMPLE_KWARGS[k] for k in keys}
        try:
            return reverse(name, kwargs=candidate)
        except Exception:
            continue
    raise AssertionError(f"cannot build a URL for {name!r}: add its arguments to SAMPLE_KWARGS")


@pytest.fixture
def world(
    couple: tuple[User, User],
    outsider: User,
    finish: Finish,
    check_in: CheckIn,
    site_admin: tuple[User, str],
) -> dict[str, Client]:
    partner_a, partner_b = couple
    rosa, secret = site_admin
    two_days_ago = timezone.now() - timedelta(days=2)
    for person in (partner_a, partner_b):
        finish(person, at=two_days_ago)
        couple_sharing_set(user=person, share=True)
    finish(outsider)
    check_in(partner_a, at=timezone.now() - timedelta(days=1))
    checkin_start(user=partner_a)
    Invitation.objects.filter(couple__memberships__user=partner_a).update(
        token_hash=token_hash(USED_TOKEN)
    )
    return {
        "anon": client_for(None),
        "partner_a": client_for(partner_a),
        "partner_b": client_for(partner_b),
        "outsider": client_for(outsider),
        "admin": log_in_with_second_factor(rosa, secret),
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


def test_the_only_urls_without_a_name_are_the_admins_links_to_an_object() -> None:
    # Django's admin links /<model>/<id>/ to the object's change page; it goes through the same
    # gate as every admin page, checked below.
    assert unnamed_urls()
    assert set(unnamed_urls()) == {"admin:<unnamed <path:object_id>/>"}


def test_the_admins_unnamed_links_are_a_404_to_everyone_but_staff(
    world: dict[str, Client],
) -> None:
    url = reverse("admin:accounts_user_changelist") + MISSING + "/"
    got = {role: _outcome(world[role].get(url)) for role in ROLES}
    assert got == {**STAFF, "admin": 302}


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
        response = world[role].get(url, follow=True)
        if response["Content-Type"] == "application/pdf":
            html = pdf_text(response.content)  # Olga's own results
        else:
            html = response.content.decode()
        for secret in ("Ana", "Bruno", "ana@example.org", "bruno@example.org"):
            # As a word: random tokens on the page (CSRF) may hold the letters "Ana".
            assert not re.search(rf"\b{re.escape(secret)}\b", html), (role, url, secret)
