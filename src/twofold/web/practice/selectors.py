"""Reads for the practice app: memberships, clients, and each partner's current consent."""

from __future__ import annotations

from django.db.models import QuerySet

from twofold.web.accounts.models import User
from twofold.web.couples.selectors import token_hash
from twofold.web.practice.models import (
    Client,
    Consent,
    Practice,
    PracticeInvitation,
    PracticeMember,
)


def member_of(*, user: User, practice: Practice) -> PracticeMember | None:
    return PracticeMember.objects.filter(user=user, practice=practice, active=True).first()


def practices_of(*, user: User) -> QuerySet[PracticeMember]:
    return PracticeMember.objects.filter(user=user, active=True).select_related("practice")


def practice_members(*, practice: Practice) -> QuerySet[PracticeMember]:
    return practice.members.filter(active=True).select_related("user").order_by("joined_at")


def practice_invitation_by_token(*, token: str) -> PracticeInvitation | None:
    return (
        PracticeInvitation.objects.select_related("practice")
        .filter(token_hash=token_hash(token))
        .first()
    )


def client_by_token(*, token: str) -> Client | None:
    return (
        Client.objects.select_related("practice", "practitioner")
        .filter(token_hash=token_hash(token))
        .first()
    )


def clients_of(*, practitioner: User) -> QuerySet[Client]:
    return (
        Client.objects.filter(practitioner=practitioner, ended_at__isnull=True)
        .select_related("couple", "practice")
        .order_by("label")
    )


def consent_current(*, client: Client, person: User) -> Consent | None:
    """The person's consent in force for this client, or None (never given, or withdrawn)."""
    if client.ended_at is not None:
        return None
    latest = client.consents.filter(person=person).order_by("-given_at", "-pk").first()
    if latest is None or latest.withdrawn_at is not None:
        return None
    return latest


def access_of_person(*, person: User) -> list[tuple[Client, Consent]]:
    """Every practitioner who may see something of this person, with what: their access page."""
    out = []
    clients = Client.objects.filter(consents__person=person, ended_at__isnull=True).distinct()
    for client in clients.select_related("practitioner", "practice"):
        consent = consent_current(client=client, person=person)
        if consent is not None:
            out.append((client, consent))
    return out
