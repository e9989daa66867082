"""Scoring on a Dask cluster gives what one process gives, and refuses as one process refuses.

A real two-worker LocalCluster (processes, loopback only) is started once for the module; the
tests pass its address as ``--scheduler`` would. One CLI test starts its own local cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli.conftest import Run
from twofold.core import Instrument, load_instrument
from twofold.dask_scoring import score_files_dask
from twofold.errors import UserError
from twofold.pipeline import ScoreOptions, score_file


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def rbi() -> Instrument:
    return load_instrument("rbi@1.0")


def answers(inst: Instrument, n: int, seed: int, prefix: str) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {i.id: rng.integers(i.scale.min, i.scale.max + 1, n).astype(float) for i in inst.items}
    )
    # some unanswered items, so imputation has work to do
    frame.iloc[rng.integers(0, n, 20), rng.integers(0, len(inst.items), 20)] = np.nan
    frame.insert(0, "person", [f"{prefix}{j}" for j in range(n)])
    return frame


def write_parts(inst: Instrument, folder: Path, sizes: list[int]) -> list[pd.DataFrame]:
    folder.mkdir()
    frames = [answers(inst, n, k, f"f{k}_") for k, n in enumerate(sizes)]
    for k, frame in enumerate(frames):
        frame.to_parquet(folder / f"wave{k}.parquet", index=False)
    return frames


@pytest.mark.parametrize("impute", ["none", "mean", "median"])
def test_the_scores_are_those_of_one_process(
    scheduler: str, rbi: Instrument, tmp_path: Path, impute: str
) -> None:
    frames = write_parts(rbi, tmp_path / "in", [300, 1, 250])
    whole = tmp_path / "whole.parquet"
    pd.concat(frames, ignore_index=True).to_parquet(whole, index=False)
    options = ScoreOptions(impute=impute, id_column="person")  # type: ignore[arg-type]

    rows = score_files_dask(
        str(tmp_path / "in" / "*.parquet"), tmp_path / "out", rbi, options, scheduler=scheduler
    )
    score_file(whole, tmp_path / "one.parquet", rbi, options)

    assert rows == 551
    parts = sorted((tmp_path / "out").glob("*.parquet"))
    assert [p.name for p in parts] == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    dask_scores = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    one = pd.read_parquet(tmp_path / "one.parquet")
    pd.testing.assert_frame_equal(dask_scores, one)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_problem_in_one_file_names_it_and_writes_nothing(
    scheduler: str, rbi: Instrument, tmp_path: Path
) -> None:
    frames = write_parts(rbi, tmp_path / "in", [50, 50])
    bad = frames[1]
    bad.loc[6, "hd_disclosure_1"] = 9
    bad.to_parquet(tmp_path / "in" / "wave1.parquet", index=False)

    with pytest.raises(UserError) as caught:
        score_files_dask(tmp_path / "in", tmp_path / "out", rbi, scheduler=scheduler)

    assert "1 of 2 file(s) have problems; nothing was written" in caught.value.summary
    assert any(
        "wave1.parquet" in p and "row 7" in p and "hd_disclosure_1" in p
        for p in caught.value.problems
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # no output, no staging folder


def test_a_person_id_in_two_files_is_refused(
    scheduler: str, rbi: Instrument, tmp_path: Path
) -> None:
    frames = write_parts(rbi, tmp_path / "in", [20, 20])
    frames[1].loc[3, "person"] = "f0_5"
    frames[1].to_parquet(tmp_path / "in" / "wave1.parquet", index=False)

    with pytest.raises(UserError) as caught:
        score_files_dask(
            tmp_path / "in",
            tmp_path / "out",
            rbi,
            ScoreOptions(id_column="person"),
            scheduler=scheduler,
        )

    assert caught.value.problems == ["person 'f0_5' is in wave0.parquet and in wave1.parquet"]
    assert not (tmp_path / "out").exists()


def test_files_with_different_columns_do_not_make_one_dataset(
    scheduler: str, rbi: Instrument, tmp_path: Path
) -> None:
    frames = write_parts(rbi, tmp_path / "in", [20, 20])
    frames[1].assign(site="north").to_parquet(tmp_path / "in" / "wave1.parquet", index=False)

    with pytest.raises(UserError, match="do not have the same columns"):
        score_files_dask(tmp_path / "in", tmp_path / "out", rbi, scheduler=scheduler)
    assert not (tmp_path / "out").exists()


def test_the_command_scores_a_folder_on_its_own_local_cluster(
    cli: Run, rbi: Instrument, tmp_path: Path
) -> None:
    write_parts(rbi, tmp_path / "in", [40, 30])
    result = cli(
        "score",
        tmp_path / "in" / "*.parquet",
        "-i",
        "rbi@1.0",
        "--engine",
        "dask",
        "--out",
        tmp_path / "out",
    )
    assert result.code == 0, result.err
    assert "scored 70 people" in result.err
    assert len(pd.read_parquet(tmp_path / "out")) == 70


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nothing/*.parquet", "--out", "o"], "no Parquet files match"),
        (["{csv}", "--out", "o"], "reads Parquet files only"),
        (["{in}", "--out", "{in}"], "already exists"),
        (["{in}"], "--engine dask needs --out"),
    ],
)
def test_bad_requests_are_refused_before_any_cluster_starts(
    cli: Run, rbi: Instrument, tmp_path: Path, args: list[str], message: str
) -> None:
    write_parts(rbi, tmp_path / "in", [5])
    (tmp_path / "a.csv").write_text("x\n1\n")
    filled = [a.format(csv=tmp_path / "a.csv", **{"in": tmp_path / "in"}) for a in args]
    result = cli("score", *filled, "-i", "rbi@1.0", "--engine", "dask")
    assert result.code == 2
    assert message in result.err


def test_an_unreachable_scheduler_is_a_message(cli: Run, rbi: Instrument, tmp_path: Path) -> None:
    write_parts(rbi, tmp_path / "in", [5])
    result = cli(
        "score",
        tmp_path / "in",
        "-i",
        "rbi@1.0",
        "--engine",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
        "--out",
        tmp_path / "out",
    )
    assert result.code == 2
    assert "cannot reach it" in result.err
