"""Hostile run folders, replays and terminal text (issue 11): a run only deletes what it wrote,
user-reachable failures are one line, replays check their inputs, nothing drives the terminal.

Every fixture is written here, in ``tmp_path``: three short Arabic articles from outlets with
hostile names, and small lexicons.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framing import output
from framing.cli import app
from framing.errors import RunError
from framing.output import RunOutput
from tests.conftest import ROOT

runner = CliRunner()

ARTICLES = {
    "a1.txt": "قالت مصادر ميدانية إن قوات النظام قصفت ريف إدلب الجنوبي، فيما ردّ الثوار على مصادر النيران.",
    "a2.txt": "أعلنت وزارة الدفاع الروسية أن روسيا ستواصل دعم الجيش السوري في مكافحة الإرهاب في إدلب.",
    "a3.txt": "وصفت المعارضة القصف بأنه تصعيد عدواني، وقالت إن الاحتلال الروسي يتحمل مسؤولية سقوط المدنيين.",
}
FAST = ["--no-topics", "--no-events", "--no-charts", "--no-progress"]


def make_corpus(root: Path, outlets=("عنب بلدي", "سبوتنيك", "المدن")) -> Path:
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    rows = ["file,outlet,date"]
    for (name, text), outlet in zip(ARTICLES.items(), outlets, strict=True):
        (corpus / name).write_text(text + "\n", encoding="utf-8")
        rows.append(f'{name},"{outlet}",2020-02-0{len(rows)}')
    (corpus / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return corpus


@pytest.fixture()
def corpus(tmp_path) -> Path:
    return make_corpus(tmp_path)


def compare(*args: str):
    return runner.invoke(app, ["compare", *map(str, args), *FAST])


def one_line_error(result, *needles: str) -> str:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    err = result.stderr.strip()
    assert "Traceback" not in result.output
    assert len(err.splitlines()) == 1, err
    assert err.startswith("framing: error:"), err
    for n in needles:
        assert n in err, err
    return err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def debris(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".incomplete-" in p.name or ".old-" in p.name
                  or p.name.endswith(".framing-commit"))


@pytest.fixture()
def finished(corpus, tmp_path) -> Path:
    out = tmp_path / "run"
    result = compare(corpus, "--out", out)
    assert result.exit_code == 0, result.output
    return out


# --- 1. --out safety ----------------------------------------------------------------------


def test_out_at_a_folder_that_is_not_a_run_is_refused_and_left_alone(corpus, tmp_path):
    mine = tmp_path / "mydata"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"chapter one")
    before = snapshot(mine)
    err = one_line_error(compare(corpus, "--out", mine), "not a framing run")
    assert "--out" in err
    assert snapshot(mine) == before
    assert debris(tmp_path) == []
    # --overwrite does not change that: only a framing run is ever replaced
    one_line_error(compare(corpus, "--out", mine, "--overwrite"), "not a framing run")
    assert snapshot(mine) == before


@pytest.mark.parametrize("where", ["corpus", "corpus/sub", "."])
def test_the_corpus_is_never_an_output(corpus, tmp_path, where):
    out = (tmp_path / where).resolve()
    before = snapshot(tmp_path)
    one_line_error(compare(corpus, "--out", out, "--overwrite"), "input of the run")
    assert snapshot(tmp_path) == before
    assert not (corpus / "sub").exists()


def test_an_empty_existing_folder_is_a_fine_output(corpus, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert compare(corpus, "--out", out).exit_code == 0
    assert (out / "run.json").is_file()


def test_replacing_an_earlier_run_needs_overwrite(finished, corpus, tmp_path):
    before = snapshot(finished)
    one_line_error(compare(corpus, "--out", finished), "earlier run", "--overwrite")
    assert snapshot(finished) == before
    result = compare(corpus, "--out", finished, "--overwrite")
    assert result.exit_code == 0, result.output
    assert (finished / "run.json").is_file() and debris(tmp_path) == []


def test_a_run_folder_with_foreign_files_is_not_replaced(finished, corpus):
    (finished / "notes.txt").write_text("ملاحظاتي", encoding="utf-8")
    one_line_error(compare(corpus, "--out", finished, "--overwrite"), "notes.txt")
    assert (finished / "notes.txt").read_text(encoding="utf-8") == "ملاحظاتي"


def test_the_old_run_is_kept_until_the_new_one_is_complete(finished, corpus, tmp_path, monkeypatch):
    before = snapshot(finished)

    def broken(*_a, **_k):
        raise RuntimeError("boom while rendering")

    monkeypatch.setattr("framing.report.render.render_markdown", broken)
    result = compare(corpus, "--out", finished, "--overwrite")
    assert isinstance(result.exception, RuntimeError)  # a bug keeps its traceback, but…
    assert snapshot(finished) == before  # …the previous run is intact
    assert debris(tmp_path) == []  # …and no partial folder is left


def test_a_strict_failure_leaves_no_debris(tmp_path):
    corpus = make_corpus(tmp_path)
    (corpus / "empty.txt").write_text("", encoding="utf-8")  # an input problem
    out = tmp_path / "strict"
    one_line_error(compare(corpus, "--out", out, "--strict"), "input problem")
    assert not out.exists() and debris(tmp_path) == []


def test_a_replay_with_a_tampered_out_cannot_touch_the_corpus(finished, corpus, tmp_path):
    run_json = finished / "run.json"
    data = json.loads(run_json.read_text(encoding="utf-8"))
    data["options"]["out"] = str(corpus)
    run_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = snapshot(corpus)
    result = runner.invoke(app, ["compare", "--from-run", str(run_json), "--overwrite", "--no-progress"])
    one_line_error(result, "input of the run")
    assert snapshot(corpus) == before


def test_a_replay_with_a_tampered_out_cannot_empty_a_folder(finished, tmp_path):
    mine = tmp_path / "mydata"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"chapter one")
    run_json = finished / "run.json"
    data = json.loads(run_json.read_text(encoding="utf-8"))
    data["options"]["out"] = str(mine)
    run_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["compare", "--from-run", str(run_json), "--overwrite", "--no-progress"])
    one_line_error(result, "not a framing run")
    assert (mine / "thesis.docx").read_bytes() == b"chapter one"


KILL_IN_COMMIT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from framing.output import RunOutput
    final = Path(sys.argv[1])
    out = RunOutput(final, overwrite=True)
    out.write_text("run.json", '{"framing_run": 1, "files": {}}')
    out.write_text("report.md", "الجولة الثانية")
    real = os.replace
    def replace(src, dst):
        real(src, dst)
        if str(src) == str(final):  # the previous run moved aside: die before the new one is in place
            os.kill(os.getpid(), signal.SIGKILL)
    os.replace = replace
    out.commit()
""")


def _first_run(final: Path) -> None:
    out = RunOutput(final)
    out.write_text("run.json", '{"framing_run": 1, "files": {}}')
    out.write_text("report.md", "الجولة الأولى")
    out.commit()


def test_a_kill_between_the_two_renames_is_completed_by_the_next_run(tmp_path):
    final = tmp_path / "run"
    _first_run(final)
    proc = subprocess.run([sys.executable, "-c", KILL_IN_COMMIT, str(final)], cwd=ROOT, capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert not final.exists()  # the window: previous run aside, new one not yet in place
    assert debris(tmp_path)  # …with a journal saying what was going on
    done = output.recover(final)
    assert done and "completed the interrupted commit" in done[0]
    assert (final / "report.md").read_text(encoding="utf-8") == "الجولة الثانية"
    assert debris(tmp_path) == []


def test_the_next_run_completes_an_interrupted_commit_before_its_own(tmp_path):
    final = tmp_path / "run"
    _first_run(final)
    subprocess.run([sys.executable, "-c", KILL_IN_COMMIT, str(final)], cwd=ROOT, capture_output=True)
    nxt = RunOutput(final, overwrite=True)
    assert any("completed the interrupted commit" in m for m in nxt.recovered)
    nxt.write_text("run.json", '{"framing_run": 1, "files": {}}')
    nxt.commit()
    assert debris(tmp_path) == []


def test_framing_report_completes_an_interrupted_commit_and_says_so(tmp_path):
    final = tmp_path / "run"
    _first_run(final)
    subprocess.run([sys.executable, "-c", KILL_IN_COMMIT, str(final)], cwd=ROOT, capture_output=True)
    assert not final.exists()
    result = runner.invoke(app, ["report", str(final)])
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.stderr and "completed the interrupted commit" in result.stderr
    assert (final / "report.md").is_file() and debris(tmp_path) == []


def test_the_partial_folder_of_a_killed_run_is_removed_by_the_next_run(tmp_path):
    final = tmp_path / "run"
    code = ("import os, signal, sys\nfrom framing.output import RunOutput\nout = RunOutput(sys.argv[1])\n"
            "out.write_text('hits.csv', 'doc_id\\n')\nos.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(final)], cwd=ROOT)
    assert proc.wait(timeout=120) == -signal.SIGKILL
    assert [p.name for p in tmp_path.iterdir()] == [f"run.incomplete-{proc.pid}"]
    out = RunOutput(final)
    assert any("partial folder" in m for m in out.recovered)
    out.abort()
    assert list(tmp_path.iterdir()) == []


def test_a_forged_journal_cannot_name_folders_outside_the_run(tmp_path):
    final = tmp_path / "run"
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "data.txt").write_text("x")
    (tmp_path / ".run.framing-commit").write_text(json.dumps({"pid": 999999, "new": "../victim",
                                                             "old": "victim"}))
    output.recover(final)
    assert (victim / "data.txt").exists() and not final.exists()


# --- 2. user-reachable failures -------------------------------------------------------------


def test_read_only_out_is_one_line(corpus):
    one_line_error(compare(corpus, "--out", "/sys/framing-run"), "cannot write the output")


def test_no_permission_is_one_line(corpus, tmp_path, monkeypatch):
    real = os.mkdir

    def mkdir(path, *a, **k):
        if "locked" in str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *a, **k)

    monkeypatch.setattr(os, "mkdir", mkdir)
    one_line_error(compare(corpus, "--out", tmp_path / "locked" / "run"), "Permission denied", "writable")


def test_a_full_disk_is_one_line_and_keeps_the_previous_run(finished, corpus, tmp_path, monkeypatch):
    before = snapshot(finished)

    def full(self, rows):
        raise OSError(errno.ENOSPC, "No space left on device")

    for name in ("write", "write_chunk"):  # rows one by one, or a batch formatted by the map
        monkeypatch.setattr(output.CsvStream, name, full, raising=False)
    one_line_error(compare(corpus, "--out", finished, "--overwrite"), "No space left", "disk space")
    assert snapshot(finished) == before and debris(tmp_path) == []


def test_a_full_disk_while_writing_a_file_is_one_line(corpus, tmp_path, monkeypatch):
    from pathlib import Path as P

    real = P.write_bytes

    def write_bytes(self, data):
        if self.name == "report.md":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(P, "write_bytes", write_bytes)
    one_line_error(compare(corpus, "--out", tmp_path / "o"), "No space left")
    assert debris(tmp_path) == [] and not (tmp_path / "o").exists()


@pytest.mark.parametrize(("name", "damage", "needle"), [
    ("run.json", b'{"framing_run": 1, "corpus": {', "run.json"),
    ("run.json", b"[1, 2, 3]", "run.json"),
    ("hits.csv", b"\xff\xfe\x00garbage\x81\x9d" * 50, "hits.csv"),
    ("hits.csv", b'doc_id,outlet,term\n"a1,"unterminated', "hits.csv"),
    ("hits.csv", b"nothing,useful\n1,2\n", "hits.csv"),
    ("outlets.csv", b"x\n1\n", "outlets.csv"),
])
@pytest.mark.slow
def test_report_on_a_damaged_run_folder_is_one_line(finished, name, damage, needle):
    (finished / name).write_bytes(damage)
    one_line_error(runner.invoke(app, ["report", str(finished)]), needle)


@pytest.mark.parametrize(("options", "needle"), [
    ({"corpus": "CORPUS", "limit": "abc"}, "limit"),
    ({"corpus": None}, "corpus"),
    ({"corpus": "CORPUS", "lexicons": "lexicons"}, "lexicons"),
    ({"corpus": "CORPUS", "topics": "yes"}, "topics"),
    ({"corpus": "CORPUS", "limit": -3}, "limit"),
    ({"corpus": "CORPUS", "delete_everything": True}, "delete_everything"),
    ({"out": "x"}, "corpus"),
    (["corpus", "CORPUS"], "options"),
    ("CORPUS", "options"),
])
def test_malformed_replay_options_are_one_line(corpus, tmp_path, options, needle):
    if isinstance(options, dict):
        options = {k: (str(corpus) if v == "CORPUS" else v) for k, v in options.items()}
    run_json = tmp_path / "run.json"
    run_json.write_text(json.dumps({"framing_run": 1, "options": options}), encoding="utf-8")
    result = runner.invoke(app, ["compare", "--from-run", str(run_json), "--out", str(tmp_path / "o")])
    one_line_error(result, needle)
    assert not (tmp_path / "o").exists()


def test_a_replay_from_a_file_that_is_not_json_is_one_line(tmp_path):
    bad = tmp_path / "run.json"
    bad.write_bytes(b"\x00\x01 not json")
    one_line_error(runner.invoke(app, ["compare", "--from-run", str(bad)]), "not valid JSON")
    one_line_error(runner.invoke(app, ["compare", "--from-run", str(tmp_path)]), "folder")


@pytest.mark.slow
def test_a_lexicon_without_actors_gives_a_report(corpus, tmp_path):
    lex = tmp_path / "lex"
    lex.mkdir()
    (lex / "loaded.yaml").write_text(textwrap.dedent("""\
        name: loaded-terms
        kind: framing
        version: "1"
        categories:
          aggression: aggressive wording
        entries:
          - {term: القصف, category: aggression, stance: -0.5}
          - {term: تصعيد عدواني, category: aggression, stance: -0.8}
        """), encoding="utf-8")
    out = tmp_path / "o"
    result = compare(corpus, "--out", out, "-l", lex)
    assert result.exit_code == 0, result.output
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "aggression" in md
    assert debris(tmp_path) == []
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0


# --- 3. replay provenance ---------------------------------------------------------------------


def test_a_replay_with_a_changed_corpus_is_refused(finished, corpus, tmp_path):
    (corpus / "a2.txt").write_text(ARTICLES["a2.txt"].replace("روسيا", "الاحتلال الروسي"), encoding="utf-8")
    result = runner.invoke(app, ["compare", "--from-run", str(finished / "run.json"), "--out",
                                 str(tmp_path / "again"), "--no-progress"])
    one_line_error(result, "corpus", "changed", "--allow-changed")
    assert not (tmp_path / "again").exists()


def test_allow_changed_replays_with_a_prominent_warning(finished, corpus, tmp_path):
    (corpus / "a2.txt").write_text(ARTICLES["a2.txt"].replace("روسيا", "الاحتلال الروسي"), encoding="utf-8")
    result = runner.invoke(app, ["compare", "--from-run", str(finished / "run.json"), "--out",
                                 str(tmp_path / "again"), "--no-progress", "--allow-changed"])
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.stderr and "corpus" in result.stderr and "changed" in result.stderr
    assert (tmp_path / "again" / "run.json").is_file()


def test_an_unchanged_replay_has_no_warning(finished, tmp_path):
    result = runner.invoke(app, ["compare", "--from-run", str(finished / "run.json"), "--out",
                                 str(tmp_path / "again"), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.stderr


def _lexicon_copy(tmp_path: Path) -> Path:
    lex = tmp_path / "lex"
    lex.mkdir()
    for f in (ROOT / "lexicons").glob("*.yaml"):
        (lex / f.name).write_bytes(f.read_bytes())
    return lex


def test_a_replay_with_a_changed_lexicon_is_refused(corpus, tmp_path):
    lex = _lexicon_copy(tmp_path)
    out = tmp_path / "o"
    assert compare(corpus, "--out", out, "-l", lex).exit_code == 0
    syria = lex / "syria.yaml"
    syria.write_text(syria.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", "--from-run", str(out / "run.json"), "--out", str(tmp_path / "b")])
    one_line_error(result, "lexicon", "changed")


def test_a_forged_sha256_is_refused(finished, tmp_path):
    run_json = finished / "run.json"
    data = json.loads(run_json.read_text(encoding="utf-8"))
    data["lexicons"][0]["sha256"] = "0" * 64
    run_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["compare", "--from-run", str(run_json), "--out", str(tmp_path / "b")])
    one_line_error(result, data["lexicons"][0]["name"], "changed")


def test_a_forged_corpus_fingerprint_is_refused(finished, tmp_path):
    run_json = finished / "run.json"
    data = json.loads(run_json.read_text(encoding="utf-8"))
    data["corpus"]["fingerprint"] = "f" * 64
    run_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["compare", "--from-run", str(run_json), "--out", str(tmp_path / "b")])
    one_line_error(result, "corpus", "changed")


# --- 4. terminal and Markdown escaping -----------------------------------------------------------

HOSTILE_OUTLETS = ("[/]", "[bold red]قناة الحدث[/bold red]",
                   "\x1b]8;;http://evil.example\x1b\\انقر هنا\x1b]8;;\x1b\\ \x1b]0;pwned\x07")


def test_outlet_names_cannot_crash_or_drive_the_terminal(tmp_path):
    corpus = make_corpus(tmp_path, outlets=HOSTILE_OUTLETS)
    result = compare(corpus, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "[/]" in result.stdout  # shown as written…
    assert "[bold red]قناة الحدث[/bold red]" in result.stdout  # …not as markup
    assert "\\x1b]0;pwned" in result.stdout  # the escape sequence is visible, inert


def test_error_messages_do_not_pass_escape_sequences(tmp_path):
    result = runner.invoke(app, ["compare", str(tmp_path / "missing\x1b]0;pwned\x07")])
    err = one_line_error(result)
    assert "\x1b" not in err and "\\x1b" in err


def test_report_md_escapes_html_from_every_field(corpus, tmp_path):
    lex = _lexicon_copy(tmp_path)
    syria = lex / "syria.yaml"
    text = syria.read_text(encoding="utf-8")
    import re

    text = re.sub(r"(?m)^version: .*$", 'version: "<img src=x onerror=alert(1)>"', text, count=1)
    syria.write_text(text, encoding="utf-8")
    hostile = make_corpus(tmp_path / "h", outlets=("<script>alert(1)</script>", "سبوتنيك", "`code`<b>x</b>"))
    out = tmp_path / "o"
    result = compare(hostile, "--out", out, "-l", lex)
    assert result.exit_code == 0, result.output
    md = (out / "report.md").read_text(encoding="utf-8")
    for raw in ("<img", "<script", "<b>"):
        assert raw not in md, raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "&lt;script&gt;" in md


# --- 5. every stage timed ------------------------------------------------------------------------


def test_loading_lexicons_is_timed(finished):
    manifest = json.loads((finished / "run.json").read_text(encoding="utf-8"))
    assert manifest["stage_seconds"]["loading lexicons"] >= 0


def test_corpus_bounds_are_options(corpus, tmp_path):
    out = tmp_path / "o"
    result = compare(corpus, "--out", out, "--max-document-chars", "40")
    assert result.exit_code == 0, result.output
    problems = (out / "problems.csv").read_text(encoding="utf-8")
    assert "split" in problems and "max_document_chars=40" in problems
    options = json.loads((out / "run.json").read_text(encoding="utf-8"))["options"]
    assert options["max_document_chars"] == 40
    one_line_error(compare(corpus, "--out", tmp_path / "p", "--max-json-depth", "0"), "max_json_depth")


def test_the_events_command_follows_the_same_rules(corpus, tmp_path):
    mine = tmp_path / "mydata"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"chapter one")
    result = runner.invoke(app, ["events", str(corpus), "--out", str(mine)])
    one_line_error(result, "not a framing run")
    one_line_error(runner.invoke(app, ["events", str(corpus), "--out", str(corpus / "ev")]), "input of the run")
    out = tmp_path / "ev"
    assert runner.invoke(app, ["events", str(corpus), "--out", str(out)]).exit_code == 0
    one_line_error(runner.invoke(app, ["events", str(corpus), "--out", str(out)]), "--overwrite")
    assert runner.invoke(app, ["events", str(corpus), "--out", str(out), "--overwrite"]).exit_code == 0
    assert (mine / "thesis.docx").read_bytes() == b"chapter one" and debris(tmp_path) == []


def test_a_lexicon_path_given_as_one_string_is_protected_as_a_whole(corpus, tmp_path):
    from framing.pipeline import CompareOptions, run_compare

    lex = _lexicon_copy(tmp_path)
    out = tmp_path / "o"
    result = run_compare(CompareOptions(corpus=str(corpus), out=str(out), lexicons=str(lex), topics=False,
                                        events=False, charts=False, html=False))
    assert (result.out_dir / "run.json").is_file()
    with pytest.raises(RunError, match="input of the run"):
        run_compare(CompareOptions(corpus=str(corpus), out=str(lex / "o"), lexicons=str(lex), topics=False))


def test_run_output_refuses_what_it_did_not_write(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("a\n1\n")
    with pytest.raises(RunError, match="not a framing run"):
        RunOutput(tmp_path / "data", overwrite=True)
