"""Atomic run output folders and deterministic file writers.

A run writes into ``<out>.incomplete-<pid>/`` (with an ``INCOMPLETE`` marker file) and
only when everything is written swaps it into ``<out>``: an interrupted run leaves
the previous complete output untouched and an ``.incomplete-*`` folder that says
what it is, never a mix. Single files (lexicons, CSV exports) are written through
:func:`atomic_write_bytes` (temp file in the same folder, fsync, ``os.replace``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from framing.errors import RunError

__all__ = ["FLOAT_FORMAT", "TABLE_FORMATS", "CsvStream", "ParquetStream", "RunOutput", "TableStream",
           "atomic_write_bytes", "atomic_write_text", "format_value", "table_formats"]

#: every float in every CSV is written with this format, so reruns are byte-identical
FLOAT_FORMAT = "%.6g"
INCOMPLETE_MARKER = "INCOMPLETE"


def format_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return FLOAT_FORMAT % value
    return str(value)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


class CsvStream:
    """A CSV file written row by row (for outputs too large to hold in memory)."""

    def __init__(self, path: Path, columns: Sequence[str]):
        self.path = path
        self.columns = list(columns)
        self._fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        self._writer = csv.writer(self._fh, lineterminator="\n")
        self._writer.writerow(self.columns)
        self.rows = 0

    def write(self, row: dict) -> None:
        self._writer.writerow([format_value(row.get(c)) for c in self.columns])
        self.rows += 1

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


#: ``--format`` values: which files the large tables (hits, attributions, documents, excluded) are written as
TABLE_FORMATS = ("csv", "parquet", "both")
#: rows buffered per Parquet row group (a row group is written as soon as it is full)
PARQUET_ROW_GROUP = 50_000
PARQUET_COMPRESSION = "zstd"


def table_formats(fmt: str) -> tuple[str, ...]:
    """The file formats of a ``--format`` value: ``"both"`` → ``("csv", "parquet")``.

    >>> table_formats("both")
    ('csv', 'parquet')
    """
    if fmt not in TABLE_FORMATS:
        from framing.errors import ConfigError

        raise ConfigError(f"format {fmt!r} is not one of {', '.join(TABLE_FORMATS)}",
                          hint="use --format csv, --format parquet or --format both")
    return ("csv", "parquet") if fmt == "both" else (fmt,)


class ParquetStream:
    """A Parquet file written row by row: rows are buffered and written as a row group every
    ``row_group`` rows, so a table larger than memory streams to disk. ``schema`` is a tuple of
    :class:`framing.records.Column`. Missing values are nulls, as in the CSV: NaN floats and
    empty strings are written as null (a CSV cannot tell an empty string from a missing one)."""

    def __init__(self, path: Path, schema: Sequence, *, row_group: int = PARQUET_ROW_GROUP):
        import pyarrow.parquet as pq

        from framing.records import arrow_schema

        self.path = path
        self.columns = [c.name for c in schema]
        self.schema = arrow_schema(schema)
        self._floats = {c.name for c in schema if c.type == "float64"}
        self._strings = {c.name for c in schema if c.type == "string"}
        self._row_group = row_group
        self._buffer: dict[str, list] = {c: [] for c in self.columns}
        self._writer = pq.ParquetWriter(path, self.schema, compression=PARQUET_COMPRESSION)
        self.rows = 0

    def write(self, row: dict) -> None:
        for c, values in self._buffer.items():
            v = row.get(c)
            if v is not None and ((c in self._floats and v != v) or (v == "" and c in self._strings)):
                v = None  # NaN, "" → null
            values.append(v)
        self.rows += 1
        if len(self._buffer[self.columns[0]]) >= self._row_group:
            self._flush()

    def write_frame(self, frame: pd.DataFrame) -> None:
        """Write a DataFrame (its columns in schema order), one row group per ``row_group`` rows."""
        import pyarrow as pa

        self._flush()
        frame = frame.reindex(columns=self.columns)
        for c in self._strings:
            if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c]):
                frame[c] = frame[c].mask(frame[c] == "")
        for i in range(0, len(frame), self._row_group):
            chunk = pa.Table.from_pandas(frame.iloc[i:i + self._row_group], schema=self.schema, preserve_index=False)
            self._writer.write_table(chunk.replace_schema_metadata(None))
        self.rows += len(frame)

    def _flush(self) -> None:
        import pyarrow as pa

        if not self._buffer[self.columns[0]]:
            return
        arrays = [pa.array(self._buffer[f.name], type=f.type) for f in self.schema]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self._buffer = {c: [] for c in self.columns}

    def close(self) -> None:
        if self._writer is not None:
            self._flush()
            self._writer.close()
            self._writer = None


class TableStream:
    """One table streamed to several files at once (``hits.csv`` and ``hits.parquet``)."""

    def __init__(self, streams: Sequence):
        self.streams = list(streams)
        self.rows = 0

    def write(self, row: dict) -> None:
        for s in self.streams:
            s.write(row)
        self.rows += 1

    def close(self) -> None:
        for s in self.streams:
            s.close()


class RunOutput:
    """The output folder of one run, written atomically.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "run"
    >>> out = RunOutput(d)
    >>> out.write_text("a.txt", "x")
    >>> (d / "a.txt").exists()
    False
    >>> out.commit(); (d / "a.txt").read_text()
    'x'
    """

    def __init__(self, final_dir: str | Path, *, overwrite: bool = True):
        self.final_dir = Path(final_dir)
        if self.final_dir.exists() and not self.final_dir.is_dir():
            raise RunError("output path exists and is not a folder", path=self.final_dir,
                           hint="choose another --out")
        if self.final_dir.exists() and not overwrite:
            raise RunError("output folder exists", path=self.final_dir, hint="pass --overwrite or another --out")
        self.final_dir.parent.mkdir(parents=True, exist_ok=True)
        self.dir = self.final_dir.parent / f"{self.final_dir.name}.incomplete-{os.getpid()}"
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        (self.dir / INCOMPLETE_MARKER).write_text(
            "This folder is an unfinished framing run (interrupted or still running). "
            "Its files are partial: do not use them.\n", encoding="utf-8")
        self._streams: list = []  # CsvStream | ParquetStream, closed on commit/abort
        self.committed = False

    def path(self, name: str) -> Path:
        p = self.dir / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def write_text(self, name: str, text: str) -> None:
        self.path(name).write_text(text, encoding="utf-8")

    def write_bytes(self, name: str, data: bytes) -> None:
        self.path(name).write_bytes(data)

    def write_csv(self, name: str, frame: pd.DataFrame, columns: Sequence[str] | None = None) -> None:
        """Write a DataFrame as CSV with fixed float formatting and ``\\n`` line ends."""
        buf = io.StringIO()
        if columns is not None:
            frame = frame.reindex(columns=list(columns))
        frame.to_csv(buf, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
        self.write_text(name, buf.getvalue())

    def csv_stream(self, name: str, columns: Sequence[str]) -> CsvStream:
        stream = CsvStream(self.path(name), columns)
        self._streams.append(stream)
        return stream

    def table_stream(self, name: str, schema: Sequence, formats: Iterable[str] = ("csv",)) -> TableStream:
        """Stream a table to ``<name>.csv`` and/or ``<name>.parquet`` (``formats``) with the
        columns and types of ``schema`` (a tuple of :class:`framing.records.Column`)."""
        streams: list = []
        for fmt in formats:
            if fmt == "csv":
                streams.append(self.csv_stream(f"{name}.csv", [c.name for c in schema]))
            else:
                stream = ParquetStream(self.path(f"{name}.parquet"), schema)
                self._streams.append(stream)
                streams.append(stream)
        return TableStream(streams)

    def write_table(self, name: str, frame: pd.DataFrame, schema: Sequence,
                    formats: Iterable[str] = ("csv",)) -> None:
        """Write a DataFrame as ``<name>.csv`` (exactly as :meth:`write_csv`) and/or ``<name>.parquet``."""
        for fmt in formats:
            if fmt == "csv":
                self.write_csv(f"{name}.csv", frame, columns=[c.name for c in schema])
            else:
                stream = ParquetStream(self.path(f"{name}.parquet"), schema)
                try:
                    stream.write_frame(frame)
                finally:
                    stream.close()

    def save_figure(self, name: str, fig, *, formats: Iterable[str] = ("png", "svg"), dpi: int = 150) -> list[str]:
        """Save a matplotlib figure as ``charts/<name>.<fmt>``; returns relative paths."""
        import matplotlib.pyplot as plt

        written = []
        for fmt in formats:
            rel = f"charts/{name}.{fmt}"
            kwargs = {"metadata": {"Date": None}} if fmt == "svg" else {"metadata": {"Software": None}}
            fig.savefig(self.path(rel), dpi=dpi, bbox_inches="tight", format=fmt, **kwargs)
            written.append(rel)
        plt.close(fig)
        return written

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.dir)) for p in self.dir.rglob("*")
                      if p.is_file() and p.name != INCOMPLETE_MARKER)

    def checksums(self) -> dict[str, str]:
        return {name: hashlib.sha256((self.dir / name).read_bytes()).hexdigest() for name in self.files()
                if name != "run.json"}

    def commit(self) -> Path:
        """Move the finished folder into place, replacing a previous run's folder."""
        for s in self._streams:
            s.close()
        (self.dir / INCOMPLETE_MARKER).unlink(missing_ok=True)
        old = None
        if self.final_dir.exists():
            old = self.final_dir.parent / f"{self.final_dir.name}.old-{os.getpid()}"
            os.replace(self.final_dir, old)
        os.replace(self.dir, self.final_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        self.committed = True
        return self.final_dir

    def abort(self) -> None:
        """Close streams; keep the folder (marked INCOMPLETE) for inspection."""
        for s in self._streams:
            s.close()
