"""The demo LCs (``demo.finance_lcs``): an LC on an order with a departed shipment, amended once (amount and latest
shipment date), partly utilised by the shipment, and a back-to-back LC; idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.demo.finance_lcs import demo_lcs_create
from tradeloom.lcs import states
from tradeloom.lcs.models import LetterOfCredit
from tradeloom.lcs.tests.conftest import DAY, TODAY, shipment_make

pytestmark = pytest.mark.django_db


def test_demo_lcs(ctx):
    with tenant_context(ctx["org"]):
        shipment_make(ctx, ctx["order"], quantities=(400, 300), departed=TODAY - 10 * DAY)
        demo_lcs_create(organization=ctx["org"], by=ctx["owner"])
        demo_lcs_create(organization=ctx["org"], by=ctx["owner"])
        master = LetterOfCredit.objects.get(role="master")
        child = LetterOfCredit.objects.get(role="back_to_back")
    # the order: 1,000 x 2.50 + 1,000 x 4.00 = 6,500.00; amended by 10 % to 7,150.00; drawn 2,200.00
    assert master.revision == 1
    assert master.amount == Decimal("7150.00")
    assert master.utilised_amount == Decimal("2200.00")
    assert master.status == states.ISSUED
    assert master.amendments.get().changes["amount"] == ["6500.00", "7150.00"]
    assert child.master_id == master.pk
    assert child.amount == Decimal("5005.00")
    assert child.status == states.ISSUED
