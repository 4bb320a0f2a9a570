"""Reader for a folder of ``.txt`` files with an optional manifest (and a single ``.txt`` file).

Every entry of the folder is classified without opening it: a document, or a listed problem
(documentation and hidden files, sub-folders, other types, links leaving the folder or leading
nowhere, FIFOs and devices)."""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from framing.corpus.cleaning import _STRIP
from framing.corpus.decoding import decode_document, encoding_name
from framing.corpus.fields import _OPTION, UNKNOWN_OUTLET, FieldMap, _clean, _meta_value, _Raw
from framing.corpus.files import (
    _READ_ERRORS,
    _Budget,
    _file_type,
    _offsets,
    _os_message,
    _read_bounded,
    _strip_suffixes,
    _TooLarge,
)
from framing.corpus.limits import _LIMIT_OPTION, CorpusLimits, _json_loads
from framing.errors import CorpusError
from framing.records import Problem

MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")


# Files in a corpus folder that look like documentation: listed as ignored unless the manifest names them.
_DOC_FILES = re.compile(r"(?i)^(?:readme|license|licence|notice|changelog|changes|authors|copying)(?:\.[a-z]+)?$|\.md$")


@dataclass(frozen=True, slots=True)
class _Entry:
    """A text file of a folder corpus with its manifest row (if any)."""

    rel: str
    path: Path
    doc_id: str
    row: dict[str, Any] | None
    meta: tuple[tuple[str, str], ...] = ()


def _doc_stem(rel: str) -> str:
    stem, suffix = _strip_suffixes(rel)
    return stem if suffix == ".txt" else (stem + suffix if suffix else stem)


def _scan_folder(folder: Path, manifest: Path | None
                 ) -> tuple[dict[str, Path], dict[str, Problem], list[Problem]]:
    """Classify every entry of a corpus folder without opening any file.

    Returns the ``.txt`` files to read, the documentation-like and hidden files (listed as
    ``ignored`` unless the manifest names them) and a problem for every other entry:
    sub-folders, other file types, links that leave the folder or lead nowhere (loops
    included), FIFOs, sockets and devices.
    """
    root = folder.resolve()
    manifest_real = os.path.realpath(manifest) if manifest is not None else None
    texts: dict[str, Path] = {}
    pending: dict[str, Problem] = {}
    problems: list[Problem] = []

    def listed(child: Path, reason: str, detail: str) -> None:
        problems.append(Problem(str(child), reason, "skipped", None, None, detail))

    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        name = child.name
        try:
            is_link = stat.S_ISLNK(os.lstat(child).st_mode)
        except OSError as exc:  # vanished since the listing
            listed(child, "cannot read", _os_message(exc))
            continue
        if manifest_real is not None and os.path.realpath(child) == manifest_real:
            continue
        if name.startswith("."):
            pending[name] = Problem(str(child), "hidden file", "ignored", None, None,
                                    "names starting with '.' are not read; rename the file, or list it in the manifest")
            continue
        if is_link:
            try:
                target = Path(os.path.realpath(child, strict=True))
            except (OSError, RuntimeError) as exc:
                loop = isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP
                listed(child, "broken link", "a loop of symbolic links" if loop
                       else f"a symbolic link to nothing ({os.readlink(child)})")
                continue
            if not target.is_relative_to(root):
                listed(child, "link outside the folder",
                       "a symbolic link leaving the corpus folder: not read (copy the file into the folder)")
                continue
        try:
            mode = os.stat(child).st_mode
        except OSError as exc:
            listed(child, "cannot read", _os_message(exc))
            continue
        if stat.S_ISDIR(mode):
            listed(child, "sub-folder not read", "only the .txt files directly in the corpus folder are read")
        elif not stat.S_ISREG(mode):
            listed(child, "not a regular file", f"{_file_type(mode)}: never opened; only regular files are read")
        elif _DOC_FILES.search(name):
            pending[name] = Problem(str(child), "documentation file", "ignored", None, None,
                                    "its name looks like documentation (README, LICENSE, NOTICE, AUTHORS, "
                                    "CHANGELOG, .md): not read; list it in the manifest to analyse it")
        elif _strip_suffixes(name)[1] == ".txt":
            texts[name] = child
        elif name.lower() in MANIFEST_NAMES:  # not the manifest in use (that one was skipped above)
            problems.append(Problem(str(child), "unused manifest", "ignored", None, None,
                                    f"the manifest in use is {manifest}; this one is not read"))
        else:
            listed(child, "not a .txt file", "only .txt files (optionally .gz/.xz/.bz2) are read from a folder")
    return texts, pending, problems


def _read_manifest(path: Path, folder: Path, fields: FieldMap, limits: CorpusLimits
                   ) -> dict[str, tuple[dict[str, Any], tuple[tuple[str, str], ...], str | None]]:
    """``{relative file: (canonical row, meta, doc id)}``; every bad row is a :class:`CorpusError`."""
    records = list(_manifest_records(path, limits))
    columns: dict[str, None] = {}
    for _line, rec in records:
        columns.update(dict.fromkeys(rec))
    if not records:
        return {}
    names = list(columns)
    id_col = next((c for c in ("doc_id", fields.id) if c in columns), None)
    if "file" not in columns and id_col is None:
        raise CorpusError(f"the manifest has no 'file' (or 'doc_id') column (columns: {', '.join(names)})",
                          path=path, line=1, hint="name the column holding the file names 'file'")
    if fields.outlet not in columns:
        raise CorpusError(f"the manifest has no '{fields.outlet}' column (columns: {', '.join(names)})",
                          path=path, line=1, hint=f"add an '{fields.outlet}' column, or pass {_OPTION['outlet']}")
    roles = {getattr(fields, role): role for role in ("outlet", "date", "title", "url", "event", "language")}
    used = {"file", *([id_col] if id_col else []), *roles}
    root = folder.resolve()
    result: dict[str, tuple[dict[str, Any], tuple[tuple[str, str], ...], str | None]] = {}
    first_line: dict[str, int] = {}
    for line, rec in records:
        name = _clean(rec.get("file"))
        doc_id = _clean(rec.get(id_col)) if id_col else None
        if name is None:
            if doc_id is None:
                raise CorpusError("the row names no file", path=path, line=line,
                                  hint="fill in the 'file' column (a file name in the corpus folder)")
            name = _find_text_file(folder, doc_id)
            if name is None:
                raise CorpusError(f"no file {doc_id}.txt in {folder} for doc_id '{doc_id}'", path=path, line=line,
                                  hint="fix the doc_id or add a 'file' column")
        if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
            raise CorpusError(f"absolute path '{name}' in the manifest", path=path, line=line,
                              hint="give file names relative to the corpus folder, e.g. 'article1.txt'")
        if not Path(os.path.realpath(folder / name)).is_relative_to(root):
            raise CorpusError(f"'{name}' points outside the corpus folder", path=path, line=line,
                              hint="list only files inside the corpus folder")
        try:
            target = Path(os.path.realpath(folder / name, strict=True))
        except (OSError, RuntimeError):
            raise CorpusError(f"file '{name}' does not exist in {folder} (or is a broken link)", path=path,
                              line=line, hint="fix the file name or remove the row") from None
        try:
            mode = target.stat().st_mode
        except OSError as exc:
            raise CorpusError(f"cannot read '{name}': {_os_message(exc)}", path=path, line=line) from None
        if not stat.S_ISREG(mode):
            raise CorpusError(f"'{name}' is not a regular file ({_file_type(mode)})", path=path, line=line,
                              hint="list only text files")
        rel = target.relative_to(root).as_posix()
        if rel in first_line:
            raise CorpusError(f"'{name}' is listed twice (first on line {first_line[rel]})", path=path, line=line,
                              hint="keep one row per file")
        first_line[rel] = line
        row = {role: rec.get(col) for col, role in roles.items()}
        meta = tuple((k, _meta_value(v)) for k, v in rec.items() if k not in used and v is not None and v != "")
        result[rel] = (row, meta, doc_id)
    return result


def _find_text_file(folder: Path, doc_id: str) -> str | None:
    for suffix in (".txt", ".txt.gz", ".txt.xz", ".txt.bz2"):
        if (folder / (doc_id + suffix)).is_file():
            return doc_id + suffix
    return None


def _manifest_records(path: Path, limits: CorpusLimits) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = _read_bounded(path, limits.max_record_bytes, "record", None)
    except _TooLarge as exc:
        raise CorpusError(f"the manifest is too large: {exc}", path=path,
                          hint="raise the bound with --max-record-bytes") from None
    except _READ_ERRORS as exc:
        raise CorpusError(f"cannot read the manifest: {_os_message(exc)}", path=path) from None
    try:
        decoded = decode_document(data)
    except UnicodeError as exc:
        raise CorpusError(f"cannot decode the manifest: {exc}", path=path, hint="save it as UTF-8") from None
    text = decoded.text
    if decoded.bad_bytes:
        raise CorpusError(f"the manifest has undecodable bytes ({_offsets(decoded.bad_offsets, decoded.bad_bytes)})",
                          path=path, line=text.count("\n", 0, text.index("\ufffd")) + 1, hint="save it as UTF-8")
    _stem, suffix = _strip_suffixes(path.name)
    if suffix in (".jsonl", ".ndjson"):
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                obj = _json_loads(line, limits.max_json_depth)
            except ValueError as exc:
                raise CorpusError(f"invalid JSON in the manifest: {exc}", path=path, line=number) from None
            if not isinstance(obj, dict):
                raise CorpusError("a manifest line must be a JSON object", path=path, line=number)
            yield number, obj
        return
    if suffix not in (".csv", ".tsv"):
        raise CorpusError(f"unsupported manifest type '{suffix}'", path=path, hint="use manifest.csv or manifest.jsonl")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if suffix == ".tsv" or first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CorpusError(f"malformed manifest row: {exc}", path=path, line=last + 1) from None
        start, last = last + 1, reader.line_num
        if header is None:
            header = [h.strip(_STRIP) for h in row]
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            raise CorpusError(f"manifest row has {len(row)} fields where the header has {len(header)}",
                              path=path, line=start, hint="quote values that contain the delimiter")
        yield start, dict(zip(header, row, strict=True))


# --------------------------------------------------------------------------- the reader


_PARTITION_FILES = 500  # files per partition at most ...
_PARTITION_BYTES = 32 << 20  # ... and about this many bytes on disk


@dataclass(frozen=True, slots=True)
class TextFilesReader:
    """The text files of a folder (or one ``.txt`` file), each read whole through the guard."""

    entries: tuple[_Entry, ...]
    root: Path | None  # the corpus folder (resolved) every file must stay inside
    manifest: Path | None = None
    kind: str = "folder"

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(e.path for e in self.entries)

    def fingerprint_items(self) -> list[tuple[str, Path]]:
        if self.kind == "folder":
            items = [(e.rel, e.path) for e in self.entries]
        else:
            items = [("", e.path) for e in self.entries]
        if self.manifest is not None:
            items.append(("\0manifest", self.manifest))
        return items

    def split(self) -> list[TextFilesReader]:
        """Consecutive groups of files (at most 500 files, about 32 MiB each)."""
        groups: list[list[_Entry]] = [[]]
        size = 0
        for entry in self.entries:
            try:
                n = entry.path.stat().st_size
            except OSError:
                n = 0
            if groups[-1] and (len(groups[-1]) >= _PARTITION_FILES or size + n > _PARTITION_BYTES):
                groups.append([])
                size = 0
            groups[-1].append(entry)
            size += n
        return [replace(self, entries=tuple(g)) for g in groups if g]

    def refusal(self, path: Path) -> tuple[str, str] | None:
        """Why a file must not be read now (checked again at read time: a file can be
        replaced by a link after the scan)."""
        if self.root is None:
            return None
        try:
            target = Path(os.path.realpath(path, strict=True))
        except (OSError, RuntimeError) as exc:
            return "broken link", f"cannot be resolved: {exc.strerror if isinstance(exc, OSError) else exc}"
        if not target.is_relative_to(self.root):
            return "link outside the folder", "a symbolic link leaving the corpus folder: not read (copy the file in)"
        return None

    def iter_raw(self, limits: CorpusLimits, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        limit, scope = ((limits.max_record_bytes, "record") if limits.max_record_bytes <= limits.max_file_bytes
                        else (limits.max_file_bytes, "file"))
        for entry in self.entries:
            source = str(entry.path)
            refusal = self.refusal(entry.path)
            if refusal is not None:
                sink(Problem(source, refusal[0], "skipped", entry.doc_id, None, refusal[1]))
                continue
            try:
                data = _read_bounded(entry.path, limit, scope, budget)
            except _TooLarge as exc:
                if exc.scope == "corpus":
                    raise
                sink(Problem(source, "too large", "skipped", entry.doc_id, None,
                             f"{exc}: not read; raise the bound with {_LIMIT_OPTION[exc.option]}"))
                continue
            except _READ_ERRORS as exc:
                sink(Problem(source, "cannot read", "skipped", entry.doc_id, None, _os_message(exc)))
                continue
            try:
                decoded = decode_document(data)
            except UnicodeError as exc:
                sink(Problem(source, "cannot decode", "skipped", entry.doc_id, None, str(exc)))
                continue
            del data
            if decoded.bad_bytes:
                sink(Problem(source, "undecodable bytes", "altered", entry.doc_id, None,
                             f"{decoded.bad_bytes} invalid UTF-8 byte(s) replaced by U+FFFD at "
                             f"{_offsets(decoded.bad_offsets, decoded.bad_bytes)} of the (decompressed) file"))
            if decoded.guessed:
                sink(Problem(source, "guessed encoding", "altered", entry.doc_id, None,
                             f"no BOM and not UTF-8: decoded as {encoding_name(decoded.encoding)}, which reads "
                             "the whole file as Arabic; check the text, or save the file as UTF-8"))
            row = entry.row or {}
            yield _Raw(source, None, entry.doc_id, decoded.text, outlet=row.get("outlet"), date=row.get("date"),
                       title=row.get("title"), url=row.get("url"), event=row.get("event"),
                       language=row.get("language"), meta=list(entry.meta),
                       not_in_manifest=self.manifest is not None and entry.row is None,
                       missing_outlet="manifest" if self.manifest is not None and entry.row is not None else "")


def open_text_file(path: Path) -> tuple[TextFilesReader, list[Problem]]:
    """A single ``.txt`` file as a one-document corpus."""
    stem, _suffix = _strip_suffixes(path.name)
    problem = Problem(str(path), "no manifest", "altered", None, None,
                      f"a single text file has no metadata: outlet '{UNKNOWN_OUTLET}'")
    return TextFilesReader((_Entry(path.name, path, stem, None),), None, None, "txt"), [problem]


def open_folder(folder: Path, manifest: str | Path | None, fields: FieldMap, limits: CorpusLimits
                ) -> tuple[TextFilesReader, list[Problem]]:
    """The reader of a folder corpus and the problems found while listing it."""
    manifest_path: Path | None
    if manifest is not None:
        manifest_path = Path(manifest)
        if not manifest_path.is_file():
            raise CorpusError("manifest not found", path=manifest_path,
                              hint="give an existing manifest.csv or manifest.jsonl")
    else:
        found = [folder / name for name in MANIFEST_NAMES if (folder / name).is_file()]
        if len(found) > 1:
            raise CorpusError(f"two manifests: {found[0].name} and {found[1].name}", path=folder,
                              hint="keep one of them, or choose with --manifest")
        manifest_path = found[0] if found else None

    texts, pending, problems = _scan_folder(folder, manifest_path)
    rows: dict[str, tuple[dict[str, Any], tuple[tuple[str, str], ...], str | None]] = {}
    if manifest_path is not None:
        rows = _read_manifest(manifest_path, folder, fields, limits)
    # documentation-like and hidden files are documents only when the manifest lists them
    problems.extend(p for name, p in pending.items() if name not in rows)
    problems.sort(key=lambda p: Path(p.source).name)
    if not texts and not rows:
        others = sorted(p.source for p in problems)[:5]
        hint = "put the articles in .txt files (one per article)"
        if any(_strip_suffixes(Path(o).name)[1] in (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet")
               for o in others):
            hint = "to read a .csv/.jsonl/.json/.parquet file of records, give the file itself, not its folder"
        raise CorpusError("no .txt files in the folder" + (f" (found: {', '.join(Path(o).name for o in others)})"
                                                           if others else ""), path=folder, hint=hint)

    entries = []
    for rel in sorted(set(texts) | set(rows)):
        row, meta, doc_id = rows.get(rel, (None, (), None))
        file_path = texts.get(rel) or folder / rel
        entries.append(_Entry(rel, file_path, doc_id or _doc_stem(rel), row, meta))
    if manifest_path is None:
        problems.insert(0, Problem(str(folder), "no manifest", "altered", None, None,
                                   f"every document gets outlet '{UNKNOWN_OUTLET}'; add manifest.csv "
                                   "with columns file,outlet (and date,title,url,event)"))
    return TextFilesReader(tuple(entries), folder.resolve(), manifest_path, "folder"), problems
