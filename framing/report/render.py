"""Writing a run's data files and rendering its reports: tables once, then charts, Markdown, HTML.

:func:`render_reports` reads a run folder back (:func:`~framing.report.run.load_run`),
computes every table once (:func:`~framing.report.tables.build_tables`) and hands the
same tables to the chart, Markdown and HTML renderers; ``timings`` receives the seconds
spent in each step.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from framing.output import RunOutput, atomic_write_bytes, atomic_write_text
from framing.report.markdown import render_markdown
from framing.report.run import RunData, load_run
from framing.report.tables import ReportTables, build_tables, category_kinds

__all__ = ["EXCLUDED_LINE_COLUMNS", "render_charts", "render_reports", "render_table_charts", "term_counts_parquet",
           "write_keyness", "write_run"]

EXCLUDED_LINE_COLUMNS = ["outlet", "line", "documents", "outlet_documents"]
#: the charts get a process of their own when the per-hit tables of a run exceed this many bytes
#: (below it, building the report's tables takes less than starting a process)
PARALLEL_CHARTS_BYTES = 40 << 20
_BIG_TABLES = ("hits", "attributions", "documents")


def term_counts_parquet(term_counts) -> bytes:
    """``term_counts.parquet`` (outlet, term, count; sorted, zstd) from outlet → Counter of terms:
    the full per-outlet counts keyness needs (``terms.csv`` holds only each outlet's top terms)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = sorted((str(o), str(t), int(n)) for o, c in (term_counts or {}).items() for t, n in c.items() if n)
    table = pa.table({"outlet": pa.array([r[0] for r in rows], pa.string()),
                      "term": pa.array([r[1] for r in rows], pa.string()),
                      "count": pa.array([r[2] for r in rows], pa.int64())})
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", row_group_size=100_000)
    return buf.getvalue()


def write_run(out: RunOutput, *, options, documents, outlets, terms, hits_evidence, attributions, attr_profile,
              topic_result, event_result, problems, manifest, actors, categories, lexicons, corpus,
              term_counts=None) -> None:
    """Write every data file of a run into ``out`` and render the reports.

    ``term_counts`` (outlet → Counter of normalized terms, all of them) is written as
    ``term_counts.parquet`` for keyness over the finished run (:func:`term_counts_parquet`).

    ``run.json`` gets the time this took as ``stage_seconds["writing report"]`` (with the
    rendering split into ``report_seconds``: tables, charts, markdown, html).
    """
    t0 = time.perf_counter()
    from framing.output import table_formats
    from framing.records import document_schema

    out.write_table("documents", documents, document_schema(documents.columns),
                    table_formats(getattr(options, "format", "both")))
    out.write_csv("outlets.csv", outlets.sort_values("outlet", kind="stable"))
    out.write_csv("terms.csv", terms)
    if term_counts is not None:
        out.write_bytes("term_counts.parquet", term_counts_parquet(term_counts))
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
    report_seconds: dict[str, float] = {}
    render_reports(out.dir, options=options, writer=out, timings=report_seconds)
    spent = time.perf_counter() - t0
    manifest["report_seconds"] = report_seconds
    manifest["stage_seconds"] = {**(manifest.get("stage_seconds") or {}), "writing report": round(spent, 2)}
    if isinstance(manifest.get("elapsed_seconds"), int | float):
        manifest["elapsed_seconds"] = round(manifest["elapsed_seconds"] + spent, 2)
    manifest["files"] = out.checksums()
    out.write_text("run.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True, default=str))




def render_charts(tables: ReportTables | RunData, save) -> list[tuple[str, str]]:
    """Draw every chart from the report's tables; ``save(name, fig) -> [paths]``. Returns (title, png path).

    The charts read only the per-outlet tables (outlets, terms, outlet topics), so a
    :class:`RunData` read with ``summary_only`` is enough.
    """
    from framing.report import charts

    run: RunData = tables.run if isinstance(tables, ReportTables) else tables
    made = []
    if len(run.outlets) and run.actors:
        made.append(("Actor stance by outlet", save("stance_heatmap", charts.plot_stance_heatmap(run.outlets,
                                                                                                  run.actors))[0]))
    if len(run.outlets) and run.categories:
        made.append(("Category density by outlet",
                     save("category_density", charts.plot_category_density(
                         run.outlets, run.categories, category_kinds(run)))[0]))
    if len(run.terms):
        made.append(("Distinguishing terms", save("distinguishing_terms",
                                                  charts.plot_distinguishing_terms(run.terms))[0]))
    if len(run.outlets) and any(c.startswith("share_") for c in run.outlets.columns):
        made.append(("Source types by outlet", save("source_types", charts.plot_source_types(run.outlets))[0]))
    if "outlet_topics.csv" in run.tables:
        ot = run.tables["outlet_topics.csv"]
        made.append(("Topic mix by outlet", save("topic_mix", charts.plot_topic_mix(ot))[0]))
        made.append(("Topics by outlet", save("topic_heatmap", charts.plot_topic_heatmap(ot))[0]))
    return made


#: charts drawn per actor over time (the most mentioned actors)
MAX_TIMELINE_CHARTS = 6
#: keyness charts against the reference outlet (the rest is in keyness.csv)
MAX_KEYNESS_CHARTS = 6


def _file_part(name: str) -> str:
    import re

    return re.sub(r"[^0-9A-Za-z_-]+", "_", str(name)).strip("_") or "x"


def render_table_charts(tables: ReportTables, save) -> list[tuple[str, str]]:
    """The charts drawn from tables built out of the per-hit tables (so after :func:`build_tables`):
    stance intervals, label shares (authorial and reported), over time per actor, keyness against
    the run's reference outlet. ``save(name, fig) -> [paths]``; returns (title, png path)."""
    from framing.report import charts

    run = tables.run
    made = []
    if len(run.outlets) and run.actors and any(f"stance_lo:{a}" in run.outlets for a in run.actors):
        made.append(("Actor stance by outlet with 95 % intervals",
                     save("stance_intervals", charts.plot_stance_intervals(run.outlets, run.actors))[0]))
    ls = tables.label_shares
    for voice in ("authorial", "reported"):
        if len(ls) and (ls["voice"] == voice).any():
            made.append((f"Label shares by outlet ({voice})",
                         save(f"label_shares_{voice}", charts.plot_label_shares(ls, voice=voice,
                                                                                outlets=tables.outlets))[0]))
    tl = tables.timeline
    if len(tl) and tl["period"].nunique() >= 1:
        mentions = tl.groupby("actor")["mentions"].sum()
        events = run.tables.get("events.csv")
        for actor in sorted(mentions[mentions > 0].index, key=lambda a: (-mentions[a], a))[:MAX_TIMELINE_CHARTS]:
            made.append((f"{actor} over time", save(f"timeline_{_file_part(actor)}",
                                                     charts.plot_timeline(tl, actor, events=events))[0]))
    k = tables.keyness
    if k is not None and len(k):
        for i, target in enumerate(list(dict.fromkeys(k["target"]))[:MAX_KEYNESS_CHARTS], start=1):
            pair = k[k["target"] == target]
            made.append((f"Keyness: {target} against {pair['reference'].iloc[0]}",
                         save(f"keyness_{i:02d}", charts.plot_keyness(pair))[0]))
    return made


#: tables of the report written as files of the run (``docs/outputs.md``)
def _table_files(tables: ReportTables) -> dict[str, pd.DataFrame]:
    from framing.report.tables import KEYNESS_COLUMNS, LABEL_COLUMNS, TIMELINE_COLUMNS

    files = {"labels.csv": tables.label_shares.reindex(columns=LABEL_COLUMNS),
             "timeline.csv": tables.timeline.reindex(columns=TIMELINE_COLUMNS)}
    if tables.keyness is not None:
        files["keyness.csv"] = tables.keyness.reindex(columns=KEYNESS_COLUMNS)
    return files


def _csv_text(frame: pd.DataFrame) -> str:
    from framing.output import FLOAT_FORMAT

    buf = io.StringIO()
    frame.to_csv(buf, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return buf.getvalue()


def _slug(name: str) -> str:
    """A file-name part from an outlet name: letters (any script) and digits kept, the rest ``_``."""
    import re

    return re.sub(r"[^\w]+", "_", str(name)).strip("_")[:60] or "outlet"


def write_keyness(run_dir: str | Path, target: str, reference: str | Sequence[str] | None = None, *,
                  top: int = 25, charts: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """Keyness of outlet ``target`` against ``reference`` (an outlet, several, or None: every other
    outlet) over a finished run (:func:`framing.report.tables.keyness`), written into the run folder
    as ``keyness_<target>_vs_<reference>.csv`` and ``charts/keyness_<…>.png``/``.svg``.

    Returns the table and the files written (relative to ``run_dir``). Unknown outlets and runs
    without ``term_counts.parquet`` are one-line :class:`~framing.errors.FramingError`s.

    >>> table, files = write_keyness("outputs/seeds", "المدن", "unnamed outlet (001)")  # doctest: +SKIP
    """
    from framing.report.tables import keyness

    run_dir = Path(run_dir)
    run = load_run(run_dir, summary_only=True)
    table = keyness(run, target, reference, top=top)
    ref = (table["reference"].iloc[0] if len(table) else
           reference if isinstance(reference, str) else "rest" if reference is None else "+".join(reference))
    stem = f"keyness_{_slug(target)}_vs_{_slug(ref)}"
    atomic_write_text(run_dir / f"{stem}.csv", _csv_text(table))
    written = [f"{stem}.csv"]
    if charts and len(table):
        from framing.report import charts as plots

        written += _chart_saver(run_dir, None)(stem, plots.plot_keyness(table, n=min(top, 20)))
    return table, written


def _chart_saver(run_dir: Path, target: Path | None):
    """``save(name, fig)`` for :func:`render_charts`: into ``target`` (an unfinished run folder, written
    as :meth:`RunOutput.save_figure` does) or atomically in place in ``run_dir``."""

    def save(name, fig):
        import matplotlib.pyplot as plt

        paths = []
        for fmt in ("png", "svg"):
            rel = f"charts/{name}.{fmt}"
            meta = {"Date": None} if fmt == "svg" else {"Software": None}
            if target is not None:
                (target / "charts").mkdir(parents=True, exist_ok=True)
                fig.savefig(target / rel, dpi=150, bbox_inches="tight", format=fmt, metadata=meta)
            else:
                buf = io.BytesIO()
                fig.savefig(buf, format=fmt, dpi=150, bbox_inches="tight", metadata=meta)
                atomic_write_bytes(run_dir / rel, buf.getvalue())
            paths.append(rel)
        plt.close(fig)
        return paths

    return save


def draw_charts(run_dir: str | Path, target: str | Path | None = None) -> list[tuple[str, str]]:
    """Draw the charts of a run folder (from its per-outlet tables only) into ``target`` or in place.

    A plain function of paths, so it runs in a worker process beside the rest of the report.
    """
    run_dir = Path(run_dir)
    return render_charts(load_run(run_dir, summary_only=True),
                         _chart_saver(run_dir, Path(target) if target is not None else None))


def _start_charts(run_dir: Path, target: Path | None, jobs: int | None):
    """Start drawing the charts in a worker process (they take as long as all the rest of the report);
    returns a future, or None to draw them here (``jobs=1`` or a single core)."""
    import os

    cores = os.cpu_count() or 1
    if jobs == 1 or cores < 2:
        return None
    if jobs is None:
        if os.getloadavg()[0] > cores - 1:
            return None  # no idle core: a second process would only compete
        size = sum(p.stat().st_size for name in _BIG_TABLES for p in run_dir.glob(f"{name}.*") if p.is_file())
        if size < PARALLEL_CHARTS_BYTES:
            return None  # a small run: the tables take less time than starting a process
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        future = pool.submit(draw_charts, str(run_dir), str(target) if target is not None else None)
    except (OSError, RuntimeError):  # no process to spare: draw them here
        return None
    pool.shutdown(wait=False)
    return future


def render_reports(run_dir: str | Path, *, options=None, writer: RunOutput | None = None,
                   timings: dict[str, float] | None = None, jobs: int | None = None) -> list[str]:
    """Render charts and reports of a run folder from its data files (no recomputation).

    With ``writer`` (during a run) files go into the run's unfinished folder; without
    (``framing report RUN_DIR``) each file is replaced atomically in place. The charts are
    drawn in a second process while the tables are built when a core is idle (``jobs=1``, or
    ``options.jobs == 1``: always in this process; the files are the same either way). Returns the files written; ``timings`` (if
    given) receives seconds per step (``charts`` is the time waited for them).
    """
    timings = {} if timings is None else timings
    jobs = jobs if jobs is not None else getattr(options, "jobs", None)
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(timings.get(name, 0.0) + now - clock[0], 2)
        clock[0] = now

    run_dir = Path(run_dir)
    target = writer.dir if writer is not None else None
    want_charts = options is None or getattr(options, "charts", True)
    if want_charts:
        load_run(run_dir, summary_only=True)  # a damaged run folder fails here, before a process starts
    future = _start_charts(run_dir, target, jobs) if want_charts else None
    try:
        run = load_run(run_dir)
        lap("reading run")
        tables = build_tables(run)
        for name, frame in _table_files(tables).items():
            if writer is not None:
                writer.write_text(name, _csv_text(frame))
            else:
                atomic_write_text(run_dir / name, _csv_text(frame))
        lap("tables")
        if not want_charts:
            charts = []
        else:
            charts = render_table_charts(tables, _chart_saver(run_dir, target))
            if future is None:
                charts = render_charts(tables, _chart_saver(run_dir, target)) + charts
            else:
                charts = [tuple(c) for c in future.result()] + charts
        lap("charts")
    except BaseException:
        if future is not None:
            future.cancel()
        raise
    md = render_markdown(tables, charts)
    written = ["report.md"] + [c[1] for c in charts]
    if writer is not None:
        writer.write_text("report.md", md)
    else:
        atomic_write_text(run_dir / "report.md", md)
    lap("markdown")
    if options is None or getattr(options, "html", True):
        from framing.report.html import render_html

        page = render_html(tables, charts)
        if writer is not None:
            writer.write_text("report.html", page)
        else:
            atomic_write_text(run_dir / "report.html", page)
        written.append("report.html")
        lap("html")
    return written
