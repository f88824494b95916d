"""The dashboard as PDF (WeasyPrint, ADR 0011): the same tables and charts as the screen.

Configured like the conference minutes (``conferences/pdf.py``): the document's base URL is a
made-up origin under the reserved ``.invalid`` domain and the URL fetcher serves only the listed
static file of this app (the print stylesheet) and refuses every other URL, including ``file:``,
``data:`` and network addresses. The charts are inline SVG in the HTML: nothing to fetch.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

ORIGIN = "https://ankommen.invalid"
STYLESHEET = "dashboard/pdf.css"
ALLOWED_STATIC = frozenset({STYLESHEET})


class RefusedURL(ValueError):
    """A URL the PDF renderer must not load."""


def static_url(path: str) -> str:
    return f"{ORIGIN}{settings.STATIC_URL}{path}"


def read_static(url: str) -> bytes:
    """The bytes of the allowed static file, by its URL under ``ORIGIN``; ``RefusedURL`` otherwise."""
    prefix = static_url("")
    path = url[len(prefix) :] if url.startswith(prefix) else None
    if path is None or path not in ALLOWED_STATIC:
        logger.warning("PDF rendering refused to load %s", url[:200])
        raise RefusedURL(f"Refused to load {url[:200]!r}: only our own static files are allowed")
    found = finders.find(path)
    if not found:
        raise RefusedURL(f"Static file {path!r} not found")
    return Path(str(found)).read_bytes()


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalStaticFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            content_type = mimetypes.guess_type(url)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=read_static(url), headers={"Content-Type": content_type})

    return LocalStaticFetcher(allowed_protocols=["https"], allow_redirects=False, timeout=1)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "pdf_stylesheet": static_url(STYLESHEET)})
    document = HTML(string=html, base_url=f"{ORIGIN}/", url_fetcher=_fetcher())
    return bytes(document.write_pdf())
