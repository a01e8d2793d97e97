"""The one hook through which committed changes become notifications.

Writers call :func:`publish` *after* their change is committed; listeners (the Qt bridge in
``runs/``) are called synchronously on the writing thread and must only hand the event on.
Events carry a :class:`~genglossary_gui.vocabulary.Topic` and ids, never ORM objects.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from genglossary_gui.vocabulary import Topic

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Change:
    table: Topic
    ids: tuple[int, ...] = ()


Listener = Callable[[Change], None]

_lock = threading.Lock()
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    """Register ``listener``; returns a function that unregisters it."""
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


def publish(table: Topic, *ids: int) -> None:
    """Tell every listener that rows of ``table`` changed. Call only after commit."""
    change = Change(table, tuple(ids))
    with _lock:
        listeners = list(_listeners)
    # Listeners are called outside the lock so one may (un)subscribe from inside a callback.
    for listener in listeners:
        try:
            listener(change)
        except Exception:  # a faulty listener must not break the writer
            log.exception("change listener failed for %s", change)
