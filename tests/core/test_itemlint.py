"""The item-writing lint: each rule catches what it should, and only that."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twofold.core import Instrument, parse_instrument
from twofold.core.itemlint import (
    LintProblem,
    LintRules,
    Shingles,
    conjunctions,
    first_person,
    item_notes,
    lint_instrument,
    load_shingles,
    negations,
    shingle_hashes,
    shingles,
    words,
)

GOOD_EN = [
    "I tell my partner what worries me.",
    "I share good news with my partner first.",
    "I keep my worries to myself.",
    "I ask my partner how their day went.",
    "I plan weekends with my partner.",
    "I spend my evenings on my own plans.",
]
GOOD_ES = [
    "Le cuento a mi pareja lo que me preocupa.",
    "Comparto primero las buenas noticias con mi pareja.",
    "Me guardo mis preocupaciones.",
    "Le pregunto a mi pareja qué tal su día.",
    "Planeo los fines de semana con mi pareja.",
    "Dedico mis tardes a mis propios planes.",
]


def build(
    texts: list[tuple[str, str]] | None = None,
    *,
    reverse: tuple[int, ...] = (2, 5),
    notes: dict[int, str] | None = None,
    subfacets: list[list[int]] | None = None,
    facets: list[list[int]] | None = None,
    form: list[int] | None = None,
) -> tuple[Instrument, dict[str, str]]:
    """A facet of two sub-facets of three items; ``texts`` replace the good defaults.

    ``subfacets`` lists item indices per sub-facet, ``facets`` sub-facet indices per facet.
    """
    texts = texts or list(zip(GOOD_EN, GOOD_ES, strict=True))
    items = []
    for k, (en, es) in enumerate(texts):
        item: dict[str, object] = {"id": f"x{k}", "text": {"en": en, "es": es}}
        if k in reverse:
            item["reverse"] = True
        if notes and k in notes:
            item["note"] = notes[k]
        items.append(item)
    groups = subfacets or [[0, 1, 2], [3, 4, 5]]
    facet_groups = facets or [list(range(len(groups)))]
    spec = {
        "id": "t",
        "version": "1",
        "title": {"en": "T", "es": "T"},
        "languages": ["en", "es"],
        "response_scales": {"a7": {"min": 1, "max": 7}},
        "default_response_scale": "a7",
        "items": items,
        "scales": [
            *(
                {"id": f"s{g}", "label": {"en": "s", "es": "s"}, "items": [f"x{k}" for k in grp]}
                for g, grp in enumerate(groups)
            ),
            *(
                {
                    "id": "F" if f == 0 else f"F{f}",
                    "label": {"en": "F", "es": "F"},
                    "scales": [f"s{g}" for g in grp],
                }
                for f, grp in enumerate(facet_groups)
            ),
        ],
        "forms": [
            {
                "id": "self",
                "label": {"en": "s", "es": "s"},
                "items": [f"x{k}" for k in (form if form is not None else range(len(texts)))],
            }
        ],
    }
    text = json.dumps(spec, ensure_ascii=False)  # JSON is YAML
    return parse_instrument(text), item_notes(text)


def replace(k: int, en: str | None = None, es: str | None = None) -> list[tuple[str, str]]:
    texts = list(zip(GOOD_EN, GOOD_ES, strict=True))
    texts[k] = (en or texts[k][0], es or texts[k][1])
    return texts


def rules_hit(problems: list[LintProblem]) -> set[tuple[str | None, str, str | None]]:
    return {(p.item, p.rule, p.lang) for p in problems}


# -- text helpers ------------------------------------------------------------------------------


def test_words_split_on_punctuation_and_keep_contractions() -> None:
    assert words("I don\u2019t know: \u00abno lo s\u00e9\u00bb.") == [
        "i",
        "don't",
        "know",
        "no",
        "lo",
        "sé",
    ]
    assert words("Self-respect, 'quoted'") == ["self", "respect", "quoted"]


def test_spanish_negative_concord_counts_once_but_two_negations_count_twice() -> None:
    assert negations("No le pido nada a nadie.", "es") == ["no"]
    assert negations("Nunca digo que no.", "es") == ["nunca", "no"]
    assert negations("No hago nada sin pensar.", "es") == ["no", "sin"]
    assert negations("I don't never ask.", "en") == ["don't", "never"]
    assert negations("Je ne sais pas.", "fr") == []


def test_conjunctions_and_first_person_follow_each_language() -> None:
    assert conjunctions("I talk and I listen or I wait.", "en") == ["and", "or"]
    assert conjunctions("Hablo y escucho, o espero.", "es") == ["y", "o"]
    assert conjunctions("Android orders", "en") == []  # whole words only
    assert first_person("My partner listens.", "en") is True
    assert first_person("Partners listen.", "en") is False
    assert first_person("Tengo tiempo libre.", "es") is True
    assert first_person("La pareja escucha.", "es") is False
    assert first_person("Je parle.", "fr") is None


@given(
    st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=8), min_size=5, max_size=12),
    st.lists(st.sampled_from([" ", "  ", ", ", ". ", " - ", "; ", "! "]), min_size=12, max_size=12),
    st.booleans(),
)
def test_shingles_ignore_case_spacing_and_punctuation(
    ws: list[str], seps: list[str], upper: bool
) -> None:
    plain = " ".join(ws)
    noisy = "".join(w + sep for w, sep in zip(ws, seps, strict=False))
    noisy = noisy.upper() if upper else noisy
    assert shingles(noisy, 5) == shingles(plain, 5)
    assert shingle_hashes(noisy, 5) == shingle_hashes(plain, 5)
    assert len(shingles(plain, 5)) == len(ws) - 4


# -- each rule ---------------------------------------------------------------------------------


def test_the_good_example_passes() -> None:
    inst, notes = build()
    assert lint_instrument(inst, notes=notes) == []


def test_long_items_are_caught_with_a_higher_limit_for_spanish() -> None:
    sixteen = "I " + " ".join(["really"] * 12) + " like my partner."
    seventeen_es = "Me " + " ".join(["gusta"] * 15) + " pareja."
    eighteen_es = "Me " + " ".join(["gusta"] * 16) + " pareja."
    assert len(words(sixteen)) == 16
    assert len(words(eighteen_es)) == 18
    inst, _ = build(replace(0, sixteen, seventeen_es))
    assert rules_hit(lint_instrument(inst)) == {("x0", "word_count", "en")}
    inst, _ = build(replace(0, es=eighteen_es))
    assert rules_hit(lint_instrument(inst)) == {("x0", "word_count", "es")}
    strict = LintRules(max_words={"en": 5, "es": 5})
    assert ("x1", "word_count", "en") in rules_hit(lint_instrument(build()[0], rules=strict))


def test_double_negatives_are_caught_in_each_language() -> None:
    inst, _ = build(replace(0, "I never say nothing to my partner."))
    assert rules_hit(lint_instrument(inst)) == {("x0", "double_negative", "en")}
    inst, _ = build(replace(0, es="Nunca digo que no a mi pareja."))
    assert rules_hit(lint_instrument(inst)) == {("x0", "double_negative", "es")}


def test_double_barrelled_items_are_caught_in_each_language() -> None:
    inst, _ = build(replace(1, "I trust my partner and I share my plans."))
    assert rules_hit(lint_instrument(inst)) == {("x1", "double_barrelled", "en")}
    inst, _ = build(replace(1, es="Confío en mi pareja o le cuento mis planes."))
    assert rules_hit(lint_instrument(inst)) == {("x1", "double_barrelled", "es")}


def test_items_that_are_not_in_the_first_person_are_caught() -> None:
    inst, _ = build(replace(3, "Partners should share their plans.", "La pareja comparte planes."))
    assert rules_hit(lint_instrument(inst)) == {
        ("x3", "first_person", "en"),
        ("x3", "first_person", "es"),
    }


def test_a_reversed_item_worded_as_a_negation_is_caught() -> None:
    inst, _ = build(replace(2, "I do not tell my partner my worries.", "No cuento mis penas."))
    assert rules_hit(lint_instrument(inst)) == {
        ("x2", "negated_reverse", "en"),
        ("x2", "negated_reverse", "es"),
    }
    # the same wording on a positively keyed item is allowed
    inst, _ = build(replace(2, "I do not tell my partner my worries."), reverse=(1, 5))
    assert lint_instrument(inst) == []


@pytest.mark.parametrize(
    ("reverse", "ok"), [((), False), ((2,), False), ((2, 5), True), ((1, 2, 5), False)]
)
def test_each_facet_needs_a_quarter_to_two_fifths_reverse_keyed(
    reverse: tuple[int, ...], ok: bool
) -> None:
    inst, _ = build(reverse=reverse)
    problems = lint_instrument(inst)
    assert (problems == []) is ok
    if not ok:
        assert [(p.scale, p.rule) for p in problems] == [("F", "reverse_share")]


def test_subfacets_of_the_wrong_size_are_caught() -> None:
    inst, _ = build(subfacets=[[0, 1], [2, 3, 4, 5]], reverse=(2, 5))
    assert {(p.scale, p.rule) for p in lint_instrument(inst)} == {
        ("s0", "subfacet_size"),
        ("s1", "subfacet_size"),
    }


def test_an_item_in_two_subfacets_or_in_none_is_caught() -> None:
    extra = [
        ("I like my own company.", "Me gusta mi propia compañía."),
        ("I keep a diary of my own.", "Escribo mi propio diario."),
        ("I walk alone on my days off.", "Paseo a solas en mis días libres."),
    ]
    texts = [*zip(GOOD_EN, GOOD_ES, strict=True), *extra]
    # x2 sits in s0 (facet F) and s2 (facet F1); x8 is shown on the form but scored nowhere
    inst, _ = build(
        texts, subfacets=[[0, 1, 2], [3, 4, 5], [2, 6, 7]], facets=[[0, 1], [2]], reverse=(1, 5, 6)
    )
    problems = lint_instrument(inst)
    assert [(p.item, p.rule) for p in problems] == [("x2", "one_subfacet"), ("x8", "one_subfacet")]
    assert "2 sub-facets (s0, s2)" in str(problems[0])
    assert "no sub-facet" in str(problems[1])


def test_items_outside_subfacet_forms_need_no_subfacet() -> None:
    texts = [
        *zip(GOOD_EN, GOOD_ES, strict=True),
        ("I like my own company.", "Me gusta mi propia compañía."),
    ]
    inst, _ = build(texts, form=[0, 1, 2, 3, 4, 5])
    assert lint_instrument(inst) == []


def test_duplicate_texts_are_caught_per_language() -> None:
    inst, _ = build(replace(4, "I TELL my partner what worries me!"))
    assert rules_hit(lint_instrument(inst)) == {("x4", "duplicate_text", "en")}


def test_overlap_with_a_protected_text_is_caught_and_names_the_words() -> None:
    source = "Once upon a time I tell my partner what worries me every single night."
    protected = Shingles(5, frozenset(shingle_hashes(source, 5)))
    inst, _ = build()
    problems = lint_instrument(inst, avoid=[protected])
    assert rules_hit(problems) == {("x0", "source_overlap", "en")}
    assert '"i tell my partner what"' in str(problems[0])
    four_words_only = Shingles(5, frozenset(shingle_hashes("so I tell my partner now", 5)))
    assert lint_instrument(inst, avoid=[four_words_only]) == []


# -- exemptions --------------------------------------------------------------------------------


def test_a_justified_exemption_silences_its_rule_only() -> None:
    texts = replace(1, "I share my ups and downs with my partner.")
    inst, notes = build(
        texts, notes={1: "lint-allow double_barrelled: 'ups and downs' is one idea"}
    )
    assert lint_instrument(inst, notes=notes) == []
    inst, notes = build(
        replace(1, "I share my ups and downs with my partner and friends."),
        notes={1: "lint-allow word_count: testing"},
    )
    assert {p.rule for p in lint_instrument(inst, notes=notes)} == {"double_barrelled", "exemption"}


@pytest.mark.parametrize(
    ("note", "says"),
    [
        ("lint-allow double_barrelled:", "needs a reason"),
        ("lint-allow double_barrelled", "write exemptions as"),
        ("lint-allow source_overlap: it is famous", "cannot be exempted"),
        ("lint-allow frobnicate: why not", "unknown rule"),
    ],
)
def test_bad_exemptions_are_reported(note: str, says: str) -> None:
    inst, notes = build(replace(1, "I share my ups and downs with my partner."), notes={1: note})
    problems = lint_instrument(inst, notes=notes)
    assert any(p.rule == "exemption" and p.item == "x1" and says in p.message for p in problems)


def test_an_exemption_no_longer_needed_is_reported() -> None:
    inst, notes = build(notes={0: "lint-allow double_barrelled: used to say 'and'"})
    problems = lint_instrument(inst, notes=notes)
    assert [(p.item, p.rule) for p in problems] == [("x0", "exemption")]
    assert "not needed" in problems[0].message


def test_ordinary_notes_are_not_exemptions() -> None:
    inst, notes = build(notes={0: "Written after the pilot interviews."})
    assert lint_instrument(inst, notes=notes) == []


# -- shingle files -----------------------------------------------------------------------------


def test_a_shingle_file_round_trips(tmp_path: Path) -> None:
    hashes = sorted(shingle_hashes("one two three four five six", 5))
    path = tmp_path / "s.txt"
    path.write_text("# size: 5\n# a comment\n" + "\n".join(hashes) + "\n\n")
    assert load_shingles(path) == Shingles(5, frozenset(hashes))


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("0" * 40 + "\n", "missing header"),
        ("# size: 5\nnot-a-hash\n", "line 2"),
    ],
)
def test_a_bad_shingle_file_is_rejected_with_its_line(
    tmp_path: Path, content: str, says: str
) -> None:
    path = tmp_path / "s.txt"
    path.write_text(content)
    with pytest.raises(ValueError, match=says):
        load_shingles(path)
    with pytest.raises(ValueError, match="no such shingle file"):
        load_shingles(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("text", "lang", "found"),
    [
        ("I share too much with my partner.", "en", ["too much"]),
        ("I often call my partner.", "en", ["often"]),
        ("I do whatever my partner says.", "en", ["whatever"]),
        ("Le cuento todo a mi pareja.", "es", ["todo"]),
        ("Le pregunto a menudo a mi pareja.", "es", ["a menudo"]),
        ("I share much with my partner.", "en", []),
        ("Me tomo mi tiempo.", "es", []),
    ],
)
def test_extreme_qualifiers_are_found_as_whole_words(
    text: str, lang: str, found: list[str]
) -> None:
    from twofold.core.itemlint import extreme_qualifiers

    assert extreme_qualifiers(text, lang) == found
