"""What other apps add to the order pages and the orders list, registered in their ``AppConfig.ready()``.

* ``ORDER_LIST_COLUMNS``: a column of the orders list (API and page), computed in the list's one SQL statement as a
  correlated subquery on ``sales_order`` (approvals: each gate's state over the order's lines).
* ``ORDER_TABS``: a tab of the order page whose content the tab loads from the contributing app's own URL.
* ``ORDER_TIMELINE``: records that belong to an order, whose audit events its Timeline tab shows (sales: offers,
  deliveries, tasks, notes; approvals: line gates, samples, files). Each names the audit target type of its rows,
  which has a label registered in ``audit.labels.RECORD_LABELS``.

Sales imports none of its contributors: the floors above plug in here (docs/modules.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tradeloom.core.registry import Registry


@dataclass(frozen=True)
class OrderListColumn:
    key: str  # the API row's key, e.g. "gates"
    annotation: str  # the subquery's name on the row, e.g. "gate_states"
    expression: Callable[[], Any]  # builds the correlated subquery (resolved once per process)
    to_json: Callable[[Any], Any]  # the row's value → the API's JSON (the list's fast path)
    field: Callable[[], Any]  # the documented serializer field of ``OrderListOutput`` (read-only)
    heading: str = ""  # the web list's column heading
    cell_template: str = ""  # the web list's cell, rendered with ``row`` and ``value``


@dataclass(frozen=True)
class OrderTab:
    key: str  # ``?tab=<key>``
    label: str
    url_name: str  # the tab's content, reversed with ``org_slug`` and ``order_id``


ORDER_LIST_COLUMNS: Registry[OrderListColumn] = Registry("orders list columns")
ORDER_TABS: Registry[OrderTab] = Registry("order page tabs")


@dataclass(frozen=True)
class TimelineSource:
    target_type: str  # the audit target type of the rows (``approvals.linegate``)
    records: Callable[[Any], Any]  # an order → a queryset of its records of that type


ORDER_TIMELINE: Registry[TimelineSource] = Registry("order timeline sources")
