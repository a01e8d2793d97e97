"""The glossary's cut-off comes from the scores, the rest stay listed below it, and every
term the documents define is a term of the project (on the Terms page, curatable)."""

from __future__ import annotations

from pathlib import Path

from genglossary_gui.engines.builtin.extract import MIN_GLOSSARY_CUTOFF, glossary_cutoff
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.models import TermStatus
from tests.glossary_runs import run_to_completion

NOUNS = (
    "anchor beacon cipher dynamo ember falcon garnet harbor island jasper kernel lantern "
    "meadow nectar orbit prism quartz raven summit timber umbra vortex willow xenon yonder "
    "zephyr basalt cobalt delta estuary fjord glacier"
).split()


def test_the_cut_off_is_the_mean_score_within_bounds() -> None:
    head, tail = [50.0] * 30, [1.0] * 170  # mean 8.35: the 30 of the head
    assert glossary_cutoff(head + tail, 300) == 30
    assert glossary_cutoff(head + tail, 25) == 25
    assert glossary_cutoff([9.0, 1.0, 1.0], 300) == 3  # a small folder keeps what it has
    assert glossary_cutoff([9.0] + [1.0] * 40, 300) == MIN_GLOSSARY_CUTOFF
    assert glossary_cutoff([], 300) == 0


def _corpus(folder: Path) -> None:
    """Phrases "<noun> index" seen from 40 times down to twice, and one defined phrase seen
    once: the head of the ranking is far above the tail."""
    folder.mkdir()
    lines = []
    for i, noun in enumerate(NOUNS):
        lines += [f"The {noun} index grows."] * (40 if i < 5 else 2)
    lines.append("A shard replica is a copy of a shard on another server.")
    (folder / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_candidates_below_the_cut_off_are_listed_and_defined_terms_enter(
    data_dir: Path, tmp_path: Path
) -> None:
    _corpus(tmp_path / "docs")
    project = repo.create_project("P", [str(tmp_path / "docs")])
    run_to_completion(project, "import")
    run_to_completion(project, "extract")
    rows = {r.text: r for r in repo.term_rows(project)}
    shard = rows["shard replica"]
    assert shard.defined and shard.selection == repo.Selection.DEFINED
    above = [r for r in rows.values() if r.selection == repo.Selection.ABOVE_CUTOFF]
    below = [r for r in rows.values() if r.selection == repo.Selection.BELOW_CUTOFF]
    assert len(above) == MIN_GLOSSARY_CUTOFF and below  # listed, not defined by a run
    assert all(a.score >= b.score for a in above for b in below)
    glossary = {t for t, _ in repo.glossary_terms(project, 300)}
    assert "shard replica" in glossary and not glossary & {b.text for b in below}

    # The user's word wins both ways: a term below the cut-off required, a defined one
    # excluded; and the marks hold through the next extraction.
    repo.set_term_status(project, [below[0].id], TermStatus.REQUIRED)
    repo.set_term_status(project, [shard.id], TermStatus.EXCLUDED)
    run_to_completion(project, "extract")
    glossary = {t for t, _ in repo.glossary_terms(project, 300)}
    assert below[0].text in glossary and "shard replica" not in glossary
    run_id = run_to_completion(project, "generate")
    entries = {e["term"] for e in repo.load_entries(run_id, "provisional")}
    assert below[0].text in entries and "shard replica" not in entries


def test_a_project_extracted_by_an_earlier_version_still_gets_its_defined_terms(
    data_dir: Path, tmp_path: Path
) -> None:
    """Schema 5 starts every term as not defined: until the next extraction, generate looks
    for the defined terms itself, so nothing the documents define goes missing."""
    from genglossary_gui.store.models import Term

    _corpus(tmp_path / "docs")
    project = repo.create_project("P", [str(tmp_path / "docs")])
    run_to_completion(project, "import")
    run_to_completion(project, "extract")
    Term.delete().where(Term.text == "shard replica").execute()
    Term.update(defined=False).execute()  # as migrated from schema 4
    run_id = run_to_completion(project, "generate")
    entries = {e["term"]: e for e in repo.load_entries(run_id, "provisional")}
    assert entries["shard replica"]["kind"] == "definition"


def test_a_defined_term_is_never_unnecessary_whoever_wrote_its_text() -> None:
    from genglossary_gui.engines.builtin import rules

    entry = rules.Entry("transaction", "en", "A unit of work.", "generated", "a.md", 1, 0.8)
    issues = rules.review_entries([entry], rules.general_zipf)
    assert [i.type for i in issues] == ["unnecessary"]  # common, and nothing says defined
    issues = rules.review_entries([entry], rules.general_zipf, defined=lambda e: True)
    assert issues == []
