"""``twofold worker``: run the background tasks queued in the database (reminders, ...).

A thin wrapper over django-tasks-db's ``db_worker`` so the worker is started the same way as
the server, with the same settings option. ``twofold serve`` starts one beside the server.
"""

from __future__ import annotations

import os
import subprocess
import sys

import typer

from twofold.cli.app import app


@app.command()
def worker(
    interval: float = typer.Option(1.0, min=0.1, help="Seconds between looks at the queue."),
    batch: bool = typer.Option(False, help="Run every task waiting now, then exit."),
    max_tasks: int = typer.Option(0, min=0, help="Exit after this many tasks (0: never)."),
    settings: str = typer.Option(
        "twofold.web.config.base", envvar="DJANGO_SETTINGS_MODULE", help="Django settings module."
    ),
) -> None:
    """Run the task queue's worker (until Ctrl+C, or with --batch until the queue is empty)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django
    from django.core.management import call_command

    django.setup()
    options: dict[str, object] = {"interval": interval, "batch": batch, "verbosity": 1}
    if max_tasks:
        options["max_tasks"] = max_tasks
    call_command("db_worker", startup_delay=False, reload=False, **options)


def worker_start(settings: str) -> subprocess.Popen[bytes]:
    """Start ``twofold worker`` as a child process (for ``twofold serve``)."""
    command = [sys.executable, "-c", "from twofold.cli import main; main()", "worker"]
    return subprocess.Popen(
        [*command, "--settings", settings], env={**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    )


def worker_stop(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Ask the worker to stop (it finishes its current task), then kill it if it does not."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
