"""Reading an uploaded file into a header and rows of strings, refusing what cannot be read safely.

The type is read from the content, never the name: an XLSX is a zip holding ``[Content_Types].xml`` and
``xl/workbook.xml``; anything else that decodes as text is CSV. Each refusal is an ``ApplicationError`` with a stable
code and a message a member can act on: ``import_too_large``, ``import_too_many_rows``, ``import_empty``,
``import_unreadable``, ``import_zip_bomb``, ``import_malformed``, ``import_encoding``, ``import_bad_headers``.

Before openpyxl opens a workbook its zip's entries are inspected: a file whose entries would inflate beyond
``IMPORT_MAX_UNZIPPED_BYTES`` in all, or one big entry compressed more than ``IMPORT_MAX_ZIP_RATIO`` to 1, is a
zip bomb and never inflated.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from openpyxl import load_workbook

from tradeloom.core.exceptions import ApplicationError

CSV, XLSX = "csv", "xlsx"
UTF8, CP1252, LATIN1, UTF16 = "utf-8", "cp1252", "latin-1", "utf-16"
ENCODINGS: dict[str, str] = {
    UTF8: "UTF-8",
    CP1252: "Windows-1252 (Excel on Windows, Western Europe)",
    LATIN1: "ISO-8859-1 (Latin-1)",
    UTF16: "UTF-16",
}
DELIMITERS = ",;\t|"
# an entry this big (uncompressed) compressed more than the ratio is a bomb; small entries compress well honestly
RATIO_CHECKED_FROM = 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 20_000))


def max_unzipped_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024))


def max_zip_ratio() -> int:
    return int(getattr(settings, "IMPORT_MAX_ZIP_RATIO", 100))


@dataclass
class Sheet:
    """A file read: its format, what it was read as, its headers and its rows (lists of stripped strings, each as
    long as the headers unless the row had more cells: ``extra``). ``numbers[i]`` is row ``i``'s number in the file
    (the header is row 1)."""

    file_format: str
    headers: list[str]
    rows: list[list[str]]
    numbers: list[int]
    encoding: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    extra: dict[int, list[str]] = field(default_factory=dict)  # file row number → the cells beyond the headers


def refuse(message: str, code: str, **extra: Any) -> ApplicationError:
    return ApplicationError(message, code=code, extra={"errors": {"file": [message]}, **extra})


def too_large(size: int | None = None) -> ApplicationError:
    limit = max_bytes()
    extra = {"max_bytes": limit} if size is None else {"max_bytes": limit, "size": size}
    return refuse(
        f"The file is larger than {limit // (1024 * 1024)} MiB. Split it into smaller files.",
        "import_too_large",
        **extra,
    )


def is_xlsx(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def read_file(content: bytes, *, encoding: str | None = None, sheet: str | None = None) -> Sheet:
    """Read ``content`` (every refusal above); ``encoding`` is the member's choice for a CSV (default UTF-8, a
    UTF-16 byte-order mark is read as UTF-16 whatever was chosen), ``sheet`` a workbook's sheet (default: the first)."""
    if len(content) > max_bytes():
        raise too_large(len(content))
    if not content.strip():
        raise refuse("The file is empty.", "import_empty")
    if content[:2] == b"PK":
        return _read_xlsx(content, sheet)
    return _read_csv(content, encoding)


# --- CSV ----------------------------------------------------------------------------------------------------------


def _decode(content: bytes, encoding: str | None) -> tuple[str, str]:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode(UTF16), UTF16
    if content.startswith(codecs.BOM_UTF8):
        content, encoding = content[len(codecs.BOM_UTF8) :], encoding or UTF8
    chosen = encoding or UTF8
    if chosen not in ENCODINGS:
        raise refuse(f"Unknown encoding {chosen!r}.", "import_encoding")
    if b"\x00" in content[:4096] and chosen != UTF16:
        raise refuse("This is not a CSV or XLSX file.", "import_unreadable")
    try:
        text = content.decode(chosen)
    except UnicodeDecodeError as exc:
        if chosen == UTF8:
            message = (
                f"The file is not UTF-8 (byte {exc.start} cannot be read). Save it as “CSV UTF-8” from your "
                "spreadsheet, or choose its encoding (Windows-1252 for Excel on Windows)."
            )
        else:
            message = f"The file cannot be read as {ENCODINGS[chosen]} (byte {exc.start})."
        raise refuse(message, "import_encoding", offset=exc.start) from exc
    if _looks_binary(text):
        raise refuse("This is not a CSV or XLSX file.", "import_unreadable")
    return text, chosen


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    return "\x00" in sample or controls > max(2, len(sample) // 100)


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        dialect = csv.excel()
        dialect.delimiter = best if counts[best] else ","
        return dialect


def _read_csv(content: bytes, encoding: str | None) -> Sheet:
    text, used = _decode(content, encoding)
    sample = "\n".join(text[:65536].splitlines()[:50])
    dialect = _dialect(sample)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        return _rows_of(CSV, enumerate(reader, start=1), encoding=used)
    except csv.Error as exc:
        raise refuse(f"The CSV file is malformed: {exc}.", "import_malformed") from exc


# --- XLSX ---------------------------------------------------------------------------------------------------------


def _inspect_zip(content: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise refuse("The file looks like an XLSX workbook but is damaged.", "import_malformed") from exc
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if total > max_unzipped_bytes() or (entry.file_size > RATIO_CHECKED_FROM and ratio > max_zip_ratio()):
            raise refuse(
                "The workbook would unpack to far more than its size (a zip bomb): it was not opened.",
                "import_zip_bomb",
            )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise refuse("This zip file is not an XLSX workbook.", "import_unreadable")
    return archive


def _read_xlsx(content: bytes, sheet: str | None) -> Sheet:
    _inspect_zip(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise refuse("The XLSX workbook is damaged and cannot be read.", "import_malformed") from exc
    try:
        names = list(workbook.sheetnames)
        if not names:
            raise refuse("The workbook has no sheet.", "import_empty")
        chosen = sheet or names[0]
        if chosen not in names:
            raise ApplicationError(
                f"The workbook has no sheet “{chosen}” (it has {', '.join(names)}).",
                code="import_bad_sheet",
                extra={"errors": {"sheet": [f"No such sheet: choose one of {', '.join(names)}."]}},
            )
        rows = (
            (number, [cell_text(value) for value in row])
            for number, row in enumerate(workbook[chosen].iter_rows(values_only=True), start=1)
        )
        try:
            result = _rows_of(XLSX, rows)
        except ApplicationError:
            raise
        except Exception as exc:
            raise refuse("The XLSX workbook is damaged and cannot be read.", "import_malformed") from exc
        result.sheet, result.sheets = chosen, names
        return result
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """A workbook cell as the text an entity reads: dates ISO (``2026-12-04``; a time only when not midnight),
    numbers without float noise (``0.1``, ``12`` not ``12.0``), booleans ``true``/``false``, empty as ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.microsecond == 0 else "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if number == number.to_integral_value():
            return str(number.quantize(Decimal(1)))
        return format(number.normalize(), "f")
    return str(value).strip()


# --- both ---------------------------------------------------------------------------------------------------------


def _rows_of(file_format: str, numbered: Iterator[tuple[int, list[str]]], *, encoding: str = "") -> Sheet:
    headers: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    extra: dict[int, list[str]] = {}
    limit = max_rows()
    for number, raw in numbered:
        cells = [cell.strip() if isinstance(cell, str) else cell_text(cell) for cell in raw]
        if headers is None:
            if not any(cells):
                continue  # blank lines above the header
            headers = _headers(cells)
            continue
        if not any(cells):
            continue  # completely empty rows are skipped
        if len(rows) >= limit:
            raise refuse(
                f"The file has more than {limit:,} rows. Split it into smaller files.",
                "import_too_many_rows",
                max_rows=limit,
            )
        width = len(headers)
        if len(cells) > width:
            beyond = cells[width:]
            if any(beyond):
                extra[number] = beyond
            cells = cells[:width]
        rows.append(cells + [""] * (width - len(cells)))
        numbers.append(number)
    if headers is None:
        raise refuse("The file has no header row.", "import_empty")
    return Sheet(file_format=file_format, headers=headers, rows=rows, numbers=numbers, encoding=encoding, extra=extra)


def _headers(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells = cells[:-1]  # trailing empty columns are not headers
    blank = [str(i + 1) for i, cell in enumerate(cells) if not cell]
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for cell in cells:
        key = cell.lower()
        if cell and key in seen and cell not in duplicates:
            duplicates.append(cell)
        seen[key] = seen.get(key, 0) + 1
    problems = []
    if blank:
        problems.append(
            f"column{'s' if len(blank) > 1 else ''} {', '.join(blank)} ha{'ve' if len(blank) > 1 else 's'} no header"
        )
    if duplicates:
        problems.append(f"these headers appear more than once: {', '.join(duplicates)}")
    if problems:
        message = f"The header row cannot be read: {'; '.join(problems)}."
        raise refuse(message, "import_bad_headers", blank=blank, duplicates=duplicates)
    return cells


# --- files written: the entity's template, the error report ----------------------------------------------------


def _safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (a value read from the member's own file, echoed back)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (a spreadsheet then reads it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(cell) for cell in header])
    writer.writerows([_safe(cell) for cell in row] for row in rows)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


REPORT_HEADER = ["Row", "Column", "Field", "Value", "Message"]


def error_report_csv(errors: list[dict[str, Any]]) -> bytes:
    """One line per message: the file's row number (the header is row 1), the source column, the field, the value
    read and what is wrong."""
    rows = [
        [e.get("row", ""), e.get("column", ""), e.get("field", ""), e.get("value", ""), e.get("message", "")]
        for e in errors
    ]
    return csv_bytes(REPORT_HEADER, rows)


def annotated_csv(sheet: Sheet, errors: list[dict[str, Any]]) -> bytes:
    """The file's own rows with an "Errors" column: a member fixes their sheet in place and uploads it again."""
    by_row: dict[int, list[str]] = {}
    for e in errors:
        column = f"{e['column']}: " if e.get("column") else ""
        by_row.setdefault(int(e["row"]), []).append(f"{column}{e['message']}")
    name = "Errors"
    while name in sheet.headers:
        name = f"{name} (import)"
    rows = [
        [*cells, " | ".join(by_row.get(number, []))] for number, cells in zip(sheet.numbers, sheet.rows, strict=True)
    ]
    return csv_bytes([*sheet.headers, name], rows)
