from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tradeloom.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        """Where documents plugs into the floors below it (docs/modules.md, docs/documents.md)."""
        from django.db.models import F

        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel
        from tradeloom.documents import events, tasks  # noqa: F401  (sentences; the Celery task exists)
        from tradeloom.documents.models import Attachment
        from tradeloom.sales.extensions import ORDER_TABS, ORDER_TIMELINE, OrderTab, TimelineSource

        RECORD_LABELS.register("documents.attachment", RecordLabel(Attachment, text=F("name")))
        # the order page's Files tab, and its files' uploads and archives in the order's Timeline
        ORDER_TABS.register("files", OrderTab("files", "Files", "documents:order-panel"))
        ORDER_TIMELINE.register(
            "documents.attachment",
            TimelineSource(
                "documents.attachment",
                lambda order: Attachment.objects.filter(
                    organization_id=order.organization_id, target_type="sales.order", target_id=order.pk
                ),
            ),
        )
