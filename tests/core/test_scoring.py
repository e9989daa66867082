from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from twofold.core import Instrument, Responses, instrument_from_keys, load_keys, score

BFI_SCALES = ["agree", "conscientious", "extraversion", "neuroticism", "openness"]


@pytest.fixture(scope="module")
def bfi(fixtures, bfi_frame: pd.DataFrame):  # type: ignore[no-untyped-def]
    keys = load_keys(fixtures / "bfi" / "psych_bfi.keys.csv")
    inst = instrument_from_keys(keys, min=1, max=6)
    cols = {item: bfi_frame[item].to_numpy() for item in inst.item_ids}
    return inst, Responses.from_columns(inst, cols)


class TestAgainstPsychScoreItems:
    """psych::scoreItems(bfi.keys, bfi[1:25], impute=...) on all 2800 people, to 1e-9."""

    @pytest.mark.parametrize("impute", ["none", "median", "mean"])
    def test_scale_means_match(self, bfi, bfi_expected: pd.DataFrame, impute: str) -> None:  # type: ignore[no-untyped-def]
        inst, responses = bfi
        table = score(inst, responses, min_answered=0, impute=impute)  # type: ignore[arg-type]
        for scale in BFI_SCALES:
            expected = bfi_expected[f"{scale}_{impute}"].to_numpy()
            np.testing.assert_allclose(table[scale], expected, rtol=0, atol=1e-9)

    def test_the_yaml_definition_scores_the_same(
        self, fixtures, bfi, bfi_frame, bfi_expected
    ) -> None:  # type: ignore[no-untyped-def]
        from twofold.core import load_instrument

        yaml_bfi = load_instrument(fixtures / "instruments" / "bfi.yaml")
        responses = Responses.from_columns(
            yaml_bfi, {i: bfi_frame[i].to_numpy() for i in yaml_bfi.item_ids}
        )
        table = score(yaml_bfi, responses, impute="none")
        np.testing.assert_allclose(table["agree"], bfi_expected["agree_none"], atol=1e-9)


def one_scale(keys: list[str], lo: int = 1, hi: int = 5) -> Instrument:
    return instrument_from_keys({"S": keys}, min=lo, max=hi)


def test_a_reversed_item_counts_as_min_plus_max_minus_the_answer() -> None:
    inst = one_scale(["a", "-b"], lo=1, hi=7)
    r = Responses.from_array(inst, np.array([[6.0, 2.0]]))
    assert score(inst, r)["S"][0] == 6.0


def test_too_few_answers_give_a_missing_score_never_a_number() -> None:
    inst = one_scale(["a", "b", "c", "d"])
    data = np.array([[1, 2, 3, np.nan], [1, 2, np.nan, np.nan], [np.nan] * 4])
    table = score(inst, Responses.from_array(inst, data))  # default: 75%, so 3 of 4
    assert table["S"][0] == 2.0
    assert np.isnan(table["S"][1])
    assert np.isnan(table["S"][2])
    assert table.count("S").tolist() == [3, 2, 0]


def test_min_answered_zero_scores_from_a_single_answer_but_not_from_none() -> None:
    inst = one_scale(["a", "b", "c", "d"])
    data = np.array([[np.nan, 4, np.nan, np.nan], [np.nan] * 4])
    table = score(inst, Responses.from_array(inst, data), min_answered=0)
    assert table["S"][0] == 4.0
    assert np.isnan(table["S"][1])


def test_nested_scales_average_items_not_subscale_means(mini_rbi: Instrument) -> None:
    answers = dict.fromkeys(mini_rbi.item_ids, np.nan)
    answers.update(hd_a1=7, hd_a2=1, hd_b1=1, hd_b2=np.nan)  # hd_a2 reversed: 7
    row = np.array([[answers[i] for i in mini_rbi.item_ids]], dtype=float)
    table = score(mini_rbi, Responses.from_array(mini_rbi, row))
    assert table["hd_a"][0] == 7.0
    assert table["hd_b"][0] == 1.0
    assert table["HD"][0] == 5.0  # (7 + 7 + 1) / 3, not (7 + 1) / 2


def test_composites_reverse_their_parts(mini_rbi: Instrument) -> None:
    row = dict.fromkeys(mini_rbi.item_ids, 4.0)
    row.update(hd_a1=6, hd_a2=2, hd_b1=6, hd_b2=6)  # HD = 6
    row.update(ui_a1=6, ui_a2=2, ui_b1=2, ui_b2=2)  # UI = 2 (ui_a1 reversed)
    data = np.array([[row[i] for i in mini_rbi.item_ids]])
    data[:, [mini_rbi.item_position("safe_1"), mini_rbi.item_position("safe_2")]] = 1
    table = score(mini_rbi, Responses.from_array(mini_rbi, data))
    assert table["connection"][0] == pytest.approx((6 + (8 - 2)) / 2)


def test_a_missing_part_makes_the_composite_missing(mini_rbi: Instrument) -> None:
    data = np.full((1, len(mini_rbi.items)), np.nan)
    data[0, [mini_rbi.item_position(i) for i in ("hd_a1", "hd_a2", "hd_b1", "hd_b2")]] = 5
    table = score(mini_rbi, Responses.from_array(mini_rbi, data))
    assert table["HD"][0] == pytest.approx((5 + 3 + 5 + 5) / 4)  # hd_a2 reversed
    assert np.isnan(table["connection"][0])


def test_imputation_uses_the_given_item_centres() -> None:
    inst = one_scale(["a", "-b"])
    r = Responses.from_array(inst, np.array([[4.0, np.nan]]))
    table = score(inst, r, impute="mean", min_answered=0, centres=np.array([3.0, 2.0]))
    assert table["S"][0] == (4 + (6 - 2)) / 2


def test_bad_options_are_named() -> None:
    inst = one_scale(["a"])
    r = Responses.from_array(inst, np.array([[1.0]]))
    with pytest.raises(ValueError, match=r"min_answered must lie in 0\.\.1, got 1\.5"):
        score(inst, r, min_answered=1.5)
    with pytest.raises(ValueError, match="impute must be 'none', 'mean' or 'median', got 'max'"):
        score(inst, r, impute="max")  # type: ignore[arg-type]


def test_large_inputs_are_scored_in_blocks_identically() -> None:
    inst = one_scale(["a", "-b", "c"])
    rng = np.random.default_rng(7)
    data = rng.integers(1, 6, size=(100_003, 3)).astype(float)
    data[rng.random(data.shape) < 0.1] = np.nan
    table = score(inst, Responses.from_array(inst, data))
    keyed = data.copy()
    keyed[:, 1] = 6 - keyed[:, 1]
    counts = (~np.isnan(keyed)).sum(axis=1)
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning, match="empty slice"):
        means = np.nanmean(keyed, axis=1)
    expected = np.where(counts >= 3, means, np.nan)
    np.testing.assert_allclose(table["S"], expected, equal_nan=True, atol=1e-12)


# ---- properties -----------------------------------------------------------------------------

answers = arrays(
    np.float64,
    st.tuples(st.integers(1, 30), st.just(4)),
    elements=st.one_of(st.integers(1, 5).map(float), st.just(np.nan)),
)


@settings(max_examples=150, deadline=None)
@given(data=answers, flip=st.integers(0, 3))
def test_flipping_an_items_keying_and_its_answers_leaves_scores_unchanged(data, flip) -> None:  # type: ignore[no-untyped-def]
    keys = ["a", "-b", "c", "d"]
    flipped_keys = list(keys)
    name = keys[flip].lstrip("-")
    flipped_keys[flip] = name if keys[flip].startswith("-") else f"-{name}"
    flipped = data.copy()
    flipped[:, flip] = 6 - flipped[:, flip]
    a = score(one_scale(keys), Responses.from_array(one_scale(keys), data))["S"]
    b = score(one_scale(flipped_keys), Responses.from_array(one_scale(flipped_keys), flipped))["S"]
    np.testing.assert_allclose(a, b, equal_nan=True, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(data=answers, seed=st.integers(0, 2**32 - 1))
def test_row_order_does_not_matter(data, seed) -> None:  # type: ignore[no-untyped-def]
    inst = one_scale(["a", "-b", "c", "d"])
    order = np.random.default_rng(seed).permutation(len(data))
    a = score(inst, Responses.from_array(inst, data))["S"]
    b = score(inst, Responses.from_array(inst, data[order]))["S"]
    np.testing.assert_array_equal(a[order], b)


@settings(max_examples=150, deadline=None)
@given(data=answers, share=st.floats(0, 1))
def test_scores_stay_inside_the_scale_and_need_enough_answers(data, share) -> None:  # type: ignore[no-untyped-def]
    inst = one_scale(["a", "-b", "c", "d"])
    table = score(inst, Responses.from_array(inst, data), min_answered=share)
    s = table["S"]
    answered = (~np.isnan(data)).sum(axis=1)
    needed = max(1, int(np.ceil(share * 4 - 1e-9)))
    assert np.array_equal(np.isnan(s), answered < needed)
    assert np.all((s[~np.isnan(s)] >= 1) & (s[~np.isnan(s)] <= 5))


def test_a_nested_scale_may_be_listed_before_the_scales_it_contains() -> None:
    from twofold.core import parse_instrument

    inst = parse_instrument(
        """
id: order
version: "1"
title: {en: order}
languages: [en]
response_scales: {r: {min: 1, max: 5}}
default_response_scale: r
items:
  - {id: a, text: {en: a}}
  - {id: b, text: {en: b}, reverse: true}
  - {id: c, text: {en: c}}
scales:
  - {id: whole, label: {en: whole}, scales: [part_one, part_two]}
  - {id: part_one, label: {en: one}, items: [a, b], min_answered: 0.5}
  - {id: part_two, label: {en: two}, items: [c], min_answered: 1}
"""
    )
    table = score(inst, Responses.from_array(inst, np.array([[5.0, 1.0, 2.0]])))
    assert table["whole"][0] == 4.0
    assert table["part_one"][0] == 5.0
