"""Reliability of scales: Cronbach's alpha, Guttman's λ6, item analysis, McDonald's omega.

Every number here is computed as R's psych package (2.2.9) computes it, and checked against it
(``tests/core/test_reliability.py``):

* :func:`alpha` — ``psych::alpha(x, keys=...)``: raw and standardised alpha, G6(smc), the average
  and median inter-item correlation, signal/noise, Feldt's and Duhachek's confidence intervals,
  and the item analysis (item-total correlations, alpha if an item is dropped).
* :func:`omega` — ``psych::omega(x, nfactors=3)``: minres factors, oblimin rotation, a
  Schmid-Leiman transformation, omega hierarchical and total. The factor analysis lives in
  :mod:`twofold.core.efa`, written in NumPy because no maintained Python library reproduces
  psych's (its docstring says why).
* :func:`scale_correlations` — the per-scale statistics and scale intercorrelations of
  ``psych::scoreItems``, computed from item covariances rather than from the scores.

Missing answers are handled ``"pairwise"`` (each covariance from the people who answered both
items, psych's default) or ``"listwise"`` (only people who answered every item analysed).
Functions take a pandas DataFrame (its columns are the items) or an ``(n, k)`` array with NaN
for unanswered cells; they convert to float64 arrays at the edge and return frozen results.

omega and Heywood cases: with three factors on five items the first-order model has negative
degrees of freedom, and the factor analysis of the factor correlations may give a group factor
a general-factor loading of 1 or more (an *ultra-Heywood case*). psych then sets that group
factor's Schmid-Leiman loadings to zero and carries on with a warning. Twofold does the same
computation, so its numbers agree with psych's, and says so in :attr:`Omega.warnings` and
:attr:`Omega.heywood`, so that a report can show omega hierarchical as unreliable there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import fdtri, ndtri

from twofold.core.efa import minres, oblimin, one_blas_thread, smc

__all__ = [
    "Alpha",
    "Missing",
    "Omega",
    "ScaleCorrelations",
    "alpha",
    "omega",
    "pairwise_cor",
    "pairwise_cov",
    "scale_correlations",
]

Missing = Literal["pairwise", "listwise"]
Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]


# --------------------------------------------------------------------------------------------
# Input at the edge
# --------------------------------------------------------------------------------------------


def _as_matrix(
    data: pd.DataFrame | ArrayLike, items: Sequence[str] | None, *, what: str = "data"
) -> tuple[Matrix, tuple[str, ...]]:
    """Return an ``(n, k)`` float array and item names; reject what cannot be analysed."""
    if isinstance(data, pd.DataFrame):
        names = tuple(str(c) for c in data.columns) if items is None else tuple(items)
        if items is not None and len(items) != data.shape[1]:
            raise ValueError(f"items names {len(items)} columns but {what} has {data.shape[1]}")
        bad = [str(c) for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
        if bad:
            raise TypeError(f"{what}: column(s) {', '.join(bad)} are not numeric")
        X = data.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            X = np.asarray(data, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be numeric (an (n, k) array or a DataFrame)") from None
        if X.ndim != 2:
            raise ValueError(f"{what} must be two-dimensional (people x items), got {X.ndim}-D")
        if items is None:
            names = tuple(f"V{j + 1}" for j in range(X.shape[1]))
        else:
            names = tuple(items)
            if len(names) != X.shape[1]:
                raise ValueError(f"items names {len(names)} columns but {what} has {X.shape[1]}")
    if np.isinf(X).any():
        raise ValueError(f"{what} holds infinite values")
    if len(set(names)) != len(names):
        raise ValueError(f"{what}: item names must be unique")
    return X, names


def _check_missing(missing: str) -> None:
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"missing must be 'pairwise' or 'listwise', got {missing!r}")


def _prepare(X: Matrix, names: Sequence[str], missing: str, *, min_items: int = 2) -> Matrix:
    """Apply listwise deletion and check every item has answers and varies."""
    _check_missing(missing)
    if X.shape[1] < min_items:
        raise ValueError(
            f"a scale needs at least {min_items} items for this analysis, got {X.shape[1]}"
            + (f" ({', '.join(names)})" if names else "")
        )
    if missing == "listwise":
        X = X[~np.isnan(X).any(axis=1)]
    answered = (~np.isnan(X)).sum(axis=0)
    for j, name in enumerate(names):
        if answered[j] == 0:
            raise ValueError(f"item {name!r} has no answers")
        if answered[j] < 3:
            raise ValueError(f"item {name!r} has only {answered[j]} answer(s); need at least 3")
        col = X[:, j][~np.isnan(X[:, j])]
        if np.all(col == col[0]):
            raise ValueError(f"item {name!r} has no variance (every answer is {col[0]:g})")
    return X


# --------------------------------------------------------------------------------------------
# Pairwise moments
# --------------------------------------------------------------------------------------------


def _pairwise(X: Matrix) -> tuple[Matrix, Matrix, Matrix]:
    """Pair counts, pairwise covariances and each item's variance over the pair's rows."""
    M = ~np.isnan(X)
    centre = np.nanmean(X, axis=0)
    Xc = np.where(M, X - centre, 0.0)
    Mf = M.astype(np.float64)
    N = Mf.T @ Mf
    S1 = Xc.T @ Mf  # S1[j, k]: sum of item j over the rows where k is answered too
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (Xc.T @ Xc - S1 * S1.T / N) / (N - 1)
        var_given = ((Xc**2).T @ Mf - S1**2 / N) / (N - 1)
    cov[N < 2] = np.nan
    return N, cov, var_given


def pairwise_cov(data: pd.DataFrame | ArrayLike) -> Matrix:
    """Covariances from pairwise-complete observations, as R's ``cov(x, use="pairwise")``.

    Parameters
    ----------
    data : (n, k) array or DataFrame
        NaN marks a missing value.

    Returns
    -------
    (k, k) array
        NaN where two columns share fewer than two observations.

    Notes
    -----
    For columns *j*, *k* and the rows *P* where both are present,
    ``c_jk = Σ_P (x_j − x̄_j,P)(x_k − x̄_k,P) / (|P| − 1)``, the means taken over *P*.

    Examples
    --------
    >>> pairwise_cov(np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 6.0]])).round(2).tolist()
    [[1.0, 4.0], [4.0, 8.0]]
    """
    X, _ = _as_matrix(data, None)
    return _pairwise(X)[1]


def pairwise_cor(data: pd.DataFrame | ArrayLike) -> Matrix:
    """Correlations from pairwise-complete observations, as R's ``cor(x, use="pairwise")``.

    Notes
    -----
    Means *and* standard deviations are taken over the rows where both columns are present:
    ``r_jk = c_jk / sqrt(s²_j,P s²_k,P)``. This differs slightly from rescaling the pairwise
    covariance matrix by the items' full-sample variances (what :func:`alpha` does, as psych).

    Examples
    --------
    >>> pairwise_cor(np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 6.0]])).round(2).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    X, _ = _as_matrix(data, None)
    return _pairwise_cor(X)


def _pairwise_cor(X: Matrix) -> Matrix:
    _, cov, var_given = _pairwise(X)
    with np.errstate(invalid="ignore", divide="ignore"):
        R = cov / np.sqrt(var_given * var_given.T)
    np.fill_diagonal(R, 1.0)
    return R


def _cov2cor(C: Matrix) -> Matrix:
    scale = 1.0 / np.sqrt(np.diag(C))
    R: Matrix = C * scale[:, None] * scale[None, :]
    np.fill_diagonal(R, 1.0)
    return R


def _check_finite_pairs(C: Matrix, names: Sequence[str]) -> None:
    bad = np.argwhere(~np.isfinite(C))
    if len(bad):
        j, k = bad[0]
        raise ValueError(
            f"items {names[j]!r} and {names[k]!r} are answered together by fewer than 2 people"
        )


# --------------------------------------------------------------------------------------------
# Alpha
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AlphaCore:
    raw: float
    std: float
    g6: float
    average_r: float
    signal_noise: float
    q: float
    var_r: float
    median_r: float


def _alpha_core(C: Matrix, R: Matrix) -> _AlphaCore:
    """psych's ``alpha.1``: the alpha family from a covariance and a correlation matrix."""
    k = C.shape[0]
    total = C.sum()
    trace = np.trace(C)
    raw = (1.0 - trace / total) * k / (k - 1)
    sum_r = R.sum()
    std = (1.0 - k / sum_r) * k / (k - 1)
    g6 = 1.0 - (k - smc(R).sum()) / sum_r
    average_r = (sum_r - k) / (k * (k - 1))
    lower = R[np.tril_indices(k, -1)]
    var_r = float(np.var(lower, ddof=1)) if lower.size > 1 else float("nan")
    CC = C @ C
    q = (2 * k**2 / ((k - 1) ** 2 * total**3)) * (
        total * (np.trace(CC) + trace**2) - 2 * trace * CC.sum()
    )
    return _AlphaCore(
        raw=float(raw),
        std=float(std),
        g6=float(g6),
        average_r=float(average_r),
        signal_noise=float(k * average_r / (1 - average_r)),
        q=float(q),
        var_r=var_r,
        median_r=float(np.median(lower)),
    )


@dataclass(frozen=True)
class Alpha:
    """Cronbach's alpha of one scale, its intervals and the item analysis.

    Attributes
    ----------
    raw, std : float
        Alpha from covariances, and from correlations (standardised items).
    g6 : float
        Guttman's λ6 with squared multiple correlations: ``G6(smc)``.
    average_r, median_r, var_r : float
        Mean, median and variance of the inter-item correlations.
    signal_noise : float
        ``k r̄ / (1 − r̄)``.
    ase : float
        Duhachek & Iacobucci's asymptotic standard error of raw alpha.
    feldt, duhachek : tuple of float
        ``(lower, upper)`` confidence limits at ``level``.
    mean, sd : float
        Mean and SD of the scale score (mean of answered keyed items).
    n_obs : int
        Rows analysed (after listwise deletion, if chosen).
    item_stats : DataFrame
        One row per item: ``key, n, mean, sd, r_raw, r_std, r_cor, r_drop`` and, with the item
        dropped, ``alpha_drop_raw, alpha_drop_std, g6_drop, average_r_drop,
        signal_noise_drop, ase_drop, var_r_drop, median_r_drop``.
    """

    items: tuple[str, ...]
    keys: tuple[int, ...]
    n_obs: int
    raw: float
    std: float
    g6: float
    average_r: float
    median_r: float
    var_r: float
    signal_noise: float
    ase: float
    mean: float
    sd: float
    level: float
    feldt: tuple[float, float]
    duhachek: tuple[float, float]
    missing: Missing
    item_stats: pd.DataFrame = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Every number, with the field names documented in ``docs/analysis/reliability.md``."""
        out: dict[str, Any] = _clean(
            {
                "items": list(self.items),
                "keys": list(self.keys),
                "n_obs": self.n_obs,
                "missing": self.missing,
                "alpha_raw": self.raw,
                "alpha_std": self.std,
                "g6": self.g6,
                "average_r": self.average_r,
                "median_r": self.median_r,
                "var_r": self.var_r,
                "signal_noise": self.signal_noise,
                "ase": self.ase,
                "mean": self.mean,
                "sd": self.sd,
                "ci_level": self.level,
                "feldt_ci": list(self.feldt),
                "duhachek_ci": list(self.duhachek),
                "item_stats": _records(self.item_stats),
            }
        )
        return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.reset_index().to_dict(orient="records"):
        out.append({str(k): _plain(v) for k, v in row.items()})
    return out


def _clean(obj: Any) -> Any:
    """Plain JSON types all the way down; NaN becomes None."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return _plain(obj)


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return None if np.isnan(f) else f
    return value


def _keys_vector(keys: Sequence[int] | None, k: int, names: Sequence[str]) -> NDArray[np.int64]:
    if keys is None:
        return np.ones(k, dtype=np.int64)
    out = np.asarray(list(keys))
    if out.shape != (k,):
        raise ValueError(f"keys must give one +1 or -1 per item ({k}), got {len(out)}")
    bad = [names[j] for j in range(k) if out[j] not in (1, -1)]
    if bad:
        raise ValueError(f"keys must be +1 or -1; item(s) {', '.join(bad)} have other values")
    return out.astype(np.int64)


@one_blas_thread
def alpha(
    data: pd.DataFrame | ArrayLike,
    *,
    keys: Sequence[int] | None = None,
    min: float | None = None,
    max: float | None = None,
    items: Sequence[str] | None = None,
    missing: Missing = "pairwise",
    level: float = 0.95,
) -> Alpha:
    """Cronbach's alpha with confidence intervals and item analysis, as ``psych::alpha``.

    Parameters
    ----------
    data : (n, k) DataFrame or array
        Answers of *n* people to the *k* items of one scale; NaN when unanswered.
    keys : sequence of +1/-1, optional
        Keying of each item; ``-1`` reverses it as ``(min + max) − x``. All +1 when omitted.
    min, max : float, optional
        The response range, for reversing. Default: the lowest and highest value in ``data``
        (psych's choice).
    items : sequence of str, optional
        Item names (default: the DataFrame's columns, or ``V1..Vk``).
    missing : {"pairwise", "listwise"}
        Covariances from pairwise-complete answers, or from complete rows only.
    level : float
        Confidence level of the Feldt and Duhachek intervals.

    Returns
    -------
    Alpha

    Notes
    -----
    With ``C`` the keyed item covariance matrix, ``R`` its correlation matrix and *k* items:

    * raw alpha ``α = k/(k−1) · (1 − tr C / 1'C1)``; standardised ``k/(k−1) · (1 − k / 1'R1)``
    * ``G6 = 1 − (k − Σ smc_j) / 1'R1``, ``smc_j = 1 − 1/(R⁻¹)_jj``
    * ``r̄ = (1'R1 − k) / (k(k−1))``, signal/noise ``k r̄ / (1 − r̄)``
    * Feldt: ``1 − (1 − α) F_{1−p/2}(n−1, (n−1)(k−1))`` to ``1 − (1 − α) F_{p/2}(...)``
    * Duhachek: ``α ± z · sqrt(Q/n)``, ``Q = 2k²/((k−1)² (1'C1)³) · (1'C1 (tr C² + (tr C)²)
      − 2 tr C · 1'C²1)``
    * ``r_drop``: correlation of an item with the sum of the other items, from ``C``;
      ``r_cor``: item-total correlation with SMCs on the diagonal of ``R``.

    *n* in the intervals counts every row given (psych's choice), or the complete rows with
    ``missing="listwise"``. With two items, the "if dropped" statistics are NaN: one item has
    no alpha.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> true = rng.normal(size=(500, 1))
    >>> x = np.round(3 + true + rng.normal(size=(500, 4)))
    >>> a = alpha(x)
    >>> 0.7 < a.raw < 0.9
    True
    """
    X, names = _as_matrix(data, items)
    k_items = X.shape[1]
    key = _keys_vector(keys, k_items, names)
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1, got {level!r}")
    X = _prepare(X, names, missing)
    n = X.shape[0]
    _, C_raw, _ = _pairwise(X)
    _check_finite_pairs(C_raw, names)
    C = C_raw * key[:, None] * key[None, :]
    R = _cov2cor(C)
    total = _alpha_core(C, R)

    if (key < 0).any():
        lo = float(np.nanmin(X)) if min is None else float(min)
        hi = float(np.nanmax(X)) if max is None else float(max)
        if lo >= hi:
            raise ValueError(f"min ({lo:g}) must be below max ({hi:g})")
        X = np.where(key < 0, lo + hi - X, X)
    with np.errstate(invalid="ignore"):
        score = np.nanmean(np.where(np.isnan(X).all(axis=1, keepdims=True), 0.0, X), axis=1)
    score[np.isnan(X).all(axis=1)] = np.nan
    raw_r = _pairwise_cor(np.column_stack([score, X]))[0, 1:]

    z = float(ndtri(1 - (1 - level) / 2))
    ase = float(np.sqrt(total.q / n))
    p = 1 - level
    df1, df2 = n - 1, (n - 1) * (k_items - 1)
    feldt = (  # fdtri is the F quantile (what scipy.stats.f.ppf calls, without its overhead)
        float(1 - (1 - total.raw) * fdtri(df1, df2, 1 - p / 2)),
        float(1 - (1 - total.raw) * fdtri(df1, df2, p / 2)),
    )

    RC = R.copy()
    np.fill_diagonal(RC, smc(R))
    sums = C.sum()
    r_drop = np.empty(k_items)
    drops: list[_AlphaCore | None] = []
    for j in range(k_items):
        keep = np.arange(k_items) != j
        c_drop = C[:, j].sum() - C[j, j]
        r_drop[j] = c_drop / np.sqrt(C[j, j] * (sums - 2 * C[:, j].sum() + C[j, j]))
        drops.append(
            _alpha_core(C[np.ix_(keep, keep)], R[np.ix_(keep, keep)]) if k_items > 2 else None
        )

    def drop_col(attr: str) -> list[float]:
        return [getattr(d, attr) if d is not None else np.nan for d in drops]

    with np.errstate(invalid="ignore"):  # tiny samples: a negative sum gives NaN, as in R
        r_std = R.sum(axis=0) / np.sqrt(R.sum())
        r_cor = RC.sum(axis=0) / np.sqrt(RC.sum())
    stats = pd.DataFrame(
        {
            "key": key,
            "n": (~np.isnan(X)).sum(axis=0),
            "mean": np.nanmean(X, axis=0),
            "sd": np.nanstd(X, axis=0, ddof=1),
            "r_raw": raw_r,
            "r_std": r_std,
            "r_cor": r_cor,
            "r_drop": r_drop,
            "alpha_drop_raw": drop_col("raw"),
            "alpha_drop_std": drop_col("std"),
            "g6_drop": drop_col("g6"),
            "average_r_drop": drop_col("average_r"),
            "signal_noise_drop": drop_col("signal_noise"),
            "ase_drop": [np.sqrt(d.q / n) if d is not None else np.nan for d in drops],
            "var_r_drop": drop_col("var_r"),
            "median_r_drop": drop_col("median_r"),
        },
        index=pd.Index(names, name="item"),
    )
    return Alpha(
        items=names,
        keys=tuple(int(v) for v in key),
        n_obs=n,
        raw=total.raw,
        std=total.std,
        g6=total.g6,
        average_r=total.average_r,
        median_r=total.median_r,
        var_r=total.var_r,
        signal_noise=total.signal_noise,
        ase=ase,
        mean=float(np.nanmean(score)),
        sd=float(np.nanstd(score, ddof=1)),
        level=level,
        feldt=feldt,
        duhachek=(total.raw - z * ase, total.raw + z * ase),
        missing=missing,
        item_stats=stats,
    )


# --------------------------------------------------------------------------------------------
# Omega
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Omega:
    """McDonald's omega from a Schmid-Leiman solution, as ``psych::omega``.

    Attributes
    ----------
    omega_h : float
        Omega hierarchical: the share of total score variance due to the general factor.
    omega_total : float
        The share of total score variance due to all common factors.
    omega_limit : float
        ``omega_h / omega_total`` (psych's ``omega.lim``).
    alpha, g6 : float
        Standardised alpha and λ6 of the (flipped) correlation matrix omega used.
    loadings : DataFrame
        Schmid-Leiman loadings, one row per item: ``g``, ``F1*`` .. ``Fm*``, ``h2``, ``u2``,
        ``p2`` (the share of an item's common variance that is general).
    groups : DataFrame
        psych's ``omega.group``: rows ``g`` and ``F1*`` .. ``Fm*``; columns ``total``,
        ``general``, ``group``. NaN for a group factor that no item loads on most.
    flipped : tuple of str
        Items reversed because they load negatively on the general factor.
    heywood : bool
        True when the factor analysis met an (ultra-)Heywood case (see the module docstring).
    warnings : tuple of str
        Plain-language reasons to read the result with care.
    """

    items: tuple[str, ...]
    nfactors: int
    n_obs: int
    omega_h: float
    omega_total: float
    omega_limit: float
    alpha: float
    g6: float
    dof: int
    flipped: tuple[str, ...]
    heywood: bool
    warnings: tuple[str, ...]
    missing: Missing
    loadings: pd.DataFrame = field(repr=False, compare=False)
    groups: pd.DataFrame = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Every number, with the field names documented in ``docs/analysis/reliability.md``."""
        out: dict[str, Any] = _clean(
            {
                "items": list(self.items),
                "nfactors": self.nfactors,
                "n_obs": self.n_obs,
                "missing": self.missing,
                "omega_h": self.omega_h,
                "omega_total": self.omega_total,
                "omega_limit": self.omega_limit,
                "alpha": self.alpha,
                "g6": self.g6,
                "dof": self.dof,
                "flipped": list(self.flipped),
                "heywood": self.heywood,
                "warnings": list(self.warnings),
                "loadings": _records(self.loadings),
                "groups": _records(self.groups.rename_axis("factor")),
            }
        )
        return out


@one_blas_thread
def omega(
    data: pd.DataFrame | ArrayLike,
    nfactors: int = 3,
    *,
    items: Sequence[str] | None = None,
    missing: Missing = "pairwise",
    flip: bool = True,
) -> Omega:
    """Omega hierarchical and total by psych's method (``omega(m, nfactors, fm="minres")``).

    Parameters
    ----------
    data : (n, k) DataFrame or array
        Answers (NaN when unanswered). Items are used as answered: reverse-keyed items are
        flipped by the general factor's sign when ``flip`` is true, as psych does.
    nfactors : int
        Group factors, at least 2 and fewer than the items.
    items : sequence of str, optional
        Item names.
    missing : {"pairwise", "listwise"}
        Correlations from pairwise-complete answers, or from complete rows.
    flip : bool
        Reverse items whose general-factor loading is negative.

    Returns
    -------
    Omega

    Notes
    -----
    1. ``R``: item correlations. 2. Extract ``nfactors`` minres factors, rotate by varimax, then
    obliquely by oblimin, giving pattern ``F`` and factor correlations ``Φ``. 3. Factor ``Φ``
    by minres with one factor: loadings ``γ``. 4. Schmid-Leiman: general loadings ``g = Fγ``,
    group loadings ``s_jf = sign(F_jf) sqrt(max(0, F_jf² (1 − γ_f²)))``, communalities ``h²``
    from step 2 and ``u² = 1 − h²``. 5. With ``V = 1'R1`` (after flipping):

    ``ω_h = (Σ g_j)² / V`` and ``ω_t = (V − Σ u²_j) / V``.

    Examples
    --------
    >>> rng = np.random.default_rng(7)
    >>> g, s = rng.normal(size=(2000, 1)), rng.normal(size=(2000, 3))
    >>> x = 0.6 * g + 0.4 * np.repeat(s, 3, axis=1) + 0.6 * rng.normal(size=(2000, 9))
    >>> o = omega(x, 3)
    >>> 0.5 < o.omega_h < o.omega_total < 1
    True
    """
    X, names = _as_matrix(data, items)
    k = X.shape[1]
    if isinstance(nfactors, bool) or not isinstance(nfactors, int | np.integer):
        raise TypeError(f"nfactors must be an integer, got {nfactors!r}")
    if not 2 <= nfactors < k:
        raise ValueError(
            f"nfactors must lie in 2..{k - 1} for {k} items, got {nfactors}"
            + (" (omega needs at least 3 items)" if k < 3 else "")
        )
    X = _prepare(X, names, missing, min_items=3)
    R = _pairwise_cor(X)
    _check_finite_pairs(R, names)
    return _omega_from_cor(R, names, nfactors, n_obs=X.shape[0], missing=missing, flip=flip)


def _omega_from_cor(
    R: Matrix, names: tuple[str, ...], nfactors: int, *, n_obs: int, missing: Missing, flip: bool
) -> Omega:
    k = R.shape[0]
    first = minres(R, nfactors, rotate="varimax")
    orth = first.loadings
    rot = oblimin(orth)
    pattern, phi = rot.loadings, rot.phi
    second = minres(phi, 1)
    gamma = second.loadings[:, 0]
    g = pattern @ gamma
    h2 = (orth**2).sum(axis=1)
    u2 = 1.0 - h2
    spread = pattern**2 - (pattern * gamma) ** 2
    spread[spread < 0] = 0.0
    group = np.sign(pattern) * np.sqrt(spread)

    sign = np.ones(k)
    if flip:
        sign = np.where(g < 0, -1.0, 1.0)
        R = R * sign[:, None] * sign[None, :]
        g = g * sign
        group = group * sign[:, None]
    V = R.sum()
    omega_h = g.sum() ** 2 / V
    omega_total = (V - u2.sum()) / V
    alpha_std = (V - np.trace(R)) / V * k / (k - 1)
    g6 = (V + smc(R).sum() - np.trace(R)) / V

    labels = [f"F{f + 1}*" for f in range(nfactors)]
    loadings = pd.DataFrame(group, columns=labels, index=pd.Index(names, name="item"))
    loadings.insert(0, "g", g)
    loadings["h2"] = h2
    loadings["u2"] = u2
    with np.errstate(divide="ignore", invalid="ignore"):
        loadings["p2"] = g**2 / h2

    owner = np.argmax(np.abs(group), axis=1)
    total_col = [omega_total]
    general_col = [omega_h]
    group_col = [0.0]
    squares = 0.0
    for f in range(nfactors):
        members = owner == f
        if not members.any():
            total_col.append(np.nan)
            general_col.append(np.nan)
            group_col.append(np.nan)
            continue
        vg = R[np.ix_(members, members)].sum()
        gr = group[members, f].sum()
        gg = g[members].sum()
        squares += gr**2
        total_col.append((gr**2 + gg**2) / vg)
        general_col.append(gg**2 / vg)
        group_col.append(gr**2 / vg)
    group_col[0] = squares / V
    groups = pd.DataFrame(
        {"total": total_col, "general": general_col, "group": group_col},
        index=pd.Index(["g", *labels], name="factor"),
    )

    dof = ((k - nfactors) ** 2 - (k + nfactors)) // 2
    notes: list[str] = []
    if dof < 0:
        notes.append(
            f"{nfactors} factors for {k} items leave {dof} degrees of freedom: the factor model "
            "is not identified and omega hierarchical depends on the rotation; try fewer factors "
            "or more items"
        )
    capped = sorted(set(second.heywood_variables) | set(np.flatnonzero(np.abs(gamma) >= 1.0)))
    if capped:
        named = ", ".join(labels[f] for f in capped)
        notes.append(
            f"Heywood case: the general factor takes up (nearly) all of group factor(s) {named} "
            "(general loading near or above 1), so their group loadings are set to or near 0 "
            "and omega hierarchical sits at the top of what the data allow"
        )
    if first.heywood:
        named = ", ".join(names[j] for j in first.heywood_variables)
        notes.append(
            f"Heywood case in the first-order factors: item(s) {named} have a communality near "
            "or above 1"
        )
    if not (first.converged and second.converged and rot.converged):
        notes.append("the factor analysis or the rotation did not converge")
    heywood = bool(capped) or first.heywood
    return Omega(
        items=names,
        nfactors=nfactors,
        n_obs=n_obs,
        omega_h=float(omega_h),
        omega_total=float(omega_total),
        omega_limit=float(omega_h / omega_total),
        alpha=float(alpha_std),
        g6=float(g6),
        dof=dof,
        flipped=tuple(name for name, s in zip(names, sign, strict=True) if s < 0),
        heywood=heywood,
        warnings=tuple(notes),
        missing=missing,
        loadings=loadings,
        groups=groups,
    )


# --------------------------------------------------------------------------------------------
# Scale intercorrelations (psych::scoreItems)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleCorrelations:
    """Per-scale statistics and intercorrelations of several scales, as ``psych::scoreItems``.

    Attributes
    ----------
    stats : DataFrame
        One row per scale: ``n_items``, ``alpha``, ``average_r``, ``g6``, ``signal_noise``,
        ``median_r``, ``ase``.
    cor : DataFrame
        Correlations of the scale scores, from the item covariances.
    corrected : DataFrame
        psych's ``corrected``: raw correlations below the diagonal, alpha on it, and
        correlations disattenuated for unreliability (``r / sqrt(α_a α_b)``) above it.
    """

    scales: tuple[str, ...]
    n_obs: int
    impute: str
    missing: Missing
    stats: pd.DataFrame = field(repr=False, compare=False)
    cor: pd.DataFrame = field(repr=False, compare=False)
    corrected: pd.DataFrame = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Every number, with the field names documented in ``docs/analysis/reliability.md``."""
        out: dict[str, Any] = _clean(
            {
                "scales": list(self.scales),
                "n_obs": self.n_obs,
                "impute": self.impute,
                "missing": self.missing,
                "stats": _records(self.stats.rename_axis("scale")),
                "cor": {
                    a: {b: _plain(self.cor.loc[a, b]) for b in self.scales} for a in self.scales
                },
                "corrected": {
                    a: {b: _plain(self.corrected.loc[a, b]) for b in self.scales}
                    for a in self.scales
                },
            }
        )
        return out


KeyRef = str | tuple[str, int]


def _parse_keys(
    scales: Mapping[str, Sequence[KeyRef]], names: Sequence[str]
) -> tuple[list[str], Matrix]:
    """Items used (in order of first mention) and the items x scales matrix of 0/±1."""
    if not scales:
        raise ValueError("scales must name at least one scale")
    parsed: dict[str, list[tuple[str, int]]] = {}
    used: dict[str, None] = {}
    known = set(names)
    for sid, refs in scales.items():
        keyed: list[tuple[str, int]] = []
        for ref in refs:
            if isinstance(ref, str):
                item, sign = (ref[1:], -1) if ref.startswith("-") else (ref, 1)
            else:
                item, sign = ref[0], int(ref[1])
            if item not in known:
                raise ValueError(f"scale {sid!r}: unknown item {item!r} (not a column of data)")
            if sign not in (1, -1):
                raise ValueError(f"scale {sid!r}: item {item!r} has key {sign}; use +1 or -1")
            keyed.append((item, sign))
            used[item] = None
        if len(keyed) < 2:
            raise ValueError(
                f"scale {sid!r} has {len(keyed)} item(s); reliability needs at least 2"
            )
        parsed[sid] = keyed
    order = list(used)
    pos = {item: j for j, item in enumerate(order)}
    K = np.zeros((len(order), len(parsed)))
    for s, keyed in enumerate(parsed.values()):
        for item, sign in keyed:
            K[pos[item], s] = sign
    return order, K


@one_blas_thread
def scale_correlations(
    data: pd.DataFrame,
    scales: Mapping[str, Sequence[KeyRef]],
    *,
    impute: Literal["none", "mean", "median"] = "none",
    missing: Missing = "pairwise",
) -> ScaleCorrelations:
    """Scale statistics and intercorrelations from item covariances, as ``psych::scoreItems``.

    Parameters
    ----------
    data : DataFrame
        Item answers (columns named as in ``scales``); NaN when unanswered.
    scales : mapping
        Scale id to its items, each ``"item"``, ``"-item"`` (reversed) or ``(item, ±1)``.
    impute : {"none", "mean", "median"}
        Fill unanswered cells with the item's mean or median before computing covariances.
    missing : {"pairwise", "listwise"}
        With ``"listwise"``, only people who answered every item of every scale count.

    Returns
    -------
    ScaleCorrelations

    Notes
    -----
    With ``C`` the item covariance matrix (pairwise) and ``K`` the items × scales key matrix:
    scale covariances ``K'CK``; per scale with *k* items and variance ``V``:
    ``α = k/(k−1) · (V − Σ c_jj)/V``, ``r̄ = α/(k − α(k−1))``, signal/noise ``k r̄/(1 − r̄)``,
    ``G6 = (V − Σ c_jj + Σ smc_j c_jj)/V`` with each item's SMC taken over *all* items, and
    ``corrected_ab = r_ab / sqrt(α_a α_b)``.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> f = rng.normal(size=(400, 2))
    >>> x = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(400, 6)),
    ...                  columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> sc = scale_correlations(x, {"A": ["a1", "a2", "a3"], "B": ["b1", "b2", "b3"]})
    >>> bool(abs(sc.cor.loc["A", "B"]) < 0.2)
    True
    """
    X, names = _as_matrix(data, None)
    if impute not in ("none", "mean", "median"):
        raise ValueError(f"impute must be 'none', 'mean' or 'median', got {impute!r}")
    order, K = _parse_keys(scales, names)
    cols = [names.index(item) for item in order]
    X = _prepare(X[:, cols], order, missing)
    if impute != "none":
        fill = np.nanmean(X, axis=0) if impute == "mean" else np.nanmedian(X, axis=0)
        X = np.where(np.isnan(X), fill, X)
    n = X.shape[0]
    _, C, _ = _pairwise(X)
    _check_finite_pairs(C, order)
    absK = np.abs(K)
    n_items = absK.sum(axis=0)
    cov_scales = K.T @ C @ K
    var_scales = np.diag(cov_scales)
    item_var = np.diag(C)
    sum_var = item_var @ absK
    sum_var2 = (item_var**2) @ absK
    cov2 = np.diag(absK.T @ C**2 @ absK)
    alpha_s = (var_scales - sum_var) * n_items / ((n_items - 1) * var_scales)
    av_r = alpha_s / (n_items - alpha_s * (n_items - 1))
    sn = av_r * n_items / (1 - av_r)
    q = (2 * n_items**2 / ((n_items - 1) ** 2 * var_scales**3)) * (
        var_scales * (sum_var2 + sum_var**2) - 2 * sum_var * cov2
    )
    R_items = _cov2cor(C)
    g6 = (var_scales - sum_var + (smc(R_items) * item_var) @ absK) / var_scales
    median_r = np.empty(K.shape[1])
    for s in range(K.shape[1]):
        members = np.flatnonzero(K[:, s])
        sub = R_items[np.ix_(members, members)] * np.outer(K[members, s], K[members, s])
        median_r[s] = np.median(sub[np.tril_indices(len(members), -1)])
    ids = tuple(scales)
    cor = _cov2cor(cov_scales)
    corrected = cor.copy()
    np.fill_diagonal(corrected, alpha_s)
    upper = np.triu_indices(len(ids), 1)
    corrected[upper] = cor[upper] / np.sqrt(alpha_s[upper[0]] * alpha_s[upper[1]])
    index = pd.Index(ids, name="scale")
    stats = pd.DataFrame(
        {
            "n_items": n_items.astype(int),
            "alpha": alpha_s,
            "average_r": av_r,
            "g6": g6,
            "signal_noise": sn,
            "median_r": median_r,
            "ase": np.sqrt(q / n),
        },
        index=index,
    )
    return ScaleCorrelations(
        scales=ids,
        n_obs=n,
        impute=impute,
        missing=missing,
        stats=stats,
        cor=pd.DataFrame(cor, index=index, columns=list(ids)),
        corrected=pd.DataFrame(corrected, index=index, columns=list(ids)),
    )
