"""Event grouping, copies, manifest overrides and the side-by-side tables (framing.events)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.errors import ConfigError, NotFittedError
from framing.events import (
    ASSIGNMENT_COLUMNS,
    EVENT_COLUMNS,
    EventGrouper,
    group_events,
    light_stem,
    side_by_side,
)
from framing.lexicon import Lexicon, Matcher
from framing.records import Document
from framing.report.markdown import side_by_side_markdown

DOCS = Path(__file__).resolve().parent / "data" / "events" / "docs.jsonl"

# what a reader sees in tests/data/events/docs.jsonl (dated): the beating filmed at the
# Ittihadiya palace (a1, b1, c1 and k1, a copy of b1), gold prices (d1, e1), the tourism
# minister in Tehran (f1, g1); the football preview (h1) and the trial ten days after the
# beating (m1) stand alone.
EXPECTED_DATED = [{"a1", "b1", "c1", "k1"}, {"d1", "e1"}, {"f1", "g1"}, {"h1"}, {"m1"}]


def load_docs(dated: bool = True) -> list[Document]:
    docs = []
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        docs.append(Document(r["id"], r["text"], outlet=r["outlet"], date=r["date"] if dated else None,
                             title=r["title"]))
    return docs


def groups(result) -> list[set[str]]:
    a = result.assignments
    return sorted((set(g["doc_id"]) for _, g in a.groupby("event_id")), key=lambda s: sorted(s))


def run(docs, **params):
    params.setdefault("lexicons", None)
    params.setdefault("stopwords", None)
    return group_events(docs, **params)


# --- grouping -------------------------------------------------------------------------------------


def test_grouping_with_dates_matches_a_reader():
    res = run(load_docs())
    assert groups(res) == sorted(EXPECTED_DATED, key=lambda s: sorted(s))
    a = res.assignments.set_index("doc_id")
    assert list(res.assignments.columns) == ASSIGNMENT_COLUMNS
    assert list(res.events.columns) == EVENT_COLUMNS
    # ids ordered by first date: the beating (1 Feb) is E0001, gold (2 Feb) E0002, ...
    assert a.loc["a1", "event_id"] == "E0001" and a.loc["d1", "event_id"] == "E0002"
    assert a.loc["h1", "event_id"] == "E0003" and a.loc["f1", "event_id"] == "E0004"
    ev = res.events.set_index("event_id")
    beating = ev.loc["E0001"]
    assert (beating["date_start"], beating["date_end"]) == ("2013-02-01", "2013-02-02")
    assert beating["n_docs"] == 4 and beating["n_independent"] == 3
    assert beating["outlets"] == "fjp; shorouk; watan; youm7"
    assert beating["independent_outlets"] == "fjp; shorouk; watan"
    assert beating["doc_ids"] == "a1; b1; c1; k1"
    assert beating["multi_outlet"] and beating["source"] == "content"
    assert "(2013-02-01 – 2013-02-02)" in beating["label"]
    assert not ev.loc["E0003", "multi_outlet"]  # the football preview: one outlet
    assert set(res.multi_outlet()["event_id"]) == {"E0001", "E0002", "E0004"}
    assert res.info["method"] == "tfidf_average_linkage" and res.info["documents"] == 10


def test_date_window_separates_a_later_event_of_the_same_story():
    docs = load_docs()
    assert run(docs).assignments.set_index("doc_id").loc["m1", "event_id"] == "E0005"
    # with a window wide enough to reach 12 Feb the trial may join the beating's documents
    wide = run(docs, window_days=15).assignments.set_index("doc_id")["event_id"]
    assert wide["m1"] == wide["a1"]


def test_grouping_without_dates_uses_content_only():
    res = run(load_docs(dated=False))
    g = groups(res)
    # without dates, the trial (same actors, same place) joins the beating: content only
    assert {"a1", "b1", "c1", "k1", "m1"} in g
    assert {"d1", "e1"} in g and {"f1", "g1"} in g and {"h1"} in g
    assert res.events["date_start"].isna().all()
    assert res.info["undated"] == 10
    assert not any("(" in label for label in res.events["label"])


def test_mixed_dates_an_undated_report_joins_its_dated_event():
    docs = load_docs()
    docs = [replace(d, date=None) if d.doc_id == "c1" else d for d in docs]
    a = run(docs).assignments.set_index("doc_id")
    assert a.loc["c1", "event_id"] == a.loc["a1", "event_id"]
    assert pd.isna(a.loc["c1", "date"])
    assert a.loc["d1", "event_id"] != a.loc["c1", "event_id"]


def test_threshold_controls_tightness():
    docs = load_docs()
    loose = groups(run(docs, threshold=0.01, window_days=30))
    tight = groups(run(docs, threshold=0.95))
    assert len(loose) < len(EXPECTED_DATED)
    # only the copy stays with its original when nothing reaches the threshold
    assert {"b1", "k1"} in tight and len(tight) == 9


def test_same_input_gives_the_same_ids():
    a = run(load_docs()).assignments
    b = run(load_docs()).assignments
    pd.testing.assert_frame_equal(a, b)
    shuffled = run(list(reversed(load_docs()))).assignments.set_index("doc_id").loc[a["doc_id"]]
    assert shuffled["event_id"].tolist() == a["event_id"].tolist()


def test_labels_use_distinctive_title_words_without_stop_words():
    res = run(load_docs(), stopwords=["في", "من", "عند", "أمام", "مع", "إلى"])
    label = res.events.set_index("event_id").loc["E0002", "label"]
    assert "الذهب" in label and " في " not in f" {label} "
    assert label.endswith("(2013-02-02 – 2013-02-03)")


# --- manifest overrides ------------------------------------------------------------------------------


def test_manifest_event_overrides_content():
    docs = load_docs()
    # a researcher puts the gold report d1 and the football preview h1 into one event by hand
    docs = [replace(d, event="gold-and-football") if d.doc_id in ("d1", "h1") else d for d in docs]
    res = run(docs)
    a = res.assignments.set_index("doc_id")
    assert a.loc["d1", "event_id"] == a.loc["h1", "event_id"] == "gold-and-football"
    assert a.loc["d1", "event_source"] == "manifest"
    assert a.loc["e1", "event_id"] not in ("gold-and-football", a.loc["d1", "event_id"])
    assert a.loc["e1", "event_source"] == "content"
    ev = res.events.set_index("event_id").loc["gold-and-football"]
    assert ev["source"] == "manifest" and ev["doc_ids"] == "d1; h1" and ev["outlets"] == "masrawy"


def test_manifest_ids_never_collide_with_generated_ids():
    docs = load_docs()
    docs = [replace(d, event="E0001") if d.doc_id == "h1" else d for d in docs]
    res = run(docs)
    a = res.assignments.set_index("doc_id")
    assert a.loc["h1", "event_id"] == "E0001"
    assert a.loc["a1", "event_id"] != "E0001"
    assert res.events["event_id"].is_unique


def test_copy_of_a_manifest_document_follows_it():
    docs = load_docs()
    docs = [replace(d, event="beating") if d.doc_id == "b1" else d for d in docs]
    a = run(docs).assignments.set_index("doc_id")
    assert a.loc["k1", "event_id"] == "beating" and a.loc["k1", "duplicate_of"] == "b1"


# --- copies ----------------------------------------------------------------------------------------


def test_near_duplicate_is_flagged_and_not_independent():
    a = run(load_docs()).assignments.set_index("doc_id")
    assert a.loc["k1", "duplicate_of"] == "b1"
    assert a.loc["k1", "duplicate_similarity"] >= 0.9
    assert not a.loc["k1", "independent"]
    # same event, different wording: not a copy
    for doc in ("a1", "b1", "c1", "d1", "e1", "f1", "g1"):
        assert pd.isna(a.loc[doc, "duplicate_of"]) and a.loc[doc, "independent"]


def test_copy_points_to_the_earliest_document_across_outlets_and_dates():
    base = Document("x1", "نص مشترك من وكالة الأنباء " * 3 + "عن اجتماع مجلس الوزراء اليوم لبحث أزمة الوقود "
                    "وتوفير السولار للمخابز ومحطات الكهرباء في المحافظات كافة قبل نهاية الأسبوع الجاري",
                    outlet="A", date="2013-02-05")
    later = replace(base, doc_id="x2", outlet="B", date="2013-02-20")  # republished two weeks later
    earlier = replace(base, doc_id="x3", outlet="C", date="2013-02-01")
    res = run([base, later, earlier])
    a = res.assignments.set_index("doc_id")
    assert pd.isna(a.loc["x3", "duplicate_of"])
    assert a.loc["x1", "duplicate_of"] == "x3" and a.loc["x2", "duplicate_of"] == "x3"
    assert a.loc["x2", "duplicate_similarity"] == 1.0
    ev = res.events.iloc[0]
    assert len(res.events) == 1 and ev["n_independent"] == 1 and not ev["multi_outlet"]
    assert (ev["date_start"], ev["date_end"]) == ("2013-02-01", "2013-02-20")


def test_duplicate_threshold_is_respected():
    a1, b1 = Document("p", "الرئيس يلتقي وزير الخارجية لبحث ملف المياه مع إثيوبيا والسودان في القاهرة اليوم "
                      "ويؤكد أن مصر لن تفرط في حقوقها التاريخية في مياه نهر النيل مهما كانت الظروف", outlet="A"), None
    b1 = Document("q", a1.text.replace("اليوم", "أمس").replace("القاهرة", "الإسكندرية"), outlet="B")
    loose = run([a1, b1], duplicate_threshold=0.5).assignments.set_index("doc_id")
    strict = run([a1, b1], duplicate_threshold=0.99).assignments.set_index("doc_id")
    assert loose.loc["q", "duplicate_of"] == "p"
    assert pd.isna(strict.loc["q", "duplicate_of"])


# --- parameters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{"threshold": 0}, {"threshold": 1.5}, {"window_days": -1},
                                    {"duplicate_threshold": 0}, {"title_share": 2}, {"min_outlets": 0}])
def test_bad_parameters_are_config_errors(params):
    with pytest.raises(ConfigError):
        run(load_docs(), **params)


def test_not_fitted_and_empty_and_duplicate_ids():
    with pytest.raises(NotFittedError):
        EventGrouper().result  # noqa: B018
    empty = run([])
    assert empty.assignments.empty and list(empty.events.columns) == EVENT_COLUMNS
    with pytest.raises(ConfigError, match="more than once"):
        run([Document("x", "نص أول"), Document("x", "نص ثان")])


def test_unparseable_date_is_undated_with_a_warning():
    res = run([Document("x", "نص", date="أمس"), Document("y", "نص آخر", date="2013-02-01 10:00:00")])
    a = res.assignments.set_index("doc_id")
    assert pd.isna(a.loc["x", "date"]) and a.loc["y", "date"] == "2013-02-01"
    assert any("not YYYY-MM-DD" in w for w in res.info["warnings"])


def test_grouper_uses_lexicon_actor_words():
    lex = Lexicon.from_entries("t", [{"term": "الاتحادية", "actor": "presidency", "category": "place"}])
    g = EventGrouper(lexicons=[lex], stopwords=None).fit(load_docs())
    assert g.info_["entity_words"] == 1
    assert g.events_ is g.result_.events


@pytest.mark.parametrize("word, stem", [("والرئيس", "رئيس"), ("للشرطه", "شرطه"), ("الاتحاديه", "اتحاديه"),
                                        ("بالقاهره", "قاهره"), ("وزير", "وزير"), ("ولد", "ولد")])
def test_light_stem(word, stem):
    assert light_stem(word) == stem


# --- seeds (the project's bundled corpus, when present) -------------------------------------------

#: dates as a reader finds them in the seed texts
SEED_DATES = {"000": "2019-05-20", "001": "2019-05-14", "002": "2021-06-27", "003": "2020-02-18",
              "004": "2021-06-26"}


def test_seeds_grouping_matches_a_reader(seeds_dir):
    files = sorted(seeds_dir.glob("*.txt"))
    assert len(files) == 5, files
    docs = [Document(p.stem[:3], p.read_text(encoding="utf-8"), outlet=f"o{p.stem[:3]}",
                     date=SEED_DATES[p.stem[:3]]) for p in files]
    g = groups(group_events(docs))
    assert g == [{"000"}, {"001"}, {"002", "004"}, {"003"}]


# --- side by side ---------------------------------------------------------------------------------

LEX = Lexicon.from_entries("demo", [
    {"term": "الاحتلال الروسي", "actor": "russia", "category": "actor_label", "stance": -1.0},
    {"term": "روسيا", "actor": "russia", "category": "actor_label", "stance": 0.0},
    {"term": "قوات النظام", "actor": "syrian_government", "category": "actor_label", "stance": -0.6},
    {"term": "الجيش السوري", "actor": "syrian_government", "category": "actor_label", "stance": 0.5},
    {"term": "القوات السورية", "actor": "syrian_government", "category": "actor_label", "stance": 0.0},
    {"term": "الإرهابيين", "category": "delegitimizing", "stance": -1.0},
    {"term": "تصعيد", "category": "escalation", "stance": -0.3},
])

SBS_DOCS = {
    "A-1": ("A", "قصفت قوات النظام بلدات ريف إدلب بدعم من الاحتلال الروسي. وقال ناشطون إن الاحتلال الروسي "
                 "يواصل التصعيد.\nوقال المرصد السوري إن روسيا تتحمل المسؤولية."),
    "B-1": ("B", "تقدم الجيش السوري في ريف إدلب بعد معارك مع الإرهابيين. وأكدت القوات السورية سيطرتها على "
                 "بلدات جديدة."),
    "B-2": ("B", "نقلت وكالة سانا أن الجيش السوري يواصل عملياته ضد الإرهابيين في إدلب."),
    "C-1": ("C", "نقلت وكالة سانا أن الجيش السوري يواصل عملياته ضد الإرهابيين في إدلب."),
    "X-1": ("A", "خبر آخر عن الاحتلال الروسي في حدث مختلف."),
}


def sbs_inputs():
    rows, hits = [], []
    matcher = Matcher([LEX])
    for doc_id, (outlet, text) in SBS_DOCS.items():
        rows.append({"doc_id": doc_id, "outlet": outlet, "date": "2020-02-01",
                     "event_id": "E9" if doc_id == "X-1" else "E1",
                     "duplicate_of": "B-2" if doc_id == "C-1" else None})
        for h in matcher.find(text, doc_id=doc_id):
            voice = "reported" if doc_id == "A-1" and h.start > text.index("وقال المرصد") else "authorial"
            hits.append({"doc_id": doc_id, "outlet": outlet, "lexicon": h.lexicon, "actor": h.actor,
                         "category": h.category, "term": h.term, "matched": h.matched, "start": h.start,
                         "end": h.end, "stance": h.stance, "voice": voice,
                         "speaker": "المرصد السوري" if voice == "reported" else None,
                         "sentence_start": h.sentence_start, "sentence_end": h.sentence_end,
                         "sentence": text[h.sentence_start:h.sentence_end]})
    attributions = pd.DataFrame([
        {"doc_id": "A-1", "outlet": "A", "speaker": "ناشطون", "source_type": "activists", "cue": "وقال"},
        {"doc_id": "A-1", "outlet": "A", "speaker": "المرصد السوري", "source_type": "ngo", "cue": "وقال"},
        {"doc_id": "B-2", "outlet": "B", "speaker": "سانا", "source_type": "syrian_official", "cue": "نقلت"},
        {"doc_id": "B-1", "outlet": "B", "speaker": "سانا", "source_type": "syrian_official", "cue": "أكدت"},
        {"doc_id": "X-1", "outlet": "A", "speaker": "غيرهم", "source_type": "other", "cue": "قال"},
    ])
    topic_mix = pd.DataFrame([
        {"doc_id": "A-1", "outlet": "A", "topic": 0, "label": "قصف ومدنيون", "share": 0.7},
        {"doc_id": "A-1", "outlet": "A", "topic": 1, "label": "معارك", "share": 0.3},
        {"doc_id": "B-1", "outlet": "B", "topic": 1, "label": "معارك", "share": 0.9},
        {"doc_id": "B-1", "outlet": "B", "topic": 0, "label": "قصف ومدنيون", "share": 0.1},
        {"doc_id": "B-2", "outlet": "B", "topic": 1, "label": "معارك", "share": 0.5},
        {"doc_id": "B-2", "outlet": "B", "topic": 2, "label": "إرهاب", "share": 0.5},
    ])
    texts = {k: v[1] for k, v in SBS_DOCS.items()}
    return pd.DataFrame(rows), pd.DataFrame(hits), attributions, topic_mix, texts


def test_side_by_side_labels_per_actor_and_outlet():
    assignments, hits, attributions, topic_mix, texts = sbs_inputs()
    sbs = side_by_side("E1", assignments, hits, attributions, topic_mix, texts)
    assert sbs.outlets == ("A", "B", "C")
    wide = sbs.wide("labels")
    assert wide.loc["russia", "A"] == "«الاحتلال الروسي» ×2 (−1.0)"
    assert wide.loc["russia", "B"] == ""
    assert wide.loc["syrian_government", "A"] == "«قوات النظام» ×1 (−0.6)"
    assert wide.loc["syrian_government", "B"] == "«الجيش السوري» ×2 (+0.5); «القوات السورية» ×1 (0)"
    labels = sbs.labels.set_index(["actor", "outlet"])
    assert labels.loc[("syrian_government", "B"), "mentions"] == 3
    assert labels.loc[("syrian_government", "B"), "mean_stance"] == pytest.approx(1 / 3, abs=1e-3)
    # «روسيا» in the observatory's quoted words is reported speech, not the outlet's own label
    assert labels.loc[("russia", "A"), "mentions"] == 2
    assert labels.loc[("russia", "A"), "reported"] == "«روسيا» ×1 (0)"
    assert sbs.wide("reported").loc["russia", "A"] == "«روسيا» ×1 (0)"
    # the copy C-1 (of B-2) and the other event's X-1 are left out
    assert "C" not in set(sbs.labels["outlet"])
    assert sbs.copies.to_dict("records") == [{"doc_id": "C-1", "outlet": "C", "duplicate_of": "B-2",
                                              "duplicate_outlet": "B"}]
    with_copies = side_by_side("E1", assignments, hits, include_copies=True)
    assert with_copies.wide("labels").loc["syrian_government", "C"] == "«الجيش السوري» ×1 (+0.5)"


def test_side_by_side_terms_sources_topics():
    assignments, hits, attributions, topic_mix, texts = sbs_inputs()
    sbs = side_by_side("E1", assignments, hits, attributions, topic_mix, texts)
    terms = sbs.wide("loaded_terms")
    assert terms.loc["delegitimizing", "B"] == "«الإرهابيين» ×2"
    assert terms.loc["escalation", "A"] == "«تصعيد» ×1"
    sources = sbs.wide("sources")
    assert sources.loc["sources", "B"] == "سانا ×2"
    assert sources.loc["sources", "A"] == "المرصد السوري ×1; ناشطون ×1"
    src = sbs.sources.set_index(["outlet", "speaker"])
    assert src.loc[("B", "سانا"), "cues"] == "نقلت; أكدت"
    topics = sbs.topics.set_index(["outlet", "rank"])
    assert topics.loc[("A", 1), "label"] == "قصف ومدنيون" and topics.loc[("A", 1), "share"] == pytest.approx(0.7)
    assert topics.loc[("B", 1), "label"] == "معارك" and topics.loc[("B", 1), "share"] == pytest.approx(0.7)
    assert sbs.wide("topics").loc["topics", "B"] == "معارك 70%; إرهاب 25%; قصف ومدنيون 5%"


def test_side_by_side_evidence_sentences_with_offsets():
    assignments, hits, attributions, topic_mix, texts = sbs_inputs()
    sbs = side_by_side("E1", assignments, hits, attributions, topic_mix, texts)
    ev = sbs.evidence
    a = ev[ev["outlet"] == "A"].iloc[0]
    assert a["sentence"] == "قصفت قوات النظام بلدات ريف إدلب بدعم من الاحتلال الروسي."
    assert a["n_hits"] == 2 and a["terms"] == "قوات النظام; الاحتلال الروسي"
    assert texts[a["doc_id"]][a["start"]:a["end"]] == a["sentence"]
    b = ev[ev["outlet"] == "B"]
    assert len(b) == 2 and b.iloc[0]["doc_id"] == "B-1" and b.iloc[0]["n_hits"] == 2
    for r in ev.itertuples():
        assert texts[r.doc_id][r.start:r.end] == r.sentence


def test_side_by_side_without_hits_falls_back_to_the_lead_sentence():
    assignments, _, _, _, texts = sbs_inputs()
    sbs = side_by_side("E1", assignments, None, texts=texts)
    assert sbs.labels.empty and sbs.sources.empty and sbs.topics.empty
    a = sbs.evidence.set_index("outlet").loc["A"]
    assert a["n_hits"] == 0 and a["sentence"].startswith("قصفت قوات النظام")


def test_side_by_side_markdown_renders_the_tables():
    assignments, hits, attributions, topic_mix, texts = sbs_inputs()
    md = side_by_side_markdown(side_by_side("E1", assignments, hits, attributions, topic_mix, texts))
    assert md.startswith("Outlets: A (2 documents)".replace("2 documents", "1 document"))
    assert "| actor | A | B | C |" in md
    assert "| syrian_government | «قوات النظام» ×1 (−0.6) | «الجيش السوري» ×2 (+0.5); «القوات السورية» ×1 (0) |  |" in md
    assert "Copies (not counted as independent framing): C C-1 copies B B-2." in md
    assert "- A A-1 [0:56]: «قصفت قوات النظام بلدات ريف إدلب بدعم من الاحتلال الروسي.»" in md
    assert "**Sources cited**" in md and "سانا ×2" in md


def test_side_by_side_needs_event_columns():
    with pytest.raises(ConfigError, match="event_id"):
        side_by_side("E1", pd.DataFrame({"doc_id": ["x"], "outlet": ["A"]}), None)


def test_side_by_side_on_grouped_events_end_to_end():
    docs = load_docs()
    res = run(docs)
    lex = Lexicon.from_entries("egypt", [
        {"term": "قوات الأمن", "actor": "police", "category": "actor_label", "stance": 0.0},
        {"term": "الأمن المركزي", "actor": "police", "category": "actor_label", "stance": 0.0},
        {"term": "جنود", "actor": "police", "category": "actor_label", "stance": 0.0},
        {"term": "سحل", "category": "violence", "stance": -1.0},
    ])
    m = Matcher([lex])
    outlet = {d.doc_id: d.outlet for d in docs}
    hits = pd.DataFrame([{"doc_id": h.doc_id, "outlet": outlet[h.doc_id], "actor": h.actor, "category": h.category,
                          "term": h.term, "matched": h.matched, "start": h.start, "end": h.end, "stance": h.stance,
                          "voice": "authorial", "sentence_start": h.sentence_start, "sentence_end": h.sentence_end}
                         for d in docs for h in m.find(d.text, doc_id=d.doc_id)])
    texts = {d.doc_id: d.text for d in docs}
    event = res.assignments.set_index("doc_id").loc["a1", "event_id"]
    sbs = side_by_side(event, res.assignments, hits, texts=texts)
    assert sbs.outlets == ("fjp", "shorouk", "watan", "youm7")
    assert set(sbs.docs["doc_id"]) == {"a1", "b1", "c1", "k1"}
    # «قوات الأمن المركزي»: the leftmost of two overlapping entries wins
    assert sbs.wide("labels").loc["police", "watan"] == "«قوات الأمن» ×1 (0); «جنود» ×1 (0)"
    # «جنودا» (indefinite accusative) counts as «جنود» by the suffix rule
    assert sbs.wide("labels").loc["police", "shorouk"] == "«جنود» ×1 (0); «الأمن المركزي» ×1 (0)"
    assert sbs.wide("labels").loc["police", "youm7"] == ""  # k1 is a copy of b1
    for r in sbs.evidence.itertuples():
        assert texts[r.doc_id][r.start:r.end] == r.sentence


@pytest.mark.parametrize("text", [
    "سحل المواطن حمادة صابر أمام قصر الاتحادية وقالت وزارة الداخلية إنها ستحقق في الواقعة " * 12,
    "ﻻ " + "قالت الرئاسة في بيان إن الحوار الوطني مستمر " * 20,  # a presentation form: the lead is normalized alone
    "قصير",
])
def test_features_from_the_analysis_normalization_equal_the_plain_path(text):
    from framing.normalize import WORD_RE, normalize_with_offsets

    f = EventGrouper(lexicons=None).featurizer()
    doc = Document("d1", text, outlet="A", title="سحل حمادة صابر في ميدان التحرير")
    norm = normalize_with_offsets(text)
    a = f.features(doc)
    b = f.features(doc, masked=text, normalized=norm, tokens=WORD_RE.findall(norm.text))
    for name in ("title_features", "lead_features", "signature"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist()
    assert (a.shingles, a.exact) == (b.shingles, b.exact)


LEAD_TEXT = ("القاهرة - قالت وزارةُ الداخلية، في بيانٍ مساء الجمعة: إن «قوات الأمن» ستحقق في سحل المواطن "
             "حمادة صابر أمام قصر الاتحادية (٢٠١٣)... وأضافت أن 3 ضباط أُحيلوا للتحقيق")


def test_lead_words_cut_from_the_text_words_equal_the_words_of_the_prefix():
    from framing.events import _lead_words
    from framing.normalize import WORD_RE, normalize_ar, normalize_with_offsets

    norm = normalize_with_offsets(LEAD_TEXT)
    for end in range(len(LEAD_TEXT) + 3):  # in a word, at its end, in a gap, past the text
        got = _lead_words(LEAD_TEXT, norm, end)
        assert got == WORD_RE.findall(normalize_ar(LEAD_TEXT[:end])), end
    assert _lead_words(LEAD_TEXT, norm, 16) == ["القاهره", "قالت", "و"]  # «وزارةُ» cut after its first letter


def test_signature_from_the_text_word_set_equals_the_plain_one(monkeypatch):
    import framing.events as events
    from framing.normalize import WORD_RE, normalize_ar

    words = WORD_RE.findall(normalize_ar(LEAD_TEXT * 3))
    expected = events._MinHasher(64, 42).signature_of_words(words)
    for limit in (events._WORD_CACHE_LIMIT, 5):  # also with the bounded cache emptied on the way
        monkeypatch.setattr(events, "_WORD_CACHE_LIMIT", limit)
        hasher = events._MinHasher(64, 42)
        for distinct in (set(words), set(words[:4]), set(words)):  # a wrong set is caught, never used
            sig, size, exact = hasher.signature_of_words(words, distinct)
            assert (sig.tolist(), size, exact) == (expected[0].tolist(), expected[1], expected[2])
    assert expected[1] == len({tuple(words[i:i + 3]) for i in range(len(words) - 2)})


def test_hashed_features_are_the_hashes_of_the_features(monkeypatch):
    import framing.events as events

    f = EventGrouper(lexicons=None, entity_weight=3).featurizer()
    title = "قصف مدينة حلب والرئيس يلتقي وزير الدفاع في حلب"
    words = events.WORD_RE.findall(events.normalize_ar(title))
    expected = f._hash(f._words.features(title))
    assert f._words.hashed(words).tolist() == expected.tolist()
    # «حلب» after the cue «مدينة» counts entity_weight (3) times, the second «حلب» (after «في») once
    assert (expected == f._hash(["حلب"])[0]).sum() == 3 + 1
    monkeypatch.setattr(events, "_WORD_CACHE_LIMIT", 2)  # a full cache is emptied, never wrong
    f2 = EventGrouper(lexicons=None, entity_weight=3).featurizer()
    assert f2._words.hashed(words).tolist() == expected.tolist()
    assert len(f2._words._info) <= 2
    sig = f.features(Document("d", title, outlet="A")).signature
    assert f2.features(Document("d", title, outlet="A")).signature.tolist() == sig.tolist()
    assert len(f2._hasher._cache) <= len(set(words))


# --- windowed, batched grouping -----------------------------------------------------------------------


def spread_docs() -> list[Document]:
    """The fixture documents over two weeks: the beating reports on 1-3 February, a late one on the 9th."""
    dates = {"a1": "2013-02-01", "b1": "2013-02-02", "c1": "2013-02-03", "k1": "2013-02-09",
             "d1": "2013-02-02", "e1": "2013-02-05", "f1": "2013-02-07", "g1": "2013-02-08",
             "h1": "2013-02-14", "m1": "2013-02-11"}
    return [replace(d, date=dates[d.doc_id]) for d in load_docs()]


@pytest.mark.parametrize("docs", [load_docs, spread_docs, lambda: [replace(d, date=None) if d.doc_id in ("c1", "g1")
                                                                   else d for d in spread_docs()]],
                         ids=["fixture", "spread", "some-undated"])
@pytest.mark.parametrize("window_days", [0, 2, 5])
def test_any_batch_size_gives_the_same_events(docs, window_days):
    # batches of 1, 2 or 3 documents: many windows, each batch against the days after it
    whole = run(docs(), window_days=window_days)
    for batch_size in (1, 2, 3):
        res = run(docs(), window_days=window_days, batch_size=batch_size)
        pd.testing.assert_frame_equal(res.assignments, whole.assignments)
        pd.testing.assert_frame_equal(res.events, whole.events)
        assert res.info["pairs_compared_above_floor"] == whole.info["pairs_compared_above_floor"]


def _features_table(docs):
    from framing.events import EventFeatureTable

    f = EventGrouper(lexicons=None, stopwords=None).featurizer()
    return EventFeatureTable(f.features(d) for d in docs), f.n_features


def test_rows_weighted_in_blocks_equal_the_rows_of_the_whole_matrix():
    from framing.events import _table_idf, _tfidf

    table, nf = _features_table(spread_docs())
    whole = _tfidf(table.matrix("lead", nf), 80)
    idf = _table_idf(table, "lead", nf, batch=3)
    for idx in ([0, 1, 2], [9, 4], [7]):
        part = _tfidf(table.matrix("lead", nf, rows=np.array(idx)), 80, idf)
        ref = whole[idx]
        # the same floats in the same order (the pair similarities are sums in that order)
        assert part.indptr.tolist() == ref.indptr.tolist()
        assert part.indices.tolist() == ref.indices.tolist()
        assert part.data.tobytes() == ref.data.tobytes()


@pytest.mark.parametrize("window", [0, 1, 3])
def test_window_pairs_are_all_pairs_within_the_window(window):
    from framing.events import _tfidf, _window_pairs

    docs = spread_docs()
    table, nf = _features_table(docs)
    X = _tfidf(table.matrix("title", nf), 80)
    ordinals = np.array(table.meta.ordinals)
    dense = (X @ X.T).toarray()
    expected = {(i, j): dense[i, j] for i in range(len(docs)) for j in range(i + 1, len(docs))
                if abs(ordinals[i] - ordinals[j]) <= window and dense[i, j] >= 0.05}
    assert any(abs(ordinals[i] - ordinals[j]) > 0 for i, j in expected) or window == 0
    for batch in (1, 2, 4, 100):
        rows, cols, sims, knn = _window_pairs(lambda idx: X[idx], ordinals, window, 0.05, max_undated=10,
                                              n_neighbors=5, batch=batch, chunk=1)
        got = dict(zip(zip(rows.tolist(), cols.tolist(), strict=True), sims.tolist(), strict=True))
        assert not knn and len(got) == len(rows)  # each pair once
        assert got.keys() == expected.keys()
        assert all(abs(got[k] - expected[k]) < 1e-6 for k in got)


def test_window_pairs_are_the_same_floats_whatever_the_rows_per_product():
    from framing.events import _tfidf, _window_pairs

    table, nf = _features_table(spread_docs())
    X = _tfidf(table.matrix("title", nf), 80)
    ordinals = np.array(table.meta.ordinals)
    runs = [_window_pairs(lambda idx: X[idx], ordinals, 3, 0.05, max_undated=10, n_neighbors=5, batch=4,
                          chunk=chunk)[:3] for chunk in (1, 3, 500, 1000)]
    assert len(runs[0][0]) > 5  # the beating reports pair up across days
    for rows, cols, sims in runs[1:]:
        assert rows.tolist() == runs[0][0].tolist() and cols.tolist() == runs[0][1].tolist()
        assert sims.tobytes() == runs[0][2].tobytes()


def _average_linkage_by_hand(n, pairs, threshold):
    """Average linkage the slow way: merge the two groups of highest mean similarity while it reaches threshold."""
    sim = {}
    for i, j, s in pairs:
        sim[(i, j)] = sim[(j, i)] = s
    groups = [{i} for i in range(n)]
    while True:
        best, pair = -1.0, None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                mean = sum(sim.get((i, j), 0.0) for i in groups[a] for j in groups[b]) / (len(groups[a]) *
                                                                                      len(groups[b]))
                if mean >= threshold and mean > best:
                    best, pair = mean, (a, b)
        if pair is None:
            return sorted(sorted(g) for g in groups)
        a, b = pair
        groups[a] |= groups.pop(b)


@pytest.mark.parametrize("seed", range(6))
def test_average_linkage_matches_the_slow_way(seed):
    from framing.events import _average_linkage

    rng = np.random.default_rng(seed)
    n = 18
    pairs = [(i, j, float(rng.uniform(0.1, 0.9))) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.25]
    rows, cols, sims = (np.array([p[k] for p in pairs]) for k in range(3))
    labels = _average_linkage(n, rows.astype(np.int64), cols.astype(np.int64), sims.astype(np.float32), 0.45)
    got = sorted(sorted(np.flatnonzero(labels == lab).tolist()) for lab in np.unique(labels))
    want = _average_linkage_by_hand(n, [(i, j, float(np.float32(s))) for i, j, s in pairs], 0.45)
    assert got == want
    assert any(len(g) >= 2 for g in got) and any(len(g) == 1 for g in got)  # real merges, real singletons
    assert all(labels[g[0]] == g[0] for g in got)  # a group is named by its smallest member


def test_documents_without_any_copy_candidate():
    # one document, or texts too short for shingles and all different: no candidate pair at all
    one = run([Document("solo", "خبر قصير", outlet="A", date="2013-02-01")])
    assert one.events["n_docs"].tolist() == [1] and one.assignments["duplicate_of"].isna().all()
    two = run([Document("x", "خبر", outlet="A", date="2013-02-01"), Document("y", "نبأ", outlet="B")])
    assert len(two.events) == 2 and two.assignments["independent"].all()


def _random_rows(rng, n: int, n_features: int, per_row: int):
    """L2-normalized sparse rows of positive weights (as the TF-IDF rows), some features common."""
    from scipy import sparse

    rows, cols = [], []
    for i in range(n):
        k = int(rng.integers(1, per_row))
        common = rng.choice(20, size=min(k, 5), replace=False)  # a few features most rows share
        rare = rng.choice(n_features, size=k, replace=False)
        feats = np.unique(np.r_[common, rare])
        rng.shuffle(feats)  # stored out of order, as the weighted rows are: the sums follow that order
        rows += [i] * len(feats)
        cols += feats.tolist()
    X = sparse.csr_matrix((rng.uniform(0.01, 1.0, len(rows)).astype(np.float32), (rows, cols)),
                          shape=(n, n_features))
    X.has_sorted_indices = False
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel()).astype(np.float32)
    X.data /= np.repeat(norms, np.diff(X.indptr))
    return X


@pytest.mark.slow  # compiles the numba kernel (cached on disk afterwards)
@pytest.mark.parametrize("window", [0, 2])
def test_the_compiled_window_kernel_gives_scipys_pairs_and_floats(monkeypatch, window):
    import framing.events as ev

    rng = np.random.default_rng(window)
    n = 700
    X = _random_rows(rng, n, 3000, 40)
    ordinals = np.sort(rng.integers(735000, 735012, n))
    ordinals = ordinals[rng.permutation(n)]  # corpus order is not date order
    ordinals[:5] = -1  # a few undated documents: compared with every document either way
    runs = {}
    for name, min_docs in (("scipy", 10 ** 9), ("kernel", 0)):
        monkeypatch.setattr(ev, "KERNEL_MIN_DOCS", min_docs)
        rows, cols, sims, _ = ev._window_pairs(lambda idx: X[idx], ordinals, window, 0.1, max_undated=100,
                                               n_neighbors=5, batch=128, chunk=50)
        order = np.lexsort((cols, rows))
        runs[name] = (rows[order], cols[order], sims[order])
    assert ev._window_kernel() is not None
    (r0, c0, s0), (r1, c1, s1) = runs["scipy"], runs["kernel"]
    assert len(r0) > 500  # real pairs, across batches and days
    assert np.array_equal(r0, r1) and np.array_equal(c0, c1)
    assert s0.dtype == s1.dtype == np.float32 and s0.tobytes() == s1.tobytes()  # the same floats, bit for bit


def _title_words_by_tokens(title: str, stop) -> tuple[frozenset, tuple]:
    """The label words of a title the offset way: each token's written span, normalized."""
    from framing.normalize import normalize_ar, tokenize

    df, items = set(), []
    for pos, tok in enumerate(tokenize(title)):
        if tok.norm in stop:
            continue
        s = light_stem(tok.norm)
        df.add(s)
        if len(tok.norm) < 2 or tok.norm.isdigit():
            continue
        written = title[tok.start:tok.end]
        items.append((pos, s, normalize_ar(written, alef=False, alef_maksura=False, teh_marbuta=False)))
    return frozenset(df), tuple(items)


TITLES = [
    "الداخلية تعتذر عن سحل المواطن حمادة صابر أمام قصر الاتحادية",
    "مُرسي يلتقي وزيرَ الدفاع في القصر الرئاسيّ",  # diacritics
    "عاجل | القــوات تنسحب من ميدان التحرير ٢٠١٣",  # tatweel, Arabic-Indic digits
    "إيران: مستشفى الأطفال في طهران\u200f يستقبل 15 مصاباً",  # alef with hamza, alef maksura, an invisible mark
    "فى مصر ی ک",  # Farsi yeh and keheh are normalized too
    "\ufefbجئون في المدينة",  # a presentation form: the offset way
    "سطران\nفي عنوان واحد",  # a line break inside a title
    "",
]


def test_title_words_normalized_all_at_once_equal_the_offset_way():
    from framing.events import _TitleWords

    stop = frozenset({"في", "من", "عن"})
    words = _TitleWords(stop)
    words.prepare(TITLES + TITLES[:2])  # repeated titles are prepared once
    for title in TITLES:
        assert words(title) == _title_words_by_tokens(title, stop), title
    # a title never prepared goes its own way, with the same result
    assert _TitleWords(stop)(TITLES[1]) == _title_words_by_tokens(TITLES[1], stop)
    assert [s for _, s, _ in words(TITLES[0])[1]][:3] == ["داخليه", "تعتذر", "سحل"]
    assert words(TITLES[1])[1][0][2] == "مرسي"  # the spelling keeps alef maksura, drops the diacritics


def test_wide_tables_keep_first_seen_rows_first_values_and_blank_cells():
    from framing.events import _pivot

    df = pd.DataFrame({"actor": ["police", "army", "police", "army", None],
                       "outlet": ["B", "A", "B", "C", "A"],
                       "labels": ["«الشرطة» ×2 (0)", "«الجيش» ×1 (+0.5)", "second value", None, "x"]})
    wide = _pivot(df, "actor", "labels", ("A", "B", "C"))
    assert wide.index.name == "actor" and wide.index.tolist() == ["police", "army"]
    assert wide.to_dict("index") == {"police": {"A": "", "B": "«الشرطة» ×2 (0)", "C": ""},
                                     "army": {"A": "«الجيش» ×1 (+0.5)", "B": "", "C": ""}}
    reference = df.pivot_table(index="actor", columns="outlet", values="labels", aggfunc="first", sort=False)
    reference = reference.reindex(columns=["A", "B", "C"]).astype(object).fillna("")
    reference.columns.name = None
    pd.testing.assert_frame_equal(wide, reference)


def test_term_cells_order_ties_by_first_use_and_mark_reported_terms():
    from framing.events import _term_cells

    h = pd.DataFrame({"category": ["loaded"] * 6 + ["other"],
                      "outlet": ["A", "A", "A", "A", "B", "A", "A"],
                      "term": ["تصعيد", "مجزرة", "مجزرة", "إرهاب", "تصعيد", "تصعيد", "إرهاب"],
                      "stance": [-0.5, -1.0, -0.8, -1.0, 0.0, -0.25, -1.0],
                      "_reported": [False, False, True, False, False, False, False]})
    h["_order"] = np.arange(len(h))
    cells = _term_cells(h, ["category", "outlet"], stance=False, mark_reported=True)
    # two ×2 terms: the one used first comes first; a term also used in reported speech gets †
    assert cells[("loaded", "A")] == "«تصعيد» ×2; «مجزرة» ×2†; «إرهاب» ×1"
    assert cells[("loaded", "B")] == "«تصعيد» ×1" and cells[("other", "A")] == "«إرهاب» ×1"
    with_stance = _term_cells(h, ["category", "outlet"], stance=True)
    assert with_stance[("loaded", "A")] == "«تصعيد» ×2 (−0.4); «مجزرة» ×2 (−0.9); «إرهاب» ×1 (−1.0)"
    assert _term_cells(h.iloc[0:0], ["category", "outlet"], stance=True) == {}
