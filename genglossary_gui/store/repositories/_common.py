"""Private helpers the domain modules share."""

from __future__ import annotations

from typing import Any, cast

import peewee


def _tuples(query: peewee.ModelSelect[Any]) -> list[tuple[Any, ...]]:
    return cast("list[tuple[Any, ...]]", list(query.tuples()))
