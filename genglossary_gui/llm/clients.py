"""Async clients for Ollama (/api/chat) and OpenAI-compatible servers (/v1/chat/completions,
Azure OpenAI included), streaming, on httpx.AsyncClient.

Timeouts: a connect timeout, and a read timeout *between streamed chunks* (not for the whole
answer). Cancelling the task that awaits a request closes its connection, which is how a
server learns to stop generating. Errors are mapped to messages a user understands.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx

from genglossary_gui.llm.structured import StructuredOutputError, parse

ENGINES = ("ollama", "openai")
T = TypeVar("T")


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
    #: Longest silence between two streamed chunks.
    read_timeout_s: float = 60.0
    temperature: float = 0.2
    concurrency: int = 4

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
    if isinstance(exc, httpx.TimeoutException):
        return TimedOut(f"{where} did not answer in time.")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return ServerFailed(f"{where} closed the connection in the middle of an answer.")
    return LLMError(f"Talking to {where} failed: {exc}")


async def _raise_for_status(response: httpx.Response, settings: LLMSettings) -> None:
    if response.status_code < 400:
        return
    body = (await response.aread()).decode("utf-8", "replace")[:2000]
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


class _StreamingClient:
    """The HTTP plumbing both protocols share: a streamed POST whose lines a subclass turns
    into text pieces, a model list, and errors translated to plain words."""

    protocol = ""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self._headers: dict[str, str] = {}
        self._http = _http_client(settings)

    def _pieces(self, lines: AsyncIterator[str]) -> AsyncIterator[str]:
        raise NotImplementedError

    async def _stream(self, url: str, body: dict[str, Any]) -> str:
        parts: list[str] = []
        try:
            async with self._http.stream("POST", url, json=body, headers=self._headers) as resp:
                await _raise_for_status(resp, self.settings)
                async for piece in self._pieces(resp.aiter_lines()):
                    parts.append(piece)
        except httpx.HTTPError as exc:
            raise _translate(exc, self.settings) from exc
        except json.JSONDecodeError as exc:
            raise ServerFailed(
                f"The server sent something that is not the {self.protocol} format.",
                raw="".join(parts),
            ) from exc
        return "".join(parts)

    async def _get_json(self, url: str) -> Any:
        try:
            resp = await self._http.get(url, headers=self._headers)
            await _raise_for_status(resp, self.settings)
            return resp.json()
        except httpx.HTTPError as exc:
            raise _translate(exc, self.settings) from exc

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

    async def _pieces(self, lines: AsyncIterator[str]) -> AsyncIterator[str]:
        async for line in lines:
            if not line.strip():
                continue
            chunk = json.loads(line)
            _server_error(chunk, line)
            yield chunk.get("message", {}).get("content", "")
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

    async def _pieces(self, lines: AsyncIterator[str]) -> AsyncIterator[str]:
        async for line in lines:
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            chunk = json.loads(data)
            _server_error(chunk, data)
            for choice in chunk.get("choices", []):
                yield (choice.get("delta") or {}).get("content") or ""

    async def chat(self, messages: list[dict[str, str]], schema: dict[str, Any] | None) -> str:
        while True:
            body: dict[str, Any] = {
                "model": self.settings.model,
                "messages": messages,
                "stream": True,
                "temperature": self.settings.temperature,
            }
            response_format = self._response_format(schema)
            if response_format is not None:
                body["response_format"] = response_format
            try:
                return await self._stream(self._chat_url, body)
            except LLMError as exc:
                refused = "response_format" in exc.raw or "json_schema" in exc.raw
                if response_format is not None and refused and self._mode < len(self._MODES) - 1:
                    self._mode += 1  # the server does not support it: ask more plainly
                    continue
                raise

    async def list_models(self) -> list[str]:
        data = await self._get_json(self._models_url)
        return sorted(m["id"] for m in data.get("data", []))


def make_client(settings: LLMSettings) -> OllamaClient | OpenAIClient:
    if settings.engine == "ollama":
        return OllamaClient(settings)
    if settings.engine == "openai":
        return OpenAIClient(settings)
    raise ValueError(f"Unknown engine {settings.engine!r}; choose one of {', '.join(ENGINES)}.")


#: Retry policy for transient failures (429, 5xx, timeouts, dropped connections).
RETRY_ATTEMPTS = 4
FIRST_RETRY_DELAY_S = 0.5
MAX_RETRY_DELAY_S = 8.0


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int | None = None,
    first_delay_s: float | None = None,
    max_delay_s: float | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Retry what may pass on a second try: 429 (honouring Retry-After), 5xx, timeouts,
    dropped connections. Anything else (server not running, bad key, missing model) fails at
    once, so a misconfigured run fails within seconds."""
    attempts = attempts or RETRY_ATTEMPTS
    delay = FIRST_RETRY_DELAY_S if first_delay_s is None else first_delay_s
    max_delay_s = MAX_RETRY_DELAY_S if max_delay_s is None else max_delay_s
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except LLMError as exc:
            if not exc.retryable or attempt == attempts:
                raise
            wait = exc.retry_after if exc.retry_after is not None else delay
            await sleep(min(wait, max_delay_s * 4) * (1 + 0.1 * random.random()))
            delay = min(delay * 2, max_delay_s)
    raise AssertionError("unreachable")


async def ask_structured(
    client: ChatClient,
    messages: list[dict[str, str]],
    schema: dict[str, Any],
    *,
    on_raw: Callable[[str], None] | None = None,
) -> Any:
    """Ask for JSON conforming to ``schema``; re-ask once with the validation error."""
    reply = await with_retries(lambda: client.chat(messages, schema))
    try:
        return parse(reply, schema)
    except StructuredOutputError as first:
        if on_raw is not None:
            on_raw(reply)
        retry = [
            *messages,
            {"role": "assistant", "content": reply},
            {
                "role": "user",
                "content": f"That reply was not valid: {first}. Reply with the "
                "JSON value only, exactly as the schema says.",
            },
        ]
        second = await with_retries(lambda: client.chat(retry, schema))
        try:
            return parse(second, schema)
        except StructuredOutputError:
            if on_raw is not None:
                on_raw(second)
            raise
