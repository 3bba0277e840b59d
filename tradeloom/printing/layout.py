"""The page layout every document shares, drawn with fpdf2 (pure Python; nothing from the system): a header with
the logo, the company's name and address and the document's title, number and date; the parties side by side; a
table of lines that repeats its header on each page; totals; then terms, bank details, notes and the signature
block; a footer with the profile's footer text and "Page n of m".

Text: the TTF font bundled in ``tradeloom/static/fonts`` (``DOCUMENT_FONT``: Noto Sans, vendored by ``make assets``)
is embedded and every character it has prints as it is. Were it missing, fpdf2's core font (Helvetica, Latin-1) is
used and text outside Latin-1 is folded to its closest Latin-1 form (``é`` stays, ``ł`` → ``l``, ``“”`` → ``""``)
and anything left becomes ``?`` — a document always renders, never fails on a name.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

# a TTF font bundled with the app, used when present (regular and bold)
FONT_DIR = Path(settings.BASE_DIR) / "tradeloom" / "static" / "fonts"
DOCUMENT_FONT = ("DocumentSans.ttf", "DocumentSans-Bold.ttf")

_PUNCTUATION = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": ",",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u20ac": "EUR ",
    "\u2122": "(TM)",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0152": "OE",
    "\u0153": "oe",
    "\u0131": "i",
}


def latin1(text: Any) -> str:
    """``text`` in characters the core fonts can print."""
    value = "" if text is None else str(text)
    out = []
    for char in value:
        if ord(char) < 256:
            out.append(char)
            continue
        if char in _PUNCTUATION:
            out.append(_PUNCTUATION[char])
            continue
        folded = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        out.append(folded or "?")
    return "".join(out)


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # share of the table's width (the widths of a table add up to 1)
    align: str = "L"  # "L" text, "R" numbers


@dataclass
class Party:
    heading: str  # "Supplier", "Buyer", "Ship to"
    lines: list[str]


@dataclass
class Letterhead:
    """What the organisation's print profile (or its defaults) puts on every document."""

    company_name: str
    address: list[str] = field(default_factory=list)
    contact: list[str] = field(default_factory=list)  # phone, e-mail, website, tax id
    logo: bytes | None = None
    signature_block: str = ""
    footer: str = ""


@dataclass
class Document:
    """A document's content, in the order it prints."""

    title: str  # "PURCHASE ORDER"
    number: str
    date: str
    references: list[tuple[str, str]] = field(default_factory=list)  # ("Currency", "USD"), ("Payment terms", …)
    parties: list[Party] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    totals: list[tuple[str, str]] = field(default_factory=list)  # ("Total USD", "12,000.00"): the last one bold
    sections: list[tuple[str, str]] = field(default_factory=list)  # ("Terms", text), ("Bank details", text)
    extra_tables: list[tuple[str, list[Column], list[list[str]]]] = field(default_factory=list)  # (heading, …)
    signature: bool = True


class _Pdf(FPDF):
    def __init__(self, letterhead: Letterhead, document: Document, font: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.letterhead = letterhead
        self.document = document
        self.font_name = font
        self.set_auto_page_break(auto=True, margin=20)
        self.set_margins(15, 15, 15)
        self.alias_nb_pages()
        self.set_title(latin1(f"{document.title.title()} {document.number}"))
        self.set_author(latin1(letterhead.company_name))
        self.set_creator("Tradeloom")

    def text_of(self, value: Any) -> str:
        return latin1(value) if self.font_name == "helvetica" else ("" if value is None else str(value))

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.font_name, size=7.5)
        self.set_text_color(110, 110, 110)
        left = self.text_of(self.letterhead.footer or self.letterhead.company_name)
        self.cell(self.epw * 0.75, 5, left, align="L")
        self.cell(self.epw * 0.25, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def _font(pdf: FPDF) -> str:
    regular, bold = (FONT_DIR / name for name in DOCUMENT_FONT)
    if regular.exists() and bold.exists():
        pdf.add_font("document", "", str(regular))
        pdf.add_font("document", "B", str(bold))
        return "document"
    return "helvetica"


def render(letterhead: Letterhead, document: Document) -> bytes:
    """The document as PDF bytes."""
    probe = FPDF()
    font = _font(probe)
    pdf = _Pdf(letterhead, document, font)
    if font != "helvetica":
        _font(pdf)
    pdf.add_page()
    _header(pdf)
    _parties(pdf)
    _table(pdf, document.columns, document.rows)
    _totals(pdf)
    for heading, columns, rows in document.extra_tables:
        _heading(pdf, heading)
        _table(pdf, columns, rows)
    for heading, text in document.sections:
        if text.strip():
            _heading(pdf, heading)
            pdf.set_font(font, size=8.5)
            pdf.multi_cell(pdf.epw, 4.2, pdf.text_of(text.strip()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if document.signature:
        _signature(pdf)
    return bytes(pdf.output())


def _header(pdf: _Pdf) -> None:
    head, doc = pdf.letterhead, pdf.document
    top = pdf.get_y()
    x = pdf.l_margin
    if head.logo:
        try:
            pdf.image(io.BytesIO(head.logo), x=x, y=top, h=16)
            x += 0  # the company block goes under the logo
            pdf.set_y(top + 18)
        except Exception:  # a logo fpdf cannot read: the document prints without it
            pdf.set_y(top)
    pdf.set_font(pdf.font_name, "B", 13)
    pdf.multi_cell(pdf.epw * 0.55, 6, pdf.text_of(head.company_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.font_name, size=8.5)
    for line in [*head.address, *head.contact]:
        pdf.multi_cell(pdf.epw * 0.55, 4, pdf.text_of(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()

    # the title block, on the right
    pdf.set_xy(pdf.l_margin + pdf.epw * 0.55, top)
    width = pdf.epw * 0.45
    pdf.set_font(pdf.font_name, "B", 16)
    pdf.cell(width, 8, pdf.text_of(doc.title), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin + pdf.epw * 0.55)
    pdf.set_font(pdf.font_name, "B", 10)
    pdf.cell(width, 5.5, pdf.text_of(f"No. {doc.number}"), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(pdf.font_name, size=8.5)
    for label, value in [("Date", doc.date), *doc.references]:
        if not value:
            continue
        pdf.set_x(pdf.l_margin + pdf.epw * 0.55)
        pdf.cell(width, 4.3, pdf.text_of(f"{label}: {value}"), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 3)
    pdf.set_draw_color(60, 60, 60)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(3)


def _parties(pdf: _Pdf) -> None:
    parties = [p for p in pdf.document.parties if p.lines]
    if not parties:
        return
    width = pdf.epw / len(parties)
    top = pdf.get_y()
    bottom = top
    for index, party in enumerate(parties):
        pdf.set_xy(pdf.l_margin + index * width, top)
        pdf.set_font(pdf.font_name, "B", 8)
        pdf.set_text_color(90, 90, 90)
        pdf.cell(width - 3, 4.5, pdf.text_of(party.heading.upper()), new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        for number, line in enumerate(party.lines):
            pdf.set_x(pdf.l_margin + index * width)
            pdf.set_font(pdf.font_name, "B" if number == 0 else "", 9 if number == 0 else 8.5)
            pdf.multi_cell(width - 3, 4.3, pdf.text_of(line), new_x=XPos.LEFT, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom + 4)


def _heading(pdf: _Pdf, text: str) -> None:
    if pdf.will_page_break(14):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(pdf.font_name, "B", 9.5)
    pdf.cell(pdf.epw, 6, pdf.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: _Pdf, columns: list[Column], rows: list[list[str]]) -> None:
    if not columns:
        return
    pdf.set_font(pdf.font_name, size=8)
    widths = [pdf.epw * c.width for c in columns]
    with pdf.table(
        col_widths=widths,
        text_align=tuple(c.align for c in columns),
        line_height=4.4,
        borders_layout="HORIZONTAL_LINES",
        headings_style=_headings_style(pdf),
        repeat_headings=1,
        padding=1,
    ) as table:
        header = table.row()
        for column in columns:
            header.cell(pdf.text_of(column.header))
        for values in rows or [["No lines."] + [""] * (len(columns) - 1)]:
            row = table.row()
            for value in values:
                row.cell(pdf.text_of(value))
    pdf.ln(1)


def _headings_style(pdf: _Pdf) -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family=pdf.font_name, emphasis="BOLD", fill_color=(235, 238, 242))


def _totals(pdf: _Pdf) -> None:
    totals = pdf.document.totals
    if not totals:
        return
    if pdf.will_page_break(6 * len(totals) + 2):
        pdf.add_page()
    x = pdf.l_margin + pdf.epw * 0.55
    for index, (label, value) in enumerate(totals):
        last = index == len(totals) - 1
        pdf.set_x(x)
        pdf.set_font(pdf.font_name, "B" if last else "", 9.5 if last else 8.5)
        pdf.cell(pdf.epw * 0.25, 5.5, pdf.text_of(label), align="L")
        pdf.cell(pdf.epw * 0.20, 5.5, pdf.text_of(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _signature(pdf: _Pdf) -> None:
    block = pdf.letterhead.signature_block.strip() or f"For {pdf.letterhead.company_name}\nAuthorised signatory"
    lines = block.splitlines()
    if pdf.will_page_break(16 + 4.5 * len(lines)):
        pdf.add_page()
    pdf.ln(12)
    x = pdf.l_margin + pdf.epw * 0.6
    pdf.line(x, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(1.5)
    pdf.set_font(pdf.font_name, size=8.5)
    for line in lines:
        pdf.set_x(x)
        pdf.cell(pdf.epw * 0.4, 4.5, pdf.text_of(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
