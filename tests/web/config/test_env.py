"""Settings read from the environment fail loudly on a bad value, naming the variable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from twofold.web.config.env import env_bool, env_database, env_int, env_list, env_str


def test_a_required_variable_that_is_missing_names_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is required"):
        env_str("DJANGO_SECRET_KEY")


@pytest.mark.parametrize(("raw", "value"), [("yes", True), ("0", False), ("On", True), ("", False)])
def test_yes_no_values_are_read(monkeypatch: pytest.MonkeyPatch, raw: str, value: bool) -> None:
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", False) is value


def test_a_bad_yes_no_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG='maybe' is not a yes/no value"):
        env_bool("DJANGO_DEBUG", False)


def test_numbers_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_PORT", "twenty")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT='twenty' is not a whole number"):
        env_int("EMAIL_PORT", 25)
    monkeypatch.setenv("EMAIL_PORT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("EMAIL_PORT", 25, minimum=1)


def test_lists_are_split_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_the_database_is_sqlite_in_wal_mode_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env_database("DATABASE_URL", "/tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_a_postgres_url_is_understood(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://app:secret@127.0.0.1:5432/appdb")
    config = env_database("DATABASE_URL", "/tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PORT"]) == ("appdb", "app", 5432)


def test_a_bad_database_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://x")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "/tmp/x.sqlite3")


@pytest.mark.django_db
def test_the_sqlite_connection_really_runs_in_wal_mode() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL has no journal mode")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert cursor.execute("PRAGMA busy_timeout").fetchone() == (20000,)
        assert cursor.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_sqlite_may_flush_less_often_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TWOFOLD_SQLITE_SYNCHRONOUS", "normal")
    config = env_database("DATABASE_URL", "/tmp/x.sqlite3")
    assert "synchronous=NORMAL" in config["OPTIONS"]["init_command"]


def test_an_unknown_sqlite_flush_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TWOFOLD_SQLITE_SYNCHRONOUS", "OFF")
    with pytest.raises(ImproperlyConfigured, match="TWOFOLD_SQLITE_SYNCHRONOUS"):
        env_database("DATABASE_URL", "/tmp/x.sqlite3")
