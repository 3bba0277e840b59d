"""T&A rules, one module per part: templates and the standard one (``templates``), applying a template to an order
or line (``plans``), a plan's milestones and their forecasts (``milestones``) and the milestones that complete
themselves from gates, production and shipments (``sync``). Every write locks what it changes, checks its rules,
writes, audits and re-forecasts in one transaction; callers use ``tna.services.<name>``."""

from tradeloom.tna.services.milestones import (
    milestone_record,
    milestone_reopen,
    milestone_replan,
    plan_lock,
    plan_refresh,
    plans_refresh,
    work_week_of,
)
from tradeloom.tna.services.plans import plan_apply, plan_reapply
from tradeloom.tna.services.sync import gates_changed, plan_sync, production_changed, shipment_departed
from tradeloom.tna.services.templates import (
    STANDARD_NAME,
    milestone_rows,
    product_type_of,
    template_archive,
    template_create,
    template_for,
    template_restore,
    template_update,
    templates_create_defaults,
)

__all__ = [
    "STANDARD_NAME",
    "gates_changed",
    "milestone_record",
    "milestone_reopen",
    "milestone_replan",
    "milestone_rows",
    "plan_apply",
    "plan_lock",
    "plan_reapply",
    "plan_refresh",
    "plan_sync",
    "plans_refresh",
    "product_type_of",
    "production_changed",
    "shipment_departed",
    "template_archive",
    "template_create",
    "template_for",
    "template_restore",
    "template_update",
    "templates_create_defaults",
    "work_week_of",
]
