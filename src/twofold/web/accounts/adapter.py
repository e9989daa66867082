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

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from twofold.web.accounts.models import User

PENDING_INVITE = "pending_invitation"
logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
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
