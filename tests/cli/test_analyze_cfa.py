"""``twofold analyze cfa``: tables, JSON with every number, instrument models, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli.conftest import Run
from tests.simulate import factor_answers
from twofold.core import instrument_model, load_instrument

SEM_FIXTURES = Path(__file__).parents[1] / "fixtures" / "sem"
HS = SEM_FIXTURES / "lavaan_HolzingerSwineford1939.csv"
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
CORRELATIONS = np.array(
    [
        [1.0, -0.3, 0.4, -0.4],
        [-0.3, 1.0, -0.3, 0.3],
        [0.4, -0.3, 1.0, -0.2],
        [-0.4, 0.3, -0.2, 1.0],
    ]
)


@pytest.fixture(scope="module")
def reference() -> dict:  # type: ignore[type-arg]
    with open(SEM_FIXTURES / "cfa_hs_reference.json") as f:
        return json.load(f)  # type: ignore[no-any-return]


def as_json(result) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


class TestHolzingerSwineford:
    def test_tables_show_fit_and_loadings(self, cli: Run) -> None:
        result = cli("analyze", "cfa", HS, "--model", HS_MODEL)
        assert result.code == 0, result.err
        assert "301 rows used" in result.out
        assert "85.306 (df 24, p < .001)" in result.out
        assert "0.092 [0.071, 0.114]" in result.out  # RMSEA and its 90% interval
        assert "0.931" in result.out  # CFI
        assert "Loadings" in result.out
        assert "0.772" in result.out  # x1's standardised loading

    def test_json_has_every_estimate_with_its_standard_error(self, cli: Run, reference) -> None:  # type: ignore[no-untyped-def]
        out = as_json(cli("analyze", "cfa", HS, "--model", HS_MODEL, "--json"))
        assert out["fit"]["chisq"] == pytest.approx(85.305522, abs=1e-5)
        assert out["fit"]["srmr"] == pytest.approx(0.065205, abs=1e-6)
        expected = reference["ML_default"]["parameter_estimates"]
        assert len(out["parameters"]) == len(expected["lhs"])
        for i, prm in enumerate(out["parameters"]):
            assert prm["lhs"] + prm["op"] + prm["rhs"] == expected["param"][i]
            assert prm["est"] == pytest.approx(expected["est"][i], abs=1e-4)
            assert prm["se"] == pytest.approx(expected["se"][i], abs=1e-4)
        fixed = out["parameters"][0]
        assert (fixed["free"], fixed["se"], fixed["z"]) == (False, 0.0, None)

    def test_mlr_adds_the_robust_measures(self, cli: Run, reference) -> None:  # type: ignore[no-untyped-def]
        out = as_json(
            cli("analyze", "cfa", HS, "--model", HS_MODEL, "--estimator", "mlr", "--json")
        )
        assert out["estimator"] == "MLR"
        fit = reference["MLR"]["all_fit_measures"]
        assert out["fit"]["chisq_scaled"] == pytest.approx(fit["chisq.scaled"], rel=1e-4)
        assert out["fit"]["cfi_robust"] == pytest.approx(fit["cfi.robust"], rel=1e-4)
        assert out["fit"]["rmsea_robust"] == pytest.approx(fit["rmsea.robust"], rel=1e-4)
        ses = [p["se"] for p in out["parameters"]]
        np.testing.assert_allclose(ses, reference["MLR"]["parameter_estimates"]["se"], atol=1e-4)

    def test_std_lv_fixes_the_factor_variances(self, cli: Run) -> None:
        out = as_json(cli("analyze", "cfa", HS, "--model", HS_MODEL, "--std-lv", "--json"))
        variances = [p for p in out["parameters"] if p["op"] == "~~" and p["lhs"] == "speed"]
        assert (variances[0]["est"], variances[0]["free"]) == (1.0, False)
        assert out["fit"]["chisq"] == pytest.approx(85.305522, abs=1e-5)

    def test_the_model_may_be_a_file(self, cli: Run, tmp_path: Path) -> None:
        path = tmp_path / "hs.lav"
        path.write_text("# three abilities\n" + HS_MODEL + "\n")
        out = as_json(cli("analyze", "cfa", HS, "--model", path, "--json"))
        assert out["fit"]["df"] == 24
        assert out["model"].startswith("# three abilities")


class TestInstrumentModels:
    def test_the_rbi_facets_are_fitted_from_self_report_answers(
        self, cli: Run, tmp_path: Path
    ) -> None:
        design = instrument_model(load_instrument("rbi"))
        answers = factor_answers(design, 1500, loading=0.75, correlations=CORRELATIONS, seed=3)
        answers.insert(0, "person", [f"p{i}" for i in range(len(answers))])
        path = tmp_path / "rbi.csv"
        answers.to_csv(path, index=False)
        out = as_json(cli("analyze", "cfa", path, "--model", "rbi", "--json"))
        assert out["instrument"]["factors"] == ["HD", "UD", "HI", "UI"]
        assert len(out["instrument"]["reversed_items"]) == 16
        loadings = [p for p in out["parameters"] if p["op"] == "=~"]
        assert len(loadings) == 48
        assert min(p["std_all"] for p in loadings) > 0.55
        assert out["fit"]["cfi"] > 0.99

        tables = cli("analyze", "cfa", path, "--model", "rbi")
        assert tables.code == 0, tables.err
        assert "16 reverse-keyed item(s) reversed before fitting" in tables.out

    def test_an_instrument_file_works_the_same(self, cli: Run, tmp_path: Path, fixtures) -> None:  # type: ignore[no-untyped-def]
        yaml = fixtures / "instruments" / "mini_rbi.yaml"
        design = instrument_model(load_instrument(yaml))
        corr = np.full((4, 4), 0.3) + 0.7 * np.eye(4)
        answers = factor_answers(design, 800, loading=0.8, correlations=corr, seed=4)
        path = tmp_path / "mini.csv"
        answers.to_csv(path, index=False)
        out = as_json(cli("analyze", "cfa", path, "--model", yaml, "--json"))
        assert out["instrument"]["id"] == "mini-rbi"
        assert out["fit"]["df"] == 98

    def test_an_answer_out_of_range_is_named_with_row_and_column(
        self, cli: Run, tmp_path: Path
    ) -> None:
        design = instrument_model(load_instrument("rbi"))
        answers = factor_answers(design, 200, loading=0.7, correlations=CORRELATIONS, seed=5)
        answers.loc[6, "ui_alone_2"] = 11
        path = tmp_path / "rbi.csv"
        answers.to_csv(path, index=False)
        result = cli("analyze", "cfa", path, "--model", "rbi")
        assert result.code == 2
        assert "row 7, column 'ui_alone_2': 11 is outside the response range 1..7" in result.err


class TestBadInput:
    """Each mistake: one clear message on stderr, exit status 2, no traceback."""

    def run(self, cli: Run, *args: object) -> str:
        result = cli("analyze", "cfa", *args)
        assert result.code == 2, result.out
        assert "Traceback" not in result.err
        return result.err

    def test_a_variable_missing_from_the_data(self, cli: Run) -> None:
        err = self.run(cli, HS, "--model", "visual =~ x1 + x2\nspeed =~ x7 + x8 + x77")
        assert "'x77' (line 2)" in err

    def test_a_syntax_error(self, cli: Run) -> None:
        err = self.run(cli, HS, "--model", "visual =~ x1 + x2 + x3\ntextual =~ x4 + * x5")
        assert "model syntax, line 2" in err

    def test_something_that_is_neither_file_instrument_nor_syntax(self, cli: Run) -> None:
        assert "is not a file, a bundled instrument" in self.run(cli, HS, "--model", "hs.lav")

    def test_non_numeric_data(self, cli: Run) -> None:
        err = self.run(cli, HS, "--model", "f =~ x1 + x2 + school")
        assert "column 'school', row 1: 'Pasteur' is not a number" in err

    def test_too_few_rows(self, cli: Run, tmp_path: Path) -> None:
        path = tmp_path / "few.csv"
        pd.read_csv(HS).head(5).to_csv(path, index=False)
        assert "more complete rows than variables" in self.run(cli, path, "--model", HS_MODEL)

    def test_a_model_that_does_not_converge(self, cli: Run) -> None:
        err = self.run(
            cli, HS, "--model", "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5\nx1 ~~ start(40)*x4"
        )
        assert "starting values" in err

    def test_an_unidentified_model(self, cli: Run) -> None:
        err = self.run(cli, HS, "--model", "f =~ x1 + x2\ng =~ x3 + x4\nf ~~ 0*g")
        assert "not identified" in err

    def test_an_unknown_estimator(self, cli: Run) -> None:
        assert "--estimator must be ML or MLR" in self.run(
            cli, HS, "--model", HS_MODEL, "--estimator", "WLS"
        )

    def test_a_model_without_factors(self, cli: Run) -> None:
        assert "at least one factor" in self.run(cli, HS, "--model", "x1 ~ x2")

    def test_answers_without_the_instrument_items(self, cli: Run) -> None:
        assert "no column for item(s): hd_disclosure_1" in self.run(cli, HS, "--model", "rbi")
