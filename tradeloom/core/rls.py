"""Row-level security: the database wall between organisations.

Every tenant table gets, through ``EnableRowLevelSecurity`` in its migration:

    ALTER TABLE t ENABLE ROW LEVEL SECURITY;  ALTER TABLE t FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON t
        USING (organization_id = tradeloom_current_organization())
        WITH CHECK (organization_id = tradeloom_current_organization());

``tradeloom_current_organization()`` reads ``app.organization_id``, which ``tenancy.context`` sets with
``SET LOCAL`` semantics inside the request's transaction. Unset, it is NULL and the policy matches nothing:
a query that forgot its tenant sees no rows and can write none. FORCE makes the policy bind the table owner too;
the app role is neither owner nor superuser anyway.

Some tables need extra, narrower ways in (e.g. a user sees their own memberships in every organisation, to list
them and to resolve a URL's organisation); those are additional permissive policies passed as ``extra``.

``TenantReference`` adds a composite foreign key ``(organization_id, <fk>_id) → parent (organization_id, id)``,
so a row can only point at a row of its own organisation, whatever the application does
(docs/decisions/0002-tenant-isolation.md).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION tradeloom_current_organization() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.organization_id', true), '')::uuid $$;
CREATE OR REPLACE FUNCTION tradeloom_current_user() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;
"""
FUNCTIONS_REVERSE_SQL = """
DROP FUNCTION IF EXISTS tradeloom_current_organization();
DROP FUNCTION IF EXISTS tradeloom_current_user();
"""


def create_functions() -> migrations.RunSQL:
    return migrations.RunSQL(FUNCTIONS_SQL, FUNCTIONS_REVERSE_SQL)


class EnableRowLevelSecurity(migrations.operations.base.Operation):
    """Enable and force RLS on a model's table with the tenant policy, plus optional extra policies.

    ``extra`` maps a policy name to ``(command, using_sql, check_sql)``, e.g.
    ``{"own_memberships": ("SELECT", "user_id = tradeloom_current_user()", None)}``.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, extra: dict[str, tuple[str, str | None, str | None]] | None = None) -> None:
        self.model_name = model_name
        self.extra = extra or {}

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _table(self, app_label: str, state: Any) -> str:
        return str(state.apps.get_model(app_label, self.model_name)._meta.db_table)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        table = schema_editor.quote_name(self._table(app_label, to_state))
        statements = [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY tenant_isolation ON {table} "
            "USING (organization_id = tradeloom_current_organization()) "
            "WITH CHECK (organization_id = tradeloom_current_organization())",
        ]
        for name, (command, using, check) in self.extra.items():
            sql = f"CREATE POLICY {schema_editor.quote_name(name)} ON {table} FOR {command}"
            if using:
                sql += f" USING ({using})"
            if check:
                sql += f" WITH CHECK ({check})"
            statements.append(sql)
        for statement in statements:
            schema_editor.execute(statement)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        table = schema_editor.quote_name(self._table(app_label, from_state))
        for name in ["tenant_isolation", *self.extra]:
            schema_editor.execute(f"DROP POLICY IF EXISTS {schema_editor.quote_name(name)} ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    def describe(self) -> str:
        return f"Enable row-level security on {self.model_name}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.extra:
            kwargs["extra"] = self.extra
        return (self.__class__.__qualname__, [], kwargs)


class TenantReference(migrations.operations.base.Operation):
    """Composite FK so ``model.field`` can only reference a row of the same organisation.

    The parent needs ``UNIQUE (organization_id, id)`` (declare it in the parent's ``Meta.constraints``). The
    constraint is deferrable so rows can be inserted in any order within a transaction. The single-column FK
    Django creates stays, for its ON DELETE behaviour.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, field_name: str) -> None:
        self.model_name = model_name
        self.field_name = field_name

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _parts(self, app_label: str, state: Any) -> tuple[str, str, str, str]:
        model = state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.field_name)
        parent = field.related_model._meta.db_table
        name = f"{model._meta.db_table}_{field.column}_same_org"[:63]
        return model._meta.db_table, field.column, parent, name

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        table, column, parent, name = self._parts(app_label, to_state)
        q = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} FOREIGN KEY (organization_id, {q(column)}) "
            f"REFERENCES {q(parent)} (organization_id, id) DEFERRABLE INITIALLY DEFERRED"
        )

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        table, _column, _parent, name = self._parts(app_label, from_state)
        q = schema_editor.quote_name
        schema_editor.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT IF EXISTS {q(name)}")

    def describe(self) -> str:
        return f"Same-organisation foreign key on {self.model_name}.{self.field_name}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [], {"model_name": self.model_name, "field_name": self.field_name})
