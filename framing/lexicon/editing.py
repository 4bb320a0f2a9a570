"""Editing lexicon files by hand-safe, surgical text edits: resolve, lock, add, remove, set, new.

Edits are *surgical*: only the lines of the edited entry (and a declared category/actor
line) change; every other byte of the file — comments, order, blank lines, quoting —
stays as the researcher wrote it. The new text is re-parsed and validated before it is
written; a write is atomic (temporary file in the same folder, ``fsync``, ``os.replace``)
and keeps the previous version as ``.<file name>.bak`` beside the real file. Every edit
holds :func:`edit_lock` (concurrent edits all land) and follows symlinks to the file.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import itertools
import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from framing.errors import LexiconError
from framing.lexicon.model import (
    KINDS,
    MATCH_MODES,
    _term_ok,
    default_lexicon_dir,
    lexicon_files,
    lexicon_from_data,
    load_lexicon,
    term_words,
)
from framing.lexicon.yamlio import read_yaml
from framing.normalize import surface_forms

#: entry fields in the order they are written
ENTRY_FIELDS = ("term", "actor", "category", "stance", "note", "match", "inflect", "canonical", "id")
#: the columns of the CSV exchange format
CSV_COLUMNS = ("term", "actor", "category", "stance", "note")
EXPORT_FORMATS = ("csv", "liwc", "quanteda")
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
    """The ``name:`` of a lexicon file from its first lines (``None`` for anything but a file)."""
    if not path.is_file():  # a FIFO would never end
        return None
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        head = list(itertools.islice(fh, 50))
    for line in head:
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
    """A lexicon file's text split into lines (endings kept), parsed with the one YAML reader."""

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


def _language(t: _Text) -> str:
    """The lexicon's ``language:`` (``ar`` when not given): how its terms are normalized."""
    data = t.data if isinstance(t.data, dict) else {}
    return str(data.get("language") or "ar")


def _find_item(t: _Text, term: str) -> _Item | None:
    language = _language(t)
    key = term_words(term, language)
    for it in t.items:
        f = _raw_fields(it.raw)
        if isinstance(f.get("term"), str) and term_words(f["term"], language) == key:
            return it
    return None


def _not_found(t: _Text, term: str) -> LexiconError:
    language = _language(t)
    terms = [str(_raw_fields(it.raw).get("term", "")) for it in t.items]
    norm = {" ".join(term_words(x, language)): x for x in terms}
    close = difflib.get_close_matches(" ".join(term_words(term, language)), list(norm), n=3, cutoff=0.6)
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
                           hint="use --match affix (default), --match exact or --match name")
    term = fields.get("term", "")
    if not term_words(term, _language(t)) or not _term_ok(term, _language(t)):
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
    language = _language(t)
    words = term_words(fields["term"], language)
    for it in t.items:
        f = _raw_fields(it.raw)
        other = f.get("term")
        if not isinstance(other, str):
            continue
        ow = term_words(other, language)
        if ow == words:
            continue
        if len(ow) > len(words) and _contains(ow, words, f.get("match", "affix"), language):
            out.append(f"'{fields['term']}' is inside the longer entry '{other}' (line {it.start + 1}): "
                       "where that occurs, the longer entry counts")
        elif len(words) > len(ow) and _contains(words, ow, f.get("match", "affix"), language):
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


def _contains(longer: Sequence[str], shorter: Sequence[str], match: str = "affix", language: str = "ar") -> bool:
    """Would a term of words ``shorter`` match inside the term of words ``longer`` (in a lexicon
    of ``language``: English words take the English forms)?"""
    if language == "en":
        from framing.english import word_forms

        forms = list(word_forms(tuple(shorter), match))
    else:
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
    return Path(__file__).resolve().parent.parent / "data" / "lexicon-template.yaml"


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


