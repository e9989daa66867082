"""Back up the database to one file, and restore such a file into an empty database.

SQLite: SQLite's online backup API copies the database page by page under one read
transaction, so the copy is consistent while the server keeps writing (WAL lets writers go on
meanwhile). The copy is checked (``PRAGMA integrity_check``) and turned into a single
self-contained file (rollback journal, not WAL) before it replaces ``path``.

PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot, safe while the server runs) and
``pg_restore --single-transaction`` (all or nothing), found on ``PATH``. They must be of the
server's major version or newer; ``pg_dump`` says so when they are not.

Every file is written beside its target and renamed into place at the end, so a failed backup
never leaves half a file under the name asked for, and a failed restore leaves the database as
it was. A restore refuses a database that already holds people's data unless ``force``: the
backup would replace it. Django's bookkeeping (migrations, content types, permissions), the
shared cache and sessions do not count as data.

The functions take a Django database settings dict (``settings.DATABASES["default"]`` unless
given) and talk to the database with its own driver, so they work on any database, not only
the one Django is connected to.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings

__all__ = [
    "BackupError",
    "BackupResult",
    "database_backup",
    "database_describe",
    "database_restore",
    "database_rows",
]

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Rows in these tables are made by `migrate` or by visits, not by people's data.
BOOKKEEPING = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "django_session"}
)


class BackupError(ValueError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    database: str  # as database_describe() says it
    bytes: int
    rows: dict[str, int]  # rows per table of the database backed up or restored


def _database(database: dict[str, Any] | None) -> dict[str, Any]:
    return dict(settings.DATABASES["default"] if database is None else database)


def _is_sqlite(database: dict[str, Any]) -> bool:
    engine = str(database.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        return True
    if "postgresql" in engine:
        return False
    raise BackupError(f"backups support SQLite and PostgreSQL, not {engine!r}")


def database_describe(database: dict[str, Any] | None = None) -> str:
    """Name the database for a person: the SQLite file, or PostgreSQL's name, host and port."""
    db = _database(database)
    if _is_sqlite(db):
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL {db['NAME']} on {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"


def _cache_tables() -> set[str]:
    return {
        str(cache["LOCATION"])
        for cache in settings.CACHES.values()
        if cache.get("BACKEND", "").endswith("DatabaseCache")
    }


# --- reading a database ---------------------------------------------------------------------


@contextmanager
def _sqlite_connect(path: str | Path, *, read_only: bool) -> Iterator[sqlite3.Connection]:
    """Connect without ever creating the file; wait for a busy database as the app does."""
    mode = "ro" if read_only else "rw"
    uri = f"file:{Path(path).resolve()}?mode={mode}"
    with closing(sqlite3.connect(uri, uri=True, timeout=20)) as conn:
        yield conn


def _pg_environ(db: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for ``db``: the tools and the driver both read it (no password in
    a command line)."""
    env = {"PGDATABASE": str(db["NAME"])}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _pg_connect(db: dict[str, Any]) -> Any:
    try:
        import psycopg
    except ImportError:
        raise BackupError(
            "PostgreSQL needs the psycopg driver: pip install 'twofold[postgres]'"
        ) from None
    env = _pg_environ(db)
    try:
        return psycopg.connect(
            dbname=env["PGDATABASE"],
            host=env.get("PGHOST"),
            port=env.get("PGPORT"),
            user=env.get("PGUSER"),
            password=env.get("PGPASSWORD"),
            sslmode=env.get("PGSSLMODE"),
            autocommit=True,
        )
    except psycopg.OperationalError as exc:
        raise BackupError(f"cannot connect to {database_describe(db)}: {exc}") from None


def database_rows(database: dict[str, Any] | None = None) -> dict[str, int]:
    """Rows per table (every table, bookkeeping included); {} for a database with no tables."""
    db = _database(database)
    if _is_sqlite(db):
        if not Path(db["NAME"]).exists():
            return {}
        with _sqlite_connect(db["NAME"], read_only=True) as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    from psycopg import sql

    with _pg_connect(db) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        return {
            n: conn.execute(
                sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(n))
            ).fetchone()[0]
            for n in names
        }


def _data_rows(database: dict[str, Any]) -> dict[str, int]:
    """The tables holding data (not bookkeeping) that have rows."""
    skip = BOOKKEEPING | _cache_tables()
    return {t: n for t, n in database_rows(database).items() if n and t not in skip}


# --- backup -----------------------------------------------------------------------------------


def database_backup(*, path: Path, database: dict[str, Any] | None = None) -> BackupResult:
    """Write a backup of the database to ``path`` (a file, replaced; or a folder to put a
    dated file in). Safe while the server runs."""
    db = _database(database)
    sqlite = _is_sqlite(db)
    if path.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = path / f"twofold-{stamp}.{'sqlite3' if sqlite else 'pgdump'}"
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.partial")
    try:
        if sqlite:
            _sqlite_backup(Path(db["NAME"]), partial)
        else:
            _pg_dump(db, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path, database_describe(db), path.stat().st_size, database_rows(db))


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    target.unlink(missing_ok=True)
    with (
        _sqlite_connect(source, read_only=False) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        (check,) = dst.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            raise BackupError(f"the copy of {source} failed its integrity check: {check}")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH; install PostgreSQL's client programs of the "
            f"server's version or newer (Debian: apt-get install postgresql-client)"
        )
    return found


def _run_tool(command: list[str], db: dict[str, Any], what: str) -> None:
    run = subprocess.run(
        command,
        env=os.environ | _pg_environ(db),
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        detail = (run.stderr or run.stdout).strip()
        raise BackupError(f"{what} failed (exit status {run.returncode}): {detail}")


def _pg_dump(db: dict[str, Any], target: Path) -> None:
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl"]
    _run_tool([*command, "--file", str(target)], db, f"pg_dump of {database_describe(db)}")


# --- restore ----------------------------------------------------------------------------------


def database_restore(
    *, path: Path, database: dict[str, Any] | None = None, force: bool = False
) -> BackupResult:
    """Restore the backup at ``path`` into the database, which must hold no data unless
    ``force``. All or nothing."""
    db = _database(database)
    sqlite = _is_sqlite(db)
    if not path.is_file():
        raise BackupError(f"there is no backup file at {path}")
    with path.open("rb") as file:
        head = file.read(16)
    kind = "SQLite" if head == SQLITE_MAGIC else "PostgreSQL" if head[:5] == PGDUMP_MAGIC else ""
    if not kind:
        raise BackupError(f"{path} is not a Twofold backup (neither SQLite nor pg_dump's format)")
    if (kind == "SQLite") != sqlite:
        raise BackupError(
            f"{path} is a {kind} backup, but the database is {database_describe(db)}; "
            "restore it into a database of the same kind"
        )
    if not force:
        held = _data_rows(db)
        if held:
            listed = ", ".join(f"{t} {n}" for t, n in sorted(held.items()))
            raise BackupError(
                f"{database_describe(db)} already holds data (rows per table: {listed}). "
                "Restoring would replace it: pass --force to do so anyway, or restore into an "
                "empty database"
            )
    if sqlite:
        _sqlite_restore(path, Path(db["NAME"]))
    else:
        command = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl"]
        command += ["--single-transaction", "--exit-on-error", "--dbname", str(db["NAME"])]
        _run_tool([*command, str(path)], db, f"pg_restore into {database_describe(db)}")
    return BackupResult(path, database_describe(db), path.stat().st_size, database_rows(db))


def _sqlite_restore(backup: Path, target: Path) -> None:
    with _sqlite_connect(backup, read_only=True) as src:
        try:
            (check,) = src.execute("PRAGMA integrity_check").fetchone()
            django = src.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{backup} cannot be read as a SQLite database: {exc}") from None
        if check != "ok":
            raise BackupError(f"{backup} failed its integrity check: {check}")
        if django is None:
            raise BackupError(f"{backup} is a SQLite database, but not one of Twofold")
        target.parent.mkdir(parents=True, exist_ok=True)
        # The backup API replaces the target's pages in one write transaction: a failure part
        # way leaves the target as it was.
        with closing(sqlite3.connect(target, timeout=20)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
