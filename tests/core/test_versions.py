"""Instrument versions: plain id is the newest, ``id@version`` and (id, version) pin one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from twofold.core import (
    InstrumentError,
    Responses,
    bundled_instruments,
    bundled_versions,
    instrument_version,
    load_instrument,
    profile,
    score,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_plain_rbi_is_the_newest_version_and_each_version_loads_by_name() -> None:
    assert list(bundled_versions()["rbi"]) == ["1.0", "1.1"]
    assert load_instrument("rbi").version == "1.1"
    assert load_instrument("rbi@1.0").version == "1.0"
    assert load_instrument(("rbi", "1.0")).version == "1.0"
    assert instrument_version("rbi", "1.1") is load_instrument("rbi")
    assert {"rbi", "rbi@1.0", "rbi@1.1"} <= set(bundled_instruments())


def test_an_unknown_version_or_id_is_a_clear_error() -> None:
    with pytest.raises(InstrumentError, match=r"no version '2\.0' \(versions: 1\.0, 1\.1\)"):
        instrument_version("rbi", "2.0")
    with pytest.raises(InstrumentError, match="no bundled instrument 'nope'"):
        load_instrument("nope@1.0")


def test_versions_sort_numerically() -> None:
    from twofold.core.instrument import _version_key

    assert sorted(["1.10", "1.9", "1.0"], key=_version_key) == ["1.0", "1.9", "1.10"]


def test_rbi_1_0_scores_the_same_as_the_file_it_was_before_versions() -> None:
    """1.0 is unchanged: a loaded copy of the 1.0 text scores a random sample identically."""
    from twofold.core import parse_instrument

    path = bundled_versions()["rbi"]["1.0"]
    v10 = load_instrument("rbi@1.0")
    again = parse_instrument(path.read_text(encoding="utf-8"), source="rbi.yaml")
    rng = np.random.default_rng(9)
    rows = np.array(
        [[rng.integers(i.scale.min, i.scale.max + 1) for i in v10.items] for _ in range(200)],
        dtype=float,
    )
    rows[rng.random(rows.shape) < 0.1] = np.nan
    a = score(v10, Responses.from_array(v10, rows))
    b = score(again, Responses.from_array(again, rows))
    np.testing.assert_array_equal(a.values, b.values)
    assert v10.item_ids[-3:] == ("safety_fear", "safety_control", "safety_harm")
    assert len(v10.items) == 79
    # 1.0 keeps its two-state flag and gains the tri-state alongside
    prof = profile(v10, Responses.from_array(v10, rows))
    assert prof.safety is not None
    assert prof.safety_state is not None
    assert ((prof.safety_state == 1) == prof.safety).all()
