"""Connecting to Ray: the cluster named by Ray's own $RAY_ADDRESS, else a local Ray on this machine.

Ray is an optional extra (`pip install 'dockguard[ray]'`); it is imported only here and in the
workers, and a missing Ray fails when a `--ray` command starts, with the install command.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from dockguard.errors import DockGuardError

INSTALL_HINT = "pip install 'dockguard[ray]'"


class RayUnavailable(DockGuardError):
    """Ray is not installed, or the cluster cannot be reached."""


def require_ray() -> Any:
    """The ray module, or RayUnavailable with the install command."""
    try:
        import ray
        import ray.data  # noqa: F401  (Ray Data needs pyarrow and pandas: the [data] extra)
    except ImportError as exc:
        raise RayUnavailable(f"--ray needs Ray Data, which is not installed ({exc}): {INSTALL_HINT}") from exc
    return ray


@dataclass(frozen=True, slots=True)
class Workers:
    """How the embedding work is spread: `count` actors, each with `cpus` CPUs and `gpus` GPUs."""

    count: int
    cpus: float
    gpus: float
    address: str  # "local" or the cluster's address

    @property
    def device(self) -> str | None:
        return "cuda" if self.gpus else "cpu"


def connect(workers: int | None = None, cpus_per_worker: int = 1) -> Workers:
    """Join the Ray cluster at $RAY_ADDRESS (or the one already joined), else start a local Ray with
    `workers` × `cpus_per_worker` CPUs; return the actor layout: one actor per GPU when the cluster
    has GPUs, else one per `cpus_per_worker` CPUs (at most `workers` either way)."""
    ray = require_ray()
    address = os.environ.get("RAY_ADDRESS") or None
    # Ray's own INFO lines (plans, "execution finished") would bury the command's output
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.WARNING)
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "error")
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "configure_logging": False,
            "ignore_reinit_error": True,
        }
        if address is None:
            kwargs["num_cpus"] = (workers or os.cpu_count() or 1) * cpus_per_worker
        try:
            ray.init(address=address, **kwargs)
        except Exception as exc:  # ConnectionError and Ray's own errors alike
            where = f"the Ray cluster at RAY_ADDRESS={address}" if address else "a local Ray"
            raise RayUnavailable(f"cannot start or reach {where}: {exc}") from exc
    from ray.data import DataContext

    context = DataContext.get_current()
    context.enable_progress_bars = False  # the command shows its own, per work
    context.execution_options.preserve_order = True  # receipts in manifest order, as without Ray
    resources = ray.cluster_resources()
    gpus = int(resources.get("GPU", 0))
    cpus = int(resources.get("CPU", 1))
    if gpus:
        count = gpus if workers is None else min(workers, gpus)
        return Workers(count=max(count, 1), cpus=1, gpus=1, address=address or "local")
    count = max(cpus // cpus_per_worker, 1)
    if workers is not None:
        count = min(workers, count)
    return Workers(count=max(count, 1), cpus=cpus_per_worker, gpus=0, address=address or "local")
