"""`dockguard parse`: how each file or work was understood."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from dockguard.cli.common import EXIT_USAGE, console, emit_json, format_option
from dockguard.errors import InputError


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@format_option("text", "json")
def parse(paths: Sequence[Path], fmt: str) -> None:
    """Show how each file or work was understood: format, encoding, language, episodes, scenes, speakers.

    Every work is reported, a refused one with its error (`"error"` in JSON); exit 2 at the end
    when any was refused.

    \b
    Example:
      dockguard parse corpus/originals/ corpus/releases/en/changan_gongque.en.srt --format json
    """
    from dockguard.formats import expand_works, read_script
    from dockguard.report.summary import summarize

    rows: list[dict[str, Any]] = []
    for path in expand_works(paths):
        try:
            rows.append({"path": str(path), **summarize(read_script(path))})
        except InputError as e:
            rows.append({"path": str(path), "error": str(e)})
    refused = [r for r in rows if "error" in r]
    if fmt == "json":
        emit_json(rows)
    else:
        out = console()
        for s in rows:
            if "error" in s:
                click.echo(f"dockguard: error: {s['error']}", err=True)
                continue
            files = ", ".join(f"{f['format']}/{f['encoding']}" for f in s["files"][:3])
            kinds = ", ".join(f"{k} {n}" for k, n in s["lines_by_kind"].items())
            out.print(
                f"[bold]{s['path']}[/bold]: {s['language']}, {files}{' …' if len(s['files']) > 3 else ''}"
            )
            out.print(f"  {s['episodes']} episode(s), {s['scenes']} scene(s), {s['lines']} lines ({kinds})")
            if s["speakers"]:
                out.print(
                    "  speakers: " + ", ".join(f"{x['name']} ({x['lines']})" for x in s["speakers"][:12])
                )
        if len(rows) > 1:
            click.echo(f"{len(rows)} work(s), {len(refused)} refused.", err=bool(refused))
    if refused:
        sys.exit(EXIT_USAGE)


COMMANDS = [parse]
