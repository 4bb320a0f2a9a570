"""The bundled English lexicons: they validate, pair with the Arabic ones (same actors,
categories, category kinds, stance classes and source types), and their entries match what
they are written for — inflection and context rules on hand-written English sentences.
"""

from __future__ import annotations

import pytest

from framing.english import ENGLISH
from framing.lexicon import Matcher, default_lexicon_dir, load_lexicon
from framing.lexicon.validate import validate

DIR = default_lexicon_dir()
PAIRS = [("syria-en.yaml", "syria.yaml"), ("loaded-en.yaml", "loaded-ar.yaml"),
         ("reporting_verbs-en.yaml", "reporting_verbs.yaml"), ("sources-en.yaml", "sources.yaml"),
         ("sources-syria-en.yaml", "sources-syria.yaml")]


@pytest.fixture(scope="module")
def lex():
    return {name: load_lexicon(DIR / name) for pair in PAIRS for name in pair}


@pytest.fixture(scope="module")
def framing_en(lex):
    return Matcher([lex["syria-en.yaml"], lex["loaded-en.yaml"]], rules=ENGLISH)


def hits(matcher, text):
    return [(h.matched, h.actor, h.category, h.stance) for h in matcher.find(text, doc_id="d")]


# --- the files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("en, ar", PAIRS)
def test_english_lexicon_validates_and_pairs_with_the_arabic_one(lex, en, ar):
    e, a = lex[en], lex[ar]
    assert e.language == "en" and a.language == "ar"
    assert e.kind == a.kind
    errors = [i for i in validate([DIR / en]) if i.severity == "error"]
    assert errors == []
    # the same categories (stance classes, source types) with the same kinds; no new actors
    assert set(e.categories) == set(a.categories)
    assert {c: e.kind_of(c) for c in e.categories} == {c: a.kind_of(c) for c in a.categories}
    assert set(e.actors) <= set(a.actors)
    assert {x.category for x in e.entries} <= set(a.categories)
    assert {x.actor for x in e.entries if x.actor} <= set(a.actors)


def test_syria_en_covers_every_actor_of_syria(lex):
    en, ar = lex["syria-en.yaml"], lex["syria.yaml"]
    assert {x.actor for x in en.entries if x.actor} == {x.actor for x in ar.entries if x.actor}
    assert {x.category for x in en.entries} == {x.category for x in ar.entries}


@pytest.mark.slow  # validates every lexicon of the project (6.5 s loaded)
def test_the_whole_folder_validates_without_errors():
    assert [i for i in validate([DIR]) if i.severity == "error"] == []


def test_loaded_en_names_no_actor_and_shares_no_term_with_syria_en(lex):
    loaded, syria = lex["loaded-en.yaml"], lex["syria-en.yaml"]
    assert all(x.actor is None for x in loaded.entries)
    terms = {x.term.lower() for x in syria.entries}
    assert not [x.term for x in loaded.entries if x.term.lower() in terms]


def test_stances_follow_the_arabic_pairs(lex):
    # the labels that map one-to-one keep the Arabic stance
    en = {x.term: x.stance for x in lex["syria-en.yaml"].entries}
    ar = {x.term: x.stance for x in lex["syria.yaml"].entries}
    for e_term, a_term in [("Russian occupation", "الاحتلال الروسي"), ("regime forces", "قوات النظام"),
                           ("Syrian Arab Army", "الجيش العربي السوري"), ("Assad regime", "نظام الأسد"),
                           ("terrorists", "الإرهابيين"), ("moderate opposition", "المعارضة المعتدلة"),
                           ("Syrian government", "الحكومة السورية"), ("Kremlin", "الكرملين")]:
        assert en[e_term] == ar[a_term], e_term
    verbs = {x.term: (x.category, x.stance) for x in lex["reporting_verbs-en.yaml"].entries}
    assert verbs["said"] == ("neutral", 0.0) and verbs["stress"] == ("assertive", 0.5)
    assert verbs["claimed"] == ("distancing", -0.5) and verbs["deny"] == ("denial", -1.0)


# --- matching: inflection and context rules the entries rely on -------------------------------

@pytest.mark.parametrize("text, want", [
    # default entries: the last word's plural and possessive
    ("Rebels shelled the base.", ("Rebels", "armed_opposition", "actor_label", 0.0)),
    ("The rebel's positions fell.", ("rebel's", "armed_opposition", "actor_label", 0.0)),
    ("Iran-backed militias advanced.", ("Iran-backed militias", "iran", "actor_label", -0.6)),
    ("The pro-regime militia's leader was killed.", ("pro-regime militia's", "syrian_government", "actor_label", -0.8)),
    # written with a possessive on the first word
    ("Assad's forces advanced.", ("Assad's forces", "syrian_government", "actor_label", -0.6)),
    ("Assad’s forces advanced.", ("Assad’s forces", "syrian_government", "actor_label", -0.6)),
    # case is folded, hyphens are one form
    ("REGIME FORCES shelled the town.", ("REGIME FORCES", "syrian_government", "actor_label", -0.6)),
    ("A cease-fire was agreed.", ("cease-fire", None, "diplomacy", 0.2)),
    # the longest entry wins
    ("The Free Syrian Army entered the town.", ("Free Syrian Army", "armed_opposition", "actor_label", 0.7)),
    ("The Syrian Arab Army entered the town.", ("Syrian Arab Army", "syrian_government", "actor_label", 0.8)),
])
def test_inflection(framing_en, text, want):
    assert want in hits(framing_en, text)


@pytest.mark.parametrize("text, absent", [
    # "regime" is no government in a ceasefire or sanctions regime, nor another country's
    ("The ceasefire regime held in Idlib.", "regime"),
    ("A new sanctions regime was announced.", "regime"),
    ("The Saudi regime denied it.", "regime"),
    ("He called for regime change.", "regime"),
    # names need their capital: "turkey" the bird, "an olive branch" the gesture
    ("They ate turkey and rice.", "turkey"),
    ("He offered an olive branch to the opposition.", "olive branch"),
    # opposition to a plan is no armed opposition; militants of ISIS are no armed opposition
    ("There was opposition to the plan.", "opposition"),
    ("ISIS militants attacked the town.", "militants"),
    # loaded-en context rules
    ("The International Criminal Court opened a case.", "Criminal"),
    ("Protesters staged a sit-in.", "staged"),
    ("Fatah al-Sham fighters left; the Islamic State of Iraq and Sham took over.", "Sham"),
    ("Restrictions on freedom of movement remain.", "freedom"),
])
def test_context_rules_and_names(framing_en, text, absent):
    assert absent not in [m for m, *_ in hits(framing_en, text)]


def test_names_with_capitals_match(framing_en):
    got = hits(framing_en, "Turkey launched Operation Olive Branch against the YPG.")
    assert ("Turkey", "turkey", "actor_label", 0.0) in got
    assert ("Operation Olive Branch", "turkey", "military_action", 0.2) in got
    assert ("YPG", "kurdish_forces", "actor_label", 0.0) in got


def test_loaded_en_categories_on_sentences(framing_en):
    got = {m.lower(): c for m, _a, c, _s in hits(framing_en, (
        "The so-called opposition spread fabricated claims. Thugs committed a horrific atrocity. "
        "It was an unprecedented disaster and a looming threat."))}
    assert got["so-called"] == "doubt" and got["fabricated"] == "doubt"
    assert got["thugs"] == "name_calling"
    assert got["horrific"] == "loaded_language" and got["atrocity"] == "loaded_language"
    assert got["unprecedented"] == "exaggeration"
    assert got["looming"] == "fear_appeal" and got["threat"] == "fear_appeal"


@pytest.fixture(scope="module")
def verbs_en(lex):
    return Matcher([lex["reporting_verbs-en.yaml"]], rules=ENGLISH)


@pytest.mark.parametrize("text, cue, lemma", [
    ("The ministry stressed that talks continue.", "stressed", "stress"),
    ("Moscow denies that it struck the hospital.", "denies", "deny"),
    ("The army denied the report.", "denied", "deny"),
    ("He said the town fell.", "said", "say"),
    ("She is saying nothing.", "saying", "say"),
    ("The monitor pointed out that the toll rose.", "pointed out", "point out"),
    ("The group admitted that it fired.", "admitted", "admit"),
])
def test_reporting_verb_forms(lex, verbs_en, text, cue, lemma):
    entries = {e.id: e for e in lex["reporting_verbs-en.yaml"].entries}
    found = [(h.matched, entries[h.entry_id].canonical) for h in verbs_en.find(text, doc_id="d")]
    assert (cue, lemma) in found


@pytest.mark.parametrize("text, form", [
    ("The alleged attack killed 40.", "alleged"),            # the adjective
    ("The blast claimed the lives of ten.", "claimed"),       # no speech
    ("The claims were denied.", "claims"),                    # the noun
    ("No comment was given.", "comment"),                     # the noun
    ("An informed source said so.", "informed"),              # the adjective
])
def test_reporting_verb_context_rules(verbs_en, text, form):
    assert form not in [h.matched for h in verbs_en.find(text, doc_id="d")]


def test_sources_types_and_canonical_names(lex):
    m = Matcher([lex["sources-syria-en.yaml"], lex["sources-en.yaml"]], rules=ENGLISH)
    entries = {e.id: e for name in ("sources-syria-en.yaml", "sources-en.yaml") for e in lex[name].entries}
    text = ("Russian President Vladimir Putin met Erdogan. The Syrian Observatory for Human Rights, SANA and "
            "a military source reported it; the WHO and who else?")
    got = {(h.matched, entries[h.entry_id].category, entries[h.entry_id].canonical) for h in m.find(text, doc_id="d")}
    assert ("Russian President", "russian_official", "Putin") in got
    assert ("Vladimir Putin", "russian_official", "Putin") in got
    assert ("Erdogan", "turkish_official", "Erdogan") in got
    assert ("SANA", "syrian_government", "SANA") in got
    assert ("military source", "anonymous", "military source") in got
    assert ("WHO", "monitor_ngo", "WHO") in got
    assert "who" not in {g[0] for g in got}  # an acronym entry is match: name
