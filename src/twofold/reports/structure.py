"""What a report needs to know about an instrument, read from the instrument itself.

- **Facets** are the instrument's ``profile`` (the scores compared between partners); each
  facet's **sub-facets** are the scales nested in it.
- A facet's **polarity** comes from the map axes: a facet that enters an axis composite as it is
  (``connection = mean(HD, -UI)``) is *healthy* (more is better), one that enters reversed is
  *unhealthy*.
- **Outcomes** are the remaining scales: not a facet or sub-facet, not a partner-perception scale
  (``perceives``), sharing no item with the facets (so not a short check-in form of them) and
  not made of safety items.
- The **neutral point** of a score is the middle of its range (4 on a 1-7 scale).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from twofold.core import Instrument

__all__ = ["Polarity", "Structure", "score_range", "structure_of"]

Polarity = Literal["healthy", "unhealthy"]


@dataclass(frozen=True)
class Structure:
    facets: tuple[str, ...]
    subfacets: Mapping[str, tuple[str, ...]]
    polarity: Mapping[str, Polarity]
    outcomes: tuple[str, ...]

    def facet_of(self, subfacet: str) -> str:
        for facet, children in self.subfacets.items():
            if subfacet in children:
                return facet
        raise KeyError(subfacet)

    def all_subfacets(self) -> tuple[str, ...]:
        return tuple(s for f in self.facets for s in self.subfacets[f])


def score_range(instrument: Instrument, score_id: str) -> tuple[int, int]:
    """The lowest and highest possible value of a scale or composite."""
    for s in instrument.scales:
        if s.id == score_id:
            return s.min, s.max
    for c in instrument.composites:
        if c.id == score_id:
            return c.min, c.max
    raise KeyError(f"instrument {instrument.id!r} has no score {score_id!r}")


def structure_of(instrument: Instrument) -> Structure:
    """Read facets, sub-facets, polarities and outcomes; ``ValueError`` when they are unclear."""
    if not instrument.profile:
        raise ValueError(
            f"instrument {instrument.id!r} lists no profile scores, so reports cannot tell its facets"
        )
    scales = {s.id: s for s in instrument.scales}
    facets = tuple(instrument.profile)
    problems = [f"profile score {f!r} is not a scale" for f in facets if f not in scales]
    if problems:
        raise ValueError(f"instrument {instrument.id!r}: " + "; ".join(problems))
    subfacets = {f: scales[f].children for f in facets}

    axes = () if instrument.regions is None else (instrument.regions.x, instrument.regions.y)
    signs: dict[str, set[int]] = {f: set() for f in facets}
    for composite in instrument.composites:
        if composite.id in axes:
            for part, sign in composite.components:
                if part in signs:
                    signs[part].add(sign)
    polarity: dict[str, Polarity] = {}
    for facet, found in signs.items():
        if len(found) != 1:
            raise ValueError(
                f"instrument {instrument.id!r}: facet {facet!r} must enter the map axes exactly "
                "one way (as it is, or reversed) for reports to tell whether more of it is better"
            )
        polarity[facet] = "healthy" if found == {1} else "unhealthy"

    # scales nested anywhere are parts of something else; scales re-using facet items (short
    # check-in forms) are views of the facets; neither is an outcome
    nested = set(facets) | {child for s in instrument.scales for child in s.children}
    facet_items = {item for f in facets for item in scales[f].items}
    safety_items = set(instrument.safety.items) if instrument.safety else set()
    outcomes = tuple(
        s.id
        for s in instrument.scales
        if s.id not in nested
        and s.perceives is None
        and not set(s.items) & (safety_items | facet_items)
    )
    return Structure(facets=facets, subfacets=subfacets, polarity=polarity, outcomes=outcomes)
