"""Opening corpus files: one guard for every read (regular files only, FIFOs never block),
compression by magic bytes, and decompressed-size bounds checked while streaming."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import stat
import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, ClassVar

COMPRESSION_SUFFIXES = (".gz", ".gzip", ".xz", ".bz2")


def _compression(head: bytes) -> str | None:
    if head[:3] == b"\x1f\x8b\x08":
        return "gz"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90"):
        return "bz2"
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    return None


class _NotRegular(OSError):
    """A path that is not a regular file (FIFO, socket, device): never read."""


class _TooLarge(Exception):
    """A bound was exceeded while reading (``scope``: ``record``, ``file`` or ``corpus``)."""

    OPTIONS: ClassVar[dict[str, str]] = {"record": "max_record_bytes", "file": "max_file_bytes", "corpus": "max_corpus_bytes"}

    def __init__(self, scope: str, limit: int):
        self.scope = scope
        self.limit = limit
        self.option = self.OPTIONS[scope]
        super().__init__(f"more than {_size(limit)} decompressed ({self.option}={limit})")


def _size(n: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor:
            value = n / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))


def _open_regular(path: str | Path) -> IO[bytes]:
    """Open a *regular* file for reading bytes; anything else raises :class:`_NotRegular`.

    The one guard every corpus read goes through: opened non-blocking (a FIFO cannot
    hang the open), checked with ``fstat`` on the opened descriptor (no race with the
    scan), then switched back to blocking reads.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegular(f"not a regular file ({_file_type(mode)}): {path}")
        if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _Budget:
    """Decompressed bytes read in one pass over the corpus, against ``max_corpus_bytes``."""

    __slots__ = ("limit", "used")

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0


class _Bounded(io.RawIOBase):
    """A byte stream that raises :class:`_TooLarge` once more than ``limit`` bytes (or the
    corpus budget) have come out of it: decompression stops early, nothing is buffered."""

    def __init__(self, inner: IO[bytes], limit: int, scope: str, budget: _Budget | None):
        self._inner = inner
        self._limit = limit
        self._scope = scope
        self._budget = budget
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._inner.readinto(buffer)
        if n:
            self.count += n
            if self.count > self._limit:
                raise _TooLarge(self._scope, self._limit)
            budget = self._budget
            if budget is not None:
                budget.used += n
                if budget.used > budget.limit:
                    raise _TooLarge("corpus", budget.limit)
        return n or 0

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


def _open_binary(path: Path, *, limit: int | None = None, scope: str = "file",
                 budget: _Budget | None = None, byte_range: tuple[int, int | None] | None = None) -> IO[bytes]:
    """Open ``path`` for reading bytes through the guard, decompressing gzip / xz / bzip2
    by magic bytes; at most ``limit`` decompressed bytes (then :class:`_TooLarge`).
    ``byte_range`` ``(start, stop)`` reads only that part of an uncompressed file."""
    fh = _open_regular(path)
    try:
        head = fh.read(10)
        fh.seek(0)
        kind = _compression(head)
        if byte_range is not None:
            if kind is not None:
                raise OSError("a byte range of a compressed file cannot be read")
            start, stop = byte_range
            fh.seek(start)
            if stop is not None:
                fh = _Range(fh, stop - start)
        if kind == "zstd":
            raise OSError("zstandard compression is not supported; decompress the file or recompress it "
                          "with xz or gzip")
        stream: IO[bytes]
        if kind is None:
            stream = fh
        else:
            opener = {"gz": gzip.GzipFile, "xz": lzma.LZMAFile, "bz2": bz2.BZ2File}[kind]
            stream = opener(fileobj=fh, mode="rb") if kind == "gz" else opener(fh, mode="rb")
    except BaseException:
        fh.close()
        raise
    raw = _Bounded(_Closing(stream, fh), limit if limit is not None else 1 << 62, scope, budget)
    return io.BufferedReader(raw, buffer_size=1 << 16)


class _Range(io.RawIOBase):
    """The next ``size`` bytes of a file, then end of file."""

    def __init__(self, fh: IO[bytes], size: int):
        self._fh = fh
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: self._left]
        n = self._fh.readinto(view) or 0
        self._left -= n
        return n

    def read(self, size: int = -1) -> bytes:
        n = self._left if size is None or size < 0 else min(size, self._left)
        data = self._fh.read(n) if n > 0 else b""
        self._left -= len(data)
        return data

    def close(self) -> None:
        try:
            self._fh.close()
        finally:
            super().close()


def line_ranges(path: Path, size: int) -> list[tuple[int, int | None, int]]:
    """Cut an uncompressed file into ``(start, stop, first line)`` ranges of about ``size``
    bytes, each ending just after a newline (one fast binary pass counting lines)."""
    ranges: list[tuple[int, int | None, int]] = []
    start, first_line = 0, 1
    target = size
    offset, lines = 0, 0  # bytes and newlines before the current chunk
    with _open_regular(path) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            pos = 0
            while offset + len(chunk) > target:
                cut = chunk.find(b"\n", max(target - offset, pos))
                if cut < 0:
                    break
                end = offset + cut + 1
                line_at = lines + chunk.count(b"\n", 0, cut + 1) + 1
                ranges.append((start, end, first_line))
                start, first_line = end, line_at
                pos = cut + 1
                target = end + size
            lines += chunk.count(b"\n")
            offset += len(chunk)
    if start < offset or not ranges:
        ranges.append((start, None, first_line))
    else:  # the file ends exactly at the last cut
        last_start, _stop, last_line = ranges.pop()
        ranges.append((last_start, None, last_line))
    return ranges


class _Closing(io.RawIOBase):
    """A decompressing stream that also closes the underlying file."""

    def __init__(self, stream: IO[bytes], fh: IO[bytes]):
        self._stream = stream
        self._fh = fh

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._stream.readinto(buffer) or 0

    def close(self) -> None:
        try:
            if self._stream is not self._fh:
                self._stream.close()
        finally:
            self._fh.close()
            super().close()


def _read_bounded(path: Path, limit: int, scope: str, budget: _Budget | None) -> bytes:
    """The whole (decompressed) content of a file, or :class:`_TooLarge` past ``limit``."""
    with _open_binary(path, limit=limit, scope=scope, budget=budget) as fh:
        chunks = []
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


_READ_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error)


@lru_cache(maxsize=4096)
def _strip_suffixes(name: str) -> tuple[str, str]:
    """``("a", ".jsonl")`` for ``"a.jsonl.xz"``: the stem and the format suffix."""
    lower = name.lower()
    for suffix in COMPRESSION_SUFFIXES:
        if lower.endswith(suffix):
            name, lower = name[: -len(suffix)], lower[: -len(suffix)]
            break
    dot = lower.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], lower[dot:]


def _os_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror and not isinstance(exc, _NotRegular):
        return exc.strerror + (f": {exc.filename}" if exc.filename else "")
    return str(exc) or type(exc).__name__


def _offsets(offsets: Sequence[int], total: int) -> str:
    listed = ", ".join(str(o) for o in offsets)
    more = ", …" if total > len(offsets) else ""
    return f"byte offset{'s' if total > 1 else ''} {listed}{more}"
