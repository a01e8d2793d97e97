"""Normalisation of terms (NFKC, case, English singulars) and finding terms in sentences.

The one place that decides when two spellings are one term: extraction, matching, review,
refine and curation all key terms by :func:`term_key` and find them with :class:`TermMatcher`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick
import simplemma


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


def is_japanese(text: str) -> bool:
    """``text`` has Japanese characters (kana, kanji, half-width katakana): the one test of
    which language's rules (sentences, patterns, matching) a text or term gets."""
    return _CJK.search(text) is not None


_KANA_LONG_VOWEL = re.compile(f"(?<=[{_KATAKANA}])ー(?=$|[^{_KATAKANA}])")


def variant_key(term: str) -> str:
    """What spelling variants share: NFKC and case (全角/半角, API/api), a final katakana long
    vowel mark (サーバー ~ サーバ), the English plural (APIs ~ API, write caches ~ write
    cache), spaces, hyphens, underscores and 「・」 (write-ahead log ~ write ahead log)."""
    if re.fullmatch(r"[A-Z][A-Z0-9]+s", term):
        term = term[:-1]
    key = _KANA_LONG_VOWEL.sub("", normalize(term))
    words = key.split()
    if words and key.isascii():
        words[-1] = singular(words[-1])
    return re.sub(r"[\s\-_・]", "", " ".join(words))


def _katakana_word(key: str) -> bool:
    """A katakana word does not match inside a longer katakana word (ログ in ブログ)."""
    return _KATAKANA_WORD.fullmatch(key) is not None


_KATAKANA_WORD = re.compile(f"[{_KATAKANA}]+")


#: Distinct words a matcher remembers whether they start a term (about 10 MB).
_MAX_WORDS_SEEN = 100_000


class _Node:
    """A node of the word trie: the words that may follow, and the terms whose last word
    (singular) is the next one."""

    __slots__ = ("ends", "next")

    def __init__(self) -> None:
        self.next: dict[str, _Node] = {}
        self.ends: dict[str, list[str]] = {}


class TermMatcher:
    """Finds which of many terms occur in a sentence (NFKC and case-insensitive). English
    terms match whole words, the last one also in the plural; Japanese terms match anywhere,
    the longest first (転置索引, not 索引).

    One automaton over all terms per script: English terms in a trie of their words (walked
    from each word of the sentence, the longest term found there taken), Japanese terms in an
    Aho-Corasick automaton over their characters (one pass over the sentence)."""

    def __init__(self, terms: Iterable[str]) -> None:
        # Terms that differ only in case ("Run" the heading word, "run" the command) share a
        # key: each is found wherever the key occurs, neither hides the other.
        self._root = _Node()
        self._longest = 0
        #: Word -> (the terms it is alone, the node after it) for the words met so far that
        #: start a term (most words of a sentence start none), and every word met: the test
        #: of a sentence's words is then two set operations.
        self._first: dict[str, tuple[list[str] | None, _Node | None]] = {}
        self._starters: set[str] = set()
        self._seen: set[str] = set()
        cjk: dict[str, str] = {}
        for term in terms:
            key = normalize(term)
            if is_japanese(key):
                cjk.setdefault(key, term)
                continue
            words = _EN_TOKEN.findall(key)
            if words:
                # Indexed by the singular: "pages" is found in "A page is …" and vice versa.
                node = self._root
                for word in words[:-1]:
                    node = node.next.setdefault(word, _Node())
                same = node.ends.setdefault(singular(words[-1]), [])
                if term not in same:
                    same.append(term)
                self._longest = max(self._longest, len(words))
        self._cjk = cjk
        self._cjk_automaton = _cjk_automaton(cjk) if cjk else None

    def find(self, sentence: str) -> list[str]:
        """Terms occurring in ``sentence``, in order of appearance, each once."""
        return self.find_normalized(normalize(sentence))

    def find_normalized(self, text: str) -> list[str]:
        """:meth:`find` of a sentence already passed through :func:`normalize`."""
        cjk = self._cjk_automaton is not None and is_japanese(text)
        found: list[tuple[int, str]] = []
        if self._longest:
            if cjk:
                starts = []
                tokens = []
                for m in _EN_TOKEN.finditer(text):
                    starts.append(m.start())
                    tokens.append(m.group())
            else:
                tokens = _EN_TOKEN.findall(text)
                starts = None
            english = self._english(tokens)
            if not cjk:
                # In order already, and alone: only the repeats go.
                if len(english) == 1:
                    return list(english[0][1])
                return list(dict.fromkeys(term for _, terms in english for term in terms))
            assert starts is not None
            found = [(starts[i], term) for i, terms in english for term in terms]
        if cjk:
            found += self._japanese(text)
        out: list[str] = []
        for _, term in sorted(found, key=lambda f: f[0]):
            if term not in out:
                out.append(term)
        return out

    def _english(self, tokens: list[str]) -> list[tuple[int, list[str]]]:
        """(index of the first word, terms) of the terms among ``tokens``: from each word the
        longest term starting there (the terms of its key), the search going on after it."""
        words = set(tokens)
        if not words <= self._seen:
            self._learn(words)
        starters = words & self._starters
        if not starters:
            return []
        first = self._first
        found: list[tuple[int, list[str]]] = []
        count = len(tokens)
        after = 0
        for i in [i for i, token in enumerate(tokens) if token in starters]:
            if i < after:
                continue  # inside the term found before
            terms, node = first[tokens[i]]
            last = i if terms else -1
            j = i + 1
            while node is not None and j < count:
                token = tokens[j]
                hit = _ends(node, token)
                if hit is not None:
                    terms, last = hit, j
                node = node.next.get(token)
                j += 1
            if last >= 0:
                assert terms is not None
                found.append((i, terms))
                after = last + 1
        return found

    def _learn(self, words: set[str]) -> None:
        """Which of ``words`` (some not seen before) start a term."""
        if len(self._seen) > _MAX_WORDS_SEEN:
            # A bounded memory, whatever the corpus: start over (each word is learnt again).
            self._seen.clear()
            self._starters.clear()
            self._first.clear()
        root = self._root
        for word in words - self._seen:
            terms, node = _ends(root, word), root.next.get(word)
            if terms is not None or node is not None:
                self._first[word] = (terms, node)
                self._starters.add(word)
        self._seen |= words

    def _japanese(self, text: str) -> list[tuple[int, str]]:
        """(position, term) of the Japanese terms in ``text``: from left to right, the
        longest term at each place (a katakana term not inside a longer katakana word), the
        search going on after it."""
        assert self._cjk_automaton is not None
        longest: dict[int, str] = {}
        for end, (key, katakana) in self._cjk_automaton.iter(text):
            start = end - len(key) + 1
            if katakana and (
                (start > 0 and _is_katakana(text[start - 1]))
                or (end + 1 < len(text) and _is_katakana(text[end + 1]))
            ):
                continue
            if len(key) > len(longest.get(start, "")):
                longest[start] = key
        found: list[tuple[int, str]] = []
        after = 0
        for start in sorted(longest):
            if start >= after:
                key = longest[start]
                found.append((start, self._cjk[key]))
                after = start + len(key)
        return found


def _ends(node: _Node, word: str) -> list[str] | None:
    """The terms whose last word is ``word`` after ``node``'s words: as written, as its
    singular, or an acronym's plural ("APIs", folded to "apis", which no dictionary knows)."""
    ends = node.ends
    if not ends:
        return None
    terms = ends.get(word)
    if terms:
        return terms
    one = singular(word)
    if one != word and (terms := ends.get(one)):
        return terms
    if word.endswith("s") and len(word) > 2:
        return ends.get(word[:-1])
    return None


def _is_katakana(char: str) -> bool:
    return "\u30a0" <= char <= "\u30ff"


def _cjk_automaton(keys: Iterable[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for key in keys:
        automaton.add_word(key, (key, _katakana_word(key)))
    automaton.make_automaton()
    return automaton


# -- abbreviations ------------------------------------------------------------------------------

#: A short form: 2-10 letters and digits (inner "-", "&" or "/"), at least one capital.
_SHORT = r"[A-Za-z0-9][A-Za-z0-9&/-]{0,8}[A-Za-z0-9]s?"
_SHORT_IN_PARENS = re.compile(rf"\(\s*({_SHORT})\s*[;,)]")
_PHRASE_IN_PARENS = re.compile(rf"(?<![\w-])({_SHORT})\s*\(\s*([^()]{{3,80}}?)\s*\)")
_CLAUSE_BREAK = re.compile(r"[.;:!?()\[\]]")


def abbreviation_pairs(sentence: str) -> list[tuple[str, str]]:
    """``(long form, short form)`` pairs a sentence writes as "long form (SHORT)" or
    "SHORT (long form)": the short form's letters appear in the long form, in order, its first
    letter at the start of the long form's first word (the Schwartz–Hearst test). "(see
    above)", "(n = 12)" and "(p < 0.05)" pair nothing."""
    text = unicodedata.normalize("NFKC", sentence)
    pairs: list[tuple[str, str]] = []
    for match in _SHORT_IN_PARENS.finditer(text):
        short = match.group(1)
        before = _CLAUSE_BREAK.split(text[: match.start()])[-1]
        long_form = _long_form(short, before)
        if long_form is not None:
            pairs.append((_as_in_running_text(long_form, text), short))
    for match in _PHRASE_IN_PARENS.finditer(text):
        short, inside = match.group(1), match.group(2)
        if len(inside.split()) >= 2 and _long_form(short, inside) == inside:
            pairs.append((inside, short))
    return pairs


def _long_form(short: str, before: str) -> str | None:
    """The shortest tail of ``before`` (at most min(|short| + 5, 2|short|) words) that
    ``short`` abbreviates, or None."""
    if not any(c.isupper() for c in short) or short.isdigit():
        return None
    letters = [c.lower() for c in short.removesuffix("s") if c.isalnum()]
    words = before.split()[-min(len(letters) + 5, 2 * len(letters)) :]
    candidate = " ".join(words)
    lower = candidate.lower()
    at = len(lower) - 1
    for i in range(len(letters) - 1, -1, -1):
        # The first letter must start a word; the others may sit anywhere, right to left.
        while at >= 0 and (
            lower[at] != letters[i] or (i == 0 and at > 0 and lower[at - 1].isalnum())
        ):
            at -= 1
        if at < 0:
            return None
        at -= 1
    long_form = candidate[at + 1 :].strip(" ,\"'“”")
    if len(long_form) <= len(short) or (" " not in long_form and "-" not in long_form):
        return None
    return long_form


def _as_in_running_text(long_form: str, sentence: str) -> str:
    """ "Acute heart failure" opening a sentence is "acute heart failure"; "World Health
    Organization" keeps its capitals."""
    words = long_form.split()
    if (
        sentence.lstrip().startswith(long_form)
        and words[0][1:].islower()
        and all(w.islower() for w in words[1:])
    ):
        return long_form[0].lower() + long_form[1:]
    return long_form
