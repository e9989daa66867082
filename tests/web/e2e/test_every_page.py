"""axe-core on every page of the URLconf: as a visitor, a partner whose report is open, and the
site's admin (logged in with a code from her authenticator app).

The pages come from the access matrix, so a new page is checked as soon as it has a row there.
Pages that only answer POST, or redirect for these people, are covered by the journeys.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser

from tests.web.conftest import CheckIn, Finish, make_person, turn_on_authenticator_app
from tests.web.e2e.conftest import Person
from tests.web.e2e.flows import log_in, log_in_with_code
from tests.web.test_access_matrix import GET, _url
from twofold.web.assessments.services import checkin_start
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
    people: dict[str, Person],
    finish: Finish,
    check_in: CheckIn,
    browser: Browser,
    live_server: object,
) -> None:
    ana_user = make_person("ana@example.org", "Ana")
    bruno_user = make_person("bruno@example.org", "Bruno", language="es")
    couple_create(user=ana_user)
    couple_invite_accept(user=bruno_user, token=couple_invite_create(user=ana_user)[1])
    two_days_ago = timezone.now() - timedelta(days=2)
    for person in (ana_user, bruno_user):
        finish(person, at=two_days_ago)
        couple_sharing_set(user=person, share=True)
    # As in the access matrix: Ana took a check-in yesterday and has another open.
    check_in(ana_user, at=timezone.now() - timedelta(days=1))
    checkin_start(user=ana_user)
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
    assert {"/assessment/checkin/", "/assessment/checkin/step/1/", "/assessment/change/"} <= (
        ana.checked
    )
    assert sum(path.startswith("/<token>/") for path in rosa.checked) >= 9  # admin pages


def test_account_pages_in_every_state_have_no_serious_accessibility_violation(
    people: dict[str, Person], browser: Browser, live_server: object
) -> None:
    """The account and two-factor pages the matrix cannot reach with a plain GET: with errors
    shown, with a change waiting, behind a fresh password, from a link in an email; in Spanish
    for one of the two people."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    from tests.web.conftest import PASSWORD
    from tests.web.e2e.flows import submit_main_form
    from twofold.web.accounts.models import User

    ana_user = make_person("ana@example.org", "Ana", language="es")
    nuevo = User.objects.create_user("nuevo@example.org", PASSWORD, language="es")
    unconfirmed = EmailAddress.objects.create(user=nuevo, email="nuevo@example.org", primary=True)
    visitor, ana = people["a"], people["b"]
    page = visitor.page

    # A visitor: forms with mistakes, and the pages links in emails open.
    visitor.goto(reverse("account_login"))
    page.fill("#id_login", "ana@example.org")
    page.fill("#id_password", "not the password")
    submit_main_form(visitor)
    page.wait_for_selector(".form-errors")
    visitor.axe()
    visitor.goto(reverse("account_signup"))
    page.fill("#id_email", "not an address")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "other")
    submit_main_form(visitor)
    page.wait_for_selector("ul.errorlist")
    visitor.axe()
    visitor.goto(reverse("account_confirm_email", args=[EmailConfirmationHMAC(unconfirmed).key]))
    visitor.axe()
    visitor.goto(
        reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(ana_user),
                "key": default_token_generator.make_token(ana_user),
            },
        )
    )
    page.wait_for_selector("#id_password1")
    page.fill("#id_password1", "a fresh passphrase 77")
    page.fill("#id_password2", "not the same 77")
    submit_main_form(visitor)
    page.wait_for_selector("ul.errorlist")
    visitor.axe()

    # Ana, in Spanish: a change of address waiting, mistakes, a code by email, two-factor pages.
    log_in(ana, email="ana@example.org")
    page = ana.page
    ana.goto(reverse("account_email"))
    page.fill("#id_email", "ana.nueva@example.org")
    page.locator("button[name=action_add]").click()
    page.wait_for_selector("button[name=action_remove]")
    ana.axe()
    page.locator("button[name=action_remove]").click()
    page.wait_for_load_state()
    ana.goto(reverse("account_change_password"))
    page.fill("#id_oldpassword", "not it")
    page.fill("#id_password1", "a fresh passphrase 77")
    page.fill("#id_password2", "another 77")
    submit_main_form(ana)
    page.wait_for_selector("ul.errorlist")
    ana.axe()
    ana.goto(reverse("account_reauthenticate"))
    page.fill("#id_password", "not it")
    submit_main_form(ana)
    page.wait_for_selector("ul.errorlist")
    ana.axe()
    ana.goto(reverse("account_request_reauthentication_code"))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/reauthenticate/code/confirm/**")
    ana.axe()
    ana.goto(reverse("account_reauthenticate"))
    page.fill("#id_password", PASSWORD)
    submit_main_form(ana)
    page.wait_for_load_state()
    ana.goto(reverse("mfa_activate_totp"))
    page.fill("#id_code", "000000")
    submit_main_form(ana)
    page.wait_for_selector("ul.errorlist")
    ana.axe()

    # Rosa, with an authenticator app, behind a fresh password: the pages that change it.
    rosa_user = make_person("rosa@example.org", "Rosa")
    secret = turn_on_authenticator_app(rosa_user)
    rosa = Person(browser.new_context(locale="en-GB"), live_server.url)  # type: ignore[attr-defined]
    log_in_with_code(rosa, email="rosa@example.org", secret=secret)
    rosa.goto(reverse("mfa_reauthenticate"))
    rosa.axe()
    rosa.goto(reverse("account_reauthenticate"))
    rosa.page.fill("#id_password", PASSWORD)
    submit_main_form(rosa)
    rosa.page.wait_for_load_state()
    for name in ("mfa_index", "mfa_view_recovery_codes", "mfa_generate_recovery_codes"):
        rosa.goto(reverse(name))
        rosa.axe()
    rosa.goto(reverse("mfa_deactivate_totp"))
    rosa.axe()
    rosa.close()
    assert len(visitor.checked) >= 4
    assert len(ana.checked) >= 6
