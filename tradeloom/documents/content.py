"""What an uploaded file is, read from its bytes (never from its name or the type the client declared), and the
name it is kept under.

* Binary formats by their signature (``filetype``): PDF, PNG, JPEG, GIF, WebP, HEIC/HEIF, TIFF; Office documents —
  Word, Excel and PowerPoint (2007+ and 97-2003) and OpenDocument text, sheets and presentations. A zip is an Office
  document only when its directory says so (``[Content_Types].xml`` and a ``word/``, ``xl/`` or ``ppt/`` part, or an
  OpenDocument ``mimetype``); macro-enabled ones (a ``vbaProject.bin`` part) are refused. The directory is read,
  nothing is decompressed.
* Anything else must be text: no NUL byte and no control character but tab, line feeds and form feed (in the first
  64 KB, where markup is looked for too); then CSV when its lines split alike on one delimiter (``,`` ``;`` tab
  ``|``), otherwise plain text. Text that is markup a browser would run — HTML, SVG, XML — is refused.
* Every other signature (executables, archives, audio and video …) is refused.

The content wins: the type kept and served is the one read here, whatever the client said; a name whose extension
disagrees gets the type's extension (a PNG uploaded as ``scan.pdf`` is kept as ``scan.png``).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype

# media type → the extension a kept name ends with
ALLOWED: dict[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/tiff": "tif",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "text/csv": "csv",
    "text/plain": "txt",
}
# extensions a kept name may keep for a type (``.jpeg`` stays ``.jpeg``; ``.txt`` text may be ``.log``, ``.md`` …)
_SAME = {
    "jpg": {"jpg", "jpeg"},
    "tif": {"tif", "tiff"},
    "txt": {"txt", "text", "log", "md", "json", "tsv", "csv", "edi", "ini"},
    "csv": {"csv", "tsv", "txt"},
}
_OOXML_PARTS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_ODF = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
HEAD_BYTES = 64 * 1024
# markup a browser renders or runs: refused wherever it appears in the first 64 KB of a text
_MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|img|a\s|form|xml|\?xml)|"
    rb"javascript:",
    re.IGNORECASE,
)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class Refused(Exception):
    """The file is not one Tradeloom keeps; the message says what it is."""


@dataclass(frozen=True)
class Kind:
    content_type: str

    @property
    def extension(self) -> str:
        return ALLOWED[self.content_type]


def _zipped_office(handle: IO[bytes]) -> str | None:
    """The Office or OpenDocument type of a zip by its directory, ``None`` for any other zip. Refuses macros."""
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise Refused("Macro-enabled Office documents are not accepted; save it without macros.")
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    declared = archive.read("mimetype").decode("ascii", "replace").strip()
                    if declared in _ODF:
                        return declared
            if "[Content_Types].xml" in names:
                for prefix, media_type in _OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return media_type
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    finally:
        handle.seek(0)
    return None


def _text_kind(head: bytes, *, complete: bool) -> str | None:
    sample = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if _CONTROL.search(sample):
        return None
    if _MARKUP.search(sample):
        raise Refused("HTML, SVG and other markup files are not accepted; attach a PDF or an image instead.")
    if not complete:  # the sniffer reads whole lines: drop the last, perhaps cut, one
        sample = sample.rsplit(b"\n", 1)[0]
    text = sample.decode("utf-8", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()][:50]
    if len(lines) >= 2:
        try:
            dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|")
        except csv.Error:
            return "text/plain"
        rows = list(csv.reader(io.StringIO("\n".join(lines)), dialect))
        widths = {len(row) for row in rows}
        if len(widths) == 1 and widths.pop() >= 2:
            return "text/csv"
    return "text/plain"


def content_kind(handle: IO[bytes], *, head: bytes, size: int) -> Kind:
    """The type of the file whose first bytes are ``head`` (``handle`` reads it whole, for a zip's directory)."""
    guessed = filetype.guess(head[:8192])
    if guessed is not None:
        media_type = guessed.mime
        if media_type == "application/zip" or media_type in _OOXML_PARTS.values() or media_type in _ODF:
            office = _zipped_office(handle)
            if office is None:
                raise Refused("Archives (zip) are not accepted; attach the documents themselves.")
            return Kind(office)
        if media_type == "application/x-ole-storage":
            raise Refused("This kind of file is not accepted.")
        if media_type in ALLOWED:
            return Kind(media_type)
        raise Refused(f"Files of type {media_type} are not accepted: attach PDFs, images, Office documents or text.")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # an OLE container filetype could not name
        raise Refused("This kind of file is not accepted: attach PDFs, images, Office documents or text.")
    text = _text_kind(head, complete=size <= len(head))
    if text is None:
        raise Refused("This kind of file is not accepted: attach PDFs, images, Office documents or text.")
    return Kind(text)


_UNSAFE = re.compile(r"[^\w\s.\-()\[\]+,&@#']", re.UNICODE)


def clean_name(raw: str, kind: Kind) -> str:
    """A display name safe in a header and a page: the last path part, printable, at most 200 characters, ending
    with the content's extension."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    wanted = kind.extension
    if extension.lower() not in _SAME.get(wanted, {wanted}):
        if not (extension.isalnum() and len(extension) <= 5):  # "v1.2 final": no extension to replace
            stem = name
        extension = wanted
    stem = stem.strip(" .") or "file"
    return f"{stem[: 200 - len(extension) - 1]}.{extension}"
