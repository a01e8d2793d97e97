"""A project that grows: rename, delete, clone, sources added and removed, incremental
extraction (real SQLite files, the built-in pipeline run in-process)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import integrity_ok
from genglossary_gui.store.models import Document, GlossaryEntry, Run, RunLog, Term
from genglossary_gui.store.owner import current_owner
from genglossary_gui.vocabulary import Scope, TermStatus
from tests.glossary_runs import run_to_completion

DATA = Path(__file__).resolve().parents[1] / "data"


def _folder(tmp_path: Path, name: str, source: str = "glossary_en") -> Path:
    folder = tmp_path / name
    shutil.copytree(DATA / source, folder)
    return folder


def _paths(project_id: int) -> list[str]:
    return [d.rel_path for d in repo.document_rows(project_id)]


def test_rename_keeps_everything_and_refuses_a_taken_name(data_dir: Path, tmp_path: Path) -> None:
    first = repo.create_project("First", [str(_folder(tmp_path, "a"))])
    repo.create_project("Second")
    run_to_completion(first, Scope.IMPORT)
    repo.rename_project(first, "  Renamed ")
    assert repo.project_by_name("Renamed").id == first
    assert len(_paths(first)) == 3
    with pytest.raises(repo.ProjectExists):
        repo.rename_project(first, "Second")
    with pytest.raises(ValueError, match="control characters"):
        repo.rename_project(first, "bad\nname")


def test_delete_removes_every_row_and_refuses_while_a_run_is_active(
    data_dir: Path, tmp_path: Path
) -> None:
    gone = repo.create_project("Gone", [str(_folder(tmp_path, "a"))])
    kept = repo.create_project("Kept", [str(_folder(tmp_path, "b"))])
    for project in (gone, kept):
        run_to_completion(project, Scope.IMPORT)
        run_to_completion(project, Scope.FULL)
    active = transitions.create_run(gone, Scope.EXTRACT, current_owner())
    with pytest.raises(repo.ProjectBusy, match=f"Run {active}"):
        repo.delete_project(gone)
    assert repo.project_by_name("Gone").id == gone
    transitions.cancel_pending(active)

    repo.delete_project(gone)
    with pytest.raises(repo.UnknownProject):
        repo.project_by_name("Gone")
    for model in (Document, Term, GlossaryEntry, Run):
        assert not model.select().where(model.project == gone).exists()
    assert not RunLog.select().join(Run).where(Run.project == gone).exists()
    # The other project is untouched.
    assert len(_paths(kept)) == 3
    kept_run = repo.current_run(kept)
    assert kept_run is not None and repo.glossary_rows(kept, kept_run)
    assert integrity_ok()


def test_clone_copies_documents_curation_and_the_current_glossary(
    data_dir: Path, tmp_path: Path
) -> None:
    source = repo.create_project("Source", [str(_folder(tmp_path, "a"))], "en")
    run_to_completion(source, Scope.IMPORT)
    run_to_completion(source, Scope.FULL)
    rows = repo.term_rows(source)
    repo.set_term_status(source, [rows[0].id], TermStatus.REQUIRED)
    repo.set_term_status(source, [rows[1].id], TermStatus.EXCLUDED)
    source_run = repo.current_run(source)
    assert source_run is not None
    entry = repo.glossary_rows(source, source_run)[0]
    repo.set_definition_edit(source, entry.term, "My own words.")

    clone = repo.clone_project(source, "Copy")
    assert _paths(clone) == _paths(source)
    assert repo.required_terms(clone) == repo.required_terms(source) == {rows[0].text}
    assert repo.excluded_terms(clone) == {rows[1].text}
    assert repo.definition_edits(clone) == {entry.term: "My own words."}
    current = repo.current_run(clone)
    assert current is not None and current != repo.current_run(source)
    copied = repo.glossary_rows(clone, current)
    original = repo.glossary_rows(source, source_run)
    assert sorted(r.term for r in copied) == sorted(r.term for r in original)
    assert Run.get_by_id(current).triggered_by == "clone"
    # The clone is a project of its own: deleting the source leaves it whole.
    repo.delete_project(source)
    assert sorted(repo.glossary_rows(clone, current), key=str) == sorted(copied, key=str)
    with pytest.raises(repo.ProjectExists):
        repo.clone_project(clone, "Copy")


def test_adding_a_second_folder_renames_the_first_folders_documents_everywhere(
    data_dir: Path, tmp_path: Path
) -> None:
    first = _folder(tmp_path, "manual")
    project = repo.create_project("P", [str(first)], "en")
    run_to_completion(project, Scope.IMPORT)
    run_to_completion(project, Scope.FULL)
    assert "storage.md" in _paths(project)

    second = _folder(tmp_path, "notes", "quality_ja")
    change = repo.add_sources(project, [second])
    assert change.renamed == 3 and len(change.sources) == 2
    assert "manual/storage.md" in _paths(project)
    entries = GlossaryEntry.select().where(GlossaryEntry.project == project)
    places = {o[0] for e in entries for o in json.loads(e.occurrences)}
    assert places and all(p.startswith("manual/") for p in places)

    run_to_completion(project, Scope.ADD)
    assert any(p.startswith("notes/") for p in _paths(project))
    # Removing it again takes its documents (and their places) and un-prefixes the rest.
    change = repo.remove_sources(project, [second])
    assert change.removed > 0
    assert "storage.md" in _paths(project)
    assert not any(p.startswith("notes/") for p in _paths(project))
    entries = GlossaryEntry.select().where(GlossaryEntry.project == project)
    places = {o[0] for e in entries for o in json.loads(e.occurrences)}
    assert places and not any(p.startswith(("manual/", "notes/")) for p in places)
    assert integrity_ok()


def test_removing_a_source_is_refused_while_a_run_is_active(data_dir: Path, tmp_path: Path) -> None:
    folder = _folder(tmp_path, "a")
    project = repo.create_project("P", [str(folder), str(_folder(tmp_path, "b"))])
    active = transitions.create_run(project, Scope.IMPORT, current_owner())
    with pytest.raises(repo.ProjectBusy):
        repo.remove_sources(project, [folder])
    transitions.cancel_pending(active)
    assert repo.remove_sources(project, [folder]).sources == [str(tmp_path / "b")]


def test_adding_one_document_reads_only_it_and_keeps_every_mark(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    base = (DATA / "glossary_en" / "storage.md").read_text(encoding="utf-8")
    for i in range(500):
        (folder / f"doc{i:03}.md").write_text(f"# Part {i}\n\n{base}\n", encoding="utf-8")
    project = repo.create_project("Big", [str(folder)], "en")
    run_to_completion(project, Scope.IMPORT)
    run_to_completion(project, Scope.EXTRACT)
    rows = {r.text: r for r in repo.term_rows(project)}
    required, excluded = sorted(rows)[:2]
    repo.set_term_status(project, [rows[required].id], TermStatus.REQUIRED)
    repo.set_term_status(project, [rows[excluded].id], TermStatus.EXCLUDED)
    before = {r.text: r.frequency for r in repo.term_rows(project)}

    extra = tmp_path / "extra.md"
    extra.write_text(
        "# Extra\n\nA quorum journal is a journal that a quorum of replicas acknowledges. "
        "The storage engine writes the quorum journal. Every storage engine has one.\n",
        encoding="utf-8",
    )
    repo.add_sources(project, [extra])
    read: list[int] = []
    original = repo.stored_document
    monkeypatch.setattr(repo, "stored_document", lambda i: read.append(i) or original(i))
    run_id = run_to_completion(project, Scope.ADD)
    # (Ranking and the search for defining sentences each pass over what they read.)
    assert len(set(read)) == 1 and Document.get_by_id(read[0]).rel_path == "extra.md"
    after = {r.text: r for r in repo.term_rows(project)}
    assert after[required].status == TermStatus.REQUIRED
    assert after[excluded].status == TermStatus.EXCLUDED
    assert "quorum journal" in after
    assert after["storage engine"].frequency == before["storage engine"] + 2
    assert "in 1 new documents" in Run.get_by_id(run_id).summary

    # Nothing new: nothing is read again.
    read.clear()
    run_to_completion(project, Scope.ADD)
    assert read == []


def test_a_changed_document_makes_the_next_add_extract_everything(
    data_dir: Path, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, "a")
    project = repo.create_project("P", [str(folder)], "en")
    run_to_completion(project, Scope.IMPORT)
    run_to_completion(project, Scope.EXTRACT)
    state = repo.extraction_state(project)
    assert state.new == [] and state.changed == 0 and state.counted == 3
    (folder / "storage.md").write_text("# Storage\n\nA shard is a slice of the index.\n")
    run_id = run_to_completion(project, Scope.ADD)
    logs = [e.message for e in repo.read_log(run_id)]
    assert any("Extracting from every document: 1 documents changed" in m for m in logs)
    assert repo.extraction_state(project).counted == 3
