"""The local pool's workers are replaced by fresh ones every ``RECYCLE_TASKS`` tasks (their caches
grow with the documents seen): the results keep their order and do not change."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import pytest

from framing import engine
from framing.analysis import RunSpec
from framing.engine import map_documents
from framing.lexicon import load_lexicons
from framing.records import Document


def _bare_pool(spec, workers: int):
    return ProcessPoolExecutor(max_workers=workers, mp_context=engine._mp_context())


def _pid_after(i: int) -> tuple[int, int]:
    return i, os.getpid()


def test_a_recycled_pool_gives_every_result_in_order_from_fresh_workers(monkeypatch):
    monkeypatch.setattr(engine, "_new_pool", _bare_pool)
    tasks = ((_pid_after, (i,), f"task {i}") for i in range(7))
    results = list(engine._pool_ordered(tasks, None, 1, None, lambda r: 1, recycle=3))
    assert [i for i, _ in results] == list(range(7))
    pids = [pid for _, pid in results]
    # one worker per pool: tasks 0-2, 3-5 and 6 each ran in a process of its own
    assert len(set(pids[0:3])) == len(set(pids[3:6])) == 1
    assert len({pids[0], pids[3], pids[6]}) == 3
    assert os.getpid() not in pids


def test_recycling_can_be_switched_off(monkeypatch):
    monkeypatch.setattr(engine, "_new_pool", _bare_pool)
    tasks = ((_pid_after, (i,), f"task {i}") for i in range(5))
    results = list(engine._pool_ordered(tasks, None, 1, None, lambda r: 1, recycle=0))
    assert [i for i, _ in results] == list(range(5)) and len({pid for _, pid in results}) == 1


@pytest.mark.slow
def test_documents_analysed_across_recycled_pools_are_analysed_as_in_one_process(monkeypatch):
    spec = RunSpec.from_lexicons(load_lexicons(None), topics=False, events=True)
    docs = [Document(f"d{i:03d}", f"قوات النظام قصفت المدينة رقم {i}" + " وقال الوزير إن الهدنة انتهت" * (i % 5),
                     outlet="المدن" if i % 2 else "روسيا اليوم", date=f"2019-05-{1 + i % 20:02d}")
            for i in range(30)]
    started = []
    start = engine._start_pool
    monkeypatch.setattr(engine, "_start_pool", lambda s, w: started.append(w) or start(s, w))
    monkeypatch.setattr(engine, "RECYCLE_TASKS", 3)
    pooled = list(map_documents(docs, spec, jobs=2, batch_size=4))  # 8 tasks: two fresh pools after the first
    inline = list(map_documents(docs, spec, jobs=1))
    assert started == [2, 2]
    assert [r.doc_id for r in pooled] == [d.doc_id for d in docs]
    for name in ("hit_rows", "attribution_rows", "term_counts", "counts", "event", "packed"):
        a, b = [getattr(r, name) for r in pooled], [getattr(r, name) for r in inline]
        assert repr(a) == repr(b), name
    assert sum(len(r.hit_rows) for r in pooled) >= 30
