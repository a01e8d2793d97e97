"""The document viewer: a document rendered, the project's terms highlighted by state, a term
card with the curation actions, find in document.

Work is split so that the GUI thread never waits: a worker reads and renders the document
and finds the terms (``tasks.py``); the GUI thread inserts the lines and applies the
highlights in slices of a few milliseconds (``_pump``), the lines on screen first. Highlights
are formats of the text layout, not of the document: recolouring never changes the text,
so the scroll position and the selection stay.
"""

from __future__ import annotations

import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QPalette, QShortcut, QTextCursor, QTextLayout
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store.database import StoreError, explain
from genglossary_gui.store.repositories.viewer import curation_fingerprint, document_version
from genglossary_gui.ui.curation import CurationActions
from genglossary_gui.ui.formatting import format_number
from genglossary_gui.ui.viewer.card import TermCard
from genglossary_gui.ui.viewer.chunked import Chunked
from genglossary_gui.ui.viewer.findbar import FindBar
from genglossary_gui.ui.viewer.render import Kind, Line
from genglossary_gui.ui.viewer.styles import Formats, state_color, state_label, state_tip
from genglossary_gui.ui.viewer.tasks import (
    FindTask,
    Highlight,
    Highlights,
    HighlightTask,
    LoadTask,
    Opened,
    _Task,
    term_id,
)
from genglossary_gui.ui.viewer.terms import EMPTY, State, TermInfo, Vocabulary
from genglossary_gui.ui.viewer.textview import TextView
from genglossary_gui.vocabulary import TermStatus, Topic

#: GUI-thread work per slice (seconds); the event loop runs between slices.
SLICE_S = 0.006
#: Blocks from the first one on screen whose highlights are applied before the others.
ON_SCREEN = 120
#: How long the occurrence a link pointed at stays flashed (ms).
FLASH_MS = 1500
#: The longest selection "Add as Term" takes.
MAX_TERM_CHARS = 100
#: Curation changes arriving within this time are one recolouring (ms).
RECOLOUR_DELAY_MS = 40

#: The hash of "no highlights" (what ``_applied`` holds for a line nothing is shown on).
_NOTHING = hash(())

_STATUS_OF_ACTION = {
    "require": TermStatus.REQUIRED,
    "exclude": TermStatus.EXCLUDED,
    "clear": TermStatus.CANDIDATE,
}
#: Stored changes that can change a highlight or the term card.
_CURATION_TOPICS = {
    Topic.TERM,
    Topic.GLOSSARY_ENTRY,
    Topic.DEFINITION_EDIT,
    Topic.RUN,
    Topic.PROJECT,
}

# Tasks stay referenced until their ``finished`` arrives, even if their viewer is gone first.
_alive: set[_Task] = set()


def _u16(line: Line, offset: int) -> int:
    """A Python offset in a line's text as a Qt (UTF-16) one."""
    return offset + bisect_left(line.wide, offset) if line.wide else offset


def _py(line: Line, offset: int) -> int:
    """A Qt (UTF-16) offset in a line's text as a Python one."""
    if not line.wide:
        return offset
    return offset - sum(1 for n, w in enumerate(line.wide) if w + n + 2 <= offset)


def _segments(line: Line) -> list[tuple[int, int, int]]:
    """The text cut where its inline styles change: ``(start, end, flags)``."""
    cuts = sorted(
        {0, len(line.text), *(s for s, _, _ in line.styles), *(e for _, e, _ in line.styles)}
    )
    out = []
    for start, end in pairwise(cuts):
        if start >= end:
            continue
        flags = 0
        for s, e, f in line.styles:
            if s <= start and end <= e:
                flags |= f
        out.append((start, end, flags))
    return out


class _Places:
    """A term's highlights as a sequence of (line, start) pairs, read from a flat array."""

    __slots__ = ("_data",)

    def __init__(self, data: array[int] | None) -> None:
        self._data = data if data is not None else array("l")

    def __len__(self) -> int:
        return len(self._data) // 2

    def __getitem__(self, k: int) -> tuple[int, int]:
        if not 0 <= k < len(self):
            raise IndexError(k)
        return self._data[2 * k], self._data[2 * k + 1]


def _snippet(text: str, start: int, end: int, width: int = 36) -> str:
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return (
        ("…" if start > width else "")
        + " ".join((before + text[start:end] + after).replace("\u2028", " ").split())
        + ("…" if end + width < len(text) else "")
    )


class DocumentViewer(QWidget):
    #: The user asked to see a term's glossary entry (its headword).
    open_entry = Signal(str)
    #: An occurrence in another document: (rel_path, line).
    open_document = Signal(str, int)
    #: The first screenful of a document is shown.
    first_screen = Signal()
    #: The document is shown whole and every highlight is applied.
    settled = Signal()

    def __init__(
        self,
        curation: CurationActions,
        manager: RunManager | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("documentViewer")
        self._curation = curation
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._tasks: dict[int, _Task] = {}
        self._next_task = 0
        self._loader: int | None = None
        self._highlighter: int | None = None
        self._finder: int | None = None
        self._project_id: int | None = None
        self._document_id: int | None = None
        self._opened: Opened | None = None
        self._fingerprint: tuple[object, ...] | None = None
        self._stale = False
        self._busy = False
        self._shown_first = False
        self._target: tuple[int, str | None] | None = None
        self._card_term: str | None = None
        self._card_at: int | None = None
        self._highlight_on = True
        self._reset_lines()
        self._build()
        self._formats = Formats(self.text.palette(), self.text.font())
        self._paint_legend()
        self._pump_timer = QTimer(self)
        self._pump_timer.setSingleShot(True)
        self._pump_timer.setInterval(0)
        self._pump_timer.timeout.connect(self._pump)
        self._recolour_timer = QTimer(self)
        self._recolour_timer.setSingleShot(True)
        self._recolour_timer.setInterval(RECOLOUR_DELAY_MS)
        self._recolour_timer.timeout.connect(self._recolour)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(self._end_flash)
        if manager is not None:
            manager.table_changed.connect(self._on_table_changed)
            manager.database_changed.connect(self._on_database_changed)

    # -- the widgets ------------------------------------------------------------------------

    def _build(self) -> None:
        self.path_label = QLabel(self.tr("No document"))
        self.path_label.setObjectName("documentPath")
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.path_label.font()
        font.setBold(True)
        self.path_label.setFont(font)
        self.legend: dict[State, QLabel] = {}
        header = QHBoxLayout()
        header.addWidget(QLabel(self.tr("Terms:")))
        for state in (State.ENTRY, State.CANDIDATE, State.REQUIRED, State.EXCLUDED):
            swatch = QLabel(state_label(state))
            swatch.setObjectName(f"legend{state.name.title()}")
            swatch.setToolTip(state_tip(state))
            self.legend[state] = swatch
            header.addWidget(swatch)
        self.highlight_box = QCheckBox(self.tr("Highlight terms"))
        self.highlight_box.setChecked(True)
        self.highlight_box.setToolTip(self.tr("Show the project's terms in colour, by state"))
        self.highlight_box.toggled.connect(self.set_highlighting)
        header.addWidget(self.highlight_box)
        header.addStretch(1)
        self.add_term_button = QPushButton(self.tr("Add as Term"))
        self.add_term_button.setToolTip(self.tr("Add the selected text as a required term"))
        self.add_term_button.setEnabled(False)
        self.add_term_button.clicked.connect(self.add_selection_as_term)
        header.addWidget(self.add_term_button)
        find_button = QToolButton()
        find_button.setText(self.tr("Find…"))
        find_button.setToolTip(self.tr("Find in document (Ctrl+F)"))
        find_button.clicked.connect(self.open_find)
        header.addWidget(find_button)

        self.notice = QLabel()
        self.notice.setObjectName("viewerNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()

        self.text = TextView()
        self.text.setPlaceholderText(
            self.tr("Double-click a document (or select it and press Enter) to read it here.")
        )
        self.text.clicked.connect(self._on_clicked)
        self.text.hovered.connect(self._on_hovered)
        self.text.menu_requested.connect(self._on_menu)
        self.text.copyAvailable.connect(self._on_copy_available)
        self.card = TermCard()
        self.card.hide()
        self.card.action.connect(self._on_card_action)
        self.card.save_definition.connect(self._on_save_definition)
        self.card.save_note.connect(self._on_save_note)
        self.card.go_here.connect(self._on_go_here)
        self.card.go_elsewhere.connect(self._on_go_elsewhere)
        self.card.step.connect(self.step_occurrence)
        self.card.closed.connect(self._on_card_closed)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.text)
        self.splitter.addWidget(self.card)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        self.find_bar = FindBar()
        self.find_bar.hide()
        self.find_bar.search.connect(self._on_search)
        self.find_bar.step.connect(self.find_step)
        self.find_bar.closed.connect(self._on_find_closed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.path_label)
        layout.addLayout(header)
        layout.addWidget(self.notice)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.find_bar)
        self._shortcut(QKeySequence.StandardKey.Find, self.open_find)
        self._shortcut(QKeySequence(Qt.Key.Key_F3), self._find_next)
        self._shortcut(QKeySequence("Shift+F3"), self._find_previous)

    def _shortcut(
        self, keys: QKeySequence | QKeySequence.StandardKey, slot: Callable[[], None]
    ) -> None:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def _paint_legend(self) -> None:
        palette = self.text.palette()
        text = palette.color(QPalette.ColorRole.Text).name()
        for state, swatch in self.legend.items():
            strike = "text-decoration: line-through;" if state == State.EXCLUDED else ""
            swatch.setStyleSheet(
                f"background-color: {state_color(state, palette).name()}; color: {text};"
                f" padding: 1px 6px; border-radius: 3px; {strike}"
            )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._formats = Formats(self.text.palette(), self.text.font())
            self._paint_legend()
            if self._document_id is not None and self._project_id is not None:
                self._reload_here()  # the text's colours were set when it was inserted

    # -- what the page calls ----------------------------------------------------------------

    def project_id(self) -> int | None:
        return self._project_id

    def document_id(self) -> int | None:
        return self._document_id

    def rel_path(self) -> str | None:
        return self._opened.rel_path if self._opened is not None else None

    def show_document(
        self, project_id: int, document_id: int, line: int = 0, term: str | None = None
    ) -> None:
        """Show a document, scrolled to source line ``line`` (1-based; 0: the top), the
        occurrence of ``term`` near it selected and flashed."""
        if (project_id, document_id) == (self._project_id, self._document_id) and (
            self._loader is not None or self._opened is not None
        ):
            self._target = (line, term)
            self._kick()
            return
        self._load(project_id, document_id, line, term)

    def set_project(self, project_id: int | None) -> None:
        if project_id != self._project_id:
            self.clear()
            self._project_id = project_id

    def clear(self) -> None:
        """Show no document."""
        self._cancel_tasks()
        self._reset_lines()
        self._document_id = None
        self._opened = None
        self.text.clear()
        self.card.close_card()
        self.path_label.setText(self.tr("No document"))
        self._show_notice("")

    def shutdown(self, timeout_ms: int = 5_000) -> bool:
        """Stop the viewer's work (before the window closes)."""
        self._cancel_tasks()
        self._pool.clear()
        return self._pool.waitForDone(timeout_ms)

    def card_term(self) -> str | None:
        """The term the card shows, if it is open."""
        info = self.card.info
        return info.text if info is not None and self.card.isVisible() else None

    def busy(self) -> bool:
        return self._busy or self._loader is not None or self._highlighter is not None

    # -- loading ----------------------------------------------------------------------------

    def _reset_lines(self) -> None:
        # Per-line data kept where the garbage collector need not look (see chunked.py):
        # the lines as plain tuples (render.Line), their source line numbers; the terms
        # found in each (tasks.Highlights: flat ints, term indices into the vocabulary
        # numbered in ``_vocab_ids``), and a hash of the highlights shown.
        self._lines: Chunked[tuple[Any, ...]] = Chunked()
        self._numbers = array("l")
        self._raw: Chunked[tuple[int, ...]] = Chunked()
        self._vocab_ids = array("L")
        self._vocabs: dict[int, Vocabulary] = {0: EMPTY}
        self._vocab_serial = 0
        self._applied = array("q")
        # Lines whose highlights are to be applied: a flag each, and a queue.
        self._queued = bytearray()
        self._queue = array("l")
        self._queue_head = 0
        self._inserted = 0
        # Term id -> (line, start) pairs of its highlights, flat, in order.
        self._by_term: dict[str, array[int]] = {}
        self._next_by_term: dict[str, array[int]] = {}
        self._vocab: Vocabulary = EMPTY
        self._found: list[tuple[int, int, int]] = []
        self._found_at: int | None = None
        self._stale = False
        self._shown_first = False
        self._target = None

    def _load(self, project_id: int, document_id: int, line: int, term: str | None) -> None:
        self._cancel_tasks()
        self._reset_lines()
        self._project_id, self._document_id = project_id, document_id
        self._opened = None
        self.text.clear()
        self.card.close_card()
        self._show_notice("")
        self.path_label.setText(self.tr("Opening…"))
        self._target = (line, term)
        self._fingerprint = self._curation_fingerprint()
        task = LoadTask(self._new_id(), project_id, document_id)
        self._loader = self._highlighter = task.task_id
        self._busy = True
        self._start(task)

    def _reload_here(self) -> None:
        """Show the same document again (its text or the palette changed), at the same line."""
        if self._project_id is None or self._document_id is None:
            return
        line = self._top_line()
        self._opened = None
        self._loader = None
        self._load(self._project_id, self._document_id, line, None)

    def _top_line(self) -> int:
        number = self.text.firstVisibleBlock().blockNumber()
        if 0 <= number < len(self._lines):
            return self._line(number).line
        return 0

    def _new_id(self) -> int:
        self._next_task += 1
        return self._next_task

    def _start(self, task: _Task) -> None:
        signals = task.signals
        signals.opened.connect(self._on_opened)
        signals.lines.connect(self._on_lines)
        signals.vocabulary.connect(self._on_vocabulary)
        signals.highlights.connect(self._on_highlights)
        signals.found.connect(self._on_found)
        signals.failed.connect(self._on_failed)
        signals.finished.connect(self._on_finished)
        self._tasks[task.task_id] = task
        _alive.add(task)
        self._pool.start(task)

    def _cancel_tasks(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        self._loader = self._highlighter = self._finder = None

    @Slot(int, object)
    def _on_opened(self, task_id: int, opened: Opened | None) -> None:
        if task_id != self._loader:
            return
        if opened is None:
            self.path_label.setText(self.tr("No document"))
            self._show_notice(self.tr("This document is no longer in the project."))
            return
        self._opened = opened
        self.path_label.setText(opened.rel_path)
        self.path_label.setToolTip(opened.rel_path)
        if opened.problem:
            self._show_notice(
                self.tr("This document could not be imported: {problem}").format(
                    problem=opened.problem
                )
            )

    @Slot(int, object)
    def _on_lines(self, task_id: int, batch: list[tuple[Any, ...]]) -> None:
        if task_id != self._loader:
            return
        n = len(batch)
        self._lines.extend(batch)
        self._numbers.extend(Line._make(line).line for line in batch)
        self._raw.extend([()] * n)
        self._vocab_ids.extend([0] * n)
        self._applied.extend([_NOTHING] * n)
        self._queued += bytes(n)
        self._kick()

    @Slot(int, object)
    def _on_vocabulary(self, task_id: int, vocabulary: Vocabulary) -> None:
        if task_id == self._highlighter:
            self._vocab = vocabulary
            self._vocab_serial += 1
            self._vocabs[self._vocab_serial] = vocabulary

    @Slot(int, object)
    def _on_highlights(self, task_id: int, found: Highlights) -> None:
        if task_id != self._highlighter:
            return
        if found.vocabulary is not self._vocab:
            return
        first = found.first
        spans = found.lines[: max(0, len(self._raw) - first)]
        for i, new in enumerate(spans, start=first):
            if i < self._inserted and (new or self._raw[i]):
                self._enqueue(i)
        self._raw.set_range(first, spans)
        self._vocab_ids[first : first + len(spans)] = array("L", [self._vocab_serial]) * len(spans)
        into = self._by_term if task_id == self._loader else self._next_by_term
        for key, places in found.by_term.items():
            into.setdefault(key, array("l")).extend(places)
        self._kick()

    @Slot(int, str)
    def _on_failed(self, task_id: int, message: str) -> None:
        if task_id in (self._loader, self._highlighter, self._finder):
            self._show_notice(message)

    @Slot(int)
    def _on_finished(self, task_id: int) -> None:
        task = self._tasks.pop(task_id, None)
        if task is not None:
            _alive.discard(task)
        if task_id == self._highlighter and task_id != self._loader:
            self._by_term, self._next_by_term = self._next_by_term, {}
            self._vocabs = {0: EMPTY, self._vocab_serial: self._vocab}  # no line uses others
            self._refresh_card()
        if task_id == self._loader:
            self._loader = None
            if self._opened is not None:
                self._after_load()
        if task_id == self._highlighter:
            self._highlighter = None
        if task_id == self._finder:
            self._finder = None
        self._kick()

    def _after_load(self) -> None:
        if self._stale:
            self._stale = False
            self._recolour()
        if self.find_bar.isVisible() and self.find_bar.text():
            self._on_search(self.find_bar.text())  # lines came after the search started

    # -- the slices on the GUI thread -------------------------------------------------------

    def _kick(self) -> None:
        self._busy = True
        if not self._pump_timer.isActive():
            self._pump_timer.start()

    @Slot()
    def _pump(self) -> None:
        deadline = time.perf_counter() + SLICE_S
        if self._inserted < len(self._lines):
            self._insert_some(deadline)
        if self._queue_head < len(self._queue):
            self._format_some(deadline)
        self._reach_target()
        if not self._shown_first and self._screen_full():
            self._shown_first = True
            self.first_screen.emit()
        if self._inserted < len(self._lines) or self._queue_head < len(self._queue):
            self._pump_timer.start()
        elif self._busy and self._loader is None and self._highlighter is None:
            self._busy = False
            self.settled.emit()

    def _insert_some(self, deadline: float) -> None:
        cursor = QTextCursor(self.text.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.beginEditBlock()
        i = self._inserted
        end = len(self._lines)
        while i < end:
            self._insert_line(cursor, self._line(i), i == 0)
            if self._raw[i]:
                self._enqueue(i)
            i += 1
            if i % 16 == 0 and time.perf_counter() > deadline:
                break
        cursor.endEditBlock()
        self._inserted = i

    def _insert_line(self, cursor: QTextCursor, line: Line, first: bool) -> None:
        formats = self._formats
        base = formats.char(line.level, 0)
        if first:
            cursor.setBlockFormat(formats.block(line))
            cursor.setBlockCharFormat(base)
        else:
            cursor.insertBlock(formats.block(line), base)
        if not line.styles:
            if line.text:
                cursor.insertText(line.text, base)
            return
        for start, end, flags in _segments(line):
            cursor.insertText(line.text[start:end], formats.char(line.level, flags))

    def _screen_full(self) -> bool:
        """The lines inserted fill the view (or are the whole document)."""
        if self._loader is None and self._inserted == len(self._lines):
            return True
        if self._inserted == 0:
            return False
        last = self.text.document().lastBlock()
        bottom = (
            self.text.blockBoundingGeometry(last).translated(self.text.contentOffset()).bottom()
        )
        return bottom >= self.text.viewport().height()

    def _enqueue(self, i: int) -> None:
        if not self._queued[i]:
            self._queued[i] = 1
            self._queue.append(i)

    def _format_some(self, deadline: float) -> None:
        first = max(0, self.text.firstVisibleBlock().blockNumber())
        for i in range(first, min(self._inserted, first + ON_SCREEN)):
            if self._queued[i]:
                self._apply(i)
        queue = self._queue
        head = self._queue_head
        while head < len(queue):
            i = queue[head]
            head += 1
            if self._queued[i]:
                self._apply(i)
            if head % 32 == 0 and time.perf_counter() > deadline:
                break
        if head >= len(queue):
            del queue[:]
            head = 0
        self._queue_head = head

    def _apply(self, i: int) -> None:
        self._queued[i] = 0
        line = self._line(i)
        wanted = self._wanted(i) if self._highlight_on else ()
        shown = hash(wanted)
        if shown == self._applied[i]:
            return
        block = self.text.document().findBlockByNumber(i)
        if not block.isValid():
            return
        ranges = []
        formats = self._formats.highlights
        for k in range(0, len(wanted), 3):
            start, end, state = wanted[k], wanted[k + 1], wanted[k + 2]
            r = QTextLayout.FormatRange()
            r.start = _u16(line, start)
            r.length = _u16(line, end) - r.start
            r.format = formats[State(state)]
            ranges.append(r)
        block.layout().setFormats(ranges)
        self.text.document().markContentsDirty(block.position(), block.length())
        self._applied[i] = shown

    @Slot(bool)
    def set_highlighting(self, on: bool) -> None:
        """Highlight the terms, or show the text without colours."""
        if on == self._highlight_on:
            return
        self._highlight_on = on
        if self.highlight_box.isChecked() != on:
            self.highlight_box.setChecked(on)
        for i in range(self._inserted):
            if self._raw[i] or self._applied[i] != _NOTHING:
                self._enqueue(i)
        self._kick()

    def highlighting(self) -> bool:
        return self._highlight_on

    # -- scrolling to a line ----------------------------------------------------------------

    def _reach_target(self) -> None:
        if self._target is None or not self._lines:
            return
        number, term = self._target
        if number <= 0 and not term:
            self._target = None
            return
        i = self._line_index(max(1, number))
        if i is None or i >= self._inserted:
            return
        self._target = None
        self._go_to_line(i, max(1, number), term)

    def _line_index(self, number: int) -> int | None:
        """The index of the line showing source line ``number`` (None: not read yet)."""
        k = bisect_right(self._numbers, number) - 1
        if k >= len(self._lines) - 1 and self._loader is not None:
            return None  # the line may come in a later batch
        k = max(0, k)
        while k > 0 and self._line(k).kind == Kind.BLANK:
            k -= 1
        return k

    def _go_to_line(self, i: int, number: int, term: str | None) -> None:
        line = self._line(i)
        offset = line.offset_of_line(number)
        found = self._term_near(i, offset, term) if term else None
        if found is not None:
            self._select(*found)
            self._flash(*found)
            return
        self._select(i, offset, offset)

    def _term_near(self, i: int, offset: int, term: str) -> tuple[int, int, int] | None:
        """The occurrence of ``term`` at or after ``offset`` in line ``i`` (or in the next
        few lines, or earlier in line ``i``)."""
        wanted = term.lower()
        for n in range(i, min(i + 4, len(self._lines))):
            start = offset if n == i else 0
            for s, e, info in self.highlights(n):
                if e > start and (
                    term_id(info) == wanted or self._line(n).text[s:e].lower() == wanted
                ):
                    return n, s, e
            at = self._line(n).text.lower().find(wanted, start)
            if at >= 0:
                return n, at, at + len(term)
        at = self._line(i).text.lower().find(wanted)
        return (i, at, at + len(term)) if at >= 0 else None

    def _cursor(self, i: int, start: int, end: int) -> QTextCursor:
        line = self._line(i)
        block = self.text.document().findBlockByNumber(i)
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + _u16(line, start))
        if end > start:
            cursor.setPosition(block.position() + _u16(line, end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _select(self, i: int, start: int, end: int) -> None:
        self.text.show_at_top(self._cursor(i, start, end))

    def _flash(self, i: int, start: int, end: int) -> None:
        selection = QTextEdit.ExtraSelection()
        selection.cursor = self._cursor(i, start, end)  # type: ignore[attr-defined]
        palette = self.text.palette()
        selection.format.setBackground(palette.color(QPalette.ColorRole.Highlight))  # type: ignore[attr-defined]
        selection.format.setForeground(palette.color(QPalette.ColorRole.HighlightedText))  # type: ignore[attr-defined]
        self.text.setExtraSelections([selection])
        self._flash_timer.start()

    @Slot()
    def _end_flash(self) -> None:
        self.text.setExtraSelections([])

    def flashing(self) -> bool:
        return bool(self.text.extraSelections())

    # -- highlights under the mouse, the term card ------------------------------------------

    def highlight_at(self, i: int, offset: int) -> Highlight | None:
        """The highlight covering character ``offset`` (Python) of line ``i``."""
        if not 0 <= i < len(self._raw) or not self._highlight_on:
            return None
        for span in self.highlights(i):
            if span[0] <= offset < span[1]:
                return span
        return None

    def highlights(self, i: int) -> list[Highlight]:
        """The terms found in line ``i``: (start, end, term)."""
        if not 0 <= i < len(self._raw):
            return []
        raw, infos = self._raw[i], self._vocabs[self._vocab_ids[i]].infos
        return [(raw[k], raw[k + 1], infos[raw[k + 2]]) for k in range(0, len(raw), 3)]

    def _wanted(self, i: int) -> tuple[int, ...]:
        raw, infos = self._raw[i], self._vocabs[self._vocab_ids[i]].infos
        out: list[int] = []
        for k in range(0, len(raw), 3):
            out += (raw[k], raw[k + 1], int(infos[raw[k + 2]].state))
        return tuple(out)

    def applied(self, i: int) -> list[tuple[int, int, State]]:
        """The highlights shown on line ``i`` (read from its text layout): (start, end,
        state), offsets in the line's text."""
        if not 0 <= i < self._inserted:
            return []
        line = self._line(i)
        block = self.text.document().findBlockByNumber(i)
        states = {
            fmt.background().color().rgba(): state
            for state, fmt in self._formats.highlights.items()
        }
        out = []
        for r in block.layout().formats():
            state = states.get(r.format.background().color().rgba())
            if state is not None:
                out.append((_py(line, r.start), _py(line, r.start + r.length), state))
        return out

    def lines(self) -> list[Line]:
        return [Line._make(line) for line in self._lines.items()]

    def _line(self, i: int) -> Line:
        return Line._make(self._lines[i])

    def inserted(self) -> int:
        return self._inserted

    def _hit(self, block: int, u16: int) -> Highlight | None:
        if not 0 <= block < len(self._lines):
            return None
        return self.highlight_at(block, _py(self._line(block), u16))

    @Slot(int, int)
    def _on_clicked(self, block: int, u16: int) -> None:
        found = self._hit(block, u16)
        if found is not None:
            self.open_card(found[2], (block, found[0]))

    @Slot(int, int)
    def _on_hovered(self, block: int, u16: int) -> None:
        shape = (
            Qt.CursorShape.PointingHandCursor
            if self._hit(block, u16)
            else Qt.CursorShape.IBeamCursor
        )
        if self.text.viewport().cursor().shape() != shape:
            self.text.viewport().setCursor(shape)

    def open_card(self, info: TermInfo, at: tuple[int, int] | None = None) -> None:
        """Show the term card of ``info``; ``at``: the (line, start) of the occurrence the
        user clicked."""
        self._card_term = term_id(info)
        places = _Places(self._by_term.get(self._card_term))
        self._card_at = None
        if at is not None:
            k = bisect_left(places, at)
            self._card_at = k if k < len(places) and places[k] == at else None
        self._fill_card(info)

    def _fill_card(self, info: TermInfo) -> None:
        places = _Places(self._by_term.get(term_id(info)))
        here = []
        for k in range(min(200, len(places))):
            i, start = places[k]
            line = self._line(i)
            end = next((e for s, e, _ in self.highlights(i) if s == start), start)
            here.append((line.source_line_at(start), _snippet(line.text, start, end)))
        here += [(0, "")] * max(0, len(places) - 200)
        rel = self.rel_path()
        elsewhere = [
            (str(path), int(line), str(sentence))
            for path, line, sentence in (info.entry.occurrences if info.entry else ())
            if path != rel
        ]
        self.card.show_term(info, here, elsewhere, self._card_at)

    def _refresh_card(self) -> None:
        """After a recolouring: the card shows the term as it is now."""
        if self._card_term is None or not self.card.isVisible():
            return
        index = self._vocab.find(self._card_term)
        if index is None:
            return
        places = _Places(self._by_term.get(self._card_term))
        if self._card_at is not None and self._card_at >= len(places):
            self._card_at = None
        self._fill_card(self._vocab.infos[index])

    @Slot()
    def _on_card_closed(self) -> None:
        self._card_term = None
        self._card_at = None

    @Slot(int)
    def step_occurrence(self, direction: int) -> None:
        """Go to the next (+1) or previous (-1) occurrence of the card's term."""
        places = _Places(self._by_term.get(self._card_term or ""))
        if not places:
            return
        if self._card_at is None:
            k = 0 if direction > 0 else len(places) - 1
        else:
            k = (self._card_at + direction) % len(places)
        self._go_occurrence(k)

    @Slot(int)
    def _on_go_here(self, k: int) -> None:
        self._go_occurrence(k)

    def _go_occurrence(self, k: int) -> None:
        places = _Places(self._by_term.get(self._card_term or ""))
        if not 0 <= k < len(places):
            return
        self._card_at = k
        i, start = places[k]
        end = next((e for s, e, _ in self.highlights(i) if s == start), start)
        self._select(i, start, end)
        self.card.set_current(k, len(places))

    @Slot(str, int)
    def _on_go_elsewhere(self, path: str, line: int) -> None:
        self.open_document.emit(path, line)

    @Slot(str)
    def _on_card_action(self, what: str) -> None:
        info = self.card.info
        if info is None or self._project_id is None:
            return
        if what == "glossary":
            self.open_entry.emit(info.entry.term if info.entry is not None else info.text)
            return
        project, status = self._project_id, _STATUS_OF_ACTION[what]
        self._curate(lambda: self._curation.set_status(project, [info.text], status))

    @Slot(object)
    def _on_save_definition(self, definition: str | None) -> None:
        info = self.card.info
        if info is None or info.entry is None or self._project_id is None:
            return
        project, entry = self._project_id, info.entry
        self._curate(
            lambda: self._curation.edit_definition(project, entry.term, definition, entry.aliases)
        )

    @Slot(str)
    def _on_save_note(self, note: str) -> None:
        info = self.card.info
        if info is None or self._project_id is None:
            return
        project = self._project_id
        self._curate(lambda: self._curation.set_note(project, info.text, note))

    def _curate(self, change: Callable[[], None]) -> bool:
        try:
            change()
        except StoreError as exc:
            self._show_notice(
                self.tr("Could not save the change: {error}").format(error=explain(exc) or exc)
            )
            return False
        except ValueError as exc:
            self._show_notice(str(exc))
            return False
        self._show_notice("")
        return True

    # -- selection: Add as Term -------------------------------------------------------------

    def selected_text(self) -> str:
        text = self.text.textCursor().selectedText()
        return " ".join(text.replace("\u2029", " ").replace("\u2028", " ").split())

    @Slot(bool)
    def _on_copy_available(self, available: bool) -> None:
        self.add_term_button.setEnabled(available and self._project_id is not None)

    @Slot()
    def add_selection_as_term(self) -> None:
        """Add the selected text as a required term."""
        text = self.selected_text()
        if not text or self._project_id is None:
            return
        if len(text) > MAX_TERM_CHARS:
            self._show_notice(
                self.tr(
                    "Select a word or a short phrase to add as a term (at most {count} characters)."
                ).format(count=format_number(MAX_TERM_CHARS))
            )
            return
        project = self._project_id
        self._curate(lambda: self._curation.add_term(project, text))

    def context_menu(self, block: int, u16: int) -> QMenu:
        """The text's context menu: copy and select all, Add as Term for a selection, the
        term card of a highlight."""
        menu = self.text.createStandardContextMenu()
        text = self.selected_text()
        if text and self._project_id is not None:
            shown = text if len(text) <= 40 else text[:39] + "…"
            add = QAction(self.tr("Add “{text}” as Term").format(text=shown), menu)
            add.triggered.connect(self.add_selection_as_term)
            menu.addSeparator()
            menu.addAction(add)
        found = self._hit(block, u16)
        if found is not None:
            info = found[2]
            show = QAction(self.tr("Show “{term}”").format(term=info.text), menu)
            show.triggered.connect(lambda: self.open_card(info, (block, found[0])))
            menu.addAction(show)
        return menu

    @Slot(QPoint, int, int)
    def _on_menu(self, pos: QPoint, block: int, u16: int) -> None:
        menu = self.context_menu(block, u16)
        menu.exec(self.text.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # -- find in document -------------------------------------------------------------------

    @Slot()
    def open_find(self) -> None:
        text = self.selected_text()
        self.find_bar.open_bar(text if 0 < len(text) <= MAX_TERM_CHARS else "")

    @Slot()
    def _find_next(self) -> None:
        self.find_step(1)

    @Slot()
    def _find_previous(self) -> None:
        self.find_step(-1)

    @Slot(str)
    def _on_search(self, needle: str) -> None:
        if self._finder is not None and self._finder in self._tasks:
            self._tasks[self._finder].cancel()
        self._finder = None
        self._found, self._found_at = [], None
        if not needle:
            self.find_bar.set_count(None, 0)
            return
        self.find_bar.set_searching()
        task = FindTask(self._new_id(), self._lines.chunks(), needle)
        self._finder = task.task_id
        self._start(task)

    @Slot(int, object)
    def _on_found(self, task_id: int, found: list[tuple[int, int, int]]) -> None:
        if task_id != self._finder:
            return
        # Answered: Enter may step through the matches from now on, not only once the task
        # has also said it finished (a separate signal, a moment later).
        self._finder = None
        self._found = found
        if not found:
            self._found_at = None
            self.find_bar.set_count(None, 0)
            return
        cursor = self.text.textCursor()
        block = self.text.document().findBlock(cursor.selectionStart())
        i = block.blockNumber()
        offset = (
            _py(self._line(i), cursor.selectionStart() - block.position())
            if 0 <= i < len(self._lines)
            else 0
        )
        k = bisect_left(found, (i, offset, -1))
        self._go_found(k if k < len(found) else 0)

    @Slot(int)
    def find_step(self, direction: int) -> None:
        """The next (+1) or previous (-1) match of the find bar."""
        if not self.find_bar.isVisible():
            self.open_find()
            return
        if not self._found or self._finder is not None:
            return  # the search has not answered yet: it selects the first match itself
        if self._found_at is None:
            k = 0 if direction > 0 else len(self._found) - 1
        else:
            k = (self._found_at + direction) % len(self._found)
        self._go_found(k)

    def _go_found(self, k: int) -> None:
        self._found_at = k
        i, start, end = self._found[k]
        if i < self._inserted:
            self._select(i, start, end)
        self.find_bar.set_count(k, len(self._found))

    @Slot()
    def _on_find_closed(self) -> None:
        self._found, self._found_at = [], None
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- changes in the store ---------------------------------------------------------------

    def _curation_fingerprint(self) -> tuple[object, ...] | None:
        if self._project_id is None:
            return None
        try:
            return curation_fingerprint(self._project_id)
        except StoreError:
            return None

    @Slot(str)
    def _on_table_changed(self, topic: str) -> None:
        if self._document_id is None:
            return
        if topic == Topic.DOCUMENT:
            self._check_document()
        elif topic in _CURATION_TOPICS:
            self._check_curation(force=topic in (Topic.TERM, Topic.DEFINITION_EDIT))

    @Slot()
    def _on_database_changed(self) -> None:
        if self._document_id is None:
            return
        self._check_document()
        self._check_curation(force=False)

    def _check_curation(self, force: bool) -> None:
        fingerprint = self._curation_fingerprint()
        if force or fingerprint != self._fingerprint:
            self._fingerprint = fingerprint
            self._recolour_timer.start()

    def _check_document(self) -> None:
        if self._document_id is None or self._opened is None:
            return
        try:
            version = document_version(self._document_id)
        except StoreError:
            return
        if version is None:
            self._cancel_tasks()
            self._show_notice(self.tr("This document is no longer in the project."))
        elif version != (self._opened.content_hash, self._opened.problem):
            self._reload_here()

    @Slot()
    def _recolour(self) -> None:
        """Load the terms again and recolour the highlights that changed."""
        if self._project_id is None or not self._lines:
            return
        if self._loader is not None:
            self._stale = True  # recoloured when the whole document is in
            return
        if self._highlighter is not None and self._highlighter in self._tasks:
            self._tasks[self._highlighter].cancel()
        self._next_by_term = {}
        task = HighlightTask(self._new_id(), self._project_id, self._lines.chunks())
        self._highlighter = task.task_id
        self._busy = True
        self._start(task)

    # -- messages ---------------------------------------------------------------------------

    def _show_notice(self, message: str) -> None:
        self.notice.setText(message)
        self.notice.setVisible(bool(message))

    def notice_text(self) -> str:
        return self.notice.text() if self.notice.isVisible() else ""
