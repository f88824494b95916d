"""PDF rendering loads nothing but our own stylesheets (ankommen/core/pdf.py)."""

from __future__ import annotations

import pytest
from weasyprint.urls import FatalURLFetchingError

from ankommen.core.pdf import RefusedURL, _fetcher_class, html_to_pdf, read_static, render_pdf, static_url

OUTSIDE = (
    "https://example.org/logo.png",
    "http://127.0.0.1:8000/static/conferences/pdf.css",
    "file:///etc/passwd",
    "data:text/css,body{}",
    static_url("css/ankommen.css"),  # ours, but not a PDF stylesheet
    static_url("../../settings.py"),
    "https://ankommen.invalid/media/consents/1.pdf",
)


@pytest.mark.parametrize("url", OUTSIDE)
def test_only_the_pdf_stylesheets_are_read(url: str) -> None:
    with pytest.raises(RefusedURL):
        read_static(url)


def test_the_fetcher_serves_our_stylesheets_and_stops_rendering_on_anything_else() -> None:
    assert b"DejaVu Sans" in read_static(static_url("conferences/pdf.css"))
    assert b"DejaVu Sans" in read_static(static_url("funding/pdf.css"))
    fetcher = _fetcher_class()(allowed_protocols=["https"], allow_redirects=False, timeout=1)
    assert b"DejaVu" in fetcher.fetch(static_url("conferences/pdf.css")).read()
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch("https://example.org/tracker.png")


@pytest.mark.parametrize(
    "reference",
    ['<img src="https://example.org/track.png">', '<img src="file:///etc/passwd">', '<img src="logo.png">'],
)
def test_a_reference_in_a_document_stops_the_rendering(reference: str) -> None:
    with pytest.raises(FatalURLFetchingError):
        html_to_pdf(f"<p>Vertrag</p>{reference}")


def test_a_template_renders_with_its_stylesheet() -> None:
    pdf = render_pdf(
        "funding/pdf/proof.html", {"title": "x", "measures": [], "modules": []}, stylesheet="funding/pdf.css"
    )
    assert pdf.startswith(b"%PDF-")
