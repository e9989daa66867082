"""Score data files: read in chunks, validate, score, write, and never leave half a file.

This is the glue between files (:mod:`twofold.tables`) and the science core: it turns Arrow
columns into validated :class:`~twofold.core.Responses`, scores them, lays the results out as
columns named after the scores, and carries every non-item column through untouched.

Memory stays flat for any file size: one chunk of rows is in flight at a time (imputation reads
the file twice: once for the item means or medians, once to score). Problems are collected across
chunks (up to a limit) with their row and column; if there is any, nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from twofold.core import (
    Instrument,
    ItemStats,
    PersonProfile,
    Problem,
    Profiles,
    ResponseError,
    Responses,
    couples,
    profile,
)
from twofold.core.couples import CoupleError
from twofold.core.instrument import bundled_versions, instrument_version
from twofold.core.responses import MAX_PROBLEMS
from twofold.core.scoring import Impute
from twofold.errors import UserError
from twofold.exports.labelled import score_labels
from twofold.tables import AtomicWriter, iter_batches, read_table

__all__ = [
    "ScoreOptions",
    "couple_table",
    "item_stats",
    "norm_set_name",
    "person_profile",
    "profile_columns",
    "responses_from_batch",
    "score_file",
    "select_items",
]

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ScoreOptions:
    min_answered: float | None = None
    impute: Impute = "none"
    id_column: str | None = None
    delimiter: str | None = None
    encoding: str = "utf-8"
    chunk_rows: int = 65_536
    intervals: bool = False


def select_items(instrument: Instrument, forms: list[str] | None) -> Instrument:
    """Restrict an instrument to the items of the named forms (all items when ``forms`` is empty)."""
    if not forms:
        return instrument
    try:
        items = instrument.items_of_forms(forms)
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from None
    return instrument.restrict_to_items(items)


def _column_to_numpy(
    name: str, col: pa.Array | pa.ChunkedArray, row_offset: int, problems: list[Problem]
) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Return (values, answered-or-None) for one item column, or None after noting a problem."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    t = col.type
    if pa.types.is_integer(t):
        # zero-copy values; cells under nulls hold anything, the answered mask covers them
        validity, data = col.buffers()[:2]
        n, offset = len(col), col.offset
        values = np.frombuffer(data, dtype=t.to_pandas_dtype(), count=offset + n)[offset:]
        if col.null_count == 0 or validity is None:
            return values, None
        bits = np.frombuffer(validity, dtype=np.uint8)
        answered = np.unpackbits(bits, count=offset + n, bitorder="little")[offset:].view(bool)
        return values, answered
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False), None
    if pa.types.is_null(t):
        return np.full(len(col), np.nan), None
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        values = col.to_pylist()
        out = np.full(len(values), np.nan)
        for i, v in enumerate(values):
            if v is None or v.strip() in ("", "NA", "NaN", "nan", "null"):
                continue
            try:
                out[i] = float(v)
            except ValueError:
                if len(problems) < MAX_PROBLEMS:
                    problems.append(
                        Problem(f"{v!r} is not a number", row=row_offset + i + 1, column=name)
                    )
        return out, None
    problems.append(Problem(f"holds {t} values; answers must be whole numbers", column=name))
    return None


def responses_from_batch(
    instrument: Instrument, batch: pa.RecordBatch | pa.Table, *, row_offset: int = 0
) -> Responses:
    """Validate the item columns of an Arrow batch; raise ResponseError naming rows and columns."""
    names = set(batch.schema.names)
    missing = [i for i in instrument.item_ids if i not in names]
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise ResponseError([Problem(f"missing item column(s): {shown}")])
    problems: list[Problem] = []
    columns: dict[str, np.ndarray] = {}
    answered: dict[str, np.ndarray] = {}
    for item_id in instrument.item_ids:
        got = _column_to_numpy(item_id, batch.column(item_id), row_offset, problems)
        if got is None:
            continue
        columns[item_id], mask = got
        if mask is not None:
            answered[item_id] = mask
    if problems:
        raise ResponseError(problems, truncated=len(problems) >= MAX_PROBLEMS)
    return Responses.from_columns(instrument, columns, answered=answered, row_offset=row_offset)


def _float_array(x: np.ndarray) -> pa.Array:
    """A float Arrow array sharing ``x``'s memory, with NaN marked as null (missing)."""
    x = np.ascontiguousarray(x)
    missing = np.isnan(x)
    arrow_type = pa.from_numpy_dtype(x.dtype)
    if not missing.any():
        return pa.Array.from_buffers(arrow_type, len(x), [None, pa.py_buffer(x)])
    validity = np.packbits(~missing, bitorder="little")
    return pa.Array.from_buffers(
        arrow_type, len(x), [pa.py_buffer(validity), pa.py_buffer(x)], null_count=int(missing.sum())
    )


def profile_columns(profiles: Profiles, *, intervals: bool = False) -> dict[str, pa.Array]:
    """Lay a profile out as named columns: scores, counts, intervals, region, flags, safety."""
    scores = profiles.scores
    cols: dict[str, pa.Array] = {}
    for k, sid in enumerate(scores.score_ids):
        cols[sid] = _float_array(scores.values[k])
    for k, scale in enumerate(profiles.instrument.scales):
        cols[f"{scale.id}_n"] = pa.array(scores.answered[k])
    if intervals:
        for k, sid in enumerate(profiles.interval_ids):
            cols[f"{sid}_lo"] = _float_array(profiles.lower[k])
            cols[f"{sid}_hi"] = _float_array(profiles.upper[k])
    for k, sid in enumerate(profiles.percentile_ids):
        cols[f"{sid}_pct"] = _float_array(profiles.percentiles[k])
    if profiles.region_ids:
        codes = profiles.region
        indices = pa.array(codes, type=pa.int8(), mask=codes < 0)
        cols["region"] = pa.DictionaryArray.from_arrays(indices, pa.array(profiles.region_ids))
        for k, rid in enumerate(profiles.region_ids):
            cols[f"p_{rid}"] = _float_array(profiles.region_prob[k])
    for k, fid in enumerate(profiles.flag_ids):
        f = profiles.flags[k]
        cols[fid] = pa.array(f == 1, type=pa.bool_(), mask=f < 0)
    if profiles.safety_state is not None:
        cols["safety_flag"] = _tri_state(profiles.safety_state)
    elif profiles.safety is not None:
        cols["safety_flag"] = pa.array(profiles.safety, type=pa.bool_())
    if profiles.own_behaviour_state is not None:
        cols["safety_own_behaviour"] = _tri_state(profiles.own_behaviour_state)
    if profiles.danger_sign_state is not None:
        cols["safety_danger_signs"] = _tri_state(profiles.danger_sign_state)
    norms = profiles.instrument.norms
    if norms is not None:
        cols["norm_set"] = pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(profiles.n_people, dtype=np.int8)),
            pa.array([norm_set_name(profiles.instrument)]),
        )
    return cols


def norm_set_name(instrument: Instrument) -> str:
    """The norm set behind intervals and region probabilities, as written in score output."""
    norms = instrument.norms
    if norms is None:
        return ""
    name = f"{instrument.id}@{instrument.version}"
    if norms.provisional:
        return f"{name} placeholder norms (not estimated from data)"
    return f"{name} norms: {norms.sample}"


def _tri_state(codes: np.ndarray) -> pa.Array:
    """True (a concern), False (no concern) or null (not answered)."""
    return pa.array(codes == 1, type=pa.bool_(), mask=codes < 0)


@dataclass
class _Run:
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False
    rows: int = 0
    ids: list[np.ndarray] = field(default_factory=list)

    def add(self, exc: ResponseError) -> None:
        room = MAX_PROBLEMS - len(self.problems)
        self.problems.extend(exc.problems[:room])
        if exc.truncated or len(exc.problems) > room:
            self.truncated = True

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS


def _batches(path: Path, instrument: Instrument, options: ScoreOptions) -> Iterator[pa.RecordBatch]:
    return iter_batches(
        path,
        float_columns=set(instrument.item_ids),
        rows=options.chunk_rows,
        delimiter=options.delimiter,
        encoding=options.encoding,
        other_as_text=True,
    )


def _older_version_hint(instrument: Instrument, names: list[str]) -> str:
    """Name an older bundled version of the instrument whose items the file has, if any."""
    present = set(names)
    versions = bundled_versions().get(instrument.id, {})
    for version in reversed(list(versions)):
        if not version or version == instrument.version:
            continue
        older = instrument_version(instrument.id, version)
        if set(older.item_ids) <= present:
            return (
                f" (the file has every item of {instrument.id}@{version}; "
                f"pass --instrument {instrument.id}@{version} to score it with that version)"
            )
    return ""


def _check_columns(
    path: Path, instrument: Instrument, names: list[str], options: ScoreOptions
) -> list[str]:
    """Return the carried (non-item) columns, or raise naming missing items and clashes."""
    missing = [i for i in instrument.item_ids if i not in names]
    if missing:
        shown = ", ".join(missing[:12]) + (
            f" and {len(missing) - 12} more" if len(missing) > 12 else ""
        )
        hint = _older_version_hint(instrument, names)
        if not hint and instrument.forms and len(instrument.forms) > 1:
            hint = f" (to score only some forms, pass --form; forms: {', '.join(f.id for f in instrument.forms)})"
        raise UserError(f"{path.name}: missing item column(s): {shown}{hint}")
    items = set(instrument.item_ids)
    carried = [n for n in names if n not in items]
    if options.id_column is not None and options.id_column not in names:
        raise UserError(
            f"{path.name}: no column {options.id_column!r} for --id (columns: {', '.join(names[:15])})"
        )
    return carried


def _output_names(instrument: Instrument) -> set[str]:
    names = set(instrument.score_ids)
    names |= {f"{s.id}_{suffix}" for s in instrument.scales for suffix in ("n", "lo", "hi", "pct")}
    names |= {f"{c.id}_{suffix}" for c in instrument.composites for suffix in ("lo", "hi", "pct")}
    names |= {"region", "safety_flag", "safety_own_behaviour", "safety_danger_signs", "norm_set"}
    names |= {f.id for f in instrument.flags}
    if instrument.regions is not None:
        names |= {f"p_{r.id}" for r in instrument.regions.regions}
    return names


def score_file(
    path: str | Path,
    out: str | Path,
    instrument: Instrument,
    options: ScoreOptions = ScoreOptions(),
    *,
    progress: Progress | None = None,
    centres: np.ndarray | None = None,
) -> int:
    """Score every row of ``path`` into ``out``; return the number of rows written.

    With imputation the item centres come from the file itself, unless ``centres`` gives them
    (e.g. computed over many files by :mod:`twofold.dask_scoring`)."""
    path, out = Path(path), Path(out)
    if path.resolve() == out.resolve():
        raise UserError(f"{out.name}: the output would overwrite the input; choose another --out")
    if options.impute != "none" and centres is None:
        stats = item_stats(path, instrument, options)
        centres = stats.centres("mean" if options.impute == "mean" else "median")
    run = _Run()
    # Writing (compression, encoding) runs on its own thread and overlaps the next chunk's
    # reading and scoring; at most one chunk waits to be written.
    with AtomicWriter(out) as writer, ThreadPoolExecutor(max_workers=1) as background:
        pending: Future[None] | None = None
        carried: list[str] | None = None
        for batch in _batches(path, instrument, options):
            if carried is None:
                carried = _check_columns(path, instrument, batch.schema.names, options)
                clash = sorted(set(carried) & _output_names(instrument))
                if clash:
                    raise UserError(
                        f"{path.name}: column(s) {', '.join(clash)} would be overwritten by scores; "
                        "rename them"
                    )
                writer.statistics = carried  # min/max statistics for the input's own columns only
                writer.labels = score_labels(instrument)  # used by .sav/.dta only
            offset = run.rows
            run.rows += batch.num_rows
            if options.id_column is not None:
                run.ids.append(batch.column(options.id_column).to_numpy(zero_copy_only=False))
            try:
                responses = responses_from_batch(instrument, batch, row_offset=offset)
            except ResponseError as exc:
                run.add(exc)
                if run.full:
                    break
                continue
            if run.problems:
                continue  # keep validating; nothing more is written
            prof = profile(
                instrument,
                responses,
                min_answered=options.min_answered,
                impute=options.impute,
                centres=centres,
            )
            cols = {name: batch.column(name) for name in carried}
            cols.update(profile_columns(prof, intervals=options.intervals))
            if pending is not None:
                pending.result()
            pending = background.submit(writer.write, pa.RecordBatch.from_pydict(cols))
            if progress is not None:
                progress(batch.num_rows)
        if pending is not None:
            pending.result()
        if carried is None:
            raise UserError(f"{path.name}: the file has a header but no rows")
        if run.problems:
            raise UserError(
                f"{path.name}: {len(run.problems)} problem(s) in the answers"
                + (" (stopped at the limit)" if run.truncated else "")
                + "; nothing was written",
                [str(p) for p in run.problems],
            )
        if run.ids:
            _check_unique_ids(path, options.id_column or "", np.concatenate(run.ids))
    return run.rows


def _check_unique_ids(path: Path, column: str, ids: np.ndarray) -> None:
    if ids.dtype == object:
        ids = ids.astype(str)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    dup = np.flatnonzero(sorted_ids[1:] == sorted_ids[:-1])
    if dup.size:
        problems = []
        for k in dup[:10]:
            rows = sorted(order[[k, k + 1]] + 1)
            problems.append(
                f"rows {rows[0]} and {rows[1]}: {column} {sorted_ids[k : k + 1].tolist()[0]!r} is used twice"
            )
        if dup.size > 10:
            problems.append(f"... {dup.size - 10} more")
        raise UserError(
            f"{path.name}: duplicate person ids in column {column!r}; nothing was written", problems
        )


def item_stats(path: str | Path, instrument: Instrument, options: ScoreOptions) -> ItemStats:
    """Validate every row of ``path`` and count each answer per item (mergeable across files)."""
    path = Path(path)
    stats: ItemStats | None = None
    run = _Run()
    checked = False
    for batch in _batches(path, instrument, options):
        if not checked:
            _check_columns(path, instrument, batch.schema.names, options)
            checked = True
        offset = run.rows
        run.rows += batch.num_rows
        try:
            responses = responses_from_batch(instrument, batch, row_offset=offset)
        except ResponseError as exc:
            run.add(exc)
            if run.full:
                break
            continue
        part = ItemStats.of(instrument, responses)
        stats = part if stats is None else stats.merge(part)
    if run.problems:
        raise UserError(
            f"{path.name}: {len(run.problems)} problem(s) in the answers; nothing was written",
            [str(p) for p in run.problems],
        )
    if stats is None:
        raise UserError(f"{path.name}: the file has a header but no rows")
    return stats


def _profile_whole_file(
    path: Path, instrument: Instrument, options: ScoreOptions, needed: dict[str, str]
) -> tuple[pa.Table, Profiles]:
    """Read a whole file, check the named columns exist (``{column: option}``), and profile it."""
    table = read_table(
        path,
        float_columns=set(instrument.item_ids),
        delimiter=options.delimiter,
        encoding=options.encoding,
        other_as_text=True,
    )
    if table.num_rows == 0:
        raise UserError(f"{path.name}: the file has a header but no rows")
    for column, option in needed.items():
        if column not in table.schema.names:
            raise UserError(f"{path.name}: no column {column!r} for {option}")
    _check_columns(path, instrument, table.schema.names, options)
    try:
        responses = responses_from_batch(instrument, table)
    except ResponseError as exc:
        raise UserError(
            f"{path.name}: problems in the answers; nothing was written",
            [str(p) for p in exc.problems],
        ) from None
    prof = profile(instrument, responses, min_answered=options.min_answered, impute=options.impute)
    return table, prof


def couple_table(
    path: str | Path,
    instrument: Instrument,
    couple_column: str,
    options: ScoreOptions = ScoreOptions(),
) -> tuple[pa.Table, Any]:
    """Score a whole file and return one row per couple (and the couple results)."""
    path = Path(path)
    needed = {couple_column: "--couple-col"}
    if options.id_column is not None:
        needed[options.id_column] = "--id"
    table, prof = _profile_whole_file(path, instrument, options, needed)
    raw_ids = table.column(couple_column).to_pylist()
    empty = [i + 1 for i, v in enumerate(raw_ids) if v is None or str(v).strip() == ""]
    if empty:
        raise UserError(
            f"{path.name}: rows {', '.join(map(str, empty[:10]))} have no couple id in {couple_column!r}"
        )
    ids = np.array([str(v) for v in raw_ids], dtype=object)
    try:
        result = couples(prof, ids)
    except CoupleError as exc:
        raise UserError(f"{path.name}: couples must be pairs", exc.problems) from None
    person_col = options.id_column
    cols: dict[str, Any] = {couple_column: pa.array(result.couple_ids.astype(str))}
    if person_col is not None:
        persons = table.column(person_col)
        cols["person_a"] = persons.take(pa.array(result.row_a))
        cols["person_b"] = persons.take(pa.array(result.row_b))
    if prof.region_ids:
        names = prof.region_names()
        cols["region_a"] = pa.array([names[i] for i in result.row_a], pa.string())
        cols["region_b"] = pa.array([names[i] for i in result.row_b], pa.string())
        patterns = result.pattern_names()
        cols["pattern"] = pa.array(patterns, pa.string())
        cols["map_distance"] = _float_array(result.distance)
    if result.profile_ids:
        cols["profile_similarity"] = _float_array(result.similarity)
    for k, facet in enumerate(result.understanding_ids):
        cols[f"understanding_{facet}_a_of_b"] = _float_array(result.understanding[k, 0])
        cols[f"understanding_{facet}_b_of_a"] = _float_array(result.understanding[k, 1])
    if prof.safety is not None:
        cols["safety_concern"] = pa.array(prof.safety[result.row_a] | prof.safety[result.row_b])
    return pa.table(cols), (prof, result)


def change_table(
    before: str | Path,
    after: str | Path,
    instrument: Instrument,
    id_column: str,
    options: ScoreOptions = ScoreOptions(),
) -> pa.Table:
    """Reliable change per person and normed score between two files matched on ``id_column``.

    One row per person present in both files; for every score with norms: its value before and
    after, the reliable change index and the direction (+1 up, -1 down, 0 no reliable change).
    """
    from twofold.core import reliable_change

    profiles = []
    id_lists = []
    for path in (Path(before), Path(after)):
        table, prof = _profile_whole_file(path, instrument, options, {id_column: "--id"})
        ids = np.array([str(v) for v in table.column(id_column).to_pylist()], dtype=object)
        _check_unique_ids(path, id_column, ids)
        profiles.append(prof)
        id_lists.append(ids)
    common, first, second = np.intersect1d(id_lists[0], id_lists[1], return_indices=True)
    if common.size == 0:
        raise UserError(f"no person appears in both files (matched on {id_column!r})")
    order = np.argsort(first, kind="stable")  # keep the first file's order
    first, second, common = first[order], second[order], common[order]
    cols: dict[str, Any] = {id_column: pa.array(common.astype(str))}
    p1, p2 = profiles
    for k, sid in enumerate(p1.interval_ids):
        x1 = p1.scores[sid][first]
        x2 = p2.scores[sid][second]
        change = reliable_change(x1, x2, sem=float(p1.sem[k]))
        cols[f"{sid}_before"] = _float_array(x1)
        cols[f"{sid}_after"] = _float_array(x2)
        cols[f"{sid}_rci"] = _float_array(change.rci)
        direction = change.direction
        cols[f"{sid}_change"] = pa.array(direction, type=pa.int8(), mask=np.isnan(change.rci))
    if not p1.interval_ids:
        raise UserError(f"instrument {instrument.id!r} has no norms, so no SEM for reliable change")
    return pa.table(cols)


def person_profile(
    path: str | Path,
    instrument: Instrument,
    *,
    id_column: str,
    person: str | None,
    options: ScoreOptions = ScoreOptions(),
) -> PersonProfile:
    """Score a file and return one person's profile: the row whose ``id_column`` is ``person``.

    With ``person=None`` the file must hold exactly one row, which is taken whatever its id.
    """
    path = Path(path)
    needed = {} if person is None else {id_column: "--id"}
    table, prof = _profile_whole_file(path, instrument, options, needed)
    if person is None:
        if table.num_rows != 1:
            raise UserError(
                f"{path.name}: {table.num_rows:,} rows; choose one with --person "
                f"(its id in column {id_column!r}, or name another column with --id)"
            )
        return prof.person(0)
    ids = [None if v is None else str(v) for v in table.column(id_column).to_pylist()]
    rows = [i for i, v in enumerate(ids) if v == person]
    if not rows:
        raise UserError(f"{path.name}: no row has {person!r} in column {id_column!r}")
    if len(rows) > 1:
        shown = ", ".join(str(i + 1) for i in rows[:10])
        raise UserError(f"{path.name}: rows {shown} all have {person!r} in column {id_column!r}")
    return prof.person(rows[0])
