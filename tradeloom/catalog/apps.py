from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tradeloom.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        """Where the catalog plugs into the floors below it (docs/modules.md)."""
        from tradeloom.catalog import subscribers
        from tradeloom.catalog.capabilities import CATALOG_VIEW
        from tradeloom.core.events import subscribe
        from tradeloom.tenancy.events import OrganizationCreated
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        subscribe(OrganizationCreated, subscribers.give_default_units)
        for slug, label, icon in (
            ("items", "Items", "shopping-bag"),
            ("units", "Units", "chart-bar"),
            ("payment-terms", "Payment terms", "clipboard-document-list"),
            ("exchange-rates", "Exchange rates", "arrow-path"),
        ):
            NAVIGATION.register(
                slug, NavLink("Catalog", label, f"catalog:{slug}-list", f"icons/{icon}.svg", capability=CATALOG_VIEW)
            )
