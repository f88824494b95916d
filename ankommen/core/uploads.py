"""What every upload check shares: the size of an uploaded file, its kind recognised by the first
bytes of its content (never by the file name or the type the browser claims), and its checksum.

The apps decide what they accept and word their own messages: ``consents.documents`` (signed
consent documents, also used for cooperation agreements) and ``funding.files`` (applications and
proofs, also office documents).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any


@dataclass(frozen=True)
class FileKind:
    signature: bytes
    content_type: str
    extension: str


PDF_AND_IMAGES: tuple[FileKind, ...] = (
    FileKind(b"%PDF-", "application/pdf", ".pdf"),
    FileKind(b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    FileKind(b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


def size_of(upload: Any) -> int:
    """The upload's size in bytes (Django's uploaded files know it; a plain stream is measured)."""
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    stream: IO[bytes] = upload
    stream.seek(0, 2)
    end = stream.tell()
    stream.seek(0)
    return end


def head_of(upload: Any, length: int = 16) -> bytes:
    """The first bytes of the content (the stream is left at its start)."""
    upload.seek(0)
    head = bytes(upload.read(length))
    upload.seek(0)
    return head


def kind_of(head: bytes, kinds: tuple[FileKind, ...] = PDF_AND_IMAGES) -> FileKind | None:
    """The kind whose signature the content starts with, if any."""
    return next((kind for kind in kinds if head.startswith(kind.signature)), None)


def sha256_of(upload: Any) -> str:
    """The SHA-256 of the whole content, read in chunks (the stream is left at its start)."""
    upload.seek(0)
    digest = hashlib.sha256()
    while chunk := upload.read(64 * 1024):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
