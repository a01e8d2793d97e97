"""Curation reads and writes its own project's rows only, and in the glossary only the
current run's last stage.

The same script of curation, run on a project alone in its database and on the same
project between two others (created before and after it, with the same term names, their
own runs, glossaries and curation), must show the user the same thing after every step; and
it must leave the other projects, the project's earlier run and the current run's
provisional entries exactly as they were."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from genglossary_gui.pipeline.text import term_key
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import db
from genglossary_gui.store.folder import open_data_folder
from genglossary_gui.store.models import (
    DefinitionEdit,
    GlossaryEntry,
    KeptApart,
    Project,
    Run,
    Term,
)
from genglossary_gui.vocabulary import TermStatus
from tests.store.test_curation_store import _entry, _with_glossary

R = repo.TermRecord

#: (text, frequency, defined by the documents): ranked in this order.
TERMS = (
    ("write-ahead log", 9, True),
    ("pod", 8, False),
    ("container", 7, False),
    ("node", 6, True),
    ("kubelet", 5, False),
    ("etcd", 4, False),
    ("scheduler", 3, False),
    ("control plane", 2, False),
    ("WAL", 1, False),
)
NAMES = [text for text, _, _ in TERMS]


def _extraction(bump: int = 0, neighbour: bool = False) -> list[repo.TermRecord]:
    """The project's terms; a neighbour's documents define the others, name one more, and
    write one of them in another casing too."""
    records = [
        R(text, "en", float(freq + bump), freq + bump, 1, category="judged", defined=defined)
        for text, freq, defined in TERMS
    ]
    if not neighbour:
        return records
    flipped = [dataclasses.replace(r, defined=not r.defined) for r in records]
    return [
        *flipped,
        R("theirs alone", "en", 50.0, 50, 3, defined=True),
        R("Wal", "en", 0.5, 1, 1),
    ]


def _glossary(project: int, note: str) -> int:
    """A completed run whose refining merged WAL into the write-ahead log's entry; its
    provisional stage holds WAL's own entry (so keeping them apart can give it back). An
    earlier run's and a neighbour's definitions say which run wrote them, and their
    provisional stage merged etcd into kubelet."""
    refined = [
        _entry("write-ahead log", aliases=["WAL"], see_also=["node"]),
        *(_entry(t, confidence=0.5) for t in NAMES[1:-1]),
    ]
    provisional = [_entry("WAL", "usage", 0.4), _entry(f"only in {note}")]
    if note != "the current run":
        provisional.append(_entry("kubelet", aliases=["etcd"]))
        refined, provisional = (
            [dataclasses.replace(e, definition=f"{e.term}, as {note} says.") for e in entries]
            for entries in (refined, provisional)
        )
    return _with_glossary(project, *refined, provisional=tuple(provisional))


def _neighbour(name: str) -> int:
    """Another project with the same terms, two runs and curation of its own on them."""
    project = repo.create_project(name, ["/elsewhere"], "en")
    repo.replace_candidate_terms(project, _extraction(bump=10, neighbour=True), cutoff=4)
    _glossary(project, name)
    _glossary(project, name)
    repo.merge_terms(project, ["pod", "node"], "node", key=term_key)
    repo.merge_terms(project, ["etcd", "kubelet"], "etcd", key=term_key)
    repo.merge_terms(project, ["scheduler", "container"], "scheduler", key=term_key)
    repo.mark_terms(project, ["control plane"], TermStatus.EXCLUDED, key=term_key)
    repo.mark_terms(project, ["WAL"], TermStatus.REQUIRED, key=term_key)
    repo.set_term_note(project, "write-ahead log", f"{name}'s note", key=term_key)
    repo.set_term_category(project, ["pod", "etcd"], f"{name}'s", key=term_key)
    repo.set_definition_edit(project, "kubelet", f"{name}'s kubelet.")
    repo.set_definition_edit(project, "node", f"{name}'s node.")  # which Mine edits too
    repo.keep_apart(project, repo.current_run(project), "WAL", "write-ahead log")
    repo.keep_apart(project, None, "theirs alone", "pod")
    repo.keep_apart(project, None, "node", "kubelet")  # both of which Mine merges
    return project


def _plain(value: Any, groups: dict[int, int]) -> Any:
    """``value`` without the database's ids: rows and dataclasses as dicts without their
    ids (and a snapshot without its project's creation time), synonym groups numbered in
    the order they appear (a group's number only has to be unique in its project)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("id", "run_id", "run", "project", "project_created"):
                continue
            if k in ("group", "synonym_group") and isinstance(v, int):
                out[k] = groups.setdefault(v, len(groups) + 1)
            else:
                out[k] = _plain(v, groups)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v, groups) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return value


def _seen(project: int) -> Any:
    """Everything the window and a run read of the project's curation and glossary."""
    current = repo.current_run(project)
    assert current is not None
    seen = {
        "rows": repo.term_rows(project),
        "ranked": [t.text for t in repo.ranked_terms(project)],
        "top": [t.text for t in repo.ranked_terms(project, 3)],
        "glossary": repo.glossary_rows(project, current),
        "edits": repo.definition_edits(project),
        "notes": repo.term_notes(project),
        "excluded": repo.excluded_terms(project),
        "required": repo.required_terms(project),
        "has defined": repo.has_defined_terms(project),
        "defined": repo.defined_terms(project),
        "to define": repo.glossary_terms(project, 300, key=term_key),
        "to define, 3": repo.glossary_terms(project, 3, key=term_key),
        "kept apart": repo.kept_apart(project),
        "kept apart terms": repo.kept_apart_terms(project, key=term_key),
        "categories": repo.term_categories(project),
        "groups": repo.synonym_groups(project),
        "snapshot": repo.curation_snapshot(project, NAMES, key=term_key, glossary=True),
    }
    return _plain(seen, {})


def _dicts(query: Any) -> list[dict[str, Any]]:
    """A query's rows as dicts (peewee's ``.dicts()``, typed)."""
    return cast("list[dict[str, Any]]", list(query.dicts()))


def _row(row: dict[str, Any], *leave_out: str) -> tuple[tuple[str, Any], ...]:
    """A row as sorted (column, value) pairs, without its id and ``leave_out``."""
    return tuple(sorted((k, v) for k, v in row.items() if k not in ("id", *leave_out)))


def _stored(project: int) -> Any:
    """The project's rows as stored: terms, every run's entries (runs by their order),
    definition edits, pairs kept apart."""
    runs = {r.id: i for i, r in enumerate(Run.select().where(Run.project == project))}
    entries = _dicts(GlossaryEntry.select().where(GlossaryEntry.project == project))
    row = Project.get_by_id(project)
    return {
        "terms": _plain(_dicts(Term.select().where(Term.project == project)), {}),
        "entries": sorted(_row({**e, "run": runs[e["run"]]}) for e in entries),
        "edits": _plain(
            _dicts(DefinitionEdit.select().where(DefinitionEdit.project == project)), {}
        ),
        "apart": _plain(_dicts(KeptApart.select().where(KeptApart.project == project)), {}),
        "cut-off": row.term_cutoff,
        "current": runs.get(row.current_run or 0),  # None: none
    }


def _untouched_entries(project: int) -> list[Any]:
    """The entries curation must never change: the earlier run's, and the current run's
    provisional ones."""
    current = repo.current_run(project)
    return [
        _row(e, "run")
        for e in _dicts(
            GlossaryEntry.select()
            .where(
                (GlossaryEntry.project == project)
                & ((GlossaryEntry.run != current) | (GlossaryEntry.stage == "provisional"))
            )
            .order_by(GlossaryEntry.run, GlossaryEntry.stage, GlossaryEntry.term)
        )
    ]


Step = Callable[[int, dict[str, Any]], object]


def _ids(project: int, *texts: str) -> list[int]:
    return [t.id for t in Term.select().where((Term.project == project) & Term.text.in_(texts))]


#: The user's curation, step by step (``state`` carries a snapshot between steps).
SCRIPT: list[tuple[str, Step]] = [
    (
        "exclude by id",
        lambda p, s: repo.set_term_status(p, _ids(p, "kubelet"), TermStatus.EXCLUDED),
    ),
    (
        "require",
        lambda p, s: repo.mark_terms(
            p, ["scheduler", "new one"], TermStatus.REQUIRED, key=term_key
        ),
    ),
    ("add", lambda p, s: repo.add_term(p, "Control  Plane", key=term_key)),
    ("note", lambda p, s: repo.set_term_note(p, "etcd", "Ours.", key=term_key)),
    ("categorise", lambda p, s: repo.set_term_category(p, ["pod", "node"], "object", key=term_key)),
    ("edit", lambda p, s: repo.set_definition_edit(p, "node", "A node is ours.")),
    (
        "snapshot",
        lambda p, s: s.update(
            before=repo.curation_snapshot(
                p, ["pod", "container", "node", "WAL"], key=term_key, glossary=True
            )
        ),
    ),
    (
        "merge",
        lambda p, s: repo.merge_terms(p, ["container", "node", "kubelet"], "pod", key=term_key),
    ),
    ("split", lambda p, s: repo.split_term(p, "pod", "node", key=term_key)),
    ("keep apart", lambda p, s: repo.keep_apart(p, repo.current_run(p), "write-ahead log", "WAL")),
    ("hand the group on", lambda p, s: repo.split_term(p, "kubelet", "pod", key=term_key)),
    ("undo", lambda p, s: repo.restore_curation(p, s["before"], key=term_key)),
    ("unmark", lambda p, s: repo.mark_terms(p, ["scheduler"], TermStatus.CANDIDATE, key=term_key)),
    ("unedit", lambda p, s: repo.set_definition_edit(p, "node", None)),
    (
        "re-extract",
        lambda p, s: repo.replace_candidate_terms(p, _extraction(bump=1), key=term_key, cutoff=5),
    ),
    (
        "exclude two by id",
        lambda p, s: repo.set_term_status(p, _ids(p, "etcd", "scheduler"), TermStatus.EXCLUDED),
    ),
]


def _play(folder: Path, crowded: bool) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """Run the script on project "Mine" in a new database (between two neighbours when
    ``crowded``). Returns what the user saw after each step, and the neighbours' rows
    before and after."""
    open_data_folder(folder)
    try:
        neighbours, theirs = [], []
        if crowded:
            # Each neighbour's rows as made: nothing done after (to Mine, or to the next
            # neighbour) may change them.
            neighbours.append(_neighbour("Before"))
            theirs.append(_stored(neighbours[-1]))
        project = repo.create_project("Mine", ["/mine"], "en")
        repo.replace_candidate_terms(project, _extraction(), key=term_key, cutoff=4)
        _glossary(project, "the earlier run")
        _glossary(project, "the current run")
        if crowded:
            neighbours.append(_neighbour("After"))
            theirs.append(_stored(neighbours[-1]))
        untouched = _untouched_entries(project)
        seen = [_seen(project)]
        state: dict[str, Any] = {}
        for _name, step in SCRIPT:
            step(project, state)
            seen.append(_seen(project))
        assert _untouched_entries(project) == untouched
        return seen, list(zip(theirs, [_stored(n) for n in neighbours], strict=True))
    finally:
        db.close()


def test_curation_sees_and_changes_only_its_own_project_run_and_stage(tmp_path: Path) -> None:
    alone, _ = _play(tmp_path / "alone", crowded=False)
    crowded, neighbours = _play(tmp_path / "crowded", crowded=True)
    for (name, _step), seen_alone, seen_crowded in zip(
        [("start", None), *SCRIPT], alone, crowded, strict=True
    ):
        for part in seen_alone:
            assert seen_crowded[part] == seen_alone[part], f"after {name!r}: {part} differs"
    for before, after in neighbours:
        for part in before:
            assert after[part] == before[part], f"a neighbour's {part} changed"
    # Every step changed what the user sees (but the snapshot), and every part compared
    # held something along the way: the comparison is not of empty lists.
    for (name, _step), seen, then in zip(SCRIPT, alone[:-1], alone[1:], strict=True):
        assert (seen != then) == (name != "snapshot"), name
    assert all(any(seen[part] for seen in alone) for part in alone[0])


def _entries(seen: Any) -> list[tuple[str, tuple[str, ...], bool]]:
    """The glossary as the user reads it: (term, its aliases, edited by the user)."""
    return sorted((g["term"], tuple(g["aliases"]), g["edited"]) for g in seen["glossary"])


#: What the user sees change after each step of ``SCRIPT`` (run alone).
EXPECTED: dict[str, dict[str, Any]] = {
    "start": {
        "required": [],
        "excluded": [],
        "defined": ["node", "write-ahead log"],
        "has defined": True,
        "groups": [],
        "kept apart": [],
        "top": ["write-ahead log", "pod", "container"],
    },
    "exclude by id": {"excluded": ["kubelet"]},
    "require": {
        "required": ["new one", "scheduler"],
        # Every term but the excluded, in rank order; one added by hand comes last.
        "ranked": [t for t in NAMES if t != "kubelet"] + ["new one"],
    },
    # Required first (a term added by hand, never found, after those ranked), then the
    # documents' defined terms and the best recurring candidates.
    "add": {
        "required": ["control plane", "new one", "scheduler"],
        "to define": [
            ["scheduler", "en"],
            ["control plane", "en"],
            ["new one", ""],
            ["write-ahead log", "en"],
            ["pod", "en"],
            ["container", "en"],
            ["node", "en"],
            ["etcd", "en"],
        ],
    },
    "note": {"notes": {"etcd": "Ours."}},
    "edit": {"edits": {"node": "A node is ours."}},
    # Merging takes kubelet out of the excluded; the entry is headed as the user chose.
    "merge": {"excluded": [], "groups": [["pod", ["container", "kubelet", "node"]]]},
    "split": {"groups": [["pod", ["container", "kubelet"]]], "kept apart": [["node", "pod"]]},
    "keep apart": {"kept apart": [["WAL", "write-ahead log"], ["node", "pod"]]},
    # The headword leaves: the group goes on under the user's choice.
    "hand the group on": {
        "groups": [["kubelet", ["container"]]],
        "kept apart": [["WAL", "write-ahead log"], ["kubelet", "pod"], ["node", "pod"]],
    },
    "undo": {"groups": [], "kept apart": []},
    "unmark": {"required": ["control plane", "new one"]},
    "unedit": {"edits": {}},
    "exclude two by id": {"excluded": ["etcd", "scheduler"]},
}

#: The glossary after the steps that change its entries.
EXPECTED_ENTRIES: dict[str, list[tuple[str, tuple[str, ...], bool]]] = {
    "merge": [
        ("control plane", (), False),
        ("etcd", (), False),
        ("pod", ("container", "kubelet", "node"), True),  # node's edit reaches the merged entry
        ("scheduler", (), False),
        ("write-ahead log", ("WAL",), False),
    ],
    "split": [
        ("control plane", (), False),
        ("etcd", (), False),
        ("node", (), True),
        ("pod", ("container", "kubelet"), False),
        ("scheduler", (), False),
        ("write-ahead log", ("WAL",), False),
    ],
    "keep apart": [
        ("WAL", (), False),
        ("control plane", (), False),
        ("etcd", (), False),
        ("node", (), True),
        ("pod", ("container", "kubelet"), False),
        ("scheduler", (), False),
        ("write-ahead log", (), False),
    ],
    "undo": [
        ("container", (), False),
        ("control plane", (), False),
        ("etcd", (), False),
        ("node", (), True),  # the edit was made before the snapshot: it stays
        ("pod", (), False),
        ("scheduler", (), False),
        ("write-ahead log", ("WAL",), False),
    ],
}


def test_each_step_of_the_script_shows_what_it_promises(tmp_path: Path) -> None:
    alone, _ = _play(tmp_path / "alone", crowded=False)
    steps = ["start", *(name for name, _ in SCRIPT)]
    for name, seen in zip(steps, alone, strict=True):
        for part, value in EXPECTED.get(name, {}).items():
            assert seen[part] == value, f"after {name!r}: {part}"
        if name in EXPECTED_ENTRIES:
            assert _entries(seen) == EXPECTED_ENTRIES[name], f"after {name!r}: the glossary"
        # Every definition shown is the current run's (the earlier run wrote others).
        suggested = {g["term"]: g["suggested"] for g in seen["glossary"]}
        assert suggested == {t: f"{t} is something." for t in suggested}, name
    heads = [
        t["text"] for t in alone[steps.index("hand the group on")]["snapshot"]["terms"] if t["head"]
    ]
    assert heads == ["kubelet"]
    start = alone[0]["rows"]
    assert {r["text"]: r["merged_into"] for r in start if r["merged_into"]} == {
        "WAL": "write-ahead log"
    }
    # The next run defines the documents' defined terms and the first 4 candidates that
    # recur (the calibrated cut-off), in rank order.
    selection = {r["text"]: str(r["selection"]) for r in start}
    assert selection == {
        "write-ahead log": "defined",
        "pod": "above the cut-off",
        "container": "above the cut-off",
        "node": "defined",
        "kubelet": "above the cut-off",
        "etcd": "above the cut-off",
        "scheduler": "below the cut-off",
        "control plane": "below the cut-off",  # 2 mentions: recurs
        "WAL": "seen once",
    }
    apart = alone[steps.index("keep apart")]["rows"]
    assert {r["text"]: r["merged_into"] for r in apart if r["merged_into"]} == {
        "container": "pod",
        "kubelet": "pod",
    }
    merged = alone[steps.index("merge")]
    assert {r["text"]: r["group"] for r in merged["rows"] if r["group"]} == dict.fromkeys(
        ["pod", "container", "kubelet", "node"], "pod"
    )


def test_a_project_without_terms_reads_nothing_of_its_neighbours(data_dir: Path) -> None:
    """A project just created, between two with terms, runs and curation: every read of
    its curation is empty (a query that also matched the rows of neither this project nor
    the condition would show the neighbours')."""
    _neighbour("Before")
    empty = repo.create_project("Empty", ["/empty"], "en")
    _neighbour("After")
    assert repo.term_rows(empty) == [] and repo.ranked_terms(empty) == []
    assert not repo.has_defined_terms(empty) and repo.defined_terms(empty) == set()
    assert repo.required_terms(empty) == set() and repo.excluded_terms(empty) == set()
    assert repo.glossary_terms(empty, 300) == []
    assert repo.definition_edits(empty) == {} and repo.term_notes(empty) == {}
    assert repo.term_categories(empty) == {} and repo.synonym_groups(empty) == []
    assert repo.kept_apart(empty) == [] and repo.kept_apart_terms(empty) == set()
    snapshot = repo.curation_snapshot(empty, NAMES, key=term_key, glossary=True)
    assert not any(t.exists for t in snapshot.terms) and snapshot.entries is None
    assert (snapshot.edits, snapshot.apart) == ((), ())


def test_a_project_deleted_meanwhile_reads_nothing_of_the_next_one(data_dir: Path) -> None:
    """Another window deleted the project while this one still shows it: its reads find
    nothing, never the glossary or cut-off of the project after it."""
    gone = repo.create_project("Gone", ["/gone"], "en")
    after = _neighbour("After")
    Project.delete_by_id(gone)
    assert repo.current_run(after) is not None
    snapshot = repo.curation_snapshot(gone, NAMES, key=term_key, glossary=True)
    assert snapshot.entries is None and snapshot.run_id is None
    assert repo.glossary_terms(gone, 300) == [] and repo.term_rows(gone) == []
