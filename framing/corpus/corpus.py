"""The corpus: records of a reader checked, cleaned and turned into :class:`Document` s,
and cut into :class:`Partition` s for parallel engines.

Two passes. The *scan* (first use of ``len()``, ``outlet_counts()``, ``partitions()``, or an
iteration with repeated-line detection on) counts usable documents per outlet, the lines
each outlet repeats and the duplicate ids (renamed ``id~2``, ``id~3`` in reading order).
The *iteration* builds the documents. A partition applies the scan's results to its part,
so concatenating the partitions' documents gives exactly ``corpus.iter_documents()``, ids
and problems included.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from framing.corpus.cleaning import (
    _STRIP,
    Boilerplate,
    RepeatedLine,
    RepeatedLineRule,
    _line_spans,
    _LineCounter,
    html_spans,
    line_hash,
)
from framing.corpus.decoding import _SURROGATE
from framing.corpus.fields import (
    UNKNOWN_OUTLET,
    FieldMap,
    _clean,
    _describe,
    _discard,
    _join,
    _Raw,
    _truncate,
    normalize_date,
)
from framing.corpus.files import _Budget, _NotRegular, _open_regular, _size, _TooLarge
from framing.corpus.filters import DocumentFilter
from framing.corpus.limits import CorpusLimits, split_text
from framing.errors import CorpusError
from framing.language import language_of
from framing.records import Document, Problem, Span, mask_spans


@dataclass(frozen=True, slots=True)
class _Settings:
    """What turns a reader's records into documents (shared by the corpus and its partitions)."""

    fields: FieldMap
    boilerplate: Boilerplate | None
    repeated_rule: RepeatedLineRule | None
    html: str
    limits: CorpusLimits
    manifest: Path | None
    filter: DocumentFilter | None = None  # --since/--until/--outlets: records left out (counted, not problems)


@dataclass(slots=True)
class _Scan:
    documents: int
    outlet_documents: dict[str, int]
    repeated: dict[str, dict[int, int]]
    renames: list[dict[int, str]]  # per partition: ordinal of a document -> its unique id
    line_documents: dict[str, int] = field(default_factory=dict)  # per outlet, split documents counted once
    filtered: dict[str, int] = field(default_factory=dict)  # records left out by the filter, per reason
    # per partition: the line of each document in reading order (0 without one), which places the
    # chunks of lines a worker reads (framing.corpus.chunks) among the documents: their ordinals
    doc_lines: list[array] = field(default_factory=list)


class MultiReader:
    """Several readers read one after the other (shards, a glob)."""

    def __init__(self, readers: Sequence[Any], kind: str = "shards"):
        self.readers = tuple(readers)
        self.kind = kind

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(p for r in self.readers for p in r.files)

    def fingerprint_items(self) -> list[tuple[str, Any]]:
        items = []
        for reader in self.readers:
            for name, item in reader.fingerprint_items():
                label = name or (item.name if isinstance(item, Path) else reader.kind)
                items.append((label, item))
        return items

    def split(self) -> list[Any]:
        return [part for reader in self.readers for part in reader.split()]

    def refusal(self, path: Path) -> tuple[str, str] | None:
        for reader in self.readers:
            if path in reader.files:
                return reader.refusal(path)
        return None

    def iter_raw(self, limits: CorpusLimits, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        for reader in self.readers:
            yield from reader.iter_raw(limits, sink, budget)


# --------------------------------------------------------------------------- per document


def _iter_raw(reader: Any, settings: _Settings, sink: Callable[[Problem], Any], path: Any) -> Iterator[_Raw]:
    budget = _Budget(settings.limits.max_corpus_bytes)
    try:
        yield from reader.iter_raw(settings.limits, sink, budget)
    except _TooLarge as exc:  # only the corpus-wide bound gets here
        raise CorpusError(f"the corpus is larger than {_size(exc.limit)} decompressed "
                          f"(max_corpus_bytes={exc.limit})", path=path,
                          hint="raise the bound with --max-corpus-bytes (max_corpus_bytes= in Python)") from None


def _documents(reader: Any, settings: _Settings, sink: Callable[[Problem], Any], path: Any,
               filtered: Callable[[str, _Raw], Any] | None = None) -> Iterator[tuple[_Raw, str]]:
    """Usable records with their prepared text; a text over ``max_document_chars`` is split
    into parts ``id#1``, ``id#2``, … (one ``split document`` problem). Records the filter
    leaves out are passed to ``filtered(reason, raw)`` (before any check: they are not problems)."""
    max_chars = settings.limits.max_document_chars
    keep = settings.filter
    for raw in _iter_raw(reader, settings, sink, path):
        if keep is not None and (why := keep.reason(raw.outlet, raw.date)) is not None:
            if filtered is not None:
                filtered(why, raw)
            continue
        text = _prepare(raw, settings, sink)
        if text is None:
            continue
        if len(text) <= max_chars:
            yield raw, text
            continue
        parts = split_text(text, max_chars)
        doc_id = raw.doc_id
        sink(Problem(raw.source, "split document", "altered", f"{doc_id}#1", raw.line,
                     _join(raw.where, f"{len(text):,} characters, over max_document_chars={max_chars:,}: "
                           f"split into {len(parts)} parts {doc_id}#1 … {doc_id}#{len(parts)} at "
                           f"paragraph/sentence/word boundaries (raise the bound with --max-document-chars)")))
        for k, part in enumerate(parts, 1):
            yield replace(raw, doc_id=f"{doc_id}#{k}", meta=[*raw.meta, ("part", f"{k}/{len(parts)}")], part=k), part


def _prepare(raw: _Raw, settings: _Settings, sink: Callable[[Problem], Any]) -> str | None:
    """The text to keep, or ``None`` (reported) when the record is not usable."""
    text = raw.text
    doc_id = raw.doc_id
    where = raw.where
    text_field = settings.fields.text
    if text is None or (isinstance(text, str) and not text):
        if text is None:
            sink(Problem(raw.source, "missing text", "skipped", doc_id, raw.line,
                         _join(where, f"no '{text_field}' field")))
        else:
            sink(Problem(raw.source, "empty document", "skipped", doc_id, raw.line, where))
        return None
    if not isinstance(text, str):
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            text = str(text)
        else:
            sink(Problem(raw.source, "malformed row", "skipped", doc_id, raw.line,
                         _join(where, f"'{text_field}' is a {type(text).__name__}, not text")))
            return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        first = text.index("\x00")
        n = text.count("\x00")
        text = text.replace("\x00", " ")
        line = raw.line if raw.line is not None else text.count("\n", 0, first) + 1
        sink(Problem(raw.source, "NUL characters", "altered", doc_id, line,
                     _join(where, f"{n} NUL character(s) replaced by spaces")))
    if _SURROGATE.search(text):
        n = len(_SURROGATE.findall(text))
        text = _SURROGATE.sub("\ufffd", text)
        sink(Problem(raw.source, "undecodable bytes", "altered", doc_id, raw.line,
                     _join(where, f"{n} undecodable byte(s) replaced by U+FFFD")))
    if text.isspace():
        sink(Problem(raw.source, "empty document", "skipped", doc_id, raw.line, where))
        return None
    detection = language_of(raw.language, text)  # the language field, else the text's script and words
    if not detection.supported:
        sink(Problem(raw.source, "unsupported language", "skipped", doc_id, raw.line,
                     _join(where, f"{detection.language}: {detection.reason}: "
                                  f"{_truncate(' '.join(text.split()), 60)}")))
        return None
    raw.language = detection.language
    return text


def _unique_id(doc_id: str, seen: set[str]) -> str:
    """``doc_id``, or ``doc_id~2``, ``~3``, … when already used; records the result in ``seen``."""
    new_id = doc_id
    if doc_id in seen:
        k = 2
        while f"{doc_id}~{k}" in seen:
            k += 1
        new_id = f"{doc_id}~{k}"
    seen.add(new_id)
    return new_id


def resolve_duplicate_ids(ids: Iterable[str]) -> list[str]:
    """Unique ids for ``ids`` in order: a repeated id becomes ``id~2``, ``id~3``, … — the
    renaming the corpus applies (its scan computes it once for all partitions).

    >>> resolve_duplicate_ids(["a", "b", "a", "a~2", "a"])
    ['a', 'b', 'a~2', 'a~2~2', 'a~3']
    """
    seen: set[str] = set()
    return [_unique_id(i, seen) for i in ids]


def _build(raw: _Raw, text: str, settings: _Settings, sink: Callable[[Problem], Any], doc_id: str,
           repeated: dict[str, Any], line_texts: dict[str, dict[int, str]]) -> Document:
    source, line, where = raw.source, raw.line, raw.where
    if doc_id != raw.doc_id:
        sink(Problem(source, "duplicate id", "altered", doc_id, line,
                     _join(where, f"id '{raw.doc_id}' was already used; renamed to '{doc_id}'")))
    fields = settings.fields
    outlet = _clean(raw.outlet)
    if outlet is None:
        outlet = UNKNOWN_OUTLET
        if raw.not_in_manifest:
            sink(Problem(source, "not in manifest", "altered", doc_id, line,
                         f"outlet '{UNKNOWN_OUTLET}'; add a row for this file to {settings.manifest}"))
        elif raw.missing_outlet == "record":
            sink(Problem(source, "missing outlet", "altered", doc_id, line,
                         _join(where, f"no '{fields.outlet}' value; outlet '{UNKNOWN_OUTLET}'")))
        elif raw.missing_outlet == "manifest":
            sink(Problem(source, "missing outlet", "altered", doc_id, line,
                         f"the manifest row has no outlet; outlet '{UNKNOWN_OUTLET}'"))

    meta = list(raw.meta)
    date_raw = _clean(raw.date)
    date = None
    if date_raw is not None:
        date = normalize_date(date_raw)
        if date is None:
            date = date_raw
            sink(Problem(source, "unparseable date", "altered", doc_id, line,
                         _join(where, f"kept as written: {date_raw!r}")))
        elif date != date_raw:
            meta.append((fields.date, date_raw))

    spans: list[Span] = []
    scan_text = text
    if settings.html == "strip":
        markup = html_spans(text)
        if markup:
            spans.extend(markup)
            sink(Problem(source, "html markup", "excluded", doc_id, line,
                         _join(where, f"{len(markup)} tag(s)/entit(ies) excluded")))
            scan_text = mask_spans(text, markup)
    outlet_repeated = repeated.get(outlet)
    rule = settings.repeated_rule
    if settings.boilerplate is not None or outlet_repeated:
        spans.extend(_line_spans(scan_text, settings.boilerplate, outlet_repeated, line_texts.get(outlet),
                                 rule.min_chars if rule else 8))
    spans.sort(key=lambda s: (s.start, s.end))

    return Document(
        doc_id=doc_id,
        text=text,
        outlet=outlet,
        date=date,
        title=_clean(raw.title),
        url=_clean(raw.url),
        event=_clean(raw.event),
        language=_clean(raw.language) or "ar",
        source=source if line is None else f"{source}:{line}",
        excluded=tuple(spans),
        meta=tuple(meta),
    )


def _masked(text: str, html: str) -> str:
    if html == "strip":
        spans = html_spans(text)
        if spans:
            return mask_spans(text, spans)
    return text


# --------------------------------------------------------------------------- partitions


@dataclass
class Partition:
    """A consecutive part of a corpus that a worker reads and turns into documents by itself.

    Small and picklable: a reader of its files / row groups / rows, the settings, and the
    scan's results it needs (the outlets' repeated lines as stable hashes, the renamed
    duplicate ids of its documents). After :meth:`iter_documents`, ``problems`` holds the
    problems of this part in reading order and ``line_texts`` the repeated lines it met;
    give both back to :meth:`Corpus.merge_partitions`.
    """

    index: int
    reader: Any
    settings: _Settings
    repeated: dict[str, frozenset[int]]
    renames: dict[int, str]
    path: str = ""
    problems: list[Problem] = field(default_factory=list)
    line_texts: dict[str, dict[int, str]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Partition({self.index}, {self.reader.__class__.__name__})"

    def iter_documents(self) -> Iterator[Document]:
        """The documents of this part, exactly as :meth:`Corpus.iter_documents` yields them."""
        problems: list[Problem] = []
        self.problems = problems
        sink = problems.append
        line_texts: dict[str, dict[int, str]] = {outlet: {} for outlet in self.repeated}
        self.line_texts = line_texts
        renames = self.renames
        for k, (raw, text) in enumerate(_documents(self.reader, self.settings, sink, self.path)):
            yield _build(raw, text, self.settings, sink, renames.get(k, raw.doc_id), self.repeated, line_texts)


# --------------------------------------------------------------------------- the corpus


class Corpus:
    """A corpus read as a stream of :class:`Document`.

    Build it with :func:`~framing.corpus.load_corpus`. ``iter_documents()`` re-reads the
    input on every call (nothing is kept in memory but small per-outlet tables); ``problems``
    collects what was skipped or altered during the latest iteration and is complete once an
    iteration has finished. ``partitions()`` cuts it for parallel engines.
    """

    def __init__(self, path: Path | str, kind: str, reader: Any, *, fields: FieldMap,
                 boilerplate: Boilerplate | None = None, repeated_lines: RepeatedLineRule | None = None,
                 html: str = "strip", limits: CorpusLimits | None = None, manifest: Path | None = None,
                 corpus_problems: Sequence[Problem] = (), filter: DocumentFilter | None = None):
        self.path = path
        self.kind = kind  # folder | txt | csv | jsonl | json | parquet | shards | dataframe | records
        self.fields = fields
        self.manifest = manifest
        self.boilerplate = boilerplate
        self.repeated_rule = repeated_lines
        self.html = html
        self.limits = limits if limits is not None else CorpusLimits()
        self._reader = reader
        self.filter = filter
        self._settings = _Settings(fields, boilerplate, repeated_lines, html, self.limits, manifest, filter)
        self._corpus_problems = tuple(corpus_problems)
        self._parts: list[Any] | None = None
        self._scan: _Scan | None = None
        self._line_texts: dict[str, dict[int, str]] | None = None
        self.problems: list[Problem] = list(self._corpus_problems)

    # -- public ---------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r}, kind={self.kind!r})"

    def __iter__(self) -> Iterator[Document]:
        return self.iter_documents()

    def __len__(self) -> int:
        """Number of usable documents (one counting pass the first time)."""
        return self._ensure_scan().documents

    @property
    def corpus_problems(self) -> tuple[Problem, ...]:
        """Problems of the corpus as a whole (listing a folder, fields no record has), which
        come before the problems of the documents."""
        return self._corpus_problems

    @property
    def files(self) -> tuple[Path, ...]:
        """The input files (text files of a folder, the record file(s); none for a DataFrame)."""
        return self._reader.files

    def outlet_counts(self) -> dict[str, int]:
        """Usable documents per outlet, sorted by outlet."""
        return dict(sorted(self._ensure_scan().outlet_documents.items()))

    @property
    def outlets(self) -> list[str]:
        return list(self.outlet_counts())

    def filtered_out(self) -> dict[str, int]:
        """Records the ``since``/``until``/``outlets`` filter left out, per reason (``no date``,
        ``before since``, ``after until``, ``outlet not selected``); empty without a filter."""
        return dict(sorted(self._ensure_scan().filtered.items()))

    def iter_documents(self) -> Iterator[Document]:
        """Stream the documents, in a stable order (file name, then record order).

        Calling it again re-reads the input. Raises :class:`CorpusError` at the end if no
        document was usable.
        """
        repeated = self._ensure_scan().repeated if self.repeated_rule is not None else {}
        problems: list[Problem] = list(self._corpus_problems)
        self.problems = problems
        sink = problems.append
        seen_ids: set[str] = set()
        line_texts: dict[str, dict[int, str]] = {outlet: {} for outlet in repeated}
        count = 0
        settings = self._settings
        for raw, text in _documents(self._reader, settings, sink, self.path):
            count += 1
            yield _build(raw, text, settings, sink, _unique_id(raw.doc_id, seen_ids), repeated, line_texts)
        if count == 0:
            raise self._empty_error(problems)
        self._line_texts = line_texts

    def partitions(self) -> list[Partition]:
        """The corpus cut into consecutive, picklable :class:`Partition` s (groups of files of
        a folder, one per shard of a glob, one per Parquet row group, 10,000 rows of a
        DataFrame; a single CSV/JSONL/JSON file is one partition).

        Runs the scan first (once). ``[d for p in corpus.partitions() for d in
        p.iter_documents()]`` equals ``list(corpus.iter_documents())``; the problems are
        ``corpus.corpus_problems`` followed by each partition's ``problems`` in order
        (:meth:`merge_partitions` does that). A parallel engine::

            def read(part):                      # runs in a worker
                return list(part.iter_documents()), part.problems, part.line_texts

            results = pool.map(read, corpus.partitions())      # in partition order
            documents = [d for docs, _p, _l in results for d in docs]
            corpus.merge_partitions([(p, lines) for _d, p, lines in results])
        """
        scan = self._ensure_scan()
        repeated = ({outlet: frozenset(counts) for outlet, counts in scan.repeated.items()}
                    if self.repeated_rule is not None else {})
        return [Partition(i, reader, self._settings, repeated, scan.renames[i], str(self.path))
                for i, reader in enumerate(self._partition_readers())]

    def merge_partitions(self, results: Iterable[Partition | tuple[Sequence[Problem], dict[str, dict[int, str]]]]
                         ) -> list[Problem]:
        """Set ``problems`` (and the repeated-line summary) from partitions read elsewhere,
        given in partition order as :class:`Partition` objects or ``(problems, line_texts)``."""
        problems = list(self._corpus_problems)
        line_texts: dict[str, dict[int, str]] = {}
        for result in results:
            part_problems, part_texts = ((result.problems, result.line_texts) if isinstance(result, Partition)
                                         else result)
            problems.extend(part_problems)
            for outlet, texts in part_texts.items():
                merged = line_texts.setdefault(outlet, {})
                for h, s in texts.items():
                    merged.setdefault(h, s)
        self.problems = problems
        self._line_texts = line_texts
        return problems

    def repeated_lines(self) -> list[RepeatedLine]:
        """The lines excluded as ``repeated-line``, per outlet (most frequent first).

        Reads the corpus once more if no full iteration has finished yet.
        """
        if self.repeated_rule is None:
            return []
        scan = self._ensure_scan()
        if self._line_texts is None:
            self._line_texts = self._collect_line_texts(scan)
        rows = []
        for outlet, counts in scan.repeated.items():
            texts = self._line_texts.get(outlet, {})
            for h, n in counts.items():
                if h in texts:
                    rows.append(RepeatedLine(outlet, _truncate(texts[h], 120), n, scan.line_documents[outlet]))
        rows.sort(key=lambda r: (r.outlet, -r.documents, r.line))
        return rows

    def excluded_lines(self) -> list[dict[str, Any]]:
        """:meth:`repeated_lines` as plain rows (``outlet, line, documents, outlet_documents``) for a table."""
        return [asdict(row) for row in self.repeated_lines()]

    def fingerprint(self) -> str:
        """SHA-256 (hex) of the input bytes: every input file (and its name in a folder) and the manifest.

        Reads the files the scan accepted, through the same guard as the reader; a file that
        disappeared or became unreadable since is hashed as a marker (the fingerprint then
        differs), never an error. An in-memory table is hashed record by record.
        """
        digest = hashlib.sha256()
        for name, item in self._reader.fingerprint_items():
            digest.update(name.encode("utf-8") + b"\0")
            if isinstance(item, bytes):
                digest.update(item)
            else:
                try:
                    refusal = self._reader.refusal(item) if name != "\0manifest" else None
                    if refusal is not None:
                        raise _NotRegular(refusal[0])
                    with _open_regular(item) as fh:
                        for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                            digest.update(chunk)
                except OSError as exc:  # gone or unreadable since the scan: recorded, not fatal
                    digest.update(b"\0unreadable\0" + type(exc).__name__.encode())
            digest.update(b"\0")
        return digest.hexdigest()

    # -- passes ---------------------------------------------------------------------
    def _partition_readers(self) -> list[Any]:
        if self._parts is None:
            self._parts = list(self._reader.split())
        return self._parts

    def _ensure_scan(self) -> _Scan:
        if self._scan is None:
            self._scan = self._run_scan()
        return self._scan

    def _run_scan(self) -> _Scan:
        """First pass: usable documents per outlet, line hash counts (if enabled) and the
        renamed duplicate ids, partition by partition."""
        rule = self.repeated_rule
        counter = _LineCounter() if rule is not None else None
        outlet_docs: Counter[str] = Counter()
        problems: list[Problem] = []
        sink = problems.append
        seen_ids: set[str] = set()
        renames: list[dict[int, str]] = []
        doc_lines: list[array] = []
        settings = self._settings
        # the parts of a split document count as one document for repeated lines: their
        # lines are pooled, so a line repeated inside one long text is not "site boilerplate"
        line_docs: Counter[str] = Counter()
        pooled: set[int] = set()
        pooled_outlet = ""
        filtered: Counter[str] = Counter()
        seen_outlets: set[str] = set()

        def left_out(reason: str, raw: _Raw) -> None:
            filtered[reason] += 1
            seen_outlets.add(_clean(raw.outlet) or UNKNOWN_OUTLET)

        for reader in self._partition_readers():
            part_renames: dict[int, str] = {}
            part_lines = array("q")
            for k, (raw, text) in enumerate(_documents(reader, settings, sink, self.path, left_out)):
                part_lines.append(raw.line or 0)
                new_id = _unique_id(raw.doc_id, seen_ids)
                if new_id != raw.doc_id:
                    part_renames[k] = new_id
                outlet = _clean(raw.outlet) or UNKNOWN_OUTLET
                outlet_docs[outlet] += 1
                seen_outlets.add(outlet)
                if counter is not None:
                    masked = _masked(text, self.html)
                    min_chars = rule.min_chars
                    hashes = {line_hash(s) for s in (ln.strip(_STRIP) for ln in masked.split("\n"))
                              if len(s) >= min_chars}
                    if raw.part > 1:
                        pooled |= hashes
                        continue
                    if pooled_outlet:
                        counter.add(pooled_outlet, pooled)
                        pooled_outlet, pooled = "", set()
                    line_docs[outlet] += 1
                    if raw.part == 1:
                        pooled_outlet, pooled = outlet, hashes
                    else:
                        counter.add(outlet, hashes)
            renames.append(part_renames)
            doc_lines.append(part_lines)
        if counter is not None and pooled_outlet:
            counter.add(pooled_outlet, pooled)
        if self.filter is not None and self.filter.outlets is not None:
            unknown = sorted(self.filter.outlets - seen_outlets)
            if unknown:
                from framing.errors import ConfigError

                known = ", ".join(sorted(seen_outlets)) or "none"
                raise ConfigError(f"outlet(s) {', '.join(map(repr, unknown))} not in the corpus (outlets: {known})",
                                  path=self.path, hint="give --outlets names exactly as the corpus writes them")
        total = sum(outlet_docs.values())
        if total == 0:
            raise self._empty_error(list(self._corpus_problems) + problems, filtered)
        repeated = counter.frequent(line_docs, rule) if counter is not None else {}
        return _Scan(total, dict(outlet_docs), repeated, renames, dict(line_docs), dict(filtered), doc_lines)

    def _collect_line_texts(self, scan: _Scan) -> dict[str, dict[int, str]]:
        wanted = {outlet: set(counts) for outlet, counts in scan.repeated.items()}
        found: dict[str, dict[int, str]] = {outlet: {} for outlet in wanted}
        missing = sum(len(v) for v in wanted.values())
        if not missing:
            return found
        documents = _documents(self._reader, self._settings, _discard, self.path)
        try:
            for raw, text in documents:
                outlet = _clean(raw.outlet) or UNKNOWN_OUTLET
                hashes = wanted.get(outlet)
                if not hashes:
                    continue
                for ln in _masked(text, self.html).split("\n"):
                    s = ln.strip(_STRIP)
                    h = line_hash(s)
                    if h in hashes and h not in found[outlet]:
                        found[outlet][h] = s
                        missing -= 1
                if missing <= 0:
                    break
        finally:
            documents.close()
        return found

    def _first_usable(self) -> None:
        """Raise :class:`CorpusError` unless at least one document is usable (stops at the first)."""
        problems: list[Problem] = []
        filtered: Counter[str] = Counter()
        documents = _documents(self._reader, self._settings, problems.append, self.path,
                               lambda reason, _raw: filtered.update((reason,)))
        try:
            for _raw_text in documents:
                return
        finally:
            documents.close()
        raise self._empty_error(list(self._corpus_problems) + problems, filtered)

    def _empty_error(self, problems: Sequence[Problem], filtered: Counter[str] | None = None) -> CorpusError:
        if filtered and self.filter is not None:
            counts = ", ".join(f"{n} {reason}" for reason, n in sorted(filtered.items()))
            return CorpusError(f"no document passes {self.filter.describe()} ({counts})", path=self.path,
                               hint="widen the dates or the outlets (dates are inclusive, YYYY-MM-DD)")
        skipped = [p for p in problems if p.action == "skipped"]
        if not skipped:
            return CorpusError("no documents found", path=self.path,
                               hint="give a folder of .txt files or a .csv/.jsonl/.json file with a text field")
        reasons = Counter(p.reason for p in skipped)
        summary = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
        examples = "; ".join(_describe(p) for p in skipped[:5])
        more = f"; ... and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        return CorpusError(
            f"no usable documents: {len(skipped)} skipped ({summary}): {examples}{more}",
            path=self.path,
            hint="check the encoding, the text field (--text-field) and that the texts are Arabic",
        )
