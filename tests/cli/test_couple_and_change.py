from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.cli.conftest import Run
from tests.conftest import answers_for
from twofold.core import Instrument

INTER = {"HD": 6, "UD": 2, "HI": 6, "UI": 2}
OVER_DEP = {"HD": 6, "UD": 4, "HI": 3, "UI": 2}
OVER_IND = {"HD": 3, "UD": 2, "HI": 6, "UI": 4}


def people_file(
    inst: Instrument, path: Path, people: list[tuple[str, str, dict[str, float]]]
) -> Path:
    rows = []
    for couple, person, facets in people:
        rows.append({"couple": couple, "person": person, **answers_for(inst, **facets)})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture
def mini_path(fixtures: Path) -> Path:
    return fixtures / "instruments" / "mini_rbi.yaml"


def test_one_row_per_couple_with_pattern_and_regions(
    cli: Run, tmp_path: Path, mini_rbi: Instrument, mini_path: Path
) -> None:
    source = people_file(
        mini_rbi,
        tmp_path / "couples.csv",
        [("c2", "ann", OVER_DEP), ("c1", "cy", INTER), ("c2", "bo", OVER_IND), ("c1", "di", INTER)],
    )
    out = tmp_path / "couples_out.csv"
    result = cli(
        "couple",
        source,
        "--couple-col",
        "couple",
        "--id",
        "person",
        "--instrument",
        mini_path,
        "--form",
        "self,safety",
        "--out",
        out,
    )
    assert result.code == 0, result.err
    table = pd.read_csv(out)
    assert table["couple"].tolist() == ["c2", "c1"]
    assert table["person_a"].tolist() == ["ann", "cy"]
    # One over-dependent, one over-independent: without a reassurance sub-facet in the mini
    # instrument there is no evidence of pursuit (issue 9), so the pair is "mixed".
    assert table["pattern"].tolist() == ["mixed", "interdependent_pair"]
    assert table["region_a"].tolist() == ["over_dependent", "interdependent"]
    assert table["safety_concern"].tolist() == [False, False]


def test_a_couple_with_one_person_is_reported(
    cli: Run, tmp_path: Path, mini_rbi: Instrument, mini_path: Path
) -> None:
    source = people_file(
        mini_rbi, tmp_path / "c.csv", [("c1", "a", INTER), ("c1", "b", INTER), ("c9", "z", INTER)]
    )
    result = cli(
        "couple",
        source,
        "--couple-col",
        "couple",
        "--instrument",
        mini_path,
        "--form",
        "self,safety",
    )
    assert result.code == 2
    assert "couple 'c9' has one person (rows 3); a couple has two" in result.err


def test_a_missing_couple_column_is_named(
    cli: Run, tmp_path: Path, mini_rbi: Instrument, mini_path: Path
) -> None:
    source = people_file(mini_rbi, tmp_path / "c.csv", [("c1", "a", INTER), ("c1", "b", INTER)])
    result = cli(
        "couple", source, "--couple-col", "dyad", "--instrument", mini_path, "--form", "self,safety"
    )
    assert result.code == 2
    assert "no column 'dyad' for --couple-col" in result.err


def test_reliable_change_between_two_occasions(
    cli: Run, tmp_path: Path, mini_rbi: Instrument, mini_path: Path
) -> None:
    first = people_file(mini_rbi, tmp_path / "t1.csv", [("c", "a", OVER_DEP), ("c", "b", INTER)])
    second = people_file(mini_rbi, tmp_path / "t2.csv", [("c", "b", INTER), ("c", "a", INTER)])
    out = tmp_path / "change.csv"
    result = cli(
        "change",
        first,
        second,
        "--id",
        "person",
        "--instrument",
        mini_path,
        "--form",
        "self,safety",
        "--out",
        out,
    )
    assert result.code == 0, result.err
    table = pd.read_csv(out).set_index("person")
    # a's healthy independence rose from 3 to 6: 3 / (0.447 * sqrt 2) = 4.7 > 1.96
    assert table.loc["a", "HI_change"] == 1
    assert table.loc["a", "HI_before"] == 3
    assert table.loc["b", "HI_change"] == 0
    assert table.loc["a", "HD_change"] == 0


def test_change_needs_people_in_both_files(
    cli: Run, tmp_path: Path, mini_rbi: Instrument, mini_path: Path
) -> None:
    first = people_file(mini_rbi, tmp_path / "t1.csv", [("c", "a", INTER)])
    second = people_file(mini_rbi, tmp_path / "t2.csv", [("c", "z", INTER)])
    result = cli(
        "change",
        first,
        second,
        "--id",
        "person",
        "--instrument",
        mini_path,
        "--form",
        "self,safety",
    )
    assert result.code == 2
    assert "no person appears in both files" in result.err
