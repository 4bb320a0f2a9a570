"""The codebook workflow: researchers build, check and version their own lexicons.

Everything ``framing lexicon ...`` does is a function here; the CLI
(:mod:`framing.cli_lexicon`) only prints what these return.

* **inspect** — :func:`lexicon_table` (one row per lexicon), :func:`show_lexicon`
  (metadata, counts per category/actor, filtered entries).
* **create** — :func:`new_lexicon` writes a commented template.
* **edit** — :func:`add_entry`, :func:`remove_entry`, :func:`set_entry`. Edits are
  *surgical*: only the lines of the edited entry (and a declared category/actor line)
  change; every other byte of the file — comments, order, blank lines, quoting —
  stays as the researcher wrote it. The new text is re-parsed and validated before it
  is written, a write is atomic (temporary file in the same folder, ``fsync``,
  ``os.replace``) and the previous version is kept as ``.<file name>.bak`` next to the
  file. A duplicate (same words after normalization) is refused with the line of the
  existing entry, or merged with ``merge=True``.
* **check** — :func:`validate` collects *every* problem of one or more files as
  :class:`Issue` records with file:line.
* **look at a corpus** — :func:`kwic` (keyword in context, matched exactly as scoring
  matches), :func:`entry_stats` (hits per entry: dead and over-broad entries),
  :func:`suggest_terms` (candidate terms: log-odds with an informative Dirichlet prior
  per outlet, and co-occurrence with each actor's mentions).
* **exchange** — :func:`export_lexicon` / :func:`import_entries`: CSV
  (``term, actor, category, stance, note``), LIWC ``.dic`` and quanteda YAML.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = new_lexicon("egypt", directory=folder, description="Egypt 2013 labels")
>>> add_entry(path, "الشرطة", category="actor_label", actor="police", stance=0.0,
...           new_actor="The police and the Interior Ministry").action
'added'
>>> add_entry(path, "الشرطه", category="actor_label", actor="police")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
framing.errors.LexiconError: ...'الشرطه' is already at line ... as 'الشرطة' (actor police, category ...
>>> [i.severity for i in validate(path)]
[]
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import inspect
import io
import json
import os
import re
import shlex
import stat
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from framing.errors import ConfigError, LexiconError
from framing.lexicon import (
    _TERM_PUNCT_OK,
    KINDS,
    MATCH_MODES,
    Lexicon,
    Matcher,
    _entry_from_mapping,
    default_lexicon_dir,
    lexicon_files,
    lexicon_from_data,
    load_lexicon,
    normalize_term,
    read_yaml,
    surface_forms,
)
from framing.normalize import WORD_RE, normalize_ar, sentence_spans
from framing.records import Document

__all__ = [
    "ENTRY_FIELDS",
    "EXPORT_FORMATS",
    "EditResult",
    "ImportResult",
    "Issue",
    "ShownLexicon",
    "add_entry",
    "entry_stats",
    "export_lexicon",
    "import_entries",
    "kwic",
    "lexicon_table",
    "new_lexicon",
    "read_entries",
    "remove_entry",
    "resolve_lexicon",
    "set_entry",
    "show_lexicon",
    "suggest_terms",
    "template_path",
    "user_lexicon_dir",
    "validate",
]

#: entry fields in the order they are written
ENTRY_FIELDS = ("term", "actor", "category", "stance", "note", "match", "canonical", "id")
#: the columns of the CSV exchange format
CSV_COLUMNS = ("term", "actor", "category", "stance", "note")
EXPORT_FORMATS = ("csv", "liwc", "quanteda")
_TOP_KEYS = {"name", "kind", "language", "version", "description", "categories", "actors", "entries"}
_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


# =============================================================================================
# files: resolve, read, write atomically
# =============================================================================================


def _lexicon_dir(lexicons: str | Path | None) -> Path:
    return Path(lexicons) if lexicons is not None else default_lexicon_dir()


def user_lexicon_dir() -> Path:
    """Where ``framing lexicon new`` writes without ``--lexicons``: ``$FRAMING_LEXICONS`` if set,
    else ``lexicons/`` in the working folder — never the installed package's own lexicons."""
    env = os.environ.get("FRAMING_LEXICONS")
    return Path(env) if env else Path("lexicons")


def resolve_lexicon(lexicon: str | Path, lexicons: str | Path | None = None) -> Path:
    """The file of a lexicon given as a path, a file stem or its ``name:`` in a folder.

    ``lexicons`` is the folder to look in (default: :func:`~framing.lexicon.default_lexicon_dir`).

    >>> resolve_lexicon("mini", "tests/data/lexicons").name  # doctest: +SKIP
    'mini.yaml'
    """
    p = Path(lexicon)
    if p.suffix and p.suffix not in (".yaml", ".yml"):
        raise LexiconError(f"lexicons are YAML files (.yaml or .yml), not {p.suffix}", path=p,
                           hint="convert it, or import a spreadsheet/dictionary with "
                                "'framing lexicon import FILE --into NAME'")
    if p.is_file():
        return p
    if p.suffix or len(p.parts) > 1:
        raise LexiconError("lexicon file not found", path=p,
                           hint="check the path, or give the lexicon's name with --lexicons DIR")
    if lexicons is None and user_lexicon_dir().is_dir():
        # a name without --lexicons: the working folder's lexicons/ first (where 'new' writes)
        try:
            return resolve_lexicon(lexicon, user_lexicon_dir())
        except LexiconError:
            pass
    folder = _lexicon_dir(lexicons)
    if not folder.is_dir():
        raise LexiconError("lexicon folder not found", path=folder, hint="pass --lexicons DIR")
    for suffix in (".yaml", ".yml"):
        if (folder / f"{lexicon}{suffix}").is_file():
            return folder / f"{lexicon}{suffix}"
    known = []
    for f in lexicon_files(folder):
        try:
            name = _quick_name(f)
        except Exception:  # an unreadable file is reported by validate, not here
            name = None
        if name == str(lexicon):
            return f
        known.append(name or f.stem)
    raise LexiconError(f"no lexicon named {str(lexicon)!r} in {folder}", path=folder,
                       hint=f"known: {', '.join(sorted(known)) or 'none'}; create one with "
                            f"'framing lexicon new {lexicon}'")


def _quick_name(path: Path) -> str | None:
    for line in path.read_text(encoding="utf-8-sig").splitlines()[:50]:
        m = re.match(r"name:\s*(.+?)\s*(?:#.*)?$", line)
        if m:
            return m.group(1).strip("'\"")
    return None


def _read_text(path: Path) -> tuple[str, bool]:
    """The file's text and whether it starts with a BOM."""
    from framing.lexicon import read_lexicon_text

    text, raw = read_lexicon_text(path, missing_hint="check the path, or create it with 'framing lexicon new NAME'")
    return text, raw.startswith(b"\xef\xbb\xbf")


def _check_writable(path: Path) -> None:
    """Refuse to edit a file that is read-only (by mode bits, even for root) or whose folder is."""
    if path.exists():
        mode = path.stat().st_mode
        if not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise LexiconError("the lexicon file is read-only", path=path,
                               hint=f"make it writable (chmod u+w {path}) or copy it into your own "
                                    "folder and pass --lexicons DIR")
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LexiconError("cannot write in the lexicon's folder", path=folder,
                           hint="make the folder writable or work on a copy in your own --lexicons DIR")


def backup_path(path: str | Path) -> Path:
    """Where the previous version of ``path`` is kept: ``.<file name>.bak`` in the same folder."""
    path = Path(path)
    return path.with_name(f".{path.name}.bak")


#: seconds an edit waits for another edit of the same lexicon folder to finish
LOCK_TIMEOUT = 30.0


@contextmanager
def edit_lock(path: str | Path, *, timeout: float | None = None) -> Iterator[Path]:
    """Hold the edit lock of a lexicon file; yield the file edits go to (symlinks followed).

    The lock is an exclusive ``flock`` on the folder of the real file, so concurrent
    ``framing lexicon add/remove/set/import`` (other processes too) run one after the
    other and every edit lands; one that waits longer than ``timeout`` seconds
    (:data:`LOCK_TIMEOUT`) fails with a clear message. Nothing is left behind in the folder.
    Where ``fcntl`` is missing (Windows) edits are not locked.
    """
    target = Path(os.path.realpath(path))
    try:
        import fcntl
    except ImportError:  # pragma: no cover - POSIX only
        yield target
        return
    folder = target.parent
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield target  # a missing folder is reported by the edit itself
        return
    wait = LOCK_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LexiconError(f"another edit of a lexicon in this folder is still running after {wait:g} s",
                                       path=path, hint="wait for it to finish, then run the command again"
                                       ) from None
                time.sleep(0.02)
        yield target
    finally:
        os.close(fd)  # closing releases the lock


def _edits_file(arg: str) -> Callable:
    """Decorator: run an edit of the lexicon named by argument ``arg`` under :func:`edit_lock`."""

    def wrap(func: Callable) -> Callable:
        sig = inspect.signature(func)

        @functools.wraps(func)
        def locked(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            lexicon = bound.arguments[arg]
            path = lexicon if arg == "path" else resolve_lexicon(lexicon, bound.arguments.get("lexicons"))
            bound.arguments[arg] = path
            with edit_lock(path):
                return func(*bound.args, **bound.kwargs)

        return locked

    return wrap


def _atomic_write(path: Path, data: bytes, *, backup: bool = True) -> Path | None:
    """Write ``data`` to ``path`` atomically; keep the old file as ``.<name>.bak``.

    The bytes go to a temporary file in the same folder, are flushed and fsynced, and
    the temporary file replaces ``path`` in one ``os.replace``: a reader (or a crash)
    sees the old file or the new one, never half of one.
    """
    path = Path(os.path.realpath(path))  # a symlinked lexicon: edit its target, keep the link
    _check_writable(path)
    old_mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
    kept = None
    if backup and path.exists():
        kept = backup_path(path)
        _replace_with(kept, path.read_bytes(), old_mode)
    _replace_with(path, data, old_mode)
    return kept


def _replace_with(path: Path, data: bytes, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


# =============================================================================================
# the text model: where each entry, category and actor sits in the file
# =============================================================================================


@dataclass
class _Item:
    index: int
    start: int  # 0-based first line
    end: int  # 0-based, exclusive
    dash_col: int
    key_col: int
    flow: bool
    raw: Any


@dataclass
class _Text:
    """A lexicon file's text split into lines (endings kept), parsed with ruamel."""

    path: Path | None
    lines: list[str]
    newline: str
    data: Any
    items: list[_Item]

    @property
    def text(self) -> str:
        return "".join(self.lines)


_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+$")


def _parse_yaml(text: str, path: Path | None) -> Any:
    return read_yaml(text, path=path)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank_or_comment(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def _block_end(lines: list[str], start: int, col: int) -> int:
    """End (exclusive) of the block that starts at line ``start`` with indentation ``col``:
    the following lines indented deeper, without trailing blank or comment lines."""
    end = start + 1
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if _is_blank_or_comment(line):
            i += 1
            continue
        if _indent(line) <= col:
            break
        i += 1
        end = i
    return end


def _load_text(text: str, path: Path | None) -> _Text:
    data = _parse_yaml(text, path)
    lines = _LINE_RE.findall(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    items: list[_Item] = []
    entries = data.get("entries") if isinstance(data, dict) else None
    if isinstance(entries, list) and entries:
        lc = getattr(entries, "lc", None)
        flow_list = getattr(getattr(entries, "fa", None), "flow_style", lambda: False)()
        for i, raw in enumerate(entries):
            try:
                line, col = lc.item(i)
            except Exception:
                line, col = None, None
            if flow_list or line is None or line >= len(lines):
                items = []
                break
            text_line = lines[line]
            dash = text_line.rfind("-", 0, col)
            if dash < 0 or text_line[:dash].strip():
                items = []
                break
            flow = text_line[col:col + 1] == "{"
            items.append(_Item(i, line, _block_end(lines, line, dash), dash, col, flow, raw))
    return _Text(path, lines, newline, data, items)


def _line_of_key(mapping: Any, key: str) -> int | None:
    try:
        return mapping.lc.key(key)[0]
    except Exception:
        return None


# --- rendering ---------------------------------------------------------------------------------

_PLAIN_RE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}#:]*$")
_PLAIN_BLOCK_RE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#:]*$")


def _yaml_scalar(value: Any, *, flow: bool = True) -> str:
    """A value as a YAML scalar (in a flow mapping ``{...}`` unless ``flow=False``): plain when
    that reads back identically, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(float(value))
    text = str(value)
    if (_PLAIN_RE if flow else _PLAIN_BLOCK_RE).match(text) and text == text.strip():
        try:
            back = read_yaml(f"k: {text}\n")["k"]
        except LexiconError:
            back = None
        if isinstance(back, str) and back == text:
            return text
    return json.dumps(text, ensure_ascii=False)


def _ordered(fields: dict[str, Any], order: Sequence[str] = ()) -> list[tuple[str, Any]]:
    keys = [k for k in order if k in fields] + [k for k in ENTRY_FIELDS if k in fields and k not in order]
    keys += [k for k in fields if k not in keys]
    return [(k, fields[k]) for k in keys]


def _render_entry(fields: dict[str, Any], *, dash_col: int, key_col: int, flow: bool, newline: str,
                  order: Sequence[str] = (), trailing: str = "", comments: dict[str, str] | None = None
                  ) -> list[str]:
    pairs = _ordered(fields, order)
    pad = " " * dash_col
    if flow:
        body = ", ".join(f"{k}: {_yaml_scalar(v)}" for k, v in pairs)
        gap = " " * max(1, key_col - dash_col - 1)
        return [f"{pad}-{gap}{{{body}}}{trailing}{newline}"]
    comments = comments or {}
    out = []
    gap = " " * max(1, key_col - dash_col - 1)
    for n, (k, v) in enumerate(pairs):
        lead = f"{pad}-{gap}" if n == 0 else " " * key_col
        note = comments.get(k, "") + (trailing if n == 0 else "")
        out.append(f"{lead}{k}: {_yaml_scalar(v)}{note}{newline}")
    return out


def _line_comment(line: str) -> str:
    """The comment ending a YAML line, with the blanks before it (``"  # why"``), or ``""``.

    A ``#`` starts a comment only outside quotes and after a blank (YAML's rule), so
    ``{note: "see #3"}`` has none and ``{...}  # see {3}`` has ``"  # see {3}"``.
    """
    text = line.rstrip("\r\n")
    quote = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'" and (i == 0 or text[i - 1] in " \t{[,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            start = i
            while start > 0 and text[start - 1] in " \t":
                start -= 1
            return text[start:]
        i += 1
    return ""


_KEY_RE = re.compile(r"^\s*(?:-\s+)?([^\s:#{}\[\],'\"][^:#{}\[\],]*?)\s*:(?:\s|$)")


def _item_comments(item: _Item, lines: list[str]) -> tuple[str, dict[str, str], list[str]]:
    """The comments of an entry's lines, to keep when it is rewritten: (comment for the end of a
    flow entry, {field: comment} of a block entry, whole comment lines inside the entry)."""
    own_lines = [ln for ln in lines[item.start:item.end] if ln.strip().startswith("#")]
    found = [(ln, _line_comment(ln)) for ln in lines[item.start:item.end] if not ln.strip().startswith("#")]
    if item.flow:
        parts = [c for _, c in found if c]
        trailing = (parts[0] + "".join(" " + c.strip() for c in parts[1:])) if parts else ""
        return trailing, {}, own_lines
    by_key: dict[str, str] = {}
    for ln, c in found:
        if not c:
            continue
        m = _KEY_RE.match(ln)
        key = m.group(1) if m else ""
        by_key[key] = by_key.get(key, "") + c
    return "", by_key, own_lines


def _trailing_comment(item: _Item, lines: list[str]) -> str:
    """A comment after a flow entry (``- {...}  # why``), kept when the entry is rewritten."""
    return _item_comments(item, lines)[0] if item.flow else ""


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _raw_fields(raw: Any) -> dict[str, Any]:
    return {str(k): _plain(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


# --- text edits (pure: text in, text out) ----------------------------------------------------


def _entries_section(t: _Text) -> tuple[int | None, int]:
    """(0-based line of ``entries:`` or None, 0-based line after the section's last indented line)."""
    key_line = _line_of_key(t.data, "entries") if isinstance(t.data, dict) else None
    if key_line is None:
        return None, len(t.lines)
    end = key_line + 1
    i = key_line + 1
    while i < len(t.lines):
        line = t.lines[i]
        if not line.strip():
            i += 1
            continue
        if _indent(line) == 0 and not line.startswith("-"):
            break
        i += 1
        end = i
    return key_line, end


def _ensure_newline_before(lines: list[str], at: int, newline: str) -> None:
    if at > 0 and not lines[at - 1].endswith("\n"):
        lines[at - 1] += newline


def _insert_entry(t: _Text, fields: dict[str, Any], *, actor: str | None, category: str) -> tuple[str, int]:
    """Text with a new entry line, after the last entry of the same actor (else category), else at
    the end of ``entries:``. Returns (text, 0-based line of the new entry)."""
    lines = list(t.lines)
    if t.items:
        same_actor = [it for it in t.items if actor and _raw_fields(it.raw).get("actor") == actor]
        same_cat = [it for it in t.items if _raw_fields(it.raw).get("category") == category]
        anchor = (same_actor or same_cat or t.items)[-1]
        at = anchor.end
        style = anchor if (same_actor or same_cat) else t.items[-1]
        new = _render_entry(fields, dash_col=style.dash_col, key_col=style.key_col, flow=style.flow,
                            newline=t.newline)
    else:
        entries = t.data.get("entries") if isinstance(t.data, dict) else None
        if isinstance(entries, list) and entries:
            raise LexiconError("the entries are written as one flow list [...]", path=t.path,
                               hint="write one entry per line ('  - {term: ..., category: ...}') to edit "
                                    "with framing lexicon")
        key_line, section_end = _entries_section(t)
        if key_line is None:
            _ensure_newline_before(lines, len(lines), t.newline)
            lines.append(f"entries:{t.newline}")
            at = len(lines)
        else:
            head = lines[key_line]
            m = re.match(r"^(entries:)\s*(?:\[\s*\]|null|~)?\s*(#.*)?$", head.rstrip("\r\n"))
            if not m:
                raise LexiconError("cannot find where the entries list starts", path=t.path, line=key_line + 1,
                                   hint="write 'entries:' on its own line, then one entry per line")
            comment = f"  {m.group(2)}" if m.group(2) else ""
            lines[key_line] = f"entries:{comment}{t.newline if head.endswith(chr(10)) else ''}"
            at = section_end
        new = _render_entry(fields, dash_col=2, key_col=4, flow=True, newline=t.newline)
    _ensure_newline_before(lines, at, t.newline)
    lines[at:at] = new
    return "".join(lines), at


def _replace_entry(t: _Text, item: _Item, fields: dict[str, Any], order: Sequence[str]) -> str:
    lines = list(t.lines)
    trailing, by_key, own_lines = _item_comments(item, lines)
    if by_key:  # a block entry: each comment stays on its field's line; others go to the first line
        kept = {k: c for k, c in by_key.items() if k in fields}
        trailing = "".join(c for k, c in by_key.items() if k not in fields)
        by_key = kept
    new = _render_entry(fields, dash_col=item.dash_col, key_col=item.key_col, flow=item.flow,
                        newline=t.newline, order=order, trailing=trailing, comments=by_key)
    new += [ln if ln.endswith("\n") else ln + t.newline for ln in own_lines]
    if not lines[item.end - 1].endswith("\n"):
        new[-1] = new[-1].rstrip("\r\n")
    lines[item.start:item.end] = new
    return "".join(lines)


def _delete_entry(t: _Text, item: _Item) -> str:
    lines = list(t.lines)
    del lines[item.start:item.end]
    return "".join(lines)


def _declare(t: _Text, section: str, key: str, description: str) -> _Text:
    """Text with ``key: description`` added under ``categories:`` / ``actors:``."""
    if not _ID_RE.match(key):
        raise LexiconError(f"{section[:-1] if section != 'categories' else 'category'} id {key!r} is not a "
                           "simple identifier", path=t.path,
                           hint="use letters, digits and _ (e.g. muslim_brotherhood)")
    lines = list(t.lines)
    data = t.data
    mapping = data.get(section)
    value = _yaml_scalar(description or key, flow=False)
    key_line = _line_of_key(data, section)
    if key_line is None:
        # a new section just before entries: (or at the end)
        before = _line_of_key(data, "entries")
        at = before if before is not None else len(lines)
        _ensure_newline_before(lines, at, t.newline)
        lines[at:at] = [f"{section}:{t.newline}", f"  {key}: {value}{t.newline}"]
    elif isinstance(mapping, dict) and mapping:
        last_key = list(mapping)[-1]
        kl, kc = mapping.lc.key(last_key)
        first_col = mapping.lc.key(next(iter(mapping)))[1]
        at = _block_end(lines, kl, kc)
        _ensure_newline_before(lines, at, t.newline)
        lines[at:at] = [f"{' ' * first_col}{key}: {value}{t.newline}"]
    else:
        head = lines[key_line]
        m = re.match(rf"^({section}:)\s*(?:\{{\s*\}}|null|~)?\s*(#.*)?$", head.rstrip("\r\n"))
        if not m:
            raise LexiconError(f"cannot find where '{section}:' starts", path=t.path, line=key_line + 1,
                               hint=f"write '{section}:' on its own line, then '  id: description' lines")
        comment = f"  {m.group(2)}" if m.group(2) else ""
        lines[key_line] = f"{section}:{comment}{t.newline}"
        at = key_line + 1
        while at < len(lines) and lines[at].strip().startswith("#") and _indent(lines[at]) > 0:
            at += 1
        lines[at:at] = [f"  {key}: {value}{t.newline}"]
    return _load_text("".join(lines), t.path)


# =============================================================================================
# editing entries
# =============================================================================================


@dataclass(frozen=True, slots=True)
class EditResult:
    """What an edit did. ``line`` is the entry's 1-based line after the edit (0 when removed);
    ``backup`` is where the previous version was kept; ``warnings`` are things worth a look
    (the term inside a longer entry, the same term in another lexicon)."""

    path: Path
    action: str  # added | merged | updated | removed | unchanged
    term: str
    line: int = 0
    backup: Path | None = None
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{self.action} '{self.term}' ({where})"


def _describe_entry(fields: dict[str, Any]) -> str:
    parts = []
    if fields.get("actor"):
        parts.append(f"actor {fields['actor']}")
    parts.append(f"category {fields.get('category')}")
    parts.append(f"stance {float(fields.get('stance') or 0.0)}")
    return ", ".join(parts)


def _find_item(t: _Text, term: str) -> _Item | None:
    key = normalize_term(term)
    for it in t.items:
        f = _raw_fields(it.raw)
        if isinstance(f.get("term"), str) and normalize_term(f["term"]) == key:
            return it
    return None


def _not_found(t: _Text, term: str) -> LexiconError:
    terms = [str(_raw_fields(it.raw).get("term", "")) for it in t.items]
    norm = {" ".join(normalize_term(x)): x for x in terms}
    close = difflib.get_close_matches(" ".join(normalize_term(term)), list(norm), n=3, cutoff=0.6)
    hint = ("did you mean " + ", ".join(repr(norm[c]) for c in close) + "?") if close else \
        "list the entries with 'framing lexicon show NAME'"
    return LexiconError(f"'{term}' is not an entry of this lexicon", path=t.path, hint=hint)


def _check_editable(t: _Text) -> None:
    entries = t.data.get("entries") if isinstance(t.data, dict) else None
    if isinstance(entries, list) and entries and not t.items:
        raise LexiconError("the entries are not written one per line ('- {...}' or '- term: ...')",
                           path=t.path, line=(_line_of_key(t.data, "entries") or 0) + 1,
                           hint="write one entry per line to edit with framing lexicon, or edit by hand")


def _validated(new_text: str, t: _Text, expected: list[dict[str, Any]]) -> _Text:
    """Parse and validate the edited text; make sure it holds exactly the expected entries."""
    path = t.path
    try:
        new = _load_text(new_text, path)
        lexicon_from_data(new.data, path=path)
    except LexiconError as exc:
        try:
            lexicon_from_data(t.data, path=path)
        except LexiconError as old:
            raise LexiconError(f"the file already has a problem ({old.message} at line {old.line})",
                               path=path, line=old.line,
                               hint="fix it first; 'framing lexicon validate' lists every problem") from None
        raise LexiconError(f"edit refused: {exc.message}", path=path, line=exc.line, hint=exc.hint) from None
    got = [_raw_fields(r) for r in (new.data.get("entries") or [])]
    if got != expected:
        raise LexiconError("edit refused: the file's layout is unusual and the edit could not be made safely",
                           path=path, hint="edit this entry by hand")
    return new


def _write(t: _Text, new_text: str, bom: bool, backup: bool) -> Path | None:
    data = (("\ufeff" if bom else "") + new_text).encode("utf-8")
    return _atomic_write(t.path, data, backup=backup)


def _entry_fields(term: str, *, category: str | None, actor: str | None, stance: float | None,
                  note: str | None, match: str | None, canonical: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"term": term.strip()}
    if actor:
        fields["actor"] = actor
    if category is not None:
        fields["category"] = category
    if stance is not None:
        fields["stance"] = float(stance)
    if note:
        fields["note"] = note
    if match and match != "affix":
        fields["match"] = match
    if canonical:
        fields["canonical"] = canonical
    return fields


def _check_fields(t: _Text, fields: dict[str, Any], *, new_category: str | None, new_actor: str | None
                  ) -> _Text:
    """Check category/actor (declaring them when asked), stance and match; returns the text to edit."""
    data = t.data
    stance = fields.get("stance")
    if stance is not None and not -1.0 <= float(stance) <= 1.0:
        raise LexiconError(f"stance {stance} is outside [-1, 1]", path=t.path,
                           hint="use a number between -1 (delegitimizing) and 1 (legitimizing)")
    if fields.get("match", "affix") not in MATCH_MODES:
        raise LexiconError(f"match {fields['match']!r} is not one of {', '.join(MATCH_MODES)}", path=t.path,
                           hint="use --match affix (default) or --match exact")
    term = fields.get("term", "")
    if not normalize_term(term) or not _TERM_PUNCT_OK.match(normalize_ar(term).strip()):
        raise LexiconError(f"term '{term}' can never match: it must be words separated by spaces",
                           path=t.path, hint="remove punctuation from the term")
    for section, key, new in (("categories", "category", new_category), ("actors", "actor", new_actor)):
        value = fields.get(key)
        if not value:
            continue
        declared = data.get(section) or {}
        if value in declared:
            continue
        if new is None:
            known = ", ".join(sorted(map(str, declared))) or "none yet"
            flag = "--new-category" if key == "category" else "--new-actor"
            raise LexiconError(f"unknown {key} {value!r} (declared: {known})", path=t.path,
                               line=(_line_of_key(data, section) or 0) + 1 or None,
                               hint=f"use a declared {key}, or declare it with {flag} 'what it means'")
        t = _declare(t, section, value, new)
        data = t.data
    return t


def _lexicon_warnings(fields: dict[str, Any], t: _Text, lexicons_dir: Path | None) -> tuple[str, ...]:
    """The new term inside a longer entry (or containing a shorter one), or in another lexicon."""
    out = []
    words = normalize_term(fields["term"])
    for it in t.items:
        f = _raw_fields(it.raw)
        other = f.get("term")
        if not isinstance(other, str):
            continue
        ow = normalize_term(other)
        if ow == words:
            continue
        if len(ow) > len(words) and _contains(ow, words, f.get("match", "affix")):
            out.append(f"'{fields['term']}' is inside the longer entry '{other}' (line {it.start + 1}): "
                       "where that occurs, the longer entry counts")
        elif len(words) > len(ow) and _contains(words, ow, f.get("match", "affix")):
            out.append(f"'{fields['term']}' contains the entry '{other}' (line {it.start + 1}): "
                       f"where '{fields['term']}' occurs, it counts instead of '{other}'")
    if lexicons_dir is not None and lexicons_dir.is_dir() and t.path is not None:
        for f in lexicon_files(lexicons_dir):
            if f.resolve() == t.path.resolve():
                continue
            try:
                lex = load_lexicon(f)
            except LexiconError:
                continue
            for e in lex.find(fields["term"]):
                out.append(f"'{fields['term']}' is also in lexicon {lex.name} ({f}:{e.line}, "
                           f"{_describe_entry({'actor': e.actor, 'category': e.category, 'stance': e.stance})})")
    return tuple(out)


def _contains(longer: Sequence[str], shorter: Sequence[str], match: str = "affix") -> bool:
    """Would a term of words ``shorter`` match inside the term of words ``longer``?"""
    forms = surface_forms(list(shorter), match)
    n = len(shorter)
    return any(all(longer[j + i] in forms[i] for i in range(n)) for j in range(len(longer) - n + 1))


@_edits_file("lexicon")
def add_entry(
    lexicon: str | Path,
    term: str,
    *,
    category: str,
    actor: str | None = None,
    stance: float | None = None,
    note: str | None = None,
    match: str | None = None,
    canonical: str | None = None,
    merge: bool = False,
    new_category: str | None = None,
    new_actor: str | None = None,
    lexicons: str | Path | None = None,
    backup: bool = True,
) -> EditResult:
    """Add one entry to a lexicon file, changing no other line.

    The entry goes after the last entry of the same actor (else category), else at the
    end of ``entries:``, as one flow-style line in the file's indentation. An unknown
    category or actor is refused unless ``new_category``/``new_actor`` gives its
    description (it is then declared too). A term already present after normalization
    is refused — with ``merge=True`` the existing entry gets the missing fields and the
    note is appended; conflicting values are still refused (use :func:`set_entry`).

    >>> add_entry("lexicons/egypt.yaml", "البلطجية", category="actor_label",
    ...           actor="protesters", stance=-0.8, note="thugs")  # doctest: +SKIP
    """
    path = resolve_lexicon(lexicon, lexicons)
    text, bom = _read_text(path)
    t = _load_text(text, path)
    _check_editable(t)
    fields = _entry_fields(term, category=category, actor=actor, stance=stance, note=note, match=match,
                           canonical=canonical)
    t = _check_fields(t, fields, new_category=new_category, new_actor=new_actor)
    before = [_raw_fields(it.raw) for it in t.items]
    existing = _find_item(t, term)
    if existing is not None:
        old = _raw_fields(existing.raw)
        where = f"'{term}' is already at line {existing.start + 1}"
        if old.get("term") != fields["term"]:
            where += f" as '{old.get('term')}'"
        if not merge:
            raise LexiconError(f"{where} ({_describe_entry(old)})", path=path, line=existing.start + 1,
                               hint="use 'framing lexicon set' to change it, or --merge to fill in its "
                                    "missing fields and note")
        merged = dict(old)
        conflicts = []
        for k, v in fields.items():
            if k == "term":
                continue
            if k == "note":
                if v and v not in str(old.get("note") or ""):
                    merged["note"] = f"{old['note']}; {v}" if old.get("note") else v
                continue
            if k not in old or old[k] in (None, ""):
                merged[k] = v
            elif (float(old[k]) != float(v)) if k == "stance" else (old[k] != v):
                conflicts.append(f"{k} is {old[k]!r}, not {v!r}")
        if conflicts:
            raise LexiconError(f"cannot merge: {where} and its {'; '.join(conflicts)}", path=path,
                               line=existing.start + 1,
                               hint=f"change it with 'framing lexicon set {path.stem} \"{old.get('term')}\" "
                                    "--<field> VALUE'")
        if merged == old:
            return EditResult(path, "unchanged", str(old.get("term")), existing.start + 1)
        expected = [merged if i == existing.index else f for i, f in enumerate(before)]
        new_text = _replace_entry(t, existing, merged, order=list(old))
        _validated(new_text, t, expected)
        kept = _write(t, new_text, bom, backup)
        return EditResult(path, "merged", str(old.get("term")), existing.start + 1, kept)
    new_text, at = _insert_entry(t, fields, actor=actor, category=category)
    position = sum(1 for it in t.items if it.start < at)
    _validated(new_text, t, [*before[:position], fields, *before[position:]])
    warnings = _lexicon_warnings(fields, t, path.parent if lexicons is None else Path(lexicons))
    kept = _write(t, new_text, bom, backup)
    return EditResult(path, "added", fields["term"], at + 1, kept, warnings)


@_edits_file("lexicon")
def remove_entry(lexicon: str | Path, term: str, *, lexicons: str | Path | None = None,
                 backup: bool = True) -> EditResult:
    """Remove the entry whose normalized term equals ``term``; only its lines are deleted.

    >>> remove_entry("lexicons/egypt.yaml", "البلطجيه")  # doctest: +SKIP
    """
    path = resolve_lexicon(lexicon, lexicons)
    text, bom = _read_text(path)
    t = _load_text(text, path)
    _check_editable(t)
    item = _find_item(t, term)
    if item is None:
        raise _not_found(t, term)
    before = [_raw_fields(it.raw) for it in t.items]
    expected = before[:item.index] + before[item.index + 1:]
    new_text = _delete_entry(t, item)
    _validated(new_text, t, expected)
    kept = _write(t, new_text, bom, backup)
    return EditResult(path, "removed", str(_raw_fields(item.raw).get("term")), 0, kept)


_UNSET = object()


@_edits_file("lexicon")
def set_entry(
    lexicon: str | Path,
    term: str,
    *,
    new_term: str | None = None,
    category: str | None = None,
    actor: str | None = None,
    stance: float | None = None,
    note: str | None = None,
    match: str | None = None,
    canonical: str | None = None,
    new_category: str | None = None,
    new_actor: str | None = None,
    lexicons: str | Path | None = None,
    backup: bool = True,
) -> EditResult:
    """Change fields of an existing entry; only its lines are rewritten.

    ``None`` leaves a field as it is; an empty string removes ``actor``, ``note`` or
    ``canonical``. A one-line entry stays one line (its trailing comment is kept); a
    block-style entry is rewritten in block style.

    >>> set_entry("lexicons/egypt.yaml", "البلطجية", stance=-1.0)  # doctest: +SKIP
    """
    path = resolve_lexicon(lexicon, lexicons)
    text, bom = _read_text(path)
    t = _load_text(text, path)
    _check_editable(t)
    item = _find_item(t, term)
    if item is None:
        raise _not_found(t, term)
    old = _raw_fields(item.raw)
    fields = dict(old)
    for key, value in (("term", new_term), ("category", category), ("actor", actor), ("stance", stance),
                       ("note", note), ("match", match), ("canonical", canonical)):
        if value is None:
            continue
        if value == "" and key in ("actor", "note", "canonical"):
            fields.pop(key, None)
        elif key == "stance":
            fields[key] = float(value)
        elif key == "term":
            fields[key] = str(value).strip()
        else:
            fields[key] = value
    if new_term is not None:
        other = _find_item(t, new_term)
        if other is not None and other.index != item.index:
            f = _raw_fields(other.raw)
            raise LexiconError(f"'{new_term}' is already at line {other.start + 1} as '{f.get('term')}' "
                               f"({_describe_entry(f)})", path=path, line=other.start + 1,
                               hint="remove one of the two entries first")
    t2 = _check_fields(t, fields, new_category=new_category, new_actor=new_actor)
    if t2 is not t:  # a category/actor was declared: the entry moved down
        t = t2
        item = _find_item(t, term)
        assert item is not None
    if fields == old:
        return EditResult(path, "unchanged", str(old.get("term")), item.start + 1)
    before = [_raw_fields(it.raw) for it in t.items]
    expected = [fields if i == item.index else f for i, f in enumerate(before)]
    new_text = _replace_entry(t, item, fields, order=list(old))
    _validated(new_text, t, expected)
    kept = _write(t, new_text, bom, backup)
    return EditResult(path, "updated", str(fields["term"]), item.start + 1, kept)


# =============================================================================================
# a new lexicon from the template
# =============================================================================================


def template_path() -> Path:
    """The commented template :func:`new_lexicon` fills in (``framing/data/lexicon-template.yaml``)."""
    return Path(__file__).resolve().parent / "data" / "lexicon-template.yaml"


def new_lexicon(name: str, *, directory: str | Path | None = None, kind: str = "framing", language: str = "ar",
                description: str | None = None, version: str = "0.1.0") -> Path:
    """Write ``<directory>/<name>.yaml`` from the commented template; return its path.

    ``directory`` defaults to :func:`user_lexicon_dir` (``$FRAMING_LEXICONS``, else ``lexicons/``
    in the working folder) and is created if needed.
    An existing file, or another lexicon of the same ``name:`` in the folder, is refused.

    >>> new_lexicon("egypt-2013", directory="my-lexicons",
    ...             description="Labels of Egyptian political actors, 2013")  # doctest: +SKIP
    PosixPath('my-lexicons/egypt-2013.yaml')
    """
    if not _ID_RE.match(name):
        raise LexiconError(f"lexicon name {name!r} is not usable as a file name",
                           hint="use letters, digits, '-', '_' and '.', e.g. egypt-2013")
    if kind not in KINDS:
        raise LexiconError(f"unknown kind {kind!r}", hint=f"use one of {', '.join(KINDS)}")
    folder = Path(directory) if directory is not None else user_lexicon_dir()
    if folder.exists() and not folder.is_dir():
        raise LexiconError("not a folder", path=folder, hint="give --lexicons a folder")
    path = folder / f"{name}.yaml"
    if path.exists():
        raise LexiconError("a lexicon file of that name already exists", path=path,
                           hint="choose another name, or edit it with 'framing lexicon add'")
    if folder.is_dir():
        for f in lexicon_files(folder):
            try:
                other = _quick_name(f)
            except Exception:
                continue
            if other == name:
                raise LexiconError(f"lexicon {name!r} already exists", path=f, hint="choose another name")
    template = template_path().read_text(encoding="utf-8")
    description = (description or "What this lexicon covers: corpus, period, actors.").strip()
    text = (template.replace("__NAME__", name).replace("__KIND__", kind).replace("__LANGUAGE__", language)
            .replace("__VERSION__", version).replace("__DATE__", date.today().isoformat())
            .replace("__DESCRIPTION__", _yaml_scalar(description, flow=False)))
    lexicon_from_data(_parse_yaml(text, path), path=path)  # the template must always load
    folder.mkdir(parents=True, exist_ok=True)
    with edit_lock(path):
        if path.exists() or path.is_symlink():  # created meanwhile by another process
            raise LexiconError("a lexicon file of that name already exists", path=path,
                               hint="choose another name, or edit it with 'framing lexicon add'")
        _atomic_write(path, text.encode("utf-8"), backup=False)
    return path


# =============================================================================================
# validation: every problem, with file:line
# =============================================================================================


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem of a lexicon file.

    ``severity`` is ``error`` (the file cannot be used as it is) or ``warning``.
    ``code``: yaml, encoding, missing-file, schema, metadata, unknown-category,
    unknown-actor, stance, duplicate, unmatchable, shadowed, overlap, cross-duplicate,
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


@dataclass
class _Checked:
    path: Path
    name: str | None
    kind: str
    entries: list[tuple[int, Any]]  # (line, Entry)


def _validate_file(path: Path) -> tuple[list[Issue], _Checked | None]:
    issues: list[Issue] = []
    if not path.exists():
        return [_issue(path, 0, "error", "missing-file", "lexicon file not found",
                       "check the path or --lexicons DIR")], None
    try:
        text, _ = _read_text(path)
    except LexiconError as exc:
        return [_issue(path, 0, "error", "encoding", exc.message, exc.hint or "")], None
    try:
        data = _parse_yaml(text, path)
    except LexiconError as exc:
        return [_issue(path, exc.line, "error", "yaml", exc.message, exc.hint or "")], None
    if not isinstance(data, dict):
        return [_issue(path, 1, "error", "schema", "a lexicon file must be a mapping with name, kind, "
                       "categories, entries", "see docs/lexicon-format.md")], None

    def line_of(key):
        n = _line_of_key(data, key)
        return n + 1 if n is not None else 1

    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        issues.append(_issue(path, 1, "error", "schema", "missing 'name'", "add 'name: my-lexicon' at the top"))
        name = None
    kind = data.get("kind", "framing")
    if kind not in KINDS:
        issues.append(_issue(path, line_of("kind"), "error", "schema", f"unknown kind {kind!r}",
                             f"use one of {', '.join(KINDS)}"))
    for key in ("language", "version", "description"):
        if not str(data.get(key) or "").strip():
            issues.append(_issue(path, 1, "warning", "metadata", f"no '{key}'",
                                 f"add '{key}: ...' so a paper can cite this lexicon precisely"))
    for key in data:
        if key not in _TOP_KEYS:
            close = difflib.get_close_matches(str(key), sorted(_TOP_KEYS), n=1)
            issues.append(_issue(path, line_of(key), "warning", "unknown-key", f"unknown key {key!r} is ignored",
                                 f"did you mean '{close[0]}'?" if close else "remove it or make it a comment"))
    declared: dict[str, set[str]] = {}
    for key in ("categories", "actors"):
        value = data.get(key) or {}
        if not isinstance(value, dict):
            issues.append(_issue(path, line_of(key), "error", "schema", f"'{key}' must be a mapping of id: "
                                 "description", f"write '{key}:' then '  some_id: description'"))
            value = {}
        declared[key] = {str(k) for k in value}
    entries_raw = data.get("entries")
    if entries_raw is None:
        entries_raw = []
    if not isinstance(entries_raw, list):
        issues.append(_issue(path, line_of("entries"), "error", "schema", "'entries' must be a list",
                             "write each entry on its own line as '- {term: ..., category: ...}'"))
        entries_raw = []
    checked = _Checked(path, name, kind if kind in KINDS else "framing", [])
    seen: dict[tuple[str, ...], tuple[int, str]] = {}
    lc = getattr(entries_raw, "lc", None)
    for i, raw in enumerate(entries_raw):
        try:
            line = lc.item(i)[0] + 1
        except Exception:
            line = 0
        raw_d = dict(raw) if isinstance(raw, dict) else raw
        if isinstance(raw_d, dict) and "stance" in raw_d:
            s = raw_d.get("stance")
            if s is not None and (isinstance(s, bool) or not isinstance(s, (int, float))):
                issues.append(_issue(path, line, "error", "stance", f"stance of '{raw_d.get('term')}' is not a "
                                     f"number: {s!r}", "use a number between -1 and 1"))
                raw_d = {**raw_d, "stance": 0.0}
            elif s is not None and not -1.0 <= float(s) <= 1.0:
                issues.append(_issue(path, line, "error", "stance", f"stance of '{raw_d.get('term')}' is {s}, "
                                     "outside [-1, 1]", "use a number between -1 (delegitimizing) and 1 "
                                     "(legitimizing)"))
                raw_d = {**raw_d, "stance": 0.0}
        try:
            entry = _entry_from_mapping(raw_d, name=name or path.stem, path=path, line=line)
        except LexiconError as exc:
            issues.append(_issue(path, line, "error", "schema", exc.message, exc.hint or ""))
            continue
        if entry.category not in declared["categories"]:
            close = difflib.get_close_matches(entry.category, sorted(declared["categories"]), n=1)
            issues.append(_issue(path, line, "error", "unknown-category",
                                 f"unknown category {entry.category!r} for '{entry.term}'",
                                 (f"did you mean '{close[0]}'? " if close else "") +
                                 "declare it under 'categories:' or use one of "
                                 f"{sorted(declared['categories'])}"))
        if entry.actor and entry.actor not in declared["actors"]:
            close = difflib.get_close_matches(entry.actor, sorted(declared["actors"]), n=1)
            issues.append(_issue(path, line, "error", "unknown-actor",
                                 f"unknown actor {entry.actor!r} for '{entry.term}'",
                                 (f"did you mean '{close[0]}'? " if close else "") +
                                 f"declare it under 'actors:' or use one of {sorted(declared['actors'])}"))
        if not entry.words or not _TERM_PUNCT_OK.match(normalize_ar(entry.term).strip()):
            issues.append(_issue(path, line, "error", "unmatchable",
                                 f"term '{entry.term}' can never match: after normalization it is not words "
                                 "separated by spaces", "remove punctuation (matches never cross , . : or "
                                 "line breaks)"))
            continue
        if entry.words in seen:
            other_line, other_term = seen[entry.words]
            same = "" if other_term == entry.term else f" ('{' '.join(entry.words)}' after normalization)"
            issues.append(_issue(path, line, "error", "duplicate",
                                 f"'{entry.term}' duplicates '{other_term}' at line {other_line}{same}",
                                 "remove one of them or merge their notes"))
            continue
        seen[entry.words] = (line, entry.term)
        checked.entries.append((line, entry))
    issues.extend(_shadow_issues(checked))
    return issues, checked


def _shadow_issues(checked: _Checked) -> list[Issue]:
    """Entries inside a longer entry of the same lexicon, and entries whose forms overlap."""
    out = []
    first: dict[str, list[tuple[int, Any, tuple[frozenset[str], ...]]]] = {}
    for line, e in checked.entries:
        forms = surface_forms(list(e.words), e.match)
        for f in forms[0]:
            first.setdefault(f, []).append((line, e, forms))
    for line, longer in checked.entries:
        words = longer.words
        reported = set()
        for j, w in enumerate(words):
            for sline, short, forms in first.get(w, ()):
                n = len(short.words)
                if short is longer or sline in reported or j + n > len(words):
                    continue
                if not all(words[j + i] in forms[i] for i in range(n)):
                    continue
                reported.add(sline)
                if n == len(words):
                    out.append(_issue(checked.path, line, "warning", "overlap",
                                      f"'{longer.term}' is also a form of '{short.term}' (line {sline}): both "
                                      "match the same words and only one of them counts",
                                      "keep one entry, or give one of them match: exact"))
                else:
                    out.append(_issue(checked.path, sline, "warning", "shadowed",
                                      f"'{short.term}' is inside the longer entry '{longer.term}' (line {line}): "
                                      "where the longer term occurs only it counts",
                                      "fine if intended (a more specific label); otherwise remove one"))
    return out


def validate(source: str | Path | Sequence[str | Path] | None = None) -> list[Issue]:
    """Every problem of the lexicon files in a folder (or the given files), in file/line order.

    Errors: YAML syntax, encoding, schema (missing name/term/category, unknown fields or
    kind), unknown category or actor, stance out of range or not a number, duplicates
    after normalization, terms that can never match. Warnings: an entry inside a longer
    entry of the same lexicon (shadowed), two entries matching the same words (overlap),
    the same term in two lexicons of one kind, missing language/version/description,
    unknown top-level keys. Two lexicons sharing a ``name`` are an error.

    >>> [i.format() for i in validate("tests/data/codebook")]  # doctest: +SKIP
    """
    if source is None:
        files = lexicon_files(None)
    elif isinstance(source, (str, Path)) and not Path(source).is_dir():
        files = [Path(source)]
    else:
        files = []
        for item in [source] if isinstance(source, (str, Path)) else source:
            p = Path(item)
            files.extend(lexicon_files(p) if p.is_dir() else [p])
    issues: list[Issue] = []
    checked: list[_Checked] = []
    for f in files:
        found, c = _validate_file(Path(f))
        issues.extend(found)
        if c is not None:
            checked.append(c)
    names: dict[str, Path] = {}
    terms: dict[tuple[str, tuple[str, ...]], tuple[_Checked, int, Any]] = {}
    for c in checked:
        if c.name:
            if c.name in names:
                issues.append(_issue(c.path, 1, "error", "name-clash", f"two lexicons are named {c.name!r} "
                                     f"(also {names[c.name]})", "give each lexicon a unique 'name'"))
            names.setdefault(c.name, c.path)
        for line, e in c.entries:
            key = (c.kind, e.words)
            if key in terms and terms[key][0] is not c:
                oc, oline, oe = terms[key]
                issues.append(_issue(c.path, line, "warning", "cross-duplicate",
                                     f"'{e.term}' is also in lexicon {oc.name} ({oc.path}:{oline}, "
                                     f"{_describe_entry({'actor': oe.actor, 'category': oe.category, 'stance': oe.stance})})",
                                     "both lexicons count it: fine if intended, else remove one"))
            else:
                terms.setdefault(key, (c, line, e))
    order = {"error": 0, "warning": 1}
    return sorted(issues, key=lambda i: (i.path, i.line, order.get(i.severity, 2)))


# =============================================================================================
# inspecting: list and show
# =============================================================================================


def read_entries(lexicon: Lexicon) -> list[dict[str, Any]]:
    """The entries of a loaded lexicon as rows ``lexicon, line, term, actor, category, stance,
    note, match, canonical, id``."""
    return [{"lexicon": lexicon.name, "line": e.line, "term": e.term, "actor": e.actor or "",
             "category": e.category, "stance": e.stance, "note": e.note, "match": e.match,
             "canonical": e.canonical, "id": e.id} for e in lexicon.entries]


def lexicon_table(lexicons: str | Path | Sequence[str | Path] | None = None, *, kind: str | None = None):
    """One row per lexicon file: ``name, kind, language, version, entries, categories, actors,
    path, sha256, description`` (a pandas DataFrame).

    >>> lexicon_table("tests/data/lexicons")[["name", "entries"]]  # doctest: +SKIP
    """
    import pandas as pd

    rows = []
    for f in lexicon_files(lexicons):
        lex = load_lexicon(f)
        if kind is not None and lex.kind != kind:
            continue
        rows.append({"name": lex.name, "kind": lex.kind, "language": lex.language, "version": lex.version,
                     "entries": len(lex.entries), "categories": len(lex.categories), "actors": len(lex.actors),
                     "path": str(f), "sha256": lex.sha256, "description": lex.description})
    columns = ["name", "kind", "language", "version", "entries", "categories", "actors", "path", "sha256",
               "description"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class ShownLexicon:
    """What ``framing lexicon show`` prints.

    ``counts``: one row per category and per actor declared (``group`` = category|actor,
    ``id``, ``description``, ``entries`` — after filtering, ``mean_stance``);
    ``entries``: the filtered entries (columns of :func:`read_entries`).
    """

    lexicon: Lexicon
    counts: Any
    entries: Any


def show_lexicon(lexicon: str | Path, *, lexicons: str | Path | None = None, category: str | None = None,
                 actor: str | None = None, term: str | None = None, stance_min: float | None = None,
                 stance_max: float | None = None) -> ShownLexicon:
    """A lexicon's metadata, counts per category and actor, and its entries, filtered.

    ``term`` keeps entries whose normalized term contains the normalized ``term``;
    ``actor="-"`` keeps entries without an actor.

    >>> shown = show_lexicon("mini", lexicons="tests/data/lexicons", actor="russia")  # doctest: +SKIP
    >>> list(shown.entries["term"])  # doctest: +SKIP
    ['الاحتلال الروسي', 'روسيا', 'الجانب الروسي']
    """
    import pandas as pd

    lex = load_lexicon(resolve_lexicon(lexicon, lexicons))
    for value, declared, what in ((category, lex.categories, "category"), (actor, lex.actors, "actor")):
        if value and value != "-" and value not in declared:
            raise LexiconError(f"unknown {what} {value!r} in lexicon {lex.name}", path=lex.path,
                               hint=f"use one of {sorted(declared)}")
    rows = read_entries(lex)
    if category:
        rows = [r for r in rows if r["category"] == category]
    if actor:
        rows = [r for r in rows if r["actor"] == ("" if actor == "-" else actor)]
    if term:
        key = " ".join(normalize_term(term))
        rows = [r for r in rows if key in " ".join(normalize_term(r["term"]))]
    if stance_min is not None:
        rows = [r for r in rows if r["stance"] >= stance_min]
    if stance_max is not None:
        rows = [r for r in rows if r["stance"] <= stance_max]
    entries = pd.DataFrame(rows, columns=["lexicon", "line", "term", "actor", "category", "stance", "note",
                                          "match", "canonical", "id"])
    counts = []
    for group, declared, col in (("category", lex.categories, "category"), ("actor", lex.actors, "actor")):
        for key, desc in declared.items():
            sel = entries[entries[col] == key]
            counts.append({"group": group, "id": key, "description": desc, "entries": len(sel),
                           "mean_stance": float(sel["stance"].mean()) if len(sel) else float("nan")})
        if group == "actor":
            sel = entries[entries["actor"] == ""]
            if len(sel):
                counts.append({"group": "actor", "id": "-", "description": "(no actor)", "entries": len(sel),
                               "mean_stance": float(sel["stance"].mean())})
    return ShownLexicon(lex, pd.DataFrame(counts, columns=["group", "id", "description", "entries",
                                                           "mean_stance"]), entries)


# =============================================================================================
# looking at a corpus: documents, kwic, entry statistics
# =============================================================================================

CORPUS_FIELDS = ("text_field", "outlet_field", "date_field", "id_field")


def _unit(doc_id: str, seed: int) -> float:
    digest = hashlib.blake2b(f"{seed}\x00{doc_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def _documents(corpus: Any, *, limit: int | None = None, sample_docs: int | None = None, seed: int = 0,
               outlets: Sequence[str] | None = None, **fields: str) -> Iterator[Document]:
    """Documents of a corpus path (read with :func:`framing.corpus.load_corpus` and ``fields``),
    a loaded corpus, or an iterable of :class:`Document`. ``sample_docs`` keeps about that many
    documents, chosen by a seeded hash of their id (the same ones on every pass)."""
    if isinstance(corpus, (str, Path)):
        from framing.corpus import load_corpus

        unknown = set(fields) - set(CORPUS_FIELDS)
        if unknown:
            raise ConfigError(f"unknown corpus option(s) {sorted(unknown)}", hint=f"use {', '.join(CORPUS_FIELDS)}")
        corpus = load_corpus(corpus, **fields)
    elif not hasattr(corpus, "iter_documents"):
        corpus = list(corpus)
    share = 1.0
    if sample_docs is not None:
        if sample_docs <= 0:
            raise ConfigError(f"--sample-docs must be positive, not {sample_docs}")
        share = min(1.0, sample_docs / max(1, len(corpus)))
    wanted = set(outlets) if outlets else None
    docs = corpus.iter_documents() if hasattr(corpus, "iter_documents") else iter(corpus)
    n = 0
    for doc in docs:
        if wanted is not None and doc.outlet not in wanted:
            continue
        if share < 1.0 and _unit(doc.doc_id, seed) >= share:
            continue
        yield doc
        n += 1
        if limit is not None and n >= limit:
            break


def _lexicon_list(lexicons: Any, *, kind: str | None = None) -> list[Lexicon]:
    """Loaded lexicons from a folder/file/list of them, or Lexicon objects."""
    from framing.lexicon import load_lexicons

    if lexicons is None:
        out = load_lexicons(None)
    elif isinstance(lexicons, Lexicon):
        out = [lexicons]
    elif isinstance(lexicons, (str, Path)):
        out = load_lexicons(lexicons)
    else:
        items = list(lexicons)
        out = [x for x in items if isinstance(x, Lexicon)]
        paths = [x for x in items if not isinstance(x, Lexicon)]
        if paths:
            out += load_lexicons(paths)
    return [lx for lx in out if kind is None or lx.kind == kind]


def _one_term_lexicon(term: str, match: str = "affix") -> Lexicon:
    words = normalize_term(term)
    if not words or not _TERM_PUNCT_OK.match(normalize_ar(term).strip()):
        raise LexiconError(f"term '{term}' can never match: it must be words separated by spaces",
                           hint="remove punctuation from the term")
    if match not in MATCH_MODES:
        raise ConfigError(f"match {match!r} is not one of {', '.join(MATCH_MODES)}")
    return Lexicon.from_entries("kwic", [{"term": term, "category": "kwic", "match": match}])


def _core(words: Sequence[str], match: str) -> str:
    """The longest substring of the term's first word found in every form the matcher accepts
    for it: a cheap, exact prefilter (a document without it cannot match)."""
    forms = surface_forms(list(words), match)[0]
    w = words[0]
    for size in range(len(w), 0, -1):
        for i in range(len(w) - size + 1):
            sub = w[i:i + size]
            if all(sub in f for f in forms):
                return sub
    return ""


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    left = re.sub(r"\s+", " ", text[max(0, start - width):start]).strip()
    right = re.sub(r"\s+", " ", text[end:end + width]).strip()
    return left, right


KWIC_COLUMNS = ["outlet", "doc_id", "date", "start", "end", "left", "match", "right", "term", "covered_by"]


def kwic(term: str, corpus: Any, *, match: str = "affix", lexicons: Any = None, width: int = 50,
         sample: int | None = None, seed: int = 0, limit: int | None = None, sample_docs: int | None = None,
         outlets: Sequence[str] | None = None, **fields: str):
    """Keyword in context: every occurrence of ``term`` in a corpus, matched as scoring matches it.

    The term is matched with the same :class:`~framing.lexicon.Matcher` as in scoring (clitics,
    suffixes, normalization; ``match="exact"`` for the words alone) on each document's
    ``masked_text`` (boilerplate excluded). With ``lexicons``, ``covered_by`` names the entry
    that scoring would count instead of this occurrence (``lexicon:term``): an overlapping
    entry that is longer, or as long and starting earlier (the longest, then leftmost match
    wins).
    ``sample`` keeps a seeded random sample of that many lines (reservoir sampling: bounded
    memory on any corpus). Returns a DataFrame with columns ``outlet, doc_id, date, start, end,
    left, match, right, term, covered_by`` (``start``/``end`` index the document text;
    ``match == text[start:end]``); ``.attrs`` holds ``hits``, ``documents``, ``per_outlet``
    (all occurrences, before sampling) and ``documents_read``.

    >>> rows = kwic("الإخوان", "corpus.jsonl.xz", outlet_field="source", sample=20)  # doctest: +SKIP
    """
    import random

    import pandas as pd

    lex = _one_term_lexicon(term, match)
    entry = lex.entries[0]
    matcher = Matcher([lex])
    full = Matcher(_lexicon_list(lexicons)) if lexicons is not None else None
    core = _core(entry.words, entry.match)
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    total = 0
    docs_with: set[str] = set()
    per_outlet: Counter = Counter()
    read = 0
    for doc in _documents(corpus, limit=limit, sample_docs=sample_docs, seed=seed, outlets=outlets, **fields):
        read += 1
        text = doc.masked_text
        norm = normalize_ar(text)
        if core and core not in norm:
            continue
        hits = matcher.find(text, doc_id=doc.doc_id, normalized=norm)
        if not hits:
            continue
        others = full.find(text, doc_id=doc.doc_id, normalized=norm) if full is not None else []
        docs_with.add(doc.doc_id)
        for h in hits:
            total += 1
            per_outlet[doc.outlet] += 1
            if sample is not None and len(rows) >= sample:
                k = rng.randrange(total)
                if k >= sample:
                    continue
                slot = k
            else:
                slot = None
            covered = ""
            for o in others:  # scoring keeps the longest match, then the leftmost one
                if not (o.start < h.end and h.start < o.end):
                    continue
                n = len(normalize_term(o.term))
                if n > len(entry.words) or (n == len(entry.words) and o.start < h.start):
                    covered = f"{o.lexicon}:{o.term}"
                    break
            left, right = _context(doc.text, h.start, h.end, width)
            row = {"outlet": doc.outlet, "doc_id": doc.doc_id, "date": doc.date or "", "start": h.start,
                   "end": h.end, "left": left, "match": h.matched, "right": right, "term": entry.term,
                   "covered_by": covered, "_order": (read, h.start)}
            if slot is None:
                rows.append(row)
            else:
                rows[slot] = row
    rows.sort(key=lambda r: r["_order"])
    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "_order"} for r in rows], columns=KWIC_COLUMNS)
    frame.attrs.update(hits=total, documents=len(docs_with), per_outlet=dict(per_outlet.most_common()),
                       documents_read=read)
    return frame


def entry_stats(corpus: Any, lexicons: Any = None, *, broad: float = 0.2, kind: str | None = None,
                limit: int | None = None, sample_docs: int | None = None, seed: int = 0, **fields: str):
    """Per lexicon entry: hits, documents and outlets in a corpus — find dead and over-broad entries.

    Matching is the scoring matcher over all the given lexicons (within a lexicon the longest
    match wins, so an entry inside a longer one only counts where the longer one does not).
    Columns: ``lexicon, line, term, actor, category, stance, hits, documents, outlets,
    doc_share, status, top_forms`` and ``hits:<outlet>`` per outlet; ``status`` is ``dead``
    (no hit), ``broad`` (in more than ``broad`` of the documents) or ``ok``; ``top_forms`` are
    the most frequent matched forms (normalized) with counts. ``.attrs["documents"]`` is the
    number of documents read. Rows in lexicon file order.

    >>> entry_stats("corpus.jsonl.xz", "my-lexicons", outlet_field="source")  # doctest: +SKIP
    """
    import pandas as pd

    lexs = _lexicon_list(lexicons, kind=kind)
    if not lexs:
        raise LexiconError("no lexicon to test", path=str(lexicons) if lexicons else None,
                           hint="pass --lexicons DIR with at least one .yaml lexicon")
    matcher = Matcher(lexs)
    hits: Counter = Counter()
    docs: dict[str, set[str]] = {}
    outlets_of: dict[str, set[str]] = {}
    by_outlet: dict[str, Counter] = {}
    forms: dict[str, Counter] = {}
    n_docs = 0
    all_outlets: set[str] = set()
    for doc in _documents(corpus, limit=limit, sample_docs=sample_docs, seed=seed, **fields):
        n_docs += 1
        all_outlets.add(doc.outlet)
        for h in matcher.find(doc.masked_text, doc_id=doc.doc_id):
            key = h.entry_id
            hits[key] += 1
            docs.setdefault(key, set()).add(doc.doc_id)
            outlets_of.setdefault(key, set()).add(doc.outlet)
            by_outlet.setdefault(key, Counter())[doc.outlet] += 1
            forms.setdefault(key, Counter())[normalize_ar(h.matched)] += 1
    outlet_names = sorted(all_outlets)
    rows = []
    for lex in lexs:
        for e in lex.entries:
            n = hits.get(e.id, 0)
            nd = len(docs.get(e.id, ()))
            share = nd / n_docs if n_docs else 0.0
            status = "dead" if n == 0 else ("broad" if share > broad else "ok")
            top = ", ".join(f"{f} ({c})" for f, c in forms.get(e.id, Counter()).most_common(3))
            row = {"lexicon": lex.name, "line": e.line, "term": e.term, "actor": e.actor or "",
                   "category": e.category, "stance": e.stance, "hits": n, "documents": nd,
                   "outlets": len(outlets_of.get(e.id, ())), "doc_share": share, "status": status,
                   "top_forms": top}
            for o in outlet_names:
                row[f"hits:{o}"] = by_outlet.get(e.id, Counter()).get(o, 0)
            rows.append(row)
    columns = ["lexicon", "line", "term", "actor", "category", "stance", "hits", "documents", "outlets",
               "doc_share", "status", "top_forms"] + [f"hits:{o}" for o in outlet_names]
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs.update(documents=n_docs, outlets=outlet_names)
    return frame


# =============================================================================================
# suggesting terms
# =============================================================================================

_AR_WORD = re.compile("^[\u0621-\u064a]{2,}$")

SUGGEST_COLUMNS = ["source", "group", "rank", "term", "count", "count_rest", "z", "log_odds", "documents",
                   "per_outlet", "contains_entry", "example_outlet", "example_doc", "example", "command"]


class _Counts:
    """Per-key counters with a total budget of distinct keys: when the budget is exceeded, keys
    counted at most ``floor`` times are dropped everywhere and ``floor`` grows (lossy counting).
    Counts of frequent terms are exact until the first prune and underestimated by at most
    ``dropped_max`` after; rare n-grams are forgotten first."""

    def __init__(self, max_terms: int):
        self.max_terms = max_terms
        self.counters: dict[str, Counter] = {}
        self.floor = 0
        self.prunes = 0

    def __getitem__(self, key: str) -> Counter:
        c = self.counters.get(key)
        if c is None:
            c = self.counters[key] = Counter()
        return c

    def size(self) -> int:
        return sum(len(c) for c in self.counters.values())

    def maybe_prune(self) -> None:
        if self.size() <= self.max_terms:
            return
        while self.size() > self.max_terms // 2:
            self.floor += 1
            for key, c in self.counters.items():
                self.counters[key] = Counter({k: v for k, v in c.items() if v > self.floor})
        self.prunes += 1


def _grams(tokens: list[str], stop: frozenset[str], n_max: int) -> set[str]:
    """Words and n-grams (n ≤ ``n_max``) of one sentence's normalized tokens: Arabic words only,
    neither first nor last word a stop word."""
    out: set[str] = set()
    run: list[str] = []
    for tok in [*tokens, ""]:
        if tok and _AR_WORD.match(tok):
            run.append(tok)
            continue
        if run:
            edge = [w not in stop for w in run]
            L = len(run)
            for i in range(L):
                if not edge[i]:
                    continue
                out.add(run[i])
                for n in range(2, n_max + 1):
                    j = i + n - 1
                    if j >= L:
                        break
                    if edge[j]:
                        out.add(" ".join(run[i:j + 1]))
            run = []
    return out


_REST = "\x00rest"  # pseudo-term holding the counts of every term left out of the vocabulary


def _aligned(total: Counter, counters: dict[str, Counter], names: Sequence[str], min_count: int):
    """Per group, (counts of the group, counts of all the others) as Series on one shared index.

    Only terms counted at least ``min_count`` times overall are kept; the others are pooled into
    one pseudo-term so that the group totals (and so every kept term's log-odds) stay exact.
    """
    import numpy as np
    import pandas as pd

    vocab = [k for k, v in total.items() if v >= min_count]
    index = pd.Index([*vocab, _REST], dtype=object)
    tot = np.fromiter((total[k] for k in vocab), dtype=float, count=len(vocab))
    tot_all = float(sum(total.values()))
    for name in names:
        c = counters[name]
        a = np.fromiter((c.get(k, 0) for k in vocab), dtype=float, count=len(vocab))
        a_all = float(sum(c.values()))
        if not (a >= min_count).any():
            continue
        b = tot - a
        a_rest = a_all - a.sum()
        b_rest = (tot_all - a_all) - b.sum()
        yield name, (pd.Series(np.append(a, max(a_rest, 0.0)), index=index),
                     pd.Series(np.append(b, max(b_rest, 0.0)), index=index))


def _close(a: int, b: int) -> bool:
    return min(a, b) >= 0.8 * max(a, b)


def _place(words: tuple[str, ...], count: int, accepted: list[tuple[tuple[str, ...], int, Any]], row: Any) -> None:
    """Add a candidate unless it adds nothing to the accepted ones.

    A clitic form of an accepted term, or a part of an accepted phrase about as frequent (80%),
    is dropped; a phrase that contains accepted terms about as frequent replaces them (the
    longer label is the better entry: جبهة الإنقاذ rather than الإنقاذ).
    """
    inside = []
    for k, (other, n, _) in enumerate(accepted):
        if len(other) == len(words) and (_contains(words, other) or _contains(other, words)):
            return
        if len(other) > len(words) and _contains(other, words) and _close(count, n):
            return
        if len(other) < len(words) and _contains(words, other) and _close(count, n):
            inside.append(k)
    if inside:
        accepted[inside[0]] = (words, count, row)
        for k in reversed(inside[1:]):
            del accepted[k]
    else:
        accepted.append((words, count, row))


def suggest_terms(
    corpus: Any,
    lexicons: Any = None,
    *,
    by: Sequence[str] = ("outlet", "actor"),
    top_n: int = 15,
    ngram_max: int = 3,
    min_count: int = 10,
    z_min: float = 1.96,
    alpha0: float | None = None,
    stopwords: str | Path | Iterable[str] | None = None,
    into: str | None = None,
    actors: Sequence[str] | None = None,
    examples: bool = True,
    width: int = 40,
    max_terms: int = 3_000_000,
    limit: int | None = None,
    sample_docs: int | None = None,
    seed: int = 0,
    **fields: str,
):
    """Candidate terms that no lexicon has yet, each ready to add with one command.

    Two sources (``by``):

    * ``outlet`` — the words and 2–3 word phrases that most distinguish each outlet from all
      the others: log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
      Quinn 2008; :class:`framing.compare.LogOddsDirichlet`) on *document* frequencies of
      normalized n-grams (an article repeating a word counts once).
    * ``actor`` — the n-grams that co-occur with an actor's mentions: the same statistic on
      sentence frequencies, sentences with a hit of the actor vs all other sentences. The
      words of the hits themselves are blanked out of their sentence first, and n-grams
      containing one of the actor's own entries are left out.

    N-grams never cross a sentence boundary or a non-Arabic token, and do not begin or end
    with a stop word. A candidate that any lexicon already matches as a whole (as written or
    through clitics/suffixes) is left out; one that only contains an entry says which in
    ``contains_entry``. Counting is bounded in memory (``max_terms`` distinct n-grams; rare
    ones are pruned first, see ``.attrs["pruned_below"]``).

    Columns: ``source`` (outlet|actor), ``group`` (the outlet or actor), ``rank``, ``term``
    (normalized), ``count`` (documents — or sentences for actors — of the group containing
    it), ``count_rest``, ``z``, ``log_odds``, ``documents`` (in the whole corpus),
    ``per_outlet`` ("outlet:documents, ..." most first), ``contains_entry``,
    ``example_outlet``, ``example_doc``, ``example`` (a KWIC line with the match in [brackets])
    and ``command`` (``framing lexicon add ...``; placeholders in <angle brackets>).

    >>> suggest_terms("corpus.jsonl.xz", "my-lexicons", outlet_field="source",
    ...               sample_docs=20000, into="egypt")  # doctest: +SKIP
    """
    import pandas as pd

    from framing.compare import LogOddsDirichlet
    from framing.lexicon import load_stopwords

    unknown = set(by) - {"outlet", "actor"}
    if unknown or not by:
        raise ConfigError(f"unknown suggestion source(s) {sorted(unknown) or by}", hint="use outlet and/or actor")
    if not 1 <= ngram_max <= 5:
        raise ConfigError(f"ngram_max must be between 1 and 5, not {ngram_max}")
    if stopwords is None or isinstance(stopwords, (str, Path)):
        stop = load_stopwords(stopwords)
    else:
        stop = frozenset(normalize_ar(w) for w in stopwords)
    lexs = _lexicon_list(lexicons) if lexicons is not None or "actor" in by else []
    framing_lexs = [lx for lx in lexs if lx.kind == "framing"]
    matcher = Matcher(lexs) if lexs else None
    actor_matcher = Matcher(framing_lexs) if framing_lexs else None
    if "actor" in by and actor_matcher is None:
        raise LexiconError("suggestions by actor need a framing lexicon with actors",
                           hint="pass --lexicons DIR, or use --by outlet")
    actor_set = set(actors) if actors else None
    known_actors = {e.actor for lx in framing_lexs for e in lx.entries if e.actor}
    if actor_set and actor_set - known_actors:
        raise LexiconError(f"no entries for actor(s) {sorted(actor_set - known_actors)}",
                           hint=f"actors with entries: {sorted(known_actors)}")
    outlet_counts = _Counts(max_terms)
    sentence_counts = _Counts(max_terms)
    n_docs = 0
    n_sent: Counter = Counter()
    outlet_docs: Counter = Counter()
    want_actor = "actor" in by
    for doc in _documents(corpus, limit=limit, sample_docs=sample_docs, seed=seed, **fields):
        n_docs += 1
        outlet_docs[doc.outlet] += 1
        text = doc.masked_text
        sent_hits: dict[int, list[Any]] = {}
        if want_actor:
            for h in actor_matcher.find(text, doc_id=doc.doc_id):
                if h.actor:
                    sent_hits.setdefault(h.sentence_start, []).append(h)
        doc_grams: set[str] = set()
        for s, e in sentence_spans(text):
            grams = _grams(WORD_RE.findall(normalize_ar(text[s:e])), stop, ngram_max)
            doc_grams |= grams
            if want_actor:
                hs = sent_hits.get(s)
                if hs:  # the actors' own words are not their context: blank them (and break n-grams there)
                    pieces, pos = [], s
                    for h in hs:
                        pieces.append(text[pos:h.start])
                        pieces.append(" 0 ")  # a non-Arabic token: n-grams stop here
                        pos = h.end
                    pieces.append(text[pos:e])
                    grams = _grams(WORD_RE.findall(normalize_ar("".join(pieces))), stop, ngram_max)
                sentence_counts["*"].update(grams)
                n_sent["*"] += 1
                for a in {h.actor for h in hs or ()}:
                    if actor_set is None or a in actor_set:
                        sentence_counts[a].update(grams)
                        n_sent[a] += 1
        outlet_counts[doc.outlet].update(doc_grams)
        if n_docs % 500 == 0:
            outlet_counts.maybe_prune()
            sentence_counts.maybe_prune()
    if n_docs == 0:
        raise ConfigError("no documents to count", hint="check --limit, --sample-docs and the corpus")
    total: Counter = Counter()
    for c in outlet_counts.counters.values():
        total.update(c)
    strategy = LogOddsDirichlet(alpha0=alpha0)
    actor_entries: dict[str, list[tuple[str, ...]]] = {}
    for lx in framing_lexs:
        for e in lx.entries:
            if e.actor:
                actor_entries.setdefault(e.actor, []).append(e.words)
    category_of_actor: dict[str, str] = {}
    for lx in framing_lexs:
        for actor in known_actors:
            cats = Counter(e.category for e in lx.entries if e.actor == actor)
            if cats and actor not in category_of_actor:
                category_of_actor[actor] = cats.most_common(1)[0][0]
    seen_verdict: dict[str, tuple[bool, str]] = {}

    def verdict(term: str) -> tuple[bool, str]:
        """(already matched as a whole by a lexicon, lexicon terms it contains)."""
        if term not in seen_verdict:
            found = matcher.find(term) if matcher is not None else []
            whole = any(h.start == 0 and h.end == len(term) for h in found)
            seen_verdict[term] = (whole, "; ".join(dict.fromkeys(f"{h.lexicon}:{h.term}" for h in found)))
        return seen_verdict[term]

    groups: list[tuple[str, str, Any, Any]] = []  # (source, group, counts of the group, counts of the rest)
    if "outlet" in by:
        groups += [("outlet", o, *pair) for o, pair in
                   _aligned(total, outlet_counts.counters, sorted(outlet_counts.counters), min_count)]
    if want_actor:
        everything = sentence_counts.counters.get("*", Counter())
        names = sorted(k for k in sentence_counts.counters if k != "*")
        groups += [("actor", a, *pair) for a, pair in _aligned(everything, sentence_counts.counters, names,
                                                                min_count)]
    rows = []
    for source, group, sa, sb in groups:
        scored = strategy.score(sa, sb).drop(index=_REST, errors="ignore")
        scored = scored[(scored["count"] >= min_count) & (scored["z"] >= z_min)]
        scored = scored.assign(term=scored.index).sort_values(["z", "term"], ascending=[False, True])
        own = actor_entries.get(group, []) if source == "actor" else []
        accepted: list[tuple[tuple[str, ...], int, Any]] = []
        for term, r in scored.iterrows():
            whole, contains = verdict(term)
            if whole:
                continue
            words = tuple(term.split())
            if own and any(_contains(words, w) for w in own):
                continue
            _place(words, int(r["count"]), accepted, (term, r, contains))
            if len(accepted) >= top_n:
                break
        for rank, (_, _, (term, r, contains)) in enumerate(accepted, start=1):
            per = Counter({o: c.get(term, 0) for o, c in outlet_counts.counters.items()})
            rows.append({"source": source, "group": group, "rank": rank, "term": term,
                         "count": int(r["count"]), "count_rest": int(r["count_rest"]), "z": float(r["z"]),
                         "log_odds": float(r["log_odds"]), "documents": int(total.get(term, 0)),
                         "per_outlet": ", ".join(f"{o}:{c}" for o, c in per.most_common() if c),
                         "contains_entry": contains, "example_outlet": "", "example_doc": "", "example": "",
                         "_actor": group if source == "actor" else None})
    if examples and rows:
        _add_examples(rows, corpus, actor_matcher if want_actor else None, width=width, limit=limit,
                      sample_docs=sample_docs, seed=seed, **fields)
    for row in rows:
        surface = row.pop("_surface", None) or row["term"]
        actor = row.pop("_actor")
        parts = ["framing", "lexicon", "add", into or "<lexicon>", shlex.quote(surface)]
        if actor:
            parts += ["--actor", actor, "--category", category_of_actor.get(actor, "<category>")]
        else:
            parts += ["--actor", "<actor>", "--category", "<category>"]
        parts += ["--stance", "<-1..1>"]
        row["command"] = " ".join(parts)
    frame = pd.DataFrame(rows, columns=SUGGEST_COLUMNS)
    frame.attrs.update(documents=n_docs, outlet_documents=dict(sorted(outlet_docs.items())),
                       sentences=dict(n_sent), pruned_below=outlet_counts.floor, statistic=strategy.name)
    return frame


def _add_examples(rows: list[dict[str, Any]], corpus: Any, actor_matcher: Matcher | None, *, width: int,
                  **select: Any) -> None:
    """One KWIC example per suggestion, in one more pass: from its outlet, or in a sentence that
    mentions its actor, where there is one."""
    lexs = [Lexicon.from_entries(f"s{i}", [{"term": r["term"], "category": "s", "match": "exact"}])
            for i, r in enumerate(rows)]
    matcher = Matcher(lexs)
    want = {f"s{i}": (r["source"], r["group"]) for i, r in enumerate(rows)}
    found: dict[str, tuple[bool, str, str, str, str]] = {}
    for doc in _documents(corpus, **select):
        text = doc.masked_text
        hits = matcher.find(text, doc_id=doc.doc_id)
        if not hits:
            continue
        actor_sentences: dict[str, set[int]] | None = None
        for h in hits:
            source, group = want[h.lexicon]
            if h.lexicon in found and found[h.lexicon][0]:
                continue
            if source == "outlet":
                preferred = group == doc.outlet
            else:
                if actor_sentences is None:
                    actor_sentences = {}
                    for a in actor_matcher.find(text, doc_id=doc.doc_id) if actor_matcher is not None else ():
                        actor_sentences.setdefault(a.actor or "", set()).add(a.sentence_start)
                preferred = h.sentence_start in actor_sentences.get(group, ())
            if h.lexicon in found and not preferred:
                continue
            left, right = _context(text, h.start, h.end, width)
            words = WORD_RE.findall(normalize_ar(h.matched, alef=False, alef_maksura=False, teh_marbuta=False))
            found[h.lexicon] = (preferred, doc.outlet, doc.doc_id, f"{left} [{h.matched}] {right}", " ".join(words))
        if len(found) == len(rows) and all(v[0] for v in found.values()):
            break
    for i, r in enumerate(rows):
        got = found.get(f"s{i}")
        if got:
            _, r["example_outlet"], r["example_doc"], r["example"], r["_surface"] = got


# =============================================================================================
# exchange formats: CSV, LIWC .dic, quanteda YAML
# =============================================================================================

_FORMAT_OF_SUFFIX = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".dic": "liwc", ".yml": "quanteda",
                     ".yaml": "quanteda"}
NO_ACTOR = "no_actor"  # quanteda YAML key for entries without an actor
_ACTOR_PREFIX = "actor:"  # LIWC category naming an actor


def _format_of(path: str | Path | None, format: str | None) -> str:
    if format is not None:
        if format not in EXPORT_FORMATS:
            raise ConfigError(f"unknown format {format!r}", hint=f"use one of {', '.join(EXPORT_FORMATS)}")
        return format
    suffix = Path(path).suffix.lower() if path is not None else ""
    if suffix not in _FORMAT_OF_SUFFIX:
        raise ConfigError(f"cannot tell the format of {path!s} from its suffix",
                          hint="give --format csv, liwc or quanteda (.csv, .dic, .yml)")
    return _FORMAT_OF_SUFFIX[suffix]


def _stance_text(x: float) -> str:
    return repr(float(x))


def export_lexicon(lexicon: str | Path, out: str | Path | None = None, *, format: str | None = None,
                   lexicons: str | Path | None = None, excel: bool = False) -> str:
    """A lexicon as CSV, LIWC ``.dic`` or quanteda YAML text; written atomically to ``out`` if given.

    * ``csv``: columns ``term, actor, category, stance, note`` (plus ``match``/``canonical``
      when an entry uses them), UTF-8 (with a BOM when ``excel=True``, so Excel reads the
      Arabic correctly). Lossless.
    * ``liwc``: a ``%``-delimited header numbering the categories, then actors as categories
      named ``actor:<id>``; one term per line with its category numbers. ``match: affix`` terms
      end with ``*`` (LIWC's prefix wildcard — the closest LIWC has to suffixes; LIWC has no
      proclitics). Lost: stance, note, canonical, id.
    * ``quanteda``: a YAML dictionary ``category: {actor: [terms]}`` (``no_actor`` for entries
      without one), ``*`` glob for affix terms, as ``quanteda::dictionary(file=, format="YAML")``
      reads it. Lost: stance, note, canonical, id.

    >>> print(export_lexicon("mini", format="liwc", lexicons="tests/data/lexicons"))  # doctest: +SKIP
    """
    fmt = _format_of(out, format)
    lex = load_lexicon(resolve_lexicon(lexicon, lexicons))
    if fmt == "csv":
        cols = list(CSV_COLUMNS)
        if any(e.match != "affix" for e in lex.entries):
            cols.append("match")
        if any(e.canonical for e in lex.entries):
            cols.append("canonical")
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for e in lex.entries:
            rec = {"term": e.term, "actor": e.actor or "", "category": e.category,
                   "stance": _stance_text(e.stance), "note": e.note, "match": e.match, "canonical": e.canonical}
            w.writerow([rec[c] for c in cols])
        text = ("\ufeff" if excel else "") + buf.getvalue()
    elif fmt == "liwc":
        cats = list(lex.categories)
        acts = [a for a in lex.actors if any(e.actor == a for e in lex.entries)]
        num = {c: i + 1 for i, c in enumerate(cats)}
        num.update({_ACTOR_PREFIX + a: len(cats) + i + 1 for i, a in enumerate(acts)})
        lines = ["%"] + [f"{n}\t{c}" for c, n in num.items()] + ["%"]
        for e in lex.entries:
            nums = [num[e.category]] + ([num[_ACTOR_PREFIX + e.actor]] if e.actor else [])
            lines.append(f"{e.term}{'*' if e.match == 'affix' else ''}\t" + "\t".join(map(str, nums)))
        text = "\n".join(lines) + "\n"
    else:
        tree: dict[str, dict[str, list[str]]] = {}
        for e in lex.entries:
            tree.setdefault(e.category, {}).setdefault(e.actor or NO_ACTOR, []).append(
                e.term + ("*" if e.match == "affix" else ""))
        head = (f"# quanteda dictionary exported from lexicon {lex.name} {lex.version} "
                "(stance and notes are not part of this format)\n")
        out_lines = [head]
        for cat, by_actor in tree.items():
            out_lines.append(f"{_yaml_scalar(cat)}:\n")
            for actor, terms in by_actor.items():
                out_lines.append(f"  {_yaml_scalar(actor)}:\n")
                out_lines.extend(f"    - {_yaml_scalar(t)}\n" for t in terms)
        text = "".join(out_lines)
    if out is not None:
        out = Path(out)
        if out.parent and not out.parent.exists():
            raise ConfigError("output folder does not exist", path=out.parent, hint="create it first")
        _atomic_write(out, text.encode("utf-8"), backup=False)
    return text


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_entries` did to the lexicon at ``path``."""

    path: Path
    created: bool
    added: int
    updated: int
    unchanged: int
    declared: tuple[str, ...] = ()
    backup: Path | None = None
    notes: tuple[str, ...] = ()


def _rows_from_csv(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise LexiconError("the CSV file is empty", path=path, hint=f"first row: {', '.join(CSV_COLUMNS)}") from None
    header = [h.strip().lower().lstrip("\ufeff") for h in header]
    allowed = {*CSV_COLUMNS, "match", "canonical", "id"}
    for required in ("term", "category"):
        if required not in header:
            raise LexiconError(f"the CSV has no '{required}' column (columns: {', '.join(header)})", path=path,
                               line=1, hint=f"the first row names the columns: {', '.join(CSV_COLUMNS)}")
    unknown = [h for h in header if h and h not in allowed]
    if unknown:
        raise LexiconError(f"unknown CSV column(s) {unknown}", path=path, line=1,
                           hint=f"use {', '.join(CSV_COLUMNS)} (and optionally match, canonical)")
    rows = []
    problems = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        rec = {h: v.strip() for h, v in zip(header, values, strict=False) if h}
        fields: dict[str, Any] = {}
        for k in ENTRY_FIELDS:
            v = rec.get(k, "")
            if v == "":
                continue
            if k == "stance":
                try:
                    fields[k] = float(v.replace("\u2212", "-").replace(",", "."))
                except ValueError:
                    problems.append(f"line {line}: stance {v!r} is not a number")
                    continue
            else:
                fields[k] = v
        rows.append((line, fields))
    if problems:
        raise LexiconError(f"{len(problems)} bad row(s): " + "; ".join(problems[:10]), path=path,
                           hint="fix them in the spreadsheet and import again")
    return rows


_LIWC_NUM = re.compile(r"^\d+$")


def _rows_from_liwc(path: Path, text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    lines = text.splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip() == "%"]
    if len(marks) < 2:
        raise LexiconError("not a LIWC dictionary: no '%' header", path=path, line=1,
                           hint="a .dic file starts with '%', category lines 'N<TAB>name', '%', then terms")
    names: dict[str, str] = {}
    for i in range(marks[0] + 1, marks[1]):
        parts = lines[i].split()
        if not parts:
            continue
        if len(parts) < 2 or not _LIWC_NUM.match(parts[0]):
            raise LexiconError(f"bad category line {lines[i]!r}", path=path, line=i + 1,
                               hint="write 'number<TAB>name'")
        names[parts[0]] = parts[1]
    rows = []
    notes = []
    for i in range(marks[1] + 1, len(lines)):
        raw = lines[i].strip()
        if not raw or raw.startswith("//"):
            continue
        if any(ch in raw for ch in "<>()/"):
            raise LexiconError(f"conditional LIWC entries are not supported: {raw!r}", path=path, line=i + 1,
                               hint="split it into plain terms")
        if "\t" in raw:  # term<TAB>numbers (the term may contain spaces)
            term, rest = raw.split("\t", 1)
            term, nums = term.strip(), rest.split()
        else:
            parts = raw.split()
            k = len(parts)
            while k > 1 and _LIWC_NUM.match(parts[k - 1]):
                k -= 1
            term, nums = " ".join(parts[:k]), parts[k:]
        if any(not _LIWC_NUM.match(n) for n in nums):
            raise LexiconError(f"category numbers of {term!r} are not numbers: {nums}", path=path, line=i + 1,
                               hint="write 'term<TAB>category number(s)'")
        if not nums:
            raise LexiconError(f"term {term!r} has no category number", path=path, line=i + 1,
                               hint="write 'term<TAB>category number(s)'")
        missing = [n for n in nums if n not in names]
        if missing:
            raise LexiconError(f"category number(s) {missing} of {term!r} are not declared in the header",
                               path=path, line=i + 1, hint="declare them between the two '%' lines")
        match = "exact"
        if term.endswith("*"):
            term, match = term[:-1], "affix"
        if "*" in term:
            raise LexiconError(f"wildcard inside {term!r} is not supported", path=path, line=i + 1,
                               hint="only a trailing * (prefix match) can be imported")
        cats = [names[n] for n in nums if not names[n].startswith(_ACTOR_PREFIX)]
        acts = [names[n][len(_ACTOR_PREFIX):] for n in nums if names[n].startswith(_ACTOR_PREFIX)]
        fields: dict[str, Any] = {"term": term}
        if acts:
            fields["actor"] = acts[0]
        fields["category"] = cats[0] if cats else "liwc"
        extra = cats[1:] + [_ACTOR_PREFIX + a for a in acts[1:]]
        if extra:
            fields["note"] = "also LIWC " + ", ".join(extra)
            notes.append(f"line {i + 1}: '{term}' is in several LIWC categories; kept {fields['category']}, "
                         "the others are in its note")
        if match != "affix":
            fields["match"] = match
        rows.append((i + 1, fields))
    return rows, notes


def _rows_from_quanteda(path: Path, text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    data = _parse_yaml(text, path)
    if isinstance(data, dict) and "entries" in data and "name" in data:
        raise LexiconError("this is already a framing lexicon, not a quanteda dictionary", path=path,
                           hint="copy it into your --lexicons folder instead of importing it")
    if not isinstance(data, dict):
        raise LexiconError("a quanteda YAML dictionary is a mapping of keys to lists of terms", path=path,
                           line=1, hint="write 'category:' then '  - term' lines")
    rows = []

    def add(terms, category, actor, line_map):
        if not isinstance(terms, list):
            raise LexiconError(f"key {category!r} must hold a list of terms", path=path,
                               hint="write '- term' lines under it")
        for j, term in enumerate(terms):
            try:
                line = line_map.item(j)[0] + 1
            except Exception:
                line = 0
            term = str(term).strip()
            match = "exact"
            if term.endswith("*"):
                term, match = term[:-1], "affix"
            if "*" in term or "?" in term:
                raise LexiconError(f"wildcard inside {term!r} is not supported", path=path, line=line,
                                   hint="only a trailing * can be imported")
            fields: dict[str, Any] = {"term": term}
            if actor and actor != NO_ACTOR:
                fields["actor"] = actor
            fields["category"] = category
            if match != "affix":
                fields["match"] = match
            rows.append((line, fields))

    for category, value in data.items():
        if isinstance(value, dict):
            for actor, terms in value.items():
                if isinstance(terms, dict):
                    raise LexiconError(f"dictionary nested deeper than category → actor at {category}/{actor}",
                                       path=path, line=_line_of_key(value, actor),
                                       hint="flatten it to two levels")
                add(terms, str(category), str(actor), getattr(terms, "lc", None))
        else:
            add(value, str(category), None, getattr(value, "lc", None))
    return rows, []


def _apply_batch(t: _Text, inserts: list[dict[str, Any]], replaces: list[tuple[_Item, dict[str, Any]]]) -> str:
    """Insert and rewrite many entries in one go, bottom-up so that positions stay valid."""
    edits: list[tuple[int, int, int, list[str]]] = []  # (position, priority, sequence, lines); delete via replace
    for seq, fields in enumerate(inserts):
        actor, category = fields.get("actor"), fields.get("category")
        same_actor = [it for it in t.items if actor and _raw_fields(it.raw).get("actor") == actor]
        same_cat = [it for it in t.items if _raw_fields(it.raw).get("category") == category]
        anchor = (same_actor or same_cat or t.items)[-1]
        style = anchor if (same_actor or same_cat) else t.items[-1]
        lines = _render_entry(fields, dash_col=style.dash_col, key_col=style.key_col, flow=style.flow,
                              newline=t.newline)
        edits.append((anchor.end, 1, seq, lines))
    lines = list(t.lines)
    if edits and not lines[-1].endswith("\n"):
        lines[-1] += t.newline
    replaced = {}
    for item, fields in replaces:
        replaced[item.start] = (item, fields)
    # bottom-up: later positions first; among inserts at one position, the last one first
    for pos, _, _, new in sorted(edits, key=lambda e: (e[0], e[2]), reverse=True):
        lines[pos:pos] = new
    for start in sorted(replaced, reverse=True):
        item, fields = replaced[start]
        new = _render_entry(fields, dash_col=item.dash_col, key_col=item.key_col, flow=item.flow,
                            newline=t.newline, order=list(_raw_fields(item.raw)),
                            trailing=_trailing_comment(item, t.lines))
        if not t.lines[item.end - 1].endswith("\n") and item.end == len(t.lines) and not edits:
            new[-1] = new[-1].rstrip("\r\n")
        lines[item.start:item.end] = new
    return "".join(lines)


def import_entries(source: str | Path, lexicon: str | Path, *, format: str | None = None,
                   lexicons: str | Path | None = None, update: bool = False, declare: bool = False,
                   description: str | None = None, backup: bool = True) -> ImportResult:
    """Import entries from CSV, LIWC ``.dic`` or quanteda YAML into a lexicon (created if needed).

    Entries already present with the same fields are left alone; entries whose term is
    present with other fields are refused (all listed) unless ``update=True``, which rewrites
    them. Categories and actors the lexicon does not declare are refused unless
    ``declare=True`` (a new lexicon declares them all). Every edit is surgical and the file
    is written once, atomically, after validation.

    >>> import_entries("codebook.csv", "egypt", lexicons="my-lexicons")  # doctest: +SKIP
    """
    src = Path(source)
    if not src.is_file():
        raise LexiconError("file to import not found", path=src, hint="check the path")
    fmt = _format_of(src, format)
    raw = src.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1256")
        except UnicodeDecodeError:
            raise LexiconError("not UTF-8 (nor Windows-1256)", path=src, hint="save it as UTF-8") from None
    notes: list[str] = []
    if fmt == "csv":
        rows = _rows_from_csv(src, text)
    elif fmt == "liwc":
        rows, notes = _rows_from_liwc(src, text)
        notes.append("LIWC has no stance or notes: imported entries have stance 0; set them with "
                     "'framing lexicon set'")
    else:
        rows, notes = _rows_from_quanteda(src, text)
        notes.append("quanteda dictionaries have no stance or notes: imported entries have stance 0")
    if not rows:
        raise LexiconError("no entries to import", path=src, hint="the file has a header but no rows")
    seen: dict[tuple[str, ...], int] = {}
    problems = []
    for line, f in rows:
        if not f.get("term") or not f.get("category"):
            problems.append(f"line {line}: needs a term and a category")
            continue
        key = normalize_term(f["term"])
        if key in seen:
            problems.append(f"line {line}: '{f['term']}' repeats line {seen[key]}")
        seen.setdefault(key, line)
    if problems:
        raise LexiconError(f"{len(problems)} bad row(s): " + "; ".join(problems[:10]), path=src,
                           hint="fix them and import again")
    created = False
    try:
        path = resolve_lexicon(lexicon, lexicons)
    except LexiconError:
        p = Path(lexicon)
        if p.suffix or len(p.parts) > 1:
            if p.suffix not in (".yaml", ".yml"):
                raise
            directory, name = p.parent, p.stem
        else:
            directory, name = (Path(lexicons) if lexicons is not None else user_lexicon_dir()), str(lexicon)
        path = new_lexicon(name, directory=directory,
                           description=description or f"Imported from {src.name}.")
        created = True
        declare = True
    try:
        return _import_into(path, rows, src=src, update=update, declare=declare, backup=backup and not created,
                            created=created, notes=notes)
    except BaseException:
        if created and path.exists():
            path.unlink()
        raise


@_edits_file("path")
def _import_into(path: Path, rows, *, src: Path, update: bool, declare: bool, backup: bool, created: bool,
                 notes: list[str]) -> ImportResult:
    text, bom = _read_text(path)
    t = _load_text(text, path)
    _check_editable(t)
    declared_now = []
    for section, key in (("categories", "category"), ("actors", "actor")):
        wanted = list(dict.fromkeys(f[key] for _, f in rows if f.get(key)))
        missing = [w for w in wanted if w not in (t.data.get(section) or {})]
        if missing and not declare:
            raise LexiconError(f"the {section} {missing} are not declared in {path.name}", path=path,
                               hint="declare them in the file, or import with --declare")
        for m in missing:
            t = _declare(t, section, m, f"(imported from {src.name}; describe it)")
            declared_now.append(f"{key} {m}")
    inserts, replaces, unchanged, conflicts = [], [], 0, []
    for line, fields in rows:
        stance = fields.get("stance")
        if stance is not None and not -1.0 <= stance <= 1.0:
            conflicts.append(f"line {line}: stance {stance} of '{fields['term']}' is outside [-1, 1]")
            continue
        item = _find_item(t, fields["term"])
        if item is None:
            inserts.append(fields)
            continue
        old = _raw_fields(item.raw)
        merged = {**old, **fields}
        if "stance" in old and "stance" in fields and float(old["stance"]) == float(fields["stance"]):
            merged["stance"] = old["stance"]
        if merged == old:
            unchanged += 1
        elif update:
            replaces.append((item, merged))
        else:
            conflicts.append(f"line {line}: '{fields['term']}' differs from the entry at {path.name}:"
                             f"{item.start + 1} ({_describe_entry(old)})")
    if conflicts:
        raise LexiconError(f"{len(conflicts)} row(s) conflict with the lexicon: " + "; ".join(conflicts[:10]),
                           path=src, hint="import with --update to overwrite those entries, or fix the rows")
    if not t.items and inserts:
        first = inserts.pop(0)
        new_text, _ = _insert_entry(t, first, actor=first.get("actor"), category=first["category"])
        t = _load_text(new_text, path)
        added_first = 1
    else:
        added_first = 0
    new_text = _apply_batch(t, inserts, replaces) if (inserts or replaces) else t.text
    expected = sorted(([_raw_fields(it.raw) for it in t.items if it.start not in {i.start for i, _ in replaces}]
                       + [f for _, f in replaces] + inserts), key=lambda f: normalize_term(str(f.get("term"))))
    new = _load_text(new_text, path)
    try:
        lexicon_from_data(new.data, path=path)
    except LexiconError as exc:
        raise LexiconError(f"import refused: {exc.message}", path=path, line=exc.line, hint=exc.hint) from None
    got = sorted((_raw_fields(r) for r in (new.data.get("entries") or [])),
                 key=lambda f: normalize_term(str(f.get("term"))))
    if got != expected:
        raise LexiconError("import refused: the file's layout is unusual and the edit could not be made safely",
                           path=path, hint="import into a new lexicon and merge by hand")
    kept = None
    if new_text != text or created:
        kept = _write(t, new_text, bom, backup)
    return ImportResult(path, created, len(inserts) + added_first, len(replaces), unchanged,
                        tuple(declared_now), kept, tuple(notes))
