"""The soak test's processes (importable, so forkserver children can find them)."""

from __future__ import annotations

import time
import traceback
from typing import Any

from dockguard.errors import AlreadyRegistered, DockGuardError

from .registry_samples import sample_script, sample_work


def writer(url: str, index: int, seconds: float, start: Any, results: Any) -> None:
    """Register works until `seconds` have passed: one or two of its own per transaction, and every
    fourth time a work whose content every writer tries to register (only one may win).

    Puts {"registered": [...], "refused": n, "errors": [...], "crashes": [...]} on `results`.
    """
    from dockguard.embed import load_embedder
    from dockguard.pipeline import register
    from dockguard.registry import Registry

    embedder = load_embedder("fake")
    out: dict[str, list[Any]] = {"registered": [], "refused": [], "errors": [], "crashes": []}
    start.wait(timeout=120)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        if n % 4 == 0:
            works = [sample_work(f"shared-{n // 4}-by-{index}", f"shared-{n // 4}")]
        else:
            works = [sample_work(f"w{index}-{n}-{k}") for k in range(1 + n % 2)]
        try:
            with Registry.open(url) as registry:
                receipts = register(registry, works, embedder).receipts
            out["registered"].extend(receipt.work_id for receipt in receipts)
        except AlreadyRegistered as exc:
            out["refused"].append((works[0].work_id, exc.existing_id))
        except DockGuardError as exc:  # a clean message for the user (the CLI's exit 2)
            out["errors"].append(f"{type(exc).__name__}: {exc}")
        except BaseException:  # what would reach the user as a traceback
            out["crashes"].append(traceback.format_exc())
    results.put(("writer", index, out))


def scanner(url: str, index: int, seconds: float, start: Any, results: Any) -> None:
    """Scan, list and verify until `seconds` have passed; the same report shape as `writer`."""
    from dockguard.embed import load_embedder
    from dockguard.pipeline import Scanner
    from dockguard.registry import Registry

    embedder = load_embedder("fake")
    release = sample_script("w0-1-0")
    out: dict[str, list[Any]] = {"scans": [], "errors": [], "crashes": []}
    start.wait(timeout=120)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with Registry.open(url) as registry:
                if index % 2:
                    result = Scanner(registry, embedder).scan(release, "release.txt", "zh-script")
                    out["scans"].append(len(result.matches))
                else:
                    registry.list_works()
                    report = registry.verify()
                    if not report.ok:
                        out["errors"].append(f"verify failed mid-soak: {report.problems[:3]}")
                    out["scans"].append(report.works_checked)
        except DockGuardError as exc:
            out["errors"].append(f"{type(exc).__name__}: {exc}")
        except BaseException:
            out["crashes"].append(traceback.format_exc())
    results.put(("scanner", index, out))
