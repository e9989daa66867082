"""Nothing lost on a crash: people answer while the server is killed (SIGKILL) and restarted.

What it does, on a fresh database of its own (SQLite in WAL mode, or a new PostgreSQL database
on the server ``--database-url`` names):

1. Signs up ``--people`` people with the app's own services (each with a session and an open
   assessment of the bundled RBI) and starts the server as ``twofold serve`` does (granian,
   WSGI, 2 workers) on a free loopback port.
2. Every person is a thread with a plan of answers: the items in their order, now and then going
   back to change an earlier one. Each answer is the htmx request a browser sends, then a short
   think time. A request that fails (connection refused or reset, 5xx) is sent again, after a
   pause, until it is acknowledged, as a person re-clicks an answer that did not save.
3. Once about 40% of all planned answers are acknowledged, the whole server process group is
   killed with SIGKILL, mid-load, and started again at once. People carry on to the end of
   their plans (the load is bounded by ``--seconds``).
   With ``--servers N`` (PostgreSQL), N servers share the one database; each person sends each
   answer to the next server in turn, and after a failure to the next one, as a load balancer
   would. The first server is killed; the others must keep acknowledging while it is down.
4. The servers are stopped, and the database is checked: every answer acknowledged with a 2xx is
   there with the last acknowledged value; no (assessment, item) has two rows.

Prints the counts (acknowledged, found, lost, duplicated) and exits with status 1 when anything
was lost or duplicated, or the kill did not interrupt the load. Standalone::

    .venv/bin/python -m tests.crash.harness                       # SQLite
    .venv/bin/python -m tests.crash.harness --database-url postgres://u:p@127.0.0.1/db

The pytest test ``tests/crash/test_crash.py`` (marked ``crash``) runs it on the backend of the
suite's run. Why SIGKILL cannot lose an answer here: docs/self-hosting.md, "Crashes".
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.databases import is_postgres, scratch_database
from tests.server import Server

# Failures of the connection itself: the server is down, or died with the request in flight.
INTERRUPTED = (ConnectionError, http.client.HTTPException, TimeoutError, OSError)


@dataclass
class Person:
    assessment_id: int
    session: str
    csrf: str
    plan: list[tuple[str, int]] = field(default_factory=list)  # (item, value) in order
    acked: dict[str, int] = field(default_factory=dict)  # item -> last acknowledged value
    pending: dict[str, int] = field(default_factory=dict)  # item -> value sent, not acked

    @property
    def cookie(self) -> str:
        return f"sessionid={self.session}; csrftoken={self.csrf}"


@dataclass
class Counts:
    backend: str
    people: int
    servers: int = 1
    requests: int = 0
    acknowledged_requests: int = 0
    interrupted: int = 0  # requests that failed because the server died or was down
    in_flight: int = 0  # ... of which were cut off by the kill (not refused)
    server_errors: int = 0  # 5xx responses (sent again, like interrupted ones)
    unexpected: int = 0  # 4xx: a request the app should have taken
    acknowledged_before_kill: int = 0
    acknowledged_after_restart: int = 0
    acknowledged_while_down: int = 0  # between the kill and the restart: by the other servers
    restart_seconds: float = 0.0
    acknowledged: int = 0  # distinct answers whose last request was acknowledged
    found: int = 0  # ... of which the database holds the acknowledged value
    lost: int = 0  # acknowledged - found
    wrong_value: int = 0  # ... of the lost: present, but with another value
    duplicated: int = 0  # rows beyond one per (assessment, item)
    pending: int = 0  # answers whose last request was never acknowledged (time ran out)
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.duplicated == 0
            and self.unexpected == 0
            and self.acknowledged > 0
            and self.in_flight + self.server_errors > 0
            and self.acknowledged_after_restart > 0
            and (self.servers == 1 or self.acknowledged_while_down > 0)
        )

    def summary(self) -> str:
        return (
            f"crash test on {self.backend}"
            + (f" with {self.servers} servers (one killed)" if self.servers > 1 else "")
            + f": {self.people} people, {self.requests} requests; "
            f"{self.in_flight} cut off by the kill, {self.interrupted - self.in_flight} refused "
            f"while down (all sent again); server back in {self.restart_seconds:.1f} s\n"
            f"  acknowledged {self.acknowledged}, found {self.found}, lost {self.lost}, "
            f"duplicated {self.duplicated} (pending {self.pending}; acknowledged before the kill "
            f"{self.acknowledged_before_kill}, while it was down {self.acknowledged_while_down}, "
            f"after the restart {self.acknowledged_after_restart}"
            f"; 4xx {self.unexpected}, 5xx {self.server_errors})"
        )


def seed(people: int, plan_length: int, rng: random.Random) -> list[Person]:
    """Sign people up through the app's services; give each a session and a plan."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connections

    from twofold.web.accounts.models import User
    from twofold.web.assessments.selectors import included_forms
    from twofold.web.assessments.services import assessment_choose_partner_form, assessment_start
    from twofold.web.instrument import current_instrument

    call_command("migrate", verbosity=0)
    instrument = current_instrument()
    made = []
    for k in range(people):
        user = User.objects.create_user(f"crash{k}@test.invalid", None, display_name=f"C{k}")
        assessment = assessment_start(user=user, seed=k)
        assessment_choose_partner_form(assessment=assessment, include=True)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        person = Person(assessment.pk, str(store.session_key), secrets.token_hex(16))
        items = [i for f in included_forms(assessment) for i in assessment.item_order[f]]
        scale = {i: (instrument.item(i).scale.min, instrument.item(i).scale.max) for i in items}
        done: list[str] = []
        while len(person.plan) < plan_length:
            if done and rng.random() < 0.2:  # go back and change an earlier answer
                item = rng.choice(done)
            else:
                item = items[len(done) % len(items)]
                done.append(item)
            person.plan.append((item, rng.randint(*scale[item])))
        made.append(person)
    connections.close_all()
    return made


class Load:
    """The people's threads, and the shared tallies the main thread watches.

    With several servers (``ports``), each person sends each answer to the next server in turn
    and, when one fails, to the next, as a load balancer in front of them would."""

    def __init__(
        self, people: list[Person], ports: list[int], deadline: float, counts: Counts
    ) -> None:
        self.people = people
        self.ports = ports
        self.deadline = deadline
        self.counts = counts
        self.lock = threading.Lock()
        self.killed = threading.Event()
        self.restarted = threading.Event()
        self.threads = [
            threading.Thread(target=self.run, args=(k, p), daemon=True)
            for k, p in enumerate(people)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(max(0.0, self.deadline - time.monotonic()) + 30)

    def acked_total(self) -> int:
        with self.lock:
            return self.counts.acknowledged_requests

    def run(self, k: int, person: Person) -> None:
        rng = random.Random(1000 + k)
        time.sleep(rng.uniform(0, 0.5))  # people do not all start at once
        conn: http.client.HTTPConnection | None = None
        turn = k
        for item, value in person.plan:
            person.pending[item] = value
            turn += 1
            while time.monotonic() < self.deadline:
                port = self.ports[turn % len(self.ports)]
                if conn is not None and conn.port != port:
                    conn.close()
                    conn = None
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                try:
                    status = self.answer(conn, person, item, value)
                except INTERRUPTED as exc:
                    conn.close()
                    conn = None
                    turn += 1  # the next server, if there is another
                    with self.lock:
                        self.counts.requests += 1
                        self.counts.interrupted += 1
                        self.counts.in_flight += not isinstance(exc, ConnectionRefusedError)
                    time.sleep(rng.uniform(0.2, 0.5))
                    continue
                with self.lock:
                    self.counts.requests += 1
                    if 200 <= status < 300:
                        self.counts.acknowledged_requests += 1
                        if not self.killed.is_set():
                            self.counts.acknowledged_before_kill += 1
                        elif self.restarted.is_set():
                            self.counts.acknowledged_after_restart += 1
                        else:
                            self.counts.acknowledged_while_down += 1
                    elif status >= 500:
                        self.counts.server_errors += 1
                    else:
                        self.counts.unexpected += 1
                        if len(self.counts.examples) < 5:
                            self.counts.examples.append(f"HTTP {status} for {item}={value}")
                if 200 <= status < 300:
                    person.acked[item] = value
                    del person.pending[item]
                    break
                if status < 500:
                    break  # refused by the app: not acknowledged, not worth sending again
                time.sleep(rng.uniform(0.2, 0.5))
            else:
                break  # out of time
            time.sleep(rng.uniform(0.1, 0.6))  # reading the next question
        if conn is not None:
            conn.close()

    def answer(
        self, conn: http.client.HTTPConnection, person: Person, item: str, value: int
    ) -> int:
        conn.request(
            "POST",
            "/assessment/answer/",
            body=f"item={item}&{item}={value}",
            headers={
                "Host": f"127.0.0.1:{conn.port}",
                "Cookie": person.cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": person.csrf,
                "HX-Request": "true",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status


def check(people: list[Person], counts: Counts) -> None:
    """Compare what was acknowledged with the database's rows, at the database level."""
    from django.db import connections
    from django.db.models import Count

    from twofold.web.assessments.models import Answer

    connections.close_all()
    stored = {
        (a, i): v for a, i, v in Answer.objects.values_list("assessment_id", "item_id", "value")
    }
    counts.duplicated = sum(
        row["n"] - 1
        for row in Answer.objects.values("assessment_id", "item_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    for person in people:
        for item, value in person.acked.items():
            if person.pending.get(item, value) != value:
                # Changed again later, and that request was never acknowledged (time ran out):
                # either value may be stored.
                counts.pending += 1
                continue
            counts.acknowledged += 1
            got = stored.get((person.assessment_id, item))
            if got == value:
                counts.found += 1
            else:
                counts.lost += 1
                counts.wrong_value += got is not None
                if len(counts.examples) < 5:
                    counts.examples.append(
                        f"assessment {person.assessment_id} item {item}: acknowledged {value}, "
                        f"stored {got}"
                    )
        counts.pending += sum(1 for item in person.pending if item not in person.acked)
    connections.close_all()


def run(
    *,
    server_url: str | None,
    workdir: Path,
    people: int = 50,
    plan_length: int = 30,
    seconds: float = 45.0,
    kill_at: float = 0.4,
    servers: int = 1,
) -> Counts:
    """Run the whole scenario on a scratch database; return the counts."""
    if is_postgres(server_url):
        backend = "PostgreSQL"
    else:
        synchronous = os.environ.get("TWOFOLD_SQLITE_SYNCHRONOUS") or "FULL"
        backend = f"SQLite (WAL, synchronous={synchronous.upper()})"
    counts = Counts(backend=backend, people=people, servers=servers)
    with scratch_database(workdir, server_url) as url:
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "twofold.web.config.base",
            "DATABASE_URL": url,
            "TWOFOLD_DATA_DIR": str(workdir),
            "TWOFOLD_INSTRUMENT": "rbi@1.0",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
        os.environ.update(env)
        crowd = seed(people, plan_length, random.Random(7))
        # One server is killed; with more, the others keep serving on the same database.
        fleet = [
            Server(env, workdir, workers=2, name=f"crash-server{'-' + str(n) if n else ''}")
            for n in range(servers)
        ]
        server = fleet[0]
        for each in fleet:
            each.start()
        try:
            load = Load(crowd, [each.port for each in fleet], time.monotonic() + seconds, counts)
            load.start()
            target = int(kill_at * people * plan_length)
            while load.acked_total() < target and time.monotonic() < load.deadline:
                time.sleep(0.02)
            load.killed.set()
            server.kill()
            counts.restart_seconds = server.start()
            load.restarted.set()
            load.join()
        finally:
            for each in fleet:
                each.stop()
        check(crowd, counts)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server (role with CREATEDB) to make a scratch database on; "
        "SQLite when omitted",
    )
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--answers", type=int, default=30, help="requests per person")
    parser.add_argument("--seconds", type=float, default=45.0, help="bound on the load")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the counts here")
    parser.add_argument(
        "--kill-at",
        type=float,
        default=0.4,
        help="share of planned answers acknowledged at the kill",
    )
    parser.add_argument(
        "--servers", type=int, default=1, help="servers on the one database; the first is killed"
    )
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="twofold-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        counts = run(
            server_url=args.database_url,
            workdir=workdir,
            people=args.people,
            plan_length=args.answers,
            seconds=args.seconds,
            servers=args.servers,
            kill_at=args.kill_at,
        )
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(counts.summary())
    for example in counts.examples:
        print("  " + example)
    if args.json:
        args.json.write_text(json.dumps(asdict(counts) | {"ok": counts.ok}, indent=2))
    return 0 if counts.ok else 1


if __name__ == "__main__":
    sys.exit(main())
