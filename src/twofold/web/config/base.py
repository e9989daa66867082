"""Settings shared by every environment; each value that varies comes from the environment.

Defaults suit a person trying Twofold on their own machine (``make run``): SQLite in WAL mode
under ``var/``, email printed on the console. ``production.py`` removes the unsafe defaults.
"""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from twofold.web.config.env import (
    env_bool,
    env_choices,
    env_country,
    env_database,
    env_int,
    env_list,
    env_str,
)

# Lets models and forms be written with type parameters (ModelForm[User]) at run time.
django_stubs_ext.monkeypatch()

WEB_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("TWOFOLD_DATA_DIR", str(Path.cwd() / "var")))

# Good enough on one's own machine; production.py refuses it.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
# Earlier keys, still accepted for signatures and for the encrypted second-factor secrets.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "twofold.web.accounts.apps.AdminConfig",  # the Django admin, behind staff + a second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "twofold.web.accounts",
    "twofold.web.couples",
    "twofold.web.assessments",
    "twofold.web.ops",
    "twofold.web.practice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "twofold.web.accounts.middleware.user_language",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "twofold.web.accounts.middleware.second_factor_required",
    "twofold.web.config.nostore.no_store",
    # Last, so its refusal carries every header above and runs before anything reads the body.
    "twofold.web.limits.body_size_limit",
]

ROOT_URLCONF = "twofold.web.config.urls"
WSGI_APPLICATION = "twofold.web.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "twofold.web.support.quick_exit",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", str(DATA_DIR / "twofold.sqlite3"))}

# One cache shared by every worker process and every server: allauth counts failed logins in
# it, and a limit must hold whichever process answers. The database is the store they all
# share already; its table is made by the ops app's migration.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "twofold_cache",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: email is the login; verification is mandatory; failed logins are rate limited.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FORM_CLASS = "twofold.web.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "twofold.web.accounts.adapter.AccountAdapter"
# Our words on allauth's forms (labels, help, errors); the pages are ours too (templates/account/).
_OUR_FORMS = "twofold.web.accounts.allauth_forms"
ACCOUNT_FORMS = {
    name: f"{_OUR_FORMS}.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "reauthenticate": "ReauthenticateForm",
        "confirm_reauthentication_code": "ConfirmReauthenticationCodeForm",
    }.items()
}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Twofold] "
# Behind a reverse proxy every request comes from the proxy's address, and the per-address
# limits above would count all visitors together. With N proxies of ours in front, allauth
# takes the client's address from the Nth entry from the right of X-Forwarded-For (which the
# last proxy sets); with 0 it ignores that header, which a client could forge.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TWOFOLD_TRUSTED_PROXIES", 0, minimum=0)

# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) with recovery codes.
# Anyone may turn it on; superusers must, and so must the roles listed in
# TWOFOLD_MFA_REQUIRED_FOR (see accounts/selectors.py): practitioners too by default, since
# they see several couples' results (set it to "superusers" alone to only ask them).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Twofold"
MFA_ADAPTER = "twofold.web.accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "authenticate": f"{_OUR_FORMS}.AuthenticateForm",
    "reauthenticate": f"{_OUR_FORMS}.MFAReauthenticateForm",
    "activate_totp": f"{_OUR_FORMS}.ActivateTOTPForm",
}
TWOFOLD_MFA_REQUIRED_FOR = env_choices(
    "TWOFOLD_MFA_REQUIRED_FOR",
    ["superusers", "practitioners"],
    choices={"superusers", "staff", "practitioners"},
)
# The Django admin's path; empty means one derived from the secret key (see accounts/admin_site.py).
TWOFOLD_ADMIN_PATH = env_str("TWOFOLD_ADMIN_PATH", "")

# The task queue (Django's tasks API, the django-tasks backport): tasks are rows in the database
# (django-tasks-db), on SQLite and PostgreSQL alike, run by `twofold worker` (which `twofold
# serve` starts beside the server). Every app enqueues through this one backend; add a queue
# name here before using it. TWOFOLD_TASKS_BACKEND=immediate runs tasks in the calling thread
# (for a test that is not about the queue).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[
            env_choices("TWOFOLD_TASKS_BACKEND", ["database"], choices=set(_TASK_BACKENDS))[0]
        ],
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Twofold <no-reply@localhost>")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Serve static files from the finders when collectstatic has not run (make run, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# No script reads a cookie: htmx sends the CSRF token from the page (hx-headers), so every
# cookie is HttpOnly. Lax keeps them off cross-site POSTs and embedded requests.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# No page takes more than a few kilobytes, and none takes a file (see twofold.web.limits).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("TWOFOLD_MAX_REQUEST_BYTES", 64 * 1024, minimum=4096)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 1
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# A strict Content Security Policy: scripts and styles only from our own static files, never
# inline; charts are inline SVG using presentation attributes, which CSP does not block.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

# Twofold: which instrument people answer, how many items a page shows, how long an invitation
# stays valid.
# rbi@1.0 until the web flow asks the 1.1 check-in safety form and danger follow-up and reads
# the tri-state safety (issue 9); then "rbi", the newest version.
TWOFOLD_INSTRUMENT = env_str("TWOFOLD_INSTRUMENT", "rbi@1.0")
TWOFOLD_PAGE_SIZE = env_int("TWOFOLD_PAGE_SIZE", 6, minimum=1)
TWOFOLD_INVITATION_DAYS = env_int("TWOFOLD_INVITATION_DAYS", 7, minimum=1)
# A PDF takes about a second of a server thread: at most this many per person a minute.
TWOFOLD_PDFS_PER_MINUTE = env_int("TWOFOLD_PDFS_PER_MINUTE", 10, minimum=1)
# The country whose helplines the Support page lists (src/twofold/web/helplines.yaml); empty or
# a country without entries: the generic wording only.
TWOFOLD_SUPPORT_COUNTRY = env_country("TWOFOLD_SUPPORT_COUNTRY", "")
# Where the quick-exit button leaves to: a neutral site.
TWOFOLD_QUICK_EXIT_URL = env_str("TWOFOLD_QUICK_EXIT_URL", "https://www.wikipedia.org/")
