"""Change detection for the views' tables."""

from __future__ import annotations

import peewee

from genglossary_gui.store.models import Document, Project, Term
from genglossary_gui.store.repositories._common import _tuples

# -- rows for the views (plain data, no ORM objects) -----------------------------------------


def table_fingerprint(table: str, project_id: int | None = None) -> tuple[object, ...]:
    """A cheap summary that changes whenever the rows a view shows change (for commits made
    by other processes, which arrive without saying what changed)."""
    fn = peewee.fn
    if table == "project":
        query = Project.select(
            fn.COUNT(Project.id), fn.MAX(Project.id), fn.GROUP_CONCAT(Project.name)
        )
    elif table == "document":
        query = Document.select(
            fn.COUNT(Document.id), fn.MAX(Document.id), fn.MAX(Document.imported_at)
        ).where(Document.project == project_id)
    elif table == "term":
        query = Term.select(fn.COUNT(Term.id), fn.MAX(Term.id), fn.SUM(Term.score)).where(
            Term.project == project_id
        )
    else:
        raise ValueError(table)
    return _tuples(query)[0]
