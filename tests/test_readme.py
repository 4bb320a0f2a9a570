"""The README's "Commands" synopsis is in sync with ``--help``: every command listed, every
option it shows exists with the placeholder ``--help`` shows, and ``compare``, ``topics``,
``events`` and ``report`` list all their options. The "Python API" examples run and print
what the README shows."""

import ast
import re

import pytest
import typer.main

from framing.cli import app
from tests.conftest import ROOT

FULLY_LISTED = ("compare", "topics", "events", "report")
_OPTION_RE = re.compile(r"\[(-{1,2}[\w-]+)(?: ([^\]]+))?\]")


def _leaf_commands():
    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from walk(sub, (*path, name))
        else:
            yield " ".join(path), cmd

    return dict(walk(typer.main.get_command(app), ()))


def _synopsis() -> dict[str, str]:
    """``command path -> synopsis line`` from the first code block of the README's Commands section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    known = _leaf_commands()
    out = {}
    for line in lines:
        assert line.startswith("framing "), f"not a synopsis line: {line!r}"
        words = line.split()[1:]
        path = " ".join(words[:2]) if " ".join(words[:2]) in known else words[0]
        assert path in known, f"README lists an unknown command: {line!r}"
        assert path not in out, f"'framing {path}' is listed twice"
        out[path] = " ".join(line.split()[1 + len(path.split()):])
    return out


def _options(cmd) -> dict[str, str | None]:
    """Every spelling of every option (``--no-topics`` too) -> its placeholder (None for a flag)."""
    out = {}
    for param in cmd.params:
        if param.param_type_name != "option":
            continue
        for opt in (*param.opts, *param.secondary_opts):
            out[opt] = None if param.is_flag else param.metavar
    return out


def test_every_command_is_listed():
    assert set(_synopsis()) == set(_leaf_commands())


@pytest.mark.parametrize("path", sorted(_leaf_commands()))
def test_synopsis_matches_help(path):
    cmd = _leaf_commands()[path]
    synopsis = _synopsis()[path]
    options = _options(cmd)
    shown = _OPTION_RE.findall(synopsis)
    for opt, placeholder in shown:
        assert opt in options, f"README shows '{opt}' for 'framing {path}', which has no such option"
        assert (placeholder or None) == options[opt], (
            f"README shows '{opt} {placeholder}' for 'framing {path}', --help says '{opt} {options[opt]}'")
    # the positional arguments, in order, as --help names them ([X] when optional)
    positional = _OPTION_RE.sub("", synopsis).split()
    expected = [(p.metavar if p.required else f"[{p.metavar}]") + ("..." if p.nargs != 1 else "")
                for p in cmd.params if p.param_type_name == "argument"]
    assert positional == expected, (path, positional, expected)
    if path in FULLY_LISTED:
        listed = {opt for opt, _ in shown}
        for param in cmd.params:
            if param.param_type_name == "option" and param.name != "help":
                assert listed & {*param.opts, *param.secondary_opts}, (
                    f"'framing {path}' option {param.opts[-1]} is missing from the README's Commands section")


def test_the_section_shows_the_options_users_reach_for():
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    for flag in ("--overwrite", "--allow-changed", "--jobs", "--engine", "--format", "--max-document-chars",
                 "--since", "--until", "--outlets", "--config", "framing.toml", "[tool.framing]", "--version",
                 "--install-completion", "-h"):
        assert flag in section, flag


def _api_blocks() -> tuple[str, list[tuple[str, str]]]:
    """The README's "Python API" section and its ``python`` / ``text`` code blocks, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return section, re.findall(r"```(python|text)\n(.*?)```", section, flags=re.S)


@pytest.mark.slow
def test_python_api_examples_run_and_show_their_output(tmp_path, monkeypatch):
    import pandas as pd

    import framing

    section, blocks = _api_blocks()
    assert [kind for kind, _ in blocks].count("python") >= 4
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    monkeypatch.chdir(tmp_path)  # the examples' relative paths: seeds/ and outputs/
    names: dict = {}
    shown = 0
    with pd.option_context("display.width", 200, "display.max_columns", None):
        for i, (kind, code) in enumerate(blocks):
            if kind != "python":
                continue
            tree = ast.parse(code)
            last = tree.body[-1] if isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(ast.Module(tree.body[:-1] if last else tree.body, []), "README.md", "exec"), names)
            if last is None:
                continue
            value = eval(compile(ast.Expression(last.value), "README.md", "eval"), names)
            expected = blocks[i + 1][1] if i + 1 < len(blocks) and blocks[i + 1][0] == "text" else None
            assert expected is not None, f"no output shown after {ast.unparse(last)!r}"
            assert repr(value) == expected.rstrip("\n"), f"README output is stale; it is now:\n{value!r}"
            shown += 1
    assert shown == 3
    # what the save/report/load_run/out= lines promise
    saved = tmp_path / "outputs" / "two-articles"
    assert {"run.json", "hits.parquet", "hits.csv", "report.md", "report.html"} <= {p.name for p in saved.iterdir()}
    assert (saved / "charts").is_dir()
    pd.testing.assert_frame_equal(names["run"].hits, names["r"].hits)
    assert names["big"].saved_to.resolve() == tmp_path / "outputs" / "seeds-api"
    pd.testing.assert_frame_equal(names["big"].outlets, names["result"].outlets)
    # the mistake the README quotes, word for word
    with pytest.raises(framing.FramingError) as info:
        framing.compare(names["df"])
    assert f"`{type(info.value).__name__}: {info.value}`" in " ".join(section.split())
