from __future__ import annotations

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "twofold.web.practice"
    label = "practice"
    default_auto_field = "django.db.models.BigAutoField"
