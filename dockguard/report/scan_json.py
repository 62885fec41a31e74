"""The JSON document of a scan: the stable, machine-readable format (schema: dockguard/report/scan.schema.json)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from dockguard import __version__
from dockguard.model import LineRef, Match, ScanResult, VerdictLevel

SCHEMA_VERSION = 1


def line_dict(ref: LineRef) -> dict[str, Any]:
    return {
        "index": ref.index,
        "episode": ref.episode,
        "scene": ref.scene,
        "scene_heading": ref.scene_heading,
        "where": ref.where,
        "speaker": ref.speaker,
        "text": ref.text,
    }


def match_dict(m: Match, max_pairs: int | None = None) -> dict[str, Any]:
    e = m.evidence
    pairs = e.pairs if max_pairs is None else e.pairs[:max_pairs]
    return {
        "work_id": m.work_id,
        "title": m.title,
        "owner": m.owner,
        "language": m.language,
        "registered_at": m.registered_at,
        "receipt_hash": m.receipt_hash,
        "score": m.verdict.score,
        "verdict": m.verdict.level.value,
        "score_meaning": m.verdict.meaning,
        "reasons": list(m.verdict.reasons),
        "evidence": {
            "original_lines": e.original_lines,
            "release_lines": e.release_lines,
            "same_language": e.same_language,
            "aligned_lines": e.aligned_lines,
            "coverage_original": e.coverage_original,
            "coverage_release": e.coverage_release,
            "longest_run": e.longest_run,
            "order_kept": e.order_kept,
            "strength": e.strength,
            "exact_share": e.exact_share,
            "blocks": [
                {"original": list(b.original), "release": list(b.release), "pairs": b.pairs} for b in e.blocks
            ],
            "renames": [
                {
                    "kind": r.kind,
                    "original": r.original,
                    "release": r.release,
                    "support": r.support,
                    "renamed": r.renamed,
                }
                for r in e.renames
            ],
            "pairs": [
                {
                    "block": p.block,
                    "similarity": p.similarity,
                    "margin": p.margin,
                    "original": line_dict(p.original),
                    "release": line_dict(p.release),
                }
                for p in pairs
            ],
            "scene_map": [
                {
                    "original": {
                        "episode": s.original_episode,
                        "scene": s.original_scene,
                        "heading": s.original_heading,
                    },
                    "release": {
                        "episode": s.release_episode,
                        "scene": s.release_scene,
                        "heading": s.release_heading,
                    },
                    "pairs": s.pairs,
                }
                for s in e.scene_map
            ],
        },
    }


def result_dict(r: ScanResult, flag_level: VerdictLevel, top: int | None = None) -> dict[str, Any]:
    matches = r.matches if top is None else r.matches[:top]
    return {
        "path": r.path,
        "format": r.format,
        "language": r.language,
        "lines": r.lines,
        "flagged": is_flagged(r, flag_level),
        "verdict": r.verdict.value,
        "matches": [match_dict(m) for m in matches],
        "timings": dict(r.timings),
    }


def is_flagged(r: ScanResult, flag_level: VerdictLevel) -> bool:
    return bool(r.matches) and r.matches[0].verdict.level.reaches(flag_level)


def scan_document(
    results: Sequence[dict[str, Any]], *, registry: str, model: str, fail_on: VerdictLevel
) -> dict[str, Any]:
    return {
        "dockguard": __version__,
        "schema_version": SCHEMA_VERSION,
        "scanned_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "registry": registry,
        "model": model,
        "fail_on": fail_on.value,
        "flagged": sum(1 for r in results if r["flagged"]),
        "results": list(results),
    }
