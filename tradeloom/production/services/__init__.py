"""Production rules, one module per part: making, editing and moving work orders (``work_orders``), the daily
production reported against them and its corrections (``entries``), their materials and finished goods through the
stock ledger (``materials``) and the figures (``figures``: progress, estimate, late). Every write locks the work
order, checks its rules, writes, audits and publishes in one transaction; callers use
``production.services.<name>``."""

from tradeloom.production.services.entries import production_entry_correct, production_report
from tradeloom.production.services.figures import Estimate, estimate, is_late, progress_percent
from tradeloom.production.services.materials import KEEP, finished_receive, material_issue, requirement_update
from tradeloom.production.services.work_orders import (
    line_label,
    local_today,
    organization_work_orders_refresh,
    wo_lock,
    work_order_create,
    work_order_move,
    work_order_update,
    work_orders_refresh,
)

__all__ = [
    "KEEP",
    "Estimate",
    "estimate",
    "finished_receive",
    "is_late",
    "line_label",
    "local_today",
    "material_issue",
    "organization_work_orders_refresh",
    "production_entry_correct",
    "production_report",
    "progress_percent",
    "requirement_update",
    "wo_lock",
    "work_order_create",
    "work_order_move",
    "work_order_update",
    "work_orders_refresh",
]
