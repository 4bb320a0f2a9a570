"""``framing lexicon validate``: every problem of one or more lexicon files, with file:line.

The rules of a file's content are the one validator of :mod:`framing.lexicon.model`
(:func:`~framing.lexicon.model.check_lexicon_data`); this module adds what needs the file or
the folder: missing files, encodings, YAML syntax, and shadowed or overlapping entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framing.errors import LexiconError
from framing.lexicon.editing import (
    _describe_entry,
    _parse_yaml,
    _read_text,
)
from framing.lexicon.model import (
    Collision,
    Issue,
    _conflict_error,
    _issue,
    _line_of,
    category_kinds,
    check_lexicon_data,
    collisions,
    lexicon_files,
)
from framing.normalize import surface_forms

# =============================================================================================
# validation: every problem, with file:line
# =============================================================================================


@dataclass
class _Checked:
    path: Path
    name: str | None
    kind: str
    entries: list[tuple[int, Any]]  # (line, Entry)
    lexicon: Any = None


def _validate_file(path: Path) -> tuple[list[Issue], _Checked | None]:
    issues: list[Issue] = []
    if not path.exists():
        return [_issue(path, 0, "error", "missing-file", "lexicon file not found",
                       "check the path or --lexicons DIR")], None
    try:
        text, _ = _read_text(path)
    except LexiconError as exc:
        code = ("size" if "entries a lexicon may have" in exc.message
                else "not-a-file" if exc.message == "not a regular file" else "encoding")
        return [_issue(path, 0, "error", code, exc.message, exc.hint or "")], None
    try:
        data = _parse_yaml(text, path)
    except LexiconError as exc:
        return [_issue(path, exc.line, "error", "yaml", exc.message, exc.hint or "")], None
    found, lex = check_lexicon_data(data, path=path)
    issues.extend(found)
    if lex is None:
        return issues, None
    name = lex.name or None
    kind = lex.kind
    checked = _Checked(path, name, kind, [(e.line, e) for e in lex.entries])
    checked.lexicon = lex
    issues.extend(_shadow_issues(checked))
    issues.extend(_collision_issues(collisions([lex])))
    return issues, checked


def _collision_issues(found: list[Collision]) -> list[Issue]:
    """Which entry counts where, for entries that match the same words (conflicts are errors
    of the model's validator, or of :func:`validate` across files)."""
    out = []
    for c in found:
        a, b = c.first, c.second
        one_file = c.first_lexicon is c.second_lexicon
        where_a = f"line {a.line}" if one_file else c.where("first")
        path = c.second_lexicon.path or c.second_lexicon.name
        if c.kind == "conflict":
            if not one_file:
                err = _conflict_error(c)
                out.append(_issue(path, b.line, "error", "collision", err.message, err.hint or ""))
            continue
        if c.kind == "same-term":
            out.append(_issue(path, b.line, "warning", "cross-duplicate",
                              f"'{b.term}' is also in lexicon {c.first_lexicon.name} ({where_a}, "
                              f"{_describe_entry({'actor': a.actor, 'category': a.category, 'stance': a.stance})}): "
                              f"{c.first_lexicon.name} comes first and wins, this entry never counts",
                              "fine if you layer lexicons on purpose (the order of --lexicons decides); "
                              "else remove one"))
            continue
        out.append(_issue(path, b.line, "warning", "overlap",
                          f"'{b.term}' and '{a.term}' ({where_a}) match the same words (e.g. «{c.shared[0]}»): "
                          f"text written «{' '.join(a.words)}» counts under {where_a}, «{' '.join(b.words)}» "
                          f"under this entry, other shared forms under the closer spelling, ties under "
                          f"{where_a} (first)",
                          "fine if both spellings are wanted; else remove one, or give one match: exact"))
    return out


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
                if n < len(words):  # same length: a collision, reported by _collision_issues
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
    framing = [c.lexicon for c in checked if c.lexicon is not None and c.kind == "framing"]
    if len(framing) > 1:
        issues.extend(_collision_issues(collisions(framing, across_only=True)))
        try:  # a category declared with two kinds (loaded / topic / label) across the lexicons
            category_kinds(framing)
        except LexiconError as exc:
            issues.append(_issue(exc.path, exc.line, "error", "category-kind", exc.message, exc.hint or ""))
    issues.extend(_one_language_actors(framing))
    for c in checked:
        if c.name:
            if c.name in names:
                issues.append(_issue(c.path, 1, "error", "name-clash", f"two lexicons are named {c.name!r} "
                                     f"(also {names[c.name]})", "give each lexicon a unique 'name'"))
            names.setdefault(c.name, c.path)
        if c.kind == "framing":  # reported above, with which one wins
            continue
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


def _one_language_actors(framing: list) -> list[Issue]:
    """Where the framing lexicons are in several languages (``syria.yaml`` and ``syria-en.yaml``),
    an actor that the lexicons of one language have and those of another lack: its stance
    columns would compare one language's outlets only."""
    by_language: dict[str, dict[str, Any]] = {}  # language → actor → the first lexicon declaring it
    for lex in framing:
        actors = by_language.setdefault(lex.language, {})
        for actor in [*lex.actors, *(e.actor for e in lex.entries if e.actor)]:
            actors.setdefault(actor, lex)
    if len(by_language) < 2:
        return []
    out = []
    for language, actors in sorted(by_language.items()):
        others = [lang for lang in sorted(by_language) if lang != language and by_language[lang]]
        for actor, lex in sorted(actors.items()):
            missing = [lang for lang in others if actor not in by_language[lang]]
            if not missing:
                continue
            out.append(_issue(lex.path or lex.name, _actor_line(lex, actor), "warning", "one-language",
                              f"actor {actor!r} exists in the {language!r} lexicons only (none of language "
                              f"{', '.join(map(repr, missing))} has it): its stance:{actor} compares "
                              f"{language!r} documents only",
                              f"add {actor!r} and its labels to a lexicon of language {missing[0]!r}, or use an "
                              "actor id both languages share"))
    return out


def _actor_line(lex, actor: str) -> int:
    """The line declaring ``actor`` in the lexicon's file (else its first entry naming it; 0 if unknown)."""
    if lex.path is not None:
        try:
            text, _ = _read_text(Path(lex.path))
            data = _parse_yaml(text, Path(lex.path))
            line = _line_of(data.get("actors") or {}, actor)
            if line:
                return line
        except LexiconError:
            pass
    return next((e.line for e in lex.entries if e.actor == actor), 0)


