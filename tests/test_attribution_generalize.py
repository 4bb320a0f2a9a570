"""Attribution on text the project never used: anonymity formulas, unnamed and bare-verb speakers,
relayed quotes (via), monitors' verbs, and the domain-neutral sources lexicon with packs on top.

The sentences are written for these tests in the style of Egyptian and Syrian news (issue 13);
they load the bundled ``reporting_verbs.yaml`` and ``sources.yaml`` files directly.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from framing.attribution import (
    NOT_SPEAKERS,
    AttributionExtractor,
    neutral_sources,
    untyped_warning,
)
from framing.lexicon import load_lexicon, load_lexicons
from framing.normalize import normalize_ar

LEX = Path(__file__).resolve().parents[1] / "lexicons"


@pytest.fixture(scope="module")
def syria() -> AttributionExtractor:
    """The default folder's order: the Syria pack sorts before the neutral lexicon."""
    return AttributionExtractor(verbs=[load_lexicon(LEX / "reporting_verbs.yaml")],
                                sources=load_lexicons([LEX / "sources-syria.yaml", LEX / "sources.yaml"]))


def _one(ex: AttributionExtractor, text: str):
    attrs = ex.extract(text)
    assert len(attrs) == 1, [(a.speaker, a.cue, a.quote_text) for a in attrs]
    return attrs[0]


# --- anonymity formulas -----------------------------------------------------------------------

ANONYMOUS = [
    # the failing sentence of issue 13: «رفض ذكر اسمه أن» gave a speaker called «اسمه»
    ("وقال مصدر أمني رفض ذكر اسمه أن قوات الأمن ألقت القبض على خمسة متهمين.", "مصدر أمني",
     "قوات الأمن ألقت القبض على خمسة متهمين"),
    ("وأكد ضابط بمديرية الأمن، طلب عدم الكشف عن هويته، أن الاشتباكات استمرت حتى الفجر.", "ضابط بمديرية الأمن",
     "الاشتباكات استمرت حتى الفجر"),
    ("وقال أحد العاملين في المستشفى، فضل عدم ذكر اسمه، إن عدد المصابين تجاوز العشرين.", "أحد العاملين",
     "عدد المصابين تجاوز العشرين"),
    ("وذكر مصدر مطلع أن الاجتماع تأجل إلى الأسبوع المقبل.", "مصدر مطلع", "الاجتماع تأجل إلى الأسبوع المقبل"),
    ("وأفادت مصادر مطلعة بأن الوزير سيقدم استقالته.", "مصادر مطلعة", "الوزير سيقدم استقالته"),
    ("وقال موظف بالوزارة، مفضلا عدم ذكر اسمه، إن الرواتب تأخرت شهرين.", "موظف بالوزارة", "الرواتب تأخرت شهرين"),
]


@pytest.mark.parametrize(("text", "speaker", "said"), ANONYMOUS)
def test_anonymity_formulas_make_an_anonymous_speaker(neutral, text, speaker, said):
    a = _one(neutral, text)
    assert (a.speaker, a.source_type, a.quote_text) == (speaker, "anonymous", said)


def test_the_verb_inside_an_anonymity_formula_is_no_cue(neutral):
    # «ذكر» in «رفض ذكر اسمه» is not a reporting verb: nobody called «اسمه» says anything
    text = "وأضاف مسؤول بالمحافظة رفض ذكر اسمه أن المياه انقطعت عن ثلاث قرى."
    [a] = neutral.extract(text)
    assert a.cue == "وأضاف" and a.source_type == "anonymous" and a.speaker == "مسؤول بالمحافظة"
    assert all("اسمه" not in x.speaker for x in neutral.extract("رفض ذكر اسمه أن الحكومة ستستقيل."))


# --- speakers left unnamed by the sentence ------------------------------------------------------

MINISTER = """قال وزير المالية أحمد النجار إن العجز سيتراجع هذا العام.
وأضاف أن الحكومة تدرس فرض ضرائب جديدة.
وتابع قائلا: «لن نمس محدودي الدخل بأي حال من الأحوال».
وأكد أن الموازنة متوازنة، مشيرا إلى أن الدين العام مستقر."""


def test_bare_verbs_and_participles_take_the_nearest_earlier_named_speaker(neutral):
    attrs = neutral.extract(MINISTER)
    assert [a.cue for a in attrs] == ["قال", "وأضاف", "وتابع", "وأكد", "مشيرا"]
    assert {a.speaker for a in attrs} == {"وزير المالية أحمد النجار"}
    assert {a.source_type for a in attrs} == {"government"}
    # «وتابع قائلا» is one cue: one attribution, the quotation without its marks
    assert attrs[2].kind == "direct_quote" and attrs[2].quote_text == "لن نمس محدودي الدخل بأي حال من الأحوال"


def test_a_verb_followed_by_a_participle_takes_the_subject_before_it(neutral):
    text = "حسين عبد الغني عضو جبهة الإنقاذ قال معلقا على بيان اللجنة «إن النظام الحالي أصبح ضعيفا مهتزا أمام الأزمة»."
    a = _one(neutral, text)
    assert a.speaker == "حسين عبد الغني" and a.cue == "قال" and a.kind == "direct_quote"


def test_a_named_person_after_the_verb_and_a_short_name_later(neutral):
    text = "قال نبيل الخميسي، رئيس اتحاد العمال، إن الإضراب سيستمر حتى تنفيذ المطالب. وأضاف الخميسي أن الحكومة لم تستجب."
    first, second = neutral.extract(text)
    assert first.speaker == "نبيل الخميسي" and first.quote_text == "الإضراب سيستمر حتى تنفيذ المطالب"
    assert second.speaker == "نبيل الخميسي" and second.quote_text == "الحكومة لم تستجب"


def test_the_antecedent_of_a_relative_pronoun_is_the_speaker(neutral):
    text = "وتوقفت الصحيفة عند تصريح رونالدو الذي قال «أريدها أمسية ساحرة أمام برشلونة في الكامب نو»."
    a = _one(neutral, text)
    assert a.speaker == "رونالدو" and a.cue == "قال"


def test_a_name_and_a_colon_before_a_quotation(neutral):
    text = "الحوار الوطني هو الحل\nصبحي صالح: «شلة الأنس فرحانة باللي بيحصل في البلد ومفيش حاجة اسمها ثوار»"
    a = _one(neutral, text)
    assert a.kind == "direct_quote" and a.speaker == "صبحي صالح" and a.cue == ""


def test_pronouns_and_common_nouns_are_never_speakers(neutral):
    text = ("قال رئيس حزب الوسط أبو العلا ماضي إن الحزب يرفض العنف.\n"
            "ولكنه أكد أن الحوار لن ينجح دون ضمانات.\n"
            "وطرح الحزب مبادرة للحوار، وأوضحت المبادرة أن اللجنة ستجتمع كل أسبوع.")
    attrs = neutral.extract(text)
    assert len(attrs) == 3
    assert [a.speaker for a in attrs[:2]] == ["أبو العلا ماضي", "أبو العلا ماضي"]  # the name, not a title cut at five words
    assert attrs[2].speaker != "المبادرة"
    stop = {normalize_ar(w) for w in ("اسمه", "ذلك", "المبادرة", "ولكنه", "هو")}
    assert stop <= NOT_SPEAKERS
    assert not {normalize_ar(a.speaker) for a in attrs} & NOT_SPEAKERS


# --- relayed words: via ---------------------------------------------------------------------

VIA = [
    ("ونقلت وكالة أنباء الشرق الأوسط عن مصدر عسكري قوله إن الجيش انتشر في المدينة.", "مصدر عسكري", "anonymous",
     "وكالة أنباء الشرق الأوسط"),
    ("ونقلت رويترز عن دبلوماسي غربي أن المحادثات متعثرة.", "دبلوماسي غربي", "government", "رويترز"),
    ("ونقلت صحيفة الأهرام عن وزير الري قوله إن منسوب النيل مطمئن.", "وزير الري", "government", "صحيفة الأهرام"),
]


@pytest.mark.parametrize(("text", "speaker", "source_type", "via"), VIA)
def test_relayed_words_are_the_original_speakers_via_the_relay(neutral, text, speaker, source_type, via):
    a = _one(neutral, text)
    assert (a.speaker, a.source_type, a.via) == (speaker, source_type, via)


def test_direct_speech_has_no_via(neutral):
    assert _one(neutral, "وقالت وزارة الصحة إن عدد الوفيات بلغ 12.").via == ""


# --- monitors' verbs ----------------------------------------------------------------------------

MONITORS = [
    ("ورصد المرصد السوري لحقوق الإنسان مقتل 12 مدنيا في قصف على ريف إدلب.", "المرصد السوري لحقوق الإنسان",
     "مقتل 12 مدنيا في قصف على ريف إدلب"),
    ("ووثقت منظمة العفو الدولية اعتقال 30 متظاهرا خلال يومين.", "منظمة العفو الدولية", "اعتقال 30 متظاهرا خلال يومين"),
    ("وأحصى المرصد المصري للحقوق سقوط 40 قتيلا منذ بداية الشهر.", "المرصد المصري للحقوق",
     "سقوط 40 قتيلا منذ بداية الشهر"),
]


@pytest.mark.parametrize(("text", "speaker", "claim"), MONITORS)
def test_monitor_verbs_cite_the_monitor(neutral, text, speaker, claim):
    a = _one(neutral, text)
    # the outlet's wording of what the monitor recorded: a sourced claim (authorial voice)
    assert (a.speaker, a.source_type, a.kind, a.quote_text) == (speaker, "ngo", "sourcing", claim)
    assert a.cue_lemma in ("رصد", "وثق", "أحصى")


def test_the_seed_sentence_cites_the_observatory_with_the_syria_pack(syria):
    text = "ورصد المرصد السوري لحقوق الإنسان تنفيذ طائرة روسية لثلاث غارات متتالية على أطراف مدينة إدلب."
    a = _one(syria, text)
    assert (a.speaker, a.source_type) == ("المرصد السوري لحقوق الإنسان", "monitor_ngo")


# --- the neutral sources lexicon ---------------------------------------------------------------

NEUTRAL_TYPES = [
    ("قالت الرئاسة في بيان إن الرئيس سيلقي خطابا مساء اليوم.", "presidency"),
    ("وقال المتحدث باسم رئاسة الجمهورية إن الحوار مفتوح للجميع.", "presidency"),
    ("قالت وزيرة الصحة إن المستشفيات مستعدة.", "government"),
    ("وقال وزير الخارجية الفرنسي إن بلاده تدعم الحل السياسي.", "government"),
    ("وأعلن المتحدث العسكري باسم القوات المسلحة أن الجيش سيؤمن المنشآت.", "military"),
    ("وقالت وزارة الداخلية في بيان إن الشرطة ألقت القبض على المتهمين.", "security"),
    ("وقال رئيس حزب النور إن الحزب لن يشارك في المظاهرات.", "party"),
    ("وأكدت حركة شباب 6 أبريل أن المسيرة ستنطلق ظهرا.", "party"),
    ("وقال النائب محمد العمدة إن القانون سيناقش الأسبوع المقبل.", "parliament"),
    ("وقال النائب العام إن التحقيقات مستمرة.", "judiciary"),
    ("وأكدت منظمة هيومن رايتس ووتش أن الاعتقالات تعسفية.", "ngo"),
    ("وذكرت صحيفة الأهرام أن الحكومة ستعلن الموازنة.", "media"),
    ("وقال الخبير الاقتصادي أحمد السيد إن التضخم سيرتفع.", "expert"),
    ("وقال شهود عيان إن إطلاق النار استمر ساعتين.", "witness"),
    ("وقال أهالي القرية إن المياه مقطوعة منذ أسبوع.", "witness"),
    ("وأكد صندوق النقد الدولي أن المفاوضات مستمرة.", "international"),
    ("وقال مصدر أمني إن الطريق أغلق.", "anonymous"),
]


@pytest.mark.parametrize(("text", "source_type"), NEUTRAL_TYPES)
def test_the_neutral_lexicon_types_offices_in_any_country(neutral, text, source_type):
    assert _one(neutral, text).source_type == source_type


def test_a_pattern_entry_names_the_speaker_by_the_words_of_the_text(neutral):
    # «وزير» has no canonical: the speaker is the title as written, not «وزير»
    assert _one(neutral, "قالت وزيرة الصحة إن المستشفيات مستعدة.").speaker == "وزيرة الصحة"
    assert _one(neutral, "وقال وزير الخارجية الفرنسي إن بلاده تدعم الحل.").speaker == "وزير الخارجية الفرنسي"


def test_the_syria_pack_wins_over_the_neutral_lexicon(neutral, syria):
    text = "وقال وزير الخارجية التركي إن أنقرة لن تسحب قواتها."
    assert (_one(syria, text).speaker, _one(syria, text).source_type) == ("جاويش أوغلو", "turkish_official")
    assert (_one(neutral, text).speaker, _one(neutral, text).source_type) == ("وزير الخارجية التركي", "government")
    # where the pack names nothing, the neutral lexicon still types the speaker
    assert _one(syria, "وقالت وزيرة الصحة إن المستشفيات مستعدة.").source_type == "government"


def test_only_the_neutral_lexicon_comes_with_a_researchers_own_framing_lexicon():
    both = load_lexicons([LEX / "sources-syria.yaml", LEX / "sources.yaml", LEX / "reporting_verbs.yaml"])
    assert [lx.name for lx in neutral_sources(both)] == ["sources"]
    categories = set(load_lexicon(LEX / "sources.yaml").categories)
    assert categories == {"presidency", "government", "military", "security", "party", "parliament", "judiciary",
                          "ngo", "media", "expert", "witness", "international", "anonymous"}
    assert not categories & {"russian_official", "turkish_official", "iranian_official", "jihadist"}


def test_the_warning_when_most_attributions_are_typed_other():
    most = pd.DataFrame({"outlet": ["a", "b"], "n_attributions": [30, 10], "share_other": [0.9, 0.2]})
    message = untyped_warning(most)
    assert message is not None and message.startswith("72% of the 40 attributions have source type other")
    assert "\n" not in message
    half = pd.DataFrame({"outlet": ["a", "b"], "n_attributions": [10, 10], "share_other": [0.5, 0.5]})
    assert untyped_warning(half) is None
    assert untyped_warning(pd.DataFrame({"outlet": ["a"], "n_attributions": [0]})) is None


# --- chants, lists of quotations, and what «عن» does not relay ------------------------------------


def test_chanted_slogans_are_the_chanters_and_a_list_of_quotations_keeps_its_speaker(neutral):
    text = ("وتجمع المتظاهرون أمام مبنى المحافظة، وهتف المتظاهرون «يسقط يسقط حكم المرشد ولا للطوارئ»، "
            "و«الشعب يريد إسقاط النظام من جديد الآن».")
    first, second = neutral.extract(text)
    assert (first.speaker, first.source_type, first.cue) == ("المتظاهرون", "witness", "وهتف")
    assert first.quote_text == "يسقط يسقط حكم المرشد ولا للطوارئ"
    assert (second.speaker, second.quote_text) == ("المتظاهرون", "الشعب يريد إسقاط النظام من جديد الآن")


def test_about_is_not_a_relay(neutral):
    # «أعرب X عن أمله» expresses X's hope: no speaker called «أمله», no via
    text = "وأعرب عبد الهادي عن أمله في الحصول على الجنسية، وقال «هناك آلاف المحرومين من السفر عبر المعبر بسبب قضايا كيدية»."
    attrs = neutral.extract(text)
    assert attrs and all(a.speaker != "أمله" and a.via == "" for a in attrs)


def test_an_apposition_after_the_verb_is_no_object(neutral):
    # «حذر رئيس الوزراء الإيطالي المستقيل، ماريو مونتي من ...»: the name is not what was warned
    text = "حذر رئيس الوزراء الإيطالي المستقيل، ماريو مونتي من خطورة نتائج الانتخابات على الاقتصاد."
    assert all(not a.quote_text.startswith("ماريو") for a in neutral.extract(text))


def test_a_subject_before_a_comma_and_no_dependent_noun_as_speaker(neutral):
    a = _one(neutral, "ناريمان عطية عضو لجنة جمعية بيوت الشباب بالسويس، قالت إنه تم إلغاء الرحلات الشتوية.")
    assert a.speaker == "ناريمان عطية" and a.source_type == "ngo"
    # «لنقابة» depends on «الأمين العام»: it is not the speaker of «لافتا»
    text = "واستنكر الأمين العام لنقابة الأطباء اجتماع الاتحاد دون دعوة النقابات، لافتا إلى أن النقابات لم تدع."
    assert all(a.speaker != "لنقابة" for a in neutral.extract(text))
