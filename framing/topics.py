"""Topic mix per document and per outlet, with BERTopic as the topic engine.

Outlets frame events also by what they dwell on. This stage cuts every document into
*units* (paragraphs, or sentence windows of long paragraphs), fits a BERTopic model on
them and reports, per document and per outlet, the share of the text that goes to each
topic.

Sub-models are passed to BERTopic the way its authors intend:

* ``embedding_model`` — **offline by default**: a scikit-learn pipeline
  (camel-tools normalization → TF-IDF → TruncatedSVD → L2 normalization). A
  sentence-transformers model name or local folder is an option; it is loaded with
  ``local_files_only=True`` — framing never downloads a model.
* ``umap_model`` / ``hdbscan_model`` — chosen by the number of units clustered
  (:data:`HDBSCAN_MIN_UNITS`): below it, k-means on the SVD embeddings (BERTopic's
  do-nothing ``BaseDimensionalityReduction``), so that a handful of articles gives a
  few readable topics and no outliers; from it on, UMAP (seeded, single-threaded) and
  HDBSCAN, which finds the number of topics itself and sets aside outliers (topic -1).
  UMAP gets its neighbour graph precomputed: the exact 15 nearest units by cosine
  (:func:`_cosine_knn`, matrix products in chunks; equal distances go to the lower-numbered
  unit, so copies of a paragraph give one graph everywhere) instead of its approximate NN-descent,
  whose numba code is compiled again in every process. On the February month this
  gives the same number of topics (76) and 74 of them share at least half their top
  words with a topic of the NN-descent graph; the stage takes 13 % less CPU.
* ``vectorizer_model`` — a ``CountVectorizer`` over normalized text with an Arabic token
  pattern (letters only, ≥ 2 letters: no digits, Latin or punctuation), the stop words of
  ``lexicons/stopwords-ar.txt`` and 1–2-grams; ``ctfidf_model`` with
  ``reduce_frequent_words``.

Large corpora: the model is fitted on a seeded sample of at most ``max_fit_units``
units; every unit (sampled or not) is then assigned to the topic whose embedding
(the mean embedding of its units) is nearest by cosine — the rule BERTopic itself
applies to a model loaded from safetensors, so a saved and reloaded model assigns
exactly like the fitted one. With HDBSCAN, a unit too far from every topic is an outlier
(topic -1), the threshold calibrated so that the fitting sample gets as many outliers as
HDBSCAN found in it: generic paragraphs stay visible as outliers instead of inflating
catch-all topics, and a unit's topic does not depend on whether it was sampled.

Determinism: the sample, SVD, k-means and UMAP are seeded (UMAP runs single-threaded),
so the same corpus and options give the same topics.

Labels: topics are labelled by their top words (in the spelling most used in the
corpus). Researchers rename or merge topics in a small YAML file
(:func:`write_labels_template` writes one) that later runs honour (``labels=``).

>>> units = split_units(documents)                       # doctest: +SKIP
>>> model = TopicModel(seed=42).fit(units)               # doctest: +SKIP
>>> model.topics_[["topic", "label", "size"]]           # doctest: +SKIP
>>> mix = topic_mix(model, units)                        # doc_id, outlet, topic, label, share, chars
>>> outlet_topic_mix(mix)                                # outlet, topic, label, share, chars, docs

``import framing.topics`` does not import bertopic, scikit-learn or torch: they are
imported by the functions that need them.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from framing.errors import ConfigError, NotFittedError, missing_dependency
from framing.normalize import WORD_RE, fold_article_clitics, normalize_ar, sentence_spans
from framing.records import Document

__all__ = [
    "HDBSCAN_MIN_UNITS",
    "MIX_COLUMNS",
    "OUTLET_MIX_COLUMNS",
    "TOPIC_COLUMNS",
    "UNIT_COLUMNS",
    "ArabicAnalyzer",
    "TopicModel",
    "TopicResult",
    "document_units",
    "fit_corpus_topics",
    "fit_corpus_topics_apart",
    "outlet_topic_mix",
    "plot_topic_heatmap",
    "plot_topic_mix",
    "read_labels",
    "split_units",
    "topic_mix",
    "units_frame",
    "write_labels_template",
]

logger = logging.getLogger(__name__)

#: columns of :func:`split_units`
UNIT_COLUMNS = ["doc_id", "outlet", "unit", "start", "end", "text"]
#: columns of ``TopicModel.topics_`` (``topics.csv``)
TOPIC_COLUMNS = ["topic", "label", "top_words", "size"]
#: columns of :func:`topic_mix` (``topic_mix.csv``)
MIX_COLUMNS = ["doc_id", "outlet", "topic", "label", "share", "chars"]
#: columns of :func:`outlet_topic_mix` (``outlet_topics.csv``)
OUTLET_MIX_COLUMNS = ["outlet", "topic", "label", "share", "chars", "docs"]
#: columns of ``TopicModel.outlet_words_`` (BERTopic ``topics_per_class``)
OUTLET_WORDS_COLUMNS = ["outlet", "topic", "label", "words", "units"]

#: from this many units to cluster on, ``clustering="auto"`` uses UMAP + HDBSCAN; below, k-means
HDBSCAN_MIN_UNITS = 2000
#: the label of topic -1 (units HDBSCAN sets aside / nearest to the outliers' centroid)
OUTLIER_LABEL = "outlier"
#: separator of words in labels and ``top_words``
WORD_SEP = "، "

#: an Arabic word of normalized text: ≥ 2 Arabic letters, not glued to digits or Latin letters
ARABIC_TOKEN_PATTERN = r"(?<![^\W_])[\u0621-\u063a\u0641-\u064a]{2,}(?![^\W_])"
_ARABIC_TOKEN_RE = re.compile(ARABIC_TOKEN_PATTERN)
#: a word of the original text, diacritics and tatweel included (for display spellings)
_SURFACE_RE = re.compile(r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u0640])+")
_PARAGRAPH_RE = re.compile(r"[^\n]+")
_ARABIC_LETTER_RE = re.compile("[\u0621-\u064a]")

_FORMAT_VERSION = 1
_STATE_FILE = "framing_topics.json"
_EMBEDDER_FILE = "embedder.safetensors"
_BERTOPIC_DIR = "bertopic"


# --- units ------------------------------------------------------------------------------------


def split_units(documents: Iterable[Document], *, min_chars: int = 150, max_chars: int = 1200,
                min_words: int = 4) -> pd.DataFrame:
    """Cut documents into the units the topic model works on: paragraphs.

    Works on ``doc.masked_text`` (boilerplate blanked). A paragraph is a run of text
    between line breaks. Paragraphs with fewer than ``min_words`` words or no Arabic
    letter are skipped (datelines, "read also" links, numbers); paragraphs shorter than
    ``min_chars`` are merged with their neighbours (a heading with its body); paragraphs
    longer than ``max_chars`` are split at sentence ends into windows of at most
    ``max_chars``. ``start``/``end`` index the original ``doc.text``, and
    ``text == doc.masked_text[start:end]``.

    Columns: ``doc_id, outlet, unit`` (0, 1, … within the document), ``start, end, text``.

    >>> from framing.records import Document
    >>> doc = Document("d1", "عنوان قصير جدا هنا\\n\\n" + "قال الوزير إن المحادثات مستمرة. " * 6, outlet="x")
    >>> units = split_units([doc])
    >>> units[["doc_id", "unit", "start"]].values.tolist()
    [['d1', 0, 0]]
    """
    if min_chars < 0 or max_chars < max(min_chars, 50):
        raise ConfigError(f"invalid unit sizes min_chars={min_chars}, max_chars={max_chars}",
                          hint="max_chars must be ≥ 50 and ≥ min_chars")
    doc_ids: list[str] = []
    outlets: list[str] = []
    numbers: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    texts: list[str] = []
    for doc in documents:
        text = doc.masked_text
        for i, (s, e) in enumerate(_document_units(text, min_chars, max_chars, min_words)):
            doc_ids.append(doc.doc_id)
            outlets.append(doc.outlet)
            numbers.append(i)
            starts.append(s)
            ends.append(e)
            texts.append(text[s:e])
    return pd.DataFrame({
        "doc_id": pd.Series(doc_ids, dtype=object),
        "outlet": pd.Series(outlets, dtype=object),
        "unit": np.asarray(numbers, dtype=np.int64),
        "start": np.asarray(starts, dtype=np.int64),
        "end": np.asarray(ends, dtype=np.int64),
        "text": pd.Series(texts, dtype=object),
    }, columns=UNIT_COLUMNS)


def document_units(text: str, *, min_chars: int = 150, max_chars: int = 1200, min_words: int = 4
                   ) -> list[tuple[int, int]]:
    """The ``(start, end)`` topic units of one document's masked text (see :func:`split_units`)."""
    return _document_units(text, min_chars, max_chars, min_words)


def units_frame(rows: Iterable[tuple[str, str, int, int, int, str]]) -> pd.DataFrame:
    """The units frame of :func:`split_units` from ``(doc_id, outlet, unit, start, end, text)`` rows."""
    doc_ids, outlets, numbers, starts, ends, texts = [], [], [], [], [], []
    for d, o, u, s, e, t in rows:
        doc_ids.append(d)
        outlets.append(o)
        numbers.append(u)
        starts.append(s)
        ends.append(e)
        texts.append(t)
    return pd.DataFrame({
        "doc_id": pd.Series(doc_ids, dtype=object),
        "outlet": pd.Series(outlets, dtype=object),
        "unit": np.asarray(numbers, dtype=np.int64),
        "start": np.asarray(starts, dtype=np.int64),
        "end": np.asarray(ends, dtype=np.int64),
        "text": pd.Series(texts, dtype=object),
    }, columns=UNIT_COLUMNS)


def _n_words(text: str, start: int = 0, end: int | None = None) -> int:
    return sum(1 for _ in WORD_RE.finditer(text, start, len(text) if end is None else end))


def _document_units(text: str, min_chars: int, max_chars: int, min_words: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    for m in _PARAGRAPH_RE.finditer(text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s or not _ARABIC_LETTER_RE.search(text, s, e) or _n_words(text, s, e) < min_words:
            continue
        if e - s > max_chars:
            pieces.extend(_windows(text, s, e, max_chars))
        else:
            pieces.append((s, e))
    units: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for s, e in pieces:
        if cur is None:
            cur = (s, e)
        elif cur[1] - cur[0] < min_chars and e - cur[0] <= max_chars:
            cur = (cur[0], e)
        else:
            units.append(cur)
            cur = (s, e)
    if cur is not None:
        if units and cur[1] - cur[0] < min_chars and cur[1] - units[-1][0] <= max_chars:
            units[-1] = (units[-1][0], cur[1])
        else:
            units.append(cur)
    return units


def _windows(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Sentence windows of at most ``max_chars`` covering ``text[start:end]``."""
    sents = [(start + s, start + e) for s, e in sentence_spans(text[start:end])]
    cut: list[tuple[int, int]] = []
    for s, e in sents:  # a sentence longer than max_chars is cut at spaces
        while e - s > max_chars:
            split = text.rfind(" ", s + 1, s + max_chars)
            if split <= s:
                split = s + max_chars
            cut.append((s, split))
            s = split
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            cut.append((s, e))
    cur: tuple[int, int] | None = None
    for s, e in cut:
        if cur is not None and e - cur[0] <= max_chars:
            cur = (cur[0], e)
        else:
            if cur is not None:
                yield cur
            cur = (s, e)
    if cur is not None:
        yield cur


#: the texts of some units of a units frame, by row position (``texts(np.array([0, 5]))`` → two
#: strings): how a units frame without a ``text`` column gives its texts on demand
UnitTexts = Callable[[np.ndarray], list[str]]


def _check_units(units: pd.DataFrame, *, text: bool = True) -> None:
    """Refuse what is not a units frame (``text``: its ``text`` column is needed too)."""
    if not isinstance(units, pd.DataFrame):
        raise ConfigError(f"expected a DataFrame of units, got {type(units).__name__}",
                          hint="build it with framing.topics.split_units(documents)")
    needed = ("doc_id", "outlet", "start", "end") + (("text",) if text else ())
    missing = [c for c in needed if c not in units.columns]
    if missing:
        raise ConfigError(f"the units frame lacks column(s) {', '.join(missing)}",
                          hint="build it with framing.topics.split_units(documents)")


# --- Arabic text for the sub-models -------------------------------------------------------------


def _normalize_texts(texts) -> list[str]:
    """camel-tools normalization of each text (module-level: used inside a scikit-learn pipeline)."""
    return [normalize_ar(t) for t in texts]


#: distinct tokens an :class:`ArabicAnalyzer` remembers (folded, stop word or not)
_ANALYZER_CACHE = 500_000


class ArabicAnalyzer:
    """Words and word pairs of Arabic text for topic representations (``CountVectorizer(analyzer=...)``).

    Normalizes (camel-tools), folds و/ف/ب/ل/ك + article into the article (``والروسي`` →
    ``الروسي``), keeps Arabic words of ≥ 2 letters not glued to digits or
    Latin letters, drops stop words, and pairs only words that stand next to each other
    in the text (no pair across a dropped stop word, a number or punctuation).

    >>> ArabicAnalyzer(stop_words=["في"])("قصف في إدلب الجنوبية، أمس 3 مرات")
    ['قصف', 'ادلب', 'الجنوبيه', 'امس', 'مرات', 'ادلب الجنوبيه']
    """

    def __init__(self, stop_words: Iterable[str] = (), ngram_range: tuple[int, int] = (1, 2)):
        self.stop_words = frozenset(normalize_ar(w) for w in stop_words)
        self.ngram_range = tuple(ngram_range)
        self._words: dict[str, str | None] = {}  # token -> folded word, None for a stop word

    def __call__(self, text: str) -> list[str]:
        norm = normalize_ar(text)
        words: list[str] = []
        pairs: list[str] = []
        prev, prev_end = None, -1
        known = self._words
        for m in _ARABIC_TOKEN_RE.finditer(norm):
            tok = m.group()
            try:
                w = known[tok]
            except KeyError:
                w = fold_article_clitics(tok)
                if w in self.stop_words:
                    w = None
                if len(known) < _ANALYZER_CACHE:
                    known[tok] = w
            if w is None:
                prev = None
                continue
            words.append(w)
            if prev is not None and not norm[prev_end:m.start()].strip():
                pairs.append(prev + " " + w)
            prev, prev_end = w, m.end()
        lo, hi = self.ngram_range
        return (words if lo <= 1 else []) + (pairs if hi >= 2 else [])

    def __repr__(self) -> str:
        return f"ArabicAnalyzer(<{len(self.stop_words)} stop words>, ngram_range={self.ngram_range})"


def _load_stop_words(stop_words) -> list[str]:
    from framing.lexicon import load_stopwords

    if stop_words is None or isinstance(stop_words, str | Path):
        words = load_stopwords(stop_words)
    else:
        words = set()
        for w in stop_words:
            words.update(WORD_RE.findall(normalize_ar(str(w))))
    return sorted(words)


def _surface_forms(texts: Iterable[str], wanted: set[str]) -> dict[str, str]:
    """The most frequent spelling in ``texts`` of each normalized word in ``wanted``."""
    cache: dict[str, str] = {}
    counts: dict[str, Counter] = {}
    for text in texts:
        for tok in _SURFACE_RE.findall(text):
            norm = cache.get(tok)
            if norm is None:
                norm = cache[tok] = fold_article_clitics(normalize_ar(tok))
            if norm in wanted:
                counts.setdefault(norm, Counter())[fold_article_clitics(tok)] += 1
    # most frequent; ties broken by the spelling itself, so the choice is deterministic
    return {w: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for w, c in counts.items()}


def _display(word: str, surface: dict[str, str]) -> str:
    return " ".join(surface.get(w, w) for w in word.split(" "))


def _make_label(words: Sequence[str], surface: dict[str, str], n: int = 3) -> str:
    """Up to ``n`` of the top words; a word pair replaces the single words it contains
    (``طيب``, ``أردوغان`` → ``طيب أردوغان``) and a word already covered is skipped.

    >>> _make_label(["اردوغان", "بوتين", "طيب", "طيب اردوغان", "ادلب"], {})
    'طيب اردوغان، بوتين، ادلب'
    """
    picked: list[str] = []
    for w in words:
        toks = set(w.split(" "))
        covered = {t for p in picked for t in p.split(" ")}
        if toks <= covered:
            continue
        inside = [i for i, p in enumerate(picked) if set(p.split(" ")) < toks]
        if inside:
            picked[inside[0]] = w
            picked = [p for i, p in enumerate(picked) if i not in inside[1:]]
        elif len(picked) < n:
            picked.append(w)
    return WORD_SEP.join(_display(w, surface) for w in picked) or "(no words)"


#: neighbours of each unit in UMAP's graph
_UMAP_NEIGHBORS = 15


def _cosine_knn(embeddings: np.ndarray, k: int, chunk: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``k`` nearest neighbours of every row by cosine distance, the row itself first
    (``(indices, distances)``, as UMAP's ``precomputed_knn`` takes them).

    Ties are broken by the lower index, so the graph is the same on every run, machine and numpy
    version (``np.argpartition`` leaves the choice among equal values at the k-th place to its
    implementation).

    >>> idx, dist = _cosine_knn(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]), 2)
    >>> idx.tolist(), dist[:, 0].tolist()
    ([[0, 1], [1, 0], [2, 1]], [0.0, 0.0, 0.0])
    """
    emb = np.asarray(embeddings, dtype=np.float32)
    emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    n = len(emb)
    k = min(int(k), n)
    indices = np.empty((n, k), dtype=np.int32)
    distances = np.empty((n, k), dtype=np.float32)
    for a in range(0, n, chunk):
        b = min(a + chunk, n)
        neg = emb[a:b] @ emb.T
        np.negative(neg, out=neg)  # minus the similarity: the nearest first (in place: chunks stay small)
        neg[np.arange(b - a), np.arange(a, b)] = -np.inf  # the row itself first
        part, top = _smallest_k(neg, k)
        top = -top
        top[:, 0] = 1.0
        indices[a:b] = part
        distances[a:b] = np.maximum(1.0 - top, 0.0)
    return indices, distances


#: columns of a chunk :func:`_smallest_k` samples for each row's bound (every ``n // _KNN_SAMPLE``-th)
_KNN_SAMPLE = 2048


def _smallest_k(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a float32 matrix ``values`` (no NaN), the column indices and values of its ``k``
    smallest, ordered by value and, among equal values, by column (the lower first).

    The k-th smallest of a sample of a row's columns bounds the row's own k-th smallest from above,
    so only the values at or below it are sorted, a few hundred per row instead of every column
    (30,000 columns: a tenth of the CPU of ``np.argpartition`` over the whole row)."""
    rows, n = values.shape
    sample = values[:, ::max(1, n // _KNN_SAMPLE)]
    bound = np.partition(sample, k - 1, axis=1)[:, k - 1] if k < sample.shape[1] else values.max(axis=1)
    flat = np.flatnonzero(values <= bound[:, None])  # row by row, columns ascending; >= k in every row
    row, col = np.divmod(flat, n)
    v = values.ravel()[flat]
    # one stable sort by (row, value): the float's bits made to sort as unsigned integers, the row above
    bits = v.view(np.uint32)
    bits = np.where(bits >> 31, ~bits, bits | np.uint32(0x80000000))
    order = np.argsort((row.astype(np.uint64) << np.uint64(32)) | bits, kind="stable")
    starts = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=rows))[:-1]))
    take = order[(starts[:, None] + np.arange(k)).ravel()]
    return col[take].reshape(rows, k), v[take].reshape(rows, k)


# --- the model ---------------------------------------------------------------------------------


def _texts_at(units: pd.DataFrame, texts: UnitTexts | None, idx: np.ndarray) -> list[str]:
    """The texts of the units at row positions ``idx`` (from ``texts``, else the ``text`` column)."""
    if texts is not None:
        return [str(t) for t in texts(idx)]
    return [str(t) for t in units["text"].to_numpy()[idx]]


class TopicModel:
    """BERTopic over paragraph units, offline by default, with a scikit-learn API.

    Parameters
    ----------
    n_topics : ``"auto"`` or int
        k-means: the number of clusters (``"auto"``: ``round(sqrt(n_units / 3))`` within
        2–30). HDBSCAN: ``"auto"`` keeps the clusters HDBSCAN finds; an int reduces them
        to that many with BERTopic's ``nr_topics``.
    clustering : ``"auto"``, ``"kmeans"`` or ``"hdbscan"``
        ``"auto"`` picks k-means below ``hdbscan_min_units`` units to cluster and
        UMAP + HDBSCAN from there (``clustering_used_``/``clustering_reason_`` say which and why).
    embedding_model : None or str
        None: the offline TF-IDF + SVD pipeline. A str: a sentence-transformers model name
        (already in the local Hugging Face cache) or a local folder.
    seed : int
        Seeds the fitting sample, SVD, k-means and UMAP.
    max_fit_units : int
        Fit on a seeded sample of at most this many units; every unit is then assigned.
    top_n_words : int
        Words kept per topic.
    stop_words : None, path or iterable of words
        None: ``stopwords-ar.txt`` of the default lexicon folder. Normalized either way.
    labels : None or path
        A labels file (:func:`write_labels_template`) whose renames and merges are applied.
    progress : bool
        Show a progress bar (stderr) while embedding and assigning units.
    hdbscan_min_units, min_topic_size, svd_components, batch_size
        The k-means/HDBSCAN threshold, HDBSCAN's ``min_cluster_size`` (``None``: 1/300 of
        the units clustered, at least 10 — about 80 topics for 30,000 news paragraphs), the SVD dimensions (at most) and the
        number of units embedded at once.
    min_similarity : ``"auto"`` or float
        ``transform`` calls a unit an outlier (-1) when its cosine similarity to the
        nearest topic is below this. ``"auto"``: with HDBSCAN, the threshold at which
        ``transform`` sets aside as many units of the fitting sample as HDBSCAN did; with
        k-means 0 (no outliers).

    >>> model = TopicModel(seed=1).fit(split_units(docs))     # doctest: +SKIP
    >>> model.transform(units)                                # doctest: +SKIP
    array([0, 0, 2, 1, ...])
    """

    def __init__(self, n_topics: int | str = "auto", clustering: str = "auto", embedding_model: str | None = None,
                 seed: int = 42, max_fit_units: int = 30000, top_n_words: int = 10,
                 stop_words: str | Path | Iterable[str] | None = None, labels: str | Path | None = None,
                 progress: bool = False, hdbscan_min_units: int = HDBSCAN_MIN_UNITS,
                 min_topic_size: int | None = None, svd_components: int = 100, batch_size: int = 10000,
                 min_similarity: float | str = "auto"):
        self.n_topics = n_topics
        self.clustering = clustering
        self.embedding_model = embedding_model
        self.seed = seed
        self.max_fit_units = max_fit_units
        self.top_n_words = top_n_words
        self.stop_words = stop_words
        self.labels = labels
        self.progress = progress
        self.hdbscan_min_units = hdbscan_min_units
        self.min_topic_size = min_topic_size
        self.svd_components = svd_components
        self.batch_size = batch_size
        self.min_similarity = min_similarity

    _PARAMS = ("n_topics", "clustering", "embedding_model", "seed", "max_fit_units", "top_n_words", "stop_words",
               "labels", "progress", "hdbscan_min_units", "min_topic_size", "svd_components", "batch_size",
               "min_similarity")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params) -> TopicModel:
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ConfigError(f"TopicModel has no parameter {name!r}",
                                  hint=f"one of {', '.join(self._PARAMS)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items() if v != _DEFAULTS.get(k)}
        return "TopicModel(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    # -- fitting -----------------------------------------------------------------------------

    def _validate(self) -> None:
        if self.clustering not in ("auto", "kmeans", "hdbscan"):
            raise ConfigError(f"unknown clustering {self.clustering!r}", hint="use auto, kmeans or hdbscan")
        if not (self.n_topics == "auto" or (isinstance(self.n_topics, int | np.integer) and self.n_topics >= 2)):
            raise ConfigError(f"invalid number of topics {self.n_topics!r}", hint="an integer ≥ 2 or 'auto'")
        if int(self.max_fit_units) < 2:
            raise ConfigError(f"max_fit_units={self.max_fit_units} is too small", hint="use at least a few hundred")

    def fit(self, units: pd.DataFrame, y=None, *, texts: UnitTexts | None = None) -> TopicModel:
        """Fit the topic model on ``units`` (from :func:`split_units`); returns ``self``.

        ``texts`` gives the units' texts by row position when ``units`` has no ``text``
        column (only the fitting sample's texts are then read)."""
        with _progress(self.progress, "fitting the topic model", 3) as advance:
            return self._fit(units, advance, texts)

    def _fit(self, units: pd.DataFrame, advance: Callable[[int], None], unit_texts: UnitTexts | None = None
             ) -> TopicModel:
        self._validate()
        _check_units(units, text=unit_texts is None)
        n = len(units)
        if n < 4:
            raise ConfigError(f"only {n} text unit(s): too few for a topic model",
                              hint="give more or longer documents (at least a few paragraphs), or skip topics "
                                   "with --no-topics")
        t0 = time.perf_counter()
        rng = np.random.default_rng(self.seed)
        if n > self.max_fit_units:
            idx = np.sort(rng.choice(n, size=int(self.max_fit_units), replace=False))
        else:
            idx = np.arange(n)
        texts = _texts_at(units, unit_texts, idx)
        outlets = [str(o) for o in units["outlet"].to_numpy()[idx]]
        docs = _normalize_texts(texts)
        n_fit = len(docs)

        clustering, reason = self._choose_clustering(n_fit)
        stops = _load_stop_words(self.stop_words)

        embedder = self._make_embedder(n_fit, stops)
        embeddings = self._fit_embed(embedder, texts, docs)
        advance(1)

        bt = self._bertopic(clustering, n_fit, stops, embedder, embeddings)
        with _quiet_bertopic(), _joblib_threads():
            bt.fit(docs, embeddings=embeddings)
        if set(bt.topics_) == {-1}:
            if self.clustering != "auto":
                raise ConfigError(f"HDBSCAN found no topic in {n_fit} units (all outliers)",
                                  hint="use clustering='kmeans' (or 'auto'), or a smaller min_topic_size")
            clustering = "kmeans"
            reason += f"; HDBSCAN found no topic, so k-means with {self._n_clusters(n_fit)} clusters instead"
            bt = self._bertopic(clustering, n_fit, stops, embedder)
            with _quiet_bertopic(), _joblib_threads():
                bt.fit(docs, embeddings=embeddings)
        advance(1)

        # labels of the fitted topics, in the spellings the corpus uses most
        words = {t: [w for w, _ in bt.get_topic(t) if w] for t in sorted(bt.topic_sizes_)}
        wanted = {tok for ws in words.values() for w in ws for tok in w.split(" ")}
        self.surface_ = _surface_forms(texts, wanted)
        id_map = {t: t for t in words}
        self.base_topics_ = self._topic_frame(bt, id_map)
        self.label_warnings_: list[str] = []
        renames: dict[int, str] = {}
        if self.labels is not None:
            spec = read_labels(self.labels)
            renames, merges, self.label_warnings_ = _resolve_labels(spec, self.base_topics_, words, self.labels)
            if merges:
                before = np.asarray(bt.topics_)
                with _quiet_bertopic():
                    bt.merge_topics(docs, [list(g) for g in merges])
                after = np.asarray(bt.topics_)
                id_map = {}
                for new in np.unique(after):
                    olds = sorted({int(t) for t in np.unique(before[after == new])})
                    leader = next((g[0] for g in merges if set(olds) <= set(g)), olds[0])
                    id_map[int(new)] = int(leader)
            if renames:
                inverse = {ours: theirs for theirs, ours in id_map.items()}
                with _quiet_bertopic():
                    bt.set_topic_labels({inverse[t]: lab for t, lab in renames.items() if t in inverse})
        self.model_ = bt
        self.id_map_ = id_map
        self.stop_words_ = stops
        self.embedder_ = embedder
        self.renames_ = renames
        self.topic_words_ = {id_map[t]: [w for w, _ in bt.get_topic(t) if w] for t in sorted(bt.topic_sizes_)}
        self.topics_ = self._topic_frame(bt, id_map, renames)
        self.min_similarity_ = self._similarity_threshold(embeddings, np.asarray(bt.topics_), clustering)
        self.outlet_words_ = self._outlet_words(bt, docs, outlets)
        self.clustering_used_ = clustering
        self.clustering_reason_ = reason
        self.n_units_ = n
        self.n_fit_units_ = n_fit
        self.fit_seconds_ = round(time.perf_counter() - t0, 2)
        advance(1)
        return self

    def _bertopic(self, clustering: str, n_fit: int, stops: list[str], embedder, embeddings: np.ndarray | None = None):
        """BERTopic with its sub-models for this corpus size (see the module docstring)."""
        BERTopic = _bertopic_class()
        from bertopic.dimensionality import BaseDimensionalityReduction
        from bertopic.vectorizers import ClassTfidfTransformer
        from sklearn.feature_extraction.text import CountVectorizer

        small = clustering == "kmeans"
        vectorizer = CountVectorizer(analyzer=ArabicAnalyzer(stops), lowercase=False,
                                     min_df=1 if n_fit < 1000 else 3,
                                     max_features=None if n_fit < 1000 else 100_000)
        if small:
            from sklearn.cluster import KMeans

            k = self._n_clusters(n_fit)
            reduction = BaseDimensionalityReduction()
            cluster = KMeans(n_clusters=k, random_state=self.seed, n_init=10)
            nr_topics = None
        else:
            import hdbscan
            from umap import UMAP

            # the neighbour graph is computed exactly here (cosine, BLAS in chunks) instead of by UMAP's
            # NN-descent, whose numba code is compiled anew in every process (minutes on a loaded machine)
            knn = _cosine_knn(embeddings, _UMAP_NEIGHBORS) if embeddings is not None else (None, None, None)
            reduction = UMAP(n_neighbors=_UMAP_NEIGHBORS, n_components=5, min_dist=0.0, metric="cosine",
                             random_state=self.seed, n_jobs=1, low_memory=True, precomputed_knn=knn)
            min_size = self.min_topic_size or max(10, n_fit // 300)
            cluster = hdbscan.HDBSCAN(min_cluster_size=int(min_size), metric="euclidean",
                                      cluster_selection_method="eom", prediction_data=False)
            nr_topics = None if self.n_topics == "auto" else int(self.n_topics)
        return BERTopic(embedding_model=embedder if self.embedding_model is None else self.sentence_model_,
                        umap_model=reduction, hdbscan_model=cluster, vectorizer_model=vectorizer,
                        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
                        top_n_words=self.top_n_words, nr_topics=nr_topics, calculate_probabilities=False,
                        verbose=False)

    def _similarity_threshold(self, embeddings: np.ndarray, fitted: np.ndarray, clustering: str) -> float:
        """Cosine similarity to the nearest topic below which ``transform`` calls a unit an outlier.

        ``"auto"``: with HDBSCAN, calibrated on the fitting sample so that ``transform``
        sets aside as large a share of it as HDBSCAN did (then a unit's topic does not
        depend on whether it was in the sample); with k-means 0 (no outliers).
        """
        if self.min_similarity != "auto":
            return float(self.min_similarity)
        rate = float(np.mean(fitted == -1))
        if clustering != "hdbscan" or rate == 0.0:
            return 0.0
        centroids, bt_ids, _ = self._centroids()
        real = centroids[bt_ids != -1]
        emb = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
        best = (emb @ real.T).max(axis=1)
        return round(float(np.quantile(best, rate)), 6)

    def _centroids(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unit-length topic embeddings, their BERTopic ids and our ids (outlier row included)."""
        centroids = np.asarray(self.model_.topic_embeddings_, dtype=np.float32)
        centroids = centroids / np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        bt_ids = np.asarray(sorted(self.model_.topic_sizes_), dtype=np.int64)
        ours = np.asarray([self.id_map_[int(t)] for t in bt_ids], dtype=np.int64)
        return centroids, bt_ids, ours

    def _choose_clustering(self, n_fit: int) -> tuple[str, str]:
        if self.clustering == "kmeans":
            return "kmeans", "k-means was asked for (clustering='kmeans')"
        if self.clustering == "hdbscan":
            if n_fit < 50:
                raise ConfigError(f"HDBSCAN needs more text units than the {n_fit} given",
                                  hint="use clustering='kmeans' (or 'auto') for small corpora")
            return "hdbscan", "UMAP + HDBSCAN was asked for (clustering='hdbscan')"
        if n_fit < self.hdbscan_min_units:
            return "kmeans", (f"{n_fit} units < {self.hdbscan_min_units}: too few for density clustering "
                              f"(HDBSCAN would call most of them outliers), so k-means with "
                              f"{self._n_clusters(n_fit)} clusters on the SVD embeddings")
        return "hdbscan", (f"{n_fit} units ≥ {self.hdbscan_min_units}: UMAP (5 dims, seeded) + HDBSCAN finds the "
                           f"topics and sets aside outliers")

    def _n_clusters(self, n_fit: int) -> int:
        auto = int(np.clip(round(np.sqrt(n_fit / 3)), 2, 30))
        k = auto if self.n_topics == "auto" else int(self.n_topics)
        return max(2, min(k, n_fit - 1))

    def _make_embedder(self, n_fit: int, stops: list[str]):
        if self.embedding_model is not None:
            self.sentence_model_ = _load_sentence_model(self.embedding_model)
            return None
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import FunctionTransformer, Normalizer

        return Pipeline([
            ("normalize", FunctionTransformer(_normalize_texts)),
            ("tfidf", TfidfVectorizer(token_pattern=ARABIC_TOKEN_PATTERN, stop_words=stops, lowercase=False,
                                      sublinear_tf=True, min_df=1 if n_fit < 1000 else 2, max_df=0.5,
                                      max_features=None if n_fit < 1000 else 60_000, dtype=np.float32)),
            ("svd", TruncatedSVD(n_components=2, random_state=self.seed)),  # set in _fit_embed
            ("l2", Normalizer()),
        ])

    def _fit_embed(self, embedder, texts: list[str], normalized: list[str]) -> np.ndarray:
        """Fit the offline embedder on ``texts`` (``normalized``: the same texts already
        normalized, as its first step would give) and embed them."""
        if embedder is None:
            return _st_encode(self.sentence_model_, texts)
        tfidf = embedder.named_steps["tfidf"]
        embedder.named_steps["normalize"].fit(texts[:1])
        try:
            matrix = tfidf.fit_transform(normalized)
        except ValueError as exc:  # empty vocabulary: no Arabic words left after stop words
            raise ConfigError(f"no Arabic words to model topics on ({exc})",
                              hint="check the corpus text field and the stop-word list") from exc
        dims = int(min(self.svd_components, max(2, len(texts) // 6), len(tfidf.vocabulary_) - 1))
        if dims < 2:
            raise ConfigError(f"only {len(tfidf.vocabulary_)} distinct Arabic word(s): too few for a topic model",
                              hint="give more or longer documents, or skip topics with --no-topics")
        embedder.named_steps["svd"].set_params(n_components=dims)
        reduced = embedder.named_steps["svd"].fit_transform(matrix)
        return np.asarray(embedder.named_steps["l2"].fit_transform(reduced), dtype=np.float32)

    def _topic_frame(self, bt, id_map: dict[int, int], renames: dict[int, str] | None = None) -> pd.DataFrame:
        rows = []
        for t in sorted(bt.topic_sizes_):
            ours = id_map[t]
            ws = [w for w, _ in bt.get_topic(t) if w]
            if ours == -1:
                label = OUTLIER_LABEL
            elif renames and ours in renames:
                label = renames[ours]
            else:
                label = _make_label(ws, self.surface_)
            rows.append({"topic": ours, "label": label,
                         "top_words": WORD_SEP.join(_display(w, self.surface_) for w in ws),
                         "size": int(bt.topic_sizes_[t])})
        frame = pd.DataFrame(rows, columns=TOPIC_COLUMNS)
        return frame.sort_values("topic", kind="stable").reset_index(drop=True)

    def _outlet_words(self, bt, docs: list[str], outlets: list[str]) -> pd.DataFrame:
        """BERTopic's ``topics_per_class`` with outlets as classes: how each outlet words each topic."""
        if len(set(outlets)) > 100:
            return pd.DataFrame(columns=OUTLET_WORDS_COLUMNS)
        with _quiet_bertopic():
            per = bt.topics_per_class(docs, classes=outlets)
        labels = self._labels()
        rows = []
        for r in per.itertuples(index=False):
            ours = self.id_map_[int(r.Topic)]
            ws = [w.strip() for w in str(r.Words).split(",") if w.strip()]
            rows.append({"outlet": str(r.Class), "topic": ours, "label": labels.get(ours, ""),
                         "words": WORD_SEP.join(_display(w, self.surface_) for w in ws), "units": int(r.Frequency)})
        frame = pd.DataFrame(rows, columns=OUTLET_WORDS_COLUMNS)
        return frame.sort_values(["outlet", "topic"], kind="stable").reset_index(drop=True)

    def _labels(self) -> dict[int, str]:
        frame = self.topics_ if hasattr(self, "topics_") else self.base_topics_
        return dict(zip(frame["topic"].astype(int), frame["label"], strict=True))

    # -- using a fitted model ------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError("this TopicModel is not fitted yet", hint="call fit(units) first, or TopicModel.load(path)")

    def _embed(self, texts: list[str]) -> np.ndarray:
        if self.embedding_model is not None:
            return _st_encode(self.sentence_model_, texts)
        return np.asarray(self.embedder_.transform(texts), dtype=np.float32)

    def transform(self, units: pd.DataFrame, *, texts: UnitTexts | None = None) -> np.ndarray:
        """Topic id of every unit (row order kept): the topic whose embedding (the mean of
        its units' embeddings) is nearest by cosine.

        A unit whose similarity to the nearest topic is below ``min_similarity_`` is an
        outlier (``-1``); with the defaults only HDBSCAN models have outliers. ``texts``: as
        in :meth:`fit` (read one batch at a time).
        """
        self._check_fitted()
        _check_units(units, text=texts is None)
        n = len(units)
        out = np.empty(n, dtype=np.int64)
        centroids, bt_ids, ours = self._centroids()
        centroids, ours = centroids[bt_ids != -1], ours[bt_ids != -1]
        threshold = float(self.min_similarity_)
        size = max(1, int(self.batch_size))
        n_batches = (n + size - 1) // size
        with _progress(self.progress and n_batches > 1, "assigning topics", n_batches) as advance:
            for b in range(n_batches):
                emb = self._embed(_texts_at(units, texts, np.arange(b * size, min(n, (b + 1) * size))))
                norms = np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
                sims = (emb / norms) @ centroids.T
                best = np.argmax(sims, axis=1)
                topics = ours[best]
                topics[sims[np.arange(len(best)), best] < threshold] = -1
                out[b * size:b * size + len(emb)] = topics
                advance(1)
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Topic labels, in the order of ``topics_``."""
        self._check_fitted()
        return self.topics_["label"].to_numpy(dtype=object)

    # -- persistence ---------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Save the fitted model to the folder ``path`` — no pickle anywhere.

        ``bertopic/`` is BERTopic's safetensors serialization (topic embeddings, c-TF-IDF);
        ``embedder.safetensors`` holds the offline embedder's IDF and SVD components;
        ``framing_topics.json`` our parameters, vocabulary, labels and learned tables.
        """
        self._check_fitted()
        from safetensors.numpy import save_file

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        bt = self.model_
        vec = bt.vectorizer_model
        vec.vocabulary_ = {k: int(v) for k, v in vec.vocabulary_.items()}  # JSON needs plain ints
        with _quiet_bertopic():
            # no embedding-model pointer: BERTopic.load would fetch it from the Hub; we load it ourselves
            bt.save(path / _BERTOPIC_DIR, serialization="safetensors", save_ctfidf=True, save_embedding_model=False)
        embedder_state = None
        if self.embedding_model is None:
            tfidf = self.embedder_.named_steps["tfidf"]
            svd = self.embedder_.named_steps["svd"]
            # contiguous copies: safetensors writes the raw buffer (SVD components are a strided view)
            save_file({"idf": np.ascontiguousarray(tfidf.idf_, dtype=np.float64),
                       "svd_components": np.ascontiguousarray(svd.components_, dtype=np.float64)},
                      str(path / _EMBEDDER_FILE))
            tparams = {k: v for k, v in tfidf.get_params().items()
                       if k in ("token_pattern", "lowercase", "sublinear_tf", "min_df", "max_df", "max_features",
                                "ngram_range", "norm", "use_idf", "smooth_idf")}
            embedder_state = {"tfidf_params": tparams, "stop_words": list(tfidf.stop_words or []),
                              "vocabulary": {k: int(v) for k, v in tfidf.vocabulary_.items()},
                              "svd_components": int(svd.n_components), "seed": self.seed}
        params = {k: (str(v) if isinstance(v, Path) else v) for k, v in self.get_params().items()}
        if params["stop_words"] is not None and not isinstance(params["stop_words"], str):
            params["stop_words"] = sorted(params["stop_words"])
        state = {
            "format": "framing.topics", "version": _FORMAT_VERSION,
            "params": params, "embedder": embedder_state,
            "id_map": [[int(k), int(v)] for k, v in sorted(self.id_map_.items())],
            "renames": {str(k): v for k, v in self.renames_.items()},
            "surface": self.surface_,
            "stop_words": self.stop_words_,
            "topic_words": {str(k): v for k, v in self.topic_words_.items()},
            "topics": self.topics_.to_dict(orient="list"),
            "base_topics": self.base_topics_.to_dict(orient="list"),
            "outlet_words": self.outlet_words_.to_dict(orient="list"),
            "label_warnings": self.label_warnings_,
            "clustering_used": self.clustering_used_, "clustering_reason": self.clustering_reason_,
            "min_similarity": self.min_similarity_,
            "n_units": self.n_units_, "n_fit_units": self.n_fit_units_, "fit_seconds": self.fit_seconds_,
        }
        (path / _STATE_FILE).write_text(json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True),
                                        encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> TopicModel:
        """Load a model saved with :meth:`save`; it assigns units exactly like the saved one."""
        path = Path(path)
        state_file = path / _STATE_FILE
        if not state_file.is_file():
            raise ConfigError("not a saved framing topic model (no framing_topics.json)", path=path,
                              hint="save one with TopicModel.save(path) or `framing topics --save-model DIR`")
        try:
            state = json.loads(state_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"unreadable model state ({exc})", path=state_file) from exc
        if state.get("format") != "framing.topics" or state.get("version") != _FORMAT_VERSION:
            raise ConfigError(f"unsupported model format {state.get('format')!r} v{state.get('version')}",
                              path=state_file, hint="refit the model with this version of framing")
        model = cls(**state["params"])
        if model.embedding_model is None:
            embedder = _rebuild_embedder(state["embedder"], path / _EMBEDDER_FILE)
        else:
            model.sentence_model_ = _load_sentence_model(model.embedding_model)
            embedder = None
        BERTopic = _bertopic_class()

        with _quiet_bertopic(), _hub_offline():
            bt = BERTopic.load(str(path / _BERTOPIC_DIR),
                               embedding_model=embedder if embedder is not None else model.sentence_model_)
        # BERTopic restores a plain CountVectorizer (a callable analyzer is not JSON): put ours back
        model.stop_words_ = list(state["stop_words"])
        bt.vectorizer_model.set_params(analyzer=ArabicAnalyzer(model.stop_words_))
        model.model_ = bt
        model.embedder_ = embedder
        model.id_map_ = {int(k): int(v) for k, v in state["id_map"]}
        model.renames_ = {int(k): v for k, v in state["renames"].items()}
        model.surface_ = dict(state["surface"])
        model.topic_words_ = {int(k): v for k, v in state["topic_words"].items()}
        model.topics_ = _frame(state["topics"], TOPIC_COLUMNS)
        model.base_topics_ = _frame(state["base_topics"], TOPIC_COLUMNS)
        model.outlet_words_ = _frame(state["outlet_words"], OUTLET_WORDS_COLUMNS)
        model.label_warnings_ = list(state["label_warnings"])
        model.min_similarity_ = float(state["min_similarity"])
        model.clustering_used_ = state["clustering_used"]
        model.clustering_reason_ = state["clustering_reason"]
        model.n_units_ = int(state["n_units"])
        model.n_fit_units_ = int(state["n_fit_units"])
        model.fit_seconds_ = state["fit_seconds"]
        return model


_DEFAULTS = TopicModel().get_params()


def _frame(data: dict, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(data, columns=columns)
    for c in ("topic", "size", "units"):
        if c in frame:
            frame[c] = frame[c].astype(np.int64)
    return frame


def _rebuild_embedder(state: dict, tensors_path: Path):
    """The offline embedding pipeline from its saved vocabulary, IDF and SVD components."""
    from safetensors.numpy import load_file
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, Normalizer

    if not tensors_path.is_file():
        raise ConfigError("the saved model lacks its embedder", path=tensors_path, hint="save the model again")
    tensors = load_file(str(tensors_path))
    params = dict(state["tfidf_params"])
    if "ngram_range" in params:
        params["ngram_range"] = tuple(params["ngram_range"])
    tfidf = TfidfVectorizer(stop_words=state["stop_words"] or None, dtype=np.float32, **params)
    tfidf.vocabulary_ = dict(state["vocabulary"])
    tfidf.idf_ = tensors["idf"]
    svd = TruncatedSVD(n_components=int(state["svd_components"]), random_state=state.get("seed"))
    svd.components_ = tensors["svd_components"]
    svd.n_features_in_ = svd.components_.shape[1]
    l2 = Normalizer().fit(np.zeros((1, svd.components_.shape[0])))
    normalize = FunctionTransformer(_normalize_texts).fit([""])
    return Pipeline([("normalize", normalize), ("tfidf", tfidf), ("svd", svd), ("l2", l2)])


@contextmanager
def _hub_offline():
    """Hugging Face Hub offline mode while a model loads.

    ``local_files_only=True`` alone is not enough: huggingface_hub still contacts the Hub
    (e.g. to build its user-agent header) unless ``HF_HUB_OFFLINE`` is on, and it reads
    that variable once, at import — so the variable is set before the import and the
    module constant is switched on for the duration.
    """
    import os

    before = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    constants = None
    try:
        import huggingface_hub.constants as constants

        saved = constants.HF_HUB_OFFLINE
        constants.HF_HUB_OFFLINE = True
    except ImportError:  # sentence-transformers will report itself missing
        pass
    try:
        yield
    finally:
        if constants is not None:
            constants.HF_HUB_OFFLINE = saved
        if before is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = before


def _load_sentence_model(name: str):
    """A sentence-transformers model from the local cache or a local folder; never downloads."""
    local = Path(name).expanduser()
    with _hub_offline():
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise missing_dependency("sentence-transformers", "--embedding-model") from exc
        try:
            if local.exists():
                return SentenceTransformer(str(local), device="cpu", local_files_only=True)
            return SentenceTransformer(name, device="cpu", local_files_only=True)
        except Exception as exc:
            first = str(exc).splitlines()[0][:200] if str(exc) else ""
            raise ConfigError(f"embedding model {name!r} is not available locally ({type(exc).__name__}: {first})",
                              hint="framing never downloads models: put the model in the local Hugging Face "
                                   "cache (e.g. `huggingface-cli download NAME` on a connected machine) or pass "
                                   "the path of a local model folder; or omit --embedding-model for the offline "
                                   "default") from exc


def _st_encode(model, texts: list[str]) -> np.ndarray:
    emb = model.encode(list(texts), batch_size=32, show_progress_bar=False, convert_to_numpy=True,
                       normalize_embeddings=True)
    return np.asarray(emb, dtype=np.float32)


#: what ``import bertopic`` loads for backends the offline embedder never uses (its sentence-transformers
#: and text-generation backends, the legacy PyTorch save format), unless already loaded
_DEEP_LEARNING_MODULES = ("torch", "transformers", "sentence_transformers")


def _bertopic_class():
    """The ``BERTopic`` class, imported without PyTorch, transformers and sentence-transformers
    when no one has loaded them yet (the offline TF-IDF + SVD embedder needs none of them).

    ``import bertopic`` imports all three for optional backends (``MultiModalBackend``,
    ``TextGeneration``, ``.bin`` saving), 280 MB of resident memory in the main process for the
    rest of the run. They are kept out for the time of that import only (BERTopic falls back to
    its "not installed" placeholders for those backends, and saves and loads safetensors with
    numpy); a sentence-transformers model (``--embedding-model``) imports them itself before this
    runs, and anything later may still import them. The modules BERTopic imports that look for
    PyTorch (scipy, scikit-learn, UMAP, HDBSCAN) are imported first, unaffected.
    """
    import sys

    if "bertopic" not in sys.modules:
        import hdbscan  # noqa: F401
        import scipy.stats  # noqa: F401
        import sklearn.feature_extraction.text  # noqa: F401
        import umap  # noqa: F401

        kept_out = [name for name in _DEEP_LEARNING_MODULES if name not in sys.modules]
        for name in kept_out:
            sys.modules[name] = None  # an import of it raises ImportError, which BERTopic handles
        try:
            import bertopic  # noqa: F401
        finally:
            for name in kept_out:
                if sys.modules.get(name, False) is None:
                    del sys.modules[name]
    from bertopic import BERTopic

    return BERTopic


@contextmanager
def _joblib_threads():
    """joblib's parallel loops run in threads of this process, not in worker processes: HDBSCAN
    (``core_dist_n_jobs=4``) otherwise starts four processes and pickles its k-d tree to each
    one for the core distances of more than 16,384 units (February month: 869 MB of children
    beside the main process). The same loops on the same pieces, so the same clusters."""
    from joblib import parallel_config

    with parallel_config(backend="threading"):
        yield


@contextmanager
def _quiet_bertopic():
    """BERTopic logs warnings that are expected here (saving without an embedding model pointer;
    UMAP on a precomputed neighbour graph cannot transform new data, which is not needed)."""
    import warnings

    log = logging.getLogger("BERTopic")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]")
            yield
    finally:
        log.setLevel(level)


@contextmanager
def _progress(enabled: bool, description: str, total: int):
    if not enabled:
        yield lambda _n=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


# --- topic mix -----------------------------------------------------------------------------------


def topic_mix(model: TopicModel, units: pd.DataFrame, topics: np.ndarray | None = None) -> pd.DataFrame:
    """Topic mix of every document: the share of its unit characters assigned to each topic.

    ``topics`` (the result of ``model.transform(units)``) is computed when not given.
    Outliers are kept as topic -1 labelled ``"outlier"``. Columns: ``doc_id, outlet,
    topic, label, share, chars`` (characters of the document's units in the topic);
    the shares of a document sum to 1. Documents keep their order of appearance.

    >>> mix = topic_mix(model, units)        # doctest: +SKIP
    >>> mix.groupby("doc_id")["share"].sum() # doctest: +SKIP  (all 1.0)
    """
    _check_units(units, text=topics is None)  # the ids given: start and end are enough
    if topics is None:
        topics = model.transform(units)
    topics = np.asarray(topics)
    if len(topics) != len(units):
        raise ConfigError(f"{len(topics)} topic ids for {len(units)} units", hint="pass model.transform(units)")
    if not len(units):
        return pd.DataFrame(columns=MIX_COLUMNS)
    labels = model._labels()
    frame = pd.DataFrame({"doc_id": units["doc_id"].astype(str).to_numpy(),
                          "outlet": units["outlet"].astype(str).to_numpy(),
                          "topic": topics.astype(np.int64),
                          "chars": (units["end"].to_numpy() - units["start"].to_numpy()).astype(np.int64)})
    order = pd.Index(pd.unique(frame["doc_id"]))
    grouped = frame.groupby(["doc_id", "outlet", "topic"], sort=False, as_index=False)["chars"].sum()
    total = grouped.groupby("doc_id")["chars"].transform("sum")
    grouped["share"] = grouped["chars"] / total
    grouped["label"] = grouped["topic"].map(labels).fillna("")
    grouped["_order"] = order.get_indexer(grouped["doc_id"])
    grouped = grouped.sort_values(["_order", "topic"], kind="stable").drop(columns="_order")
    return grouped[MIX_COLUMNS].reset_index(drop=True)


def outlet_topic_mix(mix: pd.DataFrame, documents: Iterable[Document] | None = None) -> pd.DataFrame:
    """Topic mix per outlet, weighted by text length: an outlet's share of a topic is the
    characters of its documents assigned to the topic over all its documents' characters.

    ``documents`` is accepted for symmetry with the pipeline and not needed: the weights
    are the ``chars`` column of :func:`topic_mix`. Columns: ``outlet, topic, label, share,
    chars, docs`` (documents with any text in the topic); shares of an outlet sum to 1.
    """
    if not len(mix):
        return pd.DataFrame(columns=OUTLET_MIX_COLUMNS)
    grouped = mix.groupby(["outlet", "topic"], as_index=False).agg(
        chars=("chars", "sum"), docs=("doc_id", "nunique"), label=("label", "first"))
    grouped["share"] = grouped["chars"] / grouped.groupby("outlet")["chars"].transform("sum")
    grouped = grouped.sort_values(["outlet", "topic"], kind="stable")
    return grouped[OUTLET_MIX_COLUMNS].reset_index(drop=True)


# --- labels file -------------------------------------------------------------------------------

_LABELS_HEADER = """\
Topic labels for framing. Edit and pass this file to later runs (--labels FILE): they
rename and merge topics as written here.
  labels:  topic id -> the label you want (the comment shows the topic's top words).
  merge:   lists of topic ids that become one topic, e.g. [3, 5]; the first id keeps
           its label. Topic -1 (outliers) cannot be merged.
  words:   each topic's top words when this file was written. A later run finds a topic
           by its id when its words still match, else by the topic whose words match
           best; a topic that matches none is ignored with a warning. Leave them as they are.
Ids are stable only for the same corpus and options (seed, number of topics, model).
"""


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.allow_unicode = True
    return yaml


def read_labels(path: str | Path) -> dict:
    """Read a labels file: ``{"labels": {id: label}, "merge": [[id, ...]], "words": {id: [words]}}``."""
    from framing.lexicon.yamlio import read_yaml

    path = Path(path)
    if not path.is_file():
        raise ConfigError("topic labels file not found", path=path,
                          hint="write one from a fitted model with framing.topics.write_labels_template, or take "
                               "topic_labels.yaml from a run folder")
    data = read_yaml(path.read_text(encoding="utf-8-sig"), path=path, error=ConfigError,
                     hint="fix the syntax, or take topic_labels.yaml from a run folder again")
    if data is None:
        data = {}
    if not hasattr(data, "get"):
        raise ConfigError("a topic labels file must be a mapping with 'labels', 'merge' and 'words'", path=path)
    unknown = [k for k in data if k not in ("labels", "merge", "words")]
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(map(str, unknown))}", path=path,
                          line=_line_of(data, unknown[0]), hint="use labels, merge and words")

    def topic_id(key, where) -> int:
        try:
            return int(str(key).strip())
        except ValueError:
            raise ConfigError(f"topic id {key!r} is not an integer", path=path, line=where) from None

    labels: dict[int, str] = {}
    for key, value in (data.get("labels") or {}).items():
        line = _line_of(data["labels"], key)
        if hasattr(value, "get"):  # {label: ..., words: [...]} is accepted too
            value = value.get("label")
        if value is None or str(value).strip() == "":
            continue
        if not isinstance(value, str | int | float):
            raise ConfigError(f"the label of topic {key} must be text", path=path, line=line)
        labels[topic_id(key, line)] = str(value).strip()
    merges: list[list[int]] = []
    for i, group in enumerate(data.get("merge") or []):
        line = (data["merge"].lc.item(i)[0] + 1) if hasattr(data["merge"], "lc") else None
        if not isinstance(group, list) or len(group) < 2:
            raise ConfigError(f"merge entry {group!r} must list at least two topic ids, e.g. [3, 5]", path=path,
                              line=line)
        merges.append([topic_id(t, line) for t in group])
    words: dict[int, list[str]] = {}
    for key, value in (data.get("words") or {}).items():
        line = _line_of(data["words"], key)
        if not isinstance(value, list):
            raise ConfigError(f"the words of topic {key} must be a list", path=path, line=line)
        words[topic_id(key, line)] = [normalize_ar(str(w)).strip() for w in value]
    return {"labels": labels, "merge": merges, "words": words}


def _line_of(container, key) -> int | None:
    try:
        return container.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return None


#: share of a topic's recorded words that must still be among its top words to match it
SIGNATURE_MATCH = 0.5


def _resolve_labels(spec: dict, base: pd.DataFrame, words: dict[int, list[str]], path
                    ) -> tuple[dict[int, str], list[list[int]], list[str]]:
    """Map the ids of a labels file to this model's topics (by id, checked with the words)."""
    current = {int(t): {normalize_ar(w) for w in ws} for t, ws in words.items()}
    warnings: list[str] = []
    resolved: dict[int, int | None] = {}
    taken: set[int] = set()
    for fid in sorted(set(spec["labels"]) | {t for g in spec["merge"] for t in g}):
        sig = set(spec["words"].get(fid, []))
        if not sig:
            target = fid if fid in current else None
        else:
            def overlap(t: int, sig=sig) -> float:
                return len(sig & current[t]) / len(sig)

            if fid in current and overlap(fid) >= SIGNATURE_MATCH:
                target = fid
            else:
                scored = sorted(((overlap(t), -abs(t - fid), t) for t in current if t not in taken and t != -1),
                                reverse=True)
                target = scored[0][2] if scored and scored[0][0] >= SIGNATURE_MATCH else None
        if target is None:
            warnings.append(f"{path}: topic {fid} matches no topic of this run "
                            f"(words: {', '.join(sorted(sig)[:5]) or 'none recorded'}) — ignored")
        elif target != fid:
            warnings.append(f"{path}: topic {fid} of the labels file is topic {target} in this run (matched by words)")
        resolved[fid] = target
        if target is not None:
            taken.add(target)
    renames = {resolved[f]: lab for f, lab in spec["labels"].items() if resolved.get(f) is not None}
    merges: list[list[int]] = []
    seen: set[int] = set()
    for group in spec["merge"]:
        ids = []
        for t in group:
            r = resolved.get(t)
            if r is None:
                continue
            if r == -1:
                raise ConfigError(f"topic -1 (outliers) cannot be merged (merge {group})", path=path,
                                  hint="remove -1 from the merge list")
            if r in seen:
                raise ConfigError(f"topic {t} is in more than one merge group", path=path,
                                  hint="list each topic id in at most one merge group")
            if r not in ids:
                ids.append(r)
        seen.update(ids)
        if len(ids) >= 2:
            merges.append(ids)
        elif group:
            warnings.append(f"{path}: merge {group} has fewer than two topics of this run — ignored")
    # a merged topic keeps the label of its first id
    for group in merges:
        for t in group[1:]:
            renames.pop(t, None)
    return renames, merges, warnings


def labels_template_text(model: TopicModel, existing: str | Path | None = None) -> str:
    """The YAML text of a labels file for ``model`` (see :func:`write_labels_template`)."""
    model._check_fitted()
    from io import StringIO

    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = _yaml()
    base = model.base_topics_
    base_words = _base_words(model)
    if existing is not None and Path(existing).is_file():
        text = Path(existing).read_text(encoding="utf-8-sig")
        from framing.lexicon.yamlio import read_yaml

        read_yaml(text, path=existing, error=ConfigError)  # bounded aliases before ruamel's round trip
        data = yaml.load(text) or CommentedMap()
    else:
        data = CommentedMap()
        data.yaml_set_start_comment(_LABELS_HEADER)
    labels = data.setdefault("labels", CommentedMap())
    data.setdefault("merge", CommentedSeq())
    words = data.setdefault("words", CommentedMap())
    known = {int(str(k)) for k in labels}
    current = model._labels()
    for row in base.itertuples(index=False):
        t = int(row.topic)
        if t == -1:
            continue
        if t not in known:
            labels[t] = current.get(t, row.label)
            labels.yaml_add_eol_comment(f"{row.size} units — {row.top_words}", t)
        if t not in {int(str(k)) for k in words}:
            seq = CommentedSeq(base_words.get(t, []))
            seq.fa.set_flow_style()
            words[t] = seq
    buf = StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _base_words(model: TopicModel) -> dict[int, list[str]]:
    """Normalized top words of the topics before any rename or merge."""
    out = {}
    inv = {v: k for k, v in model.surface_.items()}
    for row in model.base_topics_.itertuples(index=False):
        words = [w for w in str(row.top_words).split(WORD_SEP) if w]
        out[int(row.topic)] = [" ".join(inv.get(tok, normalize_ar(tok)) for tok in w.split(" ")) for w in words]
    return out


def write_labels_template(model: TopicModel, path: str | Path) -> Path:
    """Write an editable labels file: every topic with its label and top words as comments.

    If ``path`` exists, its labels, merges and comments are kept and only topics it
    does not list yet are added.

    >>> write_labels_template(model, "topic_labels.yaml")  # doctest: +SKIP
    """
    from framing.output import atomic_write_text

    text = labels_template_text(model, existing=path)
    path = Path(path)
    atomic_write_text(path, text)
    return path


# --- the pipeline's entry point --------------------------------------------------------------------


@dataclass
class TopicResult:
    """What the topic stage gives the report: tables, the fitted model and ``info`` for run.json."""

    #: the fitted model; None when it was fitted in a process of its own (:func:`fit_corpus_topics_apart`)
    model: TopicModel | None
    topics: pd.DataFrame
    mix: pd.DataFrame
    outlet_mix: pd.DataFrame
    outlet_words: pd.DataFrame
    info: dict = field(default_factory=dict)
    #: the text of ``topic_labels.yaml`` (:func:`labels_template_text`) when ``model`` is None
    labels_text: str | None = None

    def write(self, out) -> None:
        """Write ``topics.csv``, ``topic_mix.csv``, ``outlet_topics.csv``,
        ``outlet_topic_words.csv`` and an editable ``topic_labels.yaml`` into a RunOutput."""
        out.write_csv("topics.csv", self.topics, columns=TOPIC_COLUMNS)
        out.write_csv("topic_mix.csv", self.mix, columns=MIX_COLUMNS)
        out.write_csv("outlet_topics.csv", self.outlet_mix, columns=OUTLET_MIX_COLUMNS)
        out.write_csv("outlet_topic_words.csv", self.outlet_words, columns=OUTLET_WORDS_COLUMNS)
        labels = self.labels_text
        if labels is None:
            labels = labels_template_text(self.model, existing=self.model.labels)
        out.write_text("topic_labels.yaml", labels)

    def without_model(self) -> TopicResult:
        """The same tables, ``info`` and labels file, without the fitted model (what a run writes)."""
        labels = self.labels_text
        if labels is None:
            labels = labels_template_text(self.model, existing=self.model.labels)
        return TopicResult(model=None, topics=self.topics, mix=self.mix, outlet_mix=self.outlet_mix,
                           outlet_words=self.outlet_words, info=self.info, labels_text=labels)


def fit_corpus_topics(documents: Callable[[], Iterable[Document]] | Iterable[Document] | pd.DataFrame, *,
                      seed: int = 42,
                      embedding_model: str | None = None, n_topics: int | str = "auto",
                      labels: str | Path | None = None, progress: bool = False, texts: UnitTexts | None = None,
                      **params) -> TopicResult:
    """Split, fit, assign: the whole topic stage over a corpus.

    ``documents`` is an iterable of documents, a function returning one, or the units
    frame already cut (:func:`units_frame` of :func:`document_units`; without a ``text`` column
    when ``texts`` gives the texts by row position, read a batch at a time). ``n_topics``
    may be given as text (``"auto"`` or ``"12"``, as from the command line). Other
    ``TopicModel`` parameters pass through ``params``.
    """
    t0 = time.perf_counter()
    if isinstance(documents, pd.DataFrame):
        units = documents  # already cut into units (the pipeline's per-document analysis did it)
        _check_units(units, text=texts is None)
    else:
        docs = documents() if callable(documents) else documents
        units = split_units(docs)
    if isinstance(n_topics, str) and n_topics != "auto":
        try:
            n_topics = int(n_topics)
        except ValueError:
            raise ConfigError(f"invalid number of topics {n_topics!r}", hint="an integer ≥ 2 or 'auto'") from None
    model = TopicModel(n_topics=n_topics, embedding_model=embedding_model, seed=seed, labels=labels,
                       progress=progress, **params).fit(units, texts=texts)
    assigned = model.transform(units, texts=texts)
    mix = topic_mix(model, units, assigned)
    outlet_mix = outlet_topic_mix(mix)
    n_outliers = int((assigned == -1).sum())
    info = {
        "engine": "bertopic",
        "embedding": embedding_model or "tfidf-svd (offline)",
        "clustering": model.clustering_used_,
        "clustering_reason": model.clustering_reason_,
        "seed": seed,
        "n_topics": int((model.topics_["topic"] != -1).sum()),
        "units": len(units),
        "fit_units": int(model.n_fit_units_),
        "outlier_units": n_outliers,
        "documents": int(units["doc_id"].nunique()),
        "labels_file": str(labels) if labels else None,
        "label_warnings": list(model.label_warnings_),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    return TopicResult(model=model, topics=model.topics_, mix=mix, outlet_mix=outlet_mix,
                       outlet_words=model.outlet_words_, info=info)


def fit_corpus_topics_apart(units: pd.DataFrame, *, texts: UnitTexts, **kwargs) -> TopicResult:
    """:func:`fit_corpus_topics` of a units frame in a process of its own, which ends with the stage:
    a :class:`TopicResult` without the model (:meth:`TopicResult.without_model`).

    The topic stage leaves resident what this process would keep to the end of the run: BERTopic
    and its libraries, the code numba compiles for UMAP and HDBSCAN, and the heap the fit
    fragments (February month: about 600 MB, held through the event grouping and the report).
    The other process asks this one for the units' texts (``texts``, by row position) a sample
    or a batch at a time, so they stay where they are; same seed, same topics. The stage's user
    mistakes are raised here as they are there; a process that dies is a :class:`RunError`.
    """
    import multiprocessing

    from framing.errors import RunError

    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe()
    proc = ctx.Process(target=_fit_apart, args=(there, units, kwargs), name="framing-topics", daemon=True)
    proc.start()
    there.close()
    try:
        while True:
            try:
                kind, payload = here.recv()
            except EOFError:
                proc.join(5)
                raise RunError(f"the topic model's process ended unexpectedly (exit code {proc.exitcode})",
                               hint="out of memory? skip topics with --no-topics, or give the run more memory") \
                    from None
            if kind == "texts":
                here.send(texts(payload))
            elif kind == "error":
                raise payload
            else:
                return payload
    finally:
        here.close()
        if proc.is_alive():
            proc.join(5)
        if proc.is_alive():  # interrupted, or an error left it waiting
            proc.terminate()
            proc.join()


def _fit_apart(conn, units: pd.DataFrame, kwargs: dict) -> None:
    """The other process of :func:`fit_corpus_topics_apart`: fit, send the result (or the error) back."""
    def texts(idx) -> list[str]:
        conn.send(("texts", np.asarray(idx)))
        return conn.recv()

    try:
        result = fit_corpus_topics(units, texts=texts, **kwargs).without_model()
        conn.send(("done", result))
    except KeyboardInterrupt:  # Ctrl-C reaches both processes: the other one reports it
        pass
    except BaseException as exc:  # sent to the other process, which raises it
        from framing.errors import FramingError, RunError

        if not isinstance(exc, FramingError):  # a bug: where it happened, in this process
            import traceback

            exc.add_note("in the topic model's process:\n" + "".join(traceback.format_tb(exc.__traceback__)))
        try:
            conn.send(("error", exc))
        except Exception:  # an error that cannot be pickled: its text
            with suppress(OSError, ValueError):
                conn.send(("error", RunError(f"the topic stage failed: {type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def plot_topic_mix(outlet_mix: pd.DataFrame, **kwargs):
    """Stacked horizontal bars of the topic mix per outlet (see :func:`framing.charts.plot_topic_mix`)."""
    from framing import charts

    return charts.plot_topic_mix(outlet_mix, **kwargs)


def plot_topic_heatmap(outlet_mix: pd.DataFrame, **kwargs):
    """Outlet × topic heatmap of shares (see :func:`framing.charts.plot_topic_heatmap`)."""
    from framing import charts

    return charts.plot_topic_heatmap(outlet_mix, **kwargs)

