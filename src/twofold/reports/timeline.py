"""The change chart: one facet across a person's occasions, as an accessible inline SVG.

Built like the charts of :mod:`twofold.reports.charts` (whose helpers it uses, and whose rules
it keeps: ``role="img"`` named by its title and description, a 320-unit viewBox, presentation
attributes only, escaped text, the same numbers in a table alternative, the same bytes for the
same input). Occasions are spaced evenly in their order, not by date: check-ins come at uneven
intervals, and the dates are in the description and the table. At most :data:`MAX_SHOWN`
occasions are drawn — the first and the latest ones — so the points stay apart on a phone; the
table always lists every occasion.

Each occasion shows the facet's check-in-scale score (a circle, joined by a line from occasion
to occasion) with its 95% interval as a vertical bar; a full questionnaire also shows the full
facet score (a square, just to the right) with its own, narrower interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from twofold.core import Instrument
from twofold.reports.change_texts import change_text
from twofold.reports.charts import (
    GRID,
    MARKERS,
    MUTED,
    Chart,
    Table,
    _check_id,
    _el,
    _f,
    _interval_bar,
    _marker,
    _svg,
    _text,
)
from twofold.reports.readings import interval_text, number
from twofold.reports.structure import score_range

__all__ = ["MAX_SHOWN", "Kind", "Point", "timeline_chart"]

Kind = Literal["questionnaire", "checkin"]


@dataclass(frozen=True)
class Point:
    """One facet at one occasion: the check-in-scale score and, for a questionnaire, the full one."""

    occasion: int  # from 1, in the order of the occasions
    date: str
    kind: Kind
    value: float | None
    interval: tuple[float, float] | None
    full_value: float | None = None
    full_interval: tuple[float, float] | None = None


MAX_SHOWN = 12

_LEFT, _RIGHT = 34.0, 308.0
_TOP = 50.0
_UNIT = 28.0  # viewBox units per scale point
_PAD = 16.0  # space between the plot's sides and the first and last occasion


def _shown(points: Sequence[Point]) -> list[Point]:
    if len(points) <= MAX_SHOWN:
        return list(points)
    return [points[0], *points[-(MAX_SHOWN - 1) :]]


def _score(value: float | None, interval: tuple[float, float] | None, lang: str) -> str:
    if value is None:
        return ""
    if interval is None:
        return number(value, lang)
    return change_text(
        "score_with_range",
        lang,
        value=number(value, lang),
        low=number(interval[0], lang),
        high=number(interval[1], lang),
    )


def timeline_chart(
    points: Sequence[Point],
    instrument: Instrument,
    facet: str,
    lang: str,
    *,
    chart_id: str | None = None,
) -> Chart:
    """The facet's scores over ``points`` (one per occasion, oldest first)."""
    chart_id = _check_id(chart_id or f"change-{facet}")
    if not points:
        raise ValueError("points is empty: a change chart needs at least one occasion")
    lo, hi = score_range(instrument, facet)
    neutral = (lo + hi) / 2
    label = instrument.label(facet, lang)
    bottom = _TOP + (hi - lo) * _UNIT

    def py(v: float) -> float:
        return bottom - (v - lo) * _UNIT

    shown = _shown(points)
    if len(shown) == 1:
        xs = [(_LEFT + _RIGHT) / 2]
    else:
        step = (_RIGHT - _LEFT - 2 * _PAD) / (len(shown) - 1)
        xs = [_LEFT + _PAD + k * step for k in range(len(shown))]

    body: list[str] = []
    # legend: what a circle and a square are
    body.append(_marker("circle", 14, 14, MARKERS[0][0]))
    body.append(_text(26, 18, change_text("legend_checkin", lang), class_="legend"))
    body.append(_marker("square", 14, 32, MARKERS[1][0]))
    body.append(_text(26, 36, change_text("legend_full", lang), class_="legend"))
    # grid, axis ticks, and the middle of the scale
    for v in range(lo, hi + 1):
        body.append(
            _el("line", x1=_LEFT, y1=py(v), x2=_RIGHT, y2=py(v), stroke=GRID, stroke_width=1)
        )
        body.append(
            _text(_LEFT - 8, py(v) + 4, str(v), class_="tick", text_anchor="end", fill=MUTED)
        )
    body.append(
        _el(
            "line",
            class_="neutral",
            x1=_LEFT,
            y1=py(neutral),
            x2=_RIGHT,
            y2=py(neutral),
            stroke=MUTED,
            stroke_width=1.5,
            stroke_dasharray="4 3",
        )
    )
    # the line joining the check-in-scale scores, broken where a score is missing
    run: list[str] = []
    runs: list[list[str]] = []
    for x, p in zip(xs, shown, strict=True):
        if p.value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f"{_f(x)},{_f(py(p.value))}")
    if run:
        runs.append(run)
    for r in runs:
        if len(r) > 1:
            body.append(
                _el(
                    "polyline",
                    class_="trend",
                    points=" ".join(r),
                    fill="none",
                    stroke=MARKERS[0][0],
                    stroke_width=1.5,
                )
            )
    colour, full_colour = MARKERS[0][0], MARKERS[1][0]
    for x, p in zip(xs, shown, strict=True):
        if p.value is not None and p.interval is not None:
            y1, y2 = py(p.interval[0]), py(p.interval[1])
            body.extend(
                _interval_bar(y1, y2, x, colour, class_="interval", vertical=True, caps=False)
            )
        if p.value is not None:
            body.append(_marker("circle", x, py(p.value), colour))
        if p.full_value is not None:
            fx = x + 9
            if p.full_interval is not None:
                y1, y2 = py(p.full_interval[0]), py(p.full_interval[1])
                body.extend(
                    _interval_bar(
                        y1, y2, fx, full_colour, class_="interval-full", vertical=True, caps=False
                    )
                )
            body.append(_marker("square", fx, py(p.full_value), full_colour))
        body.append(
            _text(x, bottom + 18, str(p.occasion), class_="tick", text_anchor="middle", fill=MUTED)
        )
    body.append(
        _text(
            (_LEFT + _RIGHT) / 2,
            bottom + 36,
            change_text("axis_occasion", lang),
            class_="axis-label",
            text_anchor="middle",
            fill=MUTED,
        )
    )
    height = bottom + 44

    said = [
        change_text(
            "chart_desc_intro",
            lang,
            facet=label,
            n=len(points),
            low=lo,
            high=hi,
            neutral=number(neutral, lang),
        )
    ]
    if len(shown) < len(points):
        said.append(change_text("chart_desc_shown", lang, shown=len(shown) - 1, n=len(points)))
    rows = []
    for p in points:
        kind = change_text(f"kind_{p.kind}", lang)
        if p.value is None:
            said.append(
                change_text("chart_desc_point_missing", lang, k=p.occasion, date=p.date, kind=kind)
            )
        elif p.full_value is not None:
            said.append(
                change_text(
                    "chart_desc_point_full",
                    lang,
                    k=p.occasion,
                    date=p.date,
                    kind=kind,
                    value=number(p.value, lang),
                    interval=interval_text(p.interval, lang) if p.interval else "—",
                    full=number(p.full_value, lang),
                    full_interval=interval_text(p.full_interval, lang) if p.full_interval else "—",
                )
            )
        else:
            said.append(
                change_text(
                    "chart_desc_point",
                    lang,
                    k=p.occasion,
                    date=p.date,
                    kind=kind,
                    value=number(p.value, lang),
                    interval=interval_text(p.interval, lang) if p.interval else "—",
                )
            )
        rows.append(
            (
                str(p.occasion),
                p.date,
                kind,
                _score(p.value, p.interval, lang),
                _score(p.full_value, p.full_interval, lang),
            )
        )
    title = change_text("chart_title", lang, facet=label)
    description = " ".join(said)
    table = Table(
        caption=change_text("table_caption", lang, facet=label),
        columns=tuple(
            change_text(key, lang)
            for key in ("col_occasion", "col_date", "col_kind", "col_checkin", "col_full")
        ),
        rows=tuple(rows),
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, height, title, description, body),
        table=table,
    )
