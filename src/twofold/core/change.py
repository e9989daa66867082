"""Reliable change between two occasions of the same person (Jacobson & Truax, 1991)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["RELIABLE_Z", "Change", "reliable_change"]

RELIABLE_Z = 1.96


@dataclass(frozen=True)
class Change:
    """``rci`` per person; ``direction`` is +1 (reliably up), -1 (reliably down) or 0 (neither).

    ``direction`` is 0 too where either occasion is missing; ``rci`` is NaN there.
    """

    difference: NDArray[np.float64]
    rci: NDArray[np.float64]
    direction: NDArray[np.int8]


def reliable_change(before: ArrayLike, after: ArrayLike, *, sem: float) -> Change:
    """Reliable change index of each person's change from ``before`` to ``after``.

    Notes
    -----
    ``RCI = (x2 - x1) / (SEM * sqrt(2))``; ``|RCI| >= 1.96`` is a reliable change.

    Examples
    --------
    >>> reliable_change([4.0, 4.0], [5.5, 4.2], sem=0.4).direction.tolist()
    [1, 0]
    """
    if not np.isfinite(sem) or sem <= 0:
        raise ValueError(f"sem must be a positive number, got {sem!r}")
    x1 = np.asarray(before, dtype=np.float64)
    x2 = np.asarray(after, dtype=np.float64)
    if x1.shape != x2.shape:
        raise ValueError(f"before has shape {x1.shape} but after has shape {x2.shape}")
    diff = x2 - x1
    rci = diff / (sem * np.sqrt(2.0))
    direction = np.zeros(rci.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        direction[rci >= RELIABLE_Z] = 1
        direction[rci <= -RELIABLE_Z] = -1
    return Change(diff, rci, direction)
