"""Twofold's science core: instruments, scoring, profiles, couples, dyadic models, agreement.

Never imports Django.
"""

from __future__ import annotations

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
from twofold.core.instrument import (
    Instrument,
    InstrumentError,
    bundled_instruments,
    instrument_from_keys,
    load_instrument,
    load_keys,
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

__all__ = [
    "APIM",
    "GLSAPIM",
    "PATTERNS",
    "AnovaICC",
    "BootstrapInterval",
    "Change",
    "ConvergenceError",
    "CoupleError",
    "CoupleResults",
    "CoupleView",
    "DyadError",
    "Estimate",
    "GLSFit",
    "Instrument",
    "InstrumentError",
    "ItemStats",
    "Kappa",
    "LikelihoodRatioTest",
    "LintProblem",
    "PairwiseICC",
    "PersonProfile",
    "Problem",
    "Profiles",
    "ResponseError",
    "Responses",
    "SEMFit",
    "ScoreTable",
    "anova_icc",
    "bundled_instruments",
    "cohen_kappa",
    "couple_of",
    "couples",
    "cs_loglik",
    "distinguishability_tests",
    "instrument_from_keys",
    "likelihood_ratio_test",
    "lint_instrument",
    "load_instrument",
    "load_keys",
    "pair_rows",
    "pairwise_cross_correlation",
    "pairwise_icc",
    "parse_instrument",
    "partial_icc",
    "percentile_rank",
    "profile",
    "profile_person",
    "reliable_change",
    "safety_flags",
    "score",
    "to_dyad",
    "to_individual",
    "to_pairwise",
]
