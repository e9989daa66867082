from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.cli.conftest import Run

BFI_SCALES = ["agree", "conscientious", "extraversion", "neuroticism", "openness"]


@pytest.fixture
def bfi_args(fixtures: Path) -> list[object]:
    return [
        fixtures / "bfi" / "psych_bfi.csv",
        "--keys",
        fixtures / "bfi" / "psych_bfi.keys.csv",
        "--min",
        1,
        "--max",
        6,
        "--min-answered",
        0,
    ]


@pytest.mark.parametrize("impute", ["none", "median", "mean"])
def test_keyed_scoring_reproduces_psych_score_items(
    cli: Run, tmp_path: Path, bfi_args: list[object], bfi_expected: pd.DataFrame, impute: str
) -> None:
    out = tmp_path / "scores.parquet"
    result = cli("score", *bfi_args, "--impute", impute, "--out", out)
    assert result.code == 0, result.err
    scores = pq.read_table(out).to_pandas()
    assert list(scores.columns[:4]) == ["rownames", "gender", "education", "age"]
    for scale in BFI_SCALES:
        np.testing.assert_allclose(scores[scale], bfi_expected[f"{scale}_{impute}"], atol=1e-9)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx", ".json", ".jsonl"])
def test_every_format_in_and_out_carries_other_columns_untouched(
    cli: Run, tmp_path: Path, suffix: str
) -> None:
    frame = pd.DataFrame(
        {
            "id": ["007", "008", "010"],
            "group": ["a", "b", None],
            "x1": [1, 2, 3],
            "x2": [3, 2, None],
        }
    )
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"X": ["x1", "-x2"]}))
    source = tmp_path / f"in{suffix}"
    write(frame, source)
    out = tmp_path / f"out{suffix}"
    result = cli(
        "score", source, "--keys", keys, "--min", 1, "--max", 3, "--out", out, "--min-answered", 0.5
    )
    assert result.code == 0, result.err
    scores = read(out)
    assert [str(v) for v in scores["id"]] == ["007", "008", "010"]
    assert scores["X"].tolist() == [1.0, 2.0, 3.0]
    assert scores["X_n"].tolist() == [2, 2, 1]


def write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        frame.to_parquet(path)
    elif path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    elif path.suffix == ".json":
        frame.to_json(path, orient="records")
    else:
        frame.to_json(path, orient="records", lines=True)


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype={"id": str})
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype={"id": str})
    if path.suffix == ".json":
        return pd.DataFrame(json.loads(path.read_text()))
    return pd.DataFrame([json.loads(line) for line in path.read_text().splitlines()])


def test_csv_to_stdout_when_no_output_file(cli: Run, bfi_args: list[object]) -> None:
    result = cli("score", *bfi_args)
    assert result.code == 0
    lines = result.out.splitlines()
    assert len(lines) == 2801
    assert lines[0].split(",")[4].strip('"') == "agree"


class TestBadInput:
    """Each bad file: a message naming what and where, exit 2, and no output file."""

    @pytest.fixture
    def keys(self, tmp_path: Path) -> Path:
        path = tmp_path / "keys.json"
        path.write_text(json.dumps({"X": ["x1", "-x2"]}))
        return path

    def score(
        self, cli: Run, tmp_path: Path, keys: Path, text: str | bytes, *extra: object
    ) -> tuple[int, str, Path]:
        source = tmp_path / "in.csv"
        if isinstance(text, bytes):
            source.write_bytes(text)
        else:
            source.write_text(text, encoding="utf-8")
        out = tmp_path / "out.csv"
        result = cli("score", source, "--keys", keys, "--min", 1, "--max", 5, "--out", out, *extra)
        return result.code, result.err, out

    def assert_rejected(self, code: int, out: Path) -> None:
        assert code == 2
        assert not out.exists()
        assert not list(out.parent.glob(".out.csv.*"))  # no temporary left behind

    def test_a_fractional_answer(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "id,x1,x2\n1,2.0,3\n2,2.5,3\n")
        self.assert_rejected(code, out)
        assert "row 2, column 'x1': 2.5 is not a whole number" in err
        assert "nothing was written" in err

    def test_out_of_range_and_text_answers_are_all_listed(
        self, cli: Run, tmp_path: Path, keys: Path
    ) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "id,x1,x2\n1,9,3\n2,2,0\n")
        self.assert_rejected(code, out)
        assert "row 1, column 'x1': 9 is outside the response range 1..5" in err
        assert "row 2, column 'x2': 0 is outside the response range 1..5" in err

    def test_text_in_an_item_column(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "id,x1,x2\n1,2,3\n2,often,3\n")
        self.assert_rejected(code, out)
        assert "row 2, column 'x1': 'often' is not a number" in err

    def test_missing_item_columns(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "id,x1\n1,2\n")
        self.assert_rejected(code, out)
        assert "missing item column(s): x2" in err

    def test_duplicate_person_ids(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, out = self.score(
            cli, tmp_path, keys, "id,x1,x2\na,2,3\nb,2,3\na,1,1\n", "--id", "id"
        )
        self.assert_rejected(code, out)
        assert "rows 1 and 3: id 'a' is used twice" in err

    def test_an_empty_file(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "")
        self.assert_rejected(code, out)
        assert "the file is empty" in err

    def test_a_header_without_rows(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "id,x1,x2\n")
        self.assert_rejected(code, out)
        assert "has a header but no rows" in err

    def test_a_semicolon_file_is_read_by_detection(
        self, cli: Run, tmp_path: Path, keys: Path
    ) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "id;x1;x2\n1;2;3\n")
        assert code == 0, err
        assert out.exists()

    def test_a_wrong_explicit_delimiter(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "id;x1;x2\n1;2;3\n", "--delimiter", ",")
        self.assert_rejected(code, out)
        assert "seems to use another delimiter" in err

    def test_a_file_that_is_not_utf8(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "id,x1,x2\nJosé,2,3\n".encode("latin-1"))
        self.assert_rejected(code, out)
        assert "not utf-8 text (byte 0xe9 on line 2)" in err
        assert "--encoding" in err

    def test_the_right_encoding_reads_it(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, _ = self.score(
            cli, tmp_path, keys, "id,x1,x2\nJosé,2,3\n".encode("latin-1"), "--encoding", "latin-1"
        )
        assert code == 0, err

    def test_a_row_with_too_many_cells(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "id,x1,x2\n1,2,3\n2,2,3,4\n")
        self.assert_rejected(code, out)
        assert "wrong number of cells" in err

    def test_an_unknown_output_type(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        source = tmp_path / "in.csv"
        source.write_text("id,x1,x2\n1,2,3\n")
        result = cli(
            "score", source, "--keys", keys, "--min", 1, "--max", 5, "--out", tmp_path / "o.doc"
        )
        assert result.code == 2
        assert "unknown file type '.doc'" in result.err

    def test_a_column_that_would_be_overwritten(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, out = self.score(cli, tmp_path, keys, "id,X,x1,x2\n1,z,2,3\n")
        self.assert_rejected(code, out)
        assert "column(s) X would be overwritten by scores" in err

    def test_keys_without_a_range(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        source = tmp_path / "in.csv"
        source.write_text("id,x1,x2\n1,2,3\n")
        result = cli("score", source, "--keys", keys)
        assert result.code == 2
        assert "--keys needs the response range: --min and --max" in result.err

    def test_no_traceback_ever_reaches_the_user(self, cli: Run, tmp_path: Path, keys: Path) -> None:
        code, err, _ = self.score(cli, tmp_path, keys, "id,x1,x2\n1,2.5,3\n")
        assert code == 2
        assert "Traceback" not in err


def test_errors_in_a_later_chunk_leave_no_partial_file(
    cli: Run, tmp_path: Path, fixtures: Path
) -> None:
    rows = ["id,x1,x2"] + [f"{i},1,2" for i in range(300_000)] + ["300001,7,2"]
    source = tmp_path / "big.csv"
    source.write_text("\n".join(rows) + "\n")
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"X": ["x1", "-x2"]}))
    out = tmp_path / "out.parquet"
    result = cli("score", source, "--keys", keys, "--min", 1, "--max", 5, "--out", out)
    assert result.code == 2
    assert "row 300001, column 'x1': 7 is outside" in result.err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source, keys] or set(tmp_path.iterdir()) == {source, keys}


def test_intervals_are_written_only_on_request(cli: Run, tmp_path: Path) -> None:
    from twofold.cli.demo import example_couple_path

    plain, wide = tmp_path / "plain.csv", tmp_path / "wide.csv"
    v10 = ("--instrument", "rbi@1.0")  # the example couple answered 1.0
    assert cli("score", example_couple_path(), *v10, "--out", plain).code == 0
    assert cli("score", example_couple_path(), *v10, "--out", wide, "--intervals").code == 0
    plain_columns = set(pd.read_csv(plain).columns)
    table = pd.read_csv(wide)
    assert "HD" in plain_columns
    assert not any(c.endswith(("_lo", "_hi")) for c in plain_columns)
    added = set(table.columns) - plain_columns
    assert {"HD_lo", "HD_hi", "UI_lo", "UI_hi"} <= added
    assert all(c.endswith(("_lo", "_hi")) for c in added)
    assert (table["HD_lo"] <= table["HD"]).all()
    assert (table["HD"] <= table["HD_hi"]).all()


def test_score_shows_safety_as_true_false_or_empty_and_names_the_norm_set(
    cli: Run, tmp_path: Path
) -> None:
    """All-4, all-7, skipped safety and a positive answer, scored with RBI 1.1."""
    from twofold.core import load_instrument

    rbi = load_instrument("rbi")
    rule = rbi.safety
    assert rule is not None
    screen = rule.items + rule.own_behaviour

    def person(pid: str, level: int, **safety: float) -> dict[str, object]:
        row: dict[str, object] = {"person": pid}
        for item in rbi.items:
            if item.id in rule.danger_signs:
                row[item.id] = None
            elif item.id in screen:
                row[item.id] = 1
            else:
                row[item.id] = level
        row.update(safety)
        return row

    people = [
        person("all4", 4),
        person("all7", 7),
        person("skipped", 5, **dict.fromkeys(screen)),
        person("positive", 5, safety_putdowns=3),
        person("own", 5, safety_own_behaviour=2),
    ]
    source = tmp_path / "people.csv"
    pd.DataFrame(people).to_csv(source, index=False)
    result = cli("score", source, "--id", "person")
    assert result.code == 0, result.err
    import io

    text = result.out
    out = pd.read_csv(io.StringIO(text), dtype={"safety_flag": "string"}, keep_default_na=False)
    flags = dict(zip(out["person"], out["safety_flag"], strict=True))
    assert flags == {
        "all4": "false",
        "all7": "false",
        "skipped": "",
        "positive": "true",
        "own": "false",
    }
    own = dict(zip(out["person"], out["safety_own_behaviour"].astype(str), strict=True))
    assert (own["own"], own["skipped"], own["all4"]) == ("true", "", "false")
    assert set(out["norm_set"]) == {"rbi@1.1 placeholder norms (not estimated from data)"}
    # the follow-up was not asked of anyone: empty, not "no danger sign"
    assert set(out["safety_danger_signs"].astype(str)) == {""}
    # Parquet keeps the three states as a nullable boolean
    pq_out = tmp_path / "scores.parquet"
    assert cli("score", source, "--id", "person", "--out", pq_out).code == 0
    table = pq.read_table(pq_out).to_pandas()
    assert table["safety_flag"].tolist()[:2] == [False, False]
    assert table["safety_flag"].isna().tolist() == [False, False, True, False, False]
    assert bool(table["safety_flag"].iloc[3]) is True
