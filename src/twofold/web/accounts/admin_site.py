"""The Django admin: staff only, with a second factor proved in the session, at a private path.

Nobody signs in *to the admin*: its login page sends people to the site's own login (allauth),
which asks for the second factor of anyone who has one. A staff member then needs, in this
session, a second factor (:func:`admin_gate`): without one set up they are sent to set it up,
and with one set up but not used in this session (they logged in before turning it on) they are
asked for a code again. To anyone else — signed in or not — every admin URL is a 404, as if the
admin did not exist.

The path is ``TWOFOLD_ADMIN_PATH`` or, by default, one derived from ``SECRET_KEY`` that cannot be
guessed (``python -m twofold.web admin_url`` prints it). Hiding it only keeps the admin out of
scanners' way; the gate above is what protects it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from twofold.web.accounts.models import User
from twofold.web.accounts.selectors import session_passed_second_factor, user_has_second_factor

__all__ = ["TwofoldAdminSite", "admin_gate", "admin_path"]

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])
_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*/$")


def admin_path() -> str:
    """Where the admin lives, relative to the site root, ending with a slash."""
    path: str = settings.TWOFOLD_ADMIN_PATH
    if not path:
        digest = salted_hmac("twofold.admin-path", "admin", secret=settings.SECRET_KEY)
        return f"admin-{digest.hexdigest()[:20]}/"
    if not _PATH.match(path):
        raise ImproperlyConfigured(
            f"TWOFOLD_ADMIN_PATH={path!r} must be a relative path of letters, digits, '.', '_', "
            "'-' and '/', ending with '/' (e.g. staff-only/)"
        )
    return path


def _with_next(url_name: str, request: HttpRequest) -> HttpResponse:
    target = request.GET.get(REDIRECT_FIELD_NAME) or request.get_full_path()
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({REDIRECT_FIELD_NAME: target})}")


def admin_gate(request: HttpRequest, *, quiet: bool = False) -> HttpResponse | None:
    """None when the request may reach the admin; otherwise where to go first (or a 404)."""
    user = request.user
    if not user.is_authenticated:
        return _with_next("account_login", request)
    if not isinstance(user, User) or not (user.is_active and user.is_staff):
        raise Http404
    if not user_has_second_factor(user=user):
        if not quiet:
            messages.warning(
                request, _("The admin needs two-factor authentication: set it up first.")
            )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
    if not session_passed_second_factor(request, user=user):
        return _with_next("mfa_reauthenticate", request)
    return None


class TwofoldAdminSite(admin.AdminSite):
    site_header = "Twofold"
    site_title = "Twofold admin"
    index_title = "Administration"
    # An unknown admin URL is the site's ordinary 404, not the admin's own catch-all.
    final_catch_all_view = False

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and admin_gate(request, quiet=True) is None

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        inner = super().admin_view(view, cacheable)

        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # Anonymous visitors go to the site's login; signed-in non-staff get a 404 here,
            # before Django's admin would redirect them to its own login page.
            if request.user.is_authenticated:
                gate = admin_gate(request)
                if gate is not None:
                    return gate
            return inner(request, *args, **kwargs)

        return cast(_View, gated)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        gate = admin_gate(request)
        if gate is not None:
            return gate
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index")
        return HttpResponseRedirect(target)
