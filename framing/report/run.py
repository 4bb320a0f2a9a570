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

import pandas as pd

from framing.errors import RunError

__all__ = ["ATTRIBUTION_COLUMNS", "NUMERIC_COLUMNS", "REQUIRED_COLUMNS", "SUMMARY_FILES", "RunData", "load_run"]


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
#: columns that must hold numbers
NUMERIC_COLUMNS = {
    "outlets.csv": ("documents", "tokens"),
    "terms.csv": ("rank", "z"),
    "hits.csv": ("start", "end", "sentence_start"),
}


def _damaged(p: Path, what: str) -> RunError:
    return RunError(f"this run file is damaged ({what})", path=p,
                    hint="re-run 'framing compare' (or restore the file) — the report is rendered from it")


def _read(path: Path, name: str, *, columns: Sequence[str] | None = None, **kw) -> pd.DataFrame:
    """``name`` read back (its Parquet twin when only that exists); ``columns``: only those
    that the file has (the others are never parsed)."""
    p = path / name
    try:
        if not p.exists() and p.with_suffix(".parquet").exists():  # a run written with --format parquet
            pq_path = p.with_suffix(".parquet")
            if columns is not None:
                import pyarrow.parquet as pq

                names = set(pq.read_schema(pq_path).names)
                columns = [c for c in columns if c in names]
            df = pd.read_parquet(pq_path, columns=columns)
        elif not p.exists() or p.stat().st_size == 0:
            return pd.DataFrame()
        else:
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
    missing = [c for c in REQUIRED_COLUMNS.get(name, ()) if c not in df.columns]
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

    def big(name: str, **kw) -> pd.DataFrame:
        return pd.DataFrame() if summary_only else _read(path, name, **kw)

    data = RunData(
        path=path, manifest=manifest,
        documents=big("documents.csv", dtype=str_cols),
        outlets=_read(path, "outlets.csv", dtype={"outlet": str}),
        terms=_read(path, "terms.csv", dtype={"outlet": str, "term": str}),
        hits=big("hits.csv", dtype=str_cols),
        attributions=big("attributions.csv", dtype=str_cols, columns=ATTRIBUTION_COLUMNS),
        problems=big("problems.csv"),
    )
    for name in ("topics.csv", "topic_mix.csv", "events.csv", "excluded_lines.csv", "outlet_topics.csv"):
        if summary_only and name not in SUMMARY_FILES:
            continue
        df = _read(path, name)
        if len(df):
            data.tables[name] = df
    return data
