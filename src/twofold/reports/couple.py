"""The couple report: what both partners see together, written for one of them.

It holds the couple's pattern and what it means, both points on one map, exactly three
conversation prompts for the pattern, and in words: how far apart the two points are, how alike
the two facet profiles are, and - only for facets where both partners rated each other -
*understanding*: how close each partner's view of the other is to the other's self-report.

Built only from the two profiles' facet-level scores and the couple results: never item-level
answers, and never anything about safety (it does not read ``PersonProfile.safety``; the web
app withholds the whole report when there is a concern).

Words for differences between a view and a self-report: below 0.5 scale points "close to",
0.5 to 1.5 "somewhat higher/lower than", from 1.5 "much higher/lower than" (the bands are in
``content/phrases.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

from twofold.core import CoupleView, PersonProfile
from twofold.reports.charts import Chart, balance_map, map_point
from twofold.reports.feedback import checked_structure
from twofold.reports.texts import language, load_content

__all__ = ["CoupleReport", "PatternReading", "UnderstandingLine", "couple_report"]


@dataclass(frozen=True)
class PatternReading:
    id: str
    label: str
    meaning: str


@dataclass(frozen=True)
class UnderstandingLine:
    """One facet. ``my_view_gap`` = my view of the partner minus the partner's self-report;
    ``partner_view_gap`` = the partner's view of me minus my self-report."""

    facet_id: str
    label: str
    my_view_gap: float
    partner_view_gap: float
    mine: str
    theirs: str


@dataclass(frozen=True)
class CoupleReport:
    """The couple report for one reader. ``pattern`` is None (with ``prompts`` empty and
    ``pattern_note`` saying why) only when a map position is missing."""

    lang: str
    pattern: PatternReading | None
    pattern_note: str
    map_chart: Chart | None
    prompts: tuple[str, ...]
    understanding: tuple[UnderstandingLine, ...]
    understanding_note: str
    distance: str
    similarity: str


def couple_report(
    me: PersonProfile,
    partner: PersonProfile,
    couple: CoupleView,
    lang: str,
    *,
    me_is_a: bool,
    my_name: str,
    partner_name: str,
) -> CoupleReport:
    """Build the couple report for ``me`` in ``lang``.

    ``couple`` comes from :func:`twofold.core.couple_of` (or ``CoupleResults.couple``);
    ``me_is_a`` says whether ``me`` is its partner ``a``. ``my_name`` labels my point on the
    map; ``partner_name`` labels theirs and is used in the sentences.
    """
    lang = language(lang)
    for name, person in (("me", me), ("partner", partner)):
        if not isinstance(person, PersonProfile):
            raise TypeError(f"{name} must be a PersonProfile, not {type(person).__name__}")
    if not isinstance(couple, CoupleView):
        raise TypeError(f"couple must be a CoupleView, not {type(couple).__name__}")
    names = {}
    for arg, value in (("my_name", my_name), ("partner_name", partner_name)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{arg} must be a non-empty name, got {value!r}")
        names[arg] = value.strip()
    my_name, partner_name = names["my_name"], names["partner_name"]
    if (me.instrument.id, me.instrument.version) != (
        partner.instrument.id,
        partner.instrument.version,
    ):
        raise ValueError(
            f"me and partner were scored with different instruments "
            f"({me.instrument.id} {me.instrument.version} and "
            f"{partner.instrument.id} {partner.instrument.version})"
        )
    checked_structure(me)
    content = load_content()
    instrument = me.instrument

    pattern = None
    prompts: tuple[str, ...] = ()
    note = ""
    if couple.pattern is None and (me.response_style or partner.response_style):
        note = content.phrase("pattern_withheld_style", lang)
    elif couple.pattern is None:
        note = content.phrase("pattern_missing", lang)
    else:
        spec = content.patterns[couple.pattern]
        pattern = PatternReading(couple.pattern, spec.label[lang], spec.meaning[lang])
        prompts = tuple(p[lang] for p in spec.prompts)

    map_chart = None
    try:
        points = [map_point(me, my_name), map_point(partner, partner_name)]
    except ValueError:
        points = []
    if points:
        map_chart = balance_map(points, instrument, lang, chart_id="couple-map")

    lines = []
    for facet, (a_view, b_view) in couple.understanding.items():
        mine, theirs = (a_view, b_view) if me_is_a else (b_view, a_view)
        if mine is None or theirs is None:
            continue
        label = instrument.label(facet, lang)
        lines.append(
            UnderstandingLine(
                facet_id=facet,
                label=label,
                my_view_gap=mine,
                partner_view_gap=theirs,
                mine=content.phrase(
                    "understanding_mine",
                    lang,
                    facet=label,
                    partner=partner_name,
                    words=_gap_words(mine, lang),
                ),
                theirs=content.phrase(
                    "understanding_theirs",
                    lang,
                    facet=label,
                    partner=partner_name,
                    words=_gap_words(theirs, lang),
                ),
            )
        )
    understanding_note = content.phrase(
        "understanding_note" if lines else "understanding_none", lang, partner=partner_name
    )

    if couple.distance is None:
        distance = content.phrase("distance_missing", lang)
    else:
        distance = content.band("distance", couple.distance, lang, partner=partner_name)
    if couple.similarity is None:
        similarity = content.phrase("similarity_missing", lang)
    else:
        similarity = content.band("similarity", couple.similarity, lang, partner=partner_name)

    return CoupleReport(
        lang=lang,
        pattern=pattern,
        pattern_note=note,
        map_chart=map_chart,
        prompts=prompts,
        understanding=tuple(lines),
        understanding_note=understanding_note,
        distance=distance,
        similarity=similarity,
    )


def _gap_words(gap: float, lang: str) -> str:
    content = load_content()
    if gap >= 0:
        return content.band("view_gap_more", gap, lang)
    return content.band("view_gap_less", -gap, lang)
