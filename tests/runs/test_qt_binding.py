"""Guards against a Qt binding bug that once crashed long runs."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal, Slot


class _Emitter(QObject):
    value = Signal(int)


class _Receiver(QObject):
    @Slot(int)
    def take(self, value: int) -> None:
        self.last = value


def test_signal_emit_keeps_reference_counts_intact(qapp: object) -> None:
    """PySide6 6.12.0 under Python 3.11 dropped a reference to ``True`` on every emit; after a
    few hundred progress signals the interpreter aborted ("deallocating True or False")."""
    emitter, receiver = _Emitter(), _Receiver()
    emitter.value.connect(receiver.take)
    before = sys.getrefcount(True)
    for i in range(200):
        emitter.value.emit(i)
    assert sys.getrefcount(True) - before > -50
