"""Score many Parquet files on a Dask cluster: ``twofold score 'DIR/*.parquet' --engine dask``.

Each input file is one task. A worker runs exactly what one process runs
(:func:`twofold.pipeline.score_file`: the same validation of every cell, the same scoring) and
writes its part into a staging folder beside the output. The driver gathers every part's rows and
problems; only when every part is written and none has a problem is the staging folder renamed to
the output folder, so nothing half-written is ever left. With imputation, the answer counts per item
(:class:`twofold.core.responses.ItemStats`, mergeable) are gathered from every file first, so a
missing answer is filled with the centre of all files, as one process would fill it.

Dask does the scheduling (``distributed``; a ``LocalCluster`` on this machine when no scheduler
address is given). Workers of a remote scheduler must see the same file system: tasks carry paths,
not data.
"""

from __future__ import annotations

import glob
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np

from twofold.core import Instrument
from twofold.core.responses import ItemStats
from twofold.errors import UserError
from twofold.pipeline import ScoreOptions, item_stats, score_file

__all__ = ["expand_pattern", "score_files_dask"]

# At most this many problems are reported across all files (each file also stops at its limit).
MAX_REPORTED = 50
PER_FILE = 5


@dataclass
class _Part:
    source: str
    rows: int = 0
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    ids: Any = None
    schema: list[str] = field(default_factory=list)


def expand_pattern(pattern: str | Path) -> list[Path]:
    """The Parquet files a pattern names (a glob, a folder, or one file), sorted; never empty."""
    text = str(pattern)
    base = Path(text)
    if base.is_dir():
        found = sorted(base.glob("*.parquet"))
    elif any(c in text for c in "*?["):
        found = sorted(Path(p) for p in glob.glob(text))
    else:
        found = [base] if base.exists() else []
    if not found:
        raise UserError(f"{text}: no Parquet files match")
    other = [p.name for p in found if p.suffix.lower() != ".parquet"]
    if other:
        raise UserError(
            f"{text}: --engine dask reads Parquet files only; not Parquet: {', '.join(other[:5])}"
        )
    return found


def _stats_of(path: str, instrument: Instrument, options: ScoreOptions) -> ItemStats | str:
    try:
        return item_stats(path, instrument, options)
    except UserError as exc:
        return str(exc)


def _score_part(
    path: str,
    target: str,
    instrument: Instrument,
    options: ScoreOptions,
    centres: np.ndarray | None,
) -> _Part:
    import pyarrow.parquet as pq

    part = _Part(source=Path(path).name)
    try:
        part.rows = score_file(path, target, instrument, options, centres=centres)
    except UserError as exc:
        part.error, part.problems = exc.summary, exc.problems
        return part
    table_schema = pq.read_schema(target)
    part.schema = [f"{f.name}:{f.type}" for f in table_schema]
    if options.id_column is not None:
        part.ids = (
            pq.read_table(target, columns=[options.id_column])
            .column(0)
            .to_numpy(zero_copy_only=False)
        )
    return part


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise UserError(f"--scheduler {scheduler}: cannot reach it ({exc})") from None
        try:
            yield client
        finally:
            client.close()
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _check_ids(parts: list[_Part], column: str) -> None:
    seen: dict[str, str] = {}
    problems = []
    for part in parts:
        for value in np.asarray(part.ids).astype(str).tolist():
            first = seen.setdefault(value, part.source)
            if first != part.source:
                problems.append(f"{column} {value!r} is in {first} and in {part.source}")
                if len(problems) >= 10:
                    break
    if problems:
        raise UserError(
            f"duplicate person ids across files in column {column!r}; nothing was written",
            problems,
        )


def score_files_dask(
    pattern: str | Path,
    out_dir: str | Path,
    instrument: Instrument,
    options: ScoreOptions | None = None,
    *,
    scheduler: str | None = None,
    workers: int = 2,
) -> int:
    """Score every Parquet file ``pattern`` names into the folder ``out_dir`` (one part per file,
    in input order); return the number of rows written. Raise :class:`UserError` naming every
    file's problems, leaving nothing behind, if any file has one."""
    options = options or ScoreOptions()
    paths = expand_pattern(pattern)
    out_dir = Path(out_dir)
    if out_dir.exists():
        raise UserError(f"{out_dir}: already exists; --engine dask writes a new folder")
    if not out_dir.parent.is_dir():
        raise UserError(f"{out_dir.parent}: no such folder for the output")
    staging = out_dir.parent / f".{out_dir.name}.partial-{uuid.uuid4().hex[:8]}"
    with _client(scheduler, workers) as client:
        centres = None
        if options.impute != "none":
            gathered = client.gather(
                client.map(
                    _stats_of, [str(p) for p in paths], instrument=instrument, options=options
                )
            )
            errors = [g for g in gathered if isinstance(g, str)]
            if errors:
                raise UserError(f"{len(errors)} file(s) have problems; nothing was written", errors)
            stats = reduce(ItemStats.merge, gathered)
            centres = stats.centres("mean" if options.impute == "mean" else "median")
        staging.mkdir()
        try:
            targets = [str(staging / f"part-{k:05d}.parquet") for k in range(len(paths))]
            futures = client.map(
                _score_part,
                [str(p) for p in paths],
                targets,
                instrument=instrument,
                options=options,
                centres=centres,
            )
            parts: list[_Part] = client.gather(futures)
            _raise_for_problems(parts)
            if options.id_column is not None:
                _check_ids(parts, options.id_column)
            staging.rename(out_dir)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
    return sum(p.rows for p in parts)


def _raise_for_problems(parts: list[_Part]) -> None:
    bad = [p for p in parts if p.error is not None]
    if bad:
        problems: list[str] = []
        for part in bad:
            problems.append(f"{part.error}")
            problems.extend(f"{part.source}: {q}" for q in part.problems[:PER_FILE])
            if len(part.problems) > PER_FILE:
                problems.append(f"{part.source}: ... {len(part.problems) - PER_FILE} more")
        raise UserError(
            f"{len(bad)} of {len(parts)} file(s) have problems; nothing was written",
            problems[:MAX_REPORTED]
            + (
                [f"... {len(problems) - MAX_REPORTED} more"] if len(problems) > MAX_REPORTED else []
            ),
        )
    schemas = {tuple(p.schema) for p in parts}
    if len(schemas) > 1:
        first = parts[0]
        other = next(p for p in parts if p.schema != first.schema)
        raise UserError(
            "the files do not have the same columns, so their scores would not form one dataset; "
            "nothing was written",
            [
                f"{first.source}: {', '.join(first.schema)[:300]}",
                f"{other.source}: {', '.join(other.schema)[:300]}",
            ],
        )
