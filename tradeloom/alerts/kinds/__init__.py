"""The alert kinds of the floors below whose records the alerts app watches itself (sales, approvals). A module of
a lower floor that is not watched here registers its own kinds in its own ``ready()`` (``core.alert_kinds``)."""

from tradeloom.alerts.kinds.approvals import APPROVAL_KINDS
from tradeloom.alerts.kinds.sales import SALES_KINDS

OWN_KINDS = (*SALES_KINDS, *APPROVAL_KINDS)

__all__ = ["OWN_KINDS"]
