from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "revsight.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Each domain package's `tasks` module defines its kinds of job (importers, forecasting,
        # analytics): found here, as the admin finds `admin` modules, so the web, the command
        # line and the worker all know the same kinds.
        autodiscover_modules("tasks")
