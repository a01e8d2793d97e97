"""Definitions taken from the documents: defining-sentence patterns, English and Japanese.

Every definition is a sentence of the documents, verbatim, with its file and line: nothing is
invented. A sentence that merely mentions the term is not a definition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from genglossary_gui.engines.builtin.mining import PLURAL_COMPLEMENT
from genglossary_gui.pipeline.reading import Sentence
from genglossary_gui.pipeline.text import is_japanese, normalize, singular

# (name, strength) per pattern; stronger patterns win, then earlier sentences.
STRENGTHS = {
    "is-a": 1.0,
    "toha": 1.0,
    "defined-as": 0.95,
    "called": 0.9,
    "no-koto": 0.9,
    "refers-to": 0.9,
    "wo-sasu": 0.85,
    "wa-dearu": 0.7,
    "which": 0.75,
    "appositive": 0.6,
    "parenthesis": 0.5,
}


@dataclass(frozen=True, slots=True)
class Candidate:
    sentence: Sentence
    pattern: str
    strength: float
    order: int  # position of the sentence in the corpus (documents in path order)


#: Every pattern but the apposition, the parenthesis and naming ("… is called X") wants the
#: term near the start.
_NEAR_START = 24
_NAMING = re.compile(r"\b(?:called|known\s+as|termed|referred\s+to\s+as)\b|と(?:呼|いう|言う)")


# -- the patterns, compiled once per language --------------------------------------------------
#
# A pattern is the term, written as its words, around a fixed part. The fixed parts are compiled
# here, once; the term is matched in plain Python (``str.startswith`` at the few places it can
# stand), exactly as the per-term regular expressions it replaces did, alternatives in the same
# order: ``(?:(?:an?|the)\s+)?`` the article, then the words joined by ``\s+`` (the last one as
# written, or its singular with an optional ``e?s``), then ``(?:e?s)?`` and an optional
# abbreviation in parentheses.

_VERB = r"\s+(?:is|are)\s+"
_EN_ANCHORED: list[tuple[str, re.Pattern[str]]] = [
    # What follows the term that opens the sentence.
    ("defined-as", re.compile(rf"{_VERB}defined\s+as\s+\S")),
    (
        "defined-as",
        re.compile(
            r"\s+(?:can|may)\s+be\s+(?:defined|thought\s+of|described|understood)\s+as\s+\S"
        ),
    ),
    ("is-a", re.compile(rf"{_VERB}(?:an?|the|any|one)\s+\S")),
    ("is-a", re.compile(rf"\s+are\s+{PLURAL_COMPLEMENT}")),
    ("refers-to", re.compile(r"\s+(?:refers?\s+to|means|denotes|stands\s+for)\s+\S")),
]
#: What every one of the patterns above needs in the sentence: the cheap test before them.
_EN_VERB_CUE = re.compile(r"\s(?:is|are|can|may|refers?|means|denotes|stands)\s")
#: "acute heart failure (ahf) is defined as …": the term's abbreviation after it.
_ABBREVIATION = re.compile(r"\s*\([^()]{1,40}\)")
#: "… is called X", "… known as the X."
_CALLED_CUE = re.compile(r"(?<![\w-])(?:called|known\s+as|termed|referred\s+to\s+as)\s+")
_CALLED_END = re.compile(r"\s*(?:[.,;:(—–]|\s-\s|\s+or\s|$)")
# "… is positive affect, which refers to pleasurable engagement …"
_WHICH_END = re.compile(
    r",\s+which\s+(?:refers?\s+to|means|denotes|is\s+(?:an?|the)|are\s+(?:the\s+)?[a-z]+s)\s"
)
# "A shard, a slice of the index that …, …": the term opens the sentence.
_APPOSITION = re.compile(r",\s+(?:an?|the)\s+[^,]{3,}(?:,|$)")
#: "X (what it is)", or "what it is (X)".
_PARENTHESIS_AFTER = re.compile(r"\s*\([^)]{2,}\)")
_PARENTHESIS_BEFORE = re.compile(r"\b[a-z][\w\s-]{3,}\(")
_CLOSING = re.compile(r"\s*\)")

_JA_TOHA = re.compile(r"\s*とは[、,]?\s*\S")
_JA_ANCHORED: list[tuple[str, re.Pattern[str]]] = [
    ("no-koto", re.compile(r"\s*は[、,]?.+のこと(?:である|だ|です|をいう|を指す)?[。．]?$")),
    ("wo-sasu", re.compile(r"\s*は[、,]?.+(?:を指す|をいう|と呼ぶ)[。．]?$")),
    ("wa-dearu", re.compile(r"\s*は[、,]?.+(?:である|です)[。．]?$")),
]
# 「…を出現頻度と呼ぶ」「…を再索引という」
_JA_CALLED_END = re.compile(r"[」』]?と(?:呼ぶ|呼ばれる|いう|言う)")
#: Not inside a longer compound: 索引 in 分散索引（シャード） is not defined there.
_JA_PARENTHESIS_AFTER = re.compile(r"\s*[（(][^）)]{2,}[）)]")


@dataclass(frozen=True, slots=True)
class _Term:
    """A term as the patterns see it: its normalised words."""

    key: str
    head: tuple[str, ...]  # the words before the last
    last: str  # the last word as written
    one: str  # its singular: the headword may be the plural the documents use most ("pages")
    # while the definition speaks of one ("A page is …")

    def firsts(self) -> tuple[str, ...]:
        """What the term starts with where it is written."""
        return self.head[:1] or (self.last, self.one)


@lru_cache(maxsize=65_536)
def _term(term: str) -> _Term | None:
    key = normalize(term)
    parts = key.split()
    if not parts:
        return None
    return _Term(key, tuple(parts[:-1]), parts[-1], singular(parts[-1]))


def _spaces(text: str, at: int) -> int:
    """Where the white space at ``at`` ends (``\\s*``)."""
    n = len(text)
    while at < n and text[at].isspace():
        at += 1
    return at


def _optional_es(text: str, at: int) -> tuple[int, ...]:
    """The ends of ``(?:e?s)?`` at ``at``, in the order a regular expression tries them."""
    if text.startswith("es", at):
        return (at + 2, at)  # "es", then nothing ("s" cannot stand where "e" does)
    if text.startswith("s", at):
        return (at + 1, at)
    return (at,)


def _word_ends(text: str, at: int, term: _Term) -> list[int]:
    """The ends of the term's words written from ``at`` (the words joined by white space, the
    last one as written or its singular with ``e?s``), in the order a regular expression tries
    them."""
    for word in term.head:
        if not text.startswith(word, at):
            return []
        at += len(word)
        after = _spaces(text, at)
        if after == at:
            return []
        at = after
    ends = []
    if text.startswith(term.last, at):
        ends.append(at + len(term.last))
    if text.startswith(term.one, at):
        ends += _optional_es(text, at + len(term.one))
    return ends


#: At most one of the alternatives can match at a place (the letter after "a" is an "n" or a
#: space): the regular expression finds the one there is, its white space all taken.
_ARTICLE = re.compile(r"(?:an?|the)\s+")
_EACH = re.compile(r"(?:each|every)\s+")


def _articles(text: str, at: int) -> list[int]:
    """Where the words may start after ``(?:(?:an?|the)\\s+)?`` at ``at``, in order."""
    article = _ARTICLE.match(text, at)
    return [article.end(), at] if article is not None else [at]


def _leads(text: str) -> list[int]:
    """Where the term (its article first) may start after ``(?:(?:each|every)\\s+)?``."""
    each = _EACH.match(text)
    return [each.end(), 0] if each is not None else [0]


def _term_ends(text: str, starts: Iterable[int], term: _Term) -> list[int]:
    """The ends of the term (with a plural ending and an abbreviation in parentheses), written
    from one of ``starts``, in the order a regular expression tries them."""
    out = []
    for start in starts:
        for words in _word_ends(text, start, term):
            for end in _optional_es(text, words):
                abbreviation = _ABBREVIATION.match(text, end)
                if abbreviation is not None:
                    out.append(abbreviation.end())
                out.append(end)
    return out


def _is_word_char(char: str) -> bool:
    """``\\w``."""
    return char.isalnum() or char == "_"


def _starts_free(text: str, term: _Term) -> list[int]:
    """Where the term's words may start, not inside a word or a hyphenated word
    (``(?<![\\w-])``), from left to right."""
    places: set[int] = set()
    for first in term.firsts():
        at = text.find(first)
        while at >= 0:
            if at == 0 or not (_is_word_char(text[at - 1]) or text[at - 1] == "-"):
                places.add(at)
            at = text.find(first, at + 1)
    return sorted(places)


def _called(text: str, term: _Term) -> bool:
    for cue in _CALLED_CUE.finditer(text):
        for words in (w for a in _articles(text, cue.end()) for w in _word_ends(text, a, term)):
            if any(_CALLED_END.match(text, end) for end in _optional_es(text, words)):
                return True
    return False


def _which(text: str, term: _Term) -> bool:
    for start in _starts_free(text, term):
        for words in _word_ends(text, start, term):
            if any(_WHICH_END.match(text, end) for end in _optional_es(text, words)):
                return True
    return False


def _parenthesis_start(text: str, term: _Term) -> int | None:
    """Where "term (…)" or "… (term)" first starts in ``text``, or None."""
    found = None
    for start in _starts_free(text, term):
        if any(_PARENTHESIS_AFTER.match(text, end) for end in _word_ends(text, start, term)):
            found = start
            break
    for lead in _PARENTHESIS_BEFORE.finditer(text):
        if found is not None and lead.start() >= found:
            break
        inside = _spaces(text, lead.end())
        if any(_CLOSING.match(text, end) for end in _word_ends(text, inside, term)):
            return lead.start()
    return found


def _english(term: _Term, p: Prepared) -> str | None:
    text = p.text
    ends = _term_ends(text, p.starts, term)
    if ends:
        for name, after in _EN_ANCHORED:
            if any(after.match(text, end) for end in ends):
                return name
    if p.naming and _called(text, term):
        return "called"
    if p.comma:
        if "which" in text and _which(text, term):
            return "which"
        apposition = next(
            (m for e in _term_ends(text, p.leads, term) if (m := _APPOSITION.match(text, e))),
            None,
        )
        if apposition is not None and not _is_list(text, apposition.end()):
            return "appositive"
    if p.paren:
        start = _parenthesis_start(text, term)
        if start is not None and not _NOT_AN_EXPLANATION.search(text, start):
            return "parenthesis"
    return None


def _toha_starts(text: str) -> list[int]:
    """Where the term may start in ``^(?:[^。]{0,12}[、,]\\s*)?``: at the start, or after a
    comma among the first 13 characters."""
    out = [0]
    for at in range(min(13, len(text))):
        char = text[at]
        if char == "。":
            break
        if char in "、,":
            out += range(at + 1, _spaces(text, at + 1) + 1)
    return out


def _japanese(key: str, p: Prepared) -> str | None:
    text = p.text
    if "とは" in text and any(
        text.startswith(key, s) and _JA_TOHA.match(text, s + len(key)) for s in _toha_starts(text)
    ):
        return "toha"
    if text.startswith(key):
        for name, after in _JA_ANCHORED:
            if after.match(text, len(key)) is not None:
                if name == "wa-dearu" and _JA_QUALITY.search(text):
                    break  # 「データは大切である」 says how the thing is, not what it is
                return name
    if p.naming and _ja_called(text, key):
        return "called"
    if p.paren:
        start = _ja_parenthesis_start(text, key)
        if start is not None and not _NOT_AN_EXPLANATION.search(text, start):
            return "parenthesis"
    return None


def _ja_called(text: str, key: str) -> bool:
    """「…を[「]term[」]と呼ぶ」."""
    at = text.find("を")
    while at >= 0:
        inside = at + 1
        bracket = inside < len(text) and text[inside] in "「『"
        for start in (inside + 1, inside) if bracket else (inside,):
            if text.startswith(key, start) and _JA_CALLED_END.match(text, start + len(key)):
                return True
        at = text.find("を", at + 1)
    return False


def _ja_parenthesis_start(text: str, key: str) -> int | None:
    """Where 「term（…）」 first starts, not inside a longer compound, or None."""
    at = text.find(key)
    while at >= 0:
        if (at == 0 or not _is_kana_or_kanji(text[at - 1])) and _JA_PARENTHESIS_AFTER.match(
            text, at + len(key)
        ):
            return at
        at = text.find(key, at + 1)
    return None


def _is_kana_or_kanji(char: str) -> bool:
    return "\u30a0" <= char <= "\u30ff" or "\u4e00" <= char <= "\u9fff"


# Emphasis, code and quotation marks around a term do not change what a sentence says:
# "**Shard** is a …", "`kubectl` is a …", 「シャード」とは….
_MARKS = re.compile(r"[*`「」『』“”\"]|(?<![\w])_{1,2}|_{1,2}(?![\w])")
_QUESTION = re.compile(r"[?？]\s*$|(?:か|かな)[。．]?\s*$|とは\s*(?:何|なに|どう|どの|なぜ)")
#: What each of these patterns needs in a sentence (a character, or a word): the cheap tests
#: before them, as most sentences have none.
_MARK_CHARS = re.compile(r"[*`「」『』“”\"_]")
# A parenthesis holding a cross-reference or a number explains nothing.
_NOT_AN_EXPLANATION = re.compile(
    r"[（(]\s*(?:see\b|cf\.|e\.g\.|後述|前述|参照|図|表|注|\d[\d\s.,%-]*[）)])"
)


# 「XはYである」 with an adjectival Y (a quality, not a class): 大切・重要・必要・可能・簡単…,
# any 〜的 (一般的, 効率的), and negations.
_JA_QUALITY = re.compile(
    r"(?:大切|重要|必要|不要|可能|不可能|簡単|容易|困難|便利|有効|無効|有用|十分|不十分|適切|"
    r"不適切|明らか|確か|同じ|同様|必須|安全|危険|高速|低速|自由|不明|有名|的|ではない|でない)"
    r"(?:である|です)[。．]?$"
)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A sentence made ready for the patterns once, however many terms it mentions."""

    text: str
    question: bool
    naming: bool
    comma: bool
    paren: bool
    japanese: bool
    #: Some pattern can match: the sentence has the word or the mark each needs (most
    #: sentences have none: "The server stores a page for every request.").
    cued: bool
    #: Where a term opening the sentence may start (after "a", "an", "the"), and where one
    #: in apposition may (after "each", "every" too).
    starts: tuple[int, ...]
    leads: tuple[int, ...]


def prepare(sentence: str) -> Prepared:
    return prepare_normalized(normalize(sentence))


def prepare_normalized(text: str) -> Prepared:
    """:func:`prepare` of a sentence already passed through :func:`normalize`."""
    if _MARK_CHARS.search(text) is not None:
        text = _MARKS.sub("", text)
    text = text.strip()
    # Each pattern needs a word or a character: tested first (most sentences have none).
    named = "called" in text or "known" in text or "termed" in text or "referred" in text
    naming = (named or "と" in text) and _NAMING.search(text) is not None
    comma = "," in text or "、" in text
    paren = "(" in text or "（" in text
    japanese = is_japanese(text)
    if japanese:
        cued = naming or paren or "は" in text
        starts: tuple[int, ...] = ()
        leads: tuple[int, ...] = ()
    else:
        cued = naming or paren or comma or _EN_VERB_CUE.search(text) is not None
        # Only a cued sentence is tried with the patterns.
        starts = tuple(_articles(text, 0)) if cued else ()
        leads = tuple(a for lead in _leads(text) for a in _articles(text, lead)) if cued else ()
    return Prepared(
        text,
        ("?" in text or "？" in text or "か" in text or "とは" in text)
        and _QUESTION.search(text) is not None,
        naming,
        comma,
        paren,
        japanese,
        cued,
        starts,
        leads,
    )


def defining_pattern(term: str, sentence: str, prepared: Prepared | None = None) -> str | None:
    """The name of the strongest definition pattern ``sentence`` matches for ``term``
    (``prepared``: the same sentence from :func:`prepare`, when several terms are tested)."""
    p = prepared or prepare(sentence)
    if p.question:
        return None  # "シャードとは何ですか？", "Is a shard a partition?" define nothing
    shape = _term(term)
    if shape is None:
        return None
    position = p.text.find(shape.key[:8])
    if position > _NEAR_START and not (p.comma or p.paren or p.naming):
        return None  # cheap test first: most mentions cannot be definitions
    if not p.cued:
        return None  # none of the words or marks a defining sentence has
    return _japanese(shape.key, p) if p.japanese else _english(shape, p)


def _is_list(text: str, after: int) -> bool:
    """ "the shard, the index and the cache": a list, not an apposition."""
    return re.match(r"\s*(?:and|or)\b", text[after:]) is not None or " and " in text[:after]


def best_definition(candidates: list[Candidate]) -> Candidate | None:
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c.strength, -c.order))


def context_score(term: str, sentence: str, other_terms: int) -> float:
    """How well a mere mention explains the term: a sentence about it, of readable length,
    tying it to other terms."""
    fit = sentence_fit(len(sentence), other_terms)
    return context_score_normalized(normalize(term), normalize(sentence), fit)


def sentence_fit(length: int, other_terms: int) -> tuple[float, float]:
    """What :func:`context_score` owes to the sentence alone (its length, the other terms it
    mentions): computed once per sentence, whatever the terms it mentions."""
    return 1.0 - min(1.0, abs(length - 110) / 110), 0.2 * min(other_terms, 5)


def context_score_normalized(key: str, text: str, fit: tuple[float, float]) -> float:
    """:func:`context_score` from the term and the sentence passed through :func:`normalize`
    (``fit``: from :func:`sentence_fit`)."""
    # The term within the first characters: where it is anywhere else does not matter.
    starts_with_term = 1.0 if text.find(key, 0, len(key) + 4) >= 0 else 0.0
    return starts_with_term + fit[0] + fit[1]


def confidence(best: Candidate | None, defining_count: int, occurrences: int) -> float:
    """0..1: how far the entry can be trusted, from what the documents gave."""
    if best is None:
        return round(min(0.4, 0.15 + 0.05 * occurrences), 2)
    agreeing = min(defining_count - 1, 2) * 0.05
    return round(min(1.0, 0.45 + 0.45 * best.strength + agreeing), 2)
