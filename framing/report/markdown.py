"""``report.md``: the report's tables (:mod:`framing.report.tables`) rendered as Markdown.

Nothing is computed here; every value that comes from the corpus, a lexicon or a CSV goes
through :func:`md_escape`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from framing.report.run import RunData
from framing.report.tables import ReportTables, build_tables, category_kinds

__all__ = ["MARKDOWN_EVIDENCE_PER_CELL", "md_escape", "render_markdown", "side_by_side_markdown"]

#: evidence sentences shown per (outlet, actor) in report.md (the HTML shows more)
MARKDOWN_EVIDENCE_PER_CELL = 3


def md_escape(text) -> str:
    """Corpus or lexicon text as inert Markdown: no HTML, no code span, no table break, one line."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
            .replace("`", "\\`").replace("\r", " ").replace("\n", " "))


def _table(df: pd.DataFrame, *, floatfmt: str = "{:.2f}") -> str:
    if df.empty:
        return "_(none)_\n"
    cols = list(df.columns)
    lines = ["| " + " | ".join(md_escape(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        cells = []
        for c in cols:
            v = r[c]
            if isinstance(v, float):
                cells.append("" if pd.isna(v) else floatfmt.format(v))
            else:
                cells.append(md_escape(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _highlight(sentence: str, s_start: int, start: int, end: int) -> str:
    a, b = int(start) - int(s_start), int(end) - int(s_start)
    if 0 <= a < b <= len(sentence):
        return md_escape(sentence[:a]) + "**" + md_escape(sentence[a:b]) + "**" + md_escape(sentence[b:])
    return md_escape(sentence)



def render_markdown(tables: ReportTables | RunData, charts: Sequence[tuple[str, str]] = ()) -> str:
    """The text of ``report.md``: every table of ``tables`` (or of a run, computed here) as Markdown.

    Every value from the corpus, a lexicon or a CSV is escaped (:func:`md_escape`): no HTML,
    no code span and no table break can come from the data.
    """
    if isinstance(tables, RunData):
        tables = build_tables(tables)
    run = tables.run
    m = run.manifest
    corpus = m.get("corpus", {})
    lines = ["# Framing comparison report", ""]
    dr = corpus.get("date_range") or [None, None]
    lines += [
        f"- **Corpus**: {md_escape(corpus.get('path'))} — {corpus.get('documents_analysed')} documents analysed, "
        f"{corpus.get('documents_skipped', 0)} skipped, {len(corpus.get('outlets', []))} outlets; "
        f"dates {dr[0] or 'unknown'} … {dr[1] or 'unknown'}",
        "- **Lexicons**: " + ", ".join(f"{md_escape(lx.get('name'))} v{md_escape(lx.get('version'))} "
                                       f"({md_escape(lx.get('entries'))} entries, "
                                       f"sha256 {md_escape(str(lx.get('sha256'))[:12])})"
                                       for lx in m.get("lexicons", [])),
        f"- **framing** {md_escape(m.get('versions', {}).get('framing'))} · seed {md_escape(m.get('seed'))} · "
        f"problems in input: {m.get('problems_total', 0)} (see `problems.csv`)",
        "",
        "Stance is the mean stance of the labels an outlet uses for an actor, from −1 (delegitimizing, e.g. "
        "«الاحتلال الروسي») to +1 (legitimizing); n is the number of mentions. Figures are for the outlet's own "
        "(authorial) voice; words inside quotations and reported speech are counted separately as *reported*. "
        "Brackets give a 95% bootstrap interval over the outlet's documents (only with several documents).",
        "",
        "## Actor labels by outlet (authorial voice)",
        "",
        _table(tables.profile),
    ]
    for title, png in charts:
        if title.startswith("Actor stance"):
            lines += [f"![{title}]({png})", ""]
    evidence_no = {key: i for i, key in enumerate(tables.evidence, start=1)}
    lines += _label_shares_markdown(tables, charts, evidence_no)
    lines += _timeline_markdown(tables, charts)
    lines += _keyness_markdown(tables, charts)
    # labels used
    if not tables.labels.empty:  # loaded-term lexicons have no actor
        lines += ["## Which labels each outlet uses", "",
                  "Each cell lists the labels (lexicon terms) with their count; reported-voice uses in "
                  "parentheses.", ""]
        tab = []
        for outlet, grp in tables.labels.groupby("outlet", sort=True):
            row = {"outlet": outlet}
            for actor, g2 in grp.groupby("actor", sort=True):
                parts = sorted((-int(r.n), f"«{r.term}» ×{int(r.authorial)}"
                                + (f" (+{int(r.reported)} reported)" if r.reported else ""))
                               for r in g2.itertuples())
                row[actor] = "; ".join(p for _, p in parts)
            tab.append(row)
        tdf = pd.DataFrame(tab).fillna("")
        cols = ["outlet"] + [a for a in run.actors if a in tdf]
        lines += [_table(tdf[cols]), ""]
    # categories
    if run.categories and len(run.outlets):
        kinds = category_kinds(run)
        loaded = [c for c in run.categories if kinds.get(c) == "loaded"]
        other = [c for c in run.categories if kinds.get(c) != "loaded"]
        for heading, cats, note in (
                ("Loaded-term categories", loaded, "Loaded wording only: the loaded-term density of an outlet."),
                ("Topic markers and actor labels", other,
                 "Categories that mark a subject (kind: topic) or name an actor (kind: label): counted, but "
                 "not loaded wording. " + ", ".join(f"{c}: {kinds.get(c)}" for c in other) + ".")):
            if not cats:
                continue
            lines += [f"## {heading} (hits per 1,000 tokens, authorial voice)", "", note, ""]
            cat_rows = []
            for _, r in run.outlets.iterrows():
                row = {"outlet": r["outlet"]}
                for c in cats:
                    v, lo, hi = r.get(f"density:{c}"), r.get(f"density_lo:{c}"), r.get(f"density_hi:{c}")
                    row[c] = f"{v:.2f}" + (f" [{lo:.2f}, {hi:.2f}]" if pd.notna(lo) and pd.notna(hi) else "")
                cat_rows.append(row)
            lines += [_table(pd.DataFrame(cat_rows)), ""]
        for title, png in charts:
            if title.startswith("Category"):
                lines += [f"![{title}]({png})", ""]
    # reported voice
    reported = tables.profile_reported
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
        if tables.outlet_topics is not None:
            ot = tables.outlet_topics
            wide = ot.pivot_table(index="outlet", columns="label", values="share", aggfunc="sum",
                                  fill_value=0.0)
            wide = (wide * 100).round(0).astype(int).astype(str) + "%"
            lines += ["Share of each outlet's text per topic:", "", _table(wide.reset_index()), ""]
        for title, png in charts:
            if title.startswith("Topic"):
                lines += [f"![{title}]({png})", ""]
    # events
    if "events.csv" in run.tables:
        lines += _events_markdown(tables)
    # evidence
    ev = {k: cell[:MARKDOWN_EVIDENCE_PER_CELL] for k, cell in tables.evidence.items()}
    if ev:
        lines += ["## Evidence", "", "Sentences behind each outlet × actor figure (first "
                  f"{MARKDOWN_EVIDENCE_PER_CELL} per cell; all hits are in `hits.csv` with offsets).", ""]
        for (outlet, actor), cell in ev.items():
            lines.append(f"**[{evidence_no[(outlet, actor)]}] {md_escape(outlet)} · {md_escape(actor)}**")
            lines.append("")
            for e in cell:
                lines.append(f"- {md_escape(e['doc_id'])} [{e['start']}:{e['end']}] "
                             + _highlight(str(e["sentence"]), e["sentence_start"], e["start"], e["end"]))
            lines.append("")
    # problems
    lines += ["## Input problems", ""]
    if run.problems.empty:
        lines += ["None.", ""]
    else:
        lines += [_table(tables.problem_counts), "", "Every problem is listed in `problems.csv`.", ""]
    spans = m.get("excluded_spans") or {}
    if spans:
        lines += ["Text excluded from scoring (kept in the documents, so offsets still refer to the original): "
                  + ", ".join(f"{md_escape(reason)} × {md_escape(n)}" for reason, n in spans.items())
                  + " — every excluded line is listed in `excluded.csv`.", ""]
    if "excluded_lines.csv" in run.tables and len(run.tables["excluded_lines.csv"]):
        ex = run.tables["excluded_lines.csv"]
        lines += [f"Lines repeated across an outlet's documents were excluded as boilerplate: {len(ex)} distinct "
                  "lines (see `excluded_lines.csv`).", ""]
    return "\n".join(lines).rstrip() + "\n"



#: labels listed per (outlet, actor) cell of the label-share tables (the rest: labels.csv)
LABELS_PER_CELL = 6


def _n(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "es" if word.endswith("ch") else "s")


def _share(v: float) -> str:
    return f"{v:.0%}" if v >= 0.01 else "<1%"


def _stance(v) -> str:
    return "" if v is None or pd.isna(v) else f"{v:+.1f}".replace("-", "−").replace("+0.0", "0").replace("−0.0", "0")


def _label_shares_markdown(tables: ReportTables, charts, evidence_no: dict) -> list[str]:
    ls = tables.label_shares
    if ls.empty:
        return []
    lines = ["## Label shares: which label each outlet uses for each actor", "",
             "Share of each label (lexicon entry) in an outlet's mentions of the actor, with the label's stance; "
             f"the {LABELS_PER_CELL} largest per cell (every label in `labels.csv`). *evidence* points to the "
             "numbered sentences in [Evidence](#evidence) (sentences / matches in `hits.csv`).", ""]
    counts = tables.evidence_counts
    for voice in ("authorial", "reported"):
        v = ls[ls["voice"] == voice]
        if v.empty:
            continue
        if voice == "reported":
            lines += ["Inside quotations and reported speech (the quoted speakers' words):", ""]
        order = [a for a in tables.run.actors if a in set(v["actor"])] or sorted(v["actor"].unique())
        for actor in order:
            rows = []
            for outlet, g in v[v["actor"] == actor].groupby("outlet", sort=False):
                cell = "; ".join(f"«{r.term}» {_share(r.share)} ({_stance(r.mean_stance)})"
                                 for r in g.head(LABELS_PER_CELL).itertuples())
                if len(g) > LABELS_PER_CELL:
                    cell += f"; … {len(g) - LABELS_PER_CELL} more"
                sent, matches = counts.get((outlet, actor, voice), (0, int(g["count"].sum())))
                ref = f"[{evidence_no[(outlet, actor)]}] · " if voice == "authorial" and (outlet, actor) in evidence_no \
                    else ""
                rows.append({"outlet": outlet, "n": int(g["count"].sum()), "labels (share, stance)": cell,
                             "evidence": f"{ref}{_n(sent, 'sentence')} / {_n(matches, 'match')}"})
            lines += [f"**{md_escape(actor)}**" + (" (reported)" if voice == "reported" else ""), "",
                      _table(pd.DataFrame(rows)), ""]
        for title, png in charts:
            if title == f"Label shares by outlet ({voice})":
                lines += [f"![{title}]({png})", ""]
    return lines


def _timeline_markdown(tables: ReportTables, charts) -> list[str]:
    tl = tables.timeline
    attrs = tl.attrs or {}
    undated, total = int(attrs.get("undated_documents", 0)), int(attrs.get("documents", 0))
    if tl.empty and not undated:
        return []
    lines = ["## Over time", ""]
    note = (f"{undated} of {total} documents have no date and are left out of this section."
            if undated else "Every document has a date.")
    if tl.empty:
        return [*lines, note, ""]
    gran = attrs.get("granularity") or str(tl["granularity"].iloc[0])
    lines += [f"Mentions and mean label stance per {gran} ({tl['period'].nunique()} {gran}s, "
              f"{tl['period'].min()} – {tl['period'].max()}; the granularity follows the date range, "
              "`--timeline-granularity` overrides it), with a 95 % normal interval over the period's mentions, "
              "and the loaded-term density (loaded categories only, not topic markers); all in `timeline.csv`. " + note, ""]
    seen = tl[tl["mentions"] > 0]
    summary = pd.DataFrame({"mentions": tl.groupby("actor", sort=False)["mentions"].sum(),
                            "periods": seen.groupby("actor", sort=False)["period"].nunique()}).fillna(0)
    summary = summary.astype(int).rename_axis("actor").reset_index()
    summary = summary[summary["mentions"] > 0].sort_values("mentions", ascending=False, kind="stable")
    lines += [_table(summary.rename(columns={"periods": f"{gran}s with a mention"})), ""]
    for title, png in charts:
        if title.endswith(" over time"):
            lines += [f"![{title}]({png})", ""]
    return lines


def _keyness_markdown(tables: ReportTables, charts, per_side: int = 10) -> list[str]:
    k = tables.keyness
    if k is None:
        return []
    ref = str(k["reference"].iloc[0]) if len(k) else str((tables.run.manifest.get("options") or {}).get("reference"))
    lines = [f"## Keyness against {md_escape(ref)}", "",
             f"Terms each outlet over-uses (z > 0) and under-uses (z < 0) compared with **{md_escape(ref)}**: "
             "log-odds ratio with an informative Dirichlet prior, z-scores; counts are target / reference "
             "occurrences. All terms in `keyness.csv`; any pair: `framing keyness RUN_DIR A B`.", ""]
    def fmt(g: pd.DataFrame, side: str) -> str:
        part = g[g["side"] == side].nsmallest(per_side, "rank")
        return "، ".join(f"{r.form} ({r.z:+.1f}; {r.count_target}/{r.count_reference})" for r in part.itertuples())

    rows = [{"outlet": target, "over-used": fmt(g, "target"), "under-used": fmt(g, "reference")}
            for target, g in k.groupby("target", sort=False)]
    lines += [_table(pd.DataFrame(rows)), ""]
    for title, png in charts:
        if title.startswith("Keyness"):
            lines += [f"![{title}]({png})", ""]
    lines += _keyness_sentences(k, tables.keyness_evidence, ref)
    return lines


def _kwic_md(sentence: str, start: int, end: int, width: int = 70) -> str:
    """The sentence cut to ``width`` characters around [start, end), the word in bold, inert Markdown."""
    pre, word, post = sentence[:start], sentence[start:end], sentence[end:]
    pre = ("…" + pre[-width:]) if len(pre) > width else pre
    post = (post[:width] + "…") if len(post) > width else post

    def inert(t: str) -> str:
        return md_escape(re.sub(r"\s+", " ", t)).replace("*", "\\*").replace("_", "\\_")

    return f"{inert(pre)}**{inert(word)}**{inert(post)}"


def _keyness_sentences(k: pd.DataFrame, evidence: pd.DataFrame | None, ref: str, per_side: int = 3) -> list[str]:
    """One sentence for each of the ``per_side`` strongest terms of each side (``keyness_evidence.csv``)."""
    if evidence is None or evidence.empty:
        return []
    ev = evidence.assign(target=evidence["target"].astype(str), side=evidence["side"].astype(str),
                         term=evidence["term"].astype(str))
    first = {}
    for r in ev.itertuples():
        first.setdefault((r.target, r.side, r.term), r)
    lines = ["### Keyness terms in context", "",
             f"A sentence for the {per_side} strongest terms of each side: an over-used term in the outlet's own "
             f"sentences, an under-used one in {md_escape(ref)}'s (all in `keyness_evidence.csv`).", ""]
    for target, g in k.groupby("target", sort=False):
        items = []
        for side, what in (("target", "more"), ("reference", "less")):
            for r in g[g["side"] == side].nsmallest(per_side, "rank").itertuples():
                e = first.get((str(target), side, str(r.term)))
                if e is None:
                    continue
                try:
                    a, b = int(e.start) - int(e.sentence_start), int(e.end) - int(e.sentence_start)
                except (TypeError, ValueError):
                    continue
                sent = str(e.sentence)
                if not 0 <= a < b <= len(sent):
                    continue
                items.append(f"  - {what}: «{md_escape(r.form)}» ({md_escape(e.outlet)}, `{md_escape(e.doc_id)}`): "
                             f"{_kwic_md(sent, a, b)}")
        if items:
            lines += [f"- **{md_escape(target)}**", *items]
    return [*lines, ""] if len(lines) > 4 else []


def _events_markdown(tables: ReportTables) -> list[str]:
    events = tables.run.tables["events.csv"]
    multi = tables.multi_events
    lines = ["## Events", ""]
    lines += [f"{len(events)} events; {len(multi)} covered independently by two or more outlets "
              "(copies of the same text — agency wires, republished articles — do not count; see `events.csv` "
              "and the `duplicate_of` column of `documents.csv`).", ""]
    labels = dict(zip(multi["event_id"].astype(str), multi["label"], strict=True)) if "label" in multi else {}
    for eid, sbs in tables.side_by_side.items():
        lines += [f"### {md_escape(eid)}: {md_escape(_or_empty(labels.get(eid)))}", "", side_by_side_markdown(sbs), ""]
    return lines


def _or_empty(value) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def side_by_side_markdown(sbs, *, max_chars: int = 300) -> str:
    """One event's side-by-side tables (:class:`framing.events.SideBySide`) as Markdown, every value escaped."""
    outlets = list(sbs.outlets)
    counts = sbs.docs.groupby("outlet")["doc_id"].count().to_dict()
    parts = ["Outlets: " + ", ".join(f"{md_escape(o)} ({counts.get(o, 0)} document"
                                     f"{'s' if counts.get(o, 0) != 1 else ''})" for o in outlets) + "."]
    if not sbs.copies.empty:
        notes = "; ".join(f"{md_escape(r.outlet)} {md_escape(r.doc_id)} copies {md_escape(r.duplicate_outlet)} "
                          f"{md_escape(r.duplicate_of)}" for r in sbs.copies.itertuples())
        parts.append(f"Copies (not counted as independent framing): {notes}.")
    parts.append("")

    def table(title: str, wide: pd.DataFrame, first: str) -> None:
        if wide.empty:
            return
        parts.append(f"**{title}**")
        parts.append("")
        parts.append("| " + " | ".join([first, *(md_escape(o) for o in outlets)]) + " |")
        parts.append("|" + "---|" * (len(outlets) + 1))
        for idx, row in wide.iterrows():
            cells = [_cut(row.get(o, ""), max_chars) for o in outlets]
            parts.append("| " + " | ".join([_cut(idx, max_chars), *cells]) + " |")
        parts.append("")

    table("Actor labels (authorial; ×count, mean stance)", sbs.wide("labels"), "actor")
    table("Actor labels in quoted or reported speech", sbs.wide("reported"), "actor")
    table("Loaded terms (†: also in reported speech)", sbs.wide("loaded_terms"), "category")
    table("Sources cited", sbs.wide("sources"), "")
    table("Topic mix", sbs.wide("topics"), "")
    if not sbs.evidence.empty:
        parts.append("**Evidence**")
        parts.append("")
        for r in sbs.evidence.itertuples():
            where = md_escape(r.doc_id) + (f" [{r.start}:{r.end}]" if r.start >= 0 else "")
            parts.append(f"- {md_escape(r.outlet)} {where}: «{_cut(r.sentence, max_chars * 2)}»")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def _cut(text, limit: int) -> str:
    text = " ".join(_or_empty(text).split())
    return md_escape(text if len(text) <= limit else text[: limit - 1] + "…")
