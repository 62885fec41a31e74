"""The JSON of the registry's answers (`register`, `works list`, `works show`), one definition for
the CLI's `--format json` and the HTTP service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dockguard.model import Work
from dockguard.registry import Batch, Receipt, WorkSummary
from dockguard.report.summary import summarize

Json = dict[str, Any]


def batch_json(batch: Batch, works: Sequence[Work]) -> Json:
    """What registering `works` did: `{"registered": [...], "skipped": [...]}`."""
    by_id = {w.work_id: w for w in works}
    return {
        "registered": [
            {
                "work_id": r.work_id,
                "title": by_id[r.work_id].title,
                "owner": by_id[r.work_id].owner,
                "language": by_id[r.work_id].language,
                "lines": len(by_id[r.work_id].script.lines),
                "content_hash": r.content_hash,
                "registered_at": r.at,
                "receipt": r.hash,
            }
            for r in batch.receipts
        ],
        "skipped": [
            {"work_id": s.work_id, "title": s.title, "existing_id": s.existing_id, "reason": s.reason}
            for s in batch.skipped
        ],
    }


def summary_json(w: WorkSummary) -> Json:
    """One row of `works list`."""
    return {
        "work_id": w.work_id,
        "title": w.title,
        "owner": w.owner,
        "language": w.language,
        "registered_at": w.registered_at,
        "content_hash": w.content_hash,
        "episodes": w.episodes,
        "lines": w.lines,
    }


def work_json(work: Work, receipt: Receipt) -> Json:
    """One work with its register receipt and the summary of its script (`works show`)."""
    return {
        "work_id": work.work_id,
        "title": work.title,
        "owner": work.owner,
        "language": work.language,
        "registered_at": work.registered_at,
        "content_hash": work.content_hash,
        "meta": dict(work.meta),
        "receipt": {
            "seq": receipt.seq,
            "hash": receipt.hash,
            "prev_hash": receipt.prev_hash,
            "at": receipt.at,
        },
        "script": summarize(work.script),
    }
