"""Create the demo login and organisation (idempotent). ``make run`` calls it; modules add their demo data to
``demo.data``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from tradeloom.accounts.models import User
from tradeloom.alerts.evaluation import alerts_evaluate
from tradeloom.alerts.services import rules_create_defaults
from tradeloom.core.context import tenant_context
from tradeloom.demo.data import (
    demo_approvals_create,
    demo_inventory_create,
    demo_master_data_create,
    demo_orders_create,
    demo_purchasing_create,
    demo_shipments_create,
)
from tradeloom.demo.finance_invoicing import demo_invoicing_create
from tradeloom.demo.finance_lcs import demo_lcs_create
from tradeloom.demo.finance_proformas import demo_proformas_create
from tradeloom.demo.finance_receivables import demo_receivables_create
from tradeloom.demo.production import demo_production_create, demo_tna_create
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.services import organization_create

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "tradeloom-demo"  # noqa: S105 - a published demo credential for the local demo only
DEMO_ORGANIZATION = ("Demo Trading Co", "demo")


class Command(BaseCommand):
    help = "Create the demo login, organisation and sample data if they do not exist yet."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            user = User.objects.filter(email=DEMO_EMAIL).first()
            created = user is None
            if user is None:
                user = User.objects.create_superuser(DEMO_EMAIL, DEMO_PASSWORD, full_name="Demo Merchandiser")
            name, slug = DEMO_ORGANIZATION
            if not Organization.objects.filter(slug=slug).exists():
                organization_create(name=name, slug=slug, owner=user, base_currency="USD", timezone="Asia/Dhaka")
            organization = Organization.objects.get(slug=slug)
            with tenant_context(organization, user=user):
                owner = Membership.objects.get(organization=organization, user=user)
                demo_master_data_create(organization=organization, by=owner)
                demo_orders_create(organization=organization, by=owner)
                demo_approvals_create(organization=organization, by=owner)
                demo_shipments_create(organization=organization, by=owner)
                demo_inventory_create(organization=organization, by=owner)  # two warehouses, opening stock
                # trade finance: PIs, an LC amended once and partly drawn, invoices, payments (one invoice partly paid)
                demo_proformas_create(organization=organization, by=owner)
                demo_lcs_create(organization=organization, by=owner)
                demo_invoicing_create(organization=organization, by=owner)
                demo_receivables_create(organization=organization, by=owner)
                # purchasing: POs in every status, receipts into the demo warehouses (after the inventory's)
                demo_purchasing_create(organization=organization, by=owner)
                # production and T&A: a slipped plan and a work order behind its due date, one on track
                demo_tna_create(organization=organization, by=owner)
                demo_production_create(organization=organization, by=owner)
                # the demo shows every kind of alert: a kind registered after the demo organisation was made gets its
                # default rule here (a real organisation sees it off until an admin turns it on); rules it has stay
                rules_create_defaults(organization=organization, by=owner)
        # The alerts the demo's orders, gates, tasks and shipments raise, at once rather than at beat's first pass (a
        # quarter of an hour after `make run` starts); their notifications go out through the outbox when the worker
        # runs.
        alerts = alerts_evaluate()
        self.stdout.write(
            f"Alerts evaluated: {sum(alerts.fired.values())} raised, {sum(alerts.resolved.values())} resolved"
        )
        state = "created" if created else "already present (its password is unchanged)"
        address = reverse("tenancy:dashboard", kwargs={"org_slug": slug})
        self.stdout.write(f"Demo login {state}: {DEMO_EMAIL} / {DEMO_PASSWORD}  (organisation: {address})")
