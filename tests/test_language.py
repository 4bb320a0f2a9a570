"""Language per document: detection from the text, the language field, unsupported languages."""

import json

import pytest

from framing.corpus import load_corpus
from framing.language import SUPPORTED_LANGUAGES, detect_language, language_code, language_of
from framing.records import PROBLEM_KINDS


@pytest.mark.parametrize(("text", "expected"), [
    ("قالت وزارة الخارجية إن قوات النظام قصفت المدينة", "ar"),
    # an Arabic article quoting English names stays Arabic
    ("قال متحدث باسم Human Rights Watch إن الغارات على Idlib استهدفت مستشفى ميدانيا", "ar"),
    ("The regime forces shelled the town on Tuesday, activists said.", "en"),
    # punctuation stripped (as in FA-KES), a short text with one function word
    ("Rebels say they downed a government jet over Hama province", "en"),
    ("Turkey and Russia discussed Idlib", "en"),
    ("Les forces du régime ont bombardé la ville et les civils ont fui.", "fr"),
    ("Die Türkei und Russland haben über die Lage in Idlib gesprochen.", "de"),
    ("Las fuerzas del régimen bombardearon la ciudad y los civiles huyeron.", "es"),
    ("Турция и Россия обсудили ситуацию в Идлибе.", "und"),
    ("این گزارش را خبرگزاری منتشر کرد و گفت که حمله در ادلب است", "fa"),
    ("2019 - 05 - 14 / 12:30", "und"),
])
def test_detect_language(text, expected):
    assert detect_language(text).language == expected


def test_detection_says_why_a_language_is_not_supported():
    d = detect_language("Турция и Россия обсудили ситуацию в Идлибе.")
    assert not d.supported and d.reason == "Cyrillic script"
    assert detect_language("Only English words here").reason == "Latin script without the common words of English"
    assert detect_language("12 345").reason.startswith("no letters")


@pytest.mark.parametrize(("value", "code"), [
    ("en", "en"), ("EN-gb", "en"), ("English", "en"), ("eng", "en"), ("ar", "ar"), ("Arabic", "ar"),
    ("العربية", "ar"), ("fr_FR", "fr"), ("de", "de"),
])
def test_language_code(value, code):
    assert language_code(value) == code


def test_the_field_overrides_the_text():
    arabic_text = "قالت وزارة الخارجية إن قوات النظام قصفت المدينة"
    assert language_of("en", arabic_text).language == "en"
    assert language_of("", arabic_text).language == "ar"  # an empty field: detected
    d = language_of("French", arabic_text)
    assert (d.language, d.source, d.supported) == ("french", "field", False)
    assert "the language field says 'French'" in d.reason


def test_corpus_documents_carry_their_language(tmp_path):
    path = tmp_path / "mixed.jsonl"
    rows = [
        {"id": "a", "outlet": "o", "text": "قالت وزارة الخارجية إن قوات النظام قصفت المدينة."},
        {"id": "b", "outlet": "o", "text": "The regime forces shelled the town on Tuesday, activists said."},
        {"id": "c", "outlet": "o", "text": "Les forces du régime ont bombardé la ville et les civils ont fui."},
        {"id": "d", "outlet": "o", "text": "Турция и Россия обсудили ситуацию в Идлибе."},
        # the field wins: an English text the field calls Arabic is analysed as Arabic, and back
        {"id": "e", "outlet": "o", "language": "ar", "text": "The town was shelled on Tuesday."},
        {"id": "f", "outlet": "o", "language": "de", "text": "The town was shelled on Tuesday."},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    corpus = load_corpus(path)
    assert [(d.doc_id, d.language) for d in corpus] == [("a", "ar"), ("b", "en"), ("e", "ar")]
    problems = {p.doc_id: (p.reason, p.action, p.detail) for p in corpus.problems}
    assert set(problems) == {"c", "d", "f"}
    assert all(reason == "unsupported language" and action == "skipped" for reason, action, _ in problems.values())
    assert "fr: Latin script, French function words" in problems["c"][2]
    assert "und: Cyrillic script" in problems["d"][2]
    assert "the language field says 'de'" in problems["f"][2]


def test_a_manifest_column_gives_the_language(tmp_path):
    (tmp_path / "a.txt").write_text("The town was shelled on Tuesday.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("The town was shelled on Tuesday.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,outlet,language\na.txt,X,ar\nb.txt,Y,\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert sorted((d.outlet, d.language) for d in corpus) == [("X", "ar"), ("Y", "en")]


def test_unsupported_language_is_a_documented_problem_kind():
    kinds = {k.reason: k.action for k in PROBLEM_KINDS}
    assert kinds["unsupported language"] == "skipped"
    assert "no Arabic letters" not in kinds
    assert SUPPORTED_LANGUAGES == ("ar", "en")


def test_markup_and_entities_are_not_words_of_a_language():
    """The reader excludes tags and entities later: «خبر» with five «&amp;» is an Arabic text
    (its only letters outside markup are Arabic), and English inside tags is English."""
    assert detect_language("خبر\n&amp;&amp;&amp;&amp;&amp;").language == "ar"
    assert detect_language('<p class="lead">The army said on Monday that the town was taken.</p>').language == "en"
    assert detect_language("<div><span>&nbsp;</span></div>").language == "und"
