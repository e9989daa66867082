"""A demo couple, so a newcomer can see every page at once: ``make run`` loads it.

Ana and Bruno share a couple space, both finished the questionnaire and both share, so the
couple report is open. Their answers are made up to sit in different regions of the map. Each
has also checked in a few times since, weeks apart, so the page of change over time has a
story to show (Ana's unhealthy dependence eases, her healthy independence grows). The
accounts get a fresh random password at every load, printed on the console, so a demo left
running never has a guessable login.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from twofold.core import Instrument
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Answer, Assessment
from twofold.web.assessments.selectors import assessment_latest_complete, checkins_finished
from twofold.web.assessments.services import (
    answers_save,
    assessment_choose_partner_form,
    assessment_complete,
    assessment_start,
    checkin_start,
)
from twofold.web.couples.selectors import membership_active, partner_membership
from twofold.web.couples.services import (
    couple_create,
    couple_invite_accept,
    couple_invite_create,
    couple_leave,
    couple_sharing_set,
)
from twofold.web.instrument import current_instrument

__all__ = ["DEMO_PEOPLE", "demo_answers", "demo_load"]

# Where each demo person stands on the four facets (1-7), and their language.
DEMO_PEOPLE = {
    "ana@demo.twofold.invalid": ("Ana", "en", {"HD": 6, "UD": 5, "HI": 4, "UI": 2}),
    "bruno@demo.twofold.invalid": ("Bruno", "es", {"HD": 3, "UD": 2, "HI": 6, "UI": 5}),
}
# Their check-ins after the questionnaire, one a week, oldest first.
DEMO_CHECKINS = {
    "ana@demo.twofold.invalid": [
        {"HD": 6, "UD": 5, "HI": 4, "UI": 2},
        {"HD": 6, "UD": 4, "HI": 5, "UI": 2},
        {"HD": 6, "UD": 3, "HI": 6, "UI": 2},
        {"HD": 6, "UD": 2, "HI": 6, "UI": 2},
    ],
    "bruno@demo.twofold.invalid": [
        {"HD": 3, "UD": 2, "HI": 6, "UI": 5},
        {"HD": 4, "UD": 2, "HI": 6, "UI": 4},
    ],
}


def _facet_of(instrument: Instrument, item_id: str, facets: dict[str, int]) -> int | None:
    for facet in facets:
        try:
            if item_id in instrument.scale(facet).items:
                return facets[facet]
        except KeyError:
            continue
    return None


def demo_answers(
    instrument: Instrument, facets: dict[str, int], partner: dict[str, int], *, seed: int
) -> dict[str, int]:
    """Answers that put a person near ``facets`` and their view of the partner near ``partner``."""
    rng = random.Random(seed)
    perceived = {
        item: partner.get(s.perceives, 4)
        for s in instrument.scales
        if s.perceives is not None
        for item in s.items
    }
    safety = set(instrument.safety.items) if instrument.safety else set()
    answers: dict[str, int] = {}
    for item in instrument.items:
        lo, hi = item.scale.min, item.scale.max
        if item.id in safety:
            answers[item.id] = lo
            continue
        target = perceived.get(item.id) or _facet_of(instrument, item.id, facets) or 5
        value = target + rng.choice((-1, 0, 0, 1))
        if item.reverse:
            value = lo + hi - value
        answers[item.id] = max(lo, min(hi, value))
    return answers


def _person(email: str, name: str, language: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, display_name=name, language=language)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def demo_load() -> tuple[str, list[tuple[str, str]]]:
    """Create (or refresh) the demo couple; return the password and each (email, name)."""
    instrument = current_instrument()
    password = "demo-" + secrets.token_urlsafe(9)
    people = [
        _person(email, name, lang, password) for email, (name, lang, _) in DEMO_PEOPLE.items()
    ]
    ana, bruno = people
    together = membership_active(user=ana)
    other = partner_membership(membership=together) if together else None
    if other is None or other.user_id != bruno.pk:
        couple_leave(user=ana)
        couple_leave(user=bruno)
        couple_create(user=ana)
        _, token = couple_invite_create(user=ana)
        couple_invite_accept(user=bruno, token=token)
    facets = [spec for _, _, spec in DEMO_PEOPLE.values()]
    for k, person in enumerate(people):
        if assessment_latest_complete(user=person) is None:
            assessment = assessment_start(user=person, seed=k)
            assessment_choose_partner_form(assessment=assessment, include=True)
            answers = demo_answers(instrument, facets[k], facets[1 - k], seed=k)
            known = {i for items in assessment.item_order.values() for i in items}
            answers_save(
                assessment=assessment,
                answers={i: v for i, v in answers.items() if i in known},
            )
            assessment_complete(assessment=assessment)
        couple_sharing_set(user=person, share=True)
    for k, (email, person) in enumerate(zip(DEMO_PEOPLE, people, strict=True)):
        if not checkins_finished(user=person):
            _past_checkins(instrument, person, DEMO_CHECKINS[email], facets[1 - k], seed=10 + k)
    return password, [(email, name) for email, (name, _, _) in DEMO_PEOPLE.items()]


def _backdate(assessment: Assessment, when: object) -> None:
    # Demo data only: a real check-in is dated by the clock when it is taken. Moving the dates
    # back lets the demo show weeks of check-ins on its first run.
    Assessment.objects.filter(pk=assessment.pk).update(started_at=when, completed_at=when)
    Answer.objects.filter(assessment=assessment).update(answered_at=when)


def _past_checkins(
    instrument: Instrument,
    person: User,
    levels: list[dict[str, int]],
    partner: dict[str, int],
    *,
    seed: int,
) -> None:
    """Check-ins a week apart, ending a day ago; the questionnaire moves a week before them."""
    now = timezone.now()
    weeks = len(levels)
    full = assessment_latest_complete(user=person)
    if full is None:
        return
    _backdate(full, now - timedelta(days=1, weeks=weeks))
    for k, facets in enumerate(levels):
        checkin = checkin_start(user=person, seed=seed)
        answers = demo_answers(instrument, facets, partner, seed=seed + k)
        known = {i for items in checkin.item_order.values() for i in items}
        answers_save(assessment=checkin, answers={i: v for i, v in answers.items() if i in known})
        assessment_complete(assessment=checkin)
        _backdate(checkin, now - timedelta(days=1, weeks=weeks - 1 - k))
