"""C-value termhood over candidate unit sequences (Frantzi, Ananiadou & Mima, 2000).

Candidates are the maximal noun sequences found in the text plus their contiguous
sub-sequences. For a candidate ``a`` of ``|a|`` units with frequency ``f(a)`` (counted
wherever it occurs, alone or inside a longer candidate) and ``T_a`` the longer candidates
containing it::

    C-value(a) = log2(|a| + 1) * (f(a) - sum(f(b) for b in T_a) / |T_a|)

The ``+ 1`` is the usual adjustment that lets single-unit terms score at all.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

Units = tuple[str, ...]
#: A candidate found inside one longer candidate at least this share of the times it occurs
#: is a fragment of that candidate ("day readmission" of "30-day readmission"), not a term.
FRAGMENT_SHARE = 0.9
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Scored:
    units: Units
    score: float
    frequency: int


def sub_sequences(
    units: Units, max_len: int, valid: Callable[[Units], bool] | None = None
) -> Iterable[Units]:
    """Every contiguous sub-sequence of ``units`` of at most ``max_len`` units."""
    n = len(units)
    for i in range(n):
        for j in range(i + 1, min(n, i + max_len) + 1):
            sub = units[i:j]
            if valid is None or valid(sub):
                yield sub


def score_candidates(
    maximal: Counter[Units],
    *,
    max_len: int,
    min_freq: int,
    valid: Callable[[Units], bool] | None = None,
    check: Callable[[], None] | None = None,
    top: int | None = None,
) -> list[Scored]:
    """Score every candidate nested in the maximal sequences ``maximal`` (sequence -> count);
    best first, only the ``top`` best if given."""
    freq: Counter[Units] = Counter()
    for i, (seq, count) in enumerate(maximal.items()):
        if check is not None and i % 4096 == 0:
            check()
        for sub in set(sub_sequences(seq, max_len, valid)):
            # A maximal sequence longer than max_len contributes each distinct window once per
            # occurrence; repeated windows inside one sequence are rare enough to ignore.
            freq[sub] += count
    # Nested statistics only over candidates that pass the frequency threshold.
    nested_sum: Counter[Units] = Counter()
    nested_n: Counter[Units] = Counter()
    nested_max: Counter[Units] = Counter()  # the frequency of the most frequent container
    for i, (cand, f) in enumerate(freq.items()):
        if check is not None and i % 4096 == 0:
            check()
        if f < min_freq or len(cand) < 2:
            continue
        for sub in set(sub_sequences(cand, len(cand) - 1, valid)):
            nested_sum[sub] += f
            nested_n[sub] += 1
            nested_max[sub] = max(nested_max[sub], f)
    scored: list[Scored] = []
    for cand, f in freq.items():
        if f < min_freq or nested_max[cand] >= FRAGMENT_SHARE * f:
            continue  # rare, or a fragment: almost always inside one longer candidate
        penalty = nested_sum[cand] / nested_n[cand] if nested_n[cand] else 0.0
        value = math.log2(len(cand) + 1) * (f - penalty)
        if value > 0:
            scored.append(Scored(cand, value, f))
    return best_first(scored, key=lambda s: s, top=top)


def best_first(items: Iterable[T], key: Callable[[T], Scored], top: int | None = None) -> list[T]:
    """Sort by score, then frequency (both descending), then units.

    With ``top``, a heap picks the best ones first, as they come (``items`` may be a
    generator: only the best are ever held): sorting hundreds of thousands of candidates in
    one C call would hold the GIL (and freeze the window) for a tenth of a second, while the
    heap's key calls let other threads in.
    """
    if top is not None:
        # Of equals, the first ones: the same as a sort (stable) cut after ``top``.
        items = heapq.nlargest(top, items, key=lambda i: (key(i).score, key(i).frequency))
    return sorted(items, key=lambda i: (-key(i).score, -key(i).frequency, key(i).units))
