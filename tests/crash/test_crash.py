"""The crash scenario (``tests/crash/harness.py``) on the backend of this run of the suite.

The harness runs in a process of its own: it configures Django for its own scratch database
and the server it kills, apart from the test database pytest-django made.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.databases import suite_server_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.database, pytest.mark.crash, pytest.mark.slow]


def test_no_acknowledged_answer_is_lost_or_doubled_when_the_server_is_killed(
    tmp_path: Path, crash_summaries: list[str]
) -> None:
    server_url = suite_server_url()
    command = [sys.executable, "-m", "tests.crash.harness", "--workdir", str(tmp_path)]
    command += ["--json", str(tmp_path / "counts.json")]
    if server_url:
        command += ["--database-url", server_url]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert (tmp_path / "counts.json").exists(), run.stdout + run.stderr
    counts = json.loads((tmp_path / "counts.json").read_text())
    crash_summaries.append(run.stdout.strip())
    log = tmp_path / "crash-server.log"
    context = (
        run.stdout + run.stderr + (log.read_text(errors="replace")[-3000:] if log.exists() else "")
    )
    assert counts["acknowledged"] > 500, context
    assert counts["in_flight"] + counts["server_errors"] > 0, context  # the kill hit the load
    assert counts["acknowledged_after_restart"] > 0, context
    assert counts["unexpected"] == 0, context
    assert counts["lost"] == 0, context
    assert counts["duplicated"] == 0, context
    assert counts["found"] == counts["acknowledged"], context
    assert run.returncode == 0, context


def test_two_servers_on_one_database_lose_and_double_nothing_when_one_is_killed(
    tmp_path: Path, crash_summaries: list[str]
) -> None:
    server_url = suite_server_url()
    if not server_url:
        pytest.skip("several servers share a PostgreSQL database; this run is on SQLite")
    command = [sys.executable, "-m", "tests.crash.harness", "--workdir", str(tmp_path)]
    command += ["--json", str(tmp_path / "counts.json"), "--servers", "2"]
    # killed early, so that the restarted server is back while people still answer
    command += ["--kill-at", "0.2", "--answers", "40"]
    command += ["--database-url", server_url]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert (tmp_path / "counts.json").exists(), run.stdout + run.stderr
    counts = json.loads((tmp_path / "counts.json").read_text())
    crash_summaries.append(run.stdout.strip())
    context = run.stdout + run.stderr
    assert counts["servers"] == 2
    assert counts["acknowledged"] > 500, context
    assert counts["in_flight"] + counts["server_errors"] > 0, context
    assert counts["acknowledged_while_down"] > 0, context  # the other server kept serving
    assert counts["acknowledged_after_restart"] > 0, context
    assert counts["unexpected"] == 0, context
    assert counts["lost"] == 0, context
    assert counts["duplicated"] == 0, context
    assert counts["found"] == counts["acknowledged"], context
    assert run.returncode == 0, context
