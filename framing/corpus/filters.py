"""Document filters applied while a corpus is read: ``since``, ``until`` (ISO dates, inclusive)
and ``outlets``.

A filtered-out record is neither a document nor a problem: it is counted per reason
(:meth:`framing.corpus.Corpus.filtered_out`) and ``run.json`` records the counts. A document
without a usable date is left out whenever ``since`` or ``until`` is given (counted as
``no date``): a date filter promises that every analysed document lies in the range.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass

from framing.corpus.fields import UNKNOWN_OUTLET, _clean, normalize_date
from framing.errors import ConfigError

#: reasons a record is filtered out, as counted in ``run.json`` (``corpus.filtered_out``)
OUTLET, BEFORE_SINCE, AFTER_UNTIL, NO_DATE = "outlet not selected", "before since", "after until", "no date"


def parse_day(value: object, option: str) -> str:
    """``value`` (``YYYY-MM-DD`` or a :class:`datetime.date`) as an ISO day, else a :class:`ConfigError`.

    >>> parse_day("2013-02-01", "since")
    '2013-02-01'
    """
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        return _dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ConfigError(f"{option}={value!r} is not a date", hint=f"write it as YYYY-MM-DD, e.g. --{option} "
                                                                     "2013-02-01") from None


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Which records to keep: dates in ``[since, until]`` (inclusive) and outlets in ``outlets``.

    >>> f = DocumentFilter.build(since="2013-02-01", outlets=["المدن"])
    >>> f.reason("المدن", "2013-02-27"), f.reason("المدن", None), f.reason("عنب بلدي", "2013-02-27")
    (None, 'no date', 'outlet not selected')
    """

    since: str | None = None
    until: str | None = None
    outlets: frozenset[str] | None = None

    @classmethod
    def build(cls, *, since: object = None, until: object = None,
              outlets: Iterable[str] | str | None = None) -> DocumentFilter | None:
        """A filter from user values (``outlets`` may be ``"A,B"``), or ``None`` when nothing is filtered."""
        since_day = parse_day(since, "since") if since not in (None, "") else None
        until_day = parse_day(until, "until") if until not in (None, "") else None
        if since_day and until_day and since_day > until_day:
            raise ConfigError(f"since={since_day} is after until={until_day}",
                              hint="swap the dates (both are inclusive)")
        chosen = None
        if outlets is not None:
            names = [outlets] if isinstance(outlets, str) else list(outlets)
            chosen = frozenset(n.strip() for name in names for n in str(name).split(",") if n.strip())
            if not chosen:
                raise ConfigError("outlets= names no outlet", hint="give one or more names, e.g. --outlets A,B")
        if since_day is None and until_day is None and chosen is None:
            return None
        return cls(since_day, until_day, chosen)

    def reason(self, outlet: str | None, date: str | None) -> str | None:
        """Why a record with this outlet and date is left out, or ``None`` to keep it."""
        if self.outlets is not None and (_clean(outlet) or UNKNOWN_OUTLET) not in self.outlets:
            return OUTLET
        if self.since is None and self.until is None:
            return None
        cleaned = _clean(date)
        day = normalize_date(cleaned) if cleaned is not None else None
        if day is None:
            return NO_DATE
        if self.since is not None and day < self.since:
            return BEFORE_SINCE
        if self.until is not None and day > self.until:
            return AFTER_UNTIL
        return None

    def describe(self) -> str:
        """The filter as the command-line options that make it."""
        parts = []
        if self.since:
            parts.append(f"--since {self.since}")
        if self.until:
            parts.append(f"--until {self.until}")
        if self.outlets is not None:
            parts.append(f"--outlets {','.join(sorted(self.outlets))}")
        return " ".join(parts)
