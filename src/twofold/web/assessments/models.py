"""An assessment: one person's answers to one instrument, in an order drawn for that person.

Two kinds share the machinery: the full questionnaire, and the short check-in a person may take
again and again afterwards (the instrument's ``checkin`` form and the safety items). A check-in
is never part of the couple report: selectors that feed it ask for the full kind only.

Answers are stored one row per item as they are given, so a closed tab loses nothing and the
person can go on from any device. Scores are never stored: the core computes them from the
answers whenever a report is shown, so a corrected scoring rule applies everywhere at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Assessment(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", "full questionnaire"
        CHECKIN = "checkin", "check-in"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FULL)
    instrument_id = models.CharField(max_length=100)
    instrument_version = models.CharField(max_length=50)
    # {form_id: [item ids in the order this person sees them]}; drawn once, then stable.
    item_order = models.JSONField()
    # None until the person decides whether to describe their partner too.
    includes_partner_form = models.BooleanField(null=True, default=None)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(completed_at__isnull=True),
                name="one_open_assessment_of_each_kind_per_person",
            )
        ]

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=100)
    value = models.SmallIntegerField()
    answered_at = models.DateTimeField(default=timezone.now)
    # Counts the changes to this answer; a page sends the next number with each choice, so a
    # choice that arrives after a later one is recognised and ignored (services.answer_save).
    seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item_id"], name="one_answer_per_item")
        ]
