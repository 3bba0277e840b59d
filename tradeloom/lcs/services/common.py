"""What every LC service shares: the lock (with If-Match), the terms' checks, and how a term's value is written in an
amendment's changes."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.lcs import states, terms
from tradeloom.lcs.models import LetterOfCredit
from tradeloom.logistics.models import ShipmentDocument

DOCUMENT_KINDS = {k for k, _ in ShipmentDocument.Kind.choices if k != "other"}


def invalid(
    errors: Mapping[str, list[str]], message: str = "The letter of credit has invalid fields."
) -> ApplicationError:
    return ApplicationError(message, code="validation_error", extra={"errors": dict(errors)})


def lc_lock(lc: LetterOfCredit, expected_version: int | None = None) -> LetterOfCredit:
    """The LC, locked (``SELECT … FOR UPDATE``: drawings, amendments and moves of one LC queue); 412 when
    ``expected_version`` is stale (If-Match)."""
    locked = LetterOfCredit.objects.select_for_update().get(pk=lc.pk, organization_id=lc.organization_id)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The letter of credit was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


def term_field(name: str) -> models.Field:
    """The LC's model field of the term ``name`` (one of ``AMENDABLE_TERMS``: its own columns)."""
    field = LetterOfCredit._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation: never a term
        raise ValueError(f"{name!r} is not a term of a letter of credit.")
    return field


def term_value(name: str, text: Any) -> Any:
    """A term's value from its JSON (``term_text``'s inverse)."""
    if text is None:
        return None
    field = term_field(name)
    value = field.to_python(text)
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal) and value.is_finite():
        value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def documents_clean(value: Any) -> list[str]:
    """The required documents: shipment document kinds or names of others, once each, in the given order."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise field_error("required_documents", "Give the required documents as a list.")
    seen: list[str] = []
    for item in value:
        text = str(item or "").strip()
        if not text:
            continue
        if len(text) > 120:
            raise field_error("required_documents", "A document's name is at most 120 characters.")
        if text not in seen:
            seen.append(text)
    return seen


def document_label(name: str) -> str:
    return str(ShipmentDocument.Kind(name).label) if name in DOCUMENT_KINDS else name


def terms_check(lc: LetterOfCredit) -> None:
    """The LC's own fields and its rules: usance days, the latest shipment by the expiry, a back-to-back LC within
    its master (``lc_back_to_back_exceeds``)."""
    lc.currency = (lc.currency or "").upper()
    lc.required_documents = documents_clean(lc.required_documents)
    if lc.kind == LetterOfCredit.Kind.SIGHT:
        lc.usance_days = None
    try:
        lc.full_clean(
            exclude=["organization", "created_by", "customer", "supplier", "master", "number"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise invalid(exc.message_dict) from exc
    errors: dict[str, list[str]] = {}
    if lc.kind == LetterOfCredit.Kind.USANCE and not lc.usance_days:
        errors["usance_days"] = ["A usance LC says how many days after sight or shipment it pays."]
    if lc.latest_shipment_date and lc.expiry_date and lc.latest_shipment_date > lc.expiry_date:
        errors["latest_shipment_date"] = ["The latest shipment date cannot be after the expiry date."]
    if not lc.customer_id:
        errors["customer"] = ["Choose the applicant (the buyer)."]
    elif lc.customer.organization_id != lc.organization_id:  # resolved in the organisation by callers; held here
        errors["customer"] = ["Choose one of your customers."]
    supplier = lc.supplier if lc.supplier_id else None
    if supplier is not None and supplier.organization_id != lc.organization_id:
        errors["supplier"] = ["Choose one of your suppliers."]
    master: LetterOfCredit | None = None
    if lc.role == LetterOfCredit.Role.BACK_TO_BACK:
        master = lc.master if lc.master_id is not None else None
        if master is None:
            errors["master"] = ["A back-to-back LC is opened on the strength of a master LC: choose it."]
        elif master.organization_id != lc.organization_id or master.role != LetterOfCredit.Role.MASTER:
            errors["master"] = ["Choose one of your master LCs."]
        elif master.status in states.FINAL:
            errors["master"] = [f"{master.number} is {master.get_status_display().lower()}."]
    else:
        lc.master = None
    if errors:
        raise invalid(errors)
    if lc.role == LetterOfCredit.Role.BACK_TO_BACK and master is not None:  # a back-to-back LC has one (above)
        back_to_back_check(lc, master)


def back_to_back_check(lc: LetterOfCredit, master: LetterOfCredit) -> None:
    """A back-to-back LC stays inside its master: the same currency, its amount with its tolerance at most the
    master's amount (as of the master's latest accepted amendment), its latest shipment and expiry dates not after
    the master's. Refused with ``lc_back_to_back_exceeds`` (409), the field named."""
    problems: dict[str, list[str]] = {}
    if lc.currency != master.currency:
        problems["currency"] = [f"The master LC {master.number} is in {master.currency}."]
    elif terms.amount_cap(lc) > Decimal(master.amount):
        problems["amount"] = [
            f"With its tolerance this LC reaches {lc.currency} {terms.amount_cap(lc):,.2f}; the master LC "
            f"{master.number} is for {master.currency} {Decimal(master.amount):,.2f}."
        ]
    if lc.expiry_date and lc.expiry_date > master.expiry_date:
        problems["expiry_date"] = [f"The master LC {master.number} expires on {master.expiry_date:%d %b %Y}."]
    if master.latest_shipment_date and (
        lc.latest_shipment_date is None or lc.latest_shipment_date > master.latest_shipment_date
    ):
        problems["latest_shipment_date"] = [
            f"The master LC {master.number} needs shipment by {master.latest_shipment_date:%d %b %Y}."
        ]
    if problems:
        first = next(iter(problems.values()))[0]
        raise ApplicationError(
            f"A back-to-back LC cannot go beyond its master: {first}",
            code="lc_back_to_back_exceeds",
            status=409,
            extra={"errors": problems},
        )
