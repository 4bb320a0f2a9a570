"""Reader for one record file: CSV/TSV, JSON Lines or JSON (optionally compressed)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from framing.corpus.cleaning import _STRIP
from framing.corpus.decoding import _stream_encoding, encoding_name
from framing.corpus.fields import (
    _OPTION,
    UNKNOWN_OUTLET,
    FieldMap,
    _clean,
    _discard,
    _join,
    _meta_value,
    _Raw,
)
from framing.corpus.files import (
    _READ_ERRORS,
    _Budget,
    _compression,
    _open_binary,
    _open_regular,
    _os_message,
    _strip_suffixes,
    _TooLarge,
    line_ranges,
)
from framing.corpus.limits import _LIMIT_OPTION, CorpusLimits, _json_loads, _TooDeep
from framing.errors import CorpusError
from framing.records import Problem

RECORD_FORMATS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}


_HEAD_BYTES = 1 << 20  # bytes sampled to detect the encoding of a record file


_SAMPLE_RECORDS = 1000  # records sampled to check the field names of a JSON(L) file
_RANGE_BYTES = 32 << 20  # partitions of one big uncompressed JSON Lines file


def _set_csv_limit(limit: int) -> None:
    # a single CSV field may hold a whole (multi-megabyte) article, up to max_record_bytes
    if csv.field_size_limit() != limit:
        csv.field_size_limit(min(limit, sys.maxsize))


# stands for a line over max_record_bytes in the lines given to the CSV reader (already listed)
_TOO_LONG = "\ufdd0\n"


def _json_array_lines(content: str, data: list[Any]) -> Iterator[tuple[int | None, Any]]:
    """Pair each element of a top-level JSON array with the line it starts on."""
    decoder = json.JSONDecoder()
    pos = content.index("[") + 1
    line = content.count("\n", 0, pos) + 1
    ws = re.compile(r"[\s,]*")
    for obj in data:
        m = ws.match(content, pos)
        line += content.count("\n", pos, m.end())
        pos = m.end()
        try:
            _value, end = decoder.raw_decode(content, pos)
        except ValueError:  # pragma: no cover - the content already parsed as a whole
            yield None, obj
            continue
        yield line, obj
        line += content.count("\n", pos, end)
        pos = end


@dataclass(frozen=True, slots=True)
class RecordFileReader:
    """One CSV/TSV, JSON Lines or JSON file of records, streamed (a ``.json`` file is read whole)."""

    path: Path
    kind: str  # "csv" | "jsonl" | "json"
    fields: FieldMap
    id_field: str
    missing: frozenset[str] = frozenset()  # roles whose field no record has (reported once)
    encoding: str = "utf-8"
    delimiter: str = ","
    byte_range: tuple[int, int | None] | None = None  # a part of an uncompressed JSONL file ...
    first_line: int = 1  # ... and the number of its first line

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.path,)

    def fingerprint_items(self) -> list[tuple[str, Path]]:
        return [("", self.path)]

    def split(self) -> list[RecordFileReader]:
        """One partition, or for a big uncompressed JSON Lines file in an 8-bit-safe encoding,
        ranges of about 32 MiB cut after a newline (line numbers kept)."""
        if self.kind != "jsonl" or self.byte_range is not None or self.encoding.lower().startswith(("utf-16", "utf-32",
                                                                                                   "utf_16", "utf_32")):
            return [self]
        try:
            size = self.path.stat().st_size
            with _open_regular(self.path) as fh:
                compressed = _compression(fh.read(10)) is not None
        except OSError:
            return [self]
        if compressed or size <= 2 * _RANGE_BYTES:
            return [self]
        return [replace(self, byte_range=(start, stop), first_line=line)
                for start, stop, line in line_ranges(self.path, _RANGE_BYTES)]

    def refusal(self, path: Path) -> tuple[str, str] | None:
        return None

    # -- reading -------------------------------------------------------------------
    def open_text(self, limits: CorpusLimits, budget: _Budget | None = None, *, whole: bool = False) -> IO[str]:
        """The file as text (decompressed, decoded; undecodable bytes become surrogates), at
        most ``max_file_bytes`` (``max_record_bytes`` when it is read ``whole``)."""
        limit, scope = limits.max_file_bytes, "file"
        if whole and limits.max_record_bytes < limit:
            limit, scope = limits.max_record_bytes, "record"
        try:
            binary = _open_binary(self.path, limit=limit, scope=scope, budget=budget, byte_range=self.byte_range)
        except _READ_ERRORS as exc:
            raise CorpusError(f"cannot read: {_os_message(exc)}", path=self.path) from None
        newline = "" if self.kind == "csv" else "\n"
        encoding = self.encoding
        if self.byte_range is not None and self.byte_range[0] > 0 and encoding == "utf-8-sig":
            encoding = "utf-8"
        return io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline=newline)

    def lines(self, fh: IO[str], limits: CorpusLimits, sink: Callable[[Problem], Any], *,
              too_long: str | None = None) -> Iterator[tuple[int, str]]:
        """Numbered lines of at most ``max_record_bytes`` characters: a longer line is listed
        (``too large``) and skipped (or replaced by ``too_long``); reading stops at
        ``max_file_bytes``; a corrupt or truncated compressed stream is a :class:`CorpusError`."""
        limit = limits.max_record_bytes
        source = str(self.path)
        number = self.first_line - 1
        at = self.first_line  # the line being read
        try:
            while True:
                at = number + 1
                line = fh.readline(limit + 1)
                if not line:
                    return
                number += 1
                at = number
                if len(line) > limit and not line.endswith("\n"):
                    while line and not line.endswith("\n"):
                        line = fh.readline(1 << 20)
                    sink(Problem(source, "too large", "skipped", None, number,
                                 f"a line of more than {limit:,} characters (max_record_bytes={limit}): "
                                 "not read; raise the bound with --max-record-bytes"))
                    if too_long is not None:
                        yield number, too_long
                    continue
                yield number, line
        except _TooLarge as exc:
            if exc.scope == "corpus":
                raise
            sink(Problem(source, "too large", "skipped", None, at,
                         f"{exc}: reading stopped in line {at}, the rest of the file was not read; "
                         f"raise the bound with {_LIMIT_OPTION[exc.option]}"))
        except _READ_ERRORS as exc:
            raise CorpusError(f"cannot read past line {number}: {_os_message(exc)}", path=self.path, line=number + 1,
                              hint="the file is truncated or corrupt; re-download or re-compress it") from None

    def iter_raw(self, limits: CorpusLimits, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        if self.kind == "jsonl":
            yield from self._iter_jsonl(limits, sink, budget)
        elif self.kind == "csv":
            yield from self._iter_csv(limits, sink, budget)
        else:
            yield from self._iter_json(limits, sink, budget)

    def _iter_jsonl(self, limits: CorpusLimits, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        with self.open_text(limits, budget) as fh:
            yield from self.jsonl_records(self.lines(fh, limits, sink), limits, sink)

    def jsonl_records(self, numbered: Iterable[tuple[int, str]], limits: CorpusLimits,
                      sink: Callable[[Problem], Any]) -> Iterator[_Raw]:
        """The records of numbered JSON Lines (what :meth:`lines` gives): a line that is not a
        JSON object is listed (``malformed row``) and skipped. A worker of the map runs this on
        lines the main process read (:mod:`framing.corpus.chunks`)."""
        source = str(self.path)
        depth = limits.max_json_depth
        for number, line in numbered:
            if line.isspace():
                continue
            try:
                obj = _json_loads(line, depth)
            except _TooDeep as exc:
                sink(Problem(source, "malformed row", "skipped", None, number, str(exc)))
                continue
            except ValueError as exc:
                sink(Problem(source, "malformed row", "skipped", None, number, f"invalid JSON: {exc}"))
                continue
            if not isinstance(obj, dict):
                sink(Problem(source, "malformed row", "skipped", None, number,
                             f"a JSON {type(obj).__name__}, not an object"))
                continue
            yield self.from_record(obj, source, number, number, "")

    def _iter_json(self, limits: CorpusLimits, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        source = str(self.path)
        for number, (line, obj) in enumerate(self.json_records(limits, budget), 1):
            where = "" if line else f"record {number}"
            if not isinstance(obj, dict):
                sink(Problem(source, "malformed row", "skipped", None, line,
                             _join(where, f"a JSON {type(obj).__name__}, not an object")))
                continue
            yield self.from_record(obj, source, line, number, where)

    def json_records(self, limits: CorpusLimits, budget: _Budget | None = None) -> list[tuple[int | None, Any]]:
        """``(line, record)`` pairs of a .json file (lines known for a top-level list)."""
        with self.open_text(limits, budget, whole=True) as fh:
            try:
                content = fh.read()
            except _TooLarge as exc:
                if exc.scope == "corpus":
                    raise
                raise CorpusError(f"the .json file is larger than the bound: {exc}", path=self.path,
                                  hint=f"use JSON Lines (one object per line), or raise {_LIMIT_OPTION[exc.option]}"
                                  ) from None
            except _READ_ERRORS as exc:
                raise CorpusError(f"cannot read: {_os_message(exc)}", path=self.path) from None
        try:
            data = _json_loads(content, limits.max_json_depth)
        except _TooDeep as exc:
            raise CorpusError(str(exc), path=self.path,
                              hint="flatten the records, or use JSON Lines so a bad record can be skipped") from None
        except ValueError as exc:
            line = getattr(exc, "lineno", None)
            raise CorpusError(f"invalid JSON: {getattr(exc, 'msg', exc)}", path=self.path, line=line,
                              hint="fix the file, or use JSON Lines (one object per line) so bad lines can be skipped") from None
        if isinstance(data, dict) and isinstance(data.get("documents"), list):
            return [(None, obj) for obj in data["documents"]]
        if not isinstance(data, list):
            raise CorpusError("a .json corpus must be a list of objects or {\"documents\": [...]}",
                              path=self.path, hint="or give one JSON object per line in a .jsonl file")
        return list(_json_array_lines(content, data))

    def _iter_csv(self, limits: CorpusLimits, sink: Callable[[Problem], Any], budget: _Budget) -> Iterator[_Raw]:
        source = str(self.path)
        _set_csv_limit(limits.max_record_bytes)
        with self.open_text(limits, budget) as fh:
            lines = (line for _number, line in self.lines(fh, limits, sink, too_long=_TOO_LONG))
            reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
            header = None
            last = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    sink(Problem(source, "malformed row", "skipped", None, last + 1, f"CSV: {exc}"))
                    last = reader.line_num
                    continue
                start, last = last + 1, reader.line_num
                if row == [_TOO_LONG.rstrip("\n")]:
                    continue  # listed by lines()
                if header is None:
                    header = [h.strip(_STRIP) for h in row]
                    continue
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) != len(header):
                    sink(Problem(source, "malformed row", "skipped", None, start,
                                 f"{len(row)} fields where the header has {len(header)}"))
                    continue
                yield self.from_record(dict(zip(header, row, strict=True)), source, start, start, "")

    def from_record(self, obj: dict[str, Any], source: str, line: int | None, number: int, where: str) -> _Raw:
        return record_to_raw(obj, self.fields, self.id_field, self.missing, self.stem, source, line, number, where)

    @property
    def stem(self) -> str:
        """The file name without format and compression suffixes (for ids made from record numbers)."""
        return _strip_suffixes(self.path.name)[0]

    # -- checks at load time ------------------------------------------------------
    def sample_fields(self, limits: CorpusLimits) -> tuple[list[str], int]:
        """Field names seen in the first records and how many records were looked at."""
        if self.kind == "csv":
            _set_csv_limit(limits.max_record_bytes)
            with self.open_text(limits) as fh:
                lines = (line for _number, line in self.lines(fh, limits, _discard, too_long=_TOO_LONG))
                reader = csv.reader(lines, delimiter=self.delimiter)
                try:
                    header = next(reader, None)
                except (csv.Error, *_READ_ERRORS) as exc:
                    raise CorpusError(f"cannot read the header: {exc}", path=self.path, line=1) from None
            if not header or not any(h.strip() for h in header):
                raise CorpusError("the CSV file has no header row", path=self.path, line=1,
                                  hint="the first row must name the columns, e.g. id,outlet,date,text")
            return [h.strip(_STRIP) for h in header], 1
        seen: dict[str, None] = {}
        n = 0
        if self.kind == "jsonl":
            with self.open_text(limits) as fh:
                for _number, line in self.lines(fh, limits, _discard):
                    if line.isspace():
                        continue
                    try:
                        obj = _json_loads(line, limits.max_json_depth)
                    except ValueError:
                        continue
                    if isinstance(obj, dict):
                        seen.update(dict.fromkeys(obj))
                        n += 1
                        if n >= _SAMPLE_RECORDS:
                            break
        else:
            for _line, obj in self.json_records(limits)[:_SAMPLE_RECORDS]:
                if isinstance(obj, dict):
                    seen.update(dict.fromkeys(obj))
                    n += 1
        return list(seen), n


@lru_cache(maxsize=64)
def _used_fields(fields: FieldMap, id_field: str) -> frozenset[str]:
    return frozenset({fields.text, fields.outlet, fields.date, id_field, fields.title, fields.url, fields.event,
                      fields.language})


def record_to_raw(obj: Any, fields: FieldMap, id_field: str, missing: frozenset[str], stem: str,
                  source: str, line: int | None, number: int, where: str) -> _Raw:
    """A record (dict) mapped to document fields; unmapped fields go to ``meta``."""
    used = _used_fields(fields, id_field)
    doc_id = _clean(obj.get(id_field))
    if doc_id is None:
        doc_id = f"{stem}-{number}"
    meta = [(k, _meta_value(v)) for k, v in obj.items() if k not in used and v is not None]
    get = obj.get
    return _Raw(source, line, doc_id, get(fields.text), outlet=get(fields.outlet), date=get(fields.date),
                title=get(fields.title), url=get(fields.url), event=get(fields.event),
                language=get(fields.language), meta=meta, where=where,
                missing_outlet="" if "outlet" in missing else "record")


def check_fields(available: Sequence[str], sampled: int, kind: str, fields: FieldMap, path: str | Path
                 ) -> tuple[str, frozenset[str], list[Problem]]:
    """``(id field, roles no record has, problems)`` from the field names of a record source;
    an unknown text field (or an explicitly named field that is absent) is a :class:`CorpusError`."""
    names = set(available)
    listing = ", ".join(available) if available else "none"
    if kind in ("csv", "parquet", "dataframe"):
        what = "the header has no column" if kind == "csv" else "there is no column"
    elif sampled >= _SAMPLE_RECORDS:
        what = f"none of the first {sampled} records has the field"
    else:
        what = "no record has the field"
    python = kind in ("dataframe", "records")
    def option(role: str) -> str:
        return f"{role}_field=" if python else f"{_OPTION[role]} ({role}_field= in Python)"
    if fields.text not in names:
        raise CorpusError(f"{what} '{fields.text}' (fields: {listing})", path=path,
                          hint=f"pass {option('text')} NAME naming the field with the article text")
    for role, name in fields.explicit():
        if name not in names:
            raise CorpusError(f"{what} '{name}' for the {role} (fields: {listing})", path=path,
                              hint=f"pass {option(role)} with one of these names")
    id_field = fields.id
    if id_field not in names and id_field == "id" and "doc_id" in names:
        id_field = "doc_id"
    missing = set()
    problems = []
    for role in ("outlet", "id"):
        name = id_field if role == "id" else getattr(fields, role)
        if name not in names:
            missing.add(role)
            consequence = (f"every document gets outlet '{UNKNOWN_OUTLET}'" if role == "outlet"
                           else "ids are made from the file name and record number")
            problems.append(Problem(str(path), f"no {role} field", "altered", None, None,
                                    f"no field '{name}' ({listing}): {consequence}; pass {option(role)}"))
    return id_field, frozenset(missing), problems


def open_record_file(path: Path, fields: FieldMap, limits: CorpusLimits) -> tuple[RecordFileReader, list[Problem]]:
    """The reader of one record file and its file-level problems (guessed encoding, fields
    no record has); raises :class:`CorpusError` for an unknown text field or an unreadable file."""
    _stem, suffix = _strip_suffixes(path.name)
    kind = RECORD_FORMATS[suffix]
    encoding, guessed = _detect_encoding(path, limits)
    problems = []
    if guessed:
        problems.append(Problem(str(path), "guessed encoding", "altered", None, None,
                                f"no BOM and not UTF-8: decoded as {encoding_name(encoding)}, "
                                "which reads the file as Arabic; check the texts, or save it as UTF-8"))
    delimiter = "\t" if suffix == ".tsv" else ","
    reader = RecordFileReader(path, kind, fields, fields.id, frozenset(), encoding, delimiter)
    if kind == "csv" and suffix != ".tsv":
        with reader.open_text(limits) as fh:
            try:
                first = fh.readline(limits.max_record_bytes)
            except _READ_ERRORS as exc:
                raise CorpusError(f"cannot read: {_os_message(exc)}", path=path) from None
            except _TooLarge:
                first = ""
        counts = {d: first.count(d) for d in (",", "\t", ";")}
        best = max(counts, key=lambda d: counts[d])
        reader = replace(reader, delimiter=best if counts[best] > 0 else ",")
    available, sampled = reader.sample_fields(limits)
    if sampled == 0:
        return reader, problems  # nothing readable: the caller raises with the reasons
    id_field, missing, field_problems = check_fields(available, sampled, kind, fields, path)
    return replace(reader, id_field=id_field, missing=missing), problems + field_problems


def _detect_encoding(path: Path, limits: CorpusLimits) -> tuple[str, bool]:
    """The encoding of a record file from its first MiB; a guessed code page must then
    decode the whole file (one streaming check)."""
    try:
        with _open_binary(path, limit=limits.max_file_bytes) as head_stream:
            head = head_stream.read(_HEAD_BYTES)
    except _TooLarge:
        head = b""
    except _READ_ERRORS as exc:
        raise CorpusError(f"cannot read: {_os_message(exc)}", path=path) from None
    try:
        encoding, guessed = _stream_encoding(head, complete=len(head) < _HEAD_BYTES)
    except UnicodeError as exc:
        raise CorpusError(f"cannot decode: {exc}", path=path, hint="save the file as UTF-8") from None
    if guessed and len(head) >= _HEAD_BYTES:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with _open_binary(path, limit=limits.max_file_bytes) as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise CorpusError(f"cannot decode: the first MiB reads as {encoding_name(encoding)} but the "
                              f"rest does not ({exc.reason})", path=path, hint="save the file as UTF-8") from None
        except (_TooLarge, *_READ_ERRORS):
            pass  # reported when the records are read
    return encoding, guessed
