"""Field names, record values before checks (:class:`_Raw`), dates, small text helpers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date as _date
from typing import Any

from framing.records import Problem

UNKNOWN_OUTLET = "unknown"


_OPTION = {
    "text": "--text-field",
    "outlet": "--outlet-field",
    "date": "--date-field",
    "id": "--id-field",
    "title": "--title-field",
    "url": "--url-field",
    "event": "--event-field",
    "language": "--language-field",
}


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which record field (CSV column, JSON key, manifest column) holds what."""

    text: str = "text"
    outlet: str = "outlet"
    date: str = "date"
    id: str = "id"
    title: str = "title"
    url: str = "url"
    event: str = "event"
    language: str = "language"

    def items(self) -> list[tuple[str, str]]:
        return [(role, getattr(self, role)) for role in _OPTION]

    def explicit(self) -> list[tuple[str, str]]:
        """``(role, name)`` for every field the caller renamed from its default."""
        default = FieldMap()
        return [(role, name) for role, name in self.items() if name != getattr(default, role)]


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


_TIME = r"(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?|ص|م)?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"


_DATE_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME)


_DATE_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME)


def normalize_date(value: str) -> str | None:
    """ISO ``YYYY-MM-DD`` for a date written in a common way, else ``None``.

    Understands ``2013-02-27``, ``2013-02-27 18:30:24`` (and ISO timestamps), ``2013/02/27``,
    ``27/02/2013``, ``27.06.2021``, ``27-06-2021`` and Arabic-Indic digits. ``a/b/yyyy`` is
    read day first unless only month first gives a valid date (``02/27/2013``).

    >>> normalize_date("27.06.2021")
    '2021-06-27'
    """
    text = value.strip().translate(_DIGITS)
    m = _DATE_YMD.fullmatch(text)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_DMY.fullmatch(text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return _iso(year, b, a) or _iso(year, a, b)
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return _date(year, month, day).isoformat()
    except ValueError:
        return None


@dataclass(slots=True)
class _Raw:
    """One input record mapped to document fields, before any check."""

    source: str
    line: int | None
    doc_id: str | None
    text: Any
    outlet: Any = None
    date: Any = None
    title: Any = None
    url: Any = None
    event: Any = None
    language: Any = None
    meta: list[tuple[str, str]] = field(default_factory=list)
    not_in_manifest: bool = False
    missing_outlet: str = ""  # "record" / "manifest": an empty outlet is listed as "missing outlet"
    part: int = 0  # k of a document split into parts id#1, id#2, … (0: not split)
    where: str = ""  # "record 7" when no line number is known


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = value if isinstance(value, str) else str(value)
    # line ends normalized like the document text: a lone "\r" would split a CSV row
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    return text or None


def _meta_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _discard(_problem: Problem) -> None:
    return None


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _truncate(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _describe(p: Problem) -> str:
    where = p.source + (f":{p.line}" if p.line else "")
    return f"{where} ({p.reason}{': ' + _truncate(p.detail, 80) if p.detail else ''})"
