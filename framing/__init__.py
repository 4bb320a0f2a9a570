"""framing — an Arabic-first multi-source media framing analyzer.

Editable lexicons of actor labels and loaded terms, attribution (who is quoted, with
which verbs), topic models and cross-outlet events, scored per document and compared
per outlet, with every number traceable to the words that produced it.

>>> import framing
>>> result = framing.compare("seeds", topics=False)  # doctest: +SKIP
>>> result.outlets.head()  # doctest: +SKIP
>>> framing.load_run("outputs/seeds").hits  # doctest: +SKIP

>>> from framing import Matcher, load_lexicons
>>> matcher = Matcher(load_lexicons(kind="framing"))  # doctest: +SKIP
>>> [h.term for h in matcher.find("قصفت قوات النظام بدعم من الاحتلال الروسي")]  # doctest: +SKIP
['قوات النظام', 'الاحتلال الروسي']

Heavy libraries (bertopic, torch, seaborn) are imported only when a stage needs them;
``compare``, ``load_run``, ``Result`` and ``load_corpus`` (which need pandas) on first use.
"""

import sys
import types
from typing import TYPE_CHECKING

from framing.errors import FramingError
from framing.lexicon import Lexicon, Matcher, load_lexicon, load_lexicons
from framing.normalize import normalize_ar, tokenize
from framing.records import Attribution, Document, Hit, Problem, Span

if TYPE_CHECKING:
    from framing.api import compare
    from framing.corpus import load_corpus
    from framing.result import Result, load_run

__version__ = "0.1.0"

class _Package(types.ModuleType):
    """The ``framing`` package: ``framing.compare`` stays the API function.

    ``framing/compare.py`` (outlet statistics) is also a submodule named ``compare``;
    importing it (``from framing.compare import outlet_scores``) would otherwise replace
    the function on the package. The submodule stays importable by its full name.
    """

    def __setattr__(self, name: str, value) -> None:
        if name == "compare" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

#: public names imported on first use (``import framing`` stays light for the CLI)
_LAZY = {"compare": "framing.api", "load_run": "framing.result", "Result": "framing.result",
         "load_corpus": "framing.corpus"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'framing' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Attribution",
    "Document",
    "FramingError",
    "Hit",
    "Lexicon",
    "Matcher",
    "Problem",
    "Result",
    "Span",
    "__version__",
    "compare",
    "load_corpus",
    "load_lexicon",
    "load_lexicons",
    "load_run",
    "normalize_ar",
    "tokenize",
]
