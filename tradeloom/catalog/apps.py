from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tradeloom.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        """Where the catalog plugs into the floors below it (docs/modules.md)."""
        from django.db.models import F, TextField, Value
        from django.db.models.functions import Cast

        from tradeloom.audit import formats
        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel, concat
        from tradeloom.catalog import models, subscribers
        from tradeloom.catalog.capabilities import CATALOG_VIEW
        from tradeloom.core.events import subscribe
        from tradeloom.tenancy.events import OrganizationCreated
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        subscribe(OrganizationCreated, subscribers.give_default_units)
        for model, text in (
            (models.UnitOfMeasure, F("code")),
            (models.PaymentTerms, F("name")),
            (models.Item, concat(F("code"), Value(" "), F("name"))),
        ):
            RECORD_LABELS.register(model._meta.label_lower, RecordLabel(model, text=text))
        RECORD_LABELS.register(  # "1 USD = 110.5 BDT on 3 Nov"
            "catalog.exchangerate",
            RecordLabel(
                models.ExchangeRate,
                text=None,
                parts={
                    "from": F("from_currency"),
                    "to": F("to_currency"),
                    "rate": Cast("rate", TextField()),
                    "date": Cast("date", TextField()),
                },
                display=lambda label: (
                    f"1 {label.part('from')} = {formats.number(label.part('rate'))} {label.part('to')}"
                    f" on {formats.day(label.part('date'))}"
                ),
            ),
        )
        for slug, label, icon in (
            ("items", "Items", "shopping-bag"),
            ("units", "Units", "chart-bar"),
            ("payment-terms", "Payment terms", "clipboard-document-list"),
            ("exchange-rates", "Exchange rates", "arrow-path"),
        ):
            NAVIGATION.register(
                slug, NavLink("Catalog", label, f"catalog:{slug}-list", f"icons/{icon}.svg", capability=CATALOG_VIEW)
            )
