"""Twofold's science core: instruments, scoring, profiles, couples, factor models. No Django."""

from __future__ import annotations

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
    from twofold.core.cfa import CFA, InstrumentModel, instrument_model
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

# Factor models load SciPy's optimisers; import them on first use so that scoring starts fast.
_LAZY = {
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
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'twofold.core' has no attribute {name!r}")


__all__ = [
    "CFA",
    "PATTERNS",
    "SEM",
    "Change",
    "CoupleError",
    "CoupleResults",
    "CoupleView",
    "FitMeasures",
    "Instrument",
    "InstrumentError",
    "InstrumentModel",
    "ItemStats",
    "LintProblem",
    "Parameter",
    "PersonProfile",
    "Problem",
    "Profiles",
    "ResponseError",
    "Responses",
    "SEMConvergenceError",
    "SEMResult",
    "ScoreTable",
    "bundled_instruments",
    "couple_of",
    "couples",
    "fit_sem",
    "instrument_from_keys",
    "instrument_model",
    "lint_instrument",
    "load_instrument",
    "load_keys",
    "pair_rows",
    "parse_instrument",
    "parse_model",
    "percentile_rank",
    "profile",
    "profile_person",
    "reliable_change",
    "safety_flags",
    "score",
    "specify_model",
]
