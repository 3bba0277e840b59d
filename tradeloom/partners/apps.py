from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "tradeloom.partners"
    label = "partners"
    verbose_name = "Partners"

    def ready(self) -> None:
        """Where partners plugs into the floors below it (docs/modules.md)."""
        from tradeloom.partners.capabilities import PARTNERS_VIEW
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

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
