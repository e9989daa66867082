"""Deleting an account: everything of the person's goes, the partner's couple report closes, and
the partner's log keeps its entries under a pseudonym.

The check is generic: after the deletion, no row of any model points to the person, and no
text or JSON column anywhere holds their email address or name — so a table added later that
forgets to let go of a person fails here.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse

from tests.web.conftest import (
    PASSWORD,
    CheckIn,
    Finish,
    log_in_with_second_factor,
    totp_code,
    turn_on_authenticator_app,
)
from twofold.web.accounts.models import User
from twofold.web.accounts.services import user_delete
from twofold.web.couples.models import ViewRecord
from twofold.web.couples.selectors import couple_report_for, membership_active
from twofold.web.couples.services import couple_sharing_set, couple_view_record

pytestmark = pytest.mark.django_db


def traces_of(user_id: int, words: tuple[str, ...]) -> list[str]:
    """Every row, anywhere, that points to the person or holds one of ``words``."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not field.concrete:
                continue
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                if model._default_manager.filter(**{field.attname: user_id}).exists():
                    found.append(f"{model._meta.label}.{field.name} -> the person")
            elif isinstance(field, models.CharField | models.TextField | models.JSONField):
                for value in model._default_manager.values_list(field.attname, flat=True):
                    text = str(value)
                    for word in words:
                        if word in text:
                            found.append(f"{model._meta.label}.{field.name} holds {word!r}")
    return found


def live_sessions_of(user_id: int) -> int:
    return sum(s.get_decoded().get("_auth_user_id") == str(user_id) for s in Session.objects.all())


def test_deleting_an_account_leaves_no_trace_of_the_person_and_closes_the_partners_report(
    couple: tuple[User, User], finish: Finish, check_in: CheckIn, site_admin: tuple[User, str]
) -> None:
    partner_a, partner_b = couple
    bruno_id = partner_b.pk
    # Bruno has everything a person can have: answers, a check-in, a shared report seen by both, his own
    # second factor, an invitation he made (in an earlier space), two devices signed in, and an
    # admin's change to his account.
    for person in couple:
        finish(person)
        couple_sharing_set(user=person, share=True)
    check_in(partner_b)
    space = membership_active(user=partner_a)
    assert space is not None
    couple_view_record(couple=space.couple, viewer=partner_b)
    couple_view_record(couple=space.couple, viewer=partner_a)
    secret = turn_on_authenticator_app(partner_b)
    phone = log_in_with_second_factor(partner_b, secret)
    laptop = Client()
    laptop.post("/accounts/login/", {"login": partner_b.email, "password": PASSWORD})
    laptop.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    rosa = log_in_with_second_factor(*site_admin)
    rosa.post(
        reverse("admin:accounts_user_change", args=[bruno_id]),
        {"email": partner_b.email, "display_name": "Bruno", "language": "es", "is_active": "on"},
    )
    assert live_sessions_of(bruno_id) >= 1
    words = ("bruno@example.org", "Bruno")
    assert traces_of(bruno_id, words)  # the check sees him before

    user_delete(user=partner_b)

    assert traces_of(bruno_id, words) == []
    assert live_sessions_of(bruno_id) == 0
    assert phone.get("/account/settings/").status_code == 302  # signed out there too
    assert couple_report_for(user=partner_a).state == "no_couple"
    # Ana's log of her (now closed) space keeps both entries; Bruno's is a pseudonym.
    entries = list(ViewRecord.objects.filter(couple=space.couple).order_by("at"))
    assert [e.viewer_id for e in entries] == [None, partner_a.pk]
    assert entries[0].viewer_pseudonym.startswith("deleted-")


def test_deleting_an_account_keeps_the_partners_own_data(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    finish(partner_a)
    finish(partner_b)
    user_delete(user=partner_b)
    assert partner_a.assessments.get().answers.exists()
    assert partner_a.memberships.exists()  # the ended space stays in her history and export
