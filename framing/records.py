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
    (analysed after a change, e.g. a renamed duplicate id) or ``excluded``
    (part of the text is not scored).
    """

    source: str
    reason: str
    action: str = "skipped"
    doc_id: str | None = None
    line: int | None = None
    detail: str = ""


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
    quote_text: str = field(default="", compare=False)
