"""Writes about accounts: settings, language, and deleting a person with all their data."""

from __future__ import annotations

from django.db import transaction

from twofold.web.accounts.models import User
from twofold.web.couples.services import couple_leave, couples_forget_for_deleted_user


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
    """Delete the account and, by cascade, every answer, assessment, membership, invitation,
    email address and second factor.

    The couple space ends first, so the partner's couple report closes with it. In the log of
    who saw couple data the person becomes a pseudonym (the partner's log keeps its entries);
    a couple space left with nobody in it goes entirely.
    """
    couple_leave(user=user)
    couples_forget_for_deleted_user(user=user)
    user.delete()
