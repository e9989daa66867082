"""Slow clients against `twofold serve`: what granian bounds by itself, and what needs a proxy.

One run, on loopback, against the server started exactly as `twofold serve` starts it (granian,
WSGI, 2 workers, 4 threads each, the limits of ``twofold.web.limits.SERVER_LIMITS``):

- baseline: the latency of ``GET /healthz/`` with no other client;
- with K clients that send their headers a piece at a time and never finish them;
- with K clients that send a POST's headers (with a CSRF cookie, so Django reads the body) and
  then only the first bytes of a 1 KB body, and stall.

For each, 10 ``GET /healthz/`` on fresh connections, each given up after ``--timeout`` seconds.
Slow-header clients are read by granian's async I/O, so they cost no worker thread and are cut
after its header timeout; slow-body clients are read by the Django thread that reads the body,
so enough of them hold every thread (granian has no body timeout). With ``--nginx`` the same
runs again through nginx (Debian's, run in the foreground with the configuration below), which
reads each request body in full before passing it on. Every loop is bounded.

    .venv/bin/python benchmarks/bench_slow_clients.py --nginx
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PORT = 8766
NGINX_PORT = 8767
NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 64k;     # as TWOFOLD_MAX_REQUEST_BYTES
    client_header_timeout 10s;
    client_body_timeout 10s;      # between two reads of the body
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_request_buffering on; # the default: the whole body first, then the app
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""
SERVE = """
from granian import Granian
from granian.constants import Interfaces
from twofold.web.limits import SERVER_LIMITS
Granian("twofold.web.config.wsgi:application", address="127.0.0.1", port={port},
        interface=Interfaces.WSGI, workers=2, blocking_threads=4, log_enabled=False,
        **SERVER_LIMITS).serve()
"""


def get_latencies(port: int, n: int, timeout: float) -> list[float | None]:
    """``n`` GETs of the health check; seconds each, None when given up."""
    out: list[float | None] = []
    for _ in range(n):
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            connection.request("GET", "/healthz/")
            connection.getresponse().read()
            connection.close()
            out.append(time.perf_counter() - started)
        except OSError:
            out.append(None)
    return out


def slow_headers(port: int, k: int) -> list[socket.socket]:
    socks = []
    for _ in range(k):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /healthz/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        socks.append(s)
    return socks


def slow_bodies(port: int, k: int) -> list[socket.socket]:
    socks = []
    for _ in range(k):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Cookie: csrftoken=abcdefghijklmnopqrstuvwxyzABCDEF\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1000\r\n\r\nlogin=a"
        )
        socks.append(s)
    return socks


def summary(latencies: list[float | None]) -> tuple[str, str, str]:
    done = [x * 1000 for x in latencies if x is not None]
    given_up = len(latencies) - len(done)
    p50 = f"{statistics.median(done):.1f}" if done else "—"
    worst = f"{max(done):.1f}" if done else "—"
    return p50, worst, f"{given_up}/{len(latencies)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds before a GET gives up")
    parser.add_argument("--nginx", action="store_true", help="also measure through nginx")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="twofold-slow-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twofold.web.config.base",
        "TWOFOLD_DATA_DIR": str(data),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "twofold.web", "migrate", "-v", "0"], env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE.format(port=PORT)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    proxy = None
    targets = [("granian", PORT)]
    if args.nginx:
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (data / sub).mkdir()
        os.chmod(data, 0o777)
        conf = data / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=data, port=NGINX_PORT, upstream=PORT))
        proxy = subprocess.Popen(["nginx", "-c", str(conf)], stderr=subprocess.DEVNULL)
        targets.append(("nginx → granian", NGINX_PORT))
    rows = []
    try:
        for name, port in targets:
            deadline = time.monotonic() + 30
            while get_latencies(port, 1, 1)[0] is None:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{name} did not start")
                time.sleep(0.2)
            get_latencies(port, 5, args.timeout)  # warm up
            rows.append((name, "no other client", *summary(get_latencies(port, 10, args.timeout))))
            for kind, opener in (("slow headers", slow_headers), ("slow bodies", slow_bodies)):
                for k in (8, 100) if kind == "slow headers" else (4, 7, 8, 16):
                    socks = opener(port, k)
                    time.sleep(1)
                    latencies = get_latencies(port, 10, args.timeout)
                    rows.append((name, f"{k} clients with {kind}", *summary(latencies)))
                    for s in socks:
                        s.close()
                    time.sleep(1)  # closed connections free their threads
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=10)
        server.terminate()
        server.wait(timeout=10)
    print(f"| server | while it has | GET p50 ms | GET max ms | given up (>{args.timeout:g} s) |")
    print("|---|---|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
