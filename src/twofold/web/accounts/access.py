"""Who may act on an account: only its owner, who must be signed in."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from twofold.web.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in person; views guard anonymous visitors with ``login_required`` first."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
