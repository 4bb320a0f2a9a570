"""The compact forms the run keeps to bound its memory give what the plain forms gave."""

from __future__ import annotations

import os
from collections import Counter

import pytest

TITLES = [
    "الداخلية تعتذر عن سحل المواطن حمادة صابر أمام قصر الاتحادية",
    "مُرسي يلتقي وزيرَ الدفاع في القصر الرئاسيّ",  # diacritics
    "عاجل | القــوات تنسحب من ميدان التحرير ٢٠١٣",  # tatweel, Arabic-Indic digits
    "الداخلية تعتذر عن سحل المواطن حمادة صابر أمام قصر الاتحادية",  # the same title again
    "\ufefbجئون في المدينة",  # a presentation form: tokenized the offset way
    "سطران\nفي عنوان واحد",  # a line break inside a title
    "",
    "مرسي يلتقي وزير الدفاع",
    "إعلان أحمد آمال ٱلجديدة في المستشفى",  # alef forms, teh marbuta, alef maksura: spelling ≠ normalized word
    "رئيس الوزراء یلتقی وفد کلية الشرطة\u00a0اليوم",  # Farsi yeh, keheh, a no-break space
    "الأمن ١٢ و 3 أحزاب و ب",  # digits and one-letter words: title frequencies, no label item
]
STOP = frozenset({"في", "من", "عن"})


@pytest.mark.parametrize("chunk", [1, 3, 4096])
def test_title_codes_give_the_title_words_and_document_frequencies(monkeypatch, chunk):
    from framing.events import _TitleCodes, _TitleWords

    monkeypatch.setattr(_TitleCodes, "CHUNK", chunk)
    codes = _TitleCodes(STOP, TITLES)
    words = _TitleWords(STOP)
    expected_df = Counter()
    for i, title in enumerate(TITLES):
        df, items = words(title)
        expected_df.update(df)
        assert codes.items(i) == items, title
    assert {s: n for s, n in codes.df.items() if n} == dict(expected_df)
    assert codes.df["سحل"] == 2  # once per document, the repeated title counted twice
    assert [s for _, s, _ in codes.items(0)][:3] == ["داخليه", "تعتذر", "سحل"]
    assert codes.items(1)[0][2] == "مرسي"  # spelling keeps alef maksura, drops diacritics
    assert codes.items(6) == ()


def test_event_labels_and_tables_unchanged_by_the_compact_titles():
    from framing.events import group_events
    from framing.records import Document

    docs = [
        Document("a1", "الداخلية تعتذر عن سحل المواطن حمادة صابر أمام قصر الاتحادية في القاهرة", outlet="A",
                 date="2013-02-02", title="الداخلية تعتذر عن سحل المواطن حمادة صابر"),
        Document("b1", "وزارة الداخلية تعتذر عن سحل المواطن حمادة صابر أمام قصر الاتحادية مساء الجمعة", outlet="B",
                 date="2013-02-02", title="الداخلية تعتذر عن سحل حمادة صابر أمام الاتحادية"),
        Document("c1", "الرئيس مرسي يلتقي وزير الدفاع في القصر الرئاسي لبحث الأوضاع", outlet="C",
                 date="2013-02-03", title="مرسي يلتقي وزير الدفاع"),
    ]
    r = group_events(docs, lexicons=None, stopwords=None, threshold=0.2)
    assert list(r.events.columns)[:5] == ["event_id", "label", "date_start", "date_end", "n_docs"]
    assert r.events["n_docs"].dtype.kind == "i" and r.events["multi_outlet"].dtype == bool
    first = r.events.iloc[0]
    assert first["n_docs"] == 2 and first["outlets"] == "A; B" and first["multi_outlet"]
    # the labels (and every column) as the per-title tuples gave them before (checked at 3957219)
    assert r.events["label"].tolist() == ["الداخلية تعتذر المواطن أمام الاتحادية (2013-02-02)",
                                          "مرسي يلتقي وزير الدفاع (2013-02-03)"]
    assert r.events[["event_id", "doc_ids", "independent_outlets", "source"]].values.tolist() == [
        ["E0001", "a1; b1", "A; B", "content"], ["E0002", "c1", "C", "content"]]


def test_system_arrow_pool_is_chosen_unless_the_user_set_one(monkeypatch):
    import pyarrow as pa

    from framing.pipeline import use_system_arrow_pool

    before = pa.default_memory_pool()
    try:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        use_system_arrow_pool()
        assert pa.default_memory_pool().backend_name == "mimalloc"  # the user's choice stands
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        use_system_arrow_pool()
        assert pa.default_memory_pool().backend_name == "system"
        assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "system"  # for worker processes started later
    finally:
        pa.set_memory_pool(before)


def test_release_memory_collects_unreachable_cycles():
    import gc
    import weakref

    from framing.pipeline import release_memory

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    gc.disable()
    try:
        release_memory(collect=True)
    finally:
        gc.enable()
    assert gone() is None


LABEL_TITLES = [
    "الداخلية تعتذر عن سحل المواطن حمادة صابر أمام قصر الاتحادية",
    "سحل مواطن أمام قصر الاتحادية والداخلية تحقق",
    "حمادة صابر يتهم الشرطة بسحله أمام القصر",
    "الشرطة الشرطة تسحل المواطن المواطن",  # a stem twice in one title: the general path
    "مُرسي يلتقي وزيرَ الدفاع في القصر الرئاسيّ",
    "مرسي يلتقي وزير الدفاع",
    "مرسى يلتقى وزير الدفاع",  # another spelling of the same stems
    "\ufefbجئون في المدينة",
    "",
    "في من عن",  # stop words only
]


@pytest.mark.parametrize("members", [[0], [3], [4], [7], [8], [9], [0, 1, 2], [4, 5, 6], [6, 5, 4], [3, 0],
                                     list(range(len(LABEL_TITLES)))])
def test_title_codes_label_is_the_label_of_the_title_items(members):
    from framing.events import _label, _TitleCodes

    codes = _TitleCodes(STOP, LABEL_TITLES)
    n = len(LABEL_TITLES)
    expected = _label([codes.items(i) for i in members], codes.df, n)
    assert codes.label(members, n) == expected
    assert codes.label(members, n, k=2) == _label([codes.items(i) for i in members], codes.df, n, k=2)
    if members == [4, 5, 6]:
        assert expected.split()[0] == "مرسي"  # the most frequent spelling; the first seen of equals


def test_title_codes_label_follows_the_number_of_documents():
    from framing.events import _label, _TitleCodes

    codes = _TitleCodes(STOP, LABEL_TITLES)
    for n in (len(LABEL_TITLES), 1000):  # the weights are recomputed for another corpus size
        assert codes.label([0, 1, 2], n, k=3) == _label([codes.items(i) for i in (0, 1, 2)], codes.df, n, k=3)
