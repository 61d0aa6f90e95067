from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "revsight.planning"
    label = "planning"
    verbose_name = "Planning"
