"""Organisations (tenants) and who belongs to them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from tradeloom.core.jobs import JobKind
from tradeloom.core.models import TenantModel, TimestampedModel
from tradeloom.core.validators import validate_currency_code, validate_timezone
from tradeloom.core.workdays import WorkWeek
from tradeloom.tenancy.roles import Role

# ``settings["over_delivery_tolerance_percent"]``: how far beyond its ordered quantity a line's deliveries may go
# before a delivery needs an owner's or admin's reason (validated by ``services.organization_update``).
OVER_DELIVERY_TOLERANCE = "over_delivery_tolerance_percent"
DEFAULT_OVER_DELIVERY_TOLERANCE_PERCENT = Decimal(10)
# ``settings["shipment_tolerance_percent"]``: how far beyond its ordered quantity a line may be shipped to the buyer
# before a shipment needs an owner's or admin's reason (an order may set its own, ``Order.shipment_tolerance_percent``).
SHIPMENT_TOLERANCE = "shipment_tolerance_percent"
DEFAULT_SHIPMENT_TOLERANCE_PERCENT = Decimal(5)
# ``settings["credit_limit_check"]``: what confirming an order does when it takes the customer past their credit limit
# (the receivables floor checks, ``sales.events.OrderConfirming``): "off", "warn" (the default: confirmed with a
# warning) or "block" (refused unless an owner or admin gives a reason). Validated by ``services.organization_update``.
CREDIT_LIMIT_CHECK = "credit_limit_check"
CREDIT_LIMIT_CHECK_MODES = ("off", "warn", "block")
DEFAULT_CREDIT_LIMIT_CHECK = "warn"
# ``settings["po_approval_limit"]``: a purchase order whose total in the base currency is above it needs a manager's or
# owner's approval (never its author's); at or below it, submitting approves (the purchasing floor reads it).
PO_APPROVAL_LIMIT = "po_approval_limit"
DEFAULT_PO_APPROVAL_LIMIT = Decimal(10000)
# ``settings["over_receipt_tolerance_percent"]``: how far beyond a PO line's ordered quantity its receipts may go.
OVER_RECEIPT_TOLERANCE = "over_receipt_tolerance_percent"
DEFAULT_OVER_RECEIPT_TOLERANCE_PERCENT = Decimal(5)
# ``settings["allow_negative_stock"]``: whether an issue may take a balance below zero (default: refused).
ALLOW_NEGATIVE_STOCK = "allow_negative_stock"
# ``settings["weekly_off_days"]``: the weekdays the organisation and its mills do not work (0 Monday … 6 Sunday;
# default Sunday): T&A plans counted in working days and the production rate skip them (``core.workdays``).
WEEKLY_OFF_DAYS = "weekly_off_days"
DEFAULT_WEEKLY_OFF_DAYS = (6,)


class Organization(TimestampedModel):
    """A company using Tradeloom. Not itself row-level secured: it is reached only through a membership."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    base_currency = models.CharField(max_length=3, default="USD", validators=[validate_currency_code])
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    settings = models.JSONField(default=dict, blank=True)
    seat_limit = models.PositiveIntegerField(
        default=25, validators=[MinValueValidator(1)], help_text="Active members allowed by the plan."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def over_delivery_tolerance_percent(self) -> Decimal:
        """The over-delivery tolerance in percent (``settings``, default 10)."""
        value = (self.settings or {}).get(OVER_DELIVERY_TOLERANCE)
        if value is None or isinstance(value, bool):
            return DEFAULT_OVER_DELIVERY_TOLERANCE_PERCENT
        return Decimal(str(value))

    @property
    def credit_limit_check(self) -> str:
        """ "off", "warn" or "block" (``settings``, default "warn")."""
        value = (self.settings or {}).get(CREDIT_LIMIT_CHECK)
        return value if value in CREDIT_LIMIT_CHECK_MODES else DEFAULT_CREDIT_LIMIT_CHECK

    @property
    def po_approval_limit(self) -> Decimal:
        """Purchase orders above this total in the base currency need approval (``settings``, default 10,000)."""
        value = (self.settings or {}).get(PO_APPROVAL_LIMIT)
        if value is None or isinstance(value, bool):
            return DEFAULT_PO_APPROVAL_LIMIT
        return Decimal(str(value))

    @property
    def over_receipt_tolerance_percent(self) -> Decimal:
        """The over-receipt tolerance of PO lines in percent (``settings``, default 5)."""
        value = (self.settings or {}).get(OVER_RECEIPT_TOLERANCE)
        if value is None or isinstance(value, bool):
            return DEFAULT_OVER_RECEIPT_TOLERANCE_PERCENT
        return Decimal(str(value))

    @property
    def allow_negative_stock(self) -> bool:
        """Whether stock issues may take a balance below zero (``settings``, default no)."""
        return (self.settings or {}).get(ALLOW_NEGATIVE_STOCK) is True

    @property
    def weekly_off_days(self) -> tuple[int, ...]:
        """The weekdays off (``settings``, default Sunday), sorted."""
        value = (self.settings or {}).get(WEEKLY_OFF_DAYS)
        if not isinstance(value, list) or not all(isinstance(d, int) and 0 <= d <= 6 for d in value) or len(value) > 6:
            return DEFAULT_WEEKLY_OFF_DAYS
        return tuple(sorted(set(value)))

    @property
    def work_week(self) -> WorkWeek:
        """The organisation's working week (``core.workdays``)."""
        return WorkWeek.of(self.weekly_off_days)

    @property
    def shipment_tolerance_percent(self) -> Decimal:
        """The shipment tolerance in percent (``settings``, default 5)."""
        value = (self.settings or {}).get(SHIPMENT_TOLERANCE)
        if value is None or isinstance(value, bool):
            return DEFAULT_SHIPMENT_TOLERANCE_PERCENT
        return Decimal(str(value))


class Membership(TenantModel):
    """A user's place in one organisation. The role decides what they may do there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="tenancy_membership_org_user_key"),
            models.UniqueConstraint(fields=["organization", "id"], name="tenancy_membership_org_id_key"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="tenancy_membership_role_valid"),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="tenancy_membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


# The organisation's background jobs (registered in ``TenancyConfig.ready``).
AUDIT_EXPORT = JobKind("audit_export", "Audit log export (CSV)")
