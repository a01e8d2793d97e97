"""The one retry policy: exponential back-off, capped, on tenacity.

The model clients (a 429, a 5xx, a dropped connection) and the final status write of a run
(a locked or full database) both retry through :class:`Backoff`: the first wait, doubling up
to the longest, optionally stretched by a little random jitter (so that many requests refused
together do not all come back together) and replaced by the server's own hint (Retry-After).
What is retried, and when to stop, stays with each caller.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import tenacity
from tenacity.wait import wait_base


class Backoff(wait_base):
    """Wait ``first_s`` after the first failure, then twice as long each time, at most
    ``max_s``. ``hint(exception)`` may name the wait instead (capped at ``hint_max_s``)."""

    def __init__(
        self,
        first_s: float,
        max_s: float,
        *,
        jitter: float = 0.0,
        hint: Callable[[BaseException], float | None] | None = None,
        hint_max_s: float | None = None,
    ) -> None:
        self.first_s, self.max_s, self.jitter = first_s, max_s, jitter
        self.hint, self.hint_max_s = hint, hint_max_s

    def delay(self, failures: int) -> float:
        """The wait after the ``failures``-th failure in a row, before jitter."""
        return min(self.first_s * 2 ** (failures - 1), self.max_s)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        wait = self.delay(retry_state.attempt_number)
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if self.hint is not None and error is not None:
            named = self.hint(error)
            if named is not None:
                wait = min(named, self.hint_max_s) if self.hint_max_s is not None else named
        return wait * (1 + self.jitter * random.random())
