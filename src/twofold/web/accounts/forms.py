from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from twofold.web.accounts.models import LANGUAGE_CHOICES, User


class SignupExtraForm(forms.Form):
    """Fields allauth adds to its sign-up form: the name the partner sees, and a language."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=60,
        required=False,
        help_text=_("How your partner will see you. You can leave it empty."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from django.utils.translation import get_language

        lang = (get_language() or "en")[:2]
        self.fields["language"].initial = lang if lang in dict(LANGUAGE_CHOICES) else "en"

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.language = self.cleaned_data["language"]
        user.save(update_fields=["display_name", "language"])


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ("display_name", "language")


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES)
    next = forms.CharField(required=False)


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my answers, results and couple space are deleted for good."),
        required=True,
    )
