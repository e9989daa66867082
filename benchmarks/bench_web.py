"""Web app under load: 50 people answering at once, on loopback, against `twofold serve`.

What it does, all in one run and on one machine:

1. Makes a fresh SQLite database (WAL) in a temporary folder, with the bundled RBI, and signs up
   100 people through the app's own services: 50 who are answering the questionnaire and 50 who
   have finished it (to read their report). Sessions and CSRF tokens are made up front, so the
   load is only the pages measured.
2. Starts the server exactly as `twofold serve` does (granian, WSGI, 2 workers) on 127.0.0.1.
3. Runs three phases with 50 simulated people each, every person a thread with its own
   keep-alive connection and a think time between requests (uniform, default 0.5-1.5 s: a real
   person takes several seconds per answer, so this is a few times faster than life):
   - saving an answer (POST /assessment/answer/, the htmx request),
   - opening the individual report (GET /assessment/results/),
   - the trivial view (GET /healthz/: full middleware, no database, no template) - the ceiling.
4. Then a closed loop (no think time, 8 connections) on each, for the saturation throughput.

Every loop is bounded by time (``--seconds`` per phase) and the server is stopped at the end.
Prints a table and writes JSON (``--json``). Targets (issue 4): answer p99 <= 50 ms and report
p50 <= 100 ms under the 50-people load.

    .venv/bin/python benchmarks/bench_web.py --seconds 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PORT = 8765


@dataclass
class Person:
    session: str
    csrf: str
    items: list[tuple[str, int, int]] = field(default_factory=list)  # (item, min, max)

    @property
    def cookie(self) -> str:
        return f"sessionid={self.session}; csrftoken={self.csrf}"


def seed(n: int) -> tuple[list[Person], list[Person]]:
    """Create ``n`` people answering and ``n`` who finished; return their sessions."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from twofold.web.accounts.models import User
    from twofold.web.assessments.services import (
        answers_save,
        assessment_choose_partner_form,
        assessment_complete,
        assessment_start,
    )
    from twofold.web.demo import demo_answers
    from twofold.web.instrument import current_instrument

    call_command("migrate", verbosity=0)
    instrument = current_instrument()
    rng = random.Random(7)

    def login(user: User) -> Person:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return Person(session=str(store.session_key), csrf=secrets.token_hex(16))

    answering, finished = [], []
    for k in range(2 * n):
        user = User.objects.create_user(f"p{k}@bench.invalid", None, display_name=f"P{k}")
        assessment = assessment_start(user=user, seed=k)
        assessment_choose_partner_form(assessment=assessment, include=True)
        person = login(user)
        if k < n:
            person.items = [
                (i, instrument.item(i).scale.min, instrument.item(i).scale.max)
                for items in assessment.item_order.values()
                for i in items
            ]
            answering.append(person)
        else:
            facets = {f: rng.randint(2, 6) for f in ("HD", "UD", "HI", "UI")}
            answers = demo_answers(instrument, facets, facets, seed=k)
            answers_save(assessment=assessment, answers=dict(answers))
            assessment_complete(assessment=assessment)
            finished.append(person)
    return answering, finished


def request(
    conn: http.client.HTTPConnection, method: str, path: str, person: Person | None, body: str = ""
) -> tuple[int, float]:
    headers = {"Host": f"127.0.0.1:{PORT}"}
    if person is not None:
        headers["Cookie"] = person.cookie
    if method == "POST":
        headers |= {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": person.csrf if person else "",
            "HX-Request": "true",
            "Referer": f"http://127.0.0.1:{PORT}/",
        }
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - start


def run_phase(
    name: str,
    people: list[Person | None],
    make: object,
    seconds: float,
    think: tuple[float, float] | None,
) -> dict[str, float]:
    """Each person loops until the deadline: request, then think. Returns latency statistics."""
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def person_loop(k: int, person: Person | None) -> None:
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        step = 0
        mine: list[float] = []
        bad: list[int] = []
        if think is not None:
            time.sleep(rng.uniform(*think))  # people do not all start at once
        while time.perf_counter() < deadline:
            method, path, body = make(person, step, rng)  # type: ignore[operator]
            status, took = request(conn, method, path, person, body)
            (mine if status == 200 else bad).append(took if status == 200 else status)
            step += 1
            if think is not None:
                time.sleep(rng.uniform(*think))
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)  # type: ignore[arg-type]

    threads = [threading.Thread(target=person_loop, args=(k, p)) for k, p in enumerate(people)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        raise SystemExit(f"{name}: no successful request (errors: {errors[:5]})")

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "requests": len(latencies),
        "errors": len(errors),
        "per_second": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": 1000 * latencies[-1],
        "mean_ms": 1000 * statistics.fmean(latencies),
    }


def answer(person: Person, step: int, rng: random.Random) -> tuple[str, str, str]:
    item, lo, hi = person.items[step % len(person.items)]
    return "POST", "/assessment/answer/", f"item={item}&{item}={rng.randint(lo, hi)}"


def report(person: Person, step: int, rng: random.Random) -> tuple[str, str, str]:
    return "GET", "/assessment/results/", ""


def trivial(person: Person | None, step: int, rng: random.Random) -> tuple[str, str, str]:
    return "GET", "/healthz/", ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"))
    parser.add_argument("--closed-connections", type=int, default=8)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="twofold-bench-"))
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "twofold.web.config.base",
        "TWOFOLD_DATA_DIR": str(workdir),
        "TWOFOLD_INSTRUMENT": "rbi@1.0",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    print(f"seeding {2 * args.people} people in {workdir} ...", flush=True)
    answering, finished = seed(args.people)

    twofold = Path(sys.executable).with_name("twofold")
    server = subprocess.Popen(
        [str(twofold), "serve", "--no-demo", "--port", str(PORT), "--workers", "2"],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                if request(conn, "GET", "/healthz/", None)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        # Warm every worker (imports, instrument, templates) before measuring.
        run_phase("warm-up", list(finished[:8]), report, 3.0, None)
        run_phase("warm-up", list(answering[:8]), answer, 2.0, None)

        think = tuple(args.think)
        results: dict[str, dict[str, float]] = {}
        print(
            f"{args.people} people, think time {think[0]}-{think[1]} s, {args.seconds:.0f} s per phase"
        )
        results["answer (50 people)"] = run_phase("answer", answering, answer, args.seconds, think)
        results["report (50 people)"] = run_phase("report", finished, report, args.seconds, think)
        results["trivial (50 people)"] = run_phase(
            "trivial", [None] * args.people, trivial, args.seconds, think
        )
        n = args.closed_connections
        short = args.seconds / 2
        results[f"answer (closed loop, {n} conn)"] = run_phase(
            "a", answering[:n], answer, short, None
        )
        results[f"report (closed loop, {n} conn)"] = run_phase(
            "r", finished[:n], report, short, None
        )
        results[f"trivial (closed loop, {n} conn)"] = run_phase(
            "t", [None] * n, trivial, short, None
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    print(
        f"{'phase':34} {'req':>6} {'err':>4} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    for name, r in results.items():
        print(
            f"{name:34} {r['requests']:6.0f} {r['errors']:4.0f} {r['per_second']:7.1f} "
            f"{r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['p99_ms']:7.1f} {r['max_ms']:7.1f}"
        )
    ok_answer = results["answer (50 people)"]["p99_ms"] <= 50
    ok_report = results["report (50 people)"]["p50_ms"] <= 100
    print(
        f"answer p99 <= 50 ms: {'yes' if ok_answer else 'NO'}; report p50 <= 100 ms: {'yes' if ok_report else 'NO'}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
