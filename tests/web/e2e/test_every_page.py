"""axe-core on every page of the URLconf, as a visitor and as a partner whose report is open.

The pages come from the access matrix, so a new page is checked as soon as it has a row there.
Pages that only answer POST, or redirect for these people, are covered by the journeys.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import Finish, make_person
from tests.web.e2e.conftest import Person
from tests.web.e2e.flows import log_in
from tests.web.test_access_matrix import GET, _url
from twofold.web.couples.services import (
    couple_create,
    couple_invite_accept,
    couple_invite_create,
    couple_sharing_set,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOT_HTML = {"healthz"}  # plain text for load balancers


def test_every_page_has_no_serious_accessibility_violation(
    people: dict[str, Person], finish: Finish
) -> None:
    ana_user = make_person("ana@example.org", "Ana")
    bruno_user = make_person("bruno@example.org", "Bruno", language="es")
    couple_create(user=ana_user)
    couple_invite_accept(user=bruno_user, token=couple_invite_create(user=ana_user)[1])
    for person in (ana_user, bruno_user):
        finish(person)
        couple_sharing_set(user=person, share=True)
    visitor, ana = people["a"], people["b"]
    for role, person in (("anon", visitor), ("partner_a", ana)):
        if role == "partner_a":
            log_in(person, email="ana@example.org")
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
    assert len(visitor.checked) >= 8
    assert len(ana.checked) >= 15
