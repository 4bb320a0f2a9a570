"""Arabic normalization with an offset map back to the original text.

The normalization is the camel-tools one — Unicode NFKC (``normalize_unicode``) for
Arabic letters (presentation forms, combining hamza/madda; compatibility forms of
punctuation such as ``…`` are left alone since they never change a word),
dediacritization (``dediac_ar``), alef/hamza forms (``normalize_alef_ar``), alef
maksura → ya (``normalize_alef_maksura_ar``), ta marbuta → ha
(``normalize_teh_marbuta_ar``) — plus tatweel and invisible-format-character removal,
compiled into one ``str.translate`` table so that a 200 MB corpus normalizes at C
speed. :func:`normalize_ar` gives the same string as the camel-tools chain
(same words; a test checks it); :func:`normalize_with_offsets` also returns, for every
normalized character, where it came from in the original text.

>>> normalize_ar("الإرهابيّين")
'الارهابيين'
>>> n = normalize_with_offsets("قُوّات النظام")
>>> n.text
'قوات النظام'
>>> n.original_span(0, 4)
(0, 6)
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from framing.records import Token

__all__ = [
    "ARTICLE",
    "CONJUNCTIONS",
    "PREPOSITIONS",
    "PRONOUN_SUFFIXES",
    "SUFFIX_PREFIXES",
    "Normalized",
    "article_clitic_variants",
    "bare_forms",
    "fold_article_clitics",
    "is_arabic",
    "is_construct",
    "name_bases",
    "name_forms",
    "normalize_ar",
    "normalize_with_offsets",
    "normalized_prefix",
    "proclitic_bases",
    "proclitic_forms",
    "sentence_ends",
    "sentence_of",
    "sentence_spans",
    "strip_article_clitics",
    "suffix_bases",
    "suffix_forms",
    "surface_forms",
    "tokenize",
    "trim_span",
    "word_tokens",
]

# --- character classes -----------------------------------------------------------------

#: camel_tools.utils.charsets.AR_DIAC_CHARSET (harakat, shadda, sukun, superscript alef)
_AR_DIAC = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
#: Quranic annotation marks and small high letters, also removed by dediacritization
_QURANIC = "".join(chr(c) for c in range(0x0610, 0x061B)) + "".join(
    chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06E5, 0x06E6)
) + "\u0656\u0657\u0658\u0659\u065a\u065b\u065c\u065d\u065e\u065f"
_TATWEEL = "\u0640"
#: zero-width and bidi format characters: invisible, and they split words for a matcher
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad\ufeff"

_DELETE = _AR_DIAC + _QURANIC + _TATWEEL + _INVISIBLE
_ATTACHED = frozenset(_AR_DIAC + _QURANIC + _TATWEEL)

#: characters that need the slow per-cluster path: presentation forms (NFKC expands them)
#: and combining hamza/madda (NFC composes them with the preceding letter)
_SLOW_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe\u0653\u0654\u0655]")

_ALEF = "\u0625\u0623\u0671\u0622"  # إ أ ٱ آ  (camel-tools normalize_alef_ar)


@lru_cache(maxsize=16)
def _table(alef: bool, alef_maksura: bool, teh_marbuta: bool, dediac: bool) -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    if dediac:
        for ch in _AR_DIAC + _QURANIC:
            table[ord(ch)] = None
    for ch in _TATWEEL + _INVISIBLE:
        table[ord(ch)] = None
    if alef:
        for ch in _ALEF:
            table[ord(ch)] = "\u0627"
    if alef_maksura:
        table[0x0649] = "\u064a"
    if teh_marbuta:
        table[0x0629] = "\u0647"
    # Persian/Urdu letter variants common in scraped Arabic text
    table[0x06CC] = "\u064a"  # ی FARSI YEH
    table[0x06A9] = "\u0643"  # ک KEHEH
    table[0x00A0] = " "  # no-break space
    return table



_DELETED = np.uint32(0xFFFFFFFF)
#: below this many characters :func:`normalize_ar` translates with the table (same result, less overhead)
_SHORT = 48


@lru_cache(maxsize=16)
def _code_lookup(options: tuple[bool, bool, bool, bool]) -> np.ndarray:
    """The translation table as an array over all code points (``_DELETED`` = removed)."""
    lut = np.arange(0x110000, dtype=np.uint32)
    for k, v in _table(*options).items():
        lut[k] = _DELETED if v is None else ord(v)
    return lut


def _map_plain(text: str, options: tuple[bool, bool, bool, bool], offset: int = 0) -> tuple[str, np.ndarray]:
    """Translate text without special clusters (vectorized); return it and, per output
    character, its offset in the input (+ ``offset``)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    mapped = _code_lookup(options)[codes]
    keep = mapped != _DELETED
    if keep.all():
        idx = np.arange(offset, offset + len(codes), dtype=np.int64)
    else:
        mapped = mapped[keep]
        idx = np.flatnonzero(keep).astype(np.int64) + offset
    return mapped.tobytes().decode("utf-32-le", "surrogatepass"), idx


#: below this many characters :func:`normalize_with_offsets` maps with the table and ``str.translate``
#: (a headline): the handful of array operations of :func:`_map_plain` cost more than the string
_SHORT_OFFSETS = 128


def _map_short(text: str, options: tuple[bool, bool, bool, bool]) -> tuple[str, np.ndarray]:
    """:func:`_map_plain` of a short text (same string, same offsets): every table value is one
    character or a deletion, so the offsets are those of the characters the table keeps."""
    table = _table(*options)
    norm = text.translate(table)
    if len(norm) == len(text):  # nothing deleted: character i came from character i
        return norm, np.arange(len(text), dtype=np.int64)
    kept = [i for i, ch in enumerate(text) if table.get(ord(ch), ch) is not None]
    return norm, np.array(kept, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized string and, per normalized character, its span in the original.

    ``starts[i]``/``ends[i]`` are the original offsets of normalized character ``i``.
    """

    text: str
    original: str
    starts: np.ndarray
    ends: np.ndarray
    _pieces: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    _distinct: set[str] | None = field(default=None, init=False, repr=False, compare=False)

    def pieces(self) -> list[str]:
        """The normalized text split into ``[gap, word, gap, word, ..., gap]`` (words as
        :data:`WORD_RE` finds them: word ``k`` is ``pieces[2k + 1]``), split once and kept for
        every later caller of this text (the tokens, the matcher, attribution). Do not modify it.

        >>> normalize_with_offsets("قال: الجيش").pieces()
        ['', 'قال', ': ', 'الجيش', '']
        """
        pieces = self._pieces
        if pieces is None:
            pieces = _WORD_SPLIT_RE.split(self.text)
            object.__setattr__(self, "_pieces", pieces)
        return pieces

    def distinct_words(self) -> set[str]:
        """The set of the words of :meth:`pieces`, built once and kept for every later caller of
        this text (the matcher, the distinguishing-terms counts). Do not modify it.

        >>> sorted(normalize_with_offsets("قال الجيش: الجيش").distinct_words())
        ['الجيش', 'قال']
        """
        distinct = self._distinct
        if distinct is None:
            distinct = set(self.pieces()[1::2])
            object.__setattr__(self, "_distinct", distinct)
        return distinct

    def one_to_one(self) -> bool:
        """Whether every normalized character comes from original characters of its own, in order
        (no presentation form expanded into several): then the words of :meth:`pieces` start at
        distinct original offsets and a word range maps to the original and back unchanged.

        >>> normalize_with_offsets("قُوّات النظام").one_to_one(), normalize_with_offsets("ﷺ").one_to_one()
        (True, False)
        """
        starts = self.starts
        return bool((starts[1:] > starts[:-1]).all())

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized span ``[start, end)`` to the original text."""
        if end <= start:
            pos = int(self.starts[start]) if start < len(self.starts) else len(self.original)
            return pos, pos
        o_end = int(self.ends[end - 1])
        # a word's trailing diacritics and tatweel belong to it
        limit = int(self.starts[end]) if end < len(self.starts) else len(self.original)
        while o_end < limit and self.original[o_end] in _ATTACHED:
            o_end += 1
        return int(self.starts[start]), o_end


def normalize_ar(text: str, *, alef: bool = True, alef_maksura: bool = True, teh_marbuta: bool = True,
                 dediac: bool = True) -> str:
    """Normalize Arabic text for matching and counting.

    >>> normalize_ar("مُستشفى الأطفال — حمـــاة")
    'مستشفي الاطفال — حماه'
    """
    if _SLOW_RE.search(text):
        return normalize_with_offsets(text, alef=alef, alef_maksura=alef_maksura, teh_marbuta=teh_marbuta,
                                      dediac=dediac).text
    if len(text) < _SHORT:  # a name, a phrase: the table itself is faster than the arrays
        return text.translate(_table(alef, alef_maksura, teh_marbuta, dediac))
    return _map_plain(text, (alef, alef_maksura, teh_marbuta, dediac))[0]


def normalize_with_offsets(text: str, *, alef: bool = True, alef_maksura: bool = True,
                           teh_marbuta: bool = True, dediac: bool = True) -> Normalized:
    """Normalize like :func:`normalize_ar` and keep the offset map."""
    options = (alef, alef_maksura, teh_marbuta, dediac)
    if not _SLOW_RE.search(text):
        norm, idx = _map_short(text, options) if len(text) < _SHORT_OFFSETS else _map_plain(text, options)
        return Normalized(norm, text, idx, idx + 1)
    # slow path: only the special clusters (a presentation form, or a character followed by
    # combining hamza/madda) are handled one by one; the stretches between them as above
    table = _table(*options)
    out: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []

    def plain(a: int, b: int) -> None:
        if b > a:
            seg, idx = _map_plain(text[a:b], options, a)
            out.append(seg)
            starts.append(idx)
            ends.append(idx + 1)

    pos = 0
    for m in _SPECIAL_CLUSTER_RE.finditer(text):
        plain(pos, m.start())
        cluster = m.group()
        piece = "ريال" if cluster == "\ufdfc" else cluster
        piece = unicodedata.normalize("NFKC", piece).translate(table)
        out.append(piece)
        starts.append(np.full(len(piece), m.start(), dtype=np.int64))
        ends.append(np.full(len(piece), m.end(), dtype=np.int64))
        pos = m.end()
    plain(pos, len(text))
    empty = np.zeros(0, dtype=np.int64)
    return Normalized("".join(out), text, np.concatenate(starts) if starts else empty,
                      np.concatenate(ends) if ends else empty)


def normalized_prefix(normalized: Normalized, end: int) -> str | None:
    """``normalize_ar(normalized.original[:end])`` cut from ``normalized`` (no second pass), or
    ``None`` when a character that normalizes together with its neighbours (a presentation
    form, a combining hamza or madda) lies before ``end`` or right after it.

    >>> n = normalize_with_offsets("قُوّات النظام السوري")
    >>> normalized_prefix(n, 8) == normalize_ar("قُوّات النظام السوري"[:8])
    True
    """
    if _SLOW_RE.search(normalized.original, 0, end + 1) is not None:
        return None
    # there, every original character became at most one normalized character, in order
    return normalized.text[: int(np.searchsorted(normalized.starts, end))]


_SPECIAL_CLUSTER_RE = re.compile("(?:.[\u0653\u0654\u0655]+|[\ufb50-\ufdff\ufe70-\ufefe])", re.S)

# --- tokens and sentences -----------------------------------------------------------------

#: a word: letters and digits (diacritics are gone after normalization)
WORD_RE = re.compile(r"[^\W_]+")
_WORD_SPLIT_RE = re.compile(f"({WORD_RE.pattern})")  # words and the gaps between them
_ARABIC_LETTER_RE = re.compile("[\u0621-\u064a\u0671-\u06d3]")

#: sentence ends: . ! ? ؟ ؛ … and line breaks (a paragraph is always a boundary).
#: A dot between digits (27.06.2021, 3.5) is not a boundary.
_SENT_END_UNIT = r"(?:[!?؟؛…\n]|\.(?:(?<!\d\.)(?!\d)|(?=\s)))"
# (written so that every match starts with one of the marks: the regex engine then skips ahead fast)
_SENT_END_RE = re.compile(_SENT_END_UNIT + _SENT_END_UNIT + r"*[\"'”»)\]]*")


def is_arabic(text: str, *, threshold: float = 0.0) -> bool:
    """True if ``text`` has Arabic letters (more than ``threshold`` of its letters)."""
    letters = sum(1 for _ in re.finditer(r"[^\W\d_]", text)) if threshold else 0
    arabic = len(_ARABIC_LETTER_RE.findall(text))
    if not threshold:
        return arabic > 0
    return letters > 0 and arabic / letters > threshold


def word_tokens(text: str) -> list[str]:
    """Normalized word tokens of ``text`` (no offsets): the fast path for counting.

    >>> word_tokens("وقالت وزارةُ الدفاع: «إنّ»")
    ['وقالت', 'وزاره', 'الدفاع', 'ان']
    """
    return WORD_RE.findall(normalize_ar(text))


def tokenize(text: str, normalized: Normalized | None = None) -> list[Token]:
    """Normalized tokens with character offsets into the original ``text``.

    >>> [(t.norm, t.start, t.end) for t in tokenize("بالجيشِ السوري")]
    [('بالجيش', 0, 7), ('السوري', 8, 14)]
    """
    n = normalized if normalized is not None else normalize_with_offsets(text)
    tokens = []
    for m in WORD_RE.finditer(n.text):
        start, end = n.original_span(m.start(), m.end())
        tokens.append(Token(m.group(), start, end))
    return tokens


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, trimmed of surrounding whitespace.

    Works on original or normalized text alike (normalization keeps punctuation).

    >>> t = "قال الوزير: إن الوضع خطير. وأضاف أن الهدنة صامدة؟\\nسطر جديد"
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['قال الوزير: إن الوضع خطير.', 'وأضاف أن الهدنة صامدة؟', 'سطر جديد']
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for end in _sentence_ends(text):
        _append_trimmed(text, pos, end, spans)
        pos = end
    _append_trimmed(text, pos, len(text), spans)
    return spans


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` without the whitespace around it, as a span.

    >>> trim_span(" قال الوزير \\n", 0, 13)
    (1, 11)
    """
    seg = text[start:end]
    left = seg.lstrip()
    start += len(seg) - len(left)
    return start, start + len(left.rstrip())


_trim = trim_span


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    start, end = _trim(text, start, end)
    if end > start and WORD_RE.search(text, start, end):
        spans.append((start, end))


def sentence_of(text: str, pos: int, ends: list[int] | None = None) -> tuple[int, int]:
    """The span of :func:`sentence_spans` that holds the word at ``pos``.

    ``ends`` (from :func:`sentence_ends`) saves rescanning the text for many positions.

    >>> t = "قال الوزير: إن الوضع خطير. وأضاف أن الهدنة صامدة"
    >>> s, e = sentence_of(t, t.index("الهدنة")); t[s:e]
    'وأضاف أن الهدنة صامدة'
    """
    if ends is None:
        ends = sentence_ends(text)
    j = bisect.bisect_right(ends, pos)
    return _trim(text, ends[j - 1] if j else 0, ends[j] if j < len(ends) else len(text))


def sentence_ends(text: str) -> list[int]:
    """Where the sentence-end marks of ``text`` end (the raw boundaries of :func:`sentence_spans`)."""
    return list(_sentence_ends(text))


#: the last text whose sentence ends were found, and them: the matcher and the attribution
#: extractor ask for those of the same document one after the other (one scan, not two)
_LAST_ENDS: list[tuple[str, list[int]]] = [("", [])]


def _sentence_ends(text: str) -> list[int]:
    """:func:`sentence_ends`, remembered for the last text asked (the list must not be changed)."""
    last_text, ends = _LAST_ENDS[0]
    if last_text is not text:
        ends = [m.end() for m in _SENT_END_RE.finditer(text)]
        _LAST_ENDS[0] = (text, ends)
    return ends


# --- clitic rules: the one place that knows Arabic proclitics, the article and suffixes ----------
# The lexicon matcher, term statistics, topics, events and attribution all take them from here.

#: conjunctions that may be glued to a word
CONJUNCTIONS = ("و", "ف")
#: prepositions that may be glued to a word (ل + ال is written لل)
PREPOSITIONS = ("ب", "ل", "ك")
#: the definite article
ARTICLE = "ال"
#: possessive / object pronoun suffixes
PRONOUN_SUFFIXES = ("ه", "ها", "هم", "هما", "هن", "ك", "كم", "نا", "ي")

_CONJ = ("", *CONJUNCTIONS)
_PREP = ("", *PREPOSITIONS)
_PRONOUNS = PRONOUN_SUFFIXES


def proclitic_forms(word: str, *, article: bool = True) -> set[str]:
    """The word with every proclitic combination: و ف × ب ل ك × ال (ل+ال → لل).

    ``article=False``: a word written without the article never takes it (the first word of
    a construct «جيش النظام» is never «الجيش النظام»).

    >>> sorted(proclitic_forms("الجيش"))[:4]
    ['الجيش', 'بالجيش', 'فالجيش', 'فبالجيش']
    >>> "الجيش" in proclitic_forms("جيش"), "الجيش" in proclitic_forms("جيش", article=False)
    (True, False)
    """
    if word.startswith("ال") and len(word) > 3:
        bases, definite_only = [word[2:]], True
    else:
        bases, definite_only = [word], False
    forms = set()
    for base in bases:
        for conj in _CONJ:
            for prep in _PREP:
                if definite_only or article:
                    forms.add(conj + ("لل" + base if prep == "ل" else prep + "ال" + base))
                if not definite_only:
                    forms.add(conj + prep + base)
    return forms


def is_construct(words: Sequence[str]) -> bool:
    """Whether a term opens with a construct (idafa): a first word without the article
    followed by a definite word («قوات النظام», «حزب الله»); its first word never takes ال.

    >>> is_construct(["قوات", "النظام"]), is_construct(["الجيش", "الحر"]), is_construct(["جيش"])
    (True, False, False)
    """
    return (len(words) > 1 and not (words[0].startswith("ال") and len(words[0]) > 3)
            and words[1].startswith("ال") and len(words[1]) > 3)


def name_forms(word: str) -> set[str]:
    """A proper name with the proclitics a name takes: و ف × ب ل ك — no article, no suffixes.

    A name written with its article (الأسد) keeps it (ل + ال → لل); one written without
    (مرسي) never takes it, so «المرسي» is not a form of «مرسي».

    >>> sorted(name_forms("مرسي"))[:4]
    ['بمرسي', 'فبمرسي', 'فكمرسي', 'فلمرسي']
    >>> "المرسي" in name_forms("مرسي"), "للاسد" in name_forms("الاسد")
    (False, True)
    """
    forms = set()
    for conj in _CONJ:
        for prep in _PREP:
            if prep == "ل" and word.startswith("ال") and len(word) > 3:
                forms.add(conj + "لل" + word[2:])
            else:
                forms.add(conj + prep + word)
    return forms


def name_bases(token: str) -> list[str]:
    """Every ``w`` whose :func:`name_forms` may contain ``token`` (a superset; ``token`` first).

    >>> name_bases("وبمرسي")
    ['وبمرسي', 'بمرسي', 'مرسي']
    """
    out = [token]
    r = token[1:] if token[:1] in CONJUNCTIONS else token
    if r is not token:
        out.append(r)
    if r[:1] in PREPOSITIONS:
        out.append(r[1:])
    if r.startswith("لل"):
        out.append("ال" + r[2:])
    return [f for f in dict.fromkeys(out) if f]


def suffix_forms(word: str) -> set[str]:
    """The word with plural, dual, feminine, possessive and indefinite accusative (-ا) suffixes (ة → ت before a suffix).

    >>> {"حكومتها", "حكومات", "حكومتين"} <= suffix_forms("حكومه")
    True
    """
    forms = {word}
    if word.endswith("ه") and len(word) > 2:  # ta marbuta (normalized to ه)
        stem = word[:-1]
        forms |= {stem + "ت" + p for p in _PRONOUNS}
        forms |= {stem + "ات", stem + "تان", stem + "تين"}
        forms |= {stem + "ات" + p for p in _PRONOUNS}
    elif word.endswith(("ون", "ين")) and len(word) > 4:  # sound masculine plural given
        stem = word[:-2]
        forms |= {stem + "ون", stem + "ين", stem + "و", stem + "ي"}
        forms |= {stem + "ي" + p for p in _PRONOUNS if p != "ي"}
    else:
        forms |= {word + s for s in ("ون", "ين", "ان", "ات", "ه", "يه", "يون", "يين")}
        forms |= {word + p for p in _PRONOUNS}
        forms |= {word + "ات" + p for p in _PRONOUNS}
        if word.endswith("ا"):
            forms |= {word + "ت" + p for p in _PRONOUNS}
        elif not word.endswith("اء"):  # indefinite accusative -ًا, diacritics gone: شبيحاً → شبيحا
            forms.add(word + "ا")
        if word.endswith("ي"):
            forms |= {word + "ه", word + "ات"}
    return forms


def surface_forms(words: Sequence[str], mode: str = "affix") -> tuple[frozenset[str], ...]:
    """For each word of a normalized term, the token forms that count as that word.

    The first word takes proclitics (:func:`proclitic_forms`), the last word suffixes
    (:func:`suffix_forms`; a one-word term both); ``mode="exact"`` and words of one or two
    letters take neither; ``mode="name"`` (a proper name) gives its first word only the
    proclitics of :func:`name_forms` and no word any suffix. The first word of a construct
    (:func:`is_construct`) takes no article.

    >>> forms = surface_forms(["الاحتلال"])
    >>> {"والاحتلال", "للاحتلال", "بالاحتلال", "الاحتلال"} <= forms[0]
    True
    """
    n = len(words)
    out = []
    for i, word in enumerate(words):
        if mode == "exact" or len(word) <= 2:
            out.append(frozenset({word}))
            continue
        if mode == "name":
            out.append(frozenset(name_forms(word)) if i == 0 else frozenset({word}))
            continue
        forms = {word}
        last_forms = suffix_forms(word) if i == n - 1 else {word}
        if i == 0:
            article = not is_construct(words)
            for f in last_forms:
                forms |= proclitic_forms(f, article=article)
        else:
            forms |= last_forms
        out.append(frozenset(forms))
    return tuple(out)


# The reverse direction, for matching without listing every form of every entry: candidates
# a token may be a form of. Both are supersets of the true answers; a caller keeps a candidate
# only if the forward rule (proclitic_forms / suffix_forms) really gives the token from it.

_SUFFIXES_PLAIN = frozenset(
    ("ون", "ين", "ان", "ات", "ه", "يه", "يون", "يين", "ا", *_PRONOUNS, *("ات" + p for p in _PRONOUNS),
     *("ت" + p for p in _PRONOUNS)))
_SUFFIXES_TA_MARBUTA = frozenset(
    (*("ت" + p for p in _PRONOUNS), "ات", "تان", "تين", *("ات" + p for p in _PRONOUNS)))
_SUFFIXES_PLURAL = frozenset(("ون", "ين", "و", "ي", *("ي" + p for p in _PRONOUNS if p != "ي")))
_MAX_SUFFIX = max(map(len, _SUFFIXES_PLAIN | _SUFFIXES_TA_MARBUTA | _SUFFIXES_PLURAL))
#: every non-empty beginning of a suffix string (what one word's stem may have more than another's
#: when both give the same suffixed form; used to find colliding lexicon entries)
SUFFIX_PREFIXES = frozenset(x[:i] for x in _SUFFIXES_PLAIN | _SUFFIXES_TA_MARBUTA | _SUFFIXES_PLURAL | {"ه"}
                            for i in range(1, len(x) + 1))


def proclitic_bases(token: str) -> list[str]:
    """Every ``f`` whose :func:`proclitic_forms` may contain ``token`` (a superset; ``token`` first).

    >>> proclitic_bases("وللجيش")
    ['وللجيش', 'للجيش', 'لجيش', 'الجيش', 'جيش']
    """
    out = [token]
    for r in (token, token[1:] if token[:1] in CONJUNCTIONS else ""):
        if not r:
            continue
        if r is not token:
            out.append(r)
        if r[:1] in PREPOSITIONS:
            out.append(r[1:])
        if r.startswith("لل"):
            out += ["ال" + r[2:], r[2:]]
        for art in ("ال", "بال", "كال"):
            if r.startswith(art):
                out.append(r[len(art):])
    return [f for f in dict.fromkeys(out) if f]


def suffix_bases(form: str) -> list[str]:
    """Every word whose :func:`suffix_forms` may contain ``form`` (a superset; ``form`` first).

    >>> "حكومه" in suffix_bases("حكومتها")
    True
    """
    out = [form]
    for n in range(1, min(_MAX_SUFFIX, len(form) - 1) + 1):
        rest, suffix = form[:-n], form[-n:]
        if suffix in _SUFFIXES_PLAIN:
            out.append(rest)
        if suffix in _SUFFIXES_TA_MARBUTA:
            out.append(rest + "ه")
        if suffix in _SUFFIXES_PLURAL:
            out += [rest + "ون", rest + "ين"]
    return list(dict.fromkeys(out))


_ARTICLE_CLITICS_4 = ("وبال", "فبال", "ولل", "فلل")
_ARTICLE_CLITICS_3 = ("وال", "فال", "بال", "كال")


def fold_article_clitics(token: str) -> str:
    """Fold a conjunction/preposition glued to the definite article into the article alone.

    Used for word statistics (distinguishing terms, topic words), so that ``والروسي``,
    ``بالروسي`` and ``للروسي`` count as ``الروسي``. Only clitics *before the article* are
    removed: they cannot be part of a root there, whereas a bare initial و or ب can
    (``وزير``, ``بيان``). The token must already be normalized.

    >>> [fold_article_clitics(w) for w in ["والروسي", "للنظام", "وبالجيش", "وزير", "لله", "الثوار"]]
    ['الروسي', 'النظام', 'الجيش', 'وزير', 'لله', 'الثوار']
    """
    if len(token) >= 6 and token.startswith(_ARTICLE_CLITICS_4):
        return "ال" + token[4:] if token[2] == "ا" else "ال" + token[3:]
    if len(token) >= 5 and token.startswith(_ARTICLE_CLITICS_3):
        return token[1:]
    if len(token) >= 5 and token.startswith("لل"):
        return "ال" + token[2:]
    return token


def article_clitic_variants(term: str) -> set[str]:
    """The normalized words that :func:`fold_article_clitics` folds into ``term`` (and ``term``).

    >>> sorted(article_clitic_variants("الجيش"))
    ['الجيش', 'بالجيش', 'فالجيش', 'فبالجيش', 'فللجيش', 'كالجيش', 'للجيش', 'والجيش', 'وبالجيش', 'وللجيش']
    """
    out = {term}
    if term.startswith("ال"):
        rest = term[2:]
        for cand in ("و" + term, "ف" + term, "ب" + term, "ك" + term, "لل" + rest,
                     "وب" + term, "فب" + term, "ولل" + rest, "فلل" + rest):
            if fold_article_clitics(cand) == term:
                out.add(cand)
    return out


_ARTICLE_PREFIXES = ("وال", "فال", "بال", "كال")


def strip_article_clitics(token: str) -> str:
    """Strip the article and its proclitics from a normalized word (``والرئيس`` → ``رئيس``).

    Only prefixes that cannot start a root are removed (``و`` alone is kept: ``وزير``).

    >>> [strip_article_clitics(w) for w in ["والرئيس", "للشرطه", "الاتحاديه", "وزير", "ال"]]
    ['رئيس', 'شرطه', 'اتحاديه', 'وزير', 'ال']
    """
    if token.startswith(_ARTICLE_PREFIXES) and len(token) >= 5:
        return token[3:]
    if token.startswith("لل") and len(token) >= 5:
        return token[2:]
    if token.startswith("ال") and len(token) >= 4:
        return token[2:]
    return token


@lru_cache(maxsize=1 << 16)
def bare_forms(token: str) -> frozenset[str]:
    """The token without proclitics و ف ب ل ك and the article, peeled up to three times (normalized).

    >>> sorted(bare_forms("وللجيش"))
    ['جيش', 'لجيش', 'للجيش', 'وللجيش']
    """
    out = {token}
    frontier = [token]
    for _ in range(3):
        nxt = []
        for t in frontier:
            if len(t) > 3 and t[0] in "وفبلك":
                nxt.append(t[1:])
            if len(t) > 3 and t.startswith("لل"):
                nxt.append(t[2:])
            if len(t) > 3 and t.startswith("ال"):
                nxt.append(t[2:])
        out.update(nxt)
        frontier = nxt
    return frozenset(out)
