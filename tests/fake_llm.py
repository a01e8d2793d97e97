"""A fake LLM server for tests: real HTTP on 127.0.0.1, speaking Ollama's /api/chat (NDJSON)
and the OpenAI chat completions API (SSE), streaming, with adjustable latency and injectable
faults. Test code only."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

#: Faults, queued per request (``faults``) or for every request whose prompt contains a string
#: (``fault_for``):
#: - "500", "429", "401", "malformed", "fenced", "drop";
#: - "no-json-schema": a 400 naming response_format, as servers without it answer;
#: - "huge": ``huge_chars`` of "{" streamed in 64 KiB pieces; "huge-line": the same in one
#:   line; "braces": ``braces_chars`` of "{", just under the client's limit (read and parsed,
#:   not JSON); "huge-500": an HTTP 500 whose body is ``huge_chars`` long;
#: - "echo-key-500", "echo-key-400": a plain-text error body quoting the request's
#:   Authorization or api-key header; "echo-key-reply": a 200 non-JSON reply quoting it;
#:   "echo-key-stream-error": an error inside the stream quoting it;
#: - "keepalive": only keep-alive messages, every ``tick_s``, until the client hangs up (SSE
#:   ": keepalive" comments; Ollama lines with empty content and done false); "empty-deltas":
#:   OpenAI chunks with empty content; "trickle": one character of content every ``tick_s``,
#:   never finishing; "silent": the request is read and never answered (not even headers),
#:   until the client hangs up (counted in ``disconnects``) or ``endless_s`` passes.
#: - "json-schema-500": llama-cpp-python's answer to ``response_format`` json_schema, an
#:   HTTP 500 naming the types it takes ("text" or "json_object"; ``json_object`` with a
#:   ``schema`` it honours); "json-schema-500" in ``sticky``: for every request;
#: - "interrupted": part of the reply, then the done marker with no finish reason (OpenAI:
#:   "data: [DONE]"; Ollama: the stream just ends), as llama-cpp-python ends a reply it
#:   interrupts for the next request; "empty-200": HTTP 200 with an empty body, as it answers
#:   a prompt longer than its context; "length": part of the reply with ``finish_reason:
#:   length`` (Ollama: ``done_reason: "length"``); "max-completion-tokens": a 400 for a body
#:   with ``max_tokens``, as OpenAI's reasoning models answer.
Reply = Callable[[dict[str, Any]], str]


def default_reply(body: dict[str, Any]) -> str:
    return json.dumps({"term": "WAL", "definition": "A log of changes."})


class FakeLLMServer:
    def __init__(self, latency_s: float = 0.0, reply: Reply = default_reply) -> None:
        self.latency_s = latency_s
        self.reply = reply
        self.faults: deque[str] = deque()
        self.requests: list[tuple[str, str, dict[str, Any], dict[str, str]]] = []
        self.disconnects = 0
        #: Connections accepted and not yet closed.
        self.open_connections = 0
        #: Read every request and never answer it: wait until the client hangs up (counted in
        #: ``disconnects``), as a server that accepts and then hangs.
        self.silent = False
        self.models = ["fake-small", "fake-large"]
        #: Delay before answering a model list (a slow server for the connection test).
        self.list_latency_s = 0.0
        #: Requests whose prompt contains one of these strings fail with HTTP 500, always.
        self.poisoned: set[str] = set()
        #: Requests whose prompt contains the key get the fault named by its value, always.
        self.fault_for: dict[str, str] = {}
        #: Size of a "huge" reply, and the pace and longest life of the endless streams.
        self.huge_chars = 20 << 20
        self.braces_chars = 1_000_000
        self.tick_s = 0.05
        self.endless_s = 60.0
        #: Faults for every request while set: "json-schema-500" (a server without json_schema).
        self.sticky: set[str] = set()
        #: "interrupting": as llama-cpp-python by default, a streamed reply still being sent
        #: when another request arrives ends at once with the done marker (no finish reason).
        self.interrupting = False
        self._streaming = 0
        self._arrived = 0
        #: The most replies streamed at once, as requests arrived (reset it to measure).
        self.most_streaming = 0
        #: A chat whose messages are longer than this many characters gets ``overflow``
        #: ("empty-200" or "length"), as a server whose context is too small for it.
        self.context_chars: int | None = None
        self.overflow = "empty-200"
        #: The model list's ``owned_by`` ("me": as llama-cpp-python's), and more fields of
        #: each model there (vLLM's ``max_model_len``).
        self.owned_by = "fake"
        self.model_fields: dict[str, Any] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self.port = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeLLMServer:
        # The client remembers per server what it learned (the structured-output mode, how
        # many requests it serves at once): a new server at an old address starts anew.
        from genglossary_gui.llm.clients import forget_learned

        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        started.result(10)
        forget_learned(self.url)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    # -- HTTP ------------------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            self.open_connections += 1
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    return
                method, target, _ = request_line.decode().split(" ", 2)
                headers: dict[str, str] = {}
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                body = json.loads(await reader.readexactly(length)) if length else {}
                with self._lock:
                    self.requests.append((method, target, body, headers))
                    fault = self.faults.popleft() if self.faults else ""
                    self._arrived += 1
                keep_open = await self._route(method, target, body, headers, fault, reader, writer)
                if not keep_open:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()
            with self._lock:
                self.open_connections -= 1

    async def _send(
        self, writer: asyncio.StreamWriter, status: int, payload: Any, extra: str = ""
    ) -> None:
        await self._send_text(writer, status, json.dumps(payload), "application/json", extra)

    @staticmethod
    async def _send_text(
        writer: asyncio.StreamWriter, status: int, text: str, kind: str, extra: str = ""
    ) -> None:
        data = text.encode()
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\n"
            f"Content-Length: {len(data)}\r\n{extra}\r\n".encode()
            + data
        )
        await writer.drain()

    async def _route(  # noqa: C901 -- every endpoint and fault the fake server speaks
        self,
        method: str,
        target: str,
        body: dict[str, Any],
        headers: dict[str, str],
        fault: str,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        path = target.split("?", maxsplit=1)[0]
        if self.silent:  # every request, the model list's too
            return await self._silent(reader)
        if method == "GET" and self.list_latency_s:
            await asyncio.sleep(self.list_latency_s)
        if method == "GET" and path == "/api/tags":
            await self._send(writer, 200, {"models": [{"name": m} for m in self.models]})
            return True
        if method == "GET" and path.endswith("/models"):
            listing = [
                {"id": m, "owned_by": self.owned_by, "permissions": [], **self.model_fields}
                for m in self.models
            ]
            await self._send(writer, 200, {"data": listing})
            return True
        ollama = path == "/api/chat"
        if not (ollama or path.endswith("/chat/completions")):
            await self._send(writer, 404, {"error": "not found"})
            return True
        if body.get("model") not in self.models and "deployments" not in path:
            await self._send(writer, 404, {"error": f"model {body.get('model')} not found"})
            return True
        prompt = json.dumps(body.get("messages", []), ensure_ascii=False)
        if any(p in prompt for p in self.poisoned):
            fault = "500"
        fault = next((f for p, f in self.fault_for.items() if p in prompt), fault)
        if self.context_chars is not None and len(prompt) > self.context_chars:
            fault = self.overflow
        secret = _credential(headers)
        if fault in ("echo-key-500", "echo-key-400"):
            status = int(fault.rsplit("-", 1)[1])
            await self._send_text(writer, status, f"Invalid key {secret}", "text/plain")
            return True
        if fault == "huge-500":
            return await self._huge_error(writer)
        if fault == "500":
            await self._send(writer, 500, {"error": "internal"})
            return True
        if fault == "429":
            await self._send(writer, 429, {"error": "slow down"}, "Retry-After: 0.05\r\n")
            return True
        if fault == "401":
            await self._send(writer, 401, {"error": "invalid api key"})
            return True
        if fault == "json-schema-500-sticky" or "json-schema-500" in self.sticky:
            fault = "json-schema-500"
        if fault == "json-schema-500" and body.get("response_format", {}).get("type") not in (
            "text",
            "json_object",
            None,
        ):
            await self._send(writer, 500, _PYDANTIC_500)
            return True
        if fault == "max-completion-tokens" and "max_tokens" in body:
            message = "Unsupported parameter: 'max_tokens'. Use 'max_completion_tokens' instead."
            await self._send(writer, 400, {"error": {"message": message}})
            return True
        if fault == "empty-200":
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            )
            await writer.drain()
            return True
        if fault == "no-json-schema" or (
            "no-json-schema-sticky" in self.faults and "response_format" in body
        ):
            await self._send(
                writer, 400, {"error": {"message": "response_format json_schema is not supported"}}
            )
            return True
        if fault in ("huge", "huge-line"):
            return await self._huge(writer, ollama, self.huge_chars, one_line=fault == "huge-line")
        if fault == "braces":
            return await self._huge(writer, ollama, self.braces_chars, one_line=False)
        if fault == "silent":
            return await self._silent(reader)
        if fault in ("keepalive", "empty-deltas", "trickle"):
            return await self._endless(writer, reader, ollama, fault)
        if fault == "echo-key-stream-error":
            self._start_stream(writer, ollama)
            error = f"Invalid key {secret}"
            line = json.dumps({"error": error if ollama else {"message": error}})
            self._chunk(writer, line + "\n" if ollama else f"data: {line}\n\n")
            writer.write(b"0\r\n\r\n")
            await writer.drain()
            return True
        content = self.reply(body)
        if fault == "echo-key-reply":
            content = f"Sorry, I cannot use {secret} for this."
        elif fault == "malformed":
            content = '{"term": "WAL", "definition": '
        elif fault == "fenced":
            content = f"Here you go:\n```json\n{content}\n```\nAnything else?"
        return await self._stream(writer, reader, content, ollama, fault)

    async def _stream(
        self,
        writer: asyncio.StreamWriter,
        reader: asyncio.StreamReader,
        content: str,
        ollama: bool,
        fault: str,
    ) -> bool:
        self._start_stream(writer, ollama)
        drop = fault == "drop"
        with self._lock:
            arrived = self._arrived
            self._streaming += 1
            self.most_streaming = max(self.most_streaming, self._streaming)
        try:
            return await self._pieces(writer, reader, content, ollama, fault, drop, arrived)
        finally:
            with self._lock:
                self._streaming -= 1

    async def _pieces(
        self,
        writer: asyncio.StreamWriter,
        reader: asyncio.StreamReader,
        content: str,
        ollama: bool,
        fault: str,
        drop: bool,
        arrived: int,
    ) -> bool:
        pieces = [
            content[i : i + max(1, len(content) // 3)]
            for i in range(0, len(content), max(1, len(content) // 3))
        ]
        # With latency, watch for the client hanging up (read() returns b"" then).
        gone = asyncio.ensure_future(reader.read(1)) if self.latency_s else None
        for i, piece in enumerate(pieces):
            if gone is not None:
                done, _ = await asyncio.wait({gone}, timeout=self.latency_s / len(pieces))
                if done:
                    with self._lock:
                        self.disconnects += 1
                    return False
            if drop and i == 1:
                writer.transport.abort()  # the connection dies mid-answer
                return False
            cut = fault in ("interrupted", "length") or (
                self.interrupting and self._arrived > arrived
            )
            if cut and i == 1:  # a part of the reply, then the end
                if fault == "length":
                    self._chunk(writer, _final_line(ollama, "length"))
                elif not ollama:
                    self._chunk(writer, "data: [DONE]\n\n")
                writer.write(b"0\r\n\r\n")
                await writer.drain()
                if gone is not None:
                    gone.cancel()
                    await asyncio.wait({gone})
                return True
            self._chunk(writer, _content_line(piece, ollama))
            await writer.drain()
        self._chunk(writer, _final_line(ollama))
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        if gone is not None:
            gone.cancel()
            await asyncio.wait({gone})  # let it finish before the next request reads
        return True

    @staticmethod
    def _start_stream(writer: asyncio.StreamWriter, ollama: bool) -> None:
        kind = "application/x-ndjson" if ollama else "text/event-stream"
        writer.write(
            f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )

    async def _huge(
        self, writer: asyncio.StreamWriter, ollama: bool, size: int, one_line: bool
    ) -> bool:
        """``size`` characters of "{" as the reply, as fast as the client reads; a client that
        stops reading and hangs up is counted in ``disconnects``."""
        self._start_stream(writer, ollama)
        step = size if one_line else 65536
        try:
            for start in range(0, size, step):
                self._chunk(writer, _content_line("{" * min(step, size - start), ollama))
                await writer.drain()
            self._chunk(writer, _final_line(ollama))
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        except ConnectionError:
            with self._lock:
                self.disconnects += 1
            return False
        return True

    async def _huge_error(self, writer: asyncio.StreamWriter) -> bool:
        """An error page ``huge_chars`` long, for a client that should stop reading it."""
        piece = b"E" * 65536
        count = max(1, self.huge_chars // len(piece))
        writer.write(
            "HTTP/1.1 500 X\r\nContent-Type: text/plain\r\n"
            f"Content-Length: {count * len(piece)}\r\n\r\n".encode()
        )
        try:
            for _ in range(count):
                writer.write(piece)
                await writer.drain()
        except ConnectionError:
            with self._lock:
                self.disconnects += 1
            return False
        return True

    async def _silent(self, reader: asyncio.StreamReader) -> bool:
        """Answer nothing until the client hangs up (counted) or ``endless_s`` passes."""

        async def hung_up() -> None:
            while await reader.read(4096):  # b"": the client hung up
                pass

        try:
            await asyncio.wait_for(hung_up(), self.endless_s)
        except (TimeoutError, ConnectionError):
            return False
        with self._lock:
            self.disconnects += 1
        return False

    async def _endless(
        self,
        writer: asyncio.StreamWriter,
        reader: asyncio.StreamReader,
        ollama: bool,
        fault: str,
    ) -> bool:
        """A stream that never finishes: a line every ``tick_s`` (keep-alive messages, empty
        deltas or one character of content) until the client hangs up (counted in
        ``disconnects``) or ``endless_s`` passes."""
        if fault == "trickle":
            line = _content_line("x", ollama)
        elif ollama:
            line = _content_line("", ollama)
        elif fault == "keepalive":
            line = ": keepalive\n\n"
        else:
            line = "data: " + json.dumps({"choices": [{"delta": {"content": ""}}]}) + "\n\n"
        self._start_stream(writer, ollama)
        await writer.drain()
        gone = asyncio.ensure_future(reader.read(1))
        loop = asyncio.get_running_loop()
        until = loop.time() + self.endless_s
        try:
            while loop.time() < until:
                done, _ = await asyncio.wait({gone}, timeout=self.tick_s)
                if done:
                    with self._lock:
                        self.disconnects += 1
                    return False
                self._chunk(writer, line)
                await writer.drain()
        except ConnectionError:
            with self._lock:
                self.disconnects += 1
        finally:
            gone.cancel()
        return False

    @staticmethod
    def _chunk(writer: asyncio.StreamWriter, text: str) -> None:
        data = text.encode()
        writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")


def _credential(headers: dict[str, str]) -> str:
    """What the client sent to authenticate (its Authorization or api-key header)."""
    return headers.get("authorization") or headers.get("api-key") or "(none)"


def _content_line(piece: str, ollama: bool) -> str:
    """One streamed piece of content in the protocol's own format."""
    if ollama:
        message = {"role": "assistant", "content": piece}
        return json.dumps({"message": message, "done": False}) + "\n"
    return "data: " + json.dumps({"choices": [{"delta": {"content": piece}}]}) + "\n\n"


def _final_line(ollama: bool, reason: str = "stop") -> str:
    """The end of a finished reply: Ollama's done line; OpenAI's last chunk, which gives the
    finish reason, and the done marker."""
    if ollama:
        return json.dumps({"message": {"content": ""}, "done": True, "done_reason": reason}) + "\n"
    last = {"choices": [{"delta": {}, "finish_reason": reason}]}
    return f"data: {json.dumps(last)}\n\ndata: [DONE]\n\n"


#: llama-cpp-python 0.3.36's answer to ``response_format: {"type": "json_schema", ...}``.
_PYDANTIC_500 = {
    "error": {
        "message": "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', "
        "'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", "
        "'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}}",
        "type": "internal_server_error",
        "param": None,
        "code": None,
    }
}


def _first_task(body: dict[str, Any]) -> str:
    users = [m["content"] for m in body.get("messages", []) if m["role"] == "user"]
    return users[0] if users else ""


def glossary_reply(body: dict[str, Any]) -> str:
    """A "model" for the glossary prompts: keeps candidates, defines terms, reviews nothing."""
    prompt = _first_task(body)
    if prompt.startswith("Task: judge"):
        terms = [line[2:].split(":", 1)[0] for line in prompt.splitlines() if line.startswith("- ")]
        return json.dumps(
            {"terms": [{"term": t, "keep": t != "system", "category": "concept"} for t in terms]}
        )
    if prompt.startswith("Task: define"):
        term = next(line[6:] for line in prompt.splitlines() if line.startswith("Term: "))
        return json.dumps(
            {"definition": f"{term}: explained by the model.", "source": 0, "confidence": 0.8},
            ensure_ascii=False,
        )
    if prompt.startswith("Task: review"):
        return json.dumps({"issues": []})
    return json.dumps({"error": "unknown task"})
