"""Real Chromium (Debian's, never a downloaded one) against a live server.

Each partner gets a browser context of their own, as if on their own phone. Every page a test
visits can be checked with axe-core (``npm install`` puts it in ``node_modules/``); the check
fails on serious or critical violations. Content Security Policy violations fail the test too:
the pages must work without any inline script or style.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TWOFOLD_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run npm install")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Person:
    """One partner's browser: a context with its own cookies, and checks on every page."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.page: Page = context.new_page()
        self.csp_violations: list[str] = []
        self.page.on("console", self._console)
        self.checked: set[str] = set()

    def _console(self, message: object) -> None:
        text = message.text  # type: ignore[attr-defined]
        if not message.location.get("url"):  # type: ignore[attr-defined]
            # Raised by code the test evaluated in the page (axe-core loads the page's
            # stylesheets into <style> elements on some admin pages), not by the app.
            return
        if "Content Security Policy" in text or "Refused to" in text:
            self.csp_violations.append(f"{self.page.url}: {text}")

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def axe(self) -> None:
        """Fail on serious or critical accessibility violations of the current page."""
        self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
        result = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"
        )
        assert result == [], f"{self.page.url}: {result}"
        path = re.sub(r"^https?://[^/]+", "", self.page.url)
        self.checked.add(re.sub(r"/[A-Za-z0-9_-]{20,}/", "/<token>/", path))

    def close(self) -> None:
        assert self.csp_violations == [], self.csp_violations
        self.context.close()


@pytest.fixture
def people(browser: Browser, live_server: object) -> Iterator[dict[str, Person]]:
    url = live_server.url  # type: ignore[attr-defined]
    made = {
        name: Person(
            browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844}), url
        )
        for name in ("a", "b")
    }
    yield made
    for person in made.values():
        person.close()
