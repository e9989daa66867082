from __future__ import annotations

import numpy as np
import pytest

from twofold.core import ItemStats, ResponseError, Responses, instrument_from_keys

INST = instrument_from_keys({"S": ["a", "-b", "c"]}, min=1, max=5)


def build(**columns: list[float]) -> Responses:
    return Responses.from_columns(INST, {k: np.array(v, dtype=float) for k, v in columns.items()})


def test_integral_floats_as_r_and_pandas_write_them_are_answers() -> None:
    r = build(a=[2.0, np.nan], b=[5.0, 1.0], c=[3.0, 4.0])
    assert r.values[:, 0].tolist() == [2, 5, 3]
    assert r.answered[0].tolist() == [True, False]
    assert r.values[0, 1] == 0  # unanswered cells hold 0 so sums need no mask


def test_a_fractional_answer_names_its_row_and_column() -> None:
    with pytest.raises(ResponseError) as info:
        build(a=[2.0, 2.5], b=[1.0, 1.0], c=[1.0, 1.0])
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (2, "a")
    assert str(problem) == "row 2, column 'a': 2.5 is not a whole number; answers are integers 1..5"


def test_out_of_range_answers_are_errors_not_clipped() -> None:
    with pytest.raises(ResponseError) as info:
        build(a=[0.0, 6.0], b=[1.0, 1.0], c=[7.0, 1.0])
    assert [str(p) for p in info.value.problems] == [
        "row 1, column 'a': 0 is outside the response range 1..5",
        "row 2, column 'a': 6 is outside the response range 1..5",
        "row 1, column 'c': 7 is outside the response range 1..5",
    ]


def test_row_numbers_count_from_the_chunk_offset() -> None:
    with pytest.raises(ResponseError) as info:
        Responses.from_columns(
            INST,
            {"a": np.array([9]), "b": np.array([1]), "c": np.array([1])},
            row_offset=1000,
        )
    assert info.value.problems[0].row == 1001


def test_problems_stop_at_the_limit() -> None:
    bad = np.full(100, 9.0)
    with pytest.raises(ResponseError) as info:
        Responses.from_columns(INST, {"a": bad, "b": bad, "c": bad})
    assert len(info.value.problems) == 20
    assert info.value.truncated


def test_missing_item_columns_are_named() -> None:
    with pytest.raises(ResponseError, match="missing item column\\(s\\): b, c"):
        Responses.from_columns(INST, {"a": np.array([1.0])})


def test_text_columns_are_rejected() -> None:
    with pytest.raises(ResponseError, match="column 'a': holds <U1 values"):
        Responses.from_columns(
            INST, {"a": np.array(["x"]), "b": np.array([1.0]), "c": np.array([1.0])}
        )


def test_integer_columns_with_a_separate_mask() -> None:
    r = Responses.from_columns(
        INST,
        {"a": np.array([3, 0], dtype=np.int8), "b": np.array([1, 1]), "c": np.array([2, 2])},
        answered={"a": np.array([True, False])},
    )
    assert r.answered[0].tolist() == [True, False]


def test_to_float_restores_nan_for_unanswered() -> None:
    r = build(a=[2.0, np.nan], b=[5.0, 1.0], c=[3.0, 4.0])
    out = r.to_float()
    assert np.isnan(out[1, 0])
    assert out[0].tolist() == [2.0, 5.0, 3.0]


@pytest.mark.parametrize(
    "values",
    [[1, 2, 3, 4], [5, 5, 1], [2], [1, 2, 2, 3, 3, 3, 4, 5, 5, 5], [3, 1]],
)
def test_item_medians_match_numpy_including_even_counts(values: list[int]) -> None:
    col = np.array(values, dtype=float)
    r = Responses.from_columns(INST, {"a": col, "b": col, "c": col})
    stats = ItemStats.of(INST, r)
    assert stats.centres("median")[0] == np.median(col)
    assert stats.centres("mean")[0] == pytest.approx(np.mean(col))


def test_item_stats_merge_across_chunks() -> None:
    col = np.array([1.0, 2.0, 5.0, 5.0, np.nan, 4.0])
    whole = ItemStats.of(INST, Responses.from_columns(INST, {"a": col, "b": col, "c": col}))
    first = ItemStats.of(INST, Responses.from_columns(INST, dict.fromkeys("abc", col[:2])))
    second = ItemStats.of(INST, Responses.from_columns(INST, dict.fromkeys("abc", col[2:])))
    assert np.array_equal(first.merge(second).counts, whole.counts)
    assert whole.centres("median")[0] == np.nanmedian(col)
