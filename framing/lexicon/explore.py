"""Looking at lexicons and at a corpus through them: list, show, kwic, entry statistics, suggestions.

* :func:`lexicon_table`, :func:`show_lexicon` — what the lexicons hold;
* :func:`kwic` — a term in context, matched exactly as scoring matches it;
* :func:`entry_stats` — hits per entry: dead and over-broad entries (``framing lexicon test``);
* :func:`suggest_terms` — candidate terms: log-odds with an informative Dirichlet prior per
  outlet, and co-occurrence with each actor's mentions.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framing.errors import ConfigError, LexiconError
from framing.lexicon.editing import (
    _contains,
    resolve_lexicon,
)
from framing.lexicon.matcher import Matcher
from framing.lexicon.model import (
    MATCH_MODES,
    RULE_FIELDS,
    Lexicon,
    _term_ok,
    lexicon_files,
    load_lexicon,
    term_words,
)
from framing.normalize import WORD_RE, normalize_ar, sentence_spans, surface_forms
from framing.records import Document

# =============================================================================================
# inspecting: list and show
# =============================================================================================


def read_entries(lexicon: Lexicon) -> list[dict[str, Any]]:
    """The entries of a loaded lexicon as rows ``lexicon, line, term, actor, category, stance,
    note, match, canonical, id``."""
    return [{"lexicon": lexicon.name, "line": e.line, "term": e.term, "actor": e.actor or "",
             "category": e.category, "stance": e.stance, "note": e.note, "match": e.match,
             "canonical": e.canonical, "id": e.id} for e in lexicon.entries]


def lexicon_table(lexicons: str | Path | Sequence[str | Path] | None = None, *, kind: str | None = None):
    """One row per lexicon file: ``name, kind, language, version, entries, categories, actors,
    path, sha256, description`` (a pandas DataFrame).

    >>> lexicon_table("tests/data/lexicons")[["name", "entries"]]  # doctest: +SKIP
    """
    import pandas as pd

    rows = []
    for f in lexicon_files(lexicons):
        lex = load_lexicon(f)
        if kind is not None and lex.kind != kind:
            continue
        rows.append({"name": lex.name, "kind": lex.kind, "language": lex.language, "version": lex.version,
                     "entries": len(lex.entries), "categories": len(lex.categories), "actors": len(lex.actors),
                     "path": str(f), "sha256": lex.sha256, "description": lex.description})
    columns = ["name", "kind", "language", "version", "entries", "categories", "actors", "path", "sha256",
               "description"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class ShownLexicon:
    """What ``framing lexicon show`` prints.

    ``counts``: one row per category and per actor declared (``group`` = category|actor,
    ``id``, ``description``, ``entries`` — after filtering, ``mean_stance``);
    ``entries``: the filtered entries (columns of :func:`read_entries`).
    """

    lexicon: Lexicon
    counts: Any
    entries: Any


def show_lexicon(lexicon: str | Path, *, lexicons: str | Path | None = None, category: str | None = None,
                 actor: str | None = None, term: str | None = None, stance_min: float | None = None,
                 stance_max: float | None = None) -> ShownLexicon:
    """A lexicon's metadata, counts per category and actor, and its entries, filtered.

    ``term`` keeps entries whose normalized term contains the normalized ``term``;
    ``actor="-"`` keeps entries without an actor.

    >>> shown = show_lexicon("mini", lexicons="tests/data/lexicons", actor="russia")  # doctest: +SKIP
    >>> list(shown.entries["term"])  # doctest: +SKIP
    ['الاحتلال الروسي', 'روسيا', 'الجانب الروسي']
    """
    import pandas as pd

    lex = load_lexicon(resolve_lexicon(lexicon, lexicons))
    for value, declared, what in ((category, lex.categories, "category"), (actor, lex.actors, "actor")):
        if value and value != "-" and value not in declared:
            raise LexiconError(f"unknown {what} {value!r} in lexicon {lex.name}", path=lex.path,
                               hint=f"use one of {sorted(declared)}")
    rows = read_entries(lex)
    if category:
        rows = [r for r in rows if r["category"] == category]
    if actor:
        rows = [r for r in rows if r["actor"] == ("" if actor == "-" else actor)]
    if term:
        key = " ".join(term_words(term, lex.language))
        rows = [r for r in rows if key in " ".join(term_words(r["term"], lex.language))]
    if stance_min is not None:
        rows = [r for r in rows if r["stance"] >= stance_min]
    if stance_max is not None:
        rows = [r for r in rows if r["stance"] <= stance_max]
    entries = pd.DataFrame(rows, columns=["lexicon", "line", "term", "actor", "category", "stance", "note",
                                          "match", "canonical", "id"])
    counts = []
    for group, declared, col in (("category", lex.categories, "category"), ("actor", lex.actors, "actor")):
        for key, desc in declared.items():
            sel = entries[entries[col] == key]
            counts.append({"group": group, "id": key, "description": desc, "entries": len(sel),
                           "mean_stance": float(sel["stance"].mean()) if len(sel) else float("nan")})
        if group == "actor":
            sel = entries[entries["actor"] == ""]
            if len(sel):
                counts.append({"group": "actor", "id": "-", "description": "(no actor)", "entries": len(sel),
                               "mean_stance": float(sel["stance"].mean())})
    return ShownLexicon(lex, pd.DataFrame(counts, columns=["group", "id", "description", "entries",
                                                           "mean_stance"]), entries)


# =============================================================================================
# looking at a corpus: documents, kwic, entry statistics
# =============================================================================================

CORPUS_FIELDS = ("text_field", "outlet_field", "date_field", "id_field")


def _unit(doc_id: str, seed: int) -> float:
    digest = hashlib.blake2b(f"{seed}\x00{doc_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def _documents(corpus: Any, *, limit: int | None = None, sample_docs: int | None = None, seed: int = 0,
               outlets: Sequence[str] | None = None, **fields: str) -> Iterator[Document]:
    """Documents of a corpus path (read with :func:`framing.corpus.load_corpus` and ``fields``),
    a loaded corpus, or an iterable of :class:`Document`. ``sample_docs`` keeps about that many
    documents, chosen by a seeded hash of their id (the same ones on every pass)."""
    if isinstance(corpus, (str, Path)):
        from framing.corpus import load_corpus

        unknown = set(fields) - set(CORPUS_FIELDS)
        if unknown:
            raise ConfigError(f"unknown corpus option(s) {sorted(unknown)}", hint=f"use {', '.join(CORPUS_FIELDS)}")
        corpus = load_corpus(corpus, **fields)
    elif not hasattr(corpus, "iter_documents"):
        corpus = list(corpus)
    share = 1.0
    if sample_docs is not None:
        if sample_docs <= 0:
            raise ConfigError(f"--sample-docs must be positive, not {sample_docs}")
        share = min(1.0, sample_docs / max(1, len(corpus)))
    wanted = set(outlets) if outlets else None
    docs = corpus.iter_documents() if hasattr(corpus, "iter_documents") else iter(corpus)
    n = 0
    seen: set[str] = set()
    for doc in docs:
        seen.add(doc.outlet)
        if wanted is not None and doc.outlet not in wanted:
            continue
        if share < 1.0 and _unit(doc.doc_id, seed) >= share:
            continue
        yield doc
        n += 1
        if limit is not None and n >= limit:
            break
    else:  # the whole corpus was read: an outlet asked for that it never names is a mistake
        if wanted is not None and (missing := sorted(wanted - seen)):
            raise ConfigError(f"outlet(s) {', '.join(map(repr, missing))} not in the corpus (outlets: "
                              f"{', '.join(sorted(seen)) or 'none'})", hint="give the names exactly as written")


def _lexicon_list(lexicons: Any, *, kind: str | None = None) -> list[Lexicon]:
    """Loaded lexicons from a folder/file/list of them, or Lexicon objects."""
    from framing.lexicon import load_lexicons

    if lexicons is None:
        out = load_lexicons(None)
    elif isinstance(lexicons, Lexicon):
        out = [lexicons]
    elif isinstance(lexicons, (str, Path)):
        out = load_lexicons(lexicons)
    else:
        items = list(lexicons)
        out = [x for x in items if isinstance(x, Lexicon)]
        paths = [x for x in items if not isinstance(x, Lexicon)]
        if paths:
            out += load_lexicons(paths)
    return [lx for lx in out if kind is None or lx.kind == kind]


_LATIN_RE = re.compile("[A-Za-z]")
_ARABIC_SCRIPT_RE = re.compile("[\u0600-\u06ff]")


def _term_language(term: str, like: Any = None) -> str:
    """The language of a term looked up on its own: its entry's, else English for Latin letters
    without Arabic ones, else Arabic."""
    if like is not None:
        return like.language
    return "en" if _LATIN_RE.search(term) and not _ARABIC_SCRIPT_RE.search(term) else "ar"


def _one_term_lexicon(term: str, match: str = "affix", like: Any = None) -> Lexicon:
    """A lexicon of the one term; ``like`` (an entry of the same words) lends its context rules
    (and its ``inflect``); an English term (:func:`_term_language`) gets the English rules."""
    language = _term_language(term, like)
    words = term_words(term, language)
    if not words or not _term_ok(term, language):
        raise LexiconError(f"term '{term}' can never match: it must be words separated by spaces",
                           hint="remove punctuation from the term")
    if match not in MATCH_MODES:
        raise ConfigError(f"match {match!r} is not one of {', '.join(MATCH_MODES)}")
    rules = {k: list(getattr(like, k)) for k in RULE_FIELDS if like is not None and getattr(like, k)}
    if like is not None and getattr(like, "inflect", ""):
        rules["inflect"] = like.inflect
    extra = {"language": "en"} if language == "en" else {}
    return Lexicon.from_entries("kwic", [{"term": term, "category": "kwic", "match": match, **rules}], **extra)


def _core(words: Sequence[str], match: str, forms: Iterable[str] | None = None) -> str:
    """The longest substring of the term's first word found in every form the matcher accepts
    for it (``forms``: those of the first word, default its Arabic ones): a cheap, exact
    prefilter (a document without it cannot match)."""
    forms = surface_forms(list(words), match)[0] if forms is None else list(forms)
    w = words[0]
    for size in range(len(w), 0, -1):
        for i in range(len(w) - size + 1):
            sub = w[i:i + size]
            if all(sub in f for f in forms):
                return sub
    return ""


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    left = re.sub(r"\s+", " ", text[max(0, start - width):start]).strip()
    right = re.sub(r"\s+", " ", text[end:end + width]).strip()
    return left, right


KWIC_COLUMNS = ["outlet", "doc_id", "date", "start", "end", "left", "match", "right", "term", "covered_by",
                "excluded"]


def kwic(term: str, corpus: Any, *, match: str = "affix", lexicons: Any = None, width: int = 50,
         sample: int | None = None, seed: int = 0, limit: int | None = None, sample_docs: int | None = None,
         outlets: Sequence[str] | None = None, **fields: str):
    """Keyword in context: every occurrence of ``term`` in a corpus, matched as scoring matches it.

    The term is matched with the same :class:`~framing.lexicon.Matcher` as in scoring (clitics,
    suffixes, normalization; ``match="exact"`` for the words alone) on each document's
    ``masked_text`` (boilerplate excluded). With ``lexicons``, ``covered_by`` names the entry
    that scoring counts instead of this occurrence (``lexicon:term``): a longer overlapping
    entry, or one of the same words written closer to the text, or the same term in an
    earlier lexicon (see :meth:`~framing.lexicon.Matcher.find`); and an entry of the lexicons
    with the term's words lends its ``match`` (unless ``match`` is given as other than
    ``affix``) and its context rules: the occurrences a rule removes are rows too, with
    ``excluded`` saying which rule (``excluded by rule not_followed_by: التقليدي``).
    ``sample`` keeps a seeded random sample of that many lines (reservoir sampling: bounded
    memory on any corpus). Returns a DataFrame with columns ``outlet, doc_id, date, start, end,
    left, match, right, term, covered_by`` (``start``/``end`` index the document text;
    ``match == text[start:end]``); ``.attrs`` holds ``hits``, ``documents``, ``per_outlet``
    (all occurrences, before sampling), ``excluded`` (occurrences a rule removed) and
    ``documents_read``.

    >>> rows = kwic("الإخوان", "corpus.jsonl.xz", outlet_field="source", sample=20)  # doctest: +SKIP
    """
    import random

    import pandas as pd

    full_lexs = _lexicon_list(lexicons) if lexicons is not None else []
    like = next((e for lx in full_lexs if lx.kind == "framing" for e in lx.entries
                 if e.words == term_words(term, lx.language)), None)
    if like is not None and match == "affix":
        match = like.match
    lex = _one_term_lexicon(term, match, like)
    entry = lex.entries[0]
    matcher = Matcher([lex])
    english = lex.language == "en"  # English: its rules, and only English lexicons score beside it
    if english:
        full_lexs = [lx for lx in full_lexs if lx.language == "en"]
    # scoring with the term added after the given lexicons: which entry counts where it occurs
    full = Matcher([*full_lexs, lex]) if lexicons is not None else None
    n_excluded = 0
    if english:
        from framing.english import ENGLISH, normalize_en

        core = _core(entry.words, entry.match, ENGLISH.forms(entry.words, entry)[0])
    else:
        core = _core(entry.words, entry.match)
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    total = 0
    docs_with: set[str] = set()
    per_outlet: Counter = Counter()
    read = 0
    for doc in _documents(corpus, limit=limit, sample_docs=sample_docs, seed=seed, outlets=outlets, **fields):
        read += 1
        text = doc.masked_text
        norm = normalize_en(text) if english else normalize_ar(text)
        if core and core not in (norm.text if english else norm):
            continue
        excluded: list = []
        hits = matcher.find(text, doc_id=doc.doc_id, normalized=norm, excluded=excluded)
        n_excluded += len(excluded)
        if not hits and not excluded:
            continue
        others = full.find(text, doc_id=doc.doc_id, normalized=norm) if full is not None and hits else []
        if hits:
            docs_with.add(doc.doc_id)
        for x in excluded:
            left, right = _context(doc.text, x.start, x.end, width)
            rows.append({"outlet": doc.outlet, "doc_id": doc.doc_id, "date": doc.date or "", "start": x.start,
                         "end": x.end, "left": left, "match": x.matched, "right": right, "term": entry.term,
                         "covered_by": "", "excluded": x.describe(), "_order": (read, x.start)})
        for h in hits:
            total += 1
            per_outlet[doc.outlet] += 1
            if sample is not None and len(rows) >= sample:
                k = rng.randrange(total)
                if k >= sample:
                    continue
                slot = k
            else:
                slot = None
            covered = ""
            for o in others:  # the hit scoring counts where this occurrence is
                if o.start < h.end and h.start < o.end and o.lexicon != lex.name and not (
                        (o.start, o.end) == (h.start, h.end) and term_words(o.term, lex.language) == entry.words):
                    covered = f"{o.lexicon}:{o.term}"
                    break
            left, right = _context(doc.text, h.start, h.end, width)
            row = {"outlet": doc.outlet, "doc_id": doc.doc_id, "date": doc.date or "", "start": h.start,
                   "end": h.end, "left": left, "match": h.matched, "right": right, "term": entry.term,
                   "covered_by": covered, "excluded": "", "_order": (read, h.start)}
            if slot is None:
                rows.append(row)
            else:
                rows[slot] = row
    rows.sort(key=lambda r: r["_order"])
    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "_order"} for r in rows], columns=KWIC_COLUMNS)
    frame.attrs.update(hits=total, documents=len(docs_with), per_outlet=dict(per_outlet.most_common()),
                       documents_read=read, excluded=n_excluded)
    return frame


def entry_stats(corpus: Any, lexicons: Any = None, *, broad: float = 0.2, kind: str | None = None,
                limit: int | None = None, sample_docs: int | None = None, seed: int = 0, **fields: str):
    """Per lexicon entry: hits, documents and outlets in a corpus — find dead and over-broad entries.

    Matching is the scoring matcher over all the given lexicons (within a lexicon the longest
    match wins, so an entry inside a longer one only counts where the longer one does not).
    Columns: ``lexicon, line, term, actor, category, stance, hits, documents, outlets,
    doc_share, status, top_forms`` and ``hits:<outlet>`` per outlet; ``status`` is ``dead``
    (no hit), ``broad`` (in more than ``broad`` of the documents of its language) or ``ok``;
    ``top_forms`` are the most frequent matched forms (normalized) with counts. Each document is
    matched by the lexicons of its language (``language: en`` lexicons with the English rules
    on English documents, the others on Arabic ones), and ``doc_share`` is a share of the
    documents of the entry's language. ``.attrs["documents"]`` is the number of documents read,
    ``.attrs["languages"]`` the documents per language. Rows in lexicon file order.

    >>> entry_stats("corpus.jsonl.xz", "my-lexicons", outlet_field="source")  # doctest: +SKIP
    """
    import pandas as pd

    lexs = _lexicon_list(lexicons, kind=kind)
    if not lexs:
        raise LexiconError("no lexicon to test", path=str(lexicons) if lexicons else None,
                           hint="pass --lexicons DIR with at least one .yaml lexicon")
    # each document is matched by the lexicons of its language, with that language's rules
    matchers = {lang: Matcher([lx for lx in lexs if _language_key(lx.language) == lang]) for lang in ("ar", "en")}
    hits: Counter = Counter()
    docs: dict[str, set[str]] = {}
    outlets_of: dict[str, set[str]] = {}
    by_outlet: dict[str, Counter] = {}
    forms: dict[str, Counter] = {}
    n_docs = 0
    n_lang: Counter = Counter()
    all_outlets: set[str] = set()
    for doc in _documents(corpus, limit=limit, sample_docs=sample_docs, seed=seed, **fields):
        n_docs += 1
        lang = _language_key(doc.language)
        n_lang[lang] += 1
        all_outlets.add(doc.outlet)
        matcher = matchers[lang]
        if not matcher.lexicons:
            continue
        for h in matcher.find(doc.masked_text, doc_id=doc.doc_id):
            key = h.entry_id
            hits[key] += 1
            docs.setdefault(key, set()).add(doc.doc_id)
            outlets_of.setdefault(key, set()).add(doc.outlet)
            by_outlet.setdefault(key, Counter())[doc.outlet] += 1
            forms.setdefault(key, Counter())[_folded(h.matched, lang)] += 1
    outlet_names = sorted(all_outlets)
    rows = []
    for lex in lexs:
        of_language = n_lang[_language_key(lex.language)]  # shares among the documents of its language
        for e in lex.entries:
            n = hits.get(e.id, 0)
            nd = len(docs.get(e.id, ()))
            share = nd / of_language if of_language else 0.0
            status = "dead" if n == 0 else ("broad" if share > broad else "ok")
            top = ", ".join(f"{f} ({c})" for f, c in forms.get(e.id, Counter()).most_common(3))
            row = {"lexicon": lex.name, "line": e.line, "term": e.term, "actor": e.actor or "",
                   "category": e.category, "stance": e.stance, "hits": n, "documents": nd,
                   "outlets": len(outlets_of.get(e.id, ())), "doc_share": share, "status": status,
                   "top_forms": top}
            for o in outlet_names:
                row[f"hits:{o}"] = by_outlet.get(e.id, Counter()).get(o, 0)
            rows.append(row)
    columns = ["lexicon", "line", "term", "actor", "category", "stance", "hits", "documents", "outlets",
               "doc_share", "status", "top_forms"] + [f"hits:{o}" for o in outlet_names]
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs.update(documents=n_docs, outlets=outlet_names, languages=dict(sorted(n_lang.items())))
    return frame


def _suggest_language(language: str | None, into: str | None, lexicons: Any) -> str:
    """The language suggestions are for: ``language`` if given, else the ``into`` lexicon's
    (when it exists), else Arabic."""
    if language is not None:
        if language not in ("ar", "en"):
            raise ConfigError(f"language {language!r} is not one of ar, en", hint="use --language ar or --language en")
        return language
    if into:
        where = lexicons if isinstance(lexicons, (str, Path)) else None
        try:
            return _language_key(load_lexicon(resolve_lexicon(into, where)).language)
        except LexiconError:  # a lexicon to be created: Arabic unless told
            return "ar"
    return "ar"


def _language_key(language: str | None) -> str:
    """``en`` for English, ``ar`` for everything else (the analysis reads other languages as Arabic)."""
    return "en" if language == "en" else "ar"


def _folded(matched: str, language: str) -> str:
    """A matched form as counted: normalized by the rules of its language."""
    if language == "en":
        from framing.english import normalize_en

        return normalize_en(matched).text
    return normalize_ar(matched)


# =============================================================================================
# suggesting terms
# =============================================================================================

_AR_WORD = re.compile("^[\u0621-\u064a]{2,}$")

SUGGEST_COLUMNS = ["source", "group", "rank", "term", "count", "count_rest", "z", "log_odds", "documents",
                   "per_outlet", "contains_entry", "example_outlet", "example_doc", "example", "command"]


class _Counts:
    """Per-key counters with a total budget of distinct keys: when the budget is exceeded, keys
    counted at most ``floor`` times are dropped everywhere and ``floor`` grows (lossy counting).
    Counts of frequent terms are exact until the first prune and underestimated by at most
    ``dropped_max`` after; rare n-grams are forgotten first."""

    def __init__(self, max_terms: int):
        self.max_terms = max_terms
        self.counters: dict[str, Counter] = {}
        self.floor = 0
        self.prunes = 0

    def __getitem__(self, key: str) -> Counter:
        c = self.counters.get(key)
        if c is None:
            c = self.counters[key] = Counter()
        return c

    def size(self) -> int:
        return sum(len(c) for c in self.counters.values())

    def maybe_prune(self) -> None:
        if self.size() <= self.max_terms:
            return
        while self.size() > self.max_terms // 2:
            self.floor += 1
            for key, c in self.counters.items():
                self.counters[key] = Counter({k: v for k, v in c.items() if v > self.floor})
        self.prunes += 1


#: an English word of a suggestion: two or more Latin letters (an inner or possessive apostrophe kept)
_EN_WORD = re.compile("^[a-z]{2,}(?:'[a-z]+)*'?$")


def _grams(tokens: list[str], stop: frozenset[str], n_max: int, word_re: re.Pattern = _AR_WORD) -> set[str]:
    """Words and n-grams (n ≤ ``n_max``) of one sentence's normalized tokens: words of
    ``word_re`` only (Arabic words by default), neither first nor last word a stop word."""
    out: set[str] = set()
    run: list[str] = []
    for tok in [*tokens, ""]:
        if tok and word_re.match(tok):
            run.append(tok)
            continue
        if run:
            edge = [w not in stop for w in run]
            L = len(run)
            for i in range(L):
                if not edge[i]:
                    continue
                out.add(run[i])
                for n in range(2, n_max + 1):
                    j = i + n - 1
                    if j >= L:
                        break
                    if edge[j]:
                        out.add(" ".join(run[i:j + 1]))
            run = []
    return out


_REST = "\x00rest"  # pseudo-term holding the counts of every term left out of the vocabulary


def _aligned(total: Counter, counters: dict[str, Counter], names: Sequence[str], min_count: int):
    """Per group, (counts of the group, counts of all the others) as Series on one shared index.

    Only terms counted at least ``min_count`` times overall are kept; the others are pooled into
    one pseudo-term so that the group totals (and so every kept term's log-odds) stay exact.
    """
    import numpy as np
    import pandas as pd

    vocab = [k for k, v in total.items() if v >= min_count]
    index = pd.Index([*vocab, _REST], dtype=object)
    tot = np.fromiter((total[k] for k in vocab), dtype=float, count=len(vocab))
    tot_all = float(sum(total.values()))
    for name in names:
        c = counters[name]
        a = np.fromiter((c.get(k, 0) for k in vocab), dtype=float, count=len(vocab))
        a_all = float(sum(c.values()))
        if not (a >= min_count).any():
            continue
        b = tot - a
        a_rest = a_all - a.sum()
        b_rest = (tot_all - a_all) - b.sum()
        yield name, (pd.Series(np.append(a, max(a_rest, 0.0)), index=index),
                     pd.Series(np.append(b, max(b_rest, 0.0)), index=index))


def _close(a: int, b: int) -> bool:
    return min(a, b) >= 0.8 * max(a, b)


def _place(words: tuple[str, ...], count: int, accepted: list[tuple[tuple[str, ...], int, Any]], row: Any,
           language: str = "ar") -> None:
    """Add a candidate unless it adds nothing to the accepted ones.

    A clitic form of an accepted term, or a part of an accepted phrase about as frequent (80%),
    is dropped; a phrase that contains accepted terms about as frequent replaces them (the
    longer label is the better entry: جبهة الإنقاذ rather than الإنقاذ).
    """
    inside = []
    for k, (other, n, _) in enumerate(accepted):
        if len(other) == len(words) and (_contains(words, other, language=language)
                                         or _contains(other, words, language=language)):
            return
        if len(other) > len(words) and _contains(other, words, language=language) and _close(count, n):
            return
        if len(other) < len(words) and _contains(words, other, language=language) and _close(count, n):
            inside.append(k)
    if inside:
        accepted[inside[0]] = (words, count, row)
        for k in reversed(inside[1:]):
            del accepted[k]
    else:
        accepted.append((words, count, row))


def suggest_terms(
    corpus: Any,
    lexicons: Any = None,
    *,
    by: Sequence[str] = ("outlet", "actor"),
    top_n: int = 15,
    ngram_max: int = 3,
    min_count: int = 10,
    z_min: float = 1.96,
    alpha0: float | None = None,
    stopwords: str | Path | Iterable[str] | None = None,
    into: str | None = None,
    actors: Sequence[str] | None = None,
    examples: bool = True,
    width: int = 40,
    max_terms: int = 3_000_000,
    limit: int | None = None,
    sample_docs: int | None = None,
    seed: int = 0,
    language: str | None = None,
    **fields: str,
):
    """Candidate terms that no lexicon has yet, each ready to add with one command.

    ``language`` (``ar`` or ``en``; default: the language of the ``into`` lexicon when it
    exists, else ``ar``) chooses the documents counted (those of that language), the rules
    (Arabic clitics and suffixes, or English case folding and inflection), the stop words
    (``stopwords-ar.txt`` or ``stopwords-en.txt``) and the lexicons a candidate is checked
    against (those of that language).

    Two sources (``by``):

    * ``outlet`` — the words and 2–3 word phrases that most distinguish each outlet from all
      the others: log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
      Quinn 2008; :class:`framing.compare.LogOddsDirichlet`) on *document* frequencies of
      normalized n-grams (an article repeating a word counts once).
    * ``actor`` — the n-grams that co-occur with an actor's mentions: the same statistic on
      sentence frequencies, sentences with a hit of the actor vs all other sentences. The
      words of the hits themselves are blanked out of their sentence first, and n-grams
      containing one of the actor's own entries are left out.

    N-grams never cross a sentence boundary or a token not of the language, and do not begin or end
    with a stop word. A candidate that any lexicon already matches as a whole (as written or
    through clitics/suffixes) is left out; one that only contains an entry says which in
    ``contains_entry``. Counting is bounded in memory (``max_terms`` distinct n-grams; rare
    ones are pruned first, see ``.attrs["pruned_below"]``).

    Columns: ``source`` (outlet|actor), ``group`` (the outlet or actor), ``rank``, ``term``
    (normalized), ``count`` (documents — or sentences for actors — of the group containing
    it), ``count_rest``, ``z``, ``log_odds``, ``documents`` (in the whole corpus),
    ``per_outlet`` ("outlet:documents, ..." most first), ``contains_entry``,
    ``example_outlet``, ``example_doc``, ``example`` (a KWIC line with the match in [brackets])
    and ``command`` (``framing lexicon add ...``; placeholders in <angle brackets>).

    >>> suggest_terms("corpus.jsonl.xz", "my-lexicons", outlet_field="source",
    ...               sample_docs=20000, into="egypt")  # doctest: +SKIP
    """
    import pandas as pd

    from framing.compare import LogOddsDirichlet
    from framing.lexicon import load_stopwords

    unknown = set(by) - {"outlet", "actor"}
    if unknown or not by:
        raise ConfigError(f"unknown suggestion source(s) {sorted(unknown) or by}", hint="use outlet and/or actor")
    if not 1 <= ngram_max <= 5:
        raise ConfigError(f"ngram_max must be between 1 and 5, not {ngram_max}")
    language = _suggest_language(language, into, lexicons)
    english = language == "en"
    if english:
        from framing.english import load_stopwords_en, normalize_en, sentence_spans_en
        from framing.english import tokens as en_tokens

        if stopwords is None or isinstance(stopwords, (str, Path)):
            stop = load_stopwords_en(stopwords)
        else:
            stop = frozenset(w for x in stopwords for w in en_tokens(normalize_en(x).text))

        def sentence_grams(piece: str) -> set[str]:
            return _grams(en_tokens(normalize_en(piece).text), stop, ngram_max, _EN_WORD)

        spans_of = sentence_spans_en
    else:
        if stopwords is None or isinstance(stopwords, (str, Path)):
            stop = load_stopwords(stopwords)
        else:
            stop = frozenset(normalize_ar(w) for w in stopwords)

        def sentence_grams(piece: str) -> set[str]:
            return _grams(WORD_RE.findall(normalize_ar(piece)), stop, ngram_max)

        spans_of = sentence_spans
    lexs = _lexicon_list(lexicons) if lexicons is not None or "actor" in by else []
    lexs = [lx for lx in lexs if _language_key(lx.language) == language]
    framing_lexs = [lx for lx in lexs if lx.kind == "framing"]
    matcher = Matcher(lexs) if lexs else None
    actor_matcher = Matcher(framing_lexs) if framing_lexs else None
    if "actor" in by and actor_matcher is None:
        raise LexiconError(f"suggestions by actor need a framing lexicon with actors (of language {language})",
                           hint="pass --lexicons DIR, or use --by outlet")
    actor_set = set(actors) if actors else None
    known_actors = {e.actor for lx in framing_lexs for e in lx.entries if e.actor}
    if actor_set and actor_set - known_actors:
        raise LexiconError(f"no entries for actor(s) {sorted(actor_set - known_actors)}",
                           hint=f"actors with entries: {sorted(known_actors)}")
    outlet_counts = _Counts(max_terms)
    sentence_counts = _Counts(max_terms)
    n_docs = 0
    n_sent: Counter = Counter()
    outlet_docs: Counter = Counter()
    want_actor = "actor" in by
    n_other = 0
    for doc in _documents(corpus, limit=limit, sample_docs=sample_docs, seed=seed, **fields):
        if _language_key(doc.language) != language:
            n_other += 1
            continue
        n_docs += 1
        outlet_docs[doc.outlet] += 1
        text = doc.masked_text
        sent_hits: dict[int, list[Any]] = {}
        if want_actor:
            for h in actor_matcher.find(text, doc_id=doc.doc_id):
                if h.actor:
                    sent_hits.setdefault(h.sentence_start, []).append(h)
        doc_grams: set[str] = set()
        for s, e in spans_of(text):
            grams = sentence_grams(text[s:e])
            doc_grams |= grams
            if want_actor:
                hs = sent_hits.get(s)
                if hs:  # the actors' own words are not their context: blank them (and break n-grams there)
                    pieces, pos = [], s
                    for h in hs:
                        pieces.append(text[pos:h.start])
                        pieces.append(" 0 ")  # a non-Arabic token: n-grams stop here
                        pos = h.end
                    pieces.append(text[pos:e])
                    grams = sentence_grams("".join(pieces))
                sentence_counts["*"].update(grams)
                n_sent["*"] += 1
                for a in {h.actor for h in hs or ()}:
                    if actor_set is None or a in actor_set:
                        sentence_counts[a].update(grams)
                        n_sent[a] += 1
        outlet_counts[doc.outlet].update(doc_grams)
        if n_docs % 500 == 0:
            outlet_counts.maybe_prune()
            sentence_counts.maybe_prune()
    if n_docs == 0:
        if n_other:
            raise ConfigError(f"no documents in {language} to count ({n_other} of other languages)",
                              hint="pass --language for the language of the corpus, or --into a lexicon of it")
        raise ConfigError("no documents to count", hint="check --limit, --sample-docs and the corpus")
    total: Counter = Counter()
    for c in outlet_counts.counters.values():
        total.update(c)
    strategy = LogOddsDirichlet(alpha0=alpha0)
    actor_entries: dict[str, list[tuple[str, ...]]] = {}
    for lx in framing_lexs:
        for e in lx.entries:
            if e.actor:
                actor_entries.setdefault(e.actor, []).append(e.words)
    category_of_actor: dict[str, str] = {}
    for lx in framing_lexs:
        for actor in known_actors:
            cats = Counter(e.category for e in lx.entries if e.actor == actor)
            if cats and actor not in category_of_actor:
                category_of_actor[actor] = cats.most_common(1)[0][0]
    seen_verdict: dict[str, tuple[bool, str]] = {}

    def verdict(term: str) -> tuple[bool, str]:
        """(already matched as a whole by a lexicon, lexicon terms it contains)."""
        if term not in seen_verdict:
            found = matcher.find(term) if matcher is not None else []
            whole = any(h.start == 0 and h.end == len(term) for h in found)
            if english and not whole and matcher is not None:  # a name entry needs its capitals
                found += matcher.find(term.title())
                whole = any(h.start == 0 and h.end == len(term) for h in found)
            seen_verdict[term] = (whole, "; ".join(dict.fromkeys(f"{h.lexicon}:{h.term}" for h in found)))
        return seen_verdict[term]

    groups: list[tuple[str, str, Any, Any]] = []  # (source, group, counts of the group, counts of the rest)
    if "outlet" in by:
        groups += [("outlet", o, *pair) for o, pair in
                   _aligned(total, outlet_counts.counters, sorted(outlet_counts.counters), min_count)]
    if want_actor:
        everything = sentence_counts.counters.get("*", Counter())
        names = sorted(k for k in sentence_counts.counters if k != "*")
        groups += [("actor", a, *pair) for a, pair in _aligned(everything, sentence_counts.counters, names,
                                                                min_count)]
    rows = []
    for source, group, sa, sb in groups:
        scored = strategy.score(sa, sb).drop(index=_REST, errors="ignore")
        scored = scored[(scored["count"] >= min_count) & (scored["z"] >= z_min)]
        scored = scored.assign(term=scored.index).sort_values(["z", "term"], ascending=[False, True])
        own = actor_entries.get(group, []) if source == "actor" else []
        accepted: list[tuple[tuple[str, ...], int, Any]] = []
        for term, r in scored.iterrows():
            whole, contains = verdict(term)
            if whole:
                continue
            words = tuple(term.split())
            if own and any(_contains(words, w, language=language) for w in own):
                continue
            _place(words, int(r["count"]), accepted, (term, r, contains), language)
            if len(accepted) >= top_n:
                break
        for rank, (_, _, (term, r, contains)) in enumerate(accepted, start=1):
            per = Counter({o: c.get(term, 0) for o, c in outlet_counts.counters.items()})
            rows.append({"source": source, "group": group, "rank": rank, "term": term,
                         "count": int(r["count"]), "count_rest": int(r["count_rest"]), "z": float(r["z"]),
                         "log_odds": float(r["log_odds"]), "documents": int(total.get(term, 0)),
                         "per_outlet": ", ".join(f"{o}:{c}" for o, c in per.most_common() if c),
                         "contains_entry": contains, "example_outlet": "", "example_doc": "", "example": "",
                         "_actor": group if source == "actor" else None})
    if examples and rows:
        _add_examples(rows, corpus, actor_matcher if want_actor else None, width=width, language=language,
                      limit=limit, sample_docs=sample_docs, seed=seed, **fields)
    for row in rows:
        surface = row.pop("_surface", None) or row["term"]
        actor = row.pop("_actor")
        parts = ["framing", "lexicon", "add", into or "<lexicon>", shlex.quote(surface)]
        if actor:
            parts += ["--actor", actor, "--category", category_of_actor.get(actor, "<category>")]
        else:
            parts += ["--actor", "<actor>", "--category", "<category>"]
        parts += ["--stance", "<-1..1>"]
        row["command"] = " ".join(parts)
    frame = pd.DataFrame(rows, columns=SUGGEST_COLUMNS)
    frame.attrs.update(documents=n_docs, language=language, other_language_documents=n_other,
                       outlet_documents=dict(sorted(outlet_docs.items())),
                       sentences=dict(n_sent), pruned_below=outlet_counts.floor, statistic=strategy.name)
    return frame


def _add_examples(rows: list[dict[str, Any]], corpus: Any, actor_matcher: Matcher | None, *, width: int,
                  language: str = "ar", **select: Any) -> None:
    """One KWIC example per suggestion, in one more pass: from its outlet, or in a sentence that
    mentions its actor, where there is one (documents of ``language`` only)."""
    extra = {"language": "en"} if language == "en" else {}
    lexs = [Lexicon.from_entries(f"s{i}", [{"term": r["term"], "category": "s", "match": "exact"}], **extra)
            for i, r in enumerate(rows)]
    matcher = Matcher(lexs)
    want = {f"s{i}": (r["source"], r["group"]) for i, r in enumerate(rows)}
    found: dict[str, tuple[bool, str, str, str, str]] = {}
    for doc in _documents(corpus, **select):
        if _language_key(doc.language) != language:
            continue
        text = doc.masked_text
        hits = matcher.find(text, doc_id=doc.doc_id)
        if not hits:
            continue
        actor_sentences: dict[str, set[int]] | None = None
        for h in hits:
            source, group = want[h.lexicon]
            if h.lexicon in found and found[h.lexicon][0]:
                continue
            if source == "outlet":
                preferred = group == doc.outlet
            else:
                if actor_sentences is None:
                    actor_sentences = {}
                    for a in actor_matcher.find(text, doc_id=doc.doc_id) if actor_matcher is not None else ():
                        actor_sentences.setdefault(a.actor or "", set()).add(a.sentence_start)
                preferred = h.sentence_start in actor_sentences.get(group, ())
            if h.lexicon in found and not preferred:
                continue
            left, right = _context(text, h.start, h.end, width)
            if language == "en":  # as written (a name keeps its capitals), but not a sentence's capital
                words = h.matched.split()
                if (h.start == h.sentence_start and words[0][1:].islower()
                        and not any(w[:1].isupper() for w in words[1:])):
                    words[0] = words[0][:1].lower() + words[0][1:]
            else:
                words = WORD_RE.findall(normalize_ar(h.matched, alef=False, alef_maksura=False, teh_marbuta=False))
            found[h.lexicon] = (preferred, doc.outlet, doc.doc_id, f"{left} [{h.matched}] {right}", " ".join(words))
        if len(found) == len(rows) and all(v[0] for v in found.values()):
            break
    for i, r in enumerate(rows):
        got = found.get(f"s{i}")
        if got:
            _, r["example_outlet"], r["example_doc"], r["example"], r["_surface"] = got


