"""Headless Chromium: the report renders, its script runs, it prints; and the runner fails clearly."""

from __future__ import annotations

import html
import os
import re
import stat
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dockguard.errors import DockGuardError
from dockguard.report import browser
from dockguard.report.browser import BrowserNotFound, dump_dom, find_chromium, html_to_pdf, screenshot
from dockguard.report.html import render_html

from .conftest import load_sample, read_document

needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="no headless browser: install Chromium (`apt-get install chromium`) or set DOCKGUARD_CHROMIUM",
)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(read_document(load_sample())), encoding="utf-8")
    return path


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR", "PNG without IHDR first"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.browser
@needs_chromium
def test_screenshot_is_a_png_of_the_window_size(report_file: Path, tmp_path: Path) -> None:
    out = screenshot(report_file, tmp_path / "report.png", width=1024, height=900)
    assert out.stat().st_size > 10_000  # a rendered page, not a blank one
    assert _png_size(out) == (1024, 900)


@pytest.mark.browser
@needs_chromium
def test_dom_after_scripts_has_the_evidence(report_file: Path) -> None:
    dom = dump_dom(report_file)
    scan = load_sample()
    assert 'data-report-ready="yes"' in dom  # our script ran
    assert 'id="toolbar"' in dom and 'id="toolbar" hidden' not in dom
    for label in ("Localized copy", "Translated copy", "Clear"):
        assert label in dom
    visible = html.unescape(re.sub(r"<[^>]+>", "", dom))  # rename marks split lines into several nodes
    total = 0
    for result in scan["results"]:
        pairs = result["matches"][0]["evidence"]["pairs"]
        total += len(pairs)
        for pair in pairs:
            assert pair["original"]["text"] in visible and pair["release"]["text"] in visible
    assert dom.count('<circle class="dot"') == total
    # The injected line stayed text: had it become an element, the DOM would hold a second script.
    assert dom.count("<script") == 1
    assert "Firma. &lt;script&gt;alert(1)&lt;/script&gt;" in dom


@pytest.mark.browser
@needs_chromium
def test_print_to_pdf(report_file: Path, tmp_path: Path) -> None:
    out = html_to_pdf(report_file, tmp_path / "report.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 20_000


# --- the runner itself, without a browser ------------------------------------------------------------------


def _fake_browser(directory: Path, name: str = "chromium") -> Path:
    exe = directory / name
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return exe


def test_find_chromium_prefers_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bin").mkdir()
    on_path = _fake_browser(tmp_path / "bin")
    chosen = _fake_browser(tmp_path, "my-chrome")
    monkeypatch.setenv("PATH", str(on_path.parent))
    monkeypatch.setenv("DOCKGUARD_CHROMIUM", str(chosen))
    assert find_chromium() == str(chosen)
    monkeypatch.delenv("DOCKGUARD_CHROMIUM")
    assert find_chromium() == str(on_path)


def test_no_browser_is_a_clear_dockguard_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("DOCKGUARD_CHROMIUM", raising=False)
    assert find_chromium() is None
    page = tmp_path / "r.html"
    page.write_text("<p>x</p>")
    with pytest.raises(BrowserNotFound) as caught:
        dump_dom(page)
    assert isinstance(caught.value, DockGuardError)
    assert "apt-get install chromium" in str(caught.value) and "DOCKGUARD_CHROMIUM" in str(caught.value)

    monkeypatch.setenv("DOCKGUARD_CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(BrowserNotFound, match="is not an executable file"):
        screenshot(page, tmp_path / "x.png")


def test_browser_runs_headless_offline_with_a_fresh_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = _fake_browser(tmp_path)
    monkeypatch.setenv("DOCKGUARD_CHROMIUM", str(exe))
    seen: list[list[str]] = []

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append(command)
        for arg in command:
            if arg.startswith(("--screenshot=", "--print-to-pdf=")):
                Path(arg.split("=", 1)[1]).write_bytes(b"data")
        profile = next(a.split("=", 1)[1] for a in command if a.startswith("--user-data-dir="))
        assert os.path.isdir(profile)  # exists while the browser runs
        return subprocess.CompletedProcess(command, 0, stdout="<html></html>", stderr="")

    monkeypatch.setattr(browser.subprocess, "run", fake_run)
    page = tmp_path / "r.html"
    page.write_text("<p>x</p>")
    screenshot(page, tmp_path / "s.png", width=800, height=600)
    html_to_pdf(page, tmp_path / "s.pdf")
    assert dump_dom(page) == "<html></html>"

    required = {
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    }
    for command in seen:
        assert command[0] == str(exe)
        assert required <= set(command)
        assert command[-1] == page.resolve().as_uri()
    assert "--window-size=800,600" in seen[0] and f"--screenshot={(tmp_path / 's.png').resolve()}" in seen[0]
    assert f"--print-to-pdf={(tmp_path / 's.pdf').resolve()}" in seen[1]
    assert "--dump-dom" in seen[2]
    profiles = [next(a for a in c if a.startswith("--user-data-dir=")) for c in seen]
    assert len(set(profiles)) == 3  # a new profile each run
    assert not any(os.path.exists(p.split("=", 1)[1]) for p in profiles)  # and cleaned up after


def test_browser_failure_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = tmp_path / "chromium"
    exe.write_text("#!/bin/sh\necho 'noise' >&2\necho 'FATAL: cannot open display' >&2\nexit 3\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("DOCKGUARD_CHROMIUM", str(exe))
    page = tmp_path / "r.html"
    page.write_text("<p>x</p>")
    with pytest.raises(DockGuardError, match="status 3.*FATAL: cannot open display"):
        dump_dom(page)
    with pytest.raises(DockGuardError, match="no such HTML file"):
        dump_dom(tmp_path / "absent.html")
