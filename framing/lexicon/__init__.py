"""Lexicons: YAML files researchers edit by hand, and the compiled matcher.

The package, in the order data flows through it:

* :mod:`~framing.lexicon.yamlio` — the one YAML reader of the project (libyaml's C parser,
  line numbers, YAML 1.2 scalars, bounded aliases);
* :mod:`~framing.lexicon.model` — :class:`Entry`, :class:`Lexicon`, loading, and the one
  validator of a file's content (:func:`check_lexicon_data`; bounded entries);
* :mod:`~framing.lexicon.matcher` — :class:`Matcher`, which finds entries in text with the
  clitic rules of :mod:`framing.normalize`;
* :mod:`~framing.lexicon.editing` — resolve a lexicon, lock it, add / remove / set entries
  keeping every comment, create one from the template;
* :mod:`~framing.lexicon.validate` — every problem of a folder of lexicons, with file:line;
* :mod:`~framing.lexicon.explore` — list, show, kwic, entry statistics, suggestions;
* :mod:`~framing.lexicon.exchange` — CSV, LIWC ``.dic`` and quanteda YAML, both ways.

This module exports the model and the matcher; ``framing.codebook`` re-exports the
workflow functions (editing, validate, explore, exchange) under their historic names.

>>> lex = Lexicon.from_entries("demo", [
...     {"term": "قوات النظام", "actor": "syrian_government", "category": "actor_label", "stance": -0.6},
...     {"term": "النظام", "actor": "syrian_government", "category": "actor_label", "stance": -0.4},
... ])
>>> [(h.term, h.matched) for h in Matcher([lex]).find("ردا على تقدم لقوات النظام. والنظام")]
[('قوات النظام', 'لقوات النظام'), ('النظام', 'والنظام')]
"""

from __future__ import annotations

from framing.lexicon.matcher import Matcher
from framing.lexicon.model import (
    KINDS,
    MATCH_MODES,
    MAX_ENTRIES,
    Collision,
    Entry,
    Issue,
    Lexicon,
    check_lexicon_data,
    collisions,
    default_lexicon_dir,
    lexicon_files,
    lexicon_from_data,
    load_lexicon,
    load_lexicons,
    load_stopwords,
    max_entries,
    normalize_term,
    overlap_lines,
    read_lexicon_text,
)
from framing.lexicon.yamlio import read_yaml
from framing.normalize import surface_forms

__all__ = [
    "KINDS",
    "MATCH_MODES",
    "MAX_ENTRIES",
    "Collision",
    "Entry",
    "Issue",
    "Lexicon",
    "Matcher",
    "check_lexicon_data",
    "collisions",
    "default_lexicon_dir",
    "lexicon_files",
    "lexicon_from_data",
    "load_lexicon",
    "load_lexicons",
    "load_stopwords",
    "max_entries",
    "normalize_term",
    "overlap_lines",
    "read_lexicon_text",
    "read_yaml",
    "surface_forms",
]
