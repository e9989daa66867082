"""Partner agreement: ICCs against psych and the R helpers, kappa against vcd::Kappa.

Reference values: ``tests/fixtures/r/kappa.json`` (made by ``tests/fixtures/r/kappa.R`` on the
SexualFun couples) and the ``icc`` part of ``tests/fixtures/expected/apim_sim_reference.json``.
Tolerance 1e-10 for kappa and the ICCs (closed forms on both sides), 1e-5 for the partial ICC
(nlme optimises it iteratively).
"""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twofold.core import agreement
from twofold.core.agreement import (
    anova_icc,
    cohen_kappa,
    pairwise_cross_correlation,
    pairwise_icc,
    partial_icc,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"
KAPPA = json.loads((FIXTURES / "r" / "kappa.json").read_text())
ICC = json.loads((FIXTURES / "expected" / "apim_sim_reference.json").read_text())["icc"]
TOL = 1e-10
WEIGHTS = {"none": "unweighted", "linear": "linear", "quadratic": "quadratic"}


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "data" / "vcd_SexualFun_expanded_codes1to4.csv")


@pytest.fixture(scope="module")
def sim() -> tuple[np.ndarray, np.ndarray]:
    wide = pd.read_csv(FIXTURES / "data" / "apim_sim_dyad_wide.csv")
    return wide[["X_1", "X_2"]].to_numpy(), wide[["Y_1", "Y_2"]].to_numpy()


# --- kappa -------------------------------------------------------------------------------------


@pytest.mark.parametrize("weights", ["none", "linear", "quadratic"])
def test_kappa_matches_vcd_on_husbands_and_wives(ratings: pd.DataFrame, weights: str) -> None:
    k = cohen_kappa(ratings["Husband"], ratings["Wife"], weights=weights)  # type: ignore[arg-type]
    ref = KAPPA[WEIGHTS[weights]]
    assert k.kappa == pytest.approx(ref["kappa"], abs=TOL)
    assert k.se == pytest.approx(ref["ase"], abs=TOL)
    assert k.ci_lower == pytest.approx(ref["lower"], abs=TOL)
    assert k.ci_upper == pytest.approx(ref["upper"], abs=TOL)
    assert k.n == KAPPA["n"]
    np.testing.assert_array_equal(k.table, np.array(KAPPA["table"]))


def test_unweighted_kappa_variance_agrees_with_psych(ratings: pd.DataFrame) -> None:
    k = cohen_kappa(ratings["Husband"], ratings["Wife"])
    assert k.se**2 == pytest.approx(KAPPA["psych"]["var_kappa"], abs=TOL)
    # psych's weighted variance uses another formula; only its estimate agrees
    q = cohen_kappa(ratings["Husband"], ratings["Wife"], weights="quadratic")
    assert q.kappa == pytest.approx(KAPPA["psych"]["weighted_kappa"], abs=TOL)


@pytest.mark.parametrize("weights", ["none", "linear", "quadratic"])
def test_weights_use_the_positions_of_the_categories_seen(
    ratings: pd.DataFrame, weights: str
) -> None:
    no3 = ratings[(ratings["Husband"] != 3) & (ratings["Wife"] != 3)]
    k = cohen_kappa(no3["Husband"], no3["Wife"], weights=weights)  # type: ignore[arg-type]
    assert k.categories == (1, 2, 4)
    ref = KAPPA["without_3"][WEIGHTS[weights]]
    assert (k.kappa, k.se) == (
        pytest.approx(ref["kappa"], abs=TOL),
        pytest.approx(ref["ase"], abs=TOL),
    )


@pytest.mark.parametrize("weights", ["none", "linear", "quadratic"])
def test_given_categories_keep_a_point_nobody_chose(ratings: pd.DataFrame, weights: str) -> None:
    no3 = ratings[(ratings["Husband"] != 3) & (ratings["Wife"] != 3)]
    k = cohen_kappa(
        no3["Husband"],
        no3["Wife"],
        weights=weights,  # type: ignore[arg-type]
        categories=[1, 2, 3, 4],
    )
    assert k.table[2].sum() == 0
    ref = KAPPA["without_3_all_levels"][WEIGHTS[weights]]
    assert k.kappa == pytest.approx(ref["kappa"], abs=TOL)
    assert k.se == pytest.approx(ref["ase"], abs=TOL)


def test_perfect_agreement_is_one() -> None:
    k = cohen_kappa(["often", "never", "often", "rarely"], ["often", "never", "often", "rarely"])
    assert k.kappa == pytest.approx(1.0)
    assert k.observed == 1.0


def test_pairs_with_a_missing_answer_are_left_out() -> None:
    partner_a = [1, 2, None, 3, 2, np.nan]
    partner_b = [1, 2, 3, 3, 1, 2]
    k = cohen_kappa(partner_a, partner_b)
    full = cohen_kappa([1, 2, 3, 2], [1, 2, 3, 1])
    assert (k.n, k.n_dropped) == (4, 2)
    assert k.kappa == pytest.approx(full.kappa)


@settings(max_examples=50, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=5, max_size=60).filter(
        lambda p: len({v for pair in p for v in pair}) >= 2
    ),
    weights=st.sampled_from(["none", "linear", "quadratic"]),
)
def test_kappa_does_not_depend_on_which_partner_is_a(
    pairs: list[tuple[int, int]], weights: str
) -> None:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    one = cohen_kappa(a, b, weights=weights)  # type: ignore[arg-type]
    other = cohen_kappa(b, a, weights=weights)  # type: ignore[arg-type]
    assert other.kappa == pytest.approx(one.kappa, abs=1e-12)
    assert other.se == pytest.approx(one.se, abs=1e-7)  # sqrt of a rounding-level variance
    assert one.kappa <= 1 + 1e-12


@settings(max_examples=50, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), min_size=5, max_size=60
    ).filter(lambda p: len({v for pair in p for v in pair}) >= 2)
)
def test_unweighted_kappa_ignores_the_order_of_the_categories(
    pairs: list[tuple[str, str]],
) -> None:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    one = cohen_kappa(a, b)
    seen = sorted(set(a) | set(b), reverse=True)
    other = cohen_kappa(a, b, categories=seen)
    assert other.kappa == pytest.approx(one.kappa, abs=1e-12)
    assert other.se == pytest.approx(one.se, abs=1e-7)  # sqrt of a rounding-level variance


@pytest.mark.parametrize(
    ("a", "b", "kwargs", "message"),
    [
        ([1, 1, 1], [1, 1, 1], {}, "at least two categories"),
        ([1, 2], [1, 2, 3], {}, "same length"),
        ([1, 2, 5], [1, 2, 2], {"categories": [1, 2, 3]}, "a holds 5"),
        ([1, 2], [1, 2], {"weights": "cubic"}, "weights must be"),
        ([None, 1], [2, None], {}, "no pair has both answers"),
        ([1, 2], [1, 2], {"categories": [1, 1, 2]}, "duplicates"),
    ],
)
def test_bad_kappa_input_is_explained(
    a: list[object], b: list[object], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        cohen_kappa(a, b, **kwargs)  # type: ignore[arg-type]


def test_answers_that_cannot_be_ordered_need_categories() -> None:
    with pytest.raises(TypeError, match="pass categories"):
        cohen_kappa([1, "often"], ["often", 1])
    assert cohen_kappa([1, "often"], ["often", 1], categories=[1, "often"]).n == 2


# --- intraclass correlations -------------------------------------------------------------------


@pytest.mark.parametrize(("column", "key"), [(0, "pairwise_X"), (1, "pairwise_Y")])
def test_pairwise_icc_matches_the_r_helper(
    sim: tuple[np.ndarray, np.ndarray], column: int, key: str
) -> None:
    icc = pairwise_icc(sim[column])
    ref = ICC[key]
    assert icc.r == pytest.approx(ref["r"], abs=TOL)
    assert icc.z == pytest.approx(ref["z"], abs=TOL)
    assert icc.p == pytest.approx(ref["p_two_sided"], rel=1e-8)
    assert icc.n_dyads == ref["n_dyads"]


def test_anova_icc_matches_psych_icc1(sim: tuple[np.ndarray, np.ndarray]) -> None:
    icc = anova_icc(sim[1])
    ref, psych = ICC["anova_Y"], ICC["psych_ICC_Y"]
    assert icc.icc == pytest.approx(ref["icc"], abs=TOL)
    assert icc.icc == pytest.approx(psych["ICC"][0], abs=TOL)
    assert (icc.ms_between, icc.ms_within, icc.f) == (
        pytest.approx(ref["MSB"], abs=TOL),
        pytest.approx(ref["MSW"], abs=TOL),
        pytest.approx(ref["F"], abs=TOL),
    )
    assert (icc.df1, icc.df2) == (ref["df1"], ref["df2"])
    assert icc.p == pytest.approx(psych["p"][0], rel=1e-8)
    assert icc.ci_lower == pytest.approx(psych["lower bound"][0], abs=TOL)
    assert icc.ci_upper == pytest.approx(psych["upper bound"][0], abs=TOL)


def test_anova_icc_of_x_matches(sim: tuple[np.ndarray, np.ndarray]) -> None:
    assert anova_icc(sim[0]).icc == pytest.approx(ICC["anova_X"]["icc"], abs=TOL)


def test_cross_correlation_matches_the_double_entry_pearson(
    sim: tuple[np.ndarray, np.ndarray],
) -> None:
    r = pairwise_cross_correlation(*sim)
    assert r == pytest.approx(ICC["cross_pairwise_XY"]["r"], abs=TOL)


def test_partial_icc_matches_nlme(sim: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = sim
    ref = ICC["partial_icc_resid_Y_from_gls_indist_REML"]
    assert partial_icc(y, x) == pytest.approx(ref, abs=1e-5)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), n=st.integers(min_value=3, max_value=40))
def test_iccs_do_not_depend_on_who_is_listed_first(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, 2)) + rng.normal(size=(n, 1))
    swap = rng.random(n) < 0.5
    swapped = values.copy()
    swapped[swap] = values[swap][:, ::-1]
    assert pairwise_icc(swapped).r == pytest.approx(pairwise_icc(values).r, abs=1e-12)
    one = anova_icc(values)
    assert anova_icc(swapped).icc == pytest.approx(one.icc, abs=1e-12)
    assert -1 <= one.icc <= 1
    assert one.ci_lower <= one.icc <= one.ci_upper


def test_icc_leaves_out_incomplete_dyads_and_names_bad_input() -> None:
    values = np.array([[1.0, 2.0], [3.0, np.nan], [2.0, 2.5], [4.0, 3.0], [5.0, 5.5]])
    assert pairwise_icc(values).n_dyads == 4
    with pytest.raises(ValueError, match="too few complete dyads"):
        anova_icc(values[:3])
    with pytest.raises(ValueError, match=r"shape \(n_dyads, 2\)"):
        pairwise_icc(np.ones(6))
    with pytest.raises(TypeError, match="must be numbers"):
        anova_icc([["a", "b"]] * 4)
    with pytest.raises(ValueError, match="do not vary"):
        pairwise_icc(np.ones((5, 2)))


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(agreement)
    assert result.attempted > 0
    assert result.failed == 0
