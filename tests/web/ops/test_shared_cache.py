"""Failed logins are counted in one cache, whichever server process answers.

Two real servers (``twofold serve``, one worker each) on one database, as when a site runs
several app servers behind a proxy. Failed logins for one person alternate between them; the
limit of 5 in 5 minutes per login must stop the sixth, although neither server saw six.

Requests carry the site's public name in ``Host``, as a proxy passes it on: allauth's key for
a login includes the host name.
"""

from __future__ import annotations

import http.client
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.databases import scratch_database, suite_server_url
from tests.server import Server

pytestmark = [pytest.mark.database, pytest.mark.slow]

ANA = "ana@demo.twofold.invalid"
SITE = "twofold.test"
THROTTLED = "There have been too many tries"


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    with scratch_database(tmp_path, suite_server_url()) as url:
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "twofold.web.config.base",
            "DATABASE_URL": url,
            "TWOFOLD_DATA_DIR": str(tmp_path),
            "DJANGO_LOG_LEVEL": "ERROR",
            "DJANGO_ALLOWED_HOSTS": f"{SITE},127.0.0.1",
        }
        first = Server(env, tmp_path, workers=1, demo=True, name="first")
        second = Server(env, tmp_path, workers=1, name="second")
        try:
            first.start()
            second.start()
            yield first, second
        finally:
            first.stop()
            second.stop()


def failed_login(server: Server) -> str:
    """Log in as Ana with a wrong password; return the page the server answers with."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    host = {"Host": SITE}
    conn.request("GET", "/accounts/login/", headers=host)
    response = conn.getresponse()
    page = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert cookie, response.getheaders()
    assert token, page[:500]
    body = urlencode(
        {"login": ANA, "password": "not her password", "csrfmiddlewaretoken": token.group(1)}
    )
    headers = host | {
        "Cookie": f"csrftoken={cookie.group(1)}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    conn.request("POST", "/accounts/login/", body=body, headers=headers)
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    assert response.status == 200, (response.status, page[:500])
    return page


def test_failed_logins_are_throttled_across_two_server_processes(
    two_servers: tuple[Server, Server],
) -> None:
    first, second = two_servers
    pages = [failed_login(server) for server in (first, second, first, second, first, second)]
    assert [THROTTLED in page for page in pages] == [False] * 5 + [True]
    assert THROTTLED in failed_login(first)
