"""Two partners in two browsers, from signing up to their couple report, in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.e2e.conftest import Person
from tests.web.e2e.flows import (
    answer_questionnaire,
    create_couple_and_invite,
    join_by_signing_up,
    share_results,
    sign_up,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "item": "Mini ",
        "results": "Your results",
        "report": "Your pattern as a couple",
        "waiting": "has also finished",
    },
    "es": {
        "item": " mínimo ",
        "results": "Tus resultados",
        "report": "El patrón de la pareja",
        "waiting": "también haya terminado",
    },
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_two_partners_go_from_sign_up_to_their_couple_report(
    people: dict[str, Person], language: str
) -> None:
    ana, bruno = people["a"], people["b"]
    words = WORDS[language]
    ana.goto("/accounts/signup/")
    sign_up(ana, email="ana@example.org", name="Ana", language=language)
    link = create_couple_and_invite(ana)
    join_by_signing_up(bruno, link, email="bruno@example.org", name="Bruno", language=language)

    answer_questionnaire(ana, level=6, item_text=words["item"])
    expect(ana.page.locator("h1")).to_have_text(words["results"])
    share_results(ana)
    expect(ana.page.locator("main")).to_contain_text(words["waiting"])

    answer_questionnaire(bruno, level=3)
    share_results(bruno)
    expect(bruno.page.locator("main")).to_contain_text(words["report"])
    expect(bruno.page.locator("main")).to_contain_text("Ana")

    ana.goto("/couple/report/")
    ana.axe()
    expect(ana.page.locator("main")).to_contain_text(words["report"])
    expect(ana.page.locator("html")).to_have_attribute("lang", language)
    for person in (ana, bruno):
        for path in ("/", "/couple/", "/account/settings/"):
            person.goto(path)
            person.axe()
