"""The document viewer of the Documents page, driven through its widgets: opening a document
(double-click, Enter, a link), rendering, highlights by state, the term card and its actions,
Add as Term, find in document, scrolling to a line, recolouring after curation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import peewee
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontDatabase, QFontInfo, QPalette, QTextCursor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from genglossary_gui.pipeline.data import Entry
from genglossary_gui.runs.manager import RunManager
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.models import Term
from genglossary_gui.store.owner import current_owner
from genglossary_gui.ui.curation import CurationActions
from genglossary_gui.ui.pages.tables_pages import DocumentsPage
from genglossary_gui.ui.viewer.styles import contrast, state_color, state_label
from genglossary_gui.ui.viewer.terms import State
from genglossary_gui.ui.viewer.widget import DocumentViewer
from genglossary_gui.vocabulary import TermStatus
from tests.glossary_runs import run_to_completion
from tests.ui.conftest import WindowFactory

DATA = Path(__file__).resolve().parents[1] / "data"
#: The run manager of the page the test made last.
MANAGERS: list[RunManager] = []

MARKDOWN = """# Storage Notes

The storage engine keeps pages on disk.
A write cache holds the pages a little longer,
and the engine flushes the write cache.

- First item about the storage engine
- Second item, with `engine` in code

```
storage engine inside code
```

| Name | Meaning |
|------|---------|
| engine | the storage engine |

An excluded word is here, and the word again.
"""


def _project(
    folder: Path,
    files: dict[str, str],
    *,
    candidates: tuple[str, ...] = (),
    entries: tuple[tuple[str, str, tuple[str, ...]], ...] = (),
    required: tuple[str, ...] = (),
    excluded: tuple[str, ...] = (),
) -> int:
    """A project importing ``files``, with the given terms and a current glossary of
    ``entries`` (term, definition, aliases)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    pid = repo.create_project(folder.name, [str(folder)])
    run_to_completion(pid, "import")
    names = [*candidates, *(e[0] for e in entries)]
    repo.replace_candidate_terms(
        pid, [repo.TermRecord(t, "en", 1.0, 3, 1) for t in dict.fromkeys(names)]
    )
    if entries:
        run = transitions.create_run(pid, "full", current_owner())
        transitions.mark_running(run)
        repo.save_entries(
            pid,
            run,
            "provisional",
            [
                Entry(term, "en", definition, "definition", "notes.md", 3, 0.8, list(aliases))
                for term, definition, aliases in entries
            ],
        )
        transitions.mark_completed(run, "test")
    if required:
        repo.mark_terms(pid, required, TermStatus.REQUIRED)
    if excluded:
        repo.mark_terms(pid, excluded, TermStatus.EXCLUDED)
    return pid


@pytest.fixture
def make_page(qtbot: QtBot, data_dir: Path) -> Iterator[Callable[[int], DocumentsPage]]:
    made: list[tuple[DocumentsPage, RunManager]] = []

    def make(project_id: int) -> DocumentsPage:
        manager = RunManager()
        MANAGERS.clear()
        MANAGERS.append(manager)
        page = DocumentsPage(manager, curation=CurationActions())
        qtbot.addWidget(page)
        page.resize(1400, 800)
        page.show()
        qtbot.waitExposed(page)
        page.set_project(project_id)
        made.append((page, manager))
        return page

    yield make
    for page, manager in made:
        assert page.viewer.shutdown(10_000)
        assert manager.shutdown(10_000)


@pytest.fixture
def en_project(data_dir: Path) -> int:
    pid = repo.create_project("en", [str(DATA / "glossary_en")])
    run_to_completion(pid, "import")
    run_to_completion(pid, "full")
    return pid


def _double_click(qtbot: QtBot, widget: QWidget, pos: QPoint) -> None:
    """A press and release, then the double-click (QTest sends only the last)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def _row_rect(page: DocumentsPage, rel_path: str):
    rows = page.model.rows()
    n = next(i for i, r in enumerate(rows) if r.rel_path == rel_path)
    index = page.proxy.mapFromSource(page.model.index(n, 0))
    return index, page.table.visualRect(index)


def _settled(qtbot: QtBot, viewer: DocumentViewer, rel_path: str) -> None:
    qtbot.waitUntil(lambda: viewer.rel_path() == rel_path and not viewer.busy(), timeout=10_000)


def _open(qtbot: QtBot, page: DocumentsPage, rel_path: str, line: int = 0) -> DocumentViewer:
    assert page.open_document(rel_path, line)
    _settled(qtbot, page.viewer, rel_path)
    return page.viewer


def _find_line(viewer: DocumentViewer, text: str) -> int:
    return next(i for i, line in enumerate(viewer.lines()) if text in line.text)


def _spans(viewer: DocumentViewer, i: int) -> list[tuple[str, State]]:
    text = viewer.lines()[i].text
    return [(text[s:e], state) for s, e, state in viewer.applied(i)]


def _click_text(qtbot: QtBot, viewer: DocumentViewer, i: int, offset: int) -> None:
    """Click the middle of character ``offset`` of line ``i``."""
    block = viewer.text.document().findBlockByNumber(i)
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + offset)
    left = viewer.text.cursorRect(cursor)
    cursor.setPosition(block.position() + offset + 1)
    right = viewer.text.cursorRect(cursor)
    point = QPoint((left.x() + right.x()) // 2, left.center().y())
    qtbot.mouseClick(viewer.text.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _click_term(qtbot: QtBot, viewer: DocumentViewer, term: str) -> int:
    """Click the first highlight of ``term``; returns its line."""
    for i in range(len(viewer.lines())):
        for s, e, info in viewer.highlights(i):
            if info.text.lower() == term.lower():
                viewer.text.centerCursor()
                _click_text(qtbot, viewer, i, (s + e) // 2)
                qtbot.waitUntil(viewer.card.isVisible)
                return i
    raise AssertionError(f"{term} is not highlighted")


# -- opening ----------------------------------------------------------------------------------


def test_double_click_and_enter_open_a_document(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], en_project: int
) -> None:
    page = make_page(en_project)
    viewer = page.viewer
    assert viewer.rel_path() is None
    _, rect = _row_rect(page, "storage.md")
    _double_click(qtbot, page.table.viewport(), rect.center())
    _settled(qtbot, viewer, "storage.md")
    assert viewer.path_label.text() == "storage.md"
    assert viewer.text.toPlainText().startswith("Storage engine notes")

    index, _ = _row_rect(page, "faq.md")
    page.table.setFocus()
    page.table.setCurrentIndex(index)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    _settled(qtbot, viewer, "faq.md")
    assert "WAL" in viewer.text.toPlainText()
    assert not page.open_document("no-such-file.md")


def test_the_window_shows_the_viewer_beside_the_documents_table(
    qtbot: QtBot, make_window: WindowFactory, en_project: int
) -> None:
    window, _ = make_window()
    assert window.select_project(en_project)
    page = window.documents_page
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    assert page.splitter.widget(0) is page.table
    assert page.splitter.widget(1) is page.viewer
    _, rect = _row_rect(page, "operations.txt")
    _double_click(qtbot, page.table.viewport(), rect.center())
    _settled(qtbot, page.viewer, "operations.txt")
    page.viewer.shutdown()


def test_a_document_that_could_not_be_imported_shows_why(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], tmp_path: Path
) -> None:
    pid = _project(tmp_path / "docs", {"empty.md": "", "ok.md": "# Fine\n"})
    page = make_page(pid)
    problem = next(r.problem for r in page.model.rows() if r.rel_path == "empty.md")
    assert problem
    viewer = _open(qtbot, page, "empty.md")
    assert viewer.notice_text() == f"This document could not be imported: {problem}"
    assert viewer.text.toPlainText() == ""
    viewer = _open(qtbot, page, "ok.md")
    assert viewer.notice_text() == ""


# -- rendering --------------------------------------------------------------------------------


def test_markdown_is_rendered_and_text_is_shown_as_it_is(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], tmp_path: Path
) -> None:
    plain = "# not a heading in a .txt\n  indented   text\n\n| a | b |\n"
    pid = _project(tmp_path / "docs", {"notes.md": MARKDOWN, "plain.txt": plain})
    page = make_page(pid)
    viewer = _open(qtbot, page, "notes.md")
    document = viewer.text.document()
    heading = document.findBlockByNumber(0)
    assert heading.text() == "Storage Notes"
    assert heading.blockFormat().headingLevel() == 1
    text_format = document.findBlockByNumber(_find_line(viewer, "keeps pages")).charFormat()
    heading_format = heading.begin().fragment().charFormat()
    assert heading_format.fontWeight() > text_format.fontWeight()
    assert heading_format.fontPointSize() > QFontInfo(viewer.text.font()).pointSizeF()
    # A soft line break is a space: the paragraph is one block.
    assert "keeps pages on disk. A write cache" in viewer.text.toPlainText()
    code = document.findBlockByNumber(_find_line(viewer, "inside code"))
    assert code.text() == "storage engine inside code"
    code_format = code.begin().fragment().charFormat()
    assert code_format.fontFixedPitch()
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    assert code_format.font().family() == fixed.family()
    item = document.findBlockByNumber(_find_line(viewer, "First item"))
    assert item.text().startswith("• First item")
    row = viewer.lines()[_find_line(viewer, "│ the storage engine")].text
    assert "│" in row and row.startswith("engine")  # a table row, cells aligned

    viewer = _open(qtbot, page, "plain.txt")
    assert viewer.text.toPlainText() == plain
    assert viewer.text.document().findBlockByNumber(0).blockFormat().headingLevel() == 0


# -- highlights -------------------------------------------------------------------------------


@pytest.fixture
def notes_project(tmp_path: Path) -> int:
    return _project(
        tmp_path / "docs",
        {"notes.md": MARKDOWN},
        candidates=("engine", "page", "item"),
        entries=(("storage engine", "A storage engine stores the tables.", ("storage engines",)),),
        required=("write cache",),
        excluded=("word",),
    )


def test_terms_are_highlighted_by_state_longest_first(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], notes_project: int
) -> None:
    page = make_page(notes_project)
    viewer = _open(qtbot, page, "notes.md")
    i = _find_line(viewer, "keeps pages")
    assert _spans(viewer, i) == [
        ("storage engine", State.ENTRY),  # the longer term, not "engine" inside it
        ("pages", State.CANDIDATE),  # a plural of "page"
        ("write cache", State.REQUIRED),
        ("pages", State.CANDIDATE),
        ("engine", State.CANDIDATE),
        ("write cache", State.REQUIRED),
    ]
    assert _spans(viewer, _find_line(viewer, "excluded word")) == [
        ("word", State.EXCLUDED),
        ("word", State.EXCLUDED),
    ]
    # Code is not prose: neither a code block nor a code span is highlighted.
    assert _spans(viewer, _find_line(viewer, "inside code")) == []
    assert _spans(viewer, _find_line(viewer, "Second item")) == [("item", State.CANDIDATE)]
    # The colours are the states' colours, readable with the text colour.
    block = viewer.text.document().findBlockByNumber(i)
    palette = viewer.text.palette()
    backgrounds = {r.format.background().color().name() for r in block.layout().formats()}
    assert backgrounds == {
        state_color(s, palette).name() for s in (State.ENTRY, State.CANDIDATE, State.REQUIRED)
    }
    for state, swatch in viewer.legend.items():
        assert swatch.text() == state_label(state)
        assert state_color(state, palette).name() in swatch.styleSheet()


def test_highlight_colours_are_readable_in_light_and_dark_palettes() -> None:
    light = QPalette(QColor("#f0f0f0"))
    light.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    light.setColor(QPalette.ColorRole.Text, QColor("#000000"))
    dark = QPalette(QColor("#303030"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    for palette in (light, dark):
        text = palette.color(QPalette.ColorRole.Text)
        colours = {state_color(state, palette).name() for state in State}
        assert len(colours) == 4
        for state in State:
            assert contrast(state_color(state, palette), text) >= 4.5, (state, palette)
    assert state_color(State.ENTRY, light) != state_color(State.ENTRY, dark)


def test_the_highlight_toggle_turns_the_colours_off_and_on(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], notes_project: int
) -> None:
    page = make_page(notes_project)
    viewer = _open(qtbot, page, "notes.md")
    i = _find_line(viewer, "keeps pages")
    assert viewer.highlight_box.isChecked()
    qtbot.mouseClick(viewer.highlight_box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: all(not viewer.applied(n) for n in range(len(viewer.lines()))))
    assert not viewer.highlighting()
    qtbot.mouseClick(viewer.highlight_box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(viewer.applied(i)) == 6)


def test_japanese_terms_are_matched_exactly_and_longest_first(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], tmp_path: Path
) -> None:
    pid = _project(
        tmp_path / "ja",
        {"メモ.md": "転置索引と索引。ブログのログを読む。\n"},
        candidates=("転置索引", "索引", "ログ"),
    )
    page = make_page(pid)
    viewer = _open(qtbot, page, "メモ.md")
    assert [text for text, _ in _spans(viewer, 0)] == ["転置索引", "索引", "ログ"]
    assert viewer.applied(0)[2][0] == "転置索引と索引。ブログの".__len__()  # not in ブログ


# -- the term card ----------------------------------------------------------------------------


def test_clicking_a_highlight_opens_its_card(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], en_project: int
) -> None:
    page = make_page(en_project)
    viewer = _open(qtbot, page, "storage.md")
    _click_term(qtbot, viewer, "write-ahead log")
    card = viewer.card
    assert card.title.text() == "write-ahead log"
    assert card.definition.text().startswith("A write-ahead log is a file")
    assert card.kind.text() == "Definition"
    assert card.state.text() == "Glossary entry"
    assert "WAL" in card.variants.text()
    items = [card.occurrences.item(n).text() for n in range(card.occurrences.count())]
    assert items[0].startswith("Line 3: A write-ahead log is a file")
    assert any(item.startswith("operations.txt, line") for item in items)
    assert card.position.text() == "1 of 2 in this document"

    # Next / previous occurrence in this document.
    qtbot.mouseClick(card.next, Qt.MouseButton.LeftButton)
    assert card.position.text() == "2 of 2 in this document"
    assert viewer.text.textCursor().selectedText() == "write-ahead log"
    second = viewer.text.textCursor().selectionStart()
    qtbot.mouseClick(card.previous, Qt.MouseButton.LeftButton)
    assert card.position.text() == "1 of 2 in this document"
    assert viewer.text.textCursor().selectionStart() < second

    # Open in Glossary.
    with qtbot.waitSignal(viewer.open_entry) as opened:
        qtbot.mouseClick(card.glossary, Qt.MouseButton.LeftButton)
    assert opened.args == ["write-ahead log"]

    # An occurrence in another document opens it there.
    row = next(n for n, item in enumerate(items) if item.startswith("operations.txt"))
    item = card.occurrences.item(row)
    with qtbot.waitSignal(viewer.open_document) as linked:
        qtbot.mouseClick(
            card.occurrences.viewport(),
            Qt.MouseButton.LeftButton,
            pos=card.occurrences.visualItemRect(item).center(),
        )
    assert linked.args is not None
    path, line = linked.args
    assert path == "operations.txt"
    _settled(qtbot, viewer, "operations.txt")
    assert page.table.currentIndex().data() == "operations.txt"
    assert viewer.text.textCursor().block().blockNumber() == line - 1
    assert viewer.text.textCursor().selectedText().lower() == "write-ahead log"


def test_require_and_exclude_in_the_card_change_the_term_and_its_colour(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], notes_project: int
) -> None:
    page = make_page(notes_project)
    viewer = _open(qtbot, page, "notes.md")
    i = _click_term(qtbot, viewer, "engine")
    card = viewer.card
    assert card.title.text() == "engine"
    assert card.state.text().startswith("Candidate")
    top = viewer.text.firstVisibleBlock().blockNumber()

    def status() -> str:
        return next(t.status for t in repo.term_rows(notes_project) if t.text == "engine")

    def engine_states() -> set[State]:
        return {state for text, state in _spans(viewer, i) if text == "engine"}

    qtbot.mouseClick(card.exclude, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: engine_states() == {State.EXCLUDED})
    assert status() == TermStatus.EXCLUDED
    qtbot.waitUntil(lambda: card.state.text() == "Excluded by you")
    assert not card.exclude.isEnabled()
    assert ("storage engine", State.ENTRY) in _spans(viewer, i)  # the longer term unchanged

    qtbot.mouseClick(card.require, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: engine_states() == {State.REQUIRED})
    assert status() == TermStatus.REQUIRED
    qtbot.waitUntil(card.clear_mark.isEnabled)

    qtbot.mouseClick(card.clear_mark, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: engine_states() == {State.CANDIDATE})
    assert status() == TermStatus.CANDIDATE
    assert viewer.text.firstVisibleBlock().blockNumber() == top
    # Each change is one step of the session's undo stack.
    assert page.curation.undo_stack.count() == 3
    page.curation.undo_stack.undo()
    qtbot.waitUntil(lambda: engine_states() == {State.REQUIRED})


def test_edit_definition_and_note_in_the_card(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], notes_project: int
) -> None:
    page = make_page(notes_project)
    viewer = _open(qtbot, page, "notes.md")
    _click_term(qtbot, viewer, "storage engine")
    card = viewer.card
    assert card.definition.text() == "A storage engine stores the tables."
    qtbot.mouseClick(card.edit_definition, Qt.MouseButton.LeftButton)
    assert card.edit_box.isVisible()
    assert card.editor.toPlainText() == "A storage engine stores the tables."
    card.editor.selectAll()
    qtbot.keyClicks(card.editor, "The part of a database that stores data.")
    qtbot.mouseClick(card.save, Qt.MouseButton.LeftButton)
    assert not card.edit_box.isVisible()
    edits = repo.definition_edits(notes_project)
    assert edits == {"storage engine": "The part of a database that stores data."}
    qtbot.waitUntil(lambda: card.definition.text() == "The part of a database that stores data.")
    assert card.kind.text() == "Your definition"

    qtbot.mouseClick(card.add_note, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(card.editor, "Say 'engine' in the UI.")
    qtbot.mouseClick(card.save, Qt.MouseButton.LeftButton)
    assert repo.term_notes(notes_project) == {"storage engine": "Say 'engine' in the UI."}
    qtbot.waitUntil(lambda: card.note.text() == "Your note: Say 'engine' in the UI.")
    assert card.add_note.text() == "Edit Note…"


def test_a_database_error_is_shown_in_plain_words(
    qtbot: QtBot,
    make_page: Callable[[int], DocumentsPage],
    notes_project: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = make_page(notes_project)
    viewer = _open(qtbot, page, "notes.md")
    _click_term(qtbot, viewer, "engine")

    def locked(*_args: object, **_kwargs: object) -> None:
        raise peewee.OperationalError("database is locked")

    monkeypatch.setattr(page.curation, "set_status", locked)
    qtbot.mouseClick(viewer.card.exclude, Qt.MouseButton.LeftButton)
    assert viewer.notice_text().startswith("Could not save the change: The database is busy")


# -- selection, find --------------------------------------------------------------------------


def test_add_as_term_from_a_selection(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], notes_project: int
) -> None:
    page = make_page(notes_project)
    viewer = _open(qtbot, page, "notes.md")
    i = _find_line(viewer, "keeps pages")
    text = viewer.lines()[i].text
    assert not viewer.add_term_button.isEnabled()
    # Double-click selects a word, Shift+Ctrl+Right extends it by the next one.
    block = viewer.text.document().findBlockByNumber(i)
    cursor = QTextCursor(block)
    cursor.setPosition(block.position() + text.index("disk") + 1)
    point = viewer.text.cursorRect(cursor).center()
    _double_click(qtbot, viewer.text.viewport(), point)
    assert viewer.selected_text() == "disk"
    assert viewer.add_term_button.isEnabled()
    qtbot.mouseClick(viewer.add_term_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("disk", State.REQUIRED) in _spans(viewer, i))
    row = next(t for t in repo.term_rows(notes_project) if t.text == "disk")
    assert row.status == TermStatus.REQUIRED

    # The context menu offers it too.
    cursor.setPosition(block.position() + text.index("holds"))
    cursor.movePosition(QTextCursor.MoveOperation.EndOfWord, QTextCursor.MoveMode.KeepAnchor)
    viewer.text.setTextCursor(cursor)
    menu = viewer.context_menu(i, text.index("holds"))
    actions = {a.text(): a for a in menu.actions()}
    assert "Add “holds” as Term" in actions
    actions["Add “holds” as Term"].trigger()
    qtbot.waitUntil(lambda: ("holds", State.REQUIRED) in _spans(viewer, i))
    menu.deleteLater()


def test_find_in_document_with_next_and_previous(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], notes_project: int
) -> None:
    page = make_page(notes_project)
    viewer = _open(qtbot, page, "notes.md")
    bar = viewer.find_bar
    viewer.text.setFocus()
    qtbot.keyClick(viewer.text, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible()
    assert bar.field.hasFocus()
    qtbot.keyClicks(bar.field, "Engine")
    count = MARKDOWN.lower().count("engine")
    qtbot.waitUntil(lambda: bar.count.text() == f"1 of {count}")
    assert viewer.text.textCursor().selectedText() == "engine"
    first = viewer.text.textCursor().selectionStart()
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.count.text() == f"2 of {count}"
    assert viewer.text.textCursor().selectionStart() > first
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count.text() == f"1 of {count}"
    qtbot.keyClick(bar.field, Qt.Key.Key_F3)
    assert bar.count.text() == f"2 of {count}"
    qtbot.keyClick(bar.field, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(bar.field, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count.text() == f"{count} of {count}"  # round to the last
    qtbot.mouseClick(bar.next, Qt.MouseButton.LeftButton)
    assert bar.count.text() == f"1 of {count}"
    bar.field.clear()
    qtbot.keyClicks(bar.field, "nowhere to be found")
    qtbot.waitUntil(lambda: bar.count.text() == "No matches")
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()


# -- scrolling to a line ----------------------------------------------------------------------


def test_open_document_scrolls_to_the_line_and_flashes_the_term(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], tmp_path: Path
) -> None:
    lines = [f"Line {n} of the long notes." for n in range(1, 3001)]
    lines[2499] = "Here the storage engine appears, on line 2500."
    pid = _project(
        tmp_path / "docs", {"long.txt": "\n".join(lines) + "\n"}, candidates=("storage engine",)
    )
    page = make_page(pid)
    viewer = page.viewer
    assert page.open_document("long.txt", 2500, "storage engine")
    _settled(qtbot, viewer, "long.txt")
    cursor = viewer.text.textCursor()
    assert cursor.selectedText() == "storage engine"
    assert cursor.block().blockNumber() == 2499
    assert viewer.flashing()
    block = cursor.block()
    geometry = viewer.text.blockBoundingGeometry(block).translated(viewer.text.contentOffset())
    assert viewer.text.viewport().rect().contains(geometry.center().toPoint())
    qtbot.waitUntil(lambda: not viewer.flashing(), timeout=5_000)

    # The same document, another line: no reload, just the scroll.
    assert page.open_document("long.txt", 100)
    qtbot.waitUntil(lambda: viewer.text.textCursor().block().blockNumber() == 99)
    geometry = viewer.text.blockBoundingGeometry(viewer.text.textCursor().block())
    visible = geometry.translated(viewer.text.contentOffset()).center().toPoint()
    assert viewer.text.viewport().rect().contains(visible)


def test_a_markdown_line_maps_to_its_block(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], notes_project: int
) -> None:
    page = make_page(notes_project)
    viewer = page.viewer
    # Line 5 is the third line of the first paragraph: "and the engine flushes …".
    assert page.open_document("notes.md", 5, "engine")
    _settled(qtbot, viewer, "notes.md")
    cursor = viewer.text.textCursor()
    assert cursor.selectedText() == "engine"
    text = cursor.block().text()
    assert text.startswith("The storage engine keeps pages")
    assert cursor.selectionStart() - cursor.block().position() == text.index("the engine") + 4


def test_recolouring_keeps_the_scroll_position(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], tmp_path: Path
) -> None:
    text = "".join(
        f"Paragraph {n}: the storage engine and the write cache.\n\n" for n in range(2000)
    )
    pid = _project(
        tmp_path / "docs", {"big.md": text}, candidates=("storage engine", "write cache")
    )
    page = make_page(pid)
    viewer = _open(qtbot, page, "big.md", 1500)
    top = viewer.text.firstVisibleBlock().blockNumber()
    assert top > 1000
    page.curation.set_status(pid, ["write cache"], TermStatus.EXCLUDED)
    i = top + 2 if viewer.lines()[top + 2].text else top + 3
    qtbot.waitUntil(lambda: ("write cache", State.EXCLUDED) in _spans(viewer, i))
    qtbot.waitUntil(lambda: not viewer.busy())
    assert viewer.text.firstVisibleBlock().blockNumber() == top
    last = len(viewer.lines()) - 1
    assert ("write cache", State.EXCLUDED) in _spans(viewer, last - 1) + _spans(viewer, last)


def test_another_process_changing_a_mark_recolours(
    qtbot: QtBot, make_page: Callable[[int], DocumentsPage], notes_project: int
) -> None:
    page = make_page(notes_project)
    viewer = _open(qtbot, page, "notes.md")
    i = _find_line(viewer, "keeps pages")
    # As a commit of another process arrives: no notification of this process, only
    # database_changed (the fingerprint shows that the marks changed).
    Term.update(status=TermStatus.REQUIRED.value).where(
        (Term.project == notes_project) & (Term.text == "page")
    ).execute()
    MANAGERS[-1].database_changed.emit()
    qtbot.waitUntil(lambda: ("pages", State.REQUIRED) in _spans(viewer, i))
