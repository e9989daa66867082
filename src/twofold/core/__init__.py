"""Twofold's science core: instruments, scoring, profiles, couples. Never imports Django."""

from __future__ import annotations

from twofold.core.change import Change, reliable_change
from twofold.core.couples import PATTERNS, CoupleError, CoupleResults, couples, pair_rows
from twofold.core.instrument import (
    Instrument,
    InstrumentError,
    bundled_instruments,
    instrument_from_keys,
    load_instrument,
    load_keys,
    parse_instrument,
)
from twofold.core.profiles import Profiles, percentile_rank, profile, safety_flags
from twofold.core.responses import ItemStats, Problem, ResponseError, Responses
from twofold.core.scoring import ScoreTable, score

__all__ = [
    "PATTERNS",
    "Change",
    "CoupleError",
    "CoupleResults",
    "Instrument",
    "InstrumentError",
    "ItemStats",
    "Problem",
    "Profiles",
    "ResponseError",
    "Responses",
    "ScoreTable",
    "bundled_instruments",
    "couples",
    "instrument_from_keys",
    "load_instrument",
    "load_keys",
    "pair_rows",
    "parse_instrument",
    "percentile_rank",
    "profile",
    "reliable_change",
    "safety_flags",
    "score",
]
