"""Sentences with their line numbers, and finding terms in them."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import simplemma


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


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
#: A lead-in label in capitals, as structured abstracts and reports have ("BACKGROUND:",
#: "STUDY DESIGN:"): six letters or more, or several words, so that an acronym a glossary
#: list defines ("MVCC: a technique …") stays text.
_LABEL = re.compile(r"^(?:[A-Z]{6,}|[A-Z]{2,}(?:[ &/-]+[A-Z]{2,})+):(?:\s+|$)")


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
# Markup that is not prose: HTML tags and comments, link and image targets ("](url)").
_HTML_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,300})?/?>")
_LINK_TARGET = re.compile(r"(?<=\])\([^()\s]{1,500}(?:\s+\"[^\"]{0,200}\")?\)")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:.*\n){0,200}?---[ \t]*(?:\n|\Z)")


_GAPS = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _without_inline_code(line: str, keep_text: bool = False) -> str:
    """Inline code spans blanked (or, with ``keep_text``, only their backticks): a run of
    backticks opens a span that the next run of the same length closes (one pass over the
    runs, however many backticks a line holds)."""
    out = list(line)
    open_at: dict[int, int] = {}  # run length -> where the open run starts
    for run in _BACKTICKS.finditer(line):
        length = len(run.group())
        start = open_at.pop(length, None)
        if start is None:
            open_at[length] = run.start()
            continue
        if keep_text:
            out[start : run.end()] = (
                " " * length + line[start + length : run.start()] + " " * length
            )
        else:
            out[start : run.end()] = " " * (run.end() - start)
        open_at.clear()  # a span closed: runs opened inside it were code, not openers
    return "".join(out)


def is_markdown(path: str) -> bool:
    """Markdown is read as Markdown (its code and markup are not prose); a .txt file as it is
    (a text about HTML may well mention "<div>")."""
    return path.lower().endswith((".md", ".markdown"))


def without_code(text: str, *, keep_inline_code: bool = False) -> str:
    """``text`` with what is not prose blanked out, line for line (so line numbers stay
    right): front matter, fenced code blocks and inline code spans, HTML tags and comments,
    and link targets (the link's text stays). Code and markup are not prose: their tokens are
    no terms and their lines no definitions. With ``keep_inline_code`` an inline span keeps
    its text (a sentence "`kubectl` is a command-line tool" still defines kubectl; only
    extraction, which must not take code tokens for terms, blanks them)."""
    front = _FRONT_MATTER.match(text)
    if front is not None:
        text = "\n" * front.group().count("\n") + text[front.end() :]
    lines = text.split("\n")
    fence = ""
    for i, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence:
            # Closed by a fence of the same character, at least as long, and nothing else.
            closing = opening.group(1) if opening is not None else ""
            if (
                closing[:1] == fence[:1]
                and len(closing) >= len(fence)
                and not line.strip(" \t").strip(closing[:1])
            ):
                fence = ""
            lines[i] = ""
        elif opening is not None:
            fence = opening.group(1)
            lines[i] = ""
        else:
            lines[i] = _prose_of(line, keep_inline_code)
    return "\n".join(lines)


def _prose_of(line: str, keep_inline_code: bool = False) -> str:
    original = line
    if "`" in line:
        line = _without_inline_code(line, keep_inline_code)
    if "<" in line:
        line = _HTML_TAG.sub(_blank, line)
    if "](" in line:
        line = _LINK_TARGET.sub(_blank, line)
    # What was blanked leaves no gap in the sentence ("A <b>shard</b> is" -> "A shard is").
    return line if line is original else _GAPS.sub(" ", line)


def sentences(path: str, text: str) -> Iterator[Sentence]:
    """Split a document into sentences, each with the line it starts on.

    Code (fenced blocks, inline spans) is left out. Paragraphs are lines up to a blank line;
    a heading is a sentence of its own; a list item or quote starts a new paragraph, and the
    lines wrapped after it continue it; a line that is only a "LABEL:" lead-in ends the
    sentence before it.
    """
    paragraph: list[tuple[int, str]] = []  # (line number, stripped line)
    title_pending = True
    prose = without_code(text, keep_inline_code=True) if is_markdown(path) else text
    for number, raw in enumerate(prose.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith(("```", "|")):
            yield from _split(path, paragraph)
            paragraph = []
            continue
        if title_pending:
            title_pending = False
            if _looks_like_title(line):
                # A title line ("The Multimedia Articulation of Answers") above its text.
                yield from _split(path, [(number, _HEADING.sub("", raw).strip())])
                continue
        label = _LABEL.match(line)
        if label is not None:
            # "BACKGROUND: Heart failure is …": the label ends what came before it.
            yield from _split(path, paragraph)
            paragraph = []
            line = line[label.end() :].strip()
            if not line:
                continue
        if _HEADING.match(raw):
            yield from _split(path, paragraph)
            paragraph = []
            yield from _split(path, [(number, _HEADING.sub("", raw).strip())])
            continue
        if _MARKDOWN_PREFIX.match(raw):
            yield from _split(path, paragraph)
            paragraph = []
            item = _MARKDOWN_PREFIX.sub("", raw).strip()
            if item:
                paragraph.append((number, item))
            continue
        paragraph.append((number, line))
    yield from _split(path, paragraph)


def _looks_like_title(line: str) -> bool:
    """The first line of a document stands alone when it reads as a title: no closing
    punctuation, and (English) most longer words capitalised or (Japanese) short. A first line
    of hard-wrapped prose ("A glossary is a list of terms with their") is none."""
    if line.endswith((".", "!", "?", ":", ";", ",", "。", "！", "？", "、")):
        return False
    if _CJK.search(line):
        return False  # Japanese titles are headings; a wrapped first line is prose
    words = [w for w in line.split() if len(w) > 3]
    capitalised = sum(1 for w in words if w[0].isupper())
    return len(line.split()) <= 16 and bool(words) and capitalised >= 0.6 * len(words)


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


@lru_cache(maxsize=262_144)
def singular(word: str) -> str:
    """The singular of an English plural noun: from simplemma's lemma dictionary where it
    knows the word (diabetes and series stay as they are, caches -> cache, analyses ->
    analysis, diagnoses -> diagnosis rather than the verb), else by the plain endings (-ies,
    -es after s/sh/ch/x, -s; microservices -> microservice). Acronyms, capitalised words
    (Windows, Mars) and short words are left alone. The one plural rule of extraction,
    matching and review."""
    if len(word) <= 3 or not word.isascii() or not word.islower():
        return word
    if word.endswith("ses") and simplemma.is_known(word[:-3] + "sis", "en"):
        return word[:-3] + "sis"  # analyses, diagnoses, hypotheses: the noun, not the verb
    if simplemma.is_known(word, "en"):
        lemma = simplemma.lemmatize(word, lang="en")
        # Only a plural's lemma: not a verb's ("running" -> "run") or an adjective's.
        if lemma != word and len(lemma) >= len(word) - 3 and word.endswith(("s", "a", "i", "ae")):
            return lemma
        return word
    return _plain_singular(word)


def _plain_singular(word: str) -> str:
    """Plural endings of words no dictionary knows (new coinages, product words)."""
    if word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def term_key(text: str) -> str:
    """What identifies a term across runs and spellings: NFKC, case folded, the last English
    word singular ("Write Caches" and "write cache" are one term)."""
    words = normalize(text).split()
    if words and words[-1].isascii():
        words[-1] = singular(words[-1])
    return " ".join(words)


def normalize(text: str) -> str:
    """NFKC (full-width ASCII to half-width, half-width katakana to full-width), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


_CJK = re.compile(r"[\u3040-\u9fff\uff66-\uff9f]")
# Words, with inner hyphens and apostrophes, and a trailing + or # (C++, C#, F#).
_EN_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*[+#]*")
_KATAKANA = "\u30a0-\u30ff"


def _is_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _cjk_pattern(key: str) -> str:
    """A katakana word does not match inside a longer katakana word (ログ in ブログ)."""
    if re.fullmatch(f"[{_KATAKANA}]+", key):
        return f"(?<![{_KATAKANA}]){re.escape(key)}(?![{_KATAKANA}])"
    return re.escape(key)


class TermMatcher:
    """Finds which of many terms occur in a sentence (NFKC and case-insensitive). English
    terms match whole words, the last one also in the plural; Japanese terms match anywhere,
    the longest first (転置索引, not 索引)."""

    def __init__(self, terms: Iterable[str]) -> None:
        # Terms that differ only in case ("Run" the heading word, "run" the command) share a
        # key: each is found wherever the key occurs, neither hides the other.
        self._words: dict[tuple[str, ...], list[str]] = {}
        self._longest = 0
        cjk: dict[str, str] = {}
        for term in terms:
            key = normalize(term)
            if _is_cjk(key):
                cjk.setdefault(key, term)
                continue
            words = tuple(_EN_TOKEN.findall(key))
            if words:
                # Indexed by the singular: "pages" is found in "A page is …" and vice versa.
                words = (*words[:-1], singular(words[-1]))
                same = self._words.setdefault(words, [])
                if term not in same:
                    same.append(term)
                self._longest = max(self._longest, len(words))
        self._cjk = cjk
        ordered = sorted(cjk, key=len, reverse=True)
        self._cjk_regex = re.compile("|".join(map(_cjk_pattern, ordered))) if ordered else None

    def find(self, sentence: str) -> list[str]:
        """Terms occurring in ``sentence``, in order of appearance, each once."""
        text = normalize(sentence)
        found: list[tuple[int, str]] = []
        if self._words:
            tokens = [(m.start(), m.group()) for m in _EN_TOKEN.finditer(text)]
            i = 0
            while i < len(tokens):
                for n in range(min(self._longest, len(tokens) - i), 0, -1):
                    terms = self._lookup(tuple(t for _, t in tokens[i : i + n]))
                    if terms:
                        found += [(tokens[i][0], term) for term in terms]
                        i += n
                        break
                else:
                    i += 1
        if self._cjk_regex is not None and _is_cjk(text):
            found += [(m.start(), self._cjk[m.group()]) for m in self._cjk_regex.finditer(text)]
        out: list[str] = []
        for _, term in sorted(found, key=lambda f: f[0]):
            if term not in out:
                out.append(term)
        return out

    def _lookup(self, words: tuple[str, ...]) -> list[str]:
        terms = self._words.get(words)
        if terms:
            return terms
        last = words[-1]
        one = singular(last)
        if one != last and (terms := self._words.get((*words[:-1], one))):
            return terms
        # An acronym's plural ("APIs", folded to "apis", which no dictionary knows).
        if last.endswith("s") and len(last) > 2:
            return self._words.get((*words[:-1], last[:-1]), [])
        return []
