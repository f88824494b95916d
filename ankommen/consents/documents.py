"""Checks for the signed consent document (proof of consent, Art. 7 (1) GDPR).

Only PDF, PNG and JPEG are accepted, recognised by their content (the first bytes), never by the
file name or the type the browser claims; at most 10 MB. The checksum is kept with the consent so
the stored proof can be shown to be the one that was uploaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ankommen.core.uploads import PDF_AND_IMAGES, head_of, kind_of, sha256_of, size_of

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


DOCUMENT_TYPES = PDF_AND_IMAGES
CONTENT_TYPES: frozenset[str] = frozenset(kind.content_type for kind in DOCUMENT_TYPES)


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    extension: str
    size: int
    sha256: str


def check_document(upload: Any) -> CheckedDocument:
    """The document's type, size and checksum; ``ValidationError`` (translated) if it is empty,
    larger than 10 MB or not a PDF, PNG or JPEG by its content."""
    size = size_of(upload)
    if size == 0:
        raise ValidationError(_("The document is empty."), code="empty")
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The document is %(size)s; at most %(limit)s are accepted."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_DOCUMENT_BYTES)},
        )
    kind = kind_of(head_of(upload), DOCUMENT_TYPES)
    if kind is None:
        raise ValidationError(
            _("Only PDF, PNG or JPEG documents are accepted (recognised by their content)."), code="type"
        )
    return CheckedDocument(
        content_type=kind.content_type, extension=kind.extension, size=size, sha256=sha256_of(upload)
    )
