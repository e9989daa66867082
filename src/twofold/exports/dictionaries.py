"""An instrument as a REDCap data dictionary, a FHIR R4 Questionnaire or a codebook.

REDCap wants every field name unique across a project, while one Twofold item may sit in
several forms (the check-in repeats self-form items). So an item's field name is its id
(lowercased, as REDCap requires) in the first form that holds it, and ``<form>_<id>`` in every
later form; :func:`redcap_fields` is that mapping, used both to write and to read back.

The Questionnaire is built with ``fhir.resources`` (R4 models live in ``fhir.resources.R4B``),
which validates every element; each answer's ``ordinalValue`` is the value it scores as, so it
runs high-to-low on reverse-keyed items.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from twofold.core import Instrument
from twofold.core.instrument import Form, localized
from twofold.errors import UserError

__all__ = [
    "REDCAP_COLUMNS",
    "codebook_rows",
    "fhir_questionnaire",
    "forms_of",
    "redcap_dictionary",
    "redcap_fields",
]

REDCAP_COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
_REDCAP_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def forms_of(instrument: Instrument, forms: Sequence[str] | None = None) -> list[Form]:
    """The named forms (all when None); an instrument without forms is one form of all items."""
    if not instrument.forms:
        if forms:
            raise UserError(f"instrument {instrument.id!r} has no forms")
        return [Form(instrument.id, instrument.title, None, instrument.item_ids)]
    if not forms:
        return list(instrument.forms)
    try:
        return [instrument.form(f) for f in forms]
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from None


def redcap_fields(instrument: Instrument) -> dict[tuple[str, str], str]:
    """``(form id, item id) -> REDCap field name`` for every item of every form."""
    names: dict[tuple[str, str], str] = {}
    seen: dict[str, tuple[str, str]] = {"record_id": ("", "record_id")}
    first: set[str] = set()
    for form in forms_of(instrument):
        for item_id in form.items:
            base = item_id.lower()
            name = base if item_id not in first else f"{form.id.lower()}_{base}"
            first.add(item_id)
            if not _REDCAP_NAME.match(name):
                raise UserError(
                    f"item {item_id!r}: {name!r} is not a REDCap field name "
                    "(lowercase letters, digits and _, starting with a letter)"
                )
            if name in seen:
                raise UserError(f"item {item_id!r}: REDCap field name {name!r} is used twice")
            seen[name] = (form.id, item_id)
            names[(form.id, item_id)] = name
    return names


def redcap_dictionary(instrument: Instrument, lang: str, forms: Sequence[str] | None = None) -> str:
    """The REDCap data dictionary as CSV text: ``record_id`` first, one REDCap form per form."""
    chosen = forms_of(instrument, forms)
    fields = redcap_fields(instrument)
    rows: list[dict[str, str]] = []

    def row(**values: str) -> dict[str, str]:
        out = dict.fromkeys(REDCAP_COLUMNS, "")
        out.update({REDCAP_COLUMNS[_KEYS[k]]: v for k, v in values.items()})
        return out

    rows.append(row(name="record_id", form=chosen[0].id.lower(), type="text", label="Record ID"))
    safety = set(instrument.safety.items) if instrument.safety else set()
    for form in chosen:
        for k, item_id in enumerate(form.items):
            item = instrument.item(item_id)
            scale = item.scale
            choices = " | ".join(
                f"{v}, {scale.label(v, lang)}" for v in range(scale.min, scale.max + 1)
            )
            note = f"Twofold {instrument.id} {instrument.version} item {item.id}"
            if item.reverse:
                note += ", reverse-keyed"
            if item_id in safety:
                note += f", safety item (a concern at {instrument.safety.at_or_above} or above)"  # type: ignore[union-attr]
            header = ""
            if k == 0 and form.instructions is not None:
                header = localized(form.instructions, lang).strip()
            rows.append(
                row(
                    name=fields[(form.id, item_id)],
                    form=form.id.lower(),
                    header=header,
                    type="radio",
                    label=item.text_in(lang),
                    choices=choices,
                    annotation=note,
                )
            )
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=REDCAP_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


_KEYS = {
    "name": 0,
    "form": 1,
    "header": 2,
    "type": 3,
    "label": 4,
    "choices": 5,
    "annotation": 17,
}


def fhir_questionnaire(
    instrument: Instrument, lang: str, forms: Sequence[str] | None = None
) -> Any:
    """A validated FHIR R4 ``Questionnaire``: a group per form, a ``choice`` item per item."""
    from fhir.resources.R4B.questionnaire import Questionnaire

    groups = []
    for form in forms_of(instrument, forms):
        children = []
        for item_id in form.items:
            item = instrument.item(item_id)
            scale = item.scale
            options = []
            for v in range(scale.min, scale.max + 1):
                scored = scale.min + scale.max - v if item.reverse else v
                options.append(
                    {
                        "valueCoding": {"code": str(v), "display": scale.label(v, lang)},
                        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": scored}],
                    }
                )
            children.append(
                {
                    "linkId": f"{form.id}.{item.id}",
                    "text": item.text_in(lang),
                    "type": "choice",
                    "answerOption": options,
                }
            )
        group: dict[str, Any] = {
            "linkId": form.id,
            "text": localized(form.label, lang),
            "type": "group",
        }
        if form.instructions is not None:
            text = localized(form.instructions, lang).strip()
            children.insert(
                0, {"linkId": f"{form.id}.instructions", "text": text, "type": "display"}
            )
        group["item"] = children
        groups.append(group)
    try:
        return Questionnaire.model_validate(
            {
                "resourceType": "Questionnaire",
                "id": re.sub(r"[^A-Za-z0-9.-]", "-", f"{instrument.id}-{instrument.version}"),
                "name": re.sub(r"[^A-Za-z0-9_]", "_", instrument.id.upper()),
                "title": localized(instrument.title, lang),
                "version": instrument.version,
                "status": "active",
                "language": lang,
                "item": groups,
            }
        )
    except ValueError as exc:
        raise UserError(
            f"instrument {instrument.id!r}: not a valid Questionnaire ({exc})"
        ) from None


def codebook_rows(
    instrument: Instrument, forms: Sequence[str] | None = None
) -> list[dict[str, str]]:
    """One row per item: id, forms, text per language, scale, sub-facet, keying, response labels."""
    chosen = forms_of(instrument, forms)
    children = {c for s in instrument.scales for c in s.children}
    order: dict[str, list[str]] = {}
    for form in chosen:
        for item_id in form.items:
            order.setdefault(item_id, []).append(form.id)
    rows = []
    for item_id, in_forms in order.items():
        item = instrument.item(item_id)
        holding = [s for s in instrument.scales if item_id in s.items]
        row = {"id": item_id, "forms": "; ".join(in_forms)}
        for lang in instrument.languages:
            row[f"text_{lang}"] = item.text_in(lang)
        row["scale"] = "; ".join(s.id for s in holding if s.id not in children)
        row["sub_facet"] = "; ".join(s.id for s in holding if s.id in children)
        row["keying"] = "reversed" if item.reverse else "forward"
        row["response_scale"] = item.scale.id
        for lang in instrument.languages:
            row[f"response_labels_{lang}"] = "; ".join(
                f"{v} = {item.scale.label(v, lang)}"
                for v in range(item.scale.min, item.scale.max + 1)
            )
        rows.append(row)
    return rows
