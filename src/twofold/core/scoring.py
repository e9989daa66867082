"""Scale and composite scores: the mean of answered items after reverse-keying (model §7).

The engine works on item-major integer arrays (:class:`~twofold.core.responses.Responses`),
in blocks of rows spread over a thread pool: NumPy releases the GIL in its loops, and a block's
columns stay in cache while every scale of the block is summed. A reversed item contributes
``(min + max) - x``, so a scale sum is ``sum(positive) - sum(reversed) + (min + max) * answered
reversed``; unanswered cells hold 0 and add nothing. Sums are exact small integers; the mean is
taken once, in float64.

Nested scales (a facet over its sub-facets) reuse their children's sums when the children's
items are disjoint, which is the usual case.

Missing data: a scale is missing when fewer than ``ceil(share * k)`` of its ``k`` items are
answered (at least one). ``impute="mean"`` or ``"median"`` replaces each unanswered cell by the
item's mean or median over everyone before scoring, as psych's ``scoreItems`` does; the
minimum-answered rule still counts real answers only.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from twofold.core.instrument import Instrument
from twofold.core.responses import ItemStats, Responses

__all__ = ["Impute", "ScoreTable", "blocks", "run_blocked", "score"]

Impute = Literal["none", "mean", "median"]
BLOCK_ROWS = 32_768


@dataclass(frozen=True)
class ScoreTable:
    """Scores of n people. ``values[k]`` is score ``score_ids[k]`` for everyone (NaN = missing).

    ``answered[k]`` counts the answered items of scale ``k`` (scales come first in ``score_ids``;
    composites have no count).
    """

    instrument: Instrument
    score_ids: tuple[str, ...]
    values: NDArray[np.float64]
    answered: NDArray[np.int16]
    n_items: tuple[int, ...]

    def __getitem__(self, score_id: str) -> NDArray[np.float64]:
        row: NDArray[np.float64] = self.values[self.score_ids.index(score_id)]
        return row

    def count(self, score_id: str) -> NDArray[np.int16]:
        row: NDArray[np.int16] = self.answered[self.score_ids.index(score_id)]
        return row

    @property
    def n_people(self) -> int:
        return int(self.values.shape[1])


@dataclass(frozen=True)
class _ScalePlan:
    pos: tuple[int, ...]
    rev: tuple[int, ...]
    children: tuple[int, ...]  # indices of child scales whose sums add up to this one
    min_count: int
    reverse_constant: int
    n_items: int


def _plan(
    instrument: Instrument, responses: Responses, min_answered: float | None
) -> list[_ScalePlan]:
    plans: list[_ScalePlan] = []
    index = {s.id: k for k, s in enumerate(instrument.scales)}
    for scale in instrument.scales:
        share = scale.min_answered if min_answered is None else min_answered
        k = len(scale.keys)
        min_count = max(1, math.ceil(share * k - 1e-9))
        child_keys = [key for child in scale.children for key in instrument.scale(child).keys]
        reuse = bool(scale.children) and sorted(child_keys) == sorted(scale.keys)
        plans.append(
            _ScalePlan(
                pos=tuple(responses.position(i) for i, sign in scale.keys if sign > 0),
                rev=tuple(responses.position(i) for i, sign in scale.keys if sign < 0),
                children=tuple(index[c] for c in scale.children) if reuse else (),
                min_count=min_count,
                reverse_constant=scale.min + scale.max,
                n_items=k,
            )
        )
    return plans


def blocks(n: int, size: int = BLOCK_ROWS) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def run_blocked(n: int, work: Callable[[slice], None], *, size: int = BLOCK_ROWS) -> None:
    """Call ``work(rows)`` for every block of rows, on as many threads as there are cores."""
    parts = list(blocks(n, size))
    workers = min(len(parts), os.cpu_count() or 1)
    if workers <= 1:
        for rows in parts:
            work(rows)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(work, parts):
            pass


def score(
    instrument: Instrument,
    responses: Responses,
    *,
    min_answered: float | None = None,
    impute: Impute = "none",
    centres: NDArray[np.float64] | None = None,
) -> ScoreTable:
    """Score every scale and composite of ``instrument``.

    Parameters
    ----------
    instrument : Instrument
        The definition; its items must match ``responses.items``.
    responses : Responses
        Validated answers.
    min_answered : float, optional
        Share of a scale's items that must be answered (0..1); overrides the instrument's.
        ``0`` scores a person from any single answered item, as psych does.
    impute : {"none", "mean", "median"}
        Replace unanswered cells by the item mean or median before scoring.
    centres : array, optional
        Item means/medians to impute with, when they were computed over more rows than these
        (a file read in chunks). Computed from ``responses`` when omitted.

    Returns
    -------
    ScoreTable

    Notes
    -----
    For scale *s* with keyed items *K* and person *i*:
    ``score = mean_{j in K, answered} (x_ij if key_j > 0 else min + max - x_ij)``.

    Examples
    --------
    >>> from twofold.core import instrument_from_keys, Responses, score
    >>> inst = instrument_from_keys({"S": ["a", "-b"]}, min=1, max=5)
    >>> r = Responses.from_array(inst, np.array([[5.0, 1.0], [4.0, np.nan]]))
    >>> score(inst, r, min_answered=0.5)["S"].tolist()
    [5.0, 4.0]
    """
    if responses.items != instrument.item_ids:
        raise ValueError("responses were built for a different item list than the instrument's")
    if min_answered is not None and not 0 <= min_answered <= 1:
        raise ValueError(f"min_answered must lie in 0..1, got {min_answered!r}")
    if impute not in ("none", "mean", "median"):
        raise ValueError(f"impute must be 'none', 'mean' or 'median', got {impute!r}")
    plans = _plan(instrument, responses, min_answered)
    n = responses.n_people
    n_scales = len(instrument.scales)
    score_ids = instrument.score_ids
    values = np.empty((len(score_ids), n), dtype=np.float64)
    counts = np.empty((n_scales, n), dtype=np.int16)
    filled: NDArray[np.float64] | None = None
    if impute != "none":
        if centres is None:
            centres = ItemStats.of(instrument, responses).centres(impute)
        filled = centres
    comp_index = {sid: k for k, sid in enumerate(score_ids)}
    composites = [
        (comp_index[c.id], [(comp_index[x], sign) for x, sign in c.components], c.min + c.max)
        for c in instrument.composites
    ]
    sum_dtype = (
        np.int16
        if len(instrument.items) * max(abs(i.scale.max) for i in instrument.items) < 32_000
        else np.int64
    )
    vals = responses.values
    answered = responses.answered

    def work(rows: slice) -> None:
        with np.errstate(
            invalid="ignore", divide="ignore"
        ):  # per thread: errstate is not inherited
            _work(rows)

    def _work(rows: slice) -> None:
        width = rows.stop - rows.start
        sums: list[NDArray[Any]] = []
        for k, plan in enumerate(plans):
            cnt: NDArray[Any] = counts[k, rows]
            if plan.children:
                total: NDArray[Any] = sums[plan.children[0]].copy()
                cnt[:] = counts[plan.children[0], rows]
                for c in plan.children[1:]:
                    total += sums[c]
                    cnt += counts[c, rows]
            elif filled is None:
                total = np.zeros(width, dtype=sum_dtype)
                cnt[:] = 0
                for j in plan.pos:
                    total += vals[j, rows]
                    cnt += answered[j, rows]
                if plan.rev:
                    rev_count = np.zeros(width, dtype=np.int16)
                    for j in plan.rev:
                        total -= vals[j, rows]
                        rev_count += answered[j, rows]
                    cnt += rev_count
                    total += rev_count * np.int16(plan.reverse_constant)
            else:
                total = np.zeros(width, dtype=np.float64)
                cnt[:] = 0
                for j in plan.pos + plan.rev:
                    sign = 1.0 if j in plan.pos else -1.0
                    col = np.where(answered[j, rows], vals[j, rows], filled[j])
                    total += col if sign > 0 else plan.reverse_constant - col
                    cnt += answered[j, rows]
            sums.append(total)
            out = values[k, rows]
            denominator = plan.n_items if filled is not None else cnt
            np.divide(total, denominator, out=out)
            out[cnt < plan.min_count] = np.nan
        for target, parts, constant in composites:
            out = values[target, rows]
            out[:] = 0.0
            for source, sign in parts:
                if sign > 0:
                    out += values[source, rows]
                else:
                    out += constant - values[source, rows]
            out /= len(parts)

    run_blocked(n, work)
    return ScoreTable(
        instrument=instrument,
        score_ids=score_ids,
        values=values,
        answered=counts,
        n_items=tuple(p.n_items for p in plans),
    )
