"""The term matching and definition patterns as they were before issue 12 (per-term regular
expressions, a word n-gram lookup, a 300-way alternation for Japanese; mining trying every
pattern): the reference the faster ones must agree with, result for result
(tests/pipeline/test_term_matching.py)."""

# ruff: noqa

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from genglossary_gui.engines.builtin.mining import PLURAL_COMPLEMENT
from genglossary_gui.pipeline.text import is_japanese, normalize, singular

_EN_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*[+#]*")
_KATAKANA = "\u30a0-\u30ff"
_NEAR_START = 24
_NAMING = re.compile(r"\b(?:called|known\s+as|termed|referred\s+to\s+as)\b|と(?:呼|いう|言う)")


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
            if is_japanese(key):
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
        if self._cjk_regex is not None and is_japanese(text):
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


# -- mining -----------------------------------------------------------------------------------

from genglossary_gui.engines.builtin.extract.english import VerbEvidence, plausible_term
from genglossary_gui.engines.builtin.mining import (
    _ENGLISH,
    _JA_NOT_NAMING,
    _JAPANESE,
    _QUESTION as _MINING_QUESTION,
    _TRIGGER,
    _WHICH,
    DefinedTerm,
    _english_term,
)

_MINING_MARKS = re.compile(r"[*`「」『』“”\"]")


def mine_sentence(text: str) -> list[DefinedTerm]:  # noqa: C901 -- a branch per family of defining patterns
    """The terms one sentence defines (usually none, sometimes one)."""
    clean = _MINING_MARKS.sub("", text).strip()
    if clean.endswith(("?", "？")) or _MINING_QUESTION.search(clean):
        return []
    if is_japanese(clean):
        if _JA_NOT_NAMING.search(clean):
            return []
        found = []
        for name, pattern in _JAPANESE:
            match = pattern.search(clean)
            if match is not None:
                found.append(DefinedTerm(match.group("t"), "ja", name))
        return found
    if _TRIGGER.search(clean) is None:
        return []  # cheap test first: most sentences have none of the defining words
    out: list[DefinedTerm] = []
    for name, pattern in _ENGLISH:
        match = pattern.search(clean)
        if match is None:
            continue
        term = _english_term(match.group("t"))
        if term is not None:
            out.append(DefinedTerm(term, "en", name))
        if name != "called":
            break  # a sentence has one subject
    if not out and ", which " in clean:
        match = _WHICH.search(clean)
        if match is not None:
            words = match.group("t").split()
            # The longest tail that can be a term: "attention is positive affect" -> "positive
            # affect".
            for start in range(len(words)):
                term = _english_term(" ".join(words[start:]))
                # Mid-sentence, the phrase must read as a noun phrase ("left early, which is
                # a pity" defines nothing).
                if term is not None and plausible_term(term, 2, VerbEvidence()):
                    out.append(DefinedTerm(term, "en", "which"))
                    break
    return out
