"""allauth's forms with our words: labels, help, errors and autocomplete of every field shown.

allauth keeps doing the work (checking passwords, codes, addresses); these subclasses only change
what a person reads, so its field names and URLs stay as they are. They are named in
``ACCOUNT_FORMS`` and ``MFA_FORMS`` (settings). The errors allauth raises by key come from the
adapters (``adapter.py``); the one it writes in its forms (two passwords that differ) is
replaced here. A separate module from ``forms.py``, which allauth imports while defining its own
forms (``ACCOUNT_SIGNUP_FORM_CLASS``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # django-stubs' type of a lazy text

REQUIRED = _("Please fill this in.")
PASSWORD_HELP = _(
    "At least 8 characters. Not only digits, not a common password, and not close to your email "
    "address."
)
CODE_HELP = _("Six digits from your authenticator app, or one of your recovery codes.")


class Say(NamedTuple):
    """What a field says: its label, a help line, and what browsers may fill in."""

    field: str
    label: _StrPromise
    help: _StrPromise | str = ""
    autocomplete: str = ""


class OurWords:
    """Give each field our label, help and errors; drop placeholders (the label says it)."""

    words: tuple[Say, ...] = ()
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for say in self.words:
            field = self.fields.get(say.field)
            if field is None:
                continue
            field.label = say.label
            field.help_text = say.help
            field.widget.attrs.pop("placeholder", None)
            if say.autocomplete:
                field.widget.attrs["autocomplete"] = say.autocomplete
            field.error_messages["required"] = REQUIRED
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = _(
                    "This does not look like an email address. Check it for typing mistakes."
                )


class SamePasswordTwice(OurWords):
    """allauth writes its own sentence when the two new passwords differ: say it our way."""

    errors: Any
    data: Any

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        first, second = self.data.get("password1"), self.data.get("password2")
        if first and second and first != second and "password2" in self.errors:
            self.errors["password2"].data[:] = [
                forms.ValidationError(
                    _("The two passwords are not the same. Type the new one twice, exactly alike.")
                )
            ]
        return cleaned


class LoginForm(OurWords, account_forms.LoginForm):  # type: ignore[misc]
    words = (
        Say("login", _("Email address"), autocomplete="email"),
        Say("password", _("Your password"), autocomplete="current-password"),
        Say("remember", _("Stay logged in on this device")),
    )


class SignupForm(SamePasswordTwice, account_forms.SignupForm):  # type: ignore[misc]
    field_order = ("email", "display_name", "language", "password1", "password2")
    words = (
        Say(
            "email",
            _("Email address"),
            help=_("We send a link to this address to check it is yours."),
            autocomplete="email",
        ),
        Say("password1", _("Choose a password"), PASSWORD_HELP, "new-password"),
        Say("password2", _("The same password again"), autocomplete="new-password"),
    )


class AddEmailForm(OurWords, account_forms.AddEmailForm):  # type: ignore[misc]
    words = (Say("email", _("New email address"), autocomplete="email"),)


class ChangePasswordForm(SamePasswordTwice, account_forms.ChangePasswordForm):  # type: ignore[misc]
    words = (
        Say("oldpassword", _("Your current password"), autocomplete="current-password"),
        Say("password1", _("New password"), PASSWORD_HELP, "new-password"),
        Say("password2", _("The new password again"), autocomplete="new-password"),
    )


class SetPasswordForm(SamePasswordTwice, account_forms.SetPasswordForm):  # type: ignore[misc]
    words = (
        Say("password1", _("Choose a password"), PASSWORD_HELP, "new-password"),
        Say("password2", _("The same password again"), autocomplete="new-password"),
    )


class ResetPasswordForm(OurWords, account_forms.ResetPasswordForm):  # type: ignore[misc]
    words = (Say("email", _("Email address"), autocomplete="email"),)


class ResetPasswordKeyForm(SamePasswordTwice, account_forms.ResetPasswordKeyForm):  # type: ignore[misc]
    words = (
        Say("password1", _("New password"), PASSWORD_HELP, "new-password"),
        Say("password2", _("The new password again"), autocomplete="new-password"),
    )


class ReauthenticateForm(OurWords, account_forms.ReauthenticateForm):  # type: ignore[misc]
    words = (Say("password", _("Your password"), autocomplete="current-password"),)


class ConfirmReauthenticationCodeForm(
    OurWords,
    account_forms.ConfirmReauthenticationCodeForm,  # type: ignore[misc]
):
    words = (Say("code", _("Code from the email"), autocomplete="one-time-code"),)


class AuthenticateForm(OurWords, mfa_forms.AuthenticateForm):  # type: ignore[misc]
    words = (Say("code", _("Code"), CODE_HELP, "one-time-code"),)


class MFAReauthenticateForm(OurWords, mfa_forms.ReauthenticateForm):  # type: ignore[misc]
    words = (Say("code", _("Code"), CODE_HELP, "one-time-code"),)


class ActivateTOTPForm(OurWords, totp_forms.ActivateTOTPForm):  # type: ignore[misc]
    words = (
        Say(
            "code",
            _("Code the app shows now"),
            help=_("Six digits. A new one comes every 30 seconds; any current one works."),
            autocomplete="one-time-code",
        ),
    )
