"""``twofold backup`` and ``twofold restore``: the database to one file and back.

Thin: the work is in :mod:`twofold.web.ops.backup`, which says what is safe and why.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from twofold.cli.app import app, console

__all__ = ["backup", "restore"]

Settings = Annotated[
    str, typer.Option(envvar="DJANGO_SETTINGS_MODULE", help="Django settings module.")
]


def _setup(settings: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django

    django.setup()


def _rows(rows: dict[str, int]) -> str:
    people = rows.get("accounts_user", 0)
    answers = rows.get("assessments_answer", 0)
    return f"{len(rows)} tables, {people} accounts, {answers} answers"


@app.command()
def backup(
    path: Annotated[
        Path,
        typer.Argument(
            help="File to write (replaced if it exists), or a folder to put a dated file in."
        ),
    ],
    settings: Settings = "twofold.web.config.base",
) -> None:
    """Back up the database (SQLite or PostgreSQL) to one file; safe while the server runs."""
    _setup(settings)
    from twofold.web.ops.backup import database_backup

    result = database_backup(path=path)
    console.print(
        f"Backed up {result.database} to [bold]{result.path}[/] "
        f"({result.bytes / 1e6:.1f} MB; {_rows(result.rows)})"
    )


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A file written by `twofold backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the data of a database that is not empty.")
    ] = False,
    settings: Settings = "twofold.web.config.base",
) -> None:
    """Restore a backup into the database (which must be empty unless --force). Stop the
    server first."""
    _setup(settings)
    from twofold.web.ops.backup import database_restore

    result = database_restore(path=path, force=force)
    console.print(f"Restored [bold]{result.path}[/] into {result.database} ({_rows(result.rows)})")
    console.print(
        "Start the server with `twofold serve` (or run `python -m twofold.web migrate`): "
        "a backup from an older version is brought up to date by the migrations."
    )
