"""Clause structure around a cue (issue 13 item 6): where a subject ends and the verb's object
starts, where a bare name ends and its description starts, and words that only look like cues or
complementizers.

Each sentence is written for these tests (news style, modelled on the error classes of the hand-checked
samples; no corpus text); the extractor is the shared neutral one of ``conftest.py``.
"""

from __future__ import annotations

import pytest


def _speakers(ex, text: str) -> dict[str, str]:
    """cue → speaker of every attribution of ``text``."""
    return {a.cue: a.speaker for a in ex.extract(text)}


# --- the verb's object after its subject ------------------------------------------------------------

OBJECTS = [
    # an indefinite plural in -ات after a definite subject: the chants, not part of the name
    ("وردد المتظاهرون هتافات غاضبة أمام المبنى، مؤكدين أن مطالبهم لن تسقط.", "وردد", "المتظاهرون"),
    ("وهتف الطلاب هتافات ضد الوزير منها: «ارحل ارحل يا وزير التعليم الفاشل».", "وهتف", "الطلاب"),
    # a definite plural after a definite feminine singular: no adjective of it, so the object
    ("وطالبت الحركة المواطنين بالبقاء في منازلهم، مضيفة أن الإضراب مستمر.", "مضيفة", "الحركة"),
    # a noun with «his» before a preposition: what he went on with
    ("وواصل سليمان هجومه على الحكومة، موضحا أن الأسعار ارتفعت بشدة.", "موضحا", "سليمان"),
]


@pytest.mark.parametrize(("text", "cue", "speaker"), OBJECTS)
def test_the_verbs_object_is_not_part_of_the_subject(neutral, text, cue, speaker):
    assert _speakers(neutral, text)[cue] == speaker


def test_names_that_look_like_objects_stay_whole(neutral):
    # a name in -ات after a name's definite word (عبد اللطيف), a name in -ه after «أبو», a plural
    # adjective of a plural subject
    got = _speakers(neutral, "وقال عبد اللطيف بركات إن الفرق بدأت العمل.")
    assert got["وقال"] == "عبد اللطيف بركات"
    got = _speakers(neutral, "وأكد أبو سعده على ضرورة الحوار، مشيرا إلى أن الوقت يمر.")
    assert got["مشيرا"] == "أبو سعده"
    got = _speakers(neutral, "وقال المتظاهرون الغاضبون إن الشرطة تأخرت.")
    assert got["وقال"] == "المتظاهرون الغاضبون"


# --- a bare name and the description after it ------------------------------------------------------

DESCRIPTIONS = [
    ("وقال كريم ناصر المشرف على المشروع إن العمل سينتهي قريبا.", "كريم ناصر"),
    ("وأوضح هشام فؤاد المكلف بالملف الأمني أن التحقيق مستمر.", "هشام فؤاد"),
    ("وقال سامح يوسف أحد سكان الحي إن الانفجار وقع فجرا.", "سامح يوسف"),
    ("وأكدت جين لي أول امرأة تتولى المنصب أنها ستبدأ العمل فورا.", "جين لي"),
    ("وذكر منير عضو اللجنة أن التصويت تأجل.", "منير"),
]


@pytest.mark.parametrize(("text", "speaker"), DESCRIPTIONS)
def test_a_description_after_a_bare_name_ends_the_name(neutral, text, speaker):
    [a] = neutral.extract(text)
    assert a.speaker == speaker


def test_names_go_on_where_no_description_starts(neutral):
    # «عبد المجيد» (a name after عبد), a definite surname with its adjective, a quantity phrase
    assert _speakers(neutral, "وقال وحيد عبد المجيد إن الحوار فشل.")["وقال"] == "وحيد عبد المجيد"
    assert _speakers(neutral, "وقال عمرو المكي إن الحزب يرفض.")["وقال"] == "عمرو المكي"
    # (not a name: «أما» opens the topic and the genitive stays)
    got = _speakers(neutral, "أما جيران المتهمة فيؤكدون أن السيدة هادئة.")
    assert "جيران المتهمة" in "".join(got.values())


# --- words that only look like cues or complementizers --------------------------------------------

def test_a_cue_word_after_a_preposition_is_a_verbal_noun(neutral):
    # «على نقل الحكم … رغم أن»: the transfer of power, nobody said anything
    text = "وكان يأمل في أن توافق واشنطن على نقل الحكم لابنه، رغم أن التوريث كان مرفوضا."
    assert all(a.cue != "نقل" for a in neutral.extract(text))


def test_anne_with_madda_is_a_name_not_a_complementizer(neutral):
    [a] = neutral.extract("وقالت الممثلة آن هاثواي في حوار لمجلة أمريكية إنها سعيدة بالجائزة.")
    assert a.quote_text == "سعيدة بالجائزة"
    assert "آن هاثواي" in a.speaker


def test_a_pronoun_after_ma_and_the_verb_is_not_the_source(neutral):
    text = "وستلعب الفرقة مباراتها الأخيرة غدا، وفقا لما أشارت إليه العديد من وسائل الإعلام المحلية."
    [a] = [x for x in neutral.extract(text) if x.kind == "sourcing"]
    assert not a.speaker.startswith("إليه")


# --- names padded by what they belong to, surnames that look like titles ---------------------------

def test_a_body_is_named_without_the_belonging_adjective(neutral):
    [a] = neutral.extract("وقال مركز الرصد الفلكي التابع للجامعة إن الزلزال كان خفيفا.")
    assert a.speaker == "مركز الرصد الفلكي"


def test_a_title_noun_as_the_last_word_is_a_surname(neutral):
    # «نجم» (a star) as a surname after the name; «نجم الكرة» before a name stays a title
    [a] = neutral.extract("أكد الشاعر سامي فؤاد نجم، أن الديوان الجديد سيصدر قريبا.")
    assert a.speaker == "الشاعر سامي فؤاد نجم"


def test_gives_cause_for_is_no_call(neutral):
    # «بصورة تدعو للريبة», «مما دعا الشرطة لـ…»: a reason, nobody speaks; «دعا الحزب إلى» stays a cue
    text = "ووقف الرجل بجوار السيارات بصورة تدعو للريبة إلى أن ضبطه الأمن."
    assert all(a.cue != "تدعو" for a in neutral.extract(text))
    text = "ورشق المحتجون المبنى بالحجارة، مما دعا قوات الأمن لاستخدام الغاز لتفريقهم."
    assert all(a.cue != "دعا" for a in neutral.extract(text))
    got = _speakers(neutral, "ودعا الحزب في بيان إلى أن تلتزم الحكومة بالحوار.")
    assert got.get("ودعا") == "الحزب"


# --- relays ---------------------------------------------------------------------------------------

def test_a_sourcing_phrase_with_a_relay_names_the_original_speaker(neutral):
    text = "واستهدفت الغارة مركزا عسكريا، بحسب ما نقلته وكالة رويترز عن مصادر أمنية."
    [a] = neutral.extract(text)
    assert (a.speaker, a.via, a.source_type) == ("مصادر أمنية", "وكالة رويترز", "anonymous")
    # no relay without a named source before «عن»: what it was about
    [a] = neutral.extract("واستهدفت الغارة مركزا عسكريا، بحسب ما أعلنه المتحدث عن الحادث.")
    assert a.via == ""


def test_an_agency_that_reports_from_a_source_relays_it(neutral):
    [a] = neutral.extract("وقالت وكالة رويترز نقلا عن شهود عيان إن الشرطة أطلقت النار.")
    assert (a.speaker, a.via) == ("شهود عيان", "وكالة رويترز")


def test_when_a_paper_appeared_is_no_part_of_its_name(neutral):
    [a] = neutral.extract("وذكرت صحيفة الشروق القطرية الصادرة صباح اليوم أن الوزير سيستقيل.")
    assert a.speaker == "صحيفة الشروق القطرية"
    # (who issued it is its author)
    [a] = neutral.extract("وأفادت وثيقة صادرة عن الوكالة الدولية للطاقة الذرية أن المفاعل متوقف.")
    assert "الوكالة الدولية" in a.speaker


def test_ali_right_after_the_verb_before_a_comma_is_a_name(neutral):
    [a] = neutral.extract("صرح علي غيث، القيادي بحزب الوفد بالسويس، بأن الجبهة ستشارك غدا.")
    assert a.speaker == "علي غيث"
    # «أكد على ضرورة …»: the verb's preposition
    assert all(x.speaker != "علي" for x in neutral.extract("وأكد على ضرورة الحوار، مشيرا إلى أن الوقت يمر."))
