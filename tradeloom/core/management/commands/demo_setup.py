"""Create the demo login (idempotent). ``make run`` calls it; later modules add their demo data here."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from tradeloom.accounts.models import User

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "tradeloom-demo"  # noqa: S105 - a published demo credential for the local demo only


class Command(BaseCommand):
    help = "Create the demo login and sample data if they do not exist yet."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            created = not User.objects.filter(email=DEMO_EMAIL).exists()
            if created:
                User.objects.create_superuser(DEMO_EMAIL, DEMO_PASSWORD, full_name="Demo Merchandiser")
        state = "created" if created else "already present (its password is unchanged)"
        self.stdout.write(f"Demo login {state}: {DEMO_EMAIL} / {DEMO_PASSWORD}")
