"""A user's definition edit holds whichever casing the documents switch to, either way, and
an edit made on a term that a later run merges into another entry reaches that entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from genglossary_gui.pipeline.export import project_glossary
from genglossary_gui.store import repositories as repo
from tests.glossary_runs import run_to_completion

DATA = Path(__file__).resolve().parents[1] / "data"
MINE = "Our own words for it."


def _rows(project: int) -> dict[str, repo.GlossaryRow]:
    run = repo.current_run(project)
    assert run is not None
    return {r.term: r for r in repo.glossary_rows(project, run)}


@pytest.mark.parametrize(("first", "later"), [("pod", "Pod"), ("Pod", "pod")])
def test_an_edit_follows_its_term_into_the_other_casing(
    data_dir: Path, tmp_path: Path, first: str, later: str
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text(
        f"A {first} is a group of containers that share storage. The {first} runs on a node. "
        f"Each {first} has an address.\n",
        "utf-8",
    )
    project = repo.create_project("Case", [str(folder)], "en")
    run_to_completion(project, "import")
    run_to_completion(project, "full")
    assert first in _rows(project)
    repo.set_definition_edit(project, first, MINE)

    # The documents now write it the other way, more often: the entry's display form follows.
    verbs = "restarts stops moves waits grows shrinks fails recovers".split()
    mentions = " ".join(f"Then the {later} {verb}." for verb in verbs)
    (folder / "b.md").write_text(f"{mentions}\n", "utf-8")
    run_to_completion(project, "import")
    run_to_completion(project, "full")
    rows = _rows(project)
    assert later in rows and first not in rows, sorted(rows)  # the casing really switched
    assert rows[later].edited and rows[later].definition == MINE
    exported = {e.term: e for e in project_glossary(project)}
    assert (exported[later].definition, exported[later].definition_kind) == (MINE, "edited")

    # Editing it again under its new casing replaces the old edit instead of adding one.
    repo.set_definition_edit(project, later, "Second thoughts.")
    assert repo.definition_edits(project) == {later: "Second thoughts."}
    assert _rows(project)[later].definition == "Second thoughts."


def test_an_edit_made_on_a_term_later_merged_as_an_alias_reaches_the_merged_entry(
    data_dir: Path,
) -> None:
    project = repo.create_project("Storage", [str(DATA / "glossary_en")], "en")
    run_to_completion(project, "import")
    run_to_completion(project, "extract")
    # Generate alone keeps "WAL" an entry of its own: the user edits it there.
    run_to_completion(project, "generate")
    assert "WAL" in _rows(project)
    repo.set_definition_edit(project, "WAL", MINE)
    # Full refines: WAL is merged into the write-ahead log entry as its alias.
    run_to_completion(project, "full")
    rows = _rows(project)
    assert "WAL" not in rows and "WAL" in rows["write-ahead log"].aliases
    assert rows["write-ahead log"].edited and rows["write-ahead log"].definition == MINE
    exported = {e.term: e for e in project_glossary(project)}
    assert exported["write-ahead log"].definition == MINE
