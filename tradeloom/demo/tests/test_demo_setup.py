from io import StringIO

import pytest
from django.core.management import call_command

from tradeloom.accounts.models import User
from tradeloom.approvals.models import LineGate
from tradeloom.core.context import tenant_context
from tradeloom.partners.models import Plant, Supplier
from tradeloom.sales.models import Line
from tradeloom.tenancy.models import Organization


@pytest.mark.django_db(databases=["default", "owner"])  # the alerts' pass reads as the owner role
def test_demo_setup_is_idempotent_and_the_login_works(client):
    out = StringIO()
    call_command("demo_setup", stdout=out)
    call_command("demo_setup", stdout=out)
    assert User.objects.filter(email="demo@example.com").count() == 1
    assert Organization.objects.filter(slug="demo").count() == 1
    organization = Organization.objects.get(slug="demo")
    with tenant_context(organization):
        assert Supplier.objects.filter(organization=organization).count() == 3
        assert Plant.objects.filter(organization=organization).count() == 3
        statuses = set(Line.objects.filter(organization=organization).values_list("status", flat=True))
        assert {"upcoming", "in_development", "bulk", "completed"} <= statuses
        gate_states = set(LineGate.objects.filter(organization=organization).values_list("state", flat=True))
        assert {"not_started", "submission", "resubmission", "approved"} <= gate_states
    assert "demo@example.com / tradeloom-demo" in out.getvalue()
    assert "Alerts evaluated:" in out.getvalue()
    # the printed credentials log in through the web login page
    response = client.post("/login/", {"username": "demo@example.com", "password": "tradeloom-demo"})
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/o/demo/"
    # and the demo login owns the demo organisation
    body = client.get("/api/v1/me/").json()
    assert [(m["organization"]["slug"], m["role"]) for m in body["memberships"]] == [("demo", "owner")]
