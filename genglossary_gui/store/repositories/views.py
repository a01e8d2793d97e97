"""Change detection for the views' tables."""

from __future__ import annotations

import peewee

from genglossary_gui.store.database import db
from genglossary_gui.store.models import Document, Project
from genglossary_gui.store.repositories._common import _tuples

_TERM_FINGERPRINT = """
    SELECT COUNT(id), MAX(id), SUM(score),
           GROUP_CONCAT(CASE WHEN status != 'candidate' OR user_notes != ''
                                  OR user_category != '' OR synonym_group IS NOT NULL
                             THEN id || ':' || status || ':' || user_notes || ':'
                                  || user_category || ':' || IFNULL(synonym_group, '') || ':'
                                  || group_head
                        END, '|')
    FROM term WHERE project_id = ?"""

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
        # The user's curation too (a mark or note made by the command line changes no count):
        # the curated rows' fields, spelled out; they are few beside the candidates.
        return tuple(db.execute_sql(_TERM_FINGERPRINT, (project_id,)).fetchone())
    else:
        raise ValueError(table)
    return _tuples(query)[0]
