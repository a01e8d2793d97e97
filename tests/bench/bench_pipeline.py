"""Benchmark: a full built-in run (import, extract, generate, review, refine) per corpus.

Run: ``uv run python tests/bench/bench_pipeline.py [--sizes 1,10] [--languages en,ja]``

Corpora are synthetic and reproducible (tests/corpus.py, fixed seeds), written as 1 MB files.
Each corpus runs in a fresh subprocess (peak memory is that process's VmHWM) through the same
``run_scope_here`` the window's step process uses. Prints wall time per step, terms per second for
generate, and peak memory. Target: a 10 MB corpus end to end in under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _peak_rss_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


class _Timer:
    def __init__(self) -> None:
        self.steps: dict[str, float] = {}
        self._step = ""
        self._since = 0.0

    def progress(self, step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if step != self._step:
            if self._step:
                self.steps[self._step] = self.steps.get(self._step, 0.0) + now - self._since
            self._step, self._since = step, now

    def log(self, message: str, *, level: str = "info", step: str = "") -> None:
        pass

    def close(self) -> None:
        self.progress("", 0, 0)


def one(language: str, mb: int) -> dict[str, object]:
    from genglossary_gui.pipeline.context import RunContext
    from genglossary_gui.runs.process import run_scope_here
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store import transitions
    from genglossary_gui.store.folder import open_data_folder
    from genglossary_gui.store.owner import current_owner
    from tests.corpus import write_corpus

    tmp = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    chars = 1_000_000 // (3 if language == "ja" else 1)
    write_corpus(tmp / "docs", files=mb, chars_per_file=chars, language=language, seed=11)
    open_data_folder(tmp / "data")
    project = repo.create_project("bench", [str(tmp / "docs")])
    timer = _Timer()
    started = time.perf_counter()
    for scope in ("import", "full"):
        run_id = transitions.create_run(project, scope, current_owner(), "benchmark")
        transitions.mark_running(run_id)
        summary = run_scope_here(project, scope, RunContext(reporter=timer, run_id=run_id))
        transitions.mark_completed(run_id, summary)
    timer.close()
    total = time.perf_counter() - started
    entries = len(repo.load_entries(run_id, "provisional"))
    size = sum(p.stat().st_size for p in (tmp / "docs").iterdir()) / 1e6
    return {
        "language": language,
        "mb": round(size, 1),
        "total_s": round(total, 1),
        "steps_s": {k: round(v, 2) for k, v in timer.steps.items()},
        "entries": entries,
        "generate_terms_per_s": round(entries / timer.steps.get("generate", 1e-9), 1),
        "peak_rss_mb": _peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,10", help="corpus sizes in MB")
    parser.add_argument("--languages", default="en,ja")
    parser.add_argument("--one", nargs=2, metavar=("LANG", "MB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return
    print(
        f"# bench_pipeline: built-in engine, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}"
    )
    for language in args.languages.split(","):
        for mb in (int(s) for s in args.sizes.split(",")):
            out = subprocess.run(
                [sys.executable, __file__, "--one", language, str(mb)],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            steps = ", ".join(f"{k} {v} s" for k, v in r["steps_s"].items())
            print(
                f"{language} {r['mb']} MB: {r['total_s']} s end to end ({steps}); "
                f"{r['entries']} entries, generate {r['generate_terms_per_s']} terms/s; "
                f"peak RSS {r['peak_rss_mb']} MB"
            )


if __name__ == "__main__":
    main()
