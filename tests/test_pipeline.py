"""End to end on the seed corpus: offsets, outlet comparison, determinism, provenance in
run.json, --from-run, interrupted runs and error paths."""

from __future__ import annotations

import csv
import filecmp
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest

from framing.corpus import load_corpus
from framing.pipeline import CompareOptions, run_compare
from tests.conftest import ROOT

#: end-to-end runs of the whole pipeline: the slow tier (CI runs every tier)
pytestmark = pytest.mark.slow

LEXICONS = ROOT / "lexicons"


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def seed_texts(corpus: Path) -> dict[str, str]:
    """Each seed document's text, read here (UTF-8, line ends normalized) by its doc_id."""
    return {p.stem: p.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
            for p in sorted(corpus.glob("*.txt"))}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def csv_names(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.csv"))


def assert_same_csvs(a: Path, b: Path) -> None:
    names = csv_names(a)
    assert len(names) >= 10
    assert names == csv_names(b)
    _match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert not mismatch and not errors, f"CSV files differ: {mismatch or errors}"


@pytest.fixture(scope="module")
def seeds_copy(tmp_path_factory, seeds_dir) -> Path:
    corpus = tmp_path_factory.mktemp("corpus") / "seeds"
    shutil.copytree(seeds_dir, corpus)
    return corpus


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, seeds_copy) -> Path:
    out = tmp_path_factory.mktemp("runs") / "run1"
    return run_compare(CompareOptions(corpus=str(seeds_copy), out=str(out), topics=True)).out_dir


@pytest.fixture(scope="module")
def second_run(tmp_path_factory, seeds_copy) -> Path:
    out = tmp_path_factory.mktemp("runs") / "run2"
    return run_compare(CompareOptions(corpus=str(seeds_copy), out=str(out), topics=True)).out_dir


# --- (a) offsets -----------------------------------------------------------------------------


def test_hit_offsets_slice_the_original_text(seed_run, seeds_copy):
    texts = seed_texts(seeds_copy)
    hits = read_rows(seed_run / "hits.csv")
    assert len(hits) > 100
    assert {h["doc_id"] for h in hits} == set(texts)
    titles = {d["doc_id"]: d["title"] for d in read_rows(seed_run / "documents.csv")}
    for h in hits:  # offsets index the field the hit is in (the text, or the title)
        text = texts[h["doc_id"]] if h["field"] == "text" else titles[h["doc_id"]]
        start, end = int(h["start"]), int(h["end"])
        s_start, s_end = int(h["sentence_start"]), int(h["sentence_end"])
        assert text[start:end] == h["matched"], h
        assert text[s_start:s_end] == h["sentence"], h
        assert s_start <= start < end <= s_end


def test_term_evidence_and_attribution_offsets(seed_run, seeds_copy):
    texts = seed_texts(seeds_copy)
    evidence = read_rows(seed_run / "term_evidence.csv")
    assert evidence
    for row in evidence:
        text = texts[row["doc_id"]]
        assert text[int(row["start"]):int(row["end"])] == row["matched"]
        assert text[int(row["sentence_start"]):int(row["sentence_end"])] == row["sentence"]
    attributions = read_rows(seed_run / "attributions.csv")
    assert attributions
    titles = {d["doc_id"]: d["title"] for d in read_rows(seed_run / "documents.csv")}
    for a in attributions:
        text = texts[a["doc_id"]] if a["field"] == "text" else titles[a["doc_id"]]
        assert text[int(a["quote_start"]):int(a["quote_end"])] == a["quote_text"], a
        if int(a["speaker_start"]) >= 0:
            assert a["speaker"], a


# --- (b) outlet comparison -------------------------------------------------------------------


def test_occupation_wording_scores_lower_than_neutral_wording(seed_run):
    outlets = {r["outlet"]: r for r in read_rows(seed_run / "outlets.csv")}
    blog, neutral = outlets["مدونة هادي العبد الله"], outlets["unnamed outlet (003)"]
    for actor in ("russia", "syrian_government"):
        assert float(blog[f"stance:{actor}"]) < float(neutral[f"stance:{actor}"]), actor
    # the evidence behind it: the blog's own words and the other outlet's
    hits = read_rows(seed_run / "hits.csv")
    blog_terms = {h["term"] for h in hits if h["doc_id"].startswith("000_") and h["voice"] == "authorial"}
    assert {"الاحتلال الروسي", "قوات النظام"} <= blog_terms
    assert "الجيش السوري" in {h["term"] for h in hits if h["doc_id"].startswith("003_")}


# --- (c) determinism -------------------------------------------------------------------------


def test_a_second_run_writes_byte_identical_csvs(seed_run, second_run):
    assert_same_csvs(seed_run, second_run)


# --- (d) provenance in run.json --------------------------------------------------------------


def test_run_json_records_lexicons_corpus_seed_and_versions(seed_run, seeds_copy):
    manifest = json.loads((seed_run / "run.json").read_text(encoding="utf-8"))
    recorded = {Path(lx["path"]).name: lx["sha256"] for lx in manifest["lexicons"]}
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(LEXICONS.glob("*.yaml"))}
    assert on_disk and recorded == on_disk
    fingerprint = manifest["corpus"]["fingerprint"]
    assert len(fingerprint) == 64 and fingerprint == load_corpus(seeds_copy).fingerprint()
    assert manifest["seed"] == 42 and manifest["options"]["seed"] == 42
    versions = manifest["versions"]
    assert versions["python"] == platform.python_version()
    for package in ("framing", "pandas", "numpy", "scikit-learn"):
        assert versions[package] == version(package), package


def test_corpus_fingerprint_follows_the_bytes(seeds_copy, tmp_path):
    copy = tmp_path / "seeds"
    shutil.copytree(seeds_copy, copy)
    before = load_corpus(copy).fingerprint()
    path = copy / "003_a28b00397c7848ac.txt"
    path.write_bytes(path.read_bytes() + b" ")
    assert load_corpus(copy).fingerprint() != before


def test_run_json_checksums_match_the_written_files(seed_run):
    manifest = json.loads((seed_run / "run.json").read_text(encoding="utf-8"))
    files = manifest["files"]
    assert {"hits.csv", "attributions.csv", "excluded.csv", "documents.csv"} <= set(files)
    for name, digest in files.items():
        assert hashlib.sha256((seed_run / name).read_bytes()).hexdigest() == digest, name


# --- (e) --from-run --------------------------------------------------------------------------


def test_from_run_reproduces_the_csvs(seed_run, tmp_path):
    other = tmp_path / "replay"
    proc = subprocess.run([sys.executable, "-m", "framing", "compare", "--from-run", str(seed_run / "run.json"),
                           "--out", str(other), "--no-progress"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert_same_csvs(seed_run, other)
    replay = json.loads((other / "run.json").read_text(encoding="utf-8"))
    original = json.loads((seed_run / "run.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in replay["options"].items() if k != "out"} == \
        {k: v for k, v in original["options"].items() if k != "out"}


# --- (f) interrupted runs --------------------------------------------------------------------


def _start_and_wait_for_partial(corpus: Path, out: Path) -> tuple[subprocess.Popen, Path]:
    def default_sigint():  # a Python child only turns SIGINT into KeyboardInterrupt if it is not ignored
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    proc = subprocess.Popen([sys.executable, "-m", "framing", "compare", str(corpus), "--out", str(out),
                             "--overwrite", "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, preexec_fn=default_sigint)
    partial = out.parent / f"{out.name}.incomplete-{proc.pid}"
    deadline = time.monotonic() + 180
    while not partial.exists():
        if proc.poll() is not None:
            _out, err = proc.communicate()
            pytest.fail(f"the run ended (exit {proc.returncode}) before its partial folder appeared: {err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("no partial output folder after 180 s")
        time.sleep(0.02)
    return proc, partial


@pytest.fixture()
def previous_output(seed_run, tmp_path) -> tuple[Path, dict[str, bytes]]:
    """X holds a complete output from a first run."""
    out = tmp_path / "X"
    shutil.copytree(seed_run, out)
    return out, snapshot(out)


def test_sigkill_mid_run_keeps_the_previous_output(previous_output, seeds_copy):
    out, before = previous_output
    proc, partial = _start_and_wait_for_partial(seeds_copy, out)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(out) == before
    assert not (out / "INCOMPLETE").exists()
    leftovers = list(out.parent.glob("X.incomplete-*"))
    assert leftovers == [partial]
    assert (partial / "INCOMPLETE").is_file()


def test_ctrl_c_mid_run_exits_130_and_keeps_the_previous_output(previous_output, seeds_copy):
    out, before = previous_output
    proc, partial = _start_and_wait_for_partial(seeds_copy, out)
    time.sleep(0.5)  # well inside the run
    proc.send_signal(signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1 and "interrupted" in stderr
    assert snapshot(out) == before
    assert not partial.exists()  # Ctrl-C removes the partial folder (a SIGKILLed one: the next run does)
    assert list(out.parent.glob("X.incomplete-*")) == []


# --- (g) voice -------------------------------------------------------------------------------


def test_quoted_terms_are_reported_speech_and_narration_is_authorial(seed_run, seeds_copy):
    texts = seed_texts(seeds_copy)
    hits = read_rows(seed_run / "hits.csv")
    attributions = {(a["doc_id"], a["attribution_id"]): a for a in read_rows(seed_run / "attributions.csv")}
    quoted = [h for h in hits if h["term"] == "التشكيلات الإرهابية"]
    assert {h["doc_id"][:3] for h in quoted} == {"002", "004"}
    for h in quoted:
        assert h["voice"] == "reported", h
        assert h["speaker"] == "الكرملين" and h["source_type"] == "russian_official"
        # inside the quotation marks of the Kremlin statement, and inside its attribution span
        text, start, end = texts[h["doc_id"]], int(h["start"]), int(h["end"])
        opening = max(text.rfind("“", 0, start), text.rfind('"', 0, start))
        closing = min(i for i in (text.find("”", end), text.find('"', end)) if i >= 0)
        assert opening >= 0 and "\n" not in text[opening:closing]
        assert "بيان" in text[text.rfind("\n", 0, opening) + 1:opening]  # "(حسب|بحسب) (ال)بيان ..."
        a = attributions[(h["doc_id"], h["attribution_id"])]
        assert int(a["quote_start"]) <= start and end <= int(a["quote_end"])
    narration = [h for h in hits if h["doc_id"].startswith("000_") and h["term"] == "قوات النظام"]
    assert len(narration) == 2
    for h in narration:
        assert h["voice"] == "authorial" and h["speaker"] == "" and h["attribution_id"] == ""


# --- (h) error path --------------------------------------------------------------------------


def test_empty_folder_is_a_one_line_error_without_output(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "framing", "compare", str(empty), "--out", str(out),
                           "--no-progress"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0
    err = proc.stderr.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1 and err.startswith("framing: error:") and str(empty) in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
    assert os.listdir(empty) == []


# --- (i) term evidence from the packed texts ---------------------------------------------------


def test_term_evidence_finds_written_forms_with_diacritics_and_clitics():
    import pandas as pd

    from framing.evidence import term_evidence_from_texts

    texts = {
        "d1": "قصفت القُوّاتُ المدينة.\nوقال شاهد إن والقوات انسحبت مساءً.",
        "d2": "لا ذكر هنا للكلمة.",
        "d3": "وصلت القــوات إلى الحي.",
    }
    docs = [(doc_id, "A", (lambda t=text: t)) for doc_id, text in texts.items()]
    terms = pd.DataFrame({"outlet": ["A"], "term": ["القوات"]})
    ev = term_evidence_from_texts(iter(docs), terms, per_term=5)
    assert ev["doc_id"].tolist() == ["d1", "d1", "d3"]
    for row in ev.to_dict("records"):
        text = texts[row["doc_id"]]
        assert text[row["start"]:row["end"]] == row["matched"]
        assert text[row["sentence_start"]:row["sentence_end"]] == row["sentence"]
    assert ev["matched"].tolist() == ["القُوّاتُ", "والقوات", "القــوات"]
    assert term_evidence_from_texts(iter(docs), terms, per_term=1)["doc_id"].tolist() == ["d1"]


def test_release_memory_hands_freed_heap_back_to_the_system():  # glibc (Linux, as CI)
    import psutil

    from framing.pipeline import release_memory

    def rss() -> int:
        return psutil.Process().memory_info().rss

    blocks = [bytes(4000) for _ in range(50_000)]  # 200 MB of heap blocks (below the mmap threshold)
    keep = bytes(4000)  # a block after them: free() alone cannot shrink the heap from its top
    del blocks
    before = rss()
    release_memory()
    assert before - rss() > 100 * 2**20
    assert len(keep) == 4000
