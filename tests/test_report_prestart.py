"""The chart process started ahead of the report (``prestart_charts``, for a small run) draws the
same files as this process would, is taken by the next report, and is ended if none takes it; the
CLI starts it only for a corpus small enough to be analysed in this process."""

from __future__ import annotations

import lzma
import os
import shutil
from pathlib import Path

import pytest

import framing.report.render as render
from framing.cli.compare import SMALL_CORPUS_BYTES, _small_corpus
from framing.report import render_reports

DATA = Path(__file__).resolve().parent / "data" / "html"


def test_a_small_corpus_is_one_under_the_byte_limit(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "001.txt").write_text("قال المتحدث باسم الجيش إن القوات دخلت المدينة.\n" * 50, encoding="utf-8")
    (folder / "manifest.csv").write_text("file,outlet\n001.txt,الأهرام\n", encoding="utf-8")
    assert _small_corpus(str(folder), None)
    big = tmp_path / "big.jsonl"
    big.write_bytes(b'{"text": "\xd8\xa7"}\n' * (SMALL_CORPUS_BYTES // 15 + 1))
    assert not _small_corpus(str(big), None)
    assert _small_corpus(str(big), 10)  # --limit 10: small whatever the file
    (folder / "more.jsonl").write_bytes(big.read_bytes())
    assert not _small_corpus(str(folder), None)  # a folder counts all its files
    packed = tmp_path / "packed.jsonl.xz"
    packed.write_bytes(lzma.compress(b"x" * 10) + b"\0" * (SMALL_CORPUS_BYTES // 5 + 1))
    assert packed.stat().st_size < SMALL_CORPUS_BYTES and not _small_corpus(str(packed), None)
    assert not _small_corpus(str(tmp_path / "missing"), None)
    assert not _small_corpus(None, None)


@pytest.mark.slow
def test_a_prestarted_chart_process_draws_the_same_files_and_is_taken(tmp_path, monkeypatch):
    here, there = tmp_path / "here", tmp_path / "there"
    shutil.copytree(DATA / "run", here)
    shutil.copytree(DATA / "run", there)
    render_reports(here, jobs=1)
    monkeypatch.setattr(render, "_idle_core", lambda cores: True)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert render.prestart_charts() and len(render._PRESTARTED) == 1
    pool = render._PRESTARTED[0]
    started = []
    real = render._start_charts
    monkeypatch.setattr(render, "_start_charts", lambda *a: started.append(real(*a)) or started[-1])
    render_reports(there)
    assert started and started[0][0] is pool and not render._PRESTARTED  # the prestarted process was taken
    names = sorted(p.relative_to(here).as_posix() for p in here.rglob("*") if p.is_file())
    assert sum(n.startswith("charts/") for n in names) >= 3
    for name in names:
        assert (here / name).read_bytes() == (there / name).read_bytes(), name


def test_no_chart_process_is_prestarted_for_jobs_1_and_one_left_over_is_ended(monkeypatch):
    monkeypatch.setattr(render, "_idle_core", lambda cores: True)
    assert not render.prestart_charts(jobs=1) and not render._PRESTARTED

    class Pool:
        ended = False

        def shutdown(self, wait=True, cancel_futures=False):
            Pool.ended = cancel_futures

    render._PRESTARTED.append(Pool())
    render.discard_prestarted()
    assert Pool.ended and not render._PRESTARTED
