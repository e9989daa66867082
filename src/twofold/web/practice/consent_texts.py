"""The consent texts a partner reads before a practitioner may see anything, versioned.

A new wording gets a new version (and the old one stays here, so a stored consent can always
be shown with the words that were agreed to). ``CURRENT`` is what new consents are given under.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # django-stubs' type of a lazy text


@dataclass(frozen=True)
class ConsentText:
    version: str
    intro: _StrPromise
    own_results: _StrPromise
    couple_report: _StrPromise
    checkins: _StrPromise
    safety_yes: _StrPromise
    safety_no: _StrPromise
    withdraw: _StrPromise


TEXTS = {
    "2026-12.1": ConsentText(
        version="2026-12.1",
        intro=_(
            "Your practitioner would like to follow your work together in Twofold. You decide, "
            "on your own, what they may see. Your partner decides separately and does not see "
            "your choices."
        ),
        own_results=_("My own results: my scores on each facet and how they change."),
        couple_report=_(
            "Our couple report, but only when both of us have chosen to share it with each other."
        ),
        checkins=_("My check-ins: the short questionnaires between sessions."),
        safety_yes=_(
            "My answers to the safety questions. If I tick this, my practitioner will see them "
            "and may contact me on my own; my partner will never see them."
        ),
        safety_no=_(
            "If you do not tick the safety box, your practitioner will not see your answers to "
            "the safety questions, nor learn whether you gave any."
        ),
        withdraw=_(
            "You can withdraw or change this at any time on your access page; it takes effect "
            "at once."
        ),
    ),
}
CURRENT = TEXTS["2026-12.1"]
