"""Instruments as data: load, validate and compile a questionnaire definition.

An instrument is a YAML file (format in ``docs/instruments.md``). Loading it checks the shape
with pydantic and the meaning with our own checks (unknown ids, cycles, missing translations),
collects *every* problem, and raises one :class:`InstrumentError` that lists them, each naming
the file, the id and what is wrong. A valid definition compiles into an immutable
:class:`Instrument` that the scoring engine uses: item bounds, the keyed item lists of every
scale, composites, norms, regions, flags and the safety rule.

Researchers who have no YAML can score with psych-style keys (:func:`instrument_from_keys`).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "Composite",
    "Flag",
    "Form",
    "Instrument",
    "InstrumentError",
    "Item",
    "Norm",
    "Norms",
    "Region",
    "RegionMap",
    "ResponseScale",
    "Safety",
    "Scale",
    "bundled_instruments",
    "bundled_versions",
    "instrument_from_keys",
    "instrument_version",
    "load_instrument",
    "load_keys",
    "localized",
    "parse_instrument",
]

Text = dict[str, str]
SAFETY_ACTIONS = ("show_support_resources", "withhold_couple_sharing")


class InstrumentError(ValueError):
    """A definition or keys file that cannot be used; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")


# --------------------------------------------------------------------------------------------
# The file format (pydantic): shape only. Meaning is checked in _check_meaning.
# --------------------------------------------------------------------------------------------


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResponseScaleSpec(_Spec):
    min: int
    max: int
    anchors: dict[int, Text] = Field(default_factory=dict)
    not_applicable: Text | None = None


class ItemSpec(_Spec):
    id: str
    text: Text
    reverse: bool = False
    response_scale: str | None = None
    note: str | None = None


class ScaleSpec(_Spec):
    id: str
    label: Text
    description: Text | None = None
    items: list[str] = Field(default_factory=list)
    scales: list[str] = Field(default_factory=list)
    min_answered: float | None = Field(default=None, ge=0, le=1)
    perceives: str | None = None


class CompositeSpec(_Spec):
    id: str
    label: Text
    description: Text | None = None
    mean_of: list[str] = Field(min_length=1)


class FormSpec(_Spec):
    id: str
    label: Text
    instructions: Text | None = None
    items: list[str] = Field(min_length=1)


class NormSpec(_Spec):
    mean: float
    sd: float = Field(gt=0)
    reliability: float = Field(gt=0, lt=1)
    n: int | None = Field(default=None, ge=1)
    percentiles: dict[float, float] = Field(default_factory=dict)


class NormsSpec(_Spec):
    provisional: bool
    sample: str | None = None
    note: str | None = None
    scores: dict[str, NormSpec]


class RegionSpec(_Spec):
    id: str
    label: Text
    when: dict[str, Literal["high", "low"]]


class RegionsSpec(_Spec):
    x: str
    y: str
    cuts: dict[str, float]
    use_norms: bool = True
    regions: list[RegionSpec] = Field(min_length=1)


class FlagSpec(_Spec):
    id: str
    label: Text
    score: str
    at_or_above: float
    counts_as: str | None = None


class SafetySpec(_Spec):
    items: list[str] = Field(min_length=1)
    at_or_above: int
    triggers: list[Literal["show_support_resources", "withhold_couple_sharing"]]
    own_behaviour: list[str] = Field(default_factory=list)
    danger_signs: list[str] = Field(default_factory=list)


class InstrumentSpec(_Spec):
    id: str
    version: str
    title: Text
    languages: list[str] = Field(min_length=1)
    min_answered: float = Field(default=0.75, ge=0, le=1)
    response_scales: dict[str, ResponseScaleSpec] = Field(min_length=1)
    default_response_scale: str
    items: list[ItemSpec] = Field(min_length=1)
    scales: list[ScaleSpec] = Field(default_factory=list)
    composites: list[CompositeSpec] = Field(default_factory=list)
    forms: list[FormSpec] = Field(default_factory=list)
    norms: NormsSpec | None = None
    regions: RegionsSpec | None = None
    flags: list[FlagSpec] = Field(default_factory=list)
    safety: SafetySpec | None = None
    profile: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# The compiled instrument: what the scoring engine and the web app use.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseScale:
    id: str
    min: int
    max: int
    anchors: Mapping[int, Text]
    #: The label of a "does not happen" answer, recorded as not applicable (no value, no
    #: score), for items that presuppose a situation. None: the scale has no such answer.
    not_applicable: Text | None = None

    def label(self, value: int, lang: str) -> str:
        text = self.anchors.get(value)
        return localized(text, lang) if text else str(value)


@dataclass(frozen=True)
class Item:
    id: str
    text: Text
    reverse: bool
    scale: ResponseScale

    def text_in(self, lang: str) -> str:
        return localized(self.text, lang)


@dataclass(frozen=True)
class Scale:
    """A score that is the mean of keyed items; ``keys`` pairs item ids with +1 or -1."""

    id: str
    label: Text
    description: Text | None
    keys: tuple[tuple[str, int], ...]
    children: tuple[str, ...]
    min_answered: float
    perceives: str | None
    min: int
    max: int

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(item for item, _ in self.keys)


@dataclass(frozen=True)
class Composite:
    """The mean of other scores; a sign of -1 reverses a component as ``min + max - score``."""

    id: str
    label: Text
    description: Text | None
    components: tuple[tuple[str, int], ...]
    min: int
    max: int


@dataclass(frozen=True)
class Form:
    id: str
    label: Text
    instructions: Text | None
    items: tuple[str, ...]


@dataclass(frozen=True)
class Norm:
    mean: float
    sd: float
    reliability: float
    n: int | None
    percentiles: tuple[tuple[float, float], ...]

    @property
    def sem(self) -> float:
        """Standard error of measurement: ``SD * sqrt(1 - reliability)``."""
        return self.sd * math.sqrt(1.0 - self.reliability)

    @property
    def median(self) -> float:
        for p, value in self.percentiles:
            if p == 50:
                return value
        return self.mean


@dataclass(frozen=True)
class Norms:
    provisional: bool
    sample: str | None
    note: str | None
    scores: Mapping[str, Norm]


@dataclass(frozen=True)
class Region:
    id: str
    label: Text
    when: Mapping[str, Literal["high", "low"]]


@dataclass(frozen=True)
class RegionMap:
    x: str
    y: str
    anchored_cuts: Mapping[str, float]
    use_norms: bool
    regions: tuple[Region, ...]


@dataclass(frozen=True)
class Flag:
    id: str
    label: Text
    score: str
    at_or_above: float
    counts_as: str | None


@dataclass(frozen=True)
class Safety:
    """The safety rule. ``items``: concern about the partner's behaviour; ``own_behaviour``:
    worry about one's own (routed to other resources); ``danger_signs``: the optional follow-up,
    asked only after a positive answer. Each uses ``at_or_above`` as its positive answer."""

    items: tuple[str, ...]
    at_or_above: int
    triggers: tuple[str, ...]
    own_behaviour: tuple[str, ...] = ()
    danger_signs: tuple[str, ...] = ()

    @property
    def all_items(self) -> tuple[str, ...]:
        return self.items + self.own_behaviour + self.danger_signs


@dataclass(frozen=True)
class Instrument:
    """A validated instrument. Build it with :func:`load_instrument` or :func:`instrument_from_keys`."""

    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    min_answered: float
    response_scales: Mapping[str, ResponseScale]
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    composites: tuple[Composite, ...] = ()
    forms: tuple[Form, ...] = ()
    norms: Norms | None = None
    regions: RegionMap | None = None
    flags: tuple[Flag, ...] = ()
    safety: Safety | None = None
    profile: tuple[str, ...] = ()
    source: str = "<memory>"
    _index: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {item.id: i for i, item in enumerate(self.items)})

    # -- lookups ---------------------------------------------------------------------------
    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def score_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.scales) + tuple(c.id for c in self.composites)

    def item(self, item_id: str) -> Item:
        return self.items[self._index[item_id]]

    def item_position(self, item_id: str) -> int:
        return self._index[item_id]

    def scale(self, scale_id: str) -> Scale:
        for s in self.scales:
            if s.id == scale_id:
                return s
        raise KeyError(scale_id)

    def form(self, form_id: str) -> Form:
        for f in self.forms:
            if f.id == form_id:
                return f
        known = ", ".join(f.id for f in self.forms) or "none"
        raise KeyError(f"instrument {self.id!r} has no form {form_id!r} (forms: {known})")

    def label(self, score_id: str, lang: str) -> str:
        for s in self.scales:
            if s.id == score_id:
                return localized(s.label, lang)
        for c in self.composites:
            if c.id == score_id:
                return localized(c.label, lang)
        raise KeyError(score_id)

    def norm(self, score_id: str) -> Norm | None:
        if self.norms is None:
            return None
        return self.norms.scores.get(score_id)

    def cut(self, score_id: str) -> tuple[float, str]:
        """Return the region cut point for an axis and its basis (``anchored`` or ``norm``)."""
        if self.regions is None:
            raise KeyError(f"instrument {self.id!r} defines no regions")
        norm = self.norm(score_id)
        if self.regions.use_norms and norm is not None and not self.norms_provisional:
            return norm.median, "norm"
        return self.regions.anchored_cuts[score_id], "anchored"

    @property
    def norms_provisional(self) -> bool:
        return self.norms is None or self.norms.provisional

    def restrict_to_items(self, item_ids: Iterable[str]) -> Instrument:
        """Return a copy scoring only what the given items allow (e.g. one form)."""
        keep = set(item_ids)
        scales = tuple(s for s in self.scales if set(s.items) <= keep)
        have = {s.id for s in scales}
        composites: list[Composite] = []
        for c in self.composites:
            if all(comp in have for comp, _ in c.components):
                composites.append(c)
                have.add(c.id)
        flags = tuple(f for f in self.flags if f.score in have)
        safety = (
            self.safety
            if self.safety and set(self.safety.items + self.safety.own_behaviour) <= keep
            else None
        )
        if safety is not None and not set(safety.danger_signs) <= keep:
            safety = Safety(
                safety.items, safety.at_or_above, safety.triggers, safety.own_behaviour, ()
            )
        regions = self.regions
        if regions is not None and not {regions.x, regions.y} <= have:
            regions = None
        return Instrument(
            id=self.id,
            version=self.version,
            title=self.title,
            languages=self.languages,
            min_answered=self.min_answered,
            response_scales=self.response_scales,
            items=tuple(i for i in self.items if i.id in keep),
            scales=scales,
            composites=tuple(composites),
            forms=self.forms,
            norms=self.norms,
            regions=regions,
            flags=flags,
            safety=safety,
            profile=tuple(p for p in self.profile if p in have),
            source=self.source,
        )

    def items_of_forms(self, form_ids: Iterable[str]) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for form_id in form_ids:
            for item_id in self.form(form_id).items:
                seen[item_id] = None
        return tuple(seen)


def localized(text: Mapping[str, str], lang: str) -> str:
    """The text in ``lang`` (or its base language, then English, then any)."""
    if lang in text:
        return text[lang]
    base = lang.split("-")[0]
    if base in text:
        return text[base]
    return text.get("en") or next(iter(text.values()))


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

_BUNDLED = "twofold.instruments"


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Order versions numerically part by part (``1.10`` after ``1.9``)."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))


def bundled_versions() -> dict[str, dict[str, Path]]:
    """Every bundled instrument id, mapped to its versions (oldest first) and their files.

    A bundled file is named ``<id>@<version>.yaml`` (or ``<id>.yaml`` for an unversioned one,
    listed under version ``""``).
    """
    root = resources.files(_BUNDLED)
    found: dict[str, dict[str, Path]] = {}
    for entry in root.iterdir():
        if not entry.name.endswith(".yaml"):
            continue
        stem = entry.name.removesuffix(".yaml")
        inst_id, _, version = stem.partition("@")
        found.setdefault(inst_id, {})[version] = Path(str(entry))
    return {
        inst_id: dict(sorted(versions.items(), key=lambda kv: _version_key(kv[0])))
        for inst_id, versions in found.items()
    }


def bundled_instruments() -> dict[str, Path]:
    """Map every bundled name to its file: ``id`` (the newest version) and every ``id@version``."""
    found: dict[str, Path] = {}
    for inst_id, versions in bundled_versions().items():
        for version, path in versions.items():
            if version:
                found[f"{inst_id}@{version}"] = path
        found[inst_id] = list(versions.values())[-1]
    return found


def load_instrument(name_or_path: str | Path | tuple[str, str]) -> Instrument:
    """Load a bundled instrument or a definition file.

    ``"rbi"`` is the newest bundled version, ``"rbi@1.0"`` or ``("rbi", "1.0")`` that version;
    anything else is read as a path. Loaded bundled versions are cached (they are immutable).
    """
    if isinstance(name_or_path, tuple):
        inst_id, version = name_or_path
        return instrument_version(inst_id, version)
    bundled = bundled_instruments()
    if isinstance(name_or_path, str) and name_or_path in bundled:
        return _load_bundled(str(bundled[name_or_path]))
    if isinstance(name_or_path, str) and "@" in name_or_path and not Path(name_or_path).exists():
        inst_id, _, version = name_or_path.partition("@")
        return instrument_version(inst_id, version)
    path = Path(name_or_path)
    if not path.exists():
        known = ", ".join(sorted(bundled)) or "none"
        raise InstrumentError(
            str(name_or_path),
            [f"no such file, and not a bundled instrument (bundled: {known})"],
        )
    return _read(path)


def instrument_version(instrument_id: str, version: str) -> Instrument:
    """The bundled instrument ``instrument_id`` at exactly ``version`` (e.g. a stored answer's).

    Raises :class:`InstrumentError` naming the versions that exist when there is no such one.
    """
    versions = bundled_versions().get(instrument_id)
    if versions is None:
        known = ", ".join(sorted(bundled_versions())) or "none"
        raise InstrumentError(
            f"{instrument_id}@{version}",
            [f"no bundled instrument {instrument_id!r} (bundled: {known})"],
        )
    path = versions.get(version)
    if path is None:
        known = ", ".join(v for v in versions if v) or "none"
        raise InstrumentError(
            f"{instrument_id}@{version}",
            [f"instrument {instrument_id!r} has no version {version!r} (versions: {known})"],
        )
    return _load_bundled(str(path))


@functools.cache
def _load_bundled(path: str) -> Instrument:
    inst = _read(Path(path))
    name = Path(path).name.removesuffix(".yaml")
    if "@" in name and name.partition("@")[2] != inst.version:
        raise InstrumentError(
            Path(path).name,
            [f"the file name says version {name.partition('@')[2]!r}, the file {inst.version!r}"],
        )
    return inst


def _read(path: Path) -> Instrument:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InstrumentError(
            str(path), [f"not UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from None
    except OSError as exc:
        raise InstrumentError(str(path), [f"cannot read the file ({exc.strerror})"]) from None
    return parse_instrument(text, source=path.name)


def parse_instrument(text: str, *, source: str = "<text>") -> Instrument:
    """Parse and validate a YAML definition; raise :class:`InstrumentError` listing every problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        raise InstrumentError(source, [f"not valid YAML{where}: {problem}"]) from None
    if not isinstance(raw, dict):
        raise InstrumentError(
            source, ["the file must be a YAML mapping with id, items, scales, ..."]
        )
    try:
        spec = InstrumentSpec.model_validate(raw)
    except ValidationError as exc:
        raise InstrumentError(source, [_describe(err, raw) for err in exc.errors()]) from None
    problems = _check_meaning(spec)
    if problems:
        raise InstrumentError(source, problems)
    return _compile(spec, source)


def _describe(err: Any, raw: Mapping[str, Any]) -> str:
    """Turn a pydantic error location into words naming the element by its id."""
    loc = list(err["loc"])
    parts: list[str] = []
    node: Any = raw
    i = 0
    while i < len(loc):
        key = loc[i]
        if isinstance(node, dict) and key in node:
            child = node[key]
            if isinstance(child, list) and i + 1 < len(loc) and isinstance(loc[i + 1], int):
                index = loc[i + 1]
                element = child[index] if index < len(child) else None
                label = key.rstrip("s") if isinstance(key, str) else str(key)
                if isinstance(element, dict) and "id" in element:
                    parts.append(f"{label} {element['id']!r}")
                else:
                    parts.append(f"{key}[{index}]")
                node = element
                i += 2
                continue
            parts.append(str(key))
            node = child
        else:
            parts.append(str(key))
            node = None
        i += 1
    where = " > ".join(parts) if parts else "top level"
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = "unknown field (check the spelling against docs/instruments.md)"
    elif err["type"] == "missing":
        message = "required field is missing"
    return f"{where}: {message}"


def _check_meaning(spec: InstrumentSpec) -> list[str]:
    problems: list[str] = []
    langs = spec.languages

    def need_langs(what: str, text: Text | None) -> None:
        if text is None:
            return
        missing = [lang for lang in langs if not text.get(lang, "").strip()]
        if missing:
            problems.append(f"{what}: text missing for language(s) {', '.join(missing)}")
        extra = sorted(set(text) - set(langs))
        if extra:
            problems.append(f"{what}: language(s) {', '.join(extra)} not listed in languages")

    need_langs("title", spec.title)

    for rs_id, rs in spec.response_scales.items():
        if rs.min >= rs.max:
            problems.append(
                f"response scale {rs_id!r}: min ({rs.min}) must be below max ({rs.max})"
            )
        for value, text in rs.anchors.items():
            if not rs.min <= value <= rs.max:
                problems.append(
                    f"response scale {rs_id!r}: anchor {value} is outside {rs.min}..{rs.max}"
                )
            need_langs(f"response scale {rs_id!r} anchor {value}", text)
        need_langs(f"response scale {rs_id!r} not_applicable", rs.not_applicable)
    if spec.default_response_scale not in spec.response_scales:
        problems.append(
            f"default_response_scale: {spec.default_response_scale!r} is not a response scale"
        )

    item_ids: dict[str, ItemSpec] = {}
    for item in spec.items:
        if item.id in item_ids:
            problems.append(f"item {item.id!r}: duplicate id")
        if item.id.startswith("-") or not item.id.strip():
            problems.append(f"item {item.id!r}: an id must not be empty or start with '-'")
        item_ids[item.id] = item
        need_langs(f"item {item.id!r}", item.text)
        if item.response_scale is not None and item.response_scale not in spec.response_scales:
            problems.append(
                f"item {item.id!r}: response_scale {item.response_scale!r} is not defined"
            )

    def scale_of(item: ItemSpec) -> str:
        return item.response_scale or spec.default_response_scale

    score_ids: dict[str, str] = {}
    for kind, entries in (("scale", spec.scales), ("composite", spec.composites)):
        for entry in entries:
            if entry.id in score_ids or entry.id in item_ids:
                problems.append(f"{kind} {entry.id!r}: id already used by another item or score")
            score_ids[entry.id] = kind
            need_langs(f"{kind} {entry.id!r} label", entry.label)
            need_langs(f"{kind} {entry.id!r} description", entry.description)

    scales = {s.id: s for s in spec.scales}
    for s in spec.scales:
        if not s.items and not s.scales:
            problems.append(f"scale {s.id!r}: needs items or scales")
        seen: set[str] = set()
        for ref in s.items:
            item_id = ref[1:] if ref.startswith("-") else ref
            if item_id not in item_ids:
                problems.append(f"scale {s.id!r}: unknown item {item_id!r}")
                continue
            if item_id in seen:
                problems.append(f"scale {s.id!r}: item {item_id!r} is listed twice")
            seen.add(item_id)
            if ref.startswith("-") and item_ids[item_id].reverse:
                problems.append(
                    f"scale {s.id!r}: item {item_id!r} is reverse-keyed in its definition and "
                    "again with '-' here; use one or the other"
                )
        for child in s.scales:
            if child not in scales:
                problems.append(f"scale {s.id!r}: unknown scale {child!r} in scales")
        if s.perceives is not None and s.perceives not in score_ids:
            problems.append(f"scale {s.id!r}: perceives unknown score {s.perceives!r}")

    # cycles among nested scales
    def visit(sid: str, path: tuple[str, ...]) -> None:
        if sid in path:
            cycle = " -> ".join((*path[path.index(sid) :], sid))
            problems.append(f"scale {sid!r}: nested scales form a cycle ({cycle})")
            return
        for child in scales[sid].scales if sid in scales else []:
            if child in scales:
                visit(child, (*path, sid))

    for sid in scales:
        visit(sid, ())
    if any("form a cycle" in p for p in problems):
        return _dedupe(problems)

    # every scale's items must share one response range
    flat = {sid: _flatten(sid, scales) for sid in scales}
    ranges: dict[str, tuple[int, int]] = {}
    for sid, keyed in flat.items():
        bounds = set()
        for ref, _sign in keyed:
            found = item_ids.get(ref)
            if found is None:
                continue
            rs_found = spec.response_scales.get(scale_of(found))
            if rs_found is not None:
                bounds.add((rs_found.min, rs_found.max))
        if len(bounds) > 1:
            problems.append(
                f"scale {sid!r}: its items use different response ranges {sorted(bounds)}"
            )
        elif bounds:
            ranges[sid] = bounds.pop()
        duplicates = {ref for ref, _ in keyed if [r for r, _ in keyed].count(ref) > 1}
        if duplicates:
            problems.append(
                f"scale {sid!r}: item(s) {', '.join(sorted(duplicates))} reached through more "
                "than one nested scale"
            )

    for c in spec.composites:
        bounds = set()
        for ref in c.mean_of:
            comp = ref[1:] if ref.startswith("-") else ref
            if comp not in score_ids:
                problems.append(f"composite {c.id!r}: unknown score {comp!r} in mean_of")
            elif comp in ranges:
                bounds.add(ranges[comp])
            elif comp == c.id:
                problems.append(f"composite {c.id!r}: refers to itself")
        order = [x.id for x in spec.composites]
        for ref in c.mean_of:
            comp = ref.lstrip("-")
            if score_ids.get(comp) == "composite" and order.index(comp) >= order.index(c.id):
                problems.append(
                    f"composite {c.id!r}: composite {comp!r} must be defined before it is used"
                )
        if len(bounds) > 1:
            problems.append(f"composite {c.id!r}: its scores use different ranges {sorted(bounds)}")
        elif bounds:
            ranges[c.id] = bounds.pop()

    form_ids: set[str] = set()
    for f in spec.forms:
        if f.id in form_ids:
            problems.append(f"form {f.id!r}: duplicate id")
        form_ids.add(f.id)
        need_langs(f"form {f.id!r} label", f.label)
        need_langs(f"form {f.id!r} instructions", f.instructions)
        for item_id in f.items:
            if item_id not in item_ids:
                problems.append(f"form {f.id!r}: unknown item {item_id!r}")
        dup = sorted({i for i in f.items if f.items.count(i) > 1})
        if dup:
            problems.append(f"form {f.id!r}: item(s) {', '.join(dup)} appear more than once")

    if spec.norms is not None:
        if not spec.norms.provisional and not (spec.norms.sample or "").strip():
            problems.append("norms: non-provisional norms must name their sample")
        for sid, norm in spec.norms.scores.items():
            if sid not in score_ids:
                problems.append(f"norms: unknown score {sid!r}")
            pct = sorted(norm.percentiles.items())
            if any(not 0 < p < 100 for p, _ in pct):
                problems.append(f"norms {sid!r}: percentiles must lie strictly between 0 and 100")
            if any(b[1] < a[1] for a, b in itertools.pairwise(pct)):
                problems.append(f"norms {sid!r}: percentile values must not decrease")
    for sid in spec.profile:
        if sid not in score_ids:
            problems.append(f"profile: unknown score {sid!r}")

    if spec.regions is not None:
        r = spec.regions
        for axis in (r.x, r.y):
            if axis not in score_ids:
                problems.append(f"regions: axis {axis!r} is not a score")
            if axis not in r.cuts:
                problems.append(f"regions: no cut point for axis {axis!r}")
        for name in r.cuts:
            if name not in (r.x, r.y):
                problems.append(f"regions: cut point for {name!r}, which is not an axis")
        combos: dict[tuple[str, str], str] = {}
        region_ids: set[str] = set()
        for region in r.regions:
            if region.id in region_ids:
                problems.append(f"region {region.id!r}: duplicate id")
            region_ids.add(region.id)
            need_langs(f"region {region.id!r} label", region.label)
            if set(region.when) != {r.x, r.y}:
                problems.append(
                    f"region {region.id!r}: 'when' must give high or low for {r.x} and {r.y}"
                )
                continue
            combo = (region.when[r.x], region.when[r.y])
            if combo in combos:
                problems.append(f"region {region.id!r}: same condition as region {combos[combo]!r}")
            combos[combo] = region.id
        if len(combos) == len(r.regions) and len(combos) != 4:
            problems.append(
                "regions: the four high/low combinations of the two axes each need a region"
            )

    region_names = {region.id for region in spec.regions.regions} if spec.regions else set()
    for flag in spec.flags:
        need_langs(f"flag {flag.id!r} label", flag.label)
        if flag.score not in score_ids:
            problems.append(f"flag {flag.id!r}: unknown score {flag.score!r}")
        if flag.counts_as is not None and flag.counts_as not in region_names:
            problems.append(f"flag {flag.id!r}: counts_as {flag.counts_as!r} is not a region")

    if spec.safety is not None:
        groups = {
            "items": spec.safety.items,
            "own_behaviour": spec.safety.own_behaviour,
            "danger_signs": spec.safety.danger_signs,
        }
        seen_safety: dict[str, str] = {}
        for group, listed in groups.items():
            for item_id in listed:
                if item_id in seen_safety:
                    problems.append(
                        f"safety: item {item_id!r} is in both {seen_safety[item_id]} and {group}"
                    )
                seen_safety[item_id] = group
        if spec.safety.danger_signs:
            mixed = [
                f.id
                for f in spec.forms
                if set(f.items) & set(spec.safety.danger_signs)
                and not set(f.items) <= set(spec.safety.danger_signs)
            ]
            for form_id in mixed:
                problems.append(
                    f"form {form_id!r}: danger-sign items must have a form of their own (it is "
                    "shown only after a positive answer)"
                )
        for item_id in [*spec.safety.items, *spec.safety.own_behaviour, *spec.safety.danger_signs]:
            safety_item = item_ids.get(item_id)
            if safety_item is None:
                problems.append(f"safety: unknown item {item_id!r}")
                continue
            srs = spec.response_scales.get(scale_of(safety_item))
            if srs is not None and not srs.min < spec.safety.at_or_above <= srs.max:
                problems.append(
                    f"safety: at_or_above {spec.safety.at_or_above} must lie above the lowest "
                    f"answer of item {item_id!r} ({srs.min}..{srs.max})"
                )
        if not spec.safety.triggers:
            problems.append(
                f"safety: triggers must name at least one of {', '.join(SAFETY_ACTIONS)}"
            )
    return _dedupe(problems)


def _dedupe(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))


def _flatten(sid: str, scales: Mapping[str, ScaleSpec]) -> list[tuple[str, int]]:
    """Keyed items of a scale and its nested scales, sign from the '-' prefix only."""
    out: list[tuple[str, int]] = []
    spec = scales[sid]
    for ref in spec.items:
        out.append((ref[1:], -1) if ref.startswith("-") else (ref, 1))
    for child in spec.scales:
        if child in scales:
            out.extend(_flatten(child, scales))
    return out


def _compile(spec: InstrumentSpec, source: str) -> Instrument:
    response_scales = {
        rs_id: ResponseScale(
            rs_id,
            rs.min,
            rs.max,
            dict(rs.anchors),
            dict(rs.not_applicable) if rs.not_applicable else None,
        )
        for rs_id, rs in spec.response_scales.items()
    }
    items = tuple(
        Item(
            id=i.id,
            text=dict(i.text),
            reverse=i.reverse,
            scale=response_scales[i.response_scale or spec.default_response_scale],
        )
        for i in spec.items
    )
    by_id = {i.id: i for i in items}
    specs = {s.id: s for s in spec.scales}
    scales = []
    bounds: dict[str, tuple[int, int]] = {}
    for s in spec.scales:
        keys = tuple(
            (item_id, -sign if by_id[item_id].reverse else sign)
            for item_id, sign in _flatten(s.id, specs)
        )
        rs = by_id[keys[0][0]].scale
        bounds[s.id] = (rs.min, rs.max)
        scales.append(
            Scale(
                id=s.id,
                label=dict(s.label),
                description=dict(s.description) if s.description else None,
                keys=keys,
                children=tuple(s.scales),
                min_answered=spec.min_answered if s.min_answered is None else s.min_answered,
                perceives=s.perceives,
                min=rs.min,
                max=rs.max,
            )
        )
    composites = []
    for c in spec.composites:
        components = tuple((ref[1:], -1) if ref.startswith("-") else (ref, 1) for ref in c.mean_of)
        lo, hi = bounds[components[0][0]]
        bounds[c.id] = (lo, hi)
        composites.append(
            Composite(
                id=c.id,
                label=dict(c.label),
                description=dict(c.description) if c.description else None,
                components=components,
                min=lo,
                max=hi,
            )
        )
    norms = None
    if spec.norms is not None:
        norms = Norms(
            provisional=spec.norms.provisional,
            sample=spec.norms.sample,
            note=spec.norms.note,
            scores={
                sid: Norm(n.mean, n.sd, n.reliability, n.n, tuple(sorted(n.percentiles.items())))
                for sid, n in spec.norms.scores.items()
            },
        )
    regions = None
    if spec.regions is not None:
        regions = RegionMap(
            x=spec.regions.x,
            y=spec.regions.y,
            anchored_cuts=dict(spec.regions.cuts),
            use_norms=spec.regions.use_norms,
            regions=tuple(Region(r.id, dict(r.label), dict(r.when)) for r in spec.regions.regions),
        )
    return Instrument(
        id=spec.id,
        version=spec.version,
        title=dict(spec.title),
        languages=tuple(spec.languages),
        min_answered=spec.min_answered,
        response_scales=response_scales,
        items=items,
        scales=tuple(scales),
        composites=tuple(composites),
        forms=tuple(Form(f.id, dict(f.label), f.instructions, tuple(f.items)) for f in spec.forms),
        norms=norms,
        regions=regions,
        flags=tuple(
            Flag(f.id, dict(f.label), f.score, f.at_or_above, f.counts_as) for f in spec.flags
        ),
        safety=(
            Safety(
                tuple(spec.safety.items),
                spec.safety.at_or_above,
                tuple(spec.safety.triggers),
                tuple(spec.safety.own_behaviour),
                tuple(spec.safety.danger_signs),
            )
            if spec.safety
            else None
        ),
        profile=tuple(spec.profile),
        source=source,
    )


# --------------------------------------------------------------------------------------------
# psych-style keys
# --------------------------------------------------------------------------------------------


def load_keys(path: str | Path) -> dict[str, list[str]]:
    """Read a keys file: CSV with one column per scale, or JSON ``{"scale": ["item", "-item"]}``."""
    path = Path(path)
    source = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InstrumentError(str(path), ["no such keys file"]) from None
    except UnicodeDecodeError as exc:
        raise InstrumentError(source, [f"not UTF-8 text (byte {exc.start})"]) from None
    if path.suffix.lower() == ".json":
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InstrumentError(
                source, [f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
            ) from None
        if not isinstance(raw, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in raw.values()
        ):
            raise InstrumentError(
                source,
                ['keys JSON must map each scale to a list of item names, e.g. {"S1": ["a", "-b"]}'],
            )
        return {str(k): list(v) for k, v in raw.items()}
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InstrumentError(source, ["the keys file is empty"])
    header = [h.strip() for h in rows[0]]
    keys: dict[str, list[str]] = {h: [] for h in header}
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            raise InstrumentError(
                source, [f"line {line_no}: more cells than scale names in the header"]
            )
        for name, cell in zip(header, row, strict=False):
            if cell.strip():
                keys[name].append(cell.strip())
    return keys


def instrument_from_keys(
    keys: Mapping[str, Sequence[str]],
    *,
    min: int,
    max: int,
    min_answered: float = 0.75,
    source: str = "keys",
) -> Instrument:
    """Build an instrument from psych-style keys (``'-'`` marks a reversed item)."""
    problems: list[str] = []
    if min >= max:
        problems.append(f"--min ({min}) must be below --max ({max})")
    if not keys:
        problems.append("no scales in the keys")
    item_order: dict[str, None] = {}
    for scale_id, refs in keys.items():
        if not refs:
            problems.append(f"scale {scale_id!r}: no items")
        names = [r[1:] if r.startswith("-") else r for r in refs]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            problems.append(f"scale {scale_id!r}: item(s) {', '.join(dup)} listed twice")
        for n in names:
            if not n:
                problems.append(f"scale {scale_id!r}: an empty item name")
            item_order[n] = None
    clash = sorted(set(keys) & set(item_order))
    if clash:
        problems.append(f"scale name(s) {', '.join(clash)} are also item names")
    if problems:
        raise InstrumentError(source, problems)
    rs = ResponseScale("keys", min, max, {})
    items = tuple(Item(i, {"en": i}, False, rs) for i in item_order)
    scales = tuple(
        Scale(
            id=sid,
            label={"en": sid},
            description=None,
            keys=tuple((r[1:], -1) if r.startswith("-") else (r, 1) for r in refs),
            children=(),
            min_answered=min_answered,
            perceives=None,
            min=min,
            max=max,
        )
        for sid, refs in keys.items()
    )
    return Instrument(
        id=source,
        version="keys",
        title={"en": source},
        languages=("en",),
        min_answered=min_answered,
        response_scales={"keys": rs},
        items=items,
        scales=scales,
        forms=(Form("all", {"en": "all items"}, None, tuple(item_order)),),
        source=source,
    )
