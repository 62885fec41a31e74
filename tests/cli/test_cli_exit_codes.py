"""Exit codes that never lie to a CI system (0 ok, 1 flagged, 2 usage/input, 3 internal), through
CliRunner and through a real process; outputs written only when the scan succeeded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dockguard import pipeline
from dockguard.cli import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
COPY = str(CORPUS / "releases" / "zh-Hans" / "yunduan_zhishang.oneline.txt")
UNRELATED = str(CORPUS / "releases" / "unrelated" / "low_tide.en.txt")
ENV = {"DOCKGUARD_MODEL": "fake", "DOCKGUARD_DEBUG": ""}


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env={**ENV, **(env or {})}, catch_exceptions=False)


def run_process(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m dockguard ARGS` in a fresh process (or `code` before calling the CLI's main)."""
    env = {**os.environ, **ENV, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "dockguard", *args] if code is None else [sys.executable, "-c", code, *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("registry") / "registry.sqlite")
    assert run("register", "--manifest", str(CORPUS / "registry.tsv"), "--db", path).exit_code == 0
    return path


@pytest.fixture
def empty_db(tmp_path: Path) -> str:
    return str(tmp_path / "empty.sqlite")


def _boom(self: object, path: Path) -> None:
    raise RuntimeError("a bug in the scanner")


# --- through CliRunner ---------------------------------------------------------------------------


def test_0_when_nothing_reaches_fail_on(empty_db: str) -> None:
    assert run("scan", UNRELATED, "--db", empty_db, "--format", "json").exit_code == 0


def test_1_when_a_release_reaches_fail_on(db: str) -> None:
    result = run("scan", COPY, "--db", db, "--format", "json", "--fail-on", "copy")
    assert result.exit_code == 1 and json.loads(result.output)["flagged"] == 1


def test_2_for_input_and_usage_errors(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "broken.srt"
    bad.write_bytes(b"\x00\xff" * 300)
    result = run("scan", str(bad), "--db", db)
    assert result.exit_code == 2 and "broken.srt" in result.output
    assert run("scan", "--top", "x", COPY, "--db", db).exit_code == 2  # click's own usage error


def test_2_naming_the_path_when_the_output_cannot_be_written(db: str) -> None:
    result = run("scan", COPY, "--db", db, "--format", "json", "-o", "/no/such/dir/out.json")
    assert result.exit_code == 2
    assert "/no/such/dir" in result.output and "No such file or directory" in result.output
    assert "Traceback" not in result.output


def test_3_for_an_internal_error_in_one_line_without_traceback(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline.Scanner, "scan_path", _boom)
    result = run("scan", COPY, "--db", db)
    assert result.exit_code == 3
    assert "internal error: RuntimeError: a bug in the scanner" in result.output
    assert "Traceback" not in result.output and "--debug" in result.output


@pytest.mark.parametrize("how", ["flag", "env"])
def test_3_shows_the_traceback_when_asked(db: str, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    monkeypatch.setattr(pipeline.Scanner, "scan_path", _boom)
    if how == "flag":
        result = run("--debug", "scan", COPY, "--db", db)
    else:
        result = run("scan", COPY, "--db", db, env={"DOCKGUARD_DEBUG": "1"})
    assert result.exit_code == 3 and "Traceback" in result.output and "_boom" in result.output


def test_a_failed_scan_leaves_earlier_outputs_unchanged(db: str, tmp_path: Path) -> None:
    out, report = tmp_path / "result.json", tmp_path / "report.html"
    out.write_text("earlier result", encoding="utf-8")
    report.write_text("earlier report", encoding="utf-8")
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    for fmt in ("json", "jsonl", "text", "junit"):
        result = run("scan", COPY, str(bad), "--db", db, "--format", fmt, "-o", str(out), "--report", str(report))
        assert result.exit_code == 2, result.output
        assert out.read_text(encoding="utf-8") == "earlier result"
        assert report.read_text(encoding="utf-8") == "earlier report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "report.html", "result.json"]  # no temp files


def test_a_successful_scan_replaces_the_output_whole(db: str, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    out.write_text("earlier result", encoding="utf-8")
    assert run("scan", COPY, "--db", db, "--format", "jsonl", "-o", str(out)).exit_code == 1
    (line,) = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["path"] == COPY
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # as readable as any file the user writes


def test_parse_reports_every_file_and_exits_2_if_any_was_refused(tmp_path: Path) -> None:
    bad = tmp_path / "garbage.txt"
    bad.write_bytes(b"\x00\x01\x02\xff" * 200)
    good = CORPUS / "originals" / "xihu_wusheng.txt"
    result = run("parse", str(good), str(bad), str(CORPUS / "releases" / "en" / "changan_gongque.en.srt"), "--format", "json")
    assert result.exit_code == 2
    rows = json.loads(result.stdout)
    assert [("error" in r) for r in rows] == [False, True, False]
    assert "garbage.txt" in rows[1]["error"] and rows[2]["language"] == "en"
    text = run("parse", str(good), str(bad))
    assert text.exit_code == 2 and "garbage.txt" in text.output and "xihu_wusheng" in text.output


def test_report_refuses_a_json_that_is_not_a_scan_document(tmp_path: Path, db: str) -> None:
    saved = tmp_path / "result.json"
    assert run("scan", COPY, "--db", db, "--format", "json", "-o", str(saved)).exit_code == 1
    document = json.loads(saved.read_text(encoding="utf-8"))
    del document["results"][0]["matches"][0]["evidence"]["pairs"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    result = run("report", str(broken), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 2 and "broken.json" in result.output and "pairs" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "r.html").exists()


# --- through a real process ----------------------------------------------------------------------


def test_exit_codes_of_a_real_process(db: str, empty_db: str, tmp_path: Path) -> None:
    assert run_process("scan", UNRELATED, "--db", empty_db, "--format", "json").returncode == 0
    assert run_process("scan", COPY, "--db", db, "--format", "json", "--fail-on", "copy").returncode == 1
    unwritable = run_process("scan", COPY, "--db", db, "-o", "/no/such/dir/out.json")
    assert unwritable.returncode == 2 and "/no/such/dir/out.json" in unwritable.stderr
    assert run_process("scan", "--no-such-option").returncode == 2


def test_internal_error_of_a_real_process_is_3(db: str) -> None:
    code = (
        "import sys; from dockguard import pipeline\n"
        "def boom(self, path): raise RuntimeError('a bug in the scanner')\n"
        "pipeline.Scanner.scan_path = boom\n"
        "from dockguard.cli import main; sys.argv[0] = 'dockguard'; main()\n"
    )
    crashed = run_process("scan", COPY, "--db", db, code=code)
    assert crashed.returncode == 3
    assert crashed.stderr.strip().splitlines() == [
        "dockguard: error: internal error: RuntimeError: a bug in the scanner "
        "(run with --debug or DOCKGUARD_DEBUG=1 for the traceback)"
    ]
