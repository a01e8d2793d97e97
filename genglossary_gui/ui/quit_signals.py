"""SIGTERM and SIGINT (Ctrl+C in the terminal that started the window) quit the window as its
Quit action does: active runs are cancelled and recorded, nothing is left running.

Python runs a signal handler only when the interpreter gets control, which an idle Qt event
loop never gives it. The C-level handler therefore also writes the signal's number to a
socket (``signal.set_wakeup_fd``) that a ``QSocketNotifier`` watches: the event loop wakes at
once, and the quit happens on the GUI thread, like a click.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, Slot

log = logging.getLogger(__name__)

QUIT_SIGNALS = tuple(
    s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGINT", None)) if s
)


class QuitSignals(QObject):
    """While installed, a quit signal calls ``on_quit`` on the GUI thread (once)."""

    def __init__(self, on_quit: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_quit = on_quit
        self.received: list[int] = []
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_wakeup)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {s: signal.signal(s, self._handler) for s in QUIT_SIGNALS}
        self._installed = True

    def _handler(self, signum: int, _frame: FrameType | None) -> None:
        # Python-level handler: may run later than the wakeup (or never, while Qt waits);
        # the socket does the work. Nothing to do here but not raise KeyboardInterrupt.
        pass

    @Slot()
    def _on_wakeup(self) -> None:
        try:
            data = self._reader.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        numbers = [b for b in data if b in QUIT_SIGNALS]
        if not numbers:
            return
        first = not self.received
        self.received.extend(numbers)
        if first:
            log.info("Quitting on signal %s", signal.Signals(numbers[0]).name)
            self._on_quit()

    def uninstall(self) -> None:
        if not self._installed:
            return
        self._installed = False
        self._notifier.setEnabled(False)
        with contextlib.suppress(ValueError, OSError):  # not the main thread, or closed
            signal.set_wakeup_fd(self._previous_fd)
        for number, handler in self._previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(number, handler)
        self._reader.close()
        self._writer.close()
