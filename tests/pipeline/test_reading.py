"""Reading Markdown with a real parser: what is prose, what is code, and on which line."""

from __future__ import annotations

from genglossary_gui.engines.builtin import rules
from genglossary_gui.engines.builtin.extract import TermExtractor
from genglossary_gui.pipeline.reading import markdown_blocks, prose, sentences

DOCUMENT = """---
title: Storage notes
---
Storage Engine
==============

A **shard** is a slice of the index that one node serves.

    def flush(self):
        cache = self.cache

<div class="note">
A buffer is a region of memory.
</div>

| Term | Meaning |
|------|---------|
| WAL  | A write-ahead log is a file of changes. |

- A *replica* is a copy of a shard
  that another node keeps.
- Run `gc --now` when the disk fills.

> A snapshot is the state of the index at one moment.

```sh
cache = 1
```
"""


def test_blocks_have_the_right_kind_and_line() -> None:
    blocks = [(b.kind, b.lines[0]) for b in markdown_blocks(DOCUMENT)]
    assert blocks == [
        ("heading", (4, "Storage Engine")),
        ("text", (7, "A shard is a slice of the index that one node serves.")),
        ("cell", (16, "Term")),
        ("cell", (16, "Meaning")),
        ("cell", (18, "WAL")),
        ("cell", (18, "A write-ahead log is a file of changes.")),
        ("text", (20, "A replica is a copy of a shard")),
        ("text", (22, "Run gc --now when the disk fills.")),
        ("text", (24, "A snapshot is the state of the index at one moment.")),
    ]


def test_definitions_point_at_their_line_and_code_defines_nothing() -> None:
    terms = [(t, "en") for t in ("shard", "replica", "snapshot", "write-ahead log", "buffer")]
    entries = {e.term: e for e in rules.generate_entries(terms, [("a.md", DOCUMENT)])}
    assert (entries["shard"].kind, entries["shard"].source_line) == ("definition", 7)
    assert (
        entries["replica"].definition == "A replica is a copy of a shard that another node keeps."
    )
    assert entries["replica"].source_line == 20
    assert (entries["snapshot"].kind, entries["snapshot"].source_line) == ("definition", 24)
    assert (entries["write-ahead log"].kind, entries["write-ahead log"].source_line) == (
        "definition",
        18,
    )
    # An HTML block is markup, not prose: its words define nothing.
    assert entries["buffer"].kind == "none"


def test_code_markup_and_front_matter_give_no_terms() -> None:
    extractor = TermExtractor()
    for _ in range(2):
        extractor.add(DOCUMENT, "en", markdown=True)
    texts = {t.text.casefold() for t in extractor.ranked()}
    assert {"shard", "replica"} <= texts
    assert not texts & {"def flush", "flush", "self", "cache", "gc", "div", "note", "title"}
    assert "storage notes" not in texts


def test_a_heading_does_not_run_into_the_paragraph_below() -> None:
    text = "# Index Design\nInverted index structures are common.\n"
    assert prose(text, markdown=True) == "Index Design\n\nInverted index structures are common."
    assert [s.text for s in sentences("a.md", text)] == [
        "Index Design",
        "Inverted index structures are common.",
    ]


def test_escapes_entities_and_links_read_as_their_text() -> None:
    text = 'A \\*star\\* &amp; a [shard](https://example.org/shard "x") is a slice.\n'
    assert [s.text for s in sentences("a.md", text)] == ["A *star* & a shard is a slice."]


def test_a_plain_text_file_keeps_its_markup_as_text() -> None:
    text = "A <div> element is a block container.\n"
    assert [s.text for s in sentences("a.txt", text)] == [text.strip()]
    assert prose(text, markdown=False) == text


def test_a_long_document_is_read_in_pieces_with_the_right_lines() -> None:
    from genglossary_gui.pipeline import reading

    filler = "Some words about the storage layer and its many parts.\n\n"
    head = filler * (reading.PIECE_CHARS // len(filler) + 5)
    fence = "```\nA fake is a line inside code.\n\nstill code\n```\n\n"
    text = head + fence + "A shard is a slice of the index.\n"
    found = {s.text: s.line for s in sentences("a.md", text)}
    assert found["A shard is a slice of the index."] == text.count("\n")
    assert not any("fake" in t or "still code" in t for t in found)


def test_huge_markup_without_blank_lines_is_read_in_bounded_time() -> None:
    import time

    from genglossary_gui.pipeline import reading

    table = "| Term | Meaning |\n|---|---|\n" + "| WAL | a log of changes |\n" * 40_000
    started = time.perf_counter()
    list(sentences("a.md", table))
    list(sentences("b.md", "[" * 400_000))
    # Parsed whole, these took 20 s and more; read as plain text past MAX_PIECE_CHARS.
    assert time.perf_counter() - started < 10
    assert len(table) > reading.MAX_PIECE_CHARS


def test_a_thematic_break_at_the_top_is_not_front_matter() -> None:
    text = "---\n\nA shard is a slice of the index.\n\n---\n\nMore text.\n"
    assert "A shard is a slice of the index." in [s.text for s in sentences("a.md", text)]
