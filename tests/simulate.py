"""Answers simulated from a known factor structure, for parameter-recovery tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from twofold.core.cfa import InstrumentModel


def factor_answers(
    model: InstrumentModel,
    n: int,
    *,
    loading: float,
    correlations: np.ndarray,
    seed: int,
) -> pd.DataFrame:
    """Whole-number answers whose keyed values follow ``model``'s factors.

    Each keyed item is ``loading * factor + error`` (unit variances), spread over the response
    range and rounded; reverse-keyed items are then written reversed, as a person would answer.
    """
    rng = np.random.default_rng(seed)
    factors = rng.multivariate_normal(np.zeros(len(model.factors)), correlations, size=n)
    columns: dict[str, np.ndarray] = {}
    inst = model.instrument
    for k, factor in enumerate(model.factors):
        for item in inst.scale(factor).items:
            if item not in model.items or item in columns:
                continue
            lo, hi = inst.item(item).scale.min, inst.item(item).scale.max
            latent = loading * factors[:, k] + rng.normal(scale=np.sqrt(1 - loading**2), size=n)
            centre, spread = (lo + hi) / 2, (hi - lo) / 5
            answer = np.clip(np.round(centre + spread * latent), lo, hi).astype(int)
            columns[item] = lo + hi - answer if item in model.reversed else answer
    return pd.DataFrame(columns)
