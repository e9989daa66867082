"""A real ``twofold serve`` (granian, its worker processes) on a free loopback port.

The server runs in a process group of its own, so a test can kill it the way a crash does
(SIGKILL to every process at once) and start it again on the same port and database. Its output
goes to a log file whose tail a failing test shows.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["Server", "free_port"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``twofold serve`` with the given environment, started by :meth:`start`.

    Without the demo couple unless ``demo``: then Ana (``ana@demo.twofold.invalid``) and Bruno
    exist, with a password nobody knows.
    """

    def __init__(
        self,
        env: dict[str, str],
        workdir: Path,
        *,
        port: int | None = None,
        workers: int = 2,
        demo: bool = False,
        name: str = "server",
    ) -> None:
        self.env = env
        self.workdir = workdir
        self.port = port or free_port()
        self.workers = workers
        self.demo = demo
        self.log = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> float:
        """Start the server and wait until it answers; return how long that took (s)."""
        twofold = Path(sys.executable).with_name("twofold")
        command = [str(twofold), "serve", "--port", str(self.port)]
        command += ["--workers", str(self.workers), "--demo" if self.demo else "--no-demo"]
        started = time.perf_counter()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, for kill()
            )
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}:\n{self.tail()}"
                )
            if self.ready():
                return time.perf_counter() - started
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{self.tail()}")

    def ready(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/healthz/")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL every process of the server at once, as a crash or an OOM kill would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        # The workers die with the signal too; wait until none is left holding the port.
        for _ in range(100):
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), or kill after 15 s."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
