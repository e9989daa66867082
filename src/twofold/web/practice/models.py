"""Practice data: check-in schedules and the reminders sent for them.

A reminder is sent at most once per (schedule, person, occasion): the unique constraint on
:class:`ReminderSent` is what holds when two workers race, not a check in Python.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofold.web.couples.models import Couple


class CheckinSchedule(models.Model):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        FORTNIGHTLY = "fortnightly", _("Fortnightly")

    couple = models.OneToOneField(Couple, on_delete=models.CASCADE, related_name="checkin_schedule")
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    starts_on = models.DateField(default=timezone.localdate)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    @property
    def days(self) -> int:
        return 7 if self.frequency == self.Frequency.WEEKLY else 14


class ReminderSent(models.Model):
    """One reminder email, to one person, for one occasion (the due date) of one schedule."""

    schedule = models.ForeignKey(CheckinSchedule, on_delete=models.CASCADE, related_name="sent")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    occasion = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "person", "occasion"], name="practice_one_reminder_per_occasion"
            )
        ]


class Practice(models.Model):
    """An organisation of practitioners (a clinic, or one therapist working alone)."""

    name = models.CharField(_("name of the practice"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class PracticeMember(models.Model):
    class Role(models.TextChoices):
        PRACTITIONER = "practitioner", _("practitioner")
        ADMIN = "admin", _("practice admin")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="practice_member_once")
        ]


class PracticeInvitation(models.Model):
    """A single-use link that makes its user a member of the practice with ``role``."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=PracticeMember.Role.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class Client(models.Model):
    """A practitioner's work with one couple: invited by a link, then joined by the partners.

    ``couple`` is set when the first partner consents; ``ended_at`` (discharge) ends all
    access at once, whatever the consents say.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="clients")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_clients"
    )
    label = models.CharField(_("how you call this couple"), max_length=80)
    couple = models.ForeignKey(
        Couple, on_delete=models.CASCADE, null=True, blank=True, related_name="practice_clients"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)


class Consent(models.Model):
    """What one partner lets the practitioner see, under which text version, since when.

    Never edited: a change is a new row, and withdrawing sets ``withdrawn_at`` (effective at
    once: every read takes the partner's latest row that is not withdrawn).
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=20)
    own_results = models.BooleanField(default=False)
    couple_report = models.BooleanField(default=False)
    checkins = models.BooleanField(default=False)
    safety = models.BooleanField(default=False)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
