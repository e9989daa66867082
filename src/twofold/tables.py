"""Reading and writing data files: CSV, Parquet, Excel (XLSX) and JSON, as Arrow tables.

Every reader returns ``pyarrow`` data so column types survive untouched; :func:`read_table` reads
a whole file, :func:`iter_batches` streams it in chunks of rows (CSV and Parquet truly stream;
XLSX and JSON are read whole, then sliced). Bad files raise :class:`~twofold.errors.UserError`
naming the file and what is wrong: an unknown extension, an empty file, text that is not
UTF-8, a delimiter other than the one expected, duplicate column names.

Writers never leave half a file: :class:`AtomicWriter` writes to a temporary file beside the
target and renames it into place only on success.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from twofold.errors import UserError

__all__ = [
    "FORMATS",
    "AtomicWriter",
    "file_format",
    "iter_batches",
    "read_frame",
    "read_table",
    "row_count_hint",
]

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".sav": "sav",  # SPSS and Stata: written with variable and value labels (twofold.exports)
    ".dta": "dta",
}
_DELIMITERS = [",", ";", "\t", "|"]
MAX_COLUMNS = 10_000
"""More columns than any instrument needs: refused before the rows are read (bounded memory)."""
MAX_WHOLE_FILE_BYTES = 1 << 30
"""JSON and XLSX are read whole; larger files must be CSV or Parquet, which stream."""
_NULLS = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "."]


def file_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise UserError(
            f"{Path(path).name}: unknown file type {suffix or '(none)'!r}; use one of {known}"
        )
    return FORMATS[suffix]


def check_text_options(delimiter: str | None, encoding: str) -> None:
    """Refuse a delimiter or an encoding that cannot read a text file, naming the option."""
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '\r\n"'):
        raise UserError(
            f"--delimiter {delimiter!r}: give one character other than a quote or a line break "
            "(e.g. ',' or ';')"
        )
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        raise UserError(
            f"--encoding {encoding!r}: not a text encoding Python knows (e.g. utf-8, latin-1)"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise UserError(f"--encoding {encoding!r}: not a text encoding (e.g. utf-8, latin-1)")


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a file")
    if not path.is_file():
        raise UserError(f"{path}: not a regular file (a device, pipe or socket); save it first")
    if path.stat().st_size == 0:
        raise UserError(f"{path.name}: the file is empty")


def _sniff_csv(path: Path, encoding: str, delimiter: str | None) -> tuple[str, list[str]]:
    """Return the delimiter and header, checking the encoding of the first part of the file."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the 1 MiB window
            text = head[: exc.start].decode(encoding)
        else:
            line = head[: exc.start].count(b"\n") + 1
            raise UserError(
                f"{path.name}: not {encoding} text (byte 0x{head[exc.start]:02x} on line {line}); "
                "save it as UTF-8 or pass --encoding (e.g. --encoding latin-1)"
            ) from None
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise UserError(f"{path.name}: no header line (the first line is empty)")
    first = lines[0]
    if delimiter is None:
        counts = {d: first.count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=lambda d: counts[d])
        if counts[delimiter] == 0:
            delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    header = next(csv.reader([first], delimiter=delimiter))
    if len(header) == 1 and any(d in first for d in _DELIMITERS if d != delimiter):
        raise UserError(
            f"{path.name}: the header has one column; the file seems to use another delimiter "
            "(pass --delimiter)"
        )
    return delimiter, [h.strip() for h in header]


def _check_header(path: Path, names: list[str]) -> None:
    if len(names) > MAX_COLUMNS:
        raise UserError(
            f"{path.name}: {len(names):,} columns; at most {MAX_COLUMNS:,} are read "
            "(keep the id and the item columns)"
        )
    problems = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if not name:
            problems.append(f"column {i} has no name")
        elif name in seen:
            problems.append(f"column name {name!r} appears twice (columns {seen[name]} and {i})")
        seen.setdefault(name, i)
    if problems:
        raise UserError(f"{path.name}: bad header", problems)


def row_count_hint(path: str | Path) -> int | None:
    """Number of data rows when cheap to know (Parquet metadata), else None."""
    path = Path(path)
    if file_format(path) == "parquet":
        try:
            return int(pq.ParquetFile(path).metadata.num_rows)
        except (pa.ArrowException, OSError):
            return None
    return None


def iter_batches(
    path: str | Path,
    *,
    float_columns: set[str] | None = None,
    rows: int = 131_072,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    other_as_text: bool = False,
) -> Iterator[pa.RecordBatch]:
    """Yield the file's rows as record batches.

    ``float_columns`` are parsed as float64 in CSV files (so that ``2``, ``2.0`` and blanks all
    read; whether a value is a whole number is checked later, cell by cell, with its row). With
    ``other_as_text`` every other CSV column is kept as its exact text (ids like ``007`` stay).
    """
    path = Path(path)
    fmt = file_format(path)
    check_text_options(delimiter, encoding)
    _check_readable(path)
    if fmt == "parquet":
        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise UserError(f"{path.name}: not a readable Parquet file ({exc})") from None
        _check_header(path, pf.schema_arrow.names)
        yield from pf.iter_batches(batch_size=rows)
        return
    if fmt == "csv":
        yield from _csv_batches(
            path, float_columns or set(), rows, delimiter, encoding, other_as_text
        )
        return
    table = read_table(path, float_columns=float_columns, delimiter=delimiter, encoding=encoding)
    yield from table.to_batches(max_chunksize=rows)


def _csv_batches(
    path: Path,
    float_columns: set[str],
    rows: int,
    delimiter: str | None,
    encoding: str,
    other_as_text: bool,
) -> Iterator[pa.RecordBatch]:
    delimiter, header = _sniff_csv(path, encoding, delimiter)
    _check_header(path, header)
    types = {
        name: pa.float64() if name in float_columns else pa.string()
        for name in header
        if name in float_columns or other_as_text
    }
    read = pacsv.ReadOptions(block_size=1 << 24, encoding=encoding)
    parse = pacsv.ParseOptions(delimiter=delimiter)
    convert = pacsv.ConvertOptions(
        column_types=types,
        null_values=_NULLS,
        strings_can_be_null=not other_as_text,
        quoted_strings_can_be_null=not other_as_text,
    )
    try:
        reader = pacsv.open_csv(
            path, read_options=read, parse_options=parse, convert_options=convert
        )
        pending: list[pa.RecordBatch] = []
        size = 0
        for batch in reader:
            if batch.schema.names != header:
                batch = batch.rename_columns(header)
            pending.append(batch)
            size += batch.num_rows
            if size >= rows:
                yield from (
                    pa.Table.from_batches(pending).combine_chunks().to_batches(max_chunksize=rows)
                )
                pending, size = [], 0
        if pending:
            yield from (
                pa.Table.from_batches(pending).combine_chunks().to_batches(max_chunksize=rows)
            )
    except pa.ArrowInvalid as exc:
        raise _explain_csv_error(path, exc, header, float_columns, delimiter, encoding) from None


def _explain_csv_error(
    path: Path,
    exc: Exception,
    header: list[str],
    float_columns: set[str],
    delimiter: str,
    encoding: str,
) -> UserError:
    """Find the cells behind a pyarrow CSV error and name their rows and columns."""
    problems: list[str] = []
    message = str(exc)
    if "Expected" in message and "columns" in message:
        return UserError(
            f"{path.name}: a row has the wrong number of cells ({message.splitlines()[0]})"
        )
    try:
        with path.open(encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            next(reader)
            wanted = [(i, name) for i, name in enumerate(header) if name in float_columns]
            for row_no, row in enumerate(reader, start=1):
                for i, name in wanted:
                    cell = row[i].strip() if i < len(row) else ""
                    if cell in _NULLS:
                        continue
                    try:
                        float(cell)
                    except ValueError:
                        problems.append(f"row {row_no}, column {name!r}: {cell!r} is not a number")
                        if len(problems) >= 20:
                            break
                if len(problems) >= 20:
                    break
    except UnicodeDecodeError as err:
        return UserError(f"{path.name}: not {encoding} text ({err.reason} at byte {err.start})")
    if problems:
        return UserError(f"{path.name}: cells that are not answers", problems)
    return UserError(f"{path.name}: cannot read as CSV ({message.splitlines()[0]})")


def read_table(
    path: str | Path,
    *,
    float_columns: set[str] | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    other_as_text: bool = False,
) -> pa.Table:
    """Read a whole data file into an Arrow table (see :func:`iter_batches` for the options)."""
    path = Path(path)
    fmt = file_format(path)
    check_text_options(delimiter, encoding)
    _check_readable(path)
    if fmt in ("csv", "parquet"):
        batches = list(
            iter_batches(
                path,
                float_columns=float_columns,
                delimiter=delimiter,
                encoding=encoding,
                other_as_text=other_as_text,
            )
        )
        if fmt == "parquet":
            schema = pq.ParquetFile(path).schema_arrow
        else:
            schema = batches[0].schema if batches else pa.schema([])
        return pa.Table.from_batches(batches, schema=schema)
    if fmt == "xlsx":
        return _read_xlsx(path)
    if fmt in ("sav", "dta"):
        return _read_stat(path, fmt)
    return _read_json(path, lines=fmt == "jsonl", encoding=encoding)


def read_frame(path: str | Path, **kwargs: Any) -> Any:
    """Read a data file into a pandas DataFrame (numbers as float64, missing as NaN)."""
    table = read_table(path, **kwargs)
    frame = table.to_pandas()
    if frame.empty:
        raise UserError(f"{Path(path).name}: the file has a header but no rows")
    return frame


def _read_xlsx(path: Path) -> pa.Table:
    """Read the first sheet with openpyxl, keeping each cell's type (text stays text: '007')."""
    from openpyxl import load_workbook

    _check_size(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UserError(
            f"{path.name}: not a readable Excel workbook ({type(exc).__name__})"
        ) from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise UserError(f"{path.name}: the first sheet is empty")
        names = ["" if h is None else str(h).strip() for h in header]
        while names and not names[-1]:
            names.pop()
        _check_header(path, names)
        cells: list[list[Any]] = [[] for _ in names]
        for row in rows:
            if row is None or all(v is None for v in row):
                continue
            for j in range(len(names)):
                cells[j].append(row[j] if j < len(row) else None)
    finally:
        book.close()
    return pa.table(
        {name: _infer_column(values) for name, values in zip(names, cells, strict=True)}
    )


def _read_stat(path: Path, fmt: str) -> pa.Table:
    """An SPSS or Stata file's values as stored (codes, not their value labels)."""
    import pyreadstat

    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    try:
        frame, _ = reader(str(path))
    except Exception as exc:  # pyreadstat raises its own error types for a damaged file
        raise UserError(f"{path.name}: not a readable .{fmt} file ({exc})") from None
    return pa.Table.from_pandas(frame, preserve_index=False)


def _infer_column(values: list[Any]) -> pa.Array:
    """One typed column from Python values: numbers, booleans, else text (as written)."""
    kinds = {type(v) for v in values if v is not None}
    if kinds == {bool}:
        return pa.array(values, pa.bool_())
    if kinds and kinds <= {int, float}:
        if kinds == {int}:
            return pa.array(values, pa.int64())
        return pa.array([None if v is None else float(v) for v in values], pa.float64())
    return pa.array(
        [None if v is None else (v if isinstance(v, str) else _text(v)) for v in values],
        pa.string(),
    )


def _text(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > 18:
        raise UserError(f"a number with {len(text.lstrip('-'))} digits; at most 18 are read")
    return int(text)


def _loads(path: Path, text: str) -> Any:
    """``json.loads`` with bounded integers and nesting (a deep file is refused, not a crash)."""
    try:
        return json.loads(text, parse_int=_json_int)
    except RecursionError:
        raise UserError(f"{path.name}: JSON nested too deeply to be a table of answers") from None
    except UserError as exc:
        raise UserError(f"{path.name}: {exc}") from None


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_WHOLE_FILE_BYTES:
        raise UserError(
            f"{path.name}: {size / 2**20:,.0f} MiB; JSON and XLSX files are read whole, up to "
            f"{MAX_WHOLE_FILE_BYTES / 2**20:,.0f} MiB: save larger data as CSV or Parquet"
        )


def _read_json(path: Path, *, lines: bool, encoding: str) -> pa.Table:
    _check_size(path)
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise UserError(f"{path.name}: not {encoding} text (byte {exc.start})") from None
    records: list[Any] = []
    if lines:
        for line_no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(_loads(path, line))
            except json.JSONDecodeError as exc:
                raise UserError(f"{path.name}: line {line_no} is not JSON ({exc.msg})") from None
    else:
        try:
            data = _loads(path, text)
        except json.JSONDecodeError as exc:
            raise UserError(
                f"{path.name}: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})"
            ) from None
        if isinstance(data, dict) and all(isinstance(v, list) for v in data.values()):
            try:
                return pa.table(data)
            except (pa.ArrowException, ValueError) as exc:
                raise UserError(
                    f"{path.name}: columns of different lengths or types ({exc})"
                ) from None
        if not isinstance(data, list):
            raise UserError(
                f"{path.name}: JSON must be a list of records ([{{...}}, ...]) or an object of columns"
            )
        records = data
    bad = [i + 1 for i, r in enumerate(records) if not isinstance(r, dict)]
    if bad:
        raise UserError(f"{path.name}: record(s) {', '.join(map(str, bad[:10]))} are not objects")
    if not records:
        raise UserError(f"{path.name}: no records")
    names: dict[str, None] = {}
    for r in records:
        for k in r:
            names[k] = None
    columns: dict[str, list[Any]] = {name: [r.get(name) for r in records] for name in names}
    arrays = {name: _infer_column(values) for name, values in columns.items()}
    return pa.table(arrays)


class AtomicWriter:
    """Write a table file in batches; the target appears only when everything was written.

    Use as a context manager: an exception inside the block removes the temporary file.
    ``statistics`` names the Parquet columns that get min/max statistics (all when None); computed
    columns gain little from them and they cost a quarter of the writing time.
    """

    def __init__(self, path: str | Path, *, statistics: list[str] | None = None) -> None:
        self.path = Path(path)
        self.statistics = statistics
        self.labels: dict[str, str] = {}  # variable labels for .sav/.dta (column -> label)
        self.format = file_format(self.path)
        if not self.path.parent.exists():
            raise UserError(f"{self.path}: the folder {self.path.parent} does not exist")
        self._tmp: Path | None = None
        self._writer: Any = None
        self._fh: Any = None
        self._pending: list[pa.RecordBatch] = []

    def __enter__(self) -> AtomicWriter:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent
        )
        os.close(fd)
        self._tmp = Path(tmp)
        return self

    def write(self, batch: pa.RecordBatch) -> None:
        assert self._tmp is not None, "use AtomicWriter as a context manager"
        if self.format == "parquet":
            if self._writer is None:
                # Dictionary encoding only where values repeat by design (categories); on score
                # columns it costs more time than it saves space.
                dictionary = [f.name for f in batch.schema if pa.types.is_dictionary(f.type)]
                self._writer = pq.ParquetWriter(
                    self._tmp,
                    batch.schema,
                    compression="snappy",
                    use_dictionary=dictionary or False,
                    write_statistics=True
                    if self.statistics is None
                    else (self.statistics or False),
                )
            self._writer.write_batch(batch)
        elif self.format == "csv":
            if self._writer is None:
                delimiter = "\t" if self.path.suffix.lower() == ".tsv" else ","
                self._writer = pacsv.CSVWriter(
                    self._tmp,
                    batch.schema,
                    write_options=pacsv.WriteOptions(delimiter=delimiter, quoting_style="needed"),
                )
            self._writer.write_batch(batch)
        elif self.format == "jsonl":
            if self._fh is None:
                self._fh = self._tmp.open("w", encoding="utf-8")
            for record in batch.to_pylist():
                self._fh.write(json.dumps(_jsonable(record), allow_nan=False) + "\n")
        else:
            self._pending.append(batch)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._tmp is not None
        done = False
        try:
            if exc_type is None:
                self._finish()
                done = True
        finally:
            if self._writer is not None:
                self._writer.close()
            if self._fh is not None:
                self._fh.close()
            if done:
                os.replace(self._tmp, self.path)
            else:
                self._tmp.unlink(missing_ok=True)

    def _finish(self) -> None:
        assert self._tmp is not None
        if self.format in ("parquet", "csv") and self._writer is None:
            raise UserError("nothing to write: the input has no rows")
        if self.format == "json":
            records: list[Any] = []
            for batch in self._pending:
                records.extend(_jsonable(r) for r in batch.to_pylist())
            with self._tmp.open("w", encoding="utf-8") as fh:
                json.dump(records, fh, allow_nan=False, indent=1)
        elif self.format == "xlsx":
            table = pa.Table.from_batches(self._pending)
            if table.num_rows > 1_048_575:
                raise UserError(
                    f"{self.path.name}: {table.num_rows} rows do not fit in an Excel sheet; "
                    "write Parquet or CSV instead"
                )
            table.to_pandas().to_excel(self._tmp, index=False, engine="openpyxl")
        elif self.format in ("sav", "dta"):
            if not self._pending:
                raise UserError("nothing to write: the input has no rows")
            from twofold.exports.labelled import write_labelled

            write_labelled(
                pa.Table.from_batches(self._pending), self._tmp, self.format, self.labels
            )


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in record.items():
        if isinstance(v, float) and v != v:  # NaN
            out[k] = None
        elif hasattr(v, "isoformat"):
            out[k] = v.isoformat()
        else:
            out[k] = v
    return out
