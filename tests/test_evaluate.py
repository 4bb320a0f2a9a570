"""framing.evaluate: gold readers, scores against gold spans, misses/false positives, coding sheets.

The fixture in tests/data/evaluate/ was written for these tests: three Arabic sentences with
hand-marked spans (the same gold as JSONL, in the ArMPro layout and as a BRAT folder), a small
lexicon and a four-document corpus.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from framing.errors import ConfigError, FramingError
from framing.evaluate import (
    GoldDocument,
    GoldError,
    GoldSpan,
    evaluate,
    parse_mapping,
    read_gold,
    sample_hits,
    split_half,
)
from framing.lexicon import Lexicon

HERE = Path(__file__).resolve().parent / "data" / "evaluate"
LEX = HERE / "loaded.yaml"


def _metric(result, scope: str, name: str = "") -> dict:
    m = result.metrics
    return m[(m["scope"] == scope) & (m["name"] == name)].iloc[0].to_dict()


# --- reading gold ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gold.jsonl", "armpro.jsonl", "brat"])
def test_three_layouts_read_the_same_spans(name):
    docs = {d.doc_id: d for d in read_gold(HERE / name)}
    assert sorted(docs) == ["g1", "g2", "g3"]
    g1 = docs["g1"]
    assert [(s.label, s.text) for s in g1.spans] == [
        ("Name_Calling", "بالخونة"), ("Name_Calling", "العصابة الحاكمة"), ("Loaded_Language", "ستدفع الثمن غاليا")]
    assert all(g1.text[s.start:s.end] == s.text for s in g1.spans)
    assert docs["g3"].spans == ()


def test_jsonl_accepts_doccano_triples_and_json_lists(tmp_path):
    text = "وصف البيان المعارضين بالخونة."
    i = text.index("بالخونة")
    p = tmp_path / "gold.json"
    p.write_text(json.dumps([{"text": text, "label": [[i, i + 7, "Name_Calling"]]}], ensure_ascii=False),
                 encoding="utf-8")
    (doc,) = read_gold(p)
    assert doc.doc_id == "line1" and doc.spans[0].text == "بالخونة"


def test_compressed_gold_is_read_by_its_magic_bytes(tmp_path):
    import gzip

    p = tmp_path / "gold.data"  # the name says nothing: the gzip header does
    p.write_bytes(gzip.compress((HERE / "gold.jsonl").read_bytes()))
    assert [d.doc_id for d in read_gold(p)] == ["g1", "g2", "g3"]


def test_brat_discontinuous_span_becomes_one_span_per_fragment(tmp_path):
    text = "العصابة التي تحكم البلاد الحاكمة"
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tName_Calling 0 7;25 32\tالعصابة الحاكمة\n", encoding="utf-8")
    (doc,) = read_gold(tmp_path)
    assert [(s.text, s.id) for s in doc.spans] == [("العصابة", "T1.1"), ("الحاكمة", "T1.2")]


def test_span_outside_the_text_names_file_and_line(tmp_path):
    p = tmp_path / "gold.jsonl"
    p.write_text('{"text": "نص قصير", "spans": []}\n{"text": "نص قصير", "spans": [{"start": 3, "end": 40, '
                 '"label": "Loaded_Language"}]}\n', encoding="utf-8")
    with pytest.raises(GoldError) as exc:
        read_gold(p)
    msg = str(exc.value)
    assert f"{p}:2:" in msg and "outside the text (length 7)" in msg and "\n" not in msg


def test_offsets_that_do_not_match_the_span_text_are_refused(tmp_path):
    p = tmp_path / "gold.jsonl"
    p.write_text('{"text": "زعم المتحدث", "spans": [{"start": 0, "end": 3, "label": "Doubt", "text": "قال"}]}\n',
                 encoding="utf-8")
    with pytest.raises(GoldError, match=r"gold.jsonl:1: .*'زعم', not 'قال'"):
        read_gold(p)


def test_unknown_layout_is_a_one_line_error(tmp_path):
    p = tmp_path / "gold.jsonl"
    p.write_text('{"body": "نص", "annotations": []}\n', encoding="utf-8")
    with pytest.raises(GoldError, match=r"gold.jsonl:1: unknown gold layout \(fields \['annotations', 'body'\]\)"):
        read_gold(p)
    with pytest.raises(GoldError, match=r"no BRAT \.ann files"):
        read_gold(tmp_path)
    with pytest.raises(GoldError, match="not found"):
        read_gold(tmp_path / "missing.jsonl")


def test_brat_annotation_without_text_file(tmp_path):
    (tmp_path / "d.ann").write_text("T1\tDoubt 0 3\tزعم\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"d.ann: BRAT annotation without its text file"):
        read_gold(tmp_path)


# --- scores ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gold.jsonl", "armpro.jsonl", "brat"])
def test_scores_without_mapping(name):
    r = evaluate(HERE / name, lexicons=LEX)
    # hits: بالخونة, العصابة, زعم, غير مسبوق (on gold spans) + الحكومة, اجتماعهما (on none)
    overall = r.overall
    assert (overall["hits"], overall["correct_hits"]) == (6, 4)
    assert overall["precision"] == pytest.approx(4 / 6)
    assert (overall["gold_spans"], overall["recalled_spans"]) == (5, 4)
    assert overall["recall"] == pytest.approx(0.8)
    assert overall["f1"] == pytest.approx(2 * (4 / 6) * 0.8 / (4 / 6 + 0.8))
    # the two stance-0 hits are the false positives: valenced hits are all right
    assert (r.valenced["hits"], r.valenced["precision"]) == (4, 1.0)
    nc = _metric(r, "category", "name_calling")
    assert (nc["hits"], nc["correct_hits"], nc["recalled_spans"]) == (2, 2, 2)
    assert r.recall_of("Name_Calling") == 1.0 and r.recall_of("Loaded_Language") == 0.0
    assert math.isnan(r.recall_of("Slogans"))


def test_scores_per_lexicon_and_per_entry():
    other = Lexicon.from_entries("other", [{"term": "المتحدث", "category": "label", "stance": -0.2}])
    r = evaluate(HERE / "gold.jsonl", lexicons=[LEX, other])
    lex = _metric(r, "lexicon", "eval-test")
    assert (lex["hits"], lex["correct_hits"], lex["recalled_spans"]) == (6, 4, 4)
    assert _metric(r, "lexicon_valenced", "eval-test")["precision"] == 1.0
    # «المتحدث» overlaps no gold span: the other lexicon's one valenced hit is wrong
    assert (_metric(r, "lexicon_valenced", "other")["hits"], _metric(r, "lexicon_valenced", "other")["precision"]) \
        == (1, 0.0)
    assert r.valenced["precision"] == pytest.approx(4 / 5)
    e = r.entries.set_index("term")
    assert (e.loc["الحكومة", "hits"], e.loc["الحكومة", "precision"]) == (1, 0.0)
    assert (e.loc["عصابة", "hits"], e.loc["عصابة", "correct_hits"]) == (1, 1)
    assert list(r.entries.columns) == ["lexicon", "entry_id", "term", "category", "stance", "hits", "correct_hits",
                                       "precision"]


def test_topic_markers_with_a_stance_are_not_valenced_hits():
    """A topic marker (kind: topic) may carry an actor stance (sympathy for victims) but claims
    no loaded wording: it counts in ``overall``, not in ``valenced``."""
    text = "قصف المستشفى في المدينة، وقال البيان إن العصابة مسؤولة."
    i = text.index("العصابة")
    gold = [GoldDocument("t1", text, (GoldSpan(i, i + 7, "Name_Calling"),))]
    lex = Lexicon.from_entries("k", [{"term": "مستشفى", "category": "humanitarian", "stance": -0.2},
                                     {"term": "عصابة", "category": "name_calling", "stance": -0.8}],
                               categories={"humanitarian": "", "name_calling": ""},
                               category_kinds={"humanitarian": "topic"})
    r = evaluate(gold, lexicons=[lex])
    assert (r.overall["hits"], r.overall["correct_hits"]) == (2, 1)
    assert (r.valenced["hits"], r.valenced["precision"]) == (1, 1.0)
    assert _metric(r, "lexicon_valenced", "k")["hits"] == 1
    rows = r.hits.set_index("term")
    assert rows.loc["مستشفى", ["kind", "valenced"]].tolist() == ["topic", False]
    assert rows.loc["عصابة", ["kind", "valenced"]].tolist() == ["loaded", True]
    # the same lexicon with every category loaded: the hospital hit is a wrong valenced hit
    plain = Lexicon.from_entries("k", [{"term": e.term, "category": e.category, "stance": e.stance}
                                       for e in lex.entries])
    assert evaluate(gold, lexicons=[plain]).valenced["precision"] == 0.5


def test_each_gold_text_is_matched_by_the_lexicons_of_its_language():
    """English gold is matched by the ``language: en`` lexicons with the English rules, Arabic gold
    by the Arabic ones; a lexicon of a language the gold does not have gets no row."""
    en_text = "The regime forces shelled the town, the rebels said."
    ar_text = "قصفت قوات النظام المدينة."
    gold = [GoldDocument("e1", en_text, (GoldSpan(4, 17, "Name_Calling"),)),
            GoldDocument("a1", ar_text, (GoldSpan(5, 16, "Name_Calling"),))]
    en = Lexicon.from_entries("lab-en", [{"term": "regime forces", "category": "label", "stance": -0.6}],
                              language="en")
    ar = Lexicon.from_entries("lab-ar", [{"term": "قوات النظام", "category": "label", "stance": -0.6}])
    r = evaluate(gold, lexicons=[en, ar])
    rows = r.hits.set_index("doc_id")
    assert rows.loc["e1", ["lexicon", "matched", "correct"]].tolist() == ["lab-en", "regime forces", True]
    assert rows.loc["a1", ["lexicon", "matched", "correct"]].tolist() == ["lab-ar", "قوات النظام", True]
    assert (r.overall["hits"], r.overall["recalled_spans"]) == (2, 2)
    only_ar = evaluate(gold[1:], lexicons=[en, ar])
    assert set(only_ar.metrics.loc[only_ar.metrics["scope"] == "lexicon", "name"]) == {"lab-ar"}


def test_misses_and_false_positives_come_with_context():
    r = evaluate(HERE / "gold.jsonl", lexicons=LEX)
    (miss,) = r.misses.to_dict("records")
    assert (miss["doc_id"], miss["label"], miss["text"]) == ("g1", "Loaded_Language", "ستدفع الثمن غاليا")
    assert miss["left"].endswith("إن العصابة الحاكمة ") and miss["right"] == "."
    assert miss["source"].endswith("gold.jsonl:1")
    fps = r.false_positives
    assert sorted(fps["matched"]) == ["اجتماعهما", "الحكومة"]
    row = fps[fps["matched"] == "الحكومة"].iloc[0]
    assert row["left"] == "زعم المتحدث أن " and row["right"].startswith(" حققت إنجازا")
    assert set(fps["code"]) == {""}
    # every hit's offsets index the original text
    texts = {d.doc_id: d.text for d in read_gold(HERE / "gold.jsonl")}
    for h in r.hits.itertuples():
        assert texts[h.doc_id][h.start:h.end] == h.matched


def test_mapping_restricts_spans_and_checks_categories():
    r = evaluate(HERE / "gold.jsonl", lexicons=LEX, mapping=["Name_Calling=name_calling", "Doubt=doubt"])
    o = r.overall
    # relevant spans: two Name_Calling + one Doubt; غير مسبوق now overlaps only an unmapped label
    assert (o["gold_spans"], o["recalled_spans"], o["hits"], o["correct_hits"]) == (3, 3, 6, 3)
    assert set(r.misses["label"]) == set()
    # a wrong category: the Doubt span is missed and the hit on it is named as a near hit
    r = evaluate(HERE / "gold.jsonl", lexicons=LEX, mapping={"Doubt": "name_calling"})
    (miss,) = r.misses.to_dict("records")
    assert miss["text"] == "زعم" and miss["near_hits"] == "eval-test:زعم (doubt)"
    assert _metric(r, "category", "name_calling")["gold_spans"] == 1
    # * means any category
    r = evaluate(HERE / "gold.jsonl", lexicons=LEX, mapping=["Loaded_Language=*", "Exaggeration=*"])
    assert (r.overall["gold_spans"], r.overall["recalled_spans"]) == (2, 1)


@pytest.mark.parametrize("mapping, message", [
    (["Name_Calling"], "is not LABEL=CATEGORY"),
    (["=doubt"], "is not LABEL=CATEGORY"),
    (["Name_Calling="], "is not LABEL=CATEGORY"),
    (["Propaganda=doubt"], "no gold span has the label 'Propaganda'"),
    (["Doubt=suspicion"], "no lexicon declares the category 'suspicion'"),
])
def test_bad_mapping_is_a_config_error(mapping, message):
    with pytest.raises(ConfigError, match=message):
        evaluate(HERE / "gold.jsonl", lexicons=LEX, mapping=mapping)


def test_parse_mapping_merges_repeated_labels():
    assert parse_mapping(["A=x", "A=y,z", "B=*"]) == {"A": frozenset("xyz"), "B": frozenset("*")}
    assert parse_mapping(None) is None


def test_evaluate_in_code_with_lexicon_objects():
    lex = Lexicon.from_entries("t", [{"term": "مستنقع", "category": "loaded_language", "stance": -0.7}])
    text = "غرقت البلاد في مستنقع الحرب، ثم خرجت من المستنقع."
    i = text.index("مستنقع")
    r = evaluate([GoldDocument("x", text, (GoldSpan(i, i + 6, "Loaded_Language"),))], lexicons=[lex])
    # the second hit («المستنقع») has no gold span: precision 1/2, recall 1/1
    assert (r.overall["precision"], r.overall["recall"]) == (0.5, 1.0)
    assert list(r.hits["matched"]) == ["مستنقع", "المستنقع"]


def test_no_framing_lexicon_is_refused(tmp_path):
    p = tmp_path / "verbs.yaml"
    p.write_text("name: v\nkind: reporting_verbs\ncategories: {neutral: ''}\nentries:\n"
                 "  - {term: قال, category: neutral}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no framing lexicon"):
        evaluate(HERE / "gold.jsonl", lexicons=p)


def test_write_csvs(tmp_path):
    r = evaluate(HERE / "gold.jsonl", lexicons=LEX)
    paths = r.write(tmp_path / "out")
    assert sorted(p.name for p in paths) == ["entries.csv", "false_positives.csv", "hits.csv", "labels.csv",
                                             "metrics.csv", "misses.csv"]
    misses = (tmp_path / "out" / "misses.csv").read_text(encoding="utf-8-sig")
    assert "ستدفع الثمن غاليا" in misses
    metrics = (tmp_path / "out" / "metrics.csv").read_text(encoding="utf-8-sig").splitlines()
    assert metrics[0].startswith("scope,name,hits,correct_hits,precision")
    assert "overall,,6,4,0.6667,5,4,0.8000,0.7273" in metrics


# --- coding sheet ------------------------------------------------------------------------------


def test_sample_hits_is_seeded_and_traceable():
    sheet = sample_hits(HERE / "corpus.jsonl", 3, seed=1, lexicons=LEX)
    assert len(sheet) == 3 and list(sheet["sample"]) == [1, 2, 3]
    assert sheet.attrs["hits"] == 8 and sheet.attrs["documents"] == 4
    again = sample_hits(HERE / "corpus.jsonl", 3, seed=1, lexicons=LEX)
    assert sheet.equals(again)
    texts = {json.loads(line)["id"]: json.loads(line)["text"]
             for line in (HERE / "corpus.jsonl").read_text(encoding="utf-8").splitlines()}
    for row in sheet.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.match
    seeds = {tuple(sample_hits(HERE / "corpus.jsonl", 3, seed=s, lexicons=LEX)["match"]) for s in range(6)}
    assert len(seeds) > 1
    everything = sample_hits(HERE / "corpus.jsonl", 50, seed=0, lexicons=LEX)
    # more than there are: every hit, in corpus order («ويزعم» is another verb form: no entry)
    assert list(everything["match"]) == ["العصابة", "وزعم", "الخونة", "الحكومة", "الاجتماع", "غير مسبوق",
                                         "عصابات", "الحكومة"]


def test_sample_must_be_positive():
    with pytest.raises(FramingError, match="--sample must be a positive"):
        sample_hits(HERE / "corpus.jsonl", 0, lexicons=LEX)


def test_split_half_is_fixed():
    halves = [split_half(f"doc{i}") for i in range(200)]
    assert halves == [split_half(f"doc{i}") for i in range(200)]
    assert 70 < sum(halves) < 130


# --- command line ------------------------------------------------------------------------------


def test_cli_evaluate_prints_scores_and_writes_csvs(tmp_path):
    from typer.testing import CliRunner

    from framing.cli import app

    result = CliRunner().invoke(app, ["lexicon", "evaluate", str(HERE / "armpro.jsonl"), "-l", str(LEX),
                                      "--out", str(tmp_path / "ev")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.split()[:6] == ["overall", "6", "4", "0.67", "5", "4"] for line in lines)
    assert "[ستدفع الثمن غاليا]" in result.stdout and "eval-test:اجتماع (diplomacy)" in result.stdout
    assert (tmp_path / "ev" / "misses.csv").exists() and (tmp_path / "ev" / "false_positives.csv").exists()


def test_cli_evaluate_sample_writes_a_coding_sheet(tmp_path):
    from typer.testing import CliRunner

    from framing.cli import app

    result = CliRunner().invoke(app, ["lexicon", "evaluate", str(HERE / "corpus.jsonl"), "-l", str(LEX),
                                      "--sample", "2", "--seed", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    sheet = (tmp_path / "coding_sheet.csv").read_text(encoding="utf-8-sig").splitlines()
    assert sheet[0].startswith("sample,outlet,doc_id,start,end,left,match,right") and len(sheet) == 3


def test_cli_evaluate_user_mistakes_are_one_line(tmp_path):
    from typer.testing import CliRunner

    from framing.cli import app

    runner = CliRunner()
    for args, message in ((["--map", "Doubt"], "is not LABEL=CATEGORY"),
                          (["--map", "Slogans=doubt"], "no gold span has the label 'Slogans'")):
        result = runner.invoke(app, ["lexicon", "evaluate", str(HERE / "gold.jsonl"), "-l", str(LEX), *args])
        assert result.exit_code == 2 and message in result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "نص", "spans": [{"start": 0, "end": 9, "label": "X"}]}\n', encoding="utf-8")
    result = runner.invoke(app, ["lexicon", "evaluate", str(bad), "-l", str(LEX)])
    assert result.exit_code == 2 and f"{bad}:1: span 1 (X 0–9) is outside the text" in result.output


# --- the bundled loaded-language lexicon -------------------------------------------------------

LOADED = Path(__file__).resolve().parents[1] / "lexicons" / "loaded-ar.yaml"


def test_loaded_lexicon_is_domain_neutral_and_valenced():
    from framing.lexicon import load_lexicon

    lex = load_lexicon(LOADED)
    assert lex.kind == "framing" and lex.actors == {}
    assert set(lex.categories) == {"loaded_language", "name_calling", "exaggeration", "doubt", "fear_appeal"}
    assert all(e.actor is None and e.stance != 0 for e in lex.entries)


@pytest.mark.parametrize("text, matched, category", [
    # proclitics and the article on the first word, broken plural as its own entry
    ("وصف البيان المعارضين بالخونة.", "بالخونة", "name_calling"),
    ("هاجمت العصابة الحاكمة المتظاهرين.", "العصابة", "name_calling"),
    # feminine and definite from the bare masculine form
    ("اقتحم المستوطنون الأراضي المحتلة.", "المحتلة", "name_calling"),
    # nisba adjective from the noun, indefinite and feminine
    ("نفذت مجموعة إجرامية الهجوم.", "إجرامية", "name_calling"),
    # the indefinite accusative -ًا by rule, from the entry خطير
    ("شكّل القرار تهديداً خطيراً للسلم.", "خطيراً", "exaggeration"),
    # a verb form with a plural suffix
    ("يزعمون أن الحرب انتهت.", "يزعمون", "doubt"),
    # a multiword phrase counts once
    ("حذر من عواقب وخيمة للقرار.", "عواقب وخيمة", "fear_appeal"),
    ("غرقت البلاد في مستنقع الحرب.", "مستنقع", "loaded_language"),
    ("رضخت الحكومة للضغوط.", "رضخت", "loaded_language"),
    ("استقبل فخامة الرئيس الوفد.", "فخامة", "name_calling"),
    ("تعيش البلاد أزمة غير مسبوقة.", "غير مسبوقة", "exaggeration"),
    # issue 14's misses: the indefinite feminine label, the label after و
    ("هاجمت مجموعة إرهابية مسلحة الحاجز.", "إرهابية", "name_calling"),
    ("وصف الخطيب الاحتلال واللعين.", "واللعين", "name_calling"),
])
def test_loaded_lexicon_matches_inflected_forms(text, matched, category):
    from framing.lexicon import Matcher, load_lexicon

    hits = Matcher([load_lexicon(LOADED)]).find(text)
    assert [(h.matched, h.category) for h in hits if h.matched == matched] == [(matched, category)]
    for h in hits:
        assert text[h.start:h.end] == h.matched


def test_loaded_lexicon_leaves_neutral_news_alone():
    from framing.lexicon import Matcher, load_lexicon

    text = "عقد وزيرا الخارجية اجتماعا في القاهرة يوم الأحد وبحثا العلاقات الثنائية وسبل التعاون."
    assert Matcher([load_lexicon(LOADED)]).find(text) == []


def test_cli_evaluate_matches_through_a_morphology_db_like_compare(tmp_path):
    from typer.testing import CliRunner

    from framing.cli import app

    text = "وصلت قوات الثوار إلى المدينة."
    i = text.index("الثوار")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": text, "spans": [{"start": i, "end": i + 6, "label": "Name_Calling"}]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    lex = tmp_path / "lex.yaml"
    lex.write_text("name: t\nkind: framing\ncategories: {name_calling: ''}\nentries:\n"
                   "  - {term: ثائر, category: name_calling, stance: 0.6}\n", encoding="utf-8")
    db = Path(__file__).resolve().parent / "data" / "morphology" / "tiny-morphology.db"
    runner = CliRunner()
    plain = runner.invoke(app, ["lexicon", "evaluate", str(gold), "-l", str(lex), "--out", str(tmp_path / "a")])
    morph = runner.invoke(app, ["lexicon", "evaluate", str(gold), "-l", str(lex), "--morphology-db", str(db),
                                "--out", str(tmp_path / "b")])
    assert plain.exit_code == 0 and morph.exit_code == 0, (plain.output, morph.output)
    # the broken plural ثوار is related to ثائر only through the morphology database
    assert "overall,,0,0,,1,0,0.0000," in (tmp_path / "a" / "metrics.csv").read_text(encoding="utf-8-sig")
    assert "overall,,1,1,1.0000,1,1,1.0000,1.0000" in (tmp_path / "b" / "metrics.csv").read_text(
        encoding="utf-8-sig")
