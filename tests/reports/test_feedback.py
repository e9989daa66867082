from __future__ import annotations

import dataclasses

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from twofold.core import Instrument, parse_instrument, profile_person
from twofold.reports import individual_report, load_content, support_resources

from .conftest import Answers, instrument_spec

NEUTRAL = 4.0
HEALTHY = {"HD", "HI"}


def facet_of(instrument: Instrument, score_id: str) -> str:
    if score_id in instrument.profile:
        return score_id
    return next(f for f in instrument.profile if score_id in instrument.scale(f).children)


def test_clear_scores_become_strengths_or_growth_edges_by_polarity(
    instrument: Instrument, answers: Answers
) -> None:
    # healthy facets clearly high, unhealthy clearly low: all strengths; the mirror: all edges
    good = profile_person(instrument, answers(instrument, {"HD": 6, "HI": 6, "UD": 2, "UI": 2}))
    report = individual_report(good, "en")
    assert [i.score_id for i in report.strengths] == list(instrument.profile)
    assert report.growth_edges == ()

    strained = profile_person(instrument, answers(instrument, {"HD": 2, "HI": 2, "UD": 6, "UI": 6}))
    report = individual_report(strained, "en")
    assert report.strengths == ()
    assert [i.score_id for i in report.growth_edges] == list(instrument.profile)


def test_statements_come_from_the_content_for_the_clear_direction(
    instrument: Instrument, answers: Answers
) -> None:
    content = load_content()
    person = profile_person(instrument, answers(instrument, {"HD": 6, "UD": 6}))
    report = individual_report(person, "es")
    hd = next(i for i in report.strengths if i.score_id == "HD")
    assert hd.statement == content.facets["HD"].high["es"]
    assert hd.practice == content.facets["HD"].strength.practice["es"]
    assert hd.question == content.facets["HD"].strength.question["es"]
    ud = next(i for i in report.growth_edges if i.score_id == "UD")
    assert ud.statement == content.facets["UD"].high["es"]
    assert ud.practice == content.facets["UD"].growth.practice["es"]


answer_values = st.integers(min_value=1, max_value=7)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(answer_values, min_size=16, max_size=16))
def test_no_strength_or_growth_edge_is_stated_for_a_score_whose_interval_straddles_the_middle(
    instrument: Instrument, answers: Answers, values: list[int]
) -> None:
    subfacets = [s for f in instrument.profile for s in instrument.scale(f).children]
    person = profile_person(
        instrument, answers(instrument, dict(zip(subfacets, values, strict=True)))
    )
    report = individual_report(person, "en")
    for kind, items in (("strength", report.strengths), ("growth", report.growth_edges)):
        for item in items:
            low, high = person.intervals[item.score_id]
            assert not low <= NEUTRAL <= high
            above = low > NEUTRAL
            healthy = facet_of(instrument, item.score_id) in HEALTHY
            assert (kind == "strength") == (above == healthy)
    named = {i.score_id for i in (*report.strengths, *report.growth_edges)}
    for reading in (*report.facets, *report.subfacets):
        low, high = person.intervals[reading.id]
        if low <= NEUTRAL <= high:
            assert reading.id not in named
            assert reading.reading in ("leans_high", "leans_low", "middle")


@settings(max_examples=40, deadline=None)
@given(values=st.lists(answer_values, min_size=16, max_size=16))
def test_every_item_names_a_score_the_person_has_with_its_value_and_interval(
    instrument: Instrument, answers: Answers, values: list[int]
) -> None:
    subfacets = [s for f in instrument.profile for s in instrument.scale(f).children]
    person = profile_person(
        instrument, answers(instrument, dict(zip(subfacets, values, strict=True)))
    )
    report = individual_report(person, "es")
    for item in (*report.strengths, *report.growth_edges):
        assert item.score_id in person.scores
        assert item.value == person.scores[item.score_id]
        assert item.interval == person.intervals[item.score_id]
        assert item.label == instrument.label(item.score_id, "es")
        assert item.statement
        assert item.practice
        assert item.question


def test_strengths_come_first_and_facets_before_subfacets(
    rbi_test: Instrument, answers: Answers
) -> None:
    person = profile_person(
        rbi_test,
        answers(rbi_test, {"HD": 6, "hi_pursuits": 7, "UI": 6, "ud_needs": 1}),
    )
    report = individual_report(person, "en")
    assert [(i.score_id, i.kind) for i in report.strengths] == [
        ("HD", "facet"),
        ("ud_needs", "subfacet"),
        ("hi_pursuits", "subfacet"),
    ]
    assert [i.score_id for i in report.growth_edges] == ["UI"]
    fields = [f.name for f in dataclasses.fields(report)]
    assert fields.index("strengths") < fields.index("growth_edges")


def test_subfacets_are_worded_tentatively_and_left_out_when_their_facet_says_it(
    rbi_test: Instrument, answers: Answers
) -> None:
    person = profile_person(rbi_test, answers(rbi_test, {"HD": 7, "hi_pursuits": 7}))
    report = individual_report(person, "en")
    ids = [i.score_id for i in report.strengths]
    assert "HD" in ids
    assert not set(rbi_test.scale("HD").children) & set(ids)
    pursuits = next(i for i in report.strengths if i.score_id == "hi_pursuits")
    assert pursuits.statement.startswith("Your answers suggest")
    assert all(r.tentative for r in report.subfacets)
    assert not any(r.tentative for r in report.facets)


def test_a_score_near_the_middle_is_described_as_a_tendency(
    rbi_test: Instrument, answers: Answers
) -> None:
    content = load_content()
    # HD sub-facets 5,5,4,4 -> HD 4.5, interval about 3.7 to 5.3
    person = profile_person(rbi_test, answers(rbi_test, {"hd_disclosure": 5, "hd_limits": 5}))
    report = individual_report(person, "en")
    hd = next(r for r in report.facets if r.id == "HD")
    assert hd.reading == "leans_high"
    assert hd.description == content.phrase("reading_leans_high", "en")
    assert "HD" not in {i.score_id for i in (*report.strengths, *report.growth_edges)}
    ud = next(r for r in report.facets if r.id == "UD")
    assert ud.reading == "middle"
    assert content.phrase("caveat_nothing_clear", "en") in report.caveats


def test_missing_scores_are_said_to_be_missing_and_give_no_items(
    rbi_test: Instrument, answers: Answers
) -> None:
    person = profile_person(rbi_test, answers(rbi_test, {"HD": 7}, skip=("hd_disclosure",)))
    report = individual_report(person, "en")
    disclosure = next(r for r in report.subfacets if r.id == "hd_disclosure")
    assert disclosure.value is None
    assert disclosure.reading == "missing"
    assert load_content().phrase("caveat_missing", "en") in report.caveats


def test_a_person_with_no_answers_gets_no_map_and_no_claim_about_tendencies(
    rbi_test: Instrument,
) -> None:
    content = load_content()
    report = individual_report(profile_person(rbi_test, {}), "en")
    assert report.region is None
    assert report.map_chart is None
    assert report.strengths == report.growth_edges == ()
    assert content.phrase("caveat_no_region", "en") in report.caveats
    assert content.phrase("caveat_nothing_clear", "en") not in report.caveats


def test_the_region_comes_with_each_regions_chance_in_percent_and_words(
    instrument: Instrument, answers: Answers
) -> None:
    person = profile_person(instrument, answers(instrument, {"HD": 5, "HI": 5, "UD": 3, "UI": 3}))
    report = individual_report(person, "es")
    region = report.region
    assert region is not None
    assert region.id == person.region
    assert region.probability == person.region_probabilities[person.region]
    assert [c.id for c in region.chances] == [r.id for r in instrument.regions.regions]  # type: ignore[union-attr]
    for chance in region.chances:
        p = person.region_probabilities[chance.id]
        assert chance.probability == p
        shown = chance.percent.removesuffix(" %")
        if shown.startswith("<"):
            assert 0 < p < 0.005
        elif shown.startswith(">"):
            assert 0.995 <= p < 1
        else:
            assert int(shown) == round(p * 100)
        assert chance.words == load_content().band("probability", p, "es")
    assert region.description == load_content().regions[region.id].description["es"]
    assert next(c for c in region.chances if c.id == region.id).percent in region.summary


def test_a_point_near_a_dividing_line_is_flagged_as_uncertain(
    rbi_test: Instrument, answers: Answers
) -> None:
    content = load_content()
    # connection = mean(HD 4.25, reversed UI 4) = 4.125, just above its cut; autonomy 4.5
    near = profile_person(rbi_test, answers(rbi_test, {"hd_disclosure": 5, "HI": 5}))
    assert 0.5 < near.region_probabilities[near.region] < 0.66  # type: ignore[index]
    assert content.phrase("caveat_near_line", "en") in individual_report(near, "en").caveats
    far = profile_person(rbi_test, answers(rbi_test, {"HD": 7, "UI": 1, "HI": 7, "UD": 1}))
    assert content.phrase("caveat_near_line", "en") not in individual_report(far, "en").caveats


def test_caveats_name_provisional_norms_and_rough_subfacets(
    rbi_test: Instrument, answers: Answers
) -> None:
    content = load_content()
    report = individual_report(profile_person(rbi_test, answers(rbi_test)), "en")
    assert report.caveats[0] == content.phrase("caveat_snapshot", "en")
    assert content.phrase("caveat_provisional", "en") in report.caveats
    assert content.phrase("caveat_subfacets_rough", "en", n="3") in report.caveats

    spec = instrument_spec()
    spec["norms"]["provisional"] = False  # type: ignore[index]
    spec["norms"]["sample"] = "test sample"  # type: ignore[index]
    normed = parse_instrument(yaml.safe_dump(spec), source="normed")
    report = individual_report(profile_person(normed, answers(normed)), "en")
    assert content.phrase("caveat_provisional", "en") not in report.caveats


def test_outcomes_are_described_when_answered(instrument: Instrument, answers: Answers) -> None:
    content = load_content()
    none = individual_report(profile_person(instrument, answers(instrument)), "en")
    assert none.outcomes == ()
    person = profile_person(instrument, answers(instrument, outcomes=7))
    report = individual_report(person, "en")
    assert [o.id for o in report.outcomes] == [
        "autonomy_need",
        "relatedness_need",
        "accommodation",
        "satisfaction",
    ]
    for outcome in report.outcomes:
        assert outcome.value == person.scores[outcome.id]
        assert outcome.description == content.outcomes[outcome.id].high["en"]


def test_support_resources_appear_only_for_a_person_whose_answers_raised_a_concern(
    rbi_test: Instrument, answers: Answers
) -> None:
    content = load_content()
    calm = profile_person(rbi_test, answers(rbi_test, {"HD": 7, "UI": 7}))
    assert calm.safety is False
    report = individual_report(calm, "en")
    assert report.safety == ()
    assert report.joint_exercises

    worried = profile_person(rbi_test, answers(rbi_test, {"HD": 7, "UI": 7}, safety=True))
    assert worried.safety is True
    report = individual_report(worried, "es")
    assert report.safety == tuple(support_resources("es"))
    assert not report.joint_exercises
    # exercises that involve the partner are withheld
    for item in (*report.strengths, *report.growth_edges):
        assert item.practice == content.phrase("safe_practice", "es")
        assert item.question == content.phrase("safe_question", "es")


def test_support_resources_give_no_phone_numbers_and_cover_the_basics() -> None:
    for lang in ("en", "es"):
        resources = support_resources(lang)
        assert len(resources) >= 4
        text = " ".join(f"{r.title} {r.text} {r.how_to_reach}" for r in resources)
        assert not any(ch.isdigit() for ch in text)
    english = " ".join(f"{r.title} {r.text} {r.how_to_reach}" for r in support_resources("en"))
    for needed in ("emergency number", "helpline", "doctor", "trust", "private"):
        assert needed in english.lower()


def test_the_report_follows_the_language_asked_for(rbi_test: Instrument, answers: Answers) -> None:
    person = profile_person(rbi_test, answers(rbi_test, {"HD": 7, "HI": 6}))
    english = individual_report(person, "en")
    spanish = individual_report(person, "es-MX")
    assert spanish.lang == "es"
    assert english.strengths[0].statement != spanish.strengths[0].statement
    assert spanish.region is not None
    regions = {r.id: r for r in rbi_test.regions.regions}  # type: ignore[union-attr]
    assert spanish.region.label == regions[spanish.region.id].label["es"]
    with pytest.raises(ValueError, match="lang 'de' is not supported"):
        individual_report(person, "de")


def test_an_instrument_the_content_does_not_cover_is_refused_with_its_ids(
    answers: Answers,
) -> None:
    spec = instrument_spec()
    for scale in spec["scales"]:  # type: ignore[attr-defined]
        if scale["id"] == "hd_disclosure":
            scale["id"] = "hd_confiding"
        if scale.get("scales") and "hd_disclosure" in scale["scales"]:
            scale["scales"] = [
                "hd_confiding" if s == "hd_disclosure" else s for s in scale["scales"]
            ]
    spec["norms"]["scores"]["hd_confiding"] = spec["norms"]["scores"].pop("hd_disclosure")  # type: ignore[index]
    other = parse_instrument(yaml.safe_dump(spec), source="other")
    person = profile_person(other, answers(other))
    with pytest.raises(ValueError, match=r"sub-facet 'hd_confiding'.*has no texts"):
        individual_report(person, "en")


def test_a_person_must_be_a_profile() -> None:
    with pytest.raises(TypeError, match="PersonProfile"):
        individual_report({"HD": 5}, "en")  # type: ignore[arg-type]


def test_a_point_no_region_is_likely_for_is_the_centre_of_the_map(
    rbi_test: Instrument, answers: Answers
) -> None:
    content = load_content()
    # connection = mean(HD 5, reversed UI 3) = 4.0, right on its cut: two regions at 50% each
    tie = profile_person(rbi_test, answers(rbi_test, {"HD": 5, "UI": 5, "HI": 5, "UD": 3}))
    assert max(tie.region_probabilities.values()) <= 0.5
    for lang in ("en", "es"):
        report = individual_report(tie, lang)
        assert report.region is not None
        assert report.region.id == "centre"
        assert report.region.label == content.phrase("region_centre_name", lang)
        names = {content.regions[r].name[lang] for r in content.regions}
        assert not any(name in report.region.summary for name in names)
        assert len(report.region.chances) == 4  # every region's chance is still given


def test_all_middle_answers_are_never_called_disconnected(rbi_test: Instrument) -> None:
    middle = {i: 4 for i in rbi_test.item_ids if rbi_test.item(i).scale.max == 7}
    person = profile_person(rbi_test, middle)
    assert person.region_probabilities == {} or max(person.region_probabilities.values()) <= 0.5
    report = individual_report(person, "en")
    assert report.region is None or report.region.id == "centre"
    assert "Disconnected" not in " ".join(
        [report.region.label, report.region.summary] if report.region else []
    )


def test_a_likely_region_is_named_and_the_heading_never_names_an_unlikely_one(
    rbi_test: Instrument, answers: Answers
) -> None:
    for scores in ({"hd_disclosure": 5, "HI": 5}, {"HD": 7, "UI": 1, "HI": 7, "UD": 1}):
        person = profile_person(rbi_test, answers(rbi_test, scores))
        report = individual_report(person, "en")
        assert report.region is not None
        assert report.region.id != "centre"
        assert report.region.probability > 0.5
        assert report.region.probability == max(c.probability for c in report.region.chances)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_agreeing_with_everything_withholds_flags_and_region_and_says_why(
    rbi_test: Instrument, lang: str
) -> None:
    content = load_content()
    all_seven = {i: 7 for f in rbi_test.profile for i in rbi_test.scale(f).items}
    person = profile_person(rbi_test, all_seven)
    assert "acquiescence" in person.response_style
    assert set(person.flags.values()) == {None}
    report = individual_report(person, lang)
    assert report.region is None
    assert report.map_chart is None
    assert content.phrase("caveat_style_acquiescence", lang) in report.caveats
    assert content.phrase("caveat_no_region", lang) not in report.caveats


def test_the_provisional_caveat_says_the_norms_are_placeholders_not_data(
    rbi_test: Instrument, answers: Answers
) -> None:
    content = load_content()
    assert "placeholder" in content.phrase("caveat_provisional", "en")
    assert "not estimated from data" in content.phrase("caveat_provisional", "en")
    assert "no estimados a partir de datos" in content.phrase("caveat_provisional", "es")
    report = individual_report(profile_person(rbi_test, answers(rbi_test, {"HD": 6})), "es")
    assert content.phrase("caveat_provisional", "es") in report.caveats


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_facet_statement_never_speaks_for_a_sub_facet_that_reads_otherwise(
    rbi_test: Instrument, answers: Answers, lang: str
) -> None:
    content = load_content()
    # HD 5.75 overall, clear; hd_turning at the middle (4) reads "middle", not high
    scores = {"HD": 7, "hd_turning": 4, "HI": 6, "UD": 2, "UI": 2}
    report = individual_report(profile_person(rbi_test, answers(rbi_test, scores)), lang)
    hd = next(r for r in report.facets if r.id == "HD")
    turning = next(r for r in report.subfacets if r.id == "hd_turning")
    assert hd.reading == "high"
    assert turning.reading != "high"
    assert hd.description != content.facets["HD"].high[lang]
    assert turning.label.lower() in hd.description.lower()
    # when every sub-facet agrees, the facet's own sentence stands
    clear = individual_report(
        profile_person(rbi_test, answers(rbi_test, {"HD": 7, "HI": 6, "UD": 2, "UI": 2})), lang
    )
    assert (
        next(r for r in clear.facets if r.id == "HD").description
        == (content.facets["HD"].high[lang])
    )
