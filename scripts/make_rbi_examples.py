"""Write the RBI example couple (package data) and the test couples from facet-level designs.

Each person is designed at the level of sub-facets: an integer from 2 to 6 per sub-facet saying
how much they agree with what the sub-facet describes. The three items of a sub-facet get that
value plus 0, +1 and -1 (so the sub-facet mean is the design value); a reverse-keyed item is
written as the answer that reverses to it (``8 - value``). Partner-perception items take one
value per sub-facet, outcomes one value per scale (again 0, +1, -1 across its items), and every
safety item is answered 1 ("Never").

Usage::

    .venv/bin/python scripts/make_rbi_examples.py

Writes ``src/twofold/data/example_couple.csv`` and ``tests/fixtures/rbi_couples.csv``. The
tests check that every couple in the fixture gets its intended pattern.
"""

from __future__ import annotations

import csv
from pathlib import Path

from twofold.core import Instrument, load_instrument

ROOT = Path(__file__).resolve().parents[1]
FACETS = ("HD", "UD", "HI", "UI")
OFFSETS = (0, 1, -1)

Person = dict[str, object]


def person(
    name: str,
    facets: dict[str, list[int]],
    *,
    sees: dict[str, list[int]],
    outcomes: dict[str, int],
) -> Person:
    return {"name": name, "facets": facets, "sees": sees, "outcomes": outcomes}


def answers(inst: Instrument, p: Person) -> dict[str, int]:
    out: dict[str, int] = {}
    facets: dict[str, list[int]] = p["facets"]  # type: ignore[assignment]
    sees: dict[str, list[int]] = p["sees"]  # type: ignore[assignment]
    outcomes: dict[str, int] = p["outcomes"]  # type: ignore[assignment]

    def put(item_id: str, value: int) -> None:
        item = inst.item(item_id)
        if not item.scale.min <= value <= item.scale.max:
            raise ValueError(f"{p['name']}: {item_id} = {value} is outside the scale")
        out[item_id] = item.scale.min + item.scale.max - value if item.reverse else value

    for code in FACETS:
        for sub_id, level in zip(inst.scale(code).children, facets[code], strict=True):
            for item_id, offset in zip(inst.scale(sub_id).items, OFFSETS, strict=True):
                put(item_id, level + offset)
        for item_id, level in zip(inst.scale(f"{code}_partner").items, sees[code], strict=True):
            put(item_id, level)
    for scale_id, level in outcomes.items():
        for item_id, offset in zip(inst.scale(scale_id).items, OFFSETS, strict=True):
            put(item_id, level + offset)
    assert inst.safety is not None
    for item_id in inst.safety.items:
        out[item_id] = 1
    return out


# Designs: facet -> four sub-facet levels, in the order of the facet's sub-facets.
INTERDEPENDENT = {"HD": [6, 6, 5, 6], "UD": [3, 2, 3, 2], "HI": [6, 5, 6, 6], "UI": [2, 3, 2, 2]}
OVER_DEPENDENT = {"HD": [6, 6, 5, 6], "UD": [6, 5, 5, 6], "HI": [4, 3, 4, 3], "UI": [2, 2, 3, 2]}
OVER_INDEPENDENT = {"HD": [3, 3, 4, 2], "UD": [2, 2, 2, 3], "HI": [6, 6, 5, 6], "UI": [5, 6, 5, 5]}
DISCONNECTED = {"HD": [3, 3, 3, 3], "UD": [5, 4, 4, 5], "HI": [3, 3, 4, 3], "UI": [4, 5, 5, 4]}
# Interdependent on the map, yet one unhealthy facet at or above "Somewhat agree" (5).
INTER_UD_HIGH = {"HD": [6, 6, 6, 6], "UD": [5, 5, 5, 5], "HI": [6, 6, 6, 6], "UI": [2, 2, 2, 2]}
INTER_UI_HIGH = {"HD": [6, 6, 6, 6], "UD": [2, 2, 2, 2], "HI": [6, 6, 6, 6], "UI": [5, 5, 5, 5]}
CONTENT = {"autonomy_need": 6, "relatedness_need": 6, "accommodation": 5, "satisfaction": 6}
STRAINED = {"autonomy_need": 3, "relatedness_need": 4, "accommodation": 4, "satisfaction": 4}


def like(design: dict[str, list[int]]) -> dict[str, list[int]]:
    """A partner seen as they see themselves."""
    return {k: list(v) for k, v in design.items()}


COUPLES: list[tuple[str, str, Person, Person]] = [
    (
        "c1",
        "interdependent_pair",
        person("Ana", INTERDEPENDENT, sees=like(INTERDEPENDENT), outcomes=CONTENT),
        person("Ben", INTERDEPENDENT, sees=like(INTERDEPENDENT), outcomes=CONTENT),
    ),
    (
        "c2",
        "pursue_withdraw",
        person("Cleo", OVER_DEPENDENT, sees=like(OVER_INDEPENDENT), outcomes=STRAINED),
        person("Dev", OVER_INDEPENDENT, sees=like(OVER_DEPENDENT), outcomes=STRAINED),
    ),
    (
        "c3",
        "fused",
        person("Eli", OVER_DEPENDENT, sees=like(OVER_DEPENDENT), outcomes=STRAINED),
        person("Fay", OVER_DEPENDENT, sees=like(OVER_DEPENDENT), outcomes=STRAINED),
    ),
    (
        "c4",
        "parallel_lives",
        person("Gus", OVER_INDEPENDENT, sees=like(OVER_INDEPENDENT), outcomes=STRAINED),
        person("Hana", OVER_INDEPENDENT, sees=like(OVER_INDEPENDENT), outcomes=STRAINED),
    ),
    (
        "c5",
        "one_sided",
        person("Ivo", INTERDEPENDENT, sees=like(OVER_DEPENDENT), outcomes=CONTENT),
        person("Jude", OVER_DEPENDENT, sees=like(INTERDEPENDENT), outcomes=STRAINED),
    ),
    (
        "c6",
        "mixed",
        person("Kai", INTERDEPENDENT, sees=like(DISCONNECTED), outcomes=CONTENT),
        person("Lia", DISCONNECTED, sees=like(INTERDEPENDENT), outcomes=STRAINED),
    ),
    (
        "c7",
        "pursue_withdraw",
        person("Mo", INTER_UD_HIGH, sees=like(INTER_UI_HIGH), outcomes=CONTENT),
        person("Nia", INTER_UI_HIGH, sees=like(INTER_UD_HIGH), outcomes=CONTENT),
    ),
]

# The demo couple: Maya leans into the bond, Daniel guards his independence; each sees the
# other a little more extreme than they see themselves.
MAYA = person(
    "Maya",
    OVER_DEPENDENT,
    sees={"HD": [2, 3, 3, 2], "UD": [2, 2, 2, 2], "HI": [6, 6, 6, 6], "UI": [6, 6, 6, 6]},
    outcomes={"autonomy_need": 3, "relatedness_need": 3, "accommodation": 5, "satisfaction": 4},
)
DANIEL = person(
    "Daniel",
    OVER_INDEPENDENT,
    sees={"HD": [6, 6, 6, 6], "UD": [6, 6, 6, 5], "HI": [3, 3, 3, 3], "UI": [2, 2, 2, 2]},
    outcomes={"autonomy_need": 6, "relatedness_need": 3, "accommodation": 4, "satisfaction": 4},
)


def write(path: Path, inst: Instrument, rows: list[dict[str, object]], lead: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*lead, *inst.item_ids], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} people to {path.relative_to(ROOT)}")


def main() -> None:
    inst = load_instrument("rbi")
    example = [
        {"couple": "demo", "person": "a", "name": MAYA["name"], **answers(inst, MAYA)},
        {"couple": "demo", "person": "b", "name": DANIEL["name"], **answers(inst, DANIEL)},
    ]
    write(ROOT / "src/twofold/data/example_couple.csv", inst, example, ["couple", "person", "name"])
    rows: list[dict[str, object]] = []
    for couple, intended, a, b in COUPLES:
        for tag, p in (("a", a), ("b", b)):
            rows.append(
                {
                    "couple": couple,
                    "person": f"{couple}{tag}",
                    "name": p["name"],
                    "intended_pattern": intended,
                    **answers(inst, p),
                }
            )
    write(
        ROOT / "tests/fixtures/rbi_couples.csv",
        inst,
        rows,
        ["couple", "person", "name", "intended_pattern"],
    )


if __name__ == "__main__":
    main()
