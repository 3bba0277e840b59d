"""Revising a sent or accepted PI: a new draft with the same number and revision + 1, made from the previous one
(its header, and its lines as they were — prices and tax rates included — unless new ``lines`` are given, which are
built from the order as it is now). The previous revision becomes ``superseded`` in the same transaction: it stays
readable, and only the latest revision moves. Its acceptance does not carry over: the new revision is sent and
accepted again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from tradeloom.audit.services import audit_record
from tradeloom.core.bulk import bulk_insert_objects
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError
from tradeloom.proformas import states
from tradeloom.proformas.events import ProformaAction, ProformaRevised
from tradeloom.proformas.models import ProformaInvoice, ProformaLine
from tradeloom.proformas.services.proformas import (
    HEADER_FIELDS,
    _header_clean,
    _header_fields,
    lines_build,
    money_text,
    proforma_lock,
    totals_set,
)

COPIED = (*HEADER_FIELDS, "order_id", "customer_id", "currency", "number", "organization_id")


@transaction.atomic
def proforma_revise(
    *,
    proforma: ProformaInvoice,
    by: Any,
    data: Mapping[str, Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
    expected_version: int | None = None,
) -> ProformaInvoice:
    """The new revision (a draft) of ``proforma``, with ``data`` (header fields) and ``lines`` (all of them, when
    given) applied."""
    data = dict(data or {})
    _header_fields(data, HEADER_FIELDS)
    previous = proforma_lock(proforma, expected_version)
    if not previous.is_revisable:
        hint = " Edit it instead." if previous.is_editable else ""
        raise ApplicationError(
            f"{previous} is {previous.get_status_display().lower()}: only a sent or accepted proforma invoice can be "
            f"revised.{hint}",
            code="proforma_not_revisable",
            status=409,
            extra={"proforma_status": previous.status},
        )
    previous_status = previous.status
    revision = ProformaInvoice(
        created_by_id=by.user_id,
        previous=previous,
        revision=previous.revision + 1,
        status=states.DRAFT,
        **{f: getattr(previous, f) for f in COPIED},
    )
    for field, value in data.items():
        setattr(revision, field, value)
    _header_clean(revision)
    if lines is None:
        rows = [
            ProformaLine(
                organization_id=revision.organization_id,
                created_by_id=by.user_id,
                proforma=revision,
                **{
                    f: getattr(row, f)
                    for f in (
                        "line_id",
                        "description",
                        "basis",
                        "quantity",
                        "unit",
                        "unit_price",
                        "percent",
                        "amount",
                        "tax_rate",
                        "tax",
                        "position",
                    )
                },
            )
            for row in ProformaLine.objects.filter(proforma=previous)
        ]
    else:
        rows = lines_build(proforma=revision, order=previous.order, by=by, payloads=lines)
    totals_set(revision, rows)
    previous.status = states.SUPERSEDED
    previous.version += 1
    previous.save(update_fields=["status", "version", "updated_at"])
    revision.save()
    bulk_insert_objects(rows)
    audit_record(
        actor=by,
        action=ProformaAction.SUPERSEDED,
        target=previous,
        changes={"status": [previous_status, states.SUPERSEDED], "revision": [None, revision.revision]},
    )
    audit_record(
        actor=by,
        action=ProformaAction.REVISED,
        target=revision,
        changes={
            "revision": [previous.revision, revision.revision],
            "total": [money_text(previous), money_text(revision)],
            "status": [None, revision.status],
        },
    )
    publish(ProformaRevised(proforma=revision, previous=previous, previous_status=previous_status, by=by))
    return revision
