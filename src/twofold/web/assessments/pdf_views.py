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
    """The results page's report on A4, as for a person whose safety answers were all "never".

    Never the support resources nor any sentence that differs because of a safety answer
    (access.md: a file the person keeps carries nothing that reveals one); the resources stay on
    the pages and the Support page, which every page links to."""
    assessment = own_finished_assessment(request)
    viewer = signed_in_user(request)
    return pdf_response(
        request,
        template="reports/pdf/individual.html",
        context={
            "report_html": report_html(assessment, viewer.language, concern=False),
            "answered_at": assessment.completed_at,
        },
        viewer=viewer,
        filename="twofold-results.pdf",
    )
