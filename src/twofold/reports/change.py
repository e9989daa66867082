"""Change over time: each facet across a person's occasions, and whether it changed reliably.

An **occasion** is a finished full questionnaire or a finished check-in. A check-in asks one
question per sub-facet, so it is scored on the instrument's short check-in scales (``HD_checkin``
…: the check-in items of one facet), never on the full facets. The full questionnaire holds the
same items, so it is scored on the check-in scales too: change is read on them, like with like,
while the full facet score (more items, a narrower interval) is shown beside it.

Which statement is made for a facet (first occasion with a score against the latest):

- fewer than two occasions with a check-in-scale score: *too early to tell*;
- no norm for the check-in scale (so no standard error): *cannot be told*;
- otherwise the reliable change index of :func:`twofold.core.reliable_change` with the scale's
  SEM from the instrument's norms: ``|RCI| >= 1.96`` is a reliable change, *for the better* when
  it goes the healthy way of the facet (up for healthy facets, down for unhealthy ones, the
  polarity read by :func:`~twofold.reports.structure.structure_of`), *for the worse* otherwise;
  anything smaller is *no reliable change*.

The dates arrive already written for the reader (the caller knows their calendar); nothing here
computes a statistic of its own. The words are in ``content/change.yaml``, checked on load like
the other report content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from twofold.core import Instrument, PersonProfile, reliable_change
from twofold.core.change import RELIABLE_Z
from twofold.reports.change_texts import change_text
from twofold.reports.charts import Chart
from twofold.reports.readings import number
from twofold.reports.safety import Resource, support_resources
from twofold.reports.structure import Polarity, structure_of
from twofold.reports.texts import language, load_content
from twofold.reports.timeline import Kind, Point, timeline_chart

__all__ = [
    "ChangeReport",
    "FacetChange",
    "Occasion",
    "Point",
    "Verdict",
    "change_report",
    "checkin_scales",
]

Verdict = Literal["better", "worse", "none", "too_few", "unknown"]

# --------------------------------------------------------------------------------------------
# What is compared
# --------------------------------------------------------------------------------------------


def checkin_scales(instrument: Instrument) -> dict[str, str]:
    """Each facet's check-in scale: the scale made of exactly the facet's check-in items.

    Empty when the instrument has no ``checkin`` form; ``ValueError`` when a facet's check-in
    items make no scale (a check-in could then not be scored on that facet).
    """
    if not any(f.id == "checkin" for f in instrument.forms):
        return {}
    layout = structure_of(instrument)
    asked = set(instrument.form("checkin").items)
    scales = {s.id: s for s in instrument.scales}
    found: dict[str, str] = {}
    problems = []
    for facet in layout.facets:
        wanted = set(scales[facet].items) & asked
        match = [
            s.id
            for s in instrument.scales
            if s.id != facet and s.perceives is None and set(s.items) == wanted and wanted
        ]
        if len(match) != 1:
            problems.append(
                f"facet {facet!r}: {len(match)} scales are made of its check-in items "
                f"({', '.join(sorted(wanted)) or 'none'}); exactly one is needed"
            )
        else:
            found[facet] = match[0]
    if problems:
        raise ValueError(f"instrument {instrument.id!r}: " + "; ".join(problems))
    return found


@dataclass(frozen=True)
class Occasion:
    """A finished questionnaire or check-in; ``date`` is written for the reader already."""

    date: str
    kind: Kind
    person: PersonProfile


@dataclass(frozen=True)
class FacetChange:
    """A facet over time and the reading of its change from the first occasion to the latest."""

    facet: str
    label: str
    polarity: Polarity
    points: tuple[Point, ...]
    verdict: Verdict
    verdict_label: str
    statement: str
    first: Point | None
    latest: Point | None
    rci: float | None
    needed: float | None  # the smallest difference that counts as reliable
    chart: Chart


@dataclass(frozen=True)
class ChangeReport:
    facets: tuple[FacetChange, ...]
    occasions: int
    notes: tuple[str, ...]
    safety: tuple[Resource, ...]  # only when the latest occasion raised a safety concern


def _point(k: int, occasion: Occasion, facet: str, scale: str) -> Point:
    person = occasion.person
    full = occasion.kind == "questionnaire"
    return Point(
        occasion=k,
        date=occasion.date,
        kind=occasion.kind,
        value=person.scores.get(scale),
        interval=person.intervals.get(scale),
        full_value=person.scores.get(facet) if full else None,
        full_interval=person.intervals.get(facet) if full else None,
    )


def _reading(
    points: Sequence[Point], polarity: Polarity, sem: float | None, lang: str
) -> tuple[Verdict, str, Point | None, Point | None, float | None, float | None]:
    scored = [p for p in points if p.value is not None]
    if len(scored) < 2:
        return "too_few", change_text("change_too_few", lang), None, None, None, None
    first, latest = scored[0], scored[-1]
    if sem is None:
        return "unknown", change_text("change_unknown", lang), first, latest, None, None
    before, after = first.value, latest.value
    if before is None or after is None:  # pragma: no cover - scored above
        raise AssertionError("first and latest are scored")
    change = reliable_change([before], [after], sem=sem)
    rci = float(change.rci[0])
    direction = int(change.direction[0])
    needed = RELIABLE_Z * sem * 2**0.5
    values = {
        "first": number(before, lang),
        "first_date": first.date,
        "latest": number(after, lang),
        "latest_date": latest.date,
    }
    healthy_way = 1 if polarity == "healthy" else -1
    verdict: Verdict
    if direction == 0:
        verdict, key = "none", "change_none"
    else:
        verdict = "better" if direction == healthy_way else "worse"
        key = "change_up" if direction > 0 else "change_down"
    sentences = [
        change_text(key, lang, **values),
        change_text("change_needed", lang, needed=number(needed, lang)),
        change_text("healthier_more" if polarity == "healthy" else "healthier_less", lang),
    ]
    return verdict, " ".join(sentences), first, latest, rci, needed


def change_report(occasions: Sequence[Occasion], instrument: Instrument, lang: str) -> ChangeReport:
    """Read each facet across ``occasions`` (oldest first) and chart it.

    ``ValueError`` when there is no occasion, or when the instrument has no check-in scales.
    """
    lang = language(lang)
    if not occasions:
        raise ValueError("occasions is empty: change needs at least one finished occasion")
    scales = checkin_scales(instrument)
    if not scales:
        raise ValueError(f"instrument {instrument.id!r} has no check-in form to follow change")
    layout = structure_of(instrument)
    facets = []
    for facet in layout.facets:
        scale = scales[facet]
        points = tuple(_point(k, o, facet, scale) for k, o in enumerate(occasions, start=1))
        sem = occasions[-1].person.sem.get(scale)
        verdict, statement, first, latest, rci, needed = _reading(
            points, layout.polarity[facet], sem, lang
        )
        label = instrument.label(facet, lang)
        facets.append(
            FacetChange(
                facet=facet,
                label=label,
                polarity=layout.polarity[facet],
                points=points,
                verdict=verdict,
                verdict_label=change_text(f"verdict_{verdict}", lang),
                statement=statement,
                first=first,
                latest=latest,
                rci=rci,
                needed=needed,
                chart=timeline_chart(points, instrument, facet, lang),
            )
        )
    first_facet = layout.facets[0]
    notes = [
        change_text("note_ranges", lang),
        change_text(
            "note_like_with_like",
            lang,
            n=len(instrument.scale(scales[first_facet]).items),
            m=len(instrument.scale(first_facet).items),
        ),
        change_text("note_reliable", lang, z=_z_text(lang)),
        change_text("note_not_why", lang),
        change_text("note_week", lang),
    ]
    if instrument.norms_provisional:
        notes.append(load_content().phrase("caveat_provisional", lang))
    latest_safety = occasions[-1].person.safety
    return ChangeReport(
        facets=tuple(facets),
        occasions=len(occasions),
        notes=tuple(notes),
        safety=tuple(support_resources(lang)) if latest_safety else (),
    )


def _z_text(lang: str) -> str:
    text = f"{RELIABLE_Z:.2f}"
    return text.replace(".", ",") if lang == "es" else text
