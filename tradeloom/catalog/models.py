"""What is bought and sold, and the units, currencies and terms it is traded in."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from tradeloom.core.validators import validate_currency_code
from tradeloom.records.models import RecordModel


class UnitOfMeasure(RecordModel):
    """A unit and its size in its dimension's base unit (m, kg, pcs): converting between two units of one
    dimension is ``qty * from.factor / to.factor``, so conversions are consistent by construction."""

    class Dimension(models.TextChoices):
        LENGTH = "length", "Length (base: m)"
        MASS = "mass", "Mass (base: kg)"
        COUNT = "count", "Count (base: pcs)"
        AREA = "area", "Area (base: m²)"
        VOLUME = "volume", "Volume (base: l)"

    code = models.CharField(max_length=20)
    name = models.CharField(max_length=60)
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    factor = models.DecimalField(
        max_digits=24,
        decimal_places=12,
        validators=[MinValueValidator(Decimal("0.000000000001"))],
        help_text="How many base units one of this unit is (1 yd = 0.9144 m).",
    )

    class Shape:
        editable = ("code", "name", "dimension", "factor")

    class Meta(RecordModel.Meta):
        verbose_name = "unit"
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "code"], name="catalog_unit_code_key"),
            models.CheckConstraint(condition=Q(factor__gt=0), name="catalog_unit_factor_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class ExchangeRate(RecordModel):
    """1 ``from_currency`` = ``rate`` ``to_currency`` on ``date``."""

    date = models.DateField()
    from_currency = models.CharField(max_length=3, validators=[validate_currency_code])
    to_currency = models.CharField(max_length=3, validators=[validate_currency_code])
    rate = models.DecimalField(max_digits=20, decimal_places=8, validators=[MinValueValidator(Decimal("0.00000001"))])

    class Shape:
        editable = ("date", "from_currency", "to_currency", "rate")

    class Meta(RecordModel.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["organization", "date", "from_currency", "to_currency"], name="catalog_rate_day_pair_key"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="catalog_rate_positive"),
            models.CheckConstraint(condition=~Q(from_currency=F("to_currency")), name="catalog_rate_two_currencies"),
        ]
        indexes = [
            models.Index(
                fields=["organization", "from_currency", "to_currency", "-date"], name="catalog_rate_lookup_idx"
            )
        ]

    def __str__(self) -> str:
        return f"1 {self.from_currency} = {self.rate} {self.to_currency} on {self.date}"

    def clean(self) -> None:
        super().clean()
        if self.from_currency and self.from_currency == self.to_currency:
            raise ValidationError({"to_currency": "Choose a different currency from the first one."})


class PaymentTerms(RecordModel):
    """A payment schedule, e.g. 30 % with the order and 70 % 60 days later; instalments add up to 100 %.

    Each instalment counts its days from a ``basis`` (optional; default ``invoice``): the invoice date, the B/L date
    (the shipment's departure), the shipment's arrival, or ``sight`` (due on presentation: the invoice date, plus its
    days, usually 0) — "90 days from B/L date" is ``{"percent": "100", "days": 90, "basis": "bl_date"}``."""

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    # each instalment may name a "basis" (invoice, bl_date, arrival or sight; see the class's docstring)
    schedule = models.JSONField(
        default=list, help_text='Instalments: [{"percent": "30", "days": 0}, {"percent": "70", "days": 60}]'
    )

    class Shape:
        editable = ("name", "description", "schedule")

    class Meta(RecordModel.Meta):
        verbose_name = "payment terms"
        verbose_name_plural = "payment terms"
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "name"], name="catalog_paymentterms_name_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = schedule_errors(self.schedule)
        if errors:
            raise ValidationError({"schedule": errors})


class Basis(models.TextChoices):
    """What an instalment's days count from (``PaymentTerms.schedule[*].basis``)."""

    INVOICE = "invoice", "Invoice date"
    BL_DATE = "bl_date", "B/L date (departure)"
    ARRIVAL = "arrival", "Arrival"
    SIGHT = "sight", "At sight (presentation)"


BASES = frozenset(Basis.values)


def schedule_errors(schedule: object) -> list[str]:
    if not isinstance(schedule, list) or not schedule:
        return ["Give at least one instalment."]
    total = Decimal(0)
    for index, part in enumerate(schedule, start=1):
        if not isinstance(part, dict) or set(part) - {"percent", "days", "note", "basis"}:
            return [f"Instalment {index} must have “percent” and “days” (and optionally “basis” and “note”)."]
        try:
            percent = Decimal(str(part.get("percent")))
            days = int(part.get("days"))  # type: ignore[arg-type]
        except (ArithmeticError, TypeError, ValueError):
            return [f"Instalment {index} needs a number of percent and a whole number of days."]
        if percent <= 0 or days < 0 or days > 3650:
            return [f"Instalment {index}: percent must be above 0 and days between 0 and 3650."]
        basis = part.get("basis", Basis.INVOICE)
        if basis not in BASES:
            return [f"Instalment {index}: the basis is one of {', '.join(sorted(BASES))} (default invoice)."]
        total += percent
    if total != 100:
        return [f"The instalments add up to {total} %, not 100 %."]
    return []


class Item(RecordModel):
    """Something traded: fabric, yarn, trim, finished goods or a commodity."""

    class Kind(models.TextChoices):
        FABRIC = "fabric", "Fabric"
        YARN = "yarn", "Yarn"
        TRIM = "trim", "Trim"
        FINISHED_GOODS = "finished_goods", "Finished goods"
        COMMODITY = "commodity", "Commodity"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    unit = models.ForeignKey(UnitOfMeasure, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True)
    composition = models.CharField(max_length=200, blank=True, help_text="e.g. 95% cotton 5% elastane")
    gsm = models.DecimalField(
        "GSM", max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))]
    )
    construction = models.CharField(max_length=120, blank=True, help_text="e.g. single jersey, 2/1 twill")
    finish = models.CharField(max_length=120, blank=True)
    width_cm = models.DecimalField(
        "width (cm)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    hs_code = models.CharField("HS code", max_length=12, blank=True)

    class Shape:
        editable = (
            "kind",
            "code",
            "name",
            "unit",
            "description",
            "composition",
            "gsm",
            "construction",
            "finish",
            "width_cm",
            "hs_code",
        )

    class Meta(RecordModel.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "code"], name="catalog_item_code_key"),
        ]
        indexes = [models.Index(fields=["organization", "kind", "-created_at"], name="catalog_item_kind_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
