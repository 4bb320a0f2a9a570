"""Lexicons: YAML files researchers edit by hand, and the compiled matcher.

The package, top to bottom:

* :mod:`~framing.lexicon.yamlio` — the one YAML reader (C parser, line numbers, bounded aliases);
* :mod:`~framing.lexicon.model` — :class:`Entry`, :class:`Lexicon`, loading and the one validator
  of a file's content;
* :mod:`~framing.lexicon.matcher` — :class:`Matcher`, which finds entries in text;

``framing.codebook`` (editing, validation reports, kwic, suggestions, exchange formats)
builds on these.

>>> lex = Lexicon.from_entries("demo", [
...     {"term": "قوات النظام", "actor": "syrian_government", "category": "actor_label", "stance": -0.6},
...     {"term": "النظام", "actor": "syrian_government", "category": "actor_label", "stance": -0.4},
... ])
>>> [(h.term, h.matched) for h in Matcher([lex]).find("ردا على تقدم لقوات النظام. والنظام")]
[('قوات النظام', 'لقوات النظام'), ('النظام', 'والنظام')]
"""

from __future__ import annotations

from framing.lexicon.matcher import _GAP_RE, _SPLIT_RE, Matcher, surface_forms
from framing.lexicon.model import (
    _TERM_PUNCT_OK,
    KINDS,
    MATCH_MODES,
    MAX_ENTRIES,
    Entry,
    Lexicon,
    _entry_from_mapping,
    default_lexicon_dir,
    lexicon_files,
    lexicon_from_data,
    load_lexicon,
    load_lexicons,
    load_stopwords,
    max_entries,
    normalize_term,
    read_lexicon_text,
)
from framing.lexicon.yamlio import read_yaml

__all__ = [
    "KINDS",
    "MATCH_MODES",
    "MAX_ENTRIES",
    "Entry",
    "Lexicon",
    "Matcher",
    "default_lexicon_dir",
    "lexicon_files",
    "lexicon_from_data",
    "load_lexicon",
    "load_lexicons",
    "load_stopwords",
    "max_entries",
    "normalize_term",
    "read_lexicon_text",
    "read_yaml",
    "surface_forms",
]

# kept importable for modules that used them before the split (pipeline: _SPLIT_RE)
_ = (_GAP_RE, _SPLIT_RE, _TERM_PUNCT_OK, _entry_from_mapping)
