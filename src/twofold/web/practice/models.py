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
