from __future__ import annotations

from pathlib import Path

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


def test_lint_passes_the_rbi_against_the_seed_article(cli: Run, fixtures: Path) -> None:
    result = cli("instrument", "lint", "rbi", "--avoid", fixtures / "seed_shingles.txt")
    assert result.code == 0, result.err
    assert "79 items follow the rules" in result.out
    assert "1 protected text" in result.out


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
    assert "79 items" in result.out
