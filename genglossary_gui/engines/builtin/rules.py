"""Generate, review and refine a glossary from documents, with no language model.

Pure functions over plain data: :class:`~genglossary_gui.engines.builtin.BuiltinEngine` calls
them, and ``pipeline/steps.py`` reads and writes the store around the engine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import cache

from genglossary_gui.engines.builtin.definitions import (
    STRENGTHS,
    Candidate,
    best_definition,
    confidence,
    context_score_normalized,
    defining_pattern,
    prepare_normalized,
    sentence_fit,
)
from genglossary_gui.pipeline.data import Entry, IssueData
from genglossary_gui.pipeline.reading import Sentence, sentences
from genglossary_gui.pipeline.text import (
    TermMatcher,
    abbreviation_pairs,
    is_japanese,
    normalize,
    singular,
    term_key,
    variant_key,
)
from genglossary_gui.vocabulary import (
    DOCUMENT_LANGUAGES,
    DefinitionKind,
    IssueType,
    definition_kind,
)

#: Patterns that tie a term to something without saying what it is.
_NOT_DEFINING = frozenset({"parenthesis"})
#: Occurrences kept per entry (all are counted).
MAX_OCCURRENCES = 30
#: An abbreviation's pairing with its long form is a plain fact of the text, but says
#: nothing of what the thing is: above a usage example, well below a definition.
ABBREVIATION_CONFIDENCE = 0.5
MAX_ALTERNATIVES = 5
#: A single word at least this common in general language (Zipf scale: 4 = ten per million
#: words) that the documents do not define is an everyday word, not a domain term.
COMMON_ZIPF = 4.0

Check = Callable[[], None]
Progress = Callable[[int, int], None]


# -- generate -------------------------------------------------------------------------------


def generate_entries(  # noqa: C901 -- the one streaming pass over the corpus (its hot loop)
    terms: Sequence[tuple[str, str]],
    documents: Iterable[tuple[str, str]],
    *,
    total_chars: int = 0,
    check: Check = lambda: None,
    progress: Progress | None = None,
    fragments: bool = True,
    required: Iterable[str] = (),
) -> list[Entry]:
    """One entry per ``(term, language)``, from the sentences of ``documents`` (path, text).

    With ``fragments=False`` a term that never occurs on its own, only ever inside a longer
    term ("write-ahead" of "write-ahead log"), gets no entry: it is a fragment, not a term of
    its own (unless the user requires it).
    """
    keep = {t.casefold() for t in required}
    matcher = TermMatcher(t for t, _ in terms)
    occurrences: dict[str, list[Sentence]] = {t: [] for t, _ in terms}
    counts: dict[str, int] = dict.fromkeys(occurrences, 0)
    defining: dict[str, list[Candidate]] = {t: [] for t, _ in terms}
    context: dict[str, tuple[float, Sentence]] = {}
    order = 0
    done = 0
    keys = {t: normalize(t) for t, _ in terms}
    for path, text in documents:
        check()
        within = 0  # characters of this document read so far (about: its sentences')
        for sentence in sentences(path, text):
            order += 1
            within += len(sentence.text)
            if order % 500 == 0:
                check()
                if progress is not None:
                    # Within a long document too: a 20 MB one is a minute of work.
                    progress(done + min(within, len(text)), total_chars or done + len(text))
            normalized = normalize(sentence.text)
            found = matcher.find_normalized(normalized)
            if not found:
                continue
            prepared = prepare_normalized(normalized)
            # No defining pattern can match a question, or a sentence without any of the
            # words and marks they need: the cheap test before any pattern.
            definable = prepared.cued and not prepared.question
            fit = sentence_fit(len(sentence.text), len(found) - 1)
            for term in found:
                counts[term] += 1
                if len(occurrences[term]) < MAX_OCCURRENCES:
                    occurrences[term].append(sentence)
                pattern = defining_pattern(term, sentence.text, prepared) if definable else None
                if pattern is not None:
                    defining[term].append(Candidate(sentence, pattern, STRENGTHS[pattern], order))
                elif _says_more_than(term, sentence.text, keys[term], normalized):
                    score = context_score_normalized(keys[term], normalized, fit)
                    if term not in context or score > context[term][0]:
                        context[term] = (score, sentence)
        done += len(text)
        if progress is not None:
            progress(done, total_chars or done)
    entries = []
    for term, language in terms:
        if not fragments and counts[term] == 0 and term.casefold() not in keep:
            continue
        # "long form (ABBR)" pairs an abbreviation with its expansion; it does not say what
        # the thing is, so alone it is no definition (the pair still feeds the review's
        # duplicate detection through the occurrences).
        candidates = _distinct([c for c in defining[term] if c.pattern not in _NOT_DEFINING])
        if not candidates and term not in context and defining[term]:
            context[term] = (0.0, defining[term][0].sentence)
        best = _best_supported(term, candidates, occurrences[term])
        occ = [(s.path, s.line, s.text) for s in occurrences[term]]
        expansion = None if best is not None else _expansion_in(term, occurrences[term])
        if expansion is not None:
            # "AHF" in "acute heart failure (AHF)": what it abbreviates, not what it is.
            long_form, sentence = expansion
            entries.append(
                Entry(
                    term,
                    language,
                    f"Abbreviation of {long_form}",
                    DefinitionKind.ABBREVIATION,
                    sentence.path,
                    sentence.line,
                    ABBREVIATION_CONFIDENCE,
                    occurrences=occ,
                )
            )
        elif best is not None:
            alternatives = [
                (c.sentence.text, c.sentence.path, c.sentence.line, c.strength)
                for c in sorted(candidates, key=lambda c: (-c.strength, c.order))
                if c is not best
            ][:MAX_ALTERNATIVES]
            entries.append(
                Entry(
                    term,
                    language,
                    best.sentence.text,
                    DefinitionKind.DEFINITION,
                    best.sentence.path,
                    best.sentence.line,
                    confidence(best, len(candidates), counts[term]),
                    occurrences=occ,
                    alternatives=alternatives,
                )
            )
        elif term in context or occ:
            # The most informative mention; when every mention is short (a heading,
            # "Concurrency matters."), the first one, so its occurrences are still kept.
            sentence = context[term][1] if term in context else occurrences[term][0]
            entries.append(
                Entry(
                    term,
                    language,
                    sentence.text,
                    DefinitionKind.USAGE,
                    sentence.path,
                    sentence.line,
                    confidence(None, 0, counts[term]),
                    occurrences=occ,
                )
            )
        else:
            entries.append(Entry(term, language, "", DefinitionKind.NONE, confidence=0.0))
    return entries


def _expansion_in(term: str, mentions: Sequence[Sentence]) -> tuple[str, Sentence] | None:
    """The long form a sentence pairs ``term`` with ("acute heart failure (AHF)", "AHF
    (acute heart failure)"), when ``term`` is the short form."""
    key = term_key(term)
    for sentence in mentions:
        if "(" not in sentence.text and "（" not in sentence.text:
            continue
        for long_form, short_form in abbreviation_pairs(sentence.text):
            if term_key(short_form) == key:
                return long_form, sentence
    return None


def _says_more_than(term: str, sentence: str, key: str, normalized: str) -> bool:
    """A heading or a label that is the term and little else ("## Concurrency") is no usage
    example (``key``, ``normalized``: the term and the sentence passed through
    :func:`normalize`)."""
    if len(sentence) > 2 * len(term) + 30:
        return True  # cheap test first: most mentions are long enough to say more
    if is_japanese(sentence):
        return len(normalized) > len(key) + 4
    return len(_WORD.findall(normalized)) > len(_WORD.findall(key)) + 2


def _best_supported(
    term: str, candidates: list[Candidate], mentions: list[Sentence]
) -> Candidate | None:
    """The strongest defining sentence; among equally strong ones that disagree, the one the
    rest of the documents support best (most content words shared with the term's other
    mentions), then the earliest."""
    best = best_definition(candidates)
    if best is None:
        return None
    rivals = [c for c in candidates if c.strength >= best.strength - 0.05]
    if len(rivals) < 2:
        return best

    def support(candidate: Candidate) -> int:
        context: set[str] = set()
        for sentence in mentions:
            if sentence.text != candidate.sentence.text:
                context |= {singular(w) for w in _content(term, sentence.text)}
        words = {singular(w) for w in _content(term, candidate.sentence.text)}
        return len(words & context)

    return max(rivals, key=lambda c: (support(c), c.strength, -c.order))


def _distinct(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    out = []
    for c in candidates:
        key = normalize(c.sentence.text)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


# -- review ---------------------------------------------------------------------------------

_EN_FUNCTION = frozenset(
    "a an the is are was were be been of to in on for and or as by with that which this "
    "it its from at into refers refer means mean denotes stands defined called also any "
    "such kind type one".split()
)
_JA_FUNCTION = re.compile(
    r"とは|のこと|である|です|だ|を指す|をいう|と呼ぶ|は|が|の|を|に|と|、|。|．|,|\s"
)
_WORD = re.compile(r"[a-z0-9]+")


def _content(term: str, definition: str, aliases: Sequence[str] = ()) -> set[str]:
    """Content words (English) or characters (Japanese) of a definition, the term removed."""
    text = normalize(definition)
    for name in (term, *aliases):
        text = text.replace(normalize(name), " ")
    if is_japanese(text):
        rest = _JA_FUNCTION.sub("", text)
        return {c for c in rest if not "\u3040" <= c <= "\u309f"}  # kanji, katakana, latin
    return {w for w in _WORD.findall(text) if w not in _EN_FUNCTION}


def _term_content(term: str) -> set[str]:
    key = normalize(term)
    if is_japanese(key):
        return set(key)
    return {singular(w) for w in _WORD.findall(key)}


def is_circular(term: str, definition: str) -> bool:
    """The definition says nothing but the term again."""
    content = _content(term, definition)
    words = {singular(w) for w in content}
    return not (words - _term_content(term))


def _initials(phrase: str) -> str:
    return "".join(w[0] for w in _WORD.findall(normalize(phrase)) if w not in _EN_FUNCTION)


def find_duplicates(entries: Sequence[Entry]) -> list[tuple[str, str, str]]:
    """(term, other term, reason) for each pair naming the same concept."""
    pairs: list[tuple[str, str, str]] = []
    by_variant: dict[str, str] = {}
    for entry in entries:
        key = variant_key(entry.term)
        if key in by_variant:
            pairs.append(
                (
                    entry.term,
                    by_variant[key],
                    "a spelling variant (width, case, long vowel mark or plural)",
                )
            )
        else:
            by_variant[key] = entry.term
    acronyms = [e for e in entries if re.fullmatch(r"[A-Z][A-Z0-9]{1,7}s?", e.term)]
    phrases = [e for e in entries if len(_WORD.findall(normalize(e.term))) >= 2]
    initials = {e.term: _initials(e.term) for e in phrases}
    for acronym in acronyms:
        expansion = _expansion_of(acronym, phrases, initials)
        if expansion is not None:
            pairs.append((acronym.term, expansion, "an acronym and its expansion"))
    return pairs


def _expansion_of(acronym: Entry, phrases: Sequence[Entry], initials: dict[str, str]) -> str | None:
    """The phrase ``acronym`` stands for, if the documents leave no doubt.

    A phrase the documents pair with it ("Deoxyribonucleic acid (DNA)") is its expansion when
    the acronym's letters appear in it, in order, from its first letter (HF is not "acute
    heart failure", LV not "preserved left ventricular"). Without a pairing, a phrase whose
    initials are the acronym is taken, if it is the only one and the documents pair the
    acronym with nothing else (CI is not "correlated inversely" where they write "confidence
    interval (CI)").
    """
    key = _acronym_key(acronym.term)
    paired = [e for e in phrases if _letters_fit(key, e.term) and _expands(acronym.term, e)]
    if paired:
        return paired[0].term
    if _paired_elsewhere(acronym, phrases):
        return None
    matching = [e for e in phrases if initials[e.term] == key]
    return matching[0].term if len(matching) == 1 else None


def _letters_fit(key: str, phrase: str) -> bool:
    letters = "".join(_WORD.findall(normalize(phrase)))
    if not letters.startswith(key[:1]):
        return False
    at = 0
    for char in key:
        at = letters.find(char, at)
        if at < 0:
            return False
        at += 1
    return True


def _paired_elsewhere(acronym: Entry, phrases: Sequence[Entry]) -> bool:
    """Some sentence writes "… (ACRONYM)": the documents say what it stands for."""
    marker = re.compile(rf"\w\s*\(\s*{re.escape(acronym.term.lower())}\s*\)")
    sentences_seen = [s for _, _, s in acronym.occurrences]
    sentences_seen += [s for e in phrases for _, _, s in e.occurrences]
    return any(marker.search(normalize(s)) for s in sentences_seen)


def _acronym_key(acronym: str) -> str:
    """OS -> os, CSS -> css, APIs -> api: only a lower-case plural s is dropped."""
    if acronym.endswith("s") and acronym[:-1].isupper():
        acronym = acronym[:-1]
    return acronym.lower()


def _expands(acronym: str, entry: Entry) -> bool:
    """The documents write "expansion (ACRONYM)"."""
    pattern = re.compile(
        rf"{re.escape(normalize(entry.term))}\s*\(\s*{re.escape(acronym.lower())}\s*\)"
    )
    return any(pattern.search(normalize(s)) for _, _, s in entry.occurrences)


def _disagree(first: str, second: str, term: str) -> bool:
    a, b = _content(term, first), _content(term, second)
    if not a or not b:
        return False
    return len(a & b) / len(a | b) < 0.2


def review_entries(  # noqa: C901 -- one rule per issue type, in report order
    entries: Sequence[Entry],
    everyday: Callable[[str, str], float | None] | None = None,
    check: Check = lambda: None,
    progress: Progress | None = None,
    edited: Callable[[Entry], bool] = lambda e: False,
    defined: Callable[[Entry], bool] = lambda e: False,
) -> list[IssueData]:
    """Problems of a glossary, each described for a user. An entry whose definition the user
    wrote has no definition problems to report (duplicates and everyday words still count).
    ``defined`` says which terms a sentence of the documents defines (whatever text the entry
    has now, a model's for instance): those are never everyday words."""
    issues: list[IssueData] = []
    for done, entry in enumerate(entries, start=1):
        check()
        if progress is not None:
            progress(done, len(entries))
        if edited(entry):
            pass
        elif entry.kind == DefinitionKind.NONE:
            issues.append(
                IssueData(
                    entry.term,
                    IssueType.UNCLEAR,
                    f"“{entry.term}” does not occur in the documents, so there "
                    "is nothing to define it with.",
                )
            )
        elif entry.kind == DefinitionKind.USAGE:
            issues.append(
                IssueData(
                    entry.term,
                    IssueType.UNCLEAR,
                    f"No sentence in the documents defines “{entry.term}”; the entry "
                    "shows the most informative sentence that mentions it, as a usage "
                    "example.",
                )
            )
        elif entry.kind == DefinitionKind.ABBREVIATION:
            issues.append(
                IssueData(
                    entry.term,
                    IssueType.UNCLEAR,
                    f"The documents only say what “{entry.term}” abbreviates "
                    f"({entry.definition[len('Abbreviation of ') :]}), not what it is.",
                )
            )
        elif is_circular(entry.term, entry.definition):
            issues.append(
                IssueData(
                    entry.term,
                    IssueType.CIRCULAR,
                    f"The definition of “{entry.term}” only restates the term.",
                )
            )
        for sentence, path, line, strength in [] if edited(entry) else entry.alternatives:
            if strength >= 0.7 and _disagree(entry.definition, sentence, entry.term):
                issues.append(
                    IssueData(
                        entry.term,
                        IssueType.CONTRADICTION,
                        f"The documents define “{entry.term}” differently: "
                        f"{entry.source_path}:{entry.source_line} and {path}:{line}.",
                        related=sentence,
                    )
                )
                break
        if everyday is not None and _single_word(entry.term) and not _is_name(entry.term):
            zipf = everyday(entry.term, entry.language)
            if zipf is not None and _everyday(zipf, entry) and not defined(entry):
                never = (
                    ""
                    if entry.kind == DefinitionKind.DEFINITION
                    else " that the documents never define"
                )
                issues.append(
                    IssueData(
                        entry.term,
                        IssueType.UNNECESSARY,
                        f"“{entry.term}” is an everyday word (general-language frequency "
                        f"{zipf:.1f} on the Zipf scale){never}, not a domain term.",
                        should_exclude=True,
                    )
                )
    for term, other, reason in find_duplicates(entries):
        check()
        issues.append(
            IssueData(
                term,
                IssueType.DUPLICATE,
                f"“{term}” and “{other}” name the same concept: {reason}.",
                related=other,
            )
        )
    return issues


def _everyday(zipf: float, entry: Entry) -> bool:
    """Common words (Zipf ≥ 4) are not domain terms, unless the documents define them: a
    word the documents define is a term of theirs, however common ("A *transaction* is a
    unit of work …")."""
    return zipf >= COMMON_ZIPF and entry.kind != DefinitionKind.DEFINITION


def _is_name(term: str) -> bool:
    """A headword with capitals is a name or an acronym (Cargo, Homebrew, OR, NO): the
    headword keeps the capitals the documents write inside sentences, so a capital here is
    no sentence start. General-language frequency says nothing about it."""
    return any(c.isupper() for c in term)


def _single_word(term: str) -> bool:
    key = normalize(term)
    if is_japanese(key):
        return len(key) <= 4
    return " " not in key.strip()


@cache
def _frequency_table(language: str) -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict(language)


def general_zipf(term: str, language: str) -> float | None:
    """General-language frequency of a word on the Zipf scale (wordfreq's data), or None."""
    if language not in DOCUMENT_LANGUAGES:
        return None
    frequency = _frequency_table(language).get(normalize(term))
    return math.log10(frequency) + 9 if frequency else None


# -- refine ---------------------------------------------------------------------------------


def refine_entries(
    entries: Sequence[Entry],
    issues: Sequence[IssueData],
    required: set[str],
    check: Check = lambda: None,
    progress: Progress | None = None,
) -> list[Entry]:
    """Merge duplicates into one entry with aliases, drop everyday words (never a required
    term), keep the strongest definition, and link entries whose definitions mention each
    other."""
    by_term = {e.term: replace(e, aliases=list(e.aliases), see_also=[]) for e in entries}
    for issue in issues:
        check()
        if issue.type == IssueType.UNNECESSARY and issue.term not in required:
            by_term.pop(issue.term, None)
    for issue in issues:
        if issue.type != "duplicate":
            continue
        a, b = by_term.get(issue.term), by_term.get(issue.related)
        if a is None or b is None:
            continue
        keep, merge = (a, b) if _better(a, b, required) else (b, a)
        keep.aliases = sorted({*keep.aliases, merge.term, *merge.aliases} - {keep.term})
        seen = {(p, line) for p, line, _ in keep.occurrences}
        keep.occurrences += [o for o in merge.occurrences if (o[0], o[1]) not in seen]
        del by_term[merge.term]
    names = {alias: e.term for e in by_term.values() for alias in [e.term, *e.aliases]}
    matcher = TermMatcher(names)
    for done, entry in enumerate(by_term.values(), start=1):
        check()
        if progress is not None:
            progress(done, len(by_term))
        mentioned = {names[t] for t in matcher.find(entry.definition)}
        entry.see_also = sorted(mentioned - {entry.term})
    return sorted(by_term.values(), key=lambda e: normalize(e.term))


def _better(a: Entry, b: Entry, required: set[str]) -> bool:
    def key(e: Entry) -> tuple[int, int, int, float, int]:
        # Required first, then the better definition; the full form over its acronym; on a
        # tie the shorter form (API over APIs) heads the entry.
        acronym = re.fullmatch(r"[A-Z][A-Z0-9]{1,7}s?", e.term) is not None
        return (
            e.term in required,
            definition_kind(e.kind).rank,
            not acronym,
            e.confidence,
            -len(e.term),
        )

    return key(a) >= key(b)
