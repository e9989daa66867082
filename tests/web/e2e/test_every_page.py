"""axe-core on every page of the URLconf: as a visitor, a partner whose report is open, and the
site's admin (logged in with a code from her authenticator app).

The pages come from the access matrix, so a new page is checked as soon as it has a row there.
Pages that only answer POST, or redirect for these people, are covered by the journeys.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from tests.web.conftest import Finish, make_person, turn_on_authenticator_app
from tests.web.e2e.conftest import Person
from tests.web.e2e.flows import log_in, log_in_with_code
from tests.web.test_access_matrix import GET, _url
from twofold.web.couples.services import (
    couple_create,
    couple_invite_accept,
    couple_invite_create,
    couple_sharing_set,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Plain text for load balancers; a script; PDF downloads (read back in their own tests).
NOT_HTML = {"healthz", "admin:jsi18n", "assessments:results_pdf", "couples:report_pdf"}


def test_every_page_has_no_serious_accessibility_violation(
    people: dict[str, Person], finish: Finish, browser: Browser, live_server: object
) -> None:
    ana_user = make_person("ana@example.org", "Ana")
    bruno_user = make_person("bruno@example.org", "Bruno", language="es")
    couple_create(user=ana_user)
    couple_invite_accept(user=bruno_user, token=couple_invite_create(user=ana_user)[1])
    for person in (ana_user, bruno_user):
        finish(person)
        couple_sharing_set(user=person, share=True)
    rosa_user = make_person("rosa@example.org", "Rosa")
    rosa_user.is_staff = rosa_user.is_superuser = True
    rosa_user.save(update_fields=["is_staff", "is_superuser"])
    secret = turn_on_authenticator_app(rosa_user)
    visitor, ana = people["a"], people["b"]
    rosa = Person(browser.new_context(locale="en-GB"), live_server.url)  # type: ignore[attr-defined]
    for role, person in (("anon", visitor), ("partner_a", ana), ("admin", rosa)):
        if role == "partner_a":
            log_in(person, email="ana@example.org")
        if role == "admin":
            log_in_with_code(person, email="rosa@example.org", secret=secret)
        for name, expected in sorted(GET.items()):
            if expected[role] != 200 or name in NOT_HTML:
                continue
            person.goto(_url(name))
            person.axe()
    # Pages behind a fresh password: re-enter it, then check them too.
    ana.goto("/account/delete/")
    ana.axe()
    ana.page.fill("#id_password", "a long test passphrase 42")
    ana.page.locator("main form button[type=submit]").last.click()
    ana.page.wait_for_url("**/account/delete/")
    ana.axe()
    # A real person's page in the admin, where an admin makes someone a practitioner.
    rosa.goto(reverse("admin:accounts_user_change", args=[ana_user.pk]))
    rosa.axe()
    rosa.close()
    assert len(visitor.checked) >= 8
    assert len(ana.checked) >= 15
    assert sum(path.startswith("/<token>/") for path in rosa.checked) >= 9  # admin pages
