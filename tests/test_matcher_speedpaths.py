"""The speed paths of normalization, matching and the title: each gives exactly what the general
path gives. Arabic strings written for the tests."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from framing import normalize as N
from framing.analysis import RunSpec, _headline_colon, analyze_document, context_for
from framing.lexicon import load_lexicons
from framing.records import Document

# headlines and short phrases: plain letters, diacritics, tatweel, invisible marks, alef and
# teh marbuta forms, Persian letters, a no-break space, digits and Latin, a lone surrogate
SHORT = [
    "", "ـــ", "\u200f", "مُحَمَّد\u0640 مرسي", "قُوّات النظام", "آ إ أ ٱ ى ة ی ک\u00a0x",
    "بكار: مرسي يحافظ على أمن إسرائيل", "الشرطة تفرق المتظاهرين في الساعة 10:30 مساءً",
    "Reuters: وزير الخارجيّة يلتقي نظيره\u200c الروسي", "\ud800ا", "عاجل | السيسي: الجيش لن يتدخل",
    "وزارةُ الدّاخليّة تُعلن القبض على ٣ متهمين",
]
OPTIONS = list(itertools.product((True, False), repeat=4))


@pytest.mark.parametrize("text", SHORT)
def test_short_map_is_the_array_map(text):
    for options in OPTIONS:
        plain, plain_idx = N._map_plain(text, options)
        short, short_idx = N._map_short(text, options)
        assert short == plain
        assert short_idx.dtype == plain_idx.dtype == np.int64
        assert short_idx.tolist() == plain_idx.tolist()


def test_short_map_offsets_point_past_deleted_marks():
    text, idx = N._map_short("قُوّات", (True, True, True, True))
    assert text == "قوات"
    assert idx.tolist() == [0, 2, 4, 5]  # ُ (1) and ّ (3) are gone


@pytest.mark.parametrize("text", SHORT)
def test_normalize_with_offsets_below_and_above_the_short_limit(text):
    # the same text padded past the limit takes the array path: its first part maps the same
    long = text + " " + "ال" * N._SHORT_OFFSETS
    a, b = N.normalize_with_offsets(text), N.normalize_with_offsets(long)
    assert len(text) < N._SHORT_OFFSETS <= len(long)
    assert b.text.startswith(a.text)
    assert b.starts[:len(a.text)].tolist() == a.starts.tolist()
    assert b.ends[:len(a.text)].tolist() == a.ends.tolist()
    assert a.text == N.normalize_ar(text)
    for i in range(len(a.text)):
        s, e = a.original_span(i, i + 1)
        assert N.normalize_ar(text[s:e]) == a.text[i]


@pytest.fixture(scope="module")
def ctx():
    return context_for(RunSpec.from_lexicons(load_lexicons(None), topics=False, events=False))


@pytest.mark.parametrize("title", ["الجيش يقصف المدينة", "مرسي يلتقي السفير الروسي", "بالفيديو.. مظاهرات"])
def test_headline_without_colon_keeps_the_extractor_attributions(ctx, title):
    norm = N.normalize_with_offsets(title)
    found = ctx.extractor.extract(title, doc_id="d", normalized=norm)
    assert _headline_colon(title, norm, "d", found, ctx) is found


def test_headline_with_colon_still_attributed(ctx):
    title = "بكار: مرسي يحافظ على امن اسرائيل"
    norm = N.normalize_with_offsets(title)
    out = _headline_colon(title, norm, "d", [], ctx)
    assert [(a.speaker, a.quote_text) for a in out] == [("بكار", "مرسي يحافظ على امن اسرائيل")]


def test_short_and_long_titles_give_the_same_rows(ctx):
    # one headline read through the short path, and padded with a long tail through the array path
    title = "قُوّات النظام تقصف المدينة"
    tail = " وقالت وزارة الخارجية إن قوات النظام قصفت المدينة" * 4
    short = analyze_document(Document("d", "نص", outlet="A", title=title), ctx)
    long = analyze_document(Document("d", "نص", outlet="A", title=title + tail), ctx)
    assert len(title) < N._SHORT_OFFSETS <= len(title + tail)
    rows = [(h["term"], h["matched"], h["start"], h["end"]) for h in short.hit_rows]
    assert rows and rows == [(h["term"], h["matched"], h["start"], h["end"])
                             for h in long.hit_rows][:len(rows)]
    assert rows[0][1] == "قُوّات النظام"


def test_tokens_starting_the_same_entries_share_their_lookup():
    from framing.lexicon import Lexicon, Matcher

    lex = Lexicon.from_entries("d", [
        {"term": "قوات النظام", "actor": "sg", "category": "label"},
        {"term": "قوات الأمن", "actor": "police", "category": "label"},
        {"term": "الجيش", "actor": "army", "category": "label"},
    ])
    m = Matcher([lex])
    hits = m.find("قوات النظام ولقوات الأمن وبقوات النظام. والجيش")
    assert [(h.term, h.matched) for h in hits] == [
        ("قوات النظام", "قوات النظام"), ("قوات الأمن", "ولقوات الأمن"), ("قوات النظام", "وبقوات النظام"),
        ("الجيش", "والجيش")]
    assert m._by_first["قوات"] is m._by_first["ولقوات"] is m._by_first["وبقوات"]
    assert m._by_first["والجيش"] is not m._by_first["قوات"]
    # a copy (a worker's) starts with empty memories and finds the same
    import pickle

    again = pickle.loads(pickle.dumps(m))
    assert not again._shapes
    assert again.find("وبقوات النظام")[0].matched == "وبقوات النظام"


def test_distinct_words_built_once_and_shared(ctx):
    from framing.analysis import _term_counts

    text = "قال وزير الخارجية إن الجيش والجيش وبالجيش يقصف في 2013 و للجيش الروسي والروسي"
    norm = N.normalize_with_offsets(text)
    distinct = norm.distinct_words()
    assert distinct == set(N.WORD_RE.findall(N.normalize_ar(text)))
    assert norm.distinct_words() is distinct
    tokens = norm.pieces()[1::2]
    fresh = context_for(RunSpec.from_lexicons(load_lexicons(None), topics=False, events=False, titles=False))
    with_set = _term_counts(tokens, fresh.term_of, fresh.learn_term, distinct)  # learns them
    plain = _term_counts(tokens, fresh.term_of, fresh.learn_term)  # knows them
    assert with_set == plain and list(with_set) == list(plain)
    assert with_set["الجيش"] == 4 and with_set["الروسي"] == 2 and "في" not in with_set
    assert norm.distinct_words() == set(tokens)  # not changed by the counts or the matcher
    ctx.matcher.find(text, normalized=norm)
    assert norm.distinct_words() is distinct and distinct == set(tokens)
