"""The compiled matcher: find lexicon entries in text.

Matching runs on normalized words (:mod:`framing.normalize`) and reports spans
of the original text. Each entry's first word also matches with Arabic
proclitics (و ف + ب ل ك + ال, with ل+ال → لل) and its last word with common
suffixes (plural, dual, feminine, possessive), without a morphology database;
with a morphology database (:mod:`framing.morphology`) tokens are also matched
through their analysed stems. Where entries of one lexicon overlap, the longest
match wins; a match never crosses a sentence boundary.

>>> from framing.lexicon import Lexicon
>>> lex = Lexicon.from_entries("demo", [
...     {"term": "قوات النظام", "actor": "syrian_government", "category": "actor_label", "stance": -0.6},
...     {"term": "النظام", "actor": "syrian_government", "category": "actor_label", "stance": -0.4},
... ])
>>> [(h.term, h.matched) for h in Matcher([lex]).find("ردا على تقدم لقوات النظام. والنظام")]
[('قوات النظام', 'لقوات النظام'), ('النظام', 'والنظام')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter

from framing.lexicon.model import RULE_FIELDS, Entry, Lexicon, match_rank, normalize_term
from framing.normalize import (
    WORD_RE,
    Normalized,
    is_construct,
    name_bases,
    name_forms,
    normalize_with_offsets,
    proclitic_bases,
    proclitic_forms,
    sentence_ends,
    sentence_of,
    suffix_bases,
    suffix_forms,
    surface_forms,
    trim_span,
)
from framing.records import Hit

__all__ = ["Excluded", "Matcher", "surface_forms"]

# --- matching -------------------------------------------------------------------------------

#: what may separate the words of a multiword term: spaces, tabs and dashes (never a line break
#: or sentence punctuation)
_GAP_RE = re.compile(r"[ \t\u00a0\-–—]*")
_SPLIT_RE = re.compile(f"({WORD_RE.pattern})")


class _Compiled:
    """An entry ready to match; its surface forms are computed the first time it is a candidate."""

    __slots__ = ("_forms", "_rules", "category", "construct", "entry", "entry_id", "group", "lang", "lexicon", "order",
                 "term", "words")

    def __init__(self, entry: Entry, lexicon: str, words: tuple[str, ...], order: int, lang=None):
        self.entry, self.lexicon, self.words, self.order = entry, lexicon, words, order
        # the entry's fields under the names a Hit gives them (Matcher.find_words hands out _Compiled)
        self.term, self.category, self.entry_id = entry.term, entry.category, entry.id
        self.lang = lang  # None: the Arabic rules of framing.normalize; else e.g. framing.english.ENGLISH
        self.construct = lang is None and entry.match == "affix" and is_construct(words)
        self.group = ""
        self._forms: tuple[frozenset[str], ...] | None = None
        self._rules: list[tuple[str, str, tuple[frozenset[str], ...]]] | None = None

    def rank(self, tokens: Sequence[str]) -> tuple[int, int]:
        """:func:`~framing.lexicon.model.match_rank`: lower wins a span several entries match."""
        return match_rank(self.entry, tokens)

    @property
    def rules(self) -> list[tuple[str, str, tuple[frozenset[str], ...]]]:
        """(rule, phrase as written, forms of its words) for each context rule of the entry."""
        if self._rules is None:
            e = self.entry
            if self.lang is not None:
                self._rules = [(key, phrase, self.lang.forms(self.lang.term_words(phrase), e))
                               for key in RULE_FIELDS for phrase in getattr(e, key)]
                return self._rules
            self._rules = [(key, phrase, surface_forms(normalize_term(phrase), "affix"))
                           for key in RULE_FIELDS for phrase in getattr(e, key)]
        return self._rules

    @property
    def forms(self) -> tuple[frozenset[str], ...]:
        if self._forms is None:
            self._forms = (surface_forms(self.words, self.entry.match) if self.lang is None
                           else self.lang.forms(self.words, self.entry))
        return self._forms


# --- from a token back to the entry words it can be a form of ---------------------------------
# The matcher never lists every surface form of every entry (a one-word entry has ~650: 100k
# entries would be 65M strings). It indexes the entries' words, and analyses each distinct
# token of the text once, the other way round (framing.normalize.proclitic_bases, then
# suffix_bases): strip what may be a proclitic, then what may be a suffix, look the rest up,
# and keep a candidate only if the forward rules (proclitic_forms, suffix_forms) really
# produce the token from it. The candidates are a superset of the true ones and the check is
# the forward rule itself, so the result is exactly "token in surface_forms(entry words)[0]".


@lru_cache(maxsize=16_384)
def _prefix_set(word: str) -> frozenset[str]:
    return frozenset(proclitic_forms(word))


@lru_cache(maxsize=16_384)
def _bare_prefix_set(word: str) -> frozenset[str]:
    return frozenset(proclitic_forms(word, article=False))


@lru_cache(maxsize=16_384)
def _suffix_set(word: str) -> frozenset[str]:
    return frozenset(suffix_forms(word))


@lru_cache(maxsize=16_384)
def _name_set(word: str) -> frozenset[str]:
    return frozenset(name_forms(word))


@lru_cache(maxsize=1 << 17)
def _proclitic_bases(token: str) -> tuple[str, ...]:
    # shared by every matcher of the process (the body's, the attribution's, the sources'): a
    # token met by one is not taken apart again by the next
    return tuple(proclitic_bases(token))


_LL_STARTS = ("لل", "ولل", "فلل")
_third = itemgetter(2)  # a candidate's entry


def _in_order(found: dict[int, _Compiled]) -> list[_Compiled]:
    """The entries of ``found`` (order → entry) in lexicon order (most tokens start none)."""
    return [found[k] for k in sorted(found)] if found else []


def _peeled(token: str) -> tuple[str, ...]:
    """What :func:`~framing.normalize.proclitic_bases` and :func:`~framing.normalize.name_bases`
    can give for ``token`` (a superset): up to four letters off its front, or لل read as ال."""
    return (token, token[1:], token[2:], token[3:], token[4:], "ال" + token[2:], "ال" + token[3:])

#: distinct tokens the matcher remembers having analysed, per generation: when the young
#: generation is full it becomes the old one (the one before is forgotten); a token met again
#: comes back from the old generation without being analysed again, so the frequent words stay
#: and at most twice this many are held
_SEEN_LIMIT = 150_000
#: the most first-word forms a matcher lists (a one-word entry has ~650: a few hundred entries)
_FORMS_LIMIT = 250_000
#: about how many suffixed forms a word has (:func:`~framing.normalize.suffix_forms`), for estimates
_SUFFIX_FORMS_PER_WORD = 40


class Matcher:
    """Find lexicon entries in text.

    ``rules`` are the language rules (default: Arabic; :data:`framing.english.ENGLISH` for
    English lexicons, chosen by itself when every lexicon is ``language: en``).
    ``lemmatizer`` (optional) maps a normalized token to candidate base words, e.g.
    :class:`framing.morphology.MorphologyLemmatizer`; a token then also matches an
    entry word through any of its bases.

    Compiling indexes each entry by its first word (linear in the entries: 100,000 entries
    in about a second); each distinct token met in text is analysed once and remembered.

    >>> lex = Lexicon.from_entries("d", [{"term": "الجيش السوري", "actor": "sg", "category": "label"}])
    >>> m = Matcher([lex])
    >>> [(h.matched, h.start, h.end) for h in m.find("التقى بالجيشِ السوريّ")]
    [('بالجيشِ السوريّ', 6, 21)]
    """

    def __init__(self, lexicons: Sequence[Lexicon], *, lemmatizer: Callable[[str], Iterable[str]] | None = None,
                 rules=None):
        self.lexicons = list(lexicons)
        self.lemmatizer = lemmatizer
        # the language rules: None, the Arabic ones of framing.normalize; else an object such as
        # framing.english.ENGLISH (normalize, word_re, split_re, sentence_ends, sentence_of,
        # term_words, forms, bases, accepts); every other step of matching is shared. Lexicons
        # that are all English get the English rules without asking.
        if rules is None and self.lexicons and all(getattr(lx, "language", "ar") == "en" for lx in self.lexicons):
            from framing.english import ENGLISH as rules
        self.rules = rules
        self._normalize = normalize_with_offsets if rules is None else rules.normalize
        self._split = _SPLIT_RE.split if rules is None else rules.split_re.split
        self._sentence_ends = sentence_ends if rules is None else rules.sentence_ends
        self._sentence_of = sentence_of if rules is None else rules.sentence_of
        self._rule_heads: dict[str, list[_Compiled]] = {}  # with rules: first word as written → entries
        # first word → entries, by how the first word may be inflected
        self._exact_heads: dict[str, list[_Compiled]] = {}  # only as written (exact, or ≤ 2 letters)
        self._single_heads: dict[str, list[_Compiled]] = {}  # one-word entries: proclitics × suffixes
        self._multi_heads: dict[str, list[_Compiled]] = {}  # first of several words: proclitics
        self._name_heads: dict[str, list[_Compiled]] = {}  # proper names: و ف ب ل ك only
        self._base_first: dict[str, list[_Compiled]] = {}
        order = 0
        for lex in self.lexicons:
            for entry in lex.entries:
                words = entry.words
                if not words:
                    continue
                compiled = _Compiled(entry, lex.name, tuple(words), order, rules)
                # framing lexicons are layered (one hit per span across them); a lexicon of
                # another kind (reporting verbs, sources) keeps its own hits
                compiled.group = "" if lex.kind == "framing" else lex.name
                order += 1
                head = words[0]
                if rules is not None:
                    self._rule_heads.setdefault(head, []).append(compiled)
                    continue
                if entry.match == "exact" or len(head) <= 2:
                    self._exact_heads.setdefault(head, []).append(compiled)
                elif entry.match == "name":
                    self._name_heads.setdefault(head, []).append(compiled)
                elif len(words) == 1:
                    self._single_heads.setdefault(head, []).append(compiled)
                else:
                    self._multi_heads.setdefault(head, []).append(compiled)
                if entry.match == "affix":  # exact entries and names never match through a lemma
                    self._base_first.setdefault(head, []).append(compiled)
        # a cheap superset test: every affix form of a head word holds the word's first two letters
        # within its first six (after at most four proclitic letters), except forms written
        # with لل, where the article's alif is gone (see _heads)
        self._starts = frozenset(w[:2] for w in (*self._single_heads, *self._multi_heads))
        # an exact superset test at C speed (when it fits in _FORMS_LIMIT strings): the suffixed
        # forms of the one-word entries' words, and every head word; a token starts an entry
        # only if one of its proclitic_bases / name_bases (always among _peeled) is in there
        self._suffixed_forms: frozenset[str] | None = None
        self._base_forms: frozenset[str] | None = None
        if rules is None and len(self._single_heads) * _SUFFIX_FORMS_PER_WORD <= _FORMS_LIMIT:
            self._suffixed_forms = frozenset().union(*(_suffix_set(w) for w in self._single_heads))
            self._base_forms = self._suffixed_forms.union(self._exact_heads, self._name_heads, self._multi_heads)
        # every form of the proper names' words (a token outside them starts no name; small: ~16 a name)
        self._name_forms: frozenset[str] | None = None
        if rules is None and len(self._name_heads) * 16 <= _FORMS_LIMIT:
            self._name_forms = frozenset().union(*(_name_set(w) for w in self._name_heads))
        self._forms = self._first_word_forms() if rules is None else None
        #: the entries with context rules (their candidates go through _apply_rules)
        self._ruled = frozenset(c for heads in (self._rule_heads, self._exact_heads, self._single_heads,
                                                self._multi_heads, self._name_heads)
                                for comps in heads.values() for c in comps if c.entry.has_rules)
        self._reset_cache()

    def _first_word_forms(self) -> frozenset[str] | None:
        """Every form the first word of an entry takes (what :meth:`_heads` accepts), when
        they are at most :data:`_FORMS_LIMIT` strings: a token outside them starts no entry,
        and the test is one C-speed set intersection per text instead of the analysis of
        each new token (``None`` for a bigger lexicon: then every token is analysed)."""
        n = lambda heads: sum(map(len, heads.values()))  # noqa: E731
        estimate = (n(self._exact_heads) + 10 * n(self._name_heads) + 40 * n(self._multi_heads)
                    + 20 * _SUFFIX_FORMS_PER_WORD * n(self._single_heads))
        if estimate > _FORMS_LIMIT:  # computing them would cost more than it saves
            return None
        forms: set[str] = set()
        for heads in (self._exact_heads, self._name_heads, self._single_heads, self._multi_heads):
            for comps in heads.values():
                for comp in comps:
                    forms |= comp.forms[0]
                    if len(forms) > _FORMS_LIMIT:
                        return None
        return frozenset(forms)

    def _reset_cache(self) -> None:
        # token → entries it can start (tokens that start none are only in _seen)
        self._first: dict[str, list[_Compiled]] = {}
        self._keys: set[str] = set()
        self._seen: set[str] = set()
        # without a lemmatizer: first form → (one-word entries, {second-word form: multiword entries})
        self._by_first: dict[str, tuple[list[_Compiled], dict[str, list[_Compiled]]]] = {}
        # the previous generation of _seen / _first / _by_first (see _SEEN_LIMIT)
        self._old_seen: set[str] = set()
        self._old_first: dict[str, list[_Compiled]] = {}
        self._old_by_first: dict[str, tuple[list[_Compiled], dict[str, list[_Compiled]]]] = {}
        # the entries a token starts (their orders) → that _by_first value, built once for all the
        # tokens starting the same entries («قوات», «والقوات», «بقوات» …) and shared (never changed)
        self._shapes: dict[tuple[int, ...], tuple[list[_Compiled], dict[str, list[_Compiled]]]] = {}
        # a word without proclitics → the one-word entries it is a suffixed form of
        self._suffixed: dict[str, tuple[_Compiled, ...]] = {}
        self._lemma_cache: dict[str, tuple[str, ...]] = {}
        self._lookups = 0  # distinct tokens per text, summed
        self._misses = 0  # of those, analysed (not remembered)

    def cache_info(self) -> dict[str, float]:
        """How the token cache does: distinct tokens looked up (one per text), analysed
        (misses), the hit rate, and the tokens held now (both generations).

        >>> from framing.lexicon import Lexicon
        >>> m = Matcher([Lexicon.from_entries("d", [{"term": "الجيش", "category": "c"}])])
        >>> _ = m.find("الجيش والجيش"); _ = m.find("الجيش")
        >>> m.cache_info()["hit_rate"]
        0.333
        """
        held = len(self._seen) + len(self._old_seen - self._seen)
        rate = 1 - self._misses / self._lookups if self._lookups else 0.0
        return {"lookups": self._lookups, "misses": self._misses, "hit_rate": round(rate, 3), "held": held}

    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("_first", "_keys", "_seen", "_by_first", "_old_seen", "_old_first", "_old_by_first",
                              "_shapes", "_suffixed", "_lemma_cache", "_lookups", "_misses")}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._reset_cache()

    def _heads(self, token: str) -> list[_Compiled]:
        """The entries whose first word has ``token`` among its forms, in lexicon order."""
        found: dict[int, _Compiled] = {}
        if self.rules is not None:
            for base in self.rules.bases(token):
                for comp in self._rule_heads.get(base, ()):
                    if token in comp.forms[0]:
                        found[comp.order] = comp
            return _in_order(found)
        for comp in self._exact_heads.get(token, ()):
            found[comp.order] = comp
        if self._name_heads and (self._name_forms is None or token in self._name_forms):
            for f in name_bases(token):
                comps = self._name_heads.get(f)
                if comps and token in _name_set(f):
                    for comp in comps:
                        found[comp.order] = comp
        multis, suffixed_forms, starts = self._multi_heads, self._suffixed_forms, self._starts
        if self._base_forms is not None:
            if self._base_forms.isdisjoint(_peeled(token)):
                return _in_order(found)
        elif not token.startswith(_LL_STARTS) and starts.isdisjoint(
                (token[:2], token[1:3], token[2:4], token[3:5], token[4:6])):
            return _in_order(found)
        suffixed = self._suffixed
        for f in _proclitic_bases(token):
            in_prefix_forms = None
            comps = multis.get(f)
            if comps:
                in_prefix_forms = token in _prefix_set(f)
                if in_prefix_forms:
                    bare = None  # whether the token is a form without the article (for constructs)
                    for comp in comps:
                        if comp.construct:
                            if bare is None:
                                bare = token in _bare_prefix_set(f)
                            if not bare:
                                continue
                        found[comp.order] = comp
            if f not in suffixed_forms if suffixed_forms is not None else f[:2] not in starts:
                continue  # (a suffixed form keeps its word's first two letters)
            comps = suffixed.get(f)
            if comps is None:
                comps = self._suffixed_entries(f)
            if comps:
                if in_prefix_forms is None:
                    in_prefix_forms = token in _prefix_set(f)
                if in_prefix_forms:
                    for comp in comps:
                        found[comp.order] = comp
        return _in_order(found)

    def _suffixed_entries(self, f: str) -> tuple[_Compiled, ...]:
        """The one-word entries whose word has ``f`` among its suffixed forms (remembered, bounded)."""
        singles = self._single_heads
        out: list[_Compiled] = []
        for w in suffix_bases(f):
            comps = singles.get(w)
            if comps and f in _suffix_set(w):
                out += comps
        if len(self._suffixed) >= _SEEN_LIMIT:
            self._suffixed.clear()
        got = self._suffixed[f] = tuple(out)
        return got

    def _learn(self, tokens: Iterable[str]) -> None:
        """Analyse tokens not seen before; remember those that can start an entry."""
        if not isinstance(tokens, set):
            tokens = set(tokens)
        self._lookups += len(tokens)
        if self._forms is not None:  # no other token starts an entry (so _seen stays within _forms)
            tokens = self._forms.intersection(tokens)
        unseen = tokens - self._seen
        if not unseen:
            return
        if len(self._seen) + len(unseen) > _SEEN_LIMIT:  # bounded: a corpus has millions of types
            self._old_seen, self._old_first, self._old_by_first = self._seen, self._first, self._by_first
            self._seen, self._first, self._by_first, self._keys = set(), {}, {}, set()
            self._shapes = {}
            unseen = set(tokens)
        if self._old_seen:  # what the previous generation knew comes back as it was
            back = unseen & self._old_seen
            if back:
                unseen -= back
                self._seen |= back
                for token in back.intersection(self._old_first):
                    self._first[token] = self._old_first[token]
                    self._by_first[token] = self._old_by_first[token]
                    self._keys.add(token)
        self._misses += len(unseen)
        self._seen |= unseen
        shapes = self._shapes
        for token in unseen:
            comps = self._heads(token)
            if not comps:
                continue
            self._first[token] = comps
            self._keys.add(token)
            key = tuple(c.order for c in comps)
            shape = shapes.get(key)
            if shape is None:
                singles = [c for c in comps if len(c.words) == 1]
                seconds: dict[str, list[_Compiled]] = {}
                for c in comps:
                    if len(c.words) > 1:
                        for f2 in c.forms[1]:
                            seconds.setdefault(f2, []).append(c)
                shape = shapes[key] = (singles, seconds)
            self._by_first[token] = shape

    def __len__(self) -> int:
        return sum(len(lex.entries) for lex in self.lexicons)

    def __contains__(self, term: str) -> bool:
        return any(term in lex for lex in self.lexicons)

    def _bases(self, token: str) -> tuple[str, ...]:
        cached = self._lemma_cache.get(token)
        if cached is None:
            cached = tuple(dict.fromkeys(b for b in self.lemmatizer(token) if b and b != token))
            if len(self._lemma_cache) >= 200_000:  # bounded: a corpus has millions of types
                self._lemma_cache.clear()
            self._lemma_cache[token] = cached
        return cached

    def _word_ok(self, token: str, forms: frozenset[str], word: str, *, lemma: bool = True) -> bool:
        if token in forms:
            return True
        return lemma and self.lemmatizer is not None and word in self._bases(token)

    def might_match(self, normalized_text: str) -> bool:
        """Cheap prefilter: can anything match in this (normalized) text?"""
        if self.lemmatizer is not None:
            return True
        tokens = (WORD_RE if self.rules is None else self.rules.word_re).findall(normalized_text)
        self._learn(tokens)
        return not self._keys.isdisjoint(tokens)

    def find(self, text: str, *, doc_id: str = "", normalized: str | Normalized | None = None,
             excluded: list[Excluded] | None = None, sentences: bool = True) -> list[Hit]:
        """All matches in ``text`` (original or masked text), ordered by position.

        Offsets index ``text``; ``matched == text[start:end]``. ``normalized`` may pass
        ``normalize_with_offsets(text)`` (reused) or ``normalize_ar(text)`` (a prefilter)
        when the caller has it already. A span yields at most one hit across all framing
        lexicons (longest match, then the entry written as in the text, then the first
        lexicon); a lexicon of another kind (reporting verbs, sources) keeps its own hits.
        ``excluded``, a list, receives the matches a context rule of their entry removed.
        ``sentences=False`` leaves every hit's ``sentence_start``/``sentence_end`` at 0 (no
        sentence scan: for a caller that only needs the spans, such as the attribution's sources).
        """
        if isinstance(normalized, Normalized):
            norm = normalized
        elif normalized is not None and not self.might_match(normalized):
            return []
        else:
            norm = self._normalize(text)
        found = self._choose(text, norm, doc_id, excluded)
        if found is None:
            return []
        chosen, bounds = found
        if not sentences:
            return [self._hit(comp, doc_id, text, *norm.original_span(bounds[2 * start], bounds[2 * end - 1]))
                    for start, end, comp in chosen]
        ends = self._sentence_ends(text)
        sentence_of = self._sentence_of
        if self.rules is None:  # sentence_of: many hits share a sentence, trimmed once
            sentence_of = _SentenceOf(text, ends)
        hits = []
        for start, end, comp in chosen:
            o_start, o_end = norm.original_span(bounds[2 * start], bounds[2 * end - 1])
            s_start, s_end = sentence_of(text, o_start, ends)
            e = comp.entry
            hits.append(Hit(
                doc_id=doc_id, lexicon=comp.lexicon, term=e.term, matched=text[o_start:o_end],
                start=o_start, end=o_end, category=e.category, stance=e.stance, actor=e.actor,
                entry_id=e.id, sentence_start=s_start, sentence_end=max(s_end, o_end),
            ))
        return hits

    def find_words(self, text: str, *, normalized: Normalized) -> list[tuple[int, int, _Compiled]]:
        """The matches of :meth:`find` as word ranges, without hits: ``(i, j, entry)`` for the words
        ``i .. j-1`` of ``normalized.pieces()[1::2]`` (Arabic rules) — the same matches chosen the same
        way, context rules applied — and the compiled entry (``lexicon``, ``term``, ``category``,
        ``entry_id`` as on its hit; ``entry``). For a caller that works on words (the attribution's
        sources): no offsets mapped back, no sentence, no :class:`~framing.records.Hit` made.

        >>> m = Matcher([Lexicon.from_entries("d", [{"term": "الجيش السوري", "category": "label"}])])
        >>> [(i, j, c.term) for i, j, c in m.find_words("قال الجيش السوري", normalized=normalize_with_offsets("قال الجيش السوري"))]
        [(1, 3, 'الجيش السوري')]
        """
        found = self._choose(text, normalized, "", None)
        return found[0] if found is not None else []

    def _choose(self, text: str, norm: Normalized, doc_id: str, excluded: list[Excluded] | None
                ) -> tuple[list[tuple[int, int, _Compiled]], list[int]] | None:
        """The matches of ``text`` (normalized: ``norm``) as word ranges with their entries, in text
        order, and the character offsets of ``norm``'s pieces (None: no match)."""
        ntext = norm.text
        # [gap, word, gap, word, ..., gap]: word k is pieces[2k + 1], the gap before it pieces[2k]
        pieces = norm.pieces() if self.rules is None else self._split(ntext)  # (split once per text)
        words_in_text = pieces[1::2]
        distinct = norm.distinct_words() if self.rules is None else set(words_in_text)
        self._learn(distinct)
        first = self._first
        if self.lemmatizer is None:
            # the few distinct words that can start an entry, then their positions (one scan)
            keys = self._keys.intersection(distinct)
            at = [i for i, w in enumerate(words_in_text) if w in keys] if keys else []
        else:
            at = [i for i, w in enumerate(words_in_text) if w in first or any(
                b in self._base_first for b in self._bases(w))]
        if not at:
            return None
        n_tokens = len(words_in_text)
        candidates: dict[str, list[tuple[int, int, _Compiled]]] = {}
        if self.lemmatizer is None:
            by_first = self._by_first
            for i in at:
                singles, seconds = by_first[words_in_text[i]]
                for comp in singles:
                    candidates.setdefault(comp.group, []).append((i, i + 1, comp))
                if not seconds or i + 1 >= n_tokens:
                    continue
                multi = seconds.get(words_in_text[i + 1])
                if not multi or _GAP_RE.fullmatch(pieces[2 * i + 2]) is None:
                    continue
                for comp in multi:
                    n = len(comp.words)
                    if i + n > n_tokens:
                        continue
                    if all(words_in_text[i + k] in comp.forms[k] and _GAP_RE.fullmatch(pieces[2 * (i + k)])
                           for k in range(2, n)):
                        candidates.setdefault(comp.group, []).append((i, i + n, comp))
            at = []  # done
        for i in at:
            tok = words_in_text[i]
            found = first.get(tok)
            if self.lemmatizer is not None:
                extra = [c for b in self._bases(tok) for c in self._base_first.get(b, ())]
                if extra:
                    found = list(found or ()) + extra
            if not found:
                continue
            for comp in found:
                n = len(comp.words)
                if i + n > n_tokens:
                    continue
                ok = True
                words = comp.words
                for k in range(1, n):
                    if _GAP_RE.fullmatch(pieces[2 * (i + k)]) is None or not self._word_ok(
                            words_in_text[i + k], comp.forms[k], words[k], lemma=comp.entry.match == "affix"):
                        ok = False
                        break
                if ok:
                    candidates.setdefault(comp.group, []).append((i, i + n, comp))
        if not candidates:
            return None
        bounds = list(accumulate(map(len, pieces)))  # character offsets of the pieces in the normalized text
        chosen: list[tuple[int, int, _Compiled]] = []
        for group, pool in candidates.items():
            if self.rules is not None:  # e.g. an English proper name needs its capital letter
                accepts = self.rules.accepts
                pool = [c for c in pool if accepts(c[2].entry, text, norm.original_span(bounds[2 * c[0]],
                                                                                       bounds[2 * c[0] + 1])[0])]
            if not self._ruled.isdisjoint(map(_third, pool)):
                pool = self._apply_rules(pool, words_in_text, pieces, bounds, ntext, text, norm, doc_id, excluded)
            last = 0  # the pool is in text order: when no two spans overlap, every one is kept
            for c in pool:
                if c[0] < last:
                    break
                last = c[1]
            else:
                chosen.extend(pool)
                continue
            if group == "":
                # framing lexicons, one hit per span across them: longest first, then leftmost, then
                # the entry written as the text has it, then the first lexicon given, then file order
                # (the rank only orders entries matching the same span: computed for those alone)
                spans = Counter((c[0], c[1]) for c in pool)
                key = lambda c, spans=spans: (-(c[1] - c[0]), c[0],  # noqa: E731
                                 c[2].rank(words_in_text[c[0]:c[1]]) if spans[c[0], c[1]] > 1 else (0, 0),
                                 c[2].order)
            else:
                key = lambda c: (-(c[1] - c[0]), c[0], c[2].entry.id)  # noqa: E731
            taken: set[int] = set()
            for start, end, comp in sorted(pool, key=key):
                span = range(start, end)
                if not taken.isdisjoint(span):
                    continue
                taken.update(span)
                chosen.append((start, end, comp))
        chosen.sort(key=lambda c: (c[0], c[1], c[2].group))
        return chosen, bounds

    @staticmethod
    def _hit(comp: _Compiled, doc_id: str, text: str, o_start: int, o_end: int) -> Hit:
        """The hit of ``comp`` at ``text[o_start:o_end]``, without its sentence."""
        e = comp.entry
        return Hit(doc_id=doc_id, lexicon=comp.lexicon, term=e.term, matched=text[o_start:o_end], start=o_start,
                   end=o_end, category=e.category, stance=e.stance, actor=e.actor, entry_id=e.id)

    def _apply_rules(self, pool, words, pieces, bounds, ntext, text, norm, doc_id, excluded):
        """Drop the candidates a context rule of their entry excludes (and report them)."""
        n = len(words)
        ends: list[int] | None = None  # sentence ends of the normalized text (when a rule needs them)
        starts: list[int] = []  # where each word starts in the normalized text (with ends)
        sentence_words: dict[tuple[int, int], set[str]] = {}  # a sentence's words, for a quick "not there"

        def phrase_at(j: int, forms: tuple[frozenset[str], ...], glued: bool) -> bool:
            """Whether the phrase's words are the tokens from ``j`` (``glued``: no punctuation between)."""
            m = len(forms)
            return j >= 0 and j + m <= n and all(
                words[j + k] in forms[k] and (not glued or k == 0 or _GAP_RE.fullmatch(pieces[2 * (j + k)]))
                for k in range(m))

        kept = []
        for start, end, comp in pool:
            if not comp.entry.has_rules:
                kept.append((start, end, comp))
                continue
            broken = None
            wanted: list[str] = []  # in_sentence phrases, one of which must be found
            found_wanted = False
            glued_after = glued_before = None  # whether only a gap separates the next / the previous word
            for key, phrase, forms in comp.rules:
                if key == "not_followed_by":
                    if glued_after is None:
                        glued_after = end < n and _GAP_RE.fullmatch(pieces[2 * end]) is not None
                    if glued_after and words[end] in forms[0] and phrase_at(end, forms, True):
                        broken = (key, phrase)
                elif key == "not_preceded_by":
                    j = start - len(forms)
                    if glued_before is None:
                        glued_before = _GAP_RE.fullmatch(pieces[2 * start]) is not None
                    if glued_before and j >= 0 and words[j] in forms[0] and phrase_at(j, forms, True):
                        broken = (key, phrase)
                else:
                    if ends is None:
                        ends, starts = self._sentence_ends(ntext), bounds[0:2 * n:2]
                    # the words of the start word's sentence: [lo, hi) (the match's own words at least)
                    sid = bisect_right(ends, starts[start])
                    lo = bisect_left(starts, ends[sid - 1]) if sid else 0
                    hi = max(end, bisect_left(starts, ends[sid]) if sid < len(ends) else n)
                    inside = sentence_words.get((lo, hi))
                    if inside is None:
                        inside = sentence_words[lo, hi] = set(words[lo:hi])
                    first_forms, m = forms[0], len(forms)
                    there = not inside.isdisjoint(first_forms) and any(
                        words[j] in first_forms and phrase_at(j, forms, False) and (j + m <= start or j >= end)
                        for j in range(lo, hi - m + 1))
                    if key == "not_in_sentence" and there:
                        broken = (key, phrase)
                    elif key == "in_sentence":
                        wanted.append(phrase)
                        found_wanted = found_wanted or there
                if broken is not None:
                    break
            if broken is None and wanted and not found_wanted:
                broken = ("in_sentence", " / ".join(wanted))
            if broken is None:
                kept.append((start, end, comp))
            elif excluded is not None:
                o_start, o_end = norm.original_span(bounds[2 * start], bounds[2 * end - 1])
                e = comp.entry
                excluded.append(Excluded(doc_id=doc_id, lexicon=comp.lexicon, term=e.term, entry_id=e.id,
                                         matched=text[o_start:o_end], start=o_start, end=o_end,
                                         rule=broken[0], phrase=broken[1]))
        return kept


class _SentenceOf:
    """:func:`~framing.normalize.sentence_of` of one text, each sentence trimmed once."""

    __slots__ = ("_ends", "_n", "_spans", "_text")

    def __init__(self, text: str, ends: list[int]):
        self._text, self._ends, self._n, self._spans = text, ends, len(ends), {}

    def __call__(self, text: str, pos: int, ends: list[int]) -> tuple[int, int]:
        j = bisect_right(self._ends, pos)
        got = self._spans.get(j)
        if got is None:
            got = self._spans[j] = trim_span(self._text, self._ends[j - 1] if j else 0,
                                             self._ends[j] if j < self._n else len(self._text))
        return got


@dataclass(frozen=True, slots=True)
class Excluded:
    """A match that a context rule of its entry removed: ``rule`` and the ``phrase`` that did."""

    doc_id: str
    lexicon: str
    term: str
    entry_id: str
    matched: str
    start: int
    end: int
    rule: str
    phrase: str

    def describe(self) -> str:
        """E.g. ``excluded by rule not_followed_by: التقليدي``."""
        return f"excluded by rule {self.rule}: {self.phrase}"


