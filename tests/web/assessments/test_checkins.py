"""Check-ins: when one may begin, how it is answered and finished, and that it stays private.

Ana (``partner_a``) and Bruno (``partner_b``, who reads Spanish) share a couple space; Olga
(``outsider``) is on her own. Clocks are moved with time-machine, never by writing dates into
rows, so every state comes from the app's own services.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.web.conftest import CheckIn, Finish, checkin_answers, client_for
from twofold.core import Instrument
from twofold.web.accounts.export import personal_data, personal_data_csv
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Answer, Assessment
from twofold.web.assessments.selectors import (
    CHECKIN_GAP,
    assessment_latest_complete,
    assessment_open,
    assessment_profile,
    assessment_profiles,
    checkin_opens_at,
    checkins_finished,
    occasions_finished,
)
from twofold.web.assessments.services import (
    AnswerError,
    CheckinUnavailableError,
    IncompleteError,
    answer_save,
    assessment_complete,
    checkin_start,
)
from twofold.web.couples.selectors import couple_report_for
from twofold.web.couples.services import couple_sharing_set

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _page(user: User, url: str) -> tuple[int, str]:
    response = client_for(user).get(url)
    html = response.content.decode()
    # Per-request secrets differ between any two responses; nothing else may.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return response.status_code, html


# --- when a check-in may begin ------------------------------------------------------------------


def test_a_check_in_begins_only_after_the_questionnaire_is_finished(
    partner_a: User, finish: Finish
) -> None:
    assert checkin_opens_at(user=partner_a) is None
    with pytest.raises(CheckinUnavailableError, match="finished the questionnaire"):
        checkin_start(user=partner_a)
    finish(partner_a)
    checkin = checkin_start(user=partner_a)
    assert checkin.kind == Assessment.Kind.CHECKIN
    assert set(checkin.item_order) == {"checkin", "safety"}


def test_the_next_check_in_opens_twenty_hours_after_the_last(
    partner_a: User, finish: Finish, check_in: CheckIn
) -> None:
    finish(partner_a, at=MONDAY - timedelta(days=7))
    done = check_in(partner_a, at=MONDAY)
    assert checkin_opens_at(user=partner_a) == done.completed_at + CHECKIN_GAP
    almost = MONDAY + CHECKIN_GAP - timedelta(minutes=1)
    with (
        time_machine.travel(almost, tick=False),
        pytest.raises(CheckinUnavailableError, match="within the last day"),
    ):
        checkin_start(user=partner_a)
    with time_machine.travel(MONDAY + CHECKIN_GAP, tick=False):
        assert checkin_start(user=partner_a).completed_at is None


def test_an_open_check_in_is_taken_up_again_rather_than_doubled(
    partner_a: User, finish: Finish
) -> None:
    finish(partner_a)
    first = checkin_start(user=partner_a)
    assert checkin_start(user=partner_a).pk == first.pk
    assert Assessment.objects.filter(user=partner_a, kind=Assessment.Kind.CHECKIN).count() == 1


def test_every_check_in_asks_in_the_order_drawn_at_the_first(
    partner_a: User, finish: Finish, check_in: CheckIn
) -> None:
    finish(partner_a, at=MONDAY - timedelta(days=1))
    first = check_in(partner_a, at=MONDAY)
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        second = checkin_start(user=partner_a, seed=99)
    assert second.item_order == first.item_order


def test_a_check_in_takes_only_its_own_items(
    partner_a: User, finish: Finish, instrument: Instrument
) -> None:
    finish(partner_a)
    checkin = checkin_start(user=partner_a)
    not_asked = next(
        i for i in instrument.form("self").items if i not in checkin.item_order["checkin"]
    )
    with pytest.raises(AnswerError, match="not part of this assessment"):
        answer_save(assessment=checkin, item_id=not_asked, value=5)
    with pytest.raises(AnswerError, match="outside the answer scale"):
        answer_save(assessment=checkin, item_id=checkin.item_order["checkin"][0], value=9)


def test_a_check_in_is_saved_only_once_every_facet_has_a_score(
    partner_a: User, finish: Finish
) -> None:
    finish(partner_a)
    checkin = checkin_start(user=partner_a)
    answer_save(assessment=checkin, item_id=checkin.item_order["checkin"][0], value=5)
    with pytest.raises(IncompleteError, match="check-in"):
        assessment_complete(assessment=checkin)
    assert assessment_open(user=partner_a, kind=Assessment.Kind.CHECKIN) is not None


def test_a_check_in_never_counts_as_the_questionnaire(
    partner_a: User, finish: Finish, check_in: CheckIn
) -> None:
    full = finish(partner_a, at=MONDAY)
    taken = check_in(partner_a, at=MONDAY + timedelta(days=1))
    assert assessment_latest_complete(user=partner_a) == full
    assert checkins_finished(user=partner_a) == [taken]
    assert occasions_finished(user=partner_a) == [full, taken]
    # and a new questionnaire may still be open beside an open check-in
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        checkin_start(user=partner_a)
    assert assessment_open(user=partner_a) is None


# --- the pages ----------------------------------------------------------------------------------


def test_a_check_in_is_answered_by_htmx_and_finished_on_the_change_page(
    partner_a: User, finish: Finish, instrument: Instrument
) -> None:
    finish(partner_a)
    client = client_for(partner_a)
    begun = client.post("/assessment/checkin/")
    assert begun.status_code == 302
    assert begun.url == "/assessment/checkin/step/1/"
    page = client.get(begun.url).content.decode()
    assert 'hx-post="/assessment/checkin/answer/"' in page
    checkin = assessment_open(user=partner_a, kind=Assessment.Kind.CHECKIN)
    assert checkin is not None
    answers = checkin_answers(instrument, level=6)
    for item_id, value in answers.items():
        saved = client.post(
            "/assessment/checkin/answer/",
            {"item": item_id, item_id: str(value)},
            HTTP_HX_REQUEST="true",
        )
        assert saved.status_code == 200
        assert "Answer saved." in saved.content.decode()
    assert Answer.objects.filter(assessment=checkin).count() == len(answers)
    finished = client.post("/assessment/checkin/finish/")
    assert finished.url == "/assessment/change/"
    html = client.get("/assessment/change/").content.decode()
    assert "Change over time" in html
    for facet in ("change-HD", "change-UD", "change-HI", "change-UI"):
        assert f'id="{facet}-title"' in html
    assert "Show the numbers as a table" in html
    assert "check-in" in html


def test_a_bad_check_in_answer_is_refused_with_its_reason(partner_a: User, finish: Finish) -> None:
    finish(partner_a)
    client = client_for(partner_a)
    client.post("/assessment/checkin/")
    checkin = assessment_open(user=partner_a, kind=Assessment.Kind.CHECKIN)
    assert checkin is not None
    item = checkin.item_order["checkin"][0]
    refused = client.post("/assessment/checkin/answer/", {"item": item, item: "eight"})
    assert refused.status_code == 400
    assert "not a whole number" in refused.content.decode()


def test_the_check_in_page_says_when_the_next_one_opens(
    partner_a: User, finish: Finish, check_in: CheckIn
) -> None:
    finish(partner_a, at=MONDAY - timedelta(days=1))
    check_in(partner_a, at=MONDAY)
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        client = client_for(partner_a)
        html = client.get("/assessment/checkin/").content.decode()
        assert "The next check-in opens in 18\u00a0hours" in html  # 20 hours after the last
        refused = client.post("/assessment/checkin/", follow=True)
        assert "within the last day" in refused.content.decode()


def test_the_change_page_reads_change_in_the_persons_language(
    partner_b: User, finish: Finish, check_in: CheckIn
) -> None:
    finish(partner_b, level=3, at=MONDAY)
    check_in(partner_b, level=7, at=MONDAY + timedelta(days=7))
    status, html = _page(partner_b, "/assessment/change/")
    assert status == 200
    assert "Cambio a lo largo del tiempo" in html
    assert "Ha cambiado a" in html or "Sin cambio fiable" in html
    assert "Dependencia sana a lo largo del tiempo" in html


# --- privacy -------------------------------------------------------------------------------------


@pytest.fixture
def sharing(couple: tuple[User, User], finish: Finish) -> tuple[User, User]:
    """Ana and Bruno finished a week ago and share: the couple report is open."""
    for person in couple:
        finish(person, at=MONDAY)
        couple_sharing_set(user=person, share=True)
    return couple


def test_a_check_in_with_a_safety_answer_closes_the_couple_report_as_not_sharing_would(
    sharing: tuple[User, User], check_in: CheckIn
) -> None:
    partner_a, partner_b = sharing
    pages = ["/", "/couple/", "/couple/report/", "/assessment/results/", "/assessment/change/"]
    couple_sharing_set(user=partner_a, share=False)
    not_shared = {url: _page(partner_b, url) for url in pages}
    couple_sharing_set(user=partner_a, share=True)
    assert couple_report_for(user=partner_b).state == "open"

    check_in(partner_a, safety=4, level=2, at=MONDAY + timedelta(days=1))

    assert couple_report_for(user=partner_b).state == "waiting"
    assert couple_report_for(user=partner_a).state == "me_safety"
    for url in pages:
        assert _page(partner_b, url) == not_shared[url], url
    _, mine = _page(partner_a, "/assessment/change/")
    assert "Support, for you alone" in mine
    assert "does not open a couple report for now" in mine


def test_a_safety_answer_counts_as_soon_as_it_is_saved_in_an_unfinished_check_in(
    sharing: tuple[User, User], instrument: Instrument
) -> None:
    partner_a, partner_b = sharing
    checkin = checkin_start(user=partner_a)
    assert couple_report_for(user=partner_b).state == "open"
    answer_save(assessment=checkin, item_id=instrument.safety.items[0], value=2)
    assert checkin.completed_at is None
    assert couple_report_for(user=partner_b).state == "waiting"
    assert couple_report_for(user=partner_a).state == "me_safety"


def test_a_check_in_without_a_safety_answer_leaves_the_couple_report_open(
    sharing: tuple[User, User], check_in: CheckIn
) -> None:
    partner_a, partner_b = sharing
    check_in(partner_a, safety=1, level=2, at=MONDAY + timedelta(days=1))
    assert couple_report_for(user=partner_a).state == "open"
    assert couple_report_for(user=partner_b).state == "open"


def test_a_partners_check_ins_appear_nowhere_for_the_other(
    sharing: tuple[User, User], check_in: CheckIn
) -> None:
    partner_a, partner_b = sharing
    check_in(partner_a, level=7, at=MONDAY + timedelta(days=1))
    _, theirs = _page(partner_b, "/assessment/change/")
    assert "So far there is one occasion" not in theirs  # Bruno reads Spanish
    assert "Por ahora hay una sola ocasión" in theirs
    assert "seguimiento</td>" not in theirs
    _, report = _page(partner_b, "/couple/report/")
    assert "check-in" not in report.lower()
    assert "seguimiento" not in report.lower()


def test_a_check_in_is_in_its_owners_export_and_not_in_the_partners(
    sharing: tuple[User, User], check_in: CheckIn, instrument: Instrument
) -> None:
    partner_a, partner_b = sharing
    check_in(partner_a, level=6, at=MONDAY + timedelta(days=1))
    mine = personal_data(user=partner_a)["questionnaires"]
    assert [q["kind"] for q in mine] == ["questionnaire", "check-in"]
    checkin = mine[1]
    assert {a["item"] for a in checkin["answers"]} == set(checkin_answers(instrument))
    assert all(a["item_text"] for a in checkin["answers"])
    scored = {s["score"]: s for s in checkin["results"]["scores"]}
    assert scored["HD_checkin"]["value"] is not None
    assert scored["HD_checkin"]["interval_95_low"] is not None
    assert scored["HD"]["value"] is None  # a check-in never scores the full facet
    theirs = personal_data(user=partner_b)["questionnaires"]
    assert [q["kind"] for q in theirs] == ["questionnaire"]
    with zipfile.ZipFile(io.BytesIO(personal_data_csv(personal_data(user=partner_a)))) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("questionnaires.csv").decode())))
    assert [r["kind"] for r in rows] == ["questionnaire", "check-in"]


def test_deleting_an_account_takes_its_check_ins_with_it(
    sharing: tuple[User, User], check_in: CheckIn
) -> None:
    from twofold.web.accounts.services import user_delete

    partner_a, partner_b = sharing
    taken = check_in(partner_a, at=MONDAY + timedelta(days=1))
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        still_open = checkin_start(user=partner_a)
    check_in(partner_b, at=MONDAY + timedelta(days=1))
    ids = [taken.pk, still_open.pk]

    user_delete(user=partner_a)

    assert not Assessment.objects.filter(pk__in=ids).exists()
    assert not Answer.objects.filter(assessment_id__in=ids).exists()
    assert len(checkins_finished(user=partner_b)) == 1  # the partner's own stay


def test_occasions_scored_together_each_get_their_own_profile_in_order(
    partner_a: User, partner_b: User, finish: Finish, check_in: CheckIn
) -> None:
    finish(partner_a, level=3, at=MONDAY)
    check_in(partner_a, level=6, at=MONDAY + timedelta(days=7))
    finish(partner_b, level=5, at=MONDAY)
    mine = occasions_finished(user=partner_a)
    together = assessment_profiles(assessments=[*mine, *occasions_finished(user=partner_b)])
    assert together == [
        assessment_profile(assessment=a) for a in [*mine, *occasions_finished(user=partner_b)]
    ]
    assert together[0] != together[1]
