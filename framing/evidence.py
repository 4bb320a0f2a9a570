"""Term evidence: the sentences behind each distinguishing term, cut from the spilled texts of
the map (:class:`framing.reduce.TextSpill`), and the written form a normalized term shows most.

No document is normalized again: words are cut from the original (masked) text and each distinct
written word is normalized once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from framing.normalize import (
    WORD_RE,
    _map_plain,
    article_clitic_variants,
    fold_article_clitics,
    normalize_ar,
    sentence_ends,
    sentence_of,
)
from framing.records import TERM_EVIDENCE_SCHEMA, column_names

__all__ = ["raw_word_re", "term_evidence_from_texts", "with_display_forms"]

TERM_EVIDENCE_COLUMNS = column_names(TERM_EVIDENCE_SCHEMA)


def term_evidence_from_texts(documents, terms: pd.DataFrame, *, per_term: int = 5) -> pd.DataFrame:
    """Sentences behind each distinguishing term: the first ``per_term`` occurrences of each
    (outlet, term) in that outlet's documents, with offsets into the original text.

    ``documents`` yields ``(doc_id, outlet, text_loader)`` in corpus order; a text is unpacked
    only for outlets still short of evidence. A word is cut from the original (masked) text
    with the characters normalization deletes (diacritics, tatweel, invisible marks) kept
    inside it (:func:`raw_word_re`). Stops as soon as every term has its evidence.

    Each unpacked text is normalized once, as a whole, and its set of words says at C speed
    whether it holds a pending term at all (most texts hold none and are skipped); only the
    occurrences of the terms it holds are then placed (:func:`_occurrences`). Texts whose
    normalization is not character by character (presentation forms, combining hamza) and
    outlets with English terms go word by word instead (:func:`_scan_words`): the same rows.
    """
    from framing.normalize import _SLOW_RE

    pending: dict[str, dict[str, str]] = {}  # outlet → {normalized variant: term}, for terms still short
    english: set[str] = set()  # outlets with English terms: their words are also looked up lower-cased
    languages = terms.get("language", [""] * len(terms))
    for outlet, term, language in zip(terms.get("outlet", []), terms.get("term", []), languages, strict=True):
        variants = pending.setdefault(outlet, {})
        if language == "en":  # an English term is a folded word (framing.english): "\0" keys it apart
            english.add(outlet)
            variants.setdefault("\0" + term, term)
            continue
        for v in article_clitic_variants(term):
            variants.setdefault(v, term)
    found = _Found(per_term)
    scan = _WordScan()
    cores = {outlet: _Cores(variants) for outlet, variants in pending.items()}
    for doc_id, outlet, load in documents:
        variants = pending.get(outlet)
        if not variants:
            if not any(pending.values()):
                break
            continue
        text = load()
        if outlet in english or _SLOW_RE.search(text):
            scan(found, doc_id, outlet, text, variants, english=outlet in english)
            continue
        ends = None
        for start, end, norm in _occurrences(text, variants, cores[outlet]):
            term = variants.get(norm)  # None once the term has its evidence (earlier in this text)
            if term is None:
                continue
            if ends is None:
                ends = sentence_ends(text)
            if found.add(outlet, term, doc_id, text, start, end, ends):
                _drop(variants, term)
                cores[outlet].drop(term)
                if not variants:
                    break
    return pd.DataFrame(found.rows, columns=TERM_EVIDENCE_COLUMNS)


class _Found:
    """The evidence rows found so far and how many each (outlet, term) has."""

    def __init__(self, per_term: int):
        self.per_term = per_term
        self.counts: dict[tuple[str, str], int] = {}
        self.rows: list[dict] = []

    def add(self, outlet: str, term: str, doc_id, text: str, start: int, end: int, ends: list[int]) -> bool:
        """Record the occurrence ``text[start:end]`` of ``term``; ``True`` when the term now has its evidence."""
        s_start, s_end = sentence_of(text, start, ends)
        key = (outlet, term)
        n = self.counts[key] = self.counts.get(key, 0) + 1
        self.rows.append({"outlet": outlet, "term": term, "doc_id": doc_id, "start": start, "end": end,
                          "matched": text[start:end], "sentence_start": s_start, "sentence_end": s_end,
                          "sentence": text[s_start:s_end]})
        return n >= self.per_term


def _drop(variants: dict[str, str], term: str) -> None:
    for v in [v for v, t in variants.items() if t == term]:
        del variants[v]


class _Cores:
    """Strings at least one of which every pending variant of an outlet contains (of a term
    with the article, ``الجيش``: ``جيش``, in all its variants ``والجيش``, ``للجيش`` …): a text
    holding none of them holds no pending term, told by a few substring searches."""

    def __init__(self, variants: Mapping[str, str]):
        by_term: dict[str, set[str]] = {}
        for v, term in variants.items():
            by_term.setdefault(term, set()).add(v)
        self.of_term: dict[str, set[str]] = {}
        for term, forms in by_term.items():
            rest = term[2:] if term.startswith("ال") else term
            self.of_term[term] = {rest} if rest and all(rest in v for v in forms) else forms
        self._update()

    def _update(self) -> None:
        self.strings = sorted(set().union(*self.of_term.values()), key=lambda c: (-len(c), c))

    def drop(self, term: str) -> None:
        if self.of_term.pop(term, None) is not None:
            self._update()

    def any_in(self, text: str) -> bool:
        return any(c in text for c in self.strings)


def _occurrences(text: str, variants: Mapping[str, str], cores: _Cores) -> list[tuple[int, int, str]]:
    """``(start, end, normalized word)`` of the words of ``text`` whose normalization is one of
    ``variants`` (``cores``: theirs), in text order, spans as :func:`raw_word_re` cuts the
    original words.

    Only for a text that normalizes character by character (no presentation form, no combining
    hamza or madda): there the normalized words are the original words normalized one by one,
    each a maximal run of word characters, so a word of the original starts right after the
    character that became the non-word character before it and ends at the one after it.
    """
    ntext, starts = _map_plain(text, _ALL_FOLDS)  # normalize_with_offsets(text), its _SLOW_RE test already made
    if not cores.any_in(ntext):
        return []
    present = variants.keys() & set(WORD_RE.findall(ntext))
    if not present:
        return []
    # the words of ntext that are present: only those, found by one pattern (a whole word: no word
    # character on either side), in text order as a walk over all its words would give them
    out = []
    n = len(ntext)
    for m in _words_pattern(present).finditer(ntext):
        a, b = m.span()
        out.append((int(starts[a - 1]) + 1 if a else 0, int(starts[b]) if b < n else len(text), m.group()))
    return out


#: the options of :func:`normalize_with_offsets` by default (alef, alef maksura, teh marbuta, diacritics)
_ALL_FOLDS = (True, True, True, True)


def _words_pattern(words) -> re.Pattern[str]:
    """A pattern of ``words`` (words as :data:`WORD_RE` cuts them) matched as whole words only."""
    alternatives = "|".join(map(re.escape, sorted(words, key=lambda w: (-len(w), w))))
    return re.compile(f"(?<![^\\W_])(?:{alternatives})(?![^\\W_])")


class _WordScan:
    """Word by word: each word of the original cut by :func:`raw_word_re`, each distinct
    written word normalized once (a bounded cache)."""

    def __init__(self):
        self.word_re = raw_word_re()
        self.normalized: dict[str, str] = {}

    def __call__(self, found: _Found, doc_id, outlet: str, text: str, variants: dict[str, str], *,
                 english: bool) -> None:
        normalized = self.normalized
        ends = None
        for m in self.word_re.finditer(text):
            raw = m.group()
            norm = normalized.get(raw)
            if norm is None:
                norm = normalize_ar(raw)
                if len(normalized) < 200_000:
                    normalized[raw] = norm
            term = variants.get(norm)
            if term is None and english:
                term = variants.get("\0" + norm.lower())
            if term is None:
                continue
            if ends is None:
                ends = sentence_ends(text)
            start, end = m.span()
            if found.add(outlet, term, doc_id, text, start, end, ends):
                _drop(variants, term)
                if not variants:
                    break


def raw_word_re() -> re.Pattern[str]:
    """A word of the original text as normalization sees it: letters and digits, with the
    characters it deletes (diacritics, tatweel, zero-width marks) allowed inside."""
    from framing.normalize import _table

    deleted = re.escape("".join(chr(k) for k, v in _table(True, True, True, True).items() if v is None))
    return re.compile(f"(?:[^\\W_]|[{deleted}])*[^\\W_](?:[^\\W_]|[{deleted}])*")


def with_display_forms(terms: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Add ``form``: the most common written form (e.g. السورية) of each normalized term (السوريه)."""
    terms = terms.copy()
    if evidence.empty or terms.empty:
        terms["form"] = terms["term"] if "term" in terms else pd.Series(dtype=str)
        return terms
    written = evidence.assign(form=evidence["matched"].map(lambda m: fold_article_clitics(_strip_diacritics(m))))
    best = {}
    for (outlet, term), group in written.groupby(["outlet", "term"], sort=True):
        counts = group["form"].value_counts()
        best[(outlet, term)] = sorted(counts.index, key=lambda f: (-counts[f], f))[0]
    terms["form"] = [best.get((o, t), t) for o, t in zip(terms["outlet"], terms["term"], strict=True)]
    return terms


def _strip_diacritics(text: str) -> str:
    return normalize_ar(text, alef=False, alef_maksura=False, teh_marbuta=False)
