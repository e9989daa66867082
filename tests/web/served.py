"""The web app served by granian in a child process, as ``twofold serve`` serves it.

For tests that need the real server between them and Django: its limits, its handling of
headers and bodies, and the production settings behind a proxy.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_SERVE = """
import sys
from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from twofold.web.limits import SERVER_LIMITS

limits = dict(SERVER_LIMITS)
timeout = int(sys.argv[2])
if timeout:
    old = limits["http1_settings"]
    limits["http1_settings"] = HTTP1Settings(
        header_read_timeout=timeout, max_buffer_size=old.max_buffer_size
    )
Granian(
    "twofold.web.config.wsgi:application",
    address="127.0.0.1",
    port=int(sys.argv[1]),
    interface=Interfaces.WSGI,
    workers=1,
    blocking_threads=2,
    log_enabled=False,
    **limits,
).serve()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: Mapping[str, str], *, static: bool = True) -> None:
    """Migrate the database and collect static files, as ``twofold serve`` does first.

    The test settings serve static files from the finders: ``static=False`` for them.
    """
    commands = [["migrate"], ["collectstatic", "--no-input"]] if static else [["migrate"]]
    for command in commands:
        subprocess.run(
            [sys.executable, "-m", "twofold.web", *command, "-v", "0"],
            env=dict(env),
            check=True,
            timeout=120,
            cwd=ROOT,
        )


@contextmanager
def served(env: Mapping[str, str], *, header_timeout_ms: int = 0) -> Iterator[int]:
    """Serve the app with ``env`` (settings, database) on a free port; yield the port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVE, str(port), str(header_timeout_ms)],
        env={**env, "PYTHONPATH": os.pathsep.join(sys.path)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"granian did not start: {err}") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(
    port: int,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[http.client.HTTPResponse, bytes]:
    """One request on a fresh connection: the response and its whole body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.request(method, path, body=body, headers=dict(headers or {}))
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response, content
