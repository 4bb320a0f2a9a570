"""The language of a document: from its text (script share, then English function words),
or as a ``language`` field / manifest column says.

Arabic (``ar``) and English (``en``) are analysed; any other language is an input problem
(``unsupported language``, the document skipped) whose detail names what was found.

>>> detect_language("قالت وزارة الخارجية إن قوات النظام قصفت المدينة").language
'ar'
>>> detect_language("The regime forces shelled the town on Tuesday, activists said.").language
'en'
>>> d = detect_language("Die Truppen des Regimes haben die Stadt beschossen und das ist nicht neu.")
>>> d.language, d.reason
('de', 'Latin script, German function words (not English)')
>>> language_of("English", "نص عربي").language
'en'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["SUPPORTED_LANGUAGES", "Detection", "detect_language", "language_code", "language_of"]

#: the languages the analysis handles
SUPPORTED_LANGUAGES = ("ar", "en")

#: how much of a text detection reads (the first characters: enough for the script and words)
_SAMPLE_CHARS = 3_000
#: Arabic wins when this share of the letters is Arabic script (an Arabic article quoting
#: English names stays Arabic)
_ARABIC_SHARE = 0.2
#: English needs this share of its words to be common English function words
_FUNCTION_SHARE = 0.08

_ARABIC_RE = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:'[A-Za-z]+)?")
#: letters of Persian and Urdu, not of Arabic (پ چ ژ گ ک ی ے)
#: markup the reader later excludes (tags, character entities such as &amp;): not words of any language
_MARKUP_RE = re.compile(r"<[^<>\n]{0,500}>|&(?:[A-Za-z]{2,10}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_PERSIAN_RE = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc\u06d2]")

#: the most frequent English function words (a text of English has many of them)
_ENGLISH = frozenset((
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was", "by", "it", "at",
    "from", "said", "has", "are", "be", "have", "this", "an", "were", "will", "not", "which", "its", "but",
    "their", "his", "they", "had", "been", "who", "after", "also", "would", "there", "or", "more", "than",
    "he", "she", "we", "into", "about", "over", "against", "could", "when", "what", "other", "some", "while"))
#: function words of other Latin-script languages: the reason names the language
_OTHERS = {
    "fr": ("French", frozenset(["le", "la", "les", "des", "du", "est", "et", "une", "dans", "que", "qui", "pour", "pas", "sur", "au", "aux", "avec", "ce", "cette"])),
    "de": ("German", frozenset(["der", "die", "das", "und", "ist", "nicht", "ein", "eine", "den", "dem", "mit", "von", "zu", "auf", "sich", "des", "im"])),
    "es": ("Spanish", frozenset(["el", "los", "las", "del", "que", "y", "en", "es", "por", "con", "una", "para", "como", "pero", "se", "al", "su"])),
    "tr": ("Turkish", frozenset(["ve", "bir", "bu", "da", "de", "ile", "için", "olarak", "olan", "gibi", "daha", "çok", "ama", "ne"])),
}
_NAMES = {"arabic": "ar", "عربي": "ar", "العربية": "ar", "عربية": "ar", "ara": "ar",
          "english": "en", "eng": "en", "انجليزي": "en", "الإنجليزية": "en", "الانجليزية": "en"}


@dataclass(frozen=True, slots=True)
class Detection:
    """A language decision: ``language`` (a code such as ``ar``, ``en``, ``fr``, or ``und``),
    where it came from (``source``: ``text`` or ``field``) and, when not supported, why."""

    language: str
    source: str = "text"
    reason: str = ""

    @property
    def supported(self) -> bool:
        return self.language in SUPPORTED_LANGUAGES


def language_code(value: str) -> str:
    """A field's language value as a code: ``English``/``en-GB``/``eng`` → ``en``, ``Arabic`` → ``ar``.

    >>> language_code("en-GB"), language_code(" Arabic "), language_code("fr_FR")
    ('en', 'ar', 'fr')
    """
    v = value.strip().lower()
    if v in _NAMES:
        return _NAMES[v]
    return re.split(r"[-_]", v, maxsplit=1)[0] or "und"


_ARABIC_RUN_RE = re.compile(_ARABIC_RE.pattern + "+")


def _arabic_letters(text: str) -> int:
    """How many letters of ``text`` are Arabic script (counted by runs: a few matches a word)."""
    return sum(map(len, _ARABIC_RUN_RE.findall(text)))


def _script_name(text: str) -> str:
    """The Unicode script of the first letter of ``text`` (``Cyrillic``, ``Hebrew`` …)."""
    m = _LETTER_RE.search(text)
    if m is None:
        return "no"
    name = unicodedata.name(m.group(), "")
    return name.split(" ")[0].title() if name else "an unknown"


def detect_language(text: str) -> Detection:
    """The language of ``text``: Arabic when at least a fifth of its letters are Arabic script
    (Persian and Urdu letters with their function words are told apart), English when Latin
    letters dominate and common English function words are frequent; otherwise the language
    or script found (``fr``, ``de``, ``es``, ``tr`` by their function words, else ``und``)."""
    head = text[:600]  # the common case, at once: an Arabic text is mostly Arabic letters
    if _arabic_letters(head) * 2 >= len(head) > 0 and not _PERSIAN_RE.search(head):
        return Detection("ar")
    sample = _MARKUP_RE.sub(" ", text[:_SAMPLE_CHARS]) if "<" in text or "&" in text else text[:_SAMPLE_CHARS]
    arabic = _arabic_letters(sample)
    letters = len(_LETTER_RE.findall(sample))
    if letters == 0:
        return Detection("und", reason="no letters (numbers or symbols only)")
    if arabic >= _ARABIC_SHARE * letters:
        persian = len(_PERSIAN_RE.findall(sample))
        if persian > 0.03 * arabic and re.search(r"(?:^|\s)(?:است|این|را|می)(?:\s|$)", sample):
            return Detection("fa", reason="Arabic script with Persian letters and words (پ چ ژ گ ک ی)")
        return Detection("ar")
    latin = len(_LATIN_RE.findall(sample))
    if latin < 0.5 * letters:
        return Detection("und", reason=f"{_script_name(_LATIN_RE.sub('', _ARABIC_RE.sub('', sample)))} script")
    words = [w.lower() for w in _LATIN_WORD_RE.findall(sample)]
    english = sum(w in _ENGLISH for w in words)
    best = max(_OTHERS, key=lambda k: sum(w in _OTHERS[k][1] for w in words))
    other = sum(w in _OTHERS[best][1] for w in words)
    if english > other and english >= _FUNCTION_SHARE * len(words):
        return Detection("en")
    if other > english:
        return Detection(best, reason=f"Latin script, {_OTHERS[best][0]} function words (not English)")
    return Detection("und", reason="Latin script without the common words of English")


def language_of(field_value: object, text: str) -> Detection:
    """The language of a document: its ``language`` field (or manifest column) when given,
    else :func:`detect_language` of its text."""
    if isinstance(field_value, str) and field_value.strip():
        code = language_code(field_value)
        return Detection(code, "field", "" if code in SUPPORTED_LANGUAGES else
                         f"the language field says {field_value.strip()!r}")
    return detect_language(text)
