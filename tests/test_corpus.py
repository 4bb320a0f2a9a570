"""Tests for framing.corpus: inputs, encodings, compression, problems, exclusions."""

from __future__ import annotations

import bz2
import filecmp
import gzip
import json
import lzma
import random
import re
import shutil
import time
from itertools import islice, pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.corpus import (
    Boilerplate,
    RepeatedLineRule,
    decode_bytes,
    default_boilerplate_path,
    load_corpus,
    normalize_date,
    read_documents,
)
from framing.errors import ConfigError, CorpusError
from framing.records import Document

DATA = Path(__file__).parent / "data" / "corpus"
ROOT = Path(__file__).resolve().parents[1]

ARTICLE = (
    "أعلنت وزارة الصحة اليوم عن حملة تطعيم جديدة تشمل جميع المحافظات.\n"
    "وقال المتحدث باسم الوزارة إن الحملة تستمر أسبوعين.\n"
)
FOOTER = "هذا الموقع يقدم الأخبار المحلية على مدار الساعة"


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def reasons(corpus) -> list[str]:
    return [p.reason for p in corpus.problems]


def excluded_texts(doc: Document, prefix: str = "") -> list[str]:
    return [doc.text[s.start:s.end] for s in doc.excluded if s.reason.startswith(prefix)]


# --------------------------------------------------------------------------- folder + manifest


def test_folder_with_manifest():
    corpus = load_corpus(DATA / "folder")
    docs = list(corpus.iter_documents())
    assert [d.doc_id for d in docs] == ["ahram_001", "watan_002", "zz_unlisted"]
    ahram, watan, unlisted = docs
    assert (ahram.outlet, ahram.date, ahram.title, ahram.url, ahram.event) == (
        "ahram", "2013-02-27", "خطة لدعم المزارعين", "https://example.org/a1", "farm-plan")
    assert ("author", "أحمد علي") in ahram.meta
    assert watan.outlet == "watan" and watan.date == "2013-02-28" and watan.event is None
    assert unlisted.outlet == "unknown"
    assert ahram.source.endswith("ahram_001.txt")
    problem = next(p for p in corpus.problems if p.reason == "not in manifest")
    assert problem.action == "altered" and problem.doc_id == "zz_unlisted"
    assert problem.source.endswith("zz_unlisted.txt")
    assert "README.md" not in " ".join(p.source for p in corpus.problems)
    assert corpus.outlet_counts() == {"ahram": 1, "unknown": 1, "watan": 1}
    assert len(corpus) == 3


def test_folder_boilerplate_spans_slice_the_original_lines():
    watan = read_documents(DATA / "folder")[1]
    assert excluded_texts(watan, "boilerplate") == [
        "تخطى إلى المحتوى",
        "إقرأ أيضاً : وزير التعليم يلتقي ممثلي الطلاب غدا",
        "مقالات ذات صلة",
        "زر الذهاب إلى الأعلى",
    ]
    masked = watan.masked_text
    assert len(masked) == len(watan.text)
    assert "تخطى" not in masked and "زر الذهاب" not in masked
    assert "تظاهر مئات الطلاب" in masked and "وقال أحد المنظمين" in masked


def test_sourcing_line_is_not_boilerplate():
    ahram = read_documents(DATA / "folder")[0]
    assert not excluded_texts(ahram, "boilerplate")
    assert "المصدر: وكالات" in ahram.masked_text


def test_manifest_jsonl_with_doc_id_column(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "b.txt", ARTICLE.replace("الصحة", "التعليم"))
    write(tmp_path, "manifest.jsonl", jsonl([
        {"doc_id": "a", "outlet": "one", "date": "2013-02-01", "language": "ar"},
        {"file": "b.txt", "doc_id": "custom-b", "outlet": "two", "section": "health"},
    ]))
    corpus = load_corpus(tmp_path)
    docs = list(corpus.iter_documents())
    assert [(d.doc_id, d.outlet) for d in docs] == [("a", "one"), ("custom-b", "two")]
    assert ("section", "health") in docs[1].meta
    assert "not in manifest" not in reasons(corpus)


def test_folder_without_manifest_reports_it_once(tmp_path):
    write(tmp_path, "b.txt", ARTICLE)
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "notes.csv", "x,y\n")
    corpus = load_corpus(tmp_path)
    docs = list(corpus)
    assert [d.doc_id for d in docs] == ["a", "b"]  # sorted by file name
    assert all(d.outlet == "unknown" for d in docs)
    assert reasons(corpus).count("no manifest") == 1
    skipped = [p for p in corpus.problems if p.reason == "not a .txt file"]
    assert len(skipped) == 1 and skipped[0].source.endswith("notes.csv")


def test_manifest_given_explicitly_outside_the_folder(tmp_path):
    folder = tmp_path / "texts"
    write(folder, "a.txt", ARTICLE)
    manifest = write(tmp_path, "meta.csv", "file,outlet\na.txt,one\n")
    (doc,) = read_documents(folder, manifest=manifest)
    assert doc.outlet == "one"
    # a manifest left in the folder is listed as not used, not silently passed over
    write(folder, "manifest.csv", "file,outlet\na.txt,two\n")
    corpus = load_corpus(folder, manifest=manifest)
    assert [d.outlet for d in corpus] == ["one"]
    assert [(Path(p.source).name, p.reason, p.action) for p in corpus.problems] == [
        ("manifest.csv", "unused manifest", "ignored")]


def test_manifest_missing_outlet_value(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "manifest.csv", "file,outlet\na.txt,\n")
    corpus = load_corpus(tmp_path)
    (doc,) = list(corpus)
    assert doc.outlet == "unknown"
    assert "missing outlet" in reasons(corpus)


# --------------------------------------------------------------------------- manifest errors


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("missing.txt,one", "does not exist"),
        ("../../etc/passwd,one", "outside the corpus folder"),
        ("/etc/passwd,one", "absolute path"),
        ("C:\\\\Windows\\\\win.ini,one", "absolute path"),
        ("a.txt,one,extra", "3 fields where the header has 2"),
        ("a.txt,one\na.txt,two", "listed twice"),
    ],
)
def test_bad_manifest_rows_name_the_line(tmp_path, row, message):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "manifest.csv", "file,outlet\n" + row + "\n")
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    text = str(info.value)
    assert message in text
    line = 3 if "listed twice" in message else 2
    assert f"manifest.csv:{line}:" in text


def test_path_traversal_via_symlink_is_refused(tmp_path):
    outside = write(tmp_path, "outside.txt", ARTICLE)
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside)
    write(folder, "manifest.csv", "file,outlet\nlink.txt,one\n")
    with pytest.raises(CorpusError, match="outside the corpus folder"):
        load_corpus(folder)


def test_manifest_without_outlet_column(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "manifest.csv", "file,date\na.txt,2013-01-01\n")
    with pytest.raises(CorpusError, match=r"manifest\.csv:1: the manifest has no 'outlet' column"):
        load_corpus(tmp_path)


def test_two_manifests_are_ambiguous(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "manifest.csv", "file,outlet\na.txt,one\n")
    write(tmp_path, "manifest.jsonl", '{"file": "a.txt", "outlet": "one"}\n')
    with pytest.raises(CorpusError, match="two manifests"):
        load_corpus(tmp_path)


# --------------------------------------------------------------------------- record files


def test_jsonl_with_egyptian_field_names():
    corpus = load_corpus(DATA / "records.jsonl", outlet_field="source", date_field="crawl_time")
    docs = list(corpus)
    assert [d.doc_id for d in docs] == ["e1", "e2", "e3"]
    first = docs[0]
    assert first.outlet == "fjp" and first.date == "2013-02-01"
    assert first.title == "الرئاسة تدعو إلى الحوار"
    assert dict(first.meta) == {"feed": "politics/1", "crawl_time": "2013-02-01 10:00:00"}
    assert first.source.endswith("records.jsonl:1")
    assert corpus.problems == []
    # the related-articles list under "أخبار متعلقة:" is excluded with its header
    assert excluded_texts(docs[1], "boilerplate") == [
        "أخبار متعلقة:", "الرئاسة تدعو إلى الحوار", "قيادي بالجبهة: لا حوار قبل وقف العنف"]


def test_csv_records_with_multiline_text():
    docs = read_documents(DATA / "records.csv")
    assert [(d.doc_id, d.outlet, d.date) for d in docs] == [
        ("c1", "ahram", "2013-02-01"), ("c2", "watan", "2013-02-01"), ("c3", "bbc", "2013-02-02")]
    assert docs[0].text.count("\n") == 1
    assert docs[0].source.endswith("records.csv:2") and docs[1].source.endswith("records.csv:4")


def test_json_documents_object_and_list(tmp_path):
    docs = read_documents(DATA / "records.json")
    assert [(d.doc_id, d.outlet) for d in docs] == [("j1", "ahram"), ("j2", "watan")]
    as_list = json.loads((DATA / "records.json").read_text(encoding="utf-8"))["documents"]
    path = write(tmp_path, "list.json", json.dumps(as_list, ensure_ascii=False, indent=2))
    listed = read_documents(path)
    assert [d.text for d in listed] == [d.text for d in docs]
    assert listed[1].source.endswith("list.json:8")  # line where the second object starts


def test_tsv_and_semicolon_csv(tmp_path):
    tsv = write(tmp_path, "r.tsv", "id\toutlet\ttext\nt1\tone\t" + ARTICLE.replace("\n", " ") + "\n")
    semi = write(tmp_path, "r.csv", "id;outlet;text\ns1;one;" + ARTICLE.replace("\n", " ") + "\n")
    assert read_documents(tsv)[0].doc_id == "t1"
    assert read_documents(semi)[0].doc_id == "s1"


def test_single_txt_file(tmp_path):
    path = write(tmp_path, "one.txt", ARTICLE)
    corpus = load_corpus(path)
    (doc,) = list(corpus)
    assert doc.doc_id == "one" and doc.outlet == "unknown" and doc.text == ARTICLE
    assert "no manifest" in reasons(corpus)


def test_records_without_outlet_or_id_fields(tmp_path):
    path = write(tmp_path, "plain.jsonl", jsonl([{"text": ARTICLE}, {"text": ARTICLE + "؟"}]))
    corpus = load_corpus(path)
    docs = list(corpus)
    assert [d.doc_id for d in docs] == ["plain-1", "plain-2"]
    assert reasons(corpus) == ["no outlet field", "no id field"]  # once each, not per record
    assert "--outlet-field" in corpus.problems[0].detail


def test_missing_outlet_value_is_reported(tmp_path):
    path = write(tmp_path, "r.jsonl", jsonl([
        {"id": "a", "outlet": "one", "text": ARTICLE},
        {"id": "b", "outlet": "  ", "text": ARTICLE},
    ]))
    corpus = load_corpus(path)
    docs = list(corpus)
    assert docs[1].outlet == "unknown"
    (problem,) = corpus.problems
    assert (problem.reason, problem.action, problem.doc_id, problem.line) == ("missing outlet", "altered", "b", 2)


# --------------------------------------------------------------------------- compression


@pytest.mark.parametrize(("suffix", "compress"), [
    (".gz", gzip.compress), (".xz", lzma.compress), (".bz2", bz2.compress)])
def test_compressed_record_files(tmp_path, suffix, compress):
    raw = (DATA / "records.jsonl").read_bytes()
    path = write(tmp_path, "records.jsonl" + suffix, compress(raw))
    docs = read_documents(path, outlet_field="source", date_field="crawl_time")
    plain = read_documents(DATA / "records.jsonl", outlet_field="source", date_field="crawl_time")
    assert [d.text for d in docs] == [d.text for d in plain]


def test_compressed_text_files_in_a_folder(tmp_path):
    write(tmp_path, "a.txt.gz", gzip.compress(ARTICLE.encode()))
    write(tmp_path, "b.txt.xz", lzma.compress(ARTICLE.encode("utf-16")))
    write(tmp_path, "c.txt.bz2", bz2.compress(ARTICLE.encode("cp1256")))
    docs = read_documents(tmp_path)
    assert [d.doc_id for d in docs] == ["a", "b", "c"]
    assert all(d.text == ARTICLE for d in docs)


def test_compression_detected_by_magic_bytes(tmp_path):
    raw = (DATA / "records.csv").read_bytes()
    path = write(tmp_path, "records.csv", gzip.compress(raw))  # no .gz in the name
    assert len(read_documents(path)) == 3


def test_truncated_compressed_file_is_an_error(tmp_path):
    records = [{"id": str(i), "outlet": "o", "text": f"{i} " + ARTICLE * 20} for i in range(2000)]
    data = lzma.compress(jsonl(records).encode())
    path = write(tmp_path, "cut.jsonl.xz", data[: len(data) // 2])
    corpus = load_corpus(path, repeated_lines=False)  # the first megabyte is fine
    with pytest.raises(CorpusError, match=r"cut\.jsonl\.xz:\d+: cannot read past line \d+"):
        list(corpus)
    small = write(tmp_path, "small.jsonl.gz", gzip.compress(jsonl(records[:3]).encode())[:-30])
    with pytest.raises(CorpusError, match=r"small\.jsonl\.gz: cannot read"):
        load_corpus(small)


# --------------------------------------------------------------------------- encodings


ENCODED = [
    ("utf-8", lambda t: t.encode("utf-8")),
    ("utf-8-sig", lambda t: t.encode("utf-8-sig")),
    ("utf-16-le", lambda t: t.encode("utf-16")),  # Python writes a little-endian BOM
    ("utf-16-be", lambda t: b"\xfe\xff" + t.encode("utf-16-be")),
    ("cp1256", lambda t: t.encode("cp1256")),
    ("iso8859-6", lambda t: t.encode("iso8859_6")),
    ("utf-16-le-no-bom", lambda t: t.encode("utf-16-le")),
    ("utf-16-be-no-bom", lambda t: t.encode("utf-16-be")),
]


@pytest.mark.parametrize(("name", "encode"), ENCODED, ids=[e[0] for e in ENCODED])
def test_text_file_encodings_round_trip(tmp_path, name, encode):
    text = "بيان: الحكومة تؤكد التزامها، والمعارضة ترفض.\nسطر ثان فيه أرقام 2013 وعلامات؟"
    write(tmp_path, f"{name}.txt", encode(text))
    (doc,) = read_documents(tmp_path)
    assert doc.text == text


@pytest.mark.parametrize(("name", "encode"), ENCODED, ids=[e[0] for e in ENCODED])
def test_record_file_encodings_round_trip(tmp_path, name, encode):
    text = "قال المتحدث إنهم لن يتراجعوا عن القرار، وأضاف أن الحوار مستمر؟"
    path = write(tmp_path, "r.csv", encode(f"id,outlet,text\nx,الشروق,{text}\n"))
    (doc,) = read_documents(path)
    assert doc.text == text and doc.outlet == "الشروق"


def test_decode_bytes_reports_the_encoding():
    assert decode_bytes("نص".encode("cp1256"))[1] in ("cp1256", "windows-1256")
    assert decode_bytes("نص".encode("utf-8-sig"))[1] == "utf-8-sig"
    with pytest.raises(UnicodeError):
        decode_bytes(random.Random(0).randbytes(3000).replace(b"\xff\xfe", b"ab"))


def test_undecodable_file_is_skipped_by_name(tmp_path):
    write(tmp_path, "good.txt", ARTICLE)
    write(tmp_path, "garbage.txt", b"\x01\x02" + random.Random(1).randbytes(4000))
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus] == ["good"]
    (problem,) = [p for p in corpus.problems if p.reason == "cannot decode"]
    assert problem.action == "skipped" and problem.source.endswith("garbage.txt")


def test_undecodable_only_input_is_an_error(tmp_path):
    path = write(tmp_path, "garbage.txt", b"\x01\x02" + random.Random(2).randbytes(4000))
    with pytest.raises(CorpusError, match=r"garbage\.txt \(cannot decode"):
        load_corpus(path)


def test_a_few_bad_bytes_in_utf8_are_replaced_and_reported(tmp_path):
    data = (ARTICLE * 5).encode() + b"\xff" + "تابع".encode()
    write(tmp_path, "a.txt", data)
    corpus = load_corpus(tmp_path)
    (doc,) = list(corpus)
    assert doc.text.endswith("\ufffdتابع")
    assert "undecodable bytes" in reasons(corpus)


# --------------------------------------------------------------------------- error paths


def test_missing_path(tmp_path):
    with pytest.raises(CorpusError, match=r"nope\.jsonl: corpus not found"):
        load_corpus(tmp_path / "nope.jsonl")


def test_empty_corpus_says_what_was_skipped(tmp_path):
    write(tmp_path, "blank.txt", "  \n\t\n")
    write(tmp_path, "english.txt", "Only English words here.")
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    text = str(info.value)
    assert "no usable documents" in text
    assert "empty document" in text and "unsupported language" in text
    assert "blank.txt" in text and "english.txt" in text


def test_folder_without_text_files(tmp_path):
    write(tmp_path, "data.jsonl", jsonl([{"text": ARTICLE}]))
    with pytest.raises(CorpusError, match="give the file itself"):
        load_corpus(tmp_path)


def test_unknown_text_field_lists_the_fields(tmp_path):
    with pytest.raises(CorpusError) as info:
        load_corpus(DATA / "records.jsonl", text_field="body")
    text = str(info.value)
    assert "'body'" in text and "--text-field" in text
    for name in ("id", "source", "crawl_time", "feed", "title", "text"):
        assert name in text


def test_unknown_mapped_field(tmp_path):
    with pytest.raises(CorpusError, match=r"'publisher'.*--outlet-field"):
        load_corpus(DATA / "records.csv", outlet_field="publisher")


def test_unsupported_file_type(tmp_path):
    path = write(tmp_path, "corpus.xlsx", b"PK\x03\x04")
    with pytest.raises(CorpusError, match="unsupported file type"):
        load_corpus(path)


def test_invalid_json_file_names_the_line(tmp_path):
    path = write(tmp_path, "bad.json", '[\n {"text": "نص"},\n {"text": }\n]')
    with pytest.raises(CorpusError, match=r"bad\.json:3: invalid JSON"):
        load_corpus(path)


def test_csv_without_header(tmp_path):
    path = write(tmp_path, "empty.csv", "")
    with pytest.raises(CorpusError, match="no header row"):
        load_corpus(path)


def test_bad_options():
    with pytest.raises(ConfigError, match="html="):
        load_corpus(DATA / "records.csv", html="remove")
    with pytest.raises(ConfigError, match="only applies to a folder"):
        load_corpus(DATA / "records.csv", manifest=DATA / "folder" / "manifest.csv")


# --------------------------------------------------------------------------- bad rows


def test_malformed_jsonl_line_is_skipped_with_its_line_number(tmp_path):
    lines = [
        json.dumps({"id": "a", "outlet": "o", "text": ARTICLE}, ensure_ascii=False),
        "",
        '{"id": "b", "outlet": "o", "text": ',
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "c", "outlet": "o", "text": ARTICLE}, ensure_ascii=False),
    ]
    path = write(tmp_path, "r.jsonl", "\n".join(lines) + "\n")
    corpus = load_corpus(path)
    assert [d.doc_id for d in corpus] == ["a", "c"]
    assert [(p.reason, p.line) for p in corpus.problems] == [("malformed row", 3), ("malformed row", 4)]
    assert corpus.problems[0].source == str(path)


def test_malformed_csv_rows(tmp_path):
    path = write(tmp_path, "r.csv", (
        "id,outlet,text\n"
        f"a,o,{ARTICLE.splitlines()[0]}\n"
        "b,o,نص,زائد\n"
        'c,o,"نص فيه "علامة" خاطئة"\n'
        f"d,o,{ARTICLE.splitlines()[1]}\n"
    ))
    corpus = load_corpus(path)
    assert [d.doc_id for d in corpus] == ["a", "d"]
    assert [(p.reason, p.line) for p in corpus.problems] == [("malformed row", 3), ("malformed row", 4)]


def test_empty_and_non_arabic_records_are_skipped(tmp_path):
    path = write(tmp_path, "r.jsonl", jsonl([
        {"id": "a", "outlet": "o", "text": ARTICLE},
        {"id": "b", "outlet": "o", "text": "   \n  "},
        {"id": "c", "outlet": "o", "text": "English only, 2013."},
        {"id": "d", "outlet": "o"},
        {"id": "e", "outlet": "o", "text": {"nested": "نص"}},
    ]))
    corpus = load_corpus(path)
    assert [d.doc_id for d in corpus] == ["a"]
    assert [(p.doc_id, p.reason, p.action) for p in corpus.problems] == [
        ("b", "empty document", "skipped"),
        ("c", "unsupported language", "skipped"),
        ("d", "missing text", "skipped"),
        ("e", "malformed row", "skipped"),
    ]


def test_duplicate_ids_are_renamed(tmp_path):
    path = write(tmp_path, "r.jsonl", jsonl([
        {"id": "x", "outlet": "o", "text": ARTICLE},
        {"id": "x", "outlet": "o", "text": ARTICLE},
        {"id": "x", "outlet": "o", "text": ARTICLE},
    ]))
    corpus = load_corpus(path)
    assert [d.doc_id for d in corpus] == ["x", "x~2", "x~3"]
    dup = [p for p in corpus.problems if p.reason == "duplicate id"]
    assert [(p.doc_id, p.line, p.action) for p in dup] == [("x~2", 2, "altered"), ("x~3", 3, "altered")]


def test_nul_bytes_become_spaces(tmp_path):
    write(tmp_path, "a.txt", "سطر أول\nمرحبا\x00بالعالم\x00\n")
    corpus = load_corpus(tmp_path)
    (doc,) = list(corpus)
    assert doc.text == "سطر أول\nمرحبا بالعالم \n"
    (problem,) = [p for p in corpus.problems if p.reason == "NUL characters"]
    assert problem.action == "altered" and problem.line == 2 and "2 NUL" in problem.detail


def test_line_endings_are_normalized_and_offsets_follow(tmp_path):
    raw = "تخطى إلى المحتوى\r\nنص الخبر الأول هنا.\rاترك رد\r\n"
    write(tmp_path, "a.txt", raw.encode("utf-8"))
    corpus = load_corpus(tmp_path)
    (doc,) = list(corpus)
    assert doc.text == "تخطى إلى المحتوى\nنص الخبر الأول هنا.\nاترك رد\n"
    assert excluded_texts(doc) == ["تخطى إلى المحتوى", "اترك رد"]
    assert corpus.problems[1:] == []  # routine: nothing reported (problems[0] is "no manifest")


def test_unparseable_date_is_kept_and_reported(tmp_path):
    path = write(tmp_path, "r.csv", f"id,outlet,date,text\na,o,الخميس الماضي,{ARTICLE.splitlines()[0]}\n")
    corpus = load_corpus(path)
    (doc,) = list(corpus)
    assert doc.date == "الخميس الماضي"
    (problem,) = corpus.problems
    assert (problem.reason, problem.action, problem.line) == ("unparseable date", "altered", 2)


@pytest.mark.parametrize(("raw", "iso"), [
    ("2013-02-27", "2013-02-27"),
    ("2013-01-17 18:30:24", "2013-01-17"),
    ("2021-06-27T10:00:00+03:00", "2021-06-27"),
    ("2013/02/27", "2013-02-27"),
    ("27/06/2021", "2021-06-27"),
    ("27.06.2021", "2021-06-27"),
    ("5/3/2013", "2013-03-05"),  # day first
    ("02/27/2013", "2013-02-27"),  # only month first is a date
    ("٢٠١٣-٠٢-٢٧", "2013-02-27"),
    (" 26/6/2021 ", "2021-06-26"),
    ("2013-02-30", None),
    ("31/31/2013", None),
    ("yesterday", None),
    ("", None),
])
def test_normalize_date(raw, iso):
    assert normalize_date(raw) == iso


@given(st.text(max_size=40))
def test_normalize_date_never_raises(value):
    result = normalize_date(value)
    assert result is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", result)


# --------------------------------------------------------------------------- html


def test_html_markup_becomes_excluded_spans(tmp_path):
    text = ('<p class="lead">قال المتحدث&nbsp;إن الحوار مستمر</p>\n'
            "<script>var x = '<b>';\nalert(x);</script>\n"
            "<br/>ونفى الوزير الخبر &#1575; <!-- تعليق -->\n")
    write(tmp_path, "a.txt", text)
    corpus = load_corpus(tmp_path)
    (doc,) = list(corpus)
    assert doc.text == text  # unchanged: offsets refer to the original
    assert excluded_texts(doc, "html") == [
        '<p class="lead">', "&nbsp;", "</p>", "<script>var x = '<b>';\nalert(x);</script>",
        "<br/>", "&#1575;", "<!-- تعليق -->"]
    masked = doc.masked_text
    assert "قال المتحدث" in masked and "ونفى الوزير الخبر" in masked
    assert "<" not in masked and "alert" not in masked and "&" not in masked
    html_problems = [p for p in corpus.problems if p.reason == "html markup"]
    assert len(html_problems) == 1 and html_problems[0].action == "excluded"


def test_boilerplate_inside_html_is_found(tmp_path):
    write(tmp_path, "a.txt", ARTICLE + "<p>اترك رد</p>\n")
    (doc,) = read_documents(tmp_path)
    assert "اترك رد" in " ".join(excluded_texts(doc, "boilerplate"))


def test_html_keep_leaves_markup(tmp_path):
    write(tmp_path, "a.txt", "<p>" + ARTICLE + "</p>")
    corpus = load_corpus(tmp_path, html="keep")
    (doc,) = list(corpus)
    assert not excluded_texts(doc, "html")
    assert "html markup" not in reasons(corpus)


def test_a_lone_less_than_sign_is_not_markup(tmp_path):
    write(tmp_path, "a.txt", "ارتفعت النسبة من 3 < 5 في المئة & تراجعت البطالة\n")
    (doc,) = read_documents(tmp_path)
    assert doc.excluded == ()


# --------------------------------------------------------------------------- boilerplate file


SEED_LIKE = """\
الرئيسية \u00a0\\\u00a0 أخبار سوريا \u00a0\\\u00a0 اتصال هاتفي بين الرئيسين حول إدلب
الشأن السوريسلايد رئيسي
عربي ودولي
اتصال هاتفي بين الرئيسين حول إدلب
بحث الرئيسان في اتصال هاتفي الوضع الميداني في إدلب، وفق بيان رسمي.
صورة أرشيفية
قوات على خطوط التماس - أرشيفية
اقرأ أيضا: تصعيد جديد في ريف إدلب الجنوبي
المصدر: وكالات
مصدر: سبوتنيك والمرصد السوري
شارك
فيسبوك تويتر واتساب تيليجرام
اترك رد
لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *
زر الذهاب إلى الأعلى
"""


def test_seed_like_boilerplate():
    bp = Boilerplate.from_file(default_boilerplate_path())
    spans = bp.spans(SEED_LIKE)
    found = [SEED_LIKE[s.start:s.end] for s in spans]
    lines = SEED_LIKE.splitlines()
    kept = {"اتصال هاتفي بين الرئيسين حول إدلب",
            "بحث الرئيسان في اتصال هاتفي الوضع الميداني في إدلب، وفق بيان رسمي.",
            "المصدر: وكالات", "مصدر: سبوتنيك والمرصد السوري"}
    assert found == [line.strip() for line in lines if line not in kept]
    assert all(re.fullmatch(r"boilerplate:\d+", s.reason) for s in spans)


@pytest.mark.parametrize("line", [
    "شارك الآلاف في المسيرة التي انطلقت من ميدان التحرير.",
    "وقال الرئيس إن الحكومة لن تتراجع عن قرارها.",
    "تابع الوزير جولته في المحافظة أمس.",
    "المصدر: وكالة الأنباء الرسمية",
    "كتب - محمد علي:",
    "القاهرة - أ ش أ",
    "سياسة الحكومة الاقتصادية تثير الجدل",
])
def test_ordinary_lines_are_not_boilerplate(line):
    assert Boilerplate.from_file(default_boilerplate_path()).match(line) is None


def test_block_header_takes_the_headlines_but_not_the_next_paragraph():
    text = ("نص الخبر الأول.\nاقرأ أيضًا\nعنوان خبر مرتبط أول\nعنوان خبر مرتبط ثان\n"
            "وتابع المتحدث حديثه عن الأوضاع في المدينة وقال إن الأمور مستقرة.\nعنوان فرعي\n")
    bp = Boilerplate.from_file(default_boilerplate_path())
    assert [text[s.start:s.end] for s in bp.spans(text)] == [
        "اقرأ أيضًا", "عنوان خبر مرتبط أول", "عنوان خبر مرتبط ثان"]


def test_malformed_boilerplate_regex_names_file_and_line(tmp_path):
    path = write(tmp_path, "bp.txt", "# comment\nمقالات ذات صلة\n(?:غير مغلق\n")
    with pytest.raises(ConfigError, match=r"bp\.txt:3: invalid regular expression"):
        load_corpus(DATA / "records.csv", boilerplate=path)


def test_boilerplate_pattern_matching_everything_is_refused(tmp_path):
    path = write(tmp_path, "bp.txt", ".*\n")
    with pytest.raises(ConfigError, match=r"bp\.txt:1: .*ordinary lines"):
        Boilerplate.from_file(path)


def test_custom_boilerplate_file_and_reason(tmp_path):
    bp_path = write(tmp_path, "bp.txt", "# mine\n\n(?i)powered by .+\nحقوق النشر محفوظة\n")
    source = write(tmp_path, "c/a.txt", ARTICLE + "Powered by WordPress\n")
    (doc,) = read_documents(source.parent, boilerplate=bp_path)
    assert [(s.reason, doc.text[s.start:s.end]) for s in doc.excluded] == [
        ("boilerplate:3", "Powered by WordPress")]
    (plain,) = read_documents(source.parent, boilerplate=False)
    assert plain.excluded == ()


def test_default_boilerplate_copies_are_identical():
    repo_copy = ROOT / "lexicons" / "boilerplate.txt"
    package_copy = ROOT / "framing" / "data" / "boilerplate.txt"
    assert default_boilerplate_path() == repo_copy.resolve()
    assert filecmp.cmp(repo_copy, package_copy, shallow=False), (
        "framing/data/boilerplate.txt must be a copy of lexicons/boilerplate.txt")
    assert len(Boilerplate.from_file(package_copy)) > 20


FRAGMENTS = ["اقرأ", "أيضا", "أيضاً", ":", " ", "  ", "\u00a0", "مقالات", "ذات", "صلة", "شارك", "تويتر",
             "فيسبوك", "اترك", "رد", "الرئيسية", "\\", "أرشيفية", "-", "صورة", "www.example.com",
             "a@b.co", "Share", "SHARE", "ſhare", "function(", "الأخبار", "متعلقة", "وقال", "نص", "2013",
             "٢٠١٣", "تعليقات", "عربي", "ودولي", "سلايد", "رئيسي", "©", "x", "K", "\u212a"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8).map(" ".join))
def test_fast_matching_agrees_with_trying_every_pattern(line):
    bp = _default_bp()
    line = line.strip(" \u00a0")
    collapsed = re.sub(r"\s+", " ", line)
    naive = next((p for p in bp.patterns if re.fullmatch(p.pattern, collapsed)), None)
    assert bp.match(line) == naive


_BP: list[Boilerplate] = []


def _default_bp() -> Boilerplate:
    if not _BP:
        _BP.append(Boilerplate.from_file(default_boilerplate_path()))
    return _BP[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "نص عربي عادي في الخبر.", "تخطى إلى المحتوى", "<b>عنوان</b>", "&amp;", "\r\n", "\n", "\r", "\x00",
    "اقرأ أيضا", "عنوان مرتبط", " ", "مقالات ذات صلة"]), min_size=1, max_size=15).map("".join))
def test_spans_always_lie_inside_the_kept_text(tmp_path_factory, body):
    folder = tmp_path_factory.mktemp("prop")
    write(folder, "a.txt", "خبر\n" + body)
    (doc,) = read_documents(folder)
    assert "\r" not in doc.text and "\x00" not in doc.text
    for span in doc.excluded:
        assert 0 <= span.start < span.end <= len(doc.text)
        assert doc.text[span.start:span.end].strip() != ""
    assert len(doc.masked_text) == len(doc.text)


# --------------------------------------------------------------------------- repeated lines


def _outlet_docs(outlet: str, n: int, with_footer: int, extra: str = "") -> list[dict]:
    docs = []
    for i in range(n):
        text = f"خبر رقم {i} عن {outlet}: أعلنت الوزارة حملة جديدة.\nوقال المتحدث في البيان رقم {i} إن الحملة مستمرة.\n"
        if i < with_footer:
            text += FOOTER + "\n" + extra
        docs.append({"id": f"{outlet}-{i}", "outlet": outlet, "text": text})
    return docs


def test_repeated_lines_are_excluded_per_outlet(tmp_path):
    records = (_outlet_docs("big", 6, 4, extra="قصير\n")  # footer in 4 of 6 documents
               + _outlet_docs("small", 4, 4)  # an outlet of 4 documents is too small to judge
               + _outlet_docs("rare", 8, 2))  # 2 documents are below the minimum of 3
    path = write(tmp_path, "r.jsonl", jsonl(records))
    corpus = load_corpus(path)
    docs = {d.doc_id: d for d in corpus}
    assert excluded_texts(docs["big-0"], "repeated-line") == [FOOTER]
    assert excluded_texts(docs["big-5"]) == []
    assert excluded_texts(docs["small-0"]) == []
    assert excluded_texts(docs["rare-0"]) == []
    rows = corpus.repeated_lines()
    assert [(r.outlet, r.line, r.documents, r.outlet_documents) for r in rows] == [("big", FOOTER, 4, 6)]
    assert corpus.excluded_lines() == [
        {"outlet": "big", "line": FOOTER, "documents": 4, "outlet_documents": 6}]


def test_a_line_counts_once_per_document(tmp_path):
    records = _outlet_docs("o", 6, 0)
    records[0]["text"] += (FOOTER + "\n") * 3
    records[1]["text"] += FOOTER + "\n"
    corpus = load_corpus(write(tmp_path, "r.jsonl", jsonl(records)))
    assert corpus.repeated_lines() == []  # 2 documents, not 4 occurrences


def test_repeated_line_rule_and_switch(tmp_path):
    path = write(tmp_path, "r.jsonl", jsonl(_outlet_docs("big", 6, 4)))
    assert load_corpus(path, repeated_lines=False).repeated_lines() == []
    strict = load_corpus(path, repeated_lines=RepeatedLineRule(min_documents=5))
    assert strict.repeated_lines() == []
    docs = list(load_corpus(path, repeated_lines=False))
    assert excluded_texts(docs[0]) == []


def test_line_counts_survive_buffer_flushes(tmp_path, monkeypatch):
    from framing.corpus import cleaning as corpus_module

    monkeypatch.setattr(corpus_module._LineCounter, "FLUSH", 3)
    records = _outlet_docs("big", 6, 4) + _outlet_docs("other", 7, 7)
    corpus = load_corpus(write(tmp_path, "r.jsonl", jsonl(records)))
    assert [(r.outlet, r.documents) for r in corpus.repeated_lines()] == [("big", 4), ("other", 7)]


def test_a_repeated_boilerplate_line_is_listed_once_with_its_pattern_reason(tmp_path):
    records = [{"id": str(i), "outlet": "o", "text": f"نص الخبر رقم {i} هنا.\nمقالات ذات صلة\n"} for i in range(6)]
    corpus = load_corpus(write(tmp_path, "r.jsonl", jsonl(records)))
    docs = list(corpus)
    assert [s.reason for s in docs[0].excluded] == ["boilerplate:" + str(_pattern_line("مقالات ذات صلة"))]
    assert [(r.line, r.documents) for r in corpus.repeated_lines()] == [("مقالات ذات صلة", 6)]


def _pattern_line(line: str) -> int:
    return _default_bp().match(line).line


def test_repeated_lines_summary_without_prior_iteration(tmp_path):
    path = write(tmp_path, "r.jsonl", jsonl(_outlet_docs("big", 10, 10)))
    corpus = load_corpus(path)
    assert [(r.documents, r.outlet_documents) for r in corpus.repeated_lines()] == [(10, 10)]


# --------------------------------------------------------------------------- streaming and determinism


def test_iteration_is_repeatable_and_problems_are_not_duplicated():
    corpus = load_corpus(DATA / "folder")
    first = list(corpus.iter_documents())
    problems = list(corpus.problems)
    second = list(corpus.iter_documents())
    assert first == second
    assert corpus.problems == problems


def test_iter_documents_is_a_lazy_generator(tmp_path):
    path = write(tmp_path, "r.jsonl", jsonl(_outlet_docs("o", 50, 0)))
    corpus = load_corpus(path, repeated_lines=False)
    docs = corpus.iter_documents()
    assert not isinstance(docs, list)
    assert [d.doc_id for d in islice(docs, 2)] == ["o-0", "o-1"]
    docs.close()


def test_corpus_pickles_with_its_scan_and_another_process_recognises_the_repeated_lines(tmp_path):
    import os
    import pickle
    import subprocess
    import sys

    path = write(tmp_path, "r.jsonl", jsonl(_outlet_docs("big", 6, 4)))
    corpus = load_corpus(path)
    before = list(corpus)
    assert any(s.reason == "repeated-line" for d in before for s in d.excluded)
    clone = pickle.loads(pickle.dumps(corpus))
    assert clone._scan is not None  # line hashes are stable across processes (not hash())
    assert list(clone) == before
    # a process with another string-hash seed reads the pickled scan and excludes the same lines
    (tmp_path / "c.pickle").write_bytes(pickle.dumps(corpus))
    code = ("import pickle, sys\n"
            f"corpus = pickle.load(open({str(tmp_path / 'c.pickle')!r}, 'rb'))\n"
            "print(repr([(d.doc_id, d.excluded) for d in corpus]))\n")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert out.stdout.strip() == repr([(d.doc_id, d.excluded) for d in before])

def test_fingerprint(tmp_path):
    folder = tmp_path / "c"
    shutil.copytree(DATA / "folder", folder)
    before = load_corpus(folder).fingerprint()
    assert re.fullmatch(r"[0-9a-f]{64}", before)
    assert load_corpus(folder).fingerprint() == before
    (folder / "manifest.csv").write_text(
        (folder / "manifest.csv").read_text(encoding="utf-8").replace("ahram,", "ahram2,"), encoding="utf-8")
    changed = load_corpus(folder).fingerprint()
    assert changed != before
    (folder / "zz_unlisted.txt").write_text("نص آخر مختلف تماما.", encoding="utf-8")
    assert load_corpus(folder).fingerprint() != changed


def test_ten_megabyte_document(tmp_path):
    paragraph = "قالت مصادر مطلعة إن المفاوضات بين الطرفين دخلت مرحلة حاسمة بعد أسابيع من التعثر. " * 8 + "\n"
    text = paragraph * (10_000_000 // len(paragraph.encode()) + 1)
    write(tmp_path, "big/huge.txt", text)
    write(tmp_path, "huge.jsonl", json.dumps({"id": "h", "outlet": "o", "text": text}, ensure_ascii=False) + "\n")
    write(tmp_path, "huge.csv", "id,outlet,text\nh,o,\"" + text + "\"\n")
    start = time.perf_counter()
    for path in (tmp_path / "big", tmp_path / "huge.jsonl", tmp_path / "huge.csv"):
        # over the default 2,000,000-character bound: split at paragraphs, nothing lost
        docs = read_documents(path)
        assert [d.doc_id for d in docs] == [f"h{'uge' if path.is_dir() else ''}#{k}" for k in (1, 2, 3)]
        assert "".join(d.text for d in docs) == text
        assert all(len(d.text) <= 2_000_000 and d.text.endswith("\n") for d in docs)
        (whole,) = read_documents(path, max_document_chars=len(text))
        assert whole.text == text
    assert time.perf_counter() - start < 60


# --------------------------------------------------------------------------- in-memory tables, Parquet, shards


def _table_rows() -> list[dict]:
    return [
        {"id": "t1", "source": "صحيفة الشمال", "text": ARTICLE, "date": "2013-02-01", "section": "محليات"},
        {"id": "t2", "source": "صحيفة الجنوب", "text": "<p>" + ARTICLE + "</p>", "date": "01/02/2013"},
        {"id": "t1", "source": "صحيفة الجنوب", "text": ARTICLE + FOOTER, "date": None},
        {"id": "t4", "source": None, "text": ARTICLE, "date": "2013-02-03"},
        {"id": "t5", "source": "صحيفة الشمال", "text": "English only", "date": "2013-02-03"},
        {"id": "t6", "source": "صحيفة الشمال", "text": None, "date": "2013-02-03"},
    ]


EXPECTED_TABLE_IDS = ["t1", "t2", "t1~2", "t4"]


def _check_table_corpus(corpus, source_prefix: str) -> None:
    docs = list(corpus)
    assert [d.doc_id for d in docs] == EXPECTED_TABLE_IDS
    assert [d.outlet for d in docs] == ["صحيفة الشمال", "صحيفة الجنوب", "صحيفة الجنوب", "unknown"]
    assert docs[0].text == ARTICLE and dict(docs[0].meta)["section"] == "محليات"
    assert [d.date for d in docs] == ["2013-02-01", "2013-02-01", None, "2013-02-03"]
    assert excluded_texts(docs[1]) == ["<p>", "</p>"]
    assert docs[0].source == f"{source_prefix}:1"
    got = sorted((p.reason, p.line, p.doc_id) for p in corpus.problems)
    assert got == sorted([("html markup", 2, "t2"), ("duplicate id", 3, "t1~2"), ("missing outlet", 4, "t4"),
                          ("unsupported language", 5, "t5"), ("missing text", 6, "t6")])


def test_dataframe_corpus(tmp_path):
    import pandas as pd

    frame = pd.DataFrame(_table_rows())
    frame["date"] = pd.to_datetime(["2013-02-01", "2013-02-01", None, "2013-02-03", "2013-02-03", "2013-02-03"])
    corpus = load_corpus(frame, outlet_field="source")
    _check_table_corpus(corpus, "<DataFrame>")
    assert corpus.kind == "dataframe" and re.fullmatch(r"[0-9a-f]{64}", corpus.fingerprint())
    assert load_corpus(frame.copy(), outlet_field="source").fingerprint() == corpus.fingerprint()
    frame.loc[0, "text"] = ARTICLE + "."
    assert load_corpus(frame, outlet_field="source").fingerprint() != corpus.fingerprint()


def test_iterable_of_dicts_corpus():
    rows = _table_rows()
    corpus = load_corpus((dict(r) for r in rows), outlet_field="source")  # a generator: read into a list once
    _check_table_corpus(corpus, "<records>")
    assert [d.doc_id for d in corpus] == EXPECTED_TABLE_IDS  # re-readable
    mixed = load_corpus([rows[0], ["not", "a", "dict"], rows[1]], outlet_field="source")
    assert [d.doc_id for d in mixed] == ["t1", "t2"]
    assert [(p.reason, p.line) for p in mixed.problems if p.action == "skipped"] == [("malformed row", 2)]


def test_tables_without_the_text_field_name_the_python_option():
    import pandas as pd

    with pytest.raises(CorpusError, match=r"no column 'text' \(fields: body, source\).*text_field="):
        load_corpus(pd.DataFrame({"body": [ARTICLE], "source": ["x"]}))
    with pytest.raises(CorpusError, match="text_field="):
        load_corpus([{"body": ARTICLE}])
    with pytest.raises(CorpusError, match="empty"):
        load_corpus(pd.DataFrame({"text": []}))
    with pytest.raises(CorpusError, match="not int"):
        load_corpus(42)


def test_parquet_corpus_streams_by_row_group(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pylist(_table_rows()), path, row_group_size=2)
    corpus = load_corpus(path, outlet_field="source")
    _check_table_corpus(corpus, str(path))
    assert corpus.kind == "parquet"
    assert len(corpus.partitions()) == 3  # one per row group
    with pytest.raises(CorpusError, match="outlet"):
        load_corpus(path, outlet_field="outlet_name")


def test_glob_of_shards_reads_every_file_in_order(tmp_path):
    rows = _table_rows()
    (tmp_path / "shards").mkdir()
    write(tmp_path, "shards/part-1.jsonl.gz", gzip.compress(jsonl(rows[:3]).encode()))
    write(tmp_path, "shards/part-2.jsonl.xz", lzma.compress(jsonl(rows[3:]).encode()))
    write(tmp_path, "shards/part-0.csv", "id,source,text\nc0,صحيفة الشمال," + ARTICLE.replace("\n", " ") + "\nt1,x,"
          + ARTICLE.replace("\n", " ") + "\n")
    corpus = load_corpus(tmp_path / "shards" / "part-*", outlet_field="source")
    assert corpus.kind == "shards"
    assert [p.name for p in corpus.files] == ["part-0.csv", "part-1.jsonl.gz", "part-2.jsonl.xz"]
    docs = list(corpus)
    # duplicate ids are made unique across shards, in reading order
    assert [d.doc_id for d in docs] == ["c0", "t1", "t1~2", "t2", "t1~3", "t4"]
    assert docs[2].source.endswith("part-1.jsonl.gz:1")
    same = load_corpus([tmp_path / "shards" / n for n in ("part-0.csv", "part-1.jsonl.gz", "part-2.jsonl.xz")],
                       outlet_field="source")
    assert [d.doc_id for d in same] == [d.doc_id for d in docs]
    assert same.fingerprint() == corpus.fingerprint()
    with pytest.raises(CorpusError, match="no file matches"):
        load_corpus(tmp_path / "shards" / "*.parquet")


# --------------------------------------------------------------------------- partitions


def _read_partition(partition):
    """What a worker sends back: the documents, the problems and the repeated lines met."""
    return list(partition.iter_documents()), partition.problems, partition.line_texts


def _partition_corpora(tmp_path, monkeypatch):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from framing.corpus import folder as folder_module
    from framing.corpus import frame as frame_module
    from framing.corpus import recordfile as recordfile_module

    monkeypatch.setattr(folder_module, "_PARTITION_FILES", 3)
    monkeypatch.setattr(frame_module, "_PARTITION_ROWS", 4)
    monkeypatch.setattr(recordfile_module, "_RANGE_BYTES", 700)
    records = _outlet_docs("big", 9, 5) + _outlet_docs("other", 7, 6)
    for i, r in enumerate(records):
        r["id"] = f"d{i % 5}"  # duplicates across partitions
    folder = tmp_path / "folder"
    for i, r in enumerate(records):
        write(folder, f"{i:02d}.txt", r["text"])
    write(folder, "manifest.csv", "file,doc_id,outlet\n" + "".join(
        f"{i:02d}.txt,{r['id']},{r['outlet']}\n" for i, r in enumerate(records)))
    shards = tmp_path / "shards"
    for k in range(4):
        write(shards, f"s{k}.jsonl", jsonl(records[k * 4:(k + 1) * 4]))
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "r.parquet", row_group_size=5)
    return {
        "folder": load_corpus(folder),
        "shards": load_corpus(shards / "s*.jsonl"),
        "parquet": load_corpus(tmp_path / "r.parquet"),
        "dataframe": load_corpus(pd.DataFrame(records)),
        "jsonl": load_corpus(write(tmp_path, "r.jsonl", jsonl(records))),
    }


def test_partitions_concatenate_to_the_corpus_exactly(tmp_path, monkeypatch):
    import pickle

    for kind, corpus in _partition_corpora(tmp_path, monkeypatch).items():
        documents = list(corpus)
        problems = list(corpus.problems)
        lines = corpus.repeated_lines()
        assert any(p.reason == "duplicate id" for p in problems), kind
        assert any(s.reason == "repeated-line" for d in documents for s in d.excluded), kind
        parts = [pickle.loads(pickle.dumps(p)) for p in corpus.partitions()]
        expected = {"folder": 6, "shards": 4, "parquet": 4, "dataframe": 4}
        assert len(parts) == expected[kind] if kind in expected else len(parts) > 4, (kind, len(parts))
        results = [_read_partition(p) for p in parts]
        assert [d for docs, _p, _l in results for d in docs] == documents, kind
        assert corpus.merge_partitions([(p, lt) for _d, p, lt in results]) == problems, kind
        assert corpus.problems == problems and corpus.repeated_lines() == lines, kind


def test_partitions_read_in_worker_processes_give_the_same_documents(tmp_path, monkeypatch):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    corpus = _partition_corpora(tmp_path, monkeypatch)["folder"]
    documents = list(corpus)
    problems = list(corpus.problems)
    # spawned workers: a fresh interpreter each, with its own string-hash seed
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_read_partition, corpus.partitions()))
    assert [d for docs, _p, _l in results for d in docs] == documents
    assert corpus.merge_partitions([(p, lt) for _d, p, lt in results]) == problems


def test_resolve_duplicate_ids_matches_the_reader():
    from framing.corpus import resolve_duplicate_ids

    assert resolve_duplicate_ids(["a", "b", "a", "a~2", "a"]) == ["a", "b", "a~2", "a~2~2", "a~3"]


def test_the_parts_of_a_split_document_count_once_for_repeated_lines(tmp_path):
    signature = "مراسل الجريدة في العاصمة"
    long_text = "".join(f"{ARTICLE.strip()} ({i})\n{signature}\n" for i in range(40))
    records = [{"id": "long", "outlet": "o", "text": long_text}]
    records += [{"id": f"s{i}", "outlet": "o", "text": f"خبر قصير رقم {i} عن الطقس في المدينة.\n"} for i in range(5)]
    corpus = load_corpus(write(tmp_path, "r.jsonl", jsonl(records)), max_document_chars=1000)
    docs = list(corpus)
    parts = [d for d in docs if d.doc_id.startswith("long#")]
    assert len(parts) > 5 and all(signature in d.text for d in parts)
    # the signature repeats inside one article, not across the outlet's articles: not excluded
    assert not [s for d in docs for s in d.excluded if s.reason == "repeated-line"]
    assert corpus.repeated_lines() == []


def test_line_ranges_cut_after_newlines_and_count_lines(tmp_path):
    from framing.corpus.files import line_ranges

    lines = [f"سطر رقم {i} " * (i % 7 + 1) + "\n" for i in range(200)]
    path = write(tmp_path, "r.jsonl", "".join(lines))
    data = path.read_bytes()
    ranges = line_ranges(path, 500)
    assert len(ranges) > 5 and ranges[0][0] == 0 and ranges[-1][1] is None
    for (_start, stop, _first), (next_start, _s, _f) in pairwise(ranges):
        assert stop == next_start and data[stop - 1:stop] == b"\n"
    for start, _stop, first in ranges:
        assert first == data.count(b"\n", 0, start) + 1
    # a file that ends exactly at a cut has no empty last range
    exact = write(tmp_path, "e.jsonl", "a" * 9 + "\n" + "b" * 9 + "\n" + "c" * 9 + "\n")
    assert line_ranges(exact, 5) == [(0, 10, 1), (10, 20, 2), (20, None, 3)]


def test_a_big_jsonl_file_is_cut_into_line_ranges_that_read_like_the_whole(tmp_path, monkeypatch):
    from framing.corpus import recordfile as recordfile_module

    monkeypatch.setattr(recordfile_module, "_RANGE_BYTES", 400)
    rows = [json.dumps({"id": f"r{i % 9}", "outlet": "o", "text": f"{ARTICLE} رقم {i}"}, ensure_ascii=False)
            for i in range(40)]
    rows[7] = '{"id": "broken", "text": '
    rows[12] = ""
    body = ("\n".join(rows) + "\n").encode()
    cut = body.index("رقم 20".encode())
    path = write(tmp_path, "big.jsonl", body[:cut] + b"\xff" + body[cut:])
    corpus = load_corpus(path)
    documents = list(corpus)
    problems = list(corpus.problems)
    parts = corpus.partitions()
    assert len(parts) > 5 and {p.reader.byte_range is not None for p in parts} == {True}
    read = [d for p in parts for d in p.iter_documents()]
    assert read == documents
    assert corpus.merge_partitions(parts) == problems
    assert ("malformed row", 8) in [(p.reason, p.line) for p in problems]
    assert ("undecodable bytes", 21) in [(p.reason, p.line) for p in problems]
    # compressed: one partition
    gz = write(tmp_path, "big.jsonl.gz", gzip.compress(body))
    assert len(load_corpus(gz).partitions()) == 1
