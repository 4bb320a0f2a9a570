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
    for engine in a.engines.split(","):
        cpu, wall = [], []
        for _ in range(a.repeat):
            mapped = map_corpus(corpus, spec, limit=a.limit, jobs=a.jobs, engine=engine,
                                **({"batch_size": a.batch_size} if a.batch_size else {}))
            mapped.start()
            time.sleep(a.warmup)  # as the scan of a real run: the workers start meanwhile
            c0, w0 = time.process_time(), time.perf_counter()
            n = 0
            for batch in mapped.batches(formats):
                n += len(batch)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
            mapped.close()
            assert n == out["documents"], (n, out["documents"])
        out[engine] = {"main_cpu": round(statistics.median(cpu), 2), "wall": round(statistics.median(wall), 2),
                       "main_cpu_per_10k": round(statistics.median(cpu) * 10_000 / n, 2),
                       "problems": len(corpus.problems)}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
