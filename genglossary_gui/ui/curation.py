"""The one way the window changes the user's curation, every change undoable in the session.

Each method changes the store first, then pushes a command holding the curation of the terms
it touched as it was before and as it is after; undo puts the first back, redo the second.
Terms are named by their text (term rows are replaced by each extraction, their ids are not
stable), matched as the pipeline matches them (``text.term_key``). A database error is
raised to the caller, and the undo stack is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from genglossary_gui.pipeline.text import is_japanese, term_key
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import StoreError, explain
from genglossary_gui.vocabulary import Language, TermStatus

#: How a mark reads in the Edit menu ("Undo Require “pod”").
STATUS_VERBS = {
    TermStatus.REQUIRED: "Require",
    TermStatus.EXCLUDED: "Exclude",
    TermStatus.CANDIDATE: "Reset Mark of",
}


def _names(terms: Sequence[str]) -> str:
    """“pod”, “pod” and “node”, or “pod” and 3 more."""
    quoted = [f"“{t}”" for t in terms]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return f"{quoted[0]} and {len(quoted) - 1} more"


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
        self._actions = actions
        self._project_id = project_id
        self._before = before
        self._after = after
        self._done = True

    def redo(self) -> None:
        if self._done:
            return
        self._apply(self._after, "redo")
        self._done = True

    def undo(self) -> None:
        self._apply(self._before, "undo")
        self._done = False

    def _apply(self, snapshot: repo.CurationSnapshot, what: str) -> None:
        try:
            repo.restore_curation(self._project_id, snapshot, key=term_key)
        except StoreError as exc:
            # Called by the stack, not by us: tell the window, and drop the command, whose
            # state the database no longer follows.
            self.setObsolete(True)
            reason = explain(exc) or f"Database problem: {exc}"
            self._actions.failed.emit(f"Could not {what} “{self.text()}”: {reason}")


class CurationActions(QObject):
    """Marks, hand-added terms, notes, categories, definition edits, synonym groups and
    splits, each one undoable command on :attr:`undo_stack`."""

    #: An undo or redo could not be written: the message for the user.
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)

    # -- the actions ------------------------------------------------------------------------

    def set_status(self, project_id: int, terms: Sequence[str], status: TermStatus) -> None:
        """Mark terms required, excluded, or back to candidates."""
        status = TermStatus(status)
        terms = _unique(terms)
        if not terms:
            return
        language = _language_of(project_id)
        self._change(
            f"{STATUS_VERBS[status]} {_names(terms)}",
            project_id,
            terms,
            lambda: repo.mark_terms(project_id, terms, status, key=term_key, language=language),
        )

    def add_term(self, project_id: int, text: str) -> None:
        """Add a required term by hand; a term that exists is marked required."""
        text = " ".join(text.split())
        if not text:
            raise ValueError("A term needs some text.")
        language = _language_of(project_id)
        self._change(
            f"Add Term “{text}”",
            project_id,
            [text],
            lambda: repo.add_term(project_id, text, key=term_key, language=language),
        )

    def set_note(self, project_id: int, term: str, note: str) -> None:
        """The user's note on a term ("" removes it)."""
        language = _language_of(project_id)
        self._change(
            f"Note on “{term}”" if note.strip() else f"Remove Note on “{term}”",
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
            f"Use the Suggested Definition of “{term}”" if back else f"Edit Definition of “{term}”",
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
            f"Merge {_names(others)} into “{headword}”",
            project_id,
            names,
            lambda: repo.merge_terms(project_id, names, headword, key=term_key, language=language),
            glossary=True,
        )

    def split(self, project_id: int, headword: str, variant: str) -> None:
        """Take ``variant`` out of ``headword``'s entry: it gets its own entry again."""
        self._change(
            f"Split “{variant}” from “{headword}”",
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
            f"Category “{category}” for {_names(terms)}"
            if category
            else f"Remove Category of {_names(terms)}",
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
