"""The assessment pages: saving answers with and without JavaScript, resuming, finishing."""

from __future__ import annotations

import pytest

from tests.web.conftest import answers_for, client_for
from twofold.core import Instrument
from twofold.web.accounts.models import User
from twofold.web.assessments.selectors import assessment_answers, assessment_open

pytestmark = pytest.mark.django_db


def _begin(user: User) -> tuple[object, str]:
    client = client_for(user)
    response = client.post("/assessment/")
    assert response.status_code == 302
    return client, response.url


def test_beginning_leads_to_the_first_page(partner_a: User) -> None:
    _, url = _begin(partner_a)
    assert url == "/assessment/step/1/"


def test_an_answer_sent_by_htmx_is_saved_and_the_progress_bar_updates(partner_a: User) -> None:
    client, _ = _begin(partner_a)
    assessment = assessment_open(user=partner_a)
    item = assessment.item_order["self"][0]
    response = client.post(  # type: ignore[attr-defined]
        "/assessment/answer/", {"item": item, item: "5"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Answer saved." in html
    assert 'hx-swap-oob="true"' in html
    assert 'value="1"' in html  # one answered
    assert assessment_answers(assessment=assessment) == {item: 5}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"item": "{item}", "{item}": "9"}, "outside the answer scale"),
        ({"item": "{item}", "{item}": "abc"}, "is not a whole number"),
        ({"item": "{item}"}, "no answer was sent"),
        ({"item": "nonsense", "nonsense": "3"}, "not part of this assessment"),
        ({}, "This field is required"),
    ],
)
def test_a_bad_answer_gets_a_400_with_a_clear_message(
    partner_a: User, data: dict[str, str], message: str
) -> None:
    client, _ = _begin(partner_a)
    item = assessment_open(user=partner_a).item_order["self"][0]  # type: ignore[union-attr]
    filled = {k.replace("{item}", item): v.replace("{item}", item) for k, v in data.items()}
    response = client.post("/assessment/answer/", filled)  # type: ignore[attr-defined]
    assert response.status_code == 400
    assert message in response.content.decode()


def test_without_javascript_a_page_of_answers_is_saved_by_the_next_button(
    partner_a: User,
) -> None:
    client, url = _begin(partner_a)
    page = client.get(url)  # type: ignore[attr-defined]
    assessment = assessment_open(user=partner_a)
    items = page.context["step"].items
    data = dict.fromkeys(items, "4") | {"direction": "next"}
    response = client.post(url, data)  # type: ignore[attr-defined]
    assert response.status_code == 302
    assert response.url == "/assessment/step/2/"
    assert assessment_answers(assessment=assessment) == dict.fromkeys(items, 4)
    back = client.post("/assessment/step/2/", {"direction": "back"})  # type: ignore[attr-defined]
    assert back.url == "/assessment/step/1/"


def test_a_bad_value_in_a_page_post_is_a_400_and_saves_nothing(partner_a: User) -> None:
    client, url = _begin(partner_a)
    item = assessment_open(user=partner_a).item_order["self"][0]  # type: ignore[union-attr]
    response = client.post(url, {item: "12"})  # type: ignore[attr-defined]
    assert response.status_code == 400
    assert "outside the answer scale" in response.content.decode()


def test_the_page_shows_each_item_as_a_labelled_radio_group(partner_a: User) -> None:
    client, url = _begin(partner_a)
    html = client.get(url).content.decode()  # type: ignore[attr-defined]
    assert html.count("<fieldset") == html.count("<legend>")
    assert html.count('type="radio"') == html.count("<label for=") - 1  # the progress label


def test_resuming_on_another_device_goes_to_the_first_unanswered_page(
    partner_a: User, instrument: Instrument
) -> None:
    client, url = _begin(partner_a)
    page = client.get(url)  # type: ignore[attr-defined]
    data = dict.fromkeys(page.context["step"].items, "4")
    client.post(url, data)  # type: ignore[attr-defined]
    other_device = client_for(partner_a)
    response = other_device.post("/assessment/")
    assert response.url == "/assessment/step/2/"
    # Answers given on the first device are there on the second.
    again = other_device.get("/assessment/step/1/").content.decode()
    assert again.count("checked") == len(data)


def test_the_whole_questionnaire_can_be_answered_and_finished(
    partner_a: User, instrument: Instrument
) -> None:
    client, _url = _begin(partner_a)
    answers = answers_for(instrument)
    n = 1
    while True:
        page = client.get(f"/assessment/step/{n}/")  # type: ignore[attr-defined]
        step = page.context["step"]
        if step.kind == "review":
            break
        if step.kind == "partner_choice":
            client.post(f"/assessment/step/{n}/", {"include": "yes"})  # type: ignore[attr-defined]
        else:
            data = {item: str(answers[item]) for item in step.items}
            client.post(f"/assessment/step/{n}/", data | {"direction": "next"})  # type: ignore[attr-defined]
        n += 1
    response = client.post("/assessment/finish/")  # type: ignore[attr-defined]
    assert response.url == "/assessment/results/"
    results = client.get("/assessment/results/").content.decode()  # type: ignore[attr-defined]
    assert "Where you stand" in results
    assert "Support, for you alone" not in results
    assert results.count("<svg") == 3  # the map, the facets and the sub-facets, not escaped
    assert "Show the numbers as a table" in results


def test_the_bundled_rbi_goes_through_every_page_in_both_languages(
    settings: object, partner_a: User, partner_b: User
) -> None:
    """The fixture instrument keeps the other tests fast; this one runs the real RBI."""
    from twofold.web.couples.services import (
        couple_create,
        couple_invite_accept,
        couple_invite_create,
        couple_sharing_set,
    )
    from twofold.web.instrument import current_instrument

    settings.TWOFOLD_INSTRUMENT = "rbi@1.0"  # type: ignore[attr-defined]
    rbi = current_instrument()
    assert rbi.id == "rbi"
    couple_create(user=partner_a)
    couple_invite_accept(user=partner_b, token=couple_invite_create(user=partner_a)[1])
    for person, level in ((partner_a, 6), (partner_b, 3)):
        client = client_for(person)
        client.post("/assessment/")
        client.post("/assessment/step/1/", {})  # an empty page is fine; it can be answered later
        assessment = assessment_open(user=person)
        assert assessment is not None
        client.post("/assessment/step/9/", {"include": "yes"})
        for item, value in answers_for(rbi, level=level).items():
            response = client.post("/assessment/answer/", {"item": item, item: str(value)})
            assert response.status_code == 200, response.content
        assert client.post("/assessment/finish/").url == "/assessment/results/"
        couple_sharing_set(user=person, share=True)
        assert client.get("/assessment/results/").content.decode().count("<svg") == 3
    for person, words in ((partner_a, "Your pattern as a couple"), (partner_b, "El patrón")):
        page = client_for(person).get("/couple/report/").content.decode()
        assert words in page
        assert page.count("<svg") == 1
