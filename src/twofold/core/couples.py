"""Couple results from two partners' profiles (model §4).

For each couple: the pattern named from both partners' map regions and elevated flags; the
distance between their points on the balance map; how similar their profiles are; and, where
each also rated the other, *understanding*: the partner-perception score minus the other's
self-report, facet by facet (0 = sees the partner as the partner sees themself; positive =
sees more of it than the partner reports).

Pattern rules, checked in this order (the first that holds names the couple):

1. ``pursue_withdraw`` - one seeks reassurance (the :data:`PURSUIT` sub-facet at or above the
   threshold of the flag that counts as over-dependent) and the other leans independent
   (over-independent region, or a flag that counts as over-independent, e.g. UI elevated).
   An elevated UD alone is not pursuit: pursuing is asking for proof of closeness;
2. ``fused`` - both over-dependent;
3. ``parallel_lives`` - both over-independent;
4. ``interdependent_pair`` - both interdependent;
5. ``both_disconnected`` - both disconnected;
6. ``one_sided`` - one interdependent, the other over-dependent;
7. ``mixed`` - anything else.

Pursue-withdraw comes first because reassurance seeking against a partner who keeps their
distance matters even when the region, an average of two facets, hides it. No pattern (-1)
when either region is missing or withheld for response style (:mod:`.response_style`).

Similarity is *distinctive*: each partner's profile is centred on the norm means before the
Pearson correlation, so two people are not "similar" merely for being typical (every profile
correlates with the average one). Without norms it is not computed (NaN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from twofold.core.instrument import Instrument
from twofold.core.profiles import PersonProfile, Profiles, answer_row, profile
from twofold.core.responses import Responses

__all__ = [
    "PATTERNS",
    "CoupleError",
    "CoupleResults",
    "CoupleView",
    "couple_of",
    "couples",
    "pair_rows",
]

PATTERNS = (
    "interdependent_pair",
    "pursue_withdraw",
    "fused",
    "parallel_lives",
    "both_disconnected",
    "one_sided",
    "mixed",
)
_REGIONS = ("interdependent", "over_dependent", "over_independent", "disconnected")
# The sub-facet whose elevation makes a partner the pursuing one.
PURSUIT = "ud_reassurance"


class CoupleError(ValueError):
    """Couple ids that do not pair people two by two."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) with couple ids:\n{lines}")


@dataclass(frozen=True)
class CoupleResults:
    """One entry per couple, in order of first appearance. Partner ``a`` is the earlier row.

    ``pattern`` indexes :data:`PATTERNS` (-1 when a region is missing or the instrument has no
    map). ``understanding[k, 0]`` is a's view of b minus b's self-report on facet
    ``understanding_ids[k]``; ``understanding[k, 1]`` is b's view of a minus a's.
    """

    couple_ids: NDArray[np.generic]
    row_a: NDArray[np.intp]
    row_b: NDArray[np.intp]
    pattern: NDArray[np.int8]
    distance: NDArray[np.float64]
    similarity: NDArray[np.float64]
    profile_ids: tuple[str, ...]
    understanding_ids: tuple[str, ...]
    understanding: NDArray[np.float64]

    @property
    def n_couples(self) -> int:
        return len(self.couple_ids)

    def pattern_names(self) -> list[str | None]:
        return [PATTERNS[p] if p >= 0 else None for p in self.pattern.tolist()]

    def couple(self, k: int) -> CoupleView:
        """Couple ``k``'s results as plain Python values (None where missing)."""
        pattern = int(self.pattern[k])
        return CoupleView(
            pattern=PATTERNS[pattern] if pattern >= 0 else None,
            distance=_opt(self.distance[k]),
            similarity=_opt(self.similarity[k]),
            understanding={
                facet: (_opt(self.understanding[j, 0, k]), _opt(self.understanding[j, 1, k]))
                for j, facet in enumerate(self.understanding_ids)
            },
        )


@dataclass(frozen=True)
class CoupleView:
    """One couple. ``understanding[facet] = (a's view of b - b's self, b's view of a - a's self)``."""

    pattern: str | None
    distance: float | None
    similarity: float | None
    understanding: dict[str, tuple[float | None, float | None]]


def _opt(value: np.floating[Any]) -> float | None:
    v = float(value)
    return None if np.isnan(v) else v


def couple_of(
    instrument: Instrument,
    answers_a: Mapping[str, int | None],
    answers_b: Mapping[str, int | None],
) -> tuple[PersonProfile, PersonProfile, CoupleView]:
    """Profile two partners from ``{item_id: answer}`` dicts and compute their couple results."""
    rows = [answer_row(instrument, answers_a), answer_row(instrument, answers_b)]
    profiles = profile(instrument, Responses.from_array(instrument, np.array(rows)))
    result = couples(profiles, np.array(["a", "a"]))
    return profiles.person(0), profiles.person(1), result.couple(0)


def pair_rows(
    couple_ids: NDArray[np.generic],
) -> tuple[NDArray[np.generic], NDArray[np.intp], NDArray[np.intp]]:
    """Group row indices two by two by couple id; raise :class:`CoupleError` otherwise."""
    ids = np.asarray(couple_ids)
    if ids.dtype.kind == "f" and np.isnan(ids).any():
        rows = np.flatnonzero(np.isnan(ids))[:5] + 1
        raise CoupleError([f"rows {', '.join(map(str, rows))}: the couple id is empty"])
    if ids.dtype == object and any(v is None or v == "" for v in ids):
        empty = [i + 1 for i, v in enumerate(ids) if v is None or v == ""][:5]
        raise CoupleError([f"rows {', '.join(map(str, empty))}: the couple id is empty"])
    uniq, first, inverse, counts = np.unique(
        ids, return_index=True, return_inverse=True, return_counts=True
    )
    bad = np.flatnonzero(counts != 2)
    if bad.size:
        problems = []
        for k in bad[:20]:
            rows = np.flatnonzero(inverse == k) + 1
            shown = ", ".join(map(str, rows[:5])) + (" ..." if rows.size > 5 else "")
            who = "one person" if counts[k] == 1 else f"{counts[k]} people"
            problems.append(f"couple {uniq[k]!r} has {who} (rows {shown}); a couple has two")
        if bad.size > 20:
            problems.append(f"... and {bad.size - 20} more couples")
        raise CoupleError(problems)
    order = np.argsort(inverse, kind="stable")
    row_a = order[0::2]
    row_b = order[1::2]
    appearance = np.argsort(first, kind="stable")
    return uniq[appearance], row_a[appearance], row_b[appearance]


def _pearson_rows(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pearson r between matching rows of two (n, k) arrays; NaN when a profile is flat."""
    ac = a - a.mean(axis=1, keepdims=True)
    bc = b - b.mean(axis=1, keepdims=True)
    num = (ac * bc).sum(axis=1)
    den = np.sqrt((ac * ac).sum(axis=1) * (bc * bc).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = num / den
    r[den == 0] = np.nan
    out: NDArray[np.float64] = r
    return out


def couples(profiles: Profiles, couple_ids: NDArray[np.generic]) -> CoupleResults:
    """Compute couple results for people paired by ``couple_ids`` (one id per profile row).

    Examples
    --------
    >>> ids = np.array(["c1", "c1"])
    >>> # results = couples(profile(rbi, responses), ids); results.pattern_names()
    """
    if len(couple_ids) != profiles.n_people:
        raise ValueError(f"couple_ids has {len(couple_ids)} entries for {profiles.n_people} people")
    inst = profiles.instrument
    uniq, ra, rb = pair_rows(np.asarray(couple_ids))
    scores = profiles.scores

    pattern = np.full(len(uniq), -1, dtype=np.int8)
    distance = np.full(len(uniq), np.nan)
    regions = inst.regions
    if regions is not None:
        x, y = scores[regions.x], scores[regions.y]
        distance = np.hypot(x[ra] - x[rb], y[ra] - y[rb])
        if set(_REGIONS) <= set(profiles.region_ids):
            pattern = _patterns(profiles, ra, rb)

    profile_ids = tuple(inst.profile)
    similarity = np.full(len(uniq), np.nan)
    norms = [inst.norm(sid) for sid in profile_ids]
    if len(profile_ids) >= 3 and all(nm is not None for nm in norms):
        centres = np.array([nm.mean for nm in norms if nm is not None])
        mat = np.stack([scores[sid] for sid in profile_ids], axis=1) - centres
        similarity = _pearson_rows(mat[ra], mat[rb])

    perceived = [
        (s.id, s.perceives)
        for s in inst.scales
        if s.perceives is not None and s.perceives in scores.score_ids
    ]
    understanding = np.full((len(perceived), 2, len(uniq)), np.nan)
    for k, (view, target) in enumerate(perceived):
        v, t = scores[view], scores[target]
        understanding[k, 0] = v[ra] - t[rb]
        understanding[k, 1] = v[rb] - t[ra]
    return CoupleResults(
        couple_ids=uniq,
        row_a=ra,
        row_b=rb,
        pattern=pattern,
        distance=distance,
        similarity=similarity,
        profile_ids=profile_ids,
        understanding_ids=tuple(t for _, t in perceived),
        understanding=understanding,
    )


def _patterns(profiles: Profiles, ra: NDArray[np.intp], rb: NDArray[np.intp]) -> NDArray[np.int8]:
    ids = profiles.region_ids
    region = profiles.region
    inter, dep, ind, disc = (ids.index(r) for r in _REGIONS)
    lean_dep = np.zeros(len(region), dtype=bool)
    lean_ind = region == ind
    scores = profiles.scores
    for k, flag in enumerate(profiles.instrument.flags):
        if flag.counts_as == "over_dependent" and PURSUIT in scores.score_ids:
            lean_dep = lean_dep | (scores[PURSUIT] >= flag.at_or_above)
        elif flag.counts_as == "over_independent":
            lean_ind = lean_ind | (profiles.flags[k] == 1)
    a, b = region[ra], region[rb]
    out = np.full(len(ra), PATTERNS.index("mixed"), dtype=np.int8)
    rules = [
        ("pursue_withdraw", (lean_dep[ra] & lean_ind[rb]) | (lean_ind[ra] & lean_dep[rb])),
        ("fused", (a == dep) & (b == dep)),
        ("parallel_lives", (a == ind) & (b == ind)),
        ("interdependent_pair", (a == inter) & (b == inter)),
        ("both_disconnected", (a == disc) & (b == disc)),
        ("one_sided", ((a == inter) & (b == dep)) | ((a == dep) & (b == inter))),
    ]
    decided = np.zeros(len(ra), dtype=bool)
    for name, hit in rules:
        take = hit & ~decided
        out[take] = PATTERNS.index(name)
        decided |= take
    out[(a < 0) | (b < 0)] = -1
    return out
