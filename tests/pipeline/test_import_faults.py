"""Import faults from the file system: links out of the folder, named pipes, devices, files
that lie about their size, and a cancel while a large file is read. All on real files."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from genglossary_gui import cli
from genglossary_gui.pipeline import documents
from genglossary_gui.pipeline.context import Cancelled, RunContext
from genglossary_gui.pipeline.documents import LINK_OUTSIDE, SkipFile, load_file, read_document
from genglossary_gui.pipeline.steps import import_documents
from genglossary_gui.store.database import DB_FILENAME
from genglossary_gui.store.models import Document
from tests.helpers import new_project
from tests.pipeline.test_documents import EN, RecordingReporter

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")

SECRET = "TOP-SECRET-7f3a9 do not import me\n"


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: a blocked open or read is interrupted by SIGALRM."""

    def too_slow(signum: int, frame: object) -> None:
        raise TimeoutError(f"did not finish within {seconds} s (blocked on a named pipe?)")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A document folder with a normal file and everything that must not be read."""
    (tmp_path / "secret.txt").write_text(SECRET)  # outside the folder
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "normal.md").write_text(EN * 3)
    os.mkfifo(docs / "pipe.md")
    os.symlink("/etc/passwd", docs / "passwd.md")
    os.symlink(tmp_path / "secret.txt", docs / "notes.txt")
    os.symlink("../../secret.txt", docs / "sub" / "relative.md")  # out by a relative link
    os.symlink("/dev/zero", docs / "zero.md")
    os.symlink("normal.md", docs / "same.md")  # a link inside the folder is fine
    return docs


def test_import_reads_only_regular_files_inside_the_folder(data_dir: Path, hostile: Path) -> None:
    reporter = RecordingReporter()
    started = time.monotonic()
    with deadline(10):
        summary = import_documents(new_project(), hostile, RunContext(reporter=reporter))
    assert time.monotonic() - started < 5
    assert (summary.added, summary.skipped) == (2, 5)
    stored = {d.rel_path: d for d in Document.select()}
    assert {rel for rel, d in stored.items() if not d.problem} == {"normal.md", "same.md"}
    assert stored["same.md"].text == EN * 3
    problems = {rel: (d.problem, d.text, d.size_bytes) for rel, d in stored.items() if d.problem}
    assert problems == {
        "pipe.md": ("not a regular file (named pipe)", "", 0),
        "passwd.md": (LINK_OUTSIDE, "", 0),
        "notes.txt": (LINK_OUTSIDE, "", 0),
        "sub/relative.md": (LINK_OUTSIDE, "", 0),
        "zero.md": (LINK_OUTSIDE, "", 0),
    }
    warnings = [m for level, m in reporter.lines if level == "warning"]
    assert "Skipped pipe.md: not a regular file (named pipe)" in warnings
    assert f"Skipped passwd.md: {LINK_OUTSIDE}" in warnings
    # Nothing of the files outside is anywhere in the database files, not even in the WAL.
    stored_bytes = b"".join(p.read_bytes() for p in data_dir.glob(DB_FILENAME + "*"))
    assert SECRET.encode()[:16] not in stored_bytes
    passwd_line = Path("/etc/passwd").read_bytes().splitlines()[0]
    assert passwd_line not in stored_bytes


def test_a_leaked_earlier_import_of_an_outside_file_is_dropped(
    data_dir: Path, tmp_path: Path
) -> None:
    # What an older version imported through a link is not kept as "the earlier version".
    (tmp_path / "secret.txt").write_text(SECRET)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text(SECRET)
    project = new_project()
    import_documents(project, docs, RunContext())
    (docs / "notes.txt").unlink()
    os.symlink(tmp_path / "secret.txt", docs / "notes.txt")
    import_documents(project, docs, RunContext())
    doc = Document.get(Document.rel_path == "notes.txt")
    assert (doc.text, doc.problem) == ("", LINK_OUTSIDE)


def test_sources_chosen_one_by_one_must_be_regular_files(data_dir: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    os.symlink("/dev/zero", tmp_path / "zero.md")
    (tmp_path / "secret.txt").write_text(SECRET)
    os.symlink(tmp_path / "secret.txt", tmp_path / "chosen.txt")
    sources = [tmp_path / "pipe.md", tmp_path / "zero.md", tmp_path / "chosen.txt"]
    with deadline(10):
        summary = import_documents(new_project(), sources, RunContext())
    assert (summary.added, summary.skipped) == (1, 2)
    stored = {d.rel_path: (d.problem, d.text) for d in Document.select()}
    assert stored == {
        "pipe.md": ("not a regular file (named pipe)", ""),  # not "does not exist any more"
        "zero.md": ("not a regular file (device)", ""),
        "chosen.txt": ("", SECRET),  # a link the user picked by itself is read
    }


def test_a_file_swapped_for_a_pipe_after_its_check_does_not_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "plain.md").write_text(EN)
    real_stat = os.stat
    plain = real_stat(tmp_path / "plain.md")

    def stat_before_the_swap(path: object, *args: object, **kwargs: object) -> os.stat_result:
        # The check still sees a regular file; by the open it is a named pipe.
        if Path(str(path)).name == "pipe.md":
            return plain
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents.os, "stat", stat_before_the_swap)
    with deadline(10), pytest.raises(SkipFile, match=r"not a regular file \(named pipe\)"):
        read_document(tmp_path / "pipe.md", within=tmp_path)


def test_a_file_swapped_for_a_link_after_its_check_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret.txt").write_text(SECRET)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plain.md").write_text(EN)
    os.symlink(tmp_path / "secret.txt", docs / "x.md")
    real_realpath, real_stat = os.path.realpath, os.stat
    plain = real_stat(docs / "plain.md")

    # The checks still see the plain file that x.md was; by the open it is a link out.
    def realpath_before_the_swap(path: object, *args: object, **kwargs: object) -> str:
        if Path(str(path)).name == "x.md":
            return str(path)
        return real_realpath(path, *args, **kwargs)  # type: ignore[arg-type]

    def stat_before_the_swap(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if Path(str(path)).name == "x.md":
            return plain
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents.os.path, "realpath", realpath_before_the_swap)
    monkeypatch.setattr(documents.os, "stat", stat_before_the_swap)
    with pytest.raises(SkipFile, match="cannot be read: a link"):
        read_document(docs / "x.md", within=docs)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the open file")
def test_a_folder_swapped_for_a_link_after_its_check_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "x.md").write_text(SECRET)
    docs = tmp_path / "docs"
    docs.mkdir()
    # On disk "sub" is already a link out; the check still saw the real folder it was.
    os.symlink(outside, docs / "sub")
    real_realpath = os.path.realpath

    def realpath_before_the_swap(path: object, *args: object, **kwargs: object) -> str:
        if Path(str(path)).parent.name == "sub":
            return str(path)
        return real_realpath(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents.os.path, "realpath", realpath_before_the_swap)
    with pytest.raises(SkipFile, match="outside the folder"):
        read_document(docs / "sub" / "x.md", within=docs)


def test_a_device_is_never_read(tmp_path: Path) -> None:
    os.symlink("/dev/zero", tmp_path / "zero.md")
    with deadline(10), pytest.raises(SkipFile, match=r"not a regular file \(device\)"):
        load_file(tmp_path / "zero.md")  # chosen by the user: the link is followed, but...


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_the_size_limit_holds_when_a_file_reports_no_size() -> None:
    status = Path("/proc/self/status")  # a regular file that reports 0 bytes
    assert status.stat().st_size == 0
    with pytest.raises(SkipFile, match=r"too large \(more than the limit"):
        read_document(status, max_bytes=16)
    raw, _ = read_document(status)  # within the limit it reads fine, whatever stat said
    assert b"Name:" in raw


def test_cancel_stops_the_reading_of_a_large_file(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"word " * (2 * 1024 * 1024))  # 10 MiB: ten pieces
    calls = 0

    def cancel_after_first_piece() -> None:
        nonlocal calls
        calls += 1
        raise Cancelled

    with pytest.raises(Cancelled):
        read_document(big, check=cancel_after_first_piece)
    assert calls == 1


def test_cancel_takes_effect_while_an_import_reads_a_file(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "big.md").write_bytes(b"word " * (2 * 1024 * 1024))

    class CancelDuringRead(RunContext):
        checks = 0

        def check(self) -> None:
            self.checks += 1
            if self.checks == 2:  # the first is before the file, the second after 1 MiB
                self.token.cancel()
            super().check()

    ctx = CancelDuringRead()
    with pytest.raises(Cancelled):
        import_documents(new_project(), tmp_path, ctx)
    assert ctx.checks == 2
    assert Document.select().count() == 0


def test_cli_reads_only_regular_files_inside_the_folder(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (hostile / "\x1b]0;pwned\x07x.md").write_bytes(b"")
    (hostile / "a\nFAKE LINE.md").write_bytes(b"")
    with deadline(10):
        code = cli.main(["terms", "--input", str(hostile)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "skipped pipe.md: not a regular file (named pipe)" in err
    assert f"skipped passwd.md: {LINK_OUTSIDE}" in err
    assert f"skipped notes.txt: {LINK_OUTSIDE}" in err
    assert "skipped \\x1b]0;pwned\\x07x.md: empty" in err
    assert "skipped a\\nFAKE LINE.md: empty" in err
    assert "\x1b" not in err and "\x07" not in err
    assert all(line.startswith("skipped ") for line in err.splitlines())
    assert "secret" not in out.lower() and "root" not in out
