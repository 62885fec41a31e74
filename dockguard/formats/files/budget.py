"""The time budget of reading one file, and the limits in force while it is read.

`reading(label, limits)` wraps the reading of one file. Inside it, `check_time()` (called by the
readers as they walk lines, paragraphs, pages and cues) raises an InputError naming the file once
the budget `limits.max_seconds` is spent, and `active_limits()` gives the readers deep in the call
tree the limits without threading them through every signature.

Cooperative checks cannot stop a third-party parser that never returns to our code (a pypdf content
stream, a regular expression), so in the main thread a timer (SIGALRM) also interrupts the read when
the budget is spent. The interruption is a BaseException, so no `except Exception` inside a
third-party library can swallow it; `reading` turns it into the same InputError. In other threads
(no signals there) and where a timer is already set by someone else, only the cooperative checks
run.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from dockguard.errors import InputError
from dockguard.formats.files.limits import DEFAULT_LIMITS, MAX_SECONDS_ENV, ReadLimits


@dataclass(frozen=True, slots=True)
class _Reading:
    label: str
    limits: ReadLimits
    deadline: float


_CURRENT: ContextVar[_Reading | None] = ContextVar("dockguard_reading", default=None)


class _OutOfTime(BaseException):
    """Raised by the timer inside whatever was running; never escapes `reading`."""


def active_limits() -> ReadLimits:
    """The limits of the file being read (the defaults outside `reading`)."""
    current = _CURRENT.get()
    return current.limits if current is not None else DEFAULT_LIMITS


def _over_time(label: str, limits: ReadLimits) -> InputError:
    return InputError(
        label,
        f"reading it took longer than the {limits.max_seconds:g} s limit per file: refused "
        f"(set {MAX_SECONDS_ENV} to allow more)",
    )


def check_time() -> None:
    """Raise InputError naming the file being read when its time budget is spent."""
    current = _CURRENT.get()
    if current is not None and time.monotonic() > current.deadline:
        raise _over_time(current.label, current.limits)


@contextmanager
def reading(label: str, limits: ReadLimits) -> Iterator[None]:
    """Read one file under `limits`: over its time budget, an InputError naming `label`."""
    outer = _CURRENT.get()
    deadline = time.monotonic() + limits.max_seconds
    if outer is not None:
        deadline = min(deadline, outer.deadline)
    token = _CURRENT.set(_Reading(label, limits, deadline))
    timer = outer is None and _can_set_timer()
    previous = None
    try:
        if timer:
            previous = signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, max(0.001, deadline - time.monotonic()))
        try:
            yield
        except _OutOfTime:
            raise _over_time(label, limits) from None
        finally:
            if timer:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except _OutOfTime:  # the timer fired between the body's end and the timer's reset
        raise _over_time(label, limits) from None
    finally:
        if timer and previous is not None:
            signal.signal(signal.SIGALRM, previous)
        _CURRENT.reset(token)


def _can_set_timer() -> bool:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    # someone else's timer or handler: leave it alone, rely on the cooperative checks
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) in (
        signal.SIG_DFL,
        signal.SIG_IGN,
        None,
    )


def _alarm(signum: int, frame: object) -> None:
    raise _OutOfTime
