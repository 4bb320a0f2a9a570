"""``framing compare``: the whole comparison, a thin layer over :func:`framing.compare`."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer

from framing.cli.common import (
    CorpusArg,
    DateField,
    IdField,
    Out,
    OutletField,
    Overwrite,
    Progress,
    TextField,
    calling,
    safe_text,
    warn,
)

__all__ = ["compare", "summary_line"]


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


def compare(
    ctx: typer.Context,
    corpus: CorpusArg = "seeds",
    out: Out = None,
    lexicons: Annotated[list[str] | None, typer.Option("--lexicons", "-l", metavar="DIR",
                                                       help="Lexicon folder or file (repeatable). Default: the "
                                                            "project's lexicons/.")] = None,
    text_field: TextField = "text",
    outlet_field: OutletField = "outlet",
    date_field: DateField = "date",
    id_field: IdField = "id",
    title_field: Annotated[str, typer.Option(metavar="FIELD", help="Record field with the title.")] = "title",
    language_field: Annotated[str, typer.Option(metavar="FIELD", help="Record field with each document's "
                                                                      "language (ar, en, English…); "
                                                                      "else detected from the text.")
                              ] = "language",
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
    progress: Progress = True,
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
                 language_field=language_field, manifest=manifest, boilerplate=boilerplate, since=since, until=until, outlets=outlets or None,
                 topics=topics, events=events, attribution=attribution, titles=titles, charts=charts,
                 embedding_model=embedding_model, morphology_db=morphology_db, seed=seed, limit=limit,
                 strict=strict, format=format, overwrite=overwrite, max_document_chars=max_document_chars,
                 max_record_bytes=max_record_bytes, max_file_bytes=max_file_bytes,
                 max_corpus_bytes=max_corpus_bytes, max_json_depth=max_json_depth, jobs=jobs, engine=engine,
                 scheduler=scheduler, reference=reference, timeline_granularity=timeline_granularity)
    with calling():
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
                                     replay=from_run, allow_changed=allow_changed, warn=warn)
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


