"""Migration operations for the schema itself (row-level security has its own, in ``core.rls``)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


class DropForeignKeyIndex(migrations.operations.base.Operation):
    """Drop the single-column index Django gave a foreign key, and nothing else.

    Pair it with the field's ``AlterField(..., db_index=False)`` in ``SeparateDatabaseAndState``: Django's own
    AlterField would also drop and re-add the foreign key constraint, which on a table of millions of rows means a
    full validation scan under a lock. Backwards, the index comes back under the name Django gives it.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, field_name: str) -> None:
        self.model_name = model_name
        self.field_name = field_name

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _model_field(self, app_label: str, state: Any) -> tuple[Any, Any]:
        model = state.apps.get_model(app_label, self.model_name)
        return model, model._meta.get_field(self.field_name)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model, field = self._model_field(app_label, from_state)
        names = schema_editor._constraint_names(model, [field.column], index=True, unique=False, primary_key=False)
        for name in names:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model, field = self._model_field(app_label, to_state)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))

    def describe(self) -> str:
        return f"Drop the index of {self.model_name}.{self.field_name} (a composite index leads with it)"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [], {"model_name": self.model_name, "field_name": self.field_name})
