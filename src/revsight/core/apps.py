from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "revsight.core"
    label = "core"
    verbose_name = "Revsight core"

    def ready(self) -> None:
        from revsight.core import checks  # noqa: F401  (registers the system checks)
