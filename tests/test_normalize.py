import glob
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.normalize import (
    WORD_RE,
    normalize_ar,
    normalize_with_offsets,
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
