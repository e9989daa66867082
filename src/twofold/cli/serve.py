"""``twofold serve``: migrate, load the demo couple, and serve the web app with granian."""

from __future__ import annotations

import os

import typer

from twofold.cli.app import app, console


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(2, min=1, help="Worker processes (one per core is a good start)."),
    demo: bool = typer.Option(True, help="Load the demo couple and print its logins."),
    settings: str = typer.Option(
        "twofold.web.config.base", envvar="DJANGO_SETTINGS_MODULE", help="Django settings module."
    ),
) -> None:
    """Serve the web app (SQLite in var/ by default, PostgreSQL with DATABASE_URL)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django
    from django.conf import settings as django_settings
    from django.core.management import call_command

    django.setup()
    data_dir = django_settings.DATABASES["default"]["NAME"]
    if django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        os.makedirs(os.path.dirname(str(data_dir)) or ".", exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
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
