"""``framing lexicon validate``: every problem of one or more lexicon files, with file:line.

The rules of a file's content are the one validator of :mod:`framing.lexicon.model`
(:func:`~framing.lexicon.model.check_lexicon_data`); this module adds what needs the file or
the folder: missing files, encodings, YAML syntax, and shadowed or overlapping entries.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framing.errors import LexiconError
from framing.lexicon.editing import (
    _TOP_KEYS,
    _describe_entry,
    _line_of_key,
    _parse_yaml,
    _read_text,
)
from framing.lexicon.model import (
    _TERM_PUNCT_OK,
    KINDS,
    _entry_from_mapping,
    lexicon_files,
)
from framing.normalize import normalize_ar, surface_forms

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


