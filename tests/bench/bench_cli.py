"""Benchmark: command-line start-up of the quick commands.

Run: ``uv run python tests/bench/bench_cli.py [--runs 10] [--baseline DIR]``

Times ``genglossary cancel 999999`` (an unknown run: the command still opens the data folder
and its store) and ``genglossary runs`` on a temporary data folder holding one project with
30 finished runs: the wall time from starting the installed ``genglossary`` script to its
exit, median (and min) of ``--runs`` warm starts after one priming start, and the median
CPU time of the same starts (user + system: less sensitive to other load on the machine).
Target: ≤ 150 ms each.

Two bytecode conditions:

- *compiled*: every module's bytecode in a scratch ``PYTHONPYCACHEPREFIX`` folder, written by
  the priming start: what ``[tool.uv] compile-bytecode = true`` gives an installation
  (site-packages compiled at install; the package's own modules compiled at their first
  import, as Python does unless ``PYTHONDONTWRITEBYTECODE`` is set);
- *as installed*: this environment as it is (it says whether site-packages holds bytecode);
  with ``PYTHONDONTWRITEBYTECODE`` set and nothing compiled, every start compiles every module
  it imports.

``--baseline DIR`` also times a source tree of the package at DIR (``PYTHONPATH=DIR``, e.g.
``git archive HEAD genglossary_gui | tar -x -C DIR``), interleaved with this one start by start,
so both see the same machine load. Then ``python -X importtime`` (compiled) prints the
top import offenders of each command: median self time per top-level package over 3 starts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

COMMANDS = {
    "cancel": ["cancel", "999999"],
    "runs": ["runs"],
}


def _prepare(data: Path) -> None:
    """One project with 30 finished runs (in this process, then closed)."""
    from genglossary_gui.store import repositories as repo
    from genglossary_gui.store import transitions
    from genglossary_gui.store.database import db
    from genglossary_gui.store.folder import open_data_folder
    from genglossary_gui.store.owner import current_owner
    from genglossary_gui.store.transitions import Outcome
    from genglossary_gui.vocabulary import RunStatus

    open_data_folder(data)
    project = repo.create_project("bench")
    for _ in range(30):
        run_id = transitions.create_run(project, "extract", current_owner(), "benchmark")
        transitions.mark_running(run_id)
        transitions.finalize_run(run_id, Outcome(RunStatus.COMPLETED, summary="done"))
    db.close()


def _environment(source: Path | None, pycache: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    else:
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def _start(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One start: its wall time and its CPU time (user + system), in ms. The CPU time
    suffers less from other processes on the machine than the wall time does."""
    began = time.perf_counter()
    # Run from a neutral folder: ``python -c`` puts the working directory first on sys.path.
    child = subprocess.Popen(
        cmd,
        env=env,
        cwd=tempfile.gettempdir(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    with child.stderr:
        err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1) or "Traceback" in err:
        raise SystemExit(f"{cmd} failed ({child.returncode}): {err[-2000:]}")
    return took * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def _site_packages_compiled() -> bool:
    import peewee

    cache = Path(peewee.__file__).parent / "__pycache__"
    return any(cache.glob("peewee.*.pyc"))


def _importtime(words: list[str], env: dict[str, str], starts: int = 3) -> list[tuple[str, float]]:
    """Median self time (ms) per top-level package (``genglossary_gui.store`` for ours)."""
    per_start: list[dict[str, float]] = []
    for _ in range(starts):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", _CALL_MAIN, *words],
            env=env,
            cwd=tempfile.gettempdir(),
            capture_output=True,
            text=True,
            check=False,
        )
        totals: dict[str, float] = defaultdict(float)
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _cumulative, name = line.removeprefix("import time:").split("|")
            parts = name.strip().split(".")
            key = ".".join(parts[:2]) if parts[0] == "genglossary_gui" else parts[0]
            totals[key] += int(self_us) / 1000
        per_start.append(totals)
    names = set().union(*per_start)
    medians = {n: statistics.median(s.get(n, 0.0) for s in per_start) for n in names}
    return sorted(medians.items(), key=lambda item: -item[1])


#: What the installed ``genglossary`` script does.
_CALL_MAIN = "import sys; from genglossary_gui.cli import main; sys.exit(main())"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--baseline", type=Path, help="a source tree of genglossary_gui to compare")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()

    from genglossary_gui.entry import installed_script

    script = installed_script()
    tmp = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    data = tmp / "data"
    _prepare(data)
    trees: dict[str, Path | None] = {"this tree": None}
    if args.baseline is not None:
        trees["baseline"] = args.baseline.resolve()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    for name, tree in trees.items():
        where = subprocess.run(
            [sys.executable, "-c", "import genglossary_gui; print(genglossary_gui.__file__)"],
            env=_environment(tree, None),
            cwd=tempfile.gettempdir(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"{name}: {where}")
    compiled_site = _site_packages_compiled()
    conditions = {
        "compiled": lambda name: tmp / f"pycache-{name.replace(' ', '-')}",
        f"as installed (site-packages compiled: {'yes' if compiled_site else 'no'})": (
            lambda name: None
        ),
    }
    for condition, pycache_of in conditions.items():
        print(f"\n## {condition}: wall median (min) and CPU median of {args.runs} warm starts, ms")
        for words in COMMANDS.values():
            cmd = [
                *([str(script)] if script else [sys.executable, "-c", _CALL_MAIN]),
                "--data-dir",
                str(data),
                *words,
            ]
            envs = {name: _environment(tree, pycache_of(name)) for name, tree in trees.items()}
            for env in envs.values():
                _start(cmd, env)  # priming: bytecode written, files in the page cache
            walls: dict[str, list[float]] = {name: [] for name in trees}
            cpus: dict[str, list[float]] = {name: [] for name in trees}
            for _ in range(args.runs):
                for name, env in envs.items():  # interleaved: the same load for both
                    wall, cpu = _start(cmd, env)
                    walls[name].append(wall)
                    cpus[name].append(cpu)
            figures = "   ".join(
                f"{name}: {statistics.median(walls[name]):6.1f} ({min(walls[name]):5.1f}), "
                f"CPU {statistics.median(cpus[name]):6.1f}"
                for name in trees
            )
            print(f"genglossary {' '.join(words):<14} {figures}")
        bare = _environment(None, pycache_of("this tree"))
        interpreter = [_start([sys.executable, "-c", "pass"], bare) for _ in range(5)]
        print(
            f"(the interpreter alone, python -c pass: "
            f"{statistics.median(w for w, _ in interpreter):.1f} ms, "
            f"CPU {statistics.median(c for _, c in interpreter):.1f})"
        )
    print(f"\n## import offenders (compiled; -X importtime, median self ms of 3, top {args.top})")
    for command, words in COMMANDS.items():
        for name, tree in trees.items():
            env = _environment(tree, tmp / f"pycache-{name.replace(' ', '-')}")
            offenders = _importtime(["--data-dir", str(data), *words], env)
            total = sum(ms for _, ms in offenders)
            listed = ", ".join(f"{n} {ms:.1f}" for n, ms in offenders[: args.top])
            print(f"{command} ({name}): {total:.1f} ms of imports; {listed}")
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
