"""Dyadic layouts and the APIM, checked against lavaan and nlme (fixtures made by R).

Reference values: ``tests/fixtures/expected/apim_sim_reference.json`` (500 simulated couples,
made by ``tests/fixtures/r/04_apim_sim.R``) and ``tests/fixtures/r/acitelli_apim.json``
(148 real couples, made by ``tests/fixtures/r/acitelli_apim.R``). Tolerances: estimates 1e-5,
standard errors 1e-4 (the issue's); fit statistics 1e-6.
"""

from __future__ import annotations

import doctest
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from twofold.core import dyadic
from twofold.core.dyadic import (
    APIM,
    GLSAPIM,
    ConvergenceError,
    DyadError,
    cs_loglik,
    distinguishability_tests,
    likelihood_ratio_test,
    to_dyad,
    to_individual,
    to_pairwise,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"
EST, SE, FIT = 1e-5, 1e-4, 1e-6

SIM = json.loads((FIXTURES / "expected" / "apim_sim_reference.json").read_text())
ACITELLI = json.loads((FIXTURES / "r" / "acitelli_apim.json").read_text())

# Twofold's parameter names -> lavaan's lhs/op/rhs
LAVAAN_ROWS = {
    "actor_1": "Y_1~X_1",
    "partner_21": "Y_1~X_2",
    "actor_2": "Y_2~X_2",
    "partner_12": "Y_2~X_1",
    "actor": "Y_1~X_1",
    "partner": "Y_1~X_2",
    "intercept_1": "Y_1~1",
    "intercept_2": "Y_2~1",
    "intercept": "Y_1~1",
    "residual_var_1": "Y_1~~Y_1",
    "residual_var_2": "Y_2~~Y_2",
    "residual_var": "Y_1~~Y_1",
    "residual_cov": "Y_1~~Y_2",
    "x_mean": "X_1~1",
    "x_var": "X_1~~X_1",
    "x_cov": "X_1~~X_2",
    "k_1": "k1:=p21/a1",
    "k_2": "k2:=p12/a2",
    "k": "k:=p/a",
    "actor_diff": "actor_diff:=a1-a2",
    "partner_diff": "partner_diff:=p21-p12",
}
GLS_ROWS = {
    "intercept": "(Intercept)",
    "actor": "X_A",
    "partner": "X_P",
    "intercept_1": "m1",
    "intercept_2": "m2",
    "actor_1": "m1:X_A",
    "actor_2": "m2:X_A",
    "partner_21": "m1:X_P",
    "partner_12": "m2:X_P",
}


def _lavaan_table(pe: dict[str, list[object]]) -> dict[str, tuple[float, float]]:
    rows = {}
    for lhs, op, rhs, est, se in zip(
        pe["lhs"], pe["op"], pe["rhs"], pe["est"], pe["se"], strict=True
    ):
        rows.setdefault(f"{lhs}{op}{rhs}", (float(est), float(se)))  # type: ignore[arg-type]
    return rows


@pytest.fixture(scope="module")
def sim() -> tuple[np.ndarray, np.ndarray]:
    wide = pd.read_csv(FIXTURES / "data" / "apim_sim_dyad_wide.csv")
    return wide[["X_1", "X_2"]].to_numpy(), wide[["Y_1", "Y_2"]].to_numpy()


@pytest.fixture(scope="module")
def acitelli() -> tuple[np.ndarray, np.ndarray]:
    people = pd.read_csv(FIXTURES / "data" / "acitelli_individual.csv")
    wide = to_dyad(people, dyad="cuplid", role="gender", variables=["tension", "satisfaction"])
    return (
        wide[["tension_1", "tension_2"]].to_numpy(),
        wide[["satisfaction_1", "satisfaction_2"]].to_numpy(),
    )


def _people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "couple": ["c1", "c1", "c2", "c2", "c3", "c3"],
            "gender": ["wife", "husband", "husband", "wife", "wife", "husband"],
            "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "y": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
        }
    )


# --- layouts -----------------------------------------------------------------------------------


def test_to_dyad_puts_each_role_in_its_own_column() -> None:
    wide = to_dyad(_people(), dyad="couple", role="gender", variables=["x", "y"])
    # roles sorted: husband is member 1, wife member 2
    assert list(wide.columns) == ["couple", "gender_1", "gender_2", "x_1", "x_2", "y_1", "y_2"]
    assert wide["couple"].tolist() == ["c1", "c2", "c3"]
    assert set(wide["gender_1"]) == {"husband"}
    assert wide["x_1"].tolist() == [2.0, 3.0, 6.0]
    assert wide["x_2"].tolist() == [1.0, 4.0, 5.0]


def test_to_dyad_follows_the_role_order_it_is_given() -> None:
    wide = to_dyad(
        _people(), dyad="couple", role="gender", roles=["wife", "husband"], variables=["x"]
    )
    assert wide["x_1"].tolist() == [1.0, 4.0, 5.0]


def test_to_dyad_without_roles_numbers_members_as_listed() -> None:
    wide = to_dyad(_people(), dyad="couple", variables=["x"])
    assert wide["x_1"].tolist() == [1.0, 3.0, 5.0]
    assert "gender_1" not in wide.columns


def test_to_pairwise_matches_the_reference_double_entry_file() -> None:
    wide = pd.read_csv(FIXTURES / "data" / "apim_sim_dyad_wide.csv")
    people = to_individual(wide, dyad="dyad", variables=["X", "Y"])
    pair = to_pairwise(people, dyad="dyad", role="member", variables=["X", "Y"])
    expected = pd.read_csv(FIXTURES / "data" / "apim_sim_pairwise.csv")
    for col in ("dyad", "member", "X_A", "X_P", "Y_A", "Y_P"):
        np.testing.assert_array_equal(pair[col].to_numpy(), expected[col].to_numpy())


def test_to_individual_undoes_to_dyad() -> None:
    people = _people()
    wide = to_dyad(people, dyad="couple", role="gender", variables=["x", "y"])
    back = to_individual(wide, dyad="couple", role="gender", variables=["x", "y"])
    key = ["couple", "gender"]
    left = back.sort_values(key).reset_index(drop=True)
    right = people.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=30),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_layouts_round_trip_whatever_the_row_order(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    people = pd.DataFrame(
        {
            "dyad": np.repeat(np.arange(n), 2),
            "role": np.tile(["a", "b"], n),
            "v": rng.normal(size=2 * n),
        }
    ).sample(frac=1.0, random_state=seed % 2**31)
    wide = to_dyad(people, dyad="dyad", role="role", variables=["v"])
    back = to_individual(wide, dyad="dyad", role="role", variables=["v"])
    merged = people.merge(back, on=["dyad", "role"], suffixes=("", "_back"))
    assert len(merged) == 2 * n
    np.testing.assert_array_equal(merged["v"], merged["v_back"])
    pair = to_pairwise(people, dyad="dyad", role="role", variables=["v"])
    # each person's partner value is the other member's own value
    swapped = pair.groupby("dyad")["v_A"].transform(lambda s: s.iloc[::-1].to_numpy())
    np.testing.assert_array_equal(pair["v_P"].to_numpy(), swapped.to_numpy())


def test_a_dyad_with_one_member_is_refused_with_its_row() -> None:
    people = _people().iloc[:5]
    with pytest.raises(DyadError, match=r"dyad 'c3' has one member \(row\(s\) 5\)"):
        to_dyad(people, dyad="couple", role="gender", variables=["x"])


def test_a_dyad_with_three_members_is_refused() -> None:
    people = pd.concat([_people(), _people().iloc[[0]]], ignore_index=True)
    with pytest.raises(DyadError, match=r"dyad 'c1' has 3 members \(row\(s\) 1, 2, 7\)"):
        to_dyad(people, dyad="couple", variables=["x"])


def test_a_missing_role_is_refused() -> None:
    people = _people()
    people.loc[3, "gender"] = None
    with pytest.raises(DyadError, match=r"no role in row\(s\) 4"):
        to_dyad(people, dyad="couple", role="gender", variables=["x"])


def test_two_members_with_the_same_role_are_refused() -> None:
    people = _people()
    people.loc[1, "gender"] = "wife"
    with pytest.raises(DyadError, match=r"dyad 'c1': both members have role 'wife' \(rows 1, 2\)"):
        to_dyad(people, dyad="couple", role="gender", variables=["x"])


def test_a_third_role_is_refused() -> None:
    people = _people()
    people.loc[5, "gender"] = "partner"
    with pytest.raises(DyadError, match="must hold two roles"):
        to_dyad(people, dyad="couple", role="gender", variables=["x"])


def test_a_role_outside_the_given_roles_is_refused() -> None:
    with pytest.raises(DyadError, match="row"):
        to_dyad(_people(), dyad="couple", role="gender", roles=["wife", "man"], variables=["x"])


def test_an_unknown_column_is_named() -> None:
    with pytest.raises(ValueError, match=r"unknown column\(s\) 'z'"):
        to_dyad(_people(), dyad="couple", variables=["z"])


def test_a_missing_dyad_id_is_refused() -> None:
    people = _people()
    people.loc[2, "couple"] = None
    with pytest.raises(DyadError, match=r"no dyad id in row\(s\) 3"):
        to_pairwise(people, dyad="couple", variables=["x"])


# --- SEM APIM against lavaan -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "key"),
    [
        ("distinguishable", "lavaan_distinguishable"),
        ("equal", "lavaan_equal_actor_partner"),
        ("indistinguishable", "lavaan_indistinguishable_OlsenKenny"),
    ],
)
def test_sem_apim_matches_lavaan_on_simulated_couples(
    sim: tuple[np.ndarray, np.ndarray], model: str, key: str
) -> None:
    x, y = sim
    fit = APIM(model).fit(x, y)  # type: ignore[arg-type]
    ref = _lavaan_table(SIM[key]["parameter_estimates"])
    for name, est in fit.estimates_.items():
        r_est, r_se = ref[LAVAAN_ROWS[name]]
        assert est.estimate == pytest.approx(r_est, abs=EST), name
        assert est.se == pytest.approx(r_se, abs=SE), name
    _check_fit(fit, SIM[key]["fit"])


@pytest.mark.parametrize(
    ("model", "key"),
    [
        ("distinguishable", "lavaan_distinguishable"),
        ("equal", "lavaan_equal"),
        ("indistinguishable", "lavaan_indistinguishable"),
    ],
)
def test_sem_apim_matches_lavaan_on_the_acitelli_couples(
    acitelli: tuple[np.ndarray, np.ndarray], model: str, key: str
) -> None:
    x, y = acitelli
    fit = APIM(model).fit(x, y)  # type: ignore[arg-type]
    ref = _lavaan_table(ACITELLI[key]["pe"])
    unchecked = {n for n in fit.estimates_ if LAVAAN_ROWS[n] not in ref}
    assert unchecked <= {"actor_diff", "partner_diff"}  # not defined in acitelli_apim.R
    for name, est in fit.estimates_.items():
        if name in unchecked:
            continue
        r_est, r_se = ref[LAVAAN_ROWS[name]]
        assert est.estimate == pytest.approx(r_est, abs=EST), name
        assert est.se == pytest.approx(r_se, abs=SE), name
        row = ACITELLI[key]["pe"]
        i = [f"{a}{b}{c}" for a, b, c in zip(row["lhs"], row["op"], row["rhs"], strict=True)]
        j = i.index(LAVAAN_ROWS[name])
        assert est.ci_lower == pytest.approx(row["ci.lower"][j], abs=SE)
        assert est.p == pytest.approx(row["pvalue"][j], abs=1e-6)
    _check_fit(fit, ACITELLI[key]["fit"])


def _check_fit(fit: APIM, ref: dict[str, float | None]) -> None:
    assert fit.fit_.df == ref["df"]
    for name in ("chisq", "logl", "aic", "bic", "rmsea", "cfi", "tli", "srmr"):
        assert getattr(fit.fit_, name) == pytest.approx(ref[name], abs=FIT), name
    if ref["pvalue"] is None:
        assert math.isnan(fit.fit_.pvalue)
    else:
        assert fit.fit_.pvalue == pytest.approx(ref["pvalue"], abs=FIT)


def test_the_distinguishability_test_matches_lavaan_lrt(
    sim: tuple[np.ndarray, np.ndarray],
) -> None:
    x, y = sim
    test = likelihood_ratio_test(APIM("equal").fit(x, y), APIM("distinguishable").fit(x, y))
    ref = SIM["lrt_dist_vs_equal"]
    assert test.df == ref["Df diff"][1]
    assert test.chisq == pytest.approx(ref["Chisq diff"][1], abs=FIT)
    assert test.p == pytest.approx(ref["Pr(>Chisq)"][1], abs=FIT)


def test_distinguishability_tests_on_acitelli_match_lavaan(
    acitelli: tuple[np.ndarray, np.ndarray],
) -> None:
    effects, everything = distinguishability_tests(*acitelli)
    assert effects.chisq == pytest.approx(ACITELLI["lrt_dist_vs_equal"]["chisq"], abs=FIT)
    assert effects.p == pytest.approx(ACITELLI["lrt_dist_vs_equal"]["p"], abs=FIT)
    ok = ACITELLI["lavaan_indistinguishable"]["fit"]
    assert (everything.chisq, everything.df) == (pytest.approx(ok["chisq"], abs=FIT), 6)


def test_the_gls_distinguishability_test_compares_ml_fits(
    acitelli: tuple[np.ndarray, np.ndarray],
) -> None:
    (test,) = distinguishability_tests(*acitelli, method="gls")
    chisq = 2 * (ACITELLI["gls_two_intercept_ML"]["logLik"] - ACITELLI["gls_indist_ML"]["logLik"])
    assert test.df == 4
    assert test.chisq == pytest.approx(chisq, abs=FIT)


LAVAAN_SYNTAX = {
    "distinguishable": "Y_1 ~ a1*X_1 + p21*X_2\nY_2 ~ a2*X_2 + p12*X_1\nY_1 ~~ Y_2",
    "equal": "Y_1 ~ a*X_1 + p*X_2\nY_2 ~ a*X_2 + p*X_1\nY_1 ~~ Y_2",
    "indistinguishable": """Y_1 ~ a*X_1 + p*X_2
        Y_2 ~ a*X_2 + p*X_1
        X_1 ~ mx*1 ; X_2 ~ mx*1
        X_1 ~~ vx*X_1 ; X_2 ~~ vx*X_2 ; X_1 ~~ X_2
        Y_1 ~ iy*1 ; Y_2 ~ iy*1
        Y_1 ~~ vy*Y_1 ; Y_2 ~~ vy*Y_2 ; Y_1 ~~ Y_2""",
}


@pytest.mark.parametrize("model", ["distinguishable", "equal", "indistinguishable"])
def test_the_closed_forms_agree_with_the_general_sem_engine(model: str) -> None:
    # twofold.core.sem optimises the lavaan syntax iteratively; the APIM solves it exactly
    from twofold.core.sem import fit_sem

    wide = pd.read_csv(FIXTURES / "data" / "apim_sim_dyad_wide.csv")
    general = fit_sem(
        LAVAAN_SYNTAX[model], wide, meanstructure=True, fixed_x=model != "indistinguishable"
    )
    fit = APIM(model).fit(wide[["X_1", "X_2"]], wide[["Y_1", "Y_2"]])  # type: ignore[arg-type]
    for name in fit.param_names_:
        lhs, op, rhs = _split(LAVAAN_ROWS[name])
        prm = general.parameter(lhs, op, rhs)
        assert fit.coef_[name] == pytest.approx(prm.est, abs=1e-6), name
        assert fit.se_[name] == pytest.approx(prm.se, abs=1e-6), name
    assert fit.fit_.chisq == pytest.approx(general.fit.chisq, abs=1e-6)
    assert fit.fit_.df == general.fit.df


def _split(row: str) -> tuple[str, str, str]:
    for op in ("~~", "~1", "~"):
        if op in row:
            lhs, rhs = row.split(op)
            return lhs, op, rhs
    raise ValueError(row)


# --- GLS APIM against nlme ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "method", "key"),
    [
        ("indistinguishable", "REML", "gls_indist_REML"),
        ("indistinguishable", "ML", "gls_indist_ML"),
        ("distinguishable", "REML", "gls_two_intercept_REML"),
        ("distinguishable", "ML", "gls_two_intercept_ML"),
    ],
)
def test_gls_apim_matches_nlme_on_simulated_couples(
    sim: tuple[np.ndarray, np.ndarray], model: str, method: str, key: str
) -> None:
    x, y = sim
    fit = GLSAPIM(model, method=method).fit(x, y)  # type: ignore[arg-type]
    ref = SIM[key]
    for name in fit.param_names_:
        row = ref["coef"][GLS_ROWS[name]]
        est = fit.estimates_[name]
        assert est.estimate == pytest.approx(row["Value"], abs=EST), name
        assert est.se == pytest.approx(row["Std.Error"], abs=SE), name
        assert est.statistic == pytest.approx(row["t-value"], rel=1e-5), name
    names = [GLS_ROWS[n] for n in fit.param_names_]
    vcov = np.array([[ref["vcov"][a][b] for b in names] for a in names])
    np.testing.assert_allclose(fit.vcov_, vcov, rtol=1e-4, atol=1e-9)
    assert fit.fit_.logl == pytest.approx(ref["logLik"], abs=FIT)
    assert fit.fit_.aic == pytest.approx(ref["AIC"], abs=FIT)
    assert fit.fit_.bic == pytest.approx(ref["BIC"], abs=FIT)
    assert fit.fit_.df_residual == ref["df_residual"]
    assert fit.sigma_ == pytest.approx(ref["sigma"], abs=EST)
    assert fit.rho_ == pytest.approx(ref["corStruct"], abs=EST)
    if ref["varStruct"] is not None:
        assert fit.fit_.sigma_ratio == pytest.approx(ref["varStruct"]["2"], abs=EST)


@pytest.mark.parametrize(
    ("model", "method", "key"),
    [
        ("indistinguishable", "REML", "gls_indist_REML"),
        ("indistinguishable", "ML", "gls_indist_ML"),
        ("distinguishable", "REML", "gls_two_intercept_REML"),
        ("distinguishable", "ML", "gls_two_intercept_ML"),
    ],
)
def test_gls_apim_matches_nlme_on_the_acitelli_couples(
    acitelli: tuple[np.ndarray, np.ndarray], model: str, method: str, key: str
) -> None:
    fit = GLSAPIM(model, method=method).fit(*acitelli)  # type: ignore[arg-type]
    ref = ACITELLI[key]
    for name in fit.param_names_:
        est = fit.estimates_[name]
        assert est.estimate == pytest.approx(ref["coef"][GLS_ROWS[name]], abs=EST), name
        assert est.se == pytest.approx(ref["se"][GLS_ROWS[name]], abs=SE), name
        assert est.p == pytest.approx(ref["p"][GLS_ROWS[name]], abs=1e-6), name
    assert fit.fit_.logl == pytest.approx(ref["logLik"], abs=FIT)
    assert fit.rho_ == pytest.approx(ref["rho"], abs=EST)
    if ref["var_ratio"]:
        assert fit.fit_.sigma_ratio == pytest.approx(ref["var_ratio"], abs=EST)


def test_gls_allows_a_negative_within_dyad_correlation() -> None:
    # Random-intercept models cannot go below zero; compound symmetry can (as nlme's gls).
    rng = np.random.default_rng(11)
    n = 4000
    x = rng.normal(size=(n, 2))
    e = rng.multivariate_normal([0, 0], [[1, -0.4], [-0.4, 1]], size=n)
    y = 0.3 * x + 0.1 * x[:, ::-1] + e
    fit = GLSAPIM().fit(x, y)
    assert fit.rho_ == pytest.approx(-0.4, abs=0.04)


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_the_closed_form_gls_is_the_maximum_of_the_compound_symmetry_likelihood(
    sim: tuple[np.ndarray, np.ndarray], method: str
) -> None:
    x, y = sim
    fit = GLSAPIM(method=method).fit(x, y)  # type: ignore[arg-type]
    design = np.stack(
        [
            np.column_stack([np.ones(len(x)), x[:, 0], x[:, 1]]),
            np.column_stack([np.ones(len(x)), x[:, 1], x[:, 0]]),
        ],
        axis=1,
    )
    reml = design if method == "REML" else None

    def negative(params: np.ndarray) -> float:
        b = params[:3]
        sigma2, rho = math.exp(params[3]), math.tanh(params[4])
        return -cs_loglik(y - design @ b, sigma2, rho, reml_design=reml)

    coef = np.array([fit.coef_[n] for n in fit.param_names_])
    start = np.concatenate([coef, [math.log(fit.sigma_**2), math.atanh(fit.rho_)]])
    at_fit = -negative(start)
    assert at_fit == pytest.approx(fit.fit_.logl, abs=1e-8)
    assert at_fit == pytest.approx(SIM[f"gls_indist_{method}"]["logLik"], abs=FIT)
    for shift in (np.zeros(5), np.array([0.1, -0.05, 0.05, 0.3, -0.4])):
        best = optimize.minimize(
            negative,
            start + shift,
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000},
        )
        assert -best.fun <= at_fit + 1e-8


# --- parameter recovery ------------------------------------------------------------------------


def _simulate(
    n: int, seed: int, a1: float, a2: float, p21: float, p12: float, rho_e: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.multivariate_normal([0.5, -0.2], [[1.0, 0.3], [0.3, 1.2]], size=n)
    e = rng.multivariate_normal([0, 0], [[0.8, rho_e * 0.8], [rho_e * 0.8, 0.8]], size=n)
    y = (
        np.column_stack([2.0 + a1 * x[:, 0] + p21 * x[:, 1], 1.0 + a2 * x[:, 1] + p12 * x[:, 0]])
        + e
    )
    return x, y


def test_distinguishable_apim_recovers_known_effects() -> None:
    x, y = _simulate(20_000, 1, a1=0.5, a2=0.3, p21=0.2, p12=-0.1)
    fit = APIM("distinguishable").fit(x, y)
    truth = {
        "actor_1": 0.5,
        "actor_2": 0.3,
        "partner_21": 0.2,
        "partner_12": -0.1,
        "intercept_1": 2.0,
        "intercept_2": 1.0,
        "residual_cov": 0.24,
    }
    for name, value in truth.items():
        est = fit.estimates_[name]
        assert abs(est.estimate - value) < 4 * est.se, name
    assert fit.coef_["k_1"] == pytest.approx(0.4, abs=0.05)


@pytest.mark.parametrize("estimator", ["sem", "gls-reml", "gls-ml"])
def test_indistinguishable_apim_recovers_known_effects(estimator: str) -> None:
    # exchangeable members: equal x means and variances, equal intercepts and residuals
    rng = np.random.default_rng(3)
    n = 20_000
    x = rng.multivariate_normal([0.5, 0.5], [[1.0, 0.3], [0.3, 1.0]], size=n)
    e = rng.multivariate_normal([0, 0], [[0.8, 0.24], [0.24, 0.8]], size=n)
    y = 1.0 + 0.4 * x + 0.15 * x[:, ::-1] + e
    fit: APIM | GLSAPIM
    if estimator == "sem":
        fit = APIM("indistinguishable").fit(x, y)
    else:
        fit = GLSAPIM(method="REML" if estimator == "gls-reml" else "ML").fit(x, y)
        assert fit.rho_ == pytest.approx(0.3, abs=0.03)
    truth = {"actor": 0.4, "partner": 0.15, "intercept": 1.0, "k": 0.375}
    for name, value in truth.items():
        est = fit.estimates_[name]
        assert abs(est.estimate - value) < 4 * est.se, name


def test_gls_apim_does_not_need_the_members_x_to_be_alike() -> None:
    # gls conditions on x: unequal x means and variances leave the effects unbiased
    x, _ = _simulate(20_000, 4, 0.0, 0.0, 0.0, 0.0)
    rng = np.random.default_rng(6)
    e = rng.multivariate_normal([0, 0], [[0.8, -0.2], [-0.2, 0.8]], size=len(x))
    y = 1.0 + 0.4 * x + 0.15 * x[:, ::-1] + e
    fit = GLSAPIM().fit(x, y)
    for name, value in {"actor": 0.4, "partner": 0.15, "intercept": 1.0}.items():
        est = fit.estimates_[name]
        assert abs(est.estimate - value) < 4 * est.se, name
    assert fit.rho_ == pytest.approx(-0.25, abs=0.03)


def test_the_bootstrap_interval_of_k_covers_the_truth_and_repeats_with_its_seed() -> None:
    x, y = _simulate(800, 5, a1=0.5, a2=0.5, p21=0.25, p12=0.25)
    fit = APIM("equal", n_bootstrap=500, random_state=7).fit(x, y)
    boot = fit.k_bootstrap_["k"]
    assert boot.ci_lower < 0.5 < boot.ci_upper
    assert boot.ci_lower < fit.coef_["k"] < boot.ci_upper
    assert (boot.n_boot, boot.n_failed, boot.seed) == (500, 0, 7)
    again = APIM("equal", n_bootstrap=500, random_state=7).fit(x, y).k_bootstrap_["k"]
    assert (again.ci_lower, again.ci_upper) == (boot.ci_lower, boot.ci_upper)
    other = APIM("equal", n_bootstrap=500, random_state=8).fit(x, y).k_bootstrap_["k"]
    assert other.ci_lower != boot.ci_lower


def test_the_bootstrap_resamples_dyads_as_a_loop_would(sim: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = sim
    data = np.hstack([x, y])
    means, covs = dyadic._bootstrap_moments(data, 3, np.random.default_rng(5))
    rng = np.random.default_rng(5)
    idx = rng.integers(0, len(data), size=(3, len(data)))
    for b in range(3):
        sample = data[idx[b]]
        np.testing.assert_allclose(means[b], sample.mean(axis=0), atol=1e-12)
        np.testing.assert_allclose(covs[b], np.cov(sample.T, bias=True), atol=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda: APIM("distinguishable", n_bootstrap=300, random_state=1),
        lambda: GLSAPIM("distinguishable", n_bootstrap=300, random_state=1),
        lambda: GLSAPIM("indistinguishable", n_bootstrap=300, random_state=1),
        lambda: APIM("indistinguishable", n_bootstrap=300, random_state=1),
    ],
)
def test_each_model_bootstraps_each_of_its_k(
    sim: tuple[np.ndarray, np.ndarray], make: object
) -> None:
    fit = make().fit(*sim)  # type: ignore[operator]
    ks = [n for n in fit.estimates_ if n.startswith("k")]
    assert sorted(fit.k_bootstrap_) == sorted(ks)
    for name, boot in fit.k_bootstrap_.items():
        est = fit.estimates_[name]
        # percentile and delta-method intervals agree roughly on 500 couples
        assert boot.ci_lower == pytest.approx(est.ci_lower, abs=0.1)
        assert boot.ci_upper == pytest.approx(est.ci_upper, abs=0.1)


def test_resamples_that_cannot_be_fitted_are_counted_not_used() -> None:
    # with 7 couples some resamples hold only two distinct couples: x_1 and x_2 then collinear
    x, y = _simulate(7, 3, 0.4, 0.4, 0.2, 0.2)
    boot = APIM(n_bootstrap=3000, random_state=2).fit(x, y).k_bootstrap_["k_1"]
    assert 0 < boot.n_failed < 100
    assert math.isfinite(boot.ci_lower)
    assert math.isfinite(boot.ci_upper)


def test_a_singular_batch_falls_back_to_one_resample_at_a_time(
    sim: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = APIM("equal", n_bootstrap=50, random_state=3).fit(*sim).k_bootstrap_["k"]
    original = dyadic._sem_point

    def refuse_batches(model: str, mean: np.ndarray, cov: np.ndarray, **kw: object) -> object:
        if mean.ndim > 1 and len(mean) > 1:
            raise np.linalg.LinAlgError("Singular matrix")
        return original(model, mean, cov, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(dyadic, "_sem_point", refuse_batches)
    boot = APIM("equal", n_bootstrap=50, random_state=3).fit(*sim).k_bootstrap_["k"]
    assert boot.ci_lower == pytest.approx(expected.ci_lower, rel=1e-10)
    assert boot.ci_upper == pytest.approx(expected.ci_upper, rel=1e-10)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_indistinguishable_estimates_do_not_depend_on_who_is_listed_first(seed: int) -> None:
    x, y = _simulate(60, seed, a1=0.4, a2=0.4, p21=0.2, p12=0.2)
    swap = np.random.default_rng(seed).random(60) < 0.5
    xs, ys = x.copy(), y.copy()
    xs[swap], ys[swap] = x[swap][:, ::-1], y[swap][:, ::-1]
    for model in (APIM("indistinguishable"), GLSAPIM(method="REML"), GLSAPIM(method="ML")):
        a = model.fit(x, y).coef_.copy()
        b = model.fit(xs, ys).coef_
        for name in ("actor", "partner", "k"):
            assert b[name] == pytest.approx(a[name], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    "make", [lambda: APIM("equal"), lambda: APIM("indistinguishable"), lambda: GLSAPIM()]
)
def test_shifting_x_and_y_by_a_large_constant_changes_only_the_intercepts(
    sim: tuple[np.ndarray, np.ndarray], make: object
) -> None:
    x, y = sim
    base = make().fit(x, y)  # type: ignore[operator]
    moved = make().fit(x + 5_000.0, y - 3_000.0)  # type: ignore[operator]
    for name in ("actor", "partner", "k"):
        assert moved.coef_[name] == pytest.approx(base.coef_[name], rel=1e-9), name
        assert moved.se_[name] == pytest.approx(base.se_[name], rel=1e-8), name
    assert moved.fit_.logl == pytest.approx(base.fit_.logl, rel=1e-9)


# --- missing data and bad input ----------------------------------------------------------------


def test_incomplete_dyads_are_left_out_listwise(sim: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = sim[0].copy(), sim[1].copy()
    y[[3, 10], 1] = np.nan
    fit = APIM().fit(x, y)
    assert (fit.n_dyads_, fit.n_dropped_) == (498, 2)
    keep = np.ones(500, dtype=bool)
    keep[[3, 10]] = False
    assert fit.coef_ == APIM().fit(x[keep], y[keep]).coef_


def test_missing_error_refuses_incomplete_dyads(sim: tuple[np.ndarray, np.ndarray]) -> None:
    x = sim[0].copy()
    x[4, 0] = np.nan
    with pytest.raises(ValueError, match=r"dyad\(s\) 5 have missing values"):
        GLSAPIM(missing="error").fit(x, sim[1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "dyadic"}, "model must be"),
        ({"confidence": 1.5}, "confidence must be between 0 and 1"),
        ({"n_bootstrap": -1}, "n_bootstrap must be a whole number"),
        ({"missing": "drop"}, "missing must be"),
    ],
)
def test_bad_options_are_named(
    sim: tuple[np.ndarray, np.ndarray], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        APIM(**kwargs).fit(*sim)  # type: ignore[arg-type]


def test_bad_data_are_explained() -> None:
    x, y = _simulate(50, 9, 0.4, 0.4, 0.2, 0.2)
    with pytest.raises(ValueError, match=r"shape \(n_dyads, 2\)"):
        APIM().fit(x[:, 0], y)
    with pytest.raises(TypeError, match="x must be numbers"):
        APIM().fit([["a", "b"]] * 50, y)
    with pytest.raises(ValueError, match="x has 50 dyads but y has 49"):
        APIM().fit(x, y[:49])
    with pytest.raises(ValueError, match="too few complete dyads"):
        APIM().fit(x[:4], y[:4])
    flat = x.copy()
    flat[:, 1] = 3.0
    with pytest.raises(ValueError, match="x_2 does not vary"):
        GLSAPIM().fit(flat, y)
    same = np.column_stack([x[:, 0], 2 * x[:, 0] + 1])
    with pytest.raises(ValueError, match="perfectly correlated"):
        APIM("indistinguishable").fit(same, y)
    with pytest.raises(ValueError, match="infinite"):
        APIM().fit(np.where(x > 1.5, np.inf, x), y)


def test_a_perfectly_predicted_outcome_is_refused() -> None:
    x, _ = _simulate(50, 9, 0.4, 0.4, 0.2, 0.2)
    y = 0.5 * x + 0.1 * x[:, ::-1]
    with pytest.raises(ValueError, match="perfectly"):
        APIM().fit(x, y)


def test_the_equal_model_reports_non_convergence(
    sim: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = dyadic._sem_point
    monkeypatch.setattr(dyadic, "_sem_point", lambda *a, **k: original(*a, **{**k, "max_iter": 1}))
    with pytest.raises(ConvergenceError, match="did not converge"):
        APIM("equal").fit(*sim)


def test_gls_likelihood_ratio_needs_ml(sim: tuple[np.ndarray, np.ndarray]) -> None:
    with pytest.raises(ValueError, match="method='ML'"):
        likelihood_ratio_test(GLSAPIM().fit(*sim), GLSAPIM("distinguishable").fit(*sim))
    with pytest.raises(TypeError):
        likelihood_ratio_test(APIM("equal").fit(*sim), GLSAPIM().fit(*sim))
    with pytest.raises(ValueError, match="not fitted"):
        likelihood_ratio_test(APIM("equal"), APIM())


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(dyadic)
    assert result.attempted > 0
    assert result.failed == 0
