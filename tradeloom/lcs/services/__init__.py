"""LC rules, one module per part: recording, editing, moving and linking LCs (``lcs``), amendments
(``amendments``), drawings (``utilisations``: contract interface 3) and presentations with their discrepancies
(``presentations``). Every write locks the LC, checks its rules, writes and audits in one transaction."""

from tradeloom.lcs.services.amendments import amendment_accept, amendment_propose, amendment_reject
from tradeloom.lcs.services.common import lc_lock
from tradeloom.lcs.services.lcs import (
    lc_create,
    lc_move,
    lc_order_link,
    lc_order_unlink,
    lc_proforma_link,
    lc_proforma_unlink,
    lc_update,
)
from tradeloom.lcs.services.presentations import (
    discrepancy_raise,
    discrepancy_resolve,
    presentation_add,
    presentation_decide,
    presentation_update,
)
from tradeloom.lcs.services.utilisations import shipment_value, utilisation_draw, utilisation_release

__all__ = [
    "amendment_accept",
    "amendment_propose",
    "amendment_reject",
    "discrepancy_raise",
    "discrepancy_resolve",
    "lc_create",
    "lc_lock",
    "lc_move",
    "lc_order_link",
    "lc_order_unlink",
    "lc_proforma_link",
    "lc_proforma_unlink",
    "lc_update",
    "presentation_add",
    "presentation_decide",
    "presentation_update",
    "shipment_value",
    "utilisation_draw",
    "utilisation_release",
]
