"""Behind a reverse proxy, per-address limits count each visitor, not the proxy."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from twofold.web.config import base

THROTTLED = "There have been too many tries"


@pytest.fixture
def login_limits(settings: object) -> None:
    from django.core.cache import cache

    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS  # type: ignore[attr-defined]
    cache.clear()


def failed_logins_from(addresses: list[str]) -> list[bool]:
    """One failed login (each for another email) per client address, all through one proxy;
    whether each was throttled."""
    client = Client(REMOTE_ADDR="10.0.0.2")  # the proxy
    throttled = []
    for k, address in enumerate(addresses):
        page = client.post(
            "/accounts/login/",
            {"login": f"visitor{k}@example.org", "password": "wrong"},
            headers={"X-Forwarded-For": address},
        )
        throttled.append(THROTTLED in page.content.decode())
    return throttled


@pytest.mark.django_db
@pytest.mark.usefixtures("login_limits")
def test_visitors_behind_one_trusted_proxy_are_limited_each_on_their_own(
    settings: object,
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    visitors = [f"203.0.113.{k}" for k in range(1, 13)]
    assert failed_logins_from(visitors) == [False] * 12


@pytest.mark.django_db
@pytest.mark.usefixtures("login_limits")
def test_without_a_trusted_proxy_the_forwarded_address_is_ignored(settings: object) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0  # type: ignore[attr-defined]
    visitors = [f"203.0.113.{k}" for k in range(1, 13)]
    # All count as the proxy's address: 10 failed logins a minute, then throttled.
    assert failed_logins_from(visitors) == [False] * 10 + [True] * 2


def test_the_number_of_trusted_proxies_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    try:
        monkeypatch.setenv("TWOFOLD_TRUSTED_PROXIES", "2")
        assert importlib.reload(base).ALLAUTH_TRUSTED_PROXY_COUNT == 2
        monkeypatch.setenv("TWOFOLD_TRUSTED_PROXIES", "-1")
        with pytest.raises(ImproperlyConfigured, match="TWOFOLD_TRUSTED_PROXIES"):
            importlib.reload(base)
    finally:
        monkeypatch.delenv("TWOFOLD_TRUSTED_PROXIES")
        assert importlib.reload(base).ALLAUTH_TRUSTED_PROXY_COUNT == 0  # the default
