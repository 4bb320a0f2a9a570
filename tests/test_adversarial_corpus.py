"""Hostile corpus inputs (issue 11): honest decoding, every file of a folder accounted for,
guarded opening (FIFOs, devices, links, unreadable files), and bounds on sizes and nesting.

Fixtures are written here, in tmp_path; big or binary ones are generated on the fly.
Anything that could hang or eat the machine's memory on a broken loader runs in a child
process with an address-space limit and a timeout.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from framing.corpus import decode_bytes, load_corpus
from framing.errors import CorpusError
from framing.records import PROBLEM_KINDS, Problem
from tests.conftest import ROOT

# Sentences written for these tests (not corpus text).
AR1 = "أعلنت البلدية صباح اليوم افتتاح جسر جديد فوق النهر بعد عامين من العمل المتواصل."
AR2 = "وقال رئيس البلدية إن الجسر سيخفف الازدحام في وسط المدينة ويختصر الطريق إلى السوق."
AR3 = "وأضاف أن المرحلة الثانية من المشروع تبدأ في الربيع المقبل وتشمل طرقا فرعية."
ARTICLE = AR1 + "\n" + AR2 + "\n" + AR3 + "\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def problems_by_file(corpus) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = {}
    for p in corpus.problems:
        out.setdefault(Path(p.source).name, []).append(p)
    return out


def run_limited(code: str, *, memory_mb: int = 1500, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run ``code`` in a child Python with an address-space limit (a loader that reads
    without bound gets a MemoryError there instead of taking the machine's memory)."""
    prelude = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory_mb} << 20, {memory_mb} << 20))\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
    )
    return subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def gzip_of_zeros(path: Path, gib: int, *, prefix: bytes = b"") -> Path:
    """A small gzip file (concatenated members) that expands to ``gib`` GiB of zeros."""
    member = gzip.compress(b"\0" * (1 << 20), compresslevel=9)
    with open(path, "wb") as fh:
        if prefix:
            fh.write(gzip.compress(prefix))
        for _ in range(gib * 1024):
            fh.write(member)
    return path


# --------------------------------------------------------------------------- decoding


def test_one_bad_byte_in_a_short_utf8_article_stays_utf8_and_is_listed_with_its_offset(tmp_path):
    good = AR1.encode("utf-8")
    cut = good.index(b" ", 30)  # a character boundary
    data = good[:cut] + b"\xff" + good[cut:]
    write(tmp_path / "a.txt", data)
    corpus = load_corpus(tmp_path)
    (doc,) = list(corpus)
    # read as UTF-8: the words are intact around one replacement character, no mojibake
    assert doc.text == good[:cut].decode("utf-8") + "\ufffd" + good[cut:].decode("utf-8")
    (problem,) = [p for p in corpus.problems if p.reason == "undecodable bytes"]
    assert problem.action == "altered" and problem.doc_id == "a"
    assert f"byte offset {cut} " in problem.detail
    assert not [p for p in corpus.problems if p.reason == "guessed encoding"]


def test_damaged_utf8_is_never_read_as_windows_1256_mojibake(tmp_path):
    # every Arabic letter lost its second byte: what is left decodes "as Windows-1256" into
    # letters ط/ظ, which is not Arabic text
    damaged = bytes(b for i, b in enumerate(ARTICLE.encode("utf-8")) if not (0x80 <= b <= 0xBF))
    write(tmp_path / "damaged.txt", damaged)
    write(tmp_path / "good.txt", ARTICLE)
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus] == ["good"]
    (problem,) = problems_by_file(corpus)["damaged.txt"]
    assert (problem.reason, problem.action) == ("cannot decode", "skipped")


def test_a_windows_1256_file_is_decoded_whole_and_the_choice_is_listed(tmp_path):
    write(tmp_path / "legacy.txt", ARTICLE.encode("cp1256"))
    corpus = load_corpus(tmp_path)
    (doc,) = list(corpus)
    assert doc.text == ARTICLE
    (problem,) = [p for p in corpus.problems if p.reason == "guessed encoding"]
    assert problem.doc_id == "legacy" and problem.action == "altered"
    assert "windows-1256" in problem.detail.lower()


def test_a_code_page_is_chosen_only_when_it_decodes_the_whole_file_plausibly(tmp_path):
    legacy = (ARTICLE * 400).encode("cp1256")
    assert len(legacy) > 65536
    assert decode_bytes(legacy) == (ARTICLE * 400, "cp1256")
    # Arabic in Windows-1256 for the first 64 KB, then binary junk: no code page reads it all
    junk = bytes(range(0, 32)) * 2000
    write(tmp_path / "half.txt", legacy + junk)
    write(tmp_path / "good.txt", ARTICLE)
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus] == ["good"]
    (problem,) = problems_by_file(corpus)["half.txt"]
    assert (problem.reason, problem.action) == ("cannot decode", "skipped")


def test_record_file_with_one_bad_byte_is_read_as_utf8(tmp_path):
    lines = [json.dumps({"id": "r1", "outlet": "صحيفة النهر", "text": AR1}, ensure_ascii=False).encode(),
             json.dumps({"id": "r2", "outlet": "صحيفة النهر", "text": AR2}, ensure_ascii=False).encode()]
    lines[1] = lines[1][:60] + b"\xc3" + lines[1][60:]
    write(tmp_path / "r.jsonl", b"\n".join(lines) + b"\n")
    corpus = load_corpus(tmp_path / "r.jsonl")
    docs = {d.doc_id: d for d in corpus}
    assert docs["r1"].text == AR1
    assert "\ufffd" in docs["r2"].text and "البلدية" in docs["r2"].text
    assert [(p.reason, p.doc_id, p.line) for p in corpus.problems] == [("undecodable bytes", "r2", 2)]


def test_a_windows_1256_record_file_is_listed_as_a_guess(tmp_path):
    text = json.dumps({"id": "w1", "outlet": "صحيفة النهر", "text": ARTICLE}, ensure_ascii=False) + "\n"
    write(tmp_path / "w.jsonl", text.encode("cp1256"))
    corpus = load_corpus(tmp_path / "w.jsonl")
    (doc,) = list(corpus)
    assert doc.text == ARTICLE and doc.outlet == "صحيفة النهر"
    (problem,) = [p for p in corpus.problems if p.reason == "guessed encoding"]
    assert "windows-1256" in problem.detail.lower()


# --------------------------------------------------------------------------- every file accounted for


def _alarm(seconds: int):
    def handler(signum, frame):
        raise TimeoutError(f"the loader hung for {seconds} s")
    signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)


def test_every_file_of_a_folder_is_a_document_or_listed(tmp_path):
    folder = tmp_path / "corpus"
    outside = write(tmp_path / "secret.txt", "SECRET outside the corpus folder " + AR1)
    write(folder / "a.txt", ARTICLE)
    for name in ("notice.txt", "AUTHORS.txt", "readme.txt", "changelog.txt"):
        write(folder / name, "Written by the corpus team. " + AR2)
    write(folder / ".hidden.txt", ARTICLE)
    write(folder / "README.md", "# about this corpus\n")
    write(folder / "data.csv", "id,text\n1,x\n")
    (folder / "sub").mkdir()
    os.symlink(outside, folder / "leak.txt")
    os.symlink(folder / "gone.txt", folder / "dangling.txt")
    os.symlink(folder / "loop2.txt", folder / "loop1.txt")
    os.symlink(folder / "loop1.txt", folder / "loop2.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    os.symlink(folder / "a.txt", folder / "alias.txt")  # a link inside the folder is fine
    os.mkfifo(folder / "pipe.txt")
    _alarm(60)
    try:
        corpus = load_corpus(folder)
        docs = list(corpus)
        fingerprint = corpus.fingerprint()
    finally:
        signal.alarm(0)
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)
    assert sorted(d.doc_id for d in docs) == ["a", "alias"]
    listed = problems_by_file(corpus)
    expected = {
        "notice.txt": ("ignored", "documentation file"),
        "AUTHORS.txt": ("ignored", "documentation file"),
        "readme.txt": ("ignored", "documentation file"),
        "changelog.txt": ("ignored", "documentation file"),
        ".hidden.txt": ("ignored", "hidden file"),
        "README.md": ("ignored", "documentation file"),
        "data.csv": ("skipped", "not a .txt file"),
        "sub": ("skipped", "sub-folder not read"),
        "leak.txt": ("skipped", "link outside the folder"),
        "zero.txt": ("skipped", "link outside the folder"),
        "dangling.txt": ("skipped", "broken link"),
        "loop1.txt": ("skipped", "broken link"),
        "loop2.txt": ("skipped", "broken link"),
        "pipe.txt": ("skipped", "not a regular file"),
    }
    got = {name: (ps[0].action, ps[0].reason) for name, ps in listed.items() if name != "corpus"}
    assert got == expected
    every = {p.name for p in folder.iterdir()}
    assert every == set(expected) | {"a.txt", "alias.txt"}
    # nothing of the file outside the folder was read, so nothing of it can be quoted
    assert not any("SECRET" in p.detail for p in corpus.problems)


def test_documentation_named_files_listed_in_the_manifest_are_documents(tmp_path):
    write(tmp_path / "notice.txt", ARTICLE)
    write(tmp_path / "manifest.csv", "file,outlet\nnotice.txt,صحيفة النهر\n")
    corpus = load_corpus(tmp_path)
    (doc,) = list(corpus)
    assert (doc.doc_id, doc.outlet) == ("notice", "صحيفة النهر")
    assert corpus.problems == []


def test_a_fifo_or_a_device_given_as_the_corpus_does_not_hang_or_fill_memory(tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.txt"
    os.symlink("/dev/zero", zero)
    code = (
        "from framing.corpus import load_corpus\n"
        "from framing.errors import CorpusError\n"
        f"for path in ({str(fifo)!r}, {str(zero)!r}):\n"
        "    try:\n"
        "        load_corpus(path)\n"
        "    except CorpusError as exc:\n"
        "        print('refused:', exc)\n"
    )
    proc = run_limited(code, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("refused:") for line in lines), proc.stdout
    assert all("not a regular file" in line for line in lines), proc.stdout


def test_a_fifo_given_as_the_boilerplate_file_is_refused_without_hanging(tmp_path):
    from framing.corpus import Boilerplate
    from framing.errors import ConfigError

    os.mkfifo(tmp_path / "boilerplate.txt")
    write(tmp_path / "corpus" / "a.txt", ARTICLE)
    _alarm(30)
    try:
        with pytest.raises(ConfigError, match="not a regular file"):
            Boilerplate.from_file(tmp_path / "boilerplate.txt")
        with pytest.raises(ConfigError, match="not a regular file"):
            load_corpus(tmp_path / "corpus", boilerplate=tmp_path / "boilerplate.txt")
    finally:
        signal.alarm(0)


def _deny(monkeypatch, name: str) -> None:
    """Make ``name`` unreadable however it is opened (the tests run as root, for whom
    chmod 000 changes nothing)."""
    import builtins

    real_open, real_os_open = builtins.open, os.open

    def guarded(path, *args, **kwargs):
        if str(path).endswith(name):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def guarded_os(path, *args, **kwargs):
        if str(path).endswith(name):
            raise PermissionError(13, "Permission denied", str(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(os, "open", guarded_os)


def test_an_unreadable_file_is_listed_and_the_fingerprint_does_not_crash(tmp_path, monkeypatch):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "locked.txt", ARTICLE)
    corpus = load_corpus(tmp_path)
    _deny(monkeypatch, "locked.txt")
    assert [d.doc_id for d in corpus] == ["a"]
    (problem,) = problems_by_file(corpus)["locked.txt"]
    assert (problem.reason, problem.action) == ("cannot read", "skipped")
    assert "Permission denied" in problem.detail
    first = corpus.fingerprint()
    assert re.fullmatch(r"[0-9a-f]{64}", first) and corpus.fingerprint() == first
    monkeypatch.undo()
    assert corpus.fingerprint() != first  # readable again: different input


def test_a_file_that_disappears_before_the_fingerprint(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.txt", AR2 + "\n")
    corpus = load_corpus(tmp_path)
    assert len(list(corpus)) == 2
    before = corpus.fingerprint()
    (tmp_path / "b.txt").unlink()
    after = corpus.fingerprint()
    assert re.fullmatch(r"[0-9a-f]{64}", after) and after != before


# --------------------------------------------------------------------------- bounds


def test_a_gzip_text_expanding_to_4_gib_stops_early_in_bounded_memory(tmp_path):
    folder = tmp_path / "corpus"
    write(folder / "a.txt", ARTICLE)
    gzip_of_zeros(folder / "bomb.txt.gz", 4)
    assert (folder / "bomb.txt.gz").stat().st_size < 10_000_000
    code = (
        "from framing.corpus import load_corpus\n"
        f"corpus = load_corpus({str(folder)!r})\n"
        "print([d.doc_id for d in corpus])\n"
        "for p in corpus.problems: print(p.reason, '|', p.action, '|', p.detail)\n"
    )
    proc = run_limited(code, memory_mb=1200, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout.splitlines()
    assert out[0] == "['a']"
    (line,) = [x for x in out[1:] if x.startswith("too large")]
    assert "| skipped |" in line and "max_record_bytes" in line


def test_a_record_file_over_the_file_bound_stops_with_a_listed_problem(tmp_path):
    records = [{"id": f"r{i}", "outlet": "صحيفة النهر", "text": ARTICLE} for i in range(2000)]
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    write(tmp_path / "r.jsonl.gz", gzip.compress(body))
    corpus = load_corpus(tmp_path / "r.jsonl.gz", max_file_bytes=len(body) // 2)
    docs = list(corpus)
    assert 0 < len(docs) < 2000
    (problem,) = [p for p in corpus.problems if p.reason == "too large"]
    assert problem.action == "skipped" and "max_file_bytes" in problem.detail
    assert problem.line == len(docs) + 1  # reading stopped in the middle of this line


def test_the_corpus_bound_is_a_one_line_error_naming_the_option(tmp_path):
    for i in range(5):
        write(tmp_path / f"d{i}.txt", ARTICLE * 20)
    size = len((ARTICLE * 20).encode())
    with pytest.raises(CorpusError, match=r"max_corpus_bytes") as info:
        list(load_corpus(tmp_path, max_corpus_bytes=int(size * 2.5)))
    assert "\n" not in str(info.value)
    assert len(list(load_corpus(tmp_path, max_corpus_bytes=size * 5))) == 5


@pytest.mark.slow
def test_a_4_gib_single_line_in_a_jsonl_gz_is_skipped_in_bounded_memory(tmp_path):
    path = tmp_path / "line.jsonl.gz"
    first = json.dumps({"id": "ok", "outlet": "صحيفة النهر", "text": ARTICLE}, ensure_ascii=False) + "\n"
    gzip_of_zeros(path, 4, prefix=first.encode())
    code = (
        "from framing.corpus import load_corpus\n"
        f"corpus = load_corpus({str(path)!r})\n"
        "print([d.doc_id for d in corpus])\n"
        "for p in corpus.problems: print(p.reason, '|', p.line, '|', p.detail)\n"
    )
    proc = run_limited(code, memory_mb=1500, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout.splitlines()
    assert out[0] == "['ok']"
    assert any(x.startswith("too large | 2 |") for x in out[1:]), out


def test_a_document_over_the_character_bound_is_split_at_paragraphs_and_listed(tmp_path):
    paragraphs = [f"{AR1} {AR2} ({i})" for i in range(30)]
    text = "\n".join(paragraphs) + "\n"
    write(tmp_path / "long.txt", text)
    write(tmp_path / "short.txt", ARTICLE)
    corpus = load_corpus(tmp_path, max_document_chars=1000)
    docs = list(corpus)
    parts = [d for d in docs if d.doc_id.startswith("long")]
    assert [d.doc_id for d in parts] == [f"long#{k}" for k in range(1, len(parts) + 1)]
    assert len(parts) >= len(text) // 1000
    assert "".join(d.text for d in parts) == text  # nothing lost
    assert all(len(d.text) <= 1000 and d.text.endswith("\n") for d in parts)  # cut after a paragraph
    assert [d.doc_id for d in docs if not d.doc_id.startswith("long")] == ["short"]
    (problem,) = [p for p in corpus.problems if p.reason == "split document"]
    assert problem.action == "altered" and "max_document_chars" in problem.detail
    assert len(corpus) == len(docs)


def test_a_single_line_document_is_split_between_words():
    from framing.corpus import split_text

    text = " ".join([AR1, AR2, AR3] * 40)
    parts = split_text(text, 500)
    assert "".join(parts) == text
    assert all(len(p) <= 500 for p in parts)
    # every cut falls after a space (or a sentence end): no word is cut in two
    assert all(p.endswith((" ", ".")) for p in parts[:-1])
    # no space at all: a hard cut
    assert split_text("ب" * 1200, 500) == ["ب" * 500, "ب" * 500, "ب" * 200]


def test_the_default_character_bound():
    import inspect

    assert inspect.signature(load_corpus).parameters["max_document_chars"].default == 2_000_000


def test_a_deeply_nested_json_line_is_a_malformed_row(tmp_path):
    deep = '{"id": "deep", "outlet": "x", "text": "نص", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}"
    good = json.dumps({"id": "g", "outlet": "صحيفة النهر", "text": ARTICLE}, ensure_ascii=False)
    write(tmp_path / "r.jsonl", good + "\n" + deep + "\n")
    corpus = load_corpus(tmp_path / "r.jsonl")
    assert [d.doc_id for d in corpus] == ["g"]
    (problem,) = corpus.problems
    assert (problem.reason, problem.line, problem.action) == ("malformed row", 2, "skipped")
    assert "max_json_depth" in problem.detail
    # a .json file nested that deep is one clear error
    write(tmp_path / "deep.json", "[" + good + ", " + "[" * 100_000 + "]" * 100_000 + "]")
    with pytest.raises(CorpusError, match="max_json_depth"):
        load_corpus(tmp_path / "deep.json")


def test_moderate_nesting_within_the_bound_is_read(tmp_path):
    nested = {"id": "n", "outlet": "صحيفة النهر", "text": ARTICLE, "extra": [[[[{"a": [1, [2]]}]]]]}
    write(tmp_path / "r.jsonl", json.dumps(nested, ensure_ascii=False) + "\n")
    (doc,) = list(load_corpus(tmp_path / "r.jsonl"))
    assert json.loads(dict(doc.meta)["extra"]) == nested["extra"]


@pytest.mark.slow
def test_a_50_mb_single_line_document_is_read_in_bounded_memory(tmp_path):
    sentence = (AR1 + " ").encode("utf-8")
    n = 50_000_000 // len(sentence) + 1
    path = tmp_path / "corpus" / "one-line.txt"
    path.parent.mkdir()
    with open(path, "wb") as fh:
        fh.write(sentence * n)
    code = (
        "import zlib\n"
        "from framing.corpus import load_corpus\n"
        f"corpus = load_corpus({str(path.parent)!r})\n"
        "crc, total, longest, count = 0, 0, 0, 0\n"
        "for d in corpus:\n"
        "    crc = zlib.crc32(d.text.encode('utf-8'), crc); total += len(d.text)\n"
        "    longest = max(longest, len(d.text)); count += 1\n"
        "print(crc, total, longest, count)\n"
    )
    proc = run_limited(code, memory_mb=1200, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    crc, total, longest, count = map(int, proc.stdout.split())
    text = (sentence * n).decode("utf-8")
    assert crc == zlib.crc32(text.encode("utf-8")) and total == len(text)
    assert longest <= 2_000_000 and -(-len(text) // 2_000_000) <= count <= len(text) // 1_900_000 + 1


# --------------------------------------------------------------------------- problem kinds are documented


def test_every_problem_kind_is_documented():
    doc = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Problems"):]
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \|", section, re.M)
    assert sorted(rows) == sorted((kind.reason, kind.action) for kind in PROBLEM_KINDS)
    assert {kind.action for kind in PROBLEM_KINDS} == {"skipped", "altered", "excluded", "ignored"}


def test_the_problems_the_loader_emits_are_known_kinds(tmp_path):
    known = {(k.reason, k.action) for k in PROBLEM_KINDS}
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.txt", ARTICLE.encode("cp1256"))
    write(tmp_path / "c.txt", "<p>" + ARTICLE + "</p>\x00")
    write(tmp_path / "d.txt", "English only")
    write(tmp_path / "e.txt", "")
    write(tmp_path / "readme.txt", "about")
    write(tmp_path / "manifest.csv", "file,outlet,date\na.txt,صحيفة النهر,someday\nb.txt,,\nc.txt,x,2020-01-01\n")
    corpus = load_corpus(tmp_path, max_document_chars=100)
    list(corpus)
    emitted = {(p.reason, p.action) for p in corpus.problems}
    assert len(emitted) >= 9
    assert emitted <= known, emitted - known
