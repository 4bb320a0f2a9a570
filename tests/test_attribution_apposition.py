"""A name and its title in apposition, statements issued by someone, and documents that "say"
(issue 13 item 6): which words of a speaker phrase name the speaker.

Each sentence is written for these tests (news style; no corpus text); the extractor loads the
bundled ``reporting_verbs.yaml`` and the neutral ``sources.yaml``, as a run with a researcher's own
framing lexicon does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from framing.attribution import AttributionExtractor

LEX = Path(__file__).resolve().parents[1] / "lexicons"


def _by_cue(ex: AttributionExtractor, text: str) -> dict[str, tuple[str, str]]:
    """cue → (speaker, source type) of every attribution of ``text``."""
    return {a.cue: (a.speaker, a.source_type) for a in ex.extract(text)}


# --- "NAME، TITLE،": the person, typed by the title ------------------------------------------------

NAME_THEN_TITLE = [
    # a verb the lexicon lacks opens the clause; the participle's speaker is the man, not his seat
    ("من جانبه، طالب سامي فؤاد، عضو مجلس الشورى، بتعديل القانون، مؤكدا أن القضاة لا يجوز المساس بهم.",
     "مؤكدا", "سامي فؤاد", "parliament"),
    # an honorific before the name, a complementizer before that
    ("وكان معلوما أن د. حسن عبد الكريم، وزير الزراعة، قد التقى وفدا ألمانيا أمس، مشيرا إلى أن المشروع جاهز.",
     "مشيرا", "حسن عبد الكريم", "government"),
    ("استنكر الدكتور كمال يوسف، وزير التعليم، تخريب المدارس، قائلا إن من فعل ذلك لا ينتمي للثورة.",
     "قائلا", "كمال يوسف", "government"),
]


@pytest.mark.parametrize(("text", "cue", "speaker", "source_type"), NAME_THEN_TITLE)
def test_a_title_after_a_name_and_a_comma_describes_the_name(neutral, text, cue, speaker, source_type):
    assert _by_cue(neutral, text)[cue] == (speaker, source_type)


def test_a_second_title_after_the_comma_is_not_taken_for_the_name(neutral):
    # «رئيسة المجلس» after «السفيرة منى الشاذلي،» is her office, not a name (before: the office was the name)
    text = "من جانبها شددت السفيرة منى الشاذلي، رئيسة المجلس، على أن حماية النساء واجب على الدولة."
    assert _by_cue(neutral, text)["شددت"][0] == "السفيرة منى الشاذلي"


def test_a_name_after_a_title_and_a_comma_is_still_the_name(neutral):
    # the other order: «النائب العام، المستشار فلان» is the prosecutor's name after his office
    text = "أكد النائب العام، المستشار وائل حمدي، أن التحقيقات مستمرة في كل البلاغات."
    assert _by_cue(neutral, text)["أكد"][0] == "المستشار وائل حمدي"


def test_no_name_before_the_comma_keeps_the_title(neutral):
    # «الأزمة» before the comma is no name: the title alone stays the speaker
    text = "وفي ظل الأزمة، عضو مجلس الشورى طالب بالحوار، مؤكدا أن العنف مرفوض."
    assert _by_cue(neutral, text)["مؤكدا"][0] == "عضو مجلس الشورى"


# --- a definite title with its adjective after the name ends the name -------------------------------

@pytest.mark.parametrize(("text", "speaker"), [
    ("صرح المستشار حسن فايد المتحدث الرسمي الجديد باسم النيابة العامة أنه لا توجد وقائع جديدة.",
     "المستشار حسن فايد"),
    ("وصرح السفير هاني مراد المتحدث الرسمي باسم مجلس الوزراء بأن الاجتماع ناقش الحوار.", "السفير هاني مراد"),
])
def test_a_definite_title_and_its_adjective_after_the_name_end_it(neutral, text, speaker):
    [a] = neutral.extract(text)
    assert a.speaker == speaker


# --- statements: their author ---------------------------------------------------------------------


def test_a_statement_issued_by_a_body_names_the_body(neutral):
    # «بيان أصدرته X»: a relative clause without a relative pronoun; the author follows the verb
    [a] = neutral.extract("وقال بيان أصدرته جبهة الإنقاذ الوطني يوم السبت إن الجبهة تنحاز لمطالب الشعب.")
    assert (a.speaker, a.source_type) == ("جبهة الإنقاذ الوطني", "party")


def test_the_lam_of_a_statement_s_author_is_no_part_of_the_name(neutral):
    [a] = neutral.extract("وذكر بيان لمجلس الوزراء، اليوم السبت، أن الحكومة ستواصل الحوار.")
    assert (a.speaker, a.source_type) == ("مجلس الوزراء", "government")


@pytest.mark.parametrize(("text", "speaker", "source_type"), [
    ("وذكر بيان لحزب النور أن الحزب سيشارك في الانتخابات.", "حزب النور", "party"),
    # «للجنة» is ل + «لجنة» (its ل is a root letter): not «الجنة»
    ("وقال بيان للجنة الانتخابات إن التصويت سيبدأ صباح السبت.", "لجنة الانتخابات", "other"),
    ("وذكر بيان صادر عن لجنة الانتخابات أن التصويت سيبدأ صباح السبت.", "لجنة الانتخابات", "other"),
])
def test_a_statement_s_author_after_lam_or_issued_by(neutral, text, speaker, source_type):
    [a] = neutral.extract(text)
    assert (a.speaker, a.source_type) == (speaker, source_type)


# --- adverbs end a speaker phrase -----------------------------------------------------------------

@pytest.mark.parametrize("adverb", ["مجددا", "مرارا", "صراحة"])
def test_an_adverb_after_the_name_is_no_part_of_it(neutral, adverb):
    [a] = neutral.extract(f"وحذر مونتي {adverb} من أن الأسواق قد تعاقب إيطاليا.")
    assert a.speaker == "مونتي"


# --- investigations "say" like documents: a speaker only when one is named --------------------------

@pytest.mark.parametrize("text", [
    "وكشفت التحقيقات عن أن العقد تم بالأمر المباشر.",
    "حيث كشفت التحريات الأولية أن وراء الواقعة ثلاثة شبان.",
    "وقالت التحقيقات الأولية إن النيران التهمت محتويات المصنع.",
])
def test_investigations_with_no_author_name_nobody(neutral, text):
    [a] = neutral.extract(text)
    assert a.speaker == ""


def test_an_investigation_s_adjective_is_not_enough_for_a_name(neutral):
    # a named body stays a speaker: «النيابة العامة» is no document noun
    [a] = neutral.extract("وكشفت النيابة العامة أن المتهمين اعترفوا بالواقعة.")
    assert a.speaker == "النيابة العامة"


# --- statements and their adjectives, offices, relays --------------------------------------------


def test_a_statement_and_its_adjectives_stay_whole(neutral):
    # «بيانات اقتصادية أمريكية»: the data and two adjectives, not the adjectives alone
    [a] = neutral.extract("وأشارت بيانات اقتصادية أمريكية يوم الجمعة إلى أن الإنتاج الصناعي تراجع في يناير.")
    assert a.speaker == "بيانات اقتصادية أمريكية"


def test_a_man_is_not_his_office_named_before(neutral):
    text = ("وقال مكتب الرئيس الإسرائيلي شيمون بيريز إن الزيارة ستتم الشهر المقبل. "
            "وكان بيريز قد ذكر في تصريح سابق أنه يأمل في تحسن العلاقات.")
    assert _by_cue(neutral, text)["ذكر"][0] == "بيريز"


def test_a_short_name_seen_in_full_before_is_still_resolved(neutral):
    text = "وقال نبيل الخميسي، رئيس الجمعية، إن الأسعار ارتفعت. وأضاف الخميسي أن الحكومة لم تتدخل."
    assert _by_cue(neutral, text)["وأضاف"][0] == "نبيل الخميسي"


def test_what_a_one_word_name_quoted_is_no_part_of_the_name(neutral):
    # «ذكر كريمة قول الله»: «قول الله» is what he cited (the verb's object), not his name
    text = 'وحول الحكم ذكر كريمة قول الله تعالى "كونوا قوامين بالقسط وإذا حكمتم بين الناس أن تحكموا بالعدل".'
    [a] = neutral.extract(text)
    assert a.speaker == "كريمة"


def test_a_relay_after_a_named_speaker_is_the_via(neutral):
    # «قال الأسد … نقلا عن سياسيين التقوه»: his words, relayed by the politicians
    text = ('قال الأسد في تصريحات نشرتها صحيفة السفير نقلا عن سياسيين لبنانيين التقوه '
            '"نحن على يقين بأن الغد لنا وأن سوريا ستنتصر". واضاف "نحن لم ننته بعد من كل الأمور العالقة".')
    got = {a.cue: (a.speaker, a.via) for a in neutral.extract(text)}
    assert got["قال"] == ("الأسد", "سياسيين لبنانيين التقوه")
    assert got["واضاف"][0] == "الأسد"


def test_an_agency_relaying_a_source_still_credits_the_source(neutral):
    [a] = neutral.extract("ذكرت وكالة سبوتنيك نقلا عن مصدر عسكري أن التعزيزات وصلت إلى إدلب.")
    assert a.speaker.startswith("مصدر") and "الأسد" not in a.via


def test_the_author_of_a_statement_that_says_it(neutral):
    # «في بيان للمتحدثة … فلانة أشارت فيه»: «فيه» is the statement; its author is the spokeswoman
    text = "جاء ذلك في بيان للمتحدثة باسم الخارجية الأمريكية فيكتوريا نولاند أشارت فيه إلى أن الاتصال استمر ساعة."
    [a] = neutral.extract(text)
    assert (a.speaker, a.source_type) == ("فيكتوريا نولاند", "government")


# --- what is no speaker phrase ----------------------------------------------------------------------


def test_a_reaction_is_no_reply(neutral):
    # «رد فعل» (a reaction) is a noun: no cue «رد»
    text = "وأشار الكاتب إلى أن الأزمة تبدو رد فعل على الاستيلاء على السلطة، لكنها تظهر أن المجتمع تغير."
    assert [a.cue for a in neutral.extract(text)] == ["وأشار"]


def test_a_law_article_before_a_colon_is_nobody(neutral):
    text = 'المادة الرابعة (مستحدثة): "تلتزم الجهات الحكومية برد المبالغ التي صرفت بالزيادة خلال ثلاثين يوما"'
    assert all(a.speaker == "" for a in neutral.extract(text))


def test_a_relative_clause_before_a_verb_is_not_its_subject(neutral):
    # «والتي تخص قطاع الصناعة تؤكد»: the clause describes «القرارات»; the minister is the speaker
    text = "وأكد الوزير أن القرارات التي وافق عليها المجلس والتي تخص قطاع الصناعة تؤكد أن الحكومة ماضية في برامجها."
    assert _by_cue(neutral, text)["تؤكد"][0] == "الوزير"


def test_words_after_an_unpaired_quote_mark_are_no_speaker(neutral):
    # the quotation opens after «قال» (its closing mark is missing): «نحن كنا» is what was said
    text = 'وبمجرد انتهاء الصلاة قال " نحن كنا ننتظر أن الرئيس سيلقي كلمة بعد الصلاة'
    speakers = [a.speaker for a in neutral.extract(text) if a.cue == "قال"]
    assert speakers and not any(w in sp for sp in speakers for w in ("كنا", "نحن", "انتهاء"))


def test_a_short_quoted_name_after_the_verb_is_still_the_speaker(neutral):
    text = 'وقال الرائد محمد عثمان إن التحقيق بدأ. وقال " عثمان" إنه تم العثور على الجثة داخل السجن.'
    assert [a.speaker for a in neutral.extract(text)] == ["الرائد محمد عثمان", "الرائد محمد عثمان"]


def test_a_definite_plural_ends_before_its_object(neutral):
    # «وحمل المتظاهرون صور الشهداء، ورددوا الهتافات "…"»: the protesters chant; the chant is no name
    text = ('وحمل المتظاهرون صور الشهداء، ورددوا الهتافات "يسقط يسقط حكم المرشد"، '
            'و"قالوا حرية وقالوا عدالة يا خيبة الرجالة"، وأعلنوا استمرار احتجاجاتهم.')
    assert _by_cue(neutral, text)["ورددوا"][0] == "المتظاهرون"


def test_a_definite_plural_before_a_name_keeps_the_name(neutral):
    text = "والتقينا أحد المواطنين عبدالله محمد عبدالسلام فقال إنه لم يشهد أي تغيير في المدينة."
    assert _by_cue(neutral, text)["فقال"][0].endswith("عبدالله محمد عبدالسلام")


def test_a_bare_title_is_the_person_it_named_before(neutral):
    text = ("وقرر القاضي تأجيل الجلسة رغم طلب المحامي محمود سليمان بعدم السماح له بالحضور "
            "إلا أن المحامي أكد أنه حضر ليؤكد رفض موكلته للتصالح.")
    assert _by_cue(neutral, text)["أكد"][0] == "المحامي محمود سليمان"


def test_a_bare_title_takes_only_the_nearest_use_of_it(neutral):
    # the nearest earlier «المحامي» («المحامي الثاني») names nobody: the older lawyer's name is not taken
    text = ("حضر المحامي محمود سليمان الجلسة، وطلب المحامي الثاني التأجيل، "
            "إلا أن المحامي أكد أنه حضر ليؤكد رفض موكلته للتصالح.")
    assert _by_cue(neutral, text)["أكد"][0] != "المحامي محمود سليمان"


# --- headlines «SPEAKER: CLAIM» (framing.analysis) ---------------------------------------------------

@pytest.mark.parametrize(("title", "speaker"), [
    ("بالفيديو.. \u202bمرسي: وجهت أصبعي للخارجين عن القانون", "مرسي"),  # a rubric before the speaker
    ("عاجل | البرادعي: لن نشارك في الحوار", "البرادعي"),
    ("بكار: مرسي يحافظ على امن اسرائيل", "بكار"),
    ("لليوم الثاني على التوالي: متظاهرون يقطعون الكورنيش", None),  # a time phrase, nobody
])
def test_a_headline_s_speaker_is_after_its_rubric_and_never_a_time_phrase(title, speaker):
    from types import SimpleNamespace

    from framing.analysis import _headline_colon
    from framing.normalize import normalize_with_offsets

    found = _headline_colon(title, normalize_with_offsets(title), "d", [], SimpleNamespace(source_matcher=None))
    assert [(a.speaker, title[a.speaker_start:a.speaker_end]) for a in found] == (
        [(speaker, speaker)] if speaker else [])


# --- a participle after a comma opens the next claim; names that look like cues ---------------------


def test_a_participle_after_a_comma_ends_the_span_before_it(neutral):
    text = "وأكد الوزير أن المركز لم يجر تحاليل على الغازات، مشيرا إلى أنه لا يعتقد أنها سامة."
    got = {a.cue: (a.speaker, a.quote_text) for a in neutral.extract(text)}
    assert got["وأكد"] == ("الوزير", "المركز لم يجر تحاليل على الغازات")
    assert got["مشيرا"] == ("الوزير", "لا يعتقد أنها سامة")


def test_a_participle_without_a_comma_stays_in_the_span(neutral):
    # «مرددين» inside the claim, with no comma before it, is no new claim of the speaker
    [a] = neutral.extract("وقال الشاهد إن المتظاهرين خرجوا مرددين الأناشيد الوطنية في الشوارع.")
    assert a.quote_text == "المتظاهرين خرجوا مرددين الأناشيد الوطنية في الشوارع"


def test_hasab_allah_is_a_family_name_not_according_to(neutral):
    [a] = neutral.extract("وقال الدكتور صلاح حسب الله، مسئول لجنة الانتخابات بالحزب، إن الحزب وضع 12 مطلبا.")
    assert (a.cue, a.speaker) == ("وقال", "صلاح حسب الله")


def test_an_honorific_name_then_a_title_without_comma_names_the_person(neutral):
    text = ("الدكتور خالد مأمون أستاذ التحاليل بمركز السموم، أكد أن المركز لم يجر تحاليل، "
            "مشيرا إلى أنه لا يعتقد أنها سامة.")
    assert {(a.cue, a.speaker) for a in neutral.extract(text)} == {("أكد", "خالد مأمون"), ("مشيرا", "خالد مأمون")}


# --- quotation marks with spaces inside, quoted names before a colon ---------------------------------

@pytest.mark.parametrize(("text", "inner"), [
    ('قال " كنا نود أن يلقي الرئيس كلمة "', ["كنا نود أن يلقي الرئيس كلمة"]),
    ('دعا الرئيس المنتخب " ميلوس زيمان "، الأحد، إلى انتخابات مبكرة', ["ميلوس زيمان"]),
    ('علامة " وحيدة بين فراغين', []),  # a lone spaced mark opens nothing
])
def test_spaced_ascii_quotation_marks_pair(text, inner):
    from framing.attribution import find_quotes

    assert [text[q.inner_start:q.inner_end] for q in find_quotes(text)] == inner


def test_a_spaced_quotation_after_the_name_is_the_words_said(neutral):
    text = 'وقال افليك " ليس لي علاقة بالموضوع، بل بالممثلين الذين شاركوا في الفيلم"، ولا بد من الإشارة إلى ذلك.'
    [a] = neutral.extract(text)
    assert (a.kind, a.speaker, a.quote_text) == (
        "direct_quote", "افليك", "ليس لي علاقة بالموضوع، بل بالممثلين الذين شاركوا في الفيلم")


def test_a_quoted_name_before_a_colon_is_the_speaker(neutral):
    [a] = neutral.extract("«غنيم»: «منفذو هذه العمليات ليسوا من الثوار ولكنهم بعض البلطجية والمجهولين»")
    assert (a.speaker, a.quote_text) == ("غنيم", "منفذو هذه العمليات ليسوا من الثوار ولكنهم بعض البلطجية والمجهولين")


def test_a_demonstrative_after_a_preposition_opens_no_subject(neutral):
    text = "هذا الشاب فقد أحد أصدقائه في هذه المأساة يقول: «لم نكن نعتقد أبدا أن هذا سيحدث لأناس نعرفهم»"
    assert neutral.extract(text)[0].speaker != "المأساة"


def test_a_programme_s_quoted_name_is_not_its_presenter_s(neutral):
    text = 'وقال خالد عبد الله مقدم برنامج "مصر الجديدة" على قناة الناس مساء أمس إن الشباب غاضب من الإعلاميين.'
    [a] = neutral.extract(text)
    assert a.speaker == "خالد عبد الله"


def test_like_opens_no_speaker_phrase(neutral):
    [a] = neutral.extract("وأكد مثل «أحداث الاتحادية» أن الجماعة لم تستطع السيطرة على الشارع.")
    assert "أحداث" not in a.speaker


def test_a_title_and_name_up_to_the_comma_are_the_speaker_not_the_object(neutral):
    # «أعلن الناشط السياسي ممدوح حمزة، مبادرة …»: the name runs to the comma; the object follows it
    text = "أعلن الناشط السياسي ممدوح حمزة، مبادرة للخروج من الأزمة، مؤكدا أنها تنقذ البلاد من الانهيار."
    assert _by_cue(neutral, text)["مؤكدا"][0] == "الناشط السياسي ممدوح حمزة"


def test_the_topic_of_spoke_about_is_no_relay(neutral):
    # «تحدثت صحيفة X عن تطور الأحداث»: what the paper spoke about, not whom it quoted
    text = "تحدثت صحيفة لوفيجارو الفرنسية عن تطور الأحداث في مدينة بورسعيد التي وصفتها بأنها في حالة حداد."
    [a] = neutral.extract(text)
    assert (a.speaker, a.via) == ("صحيفة لوفيجارو الفرنسية", "")


def test_a_relay_with_an_is_still_read(neutral):
    [a] = neutral.extract("ونقلت وكالة رويترز عن مصدر أمني قوله إن الهجوم أسفر عن قتيلين.")
    assert (a.speaker, a.via) == ("مصدر أمني", "وكالة رويترز")


def test_a_name_before_a_title_and_its_body_without_comma(neutral):
    # «رفض فتحي تميم وكيل نقابة المحامين، …، مؤكدا»: the man, not the syndicate
    text = ("في المقابل، رفض فتحي تميم وكيل نقابة المحامين، تحميل الرئيس المسؤولية، "
            "مؤكدا أن الأمر يختلف عن عامين مضيا.")
    assert _by_cue(neutral, text)["مؤكدا"] == ("فتحي تميم", "ngo")


# --- (written after the seed-70717 reading, from its error categories; not measured on a fresh sample) ---


@pytest.mark.parametrize(("text", "speaker"), [
    ('وأوضحت سى إن إن: "الوضع السياسي ليس الوضع السيئ الوحيد الذي تشهده مصر اليوم"', "سى إن إن"),
    ("وقال مراسل سي إن إن إن القصف استمر طوال الليل.", "مراسل سي إن إن"),
])
def test_cnn_s_in_is_no_complementizer(neutral, text, speaker):
    [a] = neutral.extract(text)
    assert a.speaker == speaker


def test_whom_he_told_before_the_speaker_is_no_part_of_the_name(neutral):
    [a] = neutral.extract("قال لي جايمس آكتون من معهد كارنيغي إن الطبيعة الجيولوجية للمكان تمنع التسرب.")
    assert a.speaker == "جايمس آكتون"


def test_a_leader_s_title_after_the_name_ends_it(neutral):
    [a] = neutral.extract("أكد الدكتور عصام العريان زعيم الأغلبية بمجلس الشورى أن التحقيقات ستظهر الحقيقة.")
    assert a.speaker == "عصام العريان"


@pytest.mark.parametrize("text", [
    "وأبدى الرئيس استعداده لمناقشة كل ما يود أن يطرحه الحزب.",  # «يود أن»: a wish, no report
    "وضغطت عليه أسرته حتى يقول الحقيقة كاملة أمام النيابة.",  # «حتى يقول»: a purpose clause
])
def test_no_report_in_wishes_and_purpose_clauses(neutral, text):
    assert neutral.extract(text) == []


def test_a_subject_relative_clause_s_verb_has_no_subject_after_it(neutral):
    # «والتي دعت الأمن إلى …»: the security forces are whom it called on, not the speaker
    text = 'وتناسى الإخوان والأحزاب التي تتضامن معها، والتي دعت الأمن إلى "التعامل بحزم" مع المتظاهرين أمام القصر.'
    assert all(not a.speaker.startswith("الأمن") for a in neutral.extract(text))


def test_an_object_relative_clause_keeps_its_subject(neutral):
    [a] = neutral.extract("وهي التصريحات التي قال فيها الوزير إن الحكومة لن تتراجع عن قراراتها.")
    assert a.speaker == "الوزير"


def test_an_honorific_name_earlier_in_the_sentence_is_the_speaker_of_a_bare_verb(neutral):
    text = "وطالب الدكتور شوقي السيد المحامي عن المتهم بضم الأوراق، وأكد أنه ليس موظفا عاما منذ سنة 2005."
    [a] = neutral.extract(text)
    assert (a.cue, a.speaker) == ("وأكد", "شوقي السيد")


def test_a_complement_with_bi_ends_the_subject(neutral):
    [a] = neutral.extract("وأشاد الوزير بالرسالة التي وجهها الرئيس إلى الشعب، مؤكدا أنها تعبر عن الجميع.")
    assert a.speaker == "الوزير"


def test_a_time_clause_s_verb_keeps_its_subject_after_it(neutral):
    # «في الوقت الذي قال زعماء العالم»: «الذي» opens a time clause; the leaders are the speakers
    text = "وتأتي تصريحات أوباما في الوقت الذي قال زعماء العالم المجتمعون في دافوس إنهم يتمنون مشاركة أكبر."
    [a] = neutral.extract(text)
    assert a.speaker.startswith("زعماء العالم")


def test_an_honorific_in_a_place_name_or_a_genitive_names_no_speaker(neutral):
    text = 'عاجل| متظاهرو كفر الشيخ يحاصرون المحافظة ويهتفون "يسقط حكم المرشد"'
    assert all("يحاصرون" not in a.speaker for a in neutral.extract(text))
