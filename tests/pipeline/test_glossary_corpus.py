"""The hand-made corpora under tests/data produce their expected glossaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genglossary_gui.store import repositories as repo
from tests.glossary_runs import run_to_completion

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("language", ["en", "ja"])
def test_full_run_produces_expected_glossary(data_dir: Path, language: str) -> None:
    expected = json.loads((DATA / f"expected_glossary_{language}.json").read_text("utf-8"))
    project = repo.create_project(language, [str(DATA / f"glossary_{language}")])
    run_to_completion(project, "import")
    run_id = run_to_completion(project, "full")
    assert repo.current_run(project) == run_id
    entries = {
        e["term"]: {
            "definition": e["definition"],
            "kind": e["kind"],
            "source": f"{e['source_path']}:{e['source_line']}",
            "aliases": e["aliases"],
            "see_also": e["see_also"],
        }
        for e in repo.load_entries(run_id, "refined")
    }
    assert entries == expected["entries"]
    issues = sorted([i["type"], i["term"], i["related"]] for i in repo.load_issues(run_id))
    assert issues == expected["issues"]


def test_english_glossary_highlights(data_dir: Path) -> None:
    """What the expected English glossary must show, spelled out."""
    expected = json.loads((DATA / "expected_glossary_en.json").read_text("utf-8"))
    entries = expected["entries"]
    # The acronym was merged into its expansion as an alias.
    assert entries["write-ahead log"]["aliases"] == ["WAL"] and "WAL" not in entries
    # Of two disagreeing definitions, the one the other mentions support was chosen...
    assert entries["checkpoint"]["source"] == "operations.txt:3"
    # ...and the disagreement is reported.
    assert [
        "contradiction",
        "checkpoint",
        "A checkpoint is a background job that deletes old files.",
    ] in expected["issues"]
    # Everyday words are dropped; a defined one ("page") stays.
    assert "system" not in entries and "pages" in entries
    assert entries["storage engine"]["kind"] == "usage"


def test_japanese_glossary_highlights(data_dir: Path) -> None:
    expected = json.loads((DATA / "expected_glossary_ja.json").read_text("utf-8"))
    entries = expected["entries"]
    assert entries["転置索引"]["kind"] == "definition"
    assert (
        entries["スコアリング"]["definition"]
        == "スコアリングとは、検索結果に順位を付けることである。"
    )
    assert ["duplicate", "サーバー", "サーバ"] in expected["issues"]
    # The Shift_JIS file was read and cited.
    assert entries["分散索引"]["source"] == "運用.txt:4"


def test_full_run_refines_with_its_own_review_only(data_dir: Path) -> None:
    """A full run whose review finds nothing must not apply the previous run's issues."""
    from genglossary_gui.engines.builtin import BuiltinEngine
    from genglossary_gui.pipeline.context import RunContext
    from genglossary_gui.pipeline.data import Entry, IssueData
    from genglossary_gui.pipeline.steps import refine_glossary
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    project = repo.create_project("p")
    entry = Entry("pod", "en", "A pod is a group of containers.", "definition", "a.md", 1, 0.9)
    old = transitions.create_run(project, "full", current_owner())
    transitions.mark_running(old)
    repo.save_entries(project, old, "refined", [entry])
    repo.save_issues(project, old, [IssueData("pod", "unnecessary", "stale", "", True)])
    transitions.mark_completed(old)
    new = transitions.create_run(project, "full", current_owner())
    transitions.mark_running(new)
    repo.save_entries(project, new, "provisional", [entry])  # generate ran; review found none
    ctx = RunContext(run_id=new)
    ctx.scope = "full"
    refine_glossary(project, ctx, BuiltinEngine())
    assert [e["term"] for e in repo.load_entries(new, "refined")] == ["pod"]
