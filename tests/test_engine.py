"""The run as a map over documents plus reductions (framing.analysis, framing.engine):
one normalization per document, byte-identical outputs whatever the engine, one set of
lexicons for every stage, and failures that never leave a complete-looking output."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import framing
from framing import analysis
from framing.analysis import RunSpec, analyze_document, context_for
from framing.engine import map_documents
from framing.errors import ConfigError, MissingDependencyError
from framing.events import light_stem
from framing.lexicon import load_lexicons
from framing.pipeline import CompareOptions, run_compare
from framing.records import Document
from tests.conftest import ROOT

# four short articles written for these tests: two outlets on the same protest in Cairo
# (with a named victim), one on gold prices, one on a football match
ARTICLES = [
    {"id": "a1", "source": "الأهرام", "date": "2013-02-02", "title": "سحل المواطن حمادة صابر أمام قصر الاتحادية",
     "text": "قالت وزارة الداخلية إن قوات الأمن فرقت المتظاهرين أمام قصر الاتحادية. "
             "وأظهر مقطع مصور سحل المواطن حمادة صابر على يد عناصر الشرطة.\n"
             "وقال شهود عيان: \"الشرطة ضربت المواطنين بعنف\"."},
    {"id": "b1", "source": "المصري اليوم", "date": "2013-02-02", "title": "الداخلية تحقق في سحل حمادة صابر",
     "text": "أعلنت النيابة العامة فتح تحقيق في سحل المواطن حمادة صابر عند قصر الاتحادية. "
             "وزعم مسؤول أمني أن المتظاهرين هاجموا قوات الأمن بالحجارة.\n"
             "وبحسب مصادر طبية فإن حالة المواطن مستقرة."},
    {"id": "c1", "source": "الأهرام", "date": "2013-02-03", "title": "ارتفاع أسعار الذهب في السوق المصرية",
     "text": "ارتفعت أسعار الذهب في السوق المصرية اليوم بنسبة طفيفة. "
             "وقال تاجر في حي الصاغة إن الطلب على الذهب تراجع خلال الأسبوع."},
    {"id": "d1", "source": "المصري اليوم", "date": "2013-02-03", "title": "الأهلي يواجه الزمالك",
     "text": "يلتقي الأهلي والزمالك مساء الجمعة في مباراة قمة بالدوري. "
             "وأكد المدير الفني أن الفريق جاهز للمواجهة."},
]

# a framing lexicon of a researcher's own (no verbs, no sources: the defaults are brought in)
EGYPT_LEXICON = """\
name: egypt-test
kind: framing
language: ar
version: 0.1.0
categories:
  actor_label: A name for an actor.
actors:
  police: The Egyptian police and security forces.
  citizens: Citizens and protesters.
entries:
  - {term: قوات الأمن, actor: police, category: actor_label, stance: 0.0}
  - {term: الشرطة, actor: police, category: actor_label, stance: 0.0}
  - {term: المتظاهرين, actor: citizens, category: actor_label, stance: 0.0}
  - {term: حمادة صابر, actor: citizens, category: actor_label, stance: 0.0}
"""


def write_corpus(folder: Path, articles=ARTICLES) -> Path:
    path = folder / "news.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


def options(corpus: Path, out: Path, **kw) -> CompareOptions:
    base = {"corpus": str(corpus), "out": str(out), "outlet_field": "source", "topics": False, "charts": False,
            "n_boot": 50, "overwrite": True}
    base.update(kw)
    return CompareOptions(**base)


@pytest.fixture()
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path)


@pytest.fixture()
def egypt_lexicons(tmp_path) -> Path:
    folder = tmp_path / "lex"
    folder.mkdir()
    (folder / "egypt.yaml").write_text(EGYPT_LEXICON, encoding="utf-8")
    return folder


# --- one analysis per document -------------------------------------------------------------


def test_every_document_is_normalized_exactly_once(corpus, tmp_path, monkeypatch):
    calls: list[str] = []
    real = framing.normalize.normalize_with_offsets

    def counting(text, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    # every module that holds the function, under any name
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("framing") and \
                getattr(mod, "normalize_with_offsets", None) is real:
            monkeypatch.setattr(mod, "normalize_with_offsets", counting)
    analysis._CONTEXT.clear()
    result = run_compare(options(corpus, tmp_path / "out", jobs=1, events=True))
    texts = [a["text"] for a in ARTICLES]
    assert [calls.count(t) for t in texts] == [1, 1, 1, 1]
    # the only other normalized strings are headlines (event labels are built from them)
    assert set(calls) - set(texts) <= {a["title"] for a in ARTICLES}
    assert result.manifest["corpus_reads"] == 2  # the reader's scan and the one analysis pass


def test_analyze_document_gives_hits_scores_terms_and_stage_features():
    spec = RunSpec.from_lexicons(load_lexicons(None), topics=True, events=True)
    doc = Document("x1", "قصفت قوات النظام المدينة في الصباح.\nوقال الكرملين: \"روسيا تدعم الحل السياسي\".",
                   outlet="A", date="2019-05-01")
    r = analyze_document(doc, context_for(spec))
    terms = {h["term"]: h for h in r.hit_rows}
    assert doc.text[terms["قوات النظام"]["start"]:terms["قوات النظام"]["end"]] == "قوات النظام"
    assert terms["روسيا"]["voice"] == "reported" and terms["روسيا"]["speaker"] == "الكرملين"
    assert r.hits + r.hits_reported == len(r.hit_rows) and r.attributions == len(r.attribution_rows) >= 1
    assert r.term_counts["قصفت"] == 1 and "في" not in r.term_counts  # stop words removed
    assert r.event.doc_id == "x1" and r.event.signature.shape == (64,)
    assert r.units is not None and r.masked_text() == doc.text
    actors = context_for(spec).actors
    k = actors.index("syrian_government")
    assert terms["قوات النظام"]["voice"] == "authorial"
    assert r.counts[k] == 1 and r.counts[len(actors) + k] == pytest.approx(terms["قوات النظام"]["stance"])


def test_a_document_whose_analysis_raises_is_listed_as_a_problem(corpus, tmp_path, monkeypatch):
    real = analysis.analyze_document

    def flaky(doc, ctx):
        if doc.doc_id == "b1":
            raise ValueError("عطل مصطنع في التحليل")
        return real(doc, ctx)

    monkeypatch.setattr(analysis, "analyze_document", flaky)
    result = run_compare(options(corpus, tmp_path / "out", jobs=1, events=False))
    assert "b1" not in set(result.documents["doc_id"])
    [problem] = [p for p in result.problems if p.doc_id == "b1"]
    assert problem.action == "skipped" and problem.reason == "analysis failed: ValueError: عطل مصطنع في التحليل"
    corpus_info = result.manifest["corpus"]
    assert corpus_info["documents_analysed"] == 3 and corpus_info["documents_skipped"] == 1
    assert "b1" in (result.out_dir / "problems.csv").read_text(encoding="utf-8")


# --- one set of settings -------------------------------------------------------------------


def test_events_and_run_json_follow_the_lexicons_of_the_run(corpus, tmp_path, egypt_lexicons):
    result = run_compare(options(corpus, tmp_path / "out", jobs=1, lexicons=[str(egypt_lexicons)]))
    manifest = json.loads((result.out_dir / "run.json").read_text(encoding="utf-8"))
    # every lexicon used: the researcher's framing lexicon and the default verbs and sources brought in
    used = {(lx["kind"], Path(lx["path"]).name): lx["sha256"] for lx in manifest["lexicons"]}
    default_dir = ROOT / "lexicons"
    arabic = {k: v for k, v in used.items() if not k[1].endswith("-en.yaml")}
    assert arabic == {
        ("framing", "egypt.yaml"): hashlib.sha256((egypt_lexicons / "egypt.yaml").read_bytes()).hexdigest(),
        ("reporting_verbs", "reporting_verbs.yaml"):
            hashlib.sha256((default_dir / "reporting_verbs.yaml").read_bytes()).hexdigest(),
        ("sources", "sources.yaml"): hashlib.sha256((default_dir / "sources.yaml").read_bytes()).hexdigest(),
    }
    # the English defaults brought in for English documents (framing.english) are listed too, as read
    for (kind, name), sha in used.items():
        if name.endswith("-en.yaml"):
            assert kind != "framing" and sha == hashlib.sha256((default_dir / name).read_bytes()).hexdigest()
    # event grouping weighted the words of the run's lexicons, not the bundled syria.yaml
    # (the neutral sources.yaml only: the Syria pack sources-syria.yaml goes with the bundled syria.yaml)
    lexicons = load_lexicons([str(egypt_lexicons)]) + load_lexicons([default_dir / "sources.yaml"])
    ctx = context_for(RunSpec.from_lexicons(lexicons, topics=False, events=True))
    words = ctx.featurizer.entity_words
    assert {light_stem("حمادة".replace("ة", "ه")), "شرطه", "متظاهرين"} <= words
    assert light_stem("الكرملين") in words  # from the default sources lexicon
    assert "نظام" not in words and "احتلال" not in words  # syria.yaml's actor words are not used
    assert manifest["stages"]["events"]["entity_words"] == len(words)
    assert manifest["stages"]["events"]["lexicons"] == ["egypt-test", "sources"]
    # the same-event pair is grouped, the two others stand alone
    events = {r["doc_id"]: r["event_id"] for r in result.documents.to_dict("records")}
    assert events["a1"] == events["b1"] and len({events["c1"], events["d1"], events["a1"]}) == 3


def test_bad_engine_options_are_one_line_config_errors():
    spec = RunSpec.from_lexicons(load_lexicons(None), topics=False, events=False)
    with pytest.raises(ConfigError, match="unknown engine 'spark'"):
        list(map_documents([], spec, engine="spark"))
    with pytest.raises(ConfigError, match="--scheduler needs --engine dask"):
        list(map_documents([], spec, scheduler="tcp://127.0.0.1:8786"))
    with pytest.raises(ConfigError, match="--jobs 0"):
        list(map_documents([], spec, jobs=0))


def test_dask_engine_without_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed → ImportError
    spec = RunSpec.from_lexicons(load_lexicons(None), topics=False, events=False)
    with pytest.raises(MissingDependencyError) as err:
        list(map_documents([Document("x", "نص", outlet="A")], spec, engine="dask"))
    assert 'pip install "framing[dask]"' in err.value.format()


def test_local_pool_gives_the_results_in_input_order():
    spec = RunSpec.from_lexicons(load_lexicons(None), topics=False, events=False)
    docs = [Document(f"d{i:03d}", f"قوات النظام قصفت المدينة رقم {i}" + " وقال الوزير" * (i % 7), outlet="A")
            for i in range(40)]
    pooled = list(map_documents(docs, spec, jobs=2, batch_size=3))
    inline = list(map_documents(docs, spec, jobs=1))
    assert [r.doc_id for r in pooled] == [d.doc_id for d in docs]
    assert [r.hit_rows for r in pooled] == [r.hit_rows for r in inline]
    assert [r.term_counts for r in pooled] == [r.term_counts for r in inline]


# --- byte-identical outputs across engines ---------------------------------------------------

# run.json entries that record how and how long, not what
_HOW = ("elapsed_seconds", "stage_seconds", "report_seconds", "argv", "engine")


def _comparable(folder: Path) -> dict[str, str]:
    digests = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        name = p.relative_to(folder).as_posix()
        data = p.read_bytes()
        if name == "run.json":
            m = json.loads(data)
            for key in _HOW:
                m.pop(key, None)
            for key in ("jobs", "engine", "scheduler"):
                m["options"].pop(key, None)
            for stage in m.get("stages", {}).values():
                stage.pop("seconds", None)
            m.get("files", {}).pop("report.html", None)  # compared below, without its timings
            data = json.dumps(m, sort_keys=True, ensure_ascii=False).encode()
        elif name == "report.html":  # the page quotes run.json (run time, options) in its run details
            data = re.sub(rb'run took <bdi dir="ltr">[0-9.]+</bdi>', b"", data)
            data = re.sub(rb"<dt>(jobs|engine|scheduler)</dt><dd><code dir=\"ltr\">[^<]*</code></dd>\n?", b"", data)
            data = re.sub(rb"Page size: [0-9]+[^(]{1,8}\([0-9,]+ bytes\)", b"", data)
            data = re.sub(rb"&quot;seconds&quot;: [0-9.]+", b"", data)  # the topic stage's own timing
        digests[name] = hashlib.sha256(data).hexdigest()
    return digests


@pytest.mark.slow
def test_outputs_are_byte_identical_for_jobs_1_jobs_2_and_dask(tmp_path, seeds_dir):
    from distributed import LocalCluster

    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    out = tmp_path / "out"  # the same folder for every run: the reports quote it
    snapshots = {}

    def run(name: str, **kw) -> None:
        run_compare(CompareOptions(corpus=str(seeds), out=str(out), overwrite=True, topics=True, **kw))
        snapshots[name] = _comparable(out)

    run("jobs1", jobs=1)
    run("jobs2", jobs=2)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        run("dask", engine="dask", scheduler=cluster.scheduler_address)
    assert len(snapshots["jobs1"]) >= 20
    for name in ("hits.csv", "documents.csv", "outlets.csv", "events.csv", "terms.csv", "topics.csv",
                 "hits.parquet"):
        assert name in snapshots["jobs1"], name
    for other in ("jobs2", "dask"):
        differ = sorted(k for k in snapshots["jobs1"] if snapshots["jobs1"][k] != snapshots[other].get(k))
        assert snapshots[other].keys() == snapshots["jobs1"].keys()
        assert not differ, f"{other}: {differ}"


# --- failures never leave a complete-looking output ------------------------------------------


def _big_corpus(folder: Path, n: int = 30000) -> Path:  # long enough that the map is still running when hit
    articles = [dict(ARTICLES[i % len(ARTICLES)], id=f"n{i:05d}") for i in range(n)]
    return write_corpus(folder, articles)


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            kids = [int(c) for c in task.read_text().split()]
            out += kids
            todo += kids
    return out


def _start(corpus: Path, out: Path, *extra: str) -> subprocess.Popen:
    def default_sigint():
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    return subprocess.Popen([sys.executable, "-m", "framing", "compare", str(corpus), "--out", str(out),
                             "--outlet-field", "source", "--no-topics", "--no-progress", "--jobs", "2", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            preexec_fn=default_sigint)


def _wait_for_workers(proc: subprocess.Popen, n: int = 2) -> list[int]:
    """The pool's worker processes (grandchildren through the forkserver) once they are busy."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the run ended before its workers started: {proc.communicate()[1]}")
        kids = _descendants(proc.pid)
        workers = [k for k in kids if k not in _children(proc.pid)]
        if len(workers) >= n:
            time.sleep(0.3)  # inside the map
            return workers
        time.sleep(0.05)
    proc.kill()
    pytest.fail("no worker processes after 120 s")


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").glob("*/children") for c in task.read_text().split()]


@pytest.mark.slow
def test_a_killed_worker_stops_the_run_with_one_line_and_no_output(tmp_path):
    corpus = _big_corpus(tmp_path)
    out = tmp_path / "out"
    proc = _start(corpus, out)
    workers = _wait_for_workers(proc)
    for _attempt in range(50):  # a process listed a moment ago may have gone: kill one that is there
        try:
            os.kill(workers[0], signal.SIGKILL)
            break
        except ProcessLookupError:
            time.sleep(0.1)
            workers = _wait_for_workers(proc)
    else:
        pytest.fail("no live worker process to kill")
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode not in (0, None), stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "worker process died" in lines[0], stderr
    assert not out.exists()
    for partial in tmp_path.glob("out.incomplete-*"):
        assert (partial / "INCOMPLETE").is_file()
    time.sleep(0.5)
    assert not [w for w in workers if Path(f"/proc/{w}").exists() and
                "zombie" not in Path(f"/proc/{w}/status").read_text().lower()]


@pytest.mark.slow
def test_ctrl_c_during_the_parallel_map_exits_130_and_stops_the_workers(tmp_path):
    corpus = _big_corpus(tmp_path)
    out = tmp_path / "out"
    proc = _start(corpus, out)
    workers = _wait_for_workers(proc)
    proc.send_signal(signal.SIGINT)  # the workers ignore SIGINT: the main process stops them
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1 and "interrupted" in stderr
    assert not out.exists()
    time.sleep(1.0)
    alive = [w for w in workers if Path(f"/proc/{w}").exists() and
             "zombie" not in Path(f"/proc/{w}/status").read_text().lower()]
    assert not alive


@pytest.mark.slow
def test_dask_workers_read_the_shards_of_a_glob_with_the_same_outputs_and_problems(tmp_path):
    shards = tmp_path / "shards"
    shards.mkdir()
    for k in range(3):  # three shards; an id repeated across them and a broken line in the middle one
        rows = [dict(a, id=f"s{k}-{i}" if i != 1 else "dup") for i, a in enumerate(ARTICLES * 2)]
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + ("{not json\n" if k == 1 else "")
        (shards / f"part-{k}.jsonl").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    snapshots, problems = {}, {}
    for name, kw in (("jobs1", {"jobs": 1}), ("dask", {"engine": "dask", "jobs": 2})):
        result = run_compare(options(shards / "*.jsonl", out, events=True, **kw))
        snapshots[name] = _comparable(out)
        problems[name] = [(p.source, p.reason, p.doc_id) for p in result.problems]
    assert [(Path(s).name, r, d) for s, r, d in problems["dask"]] == [
        ("part-1.jsonl", "duplicate id", "dup~2"), ("part-1.jsonl", "malformed row", None),
        ("part-2.jsonl", "duplicate id", "dup~3")]
    assert problems["dask"] == problems["jobs1"]
    differ = sorted(k for k in snapshots["jobs1"] if snapshots["jobs1"][k] != snapshots["dask"].get(k))
    assert snapshots["dask"].keys() == snapshots["jobs1"].keys() and not differ, differ


def _dask_children() -> list:
    import psutil

    procs = []
    for p in psutil.Process().children(recursive=True):
        try:
            cmd = " ".join(p.cmdline())  # the pool's workers are forks of the forkserver (same command)
            helper = "resource_tracker" in cmd or ("forkserver" in cmd and p.ppid() == os.getpid())
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE and not helper:
                procs.append(p)  # a worker or nanny, not multiprocessing's own per-process helpers
        except psutil.Error:
            continue
    return procs


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["dask", "local"])
def test_workers_started_during_the_scan_are_stopped_when_the_scan_is_interrupted(corpus, tmp_path, monkeypatch,
                                                                                  engine):
    """The Dask cluster, or the local pool with ``--jobs 2``, starts while the corpus is scanned;
    a Ctrl-C in the scan stops it (no worker left running) and leaves no complete-looking output."""
    import psutil

    from framing import pipeline

    seen = []

    def interrupted_scan(c):
        deadline = time.time() + 30  # the workers are starting meanwhile
        while time.time() < deadline and len({p.pid for p in _dask_children()} - before) < 2:
            time.sleep(0.1)
        seen.append(len({p.pid for p in _dask_children()} - before))
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "_scan", interrupted_scan)
    before = {p.pid for p in _dask_children()}
    with pytest.raises(KeyboardInterrupt):
        run_compare(options(corpus, tmp_path / "out", engine=engine, jobs=2))
    deadline = time.time() + 20
    while time.time() < deadline and {p.pid for p in _dask_children()} - before:
        time.sleep(0.2)
    assert seen[0] >= 2  # two workers (and, on Dask, their nannies) were up during the scan
    left = [p for p in _dask_children() if p.pid not in before]
    assert not left, [p.cmdline()[-3:] for p in left if p.is_running()]
    assert not (tmp_path / "out" / "run.json").exists()
    assert psutil.Process().num_threads() < 50  # the client's threads are gone too


@pytest.mark.slow
def test_a_started_map_that_is_never_iterated_closes_its_cluster(corpus):
    from framing.corpus import load_corpus
    from framing.engine import map_corpus

    spec = RunSpec.from_lexicons(load_lexicons(None), topics=False, events=False)
    before = {p.pid for p in _dask_children()}
    mapped = map_corpus(load_corpus(corpus, outlet_field="source"), spec, engine="dask", jobs=2)
    mapped.start()
    client, cluster = mapped._started.result(timeout=60)
    assert len(client.scheduler_info()["workers"]) == 2
    mapped.close()
    assert cluster.status.name == "closed"
    deadline = time.time() + 20
    while time.time() < deadline and {p.pid for p in _dask_children()} - before:
        time.sleep(0.2)
    assert not {p.pid for p in _dask_children()} - before


@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_line_naming_it(corpus, tmp_path):
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    proc = subprocess.run([sys.executable, "-m", "framing", "compare", str(corpus), "--outlet-field", "source",
                           "--no-topics", "--engine", "dask", "--scheduler", address, "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert f"cannot reach the Dask scheduler {address}" in proc.stderr
    assert not (tmp_path / "out" / "run.json").exists()


def test_documents_sent_to_a_worker_come_back_equal():
    """A batch travels as tuples of fields (spans and metadata too) and is rebuilt unchanged."""
    import pickle

    from framing.engine import _pack_docs, _unpack_docs
    from framing.records import Span

    docs = [Document("a1", "قالت <b>الوزارة</b> إن", outlet="الأهرام", date="2013-02-02", title="عنوان",
                     source="f.jsonl:3", excluded=(Span(5, 8, "html"), Span(15, 19, "html")),
                     meta=(("crawl_time", "2013-02-02 10:00"),)),
            Document("b1", "نص بلا وسوم", language="en")]
    rows = pickle.loads(pickle.dumps(_pack_docs(docs)))
    assert all(type(r) is tuple for r in rows)
    back = _unpack_docs(rows)
    assert back == docs and back[0].masked_text == docs[0].masked_text
    assert back[0].excluded[1] == Span(15, 19, "html")
