"""The records files may be attached to: target type → its model, who may see and who may attach, and how to read
the records a member may see (restricted merchandisers see only their orders and what hangs off them).

Each entry is a declaration; the floors below are imported here (documents sits above every business module), and
none of them imports this app: their pages reach the panel by URL name (``documents:panel``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet

from tradeloom.core.registry import Registry
from tradeloom.invoicing.capabilities import INVOICES_MANAGE, INVOICES_VIEW
from tradeloom.invoicing.models import Invoice
from tradeloom.invoicing.selectors import invoices_of
from tradeloom.lcs.capabilities import LCS_MANAGE, LCS_VIEW
from tradeloom.lcs.models import LetterOfCredit
from tradeloom.lcs.selectors import lcs_visible
from tradeloom.logistics.capabilities import SHIPMENTS_MANAGE, SHIPMENTS_VIEW
from tradeloom.logistics.models import Shipment
from tradeloom.logistics.selectors import shipments_visible
from tradeloom.partners.capabilities import PARTNERS_MANAGE, PARTNERS_VIEW
from tradeloom.partners.models import Customer, Supplier
from tradeloom.purchasing.capabilities import PURCHASING_MANAGE, PURCHASING_VIEW
from tradeloom.purchasing.models import PurchaseOrder
from tradeloom.purchasing.selectors import purchase_orders_visible
from tradeloom.sales.capabilities import ORDERS_MANAGE, ORDERS_VIEW
from tradeloom.sales.models import Order
from tradeloom.sales.selectors import orders_visible
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Capability


@dataclass(frozen=True)
class Target:
    key: str  # ``"sales.order"``: the model's label, as audit events name their targets
    label: str  # "order": how a page names one
    model: type[models.Model]
    view: Capability  # to see the record's files and download them
    attach: Capability  # to upload, add a version, archive
    visible: Callable[[Any, Membership], QuerySet[Any]]  # (organisation, member) → the records they may see
    page: Callable[[Any], tuple[str, dict[str, Any]]]  # record → its page's URL name and kwargs (without org_slug)
    title: Callable[[Any], str] = str  # how the panel names the record: "SO-000012"


TARGETS: Registry[Target] = Registry("attachment targets")


def _register(target: Target) -> None:
    TARGETS.register(target.key, target)


def _orders(organization: Any, membership: Membership) -> QuerySet[Any]:
    return orders_visible(organization=organization, membership=membership).filter(archived_at__isnull=True)


_register(
    Target(
        "sales.order",
        "order",
        Order,
        ORDERS_VIEW,
        ORDERS_MANAGE,
        _orders,
        lambda o: ("sales:order", {"order_id": o.pk}),
        lambda o: o.number,
    )
)
_register(
    Target(
        "purchasing.purchaseorder",
        "purchase order",
        PurchaseOrder,
        PURCHASING_VIEW,
        PURCHASING_MANAGE,
        lambda org, m: purchase_orders_visible(organization=org),
        lambda po: ("purchasing:purchase-order", {"purchase_order_id": po.pk}),
        lambda po: po.number,
    )
)
_register(
    Target(
        "logistics.shipment",
        "shipment",
        Shipment,
        SHIPMENTS_VIEW,
        SHIPMENTS_MANAGE,
        lambda org, m: shipments_visible(organization=org, membership=m),
        lambda s: ("logistics:shipment", {"shipment_id": s.pk}),
        lambda s: s.number,
    )
)
_register(
    Target(
        "lcs.letterofcredit",
        "letter of credit",
        LetterOfCredit,
        LCS_VIEW,
        LCS_MANAGE,
        lambda org, m: lcs_visible(organization=org, membership=m),
        lambda lc: ("lcs:lc", {"lc_id": lc.pk}),
        lambda lc: str(lc),
    )
)
_register(
    Target(
        "invoicing.invoice",
        "invoice",
        Invoice,
        INVOICES_VIEW,
        INVOICES_MANAGE,
        lambda org, m: invoices_of(organization=org, membership=m),
        lambda i: ("invoicing:invoice", {"invoice_id": i.pk}),
        lambda i: i.number,
    )
)
_register(
    Target(
        "partners.customer",
        "customer",
        Customer,
        PARTNERS_VIEW,
        PARTNERS_MANAGE,
        lambda org, m: Customer.objects.filter(organization=org),
        lambda c: ("partners:customers-detail", {"pk": c.pk}),
    )
)
_register(
    Target(
        "partners.supplier",
        "supplier",
        Supplier,
        PARTNERS_VIEW,
        PARTNERS_MANAGE,
        lambda org, m: Supplier.objects.filter(organization=org),
        lambda s: ("partners:suppliers-detail", {"pk": s.pk}),
    )
)


def target_of(key: str) -> Target | None:
    return TARGETS.get(key)
