"""Chunks of raw JSON Lines (framing.corpus.chunks): the main process reads the lines, a worker
builds the documents — exactly the documents, problems and repeated lines of the corpus's own
iteration, whatever the chunk size and the limit; the engines that use them give the outputs
of ``--jobs 1``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.corpus import load_corpus
from framing.corpus.chunks import line_chunks, merge_chunks, read_chunk, supports_line_chunks

BOILER = "اقرأ أيضا على موقعنا الإلكتروني"  # a line one outlet repeats under every article

BODIES = [
    "قالت وزارة الداخلية إن قوات الأمن فرقت المتظاهرين أمام قصر الاتحادية.",
    "أعلنت النيابة العامة فتح تحقيق في سحل المواطن أمام القصر.",
    "ارتفعت أسعار الذهب في السوق المحلية خلال تعاملات اليوم.",
    "فاز الأهلي على الزمالك بهدفين في مباراة القمة مساء أمس.",
]


def _records() -> list[str]:
    """Lines of a JSONL corpus with every kind of problem a line can have."""
    lines = []
    for i in range(40):
        outlet = "الأهرام" if i % 2 else "الشروق"
        body = f"{BODIES[i % len(BODIES)]} وذلك في الخبر رقم {i}"  # no body line repeats
        text = body + "\n" + BOILER if outlet == "الأهرام" else body
        rec = {"id": f"d{i}", "source": outlet, "date": f"2013-02-{1 + i % 28:02d}", "title": f"خبر رقم {i}",
               "text": text}
        if i in (7, 21):
            rec["id"] = "d3"  # a repeated id: renamed d3~2, d3~3
        if i == 12:
            rec["text"] = " ".join([BODIES[0]] * 12)  # over max_document_chars: split in parts
        if i == 15:
            rec["text"] = "<p>" + BODIES[1] + "</p> &amp; " + BODIES[2]  # markup excluded as spans
        if i == 18:
            rec["text"] = ""  # empty document
        if i == 25:
            rec["date"] = "yesterday"  # unparseable date
        lines.append(json.dumps(rec, ensure_ascii=False))
        if i == 9:
            lines.append("{not json")
        if i == 10:
            lines.append("   ")
        if i == 30:
            lines.append(json.dumps({"id": "big", "source": "الشروق", "text": "ب" * 3000}, ensure_ascii=False))
        if i == 33:
            lines.append("[1, 2]")
    return lines


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(_records()) + "\n", encoding="utf-8")
    return path


def _open(path, **kw):
    return load_corpus(str(path), outlet_field="source", max_document_chars=400, max_record_bytes=2000, **kw)


def _problems(corpus) -> list:
    return [(p.source, p.reason, p.action, p.doc_id, p.line, p.detail) for p in corpus.problems]


def _via_chunks(corpus, size: int, limit: int | None):
    docs, merged = [], []
    for chunk in line_chunks(corpus, size=size, limit=limit):
        got, problems, texts = read_chunk(chunk)
        assert len(got) == chunk.documents or not chunk.lines
        docs += got
        merged.append((problems, texts))
    merge_chunks(corpus, merged, complete=limit is None or limit > len(corpus))
    return docs


@pytest.mark.parametrize("size", [1, 3, 64])
@pytest.mark.parametrize("limit", [None, 1, 8, 13, 14, 37, 100])
def test_chunks_give_the_documents_problems_and_repeated_lines_of_the_iteration(corpus_file, size, limit):
    from itertools import islice

    expected_corpus = _open(corpus_file)
    expected = list(islice(expected_corpus.iter_documents(), limit))
    reasons = {p[1] for p in _problems(expected_corpus)}
    if limit is None:  # the fixture has what it claims
        assert {"duplicate id", "malformed row", "split document", "html markup", "empty document",
                "unparseable date", "too large"} <= reasons
        assert any(d.doc_id == "d3~3" for d in expected) and any(d.doc_id == "d12#2" for d in expected)
    corpus = _open(corpus_file)
    assert supports_line_chunks(corpus)
    got = _via_chunks(corpus, size, limit)
    assert got == expected
    assert _problems(corpus) == _problems(expected_corpus)
    assert corpus.excluded_lines() == expected_corpus.excluded_lines()
    if limit is None:
        assert [row["line"] for row in corpus.excluded_lines()] == [BOILER]


def test_a_file_cut_at_its_bound_lists_the_stop_after_the_last_line_read(corpus_file):
    size = corpus_file.stat().st_size
    expected_corpus = _open(corpus_file, max_file_bytes=size // 2)
    expected = list(expected_corpus.iter_documents())
    corpus = _open(corpus_file, max_file_bytes=size // 2)
    assert _via_chunks(corpus, 4, None) == expected
    assert _problems(corpus) == _problems(expected_corpus)
    assert _problems(corpus)[-1][1] == "too large"


def test_shards_are_chunked_one_after_the_other(tmp_path):
    lines = _records()
    (tmp_path / "a.jsonl").write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n".join(lines[20:]) + "\n", encoding="utf-8")
    expected_corpus = _open(tmp_path / "*.jsonl")
    expected = list(expected_corpus.iter_documents())
    corpus = _open(tmp_path / "*.jsonl")
    assert _via_chunks(corpus, 7, None) == expected
    assert _problems(corpus) == _problems(expected_corpus)
    assert {Path(p[0]).name for p in _problems(corpus)} == {"a.jsonl", "b.jsonl"}


def test_other_formats_are_not_chunked(tmp_path):
    (tmp_path / "news.csv").write_text("id,source,text\nd1,الأهرام," + BODIES[0] + "\n", encoding="utf-8")
    assert not supports_line_chunks(_open(tmp_path / "news.csv"))


@pytest.mark.slow
def test_jobs_2_and_dask_read_chunks_with_the_outputs_and_problems_of_jobs_1(corpus_file, tmp_path, monkeypatch):
    from framing import engine
    from framing.pipeline import CompareOptions, run_compare
    from tests.test_engine import _comparable

    chunked = []
    monkeypatch.setattr(engine, "line_chunks", lambda *a, **kw: chunked.append(kw) or line_chunks(*a, **kw))

    out = tmp_path / "out"
    snapshots, problems = {}, {}
    for name, kw in (("jobs1", {"jobs": 1}), ("jobs2", {"jobs": 2}), ("dask", {"engine": "dask", "jobs": 2}),
                     ("jobs2-limit", {"jobs": 2, "limit": 13}), ("jobs1-limit", {"jobs": 1, "limit": 13})):
        result = run_compare(CompareOptions(corpus=str(corpus_file), out=str(out), overwrite=True, topics=False,
                                            outlet_field="source", max_document_chars=400, max_record_bytes=2000,
                                            **kw))
        snapshots[name] = _comparable(out)
        problems[name] = [(p.source, p.reason, p.doc_id, p.line) for p in result.problems]
    assert len(problems["jobs1"]) >= 8
    assert [kw["limit"] for kw in chunked] == [None, None, 13]  # jobs2, dask, jobs2-limit read chunks
    for other, base in (("jobs2", "jobs1"), ("dask", "jobs1"), ("jobs2-limit", "jobs1-limit")):
        assert problems[other] == problems[base], other
        differ = sorted(k for k in snapshots[base] if snapshots[base][k] != snapshots[other].get(k))
        assert snapshots[other].keys() == snapshots[base].keys() and not differ, (other, differ)
    assert snapshots["jobs1-limit"]["documents.csv"] != snapshots["jobs1"]["documents.csv"]


def test_dask_tasks_are_larger_than_the_pools_unless_a_batch_size_is_given(corpus_file):
    from framing.analysis import RunSpec
    from framing.engine import DASK_BATCH, DEFAULT_BATCH, map_corpus
    from framing.lexicon import load_lexicons

    spec = RunSpec.from_lexicons(load_lexicons(None), topics=False, events=False)
    corpus = _open(corpus_file)
    assert map_corpus(corpus, spec, engine="dask").batch_size == DASK_BATCH > DEFAULT_BATCH
    assert map_corpus(corpus, spec, jobs=2).batch_size == DEFAULT_BATCH
    assert map_corpus(corpus, spec, engine="dask", batch_size=8).batch_size == 8
