"""ETD and ETA revisions: a shipment under way gets new dates with the day they were learnt and why; the dates it
had are kept (``EtaRevision``, immutable). Once it has left, only the ETA moves."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.logistics import states
from tradeloom.logistics.events import ShipmentAction, ShipmentEtaRevised
from tradeloom.logistics.models import EtaRevision, Shipment
from tradeloom.logistics.services.shipments import shipment_lock


@transaction.atomic
def shipment_eta_revise(
    *,
    shipment: Shipment,
    by: Any,
    reason: str,
    etd: datetime.date | None = None,
    eta: datetime.date | None = None,
    revised_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> EtaRevision:
    """Revise the ETD (before departure) and/or the ETA (before arrival), with a reason."""
    shipment = shipment_lock(shipment, expected_version)
    if shipment.status not in states.REVISABLE:
        raise ApplicationError(
            f"{shipment.number} is {shipment.get_status_display().lower()}: its dates are history now.",
            code="invalid_transition",
            status=409,
        )
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the dates changed (the carrier's notice, a roll-over, a delay …).")
    new_etd, new_eta = etd or shipment.etd, eta or shipment.eta
    if new_etd != shipment.etd and shipment.status != states.BOOKED:
        raise field_error("etd", f"{shipment.number} left on {shipment.departed_on:%d %b %Y}; only its ETA can change.")
    if (new_etd, new_eta) == (shipment.etd, shipment.eta):
        raise field_error("eta", "These are the dates it has; give a new ETD or ETA.")
    if new_eta < new_etd:
        raise field_error("eta", "The ETA cannot be before the ETD.")
    if shipment.departed_on and new_eta < shipment.departed_on:
        raise field_error("eta", "The ETA cannot be before the actual departure.")
    day = revised_on or timezone.localdate()
    if day > timezone.localdate():
        raise field_error("revised_on", "A revision is recorded on the day it is learnt, not later.")
    revision = EtaRevision.objects.create(
        organization_id=shipment.organization_id,
        created_by_id=by.user_id,
        shipment=shipment,
        previous_etd=shipment.etd,
        previous_eta=shipment.eta,
        etd=new_etd,
        eta=new_eta,
        revised_on=day,
        reason=reason,
    )
    changes: dict[str, list[Any]] = {
        key: [old.isoformat(), new.isoformat()]
        for key, old, new in (("etd", shipment.etd, new_etd), ("eta", shipment.eta, new_eta))
        if old != new
    }
    shipment.etd, shipment.eta = new_etd, new_eta
    shipment.version += 1
    shipment.save(update_fields=["etd", "eta", "version", "updated_at"])
    audit_record(
        actor=by,
        action=ShipmentAction.ETA_REVISED,
        target=shipment,
        changes={**changes, "reason": [None, reason], "revised_on": [None, day.isoformat()]},
    )
    publish(ShipmentEtaRevised(shipment=shipment, revision=revision, by=by))
    return revision
