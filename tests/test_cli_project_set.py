"""`genglossary project set` refuses what the Settings page refuses, with the same words
(EngineConfig.field_problems(), one set of rules), and stores nothing then."""

from __future__ import annotations

from pathlib import Path

import pytest

from genglossary_gui import cli
from genglossary_gui.engines.config import load_config
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import db


@pytest.fixture
def data(tmp_path: Path):
    folder = tmp_path / "data"
    yield folder
    db.close()


def _cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str]:
    code = cli.main(["--data-dir", str(data), *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--base-url", "foo bar"], "The server address cannot contain spaces."),
        (["--base-url", "127.0.0.1:11434"], "Add http:// or https:// before the address."),
        (["--base-url", "http://h:70000"], "The port must be a number from 1 to 65535."),
        (["--concurrency", "100"], "Requests in flight must be a whole number from 1 to 64."),
        (["--timeout", "0"], "The timeout must be between 1 and 3600 seconds."),
        (["--temperature", "5"], "The temperature must be between 0 and 2."),
        (["--max-failures", "120"], "between 0 and 100 %"),
        (["--terms", "6000"], "a whole number from 1 to 5000, or all."),
        (["--context-tokens", "256"], "The context budget must be a whole number of tokens"),
    ],
)
def test_project_set_refuses_a_wrong_value_in_plain_words(
    data: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    assert _cli(capsys, data, "project", "create", "S")[0] == 0
    project = repo.project_by_name("S").id
    code, err = _cli(
        capsys, data, "project", "set", "S", "--engine", "ollama", "--model", "m", *options
    )
    assert code == 2 and message in err, err
    assert "Traceback" not in err and "Request URL" not in err
    assert load_config(project).engine == "builtin"  # nothing stored

    code, err = _cli(
        capsys, data, "project", "set", "S", "--engine", "ollama", "--model", "m",
        "--base-url", "http://127.0.0.1:11434",
    )  # fmt: skip
    assert code == 0, err
    assert load_config(project).base_url == "http://127.0.0.1:11434"


def test_project_set_stores_the_context_budget_the_runs_use(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(capsys, data, "project", "create", "S")[0] == 0
    project = repo.project_by_name("S").id
    code, err = _cli(
        capsys, data, "project", "set", "S", "--engine", "openai", "--model", "m",
        "--base-url", "http://127.0.0.1:8080/v1", "--context-tokens", "2048",
    )  # fmt: skip
    assert code == 0, err
    config = load_config(project)
    assert config.context_tokens == 2048 and config.settings().context_tokens == 2048
