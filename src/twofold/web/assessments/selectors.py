"""Reads about assessments: the current one, its answers, steps, progress and profile.

The full questionnaire and the check-ins are both assessments, told apart by ``kind``; the
selectors a couple report or the front page use ask for the full kind unless told otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db.models import Count, Q

from twofold.core.profiles import PersonProfile, profile_people, profile_person
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Answer, Assessment
from twofold.web.instrument import current_instrument, flow_of

__all__ = [
    "CHECKIN_GAP",
    "SafetyDecision",
    "SafetyState",
    "Step",
    "assessment_answers",
    "assessment_latest_complete",
    "assessment_open",
    "assessment_profile",
    "assessment_profiles",
    "assessment_progress",
    "assessment_steps",
    "checkin_opens_at",
    "checkins_finished",
    "occasions_finished",
    "safety_decision",
]

# At most one check-in a day. A gap of 20 hours rather than 24 lets a person who checks in
# each evening do so a little earlier than the day before; the check-in asks about the past
# week, so answering more often would add little.
CHECKIN_GAP = timedelta(hours=20)

FULL = Assessment.Kind.FULL
CHECKIN = Assessment.Kind.CHECKIN


@dataclass(frozen=True)
class Step:
    """One page of the assessment: some items of a form, the partner-form choice, or review."""

    kind: str  # "items", "partner_choice" or "review"
    form_id: str | None = None
    items: tuple[str, ...] = ()
    page: int = 0  # within the form, from 1
    pages: int = 0  # in the form


def assessment_open(*, user: User, kind: str = FULL) -> Assessment | None:
    return Assessment.objects.filter(user=user, kind=kind, completed_at__isnull=True).first()


def assessment_latest_complete(*, user: User, kind: str = FULL) -> Assessment | None:
    return (
        Assessment.objects.filter(user=user, kind=kind, completed_at__isnull=False)
        .order_by("-completed_at")
        .first()
    )


def checkins_finished(*, user: User) -> list[Assessment]:
    """The person's finished check-ins, oldest first."""
    return list(
        Assessment.objects.filter(user=user, kind=CHECKIN, completed_at__isnull=False).order_by(
            "completed_at", "pk"
        )
    )


def occasions_finished(*, user: User) -> list[Assessment]:
    """Every finished questionnaire and check-in of the person, oldest first."""
    return list(
        Assessment.objects.filter(user=user, completed_at__isnull=False).order_by(
            "completed_at", "pk"
        )
    )


def checkin_opens_at(*, user: User) -> datetime | None:
    """When the person may begin a new check-in; None while they have no finished questionnaire.

    A moment in the past means now. An open check-in is not counted: it can always be resumed.
    """
    full = assessment_latest_complete(user=user)
    if full is None:
        return None
    last = assessment_latest_complete(user=user, kind=CHECKIN)
    if last is None or last.completed_at is None:
        return full.completed_at
    return last.completed_at + CHECKIN_GAP


SafetyState = Literal["concern", "no_concern", "not_answered"]

# "Since the beginning of time", for a person who has not finished a questionnaire yet: the
# decision's query keeps the same shape (and cost) whatever the person has done.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SafetyDecision:
    """What :func:`safety_decision` decided for one person, and the questionnaire it read."""

    state: SafetyState
    latest: Assessment | None  # the latest finished questionnaire, None before the first

    @property
    def concern(self) -> bool:
        return self.state == "concern"

    @property
    def closes_sharing(self) -> bool:
        """Concern and not answered both keep couple sharing and joint practices closed."""
        return self.state != "no_concern"


def safety_decision(*, user: User) -> SafetyDecision:
    """The one rule that decides safety for a person, for every page (model §6, access.md).

    - ``concern``: a safety item answered at or above the instrument's ``at_or_above`` (as
      ``twofold.core.profiles.safety_flags`` applies it) anywhere that still counts: in the
      latest finished questionnaire, or in any questionnaire or check-in answered since it
      (a retake or a check-in, finished or not: an answer counts once it is saved). Before the
      first questionnaire is finished, every saved answer counts.
    - ``not_answered``: no concern, and the latest finished questionnaire lacks an answer to
      at least one safety item (or there is none yet).
    - ``no_concern``: every safety item of the latest questionnaire answered, none positive.

    The work is the same whatever the state: always two queries (the latest questionnaire, then
    one aggregate over the answers), never a short cut, so that neither the pages nor their
    timing tell a partner which state it is (``tests/web/assessments/test_safety.py``). When
    the core gains its own three-state rule (RBI 1.1), this is the one function to switch.
    """
    latest = assessment_latest_complete(user=user)
    rule = current_instrument().safety
    if rule is None:  # a deployment without safety items: the same for everyone
        return SafetyDecision(state="no_concern", latest=latest)
    latest_pk = latest.pk if latest is not None else 0  # no row has id 0
    since = latest.completed_at if latest is not None and latest.completed_at else _EPOCH
    counts = Answer.objects.filter(
        Q(assessment_id=latest_pk) | Q(answered_at__gte=since),
        assessment__user=user,
        item_id__in=rule.items,
    ).aggregate(
        positive=Count("pk", filter=Q(value__gte=rule.at_or_above)),
        answered=Count("item_id", distinct=True, filter=Q(assessment_id=latest_pk)),
    )
    state: SafetyState
    if counts["positive"]:
        state = "concern"
    elif latest is None or counts["answered"] < len(set(rule.items)):
        state = "not_answered"
    else:
        state = "no_concern"
    return SafetyDecision(state=state, latest=latest)


def assessment_answers(*, assessment: Assessment) -> dict[str, int]:
    return dict(assessment.answers.values_list("item_id", "value"))


def forms_in_order(assessment: Assessment) -> list[str]:
    """The assessment's forms in the order of the flow.

    Never the order of ``item_order``'s keys: PostgreSQL's jsonb does not keep key order.
    """
    return [form_id for form_id in flow_of(assessment.kind) if form_id in assessment.item_order]


def included_forms(assessment: Assessment) -> list[str]:
    """The forms this person answers: all of the flow but the partner form unless chosen."""
    return [
        form_id
        for form_id in forms_in_order(assessment)
        if form_id != "partner" or assessment.includes_partner_form
    ]


def assessment_steps(*, assessment: Assessment) -> list[Step]:
    size = settings.TWOFOLD_PAGE_SIZE
    steps: list[Step] = []
    for form_id in forms_in_order(assessment):
        items = assessment.item_order[form_id]
        if form_id == "partner":
            steps.append(Step(kind="partner_choice", form_id="partner"))
            if not assessment.includes_partner_form:
                continue
        pages = max(1, -(-len(items) // size))
        for k in range(pages):
            chunk = tuple(items[k * size : (k + 1) * size])
            steps.append(Step(kind="items", form_id=form_id, items=chunk, page=k + 1, pages=pages))
    steps.append(Step(kind="review"))
    return steps


def assessment_progress(*, assessment: Assessment, answered: int | None = None) -> tuple[int, int]:
    """(answered, total) over the items of the forms this person answers."""
    forms = included_forms(assessment)
    total = sum(len(assessment.item_order[f]) for f in forms)
    if answered is None:
        # Only items of included forms can be stored (services check, and declining the
        # partner form deletes its answers), so counting every answer is exact.
        answered = assessment.answers.count()
    return answered, total


def assessment_profile(*, assessment: Assessment) -> PersonProfile:
    """Score the answers with the core (never here): scores, intervals, region, safety."""
    return profile_person(current_instrument(), assessment_answers(assessment=assessment))


def assessment_profiles(*, assessments: list[Assessment]) -> list[PersonProfile]:
    """:func:`assessment_profile` for many assessments: one query, one vectorised scoring."""
    answers: dict[int, dict[str, int]] = {a.pk: {} for a in assessments}
    for pk, item_id, value in Answer.objects.filter(assessment__in=assessments).values_list(
        "assessment_id", "item_id", "value"
    ):
        answers[pk][item_id] = value
    return profile_people(current_instrument(), [answers[a.pk] for a in assessments])
