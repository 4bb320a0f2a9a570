"""The one reader for every YAML file the project reads (lexicons, topic labels, quanteda).

:func:`read_yaml` parses with libyaml's C parser (PyYAML's ``CSafeLoader``; the pure-Python
``SafeLoader`` where libyaml is missing) and builds plain ``dict``/``list``/scalar values
straight from the parser's events (no node tree is kept), so that

* every mapping and sequence knows where its keys and items sit in the file (``.lc.key(k)``
  and ``.lc.item(i)`` give 0-based ``(line, column)``, as ruamel's round-trip loader does, so
  edits can find an entry's line);
* scalars follow the YAML 1.2 core schema (``yes``/``no``/``on`` stay strings; ``true``,
  ``false``, ``null``, ``~``, integers and floats are typed; dates stay strings);
* duplicate keys are an error naming the line;
* aliases (``*name``) are bounded: the nodes an alias brings in again count against
  :data:`MAX_ALIAS_NODES` (default 1,000; ``$FRAMING_YAML_MAX_ALIAS_NODES`` raises it). A
  630-byte "billion laughs" file, which expands to gigabytes, is refused in microseconds
  with the line of the alias that crossed the bound. An alias's value is shared, not copied.

>>> data = read_yaml("name: demo\\nentries:\\n  - {term: النظام, category: label}\\n")
>>> data["entries"][0]["term"], data["entries"].lc.item(0)
('النظام', (2, 4))
"""

from __future__ import annotations

import gc
import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from framing.errors import FramingError, LexiconError

__all__ = ["MAX_ALIAS_NODES", "YamlMap", "YamlSeq", "gc_paused", "max_alias_nodes", "read_yaml"]

#: nodes that aliases may bring in again (all aliases of one file together)
MAX_ALIAS_NODES = 1_000
_ALIAS_ENV = "FRAMING_YAML_MAX_ALIAS_NODES"


def max_alias_nodes() -> int:
    """The alias bound in force: ``$FRAMING_YAML_MAX_ALIAS_NODES`` or :data:`MAX_ALIAS_NODES`."""
    raw = os.environ.get(_ALIAS_ENV)
    if raw is None or not raw.strip():
        return MAX_ALIAS_NODES
    try:
        value = int(raw)
    except ValueError:
        raise FramingError(f"{_ALIAS_ENV}={raw!r} is not a whole number",
                           hint=f"set it to a number of nodes, e.g. {MAX_ALIAS_NODES * 10}") from None
    return max(value, 0)


class _LineCol:
    """Positions of a mapping's keys and values or a sequence's items (0-based line, column)."""

    __slots__ = ("_data", "col", "line")

    def __init__(self, line: int, col: int):
        self.line, self.col = line, col
        self._data: dict[Any, tuple[int, int, int, int]] = {}

    def key(self, key: Any) -> tuple[int, int]:
        """Line and column of ``key`` in a mapping."""
        kl, kc, _, _ = self._data[key]
        return kl, kc

    def value(self, key: Any) -> tuple[int, int]:
        """Line and column of the value of ``key`` in a mapping."""
        _, _, vl, vc = self._data[key]
        return vl, vc

    def item(self, index: int) -> tuple[int, int]:
        """Line and column of item ``index`` of a sequence."""
        line, col, _, _ = self._data[index]
        return line, col


class _Format:
    __slots__ = ("_flow",)

    def __init__(self, flow: bool):
        self._flow = flow

    def flow_style(self) -> bool:
        """Whether the collection was written in flow style (``[...]`` / ``{...}``)."""
        return self._flow


class YamlMap(dict):
    """A mapping read from YAML: a ``dict`` that knows its keys' positions (``.lc``)."""

    __slots__ = ("fa", "lc")


class YamlSeq(list):
    """A sequence read from YAML: a ``list`` that knows its items' positions (``.lc``)."""

    __slots__ = ("fa", "lc")


def _loader():
    """PyYAML and its safe loader class: libyaml's C parser where available. Only its parser is
    used (events); :class:`_Builder` types plain scalars by the YAML 1.2 core schema."""
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - PyYAML comes with the dependencies
        from framing.errors import missing_dependency

        raise missing_dependency("PyYAML", "reading YAML files") from exc
    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects that all stay alive
    (a 100k-entry lexicon is 600k nodes: collections would re-scan them again and again)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# --- YAML 1.2 core schema for plain scalars --------------------------------------------------

_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT_RE = re.compile(r"^[-+]?[0-9][0-9_]*$")
_OCT_RE = re.compile(r"^0o[0-7_]+$")
_HEX_RE = re.compile(r"^0x[0-9a-fA-F_]+$")
_FLOAT_RE = re.compile(r"^[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF_RE = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN_RE = re.compile(r"^\.(?:nan|NaN|NAN)$")


_TYPED_START = frozenset("0123456789+-.~nNtTfF")


def _scalar(value: str, style: str | None) -> Any:
    if style or not value or value[0] not in _TYPED_START:  # quoted/literal/folded, or words
        return value if value or style else None
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT_RE.match(value):
        return int(value.replace("_", ""))
    if _OCT_RE.match(value):
        return int(value[2:].replace("_", ""), 8)
    if _HEX_RE.match(value):
        return int(value[2:].replace("_", ""), 16)
    if _FLOAT_RE.match(value) and any(ch.isdigit() for ch in value):
        return float(value.replace("_", ""))
    if _INF_RE.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN_RE.match(value):
        return math.nan
    return value


_NOKEY = object()


class _Frame:
    """A mapping or sequence being built from parser events."""

    __slots__ = ("anchor", "is_merge", "is_seq", "key", "key_mark", "mark", "merges", "size", "value")

    def __init__(self, value, is_seq: bool, anchor, mark):
        self.value, self.is_seq, self.anchor, self.mark = value, is_seq, anchor, mark
        self.size = 1
        self.key: Any = _NOKEY
        self.key_mark = None
        self.is_merge = False
        self.merges: list[tuple[Any, Any]] = []


class _Builder:
    """Builds YamlMap/YamlSeq/scalars straight from parser events (no node tree is kept), and
    counts the nodes each alias brings in again against the bound."""

    def __init__(self, *, path, error: type[FramingError], limit: int):
        self.path, self.error, self.limit = path, error, limit
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor → (value, nodes in its expansion)
        self.open: set[str] = set()
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.alias_nodes = 0

    def fail(self, mark, message: str, hint: str) -> FramingError:
        return self.error(message, path=self.path, line=mark.line + 1 if mark is not None else None, hint=hint)

    def attach(self, value: Any, size: int, mark) -> None:
        if not self.stack:
            self.root = value
            return
        f = self.stack[-1]
        f.size += size
        if f.is_seq:
            f.value.lc._data[len(f.value)] = (mark.line, mark.column, 0, 0)
            f.value.append(value)
        elif f.key is _NOKEY:
            if isinstance(value, (dict, list)):
                raise self.fail(mark, "a mapping or list cannot be a key", "use a word or number as key")
            f.key, f.key_mark = value, mark
        elif f.is_merge:
            f.merges.append((value, mark))
            f.key, f.is_merge = _NOKEY, False
        else:
            key, f.key = f.key, _NOKEY
            mapping = f.value
            if key in mapping:
                raise self.fail(f.key_mark, f"duplicate key {key!r} (also line {mapping.lc.key(key)[0] + 1})",
                                "remove one of them")
            mapping[key] = value
            mapping.lc._data[key] = (f.key_mark.line, f.key_mark.column, mark.line, mark.column)

    def run(self, events, ev) -> Any:
        documents = 0
        for event in events:
            kind = type(event)
            if kind is ev.ScalarEvent:
                top = self.stack[-1] if self.stack else None
                if (top is not None and not top.is_seq and top.key is _NOKEY and event.value == "<<"
                        and not event.style):
                    top.key, top.key_mark, top.is_merge = "<<", event.start_mark, True
                    continue
                value = _scalar(event.value, event.style)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
                self.attach(value, 1, event.start_mark)
            elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                is_seq = kind is ev.SequenceStartEvent
                container = YamlSeq() if is_seq else YamlMap()
                container.lc = _LineCol(event.start_mark.line, event.start_mark.column)
                container.fa = _Format(bool(event.flow_style))
                self.stack.append(_Frame(container, is_seq, event.anchor, event.start_mark))
                if event.anchor:
                    self.open.add(event.anchor)
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                f = self.stack.pop()
                if f.merges:
                    self.merge(f)
                if f.anchor:
                    self.anchors[f.anchor] = (f.value, f.size)
                    self.open.discard(f.anchor)
                self.attach(f.value, f.size, f.mark)
            elif kind is ev.AliasEvent:
                if event.anchor in self.open:
                    raise self.fail(event.start_mark, "a YAML alias refers to the collection that contains it",
                                    "remove the recursive '*alias'")
                if event.anchor not in self.anchors:
                    raise self.fail(event.start_mark, f"unknown alias '*{event.anchor}'",
                                    f"define '&{event.anchor}' before using it")
                value, size = self.anchors[event.anchor]
                self.alias_nodes += size
                if self.alias_nodes > self.limit:
                    raise self.fail(event.start_mark, f"YAML aliases expand to more than {self.limit:,} nodes",
                                    f"write the values out instead of '*alias' references, or raise the bound "
                                    f"with {_ALIAS_ENV}=N")
                self.attach(value, size, event.start_mark)
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self.fail(event.start_mark, "more than one YAML document ('---') in the file",
                                    "keep one document per file")
        return self.root

    def merge(self, f: _Frame) -> None:
        """``<<: *defaults`` (or a list of them) fills in the keys the mapping does not give."""
        mapping = f.value
        for value, mark in f.merges:
            for src in value if isinstance(value, list) else [value]:
                if not isinstance(src, dict):
                    raise self.fail(mark, "'<<' merges a mapping", "merge a '&anchor' of a mapping")
                for k, v in src.items():
                    if k not in mapping:
                        mapping[k] = v
                        mapping.lc._data[k] = src.lc._data[k]


def read_yaml(text: str, *, path: str | Path | None = None, error: type[FramingError] = LexiconError,
              hint: str = "fix the syntax (quote terms containing ':' or '#')") -> Any:
    """Parse one YAML document; ``None`` for an empty one.

    Syntax errors, duplicate keys and alias expansion beyond :func:`max_alias_nodes` raise
    ``error`` (a :class:`~framing.errors.FramingError` subclass) naming ``path`` and the line.
    """
    yaml, loader = _loader()
    with gc_paused():
        return _read(yaml, loader, text, path=path, error=error, hint=hint)


def _read(yaml, loader, text: str, *, path, error: type[FramingError], hint: str) -> Any:
    builder = _Builder(path=path, error=error, limit=max_alias_nodes())
    try:
        return builder.run(yaml.parse(text, Loader=loader), yaml.events)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"invalid YAML: {problem}", path=path, line=line, hint=hint) from None
