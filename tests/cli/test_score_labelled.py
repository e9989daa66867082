"""``twofold score --out scores.sav|scores.dta``: labelled columns, read back with pyreadstat."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from tests.cli.conftest import Run
from twofold.data import __file__ as data_init

EXAMPLE = Path(data_init).parent / "example_couple.csv"
READERS = {".sav": pyreadstat.read_sav, ".dta": pyreadstat.read_dta}


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_scores_are_written_with_variable_and_value_labels(
    cli: Run, tmp_path: Path, suffix: str
) -> None:
    plain = tmp_path / "scores.csv"
    assert cli("score", EXAMPLE, "-i", "rbi@1.0", "--out", plain).code == 0
    out = tmp_path / f"scores{suffix}"
    result = cli("score", EXAMPLE, "-i", "rbi@1.0", "--out", out)
    assert result.code == 0, result.err
    frame, meta = READERS[suffix](out)
    expected = pd.read_csv(plain)
    assert list(frame.columns) == list(expected.columns)
    for score in ("HD", "UD", "HI", "UI", "connection", "autonomy", "hd_disclosure"):
        np.testing.assert_allclose(frame[score], expected[score], atol=1e-9)
    labels = meta.column_names_to_labels
    assert labels["HD"] == "Healthy dependence"
    assert labels["UI_partner"].startswith("Unhealthy independence of my partner")
    assert labels["HD_n"] == "Healthy dependence: items answered"
    assert labels["region"] == "Region on the balance map"
    regions = {int(k): v for k, v in meta.variable_value_labels["region"].items()}
    assert regions == {
        1: "interdependent",
        2: "over_dependent",
        3: "over_independent",
        4: "disconnected",
    }
    decoded = [regions[int(c)] for c in frame["region"]]
    assert decoded == expected["region"].tolist()
    assert {int(k): v for k, v in meta.variable_value_labels["safety_flag"].items()} == {
        0: "no",
        1: "yes",
    }
    assert frame["safety_flag"].tolist() == [float(v) for v in expected["safety_flag"]]
    assert frame["name"].tolist() == expected["name"].tolist()


def test_a_sav_file_is_read_as_input_too(cli: Run, tmp_path: Path) -> None:
    answers = pd.read_csv(EXAMPLE)
    source = tmp_path / "answers.sav"
    pyreadstat.write_sav(answers, source)
    out = tmp_path / "scores.csv"
    assert cli("score", source, "-i", "rbi@1.0", "--out", out).code == 0
    plain = tmp_path / "plain.csv"
    assert cli("score", EXAMPLE, "-i", "rbi@1.0", "--out", plain).code == 0
    np.testing.assert_allclose(pd.read_csv(out)["HD"], pd.read_csv(plain)["HD"])


def test_a_column_name_stata_cannot_hold_exits_2_and_writes_nothing(
    cli: Run, tmp_path: Path
) -> None:
    answers = pd.read_csv(EXAMPLE).rename(columns={"name": "first name"})
    source = tmp_path / "answers.csv"
    answers.to_csv(source, index=False)
    out = tmp_path / "scores.dta"
    result = cli("score", source, "-i", "rbi@1.0", "--out", out)
    assert result.code == 2
    assert "'first name'" in result.err
    assert "Stata" in result.err
    assert list(tmp_path.iterdir()) == [source]
