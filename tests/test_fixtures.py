"""Every committed reference file names the script that made it, and that script is committed.

A reference value without its script cannot be checked or remade, so a fixture README (any
``README.md`` under ``tests/fixtures``) must mention each ``.json`` reference file on a line that
also names an R or Python script, and that script must exist in the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = re.compile(r"[\w./-]+\.(?:R|py)\b")


def _reference_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.json") if "instruments" not in p.parts)


def _readme_lines() -> list[tuple[Path, str]]:
    return [
        (readme.parent, line)
        for readme in sorted(FIXTURES.rglob("README.md"))
        for line in readme.read_text(encoding="utf-8").splitlines()
    ]


def _scripts_on(line: str, folder: Path) -> list[Path]:
    found = []
    for name in SCRIPT.findall(line.replace("`", " ")):
        for candidate in (folder / name, *FIXTURES.rglob(Path(name).name)):
            if candidate.is_file():
                found.append(candidate)
                break
    return found


def test_there_are_reference_files_to_check() -> None:
    assert len(_reference_files()) >= 5


@pytest.mark.parametrize(
    "reference", _reference_files(), ids=lambda p: str(p.relative_to(FIXTURES))
)
def test_each_reference_file_names_a_committed_script(reference: Path) -> None:
    lines = _readme_lines()
    mentions = [(folder, line) for folder, line in lines if reference.name in line]
    assert mentions, f"no fixture README mentions {reference.relative_to(FIXTURES)}"
    scripts = [s for folder, line in mentions for s in _scripts_on(line, folder)]
    assert scripts, f"the README lines about {reference.name} name no committed script"
