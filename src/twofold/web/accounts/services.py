"""Writes about accounts: settings, language, and deleting a person with all their data."""

from __future__ import annotations

from django.db import transaction

from twofold.web.accounts.models import User
from twofold.web.couples.services import couple_leave


@transaction.atomic
def user_update(*, user: User, display_name: str, language: str) -> User:
    user.display_name = display_name
    user.language = language
    user.save(update_fields=["display_name", "language"])
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and, by cascade, every answer, assessment, membership and invitation.

    The couple space ends first, so the partner's couple report closes with it.
    """
    couple_leave(user=user)
    user.delete()
