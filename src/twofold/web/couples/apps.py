from __future__ import annotations

from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "twofold.web.couples"
    label = "couples"
    default_auto_field = "django.db.models.BigAutoField"
