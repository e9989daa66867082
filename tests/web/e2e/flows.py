"""What a person does in the browser, step by step, written once for every scenario."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, answers_for, totp_code
from tests.web.e2e.conftest import Person
from twofold.web.instrument import current_instrument

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def submit_main_form(person: Person) -> None:
    person.page.locator("main form button[type=submit]").last.click()


def sign_up(person: Person, *, email: str, name: str, language: str) -> None:
    """Sign up from wherever the page is (it must show the sign-up form), then verify the email."""
    page = person.page
    expect(page.locator("#id_email")).to_be_visible()
    person.axe()
    page.fill("#id_email", email)
    page.fill("#id_display_name", name)
    page.select_option("#id_language", language)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    sent = len(mail.outbox)
    submit_main_form(person)
    page.wait_for_url("**/accounts/confirm-email/")
    person.axe()
    messages = [m for m in mail.outbox[sent:] if email in m.to]
    assert len(messages) == 1, [m.to for m in mail.outbox]
    link = CONFIRM_LINK.search(str(messages[0].body))
    assert link is not None, messages[0].body
    page.goto(link.group(0))
    person.axe()
    submit_main_form(person)
    page.wait_for_load_state()


def create_couple_and_invite(person: Person) -> str:
    page = person.page
    person.goto("/couple/")
    person.axe()
    page.locator("form[action='/couple/create/'] button").click()
    page.locator("form[action='/couple/invite/'] button").click()
    link = page.locator("#invite-link").input_value()
    person.axe()
    assert "/couple/join/" in link
    return link


def join_by_signing_up(person: Person, link: str, *, email: str, name: str, language: str) -> None:
    page = person.page
    page.goto(link)
    person.axe()
    page.locator("main a.button").click()  # "Create an account"
    sign_up(person, email=email, name=name, language=language)
    # After verifying the email, the invitation page comes back: join.
    page.wait_for_url("**/couple/join/**")
    person.axe()
    submit_main_form(person)
    page.wait_for_url("**/couple/")
    person.axe()


def _answer_page(person: Person, answers: dict[str, int]) -> None:
    page = person.page
    names = page.eval_on_selector_all(
        "fieldset.item", "fs => fs.map(f => f.querySelector('input[type=radio]').name)"
    )
    for item in names:
        if page.locator(f"#{item}-{answers[item]}").is_checked():
            continue  # answered before a reload: clicking again changes nothing
        with page.expect_response(lambda r: r.url.endswith("/assessment/answer/")) as info:
            page.locator(f"label[for='{item}-{answers[item]}']").click()
        assert info.value.status == 200
        expect(page.locator(f"#{item}-{answers[item]}")).to_be_checked()


def log_in(person: Person, *, email: str) -> None:
    person.goto("/accounts/login/")
    person.axe()
    person.page.fill("#id_login", email)
    person.page.fill("#id_password", PASSWORD)
    submit_main_form(person)
    person.page.wait_for_url(person.base_url + "/")


def answer_questionnaire(
    person: Person, *, safety: int = 1, level: int = 5, item_text: str | None = None
) -> None:
    """Answer every page through htmx, reloading once half-way through a page."""
    page = person.page
    answers = answers_for(current_instrument(), level=level, safety=safety)
    person.goto("/assessment/")
    person.axe()
    page.locator("main form button[type=submit]").click()
    reloaded = False
    keyboard_done = False
    while True:
        page.wait_for_load_state()
        if page.locator("form[action='/assessment/finish/']").count():
            person.axe()
            page.locator("form[action='/assessment/finish/'] button").click()
            page.wait_for_url("**/assessment/results/")
            return
        if page.locator("button[name=include][value=yes]").count():
            person.axe()
            page.locator("button[name=include][value=yes]").click()
            continue
        person.axe()
        if item_text is not None:
            expect(page.locator("fieldset.item legend").first).to_contain_text(item_text)
        if not keyboard_done:
            # Keyboard only: from the page heading, Tab reaches the first radio group and the
            # arrow keys choose within it; the answer is saved like a click.
            first = page.eval_on_selector("fieldset.item input[type=radio]", "i => i.name")
            expect(page.locator("h1")).to_be_focused()
            page.keyboard.press("Tab")
            with page.expect_response(lambda r: r.url.endswith("/assessment/answer/")):
                page.keyboard.press("ArrowDown")
            expect(page.locator(f"#{first}-2")).to_be_checked()
            keyboard_done = True
        if not reloaded and page.url.endswith("/step/2/"):
            names = page.eval_on_selector_all(
                "fieldset.item", "fs => fs.map(f => f.querySelector('input').name)"
            )
            first = names[0]
            with page.expect_response(lambda r: r.url.endswith("/assessment/answer/")):
                page.locator(f"label[for='{first}-{answers[first]}']").click()
            page.reload()  # as if the tab were closed and opened again
            expect(page.locator(f"#{first}-{answers[first]}")).to_be_checked()
            reloaded = True
        _answer_page(person, answers)
        page.locator("button[name=direction][value=next]").click()


def share_results(person: Person) -> None:
    page = person.page
    person.goto("/assessment/results/")
    person.axe()
    page.locator("form[action='/couple/sharing/'] button[name=share][value=yes]").click()
    page.wait_for_url("**/couple/report/")
    person.axe()


def log_in_with_code(person: Person, *, email: str, secret: str) -> None:
    """Log in with the password, then the code the authenticator app shows."""
    person.goto("/accounts/login/")
    person.page.fill("#id_login", email)
    person.page.fill("#id_password", PASSWORD)
    submit_main_form(person)
    person.page.wait_for_url("**/accounts/2fa/authenticate/")
    person.axe()
    person.page.fill("#id_code", totp_code(secret))
    person.page.get_by_role("button", name="Sign In").click()  # the other one cancels
    person.page.wait_for_url(person.base_url + "/")
