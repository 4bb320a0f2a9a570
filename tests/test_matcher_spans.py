"""``Matcher.find(sentences=False)``: the same hits as ``find`` (spans, entries, the context rules
applied), only without their sentences — what the attribution extractor's sources pass needs.
Sentences written for the tests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from framing.lexicon import Lexicon, Matcher
from framing.normalize import normalize_with_offsets

ENTRIES = [
    {"term": "قوات النظام", "actor": "sg", "category": "actor_label", "stance": -0.6},
    {"term": "النظام", "actor": "sg", "category": "actor_label", "stance": -0.4},
    {"term": "الثورة", "category": "loaded", "not_in_sentence": ["أم درمان"]},
    {"term": "وزارة الخارجية", "category": "official"},
]

TEXTS = [
    "ردا على تقدم لقوات النظام. والنظام يرد!",
    "قالت وزارةُ الخارجية إن الثورة مستمرة.\nوفي أم درمان الثورة أخرى؟ والثورة هنا",
    "لا شيء هنا يطابق",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_find_without_sentences_gives_the_same_hits_with_sentences_left_at_zero(text):
    m = Matcher([Lexicon.from_entries("t", ENTRIES)])
    norm = normalize_with_offsets(text)
    ex_full: list = []
    ex_bare: list = []
    full = m.find(text, doc_id="d", normalized=norm, excluded=ex_full)
    bare = m.find(text, doc_id="d", normalized=norm, excluded=ex_bare, sentences=False)
    assert bare == [replace(h, sentence_start=0, sentence_end=0) for h in full]
    assert ex_bare == ex_full
    assert all(text[h.start:h.end] == h.matched for h in bare)


def test_find_without_sentences_keeps_the_rules_and_the_spans():
    text = "وفي أم درمان الثورة أخرى. والثورة هنا"
    hits = Matcher([Lexicon.from_entries("t", ENTRIES)]).find(text, sentences=False)
    assert [(h.matched, h.start, h.sentence_start, h.sentence_end) for h in hits] == [
        ("والثورة", text.index("والثورة"), 0, 0)]
