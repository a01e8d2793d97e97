"""The term card: what the viewer knows about a highlighted term (its entry's definition and
kind, its variants, the user's mark and note, its occurrences) and the curation actions."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from genglossary_gui.ui.formatting import format_number
from genglossary_gui.ui.labels import kind_label
from genglossary_gui.ui.viewer.terms import State, TermInfo
from genglossary_gui.vocabulary import DefinitionKind, TermStatus

#: Occurrences listed at most, in this document and in the others.
MAX_HERE = 200
MAX_ELSEWHERE = 50
_HERE = Qt.ItemDataRole.UserRole
_ELSEWHERE = Qt.ItemDataRole.UserRole + 1


def _label(name: str, *, wrap: bool = True, selectable: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class TermCard(QFrame):
    #: "require", "exclude", "clear" (the mark back to candidate), "glossary" (open the entry).
    action = Signal(str)
    #: The user's definition (None: back to the suggested one).
    save_definition = Signal(object)
    save_note = Signal(str)
    #: Go to occurrence number N of this document's list.
    go_here = Signal(int)
    #: Open another document at a line.
    go_elsewhere = Signal(str, int)
    #: +1: the next occurrence in this document, -1: the previous one.
    step = Signal(int)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("termCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(300)
        self.info: TermInfo | None = None
        self._editing = ""  # "definition", "note" or ""

        self.title = _label("cardTerm", selectable=True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.title.setFont(font)
        close = QToolButton()
        close.setText("×")
        close.setToolTip(self.tr("Close the term card"))
        close.clicked.connect(self.close_card)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)

        self.state = _label("cardState")
        self.kind = _label("cardKind")
        self.definition = _label("cardDefinition", selectable=True)
        self.variants = _label("cardVariants", selectable=True)
        self.note = _label("cardNote", selectable=True)

        self.editor_label = _label("cardEditorLabel")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("cardEditor")
        self.editor.setMaximumHeight(110)
        self.save = QPushButton(self.tr("Save"))
        self.cancel = QPushButton(self.tr("Cancel"))
        self.suggested = QPushButton(self.tr("Use the Suggested Definition"))
        self.save.clicked.connect(self._save)
        self.cancel.clicked.connect(self._end_edit)
        self.suggested.clicked.connect(self._use_suggested)
        edit_buttons = QHBoxLayout()
        edit_buttons.addWidget(self.save)
        edit_buttons.addWidget(self.cancel)
        edit_buttons.addWidget(self.suggested)
        edit_buttons.addStretch(1)
        self.edit_box = QWidget()
        edit_layout = QVBoxLayout(self.edit_box)
        edit_layout.setContentsMargins(0, 0, 0, 0)
        edit_layout.addWidget(self.editor_label)
        edit_layout.addWidget(self.editor)
        edit_layout.addLayout(edit_buttons)
        self.edit_box.hide()

        self.require = QPushButton(self.tr("Require"))
        self.require.setToolTip(self.tr("The next run puts the term in the glossary"))
        self.exclude = QPushButton(self.tr("Exclude"))
        self.exclude.setToolTip(self.tr("No run puts the term in the glossary"))
        self.clear_mark = QPushButton(self.tr("Clear Mark"))
        self.clear_mark.setToolTip(self.tr("Neither required nor excluded: the runs decide"))
        self.edit_definition = QPushButton(self.tr("Edit Definition…"))
        self.add_note = QPushButton(self.tr("Add Note…"))
        self.glossary = QPushButton(self.tr("Open in Glossary"))
        self.glossary.setToolTip(self.tr("Show the term's entry on the Glossary page"))
        self.require.clicked.connect(lambda: self.action.emit("require"))
        self.exclude.clicked.connect(lambda: self.action.emit("exclude"))
        self.clear_mark.clicked.connect(lambda: self.action.emit("clear"))
        self.glossary.clicked.connect(lambda: self.action.emit("glossary"))
        self.edit_definition.clicked.connect(self._edit_definition)
        self.add_note.clicked.connect(self._edit_note)
        # Two to a row: the card is a narrow side panel, and no label may be cut.
        actions = QGridLayout()
        for n, button in enumerate(
            (
                self.require,
                self.exclude,
                self.clear_mark,
                self.add_note,
                self.edit_definition,
                self.glossary,
            )
        ):
            actions.addWidget(button, n // 2, n % 2)

        self.previous = QToolButton()
        self.previous.setText(self.tr("Previous"))
        self.previous.setToolTip(self.tr("The previous occurrence of the term in this document"))
        self.next = QToolButton()
        self.next.setText(self.tr("Next"))
        self.next.setToolTip(self.tr("The next occurrence of the term in this document"))
        self.position = _label("cardPosition", wrap=True)
        self.previous.clicked.connect(lambda: self.step.emit(-1))
        self.next.clicked.connect(lambda: self.step.emit(1))
        steps = QHBoxLayout()
        steps.addWidget(self.previous)
        steps.addWidget(self.next)
        steps.addWidget(self.position, 1)

        self.occurrences = QListWidget()
        self.occurrences.setObjectName("cardOccurrences")
        self.occurrences.setWordWrap(True)
        self.occurrences.setToolTip(self.tr("Click an occurrence to go to it"))
        self.occurrences.itemClicked.connect(self._on_item)
        self.occurrences.itemActivated.connect(self._on_item)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.kind)
        layout.addWidget(self.definition)
        layout.addWidget(self.variants)
        layout.addWidget(self.note)
        layout.addWidget(self.edit_box)
        layout.addLayout(actions)
        layout.addLayout(steps)
        occurrences = QLabel(self.tr("Occurrences"))
        occurrences.setStyleSheet("font-weight: bold")
        layout.addWidget(occurrences)
        layout.addWidget(self.occurrences, 1)

    # -- contents ---------------------------------------------------------------------------

    def show_term(
        self,
        info: TermInfo,
        here: Sequence[tuple[int, str]],
        elsewhere: Sequence[tuple[str, int, str]],
        current: int | None,
    ) -> None:
        """``here``: (source line, text around it) of each occurrence in this document;
        ``elsewhere``: (path, line, sentence) in other documents."""
        changed = self.info is None or self.info.text.lower() != info.text.lower()
        self.info = info
        if changed:
            self._end_edit()
        self.title.setText(info.text)
        self.state.setText(_state_text(info))
        entry = info.entry
        if entry is None:
            self.kind.setText(self.tr("Not in the current glossary"))
            self.definition.setText(
                self.tr("No definition yet: the term has no entry in the glossary.")
            )
        else:
            kind = DefinitionKind.EDITED if entry.edited else entry.kind
            self.kind.setText(kind_label(kind))
            self.definition.setText(entry.definition or self.tr("(no text)"))
        others = [f for f in info.forms if f.lower() != info.text.lower()]
        self.variants.setText(
            self.tr("Variants: {variants}").format(variants=", ".join(others))
            if others
            else self.tr("Variants: none")
        )
        self.note.setText(self.tr("Your note: {note}").format(note=info.note) if info.note else "")
        self.note.setVisible(bool(info.note))
        self._set_actions(info)
        self._fill_occurrences(here, elsewhere)
        self.set_current(current, len(here))
        self.show()

    def _set_actions(self, info: TermInfo) -> None:
        self.require.setEnabled(info.status != TermStatus.REQUIRED)
        self.exclude.setEnabled(info.status != TermStatus.EXCLUDED)
        self.clear_mark.setEnabled(info.status != TermStatus.CANDIDATE)
        has_entry = info.entry is not None
        self.edit_definition.setEnabled(has_entry)
        self.edit_definition.setToolTip(
            self.tr("Write your own definition of the entry")
            if has_entry
            else self.tr(
                "Only a glossary entry has a definition: require the term and run the glossary"
            )
        )
        self.glossary.setEnabled(has_entry)
        self.add_note.setText(self.tr("Edit Note…") if info.note else self.tr("Add Note…"))

    def _fill_occurrences(
        self, here: Sequence[tuple[int, str]], elsewhere: Sequence[tuple[str, int, str]]
    ) -> None:
        self.occurrences.clear()
        for n, (line, text) in enumerate(here[:MAX_HERE]):
            item = QListWidgetItem(self.tr("Line {line}: {text}").format(line=line, text=text))
            item.setData(_HERE, n)
            self.occurrences.addItem(item)
        if len(here) > MAX_HERE:
            self._add_note_item(
                self.tr("… and {count} more in this document").format(
                    count=format_number(len(here) - MAX_HERE)
                )
            )
        for path, line, sentence in elsewhere[:MAX_ELSEWHERE]:
            item = QListWidgetItem(
                self.tr("{path}, line {line}: {sentence}").format(
                    path=path, line=line, sentence=sentence
                )
            )
            item.setData(_ELSEWHERE, (path, line))
            item.setToolTip(self.tr("Open {path} at line {line}").format(path=path, line=line))
            self.occurrences.addItem(item)
        if len(elsewhere) > MAX_ELSEWHERE:
            self._add_note_item(
                self.tr("… and {count} more in other documents").format(
                    count=format_number(len(elsewhere) - MAX_ELSEWHERE)
                )
            )
        if not here and not elsewhere:
            self._add_note_item(self.tr("None found"))

    def _add_note_item(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.occurrences.addItem(item)

    def set_current(self, current: int | None, total: int) -> None:
        """Which occurrence of this document is selected (0-based), of ``total``."""
        self.previous.setEnabled(total > 0)
        self.next.setEnabled(total > 0)
        if total == 0:
            self.position.setText(self.tr("Not in this document"))
        elif current is None:
            self.position.setText(
                self.tr("{total} in this document").format(total=format_number(total))
            )
        else:
            self.position.setText(
                self.tr("{current} of {total} in this document").format(
                    current=format_number(current + 1), total=format_number(total)
                )
            )

    # -- user actions -----------------------------------------------------------------------

    @Slot(QListWidgetItem)
    def _on_item(self, item: QListWidgetItem) -> None:
        here = item.data(_HERE)
        if here is not None:
            self.go_here.emit(int(here))
            return
        elsewhere = item.data(_ELSEWHERE)
        if elsewhere is not None:
            path, line = elsewhere
            self.go_elsewhere.emit(str(path), int(line))

    @Slot()
    def _edit_definition(self) -> None:
        if self.info is None or self.info.entry is None:
            return
        entry = self.info.entry
        prompt = self.tr("Your definition of “{term}”:").format(term=self.info.text)
        self._begin_edit("definition", prompt, entry.definition)
        self.suggested.setVisible(entry.edited)

    @Slot()
    def _edit_note(self) -> None:
        if self.info is None:
            return
        prompt = self.tr("Your note on “{term}”:").format(term=self.info.text)
        self._begin_edit("note", prompt, self.info.note)
        self.suggested.hide()

    def _begin_edit(self, what: str, prompt: str, text: str) -> None:
        self._editing = what
        self.editor_label.setText(prompt)
        self.editor.setPlainText(text)
        self.edit_box.show()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.editor.selectAll()

    @Slot()
    def _save(self) -> None:
        text = self.editor.toPlainText().strip()
        what = self._editing
        self._end_edit()
        if what == "definition":
            self.save_definition.emit(text or None)
        elif what == "note":
            self.save_note.emit(text)

    @Slot()
    def _use_suggested(self) -> None:
        self._end_edit()
        self.save_definition.emit(None)

    @Slot()
    def _end_edit(self) -> None:
        self._editing = ""
        self.edit_box.hide()

    def editing(self) -> str:
        return self._editing

    @Slot()
    def close_card(self) -> None:
        self._end_edit()
        self.info = None
        self.hide()
        self.closed.emit()


def _state_text(info: TermInfo) -> str:
    """ "Glossary entry · required by you", "Candidate", "Excluded by you"."""
    if info.state == State.ENTRY:
        if info.status == TermStatus.REQUIRED:
            return QCoreApplication.translate("TermCard", "Glossary entry · required by you")
        if info.status == TermStatus.EXCLUDED:
            return QCoreApplication.translate("TermCard", "Glossary entry · excluded by you")
        return QCoreApplication.translate("TermCard", "Glossary entry")
    if info.state == State.EXCLUDED:
        if info.entry:
            return QCoreApplication.translate(
                "TermCard", "Excluded by you (still in the current glossary)"
            )
        return QCoreApplication.translate("TermCard", "Excluded by you")
    if info.state == State.REQUIRED:
        return QCoreApplication.translate("TermCard", "Required by you: the next run defines it")
    return QCoreApplication.translate(
        "TermCard", "Candidate: found in the documents, not in the glossary"
    )
