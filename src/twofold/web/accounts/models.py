"""People: an account is an email address, a name the partner sees, a language, and a role."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("en", "English"), ("es", "Español")]


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("your name"),
        max_length=60,
        blank=True,
        help_text=_("How your partner will see you in Twofold."),
    )
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES, default="en")
    # Set by an admin. Practitioners will work with couples who invite them; for now the flag
    # only decides how strongly the account is asked to use two-factor authentication.
    is_practitioner = models.BooleanField(
        _("practitioner"),
        default=False,
        help_text=_("A therapist or counsellor who works with couples. Set by an admin."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name shown to the partner: the chosen name, else the part before the @."""
        return self.display_name or self.email.split("@")[0]
