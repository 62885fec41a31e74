"""The /v1 API in process (TestClient, fake embedder): scans, auth, limits, works, errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from service_helpers import CORPUS, Served

COPY = CORPUS / "releases" / "zh-Hans" / "nisheng_xujia.txt"  # a renamed copy of chongsheng-niguang
UNRELATED = CORPUS / "releases" / "unrelated" / "wukanglu_tianpin.txt"


def test_health_and_readiness(served: Served) -> None:
    assert served.client.get("/healthz").json()["status"] == "ok"
    ready = served.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["ready"] is True and ready.json()["model"] == "fake-ngram-v1"


def test_submit_then_poll_returns_the_scan_document(served: Served) -> None:
    from dockguard.report.document import ScanDocument

    r = served.client.post(
        "/v1/scans", headers=served.auth(), files=served.upload(COPY), data={"fail_on": "copy"}
    )
    assert r.status_code == 202
    assert r.json()["status"] in ("queued", "running", "done")
    assert r.headers["location"] == f"/v1/scans/{r.json()['id']}"
    job = served.wait_done(r.json()["id"])
    assert job["status"] == "done" and job["error"] is None
    document = ScanDocument.from_json(job["result"])  # refuses anything off the schema
    assert document.fail_on.value == "copy"
    [result] = job["result"]["results"]
    assert result["path"] == COPY.name
    assert result["matches"][0]["work_id"] == "chongsheng-niguang"
    assert result["verdict"] == "copy" and result["flagged"] is True


def test_wait_answers_with_the_result(served: Served) -> None:
    r = served.client.post("/v1/scans?wait=60", headers=served.auth(), files=served.upload(COPY, UNRELATED))
    assert r.status_code == 200
    verdicts = {x["path"]: x["verdict"] for x in r.json()["result"]["results"]}
    assert set(verdicts) == {COPY.name, UNRELATED.name}  # each file is a release of its own
    assert verdicts[COPY.name] == "copy"  # (the fake embedder's verdict on the unrelated one means nothing)


def test_episode_files_together_are_one_release(served: Served) -> None:
    text = COPY.read_text(encoding="utf-8")
    files = [("file", ("EP01.txt", text.encode())), ("file", ("EP02.txt", "第2集\n许诺：你好。\n".encode()))]
    r = served.client.post("/v1/scans?wait=60", headers=served.auth(), files=files, data={"name": "my-show"})
    [result] = r.json()["result"]["results"]
    assert result["path"] == "my-show"


def test_report_is_the_html_evidence_report(served: Served) -> None:
    job = served.client.post("/v1/scans?wait=60", headers=served.auth(), files=served.upload(COPY)).json()
    report = served.client.get(f"/v1/scans/{job['id']}/report", headers=served.auth())
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "重生逆光" in report.text or "chongsheng-niguang" in report.text


def test_no_key_is_401_and_a_bad_key_too(served: Served) -> None:
    r = served.client.post("/v1/scans", files=served.upload(COPY))
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert served.client.get("/v1/works").status_code == 401
    forged = served.scanner_key[:-4] + ("AAAA" if not served.scanner_key.endswith("AAAA") else "BBBB")
    assert served.client.get("/v1/works", headers=served.auth(forged)).status_code == 401
    assert served.client.get("/v1/works", headers={"Authorization": "Basic eDp5"}).status_code == 401


def test_revoked_key_is_refused(served: Served) -> None:
    from dockguard.service.keys import Role, create_key, revoke_key

    new = create_key(served.service.store, Role.SCANNER, "temp")
    assert served.client.get("/v1/works", headers=served.auth(new.token)).status_code == 200
    revoke_key(served.service.store, new.key.key_id)
    assert served.client.get("/v1/works", headers=served.auth(new.token)).status_code == 401


def test_scanner_may_not_register_or_remove(served: Served) -> None:
    original = CORPUS / "originals" / "xihu_wusheng.txt"
    r = served.client.post(
        "/v1/works", headers=served.auth(), files=served.upload(original), data={"title": "x"}
    )
    assert r.status_code == 403
    assert served.client.delete("/v1/works/xihu-wusheng", headers=served.auth()).status_code == 403
    assert served.client.get("/v1/works/xihu-wusheng", headers=served.auth()).status_code == 200


def test_another_keys_scan_is_404(served: Served) -> None:
    from dockguard.service.keys import Role, create_key

    other = create_key(served.service.store, Role.SCANNER, "other").token
    job = served.client.post("/v1/scans?wait=60", headers=served.auth(), files=served.upload(COPY)).json()
    assert served.client.get(f"/v1/scans/{job['id']}", headers=served.auth(other)).status_code == 404
    assert served.client.get(f"/v1/scans/{job['id']}/report", headers=served.auth(other)).status_code == 404
    assert served.client.get("/v1/scans", headers=served.auth(other)).json()["scans"] == []
    mine = served.client.get("/v1/scans", headers=served.auth()).json()["scans"]
    assert [s["id"] for s in mine] == [job["id"]] and mine[0]["verdicts"][0]["verdict"] == "copy"
    # a registrar reads only its own scans too
    assert (
        served.client.get(f"/v1/scans/{job['id']}", headers=served.auth(served.registrar_key)).status_code
        == 404
    )


def test_bad_input_is_422_with_the_cli_message_and_nothing_queued(served: Served) -> None:
    cases = {
        "binary.srt": b"\x00\x01\x02\x03" * 64,
        "empty.txt": b"",
    }
    for name, data in cases.items():
        r = served.client.post("/v1/scans", headers=served.auth(), files=[("file", (name, data))])
        assert r.status_code == 422, (name, r.text)
        assert r.json()["detail"].startswith(f"{name}: "), r.json()
    r = served.client.post("/v1/scans", headers=served.auth(), data={"fail_on": "copy"})
    assert r.status_code == 422 and "file" in r.json()["detail"]
    r = served.client.post(
        "/v1/scans", headers=served.auth(), files=served.upload(COPY), data={"fail_on": "bogus"}
    )
    assert r.status_code == 422 and "fail_on" in r.json()["detail"]
    r = served.client.post(
        "/v1/scans",
        headers=served.auth(),
        files=served.upload(COPY),
        data={"callback_url": "file:///etc/passwd"},
    )
    assert r.status_code == 422 and "callback_url" in r.json()["detail"]
    assert served.service.queue.counts() == {"queued": 0, "running": 0, "done": 0, "failed": 0}


def test_zip_bomb_and_traversal_are_refused(served: Served) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("EP01.txt", "许诺：你好。\n" * 20_000_000)  # ~300 MB of text, a few hundred kB zipped
    r = served.client.post(
        "/v1/scans", headers=served.auth(), files=[("file", ("bomb.zip", bomb.getvalue()))]
    )
    assert r.status_code == 422 and r.json()["detail"].startswith("bomb.zip"), r.text
    sneaky = io.BytesIO()
    with zipfile.ZipFile(sneaky, "w") as z:
        z.writestr("../../etc/EP01.txt", COPY.read_text(encoding="utf-8"))
    r = served.client.post(
        "/v1/scans", headers=served.auth(), files=[("file", ("sneaky.zip", sneaky.getvalue()))]
    )
    assert r.status_code == 422 and r.json()["detail"].startswith("sneaky.zip"), r.text
    assert served.service.queue.counts()["queued"] == 0


def test_uploaded_names_cannot_escape_the_folder(served: Served) -> None:
    r = served.client.post(
        "/v1/scans?wait=60",
        headers=served.auth(),
        files=[("file", ("../../../tmp/evil.txt", COPY.read_bytes()))],
    )
    assert r.status_code == 200
    assert r.json()["files"] == ["evil.txt"]
    assert r.json()["result"]["results"][0]["path"] == "evil.txt"


def test_too_large_is_413(make_served) -> None:  # type: ignore[no-untyped-def]
    served = make_served(limits=_limits(max_request_bytes=50_000, max_files=2))
    r = served.client.post("/v1/scans", headers=served.auth(), files=[("file", ("big.txt", b"a" * 60_000))])
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    three = [("file", (f"{i}.txt", COPY.read_bytes()[:1000])) for i in range(3)]
    r = served.client.post("/v1/scans", headers=served.auth(), files=three)
    assert r.status_code == 413 and "too many files" in r.json()["detail"]
    assert served.service.queue.counts()["queued"] == 0


def test_chunked_body_over_the_limit_is_413(make_served) -> None:  # type: ignore[no-untyped-def]
    served = make_served(limits=_limits(max_request_bytes=50_000))

    def body():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"x" * 10_000

    r = served.client.post(
        "/v1/scans",
        headers={**served.auth(), "Content-Type": "multipart/form-data; boundary=b"},
        content=body(),
    )
    assert r.status_code == 413


def test_full_queue_is_503_with_retry_after(make_served) -> None:  # type: ignore[no-untyped-def]
    served = make_served(workers=0, max_queued=2)
    for _ in range(2):
        assert (
            served.client.post("/v1/scans", headers=served.auth(), files=served.upload(COPY)).status_code
            == 202
        )
    r = served.client.post("/v1/scans?wait=5", headers=served.auth(), files=served.upload(COPY))
    assert r.status_code == 503
    assert int(r.headers["retry-after"]) >= 1
    assert served.service.queue.counts()["queued"] == 2


def test_wait_returns_202_when_not_done_in_time(make_served) -> None:  # type: ignore[no-untyped-def]
    served = make_served(workers=0)
    r = served.client.post("/v1/scans?wait=0.5", headers=served.auth(), files=served.upload(COPY))
    assert r.status_code == 202 and r.json()["status"] == "queued" and r.json()["result"] is None
    assert (
        served.client.post(
            "/v1/scans?wait=100000", headers=served.auth(), files=served.upload(COPY)
        ).status_code
        == 422
    )


def test_register_list_show_remove_verify(served: Served) -> None:
    reg = served.auth(served.registrar_key)
    release = CORPUS / "releases" / "unrelated" / "low_tide.en.txt"
    before = served.client.post(
        "/v1/scans?wait=60", headers=served.auth(), files=served.upload(release)
    ).json()
    assert "low-tide" not in {m["work_id"] for m in before["result"]["results"][0]["matches"]}

    r = served.client.post(
        "/v1/works",
        headers=reg,
        files=served.upload(release),
        data={
            "title": "Low Tide",
            "owner": "Harbour Films",
            "id": "low-tide",
            "meta": ["genre=crime", "year=2026"],
        },
    )
    assert r.status_code == 201, r.text
    [row] = r.json()["registered"]
    assert row["work_id"] == "low-tide" and len(row["receipt"]) == 64

    # the warm scanner notices the registration: the same release now matches the new work
    after = served.client.post(
        "/v1/scans?wait=60", headers=served.auth(), files=served.upload(release)
    ).json()
    assert after["result"]["results"][0]["matches"][0]["work_id"] == "low-tide"

    works = served.client.get("/v1/works?q=harbour", headers=served.auth()).json()["works"]
    assert [w["work_id"] for w in works] == ["low-tide"]
    work = served.client.get("/v1/works/low-tide", headers=served.auth()).json()
    assert work["meta"] == {"genre": "crime", "year": "2026"} and work["receipt"]["hash"] == row["receipt"]

    again = served.client.post(
        "/v1/works", headers=reg, files=served.upload(release), data={"id": "low-tide-2"}
    )
    assert again.status_code == 409
    skipped = served.client.post(
        "/v1/works", headers=reg, files=served.upload(release), data={"skip_existing": "true"}
    )
    assert skipped.status_code == 201 and skipped.json()["skipped"][0]["existing_id"] == "low-tide"

    removed = served.client.delete("/v1/works/low-tide", headers=reg)
    assert removed.status_code == 200 and removed.json()["removed"] == "low-tide"
    assert served.client.get("/v1/works/low-tide", headers=served.auth()).status_code == 404
    assert served.client.delete("/v1/works/low-tide", headers=reg).status_code == 404
    gone = served.client.post("/v1/scans?wait=60", headers=served.auth(), files=served.upload(release)).json()
    assert "low-tide" not in {m["work_id"] for m in gone["result"]["results"][0]["matches"]}
    verify = served.client.get("/v1/verify", headers=served.auth()).json()
    assert verify["ok"] is True and verify["works_checked"] == 6


def test_bad_registration_is_422_and_registers_nothing(served: Served) -> None:
    reg = served.auth(served.registrar_key)
    n = len(served.client.get("/v1/works", headers=reg).json()["works"])
    r = served.client.post(
        "/v1/works", headers=reg, files=[("file", ("script.docx", b"PK\x03\x04 not a docx"))]
    )
    assert r.status_code == 422 and r.json()["detail"].startswith("script.docx"), r.text
    r = served.client.post("/v1/works", headers=reg, files=served.upload(COPY), data={"meta": ["novalue"]})
    assert r.status_code == 422 and "KEY=VALUE" in r.json()["detail"]
    r = served.client.post("/v1/works", headers=reg, files=served.upload(COPY), data={"id": "../x"})
    assert r.status_code == 422
    assert len(served.client.get("/v1/works", headers=reg).json()["works"]) == n


def test_openapi_types_the_result_by_the_scan_schema(served: Served) -> None:
    doc = served.client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert schemas["JobOut"]["properties"]["result"]["anyOf"][0] == {
        "$ref": "#/components/schemas/ScanDocument"
    }
    assert "ScanDocument_match" in schemas
    assert "$defs" not in str(doc)
    assert {
        "/v1/scans",
        "/v1/scans/{scan_id}",
        "/v1/scans/{scan_id}/report",
        "/v1/works",
        "/v1/works/{work_id}",
        "/v1/verify",
        "/healthz",
        "/readyz",
    } <= set(doc["paths"])
    assert "HTTPBearer" in doc["components"]["securitySchemes"]


def _limits(**kw):  # type: ignore[no-untyped-def]
    from dockguard.service.limits import UploadLimits

    return UploadLimits(**kw)


def test_failed_scan_reports_its_error(make_served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A job whose scan raises fails with the message; the worker goes on with the next."""
    served = make_served()
    original = served.service.scan_uploads

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    served.service.scan_uploads = broken
    job = served.client.post("/v1/scans?wait=60", headers=served.auth(), files=served.upload(COPY)).json()
    assert job["status"] == "failed" and "disk on fire" in job["error"]
    assert served.client.get(f"/v1/scans/{job['id']}/report", headers=served.auth()).status_code == 409
    served.service.scan_uploads = original
    ok = served.client.post("/v1/scans?wait=60", headers=served.auth(), files=served.upload(COPY)).json()
    assert ok["status"] == "done"


def test_readyz_is_503_until_the_model_is_loaded_and_scans_wait_for_it(make_served) -> None:  # type: ignore[no-untyped-def]
    import threading

    from dockguard.embed import load_embedder

    release = threading.Event()

    class SlowToLoad:
        """The fake embedder, whose first call (the service's warm-up) waits for the test."""

        def __init__(self) -> None:
            self.inner = load_embedder("fake")
            self.model_id, self.dim = self.inner.model_id, self.inner.dim

        def embed(self, texts, **kw):  # type: ignore[no-untyped-def]
            release.wait(60)
            return self.inner.embed(texts, **kw)

    served = make_served(embedder=SlowToLoad(), wait_ready=False)
    assert served.client.get("/healthz").status_code == 200
    ready = served.client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["ready"] is False
    job = served.client.post("/v1/scans", headers=served.auth(), files=served.upload(COPY)).json()
    assert (
        served.client.get(f"/v1/scans/{job['id']}?wait=1", headers=served.auth()).json()["status"] == "queued"
    )
    release.set()
    assert served.wait_done(job["id"])["status"] == "done"
    assert served.client.get("/readyz").status_code == 200


def test_a_registration_by_another_process_is_seen_by_the_next_scan(served: Served) -> None:
    from dockguard.embed import load_embedder
    from dockguard.manifest import ManifestEntry
    from dockguard.pipeline import read_works, register
    from dockguard.registry import Registry

    release = CORPUS / "releases" / "unrelated" / "low_tide.en.txt"
    first = served.client.post(
        "/v1/scans?wait=60", headers=served.auth(), files=served.upload(release)
    ).json()
    assert "low-tide" not in {m["work_id"] for m in first["result"]["results"][0]["matches"]}
    with Registry.open(served.db) as other:  # as `dockguard register` in another process would
        works = read_works([ManifestEntry(release, "low-tide", "Low Tide", None, "Harbour Films", (), 0)])
        register(other, works, load_embedder("fake"))
    second = served.client.post(
        "/v1/scans?wait=60", headers=served.auth(), files=served.upload(release)
    ).json()
    assert second["result"]["results"][0]["matches"][0]["work_id"] == "low-tide"
