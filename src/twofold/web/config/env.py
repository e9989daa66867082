"""Typed readers of settings from the environment that fail loudly on a bad value.

Each helper names the variable and the accepted values in its ``ImproperlyConfigured`` message,
so a typo in a deployment stops the server at start-up instead of silently using a default.
"""

from __future__ import annotations

import os
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "env_bool",
    "env_choices",
    "env_country",
    "env_database",
    "env_int",
    "env_list",
    "env_secret_key",
    "env_str",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable, or ``default``; without a default the variable is required."""
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"the environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value (use one of: {', '.join(sorted(_TRUE | _FALSE))})"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}")
    return number


def env_country(name: str, default: str = "") -> str:
    """An ISO 3166-1 alpha-2 country code (``ES``, ``US``), upper-cased; empty means none."""
    value = os.environ.get(name, default).strip()
    if value == "":
        return ""
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a two-letter country code (ISO 3166-1 alpha-2, e.g. ES, US)"
        )
    return value.upper()


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; empty entries are dropped."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]


def env_choices(name: str, default: list[str], *, choices: set[str]) -> list[str]:
    """A comma-separated list whose every entry must be one of ``choices``."""
    values = env_list(name, default)
    unknown = [v for v in values if v not in choices]
    if unknown:
        raise ImproperlyConfigured(
            f"{name}: {', '.join(map(repr, unknown))} is not one of: {', '.join(sorted(choices))}"
        )
    return values


def env_secret_key(name: str, *, refused: set[str]) -> str:
    """A required secret key that is long and random enough to sign sessions and links.

    Django's own rule (``check --deploy``) is at least 50 characters and 5 different ones; a
    value in ``refused`` (the development key) or Django's generated ``django-insecure-`` keys
    are refused too. The message never repeats the value.
    """
    value = env_str(name)
    how = "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    if value in refused or value.startswith("django-insecure-"):
        raise ImproperlyConfigured(f"{name} is the development key; set a random one ({how})")
    if len(value) < 50 or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"{name} is too short or too simple ({len(value)} characters, "
            f"{len(set(value))} different): use at least 50 random characters ({how})"
        )
    return value


def env_database(name: str, default_sqlite_path: str) -> dict[str, Any]:
    """The database from a URL (``postgres://...``, ``sqlite:///...``), SQLite by default."""
    url = os.environ.get(name)
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": default_sqlite_path,
            "OPTIONS": _sqlite_options(),
        }
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a database URL I understand: {exc}") from None
    if config.get("ENGINE") == "django.db.backends.sqlite3":
        config["OPTIONS"] = _sqlite_options()
    return config


def _sqlite_options() -> dict[str, Any]:
    """WAL, IMMEDIATE transactions, a busy timeout, and how hard each commit is flushed.

    WAL lets readers work while one writer commits; IMMEDIATE transactions take the write lock
    at BEGIN so two concurrent writers queue on busy_timeout instead of failing with "database
    is locked" when one upgrades a read lock.

    ``synchronous``: a commit is in the WAL file (the operating system's cache) before the
    request is answered, so killing the server loses nothing either way. FULL also flushes the
    WAL to the disk at every commit, so a power cut or a kernel crash cannot take back an
    answer that was acknowledged; NORMAL flushes only at checkpoints (faster on slow disks, but
    the last commits before a power cut may be rolled back). See docs/self-hosting.md.
    """
    synchronous = env_str("TWOFOLD_SQLITE_SYNCHRONOUS", "FULL").upper()
    if synchronous not in {"FULL", "NORMAL"}:
        raise ImproperlyConfigured(
            f"TWOFOLD_SQLITE_SYNCHRONOUS={synchronous!r} must be FULL or NORMAL"
        )
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            f"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=20000;"
        ),
    }
