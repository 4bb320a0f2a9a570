"""The English text path: normalization with offsets, tokens, sentences, inflection, matching."""

import pytest

from framing.english import (
    ENGLISH,
    fold_term,
    inflection_bases,
    load_stopwords_en,
    name_forms,
    normalize_en,
    noun_forms,
    sentence_ends_en,
    sentence_spans_en,
    term_ok,
    term_words,
    tokens,
    verb_forms,
    word_forms,
)
from framing.lexicon import Lexicon, Matcher
from framing.lexicon.model import check_lexicon_data

# --- normalization and offsets ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Regime Forces", "regime forces"),
    ("Assad\u2019s army", "assad's army"),
    ("\u201cterrorists\u201d", '"terrorists"'),
    ("pro\u2013government \u2014 militias", "pro-government - militias"),
    ("the U.S. and the U.N.", "the us and the un"),
    ("al\u00adQaeda", "alqaeda"),  # a soft hyphen is dropped
    ("non\u00a0state", "non state"),
])
def test_normalize_en(text, expected):
    assert normalize_en(text).text == expected


def test_offsets_point_into_the_original():
    text = "Yesterday the U.S.\u2019s envoy met \u201cRegime\u201d officials."
    n = normalize_en(text)
    for word in ("us's", "envoy", "regime", "officials"):
        i = n.text.index(word)
        a, b = n.original_span(i, i + len(word))
        assert text[a:b].lower().replace(".", "").replace("\u2019", "'") == word
    i = n.text.index("us's")
    assert n.original_span(i, i + 2) == (text.index("U.S."), text.index("U.S.") + 4)  # the dots belong to it


def test_tokens():
    assert tokens(normalize_en("Rebels\u2019 positions, Assad's men; don't 3.5 km").text) == [
        "rebels'", "positions", "assad's", "men", "don't", "3", "5", "km"]


# --- sentences --------------------------------------------------------------------------------


def test_sentence_ends_skip_titles_acronyms_months_and_decimals():
    text = ("Mr. Lavrov met U.S. envoy James F. Jeffrey on Jan. 5 in Sochi. The talks lasted 3.5 hours! "
            "Did they agree? No\nA new line")
    spans = [text[a:b] for a, b in sentence_spans_en(text)]
    assert spans == ["Mr. Lavrov met U.S. envoy James F. Jeffrey on Jan. 5 in Sochi.", "The talks lasted 3.5 hours!",
                     "Did they agree?", "No", "A new line"]
    assert sentence_ends_en("Gen. Smith spoke. Dr. Jones left.") == [17, 33]


# --- inflection -------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "forms"), [
    ("militia", {"militia", "militias", "militia's", "militias'"}),
    ("force", {"force", "forces", "force's", "forces'"}),
    ("ally", {"ally", "allies", "ally's", "allies'"}),
    ("church", {"church", "churches", "church's", "churches'"}),
    ("rebels", {"rebels", "rebels'", "rebels's"}),
    ("witness", {"witness", "witnesses", "witness'", "witness's", "witnesses'"}),
])
def test_noun_forms(word, forms):
    assert noun_forms(word) == forms


def test_name_forms_are_the_possessive_only():
    assert name_forms("assad") == {"assad", "assad's"}
    assert name_forms("damascus") == {"damascus", "damascus'", "damascus's"}


@pytest.mark.parametrize(("verb", "wanted", "not_wanted"), [
    ("shell", {"shells", "shelled", "shelling"}, set()),
    ("seize", {"seizes", "seized", "seizing"}, {"seizeing", "seizeed"}),
    ("deny", {"denies", "denied", "denying"}, {"denyed"}),
    ("bomb", {"bombs", "bombed", "bombing"}, {"bombbed"}),
    ("stop", {"stopped", "stopping"}, set()),
    ("occur", {"occurred", "occurring"}, set()),
    ("target", {"targeted", "targeting"}, {"targetted"}),
    ("die", {"died", "dying"}, set()),
    ("flee", {"flees", "fleeing"}, set()),
    ("massacre", {"massacred", "massacring", "massacres"}, set()),
])
def test_verb_forms(verb, wanted, not_wanted):
    forms = verb_forms(verb)
    assert wanted <= forms and not (not_wanted & forms)


def test_word_forms_by_mode():
    assert word_forms(("regime", "force")) == (frozenset({"regime"}), noun_forms("force"))
    assert word_forms(("bashar", "assad"), "name") == (frozenset({"bashar"}), name_forms("assad"))
    assert word_forms(("open", "fire"), inflect="verb") == (verb_forms("open"), frozenset({"fire"}))
    assert word_forms(("regime", "forces"), "exact") == (frozenset({"regime"}), frozenset({"forces"}))


def test_inflection_bases_find_every_form_back():
    """The reverse rule is a superset of the forward ones: every form leads back to its word."""
    for word in ("shell", "seize", "deny", "stop", "target", "militia", "church", "ally", "assad", "die", "flee"):
        for form in noun_forms(word) | verb_forms(word) | name_forms(word):
            assert word in inflection_bases(form), (word, form)


def test_terms():
    assert term_words("Assad\u2019s  Tiger-Forces") == ("assad's", "tiger", "forces")
    assert term_ok("U.S.-backed forces") and term_ok("Assad's army")
    assert not term_ok("forces, army") and not term_ok("army.")
    assert fold_term("assad's") == "assad" and fold_term("rebels'") == "rebels" and fold_term("army") == "army"


def test_stopwords_en():
    stop = load_stopwords_en()
    assert 250 <= len(stop) <= 450
    assert {"the", "of", "and", "said", "don't", "it's", "would"} <= stop
    assert not {"regime", "rebels", "syria", "assad", "forces"} & stop


# --- matching ---------------------------------------------------------------------------------

LEX = Lexicon.from_entries("syria-en-test", [
    {"term": "regime forces", "actor": "syrian_government", "category": "actor_label", "stance": -0.6},
    {"term": "regime", "actor": "syrian_government", "category": "actor_label", "stance": -0.4},
    {"term": "Syrian Arab Army", "actor": "syrian_government", "category": "actor_label", "stance": 0.2},
    {"term": "Assad", "actor": "syrian_government", "category": "person", "match": "name"},
    {"term": "Turkey", "actor": "turkey", "category": "actor_label", "match": "name"},
    {"term": "shell", "category": "aggression", "stance": -0.5, "inflect": "verb"},
    {"term": "open fire", "category": "aggression", "stance": -0.5, "inflect": "verb"},
    {"term": "rebel", "actor": "armed_opposition", "category": "actor_label", "stance": 0.3,
     "not_followed_by": "held"},
    {"term": "terrorists", "actor": "armed_opposition", "category": "actor_label", "stance": -0.8,
     "match": "exact", "not_in_sentence": ["so-called"]},
    {"term": "Russian occupation", "actor": "russia", "category": "actor_label", "stance": -1.0},
], language="en")


def found(text):
    return [(h.term, h.matched, text[h.start:h.end]) for h in Matcher([LEX], rules=ENGLISH).find(text)]


def test_matching_inflection_longest_match_and_offsets():
    text = "Regime forces shelled Idlib; the regime\u2019s allies and the Syrian Arab Army\u2019s tanks. " \
           "Assad's army opened fire on rebels."
    hits = found(text)
    assert [(t, m) for t, m, _ in hits] == [
        ("regime forces", "Regime forces"), ("shell", "shelled"), ("regime", "regime\u2019s"),
        ("Syrian Arab Army", "Syrian Arab Army\u2019s"), ("Assad", "Assad's"), ("open fire", "opened fire"),
        ("rebel", "rebels")]
    assert all(m == o for _, m, o in hits)


def test_matching_never_crosses_a_sentence_but_acronyms_and_titles_do_not_end_one():
    assert found("They blamed the regime. Forces left.") == [("regime", "regime", "regime")]
    lex = Lexicon.from_entries("x", [{"term": "U.S. forces", "actor": "usa", "category": "actor_label"},
                                     {"term": "Lavrov", "actor": "russia", "category": "person"}], language="en")
    text = "Mr. Lavrov said U.S. forces and US forces left. Next"
    hits = Matcher([lex], rules=ENGLISH).find(text)
    assert [h.matched for h in hits] == ["Lavrov", "U.S. forces", "US forces"]
    assert {text[h.sentence_start:h.sentence_end] for h in hits} == {"Mr. Lavrov said U.S. forces and US forces left."}


def test_a_capitalized_name_needs_its_capital():
    assert found("We ate turkey; Turkey objected.") == [("Turkey", "Turkey", "Turkey")]


def _names(text, *terms):
    lex = Lexicon.from_entries("names", [{"term": t, "category": "person", "match": "name"} for t in terms],
                               language="en")
    return [(h.term, h.matched) for h in Matcher([lex], rules=ENGLISH).find(text)]


def test_a_possessive_without_its_apostrophe_in_a_text_without_apostrophes():
    # punctuation stripped (as in FA-KES): "Assads", "SANAs", "Bashar al-Assads" are the possessives
    text = "Assads forces advanced and SANAs reporter met Bashar al-Assads envoy in Homs"
    assert _names(text, "Assad", "SANA", "Bashar al-Assad", "Homs") == [
        ("Assad", "Assads"), ("SANA", "SANAs"), ("Bashar al-Assad", "Bashar al-Assads"), ("Homs", "Homs")]
    # a text that writes its apostrophes: "the Assads" is the family, not a possessive
    assert _names("The Assads fled, the minister's aide said", "Assad") == []
    assert _names("Assad's forces and the Assads", "Assad") == [("Assad", "Assad's")]
    # a name plus s that is a name of its own; all capitals; lower case; an entry written in lower case
    assert _names("Hamas and the UNS staff met the assads", "Hama", "UN", "Assad") == []
    assert _names("fighting on four fronts near Front lines", "front") == [("front", "Front")]
    # a name ending in s has no such form ("Homss" is not one), and affix entries keep their plural
    assert _names("Homss officials", "Homs") == []
    assert found("Assads army shelled rebels")[0] == ("Assad", "Assads", "Assads")


def test_context_rules_work_in_english():
    assert found("rebel held areas and a rebel commander") == [("rebel", "rebel", "rebel")]
    assert found("so-called terrorists") == []
    assert [t for t, _, _ in found("The terrorists attacked. The Terrorist left")] == ["terrorists"]  # exact


def test_english_entries_in_lexicon_validation():
    data = {"name": "t", "kind": "framing", "language": "en", "version": "1", "description": "d",
            "categories": {"actor_label": "labels"}, "actors": {"russia": "Russia"},
            "entries": [{"term": "Kremlin", "category": "actor_label", "actor": "russia", "match": "name"},
                        {"term": "kremlin", "category": "actor_label", "actor": "russia"},
                        {"term": "Putin's men", "category": "actor_label", "actor": "russia"},
                        {"term": "bomb", "category": "actor_label", "inflect": "adverb"}]}
    issues, lex = check_lexicon_data(data)
    assert [(i.code, i.line) for i in issues if i.severity == "error"] == [("duplicate", 0), ("schema", 0)]
    assert "inflect of 'bomb' is 'adverb'" in next(i.message for i in issues if i.code == "schema")
    assert [e.words for e in lex.entries] == [("kremlin",), ("putin's", "men")]
    assert lex.entries[0].language == "en" and "KREMLIN" in lex


def test_kwic_and_show_read_english_terms(tmp_path):
    from framing.lexicon.explore import kwic, show_lexicon

    path = tmp_path / "en.jsonl"
    path.write_text('{"id": "1", "outlet": "A", "text": "Regime forces shelled the town. The regime forces\'s '
                    'tanks and regime forceful men."}\n', encoding="utf-8")
    lexicons = "tests/data/english/lexicons"
    rows = kwic("regime forces", str(path), lexicons=lexicons)
    assert list(rows["match"]) == ["Regime forces", "regime forces's"]
    assert rows.attrs["hits"] == 2
    # the entry's inflect: verb comes with it (the term alone would be a noun)
    assert list(kwic("shell", str(path), lexicons=lexicons)["match"]) == ["shelled"]
    shown = show_lexicon("syria-en-test", lexicons=lexicons, term="REGIME")
    assert set(shown.entries["term"]) == {"regime forces", "regime", "Assad regime", "Turkish regime"}


def test_editing_an_english_lexicon(tmp_path):
    import shutil

    from framing.lexicon.editing import add_entry, set_entry
    from framing.lexicon.exchange import export_lexicon
    from framing.lexicon.model import load_lexicon

    folder = tmp_path / "lx"
    folder.mkdir()
    shutil.copy("tests/data/english/lexicons/syria-en-test.yaml", folder)
    add_entry("syria-en-test", "Assad's army", lexicons=folder, actor="syrian_government", category="actor_label",
              stance=-0.5)  # an apostrophe is part of an English word
    set_entry("syria-en-test", "REGIME FORCES", lexicons=folder, stance=-0.7)  # found case-folded
    lex = load_lexicon(folder / "syria-en-test.yaml")
    assert {e.term: e.stance for e in lex.entries}["regime forces"] == -0.7
    assert ("assad's", "army") in {e.words for e in lex.entries}
    csv = export_lexicon("syria-en-test", lexicons=folder, format="csv")
    assert csv.splitlines()[0].split(",")[6] == "inflect" and "shell,,military_action,0.0,,affix,verb" in csv
