"""Exploratory factor analysis as psych does it: minres extraction, varimax and oblimin rotation.

McDonald's omega (:func:`twofold.core.reliability.omega`) needs three pieces of R: psych's
``fa(fm="minres")``, ``stats::varimax`` and GPArotation's ``oblimin``. No maintained Python
library reproduces them: factor_analyzer 0.5 (unmaintained) fails on pandas 3 and
scikit-learn 1.8, and its minres differs from psych's in the starting values and the optimiser's
settings, which moves omega in the third decimal. So they are written here in NumPy/SciPy,
following the published algorithms and the R code's choices step by step:

* **minres** (Harman's minimum residual; psych's ``fac``): minimise the sum of squared
  off-diagonal residuals ``sum_{i>j} (r_ij - (ΛΛ')_ij)^2`` over the uniquenesses ``ψ``, where
  ``Λ`` holds the first ``m`` eigenvectors of ``R`` with ``1 - ψ`` on its diagonal scaled by the
  square roots of their eigenvalues. Like psych we start at ``ψ = 1 - SMC``, bound ``ψ`` to
  ``[0.005, max(1, SMC)]``, use psych's gradient ``diag(ΛΛ') + ψ - 1`` and L-BFGS-B with R's
  ``optim`` settings (5 corrections, ``factr = 1e7``, ``pgtol = 0``, 100 iterations,
  ``parscale = 0.01``), here :func:`scipy.optimize.minimize`.
* **varimax** (Kaiser 1958, with Kaiser normalisation; R's ``stats::varimax``).
* **oblimin** (gradient projection, Bernaards & Jennrich 2005; GPArotation's ``GPFoblq`` with
  the ``vgQ.oblimin`` criterion, ``gam = 0`` i.e. quartimin, no normalisation).

Columns are signed so that each sums to a positive number and ordered by the variance they
account for, as psych does.

These are many small matrix operations (eigen-decompositions of p x p matrices, m x m
inverses). A multi-threaded BLAS gains nothing on them and, on a busy machine, loses a great
deal: with NumPy's and SciPy's OpenBLAS on two threads while other processes held the two
cores, omega on five bfi scales took 1.9 s instead of 0.15 s. So the public functions here and
in :mod:`twofold.core.reliability` run with one BLAS thread (:func:`one_blas_thread`, via
threadpoolctl) and restore the previous setting when they return. The limit is process-wide
while it lasts.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import lapack
from scipy.optimize import minimize
from threadpoolctl import ThreadpoolController

__all__ = [
    "FactorSolution",
    "Rotation",
    "minres",
    "oblimin",
    "one_blas_thread",
    "smc",
    "varimax",
]

P = ParamSpec("P")
R_ = TypeVar("R_")
_controller: Any = None


def one_blas_thread(func: Callable[P, R_]) -> Callable[P, R_]:
    """Run ``func`` with every loaded BLAS limited to one thread (see the module docstring)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R_:
        global _controller
        if _controller is None:  # built lazily: NumPy's and SciPy's BLAS are loaded by now
            _controller = ThreadpoolController()
        with _controller.limit(limits=1, user_api="blas"):
            return func(*args, **kwargs)

    return wrapper


Matrix = NDArray[np.float64]

_EPS = float(np.finfo(np.float64).eps)
_LOWER = 0.005
_MAX_ITER = 100


def smc(R: Matrix) -> NDArray[np.float64]:
    """Squared multiple correlation of each variable with all the others.

    Parameters
    ----------
    R : (p, p) array
        A correlation matrix (a covariance matrix is rescaled to correlations first).

    Returns
    -------
    (p,) array
        ``1 - 1 / diag(R⁻¹)``, clipped to ``[0, 1]``.

    Notes
    -----
    The inverse is the Moore-Penrose pseudo-inverse (singular values below
    ``sqrt(eps) * d_max`` are dropped), as psych's ``Pinv``, so a singular matrix still gives
    values.

    Examples
    --------
    >>> R = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> smc(R).round(2).tolist()
    [0.25, 0.25]
    """
    R = _to_correlation(np.asarray(R, dtype=np.float64))
    inv = _pinv(R)
    out = 1.0 - 1.0 / np.diag(inv)
    return np.clip(out, 0.0, 1.0)


def _pinv(X: Matrix) -> Matrix:
    u, d, vt = np.linalg.svd(X)
    keep = d > max(np.sqrt(_EPS) * d[0], 0.0)
    out: Matrix = (vt[keep].T / d[keep]) @ u[:, keep].T
    return out


def _to_correlation(S: Matrix) -> Matrix:
    scale = 1.0 / np.sqrt(np.diag(S))
    R: Matrix = S * scale[:, None] * scale[None, :]
    np.fill_diagonal(R, 1.0)
    return R


def _top_eigen(S: Matrix, m: int) -> tuple[NDArray[np.float64], Matrix]:
    """The ``m`` largest eigenvalues (descending) and their vectors (LAPACK dsyevd directly)."""
    values, vectors, info = lapack.dsyevd(S)
    if info != 0:
        raise np.linalg.LinAlgError("the eigen-decomposition did not converge")
    return values[::-1][:m], vectors[:, ::-1][:, :m]


@dataclass(frozen=True)
class FactorSolution:
    """An unrotated or orthogonally rotated minres solution.

    ``loadings`` is ``(p, m)``; ``uniquenesses`` the fitted ``ψ`` (bounded below by 0.005);
    ``communalities`` ``diag(ΛΛ')`` (above 1 in an ultra-Heywood case). ``converged`` is False
    when the optimiser stopped at its iteration limit (100, as R's ``optim``); a stop because
    the line search cannot progress is normal here, since psych's gradient is approximate.
    """

    loadings: Matrix
    uniquenesses: NDArray[np.float64]
    communalities: NDArray[np.float64]
    objective: float
    converged: bool
    iterations: int

    @property
    def heywood_variables(self) -> tuple[int, ...]:
        """Variables whose communality reaches 1 or whose uniqueness sits on its lower bound."""
        hit = (self.communalities >= 1.0) | (self.uniquenesses <= _LOWER + 1e-8)
        return tuple(int(j) for j in np.flatnonzero(hit))

    @property
    def heywood(self) -> bool:
        """True for a (ultra-)Heywood case: see :attr:`heywood_variables`."""
        return bool(self.heywood_variables)


@one_blas_thread
def minres(R: Matrix, nfactors: int, *, rotate: str = "none") -> FactorSolution:
    """Fit ``nfactors`` factors to a correlation matrix by minimum residual, as psych's ``fa``.

    Parameters
    ----------
    R : (p, p) array
        Correlation matrix (a covariance matrix is rescaled).
    nfactors : int
        Number of factors, ``1 <= nfactors < p``.
    rotate : {"none", "varimax"}
        Orthogonal rotation of the extracted loadings.

    Returns
    -------
    FactorSolution

    Notes
    -----
    Minimises ``F(ψ) = Σ_{i>j} (r_ij − (ΛΛ')_ij)²`` where ``Λ = V_m D_m^{1/2}`` from the
    eigen-decomposition of ``R`` with ``1 − ψ`` on the diagonal. See the module docstring for
    the optimiser's settings.

    Examples
    --------
    >>> lam = np.array([0.8, 0.7, 0.6, 0.5])
    >>> R = np.outer(lam, lam); np.fill_diagonal(R, 1.0)
    >>> minres(R, 1).loadings.ravel().round(3).tolist()
    [0.8, 0.7, 0.6, 0.5]
    """
    R = np.asarray(R, dtype=np.float64)
    if R.ndim != 2 or R.shape[0] != R.shape[1]:
        raise ValueError(f"R must be a square matrix, got shape {R.shape}")
    p = R.shape[0]
    if not 1 <= nfactors < p:
        raise ValueError(f"nfactors must lie in 1..{p - 1} for {p} variables, got {nfactors}")
    if rotate not in ("none", "varimax"):
        raise ValueError(f"rotate must be 'none' or 'varimax', got {rotate!r}")
    if not np.all(np.isfinite(R)):
        raise ValueError("R holds missing or infinite values")
    R = _to_correlation(R)
    s = smc(R)
    start = 1.0 - s
    upper = max(float(s.max()), 1.0)
    diag = np.diag_indices(p)
    scale = 0.01  # R's parscale

    def objective(x: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        psi = x * scale
        S = R.copy()
        S[diag] = 1.0 - psi
        values, vectors = _top_eigen(S, nfactors)
        # psych's gradient floors eigenvalues at 0; its residual floors them at 100 eps
        G = vectors * np.sqrt(np.maximum(values, 0.0))
        h2 = np.einsum("ij,ij->i", G, G)
        grad: NDArray[np.float64] = (h2 + psi - 1.0) * scale
        if values[-1] < _EPS:
            G = vectors * np.sqrt(np.where(values < _EPS, 100 * _EPS, values))
            h2 = np.einsum("ij,ij->i", G, G)
        # Σ_{i>j} resid² = (Σ resid² − Σ diag(resid)²) / 2, with diag(resid) = 1 − ψ − h²
        resid = S - G @ G.T
        off = 1.0 - psi - h2
        return 0.5 * float(np.vdot(resid, resid) - off @ off), grad

    result = minimize(
        objective,
        start / scale,
        jac=True,
        method="L-BFGS-B",
        bounds=[(_LOWER / scale, upper / scale)] * p,
        options={"maxcor": 5, "ftol": 1e7 * _EPS, "gtol": 0.0, "maxiter": _MAX_ITER},
    )
    psi = np.asarray(result.x, dtype=np.float64) * scale
    S = R.copy()
    np.fill_diagonal(S, 1.0 - psi)
    values, vectors = _top_eigen(S, nfactors)
    L = vectors * np.sqrt(np.maximum(values, 0.0))
    L = _sign_columns(L)
    L[L == 0] = 1e-15
    if rotate == "varimax" and nfactors > 1:
        L = _sign_columns(varimax(L))
    order = np.argsort(-np.einsum("ij,ij->j", L, L), kind="stable")
    L = L[:, order]
    return FactorSolution(
        loadings=L,
        uniquenesses=psi,
        communalities=np.einsum("ij,ij->i", L, L),
        objective=float(result.fun),
        converged=int(result.nit) < _MAX_ITER,
        iterations=int(result.nit),
    )


def _sign_columns(L: Matrix) -> Matrix:
    signs = np.sign(L.sum(axis=0))
    signs[signs == 0] = 1.0
    out: Matrix = L * signs
    return out


def varimax(A: Matrix, *, normalize: bool = True, eps: float = 1e-5) -> Matrix:
    """Rotate loadings orthogonally to the varimax criterion (R's ``stats::varimax``).

    Notes
    -----
    With Kaiser normalisation rows are scaled to unit length first. Each step sets
    ``T = U V'`` from the SVD of ``A'(Z³ − Z diag(1'Z²)/p)`` with ``Z = A T``, until the sum of
    singular values grows by less than a factor ``1 + eps``.

    Examples
    --------
    >>> A = np.array([[0.7, 0.6], [0.7, 0.5], [0.6, -0.6], [0.5, -0.5]])
    >>> varimax(A).round(2).tolist()  # as R's varimax(A)
    [[0.92, -0.03], [0.85, -0.11], [0.04, -0.85], [0.03, -0.71]]
    """
    A = np.asarray(A, dtype=np.float64)
    p, m = A.shape
    if m < 2:
        return A.copy()
    x = A
    sc = np.ones(p)
    if normalize:
        sc = np.sqrt((A**2).sum(axis=1))
        x = A / sc[:, None]
    T = np.eye(m)
    d = 0.0
    for _ in range(1000):
        z = x @ T
        B = x.T @ (z**3 - z * ((z**2).sum(axis=0) / p))
        u, s, vt = np.linalg.svd(B)
        T = u @ vt
        d_past = d
        d = float(s.sum())
        if d < d_past * (1 + eps):
            break
    z = x @ T
    out: Matrix = z * sc[:, None] if normalize else z
    return out


@dataclass(frozen=True)
class Rotation:
    """An oblique rotation: pattern ``loadings``, factor correlations ``phi``, ``T`` and status."""

    loadings: Matrix
    phi: Matrix
    T: Matrix
    converged: bool
    iterations: int


@one_blas_thread
def oblimin(A: Matrix, *, gamma: float = 0.0, eps: float = 1e-5, max_iter: int = 1000) -> Rotation:
    """Rotate loadings obliquely to the oblimin criterion by gradient projection.

    Parameters
    ----------
    A : (p, m) array
        Unrotated (or orthogonally rotated) loadings, ``m >= 2``.
    gamma : float
        Oblimin's γ: 0 is quartimin (GPArotation's default).
    eps, max_iter : float, int
        Stop when the projected gradient's Frobenius norm falls below ``eps``.

    Returns
    -------
    Rotation
        ``loadings = A (T')⁻¹`` and ``phi = T'T``.

    Notes
    -----
    The criterion is ``f(L) = ¼ Σ (L² ∘ ((I − γ/p 11') L² (11' − I)))``, minimised over
    ``T`` with unit-length columns (Bernaards & Jennrich 2005, GPArotation ``GPFoblq``).

    Examples
    --------
    >>> A = np.array([[0.8, 0.3], [0.7, 0.4], [0.3, 0.8], [0.2, 0.7]])
    >>> r = oblimin(A)
    >>> bool(r.converged), r.phi.shape
    (True, (2, 2))
    """
    A = np.asarray(A, dtype=np.float64)
    p, m = A.shape
    if m < 2:
        raise ValueError("rotation needs at least two factors")
    centre = np.eye(p) - gamma / p if gamma != 0 else None
    At = np.ascontiguousarray(A.T)

    def value(Lt: Matrix) -> tuple[float, Matrix, Matrix]:
        """The criterion at ``L = Lt'``, with the row sums of squares and squares it used."""
        L2 = Lt * Lt
        rows = L2.sum(axis=0)
        if centre is None:  # ¼ Σ L²∘(rowsum − L²) = ¼ (Σ rowsum² − Σ L⁴)
            return 0.25 * float(rows @ rows - np.vdot(L2, L2)), rows, L2
        X = centre @ (rows[:, None] - L2.T)
        return 0.25 * float(np.vdot(L2.T, X)), rows, L2

    def gradient(Lt: Matrix, rows: Matrix, L2: Matrix, Tinv: Matrix) -> Matrix:
        X = rows[None, :] - L2
        if centre is not None:
            X = (centre @ X.T).T
        Gq = Lt * X  # transposed: m x p
        out: Matrix = -Tinv.T @ (Gq @ Lt.T)
        return out

    # Small matrices: LAPACK directly costs a fraction of np.linalg's overhead per call.
    # dgesv solves T X = A' for X = L' (L = A (T')⁻¹); its LU also gives T⁻¹ when accepted.
    T = np.eye(m)
    Lt = At.copy()
    f, rows, L2 = value(Lt)
    G = gradient(Lt, rows, L2, T)
    al = 1.0
    s = np.inf
    iteration = 0
    for iteration in range(max_iter + 1):  # noqa: B007  (the count is reported)
        Gp = G - T * (T * G).sum(axis=0)
        s = math.sqrt(float(np.vdot(Gp, Gp)))
        if s < eps:
            break
        al *= 2.0
        for _ in range(11):
            Xt = T - al * Gp
            Tt = Xt / np.sqrt((Xt * Xt).sum(axis=0))
            lu, piv, Lt, info = lapack.dgesv(Tt, At)
            if info != 0:
                raise np.linalg.LinAlgError("oblimin: the rotation matrix became singular")
            ft, rows, L2 = value(Lt)
            if f - ft > 0.5 * s * s * al:
                break
            al /= 2.0
        T = Tt
        f = ft
        Tinv, _ = lapack.dgetri(lu, piv)
        G = gradient(Lt, rows, L2, Tinv)
    L = np.ascontiguousarray(Lt.T)
    return Rotation(loadings=L, phi=T.T @ T, T=T, converged=s < eps, iterations=iteration)
