"""Built-in term extraction: candidates per language, ranked by C-value and frequency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from genglossary_gui.engines.builtin.extract import cvalue, english, japanese
from genglossary_gui.engines.builtin.extract.cvalue import Units
from genglossary_gui.pipeline.data import (  # noqa: F401 (re-exported)
    MIN_GLOSSARY_CUTOFF,
    glossary_cutoff,
)
from genglossary_gui.pipeline.documents import chunk_end, detect_language
from genglossary_gui.pipeline.reading import position
from genglossary_gui.pipeline.reading import prose as prose_of
from genglossary_gui.vocabulary import DOCUMENT_LANGUAGES, Language

LANGUAGES = DOCUMENT_LANGUAGES
#: English chunks only bound the time between two cancel checks.
_EN_CHUNK_CHARS = 32_000
#: A candidate seen once is almost never a domain term (and mostly a verb phrase in English).
DEFAULT_MIN_FREQ = 2
#: Up to this much English text, candidates seen once are ranked too (after the rest).
ONCE_SEEN_MAX_CHARS = 2_000_000
#: Scale of the score of a candidate seen once, or of an everyday single word: it ranks
#: below the recurring domain candidates of similar score (not a strict order: a long
#: phrase seen once can still pass a weak recurring one).
_ONCE_WEIGHT = 0.05


@dataclass(frozen=True, slots=True)
class RankedTerm:
    text: str
    language: str
    score: float
    frequency: int
    document_count: int


def _module(language: str) -> ModuleType:
    return japanese if language == "ja" else english


class TermExtractor:
    """Accumulates candidates document by document, then ranks them.

    What it keeps grows with the number of distinct candidates (the term statistics), not
    with the documents: each document's distinct candidates are counted towards the
    document counts as soon as it ends. A document read in parts (``reading.Part``) is one
    document, and its prose is cut into chunks where the whole text would have been.

    ``check`` is called between chunks (a cancel check point); it may raise.
    """

    def __init__(self, check: Callable[[], None] | None = None) -> None:
        self._check = check or (lambda: None)
        self._maximal: dict[str, Counter[Units]] = {lang: Counter() for lang in LANGUAGES}
        # English display casing: how often each surface of a word was seen (counted flat,
        # by C code, as the chunks come; grouped by lower-case word when first needed).
        self._surfaces: Counter[str] = Counter()
        #: The same for words that start a sentence (capitalised whatever they are).
        self._start_surfaces: Counter[str] = Counter()
        #: Surface forms of each English word key (its singular), as (key, lower-case
        #: form): the headword ends in the form the documents use most ("machine learning
        #: techniques" if mostly plural).
        self._last_forms: Counter[tuple[str, str]] = Counter()
        self._grouped: _Casings | None = None
        self._verbs = english.VerbEvidence()
        self._chars: Counter[str] = Counter()
        #: Per language: in how many documents each candidate (every sub-sequence of a
        #: maximal sequence) occurs.
        self._doc_counts: dict[str, Counter[Units]] = {lang: Counter() for lang in LANGUAGES}
        #: The document being read in parts: its language, its distinct maximal sequences,
        #: the prose not cut into chunks yet, and whether it had any prose before.
        self._open: tuple[str, set[Units]] | None = None
        self._carry = ""
        self._had_prose = False
        self.chars = 0

    def add(
        self,
        text: str,
        language: str = "auto",
        on_progress: Callable[[int], None] | None = None,
        *,
        markdown: bool = True,
    ) -> str:
        """Add one document, or one part of a document read in parts; returns the language
        used. ``on_progress(chars)`` per chunk. A Markdown document's code and markup are
        left out (``markdown``)."""
        _, first, last = position(text)
        if first or self._open is None:
            self._close_document()
            lang = detect_language(text) if language == Language.AUTO else language
            self._open = (lang, set())
            self._carry, self._had_prose = "", False
        lang, keys = self._open
        size = japanese.CHUNK_CHARS if lang == "ja" else _EN_CHUNK_CHARS
        prose = prose_of(text, markdown=markdown)
        if markdown and prose and self._had_prose:
            # The whole document's prose joins its blocks with a blank line.
            stream = self._carry + "\n\n" + prose
        else:
            stream = self._carry + prose
        self._had_prose = self._had_prose or bool(prose)
        start = 0
        while start < len(stream) and (last or len(stream) - start > size):
            end = chunk_end(stream, start, size)
            self._add_chunk(stream[start:end], lang, keys, on_progress)
            start = end
        self._carry = "" if last else stream[start:]
        if on_progress is not None and len(text) > len(prose):
            on_progress(len(text) - len(prose))  # the markup and code left out count as read
        if last:
            self._close_document()
        return lang

    def _add_chunk(
        self,
        chunk: str,
        lang: str,
        keys: set[Units],
        on_progress: Callable[[int], None] | None,
    ) -> None:
        """One chunk of a document's prose: its candidates counted."""
        module = _module(lang)
        counter = self._maximal[lang]
        self._check()
        if lang == "en":
            self._verbs.add(chunk)
        found = (
            english.candidates_with_position(chunk, self._verbs)
            if lang == "en"
            else ((units, surface, False) for units, surface in module.candidate_sequences(chunk))
        )
        if lang == "en":
            self._grouped = None
            surfaces, starts, last_forms = (
                self._surfaces,
                self._start_surfaces,
                self._last_forms,
            )
            for units, surface, starts_sentence in found:
                counter[units] += 1
                keys.add(units)
                words = surface.split(" ")
                if starts_sentence:
                    # A sentence's first word is capitalised whatever it is: weak evidence,
                    # used only for words seen nowhere else.
                    starts[words[0]] += 1
                    surfaces.update(words[1:])
                else:
                    surfaces.update(words)
                last_forms[(units[-1], words[-1].lower())] += 1
        else:
            for units, _surface, _starts in found:
                counter[units] += 1
                keys.add(units)
        self.chars += len(chunk)
        self._chars[lang] += len(chunk)
        if on_progress is not None:
            on_progress(len(chunk))

    def _close_document(self) -> None:
        """Count the document read last towards the document counts of its candidates (each
        sub-sequence of its maximal sequences, once)."""
        if self._open is None:
            return
        lang, keys = self._open
        self._open = None
        if self._carry:  # its last part never came: what it read still counts
            self._add_chunk(self._carry, lang, keys, None)
            self._carry = ""
        max_units = _module(lang).MAX_UNITS
        seen: set[Units] = set()
        for i, key in enumerate(keys):
            if i % 4096 == 4095:
                self._check()
            seen.update(cvalue.sub_sequences(key, max_units))
        counts = self._doc_counts[lang]
        for units in seen:
            counts[units] += 1

    def _display(self, lang: str, units: Units) -> str:
        if lang == "ja":
            return japanese.display(units)
        # The last word in the form the documents use most (plural or singular), each word
        # in the capitals the documents give that form.
        casings = self._casings()
        forms = casings.forms.get(units[-1])
        last = units[-1]
        if forms and not last.isupper():
            last = forms.most_common(1)[0][0]
        return " ".join(self._cased(casings, key) for key in (*units[:-1], last))

    @staticmethod
    def _cased(casings: _Casings, key: str) -> str:
        lower = key.lower()
        return _casing_of(casings.inside.get(lower) or casings.start.get(lower), key)

    def _casings(self) -> _Casings:
        if self._grouped is None:
            self._grouped = _Casings(
                _grouped(self._surfaces.items(), str.lower),
                _grouped(self._start_surfaces.items(), str.lower),
                _grouped_pairs(self._last_forms.items()),
            )
        return self._grouped

    def ranked(self, *, min_freq: int | None = None, top: int | None = None) -> list[RankedTerm]:
        """The candidates best first. ``min_freq`` (default: per language, English phrases
        may occur once) is the least frequency of a candidate."""
        self._close_document()
        # The best are picked as the candidates come (not from a list of them all).
        scored = cvalue.best_first(self._scored(min_freq, top), key=lambda item: item[1], top=top)
        merged: dict[str, RankedTerm] = {}
        for lang, s in scored:
            text = self._display(lang, s.units)
            if text in merged:  # two keys with the same display form: keep the better one
                continue
            merged[text] = RankedTerm(
                text, lang, round(s.score, 4), s.frequency, self._doc_counts[lang][s.units]
            )
        return list(merged.values())

    def _scored(self, min_freq: int | None, top: int | None) -> Iterator[tuple[str, cvalue.Scored]]:
        """Every candidate that can be a term, with its score (that of a candidate seen once
        or of an everyday word scaled down)."""
        seen = 0
        for lang in LANGUAGES:
            module = _module(lang)
            least = min_freq if min_freq is not None else self._least_frequency(lang, module)
            for s in cvalue.score_candidates(
                self._maximal[lang],
                max_len=module.MAX_UNITS,
                min_freq=least,
                valid=module.valid_candidate,
                check=self._check,
                top=None if lang == "en" else top,
            ):
                seen += 1
                if seen % 4096 == 0:
                    self._check()  # ranking every English candidate takes a while
                # (Not kept: shown again below for the best only, not held for them all.)
                text = self._display(lang, s.units)
                if lang == "en" and not english.plausible_term(text, s.frequency, self._verbs):
                    continue
                if s.frequency < DEFAULT_MIN_FREQ or (lang == "en" and english.everyday_word(text)):
                    # Seen once (an abstract names its terms once), or an everyday word: kept,
                    # but ranked after every recurring domain candidate.
                    yield lang, cvalue.Scored(s.units, s.score * _ONCE_WEIGHT, s.frequency)
                    continue
                yield lang, s

    def _least_frequency(self, lang: str, module: ModuleType) -> int:
        """Candidates seen once are kept for a small English corpus, where most terms occur
        once (an abstract names its terms once); a large one has enough recurring candidates,
        and counting every once-seen phrase there would only cost time."""
        once_ok = lang == "en" and self._chars[lang] <= ONCE_SEEN_MAX_CHARS
        return getattr(module, "MIN_FREQ", DEFAULT_MIN_FREQ) if once_ok else DEFAULT_MIN_FREQ


@dataclass(frozen=True)
class _Casings:
    """The English surfaces seen, grouped: lower-case word -> its surfaces inside sentences
    and at their starts; word key -> its lower-case forms as a headword's last word."""

    inside: dict[str, Counter[str]]
    start: dict[str, Counter[str]]
    forms: dict[str, Counter[str]]


def _grouped(
    counts: Iterable[tuple[str, int]], key: Callable[[str], str]
) -> dict[str, Counter[str]]:
    """``counts`` grouped by ``key`` of each item, in the order the items were first seen
    (so that ties are broken as they were when the groups were counted directly)."""
    groups: dict[str, Counter[str]] = {}
    for item, n in counts:
        group = groups.get(key(item))
        if group is None:
            group = groups[key(item)] = Counter()
        group[item] = n
    return groups


def _grouped_pairs(counts: Iterable[tuple[tuple[str, str], int]]) -> dict[str, Counter[str]]:
    groups: dict[str, Counter[str]] = {}
    for (word, form), n in counts:
        group = groups.get(word)
        if group is None:
            group = groups[word] = Counter()
        group[form] = n
    return groups


def _casing_of(seen: Counter[str] | None, key: str) -> str:
    """Display form of a word: an acronym stays upper case; a name the documents write in
    another form at least twice as often as in lower case keeps that form (Homebrew, macOS);
    any other word also written in lower case (so capitalised only at sentence starts and in
    title-case headings) is shown in lower case."""
    if not seen:
        return key
    total = sum(seen.values())
    upper = sum(n for w, n in seen.items() if len(w) > 1 and w.isupper())
    if upper * 2 >= total:
        return max((w for w in seen if w.isupper()), key=lambda w: seen[w])
    lower = key.lower()
    best = max((w for w in seen if w != lower), key=lambda w: seen[w], default=lower)
    return best if seen.get(best, 0) >= 2 * seen.get(lower, 0) else lower


def extract_from_texts(
    texts: Iterator[str] | list[str],
    language: str = "auto",
    top: int | None = None,
    check: Callable[[], None] | None = None,
) -> list[RankedTerm]:
    extractor = TermExtractor(check)
    for text in texts:
        extractor.add(text, language)
    return extractor.ranked(top=top)
