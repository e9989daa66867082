"""An assessment: one person's answers to one instrument, in an order drawn for that person.

Answers are stored one row per item as they are given, so a closed tab loses nothing and the
person can go on from any device. Scores are never stored: the core computes them from the
answers whenever a report is shown, so a corrected scoring rule applies everywhere at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Assessment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
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
                fields=["user"],
                condition=models.Q(completed_at__isnull=True),
                name="one_open_assessment_per_person",
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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item_id"], name="one_answer_per_item")
        ]
