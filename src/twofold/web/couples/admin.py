"""The log of who saw couple data, for admins to read. Nothing else of a couple is shown here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from twofold.web.couples.models import ViewRecord


@admin.register(ViewRecord)
class ViewRecordAdmin(admin.ModelAdmin[ViewRecord]):
    """Read only: an audit log is neither written nor corrected by hand."""

    list_display = ("at", "couple_space", "viewer_shown", "what")
    list_filter = ("what",)
    date_hierarchy = "at"
    search_fields = ("viewer__email", "viewer_pseudonym")
    fields = ("at", "couple_space", "viewer_shown", "what")
    readonly_fields = fields

    @admin.display(description=_("couple space"))
    def couple_space(self, record: ViewRecord) -> str:
        return f"#{record.couple_id}"

    @admin.display(description=_("viewer"))
    def viewer_shown(self, record: ViewRecord) -> str:
        return record.viewer.email if record.viewer else record.viewer_pseudonym

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
