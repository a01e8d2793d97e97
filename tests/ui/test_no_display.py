"""Started without a desktop session, the window says so in one line (and how to run it
offscreen) instead of Qt's abort about xcb libraries."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from genglossary_gui.app import display_problem
from genglossary_gui.entry import own_window_command


@pytest.mark.parametrize(
    ("env", "platform", "needs_session"),
    [
        ({}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({}, "win32", False),  # Windows and macOS always have their own platform
        ({}, "darwin", False),
    ],
)
def test_a_session_is_needed_only_where_qt_would_look_for_one(
    env: dict[str, str], platform: str, needs_session: bool
) -> None:
    assert (display_problem(env, platform) is not None) is needs_session


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland are Linux's")
def test_the_window_without_a_display_says_so_in_one_line(tmp_path: object) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    proc = subprocess.run(
        own_window_command("--data-dir", str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "needs a desktop session" in lines[0]
    assert "QT_QPA_PLATFORM=offscreen" in lines[0]
    assert "xcb" not in proc.stderr
