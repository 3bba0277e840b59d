"""Ready-made mappings for the exports of the systems Tradeloom replaces.

* **PowerApps / Dataverse** ("Export to Excel" / CSV of a meat broker's model-driven app, nine tables): the display
  names of the columns, plus the columns Dataverse adds to every export — ``(Do Not Modify) <Table>`` (the row id),
  ``(Do Not Modify) Row Checksum``, ``(Do Not Modify) Modified On`` — and the system columns (``Status Reason``,
  ``Created On``, ``Created By``, ``Modified On``, ``Modified By``, ``Owner``), which are known and not imported.
  ``Status`` (Active / Inactive) is imported: inactive records are archived (members: not invited).
* **Provabook-style order export**: a row per order line, its vocabulary from Provabook's order model (order number =
  the buyer's PO, customer and buyer names, fabric fields, colour, quantity and unit, Prova price (selling) and mill
  price, ETD / ETA, merchandiser, current stage, status).
"""

from __future__ import annotations

from tradeloom.imports.registry import Preset


def _dataverse_system(table: str) -> tuple[str, ...]:
    return (
        f"(Do Not Modify) {table}",
        "(Do Not Modify) Row Checksum",
        "(Do Not Modify) Modified On",
        "Status Reason",
        "Created On",
        "Created By",
        "Modified On",
        "Modified By",
        "Owner",
    )


_ADDRESS = {
    "Street": "line1",
    "City": "city",
    "State/Province": "region",
    "Zip/Postal Code": "postal_code",
    "Country": "country",
}

DATAVERSE_CUSTOMER_TERMS = Preset(
    code="dataverse-accounts-receivables",
    label="PowerApps / Dataverse: Accounts Receivables",
    entity="customer_terms",
    columns={
        "Customer": "customer",
        "Payment Terms": "payment_terms",
        "Credit Limit": "credit_limit",
        "Currency": "default_currency",
    },
    ignore=(
        *_dataverse_system("Accounts Receivable"),
        "Name",
        "Amount Due",
        "Balance",
        "Last Payment Date",
        "Aging Bucket",
        "Status",
    ),
)

DATAVERSE_SUPPLIERS = Preset(
    code="dataverse-suppliers",
    label="PowerApps / Dataverse: Suppliers",
    entity="suppliers",
    columns={
        "Supplier Code": "code",
        "Supplier Name": "name",
        "Contact Name": "contact_name",
        "Email Address": "email",
        "Phone": "phone",
        **_ADDRESS,
        "Accounting Payment Terms": "payment_terms",
        "Credit Limits": "credit_limit",
        "Currency": "default_currency",
        "Tax ID": "tax_id",
        "Status": "active",
    },
    ignore=(
        *_dataverse_system("Supplier"),
        "Type of Plant",
        "Fresh or Frozen",
        "Delivery Type",
        "Product Exportable?",
        "Origin",
        "Shipping Offered",
    ),
)

DATAVERSE_CUSTOMERS = Preset(
    code="dataverse-customers",
    label="PowerApps / Dataverse: Customers",
    entity="customers",
    columns={
        "Customer Code": "code",
        "Customer Name": "name",
        "Contact Name": "contact_name",
        "Email Address": "email",
        "Phone": "phone",
        **_ADDRESS,
        "Accounting Payment Terms": "payment_terms",
        "Credit Limits": "credit_limit",
        "Currency": "default_currency",
        "Tax ID": "tax_id",
        "Status": "active",
    },
    ignore=(
        *_dataverse_system("Customer"),
        "Buyer Contact Info",
        "Product Exportable?",
        "Type of Plant",
        "Purchasing Preference Origin",
        "Industry",
    ),
)

DATAVERSE_PLANTS = Preset(
    code="dataverse-plants",
    label="PowerApps / Dataverse: Plants",
    entity="plants",
    columns={
        "Plant Name": "name",
        "Plant Code": "code",
        "Supplier": "supplier",
        "Plant Est Number": "licence_number",
        "Plant Type": "capabilities",
        "Street": "address",
        "City": "city",
        "Country": "country",
        "Status": "active",
    },
    ignore=(*_dataverse_system("Plant"), "State/Province", "Zip/Postal Code", "Phone", "Email Address"),
)

DATAVERSE_PURCHASE_ORDERS = Preset(
    code="dataverse-purchase-orders",
    label="PowerApps / Dataverse: Purchase Orders",
    entity="purchase_orders",
    columns={
        "PO Number": "number",
        "Supplier": "supplier",
        "Customer": "customer",
        "Plant": "plant",
        "Carrier": "carrier",
        "Purchase Date": "po_date",
        "Pickup Date": "due_date",
        "Product": "material_name",
        "Item Code": "material_code",
        "Quantity": "quantity",
        "Unit of Measure": "unit",
        "Price Per Unit": "unit_price",
        "Currency": "currency",
        "Notes": "notes",
    },
    ignore=(
        *_dataverse_system("Purchase Order"),
        "Total Amount",
        "Status",
        "Supplier Confirmation Number",
        "Sales Order Number",
        "Delivery Date",
        "Attachments",
    ),
)

DATAVERSE_CONTACTS = Preset(
    code="dataverse-contacts",
    label="PowerApps / Dataverse: Contact Info",
    entity="contacts",
    columns={
        "Full Name": "name",
        "Job Title": "title",
        "Email": "email",
        "Business Phone": "phone",
        "Company Name": "partner",
        "Contact Type": "partner_type",
        "Primary Contact": "is_primary",
        "Status": "active",
    },
    ignore=(*_dataverse_system("Contact Info"), "Mobile Phone", "Fax", "Notes"),
)

DATAVERSE_MAPPINGS = Preset(
    code="dataverse-supplier-plant-mappings",
    label="PowerApps / Dataverse: Supplier Plant Mappings",
    entity="supplier_plant_mappings",
    columns={
        "Supplier": "supplier",
        "Plant": "plant",
        "Customer": "customer",
        "Effective From": "valid_from",
        "Effective To": "valid_to",
        "Comments": "notes",
        "Status": "active",
    },
    ignore=(*_dataverse_system("Supplier Plant Mapping"), "Name", "Contact Info"),
)

DATAVERSE_CARRIERS = Preset(
    code="dataverse-carriers",
    label="PowerApps / Dataverse: Carrier Info",
    entity="carriers",
    columns={
        "Carrier Name": "name",
        "SCAC Code": "code",
        "Carrier Type": "mode",
        "Account Number": "account_number",
        "Contact Name": "contact_name",
        "Email Address": "email",
        "Phone": "phone",
        "Website": "website",
        "Status": "active",
    },
    ignore=(*_dataverse_system("Carrier Info"), "Street", "City", "State/Province", "Zip/Postal Code", "MC Number"),
)

DATAVERSE_MEMBERS = Preset(
    code="dataverse-user-profiles",
    label="PowerApps / Dataverse: User Profiles",
    entity="members",
    columns={"Full Name": "name", "Primary Email": "email", "Security Role": "role", "Status": "active"},
    ignore=(*_dataverse_system("User Profile"), "Business Unit", "Title", "Mobile Phone", "Profile Image"),
)

PROVABOOK_ORDERS = Preset(
    code="provabook-orders",
    label="Provabook: order export",
    entity="orders",
    columns={
        "Order Number": "po_number",
        "Customer Name": "customer",
        "Buyer Name": "buyer_name",
        "Style Number": "style_number",
        "Fabric Type": "fabric_type",
        "Fabric Specifications": "specification",
        "Fabric Composition": "composition",
        "GSM": "gsm",
        "Finish Type": "finish",
        "Construction": "construction",
        "Color": "colour_code",
        "Quantity": "quantity",
        "Unit": "unit",
        "Prova Price": "selling_price",
        "Mill Name": "supplier",
        "Mill Price": "mill_price",
        "Currency": "currency",
        "ETD": "order_etd",
        "ETA": "order_eta",
        "Order Date": "order_date",
        "Expected Delivery Date": "expected_delivery",
        "Merchandiser": "merchandiser",
        "Current Stage": "stage",
        "Status": "status",
    },
    ignore=("UID", "Category", "Actual Delivery Date", "Total Value", "Approval Status", "Created At", "Updated At"),
)

DATAVERSE = (
    DATAVERSE_CUSTOMER_TERMS,
    DATAVERSE_SUPPLIERS,
    DATAVERSE_CUSTOMERS,
    DATAVERSE_PLANTS,
    DATAVERSE_PURCHASE_ORDERS,
    DATAVERSE_CONTACTS,
    DATAVERSE_MAPPINGS,
    DATAVERSE_CARRIERS,
    DATAVERSE_MEMBERS,
)
BUILT_IN = (*DATAVERSE, PROVABOOK_ORDERS)
