"""One comparison across Arabic and English: the seeds plus English fixture articles
(``tests/data/english/``, written for these tests) with a small English lexicon sharing the
actor ids of ``lexicons/syria.yaml``."""

import json
from pathlib import Path

import pandas as pd
import pytest

import framing
from framing.corpus import load_corpus
from framing.lexicon.validate import validate
from framing.report.run import load_run
from framing.report.tables import keyness

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "tests" / "data" / "english"
# the Arabic lexicons and the English verbs and sources by file, and the test's English framing
# lexicon (not the bundled syria-en.yaml: the assertions below are about this fixture's entries)
LEXICONS = [str(ROOT / "lexicons" / f) for f in ("syria.yaml", "reporting_verbs.yaml", "sources.yaml",
                                                 "reporting_verbs-en.yaml", "sources-en.yaml")] + [
    str(ENGLISH / "lexicons")]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    seeds = load_corpus(ROOT / "seeds")
    rows = [{"id": d.doc_id, "outlet": d.outlet, "date": d.date, "title": d.title, "text": d.text} for d in seeds]
    rows += [json.loads(line) for line in (ENGLISH / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    path = tmp_path_factory.mktemp("mixed") / "mixed.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    alone = framing.compare(str(ROOT / "seeds"), lexicons=LEXICONS, topics=False, n_boot=0)
    return framing.compare(str(path), lexicons=LEXICONS, topics=False, n_boot=0), alone


@pytest.mark.slow
def test_one_comparison_holds_both_languages(mixed):
    r, alone = mixed
    docs = r.documents.set_index("doc_id")
    assert docs.loc["en-wire-1", "language"] == "en" and (docs["language"] == "ar").sum() == 5
    outlets = r.outlets.set_index("outlet")
    assert outlets.loc["Syria Wire", "language"] == "en" and outlets.loc["المدن", "language"] == "ar"
    # shared actor ids: the English outlets sit in the same stance columns as the Arabic ones
    assert outlets.loc["Syria Wire", "stance:syrian_government"] < -0.3
    assert outlets.loc["Damascus Daily", "stance:syrian_government"] > 0
    # «Russian occupation» twice, both in others' words (a spokesman's quotation, "activists said")
    assert outlets.loc["Syria Wire", "mentions_reported:russia"] == 2
    assert outlets.loc["Syria Wire", "mentions:russia"] == 0
    # the Arabic documents are scored exactly as without the English ones
    cols = [c for c in alone.documents.columns if c.startswith(("stance:", "mentions:", "density:"))]
    a = alone.documents.set_index("doc_id")[cols]
    assert docs.loc[a.index, cols].equals(a)


@pytest.mark.slow
def test_english_hits_have_offsets_inflection_and_voice(mixed):
    r, _ = mixed
    texts = {json.loads(line)["id"]: json.loads(line) for line in
             (ENGLISH / "articles.jsonl").read_text(encoding="utf-8").splitlines()}
    hits = r.hits[r.hits["doc_id"].str.startswith("en-")]
    for h in hits.itertuples():
        field = texts[h.doc_id]["title" if h.field == "title" else "text"]
        assert field[h.start:h.end] == h.matched
    body = hits[(hits["doc_id"] == "en-wire-1") & (hits["field"] == "text")]
    assert {"shelled", "opened fire", "rebels", "civilians"} <= set(body["matched"])
    quoted = body[body["matched"] == "Russian occupation"]
    assert list(quoted["voice"]) == ["reported"]  # inside the spokesman's quotation
    daily = hits[hits["doc_id"] == "en-daily-1"]
    assert "Russia's" in set(daily["matched"]) and "terrorist groups" in set(daily["term"])


@pytest.mark.slow
def test_terms_and_events_never_mix_languages(mixed):
    r, _ = mixed
    assert set(r.terms["language"]) <= {"ar", "en"}
    for language, group in r.terms.groupby("language"):
        outlets = set(r.outlets.loc[r.outlets["language"].str.contains(language), "outlet"])
        assert set(group["outlet"]) <= outlets
    docs = r.documents
    for _, group in docs.groupby("event_id"):
        assert group["language"].nunique() == 1


@pytest.mark.slow
def test_the_report_shows_each_outlets_language(mixed, tmp_path):
    r, alone = mixed
    r.save(tmp_path / "mixed")
    md = (tmp_path / "mixed" / "report.md").read_text(encoding="utf-8")
    header = next(line for line in md.splitlines() if line.startswith("| outlet | docs |"))
    assert header.startswith("| outlet | docs | language | tokens |")
    assert any(line.startswith("| Syria Wire | 2 | en |") for line in md.splitlines())
    alone.save(tmp_path / "alone")  # one language: no language column
    md = (tmp_path / "alone" / "report.md").read_text(encoding="utf-8")
    assert "| language |" not in md


def test_validate_reports_an_actor_of_one_language(tmp_path):
    (tmp_path / "en.yaml").write_text(
        "name: en-x\nkind: framing\nlanguage: en\nversion: '1'\ndescription: d\n"
        "categories:\n  actor_label: labels\n"
        "actors:\n  russia: Russia\n  white_helmets: Syria Civil Defence\n"
        "entries:\n  - {term: Kremlin, actor: russia, category: actor_label, match: name}\n"
        "  - {term: White Helmets, actor: white_helmets, category: actor_label}\n", encoding="utf-8")
    (tmp_path / "ar.yaml").write_text(
        "name: ar-x\nkind: framing\nlanguage: ar\nversion: '1'\ndescription: d\n"
        "categories:\n  actor_label: labels\nactors:\n  russia: روسيا\n"
        "entries:\n  - {term: الكرملين, actor: russia, category: actor_label}\n", encoding="utf-8")
    issues = [i for i in validate(tmp_path) if i.code == "one-language"]
    assert [(Path(i.path).name, i.line, i.severity) for i in issues] == [("en.yaml", 10, "warning")]
    assert "actor 'white_helmets' exists in the 'en' lexicons only" in issues[0].message
    (tmp_path / "ar.yaml").unlink()  # one language only: nothing to compare with, no warning
    assert not [i for i in validate(tmp_path) if i.code == "one-language"]


def test_an_english_document_is_analysed_with_english_rules():
    from framing.analysis import RunSpec, analyze_document, context_for
    from framing.lexicon import load_lexicons
    from framing.records import Document

    spec = RunSpec.from_lexicons(load_lexicons(LEXICONS), topics=True, events=True)
    text = ("Regime forces shelled the rebels' positions near Idlib on Tuesday, the Syrian Observatory said.\n"
            "\u201cThe regime\u2019s shelling never stops,\u201d a resident told Syria Wire.")
    doc = Document("e1", text, outlet="Syria Wire", title="Regime Forces Shell Idlib", language="en")
    r = analyze_document(doc, context_for(spec))
    assert r.language == "en" and r.units is None  # no topic units: the topic model reads Arabic
    assert {"shelled", "rebels", "positions", "idlib", "regime", "shelling"} <= set(r.term_counts)
    assert not {"the", "on", "never", "rebels'", "regime's"} & set(r.term_counts)
    assert r.event.title == "Regime Forces Shell Idlib"  # as written, features from the folded words
    matched = [(h["field"], h["matched"], h["voice"]) for h in r.hit_rows]
    assert ("title", "Regime Forces", "authorial") in matched
    assert ("text", "Regime forces", "reported") in matched  # "…, the Syrian Observatory said."
    assert ("text", "regime\u2019s", "reported") in matched  # inside the resident's quotation
    speakers = {(a["kind"], a["speaker"], a["cue"]) for a in r.attribution_rows}
    assert ("direct_quote", "resident", "told") in speakers
    assert r.tokens == len(text.split()) + 4


@pytest.mark.slow
def test_term_counts_keep_both_languages(mixed, tmp_path):
    """``term_counts.parquet`` (keyness over a finished run) holds the English outlets' counts
    too, not only the Arabic ones."""
    r, _ = mixed
    r.save(tmp_path / "run")
    tc = pd.read_parquet(tmp_path / "run" / "term_counts.parquet")
    english = set(tc.loc[tc["outlet"] == "Syria Wire", "term"])
    assert {"rebels", "regime"} <= english
    arabic = tc.loc[tc["outlet"] == "المدن", "term"]
    assert len(arabic) and arabic.str.contains("[\u0600-\u06ff]").all()
    table = keyness(load_run(tmp_path / "run"), "Syria Wire", top=5, min_count=1)
    over = table.loc[table["side"] == "target", "term"]
    assert len(over) and not over.str.contains("[\u0600-\u06ff]").any()
