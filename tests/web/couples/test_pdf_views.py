"""The couple report as a PDF: the same rule as the page, and a safety answer never shows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.test import override_settings

from tests.web.conftest import SAFETY_CLOSES, Finish, client_for, safety_answer_or_not_shared
from tests.web.pdfs import pdf_text, words
from twofold.core import Instrument
from twofold.web.accounts.models import User
from twofold.web.couples.models import ViewRecord
from twofold.web.couples.selectors import couple_report_for
from twofold.web.couples.services import (
    couple_sharing_set,
)

pytestmark = pytest.mark.django_db

URL = "/couple/report/pdf/"


def _both_share(couple: tuple[User, User], finish: Finish) -> None:
    partner_a, partner_b = couple
    finish(partner_a, level=6)
    finish(partner_b, level=3)
    for person in couple:
        couple_sharing_set(user=person, share=True)


@pytest.mark.parametrize(("who", "lang"), [(0, "en"), (1, "es")])
def test_each_partner_gets_the_open_report_in_their_own_language(
    couple: tuple[User, User], finish: Finish, who: int, lang: str
) -> None:
    from twofold.web.couples.reports import couple_report_context

    _both_share(couple, finish)
    me, partner = couple[who], couple[1 - who]
    assert me.language == lang
    response = client_for(me).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="twofold-couple-report.pdf"'
    text = pdf_text(response.content)
    report = couple_report_context(couple_report_for(user=me), viewer=me)["report"]
    assert report.pattern is not None
    for sentence in (report.pattern.label, report.pattern.meaning, *report.prompts):
        assert words(sentence) in text, sentence
    assert {"en": "Couple report", "es": "Informe de pareja"}[lang] in text
    assert partner.name in text
    assert me.name in text


def test_the_pdf_never_holds_a_question_or_anything_about_safety(
    couple: tuple[User, User], finish: Finish, instrument: Instrument
) -> None:
    _both_share(couple, finish)
    for person in couple:
        text = pdf_text(client_for(person).get(URL).content)
        for item in instrument.items:
            for lang in ("en", "es"):
                assert words(item.text_in(lang)) not in text, item.id
        assert "Support, for you alone" not in text
        assert "Apoyo, solo para ti" not in text


def test_a_pdf_download_is_in_the_view_log_as_a_pdf(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    _both_share(couple, finish)
    client_for(partner_b).get(URL)
    record = ViewRecord.objects.get()
    assert (record.viewer, record.what) == (partner_b, "couple_report_pdf")
    log = client_for(partner_a).get("/couple/log/").content.decode()
    assert "<td>Bruno</td>" in log
    assert "the couple report, as a PDF" in log


def test_the_open_report_page_links_to_its_pdf(couple: tuple[User, User], finish: Finish) -> None:
    _both_share(couple, finish)
    html = client_for(couple[0]).get("/couple/report/").content.decode()
    assert f'<a href="{URL}" type="application/pdf">' in html


def test_a_closed_report_has_no_pdf_only_the_page_that_says_why(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, _partner_b = couple
    finish(partner_a)
    couple_sharing_set(user=partner_a, share=True)
    for person in couple:
        response = client_for(person).get(URL)
        assert (response.status_code, response["Location"]) == (302, "/couple/report/")
        html = client_for(person).get("/couple/report/").content.decode()
        assert URL not in html
    assert not ViewRecord.objects.exists()


def _answer(user: User) -> tuple[int, dict[str, str], bytes]:
    response: HttpResponse = client_for(user).get(URL)
    return response.status_code, dict(response.headers), response.content


@pytest.mark.parametrize("how", SAFETY_CLOSES)
@pytest.mark.parametrize("b_state", ["not_finished", "finished_not_sharing"])
def test_the_pdf_url_answers_the_partner_of_someone_with_a_safety_answer_as_if_not_shared(
    partner_a: User, partner_b: User, finish: Finish, b_state: str, how: str
) -> None:
    flagged, not_shared = safety_answer_or_not_shared(
        partner_a, partner_b, finish, b_state, look=_answer, how=how
    )
    assert flagged == not_shared  # status, every header, and the body, byte for byte
    assert flagged[0] == 302
    assert not ViewRecord.objects.exists()


def test_the_person_with_the_safety_answer_is_sent_to_the_page_with_their_support(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    finish(partner_a)
    finish(partner_b, safety=2)
    for person in couple:
        couple_sharing_set(user=person, share=True)
    response = client_for(partner_b).get(URL, follow=True)
    assert response.redirect_chain == [("/couple/report/", 302)]
    assert "Apoyo, solo para ti" in response.content.decode()


@override_settings(TWOFOLD_PDFS_PER_MINUTE=1)
def test_a_pdf_refused_for_the_limit_is_not_in_the_view_log(
    couple: tuple[User, User], finish: Finish
) -> None:
    cache.clear()
    partner_b = couple[1]
    _both_share(couple, finish)
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, 5, tzinfo=UTC), tick=False):
        made, refused = client_for(partner_b).get(URL), client_for(partner_b).get(URL)
    assert (made.status_code, refused.status_code) == (200, 429)
    assert ViewRecord.objects.count() == 1
