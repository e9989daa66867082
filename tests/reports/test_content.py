from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest

from twofold.core import PATTERNS, Instrument
from twofold.core.itemlint import load_shingles, shingles
from twofold.reports import LANGUAGES, check_instrument, load_content
from twofold.reports.texts import PHRASES, Content, _check_meaning

from .conftest import FACETS, OUTCOMES, SUBFACETS

# Labels that pass a verdict on a person, or sound clinical. Whole words or word starts,
# case-insensitive, in both languages.
BANNED = {
    "en": [
        "disorder",
        "toxic",
        "narcissis",
        "pathologi",
        "codependen",
        "co-dependen",
        "dysfunction",
        "diagnos",
        "needy",
        "clingy",
        "avoidant",
        "attachment style",
        "anxious attachment",
        "secure attachment",
        "insecure",
        "borderline",
        "enabler",
        "manipulat",
        "selfish",
        "abnormal",
        "sick",
        "weak person",
        "immature",
        "crazy",
        "psychopath",
        "psychotic",
    ],
    "es": [
        "trastorno",
        "tóxic",
        "narcisis",
        "patológ",
        "codependien",
        "co-dependien",
        "disfuncional",
        "diagnóstic",
        "pegajos",
        "evitativ",
        "estilo de apego",
        "apego ansioso",
        "apego seguro",
        "inseguro",
        "límite de la personalidad",
        "manipulador",
        "egoísta",
        "anormal",
        "enfermiz",
        "inmadur",
        "loco",
        "psicópata",
        "psicótic",
    ],
}
# Spanish is written to one reader with tú, never usted or vosotros.
NOT_TU = re.compile(
    r"\b(usted|ustedes|vosotr[oa]s|vuestr[oa]s?|os|habéis|estáis|sois|tenéis|podéis|queréis)\b",
    re.IGNORECASE,
)


def test_all_content_loads_and_passes_its_own_checks() -> None:
    content = load_content()
    assert _check_meaning(content) == []
    assert set(content.phrases) == set(PHRASES)


def test_every_text_exists_in_english_and_spanish() -> None:
    content = load_content()
    nodes = list(content.text_nodes())
    assert len(nodes) > 250
    for where, node in nodes:
        assert set(node) == set(LANGUAGES), where
        assert all(text.strip() for text in node.values()), where
        assert node["en"] != node["es"] or where.startswith(
            ("phrase facet_desc", "phrase region_chance")
        ), where


def test_every_facet_subfacet_outcome_region_and_pattern_of_the_rbi_has_texts() -> None:
    content = load_content()
    assert set(content.facets) == set(FACETS)
    assert set(content.subfacets) == set(SUBFACETS)
    assert set(content.outcomes) == set(OUTCOMES)
    assert set(content.regions) == {
        "interdependent",
        "over_dependent",
        "over_independent",
        "disconnected",
    }
    assert set(content.patterns) == set(PATTERNS)


def test_the_content_covers_the_instrument(instrument: Instrument) -> None:
    assert check_instrument(instrument) == []


def test_facet_polarity_agrees_with_the_instruments_map_axes() -> None:
    content = load_content()
    assert {f: s.polarity for f, s in content.facets.items()} == {
        "HD": "healthy",
        "UD": "unhealthy",
        "HI": "healthy",
        "UI": "unhealthy",
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_content_uses_a_diagnostic_or_pathologising_label(lang: str) -> None:
    found = []
    for where, text_lang, text in load_content().texts():
        if text_lang != lang:
            continue
        lowered = text.lower()
        for word in BANNED[lang]:
            if re.search(rf"\b{re.escape(word)}", lowered):
                found.append(f"{where}: {word!r}")
    assert found == []


def test_the_banned_word_check_catches_a_banned_word() -> None:
    text = "Your partner is toxic and narcissistic."
    assert [w for w in BANNED["en"] if re.search(rf"\b{re.escape(w)}", text.lower())] == [
        "toxic",
        "narcissis",
    ]


def test_spanish_speaks_to_one_reader_with_tu() -> None:
    found = [
        f"{where}: {text}"
        for where, lang, text in load_content().texts()
        if lang == "es" and NOT_TU.search(text)
    ]
    assert found == []


def test_every_pattern_has_exactly_three_open_prompts() -> None:
    for pid, pattern in load_content().patterns.items():
        assert len(pattern.prompts) == 3, pid
        for prompt in pattern.prompts:
            assert prompt["en"].endswith("?"), prompt["en"]
            assert prompt["es"].startswith("¿") or "¿" in prompt["es"], prompt["es"]
            assert prompt["es"].rstrip().endswith("?"), prompt["es"]


def test_every_question_is_open_and_every_practice_fits_in_a_week() -> None:
    content = load_content()
    closed = re.compile(r"^(do|does|did|is|are|was|were|can|could|will|would|have|has)\b", re.I)
    for kind, specs in (("facet", content.facets), ("subfacet", content.subfacets)):
        for sid, spec in specs.items():
            for advice in (spec.strength, spec.growth):
                question = advice.question
                assert question["en"].endswith("?"), (kind, sid)
                assert not closed.match(question["en"]), (kind, sid, question["en"])
                assert "why" not in question["en"].lower(), (kind, sid)  # "why" tends to blame
                assert "¿" in question["es"], (kind, sid)
                assert "week" in advice.practice["en"], (kind, sid)
                assert "semana" in advice.practice["es"], (kind, sid)


def test_subfacet_statements_are_tentative() -> None:
    for sid, spec in load_content().subfacets.items():
        for statement in (spec.high, spec.low):
            assert statement["en"].startswith("Your answers suggest"), sid
            assert statement["es"].startswith("Tus respuestas sugieren"), sid


def test_no_text_shares_five_words_in_a_row_with_the_seed_article() -> None:
    seed = load_shingles(Path(__file__).parents[1] / "fixtures" / "seed_shingles.txt")
    shared = [
        f"{where} ({lang}): {run!r}"
        for where, lang, text in load_content().texts()
        for run in shingles(text, seed.size)
        if hashlib.sha1(run.encode("utf-8")).hexdigest() in seed.hashes
    ]
    assert shared == []


def test_broken_content_is_reported_with_every_problem() -> None:
    content = load_content()
    phrases = dict(content.phrases)
    phrases["you"] = {"en": "You"}  # Spanish missing
    phrases["interval"] = {"en": "{low} to {top}", "es": "{low} a {high}"}  # unknown placeholder
    del phrases["percent"]
    patterns = dict(content.patterns)
    patterns["fused"] = patterns["fused"].model_copy(
        update={"prompts": patterns["fused"].prompts[:2]}
    )
    broken: Content = dataclasses.replace(content, phrases=phrases, patterns=patterns)
    problems = _check_meaning(broken)
    assert "phrase you: text missing for language(s) es" in problems
    assert "phrase interval (en): unknown placeholder(s) top" in problems
    assert "phrase 'percent' is missing" in problems
    assert "pattern 'fused': needs exactly 3 prompts, has 2" in problems
