"""report.html in a real browser: headless Chromium (Debian's ``chromium`` package).

The page is opened from disk and inspected through the DevTools protocol over
``--remote-debugging-pipe`` (JSON messages on file descriptors 3 and 4: no websocket
library, no network port). The tests assert from the rendered DOM that

- Arabic text is laid out right-to-left (computed ``direction``) and numbers left-to-right; a
  sign or ``×`` inside Arabic text is drawn before its digits, and a date or signed number is
  never broken across lines;
- every in-page link (evidence, documents, events) has a target;
- planted ``<script>``/``onerror=`` in the corpus did not run (they would set ``data-pwned``)
  and show as text; the page's own script did run (the CSP hash is right) and sorts tables;
- the page makes no request besides itself, its charts are no wider than the window, it has no
  horizontal overflow at 390 px, and at 1280 px the seeds' tables fit without sideways scrolling.

Nothing is installed at run time: without a Chromium binary the tests fail and say how
to get one. ``python tests/test_browser.py RUN_DIR OUT_DIR`` takes the screenshots in
``docs/screenshots/`` (1280 and 390 px wide).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data" / "html"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def find_browser() -> str | None:
    """``$FRAMING_CHROMIUM`` or the first Chromium on PATH."""
    env = os.environ.get("FRAMING_CHROMIUM")
    if env:
        return env if shutil.which(env) else None
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """A headless Chromium driven over ``--remote-debugging-pipe``."""

    def __init__(self, binary: str, *, timeout: float = 60.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="framing-chromium-")
        self._log = open(Path(self.profile) / "stderr.log", "wb")  # noqa: SIM115 (closed in close())
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()
        # chromium reads commands on fd 3 and writes on fd 4: a tiny trampoline puts the pipe ends there
        cmd_fd, out_fd = _dup_above(to_chrome_r, 5), _dup_above(from_chrome_w, 5)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                "--mute-audio", f"--user-data-dir={self.profile}", "about:blank"]
        self.proc = subprocess.Popen([sys.executable, "-c", _TRAMPOLINE, str(cmd_fd), str(out_fd), *args],
                                     pass_fds=(cmd_fd, out_fd), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self._log)
        os.close(cmd_fd)
        os.close(out_fd)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode("utf-8") + b"\0")
        reply = self._read_until(lambda m: m.get("id") == self._id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_event(self, name: str, session: str | None = None) -> dict:
        for i, ev in enumerate(self.events):
            if ev.get("method") == name and (session is None or ev.get("sessionId") == session):
                return self.events.pop(i)
        return self._read_until(lambda m: m.get("method") == name and (session is None or
                                                                        m.get("sessionId") == session), keep=False)

    def _read_until(self, want, keep: bool = True) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                msg = json.loads(raw)
                if want(msg):
                    return msg
                if "method" in msg:
                    self.events.append(msg)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self._r], [], [], left)
            if ready:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    err = (Path(self.profile) / "stderr.log").read_text("utf-8", "replace")[-2000:]
                    raise RuntimeError(f"Chromium exited: {err}")
                self._buf += chunk

    def open(self, url: str, *, width: int = 1280, height: int = 900) -> Tab:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tab = Tab(self, session)
        tab.call("Page.enable")
        tab.call("Network.enable")
        tab.call("Log.enable")
        tab.call("Runtime.enable")
        tab.resize(width, height)
        tab.call("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired", session)
        return tab

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.call("Browser.close")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        os.close(self._w)
        os.close(self._r)
        self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def _dup_above(fd: int, low: int) -> int:
    import fcntl

    return fcntl.fcntl(fd, fcntl.F_DUPFD, low)


_TRAMPOLINE = ("import os, sys; a, b = int(sys.argv[1]), int(sys.argv[2]); os.dup2(a, 3); os.dup2(b, 4); "
               "os.close(a); os.close(b); os.execv(sys.argv[3], sys.argv[3:])")


class Tab:
    def __init__(self, browser: Browser, session: str):
        self.browser = browser
        self.session = session

    def call(self, method: str, params: dict | None = None) -> dict:
        return self.browser.call(method, params, self.session)

    def close(self) -> None:
        """Close this tab (its target)."""
        target = self.call("Target.getTargetInfo")["targetInfo"]["targetId"]
        self.browser.call("Target.closeTarget", {"targetId": target})

    def resize(self, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                         "mobile": width < 600})

    def evaluate(self, expression: str):
        """Run ``expression`` (DevTools evaluation: not subject to the page's CSP) and return its value."""
        res = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in res:
            raise RuntimeError(f"JS error: {res['exceptionDetails']}")
        return res["result"].get("value")

    def events(self, prefix: str) -> list[dict]:
        return [e for e in self.browser.events if e.get("sessionId") == self.session
                and e.get("method", "").startswith(prefix)]

    def screenshot(self, path: Path, *, width: int, height: int, scroll_to: str | None = None) -> None:
        """A PNG of ``width`` × ``height`` CSS pixels from the top of the page (or of ``#scroll_to``)."""
        full = self.evaluate("document.documentElement.scrollHeight")
        self.resize(width, max(height, int(full)))  # everything in the viewport: images decoded and painted
        self.evaluate("Promise.all([...document.images].map(i => i.decode().catch(() => null))).then(() => 1)")
        y = 0
        if scroll_to:
            y = self.evaluate(f"document.getElementById({json.dumps(scroll_to)}).getBoundingClientRect().top"
                              " + window.scrollY")
        clip = {"x": 0, "y": y, "width": width, "height": height, "scale": 1}
        shot = self.call("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})
        path.write_bytes(base64.b64decode(shot["data"]))
        self.resize(width, height)


#: everything the DOM checks need, gathered in one evaluation
_PROBE = r"""
(() => {
  // letters of Arabic script vs Latin letters
  const count = (s) => ({ar: (s.match(/[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/g) || []).length,
                         la: (s.match(/[A-Za-z\u00C0-\u024F]/g) || []).length});
  const mostlyArabic = (s) => { const c = count(s); return c.ar > 0 && c.ar >= c.la; };
  const holders = new Set();
  const unmarked = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (node.parentElement.closest("script,style") || !mostlyArabic(node.nodeValue)) continue;
    // the element whose direction governs this Arabic run: the closest one with a dir attribute
    const holder = node.parentElement.closest("[dir]");
    if (!holder || holder === document.documentElement) unmarked.push(node.nodeValue.slice(0, 80));
    else holders.add(holder);
  }
  const wrong = [...holders].filter(h => mostlyArabic(h.textContent) && getComputedStyle(h).direction !== "rtl")
                            .map(h => h.outerHTML.slice(0, 200));
  const links = [...document.querySelectorAll('a[href^="#"]')].map(a => decodeURIComponent(a.getAttribute("href").slice(1)));
  const missing = links.filter(id => !document.getElementById(id));
  const nums = [...document.querySelectorAll("td.num")];
  const kwic = [...document.querySelectorAll(".kwic")];
  return {
    pwned: document.body.getAttribute("data-pwned") || document.documentElement.getAttribute("data-pwned"),
    scripts: document.scripts.length,
    sortable: document.documentElement.getAttribute("data-sortable"),
    arabicElements: holders.size,
    unmarked: unmarked.slice(0, 10),
    wrongDirection: wrong.slice(0, 10),
    nWrongDirection: wrong.length,
    links: links.length,
    missingTargets: missing.slice(0, 10),
    numbersLtr: nums.filter(td => getComputedStyle(td).direction === "ltr").length,
    numbers: nums.length,
    kwicRtl: kwic.filter(p => getComputedStyle(p).direction === "rtl").length,
    kwic: kwic.length,
    marks: document.querySelectorAll(".kwic mark").length,
    foreignImages: [...document.images].filter(i => !i.src.startsWith("data:")).length,
    images: document.images.length,
    imagesDecoded: [...document.images].filter(i => i.complete && i.naturalWidth > 0).length,
    bodyText: document.body.innerText,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    font: getComputedStyle(document.querySelector(".kwic") || document.body).fontFamily,
  };
})()
"""

#: signed numbers and ×counts inside Arabic text (outside the quoted sentences, which are shown as
#: written): is the sign drawn before (left of) its first digit, and is each isolate on one line?
_ISOLATES = r"""
(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const r = document.createRange();
  const box = (t, i) => { r.setStart(t, i); r.setEnd(t, i + 1); return r.getBoundingClientRect(); };
  let t;
  while ((t = walker.nextNode())) {
    const el = t.parentElement;
    if (el.closest("script,style,.kwic") || !el.closest('[dir="rtl"]') || !el.getClientRects().length) continue;
    const re = /(^|[^\w.])([\u2212+\-\u00d7])(\d)/g;
    let m;
    while ((m = re.exec(t.data))) {
      const i = m.index + m[1].length, a = box(t, i), b = box(t, i + 1);
      if (Math.abs(a.top - b.top) > 2) continue;  // a line break between them
      out.push({text: t.data.slice(Math.max(0, i - 12), i + 6), signFirst: a.left < b.left,
                lines: el.matches('bdi[dir="ltr"]') ? el.getClientRects().length : 1});
    }
  }
  return out;
})()
"""

#: tables wider than their box (they scroll sideways)
_OVERFLOW = r"""
[...document.querySelectorAll("div.scroll")].filter(d => d.scrollWidth > d.clientWidth + 1)
  .map(d => (d.closest("section[id]") || document.body).id + " " + d.scrollWidth + ">" + d.clientWidth)
"""

_SORT = r"""
(() => {
  const table = document.querySelector("#outlets table.sortable");
  const th = table.tHead.rows[0].cells[2];  // tokens
  const col = () => [...table.tBodies[0].rows].map(r => Number(r.cells[2].getAttribute("data-v")));
  th.click();
  const asc = col();
  th.click();
  const desc = col();
  return {asc, desc, aria: th.getAttribute("aria-sort")};
})()
"""


#: what the explorer shows: rows and columns left visible, the dialog's sentences
_EXPLORER_STATE = r"""
(async () => {
  await new Promise(r => setTimeout(r, 30));  // the dialog's close event is queued after Escape
  const shown = (el) => getComputedStyle(el).display !== "none";
  const rows = [...document.querySelectorAll("#outlets tbody tr")];
  const dialog = document.getElementById("xd");
  const items = [...dialog.querySelectorAll("#xd-body li")];
  const box = dialog.getBoundingClientRect();
  return {
    hash: decodeURIComponent(location.hash),
    filtered: document.documentElement.getAttribute("data-filtered"),
    outletRows: rows.filter(shown).map(r => r.querySelector("td.outlet").getAttribute("data-outlet")),
    outletRowsHidden: rows.filter(r => !shown(r)).length,
    labelColumns: [...document.querySelectorAll("#labels th[data-col-outlet]")].filter(shown)
                    .map(th => th.getAttribute("data-col-outlet")),
    labelCells: [...document.querySelectorAll("#labels tbody tr")].filter(shown).map(r => [...r.cells].filter(shown).length),
    stanceColumns: [...document.querySelectorAll("#stance th[data-col-actor]")].filter(shown)
                     .map(th => th.getAttribute("data-col-actor")),
    evidenceShown: [...document.querySelectorAll("section.ev[data-actor]")].filter(shown)
                     .map(s => [s.getAttribute("data-outlet"), s.getAttribute("data-actor")]),
    open: dialog.open,
    title: dialog.open ? dialog.querySelector(".xd-title").innerText : "",
    items: items.length,
    marks: items.map(li => [...li.querySelectorAll("mark")].map(m => m.textContent)),
    text: dialog.open ? dialog.innerText : "",
    focus: document.activeElement ? document.activeElement.id : "",
    dialogRight: box.right, dialogLeft: box.left, innerWidth: innerWidth,
    pwned: document.body.getAttribute("data-pwned") || document.documentElement.getAttribute("data-pwned"),
  };
})()
"""


def click(tab: Tab, selector: str) -> None:
    """A real mouse click (DevTools input events) in the middle of the first element matching ``selector``."""
    box = tab.evaluate(f"(() => {{ const el = document.querySelector({json.dumps(selector)}); "
                       "el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect(); "
                       "return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()")
    for kind in ("mousePressed", "mouseReleased"):
        tab.call("Input.dispatchMouseEvent", {"type": kind, "x": box["x"], "y": box["y"], "button": "left",
                                              "clickCount": 1})


def press(tab: Tab, key: str, code: str, keycode: int, text: str = "") -> None:
    """A key typed on the keyboard (DevTools input events) into the focused element."""
    for kind in ("keyDown", "keyUp"):
        params = {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": keycode}
        if text and kind == "keyDown":
            params["text"] = text
        tab.call("Input.dispatchKeyEvent", params)


def choose(tab: Tab, select_id: str, value: str) -> None:
    """Pick ``value`` in the ``<select>`` as a user would (the element's value, then its change event)."""
    tab.evaluate(f"(() => {{ const s = document.getElementById({json.dumps(select_id)}); "
                 f"s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()")


def check_explorer(browser: Browser, report: Path, *, outlet: str, actor: str, label: tuple[str, str, str],
                   term: tuple[str, str] | None = None) -> dict:
    """Filter by ``outlet`` and ``actor``, open a ``label`` (outlet, actor, term) with a mouse click and a
    distinguishing ``term`` (outlet, form) with the keyboard; assert what the explorer must show."""
    tab = browser.open(report.resolve().as_uri(), width=1280, height=900)
    assert tab.evaluate("document.documentElement.getAttribute('data-explorer')") == "ready"
    outlets = tab.evaluate("[...document.querySelectorAll('#outlets td.outlet')].map(td => td.getAttribute('data-outlet'))")
    assert outlet in outlets and len(outlets) >= 3
    # an outlet: the other outlets' rows and columns are hidden, the address keeps the view
    choose(tab, "xf-outlet", outlet)
    st = tab.evaluate(_EXPLORER_STATE)
    assert st["filtered"] == "yes"
    assert st["outletRows"] == [outlet] and st["outletRowsHidden"] == len(outlets) - 1
    assert st["labelColumns"] == [outlet] and set(st["labelCells"]) == {2}  # actor + the outlet
    assert {o for o, _ in st["evidenceShown"]} == {outlet}
    assert st["hash"] == f"#outlet={outlet}"
    # … and an actor: the other actors' columns and rows go too
    choose(tab, "xf-actor", actor)
    st = tab.evaluate(_EXPLORER_STATE)
    assert set(st["stanceColumns"]) == {actor}  # authorial and reported tables
    assert {tuple(e) for e in st["evidenceShown"]} == {(outlet, actor)}  # authorial, reported
    assert st["hash"] == f"#outlet={outlet}&actor={actor}"
    # a shared address opens the same view
    shared = browser.open(report.resolve().as_uri() + tab.evaluate("location.hash"), width=1280, height=900)
    again = shared.evaluate(_EXPLORER_STATE)
    assert (again["outletRows"], set(again["stanceColumns"])) == ([outlet], {actor})
    urls = [e["params"]["request"]["url"] for e in shared.events("Network.requestWillBeSent")]
    assert all(u.startswith(("file:", "data:")) for u in urls), urls
    shared.close()
    tab.call("Page.bringToFront")  # a page in the background runs its queued tasks late
    # an address naming an outlet this page does not have shows everything
    other = browser.open(report.resolve().as_uri() + "#outlet=" + "no-such-outlet", width=1280, height=900)
    assert len(other.evaluate(_EXPLORER_STATE)["outletRows"]) == len(outlets)
    other.close()
    tab.call("Page.bringToFront")
    # "Show all" brings everything back
    click(tab, "#xf-clear")
    st = tab.evaluate(_EXPLORER_STATE)
    assert st["filtered"] == "no" and len(st["outletRows"]) == len(outlets) and st["hash"] == ""
    # a click on a label: its sentences, the label in <mark> in every one
    lo, la, lt = label
    xid = tab.evaluate("[...document.querySelectorAll('#labels button.x')].find(b => "
                       f"b.textContent === {json.dumps('«' + lt + '»')} && b.closest('td').cellIndex === "
                       "[...document.querySelectorAll('#labels th')].findIndex(th => th.getAttribute("
                       f"'data-col-outlet') === {json.dumps(lo)}) && b.closest('tr').querySelector("
                       f"'td.actor').getAttribute('data-actor') === {json.dumps(la)}).getAttribute('data-x')")
    click(tab, f'button[data-x="{xid}"]')
    st = tab.evaluate(_EXPLORER_STATE)
    assert st["open"] and st["items"] >= 1
    assert all(marks and all(m for m in marks) for marks in st["marks"]), st["marks"]
    assert lt in st["title"] and lo in st["title"]
    assert st["focus"] == "xd-close"  # keyboard users land in the dialog
    assert f"x={xid}" in st["hash"]
    assert st["pwned"] is None
    press(tab, "Escape", "Escape", 27)
    st = tab.evaluate(_EXPLORER_STATE)
    assert not st["open"] and "x=" not in st["hash"]
    label_state = st
    if term is not None:  # a distinguishing term, opened with the keyboard (focus, Enter)
        to, form = term
        tid = tab.evaluate(f"[...document.querySelectorAll('#terms .card[data-outlet] button.x')].find(b => "
                           f"b.closest('.card').getAttribute('data-outlet') === {json.dumps(to)} && "
                           f"b.textContent === {json.dumps(form)}).getAttribute('data-x')")
        tab.evaluate(f"document.querySelector('button[data-x=\"{tid}\"]').focus()")
        press(tab, "Enter", "Enter", 13, "\r")
        st = tab.evaluate(_EXPLORER_STATE)
        assert st["open"] and st["items"] >= 1
        assert all(len(m) == 1 for m in st["marks"]), st["marks"]
        tab.evaluate("document.getElementById('xd').close()")
    # at 390 px the dialog fits the screen and the page does not overflow
    tab.resize(390, 800)
    click(tab, f'button[data-x="{xid}"]')
    st = tab.evaluate(_EXPLORER_STATE)
    assert st["open"] and st["dialogLeft"] >= 0 and st["dialogRight"] <= st["innerWidth"]
    narrow = tab.evaluate("({w: document.documentElement.scrollWidth, v: window.innerWidth})")
    assert narrow["w"] <= narrow["v"] + 1 and narrow["v"] == 390, narrow
    # nothing was fetched while exploring
    urls = [e["params"]["request"]["url"] for e in tab.events("Network.requestWillBeSent")]
    assert all(u.startswith(("file:", "data:")) for u in urls), urls
    label_state["open_text"] = st["text"]
    return label_state


@pytest.fixture(scope="module")
def browser():
    binary = find_browser()
    if binary is None:
        pytest.fail("no Chromium found (looked for $FRAMING_CHROMIUM, " + ", ".join(BROWSERS) + "); "
                    "install Debian's package with 'apt-get install chromium' — .ci/run does")
    b = Browser(binary)
    yield b
    b.close()


def check_page(browser: Browser, report: Path, *, planted: bool = True) -> dict:
    """Open ``report`` and assert what every report page must satisfy; returns the probe."""
    tab = browser.open(report.resolve().as_uri(), width=1280, height=900)
    probe = tab.evaluate(_PROBE)
    # the page's own script ran (its CSP hash is right) and nothing planted did
    assert probe["sortable"] == "ready"
    assert probe["pwned"] is None
    assert probe["scripts"] == 1
    if planted:
        assert "<script>document.body.setAttribute('data-pwned','1')</script>" in probe["bodyText"]
    # Arabic runs right-to-left; numbers left-to-right; keywords highlighted
    assert probe["arabicElements"] > 20
    assert probe["unmarked"] == []
    assert probe["nWrongDirection"] == 0, probe["wrongDirection"]
    assert probe["kwic"] > 0 and probe["kwicRtl"] == probe["kwic"]
    assert probe["marks"] >= 1
    assert probe["numbers"] > 0 and probe["numbersLtr"] == probe["numbers"]
    assert "Noto Naskh Arabic" in probe["font"]
    # every in-page link resolves
    assert probe["links"] > 10
    assert probe["missingTargets"] == []
    # charts are inline and decode
    assert probe["foreignImages"] == 0
    assert probe["imagesDecoded"] == probe["images"]
    # the page requested nothing but itself
    urls = [e["params"]["request"]["url"] for e in tab.events("Network.requestWillBeSent")]
    assert all(u.startswith("file:") or u.startswith("data:") for u in urls), urls
    # signs and × stay before their digits inside Arabic text
    iso = tab.evaluate(_ISOLATES)
    assert iso, "no signed number or ×count inside Arabic text"
    assert [i["text"] for i in iso if not i["signFirst"]] == []
    # charts are shown no wider than the page
    assert tab.evaluate("[...document.images].every(i => i.getBoundingClientRect().right <= innerWidth)")
    # sorting works (the page's script under its CSP)
    s = tab.evaluate(_SORT)
    assert s["asc"] == sorted(s["asc"]) and s["desc"] == sorted(s["desc"], reverse=True)
    assert s["aria"] == "descending"
    overflow_1280 = tab.evaluate(_OVERFLOW)
    # a narrow screen: tables scroll inside their boxes, the page itself does not overflow
    tab.resize(390, 800)
    narrow = tab.evaluate("({w: document.documentElement.scrollWidth, v: window.innerWidth})")
    # (a phone widens its layout viewport to fit what overflows: the window stays 390 px only if nothing does)
    assert narrow["w"] <= narrow["v"] + 1 and narrow["v"] == 390, narrow
    # ... and a date or signed number inside Arabic text is never broken across lines
    assert [i["text"] for i in tab.evaluate(_ISOLATES) if i["lines"] != 1] == []
    probe["overflow_1280"] = overflow_1280
    return probe


def test_fixture_report_in_browser(browser, tmp_path):
    """The hand-made run (tests/data/html/run) rendered through `framing report`."""
    from framing.report import render_reports

    run = tmp_path / "run"
    shutil.copytree(DATA / "run", run)
    render_reports(run)
    probe = check_page(browser, run / "report.html")
    assert "5 of 8 sentences shown, 8 mentions" in probe["bodyText"]
    assert "Evidence is capped at 5 sentences" in probe["bodyText"]


def test_fixture_report_explorer(browser, tmp_path):
    """Filters and sentences in the hand-made run; the planted sentence behind a label shows as text."""
    from framing.report import render_reports

    run = tmp_path / "run"
    shutil.copytree(DATA / "run", run)
    render_reports(run)
    st = check_explorer(browser, run / "report.html", outlet="الجزيرة", actor="russia",
                        label=("Enab Baladi", "syrian_government", "قوات النظام"), term=("الجزيرة", "الاحتلال"))
    assert "etAttribute('data-pwned','1')</script> تدعم قوات النظام" in st["open_text"]  # the fixture's cut sentence
    assert st["pwned"] is None


def test_explorer_shows_more_sentences_than_the_evidence_cap_within_the_stated_budget(browser, tmp_path):
    """A label with 8 sentences: the evidence section shows 5 (EVIDENCE_PER_CELL), a click on the label
    opens all 8, each with its match marked; the page states the per-term cap and the byte budget,
    and with a budget too small for them the dialog says how many it kept of how many."""
    from framing.report import build_tables, load_run, render_reports
    from framing.report.html import EXPLORER_BUDGET, EXPLORER_PER_TERM, anchor, render_html
    from framing.report.tables import EVIDENCE_PER_CELL

    run = tmp_path / "run"
    shutil.copytree(DATA / "run", run)
    render_reports(run)
    xid = anchor("xl", "الجزيرة", "russia", "الاحتلال الروسي")
    tab = browser.open((run / "report.html").resolve().as_uri(), width=1280, height=900)
    intro = tab.evaluate("document.querySelector('header + p.note').innerText")
    assert f"up to {EXPLORER_PER_TERM} per label or term, {EXPLORER_BUDGET / 1e6:.1f}\u00a0MB in all" in intro
    click(tab, f'button[data-x="{xid}"]')
    st = tab.evaluate(_EXPLORER_STATE)
    assert st["open"] and st["items"] == 8 > EVIDENCE_PER_CELL
    assert all(marks == ["الاحتلال الروسي"] for marks in st["marks"]), st["marks"]
    assert "8 sentences." in st["text"]
    tab.close()
    # a page whose budget holds only a few sentences: every label keeps its first ones, the dialog says so
    small = tmp_path / "small.html"
    small.write_text(render_html(build_tables(load_run(run)), [], explorer_budget=6_000), encoding="utf-8")
    tab = browser.open(small.resolve().as_uri(), width=1280, height=900)
    assert "the budget ran out" in tab.evaluate("document.querySelector('header + p.note').innerText")
    click(tab, f'button[data-x="{xid}"]')
    st = tab.evaluate(_EXPLORER_STATE)
    assert st["open"] and 1 <= st["items"] < 8 and f"{st['items']} of 8 sentences; all in hits.csv" in st["text"]
    tab.close()


def _seed_corpus(seeds: Path, dest: Path) -> Path:
    """The seeds plus tests/data/html/planted.txt (script and onerror in its text and title)."""
    dest.mkdir()
    for f in seeds.glob("*.txt"):
        shutil.copy(f, dest / f.name)
    shutil.copy(DATA / "planted.txt", dest / "planted.txt")
    with open(seeds / "manifest.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cols = list(rows[0].keys()) if rows else ["file", "outlet"]
    for c in ("file", "outlet", "date", "title"):
        if c not in cols:
            cols.append(c)
    rows.append({"file": "planted.txt", "outlet": "<b>منفذ مزروع</b>", "date": rows[0].get("date", "") if rows else "",
                 "title": "<script>document.body.setAttribute('data-pwned','1')</script> "
                          "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"})
    with open(dest / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return dest


def test_seed_report_in_browser(browser, seeds_dir, tmp_path):
    """The seeds' report from the real pipeline (default lexicons), with a planted article."""
    from framing.pipeline import CompareOptions, run_compare

    if not (seeds_dir / "manifest.csv").exists():
        pytest.fail(f"{seeds_dir}/manifest.csv is missing: the seed corpus ships with the project")
    corpus = _seed_corpus(seeds_dir, tmp_path / "corpus")
    result = run_compare(CompareOptions(corpus=str(corpus), out=str(tmp_path / "out"), topics=False))
    report = result.out_dir / "report.html"
    probe = check_page(browser, report)
    assert "منفذ مزروع" in probe["bodyText"]
    assert "Page size:" in probe["bodyText"]
    # at 1280 px every table of the seeds' report fits: nothing to scroll sideways
    assert probe["overflow_1280"] == []
    # the explorer on the real pipeline's page (the corpus reader strips the planted tags from the text; the
    # outlet name keeps its markup, shown as text in the dialog's heading)
    st = check_explorer(browser, report, outlet="المدن", actor="russia",
                        label=("<b>منفذ مزروع</b>", "russia", "الاحتلال الروسي"))
    assert "<b>منفذ مزروع</b> · russia" in st["open_text"] and st["pwned"] is None


def main(argv: list[str]) -> None:  # pragma: no cover - a helper for the docs' screenshots
    """``python tests/test_browser.py RUN_DIR OUT_DIR``: screenshots of RUN_DIR/report.html."""
    run_dir, out_dir = Path(argv[0]), Path(argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    binary = find_browser()
    if binary is None:
        sys.exit("no Chromium found")
    b = Browser(binary)
    try:
        tab = b.open((run_dir / "report.html").resolve().as_uri())
        tab.screenshot(out_dir / "report-desktop.png", width=1280, height=2000)
        tab.screenshot(out_dir / "report-desktop-labels.png", width=1280, height=1500, scroll_to="labels")
        tab.screenshot(out_dir / "report-desktop-events.png", width=1280, height=1500, scroll_to="events")
        tab.screenshot(out_dir / "report-desktop-evidence.png", width=1280, height=1400, scroll_to="evidence")
        for section in ("label-shares", "timeline", "keyness"):
            if tab.evaluate(f"!!document.getElementById({json.dumps(section)})"):
                tab.screenshot(out_dir / f"report-desktop-{section}.png", width=1280, height=1400, scroll_to=section)
        # a keyness term the outlet uses less than the reference: the reference's sentences
        kid = tab.evaluate("(() => { const b = [...document.querySelectorAll('#keyness button.x')].find(b => "
                           "b.getAttribute('data-x').includes('reference')) || document.querySelector("
                           "'#keyness button.x'); return b ? b.getAttribute('data-x') : null; })()")
        if kid:
            tab.resize(1280, 900)
            click(tab, f'button[data-x="{kid}"]')
            shot = tab.call("Page.captureScreenshot", {"format": "png"})
            (out_dir / "report-desktop-keyness-sentences.png").write_bytes(base64.b64decode(shot["data"]))
            tab.evaluate("document.getElementById('xd').close()")
        tab.screenshot(out_dir / "report-narrow.png", width=390, height=2000)
        tab.screenshot(out_dir / "report-narrow-evidence.png", width=390, height=1400, scroll_to="evidence")
        # the explorer: the first outlet selected, then the sentences of its most used label
        first = tab.evaluate("document.querySelector('#outlets td.outlet').getAttribute('data-outlet')")
        choose(tab, "xf-outlet", first)
        tab.screenshot(out_dir / "report-desktop-explorer.png", width=1280, height=1100, scroll_to="stance")
        xid = tab.evaluate("[...document.querySelectorAll('#labels button.x')].find(b => "
                           "getComputedStyle(b.closest('td')).display !== 'none').getAttribute('data-x')")
        for name, width, height in (("report-desktop-sentences.png", 1280, 900),
                                    ("report-narrow-sentences.png", 390, 800)):
            tab.resize(width, height)
            click(tab, f'button[data-x="{xid}"]')
            shot = tab.call("Page.captureScreenshot", {"format": "png"})
            (out_dir / name).write_bytes(base64.b64decode(shot["data"]))
            tab.evaluate("document.getElementById('xd').close()")
    finally:
        b.close()


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
