"""Benchmark: cancel latency mid-extraction and extraction throughput.

Run: ``uv run python tests/bench/bench_runs.py [--trials 20] [--mb 20]``

Prints, per language:
- cancel latency over N trials, each cancelled at a random point of extracting one
  20 MB document: click -> ``cancelled`` committed (seen by a store listener on the worker
  thread right after commit) and click -> worker finished (``run_finished`` on the GUI thread);
- extraction throughput (MB/s) and the process's peak memory, each in a fresh subprocess,
  against a baseline measured in the same run: the bare tokenizer pass over the same text
  (SudachiPy for Japanese, the word regex for English), which extraction cannot beat.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.corpus import english_text, japanese_text


def _corpus(language: str, mb: float) -> str:
    chars = int(mb * 1_000_000 / (3 if language == "ja" else 1))
    return (japanese_text if language == "ja" else english_text)(chars, seed=7)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(q * (len(ordered) - 1)))
    return ordered[index]


def cancel_latency(language: str, mb: float, trials: int) -> dict[str, object]:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from genglossary_gui.pipeline.documents import detect_language
    from genglossary_gui.runs.manager import RunManager
    from genglossary_gui.store import notify
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store.database import db
    from genglossary_gui.store.folder import open_data_folder
    from genglossary_gui.store.models import Run

    app = QCoreApplication.instance() or QCoreApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="bench-runs-"))
    open_data_folder(tmp / "data")
    text = _corpus(language, mb)
    project = repo.create_project(f"bench-{language}")
    repo.save_documents(
        project,
        [
            repo.DocumentRecord(
                "big.md", text, "x", "UTF-8", detect_language(text), len(text.encode())
            )
        ],
    )
    del text
    manager = RunManager(max_threads=1)
    rng = random.Random(1)
    committed: list[float] = []
    finished: list[float] = []
    fractions: list[float] = []
    state: dict[str, float] = {}

    def on_change(change: notify.Change) -> None:
        if change.table == "run" and "click" in state and "commit" not in state:
            run = Run.get_or_none(Run.id == change.ids[0])
            if run is not None and run.status == "cancelled":
                state["commit"] = time.perf_counter()

    unsubscribe = notify.subscribe(on_change)
    loop = QEventLoop()
    for _ in range(trials):
        state.clear()
        target = rng.uniform(0.05, 0.6)
        run_id = manager.start_run(project, "extract", triggered_by="benchmark")

        def on_progress(
            rid: int, step: str, done: int, total: int, run_id: int = run_id, target: float = target
        ) -> None:
            if (
                rid == run_id
                and step == "extract"
                and total
                and "click" not in state
                and done / total >= target
            ):
                fractions.append(done / total)
                state["click"] = time.perf_counter()
                manager.cancel_run(run_id)

        def on_finished(rid: int, run_id: int = run_id) -> None:
            if rid == run_id:
                state["finished"] = time.perf_counter()
                loop.quit()

        manager.run_progress.connect(on_progress)
        manager.run_finished.connect(on_finished)
        QTimer.singleShot(120_000, loop.quit)
        loop.exec()
        manager.run_progress.disconnect(on_progress)
        manager.run_finished.disconnect(on_finished)
        status = Run.get_by_id(run_id).status
        if status != "cancelled" or "commit" not in state:
            raise SystemExit(f"trial ended {status}; benchmark invalid")
        committed.append((state["commit"] - state["click"]) * 1000)
        finished.append((state["finished"] - state["click"]) * 1000)
    unsubscribe()
    manager.shutdown(10_000)
    db.close()
    del app
    return {
        "language": language,
        "trials": trials,
        "cancelled_at_fraction": [round(f, 2) for f in (min(fractions), max(fractions))],
        "commit_ms": {
            "p50": _pct(committed, 0.5),
            "p95": _pct(committed, 0.95),
            "max": max(committed),
        },
        "finished_ms": {
            "p50": _pct(finished, 0.5),
            "p95": _pct(finished, 0.95),
            "max": max(finished),
        },
    }


def _peak_rss_mb() -> int:
    """This process's peak resident set (VmHWM): unlike ru_maxrss it starts afresh at exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def throughput(language: str, path: Path) -> dict[str, object]:
    """Runs in a fresh subprocess so that peak memory is this measurement's own."""
    from genglossary_gui.engines.builtin.extract import TermExtractor, japanese
    from genglossary_gui.engines.builtin.extract.english import _WORD
    from genglossary_gui.pipeline.documents import split_chunks

    text = path.read_text(encoding="utf-8")
    if language == "ja":
        japanese._tokenizer()  # the dictionary load is not extraction
    size_mb = len(text.encode()) / 1e6
    base_rss = _peak_rss_mb()
    # Baseline: the bare tokenizer pass over the same chunks.
    started = time.perf_counter()
    if language == "ja":
        tok = japanese._tokenizer()
        for chunk in split_chunks(text, japanese.CHUNK_CHARS):
            for _m in tok.tokenize(chunk):
                pass
    else:
        for chunk in split_chunks(text, 32_000):
            _WORD.findall(chunk)
    baseline_s = time.perf_counter() - started
    started = time.perf_counter()
    extractor = TermExtractor()
    extractor.add(text, language)
    scanned = time.perf_counter()
    ranked = extractor.ranked()
    done = time.perf_counter()
    peak_rss = _peak_rss_mb()
    return {
        "language": language,
        "mb": round(size_mb, 1),
        "extract_s": round(done - started, 2),
        "rank_s": round(done - scanned, 2),
        "mb_per_s": round(size_mb / (done - started), 2),
        "baseline_tokenize_mb_per_s": round(size_mb / baseline_s, 2),
        "ratio_to_baseline": round(baseline_s / (done - started), 2),
        "terms": len(ranked),
        "peak_rss_mb": peak_rss,
        "rss_before_extract_mb": base_rss,  # text loaded, imports and dictionary done
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--languages", default="en,ja")
    parser.add_argument("--no-cancel", action="store_true", help="throughput only")
    parser.add_argument(
        "--throughput-only", nargs=2, metavar=("LANG", "FILE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.throughput_only:
        language, file = args.throughput_only
        print(json.dumps(throughput(language, Path(file))))
        return
    languages = args.languages.split(",")
    print(
        f"# bench_runs: {args.mb:g} MB per language, {args.trials} cancel trials, "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    for language in [] if args.no_cancel else languages:
        result = cancel_latency(language, args.mb, args.trials)
        c, f = result["commit_ms"], result["finished_ms"]
        print(
            f"cancel {language}: click->cancelled committed p50 {c['p50']:.1f} ms, "  # type: ignore[index]
            f"p95 {c['p95']:.1f} ms, max {c['max']:.1f} ms | click->worker finished p50 "  # type: ignore[index]
            f"{f['p50']:.1f} ms, p95 {f['p95']:.1f} ms, max {f['max']:.1f} ms "  # type: ignore[index]
            f"(cancelled between {result['cancelled_at_fraction']} of the document)"
        )
    for language in languages:
        corpus = Path(tempfile.mkdtemp(prefix="bench-corpus-")) / f"{language}.md"
        corpus.write_text(_corpus(language, args.mb), encoding="utf-8")
        out = subprocess.run(
            [sys.executable, __file__, "--throughput-only", language, str(corpus)],
            capture_output=True,
            text=True,
            check=True,
        )
        corpus.unlink()
        r = json.loads(out.stdout)
        print(
            f"extract {language}: {r['mb']} MB in {r['extract_s']} s = {r['mb_per_s']} MB/s "
            f"(ranking {r['rank_s']} s; {r['terms']} terms); bare tokenizer "
            f"{r['baseline_tokenize_mb_per_s']} MB/s, extraction runs at "
            f"{r['ratio_to_baseline']}x of it; peak RSS {r['peak_rss_mb']} MB "
            f"({r['rss_before_extract_mb']} MB before extracting)"
        )


if __name__ == "__main__":
    main()
