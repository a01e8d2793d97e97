"""Japanese candidates: compound nouns from SudachiPy morphemes (split mode A)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import cache
from typing import Any

from genglossary_gui.engines.builtin.extract.cvalue import Units

MAX_UNITS = 6
#: SudachiPy accepts at most about 49 KB of UTF-8 per call; 8,000 characters stay well below
#: even at 4 bytes a character, and keep each call short enough for a prompt cancel.
CHUNK_CHARS = 8000

# Unit kinds.
_NOUN, _PREFIX, _SUFFIX, _BREAK = range(4)
# Affix units carry a marker in their key so that a nested sub-sequence is never allowed to
# start with a suffix (素 of 形態素) or end with a prefix; display() strips it.
_SUFFIX_MARK = "\x01"
_PREFIX_MARK = "\x02"
_MARKS = _SUFFIX_MARK + _PREFIX_MARK
_BRACKETS = re.compile(r"[()（）「」『』【】\[\]〈〉《》<>\"'“”、。・:：;；]")

# Formal and very general nouns that are never terms on their own.
STOP_NOUNS = frozenset(
    """
    こと もの ため よう とき ところ ほう ほか うち まま わけ はず つもり
    場合 等 など 以上 以下 以外 前 後 中 上 下 内 外 時 際 点 方 者
    他 各 全て すべて 今回 今後 次 本 これ それ あれ どれ ここ そこ 例
    一部 全体 必要 可能 対象 部分 結果 方法 利用 使用
    """.split()
)


@cache
def _dictionary() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="core")


_local = threading.local()


def _tokenizer() -> Any:
    # A tokenizer is not shared between threads; the dictionary is.
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        from sudachipy import SplitMode

        tok = _dictionary().tokenizer(mode=SplitMode.A)
        _local.tokenizer = tok
    return tok


@cache
def _pos_kind(pos_id: int) -> int:
    pos = _dictionary().pos_of(pos_id)
    major, minor = pos[0], pos[1]
    if major == "名詞" and minor in ("普通名詞", "固有名詞"):
        return _NOUN
    if major == "接頭辞":
        return _PREFIX
    if major == "接尾辞" and minor == "名詞的":
        return _SUFFIX
    return _BREAK


def candidate_sequences(text: str) -> Iterator[tuple[Units, str]]:  # noqa: C901 -- one pass over the morphemes, a branch per part of speech
    """Yield ``(units, surface)`` for each maximal compound noun in ``text`` (one chunk)."""
    current: list[str] = []
    kinds: list[int] = []

    def flush() -> Iterator[tuple[Units, str]]:
        # Trim prefixes at the end and suffixes at the start: they cannot stand alone there.
        while kinds and kinds[-1] == _PREFIX:
            kinds.pop()
            current.pop()
        start = 0
        while start < len(kinds) and kinds[start] == _SUFFIX:
            start += 1
        units = tuple(current[start:])
        if units:
            yield units, display(units)
        current.clear()
        kinds.clear()

    for m in _tokenizer().tokenize(text):
        kind = _pos_kind(m.part_of_speech_id())
        if kind == _BREAK:
            if current:
                yield from flush()
            continue
        if kind == _PREFIX and current and kinds[-1] != _PREFIX:
            # A prefix starts a new compound.
            yield from flush()
        surface = m.surface()
        bracket = _BRACKETS.search(surface)
        if bracket:
            # The dictionary sometimes makes one noun of "索引（シャード）": keep the part
            # before the bracket and end the compound there.
            head = surface[: bracket.start()]
            if head and kind == _NOUN:
                current.append(head)
                kinds.append(kind)
            if current:
                yield from flush()
            continue
        if kind == _SUFFIX:
            surface = _SUFFIX_MARK + surface
        elif kind == _PREFIX:
            surface = _PREFIX_MARK + surface
        current.append(surface)
        kinds.append(kind)
    if current:
        yield from flush()


def _is_kana_only(s: str) -> bool:
    return all("\u3040" <= c <= "\u309f" for c in s)


def valid_candidate(units: Units) -> bool:
    if units[0][0] == _SUFFIX_MARK or units[-1][0] == _PREFIX_MARK:
        return False
    surface = display(units)
    if len(units) == 1 and (surface in STOP_NOUNS or len(surface) < 2):
        return False
    if _is_kana_only(surface) and len(surface) <= 3:
        return False
    return units[0] not in STOP_NOUNS and units[-1] not in STOP_NOUNS


def display(units: Units) -> str:
    return "".join(u.lstrip(_MARKS) for u in units)
