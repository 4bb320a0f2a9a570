"""The ``framing`` command line: thin commands over the library.

Every command calls one library function. A :class:`~framing.errors.FramingError`
becomes a one-line message on stderr and a non-zero exit code; no traceback.
Heavy libraries (bertopic, torch, seaborn) are imported only by the commands that
need them, so ``framing --help`` is instant.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from framing.errors import FramingError

#: an example for every command's --help (the lexicon commands' own epilogs win where they have one)
EXAMPLES: dict[str, str] = {
    "compare": "framing compare seeds --no-topics\n"
               "framing compare corpus.jsonl.xz --outlet-field source --since 2013-02-01 --outlets A,B -o out/\n"
               "framing compare --from-run outputs/seeds/run.json --out outputs/seeds-again",
    "topics": "framing topics seeds --n-topics 3 --save-model outputs/seeds-topics/model",
    "events": "framing events seeds --window-days 3 --threshold 0.4",
    "report": "framing report outputs/seeds",
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


from framing.cli_lexicon import app as lexicon_app  # noqa: E402  (light: no heavy imports)

app.add_typer(lexicon_app, name="lexicon", help="Inspect, edit, validate and test lexicons.")


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


def _interrupted() -> None:
    """Ctrl-C: say so in one line and exit 130 (the run has already removed its partial folder).

    ``os._exit``: if the interrupt landed while a C extension was running Python code (e.g.
    during ``import torch``), CPython would otherwise re-kill itself with SIGINT at exit and
    the caller would see -2 instead of 130.
    """
    import os

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the message short
    typer.echo("framing: interrupted — the previous output (if any) is untouched; the partial output is "
               "removed", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


_CONTROL_RE = None


def safe_text(value) -> str:
    r"""``value`` as one line of plain text for the terminal: control characters (ESC, BEL, CSI,
    line breaks… — terminal escape sequences such as OSC-8 links or ``ESC]0;`` titles) become
    visible ``\xNN`` escapes, so corpus or lexicon text cannot drive the terminal.

    >>> print(safe_text("قناة\x1b]0;pwned\x07"))
    قناة\x1b]0;pwned\x07
    """
    global _CONTROL_RE
    if _CONTROL_RE is None:
        import re

        # C0, DEL, C1 and the bidi overrides/isolates (which reorder what follows on the line)
        _CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                           else f"\\u{ord(m.group()):04x}", str(value))


def _fail(exc: FramingError) -> None:
    typer.echo(f"framing: error: {safe_text(exc)}", err=True)
    raise typer.Exit(code=exc.exit_code)


def _fail_os(exc: OSError) -> None:
    """An operating-system failure nobody caught earlier (disk, permissions): one line, exit 1."""
    where = f"{exc.filename}: " if exc.filename else ""
    typer.echo(f"framing: error: {safe_text(where)}{safe_text(exc.strerror or exc)} — check the path, "
               "its permissions and the free disk space", err=True)
    raise typer.Exit(code=1)


def _warn(message: str) -> None:
    """A prominent warning on stderr (changed inputs of a replay, recovered interrupted runs)."""
    typer.echo(f"framing: WARNING: {safe_text(message)}", err=True)


class _Progress:
    """Progress on stderr while a run streams its corpus: a bar with percentage and ETA once the
    number of documents is known (the reader's scan counts them), then one line per stage
    ("writing report" …). Nothing when stderr is not a terminal (unless ``enabled == "always"``).
    """

    def __init__(self, enabled: bool | str):
        self.enabled = (enabled is True and sys.stderr.isatty()) or enabled == "always"
        self.t0 = time.time()
        self._progress = None
        self._task = None
        self._total: int | None = None
        self._last: tuple[int, int] | None = None  # (documents, bytes) of the streaming pass
        self._streamed = False

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                                      TextColumn("{task.completed}/{task.fields[of]} docs · {task.fields[mb]:.1f} MB "
                                                 "· {task.fields[rate]:.2f} MB/s"),
                                      TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(),
                                      console=Console(stderr=True, force_terminal=self.enabled == "always" or None),
                                      transient=False)
            self._progress.__enter__()
            self._task = self._progress.add_task("loading", total=None, mb=0.0, rate=0.0, of="?")
        return self

    def total(self, documents: int) -> None:
        """The number of documents the run will analyse (percentage and ETA from now on)."""
        self._total = documents
        if self._progress is not None:
            self._progress.update(self._task, total=documents, of=str(documents))

    def update(self, docs: int, nbytes: int, *, force: bool = False) -> None:
        self._last = (docs, nbytes)
        if self._progress is not None and (force or docs % 200 == 0 or docs < 200 or docs == self._total):
            mb = nbytes / 1e6
            self._progress.update(self._task, completed=docs, mb=mb, rate=mb / max(time.time() - self.t0, 1e-6))

    # the pipeline calls progress(docs, bytes) and, when it has one, progress.total(n)
    __call__ = update

    def stage(self, name: str) -> None:
        if self._progress is not None:
            if self._last and not self._streamed:
                self.update(*self._last, force=True)  # the final count of the streaming pass
                self._streamed = True
            if self._streamed:
                self._progress.console.print(f"… {name}", markup=False, highlight=False)
            self._progress.update(self._task, description=name)
        elif self.enabled:
            typer.echo(f"… {name}", err=True)

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.__exit__(*exc)


CorpusArg = Annotated[str, typer.Argument(metavar="CORPUS", help="Folder of .txt files (+ manifest.csv), a "
                                          ".csv/.jsonl/.json/.parquet file (optionally .gz/.xz/.bz2) or a quoted "
                                          "glob of shards.")]
TextField = Annotated[str, typer.Option("--text-field", metavar="FIELD", help="Record field holding the article "
                                                                                "text.")]
OutletField = Annotated[str, typer.Option("--outlet-field", metavar="FIELD", help="Record field naming the outlet "
                                                                                    "(e.g. source).")]
DateField = Annotated[str, typer.Option("--date-field", metavar="FIELD", help="Record field with the date "
                                                                                "(e.g. crawl_time).")]
IdField = Annotated[str, typer.Option("--id-field", metavar="FIELD", help="Record field with a unique document id.")]
Lexicons = Annotated[list[str] | None, typer.Option("--lexicons", "-l", metavar="DIR",
                                                     help="Lexicon folder or file (repeatable). "
                                                          "Default: the project's lexicons/.")]
Out = Annotated[str | None, typer.Option("--out", "-o", metavar="DIR",
                                         help="Output folder (default: outputs/<corpus name>).")]
Limit = Annotated[int | None, typer.Option("--limit", metavar="N", help="Use only the first N documents.")]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace the earlier complete run in --out (a folder "
                                                             "that is not a framing run is never replaced).")]


@app.command()
def compare(
    ctx: typer.Context,
    corpus: CorpusArg = "seeds",
    out: Out = None,
    lexicons: Lexicons = None,
    text_field: TextField = "text",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    id_field: IdField = "id",
    title_field: Annotated[str, typer.Option(metavar="FIELD", help="Record field with the title.")] = "title",
    manifest: Annotated[str | None, typer.Option(metavar="FILE", help="Manifest for a folder corpus (default: "
                                                                      "manifest.csv/.jsonl in the folder).")] = None,
    boilerplate: Annotated[str | None, typer.Option(metavar="FILE", help="Boilerplate patterns file (default: "
                                                                         "lexicons/boilerplate.txt).")] = None,
    since: Annotated[str | None, typer.Option(metavar="DATE", help="Only documents dated on or after this day "
                                                                   "(YYYY-MM-DD); undated ones are left out and "
                                                                   "counted.")] = None,
    until: Annotated[str | None, typer.Option(metavar="DATE", help="Only documents dated on or before this day "
                                                                   "(YYYY-MM-DD); undated ones are left out and "
                                                                   "counted.")] = None,
    outlets: Annotated[list[str] | None, typer.Option("--outlets", metavar="OUTLET,...",
                                                      help="Only these outlets (comma-separated or repeated); an "
                                                           "unknown name is an error listing the outlets.")] = None,
    topics: Annotated[bool, typer.Option("--topics/--no-topics", help="Fit the topic model.")] = True,
    events: Annotated[bool, typer.Option("--events/--no-events", help="Group documents into events.")] = True,
    attribution: Annotated[bool, typer.Option("--attribution/--no-attribution",
                                              help="Find quotes and sources (voice of each hit).")] = True,
    titles: Annotated[bool, typer.Option("--titles/--no-titles",
                                         help="Analyse each title like the body (hits with field = title).")] = True,
    charts: Annotated[bool, typer.Option("--charts/--no-charts", help="Draw charts.")] = True,
    embedding_model: Annotated[str | None, typer.Option(metavar="NAME_OR_PATH",
                                                        help="sentence-transformers model name or local path "
                                                             "for topics (default: offline TF-IDF+SVD).")] = None,
    morphology_db: Annotated[str | None, typer.Option(metavar="FILE", help="camel-tools morphology DB file: match "
                                                                           "through analysed stems too.")] = None,
    seed: Annotated[int, typer.Option(metavar="N", help="Random seed (bootstrap, topics).")] = 42,
    limit: Annotated[int | None, typer.Option(metavar="N", help="Analyse only the first N documents.")] = None,
    strict: Annotated[bool, typer.Option(help="Exit non-zero if any input problem is found (files listed as "
                                              "ignored do not count).")] = False,
    from_run: Annotated[str | None, typer.Option("--from-run", metavar="RUN_JSON",
                                                 help="Re-run with the options of a run.json (other options and "
                                                      "the config file are ignored).")] = None,
    config: Annotated[str | None, typer.Option("--config", metavar="FILE",
                                               help="Project config with defaults for these options (default: "
                                                    "framing.toml, or [tool.framing] in pyproject.toml, in the "
                                                    "working folder).")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar (only on a "
                                                                            "terminal).")] = True,
    overwrite: Overwrite = False,
    allow_changed: Annotated[bool, typer.Option("--allow-changed", help="With --from-run: replay even if the corpus "
                                                                        "or a lexicon changed (with a warning).")
                             ] = False,
    max_document_chars: Annotated[int | None, typer.Option(metavar="N", help="Split documents longer than this many "
                                                                             "characters (default 2,000,000; each "
                                                                             "split is listed).")] = None,
    max_record_bytes: Annotated[int | None, typer.Option(metavar="N", help="Skip a text file, JSONL line or CSV "
                                                                           "record larger than this, decompressed "
                                                                           "(default 256 MiB).")] = None,
    max_file_bytes: Annotated[int | None, typer.Option(metavar="N", help="Stop reading an input file after this many "
                                                                         "decompressed bytes (default 4 GiB).")] = None,
    max_corpus_bytes: Annotated[int | None, typer.Option(metavar="N", help="Refuse a corpus over this many "
                                                                           "decompressed bytes (default 64 GiB).")
                                ] = None,
    max_json_depth: Annotated[int | None, typer.Option(metavar="N", help="Refuse JSON records nested deeper than "
                                                                         "this (default 100).")] = None,
    format: Annotated[str, typer.Option("--format", metavar="csv|parquet|both",
                                        help="Files of the large tables (hits, attributions, documents, "
                                             "excluded).")] = "both",
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", metavar="N", help="Worker processes for the "
                                                                               "per-document analysis (default: "
                                                                               "every core; 1: in this process).")
                    ] = None,
    engine: Annotated[str, typer.Option("--engine", metavar="local|dask", help="Where the per-document analysis "
                                                                               "runs: a local process pool or "
                                                                               "Dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="tcp://HOST:PORT",
                                                  help="With --engine dask: a running Dask scheduler (default: "
                                                       "start a local cluster).")] = None,
    reference: Annotated[str | None, typer.Option("--reference", metavar="OUTLET", help="Keyness of every other "
                                                  "outlet against this one (keyness.csv, report).")] = None,
    timeline_granularity: Annotated[str | None, typer.Option("--timeline-granularity", metavar="day|week|month",
                                                             help="Periods of timeline.csv (default: from the "
                                                                  "date range).")] = None,
) -> None:
    """Compare outlets: lexicon hits, scores, attribution, topics, events; write CSVs, charts and reports.

    Defaults for any option can come from framing.toml (or [tool.framing] in pyproject.toml)
    in the working folder; options given here win.
    """
    from dataclasses import asdict

    import framing
    from framing.pipeline import CompareOptions, load_run_options

    given = dict(corpus=corpus, out=out, lexicons=lexicons or None, text_field=text_field,
                 outlet_field=outlet_field, date_field=date_field, id_field=id_field, title_field=title_field,
                 manifest=manifest, boilerplate=boilerplate, since=since, until=until, outlets=outlets or None,
                 topics=topics, events=events, attribution=attribution, titles=titles, charts=charts,
                 embedding_model=embedding_model, morphology_db=morphology_db, seed=seed, limit=limit,
                 strict=strict, format=format, overwrite=overwrite, max_document_chars=max_document_chars,
                 max_record_bytes=max_record_bytes, max_file_bytes=max_file_bytes,
                 max_corpus_bytes=max_corpus_bytes, max_json_depth=max_json_depth, jobs=jobs, engine=engine,
                 scheduler=scheduler, reference=reference, timeline_granularity=timeline_granularity)
    try:
        if allow_changed and not from_run:
            from framing.errors import ConfigError

            raise ConfigError("--allow-changed only applies to a replay", hint="use it with --from-run RUN.json")
        if from_run:
            options = load_run_options(from_run)
            if out:
                options.out = out
            options.overwrite = overwrite
            options.jobs, options.engine, options.scheduler = jobs, engine, scheduler  # how, not what
        else:
            options = CompareOptions(**_with_config(ctx, given, config))
        settings = asdict(options)
        settings["out"] = str(options.resolved_out())  # default: outputs/<corpus name>
        with _Progress(progress) as bar:
            result = framing.compare(settings.pop("corpus"), **settings, progress=bar, stage=bar.stage,
                                     replay=from_run, allow_changed=allow_changed, warn=_warn)
    except FramingError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(exc)
    except KeyboardInterrupt:
        _interrupted()
    _print_summary(result)


def _with_config(ctx: typer.Context, given: dict, config: str | None) -> dict:
    """The options of ``compare``: the project config's values where an option was not given on
    the command line (``ctx`` says which were), ``config`` set to the file used."""
    from framing.config import load_config

    project = load_config(config)
    options = dict(given)
    for name, value in project.values.items():
        source = ctx.get_parameter_source(name) if name in ctx.params else None
        if source is None or source.name in ("DEFAULT", "DEFAULT_MAP"):  # not given on the command line
            options[name] = value
    options["config"] = str(project.path) if project.path is not None else None
    return options


def _plural(n: int, word: str, plural: str | None = None) -> str:
    """``1 document``, ``2 documents`` (``plural`` for irregular words)."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def summary_line(manifest: dict) -> str:
    """The one-line summary of a run: documents, skipped, problems, ignored files, filtered, time.

    >>> summary_line({"corpus": {"documents_analysed": 1, "documents_skipped": 0}, "problems": [
    ...     {"action": "ignored", "source": "seeds/README.md"}], "problems_total": 1, "elapsed_seconds": 2.5})
    '1 document analysed, 0 skipped, 0 input problems, 1 file ignored (problems.csv) · 2.5 s'
    """
    corpus = manifest["corpus"]
    listed = manifest.get("problems") or []
    ignored = sum(1 for p in listed if p.get("action") == "ignored")
    problems = manifest.get("problems_total", len(listed)) - ignored
    parts = [f"{_plural(corpus['documents_analysed'], 'document')} analysed",
             f"{corpus['documents_skipped']:,} skipped", _plural(problems, "input problem")]
    if ignored:
        parts.append(f"{_plural(ignored, 'file')} ignored (problems.csv)")
    filtered = sum((corpus.get("filtered_out") or {}).values())
    if filtered:
        parts.append(f"{_plural(filtered, 'document')} filtered out (--since/--until/--outlets)")
    return ", ".join(parts) + f" · {manifest['elapsed_seconds']} s"


def _written(result) -> str:
    """What the run folder holds, as the run wrote it (no charts/ with --no-charts)."""
    options = result.manifest.get("options") or {}
    files = ["report.md"]
    if options.get("html", True):
        files.append("report.html")
    fmt = options.get("format", "both")
    files.append({"csv": "*.csv", "parquet": "*.csv, *.parquet"}.get(fmt, "*.csv, *.parquet"))
    if options.get("charts", True):
        files.append("charts/")
    files.append("run.json")
    return f"Wrote {safe_text(result.saved_to)}/ ({', '.join(files)})"


def _print_summary(result) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(stderr=False, width=120)
    outlets = result.outlets
    actors = result.manifest.get("actors") or []
    # the six most-mentioned actors
    counted = [(outlets[f"mentions:{a}"].sum(), a) for a in actors if f"mentions:{a}" in outlets]
    shown = [a for n, a in sorted(counted, key=lambda x: (-x[0], x[1])) if n > 0][:6]
    table = Table(title="Mean label stance per actor (authorial voice; n = mentions)")
    table.add_column("outlet")
    table.add_column("docs", justify="right")
    for a in shown:
        table.add_column(Text(safe_text(a)), justify="right")
    for _, r in outlets.iterrows():
        cells = []
        for a in shown:
            s = r[f"stance:{a}"]
            cells.append("–" if s != s else f"{s:+.2f} ({int(r[f'mentions:{a}'])})")
        # Text, not markup: an outlet named "[/]" or "[bold red]" is shown as it is written
        table.add_row(Text(safe_text(r["outlet"])), str(int(r["documents"])), *cells)
    console.print(table)
    console.print(summary_line(result.manifest), markup=False, highlight=False)
    console.print(_written(result), markup=False, highlight=False)


@app.command()
def topics(
    corpus: CorpusArg,
    out: Out = None,
    text_field: TextField = "text",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    id_field: IdField = "id",
    embedding_model: Annotated[str | None, typer.Option(metavar="NAME_OR_PATH",
                                                        help="sentence-transformers model name or local "
                                                             "path (default: offline TF-IDF+SVD).")] = None,
    n_topics: Annotated[str, typer.Option(metavar="auto|N", help="Number of topics or 'auto'.")] = "auto",
    labels: Annotated[str | None, typer.Option(metavar="FILE", help="Topic labels file (rename/merge "
                                                                    "topics).")] = None,
    save_model: Annotated[str | None, typer.Option(metavar="DIR", help="Save the fitted model to this "
                                                                       "folder.")] = None,
    seed: Annotated[int, typer.Option(metavar="N", help="Random seed.")] = 42,
    limit: Limit = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show progress bars.")] = True,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace the earlier run in --out (a folder that "
                                                                "is not a framing run is never replaced).")
                         ] = False,
) -> None:
    """Fit the topic model alone; write topics.csv, topic_mix.csv and charts."""
    from framing.pipeline import run_topics

    try:
        path = run_topics(corpus, out=out, text_field=text_field, outlet_field=outlet_field, date_field=date_field,
                          id_field=id_field, embedding_model=embedding_model, n_topics=n_topics, labels=labels,
                          save_model=save_model, seed=seed, limit=limit,
                          progress=progress and sys.stderr.isatty(), overwrite=overwrite)
    except FramingError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(exc)
    except KeyboardInterrupt:
        _interrupted()
    typer.echo(f"Wrote {safe_text(path)}/")


@app.command()
def events(
    corpus: CorpusArg,
    out: Out = None,
    text_field: TextField = "text",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    id_field: IdField = "id",
    window_days: Annotated[int, typer.Option(metavar="N", help="Documents more than this many days apart are "
                                                               "never one event.")] = 2,
    threshold: Annotated[float | None, typer.Option(metavar="X", help="Mean cosine similarity (title + lead) a "
                                                                      "group needs to join an event (default 0.3; "
                                                                      "higher: tighter events).")] = None,
    limit: Limit = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace the earlier run in --out (a folder that "
                                                                "is not a framing run is never replaced).")
                         ] = False,
) -> None:
    """Group documents into cross-outlet events alone; write events.csv and event assignments."""
    from framing.pipeline import run_events

    try:
        path = run_events(corpus, out=out, text_field=text_field, outlet_field=outlet_field, date_field=date_field,
                          id_field=id_field, window_days=window_days, threshold=threshold, limit=limit,
                          overwrite=overwrite)
    except FramingError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(exc)
    except KeyboardInterrupt:
        _interrupted()
    typer.echo(f"Wrote {safe_text(path)}/")


@app.command()
def report(run_dir: Annotated[str, typer.Argument(metavar="RUN_DIR", help="Output folder of a finished "
                                                                       "'framing compare' run.")]) -> None:
    """Re-render report.md, report.html and charts from a finished run's CSVs (no recomputation)."""
    from framing.output import recover
    from framing.report import render_reports

    try:
        for message in recover(Path(run_dir)):  # a run killed while moving into place is completed first
            _warn(message)
        written = render_reports(Path(run_dir))
    except FramingError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(exc)
    typer.echo(f"Re-rendered {len(written)} files in {safe_text(run_dir)}/")


@app.command(epilog="\b\nExample:\n  framing keyness outputs/seeds المدن \"unnamed outlet (001)\" --top 10\n"
                     "  framing keyness outputs/seeds المدن            # against every other outlet")
def keyness(run_dir: Annotated[str, typer.Argument(metavar="RUN_DIR", help="Output folder of a finished 'framing "
                                                                           "compare' run.")],
            target: Annotated[str, typer.Argument(metavar="OUTLET", help="The outlet whose words are scored.")],
            reference: Annotated[list[str] | None, typer.Argument(metavar="REFERENCE", help="Outlet(s) to "
                                                                  "compare with (default: every other one).")] = None,
            top: Annotated[int, typer.Option("--top", metavar="N", help="Terms per side.")] = 25) -> None:
    """Terms an outlet over- and under-uses against another (or a group): log-odds with a Dirichlet prior, z."""
    from framing.report.render import write_keyness

    try:
        table, written = write_keyness(Path(run_dir), target, reference or None, top=top)
    except FramingError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(exc)
    for side, head in (("target", "over-used by"), ("reference", "under-used by")):
        part = table[table["side"] == side]
        typer.echo(f"{head} {safe_text(target)}: " + ("، ".join(
            f"{safe_text(r.form)} ({r.z:+.1f}; {r.count_target}/{r.count_reference})" for r in part.itertuples())
            or "none"))
    typer.echo(f"Wrote {', '.join(safe_text(w) for w in written)} in {safe_text(run_dir)}/")


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
