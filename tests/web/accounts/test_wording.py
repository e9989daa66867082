"""Every account and two-factor page, and every email allauth sends here, speaks in our words.

Each page is reached the way a person reaches it (the real views, forms and flows), in English
and in Spanish, with and without errors. Each must show a sentence of ours in that language, and
no sentence of allauth's own catalogue — its English msgids nor its Spanish (which says "usted"
where we say "tú") — may show anywhere in it. allauth's sentences are read from its installed
catalogue, so a page that falls back to allauth's template, or an error allauth words itself,
fails here, whatever allauth's version says.
"""

from __future__ import annotations

import gettext as gettext_module
import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pyotp
import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.core import mail
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.web.conftest import PASSWORD, client_for, make_person, turn_on_authenticator_app
from twofold.web.accounts.models import User

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "es")
TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "twofold" / "web" / "templates"
ALLAUTH_MO = Path(allauth.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "django.mo"
INVALID_EMAIL = "This does not look like an email address. Check it for typing mistakes."
MISMATCH = "The two passwords are not the same. Type the new one twice, exactly alike."
WRONG_APP_CODE = (
    "That code does not work. Check the app shows the right account and try a fresh code."
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{\w*\}")


def _allauth_sentences() -> set[str]:
    """Every run of three or more words in allauth's catalogue, English and Spanish."""
    with ALLAUTH_MO.open("rb") as f:
        catalog: dict[object, str] = gettext_module.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    texts = [key[0] if isinstance(key, tuple) else key for key in catalog] + list(catalog.values())
    runs = set()
    for text in texts:
        if not isinstance(text, str) or not text:
            continue
        for piece in PLACEHOLDER.split(re.sub(r"<[^>]+>", " ", text)):
            piece = " ".join(piece.split()).strip(" .,:;!?¡¿()")
            if len(piece.split()) >= 3:
                runs.add(piece)
    return runs


# Names of things, not sentences, that our Spanish shares with allauth's.
SHARED_TERMS = {"Aplicación de autenticación", "Códigos de recuperación"}
ALLAUTH = _allauth_sentences() - SHARED_TERMS


class _Text(HTMLParser):
    """What a person reads or hears: text nodes and the attributes read aloud or shown."""

    SHOWN = ("placeholder", "title", "aria-label", "alt", "value")

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        hidden = ("type", "hidden") in attrs
        for name, value in attrs:
            if not value or name not in self.SHOWN:
                continue
            if name == "value" and (hidden or tag not in ("button", "input")):
                continue  # a hidden field's value is not read; an input's value is
            self.pieces.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.pieces.append(data)


def readable(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(piece.split()) for piece in parser.pieces]


def leaks(pieces: list[str]) -> list[str]:
    return sorted({run for piece in pieces for run in ALLAUTH if run in piece})


def in_language(msgid: str, language: str, **values: object) -> str:
    """One of our interface texts (a whole msgid) as the page shows it in that language."""
    with translation.override(language):
        said = translation.gettext(msgid)
    assert language == "en" or said != msgid, f"no Spanish for {msgid!r}"
    return said % values if values else said


def check(html: str, msgid: str, language: str, **values: object) -> None:
    """No sentence of allauth's in the page, and this one of ours, in the page's language."""
    pieces = readable(html)
    assert leaks(pieces) == [], leaks(pieces)
    text = " ".join(pieces)
    assert in_language(msgid, language, **values) in text, (msgid, language, text[:3000])


def person(language: str, email: str = "ana@example.org") -> User:
    return make_person(email, "Ana", language=language)


def anonymous(language: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def confirm_password(client: Client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    cache.clear()  # a code is accepted once, and failed logins are counted
    return str(request.param)


def test_allauths_catalogue_is_read() -> None:
    # The check below means something only if allauth's sentences were found.
    assert "The email address and/or password you specified are not correct" in ALLAUTH
    assert len(ALLAUTH) > 200


def test_the_pages_of_a_visitor_are_ours(language: str) -> None:
    client = anonymous(language)
    pages = {
        "account_login": "Welcome back. Use the email address and password you signed up with.",
        "account_signup": "Create your account",
        "account_reset_password": "Send me the link",
        "account_reset_password_done": (
            "If an account uses that address, a link to choose a new password is on its way. "
            "It works once."
        ),
        "account_reset_password_from_key_done": "Your new password is saved",
        "account_email_verification_sent": (
            "Nothing there after a few minutes? Look in your spam or junk folder. "
            "The link works for three days."
        ),
        "account_inactive": "This account is switched off",
    }
    for name, phrase in pages.items():
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        check(response.content.decode(), phrase, language)
    bad_key = client.get(reverse("account_confirm_email", args=["not-a-key"]))
    check(
        bad_key.content.decode(),
        "This link does not work any more: it may be too old, or already used.",
        language,
    )
    bad_token = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "set-password"}),
        follow=True,
    )
    check(
        bad_token.content.decode(),
        "A link to choose a new password works once, and only for a while. Ask for a fresh one.",
        language,
    )


def test_forms_with_mistakes_say_what_is_wrong_in_our_words(language: str) -> None:
    person(language)
    client = anonymous(language)
    login = client.post(reverse("account_login"), {"login": "ana@example.org", "password": "no"})
    check(
        login.content.decode(),
        "That email address and password do not go together. Check both and try again.",
        language,
    )
    empty = client.post(reverse("account_login"), {"login": "", "password": ""})
    check(empty.content.decode(), "Please fill this in.", language)
    signup = client.post(
        reverse("account_signup"),
        {"email": "not an address", "password1": "x7#long enough", "password2": "different"},
    )
    html = signup.content.decode()
    check(html, INVALID_EMAIL, language)
    check(html, MISMATCH, language)
    assert 'aria-describedby="id_password2_error"' in html
    assert 'aria-invalid="true"' in html
    reset = client.post(reverse("account_reset_password"), {"email": "nope"})
    check(reset.content.decode(), INVALID_EMAIL, language)


def test_confirming_an_email_address_and_choosing_a_new_password_are_ours(language: str) -> None:
    user = User.objects.create_user("new@example.org", PASSWORD, language=language)
    address = EmailAddress.objects.create(user=user, email="new@example.org", primary=True)
    client = anonymous(language)
    key = EmailConfirmationHMAC(address).key
    page = client.get(reverse("account_confirm_email", args=[key]))
    check(page.content.decode(), "Yes, this is my address", language)

    token = default_token_generator.make_token(user)
    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    form = client.get(url, follow=True)
    check(form.content.decode(), "Choose a new password", language)
    mismatch = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else url,
        {"password1": "a fresh passphrase 77", "password2": "another one 77"},
    )
    check(mismatch.content.decode(), MISMATCH, language)


@pytest.mark.django_db(transaction=True)
def test_the_pages_of_a_signed_in_person_are_ours(language: str) -> None:
    ana = person(language)
    client = client_for(ana)
    for name, phrase in {
        "account_logout": (
            "Log out of Twofold on this device? Everything you have answered is saved; "
            "log in again whenever you like."
        ),
        "account_email": "Change my email address",
        "account_change_password": "Save the new password",
        "account_reauthenticate": (
            "This step protects your account, so we ask for your password once more."
        ),
        "account_request_reauthentication_code": (
            "This step protects your account. Instead of your password, we can email you a code."
        ),
        "mfa_index": "Set up an authenticator app",
    }.items():
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        check(response.content.decode(), phrase, language)

    wrong = client.post(reverse("account_reauthenticate"), {"password": "not it"})
    check(wrong.content.decode(), "That password is not right. Try again.", language)
    change = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not it", "password1": "a fresh passphrase 77", "password2": "other 77"},
    )
    check(
        change.content.decode(),
        "That is not your current password. Type the one you log in with now.",
        language,
    )
    check(change.content.decode(), MISMATCH, language)
    same = client.post(reverse("account_email"), {"action_add": "", "email": "ana@example.org"})
    check(same.content.decode(), "This is already your email address.", language)

    # Asking to change the address: the page then shows the change waiting, and a message.
    asked = client.post(
        reverse("account_email"), {"action_add": "", "email": "ana.new@example.org"}, follow=True
    )
    check(asked.content.decode(), "Keep my current address", language)
    check(
        asked.content.decode(),
        "We have sent a link to %(email)s. Open it to confirm the address.",
        language,
        email="ana.new@example.org",
    )

    kept = client.post(
        reverse("account_email"),
        {"action_remove": "", "email": "ana.new@example.org"},
        follow=True,
    )
    check(
        kept.content.decode(),
        "%(email)s is no longer on your account.",
        language,
        email="ana.new@example.org",
    )

    # A code by email instead of the password.
    sent = client.post(
        reverse("account_request_reauthentication_code"),
        {"recipient": "ana@example.org"},
        follow=True,
    )
    check(sent.content.decode(), "Type the code we emailed you", language)
    bad_code = client.post(reverse("account_confirm_reauthentication_code"), {"code": "000000"})
    check(bad_code.content.decode(), "That code does not work. Check it and try again.", language)

    confirm_password(client)
    activate = client.get(reverse("mfa_activate_totp"))
    check(activate.content.decode(), "In the app, add an account and scan this QR code:", language)
    wrong_code = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    check(wrong_code.content.decode(), WRONG_APP_CODE, language)
    secret = re.search(
        r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', activate.content.decode()
    )
    assert secret
    on = client.post(
        reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret.group(1)).now()}, follow=True
    )
    check(on.content.decode(), "Codes not used yet", language)
    check(on.content.decode(), "Two-factor authentication is on.", language)

    blocked = client.post(
        reverse("account_email"), {"action_add": "", "email": "ana.new@example.org"}
    )
    check(
        blocked.content.decode(),
        "While two-factor authentication is on, a new email address cannot be added. Turn it "
        "off first, or keep your current address.",
        language,
    )

    logout = client.post(reverse("account_logout"), follow=True)
    check(logout.content.decode(), "You are logged out. See you soon.", language)


# allauth says some things once the change is committed: these need real commits.
@pytest.mark.django_db(transaction=True)
def test_the_pages_of_a_person_with_an_authenticator_app_are_ours(language: str) -> None:
    rosa = person(language, "rosa@example.org")
    secret = turn_on_authenticator_app(rosa)
    client = anonymous(language)
    client.post(reverse("account_login"), {"login": "rosa@example.org", "password": PASSWORD})
    ask = client.get(reverse("mfa_authenticate"))
    check(ask.content.decode(), "One more step: your code", language)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    check(wrong.content.decode(), WRONG_APP_CODE, language)
    done = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()}, follow=True)
    check(done.content.decode(), "You are logged in.", language)

    check(
        client.get(reverse("mfa_index")).content.decode(),
        "Codes still unused: %(left)s of %(total)s. Each one lets you log in once without your "
        "phone.",
        language,
        left=10,
        total=10,
    )
    check(
        client.get(reverse("mfa_reauthenticate")).content.decode(),
        "This step protects your account. Type the code your authenticator app shows now, or one "
        "of your recovery codes.",
        language,
    )
    confirm_password(client)
    for name, phrase in {
        "mfa_view_recovery_codes": "Codes not used yet",
        "mfa_generate_recovery_codes": "The codes you have now stop working.",
        "mfa_deactivate_totp": (
            "Logging in will then ask for your password only, and your recovery codes stop "
            "working. You can set it up again at any time."
        ),
    }.items():
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        check(response.content.decode(), phrase, language)
    download = client.get(reverse("mfa_download_recovery_codes"))
    check(
        download.content.decode(),
        "Twofold recovery codes. Each one lets you log in once, without your phone. Keep them safe.",
        language,
    )
    made = client.post(reverse("mfa_generate_recovery_codes"), follow=True)
    check(
        made.content.decode(),
        "Your new recovery codes are ready. The old ones no longer work.",
        language,
    )
    off = client.post(reverse("mfa_deactivate_totp"), follow=True)
    check(off.content.decode(), "Two-factor authentication is off.", language)


def test_the_page_for_too_many_requests_is_ours(language: str) -> None:
    from allauth.core.internal.ratelimit import handler429
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/accounts/login/")
    request.user = AnonymousUser()
    with translation.override(language):
        response = handler429(request)
    assert response.status_code == 429
    check(response.content.decode(), "Too many tries in a short time", language)


@pytest.mark.parametrize(
    "template",
    sorted(
        str(path.relative_to(TEMPLATES))
        for folder in ("account/messages", "mfa/messages")
        for path in (TEMPLATES / folder).glob("*.txt")
    ),
)
def test_every_message_of_ours_renders_without_allauths_words(template: str) -> None:
    for language in LANGUAGES:
        with translation.override(language):
            text = render_to_string(
                template, {"email": "ana@example.org", "recipient": "ana@example.org"}
            ).strip()
        assert text, template
        assert leaks([text]) == [], (template, language)


def test_every_email_allauth_sends_here_is_ours(language: str) -> None:
    person(language)
    client = anonymous(language)
    sends = {
        "Someone, probably you, has just created a Twofold account with this email address. To "
        "confirm that the address is yours, open this link:": lambda: client.post(
            reverse("account_signup"),
            {
                "email": "new@example.org",
                "language": language,
                "password1": "a fresh passphrase 77",
                "password2": "a fresh passphrase 77",
            },
        ),
        "Someone, probably you, tried to create a Twofold account with this email address. An "
        "account with this address already exists, so no new one was made.": lambda: anonymous(
            language
        ).post(
            reverse("account_signup"),
            {
                "email": "ana@example.org",
                "language": language,
                "password1": "a fresh passphrase 77",
                "password2": "a fresh passphrase 77",
            },
        ),
        "Someone, probably you, asked to choose a new password for the Twofold account of this "
        "email address. To choose one, open this link:": lambda: client.post(
            reverse("account_reset_password"), {"email": "ana@example.org"}
        ),
        "Someone, probably you, asked Twofold for a new password or a code for this email address. "
        "No Twofold account uses this address, so there is nothing to change.": lambda: client.post(
            reverse("account_reset_password"), {"email": "nobody@example.org"}
        ),
    }
    ana_client = client_for(User.objects.get(email="ana@example.org"))
    sends[
        "Someone, probably you, asked to use this email address for a Twofold account. To confirm "
        "that the address is yours, open this link:"
    ] = lambda: ana_client.post(
        reverse("account_email"), {"action_add": "", "email": "ana.new@example.org"}
    )
    sends["Here is the code you asked for. Type it on the Twofold page that is waiting for it:"] = (
        lambda: ana_client.post(
            reverse("account_request_reauthentication_code"), {"recipient": "ana@example.org"}
        )
    )
    for phrase, send in sends.items():
        before = len(mail.outbox)
        send()
        sent = mail.outbox[before:]
        assert len(sent) == 1, (phrase, [m.subject for m in sent])
        message = sent[0]
        assert message.subject.startswith("[Twofold] ")
        pieces = [message.subject, *str(message.body).splitlines()]
        assert leaks(pieces) == [], (phrase, leaks(pieces))
        assert in_language(phrase, language) in " ".join(" ".join(pieces).split()), (
            phrase,
            message.body,
        )
