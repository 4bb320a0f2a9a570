"""Attribution in English news text: quotations, reported speech and sourcing phrases.

:class:`EnglishAttributionExtractor` is the English counterpart of
:class:`framing.attribution.AttributionExtractor`: the same :class:`framing.records.Attribution`
records, kinds (``direct_quote``, ``reported_speech``, ``sourcing``) and fields, so
:func:`framing.attribution.assign_voice` gives every hit of an English document its voice.
It finds

* **direct quotes** in every mark (“ ” " and ‘ ’ ' where they pair; the pairing is
  :func:`framing.attribution.find_quotes`, apostrophes inside words are no marks),
  attributed by a reporting verb before or after them ('"...," Lavrov said', 'said Lavrov',
  'he told Reuters', 'X said: "..."');
* **reported speech** after a reporting verb, with or without "that" ("X said that ...",
  "X said the army ...", "X told Reuters on Monday ..."), and before a final verb
  ("the army shelled the town, the Observatory said on Sunday" — also without the comma,
  since some corpora strip punctuation);
* **sourcing phrases** ("according to X", "citing X", "quoting X", "as reported by X"); after
  a verb ("SANA reported citing a military source") the cited source speaks and the verb's
  speaker relays it (``via``), as in "SANA quoted a source as saying ...".

What reports no speech is left out: a negated or infinitive verb ("did not say", "refused to
say"), a passive ("was described as"), a noun ("UN estimates suggest"), a title-case headline
("Turkey Denies Plans"), a participle that reports no words ("a statement asking civilians to
leave"), and the context rules of the verbs lexicon ("claimed the lives of", "an informed
source"). Datelines glued to a first sentence ("AFP Thursday 2 Jun 2016", "MOSCOW (Sputnik)")
are cut from the attributed clause.

The speaker is the phrase naming who speaks: before the verb ("The Syrian Observatory for
Human Rights said"), after it ('said the spokesman'), or — for a pronoun ("he said", "it
added") or a participle ("..., adding that") — the nearest earlier named speaker of the
paragraph: a pronoun is never a speaker. A short re-mention ("Barazi said" after "Homs
Governor Talal Barazi said") is the earlier speaker. The source type comes from the
``sources`` lexicons (``other`` when the speaker is not listed), the cue's stance class from
the ``reporting_verbs`` lexicons (``neutral``, ``assertive``, ``distancing``, ``denial``).

>>> from framing.lexicon import Lexicon
>>> verbs = Lexicon.from_entries("v", [{"term": "said", "category": "neutral", "match": "exact",
...                                     "canonical": "say"}], kind="reporting_verbs", language="en")
>>> sources = Lexicon.from_entries("s", [{"term": "Kremlin", "category": "russian_official"}],
...                                kind="sources", language="en")
>>> text = 'The Kremlin said that "the fight against terrorist groups will go on".'
>>> [a] = EnglishAttributionExtractor([verbs], [sources]).extract(text, doc_id="d")
>>> (a.kind, a.speaker, a.source_type, a.cue, a.cue_lemma, a.quote_text)
('direct_quote', 'Kremlin', 'russian_official', 'said', 'say', 'the fight against terrorist groups will go on')

What is data and what is code: verbs and sources are lexicons researchers edit
(``lexicons/reporting_verbs-en.yaml``, ``lexicons/sources-en.yaml``); the closed-class
grammar — determiners, pronouns, auxiliaries, the prepositions of "said in a statement on
Monday", the sourcing prepositions — is in this module as module-level tables.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from framing.attribution import TextNavigation, attribution_records, find_quotes
from framing.english import ENGLISH, WORD_RE_EN, fold_term, normalize_en, noun_forms, sentence_spans_en
from framing.lexicon import Entry, Lexicon, Matcher
from framing.normalize import Normalized
from framing.records import Attribution

__all__ = ["NEUTRAL_SOURCES_EN", "EnglishAttributionExtractor"]

#: the file name of the domain-neutral English sources lexicon: where a domain pack
#: (sources-syria-en.yaml) names the same words, the pack wins
NEUTRAL_SOURCES_EN = "sources-en.yaml"


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- closed-class grammar (lower case) ------------------------------------------------------

#: words that open a noun phrase and belong to it ("the ministry", "a source")
_DET = _set("the a an its his her their this these those another")
#: personal pronouns: never a speaker; resolved to the nearest earlier named speaker
_PRONOUNS = _set("he she it they we i you him her them us")
#: inside a name, between capitalized words ("Ministry of Defence", "Observatory for Human Rights")
_NAME_LINK = _set("of for on and al el de bin ibn")
#: name prefixes that belong to the name after them ("al-Quds", "bin Laden")
_NAME_PREFIX = _set("al el bin ibn abu")
#: auxiliaries and adverbs between a subject and its verb ("Russia has also said", "he later told")
_AUX = _set("""
has have had is was are were will would could can may might shall should did does do
also later earlier previously repeatedly further again then already reportedly recently often
had been has been once still yet now just however
""")
#: words in -ly that are no adverbs (a speaker phrase may end in them)
_NOT_ADVERBS = _set("italy family ally assembly military daily weekly monthly")
#: forms of "be": a reporting verb after them is a passive ("was reported", "has been described")
_BE = _set("is was were are be been being")
#: before a verb, these mean nobody is reported as saying it ("did not say", "refused to say")
_NEGATORS = _set("""
not never n't no to neither nor without didnt doesnt dont wont cant couldnt wouldnt isnt wasnt hasnt havent hadnt
""")  # (apostrophes stripped, as in FA-KES: "didnt")
#: a verb right after these belongs to a relative clause or a coordination: the subject is earlier
_REL = _set("who which that whom whose")
_COORD = _set("and but while as then")
#: words that never belong to a speaker phrase
_CLOSED = _PRONOUNS | _REL | _COORD | _AUX | _NEGATORS | _set("""
if when after before because since though although until unless whether than so such very also
be been being there here where what how why into onto upon about against between among amid despite
including like unlike toward towards over under during through across around without within
meanwhile however moreover furthermore separately elsewhere additionally likewise instead indeed
""")
#: prepositions of a post-modifier inside a speaker phrase ("a source in Aleppo", "head of mission")
_PP = _set("in at from of for on with near based inside")
#: prepositions whose object (a bare place name) is no subject ("into rights in Syria has said")
_PLACE_PREP = _set("into near across around inside outside throughout")
#: time nouns: never a modifier of a speaker ("earlier in the day media reported")
_TIME_NOUNS = _set("day days week weeks month months year years night morning evening afternoon time hours")
#: place nouns after a place name inside a phrase ("activists in Idlib province")
_PLACE_NOUNS = _set("province city town village area region countryside district neighbourhood neighborhood suburb")
#: lower-case words before a place name inside a phrase ("in northern Syria")
_PLACE_ADJ = _set("northern southern eastern western central northeastern northwestern southeastern southwestern rural")
#: sentence punctuation that ends a phrase (brackets do not: "the Islamic State [IS] group")
_NP_BREAK = frozenset(".;:!?\n")
#: characters between tokens that end a phrase
_PHRASE_BREAK = ",\"“”"
#: source types a definite generic phrase of a neutral type may refer back to ("the monitor")
_OFFICIAL = ("russian_official", "turkish_official", "syrian_government", "iranian_official", "western_official",
             "israeli_official")
_TYPE_FAMILY: dict[str, tuple[str, ...]] = {
    "ngo": ("ngo", "monitor_ngo"),
    "international": ("international", "monitor_ngo"),
    "media": ("media",),
    "military": ("military", "security", *_OFFICIAL),
    "security": ("security", "military", *_OFFICIAL),
    "government": ("government", "presidency", *_OFFICIAL),
    "presidency": ("presidency", "government", *_OFFICIAL),
    "party": ("party", "opposition", "kurdish", "jihadist"),
}
#: heads of "the group said" and the organization types they refer back to
_GROUP_HEADS = _set("group organization organisation watchdog")
_ORGANIZATIONS = frozenset(("monitor_ngo", "ngo", "opposition", "jihadist", "kurdish", "media", "international", "party"))
#: participles that start the next attribution of the same speaker ("..., adding that ...")
_CUT_PARTICIPLES = _set("""
add say note stress warn explain insist confirm claim deny tell accuse announce declare report reveal affirm
emphasize reiterate assert admit acknowledge point out
""")
#: complementizer after the verb (and what may follow it): "said that", "told Reuters that"
_COMP = _set("that")
#: words that open an adverbial after the verb ("said on Monday", "said in a statement")
_PREP = _set("in on at during via through after before late early earlier later from over by with to")
#: the heads that close such an adverbial (or time words on their own)
_ADVERBIAL_HEADS = _set("""
statement statements interview interviews conference briefing briefings speech address remarks comments
communique message post posts tweet tweets twitter facebook telegram website site page channel television tv
radio broadcast call phone telephone session meeting meetings summit talks visit letter report reports
video footage audio recording event rally ceremony forum sidelines parliament council press
monday tuesday wednesday thursday friday saturday sunday today yesterday tonight morning afternoon evening
night week weekend month year day hours time date
january february march april may june july august september october november december
""")
_MONTHS = _set("january february march april may june july august september october november december")
#: capitalized words that name a time, not a speaker ("the group on Tuesday claimed")
_TIME_NAMES = _MONTHS | _set("monday tuesday wednesday thursday friday saturday sunday")
_TIME_WORDS = _set("""
today yesterday tonight monday tuesday wednesday thursday friday saturday sunday also earlier later
separately previously recently meanwhile again too however last this
""")
#: objects of "told": whom it was said to, never the speaker
_AUDIENCE = _set("""
reporters journalists correspondents press media audience crowd parliament lawmakers supporters
""")
#: sourcing prepositions: token sequence → lemma
_SOURCING: dict[tuple[str, ...], str] = {
    ("according", "to"): "according to",
    ("citing",): "citing",
    ("quoting",): "quoting",
    ("as", "reported", "by"): "as reported by",
    ("as", "quoted", "by"): "as quoted by",
    ("in", "the", "words", "of"): "in the words of",
    ("cited", "by"): "cited by",
}
_SOURCING_FIRST = frozenset(k[0] for k in _SOURCING)
#: nouns for a statement or report: "a statement by the ministry" → the ministry speaks
_SPEECH_NOUNS = _set("""
statement statements report reports remarks comments words account accounts version figures data tally toll
estimate estimates communique announcement claim claims
""")
#: heads that make "according to X" a source and not "according to the plan"
_SOURCE_HEADS = _SPEECH_NOUNS | _set("""
source sources official officials spokesman spokeswoman spokesperson spokespeople minister ministry
ministries agency agencies monitor observatory group groups activist activists resident residents
witness witnesses media news newspaper paper daily channel tv television radio website outlet
army military command forces police authorities government presidency president governor ambassador
envoy diplomat diplomats analyst analysts expert experts observers correspondent correspondents reporter
witness doctor doctors medics hospital rescuers commander commanders fighters rebels leader leaders
regime brigade battalion regiment division unit units militia faction factions front organization
organisation committee council commission network coalition movement center centre office body alliance
union association federation authority administration department directorate bureau team mission
delegation campaign foundation institute clinic nurse volunteers worker workers manager director head chief
founder member members secretary deputy adviser advisor representative coordinator lawyer judge mayor
colonel captain lieutenant officer officers soldier soldiers fighter chairman chairwoman premier station
militants extremists jihadists terrorists insurgents gunmen
""")
_SOURCE_HEADS = frozenset(f for w in _SOURCE_HEADS for f in noun_forms(w))  # and their plurals
#: heads that make "according to X" no source ("according to the agreement")
_NOT_SOURCE_HEADS = _set("""
agreement deal plan law laws resolution constitution ceasefire truce terms schedule rules treaty
memorandum roadmap proposal timetable protocol principle principles
""")
#: a quotation without a cue counts as one from this many words
_UNCUED_MIN_WORDS = 6
_RANK_STEP = 1 << 20  # source rank = lexicon rank * _RANK_STEP + entry index
_MAX_NP = 12  # tokens of a speaker phrase
_MAX_SPEAKER_WORDS = 8  # words of a speaker name as written
_MAX_AFTER = 6  # tokens of adverbials skipped after a verb

_PARA_RE = re.compile(r"\n(?:[ \t\r\u00a0]*\n)*")
_TRIM = " \t\n\r\u00a0.,;:!?…-–—"
_BREAK = frozenset(".;:!?()[]\n")


# --- records internal to one document ---------------------------------------------------------


@dataclass(slots=True)
class _Speaker:
    name: str
    source_type: str
    start: int = -1
    end: int = -1
    words: frozenset[str] = frozenset()  # folded words of the name, for re-mentions
    via: str = ""


@dataclass(slots=True)
class _Cue:
    i0: int
    i1: int
    kind: str  # verb | sourcing
    lemma: str
    stance: str = ""
    stance_value: float = 0.0
    participle: bool = False


@dataclass(slots=True)
class _Found:
    kind: str
    quote_start: int
    quote_end: int
    speaker: _Speaker
    cue: _Cue | None
    cue_start: int
    cue_end: int
    para: int


@dataclass
class _Doc(TextNavigation):
    text: str
    toks: list[str]  # as written
    low: list[str]  # folded
    starts: list[int]
    ends: list[int]
    sent_starts: list[int]
    sent_ends: list[int]
    newlines: list[int]
    quotes: list
    quote_starts: list[int]
    verbs: dict[int, _Cue]
    sources: list[tuple[int, int, Entry]]
    claimed: set[int] = field(default_factory=set)
    consumed: set[int] = field(default_factory=set)  # first tokens of cues already read with another
    anon: dict[int, int] = field(default_factory=dict)  # anonymity formulas: first token → token after
    found: list[_Found] = field(default_factory=list)


    def quote_opening_at(self, k: int) -> int | None:
        """The quote whose opening mark stands in the gap right before token ``k``."""
        if k >= len(self.starts):
            return None
        lo = self.ends[k - 1] if k > 0 else 0
        j = bisect.bisect_left(self.quote_starts, lo)
        if j < len(self.quotes) and self.quotes[j].start < self.starts[k]:
            return j
        return None

    def quote_closing_before(self, k: int) -> int | None:
        """A balanced quote whose closing mark stands in the gap right before token ``k``."""
        if k <= 0:
            return None
        lo, hi = self.ends[k - 1], self.starts[k] if k < len(self.starts) else len(self.text)
        j = bisect.bisect_right(self.quote_starts, lo) - 1
        if j >= 0 and self.quotes[j].balanced and lo < self.quotes[j].end <= hi:
            return j
        return None



class EnglishAttributionExtractor:
    """Find quotations, reported speech and sourcing phrases in English text.

    ``verbs``: lexicons of kind ``reporting_verbs`` (``canonical`` = the lemma, category =
    stance class; ``inflect: verb`` entries match their -s, -ed and -ing forms, irregular
    forms are entries of their own); ``sources``: lexicons of kind ``sources`` (category =
    source type, ``canonical`` = the speaker's name). Both are matched by
    :class:`framing.lexicon.Matcher` with the English rules of :mod:`framing.english`
    (inflection, context rules, longest match; the first lexicon listed wins a tie, so a
    domain pack goes before ``sources-en.yaml``). Lexicons of another language are ignored.

    >>> ex = EnglishAttributionExtractor([], [])
    >>> [(a.kind, a.speaker, a.cue) for a in ex.extract("Five died, according to local sources.", doc_id="d")]
    [('sourcing', 'local sources', 'according to')]
    """

    def __init__(self, verbs: Sequence[Lexicon], sources: Sequence[Lexicon]):
        self.verbs = [lx for lx in verbs if getattr(lx, "language", "en") == "en"]
        self.sources = [lx for lx in sources if getattr(lx, "language", "en") == "en"]
        # precedence of source lexicons: domain packs first, the neutral sources-en.yaml last
        self.sources.sort(key=lambda lx: lx.path is not None and Path(lx.path).name == NEUTRAL_SOURCES_EN)
        self._verb_entries = {e.id: e for lx in self.verbs for e in lx.entries}
        self._source_entries = {e.id: e for lx in self.sources for e in lx.entries}
        self._source_rank = {e.id: r * _RANK_STEP + i for r, lx in enumerate(self.sources)
                             for i, e in enumerate(lx.entries)}
        self._verb_matcher = Matcher(self.verbs, rules=ENGLISH) if self.verbs else None
        self._source_matcher = Matcher(self.sources, rules=ENGLISH) if self.sources else None

    # -- public -------------------------------------------------------------------------------

    def extract(self, text: str, *, doc_id: str = "", normalized=None) -> list[Attribution]:
        """All attributions of ``text``, ordered by position, ids 1, 2, ... within the document.

        Offsets index ``text``: ``text[a.quote_start:a.quote_end] == a.quote_text``.
        ``normalized`` may pass ``framing.english.normalize_en(text)`` when the caller has it.
        """
        if not text or not text.strip():
            return []
        d = self._prepare(text, doc_id, normalized)
        cues = self._cues(d)
        for cue in cues:
            if cue.i0 in d.consumed:
                continue
            qi = d.inside_quote(d.starts[cue.i0])
            if qi is not None and d.quotes[qi].balanced:
                continue  # the quoted speaker's own verbs
            if cue.kind == "verb":
                self._verb(d, cue)
            else:
                self._sourcing(d, cue)
        self._uncued(d)
        return self._records(d, doc_id)

    def headline_colon(self, title: str, attrs: Sequence[Attribution], *, doc_id: str = "",
                       normalized=None) -> list[Attribution]:
        """``attrs`` (what :meth:`extract` found in ``title``) and the colon attribution of a
        headline, which drops its reporting verb: "Lavrov: the US is not fighting terrorists"
        (the speaker before the colon) or, as wires write it, "Death toll rises to 76: monitor"
        (after it). Added when no attribution covers the claim already; ids renumbered. When
        both readings are possible, the surer speaker wins (a listed source, then a source noun,
        then a capitalized name; a phrase with lower-case words that is neither names nobody:
        "Islamic State seizes air base: monitor"), then the one before the colon.

        The speaker is resolved as a phrase before a verb is (the sources lexicons type it,
        ``canonical`` names it). No attribution for a label ("Factbox:", "Breaking:",
        "Update:"), a question ("Syria: have the gloves come off?"), a lower-case word before
        the colon ("title: ..."), a speaker of more than five words (four after the colon),
        digits (a time "19:02"), or, after the colon, a phrase that is neither a known source,
        nor a source noun ("activists", "rights group"), nor a capitalized name ("Putin").

        >>> ex = EnglishAttributionExtractor([], [])
        >>> [(a.speaker, a.cue, a.quote_text) for a in ex.headline_colon("Lavrov: US not fighting terrorists", [])]
        [('Lavrov', ':', 'US not fighting terrorists')]
        >>> [(a.speaker, a.quote_text) for a in ex.headline_colon("Bombs kill 13 fighters: monitor", [])]
        [('monitor', 'Bombs kill 13 fighters')]
        >>> ex.headline_colon("Factbox: Syria's city of Hama", [])
        []
        """
        attrs = list(attrs)
        if ":" not in title:
            return attrs
        d = None
        candidates: list[tuple[int, bool, Attribution]] = []  # the surest speaker wins, then the one before
        for lead, m in ((True, _HEADLINE_LEAD_RE.match(title)), (False, _HEADLINE_TAIL_RE.match(title))):
            if m is None:
                continue
            (s0, s1), (q0, q1) = (m.span(1), m.span(2)) if lead else (m.span(2), m.span(1))
            if any(a.quote_start < q1 and q0 < a.quote_end for a in attrs):
                return attrs
            if d is None:
                d = self._prepare(title, doc_id, normalized)
            who = [k for k in range(len(d.toks)) if s0 <= d.starts[k] < s1]
            claim = [k for k in range(len(d.toks)) if q0 <= d.starts[k] < q1]
            if not who or len(claim) < 2 or len(who) > (_HEADLINE_SPEAKER_WORDS if lead else _HEADLINE_SPEAKER_WORDS - 1):
                continue
            if not lead and not d.toks[who[0]][:1].isupper():  # "...: monitor Sylvia Westall" (a byline)
                low = [k for k in who if not d.toks[k][:1].isupper()]
                if low == who[:len(low)] and len(low) < len(who):
                    who = low
            first, last = who[0], who[-1]
            if d.low[first] in _HEADLINE_LABELS or (lead and (not d.toks[first][:1].isupper()
                                                              or title[q0:q1].rstrip().endswith("?"))):
                continue
            sp = self._speaker(d, first, last + 1)
            if sp is None:
                continue
            # how sure: a listed source, a source noun ("monitor", "Minister of Health"), a name
            score = 2 if sp.source_type != "other" else 1 if d.low[last] in _SOURCE_HEADS else 0
            if score == 0 and not all(d.toks[k][:1].isupper() for k in who):
                continue  # "Islamic State seizes air base: ...", "...: a new phase" name nobody
            colon = title.rfind(":", 0, s0) if not lead else title.find(":", s1)
            candidates.append((-score, not lead, Attribution(
                doc_id=doc_id, attribution_id=0, kind="reported_speech", quote_start=q0, quote_end=q1,
                speaker=sp.name, source_type=sp.source_type, cue=":", speaker_start=sp.start, speaker_end=sp.end,
                cue_start=colon, cue_end=colon + 1, quote_text=title[q0:q1])))
        if not candidates:
            return attrs
        out = sorted([*attrs, min(candidates, key=lambda c: c[:2])[2]],
                     key=lambda a: (a.quote_start, a.cue_start, a.quote_end))
        return [replace(a, attribution_id=k) for k, a in enumerate(out, 1)]

    # -- preparation --------------------------------------------------------------------------

    def _prepare(self, text: str, doc_id: str, norm: Normalized | None) -> _Doc:
        if norm is None or not isinstance(norm, Normalized):
            norm = normalize_en(text)
        toks, low, starts, ends = [], [], [], []
        for m in WORD_RE_EN.finditer(norm.text):
            a, b = norm.original_span(*m.span())
            tok = text[a:b]
            toks.append(tok)
            starts.append(a)
            ends.append(b)
            # an acronym keeps its capitals, so that "WHO" or "US" is never the pronoun "who" / "us"
            letters = [c for c in tok if c.isalpha()]
            acronym = len(letters) > 1 and all(c.isupper() for c in letters[:-1]) and tok.rstrip("'’s").isupper()
            word = fold_term(m.group())
            low.append(word.upper() if acronym else word)
        sents = sentence_spans_en(text)
        newlines = [m.start() for m in _PARA_RE.finditer(text)]
        quotes = find_quotes(text)
        d = _Doc(text, toks, low, starts, ends, [s for s, _ in sents], [e for _, e in sents], newlines,
                 quotes, [q.start for q in quotes], {}, [])
        tok_at = {st: i for i, st in enumerate(starts)}

        def spans(matcher: Matcher | None, entries: dict[str, Entry]):
            if matcher is None:
                return
            for h in matcher.find(text, doc_id=doc_id, normalized=norm):
                i0 = tok_at.get(h.start)
                e = entries.get(h.entry_id)
                if i0 is None or e is None:
                    continue
                yield i0, max(i0 + 1, bisect.bisect_left(starts, h.end)), e

        for i0, i1, e in spans(self._verb_matcher, self._verb_entries):
            if i0 not in d.verbs:
                d.verbs[i0] = _Cue(i0, i1, "verb", e.canonical or e.term, e.category, e.stance,
                                   participle=low[i0].endswith("ing"))  # "adding", "calling on"
        # one source per span: the entry of the lexicon that comes first (a pack before sources-en)
        best: dict[tuple[int, int], Entry] = {}
        for i0, i1, e in spans(self._source_matcher, self._source_entries):
            old = best.get((i0, i1))
            if old is None or self._source_rank[e.id] < self._source_rank[old.id]:
                best[(i0, i1)] = e
        d.sources = sorted(((i0, i1, e) for (i0, i1), e in best.items()), key=lambda x: (x[0], -x[1]))
        d.anon = {m: end for m in range(len(low)) if (end := _anonymity_at(low, m))}
        return d

    def _cues(self, d: _Doc) -> list[_Cue]:
        cues: list[_Cue] = []
        covered: set[int] = set()
        for i, tok in enumerate(d.low):
            if tok not in _SOURCING_FIRST:
                continue
            for key, lemma in _SOURCING.items():
                if tuple(d.low[i:i + len(key)]) == key and not any(
                        c in _BREAK for j in range(i + 1, i + len(key)) for c in d.gap(j)):
                    cues.append(_Cue(i, i + len(key), "sourcing", lemma))
                    covered.update(range(i, i + len(key)))
                    break
        cues.extend(v for i, v in d.verbs.items() if i not in covered)
        cues.sort(key=lambda c: c.i0)
        return cues

    # -- speaker phrases ----------------------------------------------------------------------

    def _np_back(self, d: _Doc, end: int, floor: int) -> int:
        """Start token of the speaker phrase that ends before token ``end`` (``end`` if none).

        Back over capitalized words, known sources, source heads and their lower-case
        modifiers ("monitoring group", "medical source"), the links of names ("Ministry of
        Defence") and the prepositions of a post-modifier ("a source in Aleppo", "the manager of
        Al-Quds hospital"), up to a determiner (included; with a name right before it, the name
        too: "Hamza Khatib the manager of ..."), punctuation, a quote or the sentence start. A
        bare place after a preposition ("a commission into rights in Syria has said") is no
        subject: then ``end``.
        """
        known_start: dict[int, int] = {}
        known_end: dict[int, int] = {}
        for a, b, _ in d.sources:
            known_start[a] = max(b, known_start.get(a, b))
            known_end[b] = min(a, known_end.get(b, a))
        k = end
        n = lower_run = 0

        def head_next_any(t: int) -> bool:  # "Britain-based war monitor", "New York-based group"
            return any(d.low[u] in _SOURCE_HEADS or u in known_start for u in range(t, min(end, t + 3)))

        while k > floor and n < _MAX_NP:
            j = k - 1
            if k < end and (any(c in _NP_BREAK or c in _PHRASE_BREAK for c in d.gap(k))
                            or d.quote_closing_before(k) is not None):
                break
            if k == end and (any(c in _NP_BREAK for c in d.gap(k)) or d.quote_closing_before(k) is not None):
                break  # '"...," says al-Hajj': the words before the quote mark are no subject
            if j in d.verbs:
                break
            ks = known_end.get(k)
            if ks is not None and ks >= floor:
                k = ks
                n += 1
                lower_run = 0
                continue
            tok, low = d.toks[j], d.low[j]
            if low in _DET and j - 1 > floor and d.low[j - 1] in _PP and not d.gap(j).strip() and (
                    d.low[j - 2] in _SOURCE_HEADS or d.toks[j - 2][:1].isupper()) and not any(
                    c in _NP_BREAK or c in _PHRASE_BREAK for c in d.gap(j - 1)):
                k = j - 1  # "the manager of the hospital": on through "of the"
                n += 2
                continue
            if low in _DET and low in ("a", "an") and j in known_end and known_end[j] >= floor:
                k = known_end[j]  # "the Syrian Observatory for Human Rights a Britain-based war monitor"
                n += 1
                continue
            if low in _DET:
                k = j
                # apposition without commas (FA-KES): "Hamza Khatib the manager of ..."
                a = j
                while (a > floor and j - a < 4 and d.toks[a - 1][:1].isupper() and d.low[a - 1] not in _CLOSED
                       and a - 1 not in d.verbs and not any(c in _BREAK or c in _PHRASE_BREAK for c in d.gap(a))):
                    a -= 1
                if a < j and (a == floor or d.low[a - 1] in _COORD or d.low[a - 1] in _REL):
                    k = a
                break
            if low in _CLOSED or low.isdigit() or low in _TIME_NAMES or (low.endswith("ing") and j == floor and tok[:1].isupper()):
                break
            if tok[:1].isupper() or low in _SOURCE_HEADS:
                k = j
                n += 1
                lower_run = 0
                continue
            nxt_np = k < end and (d.toks[k][:1].isupper() or d.low[k] in _DET or d.low[k] in _SOURCE_HEADS)
            prev_np = j > floor and (d.toks[j - 1][:1].isupper() or d.low[j - 1] in _SOURCE_HEADS or j in known_end
                                     or d.low[j - 1] == "based")
            if low == "based" and k < end and (d.low[k] in ("in", "at") or (d.gap(j) == "-" and head_next_any(k))) and prev_np:
                k = j  # "the Syrian Observatory for Human Rights based in Britain"
                n += 1
                continue
            if low in ("pro", "anti") and k < end and d.gap(k) == "-":
                k = j  # "pro-Damascus media"
                continue
            if (low in _NAME_LINK or low in _PP) and nxt_np and (prev_np or low in _NAME_PREFIX):
                k = j
                n += 1
                continue
            # a lower-case modifier: of a head ("monitoring group", "medical source"), or a
            # direction before a place ("northern Syria")
            head_next = k < end and (d.low[k] in _SOURCE_HEADS or (k in known_start and not d.toks[k][:1].isupper()))
            if low in _PLACE_NOUNS and prev_np and not nxt_np:
                k = j  # "activists in Idlib province"
                n += 1
                continue
            after_det = j > floor and d.low[j - 1] in _DET
            if (lower_run < 2 and k < end and low.isalpha() and len(low) > 2 and not low.endswith("ly")
                    and low not in _TIME_NOUNS
                    and (not low.endswith("ed") or after_det) and (head_next or low in _PLACE_ADJ or after_det)):
                k = j
                n += 1
                lower_run += 1
                continue
            break
        # a phrase never starts with a name link or preposition ("of the ...")
        while k < end and (d.low[k] in _NAME_LINK or d.low[k] in _PP):
            k += 1
        if (k < end and k > floor and d.low[k - 1] in _PP | _PLACE_PREP and all(d.toks[t][:1].isupper() for t in range(k, end))
                and not any(c in _BREAK or c in _PHRASE_BREAK for c in d.gap(k)) and not any(x[0] <= k < x[1] for x in d.sources
                                                                                    if x[2].category != "anonymous")):
            return end  # the object of a preposition, not the subject
        return k

    def _np_forward(self, d: _Doc, start: int, limit: int) -> int:
        """End token (exclusive) of a speaker phrase starting at ``start`` (``start`` if none)."""
        k = start
        n = 0
        if k < limit and d.low[k] in _DET:
            k += 1
        while k < limit and n < _MAX_NP:
            if k > start and any(c in _BREAK or c in ",\"“”" for c in d.gap(k)):
                break
            if k > start and d.quote_opening_at(k) is not None:
                break
            if k in d.verbs and k > start:
                break
            tok, low = d.toks[k], d.low[k]
            known = next(((e, x) for s, e, x in d.sources if s == k), None)
            if known is not None:
                k = known[0]
                n += 1
                if known[1].canonical and k < limit and d.toks[k][:1].isupper() and d.low[k] not in _NAME_LINK \
                        and not any(s == k for s, _, _ in d.sources):
                    break  # "according to Al-Manar Syrian forces ...": a new phrase begins
                continue
            if low in _PRONOUNS or low in _REL or low in _AUX or low in _COMP or low in _NEGATORS:
                break
            if low in _DET and k > start:
                break
            if tok[:1].isupper() or low in _SOURCE_HEADS:
                k += 1
                n += 1
                continue
            if low in ("by", "from", "of", "for", "at", "in") and n >= 1 and k + 1 < limit and (
                    d.low[k - 1] in _SOURCE_HEADS or d.toks[k - 1][:1].isupper()) and (
                    d.toks[k + 1][:1].isupper() or d.low[k + 1] in _DET or d.low[k + 1] in _SOURCE_HEADS):
                k += 1
                continue
            # a lower-case modifier before a head ("local sources", "a military source")
            if low.isalpha() and k + 1 < limit and (d.low[k + 1] in _SOURCE_HEADS or d.toks[k + 1][:1].isupper()) \
                    and not low.endswith("ly") and n < 3:
                k += 1
                n += 1
                continue
            break
        while k > start and d.low[k - 1] in _NAME_LINK | _DET | {"by", "from", "at", "in"}:
            k -= 1
        return k if k > start + (1 if d.low[start] in _DET else 0) else start

    def _speaker(self, d: _Doc, s: int, e: int) -> _Speaker | None:
        """Resolve tokens [s, e) to a speaker; ``None`` for an empty phrase or a pronoun.

        The source type is the one of the outermost named source in the phrase (an unnamed one
        if there is no named one), the name its ``canonical`` or the words of the text: the
        person of an apposition ("Hamza Khatib the manager of ..."), else the phrase without
        its determiner. A definite generic phrase ("the monitor", "the ministry", "the
        statement") and a short re-mention ("Barazi") are the earlier speaker they refer to.
        """
        if e <= s:
            return None
        if e - s == 1 and (d.low[s] in _PRONOUNS or d.low[s] in _DET):
            return None  # "he said", "this said": nobody named
        # "a statement by the ministry": the speaker is the ministry
        for k in range(s, min(e, s + 4)):
            if d.low[k] in ("by", "from", "of") and k > s and d.low[k - 1] in _SPEECH_NOUNS and k + 1 < e:
                s = k + 1
                break
        t = s
        while t < e - 1 and d.low[t] in _DET:
            t += 1
        words = frozenset(d.low[k] for k in range(t, e) if d.low[k] not in _NAME_LINK and d.low[k] not in _PP)
        known = [x for x in d.sources if s <= x[0] < e and x[1] <= e
                 and not (x[0] > 0 and d.low[x[0] - 1] in ("pro", "anti") and d.gap(x[0]) == "-")]
        known = [x for x in known if not any(y is not x and y[0] <= x[0] and x[1] <= y[1] for y in known)]
        # a named source before an unnamed one ("a source at Aleppo Police Command" is the police),
        # then a domain pack before the neutral lexicon, then the last one
        pool = [x for x in known if x[2].category != "anonymous"] or known
        heads = [x for x in pool if not d.toks[x[0]][:1].isupper()]  # named sources written in lower case
        if heads:
            # ... unless the head follows the name right away ("SANA news agency", "SANA reporter")
            pool = [x for x in pool if not (x[2].match == "name" and x[1] < heads[-1][0])] or pool
        if pool:
            best = min(self._source_rank[x[2].id] // _RANK_STEP for x in pool)
            pool = [x for x in pool if self._source_rank[x[2].id] // _RANK_STEP == best]
        hit = pool[-1] if pool else None
        start, end = d.starts[s], d.ends[e - 1]
        # the person of an apposition: capitalized words, then a determiner and a title
        a = t
        while a < e and d.toks[a][:1].isupper() and d.low[a] not in _DET:
            a += 1
        apposition = t < a < e - 1 and a - t <= 4 and (
            d.low[a] in _DET or (a - t >= 2 and d.low[a] in _SOURCE_HEADS and not any(x[0] == t for x in known)
                                 and not any(x[0] >= a and x[2].category != "anonymous" for x in known)))
        name_end = a if apposition else min(e, t + _MAX_SPEAKER_WORDS)
        name = re.sub(r"\s+", " ", d.text[d.starts[t]:d.ends[name_end - 1]]).strip(_TRIM + "\"'“”‘’")
        if t == d.tok_at_or_after(d.sentence(d.starts[t])[0]) and d.toks[t][1:2].islower() \
                and (d.low[t] in _SOURCE_HEADS or d.low[t] in _PLACE_ADJ or (hit is not None and hit[2].term[:1].islower()
                                                                            and hit[0] == t)):
            name = name[:1].lower() + name[1:]  # "Activists said" at a sentence start: "activists"
        definite = d.low[s] in ("the", "this", "that", "these") and t > s
        # "the Britain-based monitor" is generic too: a place before "based" names no one
        content = [k for k in range(t, e) if not (k + 1 < e and d.low[k + 1] == "based") and d.low[k] != "based"]
        generic = definite and len(content) <= 3 and not any(d.toks[k][:1].isupper() for k in content)
        if generic and (hit is None or not hit[2].canonical):
            back = self._refer_back(d, start, d.low[e - 1], hit[2].category if hit is not None else "")
            if back is not None:
                return _Speaker(back.name, back.source_type, start, end, back.words)
        if hit is not None:
            entry = hit[2]
            # the capitalized tail after the last title word ("Homs Governor Talal Barazi", "state
            # department spokeswoman Jen Psaki", "the manager of al-Quds hospital Hamza Khatib")
            b = e
            while b > max(s, hit[1]) and d.toks[b - 1][:1].isupper() and d.low[b - 1] not in _TIME_NAMES:
                b -= 1
            tail = range(b, e)
            person = (len(tail) >= 2 and b > s and (b == hit[1] or d.low[b - 1] in _SOURCE_HEADS)
                      and not any(b <= x[0] < e for x in d.sources))
            if person:  # a title, then the person's name: the person speaks for the institution
                name = re.sub(r"\s+", " ", d.text[d.starts[b]:d.ends[e - 1]]).strip(_TRIM)
            elif entry.canonical and apposition and hit[0] >= a:
                pass  # the title's canonical after a named person: keep the person
            elif entry.canonical:
                name = entry.canonical
            return _Speaker(name, entry.category, start, end, words)
        b = e
        while b > t and d.toks[b - 1][:1].isupper() and d.low[b - 1] not in _TIME_NAMES:
            b -= 1
        if e - b >= 2 and b > t and d.low[b - 1] in _SOURCE_HEADS:
            name = re.sub(r"\s+", " ", d.text[d.starts[b]:d.ends[e - 1]]).strip(_TRIM)  # "activist Khaled Amer"
        # a re-mention of an earlier speaker: "Barazi" after "Homs Governor Talal Barazi",
        # "the Observatory" after "the Syrian Observatory for Human Rights"
        para = d.para(start)
        # the whole phrase, else its last one or two capitalized words ("Hasakeh Abdel Rahman" without
        # the comma of "..., Abdel Rahman said")
        tails = [words] if e - t <= 2 else []
        for n in (2, 1):
            if e - n > t and all(d.toks[k][:1].isupper() and len(d.low[k]) > 3 for k in range(e - n, e)):
                tails.append(frozenset(d.low[k] for k in range(e - n, e)))
        for tail in tails:
            for f in reversed(d.found):
                if f.para < para - 3:
                    break
                sp = f.speaker
                if sp.name and tail and tail <= sp.words and len(sp.words) > len(tail):
                    return _Speaker(sp.name, sp.source_type, start, end, sp.words)
        return _Speaker(name, "other", start, end, words)

    def _refer_back(self, d: _Doc, pos: int, head: str, category: str) -> _Speaker | None:
        """The earlier speaker a definite generic phrase refers to, up to three paragraphs back:
        any speaker for "the statement" / "the report"; else the nearest whose name has the
        head word ("the ministry" → "Russian Defence Ministry"), or whose source type is of the
        phrase's family ("the monitor" → the Syrian Observatory)."""
        para = d.para(pos)
        seen = []
        for f in reversed(d.found):
            if f.para < para - 3:
                break
            if f.cue_start < pos and f.speaker.name:
                seen.append(f.speaker)
        if not seen:
            return None
        if head in _SPEECH_NOUNS:
            return seen[0]
        family = _TYPE_FAMILY.get(category, ())
        for sp in seen:  # the nearest with the head word or of the family
            if head in sp.words or (head.endswith("s") and head[:-1] in sp.words) or sp.source_type in family:
                return sp
        if head in _GROUP_HEADS:  # "the group said": an organization that spoke this sentence or the one before
            j = bisect.bisect_right(d.sent_starts, pos) - 1
            floor = d.sent_starts[j - 1] if j >= 1 else 0
            for f in reversed(d.found):
                if f.cue_start < floor:
                    break
                if f.cue_start < pos and f.speaker.name and f.speaker.source_type in _ORGANIZATIONS:
                    return f.speaker
        return None

    def _context(self, d: _Doc, pos: int) -> _Speaker | None:
        """The nearest earlier named speaker in the paragraph of ``pos``; without one, a named
        source mentioned in this sentence or the one before ('Lavrov spoke in Moscow. "...," he
        said')."""
        para = d.para(pos)
        for f in reversed(d.found):
            if f.cue_start >= pos:
                continue
            if f.para < para:
                break
            if f.speaker.name:
                return f.speaker
        j = bisect.bisect_right(d.sent_starts, pos) - 1
        floor = d.sent_starts[j - 1] if j >= 1 else 0
        for i0, i1, e in reversed(d.sources):
            at = d.starts[i0]
            if at >= pos or e.category == "anonymous" or d.inside_quote(at) is not None:
                continue
            if at < floor or d.para(at) != para:
                break
            return self._speaker(d, i0, i1)
        return None

    def _sentence_subject(self, d: _Doc, s_start: int, before: int) -> _Speaker | None:
        """The subject phrase opening the sentence, when it ends at a verb ("X did not say ... but said")."""
        k0 = d.tok_at_or_after(s_start)
        e = self._np_forward(d, k0, before)
        if e <= k0:
            return None
        return self._speaker(d, k0, e)

    # -- cue handlers ---------------------------------------------------------------------------

    def _skip_adverbials(self, d: _Doc, k: int, limit: int) -> int:
        """Past "in a statement", "on Monday", "late on Tuesday", "also" after a verb."""
        while k < limit:
            low = d.low[k]
            if low in _TIME_WORDS and low not in ("last", "this"):
                k += 1
                continue
            if low in ("last", "this") and k + 1 < limit and d.low[k + 1] in _ADVERBIAL_HEADS:
                k += 2
                continue
            if low in _PREP and not (k + 1 < limit and d.low[k + 1] in ("least", "most")):  # "said at least 20 ..."
                stop = None
                for j in range(k + 1, min(limit, k + _MAX_AFTER)):
                    if any(c in _BREAK for c in d.gap(j)):
                        break
                    # a number only in a date ("on 3 April", "on April 3")
                    date = d.low[j].isdigit() and (d.low[j - 1] in _MONTHS or (j + 1 < limit and d.low[j + 1] in _MONTHS))
                    if d.low[j] in _ADVERBIAL_HEADS or date:
                        stop = j
                        # "on Monday April 3", "in a statement on its website": the longest run
                        if j + 1 < limit and (d.low[j + 1] in _ADVERBIAL_HEADS or (d.low[j + 1].isdigit() and d.low[j] in _MONTHS)):
                            continue
                        break
                    if d.low[j] in _COMP or j in d.verbs:
                        break
                if stop is None:
                    return k
                k = stop + 1
                continue
            return k
        return k

    def _verb(self, d: _Doc, cue: _Cue) -> None:
        pos = d.starts[cue.i0]
        s_start, s_end = d.sentence(pos)
        first = d.tok_at_or_after(s_start)
        last = d.tok_at_or_after(s_end)  # token after the sentence
        # --- the speaker before the verb -------------------------------------------------------
        k = cue.i0
        if cue.i0 > first and d.toks[cue.i0][:1].isupper():
            return  # title case ("Turkey Denies Plans", "Comment via Facebook"): a headline or a link, no speech
        if cue.participle and cue.i0 == first and cue.i1 < last and d.low[cue.i1] == "by":
            return  # "Reporting by Tom Perry": a credit line
        nxt = tuple(d.low[cue.i1:cue.i1 + 3])
        if not cue.participle and nxt[:2] in (("to", "be"), ("to", "have")):
            return  # "jets believed to be Russian", "a man said to have fled": no speaker cited
        if any(a0 <= cue.i0 < a1 for a0, a1 in d.anon.items()):
            return  # "who asked not to be named": the formula, not speech
        if cue.participle and cue.lemma not in _CUT_PARTICIPLES and not (
                cue.i1 < last and (d.low[cue.i1] in _COMP or d.quote_opening_at(cue.i1) is not None)):
            return  # "a statement asking civilians to leave": no words reported
        if cue.i1 < last and cue.i1 in d.verbs and not d.gap(cue.i1).strip() and not cue.participle \
                and not d.verbs[cue.i1].participle:
            return  # a noun before a verb ("UN estimates suggest", "reports said")
        b = cue.i0
        while b > first and (d.low[b - 1] in ("also", "not", "never", "reportedly", "widely", "later", "earlier", "long")
                             or d.low[b - 1].endswith("ly")):
            b -= 1
        if b > first and d.low[b - 1] in _BE and not cue.participle:
            return  # a passive ("has been described as", "were also claimed"): nobody is cited speaking
        anon_before = False
        for a0, a1 in d.anon.items():
            if a1 == k and a0 > first:  # "a resident who asked not to be named told Reuters"
                k = a0 - 1 if d.low[a0 - 1] == "who" and a0 - 1 > first else a0
                anon_before = True
                break
        while k > first and not any(c in _BREAK for c in d.gap(k)):
            w = d.low[k - 1]
            if (w in _AUX or w in _TIME_NAMES or w in ("yesterday", "today", "tonight", "meanwhile", "however", "long")
                    or (w.endswith("ly") and len(w) > 4 and w.isalpha() and w not in _NOT_ADVERBS)):
                k -= 1
                if k > first and d.low[k - 1] in ("on", "last", "this", "late", "early") and d.low[k] in _TIME_NAMES:
                    k -= 1  # "the group on Tuesday claimed"
                continue
            break
        if k > first and d.low[k - 1] in _NEGATORS and not any(c in _BREAK for c in d.gap(k)):
            return  # "did not say", "refused to say", "without saying"
        if k >= 2 and d.low[k - 2] in ("not", "never") and d.low[k - 1] in _AUX:
            return  # "has not yet said"
        speaker: _Speaker | None = None
        subj_s = subj_e = k
        pronoun = False
        if cue.participle and k > first:
            # "..., with the official SANA news agency saying ...": the phrase after "with" speaks
            s0 = self._np_back(d, k, first)
            w = next((t for t in range(k - 1, max(first, s0 - 1) - 1, -1) if d.low[t] == "with"), None)
            if w is not None and w + 1 < k:
                speaker = self._speaker(d, w + 1, k)
                subj_s = w + 1
        if not cue.participle and k > first:
            prev = d.low[k - 1]
            if prev in _PRONOUNS:
                pronoun = True
                subj_s = k - 1
            elif prev in _REL and k - 1 > first:
                # "Lavrov who said ...": the antecedent
                s = self._np_back(d, k - 1, first)
                if s < k - 1:
                    speaker = self._speaker(d, s, k - 1)
                    subj_s = s
            elif prev not in _COORD:
                s = self._np_back(d, k, first)
                if s == k:
                    # "The country also considers": a determiner and a noun or two the phrase rules
                    # do not know are still the subject (not someone from the context)
                    b = k
                    while b > first and k - b < 3 and d.low[b - 1].isalpha() and d.low[b - 1] not in _CLOSED \
                            and not d.gap(b).strip(" ") and d.low[b - 1] not in _DET:
                        b -= 1
                    if (b < k and b > first and d.low[b - 1] in ("the", "this", "that") and not d.gap(b).strip(" ")
                            and (b - 1 == first or d.low[b - 2] in _COORD or d.quote_closing_before(b - 1) is not None)):
                        s = b - 1
                if s < k:
                    speaker = self._speaker(d, s, k)
                    subj_s = s
        # --- "X quoted Y as saying ...": Y speaks, X relays ------------------------------------
        j = cue.i1
        if cue.lemma in ("quote", "cite") and not cue.participle and j < last:
            e = self._np_forward(d, j, last)
            after = self._skip_adverbials(d, e, last) if e > j else j
            nxt = d.verbs.get(after + 1) if after + 1 < last and d.low[after] == "as" else None
            if e > j and nxt is not None and nxt.participle:
                quoted = self._speaker(d, j, e)
                if quoted is not None:
                    if speaker is None and pronoun:
                        speaker = self._context(d, pos)
                    d.consumed.add(nxt.i0)
                    relay = speaker.name if speaker is not None else ""
                    self._content_after(d, nxt, nxt.i1, last, s_end, replace(quoted, via=relay))
                    return
        # --- after the verb: inverted subject, "told X", adverbials, "that" -------------------
        inverted = False
        # a subject the lexicons do not know ("... a tax on non-Muslims said the resident who ...") gives
        # way to a source phrase after the verb
        weak = (speaker is not None and speaker.source_type == "other"
                and not any(subj_s <= x[0] < k for x in d.sources) and not anon_before)
        if (speaker is None or weak) and not pronoun and j < last and cue.lemma not in ("tell",):
            # '"...," said the spokesman.' / '..., said Lavrov.'
            e = self._np_forward(d, j, last)
            if weak and not (e > j and (any(j <= x[0] < e for x in d.sources)
                                         or any(d.low[t] in _SOURCE_HEADS for t in range(j, e)))):
                e = j  # keep the subject before the verb
            after_np = self._skip_adverbials(d, e, last) if e > j else j
            ends_np = e > j and (after_np >= last or any(c in ",;" for c in d.gap(after_np)))
            # without commas (FA-KES): 'we will not leave said Noha 45 asking ...', '... said the
            # Observatory adding that ...': the phrase after the verb ends at the sentence end, an
            # age, a participle, "who" or an apposition
            if e > j and not ends_np and after_np < last and cue.i0 > first:
                nxt = d.low[after_np]
                c2 = d.verbs.get(after_np)
                ends_np = (nxt.isdigit() or nxt in ("who", "a", "an", "the") or (c2 is not None and c2.participle)
                           ) and (d.toks[j][:1].isupper() or d.low[j] in _DET)
            if ends_np and (d.quote_closing_before(subj_e) is not None or any(c in "," for c in d.gap(cue.i0))
                            or not any(c in ",;" for c in d.text[d.starts[first]:d.starts[cue.i0]])):
                after_speaker = self._speaker(d, j, e)
                if after_speaker is not None:
                    speaker, inverted, j = after_speaker, True, after_np
                    subj_s = subj_e = cue.i0
        if (d.low[cue.i0] == "told" or cue.lemma == "tell") and j < last and d.quote_opening_at(j) is None:
            # "told Reuters", "told reporters": whom it was said to
            e = self._np_forward(d, j, last)
            if e == j and d.low[j] in _AUDIENCE:
                e = j + 1
            elif e == j and d.low[j] == "the" and j + 1 < last and d.low[j + 1] in _AUDIENCE:
                e = j + 2  # "told the press"
            while e < last and d.low[e] in _AUDIENCE and not d.gap(e).strip():
                e += 1
            j = e
        j = self._skip_adverbials(d, j, last)
        quote_after = d.quote_opening_at(j) if j < last else None
        if j < last and d.low[j] in _COMP and quote_after is None:
            j += 1
            quote_after = d.quote_opening_at(j) if j < last else None
        # --- the attributed span ---------------------------------------------------------------
        span: tuple[str, int, int] | None = None
        if not inverted:
            qb = d.quote_closing_before(subj_s)
            if qb is not None and qb not in d.claimed and (j >= last or quote_after is None):
                # '"...," he said.' — the quote before the speaker
                d.claimed.add(qb)
                q = d.quotes[qb]
                span = ("direct_quote", q.inner_start, q.inner_end)
        else:
            qb = d.quote_closing_before(cue.i0)
            if qb is not None and qb not in d.claimed:
                d.claimed.add(qb)
                q = d.quotes[qb]
                span = ("direct_quote", q.inner_start, q.inner_end)
            elif cue.i0 - first >= 2:
                # 'the army shelled the town, said the Observatory': the clause before the verb
                start = s_start
                for f in reversed(d.found):
                    if f.cue_start < s_start:
                        break
                    start = max(start, f.quote_end)
                    break
                end = _trim_end(d.text, start, d.starts[cue.i0])
                if end > start and d.tok_at_or_after(end) - d.tok_at_or_after(start) >= 2:
                    span = ("reported_speech", start, end)
        if span is None and quote_after is not None and quote_after not in d.claimed \
                and d.quotes[quote_after].start < s_end + 1:
            d.claimed.add(quote_after)
            q = d.quotes[quote_after]
            span = ("direct_quote", q.inner_start, q.inner_end)
        starts_cue = j < last and ((d.low[j] in _SOURCING_FIRST and any(
            tuple(d.low[j:j + len(key)]) == key for key in _SOURCING)) or (j in d.verbs and d.verbs[j].participle))
        if starts_cue and d.low[j] in ("citing", "quoting"):
            e = self._np_forward(d, j + 1, last)
            if j + 1 < e < last and d.low[e] in _COMP:  # "media reported citing a statement that ..."
                j, starts_cue = e + 1, False
        if span is None and last - j >= 2 and not starts_cue:
            # "X said (that) the army ...": to the end of the sentence, or before a participle cue
            end_tok = last
            for t in range(j + 1, last):
                c = d.verbs.get(t)
                if c is not None and d.inside_quote(d.starts[t]) is not None:
                    continue  # the quoted words' own verbs
                speech = c is not None and c.participle and (
                    c.lemma in _CUT_PARTICIPLES or (c.i1 < last and (d.low[c.i1] in _COMP or d.quote_opening_at(c.i1) is not None)))
                if speech or (d.low[t] in _SOURCING_FIRST and t > j + 1 and any(ch == "," for ch in d.gap(t))):
                    end_tok = t
                    break
            start = d.starts[j]
            end = d.ends[end_tok - 1]
            end = _trim_end(d.text, start, end)
            if end > start:
                span = ("reported_speech", start, end)
        if span is None and not inverted and (speaker is not None or pronoun) and subj_s > first:
            # "the army shelled the town(,) the Observatory said on Sunday."
            start = s_start
            for f in reversed(d.found):
                if f.cue_start < s_start:
                    break
                start = max(start, f.quote_end, f.cue_end, f.speaker.end if f.speaker.start >= s_start else -1)
                break
            while start < len(d.text) and (d.text[start] in _TRIM or d.text[start] in "\"'“”‘’"):
                start += 1
            end = _trim_end(d.text, start, d.starts[subj_s])
            if end > start and d.tok_at_or_after(end) - d.tok_at_or_after(start) >= 2:
                span = ("reported_speech", start, end)
                qb = d.inside_quote(start)
                if qb is not None:
                    d.claimed.add(qb)
        if span is None:
            return
        if speaker is None:
            if not pronoun and (cue.participle or (k > first and d.low[k - 1] in _COORD)):
                # "X did not say ... but said", "..., adding that": the speaker cued earlier in the
                # sentence, else the subject that opens it
                speaker = next((f.speaker for f in reversed(d.found) if f.cue_start >= s_start
                                and f.cue_start < pos and f.speaker.name), None)
                if speaker is None:
                    speaker = self._sentence_subject(d, s_start, cue.i0)
            if speaker is None:
                speaker = self._context(d, pos)
            if speaker is None:
                speaker = _Speaker("", "other")
        if speaker.name and speaker.source_type != "anonymous" and (anon_before or any(
                d.starts[a] >= s_start and d.starts[a] < s_end for a in d.anon)):
            speaker = replace(speaker, source_type="anonymous")  # "..., said a resident who asked not to be named"
        kind, qs, qe = span
        self._add(d, kind, qs, qe, speaker, cue)

    def _content_after(self, d: _Doc, cue: _Cue, j: int, last: int, s_end: int, speaker: _Speaker) -> None:
        """The words after token ``j`` (past adverbials and "that") as the speaker's: a quotation
        that opens there, else the clause to the end of the sentence."""
        j = self._skip_adverbials(d, j, last)
        if j < last and d.low[j] in _COMP and d.quote_opening_at(j) is None:
            j += 1
        qa = d.quote_opening_at(j) if j < last else None
        if qa is not None and qa not in d.claimed:
            d.claimed.add(qa)
            q = d.quotes[qa]
            self._add(d, "direct_quote", q.inner_start, q.inner_end, speaker, cue)
        elif last - j >= 2:
            start = d.starts[j]
            end = _trim_end(d.text, start, s_end)
            if end > start:
                self._add(d, "reported_speech", start, end, speaker, cue)

    def _sourcing(self, d: _Doc, cue: _Cue) -> None:
        pos = d.starts[cue.i0]
        s_start, s_end = d.sentence(pos)
        first = d.tok_at_or_after(s_start)
        last = d.tok_at_or_after(s_end)
        s = cue.i1
        e = self._np_forward(d, s, last)
        if e <= s:
            return
        heads = {d.low[k] for k in range(s, e)}
        if not any(x[0] >= s and x[0] < e for x in d.sources) and not (heads & _SOURCE_HEADS) \
                and not any(d.toks[k][:1].isupper() for k in range(s, e)):
            return
        if heads & _NOT_SOURCE_HEADS and not heads & (_SOURCE_HEADS - _SPEECH_NOUNS):
            return  # "according to the agreement"
        speaker = self._speaker(d, s, e)
        if speaker is None:
            return
        span: tuple[str, int, int] | None = None
        if cue.lemma in ("citing", "quoting"):
            # "SANA reported citing a local source", "the Observatory said citing sources": the
            # words of the verb's attribution come from the cited source, relayed by its speaker
            for f in reversed(d.found):
                if f.cue_start < s_start:
                    break
                if f.cue is not None and f.cue.kind == "verb" and f.cue_end <= pos \
                        and d.tok_at_or_after(pos) - d.tok_at_or_after(f.cue_end) <= 4:
                    speaker = replace(speaker, via=f.speaker.name)
                    span = ("sourcing", f.quote_start, f.quote_end)
                    break
        qa = d.quote_opening_at(e) if e < last and span is None else None
        if qa is not None and qa not in d.claimed:
            d.claimed.add(qa)
            q = d.quotes[qa]
            span = ("direct_quote", q.inner_start, q.inner_end)
        if span is None:
            qb = d.quote_closing_before(cue.i0)
            if qb is not None and qb not in d.claimed:
                d.claimed.add(qb)
                q = d.quotes[qb]
                span = ("direct_quote", q.inner_start, q.inner_end)
        if span is None and cue.i0 == first and last - e >= 2:  # "According to X, the army ..."
            k = e + (1 if e < last and d.low[e] in _COMP else 0)
            start = d.starts[k]
            end = _trim_end(d.text, start, s_end)
            span = ("sourcing", start, end) if end > start else None
        if span is None and cue.i0 > first:
            start = s_start
            for f in reversed(d.found):
                if f.cue_start < s_start:
                    break
                if f.quote_start < pos:
                    start = max(start, min(f.quote_start, pos))
                    break
            end = s_end if last - e >= 3 else pos
            end = _trim_end(d.text, start, end)
            if end > start:
                span = ("sourcing", start, end)
        if span is None:
            span = ("sourcing", pos, pos)
        self._add(d, span[0], span[1], span[2], speaker, cue)

    def _uncued(self, d: _Doc) -> None:
        """Long quotations without a cue: the speaker of the sentence before, else unknown."""
        for qi, q in enumerate(d.quotes):
            if qi in d.claimed or d.n_words(qi) < _UNCUED_MIN_WORDS:
                continue
            if any(f.quote_start <= q.start < f.quote_end for f in d.found):
                continue  # inside a reported clause: that speaker's words already
            d.claimed.add(qi)
            speaker = None
            s_start, _ = d.sentence(q.start)
            if d.tok_at_or_after(q.start) - d.tok_at_or_after(s_start) <= 2:
                j = bisect.bisect_right(d.sent_starts, q.start) - 1
                prev_start = d.sent_starts[j - 1] if j >= 1 else s_start
                for f in reversed(d.found):
                    if f.cue_start >= q.start or f.cue is None:
                        continue
                    if f.cue_start < prev_start:
                        break
                    if f.speaker.name:
                        speaker = f.speaker
                        break
            self._add(d, "direct_quote", q.inner_start, q.inner_end, speaker or _Speaker("", "other"), None,
                      cue_pos=q.start)

    def _add(self, d: _Doc, kind: str, qs: int, qe: int, speaker: _Speaker, cue: _Cue | None, *,
             cue_pos: int | None = None) -> None:
        if kind != "direct_quote":
            qs = _after_dateline(d.text, qs, qe)
        if cue is not None:
            cs, ce = d.starts[cue.i0], d.ends[cue.i1 - 1]
        else:
            cs = ce = cue_pos if cue_pos is not None else qs
        d.found.append(_Found(kind, qs, qe, speaker, cue, cs, ce, d.para(cs)))

    def _records(self, d: _Doc, doc_id: str) -> list[Attribution]:
        return attribution_records(d.found, d.text, doc_id)


#: a headline "Speaker: claim" (the speaker at most 80 characters, no digits or quotes) and
#: "claim: speaker" (the wires' form)
_HEADLINE_LEAD_RE = re.compile(r"^\s*([^:\"“”\d\n]{2,80}?)\s*:\s*(\S.*?)\s*$", re.S)
_HEADLINE_TAIL_RE = re.compile(r"^\s*(\S.*?)\s*:\s*([^:\"“”\d\n]{2,60}?)[\s.]*$", re.S)
_HEADLINE_SPEAKER_WORDS = 5
#: words before a headline's colon that label it and name no speaker
_HEADLINE_LABELS = _set("""
breaking update updated updates exclusive analysis live video videos watch photos photo pictures gallery opinion
interview timeline factbox explainer editorial comment commentary special feature correction graphic infographic
poll quiz review podcast title headline urgent flash report reports profile q&a fact factcheck
""")


#: datelines and page furniture a scraped article glues to its first sentence: "AFP Thursday 2 Jun
#: 2016 ", "19.07.2016(updated 1457 19.07.2016) Get short URL 2440 ", "MOSCOW (Sputnik) "
_DATELINE_RE = re.compile(
    r"(?:\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s+\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"[a-z]*\.?\s+\d{4}\s+|\bGet short URL\s+\d+\s+|\b[A-Z]{3,}(?:\s+[A-Z]{3,})?\s*\([A-Z][A-Za-z ]+\)\s*)")


def _after_dateline(text: str, start: int, end: int) -> int:
    """``start`` moved past the last dateline in the first two thirds of ``text[start:end]``."""
    best = start
    for m in _DATELINE_RE.finditer(text, start, end):
        if m.end() - start <= 2 * (end - start) // 3:
            best = m.end()
    return best


#: anonymity formulas: "asked not to be named", "declined to be identified", "on condition of
#: anonymity", "requested anonymity", "asked for anonymity" (the trigger word starts the formula)
_ANON_TRIGGERS = _set("asked asking declined declining requested requesting spoke speaking condition")
_ANON_NAMED = _set("named identified quoted")


def _anonymity_at(low: Sequence[str], m: int) -> int:
    """The token after an anonymity formula that starts at token ``m`` of the folded tokens
    ``low`` ("asked not to be named", "on condition of anonymity"), 0 if none starts there."""
    if low[m] not in _ANON_TRIGGERS:
        return 0
    rest = low[m + 1:m + 6]
    if "anonymity" in rest[:4]:
        return m + 2 + rest.index("anonymity")
    for i in range(3):
        if rest[i:i + 2] == ["to", "be"] and i + 2 < len(rest) and rest[i + 2] in _ANON_NAMED:
            return m + i + 4
    return 0


def _trim_end(text: str, start: int, end: int) -> int:
    """``end`` moved left past spaces and punctuation (not past a closing quote mark)."""
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return end
