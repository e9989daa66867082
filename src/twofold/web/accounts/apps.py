from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "twofold.web.accounts"
    label = "accounts"
    default = True
    default_auto_field = "django.db.models.BigAutoField"


class AdminConfig(admin_apps.AdminConfig):
    """The Django admin, served by our site: staff only, with a second factor."""

    default = False
    default_site = "twofold.web.accounts.admin_site.TwofoldAdminSite"
