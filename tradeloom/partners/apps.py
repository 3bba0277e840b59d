from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "tradeloom.partners"
    label = "partners"
    verbose_name = "Partners"

    def ready(self) -> None:
        """Where partners plugs into the floors below it (docs/modules.md)."""
        from django.db.models import F, Value
        from django.db.models.functions import Coalesce, NullIf

        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel, concat
        from tradeloom.partners import models
        from tradeloom.partners.capabilities import PARTNERS_VIEW
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        def partner(prefix: str = "") -> Coalesce:
            return Coalesce(NullIf(F(f"{prefix}trade_name"), Value("")), F(f"{prefix}legal_name"))

        for model, text in (
            (models.Customer, partner()),
            (models.Supplier, partner()),
            (models.Contact, F("name")),
            (models.Address, concat(F("line1"), Value(", "), F("city"))),
            (models.Plant, concat(F("name"), Value(" ("), F("code"), Value(")"))),
            (models.SupplierPlantMapping, concat(partner("supplier__"), Value(" \u00d7 "), F("plant__name"))),
            (models.Carrier, F("name")),
        ):
            RECORD_LABELS.register(model._meta.label_lower, RecordLabel(model, text=text))

        for slug, label, icon, active in (
            ("customers", "Customers", "building-office-2", ()),
            ("suppliers", "Suppliers", "building-office-2", ()),
            ("plants", "Plants", "cog-6-tooth", ("plants", "supplier-plant-mappings")),
            ("contacts", "Contacts", "user-circle", ("contacts", "addresses")),
            ("carriers", "Carriers", "arrow-path", ()),
        ):
            NAVIGATION.register(
                slug,
                NavLink(
                    "Partners",
                    label,
                    f"partners:{slug}-list",
                    f"icons/{icon}.svg",
                    capability=PARTNERS_VIEW,
                    active=active,
                ),
            )
