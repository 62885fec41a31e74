"""Contract tests generated from the OpenAPI document by schemathesis: whatever a client sends within
the documented shapes (and, for the negative cases, outside them), no 5xx, and every answer has a
documented status code, content type and body shape. Bounded: a few examples per operation."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from service_helpers import Served

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

OPERATIONS = [
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("POST", "/v1/scans"),
    ("GET", "/v1/scans"),
    ("GET", "/v1/scans/{scan_id}"),
    ("GET", "/v1/scans/{scan_id}/report"),
    ("POST", "/v1/works"),
    ("GET", "/v1/works"),
    ("GET", "/v1/works/{work_id}"),
    ("DELETE", "/v1/works/{work_id}"),
    ("GET", "/v1/verify"),
]


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory, fake_corpus_db: Any) -> Any:
    import shutil

    from fastapi.testclient import TestClient

    from dockguard.embed import load_embedder
    from dockguard.service.app import create_app
    from dockguard.service.keys import Role, create_key
    from dockguard.service.runtime import ScanService, ServiceSettings

    path = tmp_path_factory.mktemp("contract") / "registry.sqlite"
    shutil.copy(fake_corpus_db, path)
    service = ScanService.open(
        ServiceSettings(db=f"sqlite:///{path}", max_wait_s=2.0), embedder=load_embedder("fake")
    )
    key = create_key(service.store, Role.REGISTRAR, "contract").token
    with TestClient(create_app(service)):  # starts the service
        assert service.ready.wait(60)
        # schemathesis runs the app's lifespan per call: give it one that leaves the started service alone
        schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(service, manage_service=False))
        yield schema, Served(service, None, key, key, str(path))


def test_the_list_covers_every_operation(contract: Any) -> None:
    schema, _ = contract
    found = {(r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_keeps_its_contract(contract: Any, method: str, path: str) -> None:
    schema, served = contract
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        case.call_and_validate(headers=served.auth(served.registrar_key), checks=CHECKS)

    check()
