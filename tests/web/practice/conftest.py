"""A practice with its people: Pia its admin; Tomás, who follows Ana and Bruno with both
partners' consent; Vera, who was given the same couple's link but no consent; Ole, another
practitioner of the practice with no couple. Built with the app's own services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client as HttpClient

from tests.web.conftest import (
    Finish,
    client_for,
    log_in_with_second_factor,
    make_person,
    turn_on_authenticator_app,
)
from twofold.web.accounts.models import User
from twofold.web.couples.services import couple_sharing_set
from twofold.web.practice.models import Client, Practice, PracticeMember
from twofold.web.practice.services import (
    client_create,
    consent_give,
    practice_create,
    practice_invite_accept,
    practice_invite_create,
)


@dataclass
class PracticeWorld:
    practice: Practice
    admin: User
    therapist: User
    vera: User
    ole: User
    client: Client  # Tomás's, with both partners' consent
    client_token: str
    no_consent: Client  # Vera's, never consented to
    secrets: dict[str, str]

    def login(self, who: str) -> HttpClient:
        user = getattr(self, who)
        return log_in_with_second_factor(user, self.secrets[who])


def join_practice(practice: Practice, by: User, email: str, name: str, role: str) -> User:
    person = make_person(email, name)
    _inv, token = practice_invite_create(practice=practice, by=by, email=email, role=role)
    practice_invite_accept(user=person, token=token)
    person.refresh_from_db()
    return person


@pytest.fixture
def practice_world(couple: tuple[User, User], finish: Finish) -> PracticeWorld:
    partner_a, partner_b = couple
    for person in couple:
        finish(person)
        couple_sharing_set(user=person, share=True)
    admin = make_person("pia@example.org", "Pia")
    practice = practice_create(name="Consulta Norte", admin=admin)
    role = PracticeMember.Role.PRACTITIONER
    therapist = join_practice(practice, admin, "tomas@example.org", "Tomás", role)
    vera = join_practice(practice, admin, "vera@example.org", "Vera", role)
    ole = join_practice(practice, admin, "ole@example.org", "Ole", role)
    client, token = client_create(practice=practice, practitioner=therapist, label="A y B")
    everything = {"own_results": True, "couple_report": True, "checkins": True, "safety": True}
    consent_give(client=client, person=partner_a, **everything)
    consent_give(client=client, person=partner_b, **everything)
    client.refresh_from_db()
    no_consent, _t = client_create(practice=practice, practitioner=vera, label="A y B")
    secrets = {
        who: turn_on_authenticator_app(person)
        for who, person in {
            "admin": admin,
            "therapist": therapist,
            "vera": vera,
            "ole": ole,
        }.items()
    }
    return PracticeWorld(practice, admin, therapist, vera, ole, client, token, no_consent, secrets)


__all__ = ["PracticeWorld", "client_for", "join_practice", "practice_world"]
