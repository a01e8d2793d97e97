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

#: Faults, queued per request: "500", "429", "malformed", "fenced", "drop", "401",
#: "no-json-schema" (a 400 naming response_format, as servers without it answer).
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
        self.models = ["fake-small", "fake-large"]
        #: Delay before answering a model list (a slow server for the connection test).
        self.list_latency_s = 0.0
        #: Requests whose prompt contains one of these strings fail with HTTP 500, always.
        self.poisoned: set[str] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self.port = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeLLMServer:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        started.result(10)
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
                keep_open = await self._route(method, target, body, fault, reader, writer)
                if not keep_open:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    async def _send(
        self, writer: asyncio.StreamWriter, status: int, payload: Any, extra: str = ""
    ) -> None:
        data = json.dumps(payload).encode()
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n{extra}\r\n".encode()
            + data
        )
        await writer.drain()

    async def _route(
        self,
        method: str,
        target: str,
        body: dict[str, Any],
        fault: str,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        path = target.split("?", maxsplit=1)[0]
        if method == "GET" and self.list_latency_s:
            await asyncio.sleep(self.list_latency_s)
        if method == "GET" and path == "/api/tags":
            await self._send(writer, 200, {"models": [{"name": m} for m in self.models]})
            return True
        if method == "GET" and path.endswith("/models"):
            await self._send(writer, 200, {"data": [{"id": m} for m in self.models]})
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
        if fault == "500":
            await self._send(writer, 500, {"error": "internal"})
            return True
        if fault == "429":
            await self._send(writer, 429, {"error": "slow down"}, "Retry-After: 0.05\r\n")
            return True
        if fault == "401":
            await self._send(writer, 401, {"error": "invalid api key"})
            return True
        if fault == "no-json-schema" or (
            "no-json-schema-sticky" in self.faults and "response_format" in body
        ):
            await self._send(
                writer, 400, {"error": {"message": "response_format json_schema is not supported"}}
            )
            return True
        content = self.reply(body)
        if fault == "malformed":
            content = '{"term": "WAL", "definition": '
        elif fault == "fenced":
            content = f"Here you go:\n```json\n{content}\n```\nAnything else?"
        return await self._stream(writer, reader, content, ollama, drop=fault == "drop")

    async def _stream(
        self,
        writer: asyncio.StreamWriter,
        reader: asyncio.StreamReader,
        content: str,
        ollama: bool,
        drop: bool,
    ) -> bool:
        kind = "application/x-ndjson" if ollama else "text/event-stream"
        writer.write(
            f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
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
            if ollama:
                line = (
                    json.dumps({"message": {"role": "assistant", "content": piece}, "done": False})
                    + "\n"
                )
            else:
                line = "data: " + json.dumps({"choices": [{"delta": {"content": piece}}]}) + "\n\n"
            self._chunk(writer, line)
            await writer.drain()
        final = (
            json.dumps({"message": {"content": ""}, "done": True}) + "\n"
            if ollama
            else "data: [DONE]\n\n"
        )
        self._chunk(writer, final)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        if gone is not None:
            gone.cancel()
            await asyncio.wait({gone})  # let it finish before the next request reads
        return True

    @staticmethod
    def _chunk(writer: asyncio.StreamWriter, text: str) -> None:
        data = text.encode()
        writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")


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
