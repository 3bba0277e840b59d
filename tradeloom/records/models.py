"""The base of versioned, archivable, audited records (partners, catalog, orders and later modules).

A ``RecordModel`` carries a ``version`` (raised on every change; the API's ETag) and ``archived_at`` (archived
records leave pickers and default lists but every reference keeps working). ``records.services`` is the one way to
change such records.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from tradeloom.core.models import TenantModel


class RecordModel(TenantModel):
    version = models.PositiveIntegerField(default=1, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        # Lets other tenant rows reference this one with a same-organisation composite key (TenantReference).
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="%(app_label)s_%(class)s_org_id_key")
        ]

    # Unique constraints whose violation belongs to a field other than their last non-organisation field.
    constraint_fields: dict[str, str] = {}

    def validate_constraints(self, exclude: Any = None) -> None:
        """Django's constraint validation, with each unique violation reported on the field it is about
        ("code already exists"), not as a form-wide error naming the organisation."""
        errors: dict[str, list[ValidationError]] = {}
        for constraint in self._meta.constraints:
            try:
                constraint.validate(type(self), self, exclude=exclude)
            except ValidationError as error:
                fields = [f for f in getattr(constraint, "fields", ()) if f != "organization"]
                name = self.constraint_fields.get(constraint.name) or (fields[-1] if fields else NON_FIELD_ERRORS)
                if isinstance(constraint, models.UniqueConstraint) and fields:
                    custom = constraint.violation_error_message != constraint.default_violation_error_message
                    label = (
                        getattr(self._meta.get_field(name), "verbose_name", name)
                        if name != NON_FIELD_ERRORS
                        else "values"
                    )
                    message = (
                        error.messages[0]
                        if custom
                        else f"A {self._meta.verbose_name} with this {label} already exists."
                    )
                    error = ValidationError(message, code="unique")
                errors.setdefault(name, []).append(error)
        if errors:
            raise ValidationError(errors)

    def after_change(self, previous: dict[str, Any] | None = None) -> None:
        """Hook run by the record services after create, update, archive, restore and delete (e.g. re-index).

        ``previous`` holds the editable fields' values before an update (by attribute name, e.g. ``customer_id``).
        """

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def etag(self) -> str:
        return self.etag_of(self.pk, self.version)

    @staticmethod
    def etag_of(pk: Any, version: int) -> str:
        """The ETag of a record's version, for a read that has the row's values rather than the instance."""
        return f'"{pk}-{version}"'
