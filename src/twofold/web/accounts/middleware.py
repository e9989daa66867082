"""Speak to each person in their language; send those who must use a second factor to set one up."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _


def user_language(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[..., HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = get_response(request)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Content-Language", user.language)
        return response

    return middleware


# What a person who must set up a second factor may still reach: the set-up itself (with the
# password check it asks for first), its recovery codes, logging out, the language switch.
SETUP_URLS = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "accounts:language",
        "healthz",
    }
)


def second_factor_required(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Send a signed-in person who must use a second factor and has none to set it up first."""
    from twofold.web.accounts.models import User
    from twofold.web.accounts.selectors import user_has_second_factor, user_mfa_policy

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and user.is_authenticated
            and user_mfa_policy(user=user) == "required"
            and _url_name(request) not in SETUP_URLS
            and not user_has_second_factor(user=user)
        ):
            messages.warning(
                request,
                _(
                    "Your account must use two-factor authentication. Set up an "
                    "authenticator app to go on."
                ),
            )
            return redirect("mfa_activate_totp")
        return get_response(request)

    return middleware


def _url_name(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name
