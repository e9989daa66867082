"""Turn a couple report's access decision into what the template shows.

When the report is not open, the context holds nothing about the partner but their name, so
the pages of the "not shared yet" cases are the same, byte for byte.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from twofold.core.couples import couple_of
from twofold.web.accounts.models import User
from twofold.web.couples.selectors import CoupleReportAccess
from twofold.web.instrument import current_instrument

# Plain names of the couple patterns (model §4), shown until the reports package words them.
PATTERN_NAMES = {
    "interdependent_pair": _("Interdependent pair: you lean on each other and stand on your own"),
    "pursue_withdraw": _(
        "Pursue and withdraw: one of you reaches for closeness, the other for room"
    ),
    "fused": _("Fused: closeness that costs each of you some of yourself"),
    "parallel_lives": _("Parallel lives: two selves, with little bond between them"),
    "one_sided": _("One-sided: one of you leans more than the other"),
    "mixed": _("Mixed: no single pattern stands out"),
}


def _text(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()))


def couple_report_context(access: CoupleReportAccess, *, viewer: User) -> dict[str, Any]:
    context: dict[str, Any] = {
        "state": access.state,
        "membership": access.membership,
        "partner_name": access.partner.name if access.partner else "",
    }
    if access.state != "open" or access.my_answers is None or access.partner_answers is None:
        return context
    instrument = current_instrument()
    lang = viewer.language
    if access.me_is_a:
        me, partner, couple = couple_of(instrument, access.my_answers, access.partner_answers)
        mine, theirs = 0, 1
    else:
        partner, me, couple = couple_of(instrument, access.partner_answers, access.my_answers)
        mine, theirs = 1, 0
    regions = (
        {r.id: _text(r.label, lang) for r in instrument.regions.regions}
        if instrument.regions
        else {}
    )
    axes = [instrument.regions.x, instrument.regions.y] if instrument.regions else []
    understanding = []
    for facet, pair in couple.understanding.items():
        understanding.append(
            {
                "label": instrument.label(facet, lang),
                "i_see": pair[mine],
                "they_see": pair[theirs],
            }
        )
    context.update(
        {
            "pattern_name": PATTERN_NAMES.get(couple.pattern or "", ""),
            "me": me,
            "partner": partner,
            "couple": couple,
            "my_region": regions.get(me.region or "", ""),
            "partner_region": regions.get(partner.region or "", ""),
            "axes": [
                {
                    "label": instrument.label(a, lang),
                    "mine": me.scores.get(a),
                    "theirs": partner.scores.get(a),
                }
                for a in axes
            ],
            "understanding": understanding,
        }
    )
    return context
