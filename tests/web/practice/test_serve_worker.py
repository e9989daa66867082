"""`twofold serve` starts a task worker beside the server and stops it when it stops."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.databases import scratch_database, suite_server_url
from tests.server import Server

pytestmark = [pytest.mark.database, pytest.mark.slow]


def _workers_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = []
    for child in map(int, children):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            continue
        if b"worker" in cmdline:
            found.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.split(")")[1].split()[0] != "Z"


def test_serve_starts_a_worker_and_stops_it_on_exit(tmp_path: Path) -> None:
    with scratch_database(tmp_path, suite_server_url()) as url:
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "twofold.web.config.base",
            "DATABASE_URL": url,
            "TWOFOLD_DATA_DIR": str(tmp_path),
            "DJANGO_LOG_LEVEL": "ERROR",
        }
        server = Server(env, tmp_path, workers=1, name="serve-worker")
        try:
            server.start()
            assert server.process is not None
            workers = _workers_of(server.process.pid)
            assert len(workers) == 1, server.tail()
            assert "task worker started" in server.log.read_text()
            # Only the server is asked to stop; it must stop its worker itself.
            os.kill(server.process.pid, signal.SIGTERM)
            server.process.wait(30)
            deadline = time.monotonic() + 15
            while _alive(workers[0]) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not _alive(workers[0]), server.tail()
        finally:
            server.stop()
