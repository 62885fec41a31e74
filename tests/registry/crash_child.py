"""Runs `python -m dockguard ARGS...` (the real CLI) with a pause point for the kill -9 tests.

    python tests/registry/crash_child.py register --manifest batch.tsv --db URL --model fake

$DOCKGUARD_CRASH_PAUSE says where the process stops and waits to be killed: `statement:K` before
its K-th SQL statement, `commit:K` just before its K-th COMMIT. On reaching it the process writes
"paused" to $DOCKGUARD_CRASH_MARKER and sleeps. Without a pause it writes, on exit, how many
statements and commits it ran ("done S C"), which the test uses to choose pause points.
Test code only: nothing here is part of DockGuard.
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

PAUSE = os.environ.get("DOCKGUARD_CRASH_PAUSE", "")
MARKER = Path(os.environ["DOCKGUARD_CRASH_MARKER"])
counts = {"statement": 0, "commit": 0}


def _reached(kind: str) -> None:
    counts[kind] += 1
    if PAUSE == f"{kind}:{counts[kind]}":
        MARKER.write_text("paused", encoding="ascii")
        while True:  # until kill -9
            time.sleep(60)


@event.listens_for(Engine, "before_cursor_execute")
def _statement(*_args: Any) -> None:
    _reached("statement")


@event.listens_for(Engine, "commit")
def _commit(*_args: Any) -> None:
    _reached("commit")


@atexit.register
def _report() -> None:
    if not PAUSE:
        MARKER.write_text(f"done {counts['statement']} {counts['commit']}", encoding="ascii")


sys.argv = ["dockguard", *sys.argv[1:]]
runpy.run_module("dockguard", run_name="__main__", alter_sys=True)
