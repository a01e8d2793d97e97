"""Terms the documents define become entries; code is not prose; an abbreviation pair is no
definition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genglossary_gui import cli
from genglossary_gui.engines.builtin import rules
from genglossary_gui.engines.builtin.definitions import defining_pattern
from genglossary_gui.engines.builtin.extract import TermExtractor
from genglossary_gui.engines.builtin.mining import mine_sentence, mine_terms, with_defined_terms
from genglossary_gui.pipeline.reading import sentences


@pytest.mark.parametrize(
    ("sentence", "term", "pattern"),
    [
        ("Deductive reasoning is a form of logical thinking.", "deductive reasoning", "is-a"),
        ("A variable is any part of the experiment that can vary.", "variable", "is-a"),
        (
            "Acute heart failure (AHF) is defined as a rapid onset.",
            "acute heart failure",
            "defined-as",
        ),
        ("Opportunity cost refers to what is given up.", "opportunity cost", "refers-to"),
        ("Chromosomes are structures within the nucleus.", "chromosomes", "is-a"),
        ("This type of repair is known as mismatch repair.", "mismatch repair", "called"),
        ("A process called schizocoely, meaning that …", "schizocoely", "called"),
        ("Crack cocaine, a smokable type of cocaine, spread.", "crack cocaine", "appositive"),
        ("DNA is the hereditary material of cells.", "DNA", "is-a"),
        ("転置索引とは、単語から文書を引く索引である。", "転置索引", "toha"),
        ("単語が現れる回数を出現頻度と呼ぶ。", "出現頻度", "called"),
        ("索引を作り直す作業を再索引という。", "再索引", "called"),
    ],
)
def test_a_defining_sentence_yields_its_term(sentence: str, term: str, pattern: str) -> None:
    found = mine_sentence(sentence)
    assert [(f.term, f.pattern) for f in found] == [(term, pattern)]
    # ...and the same sentence is that term's definition.
    assert defining_pattern(term, sentence) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "It is a common mistake.",
        "This process is a slow one.",
        "There is a shard on every server.",
        "As the authors suggest, patient categorization is perhaps the most important step.",
        "Is a shard a partition?",
        "These results are important for practice.",
        "Patients are older than 65 years.",
        "The study of the effects of the drug on older patients is a priority.",
    ],
)
def test_sentences_that_define_nothing_yield_no_term(sentence: str) -> None:
    assert mine_sentence(sentence) == []


def test_defined_terms_join_the_ranked_ones_once_and_never_an_excluded_one() -> None:
    documents = [
        ("a.txt", "A shard is a slice of an index. Shards are pieces that servers hold."),
        ("b.txt", "A replica is a copy of a shard. A checkpoint is a marker on disk."),
    ]
    defined = mine_terms(documents)
    terms = with_defined_terms([("Shard", "en")], defined, excluded={"checkpoint"})
    assert terms == [("Shard", "en"), ("replica", "en")]


def test_a_term_the_documents_define_once_gets_its_definition(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "cells.txt").write_text(
        "A tissue is a group of similar cells that work together.\n"
        "Cells divide. Cells grow. Cells die. Cells divide again.\n",
        encoding="utf-8",
    )
    out = tmp_path / "g.json"
    assert cli.main(["generate", "--input", str(docs), "--output", str(out)]) == 0
    capsys.readouterr()
    entries = {e["term"]: e for e in json.loads(out.read_text(encoding="utf-8"))["entries"]}
    assert entries["tissue"]["definition_kind"] == "definition"
    assert entries["tissue"]["definition"].startswith("A tissue is a group")


def test_an_abbreviation_pair_is_not_called_a_definition() -> None:
    documents = [
        ("a.md", "Multi-Version Concurrency Control (MVCC) lets readers work.\nMVCC keeps rows.\n")
    ]
    (entry,) = rules.generate_entries([("MVCC", "en")], documents)
    assert entry.kind == "abbreviation"
    assert entry.definition == "Abbreviation of Multi-Version Concurrency Control"
    documents = [("b.md", "Acute heart failure (AHF) is defined as a rapid onset of symptoms.\n")]
    (entry,) = rules.generate_entries([("acute heart failure", "en")], documents)
    assert entry.kind == "definition"


MARKDOWN = """# Setup

A shard is a slice of the index.

```python
def run(self):
    uv = self.shard
```

Run `uv sync` and `self.check()` before anything else.
The index is a map from words to documents.
"""


def test_code_in_markdown_gives_no_terms_or_definitions_and_lines_stay_right() -> None:
    extractor = TermExtractor()
    extractor.add(MARKDOWN + MARKDOWN.replace("Setup", "Again"), "en")
    texts = {t.text.casefold() for t in extractor.ranked()}
    assert not texts & {"self", "def", "uv", "uv sync", "run", "self.check", "def run"}
    lines = {s.text: s.line for s in sentences("a.md", MARKDOWN)}
    assert lines["A shard is a slice of the index."] == 3
    assert lines["The index is a map from words to documents."] == 11
    assert not any("def run" in text or "uv = " in text for text in lines)
    assert all(mine_sentence(text) == [] or "uv" not in text for text in lines)


def test_front_matter_html_and_link_targets_are_not_prose() -> None:
    text = (
        "---\ntitle: Storage\ntags: [wal, shard]\n---\n"
        "A <b>shard</b> is a <a href='/x'>slice</a> of the index.\n"
        "<!-- draft: the replica is a mirror -->\n"
        "See [the guide](https://example.org/guide-to-shards) for more.\n"
    )
    found = {s.text: s.line for s in sentences("a.md", text)}
    assert found["A shard is a slice of the index."] == 5
    assert not any("title" in t or "href" in t or "example.org" in t for t in found)
    assert not any("replica" in t for t in found)  # an HTML comment is no sentence


def test_many_backticks_on_one_long_line_are_read_in_linear_time() -> None:
    import time

    from genglossary_gui.pipeline.reading import prose

    def seconds(n: int) -> float:
        started = time.perf_counter()
        prose("a ` b " * n, markdown=True)
        return time.perf_counter() - started

    small, large = seconds(20_000), seconds(80_000)
    assert large < 10 * max(small, 1e-3)  # 4x the text: far from 16x
