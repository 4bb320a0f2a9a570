"""Load a corpus: a folder of ``.txt`` files, CSV / JSONL / JSON / Parquet records, shards of
them (a glob or a list), a pandas DataFrame or an iterable of dicts.

Every input becomes a stream of :class:`~framing.records.Document`. What could not be used,
or was changed on the way in, is reported as a :class:`~framing.records.Problem` (never
silently dropped; the kinds are :data:`framing.records.PROBLEM_KINDS`); what should not be
scored (HTML markup, web boilerplate, lines a site repeats under every article) becomes an
*excluded* :class:`~framing.records.Span`.

Offsets. ``Document.text`` is the decoded text with line endings normalized (``"\\r\\n"``
and ``"\\r"`` become ``"\\n"``) and NUL characters replaced by spaces. Nothing else is
changed: markup and boilerplate stay in the text, so every offset (of an excluded span, of
a lexicon hit downstream) indexes exactly this text. A document longer than
``max_document_chars`` is split into consecutive parts ``id#1``, ``id#2``, … whose texts
concatenate to the whole.

The package, in the order data flows through it:

* :mod:`~framing.corpus.files` — the one guarded opener (regular files only), compression
  by magic bytes, decompressed-size bounds;
* :mod:`~framing.corpus.decoding` — encodings, decided per file and listed when guessed;
* readers — :mod:`~framing.corpus.folder` (folder + manifest, one ``.txt``),
  :mod:`~framing.corpus.recordfile` (CSV, JSONL, JSON), :mod:`~framing.corpus.frame`
  (DataFrame, dicts, Parquet); each yields raw records and cuts itself into partitions;
* :mod:`~framing.corpus.cleaning` — HTML markup, boilerplate patterns, repeated lines;
* :mod:`~framing.corpus.limits` — :class:`CorpusLimits`, splitting long texts, JSON depth;
* :mod:`~framing.corpus.corpus` — :class:`Corpus` (checks, ids, the two passes) and
  :class:`Partition`; :mod:`~framing.corpus.load` — :func:`load_corpus`.

Example::

    >>> corpus = load_corpus("egypt-2013-02.jsonl.xz",           # doctest: +SKIP
    ...                      outlet_field="source", date_field="crawl_time")
    >>> for doc in corpus.iter_documents():  # streams; call again to re-read  # doctest: +SKIP
    ...     ...
    >>> corpus.problems  # complete after a full iteration      # doctest: +SKIP
"""

from framing.corpus.cleaning import (
    Boilerplate,
    BoilerplatePattern,
    RepeatedLine,
    RepeatedLineRule,
    default_boilerplate_path,
    html_spans,
    line_hash,
)
from framing.corpus.corpus import Corpus, Partition, resolve_duplicate_ids
from framing.corpus.decoding import Decoded, decode_bytes, decode_document, encoding_name
from framing.corpus.fields import UNKNOWN_OUTLET, FieldMap, normalize_date
from framing.corpus.files import COMPRESSION_SUFFIXES
from framing.corpus.folder import MANIFEST_NAMES
from framing.corpus.limits import (
    MAX_CORPUS_BYTES,
    MAX_DOCUMENT_CHARS,
    MAX_FILE_BYTES,
    MAX_JSON_DEPTH,
    MAX_RECORD_BYTES,
    CorpusLimits,
    json_depth,
    split_text,
)
from framing.corpus.load import HTML_MODES, PARQUET_SUFFIXES, load_corpus, read_documents
from framing.corpus.recordfile import RECORD_FORMATS

__all__ = [
    "COMPRESSION_SUFFIXES",
    "HTML_MODES",
    "MANIFEST_NAMES",
    "MAX_CORPUS_BYTES",
    "MAX_DOCUMENT_CHARS",
    "MAX_FILE_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_RECORD_BYTES",
    "PARQUET_SUFFIXES",
    "RECORD_FORMATS",
    "UNKNOWN_OUTLET",
    "Boilerplate",
    "BoilerplatePattern",
    "Corpus",
    "CorpusLimits",
    "Decoded",
    "FieldMap",
    "Partition",
    "RepeatedLine",
    "RepeatedLineRule",
    "decode_bytes",
    "decode_document",
    "default_boilerplate_path",
    "encoding_name",
    "html_spans",
    "json_depth",
    "line_hash",
    "load_corpus",
    "normalize_date",
    "read_documents",
    "resolve_duplicate_ids",
    "split_text",
]
