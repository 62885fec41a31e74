"""`dockguard scan`, `compare` and `report`: releases against originals, and the evidence."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from dockguard.cli.common import (
    EXIT_FLAGGED,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    backend_option,
    console,
    db_option,
    device_option,
    fail_on_option,
    format_option,
    index_dir_option,
    model_option,
    open_registry,
    progress,
    with_ray_options,
)
from dockguard.cli.output import PendingFile
from dockguard.model import VerdictLevel
from dockguard.report.document import ScanDocument


class _Outputs:
    """The files a command writes (`-o`, `--report`, `--pdf`): each opened as a PendingFile before
    any work, so a path that cannot be written fails at once, and committed only at the end."""

    def __init__(self, output: Path | None, report: Path | None, pdf: Path | None) -> None:
        self.pending: list[PendingFile] = []
        try:
            self.output = self._add(output, make_parents=False)
            self.report = self._add(report or (pdf.with_suffix(".html") if pdf else None), make_parents=True)
            self.pdf = self._add(pdf, make_parents=True)
        except BaseException:
            self.discard()
            raise

    def _add(self, path: Path | None, make_parents: bool) -> PendingFile | None:
        if path is None:
            return None
        pending = PendingFile(path, make_parents=make_parents)
        self.pending.append(pending)
        return pending

    def write_reports(self, document: ScanDocument) -> None:
        """Render the HTML report (and its PDF) into the pending files."""
        if self.report is None:
            return
        from dockguard.report.html import render_html

        self.report.write_text(render_html(document))
        if self.pdf is not None:
            from dockguard.report.browser import html_to_pdf

            html_to_pdf(self.report.temp, self.pdf.temp)

    def commit(self) -> None:
        for pending in self.pending:
            pending.commit()
            if pending is not self.output:
                click.echo(f"written {pending.target}", err=True)

    def discard(self) -> None:
        for pending in self.pending:
            pending.discard()


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--top", default=5, show_default=True, help="Matches reported per release.")
@format_option("text", "json", "jsonl", "junit")
@fail_on_option
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a self-contained HTML report here.",
)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also print the HTML report to PDF (headless Chromium).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the output here instead of stdout (only once the scan succeeded).",
)
@db_option
@model_option
@device_option
@backend_option
@index_dir_option
@with_ray_options
def scan(
    paths: Sequence[Path],
    top: int,
    fmt: str,
    fail_on: str,
    report_path: Path | None,
    pdf_path: Path | None,
    output: Path | None,
    db: str | None,
    model: str | None,
    device: str | None,
    backend: str | None,
    index_dir: Path | None,
    use_ray: bool,
    workers: int | None,
) -> None:
    """Scan releases (scripts or subtitles, any language) against the registry.

    Each PATH is a release: a file, a folder of episode files or a zip; a folder of releases is
    scanned release by release. Exit 1 when a release reaches --fail-on (the CI check). Files
    named by -o, --report and --pdf are replaced only when the whole scan succeeded.
    With --ray, Ray workers read and embed the releases; one that cannot be read fails only itself:
    the others are scanned and written, the failures listed at the end, exit 2.

    \b
    Examples:
      dockguard scan upload/the_heir_s01/ --report evidence.html
      dockguard scan uploads/ --format jsonl --fail-on localized-copy > results.jsonl
      RAY_ADDRESS=ray://head:10001 dockguard scan library/ --ray --format jsonl -o results.jsonl
    """
    from dockguard.embed import load_embedder
    from dockguard.formats import expand_works
    from dockguard.pipeline import Scanner
    from dockguard.registry import redact_url, resolve_db_url

    level = VerdictLevel(fail_on)
    releases = expand_works(paths)
    failed: list = []  # type: ignore[type-arg]
    outputs = _Outputs(output, report_path, pdf_path)
    try:
        url = resolve_db_url(db)
        stream = outputs.output.open() if outputs.output else sys.stdout
        try:
            with open_registry(db) as registry:
                embedder = load_embedder(model, device, backend=backend)
                model_id = embedder.model_id
                # the document's header, known before the first release: jsonl prints each result under it
                header = ScanDocument.build([], registry=redact_url(url), model=model_id, fail_on=level)
                results = []
                with progress(len(releases), "scanning", fmt == "text" and len(releases) > 1) as advance:

                    def done(result):  # type: ignore[no-untyped-def]
                        results.append(result)
                        if fmt == "jsonl":
                            stream.write(json.dumps(header.result_json(result), ensure_ascii=False) + "\n")
                            stream.flush()
                        advance(1)

                    if use_ray:  # --- Ray: the library does it all (dockguard.distributed)
                        from dockguard.distributed import EmbedderSpec, scan_catalogue

                        catalogue = scan_catalogue(
                            registry,
                            releases,
                            embedder=EmbedderSpec(model, device, backend),
                            workers=workers,
                            on_result=done,
                            index_dir=index_dir,
                        )
                        results, failed = (
                            list(catalogue.results),
                            list(catalogue.failed),
                        )  # in the order given
                        model_id = catalogue.model_id
                    else:
                        scanner = Scanner(registry, embedder, index_dir=index_dir)
                        for path in releases:
                            done(scanner.scan_path(path))
            document = ScanDocument.build(
                results, registry=header.registry, model=model_id, fail_on=level, top=top
            )
            _render(document, fmt, stream, to_file=outputs.output is not None)
        finally:
            if stream is not sys.stdout:
                stream.close()
        outputs.write_reports(document)
        outputs.commit()
    except BaseException:
        outputs.discard()
        raise
    for f in failed:
        click.echo(
            f"error: {f.message}" if f.kind == "input" else f"internal error: {f.path}: {f.message}", err=True
        )
    if failed:
        sys.exit(EXIT_INTERNAL if any(f.kind == "internal" for f in failed) else EXIT_USAGE)
    sys.exit(EXIT_FLAGGED if document.flagged else EXIT_OK)


def _render(document: ScanDocument, fmt: str, stream, to_file: bool) -> None:  # type: ignore[no-untyped-def]
    if fmt == "json":
        stream.write(document.dumps() + "\n")
    elif fmt == "junit":
        from dockguard.report.junit import render_junit

        stream.write(render_junit(document) + "\n")
    elif fmt == "text":
        from rich.console import Console

        from dockguard.report.text import print_scan

        print_scan(Console(file=stream, highlight=False, soft_wrap=True) if to_file else console(), document)


@click.command()
@click.argument("original", type=click.Path(exists=True, path_type=Path))
@click.argument("release", type=click.Path(exists=True, path_type=Path))
@format_option("text", "json")
@fail_on_option
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write an HTML report.",
)
@model_option
@device_option
@backend_option
def compare(
    original: Path,
    release: Path,
    fmt: str,
    fail_on: str,
    report_path: Path | None,
    model: str | None,
    device: str | None,
    backend: str | None,
) -> None:
    """Compare two works directly, with no registry.

    \b
    Example:
      dockguard compare corpus/originals/xihu_wusheng.txt corpus/releases/en/xihu_wusheng.en.fountain
    """
    from dockguard.embed import load_embedder
    from dockguard.pipeline import compare_paths

    outputs = _Outputs(None, report_path, None)
    try:
        embedder = load_embedder(model, device, backend=backend)
        result = compare_paths(original, release, embedder)
        document = ScanDocument.build(
            [result], registry="(none: compare)", model=embedder.model_id, fail_on=VerdictLevel(fail_on)
        )
        _render(document, fmt, sys.stdout, to_file=False)
        outputs.write_reports(document)
        outputs.commit()
    except BaseException:
        outputs.discard()
        raise
    sys.exit(EXIT_FLAGGED if document.flagged else EXIT_OK)


@click.command()
@click.argument("result", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="HTML file to write.",
)
@click.option(
    "--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), help="Also print it to PDF."
)
def report(result: Path, output: Path, pdf_path: Path | None) -> None:
    """Render a saved `scan --format json` result as a self-contained HTML report.

    A file that is not a DockGuard scan result (see dockguard/report/scan.schema.json) is refused.

    \b
    Example:
      dockguard scan release.srt --format json -o result.json; dockguard report result.json -o report.html
    """
    from dockguard.errors import InputError

    try:
        text = result.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(result, f"cannot be read ({e})") from e
    document = ScanDocument.loads(text, source=str(result))
    outputs = _Outputs(None, output, pdf_path)
    try:
        outputs.write_reports(document)
        outputs.commit()
    except BaseException:
        outputs.discard()
        raise


COMMANDS = [scan, compare, report]
