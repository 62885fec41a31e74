"""Webhooks against a real HTTP receiver on 127.0.0.1: signed, retried with backoff, given up in bounded time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from service_helpers import CORPUS, Served

from dockguard.service.keys import webhook_secret
from dockguard.service.webhooks import DELIVERY_HEADER, SIGNATURE_HEADER, sign, verify_signature

COPY = CORPUS / "releases" / "zh-Hans" / "nisheng_xujia.txt"


class Receiver:
    """Answers `statuses` in turn (then 200) and keeps what it received."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.received: list[tuple[dict[str, str], bytes, float]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.received.append((dict(self.headers), body, time.monotonic()))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, n: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while len(self.received) < n and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def receiver_factory() -> Iterator[Any]:
    made: list[Receiver] = []

    def make(statuses: list[int]) -> Receiver:
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for r in made:
        r.server.shutdown()


def test_signature_round_trip() -> None:
    header = sign("s3cret", b'{"a":1}', 1_700_000_000)
    assert verify_signature("s3cret", header, b'{"a":1}', now=1_700_000_010)
    assert not verify_signature("s3cret", header, b'{"a":2}', now=1_700_000_010)
    assert not verify_signature("other", header, b'{"a":1}', now=1_700_000_010)
    assert not verify_signature("s3cret", header, b'{"a":1}', now=1_700_009_999)  # too old: a replay
    assert not verify_signature("s3cret", "garbage", b"", now=1_700_000_000)


def test_backoff_doubles_up_to_its_maximum() -> None:
    from dockguard.service.webhooks import WebhookSender

    sender = WebhookSender(None, backoff_base_s=1.0, backoff_max_s=60.0)  # type: ignore[arg-type]
    assert [sender.backoff(n) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert sender.backoff(10_000) == 60


def test_webhook_is_signed_and_retried_until_delivered(make_served, receiver_factory) -> None:  # type: ignore[no-untyped-def]
    served: Served = make_served(webhook_backoff_s=0.2)
    receiver = receiver_factory([500, 503])
    r = served.client.post(
        "/v1/scans", headers=served.auth(), files=served.upload(COPY), data={"callback_url": receiver.url}
    )
    job_id = r.json()["id"]
    receiver.wait(3)
    assert len(receiver.received) == 3
    key_id = served.scanner_key.split("_")[1]
    secret = webhook_secret(served.service.store, key_id)
    bodies = set()
    for headers, body, _ in receiver.received:
        assert headers[DELIVERY_HEADER] == job_id
        assert verify_signature(secret, headers[SIGNATURE_HEADER], body)
        bodies.add(json.loads(body)["result"]["results"][0]["verdict"])
    assert bodies == {"copy"}
    deadline = time.monotonic() + 10
    while (
        served.client.get(f"/v1/scans/{job_id}", headers=served.auth()).json()["webhook"]["state"]
        != "delivered"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    hook = served.client.get(f"/v1/scans/{job_id}", headers=served.auth()).json()["webhook"]
    assert hook["attempts"] == 3 and hook["error"] is None


def test_webhook_gives_up_after_its_deadline(make_served, receiver_factory) -> None:  # type: ignore[no-untyped-def]
    served: Served = make_served(webhook_backoff_s=0.2, webhook_retry_s=1.0)
    receiver = receiver_factory([500] * 100)
    job_id = served.client.post(
        "/v1/scans?wait=60",
        headers=served.auth(),
        files=served.upload(COPY),
        data={"callback_url": receiver.url},
    ).json()["id"]
    deadline = time.monotonic() + 20
    while (hook := served.client.get(f"/v1/scans/{job_id}", headers=served.auth()).json()["webhook"])[
        "state"
    ] == "pending":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert hook["state"] == "failed" and hook["error"] == "HTTP 500"
    assert (
        1 <= hook["attempts"] == len(receiver.received) <= 6
    )  # (how many fit before the deadline depends on the machine)
    # polling still has the result
    assert served.client.get(f"/v1/scans/{job_id}", headers=served.auth()).json()["status"] == "done"


def test_unreachable_callback_is_retried_not_fatal(make_served) -> None:  # type: ignore[no-untyped-def]
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    served: Served = make_served(webhook_backoff_s=0.1, webhook_retry_s=0.5)
    job_id = served.client.post(
        "/v1/scans?wait=60",
        headers=served.auth(),
        files=served.upload(COPY),
        data={"callback_url": f"http://127.0.0.1:{port}/hook"},
    ).json()["id"]
    deadline = time.monotonic() + 20
    while (hook := served.client.get(f"/v1/scans/{job_id}", headers=served.auth()).json()["webhook"])[
        "state"
    ] == "pending":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert hook["state"] == "failed" and "Connect" in hook["error"]
