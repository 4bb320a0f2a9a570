"""The matcher's fast paths give what the plain rules say: sentence rules (the sentence of a
match found by bisection, a sentence without the rule's word skipped at once) and proper
names (a token outside every name form never analysed as one). Sentences written for the tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.lexicon import Lexicon, Matcher
from framing.normalize import WORD_RE, sentence_spans, surface_forms

REVOLUTION = {"term": "الثورة", "category": "loaded", "in_sentence": ["سوريا"], "not_in_sentence": ["أم درمان"]}


def lex(*entries: dict) -> Lexicon:
    return Lexicon.from_entries("t", list(entries))


def test_in_sentence_looks_in_the_sentence_of_each_match_only():
    text = "بدأت الثورة في مصر. ثم وصلت الثورة إلى سوريا! وبعدها الثورة انتهت؟ والثورة في بسوريا"
    excluded: list = []
    hits = Matcher([lex(REVOLUTION)]).find(text, excluded=excluded)
    assert [text[h.start:h.end] for h in hits] == ["الثورة", "والثورة"]
    assert [h.start for h in hits] == [text.index("الثورة", 20), text.index("والثورة")]
    assert [(text[x.start:x.end], x.rule) for x in excluded] == [("الثورة", "in_sentence"), ("الثورة", "in_sentence")]
    assert [x.start for x in excluded] == [5, text.index("الثورة", 47)]


def test_not_in_sentence_needs_the_whole_phrase_in_the_sentence():
    m = Matcher([lex(REVOLUTION)])
    assert m.find("حي الثورة في أم درمان بسوريا") == []
    assert [h.matched for h in m.find("حي الثورة في أم بسوريا. درمان")] == ["الثورة"]  # words split by the sentence end
    assert [h.matched for h in m.find("أم درمان. الثورة في سوريا")] == ["الثورة"]


def test_the_match_itself_is_not_the_phrase_its_rule_asks_for():
    again = {"term": "الثورة", "category": "loaded", "in_sentence": ["الثورة"]}
    m = Matcher([lex(again)])
    assert m.find("الثورة مستمرة") == []  # the only «الثورة» is the match
    assert [h.start for h in m.find("الثورة ثم الثورة")] == [0, 10]  # each finds the other


def test_a_sentence_rule_in_a_text_with_no_sentence_end():
    m = Matcher([lex({"term": "النظام", "category": "loaded", "not_in_sentence": ["التعليمي"]})])
    assert m.find("اصلاح النظام التعليمي") == []
    assert [h.matched for h in m.find("النظام والنظام")] == ["النظام", "والنظام"]


_WORDS = ["الثورة", "والثورة", "سوريا", "بسوريا", "مصر", "في", "بدأت", "ثم"]
_MARKS = [" ", " ", " ", ". ", "! ", "؟ ", "\n", " - "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_MARKS)), min_size=1, max_size=30))
def test_in_sentence_agrees_with_the_sentences_of_the_text(pieces):
    """Oracle: a match of «الثورة» stays exactly when its sentence (sentence_spans) holds a form of
    «سوريا» (no diacritics here: the normalized text has the original offsets)."""
    text = "".join(w + s for w, s in pieces).strip()
    plain = Matcher([lex({"term": "الثورة", "category": "loaded"})]).find(text)
    forms = surface_forms(["سوريا"])[0]
    spans = sentence_spans(text)
    expected = []
    for h in plain:
        s, e = next((s, e) for s, e in spans if s <= h.start < e)
        if any(w in forms for w in WORD_RE.findall(text[s:e])):
            expected.append(h.start)
    rule = {"term": "الثورة", "category": "loaded", "in_sentence": ["سوريا"]}
    assert [h.start for h in Matcher([lex(rule)]).find(text)] == expected


def test_names_take_their_proclitics_beside_affix_entries():
    m = Matcher([lex({"term": "مرسي", "actor": "morsi", "category": "actor_label", "match": "name"},
                     {"term": "الرئيس", "actor": "morsi", "category": "actor_label"},
                     {"term": "المرسى", "category": "loaded", "match": "exact"})])
    text = "قال الرئيس وبمرسي ولمرسي ان المرسي والمرسى بعيدان عن رئيسهم"
    assert [(h.term, h.matched) for h in m.find(text)] == [
        ("الرئيس", "الرئيس"), ("مرسي", "وبمرسي"), ("مرسي", "ولمرسي"), ("المرسى", "المرسي")]


THAWRA = {"term": "ثورة", "category": "loaded", "not_followed_by": ["أم درمان", "مضادة"], "not_preceded_by": ["حي", "شارع"]}


@pytest.mark.parametrize(("text", "kept"), [
    ("ثورة", ["ثورة"]),  # nothing before or after
    ("ثورة أم درمان", []),
    ("ثورة أم", ["ثورة"]),  # the phrase cut by the end of the text
    ("ثورة، أم درمان", ["ثورة"]),  # a comma between: not followed
    ("حي ثورة", []),
    ("الحي: ثورة", ["ثورة"]),
    ("شارع ثورة مضادة", []),
    ("ثورة مضادة", []),
    ("ثورة ثم مضادة", ["ثورة"]),
])
def test_neighbour_rules_at_the_edges_of_the_text(text, kept):
    assert [h.matched for h in Matcher([lex(THAWRA)]).find(text)] == kept


def test_overlapping_and_separate_matches_in_one_text():
    m = Matcher([lex({"term": "قوات النظام", "actor": "sg", "category": "actor_label"},
                     {"term": "النظام", "actor": "sg", "category": "actor_label"},
                     {"term": "قوات", "category": "loaded"})])
    text = "تقدمت قوات النظام. والنظام يقصف، وقوات أخرى"
    assert [(h.term, h.matched, h.start) for h in m.find(text)] == [
        ("قوات النظام", "قوات النظام", 6), ("النظام", "والنظام", 19), ("قوات", "وقوات", 33)]
    assert [h.term for h in m.find("النظام")] == ["النظام"]
