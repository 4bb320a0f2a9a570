"""Term evidence (framing/evidence.py): the sentences behind the distinguishing terms.

The fast path (a text normalized once as a whole, skipped unless it holds a pending term)
must give exactly the rows of the word-by-word scan it replaces: same words, same offsets,
same order, same early stop.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.evidence import _Cores, _occurrences, raw_word_re, term_evidence_from_texts
from framing.normalize import article_clitic_variants, normalize_ar


def _word_by_word(text: str, variants: dict[str, str]) -> list[tuple[int, int, str]]:
    """What the word-by-word scan finds: every original word whose normalization is a variant."""
    out = []
    for m in raw_word_re().finditer(text):
        norm = normalize_ar(m.group())
        if norm in variants:
            out.append((m.start(), m.end(), norm))
    return out


def _variants(*terms: str) -> dict[str, str]:
    return {v: t for t in terms for v in article_clitic_variants(t)}


def _docs(texts: dict[str, str], outlet: str = "A", loaded: list | None = None):
    def loader(doc_id: str, text: str):
        def load() -> str:
            if loaded is not None:
                loaded.append(doc_id)
            return text
        return load
    return [(doc_id, outlet, loader(doc_id, text)) for doc_id, text in texts.items()]


# --- the fast path places the same words as the word-by-word scan --------------------------------


@pytest.mark.parametrize("text", [
    "قصفت القُوّاتُ المدينة، وقال شاهد إن والقوات انسحبت.",  # diacritics inside, a conjunction before the article
    "وصلت القــوات إلى الحي وللقوات رأي آخر",  # tatweel inside, لل + the rest
    "\u200fالقوات\u200f انسحبت من الحيّ",  # invisible marks around the word belong to it
    "القواتُ",  # a word at both ends of the text, a trailing diacritic
    "بالقوات؛ فالقوات. كالقوات! وبالقوات؟ فللقوات",  # every clitic of article_clitic_variants
    "القوات_الخاصة والقواتية قوات",  # an underscore splits words; a longer word is not the term
    "مستشفى الأطفال في المدينة الطبية",  # alef maksura, hamza on alef and teh marbuta are normalized
])
def test_occurrences_place_the_words_the_word_by_word_scan_finds(text):
    variants = _variants("القوات", "مستشفي", "الاطفال", "المدينه")
    assert _occurrences(text, variants, _Cores(variants)) == _word_by_word(text, variants)
    assert _word_by_word(text, variants), "the fixture must hold a term"


def test_a_text_without_a_pending_term_is_skipped_by_its_cores():
    variants = _variants("القوات")
    cores = _Cores(variants)
    assert cores.strings == ["قوات"]  # one substring for the ten clitic variants
    assert _occurrences("لا ذكر هنا للكلمة.", variants, cores) == []
    assert cores.any_in("القواتية")  # a core inside a longer word: then the words decide
    assert _occurrences("القواتية", variants, cores) == []
    cores.drop("القوات")
    assert cores.strings == [] and not cores.any_in("القوات")


_ALPHABET = [*"القواتمدينهةىأإآ ،.؟\n_", "\u064e", "\u0651", "\u0640", "\u200f", "\u00a0", "x", "7"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(["القوات", "والقوات", "للقوات", "المدينة", "مدينه", "القُوّات"]),
                          st.sampled_from(_ALPHABET)), max_size=40).map("".join))
def test_occurrences_equal_the_word_by_word_scan_on_any_plain_text(text):
    variants = _variants("القوات", "المدينه", "مدينه")
    assert _occurrences(text, variants, _Cores(variants)) == _word_by_word(text, variants)


# --- whole runs: rows, order, early stop ------------------------------------------------------


def test_rows_follow_corpus_order_and_stop_at_per_term():
    texts = {
        "d1": "قصفت القُوّاتُ المدينة.\nوقال شاهد إن والقوات انسحبت مساءً.",
        "d2": "لا ذكر هنا للكلمة.",
        "d3": "وصلت القــوات إلى المدينةِ. ثم غادرت القوات.",
        "d4": "القوات مرة أخرى",
    }
    terms = pd.DataFrame({"outlet": ["A", "A"], "term": ["القوات", "المدينه"]})
    loaded: list[str] = []
    ev = term_evidence_from_texts(iter(_docs(texts, loaded=loaded)), terms, per_term=3)
    assert list(zip(ev["doc_id"], ev["term"], ev["matched"], strict=True)) == [
        ("d1", "القوات", "القُوّاتُ"), ("d1", "المدينه", "المدينة"), ("d1", "القوات", "والقوات"),
        ("d3", "القوات", "القــوات"), ("d3", "المدينه", "المدينةِ"),
    ]
    for row in ev.to_dict("records"):
        text = texts[row["doc_id"]]
        assert text[row["start"]:row["end"]] == row["matched"]
        assert text[row["sentence_start"]:row["sentence_end"]] == row["sentence"]
    assert ev.loc[3, "sentence"] == "وصلت القــوات إلى المدينةِ."
    assert loaded == ["d1", "d2", "d3", "d4"]  # المدينه is still one short after d3


def test_texts_are_not_read_once_every_term_has_its_evidence():
    texts = {"d1": "القوات والمدينة", "d2": "القوات", "d3": "المدينة"}
    terms = pd.DataFrame({"outlet": ["A", "A"], "term": ["القوات", "المدينه"]})
    loaded: list[str] = []
    ev = term_evidence_from_texts(iter(_docs(texts, loaded=loaded)), terms, per_term=1)
    assert ev["matched"].tolist() == ["القوات", "والمدينة"]
    assert loaded == ["d1"]


def test_the_rest_of_a_text_is_skipped_for_a_term_that_got_its_evidence_in_it():
    text = "القوات ثم القوات ثم المدينة ثم القوات"
    terms = pd.DataFrame({"outlet": ["A", "A"], "term": ["القوات", "المدينه"]})
    ev = term_evidence_from_texts(iter(_docs({"d1": text})), terms, per_term=2)
    assert list(zip(ev["term"], ev["start"], strict=True)) == [("القوات", 0), ("القوات", 10), ("المدينه", 20)]


def test_outlets_keep_their_own_terms():
    docs = _docs({"a1": "القوات والمدينة"}, "A") + _docs({"b1": "القوات والمدينة"}, "B")
    terms = pd.DataFrame({"outlet": ["A", "B"], "term": ["القوات", "المدينه"]})
    ev = term_evidence_from_texts(iter(docs), terms)
    assert list(zip(ev["outlet"], ev["matched"], strict=True)) == [("A", "القوات"), ("B", "والمدينة")]


@pytest.mark.parametrize("text, matched", [
    ("قال الوزير إن \ufefbجئين في المدينة", "المدينة"),  # a presentation form (lam-alef ligature) before it
    ("وقال الرئي\u0654س للمدينة إن", "للمدينة"),  # a combining hamza: NFC composes it
])
def test_texts_that_do_not_normalize_character_by_character_go_word_by_word(text, matched):
    terms = pd.DataFrame({"outlet": ["A"], "term": ["المدينه"]})
    ev = term_evidence_from_texts(iter(_docs({"d1": text})), terms)
    assert ev["matched"].tolist() == [matched]
    assert text[ev.loc[0, "start"]:ev.loc[0, "end"]] == matched


def test_english_terms_are_looked_up_lower_cased():
    text = "The Army said. Then the army left; ARMY units stayed."
    terms = pd.DataFrame({"outlet": ["E"], "term": ["army"], "language": ["en"]})
    ev = term_evidence_from_texts(iter(_docs({"e1": text}, "E")), terms, per_term=2)
    assert ev["matched"].tolist() == ["Army", "army"]
    assert ev["sentence"].tolist() == ["The Army said.", "Then the army left; ARMY units stayed."]


def test_no_terms_no_rows_and_no_text_read():
    loaded: list[str] = []
    ev = term_evidence_from_texts(iter(_docs({"d1": "القوات"}, loaded=loaded)), pd.DataFrame(columns=["outlet", "term"]))
    assert ev.empty and list(ev.columns)[:3] == ["outlet", "term", "doc_id"]
    assert loaded == []
