"""Shipment rules, one module per part: booking and lines (``shipments``), status moves (``transitions``), ETD and
ETA revisions (``revisions``), containers (``containers``) and the documents checklist (``documents``). Every write
locks the shipment, checks its rules, writes, audits and publishes in one transaction; callers use
``logistics.services.<name>``."""

from tradeloom.logistics.services.containers import container_add, container_remove, container_update
from tradeloom.logistics.services.documents import document_add, document_file_attach, document_update
from tradeloom.logistics.services.revisions import shipment_eta_revise
from tradeloom.logistics.services.shipments import (
    CHECKLIST,
    BookedShipment,
    shipment_create,
    shipment_limit,
    shipment_line_add,
    shipment_line_remove,
    shipment_line_update,
    shipment_lock,
    shipment_update,
    tolerance_percent,
)
from tradeloom.logistics.services.transitions import shipment_move

__all__ = [
    "CHECKLIST",
    "BookedShipment",
    "container_add",
    "container_remove",
    "container_update",
    "document_add",
    "document_file_attach",
    "document_update",
    "shipment_create",
    "shipment_eta_revise",
    "shipment_limit",
    "shipment_line_add",
    "shipment_line_remove",
    "shipment_line_update",
    "shipment_lock",
    "shipment_move",
    "shipment_update",
    "tolerance_percent",
]
