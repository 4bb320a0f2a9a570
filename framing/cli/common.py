"""What every command shares: the option declarations, the one error handler, terminal-safe text.

A :class:`~framing.errors.FramingError` becomes a one-line message on stderr and its exit
code; an operating-system failure one line and exit 1; Ctrl-C one line and exit 130 — never
a traceback (:func:`calling`).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from framing.errors import FramingError

__all__ = [
    "CorpusArg",
    "DateField",
    "IdField",
    "Limit",
    "Out",
    "OutletField",
    "Overwrite",
    "Progress",
    "TextField",
    "calling",
    "safe_text",
    "warn",
]

CorpusArg = Annotated[str, typer.Argument(metavar="CORPUS", help="Folder of .txt files (+ manifest.csv), a "
                                          ".csv/.jsonl/.json/.parquet file (optionally .gz/.xz/.bz2) or a quoted "
                                          "glob of shards.")]
TextField = Annotated[str, typer.Option("--text-field", metavar="FIELD", help="Record field holding the article "
                                                                                "text.")]
OutletField = Annotated[str, typer.Option("--outlet-field", metavar="FIELD", help="Record field naming the outlet "
                                                                                    "(e.g. source).")]
DateField = Annotated[str, typer.Option("--date-field", metavar="FIELD", help="Record field with the date "
                                                                                "(e.g. crawl_time).")]
IdField = Annotated[str, typer.Option("--id-field", metavar="FIELD", help="Record field with a unique document id.")]
Out = Annotated[str | None, typer.Option("--out", "-o", metavar="DIR",
                                         help="Output folder (default: outputs/<corpus name>).")]
Limit = Annotated[int | None, typer.Option("--limit", metavar="N", help="Use only the first N documents.")]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace the earlier complete run in --out (a folder "
                                                             "that is not a framing run is never replaced).")]
Progress = Annotated[bool, typer.Option("--progress/--no-progress", help="Show progress (only on a terminal).")]


@contextmanager
def calling() -> Iterator[None]:
    """Run a library call: its mistakes become one line on stderr and an exit code, no traceback."""
    try:
        yield
    except FramingError as exc:
        typer.echo(f"framing: error: {safe_text(exc)}", err=True)
        raise typer.Exit(code=exc.exit_code) from None
    except OSError as exc:  # an operating-system failure nobody caught earlier (disk, permissions)
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(f"framing: error: {safe_text(where)}{safe_text(exc.strerror or exc)} — check the path, "
                   "its permissions and the free disk space", err=True)
        raise typer.Exit(code=1) from None
    except KeyboardInterrupt:
        _interrupted()
    except Exception as exc:
        if _caused_by_interrupt(exc):  # Ctrl-C inside a C extension's import: "ImportError: initialization failed"
            _interrupted()
        raise


def _caused_by_interrupt(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt is behind ``exc`` (its cause or context, at any depth)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def warn(message: str) -> None:
    """A prominent warning on stderr (changed inputs of a replay, recovered interrupted runs)."""
    typer.echo(f"framing: WARNING: {safe_text(message)}", err=True)


def _interrupted() -> None:
    """Ctrl-C: say so in one line and exit 130 (the run has already removed its partial folder).

    ``os._exit``: if the interrupt landed while a C extension was running Python code (e.g.
    during ``import torch``), CPython would otherwise re-kill itself with SIGINT at exit and
    the caller would see -2 instead of 130.
    """
    import os

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the message short
    typer.echo("framing: interrupted — the previous output (if any) is untouched; the partial output is "
               "removed", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


_CONTROL_RE = None


def safe_text(value) -> str:
    r"""``value`` as one line of plain text for the terminal: control characters (ESC, BEL, CSI,
    line breaks… — terminal escape sequences such as OSC-8 links or ``ESC]0;`` titles) become
    visible ``\xNN`` escapes, so corpus or lexicon text cannot drive the terminal.

    >>> print(safe_text("قناة\x1b]0;pwned\x07"))
    قناة\x1b]0;pwned\x07
    """
    global _CONTROL_RE
    if _CONTROL_RE is None:
        import re

        # C0, DEL, C1 and the bidi overrides/isolates (which reorder what follows on the line)
        _CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                           else f"\\u{ord(m.group()):04x}", str(value))


def _fail(exc: FramingError) -> None:
    typer.echo(f"framing: error: {safe_text(exc)}", err=True)
    raise typer.Exit(code=exc.exit_code)


def _fail_os(exc: OSError) -> None:
    """An operating-system failure nobody caught earlier (disk, permissions): one line, exit 1."""
    where = f"{exc.filename}: " if exc.filename else ""
    typer.echo(f"framing: error: {safe_text(where)}{safe_text(exc.strerror or exc)} — check the path, "
               "its permissions and the free disk space", err=True)
    raise typer.Exit(code=1)


def _warn(message: str) -> None:
    """A prominent warning on stderr (changed inputs of a replay, recovered interrupted runs)."""
    typer.echo(f"framing: WARNING: {safe_text(message)}", err=True)


