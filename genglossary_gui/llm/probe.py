"""What a server says when asked: the connection test and the model list of the Settings page,
each within a short deadline, cancellable (cancelling the task that awaits one closes its
connection).

The connection test's result is a :class:`ConnectionReport`: facts, not sentences, so the
window words them in its own language. Further findings about the server (what it supports)
go in ``ConnectionReport.notes``, one plain line each.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from genglossary_gui.llm.clients import LLMError, LLMSettings, TimedOut, make_client

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
    #: Further findings, one plain line each (what the server supports, pitfalls).
    notes: tuple[str, ...] = ()

    @property
    def model_found(self) -> bool:
        """The chosen model is on the server (True when none is chosen)."""
        return not self.model or self.model in self.models


async def list_models(settings: LLMSettings, timeout_s: float = PROBE_TIMEOUT_S) -> list[str]:
    """The server's models, within ``timeout_s``: NoAnswer after it, LLMError when the
    server cannot be asked. The client is closed however it ends (cancelled too)."""
    # The client's own timeouts (the settings' are for answers, a minute and more) end
    # after this deadline, so nothing but it says how long the probe waited.
    longer = timeout_s + 1
    settings = replace(
        settings, connect_timeout_s=longer, read_timeout_s=longer, request_deadline_s=longer
    )
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
    """Ask the server for its models within ``timeout_s`` and report what came back."""
    try:
        models = await list_models(settings, timeout_s)
    except NoAnswer:
        return ConnectionReport(
            settings.base_url, settings.model, False, timed_out=True, timeout_s=timeout_s
        )
    except LLMError as exc:
        return ConnectionReport(
            settings.base_url, settings.model, False, problem=str(exc), timeout_s=timeout_s
        )
    return ConnectionReport(
        settings.base_url, settings.model, True, tuple(models), timeout_s=timeout_s
    )
