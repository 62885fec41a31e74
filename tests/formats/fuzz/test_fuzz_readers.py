"""The CI part of the reader fuzzing: a few hundred damaged inputs per format, always the same ones.

Every input (tests/formats/fuzz/mutations.py: our corpus and fixtures, damaged) must end in a parsed
script or an InputError that names the file; a sample also goes through `dockguard parse` and
`dockguard register` (fake embedder), where a refused input must exit 2 and leave the registry
without a work. The full run, 10,000 per format, is benchmarks/fuzz.py. A failure prints the
format and index: `python benchmarks/fuzz.py --formats FMT --start INDEX --per-format 1` repeats it,
and `mutations.save_regression` keeps it under tests/fixtures/fuzz/.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from dockguard.errors import InputError
from dockguard.formats import ReadLimits, read_script

from .mutations import FORMATS, fuzz_input

PER_FORMAT = 200
CLI_PER_FORMAT = 3
SEED = 0
# the time budget is a limit like the others: an input that reaches it is refused cleanly, which is
# a pass; a short one keeps CI's worst case short without any timed assertion
_LIMITS = ReadLimits(max_seconds=10)


def _read(tmp_path: Path, fmt: str, index: int) -> tuple[Path, str]:
    name, data, how = fuzz_input(fmt, index, SEED)
    path = tmp_path / f"{index}" / (name or "noname")
    path.parent.mkdir()
    path.write_bytes(data)
    try:
        read_script(path, limits=_LIMITS)
    except InputError as exc:
        assert str(path) in str(exc), f"{fmt} #{index} ({how}): error does not name the file: {exc}"
        return path, "refused"
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{fmt} #{index} ({how}): {type(exc).__name__}: {exc}")
    return path, "parsed"


@pytest.mark.parametrize("fmt", FORMATS)
def test_damaged_inputs_parse_or_are_refused(fmt: str, tmp_path: Path) -> None:
    outcomes = [_read(tmp_path, fmt, index)[1] for index in range(PER_FORMAT)]
    # the mutations must not be so destructive that nothing parses, nor so mild that nothing fails
    assert "parsed" in outcomes and "refused" in outcomes


def _works(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from works").fetchone()[0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_damaged_inputs_through_the_cli(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dockguard.cli import main

    monkeypatch.setenv("DOCKGUARD_MODEL", "fake")
    runner = CliRunner()
    # spread over the indices, and always including refused ones
    for index in range(0, PER_FORMAT, PER_FORMAT // CLI_PER_FORMAT)[:CLI_PER_FORMAT]:
        path, outcome = _read(tmp_path, fmt, index)
        parsed = runner.invoke(main, ["parse", str(path), "--format", "json"])
        assert parsed.exit_code == (0 if outcome == "parsed" else 2), (fmt, index, parsed.output)
        db = tmp_path / f"registry-{index}.sqlite"
        registered = runner.invoke(main, ["register", str(path), "--db", str(db), "--format", "json"])
        assert registered.exit_code in (0, 2), (fmt, index, registered.output)
        assert _works(db) == (1 if registered.exit_code == 0 else 0), (fmt, index, registered.output)
        if outcome == "refused":
            assert registered.exit_code == 2 and str(path) in registered.output, (
                fmt,
                index,
                registered.output,
            )
