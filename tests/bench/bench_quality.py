"""Benchmark: glossary quality of the built-in engine on annotated corpora.

Run: ``uv run python tests/bench/bench_quality.py [--bench ../shared/bench]``

Prints, per corpus, what ``score.py`` (beside the corpora) says:
- terms: precision, recall and F1 of ``genglossary terms`` against the annotated terms;
- definitions: precision, recall and coverage of ``genglossary generate`` (JSON export)
  against the annotated (term, defining sentence) pairs, and the share of each definition kind.

Corpora: the English development sets in ``../shared/bench`` (ACL RD-TEC abstracts for terms,
DEFT textbook extracts for definitions) and the small Japanese set written for this project in
``tests/data/quality_ja``. The commands run exactly as a user runs them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from genglossary_gui.entry import own_command

ROOT = Path(__file__).resolve().parents[2]
JA = ROOT / "tests" / "data" / "quality_ja"


def _genglossary(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        own_command(*args),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )


def _score(score_py: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(score_py), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def terms(score_py: Path, texts: Path, gold: Path, lang: str, out: Path) -> None:
    started = time.perf_counter()
    listing = _genglossary("terms", "--input", str(texts), "--lang", lang).stdout
    elapsed = time.perf_counter() - started
    (out / "terms.tsv").write_text(listing, encoding="utf-8")
    print(f"  {_score(score_py, 'terms', str(gold), str(out / 'terms.tsv'))}  ({elapsed:.1f} s)")


def definitions(score_py: Path, texts: Path, gold: Path, lang: str, out: Path) -> None:
    glossary = out / "glossary.json"
    started = time.perf_counter()
    _genglossary("generate", "--input", str(texts), "--output", str(glossary), "--lang", lang)
    elapsed = time.perf_counter() - started
    print(f"  {_score(score_py, 'definitions', str(gold), str(glossary))}  ({elapsed:.1f} s)")
    entries = json.loads(glossary.read_text(encoding="utf-8"))["entries"]
    kinds = Counter(e["definition_kind"] or "none" for e in entries)
    shares = ", ".join(f"{k} {n / len(entries):.0%}" for k, n in kinds.most_common())
    print(f"  definition kinds over {len(entries)} entries: {shares}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", default=str(ROOT.parent / "shared" / "bench"))
    args = parser.parse_args()
    bench = Path(args.bench)
    score_py = bench / "score.py"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        if score_py.exists():
            print("terms-en (ACL RD-TEC abstracts):")
            terms(
                score_py, bench / "terms-en" / "texts", bench / "terms-en" / "gold.txt", "en", out
            )
            print("definitions-en (DEFT textbook extracts):")
            definitions(
                score_py,
                bench / "definitions-en" / "texts",
                bench / "definitions-en" / "gold.jsonl",
                "en",
                out,
            )
            print("quality_ja (tests/data, written for this project):")
            terms(score_py, JA / "texts", JA / "gold_terms.txt", "ja", out)
            definitions(score_py, JA / "texts", JA / "gold.jsonl", "ja", out)
        else:
            print(f"No scorer at {score_py}: pass --bench with the shared corpora.")


if __name__ == "__main__":
    main()
