"""Terminal rendering with rich: colour for people, plain when piped or with NO_COLOR."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

VERDICT_STYLE = {
    "clear": "green",
    "review": "yellow",
    "partial-copy": "bold dark_orange",
    "copy": "bold red",
    "translated-copy": "bold red",
    "localized-copy": "bold red",
}


def print_scan(console: Console, document: dict[str, Any], pairs: int = 5) -> None:
    for r in document["results"]:
        style = VERDICT_STYLE.get(r["verdict"], "")
        console.print(
            f"[bold]{r['path']}[/bold]  ({r['format']}, {r['language']}, {r['lines']} lines)  "
            f"[{style}]{r['verdict'].upper()}[/{style}]" + ("  [red]FLAGGED[/red]" if r["flagged"] else "")
        )
        shown = [m for m in r["matches"] if m["verdict"] != "clear"] or r["matches"][:1]
        for m in shown:
            ms = VERDICT_STYLE.get(m["verdict"], "")
            e = m["evidence"]
            console.print(
                f"  [{ms}]{m['verdict']}[/{ms}] {m['title']} [dim]({m['work_id']}, {m['owner'] or 'no owner'})[/dim]"
                f"  score {m['score']:.3f}  coverage {e['coverage_original']:.0%} of original, "
                f"{e['coverage_release']:.0%} of release, longest run {e['longest_run']}"
            )
            for reason in m["reasons"]:
                console.print(f"    · {reason}", highlight=False)
            if m["verdict"] == "clear":
                continue
            renames = [x for x in e["renames"] if x["renamed"]]
            if renames:
                console.print(
                    "    renames: "
                    + "; ".join(f"{x['original']} → {x['release']} ({x['support']})" for x in renames[:8])
                )
            if pairs and e["pairs"]:
                table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
                table.add_column("original", overflow="fold")
                table.add_column("release", overflow="fold")
                table.add_column("sim", justify="right")
                step = max(1, len(e["pairs"]) // pairs)
                for p in e["pairs"][::step][:pairs]:
                    table.add_row(
                        f"[dim]{p['original']['where']}[/dim] {p['original']['text']}",
                        f"[dim]{p['release']['where']}[/dim] {p['release']['text']}",
                        f"{p['similarity']:.2f}",
                    )
                console.print(table)
        console.print()
    n = len(document["results"])
    console.print(f"{n} release(s) scanned, {document['flagged']} flagged at {document['fail_on']} or above.")
