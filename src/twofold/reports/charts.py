"""Accessible SVG charts: the balance map and the facet chart.

Hand-written templates rather than a plotting library: there are two fixed chart types, a
template renders in well under a millisecond (matplotlib takes ~70 ms per small SVG after a 1 s
import, see ``stack.md``), and we control every attribute the accessibility and security rules
need:

- ``role="img"`` and ``aria-labelledby`` naming the chart's ``<title>`` and ``<desc>``; the
  description says in words what the chart shows, and :class:`Table` carries the same numbers
  for a table alternative;
- a ``viewBox`` 320 units wide, so the chart is drawn 1:1 on a 320 px phone and scales up;
  text is at least 11 units high;
- presentation attributes only: no ``style`` attribute, no ``<style>`` element, no script, so a
  strict Content Security Policy holds; every text is XML-escaped;
- text colours reach WCAG AA contrast (4.5:1) on their background; the two partners differ by
  marker shape (circle, square) and by name, not by colour alone;
- deterministic output: the same input gives the same bytes.

The charts draw nothing that is not in the scores: a point is placed by linear interpolation of
its score between the ends of the score's range, its 95% interval as bars (and, on the map, a
light ellipse spanned by the two per-axis intervals).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from twofold.core import Instrument, PersonProfile
from twofold.reports.readings import interval_text, number
from twofold.reports.structure import score_range, structure_of
from twofold.reports.texts import language, load_content

__all__ = ["Chart", "MapPoint", "Table", "balance_map", "facet_chart", "map_point"]

WIDTH = 320
INK = "#1a1a1a"  # body text, 17:1 on white
MUTED = "#4d4d4d"  # secondary text and cut lines, 8.5:1 on white
GRID = "#d9d9d9"
PLOT_FILL = "#f7f7f7"
# (colour, marker shape) per person; colours 8.9:1 and 7.0:1 on white
MARKERS = (("#1f4e79", "circle"), ("#8a3b00", "square"))
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


@dataclass(frozen=True)
class Table:
    """A table alternative: a caption, column headers and rows of ready-to-print cells."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """An inline SVG with its title, description and table alternative."""

    id: str
    title: str
    description: str
    svg: str
    table: Table


@dataclass(frozen=True)
class MapPoint:
    """A person on the balance map; ``x`` and ``y`` follow the instrument's map axes."""

    label: str
    x: float
    y: float
    x_interval: tuple[float, float] | None = None
    y_interval: tuple[float, float] | None = None


def map_point(person: PersonProfile, label: str) -> MapPoint:
    """The person's point on their instrument's map; ``ValueError`` when an axis is missing."""
    regions = person.instrument.regions
    if regions is None:
        raise ValueError(f"instrument {person.instrument.id!r} has no balance map (regions)")
    x, y = person.scores.get(regions.x), person.scores.get(regions.y)
    if x is None or y is None:
        missing = [a for a, v in ((regions.x, x), (regions.y, y)) if v is None]
        raise ValueError(
            f"{label!r} has no {' or '.join(missing)} score (too few answers), so no map point"
        )
    return MapPoint(
        label=label,
        x=x,
        y=y,
        x_interval=person.intervals.get(regions.x),
        y_interval=person.intervals.get(regions.y),
    )


# --------------------------------------------------------------------------------------------
# SVG helpers
# --------------------------------------------------------------------------------------------


def _f(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _attrs(attrs: dict[str, object]) -> str:
    """Attributes from keywords: ``class_`` -> ``class``, ``stroke_width`` -> ``stroke-width``."""
    parts = []
    for key, value in attrs.items():
        if isinstance(value, float):
            shown = _f(value)
        elif isinstance(value, int):
            shown = str(value)
        else:
            shown = str(value).translate(_ATTR_ESCAPES)
        parts.append(f'{_name(key)}="{shown}"')
    return " ".join(parts)


@cache
def _name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def _el(tag: str, **attrs: object) -> str:
    return f"<{tag} {_attrs(attrs)}/>"


def _text(x: float, y: float, content: str, **attrs: object) -> str:
    return f"<text {_attrs({'x': x, 'y': y, **attrs})}>{escape(content)}</text>"


def _interval_bar(
    lo: float, hi: float, at: float, colour: str, *, class_: str, vertical: bool, caps: bool = True
) -> list[str]:
    """An interval drawn from ``lo`` to ``hi`` (pixels along the bar) at ``at`` (across it),
    with a short cap at each end unless ``caps`` is False."""

    def line(u1: float, u2: float, v1: float, v2: float, **attrs: object) -> str:
        ends = (
            {"x1": v1, "y1": u1, "x2": v2, "y2": u2}
            if vertical
            else {"x1": u1, "y1": v1, "x2": u2, "y2": v2}
        )
        return _el("line", **attrs, **ends, stroke=colour, stroke_width=2)

    bar = [line(lo, hi, at, at, class_=class_)]
    if caps:
        bar += [line(end, end, at - 4, at + 4) for end in (lo, hi)]
    return bar


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy word wrap by an estimated glyph width (0.6 em, wide for DejaVu Sans)."""
    per_line = max(1, int(width / (0.6 * size)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= per_line or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def _svg(chart_id: str, height: float, title: str, description: str, body: Iterable[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_f(height)}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="twofold-chart" font-family="{FONT}" font-size="12" fill="{INK}">'
    )
    return "".join(
        [
            head,
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _check_id(chart_id: str) -> str:
    if not isinstance(chart_id, str) or not _ID.match(chart_id):
        raise ValueError(
            f"chart_id {chart_id!r} must start with a letter and contain only letters, digits, "
            "'-' and '_' (it becomes an XML id)"
        )
    return chart_id


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return _el(
            "circle",
            class_="point",
            cx=x,
            cy=y,
            r=6.0,
            fill=colour,
            stroke="#ffffff",
            stroke_width=1.5,
        )
    return _el(
        "rect",
        class_="point",
        x=x - 5.5,
        y=y - 5.5,
        width=11,
        height=11,
        fill=colour,
        stroke="#ffffff",
        stroke_width=1.5,
    )


def _list_and(items: Sequence[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    joiner = load_content().phrase("list_and", lang)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


# --------------------------------------------------------------------------------------------
# The balance map
# --------------------------------------------------------------------------------------------

# plot box in viewBox units
_MAP_LEFT, _MAP_RIGHT, _MAP_TOP = 46.0, 310.0, 10.0
_MAP_SIZE = _MAP_RIGHT - _MAP_LEFT
_MAP_BOTTOM = _MAP_TOP + _MAP_SIZE


def balance_map(
    points: Sequence[MapPoint],
    instrument: Instrument,
    lang: str,
    *,
    chart_id: str = "balance-map",
    title: str | None = None,
) -> Chart:
    """Draw one or two people on the balance map with the cut lines and the region names.

    ``points`` hold each person's label, their scores on the instrument's map axes (``x`` is
    ``instrument.regions.x``) and the 95% intervals (build them with :func:`map_point`).
    """
    lang = language(lang)
    _check_id(chart_id)
    if not 1 <= len(points) <= 2:
        raise ValueError(f"points: the map shows one or two people, not {len(points)}")
    regions = instrument.regions
    if regions is None:
        raise ValueError(f"instrument {instrument.id!r} has no balance map (regions)")
    text = load_content().phrase
    x_id, y_id = regions.x, regions.y
    x_label, y_label = instrument.label(x_id, lang), instrument.label(y_id, lang)
    x_lo, x_hi = score_range(instrument, x_id)
    y_lo, y_hi = score_range(instrument, y_id)
    x_cut, y_cut = instrument.cut(x_id)[0], instrument.cut(y_id)[0]
    for k, p in enumerate(points):
        for axis, value, lo, hi in (("x", p.x, x_lo, x_hi), ("y", p.y, y_lo, y_hi)):
            if not lo <= value <= hi:
                raise ValueError(f"points[{k}].{axis} = {value} lies outside {lo}..{hi}")

    def px(v: float) -> float:
        return _MAP_LEFT + (v - x_lo) / (x_hi - x_lo) * _MAP_SIZE

    def py(v: float) -> float:
        return _MAP_BOTTOM - (v - y_lo) / (y_hi - y_lo) * _MAP_SIZE

    body: list[str] = [
        _el(
            "rect",
            class_="plot",
            x=_MAP_LEFT,
            y=_MAP_TOP,
            width=_MAP_SIZE,
            height=_MAP_SIZE,
            fill=PLOT_FILL,
            stroke=MUTED,
            stroke_width=1,
        )
    ]
    for v in range(x_lo + 1, x_hi):
        body.append(
            _el(
                "line", x1=px(v), y1=_MAP_TOP, x2=px(v), y2=_MAP_BOTTOM, stroke=GRID, stroke_width=1
            )
        )
    for v in range(y_lo + 1, y_hi):
        body.append(
            _el(
                "line", x1=_MAP_LEFT, y1=py(v), x2=_MAP_RIGHT, y2=py(v), stroke=GRID, stroke_width=1
            )
        )
    for v in range(x_lo, x_hi + 1):
        body.append(
            _text(
                px(v), _MAP_BOTTOM + 16, str(v), text_anchor="middle", class_="tick-x", fill=MUTED
            )
        )
    for v in range(y_lo, y_hi + 1):
        body.append(
            _text(_MAP_LEFT - 6, py(v) + 4, str(v), text_anchor="end", class_="tick-y", fill=MUTED)
        )
    body.append(
        _text(
            (_MAP_LEFT + _MAP_RIGHT) / 2,
            _MAP_BOTTOM + 34,
            f"{x_label} →",
            text_anchor="middle",
            font_size=13,
            font_weight="bold",
        )
    )
    mid_y = (_MAP_TOP + _MAP_BOTTOM) / 2
    body.append(
        _text(
            16,
            mid_y,
            f"{y_label} →",
            text_anchor="middle",
            font_size=13,
            font_weight="bold",
            transform=f"rotate(-90 16 {_f(mid_y)})",
        )
    )
    body.append(
        _el(
            "line",
            class_="cut-x",
            x1=px(x_cut),
            y1=_MAP_TOP,
            x2=px(x_cut),
            y2=_MAP_BOTTOM,
            stroke=MUTED,
            stroke_width=1.5,
            stroke_dasharray="6 4",
        )
    )
    body.append(
        _el(
            "line",
            class_="cut-y",
            x1=_MAP_LEFT,
            y1=py(y_cut),
            x2=_MAP_RIGHT,
            y2=py(y_cut),
            stroke=MUTED,
            stroke_width=1.5,
            stroke_dasharray="6 4",
        )
    )

    corners: dict[str, str] = {}
    for region in regions.regions:
        label = region_name(instrument, region.id, lang)
        right = region.when[x_id] == "high"
        top = region.when[y_id] == "high"
        corners[("top" if top else "bottom") + ("_right" if right else "_left")] = label
        width = (_MAP_RIGHT - px(x_cut) if right else px(x_cut) - _MAP_LEFT) - 10
        lines = _wrap(label, width, 11)
        anchor_x = _MAP_RIGHT - 5 if right else _MAP_LEFT + 5
        first_y = _MAP_TOP + 15 if top else _MAP_BOTTOM - 7 - 13 * (len(lines) - 1)
        spans = "".join(
            f"<tspan {_attrs({'x': anchor_x, 'y': first_y + 13 * k})}>{escape(line)}</tspan>"
            for k, line in enumerate(lines)
        )
        body.append(
            f"<text {_attrs({'class': 'region-name', 'font-size': 11, 'fill': '#333333', 'text-anchor': 'end' if right else 'start'})}>"
            f"{spans}</text>"
        )

    marks: list[str] = []
    for k, p in enumerate(points):
        colour, shape = MARKERS[k]
        cx, cy = px(p.x), py(p.y)
        if p.x_interval is not None and p.y_interval is not None:
            (a, b), (c, d) = p.x_interval, p.y_interval
            body.append(
                _el(
                    "ellipse",
                    class_="spread",
                    cx=(px(a) + px(b)) / 2,
                    cy=(py(c) + py(d)) / 2,
                    rx=(px(b) - px(a)) / 2,
                    ry=(py(c) - py(d)) / 2,
                    fill=colour,
                    fill_opacity=0.12,
                )
            )
        if p.x_interval is not None:
            a, b = px(p.x_interval[0]), px(p.x_interval[1])
            body.extend(_interval_bar(a, b, cy, colour, class_="interval-x", vertical=False))
        if p.y_interval is not None:
            c, d = py(p.y_interval[0]), py(p.y_interval[1])
            body.extend(_interval_bar(c, d, cx, colour, class_="interval-y", vertical=True))
        marks.append(_marker(shape, cx, cy, colour))
        left_half = cx < (_MAP_LEFT + _MAP_RIGHT) / 2
        x, y = (cx + 10 if left_half else cx - 10), (cy - 9 if k == 0 else cy + 18)
        style = {"text_anchor": "start" if left_half else "end", "font_weight": "bold"}
        # A white halo keeps the name readable over the interval; drawn as its own text under
        # the name (not with paint-order, which WeasyPrint's PDFs ignore, painting the stroke
        # over the letters).
        marks.append(
            _text(
                x,
                y,
                p.label,
                **style,
                class_="halo",
                fill="#ffffff",
                stroke="#ffffff",
                stroke_width=3,
            )
        )
        marks.append(_text(x, y, p.label, **style, class_="point-label", fill=colour))
    body.extend(marks)

    y = _MAP_BOTTOM + 56
    for k, p in enumerate(points):
        colour, shape = MARKERS[k]
        legend = f"{p.label}: {x_label} {number(p.x, lang)}, {y_label} {number(p.y, lang)}"
        lines = _wrap(legend, _MAP_RIGHT - 34, 12)
        body.append(_marker(shape, 18, y - 4, colour).replace('class="point" ', ""))
        for line in lines:
            body.append(_text(30, y, line, class_="legend"))
            y += 16
        y += 4
    height = y

    def ival(interval: tuple[float, float] | None) -> str:
        return interval_text(interval, lang) if interval is not None else "—"

    sentences = [
        text("map_desc_intro", lang, x=x_label, y=y_label),
        text(
            "map_desc_cuts",
            lang,
            x=x_label,
            y=y_label,
            x_cut=number(x_cut, lang),
            y_cut=number(y_cut, lang),
        ),
        text("map_desc_regions", lang, **corners),
    ]
    for k, p in enumerate(points):
        sentences.append(
            text(
                "map_desc_point",
                lang,
                name=p.label,
                x=x_label,
                x_value=number(p.x, lang),
                x_interval=ival(p.x_interval),
                y=y_label,
                y_value=number(p.y, lang),
                y_interval=ival(p.y_interval),
            )
        )
        if len(points) > 1:
            shape = text(f"shape_{MARKERS[k][1]}", lang)
            sentences.append(text("map_desc_marker", lang, name=p.label, shape=shape))
    description = " ".join(sentences)
    if title is None:
        title = text("map_title_one" if len(points) == 1 else "map_title_two", lang)
    table = Table(
        caption=text("map_caption", lang),
        columns=(
            text("map_col_person", lang),
            x_label,
            text("map_col_interval", lang, axis=x_label),
            y_label,
            text("map_col_interval", lang, axis=y_label),
        ),
        rows=tuple(
            (
                p.label,
                number(p.x, lang),
                ival(p.x_interval),
                number(p.y, lang),
                ival(p.y_interval),
            )
            for p in points
        ),
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, height, title, description, body),
        table=table,
    )


def region_name(instrument: Instrument, region_id: str, lang: str) -> str:
    """The region's short name from the content, else the instrument's label."""
    spec = load_content().regions.get(region_id)
    if spec is not None:
        return spec.name[lang]
    assert instrument.regions is not None
    label = next(r.label for r in instrument.regions.regions if r.id == region_id)
    return label.get(lang) or label.get("en") or next(iter(label.values()))


# --------------------------------------------------------------------------------------------
# The facet chart
# --------------------------------------------------------------------------------------------

_TRACK_LEFT, _TRACK_RIGHT = 22.0, 298.0
_ROW = 44.0
_HEADER = 26.0


def facet_chart(
    person: PersonProfile,
    instrument: Instrument,
    lang: str,
    *,
    subfacets: bool = False,
    chart_id: str | None = None,
) -> Chart:
    """The four facets (or the sub-facets grouped by facet) with their 95% intervals."""
    lang = language(lang)
    chart_id = _check_id(chart_id or ("subfacets" if subfacets else "facets"))
    text = load_content().phrase
    layout = structure_of(instrument)
    lo, hi = score_range(instrument, layout.facets[0])
    neutral = (lo + hi) / 2

    def px(v: float) -> float:
        return _TRACK_LEFT + (v - lo) / (hi - lo) * (_TRACK_RIGHT - _TRACK_LEFT)

    groups: list[tuple[str | None, tuple[str, ...]]]
    if subfacets:
        groups = [(f, layout.subfacets[f]) for f in layout.facets]
    else:
        groups = [(None, layout.facets)]

    body: list[str] = []
    y = 8.0
    rows: list[tuple[str, ...]] = []
    said: list[str] = []
    for facet, ids in groups:
        if facet is not None:
            body.append(
                _text(
                    8,
                    y + 17,
                    instrument.label(facet, lang),
                    class_="group",
                    font_size=13,
                    font_weight="bold",
                )
            )
            y += _HEADER
        for sid in ids:
            label = instrument.label(sid, lang)
            value = person.scores.get(sid)
            interval = person.intervals.get(sid)
            if value is None:
                shown = text("not_scored", lang)
            elif interval is None:
                shown = number(value, lang)
            else:
                shown = f"{number(value, lang)} ({number(interval[0], lang)}–{number(interval[1], lang)})"
            shown_width = 0.6 * 12 * len(shown)
            lines = _wrap(label, WIDTH - 16 - shown_width - 12, 12)
            for k, line in enumerate(lines):
                body.append(_text(8, y + 14 + 15 * k, line, class_="row-label"))
            body.append(
                _text(WIDTH - 8, y + 14, shown, class_="row-value", text_anchor="end", fill=MUTED)
            )
            y += 15 * (len(lines) - 1)
            bar_y = y + 30
            body.append(
                _el(
                    "line",
                    class_="track",
                    x1=_TRACK_LEFT,
                    y1=bar_y,
                    x2=_TRACK_RIGHT,
                    y2=bar_y,
                    stroke=GRID,
                    stroke_width=2,
                )
            )
            if value is not None and interval is not None:
                body.append(
                    _el(
                        "line",
                        class_="interval",
                        x1=px(interval[0]),
                        y1=bar_y,
                        x2=px(interval[1]),
                        y2=bar_y,
                        stroke="#6a8fb8",
                        stroke_width=8,
                    )
                )
            # the middle of the scale, drawn across the bar only so it never crosses text
            body.append(
                _el(
                    "line",
                    class_="neutral",
                    x1=px(neutral),
                    y1=bar_y - 10,
                    x2=px(neutral),
                    y2=bar_y + 10,
                    stroke=MUTED,
                    stroke_width=1.5,
                    stroke_dasharray="3 2",
                )
            )
            if value is not None:
                body.append(_marker("circle", px(value), bar_y, MARKERS[0][0]))
            y += _ROW
            row: tuple[str, ...] = (
                label,
                "" if value is None else number(value, lang),
                "" if interval is None else number(interval[0], lang),
                "" if interval is None else number(interval[1], lang),
            )
            if facet is not None:
                row = (instrument.label(facet, lang), *row)
            rows.append(row)
            if value is None:
                said.append(text("facet_desc_missing", lang, label=label))
            else:
                said.append(
                    text(
                        "facet_desc_item",
                        lang,
                        label=label,
                        value=number(value, lang),
                        interval=interval_text(interval, lang) if interval else "—",
                    )
                )
    axis_y = y + 2
    body.append(_el("line", x1=_TRACK_LEFT, y1=axis_y, x2=_TRACK_RIGHT, y2=axis_y, stroke=MUTED))
    for v in range(lo, hi + 1):
        body.append(_el("line", x1=px(v), y1=axis_y, x2=px(v), y2=axis_y + 5, stroke=MUTED))
        body.append(
            _text(px(v), axis_y + 18, str(v), class_="tick", text_anchor="middle", fill=MUTED)
        )
    scale = next(s for s in instrument.scales if s.id == layout.facets[0])
    anchors = instrument.item(scale.items[0]).scale
    y = axis_y + 36
    low_anchor, high_anchor = anchors.label(lo, lang), anchors.label(hi, lang)
    body.append(
        _text(
            _TRACK_LEFT - 14, y, f"{lo} = {low_anchor}", class_="anchor", font_size=11, fill=MUTED
        )
    )
    body.append(
        _text(
            _TRACK_LEFT - 14,
            y + 15,
            f"{hi} = {high_anchor}",
            class_="anchor",
            font_size=11,
            fill=MUTED,
        )
    )
    body.append(
        _text(
            _TRACK_LEFT - 14,
            y + 30,
            text("neutral_line", lang, value=number(neutral, lang)),
            class_="anchor",
            font_size=11,
            fill=MUTED,
        )
    )
    height = y + 40

    unhealthy = [
        instrument.label(f, lang) for f in layout.facets if layout.polarity[f] == "unhealthy"
    ]
    description = " ".join(
        [
            text(
                "facet_desc_intro",
                lang,
                low=str(lo),
                high=str(hi),
                neutral=number(neutral, lang),
            ),
            *said,
            *(
                [text("facet_desc_unhealthy", lang, labels=_list_and(unhealthy, lang))]
                if unhealthy
                else []
            ),
        ]
    )
    title = text("subfacet_title" if subfacets else "facet_title", lang)
    columns: tuple[str, ...] = (
        text("col_facet", lang),
        text("col_score", lang),
        text("col_lower", lang),
        text("col_upper", lang),
    )
    if subfacets:
        columns = (columns[0], text("col_subfacet", lang), *columns[1:])
    table = Table(
        caption=text("subfacet_caption" if subfacets else "facet_caption", lang),
        columns=columns,
        rows=tuple(rows),
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, height, title, description, body),
        table=table,
    )
