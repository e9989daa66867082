"""Turn a couple report's access decision into what the template shows.

When the report is not open, the context holds nothing about the partner but their name, so
the pages of the "not shared yet" cases are the same, byte for byte. When it is open, the
wording and the map come from :mod:`twofold.reports`, which never sees item-level answers'
meaning beyond the scores, and never anything about safety.
"""

from __future__ import annotations

from typing import Any

from twofold.core.couples import couple_of
from twofold.reports import couple_report, support_resources
from twofold.web.accounts.models import User
from twofold.web.couples.selectors import CoupleReportAccess
from twofold.web.instrument import current_instrument


def couple_report_context(access: CoupleReportAccess, *, viewer: User) -> dict[str, Any]:
    context: dict[str, Any] = {
        "state": access.state,
        "membership": access.membership,
        "partner_name": access.partner.name if access.partner else "",
    }
    if access.state == "me_safety":
        # Only the person who gave the safety answer ever reaches this state.
        context["resources"] = support_resources(viewer.language)
    if access.state != "open" or access.my_answers is None or access.partner_answers is None:
        return context
    assert access.partner is not None
    instrument = current_instrument()
    if access.me_is_a:
        me, partner, couple = couple_of(instrument, access.my_answers, access.partner_answers)
    else:
        partner, me, couple = couple_of(instrument, access.partner_answers, access.my_answers)
    context["report"] = couple_report(
        me,
        partner,
        couple,
        viewer.language,
        me_is_a=access.me_is_a,
        my_name=viewer.name,
        partner_name=access.partner.name,
    )
    return context
