"""Functions the concurrency tests run in separate processes (importable, so `spawn` can find them)."""

from __future__ import annotations

from typing import Any

from dockguard.errors import AlreadyRegistered
from dockguard.registry import Registry

from .registry_samples import sample_work


def register(url: str, work_ids: list[str], variant: str | None, start: Any, results: Any) -> None:
    """Open the registry and register sample works, starting when all workers are ready.

    Puts ("ok", ids), ("already", existing_id) or ("error", repr) on `results`.
    """
    start.wait(timeout=60)
    try:
        with Registry.open(url) as registry:
            for work_id in work_ids:
                registry.add_work(sample_work(work_id, variant))
    except AlreadyRegistered as exc:
        results.put(("already", exc.existing_id))
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put(("error", repr(exc)))
    else:
        results.put(("ok", work_ids))
