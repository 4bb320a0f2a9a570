"""The extractor's quick paths give what the full path gives: a text the quick reject turns away has
no attribution the rules would find, and a text with any cue still goes the full way."""

from __future__ import annotations

import pytest

from framing.attribution import AttributionExtractor
from framing.normalize import normalize_with_offsets


@pytest.fixture(scope="module")
def bundled():
    return AttributionExtractor()  # the bundled reporting verbs and sources


class _NoReject(AttributionExtractor):
    """The full path for every text (the quick reject off)."""

    def _may_attribute(self, text, norm):
        return True


@pytest.fixture(scope="module")
def full(bundled):
    return _NoReject(verbs=bundled.verbs, sources=bundled.sources)


#: headlines and sentences without a reporting verb, quotation mark, source line or sourcing phrase
NO_CUE = [
    "الجيش ينسحب من ريف إدلب بعد معارك عنيفة",
    "مرسي يلتقي وفدا من رجال الأعمال في القاهرة",
    "ارتفاع أسعار الذهب في الأسواق المصرية",
    "وصل الوزير إلى العاصمة على متن طائرة خاصة",  # «على» without «حد قول»
    "كما هو متوقع ارتفعت الأسعار",  # «كما» without a reporting verb after it
    "جاء الرئيس إلى المؤتمر متأخرا",  # «جاء» without «في»
    "حلمي صلاح فحسب",  # «فحسب»: only
    "«الإخوان» يحشدون أنصارهم أمام «الاتحادية»",  # short quoted names, no cue
    "مسيرة بعنوان «لا للدستور» في الإسكندرية",
    "رئيس «الدستوريّة» يصل إلى مقر المحكمة",  # (a diacritic: offsets mapped back to the original)
]

#: each starts an attribution another way: a verb, a quotation, a source line, each kind of sourcing word
CUED = [
    "قال المتحدث باسم الجيش إن القوات انسحبت من المدينة",
    "وأكد وزير الخارجية أن المفاوضات مستمرة",
    "مرسي: «لن نتراجع عن الدستور مهما كانت الضغوط علينا»",
    'الوزير يرد على المعارضة "هذه ادعاءات كاذبة لا أساس لها من الصحة"',
    "قتل خمسة مدنيين في القصف، بحسب مصادر محلية",
    "وصلت الحصيلة إلى عشرين قتيلا حسبما ذكرت وكالة الأنباء",
    "قتل جندي في الهجوم وفقا لبيان الجيش",
    "قتل جندي في الهجوم وفقا لما ذكره التلفزيون الرسمي",
    "انسحبت القوات نقلا عن مصادر عسكرية",
    "انسحبت القوات استنادا إلى تقارير ميدانية",
    "وجاء في بيان الحزب أن الانتخابات ستجري في موعدها",
    "الحكومة فاشلة على حد تعبير وزير الخارجية.",
    "انتهت المعارك في المدينة، كما ذكرت وكالة رويترز.",
    "انتهت المعارك في المدينة.\nالمصدر: وكالات",
    "الثوار: «الشعب يريد إسقاط النظام من جديد» في الميدان",  # a long quotation, no cue
    "المتظاهرون: «لن نترك الميدان حتى تتحقق كل المطالب»",
]


@pytest.mark.parametrize("text", NO_CUE)
def test_quick_reject_turns_away_texts_without_cue(bundled, full, text):
    assert not bundled._may_attribute(text, normalize_with_offsets(text))  # the quick path is taken
    assert full.extract(text, doc_id="d") == [] == bundled.extract(text, doc_id="d")


@pytest.mark.parametrize("text", CUED)
def test_quick_reject_keeps_every_cued_text(bundled, full, text):
    assert bundled._may_attribute(text, normalize_with_offsets(text))
    want = full.extract(text, doc_id="d")
    assert want  # the rules find an attribution here: the comparison is not of empty lists
    assert bundled.extract(text, doc_id="d") == want


def test_quick_reject_off_with_verbs_from_the_matcher():
    """A verb lexicon the dict lookup cannot serve (a two-word verb) sends every text the full way."""
    from framing.lexicon import Lexicon

    verbs = Lexicon.from_entries("v", [{"term": "أعلن رسميا", "category": "neutral", "match": "exact"}],
                                 kind="reporting_verbs")
    ex = AttributionExtractor(verbs=[verbs], sources=[])
    [a] = ex.extract("أعلن رسميا الجيش أن القوات انسحبت من المدينة", doc_id="d")
    assert a.kind == "reported_speech" and a.cue == "أعلن رسميا"


@pytest.mark.parametrize(("text", "long_enough"), [
    ("المتظاهرون: «الشعب يريد إسقاط النظام الآن»", False),  # five quoted words
    ("المتظاهرون: «الشعب يريد إسقاط النظام الآن فورا»", True),  # six
    ("المتظاهرون: «الشعبُ يريدُ إسقاطَ النظامِ الآنَ»", False),  # five, with harakat
    ("المتظاهرون: «الشعبُ يريدُ إسقاطَ النظامِ الآنَ فوراً»", True),
])
def test_quick_reject_counts_the_words_of_a_quotation_without_cue(bundled, full, text, long_enough):
    """Without a cue only a quotation of six words or more is attributed: a shorter one is turned away."""
    assert bundled._may_attribute(text, normalize_with_offsets(text)) is long_enough
    want = full.extract(text, doc_id="d")
    assert bool(want) is long_enough
    assert bundled.extract(text, doc_id="d") == want

