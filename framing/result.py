"""The tables of a comparison as pandas DataFrames: :class:`Result` and :func:`load_run`.

A :class:`Result` is what :func:`framing.compare` returns and what :func:`load_run` reads
back from a finished run folder. It writes nothing until :meth:`Result.save` (data files,
``run.json``, ``report.md``) or :meth:`Result.report` (also ``report.html`` and charts).

Tables are read with the column types declared in :mod:`framing.records`: integers stay
integers (pandas ``Int64``, so a missing ``attribution_id`` is ``<NA>``, not ``NaN``),
text columns are ``string``, flags are ``boolean``. A result of a run folder reads its large
tables (``hits``, ``attributions``, ``excluded``) only when first used, from Parquet when the
run wrote it, else from CSV; a result computed in memory (:class:`framing.pipeline.RunData`)
gives every table exactly as it will read back once saved (small tables through the same
CSV formatting, ``%.6g``).

>>> import framing
>>> run = framing.load_run("outputs/seeds")                   # doctest: +SKIP
>>> run.hits.groupby("outlet")["voice"].value_counts()        # doctest: +SKIP
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from framing.errors import RunError
from framing.records import (
    ATTRIBUTION_SCHEMA,
    EXCLUDED_SCHEMA,
    HIT_SCHEMA,
    PROBLEM_SCHEMA,
    TERM_EVIDENCE_SCHEMA,
    document_schema,
    pandas_dtypes,
)

__all__ = ["TABLES", "Result", "load_run"]

#: table name → schema (``None``: small table, types inferred; ``documents`` derives its schema
#: from its header, see :func:`framing.records.document_schema`)
TABLES: dict[str, tuple | None] = {
    "documents": (), "hits": HIT_SCHEMA, "attributions": ATTRIBUTION_SCHEMA, "outlets": None, "terms": None,
    "topics": None, "events": None, "problems": PROBLEM_SCHEMA, "excluded": EXCLUDED_SCHEMA,
    "term_evidence": TERM_EVIDENCE_SCHEMA, "topic_mix": None, "outlet_topics": None, "excluded_lines": None,
}
#: every table is read on first use; these (millions of rows) are not even read by ``repr``
LAZY_TABLES = ("hits", "attributions", "excluded")
#: columns of the small tables that are always text, even when every value looks like a number
_TEXT_COLUMNS = {"doc_id", "outlet", "term", "form", "label", "event_id", "outlets", "independent_outlets",
                 "doc_ids", "top_words", "line", "source", "top_speakers", "date_start", "date_end"}
_MARKER = "INCOMPLETE"


def _arrow_types_mapper():
    import pyarrow as pa

    mapping = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(),
               pa.bool_(): pd.BooleanDtype()}
    return mapping.get


def read_table(folder: str | Path, name: str, *, columns: list[str] | None = None) -> pd.DataFrame:
    """One table of a run folder as a DataFrame with its declared dtypes.

    Reads ``<name>.parquet`` when present, else ``<name>.csv`` (only ``columns`` if given);
    a table the run did not produce (``topics`` after ``--no-topics``) is an empty DataFrame.
    """
    folder = Path(folder)
    parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.exists():
        return _read_parquet(parquet, name, columns=columns, where=parquet)
    if not csv.exists() or csv.stat().st_size == 0:
        return pd.DataFrame()
    return _read_csv(csv, name, columns=columns, where=csv)


def _read_parquet(source, name: str, *, columns: list[str] | None, where) -> pd.DataFrame:
    """A Parquet file (a path or a buffer) with the declared types: int64 → Int64, string → string,
    bool → boolean, float64 stays float64."""
    import pyarrow.parquet as pq

    try:
        if columns is not None:
            _check_columns(name, columns, pq.read_schema(source).names)
        table = pq.read_table(source, columns=columns)
    except (OSError, ValueError) as exc:
        raise RunError(f"cannot read this Parquet file ({exc})", path=where,
                       hint="the run folder is damaged: run 'framing compare' again") from None
    return table.to_pandas(types_mapper=_arrow_types_mapper())


def _read_csv(source, name: str, *, columns: list[str] | None, where) -> pd.DataFrame:
    """A CSV table (a path or a text buffer) with its declared types (small tables: inferred)."""
    import io

    schema = TABLES.get(name)
    try:
        if isinstance(source, str):  # the text of a table
            header = pd.read_csv(io.StringIO(source), nrows=0).columns
            source = io.StringIO(source)
        else:
            header = pd.read_csv(source, nrows=0).columns
        _check_columns(name, columns, header)
        if schema is None:
            frame = pd.read_csv(source, keep_default_na=False, na_values=[""], usecols=columns,
                                dtype={c: "string" for c in header if c in _TEXT_COLUMNS})
            return _text_and_flags(frame)
        if name == "documents":
            schema = document_schema(header)
        return pd.read_csv(source, keep_default_na=False, na_values=[""], dtype=pandas_dtypes(schema),
                           usecols=columns)
    except (ValueError, pd.errors.ParserError) as exc:
        raise RunError(f"cannot read this table ({str(exc).splitlines()[0]})", path=where,
                       hint="the run folder is damaged or was edited: run 'framing compare' again") from None


def parquet_buffer(schema):
    """A :class:`framing.output.ParquetStream` into memory; :func:`read_parquet_buffer` reads it back."""
    import pyarrow as pa

    from framing.output import ParquetStream

    return ParquetStream(pa.BufferOutputStream(), schema)


def read_parquet_buffer(stream, name: str) -> pd.DataFrame:
    """The rows of a closed :func:`parquet_buffer` as a DataFrame typed exactly as the saved table reads."""
    import pyarrow as pa

    stream.close()
    return _read_parquet(pa.BufferReader(stream.path.getvalue()), name, columns=None, where=f"<{name} in memory>")


class _MemoryFiles:
    """The subset of :class:`framing.output.RunOutput` the small-table writers use, kept in memory:
    a result that is not saved reads its small tables exactly as they will be saved (``%.6g``)."""

    def __init__(self):
        self.texts: dict[str, str] = {}

    def write_csv(self, name: str, frame: pd.DataFrame, columns=None) -> None:
        import io

        buf = io.StringIO()
        self.to_file(frame if columns is None else frame.reindex(columns=list(columns)), buf)
        self.texts[name] = buf.getvalue()

    @staticmethod
    def to_file(frame: pd.DataFrame, target) -> None:
        """``frame`` as CSV exactly as :meth:`framing.output.RunOutput.write_csv` writes it."""
        from framing.output import FLOAT_FORMAT

        frame.to_csv(target, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")

    def write_text(self, name: str, text: str) -> None:
        pass  # topic_labels.yaml: written by save


def _check_columns(name: str, columns: list[str] | None, available) -> None:
    missing = [c for c in columns or () if c not in set(available)]
    if missing:
        from framing.errors import ConfigError

        raise ConfigError(f"the {name} table has no column {missing[0]!r}",
                          hint="columns: " + ", ".join(map(str, available)))


def _text_and_flags(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as ``string`` and True/False columns as ``boolean`` (numbers stay as read)."""
    for c in frame.columns:
        col = frame[c]
        if pd.api.types.is_bool_dtype(col):
            frame[c] = col.astype("boolean")
        elif pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col):
            values = set(col.dropna().unique())
            frame[c] = col.astype("boolean" if values and values <= {True, False} else "string")
    return frame


class Result:
    """The outcome of a comparison: DataFrames and the run manifest.

    Attributes (columns: ``docs/outputs.md``): ``documents`` (one row per analysed
    document, per-document scores), ``hits`` (every lexicon match with offsets),
    ``attributions`` (quotations, reported speech, sourcing), ``outlets`` (scores per
    outlet with bootstrap intervals), ``terms`` (distinguishing terms), ``topics``,
    ``events``, ``problems`` (input problems) and ``manifest`` (the contents of
    ``run.json``: options, versions, lexicons, counts). Other tables (``excluded``,
    ``term_evidence``, ``topic_mix``, ``outlet_topics``, ``excluded_lines``) are in
    :meth:`table`. Empty DataFrames stand for stages that were not run.

    Nothing is written until :meth:`save` or :meth:`report`. A result holds either a run
    folder (:func:`load_run`, ``framing.compare(..., out=DIR)``) or a computed run in memory
    (``data``, from ``framing.compare`` without ``out``), which :meth:`save` writes with the
    same writer as ``framing compare`` (:func:`framing.pipeline.write_run_folder`).
    """

    def __init__(self, folder: str | Path | None = None, *, manifest: dict,
                 owner: tempfile.TemporaryDirectory | None = None, saved_to: Path | None = None, data=None):
        self._folder = Path(folder) if folder is not None else None  # a run folder (load_run), or
        self._data = data  # a computed run held in memory (framing.compare without out=)
        self._owner = owner  # a private temporary folder (files for path()) that lives as long as this object
        self.manifest = manifest
        self.saved_to = saved_to
        self._frames: dict[str, pd.DataFrame] = {}
        self._small: dict[str, str] | None = None

    # --- tables ---------------------------------------------------------------------------

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Any table of the run by name (``excluded``, ``term_evidence``, ``topic_mix`` …).

        With ``columns``, only those columns are read (not kept): the way to look at a
        hits table too big for memory, e.g. ``result.table("hits", ["outlet", "term"])``.
        """
        self._check_name(name)
        if columns is not None:
            if name in self._frames or self._data is not None:
                frame = self.table(name)
                _check_columns(name, columns, frame.columns)
                return frame[list(columns)]
            return read_table(self._folder, name, columns=list(columns))
        if name not in self._frames:
            self._frames[name] = self._memory_table(name) if self._data is not None else read_table(self._folder, name)
        return self._frames[name]

    def _memory_table(self, name: str) -> pd.DataFrame:
        """A table of the computed run, typed exactly as it reads back once saved."""
        data = self._data
        if name in LAZY_TABLES:
            return data.tables.get(name, pd.DataFrame())
        if name == "documents":
            from framing.output import table_formats
            from framing.records import document_schema

            if "parquet" in table_formats(data.options.format):
                stream = parquet_buffer(document_schema(data.documents.columns))
                stream.write_frame(data.documents)
                return read_parquet_buffer(stream, name)
        text = self._small_texts().get(f"{name}.csv")
        return pd.DataFrame() if not text else _read_csv(text, name, columns=None, where=f"<{name} in memory>")

    def _small_texts(self) -> dict[str, str]:
        """The CSV text of every small table, as :meth:`save` writes it (``framing.report.write_run``)."""
        if self._small is None:
            from dataclasses import asdict

            from framing.records import column_names, document_schema
            from framing.report.render import EXCLUDED_LINE_COLUMNS

            data, files = self._data, _MemoryFiles()
            files.write_csv("documents.csv", data.documents, column_names(document_schema(data.documents.columns)))
            files.write_csv("outlets.csv", data.outlets.sort_values("outlet", kind="stable"))
            files.write_csv("terms.csv", data.terms)
            files.write_csv("term_evidence.csv", data.term_evidence, column_names(TERM_EVIDENCE_SCHEMA))
            files.write_csv("problems.csv", pd.DataFrame([asdict(p) for p in data.problems],
                                                         columns=column_names(PROBLEM_SCHEMA)))
            if data.corpus is not None:
                files.write_csv("excluded_lines.csv", pd.DataFrame(data.corpus.excluded_lines(),
                                                                   columns=EXCLUDED_LINE_COLUMNS))
            if data.topic_result is not None:
                data.topic_result.write(files)
            if data.event_result is not None:
                files.write_csv("events.csv", data.event_result.events)
            self._small = files.texts
        return self._small

    def path(self, name: str) -> Path | None:
        """The file behind a table (Parquet when written, else CSV; ``None`` if the run has none),
        for DuckDB or ``pd.read_parquet(..., filters=...)``. For a result computed in memory the
        table is written on first call into a private temporary folder, removed with the result.

        >>> duckdb.sql(f"SELECT outlet, count(*) FROM '{result.path('hits')}' GROUP BY outlet")  # doctest: +SKIP
        """
        self._check_name(name)
        if self._data is not None:
            return self._private_file(name)
        for suffix in (".parquet", ".csv"):
            candidate = self._folder / f"{name}{suffix}"
            if candidate.exists():
                return candidate
        return None

    def _private_file(self, name: str) -> Path | None:
        """``name`` written into this result's private temporary folder (as a run folder would hold it)."""
        from framing.output import table_formats
        from framing.records import TABLE_SCHEMAS, document_schema

        if self._owner is None:
            self._owner = tempfile.TemporaryDirectory(prefix="framing-result-")
        folder = Path(self._owner.name)
        formats = table_formats(self._data.options.format)
        big = name in TABLE_SCHEMAS and name != "term_evidence"
        if big and name not in self._data.tables and name != "documents":
            return None  # attributions of a run without the attribution stage
        if big and "parquet" in formats:
            target = folder / f"{name}.parquet"
            if not target.exists():
                from framing.output import ParquetStream

                frame = self.table(name)
                schema = document_schema(frame.columns) if name == "documents" else TABLE_SCHEMAS[name]
                stream = ParquetStream(target, schema)
                stream.write_frame(frame)
                stream.close()
            return target
        target = folder / f"{name}.csv"
        if not target.exists():
            if big:  # as Result.save writes it (RunOutput.write_table)
                _MemoryFiles.to_file(self.table(name), target)
            elif f"{name}.csv" in self._small_texts():
                target.write_text(self._small_texts()[f"{name}.csv"], encoding="utf-8")
            else:
                return None
        return target

    @staticmethod
    def _check_name(name: str) -> None:
        if name not in TABLES:
            from framing.errors import ConfigError

            raise ConfigError(f"no table named {name!r}", hint=f"use one of {', '.join(TABLES)}")

    documents = property(lambda self: self.table("documents"), doc="One row per analysed document.")
    hits = property(lambda self: self.table("hits"), doc="Every lexicon match (read on first use).")
    attributions = property(lambda self: self.table("attributions"), doc="Quotations and sourcing (lazy).")
    outlets = property(lambda self: self.table("outlets"), doc="Scores per outlet.")
    terms = property(lambda self: self.table("terms"), doc="Distinguishing terms per outlet.")
    topics = property(lambda self: self.table("topics"), doc="Topics (empty without the topic stage).")
    events = property(lambda self: self.table("events"), doc="Events (empty without the event stage).")
    problems = property(lambda self: self.table("problems"), doc="Input problems: skipped or altered input.")

    @property
    def actors(self) -> list[str]:
        """The actors of the framing lexicons, in column order."""
        return list(self.manifest.get("actors") or [])

    @property
    def categories(self) -> list[str]:
        """The loaded-term categories of the framing lexicons."""
        return list(self.manifest.get("categories") or [])

    def _rows(self, name: str) -> str:
        if name in self._frames or name not in LAZY_TABLES or self._data is not None:
            frame = self.table(name)
            return f"{len(frame):,} × {frame.shape[1]}" if name == "documents" else f"{len(frame):,}"
        parquet, csv = self._folder / f"{name}.parquet", self._folder / f"{name}.csv"
        if parquet.exists():
            import pyarrow.parquet as pq

            return f"{pq.read_metadata(parquet).num_rows:,}"
        if csv.exists():
            return f"not loaded ({csv.name}, {csv.stat().st_size / 1e6:.1f} MB)"
        return "0"

    _SHOWN = ("documents", "hits", "attributions", "outlets", "terms", "topics", "events", "problems")

    def _headline(self) -> str:
        corpus = self.manifest.get("corpus") or {}
        dates = [d for d in corpus.get("date_range") or [] if d]
        where = f"saved to {self.saved_to}" if self.saved_to else "not saved"
        return (f"framing.Result: {corpus.get('documents_analysed', len(self.documents)):,} documents, "
                f"{len(corpus.get('outlets') or [])} outlets"
                + (f", {dates[0]} – {dates[-1]}" if dates else "") + f"; {where}")

    def __repr__(self) -> str:
        width = max(map(len, self._SHOWN))
        return "\n".join([f"<{self._headline()}>", *(f"  {n:<{width}}  {self._rows(n)}" for n in self._SHOWN)])

    def _repr_html_(self) -> str:
        """The notebook view: the same counts as a small table (corpus text escaped)."""
        from html import escape

        rows = "".join(f"<tr><td><code>{n}</code></td><td style='text-align:right'>{escape(self._rows(n))}</td></tr>"
                       for n in self._SHOWN)
        return f"<p><b>{escape(self._headline())}</b></p><table><tr><th>table</th><th>rows</th></tr>{rows}</table>"

    # --- writing --------------------------------------------------------------------------

    def _files(self) -> list[Path]:
        return sorted(p for p in self._folder.rglob("*") if p.is_file() and p.name != _MARKER)

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the run folder (tables as CSV/Parquet, ``run.json``, ``report.md``) to ``path``.

        The folder is written atomically (complete or not at all). An existing folder is
        replaced only with ``overwrite=True`` and only if it is an earlier framing run.
        Returns the folder.
        """
        from framing.output import RunOutput

        target = Path(path)
        if self._data is not None:
            return self._write_computed(target, overwrite=overwrite, charts=False, html=False)
        if target.resolve() == self._folder.resolve():
            return target
        if self._folder.resolve() in target.resolve().parents:
            raise RunError("cannot save a run inside its own folder", path=target, hint="choose another folder")
        try:
            out = RunOutput(target, overwrite=overwrite)
        except OSError as exc:
            raise _write_error(exc, target) from None
        manifest = dict(self.manifest)
        manifest["options"] = {**(manifest.get("options") or {}), "out": str(target)}  # where it now lives
        try:
            for src in self._files():
                rel = str(src.relative_to(self._folder))
                if rel == "run.json":
                    out.write_text(rel, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True,
                                                   default=str))
                else:
                    shutil.copyfile(src, out.path(rel))
            final = out.commit()
        except OSError as exc:
            out.abort()
            raise _write_error(exc, target) from None
        except BaseException:
            out.abort()
            raise
        self.saved_to = final
        self.manifest = manifest
        return final

    def report(self, path: str | Path | None = None, *, overwrite: bool = False) -> Path:
        """Save the run (see :meth:`save`) and render ``report.md``, ``report.html`` and charts there.

        Without ``path`` (or with the folder it was saved to), renders into the folder the run
        was loaded from or last saved to.
        """
        from framing.report import render_reports

        if path is None:
            path = self.saved_to
            if path is None:
                raise RunError("this result is not saved yet", hint="pass a folder: result.report('outputs/NAME')")
        elif self.saved_to is None or Path(path).resolve() != self.saved_to.resolve():
            if self._data is not None:  # one atomic write: tables, charts, report.md and report.html
                return self._write_computed(Path(path), overwrite=overwrite, charts=True, html=True)
            path = self.save(path, overwrite=overwrite)
        path = Path(path)
        render_reports(path)
        # run.json describes the folder as it now is: reports and charts drawn, every file's checksum
        from framing.output import atomic_write_text, sha256_file

        manifest = dict(self.manifest)
        manifest["options"] = {**(manifest.get("options") or {}), "out": str(path), "charts": True, "html": True}
        manifest["files"] = {str(p.relative_to(path)): sha256_file(p)  # read in blocks, not whole
                             for p in sorted(path.rglob("*")) if p.is_file() and p.name != "run.json"}
        atomic_write_text(path / "run.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True,
                                                        default=str))
        self.manifest = manifest
        return path


    def _write_computed(self, target: Path, *, overwrite: bool, charts: bool, html: bool) -> Path:
        """Write the computed run held in memory into ``target`` (atomically, as ``framing compare`` does)."""
        from dataclasses import replace

        from framing.output import RunOutput
        from framing.pipeline import write_run_folder

        data = self._data
        try:
            out = RunOutput(target, overwrite=overwrite)
        except OSError as exc:
            raise _write_error(exc, target) from None
        where = {"out": str(target), "charts": charts, "html": html}  # run.json says where the run now lives
        saved = replace(data, options=replace(data.options, **where),
                        manifest={**data.manifest, "options": {**data.manifest["options"], **where}})
        try:
            final = write_run_folder(saved, out)
        except OSError as exc:
            out.abort()
            raise _write_error(exc, target) from None
        except BaseException:
            out.abort()
            raise
        self.saved_to = final
        self.manifest = json.loads((final / "run.json").read_text(encoding="utf-8"))
        return final


def _write_error(exc: OSError, target: Path) -> RunError:
    reason = exc.strerror or str(exc)
    return RunError(f"cannot write the run folder ({reason})", path=getattr(exc, "filename", None) or target,
                    hint="choose a folder you can write to, with free space")


def load_run(path: str | Path) -> Result:
    """Read a finished run folder (written by ``framing compare`` or :meth:`Result.save`).

    Tables are read lazily with their declared dtypes (Parquet when present, else CSV).
    Raises :class:`~framing.errors.RunError` for a folder that is not a finished run.

    >>> run = load_run("outputs/seeds")                          # doctest: +SKIP
    >>> run.documents[["doc_id", "outlet", "hits"]].head()       # doctest: +SKIP
    """
    folder = Path(path)
    run_json = folder / "run.json"
    if not folder.is_dir():
        raise RunError("no such run folder", path=folder, hint="pass the output folder of 'framing compare'")
    if (folder / _MARKER).exists() or not run_json.exists():
        hint = ("this folder is an unfinished or interrupted run: run 'framing compare' again"
                if (folder / _MARKER).exists() else "pass the output folder of 'framing compare'")
        raise RunError("not a finished framing run (no run.json)", path=folder, hint=hint)
    try:
        manifest = json.loads(run_json.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise RunError(f"run.json is not valid JSON ({exc})", path=run_json,
                       hint="the run folder is damaged: run 'framing compare' again") from None
    if not isinstance(manifest, dict) or "framing_run" not in manifest:
        raise RunError("not a run.json written by framing", path=run_json,
                       hint="pass the output folder of 'framing compare'")
    return Result(folder, manifest=manifest, saved_to=folder)
