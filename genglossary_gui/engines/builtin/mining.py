"""Terms the documents define: a phrase that a sentence says what it is ("X is a …",
"… is called X", 「XとはYである」) is a term even when it occurs once.

The ranking of extraction needs a phrase to recur; a textbook defines most of its terms once.
Mining reads every sentence for the subject of a defining pattern and checks that the subject
is a plausible term (a short noun phrase, not a pronoun, a determiner or a clause).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from genglossary_gui.engines.builtin.extract.english import (
    VerbEvidence,
    everyday_word,
    is_adverb,
    plausible_term,
)
from genglossary_gui.pipeline.reading import sentences
from genglossary_gui.pipeline.text import is_japanese, term_key

_QUESTION = re.compile(r"とは\s*(?:何|なに|どう|どの|なぜ)|(?:か|かな)[。．]?\s*$")

#: Words a term never starts or ends with, and that no term contains (pronouns, determiners,
#: auxiliaries, conjunctions, relative words): "This process is a …", "It is a …".
_NOT_IN_TERM = frozenset(
    """
    a an the this that these those it its they them their there here we you he she his her our
    your i me my such each every some any many most much more few several all both either
    neither no not none one another other others which what who whom whose where when why how
    is are was were be been being am has have had do does did can could may might will would
    shall should must also only just very often usually generally then thus hence therefore
    however and or but nor so if than as because while although though since unless whether
    yet still even already today now first second third next last following above below
    for with without by from into onto during after before until upon via per like unlike
    than example instance addition contrast particular general fact short result once twice
    on in at to about over under across along among around through toward towards within
    let
    """.split()
)
#: Allowed inside a term ("part of speech"), never at its edge.
_NOT_AT_EDGE = frozenset({"of"})
#: Japanese "X とは" and "… という" that are connectives, not naming: 「とは限らない」,
#: 「とは異なり」, 「ということは」, 「という不満」.
_JA_NOT_NAMING = re.compile(r"とは(?:限ら|異な|いえ|言え|違)|ということ|という[^。]")
#: Defined terms added per run at most: a corpus that "defines" thousands of phrases is
#: being misread, and each one costs a pattern check per mention.
MAX_DEFINED_TERMS = 1000
#: Words a term may contain but not end with ("speed of light", not "speed of").
_NOT_LAST = frozenset("of in on at to for from by with into onto about between among".split())
_WORD = r"[A-Za-z][A-Za-z0-9'-]*"
_NP = rf"{_WORD}(?:\s+{_WORD}){{0,4}}"
_ABBR = r"(?:\s*\((?P<abbr>[^()]{1,40})\))?"
_LEAD = r"^(?:(?:A|An|The|a|an|the)\s+)?"
#: "… are structures that/within/made …": a plural noun followed by what qualifies it (a
#: generic definition of a plural subject), not an adjective ("are important").
PLURAL_COMPLEMENT = (
    r"(?!\w+ly\b)[a-z]{3,}s\s+(?:that|which|of|in|with|within|made|used|found|formed|"
    r"produced|where|whose|\w+ing)\b"
)
_IS = r"\s+(?:is|are)\s+"

# (pattern name, regex): the name says which defining sentence it is (see definitions.py).
_ENGLISH: list[tuple[str, re.Pattern[str]]] = [
    ("defined-as", re.compile(rf"{_LEAD}(?P<t>{_NP}){_ABBR}{_IS}defined\s+as\s+\S")),
    (
        "refers-to",
        re.compile(rf"{_LEAD}(?P<t>{_NP}){_ABBR}\s+(?:refers?\s+to|means|denotes)\s+\S"),
    ),
    (
        "defined-as",
        re.compile(
            rf"{_LEAD}(?P<t>{_NP}){_ABBR}\s+(?:can|may)\s+be\s+"
            r"(?:defined|thought\s+of|described|understood)\s+as\s+\S"
        ),
    ),
    ("is-a", re.compile(rf"{_LEAD}(?P<t>{_NP}){_ABBR}{_IS}(?:an?|the|any|one)\s+\S")),
    # A plural subject and a plural noun: "Chromosomes are structures within the nucleus".
    ("is-a", re.compile(rf"^(?P<t>{_NP}s){_ABBR}\s+are\s+{PLURAL_COMPLEMENT}")),
    # "Crack cocaine, a smokable type of cocaine, …"
    ("appositive", re.compile(rf"{_LEAD}(?P<t>{_NP}),\s+(?:an?|the)\s+[^,]{{3,}}(?:,|$)")),
    (
        "called",
        re.compile(
            rf"(?<![\w-])(?:called|known\s+as|termed|referred\s+to\s+as)\s+"
            rf"(?:(?:an?|the)\s+)?(?P<t>{_NP})(?:\s*\([^()]{{1,40}}\))?"
            r"\s*(?:[.,;:—–]|\s-\s|\s+or\s|$)"
        ),
    ),
]
#: "… is positive affect, which refers to pleasurable engagement …": a relative clause that
#: says what the noun phrase before it is (the longest phrase that can be a term is taken).
_WHICH = re.compile(
    rf"(?P<t>{_WORD}(?:\s+{_WORD}){{0,4}}),\s+which\s+"
    r"(?:refers?\s+to|means|denotes|is\s+(?:an?|the)|are\s+(?:the\s+)?[a-z]+s)\s"
)
_JAPANESE: list[tuple[str, re.Pattern[str]]] = [
    (
        "toha",
        re.compile(r"^(?:[^。、]{0,12}[、,]\s*)?(?P<t>[^\s、,。とは]{2,20})\s*とは[、,]?\s*\S"),
    ),
    (
        "called",
        re.compile(
            r"を[「『]?(?P<t>[^\s、,。「」『』をはと]{2,20})[」』]?と(?:呼ぶ|呼ばれる|いう)[。．]?$"
        ),
    ),
]
_MARKS = re.compile(r"[*`「」『』“”\"]")
_TRIGGER = re.compile(r"\b(?:is|are|be|refers?|means|denotes|called|known|termed|referred)\b|,")
#: A word each pattern of _ENGLISH needs (one of them), in its order: a pattern whose words
#: the sentence lacks is not tried.
_ENGLISH_CUES = [
    ("defined",),
    ("refer", "means", "denotes"),
    ("can", "may"),
    ("is", "are"),
    ("are",),
    (",",),
    ("called", "known", "termed", "referred"),
]
_CUES = frozenset(c for cues in _ENGLISH_CUES for c in cues)


@dataclass(frozen=True, slots=True)
class DefinedTerm:
    term: str
    language: str
    pattern: str


def _english_term(phrase: str) -> str | None:
    words = phrase.split()
    folded = [w.lower() for w in words]
    if not words or len(words) > 5:
        return None
    if folded[0] in _NOT_IN_TERM or folded[-1] in _NOT_IN_TERM or folded[-1] in _NOT_LAST:
        return None
    if folded[0] in _NOT_AT_EDGE or folded[-1] in _NOT_AT_EDGE:
        return None
    if any("'" in w or "’" in w for w in folded):
        return None  # "let's say", "it's", "pyenv's": a clause or a possessive, not a term
    if any(w in _NOT_IN_TERM for w in folded[1:-1]):
        return None
    if all(len(w) < 3 for w in folded) or any(is_adverb(w) for w in folded):
        return None
    if len(words) == 1 and everyday_word(words[0]):
        return None  # "The result is a list": "result" is no term of the documents
    first = words[0]
    # Capitalised only because it starts the sentence: "Deductive reasoning" is a term in
    # lower case; "DNA", "McCormick" and "Industrial Revolution" keep their capitals.
    rest_lower = all(not w[:1].isupper() for w in words[1:])
    if first[:1].isupper() and first[1:].islower() and rest_lower:
        words[0] = first.lower()
    return " ".join(words)


def mine_sentence(text: str) -> list[DefinedTerm]:  # noqa: C901 -- a branch per family of defining patterns
    """The terms one sentence defines (usually none, sometimes one)."""
    clean = (_MARKS.sub("", text) if _MARKS.search(text) else text).strip()
    if clean.endswith(("?", "？")) or (
        ("とは" in clean or "か" in clean) and _QUESTION.search(clean)
    ):
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
    present = {c for c in _CUES if c in clean}
    for (name, pattern), cues in zip(_ENGLISH, _ENGLISH_CUES, strict=True):
        if present.isdisjoint(cues):
            continue
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


def mine_terms(
    documents: Iterable[tuple[str, str]], check: Callable[[], None] = lambda: None
) -> list[DefinedTerm]:
    """Every term some sentence of the documents defines, once each (first form seen), in
    order of appearance."""
    seen: dict[str, DefinedTerm] = {}
    for path, text in documents:
        check()
        for found in _mined(path, text, check):
            for term in found:
                seen.setdefault(term_key(term.term), term)
            if len(seen) >= MAX_DEFINED_TERMS:
                return list(seen.values())
    return list(seen.values())


#: What :func:`_mined` found per document, by path and a digest of the text: a run's extract
#: and generate steps read the same documents (and a corpus that defines nothing is mined by
#: both), in one process. Documents beyond the first ones are mined each time.
_MINED: dict[tuple[str, bytes], tuple[tuple[DefinedTerm, ...], ...]] = {}
_MAX_MINED_DOCUMENTS = 20_000


def _mined(path: str, text: str, check: Callable[[], None]) -> tuple[tuple[DefinedTerm, ...], ...]:
    """The terms each sentence of a document defines, for the sentences that define some,
    in order."""
    key = (path, hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest())
    known = _MINED.get(key)
    if known is not None:
        return known
    out = []
    for n, sentence in enumerate(sentences(path, text, inline_code=False), start=1):
        if n % 500 == 0:
            check()
        found = mine_sentence(sentence.text)
        if found:
            out.append(tuple(found))
    mined = tuple(out)
    if len(_MINED) < _MAX_MINED_DOCUMENTS:
        _MINED[key] = mined
    return mined


def with_defined_terms(
    terms: list[tuple[str, str]],
    defined: Iterable[DefinedTerm],
    excluded: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """``terms`` (ranked ``(text, language)``) plus every defined term not among them (case
    and a plural "s" aside) and not excluded by the user, after them."""

    key = term_key
    taken = {key(t) for t, _ in terms} | {key(t) for t in excluded}
    out = list(terms)
    for found in defined:
        k = key(found.term)
        if k not in taken:
            taken.add(k)
            out.append((found.term, found.language))
    return out
