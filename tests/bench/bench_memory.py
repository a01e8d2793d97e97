"""Benchmark: peak memory (and time) of a full built-in run against the corpus size.

Run: ``uv run python tests/bench/bench_memory.py [--sizes 1,10,50,200] [--language en]
[--modes step,generate] [--single 100]``

For each size, a synthetic corpus (``tests/corpus.py``, fixed seed, 1 MB files, written
once per size) is run two ways, each in fresh processes:

- ``step``: what the window does. A driver process opens a data folder, creates a project
  and runs its Import scope, then its Full scope, each in a step process of its own
  (``run_scope_isolated``: ``genglossary __step …``). Printed: the peak RSS of each step
  process (the kernel's ``ru_maxrss`` of the reaped children, read after each scope) and
  the wall time of each scope.
- ``generate``: ``genglossary generate --input DIR --output FILE`` (every step in one
  process); its peak RSS from ``wait4`` and its wall time.

``--single MB`` adds a corpus of one file of that size (larger than the 64 MiB that
versions before issue 12 refused), run both ways.

Target (issue 12): peak RSS at most 300 MB for any corpus up to 200 MB, i.e. independent of
the corpus size beyond the term statistics.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _mb(kilobytes: int) -> int:
    return kilobytes // 1024  # ru_maxrss is in KiB on Linux


def _wait_for_children() -> None:
    """Until every step process this driver started is reaped (a reaper thread does it)."""
    import psutil

    me = psutil.Process()
    deadline = time.monotonic() + 60
    while me.children() and time.monotonic() < deadline:
        time.sleep(0.02)


def step_driver(folder: Path, data: Path) -> dict[str, object]:
    """Import, then Full, each scope in a step process, as the window's runs do."""
    from genglossary_gui.pipeline.context import RunContext
    from genglossary_gui.runs.process import run_scope_isolated
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store import transitions
    from genglossary_gui.store.database import db
    from genglossary_gui.store.folder import open_data_folder
    from genglossary_gui.store.owner import current_owner

    class Quiet:
        def progress(self, step: str, done: int, total: int) -> None:
            pass

        def log(self, message: str, *, level: str = "info", step: str = "") -> None:
            if level == "error":
                print(message, file=sys.stderr)

    from genglossary_gui.pipeline.context import StepError

    open_data_folder(data)
    project = repo.create_project("bench", [str(folder)])
    out: dict[str, object] = {}
    run_id = 0
    for scope in ("import", "full"):
        run_id = transitions.create_run(project, scope, current_owner(), "benchmark")
        transitions.mark_running(run_id)
        started = time.perf_counter()
        try:
            summary = run_scope_isolated(
                project,
                scope,
                RunContext(reporter=Quiet(), run_id=run_id),
                database=str(db.database),
            )
        except StepError as exc:
            out["error"] = f"{scope}: {exc}"
            return out
        out[f"{scope}_s"] = round(time.perf_counter() - started, 1)
        out[f"{scope}_summary"] = summary
        transitions.mark_completed(run_id, summary)
        _wait_for_children()
        # The largest reaped child so far: after "full", the larger of the two processes.
        out[f"{scope}_rss_mb"] = _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    out["entries"] = len(repo.load_entries(run_id, "provisional"))
    out["documents"] = len(repo.document_ids(project))
    return out


def _run_generate(folder: Path, output: Path) -> dict[str, object]:
    from genglossary_gui.entry import own_command

    started = time.perf_counter()
    child = subprocess.Popen(
        own_command("generate", "--input", str(folder), "--output", str(output)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    summary = next((line for line in err.splitlines() if "documents," in line), "")
    if child.returncode:
        summary = (err.strip().splitlines() or ["failed"])[-1]
    return {
        "s": round(elapsed, 1),
        "rss_mb": _mb(usage.ru_maxrss),
        "exit": child.returncode,
        "summary": summary,
    }


def _corpus(base: Path, mb: int, language: str, single: bool) -> Path:
    from tests.corpus import english_text, japanese_text, write_corpus

    folder = base / f"{language}-{mb}{'-single' if single else ''}"
    if folder.exists():
        return folder
    chars = 1_000_000 // (3 if language == "ja" else 1)
    if single:
        folder.mkdir(parents=True)
        make = english_text if language == "en" else japanese_text
        (folder / f"{language}-one.md").write_text(make(chars * mb, 11), encoding="utf-8")
    else:
        write_corpus(folder, files=mb, chars_per_file=chars, language=language, seed=11)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,10,50,200", help="corpus sizes in MB")
    parser.add_argument("--language", default="en")
    parser.add_argument("--modes", default="step,generate")
    parser.add_argument("--single", type=int, default=0, help="also one file of this many MB")
    parser.add_argument("--keep", default="", help="folder to keep the corpora in")
    parser.add_argument("--step-driver", nargs=2, metavar=("DOCS", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step_driver:
        print(json.dumps(step_driver(Path(args.step_driver[0]), Path(args.step_driver[1]))))
        return
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-memory-"))
    modes = args.modes.split(",")
    print(
        f"# bench_memory: built-in engine, {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, load {os.getloadavg()[0]:.2f}; peak RSS in MB"
    )
    corpora = [(int(s), False) for s in args.sizes.split(",") if s]
    if args.single:
        corpora.append((args.single, True))
    for mb, single in corpora:
        folder = _corpus(base, mb, args.language, single)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        label = f"{args.language} {size:.0f} MB" + (" (one file)" if single else "")
        if "step" in modes:
            with tempfile.TemporaryDirectory(prefix="bench-memory-data-") as data:
                out = subprocess.run(
                    [sys.executable, __file__, "--step-driver", str(folder), data],
                    capture_output=True,
                    text=True,
                )
            r = json.loads(out.stdout.strip().splitlines()[-1]) if not out.returncode else {}
            if not r or "error" in r:
                error = r.get("error") or out.stderr.strip()[-300:]
                imported = r.get("import_summary", "")
                print(f"{label}: step processes: failed ({imported}; {error})", flush=True)
            else:
                print(
                    f"{label}: step processes: import {r['import_rss_mb']} MB "
                    f"({r['import_s']} s), full {r['full_rss_mb']} MB ({r['full_s']} s); "
                    f"{r['documents']} documents, {r['entries']} entries",
                    flush=True,
                )
        if "generate" in modes:
            with tempfile.TemporaryDirectory(prefix="bench-memory-out-") as out_dir:
                g = _run_generate(folder, Path(out_dir) / "glossary.md")
            print(
                f"{label}: genglossary generate: {g['rss_mb']} MB, {g['s']} s, "
                f"exit {g['exit']}: {g['summary']}",
                flush=True,
            )
    if not args.keep:
        import shutil

        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
