"""Every table of the report, computed once from a finished run (:func:`build_tables`).

The renderers (:mod:`~framing.report.markdown`, :mod:`~framing.report.html`,
:mod:`~framing.report.charts`) only format what :class:`ReportTables` holds: the outlet ×
actor profiles, the evidence sentences behind each cell, the labels each outlet uses, the
distinguishing terms in context, the multi-outlet events with their side-by-side tables,
the topic shares and the problem counts. Nothing is recomputed at render time, and the
Markdown and HTML reports cannot disagree about a figure.

>>> from framing.report import load_run  # doctest: +SKIP
>>> tables = build_tables(load_run("outputs/seeds"))  # doctest: +SKIP
>>> tables.profile.columns[:3].tolist()  # doctest: +SKIP
['outlet', 'docs', 'tokens']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framing.report.run import RunData

__all__ = [
    "EVIDENCE_PER_CELL",
    "MAX_EVENTS",
    "REPORTED_PER_CELL",
    "SIDE_BY_SIDE_TABLES",
    "EventTables",
    "ReportTables",
    "build_tables",
    "evidence_by_cell",
    "outlet_profile_table",
]

#: sentences kept per (outlet, actor) cell (the HTML shows them all, report.md the first 3)
EVIDENCE_PER_CELL = 5
#: the same for the actor labels inside quotations and reported speech
REPORTED_PER_CELL = 3
#: multi-outlet events given side-by-side tables
MAX_EVENTS = 20


#: the side-by-side tables of an event, one row per actor / category / "sources" / "topics"
SIDE_BY_SIDE_TABLES = ("labels", "reported", "loaded_terms", "sources", "topics")


@dataclass
class EventTables:
    """One event's side-by-side tables (:class:`framing.events.SideBySide`), pivoted once."""

    event_id: str
    outlets: tuple[str, ...]
    docs: pd.DataFrame
    evidence: pd.DataFrame
    copies: pd.DataFrame
    tables: dict[str, pd.DataFrame]

    def wide(self, table: str) -> pd.DataFrame:
        """The pivoted table ``table`` (one of :data:`SIDE_BY_SIDE_TABLES`), one column per outlet."""
        return self.tables[table]

    @classmethod
    def of(cls, sbs) -> EventTables:
        return cls(sbs.event_id, tuple(sbs.outlets), sbs.docs, sbs.evidence, sbs.copies,
                   {name: sbs.wide(name) for name in SIDE_BY_SIDE_TABLES})


@dataclass
class ReportTables:
    """The tables both reports render (see the module docstring); ``run`` is the run they come from."""

    run: RunData
    #: outlets in table order (outlets.csv order, else the documents' outlets sorted)
    outlets: list[str]
    #: outlet × actor 'stance [CI] (n=mentions)' strings, authorial and reported voice
    profile: pd.DataFrame
    profile_reported: pd.DataFrame
    #: (outlet, actor) → up to ``evidence_per_cell`` hit rows (dicts), first by document and position
    evidence: dict[tuple[str, str], list[dict]]
    evidence_reported: dict[tuple[str, str], list[dict]]
    #: (outlet, actor, voice) → (distinct sentences, matches) in hits.csv
    evidence_counts: dict[tuple[str, str, str], tuple[int, int]]
    #: one row per (outlet, actor, term): n (all voices), reported, authorial
    labels: pd.DataFrame
    #: term_evidence.csv (outlet, term, doc_id, sentence, offsets…), or empty
    term_evidence: pd.DataFrame
    #: events covered independently by two or more outlets, most outlets first
    multi_events: pd.DataFrame
    #: event_id → :class:`EventTables` of the first ``max_events`` multi-outlet events
    side_by_side: dict[str, EventTables] = field(default_factory=dict)
    #: outlet_topics.csv with clean types (outlet, topic, label, share), or None
    outlet_topics: pd.DataFrame | None = None
    #: problems.csv counted by (action, reason)
    problem_counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    evidence_per_cell: int = EVIDENCE_PER_CELL
    reported_per_cell: int = REPORTED_PER_CELL
    max_events: int = MAX_EVENTS


def _stance_cell(row, actor) -> str:
    s = row.get(f"stance:{actor}")
    n = row.get(f"mentions:{actor}", 0)
    if s is None or pd.isna(s):
        return "–"
    lo, hi = row.get(f"stance_lo:{actor}"), row.get(f"stance_hi:{actor}")
    ci = f" [{lo:+.2f}, {hi:+.2f}]" if lo is not None and pd.notna(lo) and pd.notna(hi) else ""
    return f"{s:+.2f}{ci} (n={int(n)})"


def outlet_profile_table(run: RunData, *, voice: str = "authorial") -> pd.DataFrame:
    """Outlet × actor table of 'stance [CI] (n=mentions)' strings (actors nobody mentions left out)."""
    suffix = "" if voice == "authorial" else "_reported"
    rows = []
    for _, r in run.outlets.iterrows():
        row = {"outlet": r["outlet"], "docs": int(r["documents"]), "tokens": int(r["tokens"])}
        for a in run.actors:
            if voice == "authorial":
                row[a] = _stance_cell(r, a)
            else:
                s, n = r.get(f"stance{suffix}:{a}"), r.get(f"mentions{suffix}:{a}", 0)
                row[a] = "–" if s is None or pd.isna(s) else f"{s:+.2f} (n={int(n)})"
        rows.append(row)
    df = pd.DataFrame(rows)
    used = [a for a in run.actors if a in df and (df[a] != "–").any()]
    return df[["outlet", "docs", "tokens", *used]] if len(df) else df


def evidence_by_cell(run: RunData, *, per_cell: int = EVIDENCE_PER_CELL, voice: str = "authorial"
                     ) -> dict[tuple[str, str], list[dict]]:
    """Up to ``per_cell`` distinct sentences per (outlet, actor), from ``hits.csv``."""
    out: dict[tuple[str, str], list[dict]] = {}
    if run.hits.empty or "actor" not in run.hits:
        return out
    h = run.hits[(run.hits["voice"] == voice) & run.hits["actor"].notna()]
    if h.empty:
        return out
    # first by document and position, one hit per sentence, ``per_cell`` per (outlet, actor)
    h = h.sort_values(["outlet", "actor", "doc_id", "start"], kind="stable")
    h = h.drop_duplicates(["outlet", "actor", "doc_id", "sentence_start"])
    h = h.groupby(["outlet", "actor"], sort=False).head(per_cell)
    for (outlet, actor), grp in h.groupby(["outlet", "actor"], sort=True):
        out[(outlet, actor)] = grp.to_dict("records")
    return out


def _evidence_counts(run: RunData) -> dict[tuple[str, str, str], tuple[int, int]]:
    h = run.hits
    if h.empty or not {"outlet", "actor", "voice", "doc_id", "sentence_start"} <= set(h.columns):
        return {}
    h = h[h["actor"].notna()]
    keys = h["doc_id"].astype(str) + "\x1f" + h["sentence_start"].astype(str)
    by = keys.groupby([h["outlet"].astype(str), h["actor"].astype(str), h["voice"].astype(str)])
    sentences, matches = by.nunique(), by.size()
    return {k: (int(sentences[k]), int(matches[k])) for k in matches.index}


def _labels(run: RunData) -> pd.DataFrame:
    cols = ["outlet", "actor", "term", "n", "reported", "authorial"]
    h = run.hits
    if h.empty or "actor" not in h:
        return pd.DataFrame(columns=cols)
    h = h[h["actor"].notna() & (h["actor"].astype(str) != "")]
    if h.empty:
        return pd.DataFrame(columns=cols)
    counts = (h.assign(_rep=(h["voice"].astype(str) == "reported").astype(int))
              .groupby(["outlet", "actor", "term"], sort=True)["_rep"].agg(["size", "sum"]).reset_index())
    counts.columns = ["outlet", "actor", "term", "n", "reported"]
    counts["authorial"] = counts["n"] - counts["reported"]
    for c in ("outlet", "actor", "term"):
        counts[c] = counts[c].astype(str)
    return counts


def _term_evidence(run: RunData) -> pd.DataFrame:
    te = run.tables.get("term_evidence.csv")
    if te is None:
        path = run.path / "term_evidence.csv"
        te = pd.DataFrame()
        if path.exists() and path.stat().st_size:
            try:
                te = pd.read_csv(path, keep_default_na=False, na_values=[""],
                                 dtype={"doc_id": str, "outlet": str, "term": str})
            except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError, ValueError):
                te = pd.DataFrame()  # optional evidence: a damaged file only loses the links
    if te.empty or not {"outlet", "term", "doc_id", "sentence"} <= set(te.columns):
        return pd.DataFrame()
    te = te.copy()
    for c in ("outlet", "term", "doc_id"):
        te[c] = te[c].astype(str)
    return te


def _multi_events(run: RunData) -> pd.DataFrame:
    if "events.csv" not in run.tables:
        return pd.DataFrame()
    events = run.tables["events.csv"].copy()
    events["event_id"] = events["event_id"].astype(str)
    if "multi_outlet" in events:
        multi = events[events["multi_outlet"].astype(str).str.lower() == "true"]
    elif "n_outlets" in events:
        multi = events[pd.to_numeric(events["n_outlets"], errors="coerce").fillna(0) >= 2]
    else:
        multi = events.iloc[0:0]
    sort_cols = [c for c in ("n_outlets", "n_independent", "n_docs") if c in multi]
    if sort_cols:
        multi = multi.sort_values(sort_cols, ascending=False, kind="stable")
    return multi


def _rows_by_doc(frame: pd.DataFrame | None) -> dict[str, np.ndarray]:
    if frame is None or frame.empty or "doc_id" not in frame:
        return {}
    return frame.groupby(frame["doc_id"].astype(str), sort=False).indices


def _slice(frame: pd.DataFrame | None, index: dict[str, np.ndarray], doc_ids) -> pd.DataFrame | None:
    """The rows of ``frame`` for ``doc_ids``, in the frame's own order (what side_by_side would select)."""
    if frame is None or frame.empty or not index:
        return frame
    pos = [index[d] for d in doc_ids if d in index]
    return frame.iloc[np.sort(np.concatenate(pos))] if pos else frame.iloc[0:0]


def _side_by_side(run: RunData, multi: pd.DataFrame, max_events: int) -> dict[str, EventTables]:
    if multi.empty or max_events <= 0 or "event_id" not in run.documents:
        return {}
    try:
        from framing.events import side_by_side
    except ImportError:  # pragma: no cover - events is part of the package
        return {}
    docs = run.documents
    assignments = docs[[c for c in ("doc_id", "outlet", "date", "title", "event_id", "duplicate_of",
                                    "duplicate_similarity", "independent") if c in docs]].copy()
    topic_mix = run.tables.get("topic_mix.csv")
    # each event only needs its own documents' rows: index them once instead of scanning every table per event
    by_event = assignments.groupby(assignments["event_id"].astype(str), sort=False)["doc_id"].agg(list)
    doc_rows = _rows_by_doc(assignments)
    hit_rows, attr_rows, topic_rows = _rows_by_doc(run.hits), _rows_by_doc(run.attributions), _rows_by_doc(topic_mix)
    copies_of = (dict(zip(assignments["doc_id"].astype(str), assignments["duplicate_of"], strict=True))
                 if "duplicate_of" in assignments else {})
    out = {}
    for eid in multi["event_id"].astype(str).head(max_events):
        ids = [str(d) for d in by_event.get(eid, [])]
        originals = {str(copies_of[d]) for d in ids if isinstance(copies_of.get(d), str) and copies_of[d]}
        # the event's documents and the ones they copy (side_by_side names the copied outlet)
        own = _slice(assignments, doc_rows, [*ids, *sorted(originals - set(ids))])
        out[eid] = EventTables.of(side_by_side(eid, own, _slice(run.hits, hit_rows, ids),
                                               _slice(run.attributions, attr_rows, ids),
                                               _slice(topic_mix, topic_rows, ids)))
    return out


def _outlet_topics(run: RunData) -> pd.DataFrame | None:
    ot = run.tables.get("outlet_topics.csv")
    if ot is None or not {"outlet", "topic", "share"} <= set(ot.columns):
        return None
    ot = ot.copy()
    ot["outlet"] = ot["outlet"].astype(str)
    ot["share"] = pd.to_numeric(ot["share"], errors="coerce").fillna(0.0)
    if "label" not in ot:
        ot["label"] = ot["topic"].astype(str)
    return ot


def _outlets(run: RunData) -> list[str]:
    outlets = run.outlets["outlet"].astype(str).tolist() if "outlet" in run.outlets else []
    if not outlets and "outlet" in run.documents:
        outlets = sorted(run.documents["outlet"].astype(str).unique())
    return outlets


def build_tables(run: RunData, *, evidence_per_cell: int = EVIDENCE_PER_CELL,
                 reported_per_cell: int = REPORTED_PER_CELL, max_events: int = MAX_EVENTS) -> ReportTables:
    """Compute every table of the report once from ``run`` (see :class:`ReportTables`)."""
    ev = evidence_by_cell(run, per_cell=evidence_per_cell)
    ev_rep = evidence_by_cell(run, per_cell=reported_per_cell, voice="reported")
    multi = _multi_events(run)
    problems = run.problems
    counts = (problems.groupby(["action", "reason"], dropna=False).size().reset_index(name="count")
              if not problems.empty else pd.DataFrame(columns=["action", "reason", "count"]))
    return ReportTables(
        run=run, outlets=_outlets(run),
        profile=outlet_profile_table(run), profile_reported=outlet_profile_table(run, voice="reported"),
        evidence=ev, evidence_reported=ev_rep, evidence_counts=_evidence_counts(run), labels=_labels(run),
        term_evidence=_term_evidence(run), multi_events=multi, side_by_side=_side_by_side(run, multi, max_events),
        outlet_topics=_outlet_topics(run), problem_counts=counts, evidence_per_cell=evidence_per_cell,
        reported_per_cell=reported_per_cell, max_events=max_events)
