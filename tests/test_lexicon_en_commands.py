"""`framing lexicon test/suggest/import` on English lexicons and mixed corpora: each lexicon is
tested on the documents of its language with its language's rules, suggestions count the
documents of one language with its stop words, imports read terms by the target's language."""

import json

import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.errors import ConfigError, LexiconError
from framing.lexicon import load_lexicon
from framing.lexicon.exchange import import_entries
from framing.lexicon.explore import entry_stats, suggest_terms

EN_LEXICON = """\
name: mini-en
kind: framing
language: en
version: 0.1.0
description: English test lexicon.
categories:
  military: Armed forces
  leader: Leaders
actors:
  regime: The Syrian government
  rebels: Armed opposition
entries:
  - term: regime forces
    actor: regime
    category: military
    stance: -0.5
  - term: Assad
    actor: regime
    category: leader
    stance: -0.2
    match: name
  - term: moderate rebel
    actor: rebels
    category: military
    stance: 0.5
"""

AR_LEXICON = """\
name: mini-ar
kind: framing
version: 0.1.0
description: Arabic test lexicon.
categories:
  military: Armed forces
actors:
  regime: The Syrian government
entries:
  - term: قوات النظام
    actor: regime
    category: military
    stance: -0.5
"""

# outlet "wire" speaks of moderate rebels and civilians, outlet "state" of terrorist gangs;
# both of regime forces and Assad. Two Arabic documents mention Assad in Latin letters.
_WIRE = [
    "Regime forces shelled the town on Monday. Moderate rebels said the armed opposition held its lines.",
    "The armed opposition accused Assad's army of shelling civilian homes. Moderate rebels regrouped.",
    "Civilian homes were hit again, the armed opposition said. Regime forces denied it.",
    "Moderate rebels and the armed opposition met in Gaziantep to discuss civilian homes.",
]
_STATE = [
    "Terrorist gangs attacked an army checkpoint. Regime forces were not involved, the ministry said.",
    "The army cleared terrorist gangs from the village. President Assad thanked the soldiers.",
    "Terrorist gangs fired mortars at Damascus. The army responded to the terrorist gangs.",
    "Soldiers pursued terrorist gangs near Homs, where an army checkpoint was attacked.",
]
_ARABIC = [
    "قصفت قوات النظام بلدة في ريف حلب اليوم وقال ناشطون إن القصف طال المنازل (Assad) حسب المصادر.",
    "أعلنت قوات النظام السيطرة على قرية جديدة في ريف إدلب بعد معارك مع الفصائل (regime forces).",
]


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "lex"
    d.mkdir()
    (d / "mini-en.yaml").write_text(EN_LEXICON, encoding="utf-8")
    (d / "mini-ar.yaml").write_text(AR_LEXICON, encoding="utf-8")
    return d


@pytest.fixture
def corpus(tmp_path):
    rows = ([{"id": f"w{i}", "outlet": "wire", "text": t} for i, t in enumerate(_WIRE)]
            + [{"id": f"s{i}", "outlet": "state", "text": t} for i, t in enumerate(_STATE)]
            + [{"id": f"a{i}", "outlet": "alarabi", "text": t} for i, t in enumerate(_ARABIC)])
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# --- lexicon test -----------------------------------------------------------------------------


def test_entry_stats_match_each_lexicon_on_its_language(corpus, folder):
    frame = entry_stats(corpus, folder).set_index("term")
    # English entries: English rules (case folded, possessive of a name) on the 8 English documents only —
    # the Latin "(Assad)" and "(regime forces)" inside Arabic articles do not count
    assert frame.loc["regime forces", "hits"] == 3
    assert frame.loc["regime forces", "hits:alarabi"] == 0
    assert frame.loc["regime forces", "top_forms"] == "regime forces (3)"
    assert frame.loc["Assad", "hits"] == 2
    assert frame.loc["Assad", "top_forms"] in ("assad's (1), assad (1)", "assad (1), assad's (1)")
    assert frame.loc["Assad", "doc_share"] == pytest.approx(2 / 8)
    assert frame.loc["moderate rebel", "hits"] == 3  # the plural, by the English inflection
    # the Arabic entry: Arabic rules on the two Arabic documents, its share among them
    assert frame.loc["قوات النظام", "hits"] == 2
    assert frame.loc["قوات النظام", "doc_share"] == 1.0
    assert frame.loc["قوات النظام", "status"] == "broad"
    assert frame.attrs["languages"] == {"ar": 2, "en": 8}


def test_entry_stats_english_lexicon_on_an_arabic_corpus_is_dead(tmp_path, folder):
    path = tmp_path / "ar.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "outlet": "x", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(_ARABIC)), encoding="utf-8")
    frame = entry_stats(path, folder / "mini-en.yaml")
    assert set(frame["status"]) == {"dead"}
    assert frame["doc_share"].eq(0).all()


# --- lexicon suggest --------------------------------------------------------------------------


def test_suggest_english_terms_with_english_stop_words(corpus, folder):
    frame = suggest_terms(corpus, folder, by=("outlet",), into="mini-en", min_count=2, z_min=0.0, top_n=10)
    assert frame.attrs["language"] == "en"
    assert frame.attrs["documents"] == 8 and frame.attrs["other_language_documents"] == 2
    state = list(frame[frame["group"] == "state"]["term"])
    wire = list(frame[frame["group"] == "wire"]["term"])
    assert "terrorist gangs" in state
    assert "armed opposition" in wire and "civilian homes" in wire
    terms = set(frame["term"])
    assert not any(w in {"the", "of", "to", "at", "and"} for t in terms for w in (t.split()[0], t.split()[-1]))
    assert not any("\u0600" <= ch <= "\u06ff" for t in terms for ch in t)  # no Arabic document counted
    # what the English lexicon matches already is no suggestion: its plural, its name in lower case
    assert not terms & {"moderate rebels", "regime forces", "assad"}
    row = frame[frame["term"] == "terrorist gangs"].iloc[0]
    assert row["command"].startswith("framing lexicon add mini-en 'terrorist gangs' --actor")
    assert "[Terrorist gangs]" in row["example"] or "[terrorist gangs]" in row["example"]


def test_suggest_language_option_and_errors(corpus, folder):
    arabic = suggest_terms(corpus, folder, by=("outlet",), language="ar", min_count=1, z_min=-99.0, top_n=3)
    assert arabic.attrs["documents"] == 2 and set(arabic["group"]) <= {"alarabi"}
    with pytest.raises(ConfigError, match="not one of ar, en"):
        suggest_terms(corpus, folder, by=("outlet",), language="fr")
    only_ar = corpus.parent / "only-ar.jsonl"
    only_ar.write_text("".join(line + "\n" for line in corpus.read_text(encoding="utf-8").splitlines()
                               if '"alarabi"' in line), encoding="utf-8")
    with pytest.raises(ConfigError, match="no documents in en to count \\(2 of other languages\\)"):
        suggest_terms(only_ar, folder, by=("outlet",), language="en")


def test_suggest_cli_reads_the_into_lexicons_language(corpus, folder):
    r = CliRunner().invoke(app, ["lexicon", "suggest", str(corpus), "--lexicons", str(folder), "--into", "mini-en",
                                 "--by", "outlet", "--min-count", "2", "--z-min", "0", "--no-examples"])
    assert r.exit_code == 0, r.output
    assert "terrorist gangs" in r.output and "framing lexicon add mini-en" in r.output


# --- lexicon import ---------------------------------------------------------------------------


def _csv(tmp_path, rows):
    path = tmp_path / "codebook.csv"
    path.write_text("term,actor,category,stance,note\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def test_import_creates_an_english_lexicon(tmp_path, folder):
    src = _csv(tmp_path, ["Syrian Arab Army,regime,military,0.5,", "terrorist gangs,,label,-0.8,state media"])
    r = import_entries(src, "wire-en", lexicons=folder, language="en")
    assert r.created and r.added == 2
    lex = load_lexicon(r.path)
    assert lex.language == "en"
    assert [e.words for e in lex.entries] == [("syrian", "arab", "army"), ("terrorist", "gangs")]
    assert "language: en" in r.path.read_text(encoding="utf-8")


def test_import_into_an_english_lexicon_folds_case(tmp_path, folder):
    # the target is English: "Regime Forces" is its entry "regime forces" (same fields: unchanged)
    src = _csv(tmp_path, ["Regime Forces,regime,military,-0.5,", "Kremlin,,leader,0,"])
    r = import_entries(src, "mini-en", lexicons=folder, backup=False)
    assert (r.added, r.unchanged) == (1, 1)
    assert load_lexicon(folder / "mini-en.yaml").find("kremlin")
    twice = _csv(tmp_path, ["Hezbollah,,military,-0.3,", "HEZBOLLAH,,military,-0.3,"])
    with pytest.raises(LexiconError, match="'HEZBOLLAH' repeats line 2"):
        import_entries(twice, "mini-en", lexicons=folder)
    with pytest.raises(LexiconError, match="--language ar but lexicon mini-en is language: en"):
        import_entries(src, "mini-en", lexicons=folder, language="ar")


def test_import_liwc_into_english_notes_no_prefix_match(tmp_path, folder):
    dic = tmp_path / "words.dic"
    dic.write_text("%\n1\tlabel\n%\nterrorist*\t1\nthug\t1\n", encoding="utf-8")
    r = import_entries(dic, "liwc-en", lexicons=folder, language="en")
    assert any("no prefix match" in n for n in r.notes)
    lex = load_lexicon(r.path)
    assert {e.term: e.match for e in lex.entries} == {"terrorist": "affix", "thug": "exact"}


def test_import_cli_language_option(tmp_path, folder):
    src = _csv(tmp_path, ["barrel bombs,regime,military,-0.6,"])
    r = CliRunner().invoke(app, ["lexicon", "import", str(src), "--into", "bombs-en", "--lexicons", str(folder),
                                 "--language", "en"])
    assert r.exit_code == 0, r.output
    assert load_lexicon(folder / "bombs-en.yaml").language == "en"
    bad = CliRunner().invoke(app, ["lexicon", "import", str(src), "--into", "mini-en", "--lexicons", str(folder),
                                   "--language", "ar"])
    assert bad.exit_code != 0 and "is language: en" in bad.output and "Traceback" not in bad.output


# --- lexicon add: warnings read English forms ----------------------------------------------------


def test_add_warns_about_an_english_entry_inside_by_its_english_forms(folder):
    from framing.lexicon.editing import add_entry

    r = add_entry(folder / "mini-en.yaml", "Moderate Rebels commanders", category="military", actor="rebels",
                  backup=False)
    # "moderate rebel" matches "Moderate Rebels" (its plural, case folded) inside the new term
    assert any("contains the entry 'moderate rebel'" in w for w in r.warnings), r.warnings
    r = add_entry(folder / "mini-en.yaml", "forces", category="military", backup=False)
    assert any("inside the longer entry 'regime forces'" in w for w in r.warnings), r.warnings
