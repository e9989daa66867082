"""Hostile input to the command line: refused with a message and exit 2, bounded (issue 14 §7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Run

TWOFOLD = Path(sys.executable).parent / "twofold"


def _ok_csv(folder: Path) -> Path:
    path = folder / "ok.csv"
    path.write_text("id,x\n1,2\n")
    return path


def test_deeply_nested_json_is_refused(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    result = cli("score", path)
    assert result.code == 2
    assert "nested too deeply" in result.err


def test_a_400_digit_number_is_refused(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text('[{"id": 1, "x": ' + "9" * 400 + "}]")
    result = cli("score", path)
    assert result.code == 2
    assert "400 digits" in result.err


@pytest.mark.parametrize("encoding", ["no-such-encoding", "rot13"])
def test_an_unknown_or_non_text_encoding_is_refused(
    cli: Run, tmp_path: Path, encoding: str
) -> None:
    result = cli("score", _ok_csv(tmp_path), "--encoding", encoding)
    assert result.code == 2
    assert "--encoding" in result.err


@pytest.mark.parametrize("delimiter", ["", ";;", "\n", '"'])
def test_a_delimiter_that_is_not_one_character_is_refused(
    cli: Run, tmp_path: Path, delimiter: str
) -> None:
    result = cli("score", _ok_csv(tmp_path), "--delimiter", delimiter)
    assert result.code == 2
    assert "--delimiter" in result.err


def test_an_endless_file_is_refused(cli: Run, tmp_path: Path) -> None:
    link = tmp_path / "endless.csv"
    link.symlink_to("/dev/zero")
    result = cli("score", link)
    assert result.code == 2
    assert "not a regular file" in result.err


def test_a_hundred_thousand_columns_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    n = 100_000
    path.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" * n) + "\n")
    # A fresh interpreter runs the command and reports its children's peak, so the figure is
    # this command's alone (RUSAGE_CHILDREN here would be the largest child pytest ever ran).
    probe = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)\n"
        "sys.stderr.write(done.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(done.returncode)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(TWOFOLD), "score", str(path)],
        capture_output=True,
        text=True,
        timeout=150,
    )
    peak_kib = int(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 2, done.stderr
    assert "100,000 columns" in done.stderr
    assert peak_kib < 400_000  # was 790 MB before the header was checked first
