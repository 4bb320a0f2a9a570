"""Optional morphology-database backend for lexicon matching (camel-tools).

The lexicon :class:`~framing.lexicon.Matcher` relates a token to a lexicon word with
rules (proclitics on the first word, suffixes on the last). Rules cannot relate a
broken plural to its singular (الثوار → ثائر, الفصائل → فصيل, الأسلحة → سلاح). With a
camel-tools morphology database (for example CALIMA-Star MSA, installed with
``camel_data -i morphology-db-msa-r13``), :class:`MorphologyLemmatizer` analyses each
token and gives its lemmas (``lex``) and clitic-free stems (``stem``), normalized like
the matcher's words; the matcher then also counts a token when an entry word is one of
them::

    framing compare CORPUS --morphology-db ~/.camel_tools/data/morphology_db/calima-msa-r13/morphology.db

The database is a text file that camel-tools parses itself
(:class:`camel_tools.morphology.database.MorphologyDB` and
:class:`camel_tools.morphology.analyzer.Analyzer`); nothing here re-implements it.

>>> lemmatize = MorphologyLemmatizer("tests/data/morphology/tiny-morphology.db")  # doctest: +SKIP
>>> lemmatize("والثوار")  # doctest: +SKIP
('ثائر', 'ثوار')
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
import types
from collections.abc import Sequence
from pathlib import Path

from framing.errors import ConfigError
from framing.normalize import normalize_ar

__all__ = ["GET_DB_HINT", "MorphologyLemmatizer"]

#: how to get a database (the error messages repeat it)
GET_DB_HINT = ("on a machine with internet run 'pip install camel-tools' and 'camel_data -i morphology-db-msa-r13', "
               "then pass the path of the installed morphology.db (under ~/.camel_tools/data/morphology_db/"
               "calima-msa-r13/) with --morphology-db")

_BACKOFFS = ("NONE", "NOAN_ALL", "NOAN_PROP", "ADD_ALL", "ADD_PROP")
#: features whose normalized value is a word: the lemma and the clitic-free stem
_WORD_FEATURES = ("lex", "stem")
#: a token the analyzer can analyse: Arabic letters only (digits, Latin and mixed tokens are skipped)
_ARABIC_WORD_RE = re.compile("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]+")
_ONE_WORD_RE = re.compile(r"[^\W_]+")
#: camel-tools lemmas carry a sense number: ثائِر_1, كِتاب-2
_LEX_SENSE_RE = re.compile("[_-]")


def _camel_catalogue_path() -> Path:
    """Where camel-tools looks for its data catalogue (camel_tools.data.catalogue)."""
    env = os.environ.get("CAMELTOOLS_DATA")
    if env is not None:
        return Path(env).expanduser().absolute() / "catalogue.json"
    if sys.platform == "win32":
        return Path.home() / "AppData" / "Roaming" / "camel_tools" / "catalogue.json"
    return Path.home() / ".camel_tools" / "catalogue.json"


def _camel_morphology():
    """Import camel-tools' ``MorphologyDB``, ``Analyzer`` and ``DatabaseParseError``.

    ``camel_tools.morphology.database`` imports ``camel_tools.data``, which downloads
    camel-tools' dataset catalogue at import time when it is not on disk yet — and fails
    offline. A database given by path never needs that catalogue (only
    ``MorphologyDB.builtin_db`` does), so when the catalogue is missing the import runs
    against a stand-in ``camel_tools.data`` module that is removed again right after.
    """
    if importlib.util.find_spec("camel_tools") is None:
        from framing.errors import missing_dependency

        raise missing_dependency("camel-tools", "--morphology-db")
    stub = None
    if ("camel_tools.morphology.database" not in sys.modules and "camel_tools.data" not in sys.modules
            and not _camel_catalogue_path().exists()):
        stub = types.ModuleType("camel_tools.data")
        stub.CATALOGUE = None  # only MorphologyDB.builtin_db/list_builtin_dbs read it
        sys.modules["camel_tools.data"] = stub
    try:
        from camel_tools.morphology.analyzer import Analyzer
        from camel_tools.morphology.database import MorphologyDB
        from camel_tools.morphology.errors import MorphologyError
    finally:
        if stub is not None and sys.modules.get("camel_tools.data") is stub:
            del sys.modules["camel_tools.data"]
    return MorphologyDB, Analyzer, MorphologyError


def _resolve(db_path: str | Path) -> Path:
    path = Path(db_path).expanduser()
    if path.is_dir():
        inner = path / "morphology.db"
        if inner.is_file():
            return inner
        raise ConfigError("folder has no morphology.db", path=path, hint=GET_DB_HINT)
    if not path.exists():
        raise ConfigError("morphology database not found", path=path, hint=GET_DB_HINT)
    return path


class MorphologyLemmatizer:
    """Map a token to its lemmas and stems with a camel-tools morphology database.

    Callable as the ``lemmatizer`` of :class:`framing.lexicon.Matcher`: ``lemmatizer(token)``
    returns the distinct values of ``fields`` over all analyses of ``token``, each
    dediacritized and normalized with :func:`framing.normalize.normalize_ar` (``lex`` without
    its ``_1`` sense number), in the analyser's order. Tokens that are not all Arabic letters,
    and words the database does not know, give ``()``.

    Args:
        db_path: a camel-tools ``morphology.db`` file (or the folder holding one).
        analyzer_backoff: camel-tools backoff mode, ``"NONE"`` (default: unknown words have no
            analysis) or ``NOAN_ALL``/``NOAN_PROP``/``ADD_ALL``/``ADD_PROP`` (unknown words get
            guessed stems; needs a database with backoff stems).
        fields: analysis features to return; ``"lex"`` (lemma) and ``"stem"`` (the stem without
            clitics and inflectional suffixes) by default. Any open-class word feature of the
            database may be named.
        cache_size: how many distinct tokens to remember (oldest forgotten first).

    Raises:
        ConfigError: the file is missing or is not a camel-tools morphology database, or an
            option is invalid.

    >>> lemmatize = MorphologyLemmatizer("tests/data/morphology/tiny-morphology.db")  # doctest: +SKIP
    >>> lemmatize("الأسلحة"), lemmatize("الاسلحه")  # doctest: +SKIP
    (('سلاح', 'اسلح'), ('سلاح', 'اسلح'))
    """

    name = "camel-morphology"

    def __init__(self, db_path: str | Path, *, analyzer_backoff: str = "NONE",
                 fields: Sequence[str] = _WORD_FEATURES, cache_size: int = 200_000):
        self.path = _resolve(db_path)
        if analyzer_backoff not in _BACKOFFS:
            raise ConfigError(f"unknown morphology backoff {analyzer_backoff!r}", hint=f"use one of {', '.join(_BACKOFFS)}")
        if isinstance(fields, str):
            fields = (fields,)
        self.fields = tuple(fields)
        if not self.fields:
            raise ConfigError("no morphology fields given", hint="use fields=('lex', 'stem')")
        if not isinstance(cache_size, int) or cache_size < 0:
            raise ConfigError(f"cache_size must be a non-negative integer, not {cache_size!r}")
        self.analyzer_backoff = analyzer_backoff
        self.cache_size = cache_size
        self._cache: dict[str, tuple[str, ...]] = {}
        self._sha256 = ""

        MorphologyDB, Analyzer, MorphologyError = _camel_morphology()
        try:
            db = MorphologyDB(str(self.path), "a")
        except (MorphologyError, UnicodeDecodeError, KeyError, IndexError, TypeError, ValueError) as exc:
            detail = str(exc) if isinstance(exc, MorphologyError) else f"{type(exc).__name__}: {exc}"
            raise ConfigError(f"not a valid camel-tools morphology database ({detail})", path=self.path,
                              hint=GET_DB_HINT) from None
        except OSError as exc:
            raise ConfigError(f"cannot read morphology database ({exc.strerror or exc})", path=self.path,
                              hint="check the file's permissions") from None
        if not db.stem_hash or not db.prefix_hash or not db.suffix_hash or db.order is None:
            raise ConfigError("not a valid camel-tools morphology database (no ORDER, prefixes, suffixes or "
                              "stems found)", path=self.path, hint=GET_DB_HINT)
        unknown = [f for f in self.fields if f not in _WORD_FEATURES and f not in db.defines]
        if unknown:
            raise ConfigError(f"morphology field(s) {unknown} are not features of this database", path=self.path,
                              hint=f"use 'lex', 'stem' or one of {sorted(db.defines)}")
        if analyzer_backoff != "NONE":
            action = analyzer_backoff.split("_")[1]
            if action not in db.stem_backoffs or "NOAN" not in db.stem_hash:
                raise ConfigError(f"this database has no backoff stems for {analyzer_backoff!r}", path=self.path,
                                  hint="use analyzer_backoff='NONE'")
        # A prefix (stem) category with no compatible stem (suffix) is absent from TABLE AB
        # (TABLE BC); camel's analyzer indexes those tables directly and would raise KeyError.
        for cat in {c for analyses in db.prefix_hash.values() for c, _ in analyses}:
            db.prefix_stem_compat.setdefault(cat, set())
        for cat in {c for analyses in db.stem_hash.values() for c, _ in analyses}:
            db.stem_suffix_compat.setdefault(cat, set())
        self.db_ = db
        self.analyzer_ = Analyzer(db, backoff=analyzer_backoff)

    def __repr__(self) -> str:
        return (f"MorphologyLemmatizer({str(self.path)!r}, analyzer_backoff={self.analyzer_backoff!r}, "
                f"fields={self.fields!r})")

    @property
    def sha256(self) -> str:
        """SHA-256 of the database file (for the run manifest)."""
        if not self._sha256:
            digest = hashlib.sha256()
            with self.path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            self._sha256 = digest.hexdigest()
        return self._sha256

    def analyses(self, token: str) -> list[dict]:
        """camel-tools' analyses of ``token`` (one dict of features per analysis)."""
        word = normalize_ar(token).strip()
        if not _ARABIC_WORD_RE.fullmatch(word):
            return []
        return self.analyzer_.analyze(word)

    def __call__(self, token: str) -> tuple[str, ...]:
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        values: dict[str, None] = {}
        for analysis in self.analyses(token):
            for feat in self.fields:
                value = analysis.get(feat)
                if not value or not isinstance(value, str):
                    continue
                if feat == "lex":
                    value = _LEX_SENSE_RE.split(value, maxsplit=1)[0]
                value = normalize_ar(value)
                if _ONE_WORD_RE.fullmatch(value):
                    values[value] = None
        result = tuple(values)
        if self.cache_size:
            if len(self._cache) >= self.cache_size:
                del self._cache[next(iter(self._cache))]
            self._cache[token] = result
        return result

    def clear_cache(self) -> None:
        """Forget the cached analyses."""
        self._cache.clear()
