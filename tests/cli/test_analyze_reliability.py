"""``twofold analyze reliability`` and ``twofold analyze norms`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from tests.cli.conftest import Run
from tests.conftest import INSTRUMENTS
from tests.core.test_norms import simulate
from twofold.core import load_instrument

SCALES = ["agree", "conscientious", "extraversion", "neuroticism", "openness"]


@pytest.fixture(scope="module")
def expected(fixtures: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((fixtures / "bfi" / "reliability_expected.json").read_text())
    return data


@pytest.fixture
def bfi(fixtures: Path) -> Path:
    return fixtures / "bfi" / "psych_bfi.csv"


@pytest.fixture
def keys_args(fixtures: Path) -> list[object]:
    return ["--keys", fixtures / "bfi" / "psych_bfi.keys.csv", "--min", 1, "--max", 6]


def test_json_report_reproduces_psych_for_every_scale(
    cli: Run, bfi: Path, keys_args: list[object], expected: dict[str, Any]
) -> None:
    result = cli("analyze", "reliability", bfi, *keys_args, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["n_rows"] == 2800
    assert list(report["scales"]) == SCALES
    for name in SCALES:
        a = report["scales"][name]["alpha"]
        total = expected["alpha"][name]["total"]
        assert a["alpha_raw"] == pytest.approx(total["raw_alpha"], abs=1e-6)
        assert a["alpha_std"] == pytest.approx(total["std.alpha"], abs=1e-6)
        assert a["g6"] == pytest.approx(total["G6(smc)"], abs=1e-6)
        assert a["feldt_ci"][0] == pytest.approx(
            expected["alpha"][name]["feldt"]["lower"], abs=1e-6
        )
        drops = [row["r_drop"] for row in a["item_stats"]]
        np.testing.assert_allclose(
            drops, expected["alpha"][name]["item_stats"]["r.drop"], atol=1e-6
        )
        o = report["scales"][name]["omega"]
        assert o["omega_total"] == pytest.approx(expected["omega"][name]["omega_tot"], abs=1e-3)
    assert report["scales"]["extraversion"]["omega"]["omega_h"] == pytest.approx(
        expected["omega"]["extraversion"]["omega_h"], abs=1e-3
    )
    corrected = report["scale_correlations"]["corrected"]
    ref = expected["scoreItems"]["none"]["psych_corrected"]
    for a_name in SCALES:
        for b_name in SCALES:
            assert corrected[a_name][b_name] == pytest.approx(ref[a_name][b_name], abs=1e-6)


def test_tables_show_each_scale_its_items_and_the_heywood_notes(
    cli: Run, bfi: Path, keys_args: list[object]
) -> None:
    result = cli("analyze", "reliability", bfi, *keys_args)
    assert result.code == 0, result.err
    out = result.out
    assert "Reliability: psych_bfi.csv" in out
    assert "0.70" in out.split("agree", 1)[1].splitlines()[0]  # raw alpha of agree
    assert "Items of openness" in out
    assert "Scale intercorrelations" in out
    assert "Heywood case" in out
    assert "omega of agree" in out


def test_no_omega_leaves_omega_out(cli: Run, bfi: Path, keys_args: list[object]) -> None:
    result = cli("analyze", "reliability", bfi, *keys_args, "--no-omega", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert all(s["omega"] is None for s in report["scales"].values())
    assert report["nfactors"] is None


def test_listwise_counts_only_complete_rows(cli: Run, bfi: Path, keys_args: list[object]) -> None:
    result = cli("analyze", "reliability", bfi, *keys_args, "--missing", "listwise", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    frame = pd.read_csv(bfi)
    complete = int(frame[["N1", "N2", "N3", "N4", "N5"]].notna().all(axis=1).sum())
    assert report["scales"]["neuroticism"]["alpha"]["n_obs"] == complete


def test_an_instrument_scores_its_own_scales_and_notes_one_item_scales(
    cli: Run, tmp_path: Path
) -> None:
    inst = load_instrument(INSTRUMENTS / "mini_rbi.yaml")
    responses = simulate(inst, 300)
    path = tmp_path / "answers.parquet"
    pd.DataFrame(responses.to_float(), columns=list(inst.item_ids)).to_parquet(path)
    result = cli(
        "analyze",
        "reliability",
        path,
        "-i",
        INSTRUMENTS / "mini_rbi.yaml",
        "--nfactors",
        2,
        "--json",
    )
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert "HD" in report["scales"]
    assert "HD_partner" not in report["scales"]
    assert any("HD_partner has one item" in n for n in report["notes"])
    assert report["scales"]["hd_a"]["omega_note"].startswith("omega with 2 group factors")
    assert report["scales"]["HD"]["omega"]["nfactors"] == 2


def _write(tmp_path: Path, frame: pd.DataFrame, keys: dict[str, list[str]]) -> list[object]:
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    keyfile = tmp_path / "keys.json"
    keyfile.write_text(json.dumps(keys))
    return [data, "--keys", keyfile, "--min", 1, "--max", 5]


def _good_frame(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    t = rng.normal(size=(n, 1))
    x = np.clip(np.round(3 + t + rng.normal(size=(n, 4))), 1, 5)
    return pd.DataFrame(x, columns=["a", "b", "c", "d"])


@pytest.mark.parametrize(
    ("change", "keys", "message"),
    [
        (None, {"S": ["a", "b", "zz"]}, "missing item column(s): zz"),
        ("text", {"S": ["a", "b", "c"]}, "'lots' is not a number"),
        ("few", {"S": ["a", "b", "c"]}, "only 2 answer(s)"),
        (None, {"S": ["a"], "T": ["b", "c"]}, "scale 'S' has one item"),
        ("empty", {"S": ["a", "b", "c"]}, "item 'c' has no answers"),
        ("range", {"S": ["a", "b", "c"]}, "outside the response range 1..5"),
    ],
)
def test_bad_input_gives_a_clear_message_and_exit_code_2(
    cli: Run, tmp_path: Path, change: str | None, keys: dict[str, list[str]], message: str
) -> None:
    frame = _good_frame()
    if change == "text":
        frame["b"] = frame["b"].astype(object)
        frame.loc[4, "b"] = "lots"
    elif change == "few":
        frame = frame.head(2)
    elif change == "empty":
        frame["c"] = np.nan
    elif change == "range":
        frame.loc[2, "a"] = 9
    result = cli("analyze", "reliability", *_write(tmp_path, frame, keys))
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_an_unknown_missing_rule_is_a_usage_error(
    cli: Run, bfi: Path, keys_args: list[object]
) -> None:
    result = cli("analyze", "reliability", bfi, *keys_args, "--missing", "some")
    assert result.code == 2
    assert "pairwise or listwise" in result.err


# --------------------------------------------------------------------------------------------
# norms
# --------------------------------------------------------------------------------------------


def test_norms_write_a_definition_that_validates_and_that_score_then_uses(
    cli: Run, bfi: Path, tmp_path: Path
) -> None:
    out = tmp_path / "bfi_normed.yaml"
    result = cli(
        "analyze",
        "norms",
        bfi,
        "-i",
        INSTRUMENTS / "bfi.yaml",
        "--out",
        out,
        "--sample",
        "bfi 2800",
    )
    assert result.code == 0, result.err
    assert "Norms from bfi 2800 (final)" in result.out
    assert cli("instrument", "validate", out).code == 0
    norms = yaml.safe_load(out.read_text())["norms"]
    assert norms["provisional"] is False
    assert norms["scores"]["agree"]["reliability"] == pytest.approx(0.703018, abs=1e-6)
    assert norms["scores"]["agree"]["n"] == 2800

    scores = tmp_path / "scores.parquet"
    scored = cli("score", bfi, "-i", out, "--out", scores, "--intervals")
    assert scored.code == 0, scored.err
    table = pq.read_table(scores).to_pandas()
    assert {"agree_lo", "agree_hi", "agree_pct"} <= set(table.columns)
    sem = norms["scores"]["agree"]["sd"] * np.sqrt(1 - norms["scores"]["agree"]["reliability"])
    inside = (table["agree_lo"] > 1) & (table["agree_hi"] < 6)
    np.testing.assert_allclose(  # the bounds are written as float32
        (table["agree_hi"] - table["agree_lo"])[inside], 2 * 1.959963984540054 * sem, rtol=1e-6
    )


def test_norms_json_lists_every_number_and_small_samples_stay_provisional(
    cli: Run, bfi: Path, tmp_path: Path
) -> None:
    few = tmp_path / "few.csv"
    pd.read_csv(bfi).head(120).to_csv(few, index=False)
    out = tmp_path / "normed.yaml"
    result = cli("analyze", "norms", few, "-i", INSTRUMENTS / "bfi.yaml", "-o", out, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["provisional"] is True
    assert report["sample"] == "few.csv"
    agree = report["scores"]["agree"]
    assert set(agree) == {"n", "mean", "sd", "reliability", "sem", "percentiles"}
    assert agree["n"] == 120
    assert set(agree["percentiles"]) == {"5", "10", "25", "50", "75", "90", "95"}
    assert yaml.safe_load(out.read_text())["norms"]["provisional"] is True


def test_norms_refuse_to_overwrite_their_source_and_write_nothing_on_error(
    cli: Run, bfi: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "bfi.yaml"
    copy.write_text((INSTRUMENTS / "bfi.yaml").read_text())
    before = copy.read_text()
    result = cli("analyze", "norms", bfi, "-i", copy, "--out", copy)
    assert result.code == 2
    assert "new file" in result.err
    assert copy.read_text() == before

    bad = tmp_path / "bad.csv"
    frame = pd.read_csv(bfi).head(50)
    frame["A1"] = frame["A1"].astype(object)
    frame.loc[3, "A1"] = "x"
    frame.to_csv(bad, index=False)
    out = tmp_path / "normed.yaml"
    result = cli("analyze", "norms", bad, "-i", copy, "--out", out)
    assert result.code == 2
    assert "row 4, column 'A1'" in result.err
    assert not out.exists()
    assert not list(tmp_path.glob(".normed.yaml.*"))


def test_norms_need_a_yaml_target(cli: Run, bfi: Path, tmp_path: Path) -> None:
    result = cli(
        "analyze", "norms", bfi, "-i", INSTRUMENTS / "bfi.yaml", "--out", tmp_path / "n.csv"
    )
    assert result.code == 2
    assert ".yaml" in result.err
