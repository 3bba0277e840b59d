"""Reading uploads: every refusal with its code, encodings, delimiters and workbook cells."""

from __future__ import annotations

import codecs
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from tradeloom.core.exceptions import ApplicationError
from tradeloom.imports import files


def xlsx(rows: list[list[object]], title: str = "Sheet") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refused(content: bytes, **options: object) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        files.read_file(content, **options)
    return caught.value


def test_a_file_beyond_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    error = refused(b"Code,Name\n" + b"a,b\n" * 40)
    assert error.code == "import_too_large"
    assert error.extra["max_bytes"] == 100


def test_a_file_beyond_the_row_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    assert files.read_file(b"Code\n1\n2\n3\n").rows == [["1"], ["2"], ["3"]]
    error = refused(b"Code\n1\n2\n3\n4\n")
    assert error.code == "import_too_many_rows"
    assert "3" in error.message


@pytest.mark.parametrize("content", [b"", b"  \n\n", b"\n,,\n"])
def test_an_empty_file_or_one_without_a_header_is_refused(content):
    assert refused(content).code == "import_empty"


def test_a_binary_file_is_refused_whatever_its_name():
    assert refused(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256))).code in (
        "import_unreadable",
        "import_encoding",
    )
    assert refused(b"%PDF-1.4\n\x00\x01\x02\x03\x04\x05binary").code == "import_unreadable"


def test_a_zip_that_is_not_a_workbook_is_unreadable():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refused(out.getvalue()).code == "import_unreadable"


def test_a_damaged_workbook_is_malformed():
    good = xlsx([["Code"], ["m"]])
    assert refused(good[: len(good) // 2]).code == "import_malformed"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not xml")
        archive.writestr("xl/workbook.xml", "<nope")
    assert refused(out.getvalue()).code == "import_malformed"


def test_a_zip_bomb_is_refused_before_it_is_inflated(settings):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))  # 20 MiB of zeros, ~20 KiB zipped
    bomb = out.getvalue()
    assert len(bomb) < 100 * 1024
    assert refused(bomb).code == "import_zip_bomb"  # the ratio (about 1000:1)
    settings.IMPORT_MAX_ZIP_RATIO = 10_000
    settings.IMPORT_MAX_UNZIPPED_BYTES = 10 * 1024 * 1024
    assert refused(bomb).code == "import_zip_bomb"  # the total


def test_a_file_that_is_not_utf8_is_refused_naming_the_byte_unless_its_encoding_is_chosen():
    content = "Code,Name\nm,Mètre\n".encode("cp1252")
    error = refused(content)
    assert error.code == "import_encoding"
    assert error.extra["offset"] == content.index(b"\xe8")
    assert "CSV UTF-8" in error.message
    read = files.read_file(content, encoding="cp1252")
    assert read.rows == [["m", "Mètre"]]
    assert read.encoding == "cp1252"


def test_utf16_is_recognised_by_its_byte_order_mark_and_a_utf8_bom_is_dropped():
    utf16 = "Code\tName\nm\tMètre\n".encode("utf-16")
    read = files.read_file(utf16)
    assert (read.encoding, read.headers, read.rows) == ("utf-16", ["Code", "Name"], [["m", "Mètre"]])
    bom = codecs.BOM_UTF8 + "Code,Name\nm,Mètre\n".encode()
    assert files.read_file(bom).headers == ["Code", "Name"]


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"Code,,Name\n1,2,3\n", "import_bad_headers"), (b"Code,Name,code\n1,2,3\n", "import_bad_headers")],
)
def test_blank_or_repeated_headers_are_refused_naming_them(content, code):
    error = refused(content)
    assert error.code == code
    assert error.extra["blank"] == ["2"] or error.extra["duplicates"] == ["code"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter):
    content = delimiter.join(["Code", "Name", "Note"]) + "\n" + delimiter.join(["m", '"Metre, long"', "x"]) + "\n"
    read = files.read_file(content.encode())
    assert read.headers == ["Code", "Name", "Note"]
    assert read.rows[0][0] == "m"


def test_ragged_rows_are_padded_and_extra_cells_kept_for_the_report_and_empty_rows_skipped():
    read = files.read_file(b"Code,Name\nm\n,\nkg,Kilo,extra\n")
    assert read.rows == [["m", ""], ["kg", "Kilo"]]
    assert read.numbers == [2, 4]
    assert read.extra == {4: ["extra"]}


NINE_THIRTY = datetime(2026, 12, 4, 9, 30)  # noqa: DTZ001 - workbook cells hold naive times
MIDNIGHT = datetime(2026, 12, 4, 0, 0)  # noqa: DTZ001


def test_workbook_cells_become_the_text_an_entity_reads():
    content = xlsx(
        [
            ["Date", "When", "Int", "Float", "Money", "Yes", "Empty", "Text"],
            [date(2026, 12, 4), NINE_THIRTY, 12, 0.1 + 0.2, Decimal("12.50"), True, None, "  x  "],
            [MIDNIGHT, None, 12.0, 1e-7, 3, False, None, "y"],
        ],
        title="Units",
    )
    read = files.read_file(content)
    assert read.file_format == "xlsx"
    assert read.sheet == "Units"
    assert read.rows[0] == ["2026-12-04", "2026-12-04 09:30:00", "12", "0.3", "12.5", "true", "", "x"]
    assert read.rows[1][:6] == ["2026-12-04", "", "12", "0.0000001", "3", "false"]


def test_a_chosen_sheet_is_read_and_an_unknown_one_refused():
    workbook = Workbook()
    workbook.active.append(["A"])
    second = workbook.create_sheet("Second")
    second.append(["Code"])
    second.append(["m"])
    out = io.BytesIO()
    workbook.save(out)
    assert files.read_file(out.getvalue(), sheet="Second").rows == [["m"]]
    assert refused(out.getvalue(), sheet="Nope").code == "import_bad_sheet"


def test_the_error_report_and_the_annotated_file_guard_against_formulas():
    errors = [{"row": 2, "column": "Code", "field": "Code", "value": "=HYPERLINK(1)", "message": "Bad."}]
    report = files.error_report_csv(errors).decode("utf-8-sig").splitlines()
    assert report == ["Row,Column,Field,Value,Message", "2,Code,Code,'=HYPERLINK(1),Bad."]
    sheet = files.read_file(b"Code\n=HYPERLINK(1)\nok\n")
    annotated = files.annotated_csv(sheet, errors).decode("utf-8-sig").splitlines()
    assert annotated == ["Code,Errors", "'=HYPERLINK(1),Code: Bad.", "ok,"]
