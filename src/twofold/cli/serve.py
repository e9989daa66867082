"""``twofold serve``: migrate, load the demo couple, start the task worker, serve with granian."""

from __future__ import annotations

import os

import typer

from twofold.cli.app import app, console
from twofold.errors import UserError


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(2, min=1, help="Worker processes (one per core is a good start)."),
    demo: bool | None = typer.Option(
        None,
        help="Load the demo couple and print its logins (default: only with the development "
        "settings, twofold.web.config.base).",
        show_default=False,
    ),
    migrate: bool = typer.Option(
        True,
        help="Bring the database up to date first. With several servers on one database, let "
        "one migrate and start the others with --no-migrate.",
    ),
    task_worker: bool = typer.Option(
        True,
        "--task-worker/--no-task-worker",
        help="Start `twofold worker` beside the server (stopped when the server stops). With "
        "several servers, one worker (or a few) is enough.",
    ),
    settings: str = typer.Option(
        "twofold.web.config.base", envvar="DJANGO_SETTINGS_MODULE", help="Django settings module."
    ),
) -> None:
    """Serve the web app (SQLite in var/ by default, PostgreSQL with DATABASE_URL)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    if demo is None:
        demo = settings == "twofold.web.config.base"
    import django
    from django.conf import settings as django_settings
    from django.core.management import call_command

    django.setup()
    data_dir = django_settings.DATABASES["default"]["NAME"]
    if django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        os.makedirs(os.path.dirname(str(data_dir)) or ".", exist_ok=True)
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    else:
        _check_migrated()
    call_command("collectstatic", interactive=False, verbosity=0)
    console.print(
        f"database ready ({django_settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
    )
    if demo:
        from twofold.web.demo import demo_load

        password, people = demo_load()
        console.print("[bold]Demo couple[/] (both finished and share; the couple report is open):")
        for email, name in people:
            console.print(f"  {name}: log in as [bold]{email}[/] with password [bold]{password}[/]")
    console.print(f"Twofold is at [bold]http://{host}:{port}/[/]  (Ctrl+C stops it)")

    from twofold.cli.worker import worker_start, worker_stop

    task_process = worker_start(settings) if task_worker else None
    if task_process is not None:
        console.print("task worker started (reminders and other background work)")
    try:
        _serve(host, port, workers)
    finally:
        if task_process is not None:
            worker_stop(task_process)


def _serve(host: str, port: int, workers: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    from twofold.web.limits import SERVER_LIMITS

    Granian(
        "twofold.web.config.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        # A few threads per worker: requests wait on the database, not the CPU, and the GIL
        # makes more threads useless.
        blocking_threads=4,
        respawn_failed_workers=True,
        **SERVER_LIMITS,
    ).serve()


def _check_migrated() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise UserError(
            "the database is not up to date with this version of Twofold: run "
            "`python -m twofold.web migrate` once (or start one server without --no-migrate)"
        )
