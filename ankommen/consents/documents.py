"""Checks for the signed consent document (proof of consent, Art. 7 (1) GDPR).

Only PDF, PNG and JPEG are accepted, recognised by their content (the first bytes), never by the
file name or the type the browser claims; at most 10 MB. The checksum is kept with the consent so
the stored proof can be shown to be the one that was uploaded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class DocumentType:
    signature: bytes
    content_type: str
    extension: str


DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    DocumentType(b"%PDF-", "application/pdf", ".pdf"),
    DocumentType(b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    DocumentType(b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
CONTENT_TYPES: frozenset[str] = frozenset(kind.content_type for kind in DOCUMENT_TYPES)


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    extension: str
    size: int
    sha256: str


def _size_of(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    stream: IO[bytes] = upload
    stream.seek(0, 2)
    end = stream.tell()
    stream.seek(0)
    return end


def check_document(upload: Any) -> CheckedDocument:
    """The document's type, size and checksum; ``ValidationError`` (translated) if it is empty,
    larger than 10 MB or not a PDF, PNG or JPEG by its content."""
    size = _size_of(upload)
    if size == 0:
        raise ValidationError(_("The document is empty."), code="empty")
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The document is %(size)s; at most %(limit)s are accepted."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_DOCUMENT_BYTES)},
        )
    upload.seek(0)
    head = upload.read(16)
    kind = next((k for k in DOCUMENT_TYPES if head.startswith(k.signature)), None)
    if kind is None:
        raise ValidationError(
            _("Only PDF, PNG or JPEG documents are accepted (recognised by their content)."), code="type"
        )
    digest = hashlib.sha256(head)
    while chunk := upload.read(64 * 1024):
        digest.update(chunk)
    upload.seek(0)
    return CheckedDocument(
        content_type=kind.content_type, extension=kind.extension, size=size, sha256=digest.hexdigest()
    )
