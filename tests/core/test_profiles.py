from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.stats import norm

from tests.conftest import answers_for
from twofold.core import (
    Instrument,
    Responses,
    load_instrument,
    percentile_rank,
    profile,
    profile_people,
    profile_person,
)


def test_the_interval_is_score_plus_minus_196_sem(mini_rbi: Instrument) -> None:
    person = profile_person(mini_rbi, answers_for(mini_rbi, HD=5, UD=3, HI=5, UI=3))
    sem = 1.0 * np.sqrt(1 - 0.8)
    assert person.sem["HD"] == pytest.approx(sem)
    lo, hi = person.intervals["HD"]
    assert lo == pytest.approx(5 - 1.959963984540054 * sem)
    assert hi == pytest.approx(5 + 1.959963984540054 * sem)


def test_intervals_stay_within_the_possible_range(mini_rbi: Instrument) -> None:
    person = profile_person(mini_rbi, answers_for(mini_rbi, HD=7, UD=1, HI=7, UI=1))
    assert person.intervals["HD"][1] == 7.0
    assert person.intervals["UD"][0] == 1.0


def test_region_probability_is_the_product_of_the_two_axes(mini_rbi: Instrument) -> None:
    person = profile_person(mini_rbi, answers_for(mini_rbi, HD=5, UD=4, HI=4, UI=3))
    connection = (5 + (8 - 3)) / 2
    autonomy = (4 + (8 - 4)) / 2
    assert person.scores["connection"] == connection
    sem = 0.8 * np.sqrt(1 - 0.84)
    p_conn = norm.cdf((connection - 4) / sem)
    p_aut = norm.cdf((autonomy - 4) / sem)
    probs = person.region_probabilities
    assert probs["interdependent"] == pytest.approx(p_conn * p_aut)
    assert probs["over_dependent"] == pytest.approx(p_conn * (1 - p_aut))
    assert probs["over_independent"] == pytest.approx((1 - p_conn) * p_aut)
    assert probs["disconnected"] == pytest.approx((1 - p_conn) * (1 - p_aut))
    assert sum(probs.values()) == pytest.approx(1.0)


def test_a_score_on_the_cut_is_not_high(mini_rbi: Instrument) -> None:
    person = profile_person(mini_rbi, answers_for(mini_rbi, HD=6, UD=4, HI=4, UI=2))
    assert person.scores["autonomy"] == 4.0
    assert person.region == "over_dependent"
    assert person.region_probabilities["interdependent"] == pytest.approx(
        0.5 * norm.cdf(6 - 4, scale=0.8 * 0.4)
    )


@pytest.mark.parametrize(
    ("facets", "region"),
    [
        ({"HD": 6, "UD": 2, "HI": 6, "UI": 2}, "interdependent"),
        ({"HD": 6, "UD": 6, "HI": 2, "UI": 2}, "over_dependent"),
        ({"HD": 2, "UD": 2, "HI": 6, "UI": 6}, "over_independent"),
        ({"HD": 2, "UD": 6, "HI": 2, "UI": 6}, "disconnected"),
    ],
)
def test_each_region_is_reached(
    mini_rbi: Instrument, facets: dict[str, float], region: str
) -> None:
    assert profile_person(mini_rbi, answers_for(mini_rbi, **facets)).region == region


def test_elevated_flags_at_or_above_their_value(mini_rbi: Instrument) -> None:
    person = profile_person(mini_rbi, answers_for(mini_rbi, HD=6, UD=5, HI=6, UI=4))
    assert person.flags == {"ud_elevated": True, "ui_elevated": False}


def test_a_missing_axis_leaves_region_and_flags_unknown(mini_rbi: Instrument) -> None:
    person = profile_person(mini_rbi, {"hd_a1": 5})
    assert person.region is None
    assert person.region_probabilities == {}
    assert person.flags == {"ud_elevated": None, "ui_elevated": None}
    assert "HD" not in person.intervals


@pytest.mark.parametrize(("answer", "flagged"), [(1, False), (2, True), (4, True), (None, False)])
def test_any_safety_answer_at_the_threshold_raises_the_flag(
    mini_rbi: Instrument, answer: int | None, flagged: bool
) -> None:
    answers = answers_for(mini_rbi, HD=5, UD=3, HI=5, UI=3)
    answers["safe_2"] = answer
    assert profile_person(mini_rbi, answers).safety is flagged


def test_unknown_items_in_answers_are_rejected(mini_rbi: Instrument) -> None:
    with pytest.raises(ValueError, match="unknown item\\(s\\): nope"):
        profile_person(mini_rbi, {"nope": 3})


def test_percentiles_come_only_from_real_norms(fixtures: Path, mini_rbi: Instrument) -> None:
    att = load_instrument(fixtures / "instruments" / "attachment.yaml")
    data = np.full((1, 12), 4.0)
    p = profile(att, Responses.from_array(att, data))
    assert p.percentile_ids == ("anxiety", "avoidance")
    # anxiety 4.0 lies between the 50th (3.6) and 75th (4.3) percentiles
    assert p.percentiles[0, 0] == pytest.approx(50 + 25 * (4.0 - 3.6) / (4.3 - 3.6))
    assert profile_person(mini_rbi, answers_for(mini_rbi, HD=5, UD=3, HI=5, UI=3)).percentiles == {}


def test_percentile_rank_clamps_beyond_the_table() -> None:
    table = ((10.0, 2.0), (50.0, 3.0), (90.0, 4.0))
    out = percentile_rank(np.array([1.0, 3.5, 5.0, np.nan]), table)
    assert out[:3].tolist() == [10.0, 70.0, 90.0]
    assert np.isnan(out[3])


def test_profiles_of_many_people_match_one_at_a_time(mini_rbi: Instrument) -> None:
    rng = np.random.default_rng(3)
    data = rng.integers(1, 8, size=(50, len(mini_rbi.items))).astype(float)
    for item_id in ("safe_1", "safe_2"):
        data[:, mini_rbi.item_position(item_id)] = rng.integers(1, 5, size=50)
    data[rng.random(data.shape) < 0.1] = np.nan
    many = profile(mini_rbi, Responses.from_array(mini_rbi, data))
    for i in (0, 17, 49):
        answers = {
            item: None if np.isnan(v) else int(v)
            for item, v in zip(mini_rbi.item_ids, data[i], strict=True)
        }
        assert many.person(i) == profile_person(mini_rbi, answers)


def test_profiling_people_together_gives_each_the_profile_they_get_alone(
    mini_rbi: Instrument,
) -> None:
    ana = answers_for(mini_rbi, HD=6, UD=2, HI=5, UI=3)
    ben = answers_for(mini_rbi, HD=2, UD=6, HI=3, UI=5)
    partial = dict(list(ana.items())[:3])  # too few answers for most scores
    together = profile_people(mini_rbi, [ana, ben, partial])
    assert together == [profile_person(mini_rbi, a) for a in (ana, ben, partial)]
    assert together[0] != together[1]
    assert profile_people(mini_rbi, []) == []
