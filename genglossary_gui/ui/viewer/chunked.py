"""Long sequences the garbage collector need not look at.

A full pass of Python's cycle collector stops every thread, and it visits each item of every
list it tracks: a 5 MB document has about 50,000 lines, and a handful of lists of 50,000
items each made each pass 30 ms longer. A tuple whose items are strings, numbers and such
tuples is untracked by the collector after it first sees it, and then never visited, items
included. So the viewer keeps its per-line data in tuples of :data:`CHUNK` items, and its
numbers in arrays (which hold no objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

CHUNK = 1024
_SHIFT = 10  # log2(CHUNK)


class Chunked(Generic[T]):
    """A list of immutable items (plain tuples, strings, numbers) kept in tuples of CHUNK."""

    __slots__ = ("_chunks", "_size")

    def __init__(self) -> None:
        self._chunks: list[tuple[T, ...]] = []
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, i: int) -> T:
        if not 0 <= i < self._size:
            raise IndexError(i)
        return self._chunks[i >> _SHIFT][i & (CHUNK - 1)]

    def extend(self, items: Iterable[T]) -> None:
        items = list(items)
        at = 0
        if self._chunks and len(self._chunks[-1]) < CHUNK:
            last = self._chunks[-1]
            take = CHUNK - len(last)
            self._chunks[-1] = last + tuple(items[:take])
            at = take
        for start in range(at, len(items), CHUNK):
            self._chunks.append(tuple(items[start : start + CHUNK]))
        self._size += len(items)

    def set_range(self, start: int, items: Sequence[T]) -> None:
        """Replace the items from ``start`` on with ``items`` (which must fit)."""
        end = start + len(items)
        if start < 0 or end > self._size:
            raise IndexError(start)
        i = start
        while i < end:
            chunk = i >> _SHIFT
            first = chunk << _SHIFT
            stop = min(end, first + CHUNK)
            old = self._chunks[chunk]
            self._chunks[chunk] = (
                old[: i - first] + tuple(items[i - start : stop - start]) + old[stop - first :]
            )
            i = stop

    def set(self, i: int, item: T) -> None:
        self.set_range(i, (item,))

    def items(self) -> list[T]:
        """A copy as a plain list (for a worker)."""
        out: list[T] = []
        for chunk in self._chunks:
            out += chunk
        return out

    def chunks(self) -> list[tuple[T, ...]]:
        """The chunks themselves (immutable: a worker may read them while this grows)."""
        return list(self._chunks)
