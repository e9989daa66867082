"""Everything Twofold holds about one person, as JSON or as CSV tables, for them to download.

What is in it: the account (email addresses, name, language, role, second factors but never
their secrets), each questionnaire with every answer (item text and answer label in the
person's language), the scores of each finished one with their intervals, region and flags —
and the safety answers, which are theirs — (check-ins are questionnaires of the kind
``check-in``, with the same answers and scores), each couple space joined (dates, whether they share,
the partner's name as shown to them), the invitations they made (never the link), the log of who
saw the couple report of their spaces, and what admins changed on their account.

What is never in it: anything of the partner's but the name the partner chose to show, and the
entries of the view log, which are written the same whether or not the partner gave a safety
answer (see :func:`twofold.web.couples.services.couple_view_record`). A person's export is made
from rows that belong to them or to their couple spaces, never from the partner's assessments.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from twofold.core.instrument import Instrument, localized
from twofold.web.accounts.models import User
from twofold.web.assessments.models import Assessment
from twofold.web.assessments.selectors import assessment_profile, forms_in_order
from twofold.web.couples.models import Invitation, Membership, ViewRecord
from twofold.web.instrument import current_instrument

__all__ = ["FORMAT", "personal_data", "personal_data_csv", "personal_data_json"]

FORMAT = "twofold-personal-data/1"

Row = dict[str, Any]


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _account(user: User) -> Row:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "practitioner": user.is_practitioner,
        "staff": user.is_staff,
        "joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "second_factors": [
            {
                "type": a.type,
                "added": _when(a.created_at),
                "last_used": _when(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def _answers(assessment: Assessment, instrument: Instrument, lang: str) -> list[Row]:
    known = set(instrument.item_ids)
    form_of = {
        item_id: form_id
        for form_id in forms_in_order(assessment)
        for item_id in assessment.item_order[form_id]
    }
    rows = []
    for answer in assessment.answers.order_by("answered_at", "pk"):
        item = instrument.item(answer.item_id) if answer.item_id in known else None
        rows.append(
            {
                "form": form_of.get(answer.item_id),
                "item": answer.item_id,
                "item_text": item.text_in(lang) if item else None,
                "answer": answer.value,
                "answer_label": item.scale.label(answer.value, lang) if item else None,
                "answered": _when(answer.answered_at),
            }
        )
    return rows


def _results(assessment: Assessment, instrument: Instrument, lang: str) -> Row | None:
    """What the person's own report is computed from; None while the questionnaire is open."""
    if assessment.completed_at is None:
        return None
    profile = assessment_profile(assessment=assessment)
    regions = {r.id: r for r in instrument.regions.regions} if instrument.regions else {}
    flags = {f.id: f for f in instrument.flags}
    return {
        "scores": [
            {
                "score": score_id,
                "label": instrument.label(score_id, lang),
                "value": _round(value),
                "interval_95_low": _round(profile.intervals[score_id][0])
                if score_id in profile.intervals
                else None,
                "interval_95_high": _round(profile.intervals[score_id][1])
                if score_id in profile.intervals
                else None,
                "items_answered": profile.answered.get(score_id),
                "items": profile.n_items.get(score_id),
            }
            for score_id, value in profile.scores.items()
        ],
        "region": profile.region,
        "region_label": localized(regions[profile.region].label, lang)
        if profile.region in regions
        else None,
        "region_probabilities": [
            {
                "region": region_id,
                "label": localized(regions[region_id].label, lang)
                if region_id in regions
                else None,
                "probability": _round(p),
            }
            for region_id, p in profile.region_probabilities.items()
        ],
        "flags": [
            {
                "flag": flag_id,
                "label": localized(flags[flag_id].label, lang) if flag_id in flags else None,
                "raised": raised,
            }
            for flag_id, raised in profile.flags.items()
        ],
        # Theirs to see: a positive answer here showed them support resources, and kept the
        # couple report closed without telling the partner why.
        "safety_answer_positive": profile.safety,
    }


def _assessments(user: User) -> list[Row]:
    instrument = current_instrument()
    lang = user.language
    return [
        {
            "assessment": n,
            "kind": "check-in" if a.kind == Assessment.Kind.CHECKIN else "questionnaire",
            "instrument": a.instrument_id,
            "instrument_version": a.instrument_version,
            "started": _when(a.started_at),
            "finished": _when(a.completed_at),
            "includes_view_of_partner": a.includes_partner_form,
            "answers": _answers(a, instrument, lang),
            "results": _results(a, instrument, lang),
        }
        for n, a in enumerate(Assessment.objects.filter(user=user).order_by("started_at", "pk"), 1)
    ]


def _couple_spaces(user: User) -> list[Row]:
    rows = []
    for m in Membership.objects.filter(user=user).select_related("couple").order_by("joined_at"):
        partner = (
            Membership.objects.filter(couple_id=m.couple_id)
            .exclude(user=user)
            .select_related("user")
            .first()
        )
        rows.append(
            {
                "space": m.couple_id,
                "how": "created it" if m.slot == Membership.Slot.A else "joined it",
                "joined": _when(m.joined_at),
                "ended": _when(m.couple.ended_at),
                "active": m.active and m.couple.ended_at is None,
                "you_share_your_results": m.shares_results,
                "partner_name": partner.user.name if partner else None,
            }
        )
    return rows


def _invitations(user: User) -> list[Row]:
    return [
        {
            "space": i.couple_id,
            "made": _when(i.created_at),
            "expires": _when(i.expires_at),
            "used": _when(i.used_at),
            "withdrawn": _when(i.revoked_at),
        }
        for i in Invitation.objects.filter(created_by=user).order_by("created_at")
    ]


def _views(user: User) -> list[Row]:
    spaces = Membership.objects.filter(user=user).values("couple_id")
    rows = []
    for record in (
        ViewRecord.objects.filter(couple_id__in=spaces).select_related("viewer").order_by("at")
    ):
        if record.viewer_id == user.pk:
            who = "you"
        elif record.viewer is not None:
            who = record.viewer.name
        else:
            who = f"a deleted account ({record.viewer_pseudonym})"
        with translation.override("en"):  # the download is in English throughout
            what = str(record.get_what_display())
        rows.append({"space": record.couple_id, "seen": _when(record.at), "by": who, "what": what})
    return rows


def _admin_changes(user: User) -> list[Row]:
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).order_by("action_time")
    return [
        {
            "when": _when(e.action_time),
            "action": {1: "added", 2: "changed", 3: "deleted"}.get(e.action_flag, "other"),
            "what": e.get_change_message(),
        }
        for e in entries
    ]


def personal_data(*, user: User) -> Row:
    """Everything held about ``user``, as plain data (dates in ISO 8601, UTC)."""
    return {
        "format": FORMAT,
        "exported": _when(timezone.now()),
        "account": _account(user),
        "questionnaires": _assessments(user),
        "couple_spaces": _couple_spaces(user),
        "invitations_you_made": _invitations(user),
        "couple_report_views": _views(user),
        "admin_changes_to_your_account": _admin_changes(user),
    }


def personal_data_json(data: Row) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _table(rows: Iterable[Row], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
    return out.getvalue()


_README = """Your data from Twofold ({exported}), as tables (UTF-8 CSV, one header row each).

account.csv                 your account: each field and its value
answers.csv                 every answer you gave, with the item and the answer in words
scores.csv                  the scores of each finished questionnaire, with 95% intervals
regions.csv                 how likely each region of the balance map is, per questionnaire
questionnaires.csv          when each questionnaire or check-in began and ended, its region,
                            your safety answer
couple_spaces.csv           the couple spaces you were in, and whether you shared your results
invitations.csv             the invitation links you made (not the links themselves)
couple_report_views.csv     who saw the couple report of your couple spaces, and when
admin_changes.csv           what an admin changed on your account

The same data as one file: the JSON download on your settings page.
"""


def personal_data_csv(data: Row) -> bytes:
    """The same data as a zip of CSV tables, with a README saying what each holds."""
    account = data["account"]
    account_rows = [{"field": k, "value": v} for k, v in account.items() if not isinstance(v, list)]
    account_rows += [
        {"field": "email_address", "value": f"{e['email']} (verified: {e['verified']})"}
        for e in account["email_addresses"]
    ]
    account_rows += [
        {"field": "second_factor", "value": f"{f['type']} (added {f['added']})"}
        for f in account["second_factors"]
    ]
    answers, scores, regions, questionnaires = [], [], [], []
    for q in data["questionnaires"]:
        n = q["assessment"]
        answers += [{"questionnaire": n, **a} for a in q["answers"]]
        results = q["results"] or {}
        scores += [{"questionnaire": n, **s} for s in results.get("scores", [])]
        regions += [{"questionnaire": n, **r} for r in results.get("region_probabilities", [])]
        questionnaires.append(
            {
                **{k: v for k, v in q.items() if not isinstance(v, list | dict)},
                "questionnaire": n,
                "region": results.get("region"),
                "region_label": results.get("region_label"),
                "safety_answer_positive": results.get("safety_answer_positive"),
            }
        )
    tables = {
        "account.csv": _table(account_rows, ["field", "value"]),
        "answers.csv": _table(
            answers,
            ["questionnaire", "form", "item", "item_text", "answer", "answer_label", "answered"],
        ),
        "scores.csv": _table(
            scores,
            [
                "questionnaire",
                "score",
                "label",
                "value",
                "interval_95_low",
                "interval_95_high",
                "items_answered",
                "items",
            ],
        ),
        "regions.csv": _table(regions, ["questionnaire", "region", "label", "probability"]),
        "questionnaires.csv": _table(
            questionnaires,
            [
                "questionnaire",
                "kind",
                "instrument",
                "instrument_version",
                "started",
                "finished",
                "includes_view_of_partner",
                "region",
                "region_label",
                "safety_answer_positive",
            ],
        ),
        "couple_spaces.csv": _table(
            data["couple_spaces"],
            ["space", "how", "joined", "ended", "active", "you_share_your_results", "partner_name"],
        ),
        "invitations.csv": _table(
            data["invitations_you_made"], ["space", "made", "expires", "used", "withdrawn"]
        ),
        "couple_report_views.csv": _table(
            data["couple_report_views"], ["space", "seen", "by", "what"]
        ),
        "admin_changes.csv": _table(
            data["admin_changes_to_your_account"], ["when", "action", "what"]
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _README.format(exported=data["exported"]))
        for name, text in tables.items():
            archive.writestr(name, text)
    return buffer.getvalue()
