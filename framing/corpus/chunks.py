"""Chunks of raw lines: the main process reads, a worker turns them into documents.

For a corpus of JSON Lines files (one file, or shards) read by this process, the map's
engines need not have the documents built here: :func:`line_chunks` reads the lines only
(decompression, decoding, the per-line and per-file bounds) and cuts them into
:class:`LineChunk` s; a worker runs :func:`read_chunk` on each — JSON, the checks and
cleaning of :mod:`framing.corpus.corpus`, the scan's renamed ids and repeated lines — and gets
exactly the documents, problems and repeated-line texts of :meth:`Corpus.iter_documents` for
those lines. Concatenated in chunk order (:func:`merge_chunks`), they are the corpus's.

A problem found while reading the lines (a line over ``max_record_bytes``, a file over
``max_file_bytes``) travels in its chunk, at its place among the lines, so the worker lists
it in reading order. The scan knows the line of every document (``doc_lines``), which gives a
chunk the ordinal of its first document (for the renamed duplicate ids) and, with a
``limit``, where to stop.
"""

from __future__ import annotations

import hashlib
import pickle
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from framing.corpus.corpus import Corpus, _build, _documents
from framing.corpus.files import _Budget, _size, _TooLarge
from framing.corpus.recordfile import RecordFileReader
from framing.errors import CorpusError
from framing.records import Document, Problem

__all__ = ["LineChunk", "line_chunks", "merge_chunks", "read_chunk", "supports_line_chunks"]


@dataclass(slots=True)
class LineChunk:
    """Consecutive lines of one JSON Lines reader, as a worker gets them.

    ``context`` is the pickled ``(settings, repeated lines)`` of the corpus, the same bytes
    object in every chunk (a worker unpickles it once, by ``key``); ``first`` is the ordinal,
    in its partition, of the chunk's first document, ``renames`` the renamed ids of its
    documents by ordinal, ``stop`` the number of documents to read at most (a ``limit``),
    ``problems`` ``(index of the line they come before, problem)`` pairs.
    """

    key: str
    context: bytes
    reader: RecordFileReader
    path: str
    first: int
    numbers: list[int]
    lines: list[str]
    renames: dict[int, str] = field(default_factory=dict)
    stop: int | None = None
    problems: list[tuple[int, Problem]] = field(default_factory=list)
    documents: int = 0  # how many documents the scan found in these lines (at most ``stop``)


def supports_line_chunks(corpus: Any) -> bool:
    """Whether ``corpus`` is read as JSON Lines only (every partition a JSON Lines reader)."""
    if not isinstance(corpus, Corpus):
        return False
    readers = corpus._partition_readers()
    return bool(readers) and all(isinstance(r, RecordFileReader) and r.kind == "jsonl" for r in readers)


def line_chunks(corpus: Corpus, *, size: int, limit: int | None = None) -> Iterator[LineChunk]:
    """The corpus's lines in chunks of ``size`` lines, in reading order (the first ``limit``
    documents' lines only); the problems after the last line come in a chunk without lines.
    Runs the scan first (once)."""
    scan = corpus._ensure_scan()
    settings = corpus._settings
    repeated = scan.repeated if corpus.repeated_rule is not None else {}
    context = pickle.dumps((settings, repeated), protocol=pickle.HIGHEST_PROTOCOL)
    key = hashlib.sha1(context).hexdigest()
    limits = settings.limits
    budget = _Budget(limits.max_corpus_bytes)
    remaining = limit
    carried: list[Problem] = []  # problems read after the last line of a reader's last chunk
    for index, reader in enumerate(corpus._partition_readers()):
        if remaining is not None and remaining <= 0:
            break
        cut = _Cutter(LineChunk(key, context, reader, str(corpus.path), 0, [], []), scan.doc_lines[index],
                      scan.renames[index], remaining)
        cut.problems.extend((0, p) for p in carried)
        doc_lines = cut.doc_lines
        # the line of the limit-th document: reading stops there, as the iteration would
        stop_line = doc_lines[remaining - 1] if remaining is not None and remaining <= len(doc_lines) else None
        try:
            with reader.open_text(limits, budget) as fh:
                for number, line in reader.lines(fh, limits, cut.listed):
                    cut.numbers.append(number)
                    cut.lines.append(line)
                    if number == stop_line:
                        break
                    if len(cut.lines) >= size:
                        yield cut.chunk()
        except _TooLarge as exc:  # only the corpus-wide bound gets here
            raise CorpusError(f"the corpus is larger than {_size(exc.limit)} decompressed "
                              f"(max_corpus_bytes={exc.limit})", path=corpus.path,
                              hint="raise the bound with --max-corpus-bytes (max_corpus_bytes= in Python)") from None
        carried = [p for _at, p in cut.problems]
        if cut.lines:
            yield cut.chunk()
            carried = []
        remaining = cut.remaining
    if carried:
        yield LineChunk(key, context, None, str(corpus.path), 0, [], [], problems=[(0, p) for p in carried])


class _Cutter:
    """The lines of one reader gathered into chunks (the chunk being filled, its problems)."""

    def __init__(self, template: LineChunk, doc_lines, renames: dict[int, str], remaining: int | None):
        self.template, self.doc_lines, self.renames, self.remaining = template, doc_lines, renames, remaining
        self.numbers: list[int] = []
        self.lines: list[str] = []
        self.problems: list[tuple[int, Problem]] = []

    def listed(self, problem: Problem) -> None:
        self.problems.append((len(self.lines), problem))

    def chunk(self) -> LineChunk:
        """The chunk of the lines gathered so far (a new one is started)."""
        first = bisect_left(self.doc_lines, self.numbers[0])
        end = bisect_right(self.doc_lines, self.numbers[-1])
        stop = None
        if self.remaining is not None:
            if end - first >= self.remaining:
                end = first + self.remaining
                stop = self.remaining
            self.remaining -= end - first
        renames = self.renames
        names = {k: renames[k] for k in range(first, end) if k in renames} if renames else {}
        t = self.template
        chunk = LineChunk(t.key, t.context, t.reader, t.path, first, self.numbers, self.lines, names, stop,
                          self.problems, end - first)
        self.numbers, self.lines, self.problems = [], [], []
        return chunk


_CONTEXTS: dict[str, tuple] = {}


def _context(chunk: LineChunk) -> tuple:
    got = _CONTEXTS.get(chunk.key)
    if got is None:
        if len(_CONTEXTS) >= 4:
            _CONTEXTS.clear()
        got = _CONTEXTS[chunk.key] = pickle.loads(chunk.context)
    return got


class _ChunkReader:
    """The records of a chunk's lines, with the problems the main process met between them."""

    def __init__(self, chunk: LineChunk):
        self.chunk = chunk

    def iter_raw(self, limits, sink, budget) -> Iterator:
        chunk = self.chunk
        return chunk.reader.jsonl_records(self._numbered(sink), limits, sink)

    def _numbered(self, sink) -> Iterator[tuple[int, str]]:
        chunk = self.chunk
        problems = iter(chunk.problems)
        at, problem = next(problems, (None, None))
        for i, item in enumerate(zip(chunk.numbers, chunk.lines, strict=True)):
            while at == i:
                sink(problem)
                at, problem = next(problems, (None, None))
            yield item
        while at is not None:  # after the last line (a file that stopped at its bound)
            sink(problem)
            at, problem = next(problems, (None, None))


def read_chunk(chunk: LineChunk) -> tuple[list[Document], list[Problem], dict[str, dict[int, str]]]:
    """The documents of a chunk's lines, its problems in reading order and the texts of the
    repeated lines met (as a partition gives them: :func:`merge_chunks` puts them together)."""
    problems: list[Problem] = []
    sink = problems.append
    if not chunk.lines:
        for _at, problem in chunk.problems:
            sink(problem)
        return [], problems, {}
    settings, repeated = _context(chunk)
    line_texts: dict[str, dict[int, str]] = {outlet: {} for outlet in repeated}
    docs: list[Document] = []
    renames = chunk.renames
    k = chunk.first
    stop = chunk.stop
    documents = _documents(_ChunkReader(chunk), settings, sink, chunk.path)
    try:
        for raw, text in documents:
            docs.append(_build(raw, text, settings, sink, renames.get(k, raw.doc_id), repeated, line_texts))
            k += 1
            if stop is not None and len(docs) >= stop:
                break
    finally:
        documents.close()
    return docs, problems, line_texts


def merge_chunks(corpus: Corpus, results: list[tuple[list[Problem], dict[str, dict[int, str]]]], *,
                 complete: bool) -> None:
    """Set the corpus's ``problems`` from its chunks' ``(problems, line_texts)`` in chunk order,
    and, when every line was read (``complete``: no ``limit`` cut the reading short), the texts
    of its repeated lines — as a finished :meth:`Corpus.iter_documents` does."""
    line_texts = corpus._line_texts
    corpus.merge_partitions(results)
    if not complete:
        corpus._line_texts = line_texts
