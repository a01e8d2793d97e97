"""A model run that failed on most of its terms never replaces a good glossary; the user can
still choose to use it (window and command line)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from genglossary_gui import cli
from genglossary_gui.engines.config import EngineConfig, load_config, save_config
from genglossary_gui.runs.process import run_scope_here
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import db
from genglossary_gui.store.models import Run
from genglossary_gui.store.owner import current_owner
from genglossary_gui.store.transitions import PromoteResult
from tests.fake_llm import FakeLLMServer, glossary_reply
from tests.glossary_runs import run_to_completion
from tests.runs.conftest import ManagerFactory

DOCS = Path(__file__).resolve().parents[1] / "data" / "glossary_en"


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer(reply=glossary_reply).start()
    yield fake
    fake.stop()


@pytest.fixture
def good_and_kept_aside(
    data_dir: Path, server: FakeLLMServer, qtbot: QtBot, make_manager: ManagerFactory
) -> tuple[int, int, int]:
    """(project, the good current run, a later run whose model failed on 2 of 3 terms)."""
    project = repo.create_project("P", [str(DOCS)])
    run_to_completion(project, "import")
    save_config(project, EngineConfig(engine="openai", base_url=server.url, model="fake-small"))
    good = run_to_completion(project, "full")
    terms = [text for text, _lang in repo.glossary_terms(project, 300)]
    # Two of every three terms fail; the others succeed from the start (no early stop).
    server.poisoned.update(f"Term: {t}\\n" for i, t in enumerate(terms) if i % 3)
    manager = make_manager(run_scope_here)
    with qtbot.waitSignal(manager.run_finished, timeout=60_000):
        bad = manager.start_run(project, "full")
    return project, good, bad


def test_a_mostly_failed_model_run_is_kept_aside(good_and_kept_aside: tuple[int, int, int]) -> None:
    project, good, bad = good_and_kept_aside
    run = Run.get_by_id(bad)
    assert run.status == "failed"
    assert "The model failed on" in run.error and "kept aside" in run.error
    assert "at most 20% allowed" in run.error
    # The good glossary stays current; the failed run's output is kept, viewable.
    assert repo.current_run(project) == good
    assert repo.load_entries(bad, "provisional")
    assert not repo.load_entries(bad, "refined")  # it stopped before review and refine


def test_the_threshold_is_a_setting(
    data_dir: Path, server: FakeLLMServer, qtbot: QtBot, make_manager: ManagerFactory
) -> None:
    project = repo.create_project("P", [str(DOCS)])
    run_to_completion(project, "import")
    save_config(
        project,
        EngineConfig(
            engine="openai", base_url=server.url, model="fake-small", max_failed_share=0.9
        ),
    )
    run_to_completion(project, "extract")
    terms = [text for text, _lang in repo.glossary_terms(project, 300)]
    server.poisoned.update(f"Term: {t}\\n" for i, t in enumerate(terms) if i % 3)
    run_id = run_to_completion(project, "generate")
    assert repo.current_run(project) == run_id  # 67 % failed, 90 % allowed
    assert "terms failed" in Run.get_by_id(run_id).summary


def test_promote_from_the_command_line(
    good_and_kept_aside: tuple[int, int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    project, good, bad = good_and_kept_aside
    data = str(Path(db.database).parent)
    assert cli.main(["--data-dir", data, "promote", str(bad)]) == 0
    assert "now the project's current one" in capsys.readouterr().err
    assert repo.current_run(project) == bad
    assert cli.main(["--data-dir", data, "promote", str(bad)]) == 0  # asking twice is fine
    assert "already the current one" in capsys.readouterr().err
    assert cli.main(["--data-dir", data, "promote", "999"]) == 1
    assert "no run 999" in capsys.readouterr().err
    assert transitions.promote_run(good) is PromoteResult.PROMOTED
    assert repo.current_run(project) == good


def test_a_run_still_active_or_without_a_glossary_cannot_be_promoted(data_dir: Path) -> None:
    project = repo.create_project("P")
    active = transitions.create_run(project, "full", current_owner())
    assert transitions.promote_run(active) is PromoteResult.ACTIVE
    transitions.mark_running(active)
    transitions.mark_failed(active, "broke before writing anything")
    assert transitions.promote_run(active) is PromoteResult.NO_GLOSSARY
    assert repo.current_run(project) is None


def test_use_this_glossary_from_the_glossary_page(
    good_and_kept_aside: tuple[int, int, int], qtbot: QtBot, make_manager: ManagerFactory
) -> None:
    from genglossary_gui.ui.pages.glossary_pages import GlossaryPage

    project, good, bad = good_and_kept_aside
    page = GlossaryPage(make_manager(run_scope_here))
    qtbot.addWidget(page)
    page.set_project(project)
    assert page.shown_run() == good
    assert page.promote.isHidden()  # the current glossary needs no promoting
    assert page.show_run(bad)
    assert not page.promote.isHidden()
    assert "failed" in page.runs.currentText()
    page.promote.click()
    assert repo.current_run(project) == bad
    assert page.shown_run() == bad
    assert page.runs.currentText().startswith("Current glossary")
    assert page.promote.isHidden()


def test_cli_engine_option_sets_the_threshold(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = repo.create_project("P")
    db.close()
    args = ["--data-dir", str(data_dir), "project", "set", "P", "--engine", "ollama"]
    assert cli.main([*args, "--model", "m", "--max-failures", "35"]) == 0
    assert load_config(project).max_failed_share == pytest.approx(0.35)
    assert cli.main([*args, "--model", "m", "--max-failures", "150"]) == 2
    assert "between 0 and 100" in capsys.readouterr().err


def test_generate_writes_nothing_when_most_requests_failed(
    data_dir: Path, server: FakeLLMServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "glossary.md"
    out.write_text("the good glossary of yesterday\n", encoding="utf-8")
    terms = ["checkpoint", "replica", "replication", "page", "row version", "MVCC", "copy"]
    server.poisoned.update(f"Term: {t}\\n" for t in terms)
    args = ["generate", "--input", str(DOCS), "--output", str(out)]
    engine = ["--engine", "openai", "--base-url", server.url, "--model", "fake-small"]
    assert cli.main([*args, *engine]) == 1
    err = capsys.readouterr().err
    assert "The model failed on" in err and "Nothing was written" in err
    assert out.read_text(encoding="utf-8") == "the good glossary of yesterday\n"
