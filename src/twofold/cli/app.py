"""The Typer applications and the consoles every command shares."""

from __future__ import annotations

import typer
from rich.console import Console

__all__ = ["analyze_app", "app", "console", "err_console", "instrument_app"]

app = typer.Typer(
    name="twofold",
    help="Score and analyse the balance between depending on each other and staying yourself.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
instrument_app = typer.Typer(
    help="Check and describe instrument definitions.", no_args_is_help=True
)
analyze_app = typer.Typer(
    help="Reliability, factor models, dyadic models, agreement and norms.", no_args_is_help=True
)
app.add_typer(instrument_app, name="instrument")
app.add_typer(analyze_app, name="analyze")

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
