"""Benchmark: the document viewer opening a 5 MB Markdown document with 2,000 glossary terms.

Run: ``uv run python tests/bench/bench_viewer.py [--mb 5] [--terms 2000]``

Prints:
- the time from ``show_document`` to the first screen of text painted (target < 300 ms);
- a 5 ms QTimer heartbeat's gaps on the GUI thread (max, p99, p50) from that call until the
  whole document is shown and every highlight applied (target: max < 50 ms), and how long
  that took;
- the same for a recolouring after one term is excluded, and for scrolling to a line near the
  end of the document.
The heartbeat is measured as in ``bench_gui.py``, with the application's GIL switch interval.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication

from genglossary_gui.app import configure_threads
from genglossary_gui.pipeline.data import Entry
from genglossary_gui.store import repositories as repo
from genglossary_gui.store import transitions
from genglossary_gui.store.folder import open_data_folder
from genglossary_gui.store.owner import current_owner
from genglossary_gui.ui.curation import CurationActions
from genglossary_gui.ui.viewer.widget import DocumentViewer
from genglossary_gui.vocabulary import TermStatus
from tests.bench.bench_gui import _pct
from tests.bench.bench_gui import heartbeat as gui_heartbeat
from tests.corpus import _EN_ADJ, _EN_NOUNS, _EN_VERBS


def heartbeat(start: Callable[[], None], until: Callable[[], bool], max_s: float) -> list[float]:
    """Gaps (ms) between 5 ms timer ticks on the GUI thread, from ``start()`` (called on the
    first tick, so that its own time counts) until ``until()`` is true."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return gui_heartbeat(app, until, max_s, start=start)


def make_terms(count: int, rng: random.Random) -> list[str]:
    terms: list[str] = []
    seen: set[str] = set()
    while len(terms) < count:
        shape = rng.random()
        if shape < 0.4:
            term = f"{rng.choice(_EN_ADJ)} {rng.choice(_EN_NOUNS)}"
        elif shape < 0.8:
            term = f"{rng.choice(_EN_NOUNS)} {rng.choice(_EN_NOUNS)}"
        else:
            term = f"{rng.choice(_EN_ADJ)} {rng.choice(_EN_NOUNS)} {rng.choice(_EN_NOUNS)}"
        if term not in seen:
            seen.add(term)
            terms.append(term)
    return terms


def _sentence(rng: random.Random) -> str:
    subject = f"the {rng.choice(_EN_ADJ)} {rng.choice(_EN_NOUNS)} {rng.choice(_EN_NOUNS)}"
    obj = f"a {rng.choice(_EN_NOUNS)} {rng.choice(_EN_NOUNS)}s"
    extra = rng.choice(["", " **quickly**", " with `flush()`", " for *every* request"])
    return f"{subject.capitalize()} {rng.choice(_EN_VERBS)} {obj}{extra}."


def _wrapped(text: str, width: int = 78) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def markdown_document(chars: int, seed: int = 0) -> str:
    """Sections with hard-wrapped paragraphs, lists, code blocks and tables."""
    rng = random.Random(seed)
    out: list[str] = ["# Storage and Replication Handbook", ""]
    size = 0
    section = 0
    while size < chars:
        section += 1
        block = [f"## Section {section}: the {rng.choice(_EN_NOUNS)} {rng.choice(_EN_NOUNS)}", ""]
        for _ in range(rng.randint(2, 5)):
            paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(3, 7)))
            block += [*_wrapped(paragraph), ""]
        kind = section % 4
        if kind == 1:
            block += [f"- {_sentence(rng)}" for _ in range(rng.randint(3, 6))] + [""]
        elif kind == 2:
            block += ["```python", "def flush(pages):", "    for page in pages:"]
            block += ["        page.write()", "```", ""]
        elif kind == 3:
            block += ["| Term | Meaning |", "|---|---|"]
            block += [f"| {rng.choice(_EN_NOUNS)} | {_sentence(rng)} |" for _ in range(4)] + [""]
        text = "\n".join(block) + "\n"
        out.append(text)
        size += len(text)
    return "\n".join(out)


def make_project(mb: float, term_count: int) -> tuple[int, int, int]:
    """A project with one document, ``term_count`` terms and a current glossary of them all.
    Returns (project id, document id, source lines of the document)."""
    rng = random.Random(7)
    pid = repo.create_project("bench viewer")
    text = markdown_document(int(mb * 1_000_000))
    repo.save_documents(
        pid, [repo.DocumentRecord("handbook.md", text, "h", "UTF-8", "en", len(text))]
    )
    terms = make_terms(term_count, rng)
    repo.replace_candidate_terms(
        pid, [repo.TermRecord(t, "en", 1.0 / (n + 1), 10, 1) for n, t in enumerate(terms)]
    )
    run = transitions.create_run(pid, "full", current_owner())
    transitions.mark_running(run)
    entries = [
        Entry(
            term=t,
            language="en",
            definition=f"A {t} is a part of the system.",
            kind="definition",
            source_path="handbook.md",
            source_line=3,
            confidence=0.8,
            occurrences=[("handbook.md", 3, f"The {t} …")],
        )
        for t in terms[: term_count * 9 // 10]
    ]
    repo.save_entries(pid, run, "provisional", entries)
    transitions.mark_completed(run, "bench")
    repo.mark_terms(pid, terms[-100:], TermStatus.REQUIRED)
    repo.mark_terms(pid, terms[-200:-100], TermStatus.EXCLUDED)
    document_id = repo.document_ids(pid)[0]
    return pid, document_id, text.count("\n") + 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=5.0, help="MB of Markdown")
    parser.add_argument("--terms", type=int, default=2000, help="glossary terms")
    parser.add_argument(
        "--freeze",
        action="store_true",
        help="gc.freeze() once before opening (what an application could do after startup: "
        "its full garbage collections, which stop every thread, then skip the objects of "
        "its start)",
    )
    args = parser.parse_args()
    configure_threads()
    app = QApplication(sys.argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-viewer-"))
    open_data_folder(tmp / "data")
    started = time.perf_counter()
    pid, document_id, source_lines = make_project(args.mb, args.terms)
    print(
        f"# bench_viewer: {args.mb:g} MB Markdown ({source_lines:,} source lines), "
        f"{args.terms:,} terms (90 % glossary entries, 100 required, 100 excluded), made in "
        f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} cores, "
        f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}, "
        f"GIL switch interval {sys.getswitchinterval() * 1000:g} ms"
    )
    curation = CurationActions()
    viewer = DocumentViewer(curation)
    viewer.resize(1000, 800)
    viewer.show()
    app.processEvents()
    gc.collect()
    if args.freeze:
        gc.freeze()
    full_pass = _full_pass_ms()
    print(
        f"a full garbage collection pass takes {full_pass:.0f} ms before opening "
        f"({'with' if args.freeze else 'without'} gc.freeze())"
    )

    first: list[float] = []
    t0 = [0.0]

    def on_first_screen() -> None:
        viewer.text.viewport().repaint()  # the first screenful painted
        first.append((time.perf_counter() - t0[0]) * 1000)

    viewer.first_screen.connect(on_first_screen)
    settled = [False]

    def on_settled() -> None:
        settled[0] = True

    viewer.settled.connect(on_settled)

    def open_it() -> None:
        t0[0] = time.perf_counter()
        viewer.show_document(pid, document_id)

    gaps = heartbeat(open_it, lambda: settled[0], 300)
    whole = time.perf_counter() - t0[0]
    lines = viewer.lines()
    highlights = sum(len(viewer.applied(i)) for i in range(len(lines)))
    print(f"first screen of text shown: {first[0]:.0f} ms (target < 300 ms)")
    _report("open and highlight", gaps, whole, f"{len(lines):,} lines, {highlights:,} highlights")

    # One term excluded: every occurrence recoloured, the scroll position kept.
    viewer.text.verticalScrollBar().setValue(viewer.text.verticalScrollBar().maximum() // 2)
    app.processEvents()
    top = viewer.text.firstVisibleBlock().blockNumber()
    settled[0] = False
    term = next(info.text for info in viewer._vocab.infos if info.state.name == "ENTRY")
    t0[0] = time.perf_counter()

    def exclude() -> None:
        t0[0] = time.perf_counter()
        curation.set_status(pid, [term], TermStatus.EXCLUDED)
        viewer._check_curation(force=True)  # what table_changed(TERM) does in the window

    gaps = heartbeat(exclude, lambda: settled[0], 120)
    kept = viewer.text.firstVisibleBlock().blockNumber() == top
    _report(
        f"recolour after excluding “{term}”",
        gaps,
        time.perf_counter() - t0[0],
        f"scroll position kept: {kept}",
    )

    # Scroll to a line near the end.
    target = source_lines - 40
    settled[0] = False
    t0[0] = time.perf_counter()
    gaps = heartbeat(
        lambda: viewer.show_document(pid, document_id, target),
        lambda: viewer._target is None,
        60,
    )
    shown = viewer.text.firstVisibleBlock().blockNumber()
    _report(
        f"scroll to line {target:,}",
        gaps,
        time.perf_counter() - t0[0],
        f"now showing source line {lines[shown].line:,}",
    )
    viewer.shutdown()


def _full_pass_ms() -> float:
    times = []
    for _ in range(3):
        t = time.perf_counter()
        gc.collect()
        times.append((time.perf_counter() - t) * 1000)
    return min(times)


def _report(label: str, gaps: list[float], seconds: float, extra: str) -> None:
    if not gaps:
        gaps = [0.0]
    print(
        f"{label}: {seconds:.2f} s ({extra}); heartbeat {len(gaps)} ticks, gap max "
        f"{max(gaps):.1f} ms (target < 50 ms), p99 {_pct(gaps, 0.99):.1f} ms, "
        f"p50 {_pct(gaps, 0.5):.1f} ms"
    )


if __name__ == "__main__":
    main()
