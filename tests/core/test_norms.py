"""Norms built from a sample, written into a definition, and used by the scorer."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pytest
import yaml

import twofold.core.norms
from tests.conftest import INSTRUMENTS
from twofold.core import (
    Instrument,
    Responses,
    alpha,
    build_norms,
    load_instrument,
    parse_instrument,
    profile,
    score,
    with_norms,
)
from twofold.core.instrument import InstrumentError, Norm, Norms
from twofold.core.norms import MIN_FINAL_N

MINI_RBI = INSTRUMENTS / "mini_rbi.yaml"


def simulate(inst: Instrument, n: int, seed: int = 1) -> Responses:
    """Answers with a common factor per facet, keyed as the instrument says; safety 'never'."""
    rng = np.random.default_rng(seed)
    data = np.empty((n, len(inst.items)))
    trait = {facet: rng.normal(size=n) for facet in ("hd", "ud", "hi", "ui", "pp", "sat")}
    centre = {"hd": 5.0, "ud": 3.0, "hi": 5.2, "ui": 2.8, "pp": 4.0, "sat": 5.0}
    for j, item in enumerate(inst.items):
        if item.id.startswith("safe"):
            data[:, j] = 1
            continue
        facet = item.id.split("_")[0]
        value = centre[facet] + trait[facet] + rng.normal(scale=0.8, size=n)
        if item.reverse:
            value = 8 - value
        data[:, j] = np.clip(np.round(value), 1, 7)
    data[rng.random(data.shape) < 0.02] = np.nan  # a few unanswered items
    return Responses.from_array(inst, data)


@pytest.fixture(scope="module")
def sample(mini_rbi: Instrument) -> Responses:
    return simulate(mini_rbi, 400)


def test_norms_hold_the_sample_mean_sd_percentiles_and_n_of_every_score(
    mini_rbi: Instrument, sample: Responses
) -> None:
    built = build_norms(mini_rbi, sample, sample="simulated pilot")
    scores = score(mini_rbi, sample)
    hd = scores["HD"][~np.isnan(scores["HD"])]
    norm = built.norms.scores["HD"]
    assert norm.n == hd.size
    assert norm.mean == pytest.approx(hd.mean())
    assert norm.sd == pytest.approx(hd.std(ddof=1))
    assert dict(norm.percentiles) == pytest.approx(
        {p: np.percentile(hd, p) for p in (5, 10, 25, 50, 75, 90, 95)}
    )
    assert not built.norms.provisional
    assert built.norms.sample == "simulated pilot"


def test_a_scale_reliability_is_the_alpha_of_its_keyed_items(
    mini_rbi: Instrument, sample: Responses
) -> None:
    built = build_norms(mini_rbi, sample, sample="s")
    scale = mini_rbi.scale("HD")
    cols = [sample.position(i) for i in scale.items]
    expected = alpha(sample.to_float()[:, cols], keys=[s for _, s in scale.keys], min=1, max=7).raw
    assert built.norms.scores["HD"].reliability == pytest.approx(expected)


def test_a_composite_reliability_is_stratified_alpha_over_its_components(
    mini_rbi: Instrument, sample: Responses
) -> None:
    built = build_norms(mini_rbi, sample, sample="s")
    scores = score(mini_rbi, sample)
    parts = built.norms.scores

    def error_var(sid: str) -> float:
        v = scores[sid][~np.isnan(scores[sid])]
        return float(v.var(ddof=1)) * (1 - parts[sid].reliability)

    conn = scores["connection"][~np.isnan(scores["connection"])]
    expected = 1 - (error_var("HD") + error_var("UI")) / 4 / conn.var(ddof=1)
    assert parts["connection"].reliability == pytest.approx(expected)
    assert parts["HD"].reliability < parts["connection"].reliability < 1


def test_one_item_scales_get_no_norm_and_say_why(mini_rbi: Instrument, sample: Responses) -> None:
    built = build_norms(mini_rbi, sample, sample="s")
    assert "HD_partner" not in built.norms.scores
    assert "one item" in built.skipped["HD_partner"]


def test_a_small_sample_gives_provisional_norms_that_say_why(mini_rbi: Instrument) -> None:
    small = simulate(mini_rbi, 60, seed=4)
    built = build_norms(mini_rbi, small, sample="first couples")
    assert built.norms.provisional
    assert f"fewer than {MIN_FINAL_N} people" in (built.norms.note or "")
    assert not build_norms(mini_rbi, small, sample="x", min_n=50).norms.provisional


def test_norms_can_be_kept_provisional_on_request(mini_rbi: Instrument, sample: Responses) -> None:
    built = build_norms(mini_rbi, sample, sample="s", provisional=True)
    assert built.norms.provisional
    assert "on request" in (built.norms.note or "")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sample": " "}, "sample must name"),
        ({"sample": "s", "percentiles": [0, 50]}, "strictly between 0 and 100"),
        ({"sample": "s", "min_n": 1}, "min_n"),
    ],
)
def test_bad_options_are_refused(
    mini_rbi: Instrument, sample: Responses, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_norms(mini_rbi, sample, **kwargs)  # type: ignore[arg-type]


def test_too_few_people_are_refused(mini_rbi: Instrument) -> None:
    with pytest.raises(ValueError, match="at least 3 people"):
        build_norms(mini_rbi, simulate(mini_rbi, 2), sample="s")


def test_written_norms_replace_the_section_and_keep_everything_else(
    mini_rbi: Instrument, sample: Responses
) -> None:
    text = MINI_RBI.read_text(encoding="utf-8")
    built = build_norms(mini_rbi, sample, sample="pilot, n=400")
    new_text = with_norms(text, built.norms, source="mini_rbi_normed.yaml")
    old, new = yaml.safe_load(text), yaml.safe_load(new_text)
    assert list(new) == list(old)  # key order kept, norms where it was
    assert {k: v for k, v in new.items() if k != "norms"} == {
        k: v for k, v in old.items() if k != "norms"
    }
    assert new["norms"]["provisional"] is False
    assert new["norms"]["sample"] == "pilot, n=400"
    assert set(new["norms"]["scores"]) == set(built.norms.scores)
    reloaded = parse_instrument(new_text)
    assert reloaded.norm("HD").mean == pytest.approx(built.norms.scores["HD"].mean, abs=1e-6)  # type: ignore[union-attr]


def test_writing_keeps_unicode_text_as_it_is(tmp_path: Path) -> None:
    text = """\
id: cercania
version: "1"
title: {en: Closeness, es: Cercanía}
languages: [en, es]
response_scales: {five: {min: 1, max: 5}}
default_response_scale: five
items:
  - {id: a, text: {en: I talk., es: Hablo de lo que me preocupa.}}
  - {id: b, text: {en: I listen., es: Escucho sin juzgar — siempre.}}
scales: [{id: S, label: {en: Talk, es: Diálogo}, items: [a, b]}]
"""
    norms = Norms(False, "muestra piloto", None, {"S": Norm(3.0, 0.8, 0.7, 250, ((50.0, 3.0),))})
    out = with_norms(text, norms)
    assert "Cercanía" in out
    assert "Escucho sin juzgar — siempre." in out
    assert "muestra piloto" in out


def test_norms_for_a_score_the_definition_lacks_do_not_validate() -> None:
    text = MINI_RBI.read_text(encoding="utf-8")
    norms = Norms(False, "s", None, {"nope": Norm(3.0, 0.8, 0.7, 250, ())})
    with pytest.raises(InstrumentError, match="unknown score 'nope'"):
        with_norms(text, norms)


def test_the_scorer_uses_built_norms_for_intervals_percentiles_and_cuts(
    mini_rbi: Instrument, sample: Responses, tmp_path: Path
) -> None:
    built = build_norms(mini_rbi, sample, sample="pilot")
    path = tmp_path / "mini_rbi_normed.yaml"
    path.write_text(with_norms(MINI_RBI.read_text(encoding="utf-8"), built.norms), "utf-8")
    normed = load_instrument(path)
    people = simulate(mini_rbi, 5, seed=9)

    before = profile(mini_rbi, people)
    after = profile(normed, people)

    # SEM from the new SD and reliability; intervals follow it
    new = built.norms.scores["connection"]
    k = after.interval_ids.index("connection")
    assert after.sem[k] == pytest.approx(new.sd * np.sqrt(1 - new.reliability), abs=1e-5)
    assert after.sem[k] != pytest.approx(before.sem[before.interval_ids.index("connection")])
    x = after.scores["connection"]
    lo, hi = after.interval("connection")
    inside = (lo > 1) & (hi < 7)
    assert inside.any()
    np.testing.assert_allclose((hi - lo)[inside], 2 * 1.959963984540054 * after.sem[k])

    # percentiles appear only with final norms
    assert before.percentile_ids == ()
    assert "connection" in after.percentile_ids
    pct = after.percentiles[after.percentile_ids.index("connection")]
    table = dict(new.percentiles)
    assert np.all((pct >= 5) & (pct <= 95))
    below_median = x < table[50.0]
    assert 0 < below_median.sum() < len(x)
    assert np.all(pct[below_median] < 50)

    # the map's cuts move from the scale anchor to the sample median
    assert before.cuts["connection"] == (4.0, "anchored")
    assert after.cuts["connection"] == (pytest.approx(table[50.0]), "norm")
    # and the new SDs (score ids without norms keep none)
    assert "HD_partner" not in after.interval_ids


def test_provisional_built_norms_give_intervals_but_no_percentiles_or_norm_cuts(
    mini_rbi: Instrument, tmp_path: Path
) -> None:
    built = build_norms(mini_rbi, simulate(mini_rbi, 60, seed=4), sample="first couples")
    normed = parse_instrument(with_norms(MINI_RBI.read_text(encoding="utf-8"), built.norms))
    result = profile(normed, simulate(mini_rbi, 5, seed=9))
    assert result.percentile_ids == ()
    assert result.cuts["connection"][1] == "anchored"
    k = result.interval_ids.index("HD")
    assert result.sem[k] == pytest.approx(built.norms.scores["HD"].sem, abs=1e-5)  # 6 decimals


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(twofold.core.norms)
    assert result.attempted > 0
    assert result.failed == 0
