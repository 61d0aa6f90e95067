from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "revsight.analytics"
    label = "analytics"
    verbose_name = "Analytics"
