"""The source systems' mappings on sample files made here: each PowerApps / Dataverse table export of the broker's
nine entities, and a Provabook-style order export — the preset scores best for its file, maps it, and its rows
make the records."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tradeloom.accounts.models import Invitation
from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.catalog.tests.factories import PaymentTermsFactory, UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.imports import presets
from tradeloom.imports.registry import CREATED, PRESETS, UNCHANGED, Preset
from tradeloom.imports.tests.entity_rows import apply_rows, by_preset, context, read_csv, write_csv
from tradeloom.partners.models import Carrier, Contact, Customer, Plant, Supplier, SupplierPlantMapping
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.purchasing.models import PurchaseOrder
from tradeloom.sales.models import Line, Order, Style
from tradeloom.tenancy.roles import Role

GUID = "6f1c2a4e-0d6b-ef11-a670-000d3a5b{n:04d}"
CHECKSUM = "PkR8XxWmC4c3Xk+Q0pY1Zg=="
MODIFIED = "11/25/2026 3:45 PM"


def dataverse(table: str, columns: list[str], rows: list[list[str]]) -> bytes:
    """A Dataverse "Export to Excel" sheet saved as CSV: its hidden id, checksum and modified-on columns first, the
    view's columns, then the system columns of every table."""
    header = [
        f"(Do Not Modify) {table}",
        "(Do Not Modify) Row Checksum",
        "(Do Not Modify) Modified On",
        *columns,
        "Status Reason",
        "Created On",
        "Created By",
        "Modified On",
        "Modified By",
        "Owner",
    ]
    body = [
        [
            GUID.format(n=n),
            CHECKSUM,
            MODIFIED,
            *row,
            "Active",
            "3/2/2024 9:12 AM",
            "Dana Ortiz",
            MODIFIED,
            "Dana Ortiz",
            "Dana Ortiz",
        ]
        for n, row in enumerate(rows)
    ]
    return write_csv(header, body)


ADDRESS = ["Street", "City", "State/Province", "Zip/Postal Code", "Country"]
PARTNER = [
    "Contact Name",
    "Email Address",
    "Phone",
    *ADDRESS,
    "Accounting Payment Terms",
    "Credit Limits",
    "Currency",
    "Tax ID",
    "Status",
]

FILES = {
    "dataverse-customers": dataverse(
        "Customer",
        [
            "Customer Code",
            "Customer Name",
            *PARTNER,
            "Buyer Contact Info",
            "Product Exportable?",
            "Type of Plant",
            "Purchasing Preference Origin",
            "Industry",
        ],
        [
            [
                "HEB",
                "Lone Star Grocers",
                "Maria Lopez",
                "buying@lonestar.example",
                "(210) 555-0101",
                "646 S Main Ave",
                "San Antonio",
                "TX",
                "78204",
                "United States",
                "",
                "",
                "US Dollar",
                "74-1234567",
                "Active",
                "Maria Lopez",
                "Yes",
                "Beef",
                "Domestic",
                "Retail",
            ],
            [
                "",
                "Gulf Coast Foodservice",
                "Tom Reed",
                "tom@gulfcoast.example",
                "(713) 555-0188",
                "12 Harbor Rd",
                "Houston",
                "TX",
                "77002",
                "United States",
                "Net 15",
                "75000",
                "US Dollar",
                "",
                "Inactive",
                "",
                "No",
                "Pork",
                "Imported",
                "Foodservice",
            ],
        ],
    ),
    "dataverse-suppliers": dataverse(
        "Supplier",
        [
            "Supplier Code",
            "Supplier Name",
            *PARTNER,
            "Type of Plant",
            "Fresh or Frozen",
            "Delivery Type",
            "Product Exportable?",
            "Origin",
            "Shipping Offered",
        ],
        [
            [
                "PPK",
                "Prairie Packing Co",
                "Jim Hale",
                "sales@prairie.example",
                "(402) 555-0111",
                "1 Packer Way",
                "Omaha",
                "NE",
                "68107",
                "US",
                "Net 15",
                "",
                "USD",
                "",
                "Active",
                "Beef",
                "Fresh",
                "Pickup",
                "Yes",
                "Domestic",
                "Yes",
            ],
        ],
    ),
    "dataverse-plants": dataverse(
        "Plant",
        [
            "Plant Name",
            "Plant Code",
            "Supplier",
            "Plant Est Number",
            "Plant Type",
            "Street",
            "City",
            "Country",
            "Status",
            "State/Province",
            "Zip/Postal Code",
            "Phone",
            "Email Address",
        ],
        [
            [
                "Prairie Omaha Beef",
                "PPK-OMA",
                "Prairie Packing Co",
                "EST 245C",
                "Beef slaughter",
                "1 Packer Way",
                "Omaha",
                "United States",
                "Active",
                "NE",
                "68107",
                "(402) 555-0112",
                "plant@prairie.example",
            ]
        ],
    ),
    "dataverse-supplier-plant-mappings": dataverse(
        "Supplier Plant Mapping",
        [
            "Name",
            "Supplier",
            "Plant",
            "Customer",
            "Effective From",
            "Effective To",
            "Comments",
            "Contact Info",
            "Status",
        ],
        [["PPK x OMA", "PPK", "PPK-OMA", "", "1/1/2026", "", "All buyers", "Jim Hale", "Active"]],
    ),
    "dataverse-contacts": dataverse(
        "Contact Info",
        [
            "Full Name",
            "Job Title",
            "Email",
            "Business Phone",
            "Company Name",
            "Contact Type",
            "Primary Contact",
            "Status",
            "Mobile Phone",
            "Fax",
            "Notes",
        ],
        [
            [
                "Jim Hale",
                "Sales Manager",
                "jim@prairie.example",
                "(402) 555-0113",
                "Prairie Packing Co",
                "Supplier",
                "Yes",
                "Active",
                "",
                "",
                "",
            ],
            [
                "Ana Ruiz",
                "Buyer",
                "ana@lonestar.example",
                "(210) 555-0102",
                "HEB",
                "Customer",
                "No",
                "Active",
                "",
                "",
                "",
            ],
        ],
    ),
    "dataverse-carriers": dataverse(
        "Carrier Info",
        [
            "Carrier Name",
            "SCAC Code",
            "Carrier Type",
            "Account Number",
            "Contact Name",
            "Email Address",
            "Phone",
            "Website",
            "Status",
            "Street",
            "City",
            "State/Province",
            "Zip/Postal Code",
            "MC Number",
        ],
        [
            [
                "Cold Chain Express",
                "CCEX",
                "Truck",
                "A-7781",
                "Lee Park",
                "dispatch@ccex.example",
                "(800) 555-0199",
                "www.ccex.example",
                "Active",
                "",
                "Dallas",
                "TX",
                "",
                "MC-123456",
            ]
        ],
    ),
    "dataverse-accounts-receivables": dataverse(
        "Accounts Receivable",
        [
            "Name",
            "Customer",
            "Payment Terms",
            "Credit Limit",
            "Currency",
            "Amount Due",
            "Balance",
            "Last Payment Date",
            "Aging Bucket",
            "Status",
        ],
        [
            [
                "AR-HEB",
                "Lone Star Grocers",
                "Net 15",
                "$300,000.00",
                "US Dollar",
                "$12,500.00",
                "$12,500.00",
                "11/20/2026",
                "0-30",
                "Active",
            ]
        ],
    ),
    "dataverse-purchase-orders": dataverse(
        "Purchase Order",
        [
            "PO Number",
            "Supplier",
            "Customer",
            "Plant",
            "Carrier",
            "Purchase Date",
            "Pickup Date",
            "Product",
            "Item Code",
            "Quantity",
            "Unit of Measure",
            "Price Per Unit",
            "Currency",
            "Notes",
            "Total Amount",
            "Status",
            "Supplier Confirmation Number",
            "Sales Order Number",
            "Delivery Date",
            "Attachments",
        ],
        [
            [
                "PO-10045",
                "Prairie Packing Co",
                "HEB",
                "PPK-OMA",
                "CCEX",
                "11/20/2026",
                "11/27/2026",
                "Beef chuck roll 2x",
                "BCR-2",
                "40,000",
                "lb",
                "$3.15",
                "US Dollar",
                "Frozen, boxed",
                "$126,000.00",
                "Active",
                "PPK-99812",
                "SO-332",
                "11/30/2026",
                "",
            ],
            [
                "PO-10045",
                "Prairie Packing Co",
                "HEB",
                "PPK-OMA",
                "CCEX",
                "11/20/2026",
                "11/27/2026",
                "Beef brisket",
                "BBR-1",
                "10,000",
                "lb",
                "$4.05",
                "US Dollar",
                "",
                "$40,500.00",
                "Active",
                "",
                "",
                "",
                "",
            ],
        ],
    ),
    "dataverse-user-profiles": dataverse(
        "User Profile",
        [
            "Full Name",
            "Primary Email",
            "Security Role",
            "Status",
            "Business Unit",
            "Title",
            "Mobile Phone",
            "Profile Image",
        ],
        [
            ["Dana Ortiz", "dana@broker.example", "Sales Manager", "Active", "Texas", "Broker", "", ""],
            ["Old Hand", "old@broker.example", "Salesperson", "Inactive", "Texas", "", "", ""],
        ],
    ),
}

PROVABOOK = write_csv(
    [
        "UID",
        "Order Number",
        "Customer Name",
        "Buyer Name",
        "Style Number",
        "Fabric Type",
        "Fabric Specifications",
        "Fabric Composition",
        "GSM",
        "Finish Type",
        "Construction",
        "Color",
        "Quantity",
        "Unit",
        "Prova Price",
        "Mill Name",
        "Mill Price",
        "Currency",
        "ETD",
        "ETA",
        "Order Date",
        "Expected Delivery Date",
        "Merchandiser",
        "Current Stage",
        "Status",
        "Category",
        "Actual Delivery Date",
        "Total Value",
        "Approval Status",
        "Created At",
        "Updated At",
    ],
    [
        [
            "a1",
            "PO-2231",
            "Nordic Apparel AB",
            "H. Berg",
            "NA-TEE-01",
            "Single jersey",
            "30/1 combed",
            "100% cotton",
            "160",
            "Enzyme wash",
            "Single jersey",
            "Navy",
            "12,000",
            "m",
            "2.85",
            "Arvind Mills",
            "2.10",
            "USD",
            "2026-12-15",
            "2027-01-20",
            "2026-11-02",
            "2027-01-25",
            "merch@prova.example",
            "Design",
            "upcoming",
            "upcoming",
            "",
            "34200",
            "{}",
            "2026-11-02T10:00:00Z",
            "2026-11-03T10:00:00Z",
        ],
        [
            "a1",
            "PO-2231",
            "Nordic Apparel AB",
            "H. Berg",
            "NA-TEE-01",
            "Single jersey",
            "30/1 combed",
            "100% cotton",
            "160",
            "Enzyme wash",
            "Single jersey",
            "White",
            "8,000",
            "m",
            "2.85",
            "Arvind Mills",
            "2.10",
            "USD",
            "2026-12-15",
            "2027-01-20",
            "2026-11-02",
            "2027-01-25",
            "merch@prova.example",
            "Design",
            "upcoming",
            "upcoming",
            "",
            "22800",
            "{}",
            "2026-11-02T10:00:00Z",
            "2026-11-03T10:00:00Z",
        ],
        [
            "a1",
            "PO-2231",
            "Nordic Apparel AB",
            "H. Berg",
            "NA-POLO-02",
            "Pique",
            "",
            "95% cotton 5% elastane",
            "220",
            "",
            "Pique",
            "Black",
            "5,000",
            "m",
            "3.40",
            "Arvind Mills",
            "2.60",
            "USD",
            "2026-12-15",
            "2027-01-20",
            "2026-11-02",
            "2027-01-25",
            "merch@prova.example",
            "Design",
            "upcoming",
            "upcoming",
            "",
            "17000",
            "{}",
            "2026-11-02T10:00:00Z",
            "2026-11-03T10:00:00Z",
        ],
    ],
)


def best_for(headers: list[str]) -> Preset:
    ranked = sorted(PRESETS, key=lambda preset: preset.score(headers), reverse=True)
    assert ranked[0].score(headers) == 1.0
    assert ranked[1].score(headers) < 1.0, (ranked[0].code, ranked[1].code)
    return ranked[0]


def test_every_header_of_each_sample_file_is_mapped_or_knowingly_ignored():
    assert {p.code for p in presets.BUILT_IN} == {*FILES, "provabook-orders"}
    for code, content in [*FILES.items(), ("provabook-orders", PROVABOOK)]:
        preset = PRESETS[code]
        header, _rows = read_csv(content)
        assert set(header) == set(preset.columns) | set(preset.ignore), code
        assert best_for(header) == preset, code


@pytest.mark.django_db
def test_the_nine_dataverse_exports_make_the_brokers_records(org, member):
    by = member(Role.OWNER)
    PaymentTermsFactory(organization=org, name="Net 15")
    PaymentTermsFactory(organization=org, name="Net 30")
    UnitFactory(
        organization=org, code="lb", name="Pound", dimension=UnitOfMeasure.Dimension.MASS, factor=D("0.45359237")
    )
    order = [
        "dataverse-customers",
        "dataverse-suppliers",
        "dataverse-plants",
        "dataverse-supplier-plant-mappings",
        "dataverse-contacts",
        "dataverse-carriers",
        "dataverse-accounts-receivables",
        "dataverse-purchase-orders",
        "dataverse-user-profiles",
    ]
    with tenant_context(org, user=by.user):
        ctx = context(org, by)
        outcomes = {}
        for code in order:
            preset = PRESETS[code]
            header, rows = read_csv(FILES[code])
            outcomes[code] = [r.outcome for r in apply_rows(ctx, preset.entity, by_preset(preset, header, rows))]
        # and the same files again change nothing
        again = {}
        for code in order:
            preset = PRESETS[code]
            header, rows = read_csv(FILES[code])
            again[code] = {r.outcome for r in apply_rows(ctx, preset.entity, by_preset(preset, header, rows))}

        assert outcomes["dataverse-customers"] == [CREATED, CREATED]
        assert outcomes["dataverse-purchase-orders"][0] == CREATED
        assert outcomes["dataverse-accounts-receivables"] == ["updated"]
        assert {k: v for k, v in again.items() if v != {UNCHANGED}} == {}

        heb = Customer.objects.get(code="HEB")
        assert (heb.legal_name, heb.country, heb.default_currency, heb.tax_id) == (
            "Lone Star Grocers",
            "US",
            "USD",
            "74-1234567",
        )
        # the accounts-receivable row set its terms and limit after the customers' file
        assert (heb.payment_terms.name, heb.credit_limit) == ("Net 15", D("300000.00"))
        assert heb.addresss.get().region == "TX"
        gulf = Customer.objects.get(legal_name="Gulf Coast Foodservice")
        assert gulf.code == "GULFCOAS"  # no code: suggested
        assert gulf.archived_at is not None  # inactive: archived
        prairie = Supplier.objects.get(code="PPK")
        plant = Plant.objects.get(code="PPK-OMA")
        assert (plant.supplier, plant.licence_number, plant.country) == (prairie, "EST 245C", "US")
        mapping = SupplierPlantMapping.objects.get()
        assert (mapping.supplier, mapping.plant, mapping.customer, str(mapping.valid_from)) == (
            prairie,
            plant,
            None,
            "2026-01-01",
        )
        assert sorted(Contact.objects.values_list("name", "is_primary")) == [
            ("Ana Ruiz", False),
            ("Jim Hale", True),
            ("Maria Lopez", True),
            ("Tom Reed", True),
        ]
        assert Contact.objects.get(name="Jim Hale").email == "jim@prairie.example"  # the supplier's contact, completed
        carrier = Carrier.objects.get(code="CCEX")
        assert (carrier.mode, carrier.website) == ("road", "https://www.ccex.example")
        po = PurchaseOrder.objects.get()
        assert (po.supplier, po.customer, po.plant, po.carrier, str(po.po_date), str(po.due_date)) == (
            prairie,
            heb,
            plant,
            carrier,
            "2026-11-20",
            "2026-11-27",
        )
        assert (po.line_count, po.total, po.status) == (2, D("166500.00"), "draft")
        assert po.notes.startswith("Imported from source PO PO-10045.")
        invitation = Invitation.objects.get()
        assert (invitation.email, invitation.role) == ("dana@broker.example", Role.MANAGER)


@pytest.mark.django_db
def test_a_provabook_order_export_makes_one_order_with_its_styles_and_lines(org, member):
    by = member(Role.OWNER)
    merchandiser = member(Role.MERCHANDISER, user__email="merch@prova.example")
    UnitFactory(organization=org, code="m", name="Metre")
    CustomerFactory(organization=org, code="NORD", legal_name="Nordic Apparel AB")
    SupplierFactory(organization=org, code="ARV", legal_name="Arvind Mills")
    preset = PRESETS["provabook-orders"]
    header, rows = read_csv(PROVABOOK)
    with tenant_context(org, user=by.user):
        ctx = context(org, by)
        outcomes = [r.outcome for r in apply_rows(ctx, preset.entity, by_preset(preset, header, rows))]
        assert outcomes == [CREATED, "updated", "updated"]
        assert {r.outcome for r in apply_rows(ctx, preset.entity, by_preset(preset, header, rows))} == {UNCHANGED}
        order = Order.objects.get()
        assert (order.po_number, order.buyer_name, order.merchandiser, order.stage, str(order.etd), str(order.eta)) == (
            "PO-2231",
            "H. Berg",
            merchandiser,
            "Design",
            "2026-12-15",
            "2027-01-20",
        )
        assert (str(order.order_date), str(order.expected_delivery), order.status) == (
            "2026-11-02",
            "2027-01-25",
            "open",
        )
        styles = list(Style.objects.filter(order=order))
        assert [(s.style_number, s.composition, s.gsm) for s in styles] == [
            ("NA-TEE-01", "100% cotton", D("160")),
            ("NA-POLO-02", "95% cotton 5% elastane", D("220")),
        ]
        assert styles[0].specification == "30/1 combed"
        lines = list(Line.objects.filter(order=order).order_by("position"))
        assert [(x.colour_code, x.quantity, x.selling_price, x.mill_price, x.supplier.code) for x in lines] == [
            ("Navy", D("12000"), D("2.85"), D("2.10"), "ARV"),
            ("White", D("8000"), D("2.85"), D("2.10"), "ARV"),
            ("Black", D("5000"), D("3.40"), D("2.60"), "ARV"),
        ]
