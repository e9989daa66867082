"""Everything a report says, loaded from the YAML files in ``reports/content/`` and checked.

The words are data, not code: ``scores.yaml`` (facets, sub-facets, outcomes), ``regions.yaml``,
``patterns.yaml``, ``phrases.yaml`` (the fixed sentences and labels of the reports and charts,
with the bands that turn numbers into words) and ``resources.yaml`` (support resources). Loading
checks the shape with pydantic and the meaning with our own checks, collects *every* problem
and raises one :class:`ContentError`: each text must exist and be non-empty in every language
of :data:`LANGUAGES`, each phrase must use only the placeholders its sentence is given, bands
must be ordered and end with a catch-all, and every pattern has exactly three prompts.

:func:`check_instrument` then checks the content against an instrument: every facet, sub-facet,
outcome and region of the instrument has its texts, and each facet's polarity agrees with the
sign the instrument gives it in its map axes.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twofold.core import PATTERNS, Instrument
from twofold.reports.structure import structure_of

__all__ = [
    "LANGUAGES",
    "PHRASES",
    "Content",
    "ContentError",
    "check_instrument",
    "language",
    "load_content",
]

LANGUAGES = ("en", "es")

# Every phrase the code uses, with the placeholders it fills in. A phrase may use fewer.
PHRASES: dict[str, frozenset[str]] = {
    key: frozenset(names)
    for key, names in {
        # numbers
        "interval": ("low", "high"),
        "percent": ("value",),
        # readings of a score against the neutral point
        "reading_leans_high": (),
        "reading_leans_low": (),
        "reading_middle": (),
        "reading_missing": (),
        # the region
        "region_summary": ("region", "percent", "words"),
        "region_chance": ("region", "percent", "words"),
        "facet_partly_high": ("facet", "clear", "others"),
        "facet_partly_low": ("facet", "clear", "others"),
        "facet_no_part_clear": (),
        "region_centre_name": (),
        "region_centre_summary": ("percent",),
        "region_centre_description": (),
        # caveats
        "caveat_snapshot": (),
        "caveat_provisional": (),
        "caveat_subfacets_rough": ("n",),
        "caveat_missing": (),
        "caveat_nothing_clear": (),
        "caveat_near_line": (),
        "caveat_no_region": (),
        "caveat_style_acquiescence": (),
        "caveat_style_straight_lining": (),
        # replaces practices and questions when a safety concern was raised
        "safe_practice": (),
        "safe_question": (),
        # charts
        "you": (),
        "neutral_line": ("value",),
        "map_title_one": (),
        "map_title_two": (),
        "map_desc_intro": ("x", "y"),
        "map_desc_cuts": ("x", "y", "x_cut", "y_cut"),
        "map_desc_regions": ("top_left", "top_right", "bottom_left", "bottom_right"),
        "map_desc_point": ("name", "x", "x_value", "x_interval", "y", "y_value", "y_interval"),
        "map_desc_marker": ("name", "shape"),
        "shape_circle": (),
        "shape_square": (),
        "map_caption": (),
        "map_col_person": (),
        "map_col_interval": ("axis",),
        "facet_title": (),
        "subfacet_title": (),
        "facet_desc_intro": ("low", "high", "neutral"),
        "facet_desc_item": ("label", "value", "interval"),
        "facet_desc_missing": ("label",),
        "facet_desc_unhealthy": ("labels",),
        "facet_caption": (),
        "subfacet_caption": (),
        "col_facet": (),
        "col_subfacet": (),
        "col_score": (),
        "col_lower": (),
        "col_upper": (),
        "not_scored": (),
        "list_and": (),
        # couple report
        "pattern_missing": (),
        "pattern_withheld_style": (),
        "distance_missing": (),
        "similarity_missing": (),
        "understanding_mine": ("partner", "facet", "words"),
        "understanding_theirs": ("partner", "facet", "words"),
        "understanding_note": (),
        "understanding_none": ("partner",),
    }.items()
}

BANDS = ("probability", "distance", "similarity", "view_gap_more", "view_gap_less")
BAND_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "probability": frozenset(),
    "distance": frozenset({"partner"}),
    "similarity": frozenset({"partner"}),
    "view_gap_more": frozenset(),
    "view_gap_less": frozenset(),
}

Text = dict[str, str]


class ContentError(ValueError):
    """Report content that is incomplete or malformed; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AdviceSpec(_Spec):
    practice: Text
    question: Text


class ScoreSpec(_Spec):
    """Texts for a facet or sub-facet: what it is, what a clear high or low score says."""

    polarity: Literal["healthy", "unhealthy"] | None = None
    about: Text
    high: Text
    low: Text
    strength: AdviceSpec
    growth: AdviceSpec


class OutcomeSpec(_Spec):
    about: Text
    high: Text
    low: Text


class ScoresFile(_Spec):
    facets: dict[str, ScoreSpec]
    subfacets: dict[str, ScoreSpec]
    outcomes: dict[str, OutcomeSpec]


class RegionSpec(_Spec):
    name: Text
    description: Text


class PatternSpec(_Spec):
    label: Text
    meaning: Text
    prompts: list[Text]


class BandSpec(_Spec):
    from_: float | None = Field(alias="from")
    text: Text


class PhrasesFile(_Spec):
    phrases: dict[str, Text]
    bands: dict[str, list[BandSpec]]


class ResourceSpec(_Spec):
    title: Text
    text: Text
    reach: Text


class ResourcesFile(_Spec):
    resources: list[ResourceSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Content:
    """All report texts, validated. Look texts up with the helpers, not the raw mappings."""

    facets: Mapping[str, ScoreSpec]
    subfacets: Mapping[str, ScoreSpec]
    outcomes: Mapping[str, OutcomeSpec]
    regions: Mapping[str, RegionSpec]
    patterns: Mapping[str, PatternSpec]
    phrases: Mapping[str, Text]
    bands: Mapping[str, tuple[BandSpec, ...]]
    resources: tuple[ResourceSpec, ...]

    def phrase(self, key: str, lang: str, **values: object) -> str:
        """The phrase ``key`` in ``lang`` with its placeholders filled in."""
        return fill(self.phrases[key][lang], values)

    def band(self, name: str, value: float, lang: str, **values: object) -> str:
        """The words for ``value``: the first band whose ``from`` is at or below it."""
        for band in self.bands[name]:
            if band.from_ is None or value >= band.from_:
                return fill(band.text[lang], values)
        raise AssertionError("validated bands end with a catch-all")  # pragma: no cover

    def text_nodes(self) -> Iterator[tuple[str, Text]]:
        """Every ``{language: text}`` mapping with where it is (``"facet HD about"``)."""
        sections: list[tuple[str, Mapping[str, Any]]] = [
            ("facet", self.facets),
            ("subfacet", self.subfacets),
            ("outcome", self.outcomes),
            ("region", self.regions),
            ("pattern", self.patterns),
            ("phrase", self.phrases),
        ]
        for kind, entries in sections:
            for key, entry in entries.items():
                yield from _walk(f"{kind} {key}", entry)
        for name, bands in self.bands.items():
            for k, band in enumerate(bands):
                yield from _walk(f"band {name}[{k + 1}]", band.text)
        for k, resource in enumerate(self.resources):
            yield from _walk(f"resource {k + 1}", resource)

    def texts(self) -> Iterator[tuple[str, str, str]]:
        """Every text as ``(where, language, text)``, for checks over all content."""
        for where, node in self.text_nodes():
            for lang, text in node.items():
                yield where, lang, text


def _walk(where: str, node: Any) -> Iterator[tuple[str, Text]]:
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(f"{where} {name}", getattr(node, name))
    elif isinstance(node, list):
        for k, child in enumerate(node):
            yield from _walk(f"{where}[{k + 1}]", child)
    elif isinstance(node, dict):
        yield where, node


def fill(template: str, values: Mapping[str, object]) -> str:
    """Fill ``{name}`` placeholders; values are inserted as they are (never re-parsed)."""
    return template.format_map(values)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def language(lang: str) -> str:
    """Map ``"es-MX"`` to ``"es"``; raise ``ValueError`` naming ``lang`` when unsupported."""
    if not isinstance(lang, str):
        raise TypeError(f"lang must be a language code such as 'en', not {type(lang).__name__}")
    base = lang.strip().lower().replace("_", "-").split("-")[0]
    if base not in LANGUAGES:
        raise ValueError(f"lang {lang!r} is not supported; use one of {', '.join(LANGUAGES)}")
    return base


# --------------------------------------------------------------------------------------------
# Loading and checking
# --------------------------------------------------------------------------------------------

_PACKAGE = "twofold.reports.content"


def _read(name: str) -> Any:
    text = resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContentError(name, [f"not valid YAML: {exc}"]) from None


def _parse(model: type[_Spec], name: str, raw: Any, problems: list[str]) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            where = " > ".join(str(p) for p in err["loc"]) or "top level"
            problems.append(f"{name}: {where}: {err['msg']}")
        return None


@cache
def load_content() -> Content:
    """Load and check all content once; raise :class:`ContentError` listing every problem."""
    problems: list[str] = []
    scores = _parse(ScoresFile, "scores.yaml", _read("scores.yaml"), problems)
    regions_raw = _read("regions.yaml")
    regions: dict[str, RegionSpec] = {}
    if not isinstance(regions_raw, dict):
        problems.append("regions.yaml: must map region ids to their texts")
    else:
        for rid, raw in regions_raw.items():
            parsed = _parse(RegionSpec, f"regions.yaml {rid}", raw, problems)
            if parsed is not None:
                regions[rid] = parsed
    patterns_raw = _read("patterns.yaml")
    patterns: dict[str, PatternSpec] = {}
    if not isinstance(patterns_raw, dict):
        problems.append("patterns.yaml: must map pattern ids to their texts")
    else:
        for pid, raw in patterns_raw.items():
            parsed = _parse(PatternSpec, f"patterns.yaml {pid}", raw, problems)
            if parsed is not None:
                patterns[pid] = parsed
    phrases = _parse(PhrasesFile, "phrases.yaml", _read("phrases.yaml"), problems)
    support = _parse(ResourcesFile, "resources.yaml", _read("resources.yaml"), problems)
    if problems:
        raise ContentError("report content", problems)
    content = Content(
        facets=scores.facets,
        subfacets=scores.subfacets,
        outcomes=scores.outcomes,
        regions=regions,
        patterns=patterns,
        phrases=phrases.phrases,
        bands={name: tuple(bands) for name, bands in phrases.bands.items()},
        resources=tuple(support.resources),
    )
    problems = _check_meaning(content)
    if problems:
        raise ContentError("report content", problems)
    return content


def _check_meaning(content: Content) -> list[str]:
    problems: list[str] = []
    for where, node in content.text_nodes():
        missing = [lang for lang in LANGUAGES if not node.get(lang, "").strip()]
        if missing:
            problems.append(f"{where}: text missing for language(s) {', '.join(missing)}")
        extra = sorted(set(node) - set(LANGUAGES))
        if extra:
            problems.append(f"{where}: language(s) {', '.join(extra)} not supported")
        kind, key = where.split(" ")[:2]
        if kind == "phrase":
            allowed = PHRASES.get(key, frozenset())
        elif kind == "band":
            allowed = BAND_PLACEHOLDERS.get(key.split("[")[0], frozenset())
        else:
            allowed = frozenset()  # fixed texts take no placeholders
        for lang, text in node.items():
            try:
                used = placeholders(text)
            except ValueError as exc:
                problems.append(f"{where} ({lang}): broken braces ({exc})")
                continue
            unknown = sorted(used - allowed)
            if unknown:
                problems.append(f"{where} ({lang}): unknown placeholder(s) {', '.join(unknown)}")

    for key in sorted(set(PHRASES) - set(content.phrases)):
        problems.append(f"phrase {key!r} is missing")
    for key in sorted(set(content.phrases) - set(PHRASES)):
        problems.append(f"phrase {key!r} is not used by the reports (misspelt?)")
    for name in BANDS:
        bands = content.bands.get(name)
        if not bands:
            problems.append(f"bands {name!r} are missing")
            continue
        if bands[-1].from_ is not None:
            problems.append(f"bands {name!r}: the last band must have 'from: null' (otherwise)")
        starts = [b.from_ for b in bands[:-1]]
        if any(s is None for s in starts):
            problems.append(f"bands {name!r}: only the last band may have 'from: null'")
        elif any(a <= b for a, b in itertools.pairwise(starts)):  # type: ignore[operator]
            problems.append(f"bands {name!r}: 'from' values must decrease")
    for name in sorted(set(content.bands) - set(BANDS)):
        problems.append(f"bands {name!r} are not used by the reports (misspelt?)")

    for pid in PATTERNS:
        if pid not in content.patterns:
            problems.append(f"pattern {pid!r}: no texts")
    for pid, pattern in content.patterns.items():
        if pid not in PATTERNS:
            problems.append(f"pattern {pid!r}: not a couple pattern ({', '.join(PATTERNS)})")
        if len(pattern.prompts) != 3:
            problems.append(f"pattern {pid!r}: needs exactly 3 prompts, has {len(pattern.prompts)}")
    for fid, facet in content.facets.items():
        if facet.polarity is None:
            problems.append(f"facet {fid!r}: polarity (healthy or unhealthy) is missing")
    for sid, sub in content.subfacets.items():
        if sub.polarity is not None:
            problems.append(f"subfacet {sid!r}: polarity belongs to its facet, not here")
    return problems


def check_instrument(instrument: Instrument) -> list[str]:
    """Problems that keep ``instrument`` from being reported on with this content (empty: fine)."""
    content = load_content()
    problems: list[str] = []
    try:
        layout = structure_of(instrument)
    except ValueError as exc:
        return [str(exc)]
    for fid in layout.facets:
        spec = content.facets.get(fid)
        if spec is None:
            problems.append(f"facet {fid!r} of instrument {instrument.id!r} has no texts")
        elif spec.polarity != layout.polarity[fid]:
            problems.append(
                f"facet {fid!r}: content says {spec.polarity}, the instrument's map axes say "
                f"{layout.polarity[fid]}"
            )
        for sid in layout.subfacets[fid]:
            if sid not in content.subfacets:
                problems.append(f"sub-facet {sid!r} of instrument {instrument.id!r} has no texts")
    for oid in layout.outcomes:
        if oid not in content.outcomes:
            problems.append(f"outcome {oid!r} of instrument {instrument.id!r} has no texts")
    if instrument.regions is not None:
        for region in instrument.regions.regions:
            if region.id not in content.regions:
                problems.append(
                    f"region {region.id!r} of instrument {instrument.id!r} has no texts"
                )
    return problems
