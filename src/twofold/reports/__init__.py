"""Reports: turn core results into what a person reads and sees. Never imports Django.

Everything a person reads is written by us, in English and Spanish, and kept as data in
``reports/content/*.yaml``; it is loaded and checked on first use (:func:`load_content`), and
checked against an instrument before a report is built (:func:`check_instrument`). The package
computes no statistics of its own: it reads :class:`~twofold.core.PersonProfile` and
:class:`~twofold.core.CoupleView`.

API
---
``individual_report(person, lang) -> IndividualReport``
    The person's own results: ``region`` (:class:`RegionReading`: id, label, plain-language
    description, the chance of every region in % and words), ``map_chart``, ``facet_chart``,
    ``subfacet_chart``, ``facets`` and ``subfacets`` (:class:`ScoreReading`: id, label, value,
    interval, about, description), ``strengths`` then ``growth_edges`` (:class:`FeedbackItem`:
    score_id, label, value, interval, statement, practice, question), ``outcomes``, ``caveats``,
    ``safety`` (support resources, only when ``person.safety`` is true) and ``joint_exercises``
    (False when a safety concern replaced the partner exercises).
``couple_report(me, partner, couple, lang, *, me_is_a, my_name, partner_name) -> CoupleReport``
    ``pattern`` (:class:`PatternReading`: id, label, meaning), ``map_chart`` with both points,
    exactly three ``prompts``, ``understanding`` (:class:`UnderstandingLine` per facet where both
    rated each other), ``distance`` and ``similarity`` in words. Never item-level answers, never
    anything about safety.
``balance_map(points, instrument, lang, *, chart_id="balance-map") -> Chart``
    One or two :class:`MapPoint` (build them with ``map_point(person, label)``) on the map.
``facet_chart(person, instrument, lang, *, subfacets=False, chart_id=None) -> Chart``
    Facets (or sub-facets grouped by facet) with 95% intervals.
``support_resources(lang) -> list[Resource]``
    Generic support resources (title, text, how_to_reach), correct in any country.

A :class:`Chart` has ``id``, ``title``, ``description``, ``svg`` (inline, ``role="img"``,
``aria-labelledby`` its title and description, viewBox-based, presentation attributes only so
a strict CSP holds) and ``table`` (:class:`Table`: caption, columns, rows of strings; the same
numbers as the chart). Size it with CSS (it carries ``class="twofold-chart"``, no width).

When a statement is made
------------------------
A facet or sub-facet is a **strength** when its whole 95% interval (``person.intervals``) lies on
the good side of the neutral point (the middle of the scale, 4 on 1-7): above it for healthy
dependence/independence, below it for unhealthy dependence/independence. It is a **growth
edge** in the mirror cases. A score whose interval contains the neutral point is neither; it is
described as leaning one way, or mixed, and as a tendency. Sub-facets (few items) are phrased
tentatively. Details in :mod:`twofold.reports.feedback`.
"""

from __future__ import annotations

from twofold.reports.charts import Chart, MapPoint, Table, balance_map, facet_chart, map_point
from twofold.reports.couple import CoupleReport, PatternReading, UnderstandingLine, couple_report
from twofold.reports.feedback import (
    FeedbackItem,
    IndividualReport,
    RegionChance,
    RegionReading,
    ScoreReading,
    individual_report,
)
from twofold.reports.safety import Resource, support_resources
from twofold.reports.texts import (
    LANGUAGES,
    ContentError,
    check_instrument,
    load_content,
)

__all__ = [
    "LANGUAGES",
    "Chart",
    "ContentError",
    "CoupleReport",
    "FeedbackItem",
    "IndividualReport",
    "MapPoint",
    "PatternReading",
    "RegionChance",
    "RegionReading",
    "Resource",
    "ScoreReading",
    "Table",
    "UnderstandingLine",
    "balance_map",
    "check_instrument",
    "couple_report",
    "facet_chart",
    "individual_report",
    "load_content",
    "map_point",
    "support_resources",
]
