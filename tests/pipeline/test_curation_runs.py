"""The user's curation survives every re-run: synonym groups stay one entry headed by the
chosen headword, split variants keep their own entry, notes, categories and hand-added terms
are kept; and random sequences of curation, undo and runs never lose an edit nor bring back
an undone one (a stateful property test against a model of the expected curation)."""

from __future__ import annotations

import copy
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from genglossary_gui.pipeline.export import export, project_glossary
from genglossary_gui.pipeline.text import term_key
from genglossary_gui.store import repositories as repo
from genglossary_gui.ui.curation import CurationActions
from genglossary_gui.vocabulary import TermStatus
from tests.glossary_runs import run_to_completion

DATA = Path(__file__).resolve().parents[1] / "data"


def _project(corpus: str = "glossary_en", name: str = "Storage") -> int:
    language = "ja" if corpus.endswith("_ja") else "en"
    project = repo.create_project(name, [str(DATA / corpus)], language)
    run_to_completion(project, "import")
    return project


def _glossary(project: int) -> dict[str, repo.GlossaryRow]:
    run = repo.current_run(project)
    assert run is not None
    return {r.term: r for r in repo.glossary_rows(project, run)}


def _holder(glossary: dict[str, repo.GlossaryRow], term: str) -> str | None:
    """The entry whose headword or alias ``term`` is, ignoring case (as edits are found)."""
    for row in glossary.values():
        if term.casefold() in {n.casefold() for n in (row.term, *row.aliases)}:
            return row.term
    return None


def test_every_curation_survives_full_runs(data_dir: Path, qapp: object) -> None:
    project = _project()
    run_to_completion(project, "full")
    assert "WAL" in _glossary(project)["write-ahead log"].aliases  # merged by refining
    actions = CurationActions()
    actions.merge(project, ["replication lag", "replica", "server"], "replica")
    actions.split(project, "write-ahead log", "WAL")
    actions.add_term(project, "Pod")
    actions.set_note(project, "checkpoint", "Ours are every five minutes.")
    actions.set_category(project, ["replica", "Checkpoints"], "operations")
    actions.edit_definition(project, "server", "A machine of ours.")  # an alias's edit
    assert actions.undo_stack.count() == 6
    for _ in range(2):  # the changes hold on every re-run, not just the next one
        run_to_completion(project, "extract")
        run_to_completion(project, "full")
        glossary = _glossary(project)
        replica = glossary["replica"]
        assert {"replication lag", "server"} <= set(replica.aliases)
        assert "replication lag" not in glossary and "server" not in glossary
        assert replica.suggested.startswith("A replica is a server")  # the headword's own
        assert replica.edited and replica.definition == "A machine of ours."
        assert "WAL" in glossary and "WAL" not in glossary["write-ahead log"].aliases
        assert glossary["WAL"].definition == "The write-ahead log is also called the WAL."
        assert glossary["Pod"].kind == "none"  # added by hand, not in the documents
        rows = {r.text: r for r in repo.term_rows(project)}
        assert rows["checkpoint"].note == "Ours are every five minutes."
        assert rows["checkpoint"].category == rows["replica"].category == "operations"
        assert rows["Pod"].status == TermStatus.REQUIRED
        exported = {e.term: e for e in project_glossary(project)}
        assert exported["replica"].category == "operations"
        assert exported["replica"].definition == "A machine of ours."
        assert ",operations" in export(list(exported.values()), "csv")


def test_a_group_takes_the_best_definition_when_its_headword_has_none(data_dir: Path) -> None:
    project = _project()
    run_to_completion(project, "full")
    assert _glossary(project)["storage engine"].kind == "usage"
    repo.merge_terms(project, ["storage engine", "pages"], "storage engine", key=term_key)
    # At once in the current glossary, and the same in every later run.
    for _ in range(2):
        entry = _glossary(project)["storage engine"]
        assert entry.aliases == ("pages",) and entry.kind == "definition"
        assert entry.definition == "A page is the unit of I/O of the storage engine."
        assert "pages" not in _glossary(project)
        run_to_completion(project, "full")


def test_a_generate_only_run_makes_the_groups_too(data_dir: Path) -> None:
    project = _project()
    run_to_completion(project, "extract")
    repo.merge_terms(project, ["checkpoint", "pages"], "checkpoint", key=term_key)
    run_to_completion(project, "generate")
    glossary = _glossary(project)
    assert glossary["checkpoint"].aliases == ("pages",) and "pages" not in glossary
    # A refine-only run over it keeps the group, and splitting gives the variant back.
    run_to_completion(project, "refine")
    assert _glossary(project)["checkpoint"].aliases == ("pages",)
    repo.split_term(project, "checkpoint", "pages", key=term_key)
    run_to_completion(project, "full")
    glossary = _glossary(project)
    assert "pages" in glossary and "pages" not in glossary["checkpoint"].aliases


def test_two_groups_are_never_merged_into_one_by_refining(data_dir: Path) -> None:
    project = _project()
    repo.merge_terms(project, ["write-ahead log", "checkpoint"], "write-ahead log", key=term_key)
    repo.merge_terms(project, ["WAL", "pages"], "WAL", key=term_key)  # WAL ~ write-ahead log
    run_to_completion(project, "full")
    glossary = _glossary(project)
    assert glossary["write-ahead log"].aliases == ("checkpoint",)
    assert glossary["WAL"].aliases == ("pages",)


def test_japanese_groups_splits_and_hand_added_terms(data_dir: Path) -> None:
    project = _project("glossary_ja", "検索")
    run_to_completion(project, "full")
    repo.merge_terms(project, ["索引", "転置索引"], "転置索引", key=term_key)
    repo.merge_terms(project, ["サーバ", "サーバー"], "サーバ", key=term_key)
    repo.add_term(project, "シャード", key=term_key, language=lambda t: "ja")
    repo.set_term_note(project, "検索エンジン", "社内の呼び方", key=term_key)
    run_to_completion(project, "full")
    glossary = _glossary(project)
    assert glossary["転置索引"].aliases == ("索引",) and "索引" not in glossary
    assert glossary["転置索引"].kind == "definition"
    assert "サーバー" in glossary["サーバ"].aliases
    assert "シャード" in glossary
    repo.split_term(project, "サーバ", "サーバー", key=term_key)
    run_to_completion(project, "full")
    glossary = _glossary(project)
    assert "サーバー" in glossary and "サーバー" not in glossary["サーバ"].aliases
    assert repo.term_notes(project) == {"検索エンジン": "社内の呼び方"}


@pytest.mark.parametrize(("user", "later"), [("Checkpoint", "checkpoint"), ("pod", "Pod")])
def test_curation_holds_whichever_casing_comes_first(
    data_dir: Path, tmp_path: Path, user: str, later: str
) -> None:
    """The user names a term in one casing, the documents later write it in the other."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text(f"A {user} is a unit. The {user} runs.\n", "utf-8")
    project = repo.create_project("Case", [str(folder)], "en")
    run_to_completion(project, "import")
    run_to_completion(project, "extract")
    repo.add_term(project, user, key=term_key, language=lambda t: "en")
    repo.set_term_note(project, user, "mine", key=term_key)
    repo.set_term_category(project, [user], "unit", key=term_key)
    repo.merge_terms(project, [user, "node"], user, key=term_key, language=lambda t: "en")
    (folder / "a.md").write_text(
        f"A {later} is a unit. The {later} runs on a node. Every node has a {later}.\n", "utf-8"
    )
    run_to_completion(project, "import")
    run_to_completion(project, "full")
    rows = [r for r in repo.term_rows(project) if term_key(r.text) == term_key(user)]
    assert len(rows) == 1
    (row,) = rows
    assert (row.status, row.note, row.category, row.group) == ("required", "mine", "unit", row.text)
    entry = _glossary(project)[row.text]
    assert entry.aliases == ("node",) and entry.kind == "definition"


# -- the stateful property test --------------------------------------------------------------

NAMES = [
    "write-ahead log",
    "WAL",
    "checkpoint",
    "Checkpoints",
    "replica",
    "replication lag",
    "storage engine",
    "pages",
    "MVCC",
    "pod",
    "Pod",
]
names = st.sampled_from(NAMES)
some_names = st.lists(names, min_size=1, max_size=3)


@dataclass
class Expected:
    """The curation the store must hold, by term key (edits by case-folded term)."""

    status: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    edits: dict[str, str] = field(default_factory=dict)
    #: head key -> every member's key (the head's too)
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    apart: set[frozenset[str]] = field(default_factory=set)

    def group_of(self, key: str) -> str | None:
        return next((h for h, m in self.groups.items() if key in m), None)


_projects = itertools.count(1)


class CurationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.project = _project(name=f"Storage {next(_projects)}")
        self.actions = CurationActions()
        self.expected = Expected()
        self.undone: list[Expected] = []
        self.history: list[Expected] = []
        self.ran_full = False

    def _do(self, change: object) -> None:
        before = copy.deepcopy(self.expected)
        index = self.actions.undo_stack.index()
        change()  # type: ignore[operator]
        if self.actions.undo_stack.index() == index + 1:
            self.history.append(before)
            self.undone.clear()
        else:
            assert self.expected == before, "a change the model expected made no command"

    # -- the user's actions ------------------------------------------------------------------

    @rule(terms=some_names, status=st.sampled_from(list(TermStatus)))
    def mark(self, terms: list[str], status: TermStatus) -> None:
        def change() -> None:
            for key in {term_key(t) for t in terms}:
                if status == TermStatus.CANDIDATE:
                    self.expected.status.pop(key, None)
                else:
                    self.expected.status[key] = status.value
            self.actions.set_status(self.project, terms, status)

        self._do(change)

    @rule(term=names)
    def add(self, term: str) -> None:
        def change() -> None:
            self.expected.status[term_key(term)] = TermStatus.REQUIRED.value
            self.actions.add_term(self.project, term)

        self._do(change)

    @rule(term=names, note=st.sampled_from(["", "mind the WAL", "社内メモ"]))
    def note(self, term: str, note: str) -> None:
        def change() -> None:
            if note:
                self.expected.notes[term_key(term)] = note
            else:
                self.expected.notes.pop(term_key(term), None)
            self.actions.set_note(self.project, term, note)

        self._do(change)

    @rule(terms=some_names, category=st.sampled_from(["", "storage", "replication"]))
    def categorise(self, terms: list[str], category: str) -> None:
        def change() -> None:
            for key in {term_key(t) for t in terms}:
                if category:
                    self.expected.categories[key] = category
                else:
                    self.expected.categories.pop(key, None)
            self.actions.set_category(self.project, terms, category)

        self._do(change)

    @rule(term=names, definition=st.sampled_from([None, "Our own words."]))
    def edit(self, term: str, definition: str | None) -> None:
        def change() -> None:
            self.expected.edits.pop(term.casefold(), None)
            if definition:
                self.expected.edits[term.casefold()] = definition
            self.actions.edit_definition(self.project, term, definition)

        self._do(change)

    @precondition(lambda self: True)
    @rule(terms=st.lists(names, min_size=2, max_size=3), head=st.integers(0, 2))
    def merge(self, terms: list[str], head: int) -> None:
        headword = terms[head % len(terms)]
        keys = {term_key(t) for t in terms}
        if len(keys) < 2:
            return

        def change() -> None:
            e = self.expected
            members = set(keys)
            for group_head in [e.group_of(k) for k in keys]:
                if group_head is not None and group_head in e.groups:
                    members |= e.groups.pop(group_head)
            e.groups[term_key(headword)] = frozenset(members)
            e.apart = {p for p in e.apart if not p <= members}
            for key in keys:
                if e.status.get(key) == TermStatus.EXCLUDED.value:
                    del e.status[key]
            self.actions.merge(self.project, terms, headword)

        self._do(change)

    @rule(headword=names, variant=names)
    def split(self, headword: str, variant: str) -> None:
        head_key, key = term_key(headword), term_key(variant)
        if head_key == key:
            return

        def change() -> None:
            e = self.expected
            group = e.group_of(key)
            if group is not None:
                others = e.groups.pop(group) - {key}
                if len(others) >= 2:
                    heir = group if group != key else (head_key if head_key in others else None)
                    e.groups[heir or min(others)] = frozenset(others)
            e.apart.add(frozenset((head_key, key)))
            self.actions.split(self.project, headword, variant)

        self._do(change)

    @precondition(lambda self: self.actions.undo_stack.canUndo())
    @rule()
    def undo(self) -> None:
        self.actions.undo_stack.undo()
        self.undone.append(self.expected)
        self.expected = self.history.pop()

    @precondition(lambda self: self.actions.undo_stack.canRedo())
    @rule()
    def redo(self) -> None:
        self.actions.undo_stack.redo()
        self.history.append(self.expected)
        self.expected = self.undone.pop()

    # -- runs --------------------------------------------------------------------------------

    @rule()
    def extract(self) -> None:
        run_to_completion(self.project, "extract")

    @rule()
    def full(self) -> None:
        run_to_completion(self.project, "full")
        self.ran_full = True
        self._check_glossary()

    # -- what must hold ----------------------------------------------------------------------

    @invariant()
    def store_holds_the_expected_curation(self) -> None:
        rows = repo.term_rows(self.project)
        e = self.expected
        assert {
            term_key(r.text): r.status for r in rows if r.status != TermStatus.CANDIDATE
        } == e.status
        assert {term_key(r.text): r.note for r in rows if r.note} == e.notes
        assert {term_key(r.text): r.category for r in rows if r.user_category} == e.categories
        assert {t.casefold(): d for t, d in repo.definition_edits(self.project).items()} == (
            e.edits
        )
        groups = {
            term_key(head): frozenset(term_key(n) for n in (head, *others))
            for head, others in repo.synonym_groups(self.project)
        }
        assert groups == e.groups
        pairs = {frozenset((term_key(a), term_key(b))) for a, b in repo.kept_apart(self.project)}
        assert pairs == e.apart

    def _check_glossary(self) -> None:
        glossary = _glossary(self.project)
        e = self.expected
        excluded = {k for k, s in e.status.items() if s == TermStatus.EXCLUDED.value}
        holder = {
            term_key(n): term_key(row.term)
            for row in glossary.values()
            for n in (row.term, *row.aliases)
        }
        assert not excluded & set(holder), "an excluded term is in the glossary"
        for head, members in e.groups.items():
            kept = members - excluded
            if head in excluded or len(kept) < 2:
                continue
            assert holder.get(head) == head, f"group {head} has no entry of its own"
            for member in kept:
                assert holder.get(member) == head, f"{member} is not in {head}'s entry"
        for key, status in e.status.items():
            if status == TermStatus.REQUIRED.value:
                assert key in holder, f"required {key} has no entry"
        for pair in e.apart:
            a, b = sorted(pair)
            same_group = e.group_of(a) is not None and e.group_of(a) == e.group_of(b)
            if not same_group and a in holder and b in holder:
                assert holder[a] != holder[b], f"{a} and {b} were kept apart but merged"
        edited = {r.term: r.edited for r in glossary.values()}
        for term in e.edits:
            entry = _holder(glossary, term)
            if entry is not None:
                assert edited[entry], f"the edit of {term} is lost"


def test_random_curation_and_runs_never_lose_an_edit(data_dir: Path, qapp: object) -> None:
    run_state_machine_as_test(
        CurationMachine,
        settings=settings(
            max_examples=int(os.environ.get("CURATION_EXAMPLES", "50")),
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )
