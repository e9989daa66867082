"""People in the admin: an admin makes someone a practitioner; nobody's answers are there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.web.conftest import Finish, log_in_with_second_factor
from twofold.web.accounts.models import User
from twofold.web.accounts.selectors import user_mfa_policy
from twofold.web.assessments.models import Answer, Assessment
from twofold.web.couples.selectors import couple_report_for
from twofold.web.couples.services import couple_sharing_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa(site_admin: tuple[User, str]) -> Client:
    """Rosa, the site's admin, logged in with her password and her authenticator app."""
    return log_in_with_second_factor(*site_admin)


def test_an_admin_makes_someone_a_practitioner(rosa: Client, outsider: User) -> None:
    url = reverse("admin:accounts_user_change", args=[outsider.pk])
    assert rosa.get(url).status_code == 200
    response = rosa.post(
        url,
        {
            "email": outsider.email,
            "display_name": outsider.display_name,
            "language": outsider.language,
            "is_practitioner": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    outsider.refresh_from_db()
    assert outsider.is_practitioner
    assert not outsider.is_staff
    assert user_mfa_policy(user=outsider) == "required"  # practitioners must, by default


def test_answers_and_assessments_are_not_in_the_admin() -> None:
    registered = set(admin.site._registry)
    assert Answer not in registered
    assert Assessment not in registered
    assert {model._meta.label for model in registered} >= {"accounts.User"}


def test_the_admin_cannot_add_accounts(rosa: Client) -> None:
    assert rosa.get(reverse("admin:accounts_user_add")).status_code == 403


def test_deleting_someone_in_the_admin_closes_their_couple_report(
    rosa: Client, couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    for person in couple:
        finish(person)
        couple_sharing_set(user=person, share=True)
    assert couple_report_for(user=partner_a).state == "open"
    url = reverse("admin:accounts_user_delete", args=[partner_b.pk])
    response = rosa.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=partner_b.pk).exists()
    assert couple_report_for(user=partner_a).state == "no_couple"


def test_staff_who_may_change_accounts_cannot_make_themselves_superusers(
    outsider: User,
) -> None:
    from django.contrib.auth.models import Permission

    from tests.web.conftest import make_person, turn_on_authenticator_app

    sam = make_person("sam@example.org", "Sam")
    sam.is_staff = True
    sam.save(update_fields=["is_staff"])
    sam.user_permissions.add(
        Permission.objects.get(codename="change_user"),
        Permission.objects.get(codename="view_user"),
    )
    client = log_in_with_second_factor(sam, turn_on_authenticator_app(sam))
    url = reverse("admin:accounts_user_change", args=[sam.pk])
    response = client.post(
        url,
        {
            "email": sam.email,
            "display_name": "Sam",
            "language": "en",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    sam.refresh_from_db()
    assert not sam.is_superuser
    # The practitioner flag is theirs to set on others.
    client.post(
        reverse("admin:accounts_user_change", args=[outsider.pk]),
        {
            "email": outsider.email,
            "display_name": outsider.display_name,
            "language": "en",
            "is_active": "on",
            "is_practitioner": "on",
        },
    )
    outsider.refresh_from_db()
    assert outsider.is_practitioner
