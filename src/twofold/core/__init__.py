"""Twofold's science core: instruments, scoring, profiles, couples, change, and the analyses
researchers run on them (reliability, norms, factor models, dyadic models, agreement).

Never imports Django. The analysis modules load SciPy's optimisers and linear algebra, so they
are imported on first use: scoring a file starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from twofold.core.change import Change, reliable_change
from twofold.core.couples import (
    PATTERNS,
    CoupleError,
    CoupleResults,
    CoupleView,
    couple_of,
    couples,
    pair_rows,
)
from twofold.core.instrument import (
    Instrument,
    InstrumentError,
    bundled_instruments,
    instrument_from_keys,
    load_instrument,
    load_keys,
    localized,
    parse_instrument,
)
from twofold.core.itemlint import LintProblem, lint_instrument
from twofold.core.profiles import (
    PersonProfile,
    Profiles,
    percentile_rank,
    profile,
    profile_person,
    safety_flags,
)
from twofold.core.responses import ItemStats, Problem, ResponseError, Responses
from twofold.core.scoring import ScoreTable, score

if TYPE_CHECKING:
    from twofold.core.agreement import (
        AnovaICC,
        Kappa,
        PairwiseICC,
        anova_icc,
        cohen_kappa,
        pairwise_cross_correlation,
        pairwise_icc,
        partial_icc,
    )
    from twofold.core.cfa import CFA, InstrumentModel, instrument_model
    from twofold.core.dyadic import (
        APIM,
        GLSAPIM,
        BootstrapInterval,
        ConvergenceError,
        DyadError,
        Estimate,
        GLSFit,
        LikelihoodRatioTest,
        SEMFit,
        cs_loglik,
        distinguishability_tests,
        likelihood_ratio_test,
        to_dyad,
        to_individual,
        to_pairwise,
    )
    from twofold.core.efa import FactorSolution, Rotation, minres, oblimin, smc, varimax
    from twofold.core.norms import NormsBuild, build_norms, norms_spec, with_norms
    from twofold.core.reliability import (
        Alpha,
        Omega,
        ScaleCorrelations,
        alpha,
        omega,
        pairwise_cor,
        pairwise_cov,
        scale_correlations,
    )
    from twofold.core.sem import (
        SEM,
        FitMeasures,
        Parameter,
        SEMConvergenceError,
        SEMResult,
        fit_sem,
        parse_model,
        specify_model,
    )

_LAZY = {
    "AnovaICC": "twofold.core.agreement",
    "Kappa": "twofold.core.agreement",
    "PairwiseICC": "twofold.core.agreement",
    "anova_icc": "twofold.core.agreement",
    "cohen_kappa": "twofold.core.agreement",
    "pairwise_cross_correlation": "twofold.core.agreement",
    "pairwise_icc": "twofold.core.agreement",
    "partial_icc": "twofold.core.agreement",
    "APIM": "twofold.core.dyadic",
    "GLSAPIM": "twofold.core.dyadic",
    "BootstrapInterval": "twofold.core.dyadic",
    "ConvergenceError": "twofold.core.dyadic",
    "DyadError": "twofold.core.dyadic",
    "Estimate": "twofold.core.dyadic",
    "GLSFit": "twofold.core.dyadic",
    "LikelihoodRatioTest": "twofold.core.dyadic",
    "SEMFit": "twofold.core.dyadic",
    "cs_loglik": "twofold.core.dyadic",
    "distinguishability_tests": "twofold.core.dyadic",
    "likelihood_ratio_test": "twofold.core.dyadic",
    "to_dyad": "twofold.core.dyadic",
    "to_individual": "twofold.core.dyadic",
    "to_pairwise": "twofold.core.dyadic",
    "FactorSolution": "twofold.core.efa",
    "Rotation": "twofold.core.efa",
    "minres": "twofold.core.efa",
    "oblimin": "twofold.core.efa",
    "smc": "twofold.core.efa",
    "varimax": "twofold.core.efa",
    "NormsBuild": "twofold.core.norms",
    "build_norms": "twofold.core.norms",
    "norms_spec": "twofold.core.norms",
    "with_norms": "twofold.core.norms",
    "Alpha": "twofold.core.reliability",
    "Omega": "twofold.core.reliability",
    "ScaleCorrelations": "twofold.core.reliability",
    "alpha": "twofold.core.reliability",
    "omega": "twofold.core.reliability",
    "pairwise_cor": "twofold.core.reliability",
    "pairwise_cov": "twofold.core.reliability",
    "scale_correlations": "twofold.core.reliability",
    "CFA": "twofold.core.cfa",
    "InstrumentModel": "twofold.core.cfa",
    "instrument_model": "twofold.core.cfa",
    "SEM": "twofold.core.sem",
    "FitMeasures": "twofold.core.sem",
    "Parameter": "twofold.core.sem",
    "SEMConvergenceError": "twofold.core.sem",
    "SEMResult": "twofold.core.sem",
    "fit_sem": "twofold.core.sem",
    "parse_model": "twofold.core.sem",
    "specify_model": "twofold.core.sem",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'twofold.core' has no attribute {name!r}")


__all__ = [
    "APIM",
    "CFA",
    "GLSAPIM",
    "PATTERNS",
    "SEM",
    "Alpha",
    "AnovaICC",
    "BootstrapInterval",
    "Change",
    "ConvergenceError",
    "CoupleError",
    "CoupleResults",
    "CoupleView",
    "DyadError",
    "Estimate",
    "FactorSolution",
    "FitMeasures",
    "GLSFit",
    "Instrument",
    "InstrumentError",
    "InstrumentModel",
    "ItemStats",
    "Kappa",
    "LikelihoodRatioTest",
    "LintProblem",
    "NormsBuild",
    "Omega",
    "PairwiseICC",
    "Parameter",
    "PersonProfile",
    "Problem",
    "Profiles",
    "ResponseError",
    "Responses",
    "Rotation",
    "SEMConvergenceError",
    "SEMFit",
    "SEMResult",
    "ScaleCorrelations",
    "ScoreTable",
    "alpha",
    "anova_icc",
    "build_norms",
    "bundled_instruments",
    "cohen_kappa",
    "couple_of",
    "couples",
    "cs_loglik",
    "distinguishability_tests",
    "fit_sem",
    "instrument_from_keys",
    "instrument_model",
    "likelihood_ratio_test",
    "lint_instrument",
    "load_instrument",
    "load_keys",
    "localized",
    "minres",
    "norms_spec",
    "oblimin",
    "omega",
    "pair_rows",
    "pairwise_cor",
    "pairwise_cov",
    "pairwise_cross_correlation",
    "pairwise_icc",
    "parse_instrument",
    "parse_model",
    "partial_icc",
    "percentile_rank",
    "profile",
    "profile_person",
    "reliable_change",
    "safety_flags",
    "scale_correlations",
    "score",
    "smc",
    "specify_model",
    "to_dyad",
    "to_individual",
    "to_pairwise",
    "varimax",
    "with_norms",
]
