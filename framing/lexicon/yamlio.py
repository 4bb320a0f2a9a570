"""The one reader for every YAML file the project reads (lexicons, topic labels, quanteda).

:func:`read_yaml` parses with libyaml's C parser (PyYAML's ``CSafeLoader``; the pure-Python
``SafeLoader`` where libyaml is missing), then builds plain ``dict``/``list``/scalar values
itself so that

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


_LOADER: list = []


def _loader():
    """PyYAML and a composing loader (libyaml's C parser where available) that skips PyYAML's
    YAML 1.1 tag resolution: :func:`_scalar` types plain scalars by the YAML 1.2 core schema."""
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - PyYAML comes with the dependencies
        from framing.errors import missing_dependency

        raise missing_dependency("PyYAML", "reading YAML files") from exc
    if not _LOADER:
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class _Untagged(base):  # type: ignore[misc, valid-type]
            def resolve(self, kind, value, implicit):
                return ""

        _LOADER.append(_Untagged)
    return yaml, _LOADER[0]


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


def _scalar(node) -> Any:
    value = node.value
    if node.style or not value or value[0] not in _TYPED_START:  # quoted/literal/folded, or words
        return value if value or node.style else None
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


class _Builder:
    """Turns composed nodes into YamlMap/YamlSeq/scalars, bounding what aliases bring in."""

    def __init__(self, *, path, error: type[FramingError], limit: int):
        self.path, self.error, self.limit = path, error, limit
        self.done: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()
        self.alias_nodes = 0

    def fail(self, node, message: str, hint: str) -> FramingError:
        return self.error(message, path=self.path, line=node.start_mark.line + 1, hint=hint)

    def size(self, node) -> int:
        """Nodes in the expansion of ``node`` (memoized, so a bomb is measured in linear time)."""
        sizes = self.sizes
        stack = [(node, False)]
        while stack:  # iterative post-order: deep nesting cannot overflow the Python stack
            n, children_done = stack.pop()
            if id(n) in sizes:
                continue
            if children_done:
                sizes[id(n)] = 1 + sum(sizes[id(c)] for c in _children(n))
                continue
            stack.append((n, True))
            stack.extend((c, False) for c in _children(n) if id(c) not in sizes)
        return sizes[id(node)]

    def build(self, node) -> Any:
        key = id(node)
        if key in self.open:
            raise self.fail(node, "a YAML alias refers to the collection that contains it",
                            "remove the recursive '*alias'")
        if key in self.done:  # an alias: the anchored value again
            self.alias_nodes += self.size(node)
            if self.alias_nodes > self.limit:
                raise self.fail(node, f"YAML aliases expand to more than {self.limit:,} nodes",
                                f"write the values out instead of '*alias' references, or raise the bound "
                                f"with {_ALIAS_ENV}=N")
            return self.done[key]
        kind = type(node).__name__
        if kind == "ScalarNode":
            value = _scalar(node)
            self.done[key] = value
            return value
        self.open.add(key)
        try:
            if kind == "SequenceNode":
                seq = YamlSeq()
                seq.lc = _LineCol(node.start_mark.line, node.start_mark.column)
                seq.fa = _Format(bool(node.flow_style))
                self.done[key] = seq
                for i, child in enumerate(node.value):
                    seq.append(self.build(child))
                    seq.lc._data[i] = (child.start_mark.line, child.start_mark.column, 0, 0)
                return seq
            mapping = YamlMap()
            mapping.lc = _LineCol(node.start_mark.line, node.start_mark.column)
            mapping.fa = _Format(bool(node.flow_style))
            self.done[key] = mapping
            merged: list[Any] = []
            for knode, vnode in node.value:
                if type(knode).__name__ == "ScalarNode" and knode.value == "<<" and not knode.style:
                    merged.append(vnode)
                    continue
                k = self.build(knode)
                if isinstance(k, (dict, list)):
                    raise self.fail(knode, "a mapping or list cannot be a key", "use a word or number as key")
                if k in mapping:
                    raise self.fail(knode, f"duplicate key {k!r} (also line {mapping.lc.key(k)[0] + 1})",
                                    "remove one of them")
                mapping[k] = self.build(vnode)
                mapping.lc._data[k] = (knode.start_mark.line, knode.start_mark.column,
                                       vnode.start_mark.line, vnode.start_mark.column)
            for vnode in merged:  # '<<: *defaults' fills in keys not given
                sources = vnode.value if type(vnode).__name__ == "SequenceNode" else [vnode]
                for src in sources:
                    value = self.build(src)
                    if not isinstance(value, dict):
                        raise self.fail(src, "'<<' merges a mapping", "merge a '&anchor' of a mapping")
                    for k, v in value.items():
                        if k not in mapping:
                            mapping[k] = v
                            mapping.lc._data[k] = value.lc._data[k]
            return mapping
        finally:
            self.open.discard(key)


def _children(node) -> list:
    kind = type(node).__name__
    if kind == "SequenceNode":
        return list(node.value)
    if kind == "MappingNode":
        return [n for pair in node.value for n in pair]
    return []


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
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"invalid YAML: {problem}", path=path, line=line, hint=hint) from None
    if node is None:
        return None
    try:
        return _Builder(path=path, error=error, limit=max_alias_nodes()).build(node)
    except RecursionError:
        raise error("YAML nested too deeply", path=path, line=None,
                    hint="a lexicon needs three levels: the file, its lists and their entries") from None
