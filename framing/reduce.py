"""The reductions: what the run keeps of the ordered per-document results.

:func:`reduce_results` consumes the :class:`~framing.analysis.DocumentResult` stream of the map
(any engine): it streams the hit, attribution and excluded rows to the output tables and keeps
only compact parts (per-document counts, term counts, evidence candidates, event features, topic
units as offsets, the masked texts spilled to a temporary file). :func:`framing.evidence.term_evidence_from_texts`
then cuts the sentences behind the distinguishing terms from the spilled texts, and the topic
stage reads its units' texts from there (:meth:`Reduction.unit_texts`), so the main process
holds no text of the corpus.
"""

from __future__ import annotations

from array import array
from collections import Counter

import pandas as pd

from framing.analysis import ATTRIBUTION_KEPT, EVIDENCE_PER_CELL
from framing.records import Problem

__all__ = ["Reduction", "TermTable", "TextSpill", "reduce_results"]


_ATTR_KEPT = ("doc", *ATTRIBUTION_KEPT)


class _SparseRows:
    """Rows of per-document hit counts kept sparse (most documents name few actors)."""

    def __init__(self):
        from array import array

        self._index = array("i")
        self._value = array("d")
        self._offsets = array("q", [0])
        self.width = 0

    def add(self, row) -> None:
        import numpy as np

        nz = np.flatnonzero(row)
        self._index.extend(nz.astype("i4").tolist())
        self._value.extend(row[nz].tolist())
        self._offsets.append(len(self._index))
        self.width = len(row)

    def add_rows(self, rows) -> None:
        """Several rows at once (a 2-D array, one row per document, in order)."""
        import numpy as np

        r, c = np.nonzero(rows)  # row-major: each row's columns in order, as :meth:`add`
        self._index.frombytes(c.astype(np.int32).tobytes())
        self._value.frombytes(np.ascontiguousarray(rows[r, c], dtype=np.float64).tobytes())
        ends = np.cumsum(np.bincount(r, minlength=len(rows))) + len(self._index) - len(c)
        self._offsets.frombytes(ends.astype(np.int64).tobytes())
        self.width = rows.shape[1]

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def matrix(self):
        import numpy as np

        out = np.zeros((len(self), self.width), dtype=np.float64)
        offsets = np.frombuffer(self._offsets, dtype=np.int64)
        rows = np.repeat(np.arange(len(self)), np.diff(offsets))
        out[rows, np.frombuffer(self._index, dtype=np.int32)] = np.frombuffer(self._value, dtype=np.float64)
        return out



class _TermStore:
    """outlet → term counts of one language, int-coded: each term is a number of one vocabulary
    (shared by the languages), each outlet holds two arrays (term numbers in first-seen order
    and their counts) plus a log of the batches added since it last folded them in. Far
    smaller than a ``Counter`` per outlet; :meth:`counters` gives those back, same order."""

    #: log entries an outlet gathers (at least) before they are folded into its arrays
    FOLD_AT = 1 << 16

    def __init__(self, vocab: dict[str, int], words: list[str]):
        self._vocab, self._words = vocab, words
        self._outlets: dict[str, list] = {}  # outlet → [ids, counts, log of (ids, counts), log size]

    def add(self, outlet: str, terms: list[str], counts) -> None:
        """Add one outlet's counts of ``terms`` (distinct; first-seen order) to what it has."""
        import numpy as np

        cell = self._outlets.get(outlet)
        if cell is None:
            cell = self._outlets[outlet] = [np.zeros(0, np.int32), np.zeros(0, np.int64), [], 0]
        if not terms:
            return
        vocab = self._vocab
        ids = list(map(vocab.get, terms))
        if None in ids:  # terms met for the first time in the run: numbered in first-seen order
            words = self._words
            new = [t for t, i in zip(terms, ids, strict=True) if i is None]
            vocab.update(zip(new, range(len(words), len(words) + len(new)), strict=True))
            words.extend(new)
            ids = list(map(vocab.__getitem__, terms))
        cell[2].append((np.asarray(ids, dtype=np.int32), np.asarray(counts, dtype=np.int64)))
        cell[3] += len(ids)
        if cell[3] > max(len(cell[0]), self.FOLD_AT):
            self._fold(cell)

    @staticmethod
    def _fold(cell: list) -> None:
        """Fold an outlet's log into its arrays: counts summed per term, terms in first-seen order."""
        import numpy as np

        if not cell[2]:
            return
        ids = np.concatenate([cell[0], *(i for i, _ in cell[2])])
        counts = np.concatenate([cell[1], *(c for _, c in cell[2])])
        order = np.argsort(ids, kind="stable")  # equal ids together, first occurrence first
        sorted_ids = ids[order]
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
        sums = np.add.reduceat(counts[order], starts) if len(starts) else counts[:0]
        first = order[starts]  # the position of each term's first occurrence
        by_first = np.argsort(first, kind="stable")
        cell[0], cell[1] = sorted_ids[starts][by_first], sums[by_first]
        cell[2], cell[3] = [], 0

    def counters(self) -> dict[str, Counter]:
        """outlet → ``Counter`` of terms (outlets in first-seen order, terms in first-seen order)."""
        out = {}
        words = self._words
        for outlet, cell in self._outlets.items():
            self._fold(cell)
            counter = Counter()
            dict.update(counter, zip(map(words.__getitem__, cell[0].tolist()), cell[1].tolist(), strict=True))
            out[outlet] = counter
        return out

    def add_counter(self, outlet: str, counts: dict[str, int]) -> None:
        """One document's term counts (the path of unpacked results)."""
        self.add(outlet, list(counts), list(counts.values()))

    def rows(self) -> dict[str, tuple]:
        """outlet → ``(term numbers, counts)`` arrays (outlets and terms in first-seen order), the
        arrays of :meth:`counters` without a ``Counter``."""
        out = {}
        for outlet, cell in self._outlets.items():
            self._fold(cell)
            out[outlet] = (cell[0], cell[1])
        return out


class TermTable:
    """outlet → term counts as arrays over one vocabulary (``words``; a term is its number there):
    the run's counts without a ``Counter`` per outlet (a month: ~10^6 outlet-term pairs).

    ``rows`` maps outlet → ``(term numbers, counts)`` (first-seen order, no term twice in an
    outlet). :meth:`counters` gives the ``Counter`` objects back; :meth:`parquet` writes
    ``term_counts.parquet`` as :func:`framing.report.render.term_counts_parquet` does."""

    def __init__(self, words: list[str], rows: dict[str, tuple]):
        self.words, self.rows = words, rows
        self._rank = None

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def counters(self) -> dict[str, Counter]:
        words = self.words
        out = {}
        for outlet, (ids, counts) in self.rows.items():
            counter = Counter()
            dict.update(counter, zip(map(words.__getitem__, ids.tolist()), counts.tolist(), strict=True))
            out[outlet] = counter
        return out

    def items(self):
        """``(outlet, Counter)`` pairs (what a mapping of counters gives)."""
        return self.counters().items()

    def rank(self):
        """The position of each term number in the sorted vocabulary (terms compared as strings)."""
        import numpy as np

        if self._rank is None or len(self._rank) != len(self.words):
            order = sorted(range(len(self.words)), key=self.words.__getitem__)
            rank = np.empty(len(order), dtype=np.int64)
            rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
            self._rank = rank
        return self._rank

    def merged(self, other: TermTable) -> TermTable:
        """The counts of both tables (same vocabulary) added per outlet: this table's outlets first,
        an outlet's terms in first-seen order (this table's, then the other's new ones), as
        ``Counter.update``."""
        if not other.rows:
            return self
        rows = dict(self.rows)
        for outlet, (ids, counts) in other.rows.items():
            mine = rows.get(outlet)
            if mine is None:
                rows[outlet] = (ids, counts)
                continue
            cell = [mine[0], mine[1], [(ids, counts)], len(ids)]
            _TermStore._fold(cell)
            rows[outlet] = (cell[0], cell[1])
        return TermTable(self.words, rows)

    def parquet(self) -> bytes:
        """``term_counts.parquet``: outlet, term, count sorted by outlet then term, zero counts left
        out, zstd, 100,000 rows a group (the bytes :func:`~framing.report.render.term_counts_parquet`
        writes from the counters)."""
        import numpy as np

        from framing.output import term_counts_parquet_bytes

        rank = self.rank()
        words = np.asarray(self.words, dtype=object) if self.words else np.zeros(0, dtype=object)
        outlets, terms, counts = [], [], []
        for outlet in sorted(self.rows, key=str):
            ids, n = self.rows[outlet]
            keep = n != 0
            ids, n = ids[keep], n[keep]
            order = np.argsort(rank[ids], kind="stable")
            outlets.append(np.full(len(ids), str(outlet), dtype=object))
            terms.append(words[ids[order]])
            counts.append(n[order].astype(np.int64))
        return term_counts_parquet_bytes(_joined(outlets, object), _joined(terms, object), _joined(counts, np.int64))


def _joined(parts: list, dtype):
    import numpy as np

    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


class Reduction:
    """What the run keeps of the per-document results: compact numbers, not hits."""

    def __init__(self, jobs):
        self.jobs = jobs
        self.doc_ids: list[str] = []
        self.outlets: list[str] = []
        self.dates: list[str | None] = []
        self.titles: list[str | None] = []
        self.languages: list[str] = []
        self.base = {k: [] for k in ("chars", "excluded_chars", "tokens", "hits", "hits_reported", "attributions")}
        self.counts = _SparseRows()
        self.tokens: list[int] = self.base["tokens"]
        # the term counts of Arabic and of English documents (distinguishing terms never mix two
        # languages), int-coded over one vocabulary: :attr:`term_counts`, :attr:`term_counts_en`
        vocab: dict[str, int] = {}
        words: list[str] = []
        self._terms = {False: _TermStore(vocab, words), True: _TermStore(vocab, words)}
        self._term_counters: dict[bool, dict[str, Counter]] = {}
        self.evidence: dict[tuple[str, str], list[dict]] = {}
        # the attribution columns the outlet profile needs; strings interned (a speaker named
        # 10,000 times is one string), document by index
        self.attr_cols: dict[str, list] = {k: [] for k in _ATTR_KEPT}
        self.attr_cols["doc"] = array("i")  # the run's index of each row's document (no int object per row)
        self._interned: dict[str, str] = {}
        self._strings: dict[str, str] = {}
        self.excluded_reasons: Counter = Counter()
        #: the topic units as offsets into their document's masked text (the text is in the spill)
        self.units = _UnitRows()
        self.events = None  # an EventFeatureTable once the first document's features arrive
        self.problems: list[Problem] = []

    def intern(self, s: str) -> str:
        """One shared object per distinct string (outlets, terms)."""
        return self._strings.setdefault(s, s)

    @property
    def term_counts(self) -> dict[str, Counter]:
        """outlet → ``Counter`` of the terms of its Arabic documents (outlets and terms in
        first-seen order; built once, when first asked after the map)."""
        return self._counters(False)

    @property
    def term_counts_en(self) -> dict[str, Counter]:
        """:attr:`term_counts` of the English documents."""
        return self._counters(True)

    def _counters(self, english: bool) -> dict[str, Counter]:
        built = self._term_counters.get(english)
        if built is None:
            built = self._term_counters[english] = self._terms[english].counters()
        return built

    def term_table(self, english: bool | None = None) -> TermTable:
        """The term counts as a :class:`TermTable`: of the Arabic documents (``english=False``), of
        the English ones (``True``), or of both added per outlet (``None``: ``term_counts.parquet``;
        Arabic and English terms never collide, two scripts)."""
        words = self._terms[False]._words
        if english is not None:
            return TermTable(words, self._terms[english].rows())
        return TermTable(words, self._terms[False].rows()).merged(TermTable(words, self._terms[True].rows()))

    def add_batch_terms(self, terms) -> None:
        """The term counts of a packed batch (:class:`~framing.packing.BatchTerms`, in order)."""
        self._term_counters.clear()
        for t in terms:
            self._terms[t.english].add(self.intern(t.outlet), t.terms(), t.counts)

    def counts_matrix(self):
        return self.counts.matrix()

    def units_frame(self) -> pd.DataFrame:
        """The topic units (:data:`framing.topics.UNIT_COLUMNS` without ``text``), in corpus order."""
        return self.units.frame(self.doc_ids, self.outlets)

    def unit_texts(self, spill: TextSpill):
        """The texts of units of :meth:`units_frame` by row position, cut from the spilled
        texts (each document unpacked once per call): :data:`framing.topics.UnitTexts`."""
        units = self.units

        def texts(idx) -> list[str]:
            import numpy as np

            idx = np.asarray(idx, dtype=np.int64)
            docs = np.frombuffer(units.doc, dtype=np.int32)[idx]
            starts = np.frombuffer(units.start, dtype=np.int64)[idx]
            ends = np.frombuffer(units.end, dtype=np.int64)[idx]
            out, last, text = [], -1, ""
            for d, s, e in zip(docs.tolist(), starts.tolist(), ends.tolist(), strict=True):
                if d != last:
                    text, last = spill.text(d), d
                out.append(text[s:e])
            return out
        return texts

    def add_attribution(self, doc_index: int, row: dict) -> None:
        cols = self.attr_cols
        interned = self._interned
        cols["doc"].append(doc_index)
        for k in ("kind", "speaker", "source_type", "cue_stance"):
            v = row.get(k)
            if isinstance(v, str):
                v = interned.setdefault(v, v)
            cols[k].append(v)
        cols["quote_start"].append(row.get("quote_start"))
        cols["quote_end"].append(row.get("quote_end"))

    def add_attribution_columns(self, doc_indexes: list[int], columns: dict[str, list]) -> None:
        """The kept columns of a packed batch's attributions (``doc_indexes``: the run's index of
        each row's document)."""
        cols = self.attr_cols
        interned = self._interned
        cols["doc"].extend(doc_indexes)
        for k in ("kind", "speaker", "source_type", "cue_stance"):
            cols[k].extend([interned.setdefault(v, v) if isinstance(v, str) else v for v in columns[k]])
        cols["quote_start"].extend(columns["quote_start"])
        cols["quote_end"].extend(columns["quote_end"])

    def attributions_frame(self) -> pd.DataFrame:
        """The kept attribution columns with ``doc_id`` and ``outlet`` (for the outlet profile)."""
        cols = self.attr_cols
        docs = cols.get("doc", [])
        frame = {"doc_id": [self.doc_ids[i] for i in docs], "outlet": [self.outlets[i] for i in docs]}
        frame.update({k: v for k, v in cols.items() if k != "doc"})
        return pd.DataFrame(frame)

    def documents_frame(self, actors, categories) -> pd.DataFrame:
        from framing.scoring import scores_from_counts

        frame = {"doc_id": self.doc_ids, "outlet": self.outlets, "date": self.dates, "title": self.titles,
                 "language": self.languages}
        frame.update(self.base)
        frame.update(scores_from_counts(self.counts_matrix(), self.tokens, actors=actors, categories=categories))
        return pd.DataFrame(frame)


def reduce_results(results, streams: dict, spill, spec, progress) -> Reduction:
    """Consume the ordered per-document results: stream the rows, keep the compact parts.

    ``results`` is the engine's :class:`~framing.engine.MappedCorpus` (its packed batches are
    used when every stream writes :class:`~framing.output.TableChunk` objects: the workers
    then format the rows) or any iterable of :class:`~framing.analysis.DocumentResult`."""
    from contextlib import closing

    red = Reduction(None)
    formats = _chunk_formats(streams)
    with closing(results):
        if formats is not None and hasattr(results, "batches"):
            _reduce_batches(red, results.batches(formats), streams, spill, progress)
        else:
            _reduce_documents(red, results, streams, spill, progress)
    return red


def _chunk_formats(streams: dict) -> dict[str, tuple[str, ...]] | None:
    """``{table: formats}`` when every stream takes :class:`~framing.output.TableChunk` objects."""
    formats = {}
    for name, stream in streams.items():
        if stream is None:
            continue
        if not hasattr(stream, "write_chunk") or not hasattr(stream, "formats"):
            return None
        formats[name] = tuple(stream.formats)
    return formats


def _reduce_batches(red: Reduction, batches, streams: dict, spill, progress) -> None:
    outs = [(name, stream) for name, stream in streams.items() if stream is not None]
    n_docs = n_bytes = 0
    for batch in batches:
        for name, stream in outs:
            stream.write_chunk(batch.tables[name])
        index = _keep_columns(red, batch, spill)  # the run's index of each document (-1: failed)
        n_docs += len(batch)
        n_bytes += sum(n for n, i in zip(batch.docs["bytes"], index, strict=True) if i >= 0)
        if progress is not None:
            progress(n_docs, n_bytes)
        kept = batch.attributions
        if kept and kept["doc"]:
            red.add_attribution_columns([index[i] for i in kept["doc"]], kept)


def _keep_columns(red: Reduction, batch, spill) -> list[int]:
    """:func:`_keep` of a packed batch's documents (columns); the run's index of each (-1: failed)."""
    from itertools import chain, compress

    docs = batch.docs
    errors = docs["error"]
    start = len(red.doc_ids)
    if any(e is not None for e in errors):
        ok = [e is None for e in errors]
        for e, doc_id, source in zip(errors, docs["doc_id"], docs["source"], strict=True):
            if e is not None:
                red.problems.append(Problem(source=source or doc_id, reason=f"analysis failed: {e}",
                                            action="skipped", doc_id=doc_id))
        index, k = [], start
        for good in ok:
            index.append(k if good else -1)
            k += good
        docs = {name: list(compress(values, ok)) for name, values in docs.items()}
    else:
        index = list(range(start, start + len(errors)))
    intern = red.intern
    red.doc_ids.extend(docs["doc_id"])
    red.outlets.extend(map(intern, docs["outlet"]))
    red.dates.extend(docs["date"])
    red.titles.extend(docs["title"])
    red.languages.extend(docs["language"])
    for k, values in red.base.items():
        values.extend(docs[k])
    red.excluded_reasons.update(chain.from_iterable(docs["excluded_reasons"]))
    for outlet, evidence in zip(docs["outlet"], docs["evidence"], strict=True):
        for actor, ev in evidence:
            cell = red.evidence.setdefault((outlet, actor), [])
            if len(cell) < EVIDENCE_PER_CELL:
                cell.append(ev)
    for k, units in enumerate(docs["units"]):
        if units:
            red.units.add(start + k, units)
    events = [e for e in docs["event"] if e is not None]
    if events:
        from framing.packing import batch_events

        if red.events is None:
            from framing.events import EventFeatureTable

            red.events = EventFeatureTable()
        for ev in batch_events(events):
            red.events.add(ev)
    for packed in docs["packed"]:
        spill.add(packed)
    if batch.counts is not None:
        red.counts.add_rows(batch.counts)
    red.add_batch_terms(batch.terms)
    return index


def _reduce_documents(red: Reduction, results, streams: dict, spill, progress) -> None:
    hits_out, attr_out, excl_out = streams["hits"], streams["attributions"], streams["excluded"]
    n_bytes = 0
    for n_docs, r in enumerate(results, start=1):
        if r.error is None:
            for row in r.excluded_rows:
                excl_out.write(row)
            for row in r.hit_rows:
                hits_out.write(row)
            for row in r.attribution_rows:
                if attr_out is not None:
                    attr_out.write(row)
                red.add_attribution(len(red.doc_ids), row)
        if _keep(red, r, spill):
            n_bytes += r.bytes
        if progress is not None:
            progress(n_docs, n_bytes)


def _keep(red: Reduction, r, spill) -> bool:
    """Keep the compact parts of one result (False: its analysis failed, listed as a problem)."""
    if r.error is not None:
        red.problems.append(Problem(source=r.source or r.doc_id, reason=f"analysis failed: {r.error}",
                                    action="skipped", doc_id=r.doc_id))
        return False
    outlet = red.intern(r.outlet)
    red.doc_ids.append(r.doc_id)
    red.outlets.append(outlet)
    red.dates.append(r.date)
    red.titles.append(r.title)
    red.languages.append(r.language)
    for k, values in red.base.items():
        values.append(getattr(r, k))
    red.excluded_reasons.update(r.excluded_reasons)
    for actor, ev in r.evidence:
        cell = red.evidence.setdefault((r.outlet, actor), [])
        if len(cell) < EVIDENCE_PER_CELL:
            cell.append(ev)
    red.counts.add(r.counts)
    red._term_counters.clear()
    red._terms[r.language == "en"].add_counter(outlet, r.term_counts)
    if r.units:
        red.units.add(len(red.doc_ids) - 1, r.units)
    if r.event is not None:
        if red.events is None:
            from framing.events import EventFeatureTable

            red.events = EventFeatureTable()
        red.events.add(r.event)
    spill.add(r.packed)
    return True


class _UnitRows:
    """Topic units as flat arrays: the run's index of the document, the unit's number in it,
    its start and end in the document's masked text (no text, no object per unit)."""

    def __init__(self):
        from array import array

        self.doc = array("i")
        self.number = array("i")
        self.start = array("q")
        self.end = array("q")

    def __len__(self) -> int:
        return len(self.doc)

    def add(self, doc_index: int, units) -> None:
        """The units of one document: ``(start, end)`` or ``(start, end, text)`` (the text is dropped)."""
        for i, unit in enumerate(units):
            self.doc.append(doc_index)
            self.number.append(i)
            self.start.append(unit[0])
            self.end.append(unit[1])

    def frame(self, doc_ids: list[str], outlets: list[str]) -> pd.DataFrame:
        import numpy as np

        doc = np.frombuffer(self.doc, dtype=np.int32) if len(self) else np.zeros(0, dtype=np.int32)
        ids, outs = np.asarray(doc_ids, dtype=object), np.asarray(outlets, dtype=object)
        return pd.DataFrame({
            "doc_id": pd.Series(ids[doc] if len(ids) else [], dtype=object),
            "outlet": pd.Series(outs[doc] if len(outs) else [], dtype=object),
            "unit": np.asarray(self.number, dtype=np.int64),
            "start": np.asarray(self.start, dtype=np.int64),
            "end": np.asarray(self.end, dtype=np.int64),
        })


class TextSpill:
    """The masked texts of the analysed documents, compressed in a temporary file (not in
    memory), for the term-evidence sentences once the distinguishing terms are known."""

    def __init__(self):
        import tempfile

        self._fh = tempfile.TemporaryFile(prefix="framing-texts-")  # noqa: SIM115 (closed by __exit__)
        # each text's end in the file, flat (no tuple per document): text i is ends[i-1]:ends[i]
        self._ends = array("q")
        self._pos = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._fh.close()

    def add(self, packed: bytes | None) -> None:
        data = packed or b""
        self._fh.write(data)
        self._pos += len(data)
        self._ends.append(self._pos)

    def __len__(self) -> int:
        return len(self._ends)

    def span(self, i: int) -> tuple[int, int]:
        """``(position, size)`` of the ``i``-th text in the file."""
        if i < 0:
            i += len(self._ends)
        end = self._ends[i]
        pos = self._ends[i - 1] if i else 0
        return pos, end - pos

    def text(self, i: int) -> str:
        """The masked text of the ``i``-th document added."""
        import zlib

        pos, size = self.span(i)
        if not size:
            return ""
        self._fh.flush()
        self._fh.seek(pos)
        return zlib.decompress(self._fh.read(size)).decode("utf-8")

    def texts(self, doc_ids, outlets):
        """``(doc_id, outlet, text_loader)`` in corpus order (``text_loader()`` unpacks the text)."""
        import zlib

        self._fh.flush()

        def loader(pos: int, size: int):
            def load() -> str:
                if not size:
                    return ""
                self._fh.seek(pos)
                return zlib.decompress(self._fh.read(size)).decode("utf-8")
            return load

        pos = 0
        for doc_id, outlet, end in zip(doc_ids, outlets, self._ends, strict=True):
            yield doc_id, outlet, loader(pos, end - pos)
            pos = end
