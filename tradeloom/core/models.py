"""Base classes for business records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from tradeloom.core.ids import new_id
from tradeloom.core.registry import Registry


class TimestampedModel(models.Model):
    """UUID primary key and creation/update times, for every record the product stores."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    # The prefix of this record's audit actions (``sales_order`` → ``sales_order.created``); empty: the model name.
    audit_prefix: ClassVar[str] = ""

    class Meta:
        abstract = True


class TenantModel(TimestampedModel):
    """Base for every business record: its organisation, UUID id, timestamps and who created it.

    Three walls keep organisations apart (docs/tenancy.md): tenant URLs resolve the membership first; selectors
    always take the organisation; and each table's migration enables row-level security
    (``tradeloom.core.rls.EnableRowLevelSecurity``) so PostgreSQL itself hides other organisations' rows.
    A reference to another tenant record is declared with ``TenantReference`` so the database refuses a
    cross-organisation link.
    """

    # No index of its own: every tenant table has a composite index or unique key leading with the organisation
    # ((organization, id) at least, for TenantReference), which serves the same lookups (core/tests/test_indexes).
    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
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


@dataclass(frozen=True)
class JobKind:
    code: str
    label: str


# The kinds of background job, registered by the apps that run them (``JOB_KINDS.register(kind.code, kind)`` in
# ``AppConfig.ready()``).
JOB_KINDS: Registry[JobKind] = Registry("job kinds")


def job_kind_choices() -> list[tuple[str, str]]:
    """The registered kinds of job, for the field's choices."""
    return [(kind.code, kind.label) for kind in JOB_KINDS]


class Job(TenantModel):
    """A background job whose progress a page can poll (``components/progress.html``). Its ``kind`` is one an app
    registered in ``JOB_KINDS``."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40, choices=job_kind_choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    result = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "-created_at"], name="core_job_org_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class IdempotencyKey(TenantModel):
    """A POST's ``Idempotency-Key`` and the response it produced, replayed when the same request comes again.

    The row is inserted *before* the work, in the request's transaction: a concurrent duplicate waits on the unique
    index and then replays the committed response; a failed request rolls the row back, so it can be retried.
    """

    key = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(null=True, blank=True)
    response_etag = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user", "key"], name="core_idempotencykey_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class NumberSequence(TenantModel):
    """The next number of one document type in one organisation (and year, for yearly formats).

    Allocated by ``core.numbering.number_allocate`` under a row lock, inside the creating transaction: no
    duplicates and no gaps under concurrency, never ``count() + 1``.
    """

    kind = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField(default=0, help_text="0 for sequences that never restart.")
    next_value = models.PositiveBigIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "year"], name="core_numbersequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year or ''} → {self.next_value}"


class OutboxEntry(TenantModel):
    """An effect to run after its transaction commits (a notification, a webhook, an e-mail, a document), written in
    that transaction by ``core.outbox.outbox_enqueue`` and relayed to the broker afterwards (``core.outbox``).

    ``relayed_at`` is set once the broker took it; ``done_at`` by the task itself, in the transaction of its work
    (``core.effects.effect_task``), so a redelivered task finds it done and does nothing. Entries the broker never
    got (it was down at commit) or lost are relayed again by the sweep.
    """

    task = models.CharField(max_length=100)
    kwargs = models.JSONField(default=dict, blank=True)
    relayed_at = models.DateTimeField(null=True, blank=True)
    relay_attempts = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="core_outbox_org_idx"),
            # the sweep's scan: only what is not done yet, oldest first
            models.Index(
                fields=["created_at"], name="core_outbox_pending_idx", condition=models.Q(done_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} ({'done' if self.done_at else 'relayed' if self.relayed_at else 'pending'})"
