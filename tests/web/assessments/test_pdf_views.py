"""The person's own results as a PDF: really rendered, read back, in their language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from tests.web.conftest import Finish, client_for
from tests.web.pdfs import pdf_text, words
from twofold.core import Instrument
from twofold.reports import individual_report, support_resources
from twofold.web.accounts.models import User
from twofold.web.assessments.selectors import assessment_latest_complete, assessment_profile

pytestmark = pytest.mark.django_db

URL = "/assessment/results/pdf/"


def _expected(user: User, lang: str) -> list[str]:
    """What the person's report says about them: region, facets and sub-facets, feedback."""
    assessment = assessment_latest_complete(user=user)
    assert assessment is not None
    report = individual_report(assessment_profile(assessment=assessment), lang)
    assert report.region is not None
    said = [report.region.label, report.region.description]
    said += [reading.label for reading in (*report.facets, *report.subfacets)]
    said += [reading.description for reading in report.facets]
    for item in (*report.strengths, *report.growth_edges):
        said += [item.statement, item.practice, item.question]
    return said


@pytest.mark.parametrize(("level", "lang"), [(6, "en"), (2, "es")])
def test_the_pdf_says_what_the_results_page_says_in_the_persons_language(
    partner_a: User, finish: Finish, level: int, lang: str
) -> None:
    partner_a.language = lang
    partner_a.save(update_fields=["language"])
    finish(partner_a, level=level)
    response = client_for(partner_a).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="twofold-results.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    for sentence in _expected(partner_a, lang):
        assert words(sentence) in text, sentence
    heading, limits = {
        "en": ("Your results", "What these scores can and cannot say"),
        "es": ("Tus resultados", "Lo que estas puntuaciones pueden decir y lo que no"),
    }[lang]
    assert heading in text
    assert limits in text
    english = "Each score comes with a 95% range"
    assert (english in text) == (lang == "en")  # the note is worded in the person's language
    assert ("Cada puntuación va con un intervalo del 95 %" in text) == (lang == "es")
    assert "Ana" in text


def test_the_pdf_names_the_questionnaire_its_version_and_the_dates(
    partner_b: User, finish: Finish, instrument: Instrument
) -> None:
    assessment = finish(partner_b)  # Bruno reads Spanish
    text = pdf_text(client_for(partner_b).get(URL).content)
    assert f"{instrument.title['es']}, versión {instrument.version}" in text
    assert "Respondido el" in text
    assert "Generado el" in text
    for english in ("Name", "Questionnaire", "Answered on", "Made on", "version", "They "):
        assert english not in text, english
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto"]
    months += ["septiembre", "octubre", "noviembre", "diciembre"]
    assert assessment.completed_at is not None
    day = f"{assessment.completed_at.day} de {months[assessment.completed_at.month - 1]}"
    assert day in text


def _pages(content: bytes) -> int:
    import io

    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("how", ["questionnaire", "not_answered", "retake", "checkin"])
def test_the_own_pdf_of_a_flagged_person_is_the_pdf_of_never(finish: Finish, how: str) -> None:
    from tests.web.conftest import close_by_safety, make_person

    flagged = make_person("bruno@example.org", "Bruno", language="es")
    never = make_person("bruno2@example.org", "Bruno", language="es")
    close_by_safety(flagged, finish, how)
    finish(never)
    flagged_pdf = client_for(flagged).get(URL).content
    never_pdf = client_for(never).get(URL).content
    assert pdf_text(flagged_pdf) == pdf_text(never_pdf)  # not one sentence differs
    assert _pages(flagged_pdf) == _pages(never_pdf)
    text = pdf_text(flagged_pdf)
    assert "Apoyo, solo para ti" not in text
    for resource in support_resources("es"):
        assert words(resource.title) not in text
    # Couples therapy is no advice where there is fear: the own PDF never gives it, to anyone.
    assert "terapia de pareja" not in text
    html = client_for(flagged).get("/assessment/results/").content.decode()
    assert ("Apoyo, solo para ti" in html) == (how != "not_answered")  # the page keeps them


def test_no_own_pdf_suggests_a_couples_therapist(partner_a: User, finish: Finish) -> None:
    finish(partner_a)
    text = pdf_text(client_for(partner_a).get(URL).content)
    assert "couples therapist" not in text
    assert words("A counsellor of your own, or someone you trust") in text


def test_the_pdf_holds_no_question_of_the_questionnaire(
    partner_a: User, finish: Finish, instrument: Instrument
) -> None:
    finish(partner_a)
    text = pdf_text(client_for(partner_a).get(URL).content)
    for item in instrument.items:
        assert words(item.text_in("en")) not in text, item.id


def test_there_is_no_pdf_before_the_questionnaire_is_finished(partner_a: User) -> None:
    assert client_for(partner_a).get(URL).status_code == 404


def test_the_results_page_links_to_its_pdf(partner_a: User, finish: Finish) -> None:
    finish(partner_a)
    html = client_for(partner_a).get("/assessment/results/").content.decode()
    assert f'<a href="{URL}" type="application/pdf">Download your results (PDF)</a>' in html


@override_settings(TWOFOLD_PDFS_PER_MINUTE=2)
def test_past_the_limit_a_person_gets_a_page_that_says_wait_and_others_are_not_held_up(
    partner_a: User, partner_b: User, finish: Finish
) -> None:
    cache.clear()
    finish(partner_a)
    finish(partner_b)
    ana = client_for(partner_a)
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, 5, tzinfo=UTC), tick=False):
        got = [ana.get(URL) for _ in range(3)]
        bruno = client_for(partner_b).get(URL)
    assert [r.status_code for r in got] == [200, 200, 429]
    assert "Wait a minute, then try again." in got[2].content.decode()
    assert bruno.status_code == 200
    with time_machine.travel(datetime(2026, 11, 30, 10, 1, 5, tzinfo=UTC), tick=False):
        assert ana.get(URL).status_code == 200  # a new minute
