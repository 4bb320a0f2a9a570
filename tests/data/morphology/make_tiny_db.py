"""Write ``tiny-morphology.db``: a tiny but valid camel-tools morphology database.

The real CALIMA-Star databases (``camel_data -i morphology-db-msa-r13``) cannot be
downloaded in the test environment, so the tests use this hand-made one. It has the
same text format (``camel_tools.morphology.database.MorphologyDB._parse_dbfile``):
DEFINES, DEFAULTS, ORDER, TOKENIZATIONS, STEMBACKOFF, PREFIXES, SUFFIXES, STEMS and
the three compatibility tables. Like the real databases, prefix, stem and suffix keys
are undiacritized and normalized the way ``Analyzer`` normalizes its input (أإآ → ا,
ى → ي, ة → ه); ``diac`` and ``lex`` keep hamzas and diacritics, and ``lex`` carries a
``_1`` sense suffix.

It knows a handful of nouns whose forms the rule-based affix matcher of
:mod:`framing.lexicon` cannot relate to their lemma: broken plurals (ثوار → ثائر,
فصائل → فصيل, أسلحة → سلاح) and ميليشيات → ميليشيا, plus قوة/قوات, مسلح and
proclitics و ب لل ال and their combinations.

Run ``python tests/data/morphology/make_tiny_db.py`` to rewrite the committed file;
``tests/test_morphology.py`` checks that the committed file is what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DB_FILE = HERE / "tiny-morphology.db"

_FEATS = ("diac", "lex", "bw", "gloss", "pos", "prc2", "prc1", "prc0", "enc0", "gen", "num", "d3tok")

# (key, category, features) — feature values never contain spaces
PREFIXES = [
    ("", "Pref-0", {"diac": "", "bw": "", "gloss": "", "prc2": "0", "prc1": "0", "prc0": "0", "d3tok": ""}),
    ("و", "Pref-Wa", {"diac": "وَ", "bw": "وَ/CONJ", "gloss": "and", "prc2": "wa_conj", "d3tok": "وَ+_"}),
    ("ال", "Pref-Al", {"diac": "ال#", "bw": "ال/DET", "gloss": "the", "prc0": "Al_det", "d3tok": "ال+"}),
    ("وال", "Pref-WaAl", {"diac": "وَال#", "bw": "وَ/CONJ+ال/DET", "gloss": "and+the", "prc2": "wa_conj",
                          "prc0": "Al_det", "d3tok": "وَ+_ال+"}),
    ("ب", "Pref-Bi", {"diac": "بِ", "bw": "بِ/PREP", "gloss": "by", "prc1": "bi_prep", "d3tok": "بِ+_"}),
    ("بال", "Pref-BiAl", {"diac": "بِال#", "bw": "بِ/PREP+ال/DET", "gloss": "by+the", "prc1": "bi_prep",
                          "prc0": "Al_det", "d3tok": "بِ+_ال+"}),
    ("وبال", "Pref-WaBiAl", {"diac": "وَبِال#", "bw": "وَ/CONJ+بِ/PREP+ال/DET", "gloss": "and+by+the",
                             "prc2": "wa_conj", "prc1": "bi_prep", "prc0": "Al_det", "d3tok": "وَ+_بِ+_ال+"}),
    ("لل", "Pref-LiAl", {"diac": "لِل#", "bw": "لِ/PREP+ال/DET", "gloss": "for+the", "prc1": "li_prep",
                         "prc0": "Al_det", "d3tok": "لِ+_ال+"}),
    ("ولل", "Pref-WaLiAl", {"diac": "وَلِل#", "bw": "وَ/CONJ+لِ/PREP+ال/DET", "gloss": "and+for+the",
                            "prc2": "wa_conj", "prc1": "li_prep", "prc0": "Al_det", "d3tok": "وَ+_لِ+_ال+"}),
]

SUFFIXES = [
    ("", "Suff-0", {"diac": "", "bw": "", "gloss": "", "enc0": "0", "d3tok": ""}),
    ("ه", "Suff-ap", {"diac": "َة", "bw": "َة/NSUFF_FEM_SG", "gloss": "", "gen": "-", "num": "-", "d3tok": "َة"}),
    ("ات", "Suff-At", {"diac": "ات", "bw": "ات/NSUFF_FEM_PL", "gloss": "", "gen": "f", "num": "p",
                       "d3tok": "ات"}),
    ("ين", "Suff-iyn", {"diac": "ِين", "bw": "ِين/NSUFF_MASC_PL_ACCGEN", "gloss": "", "num": "p",
                        "d3tok": "ِين"}),
    ("ون", "Suff-uwn", {"diac": "ُون", "bw": "ُون/NSUFF_MASC_PL_NOM", "gloss": "", "num": "p",
                        "d3tok": "ُون"}),
    ("هم", "Suff-hum", {"diac": "هُم", "bw": "هُم/POSS_PRON_3MP", "gloss": "their", "enc0": "3mp_poss",
                        "d3tok": "_+هُم"}),
    ("اتهم", "Suff-At_hum", {"diac": "اتهُم", "bw": "ات/NSUFF_FEM_PL+هُم/POSS_PRON_3MP", "gloss": "their",
                             "gen": "f", "num": "p", "enc0": "3mp_poss", "d3tok": "ات_+هُم"}),
]

STEMS = [
    # broken plurals: the lemma is not an affixed form of the plural
    ("ثوار", "N-bp", {"diac": "ثُوّار", "lex": "ثائِر_1", "bw": "ثُوّار/NOUN", "gloss": "revolutionaries",
                      "pos": "noun", "gen": "m", "num": "p"}),
    ("ثوار", "N", {"diac": "ثَوّار", "lex": "ثَوّار_1", "bw": "ثَوّار/ADJ", "gloss": "rebellious",
                   "pos": "adj", "gen": "m", "num": "s"}),
    ("ثائر", "N", {"diac": "ثائِر", "lex": "ثائِر_1", "bw": "ثائِر/NOUN", "gloss": "revolutionary",
                   "pos": "noun", "gen": "m", "num": "s"}),
    ("فصائل", "N-bp", {"diac": "فَصائِل", "lex": "فَصِيل_1", "bw": "فَصائِل/NOUN", "gloss": "factions",
                       "pos": "noun", "gen": "m", "num": "p"}),
    ("فصيل", "N", {"diac": "فَصِيل", "lex": "فَصِيل_1", "bw": "فَصِيل/NOUN", "gloss": "faction",
                   "pos": "noun", "gen": "m", "num": "s"}),
    ("اسلح", "N-bp-ap", {"diac": "أَسْلِح", "lex": "سِلاح_1", "bw": "أَسْلِح/NOUN", "gloss": "weapons",
                         "pos": "noun", "gen": "f", "num": "p"}),
    ("سلاح", "N", {"diac": "سِلاح", "lex": "سِلاح_1", "bw": "سِلاح/NOUN", "gloss": "weapon",
                   "pos": "noun", "gen": "m", "num": "s"}),
    # ميليشيا / ميليشيات: the plural drops the final alef
    ("ميليشيا", "N", {"diac": "مِيلِيشْيا", "lex": "مِيلِيشْيا_1", "bw": "مِيلِيشْيا/NOUN", "gloss": "militia",
                      "pos": "noun", "gen": "f", "num": "s"}),
    ("ميليشي", "N-At", {"diac": "مِيلِيشْي", "lex": "مِيلِيشْيا_1", "bw": "مِيلِيشْي/NOUN", "gloss": "militia",
                        "pos": "noun", "gen": "f", "num": "s"}),
    # قوة / قوات: stem قو + ة or ات
    ("قو", "N-ap", {"diac": "قُوّ", "lex": "قُوَّة_1", "bw": "قُوّ/NOUN", "gloss": "force",
                    "pos": "noun", "gen": "f", "num": "s"}),
    # مسلح: sound plurals and feminine
    ("مسلح", "N-sound", {"diac": "مُسَلَّح", "lex": "مُسَلَّح_1", "bw": "مُسَلَّح/ADJ", "gloss": "armed",
                         "pos": "adj", "gen": "m", "num": "s"}),
    # the stem of every unknown word when the analyzer backs off
    ("NOAN", "N-NOAN", {"diac": "NOAN", "lex": "NOAN", "bw": "NOAN/NOUN_PROP", "gloss": "NOAN",
                        "pos": "noun_prop", "gen": "m", "num": "s"}),
]

#: stem category -> suffix categories it takes
STEM_SUFFIX = {
    "N": ("Suff-0", "Suff-hum"),
    "N-bp": ("Suff-0", "Suff-hum"),
    "N-bp-ap": ("Suff-ap",),
    "N-At": ("Suff-At", "Suff-At_hum"),
    "N-ap": ("Suff-ap", "Suff-At", "Suff-At_hum"),
    "N-sound": ("Suff-0", "Suff-ap", "Suff-iyn", "Suff-uwn", "Suff-At"),
    "N-NOAN": ("Suff-0",),
}
#: the definite article excludes possessive pronouns
_POSSESSIVE = {"Suff-hum", "Suff-At_hum"}
_DEFINITE = {"Pref-Al", "Pref-WaAl", "Pref-BiAl", "Pref-WaBiAl", "Pref-LiAl", "Pref-WaLiAl"}


def _feats(values: dict[str, str]) -> str:
    return " ".join(f"{k}:{values[k]}" for k in _FEATS if k in values)


#: like the real databases, a stem lists every feature; a prefix or suffix value other
#: than "-" or "" overrides it when camel merges prefix, stem and suffix
_STEM_DEFAULTS = {"prc2": "0", "prc1": "0", "prc0": "0", "enc0": "0"}


def db_text() -> str:
    """The database file's text."""
    lines = ["###DEFINES###"]
    lines += [
        "DEFINE pos pos:noun pos:noun_prop pos:adj pos:digit pos:punc pos:latin pos:foreign",
        "DEFINE prc2 prc2:0 prc2:wa_conj",
        "DEFINE prc1 prc1:0 prc1:bi_prep prc1:li_prep",
        "DEFINE prc0 prc0:0 prc0:Al_det",
        "DEFINE enc0 enc0:0 enc0:3mp_poss",
        "DEFINE gen gen:m gen:f gen:-",
        "DEFINE num num:s num:p num:-",
    ]
    lines += [f"DEFINE {k} {k}:*open*" for k in ("diac", "lex", "bw", "gloss", "d3tok")]
    lines.append("###DEFAULTS###")
    for pos in ("noun", "digit", "punc", "latin"):
        lines.append(f"DEFAULT pos:{pos} diac:* lex:* bw:* gloss:* prc2:0 prc1:0 prc0:0 enc0:0 gen:- num:- d3tok:*")
    lines.append("###ORDER###")
    lines.append("ORDER pos diac lex bw gloss prc2 prc1 prc0 enc0 gen num d3tok")
    lines.append("###TOKENIZATIONS###")
    lines.append("TOKENIZATION d3tok")
    lines.append("###STEMBACKOFF###")
    lines.append("STEMBACKOFF ALL N-NOAN")
    lines.append("STEMBACKOFF PROP N-NOAN")
    lines.append("###PREFIXES###")
    lines += [f"{key}\t{cat}\t{_feats(f)}" for key, cat, f in PREFIXES]
    lines.append("###SUFFIXES###")
    lines += [f"{key}\t{cat}\t{_feats(f)}" for key, cat, f in SUFFIXES]
    lines.append("###STEMS###")
    lines += [f"{key}\t{cat}\t{_feats(_STEM_DEFAULTS | f)}" for key, cat, f in STEMS]
    lines.append("###TABLE AB###")
    lines += [f"{p} {s}" for _, p, _ in PREFIXES for s in STEM_SUFFIX]
    lines.append("###TABLE BC###")
    lines += [f"{s} {x}" for s, xs in STEM_SUFFIX.items() for x in xs]
    lines.append("###TABLE AC###")
    lines += [f"{p} {x}" for _, p, _ in PREFIXES for _, x, _ in SUFFIXES
              if not (p in _DEFINITE and x in _POSSESSIVE)]
    return "\n".join(lines) + "\n"


def write_tiny_db(path: str | Path = DB_FILE) -> Path:
    """Write the database to ``path`` and return it."""
    path = Path(path)
    path.write_text(db_text(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_tiny_db(sys.argv[1] if len(sys.argv) > 1 else DB_FILE))
