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

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from framing.analysis import EVIDENCE_PER_CELL
from framing.errors import ConfigError, RunError
from framing.report.run import RunData

__all__ = [
    "EVIDENCE_PER_CELL",
    "MAX_EVENTS",
    "REPORTED_PER_CELL",
    "SIDE_BY_SIDE_TABLES",
    "EventTables",
    "ReportTables",
    "build_tables",
    "category_kinds",
    "choose_granularity",
    "evidence_by_cell",
    "keyness",
    "keyness_evidence",
    "label_shares",
    "loaded_categories",
    "outlet_profile_table",
    "reference_keyness",
    "term_counts",
    "timeline",
    "topic_categories",
]

# EVIDENCE_PER_CELL, sentences kept per (outlet, actor) cell, is what the analysis collects (its one
# owner is framing.analysis); the HTML shows them all, report.md the first MARKDOWN_EVIDENCE_PER_CELL
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
    #: labels.csv (:func:`label_shares`)
    label_shares: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LABEL_COLUMNS))
    #: timeline.csv (:func:`timeline`; ``attrs``: granularity, undated_documents, documents)
    timeline: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TIMELINE_COLUMNS))
    #: keyness.csv: every other outlet against the run's ``reference`` option (:func:`keyness`), or None
    keyness: pd.DataFrame | None = None
    #: keyness_evidence.csv: sentences behind the keyness terms, both sides (:func:`keyness_evidence`), or None
    keyness_evidence: pd.DataFrame | None = None
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
    """Outlet × actor table of 'stance [CI] (n=mentions)' strings (actors nobody mentions left out);
    a ``language`` column after ``docs`` when the outlets write in more than one language."""
    suffix = "" if voice == "authorial" else "_reported"
    rows = []
    langs = run.outlets["language"].astype(str) if "language" in run.outlets else pd.Series([], dtype=str)
    mixed = bool(langs.str.contains("+", regex=False).any() or langs.nunique() > 1)
    for _, r in run.outlets.iterrows():
        row = {"outlet": r["outlet"], "docs": int(r["documents"])}
        if mixed:
            row["language"] = str(r["language"])
        row["tokens"] = int(r["tokens"])
        for a in run.actors:
            if voice == "authorial":
                row[a] = _stance_cell(r, a)
            else:
                s, n = r.get(f"stance{suffix}:{a}"), r.get(f"mentions{suffix}:{a}", 0)
                row[a] = "–" if s is None or pd.isna(s) else f"{s:+.2f} (n={int(n)})"
        rows.append(row)
    df = pd.DataFrame(rows)
    used = [a for a in run.actors if a in df and (df[a] != "–").any()]
    return df[["outlet", "docs", *(["language"] if mixed else []), "tokens", *used]] if len(df) else df


def evidence_by_cell(run: RunData, *, per_cell: int = EVIDENCE_PER_CELL, voice: str = "authorial"
                     ) -> dict[tuple[str, str], list[dict]]:
    """Up to ``per_cell`` distinct sentences per (outlet, actor), from ``hits.csv``."""
    out: dict[tuple[str, str], list[dict]] = {}
    if run.hits.empty or "actor" not in run.hits:
        return out
    hits = run.hits
    # the rows are chosen on the key columns only; only the chosen ones are taken whole (sentences and all)
    keys = ["outlet", "actor", "doc_id", *(["field"] if "field" in hits else []), "start", "sentence_start"]
    mask = ((hits["voice"] == voice) & hits["actor"].notna()).to_numpy(dtype=bool)
    k = hits.loc[mask, keys].assign(_pos=np.flatnonzero(mask))
    if k.empty:
        return out
    # first by document and position, one hit per sentence, ``per_cell`` per (outlet, actor)
    k = k.sort_values(["outlet", "actor", "doc_id", "start"], kind="stable")
    k = k.drop_duplicates(["outlet", "actor", "doc_id", *(["field"] if "field" in k else []), "sentence_start"])
    k = k.groupby(["outlet", "actor"], sort=False).head(per_cell)
    h = run.hit_rows(k["_pos"].to_numpy())  # the chosen rows whole, their sentences read now
    # the rows as dicts once (one to_dict per cell cost ~3 ms each, a second for a month's 300 cells),
    # then dealt to the cells in the groupby's order
    records = h.reset_index(drop=True).to_dict("records")
    for group, rows in h.groupby(["outlet", "actor"], sort=True).indices.items():
        out[tuple(group)] = [records[i] for i in rows]
    return out


def _evidence_counts(run: RunData) -> dict[tuple[str, str, str], tuple[int, int]]:
    h = run.hits
    if h.empty or not {"outlet", "actor", "voice", "doc_id", "sentence_start"} <= set(h.columns):
        return {}
    h = h.loc[h["actor"].notna(), [c for c in ("outlet", "actor", "voice", "doc_id", "sentence_start", "field")
                                   if c in h]]  # never the sentences
    keys = h["doc_id"].astype(str) + "\x1f" + h["sentence_start"].astype(str)
    if "field" in h:  # a title's sentence starts at 0 like the text's first one
        keys = keys + "\x1f" + h["field"].astype(str)
    by = keys.groupby([h["outlet"].astype(str), h["actor"].astype(str), h["voice"].astype(str)])
    sentences, matches = by.nunique(), by.size()
    return {k: (int(sentences[k]), int(matches[k])) for k in matches.index}


def _labels(run: RunData) -> pd.DataFrame:
    cols = ["outlet", "actor", "term", "n", "reported", "authorial"]
    h = run.hits
    if h.empty or "actor" not in h:
        return pd.DataFrame(columns=cols)
    h = h.loc[h["actor"].notna() & (h["actor"].astype(str) != ""), ["outlet", "actor", "term", "voice"]]
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


def _docs_of(frame: pd.DataFrame | None, doc_ids: set[str]) -> pd.DataFrame | None:
    """The rows of ``frame`` whose document is one of ``doc_ids``, in order (a frame without documents as it is)."""
    if frame is None or frame.empty or "doc_id" not in frame:
        return frame
    return frame[frame["doc_id"].astype(str).isin(doc_ids)]


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
    eids = multi["event_id"].astype(str).head(max_events).tolist()
    # only the shown events' documents (and the ones they copy) matter: the tables are cut to their rows
    # once, then indexed by document (not a list per event of the whole month, nor an index of every hit)
    chosen = assignments[assignments["event_id"].astype(str).isin(set(eids))]
    by_event = chosen.groupby(chosen["event_id"].astype(str), sort=False)["doc_id"].agg(list)
    copies_of = (dict(zip(chosen["doc_id"].astype(str), chosen["duplicate_of"], strict=True))
                 if "duplicate_of" in chosen else {})
    shown = {str(d) for d in chosen["doc_id"]}
    copied = {str(c) for c in copies_of.values() if isinstance(c, str) and c}
    assignments = _docs_of(assignments, shown | copied)
    doc_rows = _rows_by_doc(assignments)
    attributions, topic_mix = (_docs_of(f, shown) for f in (run.attributions, topic_mix))
    hits = run.hits
    if not hits.empty and "doc_id" in hits:  # the shown documents' hits whole, their sentences read now
        hits = run.hit_rows(np.flatnonzero(hits["doc_id"].astype(str).isin(shown).to_numpy()))
    hit_rows, attr_rows, topic_rows = _rows_by_doc(hits), _rows_by_doc(attributions), _rows_by_doc(topic_mix)
    out = {}
    loaded = loaded_categories(run)
    for eid in eids:
        ids = [str(d) for d in by_event.get(eid, [])]
        originals = {str(copies_of[d]) for d in ids if isinstance(copies_of.get(d), str) and copies_of[d]}
        # the event's documents and the ones they copy (side_by_side names the copied outlet)
        own = _slice(assignments, doc_rows, [*ids, *sorted(originals - set(ids))])
        sbs = side_by_side(eid, own, _slice(hits, hit_rows, ids), _slice(attributions, attr_rows, ids),
                           _slice(topic_mix, topic_rows, ids))
        lt = sbs.loaded_terms  # loaded categories only: topic markers are subjects, not wording
        out[eid] = EventTables.of(replace(sbs, loaded_terms=lt[lt["category"].astype(str).isin(loaded)]))
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
    k = reference_keyness(run)
    return ReportTables(
        run=run, outlets=_outlets(run),
        profile=outlet_profile_table(run), profile_reported=outlet_profile_table(run, voice="reported"),
        evidence=ev, evidence_reported=ev_rep, evidence_counts=_evidence_counts(run), labels=_labels(run),
        term_evidence=_term_evidence(run), multi_events=multi, side_by_side=_side_by_side(run, multi, max_events),
        outlet_topics=_outlet_topics(run), problem_counts=counts, label_shares=label_shares(run),
        timeline=timeline(run), keyness=k, keyness_evidence=None if k is None else keyness_evidence(run, k),
        evidence_per_cell=evidence_per_cell,
        reported_per_cell=reported_per_cell, max_events=max_events)


# --- label shares, framing over time, keyness (issue 15) -------------------------------------------

#: columns of ``labels.csv`` (:func:`label_shares`)
LABEL_COLUMNS = ["outlet", "actor", "voice", "lexicon", "entry_id", "term", "count", "share", "mean_stance"]
#: columns of ``timeline.csv`` (:func:`timeline`)
TIMELINE_COLUMNS = ["outlet", "granularity", "period", "period_start", "actor", "documents", "mentions",
                    "stance", "stance_lo", "stance_hi", "loaded_hits", "tokens", "density"]
#: columns of a keyness table (:func:`keyness`)
KEYNESS_COLUMNS = ["target", "reference", "side", "rank", "term", "form", "count_target", "count_reference",
                   "per_1000_target", "per_1000_reference", "log_odds", "z", "statistic"]
#: columns of the keyness evidence (:func:`keyness_evidence`, ``keyness_evidence.csv``)
KEYNESS_EVIDENCE_COLUMNS = ["target", "reference", "side", "term", "outlet", "doc_id", "field", "start", "end",
                            "matched", "sentence_start", "sentence", "source"]
#: sentences kept per keyness term (each side)
KEYNESS_EVIDENCE_PER_TERM = 3
#: the largest date range (days) shown per day, and per week; beyond: per month
DAY_MAX_DAYS = 60
WEEK_MAX_DAYS = 730
GRANULARITIES = ("day", "week", "month")


def category_kinds(run: RunData) -> dict[str, str]:
    """Category → kind (``loaded``, ``topic`` or ``label``) of a run: ``run.json``'s
    ``category_kinds``; a run written before kinds existed gets the defaults (``label`` for
    actor labels and persons, every other category ``loaded``).

    >>> from framing.report import load_run  # doctest: +SKIP
    >>> category_kinds(load_run("outputs/seeds"))["humanitarian"]  # doctest: +SKIP
    'topic'
    """
    from framing.lexicon.model import CATEGORY_KINDS, default_category_kind

    recorded = run.manifest.get("category_kinds")
    recorded = recorded if isinstance(recorded, dict) else {}
    out = {c: default_category_kind(c) for c in run.categories}
    out.update({str(c): str(k) for c, k in recorded.items() if k in CATEGORY_KINDS})
    return out


def loaded_categories(run: RunData) -> list[str]:
    """The run's categories of kind ``loaded``, in run order: what "loaded-term density", the
    loaded-term tables and the timeline's ``density`` count (topic markers and labels are not)."""
    kinds = category_kinds(run)
    return [c for c in [*run.categories, *(k for k in kinds if k not in run.categories)] if kinds.get(c) == "loaded"]


def topic_categories(run: RunData) -> list[str]:
    """The run's categories of kind ``topic`` (subjects, not wording), in run order."""
    kinds = category_kinds(run)
    return [c for c in run.categories if kinds.get(c) == "topic"]


def label_shares(run: RunData) -> pd.DataFrame:
    """Per outlet, actor and voice, the share of each label (lexicon entry) in the outlet's mentions.

    One row per (outlet, actor, voice, entry): ``count`` matches in ``hits``, ``share`` = count
    / all matches of that actor by that outlet in that voice (the shares of a cell sum to 1),
    ``mean_stance`` of those matches. Sorted by outlet, actor, voice, then the largest share.
    Columns: :data:`LABEL_COLUMNS` (``labels.csv``).

    >>> from framing.report import load_run  # doctest: +SKIP
    >>> label_shares(load_run("outputs/seeds")).head(1)[["outlet", "actor", "term", "share"]]  # doctest: +SKIP
    """
    h = run.hits
    if h.empty or not {"outlet", "actor", "term", "voice"} <= set(h.columns):
        return pd.DataFrame(columns=LABEL_COLUMNS)
    h = h.loc[h["actor"].notna() & (h["actor"].astype(str) != ""),
              [c for c in ("outlet", "actor", "voice", "lexicon", "entry_id", "term", "stance") if c in h]]
    if h.empty:
        return pd.DataFrame(columns=LABEL_COLUMNS)
    h = pd.DataFrame({
        "outlet": h["outlet"].astype(str), "actor": h["actor"].astype(str), "voice": h["voice"].astype(str),
        "lexicon": h["lexicon"].astype(str) if "lexicon" in h else "",
        "entry_id": (h["entry_id"].astype(str) if "entry_id" in h else h["term"].astype(str)),
        "term": h["term"].astype(str),
        "stance": pd.to_numeric(h["stance"], errors="coerce") if "stance" in h else np.nan,
    })
    keys = ["outlet", "actor", "voice", "lexicon", "entry_id"]
    g = h.groupby(keys, sort=True)
    out = g.agg(term=("term", "first"), count=("term", "size"), mean_stance=("stance", "mean")).reset_index()
    out["share"] = out["count"] / out.groupby(["outlet", "actor", "voice"])["count"].transform("sum")
    out = out.sort_values(["outlet", "actor", "voice", "count", "term"], ascending=[True, True, True, False, True],
                          kind="stable")
    out["count"] = out["count"].astype(int)
    return out[LABEL_COLUMNS].reset_index(drop=True)


#: share of the dates left out at each end when the date range is measured (stray dates)
GRANULARITY_TRIM = 0.005


def choose_granularity(dates: pd.Series) -> str:
    """``day`` when the dates span at most :data:`DAY_MAX_DAYS` days, ``week`` up to
    :data:`WEEK_MAX_DAYS`, else ``month``. The span is that of all but the first and last
    :data:`GRANULARITY_TRIM` of the dates, as the timeline chart shows them: a month of news with
    a few stray dates a year off stays a month of days.

    >>> choose_granularity(pd.Series(pd.to_datetime(["2013-02-01", "2013-02-28"])))
    'day'
    >>> choose_granularity(pd.Series(pd.to_datetime(["2012-01-01", "2013-02-28"])))
    'week'
    >>> choose_granularity(pd.Series(pd.to_datetime(["2012-01-01"] + ["2013-02-01", "2013-02-28"] * 200)))
    'day'
    """
    d = pd.to_datetime(dates, errors="coerce").dropna()
    if d.empty:
        return "day"
    lo, hi = d.quantile(GRANULARITY_TRIM, interpolation="lower"), d.quantile(1 - GRANULARITY_TRIM,
                                                                             interpolation="higher")
    span = (hi - lo).days
    return "day" if span <= DAY_MAX_DAYS else "week" if span <= WEEK_MAX_DAYS else "month"


def _period_start(d: pd.Series, granularity: str) -> pd.Series:
    if granularity == "day":
        return d.dt.normalize()
    if granularity == "week":  # ISO weeks start on Monday
        return (d - pd.to_timedelta(d.dt.day_of_week, unit="D")).dt.normalize()
    return d.dt.to_period("M").dt.start_time


def _period_label(start: pd.Series, granularity: str) -> pd.Series:
    if granularity == "day":
        return start.dt.strftime("%Y-%m-%d")
    if granularity == "week":
        iso = start.dt.isocalendar()
        return iso["year"].astype(str) + "-W" + iso["week"].astype(int).map("{:02d}".format)
    return start.dt.strftime("%Y-%m")


def timeline(run: RunData, granularity: str | None = None) -> pd.DataFrame:
    """Outlet × period × actor: documents, authorial mentions, mean stance with a 95 % normal
    interval over the period's mentions, and the outlet's loaded-term density in the period
    (authorial hits of a :func:`loaded_categories` category per 1,000 tokens; the same on
    every actor row of the period).

    ``granularity`` is ``day``, ``week`` (ISO, starting Monday) or ``month``; None chooses it
    from the date range (:func:`choose_granularity`; a ``timeline_granularity`` run option
    overrides). Documents without a date are left out and counted in
    ``df.attrs["undated_documents"]`` (``df.attrs["documents"]`` is the total, and
    ``df.attrs["granularity"]`` the one used). Columns: :data:`TIMELINE_COLUMNS` (``timeline.csv``).
    Every actor mentioned anywhere in the run gets a row in every (outlet, period) with
    documents; ``mentions`` 0 and an empty stance there.
    """
    docs = run.documents
    empty = pd.DataFrame(columns=TIMELINE_COLUMNS)
    empty.attrs = {"granularity": granularity or "", "undated_documents": 0, "documents": len(docs)}
    if docs.empty or "date" not in docs:
        empty.attrs["undated_documents"] = len(docs)
        return empty
    if granularity is None:
        granularity = _option(run, "timeline_granularity")
    dates = pd.to_datetime(docs["date"], errors="coerce", utc=True).dt.tz_localize(None)
    if granularity is None:
        granularity = choose_granularity(dates)
    if granularity not in GRANULARITIES:
        raise ConfigError(f"unknown timeline granularity {granularity!r}",
                          hint=f"use one of {', '.join(GRANULARITIES)} (or leave it out to choose from the dates)")
    dated = dates.notna()
    undated = int((~dated).sum())
    d = pd.DataFrame({"doc_id": docs["doc_id"].astype(str), "outlet": docs["outlet"].astype(str),
                      "tokens": pd.to_numeric(docs.get("tokens", 0), errors="coerce").fillna(0)})[dated]
    if d.empty:
        empty.attrs.update(granularity=granularity, undated_documents=undated)
        return empty
    d["period_start"] = _period_start(dates[dated], granularity)
    d["period"] = _period_label(d["period_start"], granularity)
    per = d.groupby(["outlet", "period", "period_start"], sort=True).agg(documents=("doc_id", "size"),
                                                                          tokens=("tokens", "sum")).reset_index()
    h = run.hits
    if not h.empty and "voice" in h:
        h = h.loc[h["voice"].astype(str) == "authorial",
                  [c for c in ("doc_id", "outlet", "actor", "category", "stance") if c in h]]  # never the sentences
        h = h.assign(doc_id=h["doc_id"].astype(str)).merge(d[["doc_id", "period"]], on="doc_id", how="inner")
    else:
        h = pd.DataFrame(columns=["doc_id", "outlet", "actor", "category", "stance", "period"])
    loaded = (h[h["category"].astype(str).isin(loaded_categories(run))] if "category" in h else h.iloc[0:0])
    loaded_n = loaded.groupby([loaded["outlet"].astype(str), "period"]).size().rename("loaded_hits")
    per = per.merge(loaded_n.reset_index(), on=["outlet", "period"], how="left")
    per["loaded_hits"] = per["loaded_hits"].fillna(0).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        per["density"] = np.where(per["tokens"] > 0, per["loaded_hits"] / per["tokens"] * 1000.0, np.nan)
    ha = h[h["actor"].notna() & (h["actor"].astype(str) != "")] if "actor" in h else h.iloc[0:0]
    mentioned = set(ha["actor"].astype(str).unique())  # once, not once per actor of the run
    actors = [a for a in run.actors if a in mentioned] or sorted(mentioned)
    if not actors:
        empty.attrs.update(granularity=granularity, undated_documents=undated)
        return empty
    stance = pd.to_numeric(ha["stance"], errors="coerce")
    by = stance.groupby([ha["outlet"].astype(str), ha["period"], ha["actor"].astype(str)])
    stats = pd.DataFrame({"mentions": by.size(), "stance": by.mean(), "sd": by.std(ddof=1)})
    stats.index.names = ["outlet", "period", "actor"]
    grid = per.merge(pd.DataFrame({"actor": actors}), how="cross")
    out = grid.merge(stats.reset_index(), on=["outlet", "period", "actor"], how="left")
    out["mentions"] = out["mentions"].fillna(0).astype(int)
    half = 1.96 * out["sd"] / np.sqrt(out["mentions"].where(out["mentions"] > 0))
    out["stance_lo"] = (out["stance"] - half).clip(lower=-1.0)
    out["stance_hi"] = (out["stance"] + half).clip(upper=1.0)
    out["granularity"] = granularity
    out["period_start"] = out["period_start"].dt.strftime("%Y-%m-%d")
    out["tokens"] = out["tokens"].astype(int)
    order = {a: i for i, a in enumerate(actors)}
    out = out.sort_values(["outlet", "period"], kind="stable")
    out = out.iloc[np.lexsort((out["actor"].map(order).to_numpy(), out["period"].to_numpy(),
                               out["outlet"].to_numpy()))]
    out = out[TIMELINE_COLUMNS].reset_index(drop=True)
    out.attrs = {"granularity": granularity, "undated_documents": undated, "documents": len(docs)}
    return out


def term_counts(run: RunData) -> pd.DataFrame:
    """The run's per-outlet term counts (``term_counts.parquet``: outlet, term, count).

    A run written before these counts were kept has none: a :class:`RunError` says to re-run.
    """
    cached = run.tables.get("term_counts")
    if cached is not None:
        return cached
    path = run.path / "term_counts.parquet"
    if not path.exists():
        raise RunError("this run has no per-outlet term counts (term_counts.parquet)", path=run.path,
                       hint="re-run 'framing compare' with this version of framing to compute keyness")
    try:
        tc = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise RunError(f"this run file is damaged ({type(exc).__name__})", path=path,
                       hint="re-run 'framing compare' (or restore the file)") from None
    if not {"outlet", "term", "count"} <= set(tc.columns):
        raise RunError("this run file is damaged (no column outlet, term or count)", path=path,
                       hint="re-run 'framing compare' (or restore the file)")
    tc = tc.assign(outlet=tc["outlet"].astype(str), term=tc["term"].astype(str))
    run.tables["term_counts"] = tc
    return tc


def keyness(run: RunData, target: str, reference: str | Sequence[str] | None = None, *, top: int | None = 25,
            min_count: int = 3) -> pd.DataFrame:
    """Terms over- and under-used by outlet ``target`` against ``reference`` (an outlet, a list of
    outlets, or None: every other outlet), both directions.

    Log-odds with an informative Dirichlet prior (:class:`framing.compare.LogOddsDirichlet`):
    ``side = "target"`` rows have z > 0 (more frequent in the target), ``side = "reference"``
    rows z < 0; ``rank`` counts from the strongest term of each side; ``top`` terms per side
    (None: all) with at least ``min_count`` occurrences on their side. ``count_target`` /
    ``count_reference`` are the evidence counts; ``form`` is the written form where ``terms.csv``
    has one (else the normalized term). Columns: :data:`KEYNESS_COLUMNS`.
    An unknown outlet is a :class:`ConfigError` listing the run's outlets.
    """
    from framing.compare import keyness as _keyness

    tc = term_counts(run)
    names = sorted(tc["outlet"].unique())
    refs = _reference_outlets(names, target, reference)
    for name in [target, *refs]:
        if name not in names:
            raise ConfigError(f"no outlet {name!r} in this run",
                              hint=f"use one of: {', '.join(names)}", path=run.path)
    if target in refs:
        raise ConfigError(f"outlet {target!r} is both the target and the reference",
                          hint="choose two different outlets")
    a = tc[tc["outlet"] == target].groupby("term")["count"].sum()
    b = tc[tc["outlet"].isin(refs)].groupby("term")["count"].sum()
    label = refs[0] if len(refs) == 1 else ("all other outlets" if reference is None else " + ".join(refs))
    out = _keyness(a, b, target=target, reference=label, top=top, min_count=min_count)
    # the written form of the terms terms.csv knows (the counts are of normalized terms)
    terms = run.terms
    forms = (dict(zip(terms["term"].astype(str), terms["form"].astype(str), strict=True))
             if len(terms) and "form" in terms else {})
    out["form"] = [forms.get(t, t) for t in out["term"]]
    return out[KEYNESS_COLUMNS]


def _reference_outlets(names: Sequence[str], target: str, reference: str | Sequence[str] | None) -> list[str]:
    """The outlets a keyness reference stands for: every other outlet (None), one, or several."""
    return ([r for r in names if r != target] if reference is None
            else [reference] if isinstance(reference, str) else list(reference))


def _hit_sentences(run: RunData, *, outlets: Sequence[str] | None = None, per_outlet: int | None = None
                   ) -> pd.DataFrame:
    """The distinct sentences of ``hits`` (outlet, doc_id, sentence_start, sentence), first by
    outlet, document and position: the run's hits when loaded, else only those columns from
    ``hits.parquet`` / ``hits.csv`` (a summary-only run, as ``framing keyness`` reads).

    When the run's hits were loaded without their sentences (:meth:`RunData.hit_rows`), the
    distinct sentences are chosen on their keys and only those of ``outlets`` (None: all), the
    first ``per_outlet`` of each, are read."""
    cols = ["outlet", "doc_id", "field", "sentence_start", "sentence"]
    h = run.hits
    if not h.empty and "sentence" not in h and "sentence" in (run.hit_columns or ()):
        from framing.report.run import read_hit_text

        k = h[[c for c in ("outlet", "doc_id", "field", "sentence_start") if c in h]]
        k = k.assign(outlet=k["outlet"].astype(str), doc_id=k["doc_id"].astype(str), _pos=np.arange(len(k)))
        if "field" not in k:
            k = k.assign(field="text")
        if outlets is not None:
            k = k[k["outlet"].isin(list(outlets))]
        k = k.sort_values(["outlet", "doc_id", "sentence_start"], kind="stable")
        k = k.drop_duplicates(["outlet", "doc_id", "field", "sentence_start"])
        if per_outlet is not None:
            k = k.groupby("outlet", sort=False).head(per_outlet)
        k = k.assign(sentence=read_hit_text(run.path, ["sentence"], k["_pos"].to_numpy())["sentence"])
        return k[cols].dropna(subset=["sentence"])
    if h.empty:
        parquet, csv = run.path / "hits.parquet", run.path / "hits.csv"
        try:
            if parquet.exists():
                import pyarrow.parquet as pq

                h = pd.read_parquet(parquet, columns=[c for c in cols if c in pq.read_schema(parquet).names])
            elif csv.exists() and csv.stat().st_size:
                h = pd.read_csv(csv, usecols=lambda c: c in cols, keep_default_na=False, na_values=[""],
                                dtype={"outlet": str, "doc_id": str})
        except Exception:  # optional evidence: a damaged or older file only loses the sentences
            h = pd.DataFrame(columns=cols)
    if "field" not in h:  # a run written before titles were analysed: every hit is in the text
        h = h.assign(field="text")
    if h.empty or not set(cols) <= set(h.columns):
        return pd.DataFrame(columns=cols)
    h = h[cols].dropna(subset=["sentence"])
    h = h.assign(outlet=h["outlet"].astype(str), doc_id=h["doc_id"].astype(str))
    h = h.sort_values(["outlet", "doc_id", "sentence_start"], kind="stable")
    return h.drop_duplicates(["outlet", "doc_id", "field", "sentence_start", "sentence"])


#: distinct hit sentences read per outlet when looking for keyness terms outside term_evidence.csv
KEYNESS_SCAN_SENTENCES = 5_000


def _sentences_with_terms(sentences: pd.DataFrame, pending: dict[str, dict[str, int]]) -> list[dict]:
    """Occurrences of ``pending`` terms (outlet → {term: sentences still wanted}) in the hit
    sentences of those outlets: the word's offsets into its document, the word as written."""
    from framing.evidence import raw_word_re
    from framing.normalize import fold_article_clitics, normalize_ar

    word_re = raw_word_re()
    seen: dict[str, str] = {}
    rows = []
    for outlet, g in sentences[sentences["outlet"].isin(list(pending))].groupby("outlet", sort=True):
        want = pending[outlet]
        # the counts' terms are normalized words already; a term given otherwise is looked up normalized
        key_of = {fold_article_clitics(normalize_ar(t)): t for t in want}
        key_of |= {k.lower(): t for k, t in list(key_of.items())}
        g = g.head(KEYNESS_SCAN_SENTENCES)
        for doc_id, fld, s_start, sentence in zip(g["doc_id"], g["field"], g["sentence_start"],
                                                  g["sentence"].astype(str), strict=True):
            if not want:
                break
            hit_here = set()
            for m in word_re.finditer(sentence):
                raw = m.group()
                norm = seen.get(raw)
                if norm is None:
                    norm = fold_article_clitics(normalize_ar(raw))
                    if len(seen) < 200_000:
                        seen[raw] = norm
                term = key_of.get(norm) or key_of.get(norm.lower())
                if term is None or term not in want or term in hit_here:
                    continue
                hit_here.add(term)
                base = int(s_start) if pd.notna(s_start) else 0
                rows.append({"outlet": outlet, "term": term, "doc_id": doc_id, "field": fld, "start": base + m.start(),
                             "end": base + m.end(), "matched": raw, "sentence_start": s_start,
                             "sentence": sentence, "source": "hits"})
                want[term] -= 1
                if want[term] <= 0:
                    del want[term]
    return rows


def keyness_evidence(run: RunData, table: pd.DataFrame, reference: str | Sequence[str] | None = None, *,
                     per_term: int = KEYNESS_EVIDENCE_PER_TERM) -> pd.DataFrame:
    """The sentences behind the terms of a keyness ``table`` (:func:`keyness` or ``keyness.csv``),
    both directions, from what the run kept (no new pass over the corpus): a term over-used by the
    target (``side = "target"``) in the target's sentences, an under-used one (``side =
    "reference"``) in the reference outlets' sentences.

    Up to ``per_term`` distinct sentences per term and side, the word itself highlighted: first
    from ``term_evidence.csv`` (the outlets' distinguishing terms in context: ``source =
    "term_evidence"``), then from the sentences of ``hits`` (sentences holding a lexicon match,
    the first :data:`KEYNESS_SCAN_SENTENCES` per outlet: ``source = "hits"``). A term found in
    neither has no sentence here. ``reference`` is the outlet(s) the table was computed against
    (None: every other outlet; a table of several targets against one reference, as
    ``keyness.csv``, reads it from the table). Columns: :data:`KEYNESS_EVIDENCE_COLUMNS`.
    """
    empty = pd.DataFrame(columns=KEYNESS_EVIDENCE_COLUMNS)
    if table is None or table.empty or per_term <= 0:
        return empty
    names = sorted(set(run.outlets["outlet"].astype(str))) if "outlet" in run.outlets else []
    wanted: dict[tuple[str, str], list[tuple[str, str, str]]] = {}  # (outlet, term) → [(target, ref, side)]
    for target, ref_label, side, term in zip(table["target"].astype(str), table["reference"].astype(str),
                                             table["side"].astype(str), table["term"].astype(str), strict=True):
        if side == "target":
            outlets = [target]
        elif reference is not None:
            outlets = _reference_outlets(names, target, reference)
        elif ref_label in names:
            outlets = [ref_label]
        else:  # "A + B" or "all other outlets"
            outlets = [o for o in ref_label.split(" + ") if o in names] or [o for o in names if o != target]
        for o in outlets:
            wanted.setdefault((o, term), []).append((target, ref_label, side))
    if not wanted:
        return empty
    cols = ["outlet", "term", "doc_id", "field", "start", "end", "matched", "sentence_start", "sentence", "source"]
    te = _term_evidence(run)
    found = []
    if len(te):
        te = te[[k in wanted for k in zip(te["outlet"], te["term"].astype(str), strict=True)]]
        te = te.assign(source="term_evidence", field=te.get("field", "text")).reindex(columns=cols)
        te = te.drop_duplicates(["outlet", "term", "doc_id", "sentence"]).groupby(["outlet", "term"]).head(per_term)
        found.append(te)
    have = te.groupby(["outlet", "term"]).size().to_dict() if len(te) else {}
    pending: dict[str, dict[str, int]] = {}
    for outlet, term in wanted:
        if have.get((outlet, term), 0) < per_term:
            pending.setdefault(outlet, {})[term] = per_term - have.get((outlet, term), 0)
    if pending:
        more = _sentences_with_terms(_hit_sentences(run, outlets=list(pending), per_outlet=KEYNESS_SCAN_SENTENCES),
                                     pending)
        if more:
            found.append(pd.DataFrame(more, columns=cols))
    found = [f for f in found if len(f)]
    if not found:
        return empty
    ev = pd.concat(found, ignore_index=True)
    rows = []
    for (outlet, term), g in ev.groupby(["outlet", "term"], sort=False):
        for target, ref_label, side in wanted.get((outlet, term), []):
            rows.append(g.assign(target=target, reference=ref_label, side=side))
    out = pd.concat(rows, ignore_index=True)
    # per (target, side, term), across the reference's outlets: term_evidence first, then by outlet and place
    out = out.assign(_o=out["source"].map({"term_evidence": 0, "hits": 1}))
    out = out.sort_values(["target", "side", "term", "_o", "outlet", "doc_id", "start"], kind="stable")
    out = out.groupby(["target", "side", "term"], sort=False).head(per_term)
    return out[KEYNESS_EVIDENCE_COLUMNS].reset_index(drop=True)


def _option(run: RunData, name: str):
    options = run.manifest.get("options")
    return options.get(name) if isinstance(options, dict) else None


def reference_keyness(run: RunData, reference: str | None = None, *, top: int | None = 25) -> pd.DataFrame | None:
    """Every other outlet against ``reference`` (default: the run's ``reference`` option), one
    :func:`keyness` table after the other (``keyness.csv``); None when there is no reference.
    A run without term counts gives None too (the report says so instead of failing)."""
    reference = reference or _option(run, "reference")
    if not reference:
        return None
    try:
        names = sorted(term_counts(run)["outlet"].unique())
    except RunError:
        return None
    if reference not in names:
        raise ConfigError(f"no outlet {reference!r} in this run (--reference)", hint=f"use one of: {', '.join(names)}",
                          path=run.path)
    frames = [keyness(run, o, reference, top=top) for o in names if o != reference]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=KEYNESS_COLUMNS)
