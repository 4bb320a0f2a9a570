"""Titles are text (issue 13, item 1): a document's title is analysed like its body — lexicon
hits, attributions (a headline «بكار: مرسي …» is a colon attribution to بكار), per-document
scores — each row saying which ``field`` it is in, with offsets into that field; body rows
unchanged; ``--no-titles`` turns it off."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from framing import analysis
from framing.analysis import RunSpec, analyze_document, context_for
from framing.lexicon import load_lexicons
from framing.pipeline import CompareOptions, run_compare
from framing.records import ATTRIBUTION_SCHEMA, HIT_SCHEMA, Document, column_names
from framing.report.markdown import _highlight

# a framing lexicon written for these tests (Egyptian actors)
LEXICON = """\
name: titles-test
kind: framing
language: ar
version: 0.1.0
categories:
  actor_label: A name for an actor.
actors:
  brotherhood: President Morsi and the Muslim Brotherhood.
  israel: Israel.
  police: The Egyptian police.
entries:
  - {term: مرسي, actor: brotherhood, category: actor_label, stance: 0.0, match: name}
  - {term: الإخوان, actor: brotherhood, category: actor_label, stance: -0.2}
  - {term: إسرائيل, actor: israel, category: actor_label, stance: 0.0}
  - {term: الشرطة, actor: police, category: actor_label, stance: 0.0}
"""

# three short articles written for these tests; the first headline is the one of the issue
ARTICLES = [
    {"id": "t1", "source": "الوطن", "date": "2013-02-10", "title": "بكار: مرسي يحافظ على امن اسرائيل",
     "text": "قال نادر بكار المتحدث باسم حزب النور إن الرئيس يلتزم بالمعاهدة.\nوانتقد قرارات الحكومة."},
    {"id": "t2", "source": "الأهرام", "date": "2013-02-11", "title": "الشرطة تفرق مظاهرة أمام مقر الإخوان",
     "text": "فرقت الشرطة مظاهرة أمام مقر جماعة الإخوان في المقطم مساء أمس."},
    {"id": "t3", "source": "الأهرام", "date": "2013-02-12", "title": "",
     "text": "التقى الرئيس مرسي وفدا من رجال الأعمال."},
]


@pytest.fixture()
def lexicon_dir(tmp_path) -> Path:
    folder = tmp_path / "lex"
    folder.mkdir()
    (folder / "titles.yaml").write_text(LEXICON, encoding="utf-8")
    return folder


@pytest.fixture()
def spec_factory(lexicon_dir):
    from framing.pipeline import _split_lexicons

    framing_lex, verbs, sources = _split_lexicons(load_lexicons([str(lexicon_dir)]), lexicon_dir)
    lexicons = [*framing_lex, *verbs, *sources]  # the default verbs and neutral sources, as a run has

    def make(**kw) -> RunSpec:
        analysis._CONTEXT.clear()
        return RunSpec.from_lexicons(lexicons, topics=False, events=False, **kw)

    return make


def _doc(a: dict) -> Document:
    return Document(a["id"], a["text"], outlet=a["source"], date=a["date"], title=a["title"] or None)


def test_the_headline_of_the_issue_counts_morsi_as_reported_by_bakkar(spec_factory):
    r = analyze_document(_doc(ARTICLES[0]), context_for(spec_factory()))
    title_hits = [h for h in r.hit_rows if h["field"] == "title"]
    assert [h["term"] for h in title_hits] == ["مرسي", "إسرائيل"]
    morsi = title_hits[0]
    title = ARTICLES[0]["title"]
    assert title[morsi["start"]:morsi["end"]] == "مرسي" and morsi["matched"] == "مرسي"
    assert title[title_hits[1]["start"]:title_hits[1]["end"]] == "اسرائيل"
    # the colon attribution: the claim after «بكار:» is بكار's, so the hits in it are reported
    assert morsi["voice"] == "reported" and morsi["speaker"] == "بكار"
    attr = next(a for a in r.attribution_rows if a["field"] == "title")
    assert (attr["kind"], attr["speaker"], attr["quote_text"]) == ("reported_speech", "بكار",
                                                                 "مرسي يحافظ على امن اسرائيل")
    assert title[attr["speaker_start"]:attr["speaker_end"]] == "بكار"
    assert title[attr["quote_start"]:attr["quote_end"]] == attr["quote_text"]
    assert morsi["attribution_id"] == attr["attribution_id"]
    # the evidence sentence of a title hit is the title
    assert morsi["sentence"] == title and (morsi["sentence_start"], morsi["sentence_end"]) == (0, len(title))


def test_body_rows_are_unchanged_and_ids_follow_the_body(spec_factory):
    doc = _doc(ARTICLES[0])
    with_titles = analyze_document(doc, context_for(spec_factory()))
    without = analyze_document(doc, context_for(spec_factory(titles=False)))
    body = [h for h in with_titles.hit_rows if h["field"] == "text"]
    assert body == without.hit_rows and all(h["field"] == "text" for h in without.hit_rows)
    body_attrs = [a for a in with_titles.attribution_rows if a["field"] == "text"]
    assert body_attrs == without.attribution_rows and len(body_attrs) >= 1
    ids = [a["attribution_id"] for a in with_titles.attribution_rows]
    assert ids == list(range(1, len(ids) + 1))  # title attributions numbered after the body's
    assert not any(h["field"] == "title" for h in without.hit_rows)


def test_scores_count_title_hits_and_title_tokens(spec_factory):
    doc = _doc(ARTICLES[1])
    ctx = context_for(spec_factory())
    r = analyze_document(doc, ctx)
    k_police, k_bro = ctx.actors.index("police"), ctx.actors.index("brotherhood")
    assert r.counts[k_police] == 2 and r.counts[k_bro] == 2  # one in the title, one in the body
    assert r.hits == 4 and r.tokens == 11 + 6  # body tokens + the six title words
    off = analyze_document(doc, context_for(spec_factory(titles=False)))
    assert off.counts[k_police] == 1 and off.counts[k_bro] == 1 and off.hits == 2 and off.tokens == 11


@pytest.mark.parametrize("title", ["", "   ", None])
def test_a_document_without_title_has_only_text_rows(spec_factory, title):
    a = dict(ARTICLES[2], title=title)
    r = analyze_document(Document(a["id"], a["text"], outlet=a["source"], title=title),
                         context_for(spec_factory()))
    assert [h["field"] for h in r.hit_rows] == ["text"] and r.tokens == 7


@pytest.mark.parametrize("title, speaker", [
    ("وزارة الداخلية: الشرطة لم تطلق النار", "وزارة الداخلية"),  # a و-initial noun is a name
    ("وأضاف: الشرطة لم تطلق النار", None),  # a verb before the colon: not a headline speaker
    ("الشرطة تفرق المتظاهرين في الساعة 10:30 مساء", None),  # a time, not a colon attribution
])
def test_headline_colon_speakers(spec_factory, title, speaker):
    r = analyze_document(Document("x", "نص قصير.", outlet="A", title=title), context_for(spec_factory()))
    speakers = [a["speaker"] for a in r.attribution_rows if a["field"] == "title" and a["speaker"]]
    assert speakers == ([speaker] if speaker else [])
    police = next(h for h in r.hit_rows if h["field"] == "title")
    assert title[police["start"]:police["end"]] == "الشرطة"


def test_the_title_is_normalized_once(spec_factory, monkeypatch):
    calls: list[str] = []
    real = analysis._normalize.normalize_with_offsets

    def counting(text, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(analysis._normalize, "normalize_with_offsets", counting)
    doc = _doc(ARTICLES[0])
    analyze_document(doc, context_for(spec_factory()))
    assert calls.count(doc.title) == 1 and calls.count(doc.text) == 1 and len(calls) == 2


def test_the_field_column_is_declared_once():
    assert column_names(HIT_SCHEMA)[:3] == ["doc_id", "outlet", "field"]
    assert "field" in column_names(ATTRIBUTION_SCHEMA)


def _run(tmp_path: Path, lexicon_dir: Path, **kw):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    analysis._CONTEXT.clear()
    out = tmp_path / ("out" + "".join(f"-{k}" for k in kw))
    opts = CompareOptions(corpus=str(corpus), out=str(out), lexicons=[str(lexicon_dir)], outlet_field="source",
                          topics=False, events=False, charts=False, n_boot=20, jobs=1, overwrite=True, **kw)
    run_compare(opts)
    return out


@pytest.mark.slow
def test_a_run_writes_field_in_csv_and_parquet_and_records_the_option(tmp_path, lexicon_dir):
    out = _run(tmp_path, lexicon_dir, format="both")
    hits = pd.read_csv(out / "hits.csv")
    assert set(hits["field"]) == {"title", "text"}
    pq = pd.read_parquet(out / "hits.parquet")
    assert list(pq["field"]) == list(hits["field"])
    titles = {a["id"]: a["title"] for a in ARTICLES}
    for _, h in hits[hits["field"] == "title"].iterrows():
        assert titles[h["doc_id"]][h["start"]:h["end"]] == h["matched"]
        assert h["sentence"] == titles[h["doc_id"]]
        # report.md highlights the words of the title that matched
        assert f"**{h['matched']}**" in _highlight(h["sentence"], h["sentence_start"], h["start"], h["end"])
    attrs = pd.read_csv(out / "attributions.csv")
    assert "بكار" in set(attrs.loc[attrs["field"] == "title", "speaker"])
    docs = pd.read_csv(out / "documents.csv").set_index("doc_id")
    assert docs.loc["t1", "mentions_reported:brotherhood"] == 1  # Morsi in the headline, بكار's words
    assert docs.loc["t2", "mentions:police"] == 2
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["options"]["titles"] is True
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "**الشرطة** تفرق مظاهرة" in md  # the title's sentence in the evidence, its hit in bold


@pytest.mark.slow
def test_no_titles_scores_the_body_only(tmp_path, lexicon_dir):
    out = _run(tmp_path, lexicon_dir, titles=False, format="csv")
    hits = pd.read_csv(out / "hits.csv")
    assert set(hits["field"]) == {"text"}
    docs = pd.read_csv(out / "documents.csv").set_index("doc_id")
    assert docs.loc["t2", "mentions:police"] == 1
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["options"]["titles"] is False


def test_cli_has_the_no_titles_flag():
    from typer.testing import CliRunner

    from framing.cli import app

    result = CliRunner().invoke(app, ["compare", "--help"], env={"COLUMNS": "200"})
    assert "--no-titles" in result.output
