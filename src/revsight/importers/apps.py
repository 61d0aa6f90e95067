from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """The importers hold no models; as an app their `tasks` module is found by the jobs app."""

    name = "revsight.importers"
    label = "importers"
    verbose_name = "Importers"
