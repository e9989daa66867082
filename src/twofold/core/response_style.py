"""Response style: answers that say more about how a person answered than about what is true.

Two indices per person, computed from the raw answers (before reverse-keying) to the items of
the instrument's profile scales (for the RBI: the 48 items of the four facets), vectorised over
people:

- **acquiescence**: agreement regardless of content. The profile items are balanced - some
  keyed forward, some reverse-keyed - so a person who reads each sentence gives high raw
  answers to one kind and low to the other. The index is the mean of (mean raw answer to the
  forward-keyed items) and (mean raw answer to the reverse-keyed items), minus the middle of the
  response scale: about 0 for content-driven answers, +3 for "agree with everything" on 1-7,
  -3 for "disagree with everything".
- **straight-lining**: the same answer again and again. ``spread`` is the standard deviation of
  the person's raw answers; ``longest_run`` the longest run of identical consecutive answers in
  the order the items were asked (the instrument's first form that holds them).

The thresholds are parameters (:class:`StyleLimits`), not instrument data, so they hold for any
instrument with a balanced profile. The defaults are a judgement, documented in
``docs/reports.md``: acquiescence beyond 1.5 points (half-way from the middle to the end of a
1-7 scale); spread below 0.5 points; a run of 80% of the items. Fewer than ``min_items``
answered, or an instrument without both kinds of keying, gives NaN indices and no flag.

When either index is out of range, the report withholds flags, the map region and the couple
pattern, and says why in plain words (``twofold.reports``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from twofold.core.instrument import Instrument
from twofold.core.responses import Responses

__all__ = ["ResponseStyle", "StyleLimits", "response_style", "style_items"]


@dataclass(frozen=True)
class StyleLimits:
    """When an answer pattern is out of range (see the module docstring)."""

    acquiescence: float = 1.5
    min_spread: float = 0.5
    max_run_share: float = 0.8
    min_items: int = 8


@dataclass(frozen=True)
class ResponseStyle:
    """Per person: the indices and whether each is out of range (False when not computable)."""

    acquiescence: NDArray[np.float64]
    spread: NDArray[np.float64]
    longest_run: NDArray[np.int64]
    n_answered: NDArray[np.int64]
    acquiescent: NDArray[np.bool_]
    straight_lined: NDArray[np.bool_]

    @property
    def out_of_range(self) -> NDArray[np.bool_]:
        out: NDArray[np.bool_] = self.acquiescent | self.straight_lined
        return out


def style_items(instrument: Instrument) -> tuple[tuple[str, ...], NDArray[np.bool_]]:
    """The profile scales' items in the order asked, and which of them are reverse-keyed."""
    wanted: set[str] = set()
    for sid in instrument.profile:
        wanted.update(instrument.scale(sid).items)
    order: list[str] = []
    for form in instrument.forms:
        order.extend(i for i in form.items if i in wanted and i not in order)
    order.extend(i for i in instrument.item_ids if i in wanted and i not in order)
    reverse = np.array([instrument.item(i).reverse for i in order], dtype=bool)
    return tuple(order), reverse


def response_style(
    instrument: Instrument, responses: Responses, limits: StyleLimits | None = None
) -> ResponseStyle:
    """Compute both indices for every person in ``responses``."""
    limits = limits or StyleLimits()
    items, reverse = style_items(instrument)
    n = responses.n_people
    if not items:
        nan = np.full(n, np.nan)
        zero = np.zeros(n, dtype=np.int64)
        no = np.zeros(n, dtype=bool)
        return ResponseStyle(nan, nan.copy(), zero, zero.copy(), no, no.copy())
    rows = [responses.position(i) for i in items]
    values = responses.values[rows].astype(np.float64)  # (items, people)
    answered = responses.answered[rows]
    values[~answered] = np.nan
    mids = np.array(
        [(instrument.item(i).scale.min + instrument.item(i).scale.max) / 2 for i in items]
    )[:, None]
    centred = values - mids
    n_answered = answered.sum(axis=0).astype(np.int64)
    enough = n_answered >= limits.min_items
    filled = np.where(answered, centred, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if reverse.any() and (~reverse).any():
            fwd = filled[~reverse].sum(axis=0) / answered[~reverse].sum(axis=0)
            rev = filled[reverse].sum(axis=0) / answered[reverse].sum(axis=0)
            acq = (fwd + rev) / 2
        else:
            acq = np.full(n, np.nan)
        count = np.maximum(n_answered, 1)
        mean = filled.sum(axis=0) / count
        spread = np.sqrt((np.where(answered, centred - mean, 0.0) ** 2).sum(axis=0) / count)
    acq[~enough] = np.nan
    spread[~enough] = np.nan
    # Longest run of identical consecutive answers among the answered items, in asked order.
    longest = np.zeros(n, dtype=np.int64)
    run = np.zeros(n, dtype=np.int64)
    previous = np.full(n, np.nan)
    for k in range(len(items)):
        v = values[k]
        here = answered[k]
        same = here & (v == previous)
        run = np.where(same, run + 1, np.where(here, 1, run))
        previous = np.where(here, v, previous)
        np.maximum(longest, run, out=longest)
    acquiescent = enough & (np.abs(np.nan_to_num(acq)) > limits.acquiescence)
    straight = enough & (
        (np.nan_to_num(spread, nan=np.inf) < limits.min_spread)
        | (longest >= np.ceil(limits.max_run_share * n_answered))
    )
    return ResponseStyle(
        acquiescence=acq,
        spread=spread,
        longest_run=longest,
        n_answered=n_answered,
        acquiescent=acquiescent,
        straight_lined=straight,
    )
