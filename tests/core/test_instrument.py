from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from twofold.core import (
    InstrumentError,
    instrument_from_keys,
    load_instrument,
    load_keys,
    parse_instrument,
)

ROOT = Path(__file__).parents[2]


def docs_example() -> str:
    text = (ROOT / "docs" / "instruments.md").read_text(encoding="utf-8")
    match = re.search(r"## A complete example\n\n```yaml\n(.*?)```", text, re.S)
    assert match is not None
    return match.group(1)


def mutated(mutate) -> str:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load(docs_example())
    mutate(raw)
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def problems_of(text: str) -> list[str]:
    with pytest.raises(InstrumentError) as info:
        parse_instrument(text, source="broken.yaml")
    assert str(info.value).startswith("broken.yaml: ")
    return info.value.problems


class TestTheDocumentedExample:
    def test_it_is_a_valid_definition(self) -> None:
        inst = parse_instrument(docs_example(), source="example.yaml")
        assert inst.id == "closeness-demo"
        assert [s.id for s in inst.scales] == ["talk", "room", "closeness", "view_closeness"]

    def test_item_level_reverse_keying_applies_in_every_scale(self) -> None:
        inst = parse_instrument(docs_example())
        assert dict(inst.scale("talk").keys) == {"close_1": 1, "close_2": -1}
        assert dict(inst.scale("closeness").keys) == {"close_1": 1, "close_2": -1}

    def test_nested_scales_take_all_items_of_their_children(self) -> None:
        inst = parse_instrument(docs_example())
        assert inst.scale("closeness").items == ("close_1", "close_2")
        assert inst.scale("closeness").children == ("talk",)

    def test_composites_keep_their_reversals(self) -> None:
        inst = parse_instrument(docs_example())
        comps = {c.id: c.components for c in inst.composites}
        assert comps["distance_from_room"] == (("room", -1),)

    def test_items_can_use_their_own_response_scale(self) -> None:
        inst = parse_instrument(docs_example())
        assert (inst.item("safe_1").scale.min, inst.item("safe_1").scale.max) == (0, 3)
        assert inst.item("close_1").scale.max == 5

    def test_norms_give_the_standard_error_of_measurement(self) -> None:
        norm = parse_instrument(docs_example()).norm("closeness")
        assert norm is not None
        assert norm.sem == pytest.approx(0.8 * (1 - 0.70) ** 0.5)

    def test_provisional_norms_keep_anchored_cut_points(self) -> None:
        inst = parse_instrument(docs_example())
        assert inst.cut("room") == (3.0, "anchored")

    def test_real_norms_move_cut_points_to_the_norm_median(self) -> None:
        def real_norms(raw: dict) -> None:  # type: ignore[type-arg]
            raw["norms"]["provisional"] = False
            raw["norms"]["sample"] = "a test sample"
            raw["norms"]["scores"]["room"]["percentiles"] = {25: 2.9, 50: 3.3, 75: 3.8}

        inst = parse_instrument(mutated(real_norms))
        assert inst.cut("room") == (3.3, "norm")
        assert inst.cut("closeness") == (3.6, "norm")  # no percentiles: the norm mean


class TestBadDefinitions:
    def test_every_problem_is_listed_with_the_id_it_concerns(self) -> None:
        def break_three_things(raw: dict) -> None:  # type: ignore[type-arg]
            del raw["items"][1]["text"]["es"]
            raw["scales"][0]["items"].append("close_9")
            raw["composites"][0]["mean_of"].append("nowhere")

        problems = problems_of(mutated(break_three_things))
        assert "item 'close_2': text missing for language(s) es" in problems
        assert "scale 'talk': unknown item 'close_9'" in problems
        assert "composite 'balance': unknown score 'nowhere' in mean_of" in problems
        assert len(problems) == 3

    def test_a_misspelt_field_is_reported_not_ignored(self) -> None:
        problems = problems_of(mutated(lambda raw: raw["items"][0].update(reversed=True)))
        assert problems == [
            "item 'close_1' > reversed: unknown field (check the spelling against docs/instruments.md)"
        ]

    def test_a_missing_required_field_names_its_element(self) -> None:
        problems = problems_of(mutated(lambda raw: raw["scales"][1].pop("label")))
        assert problems == ["scale 'room' > label: required field is missing"]

    def test_nested_scales_may_not_form_a_cycle(self) -> None:
        problems = problems_of(mutated(lambda raw: raw["scales"][0].update(scales=["closeness"])))
        assert any("cycle" in p and "talk" in p for p in problems)

    def test_duplicate_ids_are_rejected(self) -> None:
        problems = problems_of(mutated(lambda raw: raw["items"].append(dict(raw["items"][0]))))
        assert "item 'close_1': duplicate id" in problems

    def test_double_reversal_is_ambiguous(self) -> None:
        problems = problems_of(
            mutated(lambda raw: raw["scales"][0].update(items=["close_1", "-close_2"]))
        )
        assert any("reverse-keyed in its definition and again" in p for p in problems)

    def test_a_scale_mixing_response_ranges_is_rejected(self) -> None:
        problems = problems_of(mutated(lambda raw: raw["scales"][1]["items"].append("safe_1")))
        assert any(
            p.startswith("scale 'room': its items use different response ranges") for p in problems
        )

    def test_regions_need_all_four_combinations(self) -> None:
        problems = problems_of(mutated(lambda raw: raw["regions"]["regions"].pop()))
        assert (
            "regions: the four high/low combinations of the two axes each need a region" in problems
        )

    def test_real_norms_must_name_their_sample(self) -> None:
        problems = problems_of(mutated(lambda raw: raw["norms"].update(provisional=False)))
        assert problems == ["norms: non-provisional norms must name their sample"]

    def test_safety_threshold_must_be_a_possible_concern(self) -> None:
        problems = problems_of(mutated(lambda raw: raw["safety"].update(at_or_above=0)))
        assert any(p.startswith("safety: at_or_above 0") for p in problems)

    def test_forms_may_only_show_known_items(self) -> None:
        problems = problems_of(mutated(lambda raw: raw["forms"][0]["items"].append("ghost")))
        assert problems == ["form 'self': unknown item 'ghost'"]

    def test_invalid_yaml_names_the_line(self) -> None:
        problems = problems_of("id: x\nitems: [a, b\n")
        assert len(problems) == 1
        assert problems[0].startswith("not valid YAML at line")

    def test_a_file_that_is_not_a_mapping_is_rejected(self) -> None:
        assert problems_of("- just\n- a list\n") == [
            "the file must be a YAML mapping with id, items, scales, ..."
        ]

    def test_a_missing_file_is_a_clear_error(self, tmp_path: Path) -> None:
        with pytest.raises(InstrumentError, match="no such file"):
            load_instrument(tmp_path / "nope.yaml")


class TestOtherDesigns:
    """The format expresses other instruments without code changes."""

    def test_psych_bfi_keys_in_yaml(self, fixtures: Path) -> None:
        bfi = load_instrument(fixtures / "instruments" / "bfi.yaml")
        assert [s.id for s in bfi.scales] == [
            "agree",
            "conscientious",
            "extraversion",
            "neuroticism",
            "openness",
        ]
        assert dict(bfi.scale("openness").keys) == {"O1": 1, "O2": -1, "O3": 1, "O4": 1, "O5": -1}

    def test_two_scale_attachment_instrument_with_real_norms(self, fixtures: Path) -> None:
        att = load_instrument(fixtures / "instruments" / "attachment.yaml")
        assert att.item("avo_1").scale.max == 7
        assert sum(sign < 0 for _, sign in att.scale("avoidance").keys) == 2
        assert not att.norms_provisional
        assert att.regions is None


class TestKeys:
    def test_csv_keys_read_like_psych(self, fixtures: Path) -> None:
        keys = load_keys(fixtures / "bfi" / "psych_bfi.keys.csv")
        assert keys["agree"] == ["-A1", "A2", "A3", "A4", "A5"]
        assert len(keys) == 5

    def test_json_keys(self, tmp_path: Path) -> None:
        path = tmp_path / "keys.json"
        path.write_text(json.dumps({"S": ["a", "-b"]}))
        inst = instrument_from_keys(load_keys(path), min=1, max=5)
        assert dict(inst.scale("S").keys) == {"a": 1, "b": -1}

    def test_keys_json_of_the_wrong_shape_is_rejected(self, tmp_path: Path) -> None:
        path = tmp_path / "keys.json"
        path.write_text(json.dumps(["a", "b"]))
        with pytest.raises(InstrumentError, match="must map each scale to a list"):
            load_keys(path)

    def test_an_item_listed_twice_in_a_scale_is_rejected(self) -> None:
        with pytest.raises(InstrumentError, match="'S': item\\(s\\) a listed twice"):
            instrument_from_keys({"S": ["a", "-a"]}, min=1, max=5)

    def test_the_range_must_be_ordered(self) -> None:
        with pytest.raises(InstrumentError, match="--min \\(5\\) must be below --max \\(1\\)"):
            instrument_from_keys({"S": ["a"]}, min=5, max=1)
