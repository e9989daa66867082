"""Writes about assessments: start one, save an answer, choose the partner form, finish.

Check-ins are assessments too (``kind="checkin"``) and go through the same answer and finish
services; only starting one differs (:func:`checkin_start`).

Every answer is checked here, whatever the view: the item must belong to a form this person
answers and the value must be a whole number on that item's scale. A bad answer raises
:class:`AnswerError`, which views turn into a 400 with the message.
"""

from __future__ import annotations

import random
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofold.reports.change import checkin_scales
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Answer, Assessment
from twofold.web.assessments.selectors import (
    assessment_latest_complete,
    assessment_open,
    assessment_profile,
    checkin_opens_at,
    included_forms,
)
from twofold.web.instrument import CHECKIN_FLOW, current_instrument, draw_item_order

__all__ = [
    "AnswerError",
    "CheckinUnavailableError",
    "answer_save",
    "assessment_choose_partner_form",
    "assessment_complete",
    "assessment_start",
    "checkin_start",
]


class AnswerError(ValueError):
    """An answer the assessment cannot take; the message says what and which item."""


@transaction.atomic
def assessment_start(*, user: User, seed: int | None = None) -> Assessment:
    """Return the person's open assessment, or start one with a freshly drawn item order."""
    existing = assessment_open(user=user)
    if existing is not None:
        return existing
    instrument = current_instrument()
    rng = random.Random(secrets.randbits(64) if seed is None else seed)
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                user=user,
                instrument_id=instrument.id,
                instrument_version=instrument.version,
                item_order=draw_item_order(instrument, rng),
            )
    except IntegrityError:
        # Two tabs started at once: the other one won; use its assessment.
        found = assessment_open(user=user)
        if found is None:
            raise
        return found


def _check_answer(assessment: Assessment, item_id: str, value: object) -> int:
    if assessment.is_complete:
        raise AnswerError(_FINISHED)
    if not any(item_id in assessment.item_order[f] for f in included_forms(assessment)):
        raise AnswerError(f"item {item_id!r} is not part of this assessment")
    item = current_instrument().item(item_id)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise AnswerError(f"item {item_id!r}: the answer must be a whole number")
    try:
        number = int(value)
    except ValueError:
        raise AnswerError(f"item {item_id!r}: {value!r} is not a whole number") from None
    if not item.scale.min <= number <= item.scale.max:
        raise AnswerError(
            f"item {item_id!r}: {number} is outside the answer scale "
            f"({item.scale.min} to {item.scale.max})"
        )
    return number


_FINISHED = "this assessment is finished; its answers can no longer change"


def _lock_open(assessment: Assessment) -> None:
    """Lock the assessment's row and make sure it is still open, inside the caller's transaction.

    The object a view holds may have been read before another request finished the assessment;
    the row is read again under ``SELECT ... FOR UPDATE`` (PostgreSQL), or inside SQLite's
    IMMEDIATE transaction that already holds the one write lock, so a finish and an answer
    never interleave: an answer either lands before the finish or is refused after it.
    """
    completed = (
        Assessment.objects.select_for_update()
        .filter(pk=assessment.pk)
        .values_list("completed_at", flat=True)
        .first()
    )
    if completed is not None:
        assessment.completed_at = completed
        raise AnswerError(_FINISHED)


@transaction.atomic
def answer_save(
    *, assessment: Assessment, item_id: str, value: object, seq: int | None = None
) -> Answer:
    """Store (or change) one answer; raise :class:`AnswerError` for a bad item or value.

    ``seq`` orders the answers one page sends for one item: the page counts up from the
    number it was shown with, and an answer with a number no higher than the stored one
    arrived late (an earlier choice overtaken by a later one) and is ignored; the stored,
    later answer is returned. Without ``seq`` (the page form, or a service caller) the
    answer always wins and moves the stored number on by one.
    """
    number = _check_answer(assessment, item_id, value)
    _lock_open(assessment)
    now = timezone.now()
    stored = Answer.objects.filter(assessment=assessment, item_id=item_id).first()
    if stored is None:
        return Answer.objects.create(
            assessment=assessment,
            item_id=item_id,
            value=number,
            answered_at=now,
            seq=1 if seq is None else seq,
        )
    if seq is not None and seq <= stored.seq:
        return stored  # a late, older choice: the later one stays
    stored.value = number
    stored.answered_at = now
    stored.seq = stored.seq + 1 if seq is None else seq
    stored.save(update_fields=["value", "answered_at", "seq"])
    return stored


@transaction.atomic
def answers_save(*, assessment: Assessment, answers: dict[str, object]) -> None:
    """Store several answers at once (the page form without JavaScript); all or none.

    An answer whose value is what is stored already keeps its own time: the page form sends
    every item on the page again, and only the ones the person changed are new answers.
    """
    checked = {item_id: _check_answer(assessment, item_id, v) for item_id, v in answers.items()}
    _lock_open(assessment)
    now = timezone.now()
    stored = {
        a.item_id: a for a in Answer.objects.filter(assessment=assessment, item_id__in=checked)
    }
    for item_id, number in checked.items():
        old = stored.get(item_id)
        if old is None:
            Answer.objects.create(
                assessment=assessment, item_id=item_id, value=number, answered_at=now, seq=1
            )
        elif old.value != number:
            old.value, old.answered_at, old.seq = number, now, old.seq + 1
            old.save(update_fields=["value", "answered_at", "seq"])


@transaction.atomic
def assessment_choose_partner_form(*, assessment: Assessment, include: bool) -> Assessment:
    """Record whether the person also describes their partner; declining drops those answers."""
    if assessment.is_complete:
        raise AnswerError(_FINISHED)
    _lock_open(assessment)
    assessment.includes_partner_form = include
    assessment.save(update_fields=["includes_partner_form"])
    if not include and "partner" in assessment.item_order:
        assessment.answers.filter(item_id__in=assessment.item_order["partner"]).delete()
    return assessment


class IncompleteError(ValueError):
    """Too few answers to place the person on the map, or to score a check-in."""


@transaction.atomic
def assessment_complete(*, assessment: Assessment) -> Assessment:
    """Finish the assessment once the core can place the person on the map.

    A check-in is finished once each of its facets has a score.
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_complete or assessment.is_complete:
        assessment.completed_at = locked.completed_at or assessment.completed_at
        return assessment
    profile = assessment_profile(assessment=assessment)
    if assessment.kind == Assessment.Kind.CHECKIN:
        scales = checkin_scales(current_instrument()).values()
        if any(profile.scores.get(scale) is None for scale in scales):
            raise IncompleteError(
                _("A few more answers are needed before this check-in can be saved.")
            )
    elif profile.region is None and not profile.response_style:
        # a region withheld for response style is not missing answers (core.response_style)
        raise IncompleteError(_("A few more answers are needed before your results can be shown."))
    assessment.completed_at = timezone.now()
    assessment.save(update_fields=["completed_at"])
    return assessment


class CheckinUnavailableError(ValueError):
    """A check-in cannot begin now; the message says why, in the person's language."""


def _checkin_order(user: User, rng: random.Random) -> dict[str, list[str]]:
    """The person's check-in order: drawn at their first check-in, then kept for every other.

    The same order each time means a change between check-ins never comes from the order
    the questions were asked in. A new instrument version with other items draws afresh.
    """
    instrument = current_instrument()
    fresh = draw_item_order(instrument, rng, flow=CHECKIN_FLOW)
    last = assessment_latest_complete(user=user, kind=Assessment.Kind.CHECKIN)
    if last is not None and {f: sorted(i) for f, i in last.item_order.items()} == {
        f: sorted(i) for f, i in fresh.items()
    }:
        return dict(last.item_order)
    return fresh


@transaction.atomic
def checkin_start(*, user: User, seed: int | None = None) -> Assessment:
    """Return the person's open check-in, or begin one if the rules allow.

    A check-in follows a finished questionnaire, at most once a day
    (:data:`~twofold.web.assessments.selectors.CHECKIN_GAP` after the last one); otherwise
    :class:`CheckinUnavailableError` says why.
    """
    existing = assessment_open(user=user, kind=Assessment.Kind.CHECKIN)
    if existing is not None:
        return existing
    if not checkin_scales(current_instrument()):
        raise CheckinUnavailableError(_("This questionnaire has no check-in."))
    opens = checkin_opens_at(user=user)
    if opens is None:
        raise CheckinUnavailableError(
            _("Check-ins begin once you have finished the questionnaire.")
        )
    if opens > timezone.now():
        raise CheckinUnavailableError(
            _("You have checked in within the last day; the next check-in is not open yet.")
        )
    instrument = current_instrument()
    rng = random.Random(secrets.randbits(64) if seed is None else seed)
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                user=user,
                kind=Assessment.Kind.CHECKIN,
                instrument_id=instrument.id,
                instrument_version=instrument.version,
                item_order=_checkin_order(user, rng),
            )
    except IntegrityError:
        # Two tabs began at once: the other one won; use its check-in.
        found = assessment_open(user=user, kind=Assessment.Kind.CHECKIN)
        if found is None:
            raise
        return found
