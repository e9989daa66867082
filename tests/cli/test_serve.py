"""``twofold serve`` refuses to serve a database that is not up to date when told not to
migrate it (several servers on one database: one migrates, the others wait for it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_serving_without_migrating_an_old_database_stops_with_a_clear_message(
    tmp_path: Path,
) -> None:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "twofold.web.config.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "TWOFOLD_DATA_DIR": str(tmp_path),
    }
    twofold = Path(sys.executable).with_name("twofold")
    run = subprocess.run(
        [str(twofold), "serve", "--no-migrate", "--no-demo", "--port", "8799"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "not up to date" in run.stderr
    assert "python -m twofold.web migrate" in run.stderr
    assert "Traceback" not in run.stderr
