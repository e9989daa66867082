"""How a score reads against its neutral point, and numbers written for a language.

A score is read from its 95% interval, never from the point alone:

- ``high``: the whole interval lies above the neutral point (lower bound > neutral);
- ``low``: the whole interval lies below it (upper bound < neutral);
- ``leans_high`` / ``leans_low``: the interval contains the neutral point and the score is above /
  below it; so is a score that has no interval (no norms);
- ``middle``: the interval contains the neutral point and the score sits on it;
- ``missing``: no score (too few answers).
"""

from __future__ import annotations

from typing import Literal

from twofold.reports.texts import load_content

__all__ = ["Reading", "interval_text", "number", "percent", "read_score"]

Reading = Literal["high", "low", "leans_high", "leans_low", "middle", "missing"]


def read_score(
    value: float | None, interval: tuple[float, float] | None, neutral: float
) -> Reading:
    """Classify a score by where its 95% interval lies relative to ``neutral``."""
    if value is None:
        return "missing"
    if interval is not None:
        low, high = interval
        if low > neutral:
            return "high"
        if high < neutral:
            return "low"
    if value > neutral:
        return "leans_high"
    if value < neutral:
        return "leans_low"
    return "middle"


def number(value: float, lang: str) -> str:
    """One decimal, with the decimal mark of ``lang`` (``4.5`` / ``4,5``)."""
    text = f"{value:.1f}"
    if text == "-0.0":
        text = "0.0"
    return text.replace(".", ",") if lang == "es" else text


def interval_text(interval: tuple[float, float], lang: str) -> str:
    low, high = interval
    return load_content().phrase("interval", lang, low=number(low, lang), high=number(high, lang))


def percent(probability: float, lang: str) -> str:
    """A probability as a whole percentage; never 0% or 100% for a value that is neither."""
    value = round(probability * 100)
    if value == 0 and probability > 0:
        shown = "<1"
    elif value == 100 and probability < 1:
        shown = ">99"
    else:
        shown = str(value)
    return load_content().phrase("percent", lang, value=shown)
