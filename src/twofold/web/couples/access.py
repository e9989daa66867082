"""Who may act on a couple space: only its two active members, and only on their own space.

No couple URL carries an id: every view acts on the signed-in person's own active membership,
so one couple's data cannot be reached by changing a number in a link.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from twofold.web.accounts.access import signed_in_user
from twofold.web.couples.models import Membership
from twofold.web.couples.selectors import membership_active


def member_of_a_couple(request: HttpRequest) -> Membership:
    """The signed-in person's active membership; 403 for anyone not in a couple space."""
    membership = membership_active(user=signed_in_user(request))
    if membership is None:
        raise PermissionDenied
    return membership
