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
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from twofold.core.instrument import Instrument
from twofold.core.responses import ItemStats, Responses

__all__ = ["BlockScorer", "Impute", "ScoreTable", "blocks", "run_blocked", "score"]

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
    answered: NDArray[np.signedinteger[Any]]
    n_items: tuple[int, ...]

    def __getitem__(self, score_id: str) -> NDArray[np.float64]:
        row: NDArray[np.float64] = self.values[self.score_ids.index(score_id)]
        return row

    def count(self, score_id: str) -> NDArray[np.signedinteger[Any]]:
        row: NDArray[np.signedinteger[Any]] = self.answered[self.score_ids.index(score_id)]
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


def _children_first(instrument: Instrument) -> list[int]:
    """Scale indices ordered so that nested scales come after the scales they contain."""
    index = {s.id: k for k, s in enumerate(instrument.scales)}
    order: list[int] = []
    seen: set[int] = set()

    def visit(k: int) -> None:
        if k in seen:
            return
        seen.add(k)
        for child in instrument.scales[k].children:
            visit(index[child])
        order.append(k)

    for k in range(len(instrument.scales)):
        visit(k)
    return order


def _smallest_int(bound: int) -> type[np.signedinteger[Any]]:
    for dtype in (np.int8, np.int16, np.int32):
        if bound <= np.iinfo(dtype).max:
            return dtype
    return np.int64


def blocks(n: int, size: int = BLOCK_ROWS) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def _threads() -> int:
    """Worker threads: ``TWOFOLD_THREADS`` if set (e.g. 1 for benchmarks), else the cores."""
    raw = os.environ.get("TWOFOLD_THREADS", "")
    if raw.strip():
        try:
            return max(1, int(raw))
        except ValueError:
            raise ValueError(f"TWOFOLD_THREADS must be a whole number, got {raw!r}") from None
    return os.cpu_count() or 1


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _shared_pool(workers: int) -> ThreadPoolExecutor:
    """One long-lived pool, so scoring many small chunks does not start threads each time."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers != workers:
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="twofold-score")
        return _pool


def run_blocked(n: int, work: Callable[[slice], None], *, size: int = BLOCK_ROWS) -> None:
    """Call ``work(rows)`` for every block of rows, on as many threads as there are cores."""
    parts = list(blocks(n, size))
    workers = min(len(parts), _threads())
    if workers <= 1:
        for rows in parts:
            work(rows)
        return
    for _ in _shared_pool(_threads()).map(work, parts):
        pass


class BlockScorer:
    """Scores rows block by block into preallocated arrays (``values``, ``answered``).

    :func:`score` runs it over all rows; :func:`~twofold.core.profiles.profile` runs it inside
    its own block loop so that a block's scores are still in cache when its intervals and
    regions are computed.
    """

    def __init__(
        self,
        instrument: Instrument,
        responses: Responses,
        *,
        min_answered: float | None = None,
        impute: Impute = "none",
        centres: NDArray[np.float64] | None = None,
    ) -> None:
        if responses.items != instrument.item_ids:
            raise ValueError("responses were built for a different item list than the instrument's")
        if min_answered is not None and not 0 <= min_answered <= 1:
            raise ValueError(f"min_answered must lie in 0..1, got {min_answered!r}")
        if impute not in ("none", "mean", "median"):
            raise ValueError(f"impute must be 'none', 'mean' or 'median', got {impute!r}")
        self.instrument = instrument
        self.responses = responses
        self.plans = _plan(instrument, responses, min_answered)
        n = responses.n_people
        self.score_ids = instrument.score_ids
        self.values = np.empty((len(self.score_ids), n), dtype=np.float64)
        most_items = max((p.n_items for p in self.plans), default=1)
        self.count_dtype = _smallest_int(most_items)
        self.answered = np.empty((len(self.plans), n), dtype=self.count_dtype)
        self.filled: NDArray[np.float64] | None = None
        if impute != "none":
            self.filled = (
                centres
                if centres is not None
                else ItemStats.of(instrument, responses).centres(impute)
            )
        bound = max(
            (
                p.n_items * max(abs(i.scale.min), abs(i.scale.max), p.reverse_constant)
                for p, s in zip(self.plans, instrument.scales, strict=True)
                for i in (instrument.item(s.keys[0][0]),)
            ),
            default=1,
        )
        self.sum_dtype = _smallest_int(bound)
        self.order = _children_first(instrument)
        self.min_counts = np.array([[p.min_count] for p in self.plans], dtype=self.count_dtype)
        index = {sid: k for k, sid in enumerate(self.score_ids)}
        self.composites = [
            (index[c.id], [(index[x], sign) for x, sign in c.components], c.min + c.max)
            for c in instrument.composites
        ]
        # bool answers seen as 0/1 integers without a copy
        self.ones = responses.answered.view(np.int8)

    def block(self, rows: slice) -> None:
        with np.errstate(
            invalid="ignore", divide="ignore"
        ):  # per thread: errstate is not inherited
            if self.filled is None:
                self._sums(rows)
            else:
                self._imputed_sums(rows)
            self._composites(rows)

    def _sums(self, rows: slice) -> None:
        width = rows.stop - rows.start
        vals, ones = self.responses.values, self.ones
        n_scales = len(self.plans)
        totals = np.zeros((n_scales, width), dtype=self.sum_dtype)
        counts = np.zeros((n_scales, width), dtype=self.count_dtype)
        reversed_counts = np.zeros(width, dtype=self.sum_dtype)
        for k in self.order:
            plan = self.plans[k]
            total, cnt = totals[k], counts[k]
            if plan.children:
                for c in plan.children:
                    total += totals[c]
                    cnt += counts[c]
                continue
            for j in plan.pos:
                total += vals[j, rows]
                cnt += ones[j, rows]
            if plan.rev:
                reversed_counts[:] = 0
                for j in plan.rev:
                    total -= vals[j, rows]
                    reversed_counts += ones[j, rows]
                cnt += reversed_counts
                reversed_counts *= plan.reverse_constant
                total += reversed_counts
        self.answered[:, rows] = counts
        out = self.values[:n_scales, rows]
        np.divide(totals, counts, out=out)
        too_few = counts < self.min_counts
        if too_few.any():
            np.copyto(out, np.nan, where=too_few)

    def _imputed_sums(self, rows: slice) -> None:
        assert self.filled is not None
        vals, answered = self.responses.values, self.responses.answered
        for k, plan in enumerate(self.plans):
            total = np.zeros(rows.stop - rows.start, dtype=np.float64)
            cnt = np.zeros(rows.stop - rows.start, dtype=self.count_dtype)
            for j in plan.pos + plan.rev:
                col = np.where(answered[j, rows], vals[j, rows], self.filled[j])
                total += col if j in plan.pos else plan.reverse_constant - col
                cnt += self.ones[j, rows]
            self.answered[k, rows] = cnt
            out = self.values[k, rows]
            np.divide(total, plan.n_items, out=out)
            out[cnt < plan.min_count] = np.nan

    def _composites(self, rows: slice) -> None:
        values = self.values
        for target, parts, constant in self.composites:
            out = values[target, rows]
            first, sign = parts[0]
            if sign > 0:
                out[:] = values[first, rows]
            else:
                np.subtract(constant, values[first, rows], out=out)
            for source, sign in parts[1:]:
                if sign > 0:
                    out += values[source, rows]
                else:
                    out -= values[source, rows]
                    out += constant
            if len(parts) > 1:
                out *= 1.0 / len(parts)

    def table(self) -> ScoreTable:
        return ScoreTable(
            instrument=self.instrument,
            score_ids=self.score_ids,
            values=self.values,
            answered=self.answered,
            n_items=tuple(p.n_items for p in self.plans),
        )


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
    scorer = BlockScorer(
        instrument, responses, min_answered=min_answered, impute=impute, centres=centres
    )
    run_blocked(responses.n_people, scorer.block)
    return scorer.table()
