"""The one retry policy the model clients and the final status write share."""

from __future__ import annotations

import subprocess
import sys

import tenacity

from genglossary_gui.retrying import Backoff


def _waits(backoff: Backoff, error: BaseException, failures: int) -> list[float]:
    waits = []
    for n in range(1, failures + 1):
        state = tenacity.RetryCallState(tenacity.Retrying(), fn=None, args=(), kwargs={})
        state.attempt_number = n
        state.set_exception((type(error), error, None))
        waits.append(backoff(state))
    return waits


def test_waits_double_up_to_the_longest() -> None:
    waits = _waits(Backoff(0.5, 8.0), RuntimeError("busy"), 7)
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_the_servers_hint_replaces_the_wait_within_a_cap() -> None:
    class Refused(Exception):
        def __init__(self, after: float | None) -> None:
            self.after = after

    backoff = Backoff(0.5, 8.0, hint=lambda e: getattr(e, "after", None), hint_max_s=32.0)
    assert _waits(backoff, Refused(3.0), 1) == [3.0]
    assert _waits(backoff, Refused(600.0), 1) == [32.0]
    assert _waits(backoff, Refused(None), 2) == [0.5, 1.0]


def test_jitter_only_lengthens_a_wait_a_little() -> None:
    waits = _waits(Backoff(1.0, 1.0, jitter=0.1), RuntimeError(), 200)
    assert all(1.0 <= w <= 1.1 for w in waits)
    assert len(set(waits)) > 1


def test_typed_replies_survive_qt_loaded_after_them() -> None:
    """PySide6's import hook breaks a lazy pydantic import begun before Qt was loaded; the
    structured-output module loads what it needs at once."""
    script = (
        "import genglossary_gui.llm.structured\n"
        "import PySide6.QtCore\n"
        "from genglossary_gui.engines.model import Review\n"
        "from genglossary_gui.llm.structured import parse, schema_of\n"
        "schema_of(Review)\n"
        "print(parse('{\"issues\": []}', Review))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "issues=[]"
