"""Exports that cannot hurt: an old file survives a failed re-export, CSV cells are not run
as formulas, Markdown never turns a file name or a term into HTML, and bidi controls do not
reorder what is shown."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import stat
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from markdown_it import MarkdownIt
from pytestqt.qtbot import QtBot

from genglossary_gui.cli.common import CliError, _write_export
from genglossary_gui.pipeline.export import ExportEntry, export, write_export_file

NS = {"t": "urn:iso:std:iso:30042:ed-2"}
OLD = "term,definition\r\nold,the export made yesterday\r\n"
NEW = "the new export\n" * 1000

ENTRY = ExportEntry("checkpoint", "en", "A checkpoint flushes pages.", "definition", 0.9, "a.md", 1)


# -- replacing the file in one step -------------------------------------------------------------


def _is_in(fd: int, folder: Path) -> bool:
    """Whether ``fd`` is one of the files in ``folder`` (the export's temporary file)."""
    st = os.fstat(fd)
    return any(
        (p.stat().st_dev, p.stat().st_ino) == (st.st_dev, st.st_ino) for p in folder.iterdir()
    )


def _fill_disk_on_write(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """A disk that fills up part-way: the first write to a file in ``folder`` lands half of
    its bytes, the next fails with ENOSPC, as on a real full disk."""
    real_write = os.write
    calls: list[int] = []

    def write(fd: int, data: bytes | memoryview) -> int:
        if not _is_in(fd, folder):
            return real_write(fd, data)
        calls.append(fd)
        if len(calls) == 1:
            return real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)


def _fail_fsync(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """A disk whose delayed allocation fails when the data is flushed (NFS, ext4)."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode) and _is_in(fd, folder):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def _fail_rename(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(src).parent == folder:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)


FAILURES: dict[str, tuple[Callable[[pytest.MonkeyPatch, Path], None], str]] = {
    "write": (_fill_disk_on_write, "the disk is full"),
    "fsync": (_fail_fsync, "the disk is full"),
    "rename": (_fail_rename, "the disk could not be written (input/output error)"),
}


@pytest.mark.parametrize("step", sorted(FAILURES))
def test_failed_reexport_leaves_the_old_file_as_it_was(
    step: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "glossary.csv"
    target.write_bytes(OLD.encode())
    fail, reason = FAILURES[step]
    fail(monkeypatch, tmp_path)
    with pytest.raises(OSError) as raised:
        write_export_file(target, NEW)
    assert raised.value.strerror == reason
    assert raised.value.filename == str(target)
    assert target.read_bytes() == OLD.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["glossary.csv"]  # no temporary file left


def test_export_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "glossary.md"
    target.write_text(OLD * 100, encoding="utf-8")
    write_export_file(str(target), "# 用語集\n")
    assert target.read_bytes() == "# 用語集\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["glossary.md"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_export_keeps_the_old_files_permissions_and_a_new_file_gets_the_usual_ones(
    tmp_path: Path,
) -> None:
    kept = tmp_path / "kept.tbx"
    kept.write_text(OLD, encoding="utf-8")
    kept.chmod(0o604)
    old_umask = os.umask(0o027)
    try:
        write_export_file(kept, NEW)
        write_export_file(tmp_path / "new.tbx", NEW)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o604
    assert stat.S_IMODE((tmp_path / "new.tbx").stat().st_mode) == 0o640  # 0o666 less umask


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")
def test_export_through_a_symbolic_link_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "glossary.json"
    real.write_text(OLD, encoding="utf-8")
    link = tmp_path / "glossary.json"
    link.symlink_to(real)
    write_export_file(link, NEW)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == NEW


@pytest.mark.skipif(sys.platform == "win32", reason="Windows reports access denied")
def test_export_onto_a_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "glossary.md").mkdir()
    with pytest.raises(OSError) as raised:
        write_export_file(tmp_path / "glossary.md", NEW)
    assert raised.value.strerror == "it is a folder"
    assert [p.name for p in tmp_path.iterdir()] == ["glossary.md"]


def test_export_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(OSError) as raised:
        write_export_file(tmp_path / "nowhere" / "glossary.md", NEW)
    assert raised.value.strerror == "the folder does not exist"


def test_cli_says_the_disk_is_full_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x.csv"
    target.write_bytes(OLD.encode())
    _fill_disk_on_write(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CliError, match=r"^Cannot write 'x\.csv': the disk is full$"):
        _write_export([ENTRY], "x.csv", None, "Storage", "en")
    assert target.read_bytes() == OLD.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def _stored_glossary() -> tuple[int, int]:
    """A project with a one-entry glossary in the store: (project id, run id)."""
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store import transitions
    from genglossary_gui.store.owner import current_owner

    project = repo.create_project("Storage")
    run = transitions.create_run(project, "full", current_owner())
    entry = SimpleNamespace(
        term="checkpoint",
        language="en",
        definition="A checkpoint flushes pages.",
        kind="definition",
        source_path="a.md",
        source_line=1,
        confidence=0.9,
        aliases=[],
        occurrences=[],
        see_also=[],
        alternatives=[],
    )
    repo.save_entries(project, run, "refined", [entry])
    return project, run


def test_window_export_failure_keeps_the_old_file(
    qtbot: QtBot, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QThreadPool

    from genglossary_gui.ui.export_task import ExportTask

    project, run = _stored_glossary()
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "storage.csv"
    target.write_bytes(OLD.encode())
    pool = QThreadPool()

    _fill_disk_on_write(monkeypatch, folder)
    task = ExportTask(project, run, str(target), "csv", "Storage")
    with qtbot.waitSignal(task.signals.failed, timeout=10_000) as failed:
        pool.start(task)
    assert failed.args == ["Cannot write storage.csv: the disk is full"]
    assert target.read_bytes() == OLD.encode()
    assert [p.name for p in folder.iterdir()] == ["storage.csv"]

    monkeypatch.undo()  # room on the disk again: the same export now replaces the file
    task = ExportTask(project, run, str(target), "csv", "Storage")
    with qtbot.waitSignal(task.signals.finished, timeout=10_000) as finished:
        pool.start(task)
    assert finished.args == [str(target), 1]
    assert "checkpoint" in target.read_text(encoding="utf-8")
    assert pool.waitForDone(10_000)


# -- CSV formula injection ----------------------------------------------------------------------


def _csv_rows(entries: list[ExportEntry]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export(entries, "csv"), newline="")))


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe(lead: str) -> None:
    entry = ExportEntry(
        f"{lead}cmd",
        "en",
        f'{lead}HYPERLINK("http://evil.example","click")',
        "definition",
        0.9,
        f"{lead}x.md",
        2,
        aliases=[f"{lead}alias", "plain"],
        see_also=[f"{lead}other"],
    )
    (row,) = _csv_rows([entry])
    assert row["term"] == f"'{lead}cmd"
    assert row["definition"] == f"'{entry.definition}"
    assert row["source"] == f"'{lead}x.md:2"
    assert row["aliases"] == f"'{lead}alias; plain"
    assert row["see_also"] == f"'{lead}other"
    # Only CSV: the other formats keep the text as it is.
    assert json.loads(export([entry], "json"))["entries"][0]["term"] == f"{lead}cmd"
    root = ET.fromstring(export([entry], "tbx").encode())
    tbx_term = root.find(".//t:term", NS).text  # type: ignore[union-attr]
    assert tbx_term == f"{lead}cmd".replace("\r", "\n")  # XML reads a bare CR as a line end


def test_csv_leaves_ordinary_cells_and_our_numbers_alone() -> None:
    entry = ExportEntry("write-ahead log", "en", "A log; 1 + 1 = 2.", "edited", -0.25, "a.md", 3)
    (row,) = _csv_rows([entry])
    assert row == {
        "term": "write-ahead log",
        "aliases": "",
        "definition": "A log; 1 + 1 = 2.",
        "definition_kind": "edited",
        "usage": "",
        "note": "",
        "confidence": "-0.25",  # our own number: never quoted, even with a minus sign
        "source": "a.md:3",
        "see_also": "",
        "language": "en",
        "category": "",
    }


def test_csv_guard_sees_a_formula_hidden_behind_a_bidi_control() -> None:
    (row,) = _csv_rows([ExportEntry("\u202e=cmd", "en", "\u2066@SUM(A1)", "definition", 0.9)])
    assert (row["term"], row["definition"]) == ("'=cmd", "'@SUM(A1)")


# -- Markdown that stays text -------------------------------------------------------------------

ATTACK = "<img src=x onerror=alert(1)>"


class _Html(HTMLParser):
    """The tags, attributes and visible text of rendered HTML."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.small: list[str] = []
        self._in_small = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_small += tag == "small"

    def handle_endtag(self, tag: str) -> None:
        self._in_small -= tag == "small"

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_small:
            self.small.append(data)


def _render(entries: list[ExportEntry], title: str = "Glossary") -> _Html:
    return _Html(MarkdownIt("commonmark").render(export(entries, "md", title=title)))


def test_markdown_renders_hostile_names_and_text_as_text() -> None:
    source = f"a`{ATTACK}`.md"
    entries = [
        ExportEntry(
            f"x</small>{ATTACK}",
            "en",
            f"Ends `code` and </small><script>alert(1)</script> &amp; more\n\n{ATTACK}\n# No",
            "context",
            0.5,
            source,
            7,
            aliases=[f"`{ATTACK}`", "[link](javascript:alert(1))"],
            see_also=[f'">{ATTACK}', "missing <b>"],
        ),
        ExportEntry(f'">{ATTACK}', "en", "Defined.", "definition", 0.9),
    ]
    html = _render(entries, title=f"T {ATTACK}")
    tags = [tag for tag, _ in html.tags]
    assert set(tags) <= {"h1", "h2", "p", "a", "em", "small"}, tags
    assert tags.count("h1") == 1 and tags.count("small") == 2
    for tag, attrs in html.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "a":
            assert set(attrs) <= {"id", "href"}
            assert re.fullmatch(r"#?term-[\w-]+", attrs.get("id") or attrs.get("href") or "")
    text = "".join(html.text)
    assert f"x</small>{ATTACK}" in text and f"`{ATTACK}`" in text
    assert "[link](javascript:alert(1))" in text and "missing <b>" in text
    assert "</small><script>alert(1)</script> &amp; more" in text
    assert f"source: {source}:7" in "".join(html.small)  # the whole name, inside <small>
    # The see-also link to the hostile term points at that term's own anchor.
    ids = [a.get("id") for t, a in html.tags if t == "a" and "id" in a]
    hrefs = [a["href"] for t, a in html.tags if t == "a" and "href" in a]
    assert len(set(ids)) == 2 and hrefs and all(h and h[1:] in ids for h in hrefs)


# -- bidirectional controls ---------------------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
TRICK = ExportEntry(
    "admin\u202etxt.exe",
    "en",
    "Runs \u202eevil\u202c code" + BIDI,
    "definition",
    0.9,
    "doc\u202ets.md",
    4,
    aliases=["al\u2067ias"],
    see_also=["other\u200f"],
)
CLEAN = ("admintxt.exe", "Runs evil code", "docts.md", "alias", "other")


@pytest.mark.parametrize("fmt", ["md", "csv", "json", "tbx"])
def test_bidi_controls_are_removed_from_every_format(fmt: str) -> None:
    text = export([TRICK], fmt, title="Glossary\u202e")
    assert not set(BIDI) & set(text)
    if fmt == "md":
        shown = "".join(_render([TRICK]).text)
        assert all(part in shown for part in CLEAN)
        assert '<a id="term-admintxt-exe"></a>' in text
    elif fmt == "csv":
        (row,) = _csv_rows([TRICK])
        got = (row["term"], row["definition"], row["source"], row["aliases"], row["see_also"])
        assert got == (CLEAN[0], CLEAN[1], "docts.md:4", CLEAN[3], CLEAN[4])
    elif fmt == "json":
        data = json.loads(text)
        e = data["entries"][0]
        got = (e["term"], e["definition"], e["source_path"], *e["aliases"], *e["see_also"])
        assert got == CLEAN and data["title"] == "Glossary"
    else:
        root = ET.fromstring(text.encode())
        terms = [t.text for t in root.findall(".//t:term", NS)]
        assert terms == [CLEAN[0], CLEAN[3]]
        assert root.find(".//t:descrip", NS).text == CLEAN[1]  # type: ignore[union-attr]
        assert root.find(".//t:admin", NS).text == "docts.md:4"  # type: ignore[union-attr]
