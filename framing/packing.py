"""The results of a batch of documents packed for the trip from a worker to the main process.

:func:`pack_results` turns the :class:`~framing.analysis.DocumentResult` objects of a batch into
one :class:`ResultBatch`: the row tables already formatted for the writers
(:class:`~framing.output.TableChunk`), the per-document numbers as columns, the hit counts
stacked and the term counts summed per outlet, so that a batch pickles as a few large objects.
:func:`analyze_packed` is the unit of work of the engines (:mod:`framing.engine`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

import numpy as np

from framing.analysis import ATTRIBUTION_KEPT, DocumentResult, RunSpec, analyze_safely, context_for
from framing.records import Document

__all__ = ["DOC_COLUMNS", "BatchTerms", "ResultBatch", "analyze_packed", "batch_events", "pack_results"]


@dataclass(frozen=True, slots=True)
class ResultBatch:
    """The results of a batch of documents, as an engine hands them to the reductions.

    Packed (:func:`pack_results`), the row tables are in file form, one
    :class:`~framing.output.TableChunk` per table (``tables``: hits, attributions, excluded),
    the results carry no rows, and ``attributions`` holds the columns of
    :data:`ATTRIBUTION_KEPT` plus ``doc`` (the index of the row's result in ``results``).
    The per-document numbers the reductions only add up travel once per batch, not in the
    results: ``counts`` stacks the hit-count rows of the analysed results (in order; None when
    none was analysed) and ``terms`` holds the term counts summed per (language, outlet),
    :class:`BatchTerms` in the order of each pair's first document.
    Unpacked (``tables`` empty), the results keep their rows, counts and term counts.
    Packed, the results travel as columns (``docs``; :func:`batch_events` gives the events back).
    """

    results: list[DocumentResult]
    tables: dict[str, Any] = field(default_factory=dict)
    attributions: dict[str, list] | None = None
    counts: np.ndarray | None = None
    terms: list[BatchTerms] | None = None
    #: packed: the results as columns (:data:`DOC_COLUMNS`, one value per document, ``event`` as
    #: the tuple of its fields), ``results`` empty; a list per column pickles far faster than
    #: an object per document
    docs: dict[str, list] | None = None

    def __len__(self) -> int:
        """The number of documents of the batch (analysed or failed)."""
        return len(self.docs["doc_id"]) if self.docs is not None else len(self.results)


@dataclass(frozen=True, slots=True)
class BatchTerms:
    """The term counts of one outlet (of one language) summed over a batch, compact: the terms
    joined by newlines (a term never holds one) in first-seen order, and their counts."""

    english: bool
    outlet: str
    joined: str
    counts: np.ndarray

    @classmethod
    def from_counts(cls, english: bool, outlet: str, counts: dict[str, int]) -> BatchTerms:
        return cls(english, outlet, "\n".join(counts), np.fromiter(counts.values(), dtype=np.int64, count=len(counts)))

    def terms(self) -> list[str]:
        return self.joined.split("\n") if self.joined else []


def _sum_terms(results: list[DocumentResult]) -> list[BatchTerms]:
    """The term counts of the analysed ``results`` summed per (language, outlet), each pair in the
    order of its first document, its terms in first-seen order (as summing them one by one)."""
    sums: dict[tuple[bool, str], dict[str, int]] = {}
    for r in results:
        if r.error is not None:
            continue
        key = (r.language == "en", r.outlet)
        acc = sums.get(key)
        if acc is None:
            sums[key] = dict(r.term_counts)
            continue
        get = acc.get
        for term, n in r.term_counts.items():
            acc[term] = get(term, 0) + n
    return [BatchTerms.from_counts(en, outlet, acc) for (en, outlet), acc in sums.items()]


def pack_results(results: list[DocumentResult], formats: dict[str, tuple[str, ...]] | None) -> ResultBatch:
    """A :class:`ResultBatch` of ``results`` with the rows of each table in ``formats``
    (``{"hits": ("csv", "parquet"), ...}``; a table not named is dropped); ``None``: unpacked."""
    if formats is None:
        return ResultBatch(results)
    from framing.output import TableChunk
    from framing.records import ATTRIBUTION_SCHEMA, EXCLUDED_SCHEMA, HIT_SCHEMA

    rows: dict[str, list[dict]] = {"hits": [], "attributions": [], "excluded": []}
    kept: dict[str, list] = {k: [] for k in ("doc", *ATTRIBUTION_KEPT)}
    counts = [r.counts for r in results if r.error is None]
    terms = _sum_terms(results)
    for i, r in enumerate(results):
        if r.hit_rows or r.attribution_rows or r.excluded_rows:
            rows["hits"] += r.hit_rows
            rows["excluded"] += r.excluded_rows
            rows["attributions"] += r.attribution_rows
            if r.attribution_rows:
                kept["doc"] += [i] * len(r.attribution_rows)
                for k in ATTRIBUTION_KEPT:
                    kept[k] += [row.get(k) for row in r.attribution_rows]
    docs = {name: [getattr(r, name) for r in results] for name in DOC_COLUMNS}
    docs["event"] = [_event_values(e) if e is not None else None for e in docs["event"]]
    schemas = {"hits": HIT_SCHEMA, "attributions": ATTRIBUTION_SCHEMA, "excluded": EXCLUDED_SCHEMA}
    tables = {name: TableChunk.from_rows(rows[name], schemas[name], fmts) for name, fmts in formats.items()}
    return ResultBatch([], tables, kept, np.vstack(counts) if counts else None, terms, docs)


#: the columns of a packed batch's documents (:attr:`ResultBatch.docs`)
DOC_COLUMNS = ("doc_id", "outlet", "date", "title", "source", "language", "chars", "bytes", "excluded_chars",
               "tokens", "hits", "hits_reported", "attributions", "excluded_reasons", "evidence", "event",
               "units", "packed", "error")
_EVENT_FIELDS: tuple | None = None


def _event_values(event) -> tuple:
    """An event-features object as the tuple of its fields (a tuple pickles in C; the
    dataclass with slots pickles through Python code per object)."""
    global _EVENT_FIELDS
    if _EVENT_FIELDS is None:
        _EVENT_FIELDS = (type(event), attrgetter(*(f.name for f in fields(event))))
    return _EVENT_FIELDS[1](event)


def batch_events(values: list) -> list:
    """The event features of a packed batch's ``docs["event"]`` column, as objects again."""
    from framing.events import EventFeatures

    return [EventFeatures(*v) if v is not None else None for v in values]


def analyze_packed(docs: Iterable[Document], spec: RunSpec,
                   formats: dict[str, tuple[str, ...]] | None = None) -> ResultBatch:
    """Analyse a batch of documents in this process and pack the results (the unit of work of
    the engines: a worker formats the rows, the main process only writes them)."""
    ctx = context_for(spec)
    return pack_results([analyze_safely(doc, ctx) for doc in docs], formats)
