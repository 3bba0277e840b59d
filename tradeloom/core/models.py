"""Base classes for business records."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class TimestampedModel(models.Model):
    """UUID primary key and creation/update times, for every record the product stores."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True


class TenantModel(TimestampedModel):
    """Base for every business record: UUID id, timestamps and who created it.

    The owning organisation (and the row-level-security policy that goes with it) is added by the tenancy layer;
    selectors always take the organisation first.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True
