from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import answers_for
from twofold.core import CoupleError, Instrument, Responses, couple_of, couples, pair_rows, profile

INTER = {"HD": 6, "UD": 2, "HI": 6, "UI": 2}
OVER_DEP = {"HD": 6, "UD": 4, "HI": 3, "UI": 2}  # UD below the elevated mark
OVER_IND = {"HD": 3, "UD": 2, "HI": 6, "UI": 4}
DISCONNECTED = {"HD": 2, "UD": 5, "HI": 2, "UI": 5}


@pytest.mark.parametrize(
    ("a", "b", "pattern"),
    [
        (INTER, INTER, "interdependent_pair"),
        (OVER_DEP, OVER_IND, "pursue_withdraw"),
        (OVER_IND, OVER_DEP, "pursue_withdraw"),
        (OVER_DEP, OVER_DEP, "fused"),
        (OVER_IND, OVER_IND, "parallel_lives"),
        (INTER, OVER_DEP, "one_sided"),
        (OVER_DEP, INTER, "one_sided"),
        (INTER, OVER_IND, "mixed"),
        (DISCONNECTED, INTER, "mixed"),
    ],
)
def test_patterns_follow_the_model(
    mini_rbi: Instrument, a: dict[str, float], b: dict[str, float], pattern: str
) -> None:
    _, _, couple = couple_of(mini_rbi, answers_for(mini_rbi, **a), answers_for(mini_rbi, **b))
    assert couple.pattern == pattern


def test_an_elevated_unhealthy_facet_counts_towards_pursue_withdraw(mini_rbi: Instrument) -> None:
    clinging_but_balanced = {"HD": 7, "UD": 5, "HI": 7, "UI": 2}  # interdependent, UD elevated
    person_a, _, couple = couple_of(
        mini_rbi,
        answers_for(mini_rbi, **clinging_but_balanced),
        answers_for(mini_rbi, **OVER_IND),
    )
    assert person_a.region == "interdependent"
    assert person_a.flags["ud_elevated"] is True
    assert couple.pattern == "pursue_withdraw"


def test_distance_is_euclidean_on_the_map(mini_rbi: Instrument) -> None:
    a, b, couple = couple_of(
        mini_rbi, answers_for(mini_rbi, **INTER), answers_for(mini_rbi, **OVER_DEP)
    )
    dx = a.scores["autonomy"] - b.scores["autonomy"]  # type: ignore[operator]
    dy = a.scores["connection"] - b.scores["connection"]  # type: ignore[operator]
    assert couple.distance == pytest.approx(np.hypot(dx, dy))


def test_profile_similarity_is_the_correlation_of_facet_profiles(mini_rbi: Instrument) -> None:
    a, b, couple = couple_of(
        mini_rbi, answers_for(mini_rbi, **INTER), answers_for(mini_rbi, **OVER_DEP)
    )
    facets = ["HD", "UD", "HI", "UI"]
    expected = np.corrcoef([a.scores[f] for f in facets], [b.scores[f] for f in facets])[0, 1]
    assert couple.similarity == pytest.approx(expected)


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
