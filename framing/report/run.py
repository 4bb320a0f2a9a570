"""Outputs of a run: CSV tables, ``run.json``, charts and ``report.md``.

:func:`write_run` writes the data files of a run; :func:`render_reports` renders the
charts and reports *from those files only*, so ``framing report RUN_DIR`` re-renders a
finished run without recomputing anything.

Files (columns documented in ``docs/outputs.md``): ``documents.csv``, ``hits.csv``,
``attributions.csv``, ``outlets.csv``, ``terms.csv``, ``problems.csv``,
``excluded_lines.csv``, ``topics.csv``, ``topic_mix.csv``, ``events.csv``,
``charts/*.png|svg``, ``report.md``, ``run.json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from framing.errors import RunError
from framing.output import RunOutput, atomic_write_bytes, atomic_write_text

__all__ = ["RunData", "load_run", "render_reports", "write_run"]

EVIDENCE_PER_CELL = 3
EXCLUDED_LINE_COLUMNS = ["outlet", "line", "documents", "outlet_documents"]


def write_run(out: RunOutput, *, options, documents, outlets, terms, hits_evidence, attributions, attr_profile,
              topic_result, event_result, problems, manifest, actors, categories, lexicons, corpus) -> None:
    """Write every data file of a run into ``out`` and render the reports."""
    from framing.output import table_formats
    from framing.records import document_schema

    out.write_table("documents", documents, document_schema(documents.columns),
                    table_formats(getattr(options, "format", "both")))
    out.write_csv("outlets.csv", outlets.sort_values("outlet", kind="stable"))
    out.write_csv("terms.csv", terms)
    prob_df = pd.DataFrame([asdict(p) for p in problems],
                           columns=["source", "line", "doc_id", "action", "reason", "detail"])
    out.write_csv("problems.csv", prob_df, columns=["source", "line", "doc_id", "action", "reason", "detail"])
    excluded = getattr(corpus, "excluded_lines", None)
    if callable(excluded):
        out.write_csv("excluded_lines.csv", pd.DataFrame(excluded(), columns=EXCLUDED_LINE_COLUMNS),
                      columns=EXCLUDED_LINE_COLUMNS)
    if topic_result is not None:
        topic_result.write(out)
    if event_result is not None:
        out.write_csv("events.csv", event_result.events)
    manifest = dict(manifest)
    manifest["actors"] = list(actors)
    manifest["categories"] = list(categories)
    manifest["lexicon_meta"] = {lx.name: {"description": lx.description, "actors": lx.actors,
                                          "categories": lx.categories} for lx in lexicons if lx.kind == "framing"}
    out.write_text("run.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True, default=str))
    render_reports(out.dir, options=options, writer=out)
    manifest["files"] = out.checksums()
    out.write_text("run.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True, default=str))


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
#: columns that must hold numbers
NUMERIC_COLUMNS = {
    "outlets.csv": ("documents", "tokens"),
    "terms.csv": ("rank", "z"),
    "hits.csv": ("start", "end", "sentence_start"),
}


def _damaged(p: Path, what: str) -> RunError:
    return RunError(f"this run file is damaged ({what})", path=p,
                    hint="re-run 'framing compare' (or restore the file) — the report is rendered from it")


def _read(path: Path, name: str, **kw) -> pd.DataFrame:
    p = path / name
    try:
        if not p.exists() and p.with_suffix(".parquet").exists():  # a run written with --format parquet
            df = pd.read_parquet(p.with_suffix(".parquet"))
        elif not p.exists() or p.stat().st_size == 0:
            return pd.DataFrame()
        else:
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


def load_run(path: str | Path) -> RunData:
    """Read a run folder written by ``framing compare``; a damaged file is a one-line :class:`RunError`."""
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
    data = RunData(
        path=path, manifest=manifest,
        documents=_read(path, "documents.csv", dtype=str_cols),
        outlets=_read(path, "outlets.csv", dtype={"outlet": str}),
        terms=_read(path, "terms.csv", dtype={"outlet": str, "term": str}),
        hits=_read(path, "hits.csv", dtype=str_cols),
        attributions=_read(path, "attributions.csv", dtype=str_cols),
        problems=_read(path, "problems.csv"),
    )
    for name in ("topics.csv", "topic_mix.csv", "events.csv", "excluded_lines.csv", "outlet_topics.csv"):
        df = _read(path, name)
        if len(df):
            data.tables[name] = df
    return data


# --- charts ---------------------------------------------------------------------------------


def _charts(run: RunData, save) -> list[tuple[str, str]]:
    """Render every chart; ``save(name, fig) -> [paths]``. Returns (title, png path)."""
    from framing import charts

    made = []
    if len(run.outlets) and run.actors:
        made.append(("Actor stance by outlet", save("stance_heatmap", charts.plot_stance_heatmap(run.outlets,
                                                                                                  run.actors))[0]))
    if len(run.outlets) and run.categories:
        made.append(("Category density by outlet",
                     save("category_density", charts.plot_category_density(run.outlets, run.categories))[0]))
    if len(run.terms):
        made.append(("Distinguishing terms", save("distinguishing_terms",
                                                  charts.plot_distinguishing_terms(run.terms))[0]))
    if len(run.outlets) and any(c.startswith("share_") for c in run.outlets.columns):
        made.append(("Source types by outlet", save("source_types", charts.plot_source_types(run.outlets))[0]))
    if "outlet_topics.csv" in run.tables:
        from framing import topics

        ot = run.tables["outlet_topics.csv"]
        made.append(("Topic mix by outlet", save("topic_mix", topics.plot_topic_mix(ot))[0]))
        made.append(("Topics by outlet", save("topic_heatmap", topics.plot_topic_heatmap(ot))[0]))
    return made


def render_reports(run_dir: str | Path, *, options=None, writer: RunOutput | None = None) -> list[str]:
    """Render charts and reports of a run folder from its data files.

    With ``writer`` (during a run) files go into the run's unfinished folder; without
    (``framing report RUN_DIR``) each file is replaced atomically in place.
    """
    run = load_run(run_dir)
    run_dir = Path(run_dir)

    def save(name, fig):
        if writer is not None:
            return writer.save_figure(name, fig)
        import matplotlib.pyplot as plt

        paths = []
        for fmt in ("png", "svg"):
            import io

            buf = io.BytesIO()
            meta = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(buf, format=fmt, dpi=150, bbox_inches="tight", metadata=meta)
            atomic_write_bytes(run_dir / "charts" / f"{name}.{fmt}", buf.getvalue())
            paths.append(f"charts/{name}.{fmt}")
        plt.close(fig)
        return paths

    charts = _charts(run, save) if (options is None or getattr(options, "charts", True)) else []
    md = render_markdown(run, charts)
    written = ["report.md"] + [c[1] for c in charts]
    if writer is not None:
        writer.write_text("report.md", md)
    else:
        atomic_write_text(run_dir / "report.md", md)
    try:
        from framing import html_report
    except ImportError:
        html_report = None
    if html_report is not None and (options is None or getattr(options, "html", True)):
        page = html_report.render_html(run, charts)
        if writer is not None:
            writer.write_text("report.html", page)
        else:
            atomic_write_text(run_dir / "report.html", page)
        written.append("report.html")
    return written


# --- markdown -------------------------------------------------------------------------------


def _md_escape(text) -> str:
    """Corpus or lexicon text as inert Markdown: no HTML, no code span, no table break, one line."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
            .replace("`", "\\`").replace("\r", " ").replace("\n", " "))


def _table(df: pd.DataFrame, *, floatfmt: str = "{:.2f}") -> str:
    if df.empty:
        return "_(none)_\n"
    cols = list(df.columns)
    lines = ["| " + " | ".join(_md_escape(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        cells = []
        for c in cols:
            v = r[c]
            if isinstance(v, float):
                cells.append("" if pd.isna(v) else floatfmt.format(v))
            else:
                cells.append(_md_escape(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _stance_cell(row, actor) -> str:
    s = row.get(f"stance:{actor}")
    n = row.get(f"mentions:{actor}", 0)
    if s is None or pd.isna(s):
        return "–"
    lo, hi = row.get(f"stance_lo:{actor}"), row.get(f"stance_hi:{actor}")
    ci = f" [{lo:+.2f}, {hi:+.2f}]" if lo is not None and pd.notna(lo) and pd.notna(hi) else ""
    return f"{s:+.2f}{ci} (n={int(n)})"


def outlet_profile_table(run: RunData, *, voice: str = "authorial") -> pd.DataFrame:
    """Outlet × actor table of 'stance [CI] (n=mentions)' strings."""
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
    if run.hits.empty:
        return out
    h = run.hits[(run.hits["voice"] == voice) & run.hits["actor"].notna()]
    for (outlet, actor), grp in h.groupby(["outlet", "actor"], sort=True):
        seen = set()
        cell = []
        for _, r in grp.sort_values(["doc_id", "start"]).iterrows():
            key = (r["doc_id"], r["sentence_start"])
            if key in seen:
                continue
            seen.add(key)
            cell.append(r.to_dict())
            if len(cell) >= per_cell:
                break
        out[(outlet, actor)] = cell
    return out


def _highlight(sentence: str, s_start: int, start: int, end: int) -> str:
    a, b = int(start) - int(s_start), int(end) - int(s_start)
    if 0 <= a < b <= len(sentence):
        return _md_escape(sentence[:a]) + "**" + _md_escape(sentence[a:b]) + "**" + _md_escape(sentence[b:])
    return _md_escape(sentence)


def render_markdown(run: RunData, charts: list[tuple[str, str]]) -> str:
    m = run.manifest
    corpus = m.get("corpus", {})
    lines = ["# Framing comparison report", ""]
    dr = corpus.get("date_range") or [None, None]
    lines += [
        f"- **Corpus**: {_md_escape(corpus.get('path'))} — {corpus.get('documents_analysed')} documents analysed, "
        f"{corpus.get('documents_skipped', 0)} skipped, {len(corpus.get('outlets', []))} outlets; "
        f"dates {dr[0] or 'unknown'} … {dr[1] or 'unknown'}",
        "- **Lexicons**: " + ", ".join(f"{_md_escape(lx.get('name'))} v{_md_escape(lx.get('version'))} "
                                       f"({_md_escape(lx.get('entries'))} entries, "
                                       f"sha256 {_md_escape(str(lx.get('sha256'))[:12])})"
                                       for lx in m.get("lexicons", [])),
        f"- **framing** {_md_escape(m.get('versions', {}).get('framing'))} · seed {_md_escape(m.get('seed'))} · "
        f"problems in input: {m.get('problems_total', 0)} (see `problems.csv`)",
        "",
        "Stance is the mean stance of the labels an outlet uses for an actor, from −1 (delegitimizing, e.g. "
        "«الاحتلال الروسي») to +1 (legitimizing); n is the number of mentions. Figures are for the outlet's own "
        "(authorial) voice; words inside quotations and reported speech are counted separately as *reported*. "
        "Brackets give a 95% bootstrap interval over the outlet's documents (only with several documents).",
        "",
        "## Actor labels by outlet (authorial voice)",
        "",
        _table(outlet_profile_table(run)),
    ]
    for title, png in charts:
        if title.startswith("Actor stance"):
            lines += [f"![{title}]({png})", ""]
    # labels used
    if not run.hits.empty and run.hits["actor"].notna().any():  # loaded-term lexicons have no actor
        lines += ["## Which labels each outlet uses", "",
                  "Each cell lists the labels (lexicon terms) with their count; reported-voice uses in "
                  "parentheses.", ""]
        auth = run.hits[run.hits["actor"].notna()]
        tab = []
        for outlet, grp in auth.groupby("outlet", sort=True):
            row = {"outlet": outlet}
            for actor, g2 in grp.groupby("actor", sort=True):
                parts = []
                for term, g3 in g2.groupby("term", sort=False):
                    na = int((g3["voice"] == "authorial").sum())
                    nr = int((g3["voice"] == "reported").sum())
                    parts.append((-(na + nr), f"«{term}» ×{na}" + (f" (+{nr} reported)" if nr else "")))
                row[actor] = "; ".join(p for _, p in sorted(parts))
            tab.append(row)
        tdf = pd.DataFrame(tab).fillna("")
        cols = ["outlet"] + [a for a in run.actors if a in tdf]
        lines += [_table(tdf[cols]), ""]
    # categories
    if run.categories and len(run.outlets):
        lines += ["## Loaded-term categories (hits per 1,000 tokens, authorial voice)", ""]
        cat_rows = []
        for _, r in run.outlets.iterrows():
            row = {"outlet": r["outlet"]}
            for c in run.categories:
                v, lo, hi = r.get(f"density:{c}"), r.get(f"density_lo:{c}"), r.get(f"density_hi:{c}")
                row[c] = f"{v:.2f}" + (f" [{lo:.2f}, {hi:.2f}]" if pd.notna(lo) and pd.notna(hi) else "")
            cat_rows.append(row)
        lines += [_table(pd.DataFrame(cat_rows)), ""]
        for title, png in charts:
            if title.startswith("Category"):
                lines += [f"![{title}]({png})", ""]
    # reported voice
    reported = outlet_profile_table(run, voice="reported")
    if len(reported.columns) > 3:
        lines += ["## Actor labels inside quotations and reported speech", "",
                  "These words are the quoted speakers', not the outlet's.", "", _table(reported), ""]
    # attribution
    if "n_attributions" in run.outlets.columns:
        lines += ["## Whom each outlet cites", ""]
        share_cols = [c for c in run.outlets.columns if c.startswith("share_")]
        cue_cols = [c for c in run.outlets.columns if c.startswith("cue_")]
        cols = ["outlet", "n_attributions", "quoted_share", *cue_cols, "top_speakers"]
        cols = [c for c in cols if c in run.outlets.columns]
        lines += [_table(run.outlets[cols]), ""]
        if share_cols:
            st = run.outlets[["outlet", *share_cols]].copy()
            st.columns = ["outlet"] + [c[len("share_"):] for c in share_cols]
            lines += ["Share of attributions by source type:", "", _table(st), ""]
        for title, png in charts:
            if title.startswith("Source"):
                lines += [f"![{title}]({png})", ""]
    # terms
    if len(run.terms):
        lines += ["## Distinguishing terms", "",
                  "Words each outlet uses more than the others: log-odds ratio with an informative Dirichlet "
                  "prior (Monroe, Colaresi & Quinn 2008), z ≥ 1.96, stop words removed.", ""]
        tt = []
        for outlet, g in run.terms.groupby("outlet", sort=True):
            top = g.nsmallest(10, "rank")
            shown = top["form"] if "form" in top else top["term"]
            tt.append({"outlet": outlet, "top terms (z)": "، ".join(f"{t} ({z:.1f})"
                                                                  for t, z in zip(shown, top["z"], strict=True))})
        lines += [_table(pd.DataFrame(tt)), ""]
        for title, png in charts:
            if title.startswith("Distinguishing"):
                lines += [f"![{title}]({png})", ""]
    # topics
    if "topics.csv" in run.tables:
        tinfo = m.get("stages", {}).get("topics", {})
        lines += ["## Topics", "",
                  f"Topic model: BERTopic on {tinfo.get('units', '?')} paragraphs of {tinfo.get('documents', '?')} documents; clustering "
                  f"**{tinfo.get('clustering', '?')}** — {tinfo.get('clustering_reason', '')}; embedding "
                  f"{tinfo.get('embedding', '?')}; seed {tinfo.get('seed', m.get('seed'))}.", ""]
        topics_df = run.tables["topics.csv"]
        show = [c for c in ("topic", "label", "size", "top_words") if c in topics_df.columns]
        lines += [_table(topics_df[show].head(30)), ""]
        if "outlet_topics.csv" in run.tables:
            ot = run.tables["outlet_topics.csv"]
            wide = ot.pivot_table(index="outlet", columns="label", values="share", aggfunc="sum",
                                  fill_value=0.0)
            wide = (wide * 100).round(0).astype(int).astype(str) + "%"
            lines += ["Share of each outlet's text per topic:", "", _table(wide.reset_index()), ""]
        for title, png in charts:
            if title.startswith("Topic"):
                lines += [f"![{title}]({png})", ""]
    # events
    if "events.csv" in run.tables:
        lines += _events_markdown(run)
    # evidence
    ev = evidence_by_cell(run)
    if ev:
        lines += ["## Evidence", "", "Sentences behind each outlet × actor figure (first "
                  f"{EVIDENCE_PER_CELL} per cell; all hits are in `hits.csv` with offsets).", ""]
        for (outlet, actor), cell in ev.items():
            lines.append(f"**{_md_escape(outlet)} · {_md_escape(actor)}**")
            lines.append("")
            for e in cell:
                lines.append(f"- {_md_escape(e['doc_id'])} [{e['start']}:{e['end']}] "
                             + _highlight(str(e["sentence"]), e["sentence_start"], e["start"], e["end"]))
            lines.append("")
    # problems
    lines += ["## Input problems", ""]
    if run.problems.empty:
        lines += ["None.", ""]
    else:
        counts = run.problems.groupby(["action", "reason"]).size().reset_index(name="count")
        lines += [_table(counts), "", "Every problem is listed in `problems.csv`.", ""]
    spans = m.get("excluded_spans") or {}
    if spans:
        lines += ["Text excluded from scoring (kept in the documents, so offsets still refer to the original): "
                  + ", ".join(f"{reason} × {n}" for reason, n in spans.items())
                  + " — every excluded line is listed in `excluded.csv`.", ""]
    if "excluded_lines.csv" in run.tables and len(run.tables["excluded_lines.csv"]):
        ex = run.tables["excluded_lines.csv"]
        lines += [f"Lines repeated across an outlet's documents were excluded as boilerplate: {len(ex)} distinct "
                  "lines (see `excluded_lines.csv`).", ""]
    return "\n".join(lines).rstrip() + "\n"


def _events_markdown(run: RunData) -> list[str]:
    events = run.tables["events.csv"]
    lines = ["## Events", ""]
    if "multi_outlet" in events:
        multi = events[events["multi_outlet"].astype(str).str.lower() == "true"]
    else:
        multi = events[events["n_outlets"] >= 2] if "n_outlets" in events else events.iloc[0:0]
    lines += [f"{len(events)} events; {len(multi)} covered independently by two or more outlets "
              "(copies of the same text — agency wires, republished articles — do not count; see `events.csv` "
              "and the `duplicate_of` column of `documents.csv`).", ""]
    try:
        from framing.events import side_by_side, side_by_side_markdown
    except ImportError:
        return lines
    assignments = run.documents[[c for c in ("doc_id", "outlet", "date", "title", "event_id", "duplicate_of",
                                             "duplicate_similarity", "independent") if c in run.documents]].copy()
    topic_mix = run.tables.get("topic_mix.csv")
    for _, ev in multi.head(20).iterrows():
        sbs = side_by_side(ev["event_id"], assignments, run.hits, run.attributions, topic_mix)
        lines += [f"### {_md_escape(ev['event_id'])}: {_md_escape(ev.get('label', ''))}", "",
                  side_by_side_markdown(sbs), ""]
    return lines
