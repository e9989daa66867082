"""In the browser: turning on two-factor authentication and logging in with a code; downloading
one's data behind a fresh password."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, make_person, totp_code
from tests.web.e2e.conftest import Person
from tests.web.e2e.flows import log_in, log_in_with_code, submit_main_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_person_turns_on_an_authenticator_app_and_then_logs_in_with_it(
    people: dict[str, Person],
) -> None:
    make_person("ana@example.org", "Ana")
    ana = people["a"]
    page = ana.page
    log_in(ana, email="ana@example.org")
    ana.goto("/account/settings/")
    ana.axe()
    page.get_by_role("link", name="Manage two-factor authentication").click()
    page.wait_for_url("**/accounts/2fa/")
    ana.axe()
    page.locator("main a[href='/accounts/2fa/totp/activate/']").click()
    page.wait_for_url("**/accounts/reauthenticate/**")  # the password first
    ana.axe()
    page.fill("#id_password", PASSWORD)
    submit_main_form(ana)
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    ana.axe()
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("#id_code", totp_code(secret))
    submit_main_form(ana)
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    ana.axe()
    expect(page.locator("main")).to_contain_text("recovery codes")

    ana.goto("/accounts/logout/")
    submit_main_form(ana)
    cache.clear()  # the activation code is still current; a fresh login may take it
    log_in_with_code(ana, email="ana@example.org", secret=secret)
    ana.goto("/account/settings/")
    expect(page.locator("main")).to_contain_text("logging in asks for a code")


def test_a_person_downloads_their_data_after_confirming_the_password(
    people: dict[str, Person],
) -> None:
    import json

    make_person("ana@example.org", "Ana")
    ana = people["a"]
    page = ana.page
    log_in(ana, email="ana@example.org")
    ana.goto("/account/settings/")
    page.get_by_role("link", name="Download as one JSON file").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    ana.axe()
    page.fill("#id_password", PASSWORD)
    with page.expect_download() as download:
        submit_main_form(ana)
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["email"] == "ana@example.org"
    assert download.value.suggested_filename.startswith("twofold-my-data-")
