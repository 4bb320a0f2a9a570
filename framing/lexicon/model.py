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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from framing.errors import LexiconError
from framing.lexicon.yamlio import gc_paused, read_yaml
from framing.normalize import WORD_RE, normalize_ar

__all__ = [
    "KINDS",
    "MATCH_MODES",
    "MAX_ENTRIES",
    "TOP_KEYS",
    "Entry",
    "Issue",
    "Lexicon",
    "check_lexicon_data",
    "default_lexicon_dir",
    "lexicon_files",
    "lexicon_from_data",
    "load_lexicon",
    "load_lexicons",
    "load_stopwords",
    "max_entries",
    "normalize_term",
    "read_lexicon_text",
]

KINDS = ("framing", "reporting_verbs", "sources")
MATCH_MODES = ("affix", "exact")

# --- records --------------------------------------------------------------------------------


@lru_cache(maxsize=262_144)
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
    path = Path(path)
    text, raw_bytes = read_lexicon_text(path)
    data = read_yaml(text, path=path)
    with gc_paused():
        lex = lexicon_from_data(data, path=path)
    lex.sha256 = hashlib.sha256(raw_bytes).hexdigest()
    return lex


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem of a lexicon file.

    ``severity`` is ``error`` (the file cannot be used as it is) or ``warning``.
    ``code``: yaml, encoding, missing-file, not-a-file, schema, metadata, unknown-category,
    unknown-actor, stance, duplicate, unmatchable, size, shadowed, overlap, cross-duplicate,
    name-clash, unknown-key.
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
    categories = {str(k) for k in declared["categories"]}
    actors = {str(k) for k in declared["actors"]}
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
            entry = _entry_from_mapping(raw_d, name=name or Path(str(where)).stem, path=path, line=line)
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
        if not words or not _TERM_PUNCT_OK.match(normalize_ar(entry.term).strip()):
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
        language=str(data.get("language", "ar")),
        version=str(data.get("version", "0")),
        description=str(data.get("description", "") or "").strip(),
        categories={str(k): str(v or "") for k, v in declared["categories"].items()},
        actors={str(k): str(v or "") for k, v in declared["actors"].items()},
        entries=entries,
        path=Path(path) if path is not None else None,
    )
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
