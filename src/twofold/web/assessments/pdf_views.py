"""The person's own results as a PDF: only ever their own, as on the results page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from twofold.web.accounts.access import signed_in_user
from twofold.web.assessments.access import own_finished_assessment
from twofold.web.assessments.reports import report_html
from twofold.web.pdf import pdf_response


@login_required
@require_GET
def results_pdf(request: HttpRequest) -> HttpResponse:
    """The results page's report (support resources included, when there are any) on A4."""
    assessment = own_finished_assessment(request)
    viewer = signed_in_user(request)
    return pdf_response(
        request,
        template="reports/pdf/individual.html",
        context={
            "report_html": report_html(assessment, viewer.language),
            "answered_at": assessment.completed_at,
        },
        viewer=viewer,
        filename="twofold-results.pdf",
    )
