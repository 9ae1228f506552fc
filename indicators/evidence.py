"""Evidence files: what kinds are accepted, read from the content, never from the name.

A file is judged by its first bytes (its magic number) and by the bytes actually read, not by
the name, the browser's Content-Type or the declared size. Pure functions: no queries.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from plans.text import clean_text

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024
NAME_LIMIT = 200

OOXML = "application/vnd.openxmlformats-officedocument"
DOCX = f"{OOXML}.wordprocessingml.document"
XLSX = f"{OOXML}.spreadsheetml.sheet"
PPTX = f"{OOXML}.presentationml.presentation"
OLE2 = "application/x-ole-storage"  # legacy .doc / .xls: one container for both


class EvidenceRefused(Exception):
    """A file that is not accepted; the message names it, for the user."""


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


# Magic numbers: (prefix, kind). Office Open XML is a ZIP, looked into below.
_SIGNATURES = [
    (b"%PDF-", Kind("application/pdf", "pdf")),
    (b"\x89PNG\r\n\x1a\n", Kind("image/png", "png")),
    (b"\xff\xd8\xff", Kind("image/jpeg", "jpg")),
    (b"GIF87a", Kind("image/gif", "gif")),
    (b"GIF89a", Kind("image/gif", "gif")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Kind(OLE2, "doc")),
]
_OOXML_KINDS = {"word/": Kind(DOCX, "docx"), "xl/": Kind(XLSX, "xlsx"), "ppt/": Kind(PPTX, "pptx")}


def max_bytes() -> int:
    """Return the largest evidence file accepted, in bytes (settings.EVIDENCE_MAX_BYTES)."""
    return getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


def clean_name(name: str) -> str:
    """Return the file name as shown and offered on download: no folders, no control
    characters, composed Vietnamese, at most NAME_LIMIT characters. Never used as a path."""
    name = clean_text(re.split(r"[\\/]", name or "")[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.strip(" .") or "file"
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: NAME_LIMIT - len(ext) - 1]}.{ext}" if dot and len(ext) <= 10 else name
        name = name[:NAME_LIMIT]
    return name


def detect_kind(head: bytes, upload) -> Kind | None:
    """Return the kind of the file whose first bytes are `head`, None for any other."""
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return Kind("image/webp", "webp")
    for prefix, kind in _SIGNATURES:
        if head.startswith(prefix):
            return kind
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(upload)
    return None


def _ooxml_kind(upload) -> Kind | None:
    """Return the Office Open XML kind of a ZIP upload, None for any other ZIP."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for folder, kind in _OOXML_KINDS.items():
        if any(name.startswith(folder) for name in names):
            return kind
    return None


@dataclass(frozen=True)
class Checked:
    kind: Kind
    size: int  # the bytes read, not the size the request declared


def check_upload(upload) -> Checked:
    """Return the kind and size of an uploaded file after checking both.

    Raise EvidenceRefused, with a message naming the file, for a file larger than
    max_bytes() (counted while reading, whatever its header says) or of a kind not accepted.
    """
    name = clean_name(getattr(upload, "name", ""))
    limit = max_bytes()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        if len(head) < 16:
            head = (head + chunk)[:16]
        size += len(chunk)
        if size > limit:
            raise EvidenceRefused(
                _("“%(name)s” is larger than %(limit)s MB: it was not saved.")
                % {"name": name, "limit": megabytes(limit)}
            )
    upload.seek(0)
    if size == 0:
        raise EvidenceRefused(_("“%(name)s” is empty: it was not saved.") % {"name": name})
    kind = detect_kind(head, upload)
    if kind is None:
        raise EvidenceRefused(
            _(
                "“%(name)s” is not a PDF, an image (PNG, JPEG, GIF, WebP), a Word or an Excel "
                "file, whatever its name says: it was not saved."
            )
            % {"name": name}
        )
    return Checked(kind, size)


def megabytes(limit: int) -> str:
    """Return a size in bytes as megabytes written the Vietnamese way ("10", "2,5")."""
    value = limit / (1024 * 1024)
    return f"{value:g}".replace(".", ",")
