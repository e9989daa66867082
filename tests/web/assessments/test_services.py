"""Starting, answering and finishing an assessment, checked through the services."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import answers_for
from twofold.core import Instrument
from twofold.web.accounts.models import User
from twofold.web.assessments.selectors import (
    assessment_answers,
    assessment_profile,
    assessment_progress,
    assessment_steps,
)
from twofold.web.assessments.services import (
    AnswerError,
    IncompleteError,
    answer_save,
    answers_save,
    assessment_choose_partner_form,
    assessment_complete,
    assessment_start,
)

pytestmark = pytest.mark.django_db


def test_starting_twice_resumes_the_same_assessment(partner_a: User) -> None:
    first = assessment_start(user=partner_a)
    assert assessment_start(user=partner_a).pk == first.pk


def test_each_person_gets_their_own_stable_item_order(
    partner_a: User, partner_b: User, instrument: Instrument
) -> None:
    a = assessment_start(user=partner_a, seed=1)
    b = assessment_start(user=partner_b, seed=2)
    assert a.item_order["self"] != b.item_order["self"]
    assert sorted(a.item_order["self"]) == sorted(instrument.form("self").items)
    a.refresh_from_db()
    assert assessment_start(user=partner_a).item_order == a.item_order


def test_an_answer_is_stored_and_can_be_changed(partner_a: User) -> None:
    assessment = assessment_start(user=partner_a)
    item = assessment.item_order["self"][0]
    answer_save(assessment=assessment, item_id=item, value="3")
    answer_save(assessment=assessment, item_id=item, value=6)
    assert assessment_answers(assessment=assessment) == {item: 6}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("8", "outside the answer scale (1 to 7)"),
        ("0", "outside the answer scale"),
        ("4.5", "is not a whole number"),
        ("", "is not a whole number"),
        (None, "must be a whole number"),
        (True, "must be a whole number"),
    ],
)
def test_a_bad_value_is_refused_with_a_message_naming_the_item(
    partner_a: User, value: object, message: str
) -> None:
    assessment = assessment_start(user=partner_a)
    item = assessment.item_order["self"][0]
    with pytest.raises(AnswerError, match=re.escape(message)) as info:
        answer_save(assessment=assessment, item_id=item, value=value)
    assert item in str(info.value)
    assert assessment_answers(assessment=assessment) == {}


def test_an_item_outside_the_assessment_is_refused(partner_a: User) -> None:
    assessment = assessment_start(user=partner_a)
    with pytest.raises(AnswerError, match="not part of this assessment"):
        answer_save(assessment=assessment, item_id="no_such_item", value=3)


def test_partner_items_are_refused_until_the_person_chooses_to_answer_them(
    partner_a: User,
) -> None:
    assessment = assessment_start(user=partner_a)
    partner_item = assessment.item_order["partner"][0]
    with pytest.raises(AnswerError, match="not part of this assessment"):
        answer_save(assessment=assessment, item_id=partner_item, value=3)
    assessment_choose_partner_form(assessment=assessment, include=True)
    answer_save(assessment=assessment, item_id=partner_item, value=3)
    assessment_choose_partner_form(assessment=assessment, include=False)
    assert partner_item not in assessment_answers(assessment=assessment)


def test_a_page_of_answers_is_saved_all_or_nothing(partner_a: User) -> None:
    assessment = assessment_start(user=partner_a)
    first, second = assessment.item_order["self"][:2]
    with pytest.raises(AnswerError):
        answers_save(assessment=assessment, answers={first: "4", second: "99"})
    assert assessment_answers(assessment=assessment) == {}


def test_steps_cover_every_item_once_in_the_drawn_order(partner_a: User) -> None:
    assessment = assessment_start(user=partner_a)
    assessment_choose_partner_form(assessment=assessment, include=True)
    steps = assessment_steps(assessment=assessment)
    shown = [item for step in steps for item in step.items]
    forms = ("self", "partner", "outcomes", "safety")
    expected = [item for form in forms for item in assessment.item_order[form]]
    assert shown == expected
    assert steps[-1].kind == "review"
    assert [s.kind for s in steps].count("partner_choice") == 1


def test_progress_counts_only_the_forms_the_person_answers(
    partner_a: User, instrument: Instrument
) -> None:
    assessment = assessment_start(user=partner_a)
    assessment_choose_partner_form(assessment=assessment, include=False)
    answers_save(assessment=assessment, answers=dict(answers_for(instrument, partner=False)))
    answered, total = assessment_progress(assessment=assessment)
    assert answered == total == len(instrument.items) - len(instrument.form("partner").items)


def test_finishing_needs_enough_answers_for_the_map(partner_a: User) -> None:
    assessment = assessment_start(user=partner_a)
    with pytest.raises(IncompleteError):
        assessment_complete(assessment=assessment)
    assert not assessment.is_complete


def test_a_finished_assessment_is_scored_by_the_core_and_no_longer_changes(
    partner_a: User, instrument: Instrument
) -> None:
    assessment = assessment_start(user=partner_a)
    assessment_choose_partner_form(assessment=assessment, include=True)
    answers_save(assessment=assessment, answers=dict(answers_for(instrument, level=6)))
    assessment_complete(assessment=assessment)
    profile = assessment_profile(assessment=assessment)
    assert profile.region is not None
    assert profile.safety is False
    with pytest.raises(AnswerError, match="finished"):
        answer_save(assessment=assessment, item_id=assessment.item_order["self"][0], value=2)
