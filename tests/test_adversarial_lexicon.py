"""Hostile lexicon files and concurrent edits (issue 11): bounded YAML, bounded and fast
lexicons, edits that are never lost.

Every fixture is written here; nothing is read from the shared corpora.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framing import codebook
from framing.cli.lexicon import app
from framing.errors import ConfigError, LexiconError
from framing.lexicon import Lexicon, Matcher, editing, load_lexicon, load_lexicons, surface_forms
from framing.normalize import normalize_ar

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

HEAD = textwrap.dedent("""\
    name: adversarial
    kind: framing
    categories:
      actor_label: labels of actors
    actors:
      russia: Russia
      syrian_government: the Syrian government
""")


def bomb(levels: int = 5, width: int = 10) -> str:
    """A "billion laughs" YAML block: each level lists the previous one ``width`` times."""
    lines = ['a0: &a0 ["الاحتلال"]']
    for i in range(1, levels + 1):
        refs = ", ".join(f"*a{i - 1}" for _ in range(width))
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def one_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("framing: error: "), result.stderr
    return lines[0]


# --- 1. YAML bounds ----------------------------------------------------------------------------


def _bomb_lexicon(tmp_path: Path) -> Path:
    # the aliases sit in the description, which the loader turns into text
    body = bomb().replace("a5: &a5", "description: &a5")
    text = HEAD.replace("kind: framing\n", "kind: framing\nanchors:\n" + textwrap.indent(
        "\n".join(ln for ln in body.splitlines() if not ln.startswith("description")), "  ") + "\n")
    text += next(ln for ln in body.splitlines() if ln.startswith("description")) + "\n"
    text += "entries:\n  - {term: الاحتلال الروسي, actor: russia, category: actor_label, stance: -1.0}\n"
    return write(tmp_path / "bomb.yaml", text)


def test_alias_bomb_in_a_lexicon_is_refused_quickly_with_its_line(tmp_path):
    path = _bomb_lexicon(tmp_path)
    line = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if ln.startswith("description"))
    t0 = time.perf_counter()
    with pytest.raises(LexiconError, match="aliases expand to more than") as err:
        load_lexicon(path)
    assert time.perf_counter() - t0 < 30.0  # a hang guard: expanding the bomb would take hours and GBs
    assert f"{path}:" in str(err.value) and "FRAMING_YAML_MAX_ALIAS_NODES" in str(err.value)
    assert err.value.line is not None and err.value.line <= line


def test_alias_bomb_in_lexicon_validate_is_one_line(tmp_path):
    path = _bomb_lexicon(tmp_path)
    r = runner.invoke(app, ["validate", str(tmp_path)])
    assert r.exit_code != 0
    assert "aliases expand to more than" in r.stdout + r.stderr
    assert str(path.name) in r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr


def test_alias_bomb_in_compare_is_one_line_and_no_output(tmp_path, seeds_dir):
    folder = tmp_path / "lexicons"
    folder.mkdir()
    _bomb_lexicon(folder)
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "framing", "compare", str(seeds_dir), "--lexicons", str(folder),
                        "--no-topics", "--no-events", "--out", str(out)], capture_output=True, text=True,
                       timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "bomb.yaml:" in lines[0] and "aliases expand" in lines[0], r.stderr
    assert not out.exists()


def test_alias_bomb_in_topic_labels_is_refused(tmp_path):
    from framing.topics import read_labels

    path = write(tmp_path / "topic_labels.yaml", bomb().replace("a5: &a5", "labels: &a5") + "\n")
    with pytest.raises(ConfigError, match="aliases expand to more than") as err:
        read_labels(path)
    assert str(path) in str(err.value)


def test_small_aliases_still_work_and_the_bound_can_be_raised(tmp_path, monkeypatch):
    text = HEAD + textwrap.dedent("""\
        entries:
          - {term: قوات النظام, actor: syrian_government, category: actor_label, stance: &neg -0.6}
          - {term: جيش النظام, actor: syrian_government, category: actor_label, stance: *neg}
    """)
    lex = load_lexicon(write(tmp_path / "small.yaml", text))
    assert [e.stance for e in lex.entries] == [-0.6, -0.6]
    path = _bomb_lexicon(tmp_path)
    monkeypatch.setenv("FRAMING_YAML_MAX_ALIAS_NODES", "1000000")
    assert load_lexicon(path).entries[0].term == "الاحتلال الروسي"  # 10^5 nodes, under the raised bound


def test_recursive_alias_and_duplicate_keys_name_their_line(tmp_path):
    rec = write(tmp_path / "rec.yaml", HEAD + "loop: &x [1, *x]\nentries: []\n")
    with pytest.raises(LexiconError, match="refers to the collection that contains it") as err:
        load_lexicon(rec)
    assert err.value.line == 8
    dup = write(tmp_path / "dup.yaml", HEAD + "entries:\n  - {term: روسيا, category: actor_label, term: موسكو}\n")
    with pytest.raises(LexiconError, match="duplicate key 'term'") as err:
        load_lexicon(dup)
    assert err.value.line == 9


@pytest.mark.parametrize(("value", "expected"), [
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("2013-02-01", "2013-02-01"), ("'0.5'", "0.5"),
])
def test_scalars_follow_yaml_1_2_like_before(tmp_path, value, expected):
    """YAML 1.1 would make ``yes``/``no``/``on`` booleans and dates objects; lexicon files are 1.2."""
    text = HEAD + f"entries:\n  - {{term: الثوار, category: actor_label, note: {value}}}\n"
    assert load_lexicon(write(tmp_path / "s.yaml", text)).entries[0].note == expected


# --- 2. lexicon size ---------------------------------------------------------------------------


def _generated_entries(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    out, seen = [], set()
    while len(out) < n:
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 7)))
                 for _ in range(rng.choice((1, 1, 2, 3)))]
        if rng.random() < 0.3:
            words[0] = "ال" + words[0]
        term = " ".join(words)
        if term not in seen:
            seen.add(term)
            out.append({"term": term, "category": "actor_label", "actor": "russia", "stance": 0.0})
    return out


def test_entry_bound_is_a_clear_error_and_can_be_raised(tmp_path, monkeypatch):
    rows = "".join(f"  - {{term: {e['term']}, actor: russia, category: actor_label}}\n"
                   for e in _generated_entries(6))
    path = write(tmp_path / "big.yaml", HEAD + "entries:\n" + rows)
    monkeypatch.setenv("FRAMING_MAX_LEXICON_ENTRIES", "5")
    with pytest.raises(LexiconError, match="6 entries: more than the 5 entries") as err:
        load_lexicon(path)
    assert err.value.line == 8 and "FRAMING_MAX_LEXICON_ENTRIES" in str(err.value)
    monkeypatch.setenv("FRAMING_MAX_LEXICON_ENTRIES", "6")
    assert len(load_lexicon(path)) == 6


def test_ten_thousand_entries_compile_fast_in_little_memory():
    lex = Lexicon.from_entries("big", _generated_entries(10_000))
    t0 = time.perf_counter()
    tracemalloc.start()
    try:
        matcher = Matcher([lex])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20  # was 1.4 GB (and 11 s); the speed figure is in benchmarks/bench_lexicon_compile.py
    assert time.perf_counter() - t0 < 30.0  # a hang guard only
    some = lex.entries[123]
    text = f"قال المتحدث إن و{some.term} في البيان."
    assert [h.term for h in matcher.find(text)] == [some.term]


WORDS = ["الاحتلال", "روسيا", "النظام", "قوات", "المعارضه", "الثوار", "حلب", "الارهابيين", "مسلحون",
         "اللاجئين", "الجيش", "السوري", "سوريا", "ادلب", "بوتين", "مدنيين", "الحكومه", "مع", "في"]
PREFIXES = ["", "و", "ف", "ب", "ل", "ك", "ال", "لل", "وال", "بال", "فلل", "كال", "وب", "ول"]
SUFFIXES = ["", "ه", "ها", "هم", "ات", "ون", "ين", "ان", "ي", "يه", "يون", "يين", "تها", "تين", "تان",
            "اتهم", "و", "نا", "ته"]


@pytest.mark.slow
def test_matcher_finds_exactly_the_documented_surface_forms():
    """Every token with every affix: a one-word entry matches it iff the token is one of its
    surface forms (the rules of :func:`surface_forms`), exact entries only as written."""
    entries = [{"term": w, "category": "c", "match": "exact" if i % 5 == 0 else "affix"}
               for i, w in enumerate(WORDS)]
    matcher = Matcher([Lexicon.from_entries("forms", entries)])
    lex_words = {normalize_ar(e["term"]): e for e in entries}
    checked = 0
    for w in WORDS:
        for p in PREFIXES:
            for s in SUFFIXES:
                token = p + w + s
                expected = sorted(t for t, e in lex_words.items()
                                  if token in surface_forms((t,), e["match"])[0])
                got = sorted({normalize_ar(h.term) for h in matcher.find(token)})
                # longest match wins within a lexicon: one hit per token at most
                assert (got[0] in expected) if got else not expected, (token, got, expected)
                checked += 1
    assert checked == len(WORDS) * len(PREFIXES) * len(SUFFIXES)


def test_matching_is_unchanged_on_the_default_lexicons(lexicon_dir):
    """The rewritten index finds, on varied text, what the surface forms say — and the
    documented examples of the default lexicons."""
    matcher = Matcher(load_lexicons(lexicon_dir, kind="framing"))
    text = "وقالت مصادر إن للاحتلال الروسي وقوات النظام دورا. وبالثوار والمعارضة السورية."
    got = [(h.term, h.matched) for h in matcher.find(text)]
    assert ("الاحتلال الروسي", "للاحتلال الروسي") in got
    assert ("قوات النظام", "وقوات النظام") in got
    assert ("الثوار", "وبالثوار") in got


def test_matcher_pickles_without_its_caches():
    import pickle

    lex = Lexicon.from_entries("p", [{"term": "قوات النظام", "category": "c"}])
    m = Matcher([lex])
    assert [h.matched for h in m.find("ولقوات النظام")] == ["ولقوات النظام"]
    m2 = pickle.loads(pickle.dumps(m))
    assert not m2._seen and [h.matched for h in m2.find("بقوات النظام")] == ["بقوات النظام"]


# --- 3. lost edits -----------------------------------------------------------------------------

EDIT_HEAD = HEAD + "entries:\n  - {term: روسيا, actor: russia, category: actor_label}  # the state\n"

_ADDER = """
import sys
from framing.codebook import add_entry
path, tag = sys.argv[1], sys.argv[2]
for i in range(12):
    word = "".join("ابتثجحخدذرزسش"[int(d)] for d in f"{tag}{i:02d}")
    add_entry(path, "قوات " + word, category="actor_label", actor="russia", backup=False)
"""


def test_two_processes_adding_to_one_file_both_land(tmp_path):
    path = write(tmp_path / "shared.yaml", EDIT_HEAD)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _ADDER, str(path), tag], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for tag in ("1", "2")]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    lex = load_lexicon(path)
    assert len(lex.entries) == 1 + 2 * 12
    assert "# the state" in path.read_text(encoding="utf-8")


def test_an_edit_waiting_too_long_for_the_lock_fails_clearly(tmp_path, monkeypatch):
    path = write(tmp_path / "busy.yaml", EDIT_HEAD)
    monkeypatch.setattr(editing, "LOCK_TIMEOUT", 0.2)
    # another edit holds the file's folder
    with codebook.edit_lock(path), pytest.raises(LexiconError, match="another edit of a lexicon in this folder"):
        codebook.add_entry(path, "الكرملين", category="actor_label", actor="russia")
    assert "الكرملين" not in path.read_text(encoding="utf-8")
    codebook.add_entry(path, "الكرملين", category="actor_label", actor="russia")  # free again
    assert "الكرملين" in path.read_text(encoding="utf-8")


def test_editing_a_symlinked_lexicon_edits_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "shared" / "russia.yaml"
    real.parent.mkdir()
    write(real, EDIT_HEAD)
    folder = tmp_path / "mine"
    folder.mkdir()
    link = folder / "russia.yaml"
    link.symlink_to(real)
    codebook.add_entry("russia", "الكرملين", category="actor_label", actor="russia", lexicons=folder)
    codebook.set_entry(link, "روسيا", stance=-0.2)
    codebook.remove_entry(link, "الكرملين")
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert "stance: -0.2}  # the state" in real.read_text(encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir()) == ["russia.yaml"]  # the backup sits by the target


def test_set_keeps_trailing_comments_of_flow_and_block_entries(tmp_path):
    text = HEAD + textwrap.dedent("""\
        entries:
          - {term: روسيا, actor: russia, category: actor_label, stance: 0}  # the state {neutral}
          - {term: الكرملين, actor: russia, category: actor_label, note: "seat #1"}   # seat of power
          - term: بوتين  # the president
            actor: russia  # who
            category: actor_label
            stance: 0  # neutral by default
          - {term: موسكو, actor: russia,
             category: actor_label}  # two lines
    """)
    path = write(tmp_path / "c.yaml", text)
    for term in ("روسيا", "الكرملين", "بوتين", "موسكو"):
        codebook.set_entry(path, term, stance=-0.5)
    out = path.read_text(encoding="utf-8")
    assert "stance: -0.5}  # the state {neutral}\n" in out
    assert 'note: "seat #1", stance: -0.5}   # seat of power\n' in out
    assert "- term: بوتين  # the president\n    actor: russia  # who\n" in out
    assert "stance: -0.5  # neutral by default\n" in out
    assert "category: actor_label, stance: -0.5}  # two lines\n" in out
    assert [e.stance for e in load_lexicon(path).entries] == [-0.5] * 4


def test_lexicon_new_without_folder_writes_to_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FRAMING_LEXICONS", raising=False)
    from framing.lexicon import default_lexicon_dir

    before = sorted(p.name for p in default_lexicon_dir().iterdir())
    r = runner.invoke(app, ["new", "egypt-test"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "lexicons" / "egypt-test.yaml").is_file()
    assert sorted(p.name for p in default_lexicon_dir().iterdir()) == before
    # and the next commands find it there without -l
    r = runner.invoke(app, ["add", "egypt-test", "الإخوان", "--category", "actor_label", "--actor", "brotherhood",
                            "--new-actor", "the Muslim Brotherhood"])
    assert r.exit_code == 0, r.output
    assert [e.term for e in load_lexicon(tmp_path / "lexicons" / "egypt-test.yaml").entries] == ["الإخوان"]
    r = runner.invoke(app, ["new", "egypt-test"])
    assert "already exists" in one_line(r)


def test_a_fifo_named_like_a_lexicon_is_refused_not_waited_on(tmp_path):
    folder = tmp_path / "lexicons"
    folder.mkdir()
    write(folder / "ok.yaml", EDIT_HEAD)
    os.mkfifo(folder / "pipe.yaml")
    os.mkfifo(tmp_path / "stop.txt")
    t0 = time.perf_counter()
    with pytest.raises(LexiconError, match="not a regular file") as err:
        load_lexicons(folder)
    assert "pipe.yaml" in str(err.value)
    from framing.lexicon import load_stopwords

    with pytest.raises(LexiconError, match="not a regular file"):
        load_stopwords(tmp_path / "stop.txt")
    r = runner.invoke(app, ["validate", str(folder)])
    assert r.exit_code != 0 and "pipe.yaml" in r.stdout + r.stderr and "not a regular file" in r.stdout + r.stderr
    # editing another lexicon of the folder by name looks at every file's name: not at the FIFO's
    r = runner.invoke(app, ["add", "adversarial", "الكرملين", "--category", "actor_label", "-l", str(folder)])
    assert r.exit_code == 0, r.output
    assert time.perf_counter() - t0 < 10
