"""Model runs without idle waits: one session with the model per run, each request asked as
soon as its input is ready (while the documents are still read), the review's questions asked
while the definitions come in and taken by the review step, and the number of terms a run
defines as a setting."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from genglossary_gui.engines import model
from genglossary_gui.engines.builtin import rules
from genglossary_gui.engines.builtin.extract import TermExtractor
from genglossary_gui.engines.config import EngineConfig, save_config
from genglossary_gui.engines.model import mentions
from genglossary_gui.pipeline import steps
from genglossary_gui.pipeline.data import MAX_TERMS, Corpus, Text, glossary_cutoff
from genglossary_gui.pipeline.reading import is_markdown
from genglossary_gui.store import repositories as repo
from genglossary_gui.vocabulary import TermStatus
from tests.corpus import english_text, japanese_text, write_corpus
from tests.fake_llm import FakeLLMServer, glossary_reply
from tests.glossary_runs import run_to_completion

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    fake = FakeLLMServer(reply=glossary_reply).start()
    yield fake
    fake.stop()


def _kind(request: tuple[str, str, dict, dict]) -> str:
    body = json.dumps(request[2])
    return next((k for k in ("judge", "define", "review") if f"Task: {k}" in body), "")


def _model_project(server: FakeLLMServer, docs: Path, name: str = "p", **settings: object) -> int:
    project = repo.create_project(name, [str(docs)])
    run_to_completion(project, "import")
    config = EngineConfig("ollama", server.url, "fake-small", **settings)  # type: ignore[arg-type]
    save_config(project, config)
    return project


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", english_text(30_000, seed=4)), ("ja", japanese_text(15_000, seed=4))],
)
def test_the_quotes_asked_about_are_the_entries_first_occurrences(language: str, text: str) -> None:
    """What the judge and the definitions quote is found in a pass of its own (so it can
    stream): the very sentences the built-in entry lists first."""
    documents = [(f"{language}-a.md", text[: len(text) // 2]), (f"{language}-b.txt", text)]
    extractor = TermExtractor(lambda: None)
    for path, body in documents:
        extractor.add(body, language, lambda _: None, markdown=is_markdown(path))
    terms = [(t.text, t.language) for t in extractor.ranked(top=300)]
    entries = rules.generate_entries(terms, documents)
    for wanted in (2, 5):
        found = dict(mentions([t for t, _ in terms], documents, wanted))
        assert len(found) == len(terms)
        for entry in entries:
            quoted = [(s.path, s.line, s.text) for s in found[entry.term]]
            assert quoted == entry.occurrences[:wanted], entry.term


class _SlowReading:
    """The project's documents read with a pause before each one after the first: when each
    reading pass ended, and when each request reached the server."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, server: FakeLLMServer) -> None:
        self.pass_ends: list[tuple[float, str]] = []
        self.arrivals: list[tuple[float, str]] = []
        self.step = ""
        read_corpus = steps._corpus

        def corpus(project_id: int, ctx, ids=None) -> Corpus:
            inner = read_corpus(project_id, ctx, ids)

            def read() -> Iterator[Text]:
                for i, doc in enumerate(inner.read()):
                    if i:
                        time.sleep(0.4)
                    yield doc
                self.pass_ends.append((time.monotonic(), self.step))

            return Corpus(read, inner.count, inner.chars)

        monkeypatch.setattr(steps, "_corpus", corpus)
        original = server._route
        lock = threading.Lock()

        async def route(method, target, body, headers, *rest):
            with lock:
                self.arrivals.append((time.monotonic(), _kind((method, target, body, headers))))
            return await original(method, target, body, headers, *rest)

        monkeypatch.setattr(server, "_route", route)

    def first(self, kind: str) -> float:
        return min(t for t, k in self.arrivals if k == kind)


def _two_documents(tmp_path: Path) -> Path:
    """A document with the best candidates, then a short one with a term of its own."""
    docs = tmp_path / "docs"
    write_corpus(docs, files=1, chars_per_file=8_000, seed=2)
    (docs / "zz-extra.txt").write_text(
        "The quagga ledger keeps the zebra index. The quagga ledger is rebuilt nightly.\n"
    )
    return docs


def _judged(requests: list[tuple[str, str, dict, dict]]) -> list[str]:
    return [
        line[2:].split(":", 1)[0]
        for r in requests
        if _kind(r) == "judge"
        for line in r[2]["messages"][-1]["content"].splitlines()
        if line.startswith("- ")
    ]


def test_the_judge_asks_while_the_documents_are_still_read(
    data_dir: Path, server: FakeLLMServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _model_project(server, _two_documents(tmp_path), concurrency=2)
    slow = _SlowReading(monkeypatch, server)
    run_to_completion(project, "extract")
    # The last reading of the extract step looks for the candidates' sentences, to the end
    # (the last candidate is only in the second document): the first batch (the best
    # candidates, all in the first document) left before it ended.
    assert "quagga ledger" in _judged(server.requests)
    assert slow.first("judge") < slow.pass_ends[-1][0] - 0.2


def test_definitions_are_asked_before_the_entries_are_made(
    data_dir: Path, server: FakeLLMServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _model_project(server, _two_documents(tmp_path), concurrency=2)
    run_to_completion(project, "extract")
    ledger = next(t for t in repo.term_rows(project) if t.text == "quagga ledger")
    repo.set_term_status(project, [ledger.id], TermStatus.REQUIRED)
    slow = _SlowReading(monkeypatch, server)
    run_id = run_to_completion(project, "generate")
    # Each term's request left as soon as its sentences were found, before the built-in
    # entries were made (the generate step's last reading of the documents).
    assert slow.first("define") < slow.pass_ends[-1][0] - 0.2
    entries = {e["term"]: e for e in repo.load_entries(run_id, "provisional")}
    assert entries["quagga ledger"]["kind"] == "generated"
    assert entries["quagga ledger"]["source_path"] == "zz-extra.txt"


def test_the_review_is_asked_as_the_definitions_come_in_and_asked_once(
    data_dir: Path, server: FakeLLMServer, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    write_corpus(docs, files=3, chars_per_file=4_000, seed=5)
    project = _model_project(server, docs, concurrency=2)
    server.latency_s = 0.01
    run_id = run_to_completion(project, "full")
    kinds = [_kind(r) for r in server.requests if r[0] == "POST"]
    entries = repo.load_entries(run_id, "provisional")
    batches = -(-len(entries) // 15)
    assert batches >= 2
    # Every review batch asked exactly once (the review step took the answers asked ahead),
    # the first before the last definition: the model never waited for the review step.
    assert kinds.count("review") == batches
    assert kinds.count("define") == len([e for e in entries if e["occurrences"]])
    assert kinds.index("review") < len(kinds) - 1 - kinds[::-1].index("define")
    assert not [t for t in threading.enumerate() if t.name == "model-requests"]


def test_a_pipelined_run_gives_the_glossary_of_one_step_at_a_time(
    data_dir: Path, server: FakeLLMServer, tmp_path: Path
) -> None:
    """Asking ahead changes when questions are asked, never what: a full run and its steps
    run one at a time ask the same questions and give the same glossary and issues."""
    docs = tmp_path / "docs"
    write_corpus(docs, files=2, chars_per_file=3_000, seed=6)
    outputs = []
    for name, scopes in (
        ("whole", ["full"]),
        ("steps", ["extract", "generate", "review", "refine"]),
    ):
        project = _model_project(server, docs, name, concurrency=3)
        before = len(server.requests)
        runs = [run_to_completion(project, scope) for scope in scopes]
        reviewed = runs[0] if len(runs) == 1 else runs[2]
        outputs.append(
            (
                repo.load_entries(runs[-1], "refined"),
                sorted((i["term"], i["type"]) for i in repo.load_issues(reviewed)),
                sorted(json.dumps(r[2]) for r in server.requests[before:] if r[0] == "POST"),
            )
        )
    assert outputs[0] == outputs[1]


def test_the_number_of_terms_is_a_setting(
    data_dir: Path, server: FakeLLMServer, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    write_corpus(docs, files=2, chars_per_file=6_000, seed=7)
    for name, limit in (("five", 5), ("all", 0)):
        project = _model_project(server, docs, name, max_terms=limit)
        before = len(server.requests)
        run_to_completion(project, "extract")
        judged = _judged(server.requests[before:])
        glossary = repo.glossary_terms(project, MAX_TERMS)
        if limit:
            assert len(judged) == 5 and len(glossary) == 5
        else:  # all: every recurring candidate scoring at least their mean, each judged
            scores = [
                t.score
                for t in repo.ranked_records(project)
                if t.frequency >= repo.GLOSSARY_MIN_FREQUENCY and not t.defined
            ]
            assert len(judged) == len(glossary) == glossary_cutoff(scores, None) > 20


def test_the_first_definitions_are_written_while_the_terms_are_saved(
    data_dir: Path, server: FakeLLMServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model does not wait for the extraction to be stored: the best kept candidates'
    definitions are asked ahead (and taken by the generate step, none asked twice)."""
    docs = tmp_path / "docs"
    write_corpus(docs, files=2, chars_per_file=4_000, seed=9)
    project = _model_project(server, docs, concurrency=3)
    saved: list[float] = []
    save = repo.save_extraction

    def slow_save(*args, **kwargs):
        time.sleep(0.5)
        save(*args, **kwargs)
        saved.append(time.monotonic())

    monkeypatch.setattr(steps.repo, "save_extraction", slow_save)
    slow = _SlowReading(monkeypatch, server)
    run_id = run_to_completion(project, "full")
    defines = sorted(t for t, kind in slow.arrivals if kind == "define")
    assert len([t for t in defines if t < saved[0]]) == model.DEFINE_AHEAD * 3
    entries = repo.load_entries(run_id, "provisional")
    assert len(defines) == len([e for e in entries if e["occurrences"]])  # none asked twice
