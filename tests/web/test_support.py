"""Support for everyone: a link in the same place on every page, a quick exit, helplines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tests.web.conftest import Finish, client_for
from twofold.web.accounts.models import User
from twofold.web.config.env import env_country
from twofold.web.support import helplines

pytestmark = pytest.mark.django_db

HELP = re.compile(
    r'<header class="site">\s*<p class="help"><a class="support-link" href="/support/">'
    r'(Support|Apoyo)</a> <a class="quick-exit" href="(?P<exit>[^"]+)" rel="noreferrer" '
    r"data-quick-exit>"
)


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/support/", "/accounts/signup/"])
def test_an_anonymous_visitor_has_support_and_quick_exit_first_in_the_header(url: str) -> None:
    html = client_for(None).get(url).content.decode()
    match = HELP.search(html)
    assert match, url
    assert match["exit"].startswith("https://")  # a plain link: works without JavaScript


@pytest.mark.parametrize(
    "url", ["/", "/assessment/", "/assessment/results/", "/couple/", "/couple/report/"]
)
def test_a_signed_in_person_flagged_or_not_has_them_in_the_same_place(
    couple: tuple[User, User], finish: Finish, url: str
) -> None:
    partner_a, partner_b = couple
    finish(partner_a)
    finish(partner_b, safety=3)
    for person in couple:
        assert HELP.search(client_for(person).get(url).content.decode()), (person, url)


def test_the_support_page_says_nothing_happens_and_is_the_same_for_everyone(
    couple: tuple[User, User], finish: Finish
) -> None:
    partner_a, partner_b = couple
    finish(partner_a)
    finish(partner_b, safety=3)
    pages = {
        who: re.sub(
            r'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"',
            "",
            c.get("/support/").content.decode(),
        )
        for who, c in (("anon", client_for(None)), ("a", client_for(partner_a)))
    }
    assert "nothing happens automatically, nobody is contacted" in pages["anon"]
    assert "does not protect you from monitoring software" in pages["anon"]
    flagged = client_for(partner_b).get("/support/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "no ocurre nada automáticamente, no se avisa a nadie" in flagged  # Bruno reads Spanish


def test_without_a_country_only_the_generic_wording_shows() -> None:
    html = client_for(None).get("/support/").content.decode()
    assert "Helplines" not in html
    assert "Where to find help" in html


@override_settings(TWOFOLD_SUPPORT_COUNTRY="ES")
def test_a_country_s_helplines_show_with_phone_and_text() -> None:
    html = client_for(None).get("/support/").content.decode()
    assert "Helplines" in html
    assert 'href="tel:016"' in html
    assert "WhatsApp 600 000 016" in html


@override_settings(TWOFOLD_SUPPORT_COUNTRY="ZZ")
def test_a_country_without_entries_falls_back_to_the_generic_wording() -> None:
    html = client_for(None).get("/support/").content.decode()
    assert "Helplines" not in html
    assert "Where to find help" in html


def test_every_helpline_entry_names_a_way_to_reach_it_in_both_languages() -> None:
    import yaml

    data = yaml.safe_load(Path("src/twofold/web/helplines.yaml").read_text(encoding="utf-8"))
    for country, services in data["countries"].items():
        assert re.fullmatch(r"[A-Z]{2}", country)
        for lang in ("en", "es"):
            for line in helplines(country, lang):
                assert line.name, (country, lang)
                assert line.what, (country, lang)
                assert line.phone or line.text or line.chat, (country, lang)
        for service in services:
            assert set(service["what"]) == {"en", "es"}


def test_the_country_setting_is_a_two_letter_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWOFOLD_SUPPORT_COUNTRY", "es")
    assert env_country("TWOFOLD_SUPPORT_COUNTRY") == "ES"
    monkeypatch.setenv("TWOFOLD_SUPPORT_COUNTRY", "")
    assert env_country("TWOFOLD_SUPPORT_COUNTRY") == ""
    monkeypatch.setenv("TWOFOLD_SUPPORT_COUNTRY", "Spain")
    with pytest.raises(ImproperlyConfigured, match="TWOFOLD_SUPPORT_COUNTRY='Spain'"):
        env_country("TWOFOLD_SUPPORT_COUNTRY")
