"""How alike the two partners of a dyad answer: intraclass correlations and Cohen's kappa.

- :func:`pairwise_icc`: the double-entry (pairwise) intraclass correlation of Griffin &
  Gonzalez (1995) for exchangeable members, with its test ``z = r * sqrt(N)``.
- :func:`anova_icc`: the one-way ANOVA ICC(1) for dyads, with psych's F-based interval.
- :func:`partial_icc`: the within-dyad correlation of y once both partners' x is accounted
  for (the residual correlation of the indistinguishable APIM fitted by REML).
- :func:`cohen_kappa`: agreement on categorical or ordinal answers, unweighted or with linear
  or quadratic weights.

Kappa's standard error is the large-sample (non-null) one of Fleiss, Cohen & Everitt (1969),
as ``vcd::Kappa`` reports it (``ASE``); the interval is ``kappa +/- z * ASE`` as vcd's
``confint``. ``psych::cohen.kappa`` gives the same unweighted variance but another weighted
one. Written here because no maintained Python library reports these standard errors:
scikit-learn's ``cohen_kappa_score`` gives the point estimate only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from twofold.core.dyadic import GLSAPIM

__all__ = [
    "AnovaICC",
    "Kappa",
    "PairwiseICC",
    "anova_icc",
    "cohen_kappa",
    "pairwise_cross_correlation",
    "pairwise_icc",
    "partial_icc",
]

Weights = Literal["none", "linear", "quadratic"]


@dataclass(frozen=True)
class PairwiseICC:
    """Double-entry intraclass correlation with its large-sample test (``z = r sqrt(N)``)."""

    r: float
    z: float
    p: float
    n_dyads: int


@dataclass(frozen=True)
class AnovaICC:
    """One-way ANOVA ICC(1) for dyads, the F test of no similarity and its interval."""

    icc: float
    ms_between: float
    ms_within: float
    f: float
    df1: int
    df2: int
    p: float
    ci_lower: float
    ci_upper: float
    level: float
    n_dyads: int


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa for two raters (partners) on the same items.

    ``table[i, j]`` counts answers where ``a`` gave ``categories[i]`` and ``b`` gave
    ``categories[j]``. ``observed`` and ``expected`` are the (weighted) agreement seen and
    expected by chance. ``z = kappa / se`` and its two-sided ``p`` are a Wald test with the
    non-null standard error, as vcd prints them.
    """

    kappa: float
    se: float
    z: float
    p: float
    ci_lower: float
    ci_upper: float
    level: float
    weights: str
    observed: float
    expected: float
    n: int
    n_dropped: int
    categories: tuple[Any, ...]
    table: NDArray[np.int64]


def _two_columns(values: ArrayLike, name: str) -> NDArray[np.float64]:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers, shape (n_dyads, 2)") from None
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(
            f"{name} must have shape (n_dyads, 2), one column per member; got {arr.shape}"
        )
    return arr


def _complete_dyads(arr: NDArray[np.float64], name: str) -> NDArray[np.float64]:
    """The dyads (rows) without a missing value, at least three of them."""
    arr = arr[~np.isnan(arr).any(axis=1)]
    if np.isinf(arr).any():
        raise ValueError(f"{name} holds an infinite value")
    if arr.shape[0] < 3:
        raise ValueError(f"{name}: too few complete dyads ({arr.shape[0]}; need at least 3)")
    return arr


def _level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {level!r}")
    return float(level)


def pairwise_icc(values: ArrayLike) -> PairwiseICC:
    """Pairwise (double-entry) intraclass correlation of the two members' values.

    ``values`` has shape (n_dyads, 2); dyads with a missing value are left out.

    Notes
    -----
    Stack ``a = (v_1, v_2)`` and ``b = (v_2, v_1)``; with ``m`` the mean of ``a``,
    ``r = sum (a - m)(b - m) / sum (a - m)^2``; ``z = r sqrt(N)`` (Griffin & Gonzalez, 1995).

    Examples
    --------
    >>> round(pairwise_icc([[1, 2], [3, 3], [5, 4], [2, 2]]).r, 4)
    0.8261
    """
    v = _complete_dyads(_two_columns(values, "values"), "values")
    a = np.concatenate([v[:, 0], v[:, 1]])
    b = np.concatenate([v[:, 1], v[:, 0]])
    d = a - a.mean()
    ss = float(d @ d)
    if ss == 0:
        raise ValueError("values do not vary: the intraclass correlation is undefined")
    r = float(d @ (b - a.mean())) / ss
    n = v.shape[0]
    z = r * math.sqrt(n)
    return PairwiseICC(r, z, float(2 * special.ndtr(-abs(z))), n)


def pairwise_cross_correlation(x: ArrayLike, y: ArrayLike) -> float:
    """Correlation of one partner's x with the other's y in the double-entry layout.

    ``x`` and ``y`` have shape (n_dyads, 2); dyads with a missing value in either are left out.

    Examples
    --------
    >>> round(pairwise_cross_correlation([[1, 2], [2, 4], [3, 3]], [[2, 1], [3, 3], [4, 2]]), 4)
    0.6364
    """
    xa, ya = _two_columns(x, "x"), _two_columns(y, "y")
    if xa.shape != ya.shape:
        raise ValueError(f"x has {xa.shape[0]} dyads but y has {ya.shape[0]}")
    both = _complete_dyads(np.hstack([xa, ya]), "x and y")
    xa, ya = both[:, :2], both[:, 2:]
    actor = np.concatenate([xa[:, 0], xa[:, 1]])
    partner = np.concatenate([ya[:, 1], ya[:, 0]])
    return float(np.corrcoef(actor, partner)[0, 1])


def anova_icc(values: ArrayLike, *, confidence: float = 0.95) -> AnovaICC:
    """One-way ANOVA intraclass correlation ICC(1) for dyads (k = 2 members).

    Matches psych's ``ICC1`` (``ICC(..., lmer = FALSE)``) and its interval.

    Notes
    -----
    With dyad means ``d_i``, grand mean ``m``: ``MSB = 2 sum (d_i - m)^2 / (N - 1)``,
    ``MSW = sum (v_i1 - v_i2)^2 / (2 N)``, ``ICC = (MSB - MSW) / (MSB + MSW)``,
    ``F = MSB / MSW`` on (N - 1, N) df. Interval: ``F_L = F / F_(1-a/2; N-1, N)``,
    ``F_U = F * F_(1-a/2; N, N-1)``, bounds ``(F_* - 1) / (F_* + 1)``.

    Examples
    --------
    >>> round(anova_icc([[1, 2], [3, 3], [5, 4], [2, 2]]).icc, 4)
    0.8667
    """
    level = _level(confidence)
    v = _complete_dyads(_two_columns(values, "values"), "values")
    n = v.shape[0]
    m = float(v.mean())
    dm = v.mean(axis=1)
    msb = 2 * float(((dm - m) ** 2).sum()) / (n - 1)
    msw = float(((v[:, 0] - v[:, 1]) ** 2).sum()) / (2 * n)
    if msw == 0 and msb == 0:
        raise ValueError("values do not vary: the intraclass correlation is undefined")
    icc = (msb - msw) / (msb + msw)
    f = msb / msw if msw > 0 else math.inf
    df1, df2 = n - 1, n
    alpha = 1 - level
    f_low = f / float(special.fdtri(df1, df2, 1 - alpha / 2))
    f_high = f * float(special.fdtri(df2, df1, 1 - alpha / 2))
    return AnovaICC(
        icc=icc,
        ms_between=msb,
        ms_within=msw,
        f=f,
        df1=df1,
        df2=df2,
        p=float(special.fdtrc(df1, df2, f)),
        ci_lower=(f_low - 1) / (f_low + 1),
        ci_upper=(f_high - 1) / (f_high + 1) if math.isfinite(f_high) else 1.0,
        level=level,
        n_dyads=n,
    )


def partial_icc(y: ArrayLike, x: ArrayLike) -> float:
    """Within-dyad correlation of y after both partners' x (REML, compound symmetry).

    The residual correlation of ``gls(y_A ~ x_A + x_P, correlation = corCompSymm(~1|dyad))``;
    see :class:`twofold.core.dyadic.GLSAPIM`. ``x`` and ``y`` have shape (n_dyads, 2).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> shared = rng.normal(size=(300, 1))
    >>> x = rng.normal(size=(300, 2)); y = x + shared + rng.normal(size=(300, 2))
    >>> 0.3 < partial_icc(y, x) < 0.7
    True
    """
    return GLSAPIM("indistinguishable", method="REML").fit(x, y).rho_


def _weights(kind: str, r: int) -> NDArray[np.float64]:
    i = np.arange(r)
    dist = np.abs(i[:, None] - i[None, :]) / max(r - 1, 1)
    if kind == "none":
        return np.eye(r)
    if kind == "linear":
        return np.asarray(1 - dist, dtype=np.float64)
    if kind == "quadratic":
        return np.asarray(1 - dist**2, dtype=np.float64)
    raise ValueError(f"weights must be 'none', 'linear' or 'quadratic', got {kind!r}")


def cohen_kappa(
    a: ArrayLike,
    b: ArrayLike,
    *,
    weights: Weights = "none",
    categories: Sequence[Any] | None = None,
    confidence: float = 0.95,
) -> Kappa:
    """Cohen's kappa between two raters' answers ``a`` and ``b`` (one entry per item or person).

    Pairs with a missing answer are left out. The categories are ``categories`` in the order
    given, else the answers seen in sorted order; weighted kappa uses their positions
    (``1 - |i - j| / (r - 1)`` linear, ``1 - (i - j)^2 / (r - 1)^2`` quadratic), as vcd does.
    Pass ``categories`` to keep a point of the scale nobody chose.

    Notes
    -----
    With proportions ``p_ij``, margins ``p_i.`` and ``p_.j`` and weights ``w_ij``:
    ``p_o = sum w_ij p_ij``, ``p_e = sum w_ij p_i. p_.j``, ``kappa = (p_o - p_e) / (1 - p_e)``.
    With ``w_i = sum_j w_ij p_.j`` and ``w_j = sum_i w_ij p_i.``,
    ``se^2 = (sum p_ij (w_ij - (w_i + w_j)(1 - kappa))^2 - (kappa - p_e (1 - kappa))^2)
    / (N (1 - p_e)^2)`` (Fleiss, Cohen & Everitt, 1969).

    Examples
    --------
    >>> k = cohen_kappa([1, 2, 3, 3, 2, 1], [1, 2, 3, 2, 2, 1])
    >>> round(k.kappa, 4)
    0.75
    """
    import pandas as pd  # lazily: importing the core stays quick for the CLI

    level = _level(confidence)
    if weights not in ("none", "linear", "quadratic"):
        raise ValueError(f"weights must be 'none', 'linear' or 'quadratic', got {weights!r}")
    sa, sb = pd.Series(np.asarray(a, dtype=object)), pd.Series(np.asarray(b, dtype=object))
    if sa.ndim != 1 or len(sa) != len(sb):
        raise ValueError(
            f"a and b must be two lists of the same length, got {len(sa)} and {len(sb)}"
        )
    keep = ~(sa.isna() | sb.isna()).to_numpy()
    sa, sb = sa[keep], sb[keep]
    n = len(sa)
    if n == 0:
        raise ValueError("no pair has both answers: kappa needs at least one")
    if categories is None:
        seen = pd.unique(pd.concat([sa, sb], ignore_index=True))
        try:
            cats = sorted(seen)
        except TypeError:
            raise TypeError(
                "answers mix kinds that cannot be ordered (e.g. numbers and words); "
                "pass categories in order"
            ) from None
    else:
        cats = list(categories)
        if len(set(cats)) != len(cats):
            raise ValueError(f"categories has duplicates: {cats!r}")
    index = {c: i for i, c in enumerate(cats)}
    for name, s in (("a", sa), ("b", sb)):
        unknown = [v for v in pd.unique(s) if v not in index]
        if unknown:
            raise ValueError(f"{name} holds {unknown[0]!r}, not one of the categories {cats!r}")
    r = len(cats)
    if r < 2:
        raise ValueError(f"every answer is {cats[0]!r}: kappa needs at least two categories")
    ia = np.fromiter((index[v] for v in sa), dtype=np.intp, count=n)
    ib = np.fromiter((index[v] for v in sb), dtype=np.intp, count=n)
    table = np.bincount(ia * r + ib, minlength=r * r).reshape(r, r).astype(np.int64)
    p = table / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    w = _weights(weights, r)
    po = float((w * p).sum())
    pe = float(row @ w @ col)
    if pe >= 1:
        raise ValueError(
            "both raters used a single category: chance agreement is 1, kappa is undefined"
        )
    kappa = (po - pe) / (1 - pe)
    wi = w @ col  # row i: sum_j w_ij p_.j
    wj = w.T @ row  # column j: sum_i w_ij p_i.
    dev = w - (wi[:, None] + wj[None, :]) * (1 - kappa)
    var = (float((p * dev**2).sum()) - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2)
    se = math.sqrt(max(var, 0.0))
    q = float(special.ndtri((1 + level) / 2))
    z = kappa / se if se > 0 else math.nan
    return Kappa(
        kappa=kappa,
        se=se,
        z=z,
        p=float(2 * special.ndtr(-abs(z))) if se > 0 else math.nan,
        ci_lower=kappa - q * se,
        ci_upper=kappa + q * se,
        level=level,
        weights=weights,
        observed=po,
        expected=pe,
        n=n,
        n_dropped=int((~keep).sum()),
        categories=tuple(cats),
        table=table,
    )
