from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tradeloom.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from tradeloom.catalog.services import units_create_defaults
        from tradeloom.tenancy.services import ORGANIZATION_CREATED_HOOKS

        if units_create_defaults not in ORGANIZATION_CREATED_HOOKS:
            ORGANIZATION_CREATED_HOOKS.append(units_create_defaults)
