"""Twofold's science core: instruments, scoring, profiles, couples, reliability, norms.

Never imports Django.
"""

from __future__ import annotations

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
from twofold.core.efa import FactorSolution, Rotation, minres, oblimin, smc, varimax
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
from twofold.core.norms import NormsBuild, build_norms, norms_spec, with_norms
from twofold.core.profiles import (
    PersonProfile,
    Profiles,
    percentile_rank,
    profile,
    profile_person,
    safety_flags,
)
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
from twofold.core.responses import ItemStats, Problem, ResponseError, Responses
from twofold.core.scoring import ScoreTable, score

__all__ = [
    "PATTERNS",
    "Alpha",
    "Change",
    "CoupleError",
    "CoupleResults",
    "CoupleView",
    "FactorSolution",
    "Instrument",
    "InstrumentError",
    "ItemStats",
    "LintProblem",
    "NormsBuild",
    "Omega",
    "PersonProfile",
    "Problem",
    "Profiles",
    "ResponseError",
    "Responses",
    "Rotation",
    "ScaleCorrelations",
    "ScoreTable",
    "alpha",
    "build_norms",
    "bundled_instruments",
    "couple_of",
    "couples",
    "instrument_from_keys",
    "lint_instrument",
    "load_instrument",
    "load_keys",
    "minres",
    "norms_spec",
    "oblimin",
    "omega",
    "pair_rows",
    "pairwise_cor",
    "pairwise_cov",
    "parse_instrument",
    "percentile_rank",
    "profile",
    "profile_person",
    "reliable_change",
    "safety_flags",
    "scale_correlations",
    "score",
    "smc",
    "varimax",
    "with_norms",
]
