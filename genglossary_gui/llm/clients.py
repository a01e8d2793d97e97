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
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
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
#: The context budget of a server nobody said otherwise of: what today's small local models
#: are run with (llama-cpp-python's own default is 2,048: see the user guide).
DEFAULT_CONTEXT_TOKENS = 4096
#: The smallest context budget taken: a question and a short reply.
MIN_CONTEXT_TOKENS = 512


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
    #: The tokens a question and its reply may take together on this server (its context,
    #: or less): prompts are checked against it and ``max_tokens`` fits in it.
    context_tokens: int = DEFAULT_CONTEXT_TOKENS

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


class Interrupted(LLMError):
    """The server ended a streamed reply before the model had finished it (no finish reason,
    no done marker): a server that serves one request at a time and stops the running one
    when another comes (llama-cpp-python's default). ``ask_structured`` asks again, in a new
    slot of the requests in flight; ``with_retries`` does not (it would keep the slot)."""


#: Why a reply stopped at a length limit, in plain words.
LENGTH_LIMIT = (
    "the model stopped at its length limit: the server's context may be too small for this prompt"
)


class ContextExceeded(LLMError):
    """The question and its reply do not fit in the server's context: the same question is
    not asked again, a smaller one may be (a step that batches items halves the batch)."""


class LengthLimited(ContextExceeded):
    """The server said the reply stopped at its length limit (``finish_reason: length``)."""


class EmptyReply(ContextExceeded):
    """An answer without a single event (HTTP 200, empty body): what llama-cpp-python sends
    for a prompt longer than its context."""


class OverBudget(ContextExceeded):
    """The question would not leave room for its reply in the context budget: not sent."""


class ChatClient(Protocol):
    async def chat(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any] | None,
        max_tokens: int | None = None,
    ) -> str: ...

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


@dataclass
class _End:
    """How a streamed answer ended, as its lines said: how many events it had, the finish
    reason its last chunk gave, whether the protocol's done marker came."""

    events: int = 0
    reason: str | None = None
    done: bool = False


#: After this many replies interrupted while other requests of the client were in flight,
#: the server is taken to serve one request at a time and stop the running one for the next.
INTERRUPTIONS_TO_LOWER = 2
#: The run log's line when that happens.
LOWERED_NOTICE = "the server interrupts parallel requests; using 1 in flight"


@dataclass
class Learned:
    """What a server and model showed of themselves, kept for the process (a run's session,
    the window's): the structured-output mode it takes, the name of its reply-length field,
    how many requests it serves at once. Learned once, changed only by the request that found
    it wrong (``advance``): several requests refused at once move it one step."""

    mode: int = 0
    tokens_field: str = "max_tokens"
    parallel: int | None = None
    interruptions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def advance(self, seen: int, last: int) -> bool:
        """Move the mode past ``seen`` if it still is ``seen``; whether this call moved it."""
        with self.lock:
            if self.mode == seen and seen < last:
                self.mode = seen + 1
                return True
            return False

    def interrupted(self) -> bool:
        """Count a reply interrupted while others were in flight; True once: when the count
        reaches INTERRUPTIONS_TO_LOWER (the caller then lowers its requests in flight)."""
        with self.lock:
            self.interruptions += 1
            if self.parallel is None and self.interruptions >= INTERRUPTIONS_TO_LOWER:
                self.parallel = 1
                return True
            return False


_learned: dict[tuple[str, str, str], Learned] = {}
_learned_lock = threading.Lock()


def learned(settings: LLMSettings) -> Learned:
    """What this process has learned about ``settings``' server and model."""
    key = (settings.engine, settings.base_url.strip().rstrip("/"), settings.model)
    with _learned_lock:
        return _learned.setdefault(key, Learned())


def forget_learned(base_url: str | None = None) -> None:
    """Forget what was learned about the server at ``base_url`` (every server: None): a new
    server started at an address that another one had."""
    with _learned_lock:
        for key in [k for k in _learned if base_url is None or k[1] == base_url.rstrip("/")]:
            del _learned[key]


class _StreamingClient:
    """The HTTP plumbing both protocols share: a streamed POST whose lines a subclass turns
    into pieces of text, a model list, limits on time and size, errors translated to plain
    words, and the API key kept out of everything returned or raised."""

    protocol = ""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self.learned = learned(settings)
        #: Called with the number of requests the server takes at once, once it is found
        #: to take fewer than were sent (on the loop of the request that found it).
        self.on_parallel: Callable[[int], None] | None = None
        self._headers: dict[str, str] = {}
        self._http = _http_client(settings)
        self._in_flight = 0
        self._notices: list[str] = []

    def _pieces(self, lines: AsyncIterator[str], end: _End) -> AsyncIterator[Piece]:
        raise NotImplementedError

    def _finished(self, end: _End) -> bool:
        """Whether the stream ended as a finished answer (else it was cut off)."""
        raise NotImplementedError

    def take_notices(self) -> list[str]:
        """What the client found out about the server since last asked, for the run log."""
        notices, self._notices = self._notices, []
        return notices

    def _notice(self, text: str) -> None:
        self._notices.append(text)

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
        self._in_flight += 1
        try:
            return redact(await self._within_deadline(url, body), self._secrets)
        except Interrupted:
            if self._in_flight > 1 and self.learned.interrupted():
                self._notice(LOWERED_NOTICE)
                if self.on_parallel is not None:
                    self.on_parallel(1)
            raise
        except LLMError as exc:
            self._scrub(exc)
            raise
        finally:
            self._in_flight -= 1

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
        end = _End()
        idle = asyncio.timeout(settings.read_timeout_s)
        try:
            async with (
                idle,
                self._http.stream("POST", url, json=body, headers=self._headers) as resp,
            ):
                await _raise_for_status(resp, settings)
                line_limit = 2 * settings.max_reply_chars + 65536  # room for JSON escapes
                lines = _lines(resp.aiter_text(), line_limit, lambda: _too_long(settings))
                async for text, working in self._pieces(lines, end):
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
                self._check_end(end)
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

    def _check_end(self, end: _End) -> None:
        """Raise unless the stream ended as a finished answer."""
        where = self.settings.base_url
        if end.events == 0:
            raise EmptyReply(
                f"{where} sent an empty reply (no answer at all): the prompt may be longer "
                "than the server's context."
            )
        if end.reason == "length":
            raise LengthLimited(LENGTH_LIMIT[0].upper() + LENGTH_LIMIT[1:] + ".")
        if not self._finished(end):
            raise Interrupted(
                f"{where} ended the reply before the model had finished it (an interrupted answer)."
            )

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
    """Ollama's native API: streaming NDJSON, ``format`` with a JSON schema, the context
    (``num_ctx``) set to the budget, so that Ollama never cuts a prompt silently."""

    protocol = "Ollama"

    def __init__(self, settings: LLMSettings) -> None:
        super().__init__(settings)
        self._base = settings.base_url.rstrip("/")

    async def _pieces(self, lines: AsyncIterator[str], end: _End) -> AsyncIterator[Piece]:
        async for line in lines:
            if not line.strip():
                yield "", False
                continue
            chunk = json.loads(line)
            end.events += 1
            _server_error(chunk, line)
            message = chunk.get("message") or {}
            content = message.get("content") or ""
            yield content, bool(content or message.get("thinking"))
            if chunk.get("done"):
                end.done, end.reason = True, chunk.get("done_reason")
                break

    def _finished(self, end: _End) -> bool:
        return end.done

    async def chat(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any] | None,
        max_tokens: int | None = None,
    ) -> str:
        options: dict[str, Any] = {
            "temperature": self.settings.temperature,
            "num_ctx": _budget(self.settings),
        }
        if max_tokens:
            options["num_predict"] = max_tokens
        body: dict[str, Any] = {
            "model": self.settings.model,
            "messages": messages,
            "stream": True,
            "options": options,
        }
        if schema is not None:
            body["format"] = schema
        return await self._stream(f"{self._base}/api/chat", body)

    async def list_models(self) -> list[str]:
        data = await self._get_json(f"{self._base}/api/tags")
        return sorted(m["name"] for m in data.get("models", []))


def _budget(settings: LLMSettings) -> int:
    return max(MIN_CONTEXT_TOKENS, int(settings.context_tokens or DEFAULT_CONTEXT_TOKENS))


#: The structured-output modes of OpenAI-compatible servers, tried in this order, and what
#: each is called where the user reads it. Every mode keeps the schema: the server's grammar
#: gets it (``json_schema``: OpenAI, Azure, vLLM, LM Studio, llama.cpp's llama-server,
#: Ollama's /v1; ``json_object`` with ``schema``: llama-cpp-python), or else the prompt does.
MODES = ("json_schema", "json_object_schema", "json_object", "text")
DIALECTS = {
    "json_schema": "response_format json_schema",
    "json_object_schema": "response_format json_object with the schema",
    "json_object": "response_format json_object, the schema in the prompt",
    "text": "no structured output, the schema in the prompt",
    "format": "Ollama's format with the schema",
}


def _refused(raw: str) -> bool:
    """An error body saying the server does not take the response format sent."""
    text = raw.lower()
    return any(word in text for word in ("response_format", "json_schema", "json_object"))


def _with_schema(messages: list[dict[str, str]], schema: dict[str, Any]) -> list[dict[str, str]]:
    """``messages`` with the schema stated in the system message (where the server's grammar
    does not get it)."""
    rule = "The reply must be one JSON value that matches this JSON schema: " + json.dumps(
        schema, ensure_ascii=False, separators=(",", ":")
    )
    if messages and messages[0].get("role") == "system":
        first = dict(messages[0])
        first["content"] = f"{first.get('content', '')}\n{rule}"
        return [first, *messages[1:]]
    return [{"role": "system", "content": rule}, *messages]


class OpenAIClient(_StreamingClient):
    """OpenAI-compatible chat completions (OpenAI, Azure, LM Studio, llama.cpp, vLLM):
    streaming SSE; ``response_format`` json_schema, falling back (when the server refuses it)
    to json_object with the schema, to json_object and to plain text with the schema in the
    prompt; the mode learned is kept for the process, per server and model (``Learned``)."""

    protocol = "OpenAI"
    _MODES = MODES

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

    @property
    def dialect(self) -> str:
        """The structured-output mode in use for this server and model."""
        return self._MODES[self.learned.mode]

    @staticmethod
    def _response_format(schema: dict[str, Any] | None, mode: str) -> dict[str, Any] | None:
        if schema is None or mode == "text":
            return None
        if mode == "json_object":
            return {"type": "json_object"}
        if mode == "json_object_schema":
            return {"type": "json_object", "schema": schema}
        return {
            "type": "json_schema",
            "json_schema": {"name": "reply", "schema": schema, "strict": False},
        }

    async def _pieces(self, lines: AsyncIterator[str], end: _End) -> AsyncIterator[Piece]:
        async for line in lines:
            if not line.startswith("data:"):
                yield "", False  # a comment (": keepalive"), a blank line, an event name
                continue
            data = line[5:].strip()
            end.events += 1
            if data == "[DONE]":
                end.done = True
                break
            chunk = json.loads(data)
            _server_error(chunk, data)
            for choice in chunk.get("choices", []):
                delta = choice.get("delta") or {}
                content = delta.get("content") or ""
                thinking = delta.get("reasoning_content") or delta.get("reasoning")
                if choice.get("finish_reason"):
                    end.reason = choice["finish_reason"]
                yield content, bool(content or thinking)

    def _finished(self, end: _End) -> bool:
        # [DONE] alone is not enough: llama-cpp-python sends it to end an interrupted reply.
        return end.reason is not None

    async def chat(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any] | None,
        max_tokens: int | None = None,
    ) -> str:
        learned = self.learned
        while True:
            seen, tokens_field = learned.mode, learned.tokens_field
            mode = self._MODES[seen]
            body: dict[str, Any] = {
                "model": self.settings.model,
                "messages": messages
                if schema is None or mode in ("json_schema", "json_object_schema")
                else _with_schema(messages, schema),
                "stream": True,
                "temperature": self.settings.temperature,
            }
            response_format = self._response_format(schema, mode)
            if response_format is not None:
                body["response_format"] = response_format
            if max_tokens:
                body[tokens_field] = max_tokens
            try:
                return await self._stream(self._chat_url, body)
            except LLMError as exc:
                if max_tokens and "max_completion_tokens" in exc.raw:
                    # OpenAI's reasoning models name the field anew.
                    if learned.tokens_field == "max_tokens":
                        learned.tokens_field = "max_completion_tokens"
                    if tokens_field != learned.tokens_field:
                        continue
                if response_format is not None and _refused(exc.raw):
                    # The server does not take it: ask another way. Several requests in
                    # flight may be refused the same mode; only the first moves it on (the
                    # others retry with the mode it moved to, never past it).
                    if learned.advance(seen, len(self._MODES) - 1):
                        self._notice(
                            f"{self.settings.base_url} does not take {DIALECTS[mode]}; "
                            f"asking with {DIALECTS[self._MODES[seen + 1]]} (for "
                            f"{self.settings.model}, while this program runs)"
                        )
                    if learned.mode != seen:
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


# -- what a server supports (Settings' "Test connection") ------------------------------------


@dataclass(frozen=True)
class Pitfall:
    """A known way the server will go wrong with these settings. ``kind`` names it (one of
    ``PITFALLS``), the numbers say what to change; ``text`` words it in English (the window
    words it in its own language)."""

    kind: str
    budget: int = 0
    context: int = 0

    @property
    def text(self) -> str:
        return PITFALLS[self.kind].format(budget=self.budget, context=self.context)


#: Each pitfall's English wording.
PITFALLS = {
    "interrupts": (
        "llama-cpp-python: start it with --interrupt_requests False or use 1 request in "
        "flight (it stops a reply when the next request comes)."
    ),
    "default_context": (
        "llama-cpp-python: start it with --n_ctx {budget} (its context is 2,048 tokens unless "
        "told, less than the budget of {budget:,} set here)."
    ),
    "small_context": (
        "The server's context is {context:,} tokens, less than the budget of {budget:,} set "
        "here: lower the budget to {context:,} or give the server a larger context."
    ),
    "unchecked": (
        "The server does not check replies against the schema: expect more replies to be "
        "asked again, and some terms to keep their built-in definition."
    ),
}


@dataclass(frozen=True)
class ServerReport:
    """What "Test connection" found: the models, the structured-output dialect the server
    takes (a key of ``DIALECTS``; "" when it was not found), the context length where the
    server tells it, what kind of server it looks like, and known pitfalls."""

    models: list[str]
    dialect: str = ""
    context_tokens: int | None = None
    server: str = ""
    pitfalls: list[Pitfall] = field(default_factory=list)
    #: Why the model could not be asked the dialect question ("" when it was, or was not
    #: asked: no model named, or not on the server's list).
    question_problem: str = ""
    #: The time ran out before the dialect question (or the server's facts) came back.
    late: bool = False

    @property
    def dialect_text(self) -> str:
        return DIALECTS.get(self.dialect, "")

    @property
    def warnings(self) -> list[str]:
        """The pitfalls, one English line each."""
        return [pitfall.text for pitfall in self.pitfalls]


#: A short question every model can answer within PROBE_TOKENS: only the server's answer
#: to the response format matters, not the model's.
_PROBE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}},
    "required": ["ok"],
}
_PROBE_MESSAGES = [{"role": "user", "content": 'Reply with the JSON {"ok": true}.'}]
PROBE_TOKENS = 8
#: How long each of the probe's optional questions (context length, server kind) may take.
PROBE_EXTRA_S = 3.0


async def probe_server(settings: LLMSettings, timeout_s: float | None = None) -> ServerReport:
    """What the server at ``settings`` supports: its models (LLMError as the model list
    would raise it; TimeoutError when they do not come within ``timeout_s``), and, for the
    model named when the server lists it, the structured-output dialect it takes (tried with
    a reply of at most PROBE_TOKENS tokens, and then kept for this process like any
    request's), the context length where the server tells it, and known pitfalls (e.g.
    llama-cpp-python interrupting parallel requests). What does not come back within
    ``timeout_s`` in all is left out (``late``); a failed dialect question is said in
    ``question_problem``. Cancelling the task closes the connection."""
    loop = asyncio.get_running_loop()
    deadline = None if timeout_s is None else loop.time() + timeout_s
    client = make_client(settings)
    kind, context, dialect, problem, late = "", None, "", "", False
    try:
        async with asyncio.timeout_at(deadline):
            models = await client.list_models()
        try:
            async with asyncio.timeout_at(deadline):
                kind, context = await _server_facts(client)
                if settings.model and settings.model in models:
                    try:
                        dialect = await _dialect(client)
                    except LLMError as exc:
                        problem = str(exc)
        except TimeoutError:
            late = True
    finally:
        await client.aclose()
    return ServerReport(
        models=models,
        dialect=dialect,
        context_tokens=context,
        server=kind,
        pitfalls=_pitfalls(settings, kind, context, dialect),
        question_problem=problem,
        late=late,
    )


async def _dialect(client: OllamaClient | OpenAIClient) -> str:
    if isinstance(client, OllamaClient):
        return "format"
    with contextlib.suppress(ContextExceeded, Interrupted):  # the format was taken
        await client.chat(_PROBE_MESSAGES, _PROBE_SCHEMA, PROBE_TOKENS)
    return client.dialect


async def _optional_json(client: _StreamingClient, url: str) -> Any:
    """``url``'s JSON, or None on any failure within PROBE_EXTRA_S (a server without it)."""
    with contextlib.suppress(LLMError, TimeoutError, KeyError, ValueError, TypeError):
        async with asyncio.timeout(PROBE_EXTRA_S):
            return await client._read_json(url)
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


async def _server_facts(client: OllamaClient | OpenAIClient) -> tuple[str, int | None]:
    """What kind of server it is, and its context length where it tells it."""
    settings = client.settings
    base = settings.base_url.rstrip("/")
    if isinstance(client, OllamaClient):
        shown = await _ollama_show(client, base)
        return "Ollama", shown
    root = base.removesuffix("/v1")
    listing = await _optional_json(client, client._models_url) or {}
    entries = [m for m in listing.get("data", []) if isinstance(m, dict)]
    mine = next((m for m in entries if m.get("id") == settings.model), None)
    entry = mine or (entries[0] if entries else {})
    if _int(entry.get("max_model_len")):  # vLLM
        return "vLLM", _int(entry.get("max_model_len"))
    if entry.get("owned_by") == "me" and entry.get("permissions") == []:
        return "llama-cpp-python", None  # it does not tell its context (2,048 by default)
    if entry.get("owned_by") == "llamacpp" or isinstance(entry.get("meta"), dict):
        props = await _optional_json(client, f"{root}/props") or {}
        general = props.get("default_generation_settings") or {}
        return "llama.cpp llama-server", _int(general.get("n_ctx"))
    lms = await _optional_json(client, f"{root}/api/v0/models/{settings.model}")
    if isinstance(lms, dict) and ("loaded_context_length" in lms or "max_context_length" in lms):
        context = _int(lms.get("loaded_context_length")) or _int(lms.get("max_context_length"))
        return "LM Studio", context
    if settings.azure_api_version:
        return "Azure OpenAI", None
    if "api.openai.com" in base:
        return "OpenAI", None
    return "", None


async def _ollama_show(client: OllamaClient, base: str) -> int | None:
    """The model's own context length, from Ollama's /api/show (a POST)."""
    with contextlib.suppress(httpx.HTTPError, TimeoutError, ValueError, AttributeError):
        async with asyncio.timeout(PROBE_EXTRA_S):
            response = await client._http.post(
                f"{base}/api/show", json={"model": client.settings.model}
            )
            if response.status_code == 200:
                info = response.json().get("model_info") or {}
                return next(
                    (_int(v) for k, v in info.items() if k.endswith(".context_length")), None
                )
    return None


def _pitfalls(settings: LLMSettings, kind: str, context: int | None, dialect: str) -> list[Pitfall]:
    budget = _budget(settings)
    out = []
    if kind == "llama-cpp-python":
        if settings.concurrency > 1:
            out.append(Pitfall("interrupts"))
        if budget > 2048:
            out.append(Pitfall("default_context", budget))
    if context is not None and context < budget:
        out.append(Pitfall("small_context", budget, context))
    if dialect in ("json_object", "text"):
        out.append(Pitfall("unchecked"))
    return out


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


#: How many times one question is asked again after an interrupted reply (each time in a
#: new slot of the requests in flight, so that a lowered limit is kept to).
INTERRUPTED_ATTEMPTS = 6


def fit_reply(
    messages: list[dict[str, str]], schema: dict[str, Any] | None, context_tokens: int
) -> int:
    """``max_tokens`` for this question: the reply's expected size (from the schema) within
    what the context budget leaves after the prompt; OverBudget if that is too little."""
    from genglossary_gui.llm.structured import MIN_REPLY_TOKENS, prompt_tokens, reply_tokens

    used = prompt_tokens(messages)
    if schema is not None:  # stated in the prompt where the server's grammar does not take it
        used += prompt_tokens([{"content": json.dumps(schema, separators=(",", ":"))}])
    room = context_tokens - used
    if room < MIN_REPLY_TOKENS:
        raise OverBudget(
            f"This question takes about {used:,} tokens, which leaves no room for the reply "
            f"in the context budget of {context_tokens:,} tokens set for this server. If the "
            "server's context is larger, raise the budget in Settings; otherwise start the "
            "server with a larger context."
        )
    return min(reply_tokens(schema), room)


async def _asked(
    client: ChatClient,
    chat: list[dict[str, str]],
    schema: dict[str, Any],
    held: Callable[[], AbstractAsyncContextManager[object]],
    on_notice: Callable[[str], None] | None,
) -> str:
    """The server's reply to ``chat``: in a slot (``held``), with retries; an interrupted
    reply asked again in a new slot; what the client found out passed to ``on_notice``."""
    settings = getattr(client, "settings", None)
    budget = _budget(settings) if isinstance(settings, LLMSettings) else DEFAULT_CONTEXT_TOKENS
    limit = fit_reply(chat, schema, budget)
    take = getattr(client, "take_notices", None)
    for attempt in range(1, INTERRUPTED_ATTEMPTS + 1):
        try:
            async with held():
                return await with_retries(lambda: client.chat(chat, schema, limit))
        except Interrupted:
            if attempt == INTERRUPTED_ATTEMPTS:
                raise
        finally:
            for notice in take() if take is not None else []:
                if on_notice is not None:
                    on_notice(notice)
        await asyncio.sleep(FIRST_RETRY_DELAY_S * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


async def ask_structured(
    client: ChatClient,
    messages: list[dict[str, str]],
    model: type[M],
    *,
    on_raw: Callable[[str], None] | None = None,
    hold: Callable[[], AbstractAsyncContextManager[object]] | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> M:
    """Ask for a reply shaped like ``model`` (its JSON schema goes to the server, and the
    reply's length is bounded by what the schema needs and the context budget leaves); re-ask
    once with the validation error.

    Replies are parsed on a worker thread, so the loop stays free for the other requests in
    flight meanwhile (parsing is linear in the reply's length, which is capped, so it is
    short either way). ``hold`` (a slot of the requests in flight) is held while the server
    is asked, its retries included, and not while a reply is parsed: the next request need
    not wait for that. An interrupted reply is asked again in a new slot. ``on_notice`` gets
    what the client found out about the server (a structured-output mode it does not take,
    that it interrupts parallel requests), for the run log.
    """
    # pydantic and json-repair load with the first structured question, not with the
    # clients (the Settings page only lists models and tests the connection).
    from genglossary_gui.llm.structured import StructuredOutputError, parse, schema_of

    held = hold or contextlib.nullcontext

    async def asked(chat: list[dict[str, str]]) -> str:
        return await _asked(client, chat, schema, held, on_notice)

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
        try:
            second = await asked(retry)
        except OverBudget:
            raise first from None  # the reply, not the question, is too long to send back
        try:
            return await asyncio.to_thread(parse, second, model)
        except StructuredOutputError:
            if on_raw is not None:
                on_raw(second)
            raise
