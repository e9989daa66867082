"""Thin views of the practice app; who may see what is decided in ``access.py``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twofold.web.accounts.access import signed_in_user
from twofold.web.couples.models import ViewRecord
from twofold.web.couples.services import couple_view_record
from twofold.web.practice.access import (
    client_view_for,
    consented_client,
    followed_client,
    practice_admin_or_staff,
    practitioner_membership,
)
from twofold.web.practice.consent_texts import CURRENT
from twofold.web.practice.forms import ClientForm, ConsentForm, PracticeInviteForm
from twofold.web.practice.selectors import (
    access_of_person,
    client_by_token,
    clients_of,
    practice_invitation_by_token,
    practice_members,
)
from twofold.web.practice.services import (
    PracticeError,
    client_create,
    consent_give,
    consent_withdraw,
    practice_invite_accept,
    practice_invite_create,
)

CLIENT_LINK = "practice_client_link"


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    member = practitioner_membership(request)
    user = signed_in_user(request)
    link = request.session.pop(CLIENT_LINK, None)
    return render(
        request,
        "practice/dashboard.html",
        {
            "member": member,
            "clients": clients_of(practitioner=user),
            "form": ClientForm(),
            "new_link": link,
        },
    )


@login_required
@require_POST
def client_new(request: HttpRequest) -> HttpResponse:
    member = practitioner_membership(request)
    form = ClientForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the couple a name only you will see."))
        return redirect("practice:dashboard")
    _client, token = client_create(
        practice=member.practice, practitioner=member.user, label=form.cleaned_data["label"]
    )
    request.session[CLIENT_LINK] = request.build_absolute_uri(
        reverse("practice:consent", args=[token])
    )
    return redirect("practice:dashboard")


@login_required
def client_page(request: HttpRequest, client_id: int) -> HttpResponse:
    client = followed_client(request, client_id)
    view = client_view_for(client)
    if client.couple is not None and any(p.consent for p in view.partners):
        couple_view_record(
            couple=client.couple, viewer=signed_in_user(request), what=ViewRecord.What.PRACTITIONER
        )
    return render(request, "practice/client.html", {"client": client, "view": view})


@login_required
def members(request: HttpRequest, practice_id: int) -> HttpResponse:
    practice = practice_admin_or_staff(request, practice_id)
    form = PracticeInviteForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        _inv, token = practice_invite_create(
            practice=practice,
            by=signed_in_user(request),
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )
        link = request.build_absolute_uri(reverse("practice:join", args=[token]))
        form = PracticeInviteForm()
    return render(
        request,
        "practice/members.html",
        {
            "practice": practice,
            "members": practice_members(practice=practice),
            "form": form,
            "link": link,
        },
    )


@login_required
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = practice_invitation_by_token(token=token)
    if request.method == "POST":
        try:
            practice_invite_accept(user=signed_in_user(request), token=token)
        except PracticeError as exc:
            return render(request, "practice/join.html", {"problem": str(exc)}, status=400)
        messages.success(request, _("You have joined the practice."))
        return redirect("practice:dashboard")
    if invitation is None:
        problem = _("This invitation link is not valid. Ask your practice for a new one.")
        return render(request, "practice/join.html", {"problem": problem}, status=404)
    return render(request, "practice/join.html", {"invitation": invitation})


@login_required
def consent(request: HttpRequest, token: str) -> HttpResponse:
    client = client_by_token(token=token)
    if client is None or client.ended_at is not None:
        problem = _("This link is not valid. Ask your practitioner for a new one.")
        return render(request, "practice/consent.html", {"problem": problem}, status=404)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_give(client=client, person=signed_in_user(request), **form.cleaned_data)
        except PracticeError as exc:
            ctx = {"problem": str(exc)}
            return render(request, "practice/consent.html", ctx, status=400)
        messages.success(request, _("Your choices are saved. You can change them at any time."))
        return redirect("practice:access")
    return render(
        request,
        "practice/consent.html",
        {"client": client, "form": form, "text": CURRENT},
    )


@login_required
def access(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "practice/access.html",
        {"access": access_of_person(person=signed_in_user(request))},
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, client_id: int) -> HttpResponse:
    client = consented_client(request, client_id)
    consent_withdraw(client=client, person=signed_in_user(request))
    messages.success(request, _("Withdrawn: this practitioner no longer sees anything of yours."))
    return redirect("practice:access")
