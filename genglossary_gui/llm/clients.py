"""Async clients for Ollama (/api/chat) and OpenAI-compatible servers (/v1/chat/completions,
Azure OpenAI included), streaming, on httpx.AsyncClient.

Timeouts: a connect timeout; a read timeout between pieces *of the answer* (keep-alive
messages and empty pieces do not count, so a server that only holds the connection open still
times out); and a deadline for the whole request, however steadily the server streams. A reply
longer than ``max_reply_chars`` is cut off. Cancelling the task that awaits a request closes
its connection, which is how a server learns to stop generating. Errors are mapped to messages
a user understands, and the API key is removed from replies and errors (servers echo it).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import httpx
import tenacity

from genglossary_gui.redaction import redact
from genglossary_gui.retrying import Backoff
from genglossary_gui.vocabulary import EngineName

ENGINES = (EngineName.OLLAMA, EngineName.OPENAI)
T = TypeVar("T")

if TYPE_CHECKING:
    from genglossary_gui.llm.structured import M

#: A reply longer than this is cut off: a model repeating itself, or a server that is not an
#: LLM. 1 MiB of text is a hundred times a long glossary reply, and parses in milliseconds.
MAX_REPLY_CHARS = 1 << 20
#: Reading an error's body stops here (only its start is kept, for the run log).
MAX_ERROR_BODY_BYTES = 64 << 10
#: Reading a model list stops here.
MAX_LIST_BYTES = 16 << 20
#: The shortest deadline for a whole request (the default is five read timeouts).
MIN_REQUEST_DEADLINE_S = 120.0


@dataclass(frozen=True)
class LLMSettings:
    engine: str  # "ollama" or "openai"
    base_url: str
    model: str
    #: Never stored with the project: it comes from the keyring or the environment.
    api_key: str = ""
    #: Set for Azure OpenAI: the deployment is ``model``, the key goes in ``api-key``.
    azure_api_version: str = ""
    connect_timeout_s: float = 5.0
    #: Longest wait for the next piece of the answer (keep-alive messages do not count).
    read_timeout_s: float = 60.0
    temperature: float = 0.2
    concurrency: int = 4
    #: Longest one request may take in all; None: max(120 s, 5 × read_timeout_s).
    request_deadline_s: float | None = None
    #: A longer reply is cut off (ReplyTooLong), unread.
    max_reply_chars: int = MAX_REPLY_CHARS

    @property
    def deadline_s(self) -> float:
        """The whole-request deadline in effect."""
        if self.request_deadline_s is not None:
            return self.request_deadline_s
        return max(MIN_REQUEST_DEADLINE_S, 5 * self.read_timeout_s)

    def __repr__(self) -> str:  # never print the key
        return (
            f"LLMSettings(engine={self.engine!r}, base_url={self.base_url!r}, "
            f"model={self.model!r}, api_key={'***' if self.api_key else ''!r})"
        )


class LLMError(RuntimeError):
    """A failure explained in plain words; ``retryable`` says whether trying again may help."""

    retryable = False

    def __init__(self, message: str, *, raw: str = "", retry_after: float | None = None) -> None:
        super().__init__(message)
        self.raw = raw
        self.retry_after = retry_after


class ServerUnreachable(LLMError):
    pass


class AuthenticationFailed(LLMError):
    pass


class ModelMissing(LLMError):
    pass


class RateLimited(LLMError):
    retryable = True


class ServerFailed(LLMError):
    retryable = True


class TimedOut(LLMError):
    retryable = True


class ReplyTooLong(LLMError):
    """Not retried: the same question would get the same runaway answer."""


class ChatClient(Protocol):
    async def chat(self, messages: list[dict[str, str]], schema: dict[str, Any] | None) -> str: ...

    async def list_models(self) -> list[str]: ...

    async def aclose(self) -> None: ...


def _http_client(settings: LLMSettings) -> httpx.AsyncClient:
    timeout = httpx.Timeout(settings.read_timeout_s, connect=settings.connect_timeout_s)
    # Generous limits: cancelled requests can hold pool slots for a while (httpcore #1093).
    limits = httpx.Limits(
        max_connections=max(8, settings.concurrency * 4),
        max_keepalive_connections=settings.concurrency,
    )
    return httpx.AsyncClient(timeout=timeout, limits=limits)


def _translate(exc: Exception, settings: LLMSettings) -> LLMError:
    where = settings.base_url
    if isinstance(exc, httpx.ConnectError):
        return ServerUnreachable(
            f"Cannot connect to {where}: is the server running, and is the address right?"
        )
    if isinstance(exc, httpx.ReadTimeout):
        return TimedOut(_silence(settings, answered=False, kept_alive=False))
    if isinstance(exc, httpx.TimeoutException):
        return TimedOut(f"{where} did not answer in time.")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return ServerFailed(f"{where} closed the connection in the middle of an answer.")
    return LLMError(f"Talking to {where} failed: {exc}")


def _silence(settings: LLMSettings, *, answered: bool, kept_alive: bool) -> str:
    """Why a request timed out waiting for the next piece of its answer."""
    wait = f"{settings.read_timeout_s:g} s"
    text = (
        f"{settings.base_url} stopped answering: nothing new within {wait}"
        if answered
        else f"{settings.base_url} sent no answer within {wait}"
    )
    return text + (" (only keep-alive messages)." if kept_alive else ".")


def _size(chars: int) -> str:
    """A length in words: 1048576 -> "1 MB", 2000 -> "2,000 characters"."""
    if chars >= 1 << 20:
        return f"{chars / (1 << 20):.3g} MB"
    return f"{chars:,} characters"


def _too_long(settings: LLMSettings) -> ReplyTooLong:
    return ReplyTooLong(
        f"The model's reply was longer than {_size(settings.max_reply_chars)}; stopped reading it."
    )


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """At most ``limit`` bytes of the body: reading stops there (the rest is never fetched
    once the response is closed)."""
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= limit:
            break
    return bytes(data[:limit])


async def _lines(
    chunks: AsyncIterator[str], limit: int, too_long: Callable[[], LLMError]
) -> AsyncIterator[str]:
    """The lines of a streamed body (split on "\\n", a trailing "\\r" dropped). A line longer
    than ``limit`` characters stops the reading before it is all in memory: a server sending
    one endless line would otherwise have it buffered whole."""
    pending: list[str] = []
    size = 0
    async for chunk in chunks:
        *complete, rest = chunk.split("\n")
        for part in complete:
            pending.append(part)
            yield "".join(pending).removesuffix("\r")
            pending, size = [], 0
        if rest:
            pending.append(rest)
            size += len(rest)
            if size > limit:
                raise too_long()
    if pending:
        yield "".join(pending).removesuffix("\r")


#: Once the answer is complete, what is left of the body (the stream's end) is read, so that
#: the connection carries the next request instead of a new one being opened (a TLS
#: handshake with a remote server); a server that still sends after this many characters or
#: seconds loses the connection instead.
_REST_CHARS = 65536
_REST_S = 1.0


async def _rest_of(lines: AsyncIterator[str]) -> None:
    size = 0
    with contextlib.suppress(TimeoutError, httpx.HTTPError, LLMError):
        async with asyncio.timeout(_REST_S):
            async for line in lines:
                size += len(line)
                if size > _REST_CHARS:
                    return


async def _raise_for_status(response: httpx.Response, settings: LLMSettings) -> None:
    if response.status_code < 400:
        return
    body = (await _read_capped(response, MAX_ERROR_BODY_BYTES)).decode("utf-8", "replace")
    body = body[:2000]
    status = response.status_code
    if status in (401, 403):
        raise AuthenticationFailed(
            "The server refused the API key (wrong or missing key).", raw=body
        )
    if status == 404:
        raise ModelMissing(
            f"The model {settings.model!r} is not on the server (or the "
            "address is not an LLM server).",
            raw=body,
        )
    if status == 429:
        raise RateLimited(
            "The server is busy (too many requests).", raw=body, retry_after=_retry_after(response)
        )
    if status >= 500:
        raise ServerFailed(f"The server failed (HTTP {status}).", raw=body)
    raise LLMError(f"The server rejected the request (HTTP {status}).", raw=body)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


#: A piece of a streamed answer: its text, and whether it shows the model is working (text,
#: or a reasoning model's thinking) rather than a keep-alive message or an empty delta.
Piece = tuple[str, bool]


class _StreamingClient:
    """The HTTP plumbing both protocols share: a streamed POST whose lines a subclass turns
    into pieces of text, a model list, limits on time and size, errors translated to plain
    words, and the API key kept out of everything returned or raised."""

    protocol = ""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self._headers: dict[str, str] = {}
        self._http = _http_client(settings)

    def _pieces(self, lines: AsyncIterator[str]) -> AsyncIterator[Piece]:
        raise NotImplementedError

    @property
    def _secrets(self) -> list[str]:
        # The header values first: "Bearer <key>" goes as a whole.
        return [*self._headers.values(), self.settings.api_key]

    def _scrub(self, exc: LLMError) -> None:
        """Hide the key in an error's message and raw text (a server may echo it back)."""
        exc.args = tuple(redact(a, self._secrets) if isinstance(a, str) else a for a in exc.args)
        exc.raw = redact(exc.raw, self._secrets)

    async def _stream(self, url: str, body: dict[str, Any]) -> str:
        """The streamed answer's text, key removed, within the request's deadline."""
        try:
            return redact(await self._within_deadline(url, body), self._secrets)
        except LLMError as exc:
            self._scrub(exc)
            raise

    async def _within_deadline(self, url: str, body: dict[str, Any]) -> str:
        deadline = asyncio.timeout(self.settings.deadline_s)
        try:
            async with deadline:
                return await self._read_answer(url, body)
        except TimeoutError:
            if not deadline.expired():
                raise
            raise TimedOut(
                f"{self.settings.base_url} did not finish its answer within "
                f"{self.settings.deadline_s:g} s (the longest one request may take)."
            ) from None

    async def _read_answer(self, url: str, body: dict[str, Any]) -> str:
        """Read the answer, waiting at most ``read_timeout_s`` for each piece of text (httpx's
        own read timeout is per network read: keep-alive messages would reset it)."""
        settings = self.settings
        loop = asyncio.get_running_loop()
        parts: list[str] = []
        size = 0
        kept_alive = False
        idle = asyncio.timeout(settings.read_timeout_s)
        try:
            async with (
                idle,
                self._http.stream("POST", url, json=body, headers=self._headers) as resp,
            ):
                await _raise_for_status(resp, settings)
                line_limit = 2 * settings.max_reply_chars + 65536  # room for JSON escapes
                lines = _lines(resp.aiter_text(), line_limit, lambda: _too_long(settings))
                async for text, working in self._pieces(lines):
                    if not working:
                        kept_alive = True
                        continue
                    idle.reschedule(loop.time() + settings.read_timeout_s)
                    kept_alive = False
                    parts.append(text)
                    size += len(text)
                    if size > settings.max_reply_chars:
                        raise _too_long(settings)  # leaving closes the connection
                await _rest_of(lines)
        except TimeoutError:
            if not idle.expired():
                raise
            raise TimedOut(
                _silence(settings, answered=bool(parts), kept_alive=kept_alive)
            ) from None
        except httpx.HTTPError as exc:
            raise _translate(exc, settings) from exc
        except json.JSONDecodeError as exc:
            raise ServerFailed(
                f"The server sent something that is not the {self.protocol} format.",
                raw="".join(parts),
            ) from exc
        return "".join(parts)

    async def _get_json(self, url: str) -> Any:
        deadline = asyncio.timeout(self.settings.deadline_s)
        try:
            async with deadline:
                return await self._read_json(url)
        except TimeoutError:
            if not deadline.expired():
                raise
            raise TimedOut(f"{self.settings.base_url} did not answer in time.") from None
        except LLMError as exc:
            self._scrub(exc)
            raise

    async def _read_json(self, url: str) -> Any:
        try:
            async with self._http.stream("GET", url, headers=self._headers) as resp:
                await _raise_for_status(resp, self.settings)
                data = await _read_capped(resp, MAX_LIST_BYTES)
                if len(data) >= MAX_LIST_BYTES:
                    raise LLMError(
                        f"The server's answer was longer than {_size(MAX_LIST_BYTES)}; "
                        "stopped reading it."
                    )
            return json.loads(data)
        except httpx.HTTPError as exc:
            raise _translate(exc, self.settings) from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ServerFailed(
                f"The server sent something that is not the {self.protocol} format."
            ) from exc

    async def aclose(self) -> None:
        await self._http.aclose()


def _server_error(chunk: dict[str, Any], raw: str) -> None:
    if "error" in chunk:
        raise ServerFailed(f"The server failed: {chunk['error']}", raw=raw)


class OllamaClient(_StreamingClient):
    """Ollama's native API: streaming NDJSON, ``format`` with a JSON schema."""

    protocol = "Ollama"

    def __init__(self, settings: LLMSettings) -> None:
        super().__init__(settings)
        self._base = settings.base_url.rstrip("/")

    async def _pieces(self, lines: AsyncIterator[str]) -> AsyncIterator[Piece]:
        async for line in lines:
            if not line.strip():
                yield "", False
                continue
            chunk = json.loads(line)
            _server_error(chunk, line)
            message = chunk.get("message") or {}
            content = message.get("content") or ""
            yield content, bool(content or message.get("thinking"))
            if chunk.get("done"):
                break

    async def chat(self, messages: list[dict[str, str]], schema: dict[str, Any] | None) -> str:
        body: dict[str, Any] = {
            "model": self.settings.model,
            "messages": messages,
            "stream": True,
            "options": {"temperature": self.settings.temperature},
        }
        if schema is not None:
            body["format"] = schema
        return await self._stream(f"{self._base}/api/chat", body)

    async def list_models(self) -> list[str]:
        data = await self._get_json(f"{self._base}/api/tags")
        return sorted(m["name"] for m in data.get("models", []))


class OpenAIClient(_StreamingClient):
    """OpenAI-compatible chat completions (OpenAI, Azure, LM Studio, llama.cpp, vLLM):
    streaming SSE; ``response_format`` json_schema, falling back to json_object, then to
    plain text, when the server refuses it (remembered for the client's life)."""

    protocol = "OpenAI"
    _MODES = ("json_schema", "json_object", "text")

    def __init__(self, settings: LLMSettings) -> None:
        super().__init__(settings)
        base = settings.base_url.rstrip("/")
        if settings.azure_api_version:
            self._chat_url = (
                f"{base}/openai/deployments/{settings.model}/chat/completions"
                f"?api-version={settings.azure_api_version}"
            )
            self._models_url = f"{base}/openai/models?api-version={settings.azure_api_version}"
            if settings.api_key:
                self._headers["api-key"] = settings.api_key
        else:
            root = base if base.endswith("/v1") else f"{base}/v1"
            self._chat_url = f"{root}/chat/completions"
            self._models_url = f"{root}/models"
            if settings.api_key:
                self._headers["Authorization"] = f"Bearer {settings.api_key}"
        self._mode = 0

    def _response_format(self, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        mode = self._MODES[self._mode]
        if schema is None or mode == "text":
            return None
        if mode == "json_object":
            return {"type": "json_object"}
        return {
            "type": "json_schema",
            "json_schema": {"name": "reply", "schema": schema, "strict": False},
        }

    async def _pieces(self, lines: AsyncIterator[str]) -> AsyncIterator[Piece]:
        async for line in lines:
            if not line.startswith("data:"):
                yield "", False  # a comment (": keepalive"), a blank line, an event name
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            chunk = json.loads(data)
            _server_error(chunk, data)
            for choice in chunk.get("choices", []):
                delta = choice.get("delta") or {}
                content = delta.get("content") or ""
                thinking = delta.get("reasoning_content") or delta.get("reasoning")
                yield content, bool(content or thinking)

    async def chat(self, messages: list[dict[str, str]], schema: dict[str, Any] | None) -> str:
        while True:
            body: dict[str, Any] = {
                "model": self.settings.model,
                "messages": messages,
                "stream": True,
                "temperature": self.settings.temperature,
            }
            mode = self._mode
            response_format = self._response_format(schema)
            if response_format is not None:
                body["response_format"] = response_format
            try:
                return await self._stream(self._chat_url, body)
            except LLMError as exc:
                refused = "response_format" in exc.raw or "json_schema" in exc.raw
                if response_format is not None and refused:
                    # The server does not support it: ask more plainly. Several requests in
                    # flight may be refused the same mode; only the first moves it on (the
                    # others retry with the mode it moved to, never past it).
                    if self._mode == mode and mode < len(self._MODES) - 1:
                        self._mode += 1
                    if self._mode != mode:
                        continue
                raise

    async def list_models(self) -> list[str]:
        data = await self._get_json(self._models_url)
        return sorted(m["id"] for m in data.get("data", []))


def make_client(settings: LLMSettings) -> OllamaClient | OpenAIClient:
    if settings.engine == EngineName.OLLAMA:
        return OllamaClient(settings)
    if settings.engine == EngineName.OPENAI:
        return OpenAIClient(settings)
    raise ValueError(f"Unknown engine {settings.engine!r}; choose one of {', '.join(ENGINES)}.")


#: Retry policy for transient failures (429, 5xx, timeouts, dropped connections).
RETRY_ATTEMPTS = 4
FIRST_RETRY_DELAY_S = 0.5
MAX_RETRY_DELAY_S = 8.0


#: Told of each retry before it waits: (the attempt that failed, the attempts allowed, the
#: wait in seconds, the error).
RetryListener = Callable[[int, int, float, BaseException], None]
#: The calling task's retry listener (a context variable: the model engine sets it for each
#: request's task, and ``ask_structured`` need not pass it down).
RETRY_LISTENER: contextvars.ContextVar[RetryListener | None] = contextvars.ContextVar(
    "genglossary_retry_listener", default=None
)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int | None = None,
    first_delay_s: float | None = None,
    max_delay_s: float | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_retry: RetryListener | None = None,
) -> T:
    """Retry what may pass on a second try: 429 (honouring Retry-After), 5xx, timeouts,
    dropped connections. Anything else (server not running, bad key, missing model) fails at
    once, so a misconfigured run fails within seconds. ``on_retry`` (else the task's
    ``RETRY_LISTENER``) hears of each retry before its wait."""
    longest = MAX_RETRY_DELAY_S if max_delay_s is None else max_delay_s
    allowed = attempts or RETRY_ATTEMPTS
    listener = on_retry or RETRY_LISTENER.get()

    def before_sleep(state: tenacity.RetryCallState) -> None:
        if listener is None or state.outcome is None or state.next_action is None:
            return
        error = state.outcome.exception()
        if error is not None:
            listener(state.attempt_number, allowed, state.next_action.sleep, error)

    retrying = tenacity.AsyncRetrying(
        stop=tenacity.stop_after_attempt(allowed),
        wait=Backoff(
            FIRST_RETRY_DELAY_S if first_delay_s is None else first_delay_s,
            longest,
            jitter=0.1,
            hint=lambda exc: exc.retry_after if isinstance(exc, LLMError) else None,
            hint_max_s=longest * 4,
        ),
        retry=tenacity.retry_if_exception(lambda exc: isinstance(exc, LLMError) and exc.retryable),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )

    async def once() -> T:  # a coroutine function: tenacity would not await a lambda's result
        return await call()

    return await retrying(once)


async def ask_structured(
    client: ChatClient,
    messages: list[dict[str, str]],
    model: type[M],
    *,
    on_raw: Callable[[str], None] | None = None,
    hold: Callable[[], AbstractAsyncContextManager[object]] | None = None,
) -> M:
    """Ask for a reply shaped like ``model`` (its JSON schema goes to the server); re-ask
    once with the validation error.

    Replies are parsed on a worker thread, so the loop stays free for the other requests in
    flight meanwhile (parsing is linear in the reply's length, which is capped, so it is
    short either way). ``hold`` (a slot of the requests in flight) is held while the server
    is asked, its retries included, and not while a reply is parsed: the next request need
    not wait for that.
    """
    # pydantic and json-repair load with the first structured question, not with the
    # clients (the Settings page only lists models and tests the connection).
    from genglossary_gui.llm.structured import StructuredOutputError, parse, schema_of

    held = hold or contextlib.nullcontext

    async def asked(chat: list[dict[str, str]]) -> str:
        async with held():
            return await with_retries(lambda: client.chat(chat, schema))

    schema = schema_of(model)
    reply = await asked(messages)
    try:
        return await asyncio.to_thread(parse, reply, model)
    except StructuredOutputError as first:
        if on_raw is not None:
            on_raw(reply)
        retry = [
            *messages,
            {"role": "assistant", "content": reply},
            {
                "role": "user",
                "content": f"That reply was not valid: {str(first).rstrip('.')}. Reply with the "
                "JSON value only, exactly as the schema says.",
            },
        ]
        second = await asked(retry)
        try:
            return await asyncio.to_thread(parse, second, model)
        except StructuredOutputError:
            if on_raw is not None:
                on_raw(second)
            raise
