"""allauth hooks: go on with a pending couple invitation after signing in; keep second factors.

:class:`MFAAdapter` stores the secrets of authenticator apps and recovery codes encrypted with a
key derived from ``SECRET_KEY`` (Fernet, from ``cryptography``; older keys in
``SECRET_KEY_FALLBACKS`` still decrypt), so a copy of the database — a backup, a dump — does
not hand out anyone's second factor. It also refuses to remove the last second factor of an
account that must have one.
"""

from __future__ import annotations

import base64
import logging
from typing import ClassVar

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twofold.web.accounts.models import User

PENDING_INVITE = "pending_invitation"
logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    # Our words for the errors allauth raises by key (the keys a phone number or a user name
    # would raise cannot happen here: people log in with an email address).
    error_messages: ClassVar[dict[str, object]] = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": gettext_lazy("This account is switched off."),
        "cannot_remove_primary_email": gettext_lazy(
            "This is the address you log in with, so it cannot be removed."
        ),
        "duplicate_email": gettext_lazy("This is already your email address."),
        "email_password_mismatch": gettext_lazy(
            "That email address and password do not go together. Check both and try again."
        ),
        "email_taken": gettext_lazy("Another account already uses this email address."),
        "enter_current_password": gettext_lazy(
            "That is not your current password. Type the one you log in with now."
        ),
        "incorrect_code": gettext_lazy("That code does not work. Check it and try again."),
        "incorrect_password": gettext_lazy("That password is not right. Try again."),
        "invalid_or_expired_key": gettext_lazy("This link does not work any more."),
        "invalid_login": gettext_lazy("Logging in did not work. Try again."),
        "invalid_password_reset": gettext_lazy(
            "This link to choose a new password does not work any more."
        ),
        "max_email_addresses": gettext_lazy("An account can hold at most %d email addresses."),
        "too_many_login_attempts": gettext_lazy(
            "There have been too many tries. Wait a few minutes, then try again."
        ),
        "unknown_email": gettext_lazy("No account uses this email address."),
        "unverified_primary_email": gettext_lazy(
            "First confirm your email address with the link we sent you."
        ),
        "select_only_one": gettext_lazy("Choose just one."),
        "same_as_current": gettext_lazy("That is the address you already use."),
        "rate_limited": gettext_lazy(
            "That was many requests in a short time. Wait a moment, then try again."
        ),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict[str, object]) -> None:
        """Word each email in its account's language (chosen at sign-up or in the settings),
        whatever the language of the page that sent it; without an account (an address no
        account uses), in the page's."""
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        token = request.session.get(PENDING_INVITE)
        if token:
            return reverse("couples:join", args=[token])
        return str(super().get_login_redirect_url(request))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return self.get_login_redirect_url(request)


def _fernet() -> MultiFernet:
    keys = []
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        digest = salted_hmac("twofold.mfa.secrets", "fernet", secret=secret, algorithm="sha256")
        keys.append(Fernet(base64.urlsafe_b64encode(digest.digest())))
    return MultiFernet(keys)


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    error_messages: ClassVar[dict[str, object]] = {
        "add_email_blocked": gettext_lazy(
            "While two-factor authentication is on, a new email address cannot be added. "
            "Turn it off first, or keep your current address."
        ),
        "cannot_delete_authenticator": gettext_lazy(
            "Your account must keep two-factor authentication, so it cannot be turned off."
        ),
        "cannot_generate_recovery_codes": gettext_lazy(
            "Recovery codes come with an authenticator app: set one up first."
        ),
        "incorrect_code": gettext_lazy(
            "That code does not work. Check the app shows the right account and try a fresh code."
        ),
        "unverified_email": gettext_lazy(
            "First confirm your email address, then turn on two-factor authentication."
        ),
    }

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return _fernet().decrypt(encrypted_text.encode()).decode()
        except InvalidToken:
            # Never fall back to an empty secret: codes made from it could be guessed.
            logger.error(
                "a second-factor secret cannot be decrypted: DJANGO_SECRET_KEY changed without "
                "the old key in DJANGO_SECRET_KEY_FALLBACKS"
            )
            raise ValidationError(
                _(
                    "Your second factor cannot be checked at the moment. Please tell the site's admin."
                )
            ) from None

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        from twofold.web.accounts.selectors import FACTORS, user_mfa_policy

        user = authenticator.user
        if not isinstance(user, User) or user_mfa_policy(user=user) != "required":
            return True
        others = Authenticator.objects.filter(user=user, type__in=FACTORS).exclude(
            pk=authenticator.pk
        )
        return authenticator.type not in FACTORS or others.exists()
