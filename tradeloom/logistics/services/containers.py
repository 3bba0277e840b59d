"""A sea or road shipment's containers: added, corrected or removed until it arrives (numbers and seals often come
after booking). Each number passes the ISO 6346 check and is once per shipment."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tradeloom.audit.services import audit_record
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.logistics import states
from tradeloom.logistics.codes import container_number_normalise
from tradeloom.logistics.events import ShipmentAction
from tradeloom.logistics.models import Container, Shipment, ShipmentLine
from tradeloom.logistics.services.shipments import invalid, shipment_lock

FIELDS = ("number", "kind", "seal_number")


def _editable(shipment: Shipment) -> None:
    if shipment.status not in states.CONTAINERS_EDITABLE:
        raise ApplicationError(
            f"{shipment.number} is {shipment.get_status_display().lower()}: its containers no longer change.",
            code="shipment_not_editable",
            status=409,
        )
    if shipment.mode not in (Shipment.Mode.SEA, Shipment.Mode.ROAD):
        raise field_error("number", f"A {shipment.mode} shipment has no containers.")


def _clean(container: Container) -> None:
    container.number = container_number_normalise(container.number)
    container.seal_number = (container.seal_number or "").strip()
    try:
        container.full_clean(
            exclude=["organization", "created_by", "shipment"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        raise invalid(exc.message_dict, "The container has invalid fields.") from exc
    taken = Container.objects.filter(shipment_id=container.shipment_id, number=container.number).exclude(
        pk=container.pk
    )
    if taken.exists():
        raise field_error("number", f"{container.number} is already in this shipment.", code="conflict")


def _changed(shipment: Shipment) -> None:
    """A container change is a change of the shipment (its ETag)."""
    shipment.version += 1
    shipment.save(update_fields=["version", "updated_at"])


@transaction.atomic
def container_add(
    *, shipment: Shipment, by: Any, data: dict[str, Any], expected_version: int | None = None
) -> Container:
    shipment = shipment_lock(shipment, expected_version)
    _editable(shipment)
    for field in data:
        if field not in FIELDS:
            raise ApplicationError(f"“{field}” cannot be set.", code="field_not_editable")
    position = Container.objects.filter(shipment=shipment).count()
    container = Container(
        organization_id=shipment.organization_id, created_by_id=by.user_id, shipment=shipment, position=position, **data
    )
    _clean(container)
    container.save()
    audit_record(
        actor=by,
        action=ShipmentAction.CONTAINER_ADDED,
        target=shipment,
        changes={"container": [None, container.number]},
    )
    _changed(shipment)
    return container


@transaction.atomic
def container_update(
    *, container: Container, by: Any, data: dict[str, Any], expected_version: int | None = None
) -> Container:
    shipment = shipment_lock(container.shipment, expected_version)
    _editable(shipment)
    container = Container.objects.select_for_update().get(pk=container.pk, shipment=shipment)
    before = {f: getattr(container, f) for f in FIELDS}
    for field, value in data.items():
        if field not in FIELDS:
            raise ApplicationError(f"“{field}” cannot be changed here.", code="field_not_editable")
        setattr(container, field, value)
    _clean(container)
    changes = {f: [before[f], getattr(container, f)] for f in FIELDS if before[f] != getattr(container, f)}
    if not changes:
        return container
    container.save()
    audit_record(
        actor=by,
        action=ShipmentAction.CONTAINER_CHANGED,
        target=shipment,
        changes={
            "container": [before["number"], container.number],
            **{k: v for k, v in changes.items() if k != "number"},
        },
    )
    _changed(shipment)
    return container


@transaction.atomic
def container_remove(*, container: Container, by: Any, expected_version: int | None = None) -> Shipment:
    """Remove a container; the lines packed in it stay on the shipment, without a container."""
    shipment = shipment_lock(container.shipment, expected_version)
    _editable(shipment)
    container = Container.objects.select_for_update().get(pk=container.pk, shipment=shipment)
    ShipmentLine.objects.filter(shipment=shipment, container=container).update(container=None)
    number = container.number
    container.delete()
    audit_record(
        actor=by, action=ShipmentAction.CONTAINER_REMOVED, target=shipment, changes={"container": [number, None]}
    )
    _changed(shipment)
    return shipment
