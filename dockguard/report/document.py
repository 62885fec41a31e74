"""The scan document: the one typed result of a scan, built once, rendered by every report and returned
as is by the HTTP service. Its JSON form is `scan.schema.json` (beside this file); `to_json` writes it
and `from_json` reads it back, refusing anything the schema does not allow.

A result's verdict and whether it is flagged are worked out here, once: the best match's verdict (clear
when nothing matched), flagged when that verdict reaches the document's `fail_on` level.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import Any

from dockguard import __version__
from dockguard.errors import DockGuardError
from dockguard.model import (
    AlignedPair,
    BlockSpan,
    Evidence,
    LineRef,
    Match,
    Rename,
    ScanResult,
    SceneLink,
    Verdict,
    VerdictLevel,
)

SCHEMA_VERSION = 1

Json = dict[str, Any]


class DocumentError(DockGuardError):
    """A JSON document is not a DockGuard scan document (it does not match scan.schema.json)."""


@dataclass(frozen=True, slots=True)
class ScanDocument:
    """The result of one scan call: every release scanned, with its matches, best first."""

    registry: str  # registry URL, password hidden
    model: str  # id of the embedding model that made the vectors
    fail_on: VerdictLevel
    results: tuple[ScanResult, ...]
    scanned_at: str = ""  # ISO 8601 UTC; `build` sets it to now
    dockguard: str = __version__
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def build(
        cls,
        results: Iterable[ScanResult],
        *,
        registry: str,
        model: str,
        fail_on: VerdictLevel,
        top: int | None = None,
    ) -> ScanDocument:
        """A document of these results, scanned now; each keeps its `top` best matches (all when None)."""
        kept = tuple(r if top is None else replace(r, matches=r.matches[:top]) for r in results)
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return cls(registry=registry, model=model, fail_on=fail_on, results=kept, scanned_at=now)

    def is_flagged(self, result: ScanResult) -> bool:
        return bool(result.matches) and result.verdict.reaches(self.fail_on)

    @property
    def flagged(self) -> int:
        """How many releases reached `fail_on`."""
        return sum(1 for r in self.results if self.is_flagged(r))

    def to_json(self) -> Json:
        return {
            "dockguard": self.dockguard,
            "schema_version": self.schema_version,
            "scanned_at": self.scanned_at,
            "registry": self.registry,
            "model": self.model,
            "fail_on": self.fail_on.value,
            "flagged": self.flagged,
            "results": [self.result_json(r) for r in self.results],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    def result_json(self, r: ScanResult) -> Json:
        """One release as JSON (what `--format jsonl` prints per line)."""
        return {
            "path": r.path,
            "format": r.format,
            "language": r.language,
            "lines": r.lines,
            "flagged": self.is_flagged(r),
            "verdict": r.verdict.value,
            "matches": [match_json(m) for m in r.matches],
            "timings": dict(r.timings),
        }

    @classmethod
    def from_json(cls, data: object, source: str = "document") -> ScanDocument:
        """Read a document back; `source` names it in the error when it does not match the schema."""
        problem = _schema_problem(data)
        if problem:
            raise DocumentError(f"{source}: not a DockGuard scan result: {problem}")
        assert isinstance(data, Mapping)
        doc = cls(
            registry=data["registry"],
            model=data["model"],
            fail_on=VerdictLevel(data["fail_on"]),
            results=tuple(_result(r) for r in data["results"]),
            scanned_at=data["scanned_at"],
            dockguard=data["dockguard"],
            schema_version=data["schema_version"],
        )
        # The derived fields must agree with what they are derived from: a hand-edited document that
        # says "flagged" of a clear release is not evidence of anything.
        for i, (raw, result) in enumerate(zip(data["results"], doc.results, strict=True)):
            if raw["verdict"] != result.verdict.value or raw["flagged"] != doc.is_flagged(result):
                raise DocumentError(
                    f"{source}: results[{i}]: its verdict/flagged ({raw['verdict']}, {raw['flagged']}) "
                    f"contradict its matches ({result.verdict.value}, {doc.is_flagged(result)})"
                )
        if data["flagged"] != doc.flagged:
            raise DocumentError(
                f"{source}: says {data['flagged']} flagged, but its results flag {doc.flagged}"
            )
        return doc

    @classmethod
    def loads(cls, text: str, source: str = "document") -> ScanDocument:
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (json.JSONDecodeError, ValueError) as e:
            raise DocumentError(f"{source}: not JSON ({e})") from e
        return cls.from_json(data, source)


def _refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON numbers (RFC 8259), though Python's json reads them
    raise ValueError(f"{name} is not a JSON number")


@lru_cache(maxsize=1)
def schema() -> Json:
    """The JSON Schema of the document (scan.schema.json)."""
    text = resources.files("dockguard.report").joinpath("scan.schema.json").read_text(encoding="utf-8")
    loaded: Json = json.loads(text)
    return loaded


def _schema_problem(data: object) -> str:
    """The first way `data` breaks the schema, in words ('' when it matches)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return ""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    return f"{where or 'the document'}: {error.message}"


# --- JSON ↔ model ------------------------------------------------------------------------------


def line_json(ref: LineRef) -> Json:
    return {
        "index": ref.index,
        "episode": ref.episode,
        "scene": ref.scene,
        "scene_heading": ref.scene_heading,
        "where": ref.where,
        "speaker": ref.speaker,
        "text": ref.text,
    }


def match_json(m: Match) -> Json:
    e = m.evidence
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
                    "original": line_json(p.original),
                    "release": line_json(p.release),
                }
                for p in e.pairs
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


def _result(r: Json) -> ScanResult:
    return ScanResult(
        path=r["path"],
        format=r["format"],
        language=r["language"],
        lines=r["lines"],
        matches=tuple(_match(m) for m in r["matches"]),
        timings=tuple((k, float(v)) for k, v in r["timings"].items()),
    )


def _line(d: Json) -> LineRef:
    return LineRef(
        d["index"], d["episode"], d["scene"], d["scene_heading"], d["where"], d["speaker"], d["text"]
    )


def _span(v: list[int]) -> tuple[int, int]:
    return (v[0], v[1])


def _match(m: Json) -> Match:
    e = m["evidence"]
    evidence = Evidence(
        original_lines=e["original_lines"],
        release_lines=e["release_lines"],
        same_language=e["same_language"],
        aligned_lines=e["aligned_lines"],
        coverage_original=float(e["coverage_original"]),
        coverage_release=float(e["coverage_release"]),
        longest_run=e["longest_run"],
        order_kept=e["order_kept"],
        strength=float(e["strength"]),
        exact_share=float(e["exact_share"]),
        blocks=tuple(BlockSpan(_span(b["original"]), _span(b["release"]), b["pairs"]) for b in e["blocks"]),
        pairs=tuple(
            AlignedPair(
                _line(p["original"]),
                _line(p["release"]),
                float(p["similarity"]),
                float(p["margin"]),
                p["block"],
            )
            for p in e["pairs"]
        ),
        renames=tuple(
            Rename(r["kind"], r["original"], r["release"], r["support"], r["renamed"]) for r in e["renames"]
        ),
        scene_map=tuple(
            SceneLink(
                s["original"]["episode"],
                s["original"]["scene"],
                s["original"]["heading"],
                s["release"]["episode"],
                s["release"]["scene"],
                s["release"]["heading"],
                s["pairs"],
            )
            for s in e["scene_map"]
        ),
    )
    verdict = Verdict(VerdictLevel(m["verdict"]), float(m["score"]), m["score_meaning"], tuple(m["reasons"]))
    return Match(
        work_id=m["work_id"],
        title=m["title"],
        owner=m["owner"],
        language=m["language"],
        registered_at=m["registered_at"],
        receipt_hash=m["receipt_hash"],
        verdict=verdict,
        evidence=evidence,
    )
