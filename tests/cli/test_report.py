"""``twofold report``: one person's own report as a real PDF, read back with pypdf."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.cli.conftest import Run
from tests.conftest import answers_for
from tests.web.pdfs import pdf_text, words
from twofold.core import load_instrument, profile_person
from twofold.reports import individual_report

INTER = {"HD": 6, "UD": 2, "HI": 6, "UI": 2}
OVER_DEP = {"HD": 6, "UD": 5, "HI": 2, "UI": 2}


def _answers(facets: dict[str, float]) -> dict[str, int]:
    """The whole questionnaire: the facets as asked, every other item in the middle."""
    rbi = load_instrument("rbi")
    given = answers_for(rbi, **facets)
    return {i.id: given.get(i.id, (i.scale.min + i.scale.max) // 2) for i in rbi.items}


def _file(path: Path, people: dict[str, dict[str, float]]) -> Path:
    rows = [{"person": pid, **_answers(facets)} for pid, facets in people.items()]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _said(facets: dict[str, float], lang: str) -> list[str]:
    rbi = load_instrument("rbi")
    report = individual_report(profile_person(rbi, _answers(facets)), lang)
    assert report.region is not None
    return [
        report.region.label,
        report.region.description,
        *(r.label for r in (*report.facets, *report.subfacets)),
        *(item.statement for item in (*report.strengths, *report.growth_edges)),
    ]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_one_row_file_becomes_that_persons_report(cli: Run, tmp_path: Path, lang: str) -> None:
    source = _file(tmp_path / "one.csv", {"p1": INTER})
    out = tmp_path / "report.pdf"
    result = cli("report", source, "--out", out, "--lang", lang, "--name", "Ana")
    assert result.code == 0, result.err
    text = pdf_text(out.read_bytes())
    for sentence in _said(INTER, lang):
        assert words(sentence) in text, sentence
    assert "Ana" in text
    assert {"en": "version 1.1", "es": "versión 1.1"}[lang] in text


def test_a_person_is_picked_from_a_larger_file_by_id(cli: Run, tmp_path: Path) -> None:
    source = _file(tmp_path / "many.csv", {"ann": INTER, "bo": OVER_DEP})
    out = tmp_path / "bo.pdf"
    result = cli("report", source, "--id", "person", "--person", "bo", "--out", out)
    assert result.code == 0, result.err
    text = pdf_text(out.read_bytes())
    bo, ann = _said(OVER_DEP, "en")[0], _said(INTER, "en")[0]
    assert bo != ann
    assert "Name bo" in text
    assert words(bo) in text
    assert words(ann) not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "2 rows; choose one with --person"),
        (("--id", "person", "--person", "cy"), "no row has 'cy' in column 'person'"),
        (("--person", "bo"), "no column 'id' for --id"),
        (("--id", "person", "--person", "bo", "--lang", "fr"), "--lang: 'fr' is not one of"),
    ],
)
def test_a_wrong_choice_is_a_clear_error_and_no_file(
    cli: Run, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    source = _file(tmp_path / "many.csv", {"ann": INTER, "bo": OVER_DEP})
    out = tmp_path / "report.pdf"
    result = cli("report", source, "--out", out, *args)
    assert result.code == 2
    assert message in " ".join(result.err.split())
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]  # no half-written file either


def test_a_file_of_the_self_form_alone_is_reported_with_form_self(cli: Run, tmp_path: Path) -> None:
    rbi = load_instrument("rbi")
    source = tmp_path / "self.csv"
    pd.DataFrame([answers_for(rbi, **INTER)]).drop(
        columns=list(rbi.safety.items) if rbi.safety else []
    ).to_csv(source, index=False)
    out = tmp_path / "self.pdf"
    assert cli("report", source, "--out", out).code == 2  # the other forms are missing
    result = cli("report", source, "--out", out, "--form", "self")
    assert result.code == 0, result.err
    text = pdf_text(out.read_bytes())
    assert words(_said(INTER, "en")[0]) in text
