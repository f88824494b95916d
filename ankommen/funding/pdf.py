"""PDF documents of the funding programme (WeasyPrint through ``ankommen.core.pdf``, ADR 0011):
the forwarding contract, an organisation's proof of use and the year's proof of use to the state.
Text typed by users reaches the templates auto-escaped, as on every page.
"""

from __future__ import annotations

from typing import Any

from ankommen.core import pdf
from ankommen.core.pdf import html_to_pdf

STYLESHEET = "funding/pdf.css"

__all__ = ["html_to_pdf", "render_pdf"]


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` with ``context`` to PDF bytes, with the funding stylesheet."""
    return pdf.render_pdf(template, context, stylesheet=STYLESHEET)
