"""Reads about couple spaces, and the one rule that decides whether a couple report opens.

:func:`couple_report_for` is where model §6 is enforced. What a person learns about their
partner is a single bit, *shared with you* or *not (yet)*. It is "not" when the partner has
not finished, has not chosen to share, gave a positive safety answer (anywhere that counts:
see :func:`twofold.web.assessments.selectors.safety_decision`, the one rule) or left a safety
item unanswered: the cases are indistinguishable on purpose, so the partner's view never
reveals that a safety answer exists or was skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from twofold.web.accounts.models import User
from twofold.web.assessments.selectors import (
    SafetyDecision,
    assessment_answers,
    safety_decision,
)
from twofold.web.couples.models import Couple, Invitation, Membership, ViewRecord

__all__ = [
    "CoupleReportAccess",
    "couple_report_for",
    "couple_views",
    "invitation_by_token",
    "invitation_pending",
    "membership_active",
    "partner_membership",
    "token_hash",
]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def membership_active(*, user: User) -> Membership | None:
    return (
        Membership.objects.select_related("couple")
        .filter(user=user, active=True, couple__ended_at__isnull=True)
        .first()
    )


def partner_membership(*, membership: Membership) -> Membership | None:
    return (
        Membership.objects.select_related("user")
        .filter(couple_id=membership.couple_id, active=True)
        .exclude(pk=membership.pk)
        .first()
    )


def invitation_by_token(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("couple", "created_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def invitation_pending(*, couple: Couple) -> Invitation | None:
    from django.utils import timezone

    return (
        Invitation.objects.filter(
            couple=couple,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class CoupleReportAccess:
    """What one person may see of their couple report.

    ``state`` is one of: ``no_couple``, ``no_partner``, ``me_not_finished``, ``me_not_sharing``,
    ``me_safety`` (the viewer gave a positive safety answer: withheld, told privately),
    ``me_safety_unanswered`` (the viewer skipped a safety item: withheld until answered),
    ``waiting`` (the partner's results are not shared with the viewer, for whatever reason) and
    ``open``. Profiles and answers are filled in only when ``open``.
    """

    state: str
    membership: Membership | None = None
    partner: User | None = None
    me_is_a: bool = True
    my_answers: dict[str, int] | None = None
    partner_answers: dict[str, int] | None = None


def _shares(membership: Membership) -> tuple[SafetyDecision, bool]:
    """The person's safety decision (with their latest questionnaire) and whether their
    results reach the partner: finished, sharing, and no concern or unanswered safety item.

    The same work whatever the answer: :func:`safety_decision` is the only read."""
    decision = safety_decision(user=membership.user)
    shares = (
        decision.latest is not None
        and bool(membership.shares_results)
        and not decision.closes_sharing
    )
    return decision, shares


def couple_report_for(*, user: User) -> CoupleReportAccess:
    membership = membership_active(user=user)
    if membership is None:
        return CoupleReportAccess(state="no_couple")
    other = partner_membership(membership=membership)
    if other is None:
        return CoupleReportAccess(state="no_partner", membership=membership)
    me_is_a = membership.slot == Membership.Slot.A
    base = CoupleReportAccess(state="", membership=membership, partner=other.user, me_is_a=me_is_a)
    me, _ = _shares(membership)
    mine = me.latest
    if me.concern:
        return replace(base, state="me_safety")
    if mine is None:
        return replace(base, state="me_not_finished")
    if me.state == "not_answered":
        return replace(base, state="me_safety_unanswered")
    if not membership.shares_results:
        return replace(base, state="me_not_sharing")
    them, they_share = _shares(other)
    theirs = them.latest
    if theirs is None or not they_share:
        return replace(base, state="waiting")
    return replace(
        base,
        state="open",
        my_answers=assessment_answers(assessment=mine),
        partner_answers=assessment_answers(assessment=theirs),
    )


def couple_views(*, couple: Couple, limit: int = 200) -> tuple[list[ViewRecord], int]:
    """The latest entries of the space's view log (newest first), and how many there are."""
    records = ViewRecord.objects.filter(couple=couple).select_related("viewer")
    return list(records[:limit]), records.count()
