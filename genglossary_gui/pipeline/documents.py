"""Finding, reading and decoding documents; language detection; splitting text into chunks."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
#: Files larger than this are skipped with a reason (the run continues).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class SkipFile(Exception):
    """A file that cannot be imported; ``reason`` is shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class LoadedFile:
    text: str
    encoding: str
    content_hash: str
    size_bytes: int


def iter_document_files(folder: Path, errors: list[OSError] | None = None) -> Iterator[Path]:
    """Supported files under ``folder``, recursively, sorted, skipping hidden entries.

    Folders that cannot be listed are appended to ``errors`` (when given) instead of being
    silently passed over: a folder that merely looks empty must not lose its documents.
    """
    on_error = errors.append if errors is not None else None
    for root, dirs, files in os.walk(folder, followlinks=False, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            if os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES:
                yield Path(root, name)


def display_path(path: str) -> str:
    """A path as valid text: undecodable bytes in file names (lone surrogates) become U+FFFD,
    which SQLite and Qt accept."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def read_document(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, str]:
    """Read a file's bytes and hash, or raise :class:`SkipFile` with a reason."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            mb, limit = size / 1_048_576, max_bytes / 1_048_576
            raise SkipFile(f"too large ({mb:.1f} MB; the limit is {limit:.0f} MB)")
        raw = path.read_bytes()
    except PermissionError as exc:
        raise SkipFile("cannot be read: permission denied") from exc
    except OSError as exc:
        raise SkipFile(f"cannot be read: {exc.strerror or exc.__class__.__name__}") from exc
    if not raw.strip():
        raise SkipFile("empty")
    return raw, content_hash(raw)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uff66-\uff9f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = re.compile(r"[A-Za-z]")


def _guess_utf16_without_bom(raw: bytes) -> str | None:
    if len(raw) < 8 or len(raw) % 2:
        return None
    sample = raw[:4096]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    # ASCII-heavy UTF-16 has a NUL in every other byte; Japanese UTF-16 has fewer but still many.
    if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    # Text has next to no control characters; more than 1 % means a binary file.
    return len(_CONTROL.findall(sample)) * 100 > len(sample)


def _japanese_share(text: str) -> float:
    sample = text[:65536]
    if not sample:
        return 0.0
    return len(_JAPANESE.findall(sample)) / len(sample)


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Decode ``raw``; returns ``(text, encoding label)`` or raises :class:`SkipFile`.

    Order: byte-order marks, UTF-16 without a BOM, strict UTF-8, then the Japanese legacy
    encodings (Shift_JIS as Windows code page 932, EUC-JP), then a statistical guess.
    """
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            try:
                return _finish(raw[len(bom) :].decode(codec), label)
            except UnicodeDecodeError as exc:
                raise SkipFile(f"not valid {label} text despite its byte-order mark") from exc
    utf16 = _guess_utf16_without_bom(raw)
    if utf16:
        try:
            return _finish(
                raw.decode(utf16), utf16.upper().replace("-LE", "LE").replace("-BE", "BE")
            )
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw[:65536]:
        raise SkipFile("binary file (not text)")
    try:
        return _finish(raw.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[str, str]] = []
    for codec, label in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
        try:
            candidates.append((raw.decode(codec), label))
        except UnicodeDecodeError:
            continue
    if candidates:
        # Both can succeed on short inputs; the right one yields far more Japanese characters.
        text, label = max(candidates, key=lambda c: _japanese_share(c[0]))
        return _finish(text, label)
    from charset_normalizer import from_bytes

    best = from_bytes(raw[: 1 << 20]).best()
    if best is not None and best.encoding:
        try:
            return _finish(raw.decode(best.encoding), best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise SkipFile("unknown text encoding (not UTF-8, UTF-16, Shift_JIS or EUC-JP)")


def _finish(text: str, label: str) -> tuple[str, str]:
    if _looks_binary(text):
        raise SkipFile("binary file (not text)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SkipFile("empty")
    return text, label


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedFile:
    raw, digest = read_document(path, max_bytes=max_bytes)
    text, encoding = decode_bytes(raw)
    return LoadedFile(text, encoding, digest, len(raw))


def detect_language(text: str) -> str:
    """``"ja"`` or ``"en"`` from the share of Japanese characters in a sample."""
    sample = text[:100_000]
    japanese = len(_JAPANESE.findall(sample))
    latin = len(_LATIN.findall(sample))
    if japanese == 0:
        return "en"
    kana = len(_KANA.findall(sample))
    # Kana means Japanese (not Chinese); one Japanese character carries about as much as a
    # short English word, so a modest share already marks a Japanese document.
    if kana and japanese * 4 >= latin:
        return "ja"
    return "en"


def split_chunks(text: str, max_chars: int) -> Iterator[str]:
    """Split ``text`` into chunks of at most ``max_chars``, at sentence ends where possible."""
    start = 0
    n = len(text)
    while start < n:
        end = min(start + max_chars, n)
        if end < n:
            # Prefer the last sentence end inside the window; else cut hard.
            window = text[start:end]
            cut = max(window.rfind(c) for c in "。．！？!?\n")
            if cut > max_chars // 4:
                end = start + cut + 1
        yield text[start:end]
        start = end
