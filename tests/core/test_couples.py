from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import answers_for
from twofold.core import (
    CoupleError,
    Instrument,
    Responses,
    couple_of,
    couples,
    load_instrument,
    pair_rows,
    profile,
)

INTER = {"HD": 6, "UD": 2, "HI": 6, "UI": 2}
OVER_DEP = {"HD": 6, "UD": 4, "HI": 3, "UI": 2}  # UD below the elevated mark
OVER_IND = {"HD": 3, "UD": 2, "HI": 6, "UI": 4}
DISCONNECTED = {"HD": 2, "UD": 5, "HI": 2, "UI": 5}


@pytest.mark.parametrize(
    ("a", "b", "pattern"),
    [
        (INTER, INTER, "interdependent_pair"),
        # the mini instrument has no reassurance sub-facet: no pursuit without it
        (OVER_DEP, OVER_IND, "mixed"),
        (OVER_DEP, OVER_DEP, "fused"),
        (OVER_IND, OVER_IND, "parallel_lives"),
        (INTER, OVER_DEP, "one_sided"),
        (OVER_DEP, INTER, "one_sided"),
        (INTER, OVER_IND, "mixed"),
        (DISCONNECTED, INTER, "mixed"),
        (DISCONNECTED, DISCONNECTED, "both_disconnected"),
    ],
)
def test_patterns_follow_the_model(
    mini_rbi: Instrument, a: dict[str, float], b: dict[str, float], pattern: str
) -> None:
    _, _, couple = couple_of(mini_rbi, answers_for(mini_rbi, **a), answers_for(mini_rbi, **b))
    assert couple.pattern == pattern


@pytest.fixture(scope="module")
def rbi() -> Instrument:
    return load_instrument("rbi")


def _with(inst: Instrument, facets: dict[str, float], **subfacets: float) -> dict[str, int]:
    answers = dict(answers_for(inst, **facets))
    answers.update(answers_for(inst, **subfacets))
    return {k: v for k, v in answers.items() if v is not None}


# UD 4.0 on average either way; only where the 1.5 points sit differs.
SEEKING = {"ud_reassurance": 6, "ud_silencing": 3, "ud_needs": 3, "ud_responsibility": 4}
CARRYING = {"ud_reassurance": 3, "ud_silencing": 4, "ud_needs": 3, "ud_responsibility": 6}
WITHDRAWN = {"HD": 3, "UD": 2, "HI": 6, "UI": 5}


@pytest.mark.parametrize("a_first", [True, False])
def test_pursue_withdraw_rests_on_reassurance_seeking(rbi: Instrument, a_first: bool) -> None:
    seeker = _with(rbi, {"HD": 6, "HI": 3, "UI": 2}, **SEEKING)
    withdrawn = _with(rbi, WITHDRAWN)
    pair = (seeker, withdrawn) if a_first else (withdrawn, seeker)
    _, _, couple = couple_of(rbi, *pair)
    assert couple.pattern == "pursue_withdraw"


def test_an_elevated_ud_without_reassurance_seeking_is_not_pursuit(rbi: Instrument) -> None:
    carrying = _with(rbi, {"HD": 7, "HI": 7, "UI": 2}, **dict.fromkeys(CARRYING, 6) | CARRYING)
    carrying.update(answers_for(rbi, ud_silencing=6, ud_needs=6))  # UD 5.25: elevated
    person_a, _, couple = couple_of(rbi, carrying, _with(rbi, WITHDRAWN))
    assert person_a.flags["ud_elevated"] is True
    assert person_a.scores["ud_reassurance"] == 3
    assert couple.pattern != "pursue_withdraw"


def test_two_all_seven_partners_are_not_pursue_withdraw(rbi: Instrument) -> None:
    all_seven = {i: 7 for f in rbi.profile for i in rbi.scale(f).items}
    all_seven.update(answers_for(rbi))  # safety items "never"
    a, _b, couple = couple_of(rbi, all_seven, dict(all_seven))
    assert a.response_style == ("acquiescence", "straight_lining")
    assert a.flags == {"ud_elevated": None, "ui_elevated": None}
    assert a.region is None
    assert couple.pattern is None


def test_distance_is_euclidean_on_the_map(mini_rbi: Instrument) -> None:
    a, b, couple = couple_of(
        mini_rbi, answers_for(mini_rbi, **INTER), answers_for(mini_rbi, **OVER_DEP)
    )
    dx = a.scores["autonomy"] - b.scores["autonomy"]  # type: ignore[operator]
    dy = a.scores["connection"] - b.scores["connection"]  # type: ignore[operator]
    assert couple.distance == pytest.approx(np.hypot(dx, dy))


def test_profile_similarity_is_distinctive_centred_on_the_norms(mini_rbi: Instrument) -> None:
    a, b, couple = couple_of(
        mini_rbi, answers_for(mini_rbi, **INTER), answers_for(mini_rbi, **OVER_DEP)
    )
    facets = ["HD", "UD", "HI", "UI"]
    means = [mini_rbi.norm(f).mean for f in facets]  # type: ignore[union-attr]
    da = [a.scores[f] - m for f, m in zip(facets, means, strict=True)]  # type: ignore[operator]
    db = [b.scores[f] - m for f, m in zip(facets, means, strict=True)]  # type: ignore[operator]
    assert couple.similarity == pytest.approx(np.corrcoef(da, db)[0, 1])
    raw = np.corrcoef([a.scores[f] for f in facets], [b.scores[f] for f in facets])[0, 1]
    assert couple.similarity != pytest.approx(raw)


def test_two_typical_profiles_are_not_called_similar_for_being_typical(
    mini_rbi: Instrument,
) -> None:
    # norm means HD 5, UD 3, HI 5, UI 3: a is one point above them on the dependence facets,
    # b on the independence facets. The raw profiles correlate; the distinctive ones do not.
    a = {"HD": 6, "UD": 4, "HI": 5, "UI": 3}
    b = {"HD": 5, "UD": 3, "HI": 6, "UI": 4}
    raw = np.corrcoef(list(a.values()), list(b.values()))[0, 1]
    assert raw > 0.5
    _, _, couple = couple_of(mini_rbi, answers_for(mini_rbi, **a), answers_for(mini_rbi, **b))
    assert couple.similarity is not None
    assert couple.similarity < 0.5


def test_understanding_compares_each_view_with_the_others_self_report(mini_rbi: Instrument) -> None:
    answers_a = answers_for(mini_rbi, **INTER) | {"pp_hd": 5, "pp_ud": 4, "pp_hi": 3, "pp_ui": 2}
    answers_b = answers_for(mini_rbi, **OVER_DEP) | {"pp_hd": 6}
    a, b, couple = couple_of(mini_rbi, answers_a, answers_b)
    assert couple.understanding["HD"] == (5 - b.scores["HD"], 6 - a.scores["HD"])  # type: ignore[operator]
    assert couple.understanding["UD"] == (4 - b.scores["UD"], None)  # type: ignore[operator]


def test_couples_pair_rows_in_order_of_first_appearance(mini_rbi: Instrument) -> None:
    ids, row_a, row_b = pair_rows(np.array(["y", "x", "y", "x"], dtype=object))
    assert ids.tolist() == ["y", "x"]
    assert row_a.tolist() == [0, 1]
    assert row_b.tolist() == [2, 3]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["c1", "c1", "c2"], "couple 'c2' has one person (rows 3); a couple has two"),
        (["c1", "c1", "c1"], "couple 'c1' has 3 people (rows 1, 2, 3); a couple has two"),
    ],
)
def test_a_couple_of_one_or_three_is_an_error(ids: list[str], message: str) -> None:
    with pytest.raises(CoupleError) as info:
        pair_rows(np.array(ids, dtype=object))
    assert info.value.problems == [message]


def test_many_couples_at_once_match_one_at_a_time(mini_rbi: Instrument) -> None:
    people = [INTER, OVER_DEP, OVER_IND, OVER_IND, DISCONNECTED, INTER]
    rows = [[answers_for(mini_rbi, **p).get(i) for i in mini_rbi.item_ids] for p in people]
    data = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)
    result = couples(
        profile(mini_rbi, Responses.from_array(mini_rbi, data)), np.array([1, 1, 2, 2, 3, 3])
    )
    assert result.pattern_names() == ["one_sided", "parallel_lives", "mixed"]
