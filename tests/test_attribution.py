"""Attribution: quotes, reported speech, sourcing phrases, speakers, cues, voice, profiles.

The table sentences are hand-written Arabic news sentences; the seed tests read copies of
the five seed articles in tests/data/attribution/. Lexicons are the fixtures next to them
(tests/data/attribution/*.yaml), so that edits to the project's default lexicons do not
change what these tests check.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.attribution import (
    ATTRIBUTION_FRAME_COLUMNS,
    KINDS,
    AttributionExtractor,
    assign_voice,
    attribution_profile,
    attributions_frame,
    find_quotes,
)
from framing.lexicon import Lexicon, Matcher, load_lexicon
from framing.records import Attribution, Hit


@pytest.fixture(scope="module")
def adir(data_dir):
    return data_dir / "attribution"


@pytest.fixture(scope="module")
def extractor(adir):
    return AttributionExtractor(verbs=[load_lexicon(adir / "reporting_verbs.yaml")],
                                sources=[load_lexicon(adir / "sources.yaml")])


@pytest.fixture(scope="module")
def framing_matcher(adir):
    return Matcher([load_lexicon(adir / "framing.yaml")])


@pytest.fixture(scope="module")
def seed(adir):
    return lambda n: (adir / f"seed_{n:03d}.txt").read_text(encoding="utf-8")


def by_cue(attrs, cue):
    found = [a for a in attrs if a.cue == cue]
    assert found, f"no attribution with cue {cue!r}; got {[(a.cue, a.quote_text) for a in attrs]}"
    return found[0]


# --- the table ------------------------------------------------------------------------------
# (text, cue as written, attributed words, speaker, source type, kind, speaker phrase as written)

TABLE = [
    # --- every quote mark ---
    ("قال وزير الخارجية الروسي سيرغي لافروف: “لن نسمح بتقويض الاتفاق”.",
     "قال", "لن نسمح بتقويض الاتفاق", "لافروف", "russian_official", "direct_quote",
     "وزير الخارجية الروسي سيرغي لافروف"),
    ("وقال الكرملين: «الحوار مع أنقرة مستمر».",
     "وقال", "الحوار مع أنقرة مستمر", "الكرملين", "russian_official", "direct_quote", "الكرملين"),
    ('وقالت وزارة الخارجية الروسية: إن "موسكو ملتزمة بالاتفاق".',
     "وقالت", "موسكو ملتزمة بالاتفاق", "الخارجية الروسية", "russian_official", "direct_quote",
     "وزارة الخارجية الروسية"),
    ("وأضاف أردوغان: „لن نتراجع عن مواقعنا في إدلب“.",
     "وأضاف", "لن نتراجع عن مواقعنا في إدلب", "أردوغان", "turkish_official", "direct_quote", "أردوغان"),
    ("وأكد أردوغان: „لن نقبل بالتصعيد”.",
     "وأكد", "لن نقبل بالتصعيد", "أردوغان", "turkish_official", "direct_quote", "أردوغان"),
    ("وقال المتحدث باسم الكرملين: 'لا توجد خطط لعملية عسكرية'.",
     "وقال", "لا توجد خطط لعملية عسكرية", "الكرملين", "russian_official", "direct_quote",
     "المتحدث باسم الكرملين"),
    ("وقالت أنقرة: ‘الهدنة ما زالت صامدة’.",
     "وقالت", "الهدنة ما زالت صامدة", "أنقرة", "turkish_official", "direct_quote", "أنقرة"),
    ("وقالت روسيا »الوضع في إدلب مقلق«.",  # guillemets typed the other way round
     "وقالت", "الوضع في إدلب مقلق", "روسيا", "russian_official", "direct_quote", "روسيا"),
    ("وقال بوتين ”الاتصالات مع أنقرة مستمرة”.",  # ” typed as the opening mark
     "وقال", "الاتصالات مع أنقرة مستمرة", "بوتين", "russian_official", "direct_quote", "بوتين"),
    # --- reported speech: إن / أن / بأن / إلى أن / من أن / على أن / colon ---
    ("وقال الكرملين إن الرئيسين اتفقا على مواصلة الاتصالات.",
     "وقال", "الرئيسين اتفقا على مواصلة الاتصالات", "الكرملين", "russian_official", "reported_speech",
     "الكرملين"),
    ("ذكر الكرملين في بيان بهذا الصدد، أن الجانبين بحثا الوضع في إدلب.",
     "ذكر", "الجانبين بحثا الوضع في إدلب", "الكرملين", "russian_official", "reported_speech", "الكرملين"),
    ("صرحت وزارة الدفاع التركية بأن المكالمة ناقشت الوضع الميداني.",
     "صرحت", "المكالمة ناقشت الوضع الميداني", "وزارة الدفاع التركية", "turkish_official",
     "reported_speech", "وزارة الدفاع التركية"),
    ("وأشار المرصد السوري لحقوق الإنسان إلى أن القصف استهدف قرى جبل الزاوية.",
     "وأشار", "القصف استهدف قرى جبل الزاوية", "المرصد السوري لحقوق الإنسان", "monitor_ngo",
     "reported_speech", "المرصد السوري لحقوق الإنسان"),
    ("وحذّر أردوغان من أنَّ التصعيد يهدد العملية السياسية.",
     "وحذّر", "التصعيد يهدد العملية السياسية", "أردوغان", "turkish_official", "reported_speech", "أردوغان"),
    ("وشدد لافروف على أن الحل يجب أن يكون سياسيا.",
     "وشدد", "الحل يجب أن يكون سياسيا", "لافروف", "russian_official", "reported_speech", "لافروف"),
    ("وقال وزير الدفاع التركي: على النظام وقف هجومه جنوبي إدلب.",
     "وقال", "على النظام وقف هجومه جنوبي إدلب", "خلوصي أكار", "turkish_official", "reported_speech",
     "وزير الدفاع التركي"),
    ("وزعمت وزارة الدفاع الروسية أن الطائرات لم تستهدف المدنيين.",
     "وزعمت", "الطائرات لم تستهدف المدنيين", "وزارة الدفاع الروسية", "russian_official",
     "reported_speech", "وزارة الدفاع الروسية"),
    ("ونفت أنقرة أن تكون قواتها قد انسحبت من نقاط المراقبة.",
     "ونفت", "تكون قواتها قد انسحبت من نقاط المراقبة", "أنقرة", "turkish_official", "reported_speech",
     "أنقرة"),
    ("فقال المتحدث باسم الكرملين إن موسكو لن تتراجع.",
     "فقال", "موسكو لن تتراجع", "الكرملين", "russian_official", "reported_speech", "المتحدث باسم الكرملين"),
    ("فيما قالت الخارجية الروسية إن الهدنة صامدة.",
     "قالت", "الهدنة صامدة", "الخارجية الروسية", "russian_official", "reported_speech", "الخارجية الروسية"),
    ("الكرملين قال إن الاتصالات ستستمر.",  # SVO: the speaker before the verb
     "قال", "الاتصالات ستستمر", "الكرملين", "russian_official", "reported_speech", "الكرملين"),
    ("وقال أردوغان إن الهجمات تصاعدت، مضيفا أن أنقرة لن تقف مكتوفة الأيدي.",
     "مضيفا", "أنقرة لن تقف مكتوفة الأيدي", "أردوغان", "turkish_official", "reported_speech", "أردوغان"),
    ("وقال لافروف إن موسكو ملتزمة بالاتفاق. وأضاف أن \"الإرهابيين يستغلون الهدنة\".",
     "وأضاف", "الإرهابيين يستغلون الهدنة", "لافروف", "russian_official", "direct_quote", "لافروف"),
    ("وتتهم موسكو تركيا بالفشل في كبح المتشددين، الذين قالت: إنهم \"يشنون هجمات على القوات السورية\".",
     "قالت", "يشنون هجمات على القوات السورية", "موسكو", "russian_official", "direct_quote", "موسكو"),
    ("وقال لـ«الوطن» مصدر أمني إن الوضع تحت السيطرة.",
     "وقال", "الوضع تحت السيطرة", "مصدر", "anonymous", "reported_speech", "مصدر أمني"),
    ("ويرى مراقبون أن العمليات العسكرية لن تستأنف قريبا.",
     "ويرى", "العمليات العسكرية لن تستأنف قريبا", "مراقبون", "analyst", "reported_speech", "مراقبون"),
    ("وأفادت مصادر محلية بأن الطيران الروسي قصف أطراف المدينة.",
     "وأفادت", "الطيران الروسي قصف أطراف المدينة", "مصادر", "anonymous", "reported_speech", "مصادر محلية"),
    # --- attribution after the quote ---
    ("“الوضع في إدلب خطير”، قال الكرملين.",
     "قال", "الوضع في إدلب خطير", "الكرملين", "russian_official", "direct_quote", "الكرملين"),
    ("«لن نسمح بذلك أبدا»، قال مسؤول تركي.",
     "قال", "لن نسمح بذلك أبدا", "مسؤول", "anonymous", "direct_quote", "مسؤول تركي"),
    ("«قتل خمسة مدنيين في القصف»، بحسب المرصد السوري لحقوق الإنسان.",
     "بحسب", "قتل خمسة مدنيين في القصف", "المرصد السوري لحقوق الإنسان", "monitor_ngo", "direct_quote",
     "المرصد السوري لحقوق الإنسان"),
    # --- sourcing phrases ---
    ("قتل خمسة مدنيين في قصف على أريحا، بحسب المرصد السوري لحقوق الإنسان.",
     "بحسب", "قتل خمسة مدنيين في قصف على أريحا", "المرصد السوري لحقوق الإنسان", "monitor_ngo", "sourcing",
     "المرصد السوري لحقوق الإنسان"),
    ("دارت اشتباكات عنيفة على محور كفروما، حسب مصادر محلية.",
     "حسب", "دارت اشتباكات عنيفة على محور كفروما", "مصادر", "anonymous", "sourcing", "مصادر محلية"),
    ('وتوقفت الدوريات المشتركة منذ أسبوعين، وفقاً لـ"إنترفاكس".',
     "وفقاً لـ", "وتوقفت الدوريات المشتركة منذ أسبوعين", "إنترفاكس", "media", "sourcing", '"إنترفاكس"'),
    ("وارتفع عدد النازحين إلى مليون شخص وفقا للأمم المتحدة.",
     "وفقا", "وارتفع عدد النازحين إلى مليون شخص", "الأمم المتحدة", "other", "sourcing", "للأمم المتحدة"),
    ("لكن القوات التركية توقفت عن المشاركة فيها، وفقًا لما نقلته وكالة \"إنترفاكس\" للأنباء عن مسؤول في "
     "وزارة الدفاع الروسية.",
     "وفقًا لما نقلته", "لكن القوات التركية توقفت عن المشاركة فيها", "وزارة الدفاع الروسية",
     # (the official is the speaker, the agency relays: via, as for «نقلت وكالة X عن Y»)
     "russian_official", "sourcing", 'مسؤول في وزارة الدفاع الروسية'),
    ("ذكرت وكالة سبوتنيك نقلاً عن مصدر عسكري أن التعزيزات وصلت إلى إدلب.",
     "ذكرت", "التعزيزات وصلت إلى إدلب", "مصدر", "anonymous", "reported_speech", "مصدر عسكري"),
    ("بحسب بيان صادر عن وزارة الدفاع التركية، فإن الوزيرين بحثا التطورات.",
     "بحسب", "الوزيرين بحثا التطورات", "وزارة الدفاع التركية", "turkish_official", "sourcing",
     "بيان صادر عن وزارة الدفاع التركية"),
    ('وشدد الرئيسان بحسب بيان للكرملين، على "أهمية العمل المشترك لمكافحة التشكيلات الإرهابية".',
     "وشدد", "أهمية العمل المشترك لمكافحة التشكيلات الإرهابية", "الكرملين", "russian_official",
     "direct_quote", "بيان للكرملين"),
    ("وذكر بيان الرئاسة الروسية أن الرئيسين بحثا الأزمة. وشدد الرئيسان، حسب البيان، على “أهمية التنسيق بين "
     "العسكريين”.",
     "وشدد", "أهمية التنسيق بين العسكريين", "الكرملين", "russian_official", "direct_quote",
     "بيان الرئاسة الروسية"),
    ("وصلت تعزيزات تركية إلى جبل الزاوية، بحسب ما ذكرت وكالة سبوتنيك.",
     "بحسب ما ذكرت", "وصلت تعزيزات تركية إلى جبل الزاوية", "سبوتنيك", "media", "sourcing", "وكالة سبوتنيك"),
    ("واتفق الرئيسان على مواصلة الاتصالات. بحسب الكرملين.",  # on its own: the sentence before
     "بحسب", "واتفق الرئيسان على مواصلة الاتصالات", "الكرملين", "russian_official", "sourcing", "الكرملين"),
    ("وبحسب الدفاع المدني السوري انتقل التصعيد إلى ريف حلب.",
     "وبحسب", "انتقل التصعيد إلى ريف حلب", "الدفاع المدني", "monitor_ngo", "sourcing", "الدفاع المدني السوري"),
    ("وفقاً للمرصد السوري لحقوق الإنسان، قتل ثلاثة مدنيين.",
     "وفقاً", "قتل ثلاثة مدنيين", "المرصد السوري لحقوق الإنسان", "monitor_ngo", "sourcing",
     "للمرصد السوري لحقوق الإنسان"),
    ("لم يتوقف القصف منذ الصباح، على حد قول ناشطين في المدينة.",
     "على حد قول", "لم يتوقف القصف منذ الصباح", "ناشطين في المدينة", "other", "sourcing", "ناشطين في المدينة"),
    ("حسب وصف المحلل العسكري «هي معارك جني الثمار».",
     "حسب", "هي معارك جني الثمار", "المحلل العسكري", "other", "direct_quote", "وصف المحلل العسكري"),
    # --- unknown speakers stay visible as other ---
    ("وقال الخبير العسكري أحمد رحال إن الهجوم كان متوقعا.",
     "وقال", "الهجوم كان متوقعا", "الخبير العسكري أحمد رحال", "other", "reported_speech",
     "الخبير العسكري أحمد رحال"),
    ("وقال أحمد رحال، الخبير العسكري، إن الهجوم كان متوقعا.",
     "وقال", "الهجوم كان متوقعا", "أحمد رحال", "other", "reported_speech", "أحمد رحال، الخبير العسكري"),
    ("ورجح مركز جسور للدراسات أن يكون التصعيد مرتبطا بالثقة. وأشار المركز إلى أن روسيا تستخدم قذائف موجهة.",
     "وأشار", "روسيا تستخدم قذائف موجهة", "مركز جسور للدراسات", "other", "reported_speech",
     "مركز جسور للدراسات"),
    ("أكد عضو جبهة الإنقاذ، د. وحيد عبد المجيد، أن الحوار ضروري.",  # "د." does not end the sentence
     "أكد", "الحوار ضروري", "وحيد عبد المجيد", "other", "reported_speech",  # the name after the title
     "عضو جبهة الإنقاذ، د. وحيد عبد المجيد"),
    ('الفريق عنان قال لمبارك "الجيش لن يقبل بإسالة الدماء".',  # لـX: whom it was said to
     "قال", "الجيش لن يقبل بإسالة الدماء", "الفريق عنان", "other", "direct_quote", "الفريق عنان"),
    ("وحمل محافظ خانشين، شاه محمود، طالبان مسؤولية التفجير، موضحا أن قوة القنبلة كانت كبيرة.",
     "موضحا", "قوة القنبلة كانت كبيرة", "شاه محمود", "other", "reported_speech", "محافظ خانشين، شاه محمود"),
    ("وقال عدد من القيادات الداعية للعصيان: «لن نبيع دماء الشهداء».",
     "وقال", "لن نبيع دماء الشهداء", "عدد من القيادات الداعية للعصيان", "other", "direct_quote",
     "عدد من القيادات الداعية للعصيان"),
    ("من جانبه قال الدكتور علي بركات إن التأجير يتم وفق قواعد محددة.",
     "قال", "التأجير يتم وفق قواعد محددة", "علي بركات", "other", "reported_speech", "الدكتور علي بركات"),
    ("وقال متحدث باسم الخارجية الفلبينية إن ماليزيا أكدت أن الجهود جارية.",  # SVO inside speech
     "أكدت", "الجهود جارية", "ماليزيا", "other", "reported_speech", "ماليزيا"),
    ("وكانت صحيفة كتالونية قد أعلنت أن الفريق مستعد للدفع.",
     "أعلنت", "الفريق مستعد للدفع", "صحيفة كتالونية", "other", "reported_speech", "صحيفة كتالونية"),
    ("نفى الموقع صحة الأنباء التي نشرتها بعض المواقع، والتي ذكرت أنه توجه إلى المكتب.",
     "ذكرت", "توجه إلى المكتب", "", "other", "reported_speech", ""),  # a relative is no speaker
    ("قال الوزير إن الأزمة انتهت، وقالت النائبة هدى: «الأزمة مستمرة».",  # the next speaker's words
     "قال", "الأزمة انتهت", "الوزير", "other", "reported_speech", "الوزير"),
    # --- names in quote marks, nested, unbalanced and multi-sentence quotes ---
    ("قال الرئيس التركي “رجب طيب أردوغان”: إنَّ “النظام السوري وصل إلى مستوى يُنذر بالخطر”.",
     "قال", "النظام السوري وصل إلى مستوى يُنذر بالخطر", "أردوغان", "turkish_official", "direct_quote",
     "الرئيس التركي “رجب طيب أردوغان”"),
    ("وقال الناطق باسم الجبهة الوطنية للتحرير “ناجي أبو حذيفة”: إن “الفصائل رفضت الهدنة”.",
     "وقال", "الفصائل رفضت الهدنة", "ناجي أبو حذيفة", "opposition", "direct_quote",
     "الناطق باسم الجبهة الوطنية للتحرير “ناجي أبو حذيفة”"),
    ("وقال لافروف: «إن ما يسمى “المعارضة المعتدلة” لا وجود له».",
     "وقال", "إن ما يسمى “المعارضة المعتدلة” لا وجود له", "لافروف", "russian_official", "direct_quote",
     "لافروف"),
    ("وقال روسيا: «الهدف هو الطرق الرئيسية، وإن تمكنت موسكو من فتحها فستعزل إدلب.\nسطر آخر بعد الفقرة.",
     "وقال", "الهدف هو الطرق الرئيسية، وإن تمكنت موسكو من فتحها فستعزل إدلب.", "روسيا", "russian_official",
     "direct_quote", "روسيا"),
    ("وقال أردوغان: “الوضع خطير. لن نقبل بالتصعيد. على النظام أن ينسحب”. ثم غادر.",
     "وقال", "الوضع خطير. لن نقبل بالتصعيد. على النظام أن ينسحب", "أردوغان", "turkish_official",
     "direct_quote", "أردوغان"),
    ("وذكر الكرملين أن الجانبين “بحثا الوضع. واتفقا على التنسيق”. وانتهى الاتصال.",
     "وذكر", "الجانبين “بحثا الوضع. واتفقا على التنسيق”", "الكرملين", "russian_official", "direct_quote",
     "الكرملين"),
    # --- apposition: the named head is the speaker, not a source named in its description ---
    ('وقالت موسكو، حليفة الرئيس السوري، إن "المتشددين يشنون هجمات".',
     "وقالت", "المتشددين يشنون هجمات", "موسكو", "russian_official", "direct_quote",
     "موسكو، حليفة الرئيس السوري"),
    # --- a participle cue takes the subject of the verb that opens the sentence ---
    ('وأكد أمير بشرى، أحد شباب الجبهة، على استحالة إقامة الانتخابات الآن، قائلا: "على النظام أن يرحل".',
     "قائلا", "على النظام أن يرحل", "أمير بشرى", "other", "direct_quote", "أمير بشرى، أحد شباب الجبهة"),
    ("وانتقد عبد الرحمن البر، عضو مكتب الإرشاد، أداء جبهة الإنقاذ، مؤكداً أنها تسببت في تفاقم الاستقطاب.",
     "مؤكداً", "تسببت في تفاقم الاستقطاب", "عبد الرحمن البر", "other", "reported_speech",
     "عبد الرحمن البر، عضو مكتب الإرشاد"),
]


@pytest.mark.parametrize(("text", "cue", "quote", "speaker", "source_type", "kind", "speaker_text"), TABLE,
                         ids=[f"t{i:02d}" for i in range(len(TABLE))])
def test_table(extractor, text, cue, quote, speaker, source_type, kind, speaker_text):
    attrs = extractor.extract(text, doc_id="d")
    a = by_cue(attrs, cue)
    assert text[a.quote_start:a.quote_end] == a.quote_text == quote
    assert (a.speaker, a.source_type, a.kind) == (speaker, source_type, kind)
    assert text[a.speaker_start:a.speaker_end] == speaker_text
    assert text[a.cue_start:a.cue_end] == cue
    assert a.doc_id == "d"


def test_table_is_large_enough():
    assert len(TABLE) >= 40


@pytest.mark.parametrize("text", [
    "ويشار إلى أن الطرف الروسي طلب هدنة لمدة 72 ساعة.",  # impersonal passive: the writer's
    "يعاقب المخالفون وفقا للقانون.",  # "according to the law" is not a source
    "كل ذلك يؤكد بأن هناك خلافات بين الطرفين.",  # the writer's reasoning
    "وزير الدفاع التركي “خلوصي أكار”",  # a caption with a quoted name
    "زار الرئيس “بوتين” أنقرة أمس.",
    "وقال الوزير خلال زيارته للمدينة أمس.",  # a verb without speech
    "ليس هذا فحسب بل تعداه إلى غيره.",
], ids=["impersonal", "law", "demonstrative", "caption", "name-quote", "no-speech", "fahasb"])
def test_no_attribution(extractor, text):
    assert extractor.extract(text) == []


def test_cue_stance_and_lemma(extractor):
    attrs = extractor.extract("وزعم الكرملين أن الهدنة صامدة. ونفت أنقرة أن تكون قد انسحبت. وأكد لافروف أن "
                              "الحل سياسي. بحسب ما زعمت سانا.")
    got = [(a.cue, a.cue_lemma, a.cue_stance, a.cue_stance_value) for a in attrs]
    assert ("وزعم", "زعم", "distancing", -0.5) in got
    assert ("ونفت", "نفت", "denial", -1.0) in got
    assert ("وأكد", "أكد", "assertive", 0.5) in got
    # a sourcing phrase with a verb takes the verb's stance
    assert ("بحسب ما زعمت", "بحسب ما زعمت", "distancing", -0.5) in got
    plain = extractor.extract("قتل ثلاثة، بحسب سانا.")
    assert [(a.cue_lemma, a.cue_stance) for a in plain] == [("بحسب", "")]


def test_source_line(extractor):
    text = "اتفق الجانبان على مواصلة المحادثات.\n\nالمصدر: (وكالات)\n"
    [a] = extractor.extract(text)
    assert (a.kind, a.speaker, a.source_type, a.cue) == ("sourcing", "وكالات", "media", "المصدر")
    assert a.quote_start == a.quote_end and a.quote_text == ""
    assert text[a.speaker_start:a.speaker_end] == "وكالات"
    unknown = extractor.extract("نص الخبر.\nالمصدر: موقع المدن\n")
    assert [(a.speaker, a.source_type) for a in unknown] == [("موقع المدن", "other")]


def test_ids_order_and_offsets(extractor, seed):
    text = seed(3)
    attrs = extractor.extract(text, doc_id="s3")
    assert [a.attribution_id for a in attrs] == list(range(1, len(attrs) + 1))
    assert [a.quote_start for a in attrs] == sorted(a.quote_start for a in attrs)
    for a in attrs:
        assert text[a.quote_start:a.quote_end] == a.quote_text
        assert a.source_type and a.kind in ("direct_quote", "reported_speech", "sourcing")


def test_proclitic_on_exact_verbs_only(adir):
    verbs = Lexicon.from_entries("v", [{"term": "قال", "category": "neutral", "match": "exact"},
                                       {"term": "يقول", "category": "neutral", "match": "exact"}],
                                 kind="reporting_verbs")
    ex = AttributionExtractor(verbs=[verbs], sources=[load_lexicon(adir / "sources.yaml")])
    assert [a.cue for a in ex.extract("فقال الكرملين إن الاتصالات مستمرة.")] == ["فقال"]
    assert [a.cue for a in ex.extract("خرج الكرملين ليقول إن الاتصالات مستمرة.")] == ["ليقول"]
    # ل only on imperfect forms; no "وبقال"-like forms
    assert ex.extract("لقال الكرملين إن الاتصالات مستمرة.") == []


def test_default_lexicons_are_loaded_when_none(monkeypatch, adir):
    monkeypatch.setenv("FRAMING_LEXICONS", str(adir))
    ex = AttributionExtractor()
    assert {lx.name for lx in ex.verbs} == {"test-reporting-verbs"}
    assert {lx.name for lx in ex.sources} == {"test-sources"}
    [a] = ex.extract("وقال الكرملين إن الهدنة صامدة.")
    assert a.source_type == "russian_official"


# --- quote marks ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "inner"), [
    ("قال: “نعم” و«لا» و\"ربما\" و'أبدا' و„حسنا“ و‘كلا’", ["نعم", "لا", "ربما", "أبدا", "حسنا", "كلا"]),
    ("قال: «إن “الحل” سياسي» ثم مضى", ["إن “الحل” سياسي"]),  # nested: the outer one
    ('تنظيمي "بي كا كا و"ي ب ك" كثفا', ['بي كا كا و']),  # ASCII marks do not nest: the second closes
    ("قال \"نعم\" و\"لا\" و«ربما»", ["نعم", "لا", "ربما"]),  # a mark after و opens
    ("كلمة'داخلية و abc's", []),  # an apostrophe inside a word is no mark
    ("قال «كلام لم يغلق\nسطر ثان", ["كلام لم يغلق"]),  # unbalanced: to the end of the paragraph
    ("“جملة أولى. جملة ثانية.” ثم", ["جملة أولى. جملة ثانية."]),  # multi-sentence
    ("»معكوس« و”مفتوح بالإغلاق”", ["معكوس", "مفتوح بالإغلاق"]),
    ("لا علامات هنا", []),
    ("علامة \" وحيدة بين فراغين", []),
])
def test_find_quotes(text, inner):
    assert [text[q.inner_start:q.inner_end] for q in find_quotes(text)] == inner
    for q in find_quotes(text):
        assert q.start < q.inner_start <= q.inner_end <= q.end


def test_unbalanced_flag():
    text = "قال «أ ب\nو“ج د” هـ"
    qs = find_quotes(text)
    assert [(q.balanced, text[q.inner_start:q.inner_end]) for q in qs] == [(False, "أ ب"), (True, "ج د")]


# --- seeds: who each article cites, with which verbs ----------------------------------------

SEED_PROFILES = {
    0: [("وزارة الدفاع التركية", "turkish_official", "صرحت")],
    1: [("وزارة الدفاع التركية", "turkish_official", "أفادت"), ("أردوغان", "turkish_official", "قال"),
        ("أردوغان", "turkish_official", "وحذّر"), ("الرئاسة التركية", "turkish_official", "بحسب"),
        ("أردوغان", "turkish_official", "مشددًّا"), ("الكرملين", "russian_official", "ذكر"),
        ("الكرملين", "russian_official", ""), ("الكرملن", "other", "بحسب"),
        ("خلوصي أكار", "turkish_official", "قال"), ("وكالات", "media", "المصدر")],
    2: [("المرصد السوري لحقوق الإنسان", "monitor_ngo", "بحسب"), ("الكرملين", "russian_official", "أعلن"),
        ("الكرملين", "russian_official", "وذكر"), ("الكرملين", "russian_official", "وشدد"),
        ("الكرملين", "russian_official", "وقال"), ("سبوتنيك", "media", "بحسب"),
        ("مراقبون", "analyst", "يرى"), ("المحلل العسكري", "other", "حسب"), ("القدس العربي", "media", "بحسب")],
    3: [("تركيا", "turkish_official", "صرحت"), ("الخارجية الروسية", "russian_official", "وقالت"),
        ("الخارجية الروسية", "russian_official", "وقال"), ("موسكو", "russian_official", "قالت"),
        ("جيليك", "turkish_official", "وقال"), ("جيليك", "turkish_official", "وأضاف"),
        ("كالين", "turkish_official", "وصرح"), ("روسيا", "russian_official", "وقالت"),
        ("وزارة الدفاع الروسية", "russian_official", "وفقًا لما نقلته")],
    4: [("أردوغان", "turkish_official", "مشيراً"), ("الكرملين", "russian_official", "وشدد"),
        ("الدفاع المدني", "monitor_ngo", "وبحسب"), ("مركز جسور للدراسات", "other", "ورجّح"),
        ("مركز جسور للدراسات", "other", "وأشار"), ("مركز جسور للدراسات", "other", "وأضاف")],
}


@pytest.mark.parametrize("n", sorted(SEED_PROFILES))
def test_seed_attribution_profiles(extractor, seed, n):
    attrs = extractor.extract(seed(n), doc_id=f"seed{n}")
    assert [(a.speaker, a.source_type, a.cue) for a in attrs] == SEED_PROFILES[n]


def test_seed_quotes_are_whole(extractor, seed):
    text = seed(1)
    attrs = extractor.extract(text)
    erdogan = by_cue(attrs, "قال")
    assert erdogan.quote_text.startswith("النظام السوري وصل إلى مستوى")
    assert erdogan.quote_text.endswith("وتقويض روح أستانا")
    assert text[erdogan.speaker_start:erdogan.speaker_end] == "الرئيس التركي “رجب طيب أردوغان”"
    kremlin = by_cue(attrs, "ذكر")
    assert kremlin.quote_text.startswith("الجانبين “واصلا تبادل الآراء")
    assert kremlin.quote_text.endswith("التشكيلات المسلحة المتطرفة”")
    # "بحسب بيان الرئاسة التركية." on its own line attributes the sentence before it
    presidency = next(a for a in attrs if a.speaker == "الرئاسة التركية")
    assert presidency.quote_text.startswith("مشددًّا على أنَّه لا يُمكن")
    # the uncued quotation right after the Kremlin's statement is the Kremlin's
    uncued = next(a for a in attrs if a.cue == "")
    assert uncued.quote_text.startswith("التأكيد على أهمية مواصلة التنسيق")


def test_seed_unbalanced_quote_runs_to_paragraph_end(extractor, seed):
    text = seed(2)
    analyst = by_cue(extractor.extract(text), "حسب")
    assert analyst.quote_text.startswith("لأن هدفها الطرق الرئيسية")
    assert analyst.quote_text.endswith("بحسب تقرير في صحيفة القدس العربي.")
    assert text[analyst.quote_end] == "\n"


# --- voice ----------------------------------------------------------------------------------


def voiced(extractor, matcher, text, doc_id="d"):
    attrs = extractor.extract(text, doc_id=doc_id)
    return assign_voice(matcher.find(text, doc_id=doc_id), attrs), attrs


def test_seed_002_reported_terrorism_term_is_the_kremlins(extractor, framing_matcher, seed):
    hits, _ = voiced(extractor, framing_matcher, seed(2))
    [h] = [h for h in hits if h.term == "التشكيلات الإرهابية"]
    assert "ومكافحة التشكيلات الإرهابية المتبقية" in seed(2)[h.sentence_start:h.sentence_end]
    assert (h.voice, h.speaker, h.source_type) == ("reported", "الكرملين", "russian_official")
    assert h.attribution_id is not None


def test_seed_004_same_statement_same_speaker(extractor, framing_matcher, seed):
    hits, attrs = voiced(extractor, framing_matcher, seed(4))
    [h] = [h for h in hits if h.term == "التشكيلات الإرهابية"]
    assert (h.voice, h.speaker, h.source_type) == ("reported", "الكرملين", "russian_official")
    [v] = [h for h in hits if h.term == "الوجود الإرهابي"]
    assert (v.voice, v.speaker) == ("reported", "أردوغان")
    a = next(a for a in attrs if a.attribution_id == v.attribution_id)
    assert a.quote_start <= v.start and v.end <= a.quote_end


def test_seed_000_outlets_own_words_are_authorial(extractor, framing_matcher, seed):
    hits, _ = voiced(extractor, framing_matcher, seed(0))
    occupation = [h for h in hits if h.term == "الاحتلال الروسي"]
    assert len(occupation) == 2
    assert all(h.voice == "authorial" and h.speaker is None and h.attribution_id is None for h in occupation)


def test_seed_001_scare_quoted_term_inside_speech_is_erdogans(extractor, framing_matcher, seed):
    hits, _ = voiced(extractor, framing_matcher, seed(1))
    [h] = [h for h in hits if h.term == "مكافحة الإرهاب"]
    assert (h.voice, h.speaker) == ("reported", "أردوغان")
    regime = [h for h in hits if h.term == "قوات النظام"]
    assert regime[0].voice == "authorial"  # "ردًّا على تقدُّم قوّات النظام" in the lead: the outlet's
    [extremists] = [h for h in hits if h.term == "التشكيلات المسلحة المتطرفة"]
    assert (extremists.voice, extremists.speaker) == ("reported", "الكرملين")


def test_seed_003_label_before_the_quote_is_authorial(extractor, framing_matcher, seed):
    hits, _ = voiced(extractor, framing_matcher, seed(3))
    [h] = [h for h in hits if h.term == "المتشددين"]
    assert h.voice == "authorial"


def test_sourcing_clause_is_authorial_unless_asked(extractor, framing_matcher):
    text = "نفذت قوات النظام، بحسب المرصد السوري لحقوق الإنسان، غارات على ريف إدلب الجنوبي."
    attrs = extractor.extract(text, doc_id="d")
    [a] = attrs
    assert a.kind == "sourcing"
    assert a.quote_start <= a.speaker_start < a.speaker_end <= a.quote_end  # parenthetical: whole sentence
    hits = framing_matcher.find(text, doc_id="d")
    # by default the clause of a sourcing phrase is the outlet's wording
    assert {h.voice for h in assign_voice(hits, attrs)} == {"authorial"}
    # counted as reported on request; the words naming the speaker stay authorial
    got = {h.term: (h.voice, h.speaker) for h in assign_voice(hits, attrs, kinds=KINDS)}
    assert got["قوات النظام"] == ("reported", "المرصد السوري لحقوق الإنسان")
    assert got["المرصد السوري لحقوق الإنسان"] == ("authorial", None)


def test_speaker_name_inside_the_span_stays_authorial():
    hits = [Hit("d", "x", "الكرملين", "الكرملين", 12, 20, "actor_label", 0.0),
            Hit("d", "x", "الإرهابية", "الإرهابية", 30, 39, "terrorism", -1.0)]
    a = Attribution("d", 1, "direct_quote", 0, 60, "الكرملين", "russian_official", speaker_start=12,
                    speaker_end=20)
    got = [(h.voice, h.speaker) for h in assign_voice(hits, [a])]
    assert got == [("authorial", None), ("reported", "الكرملين")]


def test_assign_voice_prefers_innermost_quotation():
    hit = Hit("d", "x", "t", "t", 20, 25, "c", 0.0)
    outer = Attribution("d", 1, "sourcing", 0, 100, "سبوتنيك", "media")
    inner = Attribution("d", 2, "direct_quote", 10, 40, "الكرملين", "russian_official")
    other_doc = Attribution("e", 3, "direct_quote", 0, 100, "x", "other")
    empty = Attribution("d", 4, "sourcing", 22, 22, "وكالات", "media")
    [r] = assign_voice([hit], [outer, inner, other_doc, empty], kinds=KINDS)
    assert (r.voice, r.speaker, r.attribution_id) == ("reported", "الكرملين", 2)
    [o] = assign_voice([Hit("d", "x", "t", "t", 50, 55, "c", 0.0)], [outer, inner], kinds=KINDS)
    assert (o.voice, o.speaker) == ("reported", "سبوتنيك")
    [s] = assign_voice([Hit("d", "x", "t", "t", 35, 45, "c", 0.0)], [inner])  # crosses the end
    assert s.voice == "authorial" and s.speaker is None


# --- frames ---------------------------------------------------------------------------------


def test_attributions_frame_columns(extractor, seed):
    texts = {"s3": seed(3), "s4": seed(4)}
    attrs = [a for d, t in texts.items() for a in extractor.extract(t, doc_id=d)]
    df = attributions_frame(attrs, {"s3": "masrawy", "s4": "almodon"}, texts)
    assert list(df.columns) == ATTRIBUTION_FRAME_COLUMNS
    assert len(df) == len(attrs)
    assert set(df["outlet"]) == {"masrawy", "almodon"}
    for row in df.itertuples():
        assert texts[row.doc_id][row.quote_start:row.quote_end] == row.quote_text
    # quote_text is filled from texts when the records carry none
    bare = [Attribution("s3", 1, "sourcing", 0, 5, "x", "other")]
    assert attributions_frame(bare, None, texts)["quote_text"].tolist() == [texts["s3"][:5]]
    assert attributions_frame(bare)["outlet"].tolist() == ["unknown"]
    assert list(attributions_frame([]).columns) == ATTRIBUTION_FRAME_COLUMNS


def test_attribution_profile_numbers():
    rows = [
        # doc a (outlet x, 100 chars): spans [0,20) and [10,30) overlap → 30 quoted chars
        ("a", "x", "الكرملين", "russian_official", "neutral", 0, 20),
        ("a", "x", "الكرملين", "russian_official", "assertive", 10, 30),
        ("a", "x", "أردوغان", "turkish_official", "denial", 50, 60),
        ("a", "x", "", "other", "", 70, 70),  # an empty span (المصدر: line) counts no characters
        # doc b (outlet y, 50 chars)
        ("b", "y", "المرصد", "monitor_ngo", "", 0, 25),
    ]
    df = pd.DataFrame(rows, columns=["doc_id", "outlet", "speaker", "source_type", "cue_stance", "quote_start",
                                     "quote_end"])
    prof = attribution_profile(df, {"a": 100, "b": 50, "c": 50}, doc_outlets={"a": "x", "b": "y", "c": "y",
                                                                              "d": "z"})
    assert list(prof["outlet"]) == ["x", "y", "z"]
    assert list(prof.columns) == ["outlet", "n_attributions", "share_monitor_ngo", "share_russian_official",
                                  "share_turkish_official", "share_other", "quoted_share", "cue_neutral",
                                  "cue_assertive", "cue_distancing", "cue_denial", "top_speakers"]
    x = prof.set_index("outlet").loc["x"]
    assert x["n_attributions"] == 4
    assert x["share_russian_official"] == 0.5 and x["share_other"] == 0.25
    assert x["quoted_share"] == pytest.approx(40 / 100)
    assert (x["cue_neutral"], x["cue_assertive"], x["cue_distancing"], x["cue_denial"]) == pytest.approx(
        (1 / 3, 1 / 3, 0.0, 1 / 3))
    assert x["top_speakers"] == "الكرملين ×2; (unknown) ×1; أردوغان ×1"
    y = prof.set_index("outlet").loc["y"]
    assert y["quoted_share"] == pytest.approx(25 / 100)  # doc c has no attribution but counts
    assert math.isnan(y["cue_neutral"])  # no cued attribution
    # with kinds, only quotations and reported speech count as quoted text
    df["kind"] = ["direct_quote", "reported_speech", "sourcing", "sourcing", "direct_quote"]
    x2 = attribution_profile(df, {"a": 100}).set_index("outlet").loc["x"]
    assert x2["quoted_share"] == pytest.approx(30 / 100)
    z = prof.set_index("outlet").loc["z"]
    assert z["n_attributions"] == 0 and z["top_speakers"] == "" and math.isnan(z["share_other"])


def test_attribution_profile_from_seeds_is_deterministic(extractor, seed):
    texts = {f"s{n}": seed(n) for n in range(5)}
    outlets = {f"s{n}": f"outlet{n}" for n in range(5)}
    attrs = [a for d, t in texts.items() for a in extractor.extract(t, doc_id=d)]
    df = attributions_frame(attrs, outlets, texts)
    lengths = {d: len(t) for d, t in texts.items()}
    p1 = attribution_profile(df, lengths, doc_outlets=outlets)
    p2 = attribution_profile(df.sample(frac=1.0, random_state=3), lengths, doc_outlets=outlets)
    pd.testing.assert_frame_equal(p1, p2)
    row = p1.set_index("outlet").loc["outlet2"]
    assert row["top_speakers"].startswith("الكرملين ×4")
    assert 0 < row["quoted_share"] < 1
    share_cols = [c for c in p1.columns if c.startswith("share_")]
    assert p1[share_cols].sum(axis=1).round(9).eq(1.0).all()


# --- robustness -----------------------------------------------------------------------------

_PIECES = ["قال", "وقال", "الكرملين", "إن", "أن", "بحسب", "وفقا", "لـ", "المرصد", "حسب", "البيان", "“", "”", "«",
           "»", '"', "'", ":", "،", ".", "\n", "المصدر:", "مصدر", "أردوغان", "الوضع", "خطير", "في", "إدلب", "؟",
           "ـ", "\u064e", "١٢", "abc"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.lists(st.sampled_from(["", " "]), max_size=40))
def test_offsets_always_index_the_text(extractor, pieces, seps):
    # every attribution's spans index the text, whatever the input
    text = "".join(p + (seps[i] if i < len(seps) else " ") for i, p in enumerate(pieces))
    for a in extractor.extract(text):
        assert 0 <= a.quote_start <= a.quote_end <= len(text)
        assert text[a.quote_start:a.quote_end] == a.quote_text
        assert (a.speaker_start, a.speaker_end) == (-1, -1) or 0 <= a.speaker_start <= a.speaker_end <= len(text)
        assert a.cue_start == -1 or text[a.cue_start:a.cue_end] == a.cue
        assert a.source_type


def test_empty_and_blank_text(extractor):
    assert extractor.extract("") == []
    assert extractor.extract("   \n\n ") == []
