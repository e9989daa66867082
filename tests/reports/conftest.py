"""A small instrument with the RBI's ids, and helpers to answer it as a chosen person would.

Until the real RBI lands on main the reports are developed against this instrument: the same
facet, sub-facet, composite, region, flag, outcome and partner-perception ids, three items per
sub-facet (one reverse-keyed), provisional norms. Tests that should hold for any instrument the
reports support also run on the bundled RBI once it exists (``instrument`` fixture).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
import yaml

from twofold.core import Instrument, bundled_instruments, load_instrument, parse_instrument

FACETS = {
    "HD": ["hd_disclosure", "hd_limits", "hd_influence", "hd_turning"],
    "UD": [
        "ud_silencing",
        "ud_needs",
        "ud_reassurance",
        "ud_responsibility",
    ],
    "HI": ["hi_pursuits", "hi_selfrespect", "hi_equal", "hi_freedom"],
    "UI": [
        "ui_alone",
        "ui_guarded",
        "ui_resisting",
        "ui_engulfment",
    ],
}
OUTCOMES = ["autonomy_need", "relatedness_need", "accommodation", "satisfaction"]
SUBFACETS = [s for subs in FACETS.values() for s in subs]


def _text(en: str, es: str | None = None) -> dict[str, str]:
    return {"en": en, "es": es or f"{en} (es)"}


def _items(prefix: str, n: int, *, reverse_last: bool = True) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for k in range(1, n + 1):
        item: dict[str, object] = {"id": f"{prefix}_{k}", "text": _text(f"Item {prefix} {k}.")}
        if reverse_last and k == n:
            item["reverse"] = True
        items.append(item)
    return items


def instrument_spec() -> dict[str, object]:
    items: list[dict[str, object]] = []
    scales: list[dict[str, object]] = []
    norms: dict[str, dict[str, float]] = {}
    for facet, subs in FACETS.items():
        for sub in subs:
            items += _items(sub, 3)
            scales.append(
                {
                    "id": sub,
                    "label": _text(sub.replace("_", " ").capitalize()),
                    "items": [f"{sub}_{k}" for k in (1, 2, 3)],
                }
            )
            norms[sub] = {"mean": 4.0, "sd": 1.1, "reliability": 0.6}
        scales.append({"id": facet, "label": _text(f"Facet {facet}"), "scales": subs})
        norms[facet] = {"mean": 4.0, "sd": 1.0, "reliability": 0.85}
    for facet in FACETS:
        prefix = f"{facet.lower()}_partner"
        items += _items(prefix, 2, reverse_last=False)
        scales.append(
            {
                "id": f"{facet}_partner",
                "label": _text(f"Partner's {facet} as I see it"),
                "items": [f"{prefix}_1", f"{prefix}_2"],
                "perceives": facet,
            }
        )
        norms[f"{facet}_partner"] = {"mean": 4.0, "sd": 1.1, "reliability": 0.75}
    for outcome in OUTCOMES:
        items += _items(outcome, 3)
        scales.append(
            {
                "id": outcome,
                "label": _text(outcome.replace("_", " ").capitalize()),
                "items": [f"{outcome}_{k}" for k in (1, 2, 3)],
            }
        )
        norms[outcome] = {"mean": 4.5, "sd": 1.1, "reliability": 0.8}
    items += [
        {
            "id": "safe_1",
            "text": _text("I have felt afraid of my partner."),
            "response_scale": "often4",
        },
        {"id": "safe_2", "text": _text("My partner has hurt me."), "response_scale": "often4"},
    ]
    norms["connection"] = {"mean": 4.5, "sd": 0.8, "reliability": 0.88}
    norms["autonomy"] = {"mean": 4.5, "sd": 0.8, "reliability": 0.88}
    anchors = {
        1: _text("Strongly disagree", "Muy en desacuerdo"),
        4: _text("Neither agree nor disagree", "Ni de acuerdo ni en desacuerdo"),
        7: _text("Strongly agree", "Muy de acuerdo"),
    }
    return {
        "id": "rbi-test",
        "version": "0.0-test",
        "title": _text("Test inventory", "Inventario de prueba"),
        "languages": ["en", "es"],
        "response_scales": {
            "agree7": {"min": 1, "max": 7, "anchors": anchors},
            "often4": {"min": 0, "max": 3},
        },
        "default_response_scale": "agree7",
        "items": items,
        "scales": scales,
        "composites": [
            {
                "id": "connection",
                "label": _text("Connection", "Conexión"),
                "mean_of": ["HD", "-UI"],
            },
            {"id": "autonomy", "label": _text("Autonomy", "Autonomía"), "mean_of": ["HI", "-UD"]},
        ],
        "forms": [
            {
                "id": "self",
                "label": _text("About you"),
                "items": [f"{s}_{k}" for s in SUBFACETS for k in (1, 2, 3)],
            },
            {
                "id": "partner",
                "label": _text("About your partner"),
                "items": [f"{f.lower()}_partner_{k}" for f in FACETS for k in (1, 2)],
            },
            {
                "id": "outcomes",
                "label": _text("Outcomes"),
                "items": [f"{o}_{k}" for o in OUTCOMES for k in (1, 2, 3)],
            },
            {"id": "safety", "label": _text("Safety"), "items": ["safe_1", "safe_2"]},
        ],
        "profile": list(FACETS),
        "norms": {"provisional": True, "note": "Test values.", "scores": norms},
        "regions": {
            "x": "autonomy",
            "y": "connection",
            "cuts": {"autonomy": 4, "connection": 4},
            "regions": [
                {
                    "id": "interdependent",
                    "label": _text("Interdependent", "Interdependiente"),
                    "when": {"autonomy": "high", "connection": "high"},
                },
                {
                    "id": "over_dependent",
                    "label": _text("Over-dependent", "Demasiado dependiente"),
                    "when": {"autonomy": "low", "connection": "high"},
                },
                {
                    "id": "over_independent",
                    "label": _text("Over-independent", "Demasiado independiente"),
                    "when": {"autonomy": "high", "connection": "low"},
                },
                {
                    "id": "disconnected",
                    "label": _text("Disconnected", "Desconectado"),
                    "when": {"autonomy": "low", "connection": "low"},
                },
            ],
        },
        "flags": [
            {
                "id": "ud_elevated",
                "label": _text("UD elevated"),
                "score": "UD",
                "at_or_above": 5,
                "counts_as": "over_dependent",
            },
            {
                "id": "ui_elevated",
                "label": _text("UI elevated"),
                "score": "UI",
                "at_or_above": 5,
                "counts_as": "over_independent",
            },
        ],
        "safety": {
            "items": ["safe_1", "safe_2"],
            "at_or_above": 1,
            "triggers": ["show_support_resources", "withhold_couple_sharing"],
        },
    }


def make_test_instrument() -> Instrument:
    return parse_instrument(
        yaml.safe_dump(instrument_spec(), allow_unicode=True), source="rbi-test"
    )


@pytest.fixture(scope="session")
def rbi_test() -> Instrument:
    return make_test_instrument()


def _instruments() -> list[str]:
    return ["rbi-test", *(["rbi"] if "rbi" in bundled_instruments() else [])]


@pytest.fixture(scope="session", params=_instruments())
def instrument(request: pytest.FixtureRequest) -> Instrument:
    """The test instrument, and the bundled RBI once it exists."""
    if request.param == "rbi-test":
        return make_test_instrument()
    return load_instrument("rbi")


Answers = Callable[..., dict[str, int | None]]


@pytest.fixture(scope="session")
def answers() -> Answers:
    """``answers(instrument, {"HD": 6}, ...)``: see :func:`make_answers`."""
    return make_answers


def make_answers(
    instrument: Instrument,
    scores: Mapping[str, int] | None = None,
    *,
    default: int = 4,
    views: Mapping[str, int] | None = None,
    outcomes: int | None = None,
    safety: bool = False,
    skip: tuple[str, ...] = (),
) -> dict[str, int | None]:
    """Answers that give each named facet or sub-facet the keyed score asked for.

    ``scores`` maps facet or sub-facet ids to a whole number on the scale (a facet sets all its
    sub-facets); unnamed ones get ``default``. ``views`` sets partner-perception scales by the
    facet they perceive (unanswered otherwise); ``outcomes`` sets every outcome scale;
    ``safety`` answers every safety item at the concern threshold (else at its lowest answer);
    sub-facets in ``skip`` are left unanswered.
    """
    scores = dict(scores or {})
    scales = {s.id: s for s in instrument.scales}
    target: dict[str, int] = {}
    facets = list(instrument.profile)
    for facet in facets:
        for sub in scales[facet].children:
            target[sub] = scores.get(sub, scores.get(facet, default))
    out: dict[str, int | None] = {}

    def fill(scale_id: str, value: int) -> None:
        for item_id, sign in scales[scale_id].keys:
            rs = instrument.item(item_id).scale
            out[item_id] = value if sign > 0 else rs.min + rs.max - value

    for sub, value in target.items():
        if sub not in skip:
            fill(sub, value)
    for s in instrument.scales:
        if s.perceives is not None and views is not None and s.perceives in views:
            fill(s.id, views[s.perceives])
    if outcomes is not None:
        # outcome scales: neither facets, views of the partner, check-ins of facet items, nor safety
        taken = {item for f in facets for item in scales[f].items}
        if instrument.safety is not None:
            taken |= set(instrument.safety.items)
        for s in instrument.scales:
            outcome = s.perceives is None and not s.children and not set(s.items) & taken
            if outcome and s.id not in target:
                fill(s.id, outcomes)
    if instrument.safety is not None:
        rule = instrument.safety
        for item_id in rule.items:
            out[item_id] = rule.at_or_above if safety else instrument.item(item_id).scale.min
    return out
