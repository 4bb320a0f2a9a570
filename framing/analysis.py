"""The per-document analysis: everything the run computes about one document, once.

:func:`analyze_document` is a pure function of a :class:`~framing.records.Document` and a
frozen :class:`RunContext`. It normalizes the (boilerplate-masked) text exactly once and
from that one normalized text derives the tokens, the lexicon hits, the attributions and
the voice of every hit, the per-document hit counts behind every score, the term counts
of the distinguishing-terms statistic (article clitics folded, stop words removed), the
rows of ``hits``/``attributions``/``excluded``, the evidence sentences of the report, and
the compact features the later stages need (:class:`~framing.events.EventFeatures`, the
topic units). The reductions in :mod:`framing.pipeline` (outlet scores, distinguishing
terms, term evidence, events, topics) work from these :class:`DocumentResult` objects and
never go back to the corpus.

A :class:`RunSpec` is the picklable recipe of a run context (the lexicons as loaded once
by the main process, the stop words, the stages switched on); :func:`context_for` builds
the context from it once per process (a worker of a process pool or of a Dask cluster).

>>> from framing.lexicon import load_lexicons
>>> from framing.records import Document
>>> spec = RunSpec.from_lexicons(load_lexicons(None), topics=False, events=False)
>>> r = analyze_document(Document("d1", "قالت وزارة الخارجية إن قوات النظام قصفت المدينة.", outlet="A"),
...                      context_for(spec))
>>> r.doc_id, r.tokens, [h["term"] for h in r.hit_rows][:1]
('d1', 8, ['قوات النظام'])
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from typing import Any

import numpy as np

from framing import normalize as _normalize
from framing.errors import ConfigError
from framing.normalize import WORD_RE, fold_article_clitics
from framing.records import Document

__all__ = ["ATTRIBUTION_KEPT", "EVIDENCE_PER_CELL", "DocumentResult", "RunContext", "RunSpec", "analyze_batch",
           "analyze_document", "analyze_safely", "context_for"]

#: evidence sentences kept per (outlet, actor) cell for the report
EVIDENCE_PER_CELL = 5
#: the attribution columns the reductions keep (the outlet profile), besides the written table
#: distinct tokens a worker remembers the term of (then it stops learning new ones)
TERM_CACHE_LIMIT = 2_000_000
ATTRIBUTION_KEPT = ("kind", "speaker", "source_type", "cue_stance", "quote_start", "quote_end")


@dataclass(frozen=True)
class RunSpec:
    """The picklable recipe of a :class:`RunContext` (what a worker needs to build one).

    ``lexicons`` are every lexicon the run uses (framing, reporting verbs, sources), loaded
    once by the main process; ``stopwords`` the run's stop words; ``events_params`` the
    :class:`~framing.events.EventGrouper` parameters that shape per-document features.
    """

    lexicons: tuple
    stopwords: frozenset[str]
    attribution: bool = True
    topics: bool = True
    events: bool = True
    titles: bool = True
    morphology_db: str | None = None
    events_params: tuple[tuple[str, Any], ...] = ()
    #: the English stop words (documents of ``language: en``); None: the bundled list
    stopwords_en: frozenset[str] | None = None
    key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256()
        for lx in self.lexicons:
            digest.update(f"{lx.kind}\0{lx.name}\0{lx.sha256}\0{len(lx.entries)}\n".encode())
        digest.update(repr((sorted(self.stopwords), self.attribution, self.topics, self.events,
                            self.morphology_db, self.events_params, self.titles)).encode())
        if self.stopwords_en is not None:
            digest.update(repr(sorted(self.stopwords_en)).encode())
        object.__setattr__(self, "key", digest.hexdigest())

    @classmethod
    def from_lexicons(cls, lexicons: Sequence, *, stopwords: frozenset[str] | None = None, **kwargs) -> RunSpec:
        """A spec from loaded lexicons (stop words default to the bundled list)."""
        if stopwords is None:
            from framing.lexicon import load_stopwords

            stopwords = load_stopwords()
        return cls(lexicons=tuple(lexicons), stopwords=frozenset(stopwords), **kwargs)

    @property
    def framing_lexicons(self) -> list:
        return [lx for lx in self.lexicons if lx.kind == "framing"]

    @property
    def actors(self) -> list[str]:
        return sorted({a for lx in self.framing_lexicons for a in lx.actors})

    @property
    def categories(self) -> list[str]:
        return sorted({c for lx in self.framing_lexicons for c in lx.categories})


class RunContext:
    """Everything the per-document analysis reads and never changes: the compiled matcher,
    the attribution extractor, stop words, actors and categories, the event featurizer.

    Built once per process from a :class:`RunSpec` (:func:`context_for`)."""

    def __init__(self, spec: RunSpec, *, matcher=None, extractor=None):
        from framing.lexicon import Matcher

        self.spec = spec
        framing_lex = spec.framing_lexicons
        if not framing_lex:
            raise ConfigError("no framing lexicon (kind: framing) found",
                              hint="add one with 'framing lexicon new NAME' or pass --lexicons DIR")
        self.actors = spec.actors
        self.categories = spec.categories
        self.stopwords = spec.stopwords
        # lexicons of language: en apply to English documents (framing.english); all others to Arabic ones
        arabic = [lx for lx in spec.lexicons if lx.language != "en"]
        if matcher is None:
            lemmatizer = None
            if spec.morphology_db:
                from framing.morphology import MorphologyLemmatizer

                lemmatizer = MorphologyLemmatizer(spec.morphology_db)
            matcher = Matcher([lx for lx in framing_lex if lx.language != "en"], lemmatizer=lemmatizer)
        self.matcher = matcher
        self.extractor = extractor if spec.attribution else None
        if spec.attribution and extractor is None:
            from framing.attribution import AttributionExtractor

            self.extractor = AttributionExtractor(
                verbs=[lx for lx in arabic if lx.kind == "reporting_verbs"],
                sources=[lx for lx in arabic if lx.kind == "sources"])
        self._english: _EnglishPath | None = None
        #: token → its folded term for the distinguishing-terms counts (None: a stop word, a digit …)
        self.term_of: dict[str, str | None] = {}
        #: the sources lexicons' matcher that types a headline's colon speaker («بكار: مرسي …»)
        self.source_matcher = None
        #: source lexicon name → precedence (first listed wins, as in the extractor); entry id → entry
        self.source_rank: dict[str, int] = {}
        self.source_entries: dict[str, Any] = {}
        if self.extractor is not None and spec.titles:
            sources = [lx for lx in spec.lexicons if lx.kind == "sources"]
            sources = [lx for lx in sources if lx.language != "en"]
            for lx in sources:
                self.source_rank.setdefault(lx.name, len(self.source_rank))
                self.source_entries.update({e.id: e for e in lx.entries})
            self.source_matcher = Matcher(sources) if sources else None
        self.featurizer = None
        if spec.events:
            from framing.events import EventGrouper

            self.featurizer = EventGrouper(**dict(spec.events_params)).featurizer(
                lexicons=arabic, stopwords=spec.stopwords)


    @property
    def english(self) -> _EnglishPath:
        """The English side of the context (built the first time an English document comes)."""
        if self._english is None:
            self._english = _EnglishPath(self.spec)
        return self._english

    def learn_term(self, token: str) -> str | None:
        """The term a normalized token counts as (article clitics folded), or None (stop word,
        one letter, digits); remembered (bounded) for the next documents."""
        w = fold_article_clitics(token)
        out = w if w not in self.stopwords and len(w) > 1 and not w.isdigit() else None
        if len(self.term_of) < TERM_CACHE_LIMIT:
            self.term_of[token] = out
        return out


class _EnglishPath:
    """What the analysis of an English document reads (:mod:`framing.english`): the matcher of
    the ``language: en`` framing lexicons, the English attribution extractor with the English
    verbs and sources, the English stop words and event featurizer."""

    def __init__(self, spec: RunSpec):
        from framing.english import ENGLISH, load_stopwords_en
        from framing.lexicon import Matcher

        english = [lx for lx in spec.lexicons if lx.language == "en"]
        self.matcher = Matcher([lx for lx in english if lx.kind == "framing"], rules=ENGLISH)
        self.extractor = None
        if spec.attribution:
            from framing.attribution_en import EnglishAttributionExtractor

            self.extractor = EnglishAttributionExtractor(
                verbs=[lx for lx in english if lx.kind == "reporting_verbs"],
                sources=[lx for lx in english if lx.kind == "sources"])
        self.stopwords = spec.stopwords_en if spec.stopwords_en is not None else load_stopwords_en()
        self.term_of: dict[str, str | None] = {}
        self.featurizer = None
        if spec.events:
            from framing.events import EventGrouper

            self.featurizer = EventGrouper(**dict(spec.events_params)).featurizer(
                lexicons=english, stopwords=self.stopwords)

    def learn_term(self, token: str) -> str | None:
        """The term an English token counts as (possessive folded), or None (a stop word …)."""
        from framing.english import fold_term

        w = fold_term(token)
        out = w if w not in self.stopwords and len(w) > 1 and not w.isdigit() else None
        if len(self.term_of) < TERM_CACHE_LIMIT:
            self.term_of[token] = out
        return out

    def event(self, doc: Document, text: str, normalized) -> Any:
        """The event features of an English document, from its folded words (title as written)."""
        from framing.english import normalize_en

        title = normalize_en(doc.title).text if isinstance(doc.title, str) and doc.title.strip() else None
        ev = self.featurizer.features(replace(doc, title=title), masked=normalized.text, normalized=normalized.text)
        if title is not None:
            return replace(ev, title=doc.title)
        i = normalized.text.find(ev.title) if ev.title else -1
        if i < 0:
            return ev
        a, b = normalized.original_span(i, i + len(ev.title))
        return replace(ev, title=text[a:b])


_CONTEXT: dict[str, RunContext] = {}


def context_for(spec: RunSpec) -> RunContext:
    """The :class:`RunContext` of ``spec``, built the first time this process asks for it."""
    ctx = _CONTEXT.get(spec.key)
    if ctx is None:
        _CONTEXT.clear()  # one run at a time per process
        ctx = _CONTEXT[spec.key] = RunContext(spec)
    return ctx


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """What :func:`analyze_document` found in one document (picklable, compact).

    The row lists (``hit_rows``, ``attribution_rows``, ``excluded_rows``) are written to the
    output tables as results arrive and then dropped; the rest is what the reductions keep:
    ``counts`` (:func:`framing.scoring.hit_counts`), ``term_counts``, ``evidence``
    (``(actor, row)`` candidates for the report), ``event`` features, topic ``units``
    (``(start, end)`` in the masked text) and ``packed`` (the masked text, zlib-compressed, for the
    term-evidence sentences). ``error`` is set (and everything else empty) when the
    analysis of this document raised.
    """

    doc_id: str
    outlet: str
    date: str | None
    title: str | None
    source: str | None
    language: str = "ar"
    chars: int = 0
    bytes: int = 0
    excluded_chars: int = 0
    tokens: int = 0
    hits: int = 0
    hits_reported: int = 0
    attributions: int = 0
    counts: np.ndarray | None = None
    hit_rows: list[dict] = field(default_factory=list)
    attribution_rows: list[dict] = field(default_factory=list)
    excluded_rows: list[dict] = field(default_factory=list)
    excluded_reasons: tuple[str, ...] = ()
    evidence: list[tuple[str, dict]] = field(default_factory=list)
    term_counts: dict[str, int] = field(default_factory=dict)
    event: Any = None
    units: list[tuple[int, int]] | None = None
    packed: bytes | None = None
    error: str | None = None

    def masked_text(self) -> str:
        """The masked text, unpacked (``""`` when not kept)."""
        return zlib.decompress(self.packed).decode("utf-8") if self.packed else ""


def _attribution_fields() -> tuple[str, ...]:
    from framing.records import Attribution

    return tuple(f.name for f in fields(Attribution))


_ATTRIBUTION_FIELDS = _attribution_fields()
_attribution_values = attrgetter(*_ATTRIBUTION_FIELDS)  # an Attribution's fields as a tuple, in C


#: a headline "SPEAKER: CLAIM" — a few words, a colon, the claim (no quotation marks needed)
_HEADLINE_COLON_RE = re.compile(r"^\s*([^:：«»\"“”\d\n]{2,80}?)\s*[:：]\s*(\S.*?)\s*$", re.S)
_HEADLINE_SPEAKER_WORDS = 5
_NAME_STRIP = str.maketrans({c: " " for c in "\"'“”«»()[]{}<>.،,؛;:!?؟…-–—/\\"})


def _headline_colon(title: str, norm, doc_id: str, attrs: list, ctx: RunContext) -> list:
    """The colon attribution of a headline «بكار: مرسي يحافظ على امن اسرائيل» (speaker بكار),
    added when the extractor found none covering the claim: headlines drop the reporting verb."""
    from framing.records import Attribution

    if ":" not in title and "：" not in title:  # most headlines (the pattern needs one of the two)
        return attrs
    m = _HEADLINE_COLON_RE.match(title)
    if m is None:
        return attrs
    s0, s1 = m.span(1)
    q0, q1 = m.span(2)
    cut = max(title.rfind("..", s0, s1), title.rfind("|", s0, s1))
    if cut >= 0:  # "بالفيديو.. مرسي: …", "عاجل | فلان: …": a rubric before the speaker
        s0 = cut + 1
        while s0 < s1 and not title[s0].isalnum():
            s0 += 1
    words = WORD_RE.findall(title[s0:s1])
    if not 1 <= len(words) <= _HEADLINE_SPEAKER_WORDS or (words[0][:1] in "وف" and words[0][1:2] in "يتنأ") \
            or words[0].startswith("لل"):
        return attrs  # "ويكمل المجند:", "وأضاف:" read as a verb, "لليوم الثاني:" a time phrase, not a name
    if any(a.quote_start < q1 and q0 < a.quote_end for a in attrs):
        return attrs
    name = " ".join(_normalize.normalize_ar(title[s0:s1], alef=False, alef_maksura=False,
                                            teh_marbuta=False).translate(_NAME_STRIP).split())
    source_type = "other"
    if ctx.source_matcher is not None:
        typed = [h for h in ctx.source_matcher.find(title, doc_id=doc_id, normalized=norm)
                 if s0 <= h.start and h.end <= s1]
        if typed:  # as the extractor: the first-listed lexicon, a named source before an anonymous one
            best = min(ctx.source_rank.get(h.lexicon, 0) for h in typed)
            typed = [h for h in typed if ctx.source_rank.get(h.lexicon, 0) == best]
            hit = ([h for h in typed if h.category != "anonymous"] or typed)[-1]
            source_type = hit.category
            entry = ctx.source_entries.get(hit.entry_id)
            if entry is not None and getattr(entry, "canonical", None):
                name = " ".join(_normalize.normalize_ar(entry.canonical, alef=False, alef_maksura=False,
                                                        teh_marbuta=False).translate(_NAME_STRIP).split())
    colon = title.find(":", s1) if ":" in title[s1:q0] else title.find("：", s1)
    new = Attribution(doc_id=doc_id, attribution_id=0, kind="reported_speech", quote_start=q0, quote_end=q1,
                      speaker=name, source_type=source_type, cue=title[colon:colon + 1], speaker_start=s0,
                      speaker_end=s1, cue_start=colon, cue_end=colon + 1, quote_text=title[q0:q1])
    out = sorted([*attrs, new], key=lambda a: (a.quote_start, a.cue_start, a.quote_end))
    return [replace(a, attribution_id=k) for k, a in enumerate(out, 1)]


def _analyze_title(doc: Document, ctx: RunContext, n_body_attrs: int) -> tuple[list, list, int]:
    """The title's hits and attributions (offsets into the title; attribution ids after the
    body's) and its token count; ``([], [], 0)`` when titles are off or there is none."""
    title = doc.title
    if not ctx.spec.titles or not isinstance(title, str) or not title.strip():
        return [], [], 0
    if doc.language == "en":
        return _analyze_english_title(doc, ctx, n_body_attrs)
    norm = _normalize.normalize_with_offsets(title)  # the title's one normalization
    hits = ctx.matcher.find(title, doc_id=doc.doc_id, normalized=norm)
    attrs = []
    if ctx.extractor is not None:
        from framing.attribution import assign_voice

        attrs = _headline_colon(title, norm, doc.doc_id,
                                ctx.extractor.extract(title, doc_id=doc.doc_id, normalized=norm), ctx)
        attrs = [replace(a, attribution_id=a.attribution_id + n_body_attrs) for a in attrs]
        if hits and attrs:
            hits = assign_voice(hits, attrs)
    return hits, attrs, len(norm.pieces()) // 2  # [gap, word, ..., word, gap]: the words


def _analyze_english_title(doc: Document, ctx: RunContext, n_body_attrs: int) -> tuple[list, list, int]:
    """:func:`_analyze_title` of an English document (its matcher and extractor)."""
    from framing.english import WORD_RE_EN, normalize_en

    title, en = doc.title, ctx.english
    norm = normalize_en(title)
    hits = en.matcher.find(title, doc_id=doc.doc_id, normalized=norm)
    attrs = []
    if en.extractor is not None and ctx.extractor is not None:
        from framing.attribution import assign_voice

        found = en.extractor.extract(title, doc_id=doc.doc_id, normalized=norm)  # + "Speaker: claim" headlines
        attrs = [replace(a, attribution_id=a.attribution_id + n_body_attrs)
                 for a in en.extractor.headline_colon(title, found, doc_id=doc.doc_id, normalized=norm)]
        if hits and attrs:
            hits = assign_voice(hits, attrs)
    return hits, attrs, len(WORD_RE_EN.findall(norm.text))


def _term_counts(tokens: list[str], term_of: dict[str, str | None], learn,
                 distinct: set[str] | None = None) -> dict[str, int]:
    """The distinguishing-terms counts of a document's tokens: each token as the term it counts
    as (``term_of``, filled by ``learn`` for tokens not met before), stop words and the like
    (``None``) left out; terms in the order of their first token.

    Every step runs at C speed (set difference, ``map`` of a dict lookup, ``Counter``) but the
    ``learn`` of a token met for the first time in the run. ``distinct``, when given, is
    ``set(tokens)`` already built (:meth:`~framing.normalize.Normalized.distinct_words`).
    """
    new = (set(tokens) if distinct is None else distinct).difference(term_of)
    for tok in new:
        learn(tok)
    if new and not term_of.keys() >= new:  # the memory of terms is full: the new ones apart
        extra = {tok: learn(tok) for tok in new}
        counts = Counter(extra[t] if t in extra else term_of[t] for t in tokens)
    else:
        counts = Counter(map(term_of.__getitem__, tokens))
    counts.pop(None, None)
    return dict(counts)


def analyze_document(doc: Document, ctx: RunContext) -> DocumentResult:
    """Analyse one document completely (normalizing its text, and its title, exactly once).

    The title (unless ``ctx.spec.titles`` is off) is analysed like the body: its hits and
    attributions carry ``field = "title"`` and offsets into the title; body rows carry
    ``field = "text"`` and offsets into the text, as without a title."""
    from framing.scoring import hit_counts

    text = doc.masked_text
    english = doc.language == "en"  # framing.language decided it; every other language reads as Arabic
    if english:
        from framing.english import WORD_RE_EN, normalize_en

        normalized = normalize_en(text)
        tokens = WORD_RE_EN.findall(normalized.text)
        matcher, extractor = ctx.english.matcher, ctx.english.extractor if ctx.extractor is not None else None
    else:
        normalized = _normalize.normalize_with_offsets(text)
        tokens = normalized.pieces()[1::2]  # the words (WORD_RE); the split is the matcher's too
        matcher, extractor = ctx.matcher, ctx.extractor
    hits = matcher.find(text, doc_id=doc.doc_id, normalized=normalized)
    attrs = []
    if extractor is not None:
        from framing.attribution import assign_voice

        attrs = extractor.extract(text, doc_id=doc.doc_id, normalized=normalized)
        if hits and attrs:
            hits = assign_voice(hits, attrs)
    title_hits, title_attrs, title_tokens = _analyze_title(doc, ctx, len(attrs))
    excluded_rows = [{"doc_id": doc.doc_id, "outlet": doc.outlet, "start": span.start, "end": span.end,
                      "reason": span.reason, "text": doc.text[span.start:span.end][:300]}
                     for span in doc.excluded if span.reason != "html"]  # markup tags are counted, not listed
    hit_rows = []
    evidence: list[tuple[str, dict]] = []
    per_actor: Counter = Counter()
    seen: set[tuple[str, str]] = set()
    title = doc.title or ""
    for fld, field_hits in (("title", title_hits), ("text", hits)):
        for h in field_hits:
            if fld == "title":  # the evidence sentence of a title hit is the whole title
                s_start, s_end, sentence = 0, len(title), title
            else:  # the masked text: markup (an inline <script>) is blanked in the evidence, offsets unchanged
                s_start, s_end = h.sentence_start, h.sentence_end
                sentence = text[s_start:s_end]
            hit_rows.append({"doc_id": h.doc_id, "outlet": doc.outlet, "field": fld, "lexicon": h.lexicon,
                             "entry_id": h.entry_id, "actor": h.actor, "category": h.category, "term": h.term,
                             "matched": h.matched, "start": h.start, "end": h.end, "stance": h.stance,
                             "voice": h.voice, "speaker": h.speaker, "source_type": h.source_type,
                             "attribution_id": h.attribution_id, "sentence_start": s_start,
                             "sentence_end": s_end, "sentence": sentence})
            if h.actor and h.voice == "authorial" and per_actor[h.actor] < EVIDENCE_PER_CELL:
                key = (h.actor, sentence)
                if key not in seen:
                    seen.add(key)
                    per_actor[h.actor] += 1
                    evidence.append((h.actor, {"doc_id": h.doc_id, "field": fld, "term": h.term,
                                               "matched": h.matched, "start": h.start, "end": h.end,
                                               "sentence": sentence, "stance": h.stance}))
    all_hits = [*title_hits, *hits]
    attr_rows = []
    for fld, field_attrs in (("text", attrs), ("title", title_attrs)):
        for a in field_attrs:
            row = dict(zip(_ATTRIBUTION_FIELDS, _attribution_values(a), strict=True))
            row["outlet"] = doc.outlet
            row["field"] = fld
            attr_rows.append(row)
    terms = (_term_counts(tokens, ctx.english.term_of, ctx.english.learn_term) if english
             else _term_counts(tokens, ctx.term_of, ctx.learn_term, normalized.distinct_words()))
    units = None
    if ctx.spec.topics and not english:  # the topic model reads Arabic words only (framing.topics)
        from framing.topics import document_units

        units = list(document_units(text))  # offsets only: the main process cuts the texts from its spill
    event = None
    if ctx.featurizer is not None and english:
        event = ctx.english.event(doc, text, normalized)
    elif ctx.featurizer is not None:
        event = ctx.featurizer.features(doc, masked=text, normalized=normalized, tokens=tokens)
    return DocumentResult(
        doc_id=doc.doc_id, outlet=doc.outlet, date=doc.date, title=doc.title, source=doc.source,
        language=doc.language, chars=len(doc.text), bytes=len(doc.text.encode("utf-8")), excluded_chars=sum(s.end - s.start for s in doc.excluded), tokens=len(tokens) + title_tokens,
        hits=sum(h.voice == "authorial" for h in all_hits),
        hits_reported=sum(h.voice == "reported" for h in all_hits),
        attributions=len(attrs) + len(title_attrs),
        counts=hit_counts(all_hits, actors=ctx.actors, categories=ctx.categories),
        hit_rows=hit_rows, attribution_rows=attr_rows, excluded_rows=excluded_rows,
        excluded_reasons=tuple(span.reason for span in doc.excluded), evidence=evidence, term_counts=terms,
        event=event, units=units, packed=zlib.compress(text.encode("utf-8"), 1),
    )


def analyze_safely(doc: Document, ctx: RunContext) -> DocumentResult:
    """:func:`analyze_document`, turning an exception into a result with ``error`` set
    (the document is then listed as a problem instead of stopping the run)."""
    try:
        return analyze_document(doc, ctx)
    except Exception as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        return DocumentResult(doc_id=doc.doc_id, outlet=doc.outlet, date=doc.date, title=doc.title,
                              source=doc.source, error=f"{type(exc).__name__}: {detail}".rstrip(": "))


def analyze_batch(docs: Iterable[Document], spec: RunSpec) -> list[DocumentResult]:
    """Analyse a batch of documents in this process."""
    ctx = context_for(spec)
    return [analyze_safely(doc, ctx) for doc in docs]
