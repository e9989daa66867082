"""Reads about accounts: who must, and who is asked to, use two-factor authentication.

The rule (issue 5, §2): anyone may turn a second factor on; staff and practitioners are asked
to; superusers must. ``TWOFOLD_MFA_REQUIRED_FOR`` can make it a duty for staff and practitioners
too; it can never release superusers. A second factor is an authenticator app (or a security
key); recovery codes alone are a way back in, not a factor of their own.
"""

from __future__ import annotations

from typing import Literal

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

from twofold.web.accounts.models import User

__all__ = [
    "MfaPolicy",
    "session_passed_second_factor",
    "user_has_second_factor",
    "user_mfa_policy",
]

MfaPolicy = Literal["required", "recommended", "optional"]

FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def user_mfa_policy(*, user: User) -> MfaPolicy:
    required_for = set(settings.TWOFOLD_MFA_REQUIRED_FOR) | {"superusers"}
    roles = {
        "superusers": user.is_superuser,
        "staff": user.is_staff,
        "practitioners": user.is_practitioner,
    }
    if any(roles[role] for role in required_for):
        return "required"
    if user.is_staff or user.is_practitioner:
        return "recommended"
    return "optional"


def user_has_second_factor(*, user: User) -> bool:
    found: bool = Authenticator.objects.filter(user=user, type__in=FACTORS).exists()
    return found


def session_passed_second_factor(request: HttpRequest, *, user: User) -> bool:
    """True when this session has proved a second factor: a code from the app, or a recovery
    code, at login or since (allauth records each as an "mfa" authentication)."""
    records: list[dict[str, object]] = get_authentication_records(request, user)
    return any(record.get("method") == "mfa" for record in records)
