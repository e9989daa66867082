"""A command whose optional part (pyproject's extras) is not installed says which to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Run


def test_dask_scoring_without_the_dask_extra_names_it(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.parquet").write_bytes(b"")
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = cli("score", tmp_path / "in", "--engine", "dask", "--out", tmp_path / "out")
    assert result.code == 2
    assert "pip install 'twofold[dask]'" in result.err
    assert not (tmp_path / "out").exists()


def test_the_web_app_without_the_web_extra_names_it(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "sys.modules['django'] = None\n"
        "sys.argv = ['twofold', 'serve', '--no-migrate']\n"
        "from twofold.cli import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'twofold[web]'" in done.stderr
