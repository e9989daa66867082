"""Individual profiles: intervals, map regions and their probabilities, flags, safety.

Model §3, §6 and §7.

A score alone says little; a profile says how sure it is. With ``SD`` and ``reliability`` from
the instrument's norms, ``SEM = SD * sqrt(1 - reliability)`` and the 95% interval is
``score ± 1.96 * SEM``, kept within the possible range of the score. On each map axis, ``P(true score above cut) = Φ((score - cut) / SEM)``;
a region's probability is the product over the two axes. The region itself is named from the
point estimate (above the cut is "high"); the probabilities say how firmly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from twofold.core.instrument import Instrument
from twofold.core.response_style import ResponseStyle, StyleLimits, response_style
from twofold.core.responses import Responses
from twofold.core.scoring import BlockScorer, Impute, ScoreTable, run_blocked

__all__ = [
    "SAFETY_CONCERN",
    "SAFETY_NOT_ANSWERED",
    "SAFETY_NO_CONCERN",
    "Z95",
    "PersonProfile",
    "Profiles",
    "SafetyStatus",
    "answer_row",
    "percentile_rank",
    "profile",
    "profile_people",
    "profile_person",
    "safety_flags",
    "safety_states",
    "safety_status",
]

Z95 = 1.959963984540054

SafetyStatus = Literal["concern", "no_concern", "not_answered"]
# Codes of the tri-state safety arrays (int8): a concern, no concern, not answered.
SAFETY_CONCERN, SAFETY_NO_CONCERN, SAFETY_NOT_ANSWERED = 1, 0, -1
_STATUS: dict[int, SafetyStatus] = {1: "concern", 0: "no_concern", -1: "not_answered"}


@dataclass(frozen=True)
class Profiles:
    """Everything a report or an export says about each person.

    ``lower``/``upper`` rows follow ``interval_ids`` (the scores that have norms). ``region`` holds
    an index into ``region_ids`` or -1 when an axis score is missing; ``region_prob`` rows follow
    ``region_ids``. ``flags[k]`` is 1, 0, or -1 when the flagged score is missing.
    """

    scores: ScoreTable
    interval_ids: tuple[str, ...]
    sem: NDArray[np.float64]
    lower: NDArray[np.float32]
    upper: NDArray[np.float32]
    region_ids: tuple[str, ...]
    region: NDArray[np.int8]
    region_prob: NDArray[np.float64]
    cuts: dict[str, tuple[float, str]]
    flag_ids: tuple[str, ...]
    flags: NDArray[np.int8]
    safety: NDArray[np.bool_] | None
    percentile_ids: tuple[str, ...]
    percentiles: NDArray[np.float64]
    # Tri-state codes (SAFETY_CONCERN / _NO_CONCERN / _NOT_ANSWERED); None without a rule or
    # without such items. ``safety`` above stays "a concern" (True) for older callers.
    safety_state: NDArray[np.int8] | None = None
    own_behaviour_state: NDArray[np.int8] | None = None
    danger_sign_state: NDArray[np.int8] | None = None
    style: ResponseStyle | None = None

    @property
    def instrument(self) -> Instrument:
        return self.scores.instrument

    @property
    def n_people(self) -> int:
        return self.scores.n_people

    def interval(self, score_id: str) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        k = self.interval_ids.index(score_id)
        return self.lower[k], self.upper[k]

    def region_names(self) -> list[str | None]:
        return [self.region_ids[r] if r >= 0 else None for r in self.region.tolist()]

    def flag(self, flag_id: str) -> NDArray[np.int8]:
        row: NDArray[np.int8] = self.flags[self.flag_ids.index(flag_id)]
        return row

    def person(self, i: int) -> PersonProfile:
        """One person's results as plain Python values (None where missing)."""
        scores = self.scores
        values = {sid: _opt(scores.values[k, i]) for k, sid in enumerate(scores.score_ids)}
        return PersonProfile(
            instrument=self.instrument,
            scores=values,
            answered={
                s.id: int(scores.answered[k, i]) for k, s in enumerate(self.instrument.scales)
            },
            n_items={s.id: scores.n_items[k] for k, s in enumerate(self.instrument.scales)},
            sem={sid: float(self.sem[k]) for k, sid in enumerate(self.interval_ids)},
            intervals={
                sid: (float(self.lower[k, i]), float(self.upper[k, i]))
                for k, sid in enumerate(self.interval_ids)
                if values[sid] is not None
            },
            region=self.region_ids[self.region[i]] if self.region[i] >= 0 else None,
            region_probabilities={
                rid: float(self.region_prob[k, i])
                for k, rid in enumerate(self.region_ids)
                if self.region[i] >= 0
            },
            cuts=dict(self.cuts),
            flags={
                fid: None if self.flags[k, i] < 0 else bool(self.flags[k, i])
                for k, fid in enumerate(self.flag_ids)
            },
            safety=None if self.safety is None else bool(self.safety[i]),
            percentiles={
                sid: float(self.percentiles[k, i])
                for k, sid in enumerate(self.percentile_ids)
                if values[sid] is not None
            },
            safety_status=_status(self.safety_state, i),
            own_behaviour_status=_status(self.own_behaviour_state, i),
            danger_sign_status=_status(self.danger_sign_state, i),
            response_style=self.style_reasons(i),
        )

    def style_reasons(self, i: int) -> tuple[str, ...]:
        """Why person ``i``'s flags and region are withheld: ``"acquiescence"``,
        ``"straight_lining"``, both, or none (see :mod:`twofold.core.response_style`)."""
        if self.style is None:
            return ()
        reasons = []
        if self.style.acquiescent[i]:
            reasons.append("acquiescence")
        if self.style.straight_lined[i]:
            reasons.append("straight_lining")
        return tuple(reasons)


@dataclass(frozen=True)
class PersonProfile:
    """One person's scores and their interpretation, for reports and the web app.

    ``scores`` maps every score id to its value or None; ``intervals`` (95%) and ``sem`` exist for
    normed scores; ``region_probabilities`` is empty when the region is unknown.
    """

    instrument: Instrument = field(repr=False)
    scores: dict[str, float | None]
    answered: dict[str, int]
    n_items: dict[str, int]
    sem: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    region: str | None
    region_probabilities: dict[str, float]
    cuts: dict[str, tuple[float, str]]
    flags: dict[str, bool | None]
    safety: bool | None
    percentiles: dict[str, float]
    response_style: tuple[str, ...] = ()
    #: "concern", "no_concern" or "not_answered" (None: the instrument has no safety rule).
    #: ``safety`` is True only for "concern", so "not answered" is False there: use this.
    safety_status: SafetyStatus | None = None
    #: The same for the item about one's own frightening or forceful behaviour.
    own_behaviour_status: SafetyStatus | None = None
    #: The optional danger-sign follow-up: "concern" when any danger sign is present.
    danger_sign_status: SafetyStatus | None = None

    @property
    def safety_concern(self) -> bool:
        """Any concern (about the partner or one's own behaviour): support resources apply."""
        return "concern" in (self.safety_status, self.own_behaviour_status)

    @property
    def sharing_allowed(self) -> bool:
        """Couple sharing opens only on an answered screen with no concern of either kind."""
        if self.safety_status is None:
            return not self.safety
        return self.safety_status == "no_concern" and self.own_behaviour_status in (
            None,
            "no_concern",
        )


def _status(codes: NDArray[np.int8] | None, i: int) -> SafetyStatus | None:
    return None if codes is None else _STATUS[int(codes[i])]


def _opt(value: np.floating[Any]) -> float | None:
    v = float(value)
    return None if np.isnan(v) else v


def answer_row(instrument: Instrument, answers: Mapping[str, int | None]) -> list[float]:
    """The answers in the instrument's item order, NaN where unanswered; unknown ids raise."""
    unknown = sorted(set(answers) - set(instrument.item_ids))
    if unknown:
        raise ValueError(f"answers name unknown item(s): {', '.join(unknown[:10])}")
    row = []
    for item_id in instrument.item_ids:
        value = answers.get(item_id)
        row.append(np.nan if value is None else float(value))
    return row


def profile_person(instrument: Instrument, answers: Mapping[str, int | None]) -> PersonProfile:
    """Profile one person from ``{item_id: answer}``; items not given count as unanswered.

    Answers are validated like a file's: an unknown item id or an answer outside the item's
    range raises ``ValueError`` naming the item.
    """
    return profile_people(instrument, [answers])[0]


def profile_people(
    instrument: Instrument, answers: Sequence[Mapping[str, int | None]]
) -> list[PersonProfile]:
    """Profile several people (or one person's several occasions) in one vectorised pass;
    each ``{item_id: answer}`` as in :func:`profile_person`."""
    if not answers:
        return []
    rows = np.array([answer_row(instrument, a) for a in answers])
    profiles = profile(instrument, Responses.from_array(instrument, rows))
    return [profiles.person(i) for i in range(len(answers))]


def safety_states(
    item_ids: Sequence[str], at_or_above: int, responses: Responses
) -> NDArray[np.int8]:
    """Tri-state per person over ``item_ids``: 1 any answer at or above ``at_or_above``
    (a concern, whatever else is skipped), 0 every item answered below it, -1 otherwise
    (not answered: skipping is not safety)."""
    hit = np.zeros(responses.n_people, dtype=bool)
    complete = np.ones(responses.n_people, dtype=bool)
    for item_id in item_ids:
        j = responses.position(item_id)
        hit |= responses.answered[j] & (responses.values[j] >= at_or_above)
        complete &= responses.answered[j]
    out = np.full(responses.n_people, SAFETY_NOT_ANSWERED, dtype=np.int8)
    out[complete] = SAFETY_NO_CONCERN
    out[hit] = SAFETY_CONCERN
    return out


def safety_status(
    instrument: Instrument, responses: Responses
) -> tuple[NDArray[np.int8] | None, NDArray[np.int8] | None, NDArray[np.int8] | None]:
    """Tri-state codes for the screen, the own-behaviour item(s) and the danger signs.

    Each is None when the instrument (or the form set scored) has no such items. The danger
    signs are a follow-up asked only after a positive answer, so "not answered" there is normal.
    """
    rule = instrument.safety
    if rule is None:
        return None, None, None
    have = set(instrument.item_ids)

    def of(ids: tuple[str, ...]) -> NDArray[np.int8] | None:
        ids = tuple(i for i in ids if i in have)
        return safety_states(ids, rule.at_or_above, responses) if ids else None

    return of(rule.items), of(rule.own_behaviour), of(rule.danger_signs)


def safety_flags(instrument: Instrument, responses: Responses) -> NDArray[np.bool_] | None:
    """True for each person who gave any safety item (the screen or the own-behaviour item) an
    answer at or above the rule's value. False also covers "not answered": see
    :func:`safety_status` for the tri-state."""
    if instrument.safety is None:
        return None
    hit = np.zeros(responses.n_people, dtype=bool)
    threshold = instrument.safety.at_or_above
    have = set(instrument.item_ids)
    for item_id in instrument.safety.items + instrument.safety.own_behaviour:
        if item_id not in have:
            continue
        j = responses.position(item_id)
        hit |= responses.answered[j] & (responses.values[j] >= threshold)
    return hit


def percentile_rank(
    values: NDArray[np.float64], table: tuple[tuple[float, float], ...]
) -> NDArray[np.float64]:
    """Interpolate percentile ranks from a norm table of ``(percentile, score)`` pairs.

    Scores beyond the table's ends are clamped to its first and last percentile.
    """
    ps = np.array([p for p, _ in table], dtype=np.float64)
    xs = np.array([x for _, x in table], dtype=np.float64)
    out = np.interp(values, xs, ps)
    out[np.isnan(values)] = np.nan
    return out


def profile(
    instrument: Instrument,
    responses: Responses,
    *,
    min_answered: float | None = None,
    impute: Impute = "none",
    centres: NDArray[np.float64] | None = None,
    scores: ScoreTable | None = None,
    z: float = Z95,
    style_limits: StyleLimits | None = None,
) -> Profiles:
    """Score ``responses`` and interpret the scores with the instrument's norms and map.

    Examples
    --------
    >>> from twofold.core import load_instrument, profile, Responses
    >>> rbi = load_instrument("rbi")
    >>> answers = np.full((1, len(rbi.items)), 4.0)
    >>> p = profile(rbi, Responses.from_array(rbi, answers))
    >>> p.region_names()[0] is not None
    True
    """
    scorer: BlockScorer | None = None
    if scores is None:
        scorer = BlockScorer(
            instrument, responses, min_answered=min_answered, impute=impute, centres=centres
        )
        score_ids, values = scorer.score_ids, scorer.values
    else:
        score_ids, values = scores.score_ids, scores.values
    n = responses.n_people
    row_of = {sid: k for k, sid in enumerate(score_ids)}
    interval_ids = tuple(sid for sid in score_ids if instrument.norm(sid) is not None)
    sem = np.array([instrument.norm(sid).sem for sid in interval_ids])  # type: ignore[union-attr]
    # float32 bounds: 7 significant digits are ample for an interval whose width is itself an
    # estimate, and halve the memory written (the cost that dominates for a million people).
    lower = np.empty((len(interval_ids), n), dtype=np.float32)
    upper = np.empty((len(interval_ids), n), dtype=np.float32)
    ranges = {s.id: (s.min, s.max) for s in instrument.scales}
    ranges.update({c.id: (c.min, c.max) for c in instrument.composites})
    # All normed scores at once, as 2-D block operations: few NumPy calls per block keep the
    # GIL free for the other thread. Rows are a slice when the normed scores are contiguous.
    src_rows = [row_of[sid] for sid in interval_ids]
    normed_rows: slice | list[int] = src_rows
    if src_rows and src_rows == list(range(src_rows[0], src_rows[0] + len(src_rows))):
        normed_rows = slice(src_rows[0], src_rows[0] + len(src_rows))
    half32 = (z * sem).astype(np.float32)[:, None]
    low32 = np.array([ranges[sid][0] for sid in interval_ids], dtype=np.float32)[:, None]
    high32 = np.array([ranges[sid][1] for sid in interval_ids], dtype=np.float32)[:, None]

    region_ids: tuple[str, ...] = ()
    region = np.full(n, -1, dtype=np.int8)
    cuts: dict[str, tuple[float, str]] = {}
    regions = instrument.regions
    # code = 2 * (x high) + (y high) + 4 * (x or y missing) -> region index, -1 when missing
    lookup = np.full(8, -1, dtype=np.int8)
    axis_rows = (0, 0)
    axis_sem = (np.nan, np.nan)
    if regions is not None:
        region_ids = tuple(r.id for r in regions.regions)
        cuts = {axis: instrument.cut(axis) for axis in (regions.x, regions.y)}
        for k, r in enumerate(regions.regions):
            lookup[2 * (r.when[regions.x] == "high") + (r.when[regions.y] == "high")] = k
        axis_rows = (row_of[regions.x], row_of[regions.y])
        norms = [instrument.norm(axis) for axis in (regions.x, regions.y)]
        axis_sem = tuple(np.nan if nm is None else nm.sem for nm in norms)  # type: ignore[assignment]
    region_prob = np.empty((len(region_ids), n))

    flag_ids = tuple(f.id for f in instrument.flags)
    flags = np.empty((len(flag_ids), n), dtype=np.int8)
    flag_plan = [(row_of[f.score], f.at_or_above) for f in instrument.flags]

    def work(rows: slice) -> None:
        with np.errstate(invalid="ignore", divide="ignore"):  # per thread: not inherited
            if scorer is not None:
                scorer.block(rows)
            _interpret(rows)

    if regions is not None:
        from scipy.special import ndtr  # SciPy loads in ~0.3 s: only when a map needs it

    def _interpret(rows: slice) -> None:
        if interval_ids:
            x32 = values[normed_rows, rows].astype(np.float32)  # one cast, then float32 arithmetic
            low = lower[:, rows]
            np.subtract(x32, half32, out=low)
            np.maximum(low, low32, out=low)  # NaN stays NaN
            up = upper[:, rows]
            np.add(x32, half32, out=up)
            np.minimum(up, high32, out=up)
        if regions is not None:
            x = values[axis_rows[0], rows]
            y = values[axis_rows[1], rows]
            cx, cy = cuts[regions.x][0], cuts[regions.y][0]
            dx = x - cx
            dy = y - cy
            missing = np.isnan(dx)
            missing |= np.isnan(dy)
            code = (dx > 0).view(np.int8) * np.int8(2)
            code += (dy > 0).view(np.int8)
            code += missing.view(np.int8) * np.int8(4)
            region[rows] = lookup.take(code)
            dx /= axis_sem[0]
            dy /= axis_sem[1]
            px = ndtr(dx)
            py = ndtr(dy)
            for k, r in enumerate(regions.regions):
                a = px if r.when[regions.x] == "high" else 1.0 - px
                b = py if r.when[regions.y] == "high" else 1.0 - py
                np.multiply(a, b, out=region_prob[k, rows])
        for k, (src, threshold) in enumerate(flag_plan):
            v = values[src, rows]
            # True - False = 1, False - False = 0, False - True (missing) = -1
            np.subtract(
                (v >= threshold).view(np.int8), np.isnan(v).view(np.int8), out=flags[k, rows]
            )

    run_blocked(n, work)
    if scores is None:
        assert scorer is not None
        scores = scorer.table()

    percentile_ids: tuple[str, ...] = ()
    percentiles = np.empty((0, n))
    if instrument.norms is not None and not instrument.norms.provisional:
        percentile_ids = tuple(
            sid
            for sid in interval_ids
            if instrument.norm(sid).percentiles  # type: ignore[union-attr]
        )
        percentiles = np.empty((len(percentile_ids), n))
        for k, sid in enumerate(percentile_ids):
            percentiles[k] = percentile_rank(scores[sid], instrument.norm(sid).percentiles)  # type: ignore[union-attr]

    states = safety_status(instrument, responses)
    # Response style out of range: the region and the flags are withheld (-1, as if missing);
    # ``style`` says why, so a report can tell the person in plain words.
    style = response_style(instrument, responses, style_limits)
    withheld = style.out_of_range
    if withheld.any():
        region[withheld] = -1
        flags[:, withheld] = -1

    return Profiles(
        scores=scores,
        interval_ids=interval_ids,
        sem=sem,
        lower=lower,
        upper=upper,
        region_ids=region_ids,
        region=region,
        region_prob=region_prob,
        cuts=cuts,
        flag_ids=flag_ids,
        flags=flags,
        safety=safety_flags(instrument, responses),
        percentile_ids=percentile_ids,
        percentiles=percentiles,
        safety_state=states[0],
        own_behaviour_state=states[1],
        danger_sign_state=states[2],
        style=style,
    )
