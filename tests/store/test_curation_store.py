"""The store's curation editors: terms added by hand, notes, categories, synonym groups,
splits, and the snapshots undo restores; all kept by every re-extraction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from genglossary_gui.pipeline.export import export, project_glossary
from genglossary_gui.pipeline.text import term_key
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import db, init_db, integrity_ok, schema_version
from genglossary_gui.store.models import Term
from genglossary_gui.vocabulary import TermStatus
from tests.helpers import write_past_a_lock

R = repo.TermRecord


def _project(name: str = "P") -> int:
    return repo.create_project(name, ["/nowhere"], "en")


def _rows(project: int) -> dict[str, repo.TermRow]:
    return {r.text: r for r in repo.term_rows(project)}


def test_schema_6_database_gets_the_curation_columns(tmp_path: Path) -> None:
    from genglossary_gui.store.migrations import MIGRATIONS

    data = tmp_path / "data"
    data.mkdir()
    db.init(str(data / "genglossary.sqlite3"))
    with db.connection_context():
        for migration in MIGRATIONS[:6]:
            migration(db)
        db.execute_sql("PRAGMA user_version = 6")
    conn = sqlite3.connect(data / "genglossary.sqlite3")
    conn.execute(
        "INSERT INTO project (name, language, engine, created_at) VALUES ('Old', 'en', "
        "'builtin', 0)"
    )
    conn.execute(
        "INSERT INTO term (project_id, text, language, category, status, user_notes, score, "
        "frequency, document_count, rank, synonym_group) VALUES (1, 'pod', 'en', 'object', "
        "'required', 'smallest unit', 1, 2, 1, 1, NULL)"
    )
    conn.commit()
    conn.close()
    init_db(data)
    assert schema_version() == len(MIGRATIONS) >= 7
    term = Term.get(Term.text == "pod")
    assert (term.user_category, term.group_head, term.category) == ("", False, "object")
    assert (term.status, term.user_notes) == ("required", "smallest unit")
    assert integrity_ok()
    db.close()


def test_a_term_added_by_hand_is_required_and_survives_extraction(data_dir: Path) -> None:
    project = _project()
    repo.replace_candidate_terms(project, [R("Pods", "en", 2, 3, 1), R("node", "en", 1, 2, 1)])
    # An existing term (another spelling) is marked required rather than added twice.
    assert repo.add_term(project, "pod", key=term_key) == "Pods"
    assert repo.add_term(project, "  control   plane ", key=term_key, language=lambda t: "en")
    rows = _rows(project)
    assert rows["Pods"].status == rows["control plane"].status == TermStatus.REQUIRED
    assert rows["control plane"].language == "en" and rows["control plane"].frequency == 0
    assert ("control plane", "en") in repo.glossary_terms(project, 300)
    repo.replace_candidate_terms(project, [R("node", "en", 1, 2, 1)], key=term_key)
    assert {"Pods", "control plane", "node"} == set(_rows(project))
    with pytest.raises(ValueError, match="needs some text"):
        repo.add_term(project, "   ")


def test_notes_and_user_categories_survive_reextraction_and_beat_the_judge(
    data_dir: Path,
) -> None:
    project = _project()
    repo.replace_candidate_terms(
        project, [R("pod", "en", 2, 3, 1, category="object"), R("node", "en", 1, 2, 1)]
    )
    repo.set_term_note(project, "Pod", "our smallest unit", key=term_key)
    repo.set_term_category(project, ["pods", "node"], "workload", key=term_key)
    repo.set_term_note(project, "kubelet", "the agent", key=term_key, language=lambda t: "en")
    rows = _rows(project)
    assert (rows["pod"].note, rows["pod"].category, rows["pod"].user_category) == (
        "our smallest unit",
        "workload",
        True,
    )
    assert rows["kubelet"].note == "the agent"  # a note on a term with no row adds it
    # The judge's category changes with each extraction; the user's stays and wins.
    repo.replace_candidate_terms(
        project, [R("Pods", "en", 3, 5, 2, category="resource")], key=term_key
    )
    rows = _rows(project)
    assert set(rows) == {"pod", "node", "kubelet"}
    assert rows["pod"].category == "workload" and rows["node"].category == "workload"
    assert rows["pod"].frequency == 5
    assert repo.term_categories(project)["pod"] == "workload"
    repo.set_term_category(project, ["pod"], "", key=term_key)
    assert _rows(project)["pod"].category == "resource"  # the judge's again
    assert not _rows(project)["pod"].user_category
    repo.set_term_note(project, "pod", "", key=term_key)
    assert repo.term_notes(project) == {"kubelet": "the agent"}


@pytest.mark.parametrize(("user", "documents"), [("pod", "Pod"), ("Pod", "pod")])
def test_curation_survives_reextraction_in_either_casing(
    data_dir: Path, user: str, documents: str
) -> None:
    project = _project()
    repo.replace_candidate_terms(project, [R(user, "en", 2, 3, 1), R("node", "en", 1, 2, 1)])
    repo.mark_terms(project, [user], TermStatus.EXCLUDED, key=term_key)
    repo.set_term_note(project, user, "n", key=term_key)
    repo.set_term_category(project, [user], "c", key=term_key)
    repo.merge_terms(project, [user, "node"], "node", key=term_key)
    repo.replace_candidate_terms(
        project, [R(documents, "en", 2, 3, 1), R("NODE", "en", 1, 2, 1)], key=term_key
    )
    rows = _rows(project)
    assert len(rows) == 2
    (pod,) = [r for r in rows.values() if term_key(r.text) == "pod"]
    # Merging un-excluded it: the user's latest word on the term.
    assert (pod.status, pod.note, pod.category, pod.group) == ("candidate", "n", "c", "node")
    assert repo.synonym_groups(project) == [("node", (pod.text,))]
    # Curation is found whichever spelling names it now.
    repo.mark_terms(project, [documents.upper()], TermStatus.REQUIRED, key=term_key)
    assert _rows(project)[pod.text].status == TermStatus.REQUIRED


def test_merging_joins_groups_whole_and_splitting_dissolves_a_pair(data_dir: Path) -> None:
    project = _project()
    terms = ["a", "b", "c", "d"]
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in terms])
    repo.merge_terms(project, ["a", "b"], "a")
    repo.merge_terms(project, ["c", "d"], "d")
    repo.merge_terms(project, ["b", "c"], "c")  # b's group and c's group become one
    assert repo.synonym_groups(project) == [("c", ("a", "b", "d"))]
    rows = _rows(project)
    assert {rows[t].group for t in terms} == {"c"}
    repo.split_term(project, "c", "a")
    assert repo.synonym_groups(project) == [("c", ("b", "d"))]
    assert ("a", "c") in repo.kept_apart(project)
    repo.split_term(project, "c", "b")
    repo.split_term(project, "c", "d")  # a group of one is no group
    assert repo.synonym_groups(project) == []
    assert not any(r.group for r in _rows(project).values())
    # Merging again forgets that they were kept apart.
    repo.merge_terms(project, ["a", "c"], "a")
    assert ("a", "c") not in repo.kept_apart(project)
    with pytest.raises(ValueError, match="two different terms"):
        repo.merge_terms(project, ["a", "A"], "a")
    with pytest.raises(ValueError, match="from itself"):
        repo.split_term(project, "a", "A")


def test_splitting_the_headword_hands_the_group_on(data_dir: Path) -> None:
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in "xyz"])
    repo.merge_terms(project, ["x", "y", "z"], "x")
    repo.split_term(project, "y", "x")
    assert repo.synonym_groups(project) == [("y", ("z",))]


def test_group_members_and_split_variants_are_defined_however_low_they_rank(
    data_dir: Path,
) -> None:
    project = _project()
    ranked = [R(f"term {i}", "en", 100 - i, 5, 1) for i in range(30)]
    repo.replace_candidate_terms(project, ranked, cutoff=3)
    chosen = {t for t, _ in repo.glossary_terms(project, 300)}
    assert chosen == {"term 0", "term 1", "term 2"}
    repo.merge_terms(project, ["term 0", "term 20"], "term 0")
    repo.split_term(project, "term 1", "term 25")
    repo.mark_terms(project, ["term 29"], TermStatus.EXCLUDED)
    repo.merge_terms(project, ["term 2", "term 28"], "term 2")
    repo.mark_terms(project, ["term 28"], TermStatus.EXCLUDED)
    chosen = {t for t, _ in repo.glossary_terms(project, 300, key=term_key)}
    assert chosen == {"term 0", "term 1", "term 2", "term 20", "term 25"}


def test_a_snapshot_restores_every_kind_of_curation(data_dir: Path) -> None:
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node", "x")])
    repo.merge_terms(project, ["node", "x"], "node")
    repo.set_definition_edit(project, "pod", "A pod is mine.")
    names = ["pod", "node", "kubelet"]
    before = repo.curation_snapshot(project, names, key=term_key)
    assert {t.text for t in before.terms} == {"pod", "node", "x", "kubelet"}  # x: node's group
    repo.add_term(project, "kubelet", key=term_key)
    repo.merge_terms(project, ["pod", "node"], "pod", key=term_key)
    repo.set_definition_edit(project, "pod", None)
    repo.set_term_note(project, "node", "n", key=term_key)
    after = repo.curation_snapshot(project, before.names, key=term_key)
    repo.restore_curation(project, before, key=term_key)
    assert repo.curation_snapshot(project, before.names, key=term_key) == before
    assert "kubelet" not in _rows(project)  # added by the change: gone again
    assert repo.definition_edits(project) == {"pod": "A pod is mine."}
    assert repo.synonym_groups(project) == [("node", ("x",))]
    # A redo after an extraction dropped the uncurated rows brings them back curated.
    repo.replace_candidate_terms(project, [R("node", "en", 1, 2, 1)], key=term_key)
    repo.restore_curation(project, after, key=term_key)
    assert repo.curation_snapshot(project, before.names, key=term_key) == after
    assert repo.synonym_groups(project) == [("pod", ("node", "x"))]
    assert _rows(project)["kubelet"].status == TermStatus.REQUIRED


def _glossary(project: int) -> dict[str, repo.GlossaryRow]:
    run = repo.current_run(project)
    assert run is not None
    return {r.term: r for r in repo.glossary_rows(project, run)}


def _entry(term: str, kind: str = "definition", confidence: float = 0.9, **more: object):
    from genglossary_gui.pipeline.data import Entry

    return Entry(
        term,
        "en",
        f"{term} is something.",
        kind,
        f"{term}.md",
        1,
        confidence,
        occurrences=[(f"{term}.md", 1, f"{term} is something.")],
        **more,  # type: ignore[arg-type]
    )


def _with_glossary(project: int, *entries: object, provisional: tuple[object, ...] = ()) -> int:
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    run = transitions.create_run(project, "full", current_owner())
    transitions.mark_running(run)
    repo.save_entries(project, run, "provisional", [*entries, *provisional])
    repo.save_entries(project, run, "refined", entries)
    transitions.mark_completed(run, "done")
    return run


def test_merge_and_split_show_in_the_current_glossary_at_once(data_dir: Path) -> None:
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "pods x", "y")])
    _with_glossary(
        project,
        _entry("pod", "usage", 0.3),
        _entry("pods x", see_also=["y"]),
        _entry("y", see_also=["pods x"], aliases=["Q"]),
        provisional=(_entry("Q"),),
    )
    repo.merge_terms(project, ["pods x", "pod", "Q"], "pod", key=term_key)
    glossary = _glossary(project)
    # Headed by the headword, with the better definition of the group.
    assert glossary["pod"].aliases == ("pods x", "Q")
    assert glossary["pod"].definition == "pods x is something."
    assert len(glossary["pod"].occurrences) == 2  # Q moved alone: no entry of its own here
    assert "pods x" not in glossary and "Q" not in glossary
    assert glossary["y"].see_also == "pod" and glossary["y"].aliases == ()
    assert glossary["pod"].see_also == "y"  # pods x's link; none to its own names
    repo.split_term(project, "pod", "pods x", key=term_key)
    glossary = _glossary(project)
    assert glossary["pods x"].definition == "pods x is something."
    assert glossary["pod"].aliases == ("Q",)
    assert glossary["pod"].definition == "pod is something."  # its own again
    assert len(glossary["pod"].occurrences) == 1
    assert json.loads(json.dumps(repo.kept_apart(project))) == [["pod", "pods x"]]


def test_export_carries_the_category(data_dir: Path) -> None:
    project = _project()
    repo.replace_candidate_terms(
        project, [R("pod", "en", 1, 2, 1, category="object"), R("node", "en", 1, 2, 1)]
    )
    _with_glossary(project, _entry("pod"), _entry("node", aliases=["worker"]))
    repo.set_term_category(project, ["worker"], "machine", language=lambda t: "en")
    entries = {e.term: e for e in project_glossary(project)}
    assert (entries["pod"].category, entries["node"].category) == ("object", "machine")
    csv_text = export(list(entries.values()), "csv")
    assert csv_text.splitlines()[0].endswith(",category")
    assert csv_text.splitlines()[1].endswith(",machine")
    payload = json.loads(export(list(entries.values()), "json"))
    assert [e["category"] for e in payload["entries"]] == ["machine", "object"]
    tbx = export(list(entries.values()), "tbx")
    assert '<descrip type="subjectField">machine</descrip>' in tbx
    assert "*Category:* object" in export(list(entries.values()), "md")


def test_the_terms_fingerprint_changes_with_curation_alone(data_dir: Path) -> None:
    """Commits of other processes reach the Terms page only when the fingerprint moves: a
    mark, a note or a category changes no count and no score."""
    project = repo.create_project("P")
    repo.replace_candidate_terms(
        project,
        [repo.TermRecord("write cache", "en", 3.0, 4, 2), repo.TermRecord("pod", "en", 2.0, 3, 1)],
    )
    seen = {repo.table_fingerprint("term", project)}
    changes = [
        lambda: repo.mark_terms(project, ["pod"], TermStatus.REQUIRED),
        lambda: repo.mark_terms(project, ["pod"], TermStatus.EXCLUDED),
        lambda: repo.set_term_note(project, "pod", "a unit of scheduling"),
        lambda: repo.set_term_note(project, "pod", "a unit of deployment"),
        lambda: repo.set_term_category(project, ["pod"], "concept"),
    ]
    for change in changes:
        change()
        fingerprint = repo.table_fingerprint("term", project)
        assert fingerprint not in seen
        seen.add(fingerprint)


def test_grouped_terms_show_that_the_next_run_defines_them(data_dir: Path) -> None:
    project = repo.create_project("P")
    records = [repo.TermRecord(f"term {i}", "en", 100.0 - i, 5, 1) for i in range(30)]
    repo.replace_candidate_terms(project, records, cutoff=20)
    below = {r.text: r.selection for r in repo.term_rows(project)}
    assert below["term 25"] == below["term 26"] == repo.Selection.BELOW_CUTOFF
    repo.merge_terms(project, ["term 25", "term 26"], "term 25")
    shown = {r.text: r.selection for r in repo.term_rows(project)}
    assert shown["term 25"] == shown["term 26"] == repo.Selection.CHOSEN
    assert shown["term 25"].in_glossary
    assert shown["term 24"] == repo.Selection.BELOW_CUTOFF


#: Every curation write, with what it leaves behind (checked once it got past the lock).
_CURATION_WRITES: dict[str, tuple[Callable[[int], object], Callable[[int], bool]]] = {
    "extraction": (
        lambda p: repo.replace_candidate_terms(p, [R("etcd", "en", 1, 2, 1)]),
        lambda p: "etcd" in _rows(p),
    ),
    "status by id": (
        lambda p: repo.set_term_status(p, [_rows(p)["pod"].id], TermStatus.EXCLUDED),
        lambda p: _rows(p)["pod"].status == TermStatus.EXCLUDED,
    ),
    "mark": (
        lambda p: repo.mark_terms(p, ["pod"], TermStatus.REQUIRED),
        lambda p: _rows(p)["pod"].status == TermStatus.REQUIRED,
    ),
    "add": (lambda p: repo.add_term(p, "etcd"), lambda p: "etcd" in _rows(p)),
    "note": (
        lambda p: repo.set_term_note(p, "pod", "mine"),
        lambda p: _rows(p)["pod"].note == "mine",
    ),
    "category": (
        lambda p: repo.set_term_category(p, ["pod"], "object"),
        lambda p: _rows(p)["pod"].category == "object",
    ),
    "edit": (
        lambda p: repo.set_definition_edit(p, "pod", "Mine."),
        lambda p: repo.definition_edits(p) == {"pod": "Mine."},
    ),
    "merge": (
        lambda p: repo.merge_terms(p, ["pod", "node"], "pod"),
        lambda p: repo.synonym_groups(p) == [("pod", ("node",))],
    ),
    "split": (
        lambda p: repo.split_term(p, "pod", "node"),
        lambda p: repo.kept_apart(p) == [("node", "pod")],
    ),
    "keep apart": (
        lambda p: repo.keep_apart(p, None, "pod", "node"),
        lambda p: repo.kept_apart(p) == [("node", "pod")],
    ),
    "undo": (
        lambda p: repo.restore_curation(
            p,
            replace(
                repo.curation_snapshot(p, ["pod"]),
                terms=(repo.TermCuration("pod", note="undone"),),
            ),
        ),
        lambda p: _rows(p)["pod"].note == "undone",
    ),
}


@pytest.mark.parametrize("name", sorted(_CURATION_WRITES))
def test_a_curation_write_waits_for_a_run_holding_the_database(data_dir: Path, name: str) -> None:
    """A run (or another GenGlossary) is writing when the user curates: the edit waits for
    it and lands, instead of failing with "database is locked"."""
    project = _project()
    repo.replace_candidate_terms(project, [R("pod", "en", 2, 3, 1), R("node", "en", 1, 2, 1)])
    write, landed = _CURATION_WRITES[name]
    db.execute_sql("PRAGMA busy_timeout = 20")  # refused at once, not after seconds
    write_past_a_lock(data_dir, lambda: write(project))
    assert landed(project)


def test_a_merged_entry_is_headed_as_the_user_chose_among_variants(data_dir: Path) -> None:
    """Two spellings of one term each have an entry ("Pods" sorts first in the store's
    index): the merged entry is headed by the one the user chose."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "Pods", "node")])
    _with_glossary(project, _entry("pod"), _entry("Pods"), _entry("node"))
    assert repo.merge_terms(project, ["Pods", "node"], "pod", key=term_key) == "pod"
    glossary = _glossary(project)
    assert "Pods" not in glossary and set(glossary["pod"].aliases) == {"Pods", "node"}


def test_an_extraction_of_thousands_of_terms_stores_every_one(data_dir: Path) -> None:
    """Written in batches (SQLite limits a statement's values): none is lost between them."""
    project = _project()
    records = [R(f"term {i:04}", "en", 1.0, 2, 1) for i in range(1_234)]
    repo.replace_candidate_terms(project, records)
    assert [t.text for t in repo.ranked_terms(project)] == [r.text for r in records]


def test_keeping_apart_terms_not_in_one_group_leaves_every_group_as_it_is(
    data_dir: Path,
) -> None:
    project = _project()
    terms = ("pod", "node", "x", "etcd", "kubelet")
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in terms])
    repo.merge_terms(project, ["pod", "node"], "pod")
    repo.merge_terms(project, ["etcd", "kubelet"], "etcd")
    repo.keep_apart(project, None, "pod", "x")  # x is in no group: nothing to leave
    repo.keep_apart(project, None, "x", "node")
    repo.keep_apart(project, None, "node", "kubelet")  # each in a group of its own
    repo.keep_apart(project, None, "kubelet", "pod")  # the later group's first
    repo.keep_apart(project, None, "nowhere", "pod")  # a term with no row
    assert repo.synonym_groups(project) == [("pod", ("node",)), ("etcd", ("kubelet",))]
    assert sorted(repo.kept_apart(project)) == [
        ("kubelet", "node"),
        ("kubelet", "pod"),
        ("node", "x"),
        ("nowhere", "pod"),
        ("pod", "x"),
    ]


@pytest.mark.parametrize("status", [TermStatus.CANDIDATE, TermStatus.REQUIRED])
def test_merging_into_a_group_takes_its_members_entries_in_a_glossary_from_before_it(
    data_dir: Path, status: TermStatus
) -> None:
    """The user went back to a glossary made before the group (Revert): there its members
    still have entries of their own. Merging one more term into the group takes in every
    member's entry, not only the terms just named; an excluded member stays out."""
    from genglossary_gui.store import transitions

    project = _project()
    repo.replace_candidate_terms(
        project, [R(t, "en", 1, 2, 1) for t in ("pod", "node", "etcd", "x")]
    )
    older = _with_glossary(project, *(_entry(t) for t in ("pod", "node", "etcd", "x")))
    _with_glossary(project, *(_entry(t) for t in ("pod", "node", "etcd", "x")))
    repo.merge_terms(project, ["pod", "node", "x"], "pod")  # in the newer glossary
    repo.mark_terms(project, ["node"], status)
    repo.mark_terms(project, ["x"], TermStatus.EXCLUDED)
    assert transitions.promote_run(older) == transitions.PromoteResult.PROMOTED
    repo.merge_terms(project, ["etcd"], "pod")
    glossary = _glossary(project)
    assert set(glossary) == {"pod", "x"}
    assert set(glossary["pod"].aliases) == {"node", "etcd"}


def test_curation_reads_a_generate_only_glossary_beside_refined_ones(data_dir: Path) -> None:
    """The current run only generated (no refining): its provisional entries are the
    glossary, though earlier runs and other projects have refined ones."""
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    other = _project("Other")
    repo.replace_candidate_terms(other, [R("pod", "en", 1, 2, 1)])
    _with_glossary(other, _entry("pod"))
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    _with_glossary(project, _entry("pod"), _entry("node"))
    run = transitions.create_run(project, "generate", current_owner())
    transitions.mark_running(run)
    repo.save_entries(project, run, "provisional", [_entry("pod"), _entry("node")])
    transitions.mark_completed(run, "done")
    assert repo.current_run(project) == run
    repo.merge_terms(project, ["pod", "node"], "pod")
    rows = {r.term: r for r in repo.glossary_rows(project, run)}
    assert set(rows) == {"pod"} and rows["pod"].aliases == ("node",)
    assert _rows(project)["node"].merged_into == "pod"


def test_a_curated_term_the_documents_no_longer_name_keeps_its_curation_not_its_counts(
    data_dir: Path,
) -> None:
    project = _project()
    repo.replace_candidate_terms(
        project, [R("pod", "en", 5, 9, 3, defined=True), R("node", "en", 1, 2, 1)]
    )
    repo.set_term_note(project, "pod", "Ours.")
    repo.replace_candidate_terms(project, [R("node", "en", 1, 2, 1)])
    pod = _rows(project)["pod"]
    assert pod.note == "Ours."
    assert (pod.frequency, pod.document_count, pod.score, pod.defined) == (0, 0, 0.0, False)
    assert [t.text for t in repo.ranked_terms(project)] == ["node", "pod"]  # rank 0: last


def test_splitting_a_variant_with_no_entry_to_give_back_only_frees_it(data_dir: Path) -> None:
    """The current run never defined the variant apart: it leaves its holder's aliases (the
    next run defines it); no other entry and no other run changes."""
    project = _project()
    repo.replace_candidate_terms(
        project, [R(t, "en", 1, 2, 1) for t in ("aaa", "pod", "node", "zzz")]
    )
    older = _with_glossary(
        project, _entry("zzz", aliases=["node"]), provisional=(_entry("qqq", aliases=["node"]),)
    )
    _with_glossary(project, _entry("aaa", aliases=["x"]), _entry("pod", aliases=["node"]))
    assert repo.split_term(project, "pod", "node") is None
    glossary = _glossary(project)
    assert set(glossary) == {"aaa", "pod"}
    assert (glossary["pod"].aliases, glossary["aaa"].aliases) == ((), ("x",))
    assert [r.aliases for r in repo.glossary_rows(project, older)] == [("node",)]


def test_merging_under_a_headword_refining_merged_away_takes_its_holder_in(
    data_dir: Path,
) -> None:
    """Refining made "pod" an alias of "container"; the user merges "node" under "pod": the
    group heads the entry that held it."""
    project = _project()
    repo.replace_candidate_terms(
        project, [R(t, "en", 1, 2, 1) for t in ("container", "pod", "node")]
    )
    _with_glossary(project, _entry("container", aliases=["pod"]), _entry("node"))
    repo.merge_terms(project, ["node"], "pod")
    glossary = _glossary(project)
    assert set(glossary) == {"pod"}
    assert set(glossary["pod"].aliases) == {"container", "node"}


def test_a_merged_entry_keeps_the_head_and_every_alias_of_its_members(data_dir: Path) -> None:
    """ "Zeta" sorts first (capitals before small letters): the entry is still headed by the
    user's headword, and the aliases refining gave a member stay with the merged entry."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("beta", "Zeta")])
    _with_glossary(project, _entry("beta"), _entry("Zeta", aliases=["ZT"]))
    repo.merge_terms(project, ["Zeta"], "beta")
    glossary = _glossary(project)
    assert set(glossary) == {"beta"}
    assert set(glossary["beta"].aliases) == {"Zeta", "ZT"}


def test_a_merged_entry_is_headed_by_the_headwords_own_entry_in_another_casing(
    data_dir: Path,
) -> None:
    """The run wrote the headword's entry as "bEta" (its display form then); "Zeta" sorts
    before it: the merged entry is still the headword's."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("beta", "Zeta")])
    _with_glossary(project, _entry("bEta"), _entry("Zeta"))
    repo.merge_terms(project, ["Zeta"], "beta")
    glossary = _glossary(project)
    assert set(glossary) == {"bEta"} and glossary["bEta"].aliases == ("Zeta",)


def test_keeping_apart_finds_the_entry_by_its_own_name_and_keeps_its_other_aliases(
    data_dir: Path,
) -> None:
    """ "Zeta" sorts before "pod" in the store: keeping "node" apart from "pod" still gives
    node its entry back from pod's, whose other aliases stay."""
    project = _project()
    terms = ("Zeta", "pod", "node", "container", "zone")
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in terms])
    shared = ("shared.md", 3, "Pods run on a node.")
    merged = [("pod.md", 1, "pod is something."), ("node.md", 1, "node is something."), shared]
    run = _with_glossary(
        project,
        _entry("Zeta"),
        # Refining's order, not sorted; the two share a sentence.
        replace(_entry("pod", aliases=["zone", "container", "node"]), occurrences=merged),
        provisional=(
            replace(_entry("pod"), occurrences=[merged[0], shared]),
            replace(_entry("node"), occurrences=[merged[1], shared]),
        ),
    )
    assert repo.keep_apart(project, run, "pod", "node") == "node"
    glossary = _glossary(project)
    assert set(glossary) == {"Zeta", "pod", "node"}
    assert glossary["pod"].aliases == ("zone", "container")
    # pod loses the places only node was named at, not those they share.
    assert [o[:2] for o in glossary["pod"].occurrences] == [("pod.md", 1), ("shared.md", 3)]


def _curate(project: int, term: str, curation: str, other: str) -> None:
    """Give ``term`` one kind of the user's curation ("group": grouped under ``other``)."""
    if curation == "note":
        repo.set_term_note(project, term, "Ours.")
    elif curation == "category":
        repo.set_term_category(project, [term], "mine")
    elif curation == "group":
        repo.merge_terms(project, [other, term], other)
    else:
        repo.mark_terms(project, [term], TermStatus(curation))


@pytest.mark.parametrize("curation", ["note", "required", "excluded", "category", "group"])
def test_a_term_named_in_another_spelling_finds_the_curated_one_of_two(
    data_dir: Path, curation: str
) -> None:
    """Two rows are one term by the window's key ("pod", "Pods"): an edit naming it reaches
    the row the user curated (any kind of curation), whichever the store lists first."""
    project = _project()
    terms = ("pod", "Pods", "node")
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in terms])
    _curate(project, "Pods", curation, "node")
    repo.set_term_note(project, "POD", "named otherwise", key=term_key)
    rows = _rows(project)
    assert (rows["Pods"].note, rows["pod"].note) == ("named otherwise", "")


def test_unmarking_terms_passes_over_a_name_without_a_row(data_dir: Path) -> None:
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    repo.mark_terms(project, ["pod", "node"], TermStatus.REQUIRED)
    assert repo.mark_terms(project, ["pod", "nowhere", "node"], TermStatus.CANDIDATE) == 2
    assert "nowhere" not in _rows(project)  # unmarking adds no term
    assert repo.required_terms(project) == set()


def test_undoing_a_hand_added_term_an_extraction_found_since_keeps_its_row(
    data_dir: Path,
) -> None:
    project = _project()
    repo.replace_candidate_terms(project, [R("pod", "en", 1, 2, 1)])
    before = repo.curation_snapshot(project, ["etcd"], key=term_key)
    repo.add_term(project, "etcd", key=term_key)
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "etcd")])
    repo.restore_curation(project, before, key=term_key)
    rows = _rows(project)
    assert rows["etcd"].status == TermStatus.CANDIDATE and rows["etcd"].frequency == 2


def _project_with_257_groups() -> int:
    """256 pairs, then the group "last head", "last a", "last b": number 257 (CPython shares
    int objects only up to 256, so a comparison by identity tells the numbers apart)."""
    project = _project()
    pairs = [(f"head {i:03}", f"member {i:03}") for i in range(256)]
    last = ("last head", "last a", "last b")
    terms = [*(t for pair in pairs for t in pair), *last]
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in terms])
    for head, member in pairs:
        repo.merge_terms(project, [head, member], head)
    repo.merge_terms(project, list(last), last[0])
    return project


def test_a_group_numbered_past_256_is_found_whole(data_dir: Path) -> None:
    """Group numbers are compared by value (CPython shares int objects only up to 256)."""
    project = _project_with_257_groups()
    snapshot = repo.curation_snapshot(project, ["last b"], key=term_key)
    assert {t.group for t in snapshot.terms} == {257}
    assert {t.text for t in snapshot.terms} == {"last head", "last a", "last b"}


def test_an_undo_after_its_project_was_deleted_writes_nothing(data_dir: Path) -> None:
    """Undo is still offered for a project deleted since (elsewhere); a new project, which
    SQLite gives the deleted run's id, must not receive the old glossary's entries."""
    project = _project("Gone")
    _project("Kept")  # the next project's id is not the deleted one's; its run's id is
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    _with_glossary(project, _entry("pod"), _entry("node"))
    before = repo.curation_snapshot(project, ["pod", "node"], key=term_key, glossary=True)
    repo.merge_terms(project, ["pod", "node"], "pod", key=term_key)
    repo.delete_project(project)
    new = _project("New")
    repo.replace_candidate_terms(new, [R("etcd", "en", 1, 2, 1)])
    run = _with_glossary(new, _entry("etcd"))
    repo.restore_curation(project, before, key=term_key)
    assert [r.term for r in repo.glossary_rows(new, run)] == ["etcd"]
    assert Term.select().where(Term.project == project).count() == 0


def test_clearing_a_category_passes_over_a_name_without_a_row(data_dir: Path) -> None:
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    repo.set_term_category(project, ["pod", "node"], "object")
    repo.set_term_category(project, ["pod", "nowhere", "node"], "")
    assert repo.term_categories(project) == {} and "nowhere" not in _rows(project)


def test_every_kind_of_curation_with_another_keeps_its_row_through_a_reextraction(
    data_dir: Path,
) -> None:
    """A term carrying two kinds of the user's curation is as curated as one carrying one."""
    project = _project()
    terms = ("excluded", "noted", "categorised", "grouped", "member", "plain")
    records = [R(t, "en", 1, 2, 1) for t in terms]
    repo.replace_candidate_terms(project, records)
    repo.mark_terms(project, ["excluded"], TermStatus.EXCLUDED)
    repo.set_term_note(project, "excluded", "Not ours.")
    repo.set_term_note(project, "noted", "Ours.")
    repo.set_term_category(project, ["noted", "categorised"], "mine")
    repo.merge_terms(project, ["categorised", "grouped"], "categorised")
    repo.merge_terms(project, ["grouped", "member"], "grouped")
    before = repo.term_rows(project)
    repo.replace_candidate_terms(project, list(reversed(records)))
    after = {r.text: r for r in repo.term_rows(project)}
    for row in before:
        kept = after[row.text]
        if row.text != "plain":
            assert kept.id == row.id, row.text
        assert (kept.status, kept.note, kept.category, kept.group) == (
            row.status,
            row.note,
            row.category,
            row.group,
        )
    assert after["excluded"].status == TermStatus.EXCLUDED
    assert repo.synonym_groups(project) == [("grouped", ("categorised", "member"))]


def test_a_curated_term_no_longer_found_leaves_every_other_terms_counts(data_dir: Path) -> None:
    before = _project("Before")
    project = _project()
    after = _project("After")
    for p in (before, project, after):
        repo.replace_candidate_terms(p, [R("gone", "en", 1, 3, 1), R("kept", "en", 2, 4, 2)])
        repo.set_term_note(p, "gone", "Ours.")
        repo.set_term_note(p, "kept", "Ours too.")
    neighbours = {p: repo.term_rows(p) for p in (before, after)}
    repo.replace_candidate_terms(project, [R("kept", "en", 5, 7, 3), R("new", "en", 1, 2, 1)])
    rows = _rows(project)
    assert (rows["kept"].score, rows["kept"].frequency, rows["kept"].document_count) == (5, 7, 3)
    assert (rows["gone"].score, rows["gone"].frequency, rows["gone"].document_count) == (0, 0, 0)
    assert rows["new"].frequency == 2
    assert {p: repo.term_rows(p) for p in (before, after)} == neighbours


def test_marking_never_reaches_another_projects_terms(data_dir: Path) -> None:
    """An id the caller holds from another project (a stale view) marks nothing."""
    before = _project("Before")
    project = _project()
    after = _project("After")
    for p in (before, project, after):
        repo.replace_candidate_terms(p, [R("pod", "en", 1, 2, 1)])
    strangers = [_rows(before)["pod"].id, _rows(after)["pod"].id]
    assert repo.set_term_status(project, strangers, TermStatus.REQUIRED) == 0
    assert repo.set_term_status(project, [_rows(project)["pod"].id], TermStatus.EXCLUDED) == 1
    assert [_rows(p)["pod"].status for p in (before, project, after)] == [
        TermStatus.CANDIDATE,
        TermStatus.EXCLUDED,
        TermStatus.CANDIDATE,
    ]


@pytest.mark.parametrize(
    ("term", "other", "remaining"),
    [("pod", "node", "kubelet"), ("node", "pod", "kubelet"), ("node", "kubelet", "node")],
)
def test_keeping_apart_two_of_a_group_takes_one_out_and_never_the_headword(
    data_dir: Path, term: str, other: str, remaining: str
) -> None:
    """Of a group of three headed by "pod": the one named second leaves, unless it is the
    headword (then the first does); the group stays with the other two."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node", "kubelet")])
    repo.merge_terms(project, ["pod", "node", "kubelet"], "pod")
    repo.keep_apart(project, None, term, other)
    assert repo.synonym_groups(project) == [("pod", (remaining,))]


def test_keeping_apart_two_of_a_group_numbered_past_256_takes_one_out(data_dir: Path) -> None:
    project = _project_with_257_groups()
    repo.keep_apart(project, None, "last a", "last b")
    assert repo.synonym_groups(project)[-1] == ("last head", ("last a",))
    assert _rows(project)["last b"].group == ""


@pytest.mark.parametrize("scope", ["full", "generate"])
def test_the_terms_page_shows_its_own_projects_current_glossary_only(
    data_dir: Path, scope: str
) -> None:
    """A project made later, whose run is newer, merged the same names otherwise (and
    refined, where this project's current run only generated)."""
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    project = _project()
    later = _project("Later")
    for p in (project, later):
        terms = ("pod", "node", "container")
        repo.replace_candidate_terms(p, [R(t, "en", 1, 2, 1) for t in terms])
    mine = (_entry("pod", aliases=["node"]), _entry("container"))
    if scope == "full":
        _with_glossary(project, *mine)
    else:
        run = transitions.create_run(project, "generate", current_owner())
        transitions.mark_running(run)
        repo.save_entries(project, run, "provisional", mine)
        transitions.mark_completed(run, "done")
    _with_glossary(later, _entry("pod", aliases=["container"]), _entry("node", aliases=["x"]))
    rows = _rows(project)
    assert {t: (r.merged_into, r.aliases) for t, r in rows.items()} == {
        "pod": ("", ("node",)),
        "node": ("pod", ()),
        "container": ("", ()),
    }


def test_keeping_apart_announces_the_pair_and_the_glossary_it_changed(data_dir: Path) -> None:
    """The document viewer and the Glossary page's run list listen for glossary entries."""
    from genglossary_gui.store import notify
    from genglossary_gui.vocabulary import Topic

    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    run = _with_glossary(
        project, _entry("pod", aliases=["node"]), provisional=(_entry("pod"), _entry("node"))
    )
    changes: list[notify.Change] = []
    unsubscribe = notify.subscribe(changes.append)
    try:
        repo.keep_apart(project, None, "pod", "x")
        assert changes == [notify.Change(Topic.KEPT_APART, (project,))]
        changes.clear()
        assert repo.keep_apart(project, run, "pod", "node") == "node"
    finally:
        unsubscribe()
    assert notify.Change(Topic.GLOSSARY_ENTRY, (run,)) in changes


#: Every project's glossary entries, as they are stored.
_ENTRIES_SQL = "SELECT run_id, stage, term, aliases FROM glossary_entry ORDER BY id"


def test_keeping_apart_in_one_run_leaves_every_other_runs_entries(data_dir: Path) -> None:
    """The same merge in a neighbour made before, the project's earlier run and a neighbour
    made after: only the run named gets the entry back."""

    before = _project("Before")
    project = _project()
    runs = []
    for n, p in enumerate((before, project, project, _project("After"))):
        repo.replace_candidate_terms(p, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
        node = replace(_entry("node"), definition=f"node is something of run {n}.")
        runs.append(
            _with_glossary(p, _entry("pod", aliases=["node"]), provisional=(_entry("pod"), node))
        )

    def entries() -> dict[int, list[tuple[str, str, str]]]:
        out: dict[int, list[tuple[str, str, str]]] = {}
        for run, *entry in db.execute_sql(_ENTRIES_SQL).fetchall():
            out.setdefault(run, []).append(tuple(entry))
        return out

    others = {run: rows for run, rows in entries().items() if run != runs[2]}
    assert repo.keep_apart(project, runs[2], "pod", "node") == "node"
    now = entries()
    assert {run: rows for run, rows in now.items() if run != runs[2]} == others
    assert sorted(e for e in now[runs[2]] if e[0] == "refined") == [
        ("refined", "node", "[]"),
        ("refined", "pod", "[]"),
    ]
    assert _glossary(project)["node"].definition == "node is something of run 2."


@pytest.mark.parametrize("refined", ["a group of containers.", "zones of containers."])
def test_keeping_apart_keeps_a_definition_refining_wrote_for_the_headword(
    data_dir: Path, refined: str
) -> None:
    """Refining rewrote pod's definition (neither its own nor node's, sorting before or
    after node's): it stays; node gets its own back."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    run = _with_glossary(
        project,
        replace(_entry("pod", aliases=["node"]), definition=refined),
        provisional=(_entry("pod"), _entry("node")),
    )
    assert repo.keep_apart(project, run, "pod", "node") == "node"
    glossary = _glossary(project)
    assert glossary["pod"].definition == refined
    assert glossary["node"].definition == "node is something."


def test_keeping_apart_from_a_headword_without_an_entry_of_its_own(data_dir: Path) -> None:
    """Only node had an entry before refining merged it into pod: pod keeps the definition
    it took (there is no other), node gets its entry back."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    node = _entry("node")
    merged = replace(node, term="pod", aliases=["node"])
    run = _with_glossary(project, merged, provisional=(node,))
    assert repo.keep_apart(project, run, "pod", "node") == "node"
    glossary = _glossary(project)
    assert (glossary["pod"].definition, glossary["pod"].aliases) == ("node is something.", ())
    assert glossary["node"].definition == "node is something."


@pytest.mark.parametrize("curation", ["none", "required", "note", "category", "group"])
def test_a_redo_brings_back_a_term_an_extraction_dropped_only_when_it_was_curated(
    data_dir: Path, curation: str
) -> None:
    """Undo took node's curation away, an extraction that no longer finds node dropped it,
    Redo puts the curation back: on a row made again, unless there was none to put back."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    undone = repo.curation_snapshot(project, ["node"], key=term_key)
    if curation != "none":
        _curate(project, "node", curation, "pod")
    done = repo.curation_snapshot(project, ["node"], key=term_key)
    repo.restore_curation(project, undone, key=term_key)
    repo.replace_candidate_terms(project, [R("pod", "en", 1, 2, 1)])
    assert "node" not in _rows(project)
    repo.restore_curation(project, done, key=term_key)
    rows = _rows(project)
    if curation == "none":
        assert set(rows) == {"pod"}
        return
    node = rows["node"]
    assert (node.status, node.note, node.category, node.group) == {
        "required": (TermStatus.REQUIRED, "", "", ""),
        "note": (TermStatus.CANDIDATE, "Ours.", "", ""),
        "category": (TermStatus.CANDIDATE, "", "mine", ""),
        "group": (TermStatus.CANDIDATE, "", "", "pod"),
    }[curation]


def test_keeping_apart_in_a_run_that_never_merged_the_pair_changes_no_run(data_dir: Path) -> None:
    """Mine's current run has no entry for pod; a project made later merged node into it."""

    project = _project()
    later = _project("Later")
    for p in (project, later):
        repo.replace_candidate_terms(p, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    run = _with_glossary(project, _entry("node"))
    _with_glossary(later, _entry("pod", aliases=["node"]), provisional=(_entry("node"),))
    entries = db.execute_sql(_ENTRIES_SQL).fetchall()
    assert repo.keep_apart(project, run, "pod", "node") is None
    assert db.execute_sql(_ENTRIES_SQL).fetchall() == entries
    assert repo.kept_apart(project) == [("node", "pod")]


def test_keeping_apart_in_a_copied_glossary_takes_no_entry_from_an_earlier_run(
    data_dir: Path,
) -> None:
    """The current run copied its glossary (no provisional entries of its own); the run
    before it has node's entry: that one is not the current run's to give back."""
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    _with_glossary(project, _entry("pod", aliases=["node"]), provisional=(_entry("node"),))
    run = transitions.create_run(project, "full", current_owner())
    transitions.mark_running(run)
    repo.save_entries(project, run, "refined", [_entry("pod", aliases=["node"])])
    transitions.mark_completed(run, "done")
    assert repo.keep_apart(project, run, "pod", "node") is None
    glossary = _glossary(project)
    assert set(glossary) == {"pod"} and glossary["pod"].aliases == ("node",)


def test_a_snapshot_of_curation_alone_puts_back_no_glossary_entry(data_dir: Path) -> None:
    """Taken without ``glossary=True`` (as for a note): restoring it leaves the entries as
    they are now, here after a Keep Apart made since gave node its entry back."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    run = _with_glossary(
        project, _entry("pod", aliases=["node"]), provisional=(_entry("pod"), _entry("node"))
    )
    before = repo.curation_snapshot(project, ["pod"], key=term_key)
    assert (before.run_id, before.entries) == (None, None)
    repo.set_term_note(project, "pod", "Ours.")
    assert repo.keep_apart(project, run, "pod", "node") == "node"
    repo.restore_curation(project, before, key=term_key)
    assert _rows(project)["pod"].note == ""
    glossary = _glossary(project)
    assert set(glossary) == {"pod", "node"} and glossary["pod"].aliases == ()


def test_a_cutoff_past_256_takes_exactly_that_many_candidates(data_dir: Path) -> None:
    """Counted by value (CPython shares int objects only up to 256)."""
    project = _project()
    records = [R(f"term {i:03}", "en", 1000 - i, 2, 1) for i in range(400)]
    repo.replace_candidate_terms(project, records, cutoff=300)
    assert [t for t, _ in repo.glossary_terms(project, 1000)] == [r.text for r in records[:300]]
    chosen = [r.text for r in repo.term_rows(project) if r.in_glossary]
    assert chosen == [r.text for r in records[:300]]


def test_splitting_from_a_copied_glossary_changes_only_the_current_runs_entry(
    data_dir: Path,
) -> None:
    """The current run copied its glossary (no entry of node's own to give back): node only
    leaves pod's aliases, whose others stay, sorting before and after it; another project's
    generate-only glossary with the same merge keeps it, one that merged node into another
    entry too, and so does the project's earlier run."""
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    def glossary_of(project: int, stage: str, entries: list[object]) -> int:
        run = transitions.create_run(project, "full", current_owner())
        transitions.mark_running(run)
        repo.save_entries(project, run, stage, entries)
        transitions.mark_completed(run, "done")
        return run

    terms = [R(t, "en", 1, 2, 1) for t in ("pod", "node", "container", "zone")]
    before = _project("Before")
    repo.replace_candidate_terms(before, terms)
    merged = _entry("pod", aliases=["zone", "node", "container"])
    glossary_of(before, "provisional", [merged])
    project = _project()
    repo.replace_candidate_terms(project, terms)
    earlier = glossary_of(project, "refined", [merged])
    glossary_of(project, "refined", [merged])
    before_now = repo.glossary_rows(project, earlier)
    after = _project("After")
    repo.replace_candidate_terms(after, terms)
    glossary_of(after, "refined", [_entry("container", aliases=["node"])])
    theirs = (_glossary(before), _glossary(after))
    assert repo.split_term(project, "pod", "node") is None
    assert _glossary(project)["pod"].aliases == ("zone", "container")
    assert (_glossary(before), _glossary(after)) == theirs
    assert repo.glossary_rows(project, earlier) == before_now


@pytest.mark.parametrize("order", ["head first", "head last"])
@pytest.mark.parametrize("member", ["node", "zone"])
def test_a_merge_takes_the_headwords_definition_over_a_surer_one_of_its_kind(
    data_dir: Path, order: str, member: str
) -> None:
    """Of two definitions of one kind, the headword's heads the group, however sure the
    other is, whichever the store lists first and whether the other sorts before or after."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", member)])
    entries = [_entry("pod", confidence=0.5), _entry(member, confidence=0.9)]
    _with_glossary(project, *(entries if order == "head first" else entries[::-1]))
    repo.merge_terms(project, ["pod", member], "pod")
    glossary = _glossary(project)
    assert set(glossary) == {"pod"}
    assert (glossary["pod"].definition, glossary["pod"].aliases) == ("pod is something.", (member,))


def test_a_merge_is_headed_by_the_headword_whatever_sorts_after_it(data_dir: Path) -> None:
    """pod's entry comes first in the store, and "pod" sorts after the headword "node"."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    _with_glossary(project, _entry("pod", "usage", 0.3), _entry("node", "usage", 0.3))
    repo.merge_terms(project, ["pod", "node"], "node")
    glossary = _glossary(project)
    assert set(glossary) == {"node"} and glossary["node"].aliases == ("pod",)


@pytest.mark.parametrize("pods_aliases", [[], ["Nodes"]])
def test_a_merge_keeps_the_spelling_of_an_alias_it_takes_from_another_entry(
    data_dir: Path, pods_aliases: list[str]
) -> None:
    """Refining made "Nodes" an alias of etcd's entry (and of pod's too, in one case); the
    user groups node with pod: the merged entry takes "Nodes" as it was written, beside the
    member's own name."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node", "etcd")])
    _with_glossary(project, _entry("pod", aliases=pods_aliases), _entry("etcd", aliases=["Nodes"]))
    repo.merge_terms(project, ["pod", "node"], "pod", key=term_key)
    glossary = _glossary(project)
    assert glossary["pod"].aliases == ("node", "Nodes")
    assert glossary["etcd"].aliases == ()


def test_a_merge_is_headed_by_the_headwords_entry_in_its_own_spelling(data_dir: Path) -> None:
    """The term's row reads "Pod", its entry "pod" (the run wrote it so), and the member
    "Zone" sorts between the two: the merged entry is pod's."""
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("Pod", "Zone")])
    _with_glossary(project, _entry("pod", "usage", 0.3), _entry("Zone", "usage", 0.3))
    repo.merge_terms(project, ["Pod", "Zone"], "Pod", key=term_key)
    glossary = _glossary(project)
    assert set(glossary) == {"pod"} and glossary["pod"].aliases == ("Zone",)


@pytest.mark.parametrize("found_since", [False, True])
def test_undoing_a_hand_added_term_changes_that_row_alone(
    data_dir: Path, found_since: bool
) -> None:
    """etcd had no row when the user added it (required): Undo removes the row, or, when an
    extraction found etcd since, leaves it without the mark. Every other row, the project's
    and its neighbours' (made before and after), stays as it is."""
    before = _project("Before")
    project = _project()
    for p in (before, project):
        repo.replace_candidate_terms(p, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
        repo.set_term_note(p, "pod", "Ours.")
    undone = repo.curation_snapshot(project, ["etcd"], key=term_key)
    repo.add_term(project, "etcd", key=term_key)
    if found_since:
        repo.replace_candidate_terms(
            project, [R(t, "en", 1, 2, 1) for t in ("pod", "node", "etcd")], key=term_key
        )
    after = _project("After")
    repo.replace_candidate_terms(after, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    repo.mark_terms(after, ["node"], TermStatus.REQUIRED)
    repo.set_term_note(after, "pod", "Theirs.")
    neighbours = {p: repo.term_rows(p) for p in (before, after)}
    mine = {r.text: r for r in repo.term_rows(project)}
    assert mine["etcd"].status == TermStatus.REQUIRED
    repo.restore_curation(project, undone, key=term_key)
    now = _rows(project)
    assert [now["pod"], now["node"]] == [mine["pod"], mine["node"]]
    if found_since:
        assert now["etcd"].status == TermStatus.CANDIDATE and now["etcd"].frequency == 2
    else:
        assert "etcd" not in now
    assert {p: repo.term_rows(p) for p in (before, after)} == neighbours


def test_an_undo_for_a_deleted_project_writes_nothing_into_the_one_that_took_its_id(
    data_dir: Path,
) -> None:
    """Another window deleted the project while this one holds its Undo; SQLite gives the
    next project its id (and its runs' ids to the next runs): that project is another."""
    _project("Kept")
    gone = _project("Gone")
    terms = [R(t, "en", 1, 2, 1) for t in ("pod", "node")]
    repo.replace_candidate_terms(gone, terms)
    repo.mark_terms(gone, ["pod"], TermStatus.REQUIRED)
    repo.set_term_note(gone, "node", "Theirs.")
    repo.set_definition_edit(gone, "pod", "Their pod.")
    repo.keep_apart(gone, None, "pod", "etcd")
    _with_glossary(gone, _entry("pod"), _entry("node"))
    before = repo.curation_snapshot(gone, ["pod", "node"], key=term_key, glossary=True)
    repo.merge_terms(gone, ["pod", "node"], "pod", key=term_key)
    repo.delete_project(gone)
    new = _project("New")
    assert new == gone  # the scenario: the id is reused
    repo.replace_candidate_terms(new, terms)
    run = _with_glossary(new, _entry("pod", aliases=["node"]))
    shown = (repo.term_rows(new), repo.glossary_rows(new, run))
    repo.restore_curation(gone, before, key=term_key)
    assert (repo.term_rows(new), repo.glossary_rows(new, run)) == shown
    assert (repo.definition_edits(new), repo.kept_apart(new)) == ({}, [])


def test_splitting_takes_the_variant_from_the_refined_entry_not_a_provisional_one(
    data_dir: Path,
) -> None:
    """Before refining, the user's group put node under container; refining merged both into
    pod. Splitting node from pod changes the refined glossary only."""
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    project = _project()
    repo.replace_candidate_terms(
        project, [R(t, "en", 1, 2, 1) for t in ("pod", "node", "container")]
    )
    run = transitions.create_run(project, "full", current_owner())
    transitions.mark_running(run)
    repo.save_entries(project, run, "provisional", [_entry("container", aliases=["node"])])
    repo.save_entries(project, run, "refined", [_entry("pod", aliases=["container", "node"])])
    transitions.mark_completed(run, "done")
    assert repo.split_term(project, "pod", "node") is None
    glossary = _glossary(project)
    assert set(glossary) == {"pod"} and glossary["pod"].aliases == ("container",)


def test_a_snapshot_taken_of_a_project_already_gone_restores_nothing(data_dir: Path) -> None:
    """This window changed a term of a project another window had just deleted: neither the
    change's Undo nor its Redo reaches the project that takes the id next."""
    gone = _project("Gone")
    repo.delete_project(gone)
    snapshot = repo.curation_snapshot(gone, ["pod"], key=term_key, glossary=True)
    assert snapshot.project_created is None
    new = _project("New")
    assert new == gone
    repo.replace_candidate_terms(new, [R("pod", "en", 1, 2, 1)])
    repo.set_term_note(new, "pod", "Ours.")
    shown = repo.term_rows(new)
    repo.restore_curation(gone, snapshot, key=term_key)
    assert repo.term_rows(new) == shown


def test_a_grouped_term_seen_once_or_no_longer_found_is_still_defined(data_dir: Path) -> None:
    """The user grouped them: the next run defines each, however rarely the documents name
    it (once, or no longer at all), like a required term; never an excluded one."""
    project = _project()
    records = [R("pod", "en", 3, 5, 2), R("pods x", "en", 1, 1, 1), R("old pod", "en", 1, 2, 1)]
    repo.replace_candidate_terms(project, [*records, R("kubelet", "en", 1, 1, 1)], cutoff=0)
    repo.merge_terms(project, ["pod", "pods x", "old pod"], "pod")
    repo.replace_candidate_terms(project, [*records[:2], R("kubelet", "en", 1, 1, 1)], cutoff=0)
    rows = _rows(project)
    assert (rows["pods x"].frequency, rows["old pod"].frequency) == (1, 0)
    assert {t for t, _ in repo.glossary_terms(project, 300)} == {"pod", "pods x", "old pod"}


def test_splitting_a_groups_headword_from_another_entry_leaves_its_group_a_head(
    data_dir: Path,
) -> None:
    """Refining merged pod, the head of the user's group, into container's entry; the user
    splits pod from container: the group keeps a head of its own members."""
    project = _project()
    terms = ("container", "pod", "node", "kubelet")
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in terms])
    repo.merge_terms(project, ["pod", "node", "kubelet"], "pod")
    repo.split_term(project, "container", "pod")
    assert repo.synonym_groups(project) == [("kubelet", ("node",))]
    rows = _rows(project)
    assert [rows[t].group for t in terms] == ["", "", "kubelet", "kubelet"]


def test_keeping_a_pair_apart_twice_records_it_once(data_dir: Path) -> None:
    project = _project()
    repo.replace_candidate_terms(project, [R(t, "en", 1, 2, 1) for t in ("pod", "node")])
    repo.keep_apart(project, None, "pod", "node")
    repo.keep_apart(project, None, "node", "pod")
    repo.split_term(project, "pod", "node")
    assert repo.kept_apart(project) == [("node", "pod")]
