"""The instrument people answer on this site, and the order in which they meet its items.

Shared by the apps. The instrument is loaded once per process from the ``TWOFOLD_INSTRUMENT``
setting (a bundled id such as ``rbi``, or a path) and validated by the core; a bad definition
stops the server at start-up with the core's message.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Protocol

from django.conf import settings

from twofold.core import Instrument, instrument_version, load_instrument

__all__ = [
    "CHECKIN_FLOW",
    "FLOW",
    "OPTIONAL_FORMS",
    "current_instrument",
    "draw_item_order",
    "flow_of",
    "instrument_for",
]

# The forms a person answers, in this order; the partner form is offered, not required.
FLOW = ("self", "partner", "outcomes", "safety")
# A check-in: the short repeat form, and the safety items, which apply every time (model §6).
CHECKIN_FLOW = ("checkin", "safety")
OPTIONAL_FORMS = frozenset({"partner"})


@cache
def _load(name: str) -> Instrument:
    return load_instrument(name)


def current_instrument() -> Instrument:
    return _load(settings.TWOFOLD_INSTRUMENT)


class StoredVersion(Protocol):
    instrument_id: str
    instrument_version: str


def instrument_for(stored: StoredVersion) -> Instrument:
    """The instrument version a stored assessment was answered with (its ``instrument_id`` and
    ``instrument_version``), so it is scored, normed and worded by that version. A stored pair
    that matches the site's instrument returns it (which may be a file outside the bundle)."""
    inst_id, version = stored.instrument_id, stored.instrument_version
    current = current_instrument()
    if (current.id, current.version) == (inst_id, version):
        return current
    return instrument_version(inst_id, version)


def flow_of(kind: str) -> tuple[str, ...]:
    """The forms of an assessment of ``kind`` (``"full"`` or ``"checkin"``), in order."""
    return CHECKIN_FLOW if kind == "checkin" else FLOW


def draw_item_order(
    instrument: Instrument, rng: random.Random, *, flow: tuple[str, ...] = FLOW
) -> dict[str, list[str]]:
    """Shuffle the items within each form of the flow (forms the instrument lacks are skipped)."""
    known = {form.id for form in instrument.forms}
    order: dict[str, list[str]] = {}
    for form_id in flow:
        if form_id in known:
            items = list(instrument.form(form_id).items)
            rng.shuffle(items)
            order[form_id] = items
    return order
