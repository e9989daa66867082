from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twofold.web.accounts.access import signed_in_user
from twofold.web.accounts.export import personal_data, personal_data_csv, personal_data_json
from twofold.web.accounts.forms import DeleteAccountForm, LanguageForm, ProfileForm
from twofold.web.accounts.selectors import user_has_second_factor, user_mfa_policy
from twofold.web.accounts.services import user_delete, user_set_language, user_update


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        user_update(
            user=user,
            display_name=form.cleaned_data["display_name"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:settings")
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "mfa_policy": user_mfa_policy(user=user),
            "has_second_factor": user_has_second_factor(user=user),
        },
    )


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person keeps it on every device."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown language."), status=400)
    lang = form.cleaned_data["language"]
    target = form.cleaned_data["next"] or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if request.user.is_authenticated:
        user_set_language(user=signed_in_user(request), language=lang)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        lang,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
    return response


@login_required
@reauthentication_required  # type: ignore[untyped-decorator]
def delete(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        logout(request)
        user_delete(user=user)
        messages.success(request, _("Your account and all its data are deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    day = timezone.now().date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="twofold-my-data-{day}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@reauthentication_required  # type: ignore[untyped-decorator]
def export_json(request: HttpRequest) -> HttpResponse:
    """Everything Twofold holds about the person, as one JSON file."""
    data = personal_data(user=signed_in_user(request))
    return _download(personal_data_json(data), "application/json; charset=utf-8", "json")


@login_required
@reauthentication_required  # type: ignore[untyped-decorator]
def export_csv(request: HttpRequest) -> HttpResponse:
    """The same, as a zip of CSV tables."""
    data = personal_data(user=signed_in_user(request))
    return _download(personal_data_csv(data), "application/zip", "zip")


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what Twofold is, or for a signed-in person, their next step."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    from twofold.web.assessments.selectors import assessment_latest_complete, assessment_open
    from twofold.web.couples.selectors import membership_active, partner_membership

    user = signed_in_user(request)
    membership = membership_active(user=user)
    partner = partner_membership(membership=membership) if membership else None
    return render(
        request,
        "dashboard.html",
        {
            "open_assessment": assessment_open(user=user),
            "finished": assessment_latest_complete(user=user),
            "membership": membership,
            "partner": partner.user if partner else None,
        },
    )
