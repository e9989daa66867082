"""Change over time: which facet changed reliably, which way is better, and the chart of it.

Run on the bundled RBI, whose check-in scales (``HD_checkin`` …, 4 items each) carry their own
provisional norms. The expected standard errors are written out from those norms
(``SEM = SD * sqrt(1 - reliability)``), so a reading that used the full facet's smaller error
instead would fail.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from twofold.core import Instrument, PersonProfile, load_instrument, profile_person
from twofold.reports.change import Occasion, change_report, checkin_scales
from twofold.reports.change_texts import PHRASES, change_text
from twofold.reports.timeline import MAX_SHOWN

# From rbi.yaml's norms: (SD, reliability) of each check-in scale and of the full facet.
CHECKIN_NORMS = {"HD": (0.95, 0.70), "UD": (1.05, 0.68), "HI": (0.90, 0.66), "UI": (1.00, 0.68)}


@pytest.fixture(scope="module")
def rbi() -> Instrument:
    return load_instrument("rbi@1.0")


def checkin_profile(
    rbi: Instrument, levels: dict[str, int], *, safety: int = 1, full: bool = False
) -> PersonProfile:
    """A person whose check-in items score ``levels[facet]`` after reverse-keying."""
    items = rbi.form("self" if full else "checkin").items
    answers: dict[str, int] = {}
    for item_id in items:
        facet = next(f for f in levels if item_id in rbi.scale(f).items)
        level = levels[facet]
        answers[item_id] = 8 - level if rbi.item(item_id).reverse else level
    for item_id in rbi.form("safety").items:
        answers[item_id] = safety
    return profile_person(rbi, answers)


def flat(level: int) -> dict[str, int]:
    return {"HD": level, "UD": level, "HI": level, "UI": level}


def test_each_facet_has_its_check_in_scale(rbi: Instrument) -> None:
    assert checkin_scales(rbi) == {
        "HD": "HD_checkin",
        "UD": "UD_checkin",
        "HI": "HI_checkin",
        "UI": "UI_checkin",
    }


def test_a_check_in_scale_uses_its_own_wider_error_not_the_full_facets(rbi: Instrument) -> None:
    person = checkin_profile(rbi, flat(5))
    for facet, (sd, reliability) in CHECKIN_NORMS.items():
        assert person.sem[f"{facet}_checkin"] == pytest.approx(sd * math.sqrt(1 - reliability))
        assert person.sem[f"{facet}_checkin"] > person.sem[facet]


def test_a_healthy_facet_going_up_reliably_is_a_change_for_the_better(rbi: Instrument) -> None:
    before = checkin_profile(rbi, flat(3))
    after = checkin_profile(rbi, flat(6))
    report = change_report(
        [Occasion("1 May", "checkin", before), Occasion("9 May", "checkin", after)], rbi, "en"
    )
    readings = {f.facet: f for f in report.facets}
    assert readings["HD"].verdict == "better"
    assert readings["HI"].verdict == "better"
    # the same rise on an unhealthy facet is a change for the worse
    assert readings["UD"].verdict == "worse"
    assert readings["UI"].verdict == "worse"
    assert readings["HD"].verdict_label == "Changed for the better"
    assert "higher is the healthier direction" in readings["HD"].statement
    assert "lower is the healthier direction" in readings["UD"].statement


def test_an_unhealthy_facet_going_down_reliably_is_a_change_for_the_better(
    rbi: Instrument,
) -> None:
    before = checkin_profile(rbi, flat(6))
    after = checkin_profile(rbi, flat(3))
    report = change_report(
        [Occasion("1 May", "checkin", before), Occasion("9 May", "checkin", after)], rbi, "en"
    )
    verdicts = {f.facet: f.verdict for f in report.facets}
    assert verdicts == {"HD": "worse", "UD": "better", "HI": "worse", "UI": "better"}


def test_the_reliable_change_index_follows_the_formula_with_the_check_in_error(
    rbi: Instrument,
) -> None:
    before = checkin_profile(rbi, flat(4))
    after = checkin_profile(rbi, flat(5))
    report = change_report(
        [Occasion("1 May", "checkin", before), Occasion("9 May", "checkin", after)], rbi, "en"
    )
    for reading in report.facets:
        sd, reliability = CHECKIN_NORMS[reading.facet]
        sem = sd * math.sqrt(1 - reliability)
        assert reading.rci == pytest.approx(1.0 / (sem * math.sqrt(2)))
        assert reading.needed == pytest.approx(1.96 * sem * math.sqrt(2))


def test_a_difference_the_full_facet_would_call_reliable_is_no_reliable_change_on_a_check_in(
    rbi: Instrument,
) -> None:
    # One point up, under the 1.44 points a 4-item HD check-in needs to count as reliable.
    before = checkin_profile(rbi, flat(4))
    after = checkin_profile(rbi, flat(5))
    report = change_report(
        [Occasion("1 May", "checkin", before), Occasion("9 May", "checkin", after)], rbi, "en"
    )
    hd = next(f for f in report.facets if f.facet == "HD")
    assert hd.verdict == "none"
    assert hd.verdict_label == "No reliable change"
    assert "does not show a clear change" in hd.statement
    assert "1.4 points" in hd.statement


def test_one_occasion_is_too_early_to_tell(rbi: Instrument) -> None:
    report = change_report(
        [Occasion("1 May", "questionnaire", checkin_profile(rbi, flat(5), full=True))], rbi, "en"
    )
    assert {f.verdict for f in report.facets} == {"too_few"}
    assert all(f.rci is None for f in report.facets)


def test_the_questionnaire_is_compared_on_the_same_four_questions_as_a_check_in(
    rbi: Instrument,
) -> None:
    full = checkin_profile(rbi, flat(3), full=True)
    later = checkin_profile(rbi, flat(3))
    report = change_report(
        [Occasion("1 May", "questionnaire", full), Occasion("9 May", "checkin", later)], rbi, "en"
    )
    hd = next(f for f in report.facets if f.facet == "HD")
    first, second = hd.points
    assert first.value == full.scores["HD_checkin"] == 3.0
    assert first.full_value == full.scores["HD"]
    assert first.full_interval is not None
    assert second.full_value is None  # a check-in has no full score
    assert hd.verdict == "none"
    assert hd.rci == 0.0


def test_a_facet_without_enough_answers_on_an_occasion_is_skipped_not_guessed(
    rbi: Instrument,
) -> None:
    first = checkin_profile(rbi, flat(3))
    empty = replace(first, scores={**first.scores, "HD_checkin": None}, intervals={})
    last = checkin_profile(rbi, flat(6))
    report = change_report(
        [
            Occasion("1 May", "checkin", first),
            Occasion("5 May", "checkin", empty),
            Occasion("9 May", "checkin", last),
        ],
        rbi,
        "en",
    )
    hd = next(f for f in report.facets if f.facet == "HD")
    assert hd.first is not None
    assert hd.latest is not None
    assert (hd.first.occasion, hd.latest.occasion) == (1, 3)
    assert "too few answers" in hd.chart.description


def test_support_is_offered_when_the_latest_occasion_raised_a_safety_concern(
    rbi: Instrument,
) -> None:
    calm = checkin_profile(rbi, flat(5))
    worried = checkin_profile(rbi, flat(5), safety=3)
    assert worried.safety is True
    raised = change_report(
        [Occasion("1 May", "checkin", calm), Occasion("9 May", "checkin", worried)], rbi, "en"
    )
    assert raised.safety
    settled = change_report(
        [Occasion("1 May", "checkin", worried), Occasion("9 May", "checkin", calm)], rbi, "en"
    )
    assert settled.safety == ()


def test_the_readings_speak_spanish_with_a_decimal_comma(rbi: Instrument) -> None:
    report = change_report(
        [
            Occasion("1 de mayo", "checkin", checkin_profile(rbi, flat(3))),
            Occasion("9 de mayo", "checkin", checkin_profile(rbi, flat(6))),
        ],
        rbi,
        "es",
    )
    hd = next(f for f in report.facets if f.facet == "HD")
    assert hd.verdict_label == "Ha cambiado a mejor"
    assert "Tu puntuación era 3,0 el 1 de mayo y 6,0 el 9 de mayo" in hd.statement
    assert any("1,96" in note for note in report.notes)


def test_every_phrase_exists_in_both_languages() -> None:
    for key in PHRASES:
        for lang in ("en", "es"):
            values = dict.fromkeys(PHRASES[key], "X")
            assert change_text(key, lang, **values).strip()


def test_the_chart_is_accessible_and_safe_under_a_strict_content_policy(rbi: Instrument) -> None:
    report = change_report(
        [
            Occasion("1 May", "questionnaire", checkin_profile(rbi, flat(4), full=True)),
            Occasion("9 May <b>", "checkin", checkin_profile(rbi, flat(5))),
        ],
        rbi,
        "en",
    )
    chart = report.facets[0].chart
    svg = chart.svg
    assert 'role="img"' in svg
    assert f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in svg
    assert f'<title id="{chart.id}-title">Healthy dependence over time</title>' in svg
    assert "<b>" not in svg  # text is escaped
    assert "style" not in svg
    assert "<script" not in svg
    # two circles and one square, besides the two markers of the legend
    assert len(re.findall(r'class="point"', svg)) == 3 + 2
    assert chart.table.rows[0][:3] == ("1", "1 May", "full questionnaire")
    assert chart.table.rows[1][2] == "check-in"
    assert "Occasion 2, 9 May <b>, check-in: 5.0" in chart.description


def test_a_long_history_draws_the_first_and_latest_occasions_and_tables_them_all(
    rbi: Instrument,
) -> None:
    occasions = [
        Occasion(f"day {k}", "checkin", checkin_profile(rbi, flat(3 + k % 3))) for k in range(20)
    ]
    chart = change_report(occasions, rbi, "en").facets[0].chart
    assert len(re.findall(r'class="point"', chart.svg)) == MAX_SHOWN + 2  # and the legend
    assert len(chart.table.rows) == 20
    assert f"the latest {MAX_SHOWN - 1}" in chart.description
    ticks = re.findall(r'class="tick"[^>]*>(\d+)<', chart.svg)
    assert "1" in ticks
    assert "20" in ticks
    assert "2" not in ticks[7:]  # occasion 2 is not drawn (the first ticks are the y axis)


def test_the_same_occasions_give_the_same_chart(rbi: Instrument) -> None:
    def build() -> str:
        return (
            change_report(
                [
                    Occasion("1 May", "checkin", checkin_profile(rbi, flat(3))),
                    Occasion("9 May", "checkin", checkin_profile(rbi, flat(6))),
                ],
                rbi,
                "en",
            )
            .facets[0]
            .chart.svg
        )

    assert build() == build()


def test_no_occasion_is_an_error_that_says_so(rbi: Instrument) -> None:
    with pytest.raises(ValueError, match="occasions is empty"):
        change_report([], rbi, "en")


@settings(max_examples=40, deadline=None)
@given(
    before=st.floats(min_value=1, max_value=7, allow_nan=False),
    after=st.floats(min_value=1, max_value=7, allow_nan=False),
)
def test_a_change_is_better_or_worse_only_beyond_the_needed_difference_and_by_polarity(
    before: float, after: float
) -> None:
    rbi = load_instrument("rbi@1.0")
    base = checkin_profile(rbi, flat(4))

    def at(value: float) -> PersonProfile:
        scores = {**base.scores, **{f"{f}_checkin": value for f in CHECKIN_NORMS}}
        return replace(base, scores=scores)

    report = change_report(
        [Occasion("a", "checkin", at(before)), Occasion("b", "checkin", at(after))], rbi, "en"
    )
    for reading in report.facets:
        assert reading.needed is not None
        assume(abs(abs(after - before) - reading.needed) > 1e-6)  # not on the line itself
        moved = abs(after - before) > reading.needed
        assert (reading.verdict != "none") == moved
        if moved:
            healthy_way = (after > before) == (reading.polarity == "healthy")
            assert reading.verdict == ("better" if healthy_way else "worse")
