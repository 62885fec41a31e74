"""Terminal rendering with rich: colour for people, plain when piped or with NO_COLOR."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from dockguard.model import VerdictLevel
from dockguard.report.document import ScanDocument
from dockguard.report.verdicts import VERDICT_WORDS


def print_scan(console: Console, document: ScanDocument, pairs: int = 5) -> None:
    for r in document.results:
        style = VERDICT_WORDS[r.verdict].style
        console.print(
            f"[bold]{r.path}[/bold]  ({r.format}, {r.language}, {r.lines} lines)  "
            f"[{style}]{r.verdict.value.upper()}[/{style}]"
            + ("  [red]FLAGGED[/red]" if document.is_flagged(r) else "")
        )
        shown = [m for m in r.matches if m.verdict.level is not VerdictLevel.CLEAR] or list(r.matches[:1])
        for m in shown:
            level = m.verdict.level
            ms = VERDICT_WORDS[level].style
            e = m.evidence
            console.print(
                f"  [{ms}]{level.value}[/{ms}] {m.title} [dim]({m.work_id}, {m.owner or 'no owner'})[/dim]"
                f"  score {m.verdict.score:.3f}  coverage {e.coverage_original:.0%} of original, "
                f"{e.coverage_release:.0%} of release, longest run {e.longest_run}"
            )
            for reason in m.verdict.reasons:
                console.print(f"    · {reason}", highlight=False)
            if level is VerdictLevel.CLEAR:
                continue
            renames = [x for x in e.renames if x.renamed]
            if renames:
                console.print(
                    "    renames: "
                    + "; ".join(f"{x.original} → {x.release} ({x.support})" for x in renames[:8])
                )
            if pairs and e.pairs:
                table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
                table.add_column("original", overflow="fold")
                table.add_column("release", overflow="fold")
                table.add_column("sim", justify="right")
                step = max(1, len(e.pairs) // pairs)
                for p in e.pairs[::step][:pairs]:
                    table.add_row(
                        f"[dim]{p.original.where}[/dim] {p.original.text}",
                        f"[dim]{p.release.where}[/dim] {p.release.text}",
                        f"{p.similarity:.2f}",
                    )
                console.print(table)
        console.print()
    n = len(document.results)
    console.print(f"{n} release(s) scanned, {document.flagged} flagged at {document.fail_on.value} or above.")
