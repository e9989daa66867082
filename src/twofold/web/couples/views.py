from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twofold.web.accounts.access import signed_in_user
from twofold.web.accounts.adapter import PENDING_INVITE
from twofold.web.couples.access import member_of_a_couple
from twofold.web.couples.forms import ConfirmForm, InviteEmailForm, SharingForm
from twofold.web.couples.reports import couple_report_context
from twofold.web.couples.selectors import (
    couple_report_for,
    couple_views,
    invitation_by_token,
    invitation_pending,
    membership_active,
    partner_membership,
)
from twofold.web.couples.services import (
    CoupleError,
    couple_create,
    couple_invite_accept,
    couple_invite_create,
    couple_leave,
    couple_sharing_set,
    couple_view_record,
    invitation_problem,
)

INVITE_LINK = "invite_link"


@login_required
def space(request: HttpRequest) -> HttpResponse:
    return _space_page(request, InviteEmailForm())


def _space_page(
    request: HttpRequest, email_form: InviteEmailForm, status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    membership = membership_active(user=user)
    partner = partner_membership(membership=membership) if membership else None
    pending = invitation_pending(couple=membership.couple) if membership and not partner else None
    link = request.session.get(INVITE_LINK) if pending else None
    return render(
        request,
        "couples/space.html",
        {
            "membership": membership,
            "partner": partner.user if partner else None,
            "pending": pending,
            "invite_link": link,
            "email_form": email_form,
        },
        status=status,
    )


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    try:
        couple_create(user=signed_in_user(request))
    except CoupleError as exc:
        messages.error(request, str(exc))
    return redirect("couples:space")


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    member_of_a_couple(request)
    form = InviteEmailForm(request.POST)
    if not form.is_valid():
        return _space_page(request, form, status=400)
    user = signed_in_user(request)
    try:
        _invitation, token = couple_invite_create(user=user)
    except CoupleError as exc:
        messages.error(request, str(exc))
        return redirect("couples:space")
    link = request.build_absolute_uri(reverse("couples:join", args=[token]))
    # The raw token is shown to its creator once per session; only its hash is stored.
    request.session[INVITE_LINK] = link
    if form.cleaned_data["email"]:
        body = render_to_string(
            "couples/invitation_email.txt", {"inviter": user.name, "link": link}, request=request
        )
        send_mail(
            _("%(name)s invites you to Twofold") % {"name": user.name},
            body,
            None,
            [form.cleaned_data["email"]],
        )
        messages.success(request, _("The invitation is on its way."))
    return redirect("couples:space")


def join(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation link opens: sign up or log in, then join."""
    invitation = invitation_by_token(token=token)
    user = signed_in_user(request) if request.user.is_authenticated else None
    problem = invitation_problem(invitation, user=None)
    if invitation is None or problem is not None:
        request.session.pop(PENDING_INVITE, None)
        return render(request, "couples/join_invalid.html", {"problem": problem}, status=404)
    if user is None:
        request.session[PENDING_INVITE] = token
        return render(request, "couples/join.html", {"invitation": invitation, "token": token})
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                couple_invite_accept(user=user, token=token)
            except CoupleError as exc:
                messages.error(request, str(exc))
            else:
                request.session.pop(PENDING_INVITE, None)
                messages.success(request, _("You have joined the couple space."))
                return redirect("couples:space")
    return render(
        request,
        "couples/join.html",
        {
            "invitation": invitation,
            "token": token,
            "problem": invitation_problem(invitation, user=user),
        },
    )


@login_required
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    member_of_a_couple(request)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that you want to leave."))
        return redirect("couples:space")
    couple_leave(user=signed_in_user(request))
    request.session.pop(INVITE_LINK, None)
    messages.success(request, _("You have left the couple space. Nothing is shared any more."))
    return redirect("couples:space")


@login_required
@require_POST
def sharing(request: HttpRequest) -> HttpResponse:
    member_of_a_couple(request)
    form = SharingForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose yes or no."), status=400)
    couple_sharing_set(user=signed_in_user(request), share=form.cleaned_data["share"])
    if form.cleaned_data["share"]:
        messages.success(request, _("You chose to share your results with your partner."))
    else:
        messages.success(request, _("Your results are no longer shared."))
    return redirect("couples:report")


@login_required
def report(request: HttpRequest) -> HttpResponse:
    membership = member_of_a_couple(request)
    user = signed_in_user(request)
    access = couple_report_for(user=user)
    context = couple_report_context(access, viewer=user)
    if access.state == "open":
        couple_view_record(couple=membership.couple, viewer=user)
    return render(request, "couples/report.html", context)


@login_required
def view_log(request: HttpRequest) -> HttpResponse:
    """Who has seen this couple space's shared data, and when: for both partners to check."""
    membership = member_of_a_couple(request)
    records, total = couple_views(couple=membership.couple)
    return render(request, "couples/view_log.html", {"records": records, "total": total})
