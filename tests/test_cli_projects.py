"""`genglossary project rename/delete/clone/add-source/remove-source`, in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from genglossary_gui import cli
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import db
from genglossary_gui.store.models import Run
from genglossary_gui.vocabulary import RunStatus, TermStatus

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def data(tmp_path: Path):
    folder = tmp_path / "data"
    yield folder
    db.close()


def run_cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str]:
    code = cli.main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out + err


def test_project_lifecycle_from_the_command_line(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DATA / "glossary_en", docs)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "quorum.md").write_text(
        "# Quorum\n\nA quorum journal is a journal that a quorum of replicas acknowledges. "
        "The storage engine writes the quorum journal.\n",
        encoding="utf-8",
    )
    assert run_cli(capsys, data, "project", "create", "Demo", "--docs", str(docs))[0] == 0
    assert run_cli(capsys, data, "run", "Demo", "--scope", "extract", "--wait")[0] == 0
    engine = next(r for r in repo.term_rows(repo.project_by_name("Demo").id))
    repo.set_term_status(repo.project_by_name("Demo").id, [engine.id], TermStatus.EXCLUDED)

    code, text = run_cli(capsys, data, "project", "add-source", "Demo", str(extra))
    assert code == 0, text
    assert "1 added" in text and "in 1 new documents" in text
    project = repo.project_by_name("Demo")
    assert [r.rel_path for r in repo.document_rows(project.id)][-1] == "extra/quorum.md"
    assert "quorum journal" in {r.text for r in repo.term_rows(project.id)}
    assert repo.excluded_terms(project.id) == {engine.text}
    last = Run.select().order_by(Run.id.desc()).get()
    assert last.scope == "add" and last.status == RunStatus.COMPLETED

    assert run_cli(capsys, data, "project", "clone", "Demo", "Copy")[0] == 0
    assert run_cli(capsys, data, "project", "rename", "Copy", "Second")[0] == 0
    code, text = run_cli(capsys, data, "project", "rename", "Second", "Demo")
    assert code == 1 and "already exists" in text

    code, text = run_cli(capsys, data, "project", "remove-source", "Second", str(extra))
    assert code == 0, text
    second = repo.project_by_name("Second")
    assert "quorum journal" not in {r.text for r in repo.term_rows(second.id)}
    assert repo.excluded_terms(second.id) == {engine.text}  # curation came with the clone
    assert "quorum journal" in {r.text for r in repo.term_rows(project.id)}

    code, text = run_cli(capsys, data, "project", "delete", "Demo")
    assert code == 1 and "--yes" in text  # no terminal to ask on: refused
    assert run_cli(capsys, data, "project", "delete", "Demo", "--yes")[0] == 0
    code, text = run_cli(capsys, data, "project", "list")
    assert "Second" in text and "Demo" not in text


def test_project_set_terms_chooses_how_many_terms_a_run_defines(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from genglossary_gui.engines.config import load_config

    docs = tmp_path / "docs"
    shutil.copytree(DATA / "glossary_en", docs)
    code, text = run_cli(capsys, data, "project", "create", "Demo", "--docs", str(docs))
    assert code == 0, text
    project = repo.project_by_name("Demo").id
    code, text = run_cli(capsys, data, "project", "set", "Demo", "--terms", "5")
    assert code == 0 and "at most 5 terms" in text, text
    assert load_config(project).max_terms == 5
    assert load_config(project).engine == "builtin"  # the rest of the settings unchanged
    code, text = run_cli(capsys, data, "run", "Demo", "--scope", "full", "--wait", "--quiet")
    assert code == 0, text
    recurring = [t for t in repo.ranked_records(project) if t.frequency >= 2 and not t.defined]
    assert len(recurring) > 5
    glossary = {t for t, _ in repo.glossary_terms(project, 5000)}
    defined = {t for t in repo.defined_terms(project)}
    assert len(glossary - defined) == 5  # the built-in engine too

    code, text = run_cli(capsys, data, "project", "set", "Demo", "--terms", "ALL")
    assert code == 0 and "all terms" in text, text
    assert load_config(project).max_terms == 0
    for wrong in ("0", "-3", "many"):
        with pytest.raises(SystemExit) as exit_info:
            run_cli(capsys, data, "project", "set", "Demo", "--terms", wrong)
        assert exit_info.value.code == 2
        assert "positive number or all" in capsys.readouterr().err
    assert load_config(project).max_terms == 0
