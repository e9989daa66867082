"""Settings for the test suite: fast hashing, mail kept in memory, a fixture instrument."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault(
    "TWOFOLD_INSTRUMENT",
    str(Path(__file__).resolve().parents[4] / "tests" / "web" / "fixtures" / "mini.yaml"),
)

from twofold.web.config.base import *  # noqa: F403
from twofold.web.config.base import STORAGES
from twofold.web.config.env import env_database

SECRET_KEY = "test-only-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A file, not ":memory:": the browser tests' live server answers two browsers at once, each
# request on its own connection, as in production. DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": env_database(
        "DATABASE_URL", str(Path(tempfile.gettempdir()) / f"twofold-test-{os.getpid()}.sqlite3")
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": DATABASES["default"]["NAME"]}
else:
    # One test database per run, so two runs against one server (two checkouts, two CI jobs)
    # do not drop each other's database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = None  # type: ignore[assignment]
