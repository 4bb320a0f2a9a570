"""Speaker phrase boundaries on unseen text (issue 13 item 6): where a speaker's name ends and the
verb's object, an addressee or a second title begins, and which phrase a bare verb or a participle
takes its speaker from.

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
    """cue → (speaker, attributed text) of every attribution of ``text``."""
    return {a.cue: (a.speaker, a.quote_text) for a in ex.extract(text)}


# --- a second title after the name is not part of the name ------------------------------------

SECOND_TITLE = [
    ("وقال الخبير سامح عبد الرازق عميد كلية الحقوق الأسبق إن القانون لا يسمح بذلك.", "الخبير سامح عبد الرازق"),
    ("وصرح السفير كمال بدران أمين عام المجلس بأن الاجتماع سيعقد غدا.", "السفير كمال بدران"),
    ("وقال اللواء فؤاد منصور مدير أمن المنيا إن الحالة هادئة.", "اللواء فؤاد منصور"),
    ("وقال المستشار حازم سليم عضو مجلس القضاء إن الجلسة تأجلت.", "المستشار حازم سليم"),
]


@pytest.mark.parametrize(("text", "speaker"), SECOND_TITLE)
def test_a_title_after_the_name_ends_the_name(neutral, text, speaker):
    [a] = neutral.extract(text)
    assert a.speaker == speaker


def test_a_short_title_and_name_stay_whole(neutral):
    # one title before the name: nothing after it to cut
    [a] = neutral.extract("وقال وزير المالية أحمد النجار إن العجز سيتراجع.")
    assert a.speaker == "وزير المالية أحمد النجار"


# --- the object after a name -------------------------------------------------------------------


def test_one_definite_word_after_the_comma_is_the_object_not_the_name(neutral):
    # «الخراط، التباطؤ»: a family name with the article, then what he criticised
    text = ("وانتقد الخراط، التباطؤ في إصلاح الشرطة، مؤكدا أن الأهالي ساعدوا الجيش في حماية الأقسام.")
    got = _by_cue(neutral, text)
    assert got["مؤكدا"][0] == "الخراط"


def test_a_title_then_the_name_after_the_comma_is_still_the_name(neutral):
    [a] = neutral.extract("وقال المحامي، عصام البطاوي، إن الدفاع سيطعن على الحكم.")
    assert a.speaker == "عصام البطاوي"


def test_a_statement_after_a_bare_name_is_the_object(neutral):
    # «واستنكر X خطاب الرئيس»: the speech he condemned, not part of his name
    text = "واستنكر نبيل الشاذلي خطاب الرئيس الذي ألقاه أمس، مؤكدا أن الخطاب لم يقدم حلولا."
    got = _by_cue(neutral, text)
    assert got["مؤكدا"] == ("نبيل الشاذلي", "الخطاب لم يقدم حلولا")


def test_the_agency_he_spoke_to_is_not_part_of_the_name(neutral):
    # «فريدمان لرويترز»: whom he told (a news agency of the sources lexicon)
    [a] = neutral.extract("وقال الطبيب ألبرت شوفال لرويترز إن المريض يستجيب للعلاج.")
    assert a.speaker == "الطبيب ألبرت شوفال"
    # a spokesman's «ل» still names whose spokesman he is
    [b] = neutral.extract("وقال المتحدث باسم الوزارة لوكالة الأنباء إن المفاوضات مستمرة.")
    assert b.speaker.startswith("المتحدث باسم الوزارة")


# --- a pattern source named earlier in the sentence -------------------------------------------


def test_a_pattern_source_earlier_in_the_sentence_is_named_by_its_phrase(neutral):
    # «جبهة» is a pattern of sources.yaml (no canonical name): the front's own name, up to the object
    text = ("أصدرت جبهة الإنقاذ الوطني بمحافظة الغربية بيانا حول أحداث طنطا أكدت فيه أن "
            "الحكومة تتحمل المسؤولية.")
    got = _by_cue(neutral, text)
    assert got["أكدت"] == ("جبهة الإنقاذ الوطني", "الحكومة تتحمل المسؤولية")


def test_a_pattern_source_keeps_its_coordinated_name(neutral):
    text = "أصدر حزب الحرية والعدالة بيانا أكد فيه أن الانتخابات ستجرى في موعدها."
    got = _by_cue(neutral, text)
    assert got["أكد"][0] == "حزب الحرية والعدالة"


def test_a_pattern_source_stops_before_a_preposition(neutral):
    # «الرئيس للمواطنين»: whom the president addressed is no part of the source's name
    text = "وجه الرئيس للمواطنين رسالة عبر التلفزيون أكد فيها أن الأزمة ستنتهي قريبا."
    got = _by_cue(neutral, text)
    assert got["أكد"][0] == "الرئيس"


# --- names: kinship words, honorifics, quoted names after the comma ----------------------------


def test_ali_after_bin_is_the_name(neutral):
    # «بن علي»: «علي» after بن/أبو is the name Ali, not the preposition على
    text = "وأضاف بن علي في حوار مع موقع إخباري أنه لم يأمر بإطلاق النار على المتظاهرين."
    [a] = neutral.extract(text)
    assert a.speaker == "بن علي"


def test_a_name_after_an_honorific_is_no_object(neutral):
    # «دعا رئيس الوزراء، الدكتور هشام قنديل، القوى …»: the name is the speaker's, not what he called for
    [a] = neutral.extract("ودعا رئيس الوزراء، الدكتور هشام قنديل، القوى السياسية إلى نبذ العنف.")
    assert (a.speaker, a.quote_text) == ("هشام قنديل", "القوى السياسية إلى نبذ العنف")
    [b] = neutral.extract("ونفى مدير الأمن، اللواء سامي حسن، ما تردد عن اقتحام السجن.")
    assert (b.speaker, b.quote_text) == ("اللواء سامي حسن", "ما تردد عن اقتحام السجن")


def test_a_quoted_name_after_the_comma_does_not_name_the_speaker(neutral):
    # «عمرو موسى، رئيس حزب المؤتمر «تحت التأسيس»»: the party's status in quotes, not the speaker's name
    text = "قال سامي عبد الحليم، رئيس حزب الغد الجديد «تحت التأسيس»، إن الحزب سيشارك في الانتخابات."
    [a] = neutral.extract(text)
    assert a.speaker == "سامي عبد الحليم"


def test_a_name_starting_with_fa_after_a_title(neutral):
    # «فؤاد» starts with the letter of the conjunction ف: still the first word of the name
    [a] = neutral.extract("وقال اللواء فؤاد منصور مدير أمن المنيا إن الحالة هادئة.")
    assert a.speaker == "اللواء فؤاد منصور"


# --- a predicate noun before a verb is not its subject -----------------------------------------


def test_a_predicate_noun_after_a_pronoun_is_no_speaker(neutral):
    # «وهي وظيفة قالت إنها …»: a job she said she had refused; the speaker is the woman named before
    text = ("قالت سلوى عبد الغني إن المنصب عرض عليها مرتين. وعينت في النهاية وزيرة للثقافة، "
            "وهي وظيفة قالت إنها رفضتها في البداية.")
    attrs = neutral.extract(text)
    assert [a.speaker for a in attrs] == ["سلوى عبد الغني", "سلوى عبد الغني"]


# --- a named source whose words were not attributed is still the nearest speaker -------------


def test_a_later_bare_verb_takes_the_source_of_an_unattributed_verb(neutral):
    # «وشدد الخبير … على ضرورة …» has no attributed span, but it is the speaker «وأضاف» refers to
    text = ("قال وزير الداخلية إن الشرطة ستنتشر في الشوارع.\n"
            "وشدد الخبير الأمني اللواء حسن عبد الحميد على ضرورة الحوار مع الشباب.\n"
            "وأضاف أن الحل الأمني وحده لا يكفي.")
    got = _by_cue(neutral, text)
    assert got["وأضاف"] == ("حسن عبد الحميد", "الحل الأمني وحده لا يكفي")
    assert got["قال"][0] == "وزير الداخلية"


# --- «أما X فـ»: the topic is the speaker ---------------------------------------------------


AMMA = [
    ("قال وزير النقل إن الطرق آمنة. أما اللواء سمير عبد الله، خبير المرور، فيقول إن الحوادث تضاعفت.",
     "فيقول", "اللواء سمير عبد الله"),
    ("كتبت هدى سالم: «الدستور ليس للبيع». أما الشاعر كمال الدين فكتب يقول: «الوطن أكبر من الجميع».",
     "يقول", "الشاعر كمال الدين"),
]


@pytest.mark.parametrize(("text", "cue", "speaker"), AMMA)
def test_the_topic_after_amma_speaks(neutral, text, cue, speaker):
    assert _by_cue(neutral, text)[cue][0] == speaker


# --- a one-word quote after a word of the phrase is a name ------------------------------------


def test_a_one_word_quote_after_the_phrase_is_a_name_not_the_words(neutral):
    # a headline: «تدعو القوى السياسية لمقاطعة حوار "مرسي"» — Morsi's dialogue, nobody's words
    assert [a.quote_text for a in neutral.extract('حركة شبابية تدعو القوى السياسية لمقاطعة حوار "مرسي"')
            if a.kind == "direct_quote"] == []
    # a one-word answer right after the verb is still the words said
    [a] = neutral.extract("وقال الوزير: «لا».")
    assert (a.speaker, a.quote_text) == ("الوزير", "لا")


# --- more boundaries: topics, addressees, cut names, relative «من» ------------------------------


def test_a_topic_before_the_verb_is_not_the_speaker(neutral):
    text = "قال السفير الياباني إن بلاده ستقدم منحة. وبالنسبة لقرض البنك الدولي، قال: «القرار للحكومة المصرية»."
    got = _by_cue(neutral, text)
    assert got["قال"][0] != "وبالنسبة لقرض البنك الدولي"
    assert all("بالنسبة" not in a.speaker for a in neutral.extract(text))


def test_the_station_he_spoke_to_right_after_the_verb_is_no_speaker(neutral):
    text = "وقال وزير الدفاع إن الجيش مستعد.\nوأضاف لراديو الجيش أن القوات في حالة تأهب."
    got = _by_cue(neutral, text)
    assert got["وأضاف"] == ("وزير الدفاع", "القوات في حالة تأهب")


def test_whoever_claims_is_no_speaker(neutral):
    # «البينة على من ادعى»: a proverb's «من» (whoever) — no speaker, no attribution from «ادعى»
    text = "وقال القس إن البينة على من ادعى، وعليهم أن يتقدموا بأدلتهم إلى القضاء."
    assert [a.cue for a in neutral.extract(text)] == ["وقال"]


def test_a_definite_report_and_its_adjective_are_the_source(neutral):
    [a] = neutral.extract("وأفادت التقارير الواردة من العاصمة بأن الاحتجاجات اتسعت.")
    assert a.speaker == "التقارير الواردة"


def test_a_name_cut_to_five_words_drops_a_dangling_construct(neutral):
    [a] = neutral.extract("وقال مصدر قضائي بالنيابة العامة بمدينة السويس إن التحقيقات مستمرة.")
    assert a.speaker == "مصدر قضائي بالنيابة العامة"


def test_a_two_word_name_after_a_title_is_no_object(neutral):
    # «أعلن الرئيس محمد مرسي حالة الطوارئ»: the name is not what he declared
    text = "وأعلن الرئيس محمد مرسي حالة الطوارئ في ثلاث محافظات."
    assert all(not a.quote_text.startswith("محمد مرسي") for a in neutral.extract(text))


def test_a_relay_with_an_acronym_in_brackets(neutral):
    # «نقلت هيئة الإذاعة البريطانية (بي بي سي) عن X قوله»: X speaks, the BBC relays
    text = "ونقلت هيئة الإذاعة البريطانية (بي بي سي) عن المفتي قوله إن الحرب ليست دينية."
    [a] = neutral.extract(text)
    assert a.speaker == "المفتي" and a.via.startswith("هيئة الإذاعة البريطانية")


def test_an_about_phrase_that_names_no_source_is_no_relay(neutral):
    # «كشفت التحقيقات عجز فلان عن إثبات مصادر ثروته»: عن + a verbal noun, not «عن مصادر»
    text = "وكشفت التحقيقات عجز رجل الأعمال عن إثبات مصادر ثروته وأظهرت تلقيه أموالا من الخارج."
    assert all(not a.speaker.startswith("إثبات") for a in neutral.extract(text))


def test_a_clause_on_an_indefinite_object_takes_the_main_subject(neutral):
    # «أوردت صحيفة X الفرنسية خبرا يفيد بأن»: the paper reports; «خبرا يفيد» is no speaker phrase
    [a] = neutral.extract("أوردت صحيفة لوموند الفرنسية خبرا يفيد بأن الحكومة ستستقيل.")
    assert a.speaker == "صحيفة لوموند الفرنسية" and a.quote_text == "الحكومة ستستقيل"


def test_a_verb_in_a_relative_clause_gives_no_speaker_to_a_participle(neutral):
    # «رحب الحزب بالحوار الذي دعا إليه الرئيس، مشيرا»: the party's spokesman points out, not the president
    text = ("وقال المتحدث باسم الحزب إن الحزب مستعد للحوار. وأعلن المتحدث ترحيب حزبه بالحوار الذي دعا إليه "
            "الرئيس محمد مرسي، مشيرا إلى أن الحزب سيشارك بوفد.")
    got = _by_cue(neutral, text)
    assert not got["مشيرا"][0].startswith("الرئيس")


def test_a_noun_with_their_is_no_speaker(neutral):
    # «وأقر حقهم في التعيين»: their right, the object
    text = "وقال العمال إنهم التقوا المحافظ. وأقر حقهم في التعيين، مضيفا أن الوزارة وافقت."
    assert all(a.speaker != "حقهم" for a in neutral.extract(text))


def test_cnn_spelled_out_is_no_complementizer(neutral):
    # «سي ان ان»: the channel's letters, not the complementizer «أن»
    [a] = neutral.extract("وقال الرئيس في مقابلة مع شبكة سي ان ان الأمريكية إن الحرب لن تطول.")
    assert a.quote_text == "الحرب لن تطول"
    # «بي بي سي إن»: the complementizer after the channel's name still opens the words
    [b] = neutral.extract("وقال مصدر أمني لبي بي سي إن الهجوم وقع فجرا.")
    assert b.quote_text == "الهجوم وقع فجرا"


def test_the_subject_before_kana_qad_after_a_complementizer(neutral):
    # «يذكر أن رئيس الوزراء فلان كان قد صرح بأن»: the whole name before «كان قد»
    [a] = neutral.extract("يذكر أن رئيس الوزراء الإيطالي ماريو مونتي كان قد صرح بأن الاقتصاد يتعافى.")
    assert a.speaker == "رئيس الوزراء الإيطالي ماريو مونتي"


def test_ma_starts_the_object_not_the_name(neutral):
    # «ونفى عسكر ما ردده مدير الأمن»: what the director repeated is the object of the denial
    text = "ونفى المحافظ ما ردده مدير الأمن من أن الشرطة أطلقت الرصاص."
    assert all("ما" not in a.speaker.split() for a in neutral.extract(text))
    # «نفى X، ما تردد عن …»: still the denial's object, attributed to X
    [a] = neutral.extract("ونفى مدير الأمن، اللواء سامي حسن، ما تردد عن اقتحام السجن.")
    assert (a.speaker, a.quote_text) == ("اللواء سامي حسن", "ما تردد عن اقتحام السجن")


def test_went_on_saying_takes_its_subject(neutral):
    # «ومضت الصحيفة تقول»: the paper goes on saying — «ومضت» is a verb, not part of the name
    text = "ومضت صحيفة حريت التركية تقول إن العلاقات التجارية تتطور."
    [a] = neutral.extract(text)
    assert a.speaker == "صحيفة حريت التركية"


def test_to_the_people_of_after_the_verb_is_whom_he_told(neutral):
    text = "قال الوزير إن الأمن مستتب. ويقول لأهل المدينة: «لن نترككم وحدكم»."
    got = _by_cue(neutral, text)
    assert got["ويقول"] == ("الوزير", "لن نترككم وحدكم")


def test_reports_with_a_nisba_adjective_are_the_source(neutral):
    [a] = neutral.extract("وذكرت تقارير إخبارية أن القرد عاد سالما.")
    assert a.speaker == "تقارير إخبارية"


def test_a_plural_verb_has_its_subject_before_it(neutral):
    # «الإسلاميين الذين اتهموا القوى السياسية بأنها …»: VSO verbs stay singular, so a plural verb's
    # phrase after it is the object; the speaker is the antecedent
    text = "وعندما رد الخراط على الإسلاميين الذين اتهموا القوى السياسية بأنها تقدم غطاء للعنف."
    assert [a.speaker for a in neutral.extract(text)] == ["الإسلاميين"]


def test_responsible_for_is_no_relay(neutral):
    # «المسؤول عن ملف الصكوك»: what he is responsible for, not a speaker he relays
    [a] = neutral.extract("وقال مستشار وزير المالية أحمد النجار المسؤول عن ملف الصكوك إن القناة لن تباع.")
    assert a.via == "" and "الصكوك" not in a.speaker


def test_interrogative_ala_is_no_speaker(neutral):
    [a] = neutral.extract("ألا ترى أن أربعة متحدثين يؤدون إلى تضارب التصريحات؟")
    assert a.speaker == ""


def test_a_quoted_body_name_before_the_person(neutral):
    # «رئيس الاتحاد الدولي لكرة القدم "فيفا" جوزيف بلاتر»: the person, not the body's quoted acronym
    [a] = neutral.extract('صرح رئيس الاتحاد الدولي لكرة القدم "فيفا" جوزيف بلاتر بأن قطر ستختار موعد البطولة.')
    assert a.speaker == "جوزيف بلاتر"


def test_a_name_after_a_rank_is_kept_in_a_pattern_source(neutral):
    # «أعلن ذلك محافظ مطروح اللواء أحمد حلمي، وأضاف»: the rank's name is not the object
    text = "أعلن ذلك محافظ الإسكندرية اللواء حسن منير، وأضاف أنه يجري التنسيق مع المعهد."
    got = _by_cue(neutral, text)
    assert got["وأضاف"][0].startswith("محافظ الإسكندرية اللواء حسن")
