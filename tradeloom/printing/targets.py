"""Proforma invoices as attachment targets: their PDFs are kept as attachments of the PI, like the other records'
(``documents.targets`` declares orders, POs, shipments, LCs, invoices and partners; printing adds the PI)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tradeloom.documents.targets import TARGETS, Target
from tradeloom.proformas.capabilities import PROFORMAS_MANAGE, PROFORMAS_VIEW
from tradeloom.proformas.models import ProformaInvoice
from tradeloom.proformas.selectors import proformas_visible
from tradeloom.tenancy.models import Membership

PROFORMA = "proformas.proformainvoice"


def _visible(organization: Any, membership: Membership) -> QuerySet[Any]:
    return proformas_visible(organization=organization, membership=membership)


def _page(proforma: Any) -> tuple[str, dict[str, Any]]:
    return ("proformas:proforma", {"proforma_id": proforma.pk})


def register() -> None:
    if PROFORMA not in TARGETS:  # the documents app may come to declare it itself
        TARGETS.register(
            PROFORMA,
            Target(
                PROFORMA, "proforma invoice", ProformaInvoice, PROFORMAS_VIEW, PROFORMAS_MANAGE, _visible, _page, str
            ),
        )
