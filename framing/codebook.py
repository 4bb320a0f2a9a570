"""The codebook workflow: researchers build, check and version their own lexicons.

A compatibility façade: the code lives in the :mod:`framing.lexicon` package —
:mod:`~framing.lexicon.editing` (resolve, lock, add/remove/set, new),
:mod:`~framing.lexicon.validate` (every problem with file:line),
:mod:`~framing.lexicon.explore` (list, show, kwic, entry statistics, suggestions) and
:mod:`~framing.lexicon.exchange` (CSV, LIWC, quanteda). ``framing.codebook`` re-exports
their public functions so existing imports keep working.

Everything ``framing lexicon ...`` does is a function here; the CLI
(:mod:`framing.cli.lexicon`) only prints what these return.

* **inspect** — :func:`lexicon_table` (one row per lexicon), :func:`show_lexicon`
  (metadata, counts per category/actor, filtered entries).
* **create** — :func:`new_lexicon` writes a commented template.
* **edit** — :func:`add_entry`, :func:`remove_entry`, :func:`set_entry`. Edits are
  *surgical*: only the lines of the edited entry (and a declared category/actor line)
  change; every other byte of the file — comments, order, blank lines, quoting —
  stays as the researcher wrote it. The new text is re-parsed and validated before it
  is written, a write is atomic (temporary file in the same folder, ``fsync``,
  ``os.replace``) and the previous version is kept as ``.<file name>.bak`` next to the
  file. A duplicate (same words after normalization) is refused with the line of the
  existing entry, or merged with ``merge=True``.
* **check** — :func:`validate` collects *every* problem of one or more files as
  :class:`Issue` records with file:line.
* **look at a corpus** — :func:`kwic` (keyword in context, matched exactly as scoring
  matches), :func:`entry_stats` (hits per entry: dead and over-broad entries),
  :func:`suggest_terms` (candidate terms: log-odds with an informative Dirichlet prior
  per outlet, and co-occurrence with each actor's mentions).
* **exchange** — :func:`export_lexicon` / :func:`import_entries`: CSV
  (``term, actor, category, stance, note``), LIWC ``.dic`` and quanteda YAML.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = new_lexicon("egypt", directory=folder, description="Egypt 2013 labels")
>>> add_entry(path, "الشرطة", category="actor_label", actor="police", stance=0.0,
...           new_actor="The police and the Interior Ministry").action
'added'
>>> add_entry(path, "الشرطه", category="actor_label", actor="police")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
framing.errors.LexiconError: ...'الشرطه' is already at line ... as 'الشرطة' (actor police, category ...
>>> [i.severity for i in validate(path)]
[]
"""
from __future__ import annotations

from framing.lexicon.editing import (
    CSV_COLUMNS,
    ENTRY_FIELDS,
    EXPORT_FORMATS,
    LOCK_TIMEOUT,
    EditResult,
    add_entry,
    backup_path,
    edit_lock,
    new_lexicon,
    remove_entry,
    resolve_lexicon,
    set_entry,
    template_path,
    user_lexicon_dir,
)
from framing.lexicon.exchange import (
    NO_ACTOR,
    ImportResult,
    export_lexicon,
    import_entries,
)
from framing.lexicon.explore import (
    KWIC_COLUMNS,
    SUGGEST_COLUMNS,
    ShownLexicon,
    entry_stats,
    kwic,
    lexicon_table,
    read_entries,
    show_lexicon,
    suggest_terms,
)
from framing.lexicon.validate import (
    Issue,
    validate,
)

__all__ = [
    "CSV_COLUMNS",
    "ENTRY_FIELDS",
    "EXPORT_FORMATS",
    "KWIC_COLUMNS",
    "LOCK_TIMEOUT",
    "NO_ACTOR",
    "SUGGEST_COLUMNS",
    "EditResult",
    "ImportResult",
    "Issue",
    "ShownLexicon",
    "add_entry",
    "backup_path",
    "edit_lock",
    "entry_stats",
    "export_lexicon",
    "import_entries",
    "kwic",
    "lexicon_table",
    "new_lexicon",
    "read_entries",
    "remove_entry",
    "resolve_lexicon",
    "set_entry",
    "show_lexicon",
    "suggest_terms",
    "template_path",
    "user_lexicon_dir",
    "validate",
]
