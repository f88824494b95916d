"""PDF documents rendered from HTML templates with WeasyPrint (ADR 0011).

Used by the conference minutes, the steering bodies' minutes and the funding programme's
contracts and proofs of use. Text layout (bidirectional text, Arabic, Persian, Tigrinya) is
Pango's; the fonts are the system's DejaVu fonts (Debian fonts-dejavu-core).

Nothing is loaded from outside: the document's base URL is a made-up origin under the reserved
``.invalid`` top-level domain, and the URL fetcher answers only for our own static stylesheets
(``STYLESHEETS``) and refuses every other URL, including ``file:``,
``data:`` and network addresses, so neither a template nor text typed by a user can make the
renderer reach the network or read a file. A refused URL stops the rendering (``RefusedURL``)
instead of silently leaving a gap. Templates link their stylesheet as
``<link rel="stylesheet" href="{{ pdf_stylesheet }}">``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

ORIGIN = "https://ankommen.invalid"
# The stylesheets PDF templates may link (static paths); anything else is refused.
STYLESHEETS = frozenset({"conferences/pdf.css", "funding/pdf.css"})


class RefusedURL(ValueError):
    """A URL the PDF renderer must not load."""


def static_url(path: str) -> str:
    return f"{ORIGIN}{settings.STATIC_URL}{path}"


def read_static(url: str) -> bytes:
    """The bytes of one of our static stylesheets, by its URL under ``ORIGIN``; ``RefusedURL``
    for anything else."""
    prefix = static_url("")
    path = url[len(prefix) :] if url.startswith(prefix) else None
    if path is None or path not in STYLESHEETS:
        logger.warning("PDF rendering refused to load %s", url[:200])
        raise RefusedURL(f"Refused to load {url[:200]!r}: only our own static stylesheets are allowed")
    found = finders.find(path)
    if not found:
        raise RefusedURL(f"Static file {path!r} not found")
    return Path(str(found)).read_bytes()


def _fetcher_class() -> type:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class LocalStaticFetcher(URLFetcher):  # type: ignore[misc]
        """Serves our static stylesheets from the app directories; refuses everything else."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            try:
                body = read_static(url)
            except RefusedURL as refused:
                raise FatalURLFetchingError(str(refused)) from refused  # stops the rendering
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "text/css"})

    return LocalStaticFetcher


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document (loading nothing but our own stylesheets)."""
    from weasyprint import HTML

    fetcher = _fetcher_class()(allowed_protocols=["https"], allow_redirects=False, timeout=1)
    return bytes(HTML(string=html, base_url=f"{ORIGIN}/", url_fetcher=fetcher).write_pdf())


def render_pdf(template: str, context: dict[str, Any], *, stylesheet: str) -> bytes:
    """Render ``template`` with ``context`` (plus ``pdf_stylesheet``, the URL of ``stylesheet``)
    to PDF bytes."""
    return html_to_pdf(render_to_string(template, {**context, "pdf_stylesheet": static_url(stylesheet)}))
