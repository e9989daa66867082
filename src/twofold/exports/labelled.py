"""SPSS ``.sav`` and Stata ``.dta`` files with variable and value labels (pyreadstat).

:func:`write_labelled` turns an Arrow table into a labelled file: dictionary columns (e.g.
``region``) become whole-number codes 1..k with the dictionary's values as value labels,
booleans (flags, ``safety_flag``) become 0/1 labelled no/yes, and ``labels`` gives each column's
variable label. :func:`score_labels` derives those labels from an instrument's scale names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from twofold.core import Instrument
from twofold.core.instrument import localized
from twofold.errors import UserError

__all__ = ["score_labels", "write_labelled"]

_NAME = {
    "sav": (re.compile(r"^[A-Za-z@][A-Za-z0-9_.@#$]{0,63}$"), 256),
    "dta": (re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$"), 80),
}
_YES_NO: dict[int | float, str] = {0: "no", 1: "yes"}


def score_labels(instrument: Instrument, lang: str = "en") -> dict[str, str]:
    """Variable labels for every column :func:`twofold.pipeline.profile_columns` can write."""
    labels: dict[str, str] = {}
    for sid in instrument.score_ids:
        name = instrument.label(sid, lang)
        labels[sid] = name
        labels[f"{sid}_lo"] = f"{name}: lower end of the 95% interval"
        labels[f"{sid}_hi"] = f"{name}: upper end of the 95% interval"
        labels[f"{sid}_pct"] = f"{name}: percentile"
    for scale in instrument.scales:
        labels[f"{scale.id}_n"] = f"{instrument.label(scale.id, lang)}: items answered"
    if instrument.regions is not None:
        labels["region"] = "Region on the balance map"
        for region in instrument.regions.regions:
            labels[f"p_{region.id}"] = f"Probability of region {region.id}"
    for flag in instrument.flags:
        labels[flag.id] = localized(flag.label, lang)
    if instrument.safety is not None:
        labels["safety_flag"] = (
            f"Safety concern: a safety answer at or above {instrument.safety.at_or_above}"
        )
    return labels


def write_labelled(
    table: pa.Table, path: Path, fmt: str, labels: Mapping[str, str] | None = None
) -> None:
    """Write ``table`` to ``path`` as ``fmt`` (``sav`` or ``dta``) with labels."""
    import pyreadstat

    pattern, label_max = _NAME[fmt]
    bad = [n for n in table.schema.names if not pattern.match(n)]
    if bad:
        kind = "SPSS" if fmt == "sav" else "Stata"
        raise UserError(
            f"{path.name}: column name(s) {', '.join(map(repr, bad[:10]))} are not valid {kind} "
            "variable names (letters, digits and _; Stata at most 32 characters); rename them"
        )
    columns: dict[str, Any] = {}
    value_labels: dict[str, dict[int | float, str]] = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_dictionary(field.type):
            column = column.combine_chunks()
            categories = column.dictionary.to_pylist()
            codes = column.indices.to_numpy(zero_copy_only=False)
            valid = column.is_valid().to_numpy(zero_copy_only=False)
            columns[field.name] = [
                float(c) + 1 if v else None for c, v in zip(codes, valid, strict=True)
            ]
            value_labels[field.name] = {i + 1: str(c) for i, c in enumerate(categories)}
        elif pa.types.is_boolean(field.type):
            columns[field.name] = [None if v is None else float(v) for v in column.to_pylist()]
            value_labels[field.name] = dict(_YES_NO)
        elif pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            columns[field.name] = ["" if v is None else v for v in column.to_pylist()]
        else:
            columns[field.name] = column.to_numpy(zero_copy_only=False)
    import pandas as pd

    frame = pd.DataFrame(columns)
    for name in value_labels:
        frame[name] = frame[name].astype("float64")
    column_labels: list[str | None] = [
        _cut((labels or {}).get(n, ""), label_max) for n in table.schema.names
    ]
    try:
        if fmt == "sav":
            pyreadstat.write_sav(
                frame, path, column_labels=column_labels, variable_value_labels=value_labels
            )
        else:
            pyreadstat.write_dta(
                frame, path, column_labels=column_labels, variable_value_labels=value_labels
            )
    except Exception as exc:  # pyreadstat raises its own and ValueError types for bad data
        raise UserError(f"{path.name}: cannot write this table as .{fmt} ({exc})") from None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
