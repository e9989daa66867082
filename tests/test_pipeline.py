from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from twofold.core import instrument_from_keys, load_keys
from twofold.pipeline import ScoreOptions, score_file

SCALES = ["agree", "conscientious", "extraversion", "neuroticism", "openness"]


@pytest.fixture(scope="module")
def bfi_keys(fixtures: Path):  # type: ignore[no-untyped-def]
    return instrument_from_keys(load_keys(fixtures / "bfi" / "psych_bfi.keys.csv"), min=1, max=6)


@pytest.mark.parametrize("impute", ["none", "median", "mean"])
def test_small_chunks_give_the_same_scores_as_psych(
    tmp_path: Path,
    fixtures: Path,
    bfi_keys,
    bfi_expected: pd.DataFrame,
    impute: str,  # type: ignore[no-untyped-def]
) -> None:
    out = tmp_path / "out.parquet"
    options = ScoreOptions(min_answered=0, impute=impute, chunk_rows=97)  # type: ignore[arg-type]
    rows = score_file(fixtures / "bfi" / "psych_bfi.csv", out, bfi_keys, options)
    assert rows == 2800
    scores = pq.read_table(out).to_pandas()
    for scale in SCALES:
        np.testing.assert_allclose(scores[scale], bfi_expected[f"{scale}_{impute}"], atol=1e-9)


def test_missing_scores_are_written_as_nulls(tmp_path: Path) -> None:
    inst = instrument_from_keys({"S": ["a", "b"]}, min=1, max=5)
    source = tmp_path / "in.csv"
    source.write_text("id,a,b\n1,2,4\n2,,\n")
    out = tmp_path / "out.parquet"
    score_file(source, out, inst, ScoreOptions())
    column = pq.read_table(out).column("S")
    assert column.null_count == 1
    assert column.to_pylist() == [3.0, None]


def test_the_output_may_not_overwrite_the_input(tmp_path: Path) -> None:
    inst = instrument_from_keys({"S": ["a"]}, min=1, max=5)
    source = tmp_path / "in.csv"
    source.write_text("a\n1\n")
    with pytest.raises(ValueError, match="would overwrite the input"):
        score_file(source, source, inst, ScoreOptions())
    assert source.read_text() == "a\n1\n"


def test_parquet_keeps_min_max_statistics_for_the_input_columns_only(tmp_path: Path) -> None:
    inst = instrument_from_keys({"S": ["a", "b"]}, min=1, max=5)
    source = tmp_path / "in.csv"
    source.write_text("id,a,b\n7,2,4\n3,1,5\n")
    out = tmp_path / "out.parquet"
    score_file(source, out, inst, ScoreOptions())
    row_group = pq.ParquetFile(out).metadata.row_group(0)
    by_name = {
        row_group.column(i).path_in_schema: row_group.column(i)
        for i in range(row_group.num_columns)
    }
    assert by_name["id"].is_stats_set
    assert (by_name["id"].statistics.min, by_name["id"].statistics.max) == (
        "3",
        "7",
    )  # carried as text, untouched
    assert not by_name["S"].is_stats_set
