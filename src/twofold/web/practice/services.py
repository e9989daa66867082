"""Writes for the practice app."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from twofold.web.accounts.models import User
from twofold.web.practice.models import CheckinSchedule, ReminderSent


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
