"""``migrate`` runs as the owner role by default (``--database owner``); the app role cannot change the schema."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate


class Command(DjangoMigrate):
    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        default = "owner" if "owner" in settings.DATABASES else "default"
        parser.set_defaults(database=default)
