"""`dockguard register`, `works list|show|remove`, `verify`: the registry of originals."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from dockguard.cli.common import (
    EXIT_INTERNAL,
    EXIT_USAGE,
    backend_option,
    console,
    db_option,
    device_option,
    emit_json,
    format_option,
    index_dir_option,
    model_option,
    open_registry,
    progress,
    with_ray_options,
)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TSV/CSV with a header row: work_id (or id), path, title, lang, owner, more metadata columns.",
)
@click.option("--title", help="Title of the work (one PATH only).")
@click.option("--owner", default="", help="Rights holder.")
@click.option("--lang", help="Language tag (zh-Hans, zh-Hant, ...), instead of the detected one.")
@click.option(
    "--id", "work_id", help="Work id (one PATH only) [default: dg- and the start of the content hash]."
)
@click.option(
    "--meta", multiple=True, metavar="KEY=VALUE", help="Metadata to keep with the work; repeatable."
)
@click.option(
    "--skip-existing",
    is_flag=True,
    help="Skip works whose content or id is registered already instead of failing.",
)
@db_option
@model_option
@device_option
@backend_option
@index_dir_option
@with_ray_options
@format_option("text", "json")
def register(
    paths: Sequence[Path],
    manifest: Path | None,
    title: str | None,
    owner: str,
    lang: str | None,
    work_id: str | None,
    meta: Sequence[str],
    skip_existing: bool,
    db: str | None,
    model: str | None,
    device: str | None,
    backend: str | None,
    index_dir: Path | None,
    use_ray: bool,
    workers: int | None,
    fmt: str,
) -> None:
    """Register original works: all in one transaction, all or nothing.

    With --ray, Ray workers parse and embed, and the works are written in batches (each one
    transaction); works registered already are skipped, and a file that cannot be read fails only
    itself: the rest is registered, the failures listed at the end, exit 2.

    Each PATH is one work: a file, a folder of episode files, or a zip of them.

    \b
    Examples:
      dockguard register scripts/霸总归来/ --title 霸总归来 --owner 星河影业 --meta genre=都市
      dockguard register --manifest corpus/registry.tsv
      RAY_ADDRESS=ray://head:10001 dockguard register --manifest catalogue.tsv --ray
    """
    from dockguard.embed import load_embedder
    from dockguard.manifest import ManifestEntry, read_manifest
    from dockguard.pipeline import read_works
    from dockguard.pipeline import register as register_works

    if not paths and not manifest:
        raise click.UsageError("give PATH... or --manifest FILE")
    if len(paths) + (1 if manifest else 0) > 1 and (title or work_id):
        raise click.UsageError("--title and --id name one work: give a single PATH")
    extra = []
    for item in meta:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--meta takes KEY=VALUE, got {item!r}")
        extra.append((key.strip(), value.strip()))
    entries = read_manifest(manifest) if manifest else []
    entries += [ManifestEntry(p, work_id, title, lang, None, (), 0) for p in paths]

    failed: list[Any] = []
    if use_ray:  # --- Ray: the library does it all (dockguard.distributed)
        from dockguard.distributed import EmbedderSpec, register_catalogue
        from dockguard.registry import Batch

        with open_registry(db) as registry, progress(len(entries), "registering", fmt == "text") as advance:
            done = register_catalogue(
                registry,
                entries,
                owner=owner,
                meta=extra,
                embedder=EmbedderSpec(model, device, backend),
                workers=workers,
                progress=advance,
            )
        works, batch, failed = list(done.works), Batch(done.receipts, done.skipped), list(done.failed)
    else:
        with progress(len(entries), "parsing", fmt == "text") as advance:
            works = read_works(entries, owner=owner, meta=extra, progress=advance)
        with open_registry(db) as registry:
            embedder = load_embedder(model, device, backend=backend)
            total = sum(len(w.script.lines) for w in works)
            with progress(total, "embedding lines", fmt == "text") as advance:
                batch = register_works(
                    registry, works, embedder, progress=advance, skip_existing=skip_existing
                )
            if batch.receipts:
                _update_index(registry, embedder, index_dir)
    from dockguard.report.registry_json import batch_json

    answer = batch_json(batch, works)
    rows, skipped = answer["registered"], answer["skipped"]
    failures = [{"path": f.path, "kind": f.kind, "message": f.message} for f in failed]
    if fmt == "json":
        emit_json({**answer, **({"failed": failures} if use_ray else {})})
    else:
        for row in rows:
            click.echo(
                f"registered {row['work_id']}  {row['title']}  ({row['language']}, {row['lines']} lines)  receipt {row['receipt'][:16]}"
            )
        for s in skipped:
            click.echo(f"skipped {s['work_id']} ({s['title']}): {s['reason']}")
        click.echo(
            f"{len(rows)} work(s) registered, {len(skipped)} skipped"
            + (f", {len(failures)} failed." if failures else ".")
        )
    for f in failures:
        click.echo(
            f"error: {f['message']}"
            if f["kind"] == "input"
            else f"internal error: {f['path']}: {f['message']}",
            err=True,
        )
    if failures:
        sys.exit(EXIT_INTERNAL if any(f["kind"] == "internal" for f in failures) else EXIT_USAGE)


def _update_index(registry: Any, embedder: Any, index_dir: Path | None) -> None:
    """Add the new works to the line index now; the registration stands if that fails (the next
    scan catches up), so it is said, not raised."""
    from dockguard.config import EngineSettings
    from dockguard.errors import LineIndexError
    from dockguard.index.registry_index import update_index

    try:
        update_index(registry, embedder, EngineSettings(), index_dir)
    except LineIndexError as exc:
        click.echo(f"warning: registered, but the line index was not updated: {exc}", err=True)


@click.group()
def works() -> None:
    """List, show and remove registered works.

    \b
    Example:
      dockguard works list --format json
    """


@works.command("list")
@db_option
@format_option("text", "json")
def works_list(db: str | None, fmt: str) -> None:
    """List the registered works.

    \b
    Example:
      dockguard works list --db postgresql+psycopg://dg@localhost/dockguard
    """
    with open_registry(db) as registry:
        rows = registry.list_works()
    if fmt == "json":
        from dockguard.report.registry_json import summary_json

        emit_json([summary_json(w) for w in rows])
        return
    from rich.table import Table

    table = Table("id", "title", "owner", "lang", "episodes", "lines", "registered")
    for w in rows:
        table.add_row(w.work_id, w.title, w.owner, w.language, str(w.episodes), str(w.lines), w.registered_at)
    console().print(table)
    click.echo(f"{len(rows)} work(s).")


@works.command("show")
@click.argument("work_id")
@db_option
@format_option("text", "json")
def works_show(work_id: str, db: str | None, fmt: str) -> None:
    """Show one registered work with its receipt.

    \b
    Example:
      dockguard works show dg-0001
    """
    from dockguard.report.registry_json import work_json

    with open_registry(db) as registry:
        receipt = registry.receipt_for(work_id)
        info = work_json(registry.get_work(work_id), receipt)
    if fmt == "json":
        emit_json(info)
        return
    for key in ("work_id", "title", "owner", "language", "registered_at", "content_hash"):
        click.echo(f"{key:14} {info[key]}")
    for k, v in info["meta"].items():
        click.echo(f"{'meta.' + k:14} {v}")
    click.echo(f"{'receipt':14} #{receipt.seq} {receipt.hash}")
    s = info["script"]
    click.echo(f"{'script':14} {s['episodes']} episode(s), {s['scenes']} scene(s), {s['lines']} lines")


@works.command("remove")
@click.argument("work_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
@format_option("text", "json")
def works_remove(work_id: str, yes: bool, db: str | None, fmt: str) -> None:
    """Remove a work (a removal receipt is appended to the chain).

    \b
    Example:
      dockguard works remove dg-0001 --yes
    """
    if not yes and sys.stdin.isatty():
        click.confirm(f"Remove {work_id} from the registry?", abort=True)
    with open_registry(db) as registry:
        receipt = registry.remove_work(work_id)
    if fmt == "json":
        emit_json({"removed": work_id, "receipt": receipt.hash, "at": receipt.at})
    else:
        click.echo(f"removed {work_id}; receipt {receipt.hash[:16]}")


COMMANDS = [register, works]
