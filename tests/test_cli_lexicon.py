"""`framing lexicon ...`: the commands print what the library returns and fail with one clean line."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from framing.cli.lexicon import app
from framing.lexicon import load_lexicon

ROOT = Path(__file__).resolve().parents[1]

runner = CliRunner()
FIELDS = ["--outlet-field", "source", "--date-field", "crawl_time"]


@pytest.fixture
def folder(tmp_path, data_dir) -> Path:
    d = tmp_path / "lexicons"
    d.mkdir()
    shutil.copy(data_dir / "codebook" / "commented.yaml", d / "commented.yaml")
    return d


@pytest.fixture
def corpus(data_dir) -> str:
    return str(data_dir / "codebook" / "corpus.jsonl")


@pytest.fixture
def stopwords(data_dir) -> str:
    return str(data_dir / "codebook" / "stopwords.txt")


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def assert_clean_failure(result, *fragments: str, code: int = 2):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("framing: error: "), result.stderr
    for f in fragments:
        assert f in lines[0], lines[0]


def test_every_command_and_option_has_help():
    group = typer.main.get_command(app)
    assert set(group.commands) == {"list", "show", "new", "add", "remove", "set", "validate", "kwic", "suggest",
                                   "test", "import", "export", "evaluate"}
    for name, cmd in group.commands.items():
        assert (cmd.help or "").strip(), name
        assert run(name, "--help").exit_code == 0
        for p in cmd.params:
            if p.param_type_name == "option" and p.name != "help":
                assert (p.help or "").strip(), (name, p.opts)


def test_importing_the_sub_app_is_light():
    code = ("import sys\nimport framing.cli.lexicon\n"
            "print(','.join(m for m in ('pandas', 'sklearn', 'bertopic', 'torch', 'seaborn', 'ruamel.yaml') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def test_new_add_show_validate_list(tmp_path):
    d = tmp_path / "mine"
    r = run("new", "egypt", "--lexicons", d, "--description", "Egyptian labels, 2013")
    assert r.exit_code == 0 and r.stdout.strip() == f"created {d / 'egypt.yaml'}"
    r = run("add", "egypt", "قوات الأمن", "--category", "actor_label", "--actor", "police", "--stance", "-0.2",
            "--new-actor", "Police and security forces", "--note", "neutral name", "-l", d)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"added 'قوات الأمن' ({d / 'egypt.yaml'}:")
    entry = load_lexicon(d / "egypt.yaml").entries[0]
    assert (entry.term, entry.actor, entry.stance, entry.note) == ("قوات الأمن", "police", -0.2, "neutral name")
    r = run("show", "egypt", "-l", d)
    assert r.exit_code == 0 and "قوات الأمن" in r.stdout and "Police and security forces" in r.stdout
    assert "actor     police       1        -0.20" in r.stdout
    r = run("validate", "-l", d)
    assert r.exit_code == 0 and "0 error(s), 0 warning(s)" in r.stderr
    r = run("list", "-l", d)
    assert r.exit_code == 0 and r.stdout.splitlines()[1].split()[:5] == ["egypt", "framing", "ar", "0.1.0", "1"]


def test_duplicate_is_refused_in_one_line(folder):
    before = (folder / "commented.yaml").read_bytes()
    r = run("add", "commented", "الثوّار", "--category", "actor_label", "-l", folder)
    assert_clean_failure(r, "is already at line 31 as 'الثوار'", "--merge")
    assert (folder / "commented.yaml").read_bytes() == before


def test_set_remove_and_merge(folder):
    r = run("set", "commented", "البلطجية", "--stance", "-1", "-l", folder)
    assert r.exit_code == 0 and r.stdout.startswith("updated 'البلطجية'")
    assert load_lexicon(folder / "commented.yaml").find("البلطجية")[0].stance == -1.0
    r = run("add", "commented", "الثوار", "--category", "actor_label", "--note", "revolutionaries", "--merge",
            "-l", folder)
    assert r.exit_code == 0 and r.stdout.startswith("merged")
    r = run("remove", "commented", "التمكين", "-l", folder)
    assert r.exit_code == 0 and r.stdout.startswith("removed 'التمكين'")
    r = run("remove", "commented", "التمكين", "-l", folder)
    assert_clean_failure(r, "'التمكين' is not an entry")


def test_add_warning_goes_to_stderr(folder):
    r = run("add", "commented", "الإخوان", "--category", "actor_label", "--actor", "brotherhood", "-l", folder)
    assert r.exit_code == 0
    assert "warning: 'الإخوان' is inside the longer entry 'ميليشيات الإخوان'" in r.stderr


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["add", "commented", "الجيش", "--category", "insult"], ["unknown category 'insult'", "--new-category"]),
        (["add", "commented", "الجيش", "--category", "actor_label", "--stance", "2"], ["outside [-1, 1]"]),
        (["set", "commented", "الثوار", "--stance", "-3"], ["outside [-1, 1]"]),
        (["add", "nope", "الجيش", "--category", "actor_label"], ["no lexicon named 'nope'"]),
        (["show", "missing.yaml"], ["lexicon file not found"]),
        (["add", "lexicon.toml", "الجيش", "--category", "actor_label"], ["YAML files", ".toml"]),
    ],
)
def test_error_paths(folder, args, fragments):
    r = run(*args, "-l", folder)
    assert_clean_failure(r, *fragments)


def test_bad_yaml_and_read_only(folder, data_dir):
    shutil.copy(data_dir / "codebook" / "bad-syntax.yaml", folder / "bad.yaml")
    r = run("add", "bad", "الجيش", "--category", "actor_label", "-l", folder)
    assert_clean_failure(r, "bad.yaml:7: invalid YAML")
    (folder / "bad.yaml").unlink()
    path = folder / "commented.yaml"
    path.chmod(0o444)
    try:
        r = run("add", "commented", "الجيش", "--category", "actor_label", "-l", folder)
        assert_clean_failure(r, "read-only", "chmod u+w")
    finally:
        path.chmod(0o644)


def test_validate_exit_codes(data_dir, folder):
    r = run("validate", data_dir / "codebook" / "invalid.yaml")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert any(line.endswith("invalid.yaml:15: error: 'الارهابيين' duplicates 'الإرهابيين' at line 14 "
                             "('الارهابيين' after normalization) — remove one of them or merge their notes")
               for line in lines)
    assert "9 error(s), 4 warning(s)" in r.stderr
    r = run("validate", data_dir / "codebook" / "invalid.yaml", "--errors-only")
    assert len(r.stdout.splitlines()) == 9
    # warnings only: exit 0, unless --strict
    path = folder / "commented.yaml"
    text = path.read_text(encoding="utf-8").replace("version: 0.3.0   # bumped by hand\n", "")
    path.write_text(text, encoding="utf-8")
    assert run("validate", folder).exit_code == 0
    assert run("validate", folder, "--strict").exit_code == 1
    r = run("validate", folder / "gone.yaml")
    assert r.exit_code == 1 and "lexicon file not found" in r.stdout


def test_kwic(corpus, folder):
    r = run("kwic", "المتظاهرين", corpus, *FIELDS)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert len(lines) == 5
    assert "ahram  ahram-3  شهد ميدان التحرير تجمعا [للمتظاهرين] ، وانتشرت" in r.stdout
    assert r.stderr.strip() == "5 hits in 5 of 14 documents — watan 4, ahram 1"
    r = run("kwic", "الإخوان", corpus, "-l", folder, "--sample", "2", *FIELDS)
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 2 and "showing 2" in r.stderr
    r = run("kwic", "الإخوان", corpus, "-l", folder, "--outlet", "fjp", *FIELDS)
    assert "(counts as commented:جماعة الإخوان المسلمين)" in r.stdout
    r = run("kwic", "الإخوان", "no-such-corpus.jsonl")
    assert_clean_failure(r, "no such file or folder")


def test_test_command(corpus, folder, tmp_path):
    out = tmp_path / "stats.csv"
    r = run("test", corpus, "-l", folder, "--broad", "0.3", "--csv", out, *FIELDS)
    assert r.exit_code == 0, r.output
    assert "7 entries on 14 documents: 6 ok, 1 broad, 0 dead" in r.stderr
    assert out.read_text(encoding="utf-8").startswith("lexicon,line,term,actor,category,stance,hits,")
    r = run("test", corpus, "-l", folder, "--status", "broad", "--broad", "0.3", *FIELDS)
    assert len(r.stdout.splitlines()) == 2 and "قوات الأمن" in r.stdout


def test_suggest_command_prints_ready_add_commands(corpus, folder, stopwords):
    r = run("suggest", corpus, "-l", folder, "--into", "commented", "--by", "outlet", "--min-count", "2",
            "--z-min", "0", "--stopwords", stopwords, *FIELDS)
    assert r.exit_code == 0, r.output
    assert "== outlet watan ==" in r.stdout
    assert "framing lexicon add commented 'جبهة الإنقاذ' --actor <actor>" in r.stdout
    # the printed command works once the placeholders are filled in
    r2 = run("add", "commented", "جبهة الإنقاذ", "--actor", "opposition", "--category", "actor_label",
             "--stance", "0.2", "--new-actor", "Opposition front", "-l", folder)
    assert r2.exit_code == 0


def test_import_export(folder, tmp_path):
    csv_path = tmp_path / "c.csv"
    r = run("export", "commented", "-o", csv_path, "-l", folder)
    assert r.exit_code == 0 and csv_path.exists()
    r = run("export", "commented", "-l", folder)
    assert r.stdout == csv_path.read_text(encoding="utf-8")
    r = run("import", csv_path, "--into", "copy", "-l", folder)
    assert r.exit_code == 0
    assert r.stdout.strip() == (f"created {folder / 'copy.yaml'}: 7 added, 0 updated, 0 unchanged; declared "
                                "category loaded, actor brotherhood, actor protesters, actor police")
    dic = tmp_path / "c.dic"
    assert run("export", "commented", "-o", dic, "-l", folder).exit_code == 0
    r = run("import", dic, "--into", "from-dic", "-l", folder)
    assert r.exit_code == 0 and "note: LIWC has no stance" in r.stderr
    r = run("import", tmp_path / "missing.csv", "--into", "x", "-l", folder)
    assert_clean_failure(r, "file to import not found")
    r = run("export", "commented", "--format", "xlsx", "-l", folder)
    assert_clean_failure(r, "unknown format 'xlsx'")
