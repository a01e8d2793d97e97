"""The viewer's work off the GUI thread: reading and rendering a document, loading the
project's terms and finding them, finding a text. Tasks never touch widgets: they hand
plain data to the GUI thread through their :class:`TaskSignals` (created on the GUI thread,
kept by the viewer until ``finished``)."""

from __future__ import annotations

import re
import threading
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Signal

from genglossary_gui.store.database import StoreError, db, explain
from genglossary_gui.store.repositories.viewer import viewer_document
from genglossary_gui.ui.viewer.chunked import CHUNK
from genglossary_gui.ui.viewer.render import Line, render
from genglossary_gui.ui.viewer.terms import TermInfo, Vocabulary, find_terms, load_vocabulary

#: A highlight in a line: ``(start, end, term)``, offsets in the line's text.
Highlight = tuple[int, int, TermInfo]

#: Lines searched per batch of highlights handed to the GUI thread.
MATCH_BATCH = CHUNK
#: At most this many find results are listed.
MAX_FOUND = 100_000


def term_id(info: TermInfo) -> str:
    """What groups the highlights of one term (its headword, any case)."""
    return info.text.lower()


@dataclass(frozen=True, slots=True)
class Highlights:
    """The highlights of lines ``first`` … ``first + len(lines) - 1``: per line a flat tuple
    ``(start, end, term index, start, end, term index, …)``, the index into
    ``vocabulary.infos``. (Tuples of plain ints: the garbage collector stops looking at them,
    where hundreds of thousands of tuples holding objects made its full passes take
    hundreds of milliseconds.)"""

    first: int
    lines: list[tuple[int, ...]]
    vocabulary: Vocabulary
    #: term id -> ``line index, start, line index, start, …`` of its highlights, in order.
    by_term: dict[str, array[int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Opened:
    """What the loader read: the document, without its text."""

    rel_path: str
    problem: str
    language: str
    content_hash: str


class TaskSignals(QObject):
    opened = Signal(int, object)  # task id, Opened (None: the document is gone)
    lines = Signal(int, object)  # task id, list[Line]
    vocabulary = Signal(int, object)  # task id, Vocabulary
    highlights = Signal(int, object)  # task id, Highlights
    found = Signal(int, object)  # task id, list[(line index, start, end)]
    failed = Signal(int, str)  # task id, a message for the user
    finished = Signal(int)  # task id; always the last


class _Cancelled(Exception):
    pass


class _Task(QRunnable):
    def __init__(self, task_id: int) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.task_id = task_id
        self.signals = TaskSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise _Cancelled

    def run(self) -> None:
        try:
            self.work()
        except _Cancelled:
            pass
        except StoreError as exc:
            message = explain(exc) or QCoreApplication.translate(
                "ViewerTask", "Database problem: {error}"
            ).format(error=exc)
            self.signals.failed.emit(self.task_id, message)
        except Exception as exc:  # shown to the user, never raised into Qt
            message = QCoreApplication.translate(
                "ViewerTask", "Something went wrong: {error}"
            ).format(error=exc)
            self.signals.failed.emit(self.task_id, message)
        finally:
            self.signals.finished.emit(self.task_id)

    def work(self) -> None:
        raise NotImplementedError

    def _highlight(
        self, vocabulary: Vocabulary, lines: Sequence[tuple[Any, ...]], first: int
    ) -> None:
        """Find the terms in ``lines`` (indices from ``first``) and hand them on in batches."""
        infos = vocabulary.infos
        for at in range(0, len(lines), MATCH_BATCH):
            self.check()
            found: list[tuple[int, ...]] = []
            by_term: dict[str, array[int]] = {}
            for n, line in enumerate(lines[at : at + MATCH_BATCH], start=first + at):
                flat: list[int] = []
                for start, end, i in find_terms(vocabulary, Line._make(line)):
                    flat += (start, end, i)
                    by_term.setdefault(term_id(infos[i]), array("l")).extend((n, start))
                found.append(tuple(flat))
            self.signals.highlights.emit(
                self.task_id, Highlights(first + at, found, vocabulary, by_term)
            )


class LoadTask(_Task):
    """Read a document, render it and find the project's terms in it, in batches: the first
    batch of lines before the terms are even loaded, so the first screen shows at once."""

    def __init__(self, task_id: int, project_id: int, document_id: int) -> None:
        super().__init__(task_id)
        self._project_id = project_id
        self._document_id = document_id
        #: What an image without a description shows (translated here, on the GUI thread:
        #: render has no Qt).
        self._image = QCoreApplication.translate("ViewerTask", "image")

    def work(self) -> None:
        with db.connection_context():
            document = viewer_document(self._document_id)
        if document is None or document.project_id != self._project_id:
            self.signals.opened.emit(self.task_id, None)
            return
        self.signals.opened.emit(
            self.task_id,
            Opened(document.rel_path, document.problem, document.language, document.content_hash),
        )
        if document.problem:
            return
        vocabulary: Vocabulary | None = None
        count = 0
        for lines in render(document.rel_path, document.text, image=self._image):
            self.check()
            batch = [tuple(line) for line in lines]  # plain tuples: see render.Line
            self.signals.lines.emit(self.task_id, batch)
            if vocabulary is None:
                vocabulary = self._vocabulary()
            self._highlight(vocabulary, batch, count)
            count += len(batch)

    def _vocabulary(self) -> Vocabulary:
        with db.connection_context():
            vocabulary = load_vocabulary(self._project_id)
        self.signals.vocabulary.emit(self.task_id, vocabulary)
        return vocabulary


class HighlightTask(_Task):
    """Load the project's terms again and find them in the lines shown (after the user's
    curation changed). ``chunks``: the lines, in chunks of ``chunked.CHUNK``."""

    def __init__(
        self, task_id: int, project_id: int, chunks: Sequence[tuple[tuple[Any, ...], ...]]
    ) -> None:
        super().__init__(task_id)
        self._project_id = project_id
        self._chunks = chunks

    def work(self) -> None:
        with db.connection_context():
            vocabulary = load_vocabulary(self._project_id)
        self.signals.vocabulary.emit(self.task_id, vocabulary)
        first = 0
        for chunk in self._chunks:
            self._highlight(vocabulary, chunk, first)
            first += len(chunk)


class FindTask(_Task):
    """Where a text occurs in the lines (any case), as ``(line index, start, end)``."""

    def __init__(
        self, task_id: int, chunks: Sequence[tuple[tuple[Any, ...], ...]], needle: str
    ) -> None:
        super().__init__(task_id)
        self._chunks = chunks
        self._needle = needle

    def work(self) -> None:
        texts = [Line._make(line).text for chunk in self._chunks for line in chunk]
        starts: list[int] = []
        at = 0
        for text in texts:
            starts.append(at)
            at += len(text) + 1
        joined = "\n".join(texts)
        self.check()
        pattern = re.compile(re.escape(self._needle), re.IGNORECASE)
        found: list[tuple[int, int, int]] = []
        for n, m in enumerate(pattern.finditer(joined)):
            if n % 4096 == 0:
                self.check()
            if len(found) >= MAX_FOUND:
                break
            line = bisect_right(starts, m.start()) - 1
            offset = starts[line]
            found.append((line, m.start() - offset, m.end() - offset))
        self.signals.found.emit(self.task_id, found)
