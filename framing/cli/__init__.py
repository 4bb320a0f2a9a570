"""The ``framing`` command line: thin commands over the library.

Every command calls one library function and prints what it returns; a
:class:`~framing.errors.FramingError` becomes a one-line message on stderr and a non-zero
exit code, no traceback (:func:`framing.cli.common.calling`). Heavy libraries (bertopic,
torch, seaborn) are imported only by the commands that need them, so ``framing --help`` is
instant.

- :mod:`framing.cli.common` — the shared option declarations, error handling, terminal-safe text
- :mod:`framing.cli.compare` — ``framing compare`` over :func:`framing.compare`
- :mod:`framing.cli.run` — ``topics``, ``events``, ``report``, ``keyness``
- :mod:`framing.cli.lexicon` — ``framing lexicon …`` over :mod:`framing.lexicon`
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from framing.cli import compare as _compare
from framing.cli import run as _run
from framing.cli.common import safe_text
from framing.cli.compare import summary_line
from framing.cli.lexicon import app as lexicon_app

__all__ = ["app", "main", "safe_text", "summary_line"]

#: an example for every command's --help (the lexicon commands' own epilogs win where they have one)
EXAMPLES: dict[str, str] = {
    "compare": "framing compare seeds --no-topics\n"
               "framing compare corpus.jsonl.xz --outlet-field source --since 2013-02-01 --outlets A,B -o out/\n"
               "framing compare --from-run outputs/seeds/run.json --out outputs/seeds-again",
    "topics": "framing topics seeds --n-topics 3 --save-model outputs/seeds-topics/model",
    "events": "framing events seeds --window-days 3 --threshold 0.4",
    "report": "framing report outputs/seeds",
    "keyness": 'framing keyness outputs/seeds المدن "unnamed outlet (001)" --top 10\n'
               "framing keyness outputs/seeds المدن            # against every other outlet",
    "lexicon": "framing lexicon list\nframing lexicon kwic \"الاحتلال الروسي\" seeds",
    "lexicon list": "framing lexicon list --kind framing",
    "lexicon show": "framing lexicon show syria --actor russia",
    "lexicon new": "framing lexicon new egypt --kind framing --description \"Egyptian politics\"",
    "lexicon add": "framing lexicon add syria \"الاحتلال الروسي\" --actor russia --category actor_label "
                   "--stance -1",
    "lexicon remove": "framing lexicon remove syria \"الاحتلال الروسي\"",
    "lexicon set": "framing lexicon set syria \"الثوار\" --stance 0.6",
    "lexicon validate": "framing lexicon validate lexicons/",
    "lexicon kwic": "framing lexicon kwic \"قوات النظام\" seeds --outlet المدن",
    "lexicon suggest": "framing lexicon suggest seeds --by outlet --top 5",
    "lexicon test": "framing lexicon test seeds --status dead",
    "lexicon import": "framing lexicon import terms.csv --into syria",
    "lexicon export": "framing lexicon export syria --format csv",
    "lexicon evaluate": "framing lexicon evaluate gold.jsonl --out eval/",
}

#: readable placeholders for options and arguments that do not name their own (lexicon commands)
METAVARS: dict[str, str] = {
    "corpus": "CORPUS", "csv": "FILE", "file": "FILE", "gold": "GOLD", "into": "LEXICON", "lexicon": "LEXICON",
    "lexicons": "DIR", "map_": "LABEL=CATEGORY", "morphology_db": "FILE", "outlet": "OUTLET", "paths": "PATH",
    "stopwords": "FILE", "by": "outlet|actor", "stance": "STANCE", "out": "DIR", "term": "TERM", "name": "NAME",
    "new_term": "TERM", "actor": "ACTOR", "new_actor": "ACTOR", "category": "CATEGORY", "new_category": "CATEGORY",
}


#: placeholders that depend on the command (``--out`` of ``lexicon export`` is a file)
COMMAND_METAVARS: dict[str, dict[str, str]] = {"lexicon export": {"out": "FILE"}}


def _readable(command) -> None:
    """Give every option and argument of ``command`` (and its subcommands) a readable placeholder
    (``DIR``, ``N``, ``OUTLET`` instead of ``<list[str]>``) and an example epilog."""
    for path_name, cmd in _walk(command, ()):
        if not cmd.epilog and path_name in EXAMPLES:
            cmd.epilog = "\b\nExample:\n" + "\n".join(f"  {line}" for line in EXAMPLES[path_name].splitlines())
        for param in cmd.params:
            if param.param_type_name == "argument":  # Typer would add "<str>" after an argument's name
                param.display_type_rich = lambda ctx=None: None
            if getattr(param, "is_flag", False) or param.metavar is not None or param.name in ("help",):
                continue
            kind = param.display_type(None) if hasattr(param, "display_type") else ""
            name = param.name or "value"
            fallback = {"<int>": "N", "<float>": "X"}.get(kind, "FIELD" if name.endswith("_field")
                                                          else name.rstrip("_").upper())
            param.metavar = COMMAND_METAVARS.get(path_name, {}).get(name) or METAVARS.get(name) or fallback


def _walk(command, path: tuple[str, ...]):
    yield " ".join(path), command
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        yield from _walk(sub, (*path, name))


class _Group(TyperGroup):
    """The root command group: placeholders and examples filled in once it is built."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _readable(self)


app = typer.Typer(
    name="framing",
    cls=_Group,
    help="Compare how news outlets frame the same events: actor labels, loaded terms, sources, topics.",
    epilog="\b\nExample:\n  framing compare seeds\n  framing compare -h",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


app.add_typer(lexicon_app, name="lexicon", help="Inspect, edit, validate and test lexicons.")
for _command in (_compare.compare, _run.topics, _run.events, _run.report, _run.keyness):
    app.command()(_command)


def _version(value: bool) -> None:
    if value:
        from framing import __version__

        typer.echo(f"framing {__version__} (Python {sys.version.split()[0]})")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Compare how news outlets frame the same events: actor labels, loaded terms, sources, topics."""


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
