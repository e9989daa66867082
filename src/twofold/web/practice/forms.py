from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from twofold.web.practice.consent_texts import CURRENT
from twofold.web.practice.models import PracticeMember


class PracticeInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=PracticeMember.Role.choices)


class ClientForm(forms.Form):
    label = forms.CharField(
        label=_("How you call this couple"),
        max_length=80,
        help_text=_("Only you see it. Initials are enough."),
    )


class ConsentForm(forms.Form):
    own_results = forms.BooleanField(label=CURRENT.own_results, required=False)
    couple_report = forms.BooleanField(label=CURRENT.couple_report, required=False)
    checkins = forms.BooleanField(label=CURRENT.checkins, required=False)
    safety = forms.BooleanField(label=CURRENT.safety_yes, required=False)
