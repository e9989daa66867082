"""Norms from a sample: build them from people's answers and write them into a definition.

Model §7: norms (means, SDs, reliabilities, percentiles) are data attached to an instrument
version, rebuilt from consented collected data. :func:`build_norms` scores a sample with the
instrument and computes, for every score,

* ``mean``, ``sd`` (n − 1) and ``n`` over the people who have the score;
* ``percentiles`` (default 5, 10, 25, 50, 75, 90, 95; linear interpolation, R's type 7);
* ``reliability``: Cronbach's raw alpha of the scale's keyed items (pairwise, as
  :func:`twofold.core.reliability.alpha`); for a composite, *stratified alpha*
  ``1 − Σ w_i² σ²_i (1 − ρ_i) / σ²_C`` with weights ``w_i = 1/k`` of its *k* components, which
  assumes the components' errors are uncorrelated.

A score without a usable reliability (a one-item scale; alpha at or below 0) gets no norm and
is listed in :attr:`NormsBuild.skipped` with the reason.

Norms stay **provisional** when asked to, or when any normed score rests on fewer than
``min_n`` people (default :data:`MIN_FINAL_N` = 200: with fewer, the 5th and 95th percentiles
rest on a handful of people each). Provisional norms still give SEMs and intervals, but the
scorer uses neither their percentiles nor their medians as cut points.

:func:`with_norms` puts the norms into a definition's YAML text, replacing its ``norms`` section
whole, and checks that the result still validates. PyYAML keeps the order of keys and all
values, but not comments or the original layout of flow and block styles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from twofold.core.instrument import Instrument, Norm, Norms, parse_instrument
from twofold.core.responses import Responses
from twofold.core.scoring import Impute, score

__all__ = [
    "DEFAULT_PERCENTILES",
    "MIN_FINAL_N",
    "NormsBuild",
    "build_norms",
    "norms_spec",
    "with_norms",
]

DEFAULT_PERCENTILES: tuple[float, ...] = (5, 10, 25, 50, 75, 90, 95)
MIN_FINAL_N = 200
_DIGITS = 6


@dataclass(frozen=True)
class NormsBuild:
    """Norms built from a sample, and why some scores have none.

    ``norms`` is ready to attach to the instrument (:func:`with_norms`); ``skipped`` maps score
    ids to the reason they have no norm; ``n_people`` counts the rows of the sample.
    """

    norms: Norms
    skipped: Mapping[str, str]
    n_people: int
    min_n: int

    def to_dict(self) -> dict[str, Any]:
        """Every number, with the field names documented in ``docs/analysis/reliability.md``."""
        return {
            "sample": self.norms.sample,
            "provisional": self.norms.provisional,
            "note": self.norms.note,
            "n_people": self.n_people,
            "min_n": self.min_n,
            "scores": {
                sid: {
                    "n": norm.n,
                    "mean": norm.mean,
                    "sd": norm.sd,
                    "reliability": norm.reliability,
                    "sem": norm.sem,
                    "percentiles": {_key(p): v for p, v in norm.percentiles},
                }
                for sid, norm in self.norms.scores.items()
            },
            "skipped": dict(self.skipped),
        }


def build_norms(
    instrument: Instrument,
    responses: Responses,
    *,
    sample: str,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    min_n: int = MIN_FINAL_N,
    provisional: bool = False,
    min_answered: float | None = None,
    impute: Impute = "none",
    note: str | None = None,
) -> NormsBuild:
    """Build norm data for every score of ``instrument`` from a sample's answers.

    Parameters
    ----------
    instrument : Instrument
        The definition whose scores get norms.
    responses : Responses
        The sample's validated answers (built for ``instrument``'s items).
    sample : str
        A name for the sample, written into the norms (e.g. ``"pilot 2025, n=412"``).
    percentiles : sequence of float
        Percentiles to tabulate, each strictly between 0 and 100.
    min_n : int
        Fewest people per score for final (non-provisional) norms.
    provisional : bool
        Label the norms provisional whatever the sample size.
    min_answered, impute
        Passed to :func:`twofold.core.scoring.score`.
    note : str, optional
        Replaces the generated note.

    Returns
    -------
    NormsBuild

    Notes
    -----
    ``SEM = sd × sqrt(1 − reliability)`` follows from each norm (:attr:`Norm.sem`).

    Examples
    --------
    >>> from twofold.core import instrument_from_keys, Responses
    >>> inst = instrument_from_keys({"S": ["a", "b", "-c"]}, min=1, max=5)
    >>> rng = np.random.default_rng(0)
    >>> t = rng.normal(size=(300, 1))
    >>> x = np.clip(np.round(3 + t * [1, 1, -1] + rng.normal(size=(300, 3))), 1, 5)
    >>> built = build_norms(inst, Responses.from_array(inst, x), sample="demo")
    >>> built.norms.provisional, built.norms.scores["S"].n
    (False, 300)
    """
    if not sample or not sample.strip():
        raise ValueError("sample must name the sample the norms come from")
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 2:
        raise ValueError(f"min_n must be an integer of at least 2, got {min_n!r}")
    pcts = sorted({float(p) for p in percentiles})
    bad = [p for p in pcts if not 0 < p < 100]
    if bad:
        raise ValueError(f"percentiles must lie strictly between 0 and 100, got {bad}")
    if responses.n_people < 3:
        raise ValueError(f"norms need answers from at least 3 people, got {responses.n_people}")
    table = score(instrument, responses, min_answered=min_answered, impute=impute)
    answers = responses.to_float()
    column = {item: j for j, item in enumerate(responses.items)}

    scores: dict[str, Norm] = {}
    skipped: dict[str, str] = {}
    error_var: dict[str, float] = {}
    for scale in instrument.scales:
        values = _present(table[scale.id])
        reason = _describe_problem(values)
        if reason is None and len(scale.keys) < 2:
            reason = "one item: no internal-consistency reliability"
        if reason is not None:
            skipped[scale.id] = reason
            continue
        items = [column[item] for item in scale.items]
        try:
            from twofold.core.reliability import alpha  # pandas and SciPy: load on use

            rel = alpha(
                answers[:, items],
                keys=[sign for _, sign in scale.keys],
                min=scale.min,
                max=scale.max,
                items=scale.items,
            ).raw
        except ValueError as exc:
            skipped[scale.id] = f"no reliability: {exc}"
            continue
        if not 0 < rel < 1:
            skipped[scale.id] = f"alpha is {rel:.3f}; a norm needs a reliability between 0 and 1"
            continue
        scores[scale.id] = _norm(values, rel, pcts)
        error_var[scale.id] = float(np.var(values, ddof=1)) * (1 - rel)

    for comp in instrument.composites:
        values = _present(table[comp.id])
        reason = _describe_problem(values)
        missing = [cid for cid, _ in comp.components if cid not in error_var]
        if reason is None and missing:
            reason = f"component(s) {', '.join(missing)} have no reliability"
        if reason is not None:
            skipped[comp.id] = reason
            continue
        k = len(comp.components)
        err = sum(error_var[cid] for cid, _ in comp.components) / k**2
        rel = 1.0 - err / float(np.var(values, ddof=1))
        if not 0 < rel < 1:
            skipped[comp.id] = f"stratified alpha is {rel:.3f}; a norm needs 0..1"
            continue
        scores[comp.id] = _norm(values, rel, pcts)
        error_var[comp.id] = err

    if not scores:
        reasons = "; ".join(f"{sid}: {why}" for sid, why in skipped.items())
        raise ValueError(f"no score could be normed ({reasons})")
    small = [sid for sid, norm in scores.items() if (norm.n or 0) < min_n]
    is_provisional = provisional or bool(small)
    if note is None:
        sizes = sorted({norm.n or 0 for norm in scores.values()})
        span = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]} to {sizes[-1]}"
        note = (
            f"Built by twofold from {span} people per score. Reliability: Cronbach's alpha of "
            "each scale's items"
            + ("; stratified alpha for composites." if instrument.composites else ".")
        )
        if small:
            note += (
                f" Provisional: fewer than {min_n} people for {', '.join(small[:5])}"
                + (" and more" if len(small) > 5 else "")
                + "."
            )
        elif provisional:
            note += " Marked provisional on request."
    norms = Norms(provisional=is_provisional, sample=sample.strip(), note=note, scores=scores)
    return NormsBuild(norms=norms, skipped=skipped, n_people=responses.n_people, min_n=min_n)


def _present(values: NDArray[np.float64]) -> NDArray[np.float64]:
    out: NDArray[np.float64] = values[~np.isnan(values)]
    return out


def _describe_problem(values: NDArray[np.float64]) -> str | None:
    if values.size < 2:
        return f"only {values.size} person(s) have this score"
    if np.all(values == values[0]):
        return f"everyone has the same score ({values[0]:g})"
    return None


def _norm(values: NDArray[np.float64], reliability: float, pcts: Sequence[float]) -> Norm:
    table = tuple((p, float(v)) for p, v in zip(pcts, np.percentile(values, pcts), strict=True))
    return Norm(
        mean=float(values.mean()),
        sd=float(values.std(ddof=1)),
        reliability=float(reliability),
        n=int(values.size),
        percentiles=table,
    )


def _key(p: float) -> int | float:
    return int(p) if float(p).is_integer() else float(p)


def norms_spec(norms: Norms) -> dict[str, Any]:
    """The ``norms`` section of a definition as plain data (values rounded to 6 decimals)."""
    scores: dict[str, Any] = {}
    for sid, norm in norms.scores.items():
        entry: dict[str, Any] = {
            "mean": round(norm.mean, _DIGITS),
            "sd": round(norm.sd, _DIGITS),
            "reliability": round(norm.reliability, _DIGITS),
        }
        if norm.n is not None:
            entry["n"] = norm.n
        if norm.percentiles:
            entry["percentiles"] = {_key(p): round(v, _DIGITS) for p, v in norm.percentiles}
        scores[sid] = entry
    return {
        "provisional": norms.provisional,
        "sample": norms.sample,
        "note": norms.note,
        "scores": scores,
    }


def with_norms(text: str, norms: Norms, *, source: str = "<text>") -> str:
    """Return the definition ``text`` with its ``norms`` section replaced by ``norms``.

    The result is parsed and validated before it is returned, so it always loads; an
    :class:`~twofold.core.instrument.InstrumentError` names any problem (e.g. a norm for a
    score the definition lacks).

    Examples
    --------
    >>> from twofold.core.instrument import Norm, Norms
    >>> text = '''
    ... id: tiny
    ... version: "1"
    ... title: {en: Tiny}
    ... languages: [en]
    ... response_scales: {five: {min: 1, max: 5}}
    ... default_response_scale: five
    ... items: [{id: a, text: {en: a}}, {id: b, text: {en: b}}]
    ... scales: [{id: S, label: {en: S}, items: [a, b]}]
    ... '''
    >>> norms = Norms(False, "pilot", None, {"S": Norm(3.0, 0.8, 0.7, 250, ((50.0, 3.0),))})
    >>> "sample: pilot" in with_norms(text, norms)
    True
    """
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: not an instrument definition (a YAML mapping)")
    raw["norms"] = norms_spec(norms)
    out = yaml.safe_dump(
        raw, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )
    parse_instrument(out, source=source)
    return out
