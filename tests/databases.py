"""Fresh, empty databases for tests that need one of their own (a server, a restore target).

A run of the suite is on SQLite, or on PostgreSQL when ``DATABASE_URL`` names a server (the
PostgreSQL pass of `make test`). :func:`scratch_database` gives a new database on the same
backend: a new SQLite file, or a new PostgreSQL database on that server, dropped afterwards.
The role must be allowed to create databases (``CREATEDB``), as pytest-django needs anyway.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

__all__ = ["is_postgres", "scratch_database", "suite_server_url"]


def suite_server_url() -> str | None:
    """The PostgreSQL server this run tests on, or None for SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if is_postgres(url) else None


def is_postgres(url: str | None) -> bool:
    return bool(url) and urlsplit(str(url)).scheme in {"postgres", "postgresql", "pgsql"}


@contextmanager
def scratch_database(directory: Path, server_url: str | None = None) -> Iterator[str]:
    """Yield the URL of a new empty database; SQLite in ``directory`` unless ``server_url``."""
    if not is_postgres(server_url):
        path = directory / f"scratch-{secrets.token_hex(4)}.sqlite3"
        yield f"sqlite:///{path}"
        return
    import psycopg
    from psycopg import sql

    assert server_url is not None
    name = f"twofold_scratch_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(_libpq_url(server_url), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        parts = urlsplit(server_url)
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(_libpq_url(server_url), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _libpq_url(url: str) -> str:
    """libpq knows postgres:// and postgresql://, not dj-database-url's other spellings."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))
