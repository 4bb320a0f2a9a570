"""report.html: self-contained, escaped, right-to-left where Arabic, every number traceable.

The fixture ``tests/data/html/run/`` is a small hand-made run folder (the CSVs and
run.json of ``framing compare``) with three outlets (one Arabic, one Latin, one whose
name is HTML), eight sentences behind one outlet × actor cell, distinguishing terms with
term evidence, a multi-outlet event, topics, and planted ``<script>``/``onerror=``
payloads in a title, a sentence, a speaker, an event label, a term and a problem.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from framing.report import RunData, build_tables, load_run, render_reports
from framing.report.html import (
    EVIDENCE_PER_CELL,
    EXPLORER_BUDGET,
    _esc_bidi,
    _kwic,
    _signed,
    _td_list,
    anchor,
    doc_anchor,
    escape,
    render_html,
    text_direction,
)

DATA = Path(__file__).resolve().parent / "data" / "html"
AJ, EB, ODD = "الجزيرة", "Enab Baladi", "<b>قناة</b> & «شركاء»"
PWN1 = "<script>document.body.setAttribute('data-pwned','1')</script>"
PWN2 = "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


class Page(HTMLParser):
    """Parses a page, checks nesting, and records what the tests look at."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.tags: list[tuple[str, dict]] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self.arabic_runs: list[tuple[str, str | None, str | None]] = []  # (text, dir, lang) in force
        self.errors: list[str] = []
        self.feed(text)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {[t for t, _ in self.stack]}")

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag not in VOID:
            self.stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "script":
            self.scripts.append(data)
            return
        if self.stack and self.stack[-1][0] in ("style", "title"):
            return
        self.text.append(data)
        if ARABIC.search(data) and len(ARABIC.findall(data)) >= len(LATIN.findall(data)):
            d = next((a["dir"] for _, a in reversed(self.stack) if "dir" in a), None)
            lang = next((a["lang"] for _, a in reversed(self.stack) if "lang" in a), None)
            self.arabic_runs.append((data, d, lang))

    @property
    def body_text(self) -> str:
        return "".join(self.text)


@pytest.fixture
def run_dir(tmp_path) -> Path:
    d = tmp_path / "run"
    shutil.copytree(DATA / "run", d)
    return d


@pytest.fixture
def run(run_dir) -> RunData:
    return load_run(run_dir)


@pytest.fixture
def page(run) -> str:
    return render_html(run, [])


def _block(page: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to the next element of the same kind."""
    start = page.index(f'id="{element_id}"')
    tag_start = page.rindex("<", 0, start)
    tag = re.match(r"<(\w+)", page[tag_start:]).group(1)
    end = page.find(f"</{tag}>", start)
    return page[tag_start:end]


# --- safety -------------------------------------------------------------------------------------


def test_page_is_well_formed_and_has_one_script_allowed_by_its_hash(page):
    p = Page(page)
    assert p.errors == []
    assert page.startswith("<!DOCTYPE html>")
    assert len(p.scripts) == 1
    csp = next(a["content"] for t, a in p.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(p.scripts[0].encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp and "img-src data:" in csp
    assert "unsafe-eval" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1]


@pytest.mark.parametrize("payload", [PWN1, PWN2, '"><script>alert(1)</script>', "<svg onload=alert(3)>",
                                     "<b>قناة</b>"])
def test_planted_markup_is_shown_as_text_never_as_markup(page, payload):
    p = Page(page)
    assert payload in p.body_text  # displayed literally…
    assert payload not in page  # …because it was escaped


def test_no_event_handler_attribute_no_foreign_url(page):
    p = Page(page)
    for tag, attrs in p.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for key in ("src", "href", "action", "srcset", "poster", "data"):
            v = attrs.get(key)
            if v is not None:
                assert v.startswith(("#", "data:")), (tag, key, v[:80])
    assert not [t for t, _ in p.tags if t in ("iframe", "object", "embed", "form", "base", "link")]


def test_only_http_urls_become_links(run):
    run.documents["url"] = ["javascript:alert(1)", "https://example.org/a?x=1&y=<2>"] + [""] * (len(run.documents) - 2)
    page = render_html(run, [])
    p = Page(page)
    external = [h for h in p.hrefs if not h.startswith("#")]
    assert external == ["https://example.org/a?x=1&y=<2>"]
    assert "javascript:" not in "".join(a.get("href", "") for _, a in p.tags)
    link = next(a for t, a in p.tags if t == "a" and a.get("href", "").startswith("https:"))
    assert "noopener" in link["rel"] and "noreferrer" in link["rel"]


@pytest.mark.parametrize(("value", "expected"), [
    ("<b>", "&lt;b&gt;"),
    ('"x" & \'y\'', "&quot;x&quot; &amp; &#x27;y&#x27;"),
    (None, ""),
    (float("nan"), ""),
    (3, "3"),
])
def test_escape(value, expected):
    assert escape(value) == expected


# --- direction, fonts, numbers --------------------------------------------------------------------


def test_every_arabic_run_is_right_to_left_and_tagged_arabic(page):
    p = Page(page)
    assert len(p.arabic_runs) > 50
    wrong = [(t[:40], d, lang) for t, d, lang in p.arabic_runs if d != "rtl" or lang != "ar"]
    assert wrong == []


def test_numbers_and_ids_stay_left_to_right(page):
    p = Page(page)
    num_cells = [a for t, a in p.tags if t == "td" and "num" in a.get("class", "").split()]
    assert len(num_cells) > 30
    assert all(a.get("dir") == "ltr" for a in num_cells)


def test_font_stack_covers_arabic(page):
    style = page[page.index("<style>"):page.index("</style>")]
    assert '"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri"' in style
    assert ":lang(ar)" in style


def test_signed_numbers_inside_arabic_text_are_isolated_left_to_right(run):
    page = render_html(run, [])
    # side-by-side cell «الاحتلال الروسي» ×2 (−1.0): the sign must stay before the digits
    assert '<bdi dir="ltr">−1.0</bdi>' in page


@pytest.mark.parametrize(("text", "expected"), [
    # the count isolated like the sign, and the stance kept on its line (no-break space)
    ("«قوات النظام» ×2 (−0.6)", '«قوات النظام» <bdi dir="ltr">×2</bdi>\u00a0(<bdi dir="ltr">−0.6</bdi>)'),
    ("أردوغان ×3; الكرملين ×12", 'أردوغان <bdi dir="ltr">×3</bdi>; الكرملين <bdi dir="ltr">×12</bdi>'),
    ("مساحة 3×4 أمتار", "مساحة 3×4 أمتار"),  # a × inside a word or number is not a count
    ("قصف (2013-02-01 – 2013-02-02)", 'قصف (<bdi dir="ltr">2013-02-01</bdi> – <bdi dir="ltr">2013-02-02</bdi>)'),
    ("حزيران/ يونيو2021 و 2019-2020", "حزيران/ يونيو2021 و 2019-2020"),  # no sign, no ISO date: left alone
    ("Enab Baladi −0.6", "Enab Baladi −0.6"),  # left-to-right text needs nothing
    ("<b>روسيا</b> -1", '&lt;b&gt;روسيا&lt;/b&gt; <bdi dir="ltr">-1</bdi>'),
])
def test_signs_and_dates_stay_left_to_right_in_arabic_text(text, expected):
    assert _esc_bidi(text) == expected


def test_no_negative_zero():
    assert [_signed(-0.001), _signed(0.004), _signed(-0.3), _signed(1.0, 1)] == ["0.00", "0.00", "-0.30", "+1.0"]


@pytest.mark.parametrize(("text", "expected"), [
    ("قال المتحدث", "rtl"),
    ("2019 روسيا", "rtl"),
    ("«Sputnik»: قالت وكالة الأنباء الروسية", "rtl"),
    ("Enab Baladi", "ltr"),
    ("Russian strikes", "ltr"),
    ("12.5%", None),
    ("", None),
])
def test_text_direction(text, expected):
    assert text_direction(text) == expected


# --- evidence -------------------------------------------------------------------------------------


def test_stance_cells_link_to_their_evidence(page):
    p = Page(page)
    ids = set(p.ids)
    target = anchor("ev", AJ, "russia")
    assert f"#{target}" in p.hrefs and target in ids
    assert anchor("evr", EB, "russia") in ids  # reported-voice evidence too
    # the cell with no mention has no link
    assert f"#{anchor('ev', AJ, 'armed_opposition')}" not in p.hrefs


def test_every_internal_link_resolves_and_ids_are_unique(page):
    p = Page(page)
    assert len(p.ids) == len(set(p.ids))
    internal = [h[1:] for h in p.hrefs if h.startswith("#")]
    assert len(internal) > 30
    assert sorted(set(internal) - set(p.ids)) == []


def test_evidence_is_capped_and_the_page_says_so(run):
    page = render_html(run, [])
    block = _block(page, anchor("ev", AJ, "russia"))
    assert block.count("<li>") == EVIDENCE_PER_CELL == 5
    assert "5 of 8 sentences shown, 8 mentions" in block
    assert "capped at 5 sentences per outlet × actor cell" in page
    page2 = render_html(run, [], evidence_per_cell=2)
    block2 = _block(page2, anchor("ev", AJ, "russia"))
    assert block2.count("<li>") == 2 and "2 of 8 sentences shown, 8 mentions" in block2


def test_evidence_heading_counts_sentences_and_mentions(run):
    """Two mentions in one sentence: all of them are shown, and the heading does not say otherwise."""
    h = run.hits
    cell = (h["outlet"].astype(str) == EB) & (h["actor"] == "syrian_government") & (h["voice"] == "authorial")
    assert cell.sum() == 1
    twin = h[cell].copy()
    twin["start"] += 1
    twin["end"] += 1
    run.hits = pd.concat([h, twin], ignore_index=True)
    block = _block(render_html(run, []), anchor("ev", EB, "syrian_government"))
    assert "(2 mentions in 1 sentence, all shown)" in block
    assert block.count("<li>") == 1


def test_evidence_highlights_the_keyword_and_shows_voice_speaker_and_document(page):
    block = _block(page, anchor("ev", AJ, "russia"))
    assert block.count("<mark>الاحتلال الروسي</mark>") == 5
    assert "authorial voice" in block
    assert f'href="#{doc_anchor("aj-000")}"' in block
    assert "[12:27]" in block  # offsets into the original text
    reported = _block(page, anchor("evr", AJ, "syrian_government"))
    assert "reported voice" in reported and "الدفاع المدني" in reported
    assert "<mark>قوات النظام</mark>" in reported


def test_evidence_links_reach_the_documents_table(page):
    p = Page(page)
    doc_rows = {a["id"] for t, a in p.tags if t == "tr" and a.get("id", "").startswith("doc-")}
    for doc_id in ("aj-000", "eb-002", 'd/7 "x" #y'):
        assert doc_anchor(doc_id) in doc_rows
    # the odd id is readable in the table
    assert 'd/7 "x" #y' in p.body_text


def test_distinguishing_terms_open_sentences_containing_them(page):
    p = Page(page)
    target = anchor("xt", AJ, "الاحتلال")
    assert ("button", {"type": "button", "class": "x", "data-x": target}) in p.tags
    block = _block(page, target)
    assert block.startswith(f'<template id="{target}">')
    assert block.count("<li>") == 8  # all eight sentences of term_evidence.csv (≤ 20 per term)
    assert block.count("<mark>الاحتلال</mark>") == 8
    # the Evidence section keeps its first three
    assert 1 <= _block(page, anchor("tev", AJ, "الاحتلال")).count("<li>") <= 3


def test_term_without_evidence_file_renders_without_links(run_dir):
    (run_dir / "term_evidence.csv").unlink()
    page = render_html(load_run(run_dir), [])
    assert 'href="#tev-' not in page
    assert 'data-x="xt-' not in page and '<template id="xt-' not in page
    assert "الاحتلال" in page


# --- explorer -------------------------------------------------------------------------------------


def _templates(page: str) -> dict[str, str]:
    return dict(re.findall(r'<template id="([^"]+)">(.*?)</template>', page, flags=re.S))


def test_every_explorer_button_has_its_sentences_and_every_template_a_button(page):
    p = Page(page)
    buttons = [a["data-x"] for t, a in p.tags if t == "button" and "data-x" in a]
    templates = _templates(page)
    assert len(buttons) >= 12  # the labels of the labels table and the distinguishing terms with evidence
    assert set(buttons) == set(templates)
    assert len(templates) == len(re.findall(r"<template ", page))  # ids unique
    # every button is a real <button> (keyboard: Tab and Enter), never a clickable div
    assert not [a for t, a in p.tags if t != "button" and "data-x" in a]


def test_label_sentences_highlight_the_label_and_keep_planted_markup_as_text(page):
    templates = _templates(page)
    aj = templates[anchor("xl", AJ, "russia", "الاحتلال الروسي")]
    assert aj.count("<li>") == 8 and aj.count("<mark>الاحتلال الروسي</mark>") == 8
    assert "8 sentences." in aj
    eb = templates[anchor("xl", EB, "syrian_government", "قوات النظام")]
    assert "<mark>قوات النظام</mark>" in eb
    assert "&lt;/script&gt;" in eb and "<script" not in eb  # the planted sentence, escaped
    # reported-voice labels say so, and name the speaker
    rep = templates[anchor("xl", AJ, "syrian_government", "قوات النظام")]
    assert "reported voice" in rep and "الدفاع المدني" in rep


def test_explorer_keeps_its_sentence_caps_and_states_them(run):
    page = render_html(run, [], explorer_per_term=2)
    templates = _templates(page)
    assert max(t.count("<li>") for t in templates.values()) == 2
    assert "2 of 8 sentences; all in <code>hits.csv</code>." in templates[anchor("xl", AJ, "russia",
                                                                                 "الاحتلال الروسي")]
    assert "2 of 8 sentences; all in <code>term_evidence.csv</code>." in templates[anchor("xt", AJ, "الاحتلال")]
    text = Page(page).body_text
    assert "up to 2 per label or term, 2.0\u00a0MB in all" in text
    # a budget of a few sentences: the page stays within it, every button still has its template
    small = render_html(run, [], explorer_budget=3000)
    templates = _templates(small)
    items = re.findall(r"<li>.*?</li>", "".join(templates.values()), flags=re.S)
    assert 0 < len(items) < 20
    assert sum(len(i.encode()) for i in items) <= 3000
    assert "the budget ran out" in Page(small).body_text
    assert any("No sentence within this page" in t for t in templates.values())
    # every label and term gets its first sentences before any gets more
    counts = [t.count("<li>") for t in _templates(render_html(run, [], explorer_budget=12_000)).values()]
    assert min(counts) >= 1 and max(counts) > 3


def test_explorer_options_are_checked(run):
    from framing.errors import ConfigError

    with pytest.raises(ConfigError, match="explorer_budget=-1"):
        render_html(run, [], explorer_budget=-1)


def test_filters_know_every_outlet_row_and_column(page):
    p = Page(page)
    outlet_cells = [a for t, a in p.tags if t == "td" and "outlet" in (a.get("class") or "").split()]
    assert outlet_cells and all(a.get("data-outlet") in (AJ, EB, ODD) for a in outlet_cells)
    # the labels table has one column per outlet, the stance table one per actor: both can be hidden
    labels = Page(_block(page, "labels") + "</section>")
    assert next(a.get("data-col-outlet") for t, a in labels.tags if t == "th") is None  # the actor column stays
    assert sorted(a["data-col-outlet"] for t, a in labels.tags if t == "th" and "data-col-outlet" in a) == \
        sorted([AJ, EB, ODD])
    assert {a.get("data-actor") for t, a in labels.tags if t == "td" and a.get("class") == "actor"} == \
        {"russia", "syrian_government", "armed_opposition"}
    stance = Page(_block(page, "stance") + "</section>")
    assert {a.get("data-col-actor") for t, a in stance.tags if t == "th"} >= {"russia", "syrian_government"}
    # the controls offer the outlets (names escaped) and the actors
    options = [a.get("value") for t, a in p.tags if t == "option"]
    assert options.count("") == 2  # "all outlets", "all actors"
    assert sorted(options) == sorted(["", "", AJ, EB, ODD, "russia", "syrian_government", "armed_opposition"])
    assert escape(ODD) in page and f'value="{ODD}"' not in page
    # evidence blocks and events carry their outlet (and actor)
    ev = [a for t, a in p.tags if t == "section" and a.get("class") == "ev" and a["id"].startswith("ev-")]
    assert ev and all(a.get("data-outlet") and a.get("data-actor") for a in ev)
    assert any("data-outlets" in a for t, a in p.tags if t == "td")


# --- kwic -----------------------------------------------------------------------------------------


def test_kwic_cuts_long_sentences_around_the_keyword():
    left = "كلمة " * 100
    right = " نص" * 100
    sentence = left + "الاحتلال الروسي" + right
    s0 = 1000
    start = s0 + len(left)
    html = _kwic(sentence, s0, start, start + len("الاحتلال الروسي"), "الاحتلال الروسي", width=60)
    assert "<mark>الاحتلال الروسي</mark>" in html
    assert html.startswith("…") and html.endswith("…")
    assert len(html) < 200


def test_kwic_with_stale_offsets_finds_the_matched_text():
    html = _kwic("قال إن روسيا <b>تدعم</b> النظام", 0, 50, 55, "روسيا")
    assert html == "قال إن <mark>روسيا</mark> &lt;b&gt;تدعم&lt;/b&gt; النظام"
    assert _kwic("نص بلا كلمة", 0, 50, 55, "روسيا") == "نص بلا كلمة"


# --- sections -------------------------------------------------------------------------------------


def test_summary_lists_corpus_outlets_dates_lexicons_and_options(page):
    block = _block(page, "summary")
    for text in ("tests/fixture.jsonl", "2020-02-10 … 2020-02-17", "syria", "1.0.0", "Options of this run",
                 "11</bdi> analysed", "1</bdi> skipped"):
        assert text in block, text


def test_outlet_colours_match_the_charts(run):
    from framing.report.charts import outlet_palette

    page = render_html(run, [])
    pal = outlet_palette([AJ, EB, ODD])
    r, g, b = (round(255 * c) for c in pal[EB][:3])
    cls = re.search(r"\.(o\d+) \{ background: #" + f"{r:02x}{g:02x}{b:02x}" + r"; \}", page).group(1)
    row = _block(page, "outlets")
    assert f'<span class="sw {cls}" aria-hidden="true"></span><bdi dir="ltr">{EB}</bdi>' in row


def test_events_side_by_side(page):
    block = _block(page, anchor("event", "E0001"))
    assert "Actor labels (authorial; ×count, mean stance)" in block
    assert '«الاحتلال الروسي» <bdi dir="ltr">×2</bdi>\u00a0(<bdi dir="ltr">−1.0</bdi>)' in block
    assert f'href="#{doc_anchor("eb-001")}"' in block
    assert f'href="#{anchor("event", "E0001")}"' in page  # from the events table


def test_list_cells_put_each_item_in_its_own_isolated_element():
    """Side-by-side cells and top speakers are "; "-separated lists of mixed-direction items."""
    cell = _td_list("«قوات النظام» ×2 (−0.6); «Assad regime» ×1 (0); «النظام» ×1 (−0.4)")
    assert cell.startswith('<td lang="ar" dir="rtl" class="list">')
    assert re.findall(r"<div([^>]*)>", cell) == [' lang="ar" dir="rtl"', ' dir="ltr"', ' lang="ar" dir="rtl"']
    assert '<div dir="ltr">«Assad regime» ×1 (0)</div>' in cell  # left-to-right: left as it is
    inline = _td_list("أردوغان ×3; <b>الكرملين</b> ×2", block=False)
    assert inline.count('<bdi class="item" lang="ar" dir="rtl">') == 2 and "</bdi>; <bdi" in inline
    assert "&lt;b&gt;الكرملين&lt;/b&gt;" in inline and "<b>" not in inline
    assert _td_list("«روسيا» ×1 (0)") == '<td lang="ar" dir="rtl">«روسيا» <bdi dir="ltr">×1</bdi>\u00a0(0)</td>'


def test_labels_table_has_an_actor_per_row_and_marks_labels_only_quoted(page):
    block = _block(page, "labels")
    p = Page(block + "</section>")
    headers = [a for t, a in p.tags if t == "th"]
    assert len(headers) == 1 + 3  # actor + the three outlets
    assert [a.get("class") for t, a in p.tags if t == "td"].count("actor") == 3  # armed_opposition, russia, syrian_g.
    # Enab Baladi only quotes «روسيا»: no "×0", but "reported ×2"
    button = '<button type="button" class="x" data-x="{}" lang="ar" dir="rtl">«{}»</button>'
    assert button.format(anchor("xl", EB, "russia", "روسيا"), "روسيا") + \
        ' <bdi dir="ltr" class="n">reported ×2</bdi>' in block
    assert "×0" not in block
    assert button.format(anchor("xl", AJ, "russia", "الاحتلال الروسي"), "الاحتلال الروسي") + \
        ' <bdi dir="ltr">×8</bdi>' in block


def test_events_table_shows_outlets_with_their_colours(page):
    rows = re.findall(r"<tr><td><a href=\"#event-.*?</tr>", page)
    assert rows
    assert all(r.count('<span class="item"><span class="sw o') >= 2 for r in rows)


def test_documents_table_leaves_out_columns_nobody_fills(run):
    block = _block(render_html(run, []), "documents")
    assert "<th scope=\"col\">event</th>" in block and "copy of" not in block
    docs = run.documents
    run.documents = docs.assign(duplicate_of=["aj-000" if str(d) == "aj-001" else None for d in docs["doc_id"]])
    block = _block(render_html(run, []), "documents")
    assert "<th scope=\"col\">copy of</th>" in block
    assert f'<a href="#{doc_anchor("aj-000")}"><bdi dir="ltr">aj-000</bdi></a>' in block
    # every row has as many cells as the header
    n_th = block.count("<th ")
    assert {r.count("<td") for r in re.findall(r"<tr id=.*?</tr>", block)} == {n_th}


def test_topics_categories_sources_and_problems(page):
    p = Page(page)
    text = p.body_text
    assert "إدلب، قصف، روسيا" in text  # topic label
    assert "terrorism_framing" in text and "58.82" in text  # density
    assert "Whom each outlet cites" in text and "الدفاع المدني ×2" in text
    assert "empty text" in text  # problem reason


def test_charts_are_embedded_as_data_uris(run_dir):
    """The page embeds the bytes of each chart's PNG as written (nothing redrawn or re-encoded); a chart
    whose file is missing is left out."""
    charts = run_dir / "charts"
    charts.mkdir()
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    (charts / "stance_heatmap.png").write_bytes(png)
    (charts / "stance_heatmap.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"/>')  # an old run's: unused
    (charts / "category_density.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    page = render_html(load_run(run_dir), [("Actor stance by outlet", "charts/stance_heatmap.png"),
                                           ("Category density by outlet", "charts/category_density.png"),
                                           ("Distinguishing terms", "charts/missing.png")])
    p = Page(page)
    srcs = [a["src"] for t, a in p.tags if t == "img"]
    assert srcs == ["data:image/png;base64," + base64.b64encode(png).decode(),
                    "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()]
    assert "charts/stance_heatmap.png in the run folder" in p.body_text and ".svg" not in p.body_text


def test_charts_are_shown_at_their_size_on_paper(run_dir):
    """A 150-dpi PNG of 300 × 150 px is 2 × 1 inches: 192 × 96 CSS px, times CHART_SCALE (1.25)."""
    import io

    from PIL import Image

    from framing.report.html import CHART_SCALE

    charts = run_dir / "charts"
    charts.mkdir()
    buf = io.BytesIO()
    Image.new("RGB", (300, 150), "white").save(buf, "PNG", dpi=(150, 150))
    (charts / "stance_heatmap.png").write_bytes(buf.getvalue())
    buf = io.BytesIO()
    Image.new("RGB", (192, 96), "white").save(buf, "PNG")  # no dpi recorded: 96 dpi, its pixels
    (charts / "topic_mix.png").write_bytes(buf.getvalue())
    page = render_html(load_run(run_dir), [("Actor stance by outlet", "charts/stance_heatmap.png"),
                                           ("Topic mix by outlet", "charts/topic_mix.png")])
    imgs = [a for t, a in Page(page).tags if t == "img"]
    assert CHART_SCALE == 1.25
    assert (imgs[0]["width"], imgs[0]["height"], imgs[0]["style"]) == ("240", "120", "--w:240px")
    assert (imgs[1]["width"], imgs[1]["height"]) == ("240", "120")
    assert "max-width: 100%" in page  # never wider than the page


def test_page_states_its_own_size(page):
    m = re.search(r"Page size: ([\d.]+\u00a0[KM]B) \(([\d,]+) bytes\)", page)
    assert m is not None
    assert int(m.group(2).replace(",", "")) == len(page.encode("utf-8"))


def test_empty_run_renders(tmp_path):
    run = RunData(path=tmp_path, manifest={}, documents=pd.DataFrame(), outlets=pd.DataFrame(),
                  terms=pd.DataFrame(), hits=pd.DataFrame(), attributions=pd.DataFrame(), problems=pd.DataFrame())
    page = render_html(run, [])
    p = Page(page)
    assert p.errors == []
    assert "Corpus and run" in p.body_text and "Input problems" in p.body_text


@pytest.mark.slow
def test_framing_report_rerenders_report_html_from_the_csvs(run_dir):
    from typer.testing import CliRunner

    from framing.cli import app

    result = CliRunner().invoke(app, ["report", str(run_dir)])
    assert result.exit_code == 0, result.output
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert html.count("<img ") >= 4  # the charts were drawn and embedded
    assert (run_dir / "charts" / "stance_heatmap.png").exists()
    assert not list((run_dir / "charts").glob("*.svg"))  # PNG only (docs/report.md)
    assert anchor("ev", AJ, "russia") in html
    # rendering again gives the same page
    written = render_reports(run_dir)
    assert "report.html" in written
    assert (run_dir / "report.html").read_text(encoding="utf-8") == html


@pytest.mark.slow
def test_a_large_run_gives_a_small_page(tmp_path):
    """20 outlets, 40,000 documents, 200,000 hits: evidence capped, only cited documents listed."""
    import numpy as np

    rng = np.random.default_rng(0)
    outlets = [f"منفذ {i}" for i in range(20)]
    actors = ["russia", "syrian_government", "armed_opposition", "turkey", "iran"]
    n_docs, n_hits = 40_000, 200_000
    docs = pd.DataFrame({"doc_id": [f"d{i:06d}" for i in range(n_docs)],
                         "outlet": [outlets[i % 20] for i in range(n_docs)],
                         "date": "2013-02-01", "title": "عنوان الخبر عن إدلب", "tokens": 300, "hits": 5})
    doc_idx = rng.integers(0, n_docs, n_hits)
    sentence = "قالت المصادر إن الاحتلال الروسي قصف مواقع في ريف إدلب الجنوبي صباح اليوم " * 3
    hits = pd.DataFrame({"doc_id": docs["doc_id"].to_numpy()[doc_idx], "outlet": docs["outlet"].to_numpy()[doc_idx],
                         "actor": np.array(actors)[rng.integers(0, 5, n_hits)], "category": "actor_label",
                         "term": "الاحتلال الروسي", "matched": "الاحتلال الروسي", "start": 16, "end": 31,
                         "stance": -1.0, "voice": "authorial", "speaker": "", "source_type": "",
                         "sentence_start": rng.integers(0, 50, n_hits) * 1000, "sentence": sentence})
    hits["start"] = hits["sentence_start"] + 16
    hits["end"] = hits["sentence_start"] + 31
    rows = []
    for o in outlets:
        r = {"outlet": o, "documents": n_docs // 20, "tokens": 300 * n_docs // 20}
        for a in actors:
            r[f"mentions:{a}"] = int(((hits["outlet"] == o) & (hits["actor"] == a)).sum())
            r[f"stance:{a}"] = -1.0
        rows.append(r)
    run = RunData(path=tmp_path, manifest={"actors": actors, "corpus": {"documents_analysed": n_docs}},
                  documents=docs, outlets=pd.DataFrame(rows), terms=pd.DataFrame(), hits=hits,
                  attributions=pd.DataFrame(), problems=pd.DataFrame())
    page = render_html(run, [])
    size = len(page.encode("utf-8"))
    bare = len(render_html(run, [], explorer_budget=0).encode("utf-8"))
    assert bare < 1_500_000
    # the explorer's sentences stay within their budget (plus one small heading per label)
    assert 100 * 20 * 200 < size - bare <= EXPLORER_BUDGET + 100 * 1_000
    templates = _templates(page)
    assert len(templates) == 100 and {t.count("<li>") for t in templates.values()} == {20}
    assert page.count('class="ev"') == 100  # 20 outlets × 5 actors
    outside = re.sub(r"<template .*?</template>", "", page, flags=re.S)
    assert outside.count('<p class="kwic"') == 100 * EVIDENCE_PER_CELL
    p = Page(page)
    doc_rows = [a for t, a in p.tags if t == "tr" and a.get("id", "").startswith("doc-")]
    assert len(doc_rows) <= 100 * EVIDENCE_PER_CELL
    assert f"of {n_docs:,} analysed" in p.body_text
    assert sorted({h[1:] for h in p.hrefs if h.startswith("#")} - set(p.ids)) == []


# --- label shares, over time, keyness (issue 15) ---------------------------------------------------


def test_label_shares_per_actor_open_their_sentences_and_filter(page):
    block = _block(page, "label-shares")
    p = Page(block + "</section>")
    blocks = [a["data-actor"] for t, a in p.tags if t == "div" and a.get("class") == "actor-block"]
    assert blocks == ["armed_opposition", "russia", "syrian_government"]  # the run's actor order
    # Al Jazeera names Russia only «الاحتلال الروسي» in its own voice: 100 %, stance −1.0 (a red bar)
    xid = anchor("xl", AJ, "russia", "الاحتلال الروسي")
    assert ('<span class="bar" style="width:100%;background:rgba(214,96,77,0.45)"></span><button type="button" '
            f'class="x" data-x="{xid}" lang="ar" dir="rtl">«الاحتلال الروسي»</button> <bdi dir="ltr">100%</bdi> '
            '<bdi dir="ltr" class="n">(-1.0)</bdi>') in block
    assert xid in _templates(page)
    # a neutral label keeps the grey bar
    assert '<span class="bar" style="width:100%;"></span>' in block
    # rows carry their outlet for the filter (the odd outlet name escaped)
    outlets = [a.get("data-outlet") for t, a in p.tags if t == "td" and a.get("class") == "outlet"]
    assert sorted(outlets) == sorted([EB, AJ, ODD, EB])  # armed_opposition: EB; russia: AJ; syrian_g.: ODD, EB


def test_timeline_table_per_actor_by_period(page):
    block = _block(page, "timeline")
    p = Page(block + "</section>")
    assert "Mean stance per day" in p.body_text  # the fixture spans a few days
    russia = _block(page, "timeline")[block.index('data-actor="russia"'):]
    russia = russia[:russia.index("</details>")]
    heads = re.findall(r'<th scope="col" class=num><bdi dir="ltr">(\d{4}-\d{2}-\d{2})</bdi></th>', russia)
    assert heads and heads == sorted(set(heads))
    # Al Jazeera's eight «الاحتلال الروسي» (−1.0) are the only authorial mentions of Russia in one day each
    assert russia.count('<td class="num" dir="ltr" data-v="-1.0"') >= 1
    assert "-1.00 <span class=\"n\">(1)</span>" in russia


def test_timeline_without_dates_says_how_to_get_one(run):
    run.documents = run.documents.drop(columns=["date"])
    block = _block(render_html(run, []), "timeline")
    assert "No document has a date" in block and "--date-field" in block


def test_keyness_cards_show_both_directions(run):
    tables = build_tables(run)
    tables.keyness = pd.DataFrame({
        "target": [AJ, AJ], "reference": [EB, EB], "side": ["target", "reference"], "rank": [1, 1],
        "term": ["الاحتلال", "روسيا"], "form": ["الاحتلال", "روسيا"], "count_target": [8, 0],
        "count_reference": [0, 2], "per_1000_target": [60.2, 0.0], "per_1000_reference": [0.0, 50.0],
        "log_odds": [2.1, -1.5], "z": [3.4, -2.2], "statistic": "log_odds_dirichlet"})
    from framing.report.tables import keyness_evidence

    tables.keyness_evidence = keyness_evidence(run, tables.keyness)
    page = render_html(tables, [])
    block = _block(page, "keyness")
    p = Page(block + "</section>")
    assert "more" in p.body_text and "less" in p.body_text and "+3.4" in p.body_text and "-2.2" in p.body_text
    assert [a["data-outlet"] for t, a in p.tags if t == "div" and a.get("class") == "card"] == [AJ]
    # both directions open their sentences: the over-used term in the target's, the under-used in the reference's
    templates = _templates(page)
    for side, term, outlet in (("target", "الاحتلال", AJ), ("reference", "روسيا", EB)):
        xid = anchor("xk", AJ, side, term)
        assert f'data-x="{xid}"' in block and xid in templates
        sentences = Page(templates[xid])
        assert f"sentences of {outlet}" in sentences.body_text and f"<mark>{term}</mark>" in templates[xid]
    assert 'href="#keyness"' in page


def test_keyness_and_timeline_charts_follow_the_filters(run, run_dir):
    from PIL import Image

    (run_dir / "charts").mkdir(exist_ok=True)
    for name in ("timeline_russia", "keyness_01"):
        Image.new("RGB", (30, 20), "white").save(run_dir / "charts" / f"{name}.png", dpi=(150, 150))
    tables = build_tables(run)
    tables.keyness = pd.DataFrame({
        "target": [AJ], "reference": [EB], "side": ["target"], "rank": [1], "term": ["الاحتلال"],
        "form": ["الاحتلال"], "count_target": [8], "count_reference": [0], "per_1000_target": [60.2],
        "per_1000_reference": [0.0], "log_odds": [2.1], "z": [3.4], "statistic": "log_odds_dirichlet"})
    page = render_html(tables, [("russia over time", "charts/timeline_russia.png"),
                                (f"Keyness: {AJ} against {EB}", "charts/keyness_01.png")])
    assert '<div data-actor="russia"><figure>' in _block(page, "timeline")
    assert f'<div data-outlet="{AJ}"><figure>' in _block(page, "keyness")
