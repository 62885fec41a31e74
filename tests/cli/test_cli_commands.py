"""The command line through CliRunner: exit codes, formats, errors that name the file, all-or-nothing."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from dockguard.cli import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
SCHEMA = json.loads((ROOT / "dockguard" / "report" / "scan.schema.json").read_text(encoding="utf-8"))


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env={"DOCKGUARD_MODEL": "fake", **(env or {})}, catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "registry.sqlite")


def works(db: str) -> list[dict]:  # type: ignore[type-arg]
    result = run("works", "list", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_command_has_an_example_in_its_help():
    for command in (["parse"], ["register"], ["works", "list"], ["works", "show"], ["works", "remove"], ["verify"], ["receipts", "head"], ["receipts", "timestamp-request"], ["receipts", "attach"], ["receipts", "check"], ["works", "receipt"],
                    ["scan"], ["compare"], ["report"], ["model", "info"], ["model", "build"]):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Example" in result.output, command


def test_parse_reports_format_language_and_speakers_as_json():
    result = run("parse", str(CORPUS / "originals" / "xihu_wusheng.txt"), str(CORPUS / "releases" / "en" / "changan_gongque.en.srt"), "--format", "json")
    assert result.exit_code == 0, result.output
    original, subtitles = json.loads(result.output)
    assert original["language"] == "zh-Hans" and original["episodes"] == 3
    assert {s["name"] for s in original["speakers"]} >= {"陈默", "许然"}
    assert subtitles["language"] == "en" and subtitles["files"][0]["format"] == "srt"


def test_register_manifest_list_show_remove_verify(db):
    result = run("register", "--manifest", str(CORPUS / "registry.tsv"), "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    registered = json.loads(result.output)["registered"]
    assert len(registered) == 6 and all(len(r["receipt"]) == 64 for r in registered)
    assert sorted(w["work_id"] for w in works(db)) == sorted(r["work_id"] for r in registered)

    shown = json.loads(run("works", "show", "xihu-wusheng", "--db", db, "--format", "json").output)
    assert shown["owner"].startswith("星河影业") and shown["meta"] == {"genre": "悬疑刑侦"}

    assert run("verify", "--db", db).exit_code == 0
    assert run("works", "remove", "xihu-wusheng", "--yes", "--db", db).exit_code == 0
    assert len(works(db)) == 5
    verified = run("verify", "--db", db, "--format", "json")
    assert verified.exit_code == 0 and json.loads(verified.output)["ok"] is True


def test_registering_the_same_content_twice_is_refused_with_the_existing_id(db):
    path = str(CORPUS / "originals" / "xihu_wusheng.txt")
    assert run("register", path, "--id", "first", "--db", db).exit_code == 0
    again = run("register", path, "--id", "second", "--db", db)
    assert again.exit_code == 2 and "first" in again.output
    skipped = run("register", path, "--id", "second", "--db", db, "--skip-existing")
    assert skipped.exit_code == 0 and "skipped" in skipped.output
    assert [w["work_id"] for w in works(db)] == ["first"]


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\xff" * 200])
def test_bad_input_names_the_file_exits_2_and_writes_nothing(db, tmp_path, content):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(content)
    good = CORPUS / "originals" / "xihu_wusheng.txt"
    result = run("register", str(good), str(bad), "--db", db)
    assert result.exit_code == 2
    assert "broken.txt" in result.output
    assert works(db) == []


def test_usage_errors_exit_2(db):
    assert run("register", "--db", db).exit_code == 2
    assert run("register", str(CORPUS / "originals"), str(CORPUS / "originals"), "--id", "x", "--db", db).exit_code == 2
    assert run("scan", "no/such/file.srt", "--db", db).exit_code == 2
    assert run("works", "show", "nope", "--db", db).exit_code == 2


def test_scan_exit_codes_and_machine_formats(db, tmp_path):
    assert run("register", "--manifest", str(CORPUS / "registry.tsv"), "--db", db).exit_code == 0
    copy = str(CORPUS / "releases" / "zh-Hans" / "yunduan_zhishang.oneline.txt")
    unrelated = str(CORPUS / "releases" / "unrelated" / "low_tide.en.txt")

    flagged = run("scan", copy, "--db", db, "--format", "json", "--fail-on", "copy")
    assert flagged.exit_code == 1, flagged.output
    document = json.loads(flagged.output)
    jsonschema.validate(document, SCHEMA)
    assert document["results"][0]["matches"][0]["work_id"] == "yunduan-zhishang"

    # the fake embedder is not calibrated, so "clean" is tested against an empty registry here and
    # against real unrelated works with the real model in test_e2e_corpus.py
    empty = str(tmp_path / "empty.sqlite")
    clean = run("scan", unrelated, "--db", empty, "--format", "json")
    assert clean.exit_code == 0
    assert json.loads(clean.output)["results"][0]["verdict"] == "clear"
    jsonschema.validate(json.loads(clean.output), SCHEMA)

    lines = run("scan", copy, unrelated, "--db", db, "--format", "jsonl", "--fail-on", "copy").output.strip().splitlines()
    assert [json.loads(x)["path"] for x in lines] == [copy, unrelated]
    assert json.loads(lines[0])["flagged"] is True
    for line in lines:
        jsonschema.validate(json.loads(line), SCHEMA["$defs"]["result"] | {"$defs": SCHEMA["$defs"]})

    junit = run("scan", copy, unrelated, "--db", empty, "--format", "junit")
    assert junit.exit_code == 0 and 'tests="2"' in junit.output and 'failures="0"' in junit.output
    junit = run("scan", copy, "--db", db, "--format", "junit")
    assert junit.exit_code == 1 and 'failures="1"' in junit.output and "<failure" in junit.output

    saved = tmp_path / "result.json"
    assert run("scan", copy, "--db", db, "--format", "json", "-o", str(saved)).exit_code == 1
    html = tmp_path / "report.html"
    assert run("report", str(saved), "-o", str(html)).exit_code == 0
    assert "yunduan-zhishang" in html.read_text(encoding="utf-8")


def test_scan_refuses_vectors_of_another_model(db):
    assert run("register", str(CORPUS / "originals" / "xihu_wusheng.txt"), "--db", db).exit_code == 0
    result = run("scan", str(CORPUS / "releases" / "unrelated" / "low_tide.en.txt"), "--db", db, "--model", "other-model")
    assert result.exit_code == 2 and "fake-ngram-v1" not in result.output and "model" in result.output


def test_model_info_as_json():
    result = run("model", "info", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output)["model_id"] == "fake-ngram-v1"


def test_report_refuses_a_file_that_is_not_a_result(tmp_path):
    bogus = tmp_path / "x.json"
    bogus.write_text("[1, 2]")
    result = run("report", str(bogus), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 2 and "x.json" in result.output
