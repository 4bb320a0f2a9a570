"""Readers for records already in memory: a pandas DataFrame or an iterable of dicts, and
Parquet files (pyarrow, streamed by row group). ``line`` is the 1-based row number."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from framing.corpus.fields import FieldMap, _Raw
from framing.corpus.files import _Budget, _open_regular, _os_message
from framing.corpus.limits import CorpusLimits
from framing.corpus.recordfile import _SAMPLE_RECORDS, check_fields, record_to_raw
from framing.errors import CorpusError, missing_dependency
from framing.records import Problem

_PARTITION_ROWS = 10_000  # rows per partition of an in-memory table


def is_dataframe(value: Any) -> bool:
    """True for a pandas DataFrame (without importing pandas)."""
    return type(value).__module__.split(".")[0] == "pandas" and hasattr(value, "iloc") and hasattr(value, "columns")


def _missing_value(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _plain(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record with pandas/NumPy missing values as ``None`` and NumPy scalars as Python values."""
    out = {}
    for key, value in record.items():
        if _missing_value(value):
            value = None
        elif hasattr(value, "item") and type(value).__module__ == "numpy":
            value = value.item()
        elif hasattr(value, "isoformat") and not isinstance(value, str):
            value = value.isoformat()
        out[str(key)] = value
    return out


@dataclass(frozen=True, slots=True)
class FrameReader:
    """Rows ``start``.. of a DataFrame or a list of dicts (a partition holds only its slice)."""

    data: Any  # pandas.DataFrame | list
    name: str  # "<DataFrame>" or "<records>"
    fields: FieldMap
    id_field: str
    missing: frozenset[str] = frozenset()
    start: int = 0  # row number of the first row of ``data`` in the whole table
    kind: str = "dataframe"  # "dataframe" | "records"

    @property
    def files(self) -> tuple[Path, ...]:
        return ()

    def __len__(self) -> int:
        return len(self.data)

    def refusal(self, path: Path) -> tuple[str, str] | None:
        return None

    def _records(self) -> Iterator[Any]:
        if self.kind == "dataframe":  # a slice of rows at a time, not the whole table as dicts
            for i in range(0, len(self.data), 2048):
                yield from self.data.iloc[i:i + 2048].to_dict("records")
        else:
            yield from self.data

    def split(self) -> list[FrameReader]:
        n = len(self.data)
        return [replace(self, data=self.data.iloc[i:i + _PARTITION_ROWS] if self.kind == "dataframe"
                        else self.data[i:i + _PARTITION_ROWS], start=self.start + i)
                for i in range(0, max(n, 1), _PARTITION_ROWS)]

    def fingerprint_items(self) -> list[tuple[str, bytes]]:
        digest = hashlib.sha256()
        for record in self._records():
            value = _plain(record) if isinstance(record, Mapping) else record
            digest.update(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
            digest.update(b"\n")
        return [(self.name, digest.digest())]

    def iter_raw(self, limits: CorpusLimits, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        for i, record in enumerate(self._records()):
            number = self.start + i + 1
            if not isinstance(record, Mapping):
                sink(Problem(self.name, "malformed row", "skipped", None, number,
                             f"a {type(record).__name__}, not a dict"))
                continue
            yield record_to_raw(_plain(record), self.fields, self.id_field, self.missing, self.kind, self.name,
                                number, number, "")


def open_frame(data: Any, fields: FieldMap) -> tuple[FrameReader, list[Problem]]:
    """A reader for a DataFrame or an iterable of dicts (materialized once: the corpus is read
    more than once), with the same field checks as a record file."""
    if is_dataframe(data):
        columns = [str(c) for c in data.columns]
        reader = FrameReader(data.reset_index(drop=True), "<DataFrame>", fields, fields.id)
        kind, sampled = "dataframe", len(data)
    else:
        try:
            records = list(data)
        except TypeError:
            raise CorpusError(f"a corpus must be a path, a pandas DataFrame or an iterable of dicts, "
                              f"not {type(data).__name__}",
                              hint="pass a folder, a .csv/.jsonl/.json/.parquet file, a DataFrame or a list of dicts"
                              ) from None
        seen: dict[str, None] = {}
        sampled = 0
        for record in records[:_SAMPLE_RECORDS]:
            if isinstance(record, Mapping):
                seen.update(dict.fromkeys(str(k) for k in record))
                sampled += 1
        columns = list(seen)
        reader = FrameReader(records, "<records>", fields, fields.id, kind="records")
        kind = "records"
    if sampled == 0:
        raise CorpusError("no documents found: the table is empty" if kind == "dataframe"
                          else "no documents found: no record is a dict", path=reader.name,
                          hint="give rows with a text field")
    id_field, missing, problems = check_fields(columns, sampled, kind, fields, reader.name)
    return replace(reader, id_field=id_field, missing=missing, kind=kind), problems


# --------------------------------------------------------------------------- Parquet


@dataclass(frozen=True, slots=True)
class ParquetReader:
    """A Parquet file read with pyarrow one row group (in batches) at a time."""

    path: Path
    fields: FieldMap
    id_field: str
    missing: frozenset[str] = frozenset()
    row_groups: tuple[int, ...] | None = None  # None: all
    first_row: int = 0  # row number (0-based) of the first row of the first row group
    kind: str = "parquet"

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.path,)

    def fingerprint_items(self) -> list[tuple[str, Path]]:
        return [("", self.path)]

    def refusal(self, path: Path) -> tuple[str, str] | None:
        return None

    def _file(self) -> Any:
        pq = _pyarrow_parquet()
        try:
            _open_regular(self.path).close()  # the guard: a regular, readable file
            return pq.ParquetFile(str(self.path))
        except OSError as exc:
            raise CorpusError(f"cannot read: {_os_message(exc)}", path=self.path) from None
        except Exception as exc:  # pyarrow.ArrowInvalid and friends: not a Parquet file
            raise CorpusError(f"cannot read the Parquet file: {exc}", path=self.path,
                              hint="check the file is Parquet (pyarrow can read it)") from None

    def split(self) -> list[ParquetReader]:
        """One partition per row group."""
        meta = self._file().metadata
        parts, row = [], 0
        for i in range(meta.num_row_groups):
            parts.append(replace(self, row_groups=(i,), first_row=row))
            row += meta.row_group(i).num_rows
        return parts or [self]

    def iter_raw(self, limits: CorpusLimits, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        pf = self._file()
        source = str(self.path)
        stem = self.path.name.split(".")[0]
        groups = self.row_groups if self.row_groups is not None else tuple(range(pf.metadata.num_row_groups))
        row = self.first_row
        try:
            for group in groups:
                for batch in pf.iter_batches(batch_size=2048, row_groups=[group]):
                    for record in batch.to_pylist():
                        row += 1
                        yield record_to_raw(_plain(record), self.fields, self.id_field, self.missing, stem,
                                            source, row, row, "")
        finally:
            pf.close()


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        raise missing_dependency("pyarrow", "reading Parquet") from None
    return pq


def open_parquet(path: Path, fields: FieldMap) -> tuple[ParquetReader, list[Problem]]:
    """A reader for a Parquet file, with the same field checks as a record file."""
    reader = ParquetReader(path, fields, fields.id)
    pf = reader._file()
    try:
        columns = list(pf.schema_arrow.names)
        rows = pf.metadata.num_rows
    finally:
        pf.close()
    if rows == 0:
        raise CorpusError("no documents found: the Parquet file has no rows", path=path)
    id_field, missing, problems = check_fields(columns, rows, "parquet", fields, path)
    return replace(reader, id_field=id_field, missing=missing), problems
