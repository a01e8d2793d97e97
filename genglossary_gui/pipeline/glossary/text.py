"""Sentences with their line numbers, and finding terms in them."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sentence:
    path: str
    line: int  # 1-based line where the sentence starts
    text: str


# Sentence ends: Japanese full stops always; English . ! ? before a space/end. Blank lines and
# Markdown headings/list items also end a sentence.
_JA_END = "。！？"
_EN_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9\u3000-\u9fff])")
_MARKDOWN_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s?)")
_MAX_SENTENCE_CHARS = 600


def sentences(path: str, text: str) -> Iterator[Sentence]:
    """Split a document into sentences, each with the line it starts on."""
    paragraph: list[tuple[int, str]] = []  # (line number, stripped line)
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        block_start = bool(_MARKDOWN_PREFIX.match(raw)) or line.startswith(("```", "|"))
        if not line or block_start:
            yield from _split(path, paragraph)
            paragraph = []
            item = _MARKDOWN_PREFIX.sub("", raw).strip() if block_start else ""
            if item and not item.startswith(("```", "|")):
                # A heading or list item is a sentence of its own.
                yield from _split(path, [(number, item)])
            continue
        paragraph.append((number, line))
    yield from _split(path, paragraph)


def _split(path: str, lines: list[tuple[int, str]]) -> Iterator[Sentence]:
    """Sentences of a paragraph (its lines joined), each with the line it starts on."""
    if not lines:
        return
    starts: list[int] = []  # offset in the joined text where each line begins
    offset = 0
    for _, line in lines:
        starts.append(offset)
        offset += len(line) + 1
    joined = " ".join(line for _, line in lines)
    # Japanese: cut after each full stop; English: at sentence punctuation before a capital.
    position = 0
    for piece in re.split(f"(?<=[{_JA_END}])", joined):
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


def normalize(text: str) -> str:
    """NFKC (full-width ASCII to half-width, half-width katakana to full-width), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= c <= "\u9fff" or "\uff66" <= c <= "\uff9f" for c in text)


class TermMatcher:
    """Finds which of many terms occur in a sentence (NFKC and case-insensitive; English terms
    on word boundaries and with a plural ending; Japanese terms anywhere)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._by_key: dict[str, str] = {}
        patterns: list[str] = []
        for term in sorted(set(terms), key=len, reverse=True):  # longest first
            key = normalize(term)
            if not key or key in self._by_key:
                continue
            self._by_key[key] = term
            if _is_cjk(key):
                patterns.append(re.escape(key))
            else:
                words = [re.escape(w) for w in key.split()]
                patterns.append(r"(?<![\w-])" + r"\s+".join(words) + r"(?:e?s)?(?![\w-])")
        self._regex = re.compile("|".join(patterns)) if patterns else None

    def find(self, sentence: str) -> list[str]:
        """Terms occurring in ``sentence``, in order of appearance, each once; where terms
        overlap the longest wins (転置索引, not 索引)."""
        if self._regex is None:
            return []
        found: list[str] = []
        for match in self._regex.finditer(normalize(sentence)):
            term = self._lookup(match.group())
            if term is not None and term not in found:
                found.append(term)
        return found

    def _lookup(self, matched: str) -> str | None:
        key = " ".join(matched.split())
        for candidate in (key, key[:-1], key[:-2]):
            if candidate in self._by_key:
                return self._by_key[candidate]
        return None
