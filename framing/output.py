"""Atomic run output folders and deterministic file writers.

A run writes into ``<out>.incomplete-<pid>/`` (with an ``INCOMPLETE`` marker file) and
only when everything is written swaps it into ``<out>``: the previous complete output is
kept until the new one is complete, never a mix. Single files (lexicons, CSV exports) are
written through :func:`atomic_write_bytes` (temp file in the same folder, fsync,
``os.replace``).

A run only ever deletes what it wrote itself (:func:`check_out_dir`):

- ``<out>`` may be a new folder, an empty folder, or the folder of an earlier complete
  framing run (its ``run.json`` says ``framing_run``) — the latter only with
  ``overwrite=True`` (``--overwrite``), and only if it holds nothing but run outputs;
- ``<out>`` is never one of the run's inputs (the corpus, a lexicon folder…), a folder
  inside one, or a folder that contains one;
- a failed or interrupted run removes its partial folder (:meth:`RunOutput.abort`); the
  partial folder of a killed run (SIGKILL, power loss) is removed by the next run into the
  same ``<out>``;
- the two renames that swap a finished run into place are recorded first in a journal,
  ``.<out>.framing-commit`` next to ``<out>``: a run killed between them is completed by
  the next run into the same ``<out>`` (or by ``framing report``), which says so
  (:func:`recover`).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import fnmatch
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from framing.errors import RunError

__all__ = ["FLOAT_FORMAT", "TABLE_FORMATS", "CsvStream", "ParquetStream", "RunOutput", "TableChunk", "TableStream",
           "atomic_write_bytes", "atomic_write_text", "check_out_dir", "floats_as_text", "format_value",
           "is_framing_run", "output_error", "recover", "sha256_file", "table_formats", "term_counts_parquet_bytes"]

#: every float in every CSV is written with this format, so reruns are byte-identical
FLOAT_FORMAT = "%.6g"
INCOMPLETE_MARKER = "INCOMPLETE"
#: the key every run.json written by framing carries
RUN_KEY = "framing_run"
#: files a run writes besides those listed in its run.json (re-rendered charts, reports)
RUN_FILE_PATTERNS = ("run.json", "*.csv", "*.parquet", "report.md", "report.html", "topic_labels.yaml",
                     "charts/*.png", "charts/*.svg")
#: errno values that mean "the output cannot be written" (full disk, read-only, no permission)
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def format_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return FLOAT_FORMAT % value
    return str(value)


def floats_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each float64 column of more than a few rows as the text ``to_csv(float_format=
    FLOAT_FORMAT)`` writes for it (NaN: empty): each distinct value is formatted once (a column of
    documents repeats a few thousand values 85,000 times), so the CSV is the same, in two thirds of
    the time. Distinct by bit pattern, so ``-0.0`` stays ``-0``; other columns as they are.

    >>> floats_as_text(pd.DataFrame({"x": [0.5, float("nan"), -0.0, 1 / 3] * 8})).x.tolist()[:4]
    ['0.5', '', '-0', '0.333333']
    """
    import numpy as np

    floats = [c for c, dtype in frame.dtypes.items() if dtype == np.float64] if len(frame) > 16 else []
    if not floats:
        return frame
    out = {}
    for i, c in enumerate(frame.columns):
        col = frame.iloc[:, i]
        if c in floats and col.dtype == np.float64:
            values = np.ascontiguousarray(col.to_numpy(dtype=np.float64))
            bits, where = np.unique(values.view(np.int64), return_inverse=True)
            text = np.array(["" if v != v else FLOAT_FORMAT % v for v in bits.view(np.float64).tolist()],
                            dtype=object)
            col = pd.Series(text[where.reshape(-1)], index=frame.index, dtype=object)
        out[i] = col
    result = pd.concat(out, axis=1)
    result.columns = frame.columns
    return result


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

    #: the file format of :class:`TableChunk` this stream writes
    formats = ("csv",)

    def write(self, row: dict) -> None:
        self._writer.writerow([format_value(row.get(c)) for c in self.columns])
        self.rows += 1

    def write_chunk(self, chunk: TableChunk) -> None:
        """Write the rows of a chunk (its CSV lines were formatted where the rows were made)."""
        self._fh.write(chunk.csv)
        self.rows += chunk.rows

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


class TableChunk:
    """The rows of one table for a batch of documents, already in file form: ``csv`` (the CSV
    lines exactly as :class:`CsvStream` writes them) and/or ``arrow`` (a ``pyarrow.RecordBatch``
    of the schema, missing values null as :class:`ParquetStream` writes them).

    Built where the rows are made (a worker of the map), so the process that writes the files
    only copies text and Arrow buffers; it pickles as two buffers instead of a dict per row.

    >>> from framing.records import EXCLUDED_SCHEMA
    >>> chunk = TableChunk.from_rows([{"doc_id": "d1", "start": 0, "end": 4, "reason": "x"}], EXCLUDED_SCHEMA)
    >>> chunk.rows, chunk.csv, chunk.arrow.num_rows
    (1, 'd1,,0,4,x,\\n', 1)
    """

    __slots__ = ("arrow", "csv", "rows")

    def __init__(self, rows: int, csv: str | None = None, arrow=None):
        self.rows, self.csv, self.arrow = rows, csv, arrow

    def __getstate__(self):
        return self.rows, self.csv, self.arrow

    def __setstate__(self, state) -> None:
        self.rows, self.csv, self.arrow = state

    @classmethod
    def from_rows(cls, rows: Sequence[dict], schema: Sequence, formats: Iterable[str] = ("csv", "parquet")
                  ) -> TableChunk:
        """The chunk of ``rows`` (dicts by column name) in ``formats`` (``csv``, ``parquet``)."""
        formats = tuple(formats)
        columns = [[row.get(c.name) for row in rows] for c in schema]  # one pass per column, no call per cell
        text = None
        if "csv" in formats:
            cells = [_format_floats(values) if c.type == "float64" else _format_cells(values)
                     for c, values in zip(schema, columns, strict=True)]
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows(zip(*cells, strict=True))
            text = buf.getvalue()
        batch = None
        if "parquet" in formats:
            import pyarrow as pa

            from framing.records import arrow_schema

            arrays = []
            for c, values in zip(schema, columns, strict=True):
                if c.type == "float64":
                    values = [None if v is not None and v != v else v for v in values]  # NaN → null
                elif c.type == "string":
                    values = [None if v == "" else v for v in values]  # "" → null, as the CSV
                arrays.append(values)
            schema_pa = arrow_schema(schema)
            batch = pa.RecordBatch.from_arrays([pa.array(v, type=f.type) for v, f in zip(arrays, schema_pa, strict=True)],
                                               schema=schema_pa)
        return cls(len(rows), text, batch)


def _format_cells(values: list) -> list:
    """:func:`format_value` of each value (strings and ``None`` without a call)."""
    return [v if type(v) is str else "" if v is None else format_value(v) for v in values]


def _format_floats(values: list) -> list:
    """:func:`format_value` of each value of a float column."""
    return [FLOAT_FORMAT % v if type(v) is float and v == v else format_value(v) for v in values]


#: ``--format`` values: which files the large tables (hits, attributions, documents, excluded) are written as
TABLE_FORMATS = ("csv", "parquet", "both")
#: rows buffered per Parquet row group (a row group is written as soon as it is full)
PARQUET_ROW_GROUP = 10_000  # buffered rows hold ~10-15 MB of text per table; files as small as with 50,000
PARQUET_COMPRESSION = "zstd"


def term_counts_parquet_bytes(outlets, terms, counts) -> bytes:
    """The bytes of ``term_counts.parquet`` from its three columns (already sorted by outlet, then
    term; zero counts left out): the one place the file's columns, types, compression (zstd) and
    row groups (100,000 rows) are written down."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"outlet": pa.array(outlets, pa.string()), "term": pa.array(terms, pa.string()),
                      "count": pa.array(counts, pa.int64())})
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", row_group_size=100_000)
    return buf.getvalue()


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
        self._pending: list = []  # Arrow record batches not yet written (fewer than row_group rows)
        self._pending_rows = 0
        self._writer = pq.ParquetWriter(path, self.schema, compression=PARQUET_COMPRESSION)
        self.rows = 0

    formats = ("parquet",)

    def write(self, row: dict) -> None:
        for c, values in self._buffer.items():
            v = row.get(c)
            if v is not None and ((c in self._floats and v != v) or (v == "" and c in self._strings)):
                v = None  # NaN, "" → null
            values.append(v)
        self.rows += 1
        if len(self._buffer[self.columns[0]]) + self._pending_rows >= self._row_group:
            self._stash()
            self._write_full_groups()

    def write_chunk(self, chunk: TableChunk) -> None:
        """Add a chunk's Arrow rows; a row group is written whenever ``row_group`` rows are waiting
        (the same row groups as row by row)."""
        if not chunk.rows:
            return
        self._stash()
        self._pending.append(chunk.arrow)
        self._pending_rows += chunk.rows
        self.rows += chunk.rows
        self._write_full_groups()

    def _stash(self) -> None:
        """Move the rows buffered by :meth:`write` into the pending Arrow batches (order kept)."""
        import pyarrow as pa

        n = len(self._buffer[self.columns[0]])
        if not n:
            return
        arrays = [pa.array(self._buffer[f.name], type=f.type) for f in self.schema]
        self._pending.append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self._pending_rows += n
        self._buffer = {c: [] for c in self.columns}

    def _write_full_groups(self) -> None:
        import pyarrow as pa

        size = self._row_group
        while self._pending_rows >= size:
            table = pa.Table.from_batches(self._pending, schema=self.schema).combine_chunks()
            self._writer.write_table(table.slice(0, size), row_group_size=size)
            rest = table.slice(size)
            self._pending, self._pending_rows = rest.to_batches(), rest.num_rows

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
        """Write every waiting row (fewer than ``row_group``) as one row group."""
        import pyarrow as pa

        self._stash()
        if not self._pending_rows:
            return
        table = pa.Table.from_batches(self._pending, schema=self.schema).combine_chunks()
        self._writer.write_table(table, row_group_size=max(self._row_group, table.num_rows))
        self._pending, self._pending_rows = [], 0

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

    @property
    def formats(self) -> tuple[str, ...]:
        """The :class:`TableChunk` formats the streams need (``csv``, ``parquet``)."""
        return tuple(f for s in self.streams for f in s.formats)

    def write_chunk(self, chunk: TableChunk) -> None:
        for s in self.streams:
            s.write_chunk(chunk)
        self.rows += chunk.rows

    def close(self) -> None:
        for s in self.streams:
            s.close()


def output_error(exc: OSError, path: str | Path) -> RunError:
    """A one-line :class:`RunError` for an ``OSError`` raised while writing ``path``."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        hint = "free some disk space or choose another --out"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        hint = "choose a writable --out folder"
    else:
        hint = "check the output folder or choose another --out"
    return RunError(f"cannot write the output ({reason})", path=exc.filename or path, hint=hint)


def is_framing_run(folder: str | Path) -> bool:
    """True when ``folder`` holds a ``run.json`` written by framing (it has ``framing_run``)."""
    run_json = Path(folder) / "run.json"
    try:
        data = json.loads(run_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and RUN_KEY in data


def _run_files(folder: Path) -> set[str]:
    try:
        data = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files = data.get("files") if isinstance(data, dict) else None
    return {str(f) for f in files} if isinstance(files, dict | list) else set()


def _foreign_files(folder: Path) -> list[str]:
    """Files in a run folder that the run did not write (a run never deletes those)."""
    listed = _run_files(folder)
    foreign = []
    for root, dirs, names in os.walk(folder):
        rel_root = Path(root).relative_to(folder)
        for d in list(dirs):
            if (Path(root) / d).is_symlink():
                foreign.append((rel_root / d).as_posix())
                dirs.remove(d)
        for name in names:
            rel = (rel_root / name).as_posix()
            if rel in listed or any(rel.count("/") == pat.count("/") and fnmatch.fnmatchcase(rel, pat)
                                    for pat in RUN_FILE_PATTERNS):
                continue
            foreign.append(rel)
    return sorted(foreign)


def _inside(a: Path, b: Path) -> bool:
    return a == b or b in a.parents


def check_out_dir(final_dir: str | Path, *, overwrite: bool = False, protect: Iterable[str | Path] = ()) -> None:
    """Refuse an output folder a run could damage (see the module docstring).

    ``protect`` lists the run's inputs (corpus, manifest, lexicon folders…): the output may
    be none of them, inside none of them, and contain none of them.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "thesis.docx").write_text("x")
    1
    >>> check_out_dir(d)
    Traceback (most recent call last):
    framing.errors.RunError: ...: the output folder exists and is not a framing run (no run.json of ours) — ...
    """
    final = Path(final_dir)
    resolved = final.resolve()
    for p in protect:
        if not isinstance(p, str | os.PathLike) or str(p) == "":
            continue  # None, or a corpus given as a DataFrame / records (nothing on disk to protect)
        q = Path(p).resolve()
        if _inside(resolved, q) or _inside(q, resolved):
            what = "is" if resolved == q else ("is inside" if _inside(resolved, q) else "contains")
            raise RunError(f"the output folder {what} an input of the run ({p})", path=final,
                           hint="choose an --out outside the corpus and lexicon folders")
    if final.is_symlink():  # a run replaces the folder: it would replace the link, never write through it
        raise RunError("the output path is a symbolic link", path=final,
                       hint=f"pass the folder it points to ({os.path.realpath(final)}) or another --out")
    if final.exists() and not final.is_dir():
        raise RunError("output path exists and is not a folder", path=final, hint="choose another --out")
    if not final.exists():
        return
    try:
        empty = next(final.iterdir(), None) is None
    except OSError as exc:
        raise output_error(exc, final) from None
    if empty:
        return
    if not is_framing_run(final):
        raise RunError("the output folder exists and is not a framing run (no run.json of ours)", path=final,
                       hint="framing never replaces other files: choose a new or empty --out folder")
    if not overwrite:
        raise RunError("the output folder holds an earlier run", path=final,
                       hint="pass --overwrite to replace it, or choose another --out")
    foreign = _foreign_files(final)
    if foreign:
        shown = ", ".join(foreign[:3]) + (" …" if len(foreign) > 3 else "")
        raise RunError(f"the earlier run's folder also holds files framing did not write ({shown})", path=final,
                       hint="move them elsewhere or choose another --out")


# --- recovery of interrupted runs -------------------------------------------------------------


def _journal(final: Path) -> Path:
    return final.parent / f".{final.name}.framing-commit"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _sibling(final: Path, name, kind: str) -> Path | None:
    """A journal entry, accepted only if it names ``<out>.<kind>-<pid>`` beside ``<out>``."""
    if not isinstance(name, str) or not re.fullmatch(re.escape(final.name) + rf"\.{kind}-\d+", name):
        return None
    return final.parent / name


def recover(final_dir: str | Path) -> list[str]:
    """Finish or clean up what interrupted runs left beside ``final_dir``; returns what was done.

    - a journal (a run killed between the two renames of :meth:`RunOutput.commit`): the new
      run was complete, so the commit is completed and the previous run removed;
    - ``<out>.incomplete-<pid>`` folders (marked ``INCOMPLETE``) of processes that no longer
      run: removed;
    - ``<out>.old-<pid>`` folders of dead processes: removed when ``<out>`` exists, else moved
      back into place (the previous run, before an interrupted commit).
    """
    final = Path(final_dir)
    parent = final.parent
    done: list[str] = []
    if not parent.is_dir():
        return done
    journal = _journal(final)
    if journal.exists():
        try:
            data = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        pid = data.get("pid") if isinstance(data, dict) else None
        if isinstance(pid, int) and pid != os.getpid() and _pid_alive(pid):
            raise RunError(f"another framing run (pid {pid}) is replacing this output folder right now", path=final,
                           hint="wait for it to finish, or choose another --out")
        new = _sibling(final, data.get("new"), "incomplete") if isinstance(data, dict) else None
        old = _sibling(final, data.get("old"), "old") if isinstance(data, dict) else None
        if new is not None and new.is_dir():
            if final.exists():
                old = old or parent / f"{final.name}.old-{pid or 0}"
                os.replace(final, old)
            os.replace(new, final)
            done.append(f"completed the interrupted commit of the run of pid {pid}: {final} is that run")
        elif not final.exists() and old is not None and old.is_dir():
            os.replace(old, final)
            old = None
            done.append(f"restored the previous run into {final} (a commit was interrupted)")
        if old is not None and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        journal.unlink(missing_ok=True)
        _fsync_dir(parent)
    for p in sorted(parent.glob(f"{glob_escape(final.name)}.incomplete-*")):
        pid = _pid_of(p, "incomplete")
        if pid is not None and not _pid_alive(pid) and (p / INCOMPLETE_MARKER).is_file():
            shutil.rmtree(p, ignore_errors=True)
            done.append(f"removed the partial folder of an interrupted run: {p.name}")
    for p in sorted(parent.glob(f"{glob_escape(final.name)}.old-*")):
        pid = _pid_of(p, "old")
        if pid is None or _pid_alive(pid) or not is_framing_run(p):
            continue
        if final.exists():
            shutil.rmtree(p, ignore_errors=True)
            done.append(f"removed a previous run left by an interrupted commit: {p.name}")
        else:
            os.replace(p, final)
            done.append(f"restored the previous run into {final} (a commit was interrupted)")
    return done


def glob_escape(name: str) -> str:
    """``name`` with glob metacharacters escaped."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _pid_of(path: Path, kind: str) -> int | None:
    m = re.search(rf"\.{kind}-(\d+)$", path.name)
    return int(m.group(1)) if m else None


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


#: bytes read at a time when a file is hashed
HASH_BLOCK_BYTES = 1 << 20


def sha256_file(path: Path) -> str:
    """The SHA-256 hex digest of the file at ``path``, read :data:`HASH_BLOCK_BYTES` at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(HASH_BLOCK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


class RunOutput:
    """The output folder of one run, written atomically.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "run"
    >>> out = RunOutput(d)
    >>> out.write_text("a.txt", "x")
    >>> (d / "a.txt").exists()
    False
    >>> _ = out.commit(); (d / "a.txt").read_text()
    'x'
    """

    def __init__(self, final_dir: str | Path, *, overwrite: bool = False, protect: Iterable[str | Path] = ()):
        self.final_dir = Path(final_dir)
        self.overwrite = overwrite
        self.protect = [p for p in protect if p is not None]
        self.dir = self.final_dir.parent / f"{self.final_dir.name}.incomplete-{os.getpid()}"
        self._streams: list = []  # CsvStream | ParquetStream, closed on commit/abort
        self.committed = False
        try:
            #: what :func:`recover` did about earlier interrupted runs into the same folder
            self.recovered = recover(self.final_dir)
            check_out_dir(self.final_dir, overwrite=overwrite, protect=self.protect)
            self.final_dir.parent.mkdir(parents=True, exist_ok=True)
            if self.dir.exists():
                shutil.rmtree(self.dir)
            self.dir.mkdir(parents=True)
            (self.dir / INCOMPLETE_MARKER).write_text(
                "This folder is an unfinished framing run (still running, or killed: the next run into the "
                "same --out removes it). Its files are partial: do not use them.\n", encoding="utf-8")
        except OSError as exc:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise output_error(exc, self.final_dir) from None

    def path(self, name: str) -> Path:
        p = self.dir / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def write_text(self, name: str, text: str) -> None:
        """Write ``name`` (UTF-8) into the unfinished folder; a write failure is a :class:`RunError`."""
        self.write_bytes(name, text.encode("utf-8"))

    def write_bytes(self, name: str, data: bytes) -> None:
        """Write ``name`` into the unfinished folder; a write failure is a :class:`RunError`."""
        try:
            self.path(name).write_bytes(data)
        except OSError as exc:
            raise output_error(exc, self.dir / name) from None

    def owns_error(self, exc: OSError) -> bool:
        """True when ``exc`` came from writing this output (full disk, read-only, a file of ours)."""
        if exc.errno in WRITE_ERRNOS - {errno.EACCES, errno.EPERM}:
            return True
        name = exc.filename if isinstance(exc.filename, str) else None
        return bool(name) and _inside(Path(name).resolve(), self.dir.resolve())

    def write_csv(self, name: str, frame: pd.DataFrame, columns: Sequence[str] | None = None) -> None:
        """Write a DataFrame as CSV with fixed float formatting and ``\\n`` line ends."""
        buf = io.StringIO()
        if columns is not None:
            frame = frame.reindex(columns=list(columns))
        floats_as_text(frame).to_csv(buf, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
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
        """SHA-256 of every file of the run but ``run.json``, each read in blocks (``hits.csv`` of a
        month is ~420 MB: read whole it was the run's last and highest memory peak)."""
        return {name: sha256_file(self.dir / name) for name in self.files() if name != "run.json"}

    def commit(self) -> Path:
        """Move the finished folder into place, replacing a previous run's folder.

        The two renames (previous run aside, new run into place) are recorded first in a
        journal beside the folder, so a process killed between them is completed by the next
        run (:func:`recover`); the previous run is deleted only once the new one is in place.
        """
        parent = self.final_dir.parent
        journal = _journal(self.final_dir)
        old = None
        moved_old = False
        try:
            for s in self._streams:
                s.close()
            # nothing may have appeared in the target since the run started
            check_out_dir(self.final_dir, overwrite=self.overwrite, protect=self.protect)
            (self.dir / INCOMPLETE_MARKER).unlink(missing_ok=True)
            if self.final_dir.exists():
                old = parent / f"{self.final_dir.name}.old-{os.getpid()}"
            atomic_write_text(journal, json.dumps({"pid": os.getpid(), "new": self.dir.name,
                                                   "old": old.name if old else None}))
            _fsync_dir(parent)
            if old is not None:
                os.replace(self.final_dir, old)
                moved_old = True
            os.replace(self.dir, self.final_dir)
        except BaseException as exc:
            if moved_old and not self.final_dir.exists():
                os.replace(old, self.final_dir)  # put the previous run back
            journal.unlink(missing_ok=True)
            self.abort()
            if isinstance(exc, OSError):
                raise output_error(exc, self.final_dir) from None
            raise
        self.committed = True
        _fsync_dir(parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        if old is None or not old.exists():
            journal.unlink(missing_ok=True)  # else the next run finishes the clean-up
        _fsync_dir(parent)
        return self.final_dir

    def abort(self) -> None:
        """Close streams and remove the unfinished folder: a failed run leaves nothing behind.

        A run killed before it could abort leaves its folder marked ``INCOMPLETE``; the next
        run into the same ``--out`` removes it.
        """
        for s in self._streams:
            with contextlib.suppress(Exception):  # a full disk may fail the close too; the folder goes anyway
                s.close()
        if not self.committed:
            shutil.rmtree(self.dir, ignore_errors=True)
