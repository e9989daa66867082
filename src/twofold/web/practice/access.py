"""Who may see what in the practice app: every rule of it is here, and only here.

- A practice's member list and invitations: its practice admin, or site staff.
- A client couple's page and its notes: the practitioner who follows it, nobody else (not
  another practitioner of the practice, not the practice admin, not staff), and only while the
  work goes on (discharge ends it at once).
- What that page shows of each partner: what that partner consents to now (see
  :func:`client_view_for`). The couple report only when both consent to it *and* it is open to
  the partners themselves (``couple_report_for``), so a safety answer closes it for the
  practitioner exactly as for the partner. A safety concern is shown only to a practitioner
  the partner let see safety answers, and only on that partner's own block, never at couple
  level.
- A partner's access page and withdrawing: the partner themselves.

Objects in URLs that the person may not reach are a 404, so nobody learns that they exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from twofold.core import PersonProfile
from twofold.web.accounts.access import signed_in_user
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Assessment
from twofold.web.assessments.selectors import (
    assessment_latest_complete,
    assessment_profile,
    checkins_finished,
    safety_decision,
)
from twofold.web.couples.models import Membership
from twofold.web.couples.selectors import couple_report_for
from twofold.web.practice.models import Client, Consent, Practice, PracticeMember
from twofold.web.practice.selectors import consent_current, member_of, practices_of


def practice_admin_or_staff(request: HttpRequest, practice_id: int) -> Practice:
    user = signed_in_user(request)
    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None:
        raise Http404
    if user.is_staff:
        return practice
    member = member_of(user=user, practice=practice)
    if member is None or member.role != PracticeMember.Role.ADMIN:
        raise Http404
    return practice


def practitioner_membership(request: HttpRequest) -> PracticeMember:
    """The signed-in person's practitioner membership (their first practice); 403 otherwise."""
    user = signed_in_user(request)
    member = practices_of(user=user).filter(role=PracticeMember.Role.PRACTITIONER).first()
    if member is None:
        raise PermissionDenied
    return member


def is_practice_member(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and practices_of(user=user).exists()


def followed_client(request: HttpRequest, client_id: int) -> Client:
    """A client couple of the signed-in practitioner, still followed; 404 for anyone else."""
    user = signed_in_user(request)
    client = (
        Client.objects.select_related("couple", "practice")
        .filter(pk=client_id, practitioner=user, ended_at__isnull=True)
        .first()
    )
    if client is None or member_of(user=user, practice=client.practice) is None:
        raise Http404
    return client


def consented_client(request: HttpRequest, client_id: int) -> Client:
    """A client record this partner has consented to at some time (for withdrawing)."""
    user = signed_in_user(request)
    client = Client.objects.filter(pk=client_id, consents__person=user).distinct().first()
    if client is None:
        raise Http404
    return client


@dataclass
class PartnerView:
    """What the practitioner may see of one partner."""

    person: User
    consent: Consent | None
    assessment: Assessment | None = None
    profile: PersonProfile | None = None
    checkins: list[Assessment] = field(default_factory=list)
    safety_concern: bool = False  # only ever True with safety consent


@dataclass
class ClientView:
    partners: list[PartnerView]
    couple_report_open: bool


def client_view_for(client: Client) -> ClientView:
    """Each partner's block as consented, and whether the couple report may be shown."""
    partners: list[PartnerView] = []
    if client.couple is None or client.ended_at is not None:
        return ClientView(partners=[], couple_report_open=False)
    members = Membership.objects.filter(couple=client.couple, active=True).select_related("user")
    for membership in members.order_by("slot"):
        person = membership.user
        consent = consent_current(client=client, person=person)
        view = PartnerView(person=person, consent=consent)
        if consent is not None:
            latest = assessment_latest_complete(user=person)
            if consent.own_results and latest is not None:
                view.assessment = latest
                view.profile = assessment_profile(assessment=latest)
            if consent.checkins:
                view.checkins = checkins_finished(user=person)
            if consent.safety:
                # The assessments app's one rule for safety (concern anywhere it still counts).
                view.safety_concern = safety_decision(user=person).state == "concern"
        partners.append(view)
    both_consent = len(partners) == 2 and all(
        p.consent is not None and p.consent.couple_report for p in partners
    )
    report_open = both_consent and couple_report_for(user=partners[0].person).state == "open"
    return ClientView(partners=partners, couple_report_open=report_open)
