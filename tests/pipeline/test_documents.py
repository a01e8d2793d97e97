"""Reading, decoding and importing documents."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from genglossary_gui.pipeline.context import Cancelled, CancelToken, RunContext
from genglossary_gui.pipeline.documents import (
    GUESSED,
    REPAIRED_UTF8,
    SkipFile,
    decode_bytes,
    detect_language,
    display_path,
    is_guessed,
    iter_document_files,
    load_file,
    split_chunks,
)
from genglossary_gui.pipeline.steps import StepError, import_documents
from genglossary_gui.store.models import Document
from tests.helpers import new_project

JA = "形態素解析器は文を形態素に分割する。自然言語処理とは、人間の言語を計算機で扱う技術である。"
EN = "A glossary is a list of terms with their definitions.\n"


class RecordingReporter:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []
        self.progress_calls: list[tuple[str, int, int]] = []

    def progress(self, step: str, done: int, total: int) -> None:
        self.progress_calls.append((step, done, total))

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        self.lines.append((level, message))


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        (JA.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + JA.encode("utf-8"), "UTF-8 (BOM)"),
        (codecs.BOM_UTF16_LE + JA.encode("utf-16-le"), "UTF-16LE"),
        (codecs.BOM_UTF16_BE + JA.encode("utf-16-be"), "UTF-16BE"),
        (EN.encode("utf-16-le"), "UTF-16LE"),  # no BOM
        (JA.encode("cp932"), "Shift_JIS"),
        (JA.encode("euc_jp"), "EUC-JP"),
    ],
)
def test_decodes_japanese_and_unicode_encodings(raw: bytes, label: str) -> None:
    text, encoding = decode_bytes(raw)
    assert encoding == label
    assert text.strip() in (JA, EN.strip())


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [JA, JA + "\nKubernetes の API サーバー\n", "日本語のテキスト"])
def test_japanese_utf16_without_bom_is_decoded(codec: str, text: str) -> None:
    # Japanese UTF-16 has few or no NUL bytes: it used to be skipped as binary.
    decoded, label = decode_bytes(text.encode(codec))
    assert (decoded, label) == (text, codec.upper().replace("-LE", "LE").replace("-BE", "BE"))


LATIN = "Café crème, naïve façade, Zürich, résumé.\n"


@pytest.mark.parametrize(
    "raw",
    [
        LATIN.encode("iso-8859-1"),
        (LATIN * 20).encode("iso-8859-1"),
        "Café crème, naïve façade, Zürich, résumé…\n".encode("cp1252"),
        # Shift_JIS accepts these bytes ("Les 駘钁es 騁udient..."): it used to win.
        "Les élèves étudient les règles précises de Gérard Dépardieu.\n".encode("iso-8859-1"),
        "Crème brûlée: la crème épaisse, élégante et légère. Déjà vu à Zürich.\n".encode(
            "iso-8859-1"
        ),
    ],
)
def test_latin1_text_is_decoded_as_western_european(raw: bytes) -> None:
    text, label = decode_bytes(raw)
    assert text == raw.decode("cp1252")
    assert label == "Windows-1252" + GUESSED
    assert is_guessed(label)


def test_latin1_mojibake_is_no_longer_taken_for_shift_jis() -> None:
    raw = "Les élèves étudient les règles précises de Gérard Dépardieu.\n".encode("iso-8859-1")
    assert "駘" in raw.decode("cp932")  # what used to be imported
    assert decode_bytes(raw)[1] != "Shift_JIS"


def test_utf8_with_a_few_invalid_bytes_is_repaired() -> None:
    good = (JA + EN) * 20
    parts = [good[:100], good[100:700], good[700:]]
    broken = b"\xff".join(part.encode("utf-8") for part in parts)  # 2 bad bytes in 6 KB
    text, label = decode_bytes(broken)
    # Each bad byte becomes U+FFFD; the rest stays intact (it used to become cp1250 mojibake).
    assert (text, label) == ("\ufffd".join(parts), REPAIRED_UTF8)
    assert is_guessed(label)


def test_many_invalid_bytes_are_not_repaired_as_utf8() -> None:
    # Latin-1 inside otherwise ASCII text: no valid UTF-8 sequence at all, so not UTF-8.
    raw = ("The quick brown fox. " * 50).encode() + "naïve café".encode("iso-8859-1")
    text, label = decode_bytes(raw)
    assert label != REPAIRED_UTF8
    assert text.endswith("naïve café")


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        (JA * 10, "cp932", "Shift_JIS"),
        (JA * 10, "euc_jp", "EUC-JP"),
        ("ｶﾀｶﾅ ﾃｽﾄ ﾃﾞｰﾀ\n", "cp932", "Shift_JIS"),  # half-width katakana, as in old files
        ("形態素解析 自然言語処理 計算機 技術 人間 言語\n", "cp932", "Shift_JIS" + GUESSED),
    ],
)
def test_genuine_legacy_japanese_keeps_its_label(text: str, codec: str, label: str) -> None:
    assert decode_bytes(text.encode(codec)) == (text, label)


def test_guessed_encodings_are_warned_about_on_import(data_dir: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "latin.txt").write_bytes((LATIN * 5).encode("iso-8859-1"))
    (docs / "plain.md").write_text(EN, encoding="utf-8")
    reporter = RecordingReporter()
    import_documents(new_project(), docs, RunContext(reporter=reporter))
    doc = Document.get(Document.rel_path == "latin.txt")
    assert (doc.text, doc.encoding) == (LATIN * 5, "Windows-1252 (guessed)")
    warnings = [m for level, m in reporter.lines if level == "warning"]
    assert warnings == [
        "latin.txt: decoded as Windows-1252 (guessed); check its text in the Documents page"
    ]


def test_windows_line_endings_are_normalised() -> None:
    text, _ = decode_bytes(b"one\r\ntwo\rthree\n")
    assert text == "one\ntwo\nthree\n"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x00\x01\x02\x03", "binary"),  # too short to guess an encoding
        (b"abc\x01\x02def", "binary"),
    ],
)
def test_binary_is_refused(raw: bytes, reason: str) -> None:
    with pytest.raises(SkipFile, match=reason):
        decode_bytes(raw)


def test_skip_reasons_for_bad_files(tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \n\t\n")
    (tmp_path / "big.md").write_bytes(b"x" * 2048)
    os.symlink(tmp_path / "missing-target", tmp_path / "dangling.md")
    with pytest.raises(SkipFile, match="empty"):
        load_file(tmp_path / "empty.md")
    with pytest.raises(SkipFile, match="empty"):
        load_file(tmp_path / "blank.txt")
    with pytest.raises(SkipFile, match=r"too large \(0.0 MB"):
        load_file(tmp_path / "big.md", max_bytes=1024)
    with pytest.raises(SkipFile, match="cannot be read"):
        load_file(tmp_path / "dangling.md")


def test_finds_supported_files_recursively_skipping_hidden(tmp_path: Path) -> None:
    for rel in [
        "a.md",
        "b.TXT",
        "sub/c.markdown",
        "sub/deeper/d.md",
        ".hidden/e.md",
        ".f.md",
        "g.pdf",
        "h.docx",
    ]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_document_files(tmp_path)]
    assert found == ["a.md", "b.TXT", "sub/c.markdown", "sub/deeper/d.md"]


def test_language_detection() -> None:
    assert detect_language(JA) == "ja"
    assert detect_language(EN * 3) == "en"
    # A Japanese document with some English terms stays Japanese.
    assert detect_language(JA + " Kubernetes cluster API server ") == "ja"
    assert detect_language("中文没有假名") == "en"  # no kana: not Japanese


def test_split_chunks_respects_limit_and_sentence_ends() -> None:
    text = "。".join(["あ" * 30] * 100) + "。"
    chunks = list(split_chunks(text, 100))
    assert "".join(chunks) == text
    assert all(len(c) <= 100 for c in chunks)
    assert all(c.endswith("。") for c in chunks[:-1])
    hard = list(split_chunks("x" * 250, 100))
    assert [len(c) for c in hard] == [100, 100, 50]


def test_split_chunks_cuts_a_long_line_between_words() -> None:
    line = " ".join(f"word{i} alpha" for i in range(80_000))  # about 1 MB, no sentence end
    chunks = list(split_chunks(line, 1000))
    assert "".join(chunks) == line
    assert all(len(c) <= 1000 for c in chunks)
    assert all(c.endswith(" ") for c in chunks[:-1])  # never "... word1 alph" | "a word2"
    # A Japanese ideographic space counts too; a space early in the window does not.
    spaced = "あ" * 60 + "\u3000" + "い" * 60
    assert list(split_chunks(spaced, 100)) == ["あ" * 60 + "\u3000", "い" * 60]
    assert [len(c) for c in split_chunks("a " + "x" * 200, 100)] == [100, 100, 2]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("\x1b]0;pwned\x07x.md", "\\x1b]0;pwned\\x07x.md"),
        ("a\nFAKE LINE.md", "a\\nFAKE LINE.md"),
        ("tab\there\r.md", "tab\\there\\r.md"),
        ("del\x7f\x9b.md", "del\\x7f\\x9b.md"),
        ("line\u2028sep\u202egnp.md", "line\\u2028sep\\u202egnp.md"),
        ("設計/ノート.md", "設計/ノート.md"),
    ],
)
def test_display_path_makes_control_characters_visible(name: str, shown: str) -> None:
    assert display_path(name) == shown


def test_file_names_with_terminal_escapes_and_newlines_are_one_safe_line(
    data_dir: Path, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "\x1b]0;pwned\x07x.md").write_text(EN)
    (docs / "a\nFAKE LINE.md").write_bytes(b"")  # skipped: its name is in a warning
    reporter = RecordingReporter()
    import_documents(new_project(), docs, RunContext(reporter=reporter))
    stored = sorted(d.rel_path for d in Document.select())
    assert stored == ["\\x1b]0;pwned\\x07x.md", "a\\nFAKE LINE.md"]
    assert ("warning", "Skipped a\\nFAKE LINE.md: empty") in reporter.lines
    for _level, message in reporter.lines:
        assert "\x1b" not in message and "\n" not in message and "\x07" not in message


def test_import_stores_documents_and_reports_skips(data_dir: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "ja").mkdir(parents=True)
    (docs / "en.md").write_text(EN * 3, encoding="utf-8")
    (docs / "ja" / "sjis.txt").write_bytes(JA.encode("cp932"))
    (docs / "bin.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (docs / "empty.md").write_bytes(b"")
    project = new_project()
    reporter = RecordingReporter()
    summary = import_documents(project, docs, RunContext(reporter=reporter))
    assert (summary.added, summary.skipped) == (2, 2)
    stored = {d.rel_path: d for d in Document.select().where(Document.project == project)}
    assert set(stored) == {"en.md", "ja/sjis.txt", "bin.txt", "empty.md"}
    # Files that could not be imported are listed with their reason and no text.
    assert (stored["bin.txt"].problem, stored["bin.txt"].text) == ("binary file (not text)", "")
    assert stored["bin.txt"].size_bytes == 400
    assert stored["empty.md"].problem == "empty"
    assert stored["en.md"].problem == ""
    assert stored["ja/sjis.txt"].encoding == "Shift_JIS"
    assert stored["ja/sjis.txt"].language == "ja"
    assert stored["ja/sjis.txt"].text == JA
    assert stored["en.md"].language == "en"
    assert len(stored["en.md"].content_hash) == 64
    warnings = [m for level, m in reporter.lines if level == "warning"]
    assert "Skipped bin.txt: binary file (not text)" in warnings
    assert "Skipped empty.md: empty" in warnings
    assert reporter.progress_calls[-1] == ("import", 4, 4)

    # Re-import: unchanged files are not rewritten, changed ones are, removed ones go.
    (docs / "en.md").write_text(EN * 4, encoding="utf-8")
    (docs / "ja" / "sjis.txt").unlink()
    (docs / "bin.txt").unlink()
    again = import_documents(project, docs, RunContext())
    assert (again.added, again.updated, again.removed) == (0, 1, 2)
    assert sorted(d.rel_path for d in Document.select()) == ["empty.md", "en.md"]


def test_import_from_several_sources(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "a").mkdir(parents=True)
    (tmp_path / "a" / "x.md").write_text(EN)
    (tmp_path / "b" / "a" / "x.md").write_text(EN + EN)
    (tmp_path / "single.txt").write_text(EN)
    project = new_project()
    sources = [tmp_path / "a", tmp_path / "b" / "a", tmp_path / "single.txt", tmp_path / "gone"]
    reporter = RecordingReporter()
    summary = import_documents(project, sources, RunContext(reporter=reporter))
    assert summary.added == 3
    assert sorted(d.rel_path for d in Document.select()) == ["a/x.md", "a/x.md (2)", "single.txt"]
    assert ("warning", "'gone' does not exist any more; its documents are kept") in reporter.lines


def test_import_of_missing_folder_fails_with_plain_message(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(StepError, match="'gone' does not exist any more"):
        import_documents(new_project(), tmp_path / "gone", RunContext())


def test_import_stops_at_cancel(data_dir: Path, tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"{i}.md").write_text(EN)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        import_documents(new_project(), tmp_path, RunContext(token))
    assert Document.select().count() == 0


def test_reimport_keeps_a_good_version_when_the_file_turns_bad(
    data_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.md").write_text(EN * 3)
    project = new_project()
    import_documents(project, tmp_path, RunContext())
    (tmp_path / "a.md").write_bytes(b"")  # caught mid-save by the next import
    reporter = RecordingReporter()
    import_documents(project, tmp_path, RunContext(reporter=reporter))
    doc = Document.get(Document.rel_path == "a.md")
    assert (doc.text, doc.problem) == (EN * 3, "")
    assert ("warning", "Kept the version of a.md imported earlier (now: empty)") in reporter.lines


def test_file_names_that_are_not_utf8_are_imported(data_dir: Path, tmp_path: Path) -> None:
    name = "設計.md".encode("cp932")  # a Shift_JIS name, as unpacked from an old archive
    with open(os.path.join(os.fsencode(tmp_path), name), "wb") as f:
        f.write(EN.encode())
    project = new_project()
    summary = import_documents(project, tmp_path, RunContext())
    assert summary.added == 1
    (doc,) = Document.select()
    assert doc.rel_path.endswith(".md") and "\ufffd" in doc.rel_path
    assert doc.text == EN


def test_unreadable_folder_does_not_remove_its_documents(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from genglossary_gui.pipeline import documents

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text(EN)
    (tmp_path / "a.md").write_text(EN)
    project = new_project()
    import_documents(project, tmp_path, RunContext())
    real_walk = os.walk

    def walk_without_sub(top, **kwargs):
        # What os.walk does for a folder it may not list (tests run as root here).
        for root, dirs, files in real_walk(top, **kwargs):
            if "sub" in dirs:
                dirs.remove("sub")
                kwargs["onerror"](PermissionError(13, "Permission denied", "sub"))
            yield root, dirs, files

    monkeypatch.setattr(documents.os, "walk", walk_without_sub)
    reporter = RecordingReporter()
    summary = import_documents(project, tmp_path, RunContext(reporter=reporter))
    assert summary.removed == 0
    assert sorted(d.rel_path for d in Document.select()) == ["a.md", "sub/b.md"]
    assert any("could not be read" in m for level, m in reporter.lines if level == "warning")
