"""How many terms a run defines: the project's setting, applied by extraction (the cut-off the
Terms page shows) with either engine, also when documents are added."""

from __future__ import annotations

from pathlib import Path

from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.pipeline.data import MAX_TERMS, glossary_cutoff
from genglossary_gui.store import repositories as repo
from genglossary_gui.vocabulary import Scope
from tests.corpus import write_corpus
from tests.glossary_runs import run_to_completion


def _recurring_scores(project: int) -> list[float]:
    return [
        t.score
        for t in repo.ranked_records(project)
        if t.frequency >= repo.GLOSSARY_MIN_FREQUENCY and not t.defined
    ]


def test_the_cutoff_takes_at_most_the_limit_or_all_above_the_mean() -> None:
    scores = [float(s) for s in range(100, 0, -1)]  # mean 50.5: 50 above it
    assert glossary_cutoff(scores, 300) == 50
    assert glossary_cutoff(scores, 10) == 10
    assert glossary_cutoff(scores, None) == 50
    assert glossary_cutoff(scores[:30], None) == 20  # never fewer than 20 (when there are)
    assert glossary_cutoff([], None) == 0
    large = [float(s) for s in range(1000, 0, -1)]
    assert glossary_cutoff(large, 300) == 300
    assert glossary_cutoff(large, None) == 500  # a large corpus's glossary, not cut to 300


def test_the_limit_applies_to_every_extraction(data_dir: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_corpus(docs, files=2, chars_per_file=20_000, seed=8)
    project = repo.create_project("p", [str(docs)])
    run_to_completion(project, Scope.IMPORT)
    run_to_completion(project, Scope.EXTRACT)
    everything = glossary_cutoff(_recurring_scores(project), None)
    assert len(repo.glossary_terms(project, MAX_TERMS)) == min(300, everything) > 40

    save_config(project, EngineConfig(max_terms=40))
    run_to_completion(project, Scope.EXTRACT)
    assert len(repo.glossary_terms(project, MAX_TERMS)) == 40
    # Documents added: the cut-off recomputed over the merged terms keeps the limit.
    more = tmp_path / "more"
    write_corpus(more, files=1, chars_per_file=5_000, seed=9)
    repo.add_sources(project, [more])
    run_to_completion(project, Scope.ADD)
    assert len(repo.glossary_terms(project, MAX_TERMS)) == 40

    save_config(project, EngineConfig(max_terms=0))  # all
    run_to_completion(project, Scope.EXTRACT)
    assert len(repo.glossary_terms(project, MAX_TERMS)) == glossary_cutoff(
        _recurring_scores(project), None
    )
