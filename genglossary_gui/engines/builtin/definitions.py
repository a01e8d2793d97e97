"""Definitions taken from the documents: defining-sentence patterns, English and Japanese.

Every definition is a sentence of the documents, verbatim, with its file and line: nothing is
invented. A sentence that merely mentions the term is not a definition.
"""

from __future__ import annotations

import re
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


@lru_cache(maxsize=65_536)
def _patterns(term: str, japanese: bool) -> list[tuple[str, re.Pattern[str]]]:
    """Patterns for ``term`` in a Japanese or an English sentence (an English term such as
    API is defined in Japanese sentences too)."""
    key = normalize(term)
    if japanese:
        t = re.escape(key)
        return [
            ("toha", re.compile(rf"^(?:[^。]{{0,12}}[、,]\s*)?{t}\s*とは[、,]?\s*\S")),
            (
                "no-koto",
                re.compile(rf"^{t}\s*は[、,]?.+のこと(?:である|だ|です|をいう|を指す)?[。．]?$"),
            ),
            ("wo-sasu", re.compile(rf"^{t}\s*は[、,]?.+(?:を指す|をいう|と呼ぶ)[。．]?$")),
            ("wa-dearu", re.compile(rf"^{t}\s*は[、,]?.+(?:である|です)[。．]?$")),
            # 「…を出現頻度と呼ぶ」「…を再索引という」
            ("called", re.compile(rf"を[「『]?{t}[」』]?と(?:呼ぶ|呼ばれる|いう|言う)")),
            # Not inside a longer compound: 索引 in 分散索引（シャード） is not defined there.
            (
                "parenthesis",
                re.compile(rf"(?<![\u30a0-\u30ff\u4e00-\u9fff]){t}\s*[（(][^）)]{{2,}}[）)]"),
            ),
        ]
    # From the singular, with an optional plural ending: the headword may be the plural the
    # documents use most ("pages") while the definition speaks of one ("A page is …").
    parts = key.split()
    one = singular(parts[-1])
    # The surface form or the singular with a regular ending: "criteria", "criterion",
    # "pages", "page".
    last = f"(?:{re.escape(parts[-1])}|{re.escape(one)}(?:e?s)?)"
    words = r"\s+".join([*(re.escape(w) for w in parts[:-1]), last])
    # The term, perhaps with its abbreviation: "acute heart failure (ahf) is defined as …".
    t = rf"(?:(?:an?|the)\s+)?{words}(?:e?s)?(?:\s*\([^()]{{1,40}}\))?"
    return [
        ("defined-as", re.compile(rf"^{t}\s+(?:is|are)\s+defined\s+as\s+\S")),
        (
            "defined-as",
            re.compile(
                rf"^{t}\s+(?:can|may)\s+be\s+(?:defined|thought\s+of|described|understood)"
                r"\s+as\s+\S"
            ),
        ),
        ("is-a", re.compile(rf"^{t}\s+(?:is|are)\s+(?:an?|the|any|one)\s+\S")),
        ("is-a", re.compile(rf"^{t}\s+are\s+{PLURAL_COMPLEMENT}")),
        ("refers-to", re.compile(rf"^{t}\s+(?:refers?\s+to|means|denotes|stands\s+for)\s+\S")),
        (
            "called",
            re.compile(
                rf"(?<![\w-])(?:called|known\s+as|termed|referred\s+to\s+as)\s+"
                rf"(?:(?:an?|the)\s+)?{words}(?:e?s)?\s*(?:[.,;:(—–]|\s-\s|\s+or\s|$)"
            ),
        ),
        # "… is positive affect, which refers to pleasurable engagement …"
        (
            "which",
            re.compile(
                rf"(?<![\w-]){words}(?:e?s)?,\s+which\s+(?:refers?\s+to|means|denotes|"
                rf"is\s+(?:an?|the)|are\s+(?:the\s+)?[a-z]+s)\s"
            ),
        ),
        # "A shard, a slice of the index that …, …": the term opens the sentence.
        (
            "appositive",
            re.compile(rf"^(?:(?:each|every)\s+)?{t},\s+(?:an?|the)\s+[^,]{{3,}}(?:,|$)"),
        ),
        (
            "parenthesis",
            re.compile(
                rf"(?<![\w-]){words}\s*\([^)]{{2,}}\)|\b[a-z][\w\s-]{{3,}}\(\s*{words}\s*\)"
            ),
        ),
    ]


# Emphasis, code and quotation marks around a term do not change what a sentence says:
# "**Shard** is a …", "`kubectl` is a …", 「シャード」とは….
_MARKS = re.compile(r"[*`「」『』“”\"]|(?<![\w])_{1,2}|_{1,2}(?![\w])")
_QUESTION = re.compile(r"[?？]\s*$|(?:か|かな)[。．]?\s*$|とは\s*(?:何|なに|どう|どの|なぜ)")
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


def prepare(sentence: str) -> Prepared:
    text = _MARKS.sub("", normalize(sentence)).strip()
    return Prepared(
        text,
        _QUESTION.search(text) is not None,
        _NAMING.search(text) is not None,
        "," in text or "、" in text,
        "(" in text or "（" in text,
        is_japanese(text),
    )


def defining_pattern(term: str, sentence: str, prepared: Prepared | None = None) -> str | None:
    """The name of the strongest definition pattern ``sentence`` matches for ``term``
    (``prepared``: the same sentence from :func:`prepare`, when several terms are tested)."""
    p = prepared or prepare(sentence)
    if p.question:
        return None  # "シャードとは何ですか？", "Is a shard a partition?" define nothing
    text = p.text
    position = text.find(normalize(term)[:8])
    if position > _NEAR_START and not (p.comma or p.paren or p.naming):
        return None  # cheap test first: most mentions cannot be definitions
    for name, pattern in _patterns(term, p.japanese):
        # Skip what cannot match here: each needs its mark in the sentence.
        if (
            (name == "parenthesis" and not p.paren)
            or (name in ("appositive", "which") and not p.comma)
            or (name == "called" and not p.naming)
        ):
            continue
        match = pattern.search(text)
        if match is None:
            continue
        if name == "parenthesis" and _NOT_AN_EXPLANATION.search(text, match.start()):
            continue
        if name == "appositive" and _is_list(text, match.end()):
            continue
        if name == "wa-dearu" and _JA_QUALITY.search(text):
            continue  # 「データは大切である」 says how the thing is, not what it is
        return name
    return None


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
    text = normalize(sentence)
    position = text.find(normalize(term))
    starts_with_term = 1.0 if 0 <= position <= 4 else 0.0
    length = len(sentence)
    fit = 1.0 - min(1.0, abs(length - 110) / 110)
    return starts_with_term + fit + 0.2 * min(other_terms, 5)


def confidence(best: Candidate | None, defining_count: int, occurrences: int) -> float:
    """0..1: how far the entry can be trusted, from what the documents gave."""
    if best is None:
        return round(min(0.4, 0.15 + 0.05 * occurrences), 2)
    agreeing = min(defining_count - 1, 2) * 0.05
    return round(min(1.0, 0.45 + 0.45 * best.strength + agreeing), 2)
