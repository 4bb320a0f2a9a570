"""Atomic run output folders and deterministic file writers.

A run writes into ``<out>.incomplete-<pid>/`` (with an ``INCOMPLETE`` marker file) and
only when everything is written swaps it into ``<out>``: an interrupted run leaves
the previous complete output untouched and an ``.incomplete-*`` folder that says
what it is, never a mix. Single files (lexicons, CSV exports) are written through
:func:`atomic_write_bytes` (temp file in the same folder, fsync, ``os.replace``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from framing.errors import RunError

__all__ = ["FLOAT_FORMAT", "RunOutput", "atomic_write_bytes", "atomic_write_text", "format_value"]

#: every float in every CSV is written with this format, so reruns are byte-identical
FLOAT_FORMAT = "%.6g"
INCOMPLETE_MARKER = "INCOMPLETE"


def format_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return FLOAT_FORMAT % value
    return str(value)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: never a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


class CsvStream:
    """A CSV file written row by row (for outputs too large to hold in memory)."""

    def __init__(self, path: Path, columns: Sequence[str]):
        self.path = path
        self.columns = list(columns)
        self._fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        self._writer = csv.writer(self._fh, lineterminator="\n")
        self._writer.writerow(self.columns)
        self.rows = 0

    def write(self, row: dict) -> None:
        self._writer.writerow([format_value(row.get(c)) for c in self.columns])
        self.rows += 1

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


class RunOutput:
    """The output folder of one run, written atomically.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "run"
    >>> out = RunOutput(d)
    >>> out.write_text("a.txt", "x")
    >>> (d / "a.txt").exists()
    False
    >>> out.commit(); (d / "a.txt").read_text()
    'x'
    """

    def __init__(self, final_dir: str | Path, *, overwrite: bool = True):
        self.final_dir = Path(final_dir)
        if self.final_dir.exists() and not self.final_dir.is_dir():
            raise RunError("output path exists and is not a folder", path=self.final_dir,
                           hint="choose another --out")
        if self.final_dir.exists() and not overwrite:
            raise RunError("output folder exists", path=self.final_dir, hint="pass --overwrite or another --out")
        self.final_dir.parent.mkdir(parents=True, exist_ok=True)
        self.dir = self.final_dir.parent / f"{self.final_dir.name}.incomplete-{os.getpid()}"
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        (self.dir / INCOMPLETE_MARKER).write_text(
            "This folder is an unfinished framing run (interrupted or still running). "
            "Its files are partial: do not use them.\n", encoding="utf-8")
        self._streams: list[CsvStream] = []
        self.committed = False

    def path(self, name: str) -> Path:
        p = self.dir / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def write_text(self, name: str, text: str) -> None:
        self.path(name).write_text(text, encoding="utf-8")

    def write_bytes(self, name: str, data: bytes) -> None:
        self.path(name).write_bytes(data)

    def write_csv(self, name: str, frame: pd.DataFrame, columns: Sequence[str] | None = None) -> None:
        """Write a DataFrame as CSV with fixed float formatting and ``\\n`` line ends."""
        buf = io.StringIO()
        if columns is not None:
            frame = frame.reindex(columns=list(columns))
        frame.to_csv(buf, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
        self.write_text(name, buf.getvalue())

    def csv_stream(self, name: str, columns: Sequence[str]) -> CsvStream:
        stream = CsvStream(self.path(name), columns)
        self._streams.append(stream)
        return stream

    def save_figure(self, name: str, fig, *, formats: Iterable[str] = ("png", "svg"), dpi: int = 150) -> list[str]:
        """Save a matplotlib figure as ``charts/<name>.<fmt>``; returns relative paths."""
        import matplotlib.pyplot as plt

        written = []
        for fmt in formats:
            rel = f"charts/{name}.{fmt}"
            kwargs = {"metadata": {"Date": None}} if fmt == "svg" else {"metadata": {"Software": None}}
            fig.savefig(self.path(rel), dpi=dpi, bbox_inches="tight", format=fmt, **kwargs)
            written.append(rel)
        plt.close(fig)
        return written

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.dir)) for p in self.dir.rglob("*")
                      if p.is_file() and p.name != INCOMPLETE_MARKER)

    def checksums(self) -> dict[str, str]:
        return {name: hashlib.sha256((self.dir / name).read_bytes()).hexdigest() for name in self.files()
                if name != "run.json"}

    def commit(self) -> Path:
        """Move the finished folder into place, replacing a previous run's folder."""
        for s in self._streams:
            s.close()
        (self.dir / INCOMPLETE_MARKER).unlink(missing_ok=True)
        old = None
        if self.final_dir.exists():
            old = self.final_dir.parent / f"{self.final_dir.name}.old-{os.getpid()}"
            os.replace(self.final_dir, old)
        os.replace(self.dir, self.final_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        self.committed = True
        return self.final_dir

    def abort(self) -> None:
        """Close streams; keep the folder (marked INCOMPLETE) for inspection."""
        for s in self._streams:
            s.close()
