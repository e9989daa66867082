"""``python -m twofold.web admin_url``: print where the admin is (its path is not guessable)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from twofold.web.accounts.admin_site import admin_path


class Command(BaseCommand):
    help = "Print the path of the Django admin (TWOFOLD_ADMIN_PATH, or derived from the key)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("/" + admin_path())
