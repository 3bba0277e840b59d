"""Shipments to the buyer: what goes (quantities of order lines, in cartons, kilos and cubic metres), how (mode,
carrier, B/L or AWB, vessel or flight, containers), when (ETD and ETA with every revision, actual departure and
arrival) and with which documents. A shipment carries lines of one customer's orders, possibly of several."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tradeloom.core.models import TenantModel
from tradeloom.logistics import states
from tradeloom.logistics.codes import SEA_ONLY_INCOTERMS, Incoterm, validate_container_number
from tradeloom.records.models import RecordModel

MAX_QUANTITY = Decimal("999999999.999")
QUANTITY_RANGE = [
    MinValueValidator(Decimal("0.001"), message="Quantity must be above zero."),
    MaxValueValidator(MAX_QUANTITY, message=f"Quantity must be at most {MAX_QUANTITY:,}."),
]
MEASURE_RANGE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("99999999.999"))]


class Shipment(RecordModel):
    """A consignment to one customer. Its status moves only by the actions of ``states.ACTIONS``; its ETD and ETA
    change after booking only by a revision (``EtaRevision``). The totals are its lines', kept by the services."""

    audit_prefix = "shipment"

    class Mode(models.TextChoices):
        SEA = "sea", "Sea"
        AIR = "air", "Air"
        ROAD = "road", "Road"
        COURIER = "courier", "Courier"

    number = models.CharField(max_length=40, editable=False)
    customer = models.ForeignKey("partners.Customer", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    carrier = models.ForeignKey("partners.Carrier", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    transport_document_number = models.CharField(
        "B/L or AWB number", max_length=60, blank=True, help_text="Bill of lading, sea waybill, AWB or tracking number."
    )
    # the number without spaces and dashes, in capitals: what uniqueness and search compare
    transport_document_key = models.CharField(max_length=60, blank=True, editable=False)
    vessel = models.CharField(max_length=120, blank=True)
    voyage = models.CharField(max_length=40, blank=True)
    flight_number = models.CharField(max_length=40, blank=True)
    port_of_loading = models.CharField("port or place of loading", max_length=120, blank=True)
    port_of_discharge = models.CharField("port or place of discharge", max_length=120, blank=True)
    final_destination = models.CharField(max_length=120, blank=True)
    incoterm = models.CharField(max_length=3, choices=Incoterm.choices, blank=True)
    incoterm_place = models.CharField("named place", max_length=120, blank=True)
    etd = models.DateField("ETD")
    eta = models.DateField("ETA")
    departed_on = models.DateField("actual departure", null=True, blank=True, editable=False)
    arrived_on = models.DateField("actual arrival", null=True, blank=True, editable=False)
    delivered_on = models.DateField("delivered to buyer", null=True, blank=True, editable=False)
    status = models.CharField(max_length=12, choices=states.STATUSES, default=states.BOOKED, editable=False)
    status_reason = models.CharField(max_length=500, blank=True, editable=False)
    notes = models.TextField(blank=True)
    # the lines' sums (``services.shipments``)
    line_count = models.PositiveIntegerField(default=0, editable=False)
    total_cartons = models.PositiveIntegerField(default=0, editable=False)
    total_gross_kg = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal(0), editable=False)
    total_net_kg = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal(0), editable=False)
    total_cbm = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal(0), editable=False)

    class Shape:
        create = (
            "customer",
            "mode",
            "carrier",
            "transport_document_number",
            "vessel",
            "voyage",
            "flight_number",
            "port_of_loading",
            "port_of_discharge",
            "final_destination",
            "incoterm",
            "incoterm_place",
            "etd",
            "eta",
            "notes",
        )
        # customer stays (its lines are that customer's), ETD and ETA move by a revision
        update = (
            "mode",
            "carrier",
            "transport_document_number",
            "vessel",
            "voyage",
            "flight_number",
            "port_of_loading",
            "port_of_discharge",
            "final_destination",
            "incoterm",
            "incoterm_place",
            "notes",
        )
        read = (
            "id",
            "number",
            "customer_id",
            "mode",
            "carrier_id",
            "transport_document_number",
            "vessel",
            "voyage",
            "flight_number",
            "port_of_loading",
            "port_of_discharge",
            "final_destination",
            "incoterm",
            "incoterm_place",
            "etd",
            "eta",
            "departed_on",
            "arrived_on",
            "delivered_on",
            "status",
            "status_reason",
            "notes",
            "line_count",
            "total_cartons",
            "total_gross_kg",
            "total_net_kg",
            "total_cbm",
            "version",
            "archived_at",
            "created_at",
        )
        list = (
            "id",
            "number",
            "customer_id",
            "mode",
            "carrier_id",
            "transport_document_number",
            "vessel",
            "voyage",
            "flight_number",
            "port_of_loading",
            "port_of_discharge",
            "etd",
            "eta",
            "departed_on",
            "arrived_on",
            "delivered_on",
            "status",
            "line_count",
            "total_cartons",
            "total_gross_kg",
            "total_cbm",
            "version",
            "created_at",
        )

    class Meta(RecordModel.Meta):
        constraints = [
            *RecordModel.Meta.constraints,
            models.UniqueConstraint(fields=["organization", "number"], name="logistics_shipment_number_key"),
            models.UniqueConstraint(
                fields=["organization", "carrier", "transport_document_key"],
                condition=~Q(transport_document_key=""),
                name="logistics_shipment_document_key",
                violation_error_message="This carrier already has a shipment with this B/L or AWB number.",
            ),
            models.CheckConstraint(condition=Q(eta__gte=F("etd")), name="logistics_shipment_eta_after_etd"),
            models.CheckConstraint(
                condition=Q(arrived_on__isnull=True)
                | Q(departed_on__isnull=True)
                | Q(arrived_on__gte=F("departed_on")),
                name="logistics_shipment_arrival_after_departure",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="shipment_list_idx"),
            models.Index(fields=["organization", "status", "-created_at", "-id"], name="shipment_status_idx"),
            models.Index(fields=["organization", "customer", "-created_at"], name="shipment_customer_idx"),
            # the alerts and the late filter: shipments still under way, by their dates
            models.Index(
                fields=["organization", "eta"],
                condition=Q(status__in=sorted(states.UNDER_WAY)),
                name="shipment_open_eta_idx",
            ),
            models.Index(
                fields=["organization", "etd"],
                condition=Q(status=states.BOOKED),
                name="shipment_booked_etd_idx",
            ),
            # the search by B/L or AWB (``logistics.search``; the number has its unique key)
            models.Index(
                fields=["organization", "transport_document_key"],
                condition=~Q(transport_document_key=""),
                name="shipment_document_key_idx",
            ),
        ]

    constraint_fields = {"logistics_shipment_document_key": "transport_document_number"}

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.etd and self.eta and self.eta < self.etd:
            errors["eta"] = "The ETA cannot be before the ETD."
        if self.incoterm in SEA_ONLY_INCOTERMS and self.mode != self.Mode.SEA:
            errors["incoterm"] = f"{self.incoterm} is for sea and inland waterway; use FCA, CPT, CIP, DAP, DPU or DDP."
        if errors:
            raise ValidationError(errors)

    @property
    def is_final(self) -> bool:
        return self.status in states.FINAL

    def can(self, action: str) -> bool:
        return states.can(self.status, action)


class Container(TenantModel):
    """A container of a sea or road shipment: its ISO 6346 number (validated), type and seal."""

    class Kind(models.TextChoices):
        GP20 = "20GP", "20' standard"
        GP40 = "40GP", "40' standard"
        HC40 = "40HC", "40' high cube"
        HC45 = "45HC", "45' high cube"
        RF20 = "20RF", "20' reefer"
        RF40 = "40RF", "40' reefer"
        OT20 = "20OT", "20' open top"
        OT40 = "40OT", "40' open top"
        FR20 = "20FR", "20' flat rack"
        FR40 = "40FR", "40' flat rack"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="containers", db_index=False)
    number = models.CharField("container number", max_length=11, validators=[validate_container_number])
    kind = models.CharField("type", max_length=4, choices=Kind.choices)
    seal_number = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Shape:
        editable = ("number", "kind", "seal_number")
        read = ("id", "number", "kind", "seal_number")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="logistics_container_org_id_key"),
            models.UniqueConstraint(fields=["shipment", "number"], name="logistics_container_once"),
        ]
        indexes = [models.Index(fields=["organization", "number"], name="container_number_idx")]
        ordering = ("position", "number")

    def __str__(self) -> str:
        return self.number


class ShipmentLine(TenantModel):
    """A quantity of one order line in a shipment (in the line's unit), with its packing."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines", db_index=False)
    order = models.ForeignKey("sales.Order", on_delete=models.PROTECT, related_name="+", db_index=False)
    line = models.ForeignKey("sales.Line", on_delete=models.PROTECT, related_name="+", db_index=False)
    quantity = models.DecimalField(max_digits=18, decimal_places=3, validators=QUANTITY_RANGE)
    cartons = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(9_999_999)])
    gross_weight_kg = models.DecimalField(
        "gross weight (kg)", max_digits=14, decimal_places=3, default=Decimal(0), validators=MEASURE_RANGE
    )
    net_weight_kg = models.DecimalField(
        "net weight (kg)", max_digits=14, decimal_places=3, default=Decimal(0), validators=MEASURE_RANGE
    )
    volume_cbm = models.DecimalField(
        "volume (CBM)", max_digits=14, decimal_places=3, default=Decimal(0), validators=MEASURE_RANGE
    )
    container = models.ForeignKey(
        Container, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    position = models.PositiveIntegerField(default=0)

    class Shape:
        create = ("line", "quantity", "cartons", "gross_weight_kg", "net_weight_kg", "volume_cbm", "container")
        update = ("quantity", "cartons", "gross_weight_kg", "net_weight_kg", "volume_cbm", "container")
        read = (
            "id",
            "order_id",
            "line_id",
            "quantity",
            "cartons",
            "gross_weight_kg",
            "net_weight_kg",
            "volume_cbm",
            "container_id",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="logistics_shipmentline_org_id_key"),
            models.UniqueConstraint(fields=["shipment", "line"], name="logistics_shipmentline_once"),
            models.CheckConstraint(
                condition=Q(net_weight_kg__lte=F("gross_weight_kg")), name="logistics_shipmentline_net_within_gross"
            ),
        ]
        indexes = [
            # an order's shipments (its tab) and a line's
            models.Index(fields=["order", "shipment"], name="shipmentline_order_idx"),
            models.Index(fields=["line"], name="shipmentline_line_idx"),
            models.Index(fields=["container"], condition=Q(container__isnull=False), name="shipmentline_container_idx"),
        ]
        ordering = ("position",)

    def clean(self) -> None:
        super().clean()
        weights = (self.net_weight_kg, self.gross_weight_kg)
        if None not in weights and self.net_weight_kg > self.gross_weight_kg:
            raise ValidationError({"net_weight_kg": "The net weight cannot be above the gross weight."})


class EtaRevision(TenantModel):
    """A change of a shipment's ETD or ETA after booking: the dates before and after, the day it was learnt and
    why. Immutable (the database refuses UPDATE and DELETE); who recorded it: ``created_by``."""

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="revisions", db_index=False)
    previous_etd = models.DateField()
    previous_eta = models.DateField()
    etd = models.DateField("ETD")
    eta = models.DateField("ETA")
    revised_on = models.DateField()
    reason = models.CharField(max_length=500)

    class Shape:
        read = (
            "id",
            "previous_etd",
            "previous_eta",
            "etd",
            "eta",
            "revised_on",
            "reason",
            "created_by_id",
            "created_at",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="logistics_etarevision_org_id_key"),
        ]
        indexes = [models.Index(fields=["shipment", "created_at"], name="etarevision_shipment_idx")]
        ordering = ("created_at",)


class ShipmentDocument(TenantModel):
    """A document that travels with a shipment (its checklist): kind, or a name for others; status and due date."""

    audit_prefix = "shipment_document"

    class Kind(models.TextChoices):
        COMMERCIAL_INVOICE = "commercial_invoice", "Commercial invoice"
        PACKING_LIST = "packing_list", "Packing list"
        TRANSPORT_DOCUMENT = "transport_document", "B/L or AWB"
        CERTIFICATE_OF_ORIGIN = "certificate_of_origin", "Certificate of origin"
        INSPECTION_CERTIFICATE = "inspection_certificate", "Inspection certificate"
        INSURANCE = "insurance", "Insurance certificate"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DRAFTED = "drafted", "Drafted"
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DISCREPANT = "discrepant", "Discrepant"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="documents", db_index=False)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    name = models.CharField(max_length=120, blank=True, help_text="The document's name, for other documents.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    due_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Shape:
        create = ("kind", "name", "status", "due_date", "note")
        update = ("name", "status", "due_date", "note")
        read = ("id", "kind", "name", "status", "due_date", "note", "updated_at")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="logistics_shipmentdocument_org_id_key"),
            models.UniqueConstraint(
                fields=["shipment", "kind"], condition=~Q(kind="other"), name="logistics_document_kind_once"
            ),
            models.UniqueConstraint(
                fields=["shipment", "name"], condition=Q(kind="other"), name="logistics_document_name_once"
            ),
            models.CheckConstraint(condition=~Q(kind="other") | ~Q(name=""), name="logistics_document_other_named"),
        ]
        indexes = [models.Index(fields=["shipment", "position"], name="shipmentdocument_idx")]
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class DocumentFile(TenantModel):
    """A file of a shipment document (the scanned B/L, the signed packing list …): size and type checked on upload,
    downloaded only through the permission-checked view."""

    audit_prefix = "shipment_file"

    document = models.ForeignKey(ShipmentDocument, on_delete=models.CASCADE, related_name="files", db_index=False)
    file = models.FileField(upload_to="shipments/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)

    class Shape:
        read = ("id", "name", "size", "content_type", "created_at")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "id"], name="logistics_documentfile_org_id_key")]
        indexes = [models.Index(fields=["document", "created_at"], name="documentfile_document_idx")]
        ordering = ("created_at",)

    def __str__(self) -> str:
        return self.name


class LineDepartures(models.Model):
    """What has departed of a line due to the buyer, one row per counted line (not archived, of an order not
    cancelled, a draft or deleted, with an ETD — the line's, else its order's), kept by PostgreSQL
    (``logistics.departures``: triggers on lines, orders, shipment lines and shipments) for the on-time-in-full
    report. Never written by the application. From the shipments carrying the line that departed and are not cancelled
    or returned: the first departure day (``None``: nothing departed), what departed, and what departed by the ETD.
    The order's own tolerance is copied (``None``: the organisation's applies); copies of the order's columns the
    report filters by."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    line = models.OneToOneField("sales.Line", on_delete=models.CASCADE, primary_key=True, related_name="+")
    order_id = models.UUIDField()
    customer_id = models.UUIDField()
    merchandiser_id = models.UUIDField(null=True)
    etd = models.DateField()
    quantity = models.DecimalField(max_digits=18, decimal_places=3)
    tolerance_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    first_departed_on = models.DateField(null=True)
    departed = models.DecimalField(max_digits=24, decimal_places=3)
    departed_by_etd = models.DecimalField(max_digits=24, decimal_places=3)

    class Meta:
        indexes = [
            # OTIF: the lines due in the months, read from the index alone
            models.Index(
                fields=["organization", "etd"],
                include=[
                    "customer_id",
                    "merchandiser_id",
                    "quantity",
                    "tolerance_percent",
                    "first_departed_on",
                    "departed",
                    "departed_by_etd",
                ],
                name="logistics_linedepartures_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Departures of {self.line_id}"
