from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "revsight.cadence"
    label = "cadence"
    verbose_name = "Management cadence"
