"""Durability against a real server process: kill -9 with scans queued and running, start it again,
and every accepted scan completes exactly once (one result per job, the same in polling and webhooks)."""

from __future__ import annotations

import json
import shutil
import time
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from service_helpers import CORPUS
from service_process import ServerProcess
from test_service_webhooks import Receiver

from dockguard.service.jobs import JobQueue
from dockguard.service.keys import Role, create_key
from dockguard.service.store import ServiceStore

pytestmark = pytest.mark.server

COPY = CORPUS / "releases" / "zh-Hans" / "nisheng_xujia.txt"


def test_kill_9_loses_and_duplicates_nothing(tmp_path: Path, fake_corpus_db: Path) -> None:
    shutil.copy(fake_corpus_db, tmp_path / "registry.sqlite")
    db = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    with ServiceStore.open(db) as store:
        key = create_key(store, Role.SCANNER, "restart").token
    auth = {"Authorization": f"Bearer {key}"}
    # a long release (the copy 20 times over, ~3000 lines): each scan takes seconds, so jobs wait in the queue
    big = COPY.read_text(encoding="utf-8") * 20
    small = COPY.read_bytes()
    receiver = Receiver([])
    server = ServerProcess(db, tmp_path / "server.log", args=("--lease", "5")).start()
    accepted: dict[str, str] = {}
    try:
        with httpx.Client(base_url=server.url, headers=auth, timeout=30, trust_env=False) as client:
            for i in range(8):
                data = big.encode() if i % 2 == 0 else small
                r = client.post(
                    "/v1/scans",
                    files={"file": (f"release-{i}.txt", data)},
                    data={"callback_url": receiver.url},
                )
                assert r.status_code == 202, r.text
                accepted[r.json()["id"]] = f"release-{i}.txt"
            deadline = time.monotonic() + 120
            while not any(client.get(f"/v1/scans/{j}").json()["status"] == "running" for j in accepted):
                assert time.monotonic() < deadline
                time.sleep(0.05)
        server.kill()
        with ServiceStore.open(db) as store:
            at_kill = JobQueue(store).counts()
        assert at_kill["running"] == 1 and at_kill["queued"] >= 1, at_kill  # the scenario really happened

        server = ServerProcess(db, tmp_path / "server.log", port=server.port, args=("--lease", "5")).start()
        with httpx.Client(base_url=server.url, headers=auth, timeout=60, trust_env=False) as client:
            final = {}
            deadline = time.monotonic() + 240
            for job_id in accepted:
                while (body := client.get(f"/v1/scans/{job_id}?wait=10").json())["status"] not in (
                    "done",
                    "failed",
                ):
                    assert time.monotonic() < deadline
                final[job_id] = body
            listed = client.get("/v1/scans", params={"limit": 100}).json()["scans"]
        receiver.wait(len(accepted), seconds=60)
    finally:
        server.stop()
        receiver.server.shutdown()

    assert sorted(s["id"] for s in listed) == sorted(accepted)  # nothing lost, nothing extra
    outcomes: dict[bool, set[tuple[str, float]]] = defaultdict(set)
    for job_id, body in final.items():
        assert body["status"] == "done", body
        [result] = body["result"]["results"]
        assert result["path"] == accepted[job_id]
        assert result["matches"][0]["work_id"] == "chongsheng-niguang"
        outcomes[int(accepted[job_id].split("-")[1].split(".")[0]) % 2 == 0].add(
            (result["verdict"], result["matches"][0]["score"])
        )
    # the same upload gets the same verdict and score, whether it ran before the kill, across it or after
    assert len(outcomes[True]) == 1 and len(outcomes[False]) == 1, outcomes
    assert max(b["attempts"] for b in final.values()) == 2  # the one killed mid-scan ran again
    # webhooks: every job delivered; a job delivered twice (possible: at-least-once) carries the same result
    delivered: dict[str, set[str]] = defaultdict(set)
    for _headers, body, _ in receiver.received:
        job = json.loads(body)
        delivered[job["id"]].add(json.dumps(job["result"], sort_keys=True))
    assert set(delivered) == set(accepted)
    for job_id, results in delivered.items():
        assert results == {json.dumps(final[job_id]["result"], sort_keys=True)}
