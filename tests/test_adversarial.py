"""End to end on broken inputs (tests/data/adversarial, see its README): the run completes,
every problem is reported with its reason, no document is lost, markup is never scored,
--strict refuses the input cleanly, and a ~10 MB document goes through.
"""

from __future__ import annotations

import csv
import filecmp
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from framing.corpus import split_text
from framing.errors import StrictModeError
from framing.lexicon import Matcher, load_lexicons
from framing.pipeline import CompareOptions, run_compare
from tests.conftest import DATA, ROOT

#: end-to-end runs of the whole pipeline: the slow tier (CI runs every tier)
pytestmark = pytest.mark.slow

ADV = DATA / "adversarial"
FOLDER = ADV / "folder"
JSONL = ADV / "records.jsonl"
CSV_FILE = ADV / "records.csv"
CORPORA = {"folder": FOLDER, "jsonl": JSONL, "csv": CSV_FILE}

# (file, line, doc_id, action, reason) of every problem each corpus must report
EXPECTED_PROBLEMS = {
    "folder": [
        ("03_cp1256.txt", None, "03_cp1256", "altered", "guessed encoding"),
        ("04_html.txt", None, "04_html", "excluded", "html markup"),
        ("05_nul.txt", 3, "05_nul", "altered", "NUL characters"),
        ("07_empty.txt", None, "07_empty", "skipped", "empty document"),
        ("08_whitespace.txt", None, "08_whitespace", "skipped", "empty document"),
        ("09_english.txt", None, "09_english", "skipped", "unsupported language"),
        ("10_undecodable.txt", None, "10_undecodable", "skipped", "cannot decode"),
        ("11_missing_outlet.txt", None, "11_missing_outlet", "altered", "missing outlet"),
        ("12_duplicate_id.txt", None, "alpha~2", "altered", "duplicate id"),
        ("13_not_in_manifest.txt", None, "13_not_in_manifest", "altered", "not in manifest"),
    ],
    "jsonl": [
        ("records.jsonl", 2, "j2", "excluded", "html markup"),
        ("records.jsonl", 3, None, "skipped", "malformed row"),
        ("records.jsonl", 4, None, "skipped", "malformed row"),
        ("records.jsonl", 6, "j1~2", "altered", "duplicate id"),
        ("records.jsonl", 7, "j7", "altered", "missing outlet"),
        ("records.jsonl", 8, "j8", "altered", "missing outlet"),
        ("records.jsonl", 9, "j9", "altered", "missing outlet"),
        ("records.jsonl", 10, "j10", "skipped", "empty document"),
        ("records.jsonl", 11, "j11", "skipped", "empty document"),
        ("records.jsonl", 12, "j12", "skipped", "missing text"),
        ("records.jsonl", 13, "j13", "skipped", "unsupported language"),
        ("records.jsonl", 14, "j14", "altered", "NUL characters"),
        ("records.jsonl", 16, "j16", "skipped", "malformed row"),
    ],
    "csv": [
        ("records.csv", 3, "c2", "excluded", "html markup"),
        ("records.csv", 6, None, "skipped", "malformed row"),
        ("records.csv", 7, None, "skipped", "malformed row"),
        ("records.csv", 8, "c1~2", "altered", "duplicate id"),
        ("records.csv", 9, "c6", "altered", "missing outlet"),
        ("records.csv", 10, "c7", "skipped", "empty document"),
        ("records.csv", 11, "c8", "skipped", "unsupported language"),
        ("records.csv", 12, None, "skipped", "malformed row"),
        ("records.csv", 13, "c10", "altered", "NUL characters"),
    ],
}

# (doc_id, outlet) of every analysed document
EXPECTED_DOCUMENTS = {
    "folder": {("alpha", "وكالة الشمال"), ("02_utf16", "صحيفة الساحل"), ("03_cp1256", "صحيفة الساحل"),
               ("04_html", "وكالة الشمال"), ("05_nul", "موقع الوادي"), ("06_line_endings", "موقع الوادي"),
               ("11_missing_outlet", "unknown"), ("alpha~2", "موقع الوادي"), ("13_not_in_manifest", "unknown")},
    "jsonl": {("j1", "وكالة الشمال"), ("j2", "صحيفة الساحل"), ("j1~2", "موقع الوادي"), ("j7", "unknown"),
              ("j8", "unknown"), ("j9", "unknown"), ("j14", "موقع الوادي"), ("j15", "موقع الوادي"),
              ("j17", "صحيفة الساحل")},
    "csv": {("c1", "وكالة الشمال"), ("c2", "صحيفة الساحل"), ("c1~2", "موقع الوادي"), ("c6", "unknown"),
            ("c10", "موقع الوادي"), ("c11", "صحيفة الساحل")},
}

# how each folder file is encoded (to decode it here without the library)
FOLDER_ENCODING = {"02_utf16.txt": "utf-16", "03_cp1256.txt": "cp1256"}
FOLDER_DOC_FILE = {"alpha": "01_clean.txt", "alpha~2": "12_duplicate_id.txt"}

SCRIPT_RE = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
# markup in the fixtures: elements whose content is not text, comments, tags, entities
MARKUP_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<![^>]*>|</?[A-Za-z][^>]*>|&[a-z]+;",
                       re.S | re.I)


def input_documents(kind: str) -> int:
    """Input documents counted from the fixture files themselves (not by the library)."""
    if kind == "folder":
        return sum(1 for p in FOLDER.iterdir() if p.suffix == ".txt")
    if kind == "jsonl":
        return sum(1 for line in JSONL.read_bytes().split(b"\n") if line.strip())
    # every CSV record starts a line with its id c<N>, (continuation lines of a quoted text do not)
    return sum(1 for line in CSV_FILE.read_text(encoding="utf-8").split("\n") if re.match(r"c\d+,", line))


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def problem_key(row: dict) -> tuple:
    line = row.get("line")
    line = int(line) if line not in (None, "") else None
    doc_id = row.get("doc_id") or None
    return (Path(row["source"]).name, line, doc_id, row["action"], row["reason"])


def folder_text(doc_id: str) -> str:
    """A folder document's text as the loader must produce it: decoded, line ends normalized,
    NUL characters replaced by spaces."""
    name = FOLDER_DOC_FILE.get(doc_id, doc_id + ".txt")
    text = (FOLDER / name).read_bytes().decode(FOLDER_ENCODING.get(name, "utf-8"))
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", " ")


def blank_markup(text: str) -> str:
    return MARKUP_RE.sub(lambda m: " " * len(m.group()), text)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """One library run per adversarial corpus (topics off to keep it fast; events on)."""
    base = tmp_path_factory.mktemp("adversarial")
    out = {}
    for kind, corpus in CORPORA.items():
        result = run_compare(CompareOptions(corpus=str(corpus), out=str(base / kind), topics=False))
        out[kind] = result.out_dir
    return out


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("adversarial-cli") / "folder"
    proc = subprocess.run([sys.executable, "-m", "framing", "compare", str(FOLDER), "--out", str(out),
                           "--no-topics", "--no-progress"], capture_output=True, text=True, cwd=ROOT)
    return proc, out


KINDS = list(CORPORA)


@pytest.mark.parametrize("kind", KINDS)
def test_the_run_completes(runs, kind):
    out = runs[kind]
    assert out.is_dir() and not (out / "INCOMPLETE").exists()
    assert not list(out.parent.glob(f"{out.name}.incomplete-*"))
    for name in ("run.json", "documents.csv", "hits.csv", "problems.csv", "outlets.csv", "attributions.csv",
                 "excluded.csv", "events.csv", "report.md", "report.html"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["corpus"]["documents_analysed"] == len(EXPECTED_DOCUMENTS[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_every_problem_is_listed_with_its_reason(runs, kind):
    out = runs[kind]
    expected = sorted(EXPECTED_PROBLEMS[kind], key=repr)
    rows = read_rows(out / "problems.csv")
    assert sorted((problem_key(r) for r in rows), key=repr) == expected
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert sorted((problem_key(p) for p in manifest["problems"]), key=repr) == expected
    assert manifest["problems_total"] == len(expected)
    # every problem has a detail a person can act on, except for plainly empty documents
    for r in rows:
        assert r["detail"] or r["reason"] == "empty document", r


@pytest.mark.parametrize("kind", KINDS)
def test_documents_in_equal_analysed_plus_skipped(runs, kind):
    out = runs[kind]
    documents = read_rows(out / "documents.csv")
    skipped = [r for r in read_rows(out / "problems.csv") if r["action"] == "skipped"]
    n_in = input_documents(kind)
    assert n_in == {"folder": 13, "jsonl": 16, "csv": 11}[kind]
    assert len(documents) + len(skipped) == n_in
    assert {(d["doc_id"], d["outlet"]) for d in documents} == EXPECTED_DOCUMENTS[kind]
    corpus = json.loads((out / "run.json").read_text(encoding="utf-8"))["corpus"]
    assert corpus["documents_in"] == n_in
    assert corpus["documents_analysed"] == len(documents)
    assert corpus["documents_skipped"] == len(skipped)
    # no analysed document is also reported as skipped
    assert not {d["doc_id"] for d in documents} & {r["doc_id"] for r in skipped}


@pytest.mark.parametrize("kind", KINDS)
def test_script_never_reaches_the_hits_and_markup_is_counted(runs, kind):
    out = runs[kind]
    hits_bytes = (out / "hits.csv").read_bytes()
    assert b"<script" not in hits_bytes and b"alert(1)" not in hits_bytes
    assert b"alert(1)" not in (out / "term_evidence.csv").read_bytes()
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["excluded_spans"].get("html", 0) > 0
    html_doc = {"folder": "04_html", "jsonl": "j2", "csv": "c2"}[kind]
    (row,) = [d for d in read_rows(out / "documents.csv") if d["doc_id"] == html_doc]
    assert int(row["excluded_chars"]) >= len("<script>alert(1)</script>")


def test_markup_is_not_scored_and_offsets_are_kept(runs):
    out = runs["folder"]
    text = folder_text("04_html")
    hits = [h for h in read_rows(out / "hits.csv") if h["doc_id"] == "04_html"]
    # the <script>, <style>, <title> and comment text holds lexicon terms too: only the
    # paragraph's words count
    terms = sorted(h["term"] for h in hits)
    assert terms.count("قوات النظام") == 1 and terms.count("الاحتلال الروسي") == 1
    paragraph = text.index("<p>")
    markup = [(m.start(), m.end()) for m in MARKUP_RE.finditer(text)]
    assert any(text[a:b] == "<script>alert(1)</script>" for a, b in markup)
    for h in hits:
        start, end = int(h["start"]), int(h["end"])
        assert start > paragraph
        assert text[start:end] == h["matched"]
        assert not any(a < end and start < b for a, b in markup), h
        # the evidence sentence: the original sentence with markup blanked, same offsets
        s, e = int(h["sentence_start"]), int(h["sentence_end"])
        assert h["sentence"] == blank_markup(text)[s:e]
    inline = next(h for h in hits if h["term"] == "قوات النظام")
    assert "alert" in text[int(inline["sentence_start"]):int(inline["sentence_end"])]  # it was in the sentence


def test_decoded_texts_and_offsets(runs):
    """UTF-16, Windows-1256, NUL bytes and mixed line ends: offsets index the decoded text."""
    out = runs["folder"]
    documents = {d["doc_id"]: d for d in read_rows(out / "documents.csv")}
    hits = read_rows(out / "hits.csv")
    for doc_id, doc in documents.items():
        text = folder_text(doc_id)
        assert int(doc["chars"]) == len(text), doc_id
        assert int(doc["tokens"]) > 15, doc_id
        doc_hits = [h for h in hits if h["doc_id"] == doc_id]
        assert doc_hits, f"no lexicon hit in {doc_id}"
        for h in doc_hits:
            assert text[int(h["start"]):int(h["end"])] == h["matched"]
            if doc_id != "04_html":
                assert text[int(h["sentence_start"]):int(h["sentence_end"])] == h["sentence"]
            assert "\r" not in h["sentence"] and "\x00" not in h["sentence"]
    cp1256 = {h["matched"] for h in hits if h["doc_id"] == "03_cp1256"}
    assert "قوات النظام" in cp1256 and "لقوات النظام" in cp1256
    utf16 = {h["matched"] for h in hits if h["doc_id"] == "02_utf16"}
    assert "موسكو" in utf16 or "تركيا" in utf16
    # the mixed line ends split sentences where the \r was
    mixed = [h for h in hits if h["doc_id"] == "06_line_endings"]
    assert {h["sentence"].split()[0] for h in mixed} >= {"وتواصل", "أجرى"}


def test_cli_run_matches_the_library_run(runs, cli_run):
    proc, out = cli_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "9 documents analysed, 4 skipped, 10 input problems" in proc.stdout
    lib = runs["folder"]
    names = sorted(p.name for p in lib.glob("*.csv"))
    assert names == sorted(p.name for p in out.glob("*.csv"))
    _match, mismatch, errors = filecmp.cmpfiles(lib, out, names, shallow=False)
    assert not mismatch and not errors, mismatch


def test_strict_refuses_with_one_line_and_no_output(tmp_path):
    out = tmp_path / "strict"
    proc = subprocess.run([sys.executable, "-m", "framing", "compare", str(FOLDER), "--out", str(out), "--strict",
                           "--no-topics", "--no-events", "--no-charts", "--no-progress"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0
    err = proc.stderr.strip()
    assert "Traceback" not in proc.stderr
    assert len(err.splitlines()) == 1, err
    assert err.startswith("framing: error:") and "10 input problem(s) found" in err
    assert not out.exists()
    for partial in tmp_path.glob("strict.incomplete-*"):
        assert (partial / "INCOMPLETE").is_file()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("strict.incomplete-")] == []


def test_strict_in_the_library_raises(tmp_path):
    with pytest.raises(StrictModeError, match=r"13 input problem\(s\) found"):
        run_compare(CompareOptions(corpus=str(JSONL), out=str(tmp_path / "o"), strict=True, topics=False,
                                   events=False, charts=False, html=False))
    assert not (tmp_path / "o").exists()


def test_ten_megabyte_document_is_processed(tmp_path):
    paragraphs = [line.strip() for f in sorted((ROOT / "seeds").glob("0*.txt"))
                  for line in f.read_text(encoding="utf-8").split("\n") if len(line.strip()) > 80]
    block = "\n\n".join(paragraphs) + "\n\n"
    text = block * (10_000_000 // len(block.encode("utf-8")) + 1)
    assert len(text.encode("utf-8")) >= 10_000_000
    corpus = tmp_path / "big"
    corpus.mkdir()
    (corpus / "huge.txt").write_text(text, encoding="utf-8")
    (corpus / "small.txt").write_text(paragraphs[0] + "\n", encoding="utf-8")
    (corpus / "manifest.csv").write_text("file,outlet\nhuge.txt,كبير\nsmall.txt,صغير\n", encoding="utf-8")
    result = run_compare(CompareOptions(corpus=str(corpus), out=str(tmp_path / "out"), topics=False,
                                        events=False))
    documents = {d["doc_id"]: d for d in read_rows(result.out_dir / "documents.csv")}
    # over the default bound of 2,000,000 characters: split into parts at paragraph ends, listed
    parts = [f"huge#{k}" for k in (1, 2, 3)]
    assert set(documents) == {"small", *parts}
    pieces = split_text(text, 2_000_000)
    assert "".join(pieces) == text and all(p.endswith("\n") for p in pieces)
    assert [int(documents[p]["chars"]) for p in parts] == [len(p) for p in pieces]
    problems = [r for r in read_rows(result.out_dir / "problems.csv") if r["reason"] == "split document"]
    assert [(r["doc_id"], r["action"]) for r in problems] == [("huge#1", "altered")]
    # every repetition of the block was matched: nothing was cut off or lost at a cut
    matcher = Matcher([lx for lx in load_lexicons() if lx.kind == "framing"])
    per_block = len(matcher.find(block))
    n_blocks = text.count(block)
    huge = [h for h in read_rows(result.out_dir / "hits.csv") if h["doc_id"] in parts]
    assert per_block > 0 and len(huge) == per_block * n_blocks
    assert sum(int(documents[p]["hits"]) + int(documents[p]["hits_reported"]) for p in parts) == len(huge)
    for h in huge:
        piece = pieces[parts.index(h["doc_id"])]
        assert piece[int(h["start"]):int(h["end"])] == h["matched"]
    last = [h for h in huge if h["doc_id"] == parts[-1]]
    assert int(last[-1]["end"]) > len(pieces[-1]) - len(block)
