"""Soak: 50 people saving answers for 5 minutes; latency and server memory per 30-s window.

The load is the answer-saving phase of ``bench_web.py`` (same people, same htmx request, same
think time), held for ``--minutes`` against one server started as ``twofold serve`` does
(granian, WSGI, 2 workers) on 127.0.0.1. Every 30 seconds it records the answers' latency
percentiles, the errors, and the resident memory (RSS) of the server's processes (the main
process and its workers, summed, sampled every second). Beside it, the baseline: one probe
thread requesting ``/healthz/`` (no database, no template) twice a second, so a slow window
caused by the machine rather than the app shows in both columns.

At the end it compares the last two windows with the first two (after a 20-s warm-up that is
not counted): the answers' p95 latency and the server's RSS should not grow. Bounded: the load
stops at the deadline and the server is stopped.

    .venv/bin/python benchmarks/soak_web.py                       # SQLite, 5 minutes
    .venv/bin/python benchmarks/soak_web.py --database-url postgres://u:p@127.0.0.1/emptydb
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import bench_web
from bench_web import Person, answer

WINDOW = 30.0


def server_rss_mb(group: int) -> tuple[float, float]:
    """Resident memory of the process group in MB: all its processes, and the workers alone
    (every process but the group's leader, the ``twofold serve`` main process)."""
    total = workers = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != group:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    kb = int(line.split()[1])
                    total += kb
                    workers += kb if int(entry.name) != group else 0
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue
    return total / 1024, workers / 1024


def slope_per_minute(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value) points, per minute."""
    if len(points) < 2:
        return float("nan")
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return 60 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))]


class Soak:
    def __init__(self, people: list[Person], group: int, start: float, end: float) -> None:
        self.people = people
        self.group = group
        self.start = start
        self.end = end
        self.lock = threading.Lock()
        self.answers: list[tuple[float, float]] = []  # (time since start, latency)
        self.errors: list[tuple[float, str]] = []
        self.probes: list[tuple[float, float]] = []
        self.rss: list[tuple[float, float, float]] = []  # (time, all processes, workers)

    def person(self, k: int, person: Person, think: tuple[float, float]) -> None:
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", bench_web.PORT, timeout=30)
        time.sleep(rng.uniform(*think))
        step = 0
        while time.perf_counter() < self.end:
            method, path, body = answer(person, step, rng)
            at = time.perf_counter() - self.start
            try:
                status, took = bench_web.request(conn, method, path, person, body)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", bench_web.PORT, timeout=30)
                status, took = -1, 0.0
                with self.lock:
                    self.errors.append((at, type(exc).__name__))
            with self.lock:
                if status == 200:
                    self.answers.append((at, took))
                elif status != -1:
                    self.errors.append((at, f"HTTP {status}"))
            step += 1
            time.sleep(rng.uniform(*think))
        conn.close()

    def probe(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", bench_web.PORT, timeout=30)
        while time.perf_counter() < self.end:
            at = time.perf_counter() - self.start
            status, took = bench_web.request(conn, "GET", "/healthz/", None)
            with self.lock:
                if status == 200:
                    self.probes.append((at, took))
            time.sleep(0.5)
        conn.close()

    def sample_memory(self) -> None:
        while time.perf_counter() < self.end:
            self.rss.append((time.perf_counter() - self.start, *server_rss_mb(self.group)))
            time.sleep(1.0)

    def windows(self, warmup: float) -> list[dict[str, float]]:
        rows = []
        t = warmup
        while t + WINDOW <= self.end - self.start + 1e-6:
            inside = [took for at, took in self.answers if t <= at < t + WINDOW]
            probes = [took for at, took in self.probes if t <= at < t + WINDOW]
            rss = [mb for at, mb, _ in self.rss if t <= at < t + WINDOW]
            workers = [mb for at, _, mb in self.rss if t <= at < t + WINDOW]
            rows.append(
                {
                    "from_s": t,
                    "answers": len(inside),
                    "errors": sum(1 for at, _ in self.errors if t <= at < t + WINDOW),
                    "p50_ms": percentile(inside, 0.50),
                    "p95_ms": percentile(inside, 0.95),
                    "p99_ms": percentile(inside, 0.99),
                    "max_ms": 1000 * max(inside, default=float("nan")),
                    "healthz_p50_ms": percentile(probes, 0.50),
                    "rss_mb": statistics.fmean(rss) if rss else float("nan"),
                    "rss_max_mb": max(rss, default=float("nan")),
                    "workers_rss_mb": statistics.fmean(workers) if workers else float("nan"),
                }
            )
            t += WINDOW
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds not counted")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"))
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--database-url", default=None, help="an empty database (default: SQLite in a temp dir)"
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    bench_web.PORT = args.port
    workdir = Path(tempfile.mkdtemp(prefix="twofold-soak-"))
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "twofold.web.config.base",
        "TWOFOLD_DATA_DIR": str(workdir),
        "TWOFOLD_INSTRUMENT": "rbi@1.0",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    os.environ.update(env)
    print(f"seeding {2 * args.people} people in {workdir} ...", flush=True)
    answering, _finished = bench_web.seed(args.people)
    from django.db import connection

    backend = connection.vendor
    connection.close()

    twofold = Path(sys.executable).with_name("twofold")
    server = subprocess.Popen(
        [str(twofold), "serve", "--no-demo", "--port", str(args.port), "--workers", "2"],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                if bench_web.request(conn, "GET", "/healthz/", None)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        seconds = args.warmup + 60 * args.minutes
        start = time.perf_counter()
        soak = Soak(answering, server.pid, start, start + seconds)
        think = (args.think[0], args.think[1])
        threads = [threading.Thread(target=soak.probe), threading.Thread(target=soak.sample_memory)]
        threads += [
            threading.Thread(target=soak.person, args=(k, p, think))
            for k, p in enumerate(answering)
        ]
        print(
            f"{args.people} people saving answers on {backend}, think {think[0]}-{think[1]} s, "
            f"{args.minutes:g} min after a {args.warmup:g}-s warm-up ...",
            flush=True,
        )
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    rows = soak.windows(args.warmup)
    print(
        f"{'window':>9} {'answers':>7} {'err':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'healthz p50':>11} {'RSS MB':>7} {'workers':>7}"
    )
    for r in rows:
        span = f"{r['from_s'] - args.warmup:.0f}-{r['from_s'] - args.warmup + WINDOW:.0f} s"
        print(
            f"{span:>9} {r['answers']:7.0f} {r['errors']:4.0f} {r['p50_ms']:7.1f} "
            f"{r['p95_ms']:7.1f} {r['p99_ms']:7.1f} {r['max_ms']:7.1f} "
            f"{r['healthz_p50_ms']:11.1f} {r['rss_mb']:7.1f} {r['workers_rss_mb']:7.1f}"
        )
    first, last = rows[:2], rows[-2:]

    def mean(key: str, part: list[dict[str, float]]) -> float:
        return statistics.fmean(r[key] for r in part)

    p95_growth = mean("p95_ms", last) / mean("p95_ms", first)
    rss_growth = mean("rss_mb", last) / mean("rss_mb", first)
    errors = len(soak.errors)
    total = len(soak.answers)
    counted = [(at, mb) for at, mb, _ in soak.rss if at >= args.warmup]
    second_half = [(at, mb) for at, mb in counted if at >= args.warmup + 30 * args.minutes]
    rss_slope = slope_per_minute(counted)
    rss_slope_late = slope_per_minute(second_half)
    print(
        f"{total} answers saved, {errors} errors; last two windows vs first two: "
        f"p95 x{p95_growth:.2f}, RSS x{rss_growth:.3f} "
        f"({mean('rss_mb', first):.1f} -> {mean('rss_mb', last):.1f} MB); RSS trend "
        f"{rss_slope:+.2f} MB/min over the run, {rss_slope_late:+.2f} MB/min in its second half"
    )
    steady = errors == 0 and p95_growth <= 1.5 and rss_growth <= 1.05
    print(
        "no errors, and no growth in latency (p95 within x1.5) or memory (RSS within 5%): "
        + ("yes" if steady else "NO")
    )
    if soak.errors:
        print("first errors:", soak.errors[:5])
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "backend": backend,
                    "windows": rows,
                    "errors": errors,
                    "answers": total,
                    "p95_growth": p95_growth,
                    "rss_growth": rss_growth,
                    "rss_mb_per_min": rss_slope,
                    "rss_mb_per_min_second_half": rss_slope_late,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
