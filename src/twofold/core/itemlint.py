"""Item-writing lint: the rules for questionnaire items that a program can check.

Twofold's items follow written rules (``docs/rbi.md``, "How the items are written"): first
person, present tense, one idea per item, at most 15 words, everyday words, no double
negatives, no double-barrelled items, reverse-keyed items worded at the other pole rather than
negated, and nothing copied from published scales or the source article. Some of these a
program can check, some only a careful reader can. This module checks the first kind:

=====================  ======================================================================
rule                   what is checked
=====================  ======================================================================
``word_count``         at most ``max_words[lang]`` words (15 for English, 17 for Spanish)
``double_negative``    two or more negations in one item (per-language word lists; Spanish
                       negative concord - "no ... nada" - counts once)
``double_barrelled``   a coordinating word that can join two ideas: *and, or, but, nor* /
                       *y, e, o, u, ni, pero*
``first_person``       a first-person word (*I, me, my, we* ... / *yo, me, mi, nos* ...)
``extreme_qualifier``  no extreme or frequency qualifier (*too much, entirely, everything,
                       whatever, often, always* / *demasiado, por completo, todo, a menudo,
                       siempre, sea cual sea*): it makes an item agreeable or disagreeable for
                       the qualifier, not the content, and frequency belongs to the answers
``negated_reverse``    a reverse-keyed item that contains a sentence negator (*not, never* /
                       *no, nunca*): reversed items must describe the other pole
``reverse_share``      each facet (a scale made of sub-facets) has between 25% and 40% of
                       its items reverse-keyed
``subfacet_size``      each sub-facet has exactly ``items_per_subfacet`` items
``one_subfacet``       every item of a form that holds sub-facet items belongs to exactly one
                       sub-facet
``duplicate_text``     no two items share a text (after normalisation) in any language
``source_overlap``     no run of ``shingle_size`` consecutive words (a *shingle*) in common with
                       a protected text, given as SHA-1 hashes so the text itself need not be
                       shipped
``exemption``          an exemption note that is malformed, unjustified or not needed
=====================  ======================================================================

The word lists are heuristics and say so: ``double_barrelled`` flags every listed word, also
in a fixed phrase, and ``double_negative`` counts words, not meaning ("I never say no" counts
two). An item that needs such a word may carry an exemption in its ``note`` field::

    note: "lint-allow double_barrelled: 'ups and downs' names one thing"

The reason after the colon is required, and an exemption that no longer silences anything is
itself reported. Only the text rules (``word_count``, ``double_negative``,
``double_barrelled``, ``first_person``) can be exempted; structure and copying cannot.
Languages without word lists get the word count only.

Hand-written rather than a library: readability and grammar checkers (textstat,
LanguageTool) do not know questionnaire rules such as keying shares or sub-facet structure,
and LanguageTool needs a Java server; the checks here are a few word lists and counts.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from twofold.core.instrument import Instrument, bundled_instruments, load_instrument

__all__ = [
    "EXEMPTABLE_RULES",
    "RULES",
    "LintProblem",
    "LintRules",
    "Shingles",
    "conjunctions",
    "extreme_qualifiers",
    "first_person",
    "item_notes",
    "lint_instrument",
    "lint_path",
    "load_shingles",
    "negations",
    "parse_exemptions",
    "shingle_hashes",
    "shingles",
    "words",
]

RULES = (
    "word_count",
    "double_negative",
    "double_barrelled",
    "first_person",
    "extreme_qualifier",
    "negated_reverse",
    "reverse_share",
    "subfacet_size",
    "one_subfacet",
    "duplicate_text",
    "source_overlap",
    "exemption",
)
EXEMPTABLE_RULES = (
    "word_count",
    "double_negative",
    "double_barrelled",
    "first_person",
    "extreme_qualifier",
)

# Whole words or word sequences, matched on the item's lower-cased words.
_EXTREME = {
    "en": (
        ("too", "much"),
        ("entirely",),
        ("everything",),
        ("whatever",),
        ("often",),
        ("always",),
        ("completely",),
    ),
    "es": (
        ("demasiado",),
        ("demasiada",),
        ("demasiados",),
        ("demasiadas",),
        ("por", "completo"),
        ("todo",),
        ("a", "menudo"),
        ("siempre",),
        ("sea", "cual", "sea"),
        ("lo", "que", "sea"),
    ),
}


def extreme_qualifiers(text: str, lang: str) -> list[str]:
    """The extreme or frequency qualifiers of ``text`` (see the ``extreme_qualifier`` rule)."""
    ws = words(text)
    found: list[str] = []
    for phrase in _EXTREME.get(lang, ()):
        k = len(phrase)
        if any(tuple(ws[i : i + k]) == phrase for i in range(len(ws) - k + 1)):
            found.append(" ".join(phrase))
    return found


_NEGATORS = {
    "en": frozenset(
        {
            "not",
            "no",
            "never",
            "nothing",
            "nobody",
            "none",
            "nor",
            "neither",
            "nowhere",
            "cannot",
            "without",
            "hardly",
            "barely",
        }
    ),
    # "no" and "sin" always negate; the n-words negate only when nothing negated before them
    # (negative concord: "No pido nada" is one negation, "Nunca digo que no" is two).
    "es": frozenset({"no", "sin"}),
}
_ES_NWORDS = frozenset(
    {
        "nunca",
        "jamás",
        "nada",
        "nadie",
        "ningún",
        "ninguno",
        "ninguna",
        "ningunos",
        "ningunas",
        "tampoco",
        "ni",
    }
)
_SENTENCE_NEGATORS = {
    "en": frozenset({"not", "no", "never", "cannot"}),
    "es": frozenset({"no", "nunca", "jamás"}),
}
_CONJUNCTIONS = {
    "en": frozenset({"and", "or", "but", "nor"}),
    "es": frozenset({"y", "e", "o", "u", "ni", "pero"}),
}
_FIRST_PERSON = {
    "en": frozenset(
        {
            "i",
            "i'm",
            "i've",
            "i'd",
            "i'll",
            "me",
            "my",
            "mine",
            "myself",
            "we",
            "we're",
            "we've",
            "we'd",
            "we'll",
            "us",
            "our",
            "ours",
            "ourselves",
        }
    ),
    "es": frozenset(
        {
            "yo",
            "me",
            "mi",
            "mis",
            "mí",
            "mío",
            "mía",
            "míos",
            "mías",
            "conmigo",
            "nos",
            "nosotros",
            "nosotras",
            "nuestro",
            "nuestra",
            "nuestros",
            "nuestras",
            # common first-person singular verbs, for items without a pronoun
            "soy",
            "estoy",
            "voy",
            "doy",
            "he",
            "sé",
            "tengo",
            "hago",
            "digo",
            "puedo",
            "quiero",
            "siento",
            "pienso",
            "necesito",
            "prefiero",
        }
    ),
}

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_NOT_WORD = re.compile(r"[^\w']+")
_HEX40 = re.compile(r"^[0-9a-f]{40}$")
_EXEMPTION = re.compile(r"lint-allow\s+([\w\s,]+?)\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class LintRules:
    """The limits the lint applies; the defaults are Twofold's item-writing rules.

    Spanish gets 17 words: the same sentence needs about 10-15% more words in Spanish than in
    English (articles, clitics, "de"), and 17 keeps translations natural without inviting a
    second idea.
    """

    max_words: Mapping[str, int] = field(default_factory=lambda: {"en": 15, "es": 17})
    default_max_words: int = 15
    items_per_subfacet: int = 3
    reverse_share: tuple[float, float] = (0.25, 0.40)

    def word_limit(self, lang: str) -> int:
        return self.max_words.get(lang, self.default_max_words)


@dataclass(frozen=True)
class LintProblem:
    """One broken rule. ``item`` names the item (``None`` for a scale-level problem)."""

    rule: str
    message: str
    item: str | None = None
    scale: str | None = None
    lang: str | None = None

    def __str__(self) -> str:
        where = []
        if self.item is not None:
            where.append(f"item {self.item!r}")
        if self.scale is not None:
            where.append(f"scale {self.scale!r}")
        if self.lang is not None:
            where.append(f"({self.lang})")
        return f"{' '.join(where) or 'instrument'}: {self.rule}: {self.message}"


@dataclass(frozen=True)
class Shingles:
    """SHA-1 hashes (hex) of the normalised ``size``-word shingles of a protected text."""

    size: int
    hashes: frozenset[str]


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """Split ``text`` into lower-case words; punctuation separates, apostrophes stay inside.

    Examples
    --------
    >>> words("I don't know: «no lo sé».")
    ['i', "don't", 'know', 'no', 'lo', 'sé']
    """
    norm = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    return [w.strip("'_") for w in _NOT_WORD.split(norm) if w.strip("'_")]


def negations(text: str, lang: str) -> list[str]:
    """The words of ``text`` that each add a negation (empty for unsupported languages)."""
    found: list[str] = []
    if lang == "en":
        for w in words(text):
            if w in _NEGATORS["en"] or w.endswith("n't"):
                found.append(w)
    elif lang == "es":
        negated = False
        for w in words(text):
            if w in _NEGATORS["es"] or (w in _ES_NWORDS and not negated):
                found.append(w)
                negated = True
    return found


def conjunctions(text: str, lang: str) -> list[str]:
    """Coordinating words that may join two ideas (the double-barrelled heuristic)."""
    table = _CONJUNCTIONS.get(lang)
    return [w for w in words(text) if table is not None and w in table]


def first_person(text: str, lang: str) -> bool | None:
    """Whether ``text`` speaks in the first person; ``None`` for unsupported languages."""
    table = _FIRST_PERSON.get(lang)
    if table is None:
        return None
    return any(w in table for w in words(text))


def shingles(text: str, size: int = 5) -> list[str]:
    """Every run of ``size`` consecutive normalised words, joined by single spaces."""
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size!r}")
    ws = words(text)
    return [" ".join(ws[i : i + size]) for i in range(len(ws) - size + 1)]


def shingle_hashes(text: str, size: int = 5) -> set[str]:
    """SHA-1 (hex) of every shingle of ``text``: what a protected-text fixture stores."""
    return {hashlib.sha1(s.encode("utf-8")).hexdigest() for s in shingles(text, size)}


def load_shingles(path: str | Path) -> Shingles:
    """Read a shingle file: a ``# size: N`` header line, then one SHA-1 hex digest per line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ValueError(f"{path}: no such shingle file") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    size: int | None = None
    hashes: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            m = re.match(r"#\s*size:\s*(\d+)\s*$", line)
            if m:
                size = int(m.group(1))
            continue
        if not _HEX40.match(line):
            raise ValueError(f"{path}: line {number}: expected a SHA-1 hex digest, got {line!r}")
        hashes.add(line)
    if size is None or size < 1:
        raise ValueError(f"{path}: missing header line '# size: N' (words per shingle)")
    return Shingles(size, frozenset(hashes))


# --------------------------------------------------------------------------------------------
# Exemptions
# --------------------------------------------------------------------------------------------


def item_notes(yaml_text: str) -> dict[str, str]:
    """The ``note`` of every item of a (validated) YAML definition that has one."""
    raw = yaml.safe_load(yaml_text)
    notes: dict[str, str] = {}
    if not isinstance(raw, dict):
        return notes
    for entry in raw.get("items") or []:
        if isinstance(entry, dict) and isinstance(entry.get("note"), str):
            notes[str(entry.get("id"))] = entry["note"]
    return notes


def parse_exemptions(
    notes: Mapping[str, str],
) -> tuple[dict[str, dict[str, str]], list[LintProblem]]:
    """Read ``lint-allow RULE[, RULE]: reason`` notes into ``{item: {rule: reason}}``.

    Notes without ``lint-allow`` are ordinary notes and ignored.
    """
    allowed: dict[str, dict[str, str]] = {}
    problems: list[LintProblem] = []
    for item_id, note in notes.items():
        if "lint-allow" not in note.lower():
            continue
        m = _EXEMPTION.search(note)
        if m is None:
            problems.append(
                LintProblem(
                    "exemption",
                    "write exemptions as 'lint-allow RULE: reason' (the reason is required)",
                    item=item_id,
                )
            )
            continue
        rules = [r.strip() for r in m.group(1).split(",") if r.strip()]
        reason = m.group(2).strip()
        if not reason:
            problems.append(
                LintProblem("exemption", "an exemption needs a reason after the colon", item_id)
            )
            continue
        for rule in rules:
            if rule not in RULES:
                problems.append(LintProblem("exemption", f"unknown rule {rule!r}", item_id))
                continue
            if rule not in EXEMPTABLE_RULES:
                problems.append(
                    LintProblem(
                        "exemption",
                        f"rule {rule!r} cannot be exempted (only {', '.join(EXEMPTABLE_RULES)})",
                        item_id,
                    )
                )
                continue
            allowed.setdefault(item_id, {})[rule] = reason
    return allowed, problems


# --------------------------------------------------------------------------------------------
# The lint
# --------------------------------------------------------------------------------------------


def _text_problems(text: str, lang: str, reverse: bool, rules: LintRules) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    n = len(words(text))
    limit = rules.word_limit(lang)
    if n > limit:
        found.append(("word_count", f"{n} words (at most {limit})"))
    neg = negations(text, lang)
    if len(neg) >= 2:
        found.append(("double_negative", f"{len(neg)} negations ({', '.join(neg)})"))
    conj = conjunctions(text, lang)
    if conj:
        shown = ", ".join(f"'{c}'" for c in conj)
        found.append(("double_barrelled", f"{shown} may join two ideas; ask one thing per item"))
    if first_person(text, lang) is False:
        found.append(("first_person", "no first-person word; write as the respondent speaks"))
    extreme = extreme_qualifiers(text, lang)
    if extreme:
        shown = ", ".join(f"'{e}'" for e in extreme)
        found.append(("extreme_qualifier", f"{shown}: say it without the extreme qualifier"))
    if reverse:
        table = _SENTENCE_NEGATORS.get(lang, frozenset())
        negs = [w for w in words(text) if w in table or (lang == "en" and w.endswith("n't"))]
        if negs:
            found.append(
                (
                    "negated_reverse",
                    f"reverse-keyed item negates ({', '.join(negs)}); word the other pole instead",
                )
            )
    return found


def _facets(instrument: Instrument) -> list[tuple[str, tuple[str, ...]]]:
    """Scales made of other scales (facets) with their sub-facets."""
    return [(s.id, s.children) for s in instrument.scales if s.children]


def lint_instrument(
    instrument: Instrument,
    *,
    notes: Mapping[str, str] | None = None,
    avoid: Iterable[Shingles] = (),
    rules: LintRules | None = None,
) -> list[LintProblem]:
    """Check every item of ``instrument`` against the item-writing rules.

    Parameters
    ----------
    instrument : Instrument
        A validated definition.
    notes : mapping, optional
        Item notes (``item_notes``), read for ``lint-allow`` exemptions.
    avoid : iterable of Shingles
        Protected texts; an item sharing a shingle with one is reported.
    rules : LintRules, optional
        Limits; Twofold's defaults when omitted.

    Returns
    -------
    list of LintProblem
        Empty when the instrument passes. Item problems come first, in item order.

    Examples
    --------
    >>> from twofold.core import load_instrument
    >>> lint_instrument(load_instrument("rbi"))
    []
    """
    rules = rules or LintRules()
    avoid = list(avoid)
    exempt, problems = parse_exemptions(notes or {})
    used: set[tuple[str, str]] = set()
    seen_texts: dict[tuple[str, str], str] = {}

    for item in instrument.items:
        allowed = exempt.get(item.id, {})
        for lang in instrument.languages:
            text = item.text.get(lang)
            if text is None:
                continue
            for rule, message in _text_problems(text, lang, item.reverse, rules):
                if rule in allowed:
                    used.add((item.id, rule))
                    continue
                problems.append(LintProblem(rule, message, item.id, lang=lang))
            key = (lang, " ".join(words(text)))
            if key in seen_texts:
                problems.append(
                    LintProblem(
                        "duplicate_text",
                        f"same text as item {seen_texts[key]!r}",
                        item.id,
                        lang=lang,
                    )
                )
            else:
                seen_texts[key] = item.id
            for protected in avoid:
                for shingle in shingles(text, protected.size):
                    digest = hashlib.sha1(shingle.encode("utf-8")).hexdigest()
                    if digest in protected.hashes:
                        problems.append(
                            LintProblem(
                                "source_overlap",
                                f'the words "{shingle}" also appear in a protected text',
                                item.id,
                                lang=lang,
                            )
                        )
                        break
    for item_id, allowed in exempt.items():
        for rule in allowed:
            if (item_id, rule) not in used:
                problems.append(
                    LintProblem(
                        "exemption", f"exemption for {rule!r} is not needed; remove it", item_id
                    )
                )
    problems.extend(_structure_problems(instrument, rules))
    return problems


def _structure_problems(instrument: Instrument, rules: LintRules) -> list[LintProblem]:
    problems: list[LintProblem] = []
    facets = _facets(instrument)
    lo, hi = rules.reverse_share
    for facet_id, _children in facets:
        keys = instrument.scale(facet_id).keys
        reversed_count = sum(1 for _, sign in keys if sign < 0)
        share = reversed_count / len(keys)
        if not lo - 1e-9 <= share <= hi + 1e-9:
            problems.append(
                LintProblem(
                    "reverse_share",
                    f"{reversed_count} of {len(keys)} items reverse-keyed ({share:.0%}); "
                    f"keep between {lo:.0%} and {hi:.0%}",
                    scale=facet_id,
                )
            )
    membership: dict[str, list[str]] = {}
    subfacets: list[str] = []
    for _facet_id, children in facets:
        for child in children:
            if child in subfacets:
                continue
            subfacets.append(child)
            scale = instrument.scale(child)
            if scale.children:
                continue  # deeper nesting: its own leaves are checked as sub-facets elsewhere
            if len(scale.items) != rules.items_per_subfacet:
                problems.append(
                    LintProblem(
                        "subfacet_size",
                        f"{len(scale.items)} items (expected {rules.items_per_subfacet})",
                        scale=child,
                    )
                )
            for item_id in scale.items:
                membership.setdefault(item_id, []).append(child)
    for item_id, homes in membership.items():
        if len(homes) > 1:
            problems.append(
                LintProblem(
                    "one_subfacet",
                    f"belongs to {len(homes)} sub-facets ({', '.join(homes)}); keep it in one",
                    item_id,
                )
            )
    # Forms that show sub-facet items (the self form, a check-in) must show nothing else.
    orphans: dict[str, str] = {}
    for form in instrument.forms:
        if any(i in membership for i in form.items):
            for item_id in form.items:
                if item_id not in membership:
                    orphans.setdefault(item_id, form.id)
    for item_id, form_id in orphans.items():
        problems.append(
            LintProblem(
                "one_subfacet",
                f"belongs to no sub-facet, but form {form_id!r} shows it beside sub-facet items",
                item_id,
            )
        )
    return problems


def lint_path(
    name_or_path: str | Path,
    *,
    avoid: Iterable[Shingles] = (),
    rules: LintRules | None = None,
) -> tuple[Instrument, list[LintProblem]]:
    """Load a definition (bundled id or file), read its exemption notes, lint it."""
    instrument = load_instrument(name_or_path)
    bundled = bundled_instruments()
    if isinstance(name_or_path, str) and name_or_path in bundled:
        path = bundled[name_or_path]
    else:
        path = Path(name_or_path)
    notes = item_notes(path.read_text(encoding="utf-8"))
    return instrument, lint_instrument(instrument, notes=notes, avoid=avoid, rules=rules)
