"""Checks for uploaded documents: PDF, PNG, JPEG and office documents (Word, Excel, PowerPoint in
Office Open XML; OpenDocument text and spreadsheet), recognised by their content, never by the
file name or the type the browser claims; at most ``MAX_BYTES``.

Office documents are ZIP containers: the check opens the container and looks for the parts that
make it the claimed kind. Macro-enabled documents (a ``vbaProject.bin`` part), encrypted
containers and containers that would unpack to more than ``MAX_UNPACKED_BYTES`` (zip bombs) are
refused. The old binary formats (.doc, .xls) are refused: they cannot be checked this way and
are a common carrier of macros.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ankommen.core.uploads import PDF_AND_IMAGES, head_of, kind_of, sha256_of, size_of

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str


SIMPLE_TYPES = PDF_AND_IMAGES
# Office Open XML: the main part that makes the container a document of this kind.
OOXML_TYPES: tuple[tuple[str, str, str], ...] = (
    ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
)
ODF_TYPES: dict[str, str] = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
ACCEPTED_EXTENSIONS = ".pdf, .png, .jpg, .docx, .xlsx, .pptx, .odt, .ods"

NOT_ACCEPTED = _(
    "Only PDF, PNG, JPEG and office documents (Word, Excel, PowerPoint, OpenDocument) are accepted, "
    "recognised by their content."
)


def _office_type(upload: Any) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(upload) as container:
            infos = container.infolist()
            if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise ValidationError(_("The document unpacks to too much data."), code="zip_bomb")
            if any(i.flag_bits & 0x1 for i in infos):
                raise ValidationError(_("Encrypted documents are not accepted."), code="encrypted")
            names = {i.filename for i in infos}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise ValidationError(_("Documents with macros are not accepted."), code="macros")
            if "[Content_Types].xml" in names:
                for part, content_type, extension in OOXML_TYPES:
                    if part in names:
                        return content_type, extension
            if infos and infos[0].filename == "mimetype":
                mimetype = container.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype in ODF_TYPES:
                    return mimetype, ODF_TYPES[mimetype]
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        pass
    raise ValidationError(NOT_ACCEPTED, code="type")


def check_upload(upload: Any) -> CheckedFile:
    """The file's type, size and checksum; ``ValidationError`` (translated) if it is empty, too
    large or not one of the accepted kinds by its content."""
    size = size_of(upload)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s are accepted."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)},
        )
    head = head_of(upload)
    simple = kind_of(head, SIMPLE_TYPES)
    kind = (simple.content_type, simple.extension) if simple is not None else None
    if kind is None and head.startswith(ZIP_SIGNATURE):
        kind = _office_type(upload)
        upload.seek(0)
    if kind is None:
        raise ValidationError(NOT_ACCEPTED, code="type")
    return CheckedFile(content_type=kind[0], extension=kind[1], size=size, sha256=sha256_of(upload))
