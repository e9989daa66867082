"""``twofold instrument export``: REDCap dictionary, FHIR R4 Questionnaire, codebook."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from tests.cli.conftest import Run
from twofold.core import load_instrument
from twofold.exports.dictionaries import ORDINAL_VALUE, REDCAP_COLUMNS

RBI = load_instrument("rbi@1.0")  # the tests read the 1.0 layout (self form first)


def test_redcap_dictionary_has_the_18_columns_record_id_first_and_a_form_per_form(
    cli: Run, tmp_path: Path
) -> None:
    out = tmp_path / "rbi_dictionary.csv"
    result = cli("instrument", "export", "rbi@1.0", "--format", "redcap", "--out", out)
    assert result.code == 0, result.err
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == REDCAP_COLUMNS
    assert len(REDCAP_COLUMNS) == 18
    assert rows[1][:4] == ["record_id", "self", "", "text"]
    fields = rows[2:]
    assert [r[1] for r in fields] == [f.id for f in RBI.forms for _ in f.items]
    names = [r[0] for r in fields]
    assert len(set(names)) == len(names)  # REDCap needs unique field names
    first = fields[0]
    assert first[0] == "hd_disclosure_1"
    assert first[3] == "radio"
    assert first[4] == RBI.item("hd_disclosure_1").text_in("en")
    assert first[5].startswith("1, Strongly disagree | 2, Disagree | ")
    assert first[5].endswith("| 7, Strongly agree")
    # the check-in repeats self items under its own field names
    assert "checkin_hd_disclosure_1" in names
    safety = next(r for r in fields if r[0] == "safety_fear")
    assert safety[5].startswith("1, Never | 2, Once or twice")


def test_redcap_labels_follow_the_language_option(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "es.csv"
    assert (
        cli(
            "instrument", "export", "rbi@1.0", "--format", "redcap", "--lang", "es", "--out", out
        ).code
        == 0
    )
    frame = pd.read_csv(out, keep_default_na=False)
    row = frame[frame["Variable / Field Name"] == "hd_disclosure_1"].iloc[0]
    assert row["Field Label"] == RBI.item("hd_disclosure_1").text_in("es")
    assert row["Choices, Calculations, OR Slider Labels"].startswith("1, Totalmente en desacuerdo")


def test_fhir_questionnaire_validates_and_carries_ordinal_values(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "rbi.json"
    result = cli(
        "instrument", "export", "rbi@1.0", "--format", "fhir", "--form", "self", "--out", out
    )
    assert result.code == 0, result.err
    q = Questionnaire.model_validate_json(out.read_text(encoding="utf-8"))
    assert json.loads(out.read_text())["resourceType"] == "Questionnaire"
    (group,) = q.item
    assert group.linkId == "self"
    choices = [i for i in group.item if i.type == "choice"]
    assert [i.linkId for i in choices] == [f"self.{i}" for i in RBI.form("self").items]
    by_id = {i.linkId.split(".", 1)[1]: i for i in choices}
    forward = by_id["hd_disclosure_1"].answerOption
    assert [o.valueCoding.code for o in forward] == [str(v) for v in range(1, 8)]
    assert forward[0].valueCoding.display == "Strongly disagree"
    ordinal = [
        float(e.valueDecimal) for o in forward for e in o.extension if e.url == ORDINAL_VALUE
    ]
    assert ordinal == [1, 2, 3, 4, 5, 6, 7]
    reverse = by_id["hd_disclosure_3"].answerOption
    assert [float(o.extension[0].valueDecimal) for o in reverse] == [7, 6, 5, 4, 3, 2, 1]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_codebook_lists_text_per_language_scale_keying_and_labels(
    cli: Run, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"codebook{suffix}"
    assert cli("instrument", "export", "rbi@1.0", "--format", "codebook", "--out", out).code == 0
    frame = pd.read_csv(out, keep_default_na=False) if suffix == ".csv" else pd.read_excel(out)
    assert len(frame) == len(RBI.items)
    row = frame.set_index("id").loc["hi_equal_3"]
    assert row["text_es"] == RBI.item("hi_equal_3").text_in("es")
    assert row["scale"] == "HI; HI_checkin"
    assert row["sub_facet"] == "hi_equal"
    assert row["keying"] == "reversed"
    assert row["forms"] == "self; checkin"
    assert row["response_labels_en"].startswith("1 = Strongly disagree; 2 = Disagree")


def test_codebook_as_markdown(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "codebook.md"
    assert cli("instrument", "export", "rbi@1.0", "--format", "codebook", "--out", out).code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Codebook: Relational Balance Inventory (rbi 1.0)")
    assert "| hd_disclosure_3 |" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "spss", "--out", "x.csv"], "use redcap, fhir or codebook"),
        (["--format", "fhir", "--out", "x.csv"], "written as .json"),
        (["--format", "redcap", "--lang", "fr", "--out", "x.csv"], "written in en, es"),
        (["--format", "redcap", "--form", "nope", "--out", "x.csv"], "no form 'nope'"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(
    cli: Run, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = cli("instrument", "export", "rbi@1.0", *args)
    assert result.code == 2
    assert message in result.err
    assert list(tmp_path.iterdir()) == []
