from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "tradeloom.sales"
    label = "sales"
    verbose_name = "Sales orders"

    def ready(self) -> None:
        """Where sales plugs into the floors below it (docs/modules.md)."""
        from tradeloom.sales.capabilities import ORDERS_VIEW
        from tradeloom.tenancy.navigation import NAVIGATION, NavLink

        NAVIGATION.register(
            "orders",
            NavLink("Workspace", "Orders", "sales:orders", "icons/shopping-bag.svg", capability=ORDERS_VIEW, order=10),
        )
