"""A person's data export: all of theirs, readable, in JSON and CSV; nothing of the partner's."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from typing import Any

import pytest
from django.test import Client

from tests.web.conftest import PASSWORD, Finish, client_for, make_person
from twofold.core import Instrument
from twofold.web.accounts.export import (
    FORMAT,
    personal_data,
    personal_data_csv,
    personal_data_json,
)
from twofold.web.accounts.models import User
from twofold.web.assessments.selectors import assessment_answers, assessment_latest_complete
from twofold.web.couples.selectors import membership_active
from twofold.web.couples.services import (
    couple_create,
    couple_invite_accept,
    couple_invite_create,
    couple_leave,
    couple_sharing_set,
    couple_view_record,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(couple: tuple[User, User], finish: Finish) -> tuple[User, User]:
    """Ana (answers 6) and Bruno (answers 2, reads Spanish) finished, share, and looked once."""
    partner_a, partner_b = couple
    finish(partner_a, level=6)
    finish(partner_b, level=2)
    for person in couple:
        couple_sharing_set(user=person, share=True)
    space = membership_active(user=partner_a)
    assert space is not None
    couple_view_record(couple=space.couple, viewer=partner_b)
    couple_view_record(couple=space.couple, viewer=partner_a)
    return partner_a, partner_b


def test_the_export_holds_every_answer_with_its_item_and_label_in_the_persons_language(
    shared: tuple[User, User], instrument: Instrument
) -> None:
    for person, lang in zip(shared, ("en", "es"), strict=True):
        data = personal_data(user=person)
        assert data["format"] == FORMAT
        (questionnaire,) = data["questionnaires"]
        mine = assessment_answers(assessment=assessment_latest_complete(user=person))
        exported = {a["item"]: a for a in questionnaire["answers"]}
        assert {item: a["answer"] for item, a in exported.items()} == mine
        for item_id, row in exported.items():
            item = instrument.item(item_id)
            assert row["item_text"] == item.text_in(lang)
            assert row["answer_label"] == item.scale.label(row["answer"], lang)
            assert row["form"] in {"self", "partner", "outcomes", "safety"}


def test_the_export_holds_the_scores_region_and_couple_space(shared: tuple[User, User]) -> None:
    partner_a, _ = shared
    data = personal_data(user=partner_a)
    results = data["questionnaires"][0]["results"]
    scores = {s["score"]: s for s in results["scores"]}
    assert scores["HD"]["label"] == "Healthy dependence"
    assert scores["HD"]["value"] is not None
    assert results["region"] is not None
    assert abs(sum(r["probability"] for r in results["region_probabilities"]) - 1) < 1e-3
    assert results["safety_answer_positive"] is False
    (space,) = data["couple_spaces"]
    assert space["how"] == "created it"
    assert space["you_share_your_results"] is True
    assert space["partner_name"] == "Bruno"
    assert space["joined"]
    assert space["ended"] is None
    (invitation,) = data["invitations_you_made"]
    assert invitation["used"] is not None
    assert [v["by"] for v in data["couple_report_views"]] == ["Bruno", "you"]
    assert {v["what"] for v in data["couple_report_views"]} == {"the couple report"}
    assert data["account"]["email"] == "ana@example.org"


def test_neither_partner_finds_the_others_answers_or_account_in_their_export(
    shared: tuple[User, User],
) -> None:
    partner_a, partner_b = shared
    for me, other in ((partner_a, partner_b), (partner_b, partner_a)):
        data = personal_data(user=me)
        text = personal_data_json(data).decode()
        assert other.email not in text
        others = assessment_answers(assessment=assessment_latest_complete(user=other))
        mine = assessment_answers(assessment=assessment_latest_complete(user=me))
        assert others != mine  # the partners answered differently (6 and 2)
        (questionnaire,) = data["questionnaires"]
        assert {a["item"]: a["answer"] for a in questionnaire["answers"]} == mine


def test_a_person_with_a_safety_answer_gets_it_in_their_own_export(
    couple: tuple[User, User], finish: Finish, instrument: Instrument
) -> None:
    _, partner_b = couple
    finish(partner_b, safety=3)
    data = personal_data(user=partner_b)
    questionnaire = data["questionnaires"][0]
    assert questionnaire["results"]["safety_answer_positive"] is True
    assert instrument.safety is not None
    safety = {a["item"]: a["answer"] for a in questionnaire["answers"] if a["form"] == "safety"}
    assert safety == dict.fromkeys(instrument.safety.items, 3)


def _without_moments(data: dict[str, Any]) -> str:
    """The export with every timestamp and space number blanked (they differ between worlds)."""
    text = personal_data_json(data).decode()
    text = re.sub(r'"\d{4}-\d\d-\d\dT[^"]+"', '"<when>"', text)
    return re.sub(r'"space": \d+', '"space": 0', text)


def test_the_partners_export_reads_the_same_whether_the_other_gave_a_safety_answer_or_did_not_share(
    partner_a: User, partner_b: User, finish: Finish
) -> None:
    # World 1: Bruno gave a safety answer and chose to share; both opened the report page.
    couple_create(user=partner_a)
    couple_invite_accept(user=partner_b, token=couple_invite_create(user=partner_a)[1])
    finish(partner_a)
    couple_sharing_set(user=partner_a, share=True)
    finish(partner_b, safety=3)
    couple_sharing_set(user=partner_b, share=True)
    for person in (partner_a, partner_b):
        client_for(person).get("/couple/report/")
    safety_world = _without_moments(personal_data(user=partner_a))
    assert '"safety_answer_positive": true' not in safety_world  # Ana's own answer was "never"

    # World 2: a new Ana (same name and answers) whose partner Bruno has not shared.
    couple_leave(user=partner_a)
    ana = make_person("ana2@example.org", "Ana")
    bruno = make_person("bruno2@example.org", "Bruno", language="es")
    couple_create(user=ana)
    couple_invite_accept(user=bruno, token=couple_invite_create(user=ana)[1])
    finish(ana)
    couple_sharing_set(user=ana, share=True)
    finish(bruno)
    for person in (ana, bruno):
        client_for(person).get("/couple/report/")
    not_shared_world = _without_moments(personal_data(user=ana))

    assert safety_world.replace("ana@example.org", "ana2@example.org") == not_shared_world


def test_the_csv_download_is_a_zip_of_readable_tables(shared: tuple[User, User]) -> None:
    partner_b = shared[1]
    archive = zipfile.ZipFile(io.BytesIO(personal_data_csv(personal_data(user=partner_b))))
    names = set(archive.namelist())
    assert {"README.txt", "account.csv", "answers.csv", "scores.csv", "couple_spaces.csv"} <= names
    answers = list(csv.DictReader(io.StringIO(archive.read("answers.csv").decode())))
    assert answers
    assert set(answers[0]) >= {"item", "item_text", "answer", "answer_label"}
    assert all(" mínimo " in row["item_text"] for row in answers)  # Bruno reads Spanish
    # Bruno answered every item keyed at 2: "En desacuerdo", or its mirror on reverse-keyed items.
    assert {row["answer_label"] for row in answers if row["form"] == "self"} == {
        "En desacuerdo",
        "De acuerdo",
    }
    views = list(csv.DictReader(io.StringIO(archive.read("couple_report_views.csv").decode())))
    assert [row["by"] for row in views] == ["you", "Ana"]


def test_the_downloads_ask_for_the_password_again_then_come_as_attachments(
    shared: tuple[User, User],
) -> None:
    partner_a, _ = shared
    client = Client()
    client.post("/accounts/login/", {"login": partner_a.email, "password": PASSWORD})
    asked = client.get("/account/data/twofold-my-data.json")
    assert asked.url.startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    for path, kind in (
        ("/account/data/twofold-my-data.json", "application/json"),
        ("/account/data/twofold-my-data.zip", "application/zip"),
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"].startswith(kind)
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert "no-store" in response["Cache-Control"].replace(" ", "").split(",")
    data = json.loads(client.get("/account/data/twofold-my-data.json").content)
    assert data["account"]["email"] == partner_a.email


def test_admin_changes_to_an_account_are_in_its_export(
    outsider: User, site_admin: tuple[User, str]
) -> None:
    from django.urls import reverse

    from tests.web.conftest import log_in_with_second_factor

    rosa = log_in_with_second_factor(*site_admin)
    rosa.post(
        reverse("admin:accounts_user_change", args=[outsider.pk]),
        {
            "email": outsider.email,
            "display_name": outsider.display_name,
            "language": outsider.language,
            "is_practitioner": "on",
            "is_active": "on",
        },
    )
    (change,) = personal_data(user=outsider)["admin_changes_to_your_account"]
    assert change["action"] == "changed"
    assert "practitioner" in change["what"].lower()
