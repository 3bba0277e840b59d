from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "tradeloom.approvals"
    label = "approvals"
    verbose_name = "Approvals and samples"

    def ready(self) -> None:
        from tradeloom.approvals import hooks

        hooks.register()
