"""Whole catalogues on Ray (the optional extra: `pip install 'dockguard[ray]'`).

    from dockguard.distributed import register_catalogue, scan_catalogue
    done = register_catalogue(registry, read_manifest(Path("catalogue.tsv")), workers=8)
    done.receipts, done.skipped, done.failed     # failed: the files that failed only themselves

Ray Data parses and embeds (`map_batches` over stateful actors that load the embedder once, one
actor per GPU when the cluster has GPUs); the calling process writes to the registry in batches,
each one transaction. The cluster is Ray's own `$RAY_ADDRESS`; without it a local Ray starts.
Importing this package does not import Ray.
"""

from __future__ import annotations

from dockguard.distributed.catalogue import (
    CatalogueRegistration,
    CatalogueScan,
    EmbedderSpec,
    FailedFile,
    register_catalogue,
    scan_catalogue,
)
from dockguard.distributed.cluster import RayUnavailable, Workers, connect, require_ray

__all__ = [
    "CatalogueRegistration",
    "CatalogueScan",
    "EmbedderSpec",
    "FailedFile",
    "RayUnavailable",
    "Workers",
    "connect",
    "register_catalogue",
    "require_ray",
    "scan_catalogue",
]
