from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tradeloom.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from tradeloom.core import signals  # noqa: F401  (connects the post_migrate grant)
