"""What a server says when asked: the connection test and the model list of the Settings page,
each within a short deadline, cancellable (cancelling the task that awaits one closes its
connection).

The connection test's result is a :class:`ConnectionReport`: facts, not sentences, so the
window words them in its own language. What the server supports (its kind, structured-output
dialect, context length, known pitfalls) is ``ConnectionReport.server``, from
``clients.probe_server``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from genglossary_gui.llm.clients import (
    LLMError,
    LLMSettings,
    ServerReport,
    TimedOut,
    make_client,
    probe_server,
)

#: How long the connection test and the model list wait for the server, in all.
PROBE_TIMEOUT_S = 10.0


class NoAnswer(TimedOut):
    """The server did not answer within the probe's deadline."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        super().__init__(f"No answer from {base_url} within {timeout_s:g} s.")
        self.base_url = base_url
        self.timeout_s = timeout_s


@dataclass(frozen=True)
class ConnectionReport:
    """What the connection test found."""

    base_url: str
    #: The model the settings name ("" when none is chosen yet).
    model: str
    #: The server answered the model list.
    reachable: bool
    #: The models the server lists, sorted.
    models: tuple[str, ...] = ()
    #: Why the server could not be asked (a plain message), when not reachable.
    problem: str = ""
    #: Not reachable because nothing came back within ``timeout_s``.
    timed_out: bool = False
    timeout_s: float = PROBE_TIMEOUT_S
    #: What the server supports (None when it was not reachable).
    server: ServerReport | None = None

    @property
    def model_found(self) -> bool:
        """The chosen model is on the server (True when none is chosen)."""
        return not self.model or self.model in self.models


def _bounded(settings: LLMSettings, timeout_s: float) -> LLMSettings:
    """``settings`` whose own timeouts (for answers: a minute and more) end after the probe's
    deadline, so nothing but the deadline says how long the probe waited."""
    longer = timeout_s + 1
    return replace(
        settings, connect_timeout_s=longer, read_timeout_s=longer, request_deadline_s=longer
    )


async def list_models(settings: LLMSettings, timeout_s: float = PROBE_TIMEOUT_S) -> list[str]:
    """The server's models, within ``timeout_s``: NoAnswer after it, LLMError when the
    server cannot be asked. The client is closed however it ends (cancelled too)."""
    settings = _bounded(settings, timeout_s)
    client = make_client(settings)
    try:
        async with asyncio.timeout(timeout_s):
            return await client.list_models()
    except TimeoutError:
        raise NoAnswer(settings.base_url, timeout_s) from None
    finally:
        await client.aclose()


async def check_connection(
    settings: LLMSettings, timeout_s: float = PROBE_TIMEOUT_S
) -> ConnectionReport:
    """Ask the server what it supports within ``timeout_s`` in all (the model list first:
    without it, the server counts as not answering) and report what came back."""
    try:
        server = await probe_server(_bounded(settings, timeout_s), timeout_s)
    except TimeoutError:
        return ConnectionReport(
            settings.base_url, settings.model, False, timed_out=True, timeout_s=timeout_s
        )
    except LLMError as exc:
        return ConnectionReport(
            settings.base_url, settings.model, False, problem=str(exc), timeout_s=timeout_s
        )
    return ConnectionReport(
        settings.base_url,
        settings.model,
        True,
        tuple(sorted(server.models)),
        timeout_s=timeout_s,
        server=server,
    )
