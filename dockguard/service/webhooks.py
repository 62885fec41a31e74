"""Webhooks: when a scan finishes, an HMAC-SHA256-signed POST of the job to its `callback_url`.

Signature header (Stripe's shape): `X-DockGuard-Signature: t=<unix time>,v1=<hex>` where hex is
HMAC-SHA256(key's webhook secret, "<t>." + body). `X-DockGuard-Delivery` is the job id: a receiver
that sees it twice (a retry after a lost answer) has the same body again. Failed deliveries (no 2xx)
are retried with exponential backoff until the job's webhook deadline; polling `GET /v1/scans/{id}`
is the fallback and always has the same document.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from typing import Any

from dockguard.service.jobs import Job, JobQueue
from dockguard.service.keys import webhook_secret

log = logging.getLogger("dockguard.service")

SIGNATURE_HEADER = "X-DockGuard-Signature"
DELIVERY_HEADER = "X-DockGuard-Delivery"
EVENT_HEADER = "X-DockGuard-Event"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, header: str, body: bytes, *, tolerance_s: float = 300.0, now: float | None = None
) -> bool:
    """What a receiver does: recompute the HMAC, compare in constant time, refuse old timestamps."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if not parts.get("t", "").isdigit() or "v1" not in parts:
        return False
    timestamp = int(parts["t"])
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), f"t={timestamp},v1={parts['v1']}")


def body_of(job: Job) -> bytes:
    return json.dumps(job.to_json(), ensure_ascii=False, sort_keys=True).encode("utf-8")


class WebhookSender:
    """A thread that delivers due webhooks, one at a time, retrying with backoff."""

    def __init__(
        self,
        queue: JobQueue,
        *,
        backoff_base_s: float = 1.0,
        backoff_max_s: float = 60.0,
        timeout_s: float = 10.0,
    ) -> None:
        self.queue = queue
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.timeout_s = timeout_s
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dockguard-webhooks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        self._thread.join(timeout=self.timeout_s + 5)

    def _run(self) -> None:
        import httpx

        with httpx.Client(timeout=self.timeout_s, follow_redirects=False, trust_env=False) as client:
            while not self._stop.is_set():
                try:
                    job = self.queue.due_webhook()
                except Exception:  # the database went away for a moment: try again later
                    log.exception("webhooks: cannot read the queue")
                    job = None
                if job is None:
                    self.wake.wait(0.5)
                    self.wake.clear()
                    continue
                self.deliver(client, job)

    def backoff(self, failed_attempts: int) -> float:
        """Seconds before the next try after this many failed ones: base, 2×base, 4×base … up to the maximum."""
        return float(min(self.backoff_max_s, self.backoff_base_s * 2 ** min(failed_attempts, 30)))

    def deliver(self, client: Any, job: Job) -> None:
        assert job.callback_url is not None
        body = body_of(job)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(webhook_secret(self.queue.store, job.key_id), body, int(time.time())),
            DELIVERY_HEADER: job.job_id,
            EVENT_HEADER: f"scan.{job.status}",
            "User-Agent": "dockguard-webhook",
        }
        error: str | None = None
        try:
            response = client.post(job.callback_url, content=body, headers=headers)
            if not 200 <= response.status_code < 300:
                error = f"HTTP {response.status_code}"
        except Exception as e:  # any transport failure is a failed attempt, retried
            error = f"{type(e).__name__}: {e}"
        backoff = self.backoff(job.webhook_attempts)
        self.queue.webhook_outcome(job.job_id, delivered=error is None, error=error, backoff_s=backoff)
        if error:
            log.warning(
                "webhook for %s to %s failed (%s); retry in %.1f s",
                job.job_id,
                job.callback_url,
                error,
                backoff,
            )
