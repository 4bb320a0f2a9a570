"""Lexicons: YAML files researchers edit by hand, and the compiled matcher.

A lexicon file (format: ``docs/lexicon-format.md``) declares its categories and
actors and lists entries ``{term, category, actor?, stance?, note?, match?}``.
:func:`load_lexicon` validates it and reports every problem with file:line;
:class:`Matcher` finds the entries in text.

Matching runs on normalized words (:mod:`framing.normalize`) and reports spans
of the original text. Each entry's first word also matches with Arabic
proclitics (و ف + ب ل ك + ال, with ل+ال → لل) and its last word with common
suffixes (plural, dual, feminine, possessive), without a morphology database;
with a morphology database (:mod:`framing.morphology`) tokens are also matched
through their analysed stems. Where entries of one lexicon overlap, the longest
match wins; a match never crosses a sentence boundary.

>>> lex = Lexicon.from_entries("demo", [
...     {"term": "قوات النظام", "actor": "syrian_government", "category": "actor_label", "stance": -0.6},
...     {"term": "النظام", "actor": "syrian_government", "category": "actor_label", "stance": -0.4},
... ])
>>> [(h.term, h.matched) for h in Matcher([lex]).find("ردا على تقدم لقوات النظام. والنظام")]
[('قوات النظام', 'لقوات النظام'), ('النظام', 'والنظام')]
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from framing.errors import LexiconError
from framing.normalize import (
    WORD_RE,
    Normalized,
    normalize_ar,
    normalize_with_offsets,
    sentence_ends,
    sentence_of,
)
from framing.records import Hit

__all__ = [
    "KINDS",
    "Entry",
    "Lexicon",
    "Matcher",
    "default_lexicon_dir",
    "load_lexicon",
    "load_lexicons",
    "load_stopwords",
    "normalize_term",
    "surface_forms",
]

KINDS = ("framing", "reporting_verbs", "sources")
MATCH_MODES = ("affix", "exact")

# --- affixes --------------------------------------------------------------------------------

_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")
_PRONOUNS = ("ه", "ها", "هم", "هما", "هن", "ك", "كم", "نا", "ي")


def _prefix_forms(word: str) -> set[str]:
    """The word with every proclitic combination: و ف × ب ل ك × ال (ل+ال → لل)."""
    if word.startswith("ال") and len(word) > 3:
        bases, definite_only = [word[2:]], True
    else:
        bases, definite_only = [word], False
    forms = set()
    for base in bases:
        for conj in _CONJ:
            for prep in _PREP:
                forms.add(conj + ("لل" + base if prep == "ل" else prep + "ال" + base))
                if not definite_only:
                    forms.add(conj + prep + base)
    return forms


def _suffix_forms(word: str) -> set[str]:
    """The word with plural, dual, feminine and possessive suffixes."""
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
        if word.endswith("ي"):
            forms |= {word + "ه", word + "ات"}
    return forms


def surface_forms(words: Sequence[str], mode: str = "affix") -> tuple[frozenset[str], ...]:
    """For each word of a normalized term, the token forms that count as that word.

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
        forms = {word}
        last_forms = _suffix_forms(word) if i == n - 1 else {word}
        if i == 0:
            for f in last_forms:
                forms |= _prefix_forms(f)
        else:
            forms |= last_forms
        out.append(frozenset(forms))
    return tuple(out)


def normalize_term(term: str) -> tuple[str, ...]:
    """The normalized words of a term.

    >>> normalize_term("الإرهابيّين ")
    ('الارهابيين',)
    """
    return tuple(WORD_RE.findall(normalize_ar(term)))


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry. ``line`` is its 1-based line in the file (0 if built in code)."""

    term: str
    category: str
    actor: str | None = None
    stance: float = 0.0
    note: str = ""
    match: str = "affix"
    canonical: str = ""
    id: str = ""
    line: int = 0

    @property
    def words(self) -> tuple[str, ...]:
        return normalize_term(self.term)


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

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, term: str) -> bool:
        key = normalize_term(term)
        return any(e.words == key for e in self.entries)

    def find(self, term: str) -> list[Entry]:
        """Entries whose normalized term equals the normalized ``term``."""
        key = normalize_term(term)
        return [e for e in self.entries if e.words == key]

    @classmethod
    def from_entries(cls, name: str, entries: Iterable[dict], *, kind: str = "framing", **meta) -> Lexicon:
        """Build a lexicon in code (tests, notebooks); categories and actors are inferred."""
        built = []
        cats: dict[str, str] = dict(meta.pop("categories", {}))
        actors: dict[str, str] = dict(meta.pop("actors", {}))
        for raw in entries:
            e = _entry_from_mapping(raw, name=name, path=None, line=0)
            cats.setdefault(e.category, "")
            if e.actor:
                actors.setdefault(e.actor, "")
            built.append(e)
        return cls(name=name, kind=kind, categories=cats, actors=actors, entries=built, **meta)


def _entry_from_mapping(raw, *, name: str, path, line: int) -> Entry:
    if not isinstance(raw, dict):
        raise LexiconError("an entry must be a mapping like {term: ..., category: ...}", path=path, line=line,
                           hint="write each entry as '- {term: ..., category: ..., stance: ...}'")
    unknown = set(raw) - {"term", "category", "actor", "stance", "note", "match", "canonical", "id"}
    if unknown:
        raise LexiconError(f"unknown entry field(s) {sorted(unknown)}", path=path, line=line,
                           hint="allowed: term, category, actor, stance, note, match, canonical, id")
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
    match = raw.get("match", "affix") or "affix"
    if match not in MATCH_MODES:
        raise LexiconError(f"match of '{term}' is {match!r}", path=path, line=line,
                           hint="use match: affix (default) or match: exact")
    actor = raw.get("actor") or None
    words = normalize_term(term)
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
    )


# --- loading ----------------------------------------------------------------------------------

_TERM_PUNCT_OK = re.compile(r"^[^\W_]+(?:[\s\-–—]+[^\W_]+)*$")


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def read_lexicon_text(path: Path, *, missing_hint: str = "check the path or run 'framing lexicon list'"
                      ) -> tuple[str, bytes]:
    """A lexicon file's text (UTF-8, a BOM allowed) and its bytes (for hashes and the BOM)."""
    if not path.exists():
        raise LexiconError("lexicon file not found", path=path, hint=missing_hint)
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
    path = Path(path)
    text, raw_bytes = read_lexicon_text(path)
    try:
        data = _yaml().load(io.StringIO(text))
    except Exception as exc:  # ruamel raises many error types; all are syntax errors here
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LexiconError(f"invalid YAML: {problem}", path=path, line=line,
                           hint="fix the syntax (quote terms containing ':' or '#')") from None
    lex = lexicon_from_data(data, path=path)
    lex.sha256 = hashlib.sha256(raw_bytes).hexdigest()
    return lex


def lexicon_from_data(data, *, path: Path | None = None) -> Lexicon:
    """Validate parsed YAML data (a mapping) into a :class:`Lexicon`."""
    if not isinstance(data, dict):
        raise LexiconError("a lexicon file must be a mapping with name, kind, categories, entries",
                           path=path, line=1, hint="see docs/lexicon-format.md")

    def line_of(container, key) -> int | None:
        lc = getattr(container, "lc", None)
        try:
            if isinstance(key, int):
                return lc.item(key)[0] + 1
            return lc.key(key)[0] + 1
        except Exception:
            return None

    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise LexiconError("missing 'name'", path=path, line=1, hint="add 'name: my-lexicon' at the top")
    kind = data.get("kind", "framing")
    if kind not in KINDS:
        raise LexiconError(f"unknown kind {kind!r}", path=path, line=line_of(data, "kind"),
                           hint=f"use one of {', '.join(KINDS)}")
    categories = data.get("categories") or {}
    actors = data.get("actors") or {}
    for key, value in (("categories", categories), ("actors", actors)):
        if not isinstance(value, dict):
            raise LexiconError(f"'{key}' must be a mapping of id: description", path=path,
                               line=line_of(data, key), hint=f"write '{key}:' then '  some_id: description'")
    entries_raw = data.get("entries")
    if entries_raw is None:
        entries_raw = []
    if not isinstance(entries_raw, list):
        raise LexiconError("'entries' must be a list", path=path, line=line_of(data, "entries"),
                           hint="write each entry on its own line as '- {term: ..., category: ...}'")
    entries = []
    seen: dict[tuple[str, ...], Entry] = {}
    for i, raw in enumerate(entries_raw):
        line = line_of(entries_raw, i) or 0
        entry = _entry_from_mapping(raw, name=name, path=path, line=line)
        if entry.category not in categories:
            raise LexiconError(f"unknown category {entry.category!r} for '{entry.term}'", path=path, line=line,
                               hint=f"declare it under 'categories:' or use one of {sorted(categories)}")
        if entry.actor and entry.actor not in actors:
            raise LexiconError(f"unknown actor {entry.actor!r} for '{entry.term}'", path=path, line=line,
                               hint=f"declare it under 'actors:' or use one of {sorted(actors)}")
        if not entry.words or not _TERM_PUNCT_OK.match(normalize_ar(entry.term).strip()):
            raise LexiconError(f"term '{entry.term}' can never match: it must be words separated by spaces",
                               path=path, line=line, hint="remove punctuation from the term")
        if entry.words in seen:
            other = seen[entry.words]
            raise LexiconError(
                f"'{entry.term}' duplicates '{other.term}' (line {other.line}) after normalization",
                path=path, line=line, hint="remove one of them or merge their notes")
        seen[entry.words] = entry
        entries.append(entry)
    return Lexicon(
        name=name.strip(),
        kind=kind,
        language=str(data.get("language", "ar")),
        version=str(data.get("version", "0")),
        description=str(data.get("description", "") or "").strip(),
        categories={str(k): str(v or "") for k, v in categories.items()},
        actors={str(k): str(v or "") for k, v in actors.items()},
        entries=entries,
        path=path,
    )


def default_lexicon_dir() -> Path:
    """The lexicon folder used when none is given.

    ``$FRAMING_LEXICONS`` if set, else the project's ``lexicons/`` folder next to the package.
    """
    env = os.environ.get("FRAMING_LEXICONS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
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
    if kind is not None:
        lexicons = [lex for lex in lexicons if lex.kind == kind]
    return lexicons


# --- matching -------------------------------------------------------------------------------

#: what may separate the words of a multiword term: spaces, tabs and dashes (never a line break
#: or sentence punctuation)
_GAP_RE = re.compile(r"[ \t\u00a0\-–—]*")
_SPLIT_RE = re.compile(f"({WORD_RE.pattern})")


@dataclass(frozen=True, slots=True)
class _Compiled:
    entry: Entry
    lexicon: str
    forms: tuple[frozenset[str], ...]
    words: tuple[str, ...] = ()


class Matcher:
    """Find lexicon entries in text.

    ``lemmatizer`` (optional) maps a normalized token to candidate base words, e.g.
    :class:`framing.morphology.MorphologyLemmatizer`; a token then also matches an
    entry word through any of its bases.

    >>> lex = Lexicon.from_entries("d", [{"term": "الجيش السوري", "actor": "sg", "category": "label"}])
    >>> m = Matcher([lex])
    >>> [(h.matched, h.start, h.end) for h in m.find("التقى بالجيشِ السوريّ")]
    [('بالجيشِ السوريّ', 6, 21)]
    """

    def __init__(self, lexicons: Sequence[Lexicon], *, lemmatizer: Callable[[str], Iterable[str]] | None = None):
        self.lexicons = list(lexicons)
        self.lemmatizer = lemmatizer
        self._first: dict[str, list[_Compiled]] = {}
        self._base_first: dict[str, list[_Compiled]] = {}
        self._lemma_cache: dict[str, tuple[str, ...]] = {}
        for lex in self.lexicons:
            for entry in lex.entries:
                words = entry.words
                if not words:
                    continue
                compiled = _Compiled(entry, lex.name, surface_forms(words, entry.match), tuple(words))
                for form in compiled.forms[0]:
                    self._first.setdefault(form, []).append(compiled)
                if entry.match != "exact":  # exact entries never match through a lemma
                    self._base_first.setdefault(words[0], []).append(compiled)
        self._keys = frozenset(self._first)
        # without a lemmatizer: first form → (one-word entries, {second-word form: multiword entries})
        self._by_first: dict[str, tuple[list[_Compiled], dict[str, list[_Compiled]]]] = {}
        for form, comps in self._first.items():
            singles = [c for c in comps if len(c.forms) == 1]
            seconds: dict[str, list[_Compiled]] = {}
            for c in comps:
                if len(c.forms) > 1:
                    for f2 in c.forms[1]:
                        seconds.setdefault(f2, []).append(c)
            self._by_first[form] = (singles, seconds)

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
        return not self._keys.isdisjoint(WORD_RE.findall(normalized_text))

    def find(self, text: str, *, doc_id: str = "", normalized: str | Normalized | None = None) -> list[Hit]:
        """All matches in ``text`` (original or masked text), ordered by position.

        Offsets index ``text``; ``matched == text[start:end]``. ``normalized`` may pass
        ``normalize_with_offsets(text)`` (reused) or ``normalize_ar(text)`` (a prefilter)
        when the caller has it already.
        """
        if isinstance(normalized, Normalized):
            norm = normalized
        elif normalized is not None and not self.might_match(normalized):
            return []
        else:
            norm = normalize_with_offsets(text)
        ntext = norm.text
        # [gap, word, gap, word, ..., gap]: word k is pieces[2k + 1], the gap before it pieces[2k]
        pieces = _SPLIT_RE.split(ntext)
        words_in_text = pieces[1::2]
        first = self._first
        if self.lemmatizer is None:
            # the few distinct words that can start an entry, then their positions (C-speed scans)
            at = []
            for w in self._keys.intersection(words_in_text):
                i = words_in_text.index(w)
                while True:
                    at.append(i)
                    try:
                        i = words_in_text.index(w, i + 1)
                    except ValueError:
                        break
            at.sort()
        else:
            at = [i for i, w in enumerate(words_in_text) if w in first or any(
                b in self._base_first for b in self._bases(w))]
        if not at:
            return []
        n_tokens = len(words_in_text)
        candidates: dict[str, list[tuple[int, int, _Compiled]]] = {}
        if self.lemmatizer is None:
            by_first = self._by_first
            for i in at:
                singles, seconds = by_first[words_in_text[i]]
                for comp in singles:
                    candidates.setdefault(comp.lexicon, []).append((i, i + 1, comp))
                if not seconds or i + 1 >= n_tokens:
                    continue
                multi = seconds.get(words_in_text[i + 1])
                if not multi or _GAP_RE.fullmatch(pieces[2 * i + 2]) is None:
                    continue
                for comp in multi:
                    n = len(comp.forms)
                    if i + n > n_tokens:
                        continue
                    if all(words_in_text[i + k] in comp.forms[k] and _GAP_RE.fullmatch(pieces[2 * (i + k)])
                           for k in range(2, n)):
                        candidates.setdefault(comp.lexicon, []).append((i, i + n, comp))
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
                n = len(comp.forms)
                if i + n > n_tokens:
                    continue
                ok = True
                words = comp.words
                for k in range(1, n):
                    if _GAP_RE.fullmatch(pieces[2 * (i + k)]) is None or not self._word_ok(words_in_text[i + k], comp.forms[k], words[k],
                                                        lemma=comp.entry.match != "exact"):
                        ok = False
                        break
                if ok:
                    candidates.setdefault(comp.lexicon, []).append((i, i + n, comp))
        if not candidates:
            return []
        chosen: list[tuple[int, int, _Compiled]] = []
        for cands in candidates.values():
            # longest first, then leftmost; keep non-overlapping
            taken: set[int] = set()
            for start, end, comp in sorted(cands, key=lambda c: (-(c[1] - c[0]), c[0], c[2].entry.id)):
                span = range(start, end)
                if any(t in taken for t in span):
                    continue
                taken.update(span)
                chosen.append((start, end, comp))
        chosen.sort(key=lambda c: (c[0], c[1], c[2].lexicon))
        # character offsets of the pieces in the normalized text
        bounds = list(accumulate(map(len, pieces)))
        ends = sentence_ends(text)
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
    words = set()
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.update(WORD_RE.findall(normalize_ar(line)))
    return frozenset(words)
