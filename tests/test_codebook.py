"""The codebook workflow: surgical edits, validation, kwic/test/suggest on a corpus, exchange formats."""

import difflib
import os
import random
import shutil
import stat
from pathlib import Path

import pytest

from framing.codebook import (
    add_entry,
    backup_path,
    entry_stats,
    export_lexicon,
    import_entries,
    kwic,
    lexicon_table,
    new_lexicon,
    remove_entry,
    resolve_lexicon,
    set_entry,
    show_lexicon,
    suggest_terms,
    validate,
)
from framing.errors import ConfigError, LexiconError
from framing.lexicon import Lexicon, editing, explore, load_lexicon

FIELDS = {"outlet_field": "source", "date_field": "crawl_time"}


@pytest.fixture
def cb(data_dir) -> Path:
    return data_dir / "codebook"


@pytest.fixture
def lex(tmp_path, cb) -> Path:
    """A writable copy of the hand-edited, commented lexicon."""
    folder = tmp_path / "lexicons"
    folder.mkdir()
    shutil.copy(cb / "commented.yaml", folder / "commented.yaml")
    return folder / "commented.yaml"


@pytest.fixture
def corpus(cb) -> Path:
    return cb / "corpus.jsonl"


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


# --- surgical edits ------------------------------------------------------------------------------


def test_add_goes_after_the_same_actor_and_changes_nothing_else(lex):
    before = lines_of(lex)
    r = add_entry(lex, "المتظاهرين السلميين", category="actor_label", actor="protesters", stance=0.6,
                  note="peaceful protesters")
    after = lines_of(lex)
    new_line = "  - {term: المتظاهرين السلميين, actor: protesters, category: actor_label, stance: 0.6, note: peaceful protesters}\n"
    # after البلطجية (line 32, the last protesters entry), before the police comment
    assert after == [*before[:32], new_line, *before[32:]]
    assert r.action == "added" and r.line == 33
    assert load_lexicon(lex).find("المتظاهرين السلميين")[0].line == 33


def test_a_sequence_of_edits_keeps_every_other_byte(lex):
    """add, set (trailing comment kept), add with a new actor, merge, set on a block entry, remove."""
    original = lex.read_text(encoding="utf-8")
    add_entry(lex, "الشرطة", category="actor_label", actor="police", stance=0.0)
    set_entry(lex, "البلطجيه", stance=-1.0)  # normalized lookup; '# thugs' survives
    add_entry(lex, "جبهة الإنقاذ", category="actor_label", actor="opposition", stance=0.3,
              new_actor="The National Salvation Front and other opposition parties.")
    add_entry(lex, "الشرطة", category="actor_label", note="institutional name", merge=True)
    set_entry(lex, "الجماعة", stance=-0.3)
    remove_entry(lex, "التمكين")
    expected = (original
                .replace("  police:   The police and security forces.\n",
                         "  police:   The police and security forces.\n"
                         "  opposition: The National Salvation Front and other opposition parties.\n")
                .replace("  - {term: البلطجية, actor: protesters,   category: actor_label, stance: -0.9}  # thugs\n",
                         "  - {term: البلطجية, actor: protesters, category: actor_label, stance: -1.0}  # thugs\n")
                .replace("  - {term: قوات الأمن, actor: police, category: actor_label, stance: 0}\n",
                         "  - {term: قوات الأمن, actor: police, category: actor_label, stance: 0}\n"
                         "  - {term: الشرطة, actor: police, category: actor_label, stance: 0.0, "
                         "note: institutional name}\n")
                .replace("    stance: -0.2\n", "    stance: -0.3\n")
                .replace("  - {term: التمكين, category: loaded, stance: -0.5}\n", "")
                .replace("# end of file comment\n",
                         "  - {term: جبهة الإنقاذ, actor: opposition, category: actor_label, stance: 0.3}\n"
                         "# end of file comment\n"))
    assert lex.read_text(encoding="utf-8") == expected
    assert validate(lex) == []


def _edited_lines(before: list[str], after: list[str]) -> list[tuple[str, list[str], list[str]]]:
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    return [(tag, before[i1:i2], after[j1:j2]) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


@pytest.mark.parametrize("seed", range(6))
def test_random_edit_sequences_touch_only_the_edited_entries(lex, seed):
    rng = random.Random(seed)
    words = ["الثوار", "البلطجية", "قوات الأمن", "المخربين", "الإخوان", "الداخلية", "الأمن المركزي",
             "المعارضة", "جبهة الإنقاذ", "الشرطة"]
    for _ in range(12):
        before = lines_of(lex)
        present = [e.term for e in load_lexicon(lex).entries]
        op = rng.choice(["add", "set", "remove"])
        term = rng.choice(words)
        try:
            if op == "add":
                add_entry(lex, term, category="actor_label", actor=rng.choice(["police", "protesters"]),
                          stance=round(rng.uniform(-1, 1), 1))
                changed_terms = [term]
            elif op == "set":
                target = rng.choice(present)
                set_entry(lex, target, stance=round(rng.uniform(-1, 1), 1), note=rng.choice([None, "x y", ""]))
                changed_terms = [target]
            else:
                target = rng.choice(present)
                remove_entry(lex, target)
                changed_terms = [target]
        except LexiconError as exc:  # a duplicate add is refused and leaves the file alone
            assert "already at line" in str(exc)
            assert lines_of(lex) == before
            continue
        after = lines_of(lex)
        for _tag, old, new in _edited_lines(before, after):
            # every removed or rewritten line belongs to an edited entry (one line or a block entry)...
            for line in old:
                assert any(t in line for t in changed_terms) or line.startswith("    "), (op, line)
            # ...and every new line is an entry of an edited term
            for line in new:
                assert any(t in line for t in changed_terms) or line.startswith("    "), (op, line)
        assert "# end of file comment\n" in after and "# ---- police" in "".join(after)


def test_crlf_and_bom_survive(tmp_path, cb):
    text = (cb / "commented.yaml").read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "crlf.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    add_entry(path, "الشرطة", category="actor_label", actor="police")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.decode("utf-8-sig").replace("  - {term: الشرطة, actor: police, category: actor_label}\r\n", "") \
        == text


def test_block_entries_stay_block_and_trailing_comments_stay(lex):
    set_entry(lex, "الجماعة", note="", stance=-0.25)
    text = lex.read_text(encoding="utf-8")
    assert "  - term: الجماعة\n    actor: brotherhood\n    category: actor_label\n    stance: -0.25\n\n" in text
    set_entry(lex, "ميليشيات الإخوان", stance=-0.9)
    assert ('  - {term: "ميليشيات الإخوان", actor: brotherhood, category: actor_label, stance: -0.9, '
            'note: "militia frame: delegitimizing"}   # opposition outlets\n') not in text  # sanity
    assert ('  - {term: ميليشيات الإخوان, actor: brotherhood, category: actor_label, stance: -0.9, '
            'note: "militia frame: delegitimizing"}   # opposition outlets\n') in lex.read_text(encoding="utf-8")


def test_rename_and_unset_actor(lex):
    set_entry(lex, "التمكين", new_term="أخونة الدولة", actor="brotherhood")
    e = load_lexicon(lex).find("اخونه الدوله")[0]
    assert e.actor == "brotherhood" and e.stance == -0.5
    set_entry(lex, "أخونة الدولة", actor="")
    assert load_lexicon(lex).find("أخونة الدولة")[0].actor is None
    with pytest.raises(LexiconError, match="already at line 31"):
        set_entry(lex, "أخونة الدولة", new_term="الثوار")


def test_quoting_of_awkward_values(lex):
    add_entry(lex, "الثوار الأحرار", category="actor_label", actor="protesters",
              note='quote: "free" revolutionaries #1, [sic]')
    e = load_lexicon(lex).find("الثوار الأحرار")[0]
    assert e.note == 'quote: "free" revolutionaries #1, [sic]'
    add_entry(lex, "نعم", category="loaded", note="yes")  # a YAML 1.1 boolean word stays a string
    assert load_lexicon(lex).find("نعم")[0].note == "yes"


def test_first_entry_into_an_empty_lexicon(tmp_path):
    path = new_lexicon("fresh", directory=tmp_path, description="Fresh lexicon")
    template = path.read_text(encoding="utf-8")
    add_entry(path, "الشرطة", category="actor_label", actor="police", new_actor="Police.")
    text = path.read_text(encoding="utf-8")
    assert text.endswith("entries:\n  - {term: الشرطة, actor: police, category: actor_label}\n")
    assert "actors:\n  police: Police.\n" in text
    # only two lines were added
    assert len(text.splitlines()) == len(template.splitlines()) + 2
    path2 = tmp_path / "flow.yaml"
    path2.write_text("name: flow\nkind: framing\ncategories: {}\nactors: {}\nentries: []  # none yet\n",
                     encoding="utf-8")
    add_entry(path2, "الجيش", category="actor_label", new_category="Labels.")
    assert path2.read_text(encoding="utf-8") == (
        "name: flow\nkind: framing\ncategories:\n  actor_label: Labels.\nactors: {}\nentries:  # none yet\n"
        "  - {term: الجيش, category: actor_label}\n")


# --- refusals: duplicates, unknown ids, stance, files ----------------------------------------------


def test_duplicate_after_normalization_is_refused_with_its_line(lex):
    before = lex.read_bytes()
    with pytest.raises(LexiconError) as err:
        add_entry(lex, "البلطجيّه", category="actor_label", actor="protesters")
    msg = str(err.value)
    assert "'البلطجيّه' is already at line 32 as 'البلطجية' (actor protesters, category actor_label, stance -0.9)" in msg
    assert "framing lexicon set" in msg and "--merge" in msg
    assert lex.read_bytes() == before
    assert not backup_path(lex).exists()


def test_merge_fills_missing_fields_and_appends_the_note(lex):
    r = add_entry(lex, "قوات الامن", category="actor_label", note="security forces", merge=True)
    assert r.action == "merged" and r.line == 34
    e = load_lexicon(lex).find("قوات الأمن")[0]
    assert e.note == "security forces" and e.stance == 0.0
    add_entry(lex, "قوات الأمن", category="actor_label", note="neutral", merge=True)
    assert load_lexicon(lex).find("قوات الأمن")[0].note == "security forces; neutral"
    assert add_entry(lex, "قوات الأمن", category="actor_label", note="neutral", merge=True).action == "unchanged"
    with pytest.raises(LexiconError, match=r"cannot merge.*stance is 0, not -0\.5"):
        add_entry(lex, "قوات الأمن", category="actor_label", stance=-0.5, merge=True)
    with pytest.raises(LexiconError, match="actor is 'police', not 'protesters'"):
        add_entry(lex, "قوات الأمن", category="actor_label", actor="protesters", merge=True)


def test_unknown_category_and_actor(lex):
    with pytest.raises(LexiconError, match=r"unknown category 'insult' \(declared: actor_label, loaded\).*"
                                           "--new-category"):
        add_entry(lex, "الخرفان", category="insult", actor="brotherhood")
    with pytest.raises(LexiconError, match=r"unknown actor 'army'.*--new-actor"):
        add_entry(lex, "الجيش", category="actor_label", actor="army")
    add_entry(lex, "الخرفان", category="insult", actor="brotherhood", stance=-1.0,
              new_category="Insults used for an actor.")
    lx = load_lexicon(lex)
    assert lx.categories["insult"] == "Insults used for an actor."
    assert lx.find("الخرفان")[0].category == "insult"
    with pytest.raises(LexiconError, match="not a simple identifier"):
        add_entry(lex, "الجيش", category="actor_label", actor="the army", new_actor="Army")


@pytest.mark.parametrize("stance", [1.5, -1.01])
def test_stance_out_of_range_is_refused(lex, stance):
    before = lex.read_bytes()
    with pytest.raises(LexiconError, match=r"outside \[-1, 1\]"):
        add_entry(lex, "الجيش", category="actor_label", stance=stance)
    with pytest.raises(LexiconError, match=r"outside \[-1, 1\]"):
        set_entry(lex, "الثوار", stance=stance)
    assert lex.read_bytes() == before


def test_unmatchable_term_and_unknown_entry(lex):
    with pytest.raises(LexiconError, match="can never match"):
        add_entry(lex, "الثوار، الأحرار", category="actor_label")
    with pytest.raises(LexiconError, match="did you mean 'الثوار'"):
        remove_entry(lex, "الثوا")
    with pytest.raises(LexiconError, match="not an entry"):
        set_entry(lex, "غير موجود", stance=0.1)


def test_missing_file_and_unknown_name(tmp_path, lex):
    with pytest.raises(LexiconError, match="lexicon file not found"):
        add_entry(tmp_path / "nope.yaml", "الشرطة", category="actor_label")
    with pytest.raises(LexiconError, match=r"no lexicon named 'nope'.*known: commented"):
        resolve_lexicon("nope", lex.parent)
    assert resolve_lexicon("commented", lex.parent) == lex
    with pytest.raises(LexiconError, match=r"lexicons are YAML files \(.yaml or .yml\), not .toml"):
        resolve_lexicon(tmp_path / "codebook.toml")


def test_lookup_by_name_field(tmp_path, cb):
    shutil.copy(cb / "commented.yaml", tmp_path / "file-stem.yaml")
    assert resolve_lexicon("commented", tmp_path) == tmp_path / "file-stem.yaml"


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_read_only_file_is_refused_even_for_root(lex):
    lex.chmod(0o444)
    try:
        before = lex.read_bytes()
        with pytest.raises(LexiconError, match=r"read-only.*chmod u\+w"):
            add_entry(lex, "الشرطة", category="actor_label")
        with pytest.raises(LexiconError, match="read-only"):
            remove_entry(lex, "الثوار")
        assert lex.read_bytes() == before
        assert stat.S_IMODE(lex.stat().st_mode) == 0o444
    finally:
        lex.chmod(0o644)


def test_bad_yaml_is_refused_with_its_line(tmp_path, cb):
    path = tmp_path / "bad.yaml"
    shutil.copy(cb / "bad-syntax.yaml", path)
    with pytest.raises(LexiconError, match=r"bad.yaml:7: invalid YAML"):
        add_entry(path, "الشرطة", category="actor_label")


def test_edit_of_an_already_invalid_file_says_so(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("name: x\ncategories:\n  a: A\nentries:\n  - {term: الشرطة, category: b}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"already has a problem \(unknown category 'b'.*line 5"):
        add_entry(path, "الجيش", category="a")


# --- atomic writes and backups ---------------------------------------------------------------------


def test_interrupted_write_leaves_the_old_file(lex, monkeypatch):
    before = lex.read_bytes()
    real_replace = os.replace

    def boom(src, dst):
        if Path(dst) == lex:
            raise KeyboardInterrupt  # interrupted between writing the temp file and renaming it
        return real_replace(src, dst)

    monkeypatch.setattr(editing.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        add_entry(lex, "الشرطة", category="actor_label", actor="police")
    assert lex.read_bytes() == before
    leftovers = [p.name for p in lex.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_backup_keeps_the_previous_version_and_mode(lex):
    lex.chmod(0o640)
    before = lex.read_bytes()
    r = add_entry(lex, "الشرطة", category="actor_label", actor="police")
    assert r.backup == lex.parent / ".commented.yaml.bak"
    assert r.backup.read_bytes() == before
    assert stat.S_IMODE(lex.stat().st_mode) == 0o640
    # backups are not lexicons: the folder still loads as one lexicon
    assert list(lexicon_table(lex.parent)["name"]) == ["commented"]


# --- warnings on add -----------------------------------------------------------------------------


def test_add_warns_about_shadowing_and_other_lexicons(lex, cb):
    shutil.copy(cb / "other.yaml", lex.parent / "other.yaml")
    r = add_entry(lex, "الإخوان", category="actor_label", actor="brotherhood")
    assert any("inside the longer entry 'ميليشيات الإخوان'" in w for w in r.warnings)
    r = add_entry(lex, "الشرطة", category="actor_label", actor="police")
    assert any("also in lexicon other" in w for w in r.warnings)


# --- new, list, show ----------------------------------------------------------------------------


def test_new_lexicon_from_template(tmp_path):
    path = new_lexicon("egypt-2013", directory=tmp_path / "mine", description="Egypt: labels, 2013")
    lx = load_lexicon(path)
    assert (lx.name, lx.kind, lx.language, lx.version) == ("egypt-2013", "framing", "ar", "0.1.0")
    assert lx.description == "Egypt: labels, 2013" and len(lx) == 0
    assert "framing lexicon kwic" in path.read_text(encoding="utf-8")  # the template's comments
    assert validate(path) == []
    with pytest.raises(LexiconError, match="already exists"):
        new_lexicon("egypt-2013", directory=tmp_path / "mine")
    with pytest.raises(LexiconError, match="not usable as a file name"):
        new_lexicon("../evil", directory=tmp_path)
    with pytest.raises(LexiconError, match="unknown kind"):
        new_lexicon("x", directory=tmp_path, kind="frames")


def test_show_counts_and_filters(lex):
    shown = show_lexicon("commented", lexicons=lex.parent, actor="brotherhood")
    assert list(shown.entries["term"]) == ["جماعة الإخوان المسلمين", "ميليشيات الإخوان", "الجماعة"]
    counts = shown.counts.set_index(["group", "id"])
    assert counts.loc[("actor", "brotherhood"), "entries"] == 3
    assert counts.loc[("actor", "police"), "entries"] == 0  # filtered out
    everything = show_lexicon(lex).counts.set_index(["group", "id"])
    assert everything.loc[("category", "actor_label"), "entries"] == 6
    assert everything.loc[("actor", "-"), "entries"] == 1
    assert everything.loc[("actor", "protesters"), "mean_stance"] == pytest.approx(-0.05)
    assert list(show_lexicon(lex, term="الاخوان").entries["line"]) == [21, 22]
    assert list(show_lexicon(lex, actor="-").entries["term"]) == ["التمكين"]
    with pytest.raises(LexiconError, match="unknown actor 'army'"):
        show_lexicon(lex, actor="army")


# --- validate -----------------------------------------------------------------------------------


def test_validate_collects_every_problem_with_its_line(cb):
    issues = validate([cb / "invalid.yaml", cb / "other.yaml", cb / "bad-syntax.yaml"])
    got = {(Path(i.path).name, i.line, i.severity, i.code) for i in issues}
    assert got == {
        ("bad-syntax.yaml", 7, "error", "yaml"),
        ("invalid.yaml", 1, "warning", "metadata"),  # no version, no description
        ("invalid.yaml", 5, "warning", "unknown-key"),
        ("invalid.yaml", 13, "warning", "shadowed"),  # النظام inside قوات النظام
        ("invalid.yaml", 15, "error", "duplicate"),  # الارهابيين = الإرهابيين
        ("invalid.yaml", 16, "error", "unknown-category"),
        ("invalid.yaml", 17, "error", "unknown-actor"),
        ("invalid.yaml", 18, "error", "stance"),  # -1.5
        ("invalid.yaml", 19, "error", "stance"),  # 'high'
        ("invalid.yaml", 20, "error", "unmatchable"),
        ("invalid.yaml", 21, "error", "schema"),  # no term
        ("invalid.yaml", 23, "error", "collision"),  # ثوار (0.5) shares every form of الثوار (0.8)
        ("invalid.yaml", 24, "error", "schema"),  # unknown field colour
        ("other.yaml", 11, "warning", "cross-duplicate"),
    }
    dup = next(i for i in issues if i.code == "duplicate")
    assert dup.format().endswith("invalid.yaml:15: error: 'الارهابيين' duplicates 'الإرهابيين' at line 14 "
                                 "('الارهابيين' after normalization) — remove one of them or merge their notes")
    assert "did you mean 'actor_label'?" in next(i for i in issues if i.code == "unknown-category").hint
    assert "did you mean 'description'?" in next(i for i in issues if i.code == "unknown-key").hint


def test_validate_missing_file_name_clash_and_encoding(tmp_path, cb):
    shutil.copy(cb / "other.yaml", tmp_path / "a.yaml")
    shutil.copy(cb / "other.yaml", tmp_path / "b.yaml")
    (tmp_path / "c.yaml").write_bytes("name: c\n# \xe9\n".encode("latin-1"))
    issues = validate([tmp_path, tmp_path / "gone.yaml"])
    codes = {(Path(i.path).name, i.code) for i in issues if i.severity == "error"}
    assert codes == {("b.yaml", "name-clash"), ("c.yaml", "encoding"), ("gone.yaml", "missing-file")}


def test_validate_the_shipped_example(data_dir):
    example = data_dir.parent.parent / "docs" / "examples" / "egypt-2013.yaml"
    assert example.exists(), example
    assert [i for i in validate(example) if i.severity == "error"] == []


# --- kwic, test, suggest ------------------------------------------------------------------------------


def test_kwic_matches_as_scoring_does(corpus):
    rows = kwic("المتظاهرين", corpus, **FIELDS)
    assert set(rows["match"]) == {"المتظاهرين", "للمتظاهرين"}
    assert rows.attrs["hits"] == len(rows) == 5
    assert rows.attrs["per_outlet"] == {"watan": 4, "ahram": 1}
    r = rows[rows["doc_id"] == "ahram-3"].iloc[0]
    assert (r.outlet, r.match, r.left) == ("ahram", "للمتظاهرين", "شهد ميدان التحرير تجمعا")
    assert r.right.startswith("، وانتشرت قوات الأمن")
    # offsets index the document text
    from framing.corpus import read_documents

    docs = {d.doc_id: d for d in read_documents(corpus, **FIELDS)}
    for row in rows.itertuples():
        assert docs[row.doc_id].text[row.start:row.end] == row.match


def test_kwic_skips_boilerplate_and_reports_longer_entries(corpus, cb):
    rows = kwic("الشرطة", corpus, **FIELDS)
    # "اقرأ أيضا: أخبار الشرطة" repeats in three watan documents: it is boilerplate, not text
    assert "watan" not in set(rows["outlet"])
    assert rows.attrs["documents"] == 3  # and "سيارة شرطة" (indefinite) is not "الشرطة"
    lexicon = Lexicon.from_entries("l", [{"term": "جماعة الإخوان المسلمين", "category": "c"}])
    rows = kwic("الإخوان", corpus, lexicons=[lexicon], **FIELDS)
    inside = rows[rows["covered_by"] != ""]
    assert set(inside["doc_id"]) == {"fjp-2", "fjp-3"}
    assert set(inside["covered_by"]) == {"l:جماعة الإخوان المسلمين"}
    assert (rows["covered_by"] == "").sum() == len(rows) - 2
    # as long, but starting earlier: "قوات الأمن" wins in "قوات الأمن المركزي"
    lexicon = Lexicon.from_entries("l", [{"term": "قوات الأمن", "category": "c"}])
    rows = kwic("الأمن المركزي", corpus, lexicons=[lexicon], **FIELDS)
    assert list(rows["covered_by"]) == ["l:قوات الأمن"]
    rows = kwic("قوات الأمن", corpus, lexicons=[Lexicon.from_entries("m", [{"term": "الأمن المركزي",
                                                                            "category": "c"}])], **FIELDS)
    assert set(rows["covered_by"]) == {""}


def test_kwic_exact_and_sample(corpus):
    assert kwic("متظاهرين", corpus, match="exact", **FIELDS).empty
    full = kwic("الثوار", corpus, **FIELDS)
    a = kwic("الثوار", corpus, sample=2, seed=1, **FIELDS)
    b = kwic("الثوار", corpus, sample=2, seed=1, **FIELDS)
    assert len(a) == 2 and a.equals(b) and a.attrs["hits"] == len(full) == 4
    assert set(a["doc_id"]) <= set(full["doc_id"])
    with pytest.raises(LexiconError, match="can never match"):
        kwic("؟؟", corpus, **FIELDS)


def test_entry_stats_finds_dead_and_broad_entries(corpus, lex):
    stats = entry_stats(corpus, lex.parent, broad=0.3, **FIELDS).set_index("term")
    assert stats.attrs["documents"] == 14
    assert stats.loc["التمكين", "hits"] == 1 and stats.loc["التمكين", "status"] == "ok"
    assert stats.loc["قوات الأمن", "status"] == "broad"  # 6 of 14 documents
    assert stats.loc["قوات الأمن", "outlets"] == 3
    assert stats.loc["ميليشيات الإخوان", "hits:watan"] == 3 and stats.loc["ميليشيات الإخوان", "hits:fjp"] == 0
    assert stats.loc["الثوار", "top_forms"] == "الثوار (4)"
    # جماعة الإخوان المسلمين wins over الجماعة inside it, as in scoring
    assert stats.loc["جماعة الإخوان المسلمين", "hits"] == 2
    assert stats.loc["الجماعة", "hits"] == 1  # only watan-4's "الجماعة"
    assert set(stats[stats["status"] == "dead"].index) == set()
    stats = entry_stats(corpus, [Lexicon.from_entries("d", [{"term": "الدبابات", "category": "c"}])], **FIELDS)
    assert list(stats["status"]) == ["dead"]


def test_suggest_by_outlet(corpus, cb, lex):
    frame = suggest_terms(corpus, lex.parent, by=("outlet",), min_count=2, top_n=10, z_min=0.0,
                          stopwords=cb / "stopwords.txt", into="commented", **FIELDS)
    assert set(frame["source"]) == {"outlet"}
    watan = frame[frame["group"] == "watan"]
    assert "جبهه الانقاذ" in set(watan["term"])
    row = watan[watan["term"] == "جبهه الانقاذ"].iloc[0]
    assert row["count"] == 3 and row["per_outlet"] == "watan:3"
    assert row["example_outlet"] == "watan" and "[جبهة الإنقاذ]" in row["example"]
    assert row["command"] == ("framing lexicon add commented 'جبهة الإنقاذ' --actor <actor> --category <category> "
                              "--stance <-1..1>")
    # already in the lexicon (also through a clitic form) → never suggested
    for known in ("ميليشيات الاخوان", "الثوار", "البلطجيه", "قوات الامن"):
        assert known not in set(frame["term"])
    fjp = frame[frame["group"] == "fjp"]
    assert "الرئيس المنتخب" in set(fjp["term"])
    # a phrase around an entry says which entry it contains
    contains = frame[frame["contains_entry"] != ""]
    assert all(c.startswith("commented:") for c in contains["contains_entry"])


def test_suggest_excludes_clitic_forms_of_entries(corpus, cb, tmp_path):
    path = new_lexicon("t", directory=tmp_path)
    add_entry(path, "المتظاهرين", category="actor_label")
    frame = suggest_terms(corpus, tmp_path, by=("outlet",), min_count=1, top_n=100, z_min=-99,
                          stopwords=cb / "stopwords.txt", examples=False, **FIELDS)
    terms = set(frame["term"])
    assert "للمتظاهرين" not in terms and "المتظاهرين" not in terms
    assert "المتظاهرين السلميين" in terms  # longer phrase: kept, and marked
    assert frame.set_index("term").loc["المتظاهرين السلميين", "contains_entry"] == "t:المتظاهرين"


def test_suggest_by_actor(corpus, cb, lex):
    frame = suggest_terms(corpus, lex.parent, by=("actor",), actors=["police"], min_count=2, z_min=0.0,
                          stopwords=cb / "stopwords.txt", **FIELDS)
    assert set(frame["group"]) == {"police"} and len(frame)
    terms = set(frame["term"])
    # in 2 of the 5 sentences with قوات الأمن, and in no other sentence but one
    assert "المتظاهرين السلميين" in terms
    row = frame.set_index("term").loc["المتظاهرين السلميين"]
    assert (row["count"], row["count_rest"], row["per_outlet"]) == (2, 1, "watan:3")
    # the actor's own words are not its context
    assert not terms & {"قوات", "الامن", "قوات الامن"}
    assert all(c.split(" --category ")[1].startswith("actor_label") for c in frame["command"])
    assert all("--actor police" in c for c in frame["command"])
    with pytest.raises(LexiconError, match="no entries for actor"):
        suggest_terms(corpus, lex.parent, by=("actor",), actors=["army"], stopwords=cb / "stopwords.txt",
                      **FIELDS)
    with pytest.raises(ConfigError, match="unknown suggestion source"):
        suggest_terms(corpus, lex.parent, by=("topic",), stopwords=cb / "stopwords.txt", **FIELDS)


def test_bounded_counts_prune_rare_terms_first():
    c = explore._Counts(max_terms=10)
    for i in range(20):
        c["a"].update({f"rare{i}": 1, "common": 1})
        c["b"].update({f"other{i}": 1, "common": 1})
        c.maybe_prune()
    assert c.size() <= 10
    assert c.counters["a"]["common"] >= 10 and c.counters["b"]["common"] >= 10
    assert c.floor >= 1


def test_grams_respect_stop_words_and_non_arabic():
    grams = explore._grams(["قال", "وزير", "الداخلية", "في", "2013", "ان", "الشرطه"], frozenset({"في", "ان"}), 3)
    assert {"وزير الداخليه", "قال وزير الداخليه", "الشرطه"} - grams == {"وزير الداخليه", "قال وزير الداخليه"}
    assert {"قال وزير الداخلية", "وزير الداخلية", "الشرطه"} <= grams
    assert not any(g.startswith("في") or g.endswith("في") or "2013" in g for g in grams)
    assert "الداخلية في" not in grams and "الداخلية في 2013" not in grams


# --- import / export ------------------------------------------------------------------------------


def test_csv_round_trip(tmp_path, lex):
    csv_path = tmp_path / "codebook.csv"
    text = export_lexicon(lex, csv_path)
    assert text.splitlines()[0] == "term,actor,category,stance,note"
    assert "ميليشيات الإخوان,brotherhood,actor_label,-1.0,militia frame: delegitimizing" in text
    r = import_entries(csv_path, "copy", lexicons=tmp_path)
    assert r.created and r.added == 7 and r.path == tmp_path / "copy.yaml"
    assert export_lexicon(r.path, format="csv") == text
    again = import_entries(csv_path, "copy", lexicons=tmp_path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 7)


def test_csv_from_excel_with_bom_and_semicolons(tmp_path, lex):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffTerm;Actor;Category;Stance;Note\nالأمن المركزي;police;actor_label;0,1;riot police\n"
                     "\n".encode())
    before = lines_of(lex)
    r = import_entries(path, lex)
    assert (r.created, r.added) == (False, 1)
    after = lines_of(lex)
    assert [line for _, old, new in _edited_lines(before, after) for line in old] == []
    assert load_lexicon(lex).find("الأمن المركزي")[0].stance == pytest.approx(0.1)


def test_csv_import_conflicts_update_and_declare(tmp_path, lex):
    path = tmp_path / "edit.csv"
    path.write_text("term,actor,category,stance,note\nالثوار,protesters,actor_label,0.5,\n"
                    "الجيش,army,actor_label,0.2,new actor\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"actors \['army'\] are not declared.*--declare"):
        import_entries(path, lex)
    with pytest.raises(LexiconError, match=r"1 row\(s\) conflict.*line 2: 'الثوار' differs.*--update"):
        import_entries(path, lex, declare=True)
    r = import_entries(path, lex, declare=True, update=True)
    assert (r.added, r.updated, r.declared) == (1, 1, ("actor army",))
    lx = load_lexicon(lex)
    assert lx.find("الثوار")[0].stance == 0.5 and lx.find("الجيش")[0].actor == "army"
    bad = tmp_path / "bad.csv"
    bad.write_text("term,category,stance\nالجيش,actor_label,high\nالجيش,actor_label,0.1\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="line 2: stance 'high' is not a number"):
        import_entries(bad, lex)
    bad.write_text("term,kategorie\nالجيش,actor_label\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="no 'category' column"):
        import_entries(bad, lex)


def test_liwc_round_trip_and_what_is_lost(tmp_path, lex):
    dic = tmp_path / "egypt.dic"
    text = export_lexicon(lex, dic)
    lines = text.splitlines()
    assert lines[:9] == ["%", "1\tactor_label", "2\tloaded", "3\tactor:brotherhood", "4\tactor:protesters",
                         "5\tactor:police", "%", "جماعة الإخوان المسلمين*\t1\t3", "ميليشيات الإخوان*\t1\t3"]
    r = import_entries(dic, "from-liwc", lexicons=tmp_path)
    assert r.added == 7 and any("no stance" in n for n in r.notes)
    lx = load_lexicon(r.path)
    assert [(e.term, e.actor, e.category, e.match, e.stance) for e in lx.entries][:2] == [
        ("جماعة الإخوان المسلمين", "brotherhood", "actor_label", "affix", 0.0),
        ("ميليشيات الإخوان", "brotherhood", "actor_label", "affix", 0.0)]
    assert export_lexicon(r.path, format="liwc") == text


def test_liwc_exact_terms_several_categories_and_errors(tmp_path):
    dic = tmp_path / "d.dic"
    dic.write_text("%\n1\tlabel\n2\tinsult\n3\tactor:brotherhood\n%\nالخرفان\t1 2 3\nالإخوان*\t1\t3\n",
                   encoding="utf-8")
    r = import_entries(dic, "d", lexicons=tmp_path)
    lx = load_lexicon(r.path)
    e = lx.find("الخرفان")[0]
    assert (e.match, e.category, e.actor, e.note) == ("exact", "label", "brotherhood", "also LIWC insult")
    dic.write_text("%\n1\tlabel\n%\nالإخوان\t1 7\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"d.dic:4: category number\(s\) \['7'\]"):
        import_entries(dic, "e", lexicons=tmp_path)
    assert not (tmp_path / "e.yaml").exists()  # a failed import leaves no half-made lexicon
    dic.write_text("%\n1\tlabel\n%\nال*خوان\t1\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"d\.dic:4: wildcard inside"):
        import_entries(dic, "e", lexicons=tmp_path)
    dic.write_text("الإخوان\t1\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="no '%' header"):
        import_entries(dic, "e", lexicons=tmp_path)


def test_quanteda_yaml_round_trip(tmp_path, lex):
    yml = tmp_path / "dict.yml"
    text = export_lexicon(lex, yml)
    assert "actor_label:\n  brotherhood:\n    - جماعة الإخوان المسلمين*\n" in text
    assert "loaded:\n  no_actor:\n    - التمكين*\n" in text
    r = import_entries(yml, "from-quanteda", lexicons=tmp_path)
    assert export_lexicon(r.path, format="quanteda").split("\n", 1)[1] == text.split("\n", 1)[1]
    with pytest.raises(LexiconError, match="already a framing lexicon"):
        import_entries(lex, "x", lexicons=tmp_path, format="quanteda")


def test_export_errors(tmp_path, lex):
    with pytest.raises(ConfigError, match="cannot tell the format"):
        export_lexicon(lex, tmp_path / "x.xlsx")
    with pytest.raises(ConfigError, match="output folder does not exist"):
        export_lexicon(lex, tmp_path / "no" / "x.csv")
    assert export_lexicon(lex, format="csv", excel=True).startswith("\ufeffterm,")


def test_place_prefers_the_longer_label_and_drops_clitic_forms():
    accepted = []
    explore._place(("الانقاذ",), 100, accepted, "a")
    explore._place(("جبهه",), 98, accepted, "b")
    explore._place(("جبهه", "الانقاذ"), 95, accepted, "c")  # replaces both parts
    assert [w for w, _, _ in accepted] == [("جبهه", "الانقاذ")]
    explore._place(("لجبهه", "الانقاذ"), 20, accepted, "d")  # a clitic form of an accepted phrase
    explore._place(("الانقاذ", "الوطني"), 30, accepted, "e")  # overlaps, but is not inside: kept
    explore._place(("جبهه",), 300, accepted, "f")  # much more frequent alone: kept
    assert [r for _, _, r in accepted] == ["c", "e", "f"]


def test_suggest_by_actor_never_joins_words_across_a_blanked_mention(corpus, cb, tmp_path):
    path = new_lexicon("b", directory=tmp_path)
    add_entry(path, "الإخوان", category="actor_label", actor="brotherhood", new_actor="Brotherhood")
    frame = suggest_terms(corpus, tmp_path, by=("actor",), min_count=1, z_min=-99, top_n=200,
                          stopwords=cb / "stopwords.txt", examples=False, **FIELDS)
    terms = set(frame["term"])
    assert "جماعه" in terms and "المسلمين" in terms  # around "جماعة الإخوان المسلمين"
    assert "جماعه المسلمين" not in terms  # never a phrase across the blanked mention
    assert all(row.per_outlet for row in frame.itertuples())  # every suggestion occurs in the corpus
