"""People in the admin: roles (practitioner, staff) are set here; nobody's answers are shown.

Accounts are made by signing up, never here. Deleting one goes through :func:`user_delete`, as
when a person deletes their own account, so their couple space closes and the audit log keeps
its entries without their name.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from twofold.web.accounts.models import User
from twofold.web.accounts.selectors import user_has_second_factor
from twofold.web.accounts.services import user_delete

# Roles are the flags on the account; groups are not used.
admin.site.unregister(Group)
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin[Authenticator]):
    """Who has which second factor. Only its owner can add one (the secret is made on their
    phone); an admin can remove one for a person who lost both phone and recovery codes."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    fields = ("user", "type", "created_at", "last_used_at")  # never the (encrypted) secret
    readonly_fields = fields
    search_fields = ("user__email",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = (
        "email",
        "display_name",
        "is_practitioner",
        "is_staff",
        "is_superuser",
        "is_active",
        "second_factor",
        "date_joined",
    )
    list_filter = ("is_practitioner", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "language")}),
        (
            _("Role"),
            {"fields": ("is_practitioner", "is_active", "is_staff", "is_superuser")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(boolean=True, description=_("second factor"))
    def second_factor(self, user: User) -> bool:
        return user_has_second_factor(user=user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Only a superuser makes staff or superusers: staff who may change accounts could
        # otherwise raise themselves.
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ("is_staff", "is_superuser")
        return fields

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        user_delete(user=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            user_delete(user=user)
