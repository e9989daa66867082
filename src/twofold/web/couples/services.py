"""Writes about couple spaces: create, invite, join, share or stop sharing, leave, and the log of
who saw a couple's shared data."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofold.web.accounts.models import User
from twofold.web.couples.models import Couple, Invitation, Membership, ViewRecord
from twofold.web.couples.selectors import (
    invitation_by_token,
    membership_active,
    partner_membership,
    token_hash,
)

__all__ = [
    "CoupleError",
    "couple_create",
    "couple_invite_accept",
    "couple_invite_create",
    "couple_leave",
    "couple_sharing_set",
    "couple_view_record",
    "couples_forget_for_deleted_user",
]


class CoupleError(ValueError):
    """A couple action that cannot happen; the message is written for the person."""


@transaction.atomic
def couple_create(*, user: User) -> Membership:
    if membership_active(user=user) is not None:
        raise CoupleError(_("You are already in a couple space. Leave it first to start another."))
    couple = Couple.objects.create()
    try:
        with transaction.atomic():
            return Membership.objects.create(couple=couple, user=user, slot=Membership.Slot.A)
    except IntegrityError:
        raise CoupleError(
            _("You are already in a couple space. Leave it first to start another.")
        ) from None


@transaction.atomic
def couple_invite_create(*, user: User) -> tuple[Invitation, str]:
    """Make a new single-use link (older unused ones stop working). Return it and its token."""
    membership = membership_active(user=user)
    if membership is None:
        raise CoupleError(_("Create a couple space first."))
    if partner_membership(membership=membership) is not None:
        raise CoupleError(_("Your partner has already joined."))
    now = timezone.now()
    Invitation.objects.filter(
        couple=membership.couple, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        couple=membership.couple,
        created_by=user,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=settings.TWOFOLD_INVITATION_DAYS),
    )
    return invitation, token


def invitation_problem(invitation: Invitation | None, *, user: User | None) -> str | None:
    """Why this invitation cannot be used (by ``user``, when given), or None when it can."""
    if invitation is None or invitation.revoked_at is not None:
        return _("This invitation link is not valid. Ask your partner for a new one.")
    if invitation.used_at is not None:
        return _("This invitation link has already been used. Ask your partner for a new one.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation link has expired. Ask your partner for a new one.")
    if not invitation.couple.is_active:
        return _("This couple space has been closed.")
    if user is not None:
        if invitation.created_by_id == user.pk:
            return _("This is your own invitation: send the link to your partner.")
        if membership_active(user=user) is not None:
            return _("You are already in a couple space. Leave it first to join another.")
    return None


@transaction.atomic
def couple_invite_accept(*, user: User, token: str) -> Membership:
    invitation = invitation_by_token(token=token)
    if invitation is not None:
        # Lock the invitation row so two people cannot use one link at the same time.
        invitation = (
            Invitation.objects.select_for_update().select_related("couple").get(pk=invitation.pk)
        )
    problem = invitation_problem(invitation, user=user)
    if problem is not None or invitation is None:
        raise CoupleError(problem)
    if Membership.objects.filter(couple=invitation.couple, active=True).count() >= 2:
        raise CoupleError(_("This couple space already has two people."))
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    try:
        with transaction.atomic():
            return Membership.objects.create(
                couple=invitation.couple, user=user, slot=Membership.Slot.B
            )
    except IntegrityError:
        raise CoupleError(
            _("You are already in a couple space. Leave it first to join another.")
        ) from None


@transaction.atomic
def couple_sharing_set(*, user: User, share: bool) -> Membership:
    membership = membership_active(user=user)
    if membership is None:
        raise CoupleError(_("You are not in a couple space."))
    membership.shares_results = share
    membership.save(update_fields=["shares_results"])
    return membership


@transaction.atomic
def couple_leave(*, user: User) -> None:
    """End the person's couple space for both partners; all sharing stops at once."""
    membership = membership_active(user=user)
    if membership is None:
        return
    now = timezone.now()
    Couple.objects.filter(pk=membership.couple_id).update(ended_at=now)
    Membership.objects.filter(couple_id=membership.couple_id).update(
        active=False, shares_results=False
    )
    Invitation.objects.filter(couple_id=membership.couple_id, used_at__isnull=True).update(
        revoked_at=now
    )


def couple_view_record(
    *, couple: Couple, viewer: User, what: ViewRecord.What = ViewRecord.What.COUPLE_REPORT
) -> ViewRecord:
    """Log that ``viewer`` was shown ``couple``'s shared data (call it only when it was shown).

    Why only then. The log is there so each partner knows who has seen what they chose to
    share; a page that showed nothing shared ("not yet") exposed nothing to account for. And a
    "not yet" entry could not be written safely: the viewer's own reason for "not yet" may be
    their safety answer (model §6), which must never reach the partner, and even an entry with
    no reason would tell the partner when the other kept checking a closed report. So the log
    of a couple where one partner gave a safety answer reads exactly as when that partner has
    not chosen to share: no entries since the report closed.
    """
    return ViewRecord.objects.create(couple=couple, viewer=viewer, what=what)


@transaction.atomic
def couples_forget_for_deleted_user(*, user: User) -> None:
    """Before ``user`` is deleted: pseudonymise them in the view log; drop spaces left empty.

    A space the partner still belongs to keeps its log for the partner, with this person's
    entries under one random pseudonym. A space nobody else belongs to is deleted with its
    invitations and log: it no longer belongs to anyone.
    """
    ViewRecord.objects.filter(viewer=user).update(
        viewer=None, viewer_pseudonym=f"deleted-{secrets.token_hex(4)}"
    )
    couple_ids = set(Membership.objects.filter(user=user).values_list("couple_id", flat=True))
    shared = set(
        Membership.objects.filter(couple_id__in=couple_ids)
        .exclude(user=user)
        .values_list("couple_id", flat=True)
    )
    Couple.objects.filter(pk__in=couple_ids - shared).delete()
