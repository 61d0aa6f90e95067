from django.apps import AppConfig


class RoutineConfig(AppConfig):
    name = "revsight.routine"
    label = "routine"
    verbose_name = "Schedules and emails"
