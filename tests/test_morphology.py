"""framing.morphology: the camel-tools morphology-database lemmatizer, on a tiny DB built here.

The real CALIMA databases cannot be downloaded in tests; ``tests/data/morphology/make_tiny_db.py``
writes a small database in the same text format, and these tests load it with camel-tools itself.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from framing.errors import ConfigError, FramingError
from framing.lexicon import Lexicon, Matcher
from framing.morphology import MorphologyLemmatizer

MORPH_DIR = Path(__file__).resolve().parent / "data" / "morphology"
TINY_DB = MORPH_DIR / "tiny-morphology.db"


def _builder():
    spec = importlib.util.spec_from_file_location("make_tiny_db", MORPH_DIR / "make_tiny_db.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lemmatizer() -> MorphologyLemmatizer:
    return MorphologyLemmatizer(TINY_DB)


@pytest.fixture(scope="module")
def camel():
    from framing.morphology import _camel_morphology

    MorphologyDB, Analyzer, _ = _camel_morphology()
    return MorphologyDB, Analyzer


# --- the fixture database -------------------------------------------------------------------


def test_committed_db_is_what_the_builder_writes(tmp_path):
    built = _builder().write_tiny_db(tmp_path / "morphology.db")
    assert built.read_bytes() == TINY_DB.read_bytes(), "run: python tests/data/morphology/make_tiny_db.py"


def test_camel_tools_parses_the_tiny_db(camel):
    MorphologyDB, Analyzer = camel
    db = MorphologyDB(str(TINY_DB), "a")
    assert {"ثوار", "ميليشي", "اسلح", "قو"} <= set(db.stem_hash)
    assert {"", "و", "ال", "وال", "بال", "لل"} <= set(db.prefix_hash)
    assert db.max_prefix_size == 4 and db.max_suffix_size == 4
    assert "Suff-hum" not in db.prefix_suffix_compat["Pref-Al"]  # no article with a possessive
    # camel strips the sense number of stem lemmas while parsing
    assert {a["lex"] for _, a in db.stem_hash["ثوار"]} == {"ثائِر", "ثَوّار"}

    analyses = Analyzer(db).analyze("والثوار")
    assert {(a["lex"], a["stem"], a["prc2"], a["prc0"]) for a in analyses} == {
        ("ثائِر", "ثُوّار", "wa_conj", "Al_det"),
        ("ثَوّار", "ثَوّار", "wa_conj", "Al_det"),
    }
    # camel's sun-letter rule turned the article's '#' into a shadda on ث
    shadda = "\u0651"
    assert {a["diac"] for a in analyses} == {"وَالث" + shadda + "ُوّار", "وَالث" + shadda + "َوّار"}


# --- the lemmatizer -------------------------------------------------------------------------


@pytest.mark.parametrize(("token", "expected"), [
    ("والثوار", ("ثائر", "ثوار")),  # broken plural: lemma of ثُوّار and of the adjective ثَوّار
    ("ثوار", ("ثائر", "ثوار")),
    ("الثُّوّار", ("ثائر", "ثوار")),  # diacritics in the token
    ("ثوارهم", ("ثائر", "ثوار")),
    ("والثوارهم", ()),  # the DB forbids the article with a possessive
    ("ثائر", ("ثائر",)),
    ("الفصائل", ("فصيل", "فصائل")),
    ("الأسلحة", ("سلاح", "اسلح")),  # normalized like the matcher: أ → ا, ة → ه
    ("الاسلحه", ("سلاح", "اسلح")),  # the matcher's normalized token gives the same
    ("ميليشيات", ("ميليشيا", "ميليشي")),
    ("وبالميليشيات", ("ميليشيا", "ميليشي")),
    ("للقوات", ("قوه", "قو")),
    ("قوة", ("قوه", "قو")),
    ("مسلحين", ("مسلح",)),
    ("كتاب", ()),  # unknown to the DB, no backoff
    ("ISIS", ()),
    ("2013", ()),
    ("١٢", ()),
    ("", ()),
])
def test_lemmas_and_stems(lemmatizer, token, expected):
    assert lemmatizer(token) == expected


def test_fields_select_lemma_or_stem():
    assert MorphologyLemmatizer(TINY_DB, fields=("lex",))("الأسلحة") == ("سلاح",)
    assert MorphologyLemmatizer(TINY_DB, fields="stem")("الأسلحة") == ("اسلح",)
    with pytest.raises(ConfigError, match="'root'"):
        MorphologyLemmatizer(TINY_DB, fields=("lex", "root"))


def test_analyses_are_camels(lemmatizer):
    analyses = lemmatizer.analyses("الأسلحة")
    assert [(a["lex"], a["stem"], a["diac"], a["num"]) for a in analyses] == [("سِلاح", "أَسْلِح", "الأَسْلِحَة", "p")]
    assert lemmatizer.analyses("hello") == []


def test_backoff_guesses_stems_of_unknown_words():
    assert MorphologyLemmatizer(TINY_DB)("والكتاب") == ()
    guessed = MorphologyLemmatizer(TINY_DB, analyzer_backoff="NOAN_ALL")("والكتاب")
    assert set(guessed) == {"والكتاب", "الكتاب", "كتاب"}  # every split the DB's clitics allow
    # NOAN backs off only where there is no analysis; ADD always adds the guesses
    assert MorphologyLemmatizer(TINY_DB, analyzer_backoff="NOAN_ALL")("والثوار") == ("ثائر", "ثوار")
    assert "الثوار" in MorphologyLemmatizer(TINY_DB, analyzer_backoff="ADD_ALL")("والثوار")


def test_backoff_needs_backoff_stems(tmp_path):
    text = "".join(line for line in TINY_DB.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not line.startswith("NOAN\t"))
    db = tmp_path / "nobackoff.db"
    db.write_text(text, encoding="utf-8")
    assert MorphologyLemmatizer(db)("ثوار") == ("ثائر", "ثوار")
    with pytest.raises(ConfigError, match="no backoff stems"):
        MorphologyLemmatizer(db, analyzer_backoff="NOAN_ALL")
    with pytest.raises(ConfigError, match="unknown morphology backoff 'SOME'"):
        MorphologyLemmatizer(TINY_DB, analyzer_backoff="SOME")


def test_results_are_cached_and_the_cache_is_bounded(monkeypatch):
    lem = MorphologyLemmatizer(TINY_DB, cache_size=2)
    calls = []
    analyze = lem.analyzer_.analyze
    monkeypatch.setattr(lem.analyzer_, "analyze", lambda w: calls.append(w) or analyze(w))
    first = lem("الثوار")
    assert lem("الثوار") is first and calls == ["الثوار"]
    lem("قوات")
    lem("ميليشيات")  # evicts the oldest token
    lem("الثوار")
    assert calls == ["الثوار", "قوات", "ميليشيات", "الثوار"]
    lem.clear_cache()
    lem("قوات")
    assert calls[-1] == "قوات"
    uncached = MorphologyLemmatizer(TINY_DB, cache_size=0)
    assert uncached("قوات") == uncached("قوات") == ("قوه", "قو")


def test_folder_with_morphology_db_is_accepted(tmp_path):
    _builder().write_tiny_db(tmp_path / "morphology.db")
    lem = MorphologyLemmatizer(tmp_path)
    assert lem.path == tmp_path / "morphology.db"
    assert lem("الثوار") == ("ثائر", "ثوار")
    assert len(lem.sha256) == 64 and lem.name == "camel-morphology"
    assert "morphology.db" in repr(lem)


# --- errors ---------------------------------------------------------------------------------


def test_missing_file_says_how_to_get_a_db(tmp_path):
    missing = tmp_path / "calima" / "morphology.db"
    with pytest.raises(ConfigError) as info:
        MorphologyLemmatizer(missing)
    message = str(info.value)
    assert str(missing) in message and "not found" in message
    assert "camel_data -i morphology-db-msa-r13" in message and "--morphology-db" in message
    assert isinstance(info.value, FramingError) and info.value.path == str(missing)


def test_folder_without_db(tmp_path):
    with pytest.raises(ConfigError, match=r"folder has no morphology\.db"):
        MorphologyLemmatizer(tmp_path)


def _broken_stems_line(text: str) -> str:
    return text.replace("ثائر\tN\t", "ثائر N ", 1)


@pytest.mark.parametrize(("content", "camel_says"), [
    ("name: not a database\n", "invalid DEFINES line"),
    (_broken_stems_line(TINY_DB.read_text(encoding="utf-8")), "invalid STEMS line"),
    (TINY_DB.read_text(encoding="utf-8").replace("ORDER pos", "ORDER colour"), "invalid feature 'colour'"),
    ("", "no ORDER, prefixes, suffixes or stems"),
    (b"\xff\xd8\xff\xe0 JFIF binary", "UnicodeDecodeError"),
])
def test_invalid_db_file(tmp_path, content, camel_says):
    path = tmp_path / "morphology.db"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        MorphologyLemmatizer(path)
    message = str(info.value)
    assert str(path) in message and "not a valid camel-tools morphology database" in message
    assert camel_says in message


def test_parse_errors_carry_camels_message(tmp_path):
    path = tmp_path / "bad.db"
    path.write_text(_broken_stems_line(TINY_DB.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"Error parsing database \(invalid STEMS line 'ثائر N "):
        MorphologyLemmatizer(path)


# --- camel-tools' data catalogue --------------------------------------------------------------


def _run_isolated(code: str, data_dir: Path) -> dict:
    env = dict(os.environ, CAMELTOOLS_DATA=str(data_dir))
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parent.parent, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


_ISOLATED = """
    import json, sys
    from framing.morphology import MorphologyLemmatizer
    lem = MorphologyLemmatizer({db!r})
    print(json.dumps({{"lemmas": lem("والثوار"), "data_imported": "camel_tools.data" in sys.modules}}))
"""


def test_works_offline_without_camel_catalogue(tmp_path):
    """camel_tools.data downloads a catalogue at import; a DB given by path must not need it."""
    result = _run_isolated(_ISOLATED.format(db=str(TINY_DB)), tmp_path)
    assert result == {"lemmas": ["ثائر", "ثوار"], "data_imported": False}
    assert list(tmp_path.iterdir()) == []  # nothing downloaded or written


def test_uses_camel_catalogue_when_installed(tmp_path):
    (tmp_path / "catalogue.json").write_text(json.dumps({"version": "1.6", "packages": {}, "components": {}}))
    result = _run_isolated(_ISOLATED.format(db=str(TINY_DB)), tmp_path)
    assert result == {"lemmas": ["ثائر", "ثوار"], "data_imported": True}


# --- with the lexicon matcher ---------------------------------------------------------------

LEXICON = Lexicon.from_entries("tiny", [
    {"term": "ثائر", "actor": "opposition", "category": "actor_label", "stance": 0.6},
    {"term": "سلاح", "category": "weapons"},
    {"term": "ميليشيا مسلحة", "actor": "militias", "category": "actor_label", "stance": -0.5},
    {"term": "فصيل", "actor": "opposition", "category": "actor_label", "match": "exact"},
])

TEXT = ("قال أحد الثُّوّار إن الأسلحةَ وصلت. وأضاف أن ميليشيات مسلحة هاجمت المدينة، "
        "لكن والثوار صمدوا أمام الفصائل.")


def test_matcher_finds_broken_plurals_through_the_db(lemmatizer):
    assert Matcher([LEXICON]).find(TEXT) == []  # the rule-based affixes cannot get these
    hits = Matcher([LEXICON], lemmatizer=lemmatizer).find(TEXT, doc_id="d1")
    assert [(h.term, h.matched) for h in hits] == [
        ("ثائر", "الثُّوّار"),
        ("سلاح", "الأسلحةَ"),
        ("ميليشيا مسلحة", "ميليشيات مسلحة"),
        ("ثائر", "والثوار"),
    ]  # الفصائل is not a hit: فصيل is match: exact
    for h in hits:
        assert TEXT[h.start:h.end] == h.matched and h.doc_id == "d1"
        assert h.sentence_start <= h.start < h.end <= h.sentence_end
    first, second = hits[0], hits[3]
    assert (first.start, first.end) == (TEXT.index("الثُّوّار"), TEXT.index("الثُّوّار") + len("الثُّوّار"))
    assert (second.start, second.end) == (TEXT.index("والثوار"), TEXT.index("والثوار") + len("والثوار"))
    assert first.actor == "opposition" and first.stance == 0.6 and first.category == "actor_label"
    assert TEXT[hits[2].sentence_start:hits[2].sentence_end].startswith("وأضاف")


def test_matcher_prefilter_lets_lemma_matches_through(lemmatizer):
    text = "تقدمت الفصائل"
    rules = Matcher([LEXICON])
    morph = Matcher([LEXICON], lemmatizer=lemmatizer)
    assert not rules.might_match("قال الثوار")
    assert morph.might_match("قال الثوار")
    assert morph.find("قال الثوار")[0].matched == "الثوار"
    assert morph.find(text) == [] and morph.find("") == []


def test_matcher_keeps_rule_matches_and_longest_match(lemmatizer):
    lex = Lexicon.from_entries("tiny2", [
        {"term": "ثائر", "actor": "opposition", "category": "actor_label"},
        {"term": "ثائر مسلح", "actor": "opposition", "category": "armed"},
        {"term": "قوة", "category": "force"},
    ])
    text = "والثوار المسلحين، والثوار مسلحون، والثوار وقواتهم."
    hits = Matcher([lex], lemmatizer=lemmatizer).find(text)
    # the second word of a multiword entry also matches through its lemma (المسلحين → مسلح);
    # the longer entry wins where both match; قواتهم is a rule-based form of قوة
    assert [(h.term, h.matched) for h in hits] == [
        ("ثائر مسلح", "والثوار المسلحين"), ("ثائر مسلح", "والثوار مسلحون"), ("ثائر", "والثوار"), ("قوة", "وقواتهم"),
    ]
    assert Matcher([lex]).find(text)[0].matched == "وقواتهم"


def test_plain_callable_lemmatizer_and_db_lemmatizer_agree(lemmatizer):
    table = {"الثوار": ("ثائر",), "والثوار": ("ثائر",)}
    fake = Matcher([LEXICON], lemmatizer=lambda tok: table.get(tok, ()))
    real = Matcher([LEXICON], lemmatizer=lemmatizer)
    text = "قال الثوار"
    assert [(h.start, h.end, h.term) for h in fake.find(text)] == [(h.start, h.end, h.term) for h in real.find(text)]


# --- the pipeline option: framing compare --morphology-db -----------------------------------

_FRAMING_LEXICON = """\
name: tiny
kind: framing
categories:
  actor_label: Labels of actors.
actors:
  opposition: Armed opposition
entries:
  - {term: ثائر, actor: opposition, category: actor_label, stance: 0.6}
"""
_VERBS_LEXICON = "name: verbs\nkind: reporting_verbs\ncategories:\n  neutral: n\nentries:\n  - {term: قال, category: neutral}\n"
_SOURCES_LEXICON = "name: src\nkind: sources\ncategories:\n  official: o\nentries:\n  - {term: المتحدث, category: official}\n"
_DOCS = [
    {"id": "a1", "outlet": "A", "date": "2020-01-01", "title": "t", "text": "خرج الثوار إلى الشوارع. وقال أحد الثُّوّار إن المدينة صامدة."},
    {"id": "a2", "outlet": "A", "date": "2020-01-02", "title": "t", "text": "تقدم الثوار نحو المدينة."},
    {"id": "b1", "outlet": "B", "date": "2020-01-01", "title": "t", "text": "هاجم مسلحون المدينة."},
    {"id": "b2", "outlet": "B", "date": "2020-01-02", "title": "t", "text": "والثوار صامدون في المدينة."},
]


@pytest.fixture
def tiny_run(tmp_path, monkeypatch):
    """A self-contained lexicon folder (also the default one) and a four-document JSONL corpus."""
    lex = tmp_path / "lexicons"
    lex.mkdir()
    (lex / "tiny.yaml").write_text(_FRAMING_LEXICON, encoding="utf-8")
    (lex / "verbs.yaml").write_text(_VERBS_LEXICON, encoding="utf-8")
    (lex / "sources.yaml").write_text(_SOURCES_LEXICON, encoding="utf-8")
    (lex / "stopwords-ar.txt").write_text("في\nمن\n", encoding="utf-8")
    (lex / "boilerplate.txt").write_text("", encoding="utf-8")
    monkeypatch.setenv("FRAMING_LEXICONS", str(lex))
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in _DOCS), encoding="utf-8")
    return tmp_path, corpus, lex


def test_cli_missing_db_is_a_clean_error(tiny_run):
    from typer.testing import CliRunner

    from framing.cli import app

    tmp, corpus, lex = tiny_run
    missing = tmp / "nowhere" / "morphology.db"
    result = CliRunner().invoke(app, ["compare", str(corpus), "--lexicons", str(lex), "--out", str(tmp / "out"),
                                      "--morphology-db", str(missing), "--no-progress"])
    assert result.exit_code == 2, result.output
    assert str(missing) in result.output and "camel_data -i morphology-db-msa-r13" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_compare_with_morphology_db_matches_broken_plurals(tiny_run):
    import pandas as pd

    from framing.pipeline import CompareOptions, run_compare

    tmp, corpus, lex = tiny_run
    options = CompareOptions(corpus=str(corpus), out=str(tmp / "out"), lexicons=[str(lex)], attribution=False,
                             topics=False, events=False, charts=False, html=False, n_boot=20,
                             morphology_db=str(TINY_DB))
    result = run_compare(options)
    hits = pd.read_csv(result.out_dir / "hits.csv", dtype=str)
    assert list(zip(hits.doc_id, hits.matched, strict=True)) == [
        ("a1", "الثوار"), ("a1", "الثُّوّار"), ("a2", "الثوار"), ("b2", "والثوار"),
    ]
    text = {d["id"]: d["text"] for d in _DOCS}
    for row in hits.itertuples():
        assert text[row.doc_id][int(row.start):int(row.end)] == row.matched
    # without the database the rule-based matcher finds none of them
    plain = run_compare(CompareOptions(**{**options.__dict__, "out": str(tmp / "plain"), "morphology_db": None}))
    plain_hits = pd.read_csv(plain.out_dir / "hits.csv", dtype=str)
    assert len(plain_hits) == 0
