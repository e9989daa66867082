"""``twofold backup`` and ``twofold restore`` on the test database (the logic's own tests, with
a restore into an empty database, are in tests/web/ops/test_backup.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Run
from tests.web.conftest import make_person
from twofold.web.accounts.models import User

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_a_backup_is_written_and_restoring_over_data_needs_force(cli: Run, tmp_path: Path) -> None:
    make_person("ana@example.org", "Ana")
    make_person("bruno@example.org", "Bruno")
    path = tmp_path / "twofold.backup"

    made = cli("backup", path)
    assert made.code == 0, made.err
    assert "Backed up" in made.out
    assert "2 accounts" in made.out
    assert path.stat().st_size > 0

    refused = cli("restore", path)
    assert refused.code == 2
    assert "already holds data" in refused.err
    assert "--force" in refused.err

    forced = cli("restore", "--force", path)
    assert forced.code == 0, forced.err
    assert "Restored" in forced.out
    assert User.objects.count() == 2


def test_a_backup_into_a_missing_folder_says_so(cli: Run, tmp_path: Path) -> None:
    result = cli("backup", tmp_path / "missing" / "twofold.backup")
    assert result.code == 2
    assert "does not exist" in result.err
    assert "Traceback" not in result.err


def test_restoring_a_file_that_is_not_a_backup_says_so(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = cli("restore", path)
    assert result.code == 2
    assert "is not a Twofold backup" in result.err
