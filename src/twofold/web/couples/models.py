"""A couple space: two people, who joined it, whether each shares results, invitations, and who
has seen its shared data.

A person belongs to at most one *active* membership (a database constraint). When either
partner leaves, the space ends for both: every membership turns inactive, and with it every
consent to share, so nothing stays shared after a break-up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Couple(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Membership(models.Model):
    """One person in one couple space. ``slot`` "a" created the space, "b" joined it."""

    class Slot(models.TextChoices):
        A = "a"
        B = "b"

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    slot = models.CharField(max_length=1, choices=Slot.choices)
    active = models.BooleanField(default=True)
    shares_results = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(active=True), name="one_active_couple_per_person"
            ),
            models.UniqueConstraint(fields=["couple", "slot"], name="one_person_per_slot"),
        ]


class Invitation(models.Model):
    """A single-use link to join a couple space; only a hash of its token is stored."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class ViewRecord(models.Model):
    """Someone saw a couple space's shared data: who, when, which space, what.

    Written only when couple-level data was shown (the couple report once it is open), never for
    a page that said "not yet" — see :func:`twofold.web.couples.services.couple_view_record`.
    Entries are never changed or deleted while the space exists; when a viewer deletes their
    account, the entry keeps its place and time and the viewer becomes a pseudonym
    (``viewer_pseudonym``, random, the same for all of that person's entries).
    """

    class What(models.TextChoices):
        COUPLE_REPORT = "couple_report", _("the couple report")
        COUPLE_REPORT_PDF = "couple_report_pdf", _("the couple report, as a PDF")
        # Your practitioner's page about the two of you (what each of you consented to).
        PRACTITIONER = "practitioner", _("your practitioner's page about you")

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    viewer_pseudonym = models.CharField(max_length=40, blank=True)
    what = models.CharField(max_length=30, choices=What.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
