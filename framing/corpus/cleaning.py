"""Cleaning: what is not scored — HTML markup, web boilerplate lines, lines a site repeats.

Everything here returns excluded :class:`~framing.records.Span` s of the original text; the
text itself is never changed, so offsets keep indexing it.
"""

from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framing.corpus.files import _open_regular, _os_message
from framing.errors import ConfigError
from framing.records import Span

# Characters stripped from both ends of a line before it is matched or counted:
# whitespace, no-break spaces, zero-width and bidi control characters, BOM.
_STRIP = (
    " \t\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
    "\u202e\u2066\u2067\u2068\u2069\ufeff"
)


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


# A full stop ending a line (an ellipsis does not count): the line is a sentence, not a headline.
_SENTENCE_END = re.compile(r"(?<!\.)[.:۔]$")


# A plain news sentence: a boilerplate pattern matching it would exclude ordinary text.
_CANARY = "قال الرئيس إن الحكومة ستعقد اجتماعا غدا لمناقشة الأزمة الاقتصادية في البلاد."


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


def default_boilerplate_path() -> Path:
    """The boilerplate file used when ``boilerplate=None``.

    In a repository checkout this is the editable ``lexicons/boilerplate.txt``; in an
    installed package, the copy shipped as ``framing/data/boilerplate.txt``.
    """
    package = Path(__file__).resolve().parent.parent  # framing/
    checkout = package.parent / "lexicons" / "boilerplate.txt"
    if checkout.is_file():
        return checkout
    return package / "data" / "boilerplate.txt"


_BOILERPLATE_MAX_BYTES = 16 << 20


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
            with _open_regular(path) as fh:  # the corpus guard: a FIFO or device never blocks
                data = fh.read(_BOILERPLATE_MAX_BYTES + 1)
            if len(data) > _BOILERPLATE_MAX_BYTES:
                raise ConfigError(f"boilerplate file is larger than {_BOILERPLATE_MAX_BYTES >> 20} MiB", path=path,
                                  hint="a boilerplate file holds line patterns, one per line")
            content = data.decode("utf-8-sig")
        except FileNotFoundError:
            raise ConfigError("boilerplate file not found", path=path,
                              hint="give an existing file, or boilerplate=False to turn the filter off") from None
        except OSError as exc:
            raise ConfigError(f"cannot read the boilerplate file: {_os_message(exc)}", path=path) from None
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


def line_hash(line: str) -> int:
    """A 64-bit hash of a stripped line that is the same in every process (unlike ``hash()``),
    so repeated lines counted in one process are recognised in a worker: CRC-32 and Adler-32."""
    try:
        data = line.encode()
    except UnicodeEncodeError:  # lone surrogates (the reader replaces them before hashing)
        data = line.encode("utf-8", "surrogatepass")
    return ((_crc32(data) << 32) | _adler32(data)) - (1 << 63)


_crc32, _adler32 = zlib.crc32, zlib.adler32


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
                h = line_hash(s)
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
