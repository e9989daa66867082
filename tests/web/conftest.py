"""The people every web test talks about, and helpers to bring them to a given state.

``partner_a`` created the couple space, ``partner_b`` joined it through an invitation,
``outsider`` is a signed-up person who belongs to neither, and ``site_admin`` runs the site (a
superuser with an authenticator app). Their states are built with the
app's own services, never by writing rows directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.test import Client

from twofold.core import Instrument
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Assessment
from twofold.web.assessments.services import (
    answers_save,
    assessment_choose_partner_form,
    assessment_complete,
    assessment_start,
)
from twofold.web.couples.services import couple_create, couple_invite_accept, couple_invite_create
from twofold.web.instrument import current_instrument

PASSWORD = "a long test passphrase 42"


def make_person(email: str, name: str, language: str = "en") -> User:
    user = User.objects.create_user(email, PASSWORD, display_name=name, language=language)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def instrument() -> Instrument:
    return current_instrument()


@pytest.fixture
def partner_a(db: None) -> User:
    return make_person("ana@example.org", "Ana")


@pytest.fixture
def partner_b(db: None) -> User:
    return make_person("bruno@example.org", "Bruno", language="es")


@pytest.fixture
def outsider(db: None) -> User:
    return make_person("olga@example.org", "Olga")


@pytest.fixture
def couple(partner_a: User, partner_b: User) -> tuple[User, User]:
    """Ana created a couple space and Bruno joined it through her invitation."""
    couple_create(user=partner_a)
    _invitation, token = couple_invite_create(user=partner_a)
    couple_invite_accept(user=partner_b, token=token)
    return partner_a, partner_b


def answers_for(
    instrument: Instrument, *, level: int = 5, safety: int = 1, partner: bool = True
) -> dict[str, int]:
    """Every item answered ``level`` (clamped to its scale), safety items ``safety``."""
    safety_items = set(instrument.safety.items) if instrument.safety else set()
    partner_items = set(instrument.form("partner").items) if partner else set()
    answers = {}
    for form_id in ("self", "partner", "outcomes", "safety"):
        for item_id in instrument.form(form_id).items:
            if form_id == "partner" and item_id not in partner_items:
                continue
            scale = instrument.item(item_id).scale
            value = safety if item_id in safety_items else level
            answers[item_id] = max(scale.min, min(scale.max, value))
    return answers


Finish = Callable[..., Assessment]


@pytest.fixture
def finish(instrument: Instrument) -> Finish:
    """Answer every item and finish: ``finish(user, level=5, safety=1, partner=True)``."""

    def run(user: User, *, level: int = 5, safety: int = 1, partner: bool = True) -> Assessment:
        assessment = assessment_start(user=user, seed=1)
        assessment_choose_partner_form(assessment=assessment, include=partner)
        answers_save(
            assessment=assessment,
            answers=dict(answers_for(instrument, level=level, safety=safety, partner=partner)),
        )
        return assessment_complete(assessment=assessment)

    return run


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def turn_on_authenticator_app(user: User) -> str:
    """Give the person an authenticator app (and recovery codes) as allauth does; return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str) -> str:
    """What the person's authenticator app shows now (pyotp: RFC 6238, as the apps compute it).

    A code is valid for its 30-second window only; one read in a window's last two seconds
    may reach the server in the next (an intermittent failure of the access matrix), so
    like a person glancing at a nearly expired code, wait for the fresh one."""
    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < 2:
        time.sleep(left + 0.05)
    return totp.now()


def log_in_with_second_factor(user: User, secret: str) -> Client:
    """Log in through allauth's real forms: the password, then a code from the app."""
    cache.clear()  # a code is accepted once; another test may have used this one
    client = Client()
    asked = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert asked.status_code == 302, asked
    assert asked.url == "/accounts/2fa/authenticate/", asked.url
    done = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert done.status_code == 302, done.content.decode()[:2000]
    assert client.session.get("_auth_user_id") == str(user.pk)
    return client


@pytest.fixture
def site_admin(db: None) -> tuple[User, str]:
    """Rosa, a superuser with an authenticator app; returns her and the app's secret."""
    rosa = make_person("rosa@example.org", "Rosa")
    rosa.is_staff = rosa.is_superuser = True
    rosa.save(update_fields=["is_staff", "is_superuser"])
    return rosa, turn_on_authenticator_app(rosa)
