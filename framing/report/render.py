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
from framing.report.charts import CHART_DPI
from framing.report.markdown import render_markdown
from framing.report.run import RunData, load_run
from framing.report.tables import ReportTables, build_tables, category_kinds

__all__ = ["EXCLUDED_LINE_COLUMNS", "draw_plan", "figure_png", "finish_run", "keyness_context_lines",
           "render_charts", "render_reports", "render_table_charts", "table_chart_plan", "term_counts_parquet",
           "write_data_files", "write_keyness", "write_run"]

EXCLUDED_LINE_COLUMNS = ["outlet", "line", "documents", "outlet_documents"]
#: the charts get a process of their own when the per-hit tables of a run exceed this many bytes.
#: A chart's cost hardly depends on the run's size (the seeds' twelve charts cost 4 s of CPU), and
#: the process starts in ~0.9 s of CPU on the idle core while this one builds the tables, so even
#: the seeds' report is done ~1.8 s sooner with it (``docs/report.md``)
PARALLEL_CHARTS_BYTES = 0
_BIG_TABLES = ("hits", "attributions", "documents")


def term_counts_parquet(term_counts) -> bytes:
    """``term_counts.parquet`` (outlet, term, count; sorted, zstd) from outlet → Counter of terms:
    the full per-outlet counts keyness needs (``terms.csv`` holds only each outlet's top terms)."""
    from framing.output import term_counts_parquet_bytes

    rows = sorted((str(o), str(t), int(n)) for o, c in (term_counts or {}).items() for t, n in c.items() if n)
    return term_counts_parquet_bytes([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])


def write_run(out: RunOutput, *, options, documents, outlets, terms, hits_evidence, attributions, attr_profile,
              topic_result, event_result, problems, manifest, actors, categories, lexicons, corpus,
              term_counts=None) -> None:
    """Write every data file of a run into ``out`` and render the reports
    (:func:`write_data_files`, then :func:`finish_run`).

    ``term_counts`` (outlet → Counter of normalized terms, all of them) is written as
    ``term_counts.parquet`` for keyness over the finished run (:func:`term_counts_parquet`).

    ``run.json`` gets the time this took as ``stage_seconds["writing report"]`` (with the
    rendering split into ``report_seconds``: tables, charts, markdown, html).
    """
    t0 = time.perf_counter()
    manifest = write_data_files(out, options=options, documents=documents, outlets=outlets, terms=terms,
                                topic_result=topic_result, event_result=event_result, problems=problems,
                                manifest=manifest, actors=actors, categories=categories, lexicons=lexicons,
                                corpus=corpus, term_counts=term_counts)
    finish_run(out, options=options, manifest=manifest, started=t0)


def write_data_files(out: RunOutput, *, options, documents, outlets, terms, topic_result, event_result, problems,
                     manifest, actors, categories, lexicons, corpus, term_counts=None) -> dict:
    """Write the data files of a run into ``out`` (documents, outlets, terms, term counts, problems,
    repeated lines, topics, events, a first ``run.json``); returns the manifest :func:`finish_run`
    completes. Nothing of what is passed is needed afterwards: the report is rendered from the files."""
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
    return manifest


def finish_run(out: RunOutput, *, options, manifest: dict, started: float | None = None) -> None:
    """Render the reports of the data files in ``out`` (:func:`render_reports`) and write the final
    ``run.json``: ``stage_seconds["writing report"]`` counts from ``started`` (a ``time.perf_counter()``
    value; default: now), ``report_seconds`` the steps of the rendering, ``files`` every checksum."""
    t0 = time.perf_counter() if started is None else started
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


def label_share_charts(label_shares: pd.DataFrame, outlets: Sequence[str], save,
                       voices: Sequence[str] = ("authorial", "reported")) -> list[tuple[str, str]]:
    """The label-share charts (one per voice present in ``label_shares``, ``labels.csv``), outlets
    as rows in the order of ``outlets``; ``save(name, fig) -> [paths]``; returns (title, png path)."""
    from framing.report import charts

    ls = label_shares
    return [(f"Label shares by outlet ({voice})",
             save(f"label_shares_{voice}", charts.plot_label_shares(ls, voice=voice, outlets=outlets))[0])
            for voice in voices if len(ls) and (ls["voice"] == voice).any()]


def stance_interval_charts(run: RunData, save) -> list[tuple[str, str]]:
    """The stance-interval chart (from ``outlets.csv`` alone, so it can be drawn with the per-outlet
    charts), if the run has intervals; ``save(name, fig) -> [paths]``; returns (title, png path)."""
    from framing.report import charts

    if len(run.outlets) and run.actors and any(f"stance_lo:{a}" in run.outlets for a in run.actors):
        return [("Actor stance by outlet with 95 % intervals",
                 save("stance_intervals", charts.plot_stance_intervals(run.outlets, run.actors))[0])]
    return []


def table_chart_plan(tables: ReportTables, *, intervals: bool = True) -> list[tuple[str, str, str, tuple, dict]]:
    """The charts that follow the per-outlet ones, in the report's order, as (title, file name, function
    of :mod:`framing.report.charts`, args, keyword args): stance intervals (unless ``intervals`` is
    False), label shares (authorial and reported), over time per actor, keyness against the run's
    reference outlet. Nothing is drawn: the titles and files are known before the charts are, and
    the items travel to the chart process as they are (plain tables)."""
    run = tables.run
    plan: list[tuple[str, str, str, tuple, dict]] = []
    if intervals and len(run.outlets) and run.actors and any(f"stance_lo:{a}" in run.outlets for a in run.actors):
        plan.append(("Actor stance by outlet with 95 % intervals", "stance_intervals", "plot_stance_intervals",
                     (run.outlets, run.actors), {}))
    ls = tables.label_shares
    for voice in ("authorial", "reported"):
        if len(ls) and (ls["voice"] == voice).any():
            plan.append((f"Label shares by outlet ({voice})", f"label_shares_{voice}", "plot_label_shares", (ls,),
                         {"voice": voice, "outlets": list(tables.outlets)}))
    tl = tables.timeline
    if len(tl) and tl["period"].nunique() >= 1:
        mentions = tl.groupby("actor")["mentions"].sum()
        events = run.tables.get("events.csv")
        for actor in sorted(mentions[mentions > 0].index, key=lambda a: (-mentions[a], a))[:MAX_TIMELINE_CHARTS]:
            plan.append((f"{actor} over time", f"timeline_{_file_part(actor)}", "plot_timeline", (tl, actor),
                         {"events": events}))
    k = tables.keyness
    if k is not None and len(k):
        for i, target in enumerate(list(dict.fromkeys(k["target"]))[:MAX_KEYNESS_CHARTS], start=1):
            pair = k[k["target"] == target]
            plan.append((f"Keyness: {target} against {pair['reference'].iloc[0]}", f"keyness_{i:02d}",
                         "plot_keyness", (pair,), {}))
    return plan


def draw_plan(plan: Sequence[tuple[str, str, str, tuple, dict]], save) -> list[tuple[str, str]]:
    """Draw the charts of a :func:`table_chart_plan`; ``save(name, fig) -> [paths]``. Returns (title, png path)."""
    from framing.report import charts

    return [(title, save(name, getattr(charts, fn)(*args, **kwargs))[0]) for title, name, fn, args, kwargs in plan]


def draw_planned_charts(run_dir: str | Path, target: str | Path | None,
                        plan: Sequence[tuple[str, str, str, tuple, dict]]) -> list[tuple[str, str]]:
    """:func:`draw_plan` into ``target`` or in place in ``run_dir`` (so it runs in the charts' worker
    process, which hands the memory of drawing back to the system after each chart)."""
    drawn = draw_plan(plan, _chart_saver(Path(run_dir), Path(target) if target else None))
    release_memory()
    return drawn


def render_table_charts(tables: ReportTables, save) -> list[tuple[str, str]]:
    """Draw the charts that follow the per-outlet ones (:func:`table_chart_plan`; all but the stance
    intervals drawn from tables built out of the per-hit tables, so after :func:`build_tables`).
    ``save(name, fig) -> [paths]``; returns (title, png path)."""
    return draw_plan(table_chart_plan(tables), save)


#: tables of the report written as files of the run (``docs/outputs.md``)
def _table_files(tables: ReportTables) -> dict[str, pd.DataFrame]:
    from framing.report.tables import (
        KEYNESS_COLUMNS,
        KEYNESS_EVIDENCE_COLUMNS,
        LABEL_COLUMNS,
        TIMELINE_COLUMNS,
    )

    files = {"labels.csv": tables.label_shares.reindex(columns=LABEL_COLUMNS),
             "timeline.csv": tables.timeline.reindex(columns=TIMELINE_COLUMNS)}
    if tables.keyness is not None:
        files["keyness.csv"] = tables.keyness.reindex(columns=KEYNESS_COLUMNS)
        files["keyness_evidence.csv"] = (tables.keyness_evidence if tables.keyness_evidence is not None
                                         else pd.DataFrame()).reindex(columns=KEYNESS_EVIDENCE_COLUMNS)
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
    as ``keyness_<target>_vs_<reference>.csv``, the sentences behind its terms (both sides,
    :func:`framing.report.tables.keyness_evidence`) as ``keyness_<…>_evidence.csv``, and
    ``charts/keyness_<…>.png``.

    Returns the table and the files written (relative to ``run_dir``). Unknown outlets and runs without ``term_counts.parquet`` are
    one-line :class:`~framing.errors.FramingError`s.

    >>> table, files = write_keyness("outputs/seeds", "المدن", "unnamed outlet (001)")  # doctest: +SKIP
    """
    from framing.report.tables import KEYNESS_EVIDENCE_COLUMNS, keyness, keyness_evidence

    run_dir = Path(run_dir)
    run = load_run(run_dir, summary_only=True)
    table = keyness(run, target, reference, top=top)
    evidence = keyness_evidence(run, table, reference)
    ref = (table["reference"].iloc[0] if len(table) else
           reference if isinstance(reference, str) else "rest" if reference is None else "+".join(reference))
    stem = f"keyness_{_slug(target)}_vs_{_slug(ref)}"
    atomic_write_text(run_dir / f"{stem}.csv", _csv_text(table))
    atomic_write_text(run_dir / f"{stem}_evidence.csv", _csv_text(evidence.reindex(columns=KEYNESS_EVIDENCE_COLUMNS)))
    written = [f"{stem}.csv", f"{stem}_evidence.csv"]
    if charts and len(table):
        from framing.report import charts as plots

        written += _chart_saver(run_dir, None)(stem, plots.plot_keyness(table, n=min(top, 20)))
    return table, written


#: white margin (inches) left around a chart's drawing when its PNG is cropped (as ``bbox_inches="tight"``)
CHART_PAD_INCHES = 0.1


#: ink this close to a figure's edge (inches) means the drawing may go on beyond it (``tight_layout``
#: leaves more room than this)
_EDGE_INCHES = 0.06


def figure_png(fig, *, dpi: int = CHART_DPI) -> bytes:
    """The PNG of a matplotlib figure, drawn once: 256-colour palette, cropped to the drawing plus
    :data:`CHART_PAD_INCHES`, ``dpi`` recorded (what the HTML page sizes it by); deterministic bytes.

    The figure is drawn once on an Agg canvas and its pixels cropped to what is not background, which
    is what ``savefig(bbox_inches="tight")`` gives at a third of the cost (that draws the figure twice
    more). Where the drawing comes within :data:`_EDGE_INCHES` of the figure's edge (something may lie
    outside the figure), it is saved with ``bbox_inches="tight"`` instead, so nothing is cut off. The palette (Pillow's fast
    coverage method) keeps charts' flat colours and anti-aliased edges; the file is a third of an RGB PNG.

    >>> import matplotlib.pyplot as plt  # doctest: +SKIP
    >>> figure_png(plt.figure(figsize=(2, 1)))[:8] == b"\\x89PNG\\r\\n\\x1a\\n"  # doctest: +SKIP
    True
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgba
    from PIL import Image

    fig.set_dpi(dpi)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    background = np.array([round(255 * c) for c in to_rgba(fig.get_facecolor())], dtype=np.uint8)
    ink = rgba.view(np.uint32)[..., 0] != background.view(np.uint32)[0]  # one compare per pixel
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    h, w = ink.shape
    edge = max(round(_EDGE_INCHES * dpi), 1)  # wider than the gap between two words of a label
    if len(rows) and (rows[0] < edge or cols[0] < edge or rows[-1] >= h - edge or cols[-1] >= w - edge):
        buf = io.BytesIO()  # the drawing reaches the edge: let matplotlib find and keep all of it
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        with Image.open(buf) as im:
            image = im.convert("RGB")
    else:
        pad = round(CHART_PAD_INCHES * dpi)
        box = (0, 0, w, h)
        if len(rows):
            box = (max(cols[0] - pad, 0), max(rows[0] - pad, 0), min(cols[-1] + 1 + pad, w), min(rows[-1] + 1 + pad, h))
        # Pillow crops and drops the alpha channel in C (a strided numpy copy of the RGB planes cost more)
        image = Image.frombuffer("RGBA", (w, h), rgba, "raw", "RGBA", 0, 1).crop(box).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE).save(out, "PNG", dpi=(dpi, dpi),
                                                                       compress_level=6)
    return out.getvalue()


def keyness_context_lines(evidence: str | Path | pd.DataFrame, table: pd.DataFrame, *, per_side: int = 2,
                          width: int = 60) -> list[str]:
    """Plain-text lines for a terminal: one sentence for each of the ``per_side`` strongest terms of
    each side of a keyness ``table``, cut to ``width`` characters around the word (``evidence`` is
    a keyness evidence table or its CSV, as :func:`write_keyness` writes it)."""
    ev = pd.read_csv(evidence, keep_default_na=False, na_values=[""], dtype=str) \
        if not isinstance(evidence, pd.DataFrame) else evidence.astype(str)
    if ev.empty or table.empty:
        return []
    first = {}
    for r in ev.itertuples():
        first.setdefault((r.side, r.term), r)
    lines = []
    for side, head in (("target", "more"), ("reference", "less")):
        for r in table[table["side"] == side].nsmallest(per_side, "rank").itertuples():
            e = first.get((side, str(r.term)))
            try:
                base = int(float(e.sentence_start))
                a, b = int(float(e.start)) - base, int(float(e.end)) - base
            except (AttributeError, TypeError, ValueError):
                continue
            sent = str(e.sentence)
            if not 0 <= a < b <= len(sent):
                continue
            pre, word, post = sent[max(0, a - width):a], sent[a:b], sent[b:b + width]
            cut = f"{'…' if a > width else ''}{pre}[{word}]{post}{'…' if len(sent) - b > width else ''}"
            text = " ".join(cut.split())
            lines.append(f"  {head}: {r.form} — {e.outlet}: {text}")
    return lines


def _chart_saver(run_dir: Path, target: Path | None):
    """``save(name, fig) -> [path]`` for :func:`render_charts`: ``charts/<name>.png`` (:func:`figure_png`)
    into ``target`` (an unfinished run folder) or atomically in place in ``run_dir``. Charts are PNG
    only (``docs/report.md``: an SVG cost as much as drawing the chart again); an SVG an earlier version
    wrote beside the PNG is removed, so the folder never holds two different drawings of one chart."""

    def save(name, fig):
        import matplotlib.pyplot as plt

        rel = f"charts/{name}.png"
        try:
            data = figure_png(fig)
        finally:
            plt.close(fig)
        if target is not None:
            (target / "charts").mkdir(parents=True, exist_ok=True)
            (target / rel).write_bytes(data)
        else:
            atomic_write_bytes(run_dir / rel, data)
            (run_dir / rel).with_suffix(".svg").unlink(missing_ok=True)
        return [rel]

    return save


def draw_charts(run_dir: str | Path, target: str | Path | None = None) -> list[tuple[str, str]]:
    """Draw the charts of a run folder that need only its per-outlet tables (:func:`render_charts`,
    then :func:`stance_interval_charts`) into ``target`` or in place.

    A plain function of paths, so it runs in a worker process beside the rest of the report.
    """
    run_dir = Path(run_dir)
    run = load_run(run_dir, summary_only=True)
    save = _chart_saver(run_dir, Path(target) if target is not None else None)
    drawn = render_charts(run, save) + stance_interval_charts(run, save)
    # the worker process waits for the tables' charts next, beside this run's largest main process:
    # the canvases and buffers drawing left resident go back to the system (month: 299 → 226 MiB)
    release_memory()
    return drawn


def _idle_core(cores: int, *, loadavg: str | Path = "/proc/loadavg", samples: int = 3) -> bool:
    """Whether a core is free for a second process now. On Linux: the threads runnable at this
    moment (the fourth field of ``/proc/loadavg``, this process included), the least of a few
    samples 10 ms apart; the 1-minute load average would still count the run that just ended, so
    a run started right after another never got the process. Elsewhere: that load average."""
    import os
    import time

    try:
        least = None
        for k in range(samples):
            if k:
                time.sleep(0.01)
            running = int(Path(loadavg).read_text(encoding="ascii").split()[3].split("/")[0])
            least = running if least is None else min(least, running)
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0] <= cores - 1
    return least - 1 <= cores - 2  # the others leave a core besides this process's


def _start_charts(run_dir: Path, target: Path | None, jobs: int | None):
    """Start drawing the charts in a worker process (they take longer than all the rest of the report);
    returns ``(pool, future)``, or None to draw them here (``jobs=1``, a single core, no idle core,
    or per-hit tables under :data:`PARALLEL_CHARTS_BYTES`). The pool stays open for
    the tables' charts (:func:`render_reports` sends them once the tables are built)."""
    import os

    cores = os.cpu_count() or 1
    if jobs == 1 or cores < 2:
        return None
    if jobs is None:
        if not _idle_core(cores):
            return None  # no idle core: a second process would only compete
        size = sum(p.stat().st_size for name in _BIG_TABLES for p in run_dir.glob(f"{name}.*") if p.is_file())
        if size < PARALLEL_CHARTS_BYTES:
            return None  # a small run: starting a process costs more than the charts it takes over
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        future = pool.submit(draw_charts, str(run_dir), str(target) if target is not None else None)
    except (OSError, RuntimeError):  # no process to spare: draw them here
        return None
    return pool, future


def release_memory() -> None:
    """Hand the memory a finished step freed back to the system: pyarrow's pool (the pandas strings)
    and the C heap keep it otherwise, and the next step's peak would come on top of it."""
    import contextlib
    import ctypes
    import gc

    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(AttributeError, OSError):  # glibc only
        ctypes.CDLL(None).malloc_trim(0)


def _shed_tables(tables: ReportTables) -> None:
    """Empty the per-hit and per-document tables of ``tables``' run (kept: their columns, the manifest,
    the per-outlet tables), once the reports' text is written and only the charts remain."""
    run = tables.run
    run.hits, run.attributions, run.documents = run.hits.iloc[0:0], run.attributions.iloc[0:0], run.documents.iloc[0:0]
    run.tables = {name: frame for name, frame in run.tables.items() if name == "outlet_topics.csv"}


def render_reports(run_dir: str | Path, *, options=None, writer: RunOutput | None = None,
                   timings: dict[str, float] | None = None, jobs: int | None = None) -> list[str]:
    """Render charts and reports of a run folder from its data files (no recomputation).

    With ``writer`` (during a run) files go into the run's unfinished folder; without
    (``framing report RUN_DIR``) each file is replaced atomically in place. When a core is idle,
    a second process draws the per-outlet charts and the stance intervals while the tables are
    built, then the charts of the tables (:func:`table_chart_plan`) while this process writes
    report.md and the HTML page, whose figures go in once they are drawn; this process draws those
    the worker has not begun by then (``jobs=1``, or ``options.jobs == 1``: all in this process;
    the files are the same either way). Returns the files written; ``timings`` (if given) receives
    seconds per step (``charts`` includes the time waited for them, ``html`` does not).
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
    release_memory()  # what the stages before (the map, in a run) freed, before the report's tables are read
    # a damaged run folder fails here, before a process starts
    summary = load_run(run_dir, summary_only=True) if want_charts else None
    worker = _start_charts(run_dir, target, jobs) if want_charts else None
    futures = [] if worker is None else [worker[1]]
    try:
        early: list[tuple[str, str]] = []
        if summary is not None and worker is None:
            # drawn here: the per-outlet charts (they need only the summary) before the per-hit tables
            # are read, so that the memory of drawing them does not come on top of those tables
            early = render_charts(summary, _chart_saver(run_dir, target))
            release_memory()
            lap("charts")
        del summary
        run = load_run(run_dir)
        lap("reading run")
        tables = build_tables(run)
        release_memory()
        for name, frame in _table_files(tables).items():
            if writer is not None:
                writer.write_text(name, _csv_text(frame))
            else:
                atomic_write_text(run_dir / name, _csv_text(frame))
        lap("tables")
        if not want_charts:
            charts = []
        elif worker is None:
            charts = early + render_table_charts(tables, _chart_saver(run_dir, target))
        else:
            # the worker draws the per-outlet charts and the stance intervals (since the start), then every
            # chart of the tables; this process writes report.md and the HTML page meanwhile, whose
            # figures are put in once the worker is done (their titles and files are known before)
            plan = table_chart_plan(tables, intervals=False)
            # one task per chart, so that those the worker has not begun when this process is done with
            # the page can be drawn here (charts_drawn)
            futures += [worker[0].submit(draw_planned_charts, str(run_dir),
                                         str(target) if target is not None else None, [item]) for item in plan]
            worker[0].shutdown(wait=False)
            charts = [tuple(c) for c in futures[0].result()] + [(t, f"charts/{name}.png") for t, name, *_ in plan]
        release_memory()
        lap("charts")
        waited = 0.0

        def charts_drawn() -> None:
            """Draw here the charts the worker has not begun (the last first), wait for the others;
            the time counts as the charts'."""
            nonlocal waited
            t0 = time.perf_counter()
            save = None
            mine = {}
            for k in range(len(plan) - 1, -1, -1):
                if futures[1 + k].cancel():
                    if save is None:
                        # the page's text is written: before this process imports matplotlib and draws,
                        # the per-hit and per-document tables go (they would carry its canvases on top)
                        _shed_tables(tables)
                        release_memory()
                        save = _chart_saver(run_dir, target)
                    mine[k] = draw_plan([plan[k]], save)
            for k, item in enumerate(plan):
                drawn = mine[k] if k in mine else [tuple(c) for c in futures[1 + k].result()]
                if drawn != [(item[0], f"charts/{item[1]}.png")]:
                    raise RuntimeError(f"the charts drawn, {drawn}, are not the charts planned ({item[:2]})")
            waited += time.perf_counter() - t0

        md = render_markdown(tables, charts)
        written = ["report.md"] + [c[1] for c in charts]
        if writer is not None:
            writer.write_text("report.md", md)
        else:
            atomic_write_text(run_dir / "report.md", md)
        lap("markdown")
        if options is None or getattr(options, "html", True):
            from framing.report.html import render_html

            page = render_html(tables, charts, figures_ready=charts_drawn if worker is not None else None)
            if writer is not None:
                writer.write_text("report.html", page)
            else:
                atomic_write_text(run_dir / "report.html", page)
            written.append("report.html")
        elif worker is not None:
            charts_drawn()
        now = time.perf_counter()
        if options is None or getattr(options, "html", True):
            timings["html"] = round(timings.get("html", 0.0) + now - clock[0] - waited, 2)
        timings["charts"] = round(timings.get("charts", 0.0) + waited, 2)
        clock[0] = now
    except BaseException:
        for f in futures:
            f.cancel()
        if worker is not None:
            worker[0].shutdown(wait=False, cancel_futures=True)
        raise
    return written
