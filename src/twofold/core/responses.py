"""Answers as validated integer arrays, and the per-item statistics that imputation needs.

:class:`Responses` holds the answers of *n* people to *p* items **item-major**: ``values[j]``
is everyone's answer to item *j*, contiguous in memory, the way columnar files (Parquet, Arrow)
store them. Unanswered cells hold 0 in ``values`` and ``False`` in ``answered``, so sums over
``values`` need no mask. Building one validates every cell against its item's response range
(model §7): a non-integer or out-of-range answer is an error naming the row and the column,
never silently coerced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from twofold.core.instrument import Instrument

__all__ = [
    "MAX_PROBLEMS",
    "ItemStats",
    "Problem",
    "ResponseError",
    "Responses",
]

MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    """One bad cell or column. ``row`` counts data rows from 1 (the header is not a row)."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ResponseError(ValueError):
    """Answers that cannot be scored; ``problems`` lists them (up to :data:`MAX_PROBLEMS`)."""

    def __init__(self, problems: Sequence[Problem], *, truncated: bool = False) -> None:
        self.problems = list(problems)
        self.truncated = truncated
        more = f"\n  ... (stopped after {len(self.problems)} problems)" if truncated else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the answers:\n{lines}{more}")


def _value_dtype(lo: int, hi: int) -> type[np.signedinteger[Any]]:
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= lo and hi <= info.max:
            return dtype
    return np.int64


@dataclass(frozen=True)
class Responses:
    """Validated answers, item-major. Use :meth:`from_columns` or :meth:`from_array` to build."""

    items: tuple[str, ...]
    values: NDArray[np.signedinteger[Any]]
    answered: NDArray[np.bool_]
    _index: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.values.shape != self.answered.shape or self.values.shape[0] != len(self.items):
            raise ValueError("values, answered and items disagree in shape")
        object.__setattr__(self, "_index", {item: j for j, item in enumerate(self.items)})

    @property
    def n_people(self) -> int:
        return int(self.values.shape[1])

    def position(self, item: str) -> int:
        return self._index[item]

    @classmethod
    def from_columns(
        cls,
        instrument: Instrument,
        columns: Mapping[str, NDArray[np.generic]],
        *,
        answered: Mapping[str, NDArray[np.bool_]] | None = None,
        row_offset: int = 0,
        max_problems: int = MAX_PROBLEMS,
    ) -> Responses:
        """Validate one array per item (floats with NaN for missing, or integers plus a mask).

        Every item of ``instrument`` must be present. ``row_offset`` is added to row numbers in
        messages, for files read in chunks.
        """
        problems: list[Problem] = []
        missing = [item.id for item in instrument.items if item.id not in columns]
        if missing:
            shown = ", ".join(missing[:10]) + (
                f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            )
            raise ResponseError([Problem(f"missing item column(s): {shown}")])
        lo_all = min(item.scale.min for item in instrument.items)
        hi_all = max(item.scale.max for item in instrument.items)
        dtype = _value_dtype(min(lo_all, 0), hi_all)
        n = len(next(iter(columns.values()))) if columns else 0
        p = len(instrument.items)
        values = np.zeros((p, n), dtype=dtype)
        mask = np.zeros((p, n), dtype=bool)
        truncated = False
        for j, item in enumerate(instrument.items):
            col = np.asarray(columns[item.id])
            if col.shape != (n,):
                raise ValueError(f"column {item.id!r} has {col.shape} cells, expected ({n},)")
            lo, hi = item.scale.min, item.scale.max
            if answered is not None and item.id in answered:
                ok = np.asarray(answered[item.id], dtype=bool)
            elif col.dtype.kind == "f":
                ok = ~np.isnan(col)
            else:
                ok = np.ones(n, dtype=bool)
            if col.dtype.kind in "iu":
                bad = ok & ((col < lo) | (col > hi))
                whole = True
            elif col.dtype.kind == "f":
                with np.errstate(invalid="ignore"):
                    bad = ok & ((col < lo) | (col > hi) | (col != np.floor(col)))
                whole = False
            elif col.dtype.kind == "b":
                col = col.astype(np.int64)
                bad = ok & ((col < lo) | (col > hi))
                whole = True
            else:
                problems.append(
                    Problem(
                        f"holds {col.dtype} values; answers must be whole numbers", column=item.id
                    )
                )
                continue
            if bad.any():
                for i in np.flatnonzero(bad)[: max_problems - len(problems)]:
                    v = col[i]
                    shown = _show(v)
                    if not whole and float(v) != np.floor(float(v)):
                        msg = f"{shown} is not a whole number; answers are integers {lo}..{hi}"
                    else:
                        msg = f"{shown} is outside the response range {lo}..{hi}"
                    problems.append(Problem(msg, row=row_offset + int(i) + 1, column=item.id))
                if len(problems) >= max_problems:
                    truncated = True
                    break
                continue
            if problems:
                continue  # keep looking for problems; nothing will be returned
            if whole:
                # unanswered cells must hold 0: multiplying by the mask is faster than copyto(where=)
                np.multiply(col, ok, out=values[j], casting="unsafe")
            else:
                np.copyto(values[j], np.where(ok, col, 0.0), casting="unsafe")
            mask[j] = ok
        if problems:
            raise ResponseError(problems, truncated=truncated)
        return cls(items=instrument.item_ids, values=values, answered=mask)

    @classmethod
    def from_array(
        cls, instrument: Instrument, data: NDArray[np.generic], *, row_offset: int = 0
    ) -> Responses:
        """Validate a person-major array (n people x p items, in ``instrument.items`` order)."""
        data = np.asarray(data)
        if data.ndim != 2 or data.shape[1] != len(instrument.items):
            raise ValueError(
                f"data must have shape (n, {len(instrument.items)}) for the instrument's items, "
                f"got {data.shape}"
            )
        cols = {item.id: data[:, j] for j, item in enumerate(instrument.items)}
        return cls.from_columns(instrument, cols, row_offset=row_offset)

    def take(self, rows: NDArray[np.intp] | slice) -> Responses:
        return Responses(self.items, self.values[:, rows], self.answered[:, rows])

    def to_float(self) -> NDArray[np.float64]:
        """Return a person-major float array with NaN for unanswered cells."""
        out = self.values.T.astype(np.float64)
        out[~self.answered.T] = np.nan
        return out


def _show(value: object) -> str:
    if isinstance(value, float | np.floating):
        f = float(value)
        return str(int(f)) if f.is_integer() else repr(f)
    return repr(value.item() if isinstance(value, np.generic) else value)


@dataclass(frozen=True)
class ItemStats:
    """Counts of each answer per item, mergeable across chunks; gives exact means and medians.

    ``counts[j, k]`` is how many people gave answer ``lows[j] + k`` to item ``j``.
    """

    items: tuple[str, ...]
    lows: NDArray[np.int64]
    counts: NDArray[np.int64]

    @classmethod
    def of(cls, instrument: Instrument, responses: Responses) -> ItemStats:
        lows = np.array([i.scale.min for i in instrument.items], dtype=np.int64)
        width = max(i.scale.max - i.scale.min for i in instrument.items) + 1
        counts = np.zeros((len(instrument.items), width), dtype=np.int64)
        for j in range(len(instrument.items)):
            answered = responses.values[j][responses.answered[j]].astype(np.int64) - lows[j]
            counts[j] = np.bincount(answered, minlength=width)[:width]
        return cls(instrument.item_ids, lows, counts)

    def merge(self, other: ItemStats) -> ItemStats:
        return ItemStats(self.items, self.lows, self.counts + other.counts)

    def centres(self, how: Literal["mean", "median"]) -> NDArray[np.float64]:
        """Item means, or medians as R's ``median`` computes them (mean of the two middle values)."""
        k = np.arange(self.counts.shape[1])
        totals = self.counts.sum(axis=1)
        out = np.full(len(self.items), np.nan)
        for j, total in enumerate(totals):
            if total == 0:
                continue
            if how == "mean":
                out[j] = self.lows[j] + float((self.counts[j] * k).sum()) / float(total)
                continue
            cum = np.cumsum(self.counts[j])
            lower = int(np.searchsorted(cum, (total - 1) // 2 + 1))
            upper = int(np.searchsorted(cum, total // 2 + 1))
            out[j] = self.lows[j] + (lower + upper) / 2.0
        return out
