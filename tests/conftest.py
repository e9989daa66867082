"""Shared fixtures (committed reference data, small instruments) and the ``database`` marker."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from twofold.core import Instrument, load_instrument

Answers = dict[str, int | None]

FIXTURES = Path(__file__).parent / "fixtures"

# pytest-django's fixtures that open the database. A test that uses one, directly or through
# another fixture (``partner_a`` needs ``db``), is marked ``database``: `make test` runs those
# again on PostgreSQL, and only those, since the rest cannot depend on the backend.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


@pytest.hookimpl(tryfirst=True)  # before `-m database` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        uses = DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if uses or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.database)


INSTRUMENTS = FIXTURES / "instruments"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def mini_rbi() -> Instrument:
    return load_instrument(INSTRUMENTS / "mini_rbi.yaml")


@pytest.fixture(scope="session")
def bfi_frame() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "bfi" / "psych_bfi.csv")


@pytest.fixture(scope="session")
def bfi_expected() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "bfi" / "bfi_scoreItems_scores.csv")


def answers_for(inst: Instrument, **facets: float) -> Answers:
    """Answers giving each named scale the given keyed score, and 'never' to safety items."""
    out: Answers = {}
    for scale_id, value in facets.items():
        for item_id, sign in inst.scale(scale_id).keys:
            lo, hi = inst.item(item_id).scale.min, inst.item(item_id).scale.max
            out[item_id] = int(value if sign > 0 else lo + hi - value)
    for item_id in inst.safety.items if inst.safety else ():
        out[item_id] = inst.item(item_id).scale.min
    return out
