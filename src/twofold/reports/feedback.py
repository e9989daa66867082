"""The individual report: what one person reads about their own results.

Which statements are made (the rule; ``readings.py`` defines the readings):

- Each facet and sub-facet is read from its 95% interval against the neutral point, the middle
  of the scale (4 on 1-7). Only a *clear* score - the whole interval above the neutral point
  (``high``) or below it (``low``) - yields a statement of strength or growth edge:

  ============  ====================  ====================
  polarity      interval above 4      interval below 4
  ============  ====================  ====================
  healthy       strength              growth edge
  unhealthy     growth edge           strength
  ============  ====================  ====================

  A score whose interval contains the neutral point is never a strength or a growth edge; its
  description says it *leans* one way or is *mixed*, and that it is a tendency. A missing score
  says only that too few questions were answered.
- Sub-facets rest on few items: their statements are worded tentatively ("Your answers suggest
  ... may ..."), and a sub-facet item is left out when its facet already makes the same kind of
  item (the facet's statement covers it).
- Strengths come first, then growth edges; within each, facets before sub-facets, in the
  instrument's order. Each item carries one practice for the coming week and one question for
  the couple, from the content files.
- When the person's answers raised a safety concern, support resources are added and every
  practice and question is replaced by one that does not involve the partner: exercises that
  assume a safe relationship are withheld (model §6).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from twofold.core import PersonProfile
from twofold.core.instrument import localized
from twofold.reports.charts import Chart, balance_map, facet_chart, map_point
from twofold.reports.readings import Reading, interval_text, percent, read_score
from twofold.reports.safety import Resource, support_resources
from twofold.reports.structure import Polarity, Structure, score_range, structure_of
from twofold.reports.texts import OutcomeSpec, ScoreSpec, check_instrument, language, load_content

__all__ = [
    "FeedbackItem",
    "IndividualReport",
    "RegionChance",
    "RegionReading",
    "ScoreReading",
    "individual_report",
]

# A point whose own region is less than "likely" (the probability bands) is "near a line".
NEAR_LINE = 0.66
# No region is more likely than not: the point is read as the centre of the map (the id of
# the RegionReading; its chances still list every region).
CENTRE = "centre"
CENTRE_AT_MOST = 0.5
# Scales with fewer items than this are called rough in the caveats.
ROUGH_BELOW = 5


@dataclass(frozen=True)
class FeedbackItem:
    """A strength or growth edge, tied to one of the person's scores."""

    score_id: str
    label: str
    value: float
    interval: tuple[float, float]
    statement: str
    practice: str
    question: str
    kind: Literal["facet", "subfacet"]


@dataclass(frozen=True)
class ScoreReading:
    """A facet, sub-facet or outcome: its score and what the score says, in words.

    ``about`` says what the score is about; ``description`` what this person's score says.
    ``interval_text`` is the 95% interval in words ("4.6 to 5.8"), empty when there is none.
    """

    id: str
    label: str
    value: float | None
    interval: tuple[float, float] | None
    interval_text: str
    about: str
    description: str
    reading: Reading
    tentative: bool
    polarity: Polarity | None
    facet: str | None = None


@dataclass(frozen=True)
class RegionChance:
    """The chance that the person's true point lies in one region."""

    id: str
    name: str
    label: str
    probability: float
    percent: str
    words: str
    text: str


@dataclass(frozen=True)
class RegionReading:
    """The map area the person's point falls in, what it means, and how sure that is.

    ``label`` is the instrument's label (for a heading); ``name`` the short name that the map
    and the sentences use.
    """

    id: str
    name: str
    label: str
    description: str
    probability: float
    summary: str
    chances: tuple[RegionChance, ...]


@dataclass(frozen=True)
class IndividualReport:
    """Everything the person's own results page shows. ``safety`` is empty unless needed."""

    lang: str
    region: RegionReading | None
    map_chart: Chart | None
    facet_chart: Chart
    subfacet_chart: Chart
    facets: tuple[ScoreReading, ...]
    subfacets: tuple[ScoreReading, ...]
    strengths: tuple[FeedbackItem, ...]
    growth_edges: tuple[FeedbackItem, ...]
    outcomes: tuple[ScoreReading, ...]
    caveats: tuple[str, ...]
    safety: tuple[Resource, ...]
    joint_exercises: bool


def checked_structure(person: PersonProfile) -> Structure:
    """The instrument's structure, after checking the content covers it."""
    problems = check_instrument(person.instrument)
    if problems:
        raise ValueError(
            f"cannot report on instrument {person.instrument.id!r}:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return structure_of(person.instrument)


def individual_report(person: PersonProfile, lang: str) -> IndividualReport:
    """Build the person's own report in ``lang`` (``"en"`` or ``"es"``)."""
    lang = language(lang)
    if not isinstance(person, PersonProfile):
        raise TypeError(f"person must be a PersonProfile, not {type(person).__name__}")
    content = load_content()
    layout = checked_structure(person)
    instrument = person.instrument
    safe = person.safety is not True

    subfacets = tuple(
        _read(
            person,
            sid,
            content.subfacets[sid],
            layout.polarity[fid],
            lang,
            tentative=True,
            facet=fid,
        )
        for fid in layout.facets
        for sid in layout.subfacets[fid]
    )
    facets = tuple(
        _built_from_parts(
            _read(person, fid, content.facets[fid], layout.polarity[fid], lang, tentative=False),
            [r for r in subfacets if r.facet == fid],
            lang,
        )
        for fid in layout.facets
    )
    strengths: list[FeedbackItem] = []
    edges: list[FeedbackItem] = []
    for reading in (*facets, *subfacets):
        kind = _kind(reading)
        if kind is None or reading.value is None or reading.interval is None:
            continue
        target = strengths if kind == "strength" else edges
        if reading.facet is not None and any(item.score_id == reading.facet for item in target):
            continue
        spec = content.facets.get(reading.id) or content.subfacets[reading.id]
        advice = spec.strength if kind == "strength" else spec.growth
        target.append(
            FeedbackItem(
                score_id=reading.id,
                label=reading.label,
                value=reading.value,
                interval=reading.interval,
                statement=reading.description,
                practice=advice.practice[lang] if safe else content.phrase("safe_practice", lang),
                question=advice.question[lang] if safe else content.phrase("safe_question", lang),
                kind="facet" if reading.facet is None else "subfacet",
            )
        )

    outcomes = tuple(
        _read(person, oid, content.outcomes[oid], "healthy", lang, tentative=False)
        for oid in layout.outcomes
        if person.scores.get(oid) is not None
    )

    region = _region(person, lang)
    map_chart = None
    if region is not None:
        map_chart = balance_map([map_point(person, content.phrase("you", lang))], instrument, lang)

    caveats = [content.phrase("caveat_snapshot", lang)]
    if instrument.norms_provisional:
        caveats.append(content.phrase("caveat_provisional", lang))
    sizes = [person.n_items[s.id] for s in subfacets]
    if sizes and min(sizes) < ROUGH_BELOW:
        caveats.append(content.phrase("caveat_subfacets_rough", lang, n=str(max(sizes))))
    if any(r.reading == "missing" for r in (*facets, *subfacets)):
        caveats.append(content.phrase("caveat_missing", lang))
    for reason in person.response_style:
        caveats.append(content.phrase(f"caveat_style_{reason}", lang))
    if region is None and not person.response_style:
        caveats.append(content.phrase("caveat_no_region", lang))
    elif region is not None and region.id != CENTRE and region.probability < NEAR_LINE:
        caveats.append(content.phrase("caveat_near_line", lang))
    scored = any(r.reading != "missing" for r in (*facets, *subfacets))
    if scored and not strengths and not edges:
        caveats.append(content.phrase("caveat_nothing_clear", lang))

    return IndividualReport(
        lang=lang,
        region=region,
        map_chart=map_chart,
        facet_chart=facet_chart(person, instrument, lang),
        subfacet_chart=facet_chart(person, instrument, lang, subfacets=True),
        facets=facets,
        subfacets=subfacets,
        strengths=tuple(strengths),
        growth_edges=tuple(edges),
        outcomes=outcomes,
        caveats=tuple(caveats),
        safety=tuple(support_resources(lang)) if person.safety else (),
        joint_exercises=safe,
    )


def _built_from_parts(facet: ScoreReading, parts: list[ScoreReading], lang: str) -> ScoreReading:
    """A facet's statement may speak for all of it only when every sub-facet reads the same way.

    A clear facet ("high"/"low") with any sub-facet that is mixed, leans, reads the other way
    or is missing gets a statement naming the parts that agree and the parts that do not,
    instead of the facet's blanket sentence (which would contradict a sub-facet's own reading).
    """
    if facet.reading not in ("high", "low") or not parts:
        return facet
    agree = [p.label for p in parts if p.reading == facet.reading]
    others = [p.label for p in parts if p.reading != facet.reading]
    if not others:
        return facet
    content = load_content()
    key = f"facet_partly_{facet.reading}"
    description = content.phrase(
        key,
        lang,
        facet=facet.label,
        clear=_and(agree, lang) if agree else content.phrase("facet_no_part_clear", lang),
        others=_and(others, lang),
    )
    return replace(facet, description=description)


def _and(labels: list[str], lang: str) -> str:
    open_, close = ("“", "”") if lang == "en" else ("«", "»")
    quoted = [f"{open_}{label[:1].lower()}{label[1:]}{close}" for label in labels]
    if len(quoted) == 1:
        return quoted[0]
    joiner = load_content().phrase("list_and", lang)
    return ", ".join(quoted[:-1]) + f" {joiner} " + quoted[-1]


def _kind(reading: ScoreReading) -> Literal["strength", "growth"] | None:
    if reading.reading not in ("high", "low"):
        return None
    more_is_better = reading.polarity == "healthy"
    return "strength" if (reading.reading == "high") == more_is_better else "growth"


def _read(
    person: PersonProfile,
    score_id: str,
    spec: ScoreSpec | OutcomeSpec,
    polarity: Polarity,
    lang: str,
    *,
    tentative: bool,
    facet: str | None = None,
) -> ScoreReading:
    content = load_content()
    lo, hi = score_range(person.instrument, score_id)
    value = person.scores.get(score_id)
    interval = person.intervals.get(score_id) if value is not None else None
    reading = read_score(value, interval, (lo + hi) / 2)
    if reading == "high":
        description = spec.high[lang]
    elif reading == "low":
        description = spec.low[lang]
    else:
        description = content.phrase(f"reading_{reading}", lang)
    return ScoreReading(
        id=score_id,
        label=person.instrument.label(score_id, lang),
        value=value,
        interval=interval,
        interval_text=interval_text(interval, lang) if interval is not None else "",
        about=spec.about[lang],
        description=description,
        reading=reading,
        tentative=tentative,
        polarity=polarity if isinstance(spec, ScoreSpec) else None,
        facet=facet,
    )


def _region(person: PersonProfile, lang: str) -> RegionReading | None:
    regions = person.instrument.regions
    if regions is None or person.region is None:
        return None
    content = load_content()
    chances = []
    for region in regions.regions:
        p = person.region_probabilities[region.id]
        name = content.regions[region.id].name[lang]
        words = content.band("probability", p, lang)
        shown = percent(p, lang)
        chances.append(
            RegionChance(
                id=region.id,
                name=name,
                label=localized(region.label, lang),
                probability=p,
                percent=shown,
                words=words,
                text=content.phrase("region_chance", lang, region=name, percent=shown, words=words),
            )
        )
    best = max(chances, key=lambda c: c.probability)
    if best.probability <= CENTRE_AT_MOST:
        # Ties at a cut included (all four at 25%): never name an area that is not likely.
        return RegionReading(
            id=CENTRE,
            name=content.phrase("region_centre_name", lang),
            label=content.phrase("region_centre_name", lang),
            description=content.phrase("region_centre_description", lang),
            probability=best.probability,
            summary=content.phrase("region_centre_summary", lang, percent=best.percent),
            chances=tuple(chances),
        )
    mine = best
    return RegionReading(
        id=mine.id,
        name=mine.name,
        label=mine.label,
        description=content.regions[mine.id].description[lang],
        probability=mine.probability,
        summary=content.phrase(
            "region_summary", lang, region=mine.name, percent=mine.percent, words=mine.words
        ),
        chances=tuple(chances),
    )
