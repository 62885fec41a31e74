"""The `dockguard` command line: parse options, call the library, render, pick the exit code.

Exit codes: 0 ok / nothing flagged, 1 a release reached --fail-on (or `verify` found tampering),
2 usage or input error (the message names the file and the problem), 3 internal error.
Each command lives in the module named for what it works on; this one holds the group and turns
every exception into a message and an exit code.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any, NoReturn

import click

from dockguard import __version__
from dockguard.cli.common import EXIT_INTERNAL, EXIT_USAGE
from dockguard.errors import DockGuardError

DEBUG_ENV = "DOCKGUARD_DEBUG"


class _Group(click.Group):
    """Runs a command and maps what it raised to an exit code: DockGuardError and OSError (a file
    that cannot be read or written) → 2 with the message, anything else → 3, "internal error"."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit):
            raise  # click's own usage errors (exit 2) and exits
        except click.exceptions.Abort:
            _fail("aborted", EXIT_USAGE)
        except KeyboardInterrupt:
            _fail("interrupted", EXIT_USAGE)
        except DockGuardError as e:
            _fail(str(e), EXIT_USAGE)
        except OSError as e:
            _fail(_os_message(e), EXIT_USAGE)
        except Exception as e:  # a bug: never let it exit 1, which means "flagged"
            if _debug(ctx):
                traceback.print_exc()
            hint = "" if _debug(ctx) else f" (run with --debug or {DEBUG_ENV}=1 for the traceback)"
            _fail(f"internal error: {type(e).__name__}: {e}{hint}", EXIT_INTERNAL)


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.find_root().params.get("debug")) or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _os_message(e: OSError) -> str:
    where = e.filename if e.filename is not None else ""
    what = e.strerror or str(e)
    return f"{where}: {what}" if where else what


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"dockguard: error: {message}", err=True)
    sys.exit(code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="dockguard")
@click.option("--debug", is_flag=True, help=f"Show the traceback of an internal error [env {DEBUG_ENV}=1].")
def main(debug: bool) -> None:
    """DockGuard: register Chinese original scripts and scan foreign releases for copies.

    \b
    Exit codes: 0 ok, 1 flagged (a release reached --fail-on; verify found tampering),
    2 usage or input error, 3 internal error.

    \b
    Example:
      dockguard register --manifest corpus/registry.tsv
      dockguard scan corpus/releases/ --report report.html
    """


def _add_commands() -> None:
    from dockguard.cli import index, model, parse, receipts, registry, scan, service

    for module in (parse, registry, receipts, scan, index, model, service):
        for command in module.COMMANDS:
            main.add_command(command)


_add_commands()
