"""The demo purchase orders (``demo/purchasing.py``), through ``manage.py demo_setup``: one in every status, one
amended, one back to back from a demo order, receipts into the demo warehouses; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tradeloom.core.context import tenant_context
from tradeloom.inventory.models import StockMove
from tradeloom.purchasing import states
from tradeloom.purchasing.models import Amendment, PurchaseOrder, PurchaseOrderLine, Receipt
from tradeloom.tenancy.models import Organization


@pytest.mark.django_db(databases=["default", "owner"])  # the alerts' pass reads as the owner role
def test_the_demo_has_pos_in_every_status_once():
    call_command("demo_setup", stdout=StringIO())
    organization = Organization.objects.get(slug="demo")
    with tenant_context(organization):
        count = PurchaseOrder.objects.count()
    call_command("demo_setup", stdout=StringIO())
    with tenant_context(organization):
        assert PurchaseOrder.objects.count() == count
        statuses = set(PurchaseOrder.objects.values_list("status", flat=True))
        assert {s for s, _ in states.STATUSES} <= statuses
        assert Amendment.objects.exists()
        assert PurchaseOrderLine.objects.filter(sales_line__isnull=False).exists()
        assert PurchaseOrder.objects.filter(order__isnull=False).exists()
        assert Receipt.objects.filter(warehouse__isnull=False).count() == 2
        assert StockMove.objects.filter(source_type="purchasing.receiptline").count() == 2
