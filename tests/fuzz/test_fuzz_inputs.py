"""Hostile input, bounded: the instrument loader and the file import never fail unhandled.

Every rejection must be a ValueError subclass with a message (what the command line prints,
exit 2); anything else is a bug. Hypothesis mutates valid inputs and throws arbitrary bytes.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twofold.core import InstrumentError, instrument_from_keys, parse_instrument
from twofold.pipeline import ScoreOptions, score_file

ROOT = Path(__file__).parents[2]
MINI = yaml.safe_load((ROOT / "tests" / "fixtures" / "instruments" / "mini_rbi.yaml").read_text())

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


ALL_PATHS = [p for p in paths(MINI) if p]


@st.composite
def mutated_definitions(draw: st.DrawFn) -> dict[str, Any]:
    raw = copy.deepcopy(MINI)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent: Any = raw
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
            if action == "replace":
                parent[path[-1]] = draw(values)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, list):
                parent.append(copy.deepcopy(parent[path[-1]]))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    return raw


def expect_clean_rejection(text: str) -> None:
    problems: list[str] = []
    try:
        parse_instrument(text, source="fuzz.yaml")
    except InstrumentError as exc:
        problems = exc.problems or [""]
    assert all(isinstance(p, str) and p for p in problems), "a rejection must say why"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_definitions())
def test_mutated_definitions_are_accepted_or_rejected_with_reasons(raw: dict[str, Any]) -> None:
    expect_clean_rejection(yaml.safe_dump(raw, allow_unicode=True))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_is_never_an_unhandled_error(text: str) -> None:
    expect_clean_rejection(text)


KEYS = instrument_from_keys({"S": ["a", "-b"]}, min=1, max=5)


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl", ".xlsx", ".parquet"])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=300))
def test_arbitrary_bytes_in_any_format_are_rejected_cleanly(
    tmp_path_factory: pytest.TempPathFactory, suffix: str, content: bytes
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / f"in{suffix}"
    source.write_bytes(content)
    out = folder / "out.csv"
    message = None
    try:
        score_file(source, out, KEYS, ScoreOptions())
    except ValueError as exc:  # UserError, ResponseError, InstrumentError: clean rejections
        message = str(exc)
    if message is not None:
        assert message
        assert not out.exists()


cells = st.one_of(
    st.integers(-3, 9).map(str),
    st.sampled_from(["", "NA", "2.0", "2.5", "x", "1e3", '"3"', " 4 ", "nan", "inf"]),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(st.sampled_from(["id", "a", "b", "c", "", "a"]), min_size=1, max_size=5),
    rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_csv_like_files_are_scored_or_rejected_with_a_reason(
    tmp_path_factory: pytest.TempPathFactory,
    header: list[str],
    rows: list[list[str]],
    delimiter: str,
) -> None:
    folder = tmp_path_factory.mktemp("csv")
    source = folder / "in.csv"
    source.write_text("\n".join(delimiter.join(r) for r in [header, *rows]) + "\n")
    out = folder / "out.json"
    message, written = None, -1
    try:
        written = score_file(source, out, KEYS, ScoreOptions())
    except ValueError as exc:
        message = str(exc)
    if message is not None:
        assert message
        assert not out.exists()
    else:
        assert len(json.loads(out.read_text())) == written
