"""Twofold's science core: instruments, scoring, profiles, couples. Never imports Django."""

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
    "PATTERNS",
    "Change",
    "CoupleError",
    "CoupleResults",
    "CoupleView",
    "Instrument",
    "InstrumentError",
    "ItemStats",
    "LintProblem",
    "PersonProfile",
    "Problem",
    "Profiles",
    "ResponseError",
    "Responses",
    "ScoreTable",
    "bundled_instruments",
    "couple_of",
    "couples",
    "instrument_from_keys",
    "lint_instrument",
    "load_instrument",
    "load_keys",
    "pair_rows",
    "parse_instrument",
    "percentile_rank",
    "profile",
    "profile_person",
    "reliable_change",
    "safety_flags",
    "score",
]
