"""Consent partner by partner: what the practitioner sees follows each partner's choices, a
withdrawal takes effect at once, the safety alert is per partner and only with consent, and
each view is in the couple's own "who has seen" log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.conftest import Finish, client_for, make_person
from tests.web.practice.conftest import PracticeWorld
from twofold.web.accounts.models import User
from twofold.web.accounts.selectors import user_mfa_policy
from twofold.web.couples.models import ViewRecord
from twofold.web.practice.access import client_view_for
from twofold.web.practice.consent_texts import CURRENT
from twofold.web.practice.models import Consent
from twofold.web.practice.services import (
    PracticeError,
    client_create,
    client_discharge,
    consent_give,
    consent_withdraw,
    practice_invite_accept,
    practice_invite_create,
)

ALERT = "a safety question was answered"
NONE = {"own_results": False, "couple_report": False, "checkins": False, "safety": False}


def test_joining_a_practice_makes_two_factor_required(practice_world: PracticeWorld) -> None:
    assert user_mfa_policy(user=practice_world.therapist) == "required"
    newcomer = make_person("lia@example.org", "Lía")
    _inv, token = practice_invite_create(
        practice=practice_world.practice,
        by=practice_world.admin,
        email="lia@example.org",
        role="practitioner",
    )
    client = client_for(newcomer)
    assert client.post(reverse("practice:join", args=[token])).status_code == 302
    # Without an authenticator app, every page sends her to set one up first.
    assert client.get(reverse("practice:dashboard")).url == reverse("mfa_activate_totp")


def test_an_invitation_is_for_its_email_and_used_once(
    practice_world: PracticeWorld, outsider: User
) -> None:
    _inv, token = practice_invite_create(
        practice=practice_world.practice,
        by=practice_world.admin,
        email="lia@example.org",
        role="practitioner",
    )
    with pytest.raises(PracticeError, match="another email"):
        practice_invite_accept(user=outsider, token=token)
    lia = make_person("lia@example.org", "Lía")
    practice_invite_accept(user=lia, token=token)
    with pytest.raises(PracticeError, match="already been used"):
        practice_invite_accept(user=lia, token=token)


def test_the_consent_page_says_plainly_whether_safety_answers_are_seen(
    practice_world: PracticeWorld, couple: tuple[User, User]
) -> None:
    page = client_for(couple[0]).get(
        reverse("practice:consent", args=[practice_world.client_token])
    )
    text = page.content.decode()
    assert str(CURRENT.safety_yes)[:40] in text
    assert str(CURRENT.safety_no)[:40] in text
    assert CURRENT.version in text


def test_consent_is_stored_with_its_version_and_a_new_row_replaces_the_old(
    practice_world: PracticeWorld, couple: tuple[User, User]
) -> None:
    w = practice_world
    consent_give(client=w.client, person=couple[0], **{**NONE, "checkins": True})
    rows = Consent.objects.filter(client=w.client, person=couple[0])
    assert rows.count() == 2
    assert rows.filter(withdrawn_at__isnull=True).get().version == CURRENT.version
    view = client_view_for(w.client)
    assert view.partners[0].profile is None  # no longer consents to own results
    assert view.partners[1].profile is not None
    assert not view.couple_report_open  # needs both partners' consent


def test_what_the_practitioner_sees_follows_each_consent_and_withdrawal_is_at_once(
    practice_world: PracticeWorld, couple: tuple[User, User]
) -> None:
    w = practice_world
    therapist = w.login("therapist")
    url = reverse("practice:client", args=[w.client.pk])
    page = therapist.get(url).content.decode()
    assert "Both partners share the couple report" in page
    assert page.count("Latest results") == 2
    response = client_for(couple[1]).post(reverse("practice:withdraw", args=[w.client.pk]))
    assert response.status_code == 302
    page = therapist.get(url).content.decode()
    assert page.count("Latest results") == 1
    assert "Has not given you access" in page
    assert "Not shared yet." in page
    access_b = client_for(couple[1]).get(reverse("practice:access")).content.decode()
    assert "Ningún profesional tiene acceso" in access_b  # Bruno reads Spanish
    access_a = client_for(couple[0]).get(reverse("practice:access")).content.decode()
    assert "Tomás" in access_a
    assert "Sees your answers to the safety questions." in access_a


def test_a_practitioner_without_consent_sees_nothing(practice_world: PracticeWorld) -> None:
    vera = practice_world.login("vera")
    page = vera.get(reverse("practice:client", args=[practice_world.no_consent.pk]))
    assert "Latest results" not in page.content.decode()
    assert not ViewRecord.objects.filter(viewer=practice_world.vera).exists()


def test_discharge_ends_access_at_once(practice_world: PracticeWorld) -> None:
    client_discharge(client=practice_world.client)
    url = reverse("practice:client", args=[practice_world.client.pk])
    assert practice_world.login("therapist").get(url).status_code == 404


def test_each_practitioner_view_is_in_the_couples_own_log(
    practice_world: PracticeWorld, couple: tuple[User, User]
) -> None:
    w = practice_world
    w.login("therapist").get(reverse("practice:client", args=[w.client.pk]))
    record = ViewRecord.objects.get(viewer=w.therapist)
    assert record.what == ViewRecord.What.PRACTITIONER
    for partner in couple:
        log = client_for(partner).get(reverse("couples:view_log")).content.decode()
        assert "Tomás" in log
        assert "page about you" in log or "página de tu profesional" in log


@pytest.mark.parametrize("safety_consent", [True, False])
def test_the_safety_alert_is_per_partner_and_only_with_consent(
    practice_world: PracticeWorld, couple: tuple[User, User], finish: Finish, safety_consent: bool
) -> None:
    w = practice_world
    partner_a, partner_b = couple
    finish(partner_b, safety=5)  # Bruno answers a safety item positively
    consent_give(
        client=w.client,
        person=partner_b,
        own_results=True,
        couple_report=True,
        checkins=True,
        safety=safety_consent,
    )
    view = client_view_for(w.client)
    assert [p.safety_concern for p in view.partners] == [False, safety_consent]
    # Never at couple level: the couple report is "not shared yet", as it is for Ana.
    assert not view.couple_report_open
    page = w.login("therapist").get(reverse("practice:client", args=[w.client.pk]))
    text = page.content.decode()
    assert (ALERT in text) is safety_consent
    assert "Not shared yet." in text
    # Ana's access page and Ana's consent page say nothing of it.
    for url in (reverse("practice:access"), reverse("practice:consent", args=[w.client_token])):
        assert ALERT not in client_for(partner_a).get(url).content.decode()


def test_a_link_given_to_one_couple_cannot_be_used_by_another(
    practice_world: PracticeWorld, outsider: User
) -> None:
    from twofold.web.couples.services import couple_create

    couple_create(user=outsider)
    with pytest.raises(PracticeError, match="another couple"):
        consent_give(client=practice_world.client, person=outsider, **NONE)
    fresh, _t = client_create(
        practice=practice_world.practice, practitioner=practice_world.therapist, label="C"
    )
    consent_withdraw(client=fresh, person=outsider)  # nothing to withdraw: no error
