"""The one way the window changes the user's curation, every change undoable in the session.

Each method changes the store first, then pushes a command holding the curation of the terms
it touched as it was before and as it is after; undo puts the first back, redo the second.
Terms are named by their text (term rows are replaced by each extraction, their ids are not
stable), matched as the pipeline matches them (``text.term_key``). A database error is
raised to the caller, and the undo stack is left as it was.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from genglossary_gui.pipeline.text import is_japanese, term_key
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import StoreError, explain
from genglossary_gui.vocabulary import Language, TermStatus

_CONTEXT = "CurationActions"

#: How a mark reads in the Edit menu ("Undo Require “pod”"), in English (translated when
#: the command is made).
STATUS_TEXTS = {
    TermStatus.REQUIRED: str(QT_TRANSLATE_NOOP("CurationActions", "Require {terms}")),
    TermStatus.EXCLUDED: str(QT_TRANSLATE_NOOP("CurationActions", "Exclude {terms}")),
    TermStatus.CANDIDATE: str(QT_TRANSLATE_NOOP("CurationActions", "Reset Mark of {terms}")),
}


def _names(terms: Sequence[str]) -> str:
    """“pod”, “pod” and “node”, or “pod” and 3 more."""
    if len(terms) <= 1:
        if not terms:
            return ""
        return QCoreApplication.translate("CurationActions", "“{term}”").format(term=terms[0])
    if len(terms) == 2:
        return QCoreApplication.translate("CurationActions", "“{first}” and “{second}”").format(
            first=terms[0], second=terms[1]
        )
    more = len(terms) - 1  # a name, not an expression: lupdate skips a call with one
    return QCoreApplication.translate(
        "CurationActions", "“{first}” and %Ln more", None, more
    ).format(first=terms[0])


class _Change(QUndoCommand):
    """A change already made: the curation before and after it. The first redo (QUndoStack
    calls it on push) does nothing."""

    def __init__(
        self,
        actions: CurationActions,
        text: str,
        project_id: int,
        before: repo.CurationSnapshot,
        after: repo.CurationSnapshot,
    ) -> None:
        super().__init__(text)
        # Weakly: the stack (a child of ``actions``) owns this command in C++; no reference
        # cycle through it is left for the garbage collector (see CurationActions.__del__).
        self._actions = weakref.ref(actions)
        self._project_id = project_id
        self._before = before
        self._after = after
        self._done = True

    def redo(self) -> None:
        if self._done:
            return
        self._apply(
            self._after,
            str(QT_TRANSLATE_NOOP("CurationActions", "Could not redo “{change}”: {reason}")),
        )
        self._done = True

    def undo(self) -> None:
        self._apply(
            self._before,
            str(QT_TRANSLATE_NOOP("CurationActions", "Could not undo “{change}”: {reason}")),
        )
        self._done = False

    def _apply(self, snapshot: repo.CurationSnapshot, failed: str) -> None:
        """Put ``snapshot`` back; ``failed`` is the (English) message if that cannot be done."""
        try:
            repo.restore_curation(self._project_id, snapshot, key=term_key)
        except StoreError as exc:
            # Called by the stack, not by us: tell the window, and drop the command, whose
            # state the database no longer follows.
            self.setObsolete(True)
            reason = explain(exc) or QCoreApplication.translate(
                "CurationActions", "Database problem: {problem}"
            ).format(problem=exc)
            actions = self._actions()
            if actions is not None:
                actions.failed.emit(
                    QCoreApplication.translate(_CONTEXT, failed).format(
                        change=self.text(), reason=reason
                    )
                )


class CurationActions(QObject):
    """Marks, hand-added terms, notes, categories, definition edits, synonym groups and
    splits, each one undoable command on :attr:`undo_stack`."""

    #: An undo or redo could not be written: the message for the user.
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)

    def __del__(self) -> None:
        # An unparented instance dies with its last Python reference, maybe inside a garbage
        # collection; its commands (Python objects the stack owns) must go while everything
        # they need still exists, not inside the stack's C++ destructor.
        stack = self.__dict__.get("undo_stack")
        if stack is not None and shiboken6.isValid(stack):
            stack.clear()

    # -- the actions ------------------------------------------------------------------------

    def set_status(self, project_id: int, terms: Sequence[str], status: TermStatus) -> None:
        """Mark terms required, excluded, or back to candidates."""
        status = TermStatus(status)
        terms = _unique(terms)
        if not terms:
            return
        language = _language_of(project_id)
        self._change(
            QCoreApplication.translate(_CONTEXT, STATUS_TEXTS[status]).format(terms=_names(terms)),
            project_id,
            terms,
            lambda: repo.mark_terms(project_id, terms, status, key=term_key, language=language),
        )

    def add_term(self, project_id: int, text: str) -> None:
        """Add a required term by hand; a term that exists is marked required."""
        text = " ".join(text.split())
        if not text:
            raise ValueError(self.tr("A term needs some text."))
        language = _language_of(project_id)
        self._change(
            self.tr("Add Term “{term}”").format(term=text),
            project_id,
            [text],
            lambda: repo.add_term(project_id, text, key=term_key, language=language),
        )

    def set_note(self, project_id: int, term: str, note: str) -> None:
        """The user's note on a term ("" removes it)."""
        language = _language_of(project_id)
        self._change(
            (
                self.tr("Note on “{term}”") if note.strip() else self.tr("Remove Note on “{term}”")
            ).format(term=term),
            project_id,
            [term],
            lambda: repo.set_term_note(project_id, term, note, key=term_key, language=language),
        )

    def edit_definition(
        self, project_id: int, term: str, definition: str | None, aliases: Sequence[str] = ()
    ) -> None:
        """The user's definition of an entry (None or blank: back to the suggestion)."""
        back = definition is None or not definition.strip()
        self._change(
            (
                self.tr("Use the Suggested Definition of “{term}”")
                if back
                else self.tr("Edit Definition of “{term}”")
            ).format(term=term),
            project_id,
            [term, *aliases],
            lambda: repo.set_definition_edit(project_id, term, definition, aliases),
        )

    def merge(self, project_id: int, terms: Sequence[str], headword: str) -> None:
        """One entry for ``terms``, headed by ``headword``, the others its variants."""
        names = _unique([headword, *terms])
        language = _language_of(project_id)
        others = [n for n in names if n != headword]
        self._change(
            self.tr("Merge {terms} into “{headword}”").format(
                terms=_names(others), headword=headword
            ),
            project_id,
            names,
            lambda: repo.merge_terms(project_id, names, headword, key=term_key, language=language),
            glossary=True,
        )

    def split(self, project_id: int, headword: str, variant: str) -> None:
        """Take ``variant`` out of ``headword``'s entry: it gets its own entry again."""
        self._change(
            self.tr("Split “{variant}” from “{headword}”").format(
                variant=variant, headword=headword
            ),
            project_id,
            [headword, variant],
            lambda: repo.split_term(project_id, headword, variant, key=term_key),
            glossary=True,
        )

    def set_category(self, project_id: int, terms: Sequence[str], category: str) -> None:
        """The user's category for terms ("" gives them back the model's, if any)."""
        terms = _unique(terms)
        if not terms:
            return
        language = _language_of(project_id)
        category = " ".join(category.split())
        self._change(
            self.tr("Category “{category}” for {terms}").format(
                category=category, terms=_names(terms)
            )
            if category
            else self.tr("Remove Category of {terms}").format(terms=_names(terms)),
            project_id,
            terms,
            lambda: repo.set_term_category(
                project_id, terms, category, key=term_key, language=language
            ),
        )

    # -- the machinery ----------------------------------------------------------------------

    def _change(
        self,
        text: str,
        project_id: int,
        names: Sequence[str],
        change: Callable[[], object],
        glossary: bool = False,
    ) -> None:
        before = repo.curation_snapshot(project_id, names, key=term_key, glossary=glossary)
        change()
        after = repo.curation_snapshot(project_id, before.names, key=term_key, glossary=glossary)
        if after == before:
            return  # nothing changed: nothing to undo
        self.undo_stack.push(_Change(self, text, project_id, before, after))


def _unique(terms: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(" ".join(t.split()) for t in terms if t.strip()))


def _language_of(project_id: int) -> Callable[[str], str]:
    """The language of a term the user names: the project's, else guessed from its text."""
    chosen = repo.project_language(project_id)

    def language(text: str) -> str:
        if chosen != Language.AUTO:
            return str(chosen)
        return Language.JA.value if is_japanese(text) else Language.EN.value

    return language
