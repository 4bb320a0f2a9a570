"""Lexicon model and the one validator: :class:`Entry`, :class:`Lexicon`, loading files.

A lexicon file (format: ``docs/lexicon-format.md``) declares its categories and actors and
lists entries ``{term, category, actor?, stance?, note?, match?}``. :func:`load_lexicon`
reads it with the one YAML reader (:func:`framing.lexicon.yamlio.read_yaml`) and
:func:`lexicon_from_data` validates it, reporting the first problem with file:line
(:func:`framing.lexicon.validate.validate` reports every problem of a folder).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from framing.errors import LexiconError
from framing.lexicon.yamlio import gc_paused, read_yaml
from framing.normalize import (
    SUFFIX_PREFIXES,
    WORD_RE,
    normalize_ar,
    proclitic_bases,
    suffix_forms,
    surface_forms,
)

__all__ = [
    "ENTRY_KEYS",
    "INFLECT_MODES",
    "KINDS",
    "MATCH_MODES",
    "MAX_ENTRIES",
    "PERSON_CATEGORY",
    "RULE_FIELDS",
    "TOP_KEYS",
    "Collision",
    "Entry",
    "Issue",
    "Lexicon",
    "category_kinds",
    "check_lexicon_data",
    "collisions",
    "default_lexicon_dir",
    "lexicon_files",
    "lexicon_from_data",
    "load_lexicon",
    "load_lexicons",
    "load_stopwords",
    "loaded_categories",
    "match_rank",
    "max_entries",
    "normalize_term",
    "overlap_lines",
    "read_lexicon_text",
    "term_words",
]

KINDS = ("framing", "reporting_verbs", "sources")
MATCH_MODES = ("affix", "exact", "name")
#: entries of this category are proper names unless they say otherwise (``match: name``)
PERSON_CATEGORY = "person"
#: what a category marks (``categories: {id: {description: ..., kind: ...}}``): ``loaded``
#: wording (the default), a ``topic`` (the subject, not a framing choice: counted and charted
#: apart, never in the loaded-term density) or an actor ``label``
CATEGORY_KINDS = ("loaded", "topic", "label")
#: categories whose default kind is ``label`` (an actor's name is not loaded wording)
LABEL_CATEGORIES = ("actor_label", PERSON_CATEGORY)
#: context rules an entry may carry: words that must not follow / precede it, words one of
#: which must be in its sentence, words none of which may be
RULE_FIELDS = ("not_followed_by", "not_preceded_by", "in_sentence", "not_in_sentence")
#: how the words of an English entry inflect (``inflect:``): ``noun`` (the default: the last word
#: takes the plural and possessive) or ``verb`` (the first word takes -s, -ed, -ing); see
#: :mod:`framing.english`
INFLECT_MODES = ("noun", "verb")
ENTRY_KEYS = ("term", "category", "actor", "stance", "note", "match", "inflect", "canonical", "id", *RULE_FIELDS)

# --- records --------------------------------------------------------------------------------


@lru_cache(maxsize=262_144)
def normalize_term(term: str) -> tuple[str, ...]:
    """The normalized words of a term.

    >>> normalize_term("الإرهابيّين ")
    ('الارهابيين',)
    """
    return tuple(WORD_RE.findall(normalize_ar(term)))


def term_words(term: str, language: str = "ar") -> tuple[str, ...]:
    """The normalized words of a term in a lexicon of ``language`` (English terms are folded
    by :mod:`framing.english`, every other language as Arabic).

    >>> term_words("Regime Forces", "en"), term_words("قوات النظام")
    (('regime', 'forces'), ('قوات', 'النظام'))
    """
    if language == "en":
        from framing.english import term_words as en_words

        return en_words(term)
    return normalize_term(term)


def _term_ok(term: str, language: str) -> bool:
    """Whether a term (or rule phrase) is words separated by spaces (or hyphens) once normalized."""
    if language == "en":
        from framing.english import term_ok

        return term_ok(term)
    return _TERM_PUNCT_OK.match(normalize_ar(term).strip()) is not None


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry. ``line`` is its 1-based line in the file (0 if built in code).

    ``match`` is ``affix`` (clitics and suffixes), ``exact`` or ``name`` (a proper name:
    only و ف ب ل ك before it). ``language`` is the lexicon's; an English entry's words are
    folded by :mod:`framing.english` and ``inflect`` (``noun``/``verb``, empty: noun) says how
    they inflect. The four rule fields hold words or phrases, as written:
    a match is dropped when one of ``not_followed_by`` comes right after it or one of
    ``not_preceded_by`` right before it, when its sentence holds none of ``in_sentence``
    (if given) or one of ``not_in_sentence``.
    """

    term: str
    category: str
    actor: str | None = None
    stance: float = 0.0
    note: str = ""
    match: str = "affix"
    canonical: str = ""
    id: str = ""
    line: int = 0
    not_followed_by: tuple[str, ...] = ()
    not_preceded_by: tuple[str, ...] = ()
    in_sentence: tuple[str, ...] = ()
    not_in_sentence: tuple[str, ...] = ()
    inflect: str = ""
    language: str = "ar"

    @property
    def words(self) -> tuple[str, ...]:
        if self.language == "en":
            return term_words(self.term, "en")
        return normalize_term(self.term)

    @property
    def has_rules(self) -> bool:
        """Whether a context rule can drop a match of this entry."""
        return bool(self.not_followed_by or self.not_preceded_by or self.in_sentence or self.not_in_sentence)


@dataclass
class Lexicon:
    """A validated lexicon file."""

    name: str
    kind: str = "framing"
    language: str = "ar"
    version: str = "0"
    description: str = ""
    categories: dict[str, str] = field(default_factory=dict)
    actors: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    path: Path | None = None
    sha256: str = ""
    #: category → its declared kind (one of :data:`CATEGORY_KINDS`); see :meth:`kind_of`
    category_kinds: dict[str, str] = field(default_factory=dict)

    def kind_of(self, category: str) -> str:
        """The kind of ``category``: as declared, else ``label`` for :data:`LABEL_CATEGORIES`,
        else ``loaded``.

        >>> Lexicon("x", categories={"aid": ""}, category_kinds={"aid": "topic"}).kind_of("aid")
        'topic'
        >>> Lexicon("x").kind_of("actor_label"), Lexicon("x").kind_of("aggression")
        ('label', 'loaded')
        """
        return self.category_kinds.get(category) or default_category_kind(category)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, term: str) -> bool:
        key = term_words(term, self.language)
        return any(e.words == key for e in self.entries)

    def find(self, term: str) -> list[Entry]:
        """Entries whose normalized term equals the normalized ``term``."""
        key = term_words(term, self.language)
        return [e for e in self.entries if e.words == key]

    @classmethod
    def from_entries(cls, name: str, entries: Iterable[dict], *, kind: str = "framing", **meta) -> Lexicon:
        """Build a lexicon in code (tests, notebooks); categories and actors are inferred."""
        built = []
        cats: dict[str, str] = dict(meta.pop("categories", {}))
        actors: dict[str, str] = dict(meta.pop("actors", {}))
        language = str(meta.get("language", "ar"))
        for raw in entries:
            e = _entry_from_mapping(raw, name=name, path=None, line=0, language=language)
            cats.setdefault(e.category, "")
            if e.actor:
                actors.setdefault(e.actor, "")
            built.append(e)
        return cls(name=name, kind=kind, categories=cats, actors=actors, entries=built, **meta)


def default_category_kind(category: str) -> str:
    """``label`` for :data:`LABEL_CATEGORIES`, else ``loaded`` (a category declared without a kind)."""
    return "label" if category in LABEL_CATEGORIES else "loaded"


def category_kinds(lexicons: Iterable[Lexicon]) -> dict[str, str]:
    """Category → kind over the framing lexicons of a run (what ``run.json`` records as
    ``category_kinds``); a category two lexicons declare with different kinds is a
    :class:`LexiconError` naming both files.

    >>> a = Lexicon("a", categories={"aid": "", "massacre": ""}, category_kinds={"aid": "topic"})
    >>> category_kinds([a])
    {'aid': 'topic', 'massacre': 'loaded'}
    """
    kinds: dict[str, str] = {}
    source: dict[str, Lexicon] = {}
    for lex in lexicons:
        if lex.kind != "framing":
            continue
        for cat in lex.categories:
            k = lex.kind_of(cat)
            if cat in kinds and kinds[cat] != k:
                other = source[cat]
                raise LexiconError(
                    f"category {cat!r} is kind {k!r} here but {kinds[cat]!r} in {other.path or other.name}",
                    path=lex.path, line=_category_line(lex, cat),
                    hint=f"declare {cat!r} with the same kind in both lexicons (kind: loaded | topic | label)")
            kinds.setdefault(cat, k)
            source.setdefault(cat, lex)
    return dict(sorted(kinds.items()))


def loaded_categories(lexicons: Iterable[Lexicon]) -> list[str]:
    """The categories of kind ``loaded`` over the framing lexicons (what "loaded-term density" counts)."""
    return [c for c, k in category_kinds(lexicons).items() if k == "loaded"]


def _category_line(lex: Lexicon, category: str) -> int | None:
    """The line declaring ``category`` in the lexicon's file (None if unknown)."""
    if lex.path is None:
        return None
    try:
        data = read_yaml(Path(lex.path).read_text(encoding="utf-8-sig"))
        return _line_of(data.get("categories") or {}, category)
    except Exception:
        return None


def _entry_from_mapping(raw, *, name: str, path, line: int, language: str = "ar") -> Entry:
    if not isinstance(raw, dict):
        raise LexiconError("an entry must be a mapping like {term: ..., category: ...}", path=path, line=line,
                           hint="write each entry as '- {term: ..., category: ..., stance: ...}'")
    unknown = set(raw) - set(ENTRY_KEYS)
    if unknown:
        close = difflib.get_close_matches(str(sorted(unknown)[0]), ENTRY_KEYS, n=1)
        raise LexiconError(f"unknown entry field(s) {sorted(unknown)}", path=path, line=line,
                           hint=(f"did you mean '{close[0]}'? " if close else "") + f"allowed: {', '.join(ENTRY_KEYS)}")
    term = raw.get("term")
    if not isinstance(term, str) or not term.strip():
        raise LexiconError("entry has no 'term'", path=path, line=line, hint="add term: <Arabic words>")
    category = raw.get("category")
    if not isinstance(category, str) or not category:
        raise LexiconError(f"entry '{term}' has no 'category'", path=path, line=line,
                           hint="add category: <one of the lexicon's categories>")
    stance = raw.get("stance", 0.0)
    if stance is None:
        stance = 0.0
    if isinstance(stance, bool) or not isinstance(stance, (int, float)):
        raise LexiconError(f"stance of '{term}' is not a number: {stance!r}", path=path, line=line,
                           hint="use a number between -1 and 1")
    if not -1.0 <= float(stance) <= 1.0:
        raise LexiconError(f"stance of '{term}' is {stance}, outside [-1, 1]", path=path, line=line,
                           hint="use a number between -1 (delegitimizing) and 1 (legitimizing)")
    match = raw.get("match") or ("name" if category == PERSON_CATEGORY else "affix")
    if match not in MATCH_MODES:
        raise LexiconError(f"match of '{term}' is {match!r}", path=path, line=line,
                           hint="use match: affix (default), match: exact or match: name (a proper name)")
    inflect = raw.get("inflect") or ""
    if inflect and inflect not in INFLECT_MODES:
        raise LexiconError(f"inflect of '{term}' is {inflect!r}", path=path, line=line,
                           hint="use inflect: noun (default: plural and possessive) or inflect: verb (-s, -ed, -ing)")
    rules = {key: _rule_words(raw.get(key), key=key, term=term, path=path, line=line, language=language)
             for key in RULE_FIELDS}
    actor = raw.get("actor") or None
    words = term_words(term, language)
    return Entry(
        term=str(term).strip(),
        category=str(category),
        actor=str(actor) if actor else None,
        stance=float(stance),
        note=str(raw.get("note") or ""),
        match=str(match),
        canonical=str(raw.get("canonical") or ""),
        id=str(raw.get("id") or f"{name}:{' '.join(words)}"),
        line=line,
        inflect=str(inflect),
        language=language,
        **rules,
    )


def _rule_words(value, *, key: str, term: str, path, line: int, language: str = "ar") -> tuple[str, ...]:
    """The words or phrases of a context rule (a string or a list of strings), as written."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise LexiconError(f"{key} of '{term}' must be a word or a list of words, not {value!r}", path=path,
                           line=line, hint=f"write {key}: [word, other phrase]")
    out = []
    for v in items:
        if not _term_ok(v, language):
            raise LexiconError(f"{key} of '{term}' has {v!r}, which is not words separated by spaces", path=path,
                               line=line, hint="give words or phrases without punctuation")
        out.append(v.strip())
    return tuple(out)


# --- collisions: entries that can match the same words ------------------------------------------
# Two entries collide when one token sequence is a form of both (clitics, the article and
# suffixes considered). Listing every form of every entry costs seconds on 100k entries, so
# candidates come from a stem key: every suffix form of a word starts with the word minus
# at most two letters (ة, ون/ين), and adds at most five; two words share a form only if one
# key is the other or the other minus up to five letters. Candidates are then checked with
# the forms themselves (exact); the article is compared away, so «جيش» meets «الجيش».

_MAX_ADDED = 5
_GLUED = frozenset("وفبلك")  # letters that may be a proclitic glued to a word


def _raw_stem(last: str) -> str:
    """What every suffix form of ``last`` starts with (see :func:`framing.normalize.suffix_forms`)."""
    if last.endswith("ه") and len(last) > 2:
        return last[:-1]
    if last.endswith(("ون", "ين")) and len(last) > 4:
        return last[:-2]
    return last


def _glued_keys(words: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """Stem keys of the term read with a leading proclitic letter taken off its first word."""
    w = words[0]
    stem = _raw_stem(w) if len(words) == 1 else ""
    for base in proclitic_bases(w)[1:]:
        if len(words) > 1:
            yield _stem_key((base, *words[1:]))
            continue
        st = stem[len(w) - len(base):] if w.endswith(base) else "ال" + stem[2:]  # لل → ال
        yield "", st
        if st.startswith("ال"):  # a short word keeps ال in its key («الب»), a longer one drops it
            yield "", st[2:]


def _stem_key(words: tuple[str, ...]) -> tuple[str, str]:
    """(the words before the last, article stripped from the first; the last word's stem)."""
    last = words[-1]
    stem = _raw_stem(last)
    if len(words) == 1:
        return "", (stem[2:] if stem.startswith("ال") and len(last) > 3 else stem)
    return " ".join((_core(words[0]), *words[1:-1])), stem


@dataclass(frozen=True, slots=True)
class Collision:
    """Two entries that match the same words. ``kind``: ``same-term`` (the same normalized
    words, in two lexicons: the first lexicon wins), ``agree`` (other written forms, same
    actor, category and stance: each counts where the text has its own written form) or
    ``conflict`` (they differ: an error, as a text both match would change scores by which
    entry wins)."""

    first: Entry
    first_lexicon: Lexicon
    second: Entry
    second_lexicon: Lexicon
    shared: tuple[str, ...]  # a few forms of the last word that both match
    kind: str

    def where(self, which: str) -> str:
        e, lex = (self.first, self.first_lexicon) if which == "first" else (self.second, self.second_lexicon)
        return f"{lex.path if lex.path is not None else lex.name}:{e.line}"


def collisions(lexicons: Sequence[Lexicon], *, across_only: bool = False) -> list[Collision]:
    """Every pair of entries of framing lexicons that can match the same words.

    ``first`` is the entry that comes first (earlier lexicon, then earlier line).
    With ``across_only``, pairs inside one lexicon are left out. Linear in the entries
    (stem keys), then exact on the few candidates.
    """
    items = [(lex, e) for lex in lexicons if lex.kind == "framing" for e in lex.entries]
    index: dict[tuple[str, str], list[int]] = {}
    keys = []
    for i, (_, e) in enumerate(items):
        key = _stem_key(e.words) if e.words else ("\x00", "")
        keys.append(key)
        index.setdefault(key, []).append(i)

    def cores(i: int) -> frozenset[str]:  # the last word's suffix forms, article stripped
        got = cores_cache.get(i)
        if got is None:
            e = items[i][1]
            last = e.words[-1]
            got = cores_cache[i] = frozenset(
                _core(f) for f in (suffix_forms(last) if e.match == "affix" and len(last) > 2 else (last,)))
        return got

    cores_cache: dict[int, frozenset[str]] = {}
    out = []
    done: set[tuple[int, int]] = set()  # pairs found through a glued proclitic (may be found twice)

    def check(a: int, b: int, glued: bool) -> None:
        lo, hi = (a, b) if a < b else (b, a)
        (la, ea), (lb, eb) = items[lo], items[hi]
        if (la is lb and across_only) or len(ea.words) != len(eb.words):
            return
        if glued:
            if (lo, hi) in done:
                return
            done.add((lo, hi))
        elif not (shared := cores(lo) & cores(hi)):
            return
        if not glued and len(ea.words) == 1 and ea.match == eb.match == "affix" and min(
                len(ea.words[0]), len(eb.words[0])) > 3:
            # one-word affix entries: sharing a suffix form (article aside) is sharing a form
            sample = tuple(sorted(shared, key=lambda f: (len(f), f))[:3])
        else:
            fa, fb = surface_forms(ea.words, ea.match), surface_forms(eb.words, eb.match)
            if not all(x & y for x, y in zip(fa, fb, strict=True)):
                return
            sample = tuple(sorted(fa[-1] & fb[-1], key=lambda f: (len(f), f))[:3])
        if ea.words == eb.words:
            kind = "same-term"
        elif (ea.actor, ea.category, ea.stance) == (eb.actor, eb.category, eb.stance):
            kind = "agree"
        else:
            kind = "conflict"
        out.append(Collision(ea, la, eb, lb, sample, kind))

    # «لجنة» is also ل + «جنة»: a word that opens with a proclitic letter is indexed without it too
    glued_index: dict[tuple[str, str], list[int]] = {}
    for b, key in enumerate(keys):
        words = items[b][1].words
        if key[0] != "\x00" and words[0][:1] in _GLUED:
            for head, stem in _glued_keys(words):
                glued_index.setdefault((head, stem), []).append(b)
                for j in range(1, min(_MAX_ADDED, len(stem) - 1) + 1):  # the glued stem is the longer
                    if stem[len(stem) - j:] in SUFFIX_PREFIXES:
                        for a in index.get((head, stem[:len(stem) - j]), ()):
                            if a != b:
                                check(a, b, True)

    for b, (head, stem) in enumerate(keys):
        if head == "\x00":
            continue
        for j in range(min(_MAX_ADDED, len(stem) - 1) + 1):
            if j and stem[len(stem) - j:] not in SUFFIX_PREFIXES:
                continue
            k = (head, stem[:len(stem) - j])
            for a in index.get(k, ()):
                if a != b and (j or a < b):
                    check(a, b, False)
            for a in glued_index.get(k, ()):
                if a != b:
                    check(a, b, True)
    return out


@lru_cache(maxsize=65_536)
def _written_forms(word: str, first: bool, match: str, article: bool = True) -> frozenset[str]:
    from framing.normalize import name_forms, proclitic_forms

    if not first or match == "exact" or len(word) <= 2:
        return frozenset({word})
    return frozenset(name_forms(word) if match == "name" else proclitic_forms(word, article=article))


def _last_closeness(e: Entry, token: str) -> int:
    """How many letters the last matched token shares with the entry's last word as written
    (after the proclitics a one-word entry may take)."""
    from framing.normalize import proclitic_bases

    w = e.words[-1]
    if len(e.words) > 1:
        return _common_prefix(token, w)
    w = _core(w)
    return max(_common_prefix(_core(c), w) for c in proclitic_bases(token))


def _core(word: str) -> str:
    """The word without its article (the article is compared away)."""
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def match_rank(e: Entry, tokens: Sequence[str]) -> tuple[int, int]:
    """How far the matched (normalized) tokens are from ``e`` as written: the words that are
    not as written (proclitics on the first word allowed), then minus the letters the last
    token shares with the last word. Of entries matching one span the lowest rank counts, so
    the text «المتظاهرين» counts under «المتظاهرين», not «المتظاهرون».

    >>> e1, e2 = Entry("المتظاهرين", "x"), Entry("المتظاهرون", "x")
    >>> match_rank(e1, ["والمتظاهرين"]) < match_rank(e2, ["والمتظاهرين"])
    True
    """
    from framing.normalize import is_construct

    words = e.words
    article = not is_construct(words)
    off = sum(t not in _written_forms(w, k == 0, e.match, article)
              for k, (t, w) in enumerate(zip(tokens, words, strict=False)))
    return off, -_last_closeness(e, tokens[-1])


def _conflict_error(c: Collision) -> LexiconError:
    a, b = c.first, c.second
    diff = [f"{k} {getattr(a, k)!r} vs {getattr(b, k)!r}" for k in ("actor", "category", "stance")
            if getattr(a, k) != getattr(b, k)]
    return LexiconError(
        f"'{b.term}' and '{a.term}' ({c.where('first')}) match the same words (e.g. «{c.shared[0]}») "
        f"but differ: {', '.join(diff)}", path=c.second_lexicon.path, line=b.line or None,
        hint="give both the same actor, category and stance, make one match: exact (or match: name for a "
             "proper name), or remove one")


def overlap_lines(lexicons: Sequence[Lexicon]) -> list[str]:
    """One line per pair of framing lexicons that share terms, e.g.
    ``3 terms of mine.yaml also in syria.yaml; mine.yaml wins`` (the first given wins)."""
    counts: dict[tuple[int, int], set[str]] = {}
    order = {id(lex): i for i, lex in enumerate(lexicons)}
    for c in collisions(lexicons, across_only=True):
        key = (order[id(c.first_lexicon)], order[id(c.second_lexicon)])
        counts.setdefault(key, set()).add(c.first.id)

    def label(lex: Lexicon) -> str:
        return lex.path.name if lex.path is not None else lex.name

    out = []
    for (i, j), ids in sorted(counts.items()):
        a, b = lexicons[i], lexicons[j]
        n = len(ids)
        out.append(f"{n} term{'s' if n != 1 else ''} of {label(a)} also in {label(b)}; {label(a)} wins")
    return out


# --- loading ----------------------------------------------------------------------------------

_TERM_PUNCT_OK = re.compile(r"^[^\W_]+(?:[\s\-–—]+[^\W_]+)*$")


#: entries one lexicon file may hold; ``$FRAMING_MAX_LEXICON_ENTRIES`` raises it
MAX_ENTRIES = 200_000
_ENTRIES_ENV = "FRAMING_MAX_LEXICON_ENTRIES"
#: bytes a lexicon file may have per allowed entry (checked before parsing)
_BYTES_PER_ENTRY = 1_000


def max_entries() -> int:
    """The entry bound in force: ``$FRAMING_MAX_LEXICON_ENTRIES`` or :data:`MAX_ENTRIES`."""
    raw = os.environ.get(_ENTRIES_ENV)
    if raw is None or not raw.strip():
        return MAX_ENTRIES
    try:
        return max(int(raw), 0)
    except ValueError:
        raise LexiconError(f"{_ENTRIES_ENV}={raw!r} is not a whole number",
                           hint=f"set it to a number of entries, e.g. {MAX_ENTRIES * 2}") from None


def _too_many(what: str, path: Path | None, line: int | None, limit: int) -> LexiconError:
    return LexiconError(f"{what}: more than the {limit:,} entries a lexicon may have", path=path, line=line,
                        hint=f"split it into several files, or raise the bound with {_ENTRIES_ENV}=N")


def read_lexicon_text(path: Path, *, missing_hint: str = "check the path or run 'framing lexicon list'"
                      ) -> tuple[str, bytes]:
    """A lexicon file's text (UTF-8, a BOM allowed) and its bytes (for hashes and the BOM)."""
    if not path.exists():
        raise LexiconError("lexicon file not found", path=path, hint=missing_hint)
    if not path.is_file():  # a folder, FIFO or device: reading it would fail or never end
        raise LexiconError("not a regular file", path=path, hint="a lexicon is a .yaml file; remove or rename this one")
    limit = max_entries()
    if path.stat().st_size > max(limit, 1) * _BYTES_PER_ENTRY:
        raise _too_many(f"file of {path.stat().st_size:,} bytes", path, None, limit)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"not UTF-8 ({exc.reason} at byte {exc.start})", path=path,
                           hint="save the file as UTF-8") from None
    return text, raw


def load_lexicon(path: str | Path) -> Lexicon:
    """Load and validate one lexicon file; raise :class:`LexiconError` with file:line.

    >>> lex = load_lexicon(default_lexicon_dir() / "syria.yaml")  # doctest: +SKIP
    """
    from dataclasses import replace

    from framing.lexicon.yamlio import _ALIAS_ENV

    path = Path(path)
    text, raw_bytes = read_lexicon_text(path)
    sha = hashlib.sha256(raw_bytes).hexdigest()
    # a file read again with the same bytes and bounds is not parsed and validated again
    key = (str(path), sha, os.environ.get(_ENTRIES_ENV), os.environ.get(_ALIAS_ENV))
    lex = _LOADED.get(key)
    if lex is None:
        data = read_yaml(text, path=path)
        with gc_paused():
            lex = lexicon_from_data(data, path=path)
        lex.sha256 = sha
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.clear()
        _LOADED[key] = lex
    # a copy: a caller that edits its lexicon does not edit the cached one (entries are frozen)
    return replace(lex, entries=list(lex.entries), categories=dict(lex.categories), actors=dict(lex.actors),
                   category_kinds=dict(lex.category_kinds))


#: lexicons parsed in this process, by (path, SHA-256 of the bytes, entry and alias bounds)
_LOADED: dict[tuple, Lexicon] = {}
_LOADED_MAX = 64


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem of a lexicon file.

    ``severity`` is ``error`` (the file cannot be used as it is) or ``warning``.
    ``code``: yaml, encoding, missing-file, not-a-file, schema, metadata, unknown-category,
    unknown-actor, stance, duplicate, unmatchable, size, shadowed, overlap, cross-duplicate,
    name-clash, unknown-key, collision, one-language.
    """

    path: str
    line: int
    severity: str
    code: str
    message: str
    hint: str = ""

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}" + (f" — {self.hint}" if self.hint else "")


def _issue(path, line, severity, code, message, hint="") -> Issue:
    return Issue(str(path), int(line or 0), severity, code, message, hint)


#: the top-level keys of a lexicon file
TOP_KEYS = ("name", "kind", "language", "version", "description", "categories", "actors", "entries")


def _line_of(container, key) -> int | None:
    """1-based line of a key (or item index) in data read by :func:`~framing.lexicon.yamlio.read_yaml`."""
    lc = getattr(container, "lc", None)
    try:
        if isinstance(key, int):
            return lc.item(key)[0] + 1
        return lc.key(key)[0] + 1
    except Exception:
        return None


def check_lexicon_data(data, *, path: Path | str | None = None) -> tuple[list[Issue], Lexicon | None]:
    """The one validator of a lexicon file's content: every problem, and the lexicon.

    Returns the issues in file order (errors and warnings) and a :class:`Lexicon` of the
    valid entries (``None`` when the data is not a mapping). :func:`lexicon_from_data`
    (loading) raises the first error; :func:`framing.lexicon.validate.validate` lists them all.
    """
    issues: list[Issue] = []
    where = path if path is not None else "<lexicon>"
    if not isinstance(data, dict):
        return [_issue(where, 1, "error", "schema", "a lexicon file must be a mapping with name, kind, "
                       "categories, entries", "see docs/lexicon-format.md")], None

    def line_of(key) -> int:
        return _line_of(data, key) or 1

    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        issues.append(_issue(where, 1, "error", "schema", "missing 'name'", "add 'name: my-lexicon' at the top"))
        name = None
    kind = data.get("kind", "framing")
    if kind not in KINDS:
        issues.append(_issue(where, line_of("kind"), "error", "schema", f"unknown kind {kind!r}",
                             f"use one of {', '.join(KINDS)}"))
    for key in ("language", "version", "description"):
        if not str(data.get(key) or "").strip():
            issues.append(_issue(where, 1, "warning", "metadata", f"no '{key}'",
                                 f"add '{key}: ...' so a paper can cite this lexicon precisely"))
    for key in data:
        if key not in TOP_KEYS:
            close = difflib.get_close_matches(str(key), sorted(TOP_KEYS), n=1)
            issues.append(_issue(where, line_of(key), "warning", "unknown-key", f"unknown key {key!r} is ignored",
                                 f"did you mean '{close[0]}'?" if close else "remove it or make it a comment"))
    declared: dict[str, dict] = {}
    for key in ("categories", "actors"):
        value = data.get(key) or {}
        if not isinstance(value, dict):
            issues.append(_issue(where, line_of(key), "error", "schema", f"'{key}' must be a mapping of id: "
                                 "description", f"write '{key}:' then '  some_id: description'"))
            value = {}
        declared[key] = value
    cat_desc: dict[str, str] = {}
    cat_kinds: dict[str, str] = {}
    for key, value in declared["categories"].items():
        cline = _line_of(declared["categories"], key) or line_of("categories")
        if isinstance(value, dict):
            unknown = [str(k) for k in value if k not in ("description", "kind")]
            if unknown:
                issues.append(_issue(where, cline, "error", "category-kind", f"category {key!r} has unknown "
                                     f"key(s) {', '.join(map(repr, unknown))}",
                                     "write '  id: {description: ..., kind: loaded | topic | label}'"))
            k = value.get("kind", "loaded")
            if k not in CATEGORY_KINDS:
                issues.append(_issue(where, cline, "error", "category-kind", f"category {key!r} has unknown "
                                     f"kind {k!r}", f"use one of {', '.join(CATEGORY_KINDS)}"))
            elif "kind" in value:
                cat_kinds[str(key)] = str(k)
            value = value.get("description")
        elif value is not None and not isinstance(value, str):
            issues.append(_issue(where, cline, "error", "schema", f"category {key!r} must be a description or "
                                 "{description: ..., kind: ...}", "write '  id: description' or "
                                 "'  id: {description: ..., kind: topic}'"))
            value = ""
        cat_desc[str(key)] = str(value or "")
    categories = set(cat_desc)
    actors = {str(k) for k in declared["actors"]}
    language = str(data.get("language", "ar"))
    entries_raw = data.get("entries")
    if entries_raw is None:
        entries_raw = []
    if not isinstance(entries_raw, list):
        issues.append(_issue(where, line_of("entries"), "error", "schema", "'entries' must be a list",
                             "write each entry on its own line as '- {term: ..., category: ...}'"))
        entries_raw = []
    limit = max_entries()
    if len(entries_raw) > limit:
        err = _too_many(f"{len(entries_raw):,} entries", path, line_of("entries"), limit)
        issues.append(_issue(where, err.line, "error", "size", err.message, err.hint or ""))
        entries_raw = []
    entries: list[Entry] = []
    seen: dict[tuple[str, ...], tuple[int, str]] = {}
    for i, raw in enumerate(entries_raw):
        line = _line_of(entries_raw, i) or 0
        raw_d = raw
        if isinstance(raw, dict) and raw.get("stance") is not None:
            st = raw.get("stance")
            if isinstance(st, bool) or not isinstance(st, (int, float)):
                issues.append(_issue(where, line, "error", "stance", f"stance of '{raw.get('term')}' is not a "
                                     f"number: {st!r}", "use a number between -1 and 1"))
                raw_d = {**raw, "stance": 0.0}
            elif not -1.0 <= float(st) <= 1.0:
                issues.append(_issue(where, line, "error", "stance", f"stance of '{raw.get('term')}' is {st}, "
                                     "outside [-1, 1]", "use a number between -1 (delegitimizing) and 1 "
                                     "(legitimizing)"))
                raw_d = {**raw, "stance": 0.0}
        try:
            entry = _entry_from_mapping(raw_d, name=name or Path(str(where)).stem, path=path, line=line,
                                        language=language)
        except LexiconError as exc:
            issues.append(_issue(where, line, "error", "schema", exc.message, exc.hint or ""))
            continue
        if entry.category not in categories:
            close = difflib.get_close_matches(entry.category, sorted(categories), n=1)
            issues.append(_issue(where, line, "error", "unknown-category",
                                 f"unknown category {entry.category!r} for '{entry.term}'",
                                 (f"did you mean '{close[0]}'? " if close else "") +
                                 f"declare it under 'categories:' or use one of {sorted(categories)}"))
        if entry.actor and entry.actor not in actors:
            close = difflib.get_close_matches(entry.actor, sorted(actors), n=1)
            issues.append(_issue(where, line, "error", "unknown-actor",
                                 f"unknown actor {entry.actor!r} for '{entry.term}'",
                                 (f"did you mean '{close[0]}'? " if close else "") +
                                 f"declare it under 'actors:' or use one of {sorted(actors)}"))
        words = entry.words
        if not words or not _term_ok(entry.term, language):
            issues.append(_issue(where, line, "error", "unmatchable",
                                 f"term '{entry.term}' can never match: after normalization it is not words "
                                 "separated by spaces", "remove punctuation (matches never cross , . : or "
                                 "line breaks)"))
            continue
        if words in seen:
            other_line, other_term = seen[words]
            same = "" if other_term == entry.term else f" ('{' '.join(words)}' after normalization)"
            issues.append(_issue(where, line, "error", "duplicate",
                                 f"'{entry.term}' duplicates '{other_term}' at line {other_line}{same}",
                                 "remove one of them or merge their notes"))
            continue
        seen[words] = (line, entry.term)
        entries.append(entry)
    lex = Lexicon(
        name=(name or "").strip(),
        kind=kind if kind in KINDS else "framing",
        language=language,
        version=str(data.get("version", "0")),
        description=str(data.get("description", "") or "").strip(),
        categories=cat_desc,
        actors={str(k): str(v or "") for k, v in declared["actors"].items()},
        entries=entries,
        path=Path(path) if path is not None else None,
        category_kinds=cat_kinds,
    )
    for c in collisions([lex]):
        if c.kind == "conflict":
            err = _conflict_error(c)
            issues.append(_issue(where, c.second.line, "error", "collision", err.message, err.hint or ""))
    if any(i.code == "collision" for i in issues):
        issues.sort(key=lambda i: i.line)
    return issues, lex


def lexicon_from_data(data, *, path: Path | None = None) -> Lexicon:
    """Validate parsed YAML data (a mapping) into a :class:`Lexicon`; raise the first error
    of :func:`check_lexicon_data` as a :class:`LexiconError` naming file and line."""
    issues, lex = check_lexicon_data(data, path=path)
    for issue in issues:
        if issue.severity == "error":
            raise LexiconError(issue.message, path=path, line=issue.line or None, hint=issue.hint or None)
    assert lex is not None
    return lex


def default_lexicon_dir() -> Path:
    """The lexicon folder used when none is given.

    ``$FRAMING_LEXICONS`` if set, else the project's ``lexicons/`` folder next to the package.
    """
    env = os.environ.get("FRAMING_LEXICONS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent  # the framing package
    for candidate in (here.parent / "lexicons", here / "data" / "lexicons"):
        if candidate.is_dir():
            return candidate
    raise LexiconError("no default lexicon folder found", path=here.parent / "lexicons",
                       hint="pass --lexicons DIR or set FRAMING_LEXICONS")


def lexicon_files(source: str | Path | Sequence[str | Path] | None = None) -> list[Path]:
    """The YAML lexicon files in a folder (sorted), or the given files."""
    if source is None:
        source = default_lexicon_dir()
    if isinstance(source, (str, Path)):
        source = [source]
    files: list[Path] = []
    for item in source:
        p = Path(item)
        if p.is_dir():
            files.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml")))
        elif p.exists():
            files.append(p)
        else:
            raise LexiconError("lexicon folder or file not found", path=p,
                               hint="check --lexicons; it takes a folder of .yaml files or a file")
    return files


def load_lexicons(source: str | Path | Sequence[str | Path] | None = None, *, kind: str | None = None
                  ) -> list[Lexicon]:
    """Load every lexicon of a folder (or the given files), optionally of one ``kind``."""
    lexicons = [load_lexicon(p) for p in lexicon_files(source)]
    names: dict[str, Lexicon] = {}
    for lex in lexicons:
        if lex.name in names:
            raise LexiconError(f"two lexicons are named {lex.name!r} (also {names[lex.name].path})", path=lex.path,
                               line=1, hint="give each lexicon a unique 'name'")
        names[lex.name] = lex
    if sum(lex.kind == "framing" for lex in lexicons) > 1:
        for c in collisions(lexicons, across_only=True):
            if c.kind == "conflict":
                raise _conflict_error(c)
        category_kinds(lexicons)  # a category of two kinds is an error naming both files
    if kind is not None:
        lexicons = [lex for lex in lexicons if lex.kind == kind]
    return lexicons


# --- stop words -----------------------------------------------------------------------------


def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Normalized Arabic stop words: one per line, ``#`` starts a comment.

    ``None`` reads ``stopwords-ar.txt`` of the default lexicon folder (derived from the
    MIT-licensed list by Mohamed Taher Alrefaie; see ``lexicons/NOTICE.md``).
    """
    if path is None:
        path = default_lexicon_dir() / "stopwords-ar.txt"
    path = Path(path)
    if not path.exists():
        raise LexiconError("stop-word file not found", path=path, hint="pass an existing file, one word per line")
    if not path.is_file():
        raise LexiconError("not a regular file", path=path, hint="pass a text file, one word per line")
    words = set()
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.update(WORD_RE.findall(normalize_ar(line)))
    return frozenset(words)
