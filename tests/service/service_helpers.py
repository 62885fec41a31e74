"""What the service tests share besides fixtures: the corpus, and a started service with its client and keys."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"


@dataclass
class Served:
    service: Any
    client: Any
    scanner_key: str
    registrar_key: str
    db: str

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.scanner_key}"}

    def upload(self, *paths: Path) -> list[tuple[str, tuple[str, bytes]]]:
        return [("file", (p.name, p.read_bytes())) for p in paths]

    def wait_done(self, job_id: str, key: str | None = None, seconds: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            body: dict[str, Any] = self.client.get(
                f"/v1/scans/{job_id}?wait=5", headers=self.auth(key)
            ).json()
            if body["status"] in ("done", "failed") or time.monotonic() > deadline:
                return body
