"""How long reading Markdown takes: sentences and extraction prose per MB.

    uv run python tests/bench/bench_reading.py [--mb 2]

The text is this repository's own README and docs (headings, tables, code, links), repeated to
the size asked, so markup is as dense as in technical documentation. Plain text is timed too,
as the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=2.0)
    args = parser.parse_args()
    from genglossary_gui.pipeline.reading import prose, sentences

    names = ["README.md", "docs/user-guide.md", "docs/architecture.md", "docs/benchmarks.md"]
    source = "\n\n".join((ROOT / n).read_text("utf-8") for n in names)
    text = source * max(1, int(args.mb * 1e6 // len(source.encode())))
    mb = len(text.encode()) / 1e6
    for label, path in (("Markdown", "a.md"), ("plain text", "a.txt")):
        started = time.perf_counter()
        count = sum(1 for _ in sentences(path, text))
        read = time.perf_counter() - started
        started = time.perf_counter()
        prose(text, markdown=path.endswith(".md"))
        extract = time.perf_counter() - started
        print(
            f"{label}: {mb:.1f} MB, {count} sentences in {read:.2f} s ({read / mb:.2f} s/MB); "
            f"extraction prose {extract:.2f} s ({extract / mb:.2f} s/MB)"
        )


if __name__ == "__main__":
    main()
