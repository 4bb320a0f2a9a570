"""Whole-process benchmark of ``framing compare``: the per-document map on every core, the
reductions, memory, and the engines (issue 12).

In one run, on the February 2013 Egyptian crawl (or ``--limit N`` of it), it measures:

1. whole-process ``framing compare --no-topics`` against a naive camel-tools baseline over the
   same texts (a process that reads the same file, then runs ``normalize_unicode`` →
   ``dediac_ar`` → alef/alef-maksura/teh-marbuta normalization and ``simple_word_tokenize`` on
   every text), interleaved ``--repeat`` times; medians of wall and CPU time, and the ratio
   baseline / framing (≥ 1.0: framing is at least as fast);
2. peak RSS of the whole process tree (main process + workers, sampled every 0.2 s; also the
   largest single process), and RSS of a 20k-article run against the full run;
3. all stages (topics and events included) wall time, and each stage from ``run.json``;
4. the map-stage (``analysing documents``) speed-up from ``--jobs 1`` to ``--jobs 2``;
5. the Dask engine with a 2-worker ``LocalCluster`` against ``--jobs 2``;
6. with ``--million``: a 1M-article corpus generated on the fly in ``/tmp`` by replicating the
   month with new ids and dates shifted by whole months (never committed), run to completion on
   the Dask engine; throughput and peak memory per process.

    python benchmarks/bench_pipeline.py [CORPUS] [--limit 20000] [--repeat 3] [--jobs 2]
        [--skip-all-stages] [--skip-dask] [--million] [--json results.json]

Numbers go to stdout as a table and, with ``--json``, to a file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared/corpora/egypt-2013/egypt-2013-02.jsonl.xz"
FRAMING = [sys.executable, "-m", "framing"]

BASELINE = r"""
import json, lzma, gzip, sys
from camel_tools.tokenizers.word import simple_word_tokenize
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (normalize_alef_ar, normalize_alef_maksura_ar,
                                         normalize_teh_marbuta_ar, normalize_unicode)
path, limit, field = sys.argv[1], int(sys.argv[2]), sys.argv[3]
opener = lzma.open if path.endswith(".xz") else gzip.open if path.endswith(".gz") else open
n = tokens = 0
with opener(path, "rt", encoding="utf-8") as fh:
    for line in fh:
        if limit and n >= limit:
            break
        text = json.loads(line).get(field) or ""
        norm = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(
            normalize_unicode(text)))))
        tokens += len(simple_word_tokenize(norm))
        n += 1
print(json.dumps({"documents": n, "tokens": tokens}))
"""


class TreeSampler:
    """Peak RSS of a process and all its descendants (sum), and of the largest single process."""

    def __init__(self, pid: int, interval: float = 0.2):
        import psutil

        self._proc = psutil.Process(pid)
        self.interval = interval
        self.peak_total = 0
        self.peak_single = 0
        self.peak_by_role: dict[str, int] = {}
        self.cpu_by_pid: dict[int, float] = {}  # last seen user+system seconds of every process of the tree
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    cmd = " ".join(p.cmdline()[-3:])
                    t = p.cpu_times()
                    self.cpu_by_pid[p.pid] = t.user + t.system
                except psutil.Error:
                    continue
                total += rss
                self.peak_single = max(self.peak_single, rss)
                role = "main" if p.pid == self._proc.pid else (
                    "dask-worker" if "dask" in cmd or "distributed" in cmd else
                    "forkserver/worker" if "forkserver" in cmd or "multiprocessing" in cmd else "other")
                self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), rss)
            self.peak_total = max(self.peak_total, total)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def run_measured(cmd: list[str], *, cwd: Path = ROOT) -> dict:
    """Run ``cmd``; wall, CPU (user+sys of the whole tree, from wait4) and peak RSS."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.stop()
    usage = _child_cpu()
    # workers of a pool are children of the forkserver, which is not always reaped (then wait4
    # misses them): the sampled CPU of every process of the tree, whichever is larger
    tree_cpu = sum(sampler.cpu_by_pid.values())
    if proc.returncode != 0:
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    return {"wall": wall, "cpu": max(usage, tree_cpu), "peak_rss_total": sampler.peak_total,
            "peak_rss_single": sampler.peak_single, "peak_rss_by_role": dict(sampler.peak_by_role),
            "stdout": out}


_last_cpu = [0.0]


def _child_cpu() -> float:
    """CPU seconds of children reaped since the previous call (user + system)."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = ru.ru_utime + ru.ru_stime
    delta, _last_cpu[0] = total - _last_cpu[0], total
    return delta


def framing_cmd(corpus: Path, out: Path, *, limit: int | None, jobs: int, topics: bool = False,
                engine: str = "local", extra: tuple[str, ...] = ()) -> list[str]:
    cmd = [*FRAMING, "compare", str(corpus), "--outlet-field", "source", "--date-field", "crawl_time",
           "--no-progress", "--overwrite", "--out", str(out), "--jobs", str(jobs), "--engine", engine, *extra]
    if limit:
        cmd += ["--limit", str(limit)]
    if not topics:
        cmd.append("--no-topics")
    return cmd


def run_json(out: Path) -> dict:
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def mb(n: int) -> str:
    return f"{n / 2 ** 20:,.0f} MB"


def _shift_months(value: str, months: int) -> str:
    """``YYYY-MM[-DD…]`` moved ``months`` later, the day capped at the new month's last day (31
    January one month on is 28 February, not a date that does not exist — such a document would
    be undated, and an undated document is compared with every other one by the event grouping).

    >>> _shift_months("2013-01-31T10:00:00", 1), _shift_months("2013-02-14", 11), _shift_months("2013-02", 1)
    ('2013-02-28T10:00:00', '2014-01-14', '2013-03')
    """
    import calendar

    month = int(value[5:7]) - 1 + months
    year, month = int(value[:4]) + month // 12, month % 12 + 1
    if len(value) >= 10 and value[8:10].isdigit():
        day = min(int(value[8:10]), calendar.monthrange(year, month)[1])
        return f"{year:04d}-{month:02d}-{day:02d}{value[10:]}"
    return f"{year:04d}-{month:02d}{value[7:]}"


def generate_million(source: Path, target: Path, n: int, *, shard: int = 5000) -> int:
    """Replicate ``source`` into shards ``target/part-NNNNN.jsonl.gz`` of ``shard`` records, with
    new ids and dates shifted by whole months (copy k of the month is k months later): a glob
    the Dask workers read partition by partition."""
    import gzip
    import lzma

    opener = lzma.open if source.suffix == ".xz" else open
    with opener(source, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    out = None
    copy = 0
    try:
        while written < n:
            for rec in records:
                if written >= n:
                    break
                if written % shard == 0:
                    if out is not None:
                        out.close()
                    out = gzip.open(target / f"part-{written // shard:05d}.jsonl.gz", "wt", encoding="utf-8",  # noqa: SIM115
                                    compresslevel=1)
                r = dict(rec)
                r["id"] = f"m{copy:03d}-{written:07d}"
                for key in ("crawl_time", "date"):
                    value = r.get(key)
                    if isinstance(value, str) and len(value) >= 7 and value[:4].isdigit():
                        r[key] = _shift_months(value, copy)
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
                written += 1
            copy += 1
    finally:
        if out is not None:
            out.close()
    return written


class _Done(Exception):
    """The runs asked for are done (``--million-only``)."""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--limit", type=int, default=None, help="documents to use (default: all)")
    ap.add_argument("--small", type=int, default=20000, help="the smaller run for the RSS growth ratio")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved framing/baseline pairs")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-all-stages", action="store_true", help="skip the run with topics and events")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--skip-jobs1", action="store_true", help="skip the --jobs 1 run (map-stage speed-up)")
    ap.add_argument("--million", action="store_true", help="also run a generated 1M-article corpus on Dask")
    ap.add_argument("--million-docs", type=int, default=1_000_000)
    ap.add_argument("--million-dir", default=None,
                    help="reuse (or generate once into) this folder of shards instead of a temporary one")
    ap.add_argument("--million-only", action="store_true", help="run only the 1M-article Dask run")
    ap.add_argument("--json", default=None, help="write the results to this file")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    work = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    res: dict = {"corpus": str(corpus), "limit": args.limit, "jobs": args.jobs, "cores": os.cpu_count()}
    try:
        _child_cpu()
        if args.million_only:
            res["million"] = run_million(args, corpus, work)
            raise _Done
        # 1. framing --no-topics vs the naive baseline, interleaved
        fw, fc, bw, bc = [], [], [], []
        main_run = None
        for _ in range(args.repeat):
            r = run_measured(framing_cmd(corpus, work / "main", limit=args.limit, jobs=args.jobs))
            fw.append(r["wall"])
            fc.append(r["cpu"])
            main_run = main_run or {**r, "run": run_json(work / "main")}
            b = run_measured([sys.executable, "-c", BASELINE, str(corpus), str(args.limit or 0), "text"])
            bw.append(b["wall"])
            bc.append(b["cpu"])
        manifest = main_run["run"]
        n_docs = manifest["corpus"]["documents_analysed"]
        res["documents"] = n_docs
        res["framing_no_topics"] = {"wall_median": statistics.median(fw), "cpu_median": statistics.median(fc),
                                    "walls": fw, "cpus": fc, "stage_seconds": manifest.get("stage_seconds"),
                                    "peak_rss_total": main_run["peak_rss_total"],
                                    "peak_rss_single": main_run["peak_rss_single"],
                                    "peak_rss_by_role": main_run["peak_rss_by_role"],
                                    "corpus_reads": manifest.get("corpus_reads")}
        res["baseline"] = {"wall_median": statistics.median(bw), "cpu_median": statistics.median(bc),
                           "walls": bw, "cpus": bc}
        res["ratio_wall"] = res["baseline"]["wall_median"] / res["framing_no_topics"]["wall_median"]
        res["ratio_cpu"] = res["baseline"]["cpu_median"] / res["framing_no_topics"]["cpu_median"]

        # 2. map stage --jobs 1 vs --jobs N
        mN = manifest["stage_seconds"].get("analysing documents")
        if not args.skip_jobs1:
            r1 = run_measured(framing_cmd(corpus, work / "jobs1", limit=args.limit, jobs=1))
            m1 = run_json(work / "jobs1")["stage_seconds"].get("analysing documents")
            res["map_stage"] = {"jobs1_seconds": m1, f"jobs{args.jobs}_seconds": mN,
                                "speedup": (m1 / mN) if m1 and mN else None, "jobs1_wall": r1["wall"]}

        # 3. RSS growth: a smaller run
        if args.small and (args.limit is None or args.small < args.limit):
            rs = run_measured(framing_cmd(corpus, work / "small", limit=args.small, jobs=args.jobs))
            res["rss_growth"] = {"small_documents": args.small, "small_peak_rss_total": rs["peak_rss_total"],
                                 "full_peak_rss_total": main_run["peak_rss_total"],
                                 "ratio": main_run["peak_rss_total"] / rs["peak_rss_total"]}

        # 4. Dask LocalCluster (2 workers) vs --jobs N
        if not args.skip_dask:
            rd = run_measured(framing_cmd(corpus, work / "dask", limit=args.limit, jobs=args.jobs, engine="dask"))
            md = run_json(work / "dask")["stage_seconds"].get("analysing documents")
            res["dask"] = {"map_seconds": md, "wall": rd["wall"], "vs_local": (md / mN) if md and mN else None,
                           "peak_rss_by_role": rd["peak_rss_by_role"]}

        # 5. all stages
        if not args.skip_all_stages:
            ra = run_measured(framing_cmd(corpus, work / "all", limit=args.limit, jobs=args.jobs, topics=True))
            res["all_stages"] = {"wall": ra["wall"], "stage_seconds": run_json(work / "all")["stage_seconds"],
                                 "peak_rss_total": ra["peak_rss_total"]}

        # 6. one million articles on Dask
        if args.million:
            res["million"] = run_million(args, corpus, work)
    except _Done:
        pass
    except RuntimeError as exc:  # report what was measured before the failure
        res["error"] = str(exc)
        print(f"stopped: {exc}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.json:
            Path(args.json).write_text(json.dumps(res, indent=2, default=str), encoding="utf-8")
    if "framing_no_topics" in res or "million" in res:
        report(res)


def run_million(args, corpus: Path, work: Path) -> dict:
    """The generated 1M-article corpus (``--million-dir``: generated there once and reused) on
    the Dask engine with a local cluster of ``--jobs`` workers, to completion."""
    big = Path(args.million_dir) if args.million_dir else work / "million"
    t0 = time.perf_counter()
    shards = sorted(big.glob("part-*.jsonl.gz")) if big.is_dir() else []
    if shards and sum(1 for _ in shards) * 5000 >= args.million_docs:
        n, gen = args.million_docs, None  # reused
    else:
        n = generate_million(corpus, big, args.million_docs)
        gen = time.perf_counter() - t0
    out = work / "million-out"
    rm = run_measured(framing_cmd(big / "part-*.jsonl.gz", out, limit=None, jobs=args.jobs, engine="dask",
                                  extra=("--no-charts",)))
    mm = run_json(out)
    return {"documents": mm["corpus"]["documents_analysed"], "generated": n, "generate_seconds": gen,
            "wall": rm["wall"], "cpu": rm["cpu"], "documents_per_second": mm["corpus"]["documents_analysed"] / rm["wall"],
            "stage_seconds": mm["stage_seconds"], "peak_rss_by_role": rm["peak_rss_by_role"],
            "peak_rss_total": rm["peak_rss_total"]}


def report(res: dict) -> None:
    rows = []
    if "framing_no_topics" in res:
        rows += _main_rows(res)
    if "million" in res:
        mi = res["million"]
        rows.append(("1M articles on Dask: documents, wall, CPU, docs/s",
                     f"{mi['documents']:,}, {mi['wall']:.0f} s, {mi['cpu']:.0f} s, {mi['documents_per_second']:.0f}/s"))
        rows.append(("1M articles: peak RSS per process", ", ".join(f"{k} {mb(v)}"
                                                                   for k, v in mi["peak_rss_by_role"].items())))
        rows.append(("1M articles: peak RSS, whole tree", mb(mi["peak_rss_total"])))
        rows.append(("1M articles: stages (s)", json.dumps(mi["stage_seconds"], ensure_ascii=False)))
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


def _main_rows(res: dict) -> list[tuple[str, str]]:
    f, b = res["framing_no_topics"], res["baseline"]
    rows = [
        ("documents", f"{res['documents']:,}"),
        ("framing compare --no-topics (median wall / CPU)", f"{f['wall_median']:.1f} s / {f['cpu_median']:.1f} s"),
        ("naive camel-tools normalize + tokenize (median wall / CPU)",
         f"{b['wall_median']:.1f} s / {b['cpu_median']:.1f} s"),
        ("ratio baseline / framing (wall, CPU; target ≥ 1.0)", f"{res['ratio_wall']:.2f}, {res['ratio_cpu']:.2f}"),
        ("peak RSS, whole tree / largest process (target ≤ 1.5 GB)",
         f"{mb(f['peak_rss_total'])} / {mb(f['peak_rss_single'])}"),
        ("corpus reads", str(f["corpus_reads"])),
        ("stages (s)", json.dumps(f["stage_seconds"], ensure_ascii=False)),
    ]
    if "map_stage" in res:
        m = res["map_stage"]
        jn = m["jobs{}_seconds".format(res["jobs"])]
        rows.append((f"map stage --jobs 1 → --jobs {res['jobs']} (target ≥ 1.7×)",
                     f"{m['jobs1_seconds']} s → {jn} s = {m['speedup']:.2f}×" if m["speedup"] else "n/a"))
    if "rss_growth" in res:
        g = res["rss_growth"]
        rows.append((f"peak RSS {g['small_documents']:,} docs → full (target ≤ 1.3×)",
                     f"{mb(g['small_peak_rss_total'])} → {mb(g['full_peak_rss_total'])} = {g['ratio']:.2f}×"))
    if "dask" in res:
        d = res["dask"]
        rows.append(("map stage, Dask 2-worker LocalCluster vs local pool (target ≤ 1.15)",
                     f"{d['map_seconds']} s, {d['vs_local']:.2f}×" if d["vs_local"] else "n/a"))
    if "all_stages" in res:
        a = res["all_stages"]
        rows.append(("all stages incl. topics and events, wall (target ≤ 300 s)", f"{a['wall']:.1f} s"))
        rows.append(("all stages (s)", json.dumps(a["stage_seconds"], ensure_ascii=False)))
        rows.append(("all stages peak RSS, whole tree", mb(a["peak_rss_total"])))
    return rows


if __name__ == "__main__":
    main()
