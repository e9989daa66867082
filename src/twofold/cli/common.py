"""Options and helpers shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from twofold.errors import UserError

if TYPE_CHECKING:
    from twofold.core import Instrument

__all__ = ["parse_forms", "resolve_instrument"]


def resolve_instrument(
    instrument: str | None,
    keys: Path | None,
    low: int | None,
    high: int | None,
) -> Instrument:
    """The instrument named by ``--instrument`` (default ``rbi``) or built from ``--keys``."""
    from twofold.core import instrument_from_keys, load_instrument, load_keys

    if keys is not None:
        if instrument is not None:
            raise UserError("give either --instrument or --keys, not both")
        if low is None or high is None:
            raise UserError(
                "--keys needs the response range: --min and --max (e.g. --min 1 --max 6)"
            )
        return instrument_from_keys(load_keys(keys), min=low, max=high, source=keys.name)
    if low is not None or high is not None:
        raise UserError("--min and --max go with --keys; an instrument defines its own range")
    return load_instrument(instrument or "rbi")


def parse_forms(form: str | None) -> list[str] | None:
    if form is None:
        return None
    forms = [f.strip() for f in form.split(",") if f.strip()]
    if not forms:
        raise UserError("--form needs at least one form id")
    return forms
