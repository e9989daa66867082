"""Production settings: safe by default, and loud about anything that would make them unsafe.

The settings module is run afresh for each case with the environment the case sets (it reads
the environment at import). ``check --deploy`` runs in a child process, as an operator runs it.
"""

from __future__ import annotations

import http.client
import os
import re
import runpy
import secrets
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.web.served import prepare, request, served

PRODUCTION = "twofold.web.config.production"


def production_env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    """A complete production environment; ``None`` removes a variable."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "TWOFOLD_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="twofold.example.org",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="mail.example.org",
        TWOFOLD_DATA_DIR=str(tmp_path),
    )
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **changes: str | None) -> dict[str, Any]:
    """Run the production settings module with this environment; return its settings."""
    for key in list(os.environ):
        if key.startswith(("DJANGO_", "EMAIL_")):
            monkeypatch.delenv(key)
    for key, value in production_env(tmp_path, **changes).items():
        if key.startswith(("DJANGO_", "EMAIL_", "TWOFOLD_DATA_DIR")):
            monkeypatch.setenv(key, value)
    return runpy.run_module(PRODUCTION)


def test_the_production_settings_pass_django_deploy_checks_with_no_warning(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "twofold.web", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_turning_hsts_preload_off_is_possible_and_the_deploy_check_says_so(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "twofold.web", "check", "--deploy"],
        env=production_env(tmp_path, DJANGO_HSTS_PRELOAD="no"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "security.W021" in result.stdout + result.stderr


def test_a_missing_secret_key_stops_the_server_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is required"):
        load(monkeypatch, tmp_path, DJANGO_SECRET_KEY=None)


@pytest.mark.parametrize(
    "key",
    [
        "dev-only-insecure-key-do-not-use-in-production",
        "django-insecure-" + "x1y2z3" * 10,
        "short-but-random-Zq81",
        "a" * 60,
    ],
)
def test_a_development_or_weak_secret_key_is_refused_without_repeating_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY") as error:
        load(monkeypatch, tmp_path, DJANGO_SECRET_KEY=key)
    assert key not in str(error.value)


def test_debug_mode_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG is on"):
        load(monkeypatch, tmp_path, DJANGO_DEBUG="yes")


@pytest.mark.parametrize(("hosts", "message"), [(None, "is required"), ("*", "not '\\*'")])
def test_allowed_hosts_must_name_the_site(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hosts: str | None, message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"DJANGO_ALLOWED_HOSTS.*{message}"):
        load(monkeypatch, tmp_path, DJANGO_ALLOWED_HOSTS=hosts)


@pytest.mark.parametrize(
    "backend",
    [None, "django.core.mail.backends.console.EmailBackend"],
)
def test_email_must_really_be_sent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, backend: str | None
) -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_BACKEND"):
        load(monkeypatch, tmp_path, EMAIL_BACKEND=backend)


def test_cookies_are_secure_http_only_and_same_site(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    s = load(monkeypatch, tmp_path)
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        assert s[f"{cookie}_COOKIE_SECURE"] is True, cookie
        assert s[f"{cookie}_COOKIE_HTTPONLY"] is True, cookie
        assert s[f"{cookie}_COOKIE_SAMESITE"] == "Lax", cookie
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert s["CSRF_COOKIE_NAME"].startswith("__Host-")


def test_https_is_enforced_through_the_proxy_header_unless_turned_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    s = load(monkeypatch, tmp_path)
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert (s["SECURE_HSTS_SECONDS"], s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]) == (31536000, True)
    s = load(monkeypatch, tmp_path, DJANGO_SECURE_PROXY_SSL_HEADER="X-Scheme")
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_SCHEME", "https")
    s = load(monkeypatch, tmp_path, DJANGO_SECURE_PROXY_SSL_HEADER="none")
    assert s["SECURE_PROXY_SSL_HEADER"] is None
    s = load(monkeypatch, tmp_path, DJANGO_HSTS_INCLUDE_SUBDOMAINS="no", DJANGO_HSTS_PRELOAD="no")
    assert (s["SECURE_HSTS_INCLUDE_SUBDOMAINS"], s["SECURE_HSTS_PRELOAD"]) == (False, False)


def test_the_content_security_policy_allows_no_inline_script_or_style(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    directives = load(monkeypatch, tmp_path)["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


# -- served for real: granian, production settings, behind a (pretend) TLS proxy ----------------

HOST = "twofold.example.org"
VIA_PROXY = {"Host": HOST, "X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def production_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    env = production_env(
        tmp_path_factory.mktemp("production"),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    prepare(env)
    with served(env) as port:
        yield port


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    return {
        header.split("=", 1)[0]: header for header in response.headers.get_all("Set-Cookie") or []
    }


def _form_token(html: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1).decode()


@pytest.mark.slow
def test_plain_http_is_redirected_to_https_but_the_health_check_answers(
    production_port: int,
) -> None:
    response, _ = request(production_port, "GET", "/accounts/login/", headers={"Host": HOST})
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}/accounts/login/"
    response, body = request(production_port, "GET", "/healthz/", headers={"Host": HOST})
    assert (response.status, body) == (200, b"ok")


@pytest.mark.slow
def test_an_unknown_host_is_refused(production_port: int) -> None:
    response, _ = request(
        production_port, "GET", "/", headers={**VIA_PROXY, "Host": "evil.example"}
    )
    assert response.status == 400


@pytest.mark.slow
def test_every_page_carries_the_security_headers(production_port: int) -> None:
    response, _ = request(production_port, "GET", "/accounts/login/", headers=VIA_PROXY)
    assert response.status == 200
    h = response.headers
    assert h["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["Cross-Origin-Opener-Policy"] == "same-origin"
    assert h["X-Frame-Options"] == "DENY"
    csp = {
        d.split()[0]: d.split()[1:] for d in h["Content-Security-Policy"].split(";") if d.strip()
    }
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in h["Content-Security-Policy"]


@pytest.mark.slow
def test_cookies_are_set_secure_http_only_same_site_and_host_bound(production_port: int) -> None:
    page, html = request(production_port, "GET", "/accounts/signup/", headers=VIA_PROXY)
    csrf = _cookies(page)["__Host-csrftoken"]
    token = csrf.split(";")[0].split("=", 1)[1]
    form = {
        "csrfmiddlewaretoken": _form_token(html),
        "email": "nuria@example.org",
        "display_name": "Nuria",
        "language": "es",
        "password1": "a long test passphrase 42",
        "password2": "a long test passphrase 42",
    }
    signed_up, _ = request(
        production_port,
        "POST",
        "/accounts/signup/",
        headers={
            **VIA_PROXY,
            "Origin": f"https://{HOST}",
            "Cookie": f"__Host-csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urllib.parse.urlencode(form).encode(),
    )
    assert signed_up.status == 302, signed_up.headers
    switched, _ = request(
        production_port,
        "POST",
        "/account/language/",
        headers={
            **VIA_PROXY,
            "Origin": f"https://{HOST}",
            "Cookie": f"__Host-csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urllib.parse.urlencode(
            {"csrfmiddlewaretoken": form["csrfmiddlewaretoken"], "language": "es"}
        ).encode(),
    )
    assert switched.status == 302
    cookies = {
        "__Host-csrftoken": csrf,
        "__Host-sessionid": _cookies(signed_up)["__Host-sessionid"],
        "django_language": _cookies(switched)["django_language"],
    }
    for name, header in cookies.items():
        attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
        assert {"secure", "httponly", "samesite"} <= attributes, (name, header)
        assert "SameSite=Lax" in header, header
        assert "Domain=" not in header, header


@pytest.mark.parametrize("command", [["serve", "--port", "8019"], ["backup", "x.bak"]])
def test_a_command_with_a_missing_secret_says_which_and_exits_2(
    tmp_path: Path, command: list[str]
) -> None:
    twofold = Path(sys.executable).with_name("twofold")
    result = subprocess.run(
        [str(twofold), *command],
        env=production_env(tmp_path, DJANGO_SECRET_KEY=None),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "DJANGO_SECRET_KEY is required" in result.stderr
    assert "internal error" not in result.stderr
    assert not (tmp_path / "x.bak").exists()
