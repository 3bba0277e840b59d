"""How the lcs app's records are named in sentences about audit events (``audit.labels``), and which belong to an
order's Timeline (``sales.extensions.ORDER_TIMELINE``: the LCs linked to it): registered in ``LcsConfig.ready()``."""

from __future__ import annotations

from django.db.models import F

from tradeloom.audit.labels import RecordLabel
from tradeloom.lcs.models import LcOrder, LetterOfCredit
from tradeloom.sales.extensions import TimelineSource

LABELS: dict[str, RecordLabel] = {
    "lcs.letterofcredit": RecordLabel(LetterOfCredit, text=F("number")),
}

SOURCES = [
    TimelineSource(
        "lcs.letterofcredit",
        lambda order: LetterOfCredit.objects.filter(
            pk__in=LcOrder.objects.filter(order=order).values("letter_of_credit_id")
        ),
    ),
]
