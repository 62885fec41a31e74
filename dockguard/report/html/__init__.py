"""The HTML evidence report: one self-contained file (inline CSS, JS and SVG) rendered from a `ScanDocument`.

`page` lays out the report and each release, `match` one match's cards, `dotplot` its SVG figure,
`passages` the side-by-side lines, `format` the small formatters they share. The stylesheet and script are
package data beside this package (`report/report.css`, `report/report.js`).
"""

from __future__ import annotations

from .page import render_html
from .passages import PAIRS_SHOWN

__all__ = ["PAIRS_SHOWN", "render_html"]
