"""The type of a file comes from its bytes: what is kept, what is refused, and the name it is kept under."""

from __future__ import annotations

import io

import pytest

from tradeloom.documents import content
from tradeloom.documents.tests.conftest import (
    CSV,
    ELF,
    EXE,
    HTML,
    SVG,
    TEXT,
    pdf_bytes,
    png_bytes,
    xlsx_bytes,
    zip_bytes,
)


def kind_of(data: bytes) -> str:
    return content.content_kind(io.BytesIO(data), head=data[: content.HEAD_BYTES], size=len(data)).content_type


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pdf_bytes(), "application/pdf"),
        (png_bytes(), "image/png"),
        (xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (CSV, "text/csv"),
        (b"\xef\xbb\xbf" + CSV.replace(b",", b";"), "text/csv"),
        (TEXT, "text/plain"),
        ("Café au lait, très bien".encode("cp1252"), "text/plain"),
    ],
    ids=["pdf", "png", "xlsx", "csv", "csv-semicolon-bom", "text", "latin-1 text"],
)
def test_the_type_is_read_from_the_content(data, expected):
    assert kind_of(data) == expected


@pytest.mark.parametrize(
    "data",
    [EXE, ELF, HTML, SVG, zip_bytes(), xlsx_bytes(macro=True), b"\x00\x01\x02binary\x00", b"  <html><p>x</p>"],
    ids=["exe", "elf", "html", "svg", "zip", "macro xlsx", "binary", "html without doctype"],
)
def test_executables_markup_archives_and_binary_are_refused(data):
    with pytest.raises(content.Refused):
        kind_of(data)


@pytest.mark.parametrize(
    ("raw", "media_type", "kept"),
    [
        ("spec.pdf", "application/pdf", "spec.pdf"),
        ("scan.pdf", "image/png", "scan.png"),  # the content wins
        ("C:\\Users\\ann\\Desktop\\tech pack.PDF", "application/pdf", "tech pack.PDF"),
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("report", "application/pdf", "report.pdf"),
        ("v1.2 final", "application/pdf", "v1.2 final.pdf"),
        ('bad"name<script>.pdf', "application/pdf", "bad_name_script_.pdf"),
        ("\u202eevil\u0000.pdf", "application/pdf", "evil.pdf"),
        ("...", "text/csv", "file.csv"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 196 + ".pdf"),
    ],
)
def test_names_are_cleaned_and_end_with_the_contents_extension(raw, media_type, kept):
    assert content.clean_name(raw, content.Kind(media_type)) == kept
