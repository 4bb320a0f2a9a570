"""Load a corpus: a folder of ``.txt`` files or one CSV / JSONL / JSON file of records.

Every input becomes a stream of :class:`~framing.records.Document`. What could not be
used, or was changed on the way in, is reported as a :class:`~framing.records.Problem`
(never silently dropped); what should not be scored (HTML markup, web boilerplate, lines
a site repeats under every article) becomes an *excluded* :class:`~framing.records.Span`.

Offsets. ``Document.text`` is the decoded text with line endings normalized (``"\\r\\n"``
and ``"\\r"`` become ``"\\n"``) and NUL characters replaced by spaces. Nothing else is
changed: markup and boilerplate stay in the text, so every offset (of an excluded span,
of a lexicon hit downstream) indexes exactly this text.

Inputs.

* a folder of ``*.txt`` files (read in file-name order; ``.txt.gz``/``.xz``/``.bz2`` too),
  with an optional manifest (``manifest.csv`` or ``manifest.jsonl`` in the folder, or
  ``manifest=``) whose rows name a ``file`` (or a ``doc_id``) and give at least its
  ``outlet`` and optionally ``date, title, url, event, language``; other columns go to
  ``Document.meta``. The document id is the file-name stem unless the manifest gives one.
* a single ``.csv``/``.tsv``, ``.jsonl`` or ``.json`` file (a list of objects, or
  ``{"documents": [...]}``), optionally compressed; field names are mapped with
  ``text_field=``, ``outlet_field=``, ... Fields that are not mapped go to ``meta``.
* a single ``.txt`` file (one document).

Compression (gzip, xz, bzip2) is recognised by its magic bytes, whatever the file is
called. Encodings: UTF-8 (with or without BOM), UTF-16/32 with BOM, and legacy Arabic
code pages (Windows-1256, ISO-8859-6) verified to decode to mostly Arabic letters.

Example::

    >>> corpus = load_corpus("egypt-2013-02.jsonl.xz",           # doctest: +SKIP
    ...                      outlet_field="source", date_field="crawl_time")
    >>> for doc in corpus.iter_documents():  # streams; call again to re-read  # doctest: +SKIP
    ...     ...
    >>> corpus.problems  # complete after a full iteration      # doctest: +SKIP
"""

from __future__ import annotations

import bz2
import codecs
import csv
import errno
import gzip
import hashlib
import io
import json
import lzma
import os
import re
import stat
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date as _date
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO, Any, ClassVar

from framing.errors import ConfigError, CorpusError
from framing.records import Document, Problem, Span, mask_spans

__all__ = [
    "Boilerplate",
    "BoilerplatePattern",
    "Corpus",
    "CorpusLimits",
    "Decoded",
    "FieldMap",
    "RepeatedLine",
    "RepeatedLineRule",
    "decode_bytes",
    "decode_document",
    "default_boilerplate_path",
    "encoding_name",
    "html_spans",
    "json_depth",
    "load_corpus",
    "normalize_date",
    "read_documents",
    "split_text",
]

UNKNOWN_OUTLET = "unknown"
MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
# Files in a corpus folder that look like documentation: listed as ignored unless the manifest names them.
_DOC_FILES = re.compile(r"(?i)^(?:readme|license|licence|notice|changelog|changes|authors|copying)(?:\.[a-z]+)?$|\.md$")
RECORD_FORMATS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
COMPRESSION_SUFFIXES = (".gz", ".gzip", ".xz", ".bz2")
HTML_MODES = ("strip", "keep")

# Characters stripped from both ends of a line before it is matched or counted:
# whitespace, no-break spaces, zero-width and bidi control characters, BOM.
_STRIP = (
    " \t\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
    "\u202e\u2066\u2067\u2068\u2069\ufeff"
)
# Arabic-script letters (no digits, punctuation, diacritics or tatweel).
_ARABIC_LETTER = re.compile(
    "[\u0621-\u063a\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdfb\ufe70-\ufefc]"
)
_LETTER = re.compile(r"[^\W\d_]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_HTML = re.compile(
    r"""<(script|style|noscript|iframe|svg)\b[^>]*>.*?</\1\s*>   # element and its contents
      | <!--.*?-->                                              # comment
      | <!\[CDATA\[.*?\]\]>
      | <![A-Za-z][^<>]{0,500}>                                 # <!DOCTYPE ...>
      | </?[A-Za-z][A-Za-z0-9:-]{0,30}(?:\s[^<>]{0,2000})?/?>   # tag
      | &(?:[A-Za-z][A-Za-z0-9]{1,31}|\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6});  # entity
    """,
    re.S | re.I | re.X,
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_TIME = r"(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?|ص|م)?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
_DATE_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME)
_DATE_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME)
# A full stop ending a line (an ellipsis does not count): the line is a sentence, not a headline.
_SENTENCE_END = re.compile(r"(?<!\.)[.:۔]$")
# A plain news sentence: a boilerplate pattern matching it would exclude ordinary text.
_CANARY = "قال الرئيس إن الحكومة ستعقد اجتماعا غدا لمناقشة الأزمة الاقتصادية في البلاد."

_OPTION = {
    "text": "--text-field",
    "outlet": "--outlet-field",
    "date": "--date-field",
    "id": "--id-field",
    "title": "--title-field",
    "url": "--url-field",
    "event": "--event-field",
    "language": "--language-field",
}
_HEAD_BYTES = 1 << 20  # bytes sampled to detect the encoding of a record file
_SAMPLE_RECORDS = 1000  # records sampled to check the field names of a JSON(L) file


# ---------------------------------------------------------------------------------------
# small records


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which record field (CSV column, JSON key, manifest column) holds what."""

    text: str = "text"
    outlet: str = "outlet"
    date: str = "date"
    id: str = "id"
    title: str = "title"
    url: str = "url"
    event: str = "event"
    language: str = "language"

    def items(self) -> list[tuple[str, str]]:
        return [(role, getattr(self, role)) for role in _OPTION]

    def explicit(self) -> list[tuple[str, str]]:
        """``(role, name)`` for every field the caller renamed from its default."""
        default = FieldMap()
        return [(role, name) for role, name in self.items() if name != getattr(default, role)]


@dataclass(frozen=True, slots=True)
class RepeatedLineRule:
    """When is a line a site's repeated boilerplate?

    A stripped line of at least ``min_chars`` characters is excluded from every document
    of an outlet when it occurs in at least ``max(min_documents, fraction * n)`` of the
    outlet's ``n`` documents, and ``n >= min_outlet_documents``.
    """

    min_documents: int = 3
    fraction: float = 0.05
    min_outlet_documents: int = 5
    min_chars: int = 8

    def threshold(self, outlet_documents: int) -> float | None:
        if outlet_documents < self.min_outlet_documents:
            return None
        return max(float(self.min_documents), self.fraction * outlet_documents)


# default bounds (CorpusLimits, load_corpus)
MAX_DOCUMENT_CHARS = 2_000_000  # longer documents are split into parts
MAX_RECORD_BYTES = 256 << 20  # one text file / JSONL line / CSV record / .json file held at once
MAX_FILE_BYTES = 4 << 30  # decompressed bytes read from one input file
MAX_CORPUS_BYTES = 64 << 30  # decompressed bytes in one pass over the corpus
MAX_JSON_DEPTH = 100  # nesting of arrays/objects in one JSON record


@dataclass(frozen=True, slots=True)
class CorpusLimits:
    """Bounds on what one corpus may make the reader hold or do (``load_corpus`` options).

    * ``max_document_chars`` — a longer document is *split* into parts ``id#1``, ``id#2``, …
      at paragraph, sentence or word boundaries (nothing is lost; listed as ``split document``).
    * ``max_record_bytes`` — decompressed bytes held at once: one text file, one JSONL line,
      one CSV record, one whole ``.json`` file; a bigger one is skipped (``too large``).
    * ``max_file_bytes`` — decompressed bytes read from one input file; reading stops there
      (``too large``; records before it are kept).
    * ``max_corpus_bytes`` — decompressed bytes in one pass over the whole corpus; past it the
      run stops with a :class:`CorpusError`.
    * ``max_json_depth`` — nesting of arrays/objects in one JSON record (``malformed row``).
    """

    max_document_chars: int = MAX_DOCUMENT_CHARS
    max_record_bytes: int = MAX_RECORD_BYTES
    max_file_bytes: int = MAX_FILE_BYTES
    max_corpus_bytes: int = MAX_CORPUS_BYTES
    max_json_depth: int = MAX_JSON_DEPTH

    def __post_init__(self) -> None:
        for name in ("max_document_chars", "max_record_bytes", "max_file_bytes", "max_corpus_bytes",
                     "max_json_depth"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name}={value!r} must be a positive whole number",
                                  hint=f"pass {_LIMIT_OPTION[name]} N with N ≥ 1")


_LIMIT_OPTION = {
    "max_document_chars": "--max-document-chars", "max_record_bytes": "--max-record-bytes",
    "max_file_bytes": "--max-file-bytes", "max_corpus_bytes": "--max-corpus-bytes",
    "max_json_depth": "--max-json-depth",
}


@dataclass(frozen=True, slots=True)
class RepeatedLine:
    """A line excluded as ``repeated-line`` from the documents of one outlet."""

    outlet: str
    line: str  # the stripped line, truncated to 120 characters
    documents: int  # how many of the outlet's documents contain it
    outlet_documents: int  # how many documents the outlet has


@dataclass(frozen=True, slots=True)
class BoilerplatePattern:
    """One line of a boilerplate file: a regex matched against a whole stripped line.

    ``block`` patterns (written ``@block <regex>``) head a list, e.g. a bare
    "اقرأ أيضا": the headline-like lines that follow are excluded with them.
    """

    line: int
    pattern: str
    block: bool = False

    @property
    def reason(self) -> str:
        return f"boilerplate:{self.line}"


# ---------------------------------------------------------------------------------------
# boilerplate


def default_boilerplate_path() -> Path:
    """The boilerplate file used when ``boilerplate=None``.

    In a repository checkout this is the editable ``lexicons/boilerplate.txt``; in an
    installed package, the copy shipped as ``framing/data/boilerplate.txt``.
    """
    package = Path(__file__).resolve().parent
    checkout = package.parent / "lexicons" / "boilerplate.txt"
    if checkout.is_file():
        return checkout
    return package / "data" / "boilerplate.txt"


class Boilerplate:
    """Line patterns for web boilerplate (navigation, share buttons, comment forms, ...).

    Each pattern must match a whole line (after stripping spaces; runs of spaces inside
    the line count as one space). Lines that match become excluded spans with reason
    ``boilerplate:<line number of the pattern>``.

    >>> bp = Boilerplate.from_lines(["مقالات ذات صلة", "@block اقرأ أيضا"])
    >>> bp.match("مقالات ذات صلة").line
    1
    """

    BLOCK_PREFIX = "@block "
    BLOCK_LINES = 15  # a list under a block header has at most this many lines ...
    BLOCK_CHARS = 200  # ... each at most this long, none ending with a full stop

    def __init__(self, patterns: Iterable[BoilerplatePattern] = (), *, path: str | Path | None = None):
        self.path = str(path) if path is not None else None
        self.patterns: tuple[BoilerplatePattern, ...] = tuple(patterns)
        self._compiled = [self._compile(p) for p in self.patterns]
        # Speed: a line is only tried against the patterns that can start with its first
        # character; those with a required literal only if the literal occurs in it; the
        # others at once, as one combined regex per first character.
        profiles = [_pattern_profile(rx) for rx in self._compiled]
        self._first = [first for first, _needle in profiles]
        self._needle = [needle for _first, needle in profiles]
        self._by_char: dict[str, tuple[re.Pattern[str] | None, tuple[int, ...], tuple[tuple[int, str], ...]]] = {}

    def _compile(self, pat: BoilerplatePattern) -> re.Pattern[str]:
        where = {"path": self.path or "<boilerplate>", "line": pat.line}
        try:
            rx = re.compile(pat.pattern)
        except re.error as exc:
            raise ConfigError(
                f"invalid regular expression {pat.pattern!r}: {exc.msg} (at character {exc.pos})",
                hint="fix the pattern or comment it out with '#'; escape literal ( ) [ ] . * + ? with a backslash",
                **where,
            ) from None
        if rx.fullmatch("") or rx.fullmatch(_CANARY):
            raise ConfigError(
                f"pattern {pat.pattern!r} matches empty or ordinary lines, so it would exclude real text",
                hint="make the pattern specific to the boilerplate line it is meant for",
                **where,
            )
        return rx

    @classmethod
    def from_lines(cls, lines: Iterable[str], *, path: str | Path | None = None) -> Boilerplate:
        """Parse boilerplate-file lines: one regex per line, ``#`` comments, blank lines."""
        patterns = []
        for number, raw in enumerate(lines, 1):
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            block = text.startswith(cls.BLOCK_PREFIX)
            if block:
                text = text[len(cls.BLOCK_PREFIX):].strip()
            patterns.append(BoilerplatePattern(number, text, block))
        return cls(patterns, path=path)

    @classmethod
    def from_file(cls, path: str | Path) -> Boilerplate:
        path = Path(path)
        try:
            content = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ConfigError("boilerplate file not found", path=path,
                              hint="give an existing file, or boilerplate=False to turn the filter off") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"boilerplate file is not UTF-8 ({exc.reason} at byte {exc.start})",
                              path=path, hint="save it as UTF-8") from None
        return cls.from_lines(content.split("\n"), path=path)

    def __len__(self) -> int:
        return len(self.patterns)

    def __iter__(self) -> Iterator[BoilerplatePattern]:
        return iter(self.patterns)

    def __repr__(self) -> str:
        return f"Boilerplate({len(self)} patterns from {self.path or '<lines>'})"

    def match(self, line: str) -> BoilerplatePattern | None:
        """The first pattern that matches the whole (already stripped) ``line``, if any."""
        if not self._compiled or not line:
            return None
        if "  " in line or "\xa0" in line or "\t" in line or "\u202f" in line or "\u2009" in line:
            line = " ".join(line.split())
        entry = self._by_char.get(line[0])
        if entry is None:
            entry = self._candidates(line[0])
        combined, plain, checked = entry
        best = None
        if plain and (combined is None or combined.fullmatch(line) is not None):
            best = next((i for i in plain if self._compiled[i].fullmatch(line)), None)
        for i, needle in checked:
            if best is not None and i > best:
                break
            if needle in line and self._compiled[i].fullmatch(line):
                best = i
                break
        return None if best is None else self.patterns[best]

    def _candidates(self, char: str) -> tuple[re.Pattern[str] | None, tuple[int, ...], tuple[tuple[int, str], ...]]:
        """For lines starting with ``char``: a combined regex of the patterns without a
        required literal, their indexes, and ``(index, literal)`` of the others."""
        idx = [i for i, first in enumerate(self._first) if first is None or char in first]
        plain = tuple(i for i in idx if self._needle[i] is None)
        checked = tuple((i, self._needle[i]) for i in idx if self._needle[i] is not None)
        combined = None
        if len(plain) > 1:
            try:
                combined = re.compile("|".join(f"(?:{_scoped_flags(self.patterns[i].pattern)})" for i in plain))
            except re.error:  # e.g. numbered back-references: try the patterns one by one
                combined = None
        entry = (combined, plain, checked)
        self._by_char[char] = entry
        return entry

    def spans(self, text: str) -> list[Span]:
        """Excluded spans for the boilerplate lines of ``text`` (each the stripped line)."""
        return _line_spans(text, self, None, None)


def _scoped_flags(pattern: str) -> str:
    """Turn a leading global flag group ``(?i)x`` into a scoped ``(?i:x)`` so patterns combine."""
    m = re.match(r"\(\?([aiLmsux]+)\)", pattern)
    if m:
        return f"(?{m.group(1)}:{pattern[m.end():]})"
    return pattern


def _pattern_profile(rx: re.Pattern[str]) -> tuple[frozenset[str] | None, str | None]:
    """``(first characters, required literal)`` of a pattern; ``None`` where unknown.

    Read from the parse tree of Python's own regex parser; any surprise there only
    makes the pattern a candidate for every line (slower, never wrong).
    """
    try:
        try:
            from re import _constants as sre_c
            from re import _parser as sre_parse
        except ImportError:  # pragma: no cover - Python 3.10
            import sre_constants as sre_c  # type: ignore[no-redef]
            import sre_parse  # type: ignore[no-redef]
        parsed = sre_parse.parse(rx.pattern, rx.flags)
        ignorecase = bool(parsed.state.flags & sre_c.SRE_FLAG_IGNORECASE)
        first, _nullable = _first_chars(list(parsed), sre_c, ignorecase)
        needle = None if ignorecase else _required_literal(list(parsed), sre_c)
        return (frozenset(first) if first is not None else None), needle
    except Exception:  # pragma: no cover - defensive
        return None, None


def _first_chars(items: list[Any], c: Any, ignorecase: bool) -> tuple[set[str] | None, bool]:
    """Characters a match of ``items`` can start with, and whether it can be empty."""
    result: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            result |= _case_variants(chr(av), ignorecase)
            return result, False
        if op is c.IN:
            for kind, value in av:
                if kind is c.LITERAL:
                    result |= _case_variants(chr(value), ignorecase)
                elif kind is c.RANGE and value[1] - value[0] <= 512:
                    for code in range(value[0], value[1] + 1):
                        result |= _case_variants(chr(code), ignorecase)
                else:
                    return None, False
            return result, False
        if op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT:
            continue
        if op is c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            sub_ignorecase = (ignorecase or bool(add_flags & c.SRE_FLAG_IGNORECASE)) and not (
                del_flags & c.SRE_FLAG_IGNORECASE)
            first, nullable = _first_chars(list(sub), c, sub_ignorecase)
        elif op is c.BRANCH:
            first, nullable = set(), False
            for alternative in av[1]:
                alt_first, alt_nullable = _first_chars(list(alternative), c, ignorecase)
                if alt_first is None:
                    return None, False
                first |= alt_first
                nullable = nullable or alt_nullable
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
            low, _high, sub = av
            first, nullable = _first_chars(list(sub), c, ignorecase)
            nullable = nullable or low == 0
        elif op is getattr(c, "ATOMIC_GROUP", None):
            first, nullable = _first_chars(list(av), c, ignorecase)
        else:
            return None, False
        if first is None:
            return None, False
        result |= first
        if not nullable:
            return result, False
    return result, True


def _case_variants(char: str, ignorecase: bool) -> set[str]:
    if not ignorecase:
        return {char}
    variants = {char, char.lower(), char.upper(), char.casefold()}
    try:
        from re._casefix import _EXTRA_CASES
    except ImportError:  # pragma: no cover - Python 3.10
        _EXTRA_CASES = {}
    for v in list(variants):
        variants.update(chr(x) for x in _EXTRA_CASES.get(ord(v), ()))
    return variants


def _required_literal(items: list[Any], c: Any) -> str | None:
    """The longest run of literal characters every match contains (top level only)."""
    best, run = "", []
    for op, av in items:
        if op is c.LITERAL:
            run.append(chr(av))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    if len(run) > len(best):
        best = "".join(run)
    if len(best) >= 2 or (best and not best.isalnum() and not best.isspace()):
        return best
    return None


def _resolve_boilerplate(value: Boilerplate | str | Path | bool | None) -> Boilerplate | None:
    if value is None or value is True:
        return Boilerplate.from_file(default_boilerplate_path())
    if value is False:
        return None
    if isinstance(value, Boilerplate):
        return value
    if isinstance(value, (str, Path)):
        return Boilerplate.from_file(value)
    raise ConfigError(f"boilerplate={value!r} is not understood",
                      hint="give a file path, a Boilerplate, None for the default file, or False for none")


def _line_spans(text: str, boilerplate: Boilerplate | None, repeated: Collection[int] | None,
                seen_lines: dict[int, str] | None, min_chars: int = 8) -> list[Span]:
    """Excluded spans for boilerplate and repeated lines; each covers the stripped line.

    ``repeated`` holds the hashes of the outlet's repeated lines; the text of each one
    met is recorded in ``seen_lines`` (for the summary), whatever excluded the line.
    """
    spans: list[Span] = []
    block_left = 0
    block_reason = ""
    pos = 0
    for line in text.split("\n"):
        length = len(line)
        s = line.strip(_STRIP) if length else ""
        if s:
            is_repeated = False
            if repeated and len(s) >= min_chars:
                h = hash(s)
                if h in repeated:
                    is_repeated = True
                    if seen_lines is not None and h not in seen_lines:
                        seen_lines[h] = s
            reason = None
            pat = boilerplate.match(s) if boilerplate is not None else None
            if pat is not None:
                reason = pat.reason
                block_left = Boilerplate.BLOCK_LINES if pat.block else 0
                block_reason = reason
            elif block_left and len(s) <= Boilerplate.BLOCK_CHARS and not _SENTENCE_END.search(s):
                reason = block_reason
                block_left -= 1
            else:
                block_left = 0
                if is_repeated:
                    reason = "repeated-line"
            if reason is not None:
                start = pos + length - len(line.lstrip(_STRIP))
                spans.append(Span(start, start + len(s), reason))
        pos += length + 1
    return spans


def html_spans(text: str) -> list[Span]:
    """Excluded spans (reason ``html``) for tags, comments, script/style contents and entities."""
    if "<" not in text and "&" not in text:
        return []
    return [Span(m.start(), m.end(), "html") for m in _HTML.finditer(text)]


# ---------------------------------------------------------------------------------------
# bounds: long documents, deep JSON

_SENTENCE_BREAK = re.compile(r"[.!?؟؛۔][\s\u00a0]+")


def split_text(text: str, max_chars: int) -> list[str]:
    """Cut ``text`` into consecutive parts of at most ``max_chars`` characters.

    Each cut falls after the last line break in the second half of the window, else after
    the last sentence end, else after the last space, else (no space at all) exactly at the
    bound. ``"".join(parts) == text``: offsets into a part plus the part's start give
    offsets into the whole.

    >>> split_text("أ ب ج د", 4)
    ['أ ب ', 'ج د']
    """
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    parts = []
    pos, n = 0, len(text)
    while n - pos > max_chars:
        end = pos + max_chars
        half = pos + max_chars // 2
        cut = text.rfind("\n", half, end) + 1
        if cut <= half:
            last = None
            for last in _SENTENCE_BREAK.finditer(text, max(half, end - 20_000), end):  # noqa: B007
                pass
            cut = last.end() if last is not None else 0
        if cut <= half:
            cut = max(text.rfind(" ", half, end), text.rfind("\t", half, end)) + 1
        if cut <= half:
            cut = end
        parts.append(text[pos:cut])
        pos = cut
    parts.append(text[pos:])
    return parts


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_depth(text: str) -> int:
    """Deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count).

    >>> json_depth('{"a": [1, {"b": "[["}]}')
    3
    """
    depth = deepest = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


class _TooDeep(ValueError):
    pass


def _json_loads(text: str, max_depth: int) -> Any:
    """``json.loads`` that refuses nesting deeper than ``max_depth`` (:class:`_TooDeep`)
    instead of recursing; the depth is only measured when the text has that many brackets."""
    if text.count("[") + text.count("{") > max_depth:
        depth = json_depth(text)
        if depth > max_depth:
            raise _TooDeep(f"JSON nested {depth} levels deep (the bound is max_json_depth={max_depth}; "
                           f"raise it with --max-json-depth)")
    try:
        return json.loads(text)
    except RecursionError:
        raise _TooDeep(f"JSON nested too deep for Python to parse (max_json_depth={max_depth})") from None


# ---------------------------------------------------------------------------------------
# dates


def normalize_date(value: str) -> str | None:
    """ISO ``YYYY-MM-DD`` for a date written in a common way, else ``None``.

    Understands ``2013-02-27``, ``2013-02-27 18:30:24`` (and ISO timestamps), ``2013/02/27``,
    ``27/02/2013``, ``27.06.2021``, ``27-06-2021`` and Arabic-Indic digits. ``a/b/yyyy`` is
    read day first unless only month first gives a valid date (``02/27/2013``).

    >>> normalize_date("27.06.2021")
    '2021-06-27'
    """
    text = value.strip().translate(_DIGITS)
    m = _DATE_YMD.fullmatch(text)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_DMY.fullmatch(text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return _iso(year, b, a) or _iso(year, a, b)
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return _date(year, month, day).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------
# bytes: compression and encodings


def _compression(head: bytes) -> str | None:
    if head[:3] == b"\x1f\x8b\x08":
        return "gz"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90"):
        return "bz2"
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    return None


class _NotRegular(OSError):
    """A path that is not a regular file (FIFO, socket, device): never read."""


class _TooLarge(Exception):
    """A bound was exceeded while reading (``scope``: ``record``, ``file`` or ``corpus``)."""

    OPTIONS: ClassVar[dict[str, str]] = {"record": "max_record_bytes", "file": "max_file_bytes", "corpus": "max_corpus_bytes"}

    def __init__(self, scope: str, limit: int):
        self.scope = scope
        self.limit = limit
        self.option = self.OPTIONS[scope]
        super().__init__(f"more than {_size(limit)} decompressed ({self.option}={limit})")


def _size(n: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor:
            value = n / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))


def _open_regular(path: str | Path) -> IO[bytes]:
    """Open a *regular* file for reading bytes; anything else raises :class:`_NotRegular`.

    The one guard every corpus read goes through: opened non-blocking (a FIFO cannot
    hang the open), checked with ``fstat`` on the opened descriptor (no race with the
    scan), then switched back to blocking reads.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegular(f"not a regular file ({_file_type(mode)}): {path}")
        if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _Budget:
    """Decompressed bytes read in one pass over the corpus, against ``max_corpus_bytes``."""

    __slots__ = ("limit", "used")

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0


class _Bounded(io.RawIOBase):
    """A byte stream that raises :class:`_TooLarge` once more than ``limit`` bytes (or the
    corpus budget) have come out of it: decompression stops early, nothing is buffered."""

    def __init__(self, inner: IO[bytes], limit: int, scope: str, budget: _Budget | None):
        self._inner = inner
        self._limit = limit
        self._scope = scope
        self._budget = budget
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._inner.readinto(buffer)
        if n:
            self.count += n
            if self.count > self._limit:
                raise _TooLarge(self._scope, self._limit)
            budget = self._budget
            if budget is not None:
                budget.used += n
                if budget.used > budget.limit:
                    raise _TooLarge("corpus", budget.limit)
        return n or 0

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


def _open_binary(path: Path, *, limit: int | None = None, scope: str = "file",
                 budget: _Budget | None = None) -> IO[bytes]:
    """Open ``path`` for reading bytes through the guard, decompressing gzip / xz / bzip2
    by magic bytes; at most ``limit`` decompressed bytes (then :class:`_TooLarge`)."""
    fh = _open_regular(path)
    try:
        head = fh.read(10)
        fh.seek(0)
        kind = _compression(head)
        if kind == "zstd":
            raise OSError("zstandard compression is not supported; decompress the file or recompress it "
                          "with xz or gzip")
        stream: IO[bytes]
        if kind is None:
            stream = fh
        else:
            opener = {"gz": gzip.GzipFile, "xz": lzma.LZMAFile, "bz2": bz2.BZ2File}[kind]
            stream = opener(fileobj=fh, mode="rb") if kind == "gz" else opener(fh, mode="rb")
    except BaseException:
        fh.close()
        raise
    raw = _Bounded(_Closing(stream, fh), limit if limit is not None else 1 << 62, scope, budget)
    return io.BufferedReader(raw, buffer_size=1 << 16)


class _Closing(io.RawIOBase):
    """A decompressing stream that also closes the underlying file."""

    def __init__(self, stream: IO[bytes], fh: IO[bytes]):
        self._stream = stream
        self._fh = fh

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._stream.readinto(buffer) or 0

    def close(self) -> None:
        try:
            if self._stream is not self._fh:
                self._stream.close()
        finally:
            self._fh.close()
            super().close()


def _read_bounded(path: Path, limit: int, scope: str, budget: _Budget | None) -> bytes:
    """The whole (decompressed) content of a file, or :class:`_TooLarge` past ``limit``."""
    with _open_binary(path, limit=limit, scope=scope, budget=budget) as fh:
        chunks = []
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


_READ_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error)

def _strip_suffixes(name: str) -> tuple[str, str]:
    """``("a", ".jsonl")`` for ``"a.jsonl.xz"``: the stem and the format suffix."""
    lower = name.lower()
    for suffix in COMPRESSION_SUFFIXES:
        if lower.endswith(suffix):
            name, lower = name[: -len(suffix)], lower[: -len(suffix)]
            break
    dot = lower.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], lower[dot:]


def _bom_encoding(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the bytes look like BOM-less UTF-16 Arabic text.

    Such bytes are often valid UTF-8 (every byte of ``"ب"`` = ``28 06`` is ASCII), so
    this is checked first: in UTF-16 Arabic, every other byte is ``0x06`` or ``0x00``.
    """
    sample = data[:65536]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    for high, low, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if (high.count(0) + high.count(6)) >= 0.9 * len(high) and low.count(0) <= 0.05 * len(low):
            try:
                if _looks_arabic(data[: len(data) // 2 * 2].decode(encoding)):
                    return encoding
            except UnicodeDecodeError:
                return None
    return None


def _looks_arabic(text: str) -> bool:
    sample = text[:200_000]
    arabic = len(_ARABIC_LETTER.findall(sample))
    letters = len(_LETTER.findall(sample))
    controls = len(_CONTROL.findall(sample))
    return arabic > 0 and arabic >= 0.5 * letters and controls <= 0.01 * len(sample)


# UTF-8 Arabic read as Windows-1256 turns every lead byte 0xD8/0xD9 into ط/ظ: real Arabic
# has about 1.5 % of those letters, such mojibake about half.
_MOJIBAKE_LETTERS = re.compile("[\u0637\u0638]")


def _plausible_arabic(text: str) -> bool:
    """Mostly Arabic letters, few control characters, and not UTF-8 mojibake."""
    if not _looks_arabic(text):
        return False
    sample = text[:200_000]
    arabic = len(_ARABIC_LETTER.findall(sample))
    return len(_MOJIBAKE_LETTERS.findall(sample)) <= 0.2 * arabic


def _utf8_counts(text: str) -> tuple[int, int]:
    """``(bad bytes, good non-ASCII characters)`` of a ``surrogateescape`` UTF-8 decoding."""
    bad = len(_SURROGATE.findall(text))
    good = len(text) - bad - len(text.encode("ascii", "ignore"))
    return bad, good


def _damaged_utf8(bad: int, good: int, nbytes: int) -> bool:
    """UTF-8 with a few bad bytes, not a legacy code page: more valid multi-byte characters
    than invalid bytes (a code page almost never forms valid UTF-8 sequences), or a few
    bad bytes in mostly ASCII text."""
    return bad <= good or bad * 1000 <= nbytes


_ENCODING_NAMES = {
    "cp1256": "Windows-1256", "windows-1256": "Windows-1256", "iso8859_6": "ISO-8859-6",
    "cp720": "DOS Arabic (CP720)", "cp864": "DOS Arabic (CP864)", "utf-16-le": "UTF-16 LE without BOM",
    "utf-16-be": "UTF-16 BE without BOM", "utf_16_le": "UTF-16 LE without BOM", "utf_16_be": "UTF-16 BE without BOM",
}


def encoding_name(encoding: str) -> str:
    """A readable name for a codec name (``cp1256`` → ``Windows-1256 (cp1256)``)."""
    name = _ENCODING_NAMES.get(encoding.lower())
    return f"{name} ({encoding})" if name else encoding


def _legacy_candidates(sample: bytes) -> list[str]:
    candidates: list[str] = []
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample, cp_isolation=["cp1256", "iso8859_6", "cp720", "cp864",
                                                "utf_16_le", "utf_16_be"]).best()
        if best is not None:
            candidates.append(best.encoding)
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        pass
    candidates.append("cp1256")
    return list(dict.fromkeys(candidates))


def _legacy_encoding(data: bytes) -> str | None:
    """An Arabic legacy code page (or BOM-less UTF-16) that decodes *all of* ``data``
    strictly to plausible Arabic text."""
    for encoding in _legacy_candidates(data[:65536]):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible_arabic(text):
            return encoding
    return None


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded document: ``text`` (invalid UTF-8 bytes already replaced by U+FFFD),
    the ``encoding``, whether it was ``guessed`` (no BOM, not UTF-8), and the count and
    first byte offsets of invalid UTF-8 bytes."""

    text: str
    encoding: str
    guessed: bool = False
    bad_bytes: int = 0
    bad_offsets: tuple[int, ...] = ()


def decode_document(data: bytes) -> Decoded:
    """Decode one whole file; raises :class:`UnicodeError` when nothing reads it honestly.

    Order: byte-order mark; BOM-less UTF-16 Arabic (guessed); strict UTF-8; UTF-8 with a
    few invalid bytes (replaced by U+FFFD, their byte offsets kept); last, an Arabic code
    page (charset-normalizer restricted to Arabic code pages, then Windows-1256), used only
    when it decodes the *whole* file strictly to plausible Arabic — never UTF-8 mojibake.

    >>> decode_document("نص".encode("cp1256")).encoding
    'cp1256'
    """
    bom = _bom_encoding(data)
    if bom and bom != "utf-8-sig":
        return Decoded(data.decode(bom), bom)
    if bom is None:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return Decoded(data.decode(utf16), utf16, guessed=True)
    encoding = bom or "utf-8"
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        first_error = exc
    text = data.decode(encoding, "surrogateescape")
    bad, good = _utf8_counts(text)
    if bom or _damaged_utf8(bad, good, len(data)):
        return Decoded(_SURROGATE.sub("\ufffd", text), encoding, False, bad, _byte_offsets(text, 10, bom is not None))
    legacy = _legacy_encoding(data)
    if legacy is not None:
        return Decoded(data.decode(legacy), legacy, guessed=True)
    raise UnicodeError(
        f"not UTF-8 ({bad} invalid bytes, the first 0x{data[first_error.start]:02x} at byte offset "
        f"{first_error.start}), UTF-16 or an Arabic code page (Windows-1256) that reads the whole file"
    )


def _byte_offsets(text: str, n: int, bom: bool) -> tuple[int, ...]:
    """Byte offsets of the first ``n`` lone surrogates (invalid bytes) of a
    ``surrogateescape`` decoding."""
    offsets = []
    pos, byte = 0, 3 if bom else 0
    for m in _SURROGATE.finditer(text):
        byte += len(text[pos:m.start()].encode("utf-8", "surrogateescape"))
        offsets.append(byte)
        byte += 1
        pos = m.end()
        if len(offsets) >= n:
            break
    return tuple(offsets)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a whole document: ``(text, encoding)``; raises :class:`UnicodeError`.

    :func:`decode_document` without the details (invalid bytes are U+FFFD in ``text``).
    """
    decoded = decode_document(data)
    return decoded.text, decoded.encoding


def _stream_encoding(head: bytes, complete: bool) -> tuple[str, bool]:
    """``(encoding, guessed)`` of a record file from its first bytes; raises :class:`UnicodeError`."""
    bom = _bom_encoding(head)
    if bom:
        return bom, False
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16, True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8", False
    except UnicodeDecodeError as exc:
        first_error = exc
    text = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(head, final=complete)
    bad, good = _utf8_counts(text)
    if _damaged_utf8(bad, good, len(head)):
        return "utf-8", False
    for encoding in _legacy_candidates(head[:65536]):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible_arabic(text):
            return encoding, True
    raise UnicodeError(
        f"not UTF-8 (invalid byte 0x{head[first_error.start]:02x} at byte offset {first_error.start}), "
        "UTF-16 or an Arabic code page (Windows-1256)"
    )


# ---------------------------------------------------------------------------------------
# reading: raw records before checks


@dataclass(slots=True)
class _Raw:
    """One input record mapped to document fields, before any check."""

    source: str
    line: int | None
    doc_id: str | None
    text: Any
    outlet: Any = None
    date: Any = None
    title: Any = None
    url: Any = None
    event: Any = None
    language: Any = None
    meta: list[tuple[str, str]] = field(default_factory=list)
    not_in_manifest: bool = False
    where: str = ""  # "record 7" when no line number is known


@dataclass(frozen=True, slots=True)
class _Entry:
    """A text file of a folder corpus with its manifest row (if any)."""

    rel: str
    path: Path
    doc_id: str
    row: dict[str, Any] | None
    meta: tuple[tuple[str, str], ...] = ()


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = value if isinstance(value, str) else str(value)
    text = text.strip()
    return text or None


def _meta_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _doc_stem(rel: str) -> str:
    stem, suffix = _strip_suffixes(rel)
    return stem if suffix == ".txt" else (stem + suffix if suffix else stem)


# ---------------------------------------------------------------------------------------
# repeated lines: first pass


class _LineCounter:
    """Per outlet, in how many documents each line hash occurs.

    Hashes are buffered in compact ``array('q')`` (8 bytes each, at most ``FLUSH`` in
    all) and folded into sorted unique arrays with counts, so memory grows with the
    number of *distinct* lines (16 bytes each), not with the size of the text.
    """

    FLUSH = 1 << 20

    def __init__(self) -> None:
        self._buffers: dict[str, array] = {}
        self._buffered = 0
        self._unique: dict[str, Any] = {}
        self._counts: dict[str, Any] = {}

    def add(self, outlet: str, hashes: Iterable[int]) -> None:
        buf = self._buffers.get(outlet)
        if buf is None:
            buf = self._buffers[outlet] = array("q")
        before = len(buf)
        buf.extend(hashes)
        self._buffered += len(buf) - before
        if self._buffered >= self.FLUSH:
            for name in list(self._buffers):
                self._flush(name)
            self._buffered = 0

    def _flush(self, outlet: str) -> None:
        import numpy as np

        buf = self._buffers.pop(outlet, None)
        if not buf:
            return
        new = np.frombuffer(buf, dtype=np.int64)
        values, counts = np.unique(new, return_counts=True)
        if outlet in self._unique:
            merged = np.concatenate([self._unique[outlet], values])
            weights = np.concatenate([self._counts[outlet], counts])
            values, inverse = np.unique(merged, return_inverse=True)
            counts = np.bincount(inverse, weights=weights).astype(np.int64)
        self._unique[outlet] = values
        self._counts[outlet] = counts

    def frequent(self, outlet_docs: dict[str, int], rule: RepeatedLineRule) -> dict[str, dict[int, int]]:
        """``{outlet: {line hash: documents}}`` for lines at or above the rule's threshold."""
        for outlet in list(self._buffers):
            self._flush(outlet)
        result: dict[str, dict[int, int]] = {}
        for outlet, values in self._unique.items():
            threshold = rule.threshold(outlet_docs.get(outlet, 0))
            if threshold is None:
                continue
            keep = self._counts[outlet] >= threshold
            if keep.any():
                result[outlet] = dict(zip(values[keep].tolist(), self._counts[outlet][keep].tolist(), strict=True))
        return result


@dataclass(slots=True)
class _Scan:
    documents: int
    outlet_documents: dict[str, int]
    repeated: dict[str, dict[int, int]]


# ---------------------------------------------------------------------------------------
# the corpus


class Corpus:
    """A corpus on disk, read as a stream of :class:`Document`.

    Build it with :func:`load_corpus`. ``iter_documents()`` re-reads the input on every
    call (nothing is kept in memory but small per-outlet tables); ``problems`` collects
    what was skipped or altered during the latest iteration and is complete once an
    iteration has finished.
    """

    def __init__(self, path: Path, kind: str, *, fields: FieldMap, entries: Sequence[_Entry] = (),
                 manifest: Path | None = None, boilerplate: Boilerplate | None = None,
                 repeated_lines: RepeatedLineRule | None, html: str = "strip",
                 corpus_problems: Sequence[Problem] = (), id_field: str | None = None,
                 missing_fields: frozenset[str] = frozenset(), delimiter: str = ",",
                 limits: CorpusLimits | None = None):
        self.path = path
        self.limits = limits if limits is not None else CorpusLimits()
        self.kind = kind  # "folder" | "txt" | "csv" | "jsonl" | "json"
        self.fields = fields
        self.manifest = manifest
        self.boilerplate = boilerplate
        self.repeated_rule = repeated_lines
        self.html = html
        self._entries = tuple(entries)
        self._corpus_problems = tuple(corpus_problems)
        self._id_field = id_field if id_field is not None else fields.id
        self._missing = missing_fields  # roles whose field no record has (reported once)
        self._delimiter = delimiter
        self._encoding: str | None = None
        self._guessed = False
        self._root = path.resolve() if kind == "folder" else None
        self._used_fields: frozenset[str] | None = None
        self._scan: _Scan | None = None
        self._line_texts: dict[str, dict[int, str]] | None = None
        self.problems: list[Problem] = list(self._corpus_problems)

    # -- public ---------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r}, kind={self.kind!r})"

    def __getstate__(self) -> dict[str, Any]:
        # line hashes come from hash(), which differs between processes: recount there
        state = self.__dict__.copy()
        state["_scan"] = None
        state["_line_texts"] = None
        return state

    def __iter__(self) -> Iterator[Document]:
        return self.iter_documents()

    def __len__(self) -> int:
        """Number of usable documents (one counting pass the first time)."""
        return self._ensure_scan().documents

    @property
    def files(self) -> tuple[Path, ...]:
        """The input files (text files of a folder, or the one record file)."""
        if self.kind in ("folder", "txt"):
            return tuple(e.path for e in self._entries)
        return (self.path,)

    def outlet_counts(self) -> dict[str, int]:
        """Usable documents per outlet, sorted by outlet."""
        return dict(sorted(self._ensure_scan().outlet_documents.items()))

    @property
    def outlets(self) -> list[str]:
        return list(self.outlet_counts())

    def iter_documents(self) -> Iterator[Document]:
        """Stream the documents, in a stable order (file name, then record order).

        Calling it again re-reads the input. Raises :class:`CorpusError` at the end if no
        document was usable.
        """
        repeated = self._ensure_scan().repeated if self.repeated_rule is not None else {}
        problems: list[Problem] = list(self._corpus_problems)
        self.problems = problems
        sink = problems.append
        seen_ids: set[str] = set()
        line_texts: dict[str, dict[int, str]] = {outlet: {} for outlet in repeated}
        count = 0
        for raw, text in self._documents(sink):
            count += 1
            yield self._build(raw, text, sink, seen_ids, repeated, line_texts)
        if count == 0:
            raise self._empty_error(problems)
        self._line_texts = line_texts

    def repeated_lines(self) -> list[RepeatedLine]:
        """The lines excluded as ``repeated-line``, per outlet (most frequent first).

        Reads the corpus once more if no full iteration has finished yet.
        """
        if self.repeated_rule is None:
            return []
        scan = self._ensure_scan()
        if self._line_texts is None:
            self._line_texts = self._collect_line_texts(scan)
        rows = []
        for outlet, counts in scan.repeated.items():
            texts = self._line_texts.get(outlet, {})
            for h, n in counts.items():
                if h in texts:
                    rows.append(RepeatedLine(outlet, _truncate(texts[h], 120), n, scan.outlet_documents[outlet]))
        rows.sort(key=lambda r: (r.outlet, -r.documents, r.line))
        return rows

    def excluded_lines(self) -> list[dict[str, Any]]:
        """:meth:`repeated_lines` as plain rows (``outlet, line, documents, outlet_documents``) for a table."""
        return [asdict(row) for row in self.repeated_lines()]

    def fingerprint(self) -> str:
        """SHA-256 (hex) of the input bytes: every input file (and its name in a folder) and the manifest.

        Reads the files the scan accepted, through the same guard as the reader; a file that
        disappeared or became unreadable since is hashed as a marker (the fingerprint then
        differs), never an error.
        """
        digest = hashlib.sha256()
        parts: list[tuple[str, Path]] = []
        if self.kind == "folder":
            parts = [(e.rel, e.path) for e in self._entries]
        else:
            parts = [("", p) for p in self.files]
        if self.manifest is not None:
            parts.append(("\0manifest", self.manifest))
        for name, path in parts:
            digest.update(name.encode("utf-8") + b"\0")
            try:
                refusal = self._refusal(path) if name != "\0manifest" else None
                if refusal is not None:
                    raise _NotRegular(refusal[0])
                with _open_regular(path) as fh:
                    for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                        digest.update(chunk)
            except OSError as exc:  # gone or unreadable since the scan: recorded, not fatal
                digest.update(b"\0unreadable\0" + type(exc).__name__.encode())
            digest.update(b"\0")
        return digest.hexdigest()

    # -- passes ---------------------------------------------------------------------
    def _ensure_scan(self) -> _Scan:
        if self._scan is None:
            self._scan = self._run_scan()
        return self._scan

    def _run_scan(self) -> _Scan:
        """First pass: usable documents per outlet and (if enabled) line hash counts."""
        rule = self.repeated_rule
        counter = _LineCounter() if rule is not None else None
        outlet_docs: Counter[str] = Counter()
        problems: list[Problem] = []
        sink = problems.append
        for raw, text in self._documents(sink):
            outlet = _clean(raw.outlet) or UNKNOWN_OUTLET
            outlet_docs[outlet] += 1
            if counter is not None:
                masked = self._masked(text)
                min_chars = rule.min_chars
                counter.add(outlet, {hash(s) for s in (ln.strip(_STRIP) for ln in masked.split("\n"))
                                     if len(s) >= min_chars})
        total = sum(outlet_docs.values())
        if total == 0:
            raise self._empty_error(list(self._corpus_problems) + problems)
        repeated = counter.frequent(outlet_docs, rule) if counter is not None else {}
        return _Scan(total, dict(outlet_docs), repeated)

    def _collect_line_texts(self, scan: _Scan) -> dict[str, dict[int, str]]:
        wanted = {outlet: set(counts) for outlet, counts in scan.repeated.items()}
        found: dict[str, dict[int, str]] = {outlet: {} for outlet in wanted}
        missing = sum(len(v) for v in wanted.values())
        if not missing:
            return found
        for raw, text in self._documents(_discard):
            outlet = _clean(raw.outlet) or UNKNOWN_OUTLET
            hashes = wanted.get(outlet)
            if not hashes:
                continue
            for ln in self._masked(text).split("\n"):
                s = ln.strip(_STRIP)
                h = hash(s)
                if h in hashes and h not in found[outlet]:
                    found[outlet][h] = s
                    missing -= 1
            if missing <= 0:
                break
        return found

    def _first_usable(self) -> None:
        """Raise :class:`CorpusError` unless at least one document is usable (stops at the first)."""
        problems: list[Problem] = []
        documents = self._documents(problems.append)
        try:
            for _raw_text in documents:
                return
        finally:
            documents.close()
        raise self._empty_error(list(self._corpus_problems) + problems)

    def _empty_error(self, problems: Sequence[Problem]) -> CorpusError:
        skipped = [p for p in problems if p.action == "skipped"]
        if not skipped:
            return CorpusError("no documents found", path=self.path,
                               hint="give a folder of .txt files or a .csv/.jsonl/.json file with a text field")
        reasons = Counter(p.reason for p in skipped)
        summary = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
        examples = "; ".join(_describe(p) for p in skipped[:5])
        more = f"; ... and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        return CorpusError(
            f"no usable documents: {len(skipped)} skipped ({summary}): {examples}{more}",
            path=self.path,
            hint="check the encoding, the text field (--text-field) and that the texts are Arabic",
        )

    # -- per document ---------------------------------------------------------------
    def _masked(self, text: str) -> str:
        if self.html == "strip":
            spans = html_spans(text)
            if spans:
                return mask_spans(text, spans)
        return text

    def _documents(self, sink: Callable[[Problem], Any]) -> Iterator[tuple[_Raw, str]]:
        """Usable records with their prepared text; a text over ``max_document_chars`` is
        split into parts ``id#1``, ``id#2``, … (one ``split document`` problem)."""
        max_chars = self.limits.max_document_chars
        for raw in self._iter_raw(sink):
            text = self._prepare(raw, sink)
            if text is None:
                continue
            if len(text) <= max_chars:
                yield raw, text
                continue
            parts = split_text(text, max_chars)
            doc_id = raw.doc_id
            sink(Problem(raw.source, "split document", "altered", f"{doc_id}#1", raw.line,
                         _join(raw.where, f"{len(text):,} characters, over max_document_chars={max_chars:,}: "
                               f"split into {len(parts)} parts {doc_id}#1 … {doc_id}#{len(parts)} at "
                               f"paragraph/sentence/word boundaries (raise the bound with --max-document-chars)")))
            for k, part in enumerate(parts, 1):
                piece = replace(raw, doc_id=f"{doc_id}#{k}", meta=[*raw.meta, ("part", f"{k}/{len(parts)}")])
                yield piece, part

    def _prepare(self, raw: _Raw, sink: Callable[[Problem], Any]) -> str | None:
        """The text to keep, or ``None`` (reported) when the record is not usable."""
        text = raw.text
        doc_id = raw.doc_id
        where = raw.where
        if text is None or (isinstance(text, str) and not text):
            if text is None:
                sink(Problem(raw.source, "missing text", "skipped", doc_id, raw.line,
                             _join(where, f"no '{self.fields.text}' field")))
            else:
                sink(Problem(raw.source, "empty document", "skipped", doc_id, raw.line, where))
            return None
        if not isinstance(text, str):
            if isinstance(text, (int, float)) and not isinstance(text, bool):
                text = str(text)
            else:
                sink(Problem(raw.source, "malformed row", "skipped", doc_id, raw.line,
                             _join(where, f"'{self.fields.text}' is a {type(text).__name__}, not text")))
                return None
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\x00" in text:
            first = text.index("\x00")
            n = text.count("\x00")
            text = text.replace("\x00", " ")
            line = raw.line if raw.line is not None else text.count("\n", 0, first) + 1
            sink(Problem(raw.source, "NUL characters", "altered", doc_id, line,
                         _join(where, f"{n} NUL character(s) replaced by spaces")))
        if _SURROGATE.search(text):
            n = len(_SURROGATE.findall(text))
            text = _SURROGATE.sub("\ufffd", text)
            sink(Problem(raw.source, "undecodable bytes", "altered", doc_id, raw.line,
                         _join(where, f"{n} undecodable byte(s) replaced by U+FFFD")))
        if text.isspace():
            sink(Problem(raw.source, "empty document", "skipped", doc_id, raw.line, where))
            return None
        if _ARABIC_LETTER.search(text) is None:
            sink(Problem(raw.source, "no Arabic letters", "skipped", doc_id, raw.line,
                         _join(where, _truncate(" ".join(text.split()), 60))))
            return None
        return text

    def _build(self, raw: _Raw, text: str, sink: Callable[[Problem], Any], seen_ids: set[str],
               repeated: dict[str, dict[int, int]], line_texts: dict[str, dict[int, str]]) -> Document:
        source, line, where = raw.source, raw.line, raw.where
        doc_id = raw.doc_id
        if doc_id in seen_ids:
            k = 2
            while f"{doc_id}~{k}" in seen_ids:
                k += 1
            new_id = f"{doc_id}~{k}"
            sink(Problem(source, "duplicate id", "altered", new_id, line,
                         _join(where, f"id '{doc_id}' was already used; renamed to '{new_id}'")))
            doc_id = new_id
        seen_ids.add(doc_id)

        outlet = _clean(raw.outlet)
        if outlet is None:
            outlet = UNKNOWN_OUTLET
            if raw.not_in_manifest:
                sink(Problem(source, "not in manifest", "altered", doc_id, line,
                             f"outlet '{UNKNOWN_OUTLET}'; add a row for this file to {self.manifest}"))
            elif "outlet" not in self._missing and self.kind not in ("folder", "txt"):
                sink(Problem(source, "missing outlet", "altered", doc_id, line,
                             _join(where, f"no '{self.fields.outlet}' value; outlet '{UNKNOWN_OUTLET}'")))
            elif self.kind == "folder" and self.manifest is not None:
                sink(Problem(source, "missing outlet", "altered", doc_id, line,
                             f"the manifest row has no outlet; outlet '{UNKNOWN_OUTLET}'"))

        meta = list(raw.meta)
        date_raw = _clean(raw.date)
        date = None
        if date_raw is not None:
            date = normalize_date(date_raw)
            if date is None:
                date = date_raw
                sink(Problem(source, "unparseable date", "altered", doc_id, line,
                             _join(where, f"kept as written: {date_raw!r}")))
            elif date != date_raw:
                meta.append((self.fields.date, date_raw))

        spans: list[Span] = []
        if self.html == "strip":
            markup = html_spans(text)
            if markup:
                spans.extend(markup)
                sink(Problem(source, "html markup", "excluded", doc_id, line,
                             _join(where, f"{len(markup)} tag(s)/entit(ies) excluded")))
                scan_text = mask_spans(text, markup)
            else:
                scan_text = text
        else:
            scan_text = text
        outlet_repeated = repeated.get(outlet)
        if self.boilerplate is not None or outlet_repeated:
            spans.extend(_line_spans(scan_text, self.boilerplate, outlet_repeated,
                                     line_texts.get(outlet),
                                     self.repeated_rule.min_chars if self.repeated_rule else 8))
        spans.sort(key=lambda s: (s.start, s.end))

        return Document(
            doc_id=doc_id,
            text=text,
            outlet=outlet,
            date=date,
            title=_clean(raw.title),
            url=_clean(raw.url),
            event=_clean(raw.event),
            language=_clean(raw.language) or "ar",
            source=source if line is None else f"{source}:{line}",
            excluded=tuple(spans),
            meta=tuple(meta),
        )

    # -- readers --------------------------------------------------------------------
    def _iter_raw(self, sink: Callable[[Problem], Any]) -> Iterator[_Raw]:
        budget = _Budget(self.limits.max_corpus_bytes)
        try:
            if self.kind in ("folder", "txt"):
                yield from self._iter_text_files(sink, budget)
            elif self.kind == "jsonl":
                yield from self._iter_jsonl(sink, budget)
            elif self.kind == "csv":
                yield from self._iter_csv(sink, budget)
            else:
                yield from self._iter_json(sink, budget)
        except _TooLarge as exc:  # only the corpus-wide bound gets here
            raise CorpusError(f"the corpus is larger than {_size(exc.limit)} decompressed "
                              f"(max_corpus_bytes={exc.limit})", path=self.path,
                              hint="raise the bound with --max-corpus-bytes (max_corpus_bytes= in Python)") from None

    def _refusal(self, path: Path) -> tuple[str, str] | None:
        """Why a folder entry must not be read now (checked again at read time: a file can
        be replaced by a link after the scan)."""
        if self._root is None:
            return None
        try:
            target = Path(os.path.realpath(path, strict=True))
        except (OSError, RuntimeError) as exc:
            return "broken link", f"cannot be resolved: {exc.strerror if isinstance(exc, OSError) else exc}"
        if not target.is_relative_to(self._root):
            return "link outside the folder", "a symbolic link leaving the corpus folder: not read (copy the file in)"
        return None

    def _iter_text_files(self, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        lim = self.limits
        limit, scope = ((lim.max_record_bytes, "record") if lim.max_record_bytes <= lim.max_file_bytes
                        else (lim.max_file_bytes, "file"))
        for entry in self._entries:
            source = str(entry.path)
            refusal = self._refusal(entry.path)
            if refusal is not None:
                sink(Problem(source, refusal[0], "skipped", entry.doc_id, None, refusal[1]))
                continue
            try:
                data = _read_bounded(entry.path, limit, scope, budget)
            except _TooLarge as exc:
                if exc.scope == "corpus":
                    raise
                sink(Problem(source, "too large", "skipped", entry.doc_id, None,
                             f"{exc}: not read; raise the bound with {_LIMIT_OPTION[exc.option]}"))
                continue
            except _READ_ERRORS as exc:
                sink(Problem(source, "cannot read", "skipped", entry.doc_id, None, _os_message(exc)))
                continue
            try:
                decoded = decode_document(data)
            except UnicodeError as exc:
                sink(Problem(source, "cannot decode", "skipped", entry.doc_id, None, str(exc)))
                continue
            del data
            if decoded.bad_bytes:
                sink(Problem(source, "undecodable bytes", "altered", entry.doc_id, None,
                             f"{decoded.bad_bytes} invalid UTF-8 byte(s) replaced by U+FFFD at "
                             f"{_offsets(decoded.bad_offsets, decoded.bad_bytes)} of the (decompressed) file"))
            if decoded.guessed:
                sink(Problem(source, "guessed encoding", "altered", entry.doc_id, None,
                             f"no BOM and not UTF-8: decoded as {encoding_name(decoded.encoding)}, which reads "
                             "the whole file as Arabic; check the text, or save the file as UTF-8"))
            row = entry.row or {}
            yield _Raw(source, None, entry.doc_id, decoded.text, outlet=row.get("outlet"), date=row.get("date"),
                       title=row.get("title"), url=row.get("url"), event=row.get("event"),
                       language=row.get("language"), meta=list(entry.meta),
                       not_in_manifest=self.manifest is not None and entry.row is None)

    def _detect_encoding(self) -> None:
        """Choose the encoding of a record file from its first MiB; a guessed code page must
        then decode the whole file (one streaming check)."""
        try:
            with _open_binary(self.path, limit=self.limits.max_file_bytes) as head_stream:
                head = head_stream.read(_HEAD_BYTES)
        except _TooLarge:
            head = b""
        except _READ_ERRORS as exc:
            raise CorpusError(f"cannot read: {_os_message(exc)}", path=self.path) from None
        try:
            encoding, guessed = _stream_encoding(head, complete=len(head) < _HEAD_BYTES)
        except UnicodeError as exc:
            raise CorpusError(f"cannot decode: {exc}", path=self.path, hint="save the file as UTF-8") from None
        if guessed and len(head) >= _HEAD_BYTES:
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                with _open_binary(self.path, limit=self.limits.max_file_bytes) as fh:
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        decoder.decode(chunk)
                    decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                raise CorpusError(f"cannot decode: the first MiB reads as {encoding_name(encoding)} but the "
                                  f"rest does not ({exc.reason})", path=self.path,
                                  hint="save the file as UTF-8") from None
            except (_TooLarge, *_READ_ERRORS):
                pass  # reported when the records are read
        self._encoding = encoding
        self._guessed = guessed

    def _open_text(self, budget: _Budget | None = None, *, whole: bool = False) -> IO[str]:
        """The record file as text (decompressed, decoded; undecodable bytes become surrogates),
        at most ``max_file_bytes`` (``max_record_bytes`` when ``whole`` is read at once)."""
        if self._encoding is None:
            self._detect_encoding()
        lim = self.limits
        limit, scope = lim.max_file_bytes, "file"
        if whole and lim.max_record_bytes < limit:
            limit, scope = lim.max_record_bytes, "record"
        try:
            binary = _open_binary(self.path, limit=limit, scope=scope, budget=budget)
        except _READ_ERRORS as exc:
            raise CorpusError(f"cannot read: {_os_message(exc)}", path=self.path) from None
        newline = "" if self.kind == "csv" else "\n"
        return io.TextIOWrapper(binary, encoding=self._encoding, errors="surrogateescape", newline=newline)

    def _lines(self, fh: IO[str], sink: Callable[[Problem], Any], *,
               too_long: str | None = None) -> Iterator[tuple[int, str]]:
        """Numbered lines of at most ``max_record_bytes`` characters: a longer line is listed
        (``too large``) and skipped (or replaced by ``too_long``); reading stops at
        ``max_file_bytes``; a corrupt or truncated compressed stream is a :class:`CorpusError`."""
        limit = self.limits.max_record_bytes
        source = str(self.path)
        number = 0
        at = 1  # the line being read
        try:
            while True:
                at = number + 1
                line = fh.readline(limit + 1)
                if not line:
                    return
                number += 1
                at = number
                if len(line) > limit and not line.endswith("\n"):
                    while line and not line.endswith("\n"):
                        line = fh.readline(1 << 20)
                    sink(Problem(source, "too large", "skipped", None, number,
                                 f"a line of more than {limit:,} characters (max_record_bytes={limit}): "
                                 "not read; raise the bound with --max-record-bytes"))
                    if too_long is not None:
                        yield number, too_long
                    continue
                yield number, line
        except _TooLarge as exc:
            if exc.scope == "corpus":
                raise
            sink(Problem(source, "too large", "skipped", None, at,
                         f"{exc}: reading stopped in line {at}, the rest of the file was not read; "
                         f"raise the bound with {_LIMIT_OPTION[exc.option]}"))
        except _READ_ERRORS as exc:
            raise CorpusError(f"cannot read past line {number}: {_os_message(exc)}", path=self.path, line=number + 1,
                              hint="the file is truncated or corrupt; re-download or re-compress it") from None

    def _iter_jsonl(self, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        source = str(self.path)
        depth = self.limits.max_json_depth
        with self._open_text(budget) as fh:
            for number, line in self._lines(fh, sink):
                if line.isspace():
                    continue
                try:
                    obj = _json_loads(line, depth)
                except _TooDeep as exc:
                    sink(Problem(source, "malformed row", "skipped", None, number, str(exc)))
                    continue
                except ValueError as exc:
                    sink(Problem(source, "malformed row", "skipped", None, number, f"invalid JSON: {exc}"))
                    continue
                if not isinstance(obj, dict):
                    sink(Problem(source, "malformed row", "skipped", None, number,
                                 f"a JSON {type(obj).__name__}, not an object"))
                    continue
                yield self._from_record(obj, source, number, number, "")

    def _iter_json(self, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        source = str(self.path)
        for number, (line, obj) in enumerate(self._json_records(budget), 1):
            where = "" if line else f"record {number}"
            if not isinstance(obj, dict):
                sink(Problem(source, "malformed row", "skipped", None, line,
                             _join(where, f"a JSON {type(obj).__name__}, not an object")))
                continue
            yield self._from_record(obj, source, line, number, where)

    def _json_records(self, budget: _Budget | None = None) -> list[tuple[int | None, Any]]:
        """``(line, record)`` pairs of a .json file (lines known for a top-level list)."""
        with self._open_text(budget, whole=True) as fh:
            try:
                content = fh.read()
            except _TooLarge as exc:
                if exc.scope == "corpus":
                    raise
                raise CorpusError(f"the .json file is larger than the bound: {exc}", path=self.path,
                                  hint=f"use JSON Lines (one object per line), or raise {_LIMIT_OPTION[exc.option]}"
                                  ) from None
            except _READ_ERRORS as exc:
                raise CorpusError(f"cannot read: {_os_message(exc)}", path=self.path) from None
        try:
            data = _json_loads(content, self.limits.max_json_depth)
        except _TooDeep as exc:
            raise CorpusError(str(exc), path=self.path,
                              hint="flatten the records, or use JSON Lines so a bad record can be skipped") from None
        except ValueError as exc:
            line = getattr(exc, "lineno", None)
            raise CorpusError(f"invalid JSON: {getattr(exc, 'msg', exc)}", path=self.path, line=line,
                              hint="fix the file, or use JSON Lines (one object per line) so bad lines can be skipped") from None
        if isinstance(data, dict) and isinstance(data.get("documents"), list):
            return [(None, obj) for obj in data["documents"]]
        if not isinstance(data, list):
            raise CorpusError("a .json corpus must be a list of objects or {\"documents\": [...]}",
                              path=self.path, hint="or give one JSON object per line in a .jsonl file")
        return list(_json_array_lines(content, data))

    def _iter_csv(self, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        source = str(self.path)
        _set_csv_limit(self.limits.max_record_bytes)
        with self._open_text(budget) as fh:
            lines = (line for _number, line in self._lines(fh, sink, too_long=_TOO_LONG))
            reader = csv.reader(lines, delimiter=self._delimiter, strict=True)
            header = None
            last = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    sink(Problem(source, "malformed row", "skipped", None, last + 1, f"CSV: {exc}"))
                    last = reader.line_num
                    continue
                start, last = last + 1, reader.line_num
                if row == [_TOO_LONG.rstrip("\n")]:
                    continue  # listed by _lines
                if header is None:
                    header = [h.strip(_STRIP) for h in row]
                    continue
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) != len(header):
                    sink(Problem(source, "malformed row", "skipped", None, start,
                                 f"{len(row)} fields where the header has {len(header)}"))
                    continue
                yield self._from_record(dict(zip(header, row, strict=True)), source, start, start, "")

    def _from_record(self, obj: dict[str, Any], source: str, line: int | None, number: int,
                     where: str) -> _Raw:
        f = self.fields
        id_field = self._id_field
        used = self._used_fields
        if used is None:
            used = self._used_fields = frozenset(
                {f.text, f.outlet, f.date, id_field, f.title, f.url, f.event, f.language})
        doc_id = _clean(obj.get(id_field))
        if doc_id is None:
            doc_id = f"{_strip_suffixes(self.path.name)[0]}-{number}"
        meta = [(k, _meta_value(v)) for k, v in obj.items() if k not in used and v is not None]
        return _Raw(source, line, doc_id, obj.get(f.text), outlet=obj.get(f.outlet), date=obj.get(f.date),
                    title=obj.get(f.title), url=obj.get(f.url), event=obj.get(f.event),
                    language=obj.get(f.language), meta=meta, where=where)

    def _sample_fields(self) -> tuple[list[str], int]:
        """Field names seen in the first records and how many records were looked at."""
        if self.kind == "csv":
            _set_csv_limit(self.limits.max_record_bytes)
            with self._open_text() as fh:
                lines = (line for _number, line in self._lines(fh, _discard, too_long=_TOO_LONG))
                reader = csv.reader(lines, delimiter=self._delimiter)
                try:
                    header = next(reader, None)
                except (csv.Error, *_READ_ERRORS) as exc:
                    raise CorpusError(f"cannot read the header: {exc}", path=self.path, line=1) from None
            if not header or not any(h.strip() for h in header):
                raise CorpusError("the CSV file has no header row", path=self.path, line=1,
                                  hint="the first row must name the columns, e.g. id,outlet,date,text")
            return [h.strip(_STRIP) for h in header], 1
        seen: dict[str, None] = {}
        n = 0
        if self.kind == "jsonl":
            with self._open_text() as fh:
                for _number, line in self._lines(fh, _discard):
                    if line.isspace():
                        continue
                    try:
                        obj = _json_loads(line, self.limits.max_json_depth)
                    except ValueError:
                        continue
                    if isinstance(obj, dict):
                        seen.update(dict.fromkeys(obj))
                        n += 1
                        if n >= _SAMPLE_RECORDS:
                            break
        else:
            for _line, obj in self._json_records()[:_SAMPLE_RECORDS]:
                if isinstance(obj, dict):
                    seen.update(dict.fromkeys(obj))
                    n += 1
        return list(seen), n


def _discard(_problem: Problem) -> None:
    return None


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _truncate(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _describe(p: Problem) -> str:
    where = p.source + (f":{p.line}" if p.line else "")
    return f"{where} ({p.reason}{': ' + _truncate(p.detail, 80) if p.detail else ''})"


def _set_csv_limit(limit: int) -> None:
    # a single CSV field may hold a whole (multi-megabyte) article, up to max_record_bytes
    if csv.field_size_limit() != limit:
        csv.field_size_limit(min(limit, sys.maxsize))


# stands for a line over max_record_bytes in the lines given to the CSV reader (already listed)
_TOO_LONG = "\ufdd0\n"


def _os_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror and not isinstance(exc, _NotRegular):
        return exc.strerror + (f": {exc.filename}" if exc.filename else "")
    return str(exc) or type(exc).__name__


def _offsets(offsets: Sequence[int], total: int) -> str:
    listed = ", ".join(str(o) for o in offsets)
    more = ", …" if total > len(offsets) else ""
    return f"byte offset{'s' if total > 1 else ''} {listed}{more}"


def _json_array_lines(content: str, data: list[Any]) -> Iterator[tuple[int | None, Any]]:
    """Pair each element of a top-level JSON array with the line it starts on."""
    decoder = json.JSONDecoder()
    pos = content.index("[") + 1
    line = content.count("\n", 0, pos) + 1
    ws = re.compile(r"[\s,]*")
    for obj in data:
        m = ws.match(content, pos)
        line += content.count("\n", pos, m.end())
        pos = m.end()
        try:
            _value, end = decoder.raw_decode(content, pos)
        except ValueError:  # pragma: no cover - the content already parsed as a whole
            yield None, obj
            continue
        yield line, obj
        line += content.count("\n", pos, end)
        pos = end


# ---------------------------------------------------------------------------------------
# loading


def load_corpus(
    path: str | Path,
    *,
    text_field: str = "text",
    outlet_field: str = "outlet",
    date_field: str = "date",
    id_field: str = "id",
    title_field: str = "title",
    url_field: str = "url",
    event_field: str = "event",
    language_field: str = "language",
    manifest: str | Path | None = None,
    boilerplate: Boilerplate | str | Path | bool | None = None,
    repeated_lines: bool | RepeatedLineRule = True,
    html: str = "strip",
    max_document_chars: int = MAX_DOCUMENT_CHARS,
    max_record_bytes: int = MAX_RECORD_BYTES,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_corpus_bytes: int = MAX_CORPUS_BYTES,
    max_json_depth: int = MAX_JSON_DEPTH,
) -> Corpus:
    """Open a corpus and check it can be read; documents are streamed later.

    ``path`` is a folder of ``.txt`` files (with an optional manifest), a ``.txt`` file,
    or a ``.csv``/``.tsv``/``.jsonl``/``.json`` file of records, each optionally
    compressed (gzip, xz, bzip2). ``*_field`` name the record fields (and manifest
    columns). ``boilerplate``: a pattern file, a :class:`Boilerplate`, ``None`` for the
    default file (:func:`default_boilerplate_path`) or ``False`` for none.
    ``repeated_lines``: exclude lines an outlet repeats across its documents
    (``True`` = default :class:`RepeatedLineRule`). ``html``: ``"strip"`` excludes
    markup as spans, ``"keep"`` leaves it to be scored.

    Raises :class:`CorpusError` for a missing path, an unknown field, a bad manifest
    row, or a corpus without a single usable document.

    >>> corpus = load_corpus("egypt-2013-02.jsonl.xz", outlet_field="source",
    ...                      date_field="crawl_time")           # doctest: +SKIP
    >>> next(corpus.iter_documents()).outlet                    # doctest: +SKIP
    'bbcarabicnews'
    """
    path = Path(path)
    fields = FieldMap(text_field, outlet_field, date_field, id_field, title_field, url_field,
                      event_field, language_field)
    if html not in HTML_MODES:
        raise ConfigError(f"html={html!r} is not one of {', '.join(HTML_MODES)}",
                          hint="use 'strip' to exclude markup from scoring or 'keep' to leave it")
    if repeated_lines is True:
        rule: RepeatedLineRule | None = RepeatedLineRule()
    elif repeated_lines is False or repeated_lines is None:
        rule = None
    elif isinstance(repeated_lines, RepeatedLineRule):
        rule = repeated_lines
    else:
        raise ConfigError(f"repeated_lines={repeated_lines!r} is not understood",
                          hint="give True, False or a RepeatedLineRule")
    bp = _resolve_boilerplate(boilerplate)
    limits = CorpusLimits(max_document_chars, max_record_bytes, max_file_bytes, max_corpus_bytes, max_json_depth)
    common = {"fields": fields, "boilerplate": bp, "repeated_lines": rule, "html": html, "limits": limits}

    if not path.exists():
        raise CorpusError("corpus not found (no such file or folder)", path=path,
                          hint="give a folder of .txt files or a .csv/.jsonl/.json file")
    if path.is_dir():
        corpus = _load_folder(path, manifest, common)
    else:
        if manifest is not None:
            raise ConfigError("a manifest only applies to a folder of .txt files", path=manifest,
                              hint=f"put the metadata into the fields of {path.name} instead")
        corpus = _load_file(path, common)
    corpus._first_usable()
    return corpus


def read_documents(path: str | Path, **options: Any) -> list[Document]:
    """All documents of a (small) corpus as a list; options as for :func:`load_corpus`."""
    return list(load_corpus(path, **options).iter_documents())


def _load_file(path: Path, common: dict[str, Any]) -> Corpus:
    stem, suffix = _strip_suffixes(path.name)
    fields: FieldMap = common["fields"]
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise CorpusError(f"cannot read: {_os_message(exc)}", path=path) from None
    if not stat.S_ISREG(mode):
        raise CorpusError(f"not a regular file ({_file_type(mode)})", path=path,
                          hint="give a folder of .txt files or a .csv/.jsonl/.json file")
    if suffix == ".txt":
        problem = Problem(str(path), "no manifest", "altered", None, None,
                          f"a single text file has no metadata: outlet '{UNKNOWN_OUTLET}'")
        entry = _Entry(path.name, path, stem, None)
        return Corpus(path, "txt", entries=[entry], corpus_problems=[problem], **common)
    kind = RECORD_FORMATS.get(suffix)
    if kind is None:
        raise CorpusError(f"unsupported file type '{suffix or path.name}'", path=path,
                          hint="give a folder of .txt files or a .csv, .tsv, .jsonl or .json file "
                               "(optionally .gz, .xz or .bz2)")
    delimiter = "\t" if suffix == ".tsv" else ","
    corpus = Corpus(path, kind, delimiter=delimiter, **common)
    corpus._detect_encoding()
    encoding_problems = []
    if corpus._guessed:
        encoding_problems.append(Problem(str(path), "guessed encoding", "altered", None, None,
                                         f"no BOM and not UTF-8: decoded as {encoding_name(corpus._encoding or '')}, "
                                         "which reads the file as Arabic; check the texts, or save it as UTF-8"))
    if kind == "csv" and suffix != ".tsv":
        corpus._delimiter = _sniff_delimiter(corpus)
    available, sampled = corpus._sample_fields()
    if sampled == 0:
        corpus._first_usable()  # raises: nothing readable, with the reasons
    names = set(available)
    listing = ", ".join(available) if available else "none"
    if kind == "csv":
        what = "the header has no column"
    elif sampled >= _SAMPLE_RECORDS:
        what = f"none of the first {sampled} records has the field"
    else:
        what = "no record has the field"
    if fields.text not in names:
        raise CorpusError(f"{what} '{fields.text}' (fields: {listing})", path=path,
                          hint=f"pass {_OPTION['text']} NAME (text_field= in Python) naming the field with the article text")
    for role, name in fields.explicit():
        if name not in names:
            raise CorpusError(f"{what} '{name}' for the {role} (fields: {listing})", path=path,
                              hint=f"pass {_OPTION[role]} with one of these names")
    id_field = fields.id
    if id_field not in names and id_field == "id" and "doc_id" in names:
        id_field = "doc_id"
    missing = set()
    problems = []
    for role in ("outlet", "id"):
        name = id_field if role == "id" else getattr(fields, role)
        if name not in names:
            missing.add(role)
            consequence = (f"every document gets outlet '{UNKNOWN_OUTLET}'" if role == "outlet"
                           else "ids are made from the file name and record number")
            problems.append(Problem(str(path), f"no {role} field", "altered", None, None,
                                    f"no field '{name}' ({listing}): {consequence}; pass {_OPTION[role]}"))
    corpus._id_field = id_field
    corpus._missing = frozenset(missing)
    problems = encoding_problems + problems
    corpus._corpus_problems = tuple(problems)
    corpus.problems = list(problems)
    return corpus


def _sniff_delimiter(corpus: Corpus) -> str:
    with corpus._open_text() as fh:
        first = fh.readline()
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _load_folder(folder: Path, manifest: str | Path | None, common: dict[str, Any]) -> Corpus:
    fields: FieldMap = common["fields"]
    problems: list[Problem] = []
    manifest_path: Path | None
    if manifest is not None:
        manifest_path = Path(manifest)
        if not manifest_path.is_file():
            raise CorpusError("manifest not found", path=manifest_path,
                              hint="give an existing manifest.csv or manifest.jsonl")
    else:
        found = [folder / name for name in MANIFEST_NAMES if (folder / name).is_file()]
        if len(found) > 1:
            raise CorpusError(f"two manifests: {found[0].name} and {found[1].name}", path=folder,
                              hint="keep one of them, or choose with --manifest")
        manifest_path = found[0] if found else None

    texts, pending, problems = _scan_folder(folder, manifest_path)
    rows: dict[str, tuple[dict[str, Any], tuple[tuple[str, str], ...], str | None]] = {}
    if manifest_path is not None:
        rows = _read_manifest(manifest_path, folder, fields, common["limits"])
    # documentation-like and hidden files are documents only when the manifest lists them
    problems.extend(p for name, p in pending.items() if name not in rows)
    problems.sort(key=lambda p: Path(p.source).name)
    if not texts and not rows:
        others = sorted(p.source for p in problems)[:5]
        hint = "put the articles in .txt files (one per article)"
        if any(_strip_suffixes(Path(o).name)[1] in RECORD_FORMATS for o in others):
            hint = "to read a .csv/.jsonl/.json file of records, give the file itself, not its folder"
        raise CorpusError("no .txt files in the folder" + (f" (found: {', '.join(Path(o).name for o in others)})"
                                                           if others else ""), path=folder, hint=hint)

    entries = []
    for rel in sorted(set(texts) | set(rows)):
        row, meta, doc_id = rows.get(rel, (None, (), None))
        file_path = texts.get(rel) or folder / rel
        entries.append(_Entry(rel, file_path, doc_id or _doc_stem(rel), row, meta))
    if manifest_path is None:
        problems.insert(0, Problem(str(folder), "no manifest", "altered", None, None,
                                   f"every document gets outlet '{UNKNOWN_OUTLET}'; add manifest.csv "
                                   "with columns file,outlet (and date,title,url,event)"))
    return Corpus(folder, "folder", entries=entries, manifest=manifest_path, corpus_problems=problems, **common)


def _scan_folder(folder: Path, manifest: Path | None
                 ) -> tuple[dict[str, Path], dict[str, Problem], list[Problem]]:
    """Classify every entry of a corpus folder without opening any file.

    Returns the ``.txt`` files to read, the documentation-like and hidden files (listed as
    ``ignored`` unless the manifest names them) and a problem for every other entry:
    sub-folders, other file types, links that leave the folder or lead nowhere (loops
    included), FIFOs, sockets and devices.
    """
    root = folder.resolve()
    manifest_real = os.path.realpath(manifest) if manifest is not None else None
    texts: dict[str, Path] = {}
    pending: dict[str, Problem] = {}
    problems: list[Problem] = []

    def listed(child: Path, reason: str, detail: str) -> None:
        problems.append(Problem(str(child), reason, "skipped", None, None, detail))

    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        name = child.name
        try:
            is_link = stat.S_ISLNK(os.lstat(child).st_mode)
        except OSError as exc:  # vanished since the listing
            listed(child, "cannot read", _os_message(exc))
            continue
        if manifest_real is not None and os.path.realpath(child) == manifest_real:
            continue
        if name.startswith("."):
            pending[name] = Problem(str(child), "hidden file", "ignored", None, None,
                                    "names starting with '.' are not read; rename the file, or list it in the manifest")
            continue
        if is_link:
            try:
                target = Path(os.path.realpath(child, strict=True))
            except (OSError, RuntimeError) as exc:
                loop = isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP
                listed(child, "broken link", "a loop of symbolic links" if loop
                       else f"a symbolic link to nothing ({os.readlink(child)})")
                continue
            if not target.is_relative_to(root):
                listed(child, "link outside the folder",
                       "a symbolic link leaving the corpus folder: not read (copy the file into the folder)")
                continue
        try:
            mode = os.stat(child).st_mode
        except OSError as exc:
            listed(child, "cannot read", _os_message(exc))
            continue
        if stat.S_ISDIR(mode):
            listed(child, "sub-folder not read", "only the .txt files directly in the corpus folder are read")
        elif not stat.S_ISREG(mode):
            listed(child, "not a regular file", f"{_file_type(mode)}: never opened; only regular files are read")
        elif _DOC_FILES.search(name):
            pending[name] = Problem(str(child), "documentation file", "ignored", None, None,
                                    "its name looks like documentation (README, LICENSE, NOTICE, AUTHORS, "
                                    "CHANGELOG, .md): not read; list it in the manifest to analyse it")
        elif _strip_suffixes(name)[1] == ".txt":
            texts[name] = child
        elif name.lower() not in MANIFEST_NAMES:
            listed(child, "not a .txt file", "only .txt files (optionally .gz/.xz/.bz2) are read from a folder")
    return texts, pending, problems


def _read_manifest(path: Path, folder: Path, fields: FieldMap, limits: CorpusLimits
                   ) -> dict[str, tuple[dict[str, Any], tuple[tuple[str, str], ...], str | None]]:
    """``{relative file: (canonical row, meta, doc id)}``; every bad row is a :class:`CorpusError`."""
    records = list(_manifest_records(path, limits))
    columns: dict[str, None] = {}
    for _line, rec in records:
        columns.update(dict.fromkeys(rec))
    if not records:
        return {}
    names = list(columns)
    id_col = next((c for c in ("doc_id", fields.id) if c in columns), None)
    if "file" not in columns and id_col is None:
        raise CorpusError(f"the manifest has no 'file' (or 'doc_id') column (columns: {', '.join(names)})",
                          path=path, line=1, hint="name the column holding the file names 'file'")
    if fields.outlet not in columns:
        raise CorpusError(f"the manifest has no '{fields.outlet}' column (columns: {', '.join(names)})",
                          path=path, line=1, hint=f"add an '{fields.outlet}' column, or pass {_OPTION['outlet']}")
    roles = {getattr(fields, role): role for role in ("outlet", "date", "title", "url", "event", "language")}
    used = {"file", *([id_col] if id_col else []), *roles}
    root = folder.resolve()
    result: dict[str, tuple[dict[str, Any], tuple[tuple[str, str], ...], str | None]] = {}
    first_line: dict[str, int] = {}
    for line, rec in records:
        name = _clean(rec.get("file"))
        doc_id = _clean(rec.get(id_col)) if id_col else None
        if name is None:
            if doc_id is None:
                raise CorpusError("the row names no file", path=path, line=line,
                                  hint="fill in the 'file' column (a file name in the corpus folder)")
            name = _find_text_file(folder, doc_id)
            if name is None:
                raise CorpusError(f"no file {doc_id}.txt in {folder} for doc_id '{doc_id}'", path=path, line=line,
                                  hint="fix the doc_id or add a 'file' column")
        if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
            raise CorpusError(f"absolute path '{name}' in the manifest", path=path, line=line,
                              hint="give file names relative to the corpus folder, e.g. 'article1.txt'")
        if not Path(os.path.realpath(folder / name)).is_relative_to(root):
            raise CorpusError(f"'{name}' points outside the corpus folder", path=path, line=line,
                              hint="list only files inside the corpus folder")
        try:
            target = Path(os.path.realpath(folder / name, strict=True))
        except (OSError, RuntimeError):
            raise CorpusError(f"file '{name}' does not exist in {folder} (or is a broken link)", path=path,
                              line=line, hint="fix the file name or remove the row") from None
        try:
            mode = target.stat().st_mode
        except OSError as exc:
            raise CorpusError(f"cannot read '{name}': {_os_message(exc)}", path=path, line=line) from None
        if not stat.S_ISREG(mode):
            raise CorpusError(f"'{name}' is not a regular file ({_file_type(mode)})", path=path, line=line,
                              hint="list only text files")
        rel = target.relative_to(root).as_posix()
        if rel in first_line:
            raise CorpusError(f"'{name}' is listed twice (first on line {first_line[rel]})", path=path, line=line,
                              hint="keep one row per file")
        first_line[rel] = line
        row = {role: rec.get(col) for col, role in roles.items()}
        meta = tuple((k, _meta_value(v)) for k, v in rec.items() if k not in used and v is not None and v != "")
        result[rel] = (row, meta, doc_id)
    return result


def _find_text_file(folder: Path, doc_id: str) -> str | None:
    for suffix in (".txt", ".txt.gz", ".txt.xz", ".txt.bz2"):
        if (folder / (doc_id + suffix)).is_file():
            return doc_id + suffix
    return None


def _manifest_records(path: Path, limits: CorpusLimits) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = _read_bounded(path, limits.max_record_bytes, "record", None)
    except _TooLarge as exc:
        raise CorpusError(f"the manifest is too large: {exc}", path=path,
                          hint="raise the bound with --max-record-bytes") from None
    except _READ_ERRORS as exc:
        raise CorpusError(f"cannot read the manifest: {_os_message(exc)}", path=path) from None
    try:
        decoded = decode_document(data)
    except UnicodeError as exc:
        raise CorpusError(f"cannot decode the manifest: {exc}", path=path, hint="save it as UTF-8") from None
    text = decoded.text
    if decoded.bad_bytes:
        raise CorpusError(f"the manifest has undecodable bytes ({_offsets(decoded.bad_offsets, decoded.bad_bytes)})",
                          path=path, line=text.count("\n", 0, text.index("\ufffd")) + 1, hint="save it as UTF-8")
    _stem, suffix = _strip_suffixes(path.name)
    if suffix in (".jsonl", ".ndjson"):
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                obj = _json_loads(line, limits.max_json_depth)
            except ValueError as exc:
                raise CorpusError(f"invalid JSON in the manifest: {exc}", path=path, line=number) from None
            if not isinstance(obj, dict):
                raise CorpusError("a manifest line must be a JSON object", path=path, line=number)
            yield number, obj
        return
    if suffix not in (".csv", ".tsv"):
        raise CorpusError(f"unsupported manifest type '{suffix}'", path=path, hint="use manifest.csv or manifest.jsonl")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if suffix == ".tsv" or first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CorpusError(f"malformed manifest row: {exc}", path=path, line=last + 1) from None
        start, last = last + 1, reader.line_num
        if header is None:
            header = [h.strip(_STRIP) for h in row]
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            raise CorpusError(f"manifest row has {len(row)} fields where the header has {len(header)}",
                              path=path, line=start, hint="quote values that contain the delimiter")
        yield start, dict(zip(header, row, strict=True))
