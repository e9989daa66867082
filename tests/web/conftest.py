"""The people every web test talks about, and helpers to bring them to a given state.

``partner_a`` created the couple space, ``partner_b`` joined it through an invitation,
``outsider`` is a signed-up person who belongs to neither, and ``site_admin`` runs the site (a
superuser with an authenticator app). Their states are built with the
app's own services, never by writing rows directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import pyotp
import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from twofold.core import Instrument
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Assessment
from twofold.web.assessments.services import (
    answer_save,
    answers_save,
    assessment_choose_partner_form,
    assessment_complete,
    assessment_start,
    checkin_start,
)
from twofold.web.couples.services import couple_create, couple_invite_accept, couple_invite_create
from twofold.web.instrument import current_instrument

PASSWORD = "a long test passphrase 42"


def make_person(email: str, name: str, language: str = "en") -> User:
    user = User.objects.create_user(email, PASSWORD, display_name=name, language=language)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in the site's default language: a request in Spanish leaves Spanish
    active in the thread (Django's LocaleMiddleware does not switch back), which would change
    the words a later test's services speak."""
    translation.deactivate()


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
    """Every item keyed at ``level`` (clamped to its scale; a reverse-keyed item is answered
    ``min + max - level``), safety items ``safety``: a person who reads each sentence, not one
    who gives every sentence the same answer (that is withheld as straight-lining)."""
    safety_items = set(instrument.safety.items) if instrument.safety else set()
    partner_items = set(instrument.form("partner").items) if partner else set()
    answers = {}
    for form_id in ("self", "partner", "outcomes", "safety"):
        for item_id in instrument.form(form_id).items:
            if form_id == "partner" and item_id not in partner_items:
                continue
            scale = instrument.item(item_id).scale
            value = safety if item_id in safety_items else level
            value = max(scale.min, min(scale.max, value))
            if item_id not in safety_items and instrument.item(item_id).reverse:
                value = scale.min + scale.max - value
            answers[item_id] = value
    return answers


Finish = Callable[..., Assessment]
T = TypeVar("T")


@pytest.fixture
def finish(instrument: Instrument) -> Finish:
    """Answer every item and finish: ``finish(user, level=5, safety=1, partner=True, at=None)``."""

    def run(
        user: User,
        *,
        level: int = 5,
        safety: int = 1,
        partner: bool = True,
        at: datetime | None = None,
    ) -> Assessment:
        def take() -> Assessment:
            assessment = assessment_start(user=user, seed=1)
            assessment_choose_partner_form(assessment=assessment, include=partner)
            answers_save(
                assessment=assessment,
                answers=dict(answers_for(instrument, level=level, safety=safety, partner=partner)),
            )
            return assessment_complete(assessment=assessment)

        if at is None:
            return take()
        with time_machine.travel(at, tick=False):
            return take()

    return run


def checkin_answers(instrument: Instrument, *, level: int = 5, safety: int = 1) -> dict[str, int]:
    """Every check-in item answered ``level`` as written (before reverse-keying), safety ``safety``."""
    answers = dict.fromkeys(instrument.form("checkin").items, level)
    answers.update(dict.fromkeys(instrument.form("safety").items, safety))
    return answers


CheckIn = Callable[..., Assessment]


@pytest.fixture
def check_in(instrument: Instrument) -> CheckIn:
    """Take a whole check-in: ``check_in(user, level=5, safety=1, at=None)``.

    ``at`` (a datetime) takes it at that moment, with the clock moved there for the services.
    """

    def run(
        user: User, *, level: int = 5, safety: int = 1, at: datetime | None = None
    ) -> Assessment:
        def take() -> Assessment:
            checkin = checkin_start(user=user, seed=2)
            answers_save(
                assessment=checkin,
                answers=dict(checkin_answers(instrument, level=level, safety=safety)),
            )
            return assessment_complete(assessment=checkin)

        if at is None:
            return take()
        with time_machine.travel(at, tick=False):
            return take()

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


SAFETY_CLOSES = ["questionnaire", "not_answered", "retake", "checkin", "checkin_unfinished"]


def close_by_safety(user: User, finish: Finish, how: str) -> None:
    """Make ``user``'s safety state close their sharing, in one of the ways that must.

    ``questionnaire``: a questionnaire with a positive safety answer. ``not_answered``: one with
    the safety items skipped. ``retake``: a normal questionnaire, then an unfinished retake with
    one positive safety answer saved. ``checkin`` / ``checkin_unfinished``: a normal
    questionnaire, then a check-in (finished, or not) with a positive safety answer.
    """
    instrument = current_instrument()
    assert instrument.safety is not None
    item = instrument.safety.items[0]
    if how == "questionnaire":
        finish(user, safety=4)
        return
    if how == "not_answered":
        assessment = assessment_start(user=user, seed=1)
        assessment_choose_partner_form(assessment=assessment, include=True)
        answers = answers_for(instrument)
        answers_save(
            assessment=assessment,
            answers={k: v for k, v in answers.items() if k not in instrument.safety.items},
        )
        assessment_complete(assessment=assessment)
        return
    finish(user)
    if how == "retake":
        answer_save(assessment=assessment_start(user=user, seed=3), item_id=item, value=3)
        return
    checkin = checkin_start(user=user, seed=2)
    if how == "checkin":
        answers_save(
            assessment=checkin, answers=dict(checkin_answers(instrument, level=5, safety=4))
        )
        assessment_complete(assessment=checkin)
        return
    assert how == "checkin_unfinished", how
    answer_save(assessment=checkin, item_id=item, value=2)


def safety_answer_or_not_shared(
    partner_a: User,
    partner_b: User,
    finish: Finish,
    b_state: str,
    look: Callable[[User], T],
    how: str = "questionnaire",
) -> tuple[T, T]:
    """What ``look`` shows Ana in two worlds that must look the same to her.

    World 1: Bruno's safety state closes sharing (``how``, see :func:`close_by_safety`: a
    positive answer anywhere, or the safety items not answered) and he chose to share. World 2:
    the same Ana, whose partner Bruno (same name) has not shared: ``b_state`` is
    ``"not_finished"`` or ``"finished_not_sharing"``. Returns (world 1, world 2).
    """
    from twofold.web.couples.selectors import couple_report_for
    from twofold.web.couples.services import (
        couple_create,
        couple_invite_accept,
        couple_invite_create,
        couple_leave,
        couple_sharing_set,
    )

    couple_create(user=partner_a)
    couple_invite_accept(user=partner_b, token=couple_invite_create(user=partner_a)[1])
    finish(partner_a)
    couple_sharing_set(user=partner_a, share=True)
    close_by_safety(partner_b, finish, how)
    couple_sharing_set(user=partner_b, share=True)
    expected = "me_safety_unanswered" if how == "not_answered" else "me_safety"
    assert couple_report_for(user=partner_b).state == expected
    flagged = look(partner_a)

    couple_leave(user=partner_a)
    partner_a.memberships.all().delete()
    partner_b.delete()
    bruno = make_person("bruno2@example.org", "Bruno", language="es")
    couple_create(user=partner_a)
    couple_invite_accept(user=bruno, token=couple_invite_create(user=partner_a)[1])
    couple_sharing_set(user=partner_a, share=True)
    if b_state == "finished_not_sharing":
        finish(bruno)
    return flagged, look(partner_a)
