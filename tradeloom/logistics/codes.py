"""The trade's codes a shipment carries, and their checks (docs/domain-rules): Incoterms 2020, ISO 6346 container
numbers and IATA air waybill numbers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models


class Incoterm(models.TextChoices):
    """Incoterms 2020 (ICC). The first seven suit any mode; the last four only sea and inland waterway."""

    EXW = "EXW", "EXW · Ex Works"
    FCA = "FCA", "FCA · Free Carrier"
    CPT = "CPT", "CPT · Carriage Paid To"
    CIP = "CIP", "CIP · Carriage and Insurance Paid To"
    DAP = "DAP", "DAP · Delivered at Place"
    DPU = "DPU", "DPU · Delivered at Place Unloaded"
    DDP = "DDP", "DDP · Delivered Duty Paid"
    FAS = "FAS", "FAS · Free Alongside Ship"
    FOB = "FOB", "FOB · Free on Board"
    CFR = "CFR", "CFR · Cost and Freight"
    CIF = "CIF", "CIF · Cost, Insurance and Freight"


SEA_ONLY_INCOTERMS = frozenset({Incoterm.FAS, Incoterm.FOB, Incoterm.CFR, Incoterm.CIF})

# ISO 6346: owner code (3 letters), category (U freight, J detachable equipment, Z trailer or chassis), 6-digit
# serial, check digit.
CONTAINER_NUMBER = re.compile(r"^[A-Z]{3}[UJZ][0-9]{6}[0-9]$")


def _letter_values() -> dict[str, int]:
    """A=10, B=12 … Z=38: the values skip 11, 22 and 33 (multiples of 11)."""
    values, value = {}, 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


LETTER_VALUES = _letter_values()


def container_check_digit(first_ten: str) -> int:
    """The ISO 6346 check digit of owner code, category and serial: each character's value times 2^position,
    summed, mod 11; a remainder of 10 is 0."""
    total = sum((LETTER_VALUES[c] if c.isalpha() else int(c)) << i for i, c in enumerate(first_ten))
    return total % 11 % 10


def container_number_normalise(value: str) -> str:
    """``csqu 305438-3`` → ``CSQU3054383``: people write them with spaces and a dash before the check digit."""
    return re.sub(r"[\s\-/]", "", value or "").upper()


def validate_container_number(value: str) -> None:
    number = container_number_normalise(value)
    if not CONTAINER_NUMBER.match(number):
        raise ValidationError(
            "A container number is 4 letters (owner code and U, J or Z) and 7 digits, e.g. CSQU3054383.",
            code="invalid_container_number",
        )
    expected = container_check_digit(number[:10])
    if int(number[10]) != expected:
        raise ValidationError(
            f"{number} fails the ISO 6346 check: its check digit should be {expected}.",
            code="invalid_container_number",
        )


AWB_NUMBER = re.compile(r"^[0-9]{11}$")


def awb_number_normalise(value: str) -> str:
    """``176-1234 5675`` → ``17612345675``."""
    return re.sub(r"[\s\-]", "", value or "")


def validate_awb_number(value: str) -> None:
    """An air waybill number: the airline's 3-digit IATA prefix, a 7-digit serial, and a check digit equal to the
    serial mod 7."""
    number = awb_number_normalise(value)
    if not AWB_NUMBER.match(number):
        raise ValidationError(
            "An air waybill number has 11 digits: the airline's 3-digit prefix, a 7-digit serial and a check digit "
            "(e.g. 176-12345675).",
            code="invalid_awb_number",
        )
    if int(number[3:10]) % 7 != int(number[10]):
        raise ValidationError(
            f"{number[:3]}-{number[3:]} fails the air waybill check: its last digit should be {int(number[3:10]) % 7}.",
            code="invalid_awb_number",
        )


def transport_document_normalise(value: str) -> str:
    """B/L and AWB numbers are compared without spaces and dashes, in capitals."""
    return re.sub(r"[\s\-]", "", value or "").upper()
