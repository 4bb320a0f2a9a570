"""Bounds on what one corpus may make the reader hold or do, and the helpers that enforce
them without recursion or unbounded buffers (long documents are split, deep JSON refused)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from framing.errors import ConfigError

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
