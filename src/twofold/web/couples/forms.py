from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(required=True)


class SharingForm(forms.Form):
    share = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")], coerce=lambda v: v == "yes"
    )


class InviteEmailForm(forms.Form):
    email = forms.EmailField(label=_("Your partner's email (optional)"), required=False)
