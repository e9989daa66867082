from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from twofold.core import PATTERNS, Instrument, couple_of, parse_instrument
from twofold.reports import CoupleReport, couple_report, load_content

from .conftest import Answers, instrument_spec

# facet scores that put a person in each region (UD, UI below the "elevated" flag)
INTERDEPENDENT = {"HD": 6, "UI": 2, "HI": 6, "UD": 2}
OVER_DEPENDENT = {"HD": 6, "UI": 2, "HI": 2, "UD": 4}
OVER_INDEPENDENT = {"HD": 2, "UI": 4, "HI": 6, "UD": 2}
DISCONNECTED = {"HD": 2, "UI": 4, "HI": 2, "UD": 4}
# over-dependent and seeking reassurance (the sub-facet pursue-withdraw rests on)
PURSUING = {**OVER_DEPENDENT, "ud_reassurance": 6}
PAIRS = {
    "interdependent_pair": (INTERDEPENDENT, INTERDEPENDENT),
    "pursue_withdraw": (PURSUING, OVER_INDEPENDENT),
    "fused": (OVER_DEPENDENT, OVER_DEPENDENT),
    "parallel_lives": (OVER_INDEPENDENT, OVER_INDEPENDENT),
    "one_sided": (INTERDEPENDENT, OVER_DEPENDENT),
    "both_disconnected": (DISCONNECTED, DISCONNECTED),
    "mixed": (DISCONNECTED, INTERDEPENDENT),
}


def report_for(
    instrument: Instrument,
    answers: Answers,
    a: dict[str, int],
    b: dict[str, int],
    lang: str = "en",
    *,
    me_is_a: bool = True,
    **options: Any,
) -> CoupleReport:
    views_a = options.pop("views_a", None)
    views_b = options.pop("views_b", None)
    safety_a = options.pop("safety_a", False)
    pa, pb, couple = couple_of(
        instrument,
        answers(instrument, a, views=views_a, safety=safety_a),
        answers(instrument, b, views=views_b),
    )
    me, partner = (pa, pb) if me_is_a else (pb, pa)
    return couple_report(
        me, partner, couple, lang, me_is_a=me_is_a, my_name="Ana", partner_name="Ben", **options
    )


def strings(value: object) -> Iterator[str]:
    """Every string a report holds, however deeply nested."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from strings(v)


def test_the_pairs_used_here_make_every_pattern() -> None:
    assert set(PAIRS) == set(PATTERNS)


@pytest.mark.parametrize("pattern", list(PAIRS))
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_pattern_comes_with_its_meaning_and_exactly_three_prompts(
    instrument: Instrument, answers: Answers, pattern: str, lang: str
) -> None:
    a, b = PAIRS[pattern]
    report = report_for(instrument, answers, a, b, lang)
    spec = load_content().patterns[pattern]
    assert report.pattern is not None
    assert report.pattern.id == pattern
    assert report.pattern.label == spec.label[lang]
    assert report.pattern.meaning == spec.meaning[lang]
    assert len(report.prompts) == 3
    assert report.prompts == tuple(p[lang] for p in spec.prompts)


def test_both_partners_are_on_one_map_under_their_names(
    instrument: Instrument, answers: Answers
) -> None:
    report = report_for(instrument, answers, OVER_DEPENDENT, OVER_INDEPENDENT)
    assert report.map_chart is not None
    assert report.map_chart.id == "couple-map"
    assert [row[0] for row in report.map_chart.table.rows] == ["Ana", "Ben"]
    root = ET.fromstring(report.map_chart.svg)
    labels = [e.text for e in root.iter() if e.get("class") == "point-label"]
    assert labels == ["Ana", "Ben"]


def test_understanding_is_shown_only_when_both_rated_each_other(
    rbi_test: Instrument, answers: Answers
) -> None:
    content = load_content()
    views = {"HD": 6, "UD": 2, "HI": 6, "UI": 2}
    one_way = report_for(rbi_test, answers, INTERDEPENDENT, INTERDEPENDENT, views_a=views)
    assert one_way.understanding == ()
    assert one_way.understanding_note == content.phrase("understanding_none", "en", partner="Ben")

    both = report_for(
        rbi_test, answers, INTERDEPENDENT, INTERDEPENDENT, views_a=views, views_b=views
    )
    assert [line.facet_id for line in both.understanding] == list(rbi_test.profile)
    assert both.understanding_note == content.phrase("understanding_note", "en")


def test_my_view_and_my_partners_view_follow_who_is_partner_a(
    rbi_test: Instrument, answers: Answers
) -> None:
    content = load_content()
    # Ana (a) sees Ben's HD as 6 while Ben reports 2; Ben sees Ana's HD as 5, Ana reports 6
    ana, ben = dict(INTERDEPENDENT), dict(INTERDEPENDENT, HD=2)
    views_a = {"HD": 6, "UD": 2, "HI": 6, "UI": 2}
    views_b = {"HD": 5, "UD": 2, "HI": 6, "UI": 2}
    as_ana = report_for(rbi_test, answers, ana, ben, views_a=views_a, views_b=views_b)
    hd = as_ana.understanding[0]
    assert (hd.my_view_gap, hd.partner_view_gap) == (4.0, -1.0)
    label = rbi_test.label("HD", "en")
    assert hd.mine == content.phrase(
        "understanding_mine", "en", facet=label, partner="Ben", words="much higher than"
    )
    assert hd.theirs == content.phrase(
        "understanding_theirs", "en", facet=label, partner="Ben", words="somewhat lower than"
    )
    # the same couple read by Ben (partner b): the gaps swap
    pa, pb, couple = couple_of(
        rbi_test, answers(rbi_test, ana, views=views_a), answers(rbi_test, ben, views=views_b)
    )
    as_ben = couple_report(
        pb, pa, couple, "en", me_is_a=False, my_name="Ben", partner_name="Ana"
    ).understanding[0]
    assert (as_ben.my_view_gap, as_ben.partner_view_gap) == (-1.0, 4.0)
    ud = as_ana.understanding[1]
    assert "close to" in ud.mine


def test_distance_and_similarity_are_given_in_words(
    instrument: Instrument, answers: Answers
) -> None:
    content = load_content()
    pa, pb, couple = couple_of(
        instrument, answers(instrument, OVER_DEPENDENT), answers(instrument, OVER_INDEPENDENT)
    )
    report = couple_report(pa, pb, couple, "es", me_is_a=True, my_name="Ana", partner_name="Ben")
    assert couple.distance is not None
    assert couple.similarity is not None
    assert report.distance == content.band("distance", couple.distance, "es", partner="Ben")
    assert report.similarity == content.band("similarity", couple.similarity, "es", partner="Ben")
    assert "Ben" in report.distance


def test_the_couple_report_is_the_same_whether_or_not_a_safety_answer_was_given(
    rbi_test: Instrument, answers: Answers
) -> None:
    calm = report_for(rbi_test, answers, OVER_DEPENDENT, OVER_INDEPENDENT, "es", safety_a=False)
    worried = report_for(rbi_test, answers, OVER_DEPENDENT, OVER_INDEPENDENT, "es", safety_a=True)
    assert calm == worried


@pytest.mark.parametrize("pattern", list(PAIRS))
def test_the_couple_report_mentions_neither_safety_nor_any_item(
    rbi_test: Instrument, answers: Answers, pattern: str
) -> None:
    a, b = PAIRS[pattern]
    views = {"HD": 5, "UD": 3, "HI": 5, "UI": 3}
    for lang in ("en", "es"):
        report = report_for(rbi_test, answers, a, b, lang, views_a=views, views_b=views)
        text = " ".join(strings(report)).lower()
        for word in ("safety", "seguridad", "helpline", "línea de ayuda", "emergenc", "abuse"):
            assert word not in text
        for item in rbi_test.items:
            assert item.id.lower() not in text
            assert item.text_in(lang).lower() not in text


def test_a_missing_map_position_gives_no_pattern_and_says_why(
    rbi_test: Instrument, answers: Answers
) -> None:
    hd_subs = tuple(rbi_test.scale("HD").children)
    pa, pb, couple = couple_of(
        rbi_test,
        answers(rbi_test, INTERDEPENDENT),
        answers(rbi_test, INTERDEPENDENT, skip=hd_subs),
    )
    report = couple_report(pa, pb, couple, "en", me_is_a=True, my_name="Ana", partner_name="Ben")
    assert report.pattern is None
    assert report.prompts == ()
    assert report.map_chart is None
    assert report.pattern_note == load_content().phrase("pattern_missing", "en")
    assert report.distance == load_content().phrase("distance_missing", "en")


def test_bad_couple_arguments_are_refused_with_a_clear_message(
    rbi_test: Instrument, answers: Answers
) -> None:
    pa, pb, couple = couple_of(
        rbi_test, answers(rbi_test, INTERDEPENDENT), answers(rbi_test, INTERDEPENDENT)
    )
    with pytest.raises(ValueError, match="partner_name must be a non-empty name"):
        couple_report(pa, pb, couple, "en", me_is_a=True, my_name="Ana", partner_name="  ")
    with pytest.raises(TypeError, match="couple must be a CoupleView"):
        couple_report(pa, pb, None, "en", me_is_a=True, my_name="A", partner_name="B")  # type: ignore[arg-type]
    spec = instrument_spec()
    spec["version"] = "0.1-other"
    other = parse_instrument(yaml.safe_dump(spec), source="other")
    po, _, _ = couple_of(other, answers(other), answers(other))
    with pytest.raises(ValueError, match="different instruments"):
        couple_report(pa, po, couple, "en", me_is_a=True, my_name="A", partner_name="B")
