"""Attribution: who is quoted, with which verbs, and whose words a loaded term is.

:class:`AttributionExtractor` finds, in one document,

* **direct quotes** in every mark Arabic news uses (“ ” « » „ ‹ › ‘ ’ and ASCII ``"``
  and ``'``), paired by the characters around each mark, so that writers' habits of
  typing ” or » first still pair; nested quotes count as the outer one, an opening mark
  that is never closed runs to the end of its paragraph, and a quote may run over
  several sentences;
* **reported speech** after a reporting verb and ``إن/أن/بأن`` or a colon
  ("قال الوزير: إن ...", "ذكر الكرملين في بيان، أنَّ ...", "أشار إلى أن ...");
* **sourcing phrases** ("بحسب"، "حسب"، "وفقاً لـ"، "نقلاً عن"، "بحسب ما ذكرت ..."،
  "استناداً إلى"، "على حد قول"، and ``المصدر:`` lines).

For each it gives the attributed span (``quote_start``/``quote_end``, offsets into the
original text), the span naming the speaker, the speaker's normalized name and source
type (from the ``sources`` lexicons; ``other`` when the speaker is not listed — unknown
speakers are kept, never dropped) and the cue with its stance (from the
``reporting_verbs`` lexicons: ``neutral``, ``assertive``, ``distancing``, ``denial``).

:func:`assign_voice` then marks every lexicon hit inside a quotation or reported speech
as ``voice="reported"`` with the speaker; the rest — including the outlet's own clause
before "بحسب المرصد" — stay ``authorial``. :func:`attributions_frame` and
:func:`attribution_profile` turn attributions into the ``attributions.csv`` rows and the
per-outlet profile (source types, quoted share, cue stances, most cited speakers).

>>> from framing.lexicon import Lexicon
>>> verbs = Lexicon.from_entries("v", [{"term": "قال", "category": "neutral", "match": "exact"}],
...                              kind="reporting_verbs")
>>> sources = Lexicon.from_entries("s", [{"term": "الكرملين", "category": "russian_official",
...                                       "canonical": "الكرملين"}], kind="sources")
>>> text = 'وقال الكرملين إن "مكافحة التشكيلات الإرهابية مستمرة".'
>>> [a] = AttributionExtractor(verbs=[verbs], sources=[sources]).extract(text)
>>> (a.kind, a.speaker, a.source_type, a.cue, a.quote_text)
('direct_quote', 'الكرملين', 'russian_official', 'وقال', 'مكافحة التشكيلات الإرهابية مستمرة')

What is data and what is code: reporting verbs and named sources are lexicons that
researchers edit (``lexicons/reporting_verbs.yaml``, ``lexicons/sources.yaml``). The
closed-class grammar — quote marks, complementizers (إن/أن/بأن), prepositions that end
a speaker phrase, the sourcing prepositions (بحسب، وفقا لـ ...), and the few head nouns
that make "وفقاً لـ X" a source rather than "according to the law" — is in this module
as precompiled module-level tables.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter
from pathlib import Path

from framing.errors import LexiconError
from framing.lexicon import Entry, Lexicon, Matcher, default_lexicon_dir, load_lexicons
from framing.normalize import (
    Normalized,
    bare_forms,
    normalize_ar,
    normalize_with_offsets,
    sentence_spans,
)
from framing.records import Attribution, Hit

__all__ = [
    "ATTRIBUTION_FRAME_COLUMNS",
    "KINDS",
    "NEUTRAL_SOURCES",
    "NOT_SPEAKERS",
    "STANCES",
    "VOICE_KINDS",
    "AttributionExtractor",
    "Quote",
    "assign_voice",
    "attribution_profile",
    "attributions_frame",
    "find_quotes",
    "neutral_sources",
    "untyped_warning",
]

#: attribution kinds: the attributed span is a quotation, a reported clause, or a sourced claim
KINDS = ("direct_quote", "reported_speech", "sourcing")
#: kinds whose span is the speaker's words: hits inside them are ``reported`` and they count as
#: quoted text. A sourcing phrase's clause ("قتل خمسة، بحسب المرصد") is the outlet's wording of
#: what a source reports, so it stays ``authorial`` unless asked otherwise.
VOICE_KINDS = ("direct_quote", "reported_speech")
#: stance classes of reporting verbs (the ``category`` of a reporting_verbs entry)
STANCES = ("neutral", "assertive", "distancing", "denial")

ATTRIBUTION_FRAME_COLUMNS = [
    "doc_id", "outlet", "attribution_id", "kind", "speaker", "source_type", "cue", "cue_lemma", "cue_stance",
    "cue_stance_value", "quote_start", "quote_end", "quote_text", "speaker_start", "speaker_end", "cue_start",
    "cue_end", "via",
]

# --- quote marks ------------------------------------------------------------------------------

_FAMILY = {
    "“": "dq", "”": "dq", "„": "dq", "‟": "dq",
    "«": "guil", "»": "guil",
    "‹": "sguil", "›": "sguil",
    "‘": "sq", "’": "sq", "‚": "sq", "‛": "sq",
    '"': "ad", "'": "as",
}
#: a closing mark of family X may close an opening mark of these families
_COMPAT = {"dq": ("dq", "ad"), "ad": ("ad", "dq"), "guil": ("guil",), "sguil": ("sguil",),
           "sq": ("sq", "as"), "as": ("as", "sq")}
_OPENERS = frozenset("“„‟«‹‘‚‛")
_CLOSERS = frozenset("”»›’")
_QUOTE_RE = re.compile("[\"'“”„‟«»‹›‘’‚‛]")
_QUOTE_CHARS = frozenset(_FAMILY)
_PROCLITICS = frozenset("وفبلك")
_ATTACHED_MARKS = frozenset("\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")  # tatweel, harakat
#: characters that may stand before an opening mark / after a closing mark
_LEFT_OK = frozenset(" \t\n\r\u00a0([{:،,؛;-–—/…") | _QUOTE_CHARS
_RIGHT_OK = frozenset(" \t\n\r\u00a0)]}.،,:؛;!?؟-–—/…") | _QUOTE_CHARS
_NAME_MAX_WORDS = 4  # a quoted span of at most this many words after a title is a name
_UNCUED_MIN_WORDS = 6  # a quoted span without cue counts as a quotation from this length


@dataclass(frozen=True, slots=True)
class Quote:
    """A top-level quotation: marks at ``start`` and ``end - 1`` (``end`` is the paragraph
    end when the opening mark is never closed); ``inner_start``/``inner_end`` delimit the
    quoted words.
    """

    start: int
    end: int
    inner_start: int
    inner_end: int
    balanced: bool = True


def find_quotes(text: str) -> list[Quote]:
    """Top-level quotations of ``text`` (nested quotes belong to the outer one).

    A mark opens when it stands after a space or punctuation and before a word, and
    closes when it stands after a word and before a space or punctuation; where that
    does not decide (no space), the mark's own direction does (“ « „ open, ” » close).
    Pairs never cross a line break; an opening mark without a closing one runs to the
    end of its paragraph.

    >>> t = 'قال: «إن “الحل” سياسي» ثم "كلام لم يغلق'
    >>> [t[q.inner_start:q.inner_end] for q in find_quotes(t)]
    ['إن “الحل” سياسي', 'كلام لم يغلق']
    """
    quotes: list[Quote] = []
    stack: list[tuple[int, str]] = []  # (position, family) of open marks
    n = len(text)
    para_end = -1
    for m in _QUOTE_RE.finditer(text):
        pos = m.start()
        if pos > para_end:
            if stack:
                quotes.append(_unbalanced(text, stack[0][0], para_end))
                stack.clear()
            para_end = text.find("\n", pos)
            if para_end < 0:
                para_end = n
        ch = m.group()
        fam = _FAMILY[ch]
        prev = text[pos - 1] if pos > 0 else None
        nxt = text[pos + 1] if pos + 1 < n else None
        if fam in ("ad", "as") and stack and stack[-1][1] == fam and prev is not None and not prev.isspace():
            # ASCII marks do not nest in themselves: after a word, a second one closes (و"ي ...)
            opener = stack.pop()[0]
            if not stack:
                quotes.append(_paired(text, opener, pos))
            continue
        # a mark after a one-letter proclitic opens like one after a space: و"لا", و«نعم», لـ"إنترفاكس"
        b = pos - 1
        while b > 0 and text[b] in _ATTACHED_MARKS:
            b -= 1
        left = (prev is None or prev in _LEFT_OK
                or (text[b] in _PROCLITICS and (b == 0 or text[b - 1] in _LEFT_OK)))
        right = nxt is None or nxt in _RIGHT_OK
        can_open = left and nxt is not None and not nxt.isspace()
        can_close = right and prev is not None and not prev.isspace()
        if ch == '"' and prev is not None and prev.isspace() and stack and stack[-1][1] in _COMPAT[fam] \
                and (nxt is None or not nxt.isalnum()):
            role = "close"  # '" ميلوس زيمان "،': a spaced mark before punctuation closes the open one
        elif can_open and not can_close:
            role = "open"
        elif can_close and not can_open:
            role = "close"
        elif ch in _OPENERS:
            role = "open"
        elif ch in _CLOSERS:
            role = "close"
        elif prev is not None and nxt is not None and prev.isalnum() and nxt.isalnum():
            continue  # ASCII mark inside a word (و"ي): neither
        elif any(f in _COMPAT[fam] for _, f in stack):
            role = "close"
        elif can_open or (ch == '"' and left and nxt is not None and nxt in " \t\u00a0"
                          and text.find('"', pos + 1, para_end) > 0):
            role = "open"  # (also '"' between spaces before another one: 'قال " كنا نود … "')
        else:
            role = ""
        if role == "close":
            idx = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][1] in _COMPAT[fam]), None)
            if idx is None:
                if not can_open:
                    continue
                role = "open"
            else:
                opener = stack[idx][0]
                del stack[idx:]
                if idx == 0:
                    quotes.append(_paired(text, opener, pos))
                continue
        if role == "open":
            stack.append((pos, fam))
    if stack:
        quotes.append(_unbalanced(text, stack[0][0], para_end if para_end >= 0 else n))
    return [q for q in quotes if q.inner_end > q.inner_start]


def _paired(text: str, opener: int, closer: int) -> Quote:
    """The quotation between the marks at ``opener`` and ``closer``; its words without the spaces a spaced
    mark leaves inside ('" كنا نود "')."""
    a, b = opener + 1, closer
    while a < b and text[a] in " \t\u00a0":
        a += 1
    while b > a and text[b - 1] in " \t\u00a0":
        b -= 1
    return Quote(opener, closer + 1, a, b, True)


def _unbalanced(text: str, opener: int, para_end: int) -> Quote:
    end = para_end
    while end > opener + 1 and text[end - 1].isspace():
        end -= 1
    return Quote(opener, end, opener + 1, end, False)


# --- closed-class grammar (normalized forms: ا for أإآ, ي for ى, ه for ة) ------------------


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: complementizers that introduce reported speech
_COMP = frozenset(
    ["ان", "بان", "فان"]
    + [p + s for p in ("ان", "بان", "فان") for s in ("ه", "ها", "هم", "هما", "هن", "ني", "نا", "ك", "كم")]
    + ["انني", "اننا", "بانني", "باننا"]
)
#: a complementizer with a pronoun subject ("إنه أبلغ", "أنها أكدت"): the verb after it has that subject
_COMP_PRONOUN = frozenset(w for w in _COMP if w not in ("ان", "بان", "فان"))
#: words that end a speaker phrase (prepositions, time words, relatives, conjunctions)
_NP_STOP = _set("""
في خلال عقب فور اثناء امام لدي بعد قبل عبر علي الي من عن مع حول منذ حيث عند ضد بين تجاه
اليوم امس غدا مساء صباح ظهر ليل يوم الليله الليلة السبت الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه
هاتفيا للصحفيين للصحافيين لوسائل للصحافه للصحافة الذي التي الذين اللذين اللتين او ثم كما لكن بينما فيما اذ
له لها لهم لنا بدوره بدورها ايضا بهذا بذلك الصدد الماضي مؤخرا سابقا قوله قولها قولهم قائلا
مجددا مرارا دائما كثيرا حاليا صراحه مثل
ل ب ك و ف لا لم لن قد وقد كان كانت عندما حينما وعندما ما مما كلما وهو وهي وهم
""") | _COMP
#: pre-verbal words that are not a subject ("الذين قالت", "فيما قال")
_FUNCTION = _NP_STOP | _set("هذا هذه ذلك تلك هو هي هم")
#: a verb after these ("كل ذلك يؤكد أن", "مما يؤكد أن") reports no speaker: it is the writer's reasoning
_NOT_SPEAKER = _set("هذا هذه ذلك تلك ما مما وهذا وهو اذا فاذا واذا لو ولو فلو من")
_REL_COMP = frozenset(("الذي", "التي", "الذين")) | _COMP
_REL_PRONOUNS = _set("الذي التي الذين اللذين اللتين")
#: impersonal passives ("يذكر أن" = it is worth noting) are the writer's, not a speaker's
_IMPERSONAL = _set("يذكر يشار يجدر يقال يبدو يعتقد يتوقع يلاحظ يرجح يفترض ويذكر ويشار ويرجح")
#: nouns for a statement, report or description: "بيان الرئاسة" → the speaker is الرئاسة
_SPEECH_NOUNS = _set("بيان بيانات تصريح تصريحات تقرير تقارير روايه وصف قول تعبير حديث افاده")
#: head nouns that make "بحسب / وفقا لـ X" a source and not "according to the law"
_SOURCE_HEADS = _SPEECH_NOUNS | _set("""
معلومات مصادر مصدر وكاله وكالات صحيفه صحف موقع مسؤول مسؤولين مسؤولون متحدث ناطق وزاره وزير مراسل
قناه شهود ناشطين ناشطون سكان مرصد مركز مكتب رئاسه رئيس حزب حركه جبهه ائتلاف منظمه هيئه لجنه جيش
شرطه مديريه محافظ خبراء خبير محلل محللين محللون مراقبين مراقبون وسائل اعلام شبكه تلفزيون اذاعه قياده
نائب عضو مدير دراسه احصائيات احصاءات ارقام مصادرنا مراسلنا امم منظمات ناشطين ناشطون قيادي قياديين
مسئول مسئولين مسئولون
""")
#: a cue word right after these prepositions is a verbal noun ("على نقل الحكم", "عن قول"), not a verb
_MASDAR_PREPS = _set("في عن الي حول عند علي")
_BELONGING = _set("التابع التابعه التابعين التابعون")
#: words a name starts with that its next word continues ("عبد المجيد", "أبو المجد"); «أما» opens a topic
_NAME_PREFIXES = _set("عبد ابو ام ابن بن اما")
#: titles in the construct state that end a one-word name before them ("ياسين عضو الكتلة")
_OFFICES = _set("""
عضو عضوه نائب نائبه ممثل مرشح مرشحه مسؤول مسئول مسؤوله مسئوله متحدث ناطق رئيس رئيسه مدير مديره امين
وزير وزيره محافظ سفير مستشار منسق مؤسس
""")
#: words no person's name has inside it: the phrase is no bare name ("كثير من المتهمين")
_NOT_NAME_WORDS = _set("في من علي الي عن مع حول عبر ضد بين عند لدي خلال منذ هذا هذه ذلك تلك كل بعض عدد كثير")
#: words skipped at the start of a speaker phrase ("أكد فيه الجيش", "أكد أمس الوزير")
_NP_LEAD_SKIP = _set("""
فيه فيها بدوره بدورها ايضا كذلك بذلك بهذا اليه اليها عليه عليها منه منها اليوم امس مساء صباح السبت الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه
دائما ابدا مرارا مجددا كثيرا حاليا سابقا مؤخرا صراحه
""")
#: speech events: "مسؤول في وزارة" continues a speaker phrase, "عارف في تصريحات" ends it
_SPEECH_EVENTS = _SPEECH_NOUNS | _set("مقابله مداخله لقاء كلمه مؤتمر اتصال ندوه برنامج حوار جلسه")
#: an "ان" after these is not a complementizer of speech ("إلا أن", "ضرورة أن", "يجب أن")
_NOT_COMP_AFTER = _set("الا ضروره يجب يمكن لابد بد بعد قبل منذ حتي دون رغم بمجرد عسي يود تود نود يريد تريد نريد يودون يريدون")
#: written texts that "say" ("ويضيف المقال", "وذكرت الدعوى"): a speaker only through an earlier
#: speaker they name ("صحيفة الأهرام" … "وأضافت الصحيفة")
_DOCUMENT_NOUNS = _set("""
مقال مقاله دعوي دعاوي مذكره دراسه رساله وثيقه خطاب عريضه شكوي بلاغ صحيفه جريده مجله ورقه
تحقيق تحقيقات تحريات تحري
""")
#: speech and written texts: after a bare name ("رجائي عطية خطاب الرئيس") they start the verb's object
_WRITTEN_WORDS = _SPEECH_NOUNS | _DOCUMENT_NOUNS
#: "يدعى" (is called) before a name is no cue, though it is spelled like يدعي (claims)
_CALLED = _set("يدعي تدعي ويدعي وتدعي يدعون ويدعون")
#: a spokesman's "لـ" names whose spokesman he is ("المتحدث الرسمي لوزارة الصحة"), not whom he told
_SPOKESMEN = _set("متحدث ناطق متحدثه ناطقه")
#: "عليهم أن" (they must): an obligation the speaker states, not a complementizer of speech
_OBLIGATION = _set("عليه عليها عليهم عليهما علينا عليك عليكم")
#: head nouns of a person's title ("رئيس الوزراء", "المتحدث باسم", "منسق حركة"): a name next to one is the person's
_PERSON_HEADS = _set("""
رئيس رئيسه وزير وزيره متحدث متحدثه ناطق ناطقه مدير مديره نائب نائبه عضو عضوه سفير سفيره محافظ امين مساعد مساعده
مستشار مستشاره منسق منسقه مؤسس مؤسسه قائد قيادي وكيل عميد نقيب مفتي محامي خبير محلل مراسل
نجم لاعب مدرب استاذ مقدم مقدمه مذيع مذيعه زعيم زعيمه مفوض مفوضه
""")
#: words before the head of a source phrase ("بحسب آخر تقرير", "وفقا لأحدث إحصاءات")
_SOURCE_LEAD = _set("اخر لاخر احدث لاحدث بعض لبعض احد لاحد اول لاول")
#: a member for a party or a constituency ("عضو مجلس الشعب عن حزب …", "النائب عن دائرة …"): «عن» is no relay
_REPRESENTS = _set("عضو عضوه نائب نائبه ممثل مرشح مرشحه مسؤول مسئول المسؤول المسئول مسؤوله مسئوله المسؤوله المسئوله")
#: "صادر عن" (issued by): "تقرير صادر عن X" is X's own report, not words X relays
_ISSUED = _set("صادر الصادر صادره الصادره")
#: issuing verbs with the object pronoun: "بيان أصدرته جبهة الإنقاذ" (a statement the front issued) — the
#: author follows (not "بيان تلقته CNN", which the channel received)
_ISSUED_IT = frozenset(v + suf for v in ("اصدر", "نشر", "اعد", "وزع", "بث", "اطلق", "اذاع", "وجه", "ارسل", "اصدرت",
                                         "نشرت", "اعدت", "وزعت", "بثت", "اطلقت", "اذاعت", "وجهت", "ارسلت")
                       for suf in ("ه", "ها", "وه", "وها"))
_DEMONSTRATIVES = _set("هذا هذه ذلك تلك هؤلاء هذين هاتين")
#: prepositional nouns that open an adverbial phrase before a verb ("بمجرد انتهاء الصلاة قال")
_ADVERBIAL_LEADS = _set("بمجرد بسبب بفضل برغم رغم بدون بخصوص بشان عقب اثر فور لدي حين")
#: verbs whose «عن» names the topic, not a relay ("تحدث عن", "كشف عن", "أعرب عن")
_ABOUT_VERBS = frozenset(f + suf for f in _set("""
تحدث يتحدث تتحدث تكلم يتكلم تتكلم اعرب يعرب تعرب كشف يكشف تكشف اعلن يعلن تعلن عبر يعبر تعبر
تساءل يتساءل تتساءل افصح يفصح تفصح دافع يدافع تدافع""") for suf in ("", "ت", "وا"))
#: particles of a purpose clause before an imperfect verb ("حتى يقول الحقيقة")
_PURPOSE = _set("حتي كي لكي")
#: time nouns before «الذي» ("في الوقت الذي قال …"): a time clause, not a relative on a subject
_TIME_NOUNS = _set("وقت يوم حين لحظه ساعه فتره اثناء")
#: resumptive prepositions of an object relative clause ("التي قال فيها الوزير")
_RESUMPTIVE = _set("فيه فيها فيهم به بها بهم عنه عنها عنهم له لها لهم اليه اليها اليهم عليه عليها منه منها")
#: "رد فعل" (a reaction): «رد» before «فعل» is the noun, not the verb "replied"
_REPLY = _set("رد ورد فرد")
_DEED = _set("فعل الفعل افعال فعله فعلها فعلهم")
#: a person's office or kin: an earlier speaker "مكتب الرئيس فلان", "محامي فلان" is not the man a later «فلان» names
_OFFICE_OF = _set("مكتب ديوان محامي محاميه نجل ابنه شقيق شقيقه زوجه اسره عائله")
#: parts of a law or a charter: "المادة الثالثة: «…»" quotes the text, nobody's words
_LAW_PARTS = _set("ماده الماده مواد بند البند فقره الفقره")
#: trailing words dropped from an unknown speaker's name cut to a few words
_NAME_TAIL = _set("باسم في ب عن من ل الي علي و المسؤول المسئول والمسؤول والمسئول برئاسه التابع التابعه التابعين")
#: broadcast nouns: "قال لراديو X" — the station he spoke to
_BROADCAST = _set("راديو اذاعه تلفزيون تليفزيون برنامج فضائيه")
#: verbs of going on ("ومضت الصحيفة تقول", "وعاد الوزير ليؤكد"): their subject is the speaker of the verb after
_GO_ON = _set("مضي مضت راح راحت عاد عادت ظل ظلت اخذ اخذت استمر استمرت")
#: addressees after a verb ("ويقول لأهل القناة: …"): لـ + one of these is whom it was said to
_ADDRESSED = _set("اهل اهالي شعب جمهور مواطني انصار اعضاء شباب ابناء جماهير")
#: words that open a topic before the verb ("وبالنسبة لـX، قال"), not its subject
_TOPIC_OPENERS = _set("بالنسبه وبالنسبه فبالنسبه وحول وبشان بشان")
#: kinship words of a name ("بن علي", "أبو علي"): the «علي» after them is the name Ali
_KINSHIP = _set("بن ابن بنت ابو ابي")
#: honorifics dropped from the front of an unknown speaker's name
_HONORIFICS = _set("الدكتور د المهندس الشيخ السيد السيده الاستاذ")
#: titles after which "علي" is the name Ali, not the preposition على
_TITLES = _HONORIFICS | _set("اللواء العميد العقيد المستشار السفير النائب الكابتن الفريق الامام القاضي")
#: prepositions with a pronoun suffix ("قال لك إن" = told you): never a subject
_PRONOUN_PREPS = _set("لك لكم لكما لي له لها لهم لهما لهن لنا عنه عنها عنهم عنهما عليه عليها عليهم منه منها منهم")
#: pronoun suffixes of a possessed source noun ("مكتبه", "بيانها": his office, her statement)
_POSSESSIVE_SUFFIXES = ("هما", "هم", "ها", "ه")
#: prepositions: the words after them before a verb are their object, not the verb's subject
#: ("ما جاء في الدعوة للحوار يشير إلى")
_PREPOSITIONS = _set("في من علي الي عن مع حول عبر ضد بين تجاه عند لدي خلال منذ عقب اثناء وسط امام خلف فوق تحت داخل خارج قرب مثل")
#: month names: "نقلت صحيفة X، الاثنين 28 يناير، عن Y" (a date between the relay and عن)
_MONTHS = _set("""
يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر
كانون شباط اذار نيسان ايار حزيران تموز اب ايلول تشرين الثاني الاول
""")
#: nouns that name what follows them in quotation marks: a title, a slogan, a sign — not speech
_TITLE_NOUNS = _set("""
عنوان بعنوان شعار شعارات اسم مسمي المدعو المدعوه لافته لافتات مكتوب عليها عليه حمله مبادره مشروع برنامج كتاب فيلم
روايه مسلسل قضيه ملف مليونيه جمعه ورشه ندوه مؤتمر دوره مسابقه صفحه هاشتاج وثيقه مقال قصيده اغنيه
""")
#: nouns a quoted name follows as the name of the thing ("حركة «البلاك بلوك»", "مركز «إرسيكا»")
_NAMED_HEADS = _SOURCE_HEADS | _TITLE_NOUNS | _set("""
جماعه شركه مؤسسه مجموعه جمعيه تنظيم تيار منتدي مبادره مستشفي ميدان شارع منطقه قريه مدينه نادي فريق
جامعه مدرسه فندق مصنع مطعم قاعه مسجد كنيسه عمليه خطه مشروع نظام قانون
""")
#: every head noun of a source, person or named body: a word after which a bare name is no bare name
_ALL_HEADS = _SOURCE_HEADS | _PERSON_HEADS | _NAMED_HEADS | _TITLE_NOUNS
#: unions the rules test against, built once (not per test)
_SOURCE_PERSON_HEADS = _SOURCE_HEADS | _PERSON_HEADS
_NAMED_PERSON_HEADS = _NAMED_HEADS | _PERSON_HEADS
_PERSON_TITLE_HEADS = _PERSON_HEADS | _TITLE_NOUNS
_SOURCE_NAMED_HEADS = _SOURCE_HEADS | _NAMED_HEADS
_SPEAKER_HEADS = _SOURCE_HEADS | _PERSON_HEADS | _NAMED_HEADS
_HEADS_OR_WRITTEN = _SPEAKER_HEADS | _WRITTEN_WORDS
_SOURCE_PERSON_WRITTEN = _SOURCE_PERSON_HEADS | _WRITTEN_WORDS
#: "كان" opening a sentence before its subject ("وكان الوزير، فلان، قد أعلن")
_KANA = _set("كان كانت وكان وكانت فكان فكانت")
#: quantity nouns that take "من": "عدد من القيادات", "أحد المتظاهرين"
_QUANTITY = _set("عدد بعض احد احدي كثير عشرات مئات الاف جميع معظم اغلب عده")
#: The one stop list of non-speakers: a speaker phrase that is one of these words alone — pronouns,
#: demonstratives, the name words of anonymity formulas, and common nouns a subject slot picks up
#: by mistake ("ذكر اسمه أن", "وأكد ذلك أن", "نصت المبادرة على أن") — names nobody; the speaker is
#: then resolved from context ("وأضاف" → the nearest earlier named speaker).
NOT_SPEAKERS = _set("""
هو هي هم هما هن انا نحن انت انتم انه انها انهم انهما ولكنه ولكنها لكنه لكنها وهو وهي وهم فهو فهي
فهم فهما فانه فانها فانهم اذا فاذا واذا لو ولو
اسمه اسمها اسمهم اسمهما هويته هويتها هويتهم هويتهما
ذلك هذا هذه تلك هؤلاء هولاء الذي التي الذين الامر المبادره الخبر الجميع احد كل بعضهم
هل ماذا لماذا كيف متي اين الا اليس
""")
#: a phrase starting with one of these pronouns ("ولكنه في الوقت نفسه") names nobody either
_PRONOUN_FIRST = _set("هو هي هم هما هن انه انها انهم ولكنه ولكنها لكنه لكنها وهو وهي وهم فهو فهي فهم فهما")
#: anonymity formulas: a trigger, at most four words, then a name word — "رفض ذكر اسمه",
#: "طلب عدم الكشف عن هويته", "فضل عدم ذكر اسمه", "شريطة عدم نشر اسمه" → speaker type anonymous
_ANON_NAME = _set("اسمه اسمها اسمهم اسمهما اسماءهم اسمائهم هويته هويتها هويتهم هويتهما")
_ANON_TRIGGER = _set("""
رفض رفضت رفضوا رافضا رافضه رافضين طلب طلبت طلبوا طالبا طالبه فضل فضلت فضلوا مفضلا مفضله مفضلين
شريطه شرط بشرط مشترطا مشترطه يشا تشا عدم
""")
#: the speaker name of an anonymity formula without any other word ("وقال رافضا ذكر اسمه إن")
_ANON_SPEAKER = "مصدر"

#: sourcing prepositions: normalized first word → (needs, lemma). ``needs``: "" (phrase follows),
#: "l" (لـ / لما / ل+word follows), "an" (عن follows), "ila" (إلى follows), "hadd" (حد قول ...)
_SOURCING = {
    "بحسب": ("", "بحسب"), "حسب": ("", "حسب"), "حسبما": ("ma", "حسبما"), "بحسبما": ("ma", "بحسبما"),
    "وفقا": ("l", "وفقا لـ"), "وفق": ("l", "وفق"), "طبقا": ("l", "طبقا لـ"), "وفقما": ("ma", "وفقما"),
    "نقلا": ("an", "نقلا عن"), "استنادا": ("ila", "استنادا إلى"), "علي": ("hadd", "على حد قول"),
    "كما": ("verb", "كما"), "جاء": ("fi", "جاء في"), "ورد": ("fi", "ورد في"),
}
_SOURCING_FIRST = frozenset(list(_SOURCING) + [p + k for k in _SOURCING for p in "وف"])
#: what the token after a sourcing word must be for :meth:`AttributionExtractor._sourcing_cue` to find a cue
#: there, by ``needs`` (a necessary condition only, for the quick reject; "verb" needs a verb cue next,
#: and the quick reject runs only where there is none)
_SOURCING_NEXT: dict[str, Callable[[str], bool]] = {
    "": lambda t: True, "ma": lambda t: True, "l": lambda t: True, "verb": lambda t: False,
    "an": lambda t: t == "عن", "ila": lambda t: t == "الي" or t.startswith("ل"), "fi": lambda t: t == "في",
    "hadd": lambda t: t == "حد",
}
_PUNCT_BREAK = frozenset(":؛;،,()[]")
#: character sets of the gap tests in the hot loops (``not S.isdisjoint(gap)``: ``any(c in S for c in gap)``)
_PHRASE_BREAK = frozenset(":؛;()")
_COLONS = frozenset(":؛;")
_COMMA_PAREN = frozenset("،,)")
_OPENERS_AD = _OPENERS | {'"'}
_PUNCT_END = _PUNCT_BREAK | frozenset(".!?؟\n")
_COMMA_COLON = frozenset("،,:")
_COMMA_COLON_SEMI = frozenset(":،,؛")
_COMMA_DASH = frozenset("،,-–")
_BREAK_OR_QUOTE = _PUNCT_BREAK | frozenset("!?؟\n") | _QUOTE_CHARS
_END_OR_QUOTE = _PUNCT_END | _QUOTE_CHARS
_NAME_BREAK = frozenset(".!?؟:؛\n")  # a quoted span holding one of these is no name

_MAX_REGION = 30  # tokens between a verb and its complementizer
_MAX_NP = 10  # tokens of a speaker phrase (with at most one apposition between commas)
_MAX_SPEAKER_WORDS = 5  # words of an unknown speaker's normalized name
_TRIM = " \t\n\r\u00a0.،,؛;:!?؟…-–—"
_SOURCE_LINE_RE = re.compile(r"(?m)^[ \t]*(?:ال)?مصا?در[ \t]*[:：][ \t]*(\S[^\n]*)$")
_SPACES_RE = re.compile(r"\s+")
_PARA_RE = re.compile(r"\n(?:[ \t\r\u00a0]*\n)*")  # a paragraph break (blank lines count once)
_STRIP_CHARS = "\"'“”„‟«»‹›‘’‚‛()[]{}<>.،,؛;:!?؟…-–—/\\"
_STRIP_TABLE = {ord(c): " " for c in _STRIP_CHARS}


def _has_comma(gap: str) -> bool:
    """Whether ``gap`` holds a comma (Arabic or Latin)."""
    return "،" in gap or "," in gap


def _arange(n: int):
    """``numpy.arange(n)``: the offsets of a text normalization left in place."""
    import numpy as np

    return np.arange(n)


def _word_offsets(text: str, norm: Normalized) -> tuple[list[int], list[int], list[int]]:
    """The bounds of ``norm.pieces()`` in the normalized text, and where each word starts and ends in
    ``text`` (a word ends where the next normalized character starts)."""
    # [gap, word, gap, ..., word, gap]: word k is pieces[2k + 1], at bounds[2k]:bounds[2k + 1]
    pieces = norm.pieces()  # split once per text, shared with the analysis and the matcher
    bounds = list(accumulate(map(len, pieces)))
    starts, ends = bounds[0:-1:2], bounds[1::2]
    ntext = norm.text
    if starts and not (ntext == text or (len(ntext) == len(text)
                                         and bool((norm.starts == _arange(len(text))).all()))):
        import numpy as np

        to_original = np.append(norm.starts, len(text))
        mapped = to_original[bounds].tolist()  # (every bound in one take)
        starts, ends = mapped[0:-1:2], mapped[1::2]
    return bounds, starts, ends


@lru_cache(maxsize=65_536)
def _light(s: str) -> str:
    """A speaker name for display: diacritics, tatweel and marks removed, letters kept."""
    s = normalize_ar(s, alef=False, alef_maksura=False, teh_marbuta=False)
    s = s.translate(_STRIP_TABLE)
    return _SPACES_RE.sub(" ", s).strip()


def _first_longest(hit: tuple[int, int, object]) -> tuple[int, int]:
    """Sort key of (first token, token after, hit): by position, the longer first at a token."""
    return hit[0], -hit[1]


def _merge_abbreviations(text: str, sents: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join sentences split after a one-letter abbreviation ("د. وحيد عبد المجيد", "أ.د.")."""
    out: list[tuple[int, int]] = []
    join = False
    for s, e in sents:
        if join and out:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
        join = (e >= 2 and text[e - 1] == "." and text[e - 2].isalpha()
                and (e == 2 or text[e - 3].isspace() or text[e - 3] in ".(«“\"'"))
    return out


def _anonymity_formulas(norms: list[str], types: set[str] | None = None) -> dict[int, int]:
    """Token ranges of anonymity formulas ("رفض ذكر اسمه", "طلب عدم الكشف عن هويته"), first → after.

    >>> from framing.normalize import normalize_ar
    >>> _anonymity_formulas(normalize_ar("قال ضابط طلب عدم الكشف عن هويته إن").split())
    {2: 7}
    """
    out: dict[int, int] = {}
    for i in _positions(norms, _ANON_NAME.intersection(types if types is not None else norms)):
        start = None
        for j in range(i - 1, max(-1, i - 6), -1):
            t = norms[j]
            if t in _ANON_TRIGGER or (len(t) > 3 and t[0] in "وف" and t[1:] in _ANON_TRIGGER):
                start = j
        if start is None:
            continue
        if start > 0 and norms[start - 1] in ("الذي", "التي", "الذين", "والذي", "والتي"):
            start -= 1
        out[start] = i + 1
    return out


def _positions(tokens: list[str], wanted: Collection[str]) -> list[int]:
    """The indices of ``tokens`` that are in ``wanted`` (distinct words), in order: one scan at C speed
    per word for a few words, one membership test per token for more."""
    if len(wanted) > 2:
        return [i for i, w in enumerate(tokens) if w in wanted]
    out: list[int] = []
    for w in wanted:
        i = tokens.index(w)
        while True:
            out.append(i)
            try:
                i = tokens.index(w, i + 1)
            except ValueError:
                break
    out.sort()
    return out


def _is_participle_cue(tok: str) -> bool:
    """A participle cue in any number or gender ("مؤكدا", "موضحه", "مرددين", "قائلين"): it takes the
    subject of the verb it follows, never one after it ("مرددين هتافات" — the chants are the object)."""
    if len(tok) >= 5 and tok[0] == "م" and tok.endswith(("ا", "ه", "ين", "ات")):
        return True
    return len(tok) in (5, 6) and tok[1] == "ا" and tok.endswith(("ا", "ه", "ين"))


def _refers_back(tok: str) -> bool:
    """A one-word phrase that names nobody by itself: a pronoun on a preposition ("لك") or on a source
    noun ("مكتبه", "بيانهم": the office of someone named before)."""
    if tok in _PRONOUN_PREPS:
        return True
    for suf in _POSSESSIVE_SUFFIXES:
        if tok.endswith(suf) and len(tok) - len(suf) >= 3:
            return bool(_bare_forms(tok[:-len(suf)]) & _SOURCE_HEADS)
    return False


def _possessed(tok: str) -> bool:
    """A noun with "their"/"her" ("حقهم", "تضامنهم", "كلماتها"), not a source noun: an object, never a speaker."""
    if tok.startswith("ال") or not ((len(tok) >= 4 and tok.endswith(("هم", "هما", "هن")))
                                   or (len(tok) >= 5 and tok.endswith("ها"))):
        return False
    return not _bare_forms(tok) & _SOURCE_PERSON_HEADS


def _is_manner(tok: str) -> bool:
    """A manner adverb of ب and an indefinite feminine noun ("بحماسة", "بصراحة", "بسخرية"): not a subject."""
    return (len(tok) >= 5 and tok[0] == "ب" and tok[1] != "ا" and tok.endswith("ه")
            and not _bare_forms(tok) & _SOURCE_HEADS)


def _accusative_object(d, k: int, end: int) -> bool:
    """Is token ``k`` an indefinite accusative noun after a definite word, ending its phrase ("الجبهة بيانا،",
    "رئاسة الجمهورية وفدا من"): a verb's object, not part of a name ("الإعلامية رشا الحامولي" goes on)?"""
    tok, prev = d.norms[k], d.norms[k - 1]
    if not (tok.endswith("ا") and len(tok) > 2 and not tok.startswith("ال") and prev.startswith(("ال", "وال"))):
        return False
    if tok in NOT_SPEAKERS or k in d.verbs:
        return False
    return k + 1 >= end or d.norms[k + 1] in _NP_STOP or not _PUNCT_BREAK.isdisjoint(d.gap(k + 1))


def _is_hal(tok: str) -> bool:
    """An adverbial participle in -اً ("معلقا", "متسائلا"): not a subject."""
    return len(tok) >= 5 and tok[0] == "م" and tok[-1] == "ا"


def _cnn(norms: list[str], k: int) -> bool:
    """Is «إن» at token ``k`` part of «سي إن إن» (CNN), not a complementizer?"""
    return norms[k] == "ان" and k > 0 and ((norms[k - 1] == "سي" and k + 1 < len(norms) and norms[k + 1] == "ان")
                                          or (k >= 2 and norms[k - 1] == "ان" and norms[k - 2] == "سي"))


def _is_participle(tok: str) -> bool:
    """A participle cue: "موضحا" (forms II–X) or "قائلا"/"لافتا" (form I, فاعلاً)."""
    return _is_hal(tok) or (len(tok) == 5 and tok[1] == "ا" and tok[-1] == "ا")


#: the token without proclitics و ف ب ل ك and the article; the rule lives in :mod:`framing.normalize`
_bare_forms = bare_forms


# --- records internal to one document ---------------------------------------------------------


@dataclass(slots=True)
class _Speaker:
    name: str
    source_type: str
    start: int = -1
    end: int = -1
    words: frozenset[str] = frozenset()  # bare forms of the phrase's words, for coreference
    via: str = ""  # the relay of "نقلت وكالة X عن Y": X (the speaker is Y)


@dataclass(slots=True)
class _Cue:
    i0: int  # first token of the cue
    i1: int  # token after the cue
    kind: str  # verb | sourcing
    lemma: str
    stance: str = ""
    stance_value: float = 0.0
    np_start: int = -1  # sourcing: first token of the source phrase
    proclitic: bool = False  # verb written with و/ف
    has_verb: bool = False  # sourcing phrase with a verb: "بحسب ما ذكرت"


@dataclass(slots=True)
class _Found:
    kind: str
    quote_start: int
    quote_end: int
    speaker: _Speaker
    cue: _Cue | None
    cue_start: int
    cue_end: int
    para: int = 0
    outer: tuple[int, int] | None = None  # the quotation this cue stands in, if any


class TextNavigation:
    """Where a position stands in a tokenized text (the Arabic and the English extractor's
    documents): its sentence, paragraph, token, the text between tokens, the quotation around
    it. Needs ``text``, ``starts``/``ends`` (token offsets), ``sent_starts``/``sent_ends``,
    ``newlines``, ``quotes`` and ``quote_starts``."""

    def sentence(self, pos: int) -> tuple[int, int]:
        j = bisect.bisect_right(self.sent_starts, pos) - 1
        if j < 0:
            return (0, self.sent_ends[0]) if self.sent_ends else (0, len(self.text))
        return self.sent_starts[j], self.sent_ends[j]

    def para(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos)

    def tok_at_or_after(self, pos: int) -> int:
        return bisect.bisect_left(self.starts, pos)

    def gap(self, k: int) -> str:
        """Original text between token ``k-1`` and token ``k``."""
        return self.text[self.ends[k - 1] if k > 0 else 0:self.starts[k] if k < len(self.starts) else len(self.text)]

    def inside_quote(self, pos: int) -> int | None:
        j = bisect.bisect_right(self.quote_starts, pos) - 1
        if j >= 0 and self.quotes[j].start <= pos < self.quotes[j].end:
            return j
        return None

    def n_words(self, qi: int) -> int:
        q = self.quotes[qi]
        return bisect.bisect_left(self.starts, q.inner_end) - bisect.bisect_left(self.starts, q.inner_start)


class _SentenceSources:
    """Sentence index → its named sources (first token, token after, hit), as one matcher pass over
    the sentence's tokens alone gives them, from one pass over the whole text (made at the first call)
    sliced by sentence: per-call costs (a sub-text, its split, the matcher's set-up) dominate per-sentence
    passes. The slices are those hits exactly when no hit the whole pass chose reaches out of its
    sentence's tokens (longest-first overlap resolution then decides the same within each sentence; no
    context rules run here); otherwise (a phrase across a sentence end) each sentence is matched alone."""

    def __init__(self, find_sources: Callable[..., list[tuple[int, int, Hit]]], starts: list[int],
                 sent_starts: list[int], sent_ends: list[int]):
        self._find = find_sources
        self._lo = [bisect.bisect_left(starts, a) for a in sent_starts]  # a sentence's tokens: [lo, hi)
        self._hi = [bisect.bisect_left(starts, b) for b in sent_ends]
        self._every: list[tuple[int, int, Hit]] | None = None  # the whole pass; [] with _firsts None: per sentence
        self._firsts: list[int] | None = None

    def _whole(self) -> None:
        every = self._find()
        lo, hi = self._lo, self._hi
        sliceable = all(hi[j] <= lo[j + 1] for j in range(len(lo) - 1))
        for i0, i1, _ in every if sliceable else ():
            j = bisect.bisect_right(lo, i0) - 1
            if j < 0 or i0 >= hi[j] or i1 > hi[j]:
                sliceable = False
                break
        self._every = every if sliceable else []
        self._firsts = [h[0] for h in every] if sliceable else None

    def __call__(self, j: int) -> list[tuple[int, int, Hit]]:
        if self._every is None:
            self._whole()
        lo, hi = self._lo[j], self._hi[j]
        if self._firsts is None:
            return self._find(lo, hi)
        return self._every[bisect.bisect_left(self._firsts, lo):bisect.bisect_left(self._firsts, hi)]

    def starting_in(self, s: int, e: int) -> list[tuple[int, int, Hit]] | None:
        """The sources whose first token is in [s, e) (``e > s``) when the whole pass is sliced (every
        hit inside one sentence: those of the sentences of tokens s .. e-1 that start in [s, e) are the
        whole pass's that do, in the same order); None when each sentence is matched alone."""
        if self._every is None:
            self._whole()
        firsts = self._firsts
        if firsts is None:
            return None
        return self._every[bisect.bisect_left(firsts, s):bisect.bisect_left(firsts, e)]


@dataclass
class _Doc(TextNavigation):
    text: str
    norms: list[str]
    starts: list[int]
    ends: list[int]
    sent_starts: list[int]
    sent_ends: list[int]
    newlines: list[int]
    quotes: list[Quote]
    quote_first: dict[int, int]  # first token index → quote index
    quote_starts: list[int]
    verbs: dict[int, _Cue]  # first token → verb cue
    #: sentence index → its named sources, (first token, token after, hit) by position; a sentence is
    #: matched the first time a speaker phrase in it is looked up (no lexicon term spans a sentence end)
    sentence_sources: Callable[[int], list[tuple[int, int, Hit]]]
    types: set[str]  # the distinct tokens
    anon: dict[int, int] = field(default_factory=dict)  # first token → token after, of anonymity formulas
    claimed: set[int] = field(default_factory=set)  # quote indices already attributed
    found: list[_Found] = field(default_factory=list)
    #: reporting verbs with a speaker phrase but no attributed span ("وشدد الوزير على ضرورة …"): the nearest
    #: earlier speaker for a later "وأضاف" all the same
    anchors: list[_Found] = field(default_factory=list)
    _sources: dict[int, list[tuple[int, int, Hit]]] = field(default_factory=dict)
    #: :meth:`_SentenceSources.starting_in` of ``sentence_sources`` (None: a function of the sentence alone)
    sliced: Callable[[int, int], list[tuple[int, int, Hit]] | None] | None = None
    _honorifics: list[int] | None = None  # token positions of honorifics, found when first asked
    _verb_at: list[int] | None = None  # token positions of the verb cues, in order (when first asked)
    _sourcing_at: list[int] | None = None  # token positions of the words a sourcing cue can start with
    _colon_gaps: set[int] | None = None  # tokens k whose gap before (``gap(k)``) holds a colon
    #: (first token, token after) → :meth:`AttributionExtractor._known` of the phrase (the sources are final)
    known: dict[tuple[int, int], tuple[int, int, Hit] | None] = field(default_factory=dict)

    def colon_gaps(self) -> set[int]:
        """The tokens ``k`` whose :meth:`gap` holds ``:`` or ``：`` (found when first asked)."""
        if self._colon_gaps is None:
            starts, ends, text = self.starts, self.ends, self.text
            out = set()
            for colon in (":", "："):
                p = text.find(colon)
                while p >= 0:
                    k = bisect.bisect_right(starts, p)  # the first token after the colon
                    if k == 0 or ends[k - 1] <= p:  # (not inside token k - 1)
                        out.add(k)
                    p = text.find(colon, p + 1)
            self._colon_gaps = out
        return self._colon_gaps

    def verb_positions(self) -> list[int]:
        """The first tokens of the verb cues, in order (``verbs`` is final once the text is prepared)."""
        if self._verb_at is None:
            self._verb_at = sorted(self.verbs)
        return self._verb_at

    def sourcing_positions(self) -> list[int]:
        """The tokens in :data:`_SOURCING_FIRST`, in order (where a sourcing cue may start)."""
        if self._sourcing_at is None:
            self._sourcing_at = _positions(self.norms, _SOURCING_FIRST.intersection(self.types))
        return self._sourcing_at

    def sources_in(self, s: int, e: int) -> list[tuple[int, int, Hit]]:
        """The named sources whose first token is in [s, e), by position (longer first at a token)."""
        if e <= s:
            return []
        if self.sliced is not None:
            out = self.sliced(s, e)
            if out is not None:
                return out
        j0 = max(0, bisect.bisect_right(self.sent_starts, self.starts[s]) - 1)
        j1 = bisect.bisect_right(self.sent_starts, self.starts[e - 1]) - 1
        out = []
        for j in range(j0, j1 + 1):
            hits = self._sources.get(j)
            if hits is None:
                hits = self._sources[j] = self.sentence_sources(j)
            out.extend(h for h in hits if s <= h[0] < e)
        return out

    # -- navigation --

    def quote_before(self, k: int) -> int | None:
        """Index of the top-level quote whose opening mark stands right before token ``k``."""
        qi = self.quote_first.get(k)
        if qi is None:
            return None
        if k > 0 and self.quotes[qi].start < self.ends[k - 1]:
            return None
        return qi

    def token_after_quote(self, qi: int) -> int:
        return bisect.bisect_left(self.starts, self.quotes[qi].end)



#: the file name of the domain-neutral sources lexicon in the default folder. A run with a
#: researcher's own framing lexicons (and no sources lexicon) brings in only this one, not the
#: domain packs beside it (``sources-syria.yaml`` goes with the bundled ``syria.yaml``).
NEUTRAL_SOURCES = "sources.yaml"


def neutral_sources(lexicons: Sequence[Lexicon]) -> list[Lexicon]:
    """The domain-neutral sources lexicons among ``lexicons`` (file name :data:`NEUTRAL_SOURCES`).

    >>> from framing.lexicon import default_lexicon_dir, load_lexicons
    >>> folder = default_lexicon_dir()
    >>> [lx.name for lx in neutral_sources(load_lexicons([folder / "sources-syria.yaml", folder / "sources.yaml"]))]
    ['sources']
    """
    return [lx for lx in lexicons if lx.kind == "sources" and lx.path is not None
            and Path(lx.path).name == NEUTRAL_SOURCES]


def _default(kind: str) -> list[Lexicon]:
    """The default Arabic lexicons of ``kind``; none when there is no default folder (an invalid file
    in it still raises :class:`LexiconError`)."""
    try:
        folder = default_lexicon_dir()
    except LexiconError:  # no default folder: the extractor still finds quotes and sourcing phrases
        return []
    # English lexicons belong to the English extractor (framing.attribution_en), as in the pipeline
    return [lx for lx in load_lexicons(folder, kind=kind) if lx.language != "en"]


class AttributionExtractor:
    """Find quotations, reported speech and sourcing phrases with speaker, cue and source type.

    ``verbs``: lexicons of kind ``reporting_verbs`` (category = stance class, ``match: exact``
    entries also match with a و/ف proclitic); ``sources``: lexicons of kind ``sources``
    (category = source type, ``canonical`` = speaker name). ``None`` loads the lexicons of
    that kind from :func:`framing.lexicon.default_lexicon_dir`.

    >>> ex = AttributionExtractor(verbs=[], sources=[])
    >>> [(a.kind, a.speaker, a.source_type, a.cue) for a in ex.extract("قتل 5 مدنيين، بحسب مصادر محلية.")]
    [('sourcing', 'مصادر محلية', 'other', 'بحسب')]
    """

    def __init__(self, verbs: Sequence[Lexicon] | None = None, sources: Sequence[Lexicon] | None = None):
        self.verbs = list(_default("reporting_verbs") if verbs is None else verbs)
        self.sources = list(_default("sources") if sources is None else sources)
        self._verb_entries: dict[str, tuple[Entry, bool]] = {}  # matcher entry id → (entry, proclitic)
        self._verb_names: set[str] = set()
        self._source_entries: dict[str, Entry] = {}
        self._source_names: set[str] = set()
        lexicons = []
        for lex in self.verbs:
            name = f"verbs:{lex.name}"
            self._verb_names.add(name)
            rows = []
            for e in lex.entries:
                self._verb_entries[e.id] = (e, False)
                rows.append({"term": e.term, "category": e.category, "stance": e.stance, "match": e.match,
                             "id": e.id})
                if e.match == "exact" and e.words:
                    rest = " ".join(e.words[1:])
                    # و/ف on every form; ل on imperfect forms ("لتقول إنها", "ليؤكد أن")
                    pres = ("و", "ف", "ل") if e.words[0][0] in "يتن" else ("و", "ف")
                    for pre in pres:
                        vid = f"{e.id}#{pre}"
                        self._verb_entries[vid] = (e, True)
                        rows.append({"term": f"{pre}{e.words[0]} {rest}".strip(), "category": e.category,
                                     "stance": e.stance, "match": "exact", "id": vid})
            lexicons.append(Lexicon.from_entries(name, rows, kind="reporting_verbs"))
        #: normalized verb form → (entry, proclitic), when every verb is one word matched as written
        #: (the bundled lexicon): a dict lookup per token, the same hits as the matcher gives
        self._verb_forms: dict[str, tuple[Entry, bool]] | None = self._verb_lookup(lexicons)
        self._verb_form_set = frozenset(self._verb_forms or ())
        self._source_rules = any(e.has_rules for lex in self.sources for e in lex.entries)
        if self._verb_forms is not None:
            lexicons = []
        #: precedence of source lexicons: the first listed wins where several name a phrase (a pack such
        #: as sources-syria.yaml before the neutral sources.yaml)
        self._source_rank: dict[str, int] = {}
        #: first words of media sources without the article ("رويترز", "وكاله"): "قال فلان لرويترز" is whom he told
        self._media_first: set[str] = set()
        for lex in self.sources:
            self._source_rank.setdefault(lex.name, len(self._source_rank))
            self._source_names.add(lex.name)
            for e in lex.entries:
                self._source_entries[e.id] = e
                if e.category == "media" and e.words:
                    w = e.words[0]
                    self._media_first.add(w[2:] if w.startswith("ال") else w)
            lexicons.append(lex)
        self._matcher = Matcher(lexicons)

    def _verb_lookup(self, verb_lexicons: Sequence[Lexicon]) -> dict[str, tuple[Entry, bool]] | None:
        """Form → (entry, proclitic) of one-word ``match: exact`` verbs without context rules; None when
        some verb needs the matcher. Where several entries share a form, the matcher's choice wins: the
        first lexicon by name, then the lowest entry id."""
        best: dict[str, tuple[str, str]] = {}
        for lex in verb_lexicons:
            for e in lex.entries:
                if e.match != "exact" or len(e.words) != 1 or e.has_rules:
                    return None
                key = (lex.name, e.id)
                if e.words[0] not in best or key < best[e.words[0]]:
                    best[e.words[0]] = key
        return {form: self._verb_entries[eid] for form, (_, eid) in best.items() if eid in self._verb_entries}

    # -- public -------------------------------------------------------------------------------

    def extract(self, text: str, *, doc_id: str = "", normalized: Normalized | None = None) -> list[Attribution]:
        """All attributions of ``text``, ordered by position, ids 1, 2, ... within the document.

        Offsets index ``text``: ``text[a.quote_start:a.quote_end] == a.quote_text``.
        ``normalized`` may pass ``normalize_with_offsets(text)`` when the caller has it.
        """
        if not text or not text.strip():
            return []
        if normalized is None:
            normalized = normalize_with_offsets(text)
        if self._verb_forms is not None and not self._may_attribute(text, normalized):
            return []  # no cue, no quotation mark, no source line: nothing the rules below could find
        doc = self._prepare(text, doc_id, normalized)
        cues = self._cues(doc)
        consumed: set[int] = set()
        for cue in cues:
            if cue.i0 in consumed:
                continue
            qi = doc.inside_quote(doc.starts[cue.i0])
            if qi is not None and doc.quotes[qi].balanced:
                continue  # the quoted speaker's own verbs ("«... يحاول أن يزعم أنه ...»")
            if cue.kind == "verb":
                self._verb(doc, cue, consumed)
            else:
                self._sourcing(doc, cue)
        self._uncued(doc)
        self._source_lines(doc)
        return self._records(doc, doc_id)

    def _may_attribute(self, text: str, norm: Normalized) -> bool:
        """Whether ``text`` (normalized: ``norm``) has anything an attribution starts from: a reporting
        verb form, a ``المصدر:`` line, a sourcing word followed by what :meth:`_sourcing_cue` needs next,
        or else (for :meth:`_uncued` alone) a quotation of :data:`_UNCUED_MIN_WORDS` words or more. False
        means :meth:`extract` finds nothing (a quick reject: most headlines); only for the verb lookup
        (with verbs from the matcher, every text is prepared)."""
        norms = norm.pieces()[1::2]
        types = norm.distinct_words()  # (kept on norm for the matcher, the terms and _prepare)
        if not self._verb_form_set.isdisjoint(types) or "مصدر" in text or "مصادر" in text:
            return True
        sourcing = _SOURCING_FIRST.intersection(types)
        if sourcing:
            n = len(norms)
            for i in _positions(norms, sourcing):
                tok = norms[i]
                spec = _SOURCING.get(tok) or _SOURCING[tok[1:]]
                if i + 1 < n and _SOURCING_NEXT[spec[0]](norms[i + 1]):
                    return True
        if _QUOTE_RE.search(text) is None:
            return False
        # no cue: only a long quotation without one can be attributed (its words counted as _Doc.n_words does)
        _, starts, _ = _word_offsets(text, norm)
        return any(bisect.bisect_left(starts, q.inner_end) - bisect.bisect_left(starts, q.inner_start)
                   >= _UNCUED_MIN_WORDS for q in find_quotes(text))

    # -- preparation --------------------------------------------------------------------------

    def _prepare(self, text: str, doc_id: str, norm: Normalized | None = None) -> _Doc:
        if norm is None:
            norm = normalize_with_offsets(text)
        norms = norm.pieces()[1::2]
        bounds, starts, ends = _word_offsets(text, norm)
        sents = _merge_abbreviations(text, sentence_spans(text))
        newlines = [m.start() for m in _PARA_RE.finditer(text)]
        quotes = find_quotes(text)
        quote_first: dict[int, int] = {}
        for qi, q in enumerate(quotes):
            k = bisect.bisect_left(starts, q.inner_start)
            if k < len(starts) and starts[k] < q.inner_end:
                quote_first.setdefault(k, qi)
        verbs: dict[int, _Cue] = {}
        forms = self._verb_forms
        types = norm.distinct_words()  # set(norms), built once per text (never changed)
        sourcing = _SOURCING_FIRST.intersection(types)
        verb_at: list[int] = []
        if forms is not None:  # the verb forms' and the sourcing words' positions, in one scan
            verb_forms = types & self._verb_form_set
            at = _positions(norms, verb_forms | sourcing)
            verb_at = [i for i in at if norms[i] in verb_forms] if sourcing else at
            sourcing_at = [i for i in at if norms[i] in sourcing] if verb_forms else at
        else:
            sourcing_at = _positions(norms, sourcing)
        if forms is not None:
            for i in verb_at:
                entry, proclitic = forms[norms[i]]
                verbs[i] = _Cue(i, i + 1, "verb", entry.canonical or entry.term, entry.category, entry.stance,
                                proclitic=proclitic)

        def find_sources(lo: int = 0, hi: int | None = None) -> list[tuple[int, int, Hit]]:
            """Source hits of tokens [lo, hi) (and, without the verb lookup, verb cues into ``verbs``)."""
            if hi is None:
                hi = len(norms)
            if hi <= lo:
                return []
            if lo == 0 and hi == len(norms) and norm.one_to_one():
                # the matcher's words are these tokens, and its word ranges what the offsets map back to
                found = self._matcher.find_words(text, normalized=norm)
            else:
                found = self._found_at(lo, hi, text, norm, bounds, starts, doc_id)
            if forms is not None:  # the matcher holds the source lexicons alone: every match is a source
                found.sort(key=_first_longest)
                return found
            sources: list[tuple[int, int, Hit]] = []  # (a Hit, or the matcher's entry: the same fields)
            for i0, i1, h in found:
                if h.lexicon in self._verb_names:
                    entry, proclitic = self._verb_entries.get(h.entry_id, (None, False))
                    if entry is None or i0 in verbs:
                        continue
                    verbs[i0] = _Cue(i0, i1, "verb", entry.canonical or entry.term, entry.category, entry.stance,
                                     proclitic=proclitic)
                elif h.lexicon in self._source_names:
                    sources.append((i0, i1, h))
            sources.sort(key=_first_longest)
            return sources

        sent_starts, sent_ends = [s for s, _ in sents], [e for _, e in sents]
        if forms is not None and not self._source_rules:
            sentence_sources = _SentenceSources(find_sources, starts, sent_starts, sent_ends)
        else:  # verbs come from the matcher too: match the whole text now
            every = find_sources()

            def sentence_sources(j: int) -> list[tuple[int, int, Hit]]:
                lo, hi = bisect.bisect_left(starts, sent_starts[j]), bisect.bisect_left(starts, sent_ends[j])
                return [h for h in every if lo <= h[0] < hi]

        for i in [k for k in verbs if k > 0 and norms[k - 1] in _PURPOSE and norms[k][:1] in "يتن"]:
            del verbs[i]  # "حتى يقول الحقيقة", "لكي يقول": a purpose clause, no report
        for i in [k for k in verbs if k > 0 and norms[k - 1] in _MASDAR_PREPS and not verbs[k].proclitic
                  and _PUNCT_END.isdisjoint(text[ends[k - 1]:starts[k]])]:
            del verbs[i]  # "على نقل الحكم", "عن قول": a verbal noun after a preposition, no verb
        if "ان" in types and "آ" in text:
            madda = [k for k in _positions(norms, ("ان",)) if text[starts[k]] == "آ"]
            if madda:  # "آن هاثواي" (Anne): a name, never the complementizer إن/أن
                norms = list(norms)
                for k in madda:
                    norms[k] = "آن"
        for i in [k for k in verbs if verbs[k].lemma == "دعا" and k + 1 < len(norms) and (
                (norms[k + 1][:2] == "لل" and norms[k][:1] in "يت"
                 and _PUNCT_BREAK.isdisjoint(text[ends[k]:starts[k + 1]]))
                or (k > 0 and norms[k - 1] in ("ما", "مما")))]:
            del verbs[i]  # "بصورة تدعو للريبة", "مما دعا الشرطة لإطلاق": gives cause for, nobody speaks
        for i in _positions(norms, _REPLY.intersection(types)):
            if i in verbs and i + 1 < len(norms) and norms[i + 1] in _DEED:
                del verbs[i]  # "رد فعل على …" (a reaction): the noun, no cue
        anon = _anonymity_formulas(norms, types)
        for a0, a1 in anon.items():  # "ذكر" in "رفض ذكر اسمه" is no cue
            for k in range(a0, a1):
                verbs.pop(k, None)
        doc = _Doc(text, norms, starts, ends, sent_starts, sent_ends, newlines, quotes,
                   quote_first, [q.start for q in quotes], verbs, sentence_sources, types, anon,
                   _sourcing_at=sourcing_at,
                   sliced=sentence_sources.starting_in if isinstance(sentence_sources, _SentenceSources) else None)
        for i in _positions(norms, _CALLED.intersection(types)):
            # "أحد السكان ويدعى «موسى حسن»", "الشاب الذي يدعى أحمد": is called, not claims
            qi = doc.quote_before(i + 1) if i + 1 < len(norms) else None
            if i in verbs and ((qi is not None and self._is_name(doc, qi))
                               or (i > 0 and norms[i - 1] in _REL_PRONOUNS)
                               # "شاهد عيان يدعى بيتر جازولو": after an indefinite noun, no punctuation
                               or (i > 0 and norms[i][0] != "و" and not norms[i - 1].startswith(("ال", "وال"))
                                   and (i - 1) not in verbs and norms[i - 1] not in _FUNCTION
                                   and _PUNCT_END.isdisjoint(doc.gap(i))
                                   and doc.sentence(starts[i])[0] <= starts[i - 1])):
                del verbs[i]
        return doc

    def _found_at(self, lo: int, hi: int, text: str, norm: Normalized, bounds: list[int], starts: list[int],
                  doc_id: str) -> list[tuple[int, int, Hit]]:
        """The matcher's hits in tokens [lo, hi) of ``text`` (the words lo..hi-1 and the marks after the
        last one, as one text), with the tokens they start at and end before (a hit not starting at a
        token is dropped)."""
        if lo == 0 and hi == len(starts):
            sub, sub_norm, offset = text, norm, 0
        else:
            ntext = norm.text
            na, nb = bounds[2 * lo], bounds[2 * hi - 1]
            offset = int(norm.starts[na])
            o_end = int(norm.starts[nb]) if nb < len(ntext) else len(text)
            sub = text[offset:o_end]
            sub_norm = Normalized(ntext[na:nb], sub, norm.starts[na:nb] - offset, norm.ends[na:nb] - offset)
        out = []
        for h in self._matcher.find(sub, doc_id=doc_id, normalized=sub_norm, sentences=False):
            h_start, h_end = h.start + offset, h.end + offset
            i0 = bisect.bisect_left(starts, h_start)
            if i0 < len(starts) and starts[i0] == h_start:
                out.append((i0, bisect.bisect_left(starts, h_end), h))
        return out

    def _cues(self, d: _Doc) -> list[_Cue]:
        cues = []
        covered: set[int] = set()
        for i in d.sourcing_positions():
            cue = self._sourcing_cue(d, i, d.norms[i])
            if cue is not None:
                cues.append(cue)
                covered.update(range(cue.i0, cue.i1))
        cues.extend(v for i, v in d.verbs.items() if i not in covered)
        cues.sort(key=lambda c: c.i0)
        return cues

    def _sourcing_cue(self, d: _Doc, i: int, tok: str) -> _Cue | None:
        spec = _SOURCING.get(tok)
        if spec is None and len(tok) > 3 and tok[0] in "وف" and tok[1:] in _SOURCING:
            if tok[1:] in ("حسب", "وفق") and tok[0] == "ف":  # فحسب = "only"
                return None
            if tok[1:] == "كما":  # "وكما ذكرت": not a relay of the sentence before
                return None
            spec = _SOURCING[tok[1:]]
        if spec is None:
            return None
        if i + 1 < len(d.norms) and d.norms[i + 1] == "الله" and tok in ("حسب", "بحسب"):
            return None  # "صلاح حسب الله": a family name, not "according to"
        need, lemma = spec
        n = len(d.norms)
        if i + 1 >= n or (need != "verb" and not _SOURCING_NEXT[need](d.norms[i + 1])):
            return None  # (what every case below needs of the next token; most "على" are no "على حد")

        def adjacent(k: int) -> bool:  # token k follows token k-1 with nothing but spaces
            return k < n and _PUNCT_END.isdisjoint(d.gap(k))

        def verb_after(k: int) -> _Cue | None:  # "بحسب ما ذكرت X": the verb at k, the phrase after
            if not adjacent(k) or not adjacent(k + 1):
                return None
            v = d.verbs.get(k)
            return _Cue(i, k + 1, "sourcing", f"{lemma} {d.norms[k]}" if v is None else f"{lemma} {v.lemma}",
                        v.stance if v else "", v.stance_value if v else 0.0, np_start=k + 1, has_verb=True)

        if need == "":
            if not adjacent(i + 1):
                return None
            if d.norms[i + 1] == "ما":
                cue = verb_after(i + 2)
                if cue is not None:
                    cue.lemma = cue.lemma.replace(lemma, f"{lemma} ما", 1)
                return cue
            return _Cue(i, i + 1, "sourcing", lemma, np_start=i + 1)
        if need == "ma":
            return verb_after(i + 1)
        if need == "verb":
            # "…، كما ذكرت وكالة X.": a relay when a reporting verb and its subject close the sentence
            # (not "كما أكد الوزير أن …", the minister also said)
            if not (i + 2 < n and (i + 1) in d.verbs and not _is_participle(d.norms[i + 1])
                    and d.norms[i + 2] not in _NP_STOP and _has_comma(d.gap(i))):
                return None
            s_end = d.sentence(d.starts[i])[1]
            k = i + 2
            while k < n and d.starts[k] < s_end:
                if k - i > 8 or d.norms[k] in _COMP or k in d.verbs or d.quote_before(k) is not None \
                        or not _COMMA_COLON_SEMI.isdisjoint(d.gap(k)):
                    return None
                k += 1
            return verb_after(i + 1)
        if need == "l":
            if not adjacent(i + 1):
                return None
            nxt = d.norms[i + 1]
            if nxt == "ل":
                return _Cue(i, i + 2, "sourcing", lemma, np_start=i + 2) if adjacent(i + 2) else None
            if nxt in ("لما", "ما"):
                return verb_after(i + 2)
            if len(nxt) > 2 and nxt[0] == "ل":
                return _Cue(i, i + 1, "sourcing", lemma, np_start=i + 1)
            return None
        if need == "an":
            if adjacent(i + 1) and d.norms[i + 1] == "عن" and adjacent(i + 2):
                return _Cue(i, i + 2, "sourcing", lemma, np_start=i + 2)
            return None
        if need == "ila":
            if adjacent(i + 1) and d.norms[i + 1] in ("الي", "ل") and adjacent(i + 2):
                return _Cue(i, i + 2, "sourcing", lemma, np_start=i + 2)
            if adjacent(i + 1) and d.norms[i + 1].startswith("ل") and len(d.norms[i + 1]) > 2:
                return _Cue(i, i + 1, "sourcing", lemma, np_start=i + 1)
            return None
        if need == "fi":  # "وجاء في بيان الحزب «...»": the statement's author is the source
            if (adjacent(i + 1) and d.norms[i + 1] == "في" and adjacent(i + 2)
                    and _bare_forms(d.norms[i + 2]) & _SPEECH_NOUNS):
                return _Cue(i, i + 2, "sourcing", lemma, np_start=i + 2)
            return None
        if need == "hadd":  # على حد قول / تعبير / وصف
            if (adjacent(i + 1) and d.norms[i + 1] == "حد" and adjacent(i + 2)
                    and d.norms[i + 2] in ("قول", "تعبير", "وصف") and adjacent(i + 3)):
                return _Cue(i, i + 3, "sourcing", f"على حد {d.norms[i + 2]}", np_start=i + 3)
            return None
        return None

    # -- speaker phrases ----------------------------------------------------------------------

    def _is_name(self, d: _Doc, qi: int) -> bool:
        """A short quoted span without a verb and without sentence punctuation: a name."""
        q = d.quotes[qi]
        if not q.balanced:
            return False
        k0 = bisect.bisect_left(d.starts, q.inner_start)
        k1 = bisect.bisect_left(d.starts, q.inner_end)
        if not 1 <= k1 - k0 <= _NAME_MAX_WORDS:
            return False
        if any(k in d.verbs for k in range(k0, k1)):
            return False
        inner = d.text[q.inner_start:q.inner_end]
        return _NAME_BREAK.isdisjoint(inner)

    def _np(self, d: _Doc, i: int, end: int, *, mode: str = "subject") -> tuple[int, int, list[int]]:
        """A speaker phrase starting at token ``i``, at most up to token ``end``.

        ``subject``: stops at prepositions, time words, complementizers and other cues
        (the phrase after a verb); ``source``: runs to punctuation (after بحسب ...).
        Short quoted names inside are part of the phrase. Returns (start, end, name quotes).
        """
        names: list[int] = []
        i_first = i
        if mode == "subject":
            while i < end:
                tok = d.norms[i]
                if tok == "ل":  # قال لـ«الوطن» مصدر ...
                    qi = d.quote_before(i + 1) if i + 1 < end else None
                    i = d.token_after_quote(qi) if qi is not None else i + 2
                elif tok in ("لي", "لنا") and i == i_first and i + 1 < end and not d.gap(i + 1).strip():
                    i += 1  # "قال لي جايمس آكتون": whom he told, then the speaker
                elif tok in _NP_LEAD_SKIP or _is_hal(tok):  # "أكد فيه الجيش", "قال معلقا"
                    i += 1
                elif tok[0] == "ل" and len(tok) > 3 and tok[1:] in _ADDRESSED:
                    i += 1  # "ويقول لأهل القناة:": whom he spoke to, and its genitive
                    while i < end and d.norms[i].startswith("ال") and _PUNCT_BREAK.isdisjoint(d.gap(i)):
                        i += 1
                elif tok[0] == "ل" and len(tok) > 3 and tok[1] != "ل" and (tok[1:] in self._media_first
                                                                            or tok[1:] in _BROADCAST):
                    i = end  # "وأضاف لراديو إسرائيل أن": whom he told; the speaker is named before
                elif tok[0] == "ل" and len(tok) > 3 and tok[1] != "ل" and tok not in _SOURCE_HEADS and any(
                        not normalize_ar(h[2].term).startswith("ل") for h in d.sources_in(i, i + 1) if h[0] == i):
                    i += 1  # "وقال لرويترز هاتفيا": the agency he spoke to, not the speaker
                elif _is_manner(tok):  # "وتضيف بحماسة شديدة:": how it was said, then its adjective
                    i += 1
                    if i < end and d.norms[i].endswith("ه") and not d.norms[i].startswith("ال") \
                            and i not in d.verbs and not d.gap(i).strip():
                        i += 1
                else:
                    break
        if mode == "source" and i < end and d.norms[i] in _RESUMPTIVE and i - 1 in d.verbs:
            i += 1  # "وفقا لما أشارت إليه العديد من وسائل الإعلام": the pronoun of «ما», then the source
        s = k = i
        n = commas = 0
        if mode == "subject" and i == i_first and 0 < i < end and i - 1 in d.verbs and d.quote_before(i) is None \
                and not _OPENERS_AD.isdisjoint(d.gap(i)) \
                and not any(c in _QUOTE_CHARS for t in range(i + 1, min(len(d.norms) + 1, i + 5)) for c in d.gap(t)):
            # 'قال " كنا نود أن …': a quotation opens after the verb (its mark not paired; not a short quoted
            # name, 'وقال " عثمان" إنه')
            return s, s, names
        starts, ends, text, quote_first, quotes = d.starts, d.ends, d.text, d.quote_first, d.quotes
        n_tok = len(starts)
        while k < end and n < (_MAX_NP if mode == "subject" else 12):
            qi = quote_first.get(k)  # d.quote_before(k), inline
            if qi is not None and k > 0 and quotes[qi].start < ends[k - 1]:
                qi = None
            gap = (text[ends[k - 1]:starts[k]] if k < n_tok else d.gap(k)) if k > s else " "  # d.gap(k)
            if gap != " ":  # (most words are one space apart: nothing to check)
                if not _PHRASE_BREAK.isdisjoint(gap):
                    break
                if qi is None and any(
                        c in _QUOTE_CHARS and j > 0 and gap[j - 1].isspace()
                        and not (names and d.quotes[names[-1]].end == d.ends[k - 1] + j + 1)
                        for j, c in enumerate(gap)):
                    break  # 'وقال افليك " ليس لي علاقة …': a quotation mark (unpaired) ends the name
                if "،" in gap or "," in gap:
                    # one apposition: "أحمد رحال، الخبير العسكري، إن"
                    if mode == "source" or commas or n >= 7 or d.norms[k] in _NP_STOP:
                        break
                    commas += 1
            a1 = d.anon.get(k)
            if a1 is not None:  # "مسؤول، رفض ذكر اسمه، إن": the formula belongs to the phrase
                n += 1
                k = a1
                continue
            if qi is not None:
                # a short quoted name is part of the phrase, unless it ends the sentence (then it is
                # what was said) — except right at the start ('وفقاً لـ"إنترفاكس".')
                if not self._is_name(d, qi) or (k > s and not self._continues(d, qi)):
                    break
                names.append(qi)
                k = d.token_after_quote(qi)
                n += 1
                continue
            tok = d.norms[k]
            if k > s and (k in d.verbs or tok in _COMP) and not _cnn(d.norms, k):
                break
            # "مسؤول في وزارة ..." / "المتحدث باسم": keep في after one indefinite noun; "عدد من
            # القيادات"; "الدكتور علي بركات" (the name, not the preposition)
            if (tok in _NP_STOP and not (mode == "source" and tok in ("عن", "في", "ب", "ل")) and not _cnn(d.norms, k)
                    and not (tok == "عن" and n >= 1 and d.norms[k - 1] in _ISSUED)  # "بيان صادر عن X"
                    and not (tok in ("في", "ب") and n == 1 and _bare_forms(d.norms[s]) & _SOURCE_HEADS
                             and not d.norms[s].startswith("ال") and k + 1 < end
                             and not _bare_forms(d.norms[k + 1]) & _SPEECH_EVENTS)
                    and not (tok == "من" and n >= 1 and d.norms[k - 1] in _QUANTITY)
                    and not (tok in ("علي", "امام") and n >= 1 and d.norms[k - 1] in _TITLES)
                    and not (tok == "علي" and n >= 1 and self._name_ali(d, k, end))
                    and not (tok == "علي" and n == 0 and self._ali_first(d, k, end))):
                break
            if mode == "source" and tok in _REL_COMP:
                break
            if n >= 1 and _accusative_object(d, k, end):
                break  # "وفقا لبيان رئاسة الجمهورية وفدا من حزب النور": the verb's object, not the source
            if mode == "subject" and n >= 1 and self._object_after_subject(d, k, end, n == 1):
                break  # "وردد المتظاهرون هتافات", "واستكمل حمودة هجومه على": the verb's object
            if (mode == "subject" and (n >= 2 or (n == 1 and k + 1 < end and d.norms[k + 1].startswith("ال")))
                    and tok[0] != "ا" and _bare_forms(tok) & _WRITTEN_WORDS
                    and d.norms[s][:2] != "ال" and all(not _bare_forms(d.norms[t]) & _NAMED_PERSON_HEADS
                                                       and d.norms[t] not in _TITLES for t in range(s, k))):
                break  # "استنكر رجائي عطية خطاب الرئيس": a statement after a bare name is the verb's object
            if (mode == "subject" and n >= 1 and tok[0] == "ل" and len(tok) > 3
                    and (tok[2:] if tok[1] == "ل" else tok[3:] if tok[1:3] == "ال" else tok[1:]) in self._media_first
                    and not _bare_forms(d.norms[k - 1]) & _SOURCE_PERSON_HEADS
                    and any(h[0] == k and h[2].category == "media" and not normalize_ar(h[2].term).startswith("ل")
                            for h in d.sources_in(k, k + 1))):
                break  # "وقال فريدمان لرويترز": the agency he spoke to (not "مراسل لقناة …")
            if mode == "subject" and n >= 1 and tok[0] == "ل" and len(tok) > 3 and not (
                    _bare_forms(d.norms[s]) & _SPOKESMEN and d.norms[k - 1][:1] != "ل") and not (
                    # "بيان لحزب النور": the statement's author, not whom it was given to
                    k == s + 1 and d.norms[s] in _SPEECH_NOUNS) and tok not in _SOURCE_HEADS and (
                    _bare_forms(tok) & _SOURCE_HEADS  # "قائد عسكري لوكالة فرانس برس"
                    or (tok.startswith("لل") and "ال" + tok[2:] in _TITLES)  # "حكى اللواء نجيب للفريق عنان"
                    or tok[1:].isascii()):  # "وقال إمبون لـCNN"
                break
            n += 1
            k += 1
        return s, k, names

    @staticmethod
    def _object_after_subject(d: _Doc, k: int, end: int, second: bool) -> bool:
        """Does token ``k`` start the verb's object after a subject (tokens before ``k``)? Three shapes
        that no name or adjective takes: an indefinite plural in -ات after a definite noun ("المتظاهرون
        هتافات"); a definite plural in -ين/-ون after a definite feminine singular ("الحركة الموظفين": no
        adjective of it, and a definite noun has no genitive; ``second``: ``k`` is the phrase's second word);
        a noun with «his» before a preposition ("حمودة هجومه على")."""
        tok, prev = d.norms[k], d.norms[k - 1]
        # the shapes first (plain string tests: this runs for every word of every subject phrase)
        if len(tok) < 4:
            return False
        definite_prev = prev[:2] == "ال" or prev[:3] == "وال"
        if tok[:2] == "ال":
            # (the subject's head itself: not "أسر ضباط الشرطة المختطفين")
            shape = second and definite_prev and len(tok) >= 7 and prev[-1] == "ه" and tok[-2:] in ("ين", "ون")
        elif tok[-2:] == "ات":
            shape = (definite_prev and len(tok) >= 5 and tok[0] not in "ولبف"
                     and not _bare_forms(prev) & _PERSON_TITLE_HEADS
                     and (k < 2 or d.norms[k - 2] not in _NAME_PREFIXES))
        else:
            # (not "أبو سعده على", nor a writer's ه for ة: only where the text spells ة)
            shape = (tok[0] not in "لب" and d.text[d.ends[k] - 1] == "ه" and k + 1 < end
                     and d.norms[k + 1] in _PREPOSITIONS and prev not in _NAME_PREFIXES
                     and d.quote_before(k) is None and "ة" in d.text)
        if not shape or prev in _TITLES or k in d.verbs or tok in NOT_SPEAKERS:
            return False
        return not _has_comma(d.gap(k)) and not _bare_forms(tok) & _ALL_HEADS

    @staticmethod
    def _ali_first(d: _Doc, k: int, end: int) -> bool:
        """Is «علي» right after a verb the first name Ali ("صرح علي أمين، القيادي بحزب الوفد، بأن") rather
        than the verb's على ("أكد على ضرورة الحوار")? One surname without article, then a comma."""
        if k == 0 or k - 1 not in d.verbs or k + 2 >= end or d.gap(k).strip():
            return False
        nxt = d.norms[k + 1]
        return (not nxt.startswith(("ال", "لل", "بال")) and nxt not in _NP_STOP and k + 1 not in d.verbs
                and d.quote_before(k + 1) is None and not _bare_forms(nxt) & _ALL_HEADS
                and _has_comma(d.gap(k + 2)))

    @staticmethod
    def _name_ali(d: _Doc, k: int, end: int) -> bool:
        """Is «علي» at token ``k`` the name Ali ("ياسر علي، المتحدث باسم الرئاسة") rather than على? After a
        first name (no article, no proclitic preposition), before a comma, a definite title or the end."""
        prev = d.norms[k - 1]
        if prev in _KINSHIP:
            return True  # "بن علي", "أبو علي": a name, whatever follows
        if prev.startswith("ال") or prev in _NP_STOP or prev[:1] in "لب" or len(prev) < 3 or k - 1 in d.verbs:
            return False
        return (k + 1 >= end or _has_comma(d.gap(k + 1)) or d.norms[k + 1].startswith("ال")
                or bool(_bare_forms(d.norms[k + 1]) & _PERSON_HEADS))  # "أيمن علي مستشار الرئيس"

    def _known(self, d: _Doc, s: int, e: int) -> tuple[int, int, Hit] | None:
        """The named source in tokens [s, e): the last one, a named one before an anonymous one (asked
        again for the same tokens, the answer kept: a phrase's source is looked up several times)."""
        key = (s, e)
        memo = d.known
        if key in memo:
            return memo[key]
        memo[key] = out = self._known_in(d, s, e)
        return out

    def _known_in(self, d: _Doc, s: int, e: int) -> tuple[int, int, Hit] | None:
        found = d.sources_in(s, e)
        if not found:
            return None
        if len(self._source_rank) > 1:
            rank = self._source_rank
            best = min(rank.get(f[2].lexicon, 0) for f in found)
            found = [f for f in found if rank.get(f[2].lexicon, 0) == best]
        named = [f for f in found if f[2].category != "anonymous"]
        return (named or found)[-1]

    def _speaker(self, d: _Doc, s: int, e: int, names: list[int], *, strip_lam: bool = False) -> _Speaker | None:
        """Resolve the phrase tokens [s, e) to a speaker (None when the phrase is empty)."""
        if e <= s:
            return None
        a = next((k for k in range(s, e) if k in d.anon), None) if d.anon else None
        if a is not None:
            # "مسؤول رفض ذكر اسمه": the words before the formula, typed anonymous
            sp = self._speaker(d, s, a, [qi for qi in names if d.quotes[qi].start < d.starts[a]],
                               strip_lam=strip_lam) if a > s else None
            if sp is None:
                return _Speaker(_ANON_SPEAKER, "anonymous", d.starts[s], d.ends[e - 1])
            return _Speaker(sp.name, "anonymous", sp.start, max(sp.end, d.ends[e - 1]), sp.words)
        first = d.norms[s]
        if not names and ((e - s == 1 and (first in NOT_SPEAKERS or _refers_back(first)
                                           or (first[:1] in "وف" and first[1:] in _OBLIGATION)
                                           or (_possessed(first) and s not in d.verbs)))
                          or first in _PRONOUN_FIRST):
            return None  # "ذكر اسمه أن", "ولكنه أكد", "قال لك", "قال مكتبه": the caller resolves from context
        words = frozenset().union(*map(_bare_forms, d.norms[s:e]))  # every token's bare forms
        # an apposition after a comma describes a head that is itself a named source:
        # "موسكو، حليفة الرئيس السوري" is Moscow (but "المتحدث باسم أردوغان، إبراهيم كالين" is Kalin)
        head = self._chunks(d, s, e)[0]
        known = self._known(d, *head) if head[1] < e else None
        if known is None or known[0] != head[0]:
            known = self._known(d, s, e)
        entry = self._source_entries.get(known[2].entry_id) if known is not None else None
        if (e - s == 2 and not names and known is None and d.norms[s].startswith("ال")
                and d.norms[s + 1].startswith("ال") and d.norms[s + 1].endswith(("ي", "يه"))
                and not d.gap(s + 1).strip() and _bare_forms(d.norms[s]) & _DOCUMENT_NOUNS):
            # "كشفت التحريات الأولية", "وأشارت الدراسة الأمريكية": a document and its adjective
            bare = _bare_forms(d.norms[s]) - {d.norms[s]}
            return self._named_before(d, s, bare) or _Speaker("", "other", d.starts[s], d.ends[s + 1], words)
        if (known is None or (entry is not None and not entry.canonical)) and e - s == 1 and not names \
                and d.norms[s].startswith(("ال", "لل")):
            # a generic definite noun ("البيان", "المركز") refers back to a speaker it names
            bare = _bare_forms(d.norms[s]) - {d.norms[s]}
            for f in reversed(d.found[-20:]):
                if f.speaker.name and bare & f.speaker.words:
                    sp = f.speaker
                    return _Speaker(sp.name, sp.source_type, sp.start, sp.end, sp.words | words)
            if bare & _PERSON_HEADS and not bare & _SOURCE_HEADS:
                # "… طلب المحامي محمود سليمان … إلا أن المحامي أكد": the person that title named before
                sp = self._titled_before(d, s, bare, words)
                if sp is not None:
                    return sp
            if d.norms[s] in _TITLES or bare & _SPEECH_NOUNS:  # a bare title or "البيان" ("وقال الدكتور"): the person named before, not «الدكتور»
                return None
            if bare & _SOURCE_NAMED_HEADS and not bare & _DOCUMENT_NOUNS:
                # "وأوضحت الهيئة" after "الهيئة العربية للمسرح": the body named before in the paragraph
                sp = self._named_before(d, s, bare)
                if sp is not None:
                    return sp
            if bare & _DOCUMENT_NOUNS:
                # "وأضافت الصحيفة" after "ذكرت صحيفة الأهرام": the paper named before; "وذكرت الدعوى", "ويضيف
                # المقال" with no author named: nobody (not whoever spoke last)
                return self._named_before(d, s, bare) or _Speaker("", "other", d.starts[s], d.ends[s], words)
        if known is not None:
            _, i1, hit = known
            end = max(e, i1)
            if entry is not None and not entry.canonical:
                # a pattern without canonical ("وزير", "حزب"): named by the words of the text
                name = self._phrase_name(d, s, e, names, strip_lam=strip_lam)
            else:
                name = _light(entry.canonical or entry.term) if entry else _light(hit.term)
            return _Speaker(name, hit.category, self._np_start(d, s, names), self._np_end(d, end, names), words)
        name = self._phrase_name(d, s, e, names, strip_lam=strip_lam)
        # a short name seen in full earlier ("وأضاف الخميسي" after "قال نبيل الخميسي، رئيس ..."): that speaker
        if e - s <= 2 and (not names or (len(names) == 1 and d.quote_first.get(s) == names[0])):
            # (also a quoted one: 'وقال " عثمان" إنه')
            last = _bare_forms(d.norms[e - 1])
            for f in reversed(d.found):
                sp = f.speaker
                if (sp.name and len(sp.words) > len(words) and last & sp.words and len(d.norms[e - 1]) > 3
                        and all(_bare_forms(d.norms[k]) & sp.words for k in range(s, e))
                        and not _bare_forms(normalize_ar(sp.name.split(maxsplit=1)[0])) & _OFFICE_OF):
                    return _Speaker(sp.name, sp.source_type, self._np_start(d, s, names), self._np_end(d, e, names),
                                    sp.words | words)
        return _Speaker(name, "other", self._np_start(d, s, names), self._np_end(d, e, names), words)

    def _named_before(self, d: _Doc, s: int, bare: frozenset[str] | set[str]) -> _Speaker | None:
        """The nearest named source before token ``s`` in its paragraph or the two before, whose head is
        one of ``bare`` ("صحيفة الأهرام" for «الصحيفة»): that source, named by the words of the text."""
        para = d.para(d.starts[s])
        j = bisect.bisect_right(d.sent_starts, d.starts[s]) - 1
        lo = j
        while lo > 0 and j - lo < 6 and d.para(d.sent_starts[lo - 1]) >= para - 2:
            lo -= 1
        if lo > j:
            return None
        k_lo = d.tok_at_or_after(d.sent_starts[lo])
        for i0, i1, _ in reversed(d.sources_in(k_lo, s)):
            if i1 - i0 == 1 and _bare_forms(d.norms[i0]) & bare \
                    and d.inside_quote(d.starts[i0]) is None:
                ps, pe, names = self._np(d, i0, min(len(d.norms), i0 + 4))
                pe = self._to_object(d, ps, pe)
                if pe - ps >= 2:
                    return self._speaker(d, ps, pe, names)
        return None

    @staticmethod
    def _name_before_comma(d: _Doc, i0: int, k0: int) -> int | None:
        """The first token of a person's name (two to four words, the shortest that fits) that ends at a
        comma right before token ``i0``, in the sentence from token ``k0``, after a verb, a complementizer,
        an honorific or title, or the first word of a clause (a verb the lexicon lacks): "طالب سامي فؤاد،
        عضو مجلس الشورى", "أن د. حسن عبد الكريم، وزير الزراعة". Without the comma only after an honorific and
        before an indefinite title ("الدكتور خالد مأمون أستاذ التحاليل"). None when there is none."""
        if i0 - 2 < k0 or d.inside_quote(d.starts[i0 - 1]) is not None:
            return None
        comma = _has_comma(d.gap(i0))
        if not comma and (d.gap(i0).strip() or d.norms[i0].startswith(("ال", "لل", "وال"))
                          or not _bare_forms(d.norms[i0]) & _PERSON_HEADS):
            return None  # (without the comma, only before a person's title: "فلان وكيل النقابة", "فلان أستاذ …")
        heads = _HEADS_OR_WRITTEN
        last = d.norms[i0 - 1]
        if last in _NP_STOP or last in _FUNCTION or i0 - 1 in d.verbs or last.isdigit() or _bare_forms(last) & heads:
            return None
        for k in range(i0 - 2, max(k0, i0 - 4) - 1, -1):
            tok = d.norms[k]
            if (tok in _NP_STOP or tok in _FUNCTION or k in d.verbs or tok.isdigit() or _bare_forms(tok) & heads
                    or tok in _HONORIFICS or tok in _TITLES or (tok[:1] in "لب" and tok[1:3] == "ال")):
                return None  # the name cannot reach further back than a function word, a head or a verb
            if tok in _PREPOSITIONS or (tok[:1] in "وف" and tok[1:] in _PREPOSITIONS):
                return None
            if tok.startswith("ال"):
                continue  # inside a name ("عبد الرحمن"), never its first word
            if any(c in _PUNCT_BREAK or c in "!?؟\n\"«»" for t in range(k + 1, i0) for c in d.gap(t)):
                return None
            if k == k0:
                return k if comma else None
            prev = d.norms[k - 1]
            if prev in _HONORIFICS or prev in _TITLES or (not comma and k - 1 in d.verbs and k - 1 >= k0):
                return k
            if prev in _COMP or k - 1 in d.verbs:
                if comma:
                    return k
                continue
            if "." in d.gap(k):
                return None
            if (k - 1 == k0 or _has_comma(d.gap(k - 1))) and not prev.startswith(("ال", "وال")) \
                    and prev not in _NP_STOP and prev not in _FUNCTION and prev not in _PREPOSITIONS \
                    and not (prev[:1] in "وف" and prev[1:] in _PREPOSITIONS) and not _bare_forms(prev) & _HEADS_OR_WRITTEN:
                return k  # "من جانبه، طالب سامي فؤاد، …": the clause's first word is its verb
        return None

    def _honorific_name(self, d: _Doc, k0: int, k1: int) -> _Speaker | None:
        """The first "HONORIFIC NAME" (the honorific and two to four name words) in tokens [k0, k1), outside
        quotations: "الدكتور شوقي السيد". None when there is none."""
        if d._honorifics is None:
            d._honorifics = _positions(d.norms, _HONORIFICS.intersection(d.types))
        heads = _SPEAKER_HEADS
        for k in d._honorifics[bisect.bisect_left(d._honorifics, k0):bisect.bisect_left(d._honorifics, k1 - 2)]:
            if d.inside_quote(d.starts[k]) is not None:
                continue
            prev = d.norms[k - 1] if k > k0 else ""
            if prev and not (k - 1 in d.verbs or (prev[:1] in "وف" and len(prev) > 3 and prev[1:3] != "ال")
                             or not _PUNCT_BREAK.isdisjoint(d.gap(k))):
                continue  # (not "كفر الشيخ", "بحكومة الدكتور قنديل": a place's name, a genitive)
            j = k + 1
            while j < k1 and j - k <= 4:
                tok = d.norms[j]
                if (tok in _NP_STOP or tok in _FUNCTION or j in d.verbs or tok.isdigit() or _bare_forms(tok) & heads
                        or (tok.startswith("ال") and j == k + 1) or tok[:2] in ("لل", "بال")
                        or (tok[:1] in "بلوف" and j > k + 1)
                        or not _BREAK_OR_QUOTE.isdisjoint(d.gap(j))):
                    break
                j += 1
            if j - k >= 3:
                return self._speaker(d, k, j, [])
        return None

    @staticmethod
    def _titled_before(d: _Doc, s: int, bare: frozenset[str] | set[str], words: frozenset[str]) -> _Speaker | None:
        """The nearest earlier "TITLE NAME" (two or three name words right after the same title word, outside
        quotations) in the paragraph of token ``s`` or the two before: "المحامي محمود سليمان" for «المحامي»."""
        para = d.para(d.starts[s])
        heads = _SPEAKER_HEADS
        for k in range(s - 1, max(-1, s - 200), -1):
            if d.para(d.starts[k]) < para - 2:
                break
            if (not _bare_forms(d.norms[k]) & bare or (d.norms[k][:1] in "لب" and not d.norms[k].startswith("ال"))
                    or d.inside_quote(d.starts[k]) is not None):
                continue
            j = k + 1
            while j < s and j - k <= 3:
                tok = d.norms[j]
                if (tok in _NP_STOP or tok in _FUNCTION or j in d.verbs or tok.isdigit() or _bare_forms(tok) & heads
                        or tok in _PREPOSITIONS or (tok.startswith("ال") and j == k + 1) or tok[:2] in ("لل", "بال")
                        or (tok[:1] in "بلو" and j > k + 1)  # "… محمود سليمان بعدم السماح": a preposition's word
                        or not _END_OR_QUOTE.isdisjoint(d.gap(j))):
                    break
                j += 1
            if j - k >= 3:  # the title and at least two name words
                return _Speaker(_light(d.text[d.starts[k]:d.ends[j - 1]]), "other", d.starts[s], d.ends[s],
                                words | {w for t in range(k, j) for w in _bare_forms(d.norms[t])})
            return None  # the nearest use of the title names nobody: do not look further back
        return None

    @staticmethod
    def _to_object(d: _Doc, ps: int, pe: int) -> int:
        """The end of a source phrase [ps, pe) up to the object: "نشرت صحيفة الأهرام المصرية تقريرا" (an
        indefinite word after a definite one, from the third word on)."""
        if (pe - ps >= 2 and d.norms[ps].startswith("ال") and d.norms[ps].endswith(("ون", "ين")) and len(d.norms[ps]) > 5
                and not d.norms[ps + 1].startswith(("ال", "لل", "وال")) and not _bare_forms(d.norms[ps]) & _PERSON_HEADS
                and not (ps > 0 and _bare_forms(d.norms[ps - 1]) & _QUANTITY) and d.quote_before(ps + 1) is None):
            # (not "أحد المواطنين عبدالله محمد", "بأحد المواطنين «فلان»")
            return ps + 1  # "وحمل المتظاهرون صور الشهداء": a definite plural names no one after it — the object
        return next((k for k in range(ps + 2, pe) if d.norms[k - 1].startswith("ال") and d.norms[k - 1] not in _TITLES
                     and not d.norms[k].startswith(("ال", "لل", "وال"))), pe)

    def _phrase_name(self, d: _Doc, s: int, e: int, names: list[int], *, strip_lam: bool = False) -> str:
        """The speaker name of phrase tokens [s, e) as written: title and name, a few words."""
        # drop "بيان"/"وصف" + "صادر عن"/"لـ"/"في" in front of the real speaker
        t = s
        called = next((k for k in range(s, e - 1) if d.norms[k] in _CALLED), None)
        if called is not None:  # "أحد السكان ويدعى «موسى حسن»": the name
            t = called + 1
        after_noun = -1
        if e - t > 1 and _bare_forms(d.norms[t]) & _SPEECH_NOUNS and not (
                # (not "التقارير الواردة من …": a definite statement and its adjective name no author)
                d.norms[t].startswith("ال") and d.norms[t + 1].startswith("ال") and d.norms[t + 1] not in _ISSUED):
            t += 1
            while t < e - 1 and (d.norms[t] in ("ل", "صادر", "الصادر", "عن", "في", "من") or d.norms[t] in _ISSUED_IT):
                t += 1
            # "بيان صحفي للبيت الأبيض": the statement's adjectives, then لـ + its author
            while t < e - 1 and d.norms[t].endswith("ي") and not d.norms[t].startswith(("ال", "ل")):
                t += 1
            after_noun = t
            if t >= e - 2 and all(d.norms[k].endswith(("يه", "ي")) and not d.norms[k].startswith(("ال", "ل", "ب"))
                                  for k in range(s + 1, e)):
                # "ذكرت تقارير إخبارية", "أشارت بيانات اقتصادية أمريكية": the reports themselves, not «إخبارية»
                t = after_noun = s
        while e - t > 1 and d.norms[t] in _HONORIFICS:
            t += 1
        qk = d.tok_at_or_after(d.quotes[names[-1]].start) if names else 0
        if names and e - t > _MAX_SPEAKER_WORDS and d.token_after_quote(names[-1]) >= e and not any(
                c in "،," for k in range(t + 1, qk + 1) for c in d.gap(k)) and not (
                # (not "خالد عبد الله مقدم برنامج «مصر الجديدة»": the programme's name, not his)
                qk > t and _bare_forms(d.norms[qk - 1]) & _TITLE_NOUNS):
            # (not "عمرو موسى، رئيس حزب المؤتمر «تحت التأسيس»": a quote after the comma is no name of the speaker)
            q = d.quotes[names[-1]]
            name = _light(d.text[q.inner_start:q.inner_end])
        else:
            chunks = self._chunks(d, t, e)
            a, b = chunks[0]
            if len(chunks) > 1 and d.inside_quote(d.starts[a]) is None and (
                    (b - a == 1 and d.norms[a].startswith("ال")
                     # (not "وانتقد الخراط، التباطؤ في …": one definite word after the comma is the object)
                     and (chunks[1][1] - chunks[1][0] >= 2 or not d.norms[chunks[1][0]].startswith("ال")))
                    or self._title_then_name(d, chunks[0], chunks[1])):
                # "المحامي، عصام البطاوي", "رئيس الوزراء التونسي السابق، الباجي قائد السبسي": the name after
                # the title (not «البرادعي»، المنسق)
                a, b = chunks[1]
                while b - a > 1 and d.norms[a] in _HONORIFICS:
                    a += 1
            if b - a > _MAX_SPEAKER_WORDS:
                # "رئيس جمعية أطباء التحرير الدكتور محمد فتوح": the name after the honorific
                h = next((k for k in range(a + 1, b - 1) if d.norms[k] in _HONORIFICS), None)
                if h is not None:
                    a = h + 1
            if b - a > 3 and (_bare_forms(d.norms[a]) & _SOURCE_PERSON_HEADS or d.norms[a] in _TITLES):
                # "الخبير القانوني أحمد رفعت عميد كلية حقوق": a second title after the name ends the name
                k = self._name_start(d, a, b)
                # (a definite one too, with its own definite adjective: "فلان المتحدث الرسمي باسم …")
                # (not the phrase's last word: a surname, "الشاعر أحمد فؤاد نجم")
                h = next((j for j in range(k + 1, b) if _bare_forms(d.norms[j]) & _PERSON_HEADS
                          and not self._surname(d, j, b)
                          and (not d.norms[j].startswith("ال")
                               or (j + 1 < e and d.norms[j + 1].startswith("ال") and not d.gap(j + 1).strip()))),
                         None) if k is not None else None
                if h is not None:
                    b = h
            if b - a > _MAX_SPEAKER_WORDS and (_bare_forms(d.norms[a]) & _PERSON_HEADS or d.norms[a] in _TITLES):
                # "نائب رئيس الوزراء العراقي حسين الشهرستاني": a title too long to keep with the name — the
                # name (shorter titles stay: "وزير المالية أحمد النجار")
                k = self._name_after_title(d, a, b)
                if k is not None:
                    a = k
                    while b - a > 1 and d.norms[a] in _HONORIFICS:
                        a += 1
            if (b - a > 2 and not _bare_forms(d.norms[a]) & _SOURCE_PERSON_HEADS
                    and d.norms[a] not in _TITLES
                    and not (d.norms[a].startswith("ال") and d.norms[a + 1].startswith(("ال", "ب", "ل")))):
                # "عبد المنعم أبو الفتوح رئيس حزب مصر القوية": the person's name, not the title after it
                h = next((k for k in range(a + 2, b) if _bare_forms(d.norms[k]) & _PERSON_HEADS
                          and not self._surname(d, k, b)), None)
                if h is not None:
                    b = h
            b = self._name_apposition(d, a, b)
            # "مركز الرصد التابع للجامعة": what the body belongs to is no part of its name
            # ("صحيفة الشرق الصادرة صباح السبت": when it appeared; not "وثيقة صادرة عن الوكالة": its author)
            b = next((k for k in range(a + 1, b) if d.norms[k] in _BELONGING or (
                d.norms[k] in _ISSUED and (k + 1 >= len(d.norms) or not d.norms[k + 1].startswith("عن")))), b)
            if b > a + _MAX_SPEAKER_WORDS:
                b = a + _MAX_SPEAKER_WORDS
                if d.norms[b - 1][:1] in "بل" and d.norms[b - 1][1:3] != "ال" and d.norms[b - 1][:2] != "لل":
                    b -= 1  # (its genitive was cut off: "… بمدينة")
            while b - a > 1 and d.norms[b - 1] in _NAME_TAIL and not (
                    d.norms[b - 1] == "علي" and b - 2 >= a and self._name_ali(d, b - 1, e)):
                b -= 1
            name = _light(d.text[d.starts[a]:d.ends[b - 1]])
            if strip_lam and a == s and name[:1] == "ل" and len(d.norms[a]) > 2:
                name = ("ا" + name[1:]) if name[:2] == "لل" else name[1:]
            elif a == after_noun and name[:2] == "لل" and len(d.norms[a]) > 3:
                # "بيان للحزب" → الحزب, "بيان للجنة" → لجنة (the second ل is the word's own)
                name = name[1:] if d.norms[a][1:] in _SOURCE_HEADS else "ا" + name[1:]
            elif a == after_noun and name[:1] == "ل" and len(d.norms[a]) >= 4 and (
                    _bare_forms(d.norms[a][1:]) & _SPEAKER_HEADS
                    or any(h[0] == a and not normalize_ar(h[2].term).startswith("ل") for h in d.sources_in(a, a + 1))):
                name = name[1:]  # "بيان لمجلس الوزراء": the statement's author, without the لـ of the genitive
        return name

    @staticmethod
    def _surname(d: _Doc, j: int, b: int) -> bool:
        """Is the title noun at ``j`` (phrase end ``b``) a surname: «نجم» or a definite one ending the phrase
        before punctuation ("أحمد فؤاد نجم،", "حمدي الوزير")?"""
        tok = d.norms[j]
        return j + 1 >= b and (tok == "نجم" or tok.startswith("ال")) and (
            j + 1 >= len(d.norms) or bool(d.gap(j + 1).strip()))

    @staticmethod
    def _name_apposition(d: _Doc, a: int, b: int) -> int:
        """The end of a bare name [a, b) (first word no head or title) before a description with no comma:
        a title after a one-word name ("ياسين عضو الكتلة"), a definite participle before a preposition or
        its adjective ("الحسين عبد البصير المشرف على", "عاموس جلعاد المكلف") or «أول/آخر» after two words
        ("بارك غون هيه أول امرأة")."""
        first = d.norms[a]
        heads = _ALL_HEADS
        if (b - a < 2 or first.startswith(("وال", "لل")) or first in _TITLES or first in _KINSHIP
                or first in NOT_SPEAKERS or first in _NAME_PREFIXES or first in _NOT_NAME_WORDS
                or first in _PRONOUN_PREPS or first in _RESUMPTIVE or first in _OBLIGATION
                or _bare_forms(first) & heads or d.quote_before(a) is not None):
            return b
        if not first.startswith("ال") and d.norms[a + 1] in _OFFICES and d.quote_before(a + 1) is None:
            return a + 1  # "ياسين عضو الكتلة"
        for j in range(a + 1, b):
            tok = d.norms[j]
            if (d.quote_before(j) is not None or _bare_forms(tok) & heads or tok in _NOT_NAME_WORDS
                    or tok[1:] in _DEMONSTRATIVES):
                return b
            if d.norms[j - 1] in _NAME_PREFIXES:
                continue  # "عبد المجيد", "أبو المجد": the name goes on
            if tok in ("احد", "احدي") and d.norms[a] not in _QUANTITY:
                return j  # "ياسر سويفي أحد المحتجين", "محمود أحد نزلاء المركز"
            if j >= a + 2 and (tok in ("اول", "اخر", "اولي") or (
                    tok.startswith("الم") and len(tok) >= 6 and not tok.endswith("ي") and j + 1 < len(d.norms)
                    and (d.norms[j + 1] in _PREPOSITIONS or d.norms[j + 1][:1] in "لب"
                         or d.norms[j + 1].startswith("ال")))):
                return j  # (not "أما جيران المتهمة يؤكدون")
            if tok.startswith(("ال", "لل", "بال", "وال")):
                return b  # (a definite surname: "عمرو المكي"; what follows may be its adjective)
        return b

    @staticmethod
    def _name_after_title(d: _Doc, a: int, b: int) -> int | None:
        """Where a person's name starts in a title phrase [a, b) without comma: the first word after a
        definite one that has no article, no attached preposition and is no head, quantity or accusative
        object; the name is at most four words to the phrase end ("رئيس غرفة شركات السياحة حسام الشاعر")."""
        k = AttributionExtractor._name_start(d, a, b)
        return k if k is not None and b - k <= 4 else None

    @staticmethod
    def _name_start(d: _Doc, a: int, b: int) -> int | None:
        """The first token of a title phrase [a, b) that may start a person's name (see :meth:`_name_after_title`)."""
        for k in range(a + 1, b):
            tok, prev = d.norms[k], d.norms[k - 1]
            if not prev.startswith(("ال", "لل", "بال", "وال")) and prev not in _HONORIFICS \
                    and d.quote_before(k - 1) is None:
                continue
            if d.quote_before(k) is not None:
                continue  # "رئيس الاتحاد الدولي «فيفا» جوزيف بلاتر": the body's quoted name, not the person's
            if (tok.startswith(("ال", "ل", "ب")) or tok in _NP_STOP or tok in _QUANTITY
                    # و/ف: a conjunction, unless a name starts with the letter ("فؤاد", "وليد")
                    or (tok[:1] in "وف" and (len(tok) < 4 or tok[1:3] == "ال" or k in d.verbs
                                              or _bare_forms(tok[1:]) & _SOURCE_PERSON_HEADS))
                    or tok.isdigit() or _bare_forms(tok) & _SOURCE_PERSON_HEADS
                    or (k == b - 1 and tok.endswith("ا")) or k in d.verbs):
                continue
            return k
        return None

    def _title_then_name(self, d: _Doc, title: tuple[int, int], name: tuple[int, int]) -> bool:
        """Is ``title`` (tokens) a title opened by a source head ("رئيس الوزراء", "وزير الخارجية") and
        ``name``, after a comma, a person's name (2-4 words, none of them a source head)?"""
        a, b = name
        if not 2 <= b - a <= 4 or b - a >= title[1] - title[0] + 2:
            return False
        first = d.norms[a]
        if first in _NP_STOP or _bare_forms(first) & _SOURCE_NAMED_HEADS:
            return False
        if first not in _TITLES and _bare_forms(first) & _PERSON_HEADS:
            return False  # "السفيرة فلانة، رئيسة المجلس": a second title after the comma, not the name
        if any(_bare_forms(d.norms[k]) & _SOURCE_HEADS or k in d.verbs for k in range(a, b)):
            return False
        if first in _PREPOSITIONS or first in ("تحت", "دون", "بدون", "ضمن", "نحو"):
            return False
        head = d.norms[title[0]]
        return bool(_bare_forms(head) & _PERSON_HEADS) and title[1] - title[0] >= 2

    @staticmethod
    def _chunks(d: _Doc, s: int, e: int) -> list[tuple[int, int]]:
        """Token ranges of [s, e) split at commas."""
        out, a = [], s
        for k in range(s + 1, e):
            gap = d.gap(k)
            if "،" in gap or "," in gap:
                out.append((a, k))
                a = k
        out.append((a, e))
        return out

    @staticmethod
    def _np_start(d: _Doc, s: int, names: list[int]) -> int:
        """Start offset of a phrase starting at token ``s`` (at the opening mark of a name there)."""
        if names and d.quote_first.get(s) == names[0]:
            return d.quotes[names[0]].start
        return d.starts[s]

    @staticmethod
    def _np_end(d: _Doc, e: int, names: list[int]) -> int:
        """End offset of a phrase ending before token ``e`` (after the closing mark of a name in it)."""
        end = d.ends[e - 1]
        if names:
            end = max(end, d.quotes[names[-1]].end)
        return end

    def _context(self, d: _Doc, cue: _Cue, *, svo: bool = True, sentence_sources: bool = True
                 ) -> _Speaker | None:
        """The speaker of a cue without its own speaker phrase ("وأضاف أن", "الذين قالت: إنهم").

        In order: (0) the words right before the verb ("الكرملين قال إن", "إن ماليزيا أكدت
        أن"); (1) the speaker of the last attribution cued earlier in the sentence; (2) the
        first named source earlier in the sentence; (2c) for a participle ("موضحا"), the
        subject of the verb that opens the sentence (with or without و); (3) the speaker of the
        last attribution up to three paragraphs back — for a verb with و/ف ("وأضاف", "وتابع"),
        the nearest earlier named speaker of the document. Attributions nested in another's
        quotation are only seen from inside that quotation. A relative pronoun before the verb
        ("رونالدو الذي قال") names its antecedent in (0).
        """
        pos = d.starts[cue.i0]
        s_start, _ = d.sentence(pos)

        def visible(f: _Found) -> bool:
            return bool(f.speaker.name) and (f.outer is None or f.outer[0] <= pos < f.outer[1])

        # (00) "أما اللواء فلان، خبير المرور، فيقول إن", "أما الشاعر فلان فكتب يقول": the topic after أما
        if svo:
            fk = cue.i0 if d.norms[cue.i0][:1] == "ف" and cue.proclitic else (
                cue.i0 - 1 if cue.i0 > 0 and d.norms[cue.i0 - 1][:1] == "ف" and len(d.norms[cue.i0 - 1]) > 3
                and not d.gap(cue.i0).strip() else None)
            k0 = d.tok_at_or_after(s_start)
            ka = next((k for k in range(fk - 1, max(k0, fk - 12) - 1, -1) if d.norms[k] == "اما"), None) \
                if fk is not None else None
            if ka is not None and ka + 1 < fk and d.norms[ka + 1] not in _COMP:
                ps, pe, names = self._np(d, ka + 1, fk)
                if pe > ps and not any(k in d.verbs for k in range(ps, pe)):
                    sp = self._speaker(d, ps, pe, names)
                    if sp is not None:
                        return sp
        # (0)
        if svo:
            sp = self._svo(d, cue, s_start)
            if sp is not None:
                return sp
        # (1)
        for f in reversed(d.found):
            if f.cue_start < s_start:
                break
            if f.cue_start < pos and visible(f):
                return f.speaker
        # (2c) "وحمل محافظ خانشين، شاه محمود، طالبان المسؤولية، موضحا أن": a participle's subject is
        # the one of the verb that starts the sentence (before any other source named in the sentence:
        # "وتجمع المتظاهرون أمام القصر مرددين" — the protesters, not the palace)
        cue_tok = d.norms[cue.i0]
        if svo and _is_participle_cue(cue_tok):
            k0 = d.tok_at_or_after(s_start)
            # "كتب أحمد جمال، الطبيب، رأيه على فيسبوك قائلا": the nearest reporting verb before it
            # (not a verb in a relative clause: "بالحوار الذي دعا إليه الرئيس، مشيرا")
            kv = max((k for k in d.verbs if k0 <= k < cue.i0 - 1 and not _is_participle_cue(d.norms[k])
                      and not (k > k0 and d.norms[k - 1] in _REL_PRONOUNS)), default=None)
            if kv is not None and kv > k0:
                s, e, names = self._np(d, kv + 1, cue.i0)
                # a short subject (a longer phrase has likely run into the verb's object: "أكد X عدم …")
                h0, h1 = self._chunks(d, s, e)[0] if e > s else (s, e)
                sp = self._speaker(d, s, e, names) if h1 - h0 <= 4 or self._known(d, s, e) is not None else None
                if sp is not None:
                    return sp
            bare0 = d.norms[k0][1:] if d.norms[k0][:1] in "وف" else d.norms[k0]
            if k0 < cue.i0 - 1 and bare0 not in _PREPOSITIONS and d.norms[k0] not in _PREPOSITIONS and (
                    (d.norms[k0][:1] in "وف" and len(d.norms[k0]) >= 3) or k0 in d.verbs):
                # (also when that verb is a reporting verb whose own attribution was not found:
                # "وأكد أمير بشرى، أحد شباب الجبهة، على استحالة ...، قائلا: «...»")
                s, e, names = self._np(d, k0 + 1, cue.i0)
                # up to the verb's object: "وأصدرت الجبهة بيانا، ردا على …، مشيرة" (an indefinite accusative
                # after a definite word)
                e = next((k for k in range(s + 1, e) if d.norms[k - 1].startswith(("ال", "وال"))
                          and not d.norms[k].startswith(("ال", "وال")) and (
                              (d.norms[k].endswith("ا") and len(d.norms[k]) > 2)
                              # "وحمل المتظاهرون صور الشهداء": a definite plural, then its object
                              or (k == s + 1 and d.norms[s].endswith(("ون", "ين")) and len(d.norms[s]) > 5)
                              # "وأشاد الوزير بالرسالة": the verb's complement after its subject
                              or d.norms[k].startswith("بال"))),
                         e)
                names = [qi for qi in names if d.quotes[qi].end <= d.ends[e - 1]] if e > s else []
                sp = self._speaker(d, s, e, names)
                if sp is not None:
                    return sp
        # (2)
        k0 = d.tok_at_or_after(s_start)
        if sentence_sources and k0 < cue.i0:
            lead = d.norms[k0][1:] if d.norms[k0][:1] in "وف" else d.norms[k0]
            if (lead in _PREPOSITIONS or d.norms[k0] in _PREPOSITIONS) and not any(
                    c in _PUNCT_BREAK for k in range(k0 + 1, cue.i0 + 1) for c in d.gap(k)):
                sentence_sources = False  # "وحول مبادرة حزب النور أوضح": the topic, not the speaker
        if sentence_sources:
            named = d.sources_in(k0, cue.i0)
            for i0, i1, hit in named:
                entry = self._source_entries.get(hit.entry_id)
                dependent = (entry is not None and not entry.canonical and d.norms[i0][:1] in "لبك"
                             and not d.norms[i0].startswith("ال"))  # "الأمين العام لنقابة": not the speaker
                if d.inside_quote(d.starts[i0]) is None and not dependent:
                    sp = None
                    if entry is not None and not entry.canonical and i1 - i0 == 1:
                        # "أصدرت جبهة الإنقاذ الوطني بالبحيرة بيانا …، أكدت فيه": a pattern (جبهة) named by
                        # its phrase up to the object, not the head noun alone
                        ps, pe, names = self._np(d, i0, min(cue.i0, i0 + 5))
                        # up to a comma, a word with a preposition attached ("الرئيس بالرياض") or the object
                        pe = next((k for k in range(ps + 1, pe) if not _COMMA_DASH.isdisjoint(d.gap(k))
                                   or d.norms[k][:1] == "ب"
                                   or (d.norms[k][:1] == "ل" and k == ps + 1
                                       and (d.norms[ps].startswith("ال") or d.norms[k].startswith("لل")))
                                   or (k > ps + 1 and any(h[0] == k for h in named))), pe)
                        pe = self._to_object(d, ps, pe)
                        names = [qi for qi in names if d.quotes[qi].end <= d.ends[pe - 1]] if pe > ps else []
                        if pe - ps >= 2:
                            sp = self._speaker(d, ps, pe, names)
                    if sp is None:
                        sp = self._speaker(d, i0, i1, [])
                    if sp is not None:
                        # (the title's head before the named body: "فتحي تميم وكيل نقابة المحامين")
                        t0 = i0 - 1 if (i0 - 1 > k0 and _bare_forms(d.norms[i0 - 1]) & _PERSON_HEADS
                                        and not d.norms[i0 - 1].startswith("ال") and not d.gap(i0).strip()) else i0
                        k = self._name_before_comma(d, t0, k0)
                        if k is not None:
                            # "طالب فلان الفلاني، عضو مجلس الشورى، …، مؤكدا": the person the title describes
                            return _Speaker(self._phrase_name(d, k, t0, []), sp.source_type, d.starts[k], sp.end,
                                            sp.words | {w for t in range(k, t0) for w in _bare_forms(d.norms[t])})
                        return sp
        # (2h) "وطالب الدكتور شوقي السيد …، وأكد أنه": a person an honorific names earlier in the sentence
        if sentence_sources and svo:
            sp = self._honorific_name(d, d.tok_at_or_after(s_start), cue.i0)
            if sp is not None:
                return sp
        # (3) the nearest earlier named speaker, up to three paragraphs back (news text often puts
        # each sentence in a paragraph of its own)
        # (and, for a verb written with و/ف — "وأضاف", "وتابع" — the last named speaker of the document)
        para = d.para(pos)
        last = next((f for f in reversed(d.found) if visible(f)), None)
        for a in reversed(d.anchors):
            # a later verb whose phrase names a speaker but whose words were not attributed: that speaker
            if a.cue_start < pos and (last is None or a.cue_start > last.cue_start) \
                    and (a.para >= para - 3 or cue.proclitic) and d.inside_quote(pos) is None:
                return a.speaker
            if a.cue_start < pos:
                break
        for f in reversed(d.found):
            if f.para < para - 3 and not cue.proclitic:
                break
            if visible(f):
                return f.speaker
        return None

    def _svo(self, d: _Doc, cue: _Cue, s_start: int) -> _Speaker | None:
        """The words right before a verb without proclitic: "الكرملين قال إن", "وزير الخارجية قال"."""
        if cue.proclitic or cue.i0 == 0:
            return None
        end = cue.i0
        if (d.norms[end - 1].endswith("ا") and len(d.norms[end - 1]) > 3 and not d.norms[end - 1].startswith("ال")
                and _PUNCT_BREAK.isdisjoint(d.gap(end)) and d.norms[end - 1] not in NOT_SPEAKERS
                and ((cue.i1 < len(d.norms) and d.norms[cue.i1] in ("فيه", "فيها"))
                     or (end >= 2 and d.norms[end - 2].startswith(("ال", "وال")) and end - 1 not in d.verbs))):
            # "أصدر الحزب بيانا أكد فيه", "أوردت صحيفة X الفرنسية خبرا يفيد بأن": a clause on the indefinite
            # object; the speaker is the main verb's subject
            return None
        if d.norms[end - 1] in _REL_PRONOUNS and end >= 2 and _bare_forms(d.norms[end - 2]) & _TIME_NOUNS:
            return None  # "في الوقت الذي قال زعماء العالم": the subject follows the verb
        if d.norms[end - 1] in _REL_PRONOUNS and end >= 2 and _PUNCT_BREAK.isdisjoint(d.gap(end)):
            # "تصريح رونالدو الذي قال": the speaker is the antecedent of the relative pronoun
            k = end - 1
            while (k > 0 and end - 1 - k < 4 and d.starts[k - 1] >= s_start
                   and _PUNCT_BREAK.isdisjoint(d.gap(k))
                   and not (_bare_forms(d.norms[k - 1]) & _FUNCTION) and k - 1 not in d.verbs):
                k -= 1
            if k < end - 1 and d.inside_quote(d.starts[k]) is None:
                return self._speaker(d, k, end - 1, [])
            return None
        if d.norms[end - 1] in ("قد", "لقد") and _PUNCT_BREAK.isdisjoint(d.gap(end)):
            end -= 1  # "وكانت صحيفة كتالونية قد أعلنت"
            if end >= 2 and d.norms[end - 1] in ("كان", "كانت") and _PUNCT_BREAK.isdisjoint(d.gap(end)):
                end -= 1  # "أن رئيس الوزراء فلان كان قد صرح"
        k = end
        # back to punctuation, the sentence start, or a function word ("إن ماليزيا أكدت")
        while k > 0 and d.starts[k - 1] >= s_start and _PUNCT_BREAK.isdisjoint(d.gap(k)) \
                and end - k < 10 and not (_bare_forms(d.norms[k - 1]) & _FUNCTION) and k - 1 not in d.verbs:
            k -= 1
        if k == end and end > 0 and d.gap(end).strip() in ("،", ",") and not _is_participle(d.norms[cue.i0]):
            # "ناريمان عطية، عضو لجنة الجمعية، قالت إن": a subject opening the sentence, then a comma
            k = end - 1
            while k > 0 and d.starts[k - 1] >= s_start and end - k < 10 and k - 1 not in d.verbs \
                    and _PHRASE_BREAK.isdisjoint(d.gap(k)) and not (_bare_forms(d.norms[k - 1]) & _FUNCTION):
                k -= 1
            opened = d.starts[k] == s_start or (k > 0 and d.starts[k - 1] == s_start and d.norms[k - 1] in _KANA)
            if not opened or (d.norms[k][:1] in "وف" and len(d.norms[k]) > 3 and k in d.verbs):
                k = end
        if k > 0 and k < end and _bare_forms(d.norms[k - 1]) & _REL_PRONOUNS and _PUNCT_BREAK.isdisjoint(d.gap(k)):
            return None  # "القرارات … والتي تخص قطاع الصناعة تؤكد": a relative clause, not the verb's subject
        if k > 1 and k < end and d.norms[k - 1] in _DEMONSTRATIVES and (
                d.norms[k - 2] in _PREPOSITIONS or (d.norms[k - 2][:1] in "وفب" and d.norms[k - 2][1:] in _PREPOSITIONS)):
            return None  # "فقد أحد أصدقائه في هذه المأساة يقول": the preposition's object, not the subject
        at_start = (d.starts[k] == s_start or (k > 0 and d.starts[k - 1] == s_start and d.norms[k - 1] in _KANA)
                    or (k > 0 and d.norms[k - 1] in _COMP and end < cue.i0))  # "يذكر أن فلان كان قد صرح"
        if end - k >= 2 and d.norms[k] in ("كان", "كانت", "وكان", "وكانت", "فكان", "فكانت"):
            k += 1
        first = d.norms[k] if end > k else ""
        if first in _TOPIC_OPENERS:
            return None  # "وبالنسبة لقرض الصندوق، قال:": the topic, not the speaker
        if end - k == 1 and len(first) >= 5 and first[:2] in ("وب", "فب") and not first.startswith(("وبال", "فبال")):
            return None  # "وبسؤاله أقر": a prepositional phrase (by asking him), not the subject
        if first in _ADVERBIAL_LEADS or (first[:1] in "وف" and first[1:] in _ADVERBIAL_LEADS):
            return None  # "وبمجرد انتهاء الصلاة قال": a time or cause phrase, not the subject
        if end - k >= 2 and (first in _GO_ON or (first[:1] in "وف" and first[1:] in _GO_ON)):
            k += 1  # "ومضت صحيفة X تقول", "وراح الوزير يقول": the subject of "went on"
        elif len(first) >= 4 and first[0] in "وف" and first[1] in "اتين":
            if end - k == 1 and _is_participle_cue(d.norms[cue.i0]):
                return None  # "واستكملت قائلة:": a verb the lexicon lacks; its subject is named before
            if end - k >= 2:
                k += 1  # "وتساءل المفتي قائلا": the subject of the verb before
        n = end - k
        # "في بيان للمتحدثة باسم الخارجية فلانة أشارت فيه": the statement «فيه» refers to, and its author
        in_it = bool(n > 4 and _bare_forms(d.norms[k]) & _SPEECH_NOUNS and d.norms[k + 1][:1] == "ل"
                     and cue.i1 < len(d.norms) and d.norms[cue.i1] in ("فيه", "فيها"))
        if k > 0 and d.norms[k - 1] in _PRONOUN_FIRST and n <= 2 and not d.norms[k].startswith("ال") \
                and _PUNCT_BREAK.isdisjoint(d.gap(k)):
            return None  # "وهو أمر قالت إنه": a predicate noun (a matter which she said), not the subject
        if not in_it and k > 0 and (d.norms[k - 1] in _PREPOSITIONS
                                    or (d.norms[k - 1][:1] in "وف" and d.norms[k - 1][1:] in _PREPOSITIONS)) \
                and d.starts[k - 1] >= s_start and _PUNCT_BREAK.isdisjoint(d.gap(k)):
            # "ما جاء في الدعوة للحوار يشير إلى", "وحول مبادرة الكتاتني أوضح": the preposition's object
            return None
        if (1 <= n <= (8 if at_start or in_it else 4)
                and not any(_bare_forms(d.norms[t]) & _FUNCTION or t in d.verbs for t in range(k, end))
                and d.inside_quote(d.starts[k]) is None):
            return self._speaker(d, k, end, [])
        return None

    # -- attributed spans ---------------------------------------------------------------------

    def _object_start(self, d: _Doc, s: int, e: int) -> int | None:
        """Where the object of a verb starts inside a speaker phrase [s, e) that swallowed it: the first
        indefinite word after a definite one, past the named source ("المرصد السوري | مقتل 12 مدنيا")."""
        known = self._known(d, s, e)
        if known is None or known[0] > s + 1:  # the source opens the phrase ("تم نقل المجني عليه ... النيابة")
            return None
        for k in range(max(s + 1, known[1]), e):
            tok, prev = d.norms[k], d.norms[k - 1]
            if tok[0] == "ب" and len(tok) > 3 and tok != "باسم":
                return None  # "دعا النشطاء ببدء العصيان …": a complement came first, the rest is not the object
            if (prev.startswith(("ال", "وال", "لل", "بال")) and not tok.startswith("ال") and tok[0] not in "لبو"
                    and not tok.isdigit() and tok not in NOT_SPEAKERS
                    and k not in d.verbs and d.quote_before(k) is None and not _has_comma(d.gap(k))):
                if prev.endswith("ي") and k + 1 < e and d.norms[k + 1].startswith("ال"):
                    continue  # "الرئيس السوري بشار الأسد": a name after a title, not the object
                if prev in _TITLES:
                    continue  # "رئيس الوزراء، الدكتور هشام قنديل": the name after the honorific
                if (_bare_forms(prev) & _PERSON_HEADS and k + 1 < len(d.norms) and not d.norms[k + 1].startswith(("ال", "لل"))
                        and d.norms[k + 1] not in _NP_STOP and not d.norms[k + 1].isdigit() and k + 1 not in d.verbs):
                    continue  # "أعلن الرئيس محمد مرسي حالة الطوارئ": a two-word name after the title, not the object
                c = next((t for t in range(k + 1, min(len(d.norms), k + 4)) if any(ch in "،," for ch in d.gap(t))), None)
                if c is not None and 2 <= c - k <= 3 and all(
                        not d.norms[t].startswith("ال") and d.norms[t] not in _NP_STOP and t not in d.verbs
                        and not d.norms[t].isdigit() and not d.norms[t].endswith("ا")
                        and not _bare_forms(d.norms[t]) & _SOURCE_PERSON_WRITTEN
                        for t in range(k, c)):
                    continue  # "أعلن الناشط السياسي ممدوح حمزة، مبادرة": the name up to the comma, then the object
                return k
        return None

    def _trim_end(self, d: _Doc, start: int, end: int) -> int:
        while end > start and d.text[end - 1] in _TRIM:
            end -= 1
        return end

    def _claim_in(self, d: _Doc, start: int, end: int) -> tuple[bool, int]:
        """Claim the top-level quotes starting in [start, end); (has a real quotation, furthest end)."""
        j = bisect.bisect_left(d.quote_starts, start)
        real, far = False, end
        while j < len(d.quotes) and d.quotes[j].start < end:
            if j not in d.claimed and not self._is_name(d, j):
                d.claimed.add(j)
                real = True
                far = max(far, d.quotes[j].end)
            j += 1
        return real, far

    def _content(self, d: _Doc, ci: int, limit_end: int | None = None) -> tuple[str, int, int] | None:
        """The span attributed from content token ``ci`` on: a quote, or the clause to the sentence end."""
        if ci >= len(d.starts):
            return None
        qi = d.quote_before(ci)
        if qi is not None and not (self._is_name(d, qi) and self._continues(d, qi)):
            d.claimed.add(qi)
            q = d.quotes[qi]
            return "direct_quote", q.inner_start, q.inner_end
        start = d.starts[ci]
        _, s_end = d.sentence(start)
        end = s_end if limit_end is None else min(s_end, limit_end)
        # a trailing sourcing phrase ("..., بحسب وكالة سبوتنيك") is not part of the speech, nor is
        # what another speaker says after "، وقالت X", nor the next claim after "، مشيرا إلى أن"
        end = self._cut_final_sourcing(d, start, end)
        at = d.verb_positions()  # the verbs after the content token, up to the end
        for k in at[bisect.bisect_right(at, ci):]:
            if d.starts[k] >= end:
                break
            v = d.verbs[k]
            if (v.proclitic or _is_participle_cue(d.norms[k])) and _has_comma(d.gap(k)):
                end = d.starts[k]
                break
        end = self._trim_end(d, start, end)
        if end <= start:
            return None
        real, far = self._claim_in(d, start, end)
        if far > end:
            end = far
        return ("direct_quote" if real else "reported_speech"), start, end

    @staticmethod
    def _continues(d: _Doc, qi: int) -> bool:
        """Does the sentence go on after quote ``qi``?"""
        after = d.token_after_quote(qi)
        return after < len(d.starts) and d.starts[after] < d.sentence(d.quotes[qi].start)[1]

    def _is_source(self, d: _Doc, cue: _Cue, s: int, e: int) -> bool:
        """Is the phrase after a sourcing preposition a source? A named one, a verb ("بحسب ما ذكرت"),
        or a head noun such as بيان، مصادر، وكالة (not "وفقا للقانون", "حسب الخطة")."""
        if cue.has_verb and (cue.i1 - 1) in d.verbs:
            return True
        # the source opens the phrase: "طبقا لتعهدات الرئيس", "طبقا لنظام اقتسام الإنتاج" name no source
        first = s + 1 if e - s > 1 and d.norms[s] in _SOURCE_LEAD else s
        return bool(d.sources_in(s, first + 1)) or bool(_bare_forms(d.norms[first]) & _SOURCE_HEADS)

    def _cut_final_sourcing(self, d: _Doc, start: int, end: int) -> int:
        """Cut a reported clause before a final ", بحسب X" (a source of the report, not speech)."""
        at = d.sourcing_positions()  # (only those tokens can start one)
        for k in at[bisect.bisect_right(at, d.tok_at_or_after(start)):]:
            if d.starts[k] >= end:
                break
            if d.inside_quote(d.starts[k]) is None and _has_comma(d.gap(k)):
                cue = self._sourcing_cue(d, k, d.norms[k])
                if cue is not None:
                    s, e, _ = self._np(d, cue.np_start, d.tok_at_or_after(end), mode="source")
                    if e > s and self._is_source(d, cue, s, e):
                        return d.starts[k]
        return end

    def _closing_quote_before(self, d: _Doc, i0: int) -> int | None:
        """An unclaimed quote that closes right before token ``i0`` ('"...", قال الوزير')."""
        if i0 == 0:
            return None
        lo = d.ends[i0 - 1]
        j = bisect.bisect_right(d.quote_starts, d.starts[i0]) - 1
        if j < 0 or j in d.claimed:
            return None
        q = d.quotes[j]
        if not (lo <= q.end <= d.starts[i0]) or not q.balanced:
            return None
        between = d.text[q.end:d.starts[i0]]
        if between.strip(" \t\u00a0،,-–—"):
            return None
        if self._is_name(d, j) and not _has_comma(between):
            return None  # "«الغريب» يدعو للمصالحة": a quoted name right before the verb is its subject
        if self._glued_name(d, j):
            return None  # "مع مركز البحوث «إرسيكا»، شدد فيها": the centre's name, not the words said
        return j

    def _glued_name(self, d: _Doc, qi: int) -> bool:
        """A short quoted name that follows a word of the writer's clause with only a space between
        ("حركة «البلاك بلوك»", "مركز البحوث «إرسيكا»"): it names that thing; nobody says it."""
        if not self._is_name(d, qi):
            return False
        q = d.quotes[qi]
        k = d.tok_at_or_after(q.inner_start)
        if k == 0 or d.ends[k - 1] > q.start or d.text[d.ends[k - 1]:q.start].strip():
            return False
        s_start = d.sentence(q.start)[0]
        if (k - 1) in d.verbs or d.starts[k - 1] < s_start:
            return False
        if _bare_forms(d.norms[k - 1]) & _NAMED_HEADS:
            return True
        # a head and its genitive ("مركز البحوث «إرسيكا»")
        return (k >= 2 and d.starts[k - 2] >= s_start and d.norms[k - 1].startswith("ال")
                and _PUNCT_BREAK.isdisjoint(d.gap(k - 1))
                and bool(_bare_forms(d.norms[k - 2]) & _NAMED_HEADS))

    # -- cue handlers ---------------------------------------------------------------------------

    def _verb(self, d: _Doc, cue: _Cue, consumed: set[int]) -> None:
        pos = d.starts[cue.i0]
        _, s_end = d.sentence(pos)
        n = len(d.starts)
        k = cue.i1
        override: tuple[_Cue, _Speaker | None] | None = None
        content_tok: int | None = None
        colons = d.colon_gaps()
        starts, ends, quote_first, quotes = d.starts, d.ends, d.quote_first, d.quotes
        while k < n and starts[k] < s_end and k - cue.i1 < _MAX_REGION:
            qi = quote_first.get(k)  # d.quote_before(k)
            if qi is not None and k > 0 and quotes[qi].start < ends[k - 1]:
                qi = None
            colon = -1
            if k in colons:  # (the gap before most words has no colon: nothing to look for)
                gap = d.gap(k)
                colon = gap.find(":")
                if colon < 0:
                    colon = gap.find("：")
            if colon >= 0 and (qi is None or d.quotes[qi].start > d.ends[k - 1] + colon):
                content_tok = k
                while content_tok < n and d.norms[content_tok] in _COMP and d.quote_before(content_tok) is None:
                    content_tok += 1
                break
            if qi is not None:
                if (self._is_name(d, qi) and (self._continues(d, qi) or d.norms[k - 1] == "ل"
                                              or (k - cue.i1 >= 3 and self._glued_name(d, qi)))) \
                        or _bare_forms(d.norms[k - 1]) & _TITLE_NOUNS \
                        or (k - cue.i1 >= 2 and d.n_words(qi) == 1 and self._is_name(d, qi)
                            and not d.text[d.ends[k - 1]:d.quotes[qi].start].strip()):
                    # (a one-word quote right after a word of the phrase is a name: "لمقاطعة حوار «مرسي»")
                    # a name in the phrase, whom it was said to (لـ«الوطن»), a title (مسيرة بعنوان «…»)
                    k = d.token_after_quote(qi)  # a name in the phrase, or whom it was said to (لـ«الوطن»)
                    continue
                content_tok = k
                break
            tok = d.norms[k]
            if tok in _COMP and k - 1 > cue.i1 and d.norms[k - 1] in _OBLIGATION \
                    and not _COMMA_COLON.isdisjoint(d.gap(k - 1)):
                content_tok = k = k - 1  # "وقال كارم، عليهم أن يعلنوها": the obligation is the words said
                break
            if tok in _COMP and not (k > cue.i1 and d.norms[k - 1] in _NOT_COMP_AFTER) and not _cnn(d.norms, k):
                content_tok = k + 1
                while content_tok < n and d.norms[content_tok] in _COMP and d.quote_before(content_tok) is None:
                    content_tok += 1
                break
            if k in d.verbs:
                if k == cue.i1 and _is_participle(tok):
                    consumed.add(k)  # "قال معلقا", "وتابع قائلا": one cue, the speaker is the verb's
                    k += 1
                    continue
                break
            src = self._sourcing_cue(d, k, tok) if tok in _SOURCING_FIRST else None
            if src is not None:  # "وشدد الرئيسان، حسب البيان، على “...”": the quote is the statement's
                s, e, names = self._np(d, src.np_start, n, mode="source")
                override = (src, self._speaker(d, s, e, names, strip_lam=True))
                k = max(e, src.i1)
                continue
            k += 1
        region_end = k
        # the speaker phrase right after the verb (VSO), or "عن" + the original speaker (نقلت X عن Y)
        s, e, names = self._np(d, cue.i1, region_end if override is None else min(region_end, override[0].i0))
        verb_tok = d.norms[cue.i0]
        if (e > s and len(verb_tok) >= 5 and verb_tok.endswith(("وا", "ون")) and not _is_participle_cue(verb_tok)
                and s == cue.i1 and (not names or d.quote_first.get(s) != names[0])):
            # "الإسلاميين الذين اتهموا القوى السياسية بأنها": a verb agreeing in the plural has its subject
            # before it (VSO verbs stay singular), so the phrase after it is the object
            s = e = cue.i1
        if (e > s and s == cue.i1 and cue.i0 > 1 and _bare_forms(d.norms[cue.i0 - 1]) & _REL_PRONOUNS
                and not _bare_forms(d.norms[cue.i0 - 2]) & _TIME_NOUNS  # (not "في الوقت الذي قال زعماء العالم")
                and _PUNCT_BREAK.isdisjoint(d.gap(cue.i0)) and not verb_tok.endswith(("ه", "ها", "هم"))
                and not (cue.i1 < len(d.norms) and d.norms[cue.i1] in _RESUMPTIVE)):
            # "والتي دعت الأمن إلى …": a subject relative clause — the antecedent is the subject, the phrase
            # after the verb its object (not "التي وجهها الرئيس", "التي قال فيها الوزير": the subject follows)
            s = e = cue.i1
        if _is_participle_cue(d.norms[cue.i0]) or (
                cue.i0 > 0 and d.norms[cue.i0 - 1] in _COMP_PRONOUN and not cue.proclitic
                and _PUNCT_BREAK.isdisjoint(d.gap(cue.i0))):
            # "مرددين هتافات «...»": the subject is the main verb's; "قال كيري إنه أبلغ الكونجرس أن": the
            # pronoun on إن is the subject, the words after the verb are whom he told
            s = e = cue.i1
            names = []
        via = None
        if e > s and e < region_end and d.norms[e] != "عن":
            # "نقلت صحيفة X، الاثنين 28 يناير، عن Y", "نقل موقع X، التابع للتلفزيون، عن Y": a date or an
            # apposition between commas is no part of either phrase
            j = e
            while j < region_end and j - e < 7 and j not in d.verbs and d.norms[j] not in _COMP \
                    and d.quote_before(j) is None and _COLONS.isdisjoint(d.gap(j)):
                # ("نقلت هيئة الإذاعة البريطانية (بي بي سي) عن": an acronym in brackets, too)
                if d.norms[j] == "عن" and not _COMMA_PAREN.isdisjoint(d.gap(j)):
                    e = j
                    break
                j += 1
        if e > s and e < region_end and d.norms[e] == "عن" and not any(
                _bare_forms(d.norms[t]) & _REPRESENTS for t in range(s, e)) and not (
                # "تحدثت صحيفة X عن تطور الأحداث", "كشف X عن": what it spoke about, no relay
                _bare_forms(d.norms[cue.i0]) & _ABOUT_VERBS):
            # (not "عضو مجلس الشعب السابق عن حزب الحرية والعدالة": the member for a party, no relay)
            s2, e2, names2 = self._np(d, e + 1, region_end)
            # "نقلت وكالة X عن Y": a named relay or a named original speaker, not "أعرب X عن أمله"
            known2 = self._known(d, s2, e2) if e2 > s2 else None
            if known2 is not None and known2[0] > s2 + 1 and self._known(d, s, e) is None:
                known2 = None  # "كشفت التحقيقات عجز فلان عن إثبات مصادر ثروته": عن + a non-source, no relay
            if e2 > s2 and (self._known(d, s, e) is not None or known2 is not None) \
                    and not (e2 - s2 == 1 and d.norms[s2].endswith(("ه", "ها", "هم"))
                             and self._known(d, s2, e2) is None):
                # "نقلت وكالة الأنباء عن مصدر": the agency relays; "تقرير صادر عن الأمم المتحدة": the
                # report is the organization's own, no relay
                via = None if d.norms[e - 1] in _ISSUED else self._speaker(d, s, e, names)
                s, e, names = s2, e2, names2
        speaker = self._speaker(d, s, e, names)
        if cue.i0 > 0 and d.norms[cue.i0 - 1] in ("قد", "لقد") and not cue.proclitic:
            # "كان الوزير قد أبلغ الكونجرس أن": the subject stands before قد, the words after are whom he told
            before = self._svo(d, cue, d.sentence(pos)[0])
            if before is not None:
                speaker, via = before, None
        if speaker is not None and via is not None:
            speaker = replace(speaker, via=via.name)
        if speaker is not None and speaker.source_type != "anonymous" and d.anon and any(k in d.anon for k in range(e, region_end)):
            # "وقال أحد العاملين في المستشفى، فضل عدم ذكر اسمه، إن": the speaker declined to be named
            speaker = replace(speaker, source_type="anonymous")
        if (speaker is not None and speaker.source_type == "other" and e - s == 1 and not names
                and d.norms[s][:1] == "ل" and d.norms[s][:2] != "ال" and len(d.norms[s]) > 3):
            # "الفريق عنان قال لمبارك «...»": لـX after the verb is whom it was said to
            speaker = self._svo(d, cue, d.sentence(pos)[0]) or speaker
        if override is not None and override[1] is not None:
            if speaker is not None and speaker.name and not speaker.via and (
                    override[0].has_verb or (override[0].lemma == "نقلا عن" and speaker.source_type not in ("media", "anonymous")
                                             and override[1].source_type not in ("anonymous", "media"))):
                # "وأضاف لاريجاني، حسبما نقلت قناة X، أن", "قال الأسد في تصريحات … نقلا عن سياسيين التقوه":
                # the speaker's words, relayed by X
                speaker = replace(speaker, via=override[1].name)
            elif (override[0].lemma == "نقلا عن" and speaker is not None and speaker.name and not speaker.via
                  and speaker.source_type == "media" and override[1].name):
                speaker = replace(override[1], via=speaker.name)  # "وقالت الوكالة نقلا عن مصدر": the agency relays
            else:
                speaker = override[1]
        if content_tok is None:
            # "“...”، قال الوزير" — the quote before the verb
            qi = self._closing_quote_before(d, cue.i0)
            if qi is not None:
                d.claimed.add(qi)
                q = d.quotes[qi]
                span = ("direct_quote", q.inner_start, q.inner_end)
            elif speaker is not None and self._known(d, s, e) is not None:
                obj = False
                b = self._object_start(d, s, e)
                if b is not None:  # "ووثقت منظمة العفو الدولية اعتقال 30": the phrase ends before the object
                    obj = True
                    speaker = self._speaker(d, s, b, [qi for qi in names if d.quotes[qi].end <= d.starts[b]])
                else:
                    # "أفادت مصادر محلية بمقتل ...": ب-complement after a named source
                    b = next((t for t in range(e, min(region_end, e + 3)) if d.norms[t].startswith("ب")
                              and len(d.norms[t]) > 3 and d.norms[t] != "باسم"), None)
                if b is None and e < region_end and e not in d.verbs and (d.norms[e] not in _NP_STOP or d.norms[e] == "ما") \
                        and d.norms[e] not in NOT_SPEAKERS and d.quote_before(e) is None \
                        and _has_comma(d.gap(e)):
                    b, obj = e, True  # "ورصد المرصد السوري، مقتل ...": the object clause is what the source reports
                span = self._content(d, b) if b is not None and speaker is not None else None
                if obj and span is not None and span[0] == "reported_speech":
                    # the outlet's wording of what a monitor recorded: a sourced claim, authorial voice
                    span = ("sourcing", span[1], span[2])
            else:
                span = None
            if span is None:
                known = self._known(d, s, e) if speaker is not None and speaker.name and e > s else None
                if known is not None and known[0] == s and e - s <= 6 and d.inside_quote(pos) is None and (
                        cue.proclitic or d.tok_at_or_after(d.sentence(pos)[0]) == cue.i0):
                    # "وشدد الخبير الأمني اللواء حسام سويلم على ضرورة …": a named source opening the sentence
                    d.anchors.append(_Found("anchor", pos, pos, speaker, cue, pos, pos, d.para(pos)))
                return
        else:
            if speaker is None:
                verb = d.norms[cue.i0]
                if verb in _IMPERSONAL or verb[1:] in _IMPERSONAL:
                    return
                if not cue.proclitic and cue.i0 > 0 and d.norms[cue.i0 - 1] in _NOT_SPEAKER \
                        and _PUNCT_BREAK.isdisjoint(d.gap(cue.i0)):
                    return
            span = self._content(d, content_tok)
            if span is None:
                return
        if speaker is None:
            speaker = self._context(d, cue) or _Speaker("", "other")
        if override is not None:
            consumed.add(override[0].i0)
        kind, qs, qe = span
        self._add(d, kind, qs, qe, speaker, cue)

    def _sourcing(self, d: _Doc, cue: _Cue) -> None:
        n = len(d.starts)
        pos = d.starts[cue.i0]
        s_start, s_end = d.sentence(pos)
        end_tok = d.tok_at_or_after(s_end)
        initial = d.tok_at_or_after(s_start) == cue.i0
        s, e, names = self._np(d, cue.np_start, end_tok, mode="source")
        if initial and e < end_tok and not (not _COMMA_COLON.isdisjoint(d.gap(e)) or d.norms[e] in _COMP
                                            or d.quote_before(e) is not None):
            # "وبحسب الدفاع المدني السوري انتقل التصعيد": no comma after the source phrase
            known = self._known(d, s, e)
            if known is not None and known[0] == s:
                e = known[1]
                while e < end_tok and d.norms[e].startswith("ال") and d.norms[e].endswith(("ي", "يه")) \
                        and not d.gap(e).strip():
                    e += 1
            else:
                s, e, names = self._np(d, cue.np_start, min(end_tok, cue.np_start + 3))
        if e <= s:
            return
        standalone = initial and e >= end_tok
        if not standalone and not self._is_source(d, cue, s, e):
            return  # "وفقا للقانون": not a source
        speaker = self._speaker(d, s, e, names, strip_lam=True)
        if cue.has_verb and speaker is not None and e - s >= 3:
            # "بحسب ما نقلته وكالة فرانس برس عن مسؤول أمريكي": the official's words, relayed by the agency
            # (not "صادر عن الحزب": issued by; not "أوردت الخارجية عن نتائج المباحثات": what it said about)
            m = next((k for k in range(s + 1, e - 1) if d.norms[k] == "عن"), None)
            if (m is not None and d.norms[m - 1] not in _ISSUED and self._known(d, s, m) is not None
                    and (self._known(d, m + 1, e) is not None
                         or _bare_forms(d.norms[m + 1]) & _SOURCE_PERSON_HEADS)):
                original = self._speaker(d, m + 1, e, [qi for qi in names if d.quotes[qi].start > d.starts[m]])
                relay = self._speaker(d, s, m, [qi for qi in names if d.quotes[qi].end <= d.ends[m - 1]],
                                      strip_lam=True)
                if original is not None and relay is not None:
                    speaker = replace(original, via=relay.name)
        if speaker is None and e - s == 1 and _bare_forms(d.norms[s]) & _SPEECH_NOUNS:
            # "وجاء في البيان «...»" after the party's spokesman: the statement named before
            speaker = self._context(d, cue, svo=False, sentence_sources=False)
        if speaker is None:  # "بحسب ذلك": nobody named
            return
        # what is attributed
        span: tuple[str, int, int] | None = None
        after = e
        if after < n and d.starts[after] < s_end + 1:
            qi = d.quote_before(after)
            if qi is not None and qi not in d.claimed:
                d.claimed.add(qi)  # "حسب وصف المحلل «...»"
                q = d.quotes[qi]
                span = ("direct_quote", q.inner_start, q.inner_end)
        if span is None:
            qi = self._closing_quote_before(d, cue.i0)
            if qi is not None:  # "“...”، بحسب المرصد"
                d.claimed.add(qi)
                q = d.quotes[qi]
                span = ("direct_quote", q.inner_start, q.inner_end)
        if span is None and initial:
            if not standalone:  # "وبحسب المرصد، قتل ..."
                ci = e
                while ci < end_tok and d.norms[ci] in _COMP:
                    ci += 1
                if ci < end_tok:
                    start = d.starts[ci]
                    end = self._trim_end(d, start, s_end)
                    span = ("sourcing", start, end) if end > start else None
            else:  # "بحسب بيان الرئاسة التركية." on its own: the sentence before
                j = bisect.bisect_right(d.sent_starts, s_start - 1) - 1
                if j >= 0 and d.para(d.sent_starts[j]) == d.para(pos) and d.sent_starts[j] < s_start:
                    start = d.sent_starts[j]
                    end = self._trim_end(d, start, d.sent_ends[j])
                    span = ("sourcing", start, end) if end > start else None
        if span is None and not initial and cue.has_verb and (cue.i1 - 1) in d.verbs \
                and speaker.source_type != "anonymous":
            # "وقال الوزير إن ...، حسبما ذكرت قناة X": the minister's words, relayed by X (via)
            for f in reversed(d.found):
                if f.cue_start < s_start:
                    break
                if f.kind in VOICE_KINDS and f.speaker.name and not f.speaker.via and f.quote_start < pos \
                        and f.cue_start < pos:
                    f.speaker = replace(f.speaker, via=speaker.name)
                    if f.quote_end > pos:  # the relay phrase is not part of the words
                        f.quote_end = self._trim_end(d, f.quote_start, pos)
                    return
        if span is None and not initial:
            start = s_start
            for f in reversed(d.found):  # "وقال الكرملين إن ...، بحسب سبوتنيك": the same words
                if f.cue_start < s_start:
                    break
                if f.quote_start < pos:
                    start = max(start, min(f.quote_start, pos))
                    break
            rest = end_tok - e
            end = s_end if rest >= 3 else pos  # parenthetical "، بحسب المرصد، ..." covers the sentence
            end = self._trim_end(d, start, end)
            if end > start:
                span = ("sourcing", start, end)
        if span is None:
            span = ("sourcing", d.starts[cue.i0], d.starts[cue.i0])
        kind, qs, qe = span
        self._add(d, kind, qs, qe, speaker, cue)

    def _uncued(self, d: _Doc) -> None:
        """Long quotations without a cue.

        The speaker is the one of the sentence before when the quotation's own sentence
        barely starts before it ("كما جرى “...”" after "ذكر الكرملين ..."); otherwise the
        speaker is unknown (``other``): the sentence likely names it with a verb that is not
        in the lexicon ("هتف المتظاهرون “...”").
        """
        for qi, q in enumerate(d.quotes):
            if qi in d.claimed or d.n_words(qi) < _UNCUED_MIN_WORDS:
                continue
            k = d.tok_at_or_after(q.start)
            if k > 0 and d.ends[k - 1] <= q.start and _bare_forms(d.norms[k - 1]) & _TITLE_NOUNS:
                continue  # "تحت عنوان «...»", "لافتات مكتوب عليها «...»": a title or sign, not speech
            d.claimed.add(qi)
            speaker = None
            s_start, _ = d.sentence(q.start)
            lead = d.tok_at_or_after(q.start) - d.tok_at_or_after(s_start)
            if lead <= 2:
                j = bisect.bisect_right(d.sent_starts, q.start) - 1
                prev_start = d.sent_starts[j - 1] if j >= 1 else s_start
                for f in reversed(d.found):
                    if f.cue_start >= q.start or f.cue is None:
                        continue
                    if f.cue_start < prev_start:
                        break
                    if f.speaker.name and (f.outer is None or f.outer[0] <= q.start < f.outer[1]):
                        speaker = f.speaker
                        break
            else:
                # "قال X إن ...، مختتما بطرح حلول تمثلت في «...»": the speaker cued earlier in the sentence
                for f in reversed(d.found):
                    if f.cue_start >= q.start or f.cue is None or f.kind not in VOICE_KINDS:
                        continue
                    if f.cue_start < s_start:
                        break
                    if f.speaker.name and (f.outer is None or f.outer[0] <= q.start < f.outer[1]):
                        speaker = f.speaker
                        break
            if speaker is None and qi > 0:
                # «...»، و«...»: the next item of a list of quotations has the first one's speaker
                prev = d.quotes[qi - 1]
                between = d.text[prev.end:q.start]
                if len(between) <= 4 and not between.strip(" \t\u00a0،,و"):
                    for f in reversed(d.found):
                        if f.quote_start <= prev.inner_start < max(f.quote_end, f.quote_start + 1):
                            speaker = f.speaker if f.speaker.name else None
                            break
            if speaker is None:
                speaker = self._colon_speaker(d, q)
            if speaker is None and lead > 2 and k > 0 and not d.text[d.ends[k - 1]:q.start].strip():
                # "يعيشون في «شاليهات فاخرة ...»", "ضد «فلان - سائق، فلان - سائق»": marks inside the
                # writer's own clause, right after a word, with nobody named — the outlet's wording in
                # quotation marks (a title, a name, a scare quote), not anyone's words
                continue
            self._add(d, "direct_quote", q.inner_start, q.inner_end, speaker or _Speaker("", "other"), None,
                      cue_pos=q.start)

    def _colon_speaker(self, d: _Doc, q: Quote) -> _Speaker | None:
        """"صبحي صالح: «...»" — a name and a colon opening the line or sentence: the speaker."""
        s_start, _ = d.sentence(q.start)
        line = d.text.rfind("\n", 0, q.start) + 1
        k0 = d.tok_at_or_after(max(s_start, line))
        k1 = d.tok_at_or_after(q.start)
        if not 1 <= k1 - k0 <= _MAX_SPEAKER_WORDS or ":" not in d.text[d.ends[k1 - 1]:q.start]:
            return None
        qn = d.inside_quote(d.starts[k0])
        if qn is not None and self._is_name(d, qn) and d.token_after_quote(qn) == k1:
            qn = None  # "«غنيم»: «…»": a quoted name before the colon is the speaker
        if (any(k in d.verbs or d.norms[k] in _NP_STOP for k in range(k0, k1)) or qn is not None
                or (d.norms[k0][:1] in "وف" and len(d.norms[k0]) > 3)  # "ويكمل المجند:" — a verb, not a name
                or d.norms[k0] in _LAW_PARTS or d.norms[k0].startswith("لل")):  # "المادة الثالثة:", "للمرة الأولى:"
            return None
        return self._speaker(d, k0, k1, [])

    def _source_lines(self, d: _Doc) -> None:
        """``المصدر: (وكالات)`` lines: one attribution per named source (or the line text)."""
        if "مصدر" not in d.text and "مصادر" not in d.text:
            return
        for m in _SOURCE_LINE_RE.finditer(d.text):
            a, b = m.span(1)
            s, e = d.tok_at_or_after(a), d.tok_at_or_after(b)
            if e <= s:
                continue
            cue = _Cue(d.tok_at_or_after(m.start()), s, "sourcing", "المصدر")
            hits = d.sources_in(s, e)
            if hits:
                for i0, i1, _ in hits:
                    sp = self._speaker(d, i0, i1, [])
                    if sp is not None:
                        self._add(d, "sourcing", d.starts[i0], d.starts[i0], sp, cue)
            else:
                sp = self._speaker(d, s, min(e, s + _MAX_SPEAKER_WORDS), [])
                if sp is not None:
                    self._add(d, "sourcing", d.starts[s], d.starts[s], sp, cue)

    def _add(self, d: _Doc, kind: str, qs: int, qe: int, speaker: _Speaker, cue: _Cue | None, *,
             cue_pos: int | None = None) -> None:
        if cue is not None and cue.i1 > cue.i0:
            cs, ce = d.starts[cue.i0], d.ends[cue.i1 - 1]
        else:
            cs = ce = cue_pos if cue_pos is not None else qs
        outer = None
        for f in reversed(d.found[-30:]):
            if f.quote_start <= cs < f.quote_end and f.quote_end > f.quote_start:
                outer = (f.quote_start, f.quote_end)
                break
        d.found.append(_Found(kind, qs, qe, speaker, cue, cs, ce, d.para(cs), outer))

    def _records(self, d: _Doc, doc_id: str) -> list[Attribution]:
        return attribution_records(d.found, d.text, doc_id)


def attribution_records(found, text: str, doc_id: str) -> list[Attribution]:
    """The :class:`~framing.records.Attribution` rows of an extractor's findings (Arabic or
    English: anything with ``kind``, quote and cue offsets, a ``speaker`` and a ``cue``), in
    text order, numbered from 1, a finding repeated with the same span, speaker and cue once."""
    out = []
    seen = set()
    for f in sorted(found, key=lambda f: (f.quote_start, f.cue_start, f.quote_end)):
        key = (f.quote_start, f.quote_end, f.speaker.name, f.cue_start)
        if key in seen:
            continue
        seen.add(key)
        cue = f.cue
        out.append(Attribution(
            doc_id=doc_id, attribution_id=len(out) + 1, kind=f.kind, quote_start=f.quote_start,
            quote_end=f.quote_end, speaker=f.speaker.name, source_type=f.speaker.source_type,
            cue=text[f.cue_start:f.cue_end], cue_lemma=cue.lemma if cue else "",
            cue_stance=cue.stance if cue else "", cue_stance_value=cue.stance_value if cue else 0.0,
            speaker_start=f.speaker.start, speaker_end=f.speaker.end, cue_start=f.cue_start if cue else -1,
            cue_end=f.cue_end if cue else -1, via=f.speaker.via, quote_text=text[f.quote_start:f.quote_end],
        ))
    return out


# --- voice ----------------------------------------------------------------------------------

_KIND_RANK = {"direct_quote": 0, "reported_speech": 1, "sourcing": 2}
#: a Hit's fields before its voice (voice, speaker, source_type, attribution_id come last), as a tuple
_VOICE_FIELDS = ("voice", "speaker", "source_type", "attribution_id")
_HIT_FIELDS = tuple(f.name for f in fields(Hit))
_hit_head = attrgetter(*_HIT_FIELDS[:-len(_VOICE_FIELDS)])


def _voiced(h: Hit, voice: str, speaker: str | None, source_type: str | None, attribution_id: int | None) -> Hit:
    """``replace(h, voice=…, speaker=…, source_type=…, attribution_id=…)``, at half its cost."""
    return Hit(*_hit_head(h), voice, speaker, source_type, attribution_id)


def assign_voice(hits: Sequence[Hit], attributions: Sequence[Attribution], *,
                 kinds: Collection[str] = VOICE_KINDS) -> list[Hit]:
    """Mark hits inside an attributed span as ``voice="reported"`` with the speaker.

    A hit is reported when its whole span lies inside the quote span of an attribution of
    the same document whose kind is in ``kinds`` (default: quotations and reported speech;
    pass :data:`KINDS` to count the clause of a sourcing phrase too). Where spans nest or
    overlap, a quotation wins over reported speech, reported speech over a sourcing phrase,
    then the shortest span. A hit that overlaps the words naming the speaker
    (``"الكرملين"`` in ``"قال الكرملين"``) stays authorial.

    >>> h = Hit("d", "x", "الإرهابية", "الإرهابية", 10, 19, "terrorism", -1.0)
    >>> a = Attribution("d", 1, "direct_quote", 5, 30, "الكرملين", "russian_official")
    >>> r = assign_voice([h], [a])[0]
    >>> (r.voice, r.speaker, r.source_type, r.attribution_id)
    ('reported', 'الكرملين', 'russian_official', 1)
    """
    by_doc: dict[str, list[tuple[int, Attribution]]] = {}
    kinds = frozenset(kinds)
    for i, a in enumerate(attributions):
        if a.quote_end > a.quote_start and a.kind in kinds:
            by_doc.setdefault(a.doc_id, []).append((i, a))
    # per document: attributions sorted by quote start, with the running maximum of quote
    # ends, so each hit only looks at the spans that can contain it (not all of them)
    index: dict[str, tuple[list[int], list[int], list[tuple[int, Attribution]]]] = {}
    for doc_id, items in by_doc.items():
        items.sort(key=lambda ia: (ia[1].quote_start, ia[0]))
        max_end, running = [], -1
        for _i, a in items:
            running = max(running, a.quote_end)
            max_end.append(running)
        index[doc_id] = ([a.quote_start for _i, a in items], max_end, items)
    out = []
    for h in hits:
        best = None
        best_key = None
        starts, max_end, items = index.get(h.doc_id, ((), (), ()))
        j = bisect.bisect_right(starts, h.start) - 1
        while j >= 0 and max_end[j] >= h.end:
            i, a = items[j]
            j -= 1
            if h.end > a.quote_end:
                continue
            if a.speaker_start >= 0 and h.start < a.speaker_end and a.speaker_start < h.end:
                continue
            # ties: the attribution listed first wins, as before
            key = (_KIND_RANK.get(a.kind, 3), a.quote_end - a.quote_start, -a.quote_start, i)
            if best_key is None or key < best_key:
                best, best_key = a, key
        if best is None:
            out.append(h if h.voice == "authorial" and h.speaker is None else _voiced(h, "authorial", None, None, None))
        else:
            out.append(_voiced(h, "reported", best.speaker, best.source_type, best.attribution_id))
    return out


# --- frames ---------------------------------------------------------------------------------


def attributions_frame(attributions: Sequence[Attribution], outlets: Mapping[str, str] | None = None,
                       texts: Mapping[str, str] | None = None):
    """One row per attribution (columns :data:`ATTRIBUTION_FRAME_COLUMNS`).

    ``doc_id, outlet`` (from ``outlets``, ``"unknown"`` if missing), ``attribution_id``
    (1, 2, ... within the document), ``kind`` (direct_quote | reported_speech | sourcing),
    ``speaker`` (normalized name, ``""`` if unknown), ``source_type`` (``other`` if not in
    the sources lexicons), ``cue`` (as written), ``cue_lemma``, ``cue_stance`` (neutral |
    assertive | distancing | denial | ``""`` for sourcing phrases and uncued quotes),
    ``cue_stance_value``, ``quote_start``/``quote_end`` (offsets into the original text;
    equal for ``المصدر:`` lines), ``quote_text`` (from the record, else from ``texts``),
    ``speaker_start``/``speaker_end`` and ``cue_start``/``cue_end`` (-1 when absent), ``via`` (who
    relays the speaker's words: X in "نقلت وكالة X عن Y"; ``""`` when direct).

    >>> attributions_frame([Attribution("d1", 1, "sourcing", 0, 4, "المرصد", "monitor_ngo")],
    ...                    {"d1": "orient"})[["outlet", "speaker", "source_type"]].values.tolist()
    [['orient', 'المرصد', 'monitor_ngo']]
    """
    import pandas as pd

    outlets = outlets or {}
    rows = []
    for a in attributions:
        qt = a.quote_text
        if not qt and texts is not None and a.doc_id in texts:
            qt = texts[a.doc_id][a.quote_start:a.quote_end]
        rows.append({
            "doc_id": a.doc_id, "outlet": outlets.get(a.doc_id, "unknown"), "attribution_id": a.attribution_id,
            "kind": a.kind, "speaker": a.speaker, "source_type": a.source_type, "cue": a.cue,
            "cue_lemma": a.cue_lemma, "cue_stance": a.cue_stance, "cue_stance_value": a.cue_stance_value,
            "quote_start": a.quote_start, "quote_end": a.quote_end, "quote_text": qt,
            "speaker_start": a.speaker_start, "speaker_end": a.speaker_end, "cue_start": a.cue_start,
            "cue_end": a.cue_end, "via": a.via,
        })
    return pd.DataFrame(rows, columns=ATTRIBUTION_FRAME_COLUMNS)


def untyped_warning(outlets, *, threshold: float = 0.5) -> str | None:
    """One line when more than ``threshold`` of a run's attributions are typed ``other``.

    ``outlets``: the outlets table of a run (``n_attributions`` and ``share_other`` per outlet,
    from :func:`attribution_profile`). ``None`` when the share is at most ``threshold``.

    >>> import pandas as pd
    >>> untyped_warning(pd.DataFrame({"n_attributions": [30, 10], "share_other": [0.9, 0.2]})).split(" (")[0]
    '72% of the 40 attributions have source type other'
    """
    if outlets is None or "n_attributions" not in outlets or "share_other" not in outlets:
        return None
    n = outlets["n_attributions"].fillna(0)
    total = float(n.sum())
    if not total:
        return None
    share = float((outlets["share_other"].fillna(0) * n).sum()) / total
    if share <= threshold:
        return None
    return (f"{share:.0%} of the {int(total):,} attributions have source type other (speaker not in the "
            f"sources lexicons) — add the outlets' usual sources to a lexicon of kind sources and pass it "
            f"with --lexicons")


def _quoted_chars(spans_df, doc_lengths: Mapping[str, int]) -> int:
    """Characters inside the quoted spans of ``spans_df`` (``doc_id, quote_start, quote_end``):
    overlapping spans of a document merged, each document's total capped at its length.
    Vectorized: a span adds what it reaches past the furthest end of the spans before it."""
    import numpy as np
    import pandas as pd

    if not len(spans_df):
        return 0
    d = pd.DataFrame({"doc": spans_df["doc_id"].astype(str).to_numpy(),
                      "s": spans_df["quote_start"].astype(np.int64).to_numpy(),
                      "e": spans_df["quote_end"].astype(np.int64).to_numpy()})
    d = d[d["e"] > d["s"]].sort_values(["doc", "s", "e"], kind="stable")
    if not len(d):
        return 0
    reach = d.groupby("doc", sort=False)["e"].cummax().groupby(d["doc"], sort=False).shift(1)
    start = np.maximum(d["s"].to_numpy(), reach.fillna(-1).to_numpy().astype(np.int64))
    per_doc = pd.Series(np.clip(d["e"].to_numpy() - start, 0, None), index=d["doc"].to_numpy()).groupby(level=0).sum()
    cap = np.array([doc_lengths.get(doc, -1) for doc in per_doc.index], dtype=np.int64)
    q = per_doc.to_numpy()
    return int(np.where(cap >= 0, np.minimum(q, cap), q).sum())


def attribution_profile(attr_df, doc_lengths: Mapping[str, int], *, doc_outlets: Mapping[str, str] | None = None,
                        top_n: int = 5, quoted_kinds: Collection[str] = VOICE_KINDS):
    """Per outlet: whom it cites, how much of its text is quoted, and with which verbs.

    ``attr_df``: a frame like :func:`attributions_frame` (needs ``doc_id, outlet, speaker,
    source_type, cue_stance, quote_start, quote_end``). ``doc_lengths``: characters of
    scorable text per document. ``doc_outlets`` (doc_id → outlet) lets documents without any
    attribution count in ``quoted_share`` (and outlets without attributions get a row);
    without it only documents that appear in ``attr_df`` are counted.

    Columns, one row per outlet sorted by outlet: ``outlet``, ``n_attributions``,
    ``share_<source_type>`` (share of the outlet's attributions; source types sorted,
    ``other`` last), ``quoted_share`` (share of characters inside the spans of attributions
    of ``quoted_kinds`` — by default quotations and reported speech, the words given as the
    speakers'; overlapping spans merged; all rows count when the frame has no ``kind``), ``cue_neutral, cue_assertive, cue_distancing, cue_denial``
    (share of cued attributions by the verb's stance class; further classes follow when the
    lexicon has them; NaN when the outlet has no cued attribution), ``top_speakers``
    (``"الكرملين ×3; أردوغان ×2"``: the ``top_n`` most cited, ties by name; unknown speakers
    as ``(unknown)``).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"doc_id": ["a", "a"], "outlet": ["x", "x"], "speaker": ["الكرملين", "الكرملين"],
    ...                    "source_type": ["russian_official"] * 2, "cue_stance": ["neutral", "denial"],
    ...                    "quote_start": [0, 5], "quote_end": [10, 20]})
    >>> p = attribution_profile(df, {"a": 40})
    >>> float(p.loc[0, "quoted_share"]), float(p.loc[0, "cue_denial"]), p.loc[0, "top_speakers"]
    (0.5, 0.5, 'الكرملين ×2')
    """
    import numpy as np
    import pandas as pd

    df = attr_df.copy() if attr_df is not None else pd.DataFrame()
    for col, default in (("doc_id", ""), ("outlet", "unknown"), ("speaker", ""), ("source_type", "other"),
                         ("cue_stance", ""), ("quote_start", 0), ("quote_end", 0)):
        if col not in df.columns:
            df[col] = default
    df["source_type"] = df["source_type"].fillna("other").astype(str).replace("", "other")
    df["cue_stance"] = df["cue_stance"].fillna("").astype(str)
    df["speaker"] = df["speaker"].fillna("").astype(str)
    types = sorted(set(df["source_type"]) - {"other"}) + (["other"] if (df["source_type"] == "other").any() else [])
    extra = sorted(set(df["cue_stance"]) - set(STANCES) - {""})
    stances = [*STANCES, *extra]
    docs_of: dict[str, set[str]] = {}
    if doc_outlets is not None:
        for doc, outlet in doc_outlets.items():
            docs_of.setdefault(str(outlet), set()).add(str(doc))
    for doc, outlet in zip(df["doc_id"].astype(str), df["outlet"].astype(str), strict=True):
        docs_of.setdefault(outlet, set()).add(doc)
    rows = []
    groups = {str(k): g for k, g in df.groupby(df["outlet"].astype(str), sort=True)} if len(df) else {}
    for outlet in sorted(docs_of):
        g = groups.get(outlet)
        n = 0 if g is None else len(g)
        row: dict = {"outlet": outlet, "n_attributions": n}
        for t in types:
            row[f"share_{t}"] = float((g["source_type"] == t).mean()) if n else np.nan
        total_len = sum(int(doc_lengths.get(doc, 0)) for doc in docs_of[outlet])
        quoted = 0
        if n:
            quoted = _quoted_chars(g[g["kind"].isin(list(quoted_kinds))] if "kind" in g.columns else g, doc_lengths)
        row["quoted_share"] = quoted / total_len if total_len else np.nan
        cued = g[g["cue_stance"] != ""] if n else None
        for st in stances:
            row[f"cue_{st}"] = float((cued["cue_stance"] == st).mean()) if cued is not None and len(cued) else np.nan
        if n:
            counts = Counter(s if s else "(unknown)" for s in g["speaker"])
            top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]
            row["top_speakers"] = "; ".join(f"{name} ×{c}" for name, c in top)
        else:
            row["top_speakers"] = ""
        rows.append(row)
    columns = ["outlet", "n_attributions", *[f"share_{t}" for t in types], "quoted_share",
               *[f"cue_{st}" for st in stances], "top_speakers"]
    return pd.DataFrame(rows, columns=columns)
