"""Group documents into cross-outlet events, flag syndicated copies, and put each
outlet's wording of an event side by side.

Grouping (:class:`EventGrouper`, :func:`group_events`)
------------------------------------------------------

1. **Representation.** Each document is two TF-IDF vectors: its title (or, without
   one, its first line of four or more words) and the first ``lead_chars`` characters
   of its boilerplate-masked text. Words are normalized (:mod:`framing.normalize`),
   stop words removed (``lexicons/stopwords-ar.txt``), the article and its proclitics
   stripped (:func:`light_stem`); titles also get word bigrams (names such as «حمادة
   صابر» become one feature). Words naming *actors and places* count ``entity_weight``
   times: words of the framing lexicons' actor terms and of the sources lexicons, and
   the word after a place cue (``مدينة``, ``محافظة``, ``ريف``, ``ميدان`` ... see
   :data:`PLACE_CUES`). Sublinear tf × smoothed idf; features found in one document
   only or in more than half of them dropped; the ``max_terms`` heaviest kept;
   L2-normalized; hashed (no vocabulary in memory). The similarity of two documents is
   ``title_share · cos(titles) + (1 − title_share) · cos(leads)``.
2. **Blocking by date.** A document is compared only with documents dated within
   ± ``window_days`` days (never all pairs): in date order, ``batch_size`` documents at a
   time are weighted (with the whole corpus's idf) and multiplied by the documents up to
   ``window_days`` after them, so time and memory grow with the documents of a window, not
   of the corpus; any batch size gives the same floats and the same events. On a large
   corpus (:data:`KERNEL_MIN_DOCS`) a compiled kernel (numba) computes each pair's sum in
   scipy's order, only for the later documents of a row's window, keeping those at the floor:
   the same floats without the product's every nonzero stored.
   Undated documents are compared with every document (content only); when more than
   ``max_undated`` are undated, only each one's ``n_neighbors`` most similar documents
   are kept (a warning says so).
3. **Clustering.** Average linkage over that sparse similarity graph: two groups merge
   while the *mean* cosine similarity over all pairs of their documents is at least
   ``threshold`` (pairs outside the date window, or below ``edge_floor``, count as 0, so
   an event cannot drift across a month of loosely related coverage the way single
   linkage would chain it).
4. **Copies.** Near-duplicates (the same agency text in two outlets, a republished
   article) are found with MinHash over word 3-shingles of the whole masked text
   (LSH candidates across the whole corpus, any date, plus the content pairs above).
   ``duplicate_similarity`` is the estimated share of the shorter text's shingles found
   in the other one (containment); at ``duplicate_threshold`` or more the later copy
   gets ``duplicate_of`` = the earliest document (corpus order breaks ties) and
   ``independent = False``, and joins that document's event. Copies do not count as
   independent framing: ``n_independent`` and ``independent_outlets`` leave them out.
5. **Manifest override.** A document whose ``Document.event`` is set (an ``event``
   column of the manifest) goes to that event, whatever its content.

Event ids are ``E0001``, ``E0002``, ... ordered by first date (undated last), then
first doc id; manifest event ids are kept as given.

>>> from framing.records import Document
>>> docs = [
...     Document("a1", "سحل المواطن حمادة صابر أمام قصر الاتحادية", outlet="A", date="2013-02-02"),
...     Document("b1", "الداخلية تحقق في سحل حمادة صابر عند قصر الاتحادية", outlet="B", date="2013-02-02"),
...     Document("c1", "ارتفاع أسعار الذهب في السوق المصرية اليوم", outlet="C", date="2013-02-02"),
... ]
>>> result = group_events(docs, lexicons=None)
>>> result.assignments.set_index("doc_id")["event_id"].to_dict()
{'a1': 'E0001', 'b1': 'E0001', 'c1': 'E0002'}

Side by side (:func:`side_by_side`)
-----------------------------------

For one event, from the lexicon hits, attributions and topic mix of its documents: the
labels each outlet used for each actor (with counts and stances), the loaded terms, the
sources cited, the topic mix, and one or two evidence sentences per outlet. The report layer
renders it (:func:`framing.report.markdown.side_by_side_markdown`, the HTML report).
"""

from __future__ import annotations

import heapq
import math
import re
import warnings
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as _date
from functools import lru_cache
from itertools import accumulate, pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from framing.errors import ConfigError, LexiconError, NotFittedError
from framing.normalize import (
    _SLOW_RE,
    WORD_RE,
    Normalized,
    _table,
    normalize_ar,
    normalized_prefix,
    sentence_spans,
    strip_article_clitics,
    tokenize,
)
from framing.records import Document

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "EVENT_COLUMNS",
    "PLACE_CUES",
    "EventFeatureTable",
    "EventFeatures",
    "EventFeaturizer",
    "EventGrouper",
    "EventResult",
    "SideBySide",
    "group_events",
    "light_stem",
    "side_by_side",
]

#: columns of :attr:`EventResult.assignments` (one row per document, corpus order)
ASSIGNMENT_COLUMNS = ["doc_id", "outlet", "date", "title", "event_id", "event_source", "duplicate_of",
                      "duplicate_similarity", "independent"]
#: columns of :attr:`EventResult.events` (one row per event, ordered by event id)
EVENT_COLUMNS = ["event_id", "label", "date_start", "date_end", "n_docs", "n_independent", "n_outlets",
                 "outlets", "independent_outlets", "multi_outlet", "source", "doc_ids"]

#: words after which the next word is taken as a place name (normalized; edit via ``place_cues=``)
PLACE_CUES = ("مدينه", "محافظه", "منطقه", "ريف", "قريه", "بلده", "حي", "ميدان", "شارع", "قصر", "مطار",
              "ميناء", "معبر", "جامعه", "مستشفي", "سجن", "قسم", "مديريه")

#: the default similarity an event needs (see :class:`EventGrouper`; tuned on the Egyptian corpus)
DEFAULT_THRESHOLD = 0.3

#: strip the article and its proclitics (``والرئيس`` → ``رئيس``); the rule lives in :mod:`framing.normalize`
light_stem = strip_article_clitics

_MISSING = object()


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventResult:
    """What :func:`group_events` found.

    ``assignments`` — one row per document (:data:`ASSIGNMENT_COLUMNS`): ``event_id``;
    ``event_source`` (``content`` or ``manifest``); ``duplicate_of`` (the doc id this
    document copies, or ``None``), ``duplicate_similarity`` (estimated containment, 0–1,
    ``NaN`` when not a copy), ``independent`` (``False`` for copies).

    ``events`` — one row per event (:data:`EVENT_COLUMNS`): ``label`` (distinctive title
    words plus dates), ``date_start``/``date_end`` (``YYYY-MM-DD`` or ``None``),
    ``n_docs``, ``n_independent`` (copies left out), ``n_outlets``, ``outlets`` and
    ``independent_outlets`` (``"; "``-joined, sorted), ``multi_outlet`` (at least
    ``min_outlets`` outlets with an independent document), ``source``, ``doc_ids``
    (``"; "``-joined, corpus order).

    ``info`` — method, parameters and counts (for ``run.json``).
    """

    assignments: pd.DataFrame
    events: pd.DataFrame
    info: dict = field(default_factory=dict)

    def multi_outlet(self) -> pd.DataFrame:
        """Events covered independently by at least ``min_outlets`` outlets, most outlets first."""
        ev = self.events[self.events["multi_outlet"]]
        return ev.sort_values(["n_outlets", "n_docs", "event_id"], ascending=[False, False, True],
                              kind="stable").reset_index(drop=True)

    def documents_of(self, event_id: str) -> pd.DataFrame:
        """The assignment rows of one event."""
        return self.assignments[self.assignments["event_id"] == event_id].reset_index(drop=True)


# --- the grouper ------------------------------------------------------------------------------


class EventGrouper:
    """Group documents into cross-outlet events (scikit-learn style: ``fit`` returns ``self``).

    Parameters
    ----------
    window_days:
        Documents are compared only with documents dated within ± this many days
        (``0``: same day only). Undated documents are compared with all documents.
    threshold:
        The mean cosine similarity (TF-IDF of title + lead, see the module docstring)
        that two groups of documents need to be merged into one event; a document joins
        an event when its average similarity to the event's documents reaches it.
        Higher → smaller, tighter events and more stand-alone documents. On the Egyptian
        February 2013 corpus (85,676 articles, 13 outlets) 0.3 (default) gives 49,090
        events, 12,973 covered by two or more outlets; of 20 sampled multi-outlet events
        15 were coherent, 3 partly (one story, several developments), 2 mixed. 0.25 gives
        13,913 multi-outlet events with bigger, looser groups (a sample of 20 scored about
        the same, so the choice of 0.3 leans to precision: a mixed event puts unrelated
        wording side by side); 0.35 starts splitting one development across outlets.
        Events are *developments* (the Interior Ministry's apology, the presidency's
        statement), not whole stories. Small corpora (a few dozen documents on one
        subject) need dates: content alone groups a whole story there.
    duplicate_threshold:
        Estimated containment (share of the shorter text's word 3-shingles found in the
        other text) from which a document counts as a copy.
    min_outlets:
        Outlets with an independent document an event needs to be ``multi_outlet``.
    lead_chars:
        How much of the body (after the title) represents a document.
    title_share:
        Weight of the title in the similarity: ``cos = title_share · cos(titles) +
        (1 − title_share) · cos(leads)`` (each side its own TF-IDF). Headlines name the
        event most reliably; the lead keeps two different events under look-alike
        headlines apart.
    entity_weight:
        How many times actor and place words count.
    max_terms:
        Features kept per document (the heaviest TF-IDF weights).
    edge_floor:
        Similarities below this are not stored (they count as 0); default ``threshold / 2``.
    lexicons:
        Where the actor and source words to upweight come from: ``"default"`` (the
        default lexicon folder, skipped silently if it has no lexicons), a folder or file,
        a list of :class:`~framing.lexicon.Lexicon`, or ``None`` (no upweighting).
    stopwords:
        ``"default"`` (``stopwords-ar.txt`` of the default lexicon folder, if present),
        a file path, an iterable of words, or ``None``.
    place_cues:
        Normalized words after which the next word is a place (see :data:`PLACE_CUES`).
    max_undated, n_neighbors:
        Above ``max_undated`` undated documents, each keeps only its ``n_neighbors``
        most similar documents.
    num_perm, min_shingles:
        MinHash size, and the fewest shingles a text needs for containment (shorter
        texts are copies only when (nearly) equal).
    seed:
        Seed of the MinHash permutations.
    batch_size:
        Dated documents weighted and compared at a time (each batch with the documents up to
        ``window_days`` after it): memory, not results.

    Attributes (after ``fit``): ``result_`` (:class:`EventResult`), ``assignments_``,
    ``events_``, ``info_``.

    >>> grouper = EventGrouper(window_days=1, threshold=0.3, lexicons=None)
    >>> grouper.fit([Document("d1", "نص", outlet="A")]).events_["n_docs"].tolist()
    [1]
    """

    name = "tfidf_average_linkage"

    def __init__(self, *, window_days: int = 2, threshold: float = DEFAULT_THRESHOLD,
                 duplicate_threshold: float = 0.9, min_outlets: int = 2, lead_chars: int = 600,
                 title_share: float = 0.5, entity_weight: int = 2, max_terms: int = 80,
                 edge_floor: float | None = None, lexicons="default", stopwords="default",
                 place_cues: Sequence[str] = PLACE_CUES, max_undated: int = 20000, n_neighbors: int = 30,
                 num_perm: int = 64, min_shingles: int = 20, seed: int = 42, batch_size: int = 2000,
                 n_features: int = 2 ** 21):
        self.window_days = window_days
        self.threshold = threshold
        self.duplicate_threshold = duplicate_threshold
        self.min_outlets = min_outlets
        self.lead_chars = lead_chars
        self.title_share = title_share
        self.entity_weight = entity_weight
        self.max_terms = max_terms
        self.edge_floor = edge_floor
        self.lexicons = lexicons
        self.stopwords = stopwords
        self.place_cues = place_cues
        self.max_undated = max_undated
        self.n_neighbors = n_neighbors
        self.num_perm = num_perm
        self.min_shingles = min_shingles
        self.seed = seed
        self.batch_size = batch_size
        self.n_features = n_features

    # -- parameters -----------------------------------------------------------------------------

    def get_params(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(self).items()
                if not k.endswith("_") and not k.startswith("_")}

    def _check_params(self) -> None:
        def bad(name, value, hint):
            raise ConfigError(f"{name} = {value!r} is invalid", hint=hint)

        if not isinstance(self.window_days, (int, np.integer)) or self.window_days < 0:
            bad("window_days", self.window_days, "use a whole number of days ≥ 0 (e.g. --window-days 2)")
        if not 0.0 <= float(self.title_share) <= 1.0:
            bad("title_share", self.title_share, "use a share between 0 and 1, e.g. 0.5")
        if not 0.0 < float(self.threshold) <= 1.0:
            bad("threshold", self.threshold, "use a cosine similarity in (0, 1], e.g. 0.3")
        if not 0.0 < float(self.duplicate_threshold) <= 1.0:
            bad("duplicate_threshold", self.duplicate_threshold, "use a share in (0, 1], e.g. 0.9")
        if self.min_outlets < 1:
            bad("min_outlets", self.min_outlets, "use 2 for events covered by two or more outlets")
        if self.edge_floor is not None and not 0.0 <= self.edge_floor <= self.threshold:
            bad("edge_floor", self.edge_floor, "use a value between 0 and threshold")
        for name in ("lead_chars", "max_terms", "batch_size", "num_perm", "n_neighbors"):
            if getattr(self, name) < 1:
                bad(name, getattr(self, name), "use a positive number")

    def _resolve_stopwords(self) -> frozenset[str]:
        from framing.lexicon import default_lexicon_dir, load_stopwords

        sw = self.stopwords
        if sw is None:
            return frozenset()
        if isinstance(sw, str) and sw == "default":
            try:
                path = default_lexicon_dir() / "stopwords-ar.txt"
            except LexiconError:
                return frozenset()
            return load_stopwords(path) if path.exists() else frozenset()
        if isinstance(sw, (str, Path)):
            return load_stopwords(sw)
        return frozenset(w for t in sw for w in WORD_RE.findall(normalize_ar(str(t))))

    def _resolve_entity_words(self, stop: frozenset[str]) -> frozenset[str]:
        from framing.lexicon import Lexicon, default_lexicon_dir, load_lexicons

        lex = self.lexicons
        if lex is None:
            return frozenset()
        if isinstance(lex, str) and lex == "default":
            try:
                folder = default_lexicon_dir()
                lexicons = load_lexicons(folder) if any(folder.glob("*.y*ml")) else []
            except LexiconError:
                lexicons = []
        elif isinstance(lex, (str, Path)):
            lexicons = load_lexicons(lex)
        else:
            lexicons = list(lex)
            if not all(isinstance(x, Lexicon) for x in lexicons):
                raise ConfigError("lexicons must be 'default', a folder or file, a list of Lexicon, or None",
                                  hint="pass e.g. lexicons=load_lexicons('lexicons/')")
        words = set()
        for lx in lexicons:
            for e in lx.entries:
                if lx.kind == "sources" or (lx.kind == "framing" and e.actor):
                    words.update(light_stem(w) for w in e.words if w not in stop and len(w) > 2)
        return frozenset(words)

    # -- fit ------------------------------------------------------------------------------------

    def featurizer(self, *, lexicons=None, stopwords=None) -> EventFeaturizer:
        """The per-document featurizer for these parameters.

        ``lexicons`` / ``stopwords`` override the grouper's own (the pipeline passes the
        run's lexicons and stop words, so grouping follows ``--lexicons``).
        """
        self._check_params()
        stop = self._resolve_stopwords() if stopwords is None else frozenset(stopwords)
        if lexicons is not None:
            saved, self.lexicons = self.lexicons, list(lexicons)
            try:
                entity_words = self._resolve_entity_words(stop)
            finally:
                self.lexicons = saved
        else:
            entity_words = self._resolve_entity_words(stop)
        return EventFeaturizer(stop, entity_words, frozenset(normalize_ar(c) for c in self.place_cues),
                               entity_weight=int(self.entity_weight), lead_chars=self.lead_chars,
                               n_features=self.n_features, num_perm=self.num_perm, seed=self.seed)

    def fit(self, documents: Iterable[Document]) -> EventGrouper:
        """Group ``documents`` (any iterable, read once); return ``self``."""
        feats = self.featurizer()
        return self.fit_features((feats.features(doc) for doc in documents), featurizer=feats)

    def fit_features(self, features: Iterable[EventFeatures] | EventFeatureTable, *,
                     featurizer: EventFeaturizer | None = None) -> EventGrouper:
        """Group documents from their precomputed :class:`EventFeatures` (corpus order, or an
        :class:`EventFeatureTable` of them); return ``self``.

        ``featurizer`` is the one that computed them (for ``info``: stop and entity word counts).
        """
        self._check_params()
        featurizer = featurizer or self.featurizer()
        stop, entity_words = featurizer.stop, featurizer.entity_words

        table = features if isinstance(features, EventFeatureTable) else EventFeatureTable(features)
        meta = table.meta
        warns: list[str] = []
        sigs = [table.signatures(self.num_perm)] if len(table) else []
        sizes = np.frombuffer(table.shingles, dtype=np.int64) if len(table) else []
        exact = np.frombuffer(table.exact, dtype=np.int64) if len(table) else []
        n = len(meta.doc_ids)
        if n == 0:
            result = EventResult(pd.DataFrame(columns=ASSIGNMENT_COLUMNS), pd.DataFrame(columns=EVENT_COLUMNS),
                                 {"method": self.name, "params": self.get_params(), "documents": 0})
            self._set(result)
            return self
        if len(set(meta.doc_ids)) != n:
            dup = next(d for d, c in Counter(meta.doc_ids).items() if c > 1)
            raise ConfigError(f"doc id {dup!r} occurs more than once", hint="give every document a unique id")

        # cosine(a, b) = title_share · cos(titles) + (1 − title_share) · cos(leads); the idf is
        # the whole corpus's, the rows are weighted a window at a time (see _window_pairs)
        w = float(self.title_share)
        batch, nf, max_terms = int(self.batch_size), self.n_features, self.max_terms
        idf_title = _table_idf(table, "title", nf, batch)
        idf_lead = _table_idf(table, "lead", nf, batch)
        w_title, w_lead = np.float32(math.sqrt(w)), np.float32(math.sqrt(1.0 - w))
        # the rows' columns: the features with an idf (title ones, then lead ones) numbered in
        # order, once for the corpus (so no window renumbers its own: the same order, the same floats)
        title_col, n_title = _column_map(idf_title)
        lead_col, n_lead = _column_map(idf_lead)

        def rows_of(idx: np.ndarray):
            T = _tfidf(table.matrix("title", nf, rows=idx), max_terms, idf_title)
            B = _tfidf(table.matrix("lead", nf, rows=idx), max_terms, idf_lead)
            return _join_columns(T, w_title, title_col, n_title, B, w_lead, lead_col, n_lead)

        ordinals = np.asarray(meta.ordinals, dtype=np.int64)
        floor = self.edge_floor if self.edge_floor is not None else self.threshold / 2
        rows, cols, sims, knn = _window_pairs(rows_of, ordinals, self.window_days, floor,
                                             max_undated=self.max_undated, n_neighbors=self.n_neighbors,
                                             batch=batch, compact=False)
        if knn:
            warns.append(f"{int((ordinals < 0).sum())} undated documents (more than max_undated="
                         f"{self.max_undated}): each keeps only its {self.n_neighbors} most similar documents")
            warnings.warn(warns[-1], stacklevel=2)

        # copies
        sig_matrix = sigs[0] if sigs else np.zeros((0, self.num_perm), dtype=np.uint32)
        del sigs
        sizes_arr = np.asarray(sizes, dtype=np.int64)
        dup_of, dup_sim = _find_copies(sig_matrix, sizes_arr, np.asarray(exact, dtype=np.int64), ordinals,
                                       rows, cols, sims, threshold=self.duplicate_threshold,
                                       min_shingles=self.min_shingles)

        # clustering: independent documents without a manifest event
        manual = np.array([e is not None for e in meta.events], dtype=bool)
        node = (dup_of < 0) & ~manual
        keep = node[rows] & node[cols]
        labels = _average_linkage(n, rows[keep], cols[keep], sims[keep], self.threshold)
        # copies follow their original; manifest events override
        event_key: list[tuple[str, object]] = []
        for i in range(n):
            if manual[i]:
                event_key.append(("manifest", meta.events[i]))
            elif dup_of[i] >= 0:
                j = int(dup_of[i])
                event_key.append(("manifest", meta.events[j]) if manual[j] else ("content", int(labels[j])))
            else:
                event_key.append(("content", int(labels[i])))

        result = _build_result(meta, event_key, dup_of, dup_sim, stop,
                               min_outlets=self.min_outlets)
        info = {
            "method": self.name,
            "params": self.get_params(),
            "documents": n,
            "undated": int((ordinals < 0).sum()),
            "pairs_compared_above_floor": len(sims),
            "copies": int((dup_of >= 0).sum()),
            "events": len(result.events),
            "multi_outlet_events": int(result.events["multi_outlet"].sum()),
            "manifest_events": int((result.events["source"] == "manifest").sum()),
            "entity_words": len(entity_words),
            "stopwords": len(stop),
            "warnings": warns + meta.warnings,
        }
        result = EventResult(result.assignments, result.events, info)
        self._set(result)
        return self

    def _set(self, result: EventResult) -> None:
        self.result_ = result
        self.assignments_ = result.assignments
        self.events_ = result.events
        self.info_ = result.info

    @property
    def result(self) -> EventResult:
        if not hasattr(self, "result_"):
            raise NotFittedError("this EventGrouper is not fitted yet", hint="call fit(documents) first")
        return self.result_


def group_events(documents: Iterable[Document], **params) -> EventResult:
    """Group documents into cross-outlet events; ``params`` are :class:`EventGrouper`'s.

    >>> from framing.records import Document
    >>> r = group_events([Document("x", "خبر", outlet="A", date="2013-02-01")], lexicons=None)
    >>> r.events[["event_id", "n_docs", "multi_outlet"]].values.tolist()
    [['E0001', 1, False]]
    """
    return EventGrouper(**params).fit(documents).result


def _identity(x):
    return x


# --- features ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventFeatures:
    """What event grouping needs of one document, computed once per document (picklable).

    ``title_features`` / ``lead_features`` are hashed feature indices (one per occurrence,
    CRC-32 modulo ``n_features``); ``signature`` the MinHash of the whole masked text,
    ``shingles`` its number of distinct 3-shingles and ``exact`` a hash of its words.
    """

    doc_id: str
    outlet: str
    date: str | None
    event: str | None
    title: str
    title_features: np.ndarray
    lead_features: np.ndarray
    signature: np.ndarray
    shingles: int
    exact: int


class EventFeaturizer:
    """Turn a document into :class:`EventFeatures` (stop words, entity words and place cues fixed).

    >>> from framing.records import Document
    >>> f = EventFeaturizer(frozenset(), frozenset(), frozenset()).features(
    ...     Document("d1", "سحل المواطن حمادة صابر أمام قصر الاتحادية", outlet="A"))
    >>> f.doc_id, len(f.title_features) > 0, f.signature.shape
    ('d1', True, (64,))
    """

    def __init__(self, stop: frozenset[str], entity_words: frozenset[str], cues: frozenset[str], *,
                 entity_weight: int = 2, lead_chars: int = 600, n_features: int = 2 ** 21, num_perm: int = 64,
                 seed: int = 42):
        self.stop = stop
        self.entity_words = entity_words
        self.cues = cues
        self.lead_chars = lead_chars
        self.n_features = n_features
        self._words = _Featurizer(stop, entity_words, cues, entity_weight=entity_weight, n_features=n_features)
        self._hasher = _MinHasher(num_perm, seed)

    def _hash(self, feats: list[str]) -> np.ndarray:
        # CRC-32 of the UTF-8 bytes: deterministic across processes and machines, C speed, and no
        # scikit-learn import in every worker (it costs seconds)
        n = self.n_features
        crc = zlib.crc32
        return np.fromiter((crc(f.encode("utf-8")) % n for f in feats), dtype=np.int32, count=len(feats))

    def features(self, doc: Document, *, masked: str | None = None, normalized: str | Normalized | None = None,
                 tokens: Sequence[str] | None = None) -> EventFeatures:
        """Features of ``doc``; ``masked`` / ``normalized`` (its masked text and that text
        normalized, as a string or as :func:`~framing.normalize.normalize_with_offsets` gives
        it) and ``tokens`` (``WORD_RE.findall`` of the normalized text) are reused when the
        caller has them."""
        masked = doc.masked_text if masked is None else masked
        title = doc.title or _first_line(masked)  # scraped text: the first real line is the headline
        lead_words = distinct = None
        if isinstance(normalized, Normalized):
            lead_words = _lead_words(masked, normalized, self.lead_chars)
            if tokens is not None:  # the words of the text: their set is the one the analysis built
                distinct = normalized.distinct_words()
            normalized = normalized.text
        if tokens is None:
            tokens = WORD_RE.findall(normalize_ar(masked) if normalized is None else normalized)
        sig, size, exact = self._hasher.signature_of_words(tokens, distinct)
        if lead_words is None:
            lead_words = WORD_RE.findall(normalize_ar(masked[: self.lead_chars]))
        words = self._words
        ev = doc.event.strip() if isinstance(doc.event, str) else doc.event
        return EventFeatures(doc.doc_id, doc.outlet, doc.date, str(ev) if ev not in (None, "") else None, title,
                             words.hashed(WORD_RE.findall(normalize_ar(title))), words.hashed(lead_words, bigrams=False),
                             sig, size, exact)


def _lead_words(masked: str, normalized: Normalized, lead_chars: int) -> list[str] | None:
    """The normalized words of ``masked[:lead_chars]``, cut from the whole text's normalization
    (``None`` when that cannot be done; the caller then normalizes the prefix on its own)."""
    prefix = normalized_prefix(normalized, lead_chars)
    if prefix is None:
        return None
    # WORD_RE.findall(prefix) from the text's words and gaps (split once for the whole text, and
    # by the same expression): the words before the cut, and the part of the one it cuts
    end = len(prefix)
    pieces = normalized.pieces()  # [gap, word, gap, ..., word, gap]
    i, stop = next(((k, e) for k, e in enumerate(accumulate(map(len, pieces))) if e >= end), (-1, 0))
    if i < 0:
        return pieces[1::2]
    if i % 2 == 0 or stop == end:  # the cut after a gap's end or a word's end
        return pieces[1:i + 1:2]
    return [*pieces[1:i:2], pieces[i][:len(pieces[i]) - (stop - end)]]


class EventFeatureTable:
    """Many documents' :class:`EventFeatures` in flat arrays (a few hundred bytes per document,
    no object per document): what the pipeline keeps between the map and the grouping.

    >>> f = EventFeaturizer(frozenset(), frozenset(), frozenset())
    >>> from framing.records import Document
    >>> t = EventFeatureTable([f.features(Document("d1", "خبر عن سحل حمادة صابر", outlet="A"))])
    >>> len(t), t.matrix("title", f.n_features).shape
    (1, (1, 2097152))
    """

    def __init__(self, features: Iterable[EventFeatures] = ()):
        from array import array

        self.meta = _Meta()
        self._idx = {"title": array("i"), "lead": array("i")}
        self._off = {"title": array("q", [0]), "lead": array("q", [0])}
        self._sig = bytearray()
        self.shingles = array("q")
        self.exact = array("q")
        for f in features:
            self.add(f)

    def __len__(self) -> int:
        return len(self.shingles)

    def add(self, f: EventFeatures) -> None:
        self.meta.add(f, f.title)
        for name, values in (("title", f.title_features), ("lead", f.lead_features)):
            self._idx[name].frombytes(np.ascontiguousarray(values, dtype=np.int32).tobytes())
            self._off[name].append(len(self._idx[name]))
        self._sig += np.ascontiguousarray(f.signature, dtype=np.uint32).tobytes()
        self.shingles.append(int(f.shingles))
        self.exact.append(int(f.exact))

    def matrix(self, name: str, n_features: int, rows: np.ndarray | None = None):
        """The CSR count matrix of the ``title`` or ``lead`` features (duplicates summed);
        ``rows``: only these documents (table indices, in that order)."""
        from scipy import sparse

        indices = np.frombuffer(self._idx[name], dtype=np.int32)
        indptr = np.frombuffer(self._off[name], dtype=np.int64)
        if rows is None:
            indices, indptr, n_rows = indices.copy(), indptr.copy(), len(self)
        else:
            rows = np.asarray(rows, dtype=np.int64)
            starts = indptr[rows]
            lengths = indptr[rows + 1] - starts
            indptr = np.zeros(len(rows) + 1, dtype=np.int64)
            np.cumsum(lengths, out=indptr[1:])
            indices = indices[np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])]
            n_rows = len(rows)
        X = sparse.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                              shape=(n_rows, n_features))
        X.sum_duplicates()
        return X

    def signatures(self, num_perm: int) -> np.ndarray:
        return np.frombuffer(bytes(self._sig), dtype=np.uint32).reshape(len(self), num_perm)


#: what :class:`_Featurizer` remembers of a word that is a place cue (the next word is a place)
_CUE = "cue"
#: distinct words a featurizer or a MinHasher remembers (then it forgets them and starts again)
_WORD_CACHE_LIMIT = 300_000


class _Featurizer:
    """Word (and bigram) features, hashed; what each distinct normalized word contributes is
    worked out once (stop word? place cue? light stem, entity, hash) and remembered (bounded)."""

    def __init__(self, stop, entity_words, cues, *, entity_weight, n_features: int = 2 ** 21):
        self.stop = stop
        self.entity_words = entity_words
        self.cues = cues
        self.entity_weight = max(1, entity_weight)
        self.n_features = n_features
        self._info: dict[str, object] = {}
        self.lookups = 0
        self.misses = 0

    def _learn(self, w: str):
        if w in self.cues:
            got = _CUE
        elif w in self.stop or len(w) < 2 or (w.isdigit() and len(w) < 3):
            got = None
        else:
            s = light_stem(w)
            got = (s, s in self.entity_words, zlib.crc32(s.encode("utf-8")) % self.n_features)
        info = self._info
        if len(info) >= _WORD_CACHE_LIMIT:
            info.clear()
        info[w] = got
        return got

    def _words(self, text: str) -> list[tuple[str, bool]]:
        """``(light stem, entity)`` of the feature words of ``text`` (stop words and cues left out)."""
        out = []
        after_cue = False
        for w in WORD_RE.findall(normalize_ar(text)):
            got = self._info.get(w, _MISSING)
            if got is _MISSING:
                got = self._learn(w)
            if got is _CUE:
                after_cue = True
                continue
            if got is None:
                after_cue = False
                continue
            out.append((got[0], after_cue or got[1]))
            after_cue = False
        return out

    def features(self, text: str, *, bigrams: bool = True) -> list[str]:
        """Word (and bigram) features; actor/place words repeated ``entity_weight`` times."""
        feats: list[str] = []
        words = self._words(text)
        for k, (w, entity) in enumerate(words):
            feats.extend([w] * (self.entity_weight if entity else 1))
            if k and bigrams:
                feats.append(words[k - 1][0] + " " + w)
        return feats

    def hashed(self, words: Sequence[str], *, bigrams: bool = True) -> np.ndarray:
        """The hashed :meth:`features` of normalized ``words`` (same values, same order)."""
        info, learn, n, weight = self._info, self._learn, self.n_features, self.entity_weight
        crc = zlib.crc32
        out: list[int] = []
        prev = None
        after_cue = False
        misses = 0
        for w in words:
            got = info.get(w, _MISSING)
            if got is _MISSING:
                misses += 1
                got = learn(w)
            if got is _CUE:
                after_cue = True
                continue
            if got is None:
                after_cue = False
                continue
            s, entity, h = got
            if after_cue or entity:
                out.extend([h] * weight)
            else:
                out.append(h)
            if bigrams and prev is not None:
                out.append(crc(f"{prev} {s}".encode()) % n)
            prev = s
            after_cue = False
        self.lookups += len(words)
        self.misses += misses
        return np.array(out, dtype=np.int32)


def _idf(df: np.ndarray, n: int) -> np.ndarray:
    """Smoothed idf from document frequencies ``df`` over ``n`` documents (0 for useless features)."""
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    # a feature of one document never links two: it would only dilute the cosine (and crowd
    # shared words out of the ``max_terms`` kept), so similarity is measured on shared features
    idf[df < 2] = 0.0
    if n >= 200:  # words in more than half the documents say nothing about an event
        idf[df > 0.5 * n] = 0.0
    return idf


def _table_idf(table: EventFeatureTable, name: str, n_features: int, batch: int) -> np.ndarray:
    """The idf of the whole table's ``name`` features, counted ``batch`` documents at a time."""
    n = len(table)
    df = np.zeros(n_features, dtype=np.int64)
    for a in range(0, n, batch):
        X = table.matrix(name, n_features, rows=np.arange(a, min(n, a + batch)))
        df += np.bincount(X.indices, minlength=n_features)
    return _idf(df, n)


def _tfidf(counts, max_terms: int, idf: np.ndarray | None = None):
    """Sublinear tf × smoothed idf, top ``max_terms`` per row, L2-normalized (CSR in place).

    ``idf`` (of a whole corpus, :func:`_idf`) weights a block of its rows: every row comes out
    the same, bit for bit, as in the matrix of all rows.
    """
    from scipy import sparse

    X = counts.tocsr()
    X.sum_duplicates()
    n = X.shape[0]
    if idf is None:
        idf = _idf(np.bincount(X.indices, minlength=X.shape[1]), n)
    X.data = ((1.0 + np.log(X.data)) * idf[X.indices]).astype(np.float32)
    indptr = X.indptr
    keep = np.ones(len(X.data), dtype=bool)
    for i in np.flatnonzero(np.diff(indptr) > max_terms).tolist():
        a, b = indptr[i], indptr[i + 1]
        row = X.data[a:b]
        cut = np.argpartition(-row, max_terms)[max_terms:]
        keep[a + cut] = False
    keep &= X.data > 0
    if not keep.all():
        row_ids = np.repeat(np.arange(n), np.diff(indptr))[keep]
        X = sparse.csr_matrix((X.data[keep], (row_ids, X.indices[keep])), shape=X.shape)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    X = sparse.diags((1.0 / norms).astype(np.float32)) @ X
    return X.tocsr().astype(np.float32)


def _column_map(idf: np.ndarray) -> tuple[np.ndarray, int]:
    """``(col, k)``: ``col[f]`` numbers the ``k`` features with a nonzero idf from 0, in feature
    order (int32; the others are never stored, :func:`_tfidf` drops them)."""
    col = np.cumsum(idf != 0, dtype=np.int32)
    k = int(col[-1]) if len(col) else 0
    col -= np.int32(1)
    return col, k


def _join_columns(T, w_title, title_col: np.ndarray, n_title: int, B, w_lead, lead_col: np.ndarray, n_lead: int):
    """``hstack([T · w_title, B · w_lead])`` (CSR) with the columns renumbered by ``title_col`` /
    ``lead_col`` (:func:`_column_map`; the lead columns after the ``n_title`` title ones): each
    row's entries in the same order, the same floats."""
    from scipy import sparse

    T, B = (T * w_title).tocsr(), (B * w_lead).tocsr()
    T = sparse.csr_matrix((T.data, title_col[T.indices], T.indptr), shape=(T.shape[0], n_title))
    B = sparse.csr_matrix((B.data, lead_col[B.indices], B.indptr), shape=(B.shape[0], n_lead))
    return sparse.hstack([T, B]).tocsr()


# --- blocking ---------------------------------------------------------------------------------


def _pair_threads() -> int:
    """Threads comparing days in :func:`_window_pairs`: the cores this process may use, at most 4."""
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def _window_pairs(rows_of, ordinals: np.ndarray, window: int, floor: float, *, max_undated: int,
                  n_neighbors: int, batch: int = 2000, chunk: int = 500, compact: bool = True):
    """Pairs ``i < j`` (corpus indices) with cosine ≥ ``floor`` among documents within the window.

    ``rows_of(idx)`` gives the (L2-normalized) rows of the documents ``idx`` (corpus indices,
    in that order). Dated documents are taken in date order, ``batch`` at a time, each batch
    against itself and the documents up to ``window`` days after its last one: time and
    memory grow with the documents of a window, not of the corpus (a row is weighted once,
    while its window is open). Undated documents are compared with every document.

    ``chunk``: rows per product (a block of rows against the documents up to the window of its
    last one: smaller blocks multiply fewer pairs outside a row's window or before it; on the
    February month 500 rather than 1000 rows cut the grouping's CPU by 4 %).

    ``compact``: renumber each window's columns to the ones it uses (``False`` when the rows'
    columns are few already: :meth:`EventGrouper.fit_features` numbers the corpus's features).

    Returns ``rows, cols, sims`` (arrays, ``rows < cols``) and whether kNN blocking was used.
    """
    n = len(ordinals)
    out_r, out_c, out_s = [], [], []
    dated = np.flatnonzero(ordinals >= 0)
    undated = np.flatnonzero(ordinals < 0)
    if len(dated):
        _dated_pairs(rows_of, dated[np.argsort(ordinals[dated], kind="stable")], ordinals, window, floor,
                     batch, chunk, out_r, out_c, out_s, compact=compact)
    knn = len(undated) > max_undated
    if len(undated):
        X = rows_of(np.arange(n))
        XT_all = X.T.tocsc()
        # rows per product: an undated row can meet every document, so its block is kept small
        # enough that the products stay near 20M entries however large the corpus
        step = max(16, min(chunk, 20_000_000 // n))

        def undated_block(a: int):
            idx = undated[a:a + step]
            S = (X[idx] @ XT_all).tocsr()
            found = []
            for k, i in enumerate(idx):
                lo, hi = S.indptr[k], S.indptr[k + 1]
                cj, sv = S.indices[lo:hi], S.data[lo:hi]
                m = (cj != i) & (sv >= floor)
                cj, sv = cj[m], sv[m]
                if knn and len(cj) > n_neighbors:
                    top = np.argpartition(-sv, n_neighbors)[:n_neighbors]
                    cj, sv = cj[top], sv[top]
                # an undated–undated pair is seen from both sides: keep it once (i < j)
                m = (ordinals[cj] >= 0) | (cj > i)
                found.append((np.full(int(m.sum()), i, dtype=np.int64), cj[m].astype(np.int64), sv[m]))
            return found

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=_pair_threads()) as pool:
            for found in pool.map(undated_block, range(0, len(undated), step)):
                for r, c, v in found:
                    out_r.append(r)
                    out_c.append(c)
                    out_s.append(v)
    if not out_r:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32), knn
    rows = np.concatenate(out_r).astype(np.int64)
    cols = np.concatenate(out_c).astype(np.int64)
    sims = np.concatenate(out_s).astype(np.float32)
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    if knn:  # kNN lists can hold a pair twice
        key = lo * n + hi
        _, first = np.unique(key, return_index=True)
        lo, hi, sims = lo[first], hi[first], sims[first]
    return lo, hi, sims, knn


#: dated documents from which :func:`_dated_pairs` multiplies rows with the compiled kernel
#: (:func:`_window_kernel`, numba) instead of scipy's sparse product: the same pairs and floats,
#: without the product's every nonzero (most of them far below the floor) being stored and
#: filtered. Below it scipy's product is cheap enough: numba and the compiled kernel stay resident
#: in this process (about 150 MB), which on the February month (85k documents) would put the report
#: phase's process tree above 1.5 GB for 6 s of CPU saved
KERNEL_MIN_DOCS = 200_000


def _dated_pairs(rows_of, order: np.ndarray, ordinals: np.ndarray, window: int, floor: float, batch: int,
                 chunk: int, out_r: list, out_c: list, out_s: list, *, compact: bool = True) -> None:
    """The pairs of dated documents (``order``: their corpus indices in date order) at most
    ``window`` days apart with cosine ≥ ``floor``, appended to ``out_*``.

    Batches of ``batch`` documents (positions ``p0:p1`` in date order) are compared with the
    documents ``p0:c1``, ``c1`` the first one more than ``window`` days after the batch's last;
    a pair is kept when its second document comes later in date order and is within the window
    of the first. The rows of ``p0:c1`` are kept from one batch to the next (each row weighted
    once) with their features renumbered to the ones the window uses; a row's similarities are
    the same floats whichever block it is multiplied in (the sum runs over its own entries, in
    their order, in float32). Blocks of ``chunk`` rows run in threads (scipy's products and the
    kernel release the GIL). From :data:`KERNEL_MIN_DOCS` documents on, the kernel
    (:func:`_window_kernel`) computes each pair's sum in that same order, only for the pairs a
    row can keep (later, within its window), and returns only those at or above ``floor``.
    """
    from concurrent.futures import ThreadPoolExecutor

    from scipy import sparse

    days = ordinals[order]
    m = len(order)
    kernel = _window_kernel() if m >= KERNEL_MIN_DOCS else None
    win = None  # the rows of positions w0:w1 (date order)
    w0 = w1 = 0

    def collect(futures) -> None:
        for future in futures:
            r, c, v = future.result()
            out_r.append(r)
            out_c.append(c)
            out_s.append(v)

    previous: list = []
    with ThreadPoolExecutor(max_workers=_pair_threads()) as pool:
        for p0 in range(0, m, batch):
            p1 = min(m, p0 + batch)
            c1 = int(np.searchsorted(days, days[p1 - 1] + window, "right"))
            parts = [] if win is None or w1 <= p0 else [win[p0 - w0:]]
            start = max(w1, p0)
            if c1 > start:
                parts.append(rows_of(order[start:c1]))
            win = parts[0] if len(parts) == 1 else sparse.vstack(parts, format="csr")
            w0, w1 = p0, c1
            W = win
            if compact:  # only the features this window uses: a compact column space for the transposes
                used, local = np.unique(win.indices, return_inverse=True)
                W = sparse.csr_matrix((win.data, local.astype(np.int32).ravel(), win.indptr),
                                      shape=(win.shape[0], len(used)))
            wdays = days[w0:w1]
            if kernel is not None:
                WT = W.tocsc()  # feature → the window's rows holding it, in row order
                limits = np.searchsorted(wdays, wdays + window, "right").astype(np.int32)
                data = np.ascontiguousarray(W.data, dtype=np.float32)
                t_data = np.ascontiguousarray(WT.data, dtype=np.float32)
                W = sparse.csr_matrix((data, W.indices.astype(np.int32), W.indptr.astype(np.int32)), shape=W.shape)
                WT = sparse.csc_matrix((t_data, WT.indices.astype(np.int32), WT.indptr.astype(np.int32)),
                                       shape=WT.shape)

                def block(a: int, W=W, WT=WT, limits=limits, data=data, t_data=t_data, p0=p0, p1=p1):
                    b = min(a + chunk, p1 - p0)
                    ri, ci, sv = kernel(W.indptr, W.indices, data, WT.indptr, WT.indices, t_data, limits, a, b,
                                        np.float32(floor))
                    return order[p0 + ri.astype(np.int64)], order[p0 + ci.astype(np.int64)], sv
            else:
                def block(a: int, W=W, wdays=wdays, p0=p0, p1=p1):
                    # rows a .. b of the batch (positions relative to w0 = p0) against the documents
                    # from a up to the window of row b - 1: nothing earlier, nothing later is multiplied
                    b = min(a + chunk, p1 - p0)
                    c = int(np.searchsorted(wdays, wdays[b - 1] + window, "right"))
                    S = W[a:b] @ W[a:c].T.tocsr()
                    at = np.flatnonzero(S.data >= floor)
                    ri = np.searchsorted(S.indptr, at, side="right") - 1
                    ci = S.indices[at]
                    keep = (ci > ri) & (wdays[a + ci] - wdays[a + ri] <= window)
                    return order[p0 + a + ri[keep]], order[p0 + a + ci[keep]], S.data[at[keep]]

            # this batch's blocks run while the next window is weighted; the previous batch's
            # results are collected first (in order), so at most two windows are held at a time
            collect(previous)
            previous = [pool.submit(block, a) for a in range(0, p1 - p0, chunk)]
        collect(previous)


_KERNEL = None


def _window_kernel():
    """The compiled pair kernel (:func:`_pairs_kernel` through numba, cached on disk after the
    first compilation), or ``None`` without numba."""
    global _KERNEL
    if _KERNEL is not None:
        return _KERNEL
    try:
        import numba
    except ImportError:  # pragma: no cover - numba comes with the topic stack; without it, scipy's product
        return None
    try:
        compiled = numba.njit(nogil=True, cache=True)(_pairs_kernel)
    except RuntimeError:  # pragma: no cover - no writable cache folder: compiled in every process
        compiled = numba.njit(nogil=True)(_pairs_kernel)

    def kernel(indptr, indices, data, t_indptr, t_indices, t_data, limits, a: int, b: int, floor):
        """``rows, cols, sims`` of :func:`_pairs_kernel` for the rows ``a:b`` (output grown as needed)."""
        parts, cap = [], 1 << 16
        while a < b:
            out_r, out_c = np.empty(cap, dtype=np.int32), np.empty(cap, dtype=np.int32)
            out_s = np.empty(cap, dtype=np.float32)
            k, a = compiled(indptr, indices, data, t_indptr, t_indices, t_data, limits, a, b, floor, out_r, out_c,
                            out_s)
            parts.append((out_r[:k], out_c[:k], out_s[:k]))
            cap *= 4
        if len(parts) == 1:
            return parts[0]
        return tuple(np.concatenate([p[m] for p in parts]) for m in range(3))

    _KERNEL = kernel
    return kernel


def _pairs_kernel(indptr, indices, data, t_indptr, t_indices, t_data, limits, a, b, floor, out_r, out_c,
                  out_s):  # pragma: no cover - compiled by numba (its result is tested against scipy's)
    """For each row ``i`` in ``a:b`` of a CSR matrix (``t_*``: the same matrix as CSC), the dot
    products with the rows ``j``, ``i < j < limits[i]``, summed like scipy's CSR product (over
    row ``i``'s entries in their stored order, float32 products added in float32, from 0): the
    same floats. The nonzero ones at or above ``floor`` go to ``out_*`` (local row numbers, in
    row order). Returns ``(k, i)``: ``k`` pairs written, ``i`` the first row not done (``b``, or
    the row whose pairs did not fit: call again from there with more room)."""
    n = len(indptr) - 1
    acc = np.zeros(n, dtype=np.float32)
    seen = np.zeros(n, dtype=np.bool_)
    touched = np.empty(n, dtype=np.int32)
    ptr = t_indptr[:-1].copy()  # per feature: its first row after the current one (rows go up)
    cap = len(out_r)
    k = 0
    for i in range(a, b):
        lim = limits[i]
        nt = 0
        for p in range(indptr[i], indptr[i + 1]):
            v = data[p]
            f = indices[p]
            end = t_indptr[f + 1]
            q0 = ptr[f]
            while q0 < end and t_indices[q0] <= i:
                q0 += 1
            ptr[f] = q0
            for q in range(q0, end):
                j = t_indices[q]
                if j >= lim:
                    break
                if not seen[j]:
                    seen[j] = True
                    touched[nt] = j
                    nt += 1
                acc[j] += v * t_data[q]
        full = k + nt > cap
        for t in range(nt):
            j = touched[t]
            s = acc[j]
            if not full and s != 0 and s >= floor:  # as scipy's product: exact zeros are not stored
                out_r[k] = i
                out_c[k] = j
                out_s[k] = s
                k += 1
            acc[j] = 0.0
            seen[j] = False
        if full:
            return k, i
    return k, b


# --- copies -------------------------------------------------------------------------------------

_MERSENNE = np.uint64((1 << 61) - 1)
_K1, _K2, _SHIFT = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(32)


class _MinHasher:
    """MinHash of word 3-shingles (multiply-shift hashing; deterministic for a seed)."""

    def __init__(self, num_perm: int, seed: int):
        rng = np.random.default_rng(seed)
        self.a = (rng.integers(1, 2 ** 63, size=num_perm, dtype=np.uint64) | np.uint64(1))
        self.b = rng.integers(0, 2 ** 63, size=num_perm, dtype=np.uint64)
        self._b = self.b[:, None]
        self.num_perm = num_perm
        self._cache: dict[str, int] = {}
        self.lookups = 0
        self.misses = 0

    def _ids(self, words: Sequence[str], distinct: set[str] | None = None) -> np.ndarray:
        """The ids of ``words``; ``distinct``: their set, when the caller has it (then the words
        not seen yet are found first, not by a failed pass over the words)."""
        cache = self._cache
        get = cache.__getitem__
        if distinct is None:
            try:
                return np.fromiter(map(get, words), dtype=np.uint64, count=len(words))
            except KeyError:
                distinct = set(words)
        new = distinct.difference(cache)
        self.misses += len(new)
        if len(cache) + len(new) > _WORD_CACHE_LIMIT:  # bounded: a corpus has millions of words
            cache.clear()
            new = distinct
        crc = zlib.crc32
        for w in new:
            cache[w] = crc(w.encode("utf-8")) | (len(w) << 32)
        try:
            return np.fromiter(map(get, words), dtype=np.uint64, count=len(words))
        except KeyError:  # ``distinct`` was not the set of ``words``
            return self._ids(words)

    def signature(self, text: str, *, normalized: bool = False) -> tuple[np.ndarray, int, int]:
        """``(signature, number of distinct shingles, exact-text hash)`` (``normalized``: ``text`` already is)."""
        return self.signature_of_words(WORD_RE.findall(text if normalized else normalize_ar(text)))

    def signature_of_words(self, words: Sequence[str], distinct: set[str] | None = None
                           ) -> tuple[np.ndarray, int, int]:
        """:meth:`signature` of a text's normalized words (``distinct``: their set, if known)."""
        self.lookups += len(words)
        exact = zlib.crc32(" ".join(words).encode("utf-8")) if words else 0
        if len(words) < 3:
            return np.full(self.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32), 0, exact
        h = self._ids(words, distinct)
        with np.errstate(over="ignore"):  # arithmetic modulo 2**64, in place
            sh = h[:-2] * _K1
            sh ^= h[1:-1] * _K2
            sh ^= h[2:]
            sh.sort()  # the distinct shingles
            keep = np.empty(len(sh), dtype=bool)
            keep[0] = True
            np.not_equal(sh[1:], sh[:-1], out=keep[1:])
            sh = sh[keep]
            hv = np.multiply.outer(self.a, sh)
            hv += self._b
        # (a·x + b) >> 32 is monotone in a·x + b: shifting the minimum is the minimum of the shifted
        return (hv.min(axis=1) >> _SHIFT).astype(np.uint32), len(sh), exact


def _find_copies(sigs, sizes, exact, ordinals, rows, cols, sims, *, threshold: float, min_shingles: int,
                 min_length_ratio: float = 0.5, bands: int = 16, candidate_floor: float = 0.5, max_bucket: int = 50):
    """``duplicate_of`` (index or -1) and ``duplicate_similarity`` per document.

    Candidate pairs (same exact text, a shared MinHash band, content pairs with cosine ≥
    ``candidate_floor``) are collected as arrays; each later document (by date, then corpus
    order) takes the earliest-ranked candidate original whose similarity is the highest at or
    above ``threshold`` (a candidate that is itself a copy stands for its original).
    """
    n = len(sizes)
    keys: list[np.ndarray] = []  # candidate pairs as lo * n + hi (corpus indices)
    # exact same normalized text (also for short texts): the first of each text with the next ones
    nz = np.flatnonzero(exact != 0)
    if len(nz):
        by_text = nz[np.argsort(exact[nz], kind="stable")]
        values = exact[by_text]
        starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
        group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(by_text)]))
        pos = np.arange(len(by_text)) - starts[group]
        m = (pos >= 1) & (pos < max_bucket)
        keys.append(by_text[starts[group[m]]] * n + by_text[m])
    # LSH over MinHash bands, any date
    num_perm = sigs.shape[1] if len(sigs) else 0
    r = max(1, num_perm // bands)
    valid = np.flatnonzero(sizes >= 3)
    for band in range(0, num_perm - r + 1, r):
        # documents whose band is equal share a bucket; each member pairs with the (at most
        # max_bucket) members before it in corpus order
        block = np.ascontiguousarray(sigs[valid, band:band + r])
        _, bucket = np.unique(block.view(np.dtype((np.void, block.dtype.itemsize * r))).ravel(),
                              return_inverse=True)
        order = np.argsort(bucket.ravel(), kind="stable")
        bucket, members = bucket.ravel()[order], valid[order]
        for d in range(1, max_bucket + 1):
            same = np.flatnonzero(bucket[d:] == bucket[:-d])
            if not len(same):
                break
            keys.append(members[same] * n + members[same + d])
        pending = sum(len(k) for k in keys)
        if pending > 4_000_000 and pending > 2 * len(keys[0]):  # the bands repeat pairs: keep memory to the distinct ones
            keys = [np.unique(np.concatenate(keys))]
    # content pairs that are very similar
    m = sims >= candidate_floor
    keys.append(rows[m].astype(np.int64) * n + cols[m])
    key = np.unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)
    first, second = key // n, key % n
    m = first != second
    first, second = first[m], second[m]

    # order: earliest date first (undated last), then corpus order
    big = np.iinfo(np.int64).max
    rank_key = np.where(ordinals >= 0, ordinals, big)
    order = np.lexsort((np.arange(n), rank_key))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    swap = rank[first] > rank[second]
    earlier = np.where(swap, second, first)
    later = np.where(swap, first, second)
    sim = _copy_similarity(sigs, sizes, exact, earlier, later, min_shingles=min_shingles,
                           min_length_ratio=min_length_ratio)

    def sim_of(i: int, j: int) -> float:
        return float(_copy_similarity(sigs, sizes, exact, np.array([i]), np.array([j]), min_shingles=min_shingles,
                                      min_length_ratio=min_length_ratio)[0])

    # later documents in rank order, each with its earlier candidates
    by_later = np.lexsort((rank[earlier], rank[later]))
    earlier, later, sim = earlier[by_later].tolist(), later[by_later], sim[by_later].tolist()
    bounds = np.flatnonzero(np.r_[True, later[1:] != later[:-1], True]).tolist() if len(later) else []
    later = later.tolist()
    dup_of = np.full(n, -1, dtype=np.int64)
    dup_sim = np.full(n, np.nan, dtype=np.float64)
    dup = [-1] * n
    for a, b in pairwise(bounds):
        j = later[a]
        known = dict(zip(earlier[a:b], sim[a:b], strict=True))
        best, best_s = -1, 0.0
        for i in sorted({dup[i] if dup[i] >= 0 else i for i in earlier[a:b]}, key=rank.__getitem__):
            s = known[i] if i in known else sim_of(i, j)
            if s >= threshold and s > best_s:
                best, best_s = i, s
        if best >= 0:
            dup[j] = best
            dup_of[j] = best
            dup_sim[j] = round(best_s, 3)
    return dup_of, dup_sim


def _copy_similarity(sigs, sizes, exact, first: np.ndarray, second: np.ndarray, *, min_shingles: int,
                     min_length_ratio: float) -> np.ndarray:
    """The copy similarity of the pairs ``first[k], second[k]``: 1 for the same exact text; 0 when
    one text is much shorter (a teaser, a shared link list is not a copy); for short texts (fewer
    than ``min_shingles`` shingles) the MinHash Jaccard estimate when their lengths are within
    2×; else the estimated containment: the share of the shorter text's shingles in the other one,
    ``J · (|A| + |B|) / (1 + J) / min(|A|, |B|)`` from the MinHash Jaccard estimate ``J``."""
    out = np.zeros(len(first), dtype=np.float64)
    if not len(first):
        return out
    sa, sb = sizes[first], sizes[second]
    small, large = np.minimum(sa, sb), np.maximum(sa, sb)
    step = 100_000  # pairs × num_perm booleans at a time
    jac = np.concatenate([np.mean(sigs[first[k:k + step]] == sigs[second[k:k + step]], axis=1)
                          for k in range(0, len(first), step)])
    with np.errstate(divide="ignore", invalid="ignore"):
        inter = jac * (sa + sb) / (1.0 + jac)
        contain = np.minimum(1.0, inter / small)
    short = small < min_shingles
    out = np.where(short, np.where((small > 0) & (large <= 2 * small), jac, 0.0), np.where(small > 0, contain, 0.0))
    out[small < min_length_ratio * large] = 0.0
    out[(exact[first] != 0) & (exact[first] == exact[second])] = 1.0
    return out


# --- clustering ---------------------------------------------------------------------------------


def _average_linkage(n: int, rows, cols, sims, threshold: float) -> np.ndarray:
    """Average-linkage clusters of a sparse similarity graph (missing pairs count as 0).

    Returns one cluster label per node (the smallest member index).

    Two groups merge only when some pair between them reaches ``threshold`` (a mean is never
    above its largest term), so only the pairs inside a connected component of the pairs at
    or above ``threshold`` are kept (the others are never used); a node alone in its
    component stays alone.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    rows, cols, sims = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), np.asarray(sims)
    loop = rows == cols
    if loop.any():
        rows, cols, sims = rows[~loop], cols[~loop], sims[~loop]
    strong = sims >= threshold
    graph = sparse.coo_matrix((np.ones(int(strong.sum()), dtype=np.int8), (rows[strong], cols[strong])),
                              shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    alone = np.bincount(comp, minlength=1)[comp] < 2
    m = (comp[rows] == comp[cols]) & ~alone[rows]
    rows, cols, sims = rows[m], cols[m], sims[m]
    nbr: dict[int, dict[int, float]] = defaultdict(dict)
    for i, j, s in zip(rows.tolist(), cols.tolist(), sims.tolist(), strict=False):
        nbr[i][j] = nbr[i].get(j, 0.0) + s
        nbr[j][i] = nbr[j].get(i, 0.0) + s
    size = [1] * n
    version = [0] * n
    parent = list(range(n))
    heap = [(-s, i, j, 0, 0) for i, j, s in zip(rows.tolist(), cols.tolist(), sims.tolist(), strict=False)
            if s >= threshold]
    heapq.heapify(heap)
    while heap:
        _neg, a, b, va, vb = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b or version[a] != va or version[b] != vb:
            continue
        big, small = (a, b) if size[a] >= size[b] else (b, a)
        nb_big, nb_small = nbr[big], nbr[small]
        nb_big.pop(small, None)
        for c, w in nb_small.items():
            if c == big:
                continue
            total = nb_big.get(c, 0.0) + w
            nb_big[c] = total
            nc = nbr[c]
            nc.pop(small, None)
            nc[big] = total
        nbr[small] = {}
        parent[small] = big
        size[big] += size[small]
        version[big] += 1
        sb = size[big]
        for c, w in nb_big.items():
            avg = w / (sb * size[c])
            if avg >= threshold:
                x, y = (big, c) if big < c else (c, big)
                heapq.heappush(heap, (-avg, x, y, version[x], version[y]))

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    roots = np.array([find(i) for i in range(n)], dtype=np.int64)
    # label = smallest member index
    first = {}
    for i, r in enumerate(roots.tolist()):
        first.setdefault(r, i)
    return np.array([first[r] for r in roots.tolist()], dtype=np.int64)


# --- result tables ------------------------------------------------------------------------------


class _Meta:
    def __init__(self):
        self.doc_ids: list[str] = []
        self.outlets: list[str] = []
        self.dates: list[str | None] = []
        self.ordinals: list[int] = []
        self.titles: list[str] = []
        self.events: list[str | None] = []
        self.warnings: list[str] = []
        self._bad_dates = 0

    def add(self, doc: Document | EventFeatures, title: str) -> None:
        self.doc_ids.append(doc.doc_id)
        self.outlets.append(doc.outlet)
        ordinal = -1
        day = None
        if doc.date:
            try:
                d = _date.fromisoformat(str(doc.date).strip()[:10])
                ordinal = d.toordinal()
                day = d.isoformat()
            except ValueError:
                self._bad_dates += 1
                if self._bad_dates == 1:
                    self.warnings.append(f"{doc.doc_id}: date {doc.date!r} is not YYYY-MM-DD; treated as undated")
        self.dates.append(day)
        self.ordinals.append(ordinal)
        self.titles.append(title)
        ev = doc.event.strip() if isinstance(doc.event, str) else doc.event
        self.events.append(str(ev) if ev not in (None, "") else None)


def _first_line(text: str, limit: int = 160, min_words: int = 4) -> str:
    for line in text.splitlines():
        line = line.strip()
        if len(WORD_RE.findall(line)) >= min_words:
            return line[:limit]
    return text.strip()[:limit]


def _build_result(meta: _Meta, event_key, dup_of, dup_sim, stop, *, min_outlets: int) -> EventResult:
    n = len(meta.doc_ids)
    groups: dict[tuple[str, object], list[int]] = defaultdict(list)
    for i, key in enumerate(event_key):
        groups[key].append(i)
    big = 10 ** 9

    def sort_key(item):
        _key, members = item
        ords = [meta.ordinals[i] for i in members if meta.ordinals[i] >= 0]
        return (min(ords) if ords else big, min(meta.doc_ids[i] for i in members))

    codes = _TitleCodes(stop, meta.titles)
    manual_ids = {k[1] for k in groups if k[0] == "manifest"}
    width = max(4, len(str(len(groups))))
    event_of = [""] * n
    # the events table as columns (not a dict per event)
    cols: dict[str, list] = {c: [] for c in EVENT_COLUMNS}
    counter = 0
    for key, members in sorted(groups.items(), key=sort_key):
        if key[0] == "manifest":
            eid = str(key[1])
        else:
            while True:
                counter += 1
                eid = f"E{counter:0{width}d}"
                if eid not in manual_ids:
                    break
        for i in members:
            event_of[i] = eid
        days = sorted(meta.dates[i] for i in members if meta.dates[i])
        outlets = sorted({meta.outlets[i] for i in members})
        indep = [i for i in members if dup_of[i] < 0]
        indep_outlets = sorted({meta.outlets[i] for i in indep})
        label = codes.label(members, n)
        if days:
            label += f" ({days[0]}" + (f" – {days[-1]})" if days[-1] != days[0] else ")")
        for name, value in (
            ("event_id", eid), ("label", label),
            ("date_start", days[0] if days else None), ("date_end", days[-1] if days else None),
            ("n_docs", len(members)), ("n_independent", len(indep)), ("n_outlets", len(outlets)),
            ("outlets", "; ".join(outlets)), ("independent_outlets", "; ".join(indep_outlets)),
            ("multi_outlet", len(indep_outlets) >= min_outlets), ("source", key[0]),
            ("doc_ids", "; ".join(meta.doc_ids[i] for i in members)),
        ):
            cols[name].append(value)
    del codes
    events = pd.DataFrame(cols, columns=EVENT_COLUMNS) if cols["event_id"] else pd.DataFrame(columns=EVENT_COLUMNS)
    assignments = pd.DataFrame({
        "doc_id": meta.doc_ids,
        "outlet": meta.outlets,
        "date": meta.dates,
        "title": meta.titles,
        "event_id": event_of,
        "event_source": [k[0] for k in event_key],
        "duplicate_of": [meta.doc_ids[j] if j >= 0 else None for j in dup_of.tolist()],
        "duplicate_similarity": dup_sim,
        "independent": dup_of < 0,
    }, columns=ASSIGNMENT_COLUMNS)
    return EventResult(assignments, events, {})


class _TitleWords:
    """The words of titles that event labels need, one tokenization per distinct title.

    ``words(title)`` is ``(stems, items)``: the light stems of its normalized words that
    are not stop words (for the title document frequencies), and ``(position, stem,
    spelling)`` of each word a label may use (not a stop word, ≥ 2 letters, not a
    number; the spelling normalized except alef, alef maksura and teh marbuta).
    """

    def __init__(self, stop):
        self.stop = stop
        self._titles: dict[str, tuple[frozenset[str], tuple[tuple[int, str, str], ...]]] = {}
        self._stems: dict[str, str] = {}
        self._spellings: dict[str, str] = {}
        self._words: dict[str, tuple[str, bool] | None] = {}  # normalized word → (stem, label word) or None
        self._plain: dict[str, tuple[list[str], list[str]]] = {}

    def prepare(self, titles: Iterable[str]) -> None:
        """Normalize many titles in two passes over them all (each title's words both ways,
        see :func:`_plain_title_words`) instead of two per title."""
        todo = [t for t in dict.fromkeys(titles) if t not in self._titles and "\n" not in t
                and _SLOW_RE.search(t) is None]
        if not todo:
            return
        joined = "\n".join(todo)  # a line break is no word character and normalizes to itself
        norms = normalize_ar(joined).split("\n")
        spellings = normalize_ar(joined, alef=False, alef_maksura=False, teh_marbuta=False).split("\n")
        find = WORD_RE.findall
        for t, n, sp in zip(todo, norms, spellings, strict=True):
            self._plain[t] = (find(n), find(sp))

    def _word(self, norm: str) -> tuple[str, bool] | None:
        if norm in self.stop:
            got = None
        else:
            s = self._stems.get(norm)
            if s is None:
                s = self._stems[norm] = light_stem(norm)
            got = (s, not (len(norm) < 2 or norm.isdigit()))
        self._words[norm] = got
        return got

    def __call__(self, title: str) -> tuple[frozenset[str], tuple[tuple[int, str, str], ...]]:
        got = self._titles.get(title)
        if got is not None:
            return got
        stop, stems, spellings = self.stop, self._stems, self._spellings
        df: set[str] = set()
        items: list[tuple[int, str, str]] = []
        plain = self._plain.pop(title, None)
        if plain is None and (pair := _plain_title_words(title)) is not None:
            plain = ([w for w, _ in pair], [sp for _, sp in pair])
        if plain is not None:  # the usual title: its words normalized both ways, no offsets needed
            known, learn = self._words, self._word
            for pos, (norm, spelling) in enumerate(zip(*plain, strict=True)):
                info = known.get(norm, _MISSING)
                if info is _MISSING:
                    info = learn(norm)
                if info is None:
                    continue
                df.add(info[0])
                if info[1]:
                    items.append((pos, info[0], spelling))
            got = self._titles[title] = (frozenset(df), tuple(items))
            return got
        for pos, tok in enumerate(tokenize(title)):
            norm = tok.norm
            if norm in stop:
                continue
            s = stems.get(norm)
            if s is None:
                s = stems[norm] = light_stem(norm)
            df.add(s)
            if len(norm) < 2 or norm.isdigit():
                continue
            written = title[tok.start:tok.end]
            spelling = spellings.get(written)
            if spelling is None:
                spelling = spellings[written] = normalize_ar(written, alef=False, alef_maksura=False,
                                                             teh_marbuta=False)
            items.append((pos, s, spelling))
        got = self._titles[title] = (frozenset(df), tuple(items))
        return got


#: a word, or a line break (between titles joined into one text)
_WORD_OR_BREAK_RE = re.compile(f"{WORD_RE.pattern}|\n")


@lru_cache(maxsize=1)
def _spelling_to_norm() -> dict[int, str]:
    """The translation from a label spelling (:func:`~framing.normalize.normalize_ar` without
    alef, alef maksura and teh marbuta) to the normalized word: on text without special
    clusters both normalizations translate character by character, with the same table but
    for these letters (which no other entry produces)."""
    full, spelling = _table(True, True, True, True), _table(False, False, False, True)
    return {k: v for k, v in full.items() if spelling.get(k, _MISSING) != v}


class _TitleCodes:
    """The label words of many titles (:class:`_TitleWords`) kept as numbers: each distinct title's
    ``(position, stem, spelling)`` items as three int32 columns over two vocabularies, and the
    title document frequency of each stem (:attr:`df`, every document's title counted). A tuple
    of strings per title held for the whole corpus took about 300 MB of the February month's
    85,676 titles; this holds a few MB. Titles are read :data:`CHUNK` at a time, joined into one
    text normalized once (the label spelling); each distinct spelling is looked up once (its
    normalized word, stem and stop-word test), the words of the chunk as arrays of those codes.

    >>> codes = _TitleCodes(frozenset({"في"}), ["سحل مواطن في القاهرة", "سحل مواطن في القاهرة"])
    >>> codes.items(1) == _TitleWords(frozenset({"في"}))("سحل مواطن في القاهرة")[1], codes.df["سحل"]
    (True, 2)
    """

    CHUNK = 4096

    def __init__(self, stop, titles: Sequence[str]):
        from array import array

        # rows: the distinct titles in first-seen order; each document's row
        row_of = {t: r for r, t in enumerate(dict.fromkeys(titles))}
        self._doc_row = array("i", np.fromiter(map(row_of.__getitem__, titles), dtype=np.int32,
                                               count=len(titles)).tobytes()) if len(titles) else array("i")
        distinct = list(row_of)
        del row_of
        # each normalized word once (not once per use): its code, 2 · stem id + label word, or -1 for
        # a stop word; the line break between two joined titles -2 (as _TitleWords._word)
        code_of: dict[str, int] = {"\n": -2}
        stem_id: dict[str, int] = {}
        spelling_id: dict[str, int] = {}
        spelling_code = array("q")  # spelling id → the code of its normalized word
        to_norm = _spelling_to_norm()

        def learn(spelling: str) -> int:
            """A new spelling's id (its code remembered)."""
            norm = spelling.translate(to_norm)
            code = code_of.get(norm)
            if code is None:
                code = code_of[norm] = -1 if norm in stop else 2 * stem_id.setdefault(
                    light_stem(norm), len(stem_id)) + (not (len(norm) < 2 or norm.isdigit()))
            spelling_code.append(code)
            got = spelling_id[spelling] = len(spelling_id)
            return got

        words = _TitleWords(stop)
        docs_per_row = np.bincount(np.frombuffer(self._doc_row, dtype=np.int32), minlength=len(distinct)) \
            if len(self._doc_row) else np.zeros(0, dtype=np.int64)
        totals = np.zeros(0, dtype=np.int64)  # per stem id: documents whose title has it
        self._pos, self._stem, self._spelling = array("i"), array("i"), array("i")
        self._off = array("q", [0])
        find = _WORD_OR_BREAK_RE.findall
        for a in range(0, len(distinct), self.CHUNK):
            part = distinct[a:a + self.CHUNK]
            plain = [r for r, t in enumerate(part, start=a) if "\n" not in t and _SLOW_RE.search(t) is None]
            # this chunk's label items (row, position, stem id, spelling id) and (row, stem id) of its
            # title frequencies, as arrays
            rows, pos, stems, sps, df_rows, df_stems = ([] for _ in range(6))
            if plain:
                # one pass over the joined titles (a line break normalizes to itself): the spellings;
                # each distinct spelling's normalized word is its translation (see _spelling_to_norm)
                spellings = find(normalize_ar("\n".join(distinct[r] for r in plain), alef=False,
                                              alef_maksura=False, teh_marbuta=False))
                for w in dict.fromkeys(spellings):
                    if w not in spelling_id:
                        learn(w)
                sp = np.fromiter(map(spelling_id.__getitem__, spellings), dtype=np.int64, count=len(spellings))
                codes = np.frombuffer(spelling_code, dtype=np.int64)[sp]
                brk = codes == -2
                title = np.cumsum(brk) - brk  # the title (index into plain) of each word
                row = np.asarray(plain, dtype=np.int64)[title]
                word = codes >= 0
                pair = np.unique(row[word] * (1 << 32) + (codes[word] >> 1))  # each stem once per title
                df_rows.append(pair >> 32)
                df_stems.append(pair & 0xFFFFFFFF)
                item = word & ((codes & 1) == 1)
                rows.append(row[item])
                pos.append((np.arange(len(codes)) - np.r_[0, np.flatnonzero(brk) + 1][title])[item])
                stems.append(codes[item] >> 1)
                sps.append(sp[item])
            for r in sorted(set(range(a, a + len(part))).difference(plain)):
                # offsets needed (a presentation form, a combining mark, a line break): the slow way
                df, items = words(distinct[r])
                words._titles.pop(distinct[r], None)
                df_rows.append(np.full(len(df), r, dtype=np.int64))
                df_stems.append(np.array([stem_id.setdefault(s, len(stem_id)) for s in df], dtype=np.int64))
                rows.append(np.full(len(items), r, dtype=np.int64))
                pos.append(np.array([p for p, _, _ in items], dtype=np.int64))
                stems.append(np.array([stem_id.setdefault(s, len(stem_id)) for _, s, _ in items], dtype=np.int64))
                sps.append(np.array([spelling_id[x] if x in spelling_id else learn(x) for _, _, x in items],
                                    dtype=np.int64))
            rows = np.concatenate(rows)
            order = np.argsort(rows, kind="stable")  # row order; a title's items in title order
            for out, values in ((self._pos, pos), (self._stem, stems), (self._spelling, sps)):
                out.frombytes(np.concatenate(values)[order].astype(np.int32).tobytes())
            ends = np.cumsum(np.bincount(rows - a, minlength=len(part))) + self._off[-1]
            self._off.frombytes(ends.astype(np.int64).tobytes())
            df_stems = np.concatenate(df_stems)
            counts = np.bincount(df_stems, weights=docs_per_row[np.concatenate(df_rows)],
                                 minlength=len(stem_id)).astype(np.int64)
            counts[:len(totals)] += totals
            totals = counts
        code_of.clear()
        self._stems = list(stem_id)
        self._spellings = list(spelling_id)
        if len(totals) < len(self._stems):  # pragma: no cover - every stem id comes from a title's words
            totals = np.r_[totals, np.zeros(len(self._stems) - len(totals), dtype=np.int64)]
        stems = self._stems
        self.df = Counter({stems[i]: int(totals[i]) for i in np.flatnonzero(totals).tolist()})
        self._totals = totals
        self._neg_weight: list[float] | None = None
        self._weight_docs = -1

    def items(self, doc: int) -> tuple[tuple[int, str, str], ...]:
        """The label items of document ``doc``'s title (as :class:`_TitleWords` gives them)."""
        row = self._doc_row[doc]
        a, b = self._off[row], self._off[row + 1]
        stems, spellings = self._stems, self._spellings
        return tuple(zip(self._pos[a:b].tolist(), map(stems.__getitem__, self._stem[a:b]),
                         map(spellings.__getitem__, self._spelling[a:b]), strict=True))


    def label(self, members: Sequence[int], n_docs: int, k: int = 5) -> str:
        """:func:`_label` of the titles of documents ``members`` (``title_df`` this table's
        :attr:`df`), the same string, worked out on the numbers: no tuple per title word, and
        each stem's ``log((1 + n_docs) / (1 + df))`` computed once for all events."""
        if self._weight_docs != n_docs:
            n1, log = 1 + n_docs, math.log
            self._neg_weight = [-log(n1 / (1 + df)) for df in self._totals.tolist()]
            self._weight_docs = n_docs
        neg = self._neg_weight
        off, doc_row, pos_a, stem_a, sp_a = self._off, self._doc_row, self._pos, self._stem, self._spelling
        spellings = self._spellings
        if len(members) == 1:
            row = doc_row[members[0]]
            a, b = off[row], off[row + 1]
            stems = stem_a[a:b]
            if len(set(stems)) == len(stems):  # one title, each stem once: a stem's score is 1
                best = sorted(zip(map(neg.__getitem__, stems), pos_a[a:b], sp_a[a:b], strict=True))[:k]
                best.sort(key=_second)  # read in title order
                return " ".join(spellings[sp] for _, _, sp in best)
        titles = (zip(pos_a[off[r]:off[r + 1]], stem_a[off[r]:off[r + 1]], sp_a[off[r]:off[r + 1]], strict=True)
                  for r in map(doc_row.__getitem__, members))
        score, surface, first_pos = _tally(titles)
        if not score:
            return ""
        ranked = sorted(score, key=lambda s: (score[s] * neg[s], first_pos[s]))[:k]
        ranked.sort(key=first_pos.__getitem__)  # read in title order
        return " ".join(spellings[max(forms, key=forms.__getitem__)] for forms in map(surface.__getitem__, ranked))


def _second(item):
    return item[1]


def _plain_title_words(title: str) -> list[tuple[str, str]] | None:
    """``(normalized word, spelling)`` of each word of ``title`` (the spelling normalized except
    alef, alef maksura and teh marbuta), or ``None`` for a title whose normalization is not
    character by character (a presentation form, a combining hamza: then :func:`tokenize`).

    Both normalizations delete the same characters and map letters to letters, so their words
    pair up one to one, and each spelling is that of the word's own written span.
    """
    if _SLOW_RE.search(title) is not None:
        return None
    norms = WORD_RE.findall(normalize_ar(title))
    spellings = WORD_RE.findall(normalize_ar(title, alef=False, alef_maksura=False, teh_marbuta=False))
    if len(norms) != len(spellings):  # pragma: no cover - they always pair up (see above)
        return None
    return list(zip(norms, spellings, strict=True))


def _tally(titles: Iterable[Iterable[tuple]]) -> tuple[dict, dict, dict]:
    """What an event label ranks, from the ``(position, stem, spelling)`` items of its titles:
    ``score`` (stem → titles using it), ``surface`` (stem → spelling → uses, first seen first)
    and ``first_pos`` (stem → (title, position) of its first use)."""
    score: dict = {}
    surface: dict = {}
    first_pos: dict = {}
    for t_i, items in enumerate(titles):
        seen = set()
        for pos, s, spelling in items:
            forms = surface.get(s)
            if forms is None:
                surface[s] = {spelling: 1}
                first_pos[s] = (t_i, pos)
            else:
                forms[spelling] = forms.get(spelling, 0) + 1
            if s not in seen:
                seen.add(s)
                score[s] = score.get(s, 0) + 1
    return score, surface, first_pos


def _label(titles: list[tuple[tuple[int, str, str], ...]], title_df: Counter, n_docs: int, k: int = 5) -> str:
    """The ``k`` most distinctive title words of an event (in their most frequent written form;
    of equally frequent ones, the first seen); ``titles`` are the label items of its titles
    (:class:`_TitleWords`)."""
    score, surface, first_pos = _tally(titles)
    if not score:
        return ""
    log, df, n1 = math.log, title_df.get, 1 + n_docs
    ranked = sorted(score, key=lambda s: (-score[s] * log(n1 / (1 + df(s, 0))), first_pos[s]))[:k]
    ranked.sort(key=first_pos.__getitem__)  # read in title order
    return " ".join(max(forms, key=forms.__getitem__) for forms in map(surface.__getitem__, ranked))


# --- side by side -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SideBySide:
    """One event's wording per outlet (all DataFrames; long format, one row per cell).

    - ``docs``: outlet, doc_id, date, title, independent, duplicate_of.
    - ``labels``: actor, outlet, labels (``«term» ×n (stance)``, ``"; "``-joined,
      most frequent first), mentions, mean_stance (authorial hits), reported
      (the same for hits in quoted/reported speech), reported_mentions.
    - ``loaded_terms``: category, outlet, terms (``«term» ×n``), mentions, mean_stance
      (hits without an actor, authorial and reported together; reported ones are marked ``†``).
    - ``sources``: outlet, speaker, source_type, n, cues.
    - ``topics``: outlet, rank, topic, label, share (mean share over the outlet's documents).
    - ``evidence``: outlet, doc_id, sentence, start, end, n_hits, terms.
    - ``copies``: doc_id, outlet, duplicate_of, duplicate_outlet (left out of the tables).
    """

    event_id: str
    outlets: tuple[str, ...]
    docs: pd.DataFrame
    labels: pd.DataFrame
    loaded_terms: pd.DataFrame
    sources: pd.DataFrame
    topics: pd.DataFrame
    evidence: pd.DataFrame
    copies: pd.DataFrame

    def wide(self, table: str) -> pd.DataFrame:
        """A table pivoted for reading: one row per actor/category/"sources"/"topics", one column per outlet."""
        if table == "labels":
            return _pivot(self.labels, "actor", "labels", self.outlets)
        if table == "reported":
            return _pivot(self.labels[self.labels["reported"] != ""], "actor", "reported", self.outlets)
        if table == "loaded_terms":
            return _pivot(self.loaded_terms, "category", "terms", self.outlets)
        if table == "sources":
            return _pivot(_cells(self.sources, "outlet", lambda g: "; ".join(
                f"{r.speaker} ×{r.n}" for r in g.itertuples())).assign(row="sources"), "row", "cell", self.outlets)
        if table == "topics":
            return _pivot(_cells(self.topics, "outlet", lambda g: "; ".join(
                f"{r.label} {r.share:.0%}" for r in g.itertuples())).assign(row="topics"), "row", "cell",
                self.outlets)
        raise ConfigError(f"unknown table {table!r}",
                          hint="use labels, reported, loaded_terms, sources or topics")


def _cells(df: pd.DataFrame, by: str, fmt) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=[by, "cell"])
    return pd.DataFrame([{by: k, "cell": fmt(g)} for k, g in df.groupby(by, sort=False)])


def _pivot(df: pd.DataFrame, index: str, value: str, outlets) -> pd.DataFrame:
    """One row per ``index`` value (first-seen order), one column per outlet, the first
    non-missing ``value`` of each (row, outlet), ``""`` where none (a pivot table's ``first``)."""
    if df.empty:
        return pd.DataFrame(columns=list(outlets), index=pd.Index([], name=index))
    cells: dict[object, dict[object, object]] = {}
    for key, outlet, v in zip(df[index].tolist(), df["outlet"].tolist(), df[value].tolist(), strict=True):
        if _missing(key) or _missing(outlet):
            continue
        row = cells.setdefault(key, {})
        if outlet not in row and not _missing(v):
            row[outlet] = v
    cells = {k: row for k, row in cells.items() if row}  # a row with no value at all is left out
    if not cells:
        wide = df.pivot_table(index=index, columns="outlet", values=value, aggfunc="first", sort=False)
        wide = wide.reindex(columns=list(outlets)).astype(object).fillna("")
        wide.columns.name = None
        return wide
    cols = list(outlets)
    return pd.DataFrame([[row.get(o, "") for o in cols] for row in cells.values()], columns=cols,
                        index=pd.Index(list(cells), name=index), dtype=object)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _fmt_stance(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if abs(x) < 0.05:
        return "0"
    return f"{x:+.1f}".replace("-", "−")


def _term_cells(h: pd.DataFrame, keys: list[str], *, stance: bool, mark_reported: bool = False) -> dict[tuple, str]:
    """The term cell of every group of ``h`` by ``keys`` (key tuple → cell), from one grouping
    of the hits by keys and term: ``«term» ×n``, with the mean stance (``stance``) and ``†``
    for a term also used in reported speech (``mark_reported``), most used first, then first
    used. (One grouping per table, not one per cell: the same counts, first uses and means.)"""
    if h.empty:
        return {}
    named = {"n": ("term", "size"), "first": ("_order", "min")}
    if stance:
        named["stance"] = ("stance", "mean")
    if mark_reported:
        named["reported"] = ("_reported", "any")
    agg = h.groupby([*keys, "term"], sort=False).agg(**named)
    width = len(keys)
    index = agg.index.tolist()
    counts, firsts = agg["n"].tolist(), agg["first"].tolist()
    stances = agg["stance"].tolist() if stance else None
    reported = agg["reported"].tolist() if mark_reported else None
    by_key: dict[tuple, list[int]] = {}
    for k, ix in enumerate(index):
        by_key.setdefault(tuple(ix[:width]), []).append(k)
    cells = {}
    for key, rows in by_key.items():
        parts = []
        for k in sorted(rows, key=lambda k: (-counts[k], firsts[k])):
            cell = f"«{index[k][width]}» ×{int(counts[k])}"
            if stances is not None:
                cell += f" ({_fmt_stance(float(stances[k]))})"
            if reported is not None and reported[k]:
                cell += "†"
            parts.append(cell)
        cells[key] = "; ".join(parts)
    return cells


def side_by_side(event_id: str, assignments: pd.DataFrame, hits: pd.DataFrame | None,
                 attributions: pd.DataFrame | None = None, topic_mix: pd.DataFrame | None = None,
                 texts: Mapping[str, str] | None = None, *, include_copies: bool = False,
                 evidence_per_outlet: int = 2) -> SideBySide:
    """Put each outlet's wording of one event side by side.

    ``assignments`` needs doc_id, outlet, event_id (and uses date, title, duplicate_of,
    independent when present). ``hits`` has the columns of ``hits.csv`` (doc_id, outlet,
    lexicon, actor, category, term, matched, start, end, stance, voice, speaker and
    ``sentence`` or ``sentence_start``/``sentence_end`` with ``texts``);
    ``attributions``: doc_id, outlet, speaker, source_type, cue (…); ``topic_mix``:
    doc_id, outlet, topic, label, share. Copies (``duplicate_of`` set) are left out of the
    tables unless ``include_copies`` and listed in ``copies``.

    >>> a = pd.DataFrame({"doc_id": ["1", "2"], "outlet": ["A", "B"], "event_id": ["E1", "E1"]})
    >>> h = pd.DataFrame({"doc_id": ["1", "2"], "outlet": ["A", "B"], "actor": ["russia", "russia"],
    ...                   "category": ["label", "label"], "term": ["الاحتلال الروسي", "روسيا"],
    ...                   "matched": ["الاحتلال الروسي", "روسيا"], "start": [0, 0], "end": [15, 5],
    ...                   "stance": [-1.0, 0.0], "voice": ["authorial", "authorial"]})
    >>> side_by_side("E1", a, h).wide("labels").loc["russia"].tolist()
    ['«الاحتلال الروسي» ×1 (−1.0)', '«روسيا» ×1 (0)']
    """
    for col in ("doc_id", "outlet", "event_id"):
        if col not in assignments:
            raise ConfigError(f"assignments has no '{col}' column",
                              hint="pass EventResult.assignments or documents.csv with event_id")
    docs = assignments[assignments["event_id"].astype(str) == str(event_id)].copy()
    docs["doc_id"] = docs["doc_id"].astype(str)
    if "duplicate_of" not in docs:
        docs["duplicate_of"] = None
    dup = docs["duplicate_of"].where(docs["duplicate_of"].notna() & (docs["duplicate_of"].astype(str) != ""))
    docs["duplicate_of"] = dup
    docs["independent"] = dup.isna()
    for col in ("date", "title"):
        if col not in docs:
            docs[col] = None
    outlet_of = dict(zip(assignments["doc_id"].astype(str), assignments["outlet"], strict=False))
    copies = docs[~docs["independent"]]
    copies_df = pd.DataFrame({
        "doc_id": copies["doc_id"].tolist(), "outlet": copies["outlet"].tolist(),
        "duplicate_of": copies["duplicate_of"].astype(str).tolist(),
        "duplicate_outlet": [outlet_of.get(str(d), "") for d in copies["duplicate_of"]],
    }, columns=["doc_id", "outlet", "duplicate_of", "duplicate_outlet"])
    used = docs if include_copies else docs[docs["independent"]]
    outlets = tuple(sorted(docs["outlet"].astype(str).unique()))
    used_ids = set(used["doc_id"])
    docs_df = docs[["outlet", "doc_id", "date", "title", "independent", "duplicate_of"]].sort_values(
        ["outlet", "doc_id"], kind="stable").reset_index(drop=True)

    h = _subset(hits, used_ids)
    if not h.empty:
        h = h.copy()
        h["_order"] = np.arange(len(h))
        if "voice" not in h:
            h["voice"] = "authorial"
        h["voice"] = h["voice"].fillna("authorial")
        h["_reported"] = h["voice"] != "authorial"
        h["stance"] = pd.to_numeric(h.get("stance", 0.0), errors="coerce").fillna(0.0)
        h["outlet"] = h["doc_id"].map(outlet_of).fillna(h.get("outlet", ""))

    # labels: actor × outlet
    label_rows = []
    if not h.empty and "actor" in h:
        with_actor = h[h["actor"].notna() & (h["actor"].astype(str) != "")]
        cells = _term_cells(with_actor, ["actor", "outlet", "_reported"], stance=True)
        for (actor, outlet), g in with_actor.groupby(["actor", "outlet"], sort=True):
            auth, rep = g[~g["_reported"]], g[g["_reported"]]
            label_rows.append({
                "actor": actor, "outlet": outlet,
                "labels": cells.get((actor, outlet, False), "") if len(auth) else "",
                "mentions": len(auth),
                "mean_stance": round(float(auth["stance"].mean()), 3) if len(auth) else float("nan"),
                "reported": cells.get((actor, outlet, True), "") if len(rep) else "",
                "reported_mentions": len(rep),
            })
    labels = pd.DataFrame(label_rows, columns=["actor", "outlet", "labels", "mentions", "mean_stance", "reported",
                                               "reported_mentions"])
    # loaded terms: category × outlet (hits without an actor)
    term_rows = []
    if not h.empty:
        no_actor = h[h["actor"].isna() | (h["actor"].astype(str) == "")] if "actor" in h else h
        cells = _term_cells(no_actor, ["category", "outlet"], stance=False, mark_reported=True)
        for (cat, outlet), g in no_actor.groupby(["category", "outlet"], sort=True):
            term_rows.append({"category": cat, "outlet": outlet,
                              "terms": cells.get((cat, outlet), ""), "mentions": len(g),
                              "mean_stance": round(float(g["stance"].mean()), 3)})
    loaded = pd.DataFrame(term_rows, columns=["category", "outlet", "terms", "mentions", "mean_stance"])

    # sources
    a = _subset(attributions, used_ids)
    src_rows = []
    if not a.empty:
        a = a.copy()
        a["outlet"] = a["doc_id"].map(outlet_of)
        a["speaker"] = a.get("speaker", pd.Series("", index=a.index)).fillna("").astype(str)
        a["speaker"] = a["speaker"].where(a["speaker"] != "", "(unnamed)")
        if "source_type" not in a:
            a["source_type"] = ""
        a["cue"] = a.get("cue", pd.Series("", index=a.index)).fillna("").astype(str)
        for (outlet, speaker), g in a.groupby(["outlet", "speaker"], sort=True):
            types = g["source_type"].fillna("").astype(str)
            src_rows.append({"outlet": outlet, "speaker": speaker,
                             "source_type": types.mode().iloc[0] if len(types) else "",
                             "n": len(g), "cues": "; ".join(dict.fromkeys(c for c in g["cue"] if c))})
    sources = pd.DataFrame(src_rows, columns=["outlet", "speaker", "source_type", "n", "cues"])
    if not sources.empty:
        sources = sources.sort_values(["outlet", "n", "speaker"], ascending=[True, False, True],
                                      kind="stable").reset_index(drop=True)

    # topics
    t = _subset(topic_mix, used_ids)
    topic_rows = []
    if not t.empty:
        t = t.copy()
        t["outlet"] = t["doc_id"].map(outlet_of)
        t["share"] = pd.to_numeric(t["share"], errors="coerce").fillna(0.0)
        if "label" not in t:
            t["label"] = t["topic"].astype(str)
        for outlet, g in t.groupby("outlet", sort=True):
            n_docs = max(1, g["doc_id"].nunique())
            mix = g.groupby(["topic", "label"], sort=False)["share"].sum() / n_docs
            mix = mix.sort_values(ascending=False, kind="stable").head(3)
            for rank, ((topic, label), share) in enumerate(mix.items(), start=1):
                topic_rows.append({"outlet": outlet, "rank": rank, "topic": topic, "label": label,
                                   "share": round(float(share), 4)})
    topics = pd.DataFrame(topic_rows, columns=["outlet", "rank", "topic", "label", "share"])

    evidence = _evidence(used, h, texts, evidence_per_outlet)
    return SideBySide(str(event_id), outlets, docs_df, labels, loaded, sources, topics, evidence, copies_df)


def _subset(df: pd.DataFrame | None, ids: set[str]) -> pd.DataFrame:
    if df is None or len(df) == 0 or "doc_id" not in df:
        return pd.DataFrame()
    return df[df["doc_id"].astype(str).isin(ids)].assign(doc_id=lambda d: d["doc_id"].astype(str))


def _evidence(docs: pd.DataFrame, h: pd.DataFrame, texts, per_outlet: int) -> pd.DataFrame:
    cols = ["outlet", "doc_id", "sentence", "start", "end", "n_hits", "terms"]
    rows = []
    for outlet, g in docs.groupby("outlet", sort=True):
        cands = []
        hh = h[h["outlet"] == outlet] if not h.empty else h
        if not hh.empty:
            for key, (terms, actors) in _by_sentence(hh, texts).items():
                doc_id, start, end, sentence = key
                cands.append((-len(terms), -len(actors), doc_id, start, end, sentence,
                              "; ".join(dict.fromkeys(terms))))
        cands.sort(key=lambda c: (c[0], c[1], c[2], c[3]))
        picked = []
        seen = set()
        for c in cands:
            if c[5] in seen:
                continue
            seen.add(c[5])
            picked.append({"outlet": outlet, "doc_id": c[2], "sentence": c[5], "start": c[3], "end": c[4],
                           "n_hits": -c[0], "terms": c[6]})
            if len(picked) >= per_outlet:
                break
        if not picked and texts is not None:  # no lexicon hit: the lead sentence of the outlet's first document
            for doc_id in sorted(g["doc_id"]):
                text = texts.get(doc_id)
                if text:
                    spans = [s for s in sentence_spans(text) if len(WORD_RE.findall(text[s[0]:s[1]])) >= 5]
                    if spans:
                        s, e = spans[0]
                        picked.append({"outlet": outlet, "doc_id": doc_id, "sentence": text[s:e], "start": s,
                                       "end": e, "n_hits": 0, "terms": ""})
                        break
        rows.extend(picked)
    return pd.DataFrame(rows, columns=cols)


def _by_sentence(hh: pd.DataFrame, texts) -> dict[tuple, tuple[list[str], set[str]]]:
    """Group hits by sentence: ``(doc_id, start, end, sentence text)`` → (terms, actors), in
    first-seen order (plain dicts and the columns as lists: a huge document has thousands of
    sentences, an event of the month thousands of hits)."""
    n = len(hh)
    has_span = "sentence_start" in hh and "sentence_end" in hh
    doc_ids = [str(d) for d in hh["doc_id"].tolist()]
    span_missing = hh["sentence_start"].isna().tolist() if has_span else [True] * n
    s_starts = hh["sentence_start"].tolist() if has_span else [None] * n
    s_ends = hh["sentence_end"].tolist() if has_span else [None] * n
    sentences = hh["sentence"].tolist() if "sentence" in hh else [None] * n
    starts = hh["start"].tolist() if "start" in hh else [None] * n
    matched = hh["matched"].tolist() if "matched" in hh else [""] * n
    terms_of = hh["term"].tolist()
    actors_of = hh["actor"].tolist() if "actor" in hh else [None] * n
    groups: dict[tuple, tuple[list[str], set[str]]] = {}
    spans_cache: dict[str, list[tuple[int, int]]] = {}
    for k in range(n):
        doc_id = doc_ids[k]
        if not span_missing[k]:
            s, e = int(s_starts[k]), int(s_ends[k])
        else:
            s, e = -1, -1
        sentence = ""
        if isinstance(sentences[k], str):
            sentence = sentences[k]
        elif texts is not None and doc_id in texts and s >= 0:
            sentence = texts[doc_id][s:e]
        elif texts is not None and doc_id in texts:
            text = texts[doc_id]
            if doc_id not in spans_cache:
                spans_cache[doc_id] = sentence_spans(text)
            for a, b in spans_cache[doc_id]:
                if a <= int(starts[k]) < b:
                    s, e, sentence = a, b, text[a:b]
                    break
        if not sentence:
            sentence = str(matched[k])
        terms, actors = groups.setdefault((doc_id, s, e, sentence), ([], set()))
        terms.append(str(terms_of[k]))
        actor = actors_of[k]
        if isinstance(actor, str) and actor:
            actors.add(actor)
    return groups
