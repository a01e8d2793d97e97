"""A run's glossary and issues in the store: each run's own, never another's."""

from __future__ import annotations

from pathlib import Path

import pytest

from genglossary_gui.pipeline.data import Entry, IssueData
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.database import init_db
from genglossary_gui.store.owner import current_owner
from genglossary_gui.vocabulary import IssueType
from tests.helpers import write_past_a_lock


def _entry(term: str, source_path: str = "a.md", line: int = 1) -> Entry:
    return Entry(term, "en", f"{term} is a thing.", "definition", source_path, line, 0.9)


def _run(project_id: int) -> int:
    run_id = transitions.create_run(project_id, "full", current_owner())
    transitions.mark_running(run_id)
    return run_id


def _project_of(run_id: int) -> int:
    project = repo.run_project(run_id)
    assert project is not None
    return project


def _terms(entries: list[dict[str, object]]) -> list[object]:
    return [e["term"] for e in entries]


@pytest.fixture
def three_runs(data_dir: Path) -> tuple[int, int, int, int, int]:
    """Projects P and Q; P's runs A (provisional only) and B (both stages), then Q's run C
    (both stages): every run's neighbours, before and after it, have entries of their own."""
    p, q = repo.create_project("P"), repo.create_project("Q")
    a = _run(p)
    repo.save_entries(p, a, "provisional", [_entry("a-one"), _entry("a-two")])
    transitions.mark_failed(a, "stopped after generating")
    b = _run(p)
    repo.save_entries(p, b, "provisional", [_entry("b-draft")])
    repo.save_entries(p, b, "refined", [_entry("b-final")])
    transitions.mark_completed(b)
    c = _run(q)
    repo.save_entries(q, c, "provisional", [_entry("c-draft")])
    repo.save_entries(q, c, "refined", [_entry("c-final")])
    transitions.mark_completed(c)
    return p, q, a, b, c


def test_each_run_reads_and_replaces_only_its_own_entries(
    three_runs: tuple[int, int, int, int, int],
) -> None:
    p, _q, a, b, c = three_runs
    assert _terms(repo.load_entries(a, "provisional")) == ["a-one", "a-two"]
    assert repo.load_entries(a, "refined") == []
    assert _terms(repo.load_entries(b, "provisional")) == ["b-draft"]
    assert _terms(repo.load_entries(c, "refined")) == ["c-final"]
    # Saving a stage again replaces that run's stage, and nothing of the runs after it.
    repo.save_entries(p, b, "provisional", [_entry("b-draft-2")])
    assert _terms(repo.load_entries(b, "provisional")) == ["b-draft-2"]
    assert _terms(repo.load_entries(b, "refined")) == ["b-final"]
    assert _terms(repo.load_entries(c, "provisional")) == ["c-draft"]
    assert _terms(repo.load_entries(a, "provisional")) == ["a-one", "a-two"]


def test_the_final_stage_is_the_runs_own(three_runs: tuple[int, int, int, int, int]) -> None:
    p, _q, a, b, c = three_runs
    assert repo.final_stage(a) == "provisional"  # B and C after it refined
    assert repo.final_stage(b) == "refined"
    assert repo.final_stage(c) == "refined"
    later = _run(p)  # nothing written yet, after runs that wrote
    assert repo.final_stage(later) is None
    repo.save_entries(p, later, "provisional", [_entry("late")])
    assert repo.final_stage(later) == "provisional"  # A, B and C before it refined


def test_a_glossary_of_hundreds_of_entries_is_saved_whole_and_in_order(data_dir: Path) -> None:
    p = repo.create_project("P")
    run_id = _run(p)
    terms = [f"term {n:03}" for n in range(450)]  # more than two batches of inserts
    repo.save_entries(p, run_id, "refined", [_entry(t) for t in terms])
    assert _terms(repo.load_entries(run_id, "refined")) == terms
    issues = [IssueData(t, IssueType.UNCLEAR, "no sentence defines it") for t in terms]
    repo.save_issues(p, run_id, issues)
    assert sorted(i["term"] for i in repo.load_issues(run_id)) == terms


def test_the_glossary_runs_of_a_project_are_its_own_newest_first(
    three_runs: tuple[int, int, int, int, int],
) -> None:
    p, q, a, b, c = three_runs
    assert [r.id for r in repo.glossary_runs(p)] == [b, a]
    assert [r.id for r in repo.glossary_runs(q)] == [c]
    _run(p)  # a run that wrote nothing (yet) has no glossary to show
    assert [r.id for r in repo.glossary_runs(p)] == [b, a]


def test_the_glossary_page_shows_the_runs_final_stage_only(
    three_runs: tuple[int, int, int, int, int],
) -> None:
    p, q, a, b, c = three_runs
    assert [r.term for r in repo.glossary_rows(p, b)] == ["b-final"]
    assert [r.term for r in repo.glossary_rows(p, a)] == ["a-one", "a-two"]
    assert [r.term for r in repo.glossary_rows(q, c)] == ["c-final"]  # B before it refined
    assert repo.glossary_rows(p, _run(p)) == []


def test_a_rows_source_is_its_file_and_line_or_nothing(data_dir: Path) -> None:
    p = repo.create_project("P")
    run_id = _run(p)
    repo.save_entries(p, run_id, "refined", [_entry("cited", "docs/a.md", 3), _entry("bare", "")])
    rows = {r.term: r for r in repo.glossary_rows(p, run_id)}
    assert rows["cited"].source == "docs/a.md:3"
    assert rows["bare"].source == ""


def test_each_run_replaces_only_its_own_issues(
    three_runs: tuple[int, int, int, int, int],
) -> None:
    p, q, a, b, c = three_runs
    for project, run_id in ((p, a), (p, b), (q, c)):
        repo.save_issues(project, run_id, [IssueData(f"t{run_id}", IssueType.UNCLEAR, "why")])
    repo.save_issues(p, b, [IssueData("again", IssueType.CIRCULAR, "restates it")])
    assert [i["term"] for i in repo.load_issues(b)] == ["again"]
    assert [i["term"] for i in repo.load_issues(a)] == [f"t{a}"]
    assert [i["term"] for i in repo.load_issues(c)] == [f"t{c}"]
    assert [r.term for r in repo.issue_rows(b)] == ["again"]


def test_issue_rows_say_what_refining_did_with_each_term(data_dir: Path) -> None:
    p = repo.create_project("P")
    # Runs before and after this one, whose glossaries (which keep "x") change nothing of it.
    earlier = _run(repo.create_project("E"))
    for stage in ("provisional", "refined"):
        repo.save_entries(_project_of(earlier), earlier, stage, [_entry("x")])
    run_id = _run(p)
    merged = Entry("replica", "en", "A replica is a copy.", "definition", "a.md", 1, 0.9, ["copy"])
    repo.save_entries(p, run_id, "provisional", [_entry("replica"), _entry("copy"), _entry("x")])
    repo.save_entries(p, run_id, "refined", [merged, _entry("node")])
    repo.save_issues(
        p,
        run_id,
        [
            IssueData("copy", IssueType.DUPLICATE, "same as replica", related="replica"),
            IssueData("replica", IssueType.DUPLICATE, "same as copy", related="copy"),
            IssueData("x", IssueType.UNNECESSARY, "an everyday word"),
            IssueData("node", IssueType.UNCLEAR, "no sentence defines it"),
        ],
    )
    later = _run(repo.create_project("L"))
    for stage in ("provisional", "refined"):
        repo.save_entries(_project_of(later), later, stage, [_entry("x")])
    rows = {(r.type, r.term): r for r in repo.issue_rows(run_id)}
    assert rows["duplicate", "copy"].outcome == "merged into replica"
    assert rows["duplicate", "replica"].outcome == "copy merged into it"
    assert rows["unnecessary", "x"].outcome == "dropped"
    assert rows["unclear", "node"].outcome == ""  # kept
    assert rows["duplicate", "copy"].merged and rows["duplicate", "replica"].merged
    assert not rows["unnecessary", "x"].merged and not rows["unclear", "node"].merged
    # The user undoes the merge: both rows say so, and neither is a merge to undo any more.
    repo.keep_apart(p, None, "Copy", "replica")
    rows = {(r.type, r.term): r for r in repo.issue_rows(run_id)}
    assert rows["duplicate", "copy"].outcome == "kept apart by you"
    assert rows["duplicate", "replica"].outcome == "kept apart by you"
    assert not rows["duplicate", "copy"].merged


def test_before_refining_no_issue_row_says_what_refining_did(data_dir: Path) -> None:
    p = repo.create_project("P")
    generated = _run(p)  # stopped after generating: no refined glossary
    repo.save_entries(p, generated, "provisional", [_entry("a")])
    transitions.mark_failed(generated, "stopped")
    nothing = _run(p)  # stopped before writing entries, after its review wrote issues
    for run_id in (generated, nothing):
        repo.save_issues(p, run_id, [IssueData("a", IssueType.UNCLEAR, "no sentence")])
        assert [(r.term, r.outcome) for r in repo.issue_rows(run_id)] == [("a", "")]


def test_the_current_glossary_is_asked_of_the_project_named(data_dir: Path) -> None:
    p = repo.create_project("P")
    run_id = _run(p)
    repo.save_entries(p, run_id, "refined", [_entry("a")])
    transitions.mark_completed(run_id)
    assert repo.current_run(p) == run_id
    assert repo.current_run(0) is None  # no project 0; P comes after it
    assert repo.current_run(p + 1) is None


def test_only_a_duplicate_row_can_be_a_merge_to_undo() -> None:
    outcome = "merged into replica"
    for kind in IssueType:
        row = repo.IssueRow(1, str(kind), "copy", "d", outcome, "replica")
        assert row.merged is (kind == IssueType.DUPLICATE), kind
    assert not repo.IssueRow(1, "duplicate", "copy", "d", "", "replica").merged
    assert not repo.IssueRow(1, "duplicate", "copy", "d", "dropped", "replica").merged


def test_saving_a_glossary_and_its_issues_waits_out_another_process_writing(
    data_dir: Path,
) -> None:
    init_db(data_dir, busy_timeout_ms=20)  # SQLite's own wait ends at once
    p = repo.create_project("P")
    run_id = _run(p)
    write_past_a_lock(
        data_dir, lambda: repo.save_entries(p, run_id, "refined", [_entry("replica")])
    )
    assert _terms(repo.load_entries(run_id, "refined")) == ["replica"]
    issue = IssueData("replica", IssueType.UNCLEAR, "no sentence defines it")
    write_past_a_lock(data_dir, lambda: repo.save_issues(p, run_id, [issue]))
    assert [i["term"] for i in repo.load_issues(run_id)] == ["replica"]
