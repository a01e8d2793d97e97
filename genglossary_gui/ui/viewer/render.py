"""A document as the viewer shows it: a list of :class:`Line` objects, one per block of the
text view, each knowing the source line it comes from (to scroll to "line N") and which of
its text is prose (where terms are highlighted).

Markdown is parsed by markdown-it-py (CommonMark and tables) in pieces cut at blank lines
outside code fences, the first one small so that the first screen shows at once. Headings,
paragraphs, list items, quotes and table cells are prose; code (fenced, indented, inline),
HTML and front matter are shown but are not prose, as the extractor reads them
(``pipeline/reading.py``). A plain-text file is shown line by line, as it is.

No Qt here: this runs on a worker thread.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token

from genglossary_gui.pipeline.reading import fence_after, is_markdown

# Inline style flags.
BOLD = 1
ITALIC = 2
CODE = 4
LINK = 8
MUTED = 16


class Kind(StrEnum):
    HEADING = "heading"
    TEXT = "text"  # a paragraph, a list item's paragraph
    QUOTE = "quote"  # a paragraph in a block quote
    CODE = "code"  # a line of a code block, front matter or an HTML block
    TABLE = "table"  # a row of a table (monospace, cells aligned)
    RULE = "rule"  # a thematic break
    BLANK = "blank"  # the space between two blocks
    PLAIN = "plain"  # a line of a plain-text file


class Line(NamedTuple):
    """One block of the text view.

    The viewer keeps its lines as plain tuples (``tuple(line)``; read back with
    ``Line._make``): a tuple of strings, numbers and such tuples is one the garbage
    collector stops tracking, where 50,000 objects of a class (a 5 MB document) add more
    than 10 ms to each of its full passes, which stop every thread."""

    #: A :class:`Kind` value (a plain string: an enum member would keep the tuple tracked).
    kind: str
    text: str
    #: The 1-based source line the block starts on (of the blank before a block: the last
    #: line of the block above).
    line: int
    #: A heading's level (1-6), else 0.
    level: int = 0
    #: ``(start, end, flags)``: inline styles (BOLD, ITALIC, CODE, LINK, MUTED).
    styles: tuple[tuple[int, int, int], ...] = ()
    #: ``(offset, source line)``: where the block's later source lines begin in ``text``.
    breaks: tuple[tuple[int, int], ...] = ()
    #: Whether terms are looked for in it (code, markup and blank lines are not prose).
    prose: bool = True
    #: ``(start, end)`` ranges of the text that are not prose (inline code, list marks).
    skip: tuple[tuple[int, int], ...] = ()
    #: Offsets of characters outside the Basic Multilingual Plane (two UTF-16 units in Qt).
    wide: tuple[int, ...] = ()

    def source_line_at(self, offset: int) -> int:
        """The source line of the character at ``offset``."""
        line = self.line
        for at, number in self.breaks:
            if at > offset:
                break
            line = number
        return line

    def offset_of_line(self, number: int) -> int:
        """Where source line ``number`` begins in the text (0 if it is the first)."""
        offset = 0
        for at, line in self.breaks:
            if line > number:
                break
            offset = at
        return offset

    def matchable(self) -> str:
        """The text with what is not prose blanked (same length), "" if none of it is."""
        if not self.prose:
            return ""
        if not self.skip:
            return self.text
        chars = list(self.text)
        for start, end in self.skip:
            chars[start:end] = " " * (end - start)
        return "".join(chars)


#: Characters that would change the text view's block structure or show as nothing.
_CONTROL = {c: "\ufffd" for c in [*range(0, 9), *range(11, 32), 0x7F, 0x2029]}
_WIDE = re.compile("[\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """``text`` with control characters (and the paragraph separator, which would start a
    new block) shown as the replacement character; the length is kept."""
    return text.translate(_CONTROL)


def _wide(text: str) -> tuple[int, ...]:
    if text.isascii():
        return ()
    return tuple(m.start() for m in _WIDE.finditer(text))


def make_line(kind: Kind, text: str, line: int, **kwargs: object) -> Line:
    text = clean(text)
    return Line(kind.value, text, line, wide=_wide(text), **kwargs)  # type: ignore[arg-type]


# -- the whole document -----------------------------------------------------------------------

#: Characters of the first Markdown piece: small, so the first screen is up at once.
FIRST_PIECE_CHARS = 6_000
#: Markdown is parsed in pieces of about this size, cut at blank lines outside code fences
#: (as ``pipeline/reading.py`` does: the parser's time and memory grow faster than the
#: text on some inputs).
PIECE_CHARS = 8_000
#: A piece with no blank line to cut at and larger than this is shown as plain text.
MAX_PIECE_CHARS = 128_000
#: Lines per batch of a plain-text file (the first batch smaller).
PLAIN_BATCH = 1_500


def render(path: str, text: str, image: str = "image") -> Iterator[list[Line]]:
    """The document's lines, in batches (each a whole number of blocks). ``image``: what an
    image without a description shows, in brackets (the caller translates it)."""
    if is_markdown(path):
        yield from render_markdown(text, image)
    else:
        yield from render_plain(text)


def render_plain(text: str) -> Iterator[list[Line]]:
    """A plain-text file line by line, as it is (a line end's "\\r" dropped)."""
    batch: list[Line] = []
    size = 150
    for number, (_, raw) in enumerate(_lines(text), start=1):
        batch.append(make_line(Kind.PLAIN, raw.removesuffix("\r"), number))
        if len(batch) >= size:
            yield batch
            batch, size = [], PLAIN_BATCH
    if batch:
        yield batch


_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\n[A-Za-z0-9_-]+[ \t]*:.*\n(?:.*\n){0,200}?---[ \t]*(?:\n|\Z)"
)


def render_markdown(text: str, image: str = "image") -> Iterator[list[Line]]:
    text = text.replace("\r\n", "\n")
    offset = 0
    front = _FRONT_MATTER.match(text)
    if front is not None:
        lines = front.group().rstrip("\n").split("\n")
        yield [
            make_line(Kind.CODE, line, n, prose=False, styles=((0, len(line), MUTED),))
            for n, line in enumerate(lines, start=1)
        ]
        offset = front.group().count("\n")
        text = text[front.end() :]
    first = True
    for before, piece in pieces(text):
        if len(piece) > MAX_PIECE_CHARS:
            lines = [
                make_line(Kind.PLAIN, raw, offset + before + n)
                for n, (_, raw) in enumerate(_lines(piece), start=1)
            ]
        else:
            lines = _MarkdownRenderer(offset + before, image).render(piece)
        if lines and not first:
            lines.insert(0, make_line(Kind.BLANK, "", offset + before, prose=False))
        first = first and not lines
        if lines:
            yield lines


def pieces(text: str) -> Iterator[tuple[int, str]]:
    """``(lines before it, piece)``: the text cut at blank lines outside code fences, the
    first piece once it has FIRST_PIECE_CHARS characters, the others PIECE_CHARS."""
    first_line, first_char = 0, 0  # where the piece being measured starts
    fence, limit = "", FIRST_PIECE_CHARS
    i = -1
    for i, (at, line) in enumerate(_lines(text)):
        inside = bool(fence)
        fence = fence_after(fence, line)
        if (
            not inside
            and not fence
            and at + len(line) + 1 - first_char >= limit
            and not line.strip()
        ):
            yield first_line, text[first_char : at + len(line)]
            first_line, first_char, limit = i + 1, at + len(line) + 1, PIECE_CHARS
    if first_line <= i:
        yield first_line, text[first_char:]


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, line)`` of each line (without a list of them all: a 5 MB text has 100,000
    lines, which the garbage collector would visit each pass while it lived)."""
    at = 0
    while True:
        end = text.find("\n", at)
        if end < 0:
            yield at, text[at:]
            return
        yield at, text[at:end]
        at = end + 1


# -- Markdown ---------------------------------------------------------------------------------

_MARKDOWN = MarkdownIt("commonmark", {"maxNesting": 20}).enable("table")
_BULLETS = ("•", "◦", "▪")
_QUOTE_MARK = "▍ "
_INDENT = "\u2003\u2003"  # two em spaces per level of nesting
_RULE = "─" * 48
_MAX_CELL = 48  # a wider cell is not padded (its row runs longer)


@dataclass(slots=True)
class _Container:
    kind: str  # "quote" or "item"
    marker: str = ""  # an item's mark, until its first block has shown it


@dataclass(slots=True)
class _Inline:
    """An inline token's text with its styles, breaks and non-prose ranges."""

    text: str
    styles: list[tuple[int, int, int]]
    breaks: list[tuple[int, int]]
    skip: list[tuple[int, int]]


@dataclass(slots=True)
class _Table:
    line: int = 0
    rows: list[tuple[int, bool, list[_Inline]]] = field(default_factory=list)
    cells: list[_Inline] = field(default_factory=list)
    row_line: int = 0


class _MarkdownRenderer:
    """One piece's tokens to lines."""

    def __init__(self, offset: int, image: str = "image") -> None:
        self.offset = offset  # lines of the document before the piece
        self.image = image  # the text of an image without a description
        self.lines: list[Line] = []
        self.stack: list[_Container] = []
        self.lists: list[list[int]] = []  # per open list: [next number] (-1: bullets)
        self.table: _Table | None = None
        self.header = False

    def render(self, text: str) -> list[Line]:
        tokens = _MARKDOWN.parse(text)
        kind = Kind.TEXT
        level = 0
        for before, token in pairwise([Token("start", "", 0), *tokens]):
            if token.type == "inline":
                self._inline_block(token, before, kind, level)
                continue
            kind, level = self._block(token, kind, level)
        return self.lines

    def _first_line(self, token: Token) -> int:
        return self.offset + (token.map[0] if token.map else 0) + 1

    def _block(self, token: Token, kind: Kind, level: int) -> tuple[Kind, int]:
        t = token.type
        if t == "heading_open":
            self._gap()
            return Kind.HEADING, int(token.tag[1:])
        if t == "heading_close":
            return Kind.TEXT, 0
        handler = _HANDLERS.get(t)
        if handler is not None:
            handler(self, token)
        return kind, level

    def _paragraph(self, token: Token) -> None:
        if not token.hidden:
            self._gap()

    def _list_open(self, token: Token) -> None:
        if not self.stack or self.stack[-1].kind != "item":
            self._gap()
        ordered = token.type == "ordered_list_open"
        self.lists.append([int(token.attrGet("start") or 1) if ordered else -1])

    def _list_close(self, _token: Token) -> None:
        self.lists.pop()

    def _item_open(self, _token: Token) -> None:
        self.stack.append(_Container("item", self._marker()))

    def _quote_open(self, _token: Token) -> None:
        self._gap()
        self.stack.append(_Container("quote"))

    def _container_close(self, _token: Token) -> None:
        self.stack.pop()

    def _rule(self, token: Token) -> None:
        self._gap()
        self._add(Kind.RULE, _RULE, self._first_line(token), (), prose=False, muted=True)

    def _marker(self) -> str:
        counter = self.lists[-1] if self.lists else [-1]
        if counter[0] < 0:
            depth = sum(1 for c in self.stack if c.kind == "item")
            return _BULLETS[depth % len(_BULLETS)] + " "
        number = counter[0]
        counter[0] += 1
        return f"{number}. "

    def _gap(self) -> None:
        if self.lines and self.lines[-1].kind != Kind.BLANK:
            last = self.lines[-1]
            end = last.breaks[-1][1] if last.breaks else last.line
            self.lines.append(make_line(Kind.BLANK, "", end, prose=False))

    def _prefix(self) -> tuple[str, list[tuple[int, int, int]]]:
        """The marks of the containers a block is in: quote bars, list indents, the mark of
        an item's first block. Returns the text and its muted ranges."""
        parts: list[str] = []
        styles: list[tuple[int, int, int]] = []
        items = [c for c in self.stack if c.kind == "item"]
        for container in self.stack:
            at = sum(len(p) for p in parts)
            if container.kind == "quote":
                parts.append(_QUOTE_MARK)
                styles.append((at, at + len(_QUOTE_MARK), MUTED))
            elif container is items[-1]:
                mark = container.marker or " " * 2
                indent = _INDENT * (len(items) - 1)
                parts.append(indent + mark)
                container.marker = ""
                styles.append((at, at + len(indent) + len(mark), MUTED))
        return "".join(parts), styles

    def _add(
        self,
        kind: Kind,
        text: str,
        line: int,
        styles: tuple[tuple[int, int, int], ...],
        *,
        prose: bool,
        muted: bool = False,
        level: int = 0,
        breaks: tuple[tuple[int, int], ...] = (),
        skip: tuple[tuple[int, int], ...] = (),
    ) -> None:
        prefix, marks = self._prefix()
        n = len(prefix)
        shifted = tuple((s + n, e + n, f) for s, e, f in styles)
        if muted:
            shifted = ((n, n + len(text), MUTED), *shifted)
        self.lines.append(
            make_line(
                kind,
                prefix + text,
                line,
                level=level,
                styles=(*marks, *shifted),
                breaks=tuple((at + n, number) for at, number in breaks),
                prose=prose,
                skip=((0, n), *((s + n, e + n) for s, e in skip)) if n else skip,
            )
        )

    def _inline_block(self, token: Token, before: Token, kind: Kind, level: int) -> None:
        first = self._first_line(token)
        inline = _inline(token, first, self.image)
        if before.type in ("th_open", "td_open"):
            if self.table is not None:
                self.table.cells.append(inline)
            return
        if kind == Kind.TEXT and any(c.kind == "quote" for c in self.stack):
            kind = Kind.QUOTE
        styles = tuple(inline.styles)
        if kind == Kind.HEADING:
            styles = ((0, len(inline.text), BOLD), *styles)
        self._add(
            kind,
            inline.text,
            first,
            styles,
            prose=True,
            level=level,
            breaks=tuple(inline.breaks),
            skip=tuple(inline.skip),
        )

    def _code(self, token: Token) -> None:
        self._gap()
        first = self._first_line(token) + (1 if token.type == "fence" else 0)
        content = token.content.removesuffix("\n")
        for n, line in enumerate(content.split("\n")):
            self._add(Kind.CODE, line, first + n, ((0, len(line), CODE),), prose=False)

    def _html(self, token: Token) -> None:
        content = token.content.strip("\n")
        if content.lstrip().startswith("<!--"):
            return  # a comment: not shown by a renderer either
        self._gap()
        first = self._first_line(token)
        for n, line in enumerate(content.split("\n")):
            self._add(Kind.CODE, line, first + n, ((0, len(line), CODE),), prose=False, muted=True)

    # -- tables -----------------------------------------------------------------------------

    def _table_token(self, token: Token) -> None:
        t = token.type
        if t == "table_open":
            self._gap()
            self.table = _Table(line=self._first_line(token))
        elif t == "thead_open":
            self.header = True
        elif t == "thead_close":
            self.header = False
        elif t == "tr_open" and self.table is not None:
            self.table.cells = []
            self.table.row_line = self._first_line(token)
        elif t == "tr_close" and self.table is not None:
            self.table.rows.append((self.table.row_line, self.header, self.table.cells))
        elif t == "table_close" and self.table is not None:
            self._table_lines(self.table)
            self.table = None

    def _table_lines(self, table: _Table) -> None:
        columns = max((len(cells) for _, _, cells in table.rows), default=0)
        widths = [0] * columns
        for _, _, cells in table.rows:
            for i, cell in enumerate(cells):
                widths[i] = max(widths[i], min(_MAX_CELL, _width(cell.text)))
        for line, header, cells in table.rows:
            self._table_row(line, header, cells, widths)
            if header:
                rule = "─┼─".join("─" * w for w in widths)
                self._add(Kind.TABLE, rule, line, ((0, len(rule), CODE),), prose=False, muted=True)

    def _table_row(self, line: int, header: bool, cells: list[_Inline], widths: list[int]) -> None:
        text = ""
        styles: list[tuple[int, int, int]] = []
        skip: list[tuple[int, int]] = []
        for i, width in enumerate(widths):
            cell = cells[i] if i < len(cells) else _Inline("", [], [], [])
            if i:
                styles.append((len(text), len(text) + 3, MUTED | CODE))
                text += " │ "
            at = len(text)
            flags = CODE | (BOLD if header else 0)
            styles.append((at, at + len(cell.text), flags))
            styles += [(s + at, e + at, f) for s, e, f in cell.styles]
            skip += [(s + at, e + at) for s, e in cell.skip]
            padding = " " * max(0, width - _width(cell.text))
            text += cell.text.replace("\u2028", " ") + padding
        self._add(Kind.TABLE, text, line, tuple(styles), prose=True, skip=tuple(skip))


_HANDLERS: dict[str, Callable[[_MarkdownRenderer, Token], None]] = {
    "paragraph_open": _MarkdownRenderer._paragraph,
    "bullet_list_open": _MarkdownRenderer._list_open,
    "ordered_list_open": _MarkdownRenderer._list_open,
    "bullet_list_close": _MarkdownRenderer._list_close,
    "ordered_list_close": _MarkdownRenderer._list_close,
    "list_item_open": _MarkdownRenderer._item_open,
    "blockquote_open": _MarkdownRenderer._quote_open,
    "list_item_close": _MarkdownRenderer._container_close,
    "blockquote_close": _MarkdownRenderer._container_close,
    "fence": _MarkdownRenderer._code,
    "code_block": _MarkdownRenderer._code,
    "html_block": _MarkdownRenderer._html,
    "hr": _MarkdownRenderer._rule,
    **dict.fromkeys(
        ("table_open", "thead_open", "thead_close", "tr_open", "tr_close", "table_close"),
        _MarkdownRenderer._table_token,
    ),
}


def _width(text: str) -> int:
    """Columns the text takes in a monospace font (East Asian wide characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _inline(token: Token, first_line: int, image: str = "image") -> _Inline:
    """The text of an inline token, its styles (emphasis, code, links), where its later
    source lines start, and the ranges that are not prose (code spans, image texts)."""
    text: list[str] = []
    size = 0
    styles: list[tuple[int, int, int]] = []
    breaks: list[tuple[int, int]] = []
    skip: list[tuple[int, int]] = []
    depth = {BOLD: 0, ITALIC: 0, LINK: 0}
    line = first_line

    def add(content: str, extra: int = 0) -> tuple[int, int]:
        nonlocal size
        start = size
        text.append(content)
        size += len(content)
        flags = extra | sum(flag for flag, n in depth.items() if n)
        if flags and content:
            styles.append((start, size, flags))
        return start, size

    for child in token.children or ():
        kind = child.type
        if kind in ("text", "text_special"):
            add(child.content)
        elif kind == "code_inline":
            skip.append(add(child.content, CODE))
        elif kind in ("softbreak", "hardbreak"):
            add(" " if kind == "softbreak" else "\u2028")
            line += 1
            breaks.append((size, line))
        elif kind == "html_inline":
            if child.content.lower().startswith("<br"):
                add("\u2028")
        elif kind == "image":
            skip.append(add(f"[{child.content or image}]", ITALIC | MUTED))
        elif kind.endswith("_open") or kind.endswith("_close"):
            flag = _FLAGS.get(kind.rsplit("_", 1)[0])
            if flag is not None:
                depth[flag] = max(0, depth[flag] + (1 if kind.endswith("_open") else -1))
    return _Inline("".join(text), styles, breaks, skip)


_FLAGS = {"strong": BOLD, "em": ITALIC, "link": LINK}
