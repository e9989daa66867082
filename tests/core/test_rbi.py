"""The Relational Balance Inventory as shipped: structure, scoring rules, examples, originality."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twofold.core import (
    Instrument,
    Responses,
    bundled_instruments,
    couple_of,
    couples,
    load_instrument,
    profile,
)
from twofold.core.itemlint import lint_path, load_shingles

FACETS = ("HD", "UD", "HI", "UI")
SUBFACETS = {
    "HD": ("hd_disclosure", "hd_limits", "hd_influence", "hd_turning"),
    "UD": ("ud_silencing", "ud_needs", "ud_reassurance", "ud_responsibility"),
    "HI": ("hi_pursuits", "hi_selfrespect", "hi_equal", "hi_freedom"),
    "UI": ("ui_alone", "ui_guarded", "ui_resisting", "ui_engulfment"),
}
FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def rbi() -> Instrument:
    return load_instrument("rbi@1.0")


def answers(rbi: Instrument, **keyed: int) -> dict[str, int | None]:
    """Every self item of the named facets answered so that it scores ``keyed``."""
    out: dict[str, int | None] = {}
    for facet, value in keyed.items():
        for item_id, sign in rbi.scale(facet).keys:
            out[item_id] = value if sign > 0 else 8 - value
    for item_id in rbi.safety.items if rbi.safety else ():
        out[item_id] = 1
    return out


def frame_responses(rbi: Instrument, frame: pd.DataFrame) -> Responses:
    return Responses.from_columns(rbi, {i: frame[i].to_numpy(dtype=float) for i in rbi.item_ids})


# -- structure ---------------------------------------------------------------------------------


def test_the_rbi_is_a_bundled_instrument_in_english_and_spanish(rbi: Instrument) -> None:
    assert "rbi" in bundled_instruments()
    assert rbi.id == "rbi"
    assert rbi.languages == ("en", "es")
    for item in rbi.items:
        assert item.text["en"].strip()
        assert item.text["es"].strip()
        assert item.text["en"] != item.text["es"]


def test_the_forms_have_48_16_16_12_and_3_items(rbi: Instrument) -> None:
    sizes = {f.id: len(f.items) for f in rbi.forms}
    assert sizes == {"self": 48, "partner": 16, "checkin": 16, "outcomes": 12, "safety": 3}
    assert len(rbi.items) == 48 + 16 + 12 + 3  # check-in items are self items


def test_the_self_form_is_four_facets_of_four_subfacets_of_three_items(rbi: Instrument) -> None:
    self_items: set[str] = set()
    for facet in FACETS:
        scale = rbi.scale(facet)
        assert scale.children == SUBFACETS[facet]
        assert len(scale.items) == 12
        assert scale.min_answered == 0.75
        for sub in scale.children:
            sub_scale = rbi.scale(sub)
            assert sub_scale.items == tuple(f"{sub}_{k}" for k in (1, 2, 3))
            assert sub_scale.min_answered == 0.66
            self_items |= set(sub_scale.items)
    assert self_items == set(rbi.form("self").items)


def test_a_third_of_each_facet_is_reverse_keyed_at_most_one_per_subfacet(rbi: Instrument) -> None:
    for facet in FACETS:
        reversed_items = [i for i, sign in rbi.scale(facet).keys if sign < 0]
        assert len(reversed_items) == 4
        for sub in SUBFACETS[facet]:
            assert sum(1 for _, sign in rbi.scale(sub).keys if sign < 0) <= 1


def test_the_self_form_never_shows_two_items_of_one_facet_in_a_row(rbi: Instrument) -> None:
    order = [item_id[:2] for item_id in rbi.form("self").items]
    assert all(a != b for a, b in itertools.pairwise(order))
    # reversed items are spread through the form, not gathered at its end
    reversed_at = [k for k, i in enumerate(rbi.form("self").items) if rbi.item(i).reverse]
    for quarter in range(4):
        assert any(quarter * 12 <= k < (quarter + 1) * 12 for k in reversed_at)


def test_the_checkin_is_one_self_item_per_subfacet_scored_per_facet(rbi: Instrument) -> None:
    checkin = rbi.form("checkin").items
    self_items = set(rbi.form("self").items)
    assert set(checkin) <= self_items
    for facet in FACETS:
        scale = rbi.scale(f"{facet}_checkin")
        homes = [
            sub for item_id in scale.items for sub in SUBFACETS[facet] if item_id.startswith(sub)
        ]
        assert sorted(homes) == sorted(SUBFACETS[facet])
        assert scale.min_answered == 0.75
        # one reversed item keeps agreeing-with-everything from inflating the check-in
        assert sum(1 for _, sign in scale.keys if sign < 0) == 1
    assert sorted(checkin) == sorted(i for f in FACETS for i in rbi.scale(f"{f}_checkin").items)


def test_partner_scales_perceive_their_facet_with_one_item_per_subfacet(rbi: Instrument) -> None:
    for facet in FACETS:
        scale = rbi.scale(f"{facet}_partner")
        assert scale.perceives == facet
        assert scale.items == tuple(f"{sub}_partner" for sub in SUBFACETS[facet])
        for item_id in scale.items:
            assert "my partner" in rbi.item(item_id).text["en"].lower()
            assert "mi pareja" in rbi.item(item_id).text["es"].lower()
    assert set(rbi.form("partner").items) == {
        i for f in FACETS for i in rbi.scale(f"{f}_partner").items
    }


def test_outcomes_are_four_three_item_scales(rbi: Instrument) -> None:
    ids = ("autonomy_need", "relatedness_need", "accommodation", "satisfaction")
    for sid in ids:
        assert rbi.scale(sid).items == tuple(f"{sid}_{k}" for k in (1, 2, 3))
    assert list(rbi.form("outcomes").items) == [f"{s}_{k}" for s in ids for k in (1, 2, 3)]


def test_the_axes_are_the_models_composites(rbi: Instrument) -> None:
    comps = {c.id: c.components for c in rbi.composites}
    assert comps == {"connection": (("HD", 1), ("UI", -1)), "autonomy": (("HI", 1), ("UD", -1))}
    assert rbi.profile == FACETS


def test_the_map_cuts_at_the_neutral_answer_until_norms_exist(rbi: Instrument) -> None:
    assert rbi.regions is not None
    assert (rbi.regions.x, rbi.regions.y) == ("autonomy", "connection")
    assert rbi.cut("autonomy") == (4, "anchored")
    assert rbi.cut("connection") == (4, "anchored")
    assert {r.id for r in rbi.regions.regions} == {
        "interdependent",
        "over_dependent",
        "over_independent",
        "disconnected",
    }


def test_norms_are_provisional_placeholders_for_every_score(rbi: Instrument) -> None:
    norms = rbi.norms
    assert norms is not None
    assert norms.provisional
    assert norms.sample is None
    assert norms.note
    assert "placeholder" in norms.note.lower()
    assert set(norms.scores) == set(rbi.score_ids)
    assert all(not n.percentiles for n in norms.scores.values())
    # fewer items, less reliable: sub-facets < facets < axes
    assert max(norms.scores[s].reliability for f in FACETS for s in SUBFACETS[f]) < min(
        norms.scores[f].reliability for f in FACETS
    )
    assert max(norms.scores[f].reliability for f in FACETS) < norms.scores["connection"].reliability


# -- scoring rules -----------------------------------------------------------------------------


def test_a_subfacet_needs_two_of_its_three_answers(rbi: Instrument) -> None:
    rows = np.full((3, len(rbi.items)), np.nan)
    j = [rbi.item_position(f"hd_disclosure_{k}") for k in (1, 2, 3)]
    rows[0, j[:3]] = 6
    rows[1, j[:2]] = 6
    rows[2, j[:1]] = 6
    scores = profile(rbi, Responses.from_array(rbi, rows)).scores
    assert scores["hd_disclosure"][0] == pytest.approx((6 + 6 + 2) / 3)
    assert scores["hd_disclosure"][1] == 6
    assert np.isnan(scores["hd_disclosure"][2])


def test_agreeing_with_everything_does_not_look_balanced(rbi: Instrument) -> None:
    all_seven = {i.id: (7 if i.scale.max == 7 else 1) for i in rbi.items}
    person, _, _ = couple_of(rbi, all_seven, all_seven)
    assert person.scores["connection"] == 4
    assert person.scores["autonomy"] == 4
    # agreeing with opposite sentences is response style, not content: nothing is read into it
    assert person.response_style == ("acquiescence", "straight_lining")
    assert person.region is None
    assert person.flags == {"ud_elevated": None, "ui_elevated": None}


def test_unhealthy_facets_are_elevated_from_somewhat_agree(rbi: Instrument) -> None:
    below = answers(rbi, HD=6, UD=4, HI=6, UI=4)
    at = answers(rbi, HD=6, UD=5, HI=6, UI=5)
    partner_a, partner_b, _ = couple_of(rbi, below, at)
    assert partner_a.flags == {"ud_elevated": False, "ui_elevated": False}
    assert partner_b.flags == {"ud_elevated": True, "ui_elevated": True}


@pytest.mark.parametrize("item_id", ["safety_fear", "safety_control", "safety_harm"])
def test_any_safety_answer_above_never_raises_the_safety_flag(
    rbi: Instrument, item_id: str
) -> None:
    calm = answers(rbi, HD=6, UD=2, HI=6, UI=2)
    worried = {**calm, item_id: 2}
    partner_a, partner_b, _ = couple_of(rbi, calm, worried)
    assert partner_a.safety is False
    assert partner_b.safety is True
    assert rbi.safety is not None
    assert set(rbi.safety.triggers) == {"show_support_resources", "withhold_couple_sharing"}
    assert rbi.item(item_id).scale.id == "often4"


def test_a_checkin_alone_scores_the_checkin_facets_but_not_the_full_ones(rbi: Instrument) -> None:
    rows = np.full((1, len(rbi.items)), np.nan)
    for item_id in rbi.form("checkin").items:
        rows[0, rbi.item_position(item_id)] = 6 if not rbi.item(item_id).reverse else 2
    scores = profile(rbi, Responses.from_array(rbi, rows)).scores
    for facet in FACETS:
        assert scores[f"{facet}_checkin"][0] == 6
        assert np.isnan(scores[facet][0])


# -- example couples ---------------------------------------------------------------------------


def test_every_fixture_couple_gets_its_intended_pattern(rbi: Instrument) -> None:
    frame = pd.read_csv(FIXTURES / "rbi_couples.csv")
    result = couples(
        profile(rbi, frame_responses(rbi, frame)), frame["couple"].to_numpy(dtype=object)
    )
    intended = frame.groupby("couple", sort=False)["intended_pattern"].first()
    assert result.pattern_names() == intended.tolist()
    assert set(intended) == {
        "interdependent_pair",
        "pursue_withdraw",
        "fused",
        "parallel_lives",
        "one_sided",
        "mixed",
    }


def test_the_example_couple_is_a_pursuer_and_a_withdrawer(rbi: Instrument) -> None:
    text = resources.files("twofold.data").joinpath("example_couple.csv").read_text("utf-8")
    header = next(csv.reader(io.StringIO(text)))
    assert header == ["couple", "person", "name", *rbi.item_ids]
    frame = pd.read_csv(io.StringIO(text))
    assert len(frame) == 2
    assert not frame[list(rbi.item_ids)].isna().any().any()  # every form answered
    assert (frame[["safety_fear", "safety_control", "safety_harm"]] == 1).all().all()
    prof = profile(rbi, frame_responses(rbi, frame))
    partner_a, partner_b = prof.person(0), prof.person(1)
    result = couples(prof, frame["couple"].to_numpy(dtype=object)).couple(0)
    assert result.pattern == "pursue_withdraw"
    assert partner_a.region == "over_dependent"
    assert partner_a.flags["ud_elevated"]
    assert partner_b.region == "over_independent"
    assert partner_b.flags["ui_elevated"]
    assert partner_a.safety is False
    assert partner_b.safety is False
    assert all(a is not None and b is not None for a, b in result.understanding.values())


# -- item writing and originality --------------------------------------------------------------


def test_the_rbi_passes_the_item_lint() -> None:
    _, problems = lint_path("rbi")
    assert [str(p) for p in problems] == []


def test_no_item_shares_five_words_in_a_row_with_the_seed_article() -> None:
    seed = load_shingles(FIXTURES / "seed_shingles.txt")
    _, problems = lint_path("rbi", avoid=[seed])
    assert [str(p) for p in problems if p.rule == "source_overlap"] == []


def test_the_seed_shingles_were_made_from_the_article() -> None:
    seed = load_shingles(FIXTURES / "seed_shingles.txt")
    assert seed.size == 5
    assert len(seed.hashes) > 1000
    # a common idiom the article uses: proves the fixture hashes the article's normalised words
    idiom = hashlib.sha1(b"stand on their own two").hexdigest()
    assert idiom in seed.hashes


def test_the_docs_list_every_item_id_and_score(rbi: Instrument) -> None:
    docs = (Path(__file__).parents[2] / "docs" / "rbi.md").read_text(encoding="utf-8")
    missing = [i for i in (*rbi.item_ids, *rbi.score_ids) if f"`{i}`" not in docs]
    assert missing == []
