"""The evidence report of a finished scan, rendered by the CLI's HTML renderer."""

from __future__ import annotations

from typing import Any

from dockguard.report.document import ScanDocument


def render_report(result: dict[str, Any]) -> str:
    """The HTML report of a stored scan document."""
    from dockguard.report.html import render_html

    return render_html(ScanDocument.from_json(result, source="stored scan"))
