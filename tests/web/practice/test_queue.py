"""The task queue for real: a `twofold worker` process runs a task queued in the test database,
and two racing senders of one reminder send one email."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, connections
from django_tasks import TaskResultStatus, task_backends

from twofold.web.accounts.models import User
from twofold.web.couples.models import Couple
from twofold.web.practice.models import CheckinSchedule, ReminderSent
from twofold.web.practice.services import reminder_send
from twofold.web.practice.tasks import send_checkin_reminder


def _database_url() -> str:
    """The test database this process uses, as a URL another process can open."""
    d = connection.settings_dict
    if d["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{d['NAME']}"
    return f"postgres://{d['USER']}:{d['PASSWORD']}@{d['HOST']}:{d['PORT'] or 5432}/{d['NAME']}"


def _schedule(couple: tuple[User, User]) -> CheckinSchedule:
    return CheckinSchedule.objects.create(
        couple=Couple.objects.get(memberships__user=couple[0]),
        frequency=CheckinSchedule.Frequency.WEEKLY,
    )


@pytest.mark.slow
def test_a_worker_process_runs_a_queued_reminder(
    transactional_db: None, couple: tuple[User, User], tmp_path: Path
) -> None:
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    schedule = _schedule(couple)
    partner_a = couple[0]
    result = send_checkin_reminder.enqueue(schedule.pk, partner_a.pk, "2026-12-07")
    assert result.status == TaskResultStatus.READY
    assert not ReminderSent.objects.exists()  # queued, not run in this process

    env = {**os.environ, "DATABASE_URL": _database_url()}
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        command = [sys.executable, "-c", "from twofold.cli import main; main()", "worker"]
        worker = subprocess.Popen(
            [*command, "--interval", "0.2", "--settings", "twofold.web.config.test"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            result.refresh()
            if result.status in {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}:
                break
            assert worker.poll() is None, log.read_text()
            time.sleep(0.2)
        assert result.status == TaskResultStatus.SUCCESSFUL, log.read_text()
        assert result.return_value is True
        sent = ReminderSent.objects.get()
        assert (sent.person, sent.occasion) == (partner_a, dt.date(2026, 12, 7))
    finally:
        worker.terminate()
        worker.wait(20)
    assert worker.returncode is not None


def test_the_same_reminder_twice_sends_one_email(db: None, couple: tuple[User, User]) -> None:
    schedule = _schedule(couple)
    occasion = dt.date(2026, 12, 7)
    assert reminder_send(schedule=schedule, person=couple[0], occasion=occasion) is True
    assert reminder_send(schedule=schedule, person=couple[0], occasion=occasion) is False
    assert reminder_send(schedule=schedule, person=couple[1], occasion=occasion) is True
    assert [m.to for m in mail.outbox] == [[couple[0].email], [couple[1].email]]


@pytest.mark.slow
def test_two_racing_senders_send_one_email(
    transactional_db: None, couple: tuple[User, User]
) -> None:
    schedule = _schedule(couple)
    occasion = dt.date(2026, 12, 14)
    start = threading.Barrier(2)
    results: list[bool] = []

    def send() -> None:
        try:
            start.wait()
            results.append(reminder_send(schedule=schedule, person=couple[0], occasion=occasion))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.filter(schedule=schedule).count() == 1
