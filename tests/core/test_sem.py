"""The SEM engine: lavaan's syntax and defaults, and lavaan's numbers on several models.

Reference values: ``tests/fixtures/sem/sem_reference.json``, made by ``sem_reference.R`` beside
it (R 4.2.2, lavaan 0.6.14). The Holzinger-Swineford CFA itself is checked in ``test_cfa.py``.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twofold.core.sem import (
    SEM,
    SEMConvergenceError,
    fit_sem,
    parse_model,
    specify_model,
)

SEM_FIXTURES = Path(__file__).parents[1] / "fixtures" / "sem"
HS_MODEL = """
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
"""


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return pd.read_csv(SEM_FIXTURES / "lavaan_HolzingerSwineford1939.csv")


@pytest.fixture(scope="module")
def reference() -> dict:  # type: ignore[type-arg]
    with open(SEM_FIXTURES / "sem_reference.json") as f:
        return json.load(f)  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------------------
# Syntax
# ------------------------------------------------------------------------------------------


class TestParser:
    def test_it_reads_every_operator_and_modifier(self) -> None:
        formulas = parse_model(
            """
            # a comment line
            f =~ x1 + 0.8*x2 + NA*x3 + a*x4   ! lavaan's other comment sign
            y ~ b*f + start(0.3)*x5; y ~ 1
            x1 ~~ label("r")*x2
            f ~~ 1*f
            d := b*2
            """
        )
        rows = [(f.lhs, f.op, f.rhs, f.fixed, f.free, f.label, f.start) for f in formulas]
        assert rows == [
            ("f", "=~", "x1", None, False, None, None),
            ("f", "=~", "x2", 0.8, False, None, None),
            ("f", "=~", "x3", None, True, None, None),
            ("f", "=~", "x4", None, False, "a", None),
            ("y", "~", "f", None, False, "b", None),
            ("y", "~", "x5", None, False, None, 0.3),
            ("y", "~1", "", None, False, None, None),
            ("x1", "~~", "x2", None, False, "r", None),
            ("f", "~~", "f", 1.0, False, None, None),
            ("d", ":=", "b*2", None, False, None, None),
        ]

    def test_it_remembers_the_line_of_each_formula(self) -> None:
        formulas = parse_model("f =~ x1 + x2\n\n# note\ny ~ f")
        assert [f.line for f in formulas] == [1, 1, 4]

    def test_a_formula_may_continue_on_the_next_line(self) -> None:
        formulas = parse_model("f =~ x1 + x2 +\n     x3\ng =~ x4\n   + x5 + x6")
        assert [(f.lhs, f.rhs) for f in formulas] == [
            ("f", "x1"),
            ("f", "x2"),
            ("f", "x3"),
            ("g", "x4"),
            ("g", "x5"),
            ("g", "x6"),
        ]

    def test_several_left_hand_variables_share_the_right_hand_side(self) -> None:
        formulas = parse_model("y1 + y2 ~ x1 + x2")
        assert [(f.lhs, f.rhs) for f in formulas] == [
            ("y1", "x1"),
            ("y2", "x1"),
            ("y1", "x2"),
            ("y2", "x2"),
        ]

    def test_negative_and_exponent_fixed_values_are_read(self) -> None:
        formulas = parse_model("f =~ -1*x1 + 2.5e-1*x2 + x3")
        assert [f.fixed for f in formulas] == [-1.0, 0.25, None]

    @pytest.mark.parametrize(
        ("syntax", "line", "words"),
        [
            ("f =~ x1 + x2\ng =~ x3 + + x4", 2, "'+' without a term"),
            ("f =~ x1 + 2x2", 1, "expected a variable name, found '2 x2'"),
            ("f =~ x1 + x2$", 1, "unexpected '$'"),
            ("f =~ x1\nx2 x3", 1, None),
            ("f =~ x1 + x2\nf <~ x3", 2, "formative"),
            ("f =~ x1 + x2\nx1 | t1", 2, "ordinal"),
            ("f =~ x1 + x2\na == b", 2, "same label"),
            ("f =~ x1 + 1*2*x2", 1, "two values"),
            ("f =~ a*b*x1", 1, "two labels"),
            ("f =~ x1 + x2\ny ~ ", 2, "nothing on the right"),
            (" =~ x1", 1, "nothing on the left"),
            ("f =~ c(1, 2)*x1", 1, "multiple groups"),
            ("f =~ foo(2)*x1", 1, "cannot read the modifier"),
            ("f =~ x1\nd := a +* b", 2, "cannot read the expression"),
            ("f =~ x1\nd := __import__('os')", 2, "may be called"),
            ("f =~ x1 + x2 +", 1, None),
        ],
    )
    def test_bad_syntax_names_the_line_and_the_token(
        self, syntax: str, line: int, words: str | None
    ) -> None:
        with pytest.raises(ValueError, match=rf"line {line}") as info:
            parse_model(syntax)
        if words:
            assert words in str(info.value)

    def test_text_without_any_operator_is_refused(self) -> None:
        with pytest.raises(ValueError, match="has no operator"):
            parse_model("x1 x2")

    def test_an_empty_model_is_refused(self) -> None:
        with pytest.raises(ValueError, match="empty"):
            parse_model("# nothing here\n")

    def test_a_model_must_be_text(self) -> None:
        with pytest.raises(TypeError, match="string"):
            parse_model(42)  # type: ignore[arg-type]

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from([" ", "  ", "\t"]), st.sampled_from(["", "  # note"])),
            min_size=4,
            max_size=4,
        )
    )
    def test_spacing_and_comments_do_not_change_the_model(
        self, decorations: list[tuple[str, str]]
    ) -> None:
        (s1, c1), (s2, c2), (s3, c3), (s4, c4) = decorations
        text = f"f{s1}=~{s2}x1 +{s3}a*x2{c1}\n{s4}y ~{s1}f{c2}\n{c3}\nx1 ~~{s2}x2{c4}"
        plain = "f =~ x1 + a*x2\ny ~ f\nx1 ~~ x2"
        assert parse_model(text) == tuple(
            dataclasses.replace(f, line=f.line + (1 if f.line == 3 else 0))
            for f in parse_model(plain)
        )


# ------------------------------------------------------------------------------------------
# Specification: lavaan's defaults
# ------------------------------------------------------------------------------------------


class TestSpecification:
    def test_a_cfa_fixes_each_first_loading_and_frees_variances_and_factor_covariances(
        self,
    ) -> None:
        spec = specify_model(HS_MODEL)
        assert spec.n_free == 21
        assert spec.df == 24
        fixed = [(r.lhs, r.rhs) for r in spec.rows if not r.free]
        assert fixed == [("visual", "x1"), ("textual", "x4"), ("speed", "x7")]
        covs = [(r.lhs, r.rhs) for r in spec.rows if r.op == "~~" and r.lhs != r.rhs]
        assert covs == [("visual", "textual"), ("visual", "speed"), ("textual", "speed")]

    def test_std_lv_fixes_the_factor_variances_instead(self) -> None:
        spec = specify_model(HS_MODEL, std_lv=True)
        assert spec.n_free == 21
        fixed = [(r.lhs, r.op, r.rhs, r.value) for r in spec.rows if not r.free]
        assert fixed == [(f, "~~", f, 1.0) for f in ("visual", "textual", "speed")]

    def test_na_frees_the_marker_loading(self) -> None:
        spec = specify_model("f =~ NA*x1 + x2 + x3\nf ~~ 1*f")
        assert all(r.free for r in spec.rows if r.op == "=~")

    def test_a_single_indicator_gets_a_zero_residual_variance(self) -> None:
        spec = specify_model("f =~ x1 + x2 + x3\ng =~ x4")
        x4 = next(r for r in spec.rows if r.lhs == "x4" and r.op == "~~")
        assert (x4.free, x4.value) == (0, 0.0)

    def test_observed_covariates_are_fixed_to_their_sample_moments(self) -> None:
        spec = specify_model("f =~ x1 + x2 + x3\nf ~ age + sex")
        assert spec.exogenous == ("age", "sex")
        exo = [(r.lhs, r.rhs) for r in spec.rows if r.exo]
        assert exo == [("age", "age"), ("age", "sex"), ("sex", "sex")]
        assert all(not r.free for r in spec.rows if r.exo)

    def test_outcomes_get_a_residual_covariance(self) -> None:
        spec = specify_model("y1 ~ x1 + x2\ny2 ~ x1 + x2")
        assert any(r.lhs == "y1" and r.rhs == "y2" and r.free for r in spec.rows)
        spec = specify_model("y1 ~ x1 + x2\ny2 ~ x1 + x2", auto_cov_y=False)
        assert not any(r.lhs == "y1" and r.rhs == "y2" for r in spec.rows)

    def test_an_intercept_turns_on_the_mean_structure(self) -> None:
        spec = specify_model("f =~ x1 + x2 + x3\nx1 ~ 1")
        assert spec.meanstructure
        means = [(r.lhs, bool(r.free)) for r in spec.rows if r.op == "~1"]
        assert means == [("x1", True), ("x2", True), ("x3", True), ("f", False)]

    def test_the_same_label_is_one_parameter(self) -> None:
        spec = specify_model("f =~ x1 + a*x2 + a*x3")
        free = {r.rhs: r.free for r in spec.rows if r.op == "=~"}
        assert free["x2"] == free["x3"] != 0

    def test_a_label_fixed_in_one_place_is_fixed_everywhere(self) -> None:
        spec = specify_model("f =~ a*x1 + a*x2 + x3")  # x1 is the marker: a = 1
        assert [r.value for r in spec.rows if r.label == "a"] == [1.0, 1.0]
        assert all(not r.free for r in spec.rows if r.label == "a")

    @pytest.mark.parametrize(
        ("syntax", "words"),
        [
            ("f =~ x1 + x2\nf =~ x2", "'f =~ x2' is already given on line 1"),
            ("f =~ x1 + x2\nx1 ~~ x2\nx2 ~~ x1", "already given on line 2"),
            ("y ~ y", "regressed on itself"),
            ("f =~ x1 + x2\nd := a*2", "a in 'd' is not a label"),
            ("f =~ x1 + a*x2\nf := 2*a", "already a label or a variable"),
            ("f =~ x1 + f*x2", "also the name of a variable"),
            ("f =~ x1 + 2*a*x2 + 3*a*x3", "label 'a' is fixed to different values"),
        ],
    )
    def test_inconsistent_models_are_refused(self, syntax: str, words: str) -> None:
        with pytest.raises(ValueError, match="line") as info:
            specify_model(syntax)
        assert words in str(info.value)


# ------------------------------------------------------------------------------------------
# lavaan's numbers on more models than the CFA
# ------------------------------------------------------------------------------------------

CASES = {
    "poldem_ml": ("poldem", "pd", {}),
    "poldem_mlr": ("poldem", "pd", {"estimator": "MLR"}),
    "covariates_ml": ("covariates", "hs", {"meanstructure": True}),
    "covariates_mlr": ("covariates", "hs", {"meanstructure": True, "estimator": "MLR"}),
    "mediation_ml": ("mediation", "hs", {}),
    "mediation_mlr": ("mediation", "hs", {"estimator": "MLR"}),
    "orthogonal_std_lv": ("orthogonal", "hs", {"std_lv": True}),
    "intercepts_ml": ("intercepts", "hs", {}),
    "means_mlr": ("hs", "hs", {"meanstructure": True, "estimator": "MLR"}),
}
# lavaan stops short of the optimum on the political democracy model (see the fixtures'
# README); elsewhere it converges to better than 1e-5.
TOLERANCE = {"poldem_ml": 5e-4, "poldem_mlr": 5e-4}
FIT_MEASURES = [
    "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi", "tli", "rmsea",
    "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue", "srmr", "logl", "unrestricted.logl",
    "aic", "bic", "bic2", "chisq.scaled", "chisq.scaling.factor", "scaling.factor.h1",
    "scaling.factor.h0", "baseline.chisq.scaled", "cfi.scaled", "tli.scaled", "cfi.robust",
    "tli.robust", "rmsea.scaled", "rmsea.robust", "rmsea.ci.lower.robust",
    "rmsea.ci.upper.robust", "rmsea.pvalue.robust",
]  # fmt: skip


@pytest.fixture(scope="module")
def fitted(reference, hs):  # type: ignore[no-untyped-def]
    data = {"hs": hs, "pd": pd.read_csv(SEM_FIXTURES / "lavaan_PoliticalDemocracy.csv")}
    models = reference["meta"]["models"]
    return {
        case: fit_sem(models[model], data[which], **options)
        for case, (model, which, options) in CASES.items()
    }


def _rows(reference: dict, case: str):  # type: ignore[no-untyped-def,type-arg]
    table = reference["cases"][case]["parameters"]
    for i in range(len(table["lhs"])):
        yield {k: v[i] for k, v in table.items()}


def _ours(result, row):  # type: ignore[no-untyped-def]
    if row["op"] == ":=":
        return next(p for p in result.parameters if p.lhs == row["lhs"] and p.op == ":=")
    return result.parameter(row["lhs"], row["op"], row["rhs"] if row["op"] != "~1" else "")


class TestAgainstLavaan:
    @pytest.mark.parametrize("case", CASES)
    def test_estimates_and_standard_errors_match(self, reference, fitted, case) -> None:  # type: ignore[no-untyped-def]
        tol = TOLERANCE.get(case, 1e-5)
        result = fitted[case]
        rows = list(_rows(reference, case))
        assert len(result.parameters) == len(rows)
        for row in rows:
            ours = _ours(result, row)
            for mine, theirs in [("est", "est"), ("se", "se")]:
                assert getattr(ours, mine) == pytest.approx(row[theirs], abs=tol), (
                    f"{case}: {row['lhs']} {row['op']} {row['rhs']} {mine}"
                )

    @pytest.mark.parametrize("case", CASES)
    def test_standardised_solutions_and_their_errors_match(self, reference, fitted, case) -> None:  # type: ignore[no-untyped-def]
        tol = TOLERANCE.get(case, 1e-5)
        result = fitted[case]
        for row in _rows(reference, case):
            ours = _ours(result, row)
            for mine, theirs in [
                ("std_lv", "std.lv"),
                ("std_all", "std.all"),
                ("std_lv_se", "std.lv.se"),
                ("std_all_se", "std.all.se"),
            ]:
                if row[theirs] is None:
                    continue
                assert getattr(ours, mine) == pytest.approx(row[theirs], abs=tol), (
                    f"{case}: {row['lhs']} {row['op']} {row['rhs']} {mine}"
                )

    @pytest.mark.parametrize("case", CASES)
    def test_fit_measures_match(self, reference, fitted, case) -> None:  # type: ignore[no-untyped-def]
        expected = reference["cases"][case]["fit"]
        ours = fitted[case].fit.as_dict(lavaan_names=True)
        compared = 0
        for name in FIT_MEASURES:
            if name not in expected or expected[name] is None:
                continue
            compared += 1
            value = ours[name]
            assert value is not None, f"{case}: {name} missing"
            assert not math.isnan(value), f"{case}: {name} is NaN"
            # chi-square of a saturated model is 0 up to the optimiser's precision
            assert value == pytest.approx(expected[name], rel=1e-5, abs=1e-7), f"{case}: {name}"
        assert compared >= 15

    @pytest.mark.parametrize("case", CASES)
    def test_r_squared_matches(self, reference, fitted, case) -> None:  # type: ignore[no-untyped-def]
        expected = reference["cases"][case]["r2"]
        assert set(fitted[case].r2) == set(expected)
        for name, value in expected.items():
            assert fitted[case].r2[name] == pytest.approx(value, abs=1e-5)

    def test_equal_labels_give_equal_estimates(self, fitted) -> None:  # type: ignore[no-untyped-def]
        result = fitted["poldem_ml"]
        for label in "abc":
            values = {p.est for p in result.parameters if p.label == label}
            assert len(values) == 1

    def test_a_defined_parameter_is_the_function_of_its_labels(self, fitted) -> None:  # type: ignore[no-untyped-def]
        result = fitted["mediation_ml"]
        a = result.parameter("x4", "~", "x1").est
        b = result.parameter("x7", "~", "x4").est
        ab = next(p for p in result.parameters if p.lhs == "ab")
        assert ab.est == pytest.approx(a * b, rel=1e-12)


# ------------------------------------------------------------------------------------------
# Bad data and unidentified models
# ------------------------------------------------------------------------------------------


class TestBadInput:
    def test_a_variable_missing_from_the_data_is_named_with_its_line(self, hs) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError, match=r"'x99' \(line 3\)"):
            fit_sem("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x99", hs)

    def test_text_in_a_numeric_column_is_named_with_its_row(self, hs) -> None:  # type: ignore[no-untyped-def]
        data = hs.copy()
        data["x2"] = data["x2"].astype(object)
        data.loc[4, "x2"] = "seven"
        with pytest.raises(ValueError, match=r"column 'x2', row 5: 'seven' is not a number"):
            fit_sem(HS_MODEL, data)

    def test_too_few_complete_rows_are_refused(self, hs) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError, match="more complete rows than variables"):
            fit_sem(HS_MODEL, hs.head(8))

    def test_a_constant_column_is_named(self, hs) -> None:  # type: ignore[no-untyped-def]
        data = hs.assign(x5=3.0)
        with pytest.raises(ValueError, match="'x5' do not vary"):
            fit_sem(HS_MODEL, data)

    def test_a_latent_name_that_is_also_a_column_is_refused(self, hs) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError, match="also columns of the data"):
            fit_sem("school =~ x1 + x2 + x3", hs)

    def test_an_array_without_column_names_is_refused(self, hs) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(TypeError, match="column names"):
            fit_sem(HS_MODEL, hs[["x1", "x2"]].to_numpy())

    def test_an_unknown_estimator_is_refused(self, hs) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError, match="estimator must be one of ML, MLR"):
            fit_sem(HS_MODEL, hs, estimator="WLSMV")  # type: ignore[arg-type]

    def test_more_parameters_than_moments_is_not_identified(self, hs) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError, match=r"not identified: it has 7 free parameters .* 6"):
            fit_sem("f =~ x1 + x2 + x3\nx1 ~~ x2", hs)

    def test_a_factor_without_a_scale_is_not_identified_and_named(self, hs) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError, match=r"not identified.*visual") as info:
            fit_sem("visual =~ NA*x1 + x2 + x3\ntextual =~ x4 + x5 + x6", hs)
        assert "information matrix is singular" in str(info.value)

    def test_impossible_starting_values_are_reported_not_used(self, hs) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(SEMConvergenceError, match="starting values"):
            fit_sem("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nx1 ~~ start(50)*x4", hs)


# ------------------------------------------------------------------------------------------
# Behaviour on simulated data
# ------------------------------------------------------------------------------------------


def _simulate(n: int, seed: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """Two correlated factors, three indicators each, known loadings (latent variances 1)."""
    rng = np.random.default_rng(seed)
    truth = {"x1": 0.8, "x2": 0.7, "x3": 0.6, "x4": 0.9, "x5": 0.5, "x6": 0.7}
    phi = np.array([[1.0, 0.4], [0.4, 1.0]])
    factors = rng.multivariate_normal([0, 0], phi, size=n)
    data = {}
    for j, (name, lam) in enumerate(truth.items()):
        data[name] = lam * factors[:, j // 3] + rng.normal(scale=math.sqrt(1 - lam**2), size=n)
    return pd.DataFrame(data), truth


class TestSimulatedData:
    def test_it_recovers_known_loadings(self) -> None:
        data, truth = _simulate(20_000, seed=11)
        result = fit_sem("f =~ x1 + x2 + x3\ng =~ x4 + x5 + x6", data, std_lv=True)
        for name, lam in truth.items():
            prm = next(p for p in result.parameters if p.op == "=~" and p.rhs == name)
            assert abs(prm.est - lam) < 4 * prm.se
        assert result.parameter("f", "~~", "g").est == pytest.approx(0.4, abs=0.03)
        assert result.fit.rmsea < 0.02

    def test_rows_with_a_missing_value_are_dropped_and_counted(self) -> None:
        data, _ = _simulate(500, seed=2)
        data.loc[[3, 10, 11], "x2"] = np.nan
        result = fit_sem("f =~ x1 + x2 + x3", data)
        assert (result.nobs, result.n_dropped) == (497, 3)

    @settings(max_examples=10, deadline=None)
    @given(st.permutations(list(range(400))))
    def test_row_order_does_not_matter(self, order: list[int]) -> None:
        data, _ = _simulate(400, seed=5)
        model = "f =~ x1 + x2 + x3\ng =~ x4 + x5 + x6"
        first = fit_sem(model, data)
        second = fit_sem(model, data.iloc[order])
        assert second.fit.chisq == pytest.approx(first.fit.chisq, rel=1e-7, abs=1e-9)
        np.testing.assert_allclose(second.theta, first.theta, atol=1e-5)

    @settings(max_examples=10, deadline=None)
    @given(st.floats(0.1, 50.0))
    def test_rescaling_an_indicator_scales_its_loading_and_keeps_the_fit(
        self, factor: float
    ) -> None:
        data, _ = _simulate(400, seed=6)
        model = "f =~ x1 + x2 + x3\ng =~ x4 + x5 + x6"
        before = fit_sem(model, data)
        after = fit_sem(model, data.assign(x2=data["x2"] * factor))
        assert after.fit.chisq == pytest.approx(before.fit.chisq, rel=1e-6, abs=1e-8)
        lam_before = before.parameter("f", "=~", "x2")
        lam_after = after.parameter("f", "=~", "x2")
        assert lam_after.est == pytest.approx(factor * lam_before.est, rel=1e-5)
        assert lam_after.std_all == pytest.approx(lam_before.std_all, abs=1e-6)

    def test_ml_and_mlr_share_estimates_but_not_errors(self) -> None:
        data, _ = _simulate(600, seed=8)
        model = "f =~ x1 + x2 + x3\ng =~ x4 + x5 + x6"
        ml, mlr = fit_sem(model, data), fit_sem(model, data, estimator="MLR")
        np.testing.assert_allclose(ml.theta, mlr.theta, atol=1e-7)
        assert not np.allclose(np.diag(ml.vcov), np.diag(mlr.vcov))
        # normal data: the Yuan-Bentler scaling factor is close to 1
        assert mlr.fit.scaling_factor == pytest.approx(1.0, abs=0.25)

    def test_a_heywood_case_is_reported_in_the_notes(self) -> None:
        # one factor, three indicators whose covariances imply a first loading above its
        # standard deviation: the exact fit needs a negative residual variance for x1
        target = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, 0.55], [0.8, 0.55, 1.0]])
        z = np.random.default_rng(4).normal(size=(200, 3))
        z -= z.mean(axis=0)
        z = z @ np.linalg.inv(np.linalg.cholesky(z.T @ z / 200).T)
        data = pd.DataFrame(z @ np.linalg.cholesky(target).T, columns=["x1", "x2", "x3"])
        result = fit_sem("f =~ x1 + x2 + x3", data)
        assert result.parameter("x1", "~~", "x1").est == pytest.approx(1 - 0.64 / 0.55)
        assert any("negative residual variance for x1" in note for note in result.notes)

    def test_the_result_cannot_be_changed(self, hs) -> None:  # type: ignore[no-untyped-def]
        result = fit_sem(HS_MODEL, hs)
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.converged = False  # type: ignore[misc]
        with pytest.raises(ValueError, match="read-only"):
            result.implied_cov[0, 0] = 1.0


class TestEstimator:
    def test_fit_returns_the_estimator_with_learned_attributes(self, hs) -> None:  # type: ignore[no-untyped-def]
        model = SEM("visual =~ x1 + x2 + x3\nvisual ~ ageyr")
        assert not hasattr(model, "result_")
        assert model.fit(hs) is model
        assert model.converged_ is True
        assert model.n_iter_ > 0
        assert list(model.implied_cov_.columns) == ["x1", "x2", "x3", "ageyr"]
        assert {"est", "se", "std_all"} <= set(model.estimates_.columns)
        assert model.fit_.df == model.result_.spec.df

    def test_options_are_checked_when_fitting_not_when_constructing(self, hs) -> None:  # type: ignore[no-untyped-def]
        model = SEM(HS_MODEL, estimator="GLS")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="estimator"):
            model.fit(hs)
        assert not hasattr(model, "result_")
