"""`dockguard index info|rebuild`: the registry's line index (a folder the scans keep in step)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dockguard.cli.common import (
    backend_option,
    db_option,
    emit_json,
    format_option,
    index_dir_option,
    model_option,
    open_registry,
)


@click.group()
def index() -> None:
    """The line index a scan searches: where it is, how it stands, rebuilding it.

    Scans and registrations keep it in step with the registry by themselves; `rebuild` retrains
    its lists when the registry has outgrown what they were trained on.

    \b
    Example:
      dockguard index info && dockguard index rebuild
    """


def _folder(
    registry: Any, model: str | None, backend: str | None, index_dir: Path | None
) -> tuple[Any, Any, Any]:
    from dockguard.config import EngineSettings
    from dockguard.embed import load_embedder
    from dockguard.index.registry_index import index_folder

    embedder = load_embedder(model, backend=backend)
    settings = EngineSettings()
    return index_folder(registry, embedder, settings, index_dir), embedder, settings


@index.command("info")
@db_option
@model_option
@backend_option
@index_dir_option
@format_option("text", "json")
def index_info(
    db: str | None, model: str | None, backend: str | None, index_dir: Path | None, fmt: str
) -> None:
    """Show the index: its folder, lines, works, trained lists, and whether it is in step.

    \b
    Example:
      dockguard index info --format json
    """
    from dockguard.index.status import index_status

    with open_registry(db) as registry:
        folder, embedder, settings = _folder(registry, model, backend, index_dir)
        status = index_status(folder, registry, embedder, settings)
    if fmt == "json":
        emit_json(status)
        return
    for key, value in status.items():
        click.echo(f"{key:16} {value}")


@index.command("rebuild")
@db_option
@model_option
@backend_option
@index_dir_option
def index_rebuild(db: str | None, model: str | None, backend: str | None, index_dir: Path | None) -> None:
    """Build the index afresh from the registry and retrain its lists on all its lines.

    Scans go on with the old index until the new one is complete. Stopped (Ctrl-C, kill), it
    continues where it stopped when run again.

    \b
    Example:
      dockguard index rebuild --db postgresql://registry.example/dockguard
    """
    from dockguard.cli.common import console
    from dockguard.index.sync import rebuild

    out = console(True)

    def progress(step: str, done: int, total: int) -> None:
        out.print(f"{step}: {done:,} of {total:,}")

    with open_registry(db) as registry:
        folder, embedder, settings = _folder(registry, model, backend, index_dir)
        gen, manifest = rebuild(folder, registry, embedder, settings, progress)
    lists = manifest.lists
    trained = (
        f"{lists.lists} lists of {lists.codes} codes, trained on {lists.trained_on:,} lines"
        if lists
        else "searched exactly (no lists)"
    )
    click.echo(
        f"index rebuilt at {gen.path}: {manifest.alive_rows:,} lines of {len(manifest.works)} works; {trained}"
    )


COMMANDS = [index]
