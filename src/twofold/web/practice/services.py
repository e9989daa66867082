"""Writes for the practice app."""

from __future__ import annotations

import datetime as dt
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from twofold.web.accounts.models import User
from twofold.web.couples.selectors import membership_active, token_hash
from twofold.web.practice.consent_texts import CURRENT
from twofold.web.practice.models import (
    CheckinSchedule,
    Client,
    Consent,
    Practice,
    PracticeInvitation,
    PracticeMember,
    ReminderSent,
)
from twofold.web.practice.selectors import practice_invitation_by_token


def reminder_send(*, schedule: CheckinSchedule, person: User, occasion: dt.date) -> bool:
    """Email ``person`` that a check-in is due on ``occasion``; False if already sent.

    The row is inserted first, in the same transaction as the send: a second worker's insert
    waits on the first's lock and then fails on the unique constraint, so it sends nothing.
    If sending fails the transaction rolls back and a retry may send. (A crash between the
    send and the commit could still send twice; that is the price of never losing one.)
    """
    try:
        with transaction.atomic():
            ReminderSent.objects.create(schedule=schedule, person=person, occasion=occasion)
            with translation.override(person.language or "en"):
                send_mail(
                    _("Your check-in is due"),
                    _("Hello, %(name)s") % {"name": person.display_name}
                    + "\n\n"
                    + _(
                        "Your next short check-in in Twofold is due on %(date)s. It takes a few "
                        "minutes; your answers stay yours unless you choose to share them."
                    )
                    % {"date": occasion.isoformat()}
                    + "\n",
                    None,
                    [person.email],
                )
    except IntegrityError:
        return False
    return True


class PracticeError(ValueError):
    """A practice action that cannot be done, with a message for the person."""


def practice_create(*, name: str, admin: User) -> Practice:
    """A new practice whose first member is its admin (done by a site admin)."""
    with transaction.atomic():
        practice = Practice.objects.create(name=name)
        PracticeMember.objects.create(practice=practice, user=admin, role=PracticeMember.Role.ADMIN)
    return practice


def practice_invite_create(
    *, practice: Practice, by: User, email: str, role: str
) -> tuple[PracticeInvitation, str]:
    """A single-use link for ``email`` to join ``practice`` as ``role``; returns it and its token."""
    if role not in PracticeMember.Role.values:
        raise PracticeError(_("Unknown role."))
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    invitation = PracticeInvitation.objects.create(
        practice=practice,
        email=email.strip().lower(),
        role=role,
        created_by=by,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=settings.TWOFOLD_INVITATION_DAYS),
    )
    return invitation, token


@transaction.atomic
def practice_invite_accept(*, user: User, token: str) -> PracticeMember:
    """Join the practice; a practitioner is flagged as one, so two-factor is required of them."""
    found = practice_invitation_by_token(token=token)
    if found is None:
        raise PracticeError(
            _("This invitation link is not valid. Ask your practice for a new one.")
        )
    invitation = PracticeInvitation.objects.select_for_update().get(pk=found.pk)
    if invitation.used_at is not None or invitation.revoked_at is not None:
        raise PracticeError(_("This invitation link has already been used."))
    if invitation.expires_at <= timezone.now():
        raise PracticeError(_("This invitation link has expired. Ask your practice for a new one."))
    if invitation.email != user.email.lower():
        raise PracticeError(_("This invitation is for another email address."))
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    member, _created = PracticeMember.objects.update_or_create(
        practice_id=invitation.practice_id,
        user=user,
        defaults={"role": invitation.role, "active": True},
    )
    if not user.is_practitioner:
        user.is_practitioner = True
        user.save(update_fields=["is_practitioner"])
    return member


def client_create(*, practice: Practice, practitioner: User, label: str) -> tuple[Client, str]:
    """A couple to follow, and the link its partners open to consent; returns both."""
    token = secrets.token_urlsafe(32)
    client = Client.objects.create(
        practice=practice, practitioner=practitioner, label=label, token_hash=token_hash(token)
    )
    return client, token


@transaction.atomic
def consent_give(
    *,
    client: Client,
    person: User,
    own_results: bool,
    couple_report: bool,
    checkins: bool,
    safety: bool,
) -> Consent:
    """Record this partner's consent under the current text version (a new row each time)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.ended_at is not None:
        raise PracticeError(_("This practitioner no longer follows this couple."))
    membership = membership_active(user=person)
    if membership is None:
        raise PracticeError(_("Create or join your couple space first, then open this link again."))
    if client.couple_id is None:
        client.couple_id = membership.couple_id
        client.save(update_fields=["couple"])
    elif client.couple_id != membership.couple_id:
        raise PracticeError(_("This link was given to another couple."))
    if person.pk == client.practitioner_id:
        raise PracticeError(_("You cannot consent to your own practice."))
    now = timezone.now()
    Consent.objects.filter(client=client, person=person, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    return Consent.objects.create(
        client=client,
        person=person,
        version=CURRENT.version,
        own_results=own_results,
        couple_report=couple_report,
        checkins=checkins,
        safety=safety,
        given_at=now,
    )


def consent_withdraw(*, client: Client, person: User) -> None:
    """Withdraw everything this person let the practitioner see; effective at once."""
    Consent.objects.filter(client=client, person=person, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )


def client_discharge(*, client: Client) -> None:
    """End the work with the couple: all access ends at once (the consents stay as a record)."""
    Client.objects.filter(pk=client.pk, ended_at__isnull=True).update(ended_at=timezone.now())
