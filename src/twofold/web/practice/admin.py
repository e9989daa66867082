"""Site staff create practices here; members then join by invitation (members page)."""

from __future__ import annotations

from django.contrib import admin

from twofold.web.practice.models import Practice


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin[Practice]):
    list_display = ("name", "created_at")
    search_fields = ("name",)
