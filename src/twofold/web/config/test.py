"""Settings for the test suite: fast hashing, mail kept in memory, a fixture instrument."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault(
    "TWOFOLD_INSTRUMENT",
    str(Path(__file__).resolve().parents[4] / "tests" / "web" / "fixtures" / "mini.yaml"),
)

from twofold.web.config.base import *  # noqa: F403
from twofold.web.config.base import STORAGES

SECRET_KEY = "test-only-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "TEST": {"NAME": ":memory:"},
    }
}
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = None  # type: ignore[assignment]
