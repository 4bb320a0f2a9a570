"""The one place that runs the stages in order.

::

    corpus ─(scan)─→ map: analysis.analyze_document per document (engine: in-process,
                     process pool, Dask) ─→ ordered results
           ─→ reductions: hits/attributions/excluded streamed to files, outlet scores,
              distinguishing terms + term evidence, topics (units), events (features)
           ─→ report (CSV/Parquet, charts, report.md/html, run.json)

:func:`run_compare` reads the corpus twice (the reader's scan, then the one analysis
pass) and normalizes every document once; every later stage works from the compact
per-document results (:class:`framing.analysis.DocumentResult`), never from the text again.

>>> from framing.pipeline import CompareOptions, run_compare
>>> result = run_compare(CompareOptions(corpus="seeds", out="outputs/seeds"))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from framing.errors import ConfigError, StrictModeError
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
from framing.reduce import TextSpill, reduce_results, term_evidence_from_texts, with_display_forms
from framing.scoring import score_columns

__all__ = ["HIT_COLUMNS", "CompareOptions", "RunResult", "run_compare"]

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


def run_compare(options: CompareOptions, *, progress: Callable[[int, int], None] | None = None,
                stage: Callable[[str], None] | None = None, replay: str | Path | None = None,
                allow_changed: bool = False, warn: Callable[[str], None] | None = None) -> RunResult:
    """Run the whole comparison and write the output folder atomically.

    ``progress(documents_done, bytes_done)`` is called while streaming; ``stage(name)``
    when a stage starts. With ``replay`` (the ``run.json`` the options came from, see
    :func:`load_run_options`), the corpus fingerprint and every lexicon's SHA-256 recorded
    there are checked against the files found: a difference is a :class:`ConfigError`, or,
    with ``allow_changed``, a warning. ``warn(message)`` receives warnings (default:
    :func:`warnings.warn`), including what was recovered from an interrupted earlier run.
    """
    from framing.corpus import load_corpus
    from framing.output import check_out_dir, output_error

    if warn is None:
        import warnings

        def warn(message: str) -> None:
            warnings.warn(message, ReplayWarning, stacklevel=3)

    t0 = time.time()
    timings: dict[str, float] = {}
    current: list = [None, t0]

    def say(name: str) -> None:  # report a stage and time it (run.json: stage_seconds)
        now = time.time()
        if current[0] is not None:
            timings[current[0]] = round(timings.get(current[0], 0.0) + now - current[1], 2)
        current[:] = [name, now]
        if stage is not None:
            stage(name)

    table_formats(options.format)  # refuse a bad --format before anything is written
    lexicon_paths = [options.lexicons] if isinstance(options.lexicons, str | Path) else (options.lexicons or [])
    inputs = [options.corpus, options.manifest, options.boilerplate, options.morphology_db, options.topic_labels,
              *lexicon_paths]
    check_out_dir(options.resolved_out(), overwrite=options.overwrite, protect=inputs)  # before any work
    recorded = _read_run_json(replay) if replay is not None else None
    say("loading lexicons")
    lexicons = load_lexicons(options.lexicons)
    framing_lex, verbs, sources = _split_lexicons(lexicons, options.lexicons)
    actors = sorted({a for lx in framing_lex for a in lx.actors})
    categories = sorted({c for lx in framing_lex for c in lx.categories})
    lemmatizer = None
    if options.morphology_db:
        from framing.morphology import MorphologyLemmatizer

        lemmatizer = MorphologyLemmatizer(options.morphology_db)
    matcher = Matcher(framing_lex, lemmatizer=lemmatizer)
    for line in overlap_lines(framing_lex):  # layered lexicons: the first given wins
        warn(line)
    extractor = None
    if options.attribution:
        from framing.attribution import AttributionExtractor

        extractor = AttributionExtractor(verbs=verbs, sources=sources)
    stopwords = load_stopwords()

    say("loading corpus")
    corpus = load_corpus(options.corpus, text_field=options.text_field, outlet_field=options.outlet_field,
                         date_field=options.date_field, id_field=options.id_field, title_field=options.title_field,
                         manifest=options.manifest, boilerplate=options.boilerplate,
                         repeated_lines=options.repeated_lines, since=options.since, until=options.until,
                         outlets=options.outlets, **corpus_limits(options))
    if recorded is not None:
        changes = provenance_changes(recorded, corpus, lexicons)
        if changes and not allow_changed:
            raise ConfigError(f"the inputs differ from the recorded run: {'; '.join(changes)}", path=replay,
                              hint="restore the recorded files, or pass --allow-changed to replay anyway")
        if changes:
            warn(f"REPLAYING WITH CHANGED INPUTS — the results will differ from {replay}: {'; '.join(changes)}")
    out = RunOutput(options.resolved_out(), overwrite=options.overwrite, protect=inputs)
    for message in out.recovered:
        warn(message)
    try:
        result = _run(options, corpus, out, matcher, extractor, actors, categories, stopwords,
                      framing_lex + verbs + sources,  # every lexicon used, defaults brought in included
                      progress, say, t0, timings)
        from framing.attribution import untyped_warning

        if (message := untyped_warning(result.outlets)) is not None:
            warn(message)
    except OSError as exc:
        out.abort()
        if out.owns_error(exc):
            raise output_error(exc, out.dir) from None
        raise
    except BaseException:
        out.abort()
        raise
    return result


def _iter_docs(corpus, limit: int | None):
    for i, doc in enumerate(corpus.iter_documents()):
        if limit is not None and i >= limit:
            break
        yield doc


def _run(options, corpus, out: RunOutput, matcher: Matcher, extractor, actors, categories, stopwords,
         lexicons, progress, say, t0, timings: dict[str, float]) -> RunResult:
    """The map over documents (any engine) and the reductions, then the report."""
    from framing import report

    formats = table_formats(options.format)  # CSV and/or Parquet, columns and types from framing.records
    spec = _run_spec(options, lexicons, stopwords)
    _prime_context(spec, matcher, extractor)
    streams = {"hits": out.table_stream("hits", HIT_SCHEMA, formats),
               "attributions": out.table_stream("attributions", ATTRIBUTION_SCHEMA, formats) if extractor else None,
               "excluded": out.table_stream("excluded", EXCLUDED_SCHEMA, formats)}
    say("scanning corpus")  # the reader's first pass (document counts, repeated lines), timed on its own
    n_total = _scan(corpus)
    if n_total is not None and hasattr(progress, "total"):  # the CLI's bar: percentage and ETA
        progress.total(n_total if options.limit is None else min(n_total, options.limit))
    say("analysing documents")
    with TextSpill() as spill:
        jobs = _jobs(options, corpus)
        red = reduce_results(_mapped(options, corpus, spec, jobs), streams, spill, spec, progress)
        red.jobs = jobs or _default_jobs()
        for stream in streams.values():  # complete on disk before the report reads them
            if stream is not None:
                stream.close()
        problems = list(corpus.problems) + red.problems
        if not red.doc_ids:
            from framing.errors import CorpusError

            first = f"; first: {problems[0].source}: {problems[0].reason}" if problems else ""
            raise CorpusError(f"no document could be analysed ({len(problems)} input problem(s){first})",
                              path=options.corpus,
                              hint="check the input files and the field names (--text-field ...)")
        # --strict refuses as soon as the input has been read, before the slower stages
        if options.strict and (refused := [p for p in problems if p.action != "ignored"]):
            raise StrictModeError(f"{len(refused)} input problem(s) found (first: {refused[0].source}: "
                                  f"{refused[0].reason})", hint="fix the input or run without --strict")

        documents = red.documents_frame(actors, categories)
        say("comparing outlets")
        from framing.compare import distinguishing_terms_by_language, outlet_scores_from_counts

        outlets = outlet_scores_from_counts(red.outlets, red.tokens, red.counts_matrix(), actors=actors,
                                            categories=categories, n_boot=options.n_boot, seed=options.seed,
                                            languages=red.languages)
        terms = distinguishing_terms_by_language({"ar": red.term_counts, "en": red.term_counts_en},
                                                 top_n=options.top_terms)  # within a language only
        say("collecting term evidence")
        term_ev = term_evidence_from_texts(spill.texts(red.doc_ids, red.outlets), terms)
        terms = with_display_forms(terms, term_ev)

    stages: dict[str, dict] = {}
    attr_df = red.attributions_frame()
    red.attr_cols = {}
    attr_profile = None
    if extractor is not None:
        from framing.attribution import attribution_profile

        lengths = dict(zip(documents["doc_id"], documents["chars"] - documents["excluded_chars"], strict=True))
        doc_outlets = dict(zip(documents["doc_id"], documents["outlet"], strict=True))
        attr_profile = attribution_profile(attr_df, lengths, doc_outlets=doc_outlets)
        if attr_profile is not None and len(attr_profile):
            outlets = outlets.merge(attr_profile, on="outlet", how="left")

    topic_result = None
    if options.topics and (red.units or "en" not in red.languages):  # English-only: no (Arabic) topics
        say("fitting topics")
        from framing.topics import fit_corpus_topics, units_frame

        units = units_frame(red.units)
        red.units = []
        topic_result = fit_corpus_topics(units, seed=options.seed, embedding_model=options.embedding_model,
                                         n_topics=options.n_topics, labels=options.topic_labels)
        del units
        stages["topics"] = topic_result.info
        # one column per topic id (labels live in topics.csv and may be renamed later)
        wide = topic_result.outlet_mix.pivot_table(index="outlet", columns="topic", values="share",
                                                   aggfunc="sum", fill_value=0.0)
        wide.columns = [f"topic:{int(c)}" for c in wide.columns]
        outlets = outlets.merge(wide.reset_index(), on="outlet", how="left")

    event_result = None
    if options.events:
        say("grouping events")
        from framing.events import EventGrouper

        kwargs = {"window_days": options.event_window_days}
        if options.event_threshold is not None:
            kwargs["threshold"] = options.event_threshold
        from framing.analysis import context_for

        grouper = EventGrouper(**kwargs, lexicons=None)
        featurizer = context_for(spec).featurizer
        event_result = grouper.fit_features(red.events or [], featurizer=featurizer).result
        red.events = None
        stages["events"] = {**event_result.info, "lexicons": [lx.name for lx in lexicons
                                                              if lx.kind in ("framing", "sources")]}
        cols = ["doc_id", "event_id", "duplicate_of", "duplicate_similarity", "independent"]
        documents = documents.merge(event_result.assignments[cols], on="doc_id", how="left")
    for col in ("event_id", "duplicate_of", "duplicate_similarity", "independent"):
        if col not in documents:
            documents[col] = None

    score_cols = score_columns(actors, categories)
    documents = documents.reindex(columns=DOC_BASE_COLUMNS + score_cols)
    documents = documents.sort_values(["outlet", "doc_id"], kind="stable").reset_index(drop=True)

    say("writing report")
    n_docs = len(red.doc_ids)
    manifest = {
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
        "actors": list(actors),
        "categories": list(categories),
        "category_kinds": category_kinds(lexicons),  # loaded | topic | label (docs/lexicon-format.md)
        "lexicons": [{"name": lx.name, "kind": lx.kind, "version": lx.version, "path": str(lx.path),
                      "sha256": lx.sha256, "entries": len(lx.entries)} for lx in lexicons],
        "excluded_spans": dict(sorted(red.excluded_reasons.items())),
        "stages": stages,
        "morphology_db": ({"path": options.morphology_db, "sha256": matcher.lemmatizer.sha256}
                          if options.morphology_db else None),
        "problems": [asdict(p) for p in problems[:1000]],
        "problems_total": len(problems),
        "elapsed_seconds": round(time.time() - t0, 2),
        "stage_seconds": timings,
    }
    out.write_csv("term_evidence.csv", term_ev, columns=TERM_EVIDENCE_COLUMNS)
    report.write_run(out, options=options, documents=documents, outlets=outlets, terms=terms,
                     hits_evidence=red.evidence, attributions=attr_df, attr_profile=attr_profile,
                     topic_result=topic_result, event_result=event_result, problems=problems,
                     manifest=manifest, actors=actors, categories=categories, lexicons=lexicons, corpus=corpus,
                     term_counts=red.term_counts)
    final = out.commit()
    return RunResult(final, documents, outlets, terms, problems, manifest)


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

    return RunSpec(lexicons=tuple(lexicons), stopwords=frozenset(stopwords), attribution=bool(options.attribution),
                   topics=bool(options.topics), events=bool(options.events), morphology_db=options.morphology_db,
                   titles=bool(getattr(options, "titles", True)))


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


def _hit_dict(h) -> dict:
    return {"doc_id": h.doc_id, "lexicon": h.lexicon, "entry_id": h.entry_id, "actor": h.actor,
            "category": h.category, "term": h.term, "matched": h.matched, "start": h.start, "end": h.end,
            "stance": h.stance, "voice": h.voice, "speaker": h.speaker, "source_type": h.source_type,
            "attribution_id": h.attribution_id, "sentence_start": h.sentence_start,
            "sentence_end": h.sentence_end}


def _date_range(documents: pd.DataFrame) -> list[str | None]:
    dates = documents["date"].dropna().astype(str)
    dates = dates[dates != ""]
    if dates.empty:
        return [None, None]
    return [dates.min()[:10], dates.max()[:10]]


def fingerprint_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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
