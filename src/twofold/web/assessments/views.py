from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twofold.web.accounts.access import signed_in_user
from twofold.web.assessments.access import own_finished_assessment, own_open_assessment
from twofold.web.assessments.change import change_context, checkin_start_context
from twofold.web.assessments.forms import AnswerForm, NavigationForm, PartnerChoiceForm
from twofold.web.assessments.models import Assessment
from twofold.web.assessments.reports import individual_report_context, step_context, step_urls
from twofold.web.assessments.selectors import (
    assessment_answers,
    assessment_latest_complete,
    assessment_progress,
    assessment_steps,
)
from twofold.web.assessments.services import (
    AnswerError,
    CheckinUnavailableError,
    IncompleteError,
    answer_save,
    answers_save,
    assessment_choose_partner_form,
    assessment_complete,
    assessment_start,
    checkin_start,
)

FULL = Assessment.Kind.FULL
# What a page of questions posts besides its answers.
PAGE_FIELDS = {"csrfmiddlewaretoken", "direction"}


def _first_open_step(assessment: Assessment) -> int:
    answers = assessment_answers(assessment=assessment)
    for n, step in enumerate(assessment_steps(assessment=assessment), start=1):
        if step.kind == "partner_choice" and assessment.includes_partner_form is None:
            return n
        if step.kind == "items" and any(item not in answers for item in step.items):
            return n
    return len(assessment_steps(assessment=assessment))


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The assessment's front page: begin, or go on where you left off (on any device)."""
    assessment = own_open_assessment(request)
    if request.method == "POST":
        assessment = assessment_start(user=signed_in_user(request))
        return redirect("assessments:step", n=_first_open_step(assessment))
    finished = assessment_latest_complete(user=signed_in_user(request))
    progress = assessment_progress(assessment=assessment) if assessment else None
    return render(
        request,
        "assessments/start.html",
        {"assessment": assessment, "finished": finished, "progress": progress},
    )


@login_required
def step(request: HttpRequest, n: int, kind: str = FULL) -> HttpResponse:
    assessment = own_open_assessment(request, kind)
    start_url = "assessments:checkin" if kind != FULL else "assessments:start"
    if assessment is None:
        return redirect(start_url)
    urls = step_urls(assessment)
    steps = assessment_steps(assessment=assessment)
    if not 1 <= n <= len(steps):
        return redirect(urls["step"], n=_first_open_step(assessment))
    current = steps[n - 1]
    if request.method == "POST":
        if current.kind == "partner_choice":
            choice = PartnerChoiceForm(request.POST)
            if not choice.is_valid():
                return HttpResponseBadRequest("choose yes or no")
            assessment_choose_partner_form(
                assessment=assessment, include=choice.cleaned_data["include"]
            )
            return redirect(urls["step"], n=n + 1)
        nav = NavigationForm(request.POST)
        given = {item: request.POST[item] for item in current.items if request.POST.get(item)}
        strays = sorted(set(request.POST) - set(current.items) - PAGE_FIELDS)
        try:
            if strays:
                # An answer to a question this page does not show (an old tab, a crafted
                # post): refuse it instead of redirecting as if it had been saved.
                raise AnswerError(
                    _("these questions are not on this page: %(items)s")
                    % {"items": ", ".join(strays)}
                )
            answers_save(assessment=assessment, answers=given)  # type: ignore[arg-type]
        except AnswerError as exc:
            context = step_context(request, assessment, steps, n)
            context["error"] = str(exc)
            return render(request, "assessments/step.html", context, status=400)
        back = nav.is_valid() and nav.cleaned_data["direction"] == "back"
        return redirect(urls["step"], n=max(1, n - 1) if back else min(len(steps), n + 1))
    return render(request, "assessments/step.html", step_context(request, assessment, steps, n))


@login_required
@require_POST
def answer(request: HttpRequest, kind: str = FULL) -> HttpResponse:
    """Save one answer as it is given (htmx); reply with the status and the progress bar."""
    assessment = own_open_assessment(request, kind)
    if assessment is None:
        return HttpResponseBadRequest("there is no assessment in progress to answer")
    form = AnswerForm(request.POST.dict())
    if not form.is_valid():
        message = "; ".join(str(m) for errors in form.errors.values() for m in errors)
        return render(request, "assessments/answer_error.html", {"message": message}, status=400)
    try:
        stored = answer_save(
            assessment=assessment,
            item_id=form.cleaned_data["item"],
            value=form.value,
            seq=form.cleaned_data["seq"],
        )
    except (AnswerError, KeyError) as exc:
        message = str(exc) if isinstance(exc, AnswerError) else "unknown item"
        return render(request, "assessments/answer_error.html", {"message": message}, status=400)
    answered, total = assessment_progress(assessment=assessment)
    # The reply names the answer the server holds (the page checks it against what it
    # shows before it says "saved").
    return render(
        request,
        "assessments/answer_saved.html",
        {"answered": answered, "total": total, "stored": stored},
    )


@login_required
@require_POST
def finish(request: HttpRequest, kind: str = FULL) -> HttpResponse:
    done = "assessments:change" if kind != FULL else "assessments:results"
    assessment = own_open_assessment(request, kind)
    if assessment is None:
        return redirect(done)
    try:
        assessment_complete(assessment=assessment)
    except IncompleteError as exc:
        messages.error(request, str(exc))
        return redirect(step_urls(assessment)["step"], n=_first_open_step(assessment))
    return redirect(done)


@login_required
def results(request: HttpRequest) -> HttpResponse:
    assessment = own_finished_assessment(request)
    context = individual_report_context(request, assessment, viewer=signed_in_user(request))
    return render(request, "assessments/results.html", context)


@login_required
def checkin(request: HttpRequest) -> HttpResponse:
    """The check-in's front page: begin one, go on with the open one, or when the next opens."""
    user = signed_in_user(request)
    if request.method == "POST":
        try:
            assessment = checkin_start(user=user)
        except CheckinUnavailableError as exc:
            messages.error(request, str(exc))
            return redirect("assessments:checkin")
        return redirect("assessments:checkin_step", n=_first_open_step(assessment))
    return render(request, "assessments/checkin.html", checkin_start_context(user=user))


@login_required
def change(request: HttpRequest) -> HttpResponse:
    """Each facet across the person's questionnaire and check-ins; theirs alone."""
    own_finished_assessment(request)  # 404 before the questionnaire is finished
    return render(request, "assessments/change.html", change_context(user=signed_in_user(request)))
