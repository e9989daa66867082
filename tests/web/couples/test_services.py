"""Creating, joining and leaving couple spaces through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.conftest import Finish
from twofold.web.accounts.models import User
from twofold.web.accounts.services import user_delete
from twofold.web.couples.models import Couple, Invitation, Membership, ViewRecord
from twofold.web.couples.selectors import couple_report_for, membership_active
from twofold.web.couples.services import (
    CoupleError,
    couple_create,
    couple_invite_accept,
    couple_invite_create,
    couple_leave,
    couple_sharing_set,
    couple_view_record,
)

pytestmark = pytest.mark.django_db


def test_a_person_is_in_at_most_one_active_couple_space(partner_a: User) -> None:
    couple_create(user=partner_a)
    with pytest.raises(CoupleError, match="already in a couple space"):
        couple_create(user=partner_a)


def test_an_invitation_lets_the_partner_join_once(
    partner_a: User, partner_b: User, outsider: User
) -> None:
    couple_create(user=partner_a)
    _, token = couple_invite_create(user=partner_a)
    membership = couple_invite_accept(user=partner_b, token=token)
    assert membership.slot == "b"
    with pytest.raises(CoupleError, match="already been used"):
        couple_invite_accept(user=outsider, token=token)
    assert membership_active(user=outsider) is None


def test_only_a_hash_of_the_token_is_stored(partner_a: User) -> None:
    couple_create(user=partner_a)
    _, token = couple_invite_create(user=partner_a)
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_an_invitation_expires_after_seven_days(partner_a: User, partner_b: User) -> None:
    couple_create(user=partner_a)
    invitation, token = couple_invite_create(user=partner_a)
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(CoupleError, match="expired"):
        couple_invite_accept(user=partner_b, token=token)


def test_a_new_invitation_makes_the_old_link_stop_working(partner_a: User, partner_b: User) -> None:
    couple_create(user=partner_a)
    _, old = couple_invite_create(user=partner_a)
    _, new = couple_invite_create(user=partner_a)
    with pytest.raises(CoupleError, match="not valid"):
        couple_invite_accept(user=partner_b, token=old)
    couple_invite_accept(user=partner_b, token=new)


def test_nobody_joins_with_their_own_invitation(partner_a: User) -> None:
    couple_create(user=partner_a)
    _, token = couple_invite_create(user=partner_a)
    with pytest.raises(CoupleError, match="your own invitation"):
        couple_invite_accept(user=partner_a, token=token)


def test_someone_already_in_a_couple_cannot_join_another(
    couple: tuple[User, User], outsider: User
) -> None:
    _, partner_b = couple
    couple_create(user=outsider)
    _, token = couple_invite_create(user=outsider)
    with pytest.raises(CoupleError, match="already in a couple space"):
        couple_invite_accept(user=partner_b, token=token)


def test_a_full_couple_space_cannot_be_invited_to(couple: tuple[User, User]) -> None:
    partner_a, _ = couple
    with pytest.raises(CoupleError, match="already joined"):
        couple_invite_create(user=partner_a)


def test_leaving_ends_the_space_for_both_and_revokes_consent(
    couple: tuple[User, User],
) -> None:
    partner_a, partner_b = couple
    couple_sharing_set(user=partner_a, share=True)
    couple_leave(user=partner_a)
    assert membership_active(user=partner_a) is None
    assert membership_active(user=partner_b) is None
    assert not Membership.objects.filter(shares_results=True).exists()
    couple_create(user=partner_b)  # each is free to start again


def test_deleting_an_account_removes_its_data_and_closes_the_partners_report(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    for person in couple:
        finish(person)
        couple_sharing_set(user=person, share=True)
    assert couple_report_for(user=partner_a).state == "open"
    user_delete(user=partner_b)
    assert not User.objects.filter(email="bruno@example.org").exists()
    assert not Membership.objects.filter(user_id=partner_b.pk).exists()
    from twofold.web.assessments.models import Answer, Assessment

    assert not Assessment.objects.filter(user_id=partner_b.pk).exists()
    assert Answer.objects.filter(assessment__user=partner_a).exists()
    assert couple_report_for(user=partner_a).state == "no_couple"


def test_a_view_is_recorded_with_who_when_and_which_space(couple: tuple[User, User]) -> None:
    partner_a, _ = couple
    space = membership_active(user=partner_a)
    assert space is not None
    before = timezone.now()
    record = couple_view_record(couple=space.couple, viewer=partner_a)
    assert (record.couple_id, record.viewer_id, record.what) == (
        space.couple_id,
        partner_a.pk,
        ViewRecord.What.COUPLE_REPORT,
    )
    assert before <= record.at <= timezone.now()


def test_deleting_an_account_leaves_its_views_in_the_partners_log_under_one_pseudonym(
    couple: tuple[User, User],
) -> None:
    partner_a, partner_b = couple
    space = membership_active(user=partner_a)
    assert space is not None
    for viewer in (partner_b, partner_a, partner_b):
        couple_view_record(couple=space.couple, viewer=viewer)
    user_delete(user=partner_b)
    records = list(ViewRecord.objects.filter(couple=space.couple))
    assert len(records) == 3
    gone = [r for r in records if r.viewer_id is None]
    assert len(gone) == 2
    assert len({r.viewer_pseudonym for r in gone}) == 1
    assert gone[0].viewer_pseudonym.startswith("deleted-")
    assert "bruno" not in gone[0].viewer_pseudonym.lower()
    assert [r.viewer_id for r in records if r.viewer_id] == [partner_a.pk]


def test_a_couple_space_nobody_belongs_to_any_more_goes_with_its_log(
    couple: tuple[User, User],
) -> None:
    partner_a, partner_b = couple
    space = membership_active(user=partner_a)
    assert space is not None
    couple_view_record(couple=space.couple, viewer=partner_a)
    user_delete(user=partner_b)
    assert Couple.objects.filter(pk=space.couple_id).exists()  # still Ana's
    user_delete(user=partner_a)
    assert not Couple.objects.filter(pk=space.couple_id).exists()
    assert not ViewRecord.objects.exists()
