"""The terms the viewer highlights, their states, and finding them in the rendered lines.

One regular expression finds every term: the spellings are merged into a trie (so the
engine never tries thousands of alternatives at one position), leftmost match first and,
at one position, the longest spelling first; a match never overlaps another. English
spellings match case-insensitively, as whole words (a final plural too); Japanese ones
exactly, a katakana word never inside a longer one (ログ is not found in ブログ).

No Qt here: the vocabulary is loaded and the lines are searched on a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from genglossary_gui.pipeline.text import is_japanese, singular, term_key
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.repositories.viewer import ViewerTerm, viewer_terms
from genglossary_gui.ui.viewer.render import Line
from genglossary_gui.vocabulary import TermStatus


class State(IntEnum):
    """A highlight's colour; when several apply, the highest wins. (Its name in the window:
    ``styles.state_label``, translated there.)"""

    CANDIDATE = 0
    REQUIRED = 1
    ENTRY = 2
    EXCLUDED = 3


@dataclass(frozen=True, slots=True)
class TermInfo:
    """A highlighted term: an entry of the current glossary, or a term of the project."""

    #: The entry's headword, or the term's text.
    text: str
    state: State
    #: The user's mark on the term (candidate when it has none).
    status: TermStatus
    #: The entry of the current glossary, if the term is (an alias of) one.
    entry: repo.GlossaryRow | None
    note: str
    #: The spellings highlighted for it: the term, the entry's aliases, plural forms.
    forms: tuple[str, ...]

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.entry.aliases if self.entry is not None else ()


@dataclass(frozen=True, slots=True)
class Vocabulary:
    infos: tuple[TermInfo, ...]
    #: A spelling (lower case) -> the index of its term in ``infos``.
    index: dict[str, int]
    pattern: re.Pattern[str] | None

    def find(self, text: str) -> int | None:
        """The index of the term spelled ``text`` (any case), or None."""
        return self.index.get(text.lower())


EMPTY = Vocabulary((), {}, None)

#: Spellings longer than this are not highlighted (nobody writes a term of 200 characters,
#: and the expression stays small).
MAX_FORM_CHARS = 120


def load_vocabulary(project_id: int) -> Vocabulary:
    """The project's terms and its current glossary's entries (store reads: call it on a
    worker thread, inside a connection context)."""
    run = repo.current_run(project_id)
    entries = repo.glossary_rows(project_id, run) if run is not None else []
    return build_vocabulary(viewer_terms(project_id), entries)


def build_vocabulary(
    terms: Sequence[ViewerTerm], entries: Sequence[repo.GlossaryRow]
) -> Vocabulary:
    rows: dict[str, ViewerTerm] = {}
    by_key: dict[str, ViewerTerm] = {}
    for term in terms:
        rows.setdefault(term.text.lower(), term)
        by_key.setdefault(term_key(term.text), term)
    infos: list[TermInfo] = []
    names: list[tuple[str, ...]] = []
    taken: set[str] = set()
    for entry in entries:
        own = tuple(n for n in (entry.term, *entry.aliases) if n.strip())
        row = _row_of(own, rows, by_key)
        status = TermStatus(row.status) if row is not None else TermStatus.CANDIDATE
        state = State.EXCLUDED if status == TermStatus.EXCLUDED else State.ENTRY
        infos.append(TermInfo(entry.term, state, status, entry, row.note if row else "", ()))
        names.append(own)
        taken.update(n.lower() for n in own)
    for term in terms:
        if term.text.lower() in taken:
            continue
        taken.add(term.text.lower())
        status = TermStatus(term.status)
        infos.append(TermInfo(term.text, _STATE_OF[status], status, None, term.note, ()))
        names.append((term.text,))
    return _indexed(infos, names)


_STATE_OF = {
    TermStatus.CANDIDATE: State.CANDIDATE,
    TermStatus.REQUIRED: State.REQUIRED,
    TermStatus.EXCLUDED: State.EXCLUDED,
}


def _row_of(
    names: Sequence[str], rows: dict[str, ViewerTerm], by_key: dict[str, ViewerTerm]
) -> ViewerTerm | None:
    """The term row of an entry: its headword's, else an alias's (same text in any case,
    else the same ``term_key``)."""
    for name in names:
        row = rows.get(name.lower())
        if row is not None:
            return row
    for name in names:
        row = by_key.get(term_key(name))
        if row is not None:
            return row
    return None


def _indexed(infos: list[TermInfo], names: list[tuple[str, ...]]) -> Vocabulary:
    """Every spelling of every term: first the names themselves (a term's own text wins
    over another term's plural), then their variants."""
    index: dict[str, int] = {}
    forms: list[list[str]] = [[] for _ in infos]
    for i, own in enumerate(names):
        for name in own:
            _claim(index, forms, i, name)
    for i, own in enumerate(names):
        for name in own:
            for variant in variants(name):
                _claim(index, forms, i, variant)
    done = tuple(
        TermInfo(info.text, info.state, info.status, info.entry, info.note, tuple(f))
        for info, f in zip(infos, forms, strict=True)
    )
    return Vocabulary(done, index, compile_pattern(index))


def _claim(index: dict[str, int], forms: list[list[str]], i: int, form: str) -> None:
    form = " ".join(form.split())
    key = form.lower()
    if form and len(form) <= MAX_FORM_CHARS and key not in index:
        index[key] = i
        forms[i].append(form)


_KATAKANA = "\u30a0-\u30ff"
_KATAKANA_WORD = re.compile(f"[{_KATAKANA}]+")
_KATAKANA_TAIL = re.compile(f"[{_KATAKANA}]+$")


def variants(form: str) -> list[str]:
    """Other spellings of a term that are the same term: English singular and plural of the
    last word, hyphens and spaces (write-ahead log, write ahead log); Japanese katakana with
    and without a final long vowel mark (サーバー, サーバ)."""
    if is_japanese(form):
        tail = _KATAKANA_TAIL.search(form)
        if tail is None or len(tail.group()) < 3:
            return []
        return [form[:-1]] if form.endswith("ー") else [form + "ー"]
    out: list[str] = []
    words = form.split(" ")
    last = words[-1]
    if last.isascii() and last[-1:].isalpha():
        one = singular(last) if last.islower() else last
        if _ACRONYM_PLURAL.fullmatch(last):
            one = last[:-1]
        if one != last:
            out.append(" ".join([*words[:-1], one]))
        else:
            out += [" ".join([*words[:-1], p]) for p in _plurals(last)]
    if len(words) > 1 and "-" not in form:
        out.append(form.replace(" ", "-"))
    if "-" in form:
        out.append(form.replace("-", " "))
    return out


_ACRONYM_PLURAL = re.compile(r"[A-Z][A-Z0-9]+s")


def _plurals(word: str) -> list[str]:
    lower = word.lower()
    if lower.endswith("is") and len(word) > 4:
        return [word[:-2] + "es"]  # analysis, analyses
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return [word + "es"]
    if lower.endswith("y") and len(word) > 2 and lower[-2] not in "aeiou":
        return [word[:-1] + "ies", word + "s"]
    return [word + "s"]


# -- the expression ---------------------------------------------------------------------------

_EN_LETTER = "0-9A-Za-z\u00c0-\u024f"
_EN_BEFORE = f"(?<![{_EN_LETTER}])(?<![{_EN_LETTER}]-)"
_EN_AFTER = f"(?![{_EN_LETTER}])(?!-[{_EN_LETTER}])"


def compile_pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    """One expression over every spelling: Japanese ones first (a mixed "APIキー" before
    the English "API"), then katakana words, then English words."""
    japanese: list[str] = []
    katakana: list[str] = []
    english: list[str] = []
    for form in forms:
        if not is_japanese(form):
            english.append(form)
        elif _KATAKANA_WORD.fullmatch(form):
            katakana.append(form)
        else:
            japanese.append(form)
    parts = []
    if japanese:
        parts.append(trie_pattern(japanese))
    if katakana:
        parts.append(f"(?<![{_KATAKANA}])(?:{trie_pattern(katakana)})(?![{_KATAKANA}])")
    if english:
        parts.append(f"{_EN_BEFORE}(?:{trie_pattern(english)}){_EN_AFTER}")
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


def trie_pattern(words: Iterable[str]) -> str:
    """An expression matching each of ``words``, the longest first where one is a prefix of
    another (greedy optional tails), sharing prefixes."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict[str, dict]) -> str:
    ends = "" in node
    branches = []
    for ch in sorted(k for k in node if k):
        literal = ch
        child = node[ch]
        # A chain of single children is one literal.
        while len(child) == 1 and "" not in child:
            ((next_ch, next_child),) = child.items()
            literal += next_ch
            child = next_child
        branches.append(re.escape(literal) + _node_pattern(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"
    return body


# -- matching ---------------------------------------------------------------------------------


def find_terms(vocabulary: Vocabulary, line: Line) -> list[tuple[int, int, int]]:
    """Where terms occur in a line's prose: ``(start, end, index of the term)``."""
    pattern = vocabulary.pattern
    if pattern is None or not line.prose:
        return []
    index = vocabulary.index
    out = []
    for m in pattern.finditer(line.matchable()):
        found = index.get(m.group().lower())
        if found is not None:
            out.append((m.start(), m.end(), found))
    return out
