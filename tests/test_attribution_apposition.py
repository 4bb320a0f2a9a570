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
from framing.lexicon import load_lexicon

LEX = Path(__file__).resolve().parents[1] / "lexicons"


@pytest.fixture(scope="module")
def neutral() -> AttributionExtractor:
    return AttributionExtractor(verbs=[load_lexicon(LEX / "reporting_verbs.yaml")],
                                sources=[load_lexicon(LEX / "sources.yaml")])


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
