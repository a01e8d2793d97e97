"""Who owns an active run: host, process id and process start time, and whether it still lives."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from functools import cache

# psutil is imported where it is used: a command that finds no active run never needs it.

#: Process start times are compared with this tolerance (seconds); psutil rounds them.
_START_TIME_TOLERANCE = 1.0


@dataclass(frozen=True, slots=True)
class Owner:
    host: str
    pid: int
    started: float


@cache
def _this_host() -> str:
    return socket.gethostname()


def current_owner() -> Owner:
    # Not cached across fork: a forked child has another pid.
    import psutil

    pid = os.getpid()
    return Owner(_this_host(), pid, psutil.Process(pid).create_time())


def owner_alive(owner: Owner) -> bool | None:
    """True/False for an owner on this host; None when it is on another host (unknowable)."""
    if owner.host != _this_host():
        return None
    import psutil

    try:
        proc = psutil.Process(owner.pid)
        started = proc.create_time()
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    except psutil.AccessDenied:
        return True  # exists, owned by someone else: assume alive rather than steal its run
    # A recycled pid belongs to a process that started at another time.
    return abs(started - owner.started) <= _START_TIME_TOLERANCE
