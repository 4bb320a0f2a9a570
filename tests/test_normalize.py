import glob
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.normalize import (
    WORD_RE,
    normalize_ar,
    normalize_with_offsets,
    normalized_prefix,
    sentence_ends,
    sentence_spans,
    tokenize,
    word_tokens,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الإرهابيّين", "الارهابيين"),  # hamza-alef, shadda
        ("أحمد إبراهيم آمن ٱلله", "احمد ابراهيم امن الله"),  # alef forms
        ("مستشفى", "مستشفي"),  # alef maksura
        ("الحكومة السورية", "الحكومه السوريه"),  # ta marbuta
        ("حمـــاة", "حماه"),  # tatweel
        ("قُوّاتُ النِّظامِ", "قوات النظام"),  # harakat
        ("ﻻ", "لا"),  # presentation-form ligature (NFKC)
        ("ا\u0654مر", "امر"),  # decomposed hamza: NFC composes أ, then alef normalization
        ("بي\u200cكا", "بيكا"),  # zero-width non-joiner removed
        ("Idlib إدلب", "Idlib ادلب"),
    ],
)
def test_normalize_table(text, expected):
    assert normalize_ar(text) == expected
    assert normalize_with_offsets(text).text == expected


def test_options_turn_steps_off():
    assert normalize_ar("الحكومة", teh_marbuta=False) == "الحكومة"
    assert normalize_ar("إلى", alef=False, alef_maksura=False) == "إلى"
    assert normalize_ar("قُوّات", dediac=False) == "قُوّات"


def test_same_words_as_camel_tools_chain():
    """Our one-pass table gives the same words as camel-tools' normalization chain."""
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
        normalize_unicode,
    )

    text = ("قُوّاتُ النِّظامِ والاحتلالُ الروسيُّ في إدلبَ… مُستشفى «الأطفال» ﻻ ﷲ "
            "وزارة الدفاع التركيَّة – 20 أيار")
    camel = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(
        normalize_unicode(text))))).replace("\u0640", "")
    assert WORD_RE.findall(normalize_ar(text)) == WORD_RE.findall(camel)


def test_seeds_same_words_as_camel(seeds_dir):
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
    )

    files = sorted(glob.glob(str(seeds_dir / "*.txt")))
    assert len(files) == 5
    for f in files:
        text = Path(f).read_text(encoding="utf-8")
        camel = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(text))))
        assert WORD_RE.findall(normalize_ar(text)) == WORD_RE.findall(camel.replace("\u0640", ""))


def test_tokens_slice_original():
    text = "وقالتْ وزارةُ الدفاعِ الروسيّة: «إنّ الإرهابيّين»"
    toks = tokenize(text)
    assert [t.norm for t in toks] == ["وقالت", "وزاره", "الدفاع", "الروسيه", "ان", "الارهابيين"]
    assert [text[t.start:t.end] for t in toks] == ["وقالتْ", "وزارةُ", "الدفاعِ", "الروسيّة", "إنّ", "الإرهابيّين"]


def test_word_tokens_drop_punctuation():
    assert word_tokens("«قوات النظام»، (السوري)!") == ["قوات", "النظام", "السوري"]


def test_sentence_spans_arabic_punctuation():
    text = "قال الوزير: إن الوضع خطير. هل تصمد الهدنة؟ نعم؛ ربما\nسطر 27.06.2021 آخر"
    sents = [text[s:e] for s, e in sentence_spans(text)]
    assert sents == ["قال الوزير: إن الوضع خطير.", "هل تصمد الهدنة؟", "نعم؛", "ربما", "سطر 27.06.2021 آخر"]


# --- properties -------------------------------------------------------------------------------

@pytest.mark.parametrize("end", [0, 3, 5, 6, 7, 12, 40])
def test_normalized_prefix_is_the_prefix_normalized(end):
    text = "قُوّاتُ النِّظامِ في حمـــاة"
    assert normalized_prefix(normalize_with_offsets(text), end) == normalize_ar(text[:end])


@pytest.mark.parametrize(("text", "end"), [
    ("ﻻ يوجد", 4),  # a presentation form before the cut
    ("امر ا\u0654مر", 5),  # a decomposed hamza right after the cut composes with the letter before it
])
def test_normalized_prefix_refuses_where_characters_combine(text, end):
    assert normalized_prefix(normalize_with_offsets(text), end) is None


def test_normalized_prefix_after_a_late_presentation_form():
    text = "قالت الوزارة إن ﻻ"
    assert normalized_prefix(normalize_with_offsets(text), 5) == normalize_ar(text[:5]) == "قالت "


arabic_letters = st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى"))
diacritics = st.sampled_from(list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640"))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_unicode_normalizes_and_offsets_are_consistent(text):
    n = normalize_with_offsets(text)
    assert n.text == normalize_ar(text)
    assert len(n.starts) == len(n.text) == len(n.ends)
    for tok in tokenize(text, n):
        assert 0 <= tok.start < tok.end <= len(text)
        # the original slice normalizes back to the token
        assert WORD_RE.findall(normalize_ar(text[tok.start:tok.end])) == [tok.norm] or \
            tok.norm in normalize_ar(text[tok.start:tok.end])


@settings(max_examples=200, deadline=None)
@given(st.lists(arabic_letters, min_size=1, max_size=12), st.data())
def test_diacritics_never_change_normalized_words(letters, data):
    plain = "".join(letters)
    marked = "".join(ch + data.draw(st.text(diacritics, max_size=2)) for ch in letters)
    assert normalize_ar(marked) == normalize_ar(plain)
    toks = tokenize(marked)
    assert len(toks) == 1 and toks[0].norm == normalize_ar(plain)
    assert marked[toks[0].start:toks[0].end].startswith(letters[0])


_MIXED = st.text(st.sampled_from(list("ابتةىإأآٱیکـ \u00a0\u200f\u064e\u0651\u0670\u06d6.،x1")), max_size=120)


@settings(max_examples=300, deadline=None)
@given(_MIXED, st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_short_and_long_texts_normalize_alike(text, alef, maksura, teh, dediac):
    """A short text goes through the translation table, a long one through the arrays: one result."""
    opts = {"alef": alef, "alef_maksura": maksura, "teh_marbuta": teh, "dediac": dediac}
    assert normalize_ar(text, **opts) == normalize_with_offsets(text, **opts).text
    assert normalize_ar(text * 3, **opts) == normalize_ar(text, **opts) * 3  # 3x: past the short cut


@settings(max_examples=200, deadline=None)
@given(st.one_of(_MIXED, st.text()))
def test_pieces_are_the_words_and_the_gaps(text):
    n = normalize_with_offsets(text)
    pieces = n.pieces()
    assert "".join(pieces) == n.text
    assert pieces[1::2] == WORD_RE.findall(n.text)
    assert all(not WORD_RE.search(gap) for gap in pieces[0::2])
    assert n.pieces() is pieces  # split once


def test_sentence_ends_of_texts_asked_in_turn():
    """The last text's sentence ends are remembered; a caller that changes its list changes nothing."""
    a, b = "قال الوزير. وأضاف أن الهدنة صامدة؟ نعم", "سطر أول\nسطر ثان"
    ends_a = sentence_ends(a)
    ends_a.append(99)
    assert sentence_ends(a) == [11, 34]
    assert [b[s:e] for s, e in sentence_spans(b)] == ["سطر أول", "سطر ثان"]
    assert [a[s:e] for s, e in sentence_spans(a)] == ["قال الوزير.", "وأضاف أن الهدنة صامدة؟", "نعم"]
    assert sentence_ends(b[:3] + b[3:]) == [8]  # an equal text that is another string


# --- clitic rules (normalize.py is their one owner) ---------------------------------------------

from framing.normalize import (  # noqa: E402
    article_clitic_variants,
    bare_forms,
    fold_article_clitics,
    proclitic_bases,
    proclitic_forms,
    strip_article_clitics,
    suffix_bases,
    suffix_forms,
    surface_forms,
)


@pytest.mark.parametrize(("word", "form", "is_form"), [
    ("الجيش", "والجيش", True), ("الجيش", "للجيش", True), ("الجيش", "وبالجيش", True),
    ("الجيش", "فللجيش", True), ("الجيش", "لالجيش", False), ("الجيش", "بجيش", False),  # the article is kept
    ("روسيا", "وروسيا", True), ("روسيا", "بروسيا", True), ("روسيا", "والروسيا", True),
    ("روسيا", "وفروسيا", False),  # two conjunctions
])
def test_proclitic_forms_table(word, form, is_form):
    assert (form in proclitic_forms(word)) is is_form
    # the reverse analysis never misses a true base
    if is_form:
        assert word in proclitic_bases(form)


@pytest.mark.parametrize(("word", "form", "is_form"), [
    ("حكومه", "حكومتها", True), ("حكومه", "حكومات", True), ("حكومه", "حكومتين", True),
    ("حكومه", "حكومهها", False),  # ة becomes ت before a suffix
    ("مسلحون", "مسلحين", True), ("مسلحون", "مسلحيهم", True), ("مسلحون", "مسلحونهم", False),
    ("مقاتل", "مقاتلون", True), ("مقاتل", "مقاتلاتهم", True), ("مقاتل", "مقاتله", True),
    ("قوي", "قويه", True), ("روسي", "روسيات", True),
])
def test_suffix_forms_table(word, form, is_form):
    assert (form in suffix_forms(word)) is is_form
    if is_form:
        assert word in suffix_bases(form)


def test_reverse_analysis_covers_every_surface_form():
    """For a one-word term, every surface form leads back to the word through
    proclitic_bases then suffix_bases: the matcher relies on this."""
    for word in ("الاحتلال", "روسيا", "حكومه", "مسلحون", "الثوار", "نظام", "قوي"):
        for form in surface_forms([word])[0]:
            assert any(word in suffix_bases(f) for f in proclitic_bases(form)), (word, form)


@pytest.mark.parametrize(("token", "folded", "stripped"), [
    ("والروسي", "الروسي", "روسي"), ("للنظام", "النظام", "نظام"), ("وبالجيش", "الجيش", "وبالجيش"),  # stripping leaves four-letter clitic groups
    ("وزير", "وزير", "وزير"), ("لله", "لله", "لله"), ("الثوار", "الثوار", "ثوار"),
])
def test_article_folding_and_stripping(token, folded, stripped):
    assert fold_article_clitics(token) == folded
    assert strip_article_clitics(token) == stripped
    if token.startswith(("و", "ب", "ل", "ف", "ك")) and folded != token:
        assert token in article_clitic_variants(folded)


def test_bare_forms_peel_proclitics_and_the_article():
    assert {"كرملين", "الكرملين"} <= bare_forms("والكرملين")
    assert bare_forms("قال") == frozenset({"قال"})  # too short to peel


def test_other_modules_use_the_one_owner():
    from framing import attribution, events

    assert events.light_stem is strip_article_clitics
    assert attribution._bare_forms is bare_forms


@pytest.mark.parametrize(("text", "expected"), [
    ("قُوّات النظام السوري", True),  # diacritics dropped: the letters keep their own offsets
    ("ا\u0654مر", True),  # a combining hamza composes with its letter: one character from two
    ("قال ﷺ", False),  # one presentation form becomes several words
    ("ﻻ", False),  # the lam-alef ligature becomes two letters from one
    ("", True),
])
def test_one_to_one_says_whether_a_character_was_expanded(text, expected):
    assert normalize_with_offsets(text).one_to_one() is expected
