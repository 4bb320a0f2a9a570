"""``Matcher.find(sentences=False)``: the same hits as ``find`` (spans, entries, the context rules
applied), only without their sentences — what the attribution extractor's sources pass needs.
Sentences written for the tests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from framing.lexicon import Lexicon, Matcher
from framing.normalize import normalize_with_offsets, tokenize

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


@pytest.mark.parametrize("text", TEXTS)
def test_find_words_gives_the_word_ranges_and_entries_of_the_hits(text):
    m = Matcher([Lexicon.from_entries("t", ENTRIES)])
    norm = normalize_with_offsets(text)
    hits = m.find(text, normalized=norm)
    found = m.find_words(text, normalized=norm)
    assert [(c.lexicon, c.term, c.category, c.entry_id) for _, _, c in found] == [
        (h.lexicon, h.term, h.category, h.entry_id) for h in hits]
    # each range covers the words of its hit: its first word starts it, its last word ends it
    tokens = tokenize(text, norm)
    assert [(tokens[i].start, tokens[j - 1].end) for i, j, _ in found] == [(h.start, h.end) for h in hits]


def test_find_words_of_two_word_terms_and_rules():
    text = "وفي أم درمان الثورة أخرى. وقالت وزارة الخارجية إن الثورة هنا"
    found = Matcher([Lexicon.from_entries("t", ENTRIES)]).find_words(text, normalized=normalize_with_offsets(text))
    assert [(i, j, c.term) for i, j, c in found] == [(6, 8, "وزارة الخارجية"), (9, 10, "الثورة")]
