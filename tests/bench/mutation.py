"""Mutation testing of the lifecycle, store and curation code, on demand (not collected).

Run: ``uv run python tests/bench/mutation.py [--target NAME ...] [--list]``

For each target (a production module and the tests that guard it, ``TARGETS``) cosmic-ray
makes one small change at a time (a comparison flipped, a constant changed, a ``break``
turned into ``continue``, an ``and`` into ``or`` ...) and runs the target's tests; a change
the tests do not notice *survives*. Cosmic-ray edits the source files themselves, so the
step processes that a run starts execute the mutant too. It works on a copy of this checkout
in a temporary folder (``--keep DIR`` keeps it, with each target's session database), never
on the checkout itself: the copy gets its own environment (``uv sync --group dev --group
mutation`` there, from uv's cache: cosmic-ray is pinned in pyproject.toml's ``mutation``
group), whose editable install is the copy, so every process of a test imports the mutant.
``--survivors-of DIR`` runs only the survivors of a session kept in DIR again, against this
checkout's tests (after writing the tests that should kill them; the module must be
unchanged); ``--lines 68,110`` runs only the mutants on those lines of the module (the same
check when the session that found them is gone); ``--report DIR`` only scores the sessions
kept in DIR, finished or not.

Prints per target: mutants, killed, survived, skipped (operators left out, below), the
score ``killed / (killed + survived - equivalent)``, and every survivor as
``module:line operator`` with its diff. ``EQUIVALENT`` lists survivors that are no behaviour
change at all, each with its reason. Three rules need no listing (``_is_equivalent``): a
mutant inside an annotation of a module that never evaluates them (``from __future__ import
annotations``, no pydantic), ``!= ""`` turned into ``> ""``, and ``ensure_ascii=False`` turned
``True`` in the store's repositories (their JSON is only read back). The target is every
other mutant killed.

Operators left out (``EXCLUDED_OPERATORS``): number replacement in log text and timings is
mostly equivalent (a back-off of 0.05 s against 1.05 s) and makes most of the mutants; the
rest of cosmic-ray's operators run.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import functools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: name -> (module under test, the tests that guard it). Each mutant runs its target's tests
#: with ``-x``: the first failure kills it.
TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "owner": (
        "genglossary_gui/store/owner.py",
        ("tests/store/test_transitions.py", "tests/runs/test_lifecycle_rules.py"),
    ),
    "monitor": (
        "genglossary_gui/runs/monitor.py",
        ("tests/runs/test_monitor.py", "tests/runs/test_lifecycle_rules.py"),
    ),
    "reporter": (
        "genglossary_gui/runs/reporter.py",
        (
            "tests/runs/test_reporter.py",
            "tests/runs/test_live_progress.py",
            "tests/runs/test_lifecycle_rules.py",
            "tests/runs/test_manager.py",
        ),
    ),
    "transitions": (
        "genglossary_gui/store/transitions.py",
        (
            "tests/store/test_transitions.py",
            "tests/runs/test_lifecycle_rules.py",
            "tests/runs/test_manager.py",
            "tests/runs/test_run_state_machine.py",
        ),
    ),
    "worker": (
        "genglossary_gui/runs/worker.py",
        (
            "tests/runs/test_worker.py",
            "tests/runs/test_manager.py",
            "tests/runs/test_lifecycle_rules.py",
            "tests/store/test_faults.py::test_a_long_lock_at_completion_never_loses_the_finished_run",
        ),
    ),
    "manager": (
        "genglossary_gui/runs/manager.py",
        ("tests/runs/test_manager.py", "tests/runs/test_lifecycle_rules.py"),
    ),
    # The "pipeline/isolated.py": the step process lives in runs/process.py.
    "process": (
        "genglossary_gui/runs/process.py",
        (
            "tests/llm/test_redaction.py",
            "tests/runs/test_run_end.py",
            "tests/pipeline/test_isolated.py",
            "tests/runs/test_lifecycle_rules.py",
        ),
    ),
    "glossary-store": (
        "genglossary_gui/store/repositories/glossary.py",
        (
            "tests/store/test_glossary_store.py",
            "tests/runs/test_lifecycle_rules.py",
            "tests/runs/test_glossary_runs.py",
        ),
    ),
    "curation-store": (
        "genglossary_gui/store/repositories/terms.py",
        (
            # The quick ones first: with -x, most mutants die in the first second.
            "tests/store/test_curation_neighbours.py",
            "tests/store/test_curation_store.py",
            "tests/pipeline/test_curation_casing.py",
            "tests/ui/test_curation.py",
            "tests/pipeline/test_curation_runs.py",
        ),
    ),
    "curation-ui": (
        "genglossary_gui/ui/curation.py",
        ("tests/ui/test_curation.py", "tests/pipeline/test_curation_runs.py"),
    ),
}

EXCLUDED_OPERATORS = ["core/NumberReplacer"]

#: "module:line operator" (fnmatch patterns) -> why that survivor changes no behaviour.
EQUIVALENT: dict[str, str] = {
    "genglossary_gui/store/owner.py:52 core/ReplaceComparisonOperator_LtE_Lt": (
        "the start-time tolerance's boundary: psutil's rounded float start times are never "
        "exactly 1.0 s apart"
    ),
    "genglossary_gui/store/owner.py:45 core/ReplaceComparisonOperator_Eq_GtE": (
        'no psutil status sorts after "zombie"'
    ),
    "genglossary_gui/store/owner.py:45 core/ReplaceComparisonOperator_Eq_Is": (
        "psutil returns its own STATUS_* constants: `is` and `==` agree"
    ),
    "genglossary_gui/store/owner.py:23 core/RemoveDecorator": (
        "@cache on _this_host(): the host name is the same, only asked again"
    ),
    "genglossary_gui/store/owner.py:16 core/ReplaceTrueWithFalse": (
        "Owner's frozen/slots flags: no code mutates, hashes or counts the memory of an Owner"
    ),
    "genglossary_gui/runs/monitor.py:37 core/ReplaceBinaryOperator_Mul_Div": (
        "`*` -> `/` in OwnerMonitor's signature: every caller passes the first three "
        "arguments by position and tick_s by name, which both signatures accept"
    ),
    "genglossary_gui/runs/monitor.py:122 core/ReplaceComparisonOperator_NotEq_Gt": (
        "a connection's PRAGMA data_version only grows: a changed value is a larger one"
    ),
    "genglossary_gui/store/transitions.py:* core/ReplaceComparisonOperator_Is_Eq": (
        "every `is` there compares Enum members (whose `==` is identity) or None"
    ),
    "genglossary_gui/store/transitions.py:* core/ReplaceBinaryOperator_BitAnd_Mul": (
        "`(a = x) * (b = y)` in SQL: both are 0 or 1 (never NULL), their product is their AND"
    ),
    "genglossary_gui/store/repositories/*.py:* core/ReplaceBinaryOperator_BitAnd_Mul": (
        "`(a = x) * (b = y)` in SQL: both are 0 or 1 (never NULL), their product is their AND"
    ),
    "genglossary_gui/store/transitions.py:* core/ReplaceBinaryOperator_BitAnd_Div": (
        "`(a = x) / (b = y)` in SQL: 1/1 is 1, 0/1 is 0, and division by 0 is NULL (false): "
        "true exactly when both are"
    ),
    "genglossary_gui/store/repositories/*.py:* core/ReplaceBinaryOperator_BitAnd_Div": (
        "`(a = x) / (b = y)` in SQL: 1/1 is 1, 0/1 is 0, and division by 0 is NULL (false): "
        "true exactly when both are"
    ),
    "genglossary_gui/store/transitions.py:447 core/ReplaceComparisonOperator_GtE_Is": (
        "attempt numbers and budgets are small ints (CPython keeps one object each up to "
        "256), counted up by one: `n is budget` when `n >= budget` first holds"
    ),
    "genglossary_gui/store/transitions.py:471 core/ReplaceTrueWithFalse": (
        "_WriteState.curable's default: every failure sets it before the stop rule reads it"
    ),
    "genglossary_gui/store/transitions.py:351 core/ReplaceTrueWithFalse": (
        "Outcome's frozen/slots flags: no code mutates, hashes or measures an Outcome"
    ),
    "genglossary_gui/store/transitions.py:478 core/ReplaceBinaryOperator_Sub_FloorDiv": (
        "deadline // now is 1 until now passes the deadline, then 0: the wait ends at the "
        "same moment, in 0.05 s steps"
    ),
    "genglossary_gui/store/transitions.py:340 core/ReplaceComparisonOperator_Eq_*E": (
        "the owner was read from this row a moment before, and nothing changes a row's owner"
    ),
    "genglossary_gui/store/transitions.py:192 core/ReplaceBinaryOperator_BitAnd_RShift": (
        "`(id = p) IS (...)` also matches other projects only where both sides are 0, i.e. "
        "where this run is their current one, which no other project's is"
    ),
    "genglossary_gui/store/transitions.py:192 core/ReplaceBinaryOperator_BitAnd_Mod": (
        "`(id = p) LIKE (...)` also matches other projects only where both sides are 0, i.e. "
        "where this run is their current one, which no other project's is"
    ),
    "genglossary_gui/store/transitions.py:285 core/ReplaceComparisonOperator_Eq_GtE": (
        "status >= 'running': no status sorts after 'running'"
    ),
    "genglossary_gui/store/transitions.py:331 core/ReplaceBinaryOperator_Sub_Mod": (
        "now % heartbeat equals now - heartbeat for every heartbeat later than half of now's "
        "epoch seconds (any heartbeat written after 1998)"
    ),
    "genglossary_gui/store/transitions.py:341 core/ReplaceComparisonOperator_Eq_*E": (
        "the owner was read from this row a moment before, and nothing changes a row's owner"
    ),
    "genglossary_gui/store/transitions.py:34[01] core/ReplaceBinaryOperator_BitAnd_[LMPD]*": (
        "`<<`, `%`, `*`, `**` and `/` bind tighter than `&`: the row is still chosen by its "
        "id, and for that row both sides are 1, which IN, GLOB, product, power and quotient "
        "keep true"
    ),
    "genglossary_gui/store/transitions.py:341 core/ReplaceComparisonOperator_Eq_IsNot": (
        "`field is not str` is Python's True, so the row is chosen by id, status and pid, and "
        "its host is the owner's (read from it a moment before)"
    ),
    "genglossary_gui/store/transitions.py:15[6] core/ReplaceComparisonOperator_Eq_GtE": (
        "`.scalar()` of `id >= run` scans ids upwards: the first is the run itself, which exists"
    ),
    "genglossary_gui/store/transitions.py:187 core/ReplaceComparisonOperator_Eq_GtE": (
        "`.scalar()` of `id >= run` scans ids upwards: the first is the run itself, found just "
        "before"
    ),
    "genglossary_gui/store/transitions.py:387 core/ReplaceComparisonOperator_Eq_Is": (
        "explain() returns the DISK_FULL constant itself: `is` and `==` agree"
    ),
    "genglossary_gui/store/transitions.py:323 core/AddNot": (
        "without `me`, this process's own runs are not skipped by equality but found alive "
        "by owner_alive (same pid and start time) and skipped all the same"
    ),
    "genglossary_gui/store/transitions.py:331 core/ReplaceComparisonOperator_Lt_LtE": (
        "a heartbeat exactly 60.0 s old: float wall-clock times are never exactly that apart"
    ),
    "genglossary_gui/store/transitions.py:372 core/ReplaceComparisonOperator_Is_LtE": (
        "reached only by failed, pending or running, and of these only 'failed' sorts at or "
        "before 'failed'"
    ),
    "genglossary_gui/store/transitions.py:327 core/ReplaceComparisonOperator_Eq_Is": (
        "this process's own run, compared by identity instead, is then found alive by "
        "owner_alive (same pid and start time) and skipped all the same"
    ),
    "genglossary_gui/store/transitions.py:437 core/ReplaceComparisonOperator_Eq_LtE": (
        "attempt numbers start at 1 and n % 10 is never negative: `n <= 1` is `n == 1` and "
        "`n % 10 <= 0` is `n % 10 == 0`"
    ),
    "genglossary_gui/store/transitions.py:447 core/ReplaceComparisonOperator_GtE_Eq": (
        "attempt numbers count up by one from 1 and every budget is at least 1: n meets the "
        "budget before it could pass it"
    ),
    "genglossary_gui/store/transitions.py:192 core/ReplaceBinaryOperator_BitAnd_LShift": (
        "`(id = p) IN (...)` is `(id = p) = (...)`: it also matches other projects only where "
        "both sides are 0, i.e. where this run is their current one, which no other project's is"
    ),
    "genglossary_gui/store/transitions.py:192 core/ReplaceBinaryOperator_BitAnd_Pow": (
        "`(id = p) ILIKE (...)` (LIKE in SQLite) also matches other projects only where both "
        "sides are 0, i.e. where this run is their current one, which no other project's is"
    ),
    "genglossary_gui/store/transitions.py:34[01] core/ReplaceBinaryOperator_BitAnd_RShift": (
        "`>>` (IS) binds tighter than `&`: for the row chosen by its id the owner's side is 1 "
        "(read from the row a moment before, and nothing changes a row's owner): `x IS 1` is x"
    ),
    "genglossary_gui/store/transitions.py:341 core/ReplaceBinaryOperator_BitAnd_Add": (
        "`+` binds tighter than `&`: pid match + host match is non-zero as both are 1 for the "
        "row chosen by its id (its owner read a moment before; nothing changes a row's owner)"
    ),
    "genglossary_gui/store/transitions.py:228 core/ReplaceTrueWithFalse": (
        "zip's strict flag: splitting on a pattern without groups gives one part more than "
        "findall's matches, so with the empty string added both lists are always as long"
    ),
    "genglossary_gui/store/transitions.py:360 core/ReplaceTrueWithFalse": (
        "FinalizeResult's frozen/slots flags: no code mutates, hashes or measures one"
    ),
    "genglossary_gui/store/transitions.py:370 core/ReplaceComparisonOperator_Is_LtE": (
        "reached by cancelled, failed, pending or running (completed returned before), and of "
        "these only 'cancelled' sorts at or before 'cancelled'"
    ),
    "genglossary_gui/store/transitions.py:393 core/ReplaceBinaryOperator_Mul_Div": (
        "`*` -> `/` in finalize_run's signature: every caller passes the run and the outcome "
        "by position and the rest by name, which both signatures accept"
    ),
    "genglossary_gui/store/transitions.py:466 core/RemoveDecorator": (
        "_WriteState without @dataclass: its defaults become class attributes that the "
        "instance's first writes shadow; it is only ever built with no arguments"
    ),
    "genglossary_gui/store/transitions.py:478 core/ReplaceComparisonOperator_Gt_GtE": (
        "a monotonic deadline exactly reached adds one sleep(0) before the loop ends"
    ),
    "genglossary_gui/runs/manager.py:74 core/ReplaceBinaryOperator_Mul_Div": (
        "`*` -> `/` in RunManager's signature: every caller passes parent by position (or not "
        "at all) and the rest by name, which both signatures accept"
    ),
    **{
        f"genglossary_gui/runs/manager.py:{line} core/RemoveDecorator": (
            "@Slot on a RunManager method: PySide queues a bound method of a QObject to that "
            "object's thread with or without the decorator, with the same arguments"
        )
        for line in (241, 253, 258, 262)
    },
    "genglossary_gui/runs/manager.py:41 core/ReplaceTrueWithFalse": (
        "_Entry's slots flag: no code adds attributes to an entry or measures one"
    ),
    "genglossary_gui/runs/manager.py:246 core/ReplaceComparisonOperator_Eq_LtE": (
        "Topic.EXTERNAL is '*', and every other topic's name is a lowercase word, which sorts "
        "after it"
    ),
    "genglossary_gui/runs/reporter.py:210 core/ReplaceComparisonOperator_Eq_Gt": (
        "nothing is greater than infinity, and max(infinity, x) is infinity: both branches "
        "give the same"
    ),
    "genglossary_gui/store/transitions.py:151 core/ReplaceComparisonOperator_Eq_GtE": (
        "status >= 'running': no status sorts after 'running' (the id's `>=` on this line is "
        "killed)"
    ),
    "genglossary_gui/runs/reporter.py:118 core/ReplaceComparisonOperator_Gt_NotEq": (
        "a step's total is a count, never negative: `!= 0` is `> 0`"
    ),
    "genglossary_gui/runs/reporter.py:131 core/ReplaceBinaryOperator_Mul_Div": (
        "every caller passes log()'s message positionally and the rest by name: making it "
        "positional-only changes no call"
    ),
    "genglossary_gui/runs/reporter.py:67 core/ReplaceComparisonOperator_NotEq_IsNot": (
        "both sides are bools, of which there is one object each: `is not` is `!=`"
    ),
    "genglossary_gui/runs/reporter.py:193 core/ReplaceComparisonOperator_Eq_GtE": (
        "nothing is greater than infinity: `>= _NEVER` is `== _NEVER`"
    ),
    "genglossary_gui/runs/reporter.py:193 core/ReplaceBinaryOperator_Sub_Mod": (
        "due is later than now and earlier than twice now (monotonic times of a machine up "
        "longer than the wait): due % now is due - now"
    ),
    "genglossary_gui/runs/reporter.py:210 core/ReplaceComparisonOperator_Eq_Is": (
        "a 'never' due time is the _NEVER object itself (min returns one of its arguments): "
        "`is` and `==` agree"
    ),
    "genglossary_gui/runs/reporter.py:173 core/ReplaceComparisonOperator_LtE_Lt": (
        "an update due at exactly this monotonic instant is sent on the next round, a moment later"
    ),
    "genglossary_gui/runs/reporter.py:248 core/ReplaceFalseWithTrue": (
        "a write broken for a reason other than the store: its lines are dropped either way; "
        "only whether the next write first waits the retry pause changes"
    ),
    "genglossary_gui/runs/process.py:10[36] core/ReplaceBinaryOperator_Mul_Div": (
        "every caller passes log()'s and log_at()'s message positionally and the rest by name"
    ),
    "genglossary_gui/runs/process.py:271 core/ReplaceBinaryOperator_Mul_Div": (
        "every caller passes run_scope_isolated's first three by position and database by "
        "name, which both signatures accept"
    ),
    "genglossary_gui/runs/process.py:406 core/ReplaceComparisonOperator_Eq_LtE": (
        "a module's name is '__main__' or a dotted name starting with a letter, which sorts "
        "after '__main__'"
    ),
    "genglossary_gui/runs/reporter.py:74 core/ReplaceBinaryOperator_Sub_Mod": (
        "two wall-clock times of one run, the later less than twice the earlier (any time "
        "after 1970 + a few seconds): at % started is at - started"
    ),
    "genglossary_gui/runs/reporter.py:191 core/ReplaceComparisonOperator_LtE_Lt": (
        "a duty due at exactly this monotonic instant is done on the next round, after a zero wait"
    ),
    "genglossary_gui/runs/reporter.py:257 core/ReplaceAndWithOr": (
        "after a refused write the next waits for the retry pause, later than either start of "
        "the lines' delay; an empty batch writes nothing"
    ),
    "genglossary_gui/runs/process.py:228 core/ExceptionReplacer": (
        "Popen.terminate already ignores a child that is gone (ProcessLookupError); no other "
        "OSError can come from signalling our own child"
    ),
    "genglossary_gui/runs/reporter.py:193 core/ReplaceComparisonOperator_Eq_Is": (
        "a 'never' due time is the _NEVER object itself (min and max return one of their "
        "arguments): `is` and `==` agree"
    ),
    "genglossary_gui/runs/reporter.py:210 core/ReplaceComparisonOperator_Eq_GtE": (
        "nothing is greater than infinity: `>= _NEVER` is `== _NEVER`"
    ),
    "genglossary_gui/runs/reporter.py:175 core/ReplaceComparisonOperator_LtE_Lt": (
        "a write due at exactly this monotonic instant is made on the next round, a moment "
        "later (the wait for it is then zero)"
    ),
    "genglossary_gui/store/transitions.py:340 core/ReplaceComparisonOperator_Eq_IsNot": (
        "`field is not int` is Python's True, so the row is chosen by id, status and host, and "
        "its pid is the owner's (read from it a moment before)"
    ),
    "genglossary_gui/runs/reporter.py:122 core/ReplaceComparisonOperator_GtE_Gt": (
        "an update exactly one interval after the last (equal monotonic floats) is sent by the "
        "writer thread a moment later instead"
    ),
    "genglossary_gui/runs/reporter.py:220 core/ReplaceComparisonOperator_IsNot_NotEq": (
        "Thread objects compare by identity: `!=` is `is not`"
    ),
    "genglossary_gui/runs/reporter.py:182 core/ExceptionReplacer": (
        "what escapes flush()'s own handlers (a connection that cannot open) then reaches the "
        "thread's excepthook instead of the app log: the writer stops the same way"
    ),
    "genglossary_gui/ui/curation.py:41 core/ReplaceComparisonOperator_Eq_LtE": (
        "one or no term returned before: `<= 2` is `== 2`"
    ),
    "genglossary_gui/ui/curation.py:81 core/ReplaceTrueWithFalse": (
        "_done after a redo: the stack calls undo next (which sets it), never redo twice; "
        "only push's first redo reads it"
    ),
    "genglossary_gui/ui/curation.py:241 core/ReplaceFalseWithTrue": (
        "snapshots of marks and notes then hold the glossary entries too; restored to the run "
        "they were read from, whose entries change only by commands that snapshot them (undone "
        "in order) or not at all (a new run is a new run): the same rows are written back"
    ),
    "genglossary_gui/runs/process.py:260 core/ReplaceComparisonOperator_Eq_GtE": (
        "os.name >= 'posix': os.name is 'posix' or 'nt', and 'nt' sorts before 'posix'"
    ),
    "genglossary_gui/runs/process.py:266 core/ReplaceBinaryOperator_BitOr_BitXor": (
        "the two Windows creation flags are distinct bits (0 each on POSIX): `^` is `|`"
    ),
    "genglossary_gui/runs/process.py:113 core/ReplaceComparisonOperator_Eq_[GL]tE": (
        "the parent writes only 'cancel' lines to the step's stdin"
    ),
    "genglossary_gui/runs/process.py:14[456] core/ReplaceTrueWithFalse": (
        "a step-process argument's required flag: the parent always passes all three; only a "
        "hand-made call's error message would change"
    ),
    "genglossary_gui/runs/process.py:266 core/ReplaceBinaryOperator_BitOr_Add": (
        "the two Windows creation flags are distinct bits: `+` is `|`"
    ),
    "genglossary_gui/runs/process.py:131 core/ZeroIterationForLoop": (
        "the step's last flush: every message was flushed as it was sent, and stderr is "
        "line-buffered (Python 3.9+) and written in whole lines"
    ),
    "genglossary_gui/runs/process.py:133 core/AddNot": (
        "the step's last flush, skipped: every message was flushed as it was sent, and stderr "
        "is line-buffered (Python 3.9+) and written in whole lines"
    ),
    "genglossary_gui/runs/process.py:136 core/AddNot": (
        "the step's last close, skipped: every step committed its writes, and the process "
        "ends at once (os._exit), which SQLite survives like any end of a reader"
    ),
    "genglossary_gui/runs/process.py:13[36] core/ReplaceComparisonOperator_IsNot_Is": (
        "the step's last flush and close: every message was flushed as it was sent and every "
        "step committed its writes, so skipping them loses nothing"
    ),
    "genglossary_gui/runs/process.py:297 core/ReplaceTrueWithFalse": (
        "Popen's text=: given encoding= and errors=, its pipes are text streams either way"
    ),
    "genglossary_gui/runs/process.py:303 core/ReplaceAndWithOr": (
        "an assert on what Popen with three PIPEs always gives: all three streams"
    ),
    "genglossary_gui/runs/process.py:308 core/ReplaceTrueWithFalse": (
        "the stderr drainer's daemon flag: it ends when the child's stderr closes, which the "
        "run waits for (or kills the child) before it ends"
    ),
    "genglossary_gui/runs/process.py:336 core/ReplaceTrueWithFalse": (
        "the reaper's daemon flag: it ends within milliseconds, when the answered child exits"
    ),
    "genglossary_gui/runs/process.py:155 core/ReplaceTrueWithFalse": (
        "the stdin watcher's daemon flag: the step process ends with os._exit, which does not "
        "wait for any thread"
    ),
    "genglossary_gui/ui/curation.py:72 core/ReplaceTrueWithFalse": (
        "a new command's first redo (on push) would then write back the state the change has "
        "just made: the same rows"
    ),
    "genglossary_gui/store/repositories/glossary.py:153 core/ReplaceTrueWithFalse": (
        "GlossaryRow's frozen/slots flags: rows are kept in lists and keyed by id, never "
        "mutated, hashed or measured"
    ),
    "genglossary_gui/store/repositories/glossary.py:206 core/ReplaceTrueWithFalse": (
        "IssueRow's frozen/slots flags: rows are kept in lists and keyed by id, never "
        "mutated, hashed or measured"
    ),
    "genglossary_gui/store/repositories/glossary.py:179 core/ReplaceComparisonOperator_Eq_GtE": (
        "stage >= the final stage: 'provisional' < 'refined', and a run whose final stage is "
        "provisional has no refined entries (the run's `==` mutated so is killed)"
    ),
    "genglossary_gui/store/repositories/glossary.py:232 core/ReplaceComparisonOperator_Eq_GtE": (
        "stage >= 'refined': no stage sorts after it (the run's `==` mutated so is killed)"
    ),
    "genglossary_gui/store/repositories/glossary.py:253 core/ReplaceComparisonOperator_Eq_*E": (
        "other types in the duplicate branch: their related is empty or a sentence, never a "
        "merged alias or a kept-apart term, so the branch changes nothing for them"
    ),
    "genglossary_gui/runs/worker.py:171 core/ExceptionReplacer": (
        "the error then reaches run()'s catch-all instead: only the app log's wording "
        "changes; the row, the run log and the finished signal are the same"
    ),
    "genglossary_gui/runs/worker.py:188 core/ExceptionReplacer": (
        "the error then reaches run()'s catch-all instead: only the app log's wording "
        "changes; the row, the run log and the finished signal are the same"
    ),
    "genglossary_gui/runs/worker.py:183 core/*": "only an app-log line (info) depends on it",
    "genglossary_gui/runs/worker.py:176 core/ReplaceComparisonOperator_Gt_NotEq": (
        "a final write takes at least one attempt: `!= 1` is `> 1`"
    ),
    "genglossary_gui/runs/worker.py:100 core/ExceptionReplacer": (
        "the finally block still closes the reporter and emits finished; the escaped error "
        "is printed by PySide instead of logged"
    ),
    "genglossary_gui/runs/worker.py:69 core/ReplaceFalseWithTrue": (
        "with auto-delete the pool deletes the C++ runnable after run(); the manager only "
        "reads the worker's Python attributes, which outlive it"
    ),
    "genglossary_gui/runs/reporter.py:67 core/ReplaceComparisonOperator_Eq_LtE": (
        "phase[2] is a known total (> 0) or 0, never negative: `<= 0` is `== 0`"
    ),
    "genglossary_gui/runs/reporter.py:92 core/ReplaceFalseWithTrue": (
        "before the first report the progress is None, which flush skips dirty or not; "
        "the first report sets the flag anyway"
    ),
    "genglossary_gui/runs/reporter.py:122 core/ReplaceBinaryOperator_Sub_Mod": (
        "both are monotonic times of this process with now < 2 x last emit (the machine "
        "has been up longer than the run): now % last is now - last"
    ),
    "genglossary_gui/runs/reporter.py:134 core/ReplaceBinaryOperator_Mul_Div": (
        "every caller passes the message positionally: making it positional-only changes no call"
    ),
    "genglossary_gui/runs/reporter.py:259 core/ReplaceAndWithOr": (
        "after a refused write the next waits for _next_write = now + _RETRY_S, never earlier "
        "than the moved progress deadline (now + _PROGRESS_FLUSH_DELAY_S, equal delays)"
    ),
    "genglossary_gui/store/repositories/terms.py:155 core/ReplaceFalseWithTrue": (
        "TermRow.user_category's default: term_rows, its one maker, always passes it"
    ),
    "genglossary_gui/store/repositories/terms.py:301 core/ReplaceComparisonOperator_Eq_GtE": (
        "status >= 'required': no status sorts after 'required'"
    ),
    "genglossary_gui/store/repositories/terms.py:833 core/ReplaceComparisonOperator_NotEq_IsNot": (
        "`t.id is not row.id`: the same row gives the same int object, other rows other "
        "values (ids are unique)"
    ),
    "genglossary_gui/store/repositories/terms.py:376 core/ReplaceTrueWithFalse": (
        "zip's strict= over the terms and the selection made from them: same length"
    ),
    "genglossary_gui/store/repositories/terms.py:461 core/ReplaceBinaryOperator_BitAnd_[LMPR]*": (
        "`(run, provisional) LIKE / IN / IS (term in the two names)` (peewee's %, <<, >>, "
        "**) also matches rows of neither, whose terms are other names: only those two "
        "names are looked up"
    ),
    "genglossary_gui/store/repositories/terms.py:460 core/ReplaceComparisonOperator_Eq_LtE": (
        "stage <= 'provisional': no stage sorts before 'provisional'"
    ),
    "genglossary_gui/store/repositories/terms.py:83[47] core/ReplaceFalseWithTrue": (
        "group_head of a row left outside any group: every read pairs it with synonym_group "
        "(the heads of groups), and a merge sets it for every member"
    ),
    "genglossary_gui/store/repositories/terms.py:422 core/AddNot": (
        "keep_apart's headword argument: the row that leaves is never its group's head (one "
        "leaves when two heads the group, else two), and _leave_group reads it only then"
    ),
    "genglossary_gui/store/repositories/terms.py:447 core/ReplaceComparisonOperator_Eq_GtE": (
        "stage >= 'refined': no stage sorts after 'refined'"
    ),
    "genglossary_gui/store/repositories/terms.py:883 core/ReplaceComparisonOperator_Eq_GtE": (
        "stage >= 'refined': no stage sorts after 'refined'"
    ),
    "genglossary_gui/store/repositories/terms.py:88[24] core/ReplaceComparisonOperator_Eq_GtE": (
        "run >= r or term >= t in the holder's lookup (.get, the first row): SQLite reads "
        "glossary_entry_run_stage (run, stage, term) in order, so the run's own entry of "
        "that very term comes first"
    ),
    "genglossary_gui/store/repositories/terms.py:864 core/ReplaceComparisonOperator_Eq_GtE": (
        "stage >= 'refined': no stage sorts after 'refined'"
    ),
    "genglossary_gui/store/repositories/terms.py:868 core/ReplaceComparisonOperator_NotEq_*": (
        "the holders' order after the headword's: an alias is held by one entry at most "
        "(refine drops duplicates between groups, a merge takes the names it groups from "
        "every other entry), so there is never a second to order"
    ),
    "genglossary_gui/store/repositories/terms.py:913 core/ReplaceComparisonOperator_Eq_GtE": (
        "stage >= the run's last stage: that is refined (none sorts after it), or provisional "
        "when the run has no refined entries"
    ),
    "genglossary_gui/store/repositories/terms.py:942 core/ReplaceComparisonOperator_IsNot_NotEq": (
        "peewee rows are equal exactly when their model and id are: `whole` holds each row "
        "once, so != and `is not` pick the same ones"
    ),
    "genglossary_gui/store/repositories/terms.py:957 core/ReplaceComparisonOperator_IsNot_NotEq": (
        "peewee rows are equal exactly when their model and id are: `whole` holds each row "
        "once, so != and `is not` pick the same ones"
    ),
    "genglossary_gui/store/repositories/terms.py:948 core/ReplaceBinaryOperator_Sub_Bit*": (
        "`gone` only renames see-also links to the merged term: with the term in it too, a "
        "link to the term is renamed to itself"
    ),
    "genglossary_gui/store/repositories/terms.py:980 core/ReplaceBinaryOperator_BitAnd_BitOr": (
        "an entry whose links name no merged entry is rewritten with the same links (they "
        "hold no duplicates and no link to the entry itself, which is all the rewrite drops)"
    ),
    "genglossary_gui/store/repositories/terms.py:982 core/ReplaceComparisonOperator_NotEq_IsNot": (
        "no other entry's term is the merged term (those are in `whole`), and no entry links "
        "to itself: the filter drops nothing either way"
    ),
    "genglossary_gui/store/repositories/terms.py:521 core/ReplaceTrueWithFalse": (
        "TermCuration's frozen/slots flags: snapshots are compared, never hashed, mutated "
        "or measured"
    ),
    "genglossary_gui/store/repositories/terms.py:572 core/ReplaceFalseWithTrue": (
        "_Row.group_head's default: rows read from the store pass it, and a row made by "
        "get_or_create is never asked for it in the call that made it"
    ),
    "genglossary_gui/store/repositories/*.py:* core/ReplaceBinaryOperator_BitOr_Add": (
        "`(a != x) + (b != y)` in SQL: a sum of truth values (0 or 1) is true exactly when "
        "either is (in Python `|` of sets or ints turned `+` fails or is killed)"
    ),
    "genglossary_gui/store/repositories/terms.py:531 core/ReplaceFalseWithTrue": (
        "TermCuration.head's default, left only for a term that had no row: restored onto a "
        "row outside any group, where group_head is never read (merging resets it)"
    ),
    "genglossary_gui/store/repositories/terms.py:543 core/ReplaceTrueWithFalse": (
        "CurationSnapshot's frozen/slots flags: snapshots are compared, never hashed, "
        "mutated or measured"
    ),
    "genglossary_gui/store/repositories/terms.py:789 core/ReplaceComparisonOperator_Eq_LtE": (
        "status <= 'excluded' also takes candidates, which the update sets to candidate"
    ),
    "genglossary_gui/store/repositories/terms.py:1122 core/ReplaceComparisonOperator_Eq_LtE": (
        "rank <= 0, frequency <= 0: neither is ever negative"
    ),
    "genglossary_gui/store/repositories/terms.py:1122 core/ReplaceComparisonOperator_Eq_GtE": (
        "rank >= 0 (always) with frequency == 0, or frequency >= 0 with rank == 0: an "
        "extraction ranks only terms it found (frequency >= 1), and every row of rank 0 has "
        "frequency 0"
    ),
    "genglossary_gui/store/repositories/terms.py:1045 core/ReplaceComparisonOperator_Eq_GtE": (
        "`Project.id >= p` .first(): SQLite reads the rowid range in order, so the first row "
        "is p itself; with p gone it is a later project, whose creation time no project that "
        "takes p's id has (a snapshot records it, a restore compares it)"
    ),
    "genglossary_gui/store/repositories/terms.py:1122 core/ReplaceAndWithOr": (
        "rank == 0 exactly when frequency == 0: an extraction ranks only terms it found "
        "(frequency >= 1), and a row of rank 0 was not found"
    ),
    "genglossary_gui/store/repositories/terms.py:1141 core/ReplaceComparisonOperator_Eq_GtE": (
        "stage >= the snapshot's stage, the run's last: refined (none sorts after it), or "
        "provisional of a run that has no refined entries (a finished run's stages stay)"
    ),
    "genglossary_gui/store/repositories/terms.py:1138 core/ReplaceOrWithAnd": (
        "a snapshot has entries exactly when it has a run (curation_snapshot sets both or neither)"
    ),
    "genglossary_gui/store/repositories/terms.py:674 core/ReplaceComparisonOperator_Eq_Is": (
        "`status` is a TermStatus member: `is` and `==` agree"
    ),
    "genglossary_gui/store/repositories/terms.py:674 core/ReplaceComparisonOperator_Eq_LtE": (
        "status <= 'candidate': no status sorts before 'candidate'"
    ),
    "genglossary_gui/store/repositories/terms.py:755 core/ReplaceComparisonOperator_Gt_NotEq": (
        "a group's list of names is never empty (made by appending): != 1 is > 1"
    ),
    "genglossary_gui/store/repositories/terms.py:781 core/ReplaceComparisonOperator_Eq_[GL]tE": (
        "a new group's number from the largest over more projects, this one among them: "
        "still larger than every group of this project, so unused in it"
    ),
    "genglossary_gui/store/repositories/terms.py:781 core/ReplaceComparisonOperator_Eq_IsNot": (
        "`is not` makes the condition true: the largest group number over every project, "
        "this one among them, so the new one is unused in it"
    ),
    "genglossary_gui/store/repositories/terms.py:536 core/ReplaceComparisonOperator_NotEq_Gt": (
        "status > 'candidate' for != 'candidate': no status sorts before 'candidate'"
    ),
    "genglossary_gui/store/repositories/terms.py:579 core/ReplaceComparisonOperator_NotEq_Gt": (
        "status > 'candidate' for != 'candidate': no status sorts before 'candidate'"
    ),
    "genglossary_gui/store/repositories/terms.py:29 core/ReplaceTrueWithFalse": (
        "TermRecord's frozen/slots flags: records are made and read, never hashed, mutated "
        "or measured"
    ),
    "genglossary_gui/store/repositories/terms.py:138 core/ReplaceTrueWithFalse": (
        "TermRow's frozen/slots flags: rows are made by term_rows and read, never hashed, "
        "mutated or measured"
    ),
    "genglossary_gui/store/repositories/terms.py:102 core/ReplaceComparisonOperator_NotEq_Gt": (
        "status > 'candidate' for != 'candidate': no status sorts before 'candidate'"
    ),
    "genglossary_gui/store/repositories/terms.py:128 core/ReplaceComparisonOperator_Eq_LtE": (
        "rank <= 0: a rank is never negative"
    ),
    "genglossary_gui/store/repositories/terms.py:367 core/ReplaceComparisonOperator_Eq_LtE": (
        "rank <= 0: a rank is never negative"
    ),
    "genglossary_gui/store/repositories/terms.py:325 core/ReplaceComparisonOperator_Eq_LtE": (
        "frequency <= 0: a frequency is never negative"
    ),
    "genglossary_gui/store/repositories/terms.py:147 core/ReplaceFalseWithTrue": (
        "TermRow.defined's default: term_rows, its one maker, always passes it"
    ),
    "genglossary_gui/store/repositories/terms.py:205 core/ReplaceTrueWithFalse": (
        "zip's strict= over the rows and the selection made from them: same length"
    ),
    "genglossary_gui/store/repositories/terms.py:218 core/ReplaceComparisonOperator_Eq_GtE": (
        "stage >= the run's last stage: that is refined (none sorts after it), or provisional "
        "when the run has no refined entries (a mutant of the run's == is killed)"
    ),
    "genglossary_gui/store/repositories/terms.py:1024 core/ReplaceComparisonOperator_Eq_GtE": (
        "stage >= the run's last stage: that is refined (none sorts after it), or provisional "
        "when the run has no refined entries"
    ),
    "genglossary_gui/store/repositories/terms.py:329 core/ReplaceComparisonOperator_Lt_NotEq": (
        "taken counts up from 0 by one while below the cut-off, which is a count (never "
        "negative): it never passes it, so != stops where < does"
    ),
    "genglossary_gui/store/repositories/terms.py:349 core/ReplaceComparisonOperator_Eq_GtE": (
        "`Project.id >= p` .first(): SQLite reads the rowid range in order, so the first row "
        "is p itself; a project that is gone has no terms for the cut-off to count"
    ),
    "genglossary_gui/store/repositories/terms.py:367 core/ReplaceComparisonOperator_NotEq_Lt": (
        "status < 'required' for != 'required': every other status sorts before 'required'"
    ),
    "genglossary_gui/store/repositories/terms.py:379 core/ReplaceComparisonOperator_NotEq_IsNot": (
        "Selection members are singletons: `is not` and `!=` agree"
    ),
    "genglossary_gui/store/repositories/terms.py:473 core/ReplaceComparisonOperator_NotEq_IsNot": (
        "`alias` is the very object of `aliases` that matched (next() over the list): `is not` "
        "drops it as != does (an entry's aliases hold no duplicates)"
    ),
    "genglossary_gui/store/repositories/terms.py:526 core/ReplaceTrueWithFalse": (
        "TermCuration.exists' default: both makers pass it (_curation_of True, the snapshot "
        "of a name without a row False)"
    ),
    "genglossary_gui/store/repositories/terms.py:562 core/Replace*": (
        "_Row's eq/slots flags: rows are unique by id (value equality is identity here), "
        "and no code adds attributes to one or measures it"
    ),
}

_CONFIG = """\
[cosmic-ray]
module-path = "{module}"
timeout = {timeout}
excluded-modules = []
test-command = "{command}"

[cosmic-ray.distributor]
name = "local"

[cosmic-ray.filters.operators-filter]
exclude-operators = {excluded}
"""


@dataclass
class Score:
    target: str
    mutants: int = 0
    killed: int = 0
    survived: int = 0
    skipped: int = 0
    incompetent: int = 0
    equivalent: int = 0
    #: Not run yet (a session stopped early, scored with --report).
    pending: int = 0
    seconds: float = 0.0

    @property
    def score(self) -> float:
        judged = self.killed + self.survived - self.equivalent
        return self.killed / judged if judged else 1.0


def _copy_checkout(into: Path) -> None:
    for name in ("genglossary_gui", "tests", "resources"):
        shutil.copytree(
            ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, into / name)


def _prepare(copy: Path) -> None:
    """The copy's own environment: its editable install is the copy itself."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    subprocess.run(
        ["uv", "sync", "--group", "dev", "--group", "mutation", "--quiet"],
        cwd=copy,
        env=env,
        check=True,
    )


def _tool(copy: Path, name: str) -> str:
    return str(copy / ".venv" / ("Scripts" if os.name == "nt" else "bin") / name)


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(args, cwd=cwd, env=env, check=True)


def _output(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    return subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _is_equivalent(key: str, start: tuple[int, int] | None = None) -> bool:
    """Whether the survivor ``module:line operator`` (starting at ``start``, its line and
    column) is equivalent by one of the rules below, or listed in ``EQUIVALENT``."""
    module, operator = key.split(":", 1)[0], key.rsplit(" ", 1)[-1]
    if start is not None:
        if _in_annotation(module, start):
            return True
        if operator == "core/ReplaceComparisonOperator_NotEq_Gt" and _against_empty_text(
            module, start
        ):
            return True
        if (
            operator == "core/ReplaceFalseWithTrue"
            and fnmatch.fnmatchcase(module, "genglossary_gui/store/repositories/*.py")
            and _keyword_value(module, start, "ensure_ascii")
        ):
            # The repositories' JSON columns are only ever read back with json.loads.
            return True
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in EQUIVALENT)


@functools.cache
def _tree(module: str) -> ast.Module:
    return ast.parse((ROOT / module).read_text("utf-8"))


def _against_empty_text(module: str, start: tuple[int, int]) -> bool:
    """Whether the ``!=`` at ``start`` compares with ``""``: then ``>`` says the same (every
    other text sorts after the empty one; in SQL a NULL is neither)."""
    for node in ast.walk(_tree(module)):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        right = node.comparators[0]
        if not (
            isinstance(node.ops[0], ast.NotEq)
            and isinstance(right, ast.Constant)
            and right.value == ""
        ):
            continue
        left = node.left
        if (left.end_lineno, left.end_col_offset) <= start < (right.lineno, right.col_offset):
            return True
    return False


def _keyword_value(module: str, start: tuple[int, int], name: str) -> bool:
    """Whether the constant at ``start`` is the value of a ``name=`` keyword argument."""
    return any(
        isinstance(node, ast.keyword)
        and node.arg == name
        and (node.value.lineno, node.value.col_offset) == start
        for node in ast.walk(_tree(module))
    )


@functools.cache
def _annotations(module: str) -> tuple[tuple[int, int, int, int], ...]:
    """Where ``module``'s annotations are, as (line, column, end line, end column), when
    none of them is ever evaluated (the module starts with ``from __future__ import
    annotations`` and no pydantic model reads them); else none."""
    tree = _tree(module)
    lazy = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )
    imported = [
        name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
    ]
    if not lazy or any(name.split(".")[0] == "pydantic" for name in imported):
        return ()
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            part = node.annotation
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            part = node.returns
        elif isinstance(node, ast.AnnAssign):
            part = node.annotation
        else:
            continue
        if part is not None and part.end_lineno is not None and part.end_col_offset is not None:
            spans.append((part.lineno, part.col_offset, part.end_lineno, part.end_col_offset))
    return tuple(spans)


def _in_annotation(module: str, start: tuple[int, int]) -> bool:
    """Whether a mutation starting at ``start`` (line, column) lies in an annotation that is
    never evaluated: a change there changes nothing the program does."""
    return any(
        (line, column) <= start < (end_line, end_column)
        for line, column, end_line, end_column in _annotations(module)
    )


def _reopen_survivors(earlier: Path, name: str, session: Path) -> None:
    """Start ``session`` from the session of ``name`` kept in ``earlier`` (by ``--keep``),
    its survivors made pending again (those ``EQUIVALENT`` lists stay as they were): only they
    and the mutants not run yet run, against this checkout's tests. The
    module must be the one that session mutated (the mutants are positions in it)."""
    module = TARGETS[name][0]
    if (earlier / "checkout" / module).read_bytes() != (ROOT / module).read_bytes():
        raise SystemExit(f"{module} changed since the session in {earlier}: run it anew")
    shutil.copy2(earlier / "checkout" / f"mutation-{name}.sqlite", session)
    with sqlite3.connect(session) as conn:
        survivors = conn.execute(
            "SELECT r.job_id, s.module_path, s.start_pos_row, s.start_pos_col, s.operator_name"
            " FROM work_results r JOIN mutation_specs s ON s.job_id = r.job_id"
            " WHERE r.test_outcome = 'SURVIVED'"
        ).fetchall()
        # A survivor already known to be equivalent would only survive again.
        open_ids = [
            (job,)
            for job, path, row, column, operator in survivors
            if not _is_equivalent(f"{path}:{row} {operator}", (row, column))
        ]
        conn.executemany("DELETE FROM work_results WHERE job_id = ?", open_ids)


def _keep_only_lines(session: Path, lines: set[int]) -> None:
    """Drop from ``session`` every mutant that is not on one of ``lines`` of its module."""
    with sqlite3.connect(session) as conn:
        rows = conn.execute("SELECT job_id, start_pos_row FROM mutation_specs").fetchall()
        dropped = [(job,) for job, row in rows if row not in lines]
        for table in ("work_results", "mutation_specs", "work_items"):
            conn.executemany(f"DELETE FROM {table} WHERE job_id = ?", dropped)


def run_target(
    name: str,
    copy: Path,
    timeout: float,
    env: dict[str, str],
    earlier: Path | None = None,
    lines: set[int] | None = None,
) -> Score:
    module, tests = TARGETS[name]
    python = _tool(copy, "python")
    command = " ".join([python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests])
    config = copy / f"mutation-{name}.toml"
    config.write_text(
        _CONFIG.format(
            module=module,
            timeout=timeout,
            command=command,
            excluded=json.dumps(EXCLUDED_OPERATORS),
        ),
        "utf-8",
    )
    session = copy / f"mutation-{name}.sqlite"
    session.unlink(missing_ok=True)
    started = time.monotonic()
    cosmic_ray = _tool(copy, "cosmic-ray")
    if earlier is None:
        _run([cosmic_ray, "init", str(config), str(session)], copy, env)
        _run([_tool(copy, "cr-filter-operators"), str(session), str(config)], copy, env)
    else:
        _reopen_survivors(earlier, name, session)
    if lines:
        _keep_only_lines(session, lines)
    # The unmutated code must pass its tests, or every mutant would look killed.
    _run([cosmic_ray, "baseline", str(config)], copy, env)
    _run([cosmic_ray, "exec", str(config), str(session)], copy, env)
    return _score(name, copy, env, time.monotonic() - started)


def _score(name: str, copy: Path, env: dict[str, str], seconds: float) -> Score:
    """The score of ``name``'s session in ``copy`` (finished or not), today's EQUIVALENT
    applied; prints every other survivor with its diff."""
    session = copy / f"mutation-{name}.sqlite"
    score = Score(name, seconds=seconds)
    dump = _output([_tool(copy, "cosmic-ray"), "dump", str(session)], copy, env)
    survivors: list[tuple[str, str]] = []
    for line in dump.splitlines():
        item, result = json.loads(line)
        score.mutants += 1
        if result is None:
            score.pending += 1  # not run (interrupted)
            continue
        if result["worker_outcome"] == "skipped":
            score.skipped += 1
        elif result["test_outcome"] == "killed":
            score.killed += 1
        elif result["test_outcome"] == "incompetent":
            score.incompetent += 1
        elif result["test_outcome"] == "survived":
            score.survived += 1
            mutation = item["mutations"][0]
            key = (
                f"{mutation['module_path']}:{mutation['start_pos'][0]} {mutation['operator_name']}"
            )
            if _is_equivalent(key, tuple(mutation["start_pos"])):
                score.equivalent += 1
            else:
                survivors.append((key, result.get("diff") or ""))
    for key, diff in survivors:
        print(f"\nSURVIVED {key}\n{diff}")
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mutation testing of the lifecycle code.")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS))
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per mutant")
    parser.add_argument("--keep", type=Path, help="work in DIR and keep it")
    parser.add_argument("--list", action="store_true", help="list the targets and stop")
    parser.add_argument(
        "--report",
        type=Path,
        metavar="DIR",
        help="only score the sessions kept in DIR (finished or not), with today's EQUIVALENT",
    )
    parser.add_argument(
        "--survivors-of",
        type=Path,
        metavar="DIR",
        help="run again only the survivors of the sessions kept in DIR, with today's tests",
    )
    parser.add_argument(
        "--lines",
        type=lambda text: {int(n) for n in text.split(",")},
        metavar="N,N,...",
        help="run only the mutants on these lines of the target's module",
    )
    args = parser.parse_args(argv)
    if args.list:
        for name, (module, tests) in TARGETS.items():
            print(f"{name:15} {module}  <- {' '.join(tests)}")
        return 0
    names = args.target or list(TARGETS)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONDONTWRITEBYTECODE": "1",  # no stale .pyc of one mutant for the next
    }
    if args.report is not None:
        kept = args.report / "checkout"
        found = [n for n in names if (kept / f"mutation-{n}.sqlite").exists()]
        return _print_scores([_score(n, kept, env, 0.0) for n in found])
    work = args.keep or Path(tempfile.mkdtemp(prefix="genglossary-mutation-"))
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "checkout"
    if copy.exists():
        shutil.rmtree(copy)
    _copy_checkout(copy)
    _prepare(copy)
    scores = []
    try:
        for name in names:
            scores.append(run_target(name, copy, args.timeout, env, args.survivors_of, args.lines))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return _print_scores(scores)


def _print_scores(scores: list[Score]) -> int:
    print(
        "\n| target | mutants | killed | survived | equivalent | skipped | not run | score | time |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for s in scores:
        print(
            f"| {s.target} | {s.mutants} | {s.killed} | {s.survived} | {s.equivalent} | "
            f"{s.skipped} | {s.pending} | {s.score:.0%} | {s.seconds / 60:.0f} min |"
        )
    return 0 if all(s.survived == s.equivalent for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
