"""What a failed run's row says: one plain line per kind of failure."""

from __future__ import annotations

import errno
import sqlite3

import peewee
import pytest

from genglossary_gui.pipeline.steps import StepError
from genglossary_gui.runs.worker import describe_failure
from genglossary_gui.store.database import DISK_FULL


@pytest.mark.parametrize(
    ("exc", "said"),
    [
        (
            StepError("No documents to read: add a folder first."),
            "No documents to read: add a folder first.",
        ),
        (peewee.OperationalError("database or disk is full"), DISK_FULL),
        (OSError(errno.ENOSPC, "No space left on device"), DISK_FULL),
        (
            peewee.IntegrityError("NOT NULL constraint failed: run.scope"),
            "Database problem: NOT NULL constraint failed: run.scope",
        ),
        (sqlite3.ProgrammingError("closed"), "Database problem: closed"),
        (MemoryError(), "Ran out of memory."),
        (OSError(errno.EACCES, "Permission denied"), "File or system error: Permission denied"),
        (OSError("no errno"), "File or system error: no errno"),
        (ValueError("bad value"), "Unexpected error (ValueError): bad value"),
        (KeyError(), "Unexpected error (KeyError)"),
    ],
)
def test_a_failure_is_described_in_one_plain_line(exc: BaseException, said: str) -> None:
    assert describe_failure(exc) == said
