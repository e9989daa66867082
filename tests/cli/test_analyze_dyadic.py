"""``twofold analyze apim`` and ``twofold analyze agreement`` run end to end through ``main``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from twofold.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"
ACITELLI_FILE = FIXTURES / "data" / "acitelli_individual.csv"
KAPPA_FILE = FIXTURES / "data" / "vcd_SexualFun_expanded_codes1to4.csv"
ACITELLI = json.loads((FIXTURES / "r" / "acitelli_apim.json").read_text())
KAPPA = json.loads((FIXTURES / "r" / "kappa.json").read_text())


def run(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["twofold", *args])
    monkeypatch.setenv("COLUMNS", "120")
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


APIM_ARGS = ["analyze", "apim", str(ACITELLI_FILE), "--dyad", "cuplid", "--x", "tension"]


def test_apim_prints_actor_and_partner_effects_with_roles(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        [*APIM_ARGS, "--y", "satisfaction", "--role", "gender", "--bootstrap", "200"],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert "148 dyads" in out
    assert "actor (gender -1)" in out
    assert "partner (gender 1 -> gender -1)" in out
    assert "-0.416" in out  # lavaan: a1 = -0.416118
    assert "bootstrap: 200 resamples" in out
    assert "Do the roles make a difference?" in out
    assert "chi-square 1.652 on 2 df" in out  # lavaan's LRT
    assert "chi-square 12.717 on 6 df" in out  # Olsen-Kenny model


def test_apim_json_has_every_effect_with_estimate_and_se(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        [*APIM_ARGS, "--y", "satisfaction", "--role", "gender", "--json", "--bootstrap", "100"],
        capsys,
        monkeypatch,
    )
    assert code == 0
    data = json.loads(out)
    assert data["model"] == {
        "method": "sem",
        "estimator": "ML",
        "distinguishable": True,
        "dyad": "cuplid",
        "role": "gender",
        "x": "tension",
        "y": "satisfaction",
        "member_1": -1,
        "member_2": 1,
    }
    assert data["n_dyads"] == 148
    pe = ACITELLI["lavaan_distinguishable"]["pe"]
    lavaan = dict(zip(pe["label"], zip(pe["est"], pe["se"], strict=True), strict=True))
    for name, label in {"actor_1": "a1", "actor_2": "a2", "partner_21": "p21", "k_1": "k1"}.items():
        effect = data["effects"][name]
        assert effect["estimate"] == pytest.approx(lavaan[label][0], abs=1e-5)
        assert effect["se"] == pytest.approx(lavaan[label][1], abs=1e-4)
        assert effect["statistic_kind"] == "z"
    assert set(data["k"]) == {"k_1", "k_2"}
    boot = data["k"]["k_1"]["bootstrap"]
    assert (boot["n_boot"], boot["seed"]) == (100, 1)
    assert boot["ci_lower"] < data["k"]["k_1"]["estimate"] < boot["ci_upper"]
    assert data["fit"]["df"] == 0
    assert data["fit"]["pvalue"] is None
    assert [t["df"] for t in data["distinguishability"]] == [2, 6]


def test_apim_indistinguishable_gls_matches_nlme(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        [*APIM_ARGS, "--y", "satisfaction", "--indistinguishable", "--method", "gls", "--json"],
        capsys,
        monkeypatch,
    )
    assert code == 0
    data = json.loads(out)
    ref = ACITELLI["gls_indist_REML"]
    assert data["effects"]["actor"]["estimate"] == pytest.approx(ref["coef"]["X_A"], abs=1e-5)
    assert data["effects"]["partner"]["se"] == pytest.approx(ref["se"]["X_P"], abs=1e-4)
    assert data["effects"]["actor"]["statistic_kind"] == "t"
    assert data["fit"]["rho"] == pytest.approx(ref["rho"], abs=1e-5)
    assert data["distinguishability"] == []  # no roles given


def test_apim_ml_flag_switches_the_gls_estimator(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        [
            *APIM_ARGS,
            "--y",
            "satisfaction",
            "--role",
            "gender",
            "--method",
            "gls",
            "--ml",
            "--bootstrap",
            "0",
            "--json",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    data = json.loads(out)
    assert data["model"]["estimator"] == "ML"
    ref = ACITELLI["gls_two_intercept_ML"]
    assert data["fit"]["logl"] == pytest.approx(ref["logLik"], abs=1e-6)
    assert data["k"]["k_1"]["bootstrap"] is None


def test_apim_table_for_indistinguishable_members_says_why_there_is_no_test(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        [*APIM_ARGS, "--y", "satisfaction", "--indistinguishable", "--bootstrap", "50"],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert "chi-square 12.717 on 6 df" in out
    assert "no test of distinguishability" in out


def test_apim_leaves_out_incomplete_couples_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    people = pd.read_csv(ACITELLI_FILE)
    people.loc[[0, 5], "satisfaction"] = None
    path = tmp_path / "couples.csv"
    people.to_csv(path, index=False)
    code, out, _ = run(
        [
            "analyze",
            "apim",
            str(path),
            "--dyad",
            "cuplid",
            "--role",
            "gender",
            "--x",
            "tension",
            "--y",
            "satisfaction",
            "--json",
            "--bootstrap",
            "0",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    data = json.loads(out)
    assert (data["n_dyads"], data["n_dropped"]) == (146, 2)


@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        ("1,a,1,2\n1,b,2,3\n2,a,3,4\n", [], "dyad 2 has one member (row(s) 3)"),
        ("1,a,1,2\n1,b,zz,3\n2,a,3,4\n2,b,1,1\n", [], "row 2, column 'x': 'zz' is not a number"),
        ("1,a,1,2\n1,a,2,3\n2,a,3,4\n2,b,1,1\n", [], "both members have role 'a'"),
        ("1,a,1,2\n1,b,2,3\n", ["--y", "nope"], "no column 'nope'"),
        ("1,a,1,2\n1,b,2,3\n", ["--method", "lavaan"], "--method must be sem or gls"),
        ("1,a,1,2\n1,b,2,3\n2,a,3,4\n2,b,1,1\n", [], "too few complete dyads"),
    ],
)
def test_apim_bad_input_exits_2_with_a_clear_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    rows: str,
    extra: list[str],
    message: str,
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("couple,role,x,y\n" + rows)
    args = ["analyze", "apim", str(path), "--dyad", "couple", "--role", "role", "--x", "x"]
    args += extra if "--y" in extra else ["--y", "y", *extra]
    code, out, err = run(args, capsys, monkeypatch)
    assert code == 2
    assert message in " ".join(err.split())
    assert "Traceback" not in err
    assert out == ""


def test_apim_without_role_asks_for_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run([*APIM_ARGS, "--y", "satisfaction"], capsys, monkeypatch)
    assert code == 2
    assert "--role is needed" in err


@pytest.mark.parametrize("weights", ["none", "linear", "quadratic"])
def test_agreement_json_matches_vcd(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, weights: str
) -> None:
    code, out, _ = run(
        [
            "analyze",
            "agreement",
            str(KAPPA_FILE),
            "--a",
            "Husband",
            "--b",
            "Wife",
            "--weights",
            weights,
            "--json",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    data = json.loads(out)
    ref = KAPPA[{"none": "unweighted"}.get(weights, weights)]
    assert data["kappa"]["kappa"] == pytest.approx(ref["kappa"], abs=1e-10)
    assert data["kappa"]["se"] == pytest.approx(ref["ase"], abs=1e-10)
    assert data["kappa"]["ci_lower"] == pytest.approx(ref["lower"], abs=1e-10)
    assert data["kappa"]["table"] == KAPPA["table"]
    assert data["kappa"]["categories"] == [1, 2, 3, 4]
    assert data["icc"]["pairwise"]["n_dyads"] == 91
    assert -1 < data["icc"]["anova"]["icc"] < 1


def test_agreement_table_shows_kappa_and_iccs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        [
            "analyze",
            "agreement",
            str(KAPPA_FILE),
            "--a",
            "Husband",
            "--b",
            "Wife",
            "--weights",
            "linear",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert "91 pairs" in out
    assert "0.237" in out  # vcd: linear kappa 0.2374
    assert "ANOVA ICC(1)" in out


def test_agreement_on_words_gives_kappa_without_iccs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "answers.csv"
    path.write_text("partner_a,partner_b\noften,often\nnever,rarely\nrarely,rarely\noften,never\n")
    code, out, _ = run(
        [
            "analyze",
            "agreement",
            str(path),
            "--a",
            "partner_a",
            "--b",
            "partner_b",
            "--categories",
            "never,rarely,often",
            "--weights",
            "linear",
            "--json",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    data = json.loads(out)
    assert data["kappa"]["categories"] == ["never", "rarely", "often"]
    assert data["icc"] is None
    assert data["icc_note"] == "the answers are not numbers"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--a", "Husband", "--b", "Partner"], "no column 'Partner'"),
        (["--a", "Husband", "--b", "Wife", "--weights", "cubic"], "--weights must be"),
        (["--a", "Husband", "--b", "Husband"], "two different columns"),
        (["--a", "Husband", "--b", "Wife", "--categories", "1,2,3"], "not one of the categories"),
        (["--a", "Husband", "--b", "Wife", "--categories", "low,high"], "not a list of numbers"),
    ],
)
def test_agreement_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    code, out, err = run(["analyze", "agreement", str(KAPPA_FILE), *args], capsys, monkeypatch)
    assert code == 2
    assert message in " ".join(err.split())
    assert out == ""
