"""`genglossary run --wait` prints a run's lines as the step writes them: a real command in
its own process, its step process under it, a model server that never answers."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from genglossary_gui.engines import model as model_engine
from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.entry import own_command
from genglossary_gui.store import repositories as repo
from tests.corpus import write_corpus
from tests.fake_llm import FakeLLMServer
from tests.glossary_runs import run_to_completion


class _Lines:
    """A stream's lines with the time each was read."""

    def __init__(self, stream) -> None:
        self.lines: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append((time.time(), line.rstrip("\n")))

    def join(self) -> None:
        self._thread.join(10)

    def first(self, start: str, timeout: float) -> tuple[float, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next(((t, s) for t, s in list(self.lines) if start in s), None)
            if found is not None:
                return found
            time.sleep(0.02)
        raise AssertionError(f"no line with {start!r} in {[s for _, s in self.lines]}")


@pytest.mark.skipif(os.name != "posix", reason="Ctrl+C is sent as SIGINT")
def test_run_wait_prints_the_lines_as_they_come(data_dir: Path, tmp_path: Path) -> None:
    server = FakeLLMServer().start()
    server.fault_for["Task: judge"] = "silent"
    docs = tmp_path / "docs"
    write_corpus(docs, files=2, chars_per_file=4_000, seed=8)
    project = repo.create_project("p", [str(docs)])
    run_to_completion(project, "import")
    save_config(project, EngineConfig("ollama", server.url, "fake-small", concurrency=2))
    env = dict(os.environ, **{model_engine.WAIT_REPORT_ENV: "1"})
    child = subprocess.Popen(
        own_command("--data-dir", str(data_dir), "run", "p", "--scope", "extract", "--wait"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stderr is not None
        err = _Lines(child.stderr)
        # The server never answers: these lines can only be the step's, as it wrote them.
        asked, _ = err.first("Asking fake-small to judge", 60)
        waiting, text = err.first("Waiting for the model server", 10)
        assert waiting - asked <= 2.0, f"the waiting line came {waiting - asked:.2f} s late"
        assert "2 requests open" in text
        _, line = err.first("2 open", 5)
        assert line.startswith("extract") and "batches" in line
        assert child.poll() is None  # still waiting on the server
        child.send_signal(signal.SIGINT)  # Ctrl+C: cancel the run
        assert child.wait(30) == 130
        err.join()
        assert any("cancelled" in s for _, s in err.lines)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
        server.stop()
