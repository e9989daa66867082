from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twofold.core import Instrument, couple_of, profile_person
from twofold.reports import Chart, MapPoint, balance_map, facet_chart, load_content, map_point
from twofold.reports.charts import PLOT_FILL

from .conftest import Answers

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def all_charts(instrument: Instrument, lang: str, answers: Answers) -> list[Chart]:
    person = profile_person(
        instrument, answers(instrument, {"HD": 6, "UD": 2, "hi_selfrespect": 7})
    )
    partner = profile_person(instrument, answers(instrument, {"HD": 3, "UI": 6}))
    return [
        balance_map([map_point(person, "You")], instrument, lang),
        balance_map(
            [map_point(person, "Ana"), map_point(partner, "Ben")],
            instrument,
            lang,
            chart_id="couple-map",
        ),
        facet_chart(person, instrument, lang),
        facet_chart(person, instrument, lang, subfacets=True),
    ]


def number(text: str) -> float:
    return float(text.replace(",", "."))


def plot_box(root: ET.Element) -> tuple[float, float, float, float]:
    rect = next(e for e in root.iter(f"{SVG}rect") if e.get("class") == "plot")
    x, y = float(rect.get("x", "")), float(rect.get("y", ""))
    return x, y, x + float(rect.get("width", "")), y + float(rect.get("height", ""))


def marker_centres(root: ET.Element) -> list[tuple[float, float]]:
    centres = []
    for e in root.iter():
        if e.get("class") != "point":
            continue
        if e.tag == f"{SVG}circle":
            centres.append((float(e.get("cx", "")), float(e.get("cy", ""))))
        else:
            half = float(e.get("width", "")) / 2
            centres.append((float(e.get("x", "")) + half, float(e.get("y", "")) + half))
    return centres


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_chart_is_xml_with_a_title_a_description_and_aria_labels(
    instrument: Instrument, lang: str, answers: Answers
) -> None:
    for chart in all_charts(instrument, lang, answers):
        root = parse(chart)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        title = root.find(f"{SVG}title")
        desc = root.find(f"{SVG}desc")
        assert title is not None
        assert title.text == chart.title
        assert desc is not None
        assert desc.text == chart.description
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert title.get("id") == f"{chart.id}-title"
        assert list(root)[:2] == [title, desc]  # title and description come first


def test_charts_scale_from_a_320_wide_view_box_without_fixed_size(
    instrument: Instrument, answers: Answers
) -> None:
    for chart in all_charts(instrument, "en", answers):
        root = parse(chart)
        x0, y0, width, height = map(float, root.get("viewBox", "").split())
        assert (x0, y0, width) == (0, 0, 320)
        assert height > 0
        assert root.get("width") is None
        assert root.get("height") is None


def test_charts_use_presentation_attributes_only_so_a_strict_csp_holds(
    instrument: Instrument, answers: Answers
) -> None:
    for chart in all_charts(instrument, "es", answers):
        root = parse(chart)
        for e in root.iter():
            assert e.tag not in (f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject")
            assert "style" not in e.attrib
            assert not [a for a in e.attrib if a.startswith("on")]
            assert not [v for v in e.attrib.values() if "javascript:" in v or "url(" in v]


def test_all_text_is_at_least_11_units_high(instrument: Instrument, answers: Answers) -> None:
    for chart in all_charts(instrument, "en", answers):
        root = parse(chart)
        assert float(root.get("font-size", "")) >= 11
        sizes = [float(e.get("font-size", "12")) for e in root.iter(f"{SVG}text")]
        assert min(sizes) >= 11


def _luminance(colour: str) -> float:
    channels = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_colours_reach_wcag_aa_contrast_on_the_plot_background(
    instrument: Instrument, answers: Answers
) -> None:
    for chart in all_charts(instrument, "en", answers):
        root = parse(chart)
        inherited = root.get("fill", "")
        texts = list(root.iter(f"{SVG}text"))
        for e in texts:
            if e.get("class") == "halo":  # a white outline drawn under the same words
                place = (e.get("x"), e.get("y"), e.text)
                assert any((t.get("x"), t.get("y"), t.text) == place for t in texts if t is not e)
                continue
            colour = e.get("fill", inherited)
            assert _contrast(colour, PLOT_FILL) >= 4.5, (chart.id, colour)
            assert _contrast(colour, "#ffffff") >= 4.5, (chart.id, colour)


def test_no_chart_relies_on_paint_order_which_pdfs_ignore(
    instrument: Instrument, answers: Answers
) -> None:
    # WeasyPrint ignores paint-order: a stroked label was painted white over its own letters.
    for chart in all_charts(instrument, "en", answers):
        assert "paint-order" not in chart.svg, chart.id


def test_two_partners_differ_by_marker_shape_and_name_not_by_colour_alone(
    instrument: Instrument, answers: Answers
) -> None:
    chart = all_charts(instrument, "en", answers)[1]
    root = parse(chart)
    shapes = [e.tag for e in root.iter() if e.get("class") == "point"]
    assert shapes == [f"{SVG}circle", f"{SVG}rect"]
    labels = [e.text for e in root.iter(f"{SVG}text") if e.get("class") == "point-label"]
    assert labels == ["Ana", "Ben"]
    assert "circle" in chart.description
    assert "square" in chart.description


def test_charts_are_deterministic(instrument: Instrument, answers: Answers) -> None:
    first = [c.svg for c in all_charts(instrument, "es", answers)]
    second = [c.svg for c in all_charts(instrument, "es", answers)]
    assert first == second


def test_names_are_escaped_in_the_svg(instrument: Instrument, answers: Answers) -> None:
    person = profile_person(instrument, answers(instrument))
    name = '<b>Ana & "Ben"</b>'
    chart = balance_map([map_point(person, name)], instrument, "en")
    root = parse(chart)  # would not parse if the name were pasted in raw
    labels = [e.text for e in root.iter(f"{SVG}text") if e.get("class") == "point-label"]
    assert labels == [name]
    assert "<b>" not in chart.svg


axis_value = st.floats(min_value=1, max_value=7, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(x=axis_value, y=axis_value, half=st.floats(min_value=0, max_value=1.5))
def test_a_point_lands_on_the_map_where_the_axes_say(
    rbi_test: Instrument, x: float, y: float, half: float
) -> None:
    x_int = (max(1.0, x - half), min(7.0, x + half))
    y_int = (max(1.0, y - half), min(7.0, y + half))
    chart = balance_map([MapPoint("P", x, y, x_int, y_int)], rbi_test, "en")
    root = parse(chart)
    left, top, right, bottom = plot_box(root)
    ticks = {e.text: float(e.get("x", "")) for e in root.iter() if e.get("class") == "tick-x"}
    assert ticks["1"] == pytest.approx(left)
    assert ticks["7"] == pytest.approx(right)
    ((cx, cy),) = marker_centres(root)
    assert cx == pytest.approx(left + (x - 1) / 6 * (right - left), abs=0.011)
    assert cy == pytest.approx(bottom - (y - 1) / 6 * (bottom - top), abs=0.011)
    bar = next(e for e in root.iter() if e.get("class") == "interval-x")
    assert float(bar.get("x1", "")) == pytest.approx(
        left + (x_int[0] - 1) / 6 * (right - left), abs=0.011
    )
    assert float(bar.get("x2", "")) == pytest.approx(
        left + (x_int[1] - 1) / 6 * (right - left), abs=0.011
    )
    bar = next(e for e in root.iter() if e.get("class") == "interval-y")
    assert float(bar.get("y1", "")) == pytest.approx(
        bottom - (y_int[0] - 1) / 6 * (bottom - top), abs=0.011
    )


def test_the_map_draws_the_cut_lines_and_names_all_four_regions(
    instrument: Instrument, answers: Answers
) -> None:
    regions = instrument.regions
    assert regions is not None
    person = profile_person(instrument, answers(instrument))
    for lang in ("en", "es"):
        root = parse(balance_map([map_point(person, "You")], instrument, lang))
        left, _, right, _ = plot_box(root)
        cut_x = next(e for e in root.iter() if e.get("class") == "cut-x")
        x_cut = instrument.cut(regions.x)[0]
        assert float(cut_x.get("x1", "")) == pytest.approx(
            left + (x_cut - 1) / 6 * (right - left), abs=0.011
        )
        drawn = " ".join(
            " ".join(t.text or "" for t in e)
            for e in root.iter()
            if e.get("class") == "region-name"
        )
        for region in regions.regions:
            assert load_content().regions[region.id].name[lang] in drawn


def test_the_map_table_holds_the_same_numbers_as_the_chart(
    instrument: Instrument, answers: Answers
) -> None:
    a = answers(instrument, {"HD": 6, "UD": 3, "HI": 5, "UI": 2})
    b = answers(instrument, {"HD": 2, "UD": 6, "HI": 3, "UI": 5})
    pa, pb, _ = couple_of(instrument, a, b)
    regions = instrument.regions
    assert regions is not None
    chart = balance_map([map_point(pa, "Ana"), map_point(pb, "Ben")], instrument, "es")
    assert len(chart.table.columns) == 5
    for row, person in zip(chart.table.rows, (pa, pb), strict=True):
        x, y = person.scores[regions.x], person.scores[regions.y]
        assert x is not None
        assert y is not None
        assert number(row[1]) == pytest.approx(x, abs=0.05)
        assert number(row[3]) == pytest.approx(y, abs=0.05)
        low, high = (number(v) for v in row[2].split(" a "))
        assert (low, high) == pytest.approx(person.intervals[regions.x], abs=0.05)
        assert f"{row[1]} (" in chart.description


@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.integers(min_value=1, max_value=7), min_size=4, max_size=4))
def test_a_facet_point_lands_on_its_scale_and_the_table_agrees(
    rbi_test: Instrument, values: list[int], answers: Answers
) -> None:
    facets = list(rbi_test.profile)
    person = profile_person(rbi_test, answers(rbi_test, dict(zip(facets, values, strict=True))))
    chart = facet_chart(person, rbi_test, "en")
    root = parse(chart)
    tracks = [e for e in root.iter() if e.get("class") == "track"]
    centres = marker_centres(root)
    assert len(tracks) == len(centres) == 4
    for facet, track, (cx, _), row in zip(facets, tracks, centres, chart.table.rows, strict=True):
        x1, x2 = float(track.get("x1", "")), float(track.get("x2", ""))
        value = person.scores[facet]
        assert value is not None
        assert cx == pytest.approx(x1 + (value - 1) / 6 * (x2 - x1), abs=0.011)
        assert row[0] == rbi_test.label(facet, "en")
        assert number(row[1]) == pytest.approx(value, abs=0.05)
        assert (number(row[2]), number(row[3])) == pytest.approx(person.intervals[facet], abs=0.05)


def test_the_subfacet_chart_groups_every_subfacet_under_its_facet(
    instrument: Instrument, answers: Answers
) -> None:
    person = profile_person(instrument, answers(instrument, {"ud_needs": 6}))
    chart = facet_chart(person, instrument, "es", subfacets=True)
    expected = [
        (instrument.label(f, "es"), instrument.label(s, "es"))
        for f in instrument.profile
        for s in instrument.scale(f).children
    ]
    assert [row[:2] for row in chart.table.rows] == expected
    groups = [e.text for e in parse(chart).iter() if e.get("class") == "group"]
    assert groups == [instrument.label(f, "es") for f in instrument.profile]


def test_a_score_without_enough_answers_is_shown_as_not_scored(
    rbi_test: Instrument, answers: Answers
) -> None:
    person = profile_person(rbi_test, answers(rbi_test, skip=("hd_disclosure",)))
    chart = facet_chart(person, rbi_test, "en", subfacets=True)
    row = next(r for r in chart.table.rows if r[1] == rbi_test.label("hd_disclosure", "en"))
    assert row[2:] == ("", "", "")
    assert f"{rbi_test.label('hd_disclosure', 'en')}: not scored." in chart.description
    assert len(marker_centres(parse(chart))) == 15


def test_bad_chart_arguments_are_rejected_with_a_clear_message(rbi_test: Instrument) -> None:
    point = MapPoint("P", 4, 4)
    with pytest.raises(ValueError, match="one or two people, not 3"):
        balance_map([point, point, point], rbi_test, "en")
    with pytest.raises(ValueError, match="chart_id"):
        balance_map([point], rbi_test, "en", chart_id="1 bad")
    with pytest.raises(ValueError, match="lang 'fr'"):
        balance_map([point], rbi_test, "fr")
    with pytest.raises(ValueError, match=re.escape("points[0].x = 9")):
        balance_map([MapPoint("P", 9, 4)], rbi_test, "en")


def test_a_person_without_an_axis_score_has_no_map_point(
    rbi_test: Instrument, answers: Answers
) -> None:
    subs = tuple(rbi_test.scale("HD").children)
    person = profile_person(rbi_test, answers(rbi_test, skip=subs))
    with pytest.raises(ValueError, match="no connection score"):
        map_point(person, "Ana")
