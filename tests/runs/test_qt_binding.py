"""Guards against a Qt binding bug that once crashed long runs."""

from __future__ import annotations

import gc
import sys
import weakref

import pytest
from PySide6.QtCore import QObject, Signal, Slot


class _Emitter(QObject):
    value = Signal(int)
    payload = Signal(object)


class _Receiver(QObject):
    @Slot(int)
    def take(self, value: int) -> None:
        self.last = value

    @Slot(object)
    def take_object(self, value: object) -> None:
        self.seen = getattr(self, "seen", 0) + 1


class _Payload:
    """An ordinary (mortal) object: its reference count moves, unlike True's on >= 3.12."""


@pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="True is immortal on Python >= 3.12 (PEP 683): its reference count is a constant, "
    "so a lost reference can neither be seen nor crash the interpreter there",
)
def test_signal_emit_keeps_reference_counts_of_true_intact(qapp: object) -> None:
    """PySide6 6.12.0 under Python 3.11 dropped a reference to ``True`` on every emit; after a
    few hundred progress signals the interpreter aborted ("deallocating True or False")."""
    emitter, receiver = _Emitter(), _Receiver()
    emitter.value.connect(receiver.take)
    before = sys.getrefcount(True)
    for i in range(200):
        emitter.value.emit(i)
    # One lost reference per emit would be -200; other code may take or drop a few.
    assert sys.getrefcount(True) - before > -50


def test_signal_emit_neither_leaks_nor_drops_references_to_its_arguments(qapp: object) -> None:
    """The same guard on every Python: an argument's reference count is the same after 200
    emits (a dropped reference frees it too early, a leaked one keeps it alive forever)."""
    emitter, receiver = _Emitter(), _Receiver()
    emitter.payload.connect(receiver.take_object)
    payload = _Payload()
    gc.collect()
    before = sys.getrefcount(payload)
    for _ in range(200):
        emitter.payload.emit(payload)
    assert receiver.seen == 200
    gc.collect()
    assert sys.getrefcount(payload) == before
    alive = weakref.ref(payload)
    del payload
    gc.collect()
    assert alive() is None, "the emitted object outlived its last reference"
