"""Reliability against psych 2.2.9 on bfi, against R's factor analysis, and on simulated data."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import twofold.core.reliability
from twofold.core import alpha, omega, pairwise_cor, pairwise_cov
from twofold.core.reliability import scale_correlations

FIXTURES = Path(__file__).parents[1] / "fixtures"
SCALES = ["agree", "conscientious", "extraversion", "neuroticism", "openness"]
ALPHA_TOL = 1e-6  # issue 3: alpha-family values within 1e-6 of psych
OMEGA_TOL = 1e-3  # issue 3: omega within 1e-3 of psych


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "bfi" / "reliability_expected.json").read_text())
    return data


@pytest.fixture(scope="module")
def efa_expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "efa" / "efa_reference.json").read_text())
    return data


@pytest.fixture(scope="module")
def bfi_items(bfi_frame: pd.DataFrame) -> pd.DataFrame:
    return bfi_frame.iloc[:, 1:26]


def _scale(expected: dict[str, Any], name: str) -> tuple[list[str], list[int]]:
    keys = expected["keys"][name]
    return [k.lstrip("-") for k in keys], [-1 if k.startswith("-") else 1 for k in keys]


# --------------------------------------------------------------------------------------------
# alpha against psych::alpha
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCALES)
def test_alpha_family_matches_psych_alpha(
    bfi_items: pd.DataFrame, expected: dict[str, Any], name: str
) -> None:
    items, keys = _scale(expected, name)
    a = alpha(bfi_items[items], keys=keys, min=1, max=6)
    ref = expected["alpha"][name]
    total = ref["total"]
    pairs = {
        "raw": "raw_alpha",
        "std": "std.alpha",
        "g6": "G6(smc)",
        "average_r": "average_r",
        "signal_noise": "S/N",
        "ase": "ase",
        "mean": "mean",
        "sd": "sd",
        "median_r": "median_r",
    }
    for mine, theirs in pairs.items():
        assert getattr(a, mine) == pytest.approx(total[theirs], abs=ALPHA_TOL), mine
    assert a.feldt == pytest.approx((ref["feldt"]["lower"], ref["feldt"]["upper"]), abs=ALPHA_TOL)
    assert a.duhachek == pytest.approx(
        (ref["duhachek"]["lower"], ref["duhachek"]["upper"]), abs=ALPHA_TOL
    )
    assert a.n_obs == 2800


@pytest.mark.parametrize("name", SCALES)
def test_item_analysis_matches_psych_item_stats_and_alpha_drop(
    bfi_items: pd.DataFrame, expected: dict[str, Any], name: str
) -> None:
    items, keys = _scale(expected, name)
    stats = alpha(bfi_items[items], keys=keys, min=1, max=6).item_stats
    ref = expected["alpha"][name]
    for mine, theirs in {
        "n": "n",
        "r_raw": "raw.r",
        "r_std": "std.r",
        "r_cor": "r.cor",
        "r_drop": "r.drop",
        "mean": "mean",
        "sd": "sd",
    }.items():
        np.testing.assert_allclose(stats[mine], ref["item_stats"][theirs], atol=ALPHA_TOL)
    for mine, theirs in {
        "alpha_drop_raw": "raw_alpha",
        "alpha_drop_std": "std.alpha",
        "g6_drop": "G6(smc)",
        "average_r_drop": "average_r",
        "signal_noise_drop": "S/N",
        "ase_drop": "alpha se",
        "var_r_drop": "var.r",
        "median_r_drop": "med.r",
    }.items():
        np.testing.assert_allclose(stats[mine], ref["alpha_drop"][theirs], atol=ALPHA_TOL)


def test_reversing_takes_the_response_range_from_the_data_when_not_given(
    bfi_items: pd.DataFrame, expected: dict[str, Any]
) -> None:
    items, keys = _scale(expected, "agree")
    from_data = alpha(bfi_items[items], keys=keys)
    assert from_data.mean == pytest.approx(expected["alpha"]["agree"]["total"]["mean"], abs=1e-12)


def test_a_wider_stated_range_moves_reversed_means_but_not_alpha(
    bfi_items: pd.DataFrame, expected: dict[str, Any]
) -> None:
    items, keys = _scale(expected, "agree")
    narrow = alpha(bfi_items[items], keys=keys, min=1, max=6)
    wide = alpha(bfi_items[items], keys=keys, min=1, max=7)
    assert wide.raw == pytest.approx(narrow.raw, abs=1e-12)
    assert wide.item_stats.loc["A1", "mean"] == pytest.approx(
        narrow.item_stats.loc["A1", "mean"] + 1
    )


def test_listwise_deletion_uses_only_complete_rows(
    bfi_items: pd.DataFrame, expected: dict[str, Any]
) -> None:
    items, keys = _scale(expected, "neuroticism")
    complete = bfi_items[items].dropna()
    listwise = alpha(bfi_items[items], keys=keys, missing="listwise")
    assert listwise.n_obs == len(complete) < 2800
    assert listwise.raw == pytest.approx(alpha(complete, keys=keys).raw, abs=1e-12)
    assert listwise.raw != pytest.approx(alpha(bfi_items[items], keys=keys).raw, abs=1e-6)


def test_two_items_give_alpha_but_no_alpha_if_dropped() -> None:
    rng = np.random.default_rng(5)
    t = rng.normal(size=(300, 1))
    a = alpha(t + rng.normal(size=(300, 2)))
    assert 0 < a.raw < 1
    assert a.item_stats["alpha_drop_raw"].isna().all()
    assert a.to_dict()["item_stats"][0]["alpha_drop_raw"] is None


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        (np.ones((10, 1)), {}, "at least 2 items"),
        (np.array([[1.0, 2.0], [2.0, 3.0]]), {}, "only 2 answer"),
        (np.column_stack([np.arange(10.0), np.full(10, np.nan)]), {}, "'V2' has no answers"),
        (np.column_stack([np.arange(10.0), np.full(10, 3.0)]), {}, "'V2' has no variance"),
        (np.ones((5, 3)) * np.arange(5.0)[:, None], {"keys": [1, 0, 1]}, r"\+1 or -1"),
        (np.arange(15.0).reshape(5, 3), {"missing": "all"}, "'pairwise' or 'listwise'"),
        (np.arange(15.0).reshape(5, 3), {"level": 1.5}, "level"),
        (np.arange(15.0), {}, "two-dimensional"),
    ],
)
def test_bad_input_raises_a_value_error_naming_the_problem(
    data: np.ndarray, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        alpha(data, **kwargs)


def test_text_columns_are_a_type_error_naming_the_column() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    with pytest.raises(TypeError, match="column\\(s\\) b"):
        alpha(frame)


def test_items_answered_by_disjoint_people_cannot_be_correlated() -> None:
    x = np.full((8, 2), np.nan)
    x[:4, 0] = [1, 2, 3, 4]
    x[4:, 1] = [1, 2, 3, 4]
    with pytest.raises(ValueError, match="answered together by fewer than 2"):
        alpha(x)


# --------------------------------------------------------------------------------------------
# omega against psych::omega
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["extraversion", "neuroticism"])
def test_omega_matches_psych_on_scales_without_an_ultra_heywood_case(
    bfi_items: pd.DataFrame, expected: dict[str, Any], name: str
) -> None:
    items, _ = _scale(expected, name)
    o = omega(bfi_items[items], 3)
    ref = expected["omega"][name]
    assert o.omega_h == pytest.approx(ref["omega_h"], abs=OMEGA_TOL)
    assert o.omega_total == pytest.approx(ref["omega_tot"], abs=OMEGA_TOL)
    assert o.omega_limit == pytest.approx(ref["omega_lim"], abs=OMEGA_TOL)
    assert o.alpha == pytest.approx(ref["alpha"], abs=ALPHA_TOL)
    assert o.g6 == pytest.approx(ref["G6"], abs=ALPHA_TOL)
    general = ref["schmid_sl"]
    for item, row in zip(o.loadings.index, general.values(), strict=True):
        assert o.loadings.loc[item, "g"] == pytest.approx(row["g"], abs=OMEGA_TOL)
        assert o.loadings.loc[item, "h2"] == pytest.approx(row["h2"], abs=OMEGA_TOL)


def test_omega_of_all_25_items_with_five_factors_matches_psych(
    bfi_items: pd.DataFrame, expected: dict[str, Any]
) -> None:
    o = omega(bfi_items, 5)
    ref = expected["omega"]["all25_nfactors5"]
    assert o.omega_h == pytest.approx(ref["omega_h"], abs=OMEGA_TOL)
    assert o.omega_total == pytest.approx(ref["omega_tot"], abs=OMEGA_TOL)
    groups = ref["omega_group"]
    for column in ("total", "general", "group"):
        np.testing.assert_allclose(o.groups[column], groups[column], atol=OMEGA_TOL)
    assert not o.heywood
    assert o.warnings == ()


def test_omega_flips_items_that_load_negatively_on_the_general_factor(
    bfi_items: pd.DataFrame, expected: dict[str, Any]
) -> None:
    items, _ = _scale(expected, "extraversion")
    assert omega(bfi_items[items], 3).flipped == ("E1", "E2")
    assert list(expected["omega"]["extraversion"]["schmid_sl"])[:2] == ["E1-", "E2-"]


@pytest.mark.parametrize("name", ["agree", "conscientious", "openness"])
def test_heywood_scales_are_flagged_and_still_agree_with_psych(
    bfi_items: pd.DataFrame, expected: dict[str, Any], name: str
) -> None:
    items, _ = _scale(expected, name)
    o = omega(bfi_items[items], 3)
    ref = expected["omega"][name]
    assert any("ultra-Heywood" in w for w in ref["warnings"])
    assert o.heywood
    assert any(w.startswith("Heywood case") for w in o.warnings)
    assert o.omega_h == pytest.approx(ref["omega_h"], abs=OMEGA_TOL)
    assert o.omega_total == pytest.approx(ref["omega_tot"], abs=OMEGA_TOL)


def test_five_items_with_three_factors_warn_of_negative_degrees_of_freedom(
    bfi_items: pd.DataFrame, expected: dict[str, Any]
) -> None:
    items, _ = _scale(expected, "extraversion")
    o = omega(bfi_items[items], 3)
    assert o.dof == -2
    assert "degrees of freedom" in o.warnings[0]


@pytest.mark.parametrize(
    ("nfactors", "k", "message"),
    [(1, 6, "nfactors must lie in 2..5"), (3, 3, "nfactors must lie in 2..2"), (2, 2, "3 items")],
)
def test_omega_refuses_impossible_factor_counts(nfactors: int, k: int, message: str) -> None:
    x = np.random.default_rng(0).normal(size=(50, k))
    with pytest.raises(ValueError, match=message):
        omega(x, nfactors)


# --------------------------------------------------------------------------------------------
# scoreItems' scale statistics and intercorrelations
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("impute", ["none", "median", "mean"])
def test_scale_correlations_match_psych_score_items(
    bfi_items: pd.DataFrame, expected: dict[str, Any], impute: str
) -> None:
    sc = scale_correlations(bfi_items, expected["keys"], impute=impute)  # type: ignore[arg-type]
    ref = expected["scoreItems"][impute]
    for mine, theirs in {
        "alpha": "alpha",
        "average_r": "av_r",
        "g6": "G6",
        "signal_noise": "sn",
        "median_r": "med_r",
        "ase": "ase",
    }.items():
        np.testing.assert_allclose(
            sc.stats.loc[SCALES, mine], [ref[theirs][s] for s in SCALES], atol=ALPHA_TOL
        )
    for a in SCALES:
        for b in SCALES:
            assert sc.cor.loc[a, b] == pytest.approx(ref["psych_cor"][a][b], abs=ALPHA_TOL)
            assert sc.corrected.loc[a, b] == pytest.approx(
                ref["psych_corrected"][a][b], abs=ALPHA_TOL
            )


def test_scale_correlations_accept_keyed_tuples_and_name_unknown_items(
    bfi_items: pd.DataFrame,
) -> None:
    tuples = {"E": [("E1", -1), ("E2", -1), ("E3", 1)], "N": [("N1", 1), ("N2", 1)]}
    strings = {"E": ["-E1", "-E2", "E3"], "N": ["N1", "N2"]}
    a = scale_correlations(bfi_items, tuples)
    b = scale_correlations(bfi_items, strings)
    pd.testing.assert_frame_equal(a.corrected, b.corrected)
    with pytest.raises(ValueError, match="unknown item 'X9'"):
        scale_correlations(bfi_items, {"E": ["E1", "X9"]})
    with pytest.raises(ValueError, match="scale 'N' has 1 item"):
        scale_correlations(bfi_items, {"N": ["N1"]})


def test_pairwise_correlations_match_r_cor_use_pairwise(
    bfi_items: pd.DataFrame, efa_expected: dict[str, Any]
) -> None:
    np.testing.assert_allclose(pairwise_cor(bfi_items), efa_expected["R"], atol=1e-12)


# --------------------------------------------------------------------------------------------
# Parameter recovery on simulated data with known reliability
# --------------------------------------------------------------------------------------------


def _congeneric(n: int, loadings: np.ndarray, errors: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    eta = rng.normal(size=(n, 1))
    out: np.ndarray = eta * loadings + rng.normal(size=(n, len(loadings))) * np.sqrt(errors)
    return out


def test_alpha_recovers_the_population_alpha_of_a_congeneric_scale() -> None:
    lam = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    theta = np.array([0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    sigma = np.outer(lam, lam) + np.diag(theta)
    k = len(lam)
    true_alpha = k / (k - 1) * (1 - np.trace(sigma) / sigma.sum())
    a = alpha(_congeneric(20_000, lam, theta, seed=11))
    assert abs(a.raw - true_alpha) < 4 * a.ase
    assert a.feldt[0] < true_alpha < a.feldt[1]
    assert a.duhachek[0] < true_alpha < a.duhachek[1]


def test_alpha_falls_below_omega_total_when_loadings_differ() -> None:
    lam = np.array([0.9, 0.8, 0.7, 0.3, 0.3, 0.2])
    theta = 1 - lam**2
    x = _congeneric(20_000, lam, theta, seed=3)
    true_omega = lam.sum() ** 2 / (lam.sum() ** 2 + theta.sum())
    sigma = np.outer(lam, lam) + np.diag(theta)
    true_alpha = 6 / 5 * (1 - np.trace(sigma) / sigma.sum())
    a = alpha(x)
    assert true_alpha < true_omega
    assert a.raw == pytest.approx(true_alpha, abs=0.01)


def test_omega_recovers_the_general_and_total_reliability_of_a_higher_order_model() -> None:
    rng = np.random.default_rng(21)
    n, groups, per = 20_000, 3, 3
    gamma = np.array([0.8, 0.7, 0.6])  # group factors' loadings on g
    first = np.array([0.8, 0.7, 0.6, 0.75, 0.65, 0.55, 0.7, 0.6, 0.5])
    g = rng.normal(size=(n, 1))
    group_scores = g * gamma + rng.normal(size=(n, groups)) * np.sqrt(1 - gamma**2)
    common = np.repeat(group_scores, per, axis=1) * first
    x = common + rng.normal(size=(n, groups * per)) * np.sqrt(1 - first**2)

    general = first * np.repeat(gamma, per)
    specific = first * np.repeat(np.sqrt(1 - gamma**2), per)
    total_var = (
        general.sum() ** 2
        + sum(specific[f * per : (f + 1) * per].sum() ** 2 for f in range(groups))
        + (1 - first**2).sum()
    )
    true_h = general.sum() ** 2 / total_var
    true_t = 1 - (1 - first**2).sum() / total_var

    o = omega(x, 3)
    assert o.omega_h == pytest.approx(true_h, abs=0.02)
    assert o.omega_total == pytest.approx(true_t, abs=0.01)
    assert not o.heywood


# --------------------------------------------------------------------------------------------
# Invariants
# --------------------------------------------------------------------------------------------

answers = arrays(
    np.float64,
    st.tuples(st.integers(8, 30), st.integers(3, 6)),
    elements=st.integers(1, 5).map(float),
)


def _usable(x: np.ndarray) -> bool:
    return bool(np.all(x.std(axis=0) > 0))


@settings(max_examples=40, deadline=None)
@given(answers, st.randoms(use_true_random=False))
def test_alpha_does_not_depend_on_item_order(x: np.ndarray, rnd: Any) -> None:
    if not _usable(x):
        return
    order = list(range(x.shape[1]))
    rnd.shuffle(order)
    a, b = alpha(x), alpha(x[:, order])
    assert b.raw == pytest.approx(a.raw, abs=1e-9)
    assert b.std == pytest.approx(a.std, abs=1e-9)
    assert b.g6 == pytest.approx(a.g6, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(answers, st.data())
def test_reversing_an_item_in_the_data_and_its_key_changes_nothing(
    x: np.ndarray, data: st.DataObject
) -> None:
    if not _usable(x):
        return
    j = data.draw(st.integers(0, x.shape[1] - 1))
    flipped = x.copy()
    flipped[:, j] = 6 - x[:, j]
    keys = [1] * x.shape[1]
    keys[j] = -1
    a = alpha(x, min=1, max=5)
    b = alpha(flipped, keys=keys, min=1, max=5)
    assert b.raw == pytest.approx(a.raw, abs=1e-9)
    assert b.mean == pytest.approx(a.mean, abs=1e-9)
    np.testing.assert_allclose(b.item_stats["r_drop"], a.item_stats["r_drop"], atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(answers)
def test_pairwise_moments_equal_the_plain_ones_without_missing_answers(x: np.ndarray) -> None:
    if not _usable(x):
        return
    np.testing.assert_allclose(pairwise_cov(x), np.cov(x, rowvar=False), atol=1e-10)
    np.testing.assert_allclose(pairwise_cor(x), np.corrcoef(x, rowvar=False), atol=1e-10)


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(twofold.core.reliability)
    assert result.attempted > 0
    assert result.failed == 0
