"""Background tasks of the practice app (Django's tasks API; the queue is set up in
``twofold.web.config.base``, ``TASKS``; ``twofold worker`` runs them)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from twofold.web.accounts.models import User
from twofold.web.practice.models import CheckinSchedule
from twofold.web.practice.services import reminder_send


@task()
def send_checkin_reminder(schedule_id: int, person_id: int, occasion: str) -> bool:
    """Send one reminder; True if this call sent it, False if it had been sent already."""
    schedule = CheckinSchedule.objects.get(pk=schedule_id)
    person = User.objects.get(pk=person_id)
    return reminder_send(schedule=schedule, person=person, occasion=dt.date.fromisoformat(occasion))
