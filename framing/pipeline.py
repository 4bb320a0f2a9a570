"""The one place that runs the stages in order — computing apart from writing.

::

    corpus ─(scan)─→ map: analysis.analyze_document per document (engine: in-process,
                     process pool, Dask) ─→ ordered results
           ─→ reductions: hits/attributions/excluded streamed to a sink, outlet scores,
              distinguishing terms + term evidence, topics (units), events (features)
           ─→ RunData (what the run computed; nothing written yet)
    RunData ─→ write_run_folder: CSV/Parquet, charts, report.md/html, run.json (atomic)

:func:`compute` runs the stages, each a function of its own (``_load_lexicons``,
``_open_corpus``, ``_analyse``, ``_attribution_profile``, ``_fit_topics``, ``_group_events``,
``_documents_table``, ``_manifest``), timed for ``run.json`` (``stage_seconds``). The row
tables go to a *sink*: :class:`FolderSink` streams them into the run folder (any corpus
size), :class:`MemorySink` keeps them in memory (``framing.compare`` without ``out``).
:func:`write_run_folder` writes a :class:`RunData` through :class:`~framing.output.RunOutput`
(never replacing an earlier run silently; journals); :func:`run_compare` is the two in a row.

The corpus is read twice (the reader's scan, then the one analysis pass) and every document
is normalized once; every later stage works from the compact per-document results
(:class:`framing.analysis.DocumentResult`), never from the text again.

>>> from framing.pipeline import CompareOptions, run_compare
>>> result = run_compare(CompareOptions(corpus="seeds", out="outputs/seeds"))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd

from framing.errors import ConfigError, StrictModeError
from framing.evidence import term_evidence_from_texts, with_display_forms
from framing.lexicon import (
    Lexicon,
    Matcher,
    default_lexicon_dir,
    load_lexicons,
    load_stopwords,
    overlap_lines,
)
from framing.lexicon.model import category_kinds
from framing.output import RunOutput, table_formats
from framing.records import (
    ATTRIBUTION_SCHEMA,
    DOCUMENT_BASE_SCHEMA,
    EXCLUDED_SCHEMA,
    HIT_SCHEMA,
    TERM_EVIDENCE_SCHEMA,
    Problem,
    column_names,
)
from framing.reduce import TextSpill, reduce_results
from framing.scoring import score_columns

__all__ = ["HIT_COLUMNS", "CompareOptions", "FolderSink", "MemorySink", "RunData", "RunResult", "compute",
           "run_compare", "write_run_folder"]

# the column lists are declared once, with their types, in framing.records (shared by CSV and Parquet)
EXCLUDED_COLUMNS = column_names(EXCLUDED_SCHEMA)
HIT_COLUMNS = column_names(HIT_SCHEMA)
ATTRIBUTION_COLUMNS = column_names(ATTRIBUTION_SCHEMA)
DOC_BASE_COLUMNS = column_names(DOCUMENT_BASE_SCHEMA)
TERM_EVIDENCE_COLUMNS = column_names(TERM_EVIDENCE_SCHEMA)


@dataclass
class CompareOptions:
    """Everything that defines a run (recorded in ``run.json``; ``--from-run`` replays it)."""

    corpus: str
    out: str | None = None
    lexicons: list[str] | None = None
    text_field: str = "text"
    outlet_field: str = "outlet"
    date_field: str = "date"
    id_field: str = "id"
    title_field: str = "title"
    language_field: str = "language"  # ar | en (or English, العربية …) per record; else detected from the text
    manifest: str | None = None
    boilerplate: str | None = None
    repeated_lines: bool = True
    attribution: bool = True
    titles: bool = True  # analyse each document's title like its body (hits/attributions with field = title)
    topics: bool = True
    events: bool = True
    charts: bool = True
    html: bool = True
    seed: int = 42
    n_boot: int = 1000
    top_terms: int = 25
    embedding_model: str | None = None
    n_topics: str = "auto"
    topic_labels: str | None = None
    event_window_days: int = 2
    event_threshold: float | None = None
    morphology_db: str | None = None
    strict: bool = False
    limit: int | None = None
    format: str = "both"  # csv | parquet | both: files of the large tables (hits, attributions, documents, excluded)
    overwrite: bool = False  # replace an earlier complete run in ``out`` (never anything else)
    # bounds of the corpus reader (None: its defaults, see framing.corpus.CorpusLimits and README "Reliability")
    max_document_chars: int | None = None
    max_record_bytes: int | None = None
    max_file_bytes: int | None = None
    max_corpus_bytes: int | None = None
    max_json_depth: int | None = None
    jobs: int | None = None  # worker processes of the per-document map (None: every core; 1: in this process)
    engine: str = "local"  # local (process pool) | dask
    scheduler: str | None = None  # tcp://HOST:PORT of a Dask scheduler (engine dask; default: a local cluster)
    reference: str | None = None  # keyness of every other outlet against this one (keyness.csv, report)
    timeline_granularity: str | None = None  # day | week | month (None: chosen from the date range)
    # document filters applied while reading (framing.corpus.filters; left-out records counted in run.json)
    since: str | None = None  # YYYY-MM-DD, inclusive; documents without a date are left out
    until: str | None = None
    outlets: list[str] | None = None
    config: str | None = None  # the project config (framing.toml / pyproject.toml) the CLI took defaults from

    def resolved_out(self) -> Path:
        if self.out:
            return Path(self.out)
        path = Path(self.corpus.rstrip("/"))
        if set("*?[") & set(path.name) and path.parent.name:  # a glob: name it after its folder
            path = path.parent
        stem = path.name.split(".")[0] or "corpus"
        return Path("outputs") / stem


@dataclass
class RunResult:
    """What a run produced: the output folder and the main tables."""

    out_dir: Path
    documents: pd.DataFrame
    outlets: pd.DataFrame
    terms: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("framing", "camel-tools", "scikit-learn", "bertopic", "pandas", "numpy", "matplotlib", "seaborn",
                "typer", "ruamel.yaml"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _split_lexicons(lexicons: list[Lexicon], source) -> tuple[list[Lexicon], list[Lexicon], list[Lexicon]]:
    framing_lex = [lx for lx in lexicons if lx.kind == "framing"]
    verbs = [lx for lx in lexicons if lx.kind == "reporting_verbs"]
    sources = [lx for lx in lexicons if lx.kind == "sources"]
    if not framing_lex:
        raise ConfigError("no framing lexicon (kind: framing) found", path=source,
                          hint="add one with 'framing lexicon new NAME' or pass --lexicons DIR")
    if source is not None and (not verbs or not sources):
        # a researcher's folder with only framing lexicons: use the default verbs and the neutral
        # sources (not domain packs such as sources-syria.yaml)
        from framing.attribution import neutral_sources

        defaults = load_lexicons(default_lexicon_dir())
        verbs = verbs or [lx for lx in defaults if lx.kind == "reporting_verbs"]
        sources = sources or neutral_sources(defaults)
    return framing_lex, verbs, sources


#: below this resident size a stage's end collects no cycles: a full collection costs ~0.1 s over
#: the modules a run imports (a dozen per run: +1.3 s on a seeds-sized run) and frees little there
COLLECT_FROM_BYTES = 512 << 20


def release_memory(*, collect: bool | None = None) -> None:
    """Hand the heap memory freed so far back to the operating system (glibc ``malloc_trim``; a
    no-op elsewhere): freed blocks of a stage otherwise stay resident, so every later stage's
    peak starts from the largest earlier one (10,709 Egyptian articles: 286 → 252 MB of the main
    process after the term evidence). Unreachable cycles (pandas frames hold some) are collected
    first when ``collect`` is true, or (``None``) when the process holds more than
    :data:`COLLECT_FROM_BYTES`: with millions of live objects the collector's oldest generation
    runs seldom, and what a cycle holds would stay allocated into the next stage."""
    if collect is None:
        collect = _resident_bytes() >= COLLECT_FROM_BYTES
    if collect:
        import gc

        gc.collect()
    global _TRIM
    if _TRIM is None:
        import ctypes
        import ctypes.util

        try:
            _TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:  # the Arrow buffers' own pool (the table writers, the Parquet reads)
        arrow.default_memory_pool().release_unused()
    if _TRIM:
        _TRIM(0)


_TRIM = None


def _resident_bytes() -> int:
    """This process's resident size (Linux ``/proc/self/statm``); unknown elsewhere counts as large."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return COLLECT_FROM_BYTES


def use_system_arrow_pool() -> None:
    """Let this run's Arrow buffers (the table writers, the workers' Arrow rows, the report's Parquet
    reads) come from malloc instead of pyarrow's mimalloc pool, which keeps what it freed mapped;
    freed malloc blocks go back to the system at each stage (:func:`release_memory`). Worker
    processes started later inherit it through ``ARROW_DEFAULT_MEMORY_POOL``; a value set by the
    user is left alone. 10k slice (``framing compare --no-topics``): main process peak 548 → 501 MB."""
    import os

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:  # imported already: its default pool was chosen at import
        arrow.set_memory_pool(arrow.system_memory_pool())


#: glibc's ``mallopt`` parameter for the most heap arenas (``M_ARENA_MAX``)
_M_ARENA_MAX = -8


def one_malloc_arena() -> None:
    """Let every thread of this process allocate from glibc's main heap (``mallopt(M_ARENA_MAX, 1)``;
    a no-op elsewhere). The pool's result thread unpickles the workers' batches: in an arena of its
    own, the few objects the run keeps of each batch pin that arena's pages, which no trim returns.
    20k articles, ``--jobs 2``: the main process at the end of the map 332 → 313 MB, in the report
    450 → 395 MB at reading the run folder. Threads hardly contend: they run Python under one GIL."""
    global _ARENA_SET
    if _ARENA_SET:
        return
    _ARENA_SET = True
    import contextlib
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt(_M_ARENA_MAX, 1)


_ARENA_SET = False


class StageClock:
    """Times the stages of a run (``run.json``: ``stage_seconds``) and reports each start to ``stage``."""

    def __init__(self, stage: Callable[[str], None] | None = None):
        self.t0 = time.time()
        self.timings: dict[str, float] = {}
        self._stage = stage
        self._current: str | None = None
        self._since = self.t0

    def __call__(self, name: str | None) -> None:
        """Start stage ``name`` (``None``: stop the clock of the running stage)."""
        if name is not None:
            release_memory()  # what the stage before freed, back to the system before the next one allocates
        now = time.time()
        if self._current is not None:
            self.timings[self._current] = round(self.timings.get(self._current, 0.0) + now - self._since, 2)
        self._current, self._since = name, now
        if name is not None and self._stage is not None:
            self._stage(name)


class FolderSink:
    """The row tables (hits, attributions, excluded) streamed into the files of a run folder, so a
    corpus of any size runs in bounded memory; the folder is written atomically (:class:`RunOutput`)."""

    def __init__(self, target: str | Path, *, overwrite: bool = False, protect=()):
        self.target = Path(target)
        self.overwrite = overwrite
        self.protect = [p for p in protect if p is not None]
        self.out: RunOutput | None = None

    def check(self) -> None:
        """Refuse an output folder the run may not write, before any work."""
        from framing.output import check_out_dir

        check_out_dir(self.target, overwrite=self.overwrite, protect=self.protect)

    def open(self, warn: Callable[[str], None]) -> None:
        """Start the unfinished folder (and say what was recovered of an interrupted earlier run)."""
        self.out = RunOutput(self.target, overwrite=self.overwrite, protect=self.protect)
        for message in self.out.recovered:
            warn(message)

    def stream(self, name: str, schema, formats):
        return self.out.table_stream(name, schema, formats)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {}  # on disk, read from the folder

    def abort(self) -> None:
        if self.out is not None:
            self.out.abort()


class MemorySink:
    """The row tables held in memory (``framing.compare`` without ``out``): nothing is written;
    :meth:`frames` gives them as DataFrames with their declared types."""

    def __init__(self):
        self._tables: dict = {}

    def check(self) -> None:
        pass

    def open(self, warn: Callable[[str], None]) -> None:
        pass

    def stream(self, name: str, schema, formats):
        from framing.result import parquet_buffer

        self._tables[name] = parquet_buffer(schema)  # compressed row groups, whatever ``formats`` says
        return self._tables[name]

    def frames(self) -> dict[str, pd.DataFrame]:
        from framing.result import read_parquet_buffer

        return {name: read_parquet_buffer(stream, name) for name, stream in self._tables.items()}

    def abort(self) -> None:
        self._tables.clear()


class _ExcludedLines:
    """The corpus reader's repeated lines, kept once the corpus is read (for ``excluded_lines.csv``)."""

    def __init__(self, corpus):
        self._rows = corpus.excluded_lines()

    def excluded_lines(self) -> list[dict]:
        return self._rows


@dataclass
class RunData:
    """Everything a comparison computed, before anything is written (:func:`compute`).

    ``tables`` holds the row tables (hits, attributions, excluded) as DataFrames when they were
    kept in memory (:class:`MemorySink`); with a :class:`FolderSink` they are already in its files.
    :func:`write_run_folder` writes the rest.
    """

    options: CompareOptions
    documents: pd.DataFrame
    outlets: pd.DataFrame
    terms: pd.DataFrame
    term_evidence: pd.DataFrame
    attributions: pd.DataFrame  # the attribution columns the outlet profile used (not the attributions table)
    attr_profile: pd.DataFrame | None
    topic_result: object | None
    event_result: object | None
    problems: list[Problem]
    manifest: dict
    actors: list[str]
    categories: list[str]
    lexicons: list[Lexicon]
    hits_evidence: dict
    term_counts: dict  # outlet → Counter, or a framing.reduce.TermTable (what compute gives)
    corpus: object  # what the writer still needs of the corpus (its repeated lines)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    _documents_file: object = field(default=None, repr=False, compare=False)  # release() → restore()

    def relabel(self, path: str, label: str, described: str) -> None:
        """Name the rows of an in-memory corpus (``<DataFrame>:ROW``) instead of the temporary
        file it was read through, in the problems and the manifest."""
        self.problems = [replace(p, source=p.source.replace(path, label)) if isinstance(p.source, str) else p
                         for p in self.problems]
        m = self.manifest
        m["corpus"]["path"] = described
        m["options"]["corpus"] = described
        m["problems"] = [asdict(p) for p in self.problems[:1000]]
        m["command"] = "framing.compare"
        self.options = replace(self.options, corpus=described)

    def release(self) -> None:
        """Drop the large computed fields once their files are written (the report reads the files):
        the per-document and per-hit tables, term counts and evidence, topic and event results.
        ``documents`` (:class:`RunResult` returns it) waits in a temporary file, pickled, until
        :meth:`restore` (the report reads its own copy from the run folder); the summary tables
        and the manifest stay."""
        self.term_evidence = self.attributions = pd.DataFrame()
        self.attr_profile = self.topic_result = self.event_result = self.corpus = None
        self.hits_evidence, self.term_counts, self.tables = {}, {}, {}
        if self.documents is not None and self._documents_file is None:
            import pickle
            import tempfile

            fh = tempfile.TemporaryFile(prefix="framing-documents-")  # noqa: SIM115 (closed by restore)
            pickle.dump(self.documents, fh, protocol=pickle.HIGHEST_PROTOCOL)
            self._documents_file, self.documents = fh, None

    def restore(self) -> None:
        """``documents`` back from the file :meth:`release` put it in (the same frame, pickled)."""
        fh, self._documents_file = self._documents_file, None
        if fh is not None:
            import pickle

            with fh:
                fh.seek(0)
                self.documents = pickle.load(fh)


@dataclass
class _Setup:
    """The run's lexicons and the matcher and extractor built from them."""

    lexicons: list[Lexicon]  # every lexicon loaded (the user's)
    used: list[Lexicon]  # every lexicon used, defaults brought in for verbs and sources included
    matcher: Matcher
    extractor: object | None
    actors: list[str]
    categories: list[str]
    stopwords: frozenset


def _default_warn(message: str) -> None:
    import warnings

    warnings.warn(message, ReplayWarning, stacklevel=4)


def _inputs(options: CompareOptions) -> list:
    """The run's input paths: the output folder may never be one of them."""
    lexicon_paths = [options.lexicons] if isinstance(options.lexicons, str | Path) else (options.lexicons or [])
    return [options.corpus, options.manifest, options.boilerplate, options.morphology_db, options.topic_labels,
            *lexicon_paths]


def folder_sink(options: CompareOptions) -> FolderSink:
    """The sink writing ``options``' run folder (``--out``, default ``outputs/<corpus name>``)."""
    return FolderSink(options.resolved_out(), overwrite=options.overwrite, protect=_inputs(options))


def run_compare(options: CompareOptions, *, progress: Callable[[int, int], None] | None = None,
                stage: Callable[[str], None] | None = None, replay: str | Path | None = None,
                allow_changed: bool = False, warn: Callable[[str], None] | None = None,
                edit: Callable[[RunData], None] | None = None) -> RunResult:
    """Run the whole comparison and write the output folder atomically (:func:`compute` into a
    :class:`FolderSink`, then :func:`write_run_folder`).

    ``progress(documents_done, bytes_done)`` is called while streaming; ``stage(name)``
    when a stage starts. With ``replay`` (the ``run.json`` the options came from, see
    :func:`load_run_options`), the corpus fingerprint and every lexicon's SHA-256 recorded
    there are checked against the files found: a difference is a :class:`ConfigError`, or,
    with ``allow_changed``, a warning. ``warn(message)`` receives warnings (default:
    :func:`warnings.warn`), including what was recovered from an interrupted earlier run.
    ``edit(data)`` may change the computed :class:`RunData` before it is written.
    """
    sink = folder_sink(options)
    data = compute(options, sink, progress=progress, stage=stage, replay=replay, allow_changed=allow_changed,
                   warn=warn)
    try:
        if edit is not None:
            edit(data)
        final = write_run_folder(data, sink.out, stage=stage, release=True)
    except BaseException as exc:
        _abort(sink, exc)
    return RunResult(final, data.documents, data.outlets, data.terms, data.problems, data.manifest)


def _abort(sink, exc: BaseException):
    """Remove the unfinished output and raise ``exc`` (a write failure as a one-line :class:`RunError`)."""
    from framing.output import output_error

    sink.abort()
    out = getattr(sink, "out", None)
    if isinstance(exc, OSError) and out is not None and out.owns_error(exc):
        raise output_error(exc, out.dir) from None
    raise exc


def check_timeline_granularity(value: str | None) -> None:
    from framing.report.tables import GRANULARITIES

    if value is not None and value not in GRANULARITIES:
        raise ConfigError(f"unknown timeline granularity {value!r}",
                          hint=f"use one of {', '.join(GRANULARITIES)} (or leave it out to choose from the dates)")


def compute(options: CompareOptions, sink, *, progress: Callable[[int, int], None] | None = None,
            stage: Callable[[str], None] | None = None, replay: str | Path | None = None,
            allow_changed: bool = False, warn: Callable[[str], None] | None = None) -> RunData:
    """Compute the comparison of ``options``; the row tables go to ``sink`` (:class:`FolderSink`
    or :class:`MemorySink`), nothing else is written. The stages, in order (each one function):
    lexicons → corpus → per-document map and reductions → outlets and terms → attribution
    profile → topics → events → documents table → manifest.

    With a :class:`FolderSink` the unfinished folder stays open for :func:`write_run_folder`;
    on any error it is removed.
    """
    warn = warn or _default_warn
    use_system_arrow_pool()
    one_malloc_arena()
    clock = StageClock(stage)
    table_formats(options.format)  # refuse a bad --format before anything is written
    check_timeline_granularity(options.timeline_granularity)  # and a bad --timeline-granularity (not at report time)
    sink.check()  # before any work
    recorded = _read_run_json(replay) if replay is not None else None
    setup = _load_lexicons(options, clock, warn)
    corpus = _open_corpus(options, clock)
    if recorded is not None:
        _check_replay(recorded, replay, corpus, setup.lexicons, allow_changed, warn)
    sink.open(warn)
    try:
        data = _compute(options, corpus, setup, sink, progress, clock)
        from framing.attribution import untyped_warning

        if (message := untyped_warning(data.outlets)) is not None:
            warn(message)
    except BaseException as exc:
        _abort(sink, exc)
    return data


def _load_lexicons(options: CompareOptions, say: StageClock, warn) -> _Setup:
    """Load the lexicons and build the matcher (and the attribution extractor) once."""
    say("loading lexicons")
    lexicons = load_lexicons(options.lexicons)
    framing_lex, verbs, sources = _split_lexicons(lexicons, options.lexicons)
    lemmatizer = None
    if options.morphology_db:
        from framing.morphology import MorphologyLemmatizer

        lemmatizer = MorphologyLemmatizer(options.morphology_db)
    # Arabic documents: the lexicons not of language en, as framing.analysis.RunContext builds them
    # (this matcher and extractor are reused by the in-process engine: --jobs 1 = --jobs 2)
    matcher = Matcher([lx for lx in framing_lex if lx.language != "en"], lemmatizer=lemmatizer)
    for line in overlap_lines(framing_lex):  # layered lexicons: the first given wins
        warn(line)
    extractor = None
    if options.attribution:
        from framing.attribution import AttributionExtractor

        extractor = AttributionExtractor(verbs=[lx for lx in verbs if lx.language != "en"],
                                         sources=[lx for lx in sources if lx.language != "en"])
    return _Setup(lexicons=lexicons, used=framing_lex + verbs + sources, matcher=matcher, extractor=extractor,
                  actors=sorted({a for lx in framing_lex for a in lx.actors}),
                  categories=sorted({c for lx in framing_lex for c in lx.categories}),
                  stopwords=frozenset(load_stopwords()))


def _open_corpus(options: CompareOptions, say: StageClock):
    """The corpus reader with the run's fields, filters and bounds (nothing is read yet)."""
    from framing.corpus import load_corpus

    say("loading corpus")
    return load_corpus(options.corpus, text_field=options.text_field, outlet_field=options.outlet_field,
                       date_field=options.date_field, id_field=options.id_field, title_field=options.title_field,
                       language_field=options.language_field,
                       manifest=options.manifest, boilerplate=options.boilerplate,
                       repeated_lines=options.repeated_lines, since=options.since, until=options.until,
                       outlets=options.outlets, **corpus_limits(options))


def _check_replay(recorded: dict, replay, corpus, lexicons, allow_changed: bool, warn) -> None:
    """A replay refuses changed inputs (or, with ``allow_changed``, warns)."""
    changes = provenance_changes(recorded, corpus, lexicons)
    if changes and not allow_changed:
        raise ConfigError(f"the inputs differ from the recorded run: {'; '.join(changes)}", path=replay,
                          hint="restore the recorded files, or pass --allow-changed to replay anyway")
    if changes:
        warn(f"REPLAYING WITH CHANGED INPUTS — the results will differ from {replay}: {'; '.join(changes)}")


def _iter_docs(corpus, limit: int | None):
    for i, doc in enumerate(corpus.iter_documents()):
        if limit is not None and i >= limit:
            break
        yield doc


def _compute(options, corpus, setup: _Setup, sink, progress, say: StageClock) -> RunData:
    """The map over documents (any engine) and the reductions, in stage order."""
    spec = _run_spec(options, setup.used, setup.stopwords)
    _prime_context(spec, setup.matcher, setup.extractor)
    with TextSpill() as spill:  # the masked texts, on disk until the topic units are read
        red, problems, documents, outlets, terms, term_ev = _analyse(options, corpus, spec, setup, sink, progress,
                                                                     say, spill)
        attr_df = red.attributions_frame()
        red.attr_cols = {}
        attr_profile = _attribution_profile(documents, attr_df) if setup.extractor is not None else None
        if attr_profile is not None and len(attr_profile):
            outlets = outlets.merge(attr_profile, on="outlet", how="left")
        stages: dict[str, dict] = {}
        topic_result = None
        if options.topics and (len(red.units) or "en" not in red.languages):  # English-only: no (Arabic) topics
            topic_result, outlets = _fit_topics(options, red, spill, outlets, say)
            stages["topics"] = topic_result.info
    event_result = None
    if options.events:
        event_result, documents = _group_events(options, red, spec, documents, say)
        stages["events"] = {**event_result.info, "lexicons": [lx.name for lx in setup.used
                                                              if lx.kind in ("framing", "sources")]}
    documents = _documents_table(documents, setup.actors, setup.categories)
    _drop_context(spec)
    say(None)
    manifest = _manifest(options, corpus, red, documents, problems, setup, stages, say)
    return RunData(options=options, documents=documents, outlets=outlets, terms=terms, term_evidence=term_ev,
                   attributions=attr_df, attr_profile=attr_profile, topic_result=topic_result,
                   event_result=event_result, problems=problems, manifest=manifest, actors=setup.actors,
                   categories=setup.categories, lexicons=setup.used, hits_evidence=red.evidence,
                   term_counts=red.term_table(), tables=sink.frames(),
                   corpus=_ExcludedLines(corpus) if callable(getattr(corpus, "excluded_lines", None)) else None)



def _analyse(options, corpus, spec, setup: _Setup, sink, progress, say: StageClock, spill: TextSpill):
    """The one pass over the corpus: the per-document map, the row tables streamed to ``sink``,
    the reductions (the masked texts into ``spill``); then the outlet comparison and the
    distinguishing terms with their evidence (from the spilled texts)."""
    formats = table_formats(options.format)  # CSV and/or Parquet, columns and types from framing.records
    streams = {"hits": sink.stream("hits", HIT_SCHEMA, formats),
               "attributions": sink.stream("attributions", ATTRIBUTION_SCHEMA, formats) if setup.extractor else None,
               "excluded": sink.stream("excluded", EXCLUDED_SCHEMA, formats)}
    early = None
    engine = getattr(options, "engine", "local") or "local"
    if engine == "dask" or (getattr(options, "jobs", None) or 1) > 1:  # workers start during the scan
        early = _mapped(options, corpus, spec, _jobs(options, corpus))
        early.start()
    try:
        say("scanning corpus")  # the reader's first pass (document counts, repeated lines), timed on its own
        n_total = _scan(corpus)
    except BaseException:
        if early is not None:
            early.close()
        raise
    if n_total is not None and hasattr(progress, "total"):  # the CLI's bar: percentage and ETA
        progress.total(n_total if options.limit is None else min(n_total, options.limit))
    say("analysing documents")
    jobs = _jobs(options, corpus)
    red = reduce_results(early or _mapped(options, corpus, spec, jobs), streams, spill, spec, progress)
    red.jobs = jobs or _default_jobs()
    for stream in streams.values():  # complete on disk before the report reads them
        if stream is not None:
            stream.close()
    problems = list(corpus.problems) + red.problems
    _check_analysed(options, red, problems)
    documents = red.documents_frame(setup.actors, setup.categories)
    say("comparing outlets")
    from framing.compare import distinguishing_terms_by_language, outlet_scores_from_counts

    outlets = outlet_scores_from_counts(red.outlets, red.tokens, red.counts_matrix(), actors=setup.actors,
                                        categories=setup.categories, n_boot=options.n_boot, seed=options.seed,
                                        languages=red.languages)
    terms = distinguishing_terms_by_language({"ar": red.term_table(False), "en": red.term_table(True)},
                                             top_n=options.top_terms)  # within a language only
    say("collecting term evidence")
    term_ev = term_evidence_from_texts(spill.texts(red.doc_ids, red.outlets), terms)
    terms = with_display_forms(terms, term_ev)
    return red, problems, documents, outlets, terms, term_ev


def _check_analysed(options, red, problems: list[Problem]) -> None:
    """No document analysed is an error; ``--strict`` refuses input problems as soon as the input
    has been read, before the slower stages."""
    if not red.doc_ids:
        from framing.errors import CorpusError

        first = f"; first: {problems[0].source}: {problems[0].reason}" if problems else ""
        raise CorpusError(f"no document could be analysed ({len(problems)} input problem(s){first})",
                          path=options.corpus, hint="check the input files and the field names (--text-field ...)")
    if options.strict and (refused := [p for p in problems if p.action != "ignored"]):
        raise StrictModeError(f"{len(refused)} input problem(s) found (first: {refused[0].source}: "
                              f"{refused[0].reason})", hint="fix the input or run without --strict")


def _attribution_profile(documents: pd.DataFrame, attr_df: pd.DataFrame) -> pd.DataFrame | None:
    """Per outlet: who is cited, how (source types, cue stances), per 1,000 characters."""
    from framing.attribution import attribution_profile

    lengths = dict(zip(documents["doc_id"], documents["chars"] - documents["excluded_chars"], strict=True))
    doc_outlets = dict(zip(documents["doc_id"], documents["outlet"], strict=True))
    return attribution_profile(attr_df, lengths, doc_outlets=doc_outlets)


def _fit_topics(options, red, spill: TextSpill, outlets: pd.DataFrame, say: StageClock):
    """The topic model over the paragraphs kept by the map (offsets; their texts read from
    ``spill`` a sample or a batch at a time); the outlets get one column per topic."""
    say("fitting topics")
    from framing.topics import HDBSCAN_MIN_UNITS, fit_corpus_topics, fit_corpus_topics_apart

    units = red.units_frame()
    # from the UMAP + HDBSCAN size on, the model is fitted in a process of its own, which takes with it,
    # when the stage ends, the memory the fit leaves resident (BERTopic, the code numba compiles for
    # UMAP, the fragmented heap: ~600 MB on the February month); below, starting it costs more
    fit = fit_corpus_topics_apart if len(units) >= HDBSCAN_MIN_UNITS else fit_corpus_topics
    topic_result = fit(units, seed=options.seed, embedding_model=options.embedding_model, n_topics=options.n_topics,
                       labels=options.topic_labels, texts=red.unit_texts(spill))
    del units
    if topic_result.model is not None:  # the run writes the tables and the labels file, not the model
        topic_result = topic_result.without_model()
    # one column per topic id (labels live in topics.csv and may be renamed later)
    wide = topic_result.outlet_mix.pivot_table(index="outlet", columns="topic", values="share",
                                               aggfunc="sum", fill_value=0.0)
    wide.columns = [f"topic:{int(c)}" for c in wide.columns]
    return topic_result, outlets.merge(wide.reset_index(), on="outlet", how="left")


def _group_events(options, red, spec, documents: pd.DataFrame, say: StageClock):
    """Events from the features kept by the map; the documents get their event and copy columns."""
    say("grouping events")
    from framing.analysis import context_for
    from framing.events import EventGrouper

    kwargs = {"window_days": options.event_window_days}
    if options.event_threshold is not None:
        kwargs["threshold"] = options.event_threshold
    grouper = EventGrouper(**kwargs, lexicons=None)
    featurizer = context_for(spec).featurizer
    event_result = grouper.fit_features(red.events or [], featurizer=featurizer).result
    red.events = None
    cols = ["doc_id", "event_id", "duplicate_of", "duplicate_similarity", "independent"]
    return event_result, documents.merge(event_result.assignments[cols], on="doc_id", how="left")


def _documents_table(documents: pd.DataFrame, actors, categories) -> pd.DataFrame:
    """The documents table in its declared column order, sorted by outlet and id."""
    for col in ("event_id", "duplicate_of", "duplicate_similarity", "independent"):
        if col not in documents:
            documents[col] = None
    documents = documents.reindex(columns=DOC_BASE_COLUMNS + score_columns(actors, categories))
    return documents.sort_values(["outlet", "doc_id"], kind="stable").reset_index(drop=True)


def _manifest(options, corpus, red, documents: pd.DataFrame, problems: list[Problem], setup: _Setup,
              stages: dict, clock: StageClock) -> dict:
    """The run's ``run.json``: options, versions, corpus counts, lexicons with SHA-256, stage times."""
    n_docs = len(red.doc_ids)
    lexicons = setup.used
    return {
        "framing_run": 1,
        "command": "compare",
        "options": asdict(options),
        "argv": sys.argv,
        "versions": _versions(),
        "seed": options.seed,
        "corpus": {"path": str(options.corpus), "fingerprint": corpus.fingerprint(),
                   "documents_in": n_docs + sum(1 for p in problems if p.action == "skipped"),
                   "documents_analysed": n_docs,
                   "documents_skipped": sum(1 for p in problems if p.action == "skipped"),
                   "documents_altered": len({p.doc_id for p in problems if p.action == "altered"}),
                   "outlets": sorted(documents["outlet"].unique().tolist()),
                   "date_range": _date_range(documents),
                   "filtered_out": corpus.filtered_out()},  # --since/--until/--outlets, per reason
        # full passes over the input: the corpus reader's scan (document counts, repeated lines) and
        # the one analysis pass; every later stage works from the per-document results
        "corpus_reads": 2 if getattr(corpus, "repeated_rule", None) is not None else 1,
        "engine": {"engine": options_engine(options, red.jobs), "jobs": red.jobs},
        "actors": list(setup.actors),
        "categories": list(setup.categories),
        "category_kinds": category_kinds(lexicons),  # loaded | topic | label (docs/lexicon-format.md)
        "lexicons": [{"name": lx.name, "kind": lx.kind, "version": lx.version, "path": str(lx.path),
                      "sha256": lx.sha256, "entries": len(lx.entries)} for lx in lexicons],
        "excluded_spans": dict(sorted(red.excluded_reasons.items())),
        "stages": stages,
        "morphology_db": ({"path": options.morphology_db, "sha256": setup.matcher.lemmatizer.sha256}
                          if options.morphology_db else None),
        "problems": [asdict(p) for p in problems[:1000]],
        "problems_total": len(problems),
        "elapsed_seconds": round(time.time() - clock.t0, 2),
        "stage_seconds": clock.timings,
    }


def write_run_folder(data: RunData, out: RunOutput, *, stage: Callable[[str], None] | None = None,
                     release: bool = False) -> Path:
    """Write a computed run into ``out`` (an unfinished :class:`RunOutput`) and move it into place.

    The row tables the run kept in memory (``data.tables``) are written first; with a
    :class:`FolderSink` they are already there. Then term evidence, the other tables, charts,
    ``report.md`` / ``report.html`` and ``run.json`` (:func:`framing.report.write_run`, which
    times itself as ``stage_seconds["writing report"]``). Returns the final folder.

    ``release``: once the data files are written, drop what ``data`` computed (:meth:`RunData.release`)
    before the report is rendered, so its tables are not held twice (``run_compare``; a
    :class:`framing.Result` keeps its own and passes a copy without it).
    """
    from framing import report

    release_memory()
    if stage is not None:
        stage("writing report")
    formats = table_formats(data.options.format)
    schemas = {"hits": HIT_SCHEMA, "attributions": ATTRIBUTION_SCHEMA, "excluded": EXCLUDED_SCHEMA}
    for name, frame in data.tables.items():
        out.write_table(name, frame, schemas[name], formats)
    out.write_csv("term_evidence.csv", data.term_evidence, columns=TERM_EVIDENCE_COLUMNS)
    term_counts = data.term_counts
    if hasattr(term_counts, "parquet"):  # a TermTable writes its own file, from its arrays (no row per pair)
        out.write_bytes("term_counts.parquet", term_counts.parquet())
        term_counts = None
    started = time.perf_counter()
    manifest = report.write_data_files(out, options=data.options, documents=data.documents, outlets=data.outlets,
                                       terms=data.terms, topic_result=data.topic_result,
                                       event_result=data.event_result, problems=data.problems,
                                       manifest=data.manifest, actors=data.actors, categories=data.categories,
                                       lexicons=data.lexicons, corpus=data.corpus, term_counts=term_counts)
    if release:  # the report is rendered from the files alone: what the run computed is not needed any more
        data.release()
        release_memory()
    try:
        report.finish_run(out, options=data.options, manifest=manifest, started=started)
    finally:
        if release:
            release_memory()  # the report's tables, before the documents come back
            data.restore()
    return out.commit()


def _scan(corpus) -> int | None:
    """Run the corpus reader's scan now (it would run at the first document otherwise) and return
    the number of documents; an unusable corpus is reported by the analysis pass itself, with its
    problems (``None`` here)."""
    from contextlib import suppress

    from framing.errors import FramingError

    with suppress(FramingError):
        return len(corpus)
    return None


def _default_jobs() -> int:
    from framing.engine import default_jobs

    return default_jobs()


def options_engine(options, jobs: int | None = None) -> str:
    """``local`` or ``dask`` (``in-process`` for one job on the local engine)."""
    engine = getattr(options, "engine", "local") or "local"
    if engine == "local" and (jobs if jobs is not None else getattr(options, "jobs", None)) == 1:
        return "in-process"
    return engine


def _run_spec(options, lexicons, stopwords):
    from framing.analysis import RunSpec
    from framing.english import load_stopwords_en

    return RunSpec(lexicons=tuple(lexicons), stopwords=frozenset(stopwords), attribution=bool(options.attribution),
                   topics=bool(options.topics), events=bool(options.events), morphology_db=options.morphology_db,
                   titles=bool(getattr(options, "titles", True)),
                   stopwords_en=load_stopwords_en())  # read once here, not by every worker


def _drop_context(spec) -> None:
    """Let this process's run context go once the map and the events are done: its matcher,
    extractor and featurizer (with the caches they filled) would otherwise stay resident through
    the report (20k articles: 35 MB); the next run in this process builds it again."""
    from framing import analysis

    analysis._CONTEXT.pop(spec.key, None)


def _prime_context(spec, matcher: Matcher, extractor) -> None:
    """Reuse the matcher and extractor already built by :func:`run_compare` for the in-process engine."""
    from framing import analysis

    if spec.key not in analysis._CONTEXT:
        analysis._CONTEXT.clear()
        analysis._CONTEXT[spec.key] = analysis.RunContext(spec, matcher=matcher, extractor=extractor)


#: below this many documents the default (no --jobs) runs in this process: starting workers costs more
SMALL_CORPUS = 256


def _jobs(options, corpus) -> int | None:
    """``--jobs`` as given; by default every core, or 1 for a small corpus on the local engine."""
    jobs = getattr(options, "jobs", None)
    if jobs is None and (getattr(options, "engine", "local") or "local") == "local":
        from framing.errors import FramingError

        try:
            n = len(corpus)
        except FramingError:  # an unusable corpus is reported by the analysis pass
            return jobs
        if min(n, options.limit if options.limit is not None else n) < SMALL_CORPUS:
            return 1
    return jobs


def _mapped(options, corpus, spec, jobs):
    from framing.engine import map_corpus

    return map_corpus(corpus, spec, limit=options.limit, jobs=jobs,
                      engine=getattr(options, "engine", "local") or "local",
                      scheduler=getattr(options, "scheduler", None))


def _date_range(documents: pd.DataFrame) -> list[str | None]:
    dates = documents["date"].dropna().astype(str)
    dates = dates[dates != ""]
    if dates.empty:
        return [None, None]
    return [dates.min()[:10], dates.max()[:10]]


def fingerprint_file(path: str | Path) -> str:
    """The SHA-256 of a file (read in blocks: :func:`framing.output.sha256_file`)."""
    from framing.output import sha256_file

    return sha256_file(Path(path))


def corpus_limits(options: CompareOptions) -> dict[str, int]:
    """The reader bounds ``options`` sets (the others keep :func:`framing.corpus.load_corpus`'s defaults)."""
    names = ("max_document_chars", "max_record_bytes", "max_file_bytes", "max_corpus_bytes", "max_json_depth")
    return {n: getattr(options, n) for n in names if getattr(options, n, None) is not None}


class ReplayWarning(UserWarning):
    """A run replayed with ``--allow-changed`` although its inputs differ from the recorded ones."""


def _read_run_json(run_json: str | Path) -> dict:
    """The parsed ``run.json`` of a finished run (a :class:`ConfigError` if it is not one)."""
    path = Path(run_json)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("run.json not found", path=path, hint="pass the run.json of a finished run") from None
    except IsADirectoryError:
        raise ConfigError("this is a folder, not a run.json", path=path,
                          hint=f"pass {path / 'run.json'}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read run.json ({exc.strerror})", path=path, hint="check the file") from None
    except ValueError as exc:
        raise ConfigError(f"run.json is not valid JSON ({exc})", path=path,
                          hint="pass the run.json written by 'framing compare'") from None
    if not isinstance(data, dict) or not isinstance(data.get("options"), dict):
        raise ConfigError("not a framing run.json (no 'options' object)", path=path,
                          hint="pass the run.json written by 'framing compare'")
    return data


def _type_name(annotation) -> str:
    return str(annotation).replace("typing.", "").replace("<class '", "").replace("'>", "")


def load_run_options(run_json: str | Path) -> CompareOptions:
    """The options of a finished run, from its ``run.json`` (for ``--from-run``).

    Every option is checked: unknown names, a missing corpus or a value of the wrong type
    (``limit: "abc"``, ``corpus: null``) are a one-line :class:`ConfigError`.
    """
    import typing

    from framing.config import option_fits

    path = Path(run_json)
    opts = _read_run_json(path)["options"]
    hints = typing.get_type_hints(CompareOptions)
    unknown = sorted(set(opts) - set(hints))
    if unknown:
        raise ConfigError(f"run.json has unknown option(s) {', '.join(map(repr, unknown))}", path=path,
                          hint="remove them, or replay with the framing version that wrote this run")
    for name, value in opts.items():
        if not option_fits(value, hints[name]):
            raise ConfigError(f"option {name!r} is {json.dumps(value, ensure_ascii=False)[:60]}, expected "
                              f"{_type_name(hints[name])}", path=path, hint="fix the value in run.json")
    if not opts.get("corpus"):
        raise ConfigError("run.json options name no corpus", path=path, hint="set options.corpus to the corpus path")
    if isinstance(opts.get("limit"), int) and opts["limit"] < 0:
        raise ConfigError(f"option 'limit' is {opts['limit']}, expected a number ≥ 0", path=path,
                          hint="fix the value in run.json")
    return CompareOptions(**opts)


def provenance_changes(recorded: dict, corpus, lexicons: list[Lexicon]) -> list[str]:
    """What differs between a recorded run (its ``run.json``) and the corpus and lexicons found now.

    The corpus is compared by :meth:`framing.corpus.Corpus.fingerprint`; each recorded lexicon
    by SHA-256 — the loaded lexicon of that name, else the file at its recorded path (defaults
    brought in for verbs and sources); a loaded lexicon the run did not record is a change too.
    """
    changes = []
    rec_corpus = recorded.get("corpus") if isinstance(recorded.get("corpus"), dict) else {}
    expected = rec_corpus.get("fingerprint")
    if not expected:
        changes.append("run.json records no corpus fingerprint")
    elif corpus.fingerprint() != expected:
        changes.append(f"corpus {rec_corpus.get('path') or ''} changed (fingerprint {expected[:12]}… recorded)")
    loaded = {lx.name: lx for lx in lexicons}
    rec_lex = recorded.get("lexicons")
    if not isinstance(rec_lex, list) or not all(isinstance(x, dict) for x in rec_lex):
        return [*changes, "run.json records no lexicon list"]
    seen = set()
    for entry in rec_lex:
        name, sha, where = str(entry.get("name")), entry.get("sha256"), entry.get("path")
        seen.add(name)
        if name in loaded:
            if loaded[name].sha256 != sha:
                changes.append(f"lexicon {name!r} ({loaded[name].path}) changed")
            continue
        try:
            found = fingerprint_file(where) if where else None
        except OSError:
            found = None
        if found is None:
            changes.append(f"lexicon {name!r} ({where}) not found")
        elif found != sha:
            changes.append(f"lexicon {name!r} ({where}) changed")
    changes += [f"lexicon {name!r} ({lx.path}) was not used by the recorded run"
                for name, lx in sorted(loaded.items()) if name not in seen]
    return changes


def _stage_manifest(command: str, corpus_path, corpus, options: dict, info: dict) -> dict:
    return {"framing_run": 1, "command": command, "options": options, "argv": sys.argv, "versions": _versions(),
            "seed": options.get("seed"), "corpus": {"path": str(corpus_path), "fingerprint": corpus.fingerprint()},
            "stages": {command: info},
            "problems": [asdict(p) for p in corpus.problems[:1000]], "problems_total": len(corpus.problems)}


def _load(corpus, text_field, outlet_field, date_field, id_field):
    from framing.corpus import load_corpus

    return load_corpus(corpus, text_field=text_field, outlet_field=outlet_field, date_field=date_field,
                       id_field=id_field)


def run_topics(corpus: str, *, out: str | None = None, text_field: str = "text", outlet_field: str = "outlet",
               date_field: str = "date", id_field: str = "id", embedding_model: str | None = None,
               n_topics: str = "auto", labels: str | None = None, save_model: str | None = None, seed: int = 42,
               limit: int | None = None, progress: bool = False, overwrite: bool = False) -> Path:
    """The topic stage alone (``framing topics``): topics.csv, topic_mix.csv, outlet_topics.csv,
    topic_labels.yaml, charts and run.json in ``out`` (default ``outputs/<corpus>-topics``; an earlier
    run there is replaced only with ``overwrite``)."""
    from framing import charts
    from framing.topics import fit_corpus_topics

    options = {k: v for k, v in locals().items() if k not in ("charts", "fit_corpus_topics")}
    c = _load(corpus, text_field, outlet_field, date_field, id_field)
    target = Path(out) if out else Path("outputs") / (Path(corpus.rstrip("/")).name.split(".")[0] + "-topics")
    result = fit_corpus_topics(lambda: _iter_docs(c, limit), seed=seed, embedding_model=embedding_model,
                               n_topics=n_topics, labels=labels, progress=progress)
    output = RunOutput(target, overwrite=overwrite, protect=[corpus, labels, save_model])
    try:
        result.write(output)
        output.save_figure("topic_mix", charts.plot_topic_mix(result.outlet_mix))
        output.save_figure("topic_heatmap", charts.plot_topic_heatmap(result.outlet_mix))
        if save_model:
            result.model.save(save_model)
        output.write_text("run.json", json.dumps(_stage_manifest("topics", corpus, c, options, result.info),
                                                 ensure_ascii=False, indent=2, sort_keys=True, default=str))
    except BaseException:
        output.abort()
        raise
    return output.commit()


def run_events(corpus: str, *, out: str | None = None, text_field: str = "text", outlet_field: str = "outlet",
               date_field: str = "date", id_field: str = "id", window_days: int = 2, threshold: float | None = None,
               limit: int | None = None, overwrite: bool = False) -> Path:
    """The event grouping alone (``framing events``): events.csv, event_assignments.csv and run.json
    in ``out`` (default ``outputs/<corpus>-events``; an earlier run there is replaced only with ``overwrite``)."""
    from framing.events import group_events

    options = {k: v for k, v in locals().items() if k != "group_events"}
    c = _load(corpus, text_field, outlet_field, date_field, id_field)
    target = Path(out) if out else Path("outputs") / (Path(corpus.rstrip("/")).name.split(".")[0] + "-events")
    kwargs = {"window_days": window_days}
    if threshold is not None:
        kwargs["threshold"] = threshold
    result = group_events(_iter_docs(c, limit), **kwargs)
    output = RunOutput(target, overwrite=overwrite, protect=[corpus])
    try:
        output.write_csv("events.csv", result.events)
        output.write_csv("event_assignments.csv", result.assignments)
        output.write_text("run.json", json.dumps(_stage_manifest("events", corpus, c, options, result.info),
                                                 ensure_ascii=False, indent=2, sort_keys=True, default=str))
    except BaseException:
        output.abort()
        raise
    return output.commit()
