"""`dockguard index info|rebuild` and `--index-dir`, through the real CLI (fake embedder)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dockguard.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def run(*args: str) -> object:
    return CliRunner().invoke(main, [*args, "--model", "fake"], catch_exceptions=False)


def info(db: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    done = run("index", "info", "--db", str(db), "--format", "json", *extra)
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    return json.loads(done.output)  # type: ignore[attr-defined]


def test_register_builds_the_index_beside_the_registry_and_info_says_how_it_stands(tmp_path):
    db = tmp_path / "r.sqlite"
    assert info(db)["state"].startswith("not built")
    assert run("register", "--manifest", str(CORPUS / "registry.tsv"), "--db", str(db)).exit_code == 0  # type: ignore[attr-defined]
    status = info(db)
    assert (
        status["state"] == "in step with the registry"
        and status["works"] == 6
        and status["removed_works"] == 0
    )
    assert Path(status["folder"]).parent == tmp_path / "r.sqlite.index"
    assert (
        CliRunner().invoke(main, ["works", "remove", "xihu-wusheng", "--yes", "--db", str(db)]).exit_code == 0
    )
    assert info(db)["state"] == "1 receipt(s) behind (the next scan catches up)"


def test_rebuild_drops_removed_works_and_index_dir_puts_the_index_elsewhere(tmp_path):
    db, elsewhere = tmp_path / "r.sqlite", tmp_path / "machine-index"
    assert (
        run(
            "register",
            "--manifest",
            str(CORPUS / "registry.tsv"),
            "--db",
            str(db),
            "--index-dir",
            str(elsewhere),
        ).exit_code
        == 0
    )  # type: ignore[attr-defined]
    assert not (tmp_path / "r.sqlite.index").exists() and elsewhere.is_dir()
    CliRunner().invoke(main, ["works", "remove", "xihu-wusheng", "--yes", "--db", str(db)])
    done = run("index", "rebuild", "--db", str(db), "--index-dir", str(elsewhere))
    assert done.exit_code == 0 and "5 works" in done.output, done.output  # type: ignore[attr-defined]
    status = info(db, "--index-dir", str(elsewhere))
    assert status["generation"] == "gen-2" and status["removed_works"] == 0 and status["works"] == 5
    assert status["state"] == "in step with the registry"


def test_an_unwritable_index_folder_is_a_clear_error_not_a_crash(tmp_path):
    db, blocker = tmp_path / "r.sqlite", tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be")
    where = ["--db", str(db), "--index-dir", str(blocker / "x")]
    registered = run("register", "--manifest", str(CORPUS / "registry.tsv"), *where)
    assert registered.exit_code == 0 and "line index was not updated" in registered.output  # type: ignore[attr-defined]
    scanned = run("scan", str(CORPUS / "releases/en"), *where)
    assert scanned.exit_code == 2 and "line index" in scanned.output, scanned.output  # type: ignore[attr-defined]
