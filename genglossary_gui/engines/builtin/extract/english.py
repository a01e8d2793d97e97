"""English candidates: runs of words between stop words, punctuation and numbers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from genglossary_gui.engines.builtin.extract.cvalue import Units
from genglossary_gui.pipeline.text import singular

MAX_UNITS = 4

# Function words plus very common verbs, adverbs and vague adjectives: a term never starts,
# ends or spans across one of these.
STOP_WORDS = frozenset(
    """
    a about above after again against all also although always am among an and another
    any are aren't around as at be became because been before being below between both
    but by can cannot could did do does doing done down during each either else even
    ever every few for from further get gets getting given gives go goes had has have
    having he her here hers herself him himself his how however i if in into is isn't it
    it's its itself just last least less let like likely made make makes making many may
    me might more most much must my myself need needs neither never new next no nor not
    now of off often on once one only onto or other others otherwise our ours ourselves
    out over own per perhaps rather really same see seen several shall she should since
    so some such than that that's the their theirs them themselves then there these they
    this those though through thus to too toward towards under until up upon us use used
    uses using usually very via was wasn't we well were what when where whether which
    while who whom whose why will with within without would yet you your yours yourself
    yourselves able across already always etc e.g i.e eg ie first second third new old
    good bad large small high low various different important main many much specific
    similar certain possible following provide provides provided include includes
    included including allow allows allowed contain contains contained describe
    describes described show shows shown call called calls take takes taken keep keeps
    kept give given run runs ran set sets example examples way ways thing things lot
    lots part parts kind kinds case cases
    """.split()
)

# "you've", "don't", "we'll", "let's": a clause, never part of a term.
_CONTRACTION = re.compile(r"['’](?:ve|re|ll|d|m|t)$|n['’]t$|^let['’]s$")
# A word: letters first, then letters, digits, inner hyphens or apostrophes.
_WORD = re.compile(r"(?:(?<![0-9])\d+-)?[A-Za-z][A-Za-z0-9]*(?:[-'’][A-Za-z0-9]+)*")
# A phrase run: words separated only by spaces, tabs or a single line break (a soft wrap
# inside a paragraph); punctuation and blank lines break runs.
_RUN = re.compile(
    r"(?:(?<![0-9])\d+-)?[A-Za-z][A-Za-z0-9'’-]*"
    r"(?:(?:[ \t]+|[ \t]*\n[ \t]*)(?:(?<![0-9])\d+-)?[A-Za-z][A-Za-z0-9'’-]*)*"
)


@lru_cache(maxsize=131_072)
def _normalise(word: str) -> str:
    """Key of a word: lower case (acronyms kept, an acronym's plural singular). Cached,
    which also makes the keys of a word one string object: the candidate counts hold each
    word once, not once per candidate it is in."""
    if len(word) > 1 and word.isupper():
        return word
    if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
        return word[:-1]  # an acronym's plural: APIs -> API
    return word.lower()


def candidate_sequences(
    text: str, verbs: VerbEvidence | None = None
) -> Iterator[tuple[Units, str]]:
    """Yield ``(key units, surface)`` for each maximal candidate in ``text``. With ``verbs``
    (what the documents so far say of their words), a verb in its third-person form ends a
    candidate like a stop word does ("the anchor index grows" gives "anchor index")."""
    for units, surface, _ in candidates_with_position(text, verbs):
        yield units, surface


def candidates_with_position(
    text: str, verbs: VerbEvidence | None = None
) -> Iterator[tuple[Units, str, bool]]:
    """:func:`candidate_sequences`, each with whether its first word starts a sentence (or a
    line): its capital there says nothing about how the word is written."""
    for run in _RUN.finditer(text):
        before = text[max(0, run.start() - 3) : run.start()].rstrip(" \t")
        first = not before or before[-1] in ".!?:\n"
        words = _WORD.findall(run.group())
        current: list[str] = []
        starts = first
        for word in words:
            kind = _word_kind(word)
            if kind == _BREAK or (
                kind == _WORD_KIND
                and verbs is not None
                and word[-1] == "s"
                and _verb_here(word, verbs)
            ):
                if current:
                    yield (*_emitted(current), starts)
                    current = []
                starts = False
            elif kind == _POSSESSIVE:
                # A possessive ends its noun phrase: "pyenv's ability" gives "pyenv".
                current.append(word[:-2])
                yield (*_emitted(current), starts)
                current = []
                starts = False
            else:
                current.append(word)
        if current:
            yield (*_emitted(current), starts)


_WORD_KIND, _BREAK, _POSSESSIVE = 0, 1, 2


@lru_cache(maxsize=131_072)
def _word_kind(word: str) -> int:
    """Whether ``word`` can be part of a candidate, ends one (a stop word, a contraction,
    "what's") or is a possessive ("pyenv's"). Cached: the loop meets each word many times."""
    lower = word.lower()
    if lower in STOP_WORDS or (len(word) < 2 and not word.isupper()):
        return _BREAK
    if "'" in lower or "’" in lower:
        possessive = lower.endswith(("'s", "’s"))
        if _CONTRACTION.search(lower) is not None or (possessive and lower[:-2] in STOP_WORDS):
            return _BREAK
        if possessive and len(word) > 3:
            return _POSSESSIVE
    return _WORD_KIND


def _verb_here(word: str, verbs: VerbEvidence) -> bool:
    return (
        word.endswith("s")
        and not word.isupper()
        and finite_verb(word)
        and not verbs.used_as_noun(word)
    )


def _emitted(words: list[str]) -> tuple[Units, str]:
    # Very long runs are headings or lists rather than terms; keep them as windows anyway.
    keys = [_normalise(w) for w in words]
    keys[-1] = singular(keys[-1])
    return tuple(keys), " ".join(words)


#: Words after which the next word is a verb ("we propose", "to parse", "can learn").
# Not "to" ("flushed to disk"), "it", "not" or "also": nouns follow those too.
_VERB_CUES = frozenset("we they can cannot will may should would could must".split())
#: Words after which a noun phrase starts: determiners and prepositions (and, in add(), a
#: verb in its third-person form, whose object follows).
_DETERMINERS = frozenset(
    """the a an this that these those each every its their our his her any no some such
    of in on for with from by into about between over under""".split()
)
_COPULAS = frozenset("is are was were".split())
#: A word is taken for a verb only when seen after a cue at least this often.
_MIN_VERB_EVIDENCE = 2
#: A single word at least this common in general language (Zipf) is an everyday word.
EVERYDAY_ZIPF = 4.5
#: Multi-word phrases seen once can be terms (an abstract names its terms once); a single
#: word needs more evidence.
MIN_FREQ = 1
MIN_FREQ_SINGLE = 2


class VerbEvidence:
    """Which words the documents themselves use as verbs: those that follow a pronoun, "to"
    or a modal at least half the times they occur. A phrase ending in one ("the model
    learn", "this paper propose") is a clause fragment, not a term."""

    def __init__(self) -> None:
        self._after_cue: dict[str, int] = {}
        self._total: dict[str, int] = {}
        #: Words seen used as nouns: after a determiner, a preposition or a third-person verb,
        #: or before "is"/"are"/"was"/"were".
        self._nouns: set[str] = set()
        #: Per word: whether a noun phrase follows it (a determiner, a preposition, a verb
        #: in its third-person form), worked out once.
        self._before_noun: dict[str, bool] = {}

    def add(self, text: str) -> None:
        previous = ""
        after, total, nouns = self._after_cue, self._total, self._nouns
        before_noun = self._before_noun
        for word in _WORD.findall(text.lower()):
            total[word] = total.get(word, 0) + 1
            if previous in _VERB_CUES:
                after[word] = after.get(word, 0) + 1
            else:
                # "the parse", "of parse trees", "produces parse trees": a noun phrase follows.
                leads = before_noun.get(previous)
                if leads is None:
                    leads = before_noun[previous] = previous in _DETERMINERS or (
                        previous.endswith("s") and finite_verb(previous)
                    )
                if leads:
                    nouns.add(word)
            if word in _COPULAS:
                nouns.add(previous)
            previous = word

    def used_as_noun(self, word: str) -> bool:
        """The documents use ``word`` (or its singular) as a noun somewhere ("the logs", "a
        template", "the log is"): a dictionary that knows it only as a verb is not the last
        word on it."""
        word = word.lower()
        return word in self._nouns or singular(word) in self._nouns

    def is_verb(self, word: str) -> bool:
        word = word.lower()
        for form in {word, singular(word)}:
            after = self._after_cue.get(form, 0)
            if after >= _MIN_VERB_EVIDENCE and after * 2 >= self._total.get(form, 0):
                return True
        return False


@lru_cache(maxsize=65_536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def plausible_term(text: str, frequency: int, verbs: VerbEvidence) -> bool:
    """Whether a ranked English candidate can be a term, that is a noun or a noun phrase.

    Not a term: an adverb at either end; an adjective-only word alone or at the end
    ("classical", "suitable"); a word that is only a verb, in its base or third-person form,
    alone ("avoid", "produces") or in a phrase ("system consists", "method outperforms
    previous"); a word the documents themselves use as a verb at the end ("the model
    learn"). Parts of speech come from lemminflect's dictionary; a word it does not know (a
    coinage, a name) or knows only as a verb while the documents use it as a noun ("the
    logs", "a template is") is never refused for its part of speech. A single word must
    recur; acronyms always can.
    """
    words = text.split()
    first, last = words[0].lower(), words[-1].lower()

    def verb_only(word: str, forms: Callable[[str], bool]) -> bool:
        return not word.isupper() and forms(word) and not verbs.used_as_noun(word)

    if len(words) == 1:
        if words[0].isupper():
            return True
        return (
            frequency >= MIN_FREQ_SINGLE
            and not is_adverb(last)
            and not verbs.is_verb(last)
            and not adjective_only(last)
            and not verb_only(last, base_verb)
            and not verb_only(last, finite_verb)
        )
    if is_adverb(first) or is_adverb(last):
        return False
    if words[-1].isupper():
        return True
    if adjective_only(last) or verbs.is_verb(last):
        return False
    if verb_only(words[0], base_verb):
        return False  # "install python", "enable shims"; "a write cache" is a noun use
    return not any(verb_only(w, finite_verb) for w in words)


@lru_cache(maxsize=65_536)
def _readings(word: str) -> dict[str, tuple[str, ...]]:
    """Part of speech -> lemmas, from lemminflect's dictionary ({} for a word it does not
    know)."""
    from lemminflect import getAllLemmas

    return dict(getAllLemmas(word.lower()))


@lru_cache(maxsize=65_536)
def adjective_only(word: str) -> bool:
    """An adjective (or adverb) and nothing else: "classical", "distinct", "suitable"."""
    readings = _readings(word)
    return bool(readings) and set(readings) <= {"ADJ", "ADV"}


@lru_cache(maxsize=65_536)
def base_verb(word: str) -> bool:
    """Only a verb, in its base form: "avoid", "translate", "simplify". Not a participle
    ("-ing", "-ed"), which modifies nouns ("parsing algorithm", "annotated corpus")."""
    readings = _readings(word)
    lower = word.lower()
    return (
        set(readings) == {"VERB"}
        and readings["VERB"][0] == lower
        and not lower.endswith(("ing", "ed"))
    )


@lru_cache(maxsize=65_536)
def finite_verb(word: str) -> bool:
    """Only a verb, in its third-person form: "consists", "outperforms", "produces"."""
    readings = _readings(word)
    lower = word.lower()
    return set(readings) == {"VERB"} and lower.endswith("s") and readings["VERB"][0] != lower


@lru_cache(maxsize=65_536)
def is_adverb(word: str) -> bool:
    """An -ly adverb made from a known word ("clearly", "easily", "asynchronously"), not a
    noun that happens to end in -ly ("supply", "family", "anomaly", "schizocoely")."""
    import simplemma

    word = word.lower()
    if not word.endswith("ly") or len(word) < 5 or word in _NOT_ADVERBS:
        return False
    stems = [word[:-2], word[:-3] + "y" if word.endswith("ily") else "", word[:-2] + "e"]
    if word.endswith("ally"):
        stems.append(word[:-4])
    return any(len(s) > 2 and simplemma.is_known(s, "en") for s in stems if s)


#: -ly words whose stem is a word but which name things or qualities used in terms.
_NOT_ADVERBS = frozenset("early elderly assembly family ally belly bully".split())


def everyday_word(text: str) -> bool:
    """A single word common in general language ("system", "study"): listed below the
    recurring domain terms, so the user can still require it, and dropped by refine unless
    the documents define it or the user requires it."""
    if " " in text or any(c.isupper() for c in text):
        return False  # a name or an acronym (Cargo, OR), as the documents write it
    word = text.lower()
    return max(_zipf(word), _zipf(singular(word))) >= EVERYDAY_ZIPF


def valid_candidate(units: Units) -> bool:
    # A phrase ending in a past participle is a clause fragment ("data cleaned"), not a term.
    last = units[-1]
    if len(last) > 4 and last.endswith("ed") and not last.isupper():
        return False
    if len(units) == 1:
        word = units[0]
        return len(word) >= 3 or word.isupper()
    return True


def display(units: Units) -> str:
    return " ".join(units)
