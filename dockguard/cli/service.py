"""`dockguard serve` (the HTTP service) and `dockguard keys create|list|revoke` (its API keys)."""

from __future__ import annotations

import click

from dockguard.cli.common import db_option, device_option, emit_json, format_option, model_option


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback unless you mean otherwise).",
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on."
)
@db_option
@model_option
@device_option
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Scan worker threads (they share one model).",
)
@click.option(
    "--max-queued",
    default=64,
    show_default=True,
    type=click.IntRange(1),
    help="Waiting scans past which a submission is answered 503.",
)
@click.option(
    "--max-upload-mb",
    default=64.0,
    show_default=True,
    type=click.FloatRange(0.001),
    help="Request body limit (413 above).",
)
@click.option(
    "--max-files",
    default=64,
    show_default=True,
    type=click.IntRange(1),
    help="Files per request (413 above).",
)
@click.option(
    "--lease",
    "lease_s",
    default=30.0,
    show_default=True,
    type=click.FloatRange(1),
    help="Seconds a worker holds a scan between renewals; a dead worker's scan is taken again after it.",
)
@click.option(
    "--webhook-retry-for",
    "webhook_retry_s",
    default=600.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds to keep retrying a failed webhook (backoff 1, 2, 4 … 60 s).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
def serve(
    host: str,
    port: int,
    db: str | None,
    model: str | None,
    device: str | None,
    workers: int,
    max_queued: int,
    max_upload_mb: float,
    max_files: int,
    lease_s: float,
    webhook_retry_s: float,
    log_level: str,
) -> None:
    """Run the HTTP service: the /v1 API, the web pages, /openapi.json, /healthz and /readyz.

    One process loads the model and the registry index once and keeps them warm; accepted scans are
    kept in the registry's database and survive restarts. Create keys first with `dockguard keys create`.

    \b
    Example:
      dockguard keys create --role scanner --name ci
      dockguard serve --host 127.0.0.1 --port 8000
    """
    import logging

    from dockguard.service import require_service_packages

    require_service_packages()
    import uvicorn

    from dockguard.service.app import create_app
    from dockguard.service.limits import UploadLimits
    from dockguard.service.runtime import ScanService, ServiceSettings

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = ServiceSettings(
        db=db,
        model=model,
        device=device,
        workers=workers,
        max_queued=max_queued,
        lease_s=lease_s,
        webhook_retry_s=webhook_retry_s,
        limits=UploadLimits(max_request_bytes=int(max_upload_mb * 1024 * 1024), max_files=max_files),
    )
    service = ScanService.open(settings)
    click.echo(
        f"dockguard serve: http://{host}:{port}/  registry {service.registry_url}  model {service.embedder.model_id}",
        err=True,
    )
    uvicorn.run(
        create_app(service), host=host, port=port, log_level=log_level, access_log=log_level == "debug"
    )


@click.group()
def keys() -> None:
    """Create, list and revoke the service's API keys (stored hashed in the registry's database).

    \b
    Example:
      dockguard keys create --role registrar --name 星河影业 --format json
    """


@keys.command("create")
@click.option(
    "--role",
    type=click.Choice(["scanner", "registrar"]),
    required=True,
    help="scanner: scan and read its own scans; registrar: also register and remove works.",
)
@click.option("--name", default="", help="Who the key is for.")
@db_option
@format_option("text", "json")
def keys_create(role: str, name: str, db: str | None, fmt: str) -> None:
    """Make a key; it is printed once and cannot be shown again.

    \b
    Example:
      dockguard keys create --role scanner --name upload-pipeline --format json
    """
    from dockguard.service.keys import Role, create_key
    from dockguard.service.store import ServiceStore

    with ServiceStore.open(db) as store:
        new = create_key(store, Role(role), name)
    if fmt == "json":
        emit_json(
            {
                "key": new.token,
                "id": new.key.key_id,
                "role": role,
                "name": name,
                "webhook_secret": new.webhook_secret,
            }
        )
        return
    click.echo(f"key        {new.token}")
    click.echo(f"id         {new.key.key_id} ({role}{', ' + name if name else ''})")
    click.echo(f"webhooks   signed with {new.webhook_secret}")
    click.echo("Keep the key now: it is stored hashed and cannot be shown again.", err=True)


@keys.command("list")
@db_option
@format_option("text", "json")
def keys_list(db: str | None, fmt: str) -> None:
    """List the keys (ids, names, roles; never the keys themselves).

    \b
    Example:
      dockguard keys list --format json
    """
    from dockguard.service.keys import list_keys
    from dockguard.service.store import ServiceStore

    with ServiceStore.open(db) as store:
        rows = list_keys(store)
    if fmt == "json":
        emit_json([k.to_json() for k in rows])
        return
    for k in rows:
        state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
        click.echo(f"{k.key_id}  {k.role.value:9}  {state:28}  {k.created_at}  {k.name}")
    click.echo(f"{len(rows)} key(s).")


@keys.command("revoke")
@click.argument("key_id")
@db_option
@format_option("text", "json")
def keys_revoke(key_id: str, db: str | None, fmt: str) -> None:
    """Revoke a key by its id (from `keys list`); requests with it are refused from now on.

    \b
    Example:
      dockguard keys revoke 3k9x0d2mq8az
    """
    from dockguard.service.keys import revoke_key
    from dockguard.service.store import ServiceStore

    with ServiceStore.open(db) as store:
        key = revoke_key(store, key_id)
    if fmt == "json":
        emit_json(key.to_json())
    else:
        click.echo(f"revoked {key.key_id} ({key.role.value}) at {key.revoked_at}")


COMMANDS = [serve, keys]
