"""The viewer's rendering and term matching, without widgets."""

from __future__ import annotations

from genglossary_gui.store.repositories.viewer import ViewerTerm
from genglossary_gui.ui.viewer.chunked import CHUNK, Chunked
from genglossary_gui.ui.viewer.render import CODE, Kind, Line, make_line, pieces, render
from genglossary_gui.ui.viewer.terms import State, build_vocabulary, find_terms, variants


def _lines(path: str, text: str) -> list[Line]:
    return [line for batch in render(path, text) for line in batch]


def test_markdown_lines_know_their_source_lines() -> None:
    text = "# Title\n\nfirst line\nsecond `code` line\n\n```\nx = 1\n```\n"
    lines = _lines("a.md", text)
    assert [(line.kind, line.line) for line in lines] == [
        (Kind.HEADING, 1),
        (Kind.BLANK, 1),
        (Kind.TEXT, 3),
        (Kind.BLANK, 4),
        (Kind.CODE, 7),
    ]
    paragraph = lines[2]
    assert paragraph.text == "first line second code line"
    assert paragraph.source_line_at(paragraph.text.index("second")) == 4
    assert paragraph.offset_of_line(4) == paragraph.text.index("second")
    assert paragraph.matchable() == "first line second      line"  # code is not prose
    assert (paragraph.text.index("code"), paragraph.text.index("code") + 4, CODE) in (
        paragraph.styles
    )
    assert not lines[4].prose


def test_a_long_document_is_cut_in_pieces_that_join_up_again() -> None:
    text = "".join(f"Paragraph {n} text.\n```\ncode {n}\n\nmore\n```\n\n" for n in range(3000))
    cut = list(pieces(text))
    assert len(cut) > 3
    assert "\n".join(piece for _, piece in cut) == text
    rows = text.split("\n")
    for first, piece in cut:
        assert rows[first] == piece.split("\n")[0]
        assert piece.count("```") % 2 == 0  # never inside a code fence
    numbers = [line.line for line in _lines("a.md", text) if line.kind == Kind.CODE]
    assert numbers[:3] == [3, 4, 5] and numbers[-1] == len(rows) - 3


def test_plain_text_is_kept_as_it_is() -> None:
    text = "# no heading\n\tTabbed\r\nlast"
    lines = _lines("a.txt", text)
    assert [line.text for line in lines] == ["# no heading", "\tTabbed", "last"]
    assert {line.kind for line in lines} == {Kind.PLAIN}
    assert make_line(Kind.PLAIN, "a\u2029b\x00", 1).text == "a\ufffdb\ufffd"
    assert make_line(Kind.PLAIN, "😀 x", 1).wide == (0,)


def test_terms_match_longest_first_without_overlap() -> None:
    terms = [
        ViewerTerm(t, status, "", "en")
        for t, status in (
            ("storage engine", "candidate"),
            ("engine", "required"),
            ("page", "excluded"),
            ("write-ahead log", "candidate"),
            ("C++", "candidate"),
        )
    ]
    vocabulary = build_vocabulary(terms, [])
    line = make_line(
        Kind.TEXT, "Storage engines and the engine write pages; a write ahead log in C++.", 1
    )
    found = [
        (line.text[s:e], vocabulary.infos[i].text, vocabulary.infos[i].state)
        for s, e, i in find_terms(vocabulary, line)
    ]
    assert found == [
        ("Storage engines", "storage engine", State.CANDIDATE),
        ("engine", "engine", State.REQUIRED),
        ("pages", "page", State.EXCLUDED),
        ("write ahead log", "write-ahead log", State.CANDIDATE),
        ("C++", "C++", State.CANDIDATE),
    ]
    assert find_terms(vocabulary, make_line(Kind.TEXT, "pre-engine enginex", 1)) == []
    assert variants("APIs") == ["API"]
    assert "policies" in variants("policy")
    assert variants("サーバー") == ["サーバ"]


def test_chunked_keeps_order_and_replaces_ranges() -> None:
    items: Chunked[int] = Chunked()
    items.extend(range(10))
    items.extend(range(10, 3 * CHUNK + 5))
    assert len(items) == 3 * CHUNK + 5
    assert items.items() == list(range(3 * CHUNK + 5))
    items.set_range(CHUNK - 2, [-1] * 5)
    assert [items[i] for i in range(CHUNK - 3, CHUNK + 4)] == [
        CHUNK - 3,
        -1,
        -1,
        -1,
        -1,
        -1,
        CHUNK + 3,
    ]
    items.set(0, 99)
    assert items[0] == 99
    assert sum(len(c) for c in items.chunks()) == len(items)
