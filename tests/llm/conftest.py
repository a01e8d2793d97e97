from collections.abc import Iterator

import pytest

from genglossary_gui.llm import clients
from tests.runs.conftest import gated, make_manager

__all__ = ["fast_retries", "gated", "make_manager"]


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In-process runs retry after milliseconds, not seconds (the policy is the same)."""
    monkeypatch.setattr(clients, "FIRST_RETRY_DELAY_S", 0.01)
    monkeypatch.setattr(clients, "MAX_RETRY_DELAY_S", 0.05)
    yield
