"""The command line: help texts, fast start-up, README in sync, clean errors."""

import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from framing.cli import app
from tests.conftest import ROOT

runner = CliRunner()


def _commands(group=app, prefix=()):
    import typer.main

    click_group = typer.main.get_command(group)
    out = []

    def walk(cmd, path):
        sub = getattr(cmd, "commands", None)
        if sub:
            for name, c in sorted(sub.items()):
                walk(c, (*path, name))
        else:
            out.append((path, cmd))

    walk(click_group, prefix)
    return out


def test_every_command_has_help_text():
    cmds = _commands()
    assert len(cmds) >= 4
    for path, cmd in cmds:
        assert (cmd.help or "").strip(), f"'framing {' '.join(path)}' has no help text"
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        for param in cmd.params:
            if param.param_type_name == "option" and param.name != "help":
                assert (param.help or "").strip(), f"option {param.opts} of {' '.join(path)} has no help"


def test_help_is_fast_and_light():
    """`framing --help` must not import bertopic, torch, seaborn or sklearn."""
    code = ("import sys\nfrom framing.cli import app\nfrom typer.testing import CliRunner\n"
            "r = CliRunner().invoke(app, ['--help'])\nassert r.exit_code == 0\n"
            "heavy = [m for m in ('bertopic', 'torch', 'seaborn', 'sklearn', 'umap', 'matplotlib') "
            "if m in sys.modules]\nprint(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def test_python_dash_m_framing():
    out = subprocess.run([sys.executable, "-m", "framing", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and "compare" in out.stdout


def test_readme_commands_exist_and_all_are_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    known = {" ".join(path) for path, _ in _commands()}
    top = {p.split()[0] for p in known}
    used = set(re.findall(r"^\s*(?:\$ )?framing ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", readme, flags=re.M))
    for cmd in used:
        first = cmd.split()[0]
        assert first in top, f"README uses unknown command 'framing {cmd}'"
        if first == "lexicon" and len(cmd.split()) > 1:
            assert cmd in known, f"README uses unknown command 'framing {cmd}'"
    for name in top:
        assert f"framing {name}" in readme, f"'framing {name}' is not documented in README.md"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "no/such/corpus"], "not found"),
        (["compare", "seeds", "--lexicons", "no/such/dir"], "not found"),
        (["report", "no/such/run"], "no run.json"),
    ],
)
def test_user_errors_are_one_line_without_traceback(args, message, tmp_path):
    result = subprocess.run([sys.executable, "-m", "framing", *args, "--out", str(tmp_path / "o")]
                            if args[0] == "compare" else [sys.executable, "-m", "framing", *args],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    err = result.stderr.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("framing: error:") and message in err
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- a mature CLI (issue 15, item 6)

import json  # noqa: E402

from framing.cli import summary_line  # noqa: E402

NEWS = [
    {"id": "m1", "source": "المدن", "date": "2013-02-01",
     "text": "قصفت قوات النظام بدعم من الاحتلال الروسي قرى ريف إدلب، وتصدى الثوار لمحاولة التقدم."},
    {"id": "m2", "source": "المدن", "date": "2013-02-03",
     "text": "قال ناشطون إن قوات النظام استهدفت سوقاً شعبية في معرة النعمان."},
    {"id": "r1", "source": "روسيا اليوم", "date": "2013-02-02",
     "text": "قال الكرملين إن التشكيلات المسلحة المتطرفة تخرق الهدنة في إدلب."},
    {"id": "r2", "source": "روسيا اليوم", "date": "",
     "text": "بحث الرئيس الروسي مع نظيره التركي الوضع في شمال غربي سوريا."},
]
FAST = ["--no-topics", "--no-events", "--no-charts", "--no-progress", "--jobs", "1"]


@pytest.fixture
def news(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in NEWS), encoding="utf-8")
    return path


def _run_json(out):
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("flag", ["-h", "--version", "-V"])
def test_version_and_short_help_in_a_real_process(flag):
    from pathlib import Path

    script = Path(sys.executable).parent / "framing"  # the console script pip installed
    out = subprocess.run([str(script), flag], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    if flag == "-h":
        assert out.stdout.startswith("Usage: framing [OPTIONS] COMMAND") and "--install-completion" in out.stdout
    else:
        from framing import __version__

        assert out.stdout.startswith(f"framing {__version__} (Python ")


def test_every_command_takes_dash_h_has_an_example_and_readable_placeholders():
    for path, _cmd in _commands():
        result = runner.invoke(app, [*path, "-h"])
        assert result.exit_code == 0, (path, result.output)
        text = result.output
        assert text.startswith(f"Usage: framing {' '.join(path)}"), path
        assert "Example:" in text and f"framing {' '.join(path)}" in text.split("Example:")[1], path
        # placeholders such as DIR, N, OUTLET — never Python types like <str> or <list[str]>
        assert not re.search(r"<(str|int|float|list\[\w+\]|bool)>", text), (path, text)


def test_shell_completion_is_switched_on(monkeypatch):
    # typer's --show-completion is a flag: it asks shellingham for the parent process's shell, which
    # is "sh" (unsupported, exit 1) when pytest was started from sh; the test pins bash
    import typer.completion

    monkeypatch.setattr(typer.completion, "_get_shell_name", lambda: "bash")
    result = runner.invoke(app, ["--show-completion"], prog_name="framing")
    assert result.exit_code == 0 and "_FRAMING_COMPLETE" in result.output


def test_summary_line_plurals_ignored_files_and_filtered_documents():
    manifest = {"corpus": {"documents_analysed": 1, "documents_skipped": 0, "filtered_out": {"no date": 1}},
                "problems": [{"action": "ignored"}, {"action": "altered"}, {"action": "altered"}],
                "problems_total": 3, "elapsed_seconds": 1.5}
    assert summary_line(manifest) == ("1 document analysed, 0 skipped, 2 input problems, 1 file ignored "
                                      "(problems.csv), 1 document filtered out (--since/--until/--outlets) · 1.5 s")


def test_seeds_readme_is_ignored_not_a_problem_and_strict_passes(tmp_path, seeds_dir):
    out = tmp_path / "seeds"
    result = runner.invoke(app, ["compare", str(seeds_dir), "--out", str(out), "--strict", *FAST])
    assert result.exit_code == 0, result.output
    assert "5 documents analysed, 0 skipped, 0 input problems, 1 file ignored (problems.csv)" in result.output
    # --no-charts: the run folder has no charts/, and the message does not claim one
    assert not (out / "charts").exists()
    wrote = [ln for ln in result.output.splitlines() if ln.startswith("Wrote ")]
    assert wrote and "charts" not in wrote[0] and "report.html" in wrote[0]


def test_strict_still_refuses_real_problems(tmp_path, news):
    bad = news.parent / "bad.jsonl"
    bad.write_text(news.read_text(encoding="utf-8") + '{"id": "x", "source": "المدن", "text": ""}\n',
                   encoding="utf-8")
    result = runner.invoke(app, ["compare", str(bad), "--out", str(tmp_path / "o"), "--outlet-field", "source",
                                 "--strict", *FAST])
    assert result.exit_code == 3, result.output
    assert "1 input problem(s) found" in result.output


@pytest.mark.slow
def test_since_until_outlets_filter_and_run_json_counts(tmp_path, news):
    out = tmp_path / "o"
    result = runner.invoke(app, ["compare", str(news), "--out", str(out), "--outlet-field", "source",
                                 "--since", "2013-02-02", "--until", "2013-02-03", *FAST])
    assert result.exit_code == 0, result.output
    manifest = _run_json(out)
    assert manifest["corpus"]["documents_analysed"] == 2
    assert manifest["corpus"]["filtered_out"] == {"before since": 1, "no date": 1}
    assert manifest["options"]["since"] == "2013-02-02" and manifest["options"]["until"] == "2013-02-03"
    assert "2 documents filtered out" in result.output

    out2 = tmp_path / "o2"
    result = runner.invoke(app, ["compare", str(news), "--out", str(out2), "--outlet-field", "source",
                                 "--outlets", "روسيا اليوم", *FAST])
    assert result.exit_code == 0, result.output
    assert _run_json(out2)["corpus"]["outlets"] == ["روسيا اليوم"]


def test_unknown_outlet_and_bad_date_are_one_line_errors(tmp_path, news):
    result = runner.invoke(app, ["compare", str(news), "--out", str(tmp_path / "o"), "--outlet-field", "source",
                                 "--outlets", "المدن,الجزيرة", *FAST])
    assert result.exit_code == 2 and "'الجزيرة' not in the corpus (outlets: المدن, روسيا اليوم)" in result.output
    result = runner.invoke(app, ["compare", str(news), "--out", str(tmp_path / "o"), "--since", "01/02/2013",
                                 *FAST])
    assert result.exit_code == 2 and "since='01/02/2013' is not a date" in result.output
    assert not (tmp_path / "o").exists()


def test_framing_toml_supplies_defaults_and_flags_override(tmp_path, news, monkeypatch):
    study = tmp_path / "study"
    study.mkdir()
    (study / "framing.toml").write_text('outlet_field = "source"\nsince = 2013-02-02\nseed = 7\n'
                                        'outlets = ["المدن", "روسيا اليوم"]\n', encoding="utf-8")
    monkeypatch.chdir(study)
    result = runner.invoke(app, ["compare", str(news), "--out", "o", "--seed", "9", *FAST])
    assert result.exit_code == 0, result.output
    manifest = _run_json(study / "o")
    opts = manifest["options"]
    assert opts["config"] == "framing.toml"
    assert (opts["outlet_field"], opts["since"], opts["seed"]) == ("source", "2013-02-02", 9)  # flag wins
    assert manifest["corpus"]["outlets"] == ["المدن", "روسيا اليوم"] and manifest["corpus"]["documents_analysed"] == 2


def test_a_wrong_config_is_one_line_with_file_and_line(tmp_path, news, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "framing.toml").write_text('outlet_field = "source"\nlimits = 3\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "framing", "compare", str(news), *FAST], capture_output=True,
                            text=True, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "framing: error: framing.toml:2: unknown option 'limits' — use one of the compare options (limit?) as "
        "named in 'framing compare --help' with _ for -"]


def test_default_output_folder_of_a_glob_is_named_after_its_folder():
    from framing.pipeline import CompareOptions

    assert CompareOptions(corpus="corpus/*.jsonl.xz").resolved_out().as_posix() == "outputs/corpus"
    assert CompareOptions(corpus="../shared/egypt-2013/egypt-2013-02.jsonl.xz").resolved_out().as_posix() == \
        "outputs/egypt-2013-02"


def test_progress_bar_has_percentage_and_eta_and_stage_lines(capsys):
    from framing.cli.compare import _Progress

    with _Progress("always") as bar:
        bar.total(4)
        for k in range(1, 5):
            bar(k, 1000 * k)
        bar.stage("writing report")
    err = capsys.readouterr().err
    assert "100%" in err and "4/4 docs" in err and "ETA" in err and "… writing report" in err


def test_no_progress_bar_when_not_a_terminal(tmp_path, news):
    result = runner.invoke(app, ["compare", str(news), "--out", str(tmp_path / "o"), "--outlet-field", "source",
                                 "--no-topics", "--no-events", "--no-charts", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "%" not in result.output and "ETA" not in result.output and "…" not in result.output


def test_kwic_with_an_unknown_outlet_is_an_error_naming_the_outlets(news):
    result = runner.invoke(app, ["lexicon", "kwic", "قوات النظام", str(news), "--outlet-field", "source",
                                 "--outlet", "الجزيرة"])
    assert result.exit_code == 2
    assert "'الجزيرة' not in the corpus (outlets: المدن, روسيا اليوم)" in result.output


def test_ctrl_c_inside_an_import_exits_130_in_one_line():
    """A Ctrl-C that lands while a C extension initializes comes back as "ImportError:
    initialization failed" caused by the KeyboardInterrupt: still the one Ctrl-C line and 130."""
    code = ("from framing.cli.common import calling\n"
            "with calling():\n"
            "    try:\n"
            "        raise KeyboardInterrupt\n"
            "    except KeyboardInterrupt as e:\n"
            "        raise ImportError('initialization failed') from e\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.startswith("framing: interrupted") and "Traceback" not in proc.stderr


def test_an_error_not_caused_by_ctrl_c_still_raises():
    from framing.cli.common import calling

    with pytest.raises(ImportError), calling():
        raise ImportError("no module named x")
