"""The scale, the keyboard and pages that fit, in real Chromium (issue 10, §1–§3).

The demo-like couple: Ana and Bruno finished a week ago and shared; Ana opens a check-in.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Route, expect

from tests.web.conftest import Finish, make_person
from tests.web.e2e.conftest import Person
from tests.web.e2e.flows import log_in
from twofold.web.assessments.models import Answer, Assessment
from twofold.web.couples.services import (
    couple_create,
    couple_invite_accept,
    couple_invite_create,
    couple_sharing_set,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _couple(finish: Finish) -> None:
    ana = make_person("ana@example.org", "Ana")
    bruno = make_person("bruno@example.org", "Bruno")
    couple_create(user=ana)
    couple_invite_accept(user=bruno, token=couple_invite_create(user=ana)[1])
    for person in (ana, bruno):
        finish(person, level=3, at=timezone.now() - timedelta(days=7))
        couple_sharing_set(user=person, share=True)


def _person(browser: Browser, live_server: object, width: int, height: int) -> Person:
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": height})
    return Person(context, live_server.url)  # type: ignore[attr-defined]


def _open_checkin(person: Person) -> None:
    person.goto("/assessment/checkin/")
    person.page.locator("main form button[type=submit]").click()
    person.page.wait_for_url("**/assessment/checkin/step/1/")


def _stored(item: str) -> int | None:
    answer = Answer.objects.filter(
        assessment__kind=Assessment.Kind.CHECKIN,
        assessment__completed_at__isnull=True,
        item_id=item,
    ).first()
    return None if answer is None else answer.value


def test_at_1280_px_the_scale_is_one_row_and_enter_goes_forward(
    finish: Finish, browser: Browser, live_server: object
) -> None:
    _couple(finish)
    ana = _person(browser, live_server, 1280, 800)
    try:
        log_in(ana, email="ana@example.org")
        _open_checkin(ana)
        page = ana.page
        ana.axe()
        for width in (768, 1280, 1920):
            page.set_viewport_size({"width": width, "height": 800})
            tops = page.eval_on_selector_all(
                "fieldset.item:first-of-type .choice",
                "cs => cs.map(c => Math.round(c.getBoundingClientRect().top))",
            )
            assert len(tops) == 7, (width, tops)
            assert len(set(tops)) == 1, (width, tops)
        page.set_viewport_size({"width": 390, "height": 844})
        lefts = page.eval_on_selector_all(
            "fieldset.item:first-of-type .choice",
            "cs => cs.map(c => Math.round(c.getBoundingClientRect().left))",
        )
        assert len(set(lefts)) == 1, lefts  # stacked on a phone
        sizes = page.eval_on_selector_all(
            "fieldset.item .choice label",
            "ls => ls.map(l => [l.getBoundingClientRect().width, l.getBoundingClientRect().height])",
        )
        assert all(w >= 24 and h >= 24 for w, h in sizes), sizes
        page.set_viewport_size({"width": 1280, "height": 800})

        # Page 2, so there is a Back button; answer it all, then Enter on a chosen answer.
        names = page.eval_on_selector_all("fieldset.item", "fs => fs.map(f => f.dataset.item)")
        for name in names:
            with page.expect_response(lambda r: r.url.endswith("/checkin/answer/")):
                page.locator(f"label[for='{name}-4']").click()
        page.locator("button[name=direction][value=next]").click()
        page.wait_for_url("**/checkin/step/2/")
        names = page.eval_on_selector_all("fieldset.item", "fs => fs.map(f => f.dataset.item)")
        last = names[-1]
        for name in names:
            with page.expect_response(lambda r: r.url.endswith("/checkin/answer/")):
                page.locator(f"label[for='{name}-5']").click()
        page.locator(f"#{last}-5").focus()
        page.keyboard.press("Tab")
        expect(page.locator("button[name=direction][value=next]")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.locator("button[name=direction][value=back]")).to_be_focused()
        # Back shows to the left of Next all the same.
        back = page.locator("button[name=direction][value=back]").bounding_box()
        nxt = page.locator("button[name=direction][value=next]").bounding_box()
        assert back is not None
        assert nxt is not None
        assert back["x"] < nxt["x"]
        page.locator(f"#{last}-5").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/checkin/step/3/")
    finally:
        ana.close()


def test_quick_changes_store_the_last_choice_even_when_requests_overtake(
    finish: Finish, browser: Browser, live_server: object
) -> None:
    _couple(finish)
    ana = _person(browser, live_server, 390, 844)
    try:
        log_in(ana, email="ana@example.org")
        _open_checkin(ana)
        page = ana.page
        item = page.eval_on_selector("fieldset.item", "f => f.dataset.item")
        calls = {"n": 0}

        def slow_first(route: Route) -> None:
            # The first answer is held back: without ordering it lands after the later ones.
            calls["n"] += 1
            if calls["n"] == 1:
                time.sleep(0.8)
            route.continue_()

        page.route("**/checkin/answer/", slow_first)
        page.locator(f"label[for='{item}-2']").click()
        for value in (3, 4, 5, 6):
            page.locator(f"label[for='{item}-{value}']").click()
        expect(page.locator("#save-status")).to_have_text("Answer saved.", timeout=10_000)
        expect(page.locator(f"#{item}-6")).to_be_checked()
        assert _stored(item) == 6

        # Quick changes by arrow key, then away by the nav bar at once: the last one holds.
        page.unroute("**/checkin/answer/")
        page.locator(f"#{item}-6").focus()
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        checked = page.eval_on_selector(f"#{item}-3", "i => i.checked")
        assert checked
        page.locator("header.site nav a").first.click()
        page.wait_for_load_state()
        deadline = time.monotonic() + 5
        while _stored(item) != 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _stored(item) == 3
    finally:
        ana.close()


@pytest.mark.parametrize("width", [360, 390])
def test_no_page_scrolls_sideways_on_a_phone(
    finish: Finish, browser: Browser, live_server: object, width: int
) -> None:
    _couple(finish)
    ana = _person(browser, live_server, width, 740)
    try:
        log_in(ana, email="ana@example.org")
        for path in (
            "/",
            "/assessment/results/",
            "/assessment/change/",
            "/couple/",
            "/couple/report/",
            "/couple/log/",
            "/accounts/settings/",
        ):
            ana.goto(path)
            ana.page.wait_for_load_state()
            scroll, client = ana.page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll <= client, (path, scroll, client)
            header = ana.page.locator("header.site").bounding_box()
            assert header is not None
            assert header["height"] <= 740 / 6, (path, header)
    finally:
        ana.close()
