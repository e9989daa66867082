"""Hostile input on the web side: oversized and over-stuffed requests, slow clients.

Django's test client checks the app's own refusals; granian in a child process checks what the
real server does with a body that is declared huge but never sent, and with headers that never
end.
"""

from __future__ import annotations

import io
import os
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from tests.web.conftest import Finish, client_for
from tests.web.served import prepare, request, served
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Answer
from twofold.web.assessments.services import assessment_start
from twofold.web.limits import SERVER_LIMITS

LIMIT = 64 * 1024


@pytest.fixture
def answering(partner_a: User) -> Client:
    """Ana has started the questionnaire and is on its first page."""
    assessment_start(user=partner_a, seed=1)
    return client_for(partner_a)


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_with_413_and_nothing_is_saved(
    answering: Client,
) -> None:
    body = "item=hd_a_1&hd_a_1=5&pad=" + "x" * LIMIT
    response = answering.post(
        "/assessment/answer/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "That request is too large" in html
    assert "takes at most 64 KB" in html
    assert "Nothing was saved." in html
    assert Answer.objects.count() == 0


@pytest.mark.django_db
def test_the_same_answer_under_the_limit_is_saved(answering: Client) -> None:
    body = "item=hd_a_1&hd_a_1=5&pad=" + "x" * (LIMIT // 2)
    response = answering.post(
        "/assessment/answer/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Answer.objects.count() == 1


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_too(answering: Client) -> None:
    # Django's own size check leaves file parts out; ours counts the whole body.
    with tempfile.TemporaryFile() as big:
        big.write(b"0" * (LIMIT + 1))
        big.seek(0)
        response = answering.post(
            "/assessment/answer/", {"item": "hd_a_1", "hd_a_1": "5", "f": big}
        )
    assert response.status_code == 413
    assert Answer.objects.count() == 0


@pytest.mark.django_db
def test_files_are_not_taken(answering: Client) -> None:
    files = [io.BytesIO(b"a"), io.BytesIO(b"b")]
    for k, f in enumerate(files):
        f.name = f"f{k}.txt"
    response = answering.post(
        "/assessment/answer/", {"item": "hd_a_1", "hd_a_1": "5", "f0": files[0], "f1": files[1]}
    )
    assert response.status_code == 400
    assert "Twofold does not take files." in response.content.decode()
    assert Answer.objects.count() == 0


@pytest.mark.django_db
def test_too_many_fields_are_refused_with_400_saying_why_and_nothing_is_saved(
    answering: Client,
) -> None:
    fields = {f"f{k}": "1" for k in range(300)}
    response = answering.post("/assessment/step/1/", {**fields, "hd_a_1": "5"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "more fields (200 at most)" in html
    assert "Nothing was saved." in html
    assert Answer.objects.count() == 0


@pytest.mark.django_db
def test_the_refusal_is_in_the_persons_language(partner_b: User, finish: Finish) -> None:
    response = client_for(partner_b).post(
        "/account/language/", "x" * (LIMIT + 1), content_type="text/plain"
    )
    assert response.status_code == 413
    assert 'lang="es"' in response.content.decode()


@pytest.fixture(scope="module")
def server_env() -> dict[str, str]:
    data = Path(tempfile.mkdtemp(prefix="twofold-limits-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twofold.web.config.test",
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
    }
    prepare(env, static=False)
    return env


@pytest.fixture(scope="module")
def port(server_env: dict[str, str]) -> Iterator[int]:
    with served(server_env) as port:
        yield port


@pytest.mark.slow
def test_the_server_answers_413_to_a_huge_declared_body_without_waiting_for_it(
    port: int,
) -> None:
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(10)
        started = time.monotonic()
        s.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 104857600\r\n\r\nlogin=ana%40example.org"
        )
        reply = s.recv(65536).decode(errors="replace")
        elapsed = time.monotonic() - started
    assert reply.startswith("HTTP/1.1 413"), reply[:200]
    assert elapsed < 5


@pytest.mark.slow
def test_the_server_does_not_wait_for_a_chunked_body(port: int) -> None:
    # Without Content-Length, Django under WSGI reads no body at all, so it cannot grow. The
    # CSRF cookie makes Django look for the token in the form, i.e. read the body.
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(10)
        started = time.monotonic()
        s.sendall(
            b"POST /account/language/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Cookie: csrftoken=abcdefghijklmnopqrstuvwxyzABCDEF\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n400\r\n" + b"x" * 1024 + b"\r\n"
        )  # ... and never the last chunk
        reply = s.recv(65536).decode(errors="replace")
        elapsed = time.monotonic() - started
    assert reply.startswith("HTTP/1.1 403"), reply[:200]  # the form read as empty: no token
    assert elapsed < 5


@pytest.mark.slow
def test_the_server_drops_a_client_that_never_finishes_its_headers(
    server_env: dict[str, str],
) -> None:
    # A short timeout for the test; SERVER_LIMITS sets the one served.
    assert SERVER_LIMITS["http1_settings"].header_read_timeout == 10_000
    with served(server_env, header_timeout_ms=1000) as port:
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.settimeout(10)
            s.sendall(b"GET /healthz/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line
            started = time.monotonic()
            assert s.recv(1024) == b""  # closed without an answer
            assert 0.5 < time.monotonic() - started < 5
        # Others are served meanwhile and after.
        response, body = request(port, "GET", "/healthz/")
        assert (response.status, body) == (200, b"ok")


@pytest.mark.slow
def test_the_server_still_serves_pages_and_static_files_within_its_limits(port: int) -> None:
    page, html = request(port, "GET", "/accounts/login/")
    script, js = request(port, "GET", "/static/twofold/vendor/htmx-2.0.11.min.js")
    assert page.status == 200
    assert b"<form" in html
    assert script.status == 200
    assert len(js) > 40_000
