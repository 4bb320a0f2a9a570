"""A finished run folder read back: :class:`RunData` and :func:`load_run`.

The report layer renders *from the files of a run only* (``framing report RUN_DIR``
re-renders a finished run without recomputing anything). Files (columns documented in
``docs/outputs.md``): ``documents``, ``hits``, ``attributions`` (CSV and/or Parquet),
``outlets.csv``, ``terms.csv``, ``problems.csv``, ``excluded_lines.csv``, ``topics.csv``,
``topic_mix.csv``, ``outlet_topics.csv``, ``events.csv``, ``term_evidence.csv``, ``run.json``.
A damaged file is a one-line :class:`~framing.errors.RunError` naming it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from framing.errors import RunError

__all__ = ["ATTRIBUTION_COLUMNS", "HIT_TEXT_COLUMNS", "NUMERIC_COLUMNS", "REQUIRED_COLUMNS", "SUMMARY_FILES", "RunData", "load_run"]


@dataclass
class RunData:
    """The tables of a finished run, read back from its folder."""

    path: Path
    manifest: dict
    documents: pd.DataFrame
    outlets: pd.DataFrame
    terms: pd.DataFrame
    hits: pd.DataFrame
    attributions: pd.DataFrame
    problems: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: the columns of the hits file in file order, when ``hits`` holds all but the
    #: :data:`HIT_TEXT_COLUMNS` (read by :meth:`hit_rows` for the rows shown); None: ``hits`` is whole
    hit_columns: list[str] | None = None

    def hit_rows(self, positions) -> pd.DataFrame:
        """The rows of ``hits`` at ``positions`` (row numbers of the file, as ``hits.iloc``) with every
        column of the file, the sentences included: what the report shows of a hit. The sentences of
        those rows alone are read (from ``hits.parquet`` a row group at a time, else ``hits.csv`` by chunks),
        so the per-hit text of a month never sits in memory.

        >>> run = load_run("outputs/seeds")  # doctest: +SKIP
        >>> run.hit_rows([0, 5])["sentence"].str.len().gt(0).all()  # doctest: +SKIP
        True
        """
        positions = np.asarray(positions, dtype=np.int64)
        rows = self.hits.iloc[positions]
        if self.hit_columns is None:
            return rows
        missing = [c for c in self.hit_columns if c not in rows.columns]
        if missing:
            text = read_hit_text(self.path, missing, positions)
            rows = rows.assign(**{c: text[c] for c in missing})
        return rows[self.hit_columns]

    @property
    def actors(self) -> list[str]:
        return list(self.manifest.get("actors") or [])

    @property
    def categories(self) -> list[str]:
        return list(self.manifest.get("categories") or [])


#: columns the report needs in each file of a run (a file without them is damaged)
REQUIRED_COLUMNS = {
    "documents.csv": ("doc_id", "outlet"),
    "outlets.csv": ("outlet", "documents", "tokens"),
    "terms.csv": ("outlet", "term", "rank", "z"),
    "hits.csv": ("doc_id", "outlet", "actor", "term", "voice", "start", "end", "sentence_start", "sentence"),
    "attributions.csv": ("doc_id", "outlet"),
    "problems.csv": ("action", "reason"),
    "events.csv": ("event_id",),
    "topics.csv": ("topic",),
}
#: the columns of attributions.csv the report reads (the events' side-by-side sources table);
#: the quotations' text and offsets are never shown, so never parsed
ATTRIBUTION_COLUMNS = ("doc_id", "outlet", "field", "speaker", "source_type", "cue")
#: the per-hit text columns :func:`load_run` leaves out of ``hits`` (unique per hit: most of the table's
#: memory); :meth:`RunData.hit_rows` reads them for the rows the report shows
HIT_TEXT_COLUMNS = ("sentence",)
#: rows of ``hits.csv`` parsed at a time when its text columns are read for some rows
HIT_TEXT_CHUNK_ROWS = 200_000
#: columns that must hold numbers
NUMERIC_COLUMNS = {
    "outlets.csv": ("documents", "tokens"),
    "terms.csv": ("rank", "z"),
    "hits.csv": ("start", "end", "sentence_start"),
}


def _damaged(p: Path, what: str) -> RunError:
    return RunError(f"this run file is damaged ({what})", path=p,
                    hint="re-run 'framing compare' (or restore the file) — the report is rendered from it")


def _read(path: Path, name: str, *, columns: Sequence[str] | None = None, without: Sequence[str] = (),
          header: list[str] | None = None, **kw) -> pd.DataFrame:
    """``name`` read back (its Parquet twin when only that exists); ``columns``: only those
    that the file has (the others are never parsed); ``without``: every column but those
    (``header``, if given, receives the file's columns in order)."""
    p = path / name
    try:
        if not p.exists() and p.with_suffix(".parquet").exists():  # a run written with --format parquet
            pq_path = p.with_suffix(".parquet")
            if columns is not None or without or header is not None:
                import pyarrow.parquet as pq

                names = pq.read_schema(pq_path).names
                if header is not None:
                    header[:] = names
                if columns is not None:
                    columns = [c for c in columns if c in set(names)]
                elif without:
                    columns = [c for c in names if c not in set(without)]
            df = pd.read_parquet(pq_path, columns=columns)
        elif not p.exists() or p.stat().st_size == 0:
            return pd.DataFrame()
        else:
            if without or header is not None:
                names = pd.read_csv(p, nrows=0).columns.tolist()
                if header is not None:
                    header[:] = names
                if without and columns is None:
                    columns = [c for c in names if c not in set(without)]
            if columns is not None:
                wanted = set(columns)
                kw["usecols"] = lambda c: c in wanted
            df = pd.read_csv(p, keep_default_na=False, na_values=[""], **kw)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except UnicodeDecodeError:
        raise _damaged(p, "not UTF-8 text") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise _damaged(p, str(exc).strip().splitlines()[-1][:120] if str(exc).strip() else type(exc).__name__) \
            from None
    if df.empty:
        return df
    have = set(df.columns) | (set(header) if header is not None else set())
    missing = [c for c in REQUIRED_COLUMNS.get(name, ()) if c not in have]
    if missing:
        raise _damaged(p, f"no column {', '.join(missing)}")
    for c in NUMERIC_COLUMNS.get(name, ()):
        try:
            df[c] = pd.to_numeric(df[c])
        except (ValueError, TypeError):
            raise _damaged(p, f"column {c} is not numeric") from None
    return df


#: the per-outlet tables (small at any corpus size): all the charts need
SUMMARY_FILES = ("outlets.csv", "terms.csv", "outlet_topics.csv")


def load_run(path: str | Path, *, summary_only: bool = False) -> RunData:
    """Read a run folder written by ``framing compare``; a damaged file is a one-line :class:`RunError`.

    ``summary_only`` reads only ``run.json`` and the per-outlet tables (:data:`SUMMARY_FILES`),
    leaving the per-document and per-hit tables empty (what the charts need).
    """
    path = Path(path)
    run_json = path / "run.json"
    if not run_json.exists():
        hint = "this folder is an interrupted run" if (path / "INCOMPLETE").exists() else \
            "pass the output folder of 'framing compare'"
        raise RunError("no run.json in this folder", path=path, hint=hint)
    try:
        manifest = json.loads(run_json.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise _damaged(run_json, "not UTF-8 text") from None
    except ValueError as exc:
        raise _damaged(run_json, f"invalid JSON: {exc}") from None
    if not isinstance(manifest, dict) or "framing_run" not in manifest:
        raise _damaged(run_json, "not a framing run.json")
    for key, kind in (("corpus", dict), ("lexicons", list), ("actors", list), ("categories", list),
                      ("stages", dict), ("versions", dict)):
        if key in manifest and not isinstance(manifest[key], kind):
            raise _damaged(run_json, f"'{key}' is not a{'n object' if kind is dict else ' list'}")
    if not all(isinstance(lx, dict) for lx in manifest.get("lexicons") or []):
        raise _damaged(run_json, "'lexicons' holds something else than objects")
    str_cols = {"doc_id": str, "outlet": str}
    hit_columns: list[str] = []  # the hits file's columns (the text ones are read only for the rows shown)

    def big(name: str, **kw) -> pd.DataFrame:
        return pd.DataFrame() if summary_only else _read(path, name, **kw)

    data = RunData(
        path=path, manifest=manifest,
        documents=big("documents.csv", dtype=str_cols),
        outlets=_read(path, "outlets.csv", dtype={"outlet": str}),
        terms=_read(path, "terms.csv", dtype={"outlet": str, "term": str}),
        hits=big("hits.csv", dtype=str_cols, without=HIT_TEXT_COLUMNS, header=hit_columns),
        attributions=big("attributions.csv", dtype=str_cols, columns=ATTRIBUTION_COLUMNS),
        problems=big("problems.csv"),
    )
    if len(data.hits) and any(c in hit_columns and c not in data.hits for c in HIT_TEXT_COLUMNS):
        data.hit_columns = hit_columns
    for name in ("topics.csv", "topic_mix.csv", "events.csv", "excluded_lines.csv", "outlet_topics.csv"):
        if summary_only and name not in SUMMARY_FILES:
            continue
        df = _read(path, name)
        if len(df):
            data.tables[name] = df
    return data


def read_hit_text(path: str | Path, columns: Sequence[str], positions) -> dict[str, list]:
    """The values of ``columns`` (text columns of the hits file) at row ``positions`` of a run's
    hits, in the order given, as :func:`load_run` would read them (a missing or empty value is NaN):
    from ``hits.parquet`` (only the row groups holding those rows) when it exists, else from
    ``hits.csv`` (parsed by chunks of :data:`HIT_TEXT_CHUNK_ROWS` rows, only those columns kept)."""
    path = Path(path)
    positions = np.asarray(positions, dtype=np.int64)
    out: dict[str, list] = {c: [np.nan] * len(positions) for c in columns}
    if not len(positions):
        return out
    order = np.argsort(positions, kind="stable")
    wanted = positions[order]
    parquet, csv = path / "hits.parquet", path / "hits.csv"
    try:
        if parquet.exists():
            import pyarrow.parquet as pq

            pf = pq.ParquetFile(parquet)
            starts = np.cumsum([0] + [pf.metadata.row_group(i).num_rows for i in range(pf.num_row_groups)])
            groups = np.searchsorted(starts, wanted, side="right") - 1
            for g in np.unique(groups):
                sel = np.flatnonzero(groups == g)
                table = pf.read_row_group(int(g), columns=list(columns))
                local = wanted[sel] - starts[g]
                for c in columns:
                    values = table.column(c).take(local).to_pylist()
                    for i, v in zip(order[sel], values, strict=True):
                        out[c][i] = np.nan if v is None or v == "" else v
        elif csv.exists():
            at = 0
            reader = pd.read_csv(csv, usecols=list(columns), keep_default_na=False, na_values=[""], dtype=object,
                                 chunksize=HIT_TEXT_CHUNK_ROWS)
            for chunk in reader:
                lo, hi = np.searchsorted(wanted, [at, at + len(chunk)])
                for c in columns:
                    values = chunk[c].to_numpy()
                    for i, p in zip(order[lo:hi], wanted[lo:hi], strict=True):
                        out[c][i] = values[p - at]
                at += len(chunk)
                if hi >= len(wanted):
                    break
    except UnicodeDecodeError:
        raise _damaged(csv, "not UTF-8 text") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise _damaged(parquet if parquet.exists() else csv, str(exc).strip().splitlines()[-1][:120]
                       if str(exc).strip() else type(exc).__name__) from None
    return out
