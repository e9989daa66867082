"""The factor analysis behind omega, against R: psych's minres, stats::varimax, GPArotation."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import twofold.core.efa
from twofold.core import minres, oblimin, smc, varimax

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def efa_expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "efa" / "efa_reference.json").read_text())
    return data


def test_smc_matches_psych(efa_expected: dict[str, Any]) -> None:
    np.testing.assert_allclose(smc(np.array(efa_expected["R"])), efa_expected["smc"], atol=1e-10)


@pytest.mark.parametrize("nf", [1, 3, 5])
def test_minres_matches_psych_fa(efa_expected: dict[str, Any], nf: int) -> None:
    ref = efa_expected[f"nf{nf}"]
    fit = minres(np.array(efa_expected["R"]), nf)
    np.testing.assert_allclose(fit.loadings, np.array(ref["unrotated"]).reshape(25, nf), atol=1e-4)
    np.testing.assert_allclose(fit.uniquenesses, ref["uniquenesses"], atol=1e-4)
    assert fit.converged
    assert not fit.heywood


@pytest.mark.parametrize("nf", [3, 5])
def test_varimax_and_oblimin_match_r(efa_expected: dict[str, Any], nf: int) -> None:
    ref = efa_expected[f"nf{nf}"]
    fit = minres(np.array(efa_expected["R"]), nf, rotate="varimax")
    np.testing.assert_allclose(fit.loadings, ref["varimax"], atol=1e-4)
    rotated = oblimin(np.array(ref["varimax"]))
    np.testing.assert_allclose(rotated.loadings, ref["oblimin_of_varimax"], atol=1e-6)
    np.testing.assert_allclose(rotated.phi, ref["oblimin_phi"], atol=1e-6)
    assert rotated.converged
    biquartimin = oblimin(np.array(ref["varimax"]), gamma=0.5)
    np.testing.assert_allclose(biquartimin.loadings, ref["biquartimin_of_varimax"], atol=1e-6)
    np.testing.assert_allclose(biquartimin.phi, ref["biquartimin_phi"], atol=1e-6)


def test_varimax_keeps_communalities_and_oblimin_reproduces_the_common_part() -> None:
    rng = np.random.default_rng(2)
    A = rng.uniform(-0.8, 0.8, size=(12, 3))
    V = varimax(A)
    np.testing.assert_allclose((V**2).sum(axis=1), (A**2).sum(axis=1), atol=1e-12)
    r = oblimin(A)
    np.testing.assert_allclose(r.loadings @ r.phi @ r.loadings.T, A @ A.T, atol=1e-10)
    np.testing.assert_allclose(np.diag(r.phi), 1.0, atol=1e-12)


def test_minres_refuses_impossible_requests() -> None:
    R = np.eye(4)
    with pytest.raises(ValueError, match=r"nfactors must lie in 1\.\.3"):
        minres(R, 4)
    with pytest.raises(ValueError, match="square"):
        minres(np.ones((3, 4)), 1)
    with pytest.raises(ValueError, match="rotate"):
        minres(R, 2, rotate="promax")
    with pytest.raises(ValueError, match="two factors"):
        oblimin(np.ones((4, 1)))


def test_a_one_factor_population_is_recovered_exactly() -> None:
    lam = np.array([0.8, 0.7, 0.6, 0.5, 0.4])
    R = np.outer(lam, lam)
    np.fill_diagonal(R, 1.0)
    fit = minres(R, 1)
    np.testing.assert_allclose(fit.loadings[:, 0], lam, atol=1e-4)
    np.testing.assert_allclose(fit.uniquenesses, 1 - lam**2, atol=1e-4)


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(twofold.core.efa)
    assert result.attempted > 0
    assert result.failed == 0
