"""The `genglossary` command line, in-process where possible."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from genglossary_gui import cli
from genglossary_gui.entry import own_command
from genglossary_gui.store.database import db
from genglossary_gui.store.models import Run
from tests.pipeline.test_extract import EN_DOC, JA_DOC


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "ja").mkdir(parents=True)
    (folder / "ml.md").write_text(EN_DOC, encoding="utf-8")
    (folder / "ja" / "nlp.txt").write_bytes(JA_DOC.encode("euc_jp"))
    (folder / "image.txt").write_bytes(b"\x00\x01binary\x00")
    return folder


@pytest.fixture
def data(tmp_path: Path):
    folder = tmp_path / "data"
    yield folder
    db.close()


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("project", "run", "cancel", "runs", "log", "terms"):
        assert command in out


def test_terms_of_a_folder(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "terms", "--input", str(docs), "--top", "10")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 10
    rows = [line.split("\t") for line in lines]
    assert all(len(r) == 3 for r in rows)
    scores = [float(r[1]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(int(r[2]) >= 2 for r in rows)
    terms = [r[0] for r in rows]
    assert "machine learning" in terms and "形態素解析器" in terms
    assert "skipped image.txt: binary file (not text)" in err


def test_terms_language_option(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "terms", "--input", str(docs), "--lang", "en")
    assert code == 0
    assert "形態素解析器" not in out  # Japanese text read as English yields no Japanese terms


def test_terms_of_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "terms", "--input", str(tmp_path / "nope"))
    assert code == 1
    assert "is not a folder" in err


def test_project_run_history_and_log(
    qapp: object, docs: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(
        capsys, "--data-dir", str(data), "project", "create", "Demo", "--docs", str(docs)
    )
    assert code == 0, err
    assert "Skipped image.txt: binary file (not text)" in err
    assert "2 added" in err

    code, out, err = run_cli(
        capsys, "--data-dir", str(data), "run", "Demo", "--scope", "extract", "--wait", "--top", "5"
    )
    assert code == 0, err
    assert "extract  100%" in err
    assert len(out.splitlines()) == 5 and all(line.count("\t") == 2 for line in out.splitlines())

    code, out, err = run_cli(
        capsys, "--data-dir", str(data), "run", "Demo", "--scope", "review", "--wait"
    )
    assert code == 1
    assert "There is no glossary to review yet" in err

    code, out, _ = run_cli(capsys, "--data-dir", str(data), "runs", "Demo")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "project", "scope", "status", "started", "duration", "error"]
    assert lines[1].split()[:4] == ["3", "Demo", "review", "failed"]
    assert lines[1].endswith("There is no glossary to review yet. Run Generate or Full first.")
    assert lines[2].split()[:4] == ["2", "Demo", "extract", "completed"]
    assert lines[3].split()[:4] == ["1", "Demo", "import", "completed"]
    db.close()

    # The log persists: a new process reads it.
    proc = subprocess.run(
        own_command("--data-dir", str(data), "log", "2"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "[extract] Extracting terms from 2 documents" in proc.stdout
    assert "[run] Completed:" in proc.stdout


def test_errors_are_one_clear_line(
    qapp: object, docs: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "--data-dir", str(data), "run", "Nope", "--wait")
    assert (code, err.strip()) == (1, "error: There is no project named 'Nope'.")
    run_cli(capsys, "--data-dir", str(data), "project", "create", "Demo")
    code, _, err = run_cli(capsys, "--data-dir", str(data), "project", "create", "Demo")
    assert (code, err.strip()) == (1, "error: A project named 'Demo' already exists.")
    code, _, err = run_cli(capsys, "--data-dir", str(data), "cancel", "77")
    assert (code, err.strip()) == (1, "error: There is no run 77.")
    code, _, err = run_cli(
        capsys, "--data-dir", str(data), "run", "Demo", "--scope", "import", "--wait"
    )
    assert code == 1
    assert "no document folder" in err


def test_run_in_background_prints_id_and_finishes(
    docs: Path, data: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    run_cli(capsys, "--data-dir", str(data), "project", "create", "Demo", "--docs", str(docs))
    code, out, err = run_cli(capsys, "--data-dir", str(data), "run", "Demo", "--scope", "extract")
    assert code == 0, err
    run_id = int(out.strip())
    assert f"genglossary cancel {run_id}" in err
    deadline = time.monotonic() + 60
    while Run.get_by_id(run_id).status in ("pending", "running"):
        assert time.monotonic() < deadline, "background run did not finish"
        time.sleep(0.05)
    assert Run.get_by_id(run_id).status == "completed"
    assert Run.get_by_id(run_id).triggered_by == "cli"


def test_generate_writes_each_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv as csv_module
    import json
    import xml.etree.ElementTree as ET

    corpus = Path(__file__).parent / "data" / "glossary_en"
    out = tmp_path / "g"
    for fmt in ("md", "csv", "json", "tbx"):
        code, _, err = run_cli(
            capsys, "generate", "--input", str(corpus), "--output", f"{out}.{fmt}"
        )
        assert code == 0, err
        assert f"({fmt})" in err
        # The review's findings are reported on stderr.
        assert "duplicate: “WAL” and “write-ahead log”" in err
    assert "## write-ahead log" in (tmp_path / "g.md").read_text("utf-8")
    with (tmp_path / "g.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["term"]: r for r in csv_module.DictReader(f)}
    assert rows["write-ahead log"]["aliases"] == "WAL"
    assert rows["checkpoint"]["source"] == "operations.txt:3"
    data = json.loads((tmp_path / "g.json").read_text("utf-8"))
    assert data["title"] == "glossary_en" and len(data["entries"]) == len(rows)
    root = ET.parse(tmp_path / "g.tbx").getroot()
    assert root.get("type") == "TBX-Basic"


def test_generate_needs_a_format_it_knows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = Path(__file__).parent / "data" / "glossary_ja"
    code, _, err = run_cli(
        capsys, "generate", "--input", str(corpus), "--output", str(tmp_path / "g.docx")
    )
    assert code == 2 and "Choose a format" in err
    code, _, _ = run_cli(
        capsys,
        "generate",
        "--input",
        str(corpus),
        "--output",
        str(tmp_path / "g.out"),
        "--format",
        "json",
        "--lang",
        "ja",
    )
    assert code == 0 and "転置索引" in (tmp_path / "g.out").read_text("utf-8")


def test_export_a_project(
    qapp: object, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = Path(__file__).parent / "data" / "glossary_en"
    run_cli(capsys, "--data-dir", str(data), "project", "create", "S", "--docs", str(corpus))
    code, _, err = run_cli(
        capsys, "--data-dir", str(data), "export", "S", "--output", str(tmp_path / "x.md")
    )
    assert (code, "There is no glossary to export yet" in err) == (1, True)
    code, out, err = run_cli(
        capsys, "--data-dir", str(data), "run", "S", "--scope", "full", "--wait", "--top", "0"
    )
    assert code == 0, err
    # The glossary is printed, one entry per line.
    printed = dict(line.split("\t") for line in out.splitlines())
    assert printed["checkpoint"] == (
        "A checkpoint is the point up to which every page is safely on disk."
    )
    code, _, err = run_cli(
        capsys, "--data-dir", str(data), "export", "S", "--output", str(tmp_path / "x.md")
    )
    assert code == 0, err
    assert "## checkpoint" in (tmp_path / "x.md").read_text("utf-8")


def test_mark_terms(qapp: object, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from genglossary_gui.store import repositories as repo

    corpus = Path(__file__).parent / "data" / "glossary_en"
    run_cli(capsys, "--data-dir", str(data), "project", "create", "S", "--docs", str(corpus))
    run_cli(capsys, "--data-dir", str(data), "run", "S", "--scope", "extract", "--wait")
    d = ("--data-dir", str(data))
    code, _, err = run_cli(capsys, *d, "mark", "S", "Systems", "--require")  # as matched
    assert code == 0, err
    assert "Marked 1 term(s) required." in err and "Added" not in err
    # A term the documents do not contain is added with its mark.
    code, _, err = run_cli(capsys, *d, "mark", "S", "tensile strength", "--require")
    assert code == 0, err
    assert "Added 1 term(s) the extraction has not found, as required: tensile strength." in err
    code, _, err = run_cli(capsys, *d, "mark", "S", "nope", "--exclude")
    assert code == 0, err
    code, _, err = run_cli(capsys, *d, "mark", "S", "nowhere", "--reset")
    assert code == 1 and "no mark to reset: nowhere" in err
    statuses = {t.text: t.status for t in repo.term_rows(repo.project_by_name("S").id)}
    assert statuses["system"] == "required"
    assert statuses["tensile strength"] == "required"
    assert statuses["nope"] == "excluded"
    assert "nowhere" not in statuses


def test_keep_apart_splits_a_merge_for_good(
    qapp: object, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from genglossary_gui.store import repositories as repo

    corpus = Path(__file__).parent / "data" / "glossary_en"
    d = ("--data-dir", str(data))
    run_cli(capsys, *d, "project", "create", "S", "--docs", str(corpus))
    code, out, err = run_cli(capsys, *d, "run", "S", "--scope", "full", "--wait")
    assert code == 0, err
    assert "WAL\t" not in out  # merged into write-ahead log
    code, _, err = run_cli(capsys, *d, "keep-apart", "S", "wal", "Write-Ahead Log")
    assert code == 0, err
    assert "WAL has its own entry again" in err
    project = repo.project_by_name("S").id
    entries = {e["term"]: e for e in repo.load_entries(repo.current_run(project) or 0, "refined")}
    assert "WAL" in entries and "WAL" not in entries["write-ahead log"]["aliases"]
    code, out, err = run_cli(capsys, *d, "run", "S", "--scope", "full", "--wait")
    assert code == 0, err
    assert "WAL\t" in out  # its own entry in the new glossary too


def test_engine_options(
    qapp: object, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from genglossary_gui.engines.config import load_config
    from genglossary_gui.store import repositories as repo
    from tests.fake_llm import FakeLLMServer, glossary_reply

    run_cli(capsys, "--data-dir", str(data), "project", "create", "S")
    code, _, err = run_cli(
        capsys,
        "--data-dir",
        str(data),
        "project",
        "set",
        "S",
        "--engine",
        "ollama",
        "--model",
        "qwen3",
        "--concurrency",
        "8",
    )
    assert code == 0, err
    config = load_config(repo.project_by_name("S").id)
    assert (config.engine, config.base_url, config.model, config.concurrency) == (
        "ollama",
        "http://127.0.0.1:11434",
        "qwen3",
        8,
    )
    code, _, err = run_cli(
        capsys, "--data-dir", str(data), "project", "set", "S", "--engine", "openai", "--model", ""
    )
    assert code == 2 and "Choose a model" in err

    fake = FakeLLMServer(reply=glossary_reply).start()
    try:
        out = tmp_path / "g.json"
        code, _, err = run_cli(
            capsys,
            "generate",
            "--input",
            str(Path(__file__).parent / "data" / "glossary_en"),
            "--output",
            str(out),
            "--engine",
            "openai",
            "--base-url",
            fake.url,
            "--model",
            "fake-small",
        )
        assert code == 0, err
        import json

        entries = {e["term"]: e for e in json.loads(out.read_text("utf-8"))["entries"]}
        assert entries["checkpoint"]["definition"] == "checkpoint: explained by the model."
        assert entries["checkpoint"]["definition_kind"] == "generated"
    finally:
        fake.stop()


def test_generate_reads_a_large_file_in_parts_into_the_same_glossary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from genglossary_gui.pipeline import documents, reading
    from tests.corpus import english_text

    docs = tmp_path / "docs"
    docs.mkdir()
    big = english_text(120_000, 4) + "\n\nA quorum journal is a journal replicas acknowledge.\n"
    (docs / "big.md").write_text(big + english_text(60_000, 5), encoding="utf-8")
    (docs / "ml.md").write_text(EN_DOC, encoding="utf-8")
    code, _, err = run_cli(
        capsys, "generate", "--input", str(docs), "--output", str(tmp_path / "whole.json")
    )
    assert code == 0, err
    # A file over STREAM_BYTES is imported in a stream and read back in parts.
    monkeypatch.setattr(documents, "STREAM_BYTES", 32 * 1024)
    monkeypatch.setattr(reading, "PART_CHARS", 40_000)
    code, _, err = run_cli(
        capsys, "generate", "--input", str(docs), "--output", str(tmp_path / "parts.json")
    )
    assert code == 0, err
    whole = json.loads((tmp_path / "whole.json").read_text("utf-8"))["entries"]
    in_parts = json.loads((tmp_path / "parts.json").read_text("utf-8"))["entries"]
    assert in_parts == whole
    quorum = next(e for e in in_parts if e["term"] == "quorum journal")
    assert (quorum["source_path"], quorum["source_line"]) == ("big.md", big.count("\n"))
