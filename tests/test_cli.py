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
