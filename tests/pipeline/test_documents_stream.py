"""Large files: imported in a stream (read, decoded and stored a piece at a time) and read
back in parts, with the text, the encodings, the line numbers and the glossary a whole
reading gives. Real files in tmp_path and a real SQLite database; the thresholds are lowered
(module constants) so that small files take the large files' path."""

from __future__ import annotations

import codecs
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from genglossary_gui.pipeline import documents, reading
from genglossary_gui.pipeline.context import Cancelled, CancelToken, RunContext
from genglossary_gui.pipeline.documents import SkipFile, decode_bytes, detect_language, open_source
from genglossary_gui.pipeline.reading import parts, sentences
from genglossary_gui.pipeline.steps import import_documents
from genglossary_gui.store import repositories as repo
from genglossary_gui.store.database import db
from genglossary_gui.store.models import Document
from tests.corpus import english_text, japanese_text
from tests.helpers import new_project

JA = japanese_text(3000, 1) + "\r\n行末\r\n"
EN = english_text(5000, 2).replace(". ", ".\r\n", 20)


def _streamed(path: Path) -> tuple[str, str, str] | tuple[str, str]:
    """What the streamed import makes of ``path``: (text, encoding, language), or
    ("skipped", reason)."""
    try:
        with open_source(path, stream_bytes=0) as source:
            decoded = source.decode()
            assert isinstance(decoded.text, documents.SpooledText)
            text = b"".join(decoded.text.chunks()).decode("utf-8")
            assert decoded.text.chars == len(text)
            assert decoded.text.size == len(text.encode("utf-8"))
            decoded.text.close()
            return text, decoded.encoding, decoded.language
    except SkipFile as skip:
        return "skipped", skip.reason


def _whole(raw: bytes) -> tuple[str, str, str] | tuple[str, str]:
    """What the import made of the same bytes read whole."""
    try:
        if not raw.strip():
            raise SkipFile("empty")
        text, encoding = decode_bytes(raw)
        return text, encoding, detect_language(text)
    except SkipFile as skip:
        return "skipped", skip.reason


CASES = {
    "utf-8": EN.encode(),
    "utf-8 with a BOM": codecs.BOM_UTF8 + JA.encode(),
    "utf-16 with a BOM": codecs.BOM_UTF16_LE + JA.encode("utf-16-le"),
    "utf-16le without a BOM": JA.encode("utf-16-le"),
    "utf-16be without a BOM": (EN[:3000] + JA).encode("utf-16-be"),
    "shift_jis": JA.encode("cp932"),
    "euc-jp": JA.encode("euc_jp"),
    "windows-1252": ("Café crème brûlée, déjà vu. " * 300).encode("cp1252"),
    "latin-1": ("Ça été très bien, « oui » É. " * 200).encode("latin-1"),
    "utf-8 with a bad byte": EN.encode()[:3000] + b"\xff" + EN.encode()[3000:] + "é".encode(),
    "utf-8 with U+FFFD and a cut end": ("x\ufffd " * 10 + EN).encode()[:-1] + b"\xc3",
    "binary": bytes(range(256)) * 100,
    "NULs": b"abc\x00" * 1000,
    "whitespace only": b"  \n\t \n",
    "Unicode spaces only": "\u3000 \n".encode() * 10,
    "old Mac line ends": b"one\r\ntwo\rthree\r" * 500,
    "a BOM that lies": codecs.BOM_UTF8 + b"\xff\xfe abc",
}


@pytest.mark.parametrize("piece", [7, 4096])
@pytest.mark.parametrize("name", list(CASES))
def test_a_file_decoded_in_a_stream_reads_as_decoded_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, piece: int
) -> None:
    raw = CASES[name]
    path = tmp_path / "doc.txt"
    path.write_bytes(raw)
    monkeypatch.setattr(documents, "_READ_CHUNK", piece)  # "\r\n", characters cut in two
    assert _streamed(path) == _whole(raw)


def test_decisions_on_the_first_mebibyte_are_those_of_a_whole_reading(tmp_path: Path) -> None:
    valid_head = ("A shard is a slice of the index. " * 40_000).encode()  # 1.3 MB
    cases = [
        valid_head + b"\xff" + "é".encode(),  # invalid only after the first MiB: repaired
        valid_head + bytes(range(0x80, 0x100)) * 200,  # too damaged to repair: guessed
        (JA * 200).encode("cp932"),  # Shift_JIS past the detector's sample
    ]
    for i, raw in enumerate(cases):
        path = tmp_path / f"doc{i}.txt"
        path.write_bytes(raw)
        assert _streamed(path) == _whole(raw), i


def test_a_file_that_changes_while_it_is_imported_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(EN, encoding="utf-8")
    with open_source(path, stream_bytes=0) as source:
        path.write_text(EN.replace("for", "per"), encoding="utf-8")  # same file, new bytes
        with pytest.raises(SkipFile, match="changed while it was read"):
            source.decode()


def _stored_as_stream(document_id: int) -> bool:
    sql = "SELECT count(*) FROM document_text WHERE document_id = ?"
    return db.execute_sql(sql, (document_id,)).fetchone()[0] == 1


def test_a_file_over_the_old_64_mib_limit_is_imported_in_pieces_with_its_lines(
    data_dir: Path, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    block = english_text(1_000_000, 3)
    marker = "A quorum journal is a journal that a quorum of replicas acknowledges."
    with (docs / "big.txt").open("w", encoding="utf-8") as f:
        for _ in range(70):  # 70 MB, over the 64 MiB the import refused before
            f.write(block)
        f.write("\n\n" + marker + "\n")
    size = (docs / "big.txt").stat().st_size
    assert size > 64 * 1024 * 1024
    project = new_project()
    tracemalloc.start()
    try:
        summary = import_documents(project, docs, RunContext())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary.added == 1 and summary.skipped == 0
    # Read, decoded and written a piece at a time: never the file's text in memory.
    assert peak < 16 * 1024 * 1024
    (doc_id,) = repo.document_ids(project)
    assert _stored_as_stream(doc_id)
    assert Document.get_by_id(doc_id).size_bytes == size
    assert repo.document_chars(project) == size  # ASCII: one character a byte
    found = list(parts("big.txt", repo.document_chunks(doc_id)))
    assert len(found) > 10 and "".join(found[-1:])[-200:].endswith(marker + "\n")
    assert all(len(p) < 2 * reading.PART_CHARS for p in found)
    last = {s.text: s.line for s in sentences("big.txt", found[-1])}
    assert last[marker] == 70 * block.count("\n") + 3


def _glossary(project: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    from genglossary_gui.engines.builtin import BuiltinEngine
    from genglossary_gui.pipeline.steps import run_scope
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    run = transitions.create_run(project, "full", current_owner(), "test")
    transitions.mark_running(run)
    ctx = RunContext(run_id=run)
    run_scope(project, "import", ctx, BuiltinEngine())
    run_scope(project, "full", ctx, BuiltinEngine())
    terms = [(t.text, t.frequency, t.document_count, t.score) for t in repo.term_rows(project)]
    entries = [
        (e["term"], e["definition"], e["source_path"], e["source_line"], e["occurrences"])
        for e in repo.load_entries(run, "refined")
    ]
    return terms, entries


def test_a_document_read_in_parts_gives_the_glossary_read_whole(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    big = (
        "---\ntitle: Storage\n---\n# Storage Engines Explained\n\n"
        + english_text(80_000, 5)
        + "\n\nA quorum journal is a journal that replicas acknowledge.\n\n"
        + "```\nA fence is code, not a definition.\n\nstill code\n```\n\n"
        + english_text(80_000, 6)
    )
    (docs / "big.md").write_text(big, encoding="utf-8")
    (docs / "notes.txt").write_bytes(
        ("Über naïve café is fine.\r\n" + english_text(100_000, 7)).encode("cp1252", "replace")
    )
    (docs / "small.md").write_text(english_text(3000, 8), encoding="utf-8")
    whole = _glossary(repo.create_project("whole", [str(docs)]))
    monkeypatch.setattr(documents, "STREAM_BYTES", 64 * 1024)
    monkeypatch.setattr(reading, "PART_CHARS", 70_000)
    project = repo.create_project("streamed", [str(docs)])
    streamed = _glossary(project)
    ids = {Document.get_by_id(i).rel_path: i for i in repo.document_ids(project)}
    assert _stored_as_stream(ids["big.md"]) and _stored_as_stream(ids["notes.txt"])
    assert not _stored_as_stream(ids["small.md"])
    assert len(list(parts("big.md", repo.document_chunks(ids["big.md"])))) > 1
    assert streamed == whole
    line = big[: big.index("A quorum journal")].count("\n") + 1
    assert ("quorum journal", "big.md", line) in {(e[0], e[2], e[3]) for e in streamed[1]}


def test_a_cancel_while_a_large_text_is_saved_saves_nothing(data_dir: Path) -> None:
    project = new_project()
    token = CancelToken()

    class Stream:
        size = 3 * 1024 * 1024

        def chunks(self):
            yield b"x" * (1024 * 1024)
            token.cancel()
            token.check()
            yield b"x" * (2 * 1024 * 1024)

    records = [
        repo.DocumentRecord("small.md", "Some text.", "h1", "UTF-8", "en", 10),
        repo.DocumentRecord("big.md", Stream(), "h2", "UTF-8", "en", Stream.size),
    ]
    with pytest.raises(Cancelled):
        repo.save_documents(project, records)
    assert Document.select().count() == 0  # one transaction: the batch is all or nothing


def _sample_markdown() -> str:
    import random

    rng = random.Random(3)
    chunks = ["---\ntitle: x\nauthor: y\n---\n", "A Title Of The Document\nFirst line here.\n\n"]
    while sum(map(len, chunks)) < 300_000:
        r = rng.random()
        if r < 0.1:
            chunks.append("```python\ncode = 1\n\nmore code is a thing.\n```\n\n")
        elif r < 0.2:
            chunks.append("# A heading\n\n")
        elif r < 0.25:
            chunks.append("| a | b |\n|---|---|\n| WAL | a log is a file. |\n\n")
        else:
            text = english_text(rng.randint(100, 3000), rng.randint(0, 999))
            chunks.append(text.replace(". ", ".\n", 3) + "\n\n")
    return "".join(chunks)


@pytest.mark.parametrize("path", ["a.md", "a.txt"])
@pytest.mark.parametrize(("part_chars", "piece"), [(1, 1000), (10_000, 77_777), (10**9, 4096)])
def test_parts_give_the_sentences_and_prose_of_the_whole_text(
    path: str, part_chars: int, piece: int
) -> None:
    text = _sample_markdown()
    markdown = reading.is_markdown(path)
    found = list(parts(path, (text[i : i + piece] for i in range(0, len(text), piece)), part_chars))
    assert "".join(found) == text
    assert (len(found) == 1) == (part_chars == 10**9)
    assert [s for p in found for s in sentences(path, p)] == list(sentences(path, text))
    prose = [reading.prose(p, markdown=markdown) for p in found]
    joined = "\n\n".join(p for p in prose if p) if markdown else "".join(prose)
    assert joined == reading.prose(text, markdown=markdown)


def test_text_with_nowhere_to_cut_is_cut_anyway_with_its_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reading, "PIECE_CHARS", 1000)
    lines = [f"Line {n} says a shard is a slice." for n in range(1, 3001)]
    fenced = "```\n" + "\n".join(f"code {n}" for n in range(2000)) + "\n```\n"
    text = "\n".join(lines) + "\n" + fenced + "After the fence, a shard is a slice.\n"
    one_line = "word " * 20_000
    for path, doc in (("a.md", text), ("a.txt", text), ("b.txt", one_line)):
        found = list(parts(path, [doc], 10))
        limit = 4 * 1000
        assert len(found) > 3 and all(len(p) <= limit + 100 for p in found), path
        source = doc.split("\n")
        for p in found:
            for s in sentences(path, p):
                assert s.text.split()[0] in source[s.line - 1], (path, s)
                assert not path.endswith(".md") or "code" not in s.text, (path, s)
    last = [s for p in parts("a.md", [text], 10) for s in sentences("a.md", p)][-1]
    assert last.line == text.count("\n")


@pytest.mark.parametrize(
    ("path", "text", "language"),
    [
        ("a.md", _sample_markdown(), "en"),
        ("a.txt", _sample_markdown(), "en"),
        ("j.txt", (japanese_text(30_000, 4) + "\n\n") * 4, "ja"),
    ],
)
def test_extraction_over_parts_counts_what_it_counts_over_the_whole(
    path: str, text: str, language: str
) -> None:
    from genglossary_gui.engines.builtin.extract import TermExtractor

    markdown = reading.is_markdown(path)
    whole = TermExtractor()
    whole.add(text, language, markdown=markdown)
    whole.add("A second document mentions the index once.", language)
    pieces = TermExtractor()
    for part in parts(path, [text], 10_000):
        pieces.add(part, language, markdown=markdown)
    pieces.add("A second document mentions the index once.", language)
    assert pieces.chars == whole.chars
    assert pieces.ranked() == whole.ranked()


def test_a_document_stored_as_a_stream_is_shown_cloned_and_replaced_whole(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from genglossary_gui.store.models import DocumentText
    from genglossary_gui.store.repositories.viewer import viewer_document
    from genglossary_gui.store.repositories.workspace import clone_project

    docs = tmp_path / "docs"
    docs.mkdir()
    text = english_text(200_000, 9) + "\n\nThe last line.\n"
    (docs / "big.md").write_text(text, encoding="utf-8")
    monkeypatch.setattr(documents, "STREAM_BYTES", 64 * 1024)
    project = repo.create_project("streamed", [str(docs)])
    import_documents(project, docs, RunContext())
    (doc_id,) = repo.document_ids(project)
    assert _stored_as_stream(doc_id)
    # The viewer shows the whole text, as it would show a document stored whole.
    shown = viewer_document(doc_id)
    assert shown is not None and shown.text == text
    # A copy of the project has its own copy of the text.
    copy = clone_project(project, "copy")
    (copy_id,) = repo.document_ids(copy)
    assert copy_id != doc_id and _stored_as_stream(copy_id)
    assert "".join(repo.document_chunks(copy_id)) == text
    # The file shrinks: stored whole now, with no stream left behind.
    (docs / "big.md").write_text("A small text now.\n", encoding="utf-8")
    import_documents(project, docs, RunContext())
    assert not _stored_as_stream(doc_id)
    assert repo.stored_document(doc_id).text == "A small text now.\n"
    # Deleting the copy removes its stream (no orphan rows).
    repo.delete_project(copy)
    assert DocumentText.select().count() == 0
