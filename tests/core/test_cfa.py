"""CFA: lavaan's Holzinger-Swineford numbers, the estimator's contract, instrument models.

Reference: ``tests/fixtures/sem/cfa_hs_reference.json`` (lavaan 0.6.14 ``cfa()``; see the
README beside it). Tolerances are the issue's: chi-square within 1e-4 relative, estimates and
standard errors within 1e-4; the other fit indices and the standardised solution likewise.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.simulate import factor_answers
from twofold.core import (
    CFA,
    Instrument,
    ResponseError,
    SEMConvergenceError,
    instrument_model,
    load_instrument,
)

SEM_FIXTURES = Path(__file__).parents[1] / "fixtures" / "sem"
VARIANTS = {
    "ML_default": {},
    "ML_std_lv": {"std_lv": True},
    "MLR": {"estimator": "MLR"},
}
FIT_INDICES = [
    "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper",
    "rmsea.pvalue", "srmr", "aic", "bic", "bic2", "logl", "unrestricted.logl",
    "baseline.chisq", "baseline.df", "npar", "ntotal",
]  # fmt: skip
ROBUST_INDICES = [
    "chisq.scaled", "df.scaled", "pvalue.scaled", "chisq.scaling.factor",
    "baseline.chisq.scaled", "baseline.chisq.scaling.factor", "cfi.scaled", "tli.scaled",
    "cfi.robust", "tli.robust", "rmsea.scaled", "rmsea.ci.lower.scaled",
    "rmsea.ci.upper.scaled", "rmsea.pvalue.scaled", "rmsea.robust", "rmsea.ci.lower.robust",
    "rmsea.ci.upper.robust", "rmsea.pvalue.robust", "scaling.factor.h1", "scaling.factor.h0",
]  # fmt: skip


@pytest.fixture(scope="module")
def reference() -> dict:  # type: ignore[type-arg]
    with open(SEM_FIXTURES / "cfa_hs_reference.json") as f:
        return json.load(f)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return pd.read_csv(SEM_FIXTURES / "lavaan_HolzingerSwineford1939.csv")


@pytest.fixture(scope="module")
def fitted(reference, hs):  # type: ignore[no-untyped-def]
    model = reference["meta"]["model"]
    return {name: CFA(model, **options).fit(hs) for name, options in VARIANTS.items()}  # type: ignore[arg-type]


def _table(section: dict, key: str) -> list[dict]:  # type: ignore[type-arg]
    table = section[key]
    return [
        {k: v[i] for k, v in table.items()} for i in range(len(table["lhs"]))
    ]  # fmt: skip


class TestHolzingerSwinefordAgainstLavaan:
    @pytest.mark.parametrize("variant", VARIANTS)
    def test_chi_square_is_within_1e_4_relative(self, reference, fitted, variant) -> None:  # type: ignore[no-untyped-def]
        expected = reference[variant]["key_fit"]["chisq"]
        assert fitted[variant].fit_.chisq == pytest.approx(expected, rel=1e-4)
        assert fitted[variant].fit_.chisq == pytest.approx(85.305522, abs=1e-5)

    @pytest.mark.parametrize("variant", VARIANTS)
    def test_estimates_and_standard_errors_are_within_1e_4(
        self, reference, fitted, variant
    ) -> None:  # type: ignore[no-untyped-def]
        rows = _table(reference[variant], "parameter_estimates")
        ours = fitted[variant].estimates_
        assert list(ours.lhs + ours.op + ours.rhs) == [r["lhs"] + r["op"] + r["rhs"] for r in rows]
        for (_, mine), theirs in zip(ours.iterrows(), rows, strict=True):
            for column in ("est", "se", "ci_lower", "ci_upper", "std_lv", "std_all"):
                name = column.replace("_", ".")
                assert mine[column] == pytest.approx(theirs[name], abs=1e-4), (
                    f"{variant} {theirs['param']} {column}"
                )
            if theirs["z"] is not None:
                assert mine["z"] == pytest.approx(theirs["z"], rel=1e-4)
                assert mine["pvalue"] == pytest.approx(theirs["pvalue"], rel=1e-3, abs=1e-12)

    @pytest.mark.parametrize("variant", VARIANTS)
    def test_fit_indices_match(self, reference, fitted, variant) -> None:  # type: ignore[no-untyped-def]
        expected = reference[variant]["all_fit_measures"]
        ours = fitted[variant].fit_.as_dict(lavaan_names=True)
        names = FIT_INDICES + (ROBUST_INDICES if variant == "MLR" else [])
        for name in names:
            assert ours[name] == pytest.approx(expected[name], rel=1e-4, abs=1e-12), name

    def test_the_robust_measures_exist_only_for_mlr(self, fitted) -> None:  # type: ignore[no-untyped-def]
        assert fitted["ML_default"].fit_.chisq_scaled is None
        assert fitted["MLR"].fit_.chisq_scaled is not None

    @pytest.mark.parametrize("variant", VARIANTS)
    def test_the_standardised_solution_and_its_errors_match(
        self, reference, fitted, variant
    ) -> None:  # type: ignore[no-untyped-def]
        rows = _table(reference[variant], "standardized_solution_with_se")
        ours = fitted[variant].standardized_
        for (_, mine), theirs in zip(ours.iterrows(), rows, strict=True):
            assert mine["est_std"] == pytest.approx(theirs["est.std"], abs=1e-4)
            assert mine["se"] == pytest.approx(theirs["se"], abs=1e-4)
            for column in ("ci_lower", "ci_upper"):
                assert mine[column] == pytest.approx(theirs[column.replace("_", ".")], abs=1e-4)

    @pytest.mark.parametrize("variant", VARIANTS)
    def test_r_squared_and_the_implied_covariances_match(self, reference, fitted, variant) -> None:  # type: ignore[no-untyped-def]
        result = fitted[variant]
        for name, value in reference[variant]["r2"].items():
            assert result.r2_[name] == pytest.approx(value, abs=1e-4)
        implied = pd.DataFrame(reference[variant]["implied_cov"])
        mine = result.implied_cov_.loc[implied.index, implied.columns]
        np.testing.assert_allclose(mine.to_numpy(), implied.to_numpy(), atol=1e-5)

    def test_the_loadings_table_lists_standardised_loadings(self, reference, fitted) -> None:  # type: ignore[no-untyped-def]
        loadings = fitted["ML_default"].loadings_
        assert list(loadings.factor) == ["visual"] * 3 + ["textual"] * 3 + ["speed"] * 3
        assert loadings.std_all.iloc[0] == pytest.approx(0.771880, abs=1e-5)
        assert loadings.r2.iloc[1] == pytest.approx(0.179438, abs=1e-5)
        corr = fitted["ML_default"].factor_correlations_
        assert corr.loc["visual", "textual"] == pytest.approx(0.458509, abs=1e-5)
        assert corr.loc["textual", "visual"] == corr.loc["visual", "textual"]


class TestTheEstimator:
    def test_nothing_is_learned_before_fit(self) -> None:
        model = CFA("f =~ x1 + x2 + x3")
        assert not any(name.endswith("_") for name in vars(model))

    def test_fit_returns_self_and_sets_the_learned_attributes(self, hs) -> None:  # type: ignore[no-untyped-def]
        model = CFA("visual =~ x1 + x2 + x3")
        assert model.fit(hs) is model
        learned = {name for name in vars(model) if name.endswith("_")}
        assert {
            "estimates_", "fit_", "standardized_", "implied_cov_", "converged_", "n_iter_",
            "loadings_", "factor_correlations_", "r2_", "result_",
        } <= learned  # fmt: skip
        assert model.converged_ is True

    def test_a_model_without_a_factor_is_refused(self, hs) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError, match="at least one factor"):
            CFA("x1 ~ x2").fit(hs)

    def test_bad_options_are_reported_by_fit(self, hs) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError, match="estimator"):
            CFA("f =~ x1 + x2 + x3", estimator="ULS").fit(hs)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="std_lv"):
            CFA("f =~ x1 + x2 + x3", std_lv="yes").fit(hs)  # type: ignore[arg-type]

    def test_non_convergence_raises_and_sets_nothing(self, hs) -> None:  # type: ignore[no-untyped-def]
        model = CFA("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nx1 ~~ start(50)*x4")
        with pytest.raises(SEMConvergenceError):
            model.fit(hs)
        assert not hasattr(model, "result_")

    def test_std_lv_changes_the_scale_not_the_fit(self, fitted) -> None:  # type: ignore[no-untyped-def]
        marker, std_lv = fitted["ML_default"], fitted["ML_std_lv"]
        assert std_lv.fit_.chisq == pytest.approx(marker.fit_.chisq, rel=1e-8)
        np.testing.assert_allclose(std_lv.loadings_.std_all, marker.loadings_.std_all, atol=1e-5)


# ------------------------------------------------------------------------------------------
# Models from instruments
# ------------------------------------------------------------------------------------------

FACET_CORRELATIONS = np.array(
    [
        [1.0, -0.3, 0.4, -0.4],
        [-0.3, 1.0, -0.3, 0.3],
        [0.4, -0.3, 1.0, -0.2],
        [-0.4, 0.3, -0.2, 1.0],
    ]
)


@pytest.fixture(scope="module")
def rbi() -> Instrument:
    return load_instrument("rbi")


class TestInstrumentModels:
    def test_the_rbi_model_has_four_facets_measured_by_their_self_report_items(self, rbi) -> None:  # type: ignore[no-untyped-def]
        model = instrument_model(rbi)
        assert model.factors == ("HD", "UD", "HI", "UI")
        assert len(model.items) == 48
        assert set(model.items) <= set(rbi.form("self").items)
        assert len(model.reversed) == 16
        assert model.syntax.splitlines()[0].startswith("HD =~ hd_disclosure_1 + ")

    def test_the_mini_instrument_gives_the_same_shape(self, mini_rbi) -> None:  # type: ignore[no-untyped-def]
        model = instrument_model(mini_rbi)
        assert model.factors == ("HD", "UD", "HI", "UI")
        assert model.reversed == ("hd_a2", "ud_b1", "hi_b2", "ui_a1")

    def test_named_scales_and_any_form_can_be_chosen(self, mini_rbi) -> None:  # type: ignore[no-untyped-def]
        model = instrument_model(mini_rbi, scales=["satisfaction", "HD"], form=None)
        assert model.factors == ("satisfaction", "HD")

    @pytest.mark.parametrize(
        ("kwargs", "words"),
        [
            ({"scales": ["HX"]}, "no scale(s) HX"),
            ({"form": "diary"}, "no form 'diary'"),
            ({"scales": ["HD_partner"], "form": None}, "a factor needs at least two"),
            ({"scales": ["HD"], "form": "partner"}, "0 item(s) on form 'partner'"),
        ],
    )
    def test_impossible_requests_are_explained(self, mini_rbi, kwargs, words) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError) as info:
            instrument_model(mini_rbi, **kwargs)
        assert words in str(info.value)

    def test_answers_are_checked_and_reverse_keyed(self, mini_rbi) -> None:  # type: ignore[no-untyped-def]
        model = instrument_model(mini_rbi)
        data = pd.DataFrame({item: [1, 7, None] for item in model.items})
        keyed = model.keyed(data)
        assert list(keyed["hd_a1"].iloc[:2]) == [1.0, 7.0]
        assert list(keyed["hd_a2"].iloc[:2]) == [7.0, 1.0]
        assert math.isnan(keyed["hd_a2"].iloc[2])
        data.loc[1, "ud_a1"] = 9
        with pytest.raises(ResponseError, match=r"row 2, column 'ud_a1': 9 is outside"):
            model.keyed(data)
        with pytest.raises(ValueError, match="no column for item"):
            model.keyed(data.drop(columns=["hi_b1"]))

    def test_a_four_factor_structure_is_recovered_from_rbi_shaped_answers(self, rbi) -> None:  # type: ignore[no-untyped-def]
        model = instrument_model(rbi)
        answers = factor_answers(
            model, 3000, loading=0.75, correlations=FACET_CORRELATIONS, seed=20
        )
        cfa = CFA(model.syntax, std_lv=True).fit(model.keyed(answers))
        # keyed, every loading is positive; rounding to 7 points attenuates them a little
        assert (cfa.loadings_.std_all > 0.6).all()
        assert (cfa.loadings_.std_all < 0.8).all()
        corr = cfa.factor_correlations_.to_numpy()
        np.testing.assert_allclose(corr, FACET_CORRELATIONS, atol=0.05)
        assert cfa.fit_.cfi > 0.99
        assert cfa.fit_.rmsea < 0.02

    def test_a_wrong_structure_fits_worse(self, rbi) -> None:  # type: ignore[no-untyped-def]
        model = instrument_model(rbi)
        keyed = model.keyed(
            factor_answers(model, 1500, loading=0.75, correlations=FACET_CORRELATIONS, seed=21)
        )
        one_factor = "G =~ " + " + ".join(model.items)
        right = CFA(model.syntax).fit(keyed).fit_
        wrong = CFA(one_factor).fit(keyed).fit_
        assert wrong.chisq - right.chisq > 1000
        assert wrong.cfi < right.cfi - 0.1
