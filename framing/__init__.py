"""framing — an Arabic-first multi-source media framing analyzer.

Editable lexicons of actor labels and loaded terms, attribution (who is quoted, with
which verbs), topic models and cross-outlet events, scored per document and compared
per outlet, with every number traceable to the words that produced it.

>>> from framing import Matcher, load_lexicons
>>> matcher = Matcher(load_lexicons(kind="framing"))  # doctest: +SKIP
>>> [h.term for h in matcher.find("قصفت قوات النظام بدعم من الاحتلال الروسي")]  # doctest: +SKIP
['قوات النظام', 'الاحتلال الروسي']

Heavy libraries (bertopic, torch, seaborn) are imported only when a stage needs them.
"""

from framing.errors import FramingError
from framing.lexicon import Lexicon, Matcher, load_lexicon, load_lexicons
from framing.normalize import normalize_ar, tokenize
from framing.records import Attribution, Document, Hit, Problem, Span

__version__ = "0.1.0"

__all__ = [
    "Attribution",
    "Document",
    "FramingError",
    "Hit",
    "Lexicon",
    "Matcher",
    "Problem",
    "Span",
    "__version__",
    "load_lexicon",
    "load_lexicons",
    "normalize_ar",
    "tokenize",
]
