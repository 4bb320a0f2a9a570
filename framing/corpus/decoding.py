"""Decoding bytes honestly: BOMs, UTF-8 (damaged bytes replaced and located), BOM-less
UTF-16 and Arabic code pages only when they read the whole input as plausible Arabic."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Arabic-script letters (no digits, punctuation, diacritics or tatweel).
_ARABIC_LETTER = re.compile(
    "[\u0621-\u063a\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdfb\ufe70-\ufefc]"
)


_LETTER = re.compile(r"[^\W\d_]")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _bom_encoding(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the bytes look like BOM-less UTF-16 Arabic text.

    Such bytes are often valid UTF-8 (every byte of ``"ب"`` = ``28 06`` is ASCII), so
    this is checked first: in UTF-16 Arabic, every other byte is ``0x06`` or ``0x00``.
    """
    sample = data[:65536]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    for high, low, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if (high.count(0) + high.count(6)) >= 0.9 * len(high) and low.count(0) <= 0.05 * len(low):
            try:
                if _looks_arabic(data[: len(data) // 2 * 2].decode(encoding)):
                    return encoding
            except UnicodeDecodeError:
                return None
    return None


def _looks_arabic(text: str) -> bool:
    sample = text[:200_000]
    arabic = len(_ARABIC_LETTER.findall(sample))
    letters = len(_LETTER.findall(sample))
    controls = len(_CONTROL.findall(sample))
    return arabic > 0 and arabic >= 0.5 * letters and controls <= 0.01 * len(sample)


# UTF-8 Arabic read as Windows-1256 turns every lead byte 0xD8/0xD9 into ط/ظ: real Arabic
# has about 1.5 % of those letters, such mojibake about half.
_MOJIBAKE_LETTERS = re.compile("[\u0637\u0638]")


def _plausible_arabic(text: str) -> bool:
    """Mostly Arabic letters, few control characters, and not UTF-8 mojibake."""
    if not _looks_arabic(text):
        return False
    sample = text[:200_000]
    arabic = len(_ARABIC_LETTER.findall(sample))
    return len(_MOJIBAKE_LETTERS.findall(sample)) <= 0.2 * arabic


def _utf8_counts(text: str) -> tuple[int, int]:
    """``(bad bytes, good non-ASCII characters)`` of a ``surrogateescape`` UTF-8 decoding."""
    bad = len(_SURROGATE.findall(text))
    good = len(text) - bad - len(text.encode("ascii", "ignore"))
    return bad, good


def _damaged_utf8(bad: int, good: int, nbytes: int) -> bool:
    """UTF-8 with a few bad bytes, not a legacy code page: more valid multi-byte characters
    than invalid bytes (a code page almost never forms valid UTF-8 sequences), or a few
    bad bytes in mostly ASCII text."""
    return bad <= good or bad * 1000 <= nbytes


_ENCODING_NAMES = {
    "cp1256": "Windows-1256", "windows-1256": "Windows-1256", "iso8859_6": "ISO-8859-6",
    "cp720": "DOS Arabic (CP720)", "cp864": "DOS Arabic (CP864)", "utf-16-le": "UTF-16 LE without BOM",
    "utf-16-be": "UTF-16 BE without BOM", "utf_16_le": "UTF-16 LE without BOM", "utf_16_be": "UTF-16 BE without BOM",
}


def encoding_name(encoding: str) -> str:
    """A readable name for a codec name (``cp1256`` → ``Windows-1256 (cp1256)``)."""
    name = _ENCODING_NAMES.get(encoding.lower())
    return f"{name} ({encoding})" if name else encoding


def _legacy_candidates(sample: bytes) -> list[str]:
    candidates: list[str] = []
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample, cp_isolation=["cp1256", "iso8859_6", "cp720", "cp864",
                                                "utf_16_le", "utf_16_be"]).best()
        if best is not None:
            candidates.append(best.encoding)
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        pass
    candidates.append("cp1256")
    return list(dict.fromkeys(candidates))


def _legacy_encoding(data: bytes) -> str | None:
    """An Arabic legacy code page (or BOM-less UTF-16) that decodes *all of* ``data``
    strictly to plausible Arabic text."""
    for encoding in _legacy_candidates(data[:65536]):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible_arabic(text):
            return encoding
    return None


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded document: ``text`` (invalid UTF-8 bytes already replaced by U+FFFD),
    the ``encoding``, whether it was ``guessed`` (no BOM, not UTF-8), and the count and
    first byte offsets of invalid UTF-8 bytes."""

    text: str
    encoding: str
    guessed: bool = False
    bad_bytes: int = 0
    bad_offsets: tuple[int, ...] = ()


def decode_document(data: bytes) -> Decoded:
    """Decode one whole file; raises :class:`UnicodeError` when nothing reads it honestly.

    Order: byte-order mark; BOM-less UTF-16 Arabic (guessed); strict UTF-8; UTF-8 with a
    few invalid bytes (replaced by U+FFFD, their byte offsets kept); last, an Arabic code
    page (charset-normalizer restricted to Arabic code pages, then Windows-1256), used only
    when it decodes the *whole* file strictly to plausible Arabic — never UTF-8 mojibake.

    >>> decode_document("نص".encode("cp1256")).encoding
    'cp1256'
    """
    bom = _bom_encoding(data)
    if bom and bom != "utf-8-sig":
        return Decoded(data.decode(bom), bom)
    if bom is None:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return Decoded(data.decode(utf16), utf16, guessed=True)
    encoding = bom or "utf-8"
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        first_error = exc
    text = data.decode(encoding, "surrogateescape")
    bad, good = _utf8_counts(text)
    if bom or _damaged_utf8(bad, good, len(data)):
        return Decoded(_SURROGATE.sub("\ufffd", text), encoding, False, bad, _byte_offsets(text, 10, bom is not None))
    legacy = _legacy_encoding(data)
    if legacy is not None:
        return Decoded(data.decode(legacy), legacy, guessed=True)
    raise UnicodeError(
        f"not UTF-8 ({bad} invalid bytes, the first 0x{data[first_error.start]:02x} at byte offset "
        f"{first_error.start}), UTF-16 or an Arabic code page (Windows-1256) that reads the whole file"
    )


def _byte_offsets(text: str, n: int, bom: bool) -> tuple[int, ...]:
    """Byte offsets of the first ``n`` lone surrogates (invalid bytes) of a
    ``surrogateescape`` decoding."""
    offsets = []
    pos, byte = 0, 3 if bom else 0
    for m in _SURROGATE.finditer(text):
        byte += len(text[pos:m.start()].encode("utf-8", "surrogateescape"))
        offsets.append(byte)
        byte += 1
        pos = m.end()
        if len(offsets) >= n:
            break
    return tuple(offsets)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a whole document: ``(text, encoding)``; raises :class:`UnicodeError`.

    :func:`decode_document` without the details (invalid bytes are U+FFFD in ``text``).
    """
    decoded = decode_document(data)
    return decoded.text, decoded.encoding


def _stream_encoding(head: bytes, complete: bool) -> tuple[str, bool]:
    """``(encoding, guessed)`` of a record file from its first bytes; raises :class:`UnicodeError`."""
    bom = _bom_encoding(head)
    if bom:
        return bom, False
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16, True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8", False
    except UnicodeDecodeError as exc:
        first_error = exc
    text = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(head, final=complete)
    bad, good = _utf8_counts(text)
    if _damaged_utf8(bad, good, len(head)):
        return "utf-8", False
    for encoding in _legacy_candidates(head[:65536]):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible_arabic(text):
            return encoding, True
    raise UnicodeError(
        f"not UTF-8 (invalid byte 0x{head[first_error.start]:02x} at byte offset {first_error.start}), "
        "UTF-16 or an Arabic code page (Windows-1256)"
    )
