"""Benchmark: what the fault defences cost.

Run: ``uv run python tests/bench/bench_faults.py [--files 5000] [--mb 2]``

Prints, with a baseline measured in the same run:
- reading a folder of many small files through ``read_document`` (links resolved and kept
  inside the folder, regular-file checks, non-blocking capped reads) against plain
  ``Path.read_bytes`` plus SHA-256 of the same files;
- extracting JSON from pathological model replies (``{`` or ``[`` repeated, prose with
  brackets) against ``json.loads`` of a valid document of the same size: the extraction must
  stay linear in the reply's length.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from genglossary_gui.llm.structured import StructuredOutputError, extract_json
from genglossary_gui.pipeline.documents import iter_document_files, read_document


def _best_of(n: int, fn) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(n):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def bench_reading(files: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        for i in range(files):
            sub = folder / f"d{i % 50}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"f{i}.md").write_text(f"Document {i}: a storage engine page.\n" * 40)
        paths = list(iter_document_files(folder))

        def plain() -> None:
            for p in paths:
                hashlib.sha256(p.read_bytes()).hexdigest()

        def guarded() -> None:
            for p in paths:
                read_document(p, within=folder, check=lambda: None)

        base = _best_of(3, plain)
        ours = _best_of(3, guarded)
        print(
            f"read {len(paths)} files: read_bytes + sha256 {base * 1e3:.0f} ms, read_document "
            f"{ours * 1e3:.0f} ms ({ours / base:.2f}x; {(ours - base) / len(paths) * 1e6:.0f} µs "
            "more per file)"
        )


def bench_replies(mb: float) -> None:
    size = int(mb * 1_000_000)
    valid = json.dumps({"terms": [{"term": f"t{i}", "keep": True} for i in range(size // 30)]})
    base = _best_of(3, lambda: json.loads(valid))
    shapes = {
        "'{' repeated": "{" * size,
        "'[' repeated": "[" * size,
        "prose with brackets": ("see [note] {x} and (y) " * (size // 24 + 1))[:size],
    }
    print(f"json.loads of a valid {len(valid) / 1e6:.1f} MB document: {base * 1e3:.1f} ms")
    for name, text in shapes.items():
        first_half = text[: len(text) // 2]
        half = _best_of(3, lambda t=first_half: _attempt(t))
        full = _best_of(3, lambda t=text: _attempt(t))
        print(
            f"extract_json, {name}, {len(text) / 1e6:.1f} MB: {full * 1e3:.1f} ms "
            f"({full / base:.1f}x json.loads; twice the text costs {full / half:.2f}x)"
        )


def _attempt(text: str) -> None:
    with contextlib.suppress(StructuredOutputError):
        extract_json(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--mb", type=float, default=2.0)
    args = parser.parse_args()
    bench_reading(args.files)
    bench_replies(args.mb)


if __name__ == "__main__":
    main()
