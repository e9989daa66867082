from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Run

BAD = """
id: bad
version: "0"
title: {en: Bad}
languages: [en]
response_scales:
  a5: {min: 1, max: 5}
default_response_scale: a5
items:
  - {id: talk_1, text: {en: "I talk and I listen to my partner."}}
  - {id: talk_2, text: {en: "Partners should listen."}}
scales:
  - {id: talk, label: {en: Talk}, items: [talk_1, talk_2]}
"""


@pytest.mark.parametrize(("name", "count"), [("rbi", 91), ("rbi@1.1", 91)])
def test_lint_passes_the_rbi_against_the_seed_article(
    cli: Run, fixtures: Path, name: str, count: int
) -> None:
    result = cli("instrument", "lint", name, "--avoid", fixtures / "seed_shingles.txt")
    assert result.code == 0, result.err
    assert f"{count} items follow the rules" in result.out
    assert "1 protected text" in result.out


def test_rbi_1_0_breaks_only_the_extreme_qualifier_rule_that_1_1_fixes(cli: Run) -> None:
    result = cli("instrument", "lint", "rbi@1.0")
    assert result.code == 2
    problems = [line for line in result.err.splitlines() if line.strip().startswith("- item")]
    assert len(problems) == 14
    assert all("extreme_qualifier" in p for p in problems)
    for item in (
        "ud_reassurance_1",
        "hi_pursuits_3",
        "hi_selfrespect_1",
        "ui_alone_2",
        "ui_engulfment_2",
        "hi_equal_partner",
    ):
        assert f"item {item!r}" in result.err


def test_lint_lists_every_problem_with_item_and_rule_and_exits_2(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    result = cli("instrument", "lint", path)
    assert result.code == 2
    assert "bad.yaml: 2 item-writing problem(s)" in result.err
    assert "item 'talk_1' (en): double_barrelled" in result.err
    assert "item 'talk_2' (en): first_person" in result.err
    assert "Traceback" not in result.err


def test_lint_rejects_a_bad_shingle_file_naming_the_line(cli: Run, tmp_path: Path) -> None:
    avoid = tmp_path / "avoid.txt"
    avoid.write_text("# size: 5\nhello\n")
    result = cli("instrument", "lint", "rbi", "--avoid", avoid)
    assert result.code == 2
    assert "line 2" in result.err


def test_validate_accepts_the_rbi(cli: Run) -> None:
    result = cli("instrument", "validate", "rbi")
    assert result.code == 0, result.err
    assert "rbi 1.1 - 91 items" in result.out


def test_show_names_an_older_version_and_plain_rbi_is_the_newest(cli: Run) -> None:
    old = cli("instrument", "show", "rbi@1.0")
    assert old.code == 0, old.err
    assert "(rbi 1.0)" in old.out
    assert "safety_monitoring" not in old.out
    new = cli("instrument", "show", "rbi")
    assert new.code == 0, new.err
    assert "(rbi 1.1)" in new.out
    assert "own behaviour: safety_own_behaviour" in new.out
    assert "danger signs" in new.out


def test_show_of_a_version_that_does_not_exist_names_the_versions(cli: Run) -> None:
    result = cli("instrument", "show", "rbi@9.9")
    assert result.code == 2
    assert "no version '9.9'" in result.err
    assert "1.0, 1.1" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("name", ["rbi@1.0", "rbi@1.1"])
def test_show_lists_every_scale_with_its_item_count(cli: Run, name: str) -> None:
    from twofold.core import load_instrument

    inst = load_instrument(name)
    result = cli("instrument", "show", name)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    for scale in inst.scales:
        line = next((ln for ln in lines if f" {scale.id} " in ln), None)
        assert line is not None, scale.id
        assert f"{len(scale.items)} items" in line or f"{len(scale.items)} item" in line, line


@pytest.mark.parametrize("lang", ["en", "es"])
def test_show_items_prints_every_item_in_the_language_asked(cli: Run, lang: str) -> None:
    from twofold.core import load_instrument

    inst = load_instrument("rbi@1.1")
    result = cli("instrument", "show", "rbi@1.1", "--items", "--lang", lang)
    assert result.code == 0, result.err
    flat = " ".join(result.out.split())  # Rich wraps long lines
    for item in inst.items:
        assert " ".join(item.text[lang].split()) in flat, item.id


def test_show_reads_a_file_and_refuses_a_missing_one(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    shown = cli("instrument", "show", path)
    assert shown.code == 0, shown.err
    assert "talk" in shown.out
    assert "2 items" in shown.out
    missing = cli("instrument", "show", tmp_path / "nowhere.yaml")
    assert missing.code == 2
    assert "nowhere.yaml" in missing.err
    assert "Traceback" not in missing.err
