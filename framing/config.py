"""The project config: defaults for ``framing compare`` kept with a study.

``framing.toml`` in the working folder (or a ``[tool.framing]`` table in a ``pyproject.toml``
there) holds any option of :class:`framing.pipeline.CompareOptions`, by its Python name::

    # framing.toml
    lexicons = ["lexicons/egypt-2013"]
    outlet_field = "source"
    date_field = "crawl_time"
    since = 2013-02-01          # a TOML date or "2013-02-01"
    max_document_chars = 500000

Options given on the command line override these values. An unknown key or a value of the
wrong type is a one-line :class:`~framing.errors.ConfigError` naming the file and line.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import sys
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from framing.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 needs the tomli backport
    import tomli as tomllib

__all__ = ["CONFIG_FILE", "ProjectConfig", "find_config", "load_config"]

CONFIG_FILE = "framing.toml"
#: options a config file cannot set: what to replay and the record of the config itself
NOT_CONFIGURABLE = frozenset({"config"})
_LINE_RE = re.compile(r"line (\d+)")


@dataclass(frozen=True)
class ProjectConfig:
    """The ``compare`` defaults read from a config file (``path`` is ``None`` when there is none)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)


def find_config(folder: str | Path = ".") -> tuple[Path, str | None] | None:
    """The config file in ``folder`` and its table (``None``: top level; ``"tool.framing"``), or ``None``.

    ``framing.toml`` wins over ``pyproject.toml``; a ``pyproject.toml`` counts only if it has
    a ``[tool.framing]`` table.
    """
    folder = Path(folder)
    own = folder / CONFIG_FILE
    if own.is_file():
        return own, None
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # not ours to judge: a broken pyproject.toml without our table is not a config
        if isinstance(data.get("tool"), dict) and "framing" in data["tool"]:
            return pyproject, "tool.framing"
    return None


def load_config(path: str | Path | None = None, *, folder: str | Path = ".") -> ProjectConfig:
    """Read and check a project config: ``path``, else the one :func:`find_config` finds in ``folder``.

    >>> load_config(folder="/nonexistent").values
    {}
    """
    table: str | None = None
    if path is None:
        found = find_config(folder)
        if found is None:
            return ProjectConfig()
        path, table = found
    else:
        path = Path(path)
        if not path.is_file():
            raise ConfigError("config file not found", path=path, hint="give the path of a framing.toml file")
        if path.name == "pyproject.toml":
            table = "tool.framing"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the config file ({exc.__class__.__name__})", path=path,
                          hint="save it as UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _LINE_RE.search(str(exc))
        message = _LINE_RE.sub("", str(exc)).replace("(at , column", "(column").strip()
        raise ConfigError(f"not valid TOML: {message}", path=path, line=int(m.group(1)) if m else None,
                          hint="fix the syntax (strings in quotes, lists in [ ])") from None
    if table == "tool.framing":
        data = data.get("tool", {}).get("framing", {})
        if not isinstance(data, dict):
            raise ConfigError("[tool.framing] is not a table", path=path, hint="write it as a [tool.framing] table")
    return ProjectConfig(path, _check(data, path, text, table))


def _check(data: dict[str, Any], path: Path, text: str, table: str | None) -> dict[str, Any]:
    from framing.pipeline import CompareOptions

    hints = typing.get_type_hints(CompareOptions)
    known = sorted(set(hints) - NOT_CONFIGURABLE)
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        line = _line_of(text, key, table)
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3)
            raise ConfigError(f"unknown option {key!r}", path=path, line=line,
                              hint=f"use one of the compare options{' (' + ', '.join(close) + '?)' if close else ''}"
                                   " as named in 'framing compare --help' with _ for -")
        if name in ("since", "until") and isinstance(value, _dt.date):
            value = value.isoformat()[:10]
        if name in ("lexicons", "outlets") and isinstance(value, str):
            value = [value]
        if not option_fits(value, hints[name]):
            raise ConfigError(f"option {key!r} is {_show(value)}, expected {_type_name(hints[name])}",
                              path=path, line=line, hint="fix the value in the config file")
        values[name] = value
    return values


def _line_of(text: str, key: str, table: str | None) -> int | None:
    """The line of ``key = …`` (inside ``[table]`` when given): TOML parsers do not keep positions."""
    in_table = table is None
    pattern = re.compile(rf"""^\s*(?:"{re.escape(key)}"|'{re.escape(key)}'|{re.escape(key)})\s*=""")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = table is not None and stripped.strip("[] ") == table
            continue
        if in_table and pattern.match(line):
            return number
    return None


def option_fits(value: Any, annotation: Any) -> bool:
    """Whether a value fits a :class:`~framing.pipeline.CompareOptions` field type (str, int, bool,
    list[str], X | None …): the one check for config files, ``run.json`` replays and the API."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(option_fits(value, a) for a in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is str:
        return isinstance(value, str)
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        return isinstance(value, list) and all(option_fits(v, item) for v in value)
    return True  # a type this check does not know: the run itself validates it


def _type_name(annotation: Any) -> str:
    names = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(annotation) if a is not type(None))
    if origin is list:
        return "a list of strings"
    return names.get(annotation, str(annotation))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
