"""The summary `dockguard parse` prints."""

from __future__ import annotations

import json
from pathlib import Path

from dockguard.formats import read_script
from dockguard.report.summary import summarize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def test_summary() -> None:
    summary = summarize(read_script(FIXTURES / "zh_script_standard.txt"))
    json.dumps(summary)  # JSON-ready
    assert summary["title"] == "zh_script_standard"
    assert summary["language"] == "zh-Hans"
    assert summary["files"][0]["path"] == "zh_script_standard.txt"
    assert summary["files"][0]["format"] == "zh-script"
    assert summary["files"][0]["encoding"] == "utf-8"
    assert summary["episodes"] == 2
    assert summary["scenes"] == 4
    assert summary["lines_by_kind"]["dialogue"] == 8
    assert summary["lines_by_kind"]["voice-over"] == 2
    assert sum(summary["lines_by_kind"].values()) == summary["lines"]
    assert summary["speakers"][0] == {"name": "林霄", "lines": 5}
