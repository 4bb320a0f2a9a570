"""The report's tables are computed once and every renderer formats the same tables.

Fixture: the hand-made run folder of tests/data/html (three outlets, one of them named
``<b>قناة</b> & «شركاء»``, an event whose label carries a ``<script>``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from framing.report import build_tables, load_run, render_markdown, render_reports
from framing.report.html import render_html

DATA = Path(__file__).resolve().parent / "data" / "html"
ODD = "<b>قناة</b> & «شركاء»"


@pytest.fixture
def run_dir(tmp_path) -> Path:
    d = tmp_path / "run"
    shutil.copytree(DATA / "run", d)
    return d


@pytest.mark.slow
def test_side_by_side_is_computed_once_per_event_for_both_reports(run_dir, monkeypatch):
    import framing.events

    multi = build_tables(load_run(run_dir)).multi_events
    calls = []
    real = framing.events.side_by_side

    def counting(event_id, *args, **kwargs):
        calls.append(event_id)
        return real(event_id, *args, **kwargs)

    monkeypatch.setattr(framing.events, "side_by_side", counting)
    render_reports(run_dir, jobs=1)
    assert len(multi) >= 1
    assert sorted(calls) == sorted(multi["event_id"].astype(str).head(20))  # once each, not once per report


def test_renderers_do_not_compute(run_dir, monkeypatch):
    tables = build_tables(load_run(run_dir))

    def forbidden(*_a, **_k):
        raise AssertionError("computed at render time")

    import framing.events
    import framing.report.tables as t

    for name in ("evidence_by_cell", "outlet_profile_table", "_labels", "_side_by_side", "_evidence_counts"):
        monkeypatch.setattr(t, name, forbidden)
    monkeypatch.setattr(framing.events, "side_by_side", forbidden)
    md = render_markdown(tables, [])
    page = render_html(tables, [])
    assert "«الاحتلال الروسي»" in md and "«الاحتلال الروسي»" in page


def test_markdown_and_html_show_the_same_evidence(run_dir):
    tables = build_tables(load_run(run_dir))
    md = render_markdown(tables, [])
    assert tables.evidence
    for cell in tables.evidence.values():
        for e in cell[:3]:  # report.md shows the first three of the cell, the page all of them
            assert str(e["doc_id"]).replace("<", "&lt;").replace(">", "&gt;") in md


def test_side_by_side_markdown_escapes_outlets_and_labels(run_dir):
    md = render_markdown(build_tables(load_run(run_dir)), [])
    assert "## Events" in md and "Outlets:" in md
    assert "<b>" not in md and "<script" not in md
    assert "&lt;b&gt;قناة&lt;/b&gt; &amp; «شركاء»" in md


@pytest.mark.slow  # a whole compare run of the seeds
def test_the_report_is_timed_in_run_json(tmp_path, seeds_dir):
    from framing.pipeline import CompareOptions, run_compare

    corpus = tmp_path / "seeds"
    shutil.copytree(seeds_dir, corpus)
    result = run_compare(CompareOptions(corpus=str(corpus), out=str(tmp_path / "o"), topics=False, charts=False))
    manifest = json.loads((result.out_dir / "run.json").read_text(encoding="utf-8"))
    assert manifest["stage_seconds"]["writing report"] > 0
    assert set(manifest["report_seconds"]) >= {"reading run", "tables", "markdown", "html"}


@pytest.mark.slow
def test_charts_in_a_second_process_give_the_same_files(run_dir, tmp_path, monkeypatch):
    import os

    other = tmp_path / "other"
    shutil.copytree(run_dir, other)
    render_reports(run_dir, jobs=1)
    import framing.report.render as render

    monkeypatch.setattr(render, "_idle_core", lambda cores: True)  # an idle machine: the charts get a process
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # even for a run as small as this one

    started = []
    real = render._start_charts
    monkeypatch.setattr(render, "_start_charts", lambda *a: started.append(real(*a)) or started[-1])
    render_reports(other, jobs=None)
    assert started and started[0] is not None  # the charts did get a process
    names = sorted(p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*") if p.is_file())
    assert any(n.startswith("charts/") for n in names)
    for name in names:
        assert (run_dir / name).read_bytes() == (other / name).read_bytes(), name


def test_summary_only_reads_only_the_per_outlet_tables(run_dir):
    (run_dir / "hits.csv").write_bytes(b"\xff\xfe damaged")
    run = load_run(run_dir, summary_only=True)
    assert run.hits.empty and run.documents.empty and len(run.outlets) == 3
    assert ODD in set(run.outlets["outlet"])


def test_the_report_reads_only_the_attribution_columns_it_shows(run_dir):
    from framing.report.run import ATTRIBUTION_COLUMNS

    run = load_run(run_dir)
    assert len(run.attributions) and "quote_text" not in run.attributions
    assert set(run.attributions.columns) <= set(ATTRIBUTION_COLUMNS)
    assert {"doc_id", "outlet", "speaker", "source_type", "cue"} <= set(run.attributions.columns)
    # a run written as Parquet only gives the same columns and rows
    pd.read_csv(run_dir / "attributions.csv", dtype=str).to_parquet(run_dir / "attributions.parquet")
    (run_dir / "attributions.csv").unlink()
    again = load_run(run_dir).attributions
    assert list(again.columns) == list(run.attributions.columns)
    assert again["speaker"].tolist() == run.attributions["speaker"].tolist()


def test_evidence_takes_whole_rows_of_the_first_sentences_whatever_the_index(run_dir):
    from framing.report.tables import evidence_by_cell

    run = load_run(run_dir)
    h = run.hits
    s1 = "قالت المعارضة إن قوات النظام قصفت البلدة."
    s2 = "وأضاف البيان أن قوات النظام انسحبت."
    extra = h.iloc[[0, 0, 0]].copy()  # three hits of one new cell: two in one sentence, one later on
    extra = extra.assign(outlet="منفذ", actor="syrian_government", doc_id=["z-2", "z-1", "z-1"],
                         start=[5, 20, 14], sentence_start=[0, 0, 0], sentence=[s2, s1, s1], voice="authorial")
    # a shuffled index that is not 0..n-1: rows are chosen by position, not by label
    run.hits = pd.concat([extra, h]).set_axis([900 - i for i in range(len(h) + 3)])
    cell = evidence_by_cell(run, per_cell=5)[("منفذ", "syrian_government")]
    assert [(e["doc_id"], e["start"], e["sentence"]) for e in cell] == [("z-1", 14, s1), ("z-2", 5, s2)]
    assert cell[0]["term"] == h.iloc[0]["term"] and cell[0]["matched"] == h.iloc[0]["matched"]  # the whole row
    assert len(evidence_by_cell(run, per_cell=1)[("منفذ", "syrian_government")]) == 1


@pytest.mark.slow  # draws every chart
def test_in_process_charts_are_drawn_before_the_per_hit_tables_are_read(run_dir, monkeypatch):
    import framing.report.render as render

    calls = []
    real_load, real_charts = render.load_run, render.render_charts

    def load(path, *, summary_only=False):
        calls.append("summary" if summary_only else "whole run")
        return real_load(path, summary_only=summary_only)

    def charts(run, save):
        calls.append(("charts", run.hits.empty))
        return real_charts(run, save)

    monkeypatch.setattr(render, "load_run", load)
    monkeypatch.setattr(render, "render_charts", charts)
    written = render_reports(run_dir, jobs=1)
    # the per-outlet charts need only the summary: drawn from it, before the hits are in memory
    assert calls == ["summary", ("charts", True), "whole run"]
    assert "charts/stance_heatmap.png" in written and (run_dir / "charts" / "stance_heatmap.png").stat().st_size


@pytest.mark.slow  # renders both reports twice
@pytest.mark.parametrize("kept", ["csv", "parquet", "both"])
def test_the_hit_sentences_are_read_only_for_the_rows_shown(run_dir, kept, monkeypatch):
    import framing.report.run as run_module
    from framing.report.tables import _hit_sentences

    whole = pd.read_csv(run_dir / "hits.csv", keep_default_na=False, na_values=[""],
                        dtype={"doc_id": str, "outlet": str})
    full = build_tables(load_run(run_dir))  # the CSV as it is, before any change below
    with monkeypatch.context() as m:  # the reference: the hits read whole, sentences and all
        m.setattr(run_module, "HIT_TEXT_COLUMNS", ())
        whole_run = load_run(run_dir)
        assert "sentence" in whole_run.hits and whole_run.hit_columns is None
        md, page = render_markdown(build_tables(whole_run), []), render_html(build_tables(whole_run), [])
    if kept != "csv":  # small row groups: the sentences come from several of them
        whole.to_parquet(run_dir / "hits.parquet", row_group_size=2, index=False)
    if kept == "parquet":
        (run_dir / "hits.csv").unlink()
    monkeypatch.setattr(run_module, "HIT_TEXT_CHUNK_ROWS", 2)  # and several chunks of the CSV
    run = load_run(run_dir)
    assert "sentence" not in run.hits and run.hit_columns == whole.columns.tolist()
    assert len(run.hits) == len(whole)
    positions = [len(whole) - 1, 0, 3, 3, 1]  # any order, repeats
    rows = run.hit_rows(positions)
    assert rows.columns.tolist() == whole.columns.tolist()
    assert rows["sentence"].tolist() == whole["sentence"].iloc[positions].tolist()
    assert rows["sentence"].str.contains("قوات النظام|الاحتلال الروسي").any()
    assert rows["start"].tolist() == whole["start"].iloc[positions].tolist()
    # the reports made from the rows shown are those made from the whole table
    tables = build_tables(run)
    for mine, theirs in ((tables.evidence, full.evidence), (tables.evidence_reported, full.evidence_reported)):
        assert mine.keys() == theirs.keys() and len(mine)
        for key in mine:  # the same rows, every column (NaN equal to NaN)
            pd.testing.assert_frame_equal(pd.DataFrame(mine[key]), pd.DataFrame(theirs[key]))
    assert render_markdown(tables, []) == md and render_html(tables, []) == page
    pd.testing.assert_frame_equal(_hit_sentences(run).reset_index(drop=True),
                                  _hit_sentences(whole_run).reset_index(drop=True), check_dtype=False)


def test_hit_rows_reads_the_sentences_of_the_rows_asked_for_in_their_order(run_dir):
    whole = pd.read_csv(run_dir / "hits.csv", keep_default_na=False, na_values=[""], dtype={"doc_id": str})
    whole.to_parquet(run_dir / "hits.parquet", row_group_size=3, index=False)
    (run_dir / "hits.csv").unlink()  # a Parquet-only run: the sentences come from its row groups
    run = load_run(run_dir)
    assert "sentence" not in run.hits and "sentence" in run.hit_columns
    positions = [7, 2, 2, 0]
    assert run.hit_rows(positions)["sentence"].tolist() == whole["sentence"].iloc[positions].tolist()
    assert run.hit_rows([]).columns.tolist() == whole.columns.tolist()


@pytest.mark.parametrize(("line", "cores", "idle"), [
    ("1.93 1.40 0.90 1/312 4242", 2, True),   # a run just ended (load average 1.9): only this process runs
    ("0.10 0.10 0.10 2/312 4242", 2, False),  # another process is running now
    ("0.10 0.10 0.10 3/312 4242", 4, True),
])
def test_an_idle_core_is_counted_now_not_from_the_load_average(tmp_path, line, cores, idle):
    from framing.report.render import _idle_core

    (tmp_path / "loadavg").write_text(line + "\n", encoding="ascii")
    assert _idle_core(cores, loadavg=tmp_path / "loadavg") is idle


def test_without_proc_the_load_average_decides(tmp_path, monkeypatch):
    import os

    from framing.report.render import _idle_core

    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 0.0, 0.0))
    assert _idle_core(2, loadavg=tmp_path / "missing") is True
    monkeypatch.setattr(os, "getloadavg", lambda: (1.6, 0.0, 0.0))
    assert _idle_core(2, loadavg=tmp_path / "missing") is False
