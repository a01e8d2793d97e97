"""Finding, reading and decoding documents; language detection; splitting text into chunks."""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
import tempfile
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

SUPPORTED_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
#: The largest text a document can have, and so the largest file the import takes (a larger
#: one is skipped with the reason; the run goes on). This is the store's limit, not a
#: format's: a document's text is one SQLite value, and SQLite refuses a value of more than
#: 1,000,000,000 bytes (SQLITE_MAX_LENGTH).
DEFAULT_MAX_BYTES = 1_000_000_000
#: Files up to this size are read and decoded whole, as they always were; a larger one is
#: read, decoded and stored in a stream, a piece at a time (:func:`open_source`), and read
#: back in parts (``reading.parts``): its text is never whole in memory.
STREAM_BYTES = 16 * 1024 * 1024
#: What :func:`read_document` and :func:`load_file`, which hold a file whole, read at most.
WHOLE_MAX_BYTES = 64 * 1024 * 1024


class SkipFile(Exception):
    """A file that cannot be imported; ``reason`` is shown to the user.

    ``size_bytes`` is the file's size when it is known to be a regular file (else 0), so a
    skipped document can still show how big it is without anything else being looked at.
    """

    def __init__(self, reason: str, size_bytes: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.size_bytes = size_bytes


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
    Links to folders are not followed. Links to files, named pipes and the like are listed
    like other files: :func:`read_document` refuses them with a reason the user sees.
    """
    on_error = errors.append if errors is not None else None
    for root, dirs, files in os.walk(folder, followlinks=False, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            if os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES:
                yield Path(root, name)


#: Characters that would break a path shown on one line or reprogram a terminal: C0 and C1
#: controls, DEL, the Unicode line and paragraph separators, and bidirectional controls.
_UNSAFE_IN_PATH = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display_path(path: str) -> str:
    r"""A path as one line of safe, valid text, for logs, messages and the database.

    Undecodable bytes in file names (lone surrogates) become U+FFFD, which SQLite and Qt
    accept. Control characters become visible escapes (ESC as ``\x1b``, a newline as ``\n``)
    so that a file name can neither fake a log line nor send commands to a terminal, while
    the user can still recognise the file.
    """
    try:
        text = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte (Windows names)
        text = _SURROGATE.sub("\ufffd", path)
    return _UNSAFE_IN_PATH.sub(_escape, text)


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


#: Files are read in pieces of this size, with a cancel check between them.
_READ_CHUNK = 1024 * 1024
#: The reason given for a file whose links lead out of its source folder.
LINK_OUTSIDE = "a link to a file outside the folder; not imported"
# Not every system has these flags (Windows has neither, and needs O_BINARY instead).
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


def _not_regular(mode: int) -> str:
    """What kind of file ``mode`` describes, in plain words; ``""`` for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISFIFO(mode):
        kind = "named pipe"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "device"
    elif stat.S_ISSOCK(mode):
        kind = "socket"
    elif stat.S_ISDIR(mode):
        kind = "folder"
    elif stat.S_ISLNK(mode):
        kind = "link"
    else:
        kind = "special file"
    return f"not a regular file ({kind})"


def _too_large(max_bytes: int, size: int | None = None) -> SkipFile:
    limit = max_bytes / 1_048_576
    if size is None:  # the file grew past its reported size (or reports none)
        return SkipFile(f"too large (more than the limit of {limit:.0f} MB)")
    return SkipFile(f"too large ({size / 1_048_576:.1f} MB; the limit is {limit:.0f} MB)", size)


def _unreadable(exc: OSError, size: int = 0) -> SkipFile:
    if isinstance(exc, PermissionError):
        return SkipFile("cannot be read: permission denied", size)
    if exc.errno == errno.ELOOP:
        return SkipFile("cannot be read: a link that loops, or that changed meanwhile", size)
    return SkipFile(f"cannot be read: {exc.strerror or exc.__class__.__name__}", size)


def _target(path: Path, within: Path | None) -> tuple[Path, bool]:
    """The file to open for ``path`` and whether the open may follow a link.

    Inside a source folder every link is resolved here and the result must stay in the
    folder; the resolved path is then opened without following links, so the check holds
    for what is actually read.
    """
    if within is None:
        return path, True
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(os.path.realpath(within)):
        raise SkipFile(LINK_OUTSIDE)
    return real, False


def _opened_outside(fd: int, within: Path) -> bool:
    """Whether the open file is not inside ``within`` after all: a folder on its path may
    have been swapped for a link between the check and the open (``O_NOFOLLOW`` guards the
    last component only). Where the system cannot tell (no /proc), False."""
    try:
        opened = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return False
    return not Path(opened).is_relative_to(os.path.realpath(within))


def _open_regular(path: Path, follow: bool, within: Path | None) -> int:
    """A descriptor of the regular file at ``path``, or SkipFile (OSError if it cannot be
    opened). ``O_NONBLOCK`` keeps the open from waiting on a named pipe that replaced the
    file after it was looked at; the open descriptor is then checked to be a regular file
    (and, for a file of a source folder, to be inside it)."""
    flags = os.O_RDONLY | _O_NONBLOCK | _O_BINARY | (0 if follow else _O_NOFOLLOW)
    fd = os.open(path, flags)
    try:
        kind = _not_regular(os.fstat(fd).st_mode)
        if kind:
            raise SkipFile(kind)
        if within is not None and _opened_outside(fd, within):
            raise SkipFile(LINK_OUTSIDE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _looked_at(path: Path, within: Path | None, max_bytes: int) -> tuple[Path, bool, int]:
    """``(the file to open, whether the open may follow a link, its size)``, or SkipFile:
    not a regular file, a link out of ``within``, larger than ``max_bytes``."""
    try:
        target, follow = _target(path, within)
        info = os.stat(target, follow_symlinks=follow)
    except OSError as exc:
        raise _unreadable(exc) from exc
    kind = _not_regular(info.st_mode)
    if kind:
        raise SkipFile(kind)
    if info.st_size > max_bytes:
        raise _too_large(max_bytes, info.st_size)
    return target, follow, info.st_size


def _read_capped(
    path: Path,
    follow: bool,
    max_bytes: int,
    check: Callable[[], None] | None,
    within: Path | None = None,
) -> bytes:
    """At most ``max_bytes`` of a regular file, whatever size it reports (opened by
    :func:`_open_regular`)."""
    fd = _open_regular(path, follow, within)
    try:
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_READ_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if check is not None:
                check()
    finally:
        os.close(fd)
    if total > max_bytes:
        raise _too_large(max_bytes)
    return b"".join(chunks)


def read_document(
    path: Path,
    *,
    max_bytes: int = WHOLE_MAX_BYTES,
    within: Path | None = None,
    check: Callable[[], None] | None = None,
) -> tuple[bytes, str]:
    """Read a regular file's bytes and hash, or raise :class:`SkipFile` with a reason.

    ``within`` is the source folder the file was found in: after resolving every link the
    file must lie inside it, so a link to ``/etc/passwd`` or a file in the user's home is
    refused. Without it (a file the user chose by itself) a link is followed.

    Only regular files are opened; named pipes, devices and sockets are refused (a pipe
    would block forever, a device never ends). Whatever size the file reports, at most
    ``max_bytes`` are read, in 1 MiB pieces with ``check`` called after each, so a cancel
    (``check`` raising) takes effect while a large file is read.
    """
    target, follow, size = _looked_at(path, within, max_bytes)
    try:
        raw = _read_capped(target, follow, max_bytes, check, within)
    except SkipFile as skip:
        skip.size_bytes = size
        raise
    except OSError as exc:
        raise _unreadable(exc, size) from exc
    if not raw.strip():
        raise SkipFile("empty", len(raw))
    return raw, content_hash(raw)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE"),
)
#: Added to the label of an encoding that a statistical detector chose.
GUESSED = " (guessed)"
#: The label of UTF-8 text in which a few invalid bytes became U+FFFD.
REPAIRED_UTF8 = "UTF-8 (repaired)"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uff66-\uff9f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HALFWIDTH_KANA_RUN = re.compile(r"[\uff66-\uff9f]{2,}")
_LATIN = re.compile(r"[A-Za-z]")
_ASCII_TEXT = re.compile(r"[\t\n\r\x20-\x7e]")
#: What text in the documents this app reads is made of: ASCII, Latin letters, common
#: punctuation, Japanese symbols, kana and kanji, full-width forms. Text read in the wrong
#: byte order lands mostly elsewhere (CJK extension A, Yi, Hangul, private use...).
_PLAIN_TEXT = re.compile(
    r"[\t\n\r\x20-\x7e\u00a0-\u024f\u2010-\u2027\u2030-\u205e\u3000-\u30ff\u4e00-\u9fff"
    r"\uff01-\uffef]"
)
_LABELS = {
    "cp932": "Shift_JIS",
    "shift_jis": "Shift_JIS",
    "shift_jis_2004": "Shift_JIS-2004",
    "euc_jis_2004": "EUC-JIS-2004",
    "euc_jp": "EUC-JP",
    "iso2022_jp": "ISO-2022-JP",
    "utf-8": "UTF-8",
}
#: Western European encodings: charset_normalizer often ranks a Central European one first
#: when both decode the text equally well (Café as cp1250 gives "crčme" for "crème").
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15"})
_WIDE_UNICODE = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"]


def is_guessed(label: str) -> bool:
    """Whether an encoding label from :func:`decode_bytes` marks a low-confidence decoding."""
    return label.endswith(GUESSED) or label == REPAIRED_UTF8


def _utf16_score(text: str) -> float:
    """How much ``text`` (a UTF-16 reading) looks like a document; 0 if not at all.

    It must be almost all plain text, with no NULs, and a good share of it kana or ASCII:
    kanji alone do not count, since the other byte order of Japanese, and Shift_JIS read as
    UTF-16, also come out as kanji.
    """
    if not text or "\x00" in text:
        return 0.0
    plain = len(_PLAIN_TEXT.findall(text)) / len(text)
    telling = (len(_KANA.findall(text)) + len(_ASCII_TEXT.findall(text))) / len(text)
    return plain if plain >= 0.95 and telling >= 0.2 else 0.0


def _guess_utf16_without_bom(raw: bytes, length: int | None = None) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when one byte order reads as sensible text (``raw``:
    the file's bytes, or its first ones and ``length``, the size of the whole)."""
    length = len(raw) if length is None else length
    if length < 4 or length % 2:
        return None
    sample = raw[:65536]
    scores = {c: _utf16_score(sample.decode(c, "replace")) for c in ("utf-16-le", "utf-16-be")}
    codec = max(scores, key=lambda c: scores[c])
    return codec if scores[codec] else None


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    # Text has next to no control characters; more than 1 % means a binary file.
    return len(_CONTROL.findall(sample)) * 100 > len(sample)


def _japanese_share(text: str) -> float:
    sample = text[:65536]
    if not sample:
        return 0.0
    return len(_JAPANESE.findall(sample)) / len(sample)


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _looks_japanese(text: str) -> bool:
    """Whether a legacy Japanese decoding gives Japanese text rather than mojibake.

    Japanese writing is full of kana (particles, endings, loanwords); bytes of another
    encoding read as Shift_JIS come out as rare kanji and lone half-width katakana instead
    (Latin-1 "é" before a letter is a kanji, "É" or "«" a half-width katakana). Half-width
    katakana therefore count only in runs, as in old files written in them.
    """
    sample = text[:65536]
    foreign = _non_ascii(sample)
    kana = len(_KANA.findall(sample)) + sum(map(len, _HALFWIDTH_KANA_RUN.findall(sample)))
    return foreign > 0 and kana * 10 >= foreign


def _repair_utf8(raw: bytes) -> str | None:
    """``raw`` as UTF-8 with U+FFFD for invalid bytes, if it is UTF-8 with a few of them.

    A few is under 1 % of the bytes, and no more than the valid non-ASCII characters: text
    in a legacy 8-bit encoding has no valid multi-byte sequences at all. A large file is
    first judged on its first MiB, so a legacy one is not decoded whole for nothing.
    """
    head = raw[:_HEAD_BYTES]
    if len(head) < len(raw) and _too_damaged(head, final=False)[0]:
        return None
    damaged, text = _too_damaged(raw)
    return None if damaged else text


def _too_damaged(raw: bytes, final: bool = True) -> tuple[bool, str]:
    """Whether ``raw`` has too many invalid UTF-8 bytes to repair, and its repaired text."""
    # Not final: a character cut at the end of a sample is not an error.
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(raw, final=final)
    bad = text.count("\ufffd") - raw.count("\ufffd".encode())
    valid = _non_ascii(text) - text.count("\ufffd")
    return bad * 100 >= len(raw) or valid < bad, text


def _label(codec: str) -> str:
    name = codecs.lookup(codec).name
    if name in _LABELS:
        return _LABELS[name]
    if name.startswith("iso8859-"):
        return "ISO-8859-" + name.removeprefix("iso8859-")
    if name.startswith("cp125"):
        return "Windows-" + name.removeprefix("cp")
    return name.upper()


def _detect(raw: bytes) -> tuple[str, str] | None:
    """``(text, label + GUESSED)`` from the statistical detector, or None."""
    for codec in _detected_codecs(raw):
        try:
            return raw.decode(codec), _label(codec) + GUESSED
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _detected_codecs(raw: bytes) -> list[str]:
    """The encodings the statistical detector reads the first MiB of ``raw`` in, best first."""
    from charset_normalizer import from_bytes

    # UTF-16 and UTF-32 were ruled out already, more reliably than the detector can.
    matches = from_bytes(raw[:_HEAD_BYTES], cp_exclusion=_WIDE_UNICODE)
    best = matches.best()
    if best is None or not best.encoding:
        return []
    codecs_to_try = [best.encoding]
    for match in matches:
        # Among the (near) best readings, prefer the Western European one.
        if match.chaos <= best.chaos + 0.1 and _WESTERN & set(match.could_be_from_charset):
            codecs_to_try.insert(0, "cp1252")
            break
    return codecs_to_try


#: What the statistical detector reads of a file, and what the repair of UTF-8 judges first.
_HEAD_BYTES = 1 << 20


def decode_bytes(raw: bytes) -> tuple[str, str]:  # noqa: C901 -- encoding signals in order of precedence
    """Decode ``raw``; returns ``(text, encoding label)`` or raises :class:`SkipFile`.

    Order: byte-order marks; UTF-16 without a BOM (when one byte order reads as sensible
    text, see :func:`_utf16_score`); strict UTF-8; UTF-8 with a few invalid bytes (labelled
    ``"UTF-8 (repaired)"``, the bytes become U+FFFD); the Japanese legacy encodings
    (Shift_JIS as Windows code page 932, EUC-JP) when the result looks Japanese; else the
    statistical detector charset_normalizer, whose choice is labelled with the suffix
    ``" (guessed)"`` (e.g. ``"Windows-1252 (guessed)"``). :func:`is_guessed` tells the
    low-confidence labels apart, so the user can be asked to check those documents.
    """
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            try:
                return _finish(raw[len(bom) :].decode(codec), label)
            except UnicodeDecodeError as exc:
                raise SkipFile(f"not valid {label} text despite its byte-order mark") from exc
    try:
        utf8: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    has_nul = b"\x00" in raw[:65536]
    # Valid UTF-8 without NULs is never taken for UTF-16: ASCII pairs read as UTF-16 are kanji.
    utf16 = _guess_utf16_without_bom(raw) if has_nul or utf8 is None else None
    if utf16:
        try:
            return _finish(
                raw.decode(utf16), utf16.upper().replace("-LE", "LE").replace("-BE", "BE")
            )
        except UnicodeDecodeError:
            pass
    if has_nul:
        raise SkipFile("binary file (not text)")
    if utf8 is not None:
        return _finish(utf8, "UTF-8")
    repaired = _repair_utf8(raw)
    if repaired is not None:
        return _finish(repaired, REPAIRED_UTF8)
    candidates: list[tuple[str, str]] = []
    for codec, label in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
        try:
            candidates.append((raw.decode(codec), label))
        except UnicodeDecodeError:
            continue
    best: tuple[str, str] | None = None
    if candidates:
        # Both can succeed on short inputs; the right one yields far more Japanese characters.
        best = max(candidates, key=lambda c: _japanese_share(c[0]))
        if _looks_japanese(best[0]):
            return _finish(*best)
    detected = _detect(raw)
    if detected is not None:
        return _finish(*detected)
    if best is not None:
        return _finish(best[0], best[1] + GUESSED)
    raise SkipFile("unknown text encoding (not UTF-8, UTF-16, Shift_JIS or EUC-JP)")


def _finish(text: str, label: str) -> tuple[str, str]:
    if _looks_binary(text):
        raise SkipFile("binary file (not text)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SkipFile("empty")
    return text, label


def load_file(
    path: Path,
    *,
    max_bytes: int = WHOLE_MAX_BYTES,
    within: Path | None = None,
    check: Callable[[], None] | None = None,
) -> LoadedFile:
    """Read and decode one file; ``within`` and ``check`` as for :func:`read_document`."""
    raw, digest = read_document(path, max_bytes=max_bytes, within=within, check=check)
    text, encoding = decode_bytes(raw)
    return LoadedFile(text, encoding, digest, len(raw))


# -- streamed import of large files -----------------------------------------------------------


def open_source(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    within: Path | None = None,
    check: Callable[[], None] | None = None,
    stream_bytes: int | None = None,
) -> Source:
    """A file opened for import: read once, in 1 MiB pieces with ``check`` after each, and
    hashed; or :class:`SkipFile` with the reason, for what :func:`read_document` refuses
    (``within`` as there) and for a file of more than ``max_bytes``.

    A file up to ``stream_bytes`` (default STREAM_BYTES) is then held whole, as
    ``read_document`` holds it. A larger one stays open, for :meth:`Source.decode` to read
    again a piece at a time: close the Source (or use it in a ``with`` block).
    """
    stream_bytes = STREAM_BYTES if stream_bytes is None else stream_bytes
    target, follow, size = _looked_at(path, within, max_bytes)
    try:
        fd = _open_regular(target, follow, within)
    except SkipFile as skip:
        skip.size_bytes = size
        raise
    except OSError as exc:
        raise _unreadable(exc, size) from exc
    kept = False
    try:
        # A file that says it is large is not held even while it is read.
        hold = stream_bytes if size <= stream_bytes else -1
        total, digest, raw = _hashed(fd, max_bytes, hold, check)
        if total > max_bytes:
            raise SkipFile(_too_large(max_bytes).reason, size)
        kept = raw is None
        return Source(total, digest, raw, fd if kept else None, check)
    except OSError as exc:
        raise _unreadable(exc, size) from exc
    finally:
        if not kept:
            os.close(fd)


def _hashed(
    fd: int, max_bytes: int, stream_bytes: int, check: Callable[[], None] | None
) -> tuple[int, str, bytes | None]:
    """``(bytes read, their SHA-256, the bytes if at most stream_bytes)`` of an open file
    read to its end (or to just past ``max_bytes``); SkipFile if it is only whitespace."""
    digest = hashlib.sha256()
    chunks: list[bytes] | None = [] if stream_bytes >= 0 else None
    total = 0
    content = False
    while total <= max_bytes:
        chunk = os.read(fd, min(_READ_CHUNK, max_bytes + 1 - total))
        if not chunk:
            break
        digest.update(chunk)
        total += len(chunk)
        content = content or bool(chunk.strip())
        if chunks is not None:
            chunks.append(chunk)
            if total > stream_bytes:
                chunks = None  # too large to hold: read again when decoded
        if check is not None:
            check()
    if not content and total <= max_bytes:
        raise SkipFile("empty", total)
    return total, digest.hexdigest(), None if chunks is None else b"".join(chunks)


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text as the import stores it: the text itself (a file up to STREAM_BYTES)
    or a :class:`SpooledText`; its encoding label (as :func:`decode_bytes` gives it) and
    its language (:func:`detect_language`)."""

    text: str | SpooledText
    encoding: str
    language: str


class SpooledText:
    """A large file's decoded text, as UTF-8 in a temporary file (deleted when closed):
    what the store writes a piece at a time. ``size`` is its length in UTF-8 bytes,
    ``chars`` in characters; :meth:`chunks` reads it from the start each time (a write
    retried after a busy database reads it again) with ``check`` between pieces."""

    def __init__(self, spool_dir: Path | None, check: Callable[[], None] | None) -> None:
        # Closed by close(), or once nothing refers to the text any more (a batch of saved
        # documents let go of).
        self._file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115
            prefix="genglossary-", dir=spool_dir
        )
        self._closer = weakref.finalize(self, self._file.close)
        self._check = check
        self.size = 0
        self.chars = 0
        #: The first characters, as decoded (line ends as they were) and as stored.
        self.sample = ""
        self.head = ""
        self._cr = False  # the last piece written ended with "\r", held back
        self._content = False  # something but whitespace was written

    def write(self, text: str, *, final: bool = False) -> None:
        if len(self.sample) < _BINARY_SAMPLE:
            self.sample += text[: _BINARY_SAMPLE - len(self.sample)]
        if self._cr:
            text, self._cr = "\r" + text, False
        if text.endswith("\r") and not final:
            text, self._cr = text[:-1], True  # "\r\n" may be cut between two pieces
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if len(self.head) < _LANGUAGE_SAMPLE:
            self.head += text[: _LANGUAGE_SAMPLE - len(self.head)]
        self._content = self._content or (bool(text) and not text.isspace())
        data = text.encode("utf-8")
        self._file.write(data)
        self.size += len(data)
        self.chars += len(text)

    @property
    def empty(self) -> bool:
        return not self._content

    def chunks(self) -> Iterator[bytes]:
        self._file.flush()
        self._file.seek(0)
        while data := self._file.read(_READ_CHUNK):
            if self._check is not None:
                self._check()
            yield data

    def close(self) -> None:
        self._closer()


#: Characters looked at to tell a binary file (:func:`_looks_binary`) and the language.
_BINARY_SAMPLE = 65536
_LANGUAGE_SAMPLE = 100_000
_REPLACEMENT = "\ufffd".encode()


class Source:
    """A file opened for import (:func:`open_source`): its size and SHA-256, and the means
    to decode it. A file up to STREAM_BYTES was read whole (``raw``), as it always was; a
    larger one stays open, and :meth:`decode` reads it again, a piece at a time, checking
    that it is still what was hashed."""

    def __init__(
        self,
        size: int,
        digest: str,
        raw: bytes | None,
        fd: int | None,
        check: Callable[[], None] | None,
    ) -> None:
        self.size, self.digest, self.raw = size, digest, raw
        self._fd, self._check = fd, check

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def decode(self, spool_dir: Path | None = None) -> Decoded:
        """The text, its encoding and language; :class:`SkipFile` with the reason when it
        cannot be imported. A large file's text is written to a temporary file in
        ``spool_dir`` (default: the system's), decoded as :func:`decode_bytes` would decode
        the whole file."""
        if self.raw is not None:
            text, encoding = decode_bytes(self.raw)
            return Decoded(text, encoding, detect_language(text))
        spool, label = _StreamDecoder(self, spool_dir).decode()
        if spool.size > DEFAULT_MAX_BYTES:
            spool.close()
            raise SkipFile(
                f"too large to store (its text is {spool.size / 1_048_576:.0f} MB; the limit "
                f"is {DEFAULT_MAX_BYTES / 1_048_576:.0f} MB)",
                self.size,
            )
        return Decoded(spool, label, detect_language(spool.head))

    def head(self) -> bytes:
        """The first MiB of a large file (what the decisions on its encoding look at)."""
        assert self._fd is not None
        os.lseek(self._fd, 0, os.SEEK_SET)
        return os.read(self._fd, _HEAD_BYTES)

    def passes(self, skip: int = 0) -> Iterator[bytes]:
        """The bytes of a large file from ``skip`` on, read again in pieces; SkipFile if
        they are not the bytes hashed before (the file changed meanwhile)."""
        assert self._fd is not None
        os.lseek(self._fd, 0, os.SEEK_SET)
        digest = hashlib.sha256()
        while chunk := os.read(self._fd, _READ_CHUNK):
            digest.update(chunk)
            if self._check is not None:
                self._check()
            if skip:
                chunk, skip = chunk[skip:], max(0, skip - len(chunk))
            yield chunk
        if digest.hexdigest() != self.digest:
            raise SkipFile("changed while it was read; not imported (import it again)", self.size)


class _StreamDecoder:
    """:func:`decode_bytes` over a file too large to hold: each way of reading it that
    ``decode_bytes`` would try on the whole is a pass over the file, the first that succeeds
    (most files: UTF-8, one pass) gives the text. Decisions ``decode_bytes`` takes on the
    first bytes (BOMs, NULs, UTF-16, the detector's sample) are taken on the same bytes."""

    def __init__(self, source: Source, spool_dir: Path | None) -> None:
        self._source, self._spool_dir = source, spool_dir
        self._head = source.head()

    def _attempt(
        self, codec: str, *, skip: int = 0, errors: str = "strict", finishing: bool = True
    ) -> SpooledText:
        """The file read in ``codec``; UnicodeDecodeError (or LookupError) if it cannot be.
        When the text is the one kept (``finishing``), a binary file stops the pass early."""
        decoder = codecs.getincrementaldecoder(codec)(errors)
        spool = SpooledText(self._spool_dir, self._source._check)
        try:
            checked = False
            for chunk in self._source.passes(skip):
                spool.write(decoder.decode(chunk))
                if finishing and not checked and len(spool.sample) >= _BINARY_SAMPLE:
                    checked = True
                    if _looks_binary(spool.sample):
                        raise SkipFile("binary file (not text)", self._source.size)
            spool.write(decoder.decode(b"", final=True), final=True)
        except BaseException:
            spool.close()
            raise
        return spool

    def _try(self, codec: str, *, finishing: bool = True) -> SpooledText | None:
        try:
            return self._attempt(codec, finishing=finishing)
        except (UnicodeDecodeError, LookupError):
            return None

    def _finish(self, spool: SpooledText, label: str) -> tuple[SpooledText, str]:
        """``_finish`` of :func:`decode_bytes`, on the spooled text."""
        if _looks_binary(spool.sample):
            spool.close()
            raise SkipFile("binary file (not text)", self._source.size)
        if spool.empty:
            spool.close()
            raise SkipFile("empty", self._source.size)
        return spool, label

    def decode(self) -> tuple[SpooledText, str]:  # noqa: C901 -- decode_bytes' order, step by step
        head, size = self._head, self._source.size
        for bom, codec, label in _BOMS:
            if head.startswith(bom):
                try:
                    return self._finish(self._attempt(codec, skip=len(bom)), label)
                except UnicodeDecodeError as exc:
                    raise SkipFile(
                        f"not valid {label} text despite its byte-order mark", size
                    ) from exc
        utf16 = _guess_utf16_without_bom(head, size)
        utf16_label = (utf16 or "").upper().replace("-LE", "LE").replace("-BE", "BE")
        if b"\x00" in head[:65536]:
            spool = self._try(utf16) if utf16 else None
            if spool is not None:
                return self._finish(spool, utf16_label)
            raise SkipFile("binary file (not text)", size)
        spool = self._try("utf-8")
        if spool is not None:
            return self._finish(spool, "UTF-8")
        spool = self._try(utf16) if utf16 else None
        if spool is not None:
            return self._finish(spool, utf16_label)
        spool = self._repaired()
        if spool is not None:
            return self._finish(spool, REPAIRED_UTF8)
        best = self._japanese()
        if best is not None and _looks_japanese(best[0].sample):
            return self._finish(*best)
        for codec in _detected_codecs(head):
            spool = self._try(codec)
            if spool is not None:
                if best is not None:
                    best[0].close()
                return self._finish(spool, _label(codec) + GUESSED)
        if best is not None:
            return self._finish(best[0], best[1] + GUESSED)
        raise SkipFile("unknown text encoding (not UTF-8, UTF-16, Shift_JIS or EUC-JP)", size)

    def _repaired(self) -> SpooledText | None:
        """:func:`_repair_utf8` in a pass: the bytes that are no UTF-8 become U+FFFD, when
        they are few (judged first on the first MiB, then on the whole)."""
        if len(self._head) < self._source.size and _too_damaged(self._head, final=False)[0]:
            return None
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        spool = SpooledText(self._spool_dir, self._source._check)
        bad = valid = 0
        tail = b""
        try:
            for chunk in self._source.passes():
                # U+FFFD already in the file is text, not damage (it may span two pieces).
                joined = tail + chunk
                bad -= joined.count(_REPLACEMENT)
                tail = joined[-2:]
                text = decoder.decode(chunk)
                replaced = text.count("\ufffd")
                bad += replaced
                valid += _non_ascii(text) - replaced
                spool.write(text)
            text = decoder.decode(b"", final=True)
            replaced = text.count("\ufffd")
            bad += replaced
            valid += _non_ascii(text) - replaced
            spool.write(text, final=True)
        except BaseException:
            spool.close()
            raise
        if bad * 100 >= self._source.size or valid < bad:
            spool.close()
            return None
        return spool

    def _japanese(self) -> tuple[SpooledText, str] | None:
        """Shift_JIS or EUC-JP, whichever reads as more Japanese (on the first MiB) and
        decodes the whole file."""
        shares: list[tuple[float, str, str]] = []
        for codec, label in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
            try:
                text = codecs.getincrementaldecoder(codec)().decode(self._head)
            except UnicodeDecodeError:
                continue
            shares.append((_japanese_share(text), codec, label))
        # max() keeps the first of equals: Shift_JIS before EUC-JP, as decode_bytes does.
        for _, codec, label in sorted(shares, key=lambda s: -s[0]):
            spool = self._try(codec, finishing=False)
            if spool is not None:
                return spool, label
        return None


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
    """Split ``text`` into chunks of at most ``max_chars``, at sentence ends where possible.

    Without a sentence end in the window (one long line) the cut falls after the last
    space, so no word is split in two; only text without either is cut hard.
    """
    start = 0
    n = len(text)
    while start < n:
        end = chunk_end(text, start, max_chars)
        yield text[start:end]
        start = end


def chunk_end(text: str, start: int, max_chars: int) -> int:
    """Where the chunk of ``text`` that starts at ``start`` ends (:func:`split_chunks`). It
    depends only on the ``max_chars`` characters from ``start`` and on whether the text
    goes on after them, so text that arrives in pieces is cut the same way once a whole
    window of it is there."""
    n = len(text)
    end = min(start + max_chars, n)
    if end < n:
        window = text[start:end]
        cut = max(window.rfind(c) for c in "。．！？!?\n")
        if cut <= max_chars // 4:
            cut = max(window.rfind(c) for c in " \t\u3000")
        if cut > max_chars // 4:
            end = start + cut + 1
    return end
