"""The per-document analysis (framing.analysis): the distinguishing-terms counts of a document,
also when the run's memory of terms is full. Sentences written for the tests."""

from __future__ import annotations

from collections import Counter

import pytest

from framing.analysis import RunSpec, _term_counts, analyze_document, context_for
from framing.lexicon import load_lexicons
from framing.normalize import WORD_RE, fold_article_clitics, normalize_ar
from framing.records import Document

TEXT = "قال وزير الخارجية إن الجيش والجيش وبالجيش يقصف في 2013 و للجيش الروسي والروسي"


@pytest.fixture(scope="module")
def ctx():
    return context_for(RunSpec.from_lexicons(load_lexicons(None), topics=False, events=False))


def _reference(tokens: list[str], stopwords) -> dict[str, int]:
    """The rule written plainly: fold the article clitics, drop stop words, one letter, digits."""
    out: Counter = Counter()
    for tok in tokens:
        w = fold_article_clitics(tok)
        if w not in stopwords and len(w) > 1 and not w.isdigit():
            out[w] += 1
    return dict(out)


def test_term_counts_fold_clitics_and_drop_stop_words(ctx):
    r = analyze_document(Document("d1", TEXT, outlet="A"), ctx)
    assert r.term_counts["الجيش"] == 4  # الجيش والجيش وبالجيش للجيش
    assert r.term_counts["الروسي"] == 2
    assert "2013" not in r.term_counts and "و" not in r.term_counts and "في" not in r.term_counts
    tokens = WORD_RE.findall(normalize_ar(TEXT))
    assert r.term_counts == _reference(tokens, ctx.stopwords)
    assert list(r.term_counts) == list(_reference(tokens, ctx.stopwords))  # first-seen order


def test_term_counts_when_the_memory_of_terms_is_full(ctx):
    tokens = WORD_RE.findall(normalize_ar(TEXT))
    full: dict[str, str | None] = {"الجيش": "الجيش"}

    def learn_without_storing(token: str) -> str | None:  # what learn_term does past its bound
        w = fold_article_clitics(token)
        return w if w not in ctx.stopwords and len(w) > 1 and not w.isdigit() else None

    got = _term_counts(tokens, full, learn_without_storing)
    assert got == _reference(tokens, ctx.stopwords)
    assert full == {"الجيش": "الجيش"}


def test_term_counts_of_an_empty_document(ctx):
    assert _term_counts([], {}, ctx.learn_term) == {}
    assert analyze_document(Document("d2", "...", outlet="A"), ctx).term_counts == {}
