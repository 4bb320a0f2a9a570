"""The comparison report as one self-contained, safe HTML page (``report.html``).

:func:`render_html` turns a finished run (:class:`framing.report.RunData`, read back from
the run's CSVs) into a single page that works offline and can be mailed to a colleague:

- **self-contained**: styles, the table-sorting script and the charts (the run's PNGs, as
  ``data:`` URIs) are inline; the page fetches nothing;
- **safe with scraped text**: every value from the corpus or a CSV goes through
  :func:`escape`, and a Content-Security-Policy ``<meta>`` allows no network access and
  no script but the page's own (by its SHA-256), so even a missed escape could not run
  an injected ``<script>`` or ``onerror=`` handler;
- **Arabic first**: every piece of corpus text carries ``dir`` (and ``lang="ar"`` when it
  is Arabic) from its first strong character, inside ``<bdi>`` or a block of its own, so
  Arabic reads right-to-left and numbers, ``×3`` counts and Latin ids stay in place;
  numeric cells are ``dir="ltr"``; the font stack covers Arabic;
- **traceable**: each stance cell links to the sentences behind it (keyword in
  ``<mark>``, voice, speaker and stance shown), each distinguishing term to sentences
  containing it (``term_evidence.csv``), and each sentence to its document's row;
- **bounded**: evidence is capped per cell and per term (the page says so), events with
  side-by-side tables are capped, and only the documents the page cites are listed
  (all of them for small corpora), so an 85k-article run still gives a small page. The
  page states its own size.

>>> from framing.report import build_tables, load_run  # doctest: +SKIP
>>> tables = build_tables(load_run("outputs/seeds"))  # doctest: +SKIP
>>> page = render_html(tables, [("Actor stance by outlet", "charts/stance_heatmap.png")])
... # doctest: +SKIP
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import functools
import hashlib
import html
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from framing.errors import ConfigError
from framing.report.run import RunData
from framing.report.tables import (  # sentences per cell, events with side-by-side tables: owned there
    EVIDENCE_PER_CELL,
    MAX_EVENTS,
    REPORTED_PER_CELL,
    ReportTables,
    build_tables,
    category_kinds,
)

__all__ = [
    "EVIDENCE_PER_CELL",
    "EXPLORER_BUDGET",
    "EXPLORER_PER_TERM",
    "MAX_EVENTS",
    "REPORTED_PER_CELL",
    "TERM_EVIDENCE_PER_TERM",
    "anchor",
    "doc_anchor",
    "escape",
    "render_html",
    "text_direction",
]

#: sentences shown per (outlet, distinguishing term); the rest are in term_evidence.csv
TERM_EVIDENCE_PER_TERM = 3
#: the explorer: sentences kept per label or distinguishing term, and the bytes all of them may
#: take in the page; every label and term gets EXPLORER_FIRST sentences before any gets more
EXPLORER_PER_TERM = 20
EXPLORER_BUDGET = 2_000_000
EXPLORER_FIRST = 3
#: rows of the events table
MAX_EVENT_ROWS = 100
#: documents of one event listed in its side-by-side block
MAX_EVENT_DOCS = 20
#: with at most this many documents the documents section lists every document
LIST_ALL_DOCUMENTS = 300
#: characters of context kept on each side of a highlighted keyword (actor evidence; term evidence)
CONTEXT_CHARS = 120
TERM_CONTEXT_CHARS = 80
#: distinguishing terms per outlet in the page
TERMS_PER_OUTLET = 25
#: labels listed per outlet × actor cell of the "labels used" table
LABELS_PER_CELL = 8
#: topics shown in the outlet × topic table
MAX_TOPICS = 15
#: charts are shown at this many times their size on paper (see _chart_size)
CHART_SCALE = 1.25

FONT_STACK = ('"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Segoe UI", Tahoma, "DejaVu Sans", '
              "Arial, sans-serif")

# --- small safe helpers -------------------------------------------------------------------------


def escape(value) -> str:
    """HTML-escape any value (quotes too, so the result is safe in attributes); None/NaN → ``""``.

    >>> escape('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


@functools.cache
def _strong_table() -> dict[int, str | None]:
    """``str.translate`` table of the Basic Multilingual Plane: right-to-left letters (bidi classes R
    and AL) → ``"r"``, left-to-right (L) → ``"l"``, everything else removed."""
    kinds = {"R": "r", "AL": "r", "L": "l"}
    return {i: kinds.get(unicodedata.bidirectional(chr(i))) for i in range(0x10000)}


def text_direction(text: str) -> str | None:
    """``"rtl"``, ``"ltr"`` or None (no letter) for a piece of corpus text.

    Right-to-left when at least 40% of its letters are Arabic-script (or Hebrew): an
    Arabic sentence stays Arabic when it opens with a Latin name or carries leftover
    markup; a mainly Latin string (an outlet called "Enab Baladi") is left-to-right.

    >>> text_direction("2019 روسيا"), text_direction("«Sputnik» قالت وكالة"), text_direction("Enab Baladi")
    ('rtl', 'rtl', 'ltr')
    >>> text_direction("12.5%") is None
    True
    """
    strong = str(text).translate(_strong_table())  # "r" / "l" per strong BMP character, the rest dropped
    rtl, ltr = strong.count("r"), strong.count("l")
    if rtl + ltr < len(strong):  # characters beyond the BMP are left as they are: classify them one by one
        for ch in strong:
            if ord(ch) > 0xFFFF:
                bidi = unicodedata.bidirectional(ch)
                rtl += bidi in ("R", "AL")
                ltr += bidi == "L"
    if not rtl and not ltr:
        return None
    return "rtl" if rtl >= 0.4 * (rtl + ltr) else "ltr"


def _is_arabic(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) == "AL" for ch in str(text))


def _dir_attrs(text: str, default: str = "ltr") -> str:
    """`` lang="ar" dir="rtl"`` for Arabic text, `` dir="rtl"``/`` dir="ltr"`` otherwise."""
    d = text_direction(text) or default
    if d == "rtl":
        return ' lang="ar" dir="rtl"' if _is_arabic(text) else ' dir="rtl"'
    return ' dir="ltr"'


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or (
        isinstance(value, str) and value == "")


def _s(value) -> str:
    return "" if _missing(value) else str(value)


#: kept left-to-right inside Arabic text, where the bidi algorithm would otherwise show a sign after
#: its digits ("1.0−") or reorder the parts of a date across a line break: a signed number or count
#: not glued to a word (``−1.0``, ``+0.25``, ``-3%``, ``×2``, shown as in the labels table) and an ISO
#: date or date-time (the page's style keeps these isolates on one line)
_LTR_RUN = re.compile(r"(\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?(?!\d)"
                      r"|(?<![\w.])[+\-\u2212\u00d7]\d+(?:[.,]\d+)*%?)")


_COUNT_THEN_PAREN = re.compile(r'(<bdi dir="ltr">×\d+</bdi>) \(')


def _esc_bidi(text: str) -> str:
    """Escape ``text``; inside right-to-left text also isolate signed numbers, ``×`` counts and dates
    left-to-right."""
    out = escape(text)
    if text_direction(text) == "rtl":
        out = _LTR_RUN.sub(r'<bdi dir="ltr">\1</bdi>', out)
        # "«label» ×2 (−0.5)": the stance stays on the line of its count
        out = _COUNT_THEN_PAREN.sub("\\1\u00a0(", out)
    return out


def _t(value, *, tag: str = "bdi", cls: str | None = None, title: str | None = None) -> str:
    """Corpus text, escaped, in its own direction-isolated element."""
    text = _s(value)
    if not text:
        return ""
    attrs = _dir_attrs(text)
    if cls:
        attrs += f' class="{escape(cls)}"'
    if title:
        attrs += f' title="{escape(title)}"'
    return f"<{tag}{attrs}>{_esc_bidi(text)}</{tag}>"


def anchor(kind: str, *parts, slug: bool = True) -> str:
    """A safe, unique element id: ``kind-<ascii slug>-<hash>`` (the hash keeps Arabic or
    odd names apart; the slug keeps ids readable).

    >>> anchor("ev", "Al Jazeera", "russia")
    'ev-Al-Jazeera-russia-4dcc33b0'
    """
    raw = "\x1f".join(_s(p) for p in parts)
    text = re.sub(r"[^A-Za-z0-9]+", "-", raw).strip("-")[:20].strip("-") if slug else ""
    digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8 if text else 10]
    return f"{kind}-{text}-{digest}" if text else f"{kind}-{digest}"


def doc_anchor(doc_id) -> str:
    """The id of a document's row: ``doc-`` and a hash (ids are often long UUIDs)."""
    return anchor("doc", doc_id, slug=False)


def _float(value) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int(value) -> int | None:
    f = _float(value)
    return None if f is None else round(f)


def _fmt(value, spec: str) -> str:
    f = _float(value)
    return "" if f is None else format(f, spec)


_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _td_num(value, spec: str = ",.0f", *, extra: str = "", cls: str = "num", style: str = "") -> str:
    """A numeric cell: left-to-right, sortable by the raw value (empty sorts last)."""
    f = _float(value)
    shown = "–" if f is None else format(round(f), spec) if spec.endswith("d") else format(f, spec)
    if f is None:
        data = ' data-v=""'
    elif extra or not _PLAIN_NUMBER.fullmatch(shown):  # the script sorts by the text when it is a number
        data = f' data-v="{f:.6g}"'
    else:
        data = ""
    st = f' style="{escape(style)}"' if style else ""
    return f'<td class="{cls}" dir="ltr"{data}{st}>{escape(shown)}{extra}</td>'


def _td_text(value, *, sort: str | None = None) -> str:
    text = _s(value)
    data = f' data-v="{escape(sort)}"' if sort is not None else ""
    return f"<td{_dir_attrs(text)}{data}>{_esc_bidi(text)}</td>"


def _list_items(value, sep: str = "; ") -> list[str]:
    return [item.strip() for item in _s(value).split(sep) if item.strip()]


def _td_list(value, *, block: bool = True) -> str:
    """A cell holding a ``"; "``-separated list (``«label» ×2 (−0.5); …``, ``speaker ×3; …``): each item
    in its own direction-isolated element, one per line (``block``) or inline and never broken inside."""
    text = _s(value)
    items = _list_items(text)
    if len(items) <= 1:
        return _td_text(text)
    if block:
        inner = "".join(f"<div{_dir_attrs(i)}>{_esc_bidi(i)}</div>" for i in items)
    else:
        inner = "; ".join(f'<bdi class="item"{_dir_attrs(i)}>{_esc_bidi(i)}</bdi>'
                          for i in items)
    return f'<td{_dir_attrs(text)} class="list">{inner}</td>'


def _signed(x: float, digits: int = 2) -> str:
    """``+0.25``, ``-0.40``, and ``0.00`` for anything that rounds to zero (never ``-0.00``)."""
    text = f"{x:+.{digits}f}"
    return "0." + "0" * digits if float(text) == 0 else text


def _td_date(value) -> str:
    """A date cell (the day; the time of day is in documents.csv)."""
    text = _s(value)[:10]
    return f'<td class="date" dir="ltr">{escape(text)}</td>'


def _td(inner_html: str, *, sort=None, attrs: str = "") -> str:
    data = "" if sort is None else f' data-v="{escape(sort)}"'
    return f"<td{attrs}{data}>{inner_html}</td>"


def _table(headers: Sequence[str | tuple[str, str]], rows: Iterable[Sequence[str]], *, sortable: bool = True,
           cls: str = "", caption: str = "", numeric: Sequence[int] = ()) -> str:
    """``headers``: HTML of each header cell (already escaped), or ``(html, attributes)`` for a column the
    explorer can hide (``data-col-outlet``/``data-col-actor``); ``rows``: ``<td>`` strings."""
    body = "\n".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    if not body:
        return '<p class="none">(none)</p>'
    heads = [h if isinstance(h, tuple) else (h, "") for h in headers]
    ths = "".join(f'<th scope="col"{" class=num" if i in numeric else ""}{attrs}>{h}</th>'
                  for i, (h, attrs) in enumerate(heads))
    classes = " ".join(c for c in ("sortable" if sortable else "", cls) if c)
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (f'<div class="scroll"><table class="{classes}">{cap}<thead><tr>{ths}</tr></thead>'
            f"<tbody>\n{body}\n</tbody></table></div>")


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


# --- colours ------------------------------------------------------------------------------------

def _outlet_colours(outlets: Sequence[str]) -> dict[str, str]:
    """The charts' outlet colours (:func:`framing.report.charts.outlet_palette`) as hex strings."""
    from framing.report.charts import outlet_palette

    names = sorted({_s(o) for o in outlets})
    pal = outlet_palette(names)
    return {n: "#{:02x}{:02x}{:02x}".format(*(round(255 * c) for c in pal[n][:3])) for n in names}


def _stance_style(value) -> str:
    """A light red (−) / blue (+) background, like the heatmap's RdBu scale."""
    f = _float(value)
    if f is None:
        return ""
    a = min(abs(f), 1.0) * 0.45
    if f < 0:
        return f"background:rgba(214,96,77,{a:.2f})"
    return f"background:rgba(67,147,195,{a:.2f})"


def _share_style(value) -> str:
    f = _float(value)
    if f is None or f <= 0:
        return ""
    return f"background:rgba(44,127,184,{min(f, 1.0) * 0.6:.2f})"


# --- page ---------------------------------------------------------------------------------------

_SCRIPT = """(function () {
  "use strict";
  function key(cell) {
    var v = cell ? cell.getAttribute("data-v") : "";
    if (v === null) { v = cell.textContent.trim(); }
    if (v === "") { return null; }
    var n = Number(v);
    return isNaN(n) ? {s: v} : {n: n};
  }
  function sortBy(table, th, index) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (r, i) {
      return {row: r, key: key(r.cells[index]), i: i};
    });
    rows.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        return a.key === b.key ? a.i - b.i : (a.key === null ? 1 : -1);
      }
      var c;
      if (a.key.n !== undefined && b.key.n !== undefined) { c = a.key.n - b.key.n; }
      else if (a.key.n !== undefined) { c = -1; }
      else if (b.key.n !== undefined) { c = 1; }
      else { c = String(a.key.s).localeCompare(String(b.key.s), "ar"); }
      return (asc ? c : -c) || a.i - b.i;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (!table.tHead) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.tabIndex = 0;
      th.title = "sort";
      th.addEventListener("click", function () { sortBy(table, th, index); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, th, index); }
      });
    });
  });
  document.documentElement.setAttribute("data-sortable", "ready");

  // --- the explorer: filters by outlet and actor (state in the address's #outlet=…&actor=…&x=…),
  // and a dialog with the sentences of a label or term (copied from its inert <template>)
  var fo = document.getElementById("xf-outlet"), fa = document.getElementById("xf-actor");
  var dialog = document.getElementById("xd"), status = document.getElementById("xf-status");
  if (!fo || !fa || !dialog) { return; }
  var state = {outlet: "", actor: "", x: ""};
  function hide(el) { el.classList.add("xh"); }
  function apply() {
    var o = state.outlet, a = state.actor, rows = new Set();
    document.querySelectorAll(".xh").forEach(function (el) { el.classList.remove("xh"); });
    function row(el) { return el.matches("td, th") ? el.closest("tr") : el; }
    document.querySelectorAll("[data-outlet]").forEach(function (el) {
      if (o && el.getAttribute("data-outlet") !== o) { hide(row(el)); rows.add(row(el)); }
    });
    document.querySelectorAll("[data-outlets]").forEach(function (el) {
      var names = JSON.parse(el.getAttribute("data-outlets"));
      if (o && names.indexOf(o) < 0) { hide(row(el)); rows.add(row(el)); }
    });
    document.querySelectorAll("[data-actor]").forEach(function (el) {
      if (a && el.getAttribute("data-actor") !== a) { hide(row(el)); rows.add(row(el)); }
    });
    var cols = 0;
    document.querySelectorAll("th[data-col-outlet], th[data-col-actor]").forEach(function (th) {
      var v = th.getAttribute("data-col-outlet"), want = o;
      if (v === null) { v = th.getAttribute("data-col-actor"); want = a; }
      if (!want || v === want) { return; }
      var i = th.cellIndex, table = th.closest("table");
      cols += 1;
      Array.prototype.forEach.call(table.rows, function (r) { if (r.cells[i]) { hide(r.cells[i]); } });
    });
    fo.value = o;
    fa.value = a;
    status.textContent = (o || a) ? rows.size + " rows or blocks and " + cols + " columns hidden" : "";
    document.documentElement.setAttribute("data-filtered", (o || a) ? "yes" : "no");
  }
  function save() {
    var parts = [];
    ["outlet", "actor", "x"].forEach(function (k) {
      if (state[k]) { parts.push(k + "=" + encodeURIComponent(state[k])); }
    });
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }
  function openX(id) {
    var tpl = document.getElementById(id);
    if (!tpl || tpl.tagName !== "TEMPLATE") { return; }
    var body = document.getElementById("xd-body");
    body.replaceChildren(tpl.content.cloneNode(true));
    state.x = id;
    if (!dialog.open) { dialog.showModal(); }
    document.getElementById("xd-close").focus();
  }
  function load() {
    var h = location.hash.slice(1);
    if (!/^(outlet|actor|x)=/.test(h)) { return; }
    var q = new URLSearchParams(h);
    function known(select, v) {  // a value this page offers (an address from another run shows everything)
      return Array.prototype.some.call(select.options, function (o) { return o.value === v; }) ? v : "";
    }
    state.outlet = known(fo, q.get("outlet") || "");
    state.actor = known(fa, q.get("actor") || "");
    apply();
    if (q.get("x")) { openX(q.get("x")); }
  }
  fo.addEventListener("change", function () { state.outlet = fo.value; apply(); save(); });
  fa.addEventListener("change", function () { state.actor = fa.value; apply(); save(); });
  document.getElementById("xf-clear").addEventListener("click", function () {
    state.outlet = state.actor = ""; apply(); save();
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button.x");
    if (b) { openX(b.getAttribute("data-x")); save(); return; }
    if (e.target.closest("#xd a[href^='#']")) { dialog.close(); }
  });
  document.getElementById("xd-close").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () { state.x = ""; save(); });
  window.addEventListener("hashchange", load);
  load();
  document.documentElement.setAttribute("data-explorer", "ready");
})();
"""

_CSS = """
:root { --fg: #1b1b1b; --muted: #5d5d5d; --line: #d9d9d9; --bg-alt: #f6f6f4; --accent: #0b5cad; }
* { box-sizing: border-box; }
html { font-family: FONTS; color: var(--fg); background: #fff; line-height: 1.55; }
body { margin: 0 auto; padding: 1rem 1.5rem 4rem; max-width: 1280px; font-size: 15px; }
:lang(ar) { font-family: FONTS; line-height: 1.9; }
h1 { font-size: 1.6rem; margin: .4rem 0 .2rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; padding-top: .4rem; border-top: 2px solid var(--fg); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
h3, h4, .xd-title { overflow-wrap: anywhere; }  /* a long scraped word in a title does not widen a phone's page */
p, li { max-width: 80ch; }
a { color: var(--accent); }
nav.toc { background: var(--bg-alt); padding: .5rem .8rem; border-radius: 6px; margin: .8rem 0; }
nav.toc ol { margin: 0; padding-inline-start: 1.2rem; columns: 2 16rem; }
.note { color: var(--muted); font-size: .92rem; }
.nw { white-space: nowrap; }
.none { color: var(--muted); font-style: italic; }
.scroll { overflow-x: auto; max-width: 100%; margin: .4rem 0 1rem; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: .92rem; }
caption { text-align: start; font-weight: 600; padding: .2rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .55rem; vertical-align: baseline; text-align: start; }
thead th { background: var(--bg-alt); position: sticky; top: 0; white-space: nowrap; }
table.sortable thead th { cursor: pointer; user-select: none; }
table.sortable thead th::after { content: " \\21C5"; color: #aaa; font-size: .8em; }
table.sortable thead th[aria-sort="ascending"]::after { content: " \\25B2"; color: var(--fg); }
table.sortable thead th[aria-sort="descending"]::after { content: " \\25BC"; color: var(--fg); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.cats td.num { white-space: normal; }
td.outlet { min-width: 7.5rem; }
@media (min-width: 701px) { td.outlet { white-space: nowrap; } }
td.date { white-space: nowrap; }
td.stance a { text-decoration: none; color: inherit; display: block; }
td.stance a:hover .v { text-decoration: underline; }
.ci, .n { color: var(--muted); font-size: .85em; }
.sw { background: #999; display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-inline-end: .35em;
      vertical-align: baseline; border: 1px solid rgba(0,0,0,.25); }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: .8rem 0 1.2rem; }
figure .fig { overflow-x: auto; -webkit-overflow-scrolling: touch; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
figcaption { color: var(--muted); font-size: .88rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: .4rem 1.4rem; }
.grid > * { min-width: 0; }  /* a wide table scrolls inside its card instead of widening the page */
.card h4 { margin-top: .6rem; }
.card th, .card td { padding: .25rem .35rem; }
[lang="ar"] { font-size: 1.07em; }
[lang="ar"] [lang="ar"] { font-size: inherit; }
[dir="rtl"] bdi[dir="ltr"], .item { white-space: nowrap; }
td.list > div + div { margin-top: .1rem; }
mark { background: #ffe066; padding: 0 .1em; border-radius: 2px; }
ol.evidence { padding-inline-start: 1.4rem; }
ol.evidence li { margin: .5rem 0 .8rem; max-width: 100%; }
.kwic { margin: 0; font-size: 1.06rem; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: .85rem; margin-top: .1rem; }
.meta .voice-reported { color: #8a4b00; font-weight: 600; }
section.ev { border-inline-start: 3px solid var(--line); padding-inline-start: .8rem; margin: 1rem 0; }
section.ev:target, tr:target, section.event:target { background: #fff8d6; }
section.ev:target { border-inline-start-color: #e0a800; }
.labels-cell { min-width: 9rem; }
td.label { min-width: 9rem; }
table.labels thead th, table.sbs thead th, table.cats thead th { white-space: normal; }
table.events td:nth-child(1) { min-width: 10rem; }
table.events td:nth-child(2) { min-width: 14rem; }
table.docs td:nth-child(1) { white-space: nowrap; }
table.docs td.title { min-width: 13rem; overflow-wrap: anywhere; }
details > summary { cursor: pointer; color: var(--accent); }
footer { margin-top: 3rem; border-top: 1px solid var(--line); padding-top: .6rem; }
.sbs td { min-width: 11rem; }
.xh { display: none !important; }
td.shares { min-width: 16rem; }
.share { position: relative; padding: 0 .3rem; margin: .1rem 0; }
.share .bar { position: absolute; inset-block: 0; inset-inline-start: 0; z-index: -1; border-radius: 2px;
              background: rgba(0,0,0,.08); }
table.shares { position: relative; z-index: 0; }
.actor-block > summary { font-weight: 600; margin: .5rem 0; }
table.timeline td.num { min-width: 4.5rem; }
.explorer { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 1px solid var(--line);
            display: flex; flex-wrap: wrap; gap: .3rem .9rem; align-items: center; padding: .4rem 0; }
.explorer select { font: inherit; max-width: 16rem; }
.explorer button, #xd-close { font: inherit; }
button.x { font: inherit; color: var(--accent); background: none; border: 0; padding: 0; cursor: pointer;
           text-align: inherit; text-decoration: underline dotted; text-underline-offset: .2em; }
button.x:hover { text-decoration-style: solid; }
button:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
dialog#xd { width: min(52rem, calc(100vw - 1rem)); max-height: 86vh; overflow: auto; padding: .6rem 1rem 1rem;
            border: 1px solid var(--line); border-radius: 8px; }
dialog#xd::backdrop { background: rgba(0, 0, 0, .35); }
.xd-head { display: flex; justify-content: flex-end; position: sticky; top: -.6rem; background: #fff; }
.xd-title { font-weight: 600; font-size: 1.08rem; margin: 0 0 .3rem; }
@media (max-width: 700px) {
  body { padding: .5rem .6rem 3rem; font-size: 14px; }
  h1 { font-size: 1.3rem; }
  th, td { padding: .25rem .35rem; }
  dl.kv { grid-template-columns: 1fr; }
  dl.kv dd { margin-bottom: .3rem; }
  .grid { grid-template-columns: 1fr; }
  .sbs td { min-width: 8rem; }
  figure img { max-width: none; width: min(var(--w, 100%), 46rem); }
  table.sortable tbody td:first-child, table.labels tbody td:first-child, table.sbs tbody td:first-child {
    position: sticky; inset-inline-start: 0; background: #fff; z-index: 1; }
}
@media print { nav.toc, table.sortable thead th::after { display: none; } }
""".replace("FONTS", FONT_STACK)


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")


class _Page:
    """Collects what the sections link to, so that every link has a target."""

    def __init__(self, tables: ReportTables, *, term_evidence_per_term: int,
                 explorer_per_term: int = EXPLORER_PER_TERM, explorer_budget: int = EXPLORER_BUDGET):
        run = tables.run
        self.run = run
        self.tables = tables
        self.evidence_per_cell = tables.evidence_per_cell
        self.reported_per_cell = tables.reported_per_cell
        self.term_evidence_per_term = term_evidence_per_term
        self.explorer_per_term = explorer_per_term
        self.explorer_budget = explorer_budget
        self.max_events = tables.max_events
        self.cited_docs: dict[str, str] = {}  # doc_id -> outlet (from the evidence)
        self.event_anchors: dict[str, str] = {}
        outlets = list(tables.outlets)
        self.outlets = outlets
        self.colours = _outlet_colours(outlets)
        self.colour_class = {n: f"o{i}" for i, n in enumerate(self.colours)}
        meta = run.manifest.get("lexicon_meta") or {}
        self.actor_names: dict[str, str] = {}
        self.category_names: dict[str, str] = {}
        for lx in meta.values():
            for k, v in (lx.get("actors") or {}).items():
                self.actor_names.setdefault(str(k), _s(v))
            for k, v in (lx.get("categories") or {}).items():
                self.category_names.setdefault(str(k), _s(v))
        self.doc_ids = set(run.documents["doc_id"].astype(str)) if "doc_id" in run.documents else set()
        #: explorer: button id -> (kind, key, title HTML); actors the filter offers (in page order)
        self.explorables: dict[str, tuple[str, tuple, str]] = {}
        self.filter_actors: dict[str, None] = {}

    def outlet(self, name) -> str:
        """Outlet name with its chart colour (a class of the page's style: see :meth:`css`)."""
        cls = self.colour_class.get(_s(name), "")
        return f'<span class="sw {cls}" aria-hidden="true"></span>{_t(name)}'

    def css(self) -> str:
        return "\n".join(f".{self.colour_class[n]} {{ background: {escape(c)}; }}" for n, c in self.colours.items())

    def td_outlet(self, name) -> str:
        """The outlet cell of a row: ``data-outlet`` lets the explorer's outlet filter hide the row."""
        return _td(self.outlet(name), attrs=f' class="outlet" data-outlet="{escape(_s(name))}"')

    def outlet_col(self, name) -> tuple[str, str]:
        """The header of an outlet's column (hidden with its cells by the outlet filter)."""
        return self.outlet(name), f' data-col-outlet="{escape(_s(name))}"'

    def actor_col(self, actor: str) -> tuple[str, str]:
        """The header of an actor's column (hidden with its cells by the actor filter)."""
        self.filter_actors.setdefault(actor, None)
        return self.actor_header(actor), f' data-col-actor="{escape(actor)}"'

    def explore(self, kind: str, key: tuple, title: str, inner: str, attrs: str = "") -> str:
        """A button that opens the sentences of ``key`` in the explorer's dialog.

        ``kind`` is ``"label"`` (key: outlet, actor, term; sentences from ``hits.csv``), ``"term"``
        (key: outlet, term; sentences from ``term_evidence.csv``) or ``"keyness"`` (key: target, side,
        term; sentences from ``keyness_evidence.csv``); ``title`` is the dialog's heading
        (HTML), ``inner`` the button's (HTML). The sentences are rendered once for every button at
        the end of the page (:func:`_explorer`), within the page's sentence budget.
        """
        xid = anchor("x" + kind[0], *key)
        self.explorables.setdefault(xid, (kind, key, title))
        return f'<button type="button" class="x" data-x="{xid}"{attrs}>{inner}</button>'

    def doc_link(self, doc_id, outlet=None) -> str:
        did = _s(doc_id)
        self.cited_docs.setdefault(did, _s(outlet))
        return f'<a href="#{doc_anchor(did)}"{_dir_attrs(did)}>{_esc_bidi(did)}</a>'

    def actor_header(self, actor: str) -> str:
        name = self.actor_names.get(actor, "")
        if not name or name == actor:
            return _t(actor)
        if len(name) <= 24:
            return f'{_t(actor)}<br><span class="n">{_t(name)}</span>'
        return _t(actor, title=name)

    def category_header(self, cat: str) -> str:
        name = self.category_names.get(cat, "")
        return _t(cat, title=name or None)


def _kwic(sentence, s_start, start, end, matched=None, *, width: int = CONTEXT_CHARS) -> str:
    """The sentence with the keyword in ``<mark>``, cut to ``width`` characters each side."""
    sent = _s(sentence)
    a = b = None
    with contextlib.suppress(TypeError, ValueError):
        a, b = int(start) - int(s_start), int(end) - int(s_start)
    if a is None or not (0 <= a < b <= len(sent)) or (matched and not _missing(matched)
                                                      and sent[a:b] != str(matched)):
        found = sent.find(str(matched)) if matched and not _missing(matched) else -1
        a, b = (found, found + len(str(matched))) if found >= 0 else (None, None)
    if a is None:
        clipped = sent if len(sent) <= 2 * width else sent[: 2 * width] + "…"
        return escape(" ".join(clipped.split()))
    pre, mid, post = sent[:a], sent[a:b], sent[b:]
    if len(pre) > width:
        cut = pre[-width:]
        sp = cut.find(" ")
        pre = "…" + (cut[sp + 1:] if 0 <= sp < 30 else cut)
    if len(post) > width:
        cut = post[:width]
        sp = cut.rfind(" ")
        post = (cut[:sp] if sp > width - 30 else cut) + "…"
    norm = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    return f"{escape(norm(pre))}<mark>{escape(mid)}</mark>{escape(norm(post))}"


def _chart_size(png: Path) -> tuple[int, int] | None:
    """The size a chart is shown at, in CSS pixels: its size on paper (the PNG's pixels at its dpi;
    the report writes 150) times :data:`CHART_SCALE`, so that its 8–10 pt labels read like the page's
    text; None when the file does not tell. The page never shows a chart wider than itself (narrow
    screens scroll it sideways)."""
    with contextlib.suppress(Exception):
        from PIL import Image

        with Image.open(png) as im:
            dpi = float((im.info.get("dpi") or (96, 96))[0]) or 96.0
            k = 96 / dpi * CHART_SCALE
            return round(im.width * k), round(im.height * k)
    return None


def _chart_uri(run: RunData, png_path: str) -> str | None:
    """The ``data:`` URI of a chart: the bytes of its PNG in the run folder, as written (a 256-colour
    PNG drawn once by :func:`framing.report.render.figure_png`; nothing is drawn or re-encoded here)."""
    png = run.path / png_path
    try:
        data = png.read_bytes()
    except OSError:
        return None
    return f"data:image/png;base64,{base64.b64encode(data).decode('ascii')}"


#: while a page is rendered before its charts are drawn: the figures asked for so far, their places
#: in the page marked (:func:`render_html`'s ``figures_ready``)
_DEFERRED: contextvars.ContextVar[list | None] = contextvars.ContextVar("framing_deferred_figures", default=None)
_FIGURE_MARK = "\x00framing-figure:{}\x00"
_FIGURE_MARKS = re.compile("\x00framing-figure:(\\d+)\x00")


def _figure(run: RunData, charts: Sequence[tuple[str, str]], prefix: str) -> str:
    deferred = _DEFERRED.get()
    if deferred is not None:
        deferred.append((run, list(charts), prefix))
        return _FIGURE_MARK.format(len(deferred) - 1)
    return _figure_html(run, charts, prefix)


def _figure_html(run: RunData, charts: Sequence[tuple[str, str]], prefix: str) -> str:
    parts = []
    for title, path in charts:
        if not title.startswith(prefix):
            continue
        uri = _chart_uri(run, path)
        if uri is None:
            continue
        size = _chart_size(run.path / path)
        dims = f' width="{size[0]}" height="{size[1]}" style="--w:{size[0]}px"' if size else ""
        parts.append(f'<figure><div class="fig"><img src="{uri}" alt="{escape(title)}"{dims} decoding="async"></div>'
                     f"<figcaption>{escape(title)} — <code>{escape(path)}</code> in the run folder.</figcaption>"
                     "</figure>")
    return "\n".join(parts)


# --- sections -----------------------------------------------------------------------------------


def _summary(p: _Page) -> str:
    run = p.run
    m = run.manifest
    corpus = m.get("corpus") or {}
    dr = corpus.get("date_range") or [None, None]
    n_out = len(corpus.get("outlets") or p.outlets)
    versions = m.get("versions") or {}
    rows = [
        ("Corpus", _t(corpus.get("path"))),
        ("Fingerprint", f'<code dir="ltr">{escape(_s(corpus.get("fingerprint"))[:16])}</code> (SHA-256 of the input)'),
        ("Documents", f'<bdi dir="ltr">{escape(corpus.get("documents_analysed", len(run.documents)))}</bdi> analysed, '
                      f'<bdi dir="ltr">{escape(corpus.get("documents_skipped", 0))}</bdi> skipped, '
                      f'<bdi dir="ltr">{escape(corpus.get("documents_altered", 0))}</bdi> altered '
                      "(see Input problems)"),
        ("Outlets", f'<bdi dir="ltr">{n_out}</bdi>'),
        ("Dates", f'<bdi dir="ltr">{escape(dr[0] or "unknown")} … {escape(dr[1] or "unknown")}</bdi>'),
        ("framing", f'<bdi dir="ltr">{escape(versions.get("framing", "?"))}</bdi> · seed '
                    f'<bdi dir="ltr">{escape(m.get("seed", "?"))}</bdi> · run took '
                    f'<bdi dir="ltr">{escape(m.get("elapsed_seconds", "?"))}</bdi> s'),
    ]
    out = ['<section id="summary"><h2>Corpus and run</h2><dl class="kv">']
    out += [f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows]
    out.append("</dl>")
    lex = m.get("lexicons") or []
    if lex:
        out.append("<h3>Lexicons</h3>")
        out.append(_table(["name", "kind", "version", "entries", "sha256"], [
            [_td_text(lx.get("name")), _td_text(lx.get("kind")), _td_text(lx.get("version")),
             _td_num(lx.get("entries")), f'<td dir="ltr"><code>{escape(_s(lx.get("sha256"))[:12])}</code></td>']
            for lx in lex], numeric=(3,)))
    opts = m.get("options") or {}
    if opts:
        items = [(k, v) for k, v in sorted(opts.items()) if v is not None and v != [] and v != ""]
        out.append("<details><summary>Options of this run</summary><dl class=\"kv\">")
        out += [f'<dt>{escape(k)}</dt><dd><code dir="ltr">{escape(json.dumps(v, ensure_ascii=False))}</code></dd>'
                for k, v in items]
        out.append("</dl></details>")
    stages = m.get("stages") or {}
    if stages:
        out.append("<details><summary>Stage details and package versions</summary><dl class=\"kv\">")
        for name, info in sorted(stages.items()):
            text = json.dumps(info, ensure_ascii=False, default=str)
            if len(text) > 1200:
                text = text[:1200] + "…"
            out.append(f'<dt>{escape(name)}</dt><dd><code dir="auto">{escape(text)}</code></dd>')
        ver = ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))
        out.append(f'<dt>versions</dt><dd dir="ltr">{escape(ver)}</dd></dl></details>')
    out.append("</section>")
    return "\n".join(out)


def _outlets_overview(p: _Page) -> str:
    run = p.run
    docs = run.documents
    rows = []
    by = {o: g for o, g in docs.groupby(docs["outlet"].astype(str), sort=True)} if "outlet" in docs else {}
    for _, r in run.outlets.iterrows():
        o = _s(r.get("outlet"))
        g = by.get(o, docs.iloc[0:0])
        dates = g["date"].dropna().astype(str) if "date" in g else pd.Series(dtype=str)
        dates = dates[dates != ""]
        n_events = g["event_id"].dropna().astype(str).nunique() if "event_id" in g else 0
        rows.append([
            p.td_outlet(o), _td_num(r.get("documents")), _td_num(r.get("tokens")),
            _td_date(dates.min() if len(dates) else ""), _td_date(dates.max() if len(dates) else ""),
            _td_num(g["hits"].sum() if "hits" in g else None),
            _td_num(g["hits_reported"].sum() if "hits_reported" in g else None),
            _td_num(g["attributions"].sum() if "attributions" in g else None),
            _td_num(n_events),
        ])
    return ('<section id="outlets"><h2>Outlets</h2>'
            '<p class="note">Colours are the outlets\' colours in every chart. Hits are lexicon matches in the '
            "outlet's own (authorial) voice; reported hits are inside quotations or reported speech.</p>"
            + _table(["outlet", "documents", "tokens", "first date", "last date", "hits", "reported hits",
                      "attributions", "events"], rows, numeric=(1, 2, 5, 6, 7, 8))
            + "</section>")


def _stance_section(p: _Page, charts, ev_auth, ev_rep) -> str:
    run = p.run
    prof = p.tables.profile
    actors = [c for c in prof.columns if c not in ("outlet", "docs", "language", "tokens")]
    lang = "language" in prof.columns  # outlets of several languages: a column says which
    out = ['<section id="stance"><h2>Actor stance by outlet</h2>',
           '<p class="note">Mean stance of the labels an outlet uses for an actor, from −1 (delegitimizing, e.g. '
           '<bdi lang="ar" dir="rtl" class="nw">«الاحتلال الروسي»</bdi>) to +1 (legitimizing), in the outlet\'s own '
           "(authorial) voice; brackets: 95% bootstrap interval over the outlet's documents (only with several "
           "documents); n: mentions. Click a cell for the sentences behind it.</p>"]
    if not actors:
        out.append('<p class="none">No actor label was found.</p></section>')
        return "\n".join(out)

    def table(voice: str, evidence) -> str:
        suffix = "" if voice == "authorial" else "_reported"
        rows = []
        for _, r in run.outlets.iterrows():
            o = _s(r.get("outlet"))
            cells = [p.td_outlet(o), _td_num(r.get("documents"))]
            if lang:
                cells.append(f"<td>{html.escape(_s(r.get('language')))}</td>")
            for a in actors:
                s = _float(r.get(f"stance{suffix}:{a}"))
                n = _int(r.get(f"mentions{suffix}:{a}")) or 0
                if s is None:
                    cells.append('<td class="num stance" dir="ltr" data-v="">–</td>')
                    continue
                lo, hi = _float(r.get(f"stance_lo{suffix}:{a}")), _float(r.get(f"stance_hi{suffix}:{a}"))
                ci = (f' <span class="ci">[{_signed(lo)}, {_signed(hi)}]</span>' if lo is not None and hi is not None
                      else "")
                inner = f'<span class="v">{_signed(s)}</span>{ci} <span class="n">n={n:,}</span>'
                if (o, a) in evidence:
                    inner = f'<a href="#{anchor("ev" if voice == "authorial" else "evr", o, a)}" ' \
                            f'title="sentences behind this figure">{inner}</a>'
                cells.append(f'<td class="num stance" dir="ltr" data-v="{s!r}" '
                             f'style="{_stance_style(s)}">{inner}</td>')
            rows.append(cells)
        if lang:
            return _table(["outlet", "docs", "language", *(p.actor_col(a) for a in actors)], rows,
                          numeric=(1, *range(3, len(actors) + 3)))
        return _table(["outlet", "docs", *(p.actor_col(a) for a in actors)], rows,
                      numeric=tuple(range(1, len(actors) + 2)))

    out.append(table("authorial", ev_auth))
    out.append(_figure(run, charts, "Actor stance"))  # the heatmap and the stance intervals
    reported = p.tables.profile_reported
    if len(reported.columns) > 3:
        out.append('<h3 id="stance-reported">Inside quotations and reported speech</h3>'
                   "<p class=\"note\">These words are the quoted speakers', not the outlet's.</p>")
        out.append(table("reported", ev_rep))
    out.append("</section>")
    return "\n".join(out)


def _labels_section(p: _Page, ev_auth) -> str:
    run = p.run
    counts = p.tables.labels
    if counts.empty:
        return ""
    present = set(counts["actor"])
    actors = [a for a in run.actors if a in present] or sorted(present)
    cells: dict[tuple[str, str], str] = {}
    for (o, a), g in counts.groupby(["outlet", "actor"], sort=True):
        g = g.sort_values(["n", "term"], ascending=[False, True], kind="stable")
        parts = []
        shown = g.head(LABELS_PER_CELL)
        for _, r in shown.iterrows():
            na, nr = int(r["authorial"]), int(r["reported"])
            term = "«" + _s(r["term"]) + "»"
            button = p.explore("label", (o, a, _s(r["term"])), f"{p.outlet(o)} · {p.actor_header(str(a))} · "
                               f"{_t(term)}", _esc_bidi(term), attrs=_dir_attrs(term))
            if na and nr:
                count = f'<bdi dir="ltr">×{na}</bdi> <bdi dir="ltr" class="n">+{nr} reported</bdi>'
            elif na:
                count = f'<bdi dir="ltr">×{na}</bdi>'
            else:  # only inside quotations or reported speech
                count = f'<bdi dir="ltr" class="n">reported ×{nr}</bdi>'
            parts.append(f'<div{_dir_attrs(term)}>{button} {count}</div>')
        if len(g) > len(shown):
            parts.append(f'<div class="n">… {len(g) - len(shown)} more in hits.csv</div>')
        html_cell = "".join(parts)
        if (str(o), str(a)) in ev_auth:
            html_cell += f'<div><a class="n" href="#{anchor("ev", o, a)}">evidence</a></div>'
        cells[(str(o), str(a))] = html_cell
    # one row per actor, one column per outlet (like the events' side-by-side tables): the outlets'
    # words for the same actor sit next to each other, and a page of many actors stays narrow
    rows = []
    for a in actors:
        p.filter_actors.setdefault(a, None)
        row = [_td(p.actor_header(a), attrs=f' class="actor" data-actor="{escape(a)}"')]
        for o in p.outlets:
            row.append(_td(cells.get((o, a), ""), attrs=' class="labels-cell"'))
        rows.append(row)
    return ('<section id="labels"><h2>Which labels each outlet uses</h2>'
            '<p class="note">Lexicon terms per actor with their count in the outlet\'s own voice (the '
            f"{LABELS_PER_CELL} most used, counting both voices), and how many more times they occur inside "
            "quotations and reported speech (“reported ×1”: a label the outlet only quotes). Click a label "
            "for its sentences.</p>"
            + _table(["actor", *(p.outlet_col(o) for o in p.outlets)], rows, sortable=False, cls="labels")
            + "</section>")


#: labels listed per outlet row of a label-share table; periods shown per over-time table
SHARES_PER_ROW = 6
MAX_PERIODS = 60


def _label_shares_section(p: _Page, charts) -> str:
    """``labels.csv``: per actor, each outlet's mentions split by label (share, mean stance), labels
    opening their sentences; the label-share charts."""
    ls = p.tables.label_shares
    if ls is None or ls.empty:
        return ""
    ls = ls[ls["voice"].astype(str) == "authorial"]
    actors = [a for a in p.run.actors if a in set(ls["actor"])] or sorted(set(ls["actor"]))
    out = ['<section id="label-shares"><h2>Label shares</h2>',
           '<p class="note">Of an outlet\'s mentions of an actor in its own voice, the share of each label '
           f"(the {SHARES_PER_ROW} largest; all in <code>labels.csv</code>, which also has the reported voice), "
           "coloured by the label's stance (red −, blue +); mean stance in brackets. Click a label for its "
           "sentences.</p>", _figure(p.run, charts, "Label shares")]
    for a in actors:
        g = ls[ls["actor"] == a]
        p.filter_actors.setdefault(a, None)
        rows = []
        for o in [o for o in p.outlets if o in set(g["outlet"])]:
            go = g[g["outlet"] == o]
            items = []
            for _, r in go.head(SHARES_PER_ROW).iterrows():
                term = "«" + _s(r["term"]) + "»"
                share = _float(r["share"]) or 0.0
                st = _float(r.get("mean_stance"))
                button = p.explore("label", (o, a, _s(r["term"])), f"{p.outlet(o)} · {p.actor_header(a)} · "
                                   f"{_t(term)}", _esc_bidi(term), attrs=_dir_attrs(term))
                stance = f' <bdi dir="ltr" class="n">({_signed(st, 1)})</bdi>' if st is not None else ""
                colour = _stance_style(st) if st is not None and abs(st) >= 0.05 else ""  # else the grey bar
                items.append(f'<div class="share"{_dir_attrs(term)}><span class="bar" style="width:'
                             f'{max(2.0, 100 * share):.0f}%;{colour}"></span>{button} '
                             f'<bdi dir="ltr">{share:.0%}</bdi>{stance}</div>')
            if len(go) > SHARES_PER_ROW:
                items.append(f'<div class="n">… {len(go) - SHARES_PER_ROW} more in labels.csv</div>')
            rows.append([p.td_outlet(o), _td_num(go["count"].sum()), _td("".join(items), attrs=' class="shares"')])
        out.append(f'<div class="actor-block" data-actor="{escape(a)}"><h3>{p.actor_header(a)}</h3>'
                   + _table(["outlet", "mentions", "labels"], rows, numeric=(1,), cls="shares") + "</div>")
    out.append("</section>")
    return "\n".join(out)


def _timeline_section(p: _Page, charts) -> str:
    """``timeline.csv``: per actor, outlet rows × period columns of mean stance (mentions); the charts."""
    tl = p.tables.timeline
    if tl is None:
        return ""
    attrs = getattr(tl, "attrs", {}) or {}
    if tl.empty:
        undated = _int(attrs.get("undated_documents")) or 0
        if not undated or undated < len(p.run.documents):
            return ""
        return ('<section id="timeline"><h2>Over time</h2><p class="none">No document has a date, so there is no '
                "timeline: give the corpus's date column with <code>--date-field</code>.</p></section>")
    gran = _s(attrs.get("granularity")) or _s(tl["granularity"].iloc[0])
    undated = _int(attrs.get("undated_documents")) or 0
    periods = sorted(set(tl["period"].astype(str)))
    shown = periods[-MAX_PERIODS:]
    more = f" (the last {len(shown)} of {len(periods)}; all in <code>timeline.csv</code>)" if len(shown) < len(
        periods) else ""
    out = ['<section id="timeline"><h2>Over time</h2>',
           f'<p class="note">Mean stance per {escape(gran)} in each outlet\'s own voice (mentions in brackets; '
           "95% interval over the period's mentions in <code>timeline.csv</code>, with the loaded-term density)"
           f"{more}. "
           + (f"{_plural(undated, 'document')} without a date left out. " if undated else "")
           + "The charts mark the largest events.</p>"]
    out += [f'<div data-actor="{escape(t[:-len(" over time")])}">{_figure(p.run, [(t, c)], "")}</div>'
            for t, c in charts if t.endswith(" over time")]
    tl = tl.assign(period=tl["period"].astype(str), outlet=tl["outlet"].astype(str), actor=tl["actor"].astype(str))
    tl = tl[tl["period"].isin(set(shown))]
    for a in [a for a in p.run.actors if a in set(tl["actor"])] or sorted(set(tl["actor"])):
        g = tl[tl["actor"] == a]
        if not (pd.to_numeric(g["mentions"], errors="coerce").fillna(0) > 0).any():
            continue
        p.filter_actors.setdefault(a, None)
        cells = {(r.outlet, r.period): r for r in g.itertuples(index=False)}
        rows = []
        for o in [o for o in p.outlets if o in set(g["outlet"])]:
            row = [p.td_outlet(o)]
            for per in shown:
                r = cells.get((o, per))
                st = _float(getattr(r, "stance", None)) if r is not None else None
                n = _int(getattr(r, "mentions", None)) if r is not None else None
                if st is None:
                    row.append(f'<td class="num" dir="ltr" data-v="">{"·" if n == 0 else ""}</td>')
                else:
                    row.append(f'<td class="num" dir="ltr" data-v="{st!r}" style="{_stance_style(st)}">'
                               f'{_signed(st)} <span class="n">({n:,})</span></td>')
            rows.append(row)
        heads = ["outlet", *(f'<bdi dir="ltr">{escape(per)}</bdi>' for per in shown)]
        out.append(f'<details class="actor-block" data-actor="{escape(a)}"><summary>{p.actor_header(a)}</summary>'
                   + _table(heads, rows, numeric=tuple(range(1, len(shown) + 1)), cls="timeline") + "</details>")
    out.append("</section>")
    return "\n".join(out)


def _keyness_section(p: _Page, charts) -> str:
    """``keyness.csv`` (``--reference``): each outlet's over- and under-used terms against the reference."""
    k = p.tables.keyness
    if k is None or k.empty:
        return ""
    k = k.assign(target=k["target"].astype(str))
    kev = p.tables.keyness_evidence
    has_ev = (set(zip(kev["target"].astype(str), kev["side"].astype(str), kev["term"].astype(str), strict=True))
              if kev is not None and len(kev) else set())
    ref = _s(k["reference"].iloc[0])
    cards = []
    for target in dict.fromkeys(k["target"]):
        g = k[k["target"] == target]
        rows = []
        for _, r in g.iterrows():
            term, form = _s(r["term"]), _s(r.get("form")) or _s(r["term"])
            cell = _t(form, title=f"normalized: {term}" if form != term else None)
            side_key = _s(r["side"])
            if (target, side_key, term) in has_ev:  # over-used: the target's sentences; under-used: the reference's
                whose = target if side_key == "target" else ref
                cell = p.explore("keyness", (target, side_key, term),
                                 f"{_t(form)} · {'more' if side_key == 'target' else 'less'} in {p.outlet(target)} "
                                 f"than in {p.outlet(ref)} · sentences of {p.outlet(whose)}", cell)
            side = "more" if side_key == "target" else "less"
            rows.append([_td_text(side), _td_num(r.get("rank"), "d"), _td(cell), _td_num(r.get("count_target")),
                         _td_num(r.get("count_reference")), _td_num(r.get("z"), "+.1f")])
        cards.append(f'<div class="card" data-outlet="{escape(target)}"><h4>{p.outlet(target)} '
                     f'<span class="n">against</span> {p.outlet(ref)}</h4>'
                     + _table(["uses", "#", "term", "count", "reference", "z"], rows, numeric=(1, 3, 4, 5))
                     + "</div>")
    return ('<section id="keyness"><h2>Keyness against a reference outlet</h2>'
            f'<p class="note">Terms each outlet uses more (z &gt; 0) and less (z &lt; 0) than {p.outlet(ref)}: '
            "log-odds with an informative Dirichlet prior, both directions (like quanteda's "
            "<code>textstat_keyness(target=…)</code>); all in <code>keyness.csv</code>. A term opens its sentences: "
            "an over-used term in the outlet's own sentences, an under-used one in the reference's (from the "
            "distinguishing terms' context and the sentences holding lexicon matches; all in "
            "<code>keyness_evidence.csv</code>).</p>"
            + "".join(f'<div data-outlet="{escape(t[len("Keyness: "):t.rindex(" against ")])}">'
                      f"{_figure(p.run, [(t, c)], '')}</div>"
                      for t, c in charts if t.startswith("Keyness: ") and " against " in t)
            + '<div class="grid">' + "\n".join(cards) + "</div></section>")


def _categories_section(p: _Page, charts) -> str:
    run = p.run
    kinds = category_kinds(run)  # one table per kind: loaded wording, topic markers, actor labels
    cats = [c for c in run.categories if f"density:{c}" in run.outlets]
    if not cats:
        return ""
    titles = {"loaded": "Loaded wording", "topic": "Topic markers (not loaded wording)",
              "label": "Actor labels (not loaded wording)"}
    tables = []
    for kind in ("loaded", "topic", "label"):
        group = [c for c in cats if kinds[c] == kind]
        if not group:
            continue
        rows = []
        for _, r in run.outlets.iterrows():
            row = [p.td_outlet(_s(r.get("outlet")))]
            for c in group:
                v, lo, hi = (_float(r.get(f"density{x}:{c}")) for x in ("", "_lo", "_hi"))
                ci = f' <span class="ci">[{lo:.2f}, {hi:.2f}]</span>' if lo is not None and hi is not None else ""
                rep = _float(r.get(f"density_reported:{c}"))
                rep_s = f' <span class="n">rep. {rep:.2f}</span>' if rep else ""
                row.append(_td_num(v, ".2f", extra=ci + rep_s))
            rows.append(row)
        tables.append(f"<h3>{escape(titles[kind])}</h3>"
                      + _table(["outlet", *(_wrap_underscores(p.category_header(c)) for c in group)], rows,
                               cls="cats", numeric=tuple(range(1, len(group) + 1))))
    return ('<section id="categories"><h2>Loaded-term categories and topic markers</h2>'
            '<p class="note">Hits per 1,000 tokens in the outlet\'s own voice, with 95% bootstrap intervals; '
            "“rep.”: the same inside quotations and reported speech. Topic markers mark a subject and actor "
            "labels name an actor: neither counts as loaded wording.</p>"
            + "".join(tables) + _figure(run, charts, "Category") + "</section>")


def _wrap_underscores(element: str) -> str:
    """Let a header such as ``terrorism_framing`` break after its underscores (text only, not attributes)."""
    head, sep, rest = element.partition(">")
    return head + sep + rest.replace("_", "_<wbr>") if sep else element


def _sources_section(p: _Page, charts) -> str:
    run = p.run
    if "n_attributions" not in run.outlets:
        return ""
    share_cols = [c for c in run.outlets.columns if c.startswith("share_")]
    cue_cols = [c for c in run.outlets.columns if c.startswith("cue_")]
    rows = []
    for _, r in run.outlets.iterrows():
        o = _s(r.get("outlet"))
        row = [p.td_outlet(o), _td_num(r.get("n_attributions")),
               _td_num(r.get("quoted_share"), ".0%")]
        row += [_td_num(r.get(c), ".0%") for c in cue_cols]
        row.append(_td_list(r.get("top_speakers"), block=False))
        rows.append(row)
    out = ['<section id="sources"><h2>Whom each outlet cites</h2>',
           '<p class="note">Attributions: quotations, reported speech and sourcing phrases. “quoted”: share of '
           "the outlet's text inside quotations; cue columns: share of attributions by the stance of the "
           "reporting verb (e.g. neutral <bdi lang=\"ar\" dir=\"rtl\">«قال»</bdi>, distancing "
           '<bdi lang="ar" dir="rtl">«زعم»</bdi>).</p>',
           _table(["outlet", "attributions", "quoted", *(escape(c[len("cue_"):]) for c in cue_cols),
                   "top speakers"], rows, numeric=tuple(range(1, len(cue_cols) + 3)))]
    if share_cols:
        srows = []
        for _, r in run.outlets.iterrows():
            o = _s(r.get("outlet"))
            srows.append([p.td_outlet(o)]
                         + [_td_num(r.get(c), ".0%", style=_share_style(r.get(c))) for c in share_cols])
        out.append("<h3>Share of attributions by source type</h3>")
        out.append(_table(["outlet", *(escape(c[len("share_"):]) for c in share_cols)], srows,
                          numeric=tuple(range(1, len(share_cols) + 1))))
    out.append(_figure(run, charts, "Source"))
    out.append("</section>")
    return "\n".join(out)


def _topics_section(p: _Page, charts) -> str:
    run = p.run
    if "topics.csv" not in run.tables and "outlet_topics.csv" not in run.tables:
        return ""
    info = (run.manifest.get("stages") or {}).get("topics") or {}
    out = ['<section id="topics"><h2>Topics</h2>',
           f'<p class="note">Topic model on {escape(info.get("units", "?"))} paragraphs of '
           f'{escape(info.get("documents", "?"))} documents; clustering {escape(info.get("clustering", "?"))}'
           f'{" — " + escape(info.get("clustering_reason")) if info.get("clustering_reason") else ""}; embedding '
           f'{escape(info.get("embedding", "?"))}.</p>']
    if p.tables.outlet_topics is not None:
        ot = p.tables.outlet_topics
        labels = ot.groupby("topic")["label"].first()
        wide = ot.pivot_table(index="topic", columns="outlet", values="share", aggfunc="sum", fill_value=0.0)
        outs = [o for o in p.outlets if o in wide.columns] + [o for o in wide.columns if o not in p.outlets]
        order = sorted(wide.index, key=lambda t: (str(t) == "-1", -float(wide.loc[t].mean()), str(t)))
        shown = order[:MAX_TOPICS]
        rows = []
        for t in shown:
            name = "outlier" if str(t) == "-1" else _s(labels.get(t))
            row = [_td_num(t, "d") if str(t) != "-1" else _td('<span class="n">−1</span>', sort=-1,
                                                               attrs=' class="num" dir="ltr"'),
                   f'<td{_dir_attrs(name)} class="label">{_esc_bidi(name)}</td>']
            row += [_td_num(wide.loc[t, o], ".0%", style=_share_style(wide.loc[t, o])) for o in outs]
            rows.append(row)
        note = f" (the {len(shown)} largest of {len(order)})" if len(order) > len(shown) else ""
        out.append(f"<h3>Share of each outlet's text per topic{escape(note)}</h3>")
        out.append(_table(["topic", "label", *(p.outlet_col(o) for o in outs)], rows,
                          numeric=tuple([0, *range(2, len(outs) + 2)])))
    out.append(_figure(run, charts, "Topic"))
    if "topics.csv" in run.tables:
        tdf = run.tables["topics.csv"]
        show = [c for c in ("topic", "label", "size", "top_words") if c in tdf.columns]
        rows = []
        for _, r in tdf.head(40).iterrows():
            rows.append([(_td_num(r[c], "d") if c in ("topic", "size") else _td_text(r[c])) for c in show])
        more = f" (first 40 of {len(tdf)}; all in topics.csv)" if len(tdf) > 40 else ""
        out.append(f"<details><summary>All topics{escape(more)}</summary>"
                   + _table(show, rows, numeric=tuple(i for i, c in enumerate(show) if c in ("topic", "size")))
                   + "</details>")
    out.append("</section>")
    return "\n".join(out)


def _terms_section(p: _Page, charts, term_ev: pd.DataFrame) -> str:
    run = p.run
    if run.terms.empty or "outlet" not in run.terms:
        return ""
    terms = run.terms.copy()
    terms["outlet"] = terms["outlet"].astype(str)
    has_ev = set(zip(term_ev["outlet"], term_ev["term"], strict=True)) if not term_ev.empty else set()
    stat = _s(terms["statistic"].iloc[0]) if "statistic" in terms and len(terms) else "log_odds_dirichlet"
    cards = []
    for o, g in terms.groupby("outlet", sort=True):
        g = g.sort_values("rank", kind="stable").head(TERMS_PER_OUTLET)
        rows = []
        for _, r in g.iterrows():
            term = _s(r.get("term"))
            form = _s(r.get("form")) or term
            cell = _t(form, title=f"normalized: {term}" if form != term else None)
            if (o, term) in has_ev:
                cell = p.explore("term", (o, term), f"{p.outlet(o)} · {_t(form)}", cell)
            rows.append([_td_num(r.get("rank"), "d"), _td(cell), _td_num(r.get("count")),
                         _td_num(r.get("count_rest")), _td_num(r.get("per_1000"), ".2f"),
                         _td_num(r.get("z"), ".1f")])
        cards.append(f'<div class="card" id="{anchor("terms", o)}" data-outlet="{escape(o)}"><h4>{p.outlet(o)}</h4>'
                     + _table(["#", "term", "count", "others", "per 1k", "z"], rows, numeric=(0, 2, 3, 4, 5))
                     + "</div>")
    return ('<section id="terms"><h2>Distinguishing terms</h2>'
            f'<p class="note">Words each outlet uses more than all the others together: log-odds ratio with an '
            f"informative Dirichlet prior (Monroe, Colaresi &amp; Quinn 2008; <code>{escape(stat)}</code>), "
            "normalized forms, stop words removed; “others”: count in the other outlets; z ≥ 1.96. Click a term "
            f"for sentences containing it (up to {p.explorer_per_term} per term within the page's budget; more "
            "in <code>term_evidence.csv</code>).</p>"
            + _figure(run, charts, "Distinguishing") + '<div class="grid">' + "\n".join(cards) + "</div></section>")


def _wide_table(p: _Page, title: str, wide: pd.DataFrame, first: str, outlets: Sequence[str]) -> str:
    if wide is None or wide.empty:
        return ""
    rows = []
    for idx, r in wide.iterrows():
        row = [_td(_t(idx), attrs=f' data-actor="{escape(_s(idx))}"') if first == "actor" else
               _td_text(idx if first else "")]
        for o in outlets:
            row.append(_td_list(r.get(o, "")))
        rows.append(row)
    return (f"<h4>{escape(title)}</h4>"
            + _table([escape(first), *(p.outlet_col(o) for o in outlets)], rows, sortable=False, cls="sbs"))


def _events_section(p: _Page) -> str:
    run = p.run
    if "events.csv" not in run.tables:
        return ""
    events = run.tables["events.csv"]
    multi = p.tables.multi_events
    out = ['<section id="events"><h2>Events</h2>',
           f"<p>{_plural(len(events), 'event')}; {len(multi):,} covered independently by two or more outlets "
           "(copies of the same text — agency wires, republished articles — do not count; see "
           "<code>events.csv</code> and the <code>duplicate_of</code> column of <code>documents.csv</code>).</p>"]
    detailed = list(p.tables.side_by_side)
    for eid in detailed:
        p.event_anchors[eid] = anchor("event", eid)
    rows = []
    for _, r in multi.head(MAX_EVENT_ROWS).iterrows():
        eid = r["event_id"]
        link = f'<a href="#{p.event_anchors[eid]}">{_t(eid)}</a>' if eid in p.event_anchors else _t(eid)
        names = _list_items(r.get("independent_outlets", r.get("outlets")))
        outs = " ".join(f'<span class="item">{p.outlet(o)}</span>' for o in names)
        rows.append([_td(link), _td_text(r.get("label")), _td_date(r.get("date_start")),
                     _td_date(r.get("date_end")), _td_num(r.get("n_docs")), _td_num(r.get("n_independent")),
                     _td_num(r.get("n_outlets")),
                     _td(outs, sort="; ".join(names),
                         attrs=f' data-outlets="{escape(json.dumps(names, ensure_ascii=False))}"')])
    if rows:
        more = (f" (the {MAX_EVENT_ROWS} with most outlets of {len(multi):,}; all in events.csv)"
                if len(multi) > MAX_EVENT_ROWS else "")
        out.append(f"<h3>Events covered by several outlets{escape(more)}</h3>")
        out.append(_table(["event", "label", "from", "to", "documents", "independent", "outlets",
                           "independent outlets"], rows, numeric=(4, 5, 6), cls="events"))
    if detailed:
        if len(multi) > len(detailed):
            out.append(f'<p class="note">Side by side below: the {len(detailed)} events with most outlets.</p>')
        for eid in detailed:
            label = multi.loc[multi["event_id"] == eid, "label"].iloc[0] if "label" in multi else ""
            sbs = p.tables.side_by_side[eid]
            out.append(_side_by_side_html(p, eid, label, sbs))
    out.append("</section>")
    return "\n".join(out)


def _side_by_side_html(p: _Page, eid: str, label, sbs) -> str:
    outlets = list(sbs.outlets)
    out = [f'<section class="event" id="{p.event_anchors[eid]}"><h3>{_t(eid)}: {_t(label)}</h3>']
    docs = sbs.docs
    if len(docs):
        items = []
        for o, g in docs.groupby("outlet", sort=True):
            links = []
            for _, r in g.head(MAX_EVENT_DOCS).iterrows():
                copy = ' <span class="n">(copy)</span>' if r.get("independent") is False else ""
                links.append(f"{p.doc_link(r['doc_id'], o)} {_t(r.get('title'))}{copy}")
            more = f"; … {len(g) - MAX_EVENT_DOCS} more" if len(g) > MAX_EVENT_DOCS else ""
            items.append(f'<li data-outlet="{escape(_s(o))}">{p.outlet(o)} ({len(g)}): ' + "; ".join(links)
                         + escape(more) + "</li>")
        out.append('<ul class="docs">' + "\n".join(items) + "</ul>")
    out.append(_wide_table(p, "Actor labels (authorial; ×count, mean stance)", sbs.wide("labels"), "actor",
                           outlets))
    out.append(_wide_table(p, "Actor labels in quoted or reported speech", sbs.wide("reported"), "actor", outlets))
    out.append(_wide_table(p, "Loaded terms (†: also in reported speech)", sbs.wide("loaded_terms"), "category",
                           outlets))
    out.append(_wide_table(p, "Sources cited", sbs.wide("sources"), "", outlets))
    out.append(_wide_table(p, "Topic mix", sbs.wide("topics"), "", outlets))
    ev = sbs.evidence
    if ev is not None and len(ev):
        out.append("<h4>Evidence</h4><ol class=\"evidence\">")
        for _, r in ev.iterrows():
            sent = _s(r.get("sentence"))
            terms = _s(r.get("terms"))
            out.append(f'<li data-outlet="{escape(_s(r.get("outlet")))}"><p class="kwic"{_dir_attrs(sent)}>'
                       f'{escape(" ".join(sent.split()))}</p>'
                       f'<div class="meta">{p.outlet(r.get("outlet"))} · {p.doc_link(r.get("doc_id"), r.get("outlet"))}'
                       + (f" · terms: {_t(terms)}" if terms else "") + "</div></li>")
        out.append("</ol>")
    out.append("</section>")
    return "\n".join(out)


def _evidence_item(p: _Page, e: dict, *, width: int = CONTEXT_CHARS, link: bool = True) -> str:
    sent = _s(e.get("sentence"))
    kwic = _kwic(sent, e.get("sentence_start"), e.get("start"), e.get("end"), e.get("matched"), width=width)
    meta = []
    if e.get("voice", "authorial") is not None:
        voice = _s(e.get("voice")) or "authorial"
        meta.append(f'<span class="voice-{escape(voice)}">{escape(voice)} voice</span>')
    if _s(e.get("speaker")):
        meta.append(f"speaker {_t(e.get('speaker'))}"
                    + (f" ({escape(e.get('source_type'))})" if _s(e.get("source_type")) else ""))
    if _s(e.get("term")):
        meta.append(f"term {_t('«' + _s(e.get('term')) + '»')}")
    st = _float(e.get("stance"))
    if st is not None:
        meta.append(f'stance <bdi dir="ltr">{_signed(st, 1)}</bdi>')
    where = p.doc_link(e.get("doc_id"), e.get("outlet")) if link else _t(e.get("doc_id"))
    if _int(e.get("start")) is not None:
        where += f' <bdi dir="ltr" class="n">[{_int(e.get("start"))}:{_int(e.get("end"))}]</bdi>'
    meta.append(where)
    return f'<li><p class="kwic"{_dir_attrs(sent)}>{kwic}</p><div class="meta">{" · ".join(meta)}</div></li>'


def _evidence_section(p: _Page, ev_auth, ev_rep, term_ev: pd.DataFrame) -> str:
    run = p.run
    out = ['<section id="evidence"><h2>Evidence</h2>',
           f'<p class="note">The sentences behind each outlet × actor figure: at most {p.evidence_per_cell} '
           f"distinct sentences per cell ({p.reported_per_cell} for words in quotations and reported speech), the "
           "first by document id and position, keyword highlighted. Every "
           "match is in <code>hits.csv</code> with character offsets into the original text "
           "(<code>[start:end]</code> below).</p>"]
    mentions = {}
    for _, r in run.outlets.iterrows():
        for a in run.actors:
            mentions[(_s(r.get("outlet")), a, "")] = _int(r.get(f"mentions:{a}")) or 0
            mentions[(_s(r.get("outlet")), a, "_reported")] = _int(r.get(f"mentions_reported:{a}")) or 0
    # distinct sentences and matches per (outlet, actor, voice) in hits.csv
    sentences = {k: v[0] for k, v in p.tables.evidence_counts.items()}
    matches = {k: v[1] for k, v in p.tables.evidence_counts.items()}
    for voice, ev, kind, suffix in (("authorial", ev_auth, "ev", ""), ("reported", ev_rep, "evr", "_reported")):
        if not ev:
            continue
        out.append(f"<h3>{'Actor labels in the outlets’ own voice' if voice == 'authorial' else 'Actor labels inside quotations and reported speech'}</h3>")
        for (o, a), cell in sorted(ev.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
            n = max(mentions.get((str(o), str(a), suffix), 0), matches.get((str(o), str(a), voice), 0), len(cell))
            n_sent = max(sentences.get((str(o), str(a), voice), 0), len(cell))
            if n_sent > len(cell):  # capped: say how many sentences and mentions there are
                n_text = f"{len(cell)} of {n_sent:,} sentences shown, {_plural(n, 'mention')}"
            elif n > len(cell):  # all of them: several mentions share a sentence
                n_text = f"{_plural(n, 'mention')} in {_plural(len(cell), 'sentence')}, all shown"
            else:
                n_text = _plural(len(cell), "sentence")
            out.append(f'<section class="ev" id="{anchor(kind, o, a)}" data-outlet="{escape(o)}" '
                       f'data-actor="{escape(a)}"><h4>{p.outlet(o)} · {p.actor_header(str(a))}'
                       f' <span class="n">({escape(n_text)})</span></h4><ol class="evidence">')
            out += [_evidence_item(p, {**e, "outlet": o}) for e in cell]
            out.append("</ol></section>")
    if not term_ev.empty:
        terms = run.terms.copy()
        terms["outlet"] = terms["outlet"].astype(str)
        forms = {(o, _s(t)): _s(f) or _s(t) for o, t, f in zip(terms["outlet"], terms["term"],
                                                              terms.get("form", terms["term"]), strict=True)}
        wanted = set(forms)
        te = term_ev[[k in wanted for k in zip(term_ev["outlet"], term_ev["term"], strict=True)]]
        out.append("<h3 id=\"term-evidence\">Distinguishing terms in context</h3>"
                   f'<p class="note">Up to {p.term_evidence_per_term} sentences per term.</p>')
        for (o, term), g in te.groupby(["outlet", "term"], sort=True):
            out.append(f'<section class="ev" id="{anchor("tev", o, term)}" data-outlet="{escape(o)}"><h4>'
                       f'{p.outlet(o)} · '
                       f'{_t(forms.get((o, term), term))}</h4><ol class="evidence">')
            for _, r in g.head(p.term_evidence_per_term).iterrows():
                out.append(_evidence_item(p, {"outlet": o, "doc_id": r["doc_id"], "sentence": r["sentence"],
                                              "sentence_start": r.get("sentence_start"), "start": r.get("start"),
                                              "end": r.get("end"), "matched": r.get("matched"),
                                              "voice": None}, width=TERM_CONTEXT_CHARS))
            out.append("</ol></section>")
    out.append("</section>")
    return "\n".join(out)


def _rows_with_keys(frame: pd.DataFrame, cols: Sequence[str], keys: Sequence[tuple[str, ...]]) -> np.ndarray:
    """The positions, in order, of the rows of ``frame`` whose ``cols`` (as text) are one of ``keys``.

    Each column is coded against the keys' values of that column and the codes combined into
    one integer per row, so a month of hits costs a few integer arrays (a MultiIndex of every
    hit built a tuple per row: ~300 MB of the report's peak on the February month)."""
    n = len(frame)
    if not keys or not n:
        return np.zeros(0, dtype=np.int64)
    found = np.ones(n, dtype=bool)
    row_code, key_code, size = np.zeros(n, dtype=np.int64), np.zeros(len(keys), dtype=np.int64), 1
    for i, c in enumerate(cols):
        values = pd.Index(sorted({k[i] for k in keys}))
        size *= len(values)
        if size >= 2**62:  # too many combinations for one integer: compare the tuples
            index = pd.MultiIndex.from_arrays([frame[c].astype(str) for c in cols])
            return np.flatnonzero(index.isin(list(keys)))
        codes = values.get_indexer(frame[c].astype(str))
        found &= codes >= 0
        row_code = row_code * len(values) + np.maximum(codes, 0)
        key_code = key_code * len(values) + values.get_indexer([k[i] for k in keys])
    return np.flatnonzero(found & np.isin(row_code, key_code))


def _explorer_candidates(p: _Page) -> dict[str, tuple[list[dict], int]]:
    """Each explorer button's sentences (distinct, first by document and position, at most
    ``p.explorer_per_term``) and how many distinct sentences there are in all: the label's hits from
    ``hits.csv``, the term's rows of ``term_evidence.csv`` (reshaped, nothing computed)."""
    out: dict[str, tuple[list[dict], int]] = {}
    want = {"label": {}, "term": {}, "keyness": {}}
    for xid, (kind, key, _title) in p.explorables.items():
        want[kind][tuple(str(k) for k in key)] = xid
    sources = (("label", p.run.hits, ["outlet", "actor", "term"]),
               ("term", p.tables.term_evidence, ["outlet", "term"]),
               ("keyness", p.tables.keyness_evidence, ["target", "side", "term"]))
    for kind, frame, cols in sources:
        if not want[kind] or frame is None or frame.empty or not {*cols, "doc_id"} <= set(frame.columns):
            continue
        pos = _rows_with_keys(frame, cols, list(want[kind]))
        if not len(pos):
            continue
        order = [*cols, "doc_id", *(["start"] if kind == "label" and "start" in frame else [])]
        unique = [*cols, "doc_id", *(["field"] if "field" in frame else []),
                  "sentence_start" if "sentence_start" in frame else "sentence"]
        # rows chosen on the key columns only; the sentences of the chosen ones alone are taken
        f = frame[list(dict.fromkeys([*order, *unique]))].iloc[pos].assign(_pos=pos)
        f = f.assign(**{c: f[c].astype(str) for c in [*cols, "doc_id"]})
        f = f.sort_values(order, kind="stable").drop_duplicates(unique)
        # one pass: each row's group and rank in it; only the first explorer_per_term become dicts
        by = f.groupby(cols, sort=False)
        totals = by.size()
        chosen = f["_pos"].to_numpy()[by.cumcount().to_numpy() < p.explorer_per_term]
        # a label's rows come from the run's hits, whose sentences are read for the chosen rows only
        f = p.run.hit_rows(chosen) if kind == "label" else frame.iloc[chosen]
        f = f.assign(**{c: f[c].astype(str) for c in [*cols, "doc_id"]})
        for key in totals.index:
            key = key if isinstance(key, tuple) else (key,)
            out[want[kind][tuple(key)]] = ([], int(totals[key if len(key) > 1 else key[0]]))
        for row in f.to_dict("records"):
            out[want[kind][tuple(row[c] for c in cols)]][0].append(row)
    return out


def _explorer(p: _Page) -> tuple[str, dict]:
    """The explorer's ``<template>`` per button (sentences within the page's budget) and what they cost.

    Every label and term first gets :data:`EXPLORER_FIRST` sentences, then as many more as
    ``p.explorer_per_term`` allows, in page order, until ``p.explorer_budget`` bytes are used.
    """
    cands = _explorer_candidates(p)
    listed_all = len(p.doc_ids) <= LIST_ALL_DOCUMENTS
    shown: dict[str, list[str]] = {xid: [] for xid in p.explorables}
    used, full = 0, False
    for limit in (min(EXPLORER_FIRST, p.explorer_per_term), p.explorer_per_term):
        for xid in p.explorables:
            rows = cands.get(xid, ([], 0))[0]
            items = shown[xid]
            while not full and len(items) < min(limit, len(rows)):
                e = rows[len(items)]
                kind = p.explorables[xid][0]
                # a link to the document's row only where the page lists it anyway (no extra rows)
                link = listed_all or _s(e.get("doc_id")) in p.cited_docs
                item = _evidence_item(p, {**e, "voice": e.get("voice") if kind == "label" else None,
                                          "term": None}, link=link)
                n = len(item.encode("utf-8"))
                if used + n > p.explorer_budget:
                    full = True
                    break
                items.append(item)
                used += n
    out = []
    for xid, (kind, _key, title) in p.explorables.items():
        total = cands.get(xid, ([], 0))[1]
        items = shown[xid]
        src = {"label": "hits.csv", "term": "term_evidence.csv"}.get(kind, "keyness_evidence.csv")
        if not items:
            note = f"No sentence within this page's budget; see <code>{src}</code>."
        elif total > len(items):
            note = f"{len(items)} of {total:,} sentences; all in <code>{src}</code>."
        else:
            note = _plural(len(items), "sentence") + "."
        out.append(f'<template id="{xid}"><p class="xd-title">{title}</p><p class="note">{note}</p>'
                   f'<ol class="evidence">{"".join(items)}</ol></template>')
    stats = {"items": len(p.explorables), "sentences": sum(len(v) for v in shown.values()), "bytes": used,
             "full": full}
    return "\n".join(out), stats


def _explorer_controls(p: _Page, stats: dict) -> str:
    """The filter bar at the top of the page and the sentences dialog."""
    outlets = "".join(f'<option value="{escape(o)}"{_dir_attrs(o)}>{escape(o)}</option>' for o in p.outlets)
    names = {a: a + (" — " + p.actor_names[a] if p.actor_names.get(a) not in (None, "", a) else "")
             for a in p.filter_actors}
    actors = "".join(f'<option value="{escape(a)}"{_dir_attrs(n)}>{escape(n)}</option>' for a, n in names.items())
    bar = ('<div class="explorer" role="search" aria-label="filter the tables">'
           '<label>Outlet <select id="xf-outlet"><option value="">all outlets</option>'
           f"{outlets}</select></label>"
           '<label>Actor <select id="xf-actor"><option value="">all actors</option>'
           f"{actors}</select></label>"
           '<button type="button" id="xf-clear">Show all</button>'
           '<span id="xf-status" class="n" role="status"></span></div>')
    dialog = ('<dialog id="xd" aria-label="sentences"><div class="xd-head">'
              '<button type="button" id="xd-close">Close</button></div><div id="xd-body"></div></dialog>')
    return bar + dialog


def _documents_section(p: _Page) -> str:
    run = p.run
    docs = run.documents
    if "doc_id" in docs:
        docs = docs.assign(doc_id=docs["doc_id"].astype(str))
    all_listed = len(docs) <= LIST_ALL_DOCUMENTS
    if all_listed:
        shown = docs
    else:
        shown = docs[docs["doc_id"].isin(set(p.cited_docs))] if "doc_id" in docs else docs.iloc[0:0]
    present = set(shown["doc_id"].tolist()) if "doc_id" in shown else set()
    missing = [d for d in p.cited_docs if d not in present]
    if missing:  # cited but not in documents.csv: still give the link a target
        shown = pd.concat([shown, pd.DataFrame({"doc_id": missing,
                                                "outlet": [p.cited_docs[d] for d in missing]})],
                          ignore_index=True)
    sort_cols = [c for c in ("outlet", "date", "doc_id") if c in shown]
    if sort_cols:
        shown = shown.assign(**{c: shown[c].astype(str) for c in sort_cols}).sort_values(sort_cols, kind="stable")
    rows = []
    listed = set(shown["doc_id"].astype(str)) if "doc_id" in shown else set()
    # a column nobody fills (no events, no copies) is left out: the table fits 1280 px
    has = {c: c in shown and shown[c].map(lambda v: not _missing(v)).any() for c in ("event_id", "duplicate_of")}
    for _, r in shown.iterrows():
        did = _s(r.get("doc_id"))
        eid = _s(r.get("event_id"))
        ev = f'<a href="#{p.event_anchors[eid]}">{_t(eid)}</a>' if eid in p.event_anchors else _t(eid)
        dup = _s(r.get("duplicate_of"))
        dup_html = f'<a href="#{doc_anchor(dup)}">{_t(dup)}</a>' if dup in listed else _t(dup)
        title = _s(r.get("title"))
        url = _s(r.get("url"))
        url = url if re.match(r"^https?://", url, re.I) else ""
        if url:
            title_html = (f'<a href="{escape(url)}" rel="noopener noreferrer nofollow" target="_blank">'
                          f"{_t(title or url)}</a>")
        else:
            title_html = _t(title)
        cells = [_td_text(did), p.td_outlet(r.get("outlet")), _td_date(r.get("date")),
                 _td(title_html, attrs=_dir_attrs(title) + ' class="title"') if url else
                 f'<td{_dir_attrs(title)} class="title">{_esc_bidi(title)}</td>']
        cells += [_td(ev)] if has["event_id"] else []
        cells += [_td(dup_html)] if has["duplicate_of"] else []
        cells += [_td_num(r.get("tokens")), _td_num(r.get("hits")), _td_num(r.get("hits_reported")),
                  _td_num(r.get("attributions"))]
        rows.append(f'<tr id="{doc_anchor(did)}">' + "".join(cells) + "</tr>")
    note = ("Every analysed document." if all_listed else
            f"The {len(shown):,} documents cited on this page, of {len(docs):,} analysed; all are in "
            "<code>documents.csv</code>.")
    headers = ["doc_id", "outlet", "date", "title", *(["event"] if has["event_id"] else []),
               *(["copy of"] if has["duplicate_of"] else []), "tokens", "hits", "reported", "attributions"]
    ths = "".join(f'<th scope="col"{" class=num" if i >= len(headers) - 4 else ""}>{escape(h)}</th>'
                  for i, h in enumerate(headers))
    table = (f'<div class="scroll"><table class="sortable docs"><thead><tr>{ths}</tr></thead><tbody>\n'
             + "\n".join(rows) + "\n</tbody></table></div>") if rows else '<p class="none">(none)</p>'
    return f'<section id="documents"><h2>Documents</h2><p class="note">{note}</p>{table}</section>'


def _problems_section(p: _Page) -> str:
    run = p.run
    out = ['<section id="problems"><h2>Input problems</h2>']
    total = run.manifest.get("problems_total", len(run.problems))
    if run.problems.empty:
        out.append("<p>None.</p>")
    else:
        counts = p.tables.problem_counts
        out.append(_table(["action", "reason", "count"],
                          [[_td_text(r["action"]), _td_text(r["reason"]), _td_num(r["count"])]
                           for _, r in counts.iterrows()], numeric=(2,)))
        first = run.problems.head(50)
        cols = [c for c in ("source", "line", "doc_id", "action", "reason", "detail") if c in first]
        out.append(f"<details><summary>First {len(first)} of {escape(total)} problems (all in problems.csv)"
                   "</summary>"
                   + _table(cols, [[_td_text(r[c]) for c in cols] for _, r in first.iterrows()]) + "</details>")
    if "excluded_lines.csv" in run.tables:
        ex = run.tables["excluded_lines.csv"]
        out.append(f"<p>Lines repeated across an outlet's documents were excluded as boilerplate: "
                   f"{len(ex):,} distinct lines (see <code>excluded_lines.csv</code>).</p>")
    out.append("</section>")
    return "\n".join(out)


# --- entry point --------------------------------------------------------------------------------

_SIZE_MARK = "\x00PAGE-SIZE\x00"


def _human_size(n: int) -> str:
    return f"{n / 1e6:.1f}\u00a0MB" if n >= 1e6 else f"{max(1, round(n / 1e3))}\u00a0KB"


def render_html(tables: ReportTables | RunData, charts: Sequence[tuple[str, str]] = (), *,
                evidence_per_cell: int = EVIDENCE_PER_CELL, reported_per_cell: int = REPORTED_PER_CELL,
                term_evidence_per_term: int = TERM_EVIDENCE_PER_TERM,
                max_events: int = MAX_EVENTS, explorer_per_term: int = EXPLORER_PER_TERM,
                explorer_budget: int = EXPLORER_BUDGET, figures_ready: Callable[[], None] | None = None) -> str:
    """Render a finished run as one self-contained HTML page (the text of ``report.html``).

    ``charts``: ``(title, "charts/<name>.png")`` pairs as returned by the report layer;
    each chart is embedded from ``run.path`` (the bytes of its PNG).
    ``tables`` are the report's tables (:func:`framing.report.tables.build_tables`), computed
    once and shared with report.md; given a :class:`RunData`, they are built here with the
    caps given (``evidence_per_cell``, ``reported_per_cell``, ``max_events``). Nothing is
    computed at render time.

    The page's explorer filters every table by outlet and actor and opens the sentences of a label
    or distinguishing term in a dialog: up to ``explorer_per_term`` sentences each, at most
    ``explorer_budget`` bytes of them in all (the page states both).

    ``figures_ready``: the charts' PNGs are still being drawn (by another process); the page is
    written around them and this is called before they are read (it returns once they are there).
    The page is the same as with the charts drawn before.

    >>> from framing.report import load_run  # doctest: +SKIP
    >>> page = render_html(load_run("outputs/seeds"), [])  # doctest: +SKIP
    >>> page.startswith("<!DOCTYPE html>")  # doctest: +SKIP
    True
    """
    if isinstance(tables, RunData):
        tables = build_tables(tables, evidence_per_cell=evidence_per_cell, reported_per_cell=reported_per_cell,
                              max_events=max_events)
    run = tables.run
    evidence_per_cell, reported_per_cell = tables.evidence_per_cell, tables.reported_per_cell
    if explorer_per_term < 0 or explorer_budget < 0:
        raise ConfigError(f"explorer_per_term={explorer_per_term}, explorer_budget={explorer_budget}: both "
                          "must be ≥ 0", hint="pass 0 for no explorer sentences")
    p = _Page(tables, term_evidence_per_term=term_evidence_per_term, explorer_per_term=explorer_per_term,
              explorer_budget=explorer_budget)
    ev_auth = {(str(o), str(a)): cell for (o, a), cell in tables.evidence.items()}
    ev_rep = {(str(o), str(a)): cell for (o, a), cell in tables.evidence_reported.items()}
    term_ev = tables.term_evidence
    corpus = run.manifest.get("corpus") or {}
    name = Path(_s(corpus.get("path")) or run.path.name).name

    deferred: list | None = [] if figures_ready is not None else None
    token = _DEFERRED.set(deferred)
    try:
        body = [
            _summary(p), _outlets_overview(p), _stance_section(p, charts, ev_auth, ev_rep),
            _labels_section(p, ev_auth), _label_shares_section(p, charts), _timeline_section(p, charts),
            _categories_section(p, charts), _sources_section(p, charts), _topics_section(p, charts),
            _terms_section(p, charts, term_ev), _keyness_section(p, charts), _events_section(p),
            _evidence_section(p, ev_auth, ev_rep, term_ev),
        ]
        templates, xstats = _explorer(p)  # after the evidence: links only to documents the page lists
        body.append(_documents_section(p))  # last: lists the documents the sections above cite
        body.append(_problems_section(p))
    finally:
        _DEFERRED.reset(token)
    n_documents = len(run.documents)  # figures_ready may empty the run's tables (only the charts remain)
    if figures_ready is not None:
        figures_ready()
    if deferred:
        figures = [_figure_html(*args) for args in deferred]
        body = [_FIGURE_MARKS.sub(lambda m: figures[int(m.group(1))], b) if "\x00" in b else b for b in body]
    toc = [(sid, title) for sid, title in (
        ("summary", "Corpus and run"), ("outlets", "Outlets"), ("stance", "Actor stance"),
        ("labels", "Labels used"), ("label-shares", "Label shares"), ("timeline", "Over time"),
        ("categories", "Loaded-term categories"), ("sources", "Sources cited"),
        ("topics", "Topics"), ("terms", "Distinguishing terms"), ("keyness", "Keyness"), ("events", "Events"),
        ("evidence", "Evidence"),
        ("documents", "Documents"), ("problems", "Input problems")) if any(f'id="{sid}"' in b for b in body)]
    nav = '<nav class="toc" aria-label="contents"><ol>' + "".join(
        f'<li><a href="#{sid}">{escape(t)}</a></li>' for sid, t in toc) + "</ol></nav>"
    intro = (f'<p class="note">Self-contained page: styles, charts and data are inline and it fetches nothing. '
             f"Evidence is capped at {evidence_per_cell} sentences per outlet × actor cell ({reported_per_cell} "
             "for words in quotations and reported speech) and "
             f"{term_evidence_per_term} per distinguishing term; every figure and match is in the run's CSV files. "
             f"Page size: {_SIZE_MARK}. Tables sort when you click a column header. "
             "Explorer: the filters below hide the other outlets' (or actors') rows and columns in every table "
             "and the address keeps the view (copy it to share it); a click on a label or a distinguishing "
             f"term opens its sentences — up to {p.explorer_per_term} per label or term, "
             f"{escape(_human_size(p.explorer_budget))} in all (this page: {xstats['sentences']:,} sentences "
             f"for {xstats['items']:,} labels and terms, {escape(_human_size(xstats['bytes']))}"
             f"{'; the budget ran out, later ones have fewer' if xstats['full'] else ''}).</p>")
    head = (
        "<!DOCTYPE html>\n"
        '<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(_SCRIPT)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="framing {escape((run.manifest.get("versions") or {}).get("framing", ""))}">\n'
        f"<title>Framing comparison — {escape(name)}</title>\n<style>{_CSS}{p.css()}\n</style>\n</head>\n<body>\n"
        f'<header><h1>Framing comparison report</h1><p class="note">Corpus {_t(name)} · '
        f'{_plural(n_documents, "document")} · {_plural(len(p.outlets), "outlet")}</p></header>\n'
    )
    foot = (f'<footer class="note">Generated by <code>framing</code> from the CSV files of the run folder '
            f"(<code>framing report RUN_DIR</code> re-renders it). Page size: {_SIZE_MARK}.</footer>\n")
    page = (head + intro + nav + _explorer_controls(p, xstats) + "\n<main>\n" + "\n".join(b for b in body if b)
            + "\n</main>\n" + templates + "\n" + foot
            + f"<script>{_SCRIPT}</script>\n</body>\n</html>\n")
    size_text = "?"
    # the page's bytes without its size marks, counted once (not a copy of the page per try)
    marks = page.count(_SIZE_MARK)
    bare = len(page.encode("utf-8")) - marks * len(_SIZE_MARK.encode("utf-8"))
    for _ in range(4):  # the size is part of the page: converge on it
        n = bare + marks * len(size_text.encode("utf-8"))
        new_text = f"{_human_size(n)} ({n:,} bytes)"
        if new_text == size_text:
            break
        size_text = new_text
    return page.replace(_SIZE_MARK, size_text)
