"""Records that cross pipeline stages.

All of them are frozen dataclasses. Character offsets (``start``/``end``) always
index the *original* document text, so ``doc.text[hit.start:hit.end] == hit.matched``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of the original text with a reason."""

    start: int
    end: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """One article.

    ``text`` is the text exactly as read (after decoding). ``excluded`` lists spans that
    are not scored (web boilerplate, HTML markup, ...); they stay in ``text`` so that
    offsets keep referring to the original.
    """

    doc_id: str
    text: str
    outlet: str = "unknown"
    date: str | None = None  # ISO date YYYY-MM-DD (or a longer ISO timestamp) when known
    title: str | None = None
    url: str | None = None
    event: str | None = None  # manual event id from a manifest (overrides grouping)
    language: str = "ar"
    source: str | None = None  # file (and line) the document came from
    excluded: tuple[Span, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()

    @property
    def masked_text(self) -> str:
        """``text`` with every excluded span blanked by spaces (newlines kept).

        Same length as ``text``: offsets into it are offsets into the original.
        """
        if not self.excluded:
            return self.text
        return mask_spans(self.text, self.excluded)


def mask_spans(text: str, spans) -> str:
    parts = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        start = max(span.start, pos)
        if span.end <= start:
            continue
        parts.append(text[pos:start])
        chunk = text[start:span.end]
        parts.append("".join("\n" if c == "\n" else " " for c in chunk))
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the input that was skipped or altered, and why.

    ``action`` is one of ``skipped`` (the document is not analysed), ``altered``
    (analysed after a change, e.g. a renamed duplicate id), ``excluded``
    (part of the text is not scored) or ``ignored`` (a file in a corpus folder that is
    not a document, e.g. a README: listed, not read). Every ``reason`` is one of
    :data:`PROBLEM_KINDS` (documented in ``docs/outputs.md``).
    """

    source: str
    reason: str
    action: str = "skipped"
    doc_id: str | None = None
    line: int | None = None
    detail: str = ""


SKIPPED, ALTERED, EXCLUDED, IGNORED = "skipped", "altered", "excluded", "ignored"


@dataclass(frozen=True, slots=True)
class ProblemKind:
    """One kind of input problem: its ``reason``, the ``action`` taken and what it means."""

    reason: str
    action: str
    meaning: str


#: Every problem the corpus reader reports (``docs/outputs.md`` lists them with the fix).
PROBLEM_KINDS: tuple[ProblemKind, ...] = (
    ProblemKind("no manifest", ALTERED, "a folder (or a single .txt) without metadata: outlet 'unknown'"),
    ProblemKind("not in manifest", ALTERED, "a text file the manifest does not list: outlet 'unknown'"),
    ProblemKind("missing outlet", ALTERED, "a record or manifest row without an outlet: outlet 'unknown'"),
    ProblemKind("no outlet field", ALTERED, "no record has the outlet field: every outlet is 'unknown'"),
    ProblemKind("no id field", ALTERED, "no record has an id field: ids made from the file name and record number"),
    ProblemKind("duplicate id", ALTERED, "an id already used: renamed id~2, id~3, ..."),
    ProblemKind("unparseable date", ALTERED, "a date that is not understood: kept as written"),
    ProblemKind("NUL characters", ALTERED, "NUL characters replaced by spaces"),
    ProblemKind("undecodable bytes", ALTERED, "invalid UTF-8 bytes replaced by U+FFFD (byte offsets given)"),
    ProblemKind("guessed encoding", ALTERED, "no BOM and not UTF-8: decoded with a code page that reads the whole file"),
    ProblemKind("split document", ALTERED, "longer than max_document_chars: split into parts id#1, id#2, ..."),
    ProblemKind("html markup", EXCLUDED, "HTML tags and entities excluded from scoring (offsets kept)"),
    ProblemKind("empty document", SKIPPED, "no text, or only white space"),
    ProblemKind("missing text", SKIPPED, "a record without the text field"),
    ProblemKind("unsupported language", SKIPPED, "neither Arabic nor English, by its language field or its text "
                "(framing.language): the detail names the language or script found"),
    ProblemKind("malformed row", SKIPPED, "a record that cannot be parsed (JSON, CSV, nesting deeper than max_json_depth)"),
    ProblemKind("cannot decode", SKIPPED, "not UTF-8, UTF-16 or an Arabic code page"),
    ProblemKind("cannot read", SKIPPED, "the file cannot be opened or read (permission, I/O error, corrupt compression)"),
    ProblemKind("too large", SKIPPED, "over max_record_bytes or max_file_bytes (decompressed): reading stopped"),
    ProblemKind("not a .txt file", SKIPPED, "a file in a corpus folder that is not .txt (optionally compressed)"),
    ProblemKind("sub-folder not read", SKIPPED, "only the files directly in the corpus folder are read"),
    ProblemKind("link outside the folder", SKIPPED, "a symbolic link leaving the corpus folder: not followed"),
    ProblemKind("broken link", SKIPPED, "a symbolic link to nothing, or a loop of links"),
    ProblemKind("not a regular file", SKIPPED, "a FIFO, socket or device: never opened for reading"),
    ProblemKind("documentation file", IGNORED, "README, LICENSE, NOTICE, AUTHORS, CHANGELOG or .md: listed, not read"),
    ProblemKind("hidden file", IGNORED, "a file whose name starts with '.': listed, not read"),
    ProblemKind("unused manifest", IGNORED, "a manifest file in the folder other than the one given with --manifest"),
)


@dataclass(frozen=True, slots=True)
class Token:
    """A token of normalized text with offsets into the original text."""

    norm: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Hit:
    """One lexicon match in one document.

    ``voice`` is ``authorial`` or ``reported``; when reported, ``speaker`` names who
    is quoted and ``attribution_id`` links to the attribution record.
    """

    doc_id: str
    lexicon: str
    term: str
    matched: str
    start: int
    end: int
    category: str
    stance: float
    actor: str | None = None
    entry_id: str = ""
    sentence_start: int = 0
    sentence_end: int = 0
    voice: str = "authorial"
    speaker: str | None = None
    source_type: str | None = None
    attribution_id: int | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """A quotation, reported speech or sourcing phrase.

    ``quote_start``/``quote_end`` delimit the words attributed to the speaker;
    ``speaker_start``/``speaker_end`` the words naming the speaker (-1 if unknown).
    """

    doc_id: str
    attribution_id: int
    kind: str  # direct_quote | reported_speech | sourcing
    quote_start: int
    quote_end: int
    speaker: str  # normalized speaker name ("" when unknown)
    source_type: str  # e.g. russian_official, anonymous, other
    cue: str = ""  # reporting verb or sourcing phrase as written
    cue_lemma: str = ""  # the lexicon term of the cue
    cue_stance: str = ""  # neutral | assertive | distancing | denial | ...
    cue_stance_value: float = 0.0
    speaker_start: int = -1
    speaker_end: int = -1
    cue_start: int = -1
    cue_end: int = -1
    via: str = ""  # who relays the speaker's words: X in "نقلت وكالة X عن Y" ("" when direct)
    quote_text: str = field(default="", compare=False)


# --- column schemas ---------------------------------------------------------------------------
#
# The one declaration of the columns of the large output tables and their types: the CSV
# writers take the column order from here, the Parquet writers the Arrow schema, and
# ``framing.load_run`` the pandas dtypes. Types are named by their Arrow name
# (``string``, ``int64``, ``float64``, ``bool``); every column is nullable.

#: Arrow type name → pandas dtype used when a table is read back (nullable integers and booleans)
PANDAS_DTYPES = {"string": "string", "int64": "Int64", "float64": "float64", "bool": "boolean"}


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an output table: its name, Arrow type name and meaning."""

    name: str
    type: str  # string | int64 | float64 | bool
    description: str = ""

    def __post_init__(self) -> None:
        if self.type not in PANDAS_DTYPES:
            raise ValueError(f"column {self.name!r}: unknown type {self.type!r} (one of {', '.join(PANDAS_DTYPES)})")


def _cols(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in specs)


HIT_SCHEMA = _cols(
    ("doc_id", "string", "document id"),
    ("outlet", "string", "outlet of the document"),
    ("field", "string", "title | text: the field the hit is in (offsets index that field)"),
    ("lexicon", "string", "lexicon name"),
    ("entry_id", "string", "lexicon entry id"),
    ("actor", "string", "actor the term labels (empty for loaded terms)"),
    ("category", "string", "entry category"),
    ("term", "string", "lexicon term"),
    ("matched", "string", "the words as written (masked text)"),
    ("start", "int64", "start offset in the original text"),
    ("end", "int64", "end offset in the original text"),
    ("stance", "float64", "stance of the entry in [-1, 1]"),
    ("voice", "string", "authorial | reported"),
    ("speaker", "string", "who is quoted when reported"),
    ("source_type", "string", "source type of the speaker"),
    ("attribution_id", "int64", "attribution the hit is inside (null when authorial)"),
    ("sentence_start", "int64", "start offset of the sentence"),
    ("sentence_end", "int64", "end offset of the sentence"),
    ("sentence", "string", "the sentence (masked text)"),
)

ATTRIBUTION_SCHEMA = _cols(
    ("doc_id", "string", "document id"),
    ("outlet", "string", "outlet of the document"),
    ("field", "string", "title | text: the field the attribution is in (offsets index that field)"),
    ("attribution_id", "int64", "id within the run"),
    ("kind", "string", "direct_quote | reported_speech | sourcing"),
    ("speaker", "string", "normalized speaker name"),
    ("source_type", "string", "source type of the speaker"),
    ("cue", "string", "reporting verb or sourcing phrase as written"),
    ("cue_lemma", "string", "lexicon term of the cue"),
    ("cue_stance", "string", "neutral | assertive | distancing | denial"),
    ("cue_stance_value", "float64", "numeric stance of the cue"),
    ("quote_start", "int64", "start offset of the attributed words"),
    ("quote_end", "int64", "end offset of the attributed words"),
    ("speaker_start", "int64", "start offset of the speaker (-1 if unknown)"),
    ("speaker_end", "int64", "end offset of the speaker (-1 if unknown)"),
    ("cue_start", "int64", "start offset of the cue (-1 if none)"),
    ("cue_end", "int64", "end offset of the cue (-1 if none)"),
    ("via", "string", "who relays the speaker's words (X in «نقلت وكالة X عن Y»; empty when direct)"),
    ("quote_text", "string", "the attributed words"),
)

EXCLUDED_SCHEMA = _cols(
    ("doc_id", "string", "document id"),
    ("outlet", "string", "outlet of the document"),
    ("start", "int64", "start offset of the excluded span"),
    ("end", "int64", "end offset of the excluded span"),
    ("reason", "string", "boilerplate:<line> | repeated-line | ..."),
    ("text", "string", "the excluded text (first 300 characters)"),
)

DOCUMENT_BASE_SCHEMA = _cols(
    ("doc_id", "string", "document id"),
    ("outlet", "string", "outlet"),
    ("date", "string", "ISO date (or timestamp) as read"),
    ("title", "string", "title"),
    ("language", "string", "ar | en: the document's language (its language field, else detected)"),
    ("event_id", "string", "event the document belongs to"),
    ("duplicate_of", "string", "doc_id this document copies"),
    ("duplicate_similarity", "float64", "estimated containment in the copied document"),
    ("independent", "bool", "False for copies"),
    ("chars", "int64", "characters of the text"),
    ("excluded_chars", "int64", "characters excluded from scoring"),
    ("tokens", "int64", "normalized word tokens scored"),
    ("hits", "int64", "authorial hits"),
    ("hits_reported", "int64", "hits inside quotations and reported speech"),
    ("attributions", "int64", "attributions found"),
)

TERM_EVIDENCE_SCHEMA = _cols(
    ("outlet", "string", "outlet"),
    ("term", "string", "normalized distinguishing term"),
    ("doc_id", "string", "document id"),
    ("start", "int64", "start offset in the original text"),
    ("end", "int64", "end offset"),
    ("matched", "string", "the word as written"),
    ("sentence_start", "int64", "start offset of the sentence"),
    ("sentence_end", "int64", "end offset of the sentence"),
    ("sentence", "string", "the sentence (masked text)"),
)

#: score column prefixes of documents.csv → type (``mentions:<actor>``, ``stance_reported:<actor>`` …)
SCORE_COLUMN_TYPES = {"mentions": "int64", "stance": "float64", "density": "float64"}


def score_column(name: str) -> Column:
    """The :class:`Column` of a per-document score column such as ``mentions_reported:russia``."""
    prefix = name.split(":", 1)[0].removesuffix("_reported")
    return Column(name, SCORE_COLUMN_TYPES.get(prefix, "float64"), "per-document score (docs/outputs.md)")


def document_schema(names) -> tuple[Column, ...]:
    """The columns of ``documents.csv`` with these names (base columns, then score columns)."""
    base = {c.name: c for c in DOCUMENT_BASE_SCHEMA}
    return tuple(base[n] if n in base else score_column(n) for n in names)


def column_names(schema) -> list[str]:
    """The column names of a schema, in output order."""
    return [c.name for c in schema]


def arrow_schema(schema):
    """The :class:`pyarrow.Schema` of a schema (pyarrow is imported here, not at module import).

    >>> arrow_schema(EXCLUDED_SCHEMA).field("start").type
    DataType(int64)
    """
    import pyarrow as pa

    types = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}
    return pa.schema([pa.field(c.name, types[c.type], nullable=True) for c in schema])


def pandas_dtypes(schema) -> dict[str, str]:
    """``{column: pandas dtype}`` used when reading a table back (``Int64`` keeps integers with nulls)."""
    return {c.name: PANDAS_DTYPES[c.type] for c in schema}


#: the large tables of a run folder (written as CSV and/or Parquet) → their fixed schema
#: (``documents`` adds score columns that depend on the lexicons: see :func:`document_schema`)
TABLE_SCHEMAS = {"hits": HIT_SCHEMA, "attributions": ATTRIBUTION_SCHEMA, "excluded": EXCLUDED_SCHEMA,
                 "documents": DOCUMENT_BASE_SCHEMA, "term_evidence": TERM_EVIDENCE_SCHEMA}

PROBLEM_SCHEMA = _cols(
    ("source", "string", "file (and line) the problem was found in"),
    ("line", "int64", "line number"),
    ("doc_id", "string", "document concerned"),
    ("action", "string", "skipped | altered | excluded"),
    ("reason", "string", "what is wrong"),
    ("detail", "string", "more detail and the fix"),
)
TABLE_SCHEMAS["problems"] = PROBLEM_SCHEMA
