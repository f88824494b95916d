"""The minutes of a case conference as PDF (WeasyPrint through ``ankommen.core.pdf``, ADR 0011).

The PDF is rendered from an HTML template that shares its body with the conference page
(``conferences/includes/record.html``), so the screen and the document cannot drift apart and
anonymisation is applied once, in ``presentation``.
"""

from __future__ import annotations

from typing import Any

from ankommen.core import pdf

STYLESHEET = "conferences/pdf.css"


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` with ``context`` to PDF bytes, with the conference stylesheet."""
    return pdf.render_pdf(template, context, stylesheet=STYLESHEET)
