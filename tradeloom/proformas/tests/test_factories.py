"""The factories make consistent rows: a PI line's order line is of the PI's order, in its organisation."""

from __future__ import annotations

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.proformas.tests.factories import ProformaLineFactory

pytestmark = pytest.mark.django_db


def test_a_line_is_of_its_pis_order(org):
    with tenant_context(org):
        row = ProformaLineFactory(organization=org)
    assert row.line.order_id == row.proforma.order_id
    assert row.proforma.customer_id == row.proforma.order.customer_id
