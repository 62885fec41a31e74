"""How an index folder stands against its registry, for `dockguard index info` (reads only)."""

from __future__ import annotations

from typing import Any

from dockguard.config import EngineSettings
from dockguard.embed import Embedder
from dockguard.index.folder import IndexFolder
from dockguard.index.sync import fits
from dockguard.registry import Registry


def index_status(
    folder: IndexFolder, registry: Registry, embedder: Embedder, settings: EngineSettings
) -> dict[str, Any]:
    gen = folder.current()
    manifest = gen.read_manifest() if gen else None
    head = registry.head()
    out: dict[str, Any] = {
        "folder": str(folder.root),
        "model": embedder.model_id,
        "registry_seq": head.seq if head else 0,
    }
    if gen is None or manifest is None:
        return {**out, "state": "not built (the next scan or registration builds it)"}
    pending = folder.pending()
    lists = manifest.lists
    alive = manifest.alive_rows
    behind = (head.seq if head else 0) - manifest.seq
    if not fits(manifest, embedder, settings):
        state = "made with other settings (the next scan builds it afresh)"
    elif behind == 0 and (head is None or head.hash == manifest.head_hash):
        state = "in step with the registry"
    else:
        state = f"{behind} receipt(s) behind (the next scan catches up)"
    out.update(
        state=state,
        generation=gen.path.name,
        index_seq=manifest.seq,
        works=sum(1 for w in manifest.works if w.alive),
        removed_works=sum(1 for w in manifest.works if not w.alive),
        lines=alive,
        dead_lines=manifest.rows - alive,
        lists=f"{lists.lists} ({lists.codes})" if lists else "none: searched exactly",
        trained_on=lists.trained_on if lists else 0,
        unmerged_lines=manifest.rows - (lists.rows if lists else 0) if lists else 0,
        disk_bytes=sum(p.stat().st_size for p in gen.path.iterdir() if p.is_file()),
        rebuild_pending=pending.path.name if pending else None,
    )
    advise = lists is None and alive >= settings.index.min_lines
    if lists and (alive > settings.index.outgrown * lists.trained_on or manifest.rows - alive > alive):
        advise = True
    out["rebuild_advised"] = advise
    return out
