"""Headless Chromium as a subprocess: HTML report → PDF, PNG screenshot, or the DOM after scripts ran.

Each call starts a fresh browser with a throw-away profile and every background network feature off, so
rendering a report never talks to the network and never leaves state behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dockguard.errors import DockGuardError

__all__ = ["BrowserError", "BrowserNotFound", "dump_dom", "find_chromium", "html_to_pdf", "screenshot"]

#: Environment variable naming the browser binary to use; it wins over the PATH search.
CHROMIUM_ENV = "DOCKGUARD_CHROMIUM"
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_TIMEOUT_S = 90.0

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
)


class BrowserError(DockGuardError):
    """Headless Chromium failed to render a report."""


class BrowserNotFound(BrowserError):
    """No Chromium-family browser could be found to render with."""


def find_chromium() -> str | None:
    """The browser to run: ``$DOCKGUARD_CHROMIUM`` if set, else chromium / chromium-browser / google-chrome on PATH."""
    configured = os.environ.get(CHROMIUM_ENV, "").strip()
    if configured:
        found = shutil.which(configured)
        return found or (configured if Path(configured).is_file() else None)
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str]) -> Path:
    """Print the HTML file to a PDF (A4 unless its CSS says otherwise) and return the PDF's path."""
    out = Path(pdf_path).resolve()
    # Both spellings: Chromium renamed the flag in 2023 and ignores the one it does not know.
    _run([f"--print-to-pdf={out}", "--no-pdf-header-footer", "--print-to-pdf-no-header"], html_path)
    return _check_written(out, html_path)


def screenshot(
    html_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str],
    width: int = 1280,
    height: int = 2000,
) -> Path:
    """Save a PNG of the page's first ``width`` × ``height`` CSS pixels and return its path."""
    if width <= 0 or height <= 0:
        raise ValueError(f"screenshot size must be positive, got {width}x{height}")
    out = Path(png_path).resolve()
    _run([f"--screenshot={out}", f"--window-size={width},{height}"], html_path)
    return _check_written(out, html_path)


def dump_dom(html_path: str | os.PathLike[str]) -> str:
    """The page's DOM serialized after its scripts ran (what a reader's browser would show)."""
    return _run(["--dump-dom"], html_path)


def _browser() -> str:
    found = find_chromium()
    if found is None:
        configured = os.environ.get(CHROMIUM_ENV, "").strip()
        where = (
            f"{CHROMIUM_ENV}={configured!r} is not an executable file"
            if configured
            else f"none of {', '.join(_CANDIDATES)} is on PATH"
        )
        raise BrowserNotFound(
            f"no headless browser to render the report: {where}. Install one (Debian/Ubuntu: "
            f"`apt-get install chromium`) or point {CHROMIUM_ENV} at a Chromium or Chrome binary."
        )
    return found


def _run(extra: Sequence[str], html_path: str | os.PathLike[str]) -> str:
    source = Path(html_path).resolve()
    if not source.is_file():
        raise BrowserError(f"{source}: no such HTML file to render")
    browser = _browser()
    with tempfile.TemporaryDirectory(prefix="dockguard-chromium-") as profile:
        command = [browser, *_FLAGS, f"--user-data-dir={profile}", *extra, source.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"{source}: {browser} did not finish within {_TIMEOUT_S:.0f} s") from exc
        except OSError as exc:
            raise BrowserError(f"{source}: cannot run {browser}: {exc}") from exc
    if done.returncode != 0:
        raise BrowserError(
            f"{source}: {browser} exited with status {done.returncode}: {_last_lines(done.stderr)}"
        )
    return done.stdout


def _check_written(out: Path, html_path: str | os.PathLike[str]) -> Path:
    if not out.is_file() or out.stat().st_size == 0:
        raise BrowserError(f"{html_path}: the browser exited normally but wrote nothing to {out}")
    return out


def _last_lines(stderr: str, keep: int = 5) -> str:
    # Chromium logs dbus and GPU noise on every run; the failure is at the end.
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return " | ".join(lines[-keep:]) or "(no message)"
