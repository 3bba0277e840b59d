"""Database backend: Django's PostgreSQL backend, plus the embedded server when the settings ask for it.

``ENGINE = "tradeloom.core.postgres"`` behaves exactly like ``django.db.backends.postgresql``. A settings entry that
carries an ``EMBEDDED`` key (built by ``embedded_postgres.embedded_databases``) starts the embedded server on
the first connection and connects over its unix socket.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base

from tradeloom.core import embedded_postgres


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        embedded = self.settings_dict.get("EMBEDDED")
        if embedded:
            address = embedded_postgres.ensure_server(embedded["data_dir"], ephemeral=embedded["ephemeral"])
            params["host"] = address.socket_dir
            params["port"] = address.port
        return params
