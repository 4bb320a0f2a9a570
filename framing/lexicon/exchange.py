"""Exchange formats: a lexicon as CSV, LIWC ``.dic`` or quanteda YAML, and back.

:func:`export_lexicon` writes one; :func:`import_entries` reads one into a lexicon file
through the comment-keeping edits of :mod:`framing.lexicon.editing`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framing.errors import ConfigError, LexiconError
from framing.lexicon.editing import (
    CSV_COLUMNS,
    ENTRY_FIELDS,
    EXPORT_FORMATS,
    _atomic_write,
    _check_editable,
    _declare,
    _describe_entry,
    _edits_file,
    _find_item,
    _insert_entry,
    _Item,
    _language,
    _line_of_key,
    _load_text,
    _parse_yaml,
    _raw_fields,
    _read_text,
    _render_entry,
    _Text,
    _trailing_comment,
    _write,
    _yaml_scalar,
    new_lexicon,
    resolve_lexicon,
    user_lexicon_dir,
)
from framing.lexicon.model import (
    CATEGORY_KINDS,
    default_category_kind,
    lexicon_from_data,
    load_lexicon,
    term_words,
)

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
      Arabic correctly), and ``category_kind`` when the lexicon declares category kinds
      (``loaded``/``topic``/``label``, docs/lexicon-format.md). Lossless.
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
        if any(e.inflect for e in lex.entries):  # English: inflect: verb
            cols.append("inflect")
        if any(e.canonical for e in lex.entries):
            cols.append("canonical")
        if lex.category_kinds:  # topic markers stay topic markers through a round trip
            cols.append("category_kind")
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for e in lex.entries:
            rec = {"term": e.term, "actor": e.actor or "", "category": e.category,
                   "stance": _stance_text(e.stance), "note": e.note, "match": e.match, "inflect": e.inflect,
                   "canonical": e.canonical, "category_kind": lex.kind_of(e.category)}
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
    allowed = {*CSV_COLUMNS, "match", "inflect", "canonical", "id", "category_kind"}
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
        kind = rec.get("category_kind", "")
        if kind and kind not in CATEGORY_KINDS:
            problems.append(f"line {line}: category_kind {kind!r} is not one of {', '.join(CATEGORY_KINDS)}")
        elif kind:
            fields["category_kind"] = kind
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


def _declared_kind(value: Any, category: str) -> str:
    """The kind of a category as declared in a lexicon file's ``categories:`` mapping."""
    if isinstance(value, dict) and value.get("kind"):
        return str(value["kind"])
    return default_category_kind(category)


def _with_category_kind(t: _Text, category: str, kind: str) -> _Text:
    """``t`` with the one-line declaration ``category: description`` rewritten as a block
    mapping ``{description, kind}``."""
    mapping = t.data.get("categories")
    at = _line_of_key(mapping, category)
    line = t.lines[at]
    indent = line[:len(line) - len(line.lstrip())]
    value = line.strip()[len(category) + 1:].strip()
    new = [f"{indent}{category}:{t.newline}", f"{indent}  description: {value}{t.newline}",
           f"{indent}  kind: {kind}{t.newline}"]
    lines = list(t.lines)
    lines[at:at + 1] = new
    return _load_text("".join(lines), t.path)


def import_entries(source: str | Path, lexicon: str | Path, *, format: str | None = None,
                   lexicons: str | Path | None = None, update: bool = False, declare: bool = False,
                   description: str | None = None, backup: bool = True,
                   language: str | None = None) -> ImportResult:
    """Import entries from CSV, LIWC ``.dic`` or quanteda YAML into a lexicon (created if needed).

    Entries already present with the same fields are left alone; entries whose term is
    present with other fields are refused (all listed) unless ``update=True``, which rewrites
    them. Categories and actors the lexicon does not declare are refused unless
    ``declare=True`` (a new lexicon declares them all). Every edit is surgical and the file
    is written once, atomically, after validation.

    Terms are read by the rules of the target lexicon's ``language:`` (an English lexicon's
    terms are case-folded and its entries match with the English inflection); ``language``
    names the language of a lexicon the import creates (default ``ar``) and, for an existing
    one, must be its language.

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
    try:
        existing: Path | None = resolve_lexicon(lexicon, lexicons)
    except LexiconError:
        existing = None
    if existing is not None:
        have = _language(_load_text(_read_text(existing)[0], existing))
        if language is not None and language != have:
            raise LexiconError(f"--language {language} but lexicon {existing.stem} is language: {have}",
                               path=existing, hint=f"leave --language out, or import into a lexicon of language {language}")
        language = have
    language = language or "ar"
    notes: list[str] = []
    if fmt == "csv":
        rows = _rows_from_csv(src, text)
    elif fmt == "liwc":
        rows, notes = _rows_from_liwc(src, text)
        if language == "en" and any(f.get("match", "affix") == "affix" for _, f in rows):
            notes.append("English entries have no prefix match: a LIWC 'word*' is imported as 'word', "
                         "matching its plural and possessive ('inflect: verb' adds the verb forms)")
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
        key = term_words(f["term"], language)
        if key in seen:
            problems.append(f"line {line}: '{f['term']}' repeats line {seen[key]}")
        seen.setdefault(key, line)
    kinds: dict[str, str] = {}
    for line, f in rows:
        kind = f.pop("category_kind", None)
        if kind and kinds.setdefault(f.get("category", ""), kind) != kind:
            problems.append(f"line {line}: category {f.get('category')!r} is {kind!r} here but "
                            f"{kinds[f['category']]!r} on an earlier row")
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
        path = new_lexicon(name, directory=directory, language=language,
                           description=description or f"Imported from {src.name}.")
        created = True
        declare = True
    try:
        return _import_into(path, rows, src=src, update=update, declare=declare, backup=backup and not created,
                            created=created, notes=notes, kinds=kinds)
    except BaseException:
        if created and path.exists():
            path.unlink()
        raise


@_edits_file("path")
def _import_into(path: Path, rows, *, src: Path, update: bool, declare: bool, backup: bool, created: bool,
                 notes: list[str], kinds: dict[str, str] | None = None) -> ImportResult:
    text, bom = _read_text(path)
    t = _load_text(text, path)
    _check_editable(t)
    language = _language(t)

    def order(f: dict[str, Any]) -> tuple:
        return term_words(str(f.get("term")), language), str(f.get("term"))

    declared_now = []
    for section, key in (("categories", "category"), ("actors", "actor")):
        wanted = list(dict.fromkeys(f[key] for _, f in rows if f.get(key)))
        missing = [w for w in wanted if w not in (t.data.get(section) or {})]
        if missing and not declare:
            raise LexiconError(f"the {section} {missing} are not declared in {path.name}", path=path,
                               hint="declare them in the file, or import with --declare")
        for m in missing:
            t = _declare(t, section, m, f"(imported from {src.name}; describe it)")
            if section == "categories" and (kinds or {}).get(m, default_category_kind(m)) != default_category_kind(m):
                t = _with_category_kind(t, m, kinds[m])
            declared_now.append(f"{key} {m}")
    declared_cats = t.data.get("categories") or {}
    differ = [f"{c} is {k!r} in {src.name} but {_declared_kind(declared_cats.get(c), c)!r} in {path.name}"
              for c, k in sorted((kinds or {}).items()) if c in declared_cats and _declared_kind(declared_cats[c], c) != k]
    if differ:
        raise LexiconError("category kinds differ: " + "; ".join(differ), path=path,
                           hint="give the category the same kind in both (kind: loaded | topic | label)")
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
        if language == "en":  # English terms are case-folded: "Regime Forces" is the entry "regime forces"
            merged["term"] = old.get("term", merged["term"])
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
                       + [f for _, f in replaces] + inserts), key=order)
    new = _load_text(new_text, path)
    try:
        lexicon_from_data(new.data, path=path)
    except LexiconError as exc:
        raise LexiconError(f"import refused: {exc.message}", path=path, line=exc.line, hint=exc.hint) from None
    got = sorted((_raw_fields(r) for r in (new.data.get("entries") or [])), key=order)
    if got != expected:
        raise LexiconError("import refused: the file's layout is unusual and the edit could not be made safely",
                           path=path, hint="import into a new lexicon and merge by hand")
    kept = None
    if new_text != text or created:
        kept = _write(t, new_text, bom, backup)
    return ImportResult(path, created, len(inserts) + added_first, len(replaces), unchanged,
                        tuple(declared_now), kept, tuple(notes))
