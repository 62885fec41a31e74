"""The scan document: its JSON form is scan.schema.json, it reads back what it writes, and it refuses JSON that
is not a scan result (a missing key, a wrong type, derived fields that contradict the matches)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from dockguard.errors import DockGuardError
from dockguard.model import VerdictLevel
from dockguard.report.document import DocumentError, ScanDocument

from .conftest import FIXTURE, documents, load_sample, read_document

SCHEMA_FILE = Path(__file__).parents[2] / "dockguard" / "report" / "scan.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """A validator of the schema file itself, read here and not through the code under test."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: jsonschema.Draft202012Validator, data: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_the_fixture_is_a_valid_document(validator: jsonschema.Draft202012Validator) -> None:
    assert _errors(validator, load_sample()) == []
    document = read_document(load_sample())
    assert [r.verdict for r in document.results] == [
        VerdictLevel.LOCALIZED_COPY,
        VerdictLevel.TRANSLATED_COPY,
        VerdictLevel.CLEAR,
    ]
    assert document.flagged == 2 and document.fail_on is VerdictLevel.PARTIAL_COPY


def test_round_trip_of_the_fixture(validator: jsonschema.Draft202012Validator) -> None:
    document = read_document(load_sample())
    written = document.to_json()
    assert _errors(validator, written) == []
    assert ScanDocument.from_json(written) == document
    assert written == load_sample()  # nothing the fixture says is lost or added on the way
    assert ScanDocument.loads(document.dumps()) == document


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents())
def test_any_document_writes_valid_json_and_reads_back_equal(
    validator: jsonschema.Draft202012Validator, document: ScanDocument
) -> None:
    written = document.to_json()
    assert _errors(validator, written) == []
    assert ScanDocument.from_json(written) == document
    assert ScanDocument.loads(document.dumps()) == document


def _delete(data: dict[str, Any], path: tuple[Any, ...]) -> None:
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]


def _set(data: dict[str, Any], path: tuple[Any, ...], value: object) -> None:
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "where", "problem"),
    [
        (("model",), "the document", "'model' is a required property"),
        (("results", 0, "lines"), "results[0]", "'lines' is a required property"),
        (
            ("results", 0, "matches", 0, "evidence"),
            "results[0].matches[0]",
            "'evidence' is a required property",
        ),
        (
            ("results", 1, "matches", 0, "evidence", "pairs", 4, "release", "text"),
            "results[1].matches[0].evidence.pairs[4].release",
            "'text' is a required property",
        ),
    ],
)
def test_a_missing_key_is_refused_naming_where(path: tuple[Any, ...], where: str, problem: str) -> None:
    data = load_sample()
    _delete(data, path)
    with pytest.raises(DocumentError) as refused:
        ScanDocument.from_json(data, "result.json")
    message = str(refused.value)
    assert message.startswith("result.json: not a DockGuard scan result: ")
    assert f"{where}: {problem}" in message


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (("results", 0, "lines"), "44", "results[0].lines"),
        (("results", 0, "flagged"), "yes", "results[0].flagged"),
        (("fail_on",), "severe", "fail_on"),
        (("schema_version",), 2, "schema_version"),
        (("results", 0, "matches", 0, "score"), -1, "results[0].matches[0].score"),
        (
            ("results", 0, "matches", 0, "evidence", "coverage_release"),
            1.5,
            "results[0].matches[0].evidence.coverage_release",
        ),
        (
            ("results", 0, "matches", 0, "evidence", "renames", 2, "renamed"),
            "no",
            "results[0].matches[0].evidence.renames[2].renamed",
        ),
        (
            ("results", 0, "matches", 0, "evidence", "blocks", 1, "original"),
            [16],
            "results[0].matches[0].evidence.blocks[1].original",
        ),
        (
            ("results", 1, "matches", 0, "evidence", "pairs", 0, "original", "index"),
            3.5,
            "results[1].matches[0].evidence.pairs[0].original.index",
        ),
        (
            ("results", 2, "matches", 0, "evidence", "pairs", 1, "block"),
            None,
            "results[2].matches[0].evidence.pairs[1].block",
        ),
        (("results", 2, "timings"), {"parse": "fast"}, "results[2].timings.parse"),
        (("results", 0, "matches", 0, "reasons"), "copied", "results[0].matches[0].reasons"),
    ],
)
def test_a_wrong_type_or_value_is_refused_naming_where(
    path: tuple[Any, ...], value: object, where: str
) -> None:
    data = load_sample()
    _set(data, path, value)
    with pytest.raises(DocumentError, match=r"^result\.json: not a DockGuard scan result: ") as refused:
        ScanDocument.from_json(data, "result.json")
    assert f": {where}: " in str(refused.value)


def test_an_unknown_key_or_a_non_object_is_refused() -> None:
    data = load_sample()
    data["results"][0]["matches"][0]["evidence"]["pairs"][0]["note"] = "extra"
    with pytest.raises(DocumentError, match=r"results\[0\]\.matches\[0\]\.evidence\.pairs\[0\]: .*'note'"):
        ScanDocument.from_json(data)
    with pytest.raises(DocumentError, match="the document: .* is not of type 'object'"):
        ScanDocument.from_json([load_sample()])


def test_text_that_is_not_json_is_refused() -> None:
    with pytest.raises(DocumentError, match=r"^scan\.json: not JSON"):
        ScanDocument.loads(FIXTURE.read_text(encoding="utf-8")[:-10], "scan.json")


def test_a_document_error_is_a_dockguard_error() -> None:
    """So the CLI reports it as an input error (exit 2), not as a crash."""
    assert issubclass(DocumentError, DockGuardError)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            (("results", 2, "flagged"), True),
            r"results\[2\]: its verdict/flagged \(clear, True\) contradict its matches \(clear, False\)",
        ),
        (
            (("results", 0, "flagged"), False),
            r"results\[0\]: .*contradict its matches \(localized-copy, True\)",
        ),
        (
            (("results", 0, "verdict"), "review"),
            r"results\[0\]: its verdict/flagged \(review, True\) contradict",
        ),
        (
            (("results", 2, "verdict"), "copy"),
            r"results\[2\]: its verdict/flagged \(copy, False\) contradict",
        ),
        ((("flagged",), 3), r"says 3 flagged, but its results flag 2"),
        ((("fail_on",), "clear"), r"results\[2\]: .*contradict its matches \(clear, True\)"),
    ],
)
def test_derived_fields_that_contradict_the_matches_are_refused(
    validator: jsonschema.Draft202012Validator, change: tuple[tuple[Any, ...], object], problem: str
) -> None:
    data = load_sample()
    _set(data, *change)
    assert _errors(validator, data) == []  # valid against the schema: only the contradiction is wrong
    with pytest.raises(DocumentError, match=problem):
        ScanDocument.from_json(data)


def test_a_release_without_matches_is_clear_and_never_flagged() -> None:
    data = load_sample()
    data.update(fail_on="clear", flagged=2)
    data["results"][2]["matches"] = []
    document = ScanDocument.from_json(data)
    assert document.results[2].verdict is VerdictLevel.CLEAR
    assert not document.is_flagged(document.results[2])
    data["results"][2]["flagged"] = True
    with pytest.raises(DocumentError, match=r"results\[2\]"):
        ScanDocument.from_json(data)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(constant: str) -> None:
    text = json.dumps(load_sample()).replace('"similarity": 0.', f'"similarity": {constant}, "x": 0.', 1)
    with pytest.raises(DocumentError, match=constant):
        ScanDocument.loads(text, "nan.json")


def test_absurdly_large_counts_are_refused() -> None:
    data = load_sample()
    data["results"][0]["matches"][0]["evidence"]["original_lines"] = 10**400
    with pytest.raises(DocumentError, match="original_lines"):
        ScanDocument.from_json(data, "huge.json")
