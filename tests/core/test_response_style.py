from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import answers_for
from twofold.core import Instrument, Responses, load_instrument, profile
from twofold.core.response_style import StyleLimits, response_style, style_items


@pytest.fixture(scope="module")
def rbi() -> Instrument:
    return load_instrument("rbi")


def _responses(inst: Instrument, people: list[dict[str, int]]) -> Responses:
    rows = [[np.nan if p.get(i) is None else p[i] for i in inst.item_ids] for p in people]
    return Responses.from_array(inst, np.array(rows, dtype=float))


def _all(inst: Instrument, value: int) -> dict[str, int]:
    out = {i: value for f in inst.profile for i in inst.scale(f).items}
    out.update(answers_for(inst))  # safety items "never"
    return out


def test_the_profile_items_are_balanced_and_in_the_order_asked(rbi: Instrument) -> None:
    items, reverse = style_items(rbi)
    assert len(items) == 48
    assert items[:3] == rbi.form("self").items[:3]
    assert 0 < reverse.sum() < len(items)


def test_acquiescence_is_the_mean_of_forward_and_reverse_raw_agreement(rbi: Instrument) -> None:
    content = answers_for(rbi, HD=6, UD=2, HI=6, UI=2)
    style = response_style(rbi, _responses(rbi, [_all(rbi, 7), _all(rbi, 1), content]))
    items, reverse = style_items(rbi)
    raw = np.array([content[i] for i in items], dtype=float) - 4
    expected = (raw[~reverse].mean() + raw[reverse].mean()) / 2
    assert style.acquiescence.tolist() == pytest.approx([3.0, -3.0, expected])
    assert style.acquiescent.tolist() == [True, True, False]


def test_straight_lining_is_a_long_run_or_a_small_spread(rbi: Instrument) -> None:
    content = answers_for(rbi, HD=6, UD=2, HI=6, UI=2)
    alternating = {i: (2 if k % 2 else 6) for k, i in enumerate(style_items(rbi)[0])}
    people = [_all(rbi, 4), content, alternating]
    style = response_style(rbi, _responses(rbi, people))
    assert style.longest_run[0] == 48
    assert style.spread[0] == 0
    assert style.straight_lined.tolist() == [True, False, False]
    assert style.longest_run[2] == 1


def test_the_limits_are_parameters(rbi: Instrument) -> None:
    content = answers_for(rbi, HD=6, UD=2, HI=6, UI=2)
    lax = response_style(rbi, _responses(rbi, [_all(rbi, 7)]), StyleLimits(acquiescence=3.5))
    assert not lax.acquiescent[0]
    strict = response_style(rbi, _responses(rbi, [content]), StyleLimits(min_spread=5.0))
    assert strict.straight_lined[0]


def test_too_few_answers_give_no_index_and_no_flag(rbi: Instrument) -> None:
    few = dict.fromkeys(style_items(rbi)[0][:5], 7)
    style = response_style(rbi, _responses(rbi, [few]))
    assert np.isnan(style.acquiescence[0])
    assert not style.out_of_range[0]


def test_profile_withholds_region_and_flags_only_for_the_out_of_range_person(
    rbi: Instrument,
) -> None:
    content = answers_for(rbi, HD=6, UD=2, HI=6, UI=5)
    result = profile(rbi, _responses(rbi, [_all(rbi, 7), content]))
    assert result.region_names() == [None, "interdependent"]
    assert result.flags[:, 0].tolist() == [-1, -1]
    assert result.person(1).flags["ui_elevated"] is True
    assert result.person(0).response_style == ("acquiescence", "straight_lining")
    assert result.person(1).response_style == ()
