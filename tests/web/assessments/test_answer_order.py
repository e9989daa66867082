"""The latest choice wins and a finished questionnaire stays as it was (issue 10, §1).

Answers arrive out of order (a slow request overtaken by a quicker one), from a view that read
the assessment before another request finished it, and from a page form posting questions it
does not show. The concurrency tests run on SQLite and, with ``DATABASE_URL``, PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.web.conftest import Finish, answers_for, client_for
from twofold.core import Instrument
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Answer, Assessment
from twofold.web.assessments.selectors import assessment_answers, assessment_open
from twofold.web.assessments.services import (
    AnswerError,
    answer_save,
    answers_save,
    assessment_choose_partner_form,
    assessment_complete,
    assessment_start,
)


@pytest.mark.django_db
def test_an_older_choice_arriving_late_does_not_overwrite_a_later_one(partner_a: User) -> None:
    assessment = assessment_start(user=partner_a)
    item = assessment.item_order["self"][0]
    answer_save(assessment=assessment, item_id=item, value=6, seq=2)  # the later choice first
    kept = answer_save(assessment=assessment, item_id=item, value=3, seq=1)  # then the older
    assert kept.value == 6
    assert assessment_answers(assessment=assessment) == {item: 6}
    answer_save(assessment=assessment, item_id=item, value=2, seq=3)
    assert assessment_answers(assessment=assessment) == {item: 2}


@pytest.mark.django_db
def test_the_htmx_reply_names_the_answer_the_server_holds(partner_a: User) -> None:
    client = client_for(partner_a)
    client.post("/assessment/")
    item = assessment_open(user=partner_a).item_order["self"][0]  # type: ignore[union-attr]
    client.post("/assessment/answer/", {"item": item, item: "6", "seq": "2"})
    late = client.post("/assessment/answer/", {"item": item, item: "3", "seq": "1"})
    assert late.status_code == 200
    assert f'data-item="{item}" data-value="6" data-seq="2"' in late.content.decode()
    page = client.get("/assessment/step/1/")
    assert f'data-item="{item}" data-seq="2"' in page.content.decode()


@pytest.mark.django_db
def test_the_page_form_refuses_answers_to_questions_not_on_it(partner_a: User) -> None:
    client = client_for(partner_a)
    client.post("/assessment/")
    assessment = assessment_open(user=partner_a)
    assert assessment is not None
    page = client.get("/assessment/step/1/")
    on_page = set(page.context["step"].items)
    elsewhere = next(i for i in assessment.item_order["self"] if i not in on_page)
    response = client.post("/assessment/step/1/", {elsewhere: "4", "direction": "next"})
    assert response.status_code == 400
    assert "not on this page" in response.content.decode()
    assert elsewhere in response.content.decode()
    assert assessment_answers(assessment=assessment) == {}


@pytest.mark.django_db
def test_an_unchanged_answer_keeps_its_own_time_when_the_page_is_posted(partner_a: User) -> None:
    assessment = assessment_start(user=partner_a)
    first, second = assessment.item_order["self"][:2]
    answer_save(assessment=assessment, item_id=first, value=4)
    before = Answer.objects.get(item_id=first).answered_at
    answers_save(assessment=assessment, answers={first: "4", second: "5"})
    assert Answer.objects.get(item_id=first).answered_at == before


@pytest.mark.django_db
def test_a_view_holding_the_assessment_from_before_the_finish_cannot_answer(
    partner_a: User, instrument: Instrument, finish: Finish
) -> None:
    finish(partner_a)
    done = Assessment.objects.get(user=partner_a)
    stale = Assessment.objects.get(pk=done.pk)
    stale.completed_at = None  # as read by a request a moment before the finish committed
    item = done.item_order["self"][0]
    with pytest.raises(AnswerError, match="finished"):
        answer_save(assessment=stale, item_id=item, value=1)
    with pytest.raises(AnswerError, match="finished"):
        answers_save(assessment=stale, answers={item: "1"})


@pytest.mark.database
@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_and_a_finish_never_write_after_the_finish(
    partner_a: User, instrument: Instrument
) -> None:
    assessment = assessment_start(user=partner_a)
    assessment_choose_partner_form(assessment=assessment, include=False)
    answers_save(
        assessment=assessment, answers=dict(answers_for(instrument, level=4, partner=False))
    )
    items = assessment.item_order["self"][:8]
    barrier = threading.Barrier(len(items) + 1)
    refused: list[str] = []

    def answer(item: str) -> None:
        stale = Assessment.objects.get(pk=assessment.pk)  # read before the finish
        barrier.wait()
        try:
            answer_save(assessment=stale, item_id=item, value=7)
        except AnswerError:
            refused.append(item)
        finally:
            connection.close()

    def finish_it() -> None:
        mine = Assessment.objects.get(pk=assessment.pk)
        barrier.wait()
        try:
            assessment_complete(assessment=mine)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(i,)) for i in items]
    threads.append(threading.Thread(target=finish_it))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assessment.refresh_from_db()
    assert assessment.completed_at is not None
    late = Answer.objects.filter(assessment=assessment, answered_at__gt=assessment.completed_at)
    assert list(late.values_list("item_id", flat=True)) == []
    written = set(
        Answer.objects.filter(assessment=assessment, value=7).values_list("item_id", flat=True)
    )
    assert written | set(refused) >= set(items)
