"""Dyadic data layouts and the actor-partner interdependence model (APIM).

Layouts
-------
*individual*: one row per person (dyad id, role, variables); *dyad* (wide): one row per dyad
with ``x_1, x_2, y_1, y_2``; *pairwise* (double entry): one row per person with their own
(``x_A``) and their partner's (``x_P``) values. :func:`to_dyad`, :func:`to_pairwise` and
:func:`to_individual` move between them and refuse dyads that do not pair people two by two.

Models
------
:class:`APIM` fits the APIM as lavaan's structural equation model (ML, ``meanstructure=TRUE``):

- ``"distinguishable"``: ``y_1 ~ a1*x_1 + p21*x_2; y_2 ~ a2*x_2 + p12*x_1`` with free
  intercepts, residual variances and residual covariance; x fixed at its sample moments
  (lavaan's ``fixed.x = TRUE``).
- ``"equal"``: the same with ``a1 = a2`` and ``p12 = p21``.
- ``"indistinguishable"``: Olsen & Kenny (2006): equal actor and partner effects, x means,
  x variances, intercepts and residual variances across members (``fixed.x = FALSE``).

:class:`GLSAPIM` fits the multilevel form on the pairwise layout as nlme's ``gls`` does:
``y_A ~ x_A + x_P`` with compound symmetry within dyads (``"indistinguishable"``), or the
two-intercept model (``0 + m1 + m2 + m1:x_A + ...`` with ``corCompSymm`` and
``varIdent(~1|member)``, ``"distinguishable"``), by REML or ML.

Why the maths is written here rather than taken from a library
---------------------------------------------------------------
- Every model is a function of the dyads' sample means and covariance matrix of
  ``(x_1, x_2, y_1, y_2)``, so each fit (and each bootstrap resample) costs a few 4x4
  operations. The distinguishable SEM is ordinary least squares per member; the
  equal-effects SEM is a seemingly-unrelated regression with shared coefficients, solved by
  iterated GLS (its fixed point is the ML estimate); the Olsen-Kenny model is the saturated
  model for exchangeable members, so its ML estimate is the sample moments averaged over the
  two ways of numbering the members. Standard errors use lavaan's convention: the expected
  information ``N * Delta' W Delta`` at the model-implied moments (``Delta`` the analytic
  Jacobian of the means and covariances with respect to the free parameters), and the delta
  method for defined parameters such as ``k``. Twofold's general SEM engine
  (:mod:`twofold.core.sem`) fits the same lavaan syntax by iterative optimisation and agrees
  to 1e-6 (a test checks it); the APIM keeps its closed forms because they are exact, a
  fit takes about a millisecond instead of tens, and they vectorise over thousands of
  bootstrap resamples at once.
- statsmodels' ``MixedLM`` is a random-intercept model and cannot represent a negative
  within-dyad correlation, which ``gls`` with ``corCompSymm`` allows. With a 2x2
  compound-symmetric block per dyad, the sums ``y_1 + y_2`` and differences ``y_1 - y_2`` are
  independent with variances ``2 sigma^2 (1 + rho)`` and ``2 sigma^2 (1 - rho)``. For the APIM
  design (intercept, ``x_A``, ``x_P``) the sums carry the intercept and ``actor + partner``,
  the differences carry ``actor - partner``, so the (RE)ML estimate is two ordinary
  regressions with their own variances: exact, no optimiser needed. :func:`cs_loglik` writes
  the likelihood out per dyad (closed-form 2x2 inverse and determinant); the tests check with
  SciPy's optimiser over ``(sigma^2, rho)`` that nothing beats the closed form.

Incomplete dyads (a missing value in any of the four variables) are dropped before fitting
(lavaan's listwise deletion), or refused with ``missing="error"``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

if TYPE_CHECKING:  # pandas loads lazily: importing the core stays quick for the CLI
    import pandas as pd

__all__ = [
    "APIM",
    "GLSAPIM",
    "BootstrapInterval",
    "ConvergenceError",
    "DyadError",
    "Estimate",
    "GLSFit",
    "LikelihoodRatioTest",
    "SEMFit",
    "cs_loglik",
    "distinguishability_tests",
    "likelihood_ratio_test",
    "to_dyad",
    "to_individual",
    "to_pairwise",
]

FloatArray = NDArray[np.float64]
SEMModel = Literal["distinguishable", "equal", "indistinguishable"]
GLSModel = Literal["distinguishable", "indistinguishable"]
Missing = Literal["listwise", "error"]

_LOG_2PI = math.log(2.0 * math.pi)
_MAX_LISTED = 10


class DyadError(ValueError):
    """Rows that do not pair people two by two into dyads; ``problems`` lists each one."""

    def __init__(self, summary: str, problems: Sequence[str] = ()) -> None:
        self.summary = summary
        self.problems = list(problems)
        text = summary
        if self.problems:
            text += "\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(text)


class ConvergenceError(ValueError):
    """An iterative fit that did not settle; the message says what to check in the data."""


# --------------------------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pairing:
    dyads: NDArray[Any]  # dyad ids in order of first appearance
    first: NDArray[np.intp]  # row position of member 1 of each dyad
    second: NDArray[np.intp]  # row position of member 2
    roles: tuple[Any, Any] | None  # role of member 1 and member 2, when roles are given


def _rows(positions: NDArray[np.intp]) -> str:
    shown = ", ".join(str(int(p) + 1) for p in positions[:5])
    return shown + (" ..." if positions.size > 5 else "")


def _show(value: Any) -> str:
    """repr() of a value as a person wrote it: 3, not np.int64(3)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _listed(problems: list[str], total: int) -> list[str]:
    if total > len(problems):
        problems.append(f"... and {total - len(problems)} more")
    return problems


def _check_columns(data: pd.DataFrame, names: Sequence[str]) -> None:
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    missing = [n for n in names if n not in data.columns]
    if missing:
        have = ", ".join(map(str, data.columns[:20])) + (" ..." if data.shape[1] > 20 else "")
        raise ValueError(f"unknown column(s) {', '.join(map(repr, missing))}; the data has: {have}")
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise ValueError(f"column {n!r} is named twice (dyad, role and variables must differ)")
        seen.add(n)


def _pair(
    data: pd.DataFrame, dyad: str, role: str | None, roles: Sequence[Hashable] | None
) -> _Pairing:
    import pandas as pd

    ids = data[dyad]
    empty = np.flatnonzero(ids.isna().to_numpy())
    if empty.size:
        raise DyadError(f"column {dyad!r}: no dyad id in row(s) {_rows(empty)}")
    codes, uniques = pd.factorize(ids, sort=False)
    counts = np.bincount(codes, minlength=len(uniques))
    bad = np.flatnonzero(counts != 2)
    if bad.size:
        order = np.argsort(codes, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)])
        problems = []
        for k in bad[:_MAX_LISTED]:
            rows = np.sort(order[starts[k] : starts[k + 1]])
            who = "one member" if counts[k] == 1 else f"{counts[k]} members"
            problems.append(f"dyad {_show(uniques[k])} has {who} (row(s) {_rows(rows)})")
        raise DyadError(
            f"column {dyad!r}: every dyad needs exactly two members",
            _listed(problems, int(bad.size)),
        )
    if role is None:
        if roles is not None:
            raise ValueError("roles= needs role= (the column that holds each member's role)")
        order = np.argsort(codes, kind="stable")
        return _Pairing(np.asarray(uniques), order[0::2], order[1::2], None)

    values = data[role]
    empty = np.flatnonzero(values.isna().to_numpy())
    if empty.size:
        raise DyadError(f"column {role!r}: no role in row(s) {_rows(empty)}")
    found = list(pd.unique(values))
    if roles is None:
        if len(found) != 2:
            listed = ", ".join(map(_show, found[:_MAX_LISTED]))
            raise DyadError(
                f"column {role!r} must hold two roles (e.g. wife and husband); found "
                f"{len(found)}: {listed}"
            )
        try:
            role_pair = tuple(sorted(found))
        except TypeError:
            role_pair = tuple(found)
    else:
        role_pair = tuple(roles)
        if len(role_pair) != 2 or role_pair[0] == role_pair[1]:
            raise ValueError(f"roles must name two different roles, got {list(roles)!r}")
        other = np.flatnonzero(~values.isin(role_pair).to_numpy())
        if other.size:
            raise DyadError(
                f"column {role!r}: row(s) {_rows(other)} hold "
                f"{_show(values.iloc[int(other[0])])}, not one of the roles "
                f"{', '.join(map(_show, role_pair))}"
            )
    is_second = (values == role_pair[1]).to_numpy()
    seconds = np.bincount(codes, weights=is_second, minlength=len(uniques))
    bad = np.flatnonzero(seconds != 1)
    if bad.size:
        problems = []
        for k in bad[:_MAX_LISTED]:
            rows = np.flatnonzero(codes == k)
            both = role_pair[1] if seconds[k] == 2 else role_pair[0]
            problems.append(
                f"dyad {_show(uniques[k])}: both members have role {_show(both)} (rows {_rows(rows)})"
            )
        raise DyadError(
            f"column {role!r}: each dyad needs one {_show(role_pair[0])} and one "
            f"{_show(role_pair[1])}",
            _listed(problems, int(bad.size)),
        )
    first = np.empty(len(uniques), dtype=np.intp)
    second = np.empty(len(uniques), dtype=np.intp)
    positions = np.arange(len(codes), dtype=np.intp)
    first[codes[~is_second]] = positions[~is_second]
    second[codes[is_second]] = positions[is_second]
    return _Pairing(np.asarray(uniques), first, second, (role_pair[0], role_pair[1]))


def to_dyad(
    data: pd.DataFrame,
    *,
    dyad: str,
    variables: Sequence[str],
    role: str | None = None,
    roles: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Reshape one row per person into one row per dyad.

    Member 1 is the person with the first role (``roles[0]``, or the first of the two roles
    in sorted order); without ``role`` it is the person listed first. The result has the
    ``dyad`` column, ``{role}_1`` and ``{role}_2`` when roles are given, then ``{v}_1`` and
    ``{v}_2`` for each variable, dyads in order of first appearance.

    Raises :class:`DyadError` for a dyad with one or three members, a missing role, a column
    with other than two roles, or a dyad whose two members share a role.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"couple": [1, 1, 2, 2], "gender": ["w", "h", "h", "w"],
    ...                        "x": [1.0, 2.0, 3.0, 4.0]})
    >>> to_dyad(people, dyad="couple", role="gender", roles=["w", "h"], variables=["x"])
       couple gender_1 gender_2  x_1  x_2
    0       1        w        h  1.0  2.0
    1       2        w        h  4.0  3.0
    """
    import pandas as pd

    variables = list(variables)
    _check_columns(data, [dyad, *([role] if role else []), *variables])
    pairing = _pair(data, dyad, role, roles)
    out: dict[str, Any] = {dyad: pairing.dyads}
    if role is not None and pairing.roles is not None:
        n = len(pairing.dyads)
        out[f"{role}_1"] = np.repeat(np.asarray([pairing.roles[0]], dtype=object), n)
        out[f"{role}_2"] = np.repeat(np.asarray([pairing.roles[1]], dtype=object), n)
    for v in variables:
        column = data[v].to_numpy()
        out[f"{v}_1"] = column[pairing.first]
        out[f"{v}_2"] = column[pairing.second]
    return pd.DataFrame(out)


def to_pairwise(
    data: pd.DataFrame,
    *,
    dyad: str,
    variables: Sequence[str],
    role: str | None = None,
    roles: Sequence[Hashable] | None = None,
) -> pd.DataFrame:
    """Reshape one row per person into the double-entry layout.

    Each person keeps their row and gains their partner's values: ``{v}_A`` (actor, the
    person's own) and ``{v}_P`` (partner). Rows are ordered by dyad (first appearance), then
    member 1 before member 2; ``member`` numbers them as in :func:`to_dyad`.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"couple": [1, 1], "x": [1.0, 2.0]})
    >>> to_pairwise(people, dyad="couple", variables=["x"])
       couple  member  x_A  x_P
    0       1       1  1.0  2.0
    1       1       2  2.0  1.0
    """
    import pandas as pd

    variables = list(variables)
    _check_columns(data, [dyad, *([role] if role else []), *variables])
    pairing = _pair(data, dyad, role, roles)
    n = len(pairing.dyads)
    own = np.empty(2 * n, dtype=np.intp)
    own[0::2], own[1::2] = pairing.first, pairing.second
    other = np.empty(2 * n, dtype=np.intp)
    other[0::2], other[1::2] = pairing.second, pairing.first
    out: dict[str, Any] = {dyad: np.repeat(pairing.dyads, 2)}
    if role is not None:
        out[role] = data[role].to_numpy()[own]
    out["member"] = np.tile(np.array([1, 2]), n)
    for v in variables:
        column = data[v].to_numpy()
        out[f"{v}_A"] = column[own]
        out[f"{v}_P"] = column[other]
    return pd.DataFrame(out)


def to_individual(
    wide: pd.DataFrame,
    *,
    dyad: str,
    variables: Sequence[str],
    role: str = "member",
    roles: Sequence[Hashable] = (1, 2),
) -> pd.DataFrame:
    """Reshape one row per dyad (``{v}_1``, ``{v}_2``) back into one row per person.

    The role of each member comes from the ``{role}_1`` and ``{role}_2`` columns when the wide
    data has them (as :func:`to_dyad` writes them), else from ``roles``.

    Examples
    --------
    >>> import pandas as pd
    >>> wide = pd.DataFrame({"couple": [1], "x_1": [1.0], "x_2": [2.0]})
    >>> to_individual(wide, dyad="couple", variables=["x"])
       couple  member    x
    0       1       1  1.0
    1       1       2  2.0
    """
    import pandas as pd

    variables = list(variables)
    columns = [dyad, *(f"{v}_{m}" for v in variables for m in (1, 2))]
    _check_columns(wide, columns)
    n = len(wide)
    out: dict[str, Any] = {dyad: np.repeat(wide[dyad].to_numpy(), 2)}
    if f"{role}_1" in wide.columns and f"{role}_2" in wide.columns:
        labels = np.empty(2 * n, dtype=object)
        labels[0::2] = wide[f"{role}_1"].to_numpy()
        labels[1::2] = wide[f"{role}_2"].to_numpy()
        out[role] = labels
    else:
        if len(roles) != 2:
            raise ValueError(f"roles must name two roles, got {list(roles)!r}")
        out[role] = np.tile(np.asarray(list(roles), dtype=object), n)
        if all(isinstance(r, int) for r in roles):
            out[role] = out[role].astype(np.int64)
    for v in variables:
        values = np.empty(2 * n, dtype=wide[f"{v}_1"].to_numpy().dtype)
        values[0::2] = wide[f"{v}_1"].to_numpy()
        values[1::2] = wide[f"{v}_2"].to_numpy()
        out[v] = values
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """One parameter: estimate, standard error, Wald statistic, p-value and interval.

    ``df`` is None for a z statistic (SEM, defined parameters) and the residual degrees of
    freedom for a t statistic (GLS coefficients).
    """

    name: str
    estimate: float
    se: float
    statistic: float
    p: float
    ci_lower: float
    ci_upper: float
    df: int | None = None


@dataclass(frozen=True)
class SEMFit:
    """Fit of an :class:`APIM` in lavaan's terms (``fitMeasures``).

    ``npar`` counts distinct free parameters (after equality constraints), as lavaan's AIC
    does. With x fixed (``fixed_x``) the log-likelihood is that of y given x. ``pvalue`` is NaN
    when ``df`` is 0.
    """

    chisq: float
    df: int
    pvalue: float
    logl: float
    unrestricted_logl: float
    npar: int
    aic: float
    bic: float
    rmsea: float
    cfi: float
    tli: float
    srmr: float
    baseline_chisq: float
    baseline_df: int
    n_dyads: int
    fixed_x: bool


@dataclass(frozen=True)
class GLSFit:
    """Fit of a :class:`GLSAPIM` as nlme reports it.

    ``sigma`` is the residual SD (of member 1 in the distinguishable model), ``rho`` the
    within-dyad residual correlation (the partial intraclass correlation),
    ``sigma_ratio`` member 2's residual SD over member 1's (varIdent; 1 when indistinguishable).
    ``npar`` counts coefficients and variance parameters (sigma, rho, and the ratio).
    ``df_residual`` = observations (two per dyad) minus coefficients. AIC and BIC count the
    coefficients and variance parameters; REML's BIC uses ``log(n_obs - p)`` as nlme does.
    """

    method: str
    logl: float
    aic: float
    bic: float
    sigma: float
    rho: float
    sigma_ratio: float
    npar: int
    df_residual: int
    n_obs: int
    n_dyads: int


@dataclass(frozen=True)
class LikelihoodRatioTest:
    """Difference in chi-square between a restricted and a fuller nested model."""

    restricted: str
    full: str
    chisq: float
    df: int
    p: float


@dataclass(frozen=True)
class BootstrapInterval:
    """Percentile bootstrap interval over dyads (resampled with replacement).

    ``n_failed`` resamples gave no finite value (an actor effect of exactly zero, or data
    too degenerate to fit) and are left out of the percentiles.
    """

    name: str
    estimate: float
    ci_lower: float
    ci_upper: float
    level: float
    n_boot: int
    n_failed: int
    seed: int | None


# --------------------------------------------------------------------------------------------
# Moments
# --------------------------------------------------------------------------------------------

_VECH_I, _VECH_J = np.triu_indices(4)


def _as_dyads(value: ArrayLike, name: str) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be numbers, one row per dyad and one column per member"
        ) from None
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(
            f"{name} must have shape (n_dyads, 2), one column per member; got {arr.shape}"
        )
    if np.isinf(arr).any():
        row = int(np.flatnonzero(np.isinf(arr).any(axis=1))[0]) + 1
        raise ValueError(f"{name}: dyad {row} holds an infinite value")
    return arr


def _dyad_data(x: ArrayLike, y: ArrayLike, missing: str) -> tuple[FloatArray, int]:
    """Columns x_1, x_2, y_1, y_2 of the complete dyads, and how many dyads were dropped."""
    if missing not in ("listwise", "error"):
        raise ValueError(f"missing must be 'listwise' or 'error', got {missing!r}")
    xa, ya = _as_dyads(x, "x"), _as_dyads(y, "y")
    if xa.shape[0] != ya.shape[0]:
        raise ValueError(f"x has {xa.shape[0]} dyads but y has {ya.shape[0]}")
    data = np.hstack([xa, ya])
    incomplete = np.isnan(data).any(axis=1)
    if incomplete.any():
        if missing == "error":
            raise ValueError(
                f"dyad(s) {_rows(np.flatnonzero(incomplete))} have missing values "
                "(use missing='listwise' to leave them out)"
            )
        data = data[~incomplete]
    return data, int(incomplete.sum())


def _moments(data: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Sample means and ML covariance (divisor N) of the four columns, in two passes."""
    mean = data.mean(axis=0)
    centred = data - mean
    cov = centred.T @ centred / data.shape[0]
    return mean, cov


def _check_design(n: int, cov: FloatArray, needed: int, dropped: int = 0) -> None:
    if n < needed:
        left_out = f"; {dropped} with a missing value left out" if dropped else ""
        raise ValueError(
            f"too few complete dyads to fit this model: {n} (need at least {needed}{left_out})"
        )
    sd = np.sqrt(np.diag(cov))
    for k, name in enumerate(("x_1", "x_2", "y_1", "y_2")):
        if not sd[k] > 1e-12 * max(1.0, float(sd.max())):
            raise ValueError(f"{name} does not vary across dyads; the model cannot be fitted")
    corr = cov[:2, :2] / np.outer(sd[:2], sd[:2])
    if abs(corr[0, 1]) > 1 - 1e-10:
        raise ValueError(
            "x_1 and x_2 are perfectly correlated: actor and partner effects cannot be told apart"
        )


def _usable(cov: FloatArray) -> NDArray[np.bool_]:
    """Resamples whose moments can be fitted (as :func:`_check_design` asks of the data)."""
    var = np.diagonal(cov, axis1=-2, axis2=-1)
    scale = np.maximum(var.max(axis=-1), 1e-300)
    varies = (var > 1e-24 * scale[..., None]).all(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = cov[..., 0, 1] / np.sqrt(var[..., 0] * var[..., 1])
    return np.asarray(varies & (np.abs(r) < 1 - 1e-10), dtype=bool)


def _bootstrap_moments(
    data: FloatArray, n_boot: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Means and ML covariances of ``n_boot`` resamples of the dyads (rows), in chunks."""
    n = data.shape[0]
    centre = data.mean(axis=0)
    c = data - centre
    products = np.hstack([c, c[:, _VECH_I] * c[:, _VECH_J]])
    chunk = max(1, min(n_boot, 4_000_000 // max(n, 1)))
    means = np.empty((n_boot, 4))
    covs = np.empty((n_boot, 4, 4))
    counts = np.empty((chunk, n))
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        # how often each dyad is drawn in each resample; the sums are then one matrix product
        for j in range(b):
            counts[j] = np.bincount(rng.integers(0, n, size=n), minlength=n)
        sums = counts[:b] @ products / n
        d = sums[:, :4]
        second = np.empty((b, 4, 4))
        second[:, _VECH_I, _VECH_J] = sums[:, 4:]
        second[:, _VECH_J, _VECH_I] = sums[:, 4:]
        means[start : start + b] = centre + d
        covs[start : start + b] = second - d[:, :, None] * d[:, None, :]
    return means, covs


def _percentiles(values: FloatArray, level: float) -> tuple[float, float, int]:
    ok = np.isfinite(values)
    if not ok.any():
        return math.nan, math.nan, int(values.size)
    lo, hi = np.quantile(values[ok], [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi), int((~ok).sum())


def _wald(name: str, est: float, se: float, level: float, df: int | None = None) -> Estimate:
    stat = est / se if se > 0 else math.nan
    if df is None:
        q = float(special.ndtri((1 + level) / 2))
        p = float(2 * special.ndtr(-abs(stat))) if se > 0 else math.nan
    else:
        q = float(special.stdtrit(df, (1 + level) / 2))
        p = float(2 * special.stdtr(df, -abs(stat))) if se > 0 else math.nan
    return Estimate(name, float(est), float(se), float(stat), p, est - q * se, est + q * se, df)


def _check_level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {level!r}")
    return float(level)


def _check_boot(n_boot: int) -> int:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise ValueError(f"n_bootstrap must be a whole number >= 0, got {n_boot!r}")
    return int(n_boot)


# --------------------------------------------------------------------------------------------
# SEM: point estimates (batched over leading axes) and lavaan's expected information
# --------------------------------------------------------------------------------------------

_J = np.array([[0.0, 1.0], [1.0, 0.0]])  # swaps the two members


@dataclass(frozen=True)
class _SEMSpec:
    """Where each free parameter sits: label matrices index into the free-parameter vector.

    -1 marks an entry that is not free: B and Psi entries are then zero, nu and Phi entries
    are fixed at the sample moments (``fixed_x``).
    """

    names: tuple[str, ...]
    beta: NDArray[np.intp]  # rows y_1, y_2; columns x_1, x_2
    alpha: NDArray[np.intp]
    psi: NDArray[np.intp]
    nu: NDArray[np.intp]
    phi: NDArray[np.intp]
    fixed_x: bool
    defined: tuple[tuple[str, str, str, str], ...] = field(default=())  # name, op, left, right


_NONE2 = np.array([-1, -1])
_NONE22 = np.array([[-1, -1], [-1, -1]])

_SPECS: dict[str, _SEMSpec] = {
    "distinguishable": _SEMSpec(
        names=(
            "actor_1",
            "partner_21",
            "actor_2",
            "partner_12",
            "intercept_1",
            "intercept_2",
            "residual_var_1",
            "residual_var_2",
            "residual_cov",
        ),
        beta=np.array([[0, 1], [3, 2]]),
        alpha=np.array([4, 5]),
        psi=np.array([[6, 8], [8, 7]]),
        nu=_NONE2,
        phi=_NONE22,
        fixed_x=True,
        defined=(
            ("k_1", "/", "partner_21", "actor_1"),
            ("k_2", "/", "partner_12", "actor_2"),
            ("actor_diff", "-", "actor_1", "actor_2"),
            ("partner_diff", "-", "partner_21", "partner_12"),
        ),
    ),
    "equal": _SEMSpec(
        names=(
            "actor",
            "partner",
            "intercept_1",
            "intercept_2",
            "residual_var_1",
            "residual_var_2",
            "residual_cov",
        ),
        beta=np.array([[0, 1], [1, 0]]),
        alpha=np.array([2, 3]),
        psi=np.array([[4, 6], [6, 5]]),
        nu=_NONE2,
        phi=_NONE22,
        fixed_x=True,
        defined=(("k", "/", "partner", "actor"),),
    ),
    "indistinguishable": _SEMSpec(
        names=(
            "actor",
            "partner",
            "x_mean",
            "x_var",
            "x_cov",
            "intercept",
            "residual_var",
            "residual_cov",
        ),
        beta=np.array([[0, 1], [1, 0]]),
        alpha=np.array([5, 5]),
        psi=np.array([[6, 7], [7, 6]]),
        nu=np.array([2, 2]),
        phi=np.array([[3, 4], [4, 3]]),
        fixed_x=False,
        defined=(("k", "/", "partner", "actor"),),
    ),
}


@dataclass(frozen=True)
class _SEMPoint:
    beta: FloatArray  # (..., 2, 2)
    alpha: FloatArray  # (..., 2)
    psi: FloatArray  # (..., 2, 2)
    nu: FloatArray  # (..., 2)
    phi: FloatArray  # (..., 2, 2)
    converged: NDArray[np.bool_]


def _sem_point(
    model: str, mean: FloatArray, cov: FloatArray, *, tol: float = 1e-12, max_iter: int = 1000
) -> _SEMPoint:
    """ML estimates from means (..., 4) and ML covariances (..., 4, 4) of (x1, x2, y1, y2)."""
    mx, my = mean[..., :2], mean[..., 2:]
    sxx, sxy, syy = cov[..., :2, :2], cov[..., :2, 2:], cov[..., 2:, 2:]
    syx = np.swapaxes(sxy, -1, -2)
    converged = np.ones(mean.shape[:-1], dtype=bool)
    if model == "indistinguishable":
        # Saturated model for exchangeable members: average the moments over both numberings.
        perm = [1, 0, 3, 2]
        mu = (mean + mean[..., perm]) / 2
        delta = mean - mu
        sig = (cov + cov[..., perm, :][..., :, perm]) / 2 + delta[..., :, None] * delta[
            ..., None, :
        ]
        phi = sig[..., :2, :2]
        b = np.linalg.solve(phi, sig[..., :2, 2:]).swapaxes(-1, -2)
        a = (b[..., 0, 0] + b[..., 1, 1]) / 2
        p = (b[..., 0, 1] + b[..., 1, 0]) / 2
        beta = a[..., None, None] * np.eye(2) + p[..., None, None] * _J
        psi = sig[..., 2:, 2:] - beta @ sig[..., :2, 2:]
        psi = (psi + np.swapaxes(psi, -1, -2)) / 2
        nu = mu[..., :2]
        alpha = mu[..., 2:] - np.einsum("...ij,...j->...i", beta, nu)
        return _SEMPoint(beta, alpha, psi, nu, phi, converged)

    beta = np.linalg.solve(sxx, sxy).swapaxes(-1, -2)  # OLS per member
    psi = syy - beta @ sxy
    if model == "equal":
        # Seemingly unrelated regressions with beta = a*I + p*J, by iterated GLS.
        basis = np.stack([np.eye(2), _J])
        converged = np.zeros(mean.shape[:-1], dtype=bool)
        coef = np.stack([np.zeros(mean.shape[:-1]), np.zeros(mean.shape[:-1])], axis=-1)
        for _ in range(max_iter):
            w = np.linalg.inv(psi)
            # M_kl = tr(W E_k Sxx E_l'), v_k = tr(W E_k Sxy)
            m = np.einsum("...ij,kjl,...lm,nim->...kn", w, basis, sxx, basis)
            v = np.einsum("...ij,kjl,...li->...k", w, basis, sxy)
            new = np.linalg.solve(m, v[..., None])[..., 0]
            change = np.abs(new - coef).max(axis=-1)
            coef = new
            beta = np.einsum("...k,kij->...ij", coef, basis)
            psi = syy - beta @ sxy - syx @ np.swapaxes(beta, -1, -2)
            psi = psi + beta @ sxx @ np.swapaxes(beta, -1, -2)
            converged = change <= tol * (1 + np.abs(coef).max(axis=-1))
            if converged.all():
                break
    alpha = my - np.einsum("...ij,...j->...i", beta, mx)
    return _SEMPoint(beta, alpha, psi, mx, sxx, converged)


def _theta(spec: _SEMSpec, point: _SEMPoint) -> FloatArray:
    theta: FloatArray = np.full(len(spec.names), np.nan, dtype=np.float64)
    for labels, values in (
        (spec.beta, point.beta),
        (spec.alpha, point.alpha),
        (spec.psi, point.psi),
        (spec.nu, point.nu),
        (spec.phi, point.phi),
    ):
        for pos in zip(*np.nonzero(labels >= 0), strict=True):
            theta[labels[pos]] = values[pos]
    return theta


def _implied(point: _SEMPoint) -> tuple[FloatArray, FloatArray]:
    b, phi = point.beta, point.phi
    mu = np.concatenate([point.nu, point.alpha + b @ point.nu])
    sig = np.block([[phi, phi @ b.T], [b @ phi, b @ phi @ b.T + point.psi]])
    return mu, sig


def _unit(i: int, j: int, symmetric: bool) -> FloatArray:
    e = np.zeros((2, 2))
    e[i, j] = 1.0
    if symmetric:
        e[j, i] = 1.0
    return e


def _jacobian(spec: _SEMSpec, point: _SEMPoint) -> FloatArray:
    """d(mu, vech Sigma)/d(theta): 4 means then the 10 distinct covariances."""
    b, phi, nu = point.beta, point.phi, point.nu
    q = len(spec.names)
    jac = np.zeros((14, q))
    zero = np.zeros((2, 2))

    def add(k: int, dmu: FloatArray, dsig: FloatArray) -> None:
        jac[:4, k] += dmu
        jac[4:, k] += dsig[_VECH_I, _VECH_J]

    for i in range(2):
        for j in range(2):
            k = spec.beta[i, j]
            if k >= 0:
                e = _unit(i, j, False)
                dsig = np.block([[zero, phi @ e.T], [e @ phi, e @ phi @ b.T + b @ phi @ e.T]])
                add(k, np.concatenate([np.zeros(2), e @ nu]), dsig)
            for labels, is_phi in ((spec.psi, False), (spec.phi, True)):
                k = labels[i, j]
                if k >= 0 and i <= j:
                    e = _unit(i, j, True)
                    if is_phi:
                        dsig = np.block([[e, e @ b.T], [b @ e, b @ e @ b.T]])
                    else:
                        dsig = np.block([[zero, zero], [zero, e]])
                    add(k, np.zeros(4), dsig)
        k = spec.alpha[i]
        if k >= 0:
            add(k, np.concatenate([np.zeros(2), np.eye(2)[i]]), np.zeros((4, 4)))
        k = spec.nu[i]
        if k >= 0:
            add(k, np.concatenate([np.eye(2)[i], b[:, i]]), np.zeros((4, 4)))
    return jac


def _duplication() -> FloatArray:
    d = np.zeros((16, 10))
    for col, (i, j) in enumerate(zip(_VECH_I, _VECH_J, strict=True)):
        d[i * 4 + j, col] = 1.0
        d[j * 4 + i, col] = 1.0
    return d


_DUP = _duplication()


def _expected_information(sig: FloatArray, jac: FloatArray, n: int) -> FloatArray:
    inv = np.linalg.inv(sig)
    w = np.zeros((14, 14))
    w[:4, :4] = inv
    w[4:, 4:] = 0.5 * _DUP.T @ np.kron(inv, inv) @ _DUP
    info: FloatArray = n * jac.T @ w @ jac
    return info


def _normal_logl(n: int, p: int, sig: FloatArray, cov: FloatArray, delta: FloatArray) -> float:
    sign, logdet = np.linalg.slogdet(sig)
    if sign <= 0:
        return -math.inf
    inv = np.linalg.inv(sig)
    quad = float(np.trace(inv @ cov) + delta @ inv @ delta)
    return float(-n / 2 * (p * _LOG_2PI + logdet + quad))


def _sem_fit_measures(
    spec: _SEMSpec, point: _SEMPoint, n: int, mean: FloatArray, cov: FloatArray
) -> SEMFit:
    q = len(spec.names)
    mu, sig = _implied(point)
    if spec.fixed_x:
        # y given x: residual moments at the estimates; saturated = one regression per member.
        b = point.beta
        resid = cov[2:, 2:] - b @ cov[:2, 2:] - cov[2:, :2] @ b.T + b @ cov[:2, :2] @ b.T
        resid_mean = mean[2:] - point.alpha - b @ mean[:2]
        logl = _normal_logl(n, 2, point.psi, resid, resid_mean)
        sat = cov[2:, 2:] - cov[2:, :2] @ np.linalg.solve(cov[:2, :2], cov[:2, 2:])
        unrestricted = _normal_logl(n, 2, sat, sat, np.zeros(2))
        base = np.diag(np.diag(cov[2:, 2:]))
        baseline = _normal_logl(n, 2, base, base, np.zeros(2))
        n_stats, baseline_df = 9, 5
    else:
        logl = _normal_logl(n, 4, sig, cov, mean - mu)
        unrestricted = _normal_logl(n, 4, cov, cov, np.zeros(4))
        base = np.diag(np.diag(cov))
        baseline = _normal_logl(n, 4, base, base, np.zeros(4))
        n_stats, baseline_df = 14, 6
    df = n_stats - q
    chisq = max(2 * (unrestricted - logl), 0.0)
    chisq_b = 2 * (unrestricted - baseline)
    pvalue = float(special.chdtrc(df, chisq)) if df > 0 else math.nan
    rmsea = math.sqrt(max(chisq - df, 0.0) / (df * n)) if df > 0 else 0.0
    denom = max(chisq_b - baseline_df, chisq - df, 0.0)
    cfi = 1.0 - max(chisq - df, 0.0) / denom if denom > 0 else 1.0
    if df > 0 and chisq_b / baseline_df > 1:
        tli = (chisq_b / baseline_df - chisq / df) / (chisq_b / baseline_df - 1)
    else:
        tli = 1.0
    # SRMR (Bentler), over the covariances and the means, as lavaan's "srmr"
    sd = np.sqrt(np.diag(cov))
    res_cov = (cov - sig) / np.outer(sd, sd)
    res_mean = (mean - mu) / sd
    srmr = math.sqrt(
        (float((res_cov[_VECH_I, _VECH_J] ** 2).sum()) + float((res_mean**2).sum())) / 14
    )
    return SEMFit(
        chisq=chisq,
        df=df,
        pvalue=pvalue,
        logl=logl,
        unrestricted_logl=unrestricted,
        npar=q,
        aic=-2 * logl + 2 * q,
        bic=-2 * logl + q * math.log(n),
        rmsea=rmsea,
        cfi=cfi,
        tli=tli,
        srmr=srmr,
        baseline_chisq=chisq_b,
        baseline_df=baseline_df,
        n_dyads=n,
        fixed_x=spec.fixed_x,
    )


def _defined(
    theta: FloatArray,
    vcov: FloatArray,
    names: Sequence[str],
    defined: Sequence[tuple[str, str, str, str]],
) -> list[tuple[str, float, float]]:
    """Defined parameters (ratios, differences) with delta-method standard errors."""
    index = {n: i for i, n in enumerate(names)}
    out = []
    for name, op, left, right in defined:
        i, j = index[left], index[right]
        grad = np.zeros(len(theta))
        if op == "/":
            value = theta[i] / theta[j]
            grad[i], grad[j] = 1 / theta[j], -theta[i] / theta[j] ** 2
        else:
            value = theta[i] - theta[j]
            grad[i], grad[j] = 1.0, -1.0
        out.append((name, float(value), math.sqrt(max(float(grad @ vcov @ grad), 0.0))))
    return out


def _k_values(
    values: Mapping[str, FloatArray], defined: Sequence[tuple[str, ...]]
) -> dict[str, FloatArray]:
    """Each defined ratio k (``partner / actor``) from arrays of the effects."""
    out = {}
    for name, op, left, right in defined:
        if op == "/" and name.startswith("k"):
            with np.errstate(divide="ignore", invalid="ignore"):
                out[name] = values[left] / values[right]
    return out


class _DyadicModel:
    """What both APIM estimators share: data checks and the bootstrap of k over dyads."""

    confidence: float
    n_bootstrap: int
    random_state: int | np.random.Generator | None
    missing: str

    estimates_: dict[str, Estimate]
    coef_: dict[str, float]
    se_: dict[str, float]
    vcov_: FloatArray
    param_names_: tuple[str, ...]
    k_bootstrap_: dict[str, BootstrapInterval]
    n_dyads_: int
    n_dropped_: int

    def _k_draws(self, mean: FloatArray, cov: FloatArray) -> dict[str, FloatArray]:
        raise NotImplementedError

    def _bootstrap(self, data: FloatArray) -> dict[str, BootstrapInterval]:
        n_boot = _check_boot(self.n_bootstrap)
        if n_boot == 0:
            return {}
        seed = self.random_state if isinstance(self.random_state, int) else None
        rng = np.random.default_rng(self.random_state)
        means, covs = _bootstrap_moments(data, n_boot, rng)
        with np.errstate(all="ignore"):
            try:
                draws = self._k_draws(means, covs)
            except np.linalg.LinAlgError:
                draws = self._k_draws_one_by_one(means, covs)
        usable = _usable(covs)
        out = {}
        for name, values in draws.items():
            lo, hi, failed = _percentiles(np.where(usable, values, np.nan), self.confidence)
            out[name] = BootstrapInterval(
                name, self.coef_[name], lo, hi, self.confidence, n_boot, failed, seed
            )
        return out

    def _k_draws_one_by_one(self, means: FloatArray, covs: FloatArray) -> dict[str, FloatArray]:
        """Fallback when a resample is singular: fit the resamples one at a time."""
        names = list(self._k_draws(means[:0], covs[:0]).keys())
        out = {name: np.full(len(means), np.nan) for name in names}
        for b in range(len(means)):
            try:
                one = self._k_draws(means[b : b + 1], covs[b : b + 1])
            except np.linalg.LinAlgError:
                continue
            for name in names:
                out[name][b] = one[name][0]
        return out

    def _store(
        self,
        names: Sequence[str],
        theta: FloatArray,
        vcov: FloatArray,
        defined: Sequence[tuple[str, str, str, str]],
        df: int | None,
    ) -> None:
        se = np.sqrt(np.clip(np.diag(vcov), 0.0, None))
        level = self.confidence
        estimates = {
            name: _wald(name, float(theta[i]), float(se[i]), level, df)
            for i, name in enumerate(names)
        }
        for name, value, s in _defined(theta, vcov, names, defined):
            estimates[name] = _wald(name, value, s, level)
        self.param_names_ = tuple(names)
        self.vcov_ = vcov
        self.estimates_ = estimates
        self.coef_ = {k: e.estimate for k, e in estimates.items()}
        self.se_ = {k: e.se for k, e in estimates.items()}


class APIM(_DyadicModel):
    """Actor-partner interdependence model as lavaan's SEM (ML, with means).

    Parameters
    ----------
    model : {"distinguishable", "equal", "indistinguishable"}
        ``distinguishable``: separate actor, partner and intercept per member
        (``y_1 ~ a1*x_1 + p21*x_2; y_2 ~ a2*x_2 + p12*x_1``). ``equal``: one actor and one
        partner effect, the rest per member. ``indistinguishable``: Olsen & Kenny (2006),
        everything equal across members; member order does not matter.
    confidence : float
        Level of the Wald and bootstrap intervals.
    n_bootstrap : int
        Resamples of dyads for the percentile interval of k (0: none).
    random_state : int, Generator or None
        Seed of the bootstrap.
    missing : {"listwise", "error"}
        Drop dyads with a missing value, or refuse them.

    Attributes
    ----------
    estimates_ : dict of str to Estimate
        Every free parameter (``actor_1``, ``partner_21``, ..., see ``param_names_``) then the
        defined ones: ``k_1 = partner_21/actor_1``, ``k_2 = partner_12/actor_2``,
        ``actor_diff``, ``partner_diff`` (distinguishable) or ``k = partner/actor``.
    coef_, se_ : dict of str to float
        Estimates and standard errors of the same.
    vcov_ : ndarray
        Covariance of the free parameters (inverse expected information).
    fit_ : SEMFit
        Chi-square test against the saturated model, log-likelihood, AIC, BIC, RMSEA, CFI...
    k_bootstrap_ : dict of str to BootstrapInterval
        Percentile intervals of each k (empty without bootstrap).

    Notes
    -----
    With ``x = (x_1, x_2)`` and ``B = [[a1, p21], [p12, a2]]``::

        y = alpha + B x + e,   e ~ N(0, Psi)

    ``p21`` is the effect of member 2's x on member 1's y. Standard errors come from the
    expected information at the estimates, ``(N Delta' W Delta)^-1`` with
    ``W = diag(Sigma^-1, D'(Sigma^-1 (x) Sigma^-1) D / 2)``, as lavaan's defaults.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(400, 2))
    >>> y = 0.5 * x + 0.2 * x[:, ::-1] + rng.normal(size=(400, 2))
    >>> fit = APIM("indistinguishable").fit(x, y)
    >>> round(fit.coef_["actor"], 1), round(fit.coef_["partner"], 1)
    (0.5, 0.2)
    """

    fit_: SEMFit

    def __init__(
        self,
        model: SEMModel = "distinguishable",
        *,
        confidence: float = 0.95,
        n_bootstrap: int = 0,
        random_state: int | np.random.Generator | None = None,
        missing: Missing = "listwise",
    ) -> None:
        self.model = model
        self.confidence = confidence
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state
        self.missing = missing

    def fit(self, x: ArrayLike, y: ArrayLike) -> APIM:
        """Fit to ``x`` and ``y``, each of shape (n_dyads, 2): member 1, member 2."""
        if self.model not in _SPECS:
            raise ValueError(
                f"model must be 'distinguishable', 'equal' or 'indistinguishable', got {self.model!r}"
            )
        _check_level(self.confidence)
        _check_boot(self.n_bootstrap)
        spec = _SPECS[self.model]
        data, dropped = _dyad_data(x, y, self.missing)
        n = data.shape[0]
        mean, cov = _moments(data) if n else (np.zeros(4), np.eye(4))
        _check_design(n, cov, needed=len(spec.names) // 2 + 3, dropped=dropped)
        with np.errstate(all="ignore"):
            point = _sem_point(self.model, mean, cov)
        if not bool(point.converged):
            raise ConvergenceError(
                f"the {self.model} APIM did not converge; check for members whose y is "
                "(almost) perfectly predicted"
            )
        if not np.all(np.linalg.eigvalsh(point.psi) > 0):
            raise ValueError(
                "the residual covariance is not positive definite: y is perfectly "
                "predicted by x or y_1 and y_2 are perfectly correlated"
            )
        theta = _theta(spec, point)
        _, sig = _implied(point)
        info = _expected_information(sig, _jacobian(spec, point), n)
        try:
            vcov = np.asarray(np.linalg.inv(info), dtype=np.float64)
        except np.linalg.LinAlgError:
            raise ValueError("the model is not identified on these data") from None
        self.n_dyads_ = n
        self.n_dropped_ = dropped
        self._store(spec.names, theta, vcov, spec.defined, None)
        self.fit_ = _sem_fit_measures(spec, point, n, mean, cov)
        self.k_bootstrap_ = self._bootstrap(data)
        return self

    def _k_draws(self, mean: FloatArray, cov: FloatArray) -> dict[str, FloatArray]:
        spec = _SPECS[self.model]
        point = _sem_point(self.model, mean, cov)
        b = point.beta
        values = {
            "actor_1": b[..., 0, 0],
            "actor_2": b[..., 1, 1],
            "partner_21": b[..., 0, 1],
            "partner_12": b[..., 1, 0],
            "actor": b[..., 0, 0],
            "partner": b[..., 0, 1],
        }
        out = _k_values(values, spec.defined)
        for name in out:
            out[name] = np.where(point.converged, out[name], np.nan)
        return out


# --------------------------------------------------------------------------------------------
# Multilevel (GLS) form with compound symmetry
# --------------------------------------------------------------------------------------------


def cs_loglik(
    residuals: ArrayLike, sigma2: float, rho: float, *, reml_design: ArrayLike | None = None
) -> float:
    """Log-likelihood of dyads' residuals under compound symmetry, as nlme's ``gls``.

    ``residuals`` has shape (n_dyads, 2). Each dyad's covariance is
    ``V = sigma2 * [[1, rho], [rho, 1]]`` with ``|V| = sigma2^2 (1 - rho^2)`` and
    ``V^-1 = [[1, -rho], [-rho, 1]] / (sigma2 (1 - rho^2))``. With ``reml_design`` (the
    design matrix, shape (n_dyads, 2, p): each dyad's two rows) the restricted likelihood is
    returned: ``- (1/2) log|X' V^-1 X|`` is added and ``p`` observations are taken off the
    ``2 pi`` term, as nlme does.

    Notes
    -----
    ``l = -(1/2) [m log(2 pi) + sum_i log|V_i| + sum_i e_i' V_i^-1 e_i]``, ``m`` the number of
    observations (``2 n - p`` for REML).

    Examples
    --------
    >>> round(cs_loglik([[0.0, 0.0]], 1.0, 0.0), 6)
    -1.837877
    """
    e = np.asarray(residuals, dtype=np.float64)
    if e.ndim != 2 or e.shape[1] != 2:
        raise ValueError(f"residuals must have shape (n_dyads, 2), got {e.shape}")
    if not sigma2 > 0 or not -1 < rho < 1:
        return -math.inf
    det = sigma2 * sigma2 * (1 - rho * rho)
    quad = (
        (e[:, 0] ** 2 + e[:, 1] ** 2 - 2 * rho * e[:, 0] * e[:, 1]) / (sigma2 * (1 - rho * rho))
    ).sum()
    m = e.size
    extra = 0.0
    if reml_design is not None:
        x = np.asarray(reml_design, dtype=np.float64)
        vinv = np.array([[1.0, -rho], [-rho, 1.0]]) / (sigma2 * (1 - rho * rho))
        xtvx = np.einsum("nip,ij,njq->pq", x, vinv, x)
        sign, logdet = np.linalg.slogdet(xtvx)
        if sign <= 0:
            return -math.inf
        m -= x.shape[2]
        extra = -0.5 * logdet
    return float(-0.5 * (m * _LOG_2PI + e.shape[0] * math.log(det) + quad) + extra)


@dataclass(frozen=True)
class _GLSPoint:
    coef: FloatArray  # (..., p)
    sigma2: FloatArray  # member 1's residual variance
    rho: FloatArray
    ratio: FloatArray  # sigma_2 / sigma_1
    # sum/difference pieces of the indistinguishable model, for the covariance of the coefficients
    tau_s: FloatArray
    tau_d: FloatArray


def _gls_point(model: str, method: str, n: int, mean: FloatArray, cov: FloatArray) -> _GLSPoint:
    """(RE)ML estimates of the GLS APIM from dyad moments, batched over leading axes."""
    if model == "distinguishable":
        # Identical regressors for both members: GLS = OLS; REML divides by N - 3.
        sxx, sxy = cov[..., :2, :2], cov[..., :2, 2:]
        beta = np.linalg.solve(sxx, sxy).swapaxes(-1, -2)
        psi = cov[..., 2:, 2:] - beta @ sxy
        if method == "REML":
            psi = psi * n / (n - 3)
        alpha = mean[..., 2:] - np.einsum("...ij,...j->...i", beta, mean[..., :2])
        coef = np.stack(
            [
                alpha[..., 0],
                alpha[..., 1],
                beta[..., 0, 0],
                beta[..., 1, 1],
                beta[..., 0, 1],
                beta[..., 1, 0],
            ],
            axis=-1,
        )
        s1, s2 = psi[..., 0, 0], psi[..., 1, 1]
        rho = psi[..., 0, 1] / np.sqrt(s1 * s2)
        nan = np.full(s1.shape, np.nan)
        return _GLSPoint(coef, s1, rho, np.sqrt(s2 / s1), nan, nan)
    # Sums s = v_1 + v_2 and differences d = v_1 - v_2 of x and y.
    sx_var = cov[..., 0, 0] + cov[..., 1, 1] + 2 * cov[..., 0, 1]
    sy_var = cov[..., 2, 2] + cov[..., 3, 3] + 2 * cov[..., 2, 3]
    sxy = cov[..., 0, 2] + cov[..., 0, 3] + cov[..., 1, 2] + cov[..., 1, 3]
    sx_mean = mean[..., 0] + mean[..., 1]
    sy_mean = mean[..., 2] + mean[..., 3]
    dx_mean = mean[..., 0] - mean[..., 1]
    dy_mean = mean[..., 2] - mean[..., 3]
    dxx = cov[..., 0, 0] + cov[..., 1, 1] - 2 * cov[..., 0, 1] + dx_mean**2
    dyy = cov[..., 2, 2] + cov[..., 3, 3] - 2 * cov[..., 2, 3] + dy_mean**2
    dxy = cov[..., 0, 2] - cov[..., 0, 3] - cov[..., 1, 2] + cov[..., 1, 3] + dx_mean * dy_mean
    # between dyads: s_y = 2 b0 + (actor + partner) s_x; within: d_y = (actor - partner) d_x
    c = sxy / sx_var
    d = dxy / dxx
    rss_s = n * (sy_var - c * sxy)
    rss_d = n * (dyy - d * dxy)
    if method == "REML":
        tau_s, tau_d = rss_s / (n - 2), rss_d / (n - 1)
    else:
        tau_s, tau_d = rss_s / n, rss_d / n
    b0 = (sy_mean - c * sx_mean) / 2
    coef = np.stack([b0, (c + d) / 2, (c - d) / 2], axis=-1)
    sigma2 = (tau_s + tau_d) / 4
    rho = (tau_s - tau_d) / (tau_s + tau_d)
    return _GLSPoint(coef, sigma2, rho, np.ones_like(rho), tau_s, tau_d)


class GLSAPIM(_DyadicModel):
    """APIM as a multilevel model on the pairwise layout, as nlme's ``gls``.

    Parameters
    ----------
    model : {"indistinguishable", "distinguishable"}
        ``indistinguishable``: ``gls(y_A ~ x_A + x_P, correlation = corCompSymm(~1|dyad))``.
        ``distinguishable``: the two-intercept model ``y_A ~ 0 + m1 + m2 + m1:x_A + m2:x_A +
        m1:x_P + m2:x_P`` with ``corCompSymm(~1|dyad)`` and ``varIdent(~1|member)``.
    method : {"REML", "ML"}
    confidence, n_bootstrap, random_state, missing
        As in :class:`APIM`.

    Attributes
    ----------
    estimates_ : dict of str to Estimate
        ``intercept``, ``actor``, ``partner`` (t statistics on ``df_residual``) and
        ``k = partner/actor`` (delta method, z); distinguishable: ``intercept_1``,
        ``intercept_2``, ``actor_1``, ``actor_2``, ``partner_21``, ``partner_12``, ``k_1``,
        ``k_2``.
    coef_, se_, vcov_, param_names_, k_bootstrap_
        As in :class:`APIM`.
    rho_ : float
        Within-dyad residual correlation; with REML it is the partial intraclass
        correlation of y controlling for both partners' x.
    sigma_ : float
        Residual SD (member 1's in the distinguishable model).
    fit_ : GLSFit

    Notes
    -----
    Per dyad, ``V = sigma^2 [[1, rho], [rho, 1]]``. Sums and differences of the two members
    are independent: ``var(e_1 + e_2) = 2 sigma^2 (1 + rho)`` and
    ``var(e_1 - e_2) = 2 sigma^2 (1 - rho)``. The sums regress on ``x_1 + x_2`` (giving
    ``2 b0`` and ``actor + partner``), the differences on ``x_1 - x_2`` (``actor - partner``);
    the REML variances divide the residual sums of squares by ``N - 2`` and ``N - 1``.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> x = rng.normal(size=(400, 2))
    >>> y = 0.5 * x + 0.2 * x[:, ::-1] + rng.normal(size=(400, 2))
    >>> fit = GLSAPIM().fit(x, y)
    >>> round(fit.coef_["actor"], 2), round(fit.coef_["partner"], 2)
    (0.45, 0.21)
    """

    fit_: GLSFit
    rho_: float
    sigma_: float

    def __init__(
        self,
        model: GLSModel = "indistinguishable",
        *,
        method: Literal["REML", "ML"] = "REML",
        confidence: float = 0.95,
        n_bootstrap: int = 0,
        random_state: int | np.random.Generator | None = None,
        missing: Missing = "listwise",
    ) -> None:
        self.model = model
        self.method = method
        self.confidence = confidence
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state
        self.missing = missing

    def fit(self, x: ArrayLike, y: ArrayLike) -> GLSAPIM:
        """Fit to ``x`` and ``y``, each of shape (n_dyads, 2): member 1, member 2."""
        if self.model not in ("indistinguishable", "distinguishable"):
            raise ValueError(
                f"model must be 'indistinguishable' or 'distinguishable', got {self.model!r}"
            )
        if self.method not in ("REML", "ML"):
            raise ValueError(f"method must be 'REML' or 'ML', got {self.method!r}")
        _check_level(self.confidence)
        _check_boot(self.n_bootstrap)
        data, dropped = _dyad_data(x, y, self.missing)
        n = data.shape[0]
        mean, cov = _moments(data) if n else (np.zeros(4), np.eye(4))
        distinct = self.model == "distinguishable"
        _check_design(n, cov, needed=6 if distinct else 4, dropped=dropped)
        with np.errstate(all="ignore"):
            point = _gls_point(self.model, self.method, n, mean, cov)
        if not (point.sigma2 > 0 and abs(float(point.rho)) < 1 and point.ratio > 0):
            raise ValueError(
                "the residual covariance is degenerate (y perfectly predicted, or the two "
                "members' residuals perfectly correlated)"
            )
        p = 6 if distinct else 3
        sigma2, rho, ratio = float(point.sigma2), float(point.rho), float(point.ratio)
        vinv = self._vinv(sigma2, rho, ratio)
        xtvx, resid_cp = self._cross_products(n, mean, cov, point.coef)
        xtvx = np.einsum("jk,jkpq->pq", vinv, xtvx)
        n_obs = 2 * n
        vcov = np.linalg.inv(xtvx)
        if self.method == "ML":
            # nlme scales the ML covariance of the coefficients by N / (N - p)
            vcov = vcov * n_obs / (n_obs - p)
        logl = self._loglik(n, resid_cp, xtvx, vinv, p=p, reml=self.method == "REML")
        k_params = p + (3 if distinct else 2)  # coefficients, sigma, rho (and the variance ratio)
        names = (
            ("intercept_1", "intercept_2", "actor_1", "actor_2", "partner_21", "partner_12")
            if distinct
            else ("intercept", "actor", "partner")
        )
        defined = (
            (("k_1", "/", "partner_21", "actor_1"), ("k_2", "/", "partner_12", "actor_2"))
            if distinct
            else (("k", "/", "partner", "actor"),)
        )
        self.n_dyads_ = n
        self.n_dropped_ = dropped
        self._store(names, point.coef, vcov, defined, n_obs - p)
        self.rho_ = rho
        self.sigma_ = math.sqrt(sigma2)
        bic_n = n_obs - p if self.method == "REML" else n_obs
        self.fit_ = GLSFit(
            method=self.method,
            logl=logl,
            aic=-2 * logl + 2 * k_params,
            bic=-2 * logl + k_params * math.log(bic_n),
            sigma=self.sigma_,
            rho=rho,
            sigma_ratio=ratio,
            npar=k_params,
            df_residual=n_obs - p,
            n_obs=n_obs,
            n_dyads=n,
        )
        self.k_bootstrap_ = self._bootstrap(data)
        return self

    def _selection(self) -> tuple[FloatArray, FloatArray]:
        """``G_j`` (5, p): member j's row of the design is ``G_j' (1, x_1, x_2, y_1, y_2)``."""
        if self.model == "distinguishable":
            # coefficients: intercept_1, intercept_2, actor_1, actor_2, partner_21, partner_12
            g1, g2 = np.zeros((5, 6)), np.zeros((5, 6))
            g1[0, 0], g1[1, 2], g1[2, 4] = 1, 1, 1
            g2[0, 1], g2[2, 3], g2[1, 5] = 1, 1, 1
        else:
            # coefficients: intercept, actor, partner
            g1, g2 = np.zeros((5, 3)), np.zeros((5, 3))
            g1[0, 0], g1[1, 1], g1[2, 2] = 1, 1, 1
            g2[0, 0], g2[2, 1], g2[1, 2] = 1, 1, 1
        return g1, g2

    def _cross_products(
        self, n: int, mean: FloatArray, cov: FloatArray, coef: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """From the dyads' moments: ``sum_i X_ij' X_ik`` (2, 2, p, p) and residual ``E'E`` (2, 2).

        Moments of ``w = (1, x_1, x_2, y_1, y_2)`` are ``n T diag(1, S) T'`` with
        ``T = [[1, 0], [mean, I]]``; residuals ``e_j = c_j' w`` are summed as
        ``(T' c_j)' diag(1, S) (T' c_k)`` so that large means do not cancel digits away.
        """
        centred = np.zeros((5, 5))
        centred[0, 0] = 1.0
        centred[1:, 1:] = cov
        t = np.eye(5)
        t[1:, 0] = mean
        raw = t @ centred @ t.T
        g = self._selection()
        design = np.array([[n * gj.T @ raw @ gk for gk in g] for gj in g])
        c = [np.eye(5)[3 + j] - g[j] @ coef for j in range(2)]
        ct = [t.T @ cj for cj in c]
        resid = np.array([[n * cj @ centred @ ck for ck in ct] for cj in ct])
        return design, resid

    @staticmethod
    def _vinv(sigma2: float, rho: float, ratio: float) -> FloatArray:
        s1, s2 = math.sqrt(sigma2), math.sqrt(sigma2) * ratio
        v = np.array([[s1 * s1, rho * s1 * s2], [rho * s1 * s2, s2 * s2]])
        inv: FloatArray = np.linalg.inv(v)
        return inv

    @staticmethod
    def _loglik(
        n: int, resid_cp: FloatArray, xtvx: FloatArray, vinv: FloatArray, *, p: int, reml: bool
    ) -> float:
        """``-(1/2) [m log(2 pi) + n log|V| + tr(V^-1 E'E)]``, REML: ``- (1/2) log|X'V^-1 X|``."""
        m = 2 * n
        _, logdet_vinv = np.linalg.slogdet(vinv)
        quad = float(np.sum(vinv * resid_cp))
        extra = 0.0
        if reml:
            m -= p
            extra = -0.5 * float(np.linalg.slogdet(xtvx)[1])
        return float(-0.5 * (m * _LOG_2PI - n * logdet_vinv + quad) + extra)

    def _k_draws(self, mean: FloatArray, cov: FloatArray) -> dict[str, FloatArray]:
        point = _gls_point(self.model, self.method, self.n_dyads_, mean, cov)
        c = point.coef
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.model == "distinguishable":
                return {"k_1": c[..., 4] / c[..., 2], "k_2": c[..., 5] / c[..., 3]}
            return {"k": c[..., 2] / c[..., 1]}


# --------------------------------------------------------------------------------------------
# Tests between nested models
# --------------------------------------------------------------------------------------------


def likelihood_ratio_test(restricted: APIM | GLSAPIM, full: APIM | GLSAPIM) -> LikelihoodRatioTest:
    """Likelihood-ratio (chi-square difference) test of a restricted model against a fuller one.

    The distinguishability test of actor and partner effects is
    ``likelihood_ratio_test(APIM("equal").fit(x, y), APIM("distinguishable").fit(x, y))``
    (lavaan's ``lavTestLRT``, 2 df). For GLS fits both must use ``method="ML"``: REML
    likelihoods of models with different fixed effects are not comparable.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> x = rng.normal(size=(300, 2)); y = 0.4 * x + rng.normal(size=(300, 2))
    >>> test = likelihood_ratio_test(APIM("equal").fit(x, y), APIM().fit(x, y))
    >>> test.df
    2
    """
    for name, model in (("restricted", restricted), ("full", full)):
        if not hasattr(model, "fit_"):
            raise ValueError(f"{name} model is not fitted yet: call fit() first")
    if type(restricted) is not type(full):
        raise TypeError("compare two APIM fits or two GLSAPIM fits, not one of each")
    if restricted.n_dyads_ != full.n_dyads_:
        raise ValueError(
            f"the models were fitted to different data ({restricted.n_dyads_} and "
            f"{full.n_dyads_} dyads)"
        )
    if isinstance(restricted, GLSAPIM) and isinstance(full, GLSAPIM):
        if restricted.method != "ML" or full.method != "ML":
            raise ValueError("compare GLS fits estimated with method='ML', not REML")
        npar_r, npar_f = restricted.fit_.npar, full.fit_.npar
        logl_r, logl_f = restricted.fit_.logl, full.fit_.logl
    elif isinstance(restricted, APIM) and isinstance(full, APIM):
        if restricted.fit_.fixed_x != full.fit_.fixed_x:
            raise ValueError(
                "the models treat x differently (fixed or free); compare the "
                "indistinguishable model with its chi-square instead"
            )
        npar_r, npar_f = restricted.fit_.npar, full.fit_.npar
        logl_r, logl_f = restricted.fit_.logl, full.fit_.logl
    else:  # pragma: no cover - excluded by the type check above
        raise TypeError("unknown model types")
    df = npar_f - npar_r
    if df <= 0:
        raise ValueError(
            f"the restricted model must have fewer parameters than the full one ({npar_r} vs {npar_f})"
        )
    chisq = max(2 * (logl_f - logl_r), 0.0)
    return LikelihoodRatioTest(
        restricted=f"{type(restricted).__name__}({restricted.model!r})",
        full=f"{type(full).__name__}({full.model!r})",
        chisq=chisq,
        df=df,
        p=float(special.chdtrc(df, chisq)),
    )


def distinguishability_tests(
    x: ArrayLike,
    y: ArrayLike,
    *,
    method: Literal["sem", "gls"] = "sem",
    missing: Missing = "listwise",
) -> tuple[LikelihoodRatioTest, ...]:
    """Tests of whether the members' roles (e.g. wife and husband) make a difference.

    With ``method="sem"``: equal actor and partner effects against distinguishable ones
    (2 df, lavaan's ``lavTestLRT``), and the Olsen-Kenny indistinguishable model against the
    saturated model (its chi-square, 6 df: equal means, variances, intercepts, residual
    variances, actor and partner effects). With ``method="gls"``: the indistinguishable
    compound-symmetry model against the two-intercept model, both by ML (4 df: intercepts,
    actor, partner and residual variances). Column 1 of ``x`` and ``y`` must hold the same
    role in every dyad.

    Examples
    --------
    >>> rng = np.random.default_rng(4)
    >>> x = rng.normal(size=(300, 2)); y = 0.4 * x + rng.normal(size=(300, 2))
    >>> [t.df for t in distinguishability_tests(x, y)]
    [2, 6]
    """
    if method == "sem":
        equal = APIM("equal", missing=missing).fit(x, y)
        full = APIM("distinguishable", missing=missing).fit(x, y)
        indist = APIM("indistinguishable", missing=missing).fit(x, y)
        omnibus = LikelihoodRatioTest(
            restricted="APIM('indistinguishable')",
            full="saturated",
            chisq=indist.fit_.chisq,
            df=indist.fit_.df,
            p=indist.fit_.pvalue,
        )
        return likelihood_ratio_test(equal, full), omnibus
    if method == "gls":
        restricted = GLSAPIM("indistinguishable", method="ML", missing=missing).fit(x, y)
        two = GLSAPIM("distinguishable", method="ML", missing=missing).fit(x, y)
        return (likelihood_ratio_test(restricted, two),)
    raise ValueError(f"method must be 'sem' or 'gls', got {method!r}")
