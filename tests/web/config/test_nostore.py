"""Private pages send Cache-Control: no-store (issue 10, §8)."""

from __future__ import annotations

import pytest

from tests.web.conftest import client_for
from twofold.web.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/assessment/", "/couple/", "/accounts/settings/"])
def test_a_signed_in_page_is_never_stored(partner_a: User, path: str) -> None:
    response = client_for(partner_a).get(path)
    assert "no-store" in response.headers.get("Cache-Control", "")
