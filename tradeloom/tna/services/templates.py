"""T&A templates: making and changing one with its milestone rows (checked row by row, the dependencies in order),
archiving it, the standard template every organisation starts with, and the template proposed for an order or line.

The rules (docs/tna.md): a template has a name unique in the organisation and at least one milestone; a row has a
code (a slug: a standard code or a custom one, once per template), a name, an anchor (the ETD or the order date), an
offset in days (-730 … 730), the codes it depends on (of the same template; no loop), an approval gate code of the
organisation (or none) and a production process (knitted / dyed / finished, or none). Errors name the row
(``milestones.2.depends_on``). A default template is proposed for new plans that match it; making one default
unmakes the other default of the same customer and product type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tradeloom.approvals.models import Gate
from tradeloom.audit.services import audit_record
from tradeloom.catalog.models import Item
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.partners.models import Customer
from tradeloom.records.services import record_action
from tradeloom.tna import planning
from tradeloom.tna.models import STANDARD_MILESTONES, Anchor, Template, TemplateMilestone

STANDARD_NAME = "Standard"
PROCESSES = ("knitted", "dyed", "finished")
MAX_OFFSET = 730
TEMPLATE_FIELDS = ("name", "customer", "product_type", "uses_working_days", "is_default", "notes")
ROW_KEYS = frozenset({"code", "name", "anchor", "offset_days", "depends_on", "gate_code", "production_process"})
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def invalid(errors: Mapping[str, list[str]], message: str = "The template has invalid fields.") -> ApplicationError:
    return ApplicationError(message, code="validation_error", extra={"errors": dict(errors)})


def template_lock(template: Template, expected_version: int | None = None) -> Template:
    locked = Template.objects.select_for_update().get(pk=template.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            "The template was changed by someone else. Reload it and try again.",
            code="precondition_failed",
            status=412,
            extra={"current_version": locked.version},
        )
    return locked


def _header(template: Template, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for field, value in data.items():
        if field not in TEMPLATE_FIELDS:
            raise ApplicationError(f"“{field}” cannot be set.", code="field_not_editable")
        if field == "customer":
            if value in (None, ""):
                template.customer = None
                continue
            pk = getattr(value, "pk", value)
            try:
                found = Customer.objects.filter(organization_id=template.organization_id, pk=pk).first()
            except (ValueError, TypeError):
                found = None
            if found is None:
                errors["customer"] = ["Choose one of your customers."]
                continue
            template.customer = found
        elif field in ("name", "product_type", "notes"):
            setattr(template, field, str(value or "").strip())
        else:
            setattr(template, field, bool(value))
    if not template.name:
        errors["name"] = ["A template needs a name."]
    elif len(template.name) > 120:
        errors["name"] = ["Keep the name to 120 characters."]
    if template.product_type and template.product_type not in Item.Kind.values:
        errors["product_type"] = [f"Choose one of: {', '.join(Item.Kind.values)} (or leave it empty for any)."]
    if len(template.notes) > 5000:
        errors["notes"] = ["Keep the notes to 5,000 characters."]
    if not errors and template.name:
        taken = Template.objects.filter(organization_id=template.organization_id, name__iexact=template.name)
        if template.pk:
            taken = taken.exclude(pk=template.pk)
        if taken.exists():
            errors["name"] = ["A template with this name already exists."]
    if errors:
        raise invalid(errors)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        text = str(value).strip()
        return int(text) if re.fullmatch(r"[-+]?\d{1,6}", text) else None
    except (TypeError, ValueError):
        return None


def milestone_rows(*, organization: Any, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows, checked and cleaned (``milestones.<n>.<field>`` errors), their dependencies in order."""
    if not rows:
        raise field_error("milestones", "A template needs at least one milestone.")
    if len(rows) > 100:
        raise field_error("milestones", "A template has at most 100 milestones.")
    gates = set(Gate.objects.filter(organization=organization).values_list("code", flat=True))
    errors: dict[str, list[str]] = {}
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        p = f"milestones.{i}."
        if not isinstance(row, Mapping):
            errors[f"milestones.{i}"] = ["Each milestone is an object."]
            continue
        unknown = set(row) - ROW_KEYS - {"id", "position"}
        if unknown:
            errors[f"{p}{sorted(unknown)[0]}"] = ["This cannot be set on a milestone."]
            continue
        code = str(row.get("code") or "").strip().lower()
        name = str(row.get("name") or "").strip()
        if not CODE_RE.match(code):
            errors[f"{p}code"] = ["A code is lower-case letters, digits, - and _ (e.g. yarn_booked)."]
            continue
        if code in seen:
            errors[f"{p}code"] = [f"The code “{code}” is used twice."]
            continue
        seen.add(code)
        if not name or len(name) > 120:
            errors[f"{p}name"] = ["Give the milestone a name (up to 120 characters)."]
            continue
        anchor = str(row.get("anchor") or Anchor.ETD)
        if anchor not in Anchor.values:
            errors[f"{p}anchor"] = ["Count from the ETD or from the order date."]
            continue
        offset = _int(row.get("offset_days"))
        if offset is None or not -MAX_OFFSET <= offset <= MAX_OFFSET:
            errors[f"{p}offset_days"] = [f"Enter a whole number of days from -{MAX_OFFSET} to {MAX_OFFSET}."]
            continue
        depends = row.get("depends_on") or []
        if isinstance(depends, str):
            depends = [d for d in re.split(r"[\s,]+", depends) if d]
        if not isinstance(depends, list | tuple) or not all(isinstance(d, str) for d in depends):
            errors[f"{p}depends_on"] = ["List the codes it depends on."]
            continue
        gate_code = str(row.get("gate_code") or "").strip()
        if gate_code and gate_code not in gates:
            errors[f"{p}gate_code"] = ["Choose one of your approval gates (or none)."]
            continue
        process = str(row.get("production_process") or "").strip()
        if process and process not in PROCESSES:
            errors[f"{p}production_process"] = ["Choose knitted, dyed or finished (or none)."]
            continue
        clean.append(
            {
                "code": code,
                "name": name,
                "anchor": anchor,
                "offset_days": offset,
                "depends_on": list(dict.fromkeys(str(d).strip().lower() for d in depends)),
                "gate_code": gate_code,
                "production_process": process,
                "position": i,
            }
        )
    if errors:
        raise invalid(errors, "Some milestones need a correction.")
    planning.dependency_order(clean)  # unknown_dependency, dependency_cycle (naming the row)
    return clean


def _unset_other_defaults(template: Template) -> None:
    if template.is_default:
        same_customer = (
            Q(customer_id=template.customer_id) if template.customer_id is not None else Q(customer__isnull=True)
        )
        Template.objects.filter(
            same_customer,
            organization_id=template.organization_id,
            is_default=True,
            product_type=template.product_type,
        ).exclude(pk=template.pk).update(is_default=False, version=F("version") + 1, updated_at=timezone.now())


def _write_rows(template: Template, by: Any, rows: list[dict[str, Any]]) -> None:
    TemplateMilestone.objects.filter(template=template).delete()
    TemplateMilestone.objects.bulk_create(
        TemplateMilestone(organization_id=template.organization_id, template=template, **row) for row in rows
    )


def _rows_of(template: Template) -> list[dict[str, Any]]:
    return [
        {k: getattr(m, k) for k in ("code", "name", "anchor", "offset_days", "depends_on", "gate_code")}
        | {"production_process": m.production_process}
        for m in TemplateMilestone.objects.filter(template=template).order_by("position")
    ]


def _summary(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return [f"{r['code']} {r['anchor']}{int(r['offset_days']):+d}" for r in rows]


@transaction.atomic
def template_create(
    *, organization: Any, by: Any, data: Mapping[str, Any], milestones: list[dict[str, Any]]
) -> Template:
    template = Template(organization=organization, created_by_id=getattr(by, "user_id", None))
    _header(template, data)
    rows = milestone_rows(organization=organization, rows=milestones)
    template.save()
    _unset_other_defaults(template)
    _write_rows(template, by, rows)
    changes: dict[str, Any] = {
        "name": [None, template.name],
        "milestones": [None, _summary(rows)],
    }
    if template.customer_id:
        changes["customer"] = [None, str(template.customer_id)]
    if template.product_type:
        changes["product_type"] = [None, template.product_type]
    if template.uses_working_days:
        changes["uses_working_days"] = [None, True]
    if template.is_default:
        changes["is_default"] = [None, True]
    audit_record(actor=by, action=record_action(Template, "created"), target=template, changes=changes)
    return template


@transaction.atomic
def template_update(
    *,
    organization: Any,
    by: Any,
    template: Template,
    data: Mapping[str, Any],
    milestones: list[dict[str, Any]] | None = None,
    version: int | None = None,
) -> Template:
    """Change the header and (given ``milestones``) replace the rows. Plans made from it keep their own milestones."""
    if template.organization_id != getattr(organization, "pk", organization):
        raise ApplicationError("No such template.", code="not_found", status=404)
    template = template_lock(template, version)
    if template.archived_at is not None:
        raise ApplicationError("The template is archived; restore it first.", code="template_archived", status=409)
    before = {f: getattr(template, f if f != "customer" else "customer_id") for f in TEMPLATE_FIELDS}
    _header(template, data)
    changes: dict[str, Any] = {}
    for f in TEMPLATE_FIELDS:
        now = getattr(template, f if f != "customer" else "customer_id")
        if now != before[f]:
            changes[f] = [str(before[f]) if f == "customer" and before[f] else before[f], str(now) if now else now]
    rows = None
    if milestones is not None:
        rows = milestone_rows(organization=organization, rows=milestones)
        old = _summary(_rows_of(template))
        if [{k: v for k, v in r.items() if k != "position"} for r in rows] != _rows_of(template):
            changes["milestones"] = [old, _summary(rows)]
        else:
            rows = None
    if not changes:
        return template
    template.version += 1
    template.save()
    _unset_other_defaults(template)
    if rows is not None:
        _write_rows(template, by, rows)
    audit_record(actor=by, action=record_action(Template, "updated"), target=template, changes=changes)
    return template


@transaction.atomic
def template_archive(*, organization: Any, by: Any, template: Template, version: int | None = None) -> Template:
    """Archive a template: it is no longer proposed or applied; the plans made from it stay as they are."""
    template = template_lock(template, version)
    if template.archived_at is None:
        template.archived_at = timezone.now()
        template.is_default = False
        template.version += 1
        template.save(update_fields=["archived_at", "is_default", "version", "updated_at"])
        audit_record(actor=by, action=record_action(Template, "archived"), target=template)
    return template


@transaction.atomic
def template_restore(*, organization: Any, by: Any, template: Template, version: int | None = None) -> Template:
    template = template_lock(template, version)
    if template.archived_at is not None:
        template.archived_at = None
        template.version += 1
        template.save(update_fields=["archived_at", "version", "updated_at"])
        audit_record(actor=by, action=record_action(Template, "restored"), target=template)
    return template


def standard_rows() -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "name": name,
            "anchor": Anchor.ETD,
            "offset_days": offset,
            "depends_on": list(depends),
            "gate_code": gate,
            "production_process": process,
            "position": i,
        }
        for i, (code, name, offset, depends, gate, process) in enumerate(STANDARD_MILESTONES)
    ]


def templates_create_defaults(*, organization: Any, by: Any) -> Template | None:
    """The standard template (``models.STANDARD_MILESTONES``, the default for any order) for an organisation that has
    none by that name: a new one (``OrganizationCreated``), older ones (migration 0002, the demo data)."""
    if Template.objects.filter(organization=organization, name=STANDARD_NAME).exists():
        return None
    gates = set(Gate.objects.filter(organization=organization).values_list("code", flat=True))
    rows = [r | {"gate_code": r["gate_code"] if r["gate_code"] in gates else ""} for r in standard_rows()]
    has_default = Template.objects.filter(
        organization=organization, is_default=True, customer__isnull=True, product_type=""
    ).exists()
    template = Template.objects.create(
        organization=organization,
        created_by_id=getattr(by, "user_id", None),
        name=STANDARD_NAME,
        is_default=not has_default,
        notes="The standard knit-and-dye programme, counted back from the ETD.",
    )
    _write_rows(template, by, rows)
    audit_record(
        actor=by,
        action=record_action(Template, "created"),
        target=template,
        changes={"name": [None, template.name], "milestones": [None, _summary(rows)]},
    )
    return template


def product_type_of(*, order: Any, line: Any = None) -> str:
    """The item kind a plan is for: the line's item's, else (an order plan) the kind every line's item shares."""
    from tradeloom.sales.models import Line

    if line is not None:
        return line.item.kind if getattr(line, "item_id", None) and line.item else ""
    kinds = set(
        Line.objects.filter(order=order, item__isnull=False).values_list("item__kind", flat=True).distinct()[:2]
    )
    return kinds.pop() if len(kinds) == 1 else ""


def template_for(*, organization: Any, order: Any, line: Any = None) -> Template | None:
    """The most specific default template for the order (or line): its customer and product type, then its customer,
    then its product type, then any. One statement (two for an order plan's product type)."""
    kind = product_type_of(order=order, line=line)
    candidates = list(
        Template.objects.filter(organization=organization, is_default=True, archived_at__isnull=True)
        .filter(Q(customer__isnull=True) | Q(customer_id=order.customer_id))
        .filter(Q(product_type="") | Q(product_type=kind))
    )

    def rank(t: Template) -> tuple[int, int, str]:
        return (0 if t.customer_id else 1, 0 if t.product_type else 1, t.name)

    candidates.sort(key=rank)
    return candidates[0] if candidates else None
