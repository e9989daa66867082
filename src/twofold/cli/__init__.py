"""The ``twofold`` command: thin commands that parse options, call the core, print with Rich.

Every expected failure (a bad file, option or value) is a :class:`ValueError` subclass with a
message naming what and where; :func:`main` prints it and exits with status 2. Anything else is
a bug: it prints one line asking for a report (the traceback only with ``TWOFOLD_DEBUG=1``).
"""

from __future__ import annotations

import os
import sys

from twofold.cli.app import analyze_app, app, instrument_app

# Importing the command modules registers their commands on the apps above.
from twofold.cli import (  # noqa: F401  isort: skip
    analyze_cfa,
    analyze_dyadic,
    analyze_reliability,
    backup,
    demo,
    instrument,
    instrument_export,
    report,
    score,
    serve,
    worker,
)

__all__ = ["analyze_app", "app", "instrument_app", "main"]


def main() -> None:
    from twofold.cli.app import err_console

    try:
        app()
    except (ValueError, OSError) as exc:
        err_console.print(
            f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True
        )
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted; nothing was written")
        sys.exit(130)
    except ModuleNotFoundError as exc:
        extra = _EXTRAS.get((exc.name or "").partition(".")[0])
        if extra is None:
            raise
        err_console.print(
            f"error: this needs Twofold's optional part {extra} ({exc.name} is not installed): "
            f"pip install 'twofold[{extra}]'",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        sys.exit(2)
    except Exception as exc:
        if _is_settings_error(exc):  # the web commands' settings: a variable missing or wrong
            err_console.print(f"[bold red]error in the settings:[/] {exc}", highlight=False)
            sys.exit(2)
        if os.environ.get("TWOFOLD_DEBUG"):
            raise
        err_console.print(
            "[bold red]internal error:[/] this is a bug in twofold. Run again with TWOFOLD_DEBUG=1 "
            "and report the output."
        )
        sys.exit(1)


# The optional parts (pyproject's extras) by the top-level module whose absence reveals them.
_EXTRAS = {
    "django": "web",
    "allauth": "web",
    "granian": "web",
    "whitenoise": "web",
    "django_tasks": "web",
    "django_tasks_db": "web",
    "weasyprint": "pdf",
    "dask": "dask",
    "distributed": "dask",
}


def _is_settings_error(exc: Exception) -> bool:
    """Django's ImproperlyConfigured, which our settings raise naming the variable; checked
    without importing Django for the commands that never load it."""
    exceptions = sys.modules.get("django.core.exceptions")
    return exceptions is not None and isinstance(exc, exceptions.ImproperlyConfigured)
