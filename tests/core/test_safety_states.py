"""The tri-state safety screen: concern, no concern, not answered (skipping is not safety)."""

from __future__ import annotations

import numpy as np
import pytest

from twofold.core import Instrument, Responses, load_instrument, profile, profile_person


@pytest.fixture(scope="module")
def rbi() -> Instrument:
    return load_instrument("rbi@1.1")


def _person(rbi: Instrument, **safety: int | None) -> dict[str, int | None]:
    answers: dict[str, int | None] = {i.id: 4 for i in rbi.items if i.scale.max == 7}
    rule = rbi.safety
    assert rule is not None
    for item_id in rule.items + rule.own_behaviour:
        answers[item_id] = 1
    for item_id in rule.danger_signs:
        answers[item_id] = None
    answers.update(safety)
    return answers


def test_the_1_1_screen_covers_the_required_content(rbi: Instrument) -> None:
    rule = rbi.safety
    assert rule is not None
    assert len(rule.items) >= 7
    assert all(i.startswith("safety_") for i in rule.items + rule.own_behaviour)
    for needed in (
        "fear",
        "monitoring",
        "isolation",
        "money",
        "putdowns",
        "threats",
        "sexual",
        "harm",
        "now",
    ):
        assert f"safety_{needed}" in rule.items
    assert rule.own_behaviour == ("safety_own_behaviour",)
    assert len(rule.danger_signs) == 5
    assert rbi.form("danger").items == rule.danger_signs
    assert "Since your last check-in" in rbi.form("checkin_safety").instructions["en"]  # type: ignore[index]
    assert "Desde tu último seguimiento" in rbi.form("checkin_safety").instructions["es"]  # type: ignore[index]
    assert set(rbi.form("checkin_safety").items) == set(rule.items + rule.own_behaviour)


def test_every_item_answered_never_is_no_concern(rbi: Instrument) -> None:
    p = profile_person(rbi, _person(rbi))
    assert p.safety_status == "no_concern"
    assert p.own_behaviour_status == "no_concern"
    assert p.danger_sign_status == "not_answered"  # the follow-up is not asked
    assert p.safety is False
    assert p.sharing_allowed


def test_skipping_the_screen_is_not_answered_and_keeps_sharing_closed(rbi: Instrument) -> None:
    skipped = dict.fromkeys(rbi.safety.items)  # type: ignore[union-attr]
    p = profile_person(rbi, _person(rbi, **skipped))
    assert p.safety_status == "not_answered"
    assert p.safety is False  # the old two-state field cannot tell: the reason for the tri-state
    assert not p.sharing_allowed
    one_skipped = profile_person(rbi, _person(rbi, safety_now=None))
    assert one_skipped.safety_status == "not_answered"


@pytest.mark.parametrize("item", ["safety_fear", "safety_money", "safety_sexual", "safety_now"])
def test_one_positive_answer_is_a_concern_even_with_the_rest_skipped(
    rbi: Instrument, item: str
) -> None:
    rest = {i: None for i in rbi.safety.items if i != item}  # type: ignore[union-attr]
    p = profile_person(rbi, _person(rbi, **rest, **{item: 2}))
    assert p.safety_status == "concern"
    assert p.safety is True
    assert p.safety_concern
    assert not p.sharing_allowed


def test_own_behaviour_is_its_own_kind_of_concern(rbi: Instrument) -> None:
    p = profile_person(rbi, _person(rbi, safety_own_behaviour=3))
    assert p.safety_status == "no_concern"
    assert p.own_behaviour_status == "concern"
    assert p.safety_concern  # support applies
    assert p.safety is True  # and the two-state flag closes sharing for older callers
    assert not p.sharing_allowed


def test_a_danger_sign_is_reported_so_the_emergency_route_can_come_first(rbi: Instrument) -> None:
    p = profile_person(rbi, _person(rbi, safety_harm=3, danger_weapon=2))
    assert p.safety_status == "concern"
    assert p.danger_sign_status == "concern"
    none_present = dict.fromkeys(rbi.safety.danger_signs, 1)  # type: ignore[union-attr]
    q = profile_person(rbi, _person(rbi, safety_harm=3, **none_present))
    assert q.danger_sign_status == "no_concern"


def test_the_tri_state_codes_are_vectorised(rbi: Instrument) -> None:
    people = [_person(rbi), _person(rbi, safety_fear=None), _person(rbi, safety_fear=4)]
    rows = np.array([[np.nan if p[i] is None else p[i] for i in rbi.item_ids] for p in people])
    prof = profile(rbi, Responses.from_array(rbi, rows))
    assert prof.safety_state is not None
    assert prof.safety_state.tolist() == [0, -1, 1]
