"""The tables of a comparison as pandas DataFrames: :class:`Result` and :func:`load_run`.

A :class:`Result` is what :func:`framing.compare` returns and what :func:`load_run` reads
back from a finished run folder. It writes nothing until :meth:`Result.save` (data files,
``run.json``, ``report.md``) or :meth:`Result.report` (also ``report.html`` and charts).

Tables are read with the column types declared in :mod:`framing.records`: integers stay
integers (pandas ``Int64``, so a missing ``attribution_id`` is ``<NA>``, not ``NaN``),
text columns are ``string``, flags are ``boolean``. The large tables (``hits``,
``attributions``, ``excluded``) are read only when first used, from Parquet when the run
wrote it, else from CSV.

>>> import framing
>>> run = framing.load_run("outputs/seeds")                   # doctest: +SKIP
>>> run.hits.groupby("outlet")["voice"].value_counts()        # doctest: +SKIP
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
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
    schema = TABLES.get(name)
    parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.exists():
        import pyarrow.parquet as pq

        try:
            if columns is not None:
                _check_columns(name, columns, pq.read_schema(parquet).names)
            table = pq.read_table(parquet, columns=columns)
        except (OSError, ValueError) as exc:
            raise RunError(f"cannot read this Parquet file ({exc})", path=parquet,
                           hint="the run folder is damaged: run 'framing compare' again") from None
        # the declared types: int64 → Int64, string → string, bool → boolean, float64 stays float64
        return table.to_pandas(types_mapper=_arrow_types_mapper())
    if not csv.exists() or csv.stat().st_size == 0:
        return pd.DataFrame()
    try:
        header = pd.read_csv(csv, nrows=0).columns
        _check_columns(name, columns, header)
        if schema is None:
            frame = pd.read_csv(csv, keep_default_na=False, na_values=[""], usecols=columns,
                                dtype={c: "string" for c in header if c in _TEXT_COLUMNS})
            return _text_and_flags(frame)
        if name == "documents":
            schema = document_schema(header)
        return pd.read_csv(csv, keep_default_na=False, na_values=[""], dtype=pandas_dtypes(schema), usecols=columns)
    except (ValueError, pd.errors.ParserError) as exc:
        raise RunError(f"cannot read this table ({str(exc).splitlines()[0]})", path=csv,
                       hint="the run folder is damaged or was edited: run 'framing compare' again") from None


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

    Nothing is written until :meth:`save` or :meth:`report`.
    """

    def __init__(self, folder: str | Path, *, manifest: dict, owner: tempfile.TemporaryDirectory | None = None,
                 saved_to: Path | None = None):
        self._folder = Path(folder)
        self._owner = owner  # a private temporary folder that lives as long as this object
        self.manifest = manifest
        self.saved_to = saved_to
        self._frames: dict[str, pd.DataFrame] = {}

    # --- tables ---------------------------------------------------------------------------

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Any table of the run by name (``excluded``, ``term_evidence``, ``topic_mix`` …).

        With ``columns``, only those columns are read (not kept): the way to look at a
        hits table too big for memory, e.g. ``result.table("hits", ["outlet", "term"])``.
        """
        self._check_name(name)
        if columns is not None:
            if name in self._frames:
                _check_columns(name, columns, self._frames[name].columns)
                return self._frames[name][list(columns)]
            return read_table(self._folder, name, columns=list(columns))
        if name not in self._frames:
            self._frames[name] = read_table(self._folder, name)
        return self._frames[name]

    def path(self, name: str) -> Path | None:
        """The file behind a table (Parquet when written, else CSV; ``None`` if the run has none),
        for DuckDB or ``pd.read_parquet(..., filters=...)``. A result that is not saved lives in
        a private temporary folder, removed with the result.

        >>> duckdb.sql(f"SELECT outlet, count(*) FROM '{result.path('hits')}' GROUP BY outlet")  # doctest: +SKIP
        """
        self._check_name(name)
        for suffix in (".parquet", ".csv"):
            candidate = self._folder / f"{name}{suffix}"
            if candidate.exists():
                return candidate
        return None

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
        if name in self._frames or name not in LAZY_TABLES:
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
            path = self.save(path, overwrite=overwrite)
        path = Path(path)
        render_reports(path)
        # run.json describes the folder as it now is: reports and charts drawn, every file's checksum
        import hashlib

        from framing.output import atomic_write_text

        manifest = dict(self.manifest)
        manifest["options"] = {**(manifest.get("options") or {}), "out": str(path), "charts": True, "html": True}
        manifest["files"] = {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
                             for p in sorted(path.rglob("*")) if p.is_file() and p.name != "run.json"}
        atomic_write_text(path / "run.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True,
                                                        default=str))
        self.manifest = manifest
        return path


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


def _result_from_private_run(folder: Path, owner: tempfile.TemporaryDirectory,
                             edit_manifest: Callable[[dict], None] | None = None) -> Result:
    """A :class:`Result` over a run written into a private temporary folder (not saved)."""
    result = load_run(folder)
    if edit_manifest is not None:
        edit_manifest(result.manifest)
        (folder / "run.json").write_text(json.dumps(result.manifest, ensure_ascii=False, indent=2, sort_keys=True,
                                                    default=str), encoding="utf-8")
    return Result(folder, manifest=result.manifest, owner=owner)

