"""The evidence report of a finished scan, rendered by the CLI's HTML renderer."""

from __future__ import annotations

import inspect
from typing import Any

from dockguard.report.document import ScanDocument


def render_report(result: dict[str, Any]) -> str:
    """The HTML report of a stored scan document."""
    from dockguard.report.html import render_html

    document = ScanDocument.from_json(result, source="stored scan")
    # render_html is moving from the JSON mapping to the typed document; take whichever this checkout has.
    # TODO(after the HTML report takes ScanDocument everywhere): call render_html(document) only.
    first = next(iter(inspect.signature(render_html).parameters.values()))
    takes_mapping = "Mapping" in str(first.annotation)
    html: str = render_html(document.to_json() if takes_mapping else document)  # type: ignore[arg-type]
    return html
