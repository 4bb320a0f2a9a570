"""The map's share of the main process: CPU and wall of the engines' map over a corpus.

Opens the corpus as ``framing compare`` does, runs its scan (not timed), then maps it with
each engine asked for and only drops the packed batches (no reductions), measuring this
process's CPU (``time.process_time``: every thread, Dask's event loop included) and the wall
time. With 2 cores every CPU second the main process spends is taken from a worker.

    python benchmarks/bench_engine.py /tmp/lead_s10k.jsonl --outlet-field source --date-field crawl_time \\
        [--engines local,dask] [--jobs 2] [--limit N] [--repeat 1]

Compare two trees by running each tree's copy (``PYTHONPATH=OLD python OLD/benchmarks/...``) in turn.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--outlet-field", default="outlet")
    ap.add_argument("--date-field", default="date")
    ap.add_argument("--engines", default="local,dask")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=None, help="documents per task (default: the engine's)")
    ap.add_argument("--warmup", type=float, default=8.0, help="seconds the engine starts before the map is timed")
    a = ap.parse_args(argv)

    from framing.engine import map_corpus
    from framing.output import table_formats
    from framing.pipeline import CompareOptions, StageClock, _load_lexicons, _open_corpus, _run_spec

    opts = CompareOptions(corpus=a.corpus, outlet_field=a.outlet_field, date_field=a.date_field, topics=False)
    clock = StageClock(None)
    setup = _load_lexicons(opts, clock, lambda message: None)
    corpus = _open_corpus(opts, clock)
    spec = _run_spec(opts, setup.used, setup.stopwords)
    formats = {name: table_formats("both") for name in ("hits", "attributions", "excluded")}
    n_total = len(corpus)  # the scan
    out: dict = {"documents": min(n_total, a.limit or n_total)}
    runs: dict[str, list] = {}
    for _ in range(a.repeat):  # engines interleaved
        for engine in a.engines.split(","):
            mapped = map_corpus(corpus, spec, limit=a.limit, jobs=a.jobs, engine=engine,
                                **({"batch_size": a.batch_size} if a.batch_size else {}))
            mapped.start()
            time.sleep(a.warmup)  # as the scan of a real run: the workers start meanwhile
            w_before = _descendants_cpu()
            c0, w0 = time.process_time(), time.perf_counter()
            n = 0
            w_latest = w_before
            for i, batch in enumerate(mapped.batches(formats)):
                n += len(batch)
                if i % 4 == 3:  # the workers end with the map: their CPU is read while they run
                    w_latest = _descendants_cpu()
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            workers = w_latest - w_before
            mapped.close()
            assert n == out["documents"], (n, out["documents"])
            runs.setdefault(engine, []).append((cpu, wall, workers))
    for engine, rows in runs.items():
        cpu, wall, workers = (statistics.median(r[i] for r in rows) for i in range(3))
        out[engine] = {"main_cpu": round(cpu, 2), "wall": round(wall, 2), "workers_cpu": round(workers, 2),
                       "main_cpu_per_10k": round(cpu * 10_000 / out["documents"], 2),
                       "walls": [round(r[1], 1) for r in rows], "problems": len(corpus.problems)}
    if "local" in out and "dask" in out:
        out["dask_vs_local_wall"] = round(out["dask"]["wall"] / out["local"]["wall"], 3)
    print(json.dumps(out))
    return out


def _descendants_cpu() -> float:
    """CPU seconds (user + system) of this process's descendants alive now (the workers)."""
    import psutil

    total = 0.0
    for p in psutil.Process().children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            continue
    return total


if __name__ == "__main__":
    main()
