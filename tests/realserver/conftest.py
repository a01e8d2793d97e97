"""A real OpenAI-compatible server for the tests of this folder: llama-cpp-python's
(``python -m llama_cpp.server``) on 127.0.0.1, serving a tiny random-weight model that
``../shared/llm/make_tiny_gguf.py`` writes. Both live in the ``realserver`` dependency group
(``uv sync --group realserver``); without it, this folder's tests skip in one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import httpx
import pytest

from tests.runs.conftest import make_manager

__all__ = ["make_manager"]

ROOT = Path(__file__).resolve().parents[2]
#: The model writer: GENGLOSSARY_TINY_GGUF, else shared/ beside the checkout, else the
#: team's shared folder (a clone made elsewhere, e.g. in /tmp, has no shared/ beside it).
_WRITERS = [
    ROOT.parent / "shared" / "llm" / "make_tiny_gguf.py",
    Path("/work/shared/llm/make_tiny_gguf.py"),
]
TINY_GGUF = Path(
    os.environ.get("GENGLOSSARY_TINY_GGUF")
    or next((p for p in _WRITERS if p.exists()), _WRITERS[0])
)
#: The group's packages, for the reason a test skips.
MISSING = [name for name in ("llama_cpp", "gguf") if find_spec(name) is None]
#: How long a server may take to start (load the model, bind the port).
START_S = 90.0


def skip_reason() -> str:
    """Why this folder's tests cannot run here ("" when they can). With
    GENGLOSSARY_REALSERVER_REQUIRED set (.ci/run), a reason fails them instead."""
    reason = _missing()
    if reason and os.environ.get("GENGLOSSARY_REALSERVER_REQUIRED"):
        raise RuntimeError(f"The real-server tests cannot run: {reason}")
    return reason


def _missing() -> str:
    if MISSING:
        return (
            f"needs {' and '.join(MISSING)}: the realserver dependency group "
            "(uv sync --group realserver)"
        )
    if not TINY_GGUF.is_file():
        return f"needs {TINY_GGUF} (the tiny model's writer; set GENGLOSSARY_TINY_GGUF)"
    return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """``python -m llama_cpp.server`` on a free port of 127.0.0.1, its output in a file."""

    def __init__(self, model: Path, log: Path, *flags: str) -> None:
        self.model, self.log, self.flags = model, log, flags
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._out = log.open("w")
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), *flags]
        self.process = subprocess.Popen(command, stdout=self._out, stderr=subprocess.STDOUT)
        self._wait_ready()

    @property
    def model_id(self) -> str:
        return str(self.model)  # the server names the model by its path

    def _wait_ready(self) -> None:
        until = time.monotonic() + START_S
        while time.monotonic() < until:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {self.text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/v1/models", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # polling a process we started for a condition, bounded above
        self.stop()
        raise RuntimeError(f"llama_cpp.server did not start within {START_S:g} s")

    def text(self) -> str:
        self._out.flush()
        return self.log.read_text("utf-8", "replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._out.close()


def _tiny_model(path: Path, bias: str) -> Path:
    subprocess.run(
        [sys.executable, str(TINY_GGUF), str(path), "--bias", bias],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Replies that end soon: JSON-closing tokens favoured (``--bias 2.5``)."""
    return _tiny_model(tmp_path_factory.mktemp("models") / "tiny.gguf", "2.5")


@pytest.fixture(scope="session")
def rambling_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Long replies (``--bias 0``): each definition runs to its length limit."""
    return _tiny_model(tmp_path_factory.mktemp("models") / "rambling.gguf", "0")


#: The server's flags: none (it interrupts a reply when the next request comes), or one
#: request at a time to the end.
FLAGS = {"default": (), "serial": ("--interrupt_requests", "False")}


@pytest.fixture(scope="module", params=list(FLAGS))
def llama_server(
    request: pytest.FixtureRequest, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LlamaServer]:
    log = tmp_path_factory.mktemp("server") / f"{request.param}.log"
    server = LlamaServer(tiny_model, log, *FLAGS[request.param])
    yield server
    server.stop()
