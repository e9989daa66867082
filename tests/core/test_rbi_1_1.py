"""What RBI 1.1 changes from 1.0 (issue 9): items, keying, situational answers, Spanish."""

from __future__ import annotations

import re

import pytest
import yaml

from twofold.core import Instrument, InstrumentError, load_instrument, parse_instrument
from twofold.core.instrument import bundled_versions


@pytest.fixture(scope="module")
def rbi() -> Instrument:
    return load_instrument("rbi@1.1")


@pytest.fixture(scope="module")
def v10() -> Instrument:
    return load_instrument("rbi@1.0")


REWRITTEN = (
    "hd_disclosure_3",
    "ui_resisting_3",
    "hi_equal_1",
    "hi_equal_2",
    "hi_equal_3",
    "hi_equal_partner",
    "hd_limits_3",
    "ui_engulfment_3",
    "hi_selfrespect_3",
    "hi_freedom_3",
    "hi_pursuits_3",
)


@pytest.mark.parametrize("item_id", REWRITTEN)
def test_the_listed_items_are_rewritten_in_both_languages(
    rbi: Instrument, v10: Instrument, item_id: str
) -> None:
    for lang in ("en", "es"):
        assert rbi.item(item_id).text[lang] != v10.item(item_id).text[lang]


def test_equal_standing_reads_both_directions(rbi: Instrument) -> None:
    """A partner who dominates must not score high: no item asks only 'do I count enough'."""
    assert rbi.item("hi_equal_3").reverse
    assert "one of us" in rbi.item("hi_equal_3").text["en"]
    assert "same" in rbi.item("hi_equal_1").text["en"]
    assert not rbi.item("hi_equal_partner").reverse


def test_every_outcome_scale_has_a_reverse_keyed_item(rbi: Instrument, v10: Instrument) -> None:
    for sid in ("autonomy_need", "relatedness_need", "accommodation", "satisfaction"):
        assert any(sign < 0 for _, sign in rbi.scale(sid).keys), sid
    assert not any(sign < 0 for _, sign in v10.scale("satisfaction").keys)


@pytest.mark.parametrize(
    "item_id", ["accommodation_1", "accommodation_2", "accommodation_3", "ud_responsibility_2"]
)
def test_presupposing_items_offer_does_not_happen_that_is_not_the_midpoint(
    rbi: Instrument, item_id: str
) -> None:
    scale = rbi.item(item_id).scale
    assert scale.not_applicable is not None
    assert scale.not_applicable["en"] == "This does not happen"
    # not an answer value at all: recorded as not applicable, never as 4
    assert (scale.min, scale.max) == (1, 7)
    assert scale.not_applicable["en"] not in {a["en"] for a in scale.anchors.values()}


def test_spanish_fixes(rbi: Instrument) -> None:
    assert rbi.item("ud_responsibility_2").text["es"].startswith("Pongo excusas por mi pareja")
    assert rbi.scale("hi_selfrespect").label["es"] == "Respeto propio"
    assert rbi.scale("ud_reassurance").label["es"] != "Necesitar que te lo confirmen"
    assert rbi.scale("accommodation").label["es"] != "Acomodación"
    text = bundled_versions()["rbi"]["1.1"].read_text(encoding="utf-8")
    assert "uno mismo" not in text
    assert "Encubro" not in text
    # neutral Spanish with tú: no vosotros forms
    assert not re.search(r"\b(vosotros|vuestr[oa]s?|os)\b", text)


def test_safety_comes_early_in_the_form_order_and_the_doc_says_why(rbi: Instrument) -> None:
    forms = [f.id for f in rbi.forms]
    assert forms.index("safety") < forms.index("self")
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "rbi.md").read_text(encoding="utf-8")
    assert "fatigue" in doc


BASE = """
id: t
version: "1"
title: {en: T}
languages: [en]
response_scales:
  yn: {min: 1, max: 2}
default_response_scale: yn
items:
  - {id: s1, text: {en: s1}}
  - {id: s2, text: {en: s2}}
  - {id: d1, text: {en: d1}}
forms:
  - {id: screen, label: {en: S}, items: [s1, s2, d1]}
safety:
  items: [s1]
  own_behaviour: [s1]
  danger_signs: [d1]
  at_or_above: 2
  triggers: [show_support_resources]
"""


def test_the_safety_format_errors_name_what_is_wrong() -> None:
    with pytest.raises(InstrumentError) as err:
        parse_instrument(BASE, source="t.yaml")
    text = str(err.value)
    assert "safety: item 's1' is in both items and own_behaviour" in text
    assert "form 'screen': danger-sign items must have a form of their own" in text


def test_a_not_applicable_label_needs_every_language() -> None:
    raw = yaml.safe_load(BASE)
    raw["languages"] = ["en", "es"]
    raw.pop("safety")
    raw["response_scales"]["yn"]["not_applicable"] = {"en": "Does not happen"}
    with pytest.raises(InstrumentError, match="not_applicable"):
        parse_instrument(yaml.safe_dump(raw), source="t.yaml")
