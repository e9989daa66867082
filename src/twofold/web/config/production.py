"""Settings for a public deployment: no insecure defaults, secrets only from the environment.

``python -m twofold.web check --deploy`` passes with no warning. A value that would make a public
server unsafe stops it at start-up with ``ImproperlyConfigured`` naming the variable: a missing,
short or development secret key, debug mode, no allowed host or ``*``, and email printed to the
console or to files (sign-up and password-reset links would land in logs), or no email backend.

HTTPS: the app expects a reverse proxy that ends TLS and says so in ``X-Forwarded-Proto``
(``DJANGO_SECURE_PROXY_SSL_HEADER``); the proxy must set that header itself, overwriting any
value a client sent, or a client could pretend to be on HTTPS. With ``none``, only requests
that reach the app over TLS themselves (granian's ``--ssl-certificate``) count as secure.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from twofold.web.config.base import *  # noqa: F403
from twofold.web.config.base import DEV_SECRET_KEY
from twofold.web.config.env import env_bool, env_int, env_list, env_secret_key, env_str

SECRET_KEY = env_secret_key("DJANGO_SECRET_KEY", refused={DEV_SECRET_KEY})

if env_bool("DJANGO_DEBUG", False):
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is on: production settings never run in debug mode (error pages would "
        "show settings and data to anyone); unset DJANGO_DEBUG"
    )
DEBUG = False

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is required in production: the host names the site answers to, "
        "comma-separated (e.g. twofold.example.org)"
    )
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must name the site's hosts, not '*': links in emails (password "
        "reset, invitations) are built from the Host header"
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

EMAIL_BACKEND = env_str("EMAIL_BACKEND")
if EMAIL_BACKEND.endswith(("console.EmailBackend", "filebased.EmailBackend")):
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={EMAIL_BACKEND!r} writes sign-up and password-reset links where others "
        "can read them; set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST"
    )

# Cookies only over HTTPS; the __Host- prefix also pins them to this host and path (no Domain),
# so a sibling subdomain cannot set or read them.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# A load balancer may poll the health check over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
_proxy_header = env_str("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
SECURE_PROXY_SSL_HEADER = (
    None
    if _proxy_header.lower() == "none"
    else ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
)

SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
