"""The couple report as a PDF: open to exactly those the couple report page is open to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from twofold.web.accounts.access import signed_in_user
from twofold.web.couples.access import member_of_a_couple
from twofold.web.couples.models import ViewRecord
from twofold.web.couples.reports import couple_report_context
from twofold.web.couples.selectors import couple_report_for
from twofold.web.couples.services import couple_view_record
from twofold.web.pdf import pdf_response


@login_required
@require_GET
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The open couple report on A4; otherwise the couple report page, which says why not.

    Whatever keeps the report closed (the partner has not finished, has not chosen to share, or
    gave a safety answer), the answer is the same redirect, byte for byte: this URL tells no
    more than the page does (:func:`~twofold.web.couples.selectors.couple_report_for`). GET
    only: a HEAD would make and log a PDF that nobody receives.
    """
    membership = member_of_a_couple(request)
    user = signed_in_user(request)
    access = couple_report_for(user=user)
    if access.state != "open":
        return redirect("couples:report")
    response = pdf_response(
        request,
        template="reports/pdf/couple.html",
        context=couple_report_context(access, viewer=user),
        viewer=user,
        filename="twofold-couple-report.pdf",
    )
    if response.status_code != 200:  # past the limit of PDFs a minute: nothing was made
        return response
    # Logged once made, like the page: a PDF is a copy of what the partner chose to share.
    couple_view_record(
        couple=membership.couple, viewer=user, what=ViewRecord.What.COUPLE_REPORT_PDF
    )
    return response
