"""The API key is hidden in everything a step reports: in this process, and across the step
process's pipe (log lines, errors, tracebacks, the last words of a crashed child)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from genglossary_gui.pipeline.context import RedactingReporter, RunContext, redact
from genglossary_gui.pipeline.steps import StepError
from genglossary_gui.runs.process import ChildProcessError, _JsonReporter, run_scope_isolated
from genglossary_gui.store import repositories as repo
from tests.pipeline.test_documents import RecordingReporter

KEY = "sk-test-9f8e7d6c5b4a"


def test_redact_hides_the_key_plain_and_json_escaped() -> None:
    key = 'sk-with"quote'
    text = f"Bearer {key} and {json.dumps({'echo': key})}"
    assert redact(text, [key]) == 'Bearer *** and {"echo": "***"}'
    # An empty or placeholder "key" (a local server's "x") is not hunted through the log.
    assert redact("extra text", ["", "x"]) == "extra text"


def test_redacting_reporter_passes_on_only_redacted_lines() -> None:
    inner = RecordingReporter()
    reporter = RedactingReporter(inner, [KEY])
    reporter.log(f"Invalid key Bearer {KEY}", level="warning", step="generate")
    reporter.progress("generate", 1, 2)
    assert inner.lines == [("warning", "Invalid key Bearer ***")]
    assert inner.progress_calls == [("generate", 1, 2)]


def test_the_step_process_reporter_redacts_every_message() -> None:
    out = io.StringIO()
    reporter = _JsonReporter(out, [KEY])
    reporter.log(f"reply: {KEY}", level="warning", step="generate")
    reporter.send(error=f"ValueError: {KEY}", expected=False, traceback=f"Traceback\n  {KEY}\n")
    reporter.send(done=f"3 terms failed: {KEY}")
    text = out.getvalue()
    assert KEY not in text
    messages = [json.loads(line) for line in text.splitlines()]
    assert messages[0]["log"] == ["warning", "generate", "reply: ***"]
    assert set(messages[0]) == {"log", "t"}  # and the time the step wrote it
    assert messages[1]["error"] == "ValueError: ***"
    assert messages[1]["traceback"] == "Traceback\n  ***\n"
    assert messages[2] == {"done": "3 terms failed: ***"}


def test_a_failing_step_process_names_no_key(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENGLOSSARY_API_KEY", KEY)
    project = repo.create_project("p")
    # An unexpected exception whose message and traceback hold the key (here in a path).
    (tmp_path / KEY).write_text("")
    reporter = RecordingReporter()
    with pytest.raises(StepError) as info:
        run_scope_isolated(
            project,
            "extract",
            RunContext(reporter=reporter),
            database=str(tmp_path / KEY / "x.sqlite3"),
        )
    tracebacks = [m for level, m in reporter.lines if level == "error"]
    assert tracebacks and "Traceback" in tracebacks[0]
    text = "\n".join([str(info.value), *tracebacks])
    assert KEY not in text and "***" in text


def test_a_crashed_step_process_names_no_key(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A child that dies before it can answer, its last words on stderr holding the key.
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(
        "import os, sys\n"
        "print('dying with', os.environ['GENGLOSSARY_API_KEY'], file=sys.stderr)\n"
        "sys.stderr.flush()\n"
        "os._exit(3)\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    monkeypatch.setenv("GENGLOSSARY_API_KEY", KEY)
    project = repo.create_project("p")
    with pytest.raises(ChildProcessError, match=r"exit code 3\): dying with \*\*\*") as info:
        run_scope_isolated(project, "extract", RunContext())
    assert KEY not in str(info.value)


def test_the_keys_a_step_process_hides_are_every_key_variable_long_enough_to_be_one() -> None:
    from genglossary_gui.redaction import MIN_SECRET_CHARS
    from genglossary_gui.runs.process import _secrets

    long_key = "sk-proj-" + "x" * 150  # today's keys are long
    shortest = "k" * MIN_SECRET_CHARS
    env = {"GENGLOSSARY_API_KEY": long_key, "OPENAI_API_KEY": shortest, "OTHER": "sk-other"}
    assert sorted(_secrets(env)) == sorted([long_key, shortest])
    # A placeholder shorter than that ("x" for a local server) is no secret to hunt for.
    assert _secrets({"GENGLOSSARY_API_KEY": "x" * (MIN_SECRET_CHARS - 1)}) == []
    assert _secrets({}) == []
