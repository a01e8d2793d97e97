"""Reading a document: which of its text is prose, cut into sentences with line numbers.

Markdown (``.md``, ``.markdown``) is parsed by markdown-it-py (CommonMark plus tables).
Paragraphs, list items, block quotes, headings and table cells are prose; fenced and
indented code, HTML blocks and front matter are not; inside prose, HTML tags, link targets
and emphasis marks are left out and inline code keeps only its text (a sentence
"`kubectl` is a command-line tool" still defines kubectl; term extraction blanks it, so that
code tokens never become terms). A plain-text file is read line by line: a blank line ends a
paragraph, and a heading, list item or quote mark ("#", "-", "1.", ">") starts one.

In both, a heading is a sentence of its own, a "LABEL:" lead-in in capitals ends the
sentence before it ("BACKGROUND: …" in a structured abstract), and a title line at the top of
the document stands alone.

A document too large to hold whole (one stored as a stream) is read in parts
(:func:`parts`): each a :class:`Part`, cut where reading the parts one by one gives what
reading the whole text would give (the same blocks, sentences and line numbers).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from genglossary_gui.pipeline.text import is_japanese


@dataclass(frozen=True, slots=True)
class Sentence:
    path: str
    line: int  # 1-based line where the sentence starts
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, a paragraph (or list item, or quote) or a table cell: the prose of each of
    its lines, with the line's 1-based number."""

    kind: Literal["heading", "text", "cell"]
    lines: tuple[tuple[int, str], ...]


class Part(str):
    """Some consecutive lines of a document read in parts: the text itself, the number of
    line breaks before it in the document, and whether it is the document's first and its
    last part. Whatever reads a document's text reads a Part the same way (it is a ``str``):
    line numbers count from the document's start, front matter and a title line are looked
    for in the first part only, and term extraction joins a document's parts up again."""

    lines_before: int
    first: bool
    last: bool

    def __new__(cls, text: str, lines_before: int = 0, *, first: bool, last: bool) -> Part:
        part = super().__new__(cls, text)
        part.lines_before, part.first, part.last = lines_before, first, last
        return part


def position(text: str) -> tuple[int, bool, bool]:
    """``(line breaks before it, first part, last part)`` of a :class:`Part`; a whole
    document's text is ``(0, True, True)``."""
    if isinstance(text, Part):
        return text.lines_before, text.first, text.last
    return 0, True, True


def is_markdown(path: str) -> bool:
    """Markdown is read as Markdown (its code and markup are not prose); a .txt file as it is
    (a text about HTML may well mention "<div>")."""
    return path.lower().endswith((".md", ".markdown"))


def sentences(path: str, text: str, *, inline_code: bool = True) -> Iterator[Sentence]:
    """The sentences of a document, each with the line it starts on (code blocks left out).
    Without ``inline_code`` a Markdown code span is blanked too: what looks for new terms
    (mining) must not take an identifier for one."""
    blocks = (
        markdown_blocks(text, keep_inline_code=inline_code)
        if is_markdown(path)
        else text_blocks(text)
    )
    first_part = position(text)[1]
    for i, block in enumerate(blocks):
        yield from _block_sentences(path, block, first=first_part and i == 0)


def prose(text: str, *, markdown: bool) -> str:
    """The document's prose for term extraction: Markdown's blocks with inline code blanked,
    one block per paragraph (a blank line between, so that no phrase runs from a heading
    into the text below it); plain text as it is; in both, web and mail addresses blanked."""
    if markdown:
        text = "\n\n".join(
            "\n".join(line for _, line in block.lines)
            for block in markdown_blocks(text, keep_inline_code=False)
        )
    # Addresses are not prose: "github.com/pyenv" gives no terms (and no lower-case "github").
    return (
        _ADDRESS.sub(_blanked, text) if ("://" in text or "@" in text or "www." in text) else text
    )


_ADDRESS = re.compile(
    r"\b(?:https?|ftp|file)://\S+|\bwww\.\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)


def _blanked(match: re.Match[str]) -> str:
    return " " * len(match.group())


# -- Markdown ---------------------------------------------------------------------------------

# CommonMark with tables; nesting beyond 20 levels is read as text (markdown-it's guard).
_MARKDOWN = MarkdownIt("commonmark", {"maxNesting": 20}).enable("table")
# Front matter: "---", then "key: value" lines (a thematic break followed by text is none).
_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\n[A-Za-z0-9_-]+[ \t]*:.*\n(?:.*\n){0,200}?---[ \t]*(?:\n|\Z)"
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
#: Markdown is parsed in pieces of about this size, cut at blank lines outside code fences:
#: the parser's time and memory grow faster than the text on some inputs (a 4 MB table
#: takes 1.5 GB), pieces keep both bounded.
PIECE_CHARS = 64_000
#: A piece with no blank line to cut at and larger than this is read as plain text.
MAX_PIECE_CHARS = 128_000
_KIND_AFTER: dict[str, Literal["heading", "text", "cell"]] = {
    "heading_open": "heading",
    "paragraph_open": "text",
    "th_open": "cell",
    "td_open": "cell",
}
_GAPS = re.compile(r"[ \t]{2,}")


def markdown_blocks(text: str, *, keep_inline_code: bool = True) -> list[Block]:
    """The prose blocks of a Markdown document in order. Front matter (a "---" block at the
    very top) is skipped, so are code and HTML blocks, which markdown-it reports as block
    tokens of their own and which therefore never reach an ``inline`` token. Line numbers
    of a :class:`Part` count from the document's start; only a first part has front
    matter."""
    offset, first, _ = position(text)
    front = _FRONT_MATTER.match(text) if first else None
    if front is not None:
        offset = front.group().count("\n")
        text = text[front.end() :]
    blocks: list[Block] = []
    for first_line, piece in _pieces(text):
        if len(piece) > MAX_PIECE_CHARS:
            blocks += [
                Block(b.kind, tuple((offset + first_line + n, line) for n, line in b.lines))
                for b in text_blocks(piece)
            ]
        else:
            blocks += _parsed_blocks(piece, offset + first_line, keep_inline_code)
    return blocks


def fence_after(fence: str, line: str) -> str:
    """The code fence open after ``line`` ("" outside one), given the one open before it: a
    fence is closed by one of the same character, as long at least, and nothing else."""
    opening = _FENCE.match(line)
    if fence:
        mark = opening.group(1) if opening is not None else ""
        closes = mark[:1] == fence[0] and len(mark) >= len(fence)
        return "" if closes and not line.strip().strip(mark[0]) else fence
    return opening.group(1) if opening is not None else ""


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """``(lines before it, piece)``: the text cut at blank lines outside code fences once a
    piece has PIECE_CHARS characters (a short document is one piece)."""
    if len(text) <= PIECE_CHARS:
        yield 0, text
        return
    lines = text.split("\n")
    start, size, fence = 0, 0, ""
    for i, line in enumerate(lines):
        size += len(line) + 1
        inside = bool(fence)
        fence = fence_after(fence, line)
        if not inside and not fence and size >= PIECE_CHARS and not line.strip():
            yield start, "\n".join(lines[start : i + 1])
            start, size = i + 1, 0
    if start < len(lines):
        yield start, "\n".join(lines[start:])


#: A document read in parts (one stored as a stream) comes in parts of about this many
#: characters: enough that the cuts are rare, few enough that a part's sentences, blocks
#: and markup tokens stay a few tens of MB.
PART_CHARS = 4_000_000
#: A part grows past this only when its text has no place to cut (no blank line outside a
#: code fence); then it is cut at the end of a line, or, in a line this long, at a space.
_PART_LIMIT = 4


def parts(path: str, chunks: Iterable[str], part_chars: int | None = None) -> Iterator[Part]:
    """A document's text, given in ``chunks`` of any size, as :class:`Part` objects of about
    ``part_chars`` (default PART_CHARS) characters (a shorter text is one part).

    Each part ends after a blank line: in Markdown, one outside code fences where
    :func:`markdown_blocks` cuts its pieces (front matter left whole in the first part), so
    the parts give the very blocks, sentences and line numbers of the whole text; in plain
    text, any blank line (it ends a paragraph). Only text with no such line for
    ``_PART_LIMIT`` parts on end is cut elsewhere (at a line end; a code fence open there
    is opened again at the top of the next part).
    """
    previous: tuple[int, str] | None = None
    first = True
    size = PART_CHARS if part_chars is None else part_chars
    for segment in _segments(is_markdown(path), iter(chunks), size):
        if previous is not None:
            yield Part(previous[1], previous[0], first=first, last=False)
            first = False
        previous = segment
    if previous is not None:
        yield Part(previous[1], previous[0], first=first, last=True)


def _segments(markdown: bool, chunks: Iterator[str], part_chars: int) -> Iterator[tuple[int, str]]:
    """``(line breaks before it, text)`` of each part of the text of ``chunks``."""
    cutter = _Cutter(markdown, part_chars)
    text = ""  # from the start of the part being made
    for chunk in chunks:
        text += chunk
        while (cut := cutter.cut(text)) is not None:
            yield cutter.lines_before, text[:cut]
            text = cutter.next_part(text, cut)
    if text:
        yield cutter.lines_before, text


#: A line of nothing but white space (with its line break).
_BLANK_LINE = re.compile(r"^[^\S\n]*\n", re.MULTILINE)


class _Cutter:
    """Where :func:`parts` ends a part: :meth:`cut` is given the text from the start of the
    part being made and answers where it ends, or None until more text is there."""

    def __init__(self, markdown: bool, part_chars: int) -> None:
        self.markdown, self.part_chars = markdown, part_chars
        self.limit = max(part_chars, PIECE_CHARS) * _PART_LIMIT
        self.lines_before = 0
        self._front_done = not markdown
        # Markdown: where the line scan goes on, the fence open there and the line that
        # opened it, where markdown_blocks' piece being measured began.
        self._scan = self._piece_start = 0
        self._fence = self._fence_line = ""

    def cut(self, text: str) -> int | None:
        if not self._front_done:
            # Front matter is at most 202 lines: decided once that many are here.
            if text.count("\n") < 203 and len(text) < self.limit:
                return None
            self._front_done = True
            front = _FRONT_MATTER.match(text)
            if front is not None:
                self._scan = self._piece_start = front.end()
        at = self._markdown_cut(text) if self.markdown else self._text_cut(text)
        if at is None and len(text) >= self.limit:
            return self._forced_cut(text)
        return at

    def _text_cut(self, text: str) -> int | None:
        """After the first blank line that ends ``part_chars`` or more into the part."""
        if len(text) < self.part_chars:
            return None
        line_start = text.rfind("\n", 0, max(self.part_chars - 1, 0)) + 1
        blank = _BLANK_LINE.search(text, line_start)
        return None if blank is None else blank.end()

    def _markdown_cut(self, text: str) -> int | None:
        """After a blank line outside code fences where markdown_blocks ends a piece
        (:func:`_pieces`), once the part has ``part_chars``: each part then starts a piece,
        as it does in the whole text."""
        at, fence = self._scan, self._fence
        try:
            while (end := text.find("\n", at)) >= 0:
                start, at = at, end + 1
                head = text[start : start + 4]  # a fence mark starts within three spaces
                if "`" in head or "~" in head:
                    inside = bool(fence)
                    line = text[start:end]
                    fence = fence_after(fence, line)
                    if fence and not inside:
                        self._fence_line = line
                elif (
                    not fence
                    and at - self._piece_start >= PIECE_CHARS
                    and (end == start or text[start:end].isspace())
                ):
                    self._piece_start = at  # where markdown_blocks ends a piece
                    if at >= self.part_chars:
                        return at
            return None
        finally:
            self._scan, self._fence = at, fence

    def _forced_cut(self, text: str) -> int:
        """No place to cut in ``limit`` characters: at the last line end before it, or (one
        line as long) after its last space. A code fence open there is opened again at the
        top of the next part."""
        cut = text.rfind("\n", 0, self.limit) + 1
        if cut <= 0:
            cut = max(text.rfind(" ", 0, self.limit), text.rfind("\t", 0, self.limit)) + 1
        cut = cut if cut > 0 else self.limit
        if self.markdown:
            fence, line_start = "", 0
            while (end := text.find("\n", line_start, cut)) >= 0:
                line = text[line_start:end]
                opened = fence_after(fence, line)
                if opened and not fence:
                    self._fence_line = line
                fence, line_start = opened, end + 1
            self._fence = fence
        return cut

    def next_part(self, text: str, cut: int) -> str:
        """The text after ``cut``, as the start of the next part (which starts a piece)."""
        self.lines_before += text.count("\n", 0, cut)
        rest = text[cut:]
        if self._fence:  # a forced cut inside a code fence
            rest = self._fence_line + "\n" + rest
            self.lines_before -= 1  # the fence's line stands for the last line before
        self._scan = self._piece_start = 0
        self._fence = ""
        return rest


def _parsed_blocks(text: str, offset: int, keep_inline_code: bool) -> list[Block]:
    blocks: list[Block] = []
    tokens = _MARKDOWN.parse(text)
    for before, token in pairwise(tokens):
        if token.type != "inline" or token.map is None:
            continue
        kind = _KIND_AFTER.get(before.type, "text")
        first = token.map[0] + offset + 1
        lines = tuple(
            (first + n, line)
            for n, line in enumerate(_inline_lines(token, keep_inline_code))
            if line
        )
        if lines:
            blocks.append(Block(kind, lines))
    return blocks


def _inline_lines(token: Token, keep_code: bool) -> list[str]:
    """The words of an inline token, one string per source line: text and (with
    ``keep_code``) the text of code spans; no HTML tags, link targets or emphasis marks."""
    lines: list[list[str]] = [[]]
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            lines[-1].append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            lines.append([])
        elif kind == "code_inline":
            lines[-1].append(child.content if keep_code else " ")
        elif kind == "html_inline" and child.content.lower().startswith("<br"):
            lines[-1].append(" ")
        # html_inline, images, link and emphasis open/close marks carry no prose of their own
    return [_GAPS.sub(" ", "".join(parts)).strip() for parts in lines]


# -- Plain text -------------------------------------------------------------------------------

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]\s+|\d+[.)]\s+|>\s?)")


def text_blocks(text: str) -> list[Block]:
    """Paragraphs of a plain-text file: lines up to a blank line; a "#" heading is a block of
    its own; a list item or quote starts a new paragraph, which the lines wrapped after it
    continue. Lines of a "|" table or a "```" fence end a paragraph and are skipped. Line
    numbers of a :class:`Part` count from the document's start."""
    blocks: list[Block] = []
    paragraph: list[tuple[int, str]] = []

    def close() -> None:
        if paragraph:
            blocks.append(Block("text", tuple(paragraph)))
            paragraph.clear()

    for number, raw in enumerate(text.split("\n"), start=position(text)[0] + 1):
        line = raw.strip()
        if not line or line.startswith(("```", "|")):
            close()
        elif _HEADING.match(raw):
            close()
            blocks.append(Block("heading", ((number, _HEADING.sub("", raw).strip()),)))
        elif _ITEM.match(raw):
            close()
            item = _ITEM.sub("", raw).strip()
            if item:
                paragraph.append((number, item))
        else:
            paragraph.append((number, line))
    close()
    return blocks


# -- Sentences --------------------------------------------------------------------------------

# Sentence ends: Japanese full stops always; English . ! ? before a space and a capital,
# digit, quote or bracket.
_JA_END = re.compile("(?<=[。！？])")
_EN_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9\u3000-\u9fff])")
_MAX_SENTENCE_CHARS = 600
#: A lead-in label in capitals, as structured abstracts and reports have ("BACKGROUND:",
#: "STUDY DESIGN:"): six letters or more, or several words, so that an acronym a glossary
#: list defines ("MVCC: a technique …") stays text.
_LABEL = re.compile(r"^(?:[A-Z]{6,}|[A-Z]{2,}(?:[ &/-]+[A-Z]{2,})+):(?:\s+|$)")


def _block_sentences(path: str, block: Block, *, first: bool) -> Iterator[Sentence]:
    lines = list(block.lines)
    if block.kind != "text":
        yield from _split(path, lines)
        return
    if first and len(lines) > 1 and _looks_like_title(lines[0][1]):
        # A title line ("The Multimedia Articulation of Answers") above its text.
        yield from _split(path, lines[:1])
        lines = lines[1:]
    group: list[tuple[int, str]] = []
    for number, line in lines:
        label = _LABEL.match(line)
        if label is not None:
            # "BACKGROUND: Heart failure is …": the label ends what came before it.
            yield from _split(path, group)
            group = []
            rest = line[label.end() :].strip()
            if rest:
                group.append((number, rest))
            continue
        group.append((number, line))
    yield from _split(path, group)


def _looks_like_title(line: str) -> bool:
    """The first line of a document stands alone when it reads as a title: no closing
    punctuation, and (English) most longer words capitalised. A first line of hard-wrapped
    prose ("A glossary is a list of terms with their") is none, nor is any Japanese line
    (Japanese titles are headings; a wrapped first line is prose)."""
    if line.endswith((".", "!", "?", ":", ";", ",", "。", "！", "？", "、")):
        return False
    if is_japanese(line):
        return False
    words = [w for w in line.split() if len(w) > 3]
    capitalised = sum(1 for w in words if w[0].isupper())
    return len(line.split()) <= 16 and bool(words) and capitalised >= 0.6 * len(words)


#: Japanese script and its punctuation (、。「」 and full-width forms): no space at a break.
_WIDE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _joins_without_space(before: str, after: str) -> bool:
    return bool(before and after) and bool(_WIDE.match(before[-1]) and _WIDE.match(after[0]))


def _split(path: str, lines: Sequence[tuple[int, str]]) -> Iterator[Sentence]:
    """Sentences of a paragraph (its lines joined), each with the line it starts on."""
    if not lines:
        return
    starts: list[int] = []  # offset in the joined text where each line begins
    pieces: list[str] = []
    offset = 0
    for i, (_, line) in enumerate(lines):
        if i:
            # A line break inside Japanese text is no space ("…加える\n方法を…" is one
            # word run); between English words, or a word and Japanese, it is one.
            separator = "" if _joins_without_space(lines[i - 1][1], line) else " "
            pieces.append(separator)
            offset += len(separator)
        starts.append(offset)
        pieces.append(line)
        offset += len(line)
    joined = "".join(pieces)
    position = 0
    for piece in _JA_END.split(joined):
        for part in _EN_END.split(piece):
            sentence = part.strip()
            if not sentence:
                continue
            at = joined.find(sentence, position)
            if at >= 0:
                position = at + len(sentence)
                index = bisect_right(starts, at) - 1
            else:
                index = 0
            yield Sentence(path, lines[index][0], sentence[:_MAX_SENTENCE_CHARS])
