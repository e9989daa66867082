"""Writes about accounts: settings, language, and deleting a person with all their data."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from twofold.web.accounts.models import User
from twofold.web.couples.services import couple_leave, couples_forget_for_deleted_user

ALLAUTH_USER_KEY = "account_authentication_methods_user"


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
    a couple space left with nobody in it goes entirely. The person is signed out everywhere,
    and the admin's history of changes to the account keeps its dates but not their name.
    """
    couple_leave(user=user)
    couples_forget_for_deleted_user(user=user)
    _sessions_end(user)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr="(deleted account)")
    user.delete()


def _sessions_end(user: User) -> None:
    """End every session of the person on any device, with what it holds.

    Sessions are not indexed by person, so this reads each live one: fine for something as rare
    as deleting an account. Session engines without a database table (pure cache) cannot be
    listed; their sessions stop working with the account and expire on their own.
    """
    if not settings.SESSION_ENGINE.endswith(
        ("sessions.backends.db", "sessions.backends.cached_db")
    ):
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    me = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        # Signed in, or half-way through signing in (allauth notes who is authenticating).
        if me in (data.get(SESSION_KEY), data.get(ALLAUTH_USER_KEY)):
            store(session_key=session.session_key).delete()
