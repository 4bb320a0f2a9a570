"""English normalization with offsets, tokens, sentences and inflection: the one owner of
English rules (as :mod:`framing.normalize` owns the Arabic ones).

Normalization folds case, curly and straight quotes and apostrophes (``’`` → ``'``, ``“”`` →
``"``), hyphens and dashes (``‐ ‑ – — ―`` → ``-``) and the dots of acronyms (``U.S.`` →
``us``); invisible format characters are dropped. Every normalized character keeps its span
in the original (:class:`framing.normalize.Normalized`), so matches report offsets of the
text as written.

>>> n = normalize_en("The U.S.\u2019s “regime” forces")
>>> n.text
'the us\\'s "regime" forces'
>>> n.original_span(4, 8)
(4, 10)
>>> tokens(n.text)
['the', "us's", 'regime', 'forces']

Inflection (what :class:`framing.lexicon.Matcher` matches for an English entry): by default
the last word of an entry also matches its plural (``-s``, ``-es``, ``-ies``) and possessive
(``'s``, ``s'``); ``match: name`` only the possessive, and only written with a capital first
letter when the entry is — in a text without any apostrophe (punctuation stripped, as in
FA-KES) also ``<Name>s`` of a name whose last word is written with a capital (``Assads``,
``SANAs``: :func:`stripped_possessive`); ``inflect: verb`` gives the *first* word the verb forms (``-s``/``-es``,
``-ed``/``-d``/``-ied``, ``-ing`` with e-drop and consonant doubling: ``shell`` → ``shelled``,
``open fire`` → ``opened fire``); ``match: exact`` no inflection.

>>> sorted(noun_forms("militia"))
['militia', "militia's", 'militias', "militias'"]
>>> sorted(verb_forms("target"))
['target', 'targeted', 'targeting', 'targets']
>>> {"stopped", "stopping"} <= verb_forms("stop"), {"seized", "seizing"} <= verb_forms("seize")
(True, True)
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from framing.normalize import Normalized, sentence_of

__all__ = [
    "ENGLISH",
    "NOT_STRIPPED_POSSESSIVES",
    "WORD_RE_EN",
    "EnglishRules",
    "fold_term",
    "inflection_bases",
    "load_stopwords_en",
    "name_forms",
    "normalize_en",
    "noun_forms",
    "sentence_ends_en",
    "sentence_spans_en",
    "stripped_possessive",
    "term_ok",
    "term_words",
    "tokens",
    "verb_forms",
    "word_forms",
]

# --- normalization ----------------------------------------------------------------------------

#: one character for another (the length never changes): quotes, apostrophes, dashes, spaces
_FOLD = str.maketrans({
    **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4"},
    **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"},
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
    **{c: " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003"},
})
#: invisible format characters (zero-width spaces and joiners, direction marks, soft hyphen, BOM)
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad\ufeff]")
#: the dots of an acronym of single letters: U.S., U.N., a.m. (the last dot included)
_ACRONYM_RE = re.compile(r"(?<![^\W\d_])(?:[^\W\d_]\.){2,}")


def normalize_en(text: str) -> Normalized:
    """English text folded for matching and counting, with the offset map.

    >>> normalize_en("Assad’s “Tiger Forces” — U.N.").text
    'assad\\'s "tiger forces" - un'
    """
    folded = text.translate(_FOLD)
    low = folded.lower()
    if len(low) != len(folded):  # a letter whose lower case is longer (İ): keep it as it is
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)
    drop = [m.start() for m in _INVISIBLE_RE.finditer(low)]
    for m in _ACRONYM_RE.finditer(low):
        drop.extend(range(m.start() + 1, m.end(), 2))
    if not drop:
        idx = np.arange(len(text), dtype=np.int64)
        return Normalized(low, text, idx, idx + 1)
    keep = np.ones(len(text), dtype=bool)
    keep[drop] = False
    idx = np.flatnonzero(keep).astype(np.int64)
    out = "".join(low[i] for i in idx.tolist())
    # a dropped character belongs to the word before it: "U.S." is the span of "us"
    return Normalized(out, text, idx, np.append(idx[1:], len(text)).astype(np.int64))


# --- tokens and sentences ---------------------------------------------------------------------

#: an English word of normalized text: letters and digits, inner apostrophes (don't, assad's),
#: and the apostrophe of a plural possessive (rebels')
WORD_RE_EN = re.compile(r"[^\W_]+(?:'[^\W_]+)*(?:(?<=s)'(?![^\W_]))?")


def tokens(normalized_text: str) -> list[str]:
    """The word tokens of normalized English text.

    >>> tokens("the rebels' positions, don't")
    ['the', "rebels'", 'positions', "don't"]
    """
    return WORD_RE_EN.findall(normalized_text)


#: words a dot does not end a sentence after (titles, months, company forms, "No.", "vs.")
ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "maj", "adm", "cmdr", "cpl", "pvt",
    "rep", "sen", "gov", "pres", "rev", "hon", "jr", "sr", "st", "mt", "ft", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "corp", "co", "ltd", "dept", "univ",
    "approx", "est", "no", "nos", "vs", "fig", "vol", "ave", "blvd"))

_SENT_END_EN_RE = re.compile(r"(?:[!?…\n]|\.(?!\d))+[\"'”’»)\]]*")
_WORD_BEFORE_RE = re.compile(r"([^\W\d_]+)\Z")


def sentence_ends_en(text: str) -> list[int]:
    """Where sentences of English ``text`` end: ``.``, ``!``, ``?``, ``…`` and line breaks,
    but not the dot of "Mr.", "Jan.", an initial ("George W. Bush"), an acronym ("U.S.") or a
    decimal ("3.5"). Works on original or normalized text.

    >>> t = "Mr. Smith met U.S. envoys on Jan. 5. Talks lasted 3.5 hours! Why? Nobody knows"
    >>> [t[a:b].strip() for a, b in zip([0, *sentence_ends_en(t)], sentence_ends_en(t))]
    ['Mr. Smith met U.S. envoys on Jan. 5.', 'Talks lasted 3.5 hours!', 'Why?']
    """
    out = []
    for m in _SENT_END_EN_RE.finditer(text):
        start = m.start()
        if text[start] == "." and m.group().rstrip("\"'”’»)]") == ".":
            w = _WORD_BEFORE_RE.search(text, max(0, start - 12), start)
            if w is not None and (len(w.group(1)) == 1 or w.group(1).lower() in ABBREVIATIONS):
                continue  # an initial, an acronym's last letter (U.S., p.m.), Mr., Jan.
        out.append(m.end())
    return out


def sentence_spans_en(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of English ``text``, trimmed of white space.

    >>> t = "Gen. Lee spoke. Troops left!"
    >>> [t[a:b] for a, b in sentence_spans_en(t)]
    ['Gen. Lee spoke.', 'Troops left!']
    """
    ends = sentence_ends_en(text)
    spans = []
    for start in [0, *ends]:
        a, b = sentence_of(text, start, ends) if start < len(text) else (0, 0)
        if b > a and WORD_RE_EN.search(text, a, b) and (not spans or spans[-1] != (a, b)):
            spans.append((a, b))
    return spans


# --- inflection -------------------------------------------------------------------------------

_VOWELS = frozenset("aeiou")
_SIBILANT_ENDS = ("s", "x", "z", "ch", "sh")
_VOWEL_GROUPS_RE = re.compile("[aeiouy]+")


def _s_form(word: str) -> str:
    """The -s form: militias, ceasefires, wolves are not handled (write them as entries)."""
    if word.endswith(_SIBILANT_ENDS):
        return word + "es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def _possessives(word: str) -> set[str]:
    return {word + "'", word + "'s"} if word.endswith("s") else {word + "'s"}


@lru_cache(maxsize=65_536)
def noun_forms(word: str) -> frozenset[str]:
    """A noun, its plural and their possessives (``militia``: militias, militia's, militias'); a
    word ending in a single s is taken as a plural already (``forces``: forces', forces's)."""
    if not word[-1:].isalpha():
        return frozenset({word})
    forms = {word, *_possessives(word)}
    if not word.endswith("s") or word.endswith("ss"):  # "rebels", "forces" are plural already
        plural = _s_form(word)
        forms |= {plural, plural + "'"}
    return frozenset(forms)


@lru_cache(maxsize=65_536)
def name_forms(word: str) -> frozenset[str]:
    """A proper name and its possessive (``assad``: assad's; ``idlib``: idlib's)."""
    if not word[-1:].isalpha():
        return frozenset({word})
    return frozenset({word, *_possessives(word)})


@lru_cache(maxsize=65_536)
def verb_forms(word: str) -> frozenset[str]:
    """A verb's -s, -ed and -ing forms (``shell``: shells, shelled, shelling; ``seize``:
    seized, seizing; ``bomb``: bombed; ``deny``: denied; ``target``: targeted, targetted)."""
    if len(word) < 2 or not word.isalpha():
        return frozenset({word})
    forms = {word, _s_form(word)}
    if word.endswith("e"):
        forms.add(word + "d")
        if word.endswith(("ee", "ye", "oe")):
            forms.add(word + "ing")
        elif word.endswith("ie"):
            forms.add(word[:-2] + "ying")
        else:
            forms.add(word[:-1] + "ing")
    elif word.endswith("y") and word[-2] not in _VOWELS:
        forms |= {word[:-1] + "ied", word + "ing"}
    else:
        forms |= {word + "ed", word + "ing"}
        # a final consonant-vowel-consonant doubles in one syllable (stop-ped, hit-ting) and,
        # either way, after a final l or r (occur-red, British travel-led)
        if (len(word) >= 3 and word[-1] not in _VOWELS and word[-1] not in "wxy"
                and word[-2] in _VOWELS and word[-3] not in _VOWELS
                and (len(_VOWEL_GROUPS_RE.findall(word)) == 1 or word[-1] in "lr")):
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return frozenset(forms)


def word_forms(words: Sequence[str], match: str = "affix", inflect: str = "") -> tuple[frozenset[str], ...]:
    """For each normalized word of an English entry, the tokens that count as that word.

    >>> [sorted(f) for f in word_forms(("regime", "force"))]
    [['regime'], ['force', "force's", 'forces', "forces'"]]
    >>> [sorted(f) for f in word_forms(("open", "fire"), inflect="verb")][0]
    ['open', 'opened', 'opening', 'opens']
    """
    n = len(words)
    out = []
    for i, word in enumerate(words):
        if match == "exact":
            out.append(frozenset({word}))
        elif inflect == "verb":
            out.append(verb_forms(word) if i == 0 else frozenset({word}))
        elif i == n - 1:
            out.append(name_forms(word) if match == "name" else noun_forms(word))
        else:
            out.append(frozenset({word}))
    return tuple(out)


@lru_cache(maxsize=262_144)
def inflection_bases(token: str) -> tuple[str, ...]:
    """Words ``token`` may be an inflected form of (a superset: the caller checks each with the
    forward rules :func:`noun_forms`, :func:`name_forms`, :func:`verb_forms`).

    >>> sorted(inflection_bases("shelled"))[:3]
    ['shel', 'shell', 'shelle']
    """
    out = {token}
    if token.endswith("'s"):
        out.add(token[:-2])
    elif token.endswith("'"):
        out.add(token[:-1])
    for s in list(out):
        if s.endswith("ies"):
            out.add(s[:-3] + "y")
        if s.endswith("es"):
            out.add(s[:-2])
        if s.endswith("s"):
            out.add(s[:-1])
        if s.endswith("ied"):
            out.add(s[:-3] + "y")
        if s.endswith("ed"):
            out |= {s[:-2], s[:-1]}
            if len(s) > 4 and s[-3] == s[-4]:
                out.add(s[:-3])
        if s.endswith("ing"):
            b = s[:-3]
            out |= {b, b + "e"}
            if b.endswith("y"):
                out.add(b[:-1] + "ie")
            if len(b) > 2 and b[-1] == b[-2]:
                out.add(b[:-1])
    out.discard("")
    return tuple(sorted(out))


# --- terms ------------------------------------------------------------------------------------

_TERM_RE = re.compile(f"{WORD_RE_EN.pattern}(?:[\\s\\-]+{WORD_RE_EN.pattern})*")


@lru_cache(maxsize=262_144)
def term_words(term: str) -> tuple[str, ...]:
    """The normalized words of an English lexicon term (or context-rule phrase).

    >>> term_words("Assad’s  Tiger-Forces")
    ("assad's", 'tiger', 'forces')
    """
    return tuple(WORD_RE_EN.findall(normalize_en(term).text))


def term_ok(term: str) -> bool:
    """Whether an English term is words separated by spaces or hyphens (no other punctuation;
    apostrophes inside words and the dots of acronyms are fine).

    >>> term_ok("U.S.-backed forces"), term_ok("Assad's army"), term_ok("forces, army")
    (True, True, False)
    """
    return _TERM_RE.fullmatch(normalize_en(term).text.strip()) is not None


def fold_term(token: str) -> str:
    """The term a token counts as in the distinguishing-terms statistic: without its
    possessive (``assad's`` → ``assad``, ``rebels'`` → ``rebels``).

    >>> fold_term("assad's"), fold_term("rebels'"), fold_term("don't")
    ('assad', 'rebels', "don't")
    """
    if token.endswith("'s"):
        return token[:-2]
    if token.endswith("'"):
        return token[:-1]
    return token


def load_stopwords_en(path: str | Path | None = None) -> frozenset[str]:
    """Normalized English stop words, one per line (``#`` starts a comment); ``None`` reads
    ``stopwords-en.txt`` of the default lexicon folder."""
    from framing.errors import LexiconError
    from framing.lexicon.model import default_lexicon_dir

    p = Path(path) if path is not None else default_lexicon_dir() / "stopwords-en.txt"
    if not p.is_file():
        if path is None:  # a lexicon folder of one's own without English stop words
            p = Path(__file__).resolve().parent.parent / "lexicons" / "stopwords-en.txt"
            if not p.is_file():
                return frozenset()
        else:
            raise LexiconError("stop-word file not found", path=p, hint="pass an existing file, one word per line")
    words: set[str] = set()
    for line in p.read_text(encoding="utf-8-sig").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.update(term_words(line))
    return frozenset(words)


# --- the rules object the matcher calls ---------------------------------------------------------


class EnglishRules:
    """The English rules :class:`framing.lexicon.Matcher` uses for lexicons of ``language: en``
    (the Arabic rules of :mod:`framing.normalize` are its default): normalization, tokens,
    sentence ends, the forms of an entry's words, the words a token may be a form of, and the
    capital letter a proper name needs."""

    language = "en"
    word_re = WORD_RE_EN
    split_re = re.compile(f"({WORD_RE_EN.pattern})")

    def normalize(self, text: str) -> Normalized:
        return normalize_en(text)

    def sentence_ends(self, text: str) -> list[int]:
        return sentence_ends_en(text)

    def sentence_of(self, text: str, pos: int, ends: list[int]) -> tuple[int, int]:
        return sentence_of(text, pos, ends)

    def term_words(self, term: str) -> tuple[str, ...]:
        return term_words(term)

    def forms(self, words: Sequence[str], entry) -> tuple[frozenset[str], ...]:
        out = word_forms(words, entry.match, getattr(entry, "inflect", ""))
        if entry.match == "name" and words and _strippable(words[-1]):  # "Assads": see accepts()
            out = (*out[:-1], out[-1] | {words[-1] + "s"})
        return out

    def bases(self, token: str) -> Iterable[str]:
        return inflection_bases(token)

    def accepts(self, entry, text: str, start: int) -> bool:
        """A ``match: name`` entry written with a capital matches only a capitalized word
        ("Turkey", not "turkey"; "US", not "us"); its last word followed by a bare ``s``
        ("Assads", "SANAs") is its possessive only in a text without any apostrophe
        (:func:`stripped_possessive`)."""
        if entry.match != "name":
            return True
        if entry.term[:1].isupper() and not text[start:start + 1].isupper():
            return False
        words = entry.words
        if not words or not _strippable(words[-1]):
            return True
        got = stripped_possessive(text, start, words)
        if got is None:
            return True
        return got and _capital_last(entry.term)  # "Assads" for Assad, never "fronts" for a "front"


_APOSTROPHES_RE = re.compile("['\u2018\u2019\u201b\u02bc\u0060\u00b4\u2032]")


#: names that are another name plus s ("Hamas" is not "Hama's"): never a stripped possessive
NOT_STRIPPED_POSSESSIVES = frozenset(("hamas", "americas", "bahamas", "philippines", "netherlands", "maldives",
                                      "athens", "times"))


def _strippable(word: str) -> bool:
    """Whether a name's possessive could have lost its apostrophe as ``<word>s`` (a word of
    letters not ending in s: "assad" → "assads"; "homs", "isis" never; nor "hama", since
    "Hamas" is a name of its own: :data:`NOT_STRIPPED_POSSESSIVES`)."""
    return (len(word) > 1 and word.isalpha() and not word.endswith("s")
            and word + "s" not in NOT_STRIPPED_POSSESSIVES)


@lru_cache(maxsize=65_536)
def _capital_last(term: str) -> bool:
    """Whether the last word of a term as written starts with a capital (a proper name)."""
    words = WORD_RE_EN.findall(term)
    return bool(words) and words[-1][:1].isupper()


def stripped_possessive(text: str, start: int, words: Sequence[str]) -> bool | None:
    """Whether the name ``words`` (normalized) written at ``start`` of ``text`` ends in a
    possessive whose apostrophe was stripped (``Assads`` for ``Assad's``), and may count as one.

    ``None``: the last word is not ``<name>s``. ``True``: it is, it starts with a capital, its
    ``s`` is lower case, and
    the text has no apostrophe anywhere (a corpus whose punctuation was stripped, as FA-KES) —
    the possessive. ``False``: ``<name>s`` in a text that writes apostrophes ("the Assads" is
    the family there), or all capitals ("UNS"). Names that are another name plus s ("Hamas",
    "Americas") never get here (:data:`NOT_STRIPPED_POSSESSIVES`).

    >>> stripped_possessive("Assads forces advanced", 0, ("assad",))
    True
    >>> stripped_possessive("Assads forces advanced, the ministry's envoy said", 0, ("assad",))
    False
    >>> stripped_possessive("Assad forces advanced", 0, ("assad",)) is None
    True
    """
    found = None
    for k, m in enumerate(WORD_RE_EN.finditer(text, start)):
        if k == len(words) - 1:
            found = m.group()
            break
    if found is None or found.lower() != words[-1] + "s":
        return None
    return found[:1].isupper() and found.endswith("s") and _APOSTROPHES_RE.search(text) is None


#: the English rules (one instance: it holds no state)
ENGLISH = EnglishRules()


def sentence_index(ends: list[int], pos: int) -> int:
    """Which sentence (0-based) of :func:`sentence_ends_en` holds ``pos``."""
    return bisect.bisect_right(ends, pos)
