"""``load_corpus``: one entry point for every kind of corpus, each read by its reader."""

from __future__ import annotations

import glob as _glob
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from framing.corpus.cleaning import Boilerplate, RepeatedLineRule, _resolve_boilerplate
from framing.corpus.corpus import Corpus, MultiReader
from framing.corpus.fields import FieldMap
from framing.corpus.files import _file_type, _os_message, _strip_suffixes
from framing.corpus.filters import DocumentFilter
from framing.corpus.folder import TextFilesReader, open_folder, open_text_file
from framing.corpus.frame import is_dataframe, open_frame, open_parquet
from framing.corpus.limits import (
    MAX_CORPUS_BYTES,
    MAX_DOCUMENT_CHARS,
    MAX_FILE_BYTES,
    MAX_JSON_DEPTH,
    MAX_RECORD_BYTES,
    CorpusLimits,
)
from framing.corpus.recordfile import RECORD_FORMATS, open_record_file
from framing.errors import ConfigError, CorpusError
from framing.records import Document, Problem

HTML_MODES = ("strip", "keep")
PARQUET_SUFFIXES = (".parquet", ".pq")
_GLOB_CHARS = frozenset("*?[")
_KINDS_HINT = "give a folder of .txt files or a .csv, .tsv, .jsonl, .json or .parquet file (optionally .gz, .xz or .bz2)"


def load_corpus(
    path: Any,
    *,
    text_field: str = "text",
    outlet_field: str = "outlet",
    date_field: str = "date",
    id_field: str = "id",
    title_field: str = "title",
    url_field: str = "url",
    event_field: str = "event",
    language_field: str = "language",
    manifest: str | Path | None = None,
    boilerplate: Boilerplate | str | Path | bool | None = None,
    repeated_lines: bool | RepeatedLineRule = True,
    html: str = "strip",
    max_document_chars: int = MAX_DOCUMENT_CHARS,
    max_record_bytes: int = MAX_RECORD_BYTES,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_corpus_bytes: int = MAX_CORPUS_BYTES,
    max_json_depth: int = MAX_JSON_DEPTH,
    since: Any = None,
    until: Any = None,
    outlets: Any = None,
) -> Corpus:
    """Open a corpus and check it can be read; documents are streamed later.

    ``path`` is one of

    * a folder of ``.txt`` files (with an optional ``manifest.csv``/``manifest.jsonl``, or
      ``manifest=``), or a single ``.txt`` file;
    * a ``.csv``/``.tsv``/``.jsonl``/``.json`` file of records, each optionally compressed
      (gzip, xz, bzip2, recognised by their magic bytes), or a ``.parquet`` file;
    * a glob (``"corpus/*.jsonl.xz"``) or a list of such files: shards read in order;
    * a pandas DataFrame, or an iterable of dicts (read into a list once).

    ``*_field`` name the record fields (and manifest columns). ``boilerplate``: a pattern
    file, a :class:`Boilerplate`, ``None`` for the default file or ``False`` for none.
    ``repeated_lines``: exclude lines an outlet repeats across its documents (``True`` =
    default :class:`RepeatedLineRule`). ``html``: ``"strip"`` excludes markup as spans,
    ``"keep"`` leaves it to be scored. ``max_*``: the bounds of :class:`CorpusLimits`.
    ``since``/``until`` (``YYYY-MM-DD``, inclusive) and ``outlets`` (names, or ``"A,B"``) keep
    only those documents while reading; a document without a date is left out by a date
    filter. Left-out records are counted (:meth:`Corpus.filtered_out`), not listed as problems.

    Raises :class:`CorpusError` for a missing path, an unknown field, a bad manifest row,
    or a corpus without a single usable document.

    >>> corpus = load_corpus("egypt-2013-02.jsonl.xz", outlet_field="source",
    ...                      date_field="crawl_time")           # doctest: +SKIP
    >>> next(corpus.iter_documents()).outlet                    # doctest: +SKIP
    'bbcarabicnews'
    """
    fields = FieldMap(text_field, outlet_field, date_field, id_field, title_field, url_field,
                      event_field, language_field)
    if html not in HTML_MODES:
        raise ConfigError(f"html={html!r} is not one of {', '.join(HTML_MODES)}",
                          hint="use 'strip' to exclude markup from scoring or 'keep' to leave it")
    if repeated_lines is True:
        rule: RepeatedLineRule | None = RepeatedLineRule()
    elif repeated_lines is False or repeated_lines is None:
        rule = None
    elif isinstance(repeated_lines, RepeatedLineRule):
        rule = repeated_lines
    else:
        raise ConfigError(f"repeated_lines={repeated_lines!r} is not understood",
                          hint="give True, False or a RepeatedLineRule")
    limits = CorpusLimits(max_document_chars, max_record_bytes, max_file_bytes, max_corpus_bytes, max_json_depth)
    bp = _resolve_boilerplate(boilerplate)
    common = {"fields": fields, "boilerplate": bp, "repeated_lines": rule, "html": html, "limits": limits,
              "filter": DocumentFilter.build(since=since, until=until, outlets=outlets)}

    if is_dataframe(path) or not isinstance(path, (str, os.PathLike)):
        if isinstance(path, (list, tuple)) and path and all(isinstance(p, (str, os.PathLike)) for p in path):
            corpus = _load_shards([Path(p) for p in path], str(path[0]), manifest, common)
        else:
            if isinstance(path, (bytes, Mapping)):
                raise CorpusError(f"a corpus must be a path, a pandas DataFrame or an iterable of dicts, "
                                  f"not {type(path).__name__}",
                                  hint="pass a folder, a record file, a DataFrame or a list of dicts")
            if manifest is not None:
                raise ConfigError("a manifest only applies to a folder of .txt files",
                                  hint="put the metadata into the columns of the table instead")
            reader, problems = open_frame(path, fields)
            corpus = Corpus(reader.name, reader.kind, reader, corpus_problems=problems, **common)
    else:
        path = Path(path)
        if not path.exists() and _GLOB_CHARS & set(str(path)):
            matches = sorted(Path(p) for p in _glob.glob(str(path)))
            if not matches:
                raise CorpusError("no file matches the pattern", path=path,
                                  hint="check the folder and the pattern, e.g. 'corpus/*.jsonl.xz'")
            corpus = _load_shards(matches, str(path), manifest, common)
        elif not path.exists():
            raise CorpusError("corpus not found (no such file or folder)", path=path,
                              hint="give a folder of .txt files or a .csv/.jsonl/.json/.parquet file")
        elif path.is_dir():
            reader, problems = open_folder(path, manifest, fields, limits)
            corpus = Corpus(path, "folder", reader, manifest=reader.manifest, corpus_problems=problems, **common)
        else:
            if manifest is not None:
                raise ConfigError("a manifest only applies to a folder of .txt files", path=manifest,
                                  hint=f"put the metadata into the fields of {path.name} instead")
            reader, problems = _open_file(path, fields, limits)
            corpus = Corpus(path, reader.kind, reader, corpus_problems=problems, **common)
    corpus._first_usable()
    return corpus


def read_documents(path: Any, **options: Any) -> list[Document]:
    """All documents of a (small) corpus as a list; options as for :func:`load_corpus`."""
    return list(load_corpus(path, **options).iter_documents())


def _open_file(path: Path, fields: FieldMap, limits: CorpusLimits) -> tuple[Any, list[Problem]]:
    """The reader of one input file, by its suffix (after any compression suffix)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise CorpusError(f"cannot read: {_os_message(exc)}", path=path) from None
    if not stat.S_ISREG(mode):
        raise CorpusError(f"not a regular file ({_file_type(mode)})", path=path, hint=_KINDS_HINT)
    _stem, suffix = _strip_suffixes(path.name)
    if suffix == ".txt":
        return open_text_file(path)
    if suffix in PARQUET_SUFFIXES:
        return open_parquet(path, fields)
    if suffix in RECORD_FORMATS:
        return open_record_file(path, fields, limits)
    raise CorpusError(f"unsupported file type '{suffix or path.name}'", path=path, hint=_KINDS_HINT)


def _load_shards(paths: list[Path], label: str, manifest: Any, common: dict[str, Any]) -> Corpus:
    """Several input files (a glob or a list) read one after the other, in the order given."""
    if manifest is not None:
        raise ConfigError("a manifest only applies to a folder of .txt files", path=manifest,
                          hint="put the metadata into the fields of the record files instead")
    readers: list[Any] = []
    problems: list[Problem] = []
    texts: list[Path] = []

    def flush_texts() -> None:
        if texts:
            single = [open_text_file(p)[0].entries[0] for p in texts]
            readers.append(TextFilesReader(tuple(single), None, None, "txt"))
            texts.clear()

    for path in paths:
        if path.is_dir():
            raise CorpusError("a folder among the files of a glob or list", path=path,
                              hint="give record files (or .txt files), or the folder on its own")
        if _strip_suffixes(path.name)[1] == ".txt":
            texts.append(path)
            continue
        flush_texts()
        reader, file_problems = _open_file(path, common["fields"], common["limits"])
        readers.append(reader)
        problems.extend(file_problems)
    flush_texts()
    if any(r.kind == "txt" for r in readers):
        problems.insert(0, Problem(label, "no manifest", "altered", None, None,
                                   "text files given without a folder have no metadata: outlet 'unknown'"))
    reader = readers[0] if len(readers) == 1 else MultiReader(readers)
    return Corpus(Path(label), reader.kind if len(readers) == 1 else "shards", reader,
                  corpus_problems=problems, **common)
