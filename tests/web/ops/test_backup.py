"""Backups of a database with real data, restored and compared table by table.

The source is the test database, where Ana and Bruno share a couple space, both finished the
questionnaire and both share (their couple report is open). The restore target is a fresh
empty database of the same backend (a new SQLite file, or a new PostgreSQL database). Runs on
SQLite, and on PostgreSQL in `make test`'s PostgreSQL pass.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.db import connection

from tests.databases import scratch_database, suite_server_url
from tests.web.conftest import Finish
from twofold.web.accounts.models import User
from twofold.web.couples.selectors import couple_report_for
from twofold.web.couples.services import couple_sharing_set
from twofold.web.ops.backup import BackupError, database_backup, database_restore

pytestmark = pytest.mark.usefixtures("transactional_db")  # the rows must be committed


@pytest.fixture
def shared_report(couple: tuple[User, User], finish: Finish) -> tuple[User, User]:
    """Both partners finished, with different answers, and both share: the report is open."""
    partner_a, partner_b = couple
    finish(partner_a, level=6)
    finish(partner_b, level=3)
    for person in couple:
        couple_sharing_set(user=person, share=True)
    assert couple_report_for(user=partner_a).state == "open"
    return couple


@pytest.fixture
def empty_database(tmp_path: Path) -> Any:
    with scratch_database(tmp_path, suite_server_url()) as url:
        yield dj_database_url.parse(url)


def source() -> dict[str, Any]:
    return dict(connection.settings_dict)


def contents(database: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (sorted), and on PostgreSQL every sequence's position."""
    if database["ENGINE"].endswith("sqlite3"):
        with closing(sqlite3.connect(database["NAME"])) as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            rows = {t: conn.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
            rows["(sqlite_sequence)"] = conn.execute("SELECT * FROM sqlite_sequence").fetchall()
    else:
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            dbname=database["NAME"],
            host=database["HOST"],
            port=database["PORT"],
            user=database["USER"],
            password=database["PASSWORD"],
        ) as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                )
            ]
            rows = {
                t: conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(t))).fetchall()
                for t in tables
            }
            rows["(sequences)"] = conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
    return {t: sorted(r, key=repr) for t, r in rows.items()}


def test_a_backup_restored_into_an_empty_database_has_every_row_of_every_table(
    shared_report: tuple[User, User], empty_database: dict[str, Any], tmp_path: Path
) -> None:
    before = contents(source())
    made = database_backup(path=tmp_path / "twofold.backup", database=source())
    assert made.rows["accounts_user"] == 2
    restored = database_restore(path=made.path, database=empty_database)

    after = contents(empty_database)
    assert sorted(after) == sorted(before)
    for table, rows in before.items():
        assert after[table] == rows, table
    assert restored.rows == made.rows
    assert len(before["assessments_answer"]) > 20


def test_a_folder_gets_a_dated_backup_file(
    shared_report: tuple[User, User], tmp_path: Path
) -> None:
    made = database_backup(path=tmp_path, database=source())
    assert made.path.parent == tmp_path
    assert made.path.name.startswith("twofold-")
    assert [p.name for p in tmp_path.iterdir()] == [made.path.name]  # no partial file left


def test_restoring_over_data_is_refused_unless_forced(
    shared_report: tuple[User, User], tmp_path: Path
) -> None:
    partner_a, _ = shared_report
    made = database_backup(path=tmp_path / "twofold.backup", database=source())
    partner_a.display_name = "Ana after the backup"
    partner_a.save()
    before = contents(source())

    with pytest.raises(BackupError, match=r"already holds data .*accounts_user 2.*--force"):
        database_restore(path=made.path, database=source())
    assert contents(source()) == before

    database_restore(path=made.path, database=source(), force=True)
    partner_a.refresh_from_db()
    assert partner_a.display_name == "Ana"
    assert couple_report_for(user=partner_a).state == "open"  # the report reads restored rows


def test_a_backup_waits_for_no_writer_and_holds_only_committed_answers(
    shared_report: tuple[User, User], tmp_path: Path
) -> None:
    """As while the server runs: another connection is part way through a write."""
    before = contents(source())
    with writer_holding_a_change(source()):
        made = database_backup(path=tmp_path / "during.backup", database=source())
    with scratch_database(tmp_path, suite_server_url()) as url:
        target = dj_database_url.parse(url)
        database_restore(path=made.path, database=target)
        assert contents(target) == before


@contextmanager
def writer_holding_a_change(database: dict[str, Any]) -> Iterator[None]:
    """An open transaction that changed every answer and has not committed."""
    if database["ENGINE"].endswith("sqlite3"):
        with closing(sqlite3.connect(database["NAME"], isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")  # the write lock, as the app takes it
            conn.execute("UPDATE assessments_answer SET value = 1")
            yield
            conn.execute("ROLLBACK")
        return
    import psycopg

    with psycopg.connect(
        dbname=database["NAME"],
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        password=database["PASSWORD"],
    ) as conn:
        conn.execute("UPDATE assessments_answer SET value = 1")
        yield
        conn.rollback()


def test_a_file_that_is_no_backup_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    with pytest.raises(BackupError, match="is not a Twofold backup"):
        database_restore(path=path, database=source())


def test_a_backup_of_the_other_kind_of_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.backup"
    if source()["ENGINE"].endswith("sqlite3"):
        path.write_bytes(b"PGDMP" + bytes(100))  # how pg_dump's custom format begins
        expected = "is a PostgreSQL backup, but the database is SQLite"
    else:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("CREATE TABLE django_migrations (id integer)")
        expected = "is a SQLite backup, but the database is PostgreSQL"
    with pytest.raises(BackupError, match=expected):
        database_restore(path=path, database=source())


def test_a_missing_backup_file_or_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="there is no backup file at"):
        database_restore(path=tmp_path / "nowhere.backup", database=source())
    with pytest.raises(BackupError, match=r"the folder .* does not exist"):
        database_backup(path=tmp_path / "no" / "such" / "folder.backup", database=source())


def test_postgresql_tools_missing_from_path_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if source()["ENGINE"].endswith("sqlite3"):
        pytest.skip("SQLite needs no outside tool")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump was not found on PATH"):
        database_backup(path=tmp_path / "x.backup", database=source())
    assert not (tmp_path / "x.backup").exists()
